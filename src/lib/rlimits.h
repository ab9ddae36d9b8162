/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.rlimits: names, validation, and applying them to the current process. */
#ifndef OCIRUN_RLIMITS_H
#define OCIRUN_RLIMITS_H

#include "error.h"
#include "ocispec.h"

/* Maps "RLIMIT_NOFILE" to RLIMIT_NOFILE; -1 when unknown. */
int rlimit_from_name(const char *name);

/* Known type, no type twice, soft <= hard. prefix is the JSON path of the process object. */
int rlimits_validate(const oci_process *p, const char *prefix, ocirun_error *err);

/* setrlimit for every entry, in order. */
int rlimits_apply(const oci_process *p, ocirun_error *err);

#endif

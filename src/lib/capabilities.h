/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names and the five capability sets, through libcap. */
#ifndef OCIRUN_CAPABILITIES_H
#define OCIRUN_CAPABILITIES_H

#include "error.h"
#include "ocispec.h"

/* Maps "CAP_SYS_ADMIN" to its number; -1 when unknown (or unknown to this kernel). */
int capability_from_name(const char *name);

/* Drops from the bounding set what caps->bounding lacks, then sets effective, permitted,
 * inheritable exactly as listed, then raises ambient. NULL caps drops everything. */
int capabilities_apply(const oci_capabilities *caps, ocirun_error *err);

#endif

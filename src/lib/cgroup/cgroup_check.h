/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup part of `ocirun check` (check.c in this directory). */
#ifndef OCIRUN_CGROUP_CHECK_H
#define OCIRUN_CGROUP_CHECK_H

#include <stdbool.h>

#include "ocispec.h"

struct check_report;

/* Probes: mode (v1, hybrid, v2), controllers, delegation (for a non-root caller), freezer,
 * device control. Read-only. */
void cgroup_check_host(struct check_report *r);

/* Findings for linux.cgroupsPath and linux.resources: what create's cgroup_create would
 * refuse (error) or ignore with a warning on this host. Writes nothing. */
void cgroup_check_bundle(const oci_config *config, bool systemd_driver, struct check_report *r);

#endif

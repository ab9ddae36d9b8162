/* SPDX-License-Identifier: GPL-2.0-or-later */
/* newuidmap / newgidmap (shadow's setuid helpers, Debian package uidmap): how an unprivileged
 * user writes a map of several ranges, checked against /etc/subuid and /etc/subgid. */
#ifndef OCIRUN_IDMAP_HELPER_H
#define OCIRUN_IDMAP_HELPER_H

#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

#define NEWUIDMAP_PATH "/usr/bin/newuidmap"
#define NEWGIDMAP_PATH "/usr/bin/newgidmap"

/* Runs HELPER PID containerID hostID size... ; its first line of stderr goes into the error.
 * what is "uid" or "gid" (for messages). */
int idmap_helper_run(const char *helper, const char *what, pid_t pid, oci_id_mapping **maps,
                     size_t n, ocirun_error *err);

#endif

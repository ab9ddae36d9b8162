/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bundle as `create` reads it: the directory, config.json parsed and validated, the rootfs
 * resolved. `create` and `check --bundle` both go through these functions, so that check
 * refuses exactly what create refuses, with the same words. */
#ifndef OCIRUN_BUNDLE_H
#define OCIRUN_BUNDLE_H

#include "error.h"
#include "ocispec.h"

struct bundle {
  char *dir;          /* absolute, symlinks resolved */
  char *raw;          /* config.json as read */
  oci_config *config; /* parsed */
  char *rootfs;       /* absolute root.path, symlinks resolved (bundle_resolve_rootfs) */
};

/* realpath of dir (NULL: the current directory), then config.json read and parsed: a type
 * error names its JSON path (`config.json: process.args: expected an array`). */
int bundle_open(const char *dir, struct bundle *b, ocirun_error *err);

/* The checks create makes before it spawns anything: required fields, process, seccomp,
 * personality, mounts, devices, sysctl. The first problem is the error, with its JSON path
 * after "config.json: ". */
int bundle_validate(const struct bundle *b, ocirun_error *err);

/* root.path (relative to the bundle) must be a directory. */
int bundle_resolve_rootfs(struct bundle *b, ocirun_error *err);

void bundle_release(struct bundle *b);

#endif

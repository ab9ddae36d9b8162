/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `create --init` / `run --init` (an ocirun extension): ocirun-init as PID 1 of the container.
 *
 * The binary is bind-mounted read-only (nosuid, nodev) at INIT_BINARY_DEST and put in front
 * of process.args with "--". That destination is inside the tmpfs the config mounts on /dev,
 * a filesystem the runtime makes fresh for the container: the mount point is created there,
 * never in the image, and it hides nothing of the image. A config without a tmpfs on /dev
 * (or with the host's /dev bound there) is refused rather than written into. */
#ifndef OCIRUN_INIT_BINARY_H
#define OCIRUN_INIT_BINARY_H

#include "error.h"
#include "ocispec.h"

#define INIT_BINARY_NAME "ocirun-init"
#define INIT_BINARY_DEST "/dev/.ocirun-init"

/* The init to use, as an absolute path (malloc'd): override when given (--init-path), else
 * ocirun-init next to the ocirun executable on disk, else the configured OCIRUN_INIT_PATH.
 * The file must be a regular executable file. */
char *init_binary_locate(const char *override, ocirun_error *err);

/* Adds the bind mount of path and prepends INIT_BINARY_DEST and "--" to process.args. */
int init_binary_inject(oci_config *config, const char *path, ocirun_error *err);

#endif

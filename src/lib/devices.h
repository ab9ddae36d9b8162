/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's /dev: device nodes (runc's defaults plus linux.devices), the usual
 * symlinks, and /dev/console bound from the pty. Runs before pivot_root, by fd inside the
 * rootfs; a /dev that is a symlink is refused. */
#ifndef OCIRUN_DEVICES_H
#define OCIRUN_DEVICES_H

#include <stdbool.h>

#include "error.h"

struct oci_config;

/* Creates /dev/null, zero, full, random, urandom, tty (0666, root-owned) unless
 * linux.devices lists the same path, then every linux.devices entry; /dev/fd, stdin,
 * stdout, stderr, core (when the host has /proc/kcore) and ptmx → pts/ptmx. With in_userns
 * each node is a bind of the host's device onto an empty file (mknod is not allowed there).
 * root_path is the kernel's path of rootfd, to check where binds land. */
int devices_setup(int rootfd, const char *root_path, const struct oci_config *config,
                  bool in_userns, ocirun_error *err);

/* Creates /dev/console as an empty file and binds the pty slave console_fd onto it. */
int devices_setup_console(int rootfd, int console_fd, ocirun_error *err);

/* True when fd is the character device 1:3: what masking may bind over a file. */
bool device_is_null(int fd);

#endif

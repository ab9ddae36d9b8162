/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving paths inside the container's rootfs by fd. A symlink in the image may point
 * anywhere; these functions never let one lead outside the root (openat2 RESOLVE_IN_ROOT,
 * with a component-by-component fallback for kernels without it). */
#ifndef OCIRUN_PATHRES_H
#define OCIRUN_PATHRES_H

#include <sys/types.h>

#include "error.h"

/* Opens path (absolute or relative, always taken relative to rootfd) inside the root.
 * flags are open(2) flags; O_CLOEXEC is always added. Symlinks are followed but stay
 * inside the root. Returns an fd or -1 with err set. */
int open_in_root(int rootfd, const char *path, int flags, ocirun_error *err);

/* Like open_in_root, but creates every missing directory component (mode 0755) and, when
 * is_dir is false, the last component as an empty regular file (O_EXCL|O_NOFOLLOW).
 * Returns an O_PATH fd to the (new or existing) target. */
int mkdir_in_root(int rootfd, const char *path, mode_t mode, ocirun_error *err);
int mkfile_in_root(int rootfd, const char *path, mode_t mode, ocirun_error *err);

/* "/proc/self/fd/N" for fd, written into buf (at least 32 bytes). */
const char *fd_path(int fd, char *buf, size_t len);

#endif

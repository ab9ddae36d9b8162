/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CVE-2019-5736 defence without copying the binary: sealed_exe.c re-executes ocirun
 * through a private, detached, read-only overlayfs over the binary's directory when the
 * kernel lets us mount one (root in the initial user namespace, overlayfs available), and
 * falls back to the sealed memfd copy otherwise. Mounting takes about 80 µs where copying
 * the ~800 KB binary takes about 330 µs, and every process shares the binary's page cache
 * instead of holding its own 800 KB copy for the life of the container. */
#ifndef OCIRUN_SEALED_OVERLAY_H
#define OCIRUN_SEALED_OVERLAY_H

#include <stdbool.h>
#include <sys/stat.h>

/* The executable at ORIGIN (an absolute path), opened O_RDONLY|O_CLOEXEC through a new
 * read-only overlayfs, after checking it is still the file described by EXPECTED (size and
 * mtime); -1 when any step fails, for the caller to fall back on the memfd copy. */
int sealed_overlay_open(const char *origin, const struct stat *expected);

/* True when FD's file lies on a read-only overlayfs, which no write reaches. */
bool sealed_overlay_holds(int fd);

#endif

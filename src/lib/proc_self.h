/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening files under /proc/self without trusting what is mounted at /proc. */
#ifndef OCIRUN_PROC_SELF_H
#define OCIRUN_PROC_SELF_H

#include "error.h"

/* Opens /proc/self/<name> (flags as for open(2); O_CLOEXEC is added). /proc must be a real
 * procfs mount (not a symlink, statfs magic checked), and the lookup may neither cross into
 * another mount nor follow a magic link, so a file bind-mounted over a /proc entry cannot
 * redirect a write (CVE-2019-16884 class). Returns an fd or -1 with err set. */
int proc_self_open(const char *name, int flags, ocirun_error *err);

/* The same for /proc/thread-self/<name>: the calling thread's own files, where a write (an LSM
 * attribute) must reach this thread and no other. */
int proc_thread_self_open(const char *name, int flags, ocirun_error *err);

#endif

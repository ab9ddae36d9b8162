/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What create's bootstrap and exec share to make and undo their helper processes (named
 * subprocess.h: a "spawn.h" here would hide <spawn.h> from the files that include it). */
#ifndef OCIRUN_SUBPROCESS_H
#define OCIRUN_SUBPROCESS_H

#include <sys/types.h>

#include "error.h"

/* clone() with fork semantics (no new stack): the child goes on from the call. */
pid_t clone_fork(unsigned long flags);

/* waitpid that retries on EINTR. */
void reap(pid_t pid);

/* SIGKILL and reap; nothing for pid <= 0. */
void kill_and_reap(pid_t pid);

/* In a child: reports err to the parent as SYNC_ERROR and exits 1. */
__attribute__((noreturn)) void child_fail(int sync_fd, ocirun_error *err);

#endif

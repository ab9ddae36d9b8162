/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `run` and `exec` in the foreground: the runtime stays the process's parent, passes on the
 * signals it gets, relays a terminal it holds, and exits with the process's status. */
#ifndef OCIRUN_FOREGROUND_H
#define OCIRUN_FOREGROUND_H

#include <stdbool.h>
#include <sys/types.h>

#include "container.h"

/* container_create; with relay (the foreground without --console-socket) a socketpair stands in
 * for the console socket, and *master gets the pty master that comes back on it (from the init,
 * or from CRIU on restore), -1 when the container has no terminal. Returns -1 with err set. */
int create_relaying_terminal(struct create_options *co, bool relay, pid_t *pid, int *master,
                             ocirun_error *err);

/* From now on, what the caller sends us goes on to pid (runc's signal handler does the same);
 * SIGCHLD is ours, and SIGWINCH the terminal relay's. */
void forward_signals(pid_t pid);

/* Waits for pid, relaying the terminal when master >= 0 (and closing it), and returns its exit
 * status: the code, 128+N when killed by signal N, 255 when it cannot be known. */
int foreground_wait(pid_t pid, int master);

#endif

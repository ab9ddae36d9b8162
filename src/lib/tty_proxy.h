/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun run` in the foreground with process.terminal and no --console-socket: the runtime
 * keeps the pty master itself and copies between it and its own stdio, as runc does. */
#ifndef OCIRUN_TTY_PROXY_H
#define OCIRUN_TTY_PROXY_H

#include <sys/types.h>

#include "error.h"

/* Copies until pid (our child) exits, then returns its exit status (128+N when killed by
 * signal N). Our stdin is put in raw mode while it runs when it is a terminal, and the pty
 * follows our window size. */
int tty_proxy_run(int master, pid_t pid, ocirun_error *err);

#endif

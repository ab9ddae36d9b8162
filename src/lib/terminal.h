/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: the pty is made inside the container (its devpts), the master goes to the
 * caller over --console-socket (one SCM_RIGHTS message, as runc does), the slave becomes the
 * process's stdio, controlling terminal and /dev/console. */
#ifndef OCIRUN_TERMINAL_H
#define OCIRUN_TERMINAL_H

#include "error.h"
#include "ocispec.h"

/* Parent side: connects to the caller's console socket (AF_UNIX, SOCK_STREAM). */
int console_socket_connect(const char *path, ocirun_error *err);

/* In the init (or exec) process, after pivot_root. bind_console: also bind the slave onto
 * /dev/console (init only). */
int terminal_setup(int console_sock, const oci_box *size, int bind_console, ocirun_error *err);

#endif

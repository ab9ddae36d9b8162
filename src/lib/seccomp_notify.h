/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCMP_ACT_NOTIFY: handing the listener to the seccomp agent, as runc does it.
 *
 * The init (or exec process) loads its filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and at once
 * sends the listener to the runtime over the sync socket (SYNC_SECCOMP_FD, then the fd by
 * SCM_RIGHTS), closes its copy and waits for SYNC_SECCOMP_ACK, which the runtime sends once the
 * agent has the listener (runc lets the process go on before: an exec process could then run
 * its command although the agent was never reached). A notified syscall meanwhile simply waits
 * for the agent. The runtime connects to linux.seccomp.listenerPath (a SOCK_STREAM unix socket;
 * "@name" is the abstract socket "name") and sends one message, the container process state as
 * JSON with the listener in SCM_RIGHTS, then closes the connection:
 *
 *   {"ociVersion":"1.3.0","fds":["seccompFd"],"pid":<the process>,"metadata":"<listenerMetadata>",
 *    "state":{"ociVersion","id","status","pid":<the init>,"bundle","annotations"}}
 *
 * For the init the status is "creating" and both pids are the init's; for an exec process pid is
 * the exec process and the state is the container's at that moment. The runtime never keeps the
 * listener: a failure to reach the agent fails the create or exec, and the process is killed. */
#ifndef OCIRUN_SECCOMP_NOTIFY_H
#define OCIRUN_SECCOMP_NOTIFY_H

#include <sys/types.h>

#include "error.h"
#include "ocispec.h"
#include "state.h"

/* The JSON above for process pid of container c seen with the given status. */
char *seccomp_process_state_json(const struct container *c, enum container_status status, pid_t pid,
                                 const oci_seccomp *s, ocirun_error *err);

/* Connects to s->listenerPath and sends state_json with the listener. */
int seccomp_notify_agent(const oci_seccomp *s, const char *state_json, int listener,
                         ocirun_error *err);

#endif

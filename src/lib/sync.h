/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed messages between the runtime (parent) and its children over a SOCK_SEQPACKET
 * socketpair. Each request has its answer: *_PLS is asked, *_ACK is the reply.
 *
 *   parent                       intermediate (only when joining namespaces by path
 *     |                            or creating a time namespace)
 *     |<-- SYNC_USERMAP_PLS ------|  unshared a user namespace: write my uid/gid maps
 *     |--- SYNC_USERMAP_ACK ----->|
 *     |<-- SYNC_RECVPID_PLS ------|  init forked (CLONE_PARENT); value = its host pid;
 *     |                              the intermediate exits without waiting for an answer:
 *     |                              from here the init shares this socket, and two readers
 *     |                              on one socket would race for the next message
 *     |
 *     |                          init
 *     |--- SYNC_PREPARED -------->|  maps written, oom score set; value = init's host pid
 *     |                              (with early setup, see bootstrap.h, the init has worked
 *     |                              meanwhile; the memory cgroup it then joins itself)
 *     |<-- SYNC_HOOKS_PLS --------|  mounts are in place: run prestart/createRuntime hooks
 *     |--- SYNC_HOOKS_ACK ------->|  (only when the config has such hooks)
 *     |<-- SYNC_SECCOMP_FD -------|  (SCMP_ACT_NOTIFY only) followed by a send_fd message with
 *     |                              the seccomp listener; the parent hands it to the agent at
 *     |                              linux.seccomp.listenerPath (seccomp_notify.h), then
 *     |--- SYNC_SECCOMP_ACK ------>|  the agent has it; without this answer an exec process
 *     |                              could run its command although the agent never got it
 *     |<-- SYNC_JOINED -----------|  (exec only) the exec process moved itself into the
 *     |                              container's cgroup; value 1 when it was also born in the
 *     |                              cgroup2 directory, 0 when the parent must write its pid
 *     |<-- SYNC_READY ------------|  everything set up; init now blocks on exec.fifo
 *     |<-- SYNC_ERROR ------------|  (at any point, from any child) errno + message
 */
#ifndef OCIRUN_SYNC_H
#define OCIRUN_SYNC_H

#include <stdint.h>

#include <sys/types.h>

#include "error.h"

enum sync_type {
  SYNC_USERMAP_PLS = 1,
  SYNC_USERMAP_ACK,
  SYNC_RECVPID_PLS,
  SYNC_PREPARED,
  SYNC_HOOKS_PLS,
  SYNC_HOOKS_ACK,
  SYNC_READY,
  SYNC_ERROR,
  SYNC_SECCOMP_FD,
  SYNC_SECCOMP_ACK,
  SYNC_JOINED,
};

struct sync_msg {
  uint32_t type;
  int32_t errnum;                              /* SYNC_ERROR: errno of the cause */
  int64_t value;                               /* a pid, where the type carries one */
  char text[sizeof(((ocirun_error *)0)->msg)]; /* SYNC_ERROR: the message */
};

const char *sync_type_name(enum sync_type type);

/* Sends a message without payload other than value. */
int sync_send(int fd, enum sync_type type, int64_t value, ocirun_error *err);

/* Sends SYNC_ERROR carrying what err holds. Best effort: used on the way out. */
void sync_send_error(int fd, const ocirun_error *cause);

/* Receives one message. A closed peer is an error ("peer exited"). */
int sync_recv(int fd, struct sync_msg *msg, ocirun_error *err);

/* Receives a message and checks it is `want`; a SYNC_ERROR is turned into err verbatim. */
int sync_expect(int fd, enum sync_type want, struct sync_msg *msg, ocirun_error *err);

/* One sendmsg of data with fd in SCM_RIGHTS (EINTR retried); returns what sendmsg returns: on
 * a stream socket the rest of data may still have to follow. */
ssize_t send_with_fd(int sock, const void *data, size_t len, int fd);

/* Passes one fd with a non-empty name as payload (SCM_RIGHTS), as console sockets expect. */
int send_fd(int sock, int fd, const char *name, ocirun_error *err);

/* SYNC_SECCOMP_FD and the listener (send_fd, named "seccompFd"), then closes the listener and
 * waits for SYNC_SECCOMP_ACK. send and sendmsg, which seccomp_validate keeps out of notify
 * rules, go first; close and recv may be notified, as the agent has the listener by then. */
int sync_hand_over_listener(int fd, int listener, ocirun_error *err);

/* Receives one fd passed with send_fd. */
int recv_fd(int sock, ocirun_error *err);

#endif

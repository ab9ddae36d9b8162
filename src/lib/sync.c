/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *sync_type_name(enum sync_type type)
{
  static const char *const names[] = {
      [SYNC_USERMAP_PLS] = "SYNC_USERMAP_PLS",
      [SYNC_USERMAP_ACK] = "SYNC_USERMAP_ACK",
      [SYNC_RECVPID_PLS] = "SYNC_RECVPID_PLS",
      [SYNC_PREPARED] = "SYNC_PREPARED",
      [SYNC_HOOKS_PLS] = "SYNC_HOOKS_PLS",
      [SYNC_HOOKS_ACK] = "SYNC_HOOKS_ACK",
      [SYNC_READY] = "SYNC_READY",
      [SYNC_ERROR] = "SYNC_ERROR",
      [SYNC_SECCOMP_FD] = "SYNC_SECCOMP_FD",
      [SYNC_SECCOMP_ACK] = "SYNC_SECCOMP_ACK",
      [SYNC_JOINED] = "SYNC_JOINED",
  };
  if ((unsigned)type < sizeof(names) / sizeof(names[0]) && names[type])
    return names[type];
  return "SYNC_UNKNOWN";
}

static int send_msg(int fd, const struct sync_msg *msg, size_t len)
{
  ssize_t n;

  do
    n = send(fd, msg, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

int sync_send(int fd, enum sync_type type, int64_t value, ocirun_error *err)
{
  struct sync_msg msg = {.type = type, .value = value};

  if (send_msg(fd, &msg, offsetof(struct sync_msg, text)) < 0)
    return error_set(err, errno, "send %s", sync_type_name(type));
  return 0;
}

void sync_send_error(int fd, const ocirun_error *cause)
{
  struct sync_msg msg = {.type = SYNC_ERROR, .errnum = cause->errnum};
  size_t len = strnlen(cause->msg, sizeof(msg.text) - 1);

  memcpy(msg.text, cause->msg, len);
  msg.text[len] = '\0';
  send_msg(fd, &msg, offsetof(struct sync_msg, text) + len + 1);
}

int sync_recv(int fd, struct sync_msg *msg, ocirun_error *err)
{
  ssize_t n;

  memset(msg, 0, sizeof(*msg));
  do
    n = recv(fd, msg, sizeof(*msg) - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_set(err, errno, "receive from child");
  if (n == 0)
    return error_set(err, 0, "child exited before it finished setting up the container");
  if ((size_t)n < offsetof(struct sync_msg, text))
    return error_set(err, 0, "short sync message (%zd bytes)", n);
  return 0;
}

int sync_expect(int fd, enum sync_type want, struct sync_msg *msg, ocirun_error *err)
{
  if (sync_recv(fd, msg, err) < 0)
    return -1;
  if (msg->type == SYNC_ERROR) {
    err->errnum = msg->errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", msg->text);
    return -1;
  }
  if (msg->type != want)
    return error_set(err, 0, "sync: expected %s, got %s", sync_type_name(want),
                     sync_type_name(msg->type));
  return 0;
}

ssize_t send_with_fd(int sock, const void *data, size_t len, int fd)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;
  ssize_t n;

  memset(&control, 0, sizeof(control));
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof(control.buf);
  cmsg = CMSG_FIRSTHDR(&mh);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}

int send_fd(int sock, int fd, const char *name, ocirun_error *err)
{
  if (send_with_fd(sock, name, strlen(name), fd) < 0)
    return error_set(err, errno, "send file descriptor");
  return 0;
}

int recv_fd(int sock, ocirun_error *err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  char name[4096];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;
  ssize_t n;
  int fd;

  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof(control.buf);
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_set(err, errno, "receive file descriptor");
  cmsg = CMSG_FIRSTHDR(&mh);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
      cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
    return error_set(err, 0, "receive file descriptor: no descriptor in the message");
  memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
  return fd;
}

int sync_hand_over_listener(int fd, int listener, ocirun_error *err)
{
  struct sync_msg msg;
  int rc = 0;

  if (sync_send(fd, SYNC_SECCOMP_FD, 0, err) < 0 || send_fd(fd, listener, "seccompFd", err) < 0)
    rc = error_prefix(err, "hand the seccomp listener to the runtime");
  close(listener);
  if (rc == 0 && sync_expect(fd, SYNC_SECCOMP_ACK, &msg, err) < 0)
    rc = -1;
  return rc;
}

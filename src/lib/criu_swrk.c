/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "criu_swrk.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "utils.h"

/* CRIU's largest answers are far below this; a full buffer means a truncated message. */
#define CRIU_MSG_MAX (10 * 4096)

/* In the child: the service socket on fd 3 and the extra fds on 4…, then exec. Every target
 * is first copied above the range so that no dup2 overwrites a source still needed. */
static void exec_criu(const struct criu_call *call, int service)
{
  const char *criu = call->criu_path ? call->criu_path : "criu";
  int high[64 + 1];
  int n = call->nextra + 1;

  if (n > (int)(sizeof(high) / sizeof(high[0])))
    _exit(127);
  high[0] = fcntl(service, F_DUPFD, 100);
  for (int i = 0; i < call->nextra; i++)
    high[i + 1] = fcntl(call->extra_fds[i], F_DUPFD, 100);
  for (int i = 0; i < n; i++)
    if (high[i] < 0 || dup2(high[i], 3 + i) < 0)
      _exit(127);
  for (int i = 0; i < n; i++)
    close(high[i]);
  /* After answering a pre-dump, criu waits for the next request of an iterative migration
   * on the same connection and complains on stderr when it is closed instead. */
  if (call->req->type == CRIU_REQ_TYPE__PRE_DUMP) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0 && (dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0))
      _exit(127);
  }
  signal(SIGPIPE, SIG_DFL);
  execlp(criu, criu, "swrk", "3", (char *)NULL);
  dprintf(STDERR_FILENO, "ocirun: exec %s: %s\n", criu, strerror(errno));
  _exit(127);
}

static int send_req(int sock, const CriuReq *req, ocirun_error *err)
{
  size_t len = criu_req__get_packed_size(req);
  autofree uint8_t *buf = xmalloc(len ? len : 1);

  criu_req__pack(req, buf);
  if (send(sock, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
    return error_set(err, errno, "send request to criu");
  return 0;
}

/* One message, and the fd that may come with it (orphan-pts-master). */
static CriuResp *recv_resp(int sock, int *fd, ocirun_error *err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } control;
  autofree uint8_t *buf = xmalloc(CRIU_MSG_MAX);
  struct iovec iov = {.iov_base = buf, .iov_len = CRIU_MSG_MAX};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;
  CriuResp *resp;
  ssize_t n;

  *fd = -1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof(control.buf);
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_set(err, errno, "read criu's answer");
    return NULL;
  }
  for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS && *fd < 0)
      memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
  if (n == 0) {
    error_set(err, 0, "criu closed the connection without an answer");
    return NULL;
  }
  if (n == CRIU_MSG_MAX || (mh.msg_flags & MSG_TRUNC)) {
    error_set(err, 0, "criu's answer is larger than %d bytes", CRIU_MSG_MAX);
    return NULL;
  }
  resp = criu_resp__unpack(NULL, (size_t)n, buf);
  if (resp == NULL)
    error_set(err, 0, "criu's answer does not parse as a criu_resp message");
  return resp;
}

static const char *req_type_name(CriuReqType t)
{
  const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&criu_req_type__descriptor, t);
  return v ? v->name : "?";
}

/* The first line of CRIU's log that says "Error", so that the user sees why without opening
 * the log; empty when there is none. */
static void first_log_error(const struct criu_call *call, char *out, size_t len)
{
  autofree char *path = NULL;
  autofclose FILE *f = NULL;
  char line[1024];

  out[0] = '\0';
  if (call->log_dir == NULL || call->log_file == NULL)
    return;
  path = xasprintf("%s/%s", call->log_dir, call->log_file);
  f = fopen(path, "re");
  while (f && fgets(line, sizeof(line), f)) {
    char *e = strstr(line, "Error");
    if (e == NULL)
      continue;
    line[strcspn(line, "\n")] = '\0';
    snprintf(out, len, "%s", e);
    return;
  }
}

static int criu_failed(const struct criu_call *call, const CriuResp *resp, ocirun_error *err)
{
  char why[512];
  char type[32];
  size_t i;

  /* CRIU's own message when it sent one, else the first error line of its log. */
  if (resp->cr_errmsg && resp->cr_errmsg[0])
    snprintf(why, sizeof(why), "%s", resp->cr_errmsg);
  else
    first_log_error(call, why, sizeof(why));
  why[strcspn(why, "\n")] = '\0';
  snprintf(type, sizeof(type), "%s", req_type_name(resp->type));
  for (i = 0; type[i]; i++)
    type[i] = (char)(type[i] == '_' ? '-' : tolower((unsigned char)type[i]));
  error_set(err, 0, "criu %s failed%s%s", type, why[0] ? ": " : "", why);
  if (call->log_dir)
    snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), " (log: %s/%s)",
             call->log_dir, call->log_file ? call->log_file : "");
  return -1;
}

static int answer_notify(int sock, bool ok, ocirun_error *err)
{
  CriuReq ack = CRIU_REQ__INIT;

  ack.type = CRIU_REQ_TYPE__NOTIFY;
  ack.has_notify_success = true;
  ack.notify_success = ok;
  return send_req(sock, &ack, err);
}

/* Reads answers until the one to the request; 0 when it says success. */
static int converse(const struct criu_call *call, int sock, ocirun_error *err)
{
  for (;;) {
    int fd;
    CriuResp *resp = recv_resp(sock, &fd, err);
    int ret;

    if (resp == NULL) {
      if (fd >= 0)
        close(fd);
      return -1;
    }
    if (!resp->success) {
      if (fd >= 0)
        close(fd);
      criu_failed(call, resp, err);
      criu_resp__free_unpacked(resp, NULL);
      return -1;
    }
    if (resp->type != CRIU_REQ_TYPE__NOTIFY) {
      ret = resp->type == call->req->type
                ? 0
                : error_set(err, 0, "criu answered %s to %s", req_type_name(resp->type),
                            req_type_name(call->req->type));
      if (fd >= 0)
        close(fd);
      criu_resp__free_unpacked(resp, NULL);
      return ret;
    }
    ret = 0;
    if (resp->notify && resp->notify->script) {
      log_debug("criu notify %s (pid %d)", resp->notify->script,
                resp->notify->has_pid ? resp->notify->pid : 0);
      if (call->notify)
        ret = call->notify(call->data, resp->notify->script,
                           resp->notify->has_pid ? resp->notify->pid : 0, fd, err);
      else if (fd >= 0)
        close(fd);
    } else if (fd >= 0) {
      close(fd);
    }
    criu_resp__free_unpacked(resp, NULL);
    if (ret < 0) {
      ocirun_error ignored = {0};
      answer_notify(sock, false, &ignored);
      return -1;
    }
    if (answer_notify(sock, true, err) < 0)
      return -1;
  }
}

int criu_swrk_call(const struct criu_call *call, ocirun_error *err)
{
  int sk[2];
  pid_t pid;
  int status, ret;

  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0)
    return error_set(err, errno, "criu socketpair");
  pid = fork();
  if (pid < 0) {
    close(sk[0]);
    close(sk[1]);
    return error_set(err, errno, "fork criu");
  }
  if (pid == 0) {
    close(sk[0]);
    exec_criu(call, sk[1]);
  }
  close(sk[1]);
  ret = 0;
  if (call->before_request)
    ret = call->before_request(call->data, pid, call->req, err);
  if (ret == 0)
    ret = send_req(sk[0], call->req, err);
  if (ret == 0)
    ret = converse(call, sk[0], err);
  /* Closing our end tells criu there is nothing more; it exits. */
  close(sk[0]);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      status = 0;
      break;
    }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return error_set(err, 0, "could not run %s swrk (is criu installed?)",
                     call->criu_path ? call->criu_path : "criu");
  if (ret == 0 && call->req->type != CRIU_REQ_TYPE__PRE_DUMP &&
      !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    return error_set(err, 0, "criu exited with status %d",
                     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return ret;
}

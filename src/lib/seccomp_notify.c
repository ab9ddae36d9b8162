/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "seccomp_notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sync.h"
#include "utils.h"

char *seccomp_process_state_json(const struct container *c, enum container_status status, pid_t pid,
                                 const oci_seccomp *s, ocirun_error *err)
{
  const oci_container_record *r = c->record;
  char *fds[] = {"seccompFd"};
  oci_state st = {0};
  oci_container_process_state ps = {0};
  autofree char *errmsg = NULL;
  char *json;

  /* The spec's state (runtime.md), without runc's extras (rootfs, created, owner). */
  st.ociVersion = r->ociVersion;
  st.id = r->id;
  st.status = (char *)status_name(status);
  st.pid = r->pid;
  st.has_pid = true;
  st.bundle = r->bundle;
  st.annotations = r->annotations;

  ps.ociVersion = OCI_SPEC_VERSION;
  ps.fds = fds;
  ps.fds_len = 1;
  ps.pid = pid;
  ps.has_pid = true;
  ps.metadata = s->listenerMetadata;
  ps.state = &st;
  json = oci_container_process_state_serialize(&ps, &errmsg);
  if (json == NULL)
    error_set(err, 0, "seccomp agent: serialize the container process state: %s", errmsg);
  return json;
}

static int agent_connect(const char *path, ocirun_error *err)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  socklen_t addrlen;
  autoclose int fd = -1;

  if (len == 0 || len >= sizeof(addr.sun_path))
    return error_set(err, 0, "config.json: linux.seccomp.listenerPath: \"%s\" is not a socket path",
                     path);
  memcpy(addr.sun_path, path, len);
  /* "@name": the abstract socket "name" (the leading NUL is not a NUL-terminated path). */
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] != '@'));
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return error_set(err, errno, "seccomp agent: socket");
  while (connect(fd, (struct sockaddr *)&addr, addrlen) < 0)
    if (errno != EINTR)
      return error_set(err, errno,
                       "failed to connect with seccomp agent at linux.seccomp.listenerPath \"%s\"",
                       path);
  return steal_fd(fd);
}

/* The whole JSON in one sendmsg with the fd; a stream may take less, the rest follows (the spec
 * allows several sends, the fds in the first). */
static int send_state(int sock, const char *json, int listener)
{
  size_t len = strlen(json);
  ssize_t n = send_with_fd(sock, json, len, listener);

  for (size_t done = n > 0 ? (size_t)n : 0; n >= 0 && done < len; done += (size_t)n)
    do
      n = send(sock, json + done, len - done, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

int seccomp_notify_agent(const oci_seccomp *s, const char *state_json, int listener,
                         ocirun_error *err)
{
  autoclose int sock = -1;

  if (s == NULL || s->listenerPath == NULL || s->listenerPath[0] == '\0')
    return error_set(err, 0, "config.json: linux.seccomp.listenerPath: not set");
  sock = agent_connect(s->listenerPath, err);
  if (sock < 0)
    return -1;
  if (send_state(sock, state_json, listener) < 0)
    return error_set(err, errno, "cannot send the seccomp listener to \"%s\"", s->listenerPath);
  log_debug("seccomp: listener sent to the agent at %s", s->listenerPath);
  return 0;
}

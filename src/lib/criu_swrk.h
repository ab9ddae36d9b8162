/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One conversation with `criu swrk`: the service end of a SOCK_SEQPACKET socketpair becomes
 * fd 3 of a criu child, a CriuReq goes out, and CriuResp messages come back until the one
 * that answers the request; NOTIFY messages in between (CRIU's action scripts: post-dump,
 * setup-namespaces, post-restore, orphan-pts-master, status-ready…) go to a callback and are
 * acknowledged. CRIU's messages are generated at build time from its rpc.proto. */
#ifndef OCIRUN_CRIU_SWRK_H
#define OCIRUN_CRIU_SWRK_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "rpc.pb-c.h"

struct criu_call {
  const char *criu_path; /* NULL: "criu" from PATH */
  CriuReq *req;
  /* More fds for criu, numbered 4, 5, … in it (inherit_fd entries name them). */
  const int *extra_fds;
  int nextra;
  /* Where CRIU writes its log (the work dir, or else the images dir), to quote from it. */
  const char *log_dir;
  const char *log_file;
  /* Called with criu's pid before the request is sent (restore: put criu in the cgroup). */
  int (*before_request)(void *data, pid_t criu_pid, CriuReq *req, ocirun_error *err);
  /* A NOTIFY: its script name, pid (0 when none) and the fd that came with it (-1, else the
   * callback owns it). A failure is reported to CRIU, which then gives up. */
  int (*notify)(void *data, const char *script, pid_t pid, int fd, ocirun_error *err);
  void *data;
};

/* Runs the conversation; 0 once CRIU has answered with success and exited. */
int criu_swrk_call(const struct criu_call *call, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bootstrap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hooks.h"
#include "log.h"
#include "process.h"
#include "seccomp_notify.h"
#include "subprocess.h"
#include "sync.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void close_parent_fds(struct init_args *args)
{
  for (int i = 0; i < args->nclose; i++)
    if (args->close_in_child[i] >= 0)
      close(args->close_in_child[i]);
}

/* The intermediate: joins, unshares, forks the init as the parent's child, reports its pid. */
static __attribute__((noreturn)) void intermediate_main(struct init_args *args)
{
  ocirun_error err = {0};
  int create = args->plan.create_flags;
  pid_t init;

  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  close_parent_fds(args);
  if (ns_plan_join(&args->plan, &err) < 0)
    child_fail(args->sync_fd, &err);
  if (create & CLONE_NEWUSER) {
    struct sync_msg msg;
    if (unshare(CLONE_NEWUSER) < 0) {
      error_set(&err, errno, "unshare user namespace");
      child_fail(args->sync_fd, &err);
    }
    /* /proc/PID of a non-dumpable process belongs to root: an unprivileged parent could not
     * write our maps. Dumpable for that exchange only, as runc does. */
    if (args->unprivileged)
      prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (sync_send(args->sync_fd, SYNC_USERMAP_PLS, 0, &err) < 0 ||
        sync_expect(args->sync_fd, SYNC_USERMAP_ACK, &msg, &err) < 0)
      child_fail(args->sync_fd, &err);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    ns_become_root();
  }
  /* The cgroup namespace is unshared by the init once it sits in its cgroup. */
  if (unshare(create & ~(CLONE_NEWUSER | CLONE_NEWCGROUP)) < 0) {
    error_set(&err, errno, "unshare namespaces");
    child_fail(args->sync_fd, &err);
  }
  if (create & CLONE_NEWTIME) {
    /* The same for our own timens_offsets, which an unprivileged user may not open while
     * /proc/self belongs to root. */
    if (args->unprivileged)
      prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (ns_write_time_offsets(args->config->linux, &err) < 0)
      child_fail(args->sync_fd, &err);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  }

  init = clone_fork(CLONE_PARENT);
  if (init < 0) {
    error_set(&err, errno, "fork init");
    child_fail(args->sync_fd, &err);
  }
  if (init == 0)
    init_main(args);
  /* No answer is awaited: the init reads this socket now (see sync.h). */
  if (sync_send(args->sync_fd, SYNC_RECVPID_PLS, init, &err) < 0) {
    kill(init, SIGKILL);
    _exit(1);
  }
  _exit(0);
}

/* Root of the current user namespace writes any map; anyone else only their own id. */
static bool unprivileged_writer(void)
{
  return geteuid() != 0;
}

/* Serves the intermediate until it hands over the init's pid. */
static int run_intermediate(struct init_args *args, int parent_sock, int child_sock,
                            pid_t *init_pid, ocirun_error *err)
{
  pid_t mid = clone_fork(0);
  struct sync_msg msg;

  if (mid < 0)
    return error_set(err, errno, "fork intermediate process");
  if (mid == 0) {
    args->sync_fd = child_sock;
    intermediate_main(args);
  }
  for (;;) {
    if (sync_recv(parent_sock, &msg, err) < 0)
      goto fail;
    switch (msg.type) {
    case SYNC_USERMAP_PLS:
      if (ns_write_id_maps(mid, args->config->linux, unprivileged_writer(), err) < 0 ||
          sync_send(parent_sock, SYNC_USERMAP_ACK, 0, err) < 0)
        goto fail;
      break;
    case SYNC_RECVPID_PLS:
      *init_pid = (pid_t)msg.value;
      reap(mid);
      return 0;
    case SYNC_ERROR:
      err->errnum = msg.errnum;
      snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
      goto fail;
    default:
      error_set(err, 0, "sync: unexpected %s from intermediate", sync_type_name(msg.type));
      goto fail;
    }
  }
fail:
  kill_and_reap(mid);
  return -1;
}

int run_hooks_with_state(struct init_args *args, oci_hook **hooks, size_t n, const char *which,
                         enum container_status status, ocirun_error *err)
{
  autofree char *state = NULL;

  if (n == 0)
    return 0;
  state = container_state_json(args->container, status, false, err);
  if (state == NULL)
    return -1;
  return hooks_run(hooks, n, which, state, err);
}

/* prestart gets "created", as crun does and the runtime-tools suite expects of the
 * deprecated stage; createRuntime, the stage that replaced it, gets "creating". */
static int run_runtime_hooks(struct init_args *args, ocirun_error *err)
{
  const oci_hooks *hooks = args->config->hooks;

  if (hooks == NULL)
    return 0;
  if (run_hooks_with_state(args, hooks->prestart, hooks->prestart_len, "prestart", STATUS_CREATED,
                           err) < 0)
    return -1;
  return run_hooks_with_state(args, hooks->createRuntime, hooks->createRuntime_len, "createRuntime",
                              STATUS_CREATING, err);
}

/* The init's listener to the agent; the init is still "creating" (runc sends the same). */
static int pass_listener(struct init_args *args, pid_t init, ocirun_error *err)
{
  const oci_seccomp *s = args->config->linux ? args->config->linux->seccomp : NULL;
  autoclose int listener = recv_fd(args->sync_fd, err);
  autofree char *state = NULL;

  if (listener < 0)
    return error_prefix(err, "seccomp listener");
  state = seccomp_process_state_json(args->container, STATUS_CREATING, init, s, err);
  if (state == NULL || seccomp_notify_agent(s, state, listener, err) < 0)
    return -1;
  return sync_send(args->sync_fd, SYNC_SECCOMP_ACK, 0, err);
}

/* With early setup the init works while the parent moves it into its cgroups: when that, the
 * send of SYNC_PREPARED or the next receive fails, the init may have failed first (a write of
 * the pid of a process that has exited, a socket closed or reset by its end), and its
 * message, already sent, is the one to give. */
static int prefer_init_error(const struct init_args *args, ocirun_error *err)
{
  struct sync_msg msg;
  ssize_t n;

  if (!args->early_setup)
    return -1;
  memset(&msg, 0, sizeof(msg));
  n = recv(args->sync_fd, &msg, sizeof(msg) - 1, MSG_DONTWAIT);
  if (n >= (ssize_t)offsetof(struct sync_msg, text) && msg.type == SYNC_ERROR) {
    err->errnum = msg.errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
  }
  return -1;
}

/* After the init exists: maps, cgroups (with early setup all but memory, which the init
 * joins itself), oom score, then answer its requests until SYNC_READY. */
static int serve_init(struct init_args *args, pid_t init, bool write_maps, ocirun_error *err)
{
  struct sync_msg msg;
  enum cgroup_enter_part part = args->early_setup ? CGROUP_ENTER_BUT_MEMORY : CGROUP_ENTER_ALL;

  if (write_maps && ns_write_id_maps(init, args->config->linux, unprivileged_writer(), err) < 0)
    return -1;
  /* Before the init goes on: it unshares its cgroup namespace only once it sits here. */
  if (args->self_join) {
    /* The init joins the v1 hierarchies itself; only a refused clone3 leaves the unified
     * one to us. */
    int rc = args->born_in_cgroup ? 0 : cgroup_join_unified_pid(&args->join, init, err);
    cgroup_join_close(&args->join);
    if (rc < 0)
      return prefer_init_error(args, err);
  } else if (args->cgroup && !args->born_in_cgroup &&
             cgroup_enter_part(args->cgroup, init, part, err) < 0) {
    return prefer_init_error(args, err);
  }
  if (process_set_oom_score_adj(init, args->config->process, err) < 0)
    return prefer_init_error(args, err);
  args->container->record->pid = init;
  args->container->record->has_pid = true;
  if (sync_send(args->sync_fd, SYNC_PREPARED, init, err) < 0)
    return prefer_init_error(args, err);
  for (;;) {
    /* An init that exits without reading SYNC_PREPARED resets the connection: the reset is
     * reported before the SYNC_ERROR it sent, which is read next. */
    if (sync_recv(args->sync_fd, &msg, err) < 0)
      return prefer_init_error(args, err);
    log_debug("bootstrap: init %d sent %s", (int)init, sync_type_name(msg.type));
    switch (msg.type) {
    case SYNC_HOOKS_PLS:
      if (run_runtime_hooks(args, err) < 0)
        return -1;
      if (sync_send(args->sync_fd, SYNC_HOOKS_ACK, 0, err) < 0)
        return -1;
      break;
    case SYNC_SECCOMP_FD:
      if (pass_listener(args, init, err) < 0)
        return -1;
      break;
    case SYNC_READY:
      return 0;
    case SYNC_ERROR:
      err->errnum = msg.errnum;
      snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
      return -1;
    default:
      return error_set(err, 0, "sync: unexpected %s from init", sync_type_name(msg.type));
    }
  }
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3's arguments up to `cgroup` (CLONE_ARGS_SIZE_VER2), spelled here for C libraries
 * without linux/sched.h's struct clone_args. */
struct clone_args_v2 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  uint64_t set_tid, set_tid_size, cgroup;
};

/* The refusals after which the init is cloned the old way and moved by writing its pid:
 * no clone3 (ENOSYS, or a seccomp filter's answer), no CLONE_INTO_CGROUP (E2BIG, EINVAL),
 * a cgroup that takes no process this way (EBUSY, EOPNOTSUPP), or none this caller may move
 * into (EPERM, EACCES: the write then says which file refused). */
static bool clone3_refused(int errnum)
{
  return errnum == ENOSYS || errnum == E2BIG || errnum == EINVAL || errnum == EBUSY ||
         errnum == EOPNOTSUPP || errnum == EPERM || errnum == EACCES;
}

/* The fast path's clone; the child becomes the init. On cgroup v2 the init is born in its
 * cgroup (clone3 CLONE_INTO_CGROUP): no migration, no write of cgroup.procs. */
static pid_t spawn_init(struct init_args *args, unsigned long flags, int child_sock)
{
  autoclose int v2fd = args->cgroup && !args->self_join ? cgroup_v2_fd(args->cgroup) : -1;
  int cgfd = args->self_join ? args->join.unified : v2fd;
  pid_t init = -1;

  if (cgfd >= 0) {
    struct clone_args_v2 ca = {
        .flags = flags | CLONE_INTO_CGROUP,
        .exit_signal = SIGCHLD,
        .cgroup = (uint64_t)cgfd,
    };
    init = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (init >= 0) /* in the parent and in the init */
      args->born_in_cgroup = true;
    else if (init < 0 && clone3_refused(errno))
      log_debug("bootstrap: clone3 into the cgroup refused (%s): moving the init there instead",
                strerror(errno));
  }
  if (init < 0 && (cgfd < 0 || clone3_refused(errno)))
    init = clone_fork(flags);
  if (init == 0) {
    if (v2fd >= 0)
      close(v2fd);
    /* The init needs only the v1 "tasks" fds: a host cgroup directory goes at once. */
    if (args->join.unified >= 0)
      close(args->join.unified);
    args->join.unified = -1;
    args->sync_fd = child_sock;
    init_main(args);
  }
  return init;
}

int bootstrap_spawn(struct init_args *args, pid_t *init_pid, ocirun_error *err)
{
  int sv[2];
  pid_t init = -1;
  int ret;

  args->unprivileged = unprivileged_writer();

  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return error_set(err, errno, "socketpair");
  /* The children close the parent's end first thing. */
  args->close_in_child[args->nclose++] = sv[0];

  log_debug("bootstrap: %s, new namespaces 0x%x, %d joined by path",
            args->plan.needs_intermediate ? "intermediate process" : "single clone",
            args->plan.create_flags, args->plan.njoin);
  args->early_setup = !args->plan.needs_intermediate && !(args->plan.create_flags & CLONE_NEWUSER);
  args->join = (struct cgroup_join)CGROUP_JOIN_INIT;
  args->self_join = args->early_setup && cgroup_self_joinable(args->cgroup);
  if (args->self_join && cgroup_join_open(args->cgroup, &args->join, err) < 0) {
    args->nclose--;
    close(sv[0]);
    close(sv[1]);
    return -1;
  }
  if (args->plan.needs_intermediate) {
    ret = run_intermediate(args, sv[0], sv[1], &init, err);
  } else {
    init = spawn_init(args, (unsigned long)(args->plan.create_flags & ~CLONE_NEWCGROUP), sv[1]);
    ret = init < 0 ? error_set(err, errno, "clone init") : 0;
  }
  args->nclose--;
  close(sv[1]);
  args->sync_fd = sv[0];
  if (ret == 0) {
    bool fast_userns = !args->plan.needs_intermediate && (args->plan.create_flags & CLONE_NEWUSER);
    ret = serve_init(args, init, fast_userns, err);
  }
  close(sv[0]);
  cgroup_join_close(&args->join); /* the init has its own copies */
  if (ret < 0) {
    kill_and_reap(init);
    return -1;
  }
  *init_pid = init;
  return 0;
}

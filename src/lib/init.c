/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's init, from clone() to execve(). It reports every failure to the parent
 * as SYNC_ERROR and exits; after SYNC_READY the parent is gone and errors go to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootstrap.h"
#include "cgroup/cgroup.h"
#include "devices.h"
#include "hooks.h"
#include "keyring.h"
#include "log.h"
#include "lsm.h"
#include "net.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp_profile.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

static __attribute__((noreturn)) void fail(struct init_args *args, ocirun_error *err)
{
  sync_send_error(args->sync_fd, err);
  _exit(1);
}

static int set_host_names(const oci_config *config, bool uts_ns, ocirun_error *err)
{

  if (config->hostname && config->hostname[0]) {
    if (!uts_ns)
      return error_set(err, 0,
                       "config.json: hostname: needs a uts namespace of the container's own");
    if (sethostname(config->hostname, strlen(config->hostname)) < 0)
      return error_set(err, errno, "sethostname \"%s\"", config->hostname);
  }
  if (config->domainname && config->domainname[0]) {
    if (!uts_ns)
      return error_set(err, 0,
                       "config.json: domainname: needs a uts namespace of the container's own");
    if (setdomainname(config->domainname, strlen(config->domainname)) < 0)
      return error_set(err, errno, "setdomainname \"%s\"", config->domainname);
  }
  return 0;
}

/* Namespaces, identity of the session, names, network: before the filesystem. None of it
 * depends on the cgroups (see enter_cgroups). */
static int setup_namespaces(struct init_args *args, ocirun_error *err)
{
  const oci_config *config = args->config;
  int create = args->plan.create_flags;

  if (!args->plan.needs_intermediate && (create & CLONE_NEWUSER))
    ns_become_root();
  if (setsid() < 0)
    return error_set(err, errno, "setsid");
  /* The session keyring made next gets the container's SELinux label, as with runc. */
  if (!args->no_new_keyring && lsm_set_key_label(config->process, err) < 0)
    return -1;
  if (!args->no_new_keyring && keyring_join_new_session(err) < 0)
    return -1;
  if (set_host_names(config, args->plan.uts_ns, err) < 0)
    return -1;
  if ((create & CLONE_NEWNET) && net_loopback_up(err) < 0)
    return -1;
  return 0;
}

/* Where the init must sit in every cgroup of the container: before its cgroup namespace
 * (whose root is the cgroup it is in), a cgroup mount that shows it, hooks (processes) and
 * everything after. With early setup the parent has moved it into all but the memory cgroup
 * meanwhile (SYNC_PREPARED says so), and it joins that one itself now, so that what it did so
 * far (the mounts, the device nodes) is charged like the runtime's own memory
 * (docs/architecture.md). Without early setup it got here in every cgroup already. */
static int enter_cgroups(void *arg, ocirun_error *err)
{
  struct init_args *args = arg;
  struct sync_msg msg;

  if (args->early_setup) {
    if (sync_expect(args->sync_fd, SYNC_PREPARED, &msg, err) < 0)
      return -1;
    if (args->self_join) {
      if (cgroup_join_self(&args->join, err) < 0)
        return -1;
    } else if (args->cgroup && !args->born_in_cgroup &&
               cgroup_enter_part(args->cgroup, 0, CGROUP_ENTER_MEMORY, err) < 0) {
      return -1;
    }
  }
  if ((args->plan.create_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    return error_set(err, errno, "unshare cgroup namespace");
  return 0;
}

static int request_runtime_hooks(struct init_args *args, ocirun_error *err)
{
  const oci_hooks *hooks = args->config->hooks;
  struct sync_msg msg;

  /* The parent runs these; without any there is nothing to wait for (both sides read the
   * same config, and the parent only ever answers SYNC_HOOKS_PLS). */
  bool parent_hooks = hooks && (hooks->prestart_len > 0 || hooks->createRuntime_len > 0);

  if (parent_hooks && (sync_send(args->sync_fd, SYNC_HOOKS_PLS, 0, err) < 0 ||
                       sync_expect(args->sync_fd, SYNC_HOOKS_ACK, &msg, err) < 0))
    return -1;
  if (hooks && run_hooks_with_state(args, hooks->createContainer, hooks->createContainer_len,
                                    "createContainer", STATUS_CREATING, err) < 0)
    return -1;
  return 0;
}

/* Without a mount namespace of its own nothing may be mounted (it would land on the host's
 * mounts): the config's mounts are not applied and the rootfs is entered with chroot, as
 * runc does. */
static int enter_rootfs_without_mounts(struct init_args *args, ocirun_error *err)
{
  if (enter_cgroups(args, err) < 0 || request_runtime_hooks(args, err) < 0)
    return -1;
  if (chdir(args->rootfs) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return error_set(err, errno, "chroot into \"%s\"", args->rootfs);
  return 0;
}

/* A caller may hand us the host's /dev/null opened read-only as stdio (containerd's --null-io);
 * like runc, such fds are replaced by the container's /dev/null opened read-write, so that the
 * process can write to them. Only a verified null device (1:3) is used. */
static int reopen_null_stdio(ocirun_error *err)
{
  autoclose int null = -1;

  for (int fd = 0; fd < 3; fd++) {
    if (!device_is_null(fd))
      continue;
    if (null < 0) {
      null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
      if (null < 0 || !device_is_null(null))
        return error_set(err, null < 0 ? errno : 0, "reopen /dev/null in the container");
    }
    if (dup3(null, fd, 0) < 0)
      return error_set(err, errno, "reopen /dev/null as fd %d", fd);
  }
  return 0;
}

static int setup_filesystem(struct init_args *args, ocirun_error *err)
{
  const oci_config *config = args->config;
  struct rootfs_ctx ctx = {
      .config = config,
      .bundle = args->bundle,
      .rootfs = args->rootfs,
      .no_pivot = args->no_pivot,
      .in_userns = args->in_userns,
      .console_fd = -1,
      .host_devnull = args->host_devnull,
      .idmapped_trees = args->idmapped_trees,
      .enter_cgroups = enter_cgroups,
      .enter_cgroups_arg = args,
  };

  ctx.cgroup_views = cgroup_v1_views(args->cgroup, &ctx.ncgroup_views);
  if (!args->plan.mount_ns)
    return enter_rootfs_without_mounts(args, err);
  if (rootfs_mount_all(&ctx, err) < 0 || request_runtime_hooks(args, err) < 0)
    return -1;
  if (rootfs_pivot(&ctx, err) < 0 || reopen_null_stdio(err) < 0)
    return -1;
  if (config->process && config->process->terminal && args->console_sock >= 0 &&
      terminal_setup(args->console_sock, config->process->consoleSize, 1, err) < 0)
    return -1;
  return rootfs_finalize(&ctx, err);
}

/* Blocks until `start` opens the fifo for reading, then tells it we are going. */
static int wait_for_start(int fifo_dirfd, ocirun_error *err)
{
  autoclose int fd = openat(fifo_dirfd, FIFO_FILE, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return error_set(err, errno, "open exec fifo");
  if (write_all(fd, "0", 1) < 0)
    return error_set(err, errno, "write exec fifo");
  return 0;
}

/* The listener goes to the runtime right after the load, before any syscall a notify rule may
 * hold until the agent answers (seccomp_notify.h). */
static int load_seccomp(struct init_args *args, const struct seccomp_program *p, ocirun_error *err)
{
  int listener;

  if (seccomp_program_load(p, &listener, err) < 0)
    return -1;
  if (listener >= 0 && sync_hand_over_listener(args->sync_fd, listener, err) < 0)
    return -1;
  return 0;
}

void init_main(struct init_args *args)
{
  const oci_config *config = args->config;
  const oci_process *proc = config->process;
  ocirun_error err = {0};
  const struct seccomp_program *seccomp = args->seccomp;
  bool nnp = proc->noNewPrivileges;
  char exe[PATH_MAX];
  struct sync_msg msg;
  int keep[2];

  /* Nothing of the runtime may be ptraced or read through /proc while it is in here. An
   * unprivileged parent still has to write this process's id maps (before SYNC_PREPARED),
   * which the kernel refuses once /proc/PID belongs to root: then only after them. This init
   * joined nothing (fast path): its new namespaces hold no other process meanwhile. */
  bool maps_pending = args->unprivileged && (args->plan.create_flags & CLONE_NEWUSER) &&
                      !args->plan.needs_intermediate;
  if (!maps_pending)
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (int i = 0; i < args->nclose; i++)
    if (args->close_in_child[i] >= 0)
      close(args->close_in_child[i]);

  /* Without early setup everything waits for the cgroups (and id maps). */
  if (!args->early_setup && sync_expect(args->sync_fd, SYNC_PREPARED, &msg, &err) < 0)
    _exit(1);
  if (maps_pending)
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Hooks run in the container's namespaces see the pid as the container sees it. */
  args->container->record->pid = getpid();
  args->container->record->has_pid = true;

  if (setup_namespaces(args, &err) < 0 || setup_filesystem(args, &err) < 0)
    fail(args, &err);
  if (config->linux && config->linux->personality &&
      personality_apply(config->linux->personality, &err) < 0)
    fail(args, &err);
  if (process_apply_attributes(proc, &err) < 0 || process_find_executable(proc, exe, &err) < 0)
    fail(args, &err);
  /* The AppArmor profile and SELinux label for the execve, written through the container's
   * verified /proc while the runtime still holds its capabilities and before any seccomp
   * filter could refuse the open or write (crun's moment; runc's is next to it). */
  if (lsm_set_exec_labels(proc, &err) < 0)
    fail(args, &err);
  /* Before any filter: a profile may refuse close_range, and without a mount namespace there
   * is no /proc to fall back on. */
  keep[0] = args->sync_fd;
  keep[1] = args->fifo_dirfd;
  if (process_close_fds(args->preserve_fds, keep, 2, &err) < 0)
    fail(args, &err);
  /* Without no_new_privs the kernel takes a filter only from a holder of CAP_SYS_ADMIN, which
   * the identity switch may drop: load it first then (the profile must allow the switch, as
   * with runc). With no_new_privs it goes last, so that it filters as little of ours as can be. */
  if (!nnp && load_seccomp(args, seccomp, &err) < 0)
    fail(args, &err);
  if (process_apply_identity(proc, &err) < 0)
    fail(args, &err);
  if (args->console_sock >= 0)
    close(args->console_sock);
  if (nnp && load_seccomp(args, seccomp, &err) < 0)
    fail(args, &err);
  if (sync_send(args->sync_fd, SYNC_READY, 0, &err) < 0)
    _exit(1);
  close(args->sync_fd);

  if (wait_for_start(args->fifo_dirfd, &err) < 0)
    goto out;
  close(args->fifo_dirfd);
  if (config->hooks &&
      run_hooks_with_state(args, config->hooks->startContainer, config->hooks->startContainer_len,
                           "startContainer", STATUS_CREATED, &err) < 0)
    goto out;
  process_exec(proc, exe, &err);
out:
  log_fatal(err.msg);
  _exit(127);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spawning the container's init: the parent side of the bootstrap. See sync.h for the
 * messages and docs/architecture.md for the picture.
 *
 * Fast path (nothing joined by path, no time namespace): one clone() with every CLONE_NEW*
 * flag; the child is the init. Otherwise an intermediate process joins the namespaces by
 * path (user first), unshares the new ones, and forks the init with CLONE_PARENT, so that the
 * init is always the runtime's own child. */
#ifndef OCIRUN_BOOTSTRAP_H
#define OCIRUN_BOOTSTRAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/join.h"
#include "error.h"
#include "namespaces.h"
#include "ocispec.h"
#include "seccomp_profile.h"
#include "state.h"

struct init_args {
  const oci_config *config;
  const struct seccomp_program *seccomp; /* built by the parent (seccomp_profile.h), or NULL */
  struct container *container; /* id, record (bundle, rootfs, annotations) for hook states */
  struct cgroup *cgroup;       /* where the parent puts the init before it goes on */
  const char *bundle;
  const char *rootfs;
  struct ns_plan plan;
  bool in_userns; /* a user namespace is created or joined */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;          /* fds 3 .. 3+N-1 pass to the process */
  int fifo_dirfd;            /* O_PATH fd of the state directory, holding exec.fifo; -1 for exec */
  int console_sock;          /* connected --console-socket, or -1 */
  int sync_fd;               /* the child's end of the socketpair (set by bootstrap) */
  int host_devnull;          /* O_PATH /dev/null of the host, for masking */
  const int *idmapped_trees; /* per mount: a detached idmapped tree or -1 (idmapped.h) */
  bool unprivileged;         /* set by bootstrap: the parent is not root (see init_main) */
  /* Set by bootstrap: the init does what needs no cgroup (session, names, loopback, mounts)
   * while the parent moves it into every cgroup but the memory one, waits for SYNC_PREPARED
   * only where its cgroups matter (rootfs.h, enter_cgroups), and joins the memory cgroup
   * itself then: the first migration on cgroup v1 may wait for an RCU grace period, and the
   * runtime's own setup work is charged like the runtime's memory (docs/architecture.md).
   * Not when the init must wait for its id maps first (a new user namespace on the fast
   * path) or shares the socket with the intermediate (see sync.h). */
  bool early_setup;
  bool born_in_cgroup; /* set by bootstrap: clone3 CLONE_INTO_CGROUP put it there (v2) */
  /* Set by bootstrap, with early setup on cgroup v1 and hybrid hosts (cgroupfs driver): the
   * init is born in the cgroup2 directory and moves itself into every v1 hierarchy at
   * enter_cgroups through the "tasks" fds in join (cgroup/join.h), so that no one writes its
   * pid to a cgroup.procs and the kernel's global threadgroup lock, with its RCU grace
   * period after an idle moment, is never taken for it. */
  bool self_join;
  struct cgroup_join join;
  int close_in_child[8]; /* the parent's own fds the children must close first */
  int nclose;
};

/* Spawns the init and serves its requests until it reports SYNC_READY. On failure the init
 * (and intermediate) are killed and reaped; err holds the child's message verbatim. */
int bootstrap_spawn(struct init_args *args, pid_t *init_pid, ocirun_error *err);

/* Runs one stage of hooks with the container's state JSON at the given status. */
int run_hooks_with_state(struct init_args *args, oci_hook **hooks, size_t n, const char *which,
                         enum container_status status, ocirun_error *err);

/* The init's whole life (init.c): never returns. */
__attribute__((noreturn)) void init_main(struct init_args *args);

#endif

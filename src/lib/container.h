/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lifecycle operations, as the commands call them. */
#ifndef OCIRUN_CONTAINER_H
#define OCIRUN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct create_options {
  const char *root; /* state root (--root) */
  const char *id;
  const char *bundle;         /* NULL: the current directory */
  const char *pid_file;       /* NULL: none */
  const char *console_socket; /* NULL: none */
  int console_fd;             /* instead of console_socket: a connected socket, or -1 */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool systemd_cgroup;
  bool no_cgroup;        /* --cgroup-manager disabled: the container gets no cgroup of its own */
  bool detached;         /* false only for `run` in the foreground */
  bool init;             /* --init: ocirun-init as PID 1 (an ocirun extension) */
  const char *init_path; /* --init-path: which init; NULL: look for ocirun-init */
  /* `restore`: CRIU rebuilds the processes from a checkpoint image instead of a new init
   * being spawned (criu.h); NULL for create and run. */
  const struct criu_options *restore;
  /* `run`: when set, create hands over what it made (container_run below) instead of
   * dropping it, so that start and delete need not read it back from the state directory. */
  struct container_run **keep;
};

/* Sets up the container and leaves its init blocked on exec.fifo; the init's host pid is
 * returned. Nothing is left behind on failure. */
int container_create(const struct create_options *opts, pid_t *pid, ocirun_error *err);

/* Releases the init blocked in `create`, then runs poststart hooks. */
int container_start(const char *root, const char *id, ocirun_error *err);

/* `run`: the container create made, held in memory from create to delete: its state (the
 * state directory's fd, unlocked between steps so that `state` and `kill` can look at it), the
 * parsed config and its cgroup. */
struct container_run;

/* container_start and container_delete (with --force) of the held container. */
int container_run_start(struct container_run *run, ocirun_error *err);
int container_run_delete(struct container_run *run, ocirun_error *err);
void container_run_free(struct container_run *run);

int container_kill(const char *root, const char *id, int sig, bool all, ocirun_error *err);

int container_delete(const char *root, const char *id, bool force, ocirun_error *err);

#endif

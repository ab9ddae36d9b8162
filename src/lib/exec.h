/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun exec`: a new process in a running (or created) container.
 *
 *   ocirun exec (parent, host namespaces)
 *    │ load and lock the container; refuse a stopped one, a paused one without ignore_paused
 *    │ build the process: the --process file as given, or the config's process with the flags
 *    │ pidfd of the init, checked against its recorded start time; open its /proc/PID/ns
 *    │ entries (those that differ from ours) and /proc/PID/root (O_PATH); check it again
 *    │
 *    ├── fork ──► intermediate   non-dumpable first; oom_score_adj; setns (non-user namespaces
 *    │                           it may join as it is, then user, then the rest); fchdir to the
 *    │                           init's root + chroot; fork(CLONE_PARENT) ──► exec process
 *    │           ◄── SYNC_RECVPID_PLS(pid) ─ and exits
 *    │ put the exec process into the container's cgroup(s); drop the lock
 *    │ ─── SYNC_PREPARED ──►   exec process: setsid, session keyring, terminal, personality,
 *    │                         cwd/rlimits/scheduling, find the executable, fds, seccomp and
 *    │                         identity (init.c's order), then
 *    │ ◄── SYNC_READY ───────  and execve (the socket is O_CLOEXEC: its end of file says the
 *    │ ◄── EOF | SYNC_ERROR ─  execve happened; SYNC_ERROR says why it did not)
 *    └ --pid-file; return the pid (our child), and the pty master when the caller relays it
 */
#ifndef OCIRUN_EXEC_H
#define OCIRUN_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct exec_options {
  const char *root;
  const char *id;
  /* --process: a runtime-spec Process JSON file, used as given; the process flags below
   * (args .. tty) are then ignored, as runc ignores them. */
  const char *process_file;
  /* Otherwise the container's config.json process, with: */
  char *const *args; /* the command: replaces process.args */
  size_t nargs;
  const char *cwd;  /* NULL: as configured */
  char *const *env; /* appended to process.env (a later duplicate wins) */
  size_t nenv;
  const char *user;             /* "uid[:gid]", numbers only; NULL: as configured */
  char *const *additional_gids; /* decimal strings, appended */
  size_t ngids;
  char *const *caps; /* added to bounding, effective and permitted (never inheritable) */
  size_t ncaps;
  int no_new_privs;          /* -1: as configured, else 0/1 */
  bool tty;                  /* process.terminal (false unless asked) */
  const char *apparmor;      /* process.apparmorProfile; NULL or "": as configured */
  const char *process_label; /* process.selinuxLabel; NULL or "": as configured */
  char *const *cgroups;      /* --cgroup: refused when given (sub-cgroups not supported yet) */
  size_t ncgroups;
  /* How it runs: */
  bool detach;
  const char *pid_file;       /* written atomically, digits only */
  const char *console_socket; /* receives the pty master (detached with a terminal) */
  int preserve_fds;           /* fds 3 .. 3+N-1 pass to the process */
  bool ignore_paused;
};

struct exec_result {
  pid_t pid;  /* the process's host pid: a child of the caller, running the command */
  int master; /* terminal in the foreground without a console socket: the pty master, for the
               * caller to relay (tty_proxy_run); else -1 */
};

/* Starts the process and returns once it has execve()d (err holds the child's message
 * verbatim when it could not). */
int container_exec(const struct exec_options *opts, struct exec_result *res, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Joining a container's cgroup from the joining process itself, for exec.
 *
 * A write of another process's pid to cgroup.procs takes the kernel's global threadgroup
 * lock for writing, which waits for an RCU grace period whenever no migration happened
 * just before (several ms, far more on a loaded host). Two ways in skip that lock:
 *   - cgroup v1: a single thread moving itself, "0" written to a hierarchy's "tasks" file;
 *   - cgroup2: clone3(CLONE_INTO_CGROUP), the child born in the cgroup.
 * The files and the directory are opened by the runtime on the host, before any fork, and
 * used by the exec process through the inherited fds from inside the container's mount
 * namespace and root. The kernel checks a v1 write against the credentials of the opener. */
#ifndef OCIRUN_CGROUP_JOIN_H
#define OCIRUN_CGROUP_JOIN_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"

struct cgroup_join {
  int *tasks;   /* v1 hierarchies: "tasks", O_WRONLY */
  char **paths; /* their directories, for errors */
  size_t ntasks;
  int unified; /* the cgroup2 directory (v2, or hybrid's unified), O_DIRECTORY; or -1 */
  char *unified_path;
};

#define CGROUP_JOIN_INIT                                                                           \
  {                                                                                                \
    .unified = -1                                                                                  \
  }

/* Opens what cgroup_join_self and clone3 need. Every directory must be a cgroup (fstatfs). */
int cgroup_join_open(const struct cgroup *cg, struct cgroup_join *j, ocirun_error *err);

/* In the joining (single-threaded) process: closes the cgroup2 directory, moves itself into
 * every v1 hierarchy and closes those fds. */
int cgroup_join_self(struct cgroup_join *j, ocirun_error *err);

/* When the process could not be born in the cgroup2 directory: pid written to its
 * cgroup.procs (the slow way). Nothing to do without a cgroup2 directory. */
int cgroup_join_unified_pid(const struct cgroup_join *j, pid_t pid, ocirun_error *err);

/* Closes every fd (in the parent, and in a child that has no use for them). */
void cgroup_join_close(struct cgroup_join *j);

#endif

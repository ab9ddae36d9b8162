/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup_join (join.h): exec's way into a container's cgroup without the global lock. */
#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "internal.h"
#include "utils.h"

static bool is_cgroup2(const struct cgroup *cg, const struct cgroup_dir *dir)
{
  return cg->mode == CGROUP_MODE_V2 || strcmp(dir->name, CGROUP_UNIFIED_NAME) == 0;
}

/* The fd must lie on the kind of filesystem its hierarchy says: a record naming some other
 * directory must not get a pid written into a file of that name. */
static int check_fs(int fd, bool v2, const char *path, ocirun_error *err)
{
  struct statfs sf;

  if (fstatfs(fd, &sf) < 0)
    return error_set(err, errno, "cgroup: statfs %s", path);
  if (sf.f_type != (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
    return error_set(err, EINVAL, "cgroup: %s is not a cgroup%s directory", path, v2 ? "2" : "");
  return 0;
}

int cgroup_join_open(const struct cgroup *cg, struct cgroup_join *j, ocirun_error *err)
{
  for (size_t i = 0; i < cg->ndirs; i++) {
    const struct cgroup_dir *dir = &cg->dirs[i];
    bool v2 = is_cgroup2(cg, dir);
    autoclose int dfd = open(dir->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int fd;

    if (dfd < 0 || check_fs(dfd, v2, dir->path, err) < 0) {
      if (dfd < 0)
        error_set(err, errno, "cgroup: open %s", dir->path);
      cgroup_join_close(j);
      return -1;
    }
    if (v2) {
      if (j->unified >= 0) {
        cgroup_join_close(j);
        return error_set(err, EINVAL, "cgroup: more than one cgroup2 directory recorded");
      }
      j->unified = steal_fd(dfd);
      j->unified_path = xstrdup(dir->path);
      continue;
    }
    fd = openat(dfd, "tasks", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      error_set(err, errno, "cgroup: open %s/tasks", dir->path);
      cgroup_join_close(j);
      return -1;
    }
    j->tasks = xrealloc(j->tasks, (j->ntasks + 1) * sizeof(*j->tasks));
    j->paths = xrealloc(j->paths, (j->ntasks + 1) * sizeof(*j->paths));
    j->tasks[j->ntasks] = fd;
    j->paths[j->ntasks++] = xstrdup(dir->path);
  }
  return 0;
}

static int write_value(int fd, const char *value, const char *dir, const char *file,
                       ocirun_error *err)
{
  size_t len = strlen(value);
  ssize_t n;

  do
    n = write(fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_set(err, errno, "cgroup: write %s/%s \"%s\"", dir, file, value);
  if ((size_t)n != len)
    return error_set(err, EIO, "cgroup: write %s/%s \"%s\" (short write)", dir, file, value);
  return 0;
}

int cgroup_join_self(struct cgroup_join *j, ocirun_error *err)
{
  /* A directory of the host's cgroup tree, from which ".." leads anywhere in it: of no use
   * here (clone3 has used it), and the process is already visible in the container's pid
   * namespace, so it goes first. */
  if (j->unified >= 0)
    close(j->unified);
  j->unified = -1;
  for (size_t i = 0; i < j->ntasks; i++) {
    if (write_value(j->tasks[i], "0", j->paths[i], "tasks", err) < 0)
      return -1;
    close(j->tasks[i]);
    j->tasks[i] = -1;
  }
  return 0;
}

int cgroup_join_unified_pid(const struct cgroup_join *j, pid_t pid, ocirun_error *err)
{
  autoclose int fd = -1;
  char value[24];

  if (j->unified < 0)
    return 0;
  fd = openat(j->unified, "cgroup.procs", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return error_set(err, errno, "cgroup: open %s/cgroup.procs", j->unified_path);
  snprintf(value, sizeof(value), "%d", (int)pid);
  return write_value(fd, value, j->unified_path, "cgroup.procs", err);
}

void cgroup_join_close(struct cgroup_join *j)
{
  for (size_t i = 0; i < j->ntasks; i++) {
    if (j->tasks[i] >= 0)
      close(j->tasks[i]);
    free(j->paths[i]);
  }
  free(j->tasks);
  free(j->paths);
  j->tasks = NULL;
  j->paths = NULL;
  j->ntasks = 0;
  if (j->unified >= 0)
    close(j->unified);
  j->unified = -1;
  free(j->unified_path);
  j->unified_path = NULL;
}

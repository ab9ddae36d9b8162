/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM notification for `events`: v1 registers an eventfd for memory.oom_control through
 * cgroup.event_control (the kernel also signals it when the cgroup is removed); v2 watches
 * memory.events (the oom_kill counter) and cgroup.events (populated 0: the container is gone)
 * with inotify. Either way the caller polls one fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "internal.h"
#include "utils.h"

struct cgroup_oom {
  bool v2;
  int fd; /* the eventfd (v1) or the inotify fd (v2) */
  char *dir;
  uint64_t last; /* v2: oom_kill seen so far */
};

static void oom_free_partial(struct cgroup_oom *w)
{
  if (w->fd >= 0)
    close(w->fd);
  free(w->dir);
  free(w);
}

int cgroup_oom_watch(const struct cgroup *cg, struct cgroup_oom **out, ocirun_error *err)
{
  const struct cgroup_dir *mem = cgroup_dir_for(cg, "memory");
  struct cgroup_oom *w;

  if (mem == NULL)
    return error_set(err, ENOTSUP, "cgroup: no memory controller to watch for OOM");
  w = xcalloc(1, sizeof(*w));
  w->fd = -1;
  w->dir = xstrdup(mem->path);
  w->v2 = cg->mode == CGROUP_MODE_V2;
  if (!w->v2) {
    autofree char *ctl = xasprintf("%s/memory.oom_control", mem->path);
    autoclose int ofd = open(ctl, O_RDONLY | O_CLOEXEC);
    char line[64];
    w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ofd < 0 || w->fd < 0) {
      error_set(err, errno, "cgroup: open %s", ctl);
      oom_free_partial(w);
      return -1;
    }
    snprintf(line, sizeof(line), "%d %d", w->fd, ofd);
    if (cg_write(mem->path, "cgroup.event_control", line, err) < 0) {
      oom_free_partial(w);
      return -1;
    }
  } else {
    autofree char *events = xasprintf("%s/memory.events", mem->path);
    autofree char *cgevents = xasprintf("%s/cgroup.events", mem->path);
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0 || inotify_add_watch(w->fd, events, IN_MODIFY) < 0 ||
        inotify_add_watch(w->fd, cgevents, IN_MODIFY) < 0) {
      error_set(err, errno, "cgroup: watch %s", events);
      oom_free_partial(w);
      return -1;
    }
    cg_read_key(mem->path, "memory.events", "oom_kill", &w->last);
  }
  *out = w;
  return 0;
}

int cgroup_oom_fd(const struct cgroup_oom *w)
{
  return w->fd;
}

int cgroup_oom_check(struct cgroup_oom *w)
{
  uint64_t now = 0, populated = 1;
  char buf[4096];

  if (!w->v2) {
    uint64_t count = 0;
    if (read(w->fd, &count, sizeof(count)) != sizeof(count))
      return 0;
    /* The eventfd also fires when the cgroup is removed. */
    if (access(w->dir, F_OK) < 0)
      return -1;
    return (int)(count > 1000 ? 1000 : count);
  }
  while (read(w->fd, buf, sizeof(buf)) > 0)
    ;
  if (cg_read_key(w->dir, "cgroup.events", "populated", &populated) < 0 || populated == 0)
    return -1;
  if (cg_read_key(w->dir, "memory.events", "oom_kill", &now) < 0)
    return -1;
  if (now <= w->last)
    return 0;
  uint64_t delta = now - w->last;
  w->last = now;
  return (int)(delta > 1000 ? 1000 : delta);
}

void cgroup_oom_free(struct cgroup_oom *w)
{
  if (w)
    oom_free_partial(w);
}

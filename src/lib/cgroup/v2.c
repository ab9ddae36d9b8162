/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 specifics: a controller's files appear in a cgroup only when its parent lists the
 * controller in cgroup.subtree_control, so every level from the mount down to the container's
 * parent gets all the controllers it has (as runc and crun do). A level with processes of its
 * own refuses domain controllers (EBUSY, "no internal processes"); what it refuses is tried
 * one by one and left out, and a resource that needs it then fails naming its file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"
#include "utils.h"

static int enable_in(const char *dir, ocirun_error *err)
{
  autofree char *avail = NULL;
  autofree char *all = NULL;
  char *save = NULL;
  size_t len = 0;

  if (cg_read(dir, "cgroup.controllers", &avail, err) < 0)
    return -1;
  all = xcalloc(1, strlen(avail) * 2 + 2);
  for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
    len += (size_t)sprintf(all + len, "%s+%s", len ? " " : "", c);
  if (len == 0)
    return 0;
  if (cg_write(dir, "cgroup.subtree_control", all, NULL) == 0)
    return 0;
  save = NULL;
  for (char *c = strtok_r(all, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
    ocirun_error one = {0};
    if (cg_write(dir, "cgroup.subtree_control", c, &one) < 0)
      log_debug("%s in %s", one.msg, dir);
  }
  return 0;
}

int cgroup_v2_enable_controllers(const char *mount, const char *path, ocirun_error *err)
{
  size_t mlen = strlen(mount);
  autofree char *cur = xstrdup(mount);
  const char *p = path + mlen;

  if (strncmp(path, mount, mlen) != 0)
    return error_set(err, 0, "cgroup: %s is not below %s", path, mount);
  for (;;) {
    const char *start, *end;
    char *next;

    while (*p == '/')
      p++;
    if (*p == '\0')
      return 0;
    start = p;
    end = strchr(start, '/');
    if (end == NULL)
      end = start + strlen(start);
    /* cur is the parent of the next level: its subtree_control decides what that level has. */
    if (enable_in(cur, err) < 0)
      return -1;
    next = xasprintf("%s/%.*s", cur, (int)(end - start), start);
    free(cur);
    cur = next;
    p = end;
  }
}

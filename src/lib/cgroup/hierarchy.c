/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's cgroup layout, found once when a container is created (later commands read the
 * directories back from state.json): which hierarchies are mounted where (mountinfo), where
 * the caller sits in each (/proc/self/cgroup), and so the mode — v1, hybrid (v1 plus a
 * cgroup2 mount, like /sys/fs/cgroup/unified) or v2. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utils.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

static const char *const known_controllers[] = {
    "cpuset",  "cpu",        "cpuacct",  "blkio",   "io",   "memory", "devices", "freezer",
    "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma",   "misc",    "debug",
};

static bool is_controller(const char *opt)
{
  for (size_t i = 0; i < sizeof(known_controllers) / sizeof(known_controllers[0]); i++)
    if (strcmp(opt, known_controllers[i]) == 0)
      return true;
  return has_prefix(opt, "name=");
}

bool cgroup_name_has(const char *names, const char *item)
{
  size_t len = strlen(item);

  for (const char *p = names; p && *p;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == len && strncmp(p, item, len) == 0)
      return true;
    p = end ? end + 1 : NULL;
  }
  return false;
}

static size_t count_items(const char *names)
{
  size_t n = 0;

  for (const char *p = names; p && *p;) {
    const char *end = strchr(p, ',');
    if ((end ? (size_t)(end - p) : strlen(p)) > 0)
      n++;
    p = end ? end + 1 : NULL;
  }
  return n;
}

bool cgroup_names_equal(const char *a, const char *b)
{
  autofree char *copy = NULL;
  char *save = NULL;

  if (count_items(a) != count_items(b))
    return false;
  copy = xstrdup(a);
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    if (!cgroup_name_has(b, t))
      return false;
  return true;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s)
{
  char *out = xmalloc(strlen(s) + 1), *w = out;

  while (*s) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 4;
    } else {
      *w++ = *s++;
    }
  }
  *w = '\0';
  return out;
}

int cgroup_parse_mountinfo_line(const char *line, char **mount, char **root, char **name, bool *v2)
{
  autofree char *copy = xstrdup(line);
  char *fields[6] = {0}, *save = NULL, *tok, *fstype = NULL, *superopts = NULL;
  size_t nf = 0;
  bool after_dash = false;
  int after = 0;

  for (tok = strtok_r(copy, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
    if (!after_dash) {
      if (strcmp(tok, "-") == 0 && nf >= 6) {
        after_dash = true;
        continue;
      }
      if (nf < 6)
        fields[nf] = tok;
      nf++;
      continue;
    }
    if (after == 0)
      fstype = tok;
    else if (after == 2)
      superopts = tok;
    after++;
  }
  if (nf < 6 || fstype == NULL || superopts == NULL)
    return -1;
  if (strcmp(fstype, "cgroup2") == 0) {
    *v2 = true;
    *name = xstrdup(CGROUP_UNIFIED_NAME);
  } else if (strcmp(fstype, "cgroup") == 0) {
    autofree char *opts = xstrdup(superopts);
    char *names = xstrdup(""), *s2 = NULL;
    for (char *o = strtok_r(opts, ",", &s2); o; o = strtok_r(NULL, ",", &s2)) {
      if (!is_controller(o))
        continue;
      char *n = names[0] ? xasprintf("%s,%s", names, o) : xstrdup(o);
      free(names);
      names = n;
    }
    if (names[0] == '\0') {
      free(names);
      return 0; /* a cgroup mount with no controller and no name: nothing to place us in */
    }
    *v2 = false;
    *name = names;
  } else {
    return 0;
  }
  *root = unescape(fields[3]);
  *mount = unescape(fields[4]);
  return 1;
}

char *cgroup_parse_proc_cgroup(const char *text, const char *name)
{
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    autofree char *copy = xasprintf("%.*s", (int)len, line);
    char *c1 = strchr(copy, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

    line = end ? end + 1 : NULL;
    if (c2 == NULL)
      continue;
    *c1 = *c2 = '\0';
    if (name[0] == '\0') {
      if (strcmp(copy, "0") == 0 && c1[1] == '\0')
        return xstrdup(c2 + 1);
    } else if (c1[1] != '\0' && cgroup_names_equal(c1 + 1, name)) {
      return xstrdup(c2 + 1);
    }
  }
  return NULL;
}

void cgroup_host_release(struct cgroup_host *host)
{
  for (size_t i = 0; i < host->n; i++) {
    free(host->h[i].name);
    free(host->h[i].mount);
    free(host->h[i].own);
  }
  free(host->h);
  host->h = NULL;
  host->n = 0;
}

/* The caller's cgroup as a directory: the mount point plus what of the path lies below the
 * mount's root. */
static char *own_dir(const char *mount, const char *root, const char *path)
{
  size_t rlen = strlen(root);
  const char *rest = path;

  if (strcmp(root, "/") != 0 && strncmp(path, root, rlen) == 0 &&
      (path[rlen] == '/' || path[rlen] == '\0'))
    rest = path + rlen;
  while (*rest == '/')
    rest++;
  return rest[0] ? xasprintf("%s/%s", mount, rest) : xstrdup(mount);
}

static struct cgroup_hierarchy *find(struct cgroup_host *host, const char *name)
{
  for (size_t i = 0; i < host->n; i++)
    if (cgroup_names_equal(host->h[i].name, name))
      return &host->h[i];
  return NULL;
}

int cgroup_host_detect(struct cgroup_host *host, ocirun_error *err)
{
  autofree char *mountinfo = NULL;
  autofree char *self = NULL;
  bool have_v1 = false, have_v2 = false;

  memset(host, 0, sizeof(*host));
  if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mountinfo, NULL, err) < 0 ||
      read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, NULL, err) < 0)
    return error_prefix(err, "cgroup");

  for (const char *line = mountinfo; line && *line;) {
    const char *end = strchr(line, '\n');
    autofree char *one = xasprintf("%.*s", (int)(end ? (size_t)(end - line) : strlen(line)), line);
    autofree char *mount = NULL;
    autofree char *root = NULL;
    autofree char *name = NULL;
    autofree char *path = NULL;
    struct cgroup_hierarchy *h;
    bool v2 = false;

    line = end ? end + 1 : NULL;
    if (cgroup_parse_mountinfo_line(one, &mount, &root, &name, &v2) != 1)
      continue;
    path = cgroup_parse_proc_cgroup(self, v2 ? "" : name);
    if (path == NULL)
      continue; /* mounted, but not a hierarchy this process is in (another namespace's) */
    h = find(host, name);
    if (h != NULL) {
      /* Mounted twice: keep the one under /sys/fs/cgroup. */
      if (has_prefix(h->mount, CGROUP_ROOT "/") || strcmp(h->mount, CGROUP_ROOT) == 0 ||
          !has_prefix(mount, CGROUP_ROOT))
        continue;
      free(h->mount);
      free(h->own);
    } else {
      host->h = xrealloc(host->h, (host->n + 1) * sizeof(*host->h));
      h = &host->h[host->n++];
      h->name = steal_ptr(name);
    }
    h->own = own_dir(mount, root, path);
    h->mount = steal_ptr(mount);
    if (v2)
      have_v2 = true;
    else
      have_v1 = true;
  }

  if (have_v1)
    host->mode = have_v2 ? CGROUP_MODE_HYBRID : CGROUP_MODE_V1;
  else if (have_v2)
    host->mode = CGROUP_MODE_V2;
  else
    return error_set(err, 0, "cgroup: no cgroup filesystem is mounted");

  return 0;
}

void cgroup_views_fill(struct cgroup *cg, const struct cgroup_host *host)
{
  cgroup_views_release(cg);
  for (size_t i = 0; i < host->n; i++) {
    const struct cgroup_hierarchy *h = &host->h[i];
    const char *base = strrchr(h->mount, '/');
    const char *dir = h->own;

    bool seen = false;

    if (strcmp(h->name, CGROUP_UNIFIED_NAME) == 0 || base == NULL || base[1] == '\0')
      continue;
    for (size_t j = 0; j < cg->nviews && !seen; j++)
      seen = strcmp(cg->views[j].name, base + 1) == 0;
    if (seen)
      continue;
    for (size_t j = 0; j < cg->ndirs; j++)
      if (cgroup_names_equal(cg->dirs[j].name, h->name))
        dir = cg->dirs[j].path;
    cg->views = xrealloc(cg->views, (cg->nviews + 1) * sizeof(*cg->views));
    cg->views[cg->nviews].name = xstrdup(base + 1);
    cg->views[cg->nviews].dir = xstrdup(dir);
    cg->nviews++;
  }
}

void cgroup_views_release(struct cgroup *cg)
{
  for (size_t i = 0; i < cg->nviews; i++) {
    free(cg->views[i].name);
    free(cg->views[i].dir);
  }
  free(cg->views);
  cg->views = NULL;
  cg->nviews = 0;
}

const struct cgroup_view *cgroup_v1_views(const struct cgroup *cg, size_t *n)
{
  /* The systemd driver makes the directories with the scope, when the init already runs: an
   * init (a fork of that cgroup) cannot count on them before it sits in them. */
  *n = cg && !cg->start_pending ? cg->nviews : 0;
  return *n ? cg->views : NULL;
}

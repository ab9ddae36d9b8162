/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a container's cgroup lives: linux.cgroupsPath with runc's meaning (absolute from the
 * hierarchy's root, relative under the caller's own cgroup, empty → the container id under the
 * caller's cgroup), systemd's "slice:prefix:name" turned into the path systemd would use, and
 * lexical cleaning that never lets ".." climb out (THREATS: path traversal). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utils.h"

int cgroup_path_clean(const char *in, char **out, ocirun_error *err)
{
  size_t len = strlen(in);
  bool absolute = in[0] == '/';
  autofree char *copy = xstrdup(in);
  autofree const char **parts = xcalloc(len / 2 + 2, sizeof(char *));
  size_t nparts = 0, total = 2;
  char *save = NULL, *p;
  char *res, *w;

  for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
    if (strcmp(tok, ".") == 0)
      continue;
    if (strcmp(tok, "..") == 0) {
      if (nparts == 0)
        return error_set(err, 0, "cgroup path \"%s\" escapes its hierarchy", in);
      nparts--;
      continue;
    }
    parts[nparts++] = tok;
  }
  for (size_t i = 0; i < nparts; i++)
    total += strlen(parts[i]) + 1;
  res = w = xmalloc(total);
  if (absolute)
    *w++ = '/';
  for (size_t i = 0; i < nparts; i++) {
    if (i > 0)
      *w++ = '/';
    p = stpcpy(w, parts[i]);
    w = p;
  }
  *w = '\0';
  *out = res;
  return 0;
}

int cgroup_expand_slice(const char *slice, char **out, ocirun_error *err)
{
  static const char suffix[] = ".slice";
  size_t len = strlen(slice), slen = sizeof(suffix) - 1;
  autofree char *name = NULL;
  autofree char *path = NULL;
  autofree char *prefix = NULL;
  char *save = NULL;

  if (len < slen || strcmp(slice + len - slen, suffix) != 0 || strchr(slice, '/') != NULL)
    return error_set(err, 0, "invalid slice name \"%s\"", slice);
  name = xasprintf("%.*s", (int)(len - slen), slice);
  if (strcmp(name, "-") == 0) {
    *out = xstrdup("/");
    return 0;
  }
  /* "a--b.slice", "-a.slice" and "a-.slice" are not slices. */
  if (name[0] == '\0' || name[0] == '-' || name[strlen(name) - 1] == '-' || strstr(name, "--"))
    return error_set(err, 0, "invalid slice name \"%s\"", slice);
  path = xstrdup("");
  prefix = xstrdup("");
  for (char *c = strtok_r(name, "-", &save); c; c = strtok_r(NULL, "-", &save)) {
    char *np = xasprintf("%s/%s%s%s", path, prefix, c, suffix);
    char *nx = xasprintf("%s%s-", prefix, c);
    free(path);
    free(prefix);
    path = np;
    prefix = nx;
  }
  *out = steal_ptr(path);
  return 0;
}

int cgroup_systemd_unit(const char *cgroups_path, const char *id, char **slice_out, char **unit_out,
                        ocirun_error *err)
{
  autofree char *copy = NULL;
  autofree char *slice_path = NULL;
  const char *slice, *prefix, *name;
  char *c1, *c2;

  if (cgroups_path == NULL || cgroups_path[0] == '\0') {
    slice = "system.slice";
    prefix = "ocirun";
    name = id;
  } else {
    copy = xstrdup(cgroups_path);
    c1 = strchr(copy, ':');
    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL)
      return error_set(err, 0,
                       "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd "
                       "cgroups, got \"%s\" instead",
                       cgroups_path);
    *c1 = *c2 = '\0';
    slice = copy[0] ? copy : "system.slice";
    prefix = c1 + 1;
    name = c2 + 1;
  }
  if (name[0] == '\0' || strchr(name, '/') || strchr(prefix, '/') || strcmp(name, "..") == 0 ||
      strcmp(name, ".") == 0)
    return error_set(err, 0, "invalid systemd unit name in cgroupsPath \"%s\"",
                     cgroups_path ? cgroups_path : "");
  /* Checked here so that a bad slice is refused before anything is made. */
  if (cgroup_expand_slice(slice, &slice_path, err) < 0)
    return error_prefix(err, "cgroupsPath");
  *slice_out = xstrdup(slice);
  /* A name that is a slice is the unit itself; anything else becomes prefix-name.scope. */
  if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0)
    *unit_out = xstrdup(name);
  else
    *unit_out = prefix[0] ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
  return 0;
}

static int systemd_inner_path(const char *cgroups_path, const char *id, char **out,
                              ocirun_error *err)
{
  autofree char *slice = NULL;
  autofree char *unit = NULL;
  autofree char *slice_path = NULL;
  size_t len;

  if (cgroup_systemd_unit(cgroups_path, id, &slice, &unit, err) < 0)
    return -1;
  len = strlen(unit);
  if (len > 6 && strcmp(unit + len - 6, ".slice") == 0) {
    if (cgroup_expand_slice(unit, out, err) < 0)
      return error_prefix(err, "cgroupsPath");
    return 0;
  }
  if (cgroup_expand_slice(slice, &slice_path, err) < 0)
    return error_prefix(err, "cgroupsPath");
  *out = xasprintf("%s/%s", strcmp(slice_path, "/") == 0 ? "" : slice_path, unit);
  return 0;
}

int cgroup_inner_path(const char *cgroups_path, const char *id, bool systemd, char **out,
                      ocirun_error *err)
{
  autofree char *clean = NULL;
  const char *src = cgroups_path;

  if (systemd) {
    autofree char *raw = NULL;
    if (systemd_inner_path(cgroups_path, id, &raw, err) < 0)
      return -1;
    src = raw;
    if (cgroup_path_clean(src, &clean, err) < 0)
      return -1;
  } else {
    if (src == NULL || src[0] == '\0')
      src = id;
    if (cgroup_path_clean(src, &clean, err) < 0)
      return -1;
  }
  /* The hierarchy's root, or the caller's own cgroup: destroying it or killing what is in it
   * would reach far beyond the container. */
  if (clean[0] == '\0' || strcmp(clean, "/") == 0)
    return error_set(err, 0, "cgroup path \"%s\" names no cgroup of its own", src);
  *out = steal_ptr(clean);
  return 0;
}

char *cgroup_path_join(const char *mount, const char *base, const char *inner)
{
  const char *root = inner[0] == '/' ? mount : base;
  size_t rlen = strlen(root);

  /* root is "/sys/fs/cgroup/memory" or "/sys/fs/cgroup/memory/a" (never with a trailing
   * slash, except "/" itself). */
  while (rlen > 1 && root[rlen - 1] == '/')
    rlen--;
  if (inner[0] == '/')
    inner++;
  return xasprintf("%.*s/%s", (int)rlen, root, inner);
}

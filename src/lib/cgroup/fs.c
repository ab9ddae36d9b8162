/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroupfs files and directories: one write() per value (the kernel parses each write on its
 * own), reads of whole files, mkdir -p, rmdir of a tree deepest first, cgroup.procs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "internal.h"
#include "utils.h"

static char *file_path(const char *dir, const char *file)
{
  return xasprintf("%s/%s", dir, file);
}

int cg_write(const char *dir, const char *file, const char *value, ocirun_error *err)
{
  autofree char *path = file_path(dir, file);
  autoclose int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  size_t len = strlen(value);
  ssize_t n;

  if (fd < 0)
    return error_set(err, errno, "cgroup: write %s \"%s\"", file, value);
  do
    n = write(fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_set(err, errno, "cgroup: write %s \"%s\"", file, value);
  if ((size_t)n != len)
    return error_set(err, EIO, "cgroup: write %s \"%s\" (short write)", file, value);
  return 0;
}

int cg_read(const char *dir, const char *file, char **out, ocirun_error *err)
{
  autofree char *path = file_path(dir, file);

  if (read_file_at(AT_FDCWD, path, out, NULL, NULL) < 0) {
    int saved = errno;
    error_set(err, saved, "cgroup: read %s", path);
    errno = saved;
    return -1;
  }
  return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out, ocirun_error *err)
{
  autofree char *text = NULL;
  char *end = NULL;

  if (cg_read(dir, file, &text, err) < 0)
    return -1;
  if (strncmp(text, "max", 3) == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  errno = 0;
  *out = strtoull(text, &end, 10);
  if (errno != 0 || end == text || (*end != '\0' && *end != '\n'))
    return error_set(err, EINVAL, "cgroup: read %s/%s: not a number", dir, file);
  return 0;
}

int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
  autofree char *text = NULL;
  size_t klen = strlen(key);

  if (cg_read(dir, file, &text, NULL) < 0)
    return -1;
  for (char *line = text; line && *line;) {
    char *end = strchr(line, '\n');
    if (end)
      *end = '\0';
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *out = strtoull(line + klen + 1, NULL, 10);
      return 0;
    }
    line = end ? end + 1 : NULL;
  }
  errno = ENOENT;
  return -1;
}

bool cg_exists(const char *dir, const char *file)
{
  autofree char *path = file_path(dir, file);

  return access(path, F_OK) == 0;
}

int cg_mkdir_p(const char *mount, const char *path, char **created, ocirun_error *err)
{
  size_t mlen = strlen(mount);
  autofree char *cur = NULL;
  const char *p;

  *created = NULL;
  if (strncmp(path, mount, mlen) != 0 || (path[mlen] != '/' && path[mlen] != '\0'))
    return error_set(err, 0, "cgroup: %s is not below %s", path, mount);
  cur = xstrdup(mount);
  for (p = path + mlen; *p;) {
    const char *start, *end;
    char *next;
    while (*p == '/')
      p++;
    if (*p == '\0')
      break;
    start = p;
    end = strchr(start, '/');
    if (end == NULL)
      end = start + strlen(start);
    next = xasprintf("%s/%.*s", cur, (int)(end - start), start);
    free(cur);
    cur = next;
    p = end;
    if (mkdir(cur, 0755) == 0) {
      if (*created == NULL)
        *created = xstrdup(cur);
    } else if (errno != EEXIST) {
      int saved = errno;
      if (*created) {
        cg_rmdir_tree(*created, NULL);
        free(*created);
        *created = NULL;
      }
      return error_set(err, saved, "cgroup: mkdir %s", cur);
    }
  }
  return 0;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* Removes the cgroups below path (depth first); cgroupfs directories hold only control files,
 * which rmdir takes with them. */
static int rmdir_children(const char *path, int depth)
{
  DIR *d;
  struct dirent *de;
  int ret = 0;

  if (depth > 64) {
    errno = ELOOP;
    return -1;
  }
  d = opendir(path);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir(d)) != NULL) {
    autofree char *child = NULL;
    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    child = xasprintf("%s/%s", path, de->d_name);
    if (rmdir_children(child, depth + 1) < 0 || (rmdir(child) < 0 && errno != ENOENT))
      ret = -1;
  }
  closedir(d);
  return ret;
}

int cg_rmdir_tree(const char *path, ocirun_error *err)
{
  int saved = 0;

  /* EBUSY comes while the last tasks are still leaving (exit is not instant); give it about
   * two seconds, backing off. */
  for (int attempt = 0; attempt < 30; attempt++) {
    if (rmdir_children(path, 0) == 0 && (rmdir(path) == 0 || errno == ENOENT))
      return 0;
    saved = errno;
    if (saved != EBUSY && saved != ENOTEMPTY && saved != EAGAIN)
      break;
    sleep_ms(attempt < 10 ? 10 : 100);
  }
  return error_set(err, saved, "cgroup: remove %s", path);
}

int cg_parse_procs(const char *text, pid_t **pids, size_t *n, size_t *cap)
{
  const char *p = text;

  while (*p) {
    char *end = NULL;
    long long v;

    if (*p == '\n') {
      p++;
      continue;
    }
    if (*p < '0' || *p > '9') {
      errno = EINVAL;
      return -1;
    }
    errno = 0;
    v = strtoll(p, &end, 10);
    if (errno != 0 || v <= 0 || v > 0x7fffffff || (*end != '\n' && *end != '\0')) {
      errno = EINVAL;
      return -1;
    }
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 16;
      *pids = xrealloc(*pids, *cap * sizeof(pid_t));
    }
    (*pids)[(*n)++] = (pid_t)v;
    p = end;
  }
  return 0;
}

static int read_procs_tree(const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth,
                           ocirun_error *err)
{
  autofree char *text = NULL;
  DIR *d;
  struct dirent *de;
  int ret = 0;

  if (depth > 64)
    return error_set(err, ELOOP, "cgroup: %s", dir);
  if (cg_read(dir, "cgroup.procs", &text, err) < 0) {
    /* Gone meanwhile (a nested cgroup the container removed): nothing in it. */
    return errno == ENOENT || errno == ENODEV ? 0 : -1;
  }
  if (cg_parse_procs(text, pids, n, cap) < 0)
    return error_set(err, EINVAL, "cgroup: %s/cgroup.procs: unexpected content", dir);
  d = opendir(dir);
  if (d == NULL)
    return 0;
  while ((de = readdir(d)) != NULL) {
    autofree char *child = NULL;
    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    child = xasprintf("%s/%s", dir, de->d_name);
    if (read_procs_tree(child, pids, n, cap, depth + 1, err) < 0) {
      ret = -1;
      break;
    }
  }
  closedir(d);
  return ret;
}

int cg_read_procs_tree(const char *dir, pid_t **pids, size_t *n, size_t *cap, ocirun_error *err)
{
  return read_procs_tree(dir, pids, n, cap, 0, err);
}

bool cg_not_cgroupfs(const char *path)
{
  struct statfs sf;

  if (statfs(path, &sf) < 0)
    return errno != ENOENT && errno != ENOTDIR && errno != EACCES;
  return sf.f_type != CGROUP_SUPER_MAGIC && sf.f_type != CGROUP2_SUPER_MAGIC;
}

int cg_rmdir_one(const char *path)
{
  return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
}

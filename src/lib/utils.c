/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void free_ptr(void *p)
{
  free(*(void **)p);
}

void close_ptr(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

void fclose_ptr(FILE **f)
{
  if (*f)
    fclose(*f);
}

static void *check_alloc(void *p)
{
  if (p == NULL) {
    static const char msg[] = "ocirun: out of memory\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    abort();
  }
  return p;
}

void *xmalloc(size_t n)
{
  return check_alloc(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
  return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
  return check_alloc(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
  return check_alloc(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
  char *out = NULL;
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vasprintf(&out, fmt, ap);
  va_end(ap);
  if (n < 0)
    check_alloc(NULL);
  return out;
}

int write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len, ocirun_error *err)
{
  autoclose int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  size_t cap = 4096, used = 0;
  autofree char *buf = NULL;

  if (fd < 0)
    return error_set(err, errno, "open \"%s\"", path);
  buf = xmalloc(cap);
  for (;;) {
    ssize_t n;
    if (used + 1 >= cap) {
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
    n = read(fd, buf + used, cap - used - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return error_set(err, errno, "read \"%s\"", path);
    }
    if (n == 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_ptr(buf);
  return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len, ocirun_error *err)
{
  autoclose int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);

  if (fd < 0)
    return error_set(err, errno, "open \"%s\"", path);
  if (write_all(fd, data, len) < 0)
    return error_set(err, errno, "write \"%s\"", path);
  return 0;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                      ocirun_error *err)
{
  autofree char *tmp = xasprintf(".%s.tmp", name);
  autoclose int fd = -1;

  unlinkat(dirfd, tmp, 0);
  fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return error_set(err, errno, "create \"%s\"", tmp);
  /* No fsync: the state lives on /run (a tmpfs) and dies with a crash anyway; the rename alone
   * keeps readers from seeing a half-written file. */
  if (write_all(fd, data, len) < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    return error_set(err, saved, "write \"%s\"", tmp);
  }
  if (renameat(dirfd, tmp, dirfd, name) < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    return error_set(err, saved, "rename \"%s\" to \"%s\"", tmp, name);
  }
  return 0;
}

int write_pid_file(const char *path, pid_t pid, ocirun_error *err)
{
  autofree char *copy = xstrdup(path);
  char *slash = strrchr(copy, '/');
  const char *dir = ".", *name = copy;
  autoclose int dirfd = -1;
  char digits[32];

  snprintf(digits, sizeof(digits), "%d", (int)pid);
  if (slash != NULL) {
    *slash = '\0';
    dir = copy[0] ? copy : "/";
    name = slash + 1;
  }
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return error_set(err, errno, "pid file directory \"%s\"", dir);
  if (write_file_atomic(dirfd, name, digits, strlen(digits), 0644, err) < 0)
    return error_prefix(err, "write pid file");
  return 0;
}

bool has_prefix(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

int parse_long(const char *s, long long *out)
{
  char *end = NULL;
  long long v;

  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

void rfc3339_now(char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  size_t n;

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path resolution inside the container's rootfs.
 *
 * open_in_root asks the kernel (openat2 with RESOLVE_IN_ROOT) whenever it can. Creating
 * missing components, and kernels or seccomp profiles without openat2, go through a walker
 * that resolves one component at a time from a verified directory fd: it opens every
 * component with O_NOFOLLOW, reads symlinks itself and restarts absolute ones at the root,
 * and answers ".." by popping its own stack of directory fds, so no symlink and no ".." can
 * lead above the root (the same semantics as RESOLVE_IN_ROOT and runc's SecureJoin). */
#include "pathres.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

/* Same limit as the kernel's MAXSYMLINKS: more links than that is a loop. */
#define MAX_SYMLINKS 40
/* Retries when a component appears or vanishes between our lookup and our create. */
#define MAX_CREATE_RACES 32
/* openat2 returns EAGAIN when a rename raced with RESOLVE_IN_ROOT; retrying is safe. */
#define MAX_OPENAT2_RETRIES 64

enum walk_mode {
  WALK_OPEN,   /* every component must exist */
  WALK_MKDIR,  /* create missing components as directories */
  WALK_MKFILE, /* create missing parents as directories, the last as a regular file */
};

struct walk {
  int *dirs; /* dirs[0] is the root; dirs[depth - 1] the directory being searched */
  size_t depth;
  size_t cap;
};

const char *fd_path(int fd, char *buf, size_t len)
{
  snprintf(buf, len, "/proc/self/fd/%d", fd);
  return buf;
}

static int sys_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
  struct open_how how = {.flags = (unsigned long long)flags, .resolve = resolve};

  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static void walk_push(struct walk *w, int fd)
{
  if (w->depth == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 16;
    w->dirs = xrealloc(w->dirs, w->cap * sizeof(*w->dirs));
  }
  w->dirs[w->depth++] = fd;
}

/* ".." never pops the root itself: at the root it stays at the root. */
static void walk_pop_to(struct walk *w, size_t depth)
{
  while (w->depth > depth && w->depth > 1)
    close(w->dirs[--w->depth]);
}

static void walk_free(struct walk *w)
{
  walk_pop_to(w, 0);
  if (w->depth == 1)
    close(w->dirs[0]);
  free(w->dirs);
}

/* Splits the next component off *rest into name (NUL-terminated, inside buf). Returns false
 * when only slashes are left. */
static bool next_component(const char **rest, char *name, size_t len)
{
  const char *p = *rest;
  size_t n;

  while (*p == '/')
    p++;
  if (*p == '\0') {
    *rest = p;
    return false;
  }
  n = strcspn(p, "/");
  if (n >= len)
    n = len - 1; /* still longer than NAME_MAX: the lookup fails with ENAMETOOLONG */
  memcpy(name, p, n);
  name[n] = '\0';
  *rest = p + strcspn(p, "/");
  return true;
}

static bool only_slashes(const char *s)
{
  return s[strspn(s, "/")] == '\0';
}

static char *read_link_fd(int fd)
{
  size_t cap = 256;

  for (;;) {
    char *buf = xmalloc(cap);
    ssize_t n = readlinkat(fd, "", buf, cap);
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap) {
      buf[n] = '\0';
      return buf;
    }
    free(buf);
    cap *= 2;
  }
}

/* Creates the missing component name in dir: a directory, or the regular file of
 * WALK_MKFILE. Returns 0 when created, 1 when something appeared there meanwhile (the
 * caller looks it up again, by the same rules), -1 on error. */
static int create_component(int dir, const char *name, bool as_file, mode_t mode)
{
  int fd;

  if (!as_file)
    return mkdirat(dir, name, mode) == 0 ? 0 : errno == EEXIST ? 1 : -1;
  fd = openat(dir, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    return errno == EEXIST ? 1 : -1;
  close(fd);
  return 0;
}

/* The walker. Returns an O_PATH fd of the final object (a symlink itself only when
 * nofollow_last), or -1 with errno set. */
static int walk_in_root(int rootfd, const char *path, enum walk_mode mode, mode_t perm,
                        bool nofollow_last)
{
  struct walk w = {0};
  autofree char *pending = xstrdup(path);
  const char *rest = pending;
  char name[NAME_MAX + 2];
  int links = 0, races = 0, result = -1, saved;
  int root = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);

  if (root < 0)
    return -1;
  walk_push(&w, root);
  for (;;) {
    struct stat st;
    bool last;
    int fd;

    if (!next_component(&rest, name, sizeof(name))) {
      result = fcntl(w.dirs[w.depth - 1], F_DUPFD_CLOEXEC, 3);
      break;
    }
    last = only_slashes(rest);
    if (strcmp(name, ".") == 0)
      continue;
    if (strcmp(name, "..") == 0) {
      walk_pop_to(&w, w.depth - 1);
      continue;
    }
    fd = openat(w.dirs[w.depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      int made;
      if (errno != ENOENT || mode == WALK_OPEN)
        break;
      made = create_component(w.dirs[w.depth - 1], name, mode == WALK_MKFILE && last,
                              mode == WALK_MKFILE && !last ? 0755 : perm);
      if (made < 0)
        break;
      if (made == 1 && ++races > MAX_CREATE_RACES) {
        errno = EAGAIN;
        break;
      }
      rest -= strlen(name); /* look the new component up again, by the same rules */
      continue;
    }
    if (fstat(fd, &st) < 0) {
      close(fd);
      break;
    }
    if (S_ISLNK(st.st_mode) && !(last && nofollow_last)) {
      autofree char *target = read_link_fd(fd);
      close(fd);
      if (target == NULL)
        break;
      if (++links > MAX_SYMLINKS) {
        errno = ELOOP;
        break;
      }
      /* An absolute target starts again at the root: it can never reach above it. */
      if (target[0] == '/')
        walk_pop_to(&w, 1);
      char *joined = xasprintf("%s/%s", target, rest);
      free(pending);
      pending = joined;
      rest = pending;
      continue;
    }
    if (last) {
      result = fd;
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      close(fd);
      errno = ENOTDIR;
      break;
    }
    walk_push(&w, fd);
  }
  saved = errno;
  walk_free(&w);
  if (result >= 0 && mode == WALK_MKDIR) {
    struct stat st;
    if (fstat(result, &st) < 0 || !S_ISDIR(st.st_mode)) {
      close(result);
      errno = ENOTDIR;
      return -1;
    }
  }
  errno = saved;
  return result;
}

/* Turns the walker's O_PATH fd into the fd open(2) with flags would have given. */
static int reopen_with_flags(int pathfd, int flags)
{
  char proc[32];
  struct stat st;

  if ((flags & O_DIRECTORY) && (fstat(pathfd, &st) < 0 || !S_ISDIR(st.st_mode))) {
    errno = ENOTDIR;
    return -1;
  }
  if (flags & O_PATH)
    return fcntl(pathfd, F_DUPFD_CLOEXEC, 3);
  if (fstat(pathfd, &st) < 0)
    return -1;
  if (S_ISLNK(st.st_mode)) {
    errno = ELOOP; /* O_NOFOLLOW on a symlink, as open(2) answers */
    return -1;
  }
  /* The magic link reopens exactly the inode the walker verified. */
  return open(fd_path(pathfd, proc, sizeof(proc)), (flags & ~O_NOFOLLOW) | O_CLOEXEC);
}

static int open_by_walking(int rootfd, const char *path, int flags)
{
  autoclose int fd = walk_in_root(rootfd, path, WALK_OPEN, 0, flags & O_NOFOLLOW);

  if (fd < 0)
    return -1;
  return reopen_with_flags(fd, flags);
}

int open_in_root(int rootfd, const char *path, int flags, ocirun_error *err)
{
  int fd = -1;

  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
    error_set(err, EINVAL, "open \"%s\": creating files goes through mkfile_in_root", path);
    return -1;
  }
  for (int i = 0; i < MAX_OPENAT2_RETRIES; i++) {
    fd = sys_openat2(rootfd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0 || errno != EAGAIN)
      break;
  }
  if (fd < 0 && errno == ENOSYS)
    fd = open_by_walking(rootfd, path, flags);
  if (fd < 0) {
    error_set(err, errno, "open \"%s\"", path);
    return -1;
  }
  return fd;
}

int mkdir_in_root(int rootfd, const char *path, mode_t mode, ocirun_error *err)
{
  int fd = walk_in_root(rootfd, path, WALK_MKDIR, mode, false);

  if (fd < 0) {
    error_set(err, errno, "mkdir \"%s\"", path);
    return -1;
  }
  return fd;
}

int mkfile_in_root(int rootfd, const char *path, mode_t mode, ocirun_error *err)
{
  int fd = walk_in_root(rootfd, path, WALK_MKFILE, mode, false);

  if (fd < 0) {
    error_set(err, errno, "create \"%s\"", path);
    return -1;
  }
  return fd;
}

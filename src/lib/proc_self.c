/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "proc_self.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

static bool is_procfs(int fd)
{
  struct statfs st;

  return fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

static int open_proc_root(ocirun_error *err)
{
  /* O_NOFOLLOW: a /proc that is a symlink is opened as the link itself and fails the check. */
  autoclose int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return error_set(err, errno, "open /proc");
  if (!is_procfs(fd))
    return error_set(err, 0, "open /proc: not a procfs mount");
  return steal_fd(fd);
}

static int proc_open_under(const char *dir, const char *name, int flags, ocirun_error *err)
{
  struct open_how how = {
      .flags = (unsigned)(flags | O_CLOEXEC | O_NOCTTY),
      /* "self" is an ordinary symlink inside procfs; only magic links and mount crossings
       * are refused. */
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  autoclose int procfd = open_proc_root(err);
  autoclose int fd = -1;
  char path[256];

  if (procfd < 0)
    return -1;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof(how));
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
    /* No openat2 (or a seccomp filter refusing it): open without following a final
     * symlink and check that what we got still lives on procfs. */
    fd = openat(procfd, path, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd >= 0 && !is_procfs(fd))
      return error_set(err, 0, "open /proc/%s: not on procfs", path);
  }
  if (fd < 0)
    return error_set(err, errno, "open /proc/%s", path);
  return steal_fd(fd);
}

int proc_self_open(const char *name, int flags, ocirun_error *err)
{
  return proc_open_under("self", name, flags, err);
}

int proc_thread_self_open(const char *name, int flags, ocirun_error *err)
{
  return proc_open_under("thread-self", name, flags, err);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "proc_self.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

static bool is_procfs(int fd)
{
  struct statfs st;

  return fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

/* The id of the mount fd lies on: statx (Linux 5.8), else the mnt_id line of its fdinfo (read
 * through procfd, procfs checked); 0 when neither tells. */
static uint64_t mount_id(int procfd, int fd)
{
  struct statx stx;
  char path[64], buf[256];
  autoclose int info = -1;
  ssize_t n;
  const char *line;

  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID))
    return stx.stx_mnt_id;
  snprintf(path, sizeof(path), "thread-self/fdinfo/%d", fd);
  info = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (info < 0 || !is_procfs(info) || (n = read(info, buf, sizeof(buf) - 1)) <= 0)
    return 0;
  buf[n] = '\0';
  line = strstr(buf, "mnt_id:");
  return line ? strtoull(line + 7, NULL, 10) : 0;
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
     * symlink, then check that what we got is on /proc's own mount: a procfs file bound over
     * the entry (CVE-2019-16884 class) is on procfs too, but on another mount. */
    uint64_t want;
    fd = openat(procfd, path, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd >= 0 && !is_procfs(fd))
      return error_set(err, 0, "open /proc/%s: not on procfs", path);
    if (fd >= 0 && ((want = mount_id(procfd, procfd)) == 0 || mount_id(procfd, fd) != want))
      return error_set(err, 0, "open /proc/%s: something is mounted over it", path);
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

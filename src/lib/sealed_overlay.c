/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cheap form of the sealed executable (see sealed_overlay.h): the binary opened through a
 * private read-only overlayfs instead of copied into a memfd.
 *
 * The steps:
 *   1. an empty tmpfs, detached (fsopen/fsmount, never attached anywhere): overlayfs without
 *      an upper layer wants two lower layers, and the binary's directory cannot be both;
 *   2. an overlayfs whose lower layers are the binary's directory over that tmpfs (named
 *      through /proc/self/fd, so nothing appears in any mount table), mounted detached and
 *      read-only;
 *   3. the binary opened inside it.
 * An overlayfs without an upper layer is read-only at the superblock: nothing reaches the
 * file on disk through it, and no one can remount it, since it is attached nowhere. A write
 * through /proc/PID/exe gets EROFS for as long as anyone holds the file. */
#include "sealed_overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "utils.h"

static int detached_mount(const char *type, const char *lowerdir, unsigned int attrs)
{
  autoclose int fsfd = fsopen(type, FSOPEN_CLOEXEC);

  if (fsfd < 0)
    return -1;
  if (lowerdir && fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lowerdir, 0) < 0)
    return -1;
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
}

int sealed_overlay_open(const char *origin, const struct stat *expected)
{
  const unsigned int attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID;
  char dir[PATH_MAX], lowerdir[PATH_MAX + 64];
  autoclose int empty = -1, overlay = -1;
  const char *slash = origin ? strrchr(origin, '/') : NULL;
  const char *name = slash ? slash + 1 : NULL;
  struct stat st;
  int fd;

  /* lowerdir= gives ':' ',' and '\' a meaning: such paths take the memfd copy instead. */
  if (!slash || !*name || strpbrk(origin, ":,\\") || (size_t)(slash - origin) >= sizeof(dir))
    return -1;
  if (slash == origin)
    snprintf(dir, sizeof(dir), "/");
  else
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - origin), origin);

  empty = detached_mount("tmpfs", NULL, MOUNT_ATTR_RDONLY);
  if (empty < 0)
    return -1;
  snprintf(lowerdir, sizeof(lowerdir), "%s:/proc/self/fd/%d", dir, empty);
  overlay = detached_mount("overlay", lowerdir, attrs);
  if (overlay < 0)
    return -1;
  fd = openat(overlay, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  /* The same file as the one running, unless it was replaced meanwhile: then the copy. */
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != expected->st_size ||
      st.st_mtim.tv_sec != expected->st_mtim.tv_sec ||
      st.st_mtim.tv_nsec != expected->st_mtim.tv_nsec || !sealed_overlay_holds(fd)) {
    close(fd);
    return -1;
  }
  return fd;
}

bool sealed_overlay_holds(int fd)
{
  struct statfs sfs;

  return fstatfs(fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC && (sfs.f_flags & ST_RDONLY);
}

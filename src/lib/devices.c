/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device nodes and /dev symlinks; see devices.h. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "ocispec.h"
#include "pathres.h"
#include "utils.h"

struct device_spec {
  const char *path;
  char type; /* c, b, u (unbuffered char), p (fifo) */
  unsigned int major, minor;
  mode_t mode; /* permission bits */
  uid_t uid;
  gid_t gid;
};

/* runc's defaults: every container gets these, whatever the config lists. */
static const struct device_spec default_devices[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};

bool device_is_null(int fd)
{
  struct stat st;

  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

static mode_t file_type_of(char type)
{
  return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

/* /dev itself, opened without following a symlink: a /dev symlink in the image could point
 * at a host directory through a later, less careful step (GHSA-xjvp-4fhw-gc47). */
static int open_dev_dir(int rootfd, ocirun_error *err)
{
  int fd = openat(rootfd, "dev", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0 && errno == ENOENT) {
    if (mkdirat(rootfd, "dev", 0755) < 0 && errno != EEXIST)
      return error_set(err, errno, "mkdir \"/dev\"");
    fd = openat(rootfd, "dev", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0)
    return error_set(err, errno, "open \"/dev\"");
  if (fstat(fd, &st) < 0) {
    close(fd);
    return error_set(err, errno, "stat \"/dev\"");
  }
  if (!S_ISDIR(st.st_mode)) {
    close(fd);
    return error_set(err, 0, "\"/dev\" is %s",
                     S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
  }
  return fd;
}

/* The empty file a host device is bound onto: created with O_EXCL, or an existing
 * non-directory that is not a symlink. */
static int open_bind_target(int parent, const char *name, const char *path, ocirun_error *err)
{
  int fd = openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0);
  struct stat st;

  if (fd >= 0)
    close(fd);
  else if (errno != EEXIST)
    return error_set(err, errno, "create \"%s\"", path);
  fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return error_set(err, errno, "open \"%s\"", path);
  if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
    close(fd);
    return error_set(err, 0, "\"%s\" is not a file a device can be bound onto", path);
  }
  return fd;
}

/* In a user namespace mknod is refused: the host's node is bound onto an empty file. */
static int bind_host_device(const char *root_path, int parent, const char *name,
                            const struct device_spec *d, ocirun_error *err)
{
  autoclose int tree = -1, target = -1;
  struct stat st;
  char rel[PATH_MAX];

  tree = mount_clone(AT_FDCWD, d->path, false, err);
  if (tree < 0)
    return -1;
  if (fstat(tree, &st) < 0)
    return error_set(err, errno, "stat host \"%s\"", d->path);
  if ((st.st_mode & S_IFMT) != file_type_of(d->type))
    return error_set(err, 0, "host \"%s\" is not a device of type '%c'", d->path, d->type);
  target = open_bind_target(parent, name, d->path, err);
  if (target < 0 || mount_move(tree, target, err) < 0)
    return -1;
  return mount_path_in_root(root_path, tree, rel, sizeof(rel), err);
}

/* Checks that name in parent is exactly the node d describes, then sets its mode (the umask
 * changed it) and owner, by fd so that nothing can be swapped in between. */
static int fix_node(int parent, const char *name, const struct device_spec *d, ocirun_error *err)
{
  autoclose int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  char proc[32];

  if (fd < 0)
    return error_set(err, errno, "open \"%s\"", d->path);
  if (fstat(fd, &st) < 0)
    return error_set(err, errno, "stat \"%s\"", d->path);
  if ((st.st_mode & S_IFMT) != file_type_of(d->type) ||
      (d->type != 'p' && st.st_rdev != makedev(d->major, d->minor)))
    return error_set(err, 0, "\"%s\" is not the device %u:%u it was created as", d->path, d->major,
                     d->minor);
  if (chmod(fd_path(fd, proc, sizeof(proc)), d->mode) < 0)
    return error_set(err, errno, "chmod \"%s\"", d->path);
  if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return error_set(err, errno, "chown \"%s\"", d->path);
  return 0;
}

/* The node already there (an image's /dev) stays when it is the same device; anything
 * else under that name is replaced so that, e.g., /dev/null really is 1:3. */
static bool existing_node_matches(int parent, const char *name, const struct device_spec *d)
{
  struct stat st;

  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  return (st.st_mode & S_IFMT) == file_type_of(d->type) &&
         (d->type == 'p' || st.st_rdev == makedev(d->major, d->minor));
}

static int create_device(int rootfd, const char *root_path, const struct device_spec *d,
                         bool in_userns, ocirun_error *err)
{
  autofree char *clean = mount_clean_path(d->path);
  char *slash = strrchr(clean, '/');
  const char *name = slash + 1;
  autoclose int parent = -1;
  dev_t dev = d->type == 'p' ? 0 : makedev(d->major, d->minor);

  if (*name == '\0')
    return error_set(err, 0, "device path \"%s\" names no file", d->path);
  *slash = '\0';
  parent = mkdir_in_root(rootfd, clean[0] ? clean : "/", 0755, err);
  *slash = '/';
  if (parent < 0)
    return -1;
  if (in_userns)
    return bind_host_device(root_path, parent, name, d, err);
  if (mknodat(parent, name, file_type_of(d->type) | d->mode, dev) < 0) {
    if (errno == EPERM)
      return bind_host_device(root_path, parent, name, d, err);
    if (errno != EEXIST)
      return error_set(err, errno, "mknod \"%s\"", d->path);
    if (existing_node_matches(parent, name, d))
      return fix_node(parent, name, d, err);
    if (unlinkat(parent, name, 0) < 0)
      return error_set(err, errno, "replace \"%s\"", d->path);
    if (mknodat(parent, name, file_type_of(d->type) | d->mode, dev) < 0)
      return error_set(err, errno, "mknod \"%s\"", d->path);
  }
  return fix_node(parent, name, d, err);
}

static bool listed_in_config(const oci_config *config, const char *path)
{
  const oci_linux *l = config->linux;

  for (size_t i = 0; l && i < l->devices_len; i++)
    if (l->devices[i]->path && strcmp(l->devices[i]->path, path) == 0)
      return true;
  return false;
}

static int create_devices(int rootfd, const char *root_path, const oci_config *config,
                          bool in_userns, ocirun_error *err)
{
  const oci_linux *l = config->linux;

  for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
    if (listed_in_config(config, default_devices[i].path))
      continue;
    if (create_device(rootfd, root_path, &default_devices[i], in_userns, err) < 0)
      return -1;
  }
  for (size_t i = 0; l && i < l->devices_len; i++) {
    const oci_device *c = l->devices[i];
    autofree char *clean = NULL;
    struct device_spec d = {
        .path = c->path,
        .type = c->type ? c->type[0] : 'c',
        .major = (unsigned int)c->major,
        .minor = (unsigned int)c->minor,
        .mode = c->has_fileMode ? (mode_t)(c->fileMode & 07777) : 0666,
        .uid = c->has_uid ? (uid_t)c->uid : 0,
        .gid = c->has_gid ? (gid_t)c->gid : 0,
    };
    if (c->path == NULL)
      continue;
    clean = mount_clean_path(c->path);
    if (strcmp(clean, "/dev/ptmx") == 0)
      continue; /* always the pts/ptmx symlink, so ptys come from the container's devpts */
    if (create_device(rootfd, root_path, &d, in_userns, err) < 0)
      return -1;
  }
  return 0;
}

static int create_symlinks(int devfd, ocirun_error *err)
{
  static const char *const links[][2] = {
      {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},         {"/proc/kcore", "core"},
  };

  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
    /* kcore depends on CONFIG_PROC_KCORE: link it only when the host has it. */
    if (strcmp(links[i][1], "core") == 0 && access("/proc/kcore", F_OK) < 0)
      continue;
    if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
      return error_set(err, errno, "symlink \"/dev/%s\"", links[i][1]);
  }
  return 0;
}

int devices_setup(int rootfd, const char *root_path, const struct oci_config *config,
                  bool in_userns, ocirun_error *err)
{
  autoclose int devfd = open_dev_dir(rootfd, err);

  if (devfd < 0)
    return -1;
  if (create_devices(rootfd, root_path, config, in_userns, err) < 0)
    return error_prefix(err, "creating device nodes");
  if (create_symlinks(devfd, err) < 0)
    return error_prefix(err, "creating /dev symlinks");
  return 0;
}

/* A pty opened in another mount namespace (the parent's) cannot be cloned from its fd. The
 * same node reached through this namespace's copy of the host's /dev/pts can: the path the
 * kernel reports for the fd, accepted only when it is the very same inode. */
static int clone_pty(int console_fd, ocirun_error *err)
{
  char proc[32], path[PATH_MAX];
  struct stat want, got;
  autoclose int fd = -1;
  ssize_t n;
  int tree = mount_clone(console_fd, "", false, err);

  if (tree >= 0 || err->errnum != EINVAL)
    return tree;
  n = readlink(fd_path(console_fd, proc, sizeof(proc)), path, sizeof(path) - 1);
  if (n < 0 || fstat(console_fd, &want) < 0)
    return -1;
  path[n] = '\0';
  fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &got) < 0 || !S_ISCHR(got.st_mode) || got.st_rdev != want.st_rdev ||
      got.st_dev != want.st_dev || got.st_ino != want.st_ino)
    return -1; /* err still says why the clone of the fd failed */
  error_clear(err);
  return mount_clone(fd, "", false, err);
}

int devices_setup_console(int rootfd, int console_fd, ocirun_error *err)
{
  autoclose int devfd = open_dev_dir(rootfd, err);
  autoclose int tree = -1, target = -1;

  if (devfd < 0)
    return error_prefix(err, "console");
  /* From the pty's own fd: a path under /dev/pts would be the container's to choose. */
  tree = clone_pty(console_fd, err);
  if (tree < 0)
    return error_prefix(err, "bind the console");
  target = open_bind_target(devfd, "console", "/dev/console", err);
  if (target < 0 || mount_move(tree, target, err) < 0)
    return error_prefix(err, "bind the console onto \"/dev/console\"");
  return 0;
}

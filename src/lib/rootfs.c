/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view, in the order runc builds it:
 *   rootfs_mount_all  "/" rslave (or linux.rootfsPropagation), the rootfs bound onto itself,
 *                     every config mount, /dev, the console, deferred read-only flags;
 *   rootfs_pivot      pivot_root(".", ".") and the old root detached (or MS_MOVE + chroot);
 *   rootfs_finalize   propagation of "/", sysctls, readonlyPaths, maskedPaths, root.readonly.
 * Every path inside the rootfs is resolved by fd (pathres.c) and mounted by fd (mounts.c). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices.h"
#include "lsm.h"
#include "mounts.h"
#include "pathres.h"
#include "utils.h"

/* Only the root directory of a procfs has this inode number. */
#define PROC_ROOT_INO 1

/* A detached bind of a verified /dev/null, made while the host's /dev is still reachable
 * (before pivot_root) for maskedPaths; -1 when masking falls back to the container's own
 * (verified) /dev/null. The init process is single-threaded and builds one rootfs. */
static int masking_devnull = -1;

static const char *namespace_path(const oci_config *config, const char *type, bool *present)
{
  const oci_linux *l = config->linux;

  *present = false;
  for (size_t i = 0; l && i < l->namespaces_len; i++) {
    if (l->namespaces[i]->type && strcmp(l->namespaces[i]->type, type) == 0) {
      *present = true;
      return l->namespaces[i]->path;
    }
  }
  return NULL;
}

static bool has_namespace(const oci_config *config, const char *type)
{
  bool present;

  namespace_path(config, type, &present);
  return present;
}

static unsigned long root_propagation(const oci_config *config)
{
  const char *p = config->linux ? config->linux->rootfsPropagation : NULL;

  return p && p[0] ? mount_propagation_flag(p) : 0;
}

/* ---- rootfs_mount_all ---------------------------------------------------------------- */

/* Nothing done in this namespace may propagate back to the host: "/" becomes rslave (or
 * what rootfsPropagation says), the mount holding the rootfs private or slave (pivot_root
 * refuses a shared parent), then the rootfs is bound onto itself so it is a mount point. */
static int prepare_root(const struct rootfs_ctx *ctx, ocirun_error *err)
{
  unsigned long wanted = root_propagation(ctx->config);
  unsigned long parent_flag;
  autofree char *path = xstrdup(ctx->rootfs);

  if (mount(NULL, "/", NULL, wanted ? wanted : MS_SLAVE | MS_REC, NULL) < 0)
    return error_set(err, errno, "set propagation of \"/\"");
  parent_flag = (wanted & MS_SLAVE) ? MS_SLAVE : MS_PRIVATE;
  for (;;) {
    char *slash;
    if (mount(NULL, path, NULL, parent_flag, NULL) == 0)
      break;
    /* EINVAL: not a mount point; try the directory above it. */
    if (errno != EINVAL || strcmp(path, "/") == 0)
      return error_set(err, errno, "set propagation of \"%s\"", path);
    slash = strrchr(path, '/');
    if (slash == path)
      slash[1] = '\0';
    else
      *slash = '\0';
  }
  if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return error_set(err, errno, "bind the rootfs \"%s\" onto itself", ctx->rootfs);
  return 0;
}

/* A config bind on /dev brings its own /dev: runc then creates no devices. */
static bool config_provides_dev(const oci_config *config)
{
  for (size_t i = 0; i < config->mounts_len; i++) {
    const oci_mount *m = config->mounts[i];
    struct mount_options opts;
    autofree char *clean = NULL;
    bool bind;

    if (m->destination == NULL || mount_options_parse(m->options, m->options_len, &opts, NULL))
      continue;
    bind = mount_is_bind(m, &opts);
    mount_options_free(&opts);
    clean = mount_clean_path(m->destination);
    if (bind && strcmp(clean, "/dev") == 0)
      return true;
  }
  return false;
}

static int readlink_fd(int fd, char *buf, size_t len, ocirun_error *err)
{
  char proc[32];
  ssize_t n = readlink(fd_path(fd, proc, sizeof(proc)), buf, len - 1);

  if (n < 0)
    return error_set(err, errno, "readlink %s", proc);
  buf[n] = '\0';
  return 0;
}

/* Clones the host's /dev/null for maskedPaths before pivot_root hides it. The parent's fd
 * lives in another mount namespace and cannot be cloned here; the same inode reached through
 * this namespace's (still the host's) /dev can. */
static void prepare_masking_devnull(const struct rootfs_ctx *ctx)
{
  const oci_linux *l = ctx->config->linux;
  autoclose int fd = -1;
  struct stat want, got;

  if (l == NULL || l->maskedPaths_len == 0 || ctx->host_devnull < 0)
    return;
  if (!device_is_null(ctx->host_devnull) || fstat(ctx->host_devnull, &want) < 0)
    return;
  masking_devnull =
      open_tree(ctx->host_devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (masking_devnull >= 0)
    return;
  fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino ||
      !device_is_null(fd))
    return;
  masking_devnull = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
}

/* A mount whose content depends on the cgroups the init is in: cgroup2, shown from the root
 * of the init's cgroup namespace, and cgroup v1 mounted from mountinfo (afresh in the
 * namespace, or a bind of the init's own cgroups). The host directories the runtime's parent
 * named (cgroup_v1_views) are bound whatever the init's cgroups are. */
static bool needs_cgroups(const struct rootfs_ctx *ctx, const oci_mount *m)
{
  if (m->type == NULL)
    return false;
  if (strcmp(m->type, "cgroup2") == 0)
    return true;
  return strcmp(m->type, "cgroup") == 0 && ctx->ncgroup_views == 0;
}

static int enter_cgroups_once(const struct rootfs_ctx *ctx, bool *entered, ocirun_error *err)
{
  if (*entered || ctx->enter_cgroups == NULL)
    return 0;
  *entered = true;
  return ctx->enter_cgroups(ctx->enter_cgroups_arg, err);
}

static int mount_config_list(const struct rootfs_ctx *ctx, const struct mount_env *env,
                             int *deferred, bool *entered, ocirun_error *err)
{
  const oci_config *config = ctx->config;

  for (size_t i = 0; i < config->mounts_len; i++) {
    struct mount_env one = *env;
    if (ctx->idmapped_trees && ctx->idmapped_trees[i] >= 0)
      one.idmapped_tree = &ctx->idmapped_trees[i];
    if (needs_cgroups(ctx, config->mounts[i]) && enter_cgroups_once(ctx, entered, err) < 0)
      return -1;
    if (mount_config_entry(&one, config->mounts[i], &deferred[i], err) < 0)
      return -1;
  }
  return 0;
}

int rootfs_mount_all(const struct rootfs_ctx *ctx, ocirun_error *err)
{
  const oci_config *config = ctx->config;
  autoclose int rootfd = -1;
  autofree int *deferred = NULL;
  char root_path[PATH_MAX];
  struct mount_env env;
  bool entered = false;
  int rc = 0;

  if (prepare_root(ctx, err) < 0)
    return -1;
  rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return error_set(err, errno, "open the rootfs \"%s\"", ctx->rootfs);
  if (readlink_fd(rootfd, root_path, sizeof(root_path), err) < 0)
    return -1;
  env = (struct mount_env){
      .rootfd = rootfd,
      .root_path = root_path,
      .bundle = ctx->bundle,
      .cgroupns = has_namespace(config, "cgroup"),
      .userns = ctx->in_userns,
      .mount_label = config->linux ? config->linux->mountLabel : NULL,
      .cgroup_views = ctx->cgroup_views,
      .ncgroup_views = ctx->ncgroup_views,
  };
  deferred = xcalloc(config->mounts_len + 1, sizeof(int));
  for (size_t i = 0; i <= config->mounts_len; i++)
    deferred[i] = -1;

  rc = mount_config_list(ctx, &env, deferred, &entered, err);
  if (rc == 0 && !config_provides_dev(config))
    rc = devices_setup(rootfd, root_path, config, ctx->in_userns, err);
  if (rc == 0 && ctx->console_fd >= 0)
    rc = devices_setup_console(rootfd, ctx->console_fd, err);
  /* Only now that everything inside them exists do read-only tmpfs and /dev become so. */
  for (size_t i = 0; i < config->mounts_len; i++) {
    if (deferred[i] < 0)
      continue;
    if (rc == 0 && mount_make_readonly(deferred[i], false, err) < 0)
      rc = error_prefix(err, "make \"%s\" read-only", config->mounts[i]->destination);
    close(deferred[i]);
  }
  if (rc == 0)
    prepare_masking_devnull(ctx);
  /* At the latest before the createContainer hooks, the first processes the init makes. */
  if (rc == 0)
    rc = enter_cgroups_once(ctx, &entered, err);
  return rc;
}

/* ---- rootfs_pivot ------------------------------------------------------------------ */

/* Without pivot_root the host's mounts stay reachable in this namespace; a full proc or
 * sysfs among them would let the container mount a fresh one (the kernel allows that when a
 * full instance is visible). Like runc: detach them, or cover them when that is refused. */
static int hide_host_proc_and_sys(const char *root_path, ocirun_error *err)
{
  autofree char *text = NULL;
  char *save = NULL;
  size_t rootlen = strlen(root_path);

  if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL, err) < 0)
    return -1;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char root[PATH_MAX], point[PATH_MAX], fstype[64];
    const char *sep = strstr(line, " - ");
    if (sep == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2 ||
        sscanf(sep + 3, "%63s", fstype) != 1)
      continue;
    if (strcmp(root, "/") != 0 || (strcmp(fstype, "proc") != 0 && strcmp(fstype, "sysfs") != 0))
      continue;
    if (strncmp(point, root_path, rootlen) == 0 && (point[rootlen] == '/' || !point[rootlen]))
      continue;
    if (mount(NULL, point, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
      if (errno == ENOENT)
        continue; /* under something already detached */
      return error_set(err, errno, "make \"%s\" rslave", point);
    }
    if (umount2(point, MNT_DETACH) == 0)
      continue;
    if (errno != EINVAL && errno != EPERM)
      return error_set(err, errno, "unmount \"%s\"", point);
    if (mount("tmpfs", point, "tmpfs", 0, NULL) < 0)
      return error_set(err, errno, "cover \"%s\"", point);
  }
  return 0;
}

static int move_root(int rootfd, ocirun_error *err)
{
  char root_path[PATH_MAX];

  if (readlink_fd(rootfd, root_path, sizeof(root_path), err) < 0 ||
      hide_host_proc_and_sys(root_path, err) < 0)
    return -1;
  if (mount(root_path, "/", NULL, MS_MOVE, NULL) < 0)
    return error_set(err, errno, "move the rootfs onto \"/\"");
  if (chroot(".") < 0)
    return error_set(err, errno, "chroot");
  if (chdir("/") < 0)
    return error_set(err, errno, "chdir \"/\"");
  return 0;
}

int rootfs_pivot(const struct rootfs_ctx *ctx, ocirun_error *err)
{
  autoclose int rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  autoclose int oldroot = -1;

  if (rootfd < 0)
    return error_set(err, errno, "open the rootfs \"%s\"", ctx->rootfs);
  if (fchdir(rootfd) < 0)
    return error_set(err, errno, "chdir \"%s\"", ctx->rootfs);
  if (ctx->no_pivot)
    return move_root(rootfd, err);
  oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return error_set(err, errno, "open \"/\"");
  /* pivot_root(".", ".") stacks the old root under the new one at the same place: no
   * directory for it is needed inside the rootfs. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return error_set(err, errno, "pivot_root");
  if (fchdir(oldroot) < 0)
    return error_set(err, errno, "chdir to the old root");
  /* rslave first, so that unmounting the old root does not propagate to the host. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return error_set(err, errno, "make the old root rslave");
  if (umount2(".", MNT_DETACH) < 0)
    return error_set(err, errno, "detach the old root");
  if (chdir("/") < 0)
    return error_set(err, errno, "chdir \"/\"");
  return 0;
}

/* ---- rootfs_finalize --------------------------------------------------------------- */

/* The runtime's own handle on /proc for writing: the root of a real procfs, not something
 * the image or a mount put in its place. */
static int open_verified_proc(int rootfd, ocirun_error *err)
{
  autoclose int fd = open_in_root(rootfd, "/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW, err);
  struct statfs sf;
  struct stat st;

  if (fd < 0)
    return -1;
  if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
    return error_set(err, errno, "stat \"/proc\"");
  if (sf.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
    return error_set(err, 0, "\"/proc\" is not the root of a procfs");
  return steal_fd(fd);
}

/* "net.ipv4.ip_forward" → "net/ipv4/ip_forward"; a key already written with slashes
 * ("net/ipv4/conf/eth0.100/forwarding") is a path as it is. */
static char *sysctl_path(const char *key)
{
  char *path = xasprintf("sys/%s", key);

  if (strchr(key, '/') == NULL)
    for (char *p = path; *p; p++)
      if (*p == '.')
        *p = '/';
  return path;
}

static int write_sysctl(int procfd, const char *key, const char *value, ocirun_error *err)
{
  autofree char *path = sysctl_path(key);
  struct open_how how = {
      .flags = O_WRONLY | O_TRUNC | O_CLOEXEC,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  autoclose int fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof(how));

  if (fd < 0 && errno == ENOSYS)
    fd = openat(procfd, path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return error_set(err, errno, "open sysctl \"%s\"", key);
  if (write_all(fd, value, strlen(value)) < 0)
    return error_set(err, errno, "write sysctl \"%s\" = \"%s\"", key, value);
  return 0;
}

static int apply_sysctls(int rootfd, const oci_config *config, ocirun_error *err)
{
  const oci_string_map *s = config->linux ? config->linux->sysctl : NULL;
  autoclose int procfd = -1;

  if (s == NULL || s->len == 0)
    return 0;
  procfd = open_verified_proc(rootfd, err);
  if (procfd < 0)
    return error_prefix(err, "sysctl");
  for (size_t i = 0; i < s->len; i++)
    if (write_sysctl(procfd, s->keys[i], s->values[i], err) < 0)
      return -1;
  return 0;
}

/* A path listed in maskedPaths or readonlyPaths that the image does not have is skipped. */
static bool is_absent(const ocirun_error *err)
{
  return err->errnum == ENOENT || err->errnum == ENOTDIR;
}

static int make_paths_readonly(int rootfd, const oci_linux *l, ocirun_error *err)
{
  for (size_t i = 0; l && i < l->readonlyPaths_len; i++) {
    const char *path = l->readonlyPaths[i];
    autoclose int fd = open_in_root(rootfd, path, O_PATH, err);
    autoclose int tree = -1;

    if (fd < 0 && is_absent(err)) {
      error_clear(err);
      continue;
    }
    if (fd < 0)
      return error_prefix(err, "readonly path");
    /* A recursive bind of the path onto itself, read-only before it is attached: the
     * attribute change keeps nosuid/nodev/noexec and whatever a user namespace locked. */
    tree = mount_clone(fd, "", true, err);
    if (tree < 0 || mount_make_readonly(tree, true, err) < 0 || mount_move(tree, fd, err) < 0)
      return error_prefix(err, "make \"%s\" read-only", path);
  }
  return 0;
}

/* One detached mount covers the first masked path of its kind; the others get clones of
 * it, taken once it is attached in this namespace. */
struct mask_source {
  int fd;
  bool attached;
};

static int cover_with(struct mask_source *src, int target, ocirun_error *err)
{
  autoclose int clone = -1;

  if (!src->attached) {
    if (mount_move(src->fd, target, err) < 0)
      return -1;
    src->attached = true;
    return 0;
  }
  clone = mount_clone(src->fd, "", false, err);
  if (clone < 0)
    return -1;
  return mount_move(clone, target, err);
}

/* The null device that covers masked files: the host's, cloned before pivot_root, or else
 * the container's /dev/null once fstat on our own fd proved it is 1:3 (it may be a symlink
 * to a procfs file, CVE-2025-31133). */
static int null_for_masking(int rootfd, ocirun_error *err)
{
  autoclose int fd = -1;

  if (masking_devnull >= 0)
    return steal_fd(masking_devnull);
  fd = open_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, err);
  if (fd < 0)
    return -1;
  if (!device_is_null(fd))
    return error_set(err, 0, "the container's /dev/null is not the null device 1:3");
  return mount_clone(fd, "", false, err);
}

static void mask_source_close(struct mask_source *src)
{
  if (src->fd >= 0)
    close(src->fd);
}

#define automask __attribute__((cleanup(mask_source_close)))

static int mask_one(int rootfd, const char *path, const char *mount_label,
                    struct mask_source *null_src, struct mask_source *dir_src, ocirun_error *err)
{
  autoclose int fd = open_in_root(rootfd, path, O_PATH, err);
  struct stat st;

  if (fd < 0 && is_absent(err)) {
    error_clear(err);
    return 0;
  }
  if (fd < 0 || fstat(fd, &st) < 0)
    return fd < 0 ? -1 : error_set(err, errno, "stat \"%s\"", path);
  if (S_ISDIR(st.st_mode)) {
    if (dir_src->fd < 0) {
      /* Some kernels refuse nr_inodes=1 for tmpfs; 2 is as good. The tmpfs carries
       * linux.mountLabel like the config's own, as runc's does. */
      autofree char *one = lsm_mount_data("nr_blocks=1,nr_inodes=1", mount_label);
      autofree char *two = lsm_mount_data("nr_blocks=1,nr_inodes=2", mount_label);

      dir_src->fd =
          mount_new_fs("tmpfs", "tmpfs", one ? one : "nr_blocks=1,nr_inodes=1", MS_RDONLY, err);
      if (dir_src->fd < 0)
        dir_src->fd =
            mount_new_fs("tmpfs", "tmpfs", two ? two : "nr_blocks=1,nr_inodes=2", MS_RDONLY, err);
      if (dir_src->fd < 0)
        return -1;
    }
    return cover_with(dir_src, fd, err);
  }
  if (null_src->fd < 0 && (null_src->fd = null_for_masking(rootfd, err)) < 0)
    return -1;
  return cover_with(null_src, fd, err);
}

static int mask_paths(int rootfd, const oci_linux *l, ocirun_error *err)
{
  automask struct mask_source null_src = {.fd = -1}, dir_src = {.fd = -1};

  for (size_t i = 0; l && i < l->maskedPaths_len; i++)
    if (mask_one(rootfd, l->maskedPaths[i], l->mountLabel, &null_src, &dir_src, err) < 0)
      return error_prefix(err, "mask \"%s\"", l->maskedPaths[i]);
  return 0;
}

int rootfs_finalize(const struct rootfs_ctx *ctx, ocirun_error *err)
{
  const oci_config *config = ctx->config;
  unsigned long propagation = root_propagation(config);
  autoclose int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int rc = 0;

  if (rootfd < 0)
    rc = error_set(err, errno, "open \"/\"");
  /* Private and slave were set before the pivot; shared or unbindable only make sense for
   * the new "/", or they would have reached the host's root. */
  if (rc == 0 && propagation && !(propagation & (MS_PRIVATE | MS_SLAVE)) &&
      mount(NULL, "/", NULL, propagation, NULL) < 0)
    rc = error_set(err, errno, "set propagation of \"/\"");
  if (rc == 0)
    rc = apply_sysctls(rootfd, config, err);
  if (rc == 0)
    rc = make_paths_readonly(rootfd, config->linux, err);
  if (rc == 0)
    rc = mask_paths(rootfd, config->linux, err);
  if (rc == 0 && config->root && config->root->readonly &&
      mount_make_readonly(rootfd, false, err) < 0)
    rc = error_prefix(err, "make \"/\" read-only");
  if (masking_devnull >= 0) {
    close(masking_devnull);
    masking_devnull = -1;
  }
  return rc;
}

/* ---- rootfs_validate --------------------------------------------------------------- */

static int validate_mount(const oci_mount *m, size_t i, ocirun_error *err)
{
  struct mount_options opts;
  bool bind;

  /* idmap, ridmap and mount mappings are checked by idmapped_validate. */
  if (m->destination == NULL || m->destination[0] == '\0')
    return error_set(err, 0, "config.json: mounts[%zu].destination: required field missing", i);
  if (mount_options_parse(m->options, m->options_len, &opts, err) < 0)
    return error_prefix(err, "config.json: mounts[%zu].options", i);
  /* Filesystem data on a bind mount is ignored, as the kernel and runc ignore it. */
  bind = mount_is_bind(m, &opts);
  mount_options_free(&opts);
  if (bind && (m->source == NULL || m->source[0] == '\0'))
    return error_set(err, 0, "config.json: mounts[%zu].source: a bind mount needs a source", i);
  if (!bind && (m->type == NULL || m->type[0] == '\0'))
    return error_set(err, 0,
                     "config.json: mounts[%zu].type: required for a mount that is not "
                     "a bind mount",
                     i);
  return 0;
}

static int validate_device(const oci_device *d, size_t i, ocirun_error *err)
{
  if (d->type == NULL || strlen(d->type) != 1 || strchr("cbup", d->type[0]) == NULL)
    return error_set(err, 0, "config.json: linux.devices[%zu].type: unknown device type \"%s\"", i,
                     d->type ? d->type : "");
  if (d->path == NULL || d->path[0] != '/')
    return error_set(err, 0, "config.json: linux.devices[%zu].path: \"%s\" is not absolute", i,
                     d->path ? d->path : "");
  if (d->type[0] != 'p' && (!d->has_major || !d->has_minor))
    return error_set(err, 0,
                     "config.json: linux.devices[%zu]: major and minor are required for type "
                     "\"%s\"",
                     i, d->type);
  if ((d->has_major && (d->major < 0 || d->major > 0xfff)) ||
      (d->has_minor && (d->minor < 0 || d->minor > 0xfffff)))
    return error_set(err, 0, "config.json: linux.devices[%zu]: device number out of range", i);
  return 0;
}

/* A net namespace joined by a path may be the host's own, where sysctls are not private. */
static bool is_host_netns(const char *path)
{
  struct stat a, b;

  return stat("/proc/self/ns/net", &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

/* runc's rule: "net/ipv4/conf/eth0.100/x" is compared as "net.ipv4.conf.eth0/100.x". */
static char *sysctl_dotted(const char *key)
{
  char *out = xstrdup(key);
  size_t first = strcspn(key, "./");

  if (key[first] == '/')
    for (char *p = out; *p; p++)
      *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
  return out;
}

static int validate_sysctl(const oci_config *config, const char *key, ocirun_error *err)
{
  static const char *const ipc_keys[] = {
      "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
      "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
  };
  autofree char *k = sysctl_dotted(key);
  bool present;

  for (const char *const *p = ipc_keys; *p; p++)
    if (strcmp(k, *p) == 0)
      goto ipc;
  if (has_prefix(k, "fs.mqueue."))
    goto ipc;
  if (has_prefix(k, "net.")) {
    const char *path = namespace_path(config, "network", &present);
    if (!present || (path && is_host_netns(path)))
      return error_set(err, 0,
                       "config.json: linux.sysctl: sysctl \"%s\" not allowed in host "
                       "network namespace",
                       k);
    return 0;
  }
  if (has_namespace(config, "uts") && strcmp(k, "kernel.domainname") == 0)
    return 0;
  if (has_namespace(config, "uts") && strcmp(k, "kernel.hostname") == 0)
    return error_set(err, 0,
                     "config.json: linux.sysctl: sysctl \"%s\" is not allowed as it "
                     "conflicts with the OCI \"hostname\" field",
                     k);
  if (has_prefix(k, "user.")) {
    if (has_namespace(config, "user"))
      return 0;
    return error_set(err, 0,
                     "config.json: linux.sysctl: setting ucounts without a user "
                     "namespace not allowed: %s",
                     k);
  }
  return error_set(err, 0,
                   "config.json: linux.sysctl: sysctl \"%s\" is not in a separate kernel "
                   "namespace",
                   k);
ipc:
  if (!has_namespace(config, "ipc"))
    return error_set(err, 0,
                     "config.json: linux.sysctl: sysctl \"%s\" is not allowed in the "
                     "hosts ipc namespace",
                     k);
  return 0;
}

static bool bad_sysctl_key(const char *key)
{
  autofree char *copy = xstrdup(key);
  char *save = NULL;

  if (key[0] == '\0' || key[0] == '/' || key[0] == '.')
    return true;
  for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
    if (strcmp(c, "..") == 0)
      return true;
  return false;
}

int rootfs_validate(const oci_config *config, ocirun_error *err)
{
  const oci_linux *l = config->linux;

  for (size_t i = 0; i < config->mounts_len; i++)
    if (validate_mount(config->mounts[i], i, err) < 0)
      return -1;
  for (size_t i = 0; l && i < l->devices_len; i++)
    if (validate_device(l->devices[i], i, err) < 0)
      return -1;
  if (l && l->rootfsPropagation && l->rootfsPropagation[0] &&
      mount_propagation_flag(l->rootfsPropagation) == 0)
    return error_set(err, 0, "config.json: linux.rootfsPropagation: unknown value \"%s\"",
                     l->rootfsPropagation);
  for (size_t i = 0; l && l->sysctl && i < l->sysctl->len; i++) {
    if (bad_sysctl_key(l->sysctl->keys[i]))
      return error_set(err, 0, "config.json: linux.sysctl: invalid key \"%s\"", l->sysctl->keys[i]);
    if (validate_sysctl(config, l->sysctl->keys[i], err) < 0)
      return -1;
  }
  return 0;
}

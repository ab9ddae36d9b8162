/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs_mount_all → rootfs_pivot → rootfs_finalize on a real bundle, as root, in forked
 * children with their own mount (and ipc, net, uts) namespaces; then the same attacks the
 * threat model names: a /dev symlink, a /dev/null that is a symlink to a procfs file.
 * rootfs_validate's messages are checked without any namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process_test.h"
#include "rootfs.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202 /* not in <linux/magic.h> */
#endif

/* ---- building configs -------------------------------------------------------------- */

static oci_mount *mnt(const char *dest, const char *type, const char *src, const char *csv)
{
  oci_mount *m = calloc(1, sizeof(*m));
  char *copy = strdup(csv), *save = NULL;

  m->destination = strdup(dest);
  m->type = type ? strdup(type) : NULL;
  m->source = src ? strdup(src) : NULL;
  m->options = calloc(16, sizeof(char *));
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    m->options[m->options_len++] = strdup(t);
  free(copy);
  return m;
}

static oci_namespace *ns(const char *type)
{
  oci_namespace *n = calloc(1, sizeof(*n));

  n->type = strdup(type);
  return n;
}

static oci_config *new_config(void)
{
  oci_config *c = calloc(1, sizeof(*c));

  c->root = calloc(1, sizeof(*c->root));
  c->root->path = strdup("rootfs");
  c->linux = calloc(1, sizeof(*c->linux));
  c->mounts = calloc(32, sizeof(oci_mount *));
  c->linux->namespaces = calloc(8, sizeof(oci_namespace *));
  return c;
}

static void add_mount(oci_config *c, oci_mount *m)
{
  c->mounts[c->mounts_len++] = m;
}

static void add_ns(oci_config *c, const char *type)
{
  c->linux->namespaces[c->linux->namespaces_len++] = ns(type);
}

static char **strv(const char *csv, size_t *len)
{
  char **v = calloc(16, sizeof(char *)), *copy = strdup(csv), *save = NULL;

  *len = 0;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    v[(*len)++] = strdup(t);
  free(copy);
  return v;
}

static void set_sysctl(oci_config *c, const char *key, const char *value)
{
  oci_string_map *s = c->linux->sysctl;

  if (s == NULL) {
    s = c->linux->sysctl = calloc(1, sizeof(*s));
    s->keys = calloc(8, sizeof(char *));
    s->values = calloc(8, sizeof(char *));
  }
  s->keys[s->len] = strdup(key);
  s->values[s->len++] = strdup(value);
}

static void add_device(oci_config *c, const char *type, const char *path, int major, int minor,
                       int mode, int uid)
{
  oci_linux *l = c->linux;
  oci_device *d = calloc(1, sizeof(*d));

  if (l->devices == NULL)
    l->devices = calloc(8, sizeof(oci_device *));
  d->type = strdup(type);
  d->path = strdup(path);
  d->major = major;
  d->has_major = true;
  d->minor = minor;
  d->has_minor = true;
  if (mode >= 0) {
    d->fileMode = (uint64_t)mode;
    d->has_fileMode = true;
  }
  if (uid >= 0) {
    d->uid = d->gid = (uint64_t)uid;
    d->has_uid = d->has_gid = true;
  }
  l->devices[l->devices_len++] = d;
}

/* The configuration `runc spec` would write, plus a little of everything. */
static oci_config *full_config(void)
{
  oci_config *c = new_config();

  add_mount(c, mnt("/proc", "proc", "proc", "nosuid,noexec,nodev"));
  add_mount(c, mnt("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
  add_mount(c, mnt("/dev/pts", "devpts", "devpts",
                   "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
  add_mount(c, mnt("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
  add_mount(c, mnt("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
  add_mount(c, mnt("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
  add_mount(c, mnt("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"));
  add_mount(c, mnt("/hostile", "bind", "data", "rbind,ro"));
  add_mount(c, mnt("/run", "tmpfs", "tmpfs", "ro,size=1m"));
  add_mount(c, mnt("/run/inner", "bind", "data", "bind"));
  add_ns(c, "mount");
  add_ns(c, "ipc");
  add_ns(c, "network");
  add_ns(c, "uts");
  add_device(c, "c", "/dev/fuse", 10, 229, 0600, 1000);
  add_device(c, "c", "/dev/net/tun", 10, 200, -1, -1);
  c->linux->maskedPaths =
      strv("/proc/kcore,/proc/acpi,/proc/timer_list,/proc/keys,/sys/firmware,/proc/nonexistent/x",
           &c->linux->maskedPaths_len);
  c->linux->readonlyPaths =
      strv("/proc/sys,/proc/sysrq-trigger,/proc/nonexistent", &c->linux->readonlyPaths_len);
  set_sysctl(c, "kernel.shmmax", "123456789");
  set_sysctl(c, "net.ipv4.ip_forward", "1");
  c->root->readonly = true;
  c->root->has_readonly = true;
  return c;
}

/* ---- the bundle ---------------------------------------------------------------------- */

static char base[64];
static char rootfs[128];

static void sh(const char *fmt)
{
  char cmd[1024];

  snprintf(cmd, sizeof(cmd), fmt, base, base, base, base, base, base);
  if (system(cmd) != 0) {
    fprintf(stderr, "setup failed: %s\n", cmd);
    exit(2);
  }
}

static bool is_fs(const char *path, long magic)
{
  struct statfs sf;

  return statfs(path, &sf) == 0 && sf.f_type == magic;
}

static bool is_readonly(const char *path)
{
  struct statvfs sv;

  return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static bool is_chr(const char *path, unsigned int major, unsigned int minor, mode_t mode)
{
  struct stat st;

  return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(major, minor) &&
         (st.st_mode & 07777) == mode;
}

static bool link_is(const char *path, const char *target)
{
  char buf[256];
  ssize_t n = readlink(path, buf, sizeof(buf) - 1);

  if (n < 0)
    return false;
  buf[n] = '\0';
  return strcmp(buf, target) == 0;
}

static bool file_has(const char *path, const char *text)
{
  char buf[256] = {0};
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

  if (fd >= 0)
    close(fd);
  return n > 0 && strncmp(buf, text, strlen(text)) == 0;
}

static void check_container_view(bool pivoted)
{
  struct stat st;
  char cwd[PATH_MAX];
  int fd;

  CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "cwd is \"/\"");
  CHECK(access("/marker", F_OK) == 0, "the rootfs is \"/\" (%s)", pivoted ? "pivot" : "move");
  CHECK(access(base, F_OK) < 0, "the host's directories are out of reach");
  CHECK(is_fs("/proc", PROC_SUPER_MAGIC), "proc on /proc");
  CHECK(is_fs("/dev", TMPFS_MAGIC) && !is_readonly("/dev"), "/dev is a writable tmpfs");
  CHECK(is_chr("/dev/null", 1, 3, 0666) && is_chr("/dev/zero", 1, 5, 0666) &&
            is_chr("/dev/full", 1, 7, 0666) && is_chr("/dev/random", 1, 8, 0666) &&
            is_chr("/dev/urandom", 1, 9, 0666) && is_chr("/dev/tty", 5, 0, 0666),
        "default devices, mode 0666");
  CHECK(is_chr("/dev/fuse", 10, 229, 0600) && stat("/dev/fuse", &st) == 0 && st.st_uid == 1000 &&
            st.st_gid == 1000,
        "linux.devices entry with fileMode, uid, gid");
  CHECK(is_chr("/dev/net/tun", 10, 200, 0666), "a device in a subdirectory of /dev");
  CHECK(link_is("/dev/fd", "/proc/self/fd") && link_is("/dev/stdin", "/proc/self/fd/0") &&
            link_is("/dev/stdout", "/proc/self/fd/1") &&
            link_is("/dev/stderr", "/proc/self/fd/2") && link_is("/dev/ptmx", "pts/ptmx"),
        "/dev symlinks");
  CHECK(access("/proc/kcore", F_OK) < 0 || link_is("/dev/core", "/proc/kcore"),
        "/dev/core when the kernel has kcore");
  CHECK(lstat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136,
        "/dev/console is the pty slave");
  CHECK(is_fs("/dev/pts", DEVPTS_SUPER_MAGIC) && is_fs("/dev/mqueue", MQUEUE_MAGIC),
        "devpts and mqueue");
  CHECK(is_fs("/sys", SYSFS_MAGIC) && is_readonly("/sys"), "read-only sysfs");
  CHECK(is_fs("/sys/fs/cgroup", TMPFS_MAGIC) || is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC),
        "cgroup view on /sys/fs/cgroup");
  CHECK(is_readonly("/sys/fs/cgroup"), "the cgroup view is read-only");
  CHECK(is_chr("/proc/timer_list", 1, 3, 0666), "masked file covered by /dev/null");
  CHECK(access("/sys/firmware", F_OK) < 0 ||
            (is_fs("/sys/firmware", TMPFS_MAGIC) && is_readonly("/sys/firmware")),
        "masked directory covered by a read-only tmpfs");
  CHECK(access("/proc/kcore", F_OK) < 0 || is_chr("/proc/kcore", 1, 3, 0666),
        "/proc/kcore masked when the kernel has it");
  CHECK(is_chr("/proc/keys", 1, 3, 0666), "second masked file (a clone of the first mask)");
  CHECK(is_fs("/proc/acpi", TMPFS_MAGIC) && is_readonly("/proc/acpi"),
        "second masked directory (a clone of the first)");
  CHECK(file_has("/proc/sys/kernel/shmmax", "123456789"), "ipc sysctl written");
  CHECK(file_has("/proc/sys/net/ipv4/ip_forward", "1"), "net sysctl written");
  fd = open("/proc/sys/kernel/shmmax", O_WRONLY | O_CLOEXEC);
  CHECK(fd < 0 && errno == EROFS, "readonlyPaths: /proc/sys is read-only");
  if (fd >= 0)
    close(fd);
  CHECK(mkdir("/newdir", 0755) < 0 && errno == EROFS, "root.readonly");
  CHECK(is_readonly("/hostile") && access("/hostile/inside", F_OK) == 0,
        "bind from a relative source");
  CHECK(is_fs("/run", TMPFS_MAGIC) && is_readonly("/run") && access("/run/inner/inside", F_OK) == 0,
        "a read-only tmpfs became read-only after the mount inside it");
  CHECK(mkdir("/dev/ok", 0755) == 0, "/dev stays writable");
}

struct run {
  bool no_pivot;
  bool no_host_devnull;        /* host_devnull = -1: masking must use the container's */
  void (*check)(bool pivoted); /* inside the container, when setup succeeded */
  const char *expect_error;    /* setup must fail with this text instead */
};

static int run_container(oci_config *config, struct run r)
{
  pid_t pid = fork();
  int status;

  if (pid == 0) {
    ocirun_error err = {0};
    char bundle[128];
    struct rootfs_ctx ctx;

    /* Opened before unshare, as the parent does: in another mount namespace. */
    int host_devnull = r.no_host_devnull ? -1 : open("/dev/null", O_PATH | O_CLOEXEC);
    int ptm = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), pts;

    if (ptm < 0 || grantpt(ptm) < 0 || unlockpt(ptm) < 0)
      _exit(2);
    pts = open(ptsname(ptm), O_RDWR | O_NOCTTY | O_CLOEXEC);

    checks_failed = 0;
    if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS) < 0) {
      printf("ok - # SKIP unshare: %s\n", strerror(errno));
      _exit(0);
    }
    snprintf(bundle, sizeof(bundle), "%s", base);
    ctx = (struct rootfs_ctx){
        .config = config,
        .bundle = bundle,
        .rootfs = rootfs,
        .no_pivot = r.no_pivot,
        .in_userns = false,
        .console_fd = pts,
        .host_devnull = host_devnull,
    };
    int rc = rootfs_mount_all(&ctx, &err);
    if (rc == 0)
      rc = rootfs_pivot(&ctx, &err);
    if (rc == 0)
      rc = rootfs_finalize(&ctx, &err);
    if (r.expect_error) {
      CHECK(rc < 0 && strstr(err.msg, r.expect_error), "refused: %s", err.msg);
      _exit(checks_failed);
    }
    CHECK(rc == 0, "rootfs set up (%s)", err.msg);
    if (rc == 0)
      r.check(!r.no_pivot);
    _exit(checks_failed > 125 ? 125 : checks_failed);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return 1;
  return WEXITSTATUS(status);
}

/* ---- attacks ------------------------------------------------------------------------- */

static int test_dev_symlink(void)
{
  oci_config *c = new_config();

  add_mount(c, mnt("/proc", "proc", "proc", ""));
  sh("rm -rf %s/rootfs/dev && ln -s /etc %s/rootfs/dev");
  int n = run_container(c, (struct run){.expect_error = "\"/dev\" is a symlink"});
  oci_config_free(c);
  sh("rm -f %s/rootfs/dev && mkdir %s/rootfs/dev");
  CHECK(access("/etc/null", F_OK) < 0, "nothing was created in the host's /etc");
  return n;
}

static void check_kcore_is_null(bool pivoted)
{
  (void)pivoted;
  CHECK(is_chr("/proc/timer_list", 1, 3, 0666),
        "the mask is the host's null device, not the container's symlink");
}

/* CVE-2025-31133: the container's /dev/null is a symlink to a procfs file. Masking must not
 * bind that file over the masked paths. */
static int test_devnull_symlink(void)
{
  oci_config *c = new_config();
  int n;

  add_mount(c, mnt("/proc", "proc", "proc", ""));
  add_mount(c, mnt("/dev", "bind", "evildev", "rbind"));
  c->linux->maskedPaths = strv("/proc/timer_list", &c->linux->maskedPaths_len);
  sh("mkdir -p %s/evildev && ln -sf /proc/sys/kernel/core_pattern %s/evildev/null");
  /* With the host's /dev/null available it is used, and the mask is the real null device. */
  n = run_container(c, (struct run){.check = check_kcore_is_null});
  /* Without it, the container's /dev/null is verified and refused. */
  n += run_container(
      c, (struct run){.no_host_devnull = true, .expect_error = "not the null device 1:3"});
  oci_config_free(c);
  return n;
}

/* ---- validation ------------------------------------------------------------------------ */

/* Frees c. */
static void expect_invalid(oci_config *c, const char *message)
{
  ocirun_error err = {0};

  CHECK(rootfs_validate(c, &err) < 0 && strcmp(err.msg, message) == 0, "validate: %s", err.msg);
  if (strcmp(err.msg, message) != 0)
    printf("#   expected: %s\n", message);
  oci_config_free(c);
}

static void test_validate(void)
{
  ocirun_error err = {0};
  oci_config *c = full_config();

  CHECK(rootfs_validate(c, &err) == 0, "the full config is valid (%s)", err.msg);
  oci_config_free(c);

  /* Unknown words go to the filesystem as data, and data on a bind is ignored (runc). */
  c = new_config();
  add_mount(c, mnt("/proc", "proc", "proc", "nosuid"));
  add_mount(c, mnt("/x", "tmpfs", "tmpfs", "nosuid,foo"));
  CHECK(rootfs_validate(c, &err) == 0, "an unknown option word is left to the kernel (%s)",
        err.msg);
  oci_config_free(c);

  c = new_config();
  add_mount(c, mnt("/x", "bind", "/tmp", "rbind,idmap"));
  CHECK(rootfs_validate(c, &err) == 0, "idmap is left to idmapped_validate (%s)", err.msg);
  oci_config_free(c);

  c = new_config();
  add_mount(c, mnt("/x", "bind", "/tmp", "rbind,mode=755"));
  CHECK(rootfs_validate(c, &err) == 0, "filesystem data on a bind mount is ignored (%s)", err.msg);
  oci_config_free(c);

  c = new_config();
  add_mount(c, mnt("/x", NULL, "foo", "nosuid"));
  expect_invalid(c, "config.json: mounts[0].type: required for a mount that is not a bind mount");

  c = new_config();
  add_mount(c, mnt("relative/dest", "tmpfs", "tmpfs", ""));
  CHECK(rootfs_validate(c, &err) == 0, "a relative destination is accepted (as runc does)");
  oci_config_free(c);

  c = new_config();
  add_device(c, "x", "/dev/foo", 1, 2, -1, -1);
  expect_invalid(c, "config.json: linux.devices[0].type: unknown device type \"x\"");

  c = new_config();
  add_device(c, "c", "dev/foo", 1, 2, -1, -1);
  expect_invalid(c, "config.json: linux.devices[0].path: \"dev/foo\" is not absolute");

  c = new_config();
  c->linux->rootfsPropagation = strdup("bogus");
  expect_invalid(c, "config.json: linux.rootfsPropagation: unknown value \"bogus\"");

  c = new_config();
  add_ns(c, "ipc");
  set_sysctl(c, "kernel.foo", "1");
  expect_invalid(c, "config.json: linux.sysctl: sysctl \"kernel.foo\" is not in a separate "
                    "kernel namespace");

  c = new_config();
  set_sysctl(c, "kernel.shmmax", "1");
  expect_invalid(c, "config.json: linux.sysctl: sysctl \"kernel.shmmax\" is not allowed in the "
                    "hosts ipc namespace");

  c = new_config();
  set_sysctl(c, "net.ipv4.ip_forward", "1");
  expect_invalid(c, "config.json: linux.sysctl: sysctl \"net.ipv4.ip_forward\" not allowed in "
                    "host network namespace");

  c = new_config();
  add_ns(c, "uts");
  set_sysctl(c, "kernel.hostname", "x");
  expect_invalid(c, "config.json: linux.sysctl: sysctl \"kernel.hostname\" is not allowed as it "
                    "conflicts with the OCI \"hostname\" field");

  c = new_config();
  add_ns(c, "network");
  set_sysctl(c, "net/ipv4/conf/eth0.100/forwarding", "1");
  set_sysctl(c, "net.ipv4.../../../kernel/x", "1");
  expect_invalid(c, "config.json: linux.sysctl: invalid key \"net.ipv4.../../../kernel/x\"");
}

int main(void)
{
  setvbuf(stdout, NULL, _IONBF, 0);
  test_validate();
  if (geteuid() != 0) {
    printf("ok - # SKIP containers need root\n");
    printf("%d failure(s)\n", checks_failed);
    return checks_failed == 0 ? 0 : 1;
  }
  snprintf(base, sizeof(base), "/tmp/ocirun-rootfs.XXXXXX");
  if (mkdtemp(base) == NULL)
    return 2;
  snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
  sh("mkdir -p %s/rootfs/proc %s/rootfs/sys %s/rootfs/dev %s/data && touch %s/rootfs/marker");
  sh("touch %s/data/inside");
  oci_config *full = full_config();
  checks_failed += run_container(full, (struct run){.check = check_container_view});
  checks_failed +=
      run_container(full, (struct run){.no_pivot = true, .check = check_container_view});
  oci_config_free(full);
  checks_failed += test_dev_symlink();
  checks_failed += test_devnull_symlink();
  sh("rm -rf %s");
  printf("%d failure(s)\n", checks_failed);
  return checks_failed == 0 ? 0 : 1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount options: the parsing table (every option name → flags, propagation, recursive
 * attributes, data), then real mounts through mount_config_entry. The real mounts run as
 * root in a forked child that has its own mount namespace (and, for the locked-flags case,
 * its own user namespace), so nothing reaches the host. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "ocispec.h"
#include "pathres.h"
#include "process_test.h"

/* ---- the table --------------------------------------------------------------------- */

static struct mount_options parse(const char *csv)
{
  char *copy = strdup(csv), *save = NULL, *list[32];
  size_t n = 0;
  struct mount_options o;
  ocirun_error err = {0};

  for (char *t = strtok_r(copy, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
    list[n++] = t;
  if (mount_options_parse(list, n, &o, &err) < 0) {
    printf("not ok - parse \"%s\": %s\n", csv, err.msg);
    checks_failed++;
    memset(&o, 0, sizeof(o));
  }
  free(copy);
  return o;
}

static void test_flag_table(void)
{
  static const struct {
    const char *name;
    unsigned long set, cleared;
  } cases[] = {
      {"ro", MS_RDONLY, 0},
      {"rw", 0, MS_RDONLY},
      {"nosuid", MS_NOSUID, 0},
      {"suid", 0, MS_NOSUID},
      {"nodev", MS_NODEV, 0},
      {"dev", 0, MS_NODEV},
      {"noexec", MS_NOEXEC, 0},
      {"exec", 0, MS_NOEXEC},
      {"sync", MS_SYNCHRONOUS, 0},
      {"async", 0, MS_SYNCHRONOUS},
      {"dirsync", MS_DIRSYNC, 0},
      {"remount", MS_REMOUNT, 0},
      {"mand", MS_MANDLOCK, 0},
      {"nomand", 0, MS_MANDLOCK},
      {"noatime", MS_NOATIME, 0},
      {"atime", 0, MS_NOATIME},
      {"nodiratime", MS_NODIRATIME, 0},
      {"diratime", 0, MS_NODIRATIME},
      {"relatime", MS_RELATIME, 0},
      {"norelatime", 0, MS_RELATIME},
      {"strictatime", MS_STRICTATIME, 0},
      {"nostrictatime", 0, MS_STRICTATIME},
      {"lazytime", MS_LAZYTIME, 0},
      {"nolazytime", 0, MS_LAZYTIME},
      {"bind", MS_BIND, 0},
      {"rbind", MS_BIND | MS_REC, 0},
      {"nosymfollow", MS_NOSYMFOLLOW, 0},
      {"symfollow", 0, MS_NOSYMFOLLOW},
      {"defaults", 0, 0},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mount_options o = parse(cases[i].name);
    CHECK(o.flags == cases[i].set && o.cleared == cases[i].cleared && o.data == NULL &&
              mount_option_classify(cases[i].name) == MOUNT_OPTION_FLAG,
          "flag \"%s\" → set 0x%lx clear 0x%lx", cases[i].name, o.flags, o.cleared);
    mount_options_free(&o);
  }
}

static void test_propagation_table(void)
{
  static const struct {
    const char *name;
    unsigned long flag;
  } cases[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mount_options o = parse(cases[i].name);
    CHECK(o.n_propagation == 1 && o.propagation[0] == cases[i].flag && o.flags == 0 &&
              mount_propagation_flag(cases[i].name) == cases[i].flag,
          "propagation \"%s\"", cases[i].name);
  }
  struct mount_options o = parse("rbind,rslave,private");
  CHECK(o.n_propagation == 2 && o.propagation[0] == (MS_SLAVE | MS_REC) &&
            o.propagation[1] == MS_PRIVATE && o.flags == (MS_BIND | MS_REC),
        "propagation options are kept in order, apart from the flags");
  CHECK(mount_propagation_flag("ro") == 0 && mount_propagation_flag("") == 0, "not a propagation");
}

static void test_recursive_table(void)
{
  static const struct {
    const char *name;
    uint64_t set, clr;
  } cases[] = {
      {"rro", MOUNT_ATTR_RDONLY, 0},
      {"rrw", 0, MOUNT_ATTR_RDONLY},
      {"rnosuid", MOUNT_ATTR_NOSUID, 0},
      {"rsuid", 0, MOUNT_ATTR_NOSUID},
      {"rnodev", MOUNT_ATTR_NODEV, 0},
      {"rdev", 0, MOUNT_ATTR_NODEV},
      {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
      {"rexec", 0, MOUNT_ATTR_NOEXEC},
      {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
      {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
      {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
      {"ratime", 0, MOUNT_ATTR__ATIME},
      {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
      {"rnostrictatime", 0, MOUNT_ATTR__ATIME},
      {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
      {"rnorelatime", 0, MOUNT_ATTR__ATIME},
      {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
      {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mount_options o = parse(cases[i].name);
    CHECK(o.rec_set == cases[i].set && o.rec_clr == cases[i].clr && o.flags == 0 &&
              mount_option_classify(cases[i].name) == MOUNT_OPTION_RECURSIVE,
          "recursive \"%s\" → set 0x%llx clr 0x%llx", cases[i].name, (unsigned long long)o.rec_set,
          (unsigned long long)o.rec_clr);
  }
  struct mount_options o = parse("rro,rrw");
  CHECK(o.rec_set == 0 && o.rec_clr == MOUNT_ATTR_RDONLY, "rrw after rro clears it");
}

static void test_data_and_order(void)
{
  struct mount_options o = parse("nosuid,mode=755,size=65536k,strictatime");
  CHECK(o.data && strcmp(o.data, "mode=755,size=65536k") == 0 &&
            o.flags == (MS_NOSUID | MS_STRICTATIME),
        "tmpfs data kept in order: \"%s\"", o.data ? o.data : "(null)");
  mount_options_free(&o);
  o = parse("newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec");
  CHECK(o.data && strcmp(o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0,
        "devpts data: \"%s\"", o.data ? o.data : "(null)");
  mount_options_free(&o);
  o = parse("ro,rw");
  CHECK(o.flags == 0 && o.cleared == MS_RDONLY, "a later rw overrides ro");
  o = parse("rw,ro");
  CHECK(o.flags == MS_RDONLY && o.cleared == 0, "a later ro overrides rw");
  o = parse("x-systemd.automount,x-foo=bar,ro");
  CHECK(o.data == NULL && o.flags == MS_RDONLY, "x-* options are ignored");
  o = parse("tmpcopyup");
  CHECK(o.tmpcopyup, "tmpcopyup");
  o = parse("tmpcopyup,notmpcopyup");
  CHECK(!o.tmpcopyup, "notmpcopyup after tmpcopyup");
  o = parse("src-nofollow,idmap");
  CHECK(o.src_nofollow && o.idmap && o.data == NULL, "src-nofollow and idmap are extensions");
  o = parse("ridmap");
  CHECK(o.idmap, "ridmap");

  char *many[MOUNT_MAX_PROPAGATION + 1];
  ocirun_error err = {0};
  for (size_t i = 0; i <= MOUNT_MAX_PROPAGATION; i++)
    many[i] = "private";
  CHECK(mount_options_parse(many, MOUNT_MAX_PROPAGATION + 1, &o, &err) < 0,
        "too many propagation options: %s", err.msg);
}

static void test_classify(void)
{
  CHECK(mount_option_classify("foo") == MOUNT_OPTION_UNKNOWN, "\"foo\" is unknown");
  CHECK(mount_option_classify("nosiud") == MOUNT_OPTION_UNKNOWN, "a typo is unknown");
  CHECK(mount_option_classify("") == MOUNT_OPTION_UNKNOWN, "an empty option is unknown");
  CHECK(mount_option_classify("=x") == MOUNT_OPTION_UNKNOWN, "\"=x\" is unknown");
  CHECK(mount_option_classify("mode=755") == MOUNT_OPTION_DATA, "key=value is data");
  CHECK(mount_option_classify("newinstance") == MOUNT_OPTION_DATA, "known filesystem word");
  CHECK(mount_option_classify("x-anything") == MOUNT_OPTION_IGNORED, "x-* is ignored");
  CHECK(mount_option_classify("rshared") == MOUNT_OPTION_PROPAGATION, "rshared");
  CHECK(mount_option_classify("tmpcopyup") == MOUNT_OPTION_EXTENSION, "tmpcopyup");
}

static void test_option_names(void)
{
  size_t n = 0;
  const char *const *names = mount_option_names(&n);
  bool sorted = true, known = true, has_rro = false, has_idmap = false;

  for (size_t i = 0; i < n; i++) {
    sorted = sorted && (i == 0 || strcmp(names[i - 1], names[i]) < 0);
    known = known && mount_option_classify(names[i]) != MOUNT_OPTION_UNKNOWN;
    has_rro = has_rro || strcmp(names[i], "rro") == 0;
    has_idmap = has_idmap || strcmp(names[i], "idmap") == 0;
  }
  CHECK(n > 60 && sorted && known && has_rro && !has_idmap,
        "mount_option_names: %zu names, sorted, all known, idmap not advertised", n);
}

static void test_clean_path(void)
{
  static const char *const cases[][2] = {
      {"/a//b/../c", "/a/c"},
      {"a/b", "/a/b"},
      {"/", "/"},
      {"", "/"},
      {"../../x", "/x"},
      {"/dev/", "/dev"},
      {"/./proc/.", "/proc"},
      {"/a/b/../../..", "/"},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *c = mount_clean_path(cases[i][0]);
    CHECK(strcmp(c, cases[i][1]) == 0, "clean \"%s\" → \"%s\" (got \"%s\")", cases[i][0],
          cases[i][1], c);
    free(c);
  }
}

/* ---- real mounts ------------------------------------------------------------------- */

static char base[64];
static char rootp[96];
static char root_real[PATH_MAX];

static void sh(const char *fmt, const char *arg)
{
  char cmd[512];

  snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg);
  if (system(cmd) != 0) {
    fprintf(stderr, "setup failed: %s\n", cmd);
    exit(2);
  }
}

static int do_mount(struct mount_env *env, const char *type, const char *source, const char *dest,
                    const char *csv, int *deferred, ocirun_error *err)
{
  char *copy = strdup(csv), *save = NULL, *list[32];
  size_t n = 0;
  int rc, unused = -1;
  oci_mount m;

  memset(&m, 0, sizeof(m));
  for (char *t = strtok_r(copy, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
    list[n++] = t;
  m.destination = (char *)dest;
  m.source = (char *)source;
  m.type = (char *)type;
  m.options = list;
  m.options_len = n;
  error_clear(err);
  rc = mount_config_entry(env, &m, deferred ? deferred : &unused, err);
  if (unused >= 0)
    close(unused);
  free(copy);
  return rc;
}

static char *in_root(const char *rel)
{
  static char p[PATH_MAX + 128];

  snprintf(p, sizeof(p), "%s%s", rootp, rel);
  return p;
}

static unsigned long vfs_flags(const char *path)
{
  struct statvfs sv;

  return statvfs(path, &sv) == 0 ? sv.f_flag : ~0UL;
}

static bool is_fs(const char *path, long magic)
{
  struct statfs sf;

  return statfs(path, &sf) == 0 && sf.f_type == magic;
}

static bool has_propagation(const char *path, const char *tag)
{
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];
  bool found = false;

  while (f && fgets(line, sizeof(line), f)) {
    char point[PATH_MAX];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && strcmp(point, path) == 0)
      found = strstr(line, tag) != NULL && strstr(line, tag) < strstr(line, " - ");
  }
  if (f)
    fclose(f);
  return found;
}

static void test_real_mounts(struct mount_env *env)
{
  ocirun_error err = {0};
  struct stat st;
  int deferred = -1;

  CHECK(do_mount(env, "tmpfs", "tmpfs", "/run", "nosuid,nodev,mode=750,size=1m", NULL, &err) == 0 &&
            is_fs(in_root("/run"), TMPFS_MAGIC) && stat(in_root("/run"), &st) == 0 &&
            (st.st_mode & 07777) == 0750 &&
            (vfs_flags(in_root("/run")) & (ST_NOSUID | ST_NODEV)) == (ST_NOSUID | ST_NODEV),
        "tmpfs with flags and data (%s)", err.msg);

  CHECK(do_mount(env, "bind", "/tmp", "/run/sub", "bind,ro,nosuid", NULL, &err) == 0 &&
            (vfs_flags(in_root("/run/sub")) & (ST_RDONLY | ST_NOSUID)) == (ST_RDONLY | ST_NOSUID),
        "bind inside a tmpfs, remounted ro,nosuid (%s)", err.msg);
  {
    /* a name nothing else in the host's /tmp uses, so that EEXIST cannot hide EROFS */
    char probe[64];
    snprintf(probe, sizeof(probe), "/run/sub/ocirun-ro-probe-%d", (int)getpid());
    CHECK(mkdir(in_root(probe), 0755) < 0 && errno == EROFS, "the ro bind is read-only");
  }

  /* A destination through an absolute symlink naming the host path beside the root. */
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/evil/x", "size=1m", NULL, &err) == 0, "mount via evil");
  {
    char host[PATH_MAX];
    snprintf(host, sizeof(host), "%s/outside/x", base);
    CHECK(!is_fs(host, TMPFS_MAGIC) && access(in_root(host), F_OK) == 0 &&
              is_fs(in_root(host), TMPFS_MAGIC),
          "a symlink to a host path is resolved inside the root");
  }

  CHECK(do_mount(env, "tmpfs", "tmpfs", "/ro", "ro,size=1m", &deferred, &err) == 0 &&
            deferred >= 0 && mkdir(in_root("/ro/later"), 0755) == 0,
        "a read-only tmpfs stays writable until later (%s)", err.msg);
  CHECK(deferred >= 0 && mount_make_readonly(deferred, false, &err) == 0 &&
            mkdir(in_root("/ro/again"), 0755) < 0 && errno == EROFS,
        "then becomes read-only");
  if (deferred >= 0)
    close(deferred);

  CHECK(do_mount(env, "proc", "proc", "/myproc", "", NULL, &err) < 0 &&
            strstr(err.msg, "ordinary directory"),
        "proc on a symlink is refused: %s", err.msg);
  CHECK(do_mount(env, "sysfs", "sysfs", "/via/sys", "", NULL, &err) < 0 &&
            strstr(err.msg, "ordinary directory"),
        "sysfs through a symlinked parent is refused: %s", err.msg);
  CHECK(do_mount(env, "proc", "proc", "/proc", "nosuid,noexec,nodev", NULL, &err) == 0 &&
            is_fs(in_root("/proc"), PROC_SUPER_MAGIC),
        "proc on /proc (%s)", err.msg);
  CHECK(do_mount(env, "bind", "/tmp", "/proc/sys/foo", "bind", NULL, &err) < 0 &&
            strstr(err.msg, "inside /proc"),
        "a bind inside /proc is refused: %s", err.msg);
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/proc", "", NULL, &err) < 0 &&
            strstr(err.msg, "not of type proc"),
        "a tmpfs over /proc is refused: %s", err.msg);
  CHECK(do_mount(env, "bind", "/proc", "/proc", "rbind", NULL, &err) == 0,
        "a bind of a procfs over /proc is allowed (%s)", err.msg);
  CHECK(do_mount(env, "bind", "/etc/hostname", "/proc/uptime", "bind,ro", NULL, &err) == 0,
        "an lxcfs-style file bind on the allow-list (%s)", err.msg);
  CHECK(do_mount(env, "bind", "/tmp", "/linkproc/kernel", "bind", NULL, &err) < 0 &&
            strstr(err.msg, "inside /proc"),
        "a symlink leading into /proc is checked where it lands: %s", err.msg);

  CHECK(do_mount(env, "bind", "srcdir", "/rel", "rbind,rro", NULL, &err) == 0 &&
            access(in_root("/rel/marker"), F_OK) == 0 && (vfs_flags(in_root("/rel")) & ST_RDONLY) &&
            (vfs_flags(in_root("/rel/sub")) & ST_RDONLY),
        "relative source from the bundle, rro reaches the submount (%s)", err.msg);
  CHECK(do_mount(env, "bind", "srcdir/file", "/newdir/file", "bind", NULL, &err) == 0 &&
            stat(in_root("/newdir/file"), &st) == 0 && S_ISREG(st.st_mode),
        "a file bind creates a file destination (%s)", err.msg);
  CHECK(do_mount(env, NULL, "srcdir", "/shared", "rbind,rshared", NULL, &err) == 0 &&
            has_propagation(in_root("/shared"), "shared:"),
        "rshared applied after the mount (%s)", err.msg);
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/data", "tmpcopyup,size=1m", NULL, &err) == 0 &&
            is_fs(in_root("/data"), TMPFS_MAGIC) && stat(in_root("/data/keep/me"), &st) == 0 &&
            (st.st_mode & 0777) == 0640 && lstat(in_root("/data/link"), &st) == 0 &&
            S_ISLNK(st.st_mode),
        "tmpcopyup copies the image's files into the tmpfs (%s)", err.msg);
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/bad", "size=abc", NULL, &err) < 0 &&
            strstr(err.msg, "mount \"tmpfs\" on \"/bad\": option \"size=abc\"") &&
            strstr(err.msg, "Invalid argument"),
        "fs errors name the option: %s", err.msg);
  CHECK(do_mount(env, "nosuchfs", "x", "/nofs", "", NULL, &err) < 0 &&
            strstr(err.msg, "mount \"x\" on \"/nofs\": fsopen \"nosuchfs\": No such device"),
        "unknown type: %s", err.msg);
  CHECK(do_mount(env, "bind", "/nonexistent-source", "/nsrc", "bind", NULL, &err) < 0 &&
            strstr(err.msg, "No such file or directory") && access(in_root("/nsrc"), F_OK) < 0,
        "a missing bind source creates no destination: %s", err.msg);
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/", "", NULL, &err) < 0 &&
            strstr(err.msg, "root of the container"),
        "nothing is mounted over the root itself: %s", err.msg);
  CHECK(do_mount(env, "tmpfs", "tmpfs", "/uplink/x", "", NULL, &err) == 0 &&
            is_fs(in_root("/x"), TMPFS_MAGIC),
        "\"../..\" symlink in the destination stops at the root (%s)", err.msg);
  CHECK(do_mount(env, "bind", "/tmp", "/idm", "bind,idmap", NULL, &err) < 0 &&
            strstr(err.msg, "idmapped"),
        "idmap is refused: %s", err.msg);
}

static bool cgroup_lists_me(const char *procs_path)
{
  FILE *f = fopen(procs_path, "re");
  char line[64];
  bool found = false;

  while (f && fgets(line, sizeof(line), f))
    found = found || atoi(line) == getpid();
  if (f)
    fclose(f);
  return found;
}

/* On a v1 or hybrid host: a read-only tmpfs with one read-only hierarchy per directory,
 * showing the process's own cgroup (a bind without a cgroup namespace, a fresh cgroup mount
 * inside one). */
static void test_cgroup_mount(struct mount_env *env)
{
  ocirun_error err = {0};
  struct statfs sf;
  char path[PATH_MAX + 128];

  if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type == CGROUP2_SUPER_MAGIC ||
      access("/sys/fs/cgroup/memory", F_OK) < 0) {
    printf("ok - # SKIP cgroup v1 view: the host has no v1 memory hierarchy\n");
    return;
  }
  CHECK(do_mount(env, "cgroup", "cgroup", "/sys/fs/cgroup", "nosuid,noexec,nodev", NULL, &err) ==
                0 &&
            is_fs(in_root("/sys/fs/cgroup"), TMPFS_MAGIC) &&
            (vfs_flags(in_root("/sys/fs/cgroup")) & ST_RDONLY),
        "cgroup v1 view: a read-only tmpfs (%s)", err.msg);
  snprintf(path, sizeof(path), "%s", in_root("/sys/fs/cgroup/memory"));
  CHECK(is_fs(path, CGROUP_SUPER_MAGIC) &&
            (vfs_flags(path) & (ST_RDONLY | ST_NOSUID)) == (ST_RDONLY | ST_NOSUID),
        "memory hierarchy, read-only");
  snprintf(path, sizeof(path), "%s", in_root("/sys/fs/cgroup/memory/cgroup.procs"));
  CHECK(cgroup_lists_me(path), "the memory directory is our own cgroup");
  CHECK(do_mount(env, "cgroup", "cgroup", "/cgrw", "rw", NULL, &err) == 0 &&
            !(vfs_flags(in_root("/cgrw")) & ST_RDONLY) &&
            !(vfs_flags(in_root("/cgrw/memory")) & ST_RDONLY),
        "\"rw\" makes the view writable (%s)", err.msg);
  if (unshare(CLONE_NEWCGROUP) < 0) {
    printf("ok - # SKIP cgroup namespace: %s\n", strerror(errno));
    return;
  }
  env->cgroupns = true;
  CHECK(do_mount(env, "cgroup", "cgroup", "/cgns", "", NULL, &err) == 0 &&
            is_fs(in_root("/cgns/memory"), CGROUP_SUPER_MAGIC),
        "with a cgroup namespace each hierarchy is a fresh cgroup mount (%s)", err.msg);
  snprintf(path, sizeof(path), "%s", in_root("/cgns/memory/cgroup.procs"));
  CHECK(cgroup_lists_me(path), "and its root is our own cgroup");
  env->cgroupns = false;
}

/* In a user namespace the host's nosuid/nodev on the source are locked: asking for "ro"
 * must keep them (runc's second remount), asking to clear them must fail clearly. */
static int test_locked_flags(struct mount_env *env)
{
  ocirun_error err = {0};
  char src[PATH_MAX];

  snprintf(src, sizeof(src), "%s/locked", base);
  CHECK(do_mount(env, "bind", src, "/locked", "bind,ro", NULL, &err) == 0 &&
            (vfs_flags(in_root("/locked")) & (ST_RDONLY | ST_NOSUID | ST_NODEV)) ==
                (ST_RDONLY | ST_NOSUID | ST_NODEV),
        "ro on a locked nosuid,nodev source keeps them (%s)", err.msg);
  CHECK(do_mount(env, "bind", src, "/locked2", "bind,suid", NULL, &err) < 0 &&
            strstr(err.msg, "locked"),
        "clearing a locked flag is refused: %s", err.msg);
  return checks_failed;
}

static void write_map(const char *file, const char *map)
{
  int fd = open(file, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write(fd, map, strlen(map)) < 0)
    perror(file);
  if (fd >= 0)
    close(fd);
}

static int prepare_root_in_namespace(struct mount_env *env)
{
  char proc[32];
  ssize_t n;

  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount(rootp, rootp, NULL, MS_BIND | MS_REC, NULL) < 0) {
    perror("prepare root");
    return -1;
  }
  env->rootfd = open(rootp, O_PATH | O_DIRECTORY | O_CLOEXEC);
  n = readlink(fd_path(env->rootfd, proc, sizeof(proc)), root_real, sizeof(root_real) - 1);
  if (env->rootfd < 0 || n < 0)
    return -1;
  root_real[n] = '\0';
  env->root_path = root_real;
  env->bundle = base;
  env->cgroupns = false;
  return 0;
}

static int run_child(bool userns)
{
  pid_t pid = fork();
  int status;

  if (pid == 0) {
    struct mount_env env;
    char sub[PATH_MAX], locked[PATH_MAX];

    checks_failed = 0;
    if (unshare(CLONE_NEWNS) < 0) {
      printf("ok - # SKIP unshare: %s\n", strerror(errno));
      _exit(0);
    }
    /* The test's own source mounts, in this namespace only: a submount inside the bind
     * source, and a nosuid,nodev source that a user namespace will see as locked. */
    snprintf(sub, sizeof(sub), "%s/srcdir/sub", base);
    snprintf(locked, sizeof(locked), "%s/locked", base);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", sub, "tmpfs", 0, "size=1m") < 0 ||
        mount("tmpfs", locked, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0) {
      perror("source mounts");
      _exit(1);
    }
    if (userns && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
      printf("ok - # SKIP unshare(CLONE_NEWUSER): %s\n", strerror(errno));
      _exit(0);
    }
    if (userns) {
      write_map("/proc/self/setgroups", "deny");
      write_map("/proc/self/uid_map", "0 0 1");
      write_map("/proc/self/gid_map", "0 0 1");
    }
    if (prepare_root_in_namespace(&env) < 0)
      _exit(1);
    if (userns)
      test_locked_flags(&env);
    else {
      test_real_mounts(&env);
      test_cgroup_mount(&env);
    }
    _exit(checks_failed > 125 ? 125 : checks_failed);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return 1;
  return WEXITSTATUS(status);
}

int main(void)
{
  setvbuf(stdout, NULL, _IONBF, 0);
  test_flag_table();
  test_propagation_table();
  test_recursive_table();
  test_data_and_order();
  test_classify();
  test_option_names();
  test_clean_path();

  if (geteuid() != 0) {
    printf("ok - # SKIP real mounts need root\n");
  } else {
    snprintf(base, sizeof(base), "/tmp/ocirun-mounts.XXXXXX");
    if (mkdtemp(base) == NULL)
      return 2;
    snprintf(rootp, sizeof(rootp), "%s/root", base);
    sh("mkdir -p %s/root/proc %s/outside %s/srcdir/sub", base);
    sh("cd %s && touch srcdir/marker srcdir/file && mkdir -p root/data/keep root/sys/fs/cgroup && "
       "touch root/data/keep/me && chmod 640 root/data/keep/me && ln -s me root/data/link",
       base);
    sh("cd %s && ln -s /etc root/myproc && ln -s /sys root/via && ln -s /proc/sys root/linkproc "
       "&& ln -s ../.. root/uplink && ln -s \"$PWD/outside\" root/evil && mkdir -p locked",
       base);
    checks_failed += run_child(false);
    checks_failed += run_child(true);
    sh("rm -rf %s", base);
  }
  printf("%d failure(s)\n", checks_failed);
  return checks_failed == 0 ? 0 : 1;
}

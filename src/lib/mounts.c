/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount options and performing one config mount; see mounts.h for the approach. */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "lsm.h"
#include "ocispec.h"
#include "pathres.h"
#include "utils.h"

/* ---- the option table -------------------------------------------------------------- */

struct flag_option {
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_option flag_options[] = {
    {"defaults", false, 0},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
};

static const struct flag_option propagation_options[] = {
    {"private", false, MS_PRIVATE},       {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},         {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},           {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

/* Recursive attributes (flag holds MOUNT_ATTR_*), applied with mount_setattr(AT_RECURSIVE). */
static const struct flag_option recursive_options[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static const char *const extension_options[] = {
    "tmpcopyup", "notmpcopyup", "src-nofollow", "idmap", "ridmap", NULL,
};

/* Filesystem words (options without "=") that reach the kernel as data. Kept as a list so
 * that a typo in a flag ("nosiud") is refused before anything runs instead of silently
 * becoming data for a filesystem that may ignore it. */
static const char *const known_data_words[] = {
    "newinstance noswap acl noacl user_xattr nouser_xattr inode64 inode32", /* devpts, tmpfs */
    "userxattr volatile",                                                   /* overlay */
    "discard nodiscard barrier nobarrier norecovery noload grpid nogrpid bsdgroups sysvgroups "
    "usrquota grpquota prjquota quota noquota dax delalloc nodelalloc nouuid utf8 nojoliet "
    "norock", /* block filesystems */
    "nsdelegate memory_recursiveprot memory_localevents memory_hugetlb_accounting favordynmods "
    "nofavordynmods noprefix none all clone_children xattr cpuset_v2_mode", /* cgroup */
    "hard soft intr nointr lock nolock ac noac sharecache nosharecache resvport noresvport fsc "
    "nofsc allow_other default_permissions", /* network and FUSE filesystems */
};

static const struct flag_option *find_option(const struct flag_option *table, size_t n,
                                             const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

#define FIND(table, name) find_option(table, sizeof(table) / sizeof(table[0]), name)

static bool in_list(const char *const *list, const char *name)
{
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return true;
  return false;
}

/* name is one of the space-separated words of one of the n groups. */
static bool in_word_groups(const char *const *groups, size_t n, const char *name)
{
  size_t len = strlen(name);

  for (size_t i = 0; i < n && len > 0; i++)
    for (const char *p = strstr(groups[i], name); p; p = strstr(p + 1, name))
      if ((p == groups[i] || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
        return true;
  return false;
}

enum mount_option_class mount_option_classify(const char *option)
{
  if (FIND(flag_options, option))
    return MOUNT_OPTION_FLAG;
  if (FIND(propagation_options, option))
    return MOUNT_OPTION_PROPAGATION;
  if (FIND(recursive_options, option))
    return MOUNT_OPTION_RECURSIVE;
  if (in_list(extension_options, option))
    return MOUNT_OPTION_EXTENSION;
  if (has_prefix(option, "x-"))
    return MOUNT_OPTION_IGNORED;
  if ((strchr(option, '=') && option[0] != '=') ||
      in_word_groups(known_data_words, sizeof(known_data_words) / sizeof(known_data_words[0]),
                     option))
    return MOUNT_OPTION_DATA;
  return MOUNT_OPTION_UNKNOWN;
}

static int compare_names(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *const *mount_option_names(size_t *n)
{
#define COUNT(table) (sizeof(table) / sizeof(table[0]))
  static const char *names[COUNT(flag_options) + COUNT(propagation_options) +
                           COUNT(recursive_options) + COUNT(extension_options)];
  static size_t count;

  if (count == 0) {
    for (size_t i = 0; i < COUNT(flag_options); i++)
      names[count++] = flag_options[i].name;
    for (size_t i = 0; i < COUNT(propagation_options); i++)
      names[count++] = propagation_options[i].name;
    for (size_t i = 0; i < COUNT(recursive_options); i++)
      names[count++] = recursive_options[i].name;
    /* idmap and ridmap: features adds them where the kernel has mount_setattr. */
    for (size_t i = 0; extension_options[i]; i++)
      if (strstr(extension_options[i], "idmap") == NULL)
        names[count++] = extension_options[i];
    qsort(names, count, sizeof(names[0]), compare_names);
  }
#undef COUNT
  *n = count;
  return names;
}

unsigned long mount_propagation_flag(const char *name)
{
  const struct flag_option *o = FIND(propagation_options, name);

  return o ? o->flag : 0;
}

static void append_data(char **data, const char *option)
{
  char *joined = *data ? xasprintf("%s,%s", *data, option) : xstrdup(option);

  free(*data);
  *data = joined;
}

int mount_options_parse(char *const *options, size_t n, struct mount_options *out,
                        ocirun_error *err)
{
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < n; i++) {
    const char *name = options[i];
    const struct flag_option *o;

    if ((o = FIND(flag_options, name))) {
      if (o->clear) {
        out->flags &= ~o->flag;
        out->cleared |= o->flag;
      } else {
        out->flags |= o->flag;
        out->cleared &= ~o->flag;
      }
    } else if ((o = FIND(propagation_options, name))) {
      if (out->n_propagation == MOUNT_MAX_PROPAGATION) {
        mount_options_free(out);
        return error_set(err, 0, "more than %d propagation options", MOUNT_MAX_PROPAGATION);
      }
      out->propagation[out->n_propagation++] = o->flag;
    } else if ((o = FIND(recursive_options, name))) {
      if (o->clear) {
        out->rec_clr |= o->flag;
        out->rec_set &= ~o->flag;
      } else {
        out->rec_set |= o->flag;
        out->rec_clr &= ~o->flag;
      }
      /* mount_setattr(2): an atime mode is only taken with MOUNT_ATTR__ATIME in attr_clr. */
      if ((o->flag & MOUNT_ATTR__ATIME) == o->flag)
        out->rec_clr |= MOUNT_ATTR__ATIME;
    } else if (strcmp(name, "tmpcopyup") == 0 || strcmp(name, "notmpcopyup") == 0) {
      out->tmpcopyup = name[0] == 't';
    } else if (strcmp(name, "src-nofollow") == 0) {
      out->src_nofollow = true;
    } else if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0) {
      out->idmap = true;
    } else if (!has_prefix(name, "x-")) {
      append_data(&out->data, name);
    }
  }
  return 0;
}

void mount_options_free(struct mount_options *opts)
{
  free(opts->data);
  opts->data = NULL;
}

char *mount_clean_path(const char *path)
{
  size_t len = strlen(path);
  char *out = xmalloc(len + 2);
  size_t n = 0;
  const char *p = path;

  out[n++] = '/';
  while (*p) {
    size_t c;
    while (*p == '/')
      p++;
    c = strcspn(p, "/");
    if (c == 0)
      break;
    if (c == 1 && p[0] == '.') {
      /* nothing */
    } else if (c == 2 && p[0] == '.' && p[1] == '.') {
      while (n > 1 && out[n - 1] != '/')
        n--;
      if (n > 1)
        n--; /* the slash before the dropped component */
    } else {
      if (n > 1)
        out[n++] = '/';
      memcpy(out + n, p, c);
      n += c;
    }
    p += c;
  }
  out[n] = '\0';
  return out;
}

bool mount_is_bind(const struct oci_mount *m, const struct mount_options *opts)
{
  return (opts->flags & MS_BIND) || (m->type && strcmp(m->type, "bind") == 0);
}

/* ---- fd-based building blocks ------------------------------------------------------ */

/* MS_* flags as the attributes of fsmount(2) and mount_setattr(2). */
static uint64_t attrs_from_flags(unsigned long ms)
{
  uint64_t a = 0;

  if (ms & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (ms & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (ms & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (ms & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (ms & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (ms & MS_NOSYMFOLLOW)
    a |= MOUNT_ATTR_NOSYMFOLLOW;
  /* As mount(2) decides: strictatime wins over noatime, relatime is the default. */
  if (ms & MS_STRICTATIME)
    a |= MOUNT_ATTR_STRICTATIME;
  else if (ms & MS_NOATIME)
    a |= MOUNT_ATTR_NOATIME;
  return a;
}

static int set_attrs(int mntfd, uint64_t set, uint64_t clr, bool recursive, ocirun_error *err)
{
  struct mount_attr attr = {.attr_set = set, .attr_clr = clr};

  if (set == 0 && clr == 0)
    return 0;
  if (set & MOUNT_ATTR__ATIME)
    attr.attr_clr |= MOUNT_ATTR__ATIME;
  if (mount_setattr(mntfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
                    sizeof(attr)) < 0)
    return error_set(err, errno, "mount_setattr");
  return 0;
}

int mount_make_readonly(int mntfd, bool recursive, ocirun_error *err)
{
  return set_attrs(mntfd, MOUNT_ATTR_RDONLY, 0, recursive, err);
}

static int clone_tree(int dirfd, const char *path, bool recursive, unsigned int extra,
                      ocirun_error *err)
{
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | extra;
  int fd;

  if (recursive)
    flags |= AT_RECURSIVE;
  if (path[0] == '\0')
    flags |= AT_EMPTY_PATH;
  fd = open_tree(dirfd, path, flags);
  if (fd < 0)
    return error_set(err, errno, "open_tree \"%s\"", path[0] ? path : "(fd)");
  return fd;
}

int mount_clone(int dirfd, const char *path, bool recursive, ocirun_error *err)
{
  return clone_tree(dirfd, path, recursive, 0, err);
}

int mount_move(int mntfd, int targetfd, ocirun_error *err)
{
  if (move_mount(mntfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_set(err, errno, "move_mount");
  return 0;
}

/* The kernel explains a refused fsconfig in the context's log ("e tmpfs: Bad value for
 * 'size'"); those lines are the most useful part of the error. */
static void read_fs_log(int fsfd, char *out, size_t len)
{
  char line[512];
  size_t used = 0;

  out[0] = '\0';
  for (;;) {
    ssize_t n = read(fsfd, line, sizeof(line) - 1);
    const char *msg = line;
    if (n <= 0)
      break;
    line[n] = '\0';
    line[strcspn(line, "\n")] = '\0';
    if (n > 2 && line[1] == ' ')
      msg = line + 2;
    used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "; " : "", msg);
    if (used >= len)
      break;
  }
}

static int fs_error(ocirun_error *err, int fsfd, int errnum, const char *step)
{
  char log[1024];

  read_fs_log(fsfd, log, sizeof(log));
  if (step[0] == '\0' && log[0] == '\0')
    error_set(err, 0, "%s", strerror(errnum));
  else if (step[0] == '\0')
    error_set(err, 0, "%s (%s)", strerror(errnum), log);
  else
    error_set(err, 0, "%s: %s%s%s%s", step, strerror(errnum), log[0] ? " (" : "", log,
              log[0] ? ")" : "");
  err->errnum = errnum;
  return -1;
}

/* Hands "a=b,c" to fsconfig one option at a time. Commas inside double quotes (SELinux
 * contexts) do not split, and the quotes are removed as mount(2) would. */
static int configure_fs_data(int fsfd, const char *data, ocirun_error *err)
{
  autofree char *copy = xstrdup(data);
  char *p = copy;

  while (*p) {
    char *option = p, *value;
    bool quoted = false;
    int rc;

    for (; *p && (quoted || *p != ','); p++)
      if (*p == '"')
        quoted = !quoted;
    if (*p)
      *p++ = '\0';
    if (*option == '\0')
      continue;
    value = strchr(option, '=');
    if (value == NULL) {
      rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, option, NULL, 0);
    } else {
      size_t vlen;
      *value++ = '\0';
      vlen = strlen(value);
      if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
        value[vlen - 1] = '\0';
        value++;
      }
      rc = fsconfig(fsfd, FSCONFIG_SET_STRING, option, value, 0);
    }
    if (rc < 0) {
      char step[512];
      snprintf(step, sizeof(step), "option \"%s%s%s\"", option, value ? "=" : "",
               value ? value : "");
      return fs_error(err, fsfd, errno, step);
    }
  }
  return 0;
}

/* Superblock flags travel as fsconfig flags; the rest of MS_* become mount attributes. */
static int configure_sb_flags(int fsfd, unsigned long ms, ocirun_error *err)
{
  static const struct flag_option sb_flags[] = {
      {"ro", false, MS_RDONLY},       {"sync", false, MS_SYNCHRONOUS},
      {"dirsync", false, MS_DIRSYNC}, {"lazytime", false, MS_LAZYTIME},
      {"mand", false, MS_MANDLOCK},
  };

  for (size_t i = 0; i < sizeof(sb_flags) / sizeof(sb_flags[0]); i++) {
    if (!(ms & sb_flags[i].flag))
      continue;
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0) {
      char step[64];
      snprintf(step, sizeof(step), "option \"%s\"", sb_flags[i].name);
      return fs_error(err, fsfd, errno, step);
    }
  }
  return 0;
}

int mount_new_fs(const char *type, const char *source, const char *data, unsigned long msflags,
                 ocirun_error *err)
{
  autoclose int fsfd = fsopen(type, FSOPEN_CLOEXEC);
  int mnt;

  if (fsfd < 0)
    return error_set(err, errno, "fsopen \"%s\"", type);
  if (source && source[0] && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fs_error(err, fsfd, errno, "source");
  if (configure_sb_flags(fsfd, msflags, err) < 0)
    return -1;
  if (data && configure_fs_data(fsfd, data, err) < 0)
    return -1;
  if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_error(err, fsfd, errno, "");
  mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)attrs_from_flags(msflags));
  if (mnt < 0)
    return fs_error(err, fsfd, errno, "fsmount");
  return mnt;
}

int mount_path_in_root(const char *root_path, int fd, char *rel, size_t len, ocirun_error *err)
{
  char proc[32], real[PATH_MAX];
  size_t rootlen = strlen(root_path);
  ssize_t n = readlink(fd_path(fd, proc, sizeof(proc)), real, sizeof(real) - 1);
  const char *inside = NULL;

  if (n < 0)
    return error_set(err, errno, "readlink %s", proc);
  real[n] = '\0';
  if (strcmp(root_path, "/") == 0)
    inside = real[0] == '/' ? real : NULL;
  else if (strncmp(real, root_path, rootlen) == 0 && (real[rootlen] == '/' || !real[rootlen]))
    inside = real[rootlen] ? real + rootlen : "/";
  if (inside == NULL)
    return error_set(err, 0, "\"%s\" is outside of the container root \"%s\"", real, root_path);
  snprintf(rel, len, "%s", inside);
  return 0;
}

/* ---- the destination --------------------------------------------------------------- */

struct target {
  int fd;             /* O_PATH fd of the destination, inside the root */
  bool existed;       /* it was there before (not created by us) */
  char rel[PATH_MAX]; /* where it really is, relative to the root */
};

static void target_close(struct target *t)
{
  if (t->fd >= 0)
    close(t->fd);
}

#define autotarget __attribute__((cleanup(target_close)))

static bool inside_proc_refused(const char *rel);

/* Resolves the destination inside the root, creating it (a directory, or an empty file for a
 * bind of a file) when it is missing. */
static int open_target(const struct mount_env *env, const char *dest, bool as_file,
                       struct target *t, ocirun_error *err)
{
  autofree char *clean = mount_clean_path(dest);

  /* Refused before anything is created; where it really lands is checked again later. */
  if (inside_proc_refused(clean))
    return error_set(err, 0, "\"%s\" cannot be mounted because it is inside /proc", clean);
  t->fd = open_in_root(env->rootfd, dest, O_PATH, err);
  t->existed = t->fd >= 0;
  if (t->fd < 0) {
    if (err->errnum != ENOENT)
      return -1;
    error_clear(err);
    t->fd = as_file ? mkfile_in_root(env->rootfd, dest, 0644, err)
                    : mkdir_in_root(env->rootfd, dest, 0755, err);
    if (t->fd < 0)
      return -1;
  }
  if (mount_path_in_root(env->root_path, t->fd, t->rel, sizeof(t->rel), err) < 0)
    return -1;
  if (strcmp(t->rel, "/") == 0)
    return error_set(err, 0, "the destination is the root of the container");
  return 0;
}

/* Files that lxcfs-style tools emulate: the only mounts allowed to land inside /proc. */
static const char *const proc_allow_list[] = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
    NULL,
};

static bool inside_proc_refused(const char *rel)
{
  return has_prefix(rel, "/proc/") && !in_list(proc_allow_list, rel);
}

/* A mount over /proc or inside it could redirect the runtime's own writes to /proc files
 * (CVE-2019-16884 and kin): only a real procfs may cover /proc, and only the allow-list may
 * land inside it. */
static int check_proc_rules(const struct target *t, const char *type, int bind_src,
                            ocirun_error *err)
{
  if (strcmp(t->rel, "/proc") == 0) {
    struct statfs sf;
    if (bind_src < 0 && strcmp(type, "proc") == 0)
      return 0;
    if (bind_src >= 0 && fstatfs(bind_src, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
      return 0;
    return error_set(err, 0, "\"/proc\" cannot be mounted because it is not of type proc");
  }
  if (inside_proc_refused(t->rel))
    return error_set(err, 0, "\"%s\" cannot be mounted because it is inside /proc", t->rel);
  return 0;
}

/* proc and sysfs only go on a real directory reached without any symlink: had a symlink
 * been followed, the resolved path would differ from the lexical one. */
static int check_plain_directory(const struct target *t, const char *type, const char *dest,
                                 ocirun_error *err)
{
  autofree char *clean = mount_clean_path(dest);
  struct stat st;

  if (fstat(t->fd, &st) < 0)
    return error_set(err, errno, "stat");
  if (!S_ISDIR(st.st_mode) || strcmp(clean, t->rel) != 0)
    return error_set(err, 0, "filesystem \"%s\" must be mounted on an ordinary directory", type);
  return 0;
}

/* ---- after the mount is attached --------------------------------------------------- */

static int check_landed(const struct mount_env *env, int mntfd, const struct target *t,
                        ocirun_error *err)
{
  char rel[PATH_MAX];

  if (mount_path_in_root(env->root_path, mntfd, rel, sizeof(rel), err) < 0)
    return -1;
  if (strcmp(rel, t->rel) != 0)
    return error_set(err, 0, "the mount landed on \"%s\" instead of \"%s\"", rel, t->rel);
  return 0;
}

static int apply_propagation(int mntfd, const struct mount_options *opts, ocirun_error *err)
{
  char proc[32];

  for (size_t i = 0; i < opts->n_propagation; i++)
    if (mount(NULL, fd_path(mntfd, proc, sizeof(proc)), NULL, opts->propagation[i], NULL) < 0)
      return error_set(err, errno, "set propagation");
  return 0;
}

static int finish_mount(const struct mount_env *env, int mntfd, const struct target *t,
                        const struct mount_options *opts, ocirun_error *err)
{
  if (check_landed(env, mntfd, t, err) < 0 || apply_propagation(mntfd, opts, err) < 0)
    return -1;
  if (set_attrs(mntfd, opts->rec_set, opts->rec_clr, true, err) < 0)
    return error_prefix(err, "recursive attributes");
  return 0;
}

/* ---- bind mounts ------------------------------------------------------------------- */

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME)
/* What a user namespace may lock on a mount it inherits (the kernel's MNT_LOCK_*). */
#define LOCKABLE_FLAGS (MS_RDONLY | MS_NODEV | MS_NOEXEC | MS_NOSUID | ATIME_FLAGS)

static unsigned long flags_of_mount(const struct statfs *sf)
{
  static const struct {
    unsigned long st, ms;
  } map[] = {
      {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},
      {ST_NODEV, MS_NODEV},       {ST_NOEXEC, MS_NOEXEC},
      {ST_MANDLOCK, MS_MANDLOCK}, {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
      {ST_NOATIME, MS_NOATIME},   {ST_NODIRATIME, MS_NODIRATIME},
      {ST_RELATIME, MS_RELATIME}, {0x2000 /* ST_NOSYMFOLLOW */, MS_NOSYMFOLLOW},
  };
  unsigned long ms = 0;

  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if ((unsigned long)sf->f_flags & map[i].st)
      ms |= map[i].ms;
  /* strictatime is not stored: it is what a mount without the other two has. */
  if (!(ms & (MS_NOATIME | MS_RELATIME)))
    ms |= MS_STRICTATIME;
  return ms;
}

/* "nosuid,nodev" for messages. */
static const char *flag_names(unsigned long flags, char *buf, size_t len)
{
  size_t used = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++) {
    const struct flag_option *o = &flag_options[i];
    if (o->clear || o->flag == 0 || (flags & o->flag) != o->flag || (o->flag & MS_BIND))
      continue;
    used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", o->name);
    if (used >= len)
      break;
  }
  return buf;
}

/* A bind takes the source's flags; the requested ones need a remount. Like runc, first the
 * plain "mount --bind -o flags" result; when a user namespace locked some of the source's
 * flags (EPERM), the same again with the locked flags kept, unless the config asked to
 * clear one of them. */
static int apply_bind_flags(int mntfd, const struct mount_options *opts, ocirun_error *err)
{
  unsigned long flags = opts->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  char proc[32];
  struct statfs sf;
  unsigned long locked;

  if (flags == 0 && opts->cleared == 0)
    return 0;
  fd_path(mntfd, proc, sizeof(proc));
  flags |= MS_BIND | MS_REMOUNT;
  if (mount(NULL, proc, NULL, flags, NULL) == 0)
    return 0;
  if (errno != EPERM)
    return error_set(err, errno, "remount with the requested flags");
  if (fstatfs(mntfd, &sf) < 0)
    return error_set(err, errno, "statfs");
  locked = flags_of_mount(&sf) & LOCKABLE_FLAGS;
  if (opts->cleared & locked) {
    char names[128];
    return error_set(err, EPERM, "cannot clear flags locked on the source (%s)",
                     flag_names(opts->cleared & locked, names, sizeof(names)));
  }
  if ((flags & ATIME_FLAGS) && (flags & ATIME_FLAGS) != (locked & ATIME_FLAGS))
    return error_set(err, EPERM, "cannot change the atime flags locked on the source");
  if (mount(NULL, proc, NULL, flags | locked, NULL) < 0)
    return error_set(err, errno, "remount with the source's locked flags kept");
  return 0;
}

static char *bind_source(const struct mount_env *env, const char *source)
{
  if (source[0] == '/')
    return xstrdup(source);
  return xasprintf("%s/%s", env->bundle, source);
}

static int mount_bind(const struct mount_env *env, const struct oci_mount *m,
                      const struct mount_options *opts, ocirun_error *err)
{
  autofree char *source = NULL;
  autoclose int tree = -1;
  autotarget struct target t = {.fd = -1};
  struct stat st;

  if (m->source == NULL || m->source[0] == '\0')
    return error_set(err, 0, "a bind mount needs a source");
  source = bind_source(env, m->source);
  if (env->idmapped_tree) {
    tree = fcntl(*env->idmapped_tree, F_DUPFD_CLOEXEC, 3);
    if (tree < 0)
      return error_set(err, errno, "idmapped tree");
  } else {
    tree = clone_tree(AT_FDCWD, source, opts->flags & MS_REC,
                      opts->src_nofollow ? AT_SYMLINK_NOFOLLOW : 0, err);
    if (tree < 0)
      return -1;
  }
  if (fstat(tree, &st) < 0)
    return error_set(err, errno, "stat \"%s\"", source);
  if (open_target(env, m->destination, !S_ISDIR(st.st_mode), &t, err) < 0 ||
      check_proc_rules(&t, "bind", tree, err) < 0 || mount_move(tree, t.fd, err) < 0)
    return -1;
  if (check_landed(env, tree, &t, err) < 0 || apply_bind_flags(tree, opts, err) < 0)
    return -1;
  return finish_mount(env, tree, &t, opts, err);
}

/* ---- new filesystems --------------------------------------------------------------- */

static int copy_tree(int src, int dst, int depth, ocirun_error *err);

static int copy_regular(int src, int dst, const char *name, ocirun_error *err)
{
  /* O_NONBLOCK: a fifo swapped in after the fstatat must not block the copy. */
  autoclose int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  autoclose int out = -1;
  char buf[65536];
  struct stat st;

  if (in < 0)
    return error_set(err, errno, "open \"%s\"", name);
  if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode))
    return error_set(err, 0, "\"%s\" changed while being copied", name);
  out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return error_set(err, errno, "create \"%s\"", name);
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_set(err, errno, "read \"%s\"", name);
    if (n == 0)
      return 0;
    if (write_all(out, buf, (size_t)n) < 0)
      return error_set(err, errno, "write \"%s\"", name);
  }
}

static int copy_entry(int src, int dst, const char *name, int depth, ocirun_error *err)
{
  struct stat st;

  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return error_set(err, errno, "stat \"%s\"", name);
  if (S_ISDIR(st.st_mode)) {
    autoclose int from = -1, to = -1;
    if (mkdirat(dst, name, 0700) < 0)
      return error_set(err, errno, "mkdir \"%s\"", name);
    from = openat(src, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
    to = openat(dst, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
    if (from < 0 || to < 0)
      return error_set(err, errno, "open \"%s\"", name);
    if (copy_tree(from, to, depth + 1, err) < 0)
      return error_prefix(err, "%s", name);
  } else if (S_ISREG(st.st_mode)) {
    if (copy_regular(src, dst, name, err) < 0)
      return -1;
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
    if (n < 0)
      return error_set(err, errno, "readlink \"%s\"", name);
    target[n] = '\0';
    if (symlinkat(target, dst, name) < 0)
      return error_set(err, errno, "symlink \"%s\"", name);
  } else if (S_ISSOCK(st.st_mode)) {
    return 0; /* a socket is meaningless without its listener */
  } else if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0) {
    return error_set(err, errno, "mknod \"%s\"", name);
  }
  /* Owner first: chown clears set-id bits that the chmod then restores. */
  if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return error_set(err, errno, "chown \"%s\"", name);
  if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
    return error_set(err, errno, "chmod \"%s\"", name);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return error_set(err, errno, "set times of \"%s\"", name);
  return 0;
}

/* tmpcopyup: what the image had at the destination is copied into the new tmpfs while it is
 * still detached, so nothing else can see or race the half-filled tree. */
static int copy_tree(int src, int dst, int depth, ocirun_error *err)
{
  DIR *dir;
  struct dirent *de;
  int fd, rc = 0;

  if (depth > 128)
    return error_set(err, ELOOP, "tmpcopyup: directory tree too deep");
  fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
    if (fd >= 0)
      close(fd);
    return error_set(err, errno, "tmpcopyup: open directory");
  }
  while (rc == 0 && (de = readdir(dir)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    rc = copy_entry(src, dst, de->d_name, depth, err);
  }
  closedir(dir);
  return rc;
}

static bool is_tmpfs(const char *type)
{
  return strcmp(type, "tmpfs") == 0;
}

/* runc's choice: proc and sysfs are labelled by the policy, mqueue refuses context= (runc
 * relabels its root instead), cgroups are labelled by the host's; the rest take the label. */
static bool takes_mount_label(const char *type)
{
  static const char *const unlabelled[] = {"proc", "sysfs", "mqueue", "cgroup", "cgroup2", NULL};

  return !in_list(unlabelled, type);
}

static int mount_filesystem(const struct mount_env *env, const struct oci_mount *m,
                            const struct mount_options *opts, int *deferred_ro, ocirun_error *err)
{
  const char *type = m->type;
  autotarget struct target t = {.fd = -1};
  autofree char *data = NULL;
  autoclose int mnt = -1;
  unsigned long flags = opts->flags;
  bool defer;

  if (type == NULL || type[0] == '\0')
    return error_set(err, 0, "the mount has no type");
  if (open_target(env, m->destination, false, &t, err) < 0)
    return -1;
  if ((strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0) &&
      check_plain_directory(&t, type, m->destination, err) < 0)
    return -1;
  if (check_proc_rules(&t, type, -1, err) < 0)
    return -1;
  /* Later mounts may need directories inside a tmpfs, and devices go into /dev: those
   * become read-only only when everything else is in place. */
  defer = (flags & MS_RDONLY) && (is_tmpfs(type) || strcmp(t.rel, "/dev") == 0);
  if (defer)
    flags &= ~MS_RDONLY;
  if (is_tmpfs(type) && t.existed) {
    /* A tmpfs over an existing directory keeps its mode unless the options say otherwise. */
    struct stat st;
    if (fstat(t.fd, &st) == 0 && S_ISDIR(st.st_mode))
      data = opts->data ? xasprintf("mode=%04o,%s", st.st_mode & 07777, opts->data)
                        : xasprintf("mode=%04o", st.st_mode & 07777);
  }
  if (takes_mount_label(type)) {
    char *labelled = lsm_mount_data(data ? data : opts->data, env->mount_label);
    if (labelled != NULL) {
      free(data);
      data = labelled;
    }
  }
  mnt = mount_new_fs(type, m->source, data ? data : opts->data, flags, err);
  if (mnt < 0)
    return -1;
  if (opts->tmpcopyup && is_tmpfs(type) && t.existed && copy_tree(t.fd, mnt, 0, err) < 0)
    return error_prefix(err, "tmpcopyup");
  if (mount_move(mnt, t.fd, err) < 0 || finish_mount(env, mnt, &t, opts, err) < 0)
    return -1;
  if (defer)
    *deferred_ro = steal_fd(mnt);
  return 0;
}

/* "remount" without "bind": change the flags or data of what is already mounted there. */
static int remount_existing(const struct mount_env *env, const struct oci_mount *m,
                            const struct mount_options *opts, ocirun_error *err)
{
  autotarget struct target t = {.fd = -1};
  char proc[32];

  t.fd = open_in_root(env->rootfd, m->destination, O_PATH, err);
  if (t.fd < 0 || mount_path_in_root(env->root_path, t.fd, t.rel, sizeof(t.rel), err) < 0)
    return -1;
  if (mount(m->source, fd_path(t.fd, proc, sizeof(proc)), m->type, opts->flags, opts->data) < 0)
    return error_set(err, errno, "remount");
  return finish_mount(env, t.fd, &t, opts, err);
}

/* ---- cgroup ------------------------------------------------------------------------ */

struct cgroup_hierarchy {
  char *mountpoint;  /* /sys/fs/cgroup/cpu,cpuacct */
  char *root;        /* the cgroup the mount shows as its root */
  char *controllers; /* "cpu,cpuacct", "name=systemd" */
};

static void hierarchies_free(struct cgroup_hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(h[i].mountpoint);
    free(h[i].root);
    free(h[i].controllers);
  }
  free(h);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
  char *out = s;

  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
}

/* The controllers of a v1 hierarchy are its super options minus the generic ones. */
static char *controllers_of(const char *super_options)
{
  static const char *const generic[] = {"rw",
                                        "ro",
                                        "xattr",
                                        "noprefix",
                                        "clone_children",
                                        "cpuset_v2_mode",
                                        "favordynmods",
                                        "nofavordynmods",
                                        NULL};
  autofree char *copy = xstrdup(super_options);
  char *out = NULL, *save = NULL;

  for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
    if (in_list(generic, o) || has_prefix(o, "release_agent="))
      continue;
    append_data(&out, o);
  }
  return out;
}

static int list_cgroup_v1(struct cgroup_hierarchy **out, size_t *n, ocirun_error *err)
{
  autofree char *text = NULL;
  struct cgroup_hierarchy *h = NULL;
  size_t count = 0;
  char *save = NULL;

  if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL, err) < 0)
    return -1;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *fields[6] = {0}, *sep = strstr(line, " - "), *fs_save = NULL, *fstype, *super;
    int i = 0;

    if (sep == NULL)
      continue;
    *sep = '\0';
    for (char *f = strtok_r(line, " ", &fs_save); f && i < 6; f = strtok_r(NULL, " ", &fs_save))
      fields[i++] = f;
    fstype = strtok_r(sep + 3, " ", &fs_save);
    (void)strtok_r(NULL, " ", &fs_save); /* the mount source */
    super = strtok_r(NULL, " ", &fs_save);
    if (i < 5 || fstype == NULL || super == NULL || strcmp(fstype, "cgroup") != 0)
      continue;
    unescape_octal(fields[3]);
    unescape_octal(fields[4]);
    bool seen = false;
    for (size_t j = 0; j < count && !seen; j++)
      seen = strcmp(strrchr(h[j].mountpoint, '/'), strrchr(fields[4], '/')) == 0;
    if (seen)
      continue;
    h = xrealloc(h, (count + 1) * sizeof(*h));
    h[count].mountpoint = xstrdup(fields[4]);
    h[count].root = xstrdup(fields[3]);
    h[count].controllers = controllers_of(super);
    count++;
  }
  *out = h;
  *n = count;
  return 0;
}

/* "cpu,cpuacct" and "cpuacct,cpu" name the same hierarchy. */
static bool same_controllers(const char *a, const char *b)
{
  size_t na = 0, nb = 0;
  autofree char *copy = xstrdup(a);
  char *save = NULL;

  for (const char *p = a; *p; p++)
    na += *p == ',';
  for (const char *p = b; *p; p++)
    nb += *p == ',';
  if (na != nb)
    return false;
  for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
    const char *hit = strstr(b, c);
    size_t len = strlen(c);
    bool found = false;
    while (hit && !found) {
      found = (hit == b || hit[-1] == ',') && (hit[len] == ',' || hit[len] == '\0');
      hit = strstr(hit + 1, c);
    }
    if (!found)
      return false;
  }
  return true;
}

/* The host directory that shows this process's own cgroup of hierarchy h. */
static int own_cgroup_dir(const struct cgroup_hierarchy *h, char **out, ocirun_error *err)
{
  autofree char *text = NULL;
  char *save = NULL;

  if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, NULL, err) < 0)
    return -1;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *controllers = strchr(line, ':'), *path;
    size_t rootlen = strlen(h->root);
    if (controllers == NULL || (path = strchr(++controllers, ':')) == NULL)
      continue;
    *path++ = '\0';
    if (h->controllers == NULL || !same_controllers(controllers, h->controllers))
      continue;
    if (strcmp(h->root, "/") == 0)
      rootlen = 0;
    else if (strncmp(path, h->root, rootlen) != 0 || (path[rootlen] && path[rootlen] != '/'))
      return error_set(err, 0, "cgroup \"%s\" is not visible in \"%s\"", path, h->mountpoint);
    *out = xasprintf("%s%s", h->mountpoint, path + rootlen);
    return 0;
  }
  return error_set(err, 0, "no cgroup of \"%s\" in /proc/self/cgroup", h->mountpoint);
}

/* One directory of the tmpfs on /sys/fs/cgroup, with tree attached on it, and symlinks for
 * co-mounted controllers (cpu → cpu,cpuacct). Takes tree. */
static int attach_hierarchy(const struct mount_env *env, int tmpfs, const char *name, int tree_fd,
                            ocirun_error *err)
{
  autoclose int dir = -1, tree = tree_fd;
  struct target t = {.fd = -1};

  if (tree < 0)
    return -1;
  if (mkdirat(tmpfs, name, 0755) < 0 && errno != EEXIST)
    return error_set(err, errno, "mkdir \"%s\"", name);
  dir = openat(tmpfs, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return error_set(err, errno, "open \"%s\"", name);
  if (mount_move(tree, dir, err) < 0 ||
      mount_path_in_root(env->root_path, dir, t.rel, sizeof(t.rel), err) < 0 ||
      check_landed(env, tree, &t, err) < 0)
    return -1;
  if (strchr(name, ',')) {
    autofree char *parts = xstrdup(name);
    char *save = NULL;
    for (char *p = strtok_r(parts, ",", &save); p; p = strtok_r(NULL, ",", &save))
      if (symlinkat(name, tmpfs, p) < 0 && errno != EEXIST)
        return error_set(err, errno, "symlink \"%s\"", p);
  }
  return 0;
}

/* A bind of a host cgroup directory, with the mount's flags. With a cgroup namespace it shows
 * what a new mount of the hierarchy would (the namespace's root is that directory, and
 * mountinfo shows paths relative to it either way), at the price of one mount, not a
 * filesystem context and a superblock lookup per hierarchy. */
static int bind_cgroup_dir(const char *dir, unsigned long flags, ocirun_error *err)
{
  int tree = clone_tree(AT_FDCWD, dir, true, 0, err);

  if (tree >= 0 && set_attrs(tree, attrs_from_flags(flags), 0, true, err) < 0) {
    close(tree);
    return -1;
  }
  return tree;
}

/* One hierarchy as a detached mount: with a cgroup namespace a fresh cgroup mount shows the
 * namespace's root; without one, a bind of our own cgroup's directory. */
static int cgroup_v1_tree(const struct mount_env *env, const struct cgroup_hierarchy *h,
                          unsigned long flags, ocirun_error *err)
{
  autofree char *dir = NULL;

  if (env->cgroupns)
    return mount_new_fs("cgroup", "cgroup", h->controllers, flags, err);
  if (own_cgroup_dir(h, &dir, err) < 0)
    return -1;
  return bind_cgroup_dir(dir, flags, err);
}

/* runc's v1 layout: a tmpfs with one directory per hierarchy, the container's cgroup of each
 * hierarchy on it, and symlinks for co-mounted controllers. The runtime's parent says which
 * directories (env->cgroup_views); otherwise they come from mountinfo. */
static int mount_cgroup_v1(const struct mount_env *env, int tmpfs, unsigned long flags,
                           ocirun_error *err)
{
  struct cgroup_hierarchy *h = NULL;
  size_t n = 0;
  int rc = 0;

  for (size_t i = 0; i < env->ncgroup_views; i++) {
    const struct cgroup_view *v = &env->cgroup_views[i];
    if (attach_hierarchy(env, tmpfs, v->name, bind_cgroup_dir(v->dir, flags, err), err) < 0)
      return error_prefix(err, "%s", v->dir);
  }
  if (env->ncgroup_views)
    return 0;
  if (list_cgroup_v1(&h, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n && rc == 0; i++) {
    const char *name = strrchr(h[i].mountpoint, '/') + 1;
    if (attach_hierarchy(env, tmpfs, name, cgroup_v1_tree(env, &h[i], flags, err), err) < 0)
      rc = error_prefix(err, "%s", h[i].mountpoint);
  }
  hierarchies_free(h, n);
  return rc;
}

static bool host_is_cgroup2(void)
{
  struct statfs sf;

  return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* The container's view of its cgroups, read-only unless the options say "rw". */
static int mount_cgroup(const struct mount_env *env, const struct oci_mount *m,
                        const struct mount_options *opts, ocirun_error *err)
{
  autotarget struct target t = {.fd = -1};
  autoclose int mnt = -1;
  unsigned long flags = opts->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;

  if (!(opts->cleared & MS_RDONLY))
    flags |= MS_RDONLY;
  if (open_target(env, m->destination, false, &t, err) < 0 ||
      check_plain_directory(&t, "cgroup", m->destination, err) < 0 ||
      check_proc_rules(&t, "cgroup", -1, err) < 0)
    return -1;
  if (host_is_cgroup2()) {
    mnt = mount_new_fs("cgroup2", "cgroup2", opts->data, flags, err);
    if (mnt < 0 && (err->errnum == EPERM || err->errnum == EBUSY)) {
      /* No cgroup namespace of our own in a user namespace: bind the host's view. */
      error_clear(err);
      mnt = clone_tree(AT_FDCWD, "/sys/fs/cgroup", true, 0, err);
      if (mnt >= 0 && set_attrs(mnt, attrs_from_flags(flags), 0, true, err) < 0)
        return -1;
    }
    if (mnt < 0 || mount_move(mnt, t.fd, err) < 0)
      return -1;
    return finish_mount(env, mnt, &t, opts, err);
  }
  mnt = mount_new_fs("tmpfs", "tmpfs", "mode=755", flags & ~MS_RDONLY, err);
  if (mnt < 0 || mount_move(mnt, t.fd, err) < 0 || check_landed(env, mnt, &t, err) < 0)
    return -1;
  if (mount_cgroup_v1(env, mnt, flags, err) < 0)
    return -1;
  if ((flags & MS_RDONLY) && mount_make_readonly(mnt, false, err) < 0)
    return -1;
  return finish_mount(env, mnt, &t, opts, err);
}

/* ---- one config mount -------------------------------------------------------------- */

/* A user namespace may mount sysfs only with a network namespace of its own; without one
 * (rootless, no netns) the host's /sys is bound recursively instead, with the same flags, as
 * runc does. Only then: anywhere else EPERM stays an error. A read-only /sys is read-only all
 * the way down, or the host's /sys/fs/cgroup and the like would stay writable beneath it. */
static int sysfs_as_bind(const struct mount_env *env, const struct oci_mount *m,
                         struct mount_options *opts, ocirun_error *err)
{
  struct oci_mount bind = *m;

  if (!env->userns)
    return -1;
  error_clear(err);
  bind.source = "/sys";
  opts->flags |= MS_BIND | MS_REC;
  if (opts->flags & MS_RDONLY)
    opts->rec_set |= MOUNT_ATTR_RDONLY; /* as "rro" would */
  return mount_bind(env, &bind, opts, err);
}

int mount_config_entry(const struct mount_env *env, const struct oci_mount *m, int *deferred_ro,
                       ocirun_error *err)
{
  struct mount_options opts;
  const char *what = m->source && m->source[0] ? m->source : m->type ? m->type : "none";
  int rc;

  *deferred_ro = -1;
  if (m->destination == NULL)
    return error_set(err, 0, "mount \"%s\": no destination", what);
  if (mount_options_parse(m->options, m->options_len, &opts, err) < 0)
    return error_prefix(err, "mount \"%s\" on \"%s\"", what, m->destination);
  if ((opts.idmap || m->uidMappings || m->gidMappings) && env->idmapped_tree == NULL)
    rc = error_set(err, EOPNOTSUPP, "idmapped mount not prepared by the runtime's parent");
  else if (mount_is_bind(m, &opts))
    rc = mount_bind(env, m, &opts, err);
  else if (opts.flags & MS_REMOUNT)
    rc = remount_existing(env, m, &opts, err);
  else if (m->type && strcmp(m->type, "cgroup") == 0)
    rc = mount_cgroup(env, m, &opts, err);
  else
    rc = mount_filesystem(env, m, &opts, deferred_ro, err);
  if (rc < 0 && err->errnum == EPERM && m->type && strcmp(m->type, "sysfs") == 0)
    rc = sysfs_as_bind(env, m, &opts, err);
  mount_options_free(&opts);
  if (rc < 0)
    return error_prefix(err, "mount \"%s\" on \"%s\"", what, m->destination);
  return 0;
}

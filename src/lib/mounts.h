/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount options of the OCI config and performing one config mount.
 *
 * The option table turns "ro", "rshared", "rnoexec", "mode=755" into MS_* flags, propagation
 * changes, mount_setattr(2) attributes and filesystem data, the way runc reads them.
 * Mounts are made detached (open_tree(2) for binds, fsopen(2)/fsmount(2) for filesystems) and
 * attached with move_mount(2) onto an fd of the destination resolved inside the root, so a
 * symlink in the image can never redirect where a mount lands, and the fd of the new mount
 * is a handle for every later change (remount flags, propagation, read-only). */
#ifndef OCIRUN_MOUNTS_H
#define OCIRUN_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct oci_mount;
struct cgroup_view;

#define MOUNT_MAX_PROPAGATION 8

struct mount_options {
  unsigned long flags;   /* MS_* to set */
  unsigned long cleared; /* MS_* explicitly asked to be clear ("rw", "suid", "dev", …) */
  uint64_t rec_set;      /* MOUNT_ATTR_* set recursively ("rro", "rnosuid", …) */
  uint64_t rec_clr;      /* MOUNT_ATTR_* cleared recursively ("rrw", "rsuid", …) */
  unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* applied in order after the mount */
  size_t n_propagation;
  bool tmpcopyup;    /* copy what the destination held into the new tmpfs */
  bool src_nofollow; /* bind the source symlink itself, not what it points to */
  bool idmap;        /* "idmap" or "ridmap" (the tree comes from idmapped.h) */
  char *data;        /* filesystem options joined with ",", NULL when none */
};

enum mount_option_class {
  MOUNT_OPTION_FLAG,        /* an MS_* flag: ro, nosuid, bind, remount, … */
  MOUNT_OPTION_PROPAGATION, /* private, rshared, … */
  MOUNT_OPTION_RECURSIVE,   /* rro, rnosuid, … (mount_setattr with AT_RECURSIVE) */
  MOUNT_OPTION_EXTENSION,   /* tmpcopyup, src-nofollow, idmap, … */
  MOUNT_OPTION_IGNORED,     /* x-* (meant for userspace tools) */
  MOUNT_OPTION_DATA,        /* key=value, or a filesystem word ocirun knows ("newinstance") */
  MOUNT_OPTION_UNKNOWN,     /* a bare word nobody knows: rootfs_validate refuses it */
};

/* How ocirun understands one option string. */
enum mount_option_class mount_option_classify(const char *option);

/* Reads options in order (a later option overrides an earlier one). Fails only when there
 * are more than MOUNT_MAX_PROPAGATION propagation options. */
int mount_options_parse(char *const *options, size_t n, struct mount_options *out,
                        ocirun_error *err);
void mount_options_free(struct mount_options *opts);

/* Every option name the table knows (flags, propagation, recursive attributes, extensions),
 * sorted: the "mountOptions" of `ocirun features`. */
const char *const *mount_option_names(size_t *n);

/* "rslave" → MS_SLAVE|MS_REC and so on; 0 when name is not a propagation. */
unsigned long mount_propagation_flag(const char *name);

/* The destination made absolute and lexically clean ("a//b/../c" → "/a/c"). */
char *mount_clean_path(const char *path);

/* True for type "bind" or a "bind"/"rbind" option. */
bool mount_is_bind(const struct oci_mount *m, const struct mount_options *opts);

/* What a config mount needs to know about the container being built. */
struct mount_env {
  int rootfd;               /* O_PATH fd of the rootfs (already bound onto itself) */
  const char *root_path;    /* the kernel's path of rootfd (readlink of /proc/self/fd/N) */
  const char *bundle;       /* relative bind sources are relative to it */
  bool cgroupns;            /* the container has its own cgroup namespace */
  bool userns;              /* a user namespace is in use (sysfs may be refused without a netns) */
  const int *idmapped_tree; /* for an idmapped bind: the tree the parent prepared (idmapped.h) */
  const char *mount_label;  /* linux.mountLabel: context= of the filesystems that take it */
  /* cgroup v1: the host directories to bind under /sys/fs/cgroup (cgroup_v1_views); NULL:
   * read mountinfo, and mount each hierarchy afresh in a cgroup namespace */
  const struct cgroup_view *cgroup_views;
  size_t ncgroup_views;
};

/* Mounts m inside the root, with every option. When the mount has to stay writable until
 * later steps are done (a read-only tmpfs or /dev), *deferred_ro receives an fd to give to
 * mount_make_readonly afterwards, else -1. Errors read `mount "proc" on "/proc": …`. */
int mount_config_entry(const struct mount_env *env, const struct oci_mount *m, int *deferred_ro,
                       ocirun_error *err);

/* Small fd-based building blocks, shared with devices.c and rootfs.c. */

/* A detached copy of the mount tree at dirfd/path (path "" means dirfd itself). */
int mount_clone(int dirfd, const char *path, bool recursive, ocirun_error *err);

/* A detached new filesystem: fsopen(type), the options in data ("a=b,c"), fsmount with the
 * mount flags of msflags (MS_RDONLY, MS_NOSUID, …). */
int mount_new_fs(const char *type, const char *source, const char *data, unsigned long msflags,
                 ocirun_error *err);

/* Attaches the detached mount mntfd on top of targetfd (an O_PATH fd). After it mntfd is a
 * handle on the attached mount. */
int mount_move(int mntfd, int targetfd, ocirun_error *err);

/* Sets the read-only attribute of the mount whose root is mntfd; every other attribute,
 * including flags locked by a user namespace, is left as it is. */
int mount_make_readonly(int mntfd, bool recursive, ocirun_error *err);

/* Writes into rel (PATH_MAX bytes) where fd is, relative to root_path ("/dev/null"), or fails
 * when fd is outside root_path. */
int mount_path_in_root(const char *root_path, int fd, char *rel, size_t len, ocirun_error *err);

#endif

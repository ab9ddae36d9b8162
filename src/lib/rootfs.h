/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the container's filesystem view. Runs in the init process, inside the new mount
 * namespace (and user namespace, when there is one), before the user process starts. */
#ifndef OCIRUN_ROOTFS_H
#define OCIRUN_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "ocispec.h"

struct cgroup_view;

struct rootfs_ctx {
  const oci_config *config;
  const char *bundle; /* absolute bundle directory */
  const char *rootfs; /* absolute path of root.path (resolved against the bundle) */
  bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
  bool in_userns;     /* a user namespace is in use: devices are bind-mounted, not mknod'ed */
  int console_fd;     /* pty slave to bind onto /dev/console, or -1 */
  int host_devnull;   /* O_PATH fd of the host's /dev/null opened before anything, or -1 */
  const int *idmapped_trees; /* per mount: a prepared idmapped tree or -1; NULL: none */
  /* Called once, before the first mount whose content depends on the init's cgroups (see
   * needs_cgroups in rootfs.c), or at the end of rootfs_mount_all: the init waits there until
   * it sits in its cgroups (init.c). NULL: nothing to wait for. */
  int (*enter_cgroups)(void *arg, ocirun_error *err);
  const struct cgroup_view *cgroup_views; /* cgroup v1: what /sys/fs/cgroup binds (mounts.h) */
  size_t ncgroup_views;
  void *enter_cgroups_arg;
};

/* Step 1, before pivot: rootfs propagation, bind the rootfs onto itself, every mount in
 * config order, default and configured devices, /dev symlinks, /dev/console. */
int rootfs_mount_all(const struct rootfs_ctx *ctx, ocirun_error *err);

/* Step 2: make the rootfs the root (pivot_root, or MS_MOVE + chroot with no_pivot). After it
 * the cwd is "/". */
int rootfs_pivot(const struct rootfs_ctx *ctx, ocirun_error *err);

/* Step 3, after pivot: maskedPaths, readonlyPaths, linux.sysctl, root.readonly,
 * and the final propagation of "/". */
int rootfs_finalize(const struct rootfs_ctx *ctx, ocirun_error *err);

/* Parent-side checks of the mount/device/sysctl parts of the config before anything is
 * spawned (bad option names, relative destinations, sysctls that are not namespaced…).
 * Messages name the JSON path: `config.json: mounts[3].options[1]: unknown mount option "foo"`. */
int rootfs_validate(const oci_config *config, ocirun_error *err);

#endif

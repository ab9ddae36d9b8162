/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoint and restore through CRIU (built when meson's `criu` feature found protoc-c,
 * libprotobuf-c and CRIU's rpc.proto; HAVE_CRIU in config.h). The flags are runc's. */
#ifndef OCIRUN_CRIU_H
#define OCIRUN_CRIU_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

struct criu_options {
  const char *criu_path;   /* --criu; NULL: criu from PATH */
  const char *image_path;  /* --image-path; NULL: ./checkpoint */
  const char *work_path;   /* --work-path; NULL: logs go to the image dir */
  const char *parent_path; /* --parent-path, relative to the image dir (pre-dump chains) */
  bool leave_running, tcp_established, tcp_skip_in_flight, link_remap, ext_unix_sk, shell_job,
      file_locks, pre_dump, auto_dedup, lazy_pages;
  int status_fd;                               /* --status-fd; -1: none */
  const char *manage_cgroups_mode;             /* soft|full|strict|ignore; NULL: CRIU's default */
  unsigned empty_ns;                           /* CLONE_NEW* of namespaces restored empty */
  const char *page_server;                     /* ADDRESS:PORT */
  const char *lsm_profile, *lsm_mount_context; /* restore only */
};

/* Checks the options that do not need the container: the cgroup mode, --parent-path,
 * --empty-ns names (each added to *mask). */
int criu_parse_cgroup_mode(const char *mode, int *out, ocirun_error *err);
int criu_parse_empty_ns(const char *name, unsigned *mask, ocirun_error *err);

/* `ocirun checkpoint`: dumps a running or paused container into the image dir; without
 * --leave-running (or with --pre-dump) the container is gone afterwards, as in runc. A
 * failed dump leaves it running. */
int container_checkpoint(const char *root, const char *id, const struct criu_options *o,
                         ocirun_error *err);

/* What `restore` has made before CRIU runs (see container_create). */
struct container;
struct cgroup;
struct restore_target {
  const oci_config *config;
  struct container *c;
  struct cgroup *cgroup;
  const char *bundle;
  const char *rootfs;
  int console_sock; /* receives the new pty master (orphan-pts-master), or -1 */
};

/* Restores the image into the prepared container; *pid is the restored init (a child of
 * the caller: CRIU restores it as its sibling). */
int criu_restore(const struct criu_options *o, const struct restore_target *t, pid_t *pid,
                 ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespace kinds, the plan of which to create and which to join by path, and the uid/gid
 * maps of a new user namespace. */
#ifndef OCIRUN_NAMESPACES_H
#define OCIRUN_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

#define NS_KINDS 8

struct ns_kind {
  const char *type;      /* OCI name: "pid", "network", … */
  const char *proc_name; /* entry in /proc/PID/ns */
  int clone_flag;        /* CLONE_NEW* */
};

/* Every kind, user first: joining it first gives the rights to join the ones it owns. */
extern const struct ns_kind ns_kinds[NS_KINDS];

const struct ns_kind *ns_kind_from_type(const char *type);
const struct ns_kind *ns_kind_from_flag(int clone_flag);

struct ns_plan {
  int create_flags;       /* CLONE_NEW* of every namespace to create */
  int join_fds[NS_KINDS]; /* namespaces to join, opened by path; user first */
  int join_flags[NS_KINDS];
  int njoin;
  bool needs_intermediate; /* joins by path, or a time namespace (see bootstrap.c) */
  bool mount_ns;           /* a mount namespace of the container's own (created or joined) */
  bool uts_ns;             /* likewise a uts namespace: hostname may be set */
};

/* Checks linux.namespaces (known types, no duplicates, a path's namespace of the declared
 * type) and opens every path to join. */
int ns_plan_make(const oci_config *config, struct ns_plan *plan, ocirun_error *err);
void ns_plan_close(struct ns_plan *plan);

/* setns() into every namespace of the plan, the user namespace first. */
int ns_plan_join(const struct ns_plan *plan, ocirun_error *err);

/* Writes /proc/PID/{uid_map,gid_map} for a new user namespace. An unprivileged caller
 * writes a map of its own single id itself (gid: after denying setgroups) and has any other
 * map written by newuidmap/newgidmap. */
int ns_write_id_maps(pid_t pid, const oci_linux *linux_cfg, bool unprivileged, ocirun_error *err);

/* In a user namespace just made or joined: become uid/gid 0 there. Fails harmlessly when 0
 * is not mapped: the capabilities held in the namespace are enough for what follows, and the
 * process's final ids are set later (process_apply_identity). */
void ns_become_root(void);

/* Writes /proc/self/timens_offsets after unshare(CLONE_NEWTIME), before any process enters. */
int ns_write_time_offsets(const oci_linux *linux_cfg, ocirun_error *err);

#endif

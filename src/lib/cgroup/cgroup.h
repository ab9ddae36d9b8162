/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One interface over the cgroup drivers: v1 (one directory per hierarchy), hybrid (v1 plus
 * the unified mount, used for nothing but placement), v2, and later systemd. The runtime
 * calls only these functions; which driver serves them is decided once, in cgroup_create,
 * and recorded in the container's state so that later commands (delete, kill --all, pause…)
 * find the same directories without --systemd-cgroup being passed again. */
#ifndef OCIRUN_CGROUP_H
#define OCIRUN_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

struct cgroup;

/* Decides the cgroup of a new container (linux.cgroupsPath, or a default from the id), makes
 * its directories and applies linux.resources. Nothing is left behind on failure. */
/* --cgroup-manager disabled: a cgroup with no directories, as a rootless container without a
 * writable cgroup has; limits in the config are ignored with one warning, as crun does. */
struct cgroup *cgroup_none(const oci_config *config);

int cgroup_create(const oci_config *config, const char *id, bool systemd_driver,
                  struct cgroup **out, ocirun_error *err);

/* Moves pid into the container's cgroup(s). Called by the parent before the init goes on. */
int cgroup_enter(struct cgroup *cg, pid_t pid, ocirun_error *err);

/* cgroup_enter in two steps, for the bootstrap of a new init (bootstrap.c): every directory
 * but the memory controller's (on v2 the one directory holds it), then that one alone (pid 0:
 * the calling process, as the init does it). With the systemd driver the first step takes
 * the pid everywhere (the scope holds its memory too) and the second does nothing. */
enum cgroup_enter_part {
  CGROUP_ENTER_ALL,
  CGROUP_ENTER_BUT_MEMORY,
  CGROUP_ENTER_MEMORY,
};
int cgroup_enter_part(struct cgroup *cg, pid_t pid, enum cgroup_enter_part part, ocirun_error *err);

/* What must be kept in state.json to find the cgroup again: a JSON-free string map
 * (e.g. hierarchy name → absolute directory). */
oci_string_map *cgroup_to_record(const struct cgroup *cg);
struct cgroup *cgroup_from_record(const oci_string_map *record, ocirun_error *err);

/* Removes the directories (after killing what is left in them when kill_remaining). */
int cgroup_destroy(struct cgroup *cg, bool kill_remaining, ocirun_error *err);

/* Pids of every process in the cgroup (for kill --all and ps). */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, ocirun_error *err);

/* Freezer, for pause/resume; cgroup_is_frozen for the "paused" status. */
int cgroup_freeze(const struct cgroup *cg, bool frozen, ocirun_error *err);
bool cgroup_is_frozen(const struct cgroup *cg);
/* The same answer from a container's cgroup record alone, for `state` and `list`: reads the one
 * file that tells (v1 freezer.state or cgroup2's cgroup.freeze) and nothing else, where
 * cgroup_from_record checks every directory of the record. */
bool cgroup_record_is_frozen(const oci_string_map *record);

/* Applies new resources (update). */
int cgroup_update(const struct cgroup *cg, const oci_resources *resources, ocirun_error *err);

/* Sends sig to every process of the cgroup, the cgroup frozen meanwhile (where a freezer
 * exists) so that none escapes by forking. No process is not an error. */
int cgroup_signal_all(const struct cgroup *cg, int sig, ocirun_error *err);

/* For v2 (clone3 CLONE_INTO_CGROUP): an O_DIRECTORY fd of the container's cgroup2 directory,
 * or -1 (v1 and hybrid hosts, no directory, or a systemd scope not started yet: use
 * cgroup_enter). */
int cgroup_v2_fd(const struct cgroup *cg);
/* True when a process can join CG by itself (cgroup/join.h): v1 or hybrid directories that
 * exist already (not a systemd scope still to be started). */
bool cgroup_self_joinable(const struct cgroup *cg);

/* What the container's /sys/fs/cgroup shows on a host with cgroup v1 hierarchies, found from
 * the mountinfo read when the cgroup was made (the init reads it no second time): per v1
 * hierarchy the name of its directory there ("cpu,cpuacct", "systemd") and the host directory
 * bound onto it, the container's own cgroup (or, without one, the caller's). NULL with *n = 0
 * on a cgroup v2 host, for a cgroup loaded from state.json, and for a systemd scope not
 * started yet (its directories do not exist before). */
struct cgroup_view {
  char *name;
  char *dir;
};
const struct cgroup_view *cgroup_v1_views(const struct cgroup *cg, size_t *n);

/* Usage figures for `events`: runc's Stats object as JSON
 * ({"cpu":…,"memory":…,"pids":…,"blkio":…,"hugetlb":…}), malloc'd. */
char *cgroup_stats_json(const struct cgroup *cg, ocirun_error *err);

/* OOM notification (`events`): an fd to poll; after it is readable, cgroup_oom_check says how
 * many OOM kills happened (0: nothing new), or -1 once the cgroup is gone or empty. */
struct cgroup_oom;
int cgroup_oom_watch(const struct cgroup *cg, struct cgroup_oom **out, ocirun_error *err);
int cgroup_oom_fd(const struct cgroup_oom *w);
int cgroup_oom_check(struct cgroup_oom *w);
void cgroup_oom_free(struct cgroup_oom *w);

/* The cgroup of a container loaded with container_load (state.h): its record's `cgroup` map.
 * "container has no cgroup recorded" when the state holds none. */
struct container;
struct cgroup *cgroup_of_container(const struct container *c, ocirun_error *err);

/* "v1", "hybrid" or "v2". */
const char *cgroup_mode_str(const struct cgroup *cg);

/* Closes what need not stay open while the container runs (the connection to systemd, opened
 * again when next used), for a cgroup held from create to delete (`run`). */
void cgroup_idle(struct cgroup *cg);

void cgroup_free(struct cgroup *cg);

#endif

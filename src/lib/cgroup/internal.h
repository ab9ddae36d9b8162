/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the cgroup drivers share and nothing outside src/lib/cgroup/ sees: the container's
 * directories, the host's hierarchies, the path rules, the file helpers and the "plan" (the
 * list of file writes a resources object turns into, built without touching the host so
 * that it can be tested). */
#ifndef OCIRUN_CGROUP_INTERNAL_H
#define OCIRUN_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

/* ---- the container's cgroup ----------------------------------------------------------- */

enum cgroup_mode {
  CGROUP_MODE_V1,     /* legacy: one hierarchy per controller (or group of controllers) */
  CGROUP_MODE_HYBRID, /* v1 controllers plus a cgroup2 mount used for placement only */
  CGROUP_MODE_V2,     /* unified: one hierarchy, every controller */
};

#define CGROUP_UNIFIED_NAME "unified"

struct cgroup_dir {
  char *name;    /* hierarchy: "memory", "cpu,cpuacct", "name=systemd", or "unified" (cgroup2) */
  char *path;    /* absolute directory of the container's cgroup in it */
  char *created; /* the topmost directory this create made (removed on failure), or NULL */
  char *mount;   /* systemd driver, until the scope exists: the hierarchy's mount point */
};

struct cgroup {
  enum cgroup_mode mode;
  struct cgroup_dir *dirs;
  size_t ndirs;
  /* The systemd driver (systemd.c); all NULL/false with cgroupfs. */
  char *unit;                   /* the transient scope, "ocirun-ID.scope" */
  char *slice;                  /* its slice, "system.slice" (create only) */
  char *description;            /* "ocirun container ID" (create only) */
  bool unit_ours;               /* started by us (or recorded): ours to stop */
  bool start_pending;           /* create: the scope is started by cgroup_enter, with the init */
  const oci_resources *pending; /* create: the resources to apply then (the config's) */
  struct cg_bus *bus;           /* the connection to systemd, opened on first use */
  /* Every directory was found on cgroupfs (cgroup_from_record) or made there by us
   * (cgroup_create): destroy need not statfs them again. */
  bool fs_checked;
  struct cgroup_view *views; /* create only: see cgroup_v1_views (hierarchy.c) */
  size_t nviews;
};

/* Keys of the cgroup record in state.json besides the hierarchy names (cgroup_to_record). */
#define RECORD_MODE "mode"
/* The systemd driver's scope: later commands stop it without --systemd-cgroup. */
#define RECORD_UNIT "systemd-unit"

const char *cgroup_mode_name(enum cgroup_mode mode);
int cgroup_mode_parse(const char *s, enum cgroup_mode *mode);

/* The directory serving controller ("memory", "cpuset", "freezer" …): on v2 the one
 * directory; on v1 the hierarchy whose name lists the controller; NULL when none does. */
const struct cgroup_dir *cgroup_dir_for(const struct cgroup *cg, const char *controller);
/* The cgroup2 directory (v2, or the unified one of a hybrid host), or NULL. */
const struct cgroup_dir *cgroup_unified_dir(const struct cgroup *cg);

/* ---- the host's hierarchies (hierarchy.c) --------------------------------------------- */

struct cgroup_hierarchy {
  char *name;  /* as cgroup_dir.name */
  char *mount; /* mount point: /sys/fs/cgroup/memory */
  char *own;   /* the calling process's cgroup in it, as an absolute directory */
};

struct cgroup_host {
  enum cgroup_mode mode;
  struct cgroup_hierarchy *h;
  size_t n;
};

/* Finds the mode (statfs of /sys/fs/cgroup and of its unified mount), the mounted hierarchies
 * (/proc/self/mountinfo) and the caller's place in each (/proc/self/cgroup). */
int cgroup_host_detect(struct cgroup_host *host, ocirun_error *err);
void cgroup_host_release(struct cgroup_host *host);
/* Fills cg->views from host and cg->dirs (call once the dirs are known); frees them. */
void cgroup_views_fill(struct cgroup *cg, const struct cgroup_host *host);
void cgroup_views_release(struct cgroup *cg);
/* The directory a relative linux.cgroupsPath is taken from in hierarchy h (malloc'd): the
 * caller's own cgroup, or on v2 its parent (see make_dirs in cgroup.c). */
char *cgroup_base_dir(const struct cgroup_host *host, const struct cgroup_hierarchy *h);

/* Parsing, exposed for the unit tests. One line of /proc/self/mountinfo: on a cgroup or
 * cgroup2 mount fills (malloc'd) mount point, root and hierarchy name and returns 1; other
 * filesystems return 0; a malformed line -1. */
int cgroup_parse_mountinfo_line(const char *line, char **mount, char **root, char **name, bool *v2);
/* /proc/PID/cgroup: the path of hierarchy name ("memory", "cpu,cpuacct" in any order,
 * "name=systemd", or "" for the cgroup2 line). malloc'd, or NULL when absent. */
char *cgroup_parse_proc_cgroup(const char *text, const char *name);
/* True when the comma-separated sets a and b are equal ("cpuacct,cpu" == "cpu,cpuacct"). */
bool cgroup_names_equal(const char *a, const char *b);
/* True when the comma-separated list names contains item. */
bool cgroup_name_has(const char *names, const char *item);

/* cgroup_create's rootless rule (cgroup.c): not root, or root of a user namespace other than
 * the first, and no limits asked for beyond device rules: a cgroup it may not make is done
 * without, with a warning. */
bool cgroup_running_rootless(void);
bool cgroup_wants_limits(const oci_resources *r);

/* ---- paths (path.c) ------------------------------------------------------------------- */

/* Lexical normalization of a cgroup path: "//a/./b/" → "/a/b", "a/../b" → "b", "" → "".
 * A ".." that would climb above the start (the hierarchy root for an absolute path, the base
 * it is relative to otherwise) is refused. The result keeps being absolute or relative. */
int cgroup_path_clean(const char *in, char **out, ocirun_error *err);

/* The container's path inside each hierarchy, from linux.cgroupsPath (may be NULL):
 * cgroupfs: empty → "<id>" (relative, as runc), otherwise cleaned.
 * systemd: "slice:prefix:name" → "/a.slice/a-b.slice/prefix-name.scope" (absolute); empty →
 * "/system.slice/ocirun-<id>.scope". */
int cgroup_inner_path(const char *cgroups_path, const char *id, bool systemd, char **out,
                      ocirun_error *err);

/* systemd's "slice:prefix:name" (or empty: system.slice, ocirun, id) → the slice and the unit
 * ("prefix-name.scope", or name itself when it is a slice), both malloc'd. */
int cgroup_systemd_unit(const char *cgroups_path, const char *id, char **slice, char **unit,
                        ocirun_error *err);

/* "a-b-c.slice" → "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" → "/". */
int cgroup_expand_slice(const char *slice, char **out, ocirun_error *err);

/* The directory for inner in a hierarchy: absolute inner → mount + inner; relative → the
 * base (the caller's own cgroup directory) + inner. */
char *cgroup_path_join(const char *mount, const char *base, const char *inner);

/* ---- files (fs.c) --------------------------------------------------------------------- */

/* Writes value to dir/file in one write(): errors read
 * `cgroup: write memory.limit_in_bytes "1024": Device or resource busy`. */
int cg_write(const char *dir, const char *file, const char *value, ocirun_error *err);
/* Reads dir/file whole (trailing newline kept). */
int cg_read(const char *dir, const char *file, char **out, ocirun_error *err);
/* Reads a single number; "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out, ocirun_error *err);
/* The value of "key N" in a flat keyed file (memory.stat, cgroup.events, pids.events). */
int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out);
bool cg_exists(const char *dir, const char *file);

/* mkdir -p of path below mount (which must exist). *created gets the topmost directory made
 * (NULL when all existed). mode 0755. */
int cg_mkdir_p(const char *mount, const char *path, char **created, ocirun_error *err);
/* rmdir of path and every cgroup below it, deepest first; retries EBUSY for a while. A missing
 * path is fine. */
int cg_rmdir_tree(const char *path, ocirun_error *err);

/* Parses cgroup.procs text into pids appended to *pids (*n of *cap). Returns -1 (EINVAL)
 * on a line that is not a positive decimal number. */
int cg_parse_procs(const char *text, pid_t **pids, size_t *n, size_t *cap);
/* The pids of dir's cgroup.procs and of every cgroup below it. */
int cg_read_procs_tree(const char *dir, pid_t **pids, size_t *n, size_t *cap, ocirun_error *err);
/* True when path exists and lies on some other filesystem than cgroup or cgroup2: one statfs
 * (a missing or unreadable path is not refused, as nothing there can be signalled or removed). */
bool cg_not_cgroupfs(const char *path);
/* rmdir of path alone: 0 when it is gone (or was), -1 with errno otherwise (EBUSY: processes
 * or cgroups are left in it). */
int cg_rmdir_one(const char *path);

/* ---- conversions (convert.c) ---------------------------------------------------------- */

/* cpu.shares [2, 262144] → cpu.weight [1, 10000]; 0 stays 0 (unset). The curve runc and crun
 * use today: log-quadratic, with 1024 (the v1 default) landing on 100 (the v2 default). */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] → io.weight [1, 10000], linear; 0 stays 0. */
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);
/* memory.swap in the spec is memory+swap; v2's memory.swap.max is swap alone. Returns 0 and
 * *out (-1 = "max", 0 = leave alone), or -1 with the reason. */
int cgroup_swap_to_v2(int64_t swap, int64_t memory, int64_t *out, ocirun_error *err);
/* "max" for -1 (and any negative), the decimal value otherwise. buf holds 24 bytes. */
const char *cgroup_limit_str(int64_t v, char *buf, size_t len);

/* ---- the plan: resources → file writes (plan.c, plan_v1.c, plan_v2.c) ------------------ */

enum {
  CG_OP_OPTIONAL = 1 << 0,     /* a missing file is skipped silently */
  CG_OP_WARN = 1 << 1,         /* a failure is a warning, not an error */
  CG_OP_RETRY_LATER = 1 << 2,  /* EINVAL: do the next write first, then this one again */
  CG_OP_CHECK_SHARES = 1 << 3, /* read back: the kernel clamps cpu.shares silently */
  CG_OP_MEMORY_LIMIT = 1 << 4, /* EBUSY: say what the usage is */
  CG_OP_WARN_IGNORED = 1 << 5, /* read back: a kernel that took the write but not the value warns */
};

struct cg_op {
  const char *controller; /* the hierarchy that holds file (v1); informative on v2 */
  char *file;
  char *value;
  unsigned flags;
};

struct cg_plan {
  struct cg_op *ops;
  size_t n, cap;
  char **warnings; /* what was ignored and why (logged as warnings) */
  size_t nwarnings;
};

/* What the plan may learn from the host: whether a file exists, a current value. Reads of a
 * missing file return -1. A NULL probe answers "does not exist" for everything. */
struct cg_probe {
  bool (*exists)(void *ctx, const char *controller, const char *file);
  int (*read)(void *ctx, const char *controller, const char *file, char **out);
  void *ctx;
};

enum cg_plan_kind {
  CG_PLAN_CREATE, /* a new container: device rules with the defaults */
  CG_PLAN_UPDATE, /* `update`: device rules untouched, as runc */
};

void cg_plan_add(struct cg_plan *plan, const char *controller, const char *file, unsigned flags,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void cg_plan_warn(struct cg_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cg_plan_release(struct cg_plan *plan);

int cg_plan_v1(const oci_resources *r, enum cg_plan_kind kind, const struct cg_probe *probe,
               struct cg_plan *plan, ocirun_error *err);
int cg_plan_v2(const oci_resources *r, enum cg_plan_kind kind, const struct cg_probe *probe,
               struct cg_plan *plan, ocirun_error *err);

/* Probe helpers: false / -1 without a probe. "max" reads as UINT64_MAX. */
bool cg_probe_has(const struct cg_probe *probe, const char *controller, const char *file);
int cg_probe_u64(const struct cg_probe *probe, const char *controller, const char *file,
                 uint64_t *out);
/* rdma.max lines, the same on v1 and v2. */
int cg_plan_rdma(const oci_resources *r, struct cg_plan *plan, ocirun_error *err);
/* A name that ends up inside a control file's line (interface, rdma device): no blanks, no
 * slash, not empty. */
int cg_check_word(const char *what, const char *s, ocirun_error *err);

/* Device rules (devices.c): each rule of linux.resources.devices checked and turned into the
 * v1 text "c 1:3 rwm"; then, for a new container, the defaults every container gets (runc's
 * list: mknod of anything, null, zero, full, random, urandom, tty, ptmx, pts, tun). */
struct cg_device_rule {
  bool allow;
  char type;     /* 'a', 'b', 'c' */
  int64_t major; /* -1 = any */
  int64_t minor; /* -1 = any */
  char access[4];
};
int cg_device_rules(const oci_resources *r, bool with_defaults, struct cg_device_rule **rules,
                    size_t *n, ocirun_error *err);
void cg_device_rule_str(const struct cg_device_rule *rule, char *buf, size_t len);

/* Carries a plan out on the container's directories. */
int cg_plan_execute(const struct cgroup *cg, const struct cg_plan *plan, ocirun_error *err);
/* A probe that reads the container's directories. */
void cg_probe_init(struct cg_probe *probe, const struct cgroup *cg);

/* ---- v2 (v2.c) ------------------------------------------------------------------------ */

/* Turns on every available controller in cgroup.subtree_control of each directory from mount
 * down to the parent of path. */
int cgroup_v2_enable_controllers(const char *mount, const char *path, ocirun_error *err);
/* eBPF device filter (devices_bpf.c): attaches a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * from rules to dir. Returns 0, or -1 with ENOSYS-like errors when the kernel refuses. */
int cgroup_v2_devices_apply(const char *dir, const struct cg_device_rule *rules, size_t n,
                            ocirun_error *err);

/* ---- systemd (systemd.c: sd-bus; systemd_none.c without libsystemd) -------------------- */

/* Connects to systemd (its private socket as root, else the system bus) and checks that it
 * answers; the error names what is missing (no systemd as init, no bus, a build without
 * libsystemd). */
int cg_systemd_connect(struct cgroup *cg, ocirun_error *err);
/* StartTransientUnit of cg->unit in cg->slice holding pid, with Delegate=yes and the resource
 * properties systemd knows; returns once the job is done. */
int cg_systemd_start(struct cgroup *cg, pid_t pid, const oci_resources *r, ocirun_error *err);
/* SetUnitProperties for `update`. */
int cg_systemd_update(struct cgroup *cg, const oci_resources *r, ocirun_error *err);
/* StopUnit (a unit already gone is fine) and ResetFailedUnit; waits for the job. */
int cg_systemd_stop(struct cgroup *cg, ocirun_error *err);
void cg_systemd_close(struct cgroup *cg);

/* ---- freezer (freezer.c) -------------------------------------------------------------- */
int cgroup_freeze_dir(const struct cgroup *cg, bool frozen, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun check`: what the host's cgroups offer, and which of a config's linux.resources
 * create could apply here. The bundle side builds the very plan create would carry out
 * (plan_v1.c / plan_v2.c) with a probe that looks at the host instead of the container's
 * directories (which do not exist yet), then asks of each write what run_op in plan.c would
 * meet: a hierarchy that is not mounted, a file this kernel does not have. Nothing is
 * written. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_check.h"
#include "check/report.h"
#include "cpu_affinity.h"
#include "internal.h"
#include "utils.h"

static const struct cgroup_hierarchy *hierarchy_for(const struct cgroup_host *host,
                                                    const char *controller)
{
  for (size_t i = 0; i < host->n; i++) {
    bool unified = strcmp(host->h[i].name, CGROUP_UNIFIED_NAME) == 0;
    if (host->mode == CGROUP_MODE_V2 ? unified
                                     : !unified && cgroup_name_has(host->h[i].name, controller))
      return &host->h[i];
  }
  return NULL;
}

static const struct cgroup_hierarchy *unified_hierarchy(const struct cgroup_host *host)
{
  for (size_t i = 0; i < host->n; i++)
    if (strcmp(host->h[i].name, CGROUP_UNIFIED_NAME) == 0)
      return &host->h[i];
  return NULL;
}

/* The first directory just below mount for which accept() says yes, or NULL. */
static char *child_dir(const char *mount, bool (*accept)(const char *dir, const void *arg),
                       const void *arg)
{
  DIR *d = opendir(mount);
  struct dirent *e;
  char *found = NULL;

  if (d == NULL)
    return NULL;
  while (found == NULL && (e = readdir(d)) != NULL) {
    autofree char *dir = NULL;
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    dir = xasprintf("%s/%s", mount, e->d_name);
    if (accept(dir, arg))
      found = steal_ptr(dir);
  }
  closedir(d);
  return found;
}

static bool any_dir(const char *dir, const void *arg)
{
  (void)dir;
  (void)arg;
  return true;
}

/* v2: a controller's files exist in a cgroup whose cgroup.controllers lists it. */
static bool lists_controller(const char *dir, const void *controller)
{
  autofree char *text = NULL;
  char *save = NULL;

  if (cg_read(dir, "cgroup.controllers", &text, NULL) < 0)
    return false;
  for (char *c = strtok_r(text, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
    if (strcmp(c, controller) == 0)
      return true;
  return false;
}

/* The controllers cgroup2 can give a new container: the mount's own list, which
 * cgroup_v2_enable_controllers passes down level by level. Space-separated, malloc'd. */
static char *v2_controllers(const struct cgroup_hierarchy *h)
{
  autofree char *text = NULL;

  if (h == NULL || cg_read(h->mount, "cgroup.controllers", &text, NULL) < 0)
    return xstrdup("");
  text[strcspn(text, "\n")] = '\0';
  return steal_ptr(text);
}

/* ---- the probe the plan builders get ------------------------------------------------- */

struct host_probe {
  const struct cgroup_host *host;
  char *v2_available; /* v2 only: comma-separated */
};

/* On v2 a file belongs to the controller its name starts with ("memory.max"); cgroup.* files
 * are the core's. */
static char *file_controller(const char *file)
{
  const char *dot = strchr(file, '.');

  return dot ? strndup(file, (size_t)(dot - file)) : xstrdup(file);
}

static bool v2_file_exists(const struct host_probe *hp, const char *file)
{
  const struct cgroup_hierarchy *h = unified_hierarchy(hp->host);
  autofree char *controller = file_controller(file);
  autofree char *rep = NULL;

  if (h == NULL)
    return false;
  if (strcmp(controller, "cgroup") == 0)
    return true;
  if (!cgroup_name_has(hp->v2_available, controller))
    return false;
  /* Files the kernel's configuration decides (io.bfq.weight, memory.swap.max) are looked up
   * in a cgroup that already has the controller; with none to look at, assume they exist. */
  rep = child_dir(h->mount, lists_controller, controller);
  return rep == NULL || cg_exists(rep, file);
}

/* v1: the files of a hierarchy are the same in every cgroup below its root (the root itself
 * lacks some, pids.max for one), so look in the caller's cgroup or any child of the root. */
static char *v1_representative(const struct cgroup_hierarchy *h)
{
  char *dir;

  if (strcmp(h->own, h->mount) != 0)
    return xstrdup(h->own);
  dir = child_dir(h->mount, any_dir, NULL);
  return dir ? dir : xstrdup(h->mount);
}

static bool probe_exists(void *ctx, const char *controller, const char *file)
{
  const struct host_probe *hp = ctx;
  const struct cgroup_hierarchy *h;
  autofree char *rep = NULL;

  if (hp->host->mode == CGROUP_MODE_V2)
    return v2_file_exists(hp, file);
  h = hierarchy_for(hp->host, controller);
  if (h == NULL)
    return false;
  rep = v1_representative(h);
  return cg_exists(rep, file);
}

/* What a new cgroup would hold is unknown: no current values. The plans then take the order
 * that is right for a fresh cgroup. */
static int probe_read(void *ctx, const char *controller, const char *file, char **out)
{
  (void)ctx;
  (void)controller;
  (void)file;
  (void)out;
  return -1;
}

/* ---- bundle ---------------------------------------------------------------------------- */

static const char *resources_path(const char *controller)
{
  static const struct {
    const char *controller, *path;
  } map[] = {
      {"memory", "linux.resources.memory"},
      {"cpu", "linux.resources.cpu"},
      {"cpuset", "linux.resources.cpu"},
      {"blkio", "linux.resources.blockIO"},
      {"io", "linux.resources.blockIO"},
      {"pids", "linux.resources.pids"},
      {"hugetlb", "linux.resources.hugepageLimits"},
      {"net_cls", "linux.resources.network"},
      {"net_prio", "linux.resources.network"},
      {"rdma", "linux.resources.rdma"},
      {"devices", "linux.resources.devices"},
      {"unified", "linux.resources.unified"},
  };

  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strcmp(map[i].controller, controller) == 0)
      return map[i].path;
  return "linux.resources";
}

static const char *advice_for(const char *controller, enum cgroup_mode mode)
{
  if (strcmp(controller, "unified") == 0)
    return "set unified keys only on a cgroup v2 host, or remove them";
  if (strcmp(controller, "hugetlb") == 0)
    return "mount the hugetlb controller (or boot with cgroup v2), or remove hugepageLimits";
  if (strcmp(controller, "net_cls") == 0 || strcmp(controller, "net_prio") == 0)
    return "mount the net_cls,net_prio hierarchy, or remove linux.resources.network";
  if (mode == CGROUP_MODE_V2)
    return "enable the controller in cgroup.subtree_control above the container, or remove "
           "the setting";
  return "mount that controller's hierarchy, or remove the setting";
}

/* What run_op (plan.c) meets for one write, told as its own error would tell it. */
static void check_op(const struct host_probe *hp, const struct cg_op *op, struct check_report *r)
{
  const struct cgroup_host *host = hp->host;
  const struct cgroup_hierarchy *h = hierarchy_for(host, op->controller);
  enum finding_severity sev = (op->flags & CG_OP_WARN) ? FINDING_WARNING : FINDING_ERROR;
  const char *tail = sev == FINDING_WARNING ? ": ignored" : "";
  const char *path = resources_path(op->controller);
  const char *advice = advice_for(op->controller, host->mode);

  if (h == NULL) {
    if (op->flags & CG_OP_OPTIONAL)
      return;
    report_finding(r, sev, path, advice,
                   "cgroup: write %s \"%s\": no %s cgroup hierarchy is mounted%s", op->file,
                   op->value, op->controller, tail);
    return;
  }
  if (probe_exists((void *)hp, op->controller, op->file)) {
    /* Kernel memory: recent kernels keep the files but drop the value (run_op warns after
     * reading it back); a probe cannot tell without writing. */
    if (op->flags & CG_OP_WARN_IGNORED)
      report_finding(r, FINDING_WARNING, path, "remove the setting: it is deprecated",
                     "cgroup: %s \"%s\": recent kernels accept it but ignore the value", op->file,
                     op->value);
    return;
  }
  if (op->flags & CG_OP_OPTIONAL)
    return;
  if (host->mode == CGROUP_MODE_V2) {
    autofree char *controller = file_controller(op->file);
    report_finding(r, sev, path, advice,
                   "cgroup: write %s \"%s\" (controller \"%s\" not available)%s", op->file,
                   op->value, controller, tail);
  } else {
    report_finding(r, sev, path, advice,
                   "cgroup: write %s \"%s\" (not supported by the %s hierarchy)%s", op->file,
                   op->value, h->name, tail);
  }
}

/* v1: a cpuset cgroup takes only CPUs and memory nodes its parent has (the kernel answers
 * EINVAL, or ERANGE past the last CPU). The parent is the caller's cpuset cgroup. */
static void check_cpuset_subset(const struct cgroup_host *host, const char *file, const char *want,
                                struct check_report *r)
{
  const struct cgroup_hierarchy *h = hierarchy_for(host, "cpuset");
  autofree char *have = NULL;
  cpu_set_t *want_set = NULL, *have_set = NULL;
  size_t want_size = 0, have_size = 0;
  ocirun_error err = {0};

  if (h == NULL || want == NULL || want[0] == '\0' || cg_read(h->own, file, &have, NULL) < 0)
    return;
  have[strcspn(have, "\n")] = '\0';
  /* A list this parser refuses goes to the kernel as it is: the kernel is the judge there. */
  if (cpu_list_parse(want, &want_set, &want_size, &err) == 0 &&
      cpu_list_parse(have, &have_set, &have_size, &err) == 0) {
    for (size_t cpu = 0; cpu < want_size * 8; cpu++)
      if (CPU_ISSET_S(cpu, want_size, want_set) &&
          (cpu >= have_size * 8 || !CPU_ISSET_S(cpu, have_size, have_set))) {
        report_finding(r, FINDING_ERROR, "linux.resources.cpu",
                       "ask only for what the parent cgroup has",
                       "cgroup: write %s \"%s\": %zu is not in the parent's %s \"%s\"", file, want,
                       cpu, file, have);
        break;
      }
  }
  if (want_set)
    CPU_FREE(want_set);
  if (have_set)
    CPU_FREE(have_set);
}

/* A cgroup that already exists and holds processes is refused (check_empty in cgroup.c). */
static void check_placement(const struct cgroup_host *host, const char *inner,
                            struct check_report *r)
{
  for (size_t i = 0; i < host->n; i++) {
    const struct cgroup_hierarchy *h = &host->h[i];
    autofree char *base = cgroup_base_dir(host, h);
    autofree char *dir = cgroup_path_join(h->mount, base, inner);
    autofree pid_t *pids = NULL;
    size_t n = 0, cap = 0;

    if (strcmp(dir, h->mount) == 0 || strcmp(dir, h->own) == 0) {
      report_finding(r, FINDING_ERROR, "linux.cgroupsPath", "name a cgroup below the runtime's own",
                     "cgroup: %s is not a cgroup of the container's own", dir);
      return;
    }
    if (access(dir, F_OK) == 0 && cg_read_procs_tree(dir, &pids, &n, &cap, NULL) == 0 && n > 0) {
      report_finding(r, FINDING_ERROR, "linux.cgroupsPath",
                     "name a new cgroup, or empty this one first",
                     "cgroup: %s is not empty: %zu process(es) found", dir, n);
      return;
    }
  }
}

/* Rootless: may the caller make directories where create would (every hierarchy)? */
static bool bases_writable(const struct cgroup_host *host)
{
  for (size_t i = 0; i < host->n; i++) {
    autofree char *base = cgroup_base_dir(host, &host->h[i]);
    if (access(base, W_OK) != 0)
      return false;
  }
  return true;
}

void cgroup_check_bundle(const oci_config *config, bool systemd_driver, struct check_report *r)
{
  const oci_linux *lx = config->linux;
  const oci_resources *res = lx ? lx->resources : NULL;
  struct cgroup_host host = {0};
  struct host_probe hp = {.host = &host};
  struct cg_probe probe = {.exists = probe_exists, .read = probe_read, .ctx = &hp};
  struct cg_plan plan = {0};
  ocirun_error err = {0};
  autofree char *inner = NULL;
  int rc;

  /* The id only names the default cgroup; "check" stands for the one create would get. */
  if (cgroup_inner_path(lx ? lx->cgroupsPath : NULL, "check", systemd_driver, &inner, &err) < 0) {
    report_finding(r, FINDING_ERROR, "linux.cgroupsPath", "write a clean path", "%s", err.msg);
    return;
  }
  if (systemd_driver) {
    /* What create asks first: that systemd answers (no unit is made here). */
    struct cgroup probe_cg = {0};
    if (cg_systemd_connect(&probe_cg, &err) < 0) {
      report_finding(r, FINDING_ERROR, "", "run under systemd, or drop --systemd-cgroup", "%s",
                     err.msg);
      return;
    }
    cg_systemd_close(&probe_cg);
  }
  if (cgroup_host_detect(&host, &err) < 0) {
    report_finding(r, FINDING_ERROR, "", "mount cgroupfs or cgroup2 under /sys/fs/cgroup", "%s",
                   err.msg);
    return;
  }
  if (cgroup_running_rootless() && !bases_writable(&host)) {
    if (cgroup_wants_limits(res))
      report_finding(r, FINDING_ERROR, "linux.resources",
                     "delegate a cgroup to this user (systemd: Delegate=yes), or drop the limits",
                     "cgroup: the caller's cgroup is not writable by uid %u: limits cannot be "
                     "applied",
                     (unsigned)geteuid());
    else
      report_finding(r, FINDING_WARNING, "linux.cgroupsPath",
                     "delegate a cgroup to this user (systemd: Delegate=yes)",
                     "cgroup: the caller's cgroup is not writable by uid %u: running without a "
                     "cgroup of its own (rootless)",
                     (unsigned)geteuid());
    cgroup_host_release(&host);
    return;
  }
  if (lx && lx->cgroupsPath && lx->cgroupsPath[0])
    check_placement(&host, inner, r);
  if (host.mode != CGROUP_MODE_V2 && res && res->cpu) {
    check_cpuset_subset(&host, "cpuset.cpus", res->cpu->cpus, r);
    check_cpuset_subset(&host, "cpuset.mems", res->cpu->mems, r);
  }
  if (host.mode == CGROUP_MODE_V2)
    hp.v2_available = v2_controllers(unified_hierarchy(&host));
  if (hp.v2_available)
    for (char *c = hp.v2_available; *c; c++)
      if (*c == ' ')
        *c = ',';
  rc = host.mode == CGROUP_MODE_V2 ? cg_plan_v2(res, CG_PLAN_CREATE, &probe, &plan, &err)
                                   : cg_plan_v1(res, CG_PLAN_CREATE, &probe, &plan, &err);
  if (rc < 0) {
    report_finding(r, FINDING_ERROR, "linux.resources",
                   host.mode == CGROUP_MODE_V2 ? "fix the value" : advice_for("unified", host.mode),
                   "%s", err.msg);
  } else {
    for (size_t i = 0; i < plan.nwarnings; i++)
      report_finding(r, FINDING_WARNING, "linux.resources", "remove the setting on this host", "%s",
                     plan.warnings[i]);
    for (size_t i = 0; i < plan.n; i++)
      check_op(&hp, &plan.ops[i], r);
  }
  cg_plan_release(&plan);
  free(hp.v2_available);
  cgroup_host_release(&host);
}

/* ---- host ------------------------------------------------------------------------------ */

static const char *const v1_wanted[] = {"cpu",     "cpuacct", "cpuset",  "memory",
                                        "pids",    "blkio",   "devices", "freezer",
                                        "hugetlb", "net_cls", "net_prio"};
static const char *const v2_wanted[] = {"cpu", "cpuset", "memory", "pids", "io", "hugetlb"};

static void probe_controllers(const struct cgroup_host *host, struct check_report *r)
{
  autofree char *have = NULL;
  autofree char *missing = xstrdup("");
  const char *const *wanted = host->mode == CGROUP_MODE_V2 ? v2_wanted : v1_wanted;
  size_t nwanted = host->mode == CGROUP_MODE_V2 ? sizeof(v2_wanted) / sizeof(v2_wanted[0])
                                                : sizeof(v1_wanted) / sizeof(v1_wanted[0]);

  if (host->mode == CGROUP_MODE_V2) {
    have = v2_controllers(unified_hierarchy(host));
  } else {
    have = xstrdup("");
    for (size_t i = 0; i < host->n; i++) {
      char *next;
      if (strcmp(host->h[i].name, CGROUP_UNIFIED_NAME) == 0 || has_prefix(host->h[i].name, "name="))
        continue;
      next = xasprintf("%s%s%s", have, have[0] ? " " : "", host->h[i].name);
      free(have);
      have = next;
    }
  }
  for (size_t i = 0; i < nwanted; i++) {
    autofree char *commas = xstrdup(have);
    bool found = false;
    for (char *c = commas; *c; c++)
      if (*c == ' ')
        *c = ',';
    found = cgroup_name_has(commas, wanted[i]);
    if (!found) {
      char *next = xasprintf("%s%s%s", missing, missing[0] ? " " : "", wanted[i]);
      free(missing);
      missing = next;
    }
  }
  if (missing[0])
    report_probe(r, "cgroup", "controllers", PROBE_LIMITED, "%s; not available: %s",
                 have[0] ? have : "none", missing);
  else
    report_probe(r, "cgroup", "controllers", PROBE_OK, "%s", have);
}

static void probe_mode(const struct cgroup_host *host, struct check_report *r)
{
  const struct cgroup_hierarchy *u = unified_hierarchy(host);

  switch (host->mode) {
  case CGROUP_MODE_V2:
    report_probe(r, "cgroup", "mode", PROBE_OK, "v2: unified hierarchy at %s", u->mount);
    break;
  case CGROUP_MODE_HYBRID: {
    autofree char *ctl = v2_controllers(u);
    report_probe(r, "cgroup", "mode", PROBE_LIMITED,
                 "hybrid: v1 controllers, cgroup2 at %s (%s); linux.resources.unified refused",
                 u->mount, ctl[0] ? ctl : "no controllers, placement only");
    break;
  }
  case CGROUP_MODE_V1:
    report_probe(r, "cgroup", "mode", PROBE_LIMITED, "v1 only; linux.resources.unified refused");
    break;
  }
}

static void probe_delegation(const struct cgroup_host *host, struct check_report *r)
{
  const struct cgroup_hierarchy *h =
      host->mode == CGROUP_MODE_V2 ? unified_hierarchy(host) : hierarchy_for(host, "memory");
  autofree char *base = NULL;

  if (geteuid() == 0) {
    report_probe(r, "cgroup", "delegation", PROBE_OK, "running as root: cgroups are writable");
    return;
  }
  if (h == NULL) {
    report_probe(r, "cgroup", "delegation", PROBE_MISSING, "no hierarchy to delegate");
    return;
  }
  base = cgroup_base_dir(host, h);
  if (access(base, W_OK) == 0)
    report_probe(r, "cgroup", "delegation", PROBE_OK, "%s is writable by uid %u", base,
                 (unsigned)geteuid());
  else
    report_probe(r, "cgroup", "delegation", PROBE_MISSING,
                 "%s is not writable by uid %u: rootless containers run without limits", base,
                 (unsigned)geteuid());
}

static void probe_freezer(const struct cgroup_host *host, struct check_report *r)
{
  const struct cgroup_hierarchy *u = unified_hierarchy(host);
  autofree char *rep = NULL;

  if (host->mode != CGROUP_MODE_V2) {
    if (hierarchy_for(host, "freezer"))
      report_probe(r, "cgroup", "freezer", PROBE_OK, "v1 freezer hierarchy: pause and resume");
    else
      report_probe(r, "cgroup", "freezer", PROBE_MISSING,
                   "no freezer hierarchy: pause and resume fail");
    return;
  }
  rep = strcmp(u->own, u->mount) != 0 ? xstrdup(u->own) : child_dir(u->mount, any_dir, NULL);
  if (rep == NULL || cg_exists(rep, "cgroup.freeze"))
    report_probe(r, "cgroup", "freezer", PROBE_OK, "cgroup.freeze (v2): pause and resume");
  else
    report_probe(r, "cgroup", "freezer", PROBE_MISSING,
                 "no cgroup.freeze (kernel before 5.2): pause and resume fail");
}

static void probe_devices(const struct cgroup_host *host, struct check_report *r)
{
  if (host->mode != CGROUP_MODE_V2) {
    if (hierarchy_for(host, "devices"))
      report_probe(r, "cgroup", "devices", PROBE_OK, "v1 devices controller");
    else
      report_probe(r, "cgroup", "devices", PROBE_MISSING,
                   "no devices hierarchy: create fails writing devices.allow");
    return;
  }
  /* bpf(2) with a bad command: EINVAL says the syscall is there, ENOSYS that it is not. */
  if (syscall(SYS_bpf, -1, NULL, 0) < 0 && errno == ENOSYS)
    report_probe(r, "cgroup", "devices", PROBE_MISSING,
                 "no bpf(2): v2 device rules cannot be enforced, create fails");
  else
    report_probe(r, "cgroup", "devices", PROBE_OK, "eBPF device programs (cgroup2)");
}

void cgroup_check_host(struct check_report *r)
{
  struct cgroup_host host = {0};
  ocirun_error err = {0};

  if (cgroup_host_detect(&host, &err) < 0) {
    report_probe(r, "cgroup", "mode", PROBE_MISSING, "%s", err.msg);
    return;
  }
  probe_mode(&host, r);
  probe_controllers(&host, r);
  probe_delegation(&host, r);
  probe_freezer(&host, r);
  probe_devices(&host, r);
  cgroup_host_release(&host);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup: deciding where it goes (path.c), making the directories in every
 * hierarchy of the host (hierarchy.c), applying resources (plan*.c), placing processes,
 * listing and signalling them, and removing it all again. The directories are recorded in
 * state.json, so later commands never look at the host's layout again. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "log.h"
#include "rootless.h"
#include "state.h"
#include "utils.h"

/* ---- the object ----------------------------------------------------------------------- */

static const char *const mode_names[] = {
    [CGROUP_MODE_V1] = "v1",
    [CGROUP_MODE_HYBRID] = "hybrid",
    [CGROUP_MODE_V2] = "v2",
};

const char *cgroup_mode_name(enum cgroup_mode mode)
{
  return mode_names[mode];
}

const char *cgroup_mode_str(const struct cgroup *cg)
{
  return cgroup_mode_name(cg->mode);
}

int cgroup_mode_parse(const char *s, enum cgroup_mode *mode)
{
  for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
    if (strcmp(s, mode_names[i]) == 0) {
      *mode = (enum cgroup_mode)i;
      return 0;
    }
  return -1;
}

const struct cgroup_dir *cgroup_dir_for(const struct cgroup *cg, const char *controller)
{
  if (cg->mode == CGROUP_MODE_V2)
    return cg->ndirs > 0 ? &cg->dirs[0] : NULL;
  for (size_t i = 0; i < cg->ndirs; i++)
    if (strcmp(cg->dirs[i].name, CGROUP_UNIFIED_NAME) != 0 &&
        cgroup_name_has(cg->dirs[i].name, controller))
      return &cg->dirs[i];
  return NULL;
}

const struct cgroup_dir *cgroup_unified_dir(const struct cgroup *cg)
{
  for (size_t i = 0; i < cg->ndirs; i++)
    if (strcmp(cg->dirs[i].name, CGROUP_UNIFIED_NAME) == 0)
      return &cg->dirs[i];
  return NULL;
}

static void add_dir(struct cgroup *cg, const char *name, char *path)
{
  cg->dirs = xrealloc(cg->dirs, (cg->ndirs + 1) * sizeof(*cg->dirs));
  cg->dirs[cg->ndirs].name = xstrdup(name);
  cg->dirs[cg->ndirs].path = path;
  cg->dirs[cg->ndirs].created = NULL;
  cg->dirs[cg->ndirs].mount = NULL;
  cg->ndirs++;
}

void cgroup_idle(struct cgroup *cg)
{
  if (cg != NULL)
    cg_systemd_close(cg);
}

void cgroup_free(struct cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->ndirs; i++) {
    free(cg->dirs[i].name);
    free(cg->dirs[i].path);
    free(cg->dirs[i].created);
    free(cg->dirs[i].mount);
  }
  free(cg->dirs);
  cgroup_views_release(cg);
  cg_systemd_close(cg);
  free(cg->unit);
  free(cg->slice);
  free(cg->description);
  free(cg);
}

/* ---- state.json ----------------------------------------------------------------------- */

oci_string_map *cgroup_to_record(const struct cgroup *cg)
{
  oci_string_map *m = xcalloc(1, sizeof(*m));

  m->keys = xcalloc(cg->ndirs + 2, sizeof(char *));
  m->values = xcalloc(cg->ndirs + 2, sizeof(char *));
  m->keys[0] = xstrdup(RECORD_MODE);
  m->values[0] = xstrdup(cgroup_mode_name(cg->mode));
  m->len = 1;
  if (cg->unit) {
    m->keys[1] = xstrdup(RECORD_UNIT);
    m->values[1] = xstrdup(cg->unit);
    m->len = 2;
  }
  for (size_t i = 0; i < cg->ndirs; i++) {
    m->keys[m->len] = xstrdup(cg->dirs[i].name);
    m->values[m->len] = xstrdup(cg->dirs[i].path);
    m->len++;
  }
  return m;
}

/* A scope name as we make them: "prefix-name.scope", no path, nothing a shell or D-Bus would
 * read differently. */
static bool valid_unit_name(const char *s)
{
  size_t len = strlen(s);

  if (len < 7 || len > 255 || strcmp(s + len - 6, ".scope") != 0 || s[0] == '.')
    return false;
  return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.@\\") == len;
}

struct cgroup *cgroup_from_record(const oci_string_map *record, ocirun_error *err)
{
  struct cgroup *cg = xcalloc(1, sizeof(*cg));
  bool have_mode = false;

  for (size_t i = 0; record && i < record->len; i++) {
    const char *key = record->keys[i], *value = record->values[i];
    autofree char *clean = NULL;

    if (strcmp(key, RECORD_MODE) == 0) {
      if (cgroup_mode_parse(value, &cg->mode) < 0)
        goto bad;
      have_mode = true;
      continue;
    }
    if (strcmp(key, RECORD_UNIT) == 0) {
      if (!valid_unit_name(value) || cg->unit)
        goto bad;
      cg->unit = xstrdup(value);
      cg->unit_ours = true;
      continue;
    }
    /* state.json is ours, but nothing in it is trusted blindly: a directory must be an
     * absolute, clean path that is not a filesystem root. */
    if (key[0] == '\0' || value[0] != '/' || cgroup_path_clean(value, &clean, NULL) < 0 ||
        strcmp(clean, value) != 0 || strcmp(clean, "/") == 0)
      goto bad;
    /* ... and it must be a cgroup: a forged record naming a host directory whose
     * "cgroup.procs" lists host pids must not get them signalled (kill --all, pause). */
    if (cg_not_cgroupfs(clean))
      goto bad;
    add_dir(cg, key, steal_ptr(clean));
  }
  /* No directory at all is a rootless container that runs without a cgroup of its own. */
  if (!have_mode)
    goto bad;
  cg->fs_checked = true;
  return cg;

bad:
  cgroup_free(cg);
  error_set(err, EINVAL, "cgroup: the container's state holds no valid cgroup record");
  return NULL;
}

struct cgroup *cgroup_of_container(const struct container *c, ocirun_error *err)
{
  if (c->record == NULL || c->record->cgroup == NULL || c->record->cgroup->len == 0) {
    error_set(err, 0, "container \"%s\" has no cgroup recorded", c->id);
    return NULL;
  }
  return cgroup_from_record(c->record->cgroup, err);
}

/* ---- create --------------------------------------------------------------------------- */

/* A new cpuset cgroup starts with no CPUs and no memory nodes, and nothing can join it: copy
 * the parent's down every level that is still empty. */
static int cpuset_fill(const char *mount, const char *path, ocirun_error *err)
{
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  size_t mlen = strlen(mount);
  autofree char *parent = xstrdup(mount);
  const char *p = path + mlen;

  while (*p) {
    const char *start, *end;
    autofree char *cur = NULL;

    while (*p == '/')
      p++;
    if (*p == '\0')
      break;
    start = p;
    end = strchr(start, '/');
    if (end == NULL)
      end = start + strlen(start);
    cur = xasprintf("%s/%.*s", parent, (int)(end - start), start);
    for (size_t i = 0; i < 2; i++) {
      autofree char *mine = NULL;
      autofree char *theirs = NULL;
      if (cg_read(cur, files[i], &mine, err) < 0)
        return -1;
      if (mine[strspn(mine, " \n")] != '\0')
        continue;
      if (cg_read(parent, files[i], &theirs, err) < 0)
        return -1;
      theirs[strcspn(theirs, "\n")] = '\0';
      if (theirs[0] != '\0' && cg_write(cur, files[i], theirs, err) < 0)
        return -1;
    }
    free(parent);
    parent = steal_ptr(cur);
    p = end;
  }
  return 0;
}

static void remove_created(struct cgroup *cg)
{
  for (size_t i = cg->ndirs; i-- > 0;) {
    if (cg->dirs[i].created == NULL)
      continue;
    cg_rmdir_tree(cg->dirs[i].created, NULL);
    /* Parents we made may be shared by now with another container: rmdir leaves those. */
    free(cg->dirs[i].created);
    cg->dirs[i].created = NULL;
  }
}

char *cgroup_base_dir(const struct cgroup_host *host, const struct cgroup_hierarchy *h)
{
  char *base = xstrdup(h->own);

  /* On v2 the caller's own cgroup most likely has processes, and then its children cannot
   * get domain controllers: a relative path goes next to it instead (runc's rule). */
  if (host->mode == CGROUP_MODE_V2 && strcmp(base, h->mount) != 0)
    *strrchr(base, '/') = '\0';
  return base;
}

static int make_dirs(struct cgroup *cg, const struct cgroup_host *host, const char *inner,
                     ocirun_error *err)
{
  for (size_t i = 0; i < host->n; i++) {
    const struct cgroup_hierarchy *h = &host->h[i];
    struct cgroup_dir *dir;
    autofree char *base = cgroup_base_dir(host, h);

    add_dir(cg, h->name, cgroup_path_join(h->mount, base, inner));
    dir = &cg->dirs[cg->ndirs - 1];
    if (strcmp(dir->path, h->mount) == 0 || strcmp(dir->path, h->own) == 0)
      return error_set(err, 0, "cgroup: %s is not a cgroup of the container's own", dir->path);
    if (cg_mkdir_p(h->mount, dir->path, &dir->created, err) < 0)
      return -1;
    /* Top-down, now that every level exists. */
    if (host->mode == CGROUP_MODE_V2 && cgroup_v2_enable_controllers(h->mount, dir->path, err) < 0)
      return -1;
    if (cgroup_name_has(h->name, "cpuset") && strcmp(h->name, CGROUP_UNIFIED_NAME) != 0 &&
        cpuset_fill(h->mount, dir->path, err) < 0)
      return -1;
    log_debug("cgroup: %s %s", dir->created ? "created" : "using", dir->path);
  }
  return 0;
}

/* runc (1.2 on) refuses to put a container into a cgroup that already holds processes: they
 * would share its limits and be killed with it. */
static int check_empty(const struct cgroup *cg, ocirun_error *err)
{
  for (size_t i = 0; i < cg->ndirs; i++) {
    autofree pid_t *pids = NULL;
    size_t n = 0, cap = 0;
    if (cg->dirs[i].created != NULL)
      continue;
    if (cg_read_procs_tree(cg->dirs[i].path, &pids, &n, &cap, err) < 0)
      return -1;
    if (n > 0)
      return error_set(err, 0, "cgroup: %s is not empty: %zu process(es) found", cg->dirs[i].path,
                       n);
  }
  return 0;
}

static int apply(const struct cgroup *cg, const oci_resources *r, enum cg_plan_kind kind,
                 ocirun_error *err)
{
  struct cg_plan plan = {0};
  struct cg_probe probe;
  int ret;

  cg_probe_init(&probe, cg);
  if (cg->mode == CGROUP_MODE_V2)
    ret = cg_plan_v2(r, kind, &probe, &plan, err);
  else
    ret = cg_plan_v1(r, kind, &probe, &plan, err);
  if (ret == 0)
    ret = cg_plan_execute(cg, &plan, err);
  cg_plan_release(&plan);
  /* The eBPF device filter needs CAP_BPF or CAP_SYS_ADMIN of the host: rootless, the device
   * rules are left out, as runc leaves them (the user namespace keeps mknod away anyway). */
  if (ret == 0 && cg->mode == CGROUP_MODE_V2 && kind == CG_PLAN_CREATE && !rootless_active()) {
    autofree struct cg_device_rule *rules = NULL;
    size_t n = 0;
    if (cg_device_rules(r, true, &rules, &n, err) < 0)
      return -1;
    ret = cgroup_v2_devices_apply(cg->dirs[0].path, rules, n, err);
  }
  return ret;
}

/* Not root, or root of a user namespace other than the first (rootless Podman): cgroupfs is
 * most likely not ours to write. The --rootless decision (rootless.h). */
bool cgroup_running_rootless(void)
{
  return rootless_active();
}

/* Anything beyond the device rules (which rootless runc ignores as well). */
bool cgroup_wants_limits(const oci_resources *r)
{
  return r && (r->memory || r->cpu || r->pids || r->blockIO ||
               (r->hugepageLimits && r->hugepageLimits_len) || r->network ||
               (r->rdma && r->rdma->len) || (r->unified && r->unified->len));
}

struct cgroup *cgroup_none(const oci_config *config)
{
  const oci_resources *r = config && config->linux ? config->linux->resources : NULL;
  struct cgroup_host host = {0};
  struct cgroup *cg = xcalloc(1, sizeof(*cg));

  if (cgroup_host_detect(&host, NULL) == 0) {
    cg->mode = host.mode;
    cgroup_views_fill(cg, &host);
    cgroup_host_release(&host);
  }
  if (cgroup_wants_limits(r))
    log_warning("cgroup manager \"disabled\": linux.resources are not applied");
  return cg;
}

/* ---- the systemd driver ---------------------------------------------------------------- */

/* systemd makes a scope only with a process in it: create decides the unit and its
 * directories and checks that systemd answers; the scope is started with the init
 * (cgroup_enter), and the resources applied then. */
static int create_systemd(const oci_config *config, const char *id, struct cgroup **out,
                          ocirun_error *err)
{
  const oci_linux *linux_ = config ? config->linux : NULL;
  struct cgroup_host host = {0};
  autofree char *inner = NULL;
  struct cgroup *cg = xcalloc(1, sizeof(*cg));
  size_t len;

  if (cgroup_systemd_unit(linux_ ? linux_->cgroupsPath : NULL, id, &cg->slice, &cg->unit, err) < 0)
    goto fail;
  len = strlen(cg->unit);
  if (len > 6 && strcmp(cg->unit + len - 6, ".slice") == 0) {
    error_set(err, 0,
              "linux.cgroupsPath: the systemd driver puts a container in a scope; \"%s\" names "
              "a slice (use \"slice:prefix:name\")",
              cg->unit);
    goto fail;
  }
  if (cgroup_inner_path(linux_ ? linux_->cgroupsPath : NULL, id, true, &inner, err) < 0 ||
      cg_systemd_connect(cg, err) < 0 || cgroup_host_detect(&host, err) < 0)
    goto fail;
  cg->mode = host.mode;
  for (size_t i = 0; i < host.n; i++) {
    add_dir(cg, host.h[i].name, cgroup_path_join(host.h[i].mount, host.h[i].own, inner));
    cg->dirs[cg->ndirs - 1].mount = xstrdup(host.h[i].mount);
  }
  cgroup_views_fill(cg, &host);
  cgroup_host_release(&host);
  cg->description = xasprintf("ocirun container %s", id);
  cg->start_pending = true;
  cg->pending = linux_ ? linux_->resources : NULL;
  *out = cg;
  return 0;
fail:
  cgroup_host_release(&host);
  cgroup_free(cg);
  return -1;
}

/* The scope exists: systemd made its directories in the hierarchies it manages; the others
 * (v1 freezer, cpuset, net_cls, hugetlb… ) are made here, as runc does. Then cgroupfs gets
 * the whole of linux.resources. */
static int start_systemd(struct cgroup *cg, pid_t pid, ocirun_error *err)
{
  cg->start_pending = false;
  if (cg_systemd_start(cg, pid, cg->pending, err) < 0)
    return -1;
  /* Where systemd put the scope must be where we expect it (not so when ocirun runs in a
   * cgroup namespace, say): check its own hierarchy before making anything. */
  for (size_t i = 0; i < cg->ndirs; i++) {
    const struct cgroup_dir *dir = &cg->dirs[i];
    if ((cg->mode == CGROUP_MODE_V2 || strcmp(dir->name, "name=systemd") == 0) &&
        access(dir->path, F_OK) < 0)
      return error_set(err, errno, "systemd: the cgroup of %s is not at %s", cg->unit, dir->path);
  }
  for (size_t i = 0; i < cg->ndirs; i++) {
    struct cgroup_dir *dir = &cg->dirs[i];
    if (cg_mkdir_p(dir->mount, dir->path, &dir->created, err) < 0)
      return -1;
    if (cgroup_name_has(dir->name, "cpuset") && strcmp(dir->name, CGROUP_UNIFIED_NAME) != 0 &&
        cpuset_fill(dir->mount, dir->path, err) < 0)
      return -1;
  }
  return apply(cg, cg->pending, CG_PLAN_CREATE, err);
}

int cgroup_create(const oci_config *config, const char *id, bool systemd_driver,
                  struct cgroup **out, ocirun_error *err)
{
  const oci_linux *linux_ = config ? config->linux : NULL;
  const oci_resources *r = linux_ ? linux_->resources : NULL;
  struct cgroup_host host = {0};
  autofree char *inner = NULL;
  struct cgroup *cg;

  if (systemd_driver)
    return create_systemd(config, id, out, err);
  if (cgroup_inner_path(linux_ ? linux_->cgroupsPath : NULL, id, false, &inner, err) < 0)
    return -1;
  if (cgroup_host_detect(&host, err) < 0)
    return -1;
  cg = xcalloc(1, sizeof(*cg));
  cg->mode = host.mode;
  if (make_dirs(cg, &host, inner, err) < 0 || check_empty(cg, err) < 0 ||
      apply(cg, r, CG_PLAN_CREATE, err) < 0) {
    bool denied = err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS;
    remove_created(cg);
    /* Rootless without limits asked for: go on without a cgroup, as runc does. */
    if (denied && cgroup_running_rootless() && !cgroup_wants_limits(r)) {
      log_warning("%s: running without a cgroup of its own (rootless)", err->msg);
      for (size_t i = 0; i < cg->ndirs; i++) {
        free(cg->dirs[i].name);
        free(cg->dirs[i].path);
        free(cg->dirs[i].created);
      }
      cg->ndirs = 0;
      error_clear(err);
      cgroup_views_fill(cg, &host);
      cgroup_host_release(&host);
      *out = cg;
      return 0;
    }
    cgroup_host_release(&host);
    cgroup_free(cg);
    if (denied && rootless_active())
      return error_prefix(err, "rootless: linux.resources sets limits, which need a cgroup this "
                               "user can write (a delegated cgroup v2 subtree)");
    return -1;
  }
  cgroup_views_fill(cg, &host);
  cgroup_host_release(&host);
  /* Made below the cgroup mounts that mountinfo lists. */
  cg->fs_checked = true;
  *out = cg;
  return 0;
}

int cgroup_update(const struct cgroup *cg, const oci_resources *resources, ocirun_error *err)
{
  /* systemd first: it rewrites the files it has properties for whenever it realizes the
   * unit, so it must know the new values; cgroupfs then sets everything. */
  if (cg->unit && cg_systemd_update((struct cgroup *)cg, resources, err) < 0)
    return -1;
  return apply(cg, resources, CG_PLAN_UPDATE, err);
}

/* The directory that charges the memory of what the process does. */
static bool is_memory_dir(const struct cgroup *cg, const struct cgroup_dir *dir)
{
  if (cg->mode == CGROUP_MODE_V2)
    return true;
  return strcmp(dir->name, CGROUP_UNIFIED_NAME) != 0 && cgroup_name_has(dir->name, "memory");
}

int cgroup_enter_part(struct cgroup *cg, pid_t pid, enum cgroup_enter_part part, ocirun_error *err)
{
  char value[24];

  if (cg->unit && part == CGROUP_ENTER_MEMORY)
    return 0;
  if (cg->unit)
    part = CGROUP_ENTER_ALL;
  if (cg->start_pending && start_systemd(cg, pid, err) < 0)
    return -1;
  snprintf(value, sizeof(value), "%d", (int)pid);
  for (size_t i = 0; i < cg->ndirs; i++) {
    bool memory = is_memory_dir(cg, &cg->dirs[i]);
    if ((part == CGROUP_ENTER_BUT_MEMORY && memory) || (part == CGROUP_ENTER_MEMORY && !memory))
      continue;
    if (cg_write(cg->dirs[i].path, "cgroup.procs", value, err) < 0)
      return error_prefix(err, "%s", cg->dirs[i].path);
  }
  return 0;
}

int cgroup_enter(struct cgroup *cg, pid_t pid, ocirun_error *err)
{
  return cgroup_enter_part(cg, pid, CGROUP_ENTER_ALL, err);
}

int cgroup_v2_fd(const struct cgroup *cg)
{
  if (cg->mode != CGROUP_MODE_V2 || cg->ndirs == 0 || cg->start_pending)
    return -1;
  return open(cg->dirs[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

bool cgroup_self_joinable(const struct cgroup *cg)
{
  return cg && cg->mode != CGROUP_MODE_V2 && cg->ndirs > 0 && !cg->start_pending;
}

/* ---- processes ------------------------------------------------------------------------ */

static int cmp_pid(const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

  return (x > y) - (x < y);
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, ocirun_error *err)
{
  pid_t *all = NULL;
  size_t count = 0, cap = 0, uniq = 0;

  /* Every hierarchy: a process that moved itself in one of them is still found in the others. */
  for (size_t i = 0; i < cg->ndirs; i++) {
    if (cg_read_procs_tree(cg->dirs[i].path, &all, &count, &cap, err) < 0) {
      free(all);
      return -1;
    }
  }
  if (count > 0) {
    qsort(all, count, sizeof(pid_t), cmp_pid);
    for (size_t i = 0; i < count; i++)
      if (uniq == 0 || all[uniq - 1] != all[i])
        all[uniq++] = all[i];
  }
  *pids = all;
  *n = uniq;
  return 0;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

int cgroup_signal_all(const struct cgroup *cg, int sig, ocirun_error *err)
{
  const struct cgroup_dir *unified = cgroup_unified_dir(cg);
  autofree pid_t *pids = NULL;
  bool frozen, was_paused = cgroup_is_frozen(cg);
  size_t n = 0;

  /* SIGKILL of a whole cgroup2 tree is one write where the kernel has cgroup.kill (5.14). */
  if (sig == SIGKILL && unified && cg_exists(unified->path, "cgroup.kill"))
    cg_write(unified->path, "cgroup.kill", "1", NULL);
  frozen = cgroup_freeze_dir(cg, true, NULL) == 0;
  /* A paused container stays paused, except that SIGKILL needs the tasks thawed to die. */
  if (was_paused && sig != SIGKILL)
    frozen = false;
  if (cgroup_pids(cg, &pids, &n, err) < 0) {
    if (frozen)
      cgroup_freeze_dir(cg, false, NULL);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH)
      log_debug("cgroup: kill %d: %s", (int)pids[i], strerror(errno));
  if (frozen && cgroup_freeze_dir(cg, false, err) < 0)
    return -1;
  return 0;
}

static int kill_remaining(const struct cgroup *cg, ocirun_error *err)
{
  /* SIGKILL, then wait for the tasks to leave; about 10 s for one stuck in the kernel. */
  for (int attempt = 0; attempt < 200; attempt++) {
    autofree pid_t *pids = NULL;
    size_t n = 0;

    if (cgroup_pids(cg, &pids, &n, err) < 0)
      return -1;
    if (n == 0)
      return 0;
    if (attempt % 10 == 0 && cgroup_signal_all(cg, SIGKILL, err) < 0)
      return -1;
    sleep_ms(attempt < 20 ? 5 : 50);
  }
  return error_set(err, EBUSY, "cgroup: processes are left in %s after SIGKILL", cg->dirs[0].path);
}

/* ---- destroy -------------------------------------------------------------------------- */

/* What delete does when a plain rmdir is refused (EBUSY: processes left, or cgroups the
 * container made below its own) or fails otherwise: every process left in any hierarchy is
 * killed first, then each tree goes deepest first, with retries while the tasks leave. */
static int destroy_thorough(struct cgroup *cg, bool kill_rest, ocirun_error *err)
{
  int ret = 0;

  if (kill_rest && kill_remaining(cg, err) < 0)
    return -1;
  if (cg->unit) {
    ocirun_error one = {0};
    /* Without systemd (or without libsystemd), cgroupfs alone: systemd drops an empty scope. */
    if (cg_systemd_stop(cg, &one) < 0)
      log_warning("%s; removing its cgroup directly", one.msg);
  }
  for (size_t i = 0; i < cg->ndirs; i++) {
    ocirun_error one = {0};
    if (cg_rmdir_tree(cg->dirs[i].path, &one) < 0 && ret == 0) {
      *err = one;
      ret = -1;
    }
  }
  return ret;
}

int cgroup_destroy(struct cgroup *cg, bool kill_rest, ocirun_error *err)
{
  /* Only ever cgroupfs: a record that names anything else is refused before any kill/rmdir. */
  for (size_t i = 0; !cg->fs_checked && i < cg->ndirs; i++)
    if (cg_not_cgroupfs(cg->dirs[i].path))
      return error_set(err, EINVAL, "cgroup: %s is not on a cgroup filesystem", cg->dirs[i].path);
  /* A scope we did not start (its name was taken) is another container's: hands off. */
  if (cg->unit && !cg->unit_ours)
    return 0;
  /* systemd's scope is stopped through systemd, after what is left was killed. */
  if (cg->unit)
    return destroy_thorough(cg, kill_rest, err);
  /* Most often nothing is left: the init is gone and with it its pid namespace. Then one rmdir
   * a hierarchy is all it takes (the kernel refuses it while a process or a child cgroup is
   * there), and the scan for processes and children is for when it is refused. */
  for (size_t i = 0; i < cg->ndirs; i++)
    if (cg_rmdir_one(cg->dirs[i].path) < 0)
      return destroy_thorough(cg, kill_rest, err);
  return 0;
}

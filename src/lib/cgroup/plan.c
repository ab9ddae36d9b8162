/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A plan is the list of (file, value) writes that a linux.resources object means on a given
 * driver, built by plan_v1.c / plan_v2.c with only a probe of the host (is there such a file,
 * what does it hold now). Carrying it out is here: each write in order, with the few
 * kernel-imposed orderings (a period that the old quota rejects is retried after the quota). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"
#include "utils.h"

void cg_plan_add(struct cg_plan *plan, const char *controller, const char *file, unsigned flags,
                 const char *fmt, ...)
{
  struct cg_op *op;
  va_list ap;

  if (plan->n == plan->cap) {
    plan->cap = plan->cap ? plan->cap * 2 : 16;
    plan->ops = xrealloc(plan->ops, plan->cap * sizeof(*plan->ops));
  }
  op = &plan->ops[plan->n++];
  op->controller = controller;
  op->file = xstrdup(file);
  op->flags = flags;
  va_start(ap, fmt);
  if (vasprintf(&op->value, fmt, ap) < 0)
    op->value = xstrdup("");
  va_end(ap);
}

void cg_plan_warn(struct cg_plan *plan, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;

  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  if (msg == NULL)
    return;
  plan->warnings = xrealloc(plan->warnings, (plan->nwarnings + 1) * sizeof(char *));
  plan->warnings[plan->nwarnings++] = msg;
}

void cg_plan_release(struct cg_plan *plan)
{
  for (size_t i = 0; i < plan->n; i++) {
    free(plan->ops[i].file);
    free(plan->ops[i].value);
  }
  for (size_t i = 0; i < plan->nwarnings; i++)
    free(plan->warnings[i]);
  free(plan->ops);
  free(plan->warnings);
  memset(plan, 0, sizeof(*plan));
}

/* ---- the probe over the container's directories --------------------------------------- */

static bool probe_exists(void *ctx, const char *controller, const char *file)
{
  const struct cgroup_dir *dir = cgroup_dir_for(ctx, controller);

  return dir != NULL && cg_exists(dir->path, file);
}

static int probe_read(void *ctx, const char *controller, const char *file, char **out)
{
  const struct cgroup_dir *dir = cgroup_dir_for(ctx, controller);

  if (dir == NULL)
    return -1;
  return cg_read(dir->path, file, out, NULL);
}

void cg_probe_init(struct cg_probe *probe, const struct cgroup *cg)
{
  probe->exists = probe_exists;
  probe->read = probe_read;
  probe->ctx = (void *)cg;
}

/* ---- execution ------------------------------------------------------------------------ */

static int missing_controller(const struct cgroup *cg, const struct cg_op *op, ocirun_error *err)
{
  if (cg->mode == CGROUP_MODE_V2)
    return error_set(err, 0, "cgroup: write %s \"%s\": no cgroup2 directory", op->file, op->value);
  return error_set(err, 0, "cgroup: write %s \"%s\": no %s cgroup hierarchy is mounted", op->file,
                   op->value, op->controller);
}

static int explain_failure(const struct cgroup *cg, const struct cgroup_dir *dir,
                           const struct cg_op *op, int errnum, ocirun_error *err)
{
  if (errnum == EBUSY && (op->flags & CG_OP_MEMORY_LIMIT)) {
    uint64_t usage = 0, peak = 0;
    cg_read_u64(dir->path, "memory.usage_in_bytes", &usage, NULL);
    cg_read_u64(dir->path, "memory.max_usage_in_bytes", &peak, NULL);
    return error_set(err, errnum,
                     "cgroup: write %s \"%s\": unable to set memory limit (current usage: %llu, "
                     "peak usage: %llu)",
                     op->file, op->value, (unsigned long long)usage, (unsigned long long)peak);
  }
  if (errnum == ENOENT) {
    if (cg->mode == CGROUP_MODE_V2) {
      /* On v2 a file is missing when its controller is not enabled for us: name it. */
      const char *dot = strchr(op->file, '.');
      int clen = dot ? (int)(dot - op->file) : (int)strlen(op->file);
      return error_set(err, errnum, "cgroup: write %s \"%s\" (controller \"%.*s\" not available)",
                       op->file, op->value, clen, op->file);
    }
    return error_set(err, errnum, "cgroup: write %s \"%s\" (not supported by the %s hierarchy)",
                     op->file, op->value, dir->name);
  }
  return error_set(err, errnum, "cgroup: write %s \"%s\"", op->file, op->value);
}

static int check_shares(const struct cgroup_dir *dir, const struct cg_op *op, ocirun_error *err)
{
  uint64_t got = 0, want = strtoull(op->value, NULL, 10);

  if (cg_read_u64(dir->path, op->file, &got, err) < 0)
    return -1;
  if (want > got)
    return error_set(err, 0, "cgroup: the maximum allowed cpu-shares is %llu",
                     (unsigned long long)got);
  if (want < got)
    return error_set(err, 0, "cgroup: the minimum allowed cpu-shares is %llu",
                     (unsigned long long)got);
  return 0;
}

/* One write. Returns 0, -1 with err, or 1 for "EINVAL, retry later". */
static int run_op(const struct cgroup *cg, const struct cg_op *op, bool last_try, ocirun_error *err)
{
  const struct cgroup_dir *dir = cgroup_dir_for(cg, op->controller);
  ocirun_error one = {0};

  if (dir == NULL) {
    if (op->flags & CG_OP_OPTIONAL)
      return 0;
    if (op->flags & CG_OP_WARN) {
      missing_controller(cg, op, &one);
      log_warning("%s", one.msg);
      return 0;
    }
    return missing_controller(cg, op, err);
  }
  if ((op->flags & CG_OP_OPTIONAL) && !cg_exists(dir->path, op->file))
    return 0;
  if (cg_write(dir->path, op->file, op->value, &one) < 0) {
    int errnum = one.errnum;
    if (errnum == EINVAL && (op->flags & CG_OP_RETRY_LATER) && !last_try)
      return 1;
    if (op->flags & CG_OP_WARN) {
      explain_failure(cg, dir, op, errnum, &one);
      log_warning("%s: ignored", one.msg);
      return 0;
    }
    return explain_failure(cg, dir, op, errnum, err);
  }
  if ((op->flags & CG_OP_CHECK_SHARES) && check_shares(dir, op, err) < 0)
    return -1;
  if (op->flags & CG_OP_WARN_IGNORED) {
    /* Some kernels keep the file but no longer act on it (kernel memory since 5.16/6.x). */
    autofree char *back = NULL;
    if (cg_read(dir->path, op->file, &back, NULL) == 0 &&
        strncmp(back, op->value, strlen(op->value)) != 0)
      log_warning("cgroup: %s \"%s\" ignored by this kernel", op->file, op->value);
  }
  return 0;
}

int cg_plan_execute(const struct cgroup *cg, const struct cg_plan *plan, ocirun_error *err)
{
  autofree size_t *deferred = xcalloc(plan->n + 1, sizeof(size_t));
  size_t ndeferred = 0;

  for (size_t i = 0; i < plan->nwarnings; i++)
    log_warning("%s", plan->warnings[i]);
  for (size_t i = 0; i < plan->n; i++) {
    int rc = run_op(cg, &plan->ops[i], false, err);
    if (rc < 0)
      return -1;
    if (rc == 1)
      deferred[ndeferred++] = i;
  }
  /* The writes the old values refused (a period shorter than the old quota allows…), now that
   * the values they depend on are in. */
  for (size_t i = 0; i < ndeferred; i++)
    if (run_op(cg, &plan->ops[deferred[i]], true, err) < 0)
      return -1;
  return 0;
}

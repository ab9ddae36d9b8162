/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources on cgroup v1: which file of which hierarchy takes which value. Zero (or
 * absent) means "leave alone", as in runc; -1 means unlimited where the kernel has a limit. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utils.h"

bool cg_probe_has(const struct cg_probe *probe, const char *controller, const char *file)
{
  return probe && probe->exists && probe->exists(probe->ctx, controller, file);
}

int cg_probe_u64(const struct cg_probe *probe, const char *controller, const char *file,
                 uint64_t *out)
{
  autofree char *text = NULL;
  char *end = NULL;

  if (probe == NULL || probe->read == NULL || probe->read(probe->ctx, controller, file, &text) < 0)
    return -1;
  if (strncmp(text, "max", 3) == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  *out = strtoull(text, &end, 10);
  return end == text ? -1 : 0;
}

static int plan_memory(const oci_memory *m, const struct cg_probe *probe, struct cg_plan *plan,
                       ocirun_error *err)
{
  int64_t limit = m->has_limit ? m->limit : 0;
  int64_t swap = m->has_swap ? m->swap : 0;
  const unsigned lim = CG_OP_MEMORY_LIMIT;

  /* Unlimited memory and swap unset: unlimited swap too (where swap is accounted). */
  if (limit == -1 && swap == 0 && cg_probe_has(probe, "memory", "memory.memsw.limit_in_bytes"))
    swap = -1;
  if (limit != 0 && swap != 0) {
    uint64_t cur = UINT64_MAX;
    /* The kernel wants memory <= memory+swap at every step: raise memsw first when the new
     * swap is above the current memory limit. */
    cg_probe_u64(probe, "memory", "memory.limit_in_bytes", &cur);
    if (swap == -1 || cur < (uint64_t)swap) {
      cg_plan_add(plan, "memory", "memory.memsw.limit_in_bytes", 0, "%" PRId64, swap);
      cg_plan_add(plan, "memory", "memory.limit_in_bytes", lim, "%" PRId64, limit);
    } else {
      cg_plan_add(plan, "memory", "memory.limit_in_bytes", lim, "%" PRId64, limit);
      cg_plan_add(plan, "memory", "memory.memsw.limit_in_bytes", 0, "%" PRId64, swap);
    }
  } else if (limit != 0) {
    cg_plan_add(plan, "memory", "memory.limit_in_bytes", lim, "%" PRId64, limit);
  } else if (swap != 0) {
    cg_plan_add(plan, "memory", "memory.memsw.limit_in_bytes", 0, "%" PRId64, swap);
  }
  if (m->has_reservation && m->reservation != 0)
    cg_plan_add(plan, "memory", "memory.soft_limit_in_bytes", 0, "%" PRId64, m->reservation);
  if (m->has_kernel && m->kernel != 0) {
    if (cg_probe_has(probe, "memory", "memory.kmem.limit_in_bytes"))
      cg_plan_add(plan, "memory", "memory.kmem.limit_in_bytes", CG_OP_WARN | CG_OP_WARN_IGNORED,
                  "%" PRId64, m->kernel);
    else
      cg_plan_warn(plan, "cgroup: kernel memory limit not supported by this kernel: ignored");
  }
  if (m->has_kernelTCP && m->kernelTCP != 0) {
    if (cg_probe_has(probe, "memory", "memory.kmem.tcp.limit_in_bytes"))
      cg_plan_add(plan, "memory", "memory.kmem.tcp.limit_in_bytes", CG_OP_WARN | CG_OP_WARN_IGNORED,
                  "%" PRId64, m->kernelTCP);
    else
      cg_plan_warn(plan, "cgroup: kernel TCP memory limit not supported by this kernel: ignored");
  }
  if (m->has_swappiness && m->swappiness != UINT64_MAX) {
    if (m->swappiness > 100)
      return error_set(
          err, 0, "cgroup: invalid memory swappiness value: %" PRIu64 " (valid range is 0-100)",
          m->swappiness);
    cg_plan_add(plan, "memory", "memory.swappiness", 0, "%" PRIu64, m->swappiness);
  }
  if (m->has_disableOOMKiller && m->disableOOMKiller)
    cg_plan_add(plan, "memory", "memory.oom_control", 0, "1");
  /* Non-hierarchical accounting is gone from current kernels (writing 0 is EINVAL): a kernel
   * that refuses gets a warning, as the setting has no effect there anyway. */
  if (m->has_useHierarchy)
    cg_plan_add(plan, "memory", "memory.use_hierarchy", CG_OP_WARN, "%d", m->useHierarchy ? 1 : 0);
  return 0;
}

static void plan_cpu(const oci_cpu *c, const struct cg_probe *probe, struct cg_plan *plan)
{
  uint64_t period = c->has_period ? c->period : 0;
  int64_t quota = c->has_quota ? c->quota : 0;
  uint64_t rt_period = c->has_realtimePeriod ? c->realtimePeriod : 0;
  int64_t rt_runtime = c->has_realtimeRuntime ? c->realtimeRuntime : 0;

  if (c->has_shares && c->shares != 0)
    cg_plan_add(plan, "cpu", "cpu.shares", CG_OP_CHECK_SHARES, "%" PRIu64, c->shares);
  /* Period, burst and quota constrain each other: a write the old values refuse (EINVAL) is
   * retried after the others. */
  if (period != 0)
    cg_plan_add(plan, "cpu", "cpu.cfs_period_us", quota != 0 ? CG_OP_RETRY_LATER : 0, "%" PRIu64,
                period);
  if (c->has_burst) {
    if (cg_probe_has(probe, "cpu", "cpu.cfs_burst_us"))
      cg_plan_add(plan, "cpu", "cpu.cfs_burst_us", quota != 0 ? CG_OP_RETRY_LATER : 0, "%" PRIu64,
                  c->burst);
    else
      cg_plan_warn(plan, "cgroup: cpu burst not supported by this kernel: ignored");
  }
  if (quota != 0)
    cg_plan_add(plan, "cpu", "cpu.cfs_quota_us", 0, "%" PRId64, quota);
  if (c->has_idle)
    cg_plan_add(plan, "cpu", "cpu.idle", 0, "%" PRId64, c->idle);
  if (rt_period != 0)
    cg_plan_add(plan, "cpu", "cpu.rt_period_us", rt_runtime != 0 ? CG_OP_RETRY_LATER : 0,
                "%" PRIu64, rt_period);
  if (rt_runtime != 0)
    cg_plan_add(plan, "cpu", "cpu.rt_runtime_us", 0, "%" PRId64, rt_runtime);
  if (c->cpus && c->cpus[0])
    cg_plan_add(plan, "cpuset", "cpuset.cpus", 0, "%s", c->cpus);
  if (c->mems && c->mems[0])
    cg_plan_add(plan, "cpuset", "cpuset.mems", 0, "%s", c->mems);
}

static void plan_throttle(struct cg_plan *plan, const char *file, oci_throttle_device **list,
                          size_t len)
{
  for (size_t i = 0; list && i < len; i++)
    cg_plan_add(plan, "blkio", file, 0, "%" PRId64 ":%" PRId64 " %" PRIu64, list[i]->major,
                list[i]->minor, list[i]->has_rate ? list[i]->rate : 0);
}

static void plan_blkio(const oci_block_io *b, const struct cg_probe *probe, struct cg_plan *plan)
{
  /* Without CFQ (gone since 5.0) the proportional weights are BFQ's. */
  bool cfq = cg_probe_has(probe, "blkio", "blkio.weight");
  const char *weight = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *weight_device = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";

  if (b->has_weight && b->weight != 0)
    cg_plan_add(plan, "blkio", weight, 0, "%" PRIu64, (uint64_t)b->weight);
  if (b->has_leafWeight && b->leafWeight != 0)
    cg_plan_add(plan, "blkio", "blkio.leaf_weight", 0, "%" PRIu64, (uint64_t)b->leafWeight);
  for (size_t i = 0; b->weightDevice && i < b->weightDevice_len; i++) {
    const oci_weight_device *wd = b->weightDevice[i];
    if (wd->has_weight && wd->weight != 0)
      cg_plan_add(plan, "blkio", weight_device, 0, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major,
                  wd->minor, (uint64_t)wd->weight);
    if (wd->has_leafWeight && wd->leafWeight != 0)
      cg_plan_add(plan, "blkio", "blkio.leaf_weight_device", 0, "%" PRId64 ":%" PRId64 " %" PRIu64,
                  wd->major, wd->minor, (uint64_t)wd->leafWeight);
  }
  plan_throttle(plan, "blkio.throttle.read_bps_device", b->throttleReadBpsDevice,
                b->throttleReadBpsDevice_len);
  plan_throttle(plan, "blkio.throttle.write_bps_device", b->throttleWriteBpsDevice,
                b->throttleWriteBpsDevice_len);
  plan_throttle(plan, "blkio.throttle.read_iops_device", b->throttleReadIOPSDevice,
                b->throttleReadIOPSDevice_len);
  plan_throttle(plan, "blkio.throttle.write_iops_device", b->throttleWriteIOPSDevice,
                b->throttleWriteIOPSDevice_len);
}

/* Names that end up inside a control file's line: no blanks, nothing empty. */
int cg_check_word(const char *what, const char *s, ocirun_error *err)
{
  if (s == NULL || s[0] == '\0' || strlen(s) > 64)
    return error_set(err, 0, "cgroup: %s: invalid name \"%s\"", what, s ? s : "");
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      return error_set(err, 0, "cgroup: %s: invalid name (control character)", what);
  if (strpbrk(s, " /") != NULL)
    return error_set(err, 0, "cgroup: %s: invalid name \"%s\"", what, s);
  return 0;
}

int cg_plan_rdma(const oci_resources *r, struct cg_plan *plan, ocirun_error *err)
{
  for (size_t i = 0; r->rdma && i < r->rdma->len; i++) {
    const oci_rdma *d = r->rdma->values[i];
    char handles[32] = "", objects[32] = "";
    if (cg_check_word("rdma device", r->rdma->keys[i], err) < 0)
      return -1;
    if (!d->has_hcaHandles && !d->has_hcaObjects)
      continue;
    if (d->has_hcaHandles)
      snprintf(handles, sizeof(handles), " hca_handle=%" PRIu64, d->hcaHandles);
    if (d->has_hcaObjects)
      snprintf(objects, sizeof(objects), " hca_object=%" PRIu64, d->hcaObjects);
    cg_plan_add(plan, "rdma", "rdma.max", 0, "%s%s%s", r->rdma->keys[i], handles, objects);
  }
  return 0;
}

int cg_plan_v1(const oci_resources *r, enum cg_plan_kind kind, const struct cg_probe *probe,
               struct cg_plan *plan, ocirun_error *err)
{
  if (r && r->unified && r->unified->len > 0)
    return error_set(err, 0, "cgroup: invalid configuration: cannot use unified on cgroup v1");

  if (kind == CG_PLAN_CREATE) {
    autofree struct cg_device_rule *rules = NULL;
    size_t n = 0;
    if (cg_device_rules(r, true, &rules, &n, err) < 0)
      return -1;
    for (size_t i = 0; i < n; i++) {
      char text[64];
      cg_device_rule_str(&rules[i], text, sizeof(text));
      cg_plan_add(plan, "devices", rules[i].allow ? "devices.allow" : "devices.deny", 0, "%s",
                  text);
    }
  }
  if (r == NULL)
    return 0;
  if (r->memory && plan_memory(r->memory, probe, plan, err) < 0)
    return -1;
  if (r->cpu)
    plan_cpu(r->cpu, probe, plan);
  if (r->pids && r->pids->limit != 0) {
    char buf[24];
    cg_plan_add(plan, "pids", "pids.max", 0, "%s",
                cgroup_limit_str(r->pids->limit, buf, sizeof(buf)));
  }
  if (r->blockIO)
    plan_blkio(r->blockIO, probe, plan);
  for (size_t i = 0; r->hugepageLimits && i < r->hugepageLimits_len; i++) {
    const oci_hugepage_limit *h = r->hugepageLimits[i];
    autofree char *file = xasprintf("hugetlb.%s.limit_in_bytes", h->pageSize);
    autofree char *rsvd = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->pageSize);
    cg_plan_add(plan, "hugetlb", file, 0, "%" PRIu64, h->limit);
    cg_plan_add(plan, "hugetlb", rsvd, CG_OP_OPTIONAL, "%" PRIu64, h->limit);
  }
  if (r->network) {
    if (r->network->has_classID)
      cg_plan_add(plan, "net_cls", "net_cls.classid", 0, "%" PRIu64, r->network->classID);
    for (size_t i = 0; r->network->priorities && i < r->network->priorities_len; i++) {
      const oci_interface_priority *p = r->network->priorities[i];
      if (cg_check_word("network priority interface", p->name, err) < 0)
        return -1;
      cg_plan_add(plan, "net_prio", "net_prio.ifpriomap", 0, "%s %" PRIu64, p->name, p->priority);
    }
  }
  return cg_plan_rdma(r, plan, err);
}

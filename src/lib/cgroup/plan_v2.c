/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources on cgroup v2: the v1 values of the spec in v2's files (shares → cpu.weight,
 * blkio weight → io.weight, memory+swap → swap alone…), as runc and crun write them, then the
 * `unified` map as-is. What v2 has no file for is said in a warning (swappiness, kernel
 * memory, net_cls/net_prio) or refused (realtime CPU time: a limit we cannot honour). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utils.h"

static int plan_memory(const oci_memory *m, enum cg_plan_kind kind, const struct cg_probe *probe,
                       struct cg_plan *plan, ocirun_error *err)
{
  int64_t limit = m->has_limit ? m->limit : 0;
  int64_t swap = m->has_swap ? m->swap : 0;
  int64_t memory_for_swap = limit, v2swap = 0;
  char buf[24];

  if (m->has_checkBeforeUpdate && m->checkBeforeUpdate && kind == CG_PLAN_UPDATE && limit > 0) {
    uint64_t usage = 0;
    if (cg_probe_u64(probe, "memory", "memory.current", &usage) == 0 && usage >= (uint64_t)limit)
      return error_set(err, 0, "cgroup: rejecting memory limit %" PRId64 " below usage %" PRIu64,
                       limit, usage);
  }
  /* `update --memory-swap` alone: the memory limit it is relative to is the current one. */
  if (swap > 0 && limit == 0 && kind == CG_PLAN_UPDATE) {
    uint64_t cur = 0;
    if (cg_probe_u64(probe, "memory", "memory.max", &cur) == 0)
      memory_for_swap = cur == UINT64_MAX ? -1 : (int64_t)cur;
  }
  if (cgroup_swap_to_v2(swap, memory_for_swap, &v2swap, err) < 0)
    return -1;
  if (v2swap != 0 || swap > 0) {
    /* Swap accounting may be off (no memory.swap.max): "max" and "0" then mean nothing. */
    unsigned flags = (v2swap <= 0) ? CG_OP_OPTIONAL : 0;
    cg_plan_add(plan, "memory", "memory.swap.max", flags, "%s",
                cgroup_limit_str(v2swap, buf, sizeof(buf)));
  }
  if (limit != 0)
    cg_plan_add(plan, "memory", "memory.max", 0, "%s", cgroup_limit_str(limit, buf, sizeof(buf)));
  if (m->has_reservation && m->reservation != 0)
    cg_plan_add(plan, "memory", "memory.low", 0, "%s",
                cgroup_limit_str(m->reservation, buf, sizeof(buf)));
  if ((m->has_kernel && m->kernel != 0) || (m->has_kernelTCP && m->kernelTCP != 0))
    cg_plan_warn(plan, "cgroup: kernel memory limits do not exist on cgroup v2: ignored");
  if (m->has_swappiness && m->swappiness != UINT64_MAX)
    cg_plan_warn(plan, "cgroup: memory swappiness cannot be set on cgroup v2: ignored");
  if (m->has_disableOOMKiller && m->disableOOMKiller)
    cg_plan_warn(plan, "cgroup: the OOM killer cannot be disabled on cgroup v2: ignored");
  if (m->has_useHierarchy && !m->useHierarchy)
    cg_plan_warn(plan, "cgroup: cgroup v2 is always hierarchical: useHierarchy false ignored");
  return 0;
}

static int plan_cpu(const oci_cpu *c, enum cg_plan_kind kind, const struct cg_probe *probe,
                    struct cg_plan *plan, ocirun_error *err)
{
  uint64_t period = c->has_period ? c->period : 0;
  int64_t quota = c->has_quota ? c->quota : 0;

  if ((c->has_realtimeRuntime && c->realtimeRuntime != 0) ||
      (c->has_realtimePeriod && c->realtimePeriod != 0))
    return error_set(err, 0,
                     "cgroup: realtime CPU runtime and period are not supported on cgroup v2");
  if (c->has_idle)
    cg_plan_add(plan, "cpu", "cpu.idle", 0, "%" PRId64, c->idle);
  if (c->has_shares && c->shares != 0)
    cg_plan_add(plan, "cpu", "cpu.weight", 0, "%" PRIu64, cgroup_shares_to_weight(c->shares));
  if (c->has_burst)
    cg_plan_add(plan, "cpu", "cpu.max.burst", quota != 0 || period != 0 ? CG_OP_RETRY_LATER : 0,
                "%" PRIu64, c->burst);
  if (quota != 0 || period != 0) {
    char q[24];
    if (quota > 0) {
      snprintf(q, sizeof(q), "%" PRId64, quota);
    } else if (quota < 0) {
      snprintf(q, sizeof(q), "max");
    } else {
      /* Only a new period: keep the quota that is there (on create, none: "max"). */
      autofree char *cur = NULL;
      snprintf(q, sizeof(q), "max");
      if (kind == CG_PLAN_UPDATE && probe && probe->read &&
          probe->read(probe->ctx, "cpu", "cpu.max", &cur) == 0)
        sscanf(cur, "%23s", q);
    }
    /* A quota alone keeps the period the kernel has (100000 unless set). */
    if (period != 0)
      cg_plan_add(plan, "cpu", "cpu.max", 0, "%s %" PRIu64, q, period);
    else
      cg_plan_add(plan, "cpu", "cpu.max", 0, "%s", q);
  }
  if (c->cpus && c->cpus[0])
    cg_plan_add(plan, "cpuset", "cpuset.cpus", 0, "%s", c->cpus);
  if (c->mems && c->mems[0])
    cg_plan_add(plan, "cpuset", "cpuset.mems", 0, "%s", c->mems);
  return 0;
}

static void plan_throttle(struct cg_plan *plan, const char *key, oci_throttle_device **list,
                          size_t len)
{
  for (size_t i = 0; list && i < len; i++) {
    uint64_t rate = list[i]->has_rate ? list[i]->rate : 0;
    /* 0 removes the limit, as writing 0 does on v1. */
    if (rate == 0)
      cg_plan_add(plan, "io", "io.max", 0, "%" PRId64 ":%" PRId64 " %s=max", list[i]->major,
                  list[i]->minor, key);
    else
      cg_plan_add(plan, "io", "io.max", 0, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, list[i]->major,
                  list[i]->minor, key, rate);
  }
}

static void plan_io(const oci_block_io *b, const struct cg_probe *probe, struct cg_plan *plan)
{
  /* BFQ takes the spec's weights as they are; io.weight (the io controller's own) needs the
   * conversion. */
  bool bfq = cg_probe_has(probe, "io", "io.bfq.weight");

  if (b->has_weight && b->weight != 0) {
    if (bfq)
      cg_plan_add(plan, "io", "io.bfq.weight", 0, "%" PRIu64, (uint64_t)b->weight);
    else
      cg_plan_add(plan, "io", "io.weight", 0, "default %" PRIu64,
                  cgroup_blkio_to_io_weight(b->weight));
  }
  if (b->has_leafWeight && b->leafWeight != 0)
    cg_plan_warn(plan, "cgroup: blkio leafWeight does not exist on cgroup v2: ignored");
  for (size_t i = 0; b->weightDevice && i < b->weightDevice_len; i++) {
    const oci_weight_device *wd = b->weightDevice[i];
    if (wd->has_weight && wd->weight != 0) {
      if (bfq)
        cg_plan_add(plan, "io", "io.bfq.weight", 0, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major,
                    wd->minor, (uint64_t)wd->weight);
      else
        cg_plan_add(plan, "io", "io.weight", 0, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major,
                    wd->minor, cgroup_blkio_to_io_weight(wd->weight));
    }
    if (wd->has_leafWeight && wd->leafWeight != 0)
      cg_plan_warn(plan, "cgroup: blkio leafWeight does not exist on cgroup v2: ignored");
  }
  plan_throttle(plan, "rbps", b->throttleReadBpsDevice, b->throttleReadBpsDevice_len);
  plan_throttle(plan, "wbps", b->throttleWriteBpsDevice, b->throttleWriteBpsDevice_len);
  plan_throttle(plan, "riops", b->throttleReadIOPSDevice, b->throttleReadIOPSDevice_len);
  plan_throttle(plan, "wiops", b->throttleWriteIOPSDevice, b->throttleWriteIOPSDevice_len);
}

/* A key of linux.resources.unified names a file of the container's own directory. */
static int check_unified_key(const char *key, ocirun_error *err)
{
  if (key[0] == '\0' || key[0] == '.' || strchr(key, '/') != NULL)
    return error_set(err, 0, "cgroup: linux.resources.unified: invalid key \"%s\"", key);
  if (strcmp(key, "cgroup.procs") == 0 || strcmp(key, "cgroup.threads") == 0 ||
      strcmp(key, "cgroup.kill") == 0)
    return error_set(err, 0, "cgroup: linux.resources.unified: \"%s\" cannot be set", key);
  return 0;
}

int cg_plan_v2(const oci_resources *r, enum cg_plan_kind kind, const struct cg_probe *probe,
               struct cg_plan *plan, ocirun_error *err)
{
  if (r == NULL)
    return 0;
  if (r->pids && r->pids->limit != 0) {
    char buf[24];
    cg_plan_add(plan, "pids", "pids.max", 0, "%s",
                cgroup_limit_str(r->pids->limit, buf, sizeof(buf)));
  }
  if (r->memory && plan_memory(r->memory, kind, probe, plan, err) < 0)
    return -1;
  if (r->blockIO)
    plan_io(r->blockIO, probe, plan);
  if (r->cpu && plan_cpu(r->cpu, kind, probe, plan, err) < 0)
    return -1;
  for (size_t i = 0; r->hugepageLimits && i < r->hugepageLimits_len; i++) {
    const oci_hugepage_limit *h = r->hugepageLimits[i];
    autofree char *file = xasprintf("hugetlb.%s.max", h->pageSize);
    autofree char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->pageSize);
    cg_plan_add(plan, "hugetlb", file, 0, "%" PRIu64, h->limit);
    cg_plan_add(plan, "hugetlb", rsvd, CG_OP_OPTIONAL, "%" PRIu64, h->limit);
  }
  if (r->network &&
      (r->network->has_classID || (r->network->priorities && r->network->priorities_len > 0)))
    cg_plan_warn(plan, "cgroup: net_cls and net_prio do not exist on cgroup v2: "
                       "linux.resources.network ignored");
  if (cg_plan_rdma(r, plan, err) < 0)
    return -1;
  for (size_t i = 0; r->unified && i < r->unified->len; i++) {
    const char *key = r->unified->keys[i];
    if (check_unified_key(key, err) < 0)
      return -1;
    cg_plan_add(plan, "unified", key, 0, "%s", r->unified->values[i]);
  }
  return 0;
}

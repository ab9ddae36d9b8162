/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table from linux.resources to control files, without touching the host: each case
 * parses a resources object, builds the v1 or v2 plan against a fake probe, and compares the
 * list of writes ("controller file=value" lines) with what runc/crun would write. Also the
 * v1 → v2 conversions and the device rules. */
#include <inttypes.h>
#include <math.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "process_test.h"
#include "utils.h"

/* The fake host: files listed in `present` exist; `values` answers reads ("file=value;…"). */
struct fake {
  const char *present;
  const char *values;
};

static bool fake_exists(void *ctx, const char *controller, const char *file)
{
  const struct fake *f = ctx;
  autofree char *pat = xasprintf(" %s ", file);
  autofree char *hay = xasprintf(" %s ", f->present ? f->present : "");

  (void)controller;
  return strstr(hay, pat) != NULL;
}

static int fake_read(void *ctx, const char *controller, const char *file, char **out)
{
  const struct fake *f = ctx;
  autofree char *pat = xasprintf("%s=", file);
  const char *at = f->values ? strstr(f->values, pat) : NULL;

  (void)controller;
  if (at == NULL)
    return -1;
  at += strlen(pat);
  *out = xasprintf("%.*s\n", (int)strcspn(at, ";"), at);
  return 0;
}

static char *render(const struct cg_plan *plan)
{
  char *out = xstrdup("");

  for (size_t i = 0; i < plan->n; i++) {
    char *next = xasprintf("%s%s%s=%s", out, i ? "; " : "", plan->ops[i].file, plan->ops[i].value);
    free(out);
    out = next;
  }
  return out;
}

static void expect(const char *label, bool v2, enum cg_plan_kind kind, const char *json,
                   const struct fake *f, const char *want, const char *want_warning)
{
  char *errmsg = NULL;
  oci_resources *r = oci_resources_parse_data(json, strlen(json), "resources", &errmsg);
  struct cg_probe probe = {fake_exists, fake_read, (void *)f};
  struct cg_plan plan = {0};
  ocirun_error err = {0};
  autofree char *got = NULL;
  int rc;

  if (r == NULL) {
    CHECK(false, "%s: parse: %s", label, errmsg);
    free(errmsg);
    return;
  }
  rc = v2 ? cg_plan_v2(r, kind, &probe, &plan, &err) : cg_plan_v1(r, kind, &probe, &plan, &err);
  got = rc == 0 ? render(&plan) : xasprintf("ERROR %s", err.msg);
  if (want[0] == '!')
    CHECK(rc < 0 && strstr(err.msg, want + 1), "%s: refused (%s)", label, got);
  else
    CHECK(strcmp(got, want) == 0, "%s%s", label, strcmp(got, want) ? "" : "");
  if (want[0] != '!' && strcmp(got, want) != 0)
    printf("#   got:  %s\n#   want: %s\n", got, want);
  if (want_warning) {
    bool found = false;
    for (size_t i = 0; i < plan.nwarnings; i++)
      found |= strstr(plan.warnings[i], want_warning) != NULL;
    CHECK(found, "%s: warns \"%s\"", label, want_warning);
  }
  cg_plan_release(&plan);
  oci_resources_free(r);
}

static const struct fake v1_host = {
    .present = "memory.memsw.limit_in_bytes memory.kmem.limit_in_bytes "
               "memory.kmem.tcp.limit_in_bytes cpu.cfs_burst_us blkio.bfq.weight",
    .values = "memory.limit_in_bytes=9223372036854771712",
};

static void v1(void)
{
  const enum cg_plan_kind U = CG_PLAN_UPDATE;

  expect("v1 memory limit", false, U, "{\"memory\":{\"limit\":1048576}}", &v1_host,
         "memory.limit_in_bytes=1048576", NULL);
  expect("v1 memory -1 implies memsw -1 (memsw first)", false, U, "{\"memory\":{\"limit\":-1}}",
         &v1_host, "memory.memsw.limit_in_bytes=-1; memory.limit_in_bytes=-1", NULL);
  {
    const struct fake low = {v1_host.present, "memory.limit_in_bytes=1000"};
    expect("v1 raising memory+swap: memsw first", false, U,
           "{\"memory\":{\"limit\":2000,\"swap\":4000}}", &low,
           "memory.memsw.limit_in_bytes=4000; memory.limit_in_bytes=2000", NULL);
  }
  expect("v1 lowering memory+swap: memory first", false, U,
         "{\"memory\":{\"limit\":2000,\"swap\":4000}}", &v1_host,
         "memory.limit_in_bytes=2000; memory.memsw.limit_in_bytes=4000", NULL);
  expect("v1 memory others", false, U,
         "{\"memory\":{\"reservation\":5,\"kernel\":6,\"kernelTCP\":7,\"swappiness\":60,"
         "\"disableOOMKiller\":true}}",
         &v1_host,
         "memory.soft_limit_in_bytes=5; memory.kmem.limit_in_bytes=6; "
         "memory.kmem.tcp.limit_in_bytes=7; memory.swappiness=60; memory.oom_control=1",
         NULL);
  expect("v1 kernel memory on a kernel without it", false, U, "{\"memory\":{\"kernel\":6}}",
         &(struct fake){"", ""}, "", "kernel memory limit not supported");
  expect("v1 swappiness over 100", false, U, "{\"memory\":{\"swappiness\":101}}", &v1_host,
         "!invalid memory swappiness value: 101", NULL);
  expect("v1 zeros mean unchanged", false, U,
         "{\"memory\":{\"limit\":0,\"swap\":0},\"cpu\":{\"shares\":0,\"quota\":0},"
         "\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":0}}",
         &v1_host, "", NULL);
  expect("v1 cpu", false, U,
         "{\"cpu\":{\"shares\":1024,\"period\":100000,\"quota\":50000,\"burst\":1000,\"idle\":1,"
         "\"realtimePeriod\":1000000,\"realtimeRuntime\":950000,\"cpus\":\"0-1\",\"mems\":\"0\"}}",
         &v1_host,
         "cpu.shares=1024; cpu.cfs_period_us=100000; cpu.cfs_burst_us=1000; "
         "cpu.cfs_quota_us=50000; cpu.idle=1; cpu.rt_period_us=1000000; "
         "cpu.rt_runtime_us=950000; cpuset.cpus=0-1; cpuset.mems=0",
         NULL);
  expect("v1 pids", false, U, "{\"pids\":{\"limit\":-1}}", &v1_host, "pids.max=max", NULL);
  expect("v1 blkio with BFQ", false, U,
         "{\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":50}],"
         "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
         "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}]}}",
         &v1_host,
         "blkio.bfq.weight=300; blkio.bfq.weight_device=8:0 50; "
         "blkio.throttle.read_bps_device=8:0 1048576; blkio.throttle.write_iops_device=8:16 100",
         NULL);
  expect("v1 blkio with CFQ", false, U,
         "{\"blockIO\":{\"weight\":300,\"leafWeight\":200,"
         "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":50,\"leafWeight\":40}]}}",
         &(struct fake){"blkio.weight", ""},
         "blkio.weight=300; blkio.leaf_weight=200; blkio.weight_device=8:0 50; "
         "blkio.leaf_weight_device=8:0 40",
         NULL);
  expect("v1 hugetlb", false, U, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}",
         &v1_host, "hugetlb.2MB.limit_in_bytes=4194304; hugetlb.2MB.rsvd.limit_in_bytes=4194304",
         NULL);
  expect("v1 network", false, U,
         "{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]}}",
         &v1_host, "net_cls.classid=1048577; net_prio.ifpriomap=eth0 5", NULL);
  expect("v1 network: a name with a blank", false, U,
         "{\"network\":{\"priorities\":[{\"name\":\"eth0 7\\nlo\",\"priority\":5}]}}", &v1_host,
         "!invalid name", NULL);
  expect("v1 rdma", false, U, "{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}}}",
         &v1_host, "rdma.max=mlx5_1 hca_handle=3 hca_object=10000", NULL);
  expect("v1 unified refused", false, U, "{\"unified\":{\"memory.high\":\"1\"}}", &v1_host,
         "!cannot use unified on cgroup v1", NULL);
  expect("v1 create: device rules then the defaults", false, CG_PLAN_CREATE,
         "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
         "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"mr\"}]}",
         &v1_host,
         "devices.deny=a *:* rwm; devices.allow=b 8:* rm; devices.allow=c *:* m; "
         "devices.allow=b *:* m; devices.allow=c 1:3 rwm; devices.allow=c 1:8 rwm; "
         "devices.allow=c 1:7 rwm; devices.allow=c 5:0 rwm; devices.allow=c 1:5 rwm; "
         "devices.allow=c 1:9 rwm; devices.allow=c 136:* rwm; devices.allow=c 5:2 rwm; "
         "devices.allow=c 10:200 rwm",
         NULL);
  expect("device rule without access refused", false, CG_PLAN_CREATE,
         "{\"devices\":[{\"allow\":false}]}", &v1_host, "!access: cannot be empty", NULL);
  expect("device rule with a bad type refused", false, CG_PLAN_CREATE,
         "{\"devices\":[{\"allow\":true,\"type\":\"x\",\"access\":\"r\"}]}", &v1_host,
         "!is not a, b or c", NULL);
  expect("device rule with bad access refused", false, CG_PLAN_CREATE,
         "{\"devices\":[{\"allow\":true,\"access\":\"rx\"}]}", &v1_host, "!not made of r, w, m",
         NULL);
}

static void v2(void)
{
  const enum cg_plan_kind U = CG_PLAN_UPDATE, C = CG_PLAN_CREATE;
  const struct fake host = {"", "memory.max=max;memory.current=5000;cpu.max=max 100000"};

  expect("v2 memory", true, C, "{\"memory\":{\"limit\":1048576,\"reservation\":4096}}", &host,
         "memory.max=1048576; memory.low=4096", NULL);
  expect("v2 memory+swap becomes swap alone", true, C,
         "{\"memory\":{\"limit\":1000,\"swap\":3000}}", &host,
         "memory.swap.max=2000; memory.max=1000", NULL);
  expect("v2 memory unlimited", true, C, "{\"memory\":{\"limit\":-1}}", &host,
         "memory.swap.max=max; memory.max=max", NULL);
  expect("v2 swap equal to memory: no swap", true, C, "{\"memory\":{\"limit\":1000,\"swap\":1000}}",
         &host, "memory.swap.max=0; memory.max=1000", NULL);
  expect("v2 swap below memory refused", true, C, "{\"memory\":{\"limit\":1000,\"swap\":500}}",
         &host, "!should be >= memory limit", NULL);
  expect("v2 swap without memory refused on create", true, C, "{\"memory\":{\"swap\":500}}", &host,
         "!without memory limit", NULL);
  {
    const struct fake cur = {"", "memory.max=1000"};
    expect("v2 update swap alone: relative to the current memory.max", true, U,
           "{\"memory\":{\"swap\":3000}}", &cur, "memory.swap.max=2000", NULL);
  }
  expect("v2 checkBeforeUpdate", true, U,
         "{\"memory\":{\"limit\":4096,\"checkBeforeUpdate\":true}}", &host,
         "!rejecting memory limit 4096 below usage 5000", NULL);
  expect("v2 v1-only memory knobs warn", true, C,
         "{\"memory\":{\"kernel\":1,\"swappiness\":10,\"disableOOMKiller\":true}}", &host, "",
         "swappiness cannot be set");
  expect("v2 cpu", true, C,
         "{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":200000,\"burst\":10,\"idle\":0,"
         "\"cpus\":\"1\",\"mems\":\"0\"}}",
         &host,
         "cpu.idle=0; cpu.weight=100; cpu.max.burst=10; cpu.max=50000 200000; cpuset.cpus=1; "
         "cpuset.mems=0",
         NULL);
  expect("v2 quota alone keeps the period", true, C, "{\"cpu\":{\"quota\":20000}}", &host,
         "cpu.max=20000", NULL);
  expect("v2 quota -1", true, C, "{\"cpu\":{\"quota\":-1,\"period\":100000}}", &host,
         "cpu.max=max 100000", NULL);
  {
    const struct fake cur = {"", "cpu.max=30000 100000"};
    expect("v2 update period alone keeps the quota", true, U, "{\"cpu\":{\"period\":50000}}", &cur,
           "cpu.max=30000 50000", NULL);
  }
  expect("v2 realtime refused", true, C, "{\"cpu\":{\"realtimeRuntime\":1000}}", &host,
         "!realtime CPU runtime", NULL);
  expect("v2 pids", true, C, "{\"pids\":{\"limit\":100}}", &host, "pids.max=100", NULL);
  expect("v2 io weight converted", true, C,
         "{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":10}],"
         "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
         "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":0}]}}",
         &host, "io.weight=default 4950; io.weight=8:0 1; io.max=8:0 rbps=100; io.max=8:0 wbps=max",
         NULL);
  expect("v2 io weight with BFQ as is", true, C, "{\"blockIO\":{\"weight\":500}}",
         &(struct fake){"io.bfq.weight", ""}, "io.bfq.weight=500", NULL);
  expect("v2 hugetlb", true, C, "{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":0}]}", &host,
         "hugetlb.1GB.max=0; hugetlb.1GB.rsvd.max=0", NULL);
  expect("v2 network warns", true, C, "{\"network\":{\"classID\":1}}", &host, "",
         "net_cls and net_prio do not exist");
  expect("v2 unified as-is, last", true, C,
         "{\"pids\":{\"limit\":5},\"unified\":{\"memory.high\":\"1G\",\"io.latency\":\"8:0 "
         "target=10\"}}",
         &host, "pids.max=5; memory.high=1G; io.latency=8:0 target=10", NULL);
  expect("v2 unified key with a slash refused", true, C, "{\"unified\":{\"../x\":\"1\"}}", &host,
         "!invalid key", NULL);
  expect("v2 unified cgroup.procs refused", true, C, "{\"unified\":{\"cgroup.procs\":\"1\"}}",
         &host, "!cannot be set", NULL);
}

/* The formula as runc and crun compute it, with libm: cgroup_shares_to_weight must give the same
 * weight for every shares value, though it uses integers only. */
static uint64_t shares_to_weight_libm(uint64_t shares)
{
  double l = log2((double)shares);

  return (uint64_t)ceil(pow(10.0, (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0));
}

static void shares_to_weight_every_value(void)
{
  unsigned mismatches = 0;

  for (uint64_t shares = 2; shares <= 262144; shares++) {
    uint64_t want = shares_to_weight_libm(shares), got = cgroup_shares_to_weight(shares);
    if (got != want && mismatches++ < 5)
      CHECK(false, "cpu.shares %" PRIu64 " -> cpu.weight %" PRIu64 " (libm), got %" PRIu64, shares,
            want, got);
  }
  CHECK(mismatches == 0, "cpu.shares 2..262144: %u weights differ from libm's", mismatches);
}

static void conversions(void)
{
  static const struct {
    uint64_t shares, weight;
  } cpu[] = {{0, 0},      {1, 1},      {2, 1},          {3, 2},         {512, 59},
             {1024, 100}, {2048, 174}, {262144, 10000}, {300000, 10000}};
  static const struct {
    uint64_t blkio, io;
  } io[] = {{0, 0}, {10, 1}, {100, 910}, {500, 4950}, {1000, 10000}};
  ocirun_error err = {0};
  int64_t out = 0;

  for (size_t i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++)
    CHECK(cgroup_shares_to_weight(cpu[i].shares) == cpu[i].weight,
          "cpu.shares %" PRIu64 " -> cpu.weight %" PRIu64 " (got %" PRIu64 ")", cpu[i].shares,
          cpu[i].weight, cgroup_shares_to_weight(cpu[i].shares));
  for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
    CHECK(cgroup_blkio_to_io_weight(io[i].blkio) == io[i].io,
          "blkio.weight %" PRIu64 " -> io.weight %" PRIu64 " (got %" PRIu64 ")", io[i].blkio,
          io[i].io, cgroup_blkio_to_io_weight(io[i].blkio));
  CHECK(cgroup_swap_to_v2(0, -1, &out, &err) == 0 && out == -1, "swap unset, memory -1 → max");
  CHECK(cgroup_swap_to_v2(-1, 100, &out, &err) == 0 && out == -1, "swap -1 → max");
  CHECK(cgroup_swap_to_v2(300, -1, &out, &err) == 0 && out == 300, "memory -1: swap as is");
  CHECK(cgroup_swap_to_v2(300, 100, &out, &err) == 0 && out == 200, "swap 300 memory 100 → 200");
  CHECK(cgroup_swap_to_v2(300, 0, &out, &err) < 0, "swap without memory refused");
  CHECK(cgroup_swap_to_v2(50, 100, &out, &err) < 0, "swap below memory refused");
}

int main(void)
{
  v1();
  v2();
  conversions();
  shares_to_weight_every_value();
  return test_exit_status();
}

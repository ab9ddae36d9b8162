/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun update [options] ID`: new resource limits for a created, running or paused
 * container. Either a LinuxResources JSON document (--resources FILE, or - for stdin; the
 * other flags are then ignored, as in runc) or runc's flags; an absent or zero value leaves
 * the setting as it is. Device rules are never changed here (runc does not either). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli.h"
#include "log.h"
#include "state.h"
#include "utils.h"

/* docker/go-units RAMInBytes: "512", "64k", "1.5g", "100MiB", "2 GB" — binary multiples.
 * "-1" is unlimited. */
static int parse_ram(const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  char *end = NULL;
  double v, mult = 1;
  const char *u;

  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno != 0 || end == s)
    return -1;
  if (*end == ' ')
    end++;
  if (*end) {
    u = strchr(units, *end | 0x20);
    if (u == NULL)
      return -1;
    for (long i = 0; i <= u - units; i++)
      mult *= 1024;
    end++;
    if (*end == 'i' || *end == 'I')
      end++;
    if (*end == 'b' || *end == 'B')
      end++;
  }
  if (*end != '\0' || v * mult > 9.2e18)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
  long long v;

  if (parse_long(s, &v) < 0)
    return -1;
  *out = v;
  return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
  long long v;

  if (parse_long(s, &v) < 0 || v < 0)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

struct update_flags {
  const char *resources;
  const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_shares, *cpu_rt_period, *cpu_rt_runtime;
  const char *cpuset_cpus, *cpuset_mems, *kernel_memory, *kernel_memory_tcp, *memory;
  const char *memory_reservation, *memory_swap, *pids_limit, *l3_cache_schema, *mem_bw_schema;
};

#define BAD_VALUE(flag, v) cli_fail("invalid value for --%s: \"%s\"", flag, v)

/* The flags as a resources object: only what was given, and non-zero. */
static int from_flags(const struct update_flags *f, oci_resources **out)
{
  oci_resources *r = xcalloc(1, sizeof(*r));
  oci_memory *m = xcalloc(1, sizeof(*m));
  oci_cpu *c = xcalloc(1, sizeof(*c));
  const struct {
    const char *flag, *value;
    int64_t *dst;
    bool *has;
  } ram[] = {
      {"memory", f->memory, &m->limit, &m->has_limit},
      {"memory-swap", f->memory_swap, &m->swap, &m->has_swap},
      {"memory-reservation", f->memory_reservation, &m->reservation, &m->has_reservation},
      {"kernel-memory", f->kernel_memory, &m->kernel, &m->has_kernel},
      {"kernel-memory-tcp", f->kernel_memory_tcp, &m->kernelTCP, &m->has_kernelTCP},
  };
  int64_t i64;
  uint64_t u64;

  r->memory = m;
  r->cpu = c;
  *out = r;
  for (size_t i = 0; i < sizeof(ram) / sizeof(ram[0]); i++) {
    if (ram[i].value == NULL || ram[i].value[0] == '\0')
      continue;
    if (parse_ram(ram[i].value, ram[i].dst) < 0)
      return BAD_VALUE(ram[i].flag, ram[i].value);
    *ram[i].has = *ram[i].dst != 0;
  }
  if ((m->has_kernel || m->has_kernelTCP))
    log_warning("kernel memory settings are ignored by most kernels and will be removed");
  if (f->cpu_shares && *f->cpu_shares) {
    if (parse_u64(f->cpu_shares, &u64) < 0)
      return BAD_VALUE("cpu-share", f->cpu_shares);
    c->shares = u64;
    c->has_shares = u64 != 0;
  }
  if (f->cpu_period && *f->cpu_period) {
    if (parse_u64(f->cpu_period, &u64) < 0)
      return BAD_VALUE("cpu-period", f->cpu_period);
    c->period = u64;
    c->has_period = u64 != 0;
  }
  if (f->cpu_quota && *f->cpu_quota) {
    if (parse_i64(f->cpu_quota, &i64) < 0)
      return BAD_VALUE("cpu-quota", f->cpu_quota);
    c->quota = i64;
    c->has_quota = i64 != 0;
  }
  if (f->cpu_rt_period && *f->cpu_rt_period) {
    if (parse_u64(f->cpu_rt_period, &u64) < 0)
      return BAD_VALUE("cpu-rt-period", f->cpu_rt_period);
    c->realtimePeriod = u64;
    c->has_realtimePeriod = u64 != 0;
  }
  if (f->cpu_rt_runtime && *f->cpu_rt_runtime) {
    if (parse_i64(f->cpu_rt_runtime, &i64) < 0)
      return BAD_VALUE("cpu-rt-runtime", f->cpu_rt_runtime);
    c->realtimeRuntime = i64;
    c->has_realtimeRuntime = i64 != 0;
  }
  if (f->cpuset_cpus && *f->cpuset_cpus)
    c->cpus = xstrdup(f->cpuset_cpus);
  if (f->cpuset_mems && *f->cpuset_mems)
    c->mems = xstrdup(f->cpuset_mems);
  if (f->blkio_weight && *f->blkio_weight) {
    if (parse_u64(f->blkio_weight, &u64) < 0 || u64 > 1000)
      return BAD_VALUE("blkio-weight", f->blkio_weight);
    if (u64 != 0) {
      r->blockIO = xcalloc(1, sizeof(*r->blockIO));
      r->blockIO->weight = u64;
      r->blockIO->has_weight = true;
    }
  }
  if (f->pids_limit && *f->pids_limit) {
    if (parse_i64(f->pids_limit, &i64) < 0)
      return BAD_VALUE("pids-limit", f->pids_limit);
    if (i64 != 0) {
      r->pids = xcalloc(1, sizeof(*r->pids));
      r->pids->limit = i64;
      r->pids->has_limit = true;
    }
  }
  return 0;
}

static oci_resources *from_document(const char *path)
{
  autofree char *data = NULL;
  autofree char *errmsg = NULL;
  ocirun_error err = {0};
  oci_resources *r;
  size_t len = 0;

  if (read_file_at(AT_FDCWD, strcmp(path, "-") == 0 ? "/dev/stdin" : path, &data, &len, &err) < 0) {
    cli_fail("read resources: %s", err.msg);
    return NULL;
  }
  r = oci_resources_parse_data(data, len, "resources", &errmsg);
  if (r == NULL)
    cli_fail("%s", errmsg);
  return r;
}

static int run_update(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  struct update_flags f = {0};
  const struct cli_option opts[] = {
      {"resources", 'r', OPT_STRING, &f.resources,
       "a file with the LinuxResources JSON to apply, or - for stdin (other flags ignored)"},
      {"blkio-weight", 0, OPT_STRING, &f.blkio_weight, "block IO weight, 10 to 1000"},
      {"cpu-period", 0, OPT_STRING, &f.cpu_period, "CPU CFS period (microseconds)"},
      {"cpu-quota", 0, OPT_STRING, &f.cpu_quota, "CPU CFS quota (microseconds) per period"},
      {"cpu-share", 0, OPT_STRING, &f.cpu_shares, "CPU shares (relative weight)"},
      {"cpu-shares", 0, OPT_STRING, &f.cpu_shares, "same as --cpu-share"},
      {"cpu-rt-period", 0, OPT_STRING, &f.cpu_rt_period, "CPU realtime period (microseconds)"},
      {"cpu-rt-runtime", 0, OPT_STRING, &f.cpu_rt_runtime, "CPU realtime runtime (microseconds)"},
      {"cpuset-cpus", 0, OPT_STRING, &f.cpuset_cpus, "CPUs to run on (0-3, 0,1)"},
      {"cpuset-mems", 0, OPT_STRING, &f.cpuset_mems, "memory nodes to use (0-3, 0,1)"},
      {"kernel-memory", 0, OPT_STRING, &f.kernel_memory, "(obsolete) kernel memory limit"},
      {"kernel-memory-tcp", 0, OPT_STRING, &f.kernel_memory_tcp, "(obsolete) kernel TCP limit"},
      {"memory", 0, OPT_STRING, &f.memory, "memory limit (bytes, or 512m, 1g…; -1 unlimited)"},
      {"memory-reservation", 0, OPT_STRING, &f.memory_reservation, "memory soft limit"},
      {"memory-swap", 0, OPT_STRING, &f.memory_swap, "memory+swap limit; -1 unlimited swap"},
      {"pids-limit", 0, OPT_STRING, &f.pids_limit, "maximum number of pids (-1 unlimited)"},
      {"l3-cache-schema", 0, OPT_STRING, &f.l3_cache_schema, "Intel RDT L3 cache schema"},
      {"mem-bw-schema", 0, OPT_STRING, &f.mem_bw_schema, "Intel RDT memory bandwidth schema"},
      {0},
  };
  struct container c;
  struct cgroup *cg = NULL;
  oci_resources *r = NULL;
  ocirun_error err = {0};
  enum container_status status;
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  if (f.resources && f.resources[0]) {
    r = from_document(f.resources);
    if (r == NULL)
      return 1;
  } else {
    if ((f.l3_cache_schema && *f.l3_cache_schema) || (f.mem_bw_schema && *f.mem_bw_schema))
      return cli_fail("Intel RDT is not supported by ocirun");
    if (from_flags(&f, &r) != 0) {
      oci_resources_free(r);
      return 1;
    }
  }
  if (container_load(g->root, argv[pos], &c, &err) < 0) {
    oci_resources_free(r);
    return cli_fail("%s", err.msg);
  }
  status = container_status(&c);
  if (status == STATUS_STOPPED)
    rc = cli_fail("container not running");
  else if ((cg = cgroup_of_container(&c, &err)) == NULL || cgroup_update(cg, r, &err) < 0)
    rc = cli_fail("%s", err.msg);
  else
    rc = 0;
  cgroup_free(cg);
  container_release(&c);
  oci_resources_free(r);
  return rc;
}

const struct cli_command cmd_update = {
    .name = "update",
    .usage = "[command options] <container-id>",
    .summary = "Change the resource limits of a container.",
    .run = run_update,
};

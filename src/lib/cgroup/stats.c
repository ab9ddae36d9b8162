/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Usage figures for `events`, in runc's Stats shape (types/events.go: cpu, memory, pids,
 * blkio, hugetlb), read from v1's per-controller files or v2's *.stat / *.current files.
 * Fields follow Go's omitempty where runc has it, so a client decoding runc's output decodes
 * ours. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "internal.h"
#include "utils.h"

static void gen_str(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_u64(yajl_gen g, uint64_t v)
{
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_key_u64(yajl_gen g, const char *key, uint64_t v, bool omit_zero)
{
  if (omit_zero && v == 0)
    return;
  gen_str(g, key);
  gen_u64(g, v);
}

static uint64_t read_u64_or0(const char *dir, const char *file)
{
  uint64_t v = 0;

  if (dir == NULL || cg_read_u64(dir, file, &v, NULL) < 0)
    return 0;
  return v;
}

/* ---- cpu ------------------------------------------------------------------------------ */

static void gen_u64_list(yajl_gen g, const char *key, const char *text)
{
  char *end;
  bool any = false;

  for (const char *p = text; p && *p;) {
    strtoull(p, &end, 10);
    if (end == p)
      break;
    any = true;
    p = end;
    while (*p == ' ' || *p == '\n')
      p++;
  }
  if (!any)
    return;
  gen_str(g, key);
  yajl_gen_array_open(g);
  for (const char *p = text; p && *p;) {
    uint64_t v = strtoull(p, &end, 10);
    if (end == p)
      break;
    gen_u64(g, v);
    p = end;
    while (*p == ' ' || *p == '\n')
      p++;
  }
  yajl_gen_array_close(g);
}

static void gen_cpu(yajl_gen g, const struct cgroup *cg)
{
  uint64_t periods = 0, throttled = 0, throttled_time = 0;
  const struct cgroup_dir *cpu = cgroup_dir_for(cg, "cpu");

  gen_str(g, "cpu");
  yajl_gen_map_open(g);
  gen_str(g, "usage");
  yajl_gen_map_open(g);
  if (cg->mode == CGROUP_MODE_V2) {
    uint64_t usage = 0, user = 0, sys = 0;
    const char *d = cg->dirs[0].path;
    cg_read_key(d, "cpu.stat", "usage_usec", &usage);
    cg_read_key(d, "cpu.stat", "user_usec", &user);
    cg_read_key(d, "cpu.stat", "system_usec", &sys);
    gen_key_u64(g, "total", usage * 1000, true);
    gen_key_u64(g, "kernel", sys * 1000, false);
    gen_key_u64(g, "user", user * 1000, false);
    cg_read_key(d, "cpu.stat", "nr_periods", &periods);
    cg_read_key(d, "cpu.stat", "nr_throttled", &throttled);
    if (cg_read_key(d, "cpu.stat", "throttled_usec", &throttled_time) == 0)
      throttled_time *= 1000;
  } else {
    const struct cgroup_dir *acct = cgroup_dir_for(cg, "cpuacct");
    uint64_t user = 0, sys = 0;
    long tick = sysconf(_SC_CLK_TCK);
    autofree char *percpu = NULL;
    if (acct) {
      gen_key_u64(g, "total", read_u64_or0(acct->path, "cpuacct.usage"), true);
      if (cg_read(acct->path, "cpuacct.usage_percpu", &percpu, NULL) == 0)
        gen_u64_list(g, "percpu", percpu);
      /* cpuacct.stat counts clock ticks. */
      cg_read_key(acct->path, "cpuacct.stat", "user", &user);
      cg_read_key(acct->path, "cpuacct.stat", "system", &sys);
    }
    if (tick <= 0)
      tick = 100;
    gen_key_u64(g, "kernel", sys * (1000000000ULL / (uint64_t)tick), false);
    gen_key_u64(g, "user", user * (1000000000ULL / (uint64_t)tick), false);
    if (cpu) {
      cg_read_key(cpu->path, "cpu.stat", "nr_periods", &periods);
      cg_read_key(cpu->path, "cpu.stat", "nr_throttled", &throttled);
      cg_read_key(cpu->path, "cpu.stat", "throttled_time", &throttled_time);
    }
  }
  yajl_gen_map_close(g);
  gen_str(g, "throttling");
  yajl_gen_map_open(g);
  gen_key_u64(g, "periods", periods, true);
  gen_key_u64(g, "throttledPeriods", throttled, true);
  gen_key_u64(g, "throttledTime", throttled_time, true);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

/* ---- memory --------------------------------------------------------------------------- */

static void gen_entry(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
                      uint64_t failcnt)
{
  gen_str(g, key);
  yajl_gen_map_open(g);
  gen_key_u64(g, "limit", limit, false);
  gen_key_u64(g, "usage", usage, true);
  gen_key_u64(g, "max", max, true);
  gen_key_u64(g, "failcnt", failcnt, false);
  yajl_gen_map_close(g);
}

static void gen_v1_entry(yajl_gen g, const char *key, const char *dir, const char *module)
{
  autofree char *usage = xasprintf("%s.usage_in_bytes", module);
  autofree char *max = xasprintf("%s.max_usage_in_bytes", module);
  autofree char *failcnt = xasprintf("%s.failcnt", module);
  autofree char *limit = xasprintf("%s.limit_in_bytes", module);

  if (!cg_exists(dir, usage))
    return;
  gen_entry(g, key, read_u64_or0(dir, limit), read_u64_or0(dir, usage), read_u64_or0(dir, max),
            read_u64_or0(dir, failcnt));
}

/* memory.stat as the "raw" map; returns the value of cache_key. */
static uint64_t gen_raw(yajl_gen g, const char *dir, const char *cache_key)
{
  autofree char *text = NULL;
  uint64_t cache = 0;
  bool open = false;

  if (cg_read(dir, "memory.stat", &text, NULL) < 0)
    return 0;
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n'), *sp;
    if (nl)
      *nl = '\0';
    sp = strchr(line, ' ');
    if (sp) {
      uint64_t v;
      *sp = '\0';
      v = strtoull(sp + 1, NULL, 10);
      if (strcmp(line, cache_key) == 0)
        cache = v;
      if (!open) {
        gen_str(g, "raw");
        yajl_gen_map_open(g);
        open = true;
      }
      gen_key_u64(g, line, v, false);
    }
    line = nl ? nl + 1 : NULL;
  }
  if (open)
    yajl_gen_map_close(g);
  return cache;
}

static void gen_memory(yajl_gen g, const struct cgroup *cg)
{
  const struct cgroup_dir *mem = cgroup_dir_for(cg, "memory");

  gen_str(g, "memory");
  yajl_gen_map_open(g);
  if (mem && cg->mode == CGROUP_MODE_V2 && cg_exists(mem->path, "memory.current")) {
    const char *d = mem->path;
    uint64_t usage = read_u64_or0(d, "memory.current"), limit = read_u64_or0(d, "memory.max");
    uint64_t swap = read_u64_or0(d, "memory.swap.current");
    uint64_t swap_limit = read_u64_or0(d, "memory.swap.max");
    uint64_t cache = 0, oom = 0;
    cg_read_key(d, "memory.events", "oom", &oom);
    cache = gen_raw(g, d, "file");
    gen_key_u64(g, "cache", cache, true);
    gen_entry(g, "usage", limit, usage, read_u64_or0(d, "memory.peak"), oom);
    gen_entry(g, "swap",
              swap_limit == UINT64_MAX || limit == UINT64_MAX ? UINT64_MAX : swap_limit + limit,
              swap + usage, 0, 0);
  } else if (mem && cg->mode != CGROUP_MODE_V2) {
    const char *d = mem->path;
    uint64_t cache = gen_raw(g, d, "cache");
    gen_key_u64(g, "cache", cache, true);
    gen_v1_entry(g, "usage", d, "memory");
    gen_v1_entry(g, "swap", d, "memory.memsw");
    gen_v1_entry(g, "kernel", d, "memory.kmem");
    gen_v1_entry(g, "kernelTCP", d, "memory.kmem.tcp");
  }
  yajl_gen_map_close(g);
}

/* ---- pids, blkio, hugetlb ------------------------------------------------------------- */

static void gen_pids(yajl_gen g, const struct cgroup *cg)
{
  const struct cgroup_dir *pids = cgroup_dir_for(cg, "pids");
  uint64_t limit = pids ? read_u64_or0(pids->path, "pids.max") : 0;

  gen_str(g, "pids");
  yajl_gen_map_open(g);
  if (pids) {
    gen_key_u64(g, "current", read_u64_or0(pids->path, "pids.current"), true);
    gen_key_u64(g, "limit", limit == UINT64_MAX ? 0 : limit, true);
  }
  yajl_gen_map_close(g);
}

static void gen_blkio_entry(yajl_gen g, unsigned major, unsigned minor, const char *op, uint64_t v)
{
  yajl_gen_map_open(g);
  gen_key_u64(g, "major", major, true);
  gen_key_u64(g, "minor", minor, true);
  gen_str(g, "op");
  gen_str(g, op);
  gen_key_u64(g, "value", v, true);
  yajl_gen_map_close(g);
}

/* v1 "8:0 Read 4096" lines (the closing "Total N" line has no device). */
static void gen_v1_blkio_list(yajl_gen g, const char *key, const char *dir, const char *file)
{
  autofree char *text = NULL;
  bool open = false;

  if (cg_read(dir, file, &text, NULL) < 0)
    return;
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    unsigned major, minor;
    char op[16];
    unsigned long long v;
    if (nl)
      *nl = '\0';
    if (sscanf(line, "%u:%u %15s %llu", &major, &minor, op, &v) == 4) {
      if (!open) {
        gen_str(g, key);
        yajl_gen_array_open(g);
        open = true;
      }
      gen_blkio_entry(g, major, minor, op, v);
    }
    line = nl ? nl + 1 : NULL;
  }
  if (open)
    yajl_gen_array_close(g);
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void gen_v2_io(yajl_gen g, const char *dir)
{
  static const struct {
    const char *list, *field, *op;
  } map[] = {
      {"ioServiceBytesRecursive", "rbytes", "Read"},
      {"ioServiceBytesRecursive", "wbytes", "Write"},
      {"ioServicedRecursive", "rios", "Read"},
      {"ioServicedRecursive", "wios", "Write"},
  };
  autofree char *text = NULL;

  if (cg_read(dir, "io.stat", &text, NULL) < 0 || text[0] == '\0')
    return;
  for (size_t l = 0; l < 4; l += 2) {
    gen_str(g, map[l].list);
    yajl_gen_array_open(g);
    for (const char *line = text; line && *line;) {
      const char *nl = strchr(line, '\n');
      autofree char *one = xasprintf("%.*s", (int)(nl ? (size_t)(nl - line) : strlen(line)), line);
      unsigned major, minor;
      line = nl ? nl + 1 : NULL;
      if (sscanf(one, "%u:%u", &major, &minor) != 2)
        continue;
      for (size_t k = l; k < l + 2; k++) {
        autofree char *pat = xasprintf(" %s=", map[k].field);
        char *at = strstr(one, pat);
        if (at)
          gen_blkio_entry(g, major, minor, map[k].op, strtoull(at + strlen(pat), NULL, 10));
      }
    }
    yajl_gen_array_close(g);
  }
}

static void gen_blkio(yajl_gen g, const struct cgroup *cg)
{
  gen_str(g, "blkio");
  yajl_gen_map_open(g);
  if (cg->mode == CGROUP_MODE_V2) {
    gen_v2_io(g, cg->dirs[0].path);
  } else {
    const struct cgroup_dir *b = cgroup_dir_for(cg, "blkio");
    if (b) {
      const char *bytes = cg_exists(b->path, "blkio.io_service_bytes_recursive")
                              ? "blkio.io_service_bytes_recursive"
                              : "blkio.throttle.io_service_bytes_recursive";
      const char *ios = cg_exists(b->path, "blkio.io_serviced_recursive")
                            ? "blkio.io_serviced_recursive"
                            : "blkio.throttle.io_serviced_recursive";
      gen_v1_blkio_list(g, "ioServiceBytesRecursive", b->path, bytes);
      gen_v1_blkio_list(g, "ioServicedRecursive", b->path, ios);
    }
  }
  yajl_gen_map_close(g);
}

static void gen_hugetlb(yajl_gen g, const struct cgroup *cg)
{
  const struct cgroup_dir *h = cgroup_dir_for(cg, "hugetlb");
  DIR *d;
  struct dirent *de;

  gen_str(g, "hugetlb");
  yajl_gen_map_open(g);
  d = h ? opendir("/sys/kernel/mm/hugepages") : NULL;
  while (d && (de = readdir(d)) != NULL) {
    unsigned long kb;
    char size[32];
    if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
      continue;
    if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
      snprintf(size, sizeof(size), "%luGB", kb / (1024 * 1024));
    else if (kb >= 1024 && kb % 1024 == 0)
      snprintf(size, sizeof(size), "%luMB", kb / 1024);
    else
      snprintf(size, sizeof(size), "%luKB", kb);
    autofree char *usage = NULL;
    autofree char *max = NULL;
    autofree char *fail = NULL;
    uint64_t failcnt = 0;
    if (cg->mode == CGROUP_MODE_V2) {
      autofree char *events = xasprintf("hugetlb.%s.events", size);
      usage = xasprintf("hugetlb.%s.current", size);
      cg_read_key(h->path, events, "max", &failcnt);
    } else {
      usage = xasprintf("hugetlb.%s.usage_in_bytes", size);
      max = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
      fail = xasprintf("hugetlb.%s.failcnt", size);
      failcnt = read_u64_or0(h->path, fail);
    }
    if (!cg_exists(h->path, usage))
      continue;
    gen_str(g, size);
    yajl_gen_map_open(g);
    gen_key_u64(g, "usage", read_u64_or0(h->path, usage), true);
    if (max)
      gen_key_u64(g, "max", read_u64_or0(h->path, max), true);
    gen_key_u64(g, "failcnt", failcnt, false);
    yajl_gen_map_close(g);
  }
  if (d)
    closedir(d);
  yajl_gen_map_close(g);
}

char *cgroup_stats_json(const struct cgroup *cg, ocirun_error *err)
{
  yajl_gen g;
  const unsigned char *buf;
  size_t len;
  char *out;

  /* A rootless container may run without cgroup directories: nothing to read. */
  if (cg->ndirs == 0) {
    error_set(err, 0, "cgroup: the container has no cgroup to read statistics from");
    return NULL;
  }
  g = yajl_gen_alloc(NULL);
  if (g == NULL) {
    error_set(err, ENOMEM, "cgroup: stats");
    return NULL;
  }
  yajl_gen_map_open(g);
  gen_cpu(g, cg);
  gen_memory(g, cg);
  gen_pids(g, cg);
  gen_blkio(g, cg);
  gen_hugetlb(g, cg);
  yajl_gen_map_close(g);
  yajl_gen_get_buf(g, &buf, &len);
  out = xasprintf("%.*s", (int)len, (const char *)buf);
  yajl_gen_free(g);
  return out;
}

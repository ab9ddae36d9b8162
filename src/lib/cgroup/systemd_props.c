/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources as the properties of a systemd unit, the ones runc sends: systemd writes
 * the cgroup files for these itself whenever it realizes the unit again (daemon-reload,
 * another SetUnitProperties), so it must hold the same values that cgroupfs gets. No D-Bus
 * here: the list is built from the resources and the host's mode alone (and tested so). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"
#include "systemd_props.h"
#include "utils.h"

static struct sd_prop *add(struct sd_props *p, const char *name, enum sd_prop_kind kind)
{
  struct sd_prop *prop;

  p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
  prop = &p->v[p->n++];
  memset(prop, 0, sizeof(*prop));
  prop->name = name;
  prop->kind = kind;
  return prop;
}

static void add_u64(struct sd_props *p, const char *name, uint64_t v)
{
  add(p, name, SD_PROP_U64)->u64 = v;
}

void sd_props_add_bool(struct sd_props *p, const char *name, bool v)
{
  add(p, name, SD_PROP_BOOL)->u64 = v;
}

void sd_props_add_str(struct sd_props *p, const char *name, const char *v)
{
  add(p, name, SD_PROP_STR)->str = xstrdup(v);
}

/* -1 (or any negative) is "no limit": systemd's infinity. */
static uint64_t limit_u64(int64_t v)
{
  return v < 0 ? UINT64_MAX : (uint64_t)v;
}

int sd_cpu_list_mask(const char *list, uint8_t **mask, size_t *len, ocirun_error *err)
{
  autofree uint8_t *bits = NULL;
  size_t n = 0;
  const char *p = list;

  while (*p) {
    char *end;
    unsigned long lo, hi;

    errno = 0;
    lo = strtoul(p, &end, 10);
    if (end == p || errno || lo > 8191)
      return error_set(err, 0, "invalid CPU list \"%s\"", list);
    hi = lo;
    p = end;
    if (*p == '-') {
      hi = strtoul(p + 1, &end, 10);
      if (end == p + 1 || errno || hi > 8191 || hi < lo)
        return error_set(err, 0, "invalid CPU list \"%s\"", list);
      p = end;
    }
    if (*p == ',')
      p++;
    else if (*p != '\0' && *p != '\n')
      return error_set(err, 0, "invalid CPU list \"%s\"", list);
    else if (*p == '\n')
      p++;
    if (hi / 8 + 1 > n) {
      bits = xrealloc(bits, hi / 8 + 1);
      memset(bits + n, 0, hi / 8 + 1 - n);
      n = hi / 8 + 1;
    }
    for (unsigned long c = lo; c <= hi; c++)
      bits[c / 8] |= (uint8_t)(1u << (c % 8));
  }
  *mask = steal_ptr(bits);
  *len = n;
  return 0;
}

static int add_mask(struct sd_props *p, const char *name, const char *list, ocirun_error *err)
{
  struct sd_prop *prop;
  uint8_t *mask = NULL;
  size_t len = 0;

  if (sd_cpu_list_mask(list, &mask, &len, err) < 0)
    return error_prefix(err, "linux.resources.cpu");
  prop = add(p, name, SD_PROP_BYTES);
  prop->bytes = mask;
  prop->nbytes = len;
  return 0;
}

/* CPUQuotaPerSecUSec is the quota per second of wall time, rounded up to whole 10 ms (the
 * unit systemd shows it in); the period travels separately (systemd 242 on). */
static void add_cpu_quota(struct sd_props *p, const oci_cpu *c, unsigned version)
{
  uint64_t period = c->has_period ? c->period : 0;
  int64_t quota = c->has_quota ? c->quota : 0;
  uint64_t per_sec = UINT64_MAX;

  if (period != 0 && version >= 242)
    add_u64(p, "CPUQuotaPeriodUSec", period);
  if (quota == 0)
    return;
  if (quota > 0) {
    if (period == 0)
      period = 100000;
    per_sec = (uint64_t)quota * 1000000 / period;
    if (per_sec % 10000 != 0)
      per_sec = (per_sec / 10000 + 1) * 10000;
  }
  add_u64(p, "CPUQuotaPerSecUSec", per_sec);
}

static int add_cpuset(struct sd_props *p, const oci_cpu *c, unsigned version, ocirun_error *err)
{
  /* Older systemd has no such properties: cgroupfs alone sets them there. */
  if (version < 244)
    return 0;
  if (c->cpus && c->cpus[0] && add_mask(p, "AllowedCPUs", c->cpus, err) < 0)
    return -1;
  if (c->mems && c->mems[0] && add_mask(p, "AllowedMemoryNodes", c->mems, err) < 0)
    return -1;
  return 0;
}

static int props_v2(struct sd_props *p, const oci_resources *r, unsigned version, ocirun_error *err)
{
  const oci_memory *m = r->memory;
  const oci_cpu *c = r->cpu;

  if (m) {
    int64_t limit = m->has_limit ? m->limit : 0;
    if (limit != 0)
      add_u64(p, "MemoryMax", limit_u64(limit));
    if (m->has_reservation && m->reservation != 0)
      add_u64(p, "MemoryLow", limit_u64(m->reservation));
    /* Only with the memory limit it is relative to (update --memory-swap alone: cgroupfs). */
    if (m->has_swap && m->swap != 0 && limit != 0) {
      int64_t swap = 0;
      if (cgroup_swap_to_v2(m->swap, limit, &swap, err) < 0)
        return -1;
      if (swap != 0)
        add_u64(p, "MemorySwapMax", limit_u64(swap));
    }
  }
  if (c) {
    if (c->has_shares && c->shares != 0)
      add_u64(p, "CPUWeight", cgroup_shares_to_weight(c->shares));
    add_cpu_quota(p, c, version);
    if (add_cpuset(p, c, version, err) < 0)
      return -1;
  }
  if (r->pids && (r->pids->limit > 0 || r->pids->limit == -1))
    add_u64(p, "TasksMax", limit_u64(r->pids->limit));
  return 0;
}

static int props_v1(struct sd_props *p, const oci_resources *r, unsigned version, ocirun_error *err)
{
  const oci_memory *m = r->memory;
  const oci_cpu *c = r->cpu;

  if (m && m->has_limit && m->limit != 0)
    add_u64(p, "MemoryLimit", limit_u64(m->limit));
  if (c) {
    if (c->has_shares && c->shares != 0)
      add_u64(p, "CPUShares", c->shares);
    add_cpu_quota(p, c, version);
    if (add_cpuset(p, c, version, err) < 0)
      return -1;
  }
  if (r->blockIO && r->blockIO->has_weight && r->blockIO->weight != 0)
    add_u64(p, "BlockIOWeight", r->blockIO->weight);
  if (r->pids && (r->pids->limit > 0 || r->pids->limit == -1))
    add_u64(p, "TasksMax", limit_u64(r->pids->limit));
  return 0;
}

int sd_props_from_resources(struct sd_props *p, const oci_resources *r, bool unified,
                            unsigned version, ocirun_error *err)
{
  if (r == NULL)
    return 0;
  return unified ? props_v2(p, r, version, err) : props_v1(p, r, version, err);
}

void sd_props_add_accounting(struct sd_props *p, bool unified)
{
  sd_props_add_bool(p, "MemoryAccounting", true);
  sd_props_add_bool(p, "CPUAccounting", true);
  sd_props_add_bool(p, unified ? "IOAccounting" : "BlockIOAccounting", true);
  sd_props_add_bool(p, "TasksAccounting", true);
}

/* The name /proc/devices gives major in the section ("Character devices:" / "Block
 * devices:"), malloc'd, or NULL. */
static char *device_major_name(const char *devices_text, char type, int64_t major)
{
  const char *section = type == 'b' ? "Block devices:" : "Character devices:";
  const char *p = devices_text ? strstr(devices_text, section) : NULL;

  if (p == NULL)
    return NULL;
  p = strchr(p, '\n');
  while (p && *++p && *p != '\n') {
    long long m;
    char name[64];
    if (sscanf(p, " %lld %63s", &m, name) == 2 && m == major)
      return xstrdup(name);
    p = strchr(p, '\n');
  }
  return NULL;
}

static void add_pair(struct sd_prop *prop, char *path, const char *access)
{
  prop->pairs = xrealloc(prop->pairs, (prop->npairs + 1) * 2 * sizeof(char *));
  prop->pairs[prop->npairs * 2] = path;
  prop->pairs[prop->npairs * 2 + 1] = xstrdup(access);
  prop->npairs++;
}

static void clear_pairs(struct sd_prop *prop)
{
  for (size_t i = 0; i < prop->npairs * 2; i++)
    free(prop->pairs[i]);
  prop->npairs = 0;
}

/* One allow rule as DeviceAllow entries ("a" is both kinds). */
static void allow_entry(struct sd_prop *prop, const struct cg_device_rule *rule,
                        const char *devices_text)
{
  const char *kinds = rule->type == 'a' ? "cb" : (rule->type == 'b' ? "b" : "c");

  for (const char *k = kinds; *k; k++) {
    const char *kind = *k == 'b' ? "block" : "char";
    char *name;

    if (rule->type == 'a' || rule->major < 0) {
      add_pair(prop, xasprintf("%s-*", kind), rule->access);
    } else if (rule->minor >= 0) {
      /* systemd reads major:minor from these paths, the nodes need not exist. */
      add_pair(prop,
               xasprintf("/dev/%s/%lld:%lld", kind, (long long)rule->major, (long long)rule->minor),
               rule->access);
    } else if ((name = device_major_name(devices_text, *k, rule->major)) != NULL) {
      add_pair(prop, xasprintf("%s-%s", kind, name), rule->access);
      free(name);
    } else {
      log_warning("systemd: no name in /proc/devices for %s major %lld: left to cgroupfs", kind,
                  (long long)rule->major);
    }
  }
}

void sd_props_add_devices(struct sd_props *p, const struct cg_device_rule *rules, size_t n,
                          const char *devices_text)
{
  struct sd_prop allow = {.name = "DeviceAllow", .kind = SD_PROP_PAIRS};
  bool strict = false; /* a new cgroup allows every device until told otherwise */

  for (size_t i = 0; i < n; i++) {
    const struct cg_device_rule *rule = &rules[i];
    bool everything = rule->type == 'a' && strchr(rule->access, 'r') && strchr(rule->access, 'w') &&
                      strchr(rule->access, 'm');

    if (everything) {
      strict = !rule->allow;
      clear_pairs(&allow);
    } else if (strict && rule->allow) {
      allow_entry(&allow, rule, devices_text);
    } else if (!rule->allow) {
      char text[64];
      cg_device_rule_str(rule, text, sizeof(text));
      log_warning("systemd: the device rule \"deny %s\" has no DeviceAllow form: left to cgroupfs",
                  text);
    }
  }
  sd_props_add_str(p, "DevicePolicy", strict ? "strict" : "auto");
  p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
  p->v[p->n++] = allow;
}

void sd_props_release(struct sd_props *p)
{
  for (size_t i = 0; i < p->n; i++) {
    free(p->v[i].str);
    free(p->v[i].bytes);
    clear_pairs(&p->v[i]);
    free(p->v[i].pairs);
  }
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

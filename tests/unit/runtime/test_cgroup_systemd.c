/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver without systemd: linux.resources as unit properties (the values runc
 * sends, on a unified and on a v1 host, by systemd version), CPU lists as systemd's bitmask,
 * slice:prefix:name as slice and unit, and the unit kept in state.json's record. */
#include <inttypes.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "cgroup/systemd_props.h"
#include "process_test.h"
#include "utils.h"

static const struct sd_prop *find(const struct sd_props *p, const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->v[i].name, name) == 0)
      return &p->v[i];
  return NULL;
}

static void has_u64(const struct sd_props *p, const char *name, uint64_t want)
{
  const struct sd_prop *prop = find(p, name);

  CHECK(prop && prop->kind == SD_PROP_U64 && prop->u64 == want,
        "%s = %" PRIu64 " (got %s%" PRIu64 ")", name, want, prop ? "" : "none ",
        prop ? prop->u64 : 0);
}

static void absent(const struct sd_props *p, const char *name)
{
  CHECK(find(p, name) == NULL, "no %s", name);
}

static void unified(void)
{
  oci_memory mem = {.limit = 67108864,
                    .has_limit = true,
                    .reservation = 33554432,
                    .has_reservation = true,
                    .swap = 100663296,
                    .has_swap = true};
  oci_cpu cpu = {.shares = 1024,
                 .has_shares = true,
                 .quota = 50000,
                 .has_quota = true,
                 .period = 100000,
                 .has_period = true,
                 .cpus = "0-1,9"};
  oci_pids pids = {.limit = -1};
  oci_resources r = {.memory = &mem, .cpu = &cpu, .pids = &pids};
  struct sd_props p = {0};
  ocirun_error err = {0};
  const struct sd_prop *cpus;

  CHECK_OK(sd_props_from_resources(&p, &r, true, 252, &err), &err);
  has_u64(&p, "MemoryMax", 67108864);
  has_u64(&p, "MemoryLow", 33554432);
  has_u64(&p, "MemorySwapMax", 33554432); /* memory+swap 96M - memory 64M */
  has_u64(&p, "CPUWeight", 100);          /* the v1 default lands on the v2 default */
  has_u64(&p, "CPUQuotaPerSecUSec", 500000);
  has_u64(&p, "CPUQuotaPeriodUSec", 100000);
  has_u64(&p, "TasksMax", UINT64_MAX);
  absent(&p, "MemoryLimit");
  absent(&p, "CPUShares");
  cpus = find(&p, "AllowedCPUs");
  CHECK(cpus && cpus->kind == SD_PROP_BYTES && cpus->nbytes == 2 && cpus->bytes[0] == 0x03 &&
            cpus->bytes[1] == 0x02,
        "AllowedCPUs 0-1,9 is the bitmask 03 02");
  sd_props_release(&p);

  /* Older systemd: no period (242), no cpusets (244); cgroupfs sets those alone. */
  CHECK_OK(sd_props_from_resources(&p, &r, true, 241, &err), &err);
  absent(&p, "CPUQuotaPeriodUSec");
  absent(&p, "AllowedCPUs");
  has_u64(&p, "CPUQuotaPerSecUSec", 500000);
  sd_props_release(&p);

  /* A quota that is no whole 10 ms per second rounds up; -1 is no limit. */
  cpu.quota = 12345;
  cpu.has_period = false;
  CHECK_OK(sd_props_from_resources(&p, &r, true, 252, &err), &err);
  has_u64(&p, "CPUQuotaPerSecUSec", 130000);
  sd_props_release(&p);
  cpu.quota = -1;
  CHECK_OK(sd_props_from_resources(&p, &r, true, 252, &err), &err);
  has_u64(&p, "CPUQuotaPerSecUSec", UINT64_MAX);
  sd_props_release(&p);

  cpu.cpus = "0-x";
  CHECK(sd_props_from_resources(&p, &r, true, 252, &err) < 0 && strstr(err.msg, "0-x"),
        "a bad cpu list is refused: %s", err.msg);
  sd_props_release(&p);
}

static void legacy(void)
{
  oci_memory mem = {.limit = 67108864, .has_limit = true};
  oci_cpu cpu = {.shares = 512, .has_shares = true};
  oci_block_io blkio = {.weight = 300, .has_weight = true};
  oci_pids pids = {.limit = 20};
  oci_resources r = {.memory = &mem, .cpu = &cpu, .blockIO = &blkio, .pids = &pids};
  struct sd_props p = {0};
  ocirun_error err = {0};

  CHECK_OK(sd_props_from_resources(&p, &r, false, 252, &err), &err);
  has_u64(&p, "MemoryLimit", 67108864);
  has_u64(&p, "CPUShares", 512);
  has_u64(&p, "BlockIOWeight", 300);
  has_u64(&p, "TasksMax", 20);
  absent(&p, "MemoryMax");
  absent(&p, "CPUWeight");
  absent(&p, "CPUQuotaPerSecUSec");
  sd_props_release(&p);
  pids.limit = 0; /* unset */
  CHECK_OK(sd_props_from_resources(&p, &r, false, 252, &err), &err);
  absent(&p, "TasksMax");
  sd_props_release(&p);
}

static bool has_pair(const struct sd_prop *prop, const char *path, const char *access)
{
  for (size_t i = 0; prop && i < prop->npairs; i++)
    if (strcmp(prop->pairs[2 * i], path) == 0 && strcmp(prop->pairs[2 * i + 1], access) == 0)
      return true;
  return false;
}

static void devices(void)
{
  static const char proc_devices[] = "Character devices:\n  1 mem\n  4 tty\n136 pts\n\n"
                                     "Block devices:\n  8 sd\n";
  struct cg_device_rule rules[] = {
      {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"},
      {.allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm"},
      {.allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rw"},
      {.allow = true, .type = 'b', .major = -1, .minor = -1, .access = "m"},
      {.allow = true, .type = 'c', .major = 250, .minor = -1, .access = "r"},
  };
  struct sd_props p = {0};
  const struct sd_prop *policy, *allow;

  sd_props_add_devices(&p, rules, 5, proc_devices);
  policy = find(&p, "DevicePolicy");
  allow = find(&p, "DeviceAllow");
  CHECK(policy && strcmp(policy->str, "strict") == 0, "deny-all first: DevicePolicy strict");
  CHECK(allow && allow->kind == SD_PROP_PAIRS && allow->npairs == 3, "three DeviceAllow entries");
  CHECK(has_pair(allow, "/dev/char/1:3", "rwm"), "c 1:3 rwm -> /dev/char/1:3");
  CHECK(has_pair(allow, "char-pts", "rw"), "c 136:* rw -> char-pts (by /proc/devices)");
  CHECK(has_pair(allow, "block-*", "m"), "b *:* m -> block-*");
  sd_props_release(&p);

  /* An allow-all rule: nothing to restrict. */
  rules[0].allow = true;
  sd_props_add_devices(&p, rules, 1, proc_devices);
  policy = find(&p, "DevicePolicy");
  allow = find(&p, "DeviceAllow");
  CHECK(policy && strcmp(policy->str, "auto") == 0 && allow && allow->npairs == 0,
        "allow-all: DevicePolicy auto, no entries");
  sd_props_release(&p);
}

static void unit_names(void)
{
  ocirun_error err = {0};
  char *slice = NULL, *unit = NULL;

  CHECK_OK(cgroup_systemd_unit("", "c1", &slice, &unit, &err), &err);
  CHECK(strcmp(slice, "system.slice") == 0 && strcmp(unit, "ocirun-c1.scope") == 0,
        "empty: system.slice, ocirun-c1.scope (%s %s)", slice, unit);
  free(slice);
  free(unit);
  CHECK_OK(cgroup_systemd_unit("a-b.slice:pfx:x", "c1", &slice, &unit, &err), &err);
  CHECK(strcmp(slice, "a-b.slice") == 0 && strcmp(unit, "pfx-x.scope") == 0,
        "a-b.slice:pfx:x: a-b.slice, pfx-x.scope (%s %s)", slice, unit);
  free(slice);
  free(unit);
  CHECK(cgroup_systemd_unit("a--b.slice:p:x", "c1", &slice, &unit, &err) < 0,
        "a--b.slice refused: %s", err.msg);
}

static void record(void)
{
  char *keys[] = {"mode", "systemd-unit", "unified"};
  char *values[] = {"v2", "ocirun-c1.scope", "/sys/fs/cgroup/system.slice/ocirun-c1.scope"};
  oci_string_map m = {.keys = keys, .values = values, .len = 3};
  ocirun_error err = {0};
  struct cgroup *cg = cgroup_from_record(&m, &err);

  CHECK(cg && cg->unit && strcmp(cg->unit, "ocirun-c1.scope") == 0 && cg->unit_ours &&
            cg->ndirs == 1,
        "a record with a unit loads, the unit ours to stop");
  if (cg) {
    oci_string_map *back = cgroup_to_record(cg);
    CHECK(back->len == 3 && strcmp(back->keys[1], "systemd-unit") == 0 &&
              strcmp(back->values[1], "ocirun-c1.scope") == 0,
          "and is written back with it");
    oci_string_map_free(back);
    cgroup_free(cg);
  }
  values[1] = "../x.scope";
  CHECK(cgroup_from_record(&m, &err) == NULL, "a unit name with a slash is refused");
  values[1] = "sshd.service";
  CHECK(cgroup_from_record(&m, &err) == NULL, "a unit that is no scope is refused");
}

int main(void)
{
  unified();
  legacy();
  devices();
  unit_names();
  record();
  return test_exit_status();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The properties of a systemd unit that stand for linux.resources (systemd_props.c), as a
 * plain list that systemd.c puts into a D-Bus message and the unit tests read. */
#ifndef OCIRUN_CGROUP_SYSTEMD_PROPS_H
#define OCIRUN_CGROUP_SYSTEMD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ocispec.h"

struct cg_device_rule;

enum sd_prop_kind {
  SD_PROP_U64,   /* "t" */
  SD_PROP_BOOL,  /* "b" */
  SD_PROP_STR,   /* "s" */
  SD_PROP_BYTES, /* "ay": AllowedCPUs, AllowedMemoryNodes */
  SD_PROP_PAIRS, /* "a(ss)": DeviceAllow */
};

struct sd_prop {
  const char *name;
  enum sd_prop_kind kind;
  uint64_t u64;
  char *str;
  uint8_t *bytes;
  size_t nbytes;
  char **pairs; /* 2 * npairs strings: path, access */
  size_t npairs;
};

struct sd_props {
  struct sd_prop *v;
  size_t n;
};

/* Appends what r asks for: on a unified host MemoryMax, MemoryLow, MemorySwapMax, CPUWeight,
 * TasksMax; on v1/hybrid MemoryLimit, CPUShares, BlockIOWeight, TasksMax; on both
 * CPUQuotaPerSecUSec (and CPUQuotaPeriodUSec from systemd 242), AllowedCPUs and
 * AllowedMemoryNodes (from 244). version is systemd's major version. */
int sd_props_from_resources(struct sd_props *p, const oci_resources *r, bool unified,
                            unsigned version, ocirun_error *err);
/* MemoryAccounting, CPUAccounting, IOAccounting (BlockIOAccounting on v1), TasksAccounting. */
void sd_props_add_accounting(struct sd_props *p, bool unified);
void sd_props_add_bool(struct sd_props *p, const char *name, bool v);
void sd_props_add_str(struct sd_props *p, const char *name, const char *v);
/* The device rules (devices.c, defaults included) as DevicePolicy and DeviceAllow, so that
 * systemd, when it realizes the unit again (update, daemon-reload), writes what cgroupfs got
 * instead of opening every device: a deny-all rule makes the policy strict, the allow rules
 * after it become entries ("/dev/char/1:3", "char-*", "char-pts" by /proc/devices' name for a
 * major with any minor); an allow-all rule makes it auto. What an allow list cannot say (a
 * deny after allows) is left to cgroupfs and logged. devices_text is /proc/devices. */
void sd_props_add_devices(struct sd_props *p, const struct cg_device_rule *rules, size_t n,
                          const char *devices_text);
void sd_props_release(struct sd_props *p);

/* "0-3,8" → the bitmask systemd takes (byte i bit j is CPU 8i+j), malloc'd. */
int sd_cpu_list_mask(const char *list, uint8_t **mask, size_t *len, ocirun_error *err);

#endif

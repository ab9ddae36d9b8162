/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec speaks cgroup v1 (shares, blkio weight, memory+swap); these are its v2 meanings,
 * the ones runc and crun write, so that a config behaves the same under either runtime. */
#include <math.h>
#include <stdio.h>

#include "internal.h"

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
  double l, exponent;

  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  /* A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000): the v1
   * default lands on the v2 default, which the older linear formula (1024 → 39) missed. */
  l = log2((double)shares);
  exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
  return (uint64_t)ceil(pow(10.0, exponent));
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

int cgroup_swap_to_v2(int64_t swap, int64_t memory, int64_t *out, ocirun_error *err)
{
  if (memory == -1 && swap == 0) {
    /* Unlimited memory with swap unset: unlimited swap too, as v1 behaves. */
    *out = -1;
    return 0;
  }
  if (swap == -1 || swap == 0) {
    *out = swap;
    return 0;
  }
  if (memory == -1) {
    *out = swap;
    return 0;
  }
  if (memory == 0)
    return error_set(err, 0, "cgroup: unable to set swap limit without memory limit");
  if (memory < 0)
    return error_set(err, 0, "cgroup: invalid memory value: %lld", (long long)memory);
  if (swap < memory)
    return error_set(err, 0, "cgroup: memory+swap limit (%lld) should be >= memory limit (%lld)",
                     (long long)swap, (long long)memory);
  *out = swap - memory;
  return 0;
}

const char *cgroup_limit_str(int64_t v, char *buf, size_t len)
{
  if (v < 0)
    snprintf(buf, len, "max");
  else
    snprintf(buf, len, "%lld", (long long)v);
  return buf;
}

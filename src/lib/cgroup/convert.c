/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec speaks cgroup v1 (shares, blkio weight, memory+swap); these are its v2 meanings,
 * the ones runc and crun write, so that a config behaves the same under either runtime. */
#include <stdio.h>

#include "internal.h"

/* Fixed point with FRAC_BITS fraction bits; the integer parts below stay under 2^14. */
#define FRAC_BITS 48
#define ONE ((uint64_t)1 << FRAC_BITS)

/* log2(x) for x >= 1 in fixed point, bit by bit: the mantissa m in [1, 2) is squared once per
 * fraction bit, and m^2 >= 2 means the bit is 1 (then m is halved). The mantissa carries 62
 * fraction bits, so the result is good to about 2^-60, truncated to FRAC_BITS. */
static uint64_t fixed_log2(uint64_t x)
{
  const unsigned m_bits = 62;
  unsigned ipart = 63 - (unsigned)__builtin_clzll(x);
  unsigned __int128 m = ((unsigned __int128)x << m_bits) >> ipart; /* x / 2^ipart in [1, 2) */
  uint64_t frac = 0;

  for (unsigned bit = 1; bit <= FRAC_BITS; bit++) {
    m = (m * m) >> m_bits;
    if (m >= (unsigned __int128)2 << m_bits) {
      m >>= 1;
      frac |= ONE >> bit;
    }
  }
  return (uint64_t)ipart * ONE + frac;
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
  unsigned __int128 l, target, log2_10;
  uint64_t lo = 1, hi = 10000;

  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  /* weight = ceil(10^e), e = (l^2 + 125 l) / 612 - 7/34, l = log2(shares): a quadratic in l
   * through (2, 1), (1024, 100) and (262144, 10000), so that the v1 default lands on the v2
   * default, which the older linear formula (1024 -> 39) missed. runc and crun compute it
   * with libm; here it is integers only: the weight is the smallest w with
   * 612 log2(w) >= (l^2 + 125 l - 126) log2(10), found by bisection. The closest any shares
   * value in (2, 262144) comes to a tie is 2^-21 in those units (1024 is an exact tie, 100);
   * the arithmetic is good to 2^-36, and the slack of 2^-32 decides a tie for the smaller weight,
   * as the exact value does. tests/unit/runtime/test_cgroup_plan.c compares every value with libm.
   */
  const unsigned __int128 slack = (unsigned __int128)1 << (2 * FRAC_BITS - 32);
  l = fixed_log2(shares);
  log2_10 = fixed_log2(10);
  target = (((l * l) >> FRAC_BITS) + 125 * l - 126 * (unsigned __int128)ONE) * log2_10;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (612 * (unsigned __int128)fixed_log2(mid) * ONE + slack >= target)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
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

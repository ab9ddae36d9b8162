/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scheduling.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* From linux/ioprio.h, spelled out because older uapi headers lack the file. */
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_MAX_LEVEL 7

/* From linux/sched.h and linux/sched/types.h; glibc only declares sched_setattr from 2.41. */
struct sched_attr_v0 {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

struct named_value {
  const char *name;
  unsigned long value;
};

static const struct named_value io_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

enum {
  POLICY_OTHER,
  POLICY_FIFO,
  POLICY_RR,
  POLICY_BATCH,
  POLICY_ISO,
  POLICY_IDLE,
  POLICY_DEADLINE
};

/* The values are the kernel's SCHED_* numbers. */
static const struct named_value sched_policies[] = {
    {"SCHED_OTHER", POLICY_OTHER},       {"SCHED_FIFO", POLICY_FIFO}, {"SCHED_RR", POLICY_RR},
    {"SCHED_BATCH", POLICY_BATCH},       {"SCHED_ISO", POLICY_ISO},   {"SCHED_IDLE", POLICY_IDLE},
    {"SCHED_DEADLINE", POLICY_DEADLINE},
};

static const struct named_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

#define LOOKUP(table, name, out) lookup(table, sizeof(table) / sizeof(table[0]), name, out)

static int lookup(const struct named_value *table, size_t n, const char *name, unsigned long *out)
{
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(table[i].name, name) == 0) {
      *out = table[i].value;
      return 0;
    }
  }
  return -1;
}

int io_priority_validate(const oci_process *p, const char *prefix, ocirun_error *err)
{
  unsigned long cls;

  if (p->ioPriority == NULL)
    return 0;
  if (LOOKUP(io_classes, p->ioPriority->class, &cls) < 0)
    return error_set(err, 0, "%s.ioPriority.class: unknown class \"%s\"", prefix,
                     p->ioPriority->class ? p->ioPriority->class : "");
  if (p->ioPriority->priority < 0 || p->ioPriority->priority > IOPRIO_MAX_LEVEL)
    return error_set(err, 0, "%s.ioPriority.priority: %" PRId64 " is out of range (0-%d)", prefix,
                     p->ioPriority->priority, IOPRIO_MAX_LEVEL);
  return 0;
}

int io_priority_apply(const oci_process *p, ocirun_error *err)
{
  unsigned long cls;
  long value;

  if (p->ioPriority == NULL)
    return 0;
  if (LOOKUP(io_classes, p->ioPriority->class, &cls) < 0)
    return error_set(err, EINVAL, "ioprio_set class \"%s\"", p->ioPriority->class);
  value = (long)(cls << IOPRIO_CLASS_SHIFT) | (long)p->ioPriority->priority;
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return error_set(err, errno, "ioprio_set %s priority %" PRId64, p->ioPriority->class,
                     p->ioPriority->priority);
  return 0;
}

int scheduler_validate(const oci_process *p, const char *prefix, ocirun_error *err)
{
  const oci_scheduler *s = p->scheduler;
  unsigned long policy, flag;

  if (s == NULL)
    return 0;
  if (LOOKUP(sched_policies, s->policy, &policy) < 0)
    return error_set(err, 0, "%s.scheduler.policy: unknown policy \"%s\"", prefix,
                     s->policy ? s->policy : "");
  for (size_t i = 0; i < s->flags_len; i++)
    if (LOOKUP(sched_flags, s->flags[i], &flag) < 0)
      return error_set(err, 0, "%s.scheduler.flags[%zu]: unknown flag \"%s\"", prefix, i,
                       s->flags[i] ? s->flags[i] : "");
  if (s->nice < -20 || s->nice > 19)
    return error_set(err, 0, "%s.scheduler.nice: %" PRId64 " is out of range (-20..19)", prefix,
                     s->nice);
  if (policy == POLICY_FIFO || policy == POLICY_RR) {
    if (s->priority < 1 || s->priority > 99)
      return error_set(err, 0, "%s.scheduler.priority: %" PRId64 " is out of range (1..99)", prefix,
                       s->priority);
  } else if (s->priority != 0) {
    return error_set(err, 0, "%s.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority",
                     prefix);
  }
  if (policy != POLICY_DEADLINE && (s->runtime != 0 || s->deadline != 0 || s->period != 0))
    return error_set(
        err, 0, "%s.scheduler: runtime, deadline and period are only for SCHED_DEADLINE", prefix);
  return 0;
}

int scheduler_apply(const oci_process *p, ocirun_error *err)
{
  const oci_scheduler *s = p->scheduler;
  struct sched_attr_v0 attr = {.size = sizeof(attr)};
  unsigned long policy, flag;

  if (s == NULL)
    return 0;
  if (LOOKUP(sched_policies, s->policy, &policy) < 0)
    return error_set(err, EINVAL, "sched_setattr policy \"%s\"", s->policy);
  attr.sched_policy = (uint32_t)policy;
  for (size_t i = 0; i < s->flags_len; i++)
    if (LOOKUP(sched_flags, s->flags[i], &flag) == 0)
      attr.sched_flags |= flag;
  /* For SCHED_OTHER and SCHED_BATCH the kernel takes the nice value from sched_nice, so one
   * call covers what setpriority() would do. */
  attr.sched_nice = (int32_t)s->nice;
  attr.sched_priority = (uint32_t)s->priority;
  attr.sched_runtime = s->runtime;
  attr.sched_deadline = s->deadline;
  attr.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return error_set(err, errno, "sched_setattr %s", s->policy);
  return 0;
}

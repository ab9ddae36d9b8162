/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rlimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

#define N_RLIMIT_NAMES (sizeof(rlimit_names) / sizeof(rlimit_names[0]))

int rlimit_from_name(const char *name)
{
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < N_RLIMIT_NAMES; i++)
    if (strcmp(rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

int rlimits_validate(const oci_process *p, const char *prefix, ocirun_error *err)
{
  bool seen[RLIM_NLIMITS] = {false};

  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *rl = p->rlimits[i];
    int resource;

    if (rl == NULL)
      continue;
    resource = rlimit_from_name(rl->type);
    if (resource < 0)
      return error_set(err, 0, "%s.rlimits[%zu].type: unknown rlimit \"%s\"", prefix, i,
                       rl->type ? rl->type : "");
    if (seen[resource])
      return error_set(err, 0, "%s.rlimits[%zu].type: duplicate rlimit \"%s\"", prefix, i,
                       rl->type);
    seen[resource] = true;
    if (rl->soft > rl->hard)
      return error_set(
          err, 0, "%s.rlimits[%zu]: soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
          prefix, i, rl->soft, rl->hard);
  }
  return 0;
}

int rlimits_apply(const oci_process *p, ocirun_error *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *rl = p->rlimits[i];
    struct rlimit limit;
    int resource;

    if (rl == NULL)
      continue;
    resource = rlimit_from_name(rl->type);
    if (resource < 0)
      return error_set(err, 0, "unknown rlimit \"%s\"", rl->type ? rl->type : "");
    /* The spec's uint64 maps onto rlim_t directly: UINT64_MAX is RLIM_INFINITY. */
    limit.rlim_cur = (rlim_t)rl->soft;
    limit.rlim_max = (rlim_t)rl->hard;
    if (setrlimit(resource, &limit) < 0)
      return error_set(err, errno, "setrlimit %s (soft %" PRIu64 ", hard %" PRIu64 ")", rl->type,
                       rl->soft, rl->hard);
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capabilities.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "log.h"

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_table[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPABILITY_NAMES ((int)(sizeof(cap_table) / sizeof(cap_table[0])))

/* The five sets of the spec, by JSON name, for walking them in one loop. */
enum cap_set_kind { SET_BOUNDING, SET_EFFECTIVE, SET_INHERITABLE, SET_PERMITTED, SET_AMBIENT };
static const char *const set_names[] = {"bounding", "effective", "inheritable", "permitted",
                                        "ambient"};

static char **set_list(const oci_capabilities *caps, enum cap_set_kind kind, size_t *len)
{
  switch (kind) {
  case SET_BOUNDING:
    *len = caps->bounding_len;
    return caps->bounding;
  case SET_EFFECTIVE:
    *len = caps->effective_len;
    return caps->effective;
  case SET_INHERITABLE:
    *len = caps->inheritable_len;
    return caps->inheritable;
  case SET_PERMITTED:
    *len = caps->permitted_len;
    return caps->permitted;
  case SET_AMBIENT:
    *len = caps->ambient_len;
    return caps->ambient;
  }
  *len = 0;
  return NULL;
}

const char *const *capability_names(size_t *n)
{
  *n = (size_t)N_CAPABILITY_NAMES;
  return cap_table;
}

static int known_capability(const char *name)
{
  if (name == NULL)
    return -1;
  for (int i = 0; i < N_CAPABILITY_NAMES; i++)
    if (strcasecmp(cap_table[i], name) == 0)
      return i;
  return -1;
}

int capability_last(void)
{
  static int last = -1;

  /* PR_CAPBSET_READ fails with EINVAL past the kernel's last capability, and succeeds for
   * every number up to it: a binary search finds it in six calls. Probing needs no
   * /proc/sys/kernel/cap_last_cap, which may not be mounted (or be the image's) here. The
   * answer is cached, so that the init (a fork) inherits it. */
  if (last < 0) {
    int lo = 0, hi = 63; /* lo is known, hi+1 is past the end */
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
        lo = mid;
      else
        hi = mid - 1;
    }
    last = lo;
  }
  return last;
}

int capability_from_name(const char *name)
{
  int cap = known_capability(name);
  return cap <= capability_last() ? cap : -1;
}

int capabilities_validate(const oci_capabilities *caps, const char *prefix, ocirun_error *err)
{
  if (caps == NULL)
    return 0;
  for (int kind = SET_BOUNDING; kind <= SET_AMBIENT; kind++) {
    size_t len;
    char **list = set_list(caps, kind, &len);

    for (size_t i = 0; i < len; i++) {
      int cap = known_capability(list[i]);

      if (cap < 0)
        return error_set(err, 0, "%s.%s[%zu]: unknown capability \"%s\"", prefix, set_names[kind],
                         i, list[i] ? list[i] : "");
      /* A newer capability than the running kernel has: the process cannot hold it anyway,
       * so it is skipped (set_mask drops it), but said, as runc does. */
      if (cap > capability_last())
        log_warning("%s.%s[%zu]: %s is not known to the running kernel (its last capability is "
                    "%d): ignored",
                    prefix, set_names[kind], i, cap_table[cap], capability_last());
    }
  }
  return 0;
}

/* The set as a bit mask of capability numbers this kernel knows; other names are dropped. */
static uint64_t set_mask(const oci_capabilities *caps, enum cap_set_kind kind)
{
  uint64_t mask = 0;
  size_t len;
  char **list;

  if (caps == NULL)
    return 0;
  list = set_list(caps, kind, &len);
  for (size_t i = 0; i < len; i++) {
    int cap = capability_from_name(list[i]);
    if (cap >= 0)
      mask |= UINT64_C(1) << cap;
  }
  return mask;
}

static const char *cap_name(int cap)
{
  return cap < N_CAPABILITY_NAMES ? cap_table[cap] : "CAP_?";
}

int capabilities_drop_bounding(const oci_capabilities *caps, ocirun_error *err)
{
  uint64_t keep = set_mask(caps, SET_BOUNDING);

  /* Dropping what is already out of the bounding set succeeds, so no read comes first: one
   * prctl per capability to drop. Only without CAP_SETPCAP (EPERM) does it matter whether
   * the capability was there at all. */
  for (int cap = 0; cap <= capability_last(); cap++) {
    if (keep & (UINT64_C(1) << cap))
      continue;
    int errnum;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      continue;
    errnum = errno;
    if (errnum != EPERM || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
      return error_set(err, errnum, "drop %s from the bounding set", cap_name(cap));
  }
  return 0;
}

/* The current permitted and inheritable sets as masks, to name what cannot be granted
 * instead of failing with a bare EPERM from capset. */
static int current_sets(uint64_t *perm, uint64_t *inh, ocirun_error *err)
{
  cap_t now = cap_get_proc();

  if (now == NULL)
    return error_set(err, errno, "capget");
  *perm = *inh = 0;
  for (int cap = 0; cap <= capability_last(); cap++) {
    cap_flag_value_t v = CAP_CLEAR;
    if (cap_get_flag(now, (cap_value_t)cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
      *perm |= UINT64_C(1) << cap;
    if (cap_get_flag(now, (cap_value_t)cap, CAP_INHERITABLE, &v) == 0 && v == CAP_SET)
      *inh |= UINT64_C(1) << cap;
  }
  cap_free(now);
  return 0;
}

/* The kernel's capset rules: permitted may only shrink, effective must be permitted, and a
 * new inheritable capability must be in the bounding set. */
static int check_grantable(uint64_t eff, uint64_t perm, uint64_t inh, ocirun_error *err)
{
  uint64_t have_perm = 0, have_inh = 0;

  if (current_sets(&have_perm, &have_inh, err) < 0)
    return -1;
  for (int cap = 0; cap <= capability_last(); cap++) {
    uint64_t bit = UINT64_C(1) << cap;
    if ((perm & bit) && !(have_perm & bit))
      return error_set(err, EPERM, "set capabilities: %s is not in the runtime's permitted set",
                       cap_name(cap));
    if ((eff & bit) && !(perm & bit))
      return error_set(err, EPERM, "set capabilities: %s is effective but not permitted",
                       cap_name(cap));
    if ((inh & bit) && !(have_inh & bit) && cap_get_bound((cap_value_t)cap) != 1)
      return error_set(err, EPERM,
                       "set capabilities: %s is inheritable but not in the bounding set",
                       cap_name(cap));
  }
  return 0;
}

int capabilities_grantable(const oci_capabilities *caps, ocirun_error *err)
{
  return check_grantable(set_mask(caps, SET_EFFECTIVE), set_mask(caps, SET_PERMITTED),
                         set_mask(caps, SET_INHERITABLE), err);
}

static int set_flag_mask(cap_t c, cap_flag_t flag, uint64_t mask)
{
  for (int cap = 0; cap <= capability_last(); cap++)
    if ((mask & (UINT64_C(1) << cap)) &&
        cap_set_flag(c, flag, 1, (cap_value_t[]){cap}, CAP_SET) < 0)
      return -1;
  return 0;
}

static int raise_ambient(const oci_capabilities *caps, uint64_t perm, uint64_t inh,
                         ocirun_error *err)
{
  uint64_t wanted = set_mask(caps, SET_AMBIENT);

  /* One call clears the set (libcap's cap_reset_ambient asks about every capability
   * first). Kernels before 4.3 have no ambient set: nothing to clear, and nothing may be
   * raised. */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return error_set(err, errno, "clear the ambient capabilities");
  for (int cap = 0; cap <= capability_last(); cap++) {
    uint64_t bit = UINT64_C(1) << cap;
    if (!(wanted & bit))
      continue;
    /* The kernel only keeps an ambient capability that is permitted and inheritable; runc
     * skips the others with a warning rather than failing. */
    if (!(perm & bit) || !(inh & bit)) {
      log_warning("ambient capability %s ignored: not in the permitted and inheritable sets",
                  cap_name(cap));
      continue;
    }
    if (cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
      return error_set(err, errno, "raise ambient capability %s", cap_name(cap));
  }
  return 0;
}

int capabilities_set(const oci_capabilities *caps, ocirun_error *err)
{
  uint64_t eff = set_mask(caps, SET_EFFECTIVE);
  uint64_t perm = set_mask(caps, SET_PERMITTED);
  /* Exactly as configured, empty when absent: an inheritable set the config did not ask for
   * would survive execve of file-capability binaries (CVE-2022-29162). */
  uint64_t inh = set_mask(caps, SET_INHERITABLE);
  cap_t c;
  int ret = 0;

  if (check_grantable(eff, perm, inh, err) < 0)
    return -1;
  c = cap_init();
  if (c == NULL)
    return error_set(err, errno, "cap_init");
  if (set_flag_mask(c, CAP_EFFECTIVE, eff) < 0 || set_flag_mask(c, CAP_PERMITTED, perm) < 0 ||
      set_flag_mask(c, CAP_INHERITABLE, inh) < 0)
    ret = error_set(err, errno, "build capability sets");
  else if (cap_set_proc(c) < 0)
    ret = error_set(err, errno, "capset");
  cap_free(c);
  if (ret < 0)
    return ret;
  return raise_ambient(caps, perm, inh, err);
}

int capabilities_apply(const oci_capabilities *caps, ocirun_error *err)
{
  if (capabilities_drop_bounding(caps, err) < 0)
    return -1;
  return capabilities_set(caps, err);
}

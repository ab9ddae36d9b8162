/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp through libseccomp. libseccomp builds the filter; ocirun exports it as BPF,
 * puts runc's ENOSYS stub in front (see seccomp_profile.h) and loads it with seccomp(2) itself, so
 * that every filter flag the kernel has (WAIT_KILLABLE_RECV too, which libseccomp 2.5 lacks)
 * can be passed and the notify listener comes back as the call's result. */
#include "config.h"

#include "seccomp_profile.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "seccomp_cache.h"
#include "utils.h"

#if HAVE_SECCOMP
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#endif

#define PROFILE "config.json: linux.seccomp"

/* The largest errno a filter can return: the kernel caps SECCOMP_RET_DATA at MAX_ERRNO. */
#define MAX_ERRNO_RET 4095
#define MAX_SYSCALL_ARGS 6

static const char *const action_names[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL,
};

static const char *const operator_names[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static const char *const no_names[] = {NULL};

bool seccomp_uses_notify(const oci_seccomp *s)
{
  if (s == NULL)
    return false;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (s->syscalls[i] && s->syscalls[i]->action &&
        strcmp(s->syscalls[i]->action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

bool seccomp_enabled(void)
{
  return HAVE_SECCOMP != 0;
}

const char *const *seccomp_known_actions(void)
{
  return HAVE_SECCOMP ? action_names : no_names;
}

const char *const *seccomp_known_operators(void)
{
  return HAVE_SECCOMP ? operator_names : no_names;
}

const char *const *seccomp_known_flags(void)
{
  return HAVE_SECCOMP ? flag_names : no_names;
}

#if HAVE_SECCOMP

/* ---- names to libseccomp values ------------------------------------------------------ */

static bool in_list(const char *const *list, const char *name)
{
  if (name == NULL)
    return false;
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return true;
  return false;
}

/* Every architecture name of the runtime-spec; token 0 where this libseccomp lacks it. */
struct arch_name {
  const char *name;
  uint32_t token;
};

/* clang-format off */
#define ARCH(x) {"SCMP_ARCH_" #x, SCMP_ARCH_##x}
#define ARCH_MISSING(x) {"SCMP_ARCH_" #x, 0}

static const struct arch_name arch_table[] = {
    ARCH(X86), ARCH(X86_64), ARCH(X32), ARCH(ARM), ARCH(AARCH64),
#ifdef SCMP_ARCH_LOONGARCH64
    ARCH(LOONGARCH64),
#else
    ARCH_MISSING(LOONGARCH64),
#endif
#ifdef SCMP_ARCH_M68K
    ARCH(M68K),
#else
    ARCH_MISSING(M68K),
#endif
    ARCH(MIPS), ARCH(MIPS64), ARCH(MIPS64N32), ARCH(MIPSEL), ARCH(MIPSEL64), ARCH(MIPSEL64N32),
    ARCH(PPC), ARCH(PPC64), ARCH(PPC64LE), ARCH(S390), ARCH(S390X),
#ifdef SCMP_ARCH_SH
    ARCH(SH), ARCH(SHEB),
#else
    ARCH_MISSING(SH), ARCH_MISSING(SHEB),
#endif
    ARCH(PARISC), ARCH(PARISC64), ARCH(RISCV64),
};
/* clang-format on */

#define N_ARCHS (sizeof(arch_table) / sizeof(arch_table[0]))

static const struct arch_name *find_arch(const char *name)
{
  for (size_t i = 0; name && i < N_ARCHS; i++)
    if (strcmp(arch_table[i].name, name) == 0)
      return &arch_table[i];
  return NULL;
}

const char *const *seccomp_known_archs(void)
{
  static const char *names[N_ARCHS + 1];
  size_t n = 0;

  if (names[0] == NULL)
    for (size_t i = 0; i < N_ARCHS; i++)
      if (arch_table[i].token != 0)
        names[n++] = arch_table[i].name;
  return names;
}

/* The libseccomp action for a name; errno_ret is used by ERRNO and TRACE (EPERM when
 * absent, as runc and crun do). SCMP_ACT_KILL is KILL_THREAD, its historical meaning. */
static bool action_value(const char *name, bool has_errno, uint64_t errno_ret, uint32_t *out)
{
  uint16_t data = has_errno ? (uint16_t)errno_ret : EPERM;

  if (name == NULL)
    return false;
  if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO(data);
  else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE(data);
  else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp(name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return false;
  return true;
}

static bool operator_value(const char *name, enum scmp_compare *out)
{
  static const enum scmp_compare values[] = {
      SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,        SCMP_CMP_EQ,
      SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
  };

  for (size_t i = 0; name && operator_names[i]; i++)
    if (strcmp(operator_names[i], name) == 0) {
      *out = values[i];
      return true;
    }
  return false;
}

/* ---- filter flags -------------------------------------------------------------------- */

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static long sys_seccomp(unsigned int op, unsigned long flags, void *args)
{
  return syscall(SYS_seccomp, op, flags, args);
}

/* The kernel checks the flags before it reads the program: with a NULL program, EFAULT means
 * it took them, EINVAL that it does not know one (the probe libseccomp uses as well). */
static bool kernel_takes_flags(unsigned long flags)
{
  return sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

bool seccomp_flag_supported(const char *flag)
{
  if (flag == NULL)
    return false;
  /* Known to every kernel with seccomp(2) (3.17); ignored when loading, see filter_flags. */
  if (strcmp(flag, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
    return kernel_takes_flags(SECCOMP_FILTER_FLAG_TSYNC);
  if (strcmp(flag, "SECCOMP_FILTER_FLAG_LOG") == 0)
    return kernel_takes_flags(SECCOMP_FILTER_FLAG_LOG);
  if (strcmp(flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
    return kernel_takes_flags(SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  /* The kernel takes WAIT_KILLABLE_RECV only together with NEW_LISTENER. */
  if (strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    return kernel_takes_flags(SECCOMP_FILTER_FLAG_NEW_LISTENER |
                              SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  return false;
}

/* The flags seccomp(2) gets. Without a flags list, SPEC_ALLOW (runc's and crun's default: no
 * forced speculative-store-bypass mitigation). TSYNC is not passed: the init has a single
 * thread, and with NEW_LISTENER it would need TSYNC_ESRCH. WAIT_KILLABLE_RECV means something
 * only with a listener, and the kernel refuses it without one. */
static unsigned long filter_flags(const oci_seccomp *s, bool listener)
{
  unsigned long flags = s->flags == NULL ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0;

  for (size_t i = 0; i < s->flags_len; i++) {
    const char *f = s->flags[i];
    if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
      flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0 && listener)
      flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  if (listener)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return flags;
}

/* ---- validation ---------------------------------------------------------------------- */

/* The syscalls the init uses to hand the listener fd over: a notify rule on them would make
 * it wait for an agent that cannot have the fd yet. */
static const char *const handover_syscalls[] = {"write", "send", "sendto", "sendmsg", NULL};

static int check_errno_ret(bool has, uint64_t value, const char *path, ocirun_error *err)
{
  if (has && value > MAX_ERRNO_RET)
    return error_set(err, 0, PROFILE "%s: %llu is out of range (0-%d)", path,
                     (unsigned long long)value, MAX_ERRNO_RET);
  return 0;
}

static int check_arg(const oci_syscall_arg *a, size_t i, size_t k, ocirun_error *err)
{
  enum scmp_compare op;

  if (a == NULL)
    return error_set(err, 0, PROFILE ".syscalls[%zu].args[%zu]: must be an object", i, k);
  if (a->index >= MAX_SYSCALL_ARGS)
    return error_set(err, 0, PROFILE ".syscalls[%zu].args[%zu].index: %llu is out of range (0-%d)",
                     i, k, (unsigned long long)a->index, MAX_SYSCALL_ARGS - 1);
  if (!operator_value(a->op, &op))
    return error_set(err, 0, PROFILE ".syscalls[%zu].args[%zu].op: unknown operator \"%s\"", i, k,
                     a->op ? a->op : "");
  return 0;
}

static int check_syscall(const oci_syscall *sc, size_t i, ocirun_error *err)
{
  char path[64];
  uint32_t action;
  bool notify;

  if (sc == NULL)
    return error_set(err, 0, PROFILE ".syscalls[%zu]: must be an object", i);
  if (!action_value(sc->action, false, 0, &action))
    return error_set(err, 0, PROFILE ".syscalls[%zu].action: unknown action \"%s\"", i,
                     sc->action ? sc->action : "");
  snprintf(path, sizeof(path), ".syscalls[%zu].errnoRet", i);
  if (check_errno_ret(sc->has_errnoRet, sc->errnoRet, path, err) < 0)
    return -1;
  if (sc->names_len == 0)
    return error_set(err, 0, PROFILE ".syscalls[%zu].names: must name at least one syscall", i);
  notify = action == SCMP_ACT_NOTIFY;
  for (size_t j = 0; j < sc->names_len; j++) {
    const char *name = sc->names[j];
    if (name == NULL || name[0] == '\0')
      return error_set(err, 0, PROFILE ".syscalls[%zu].names[%zu]: empty syscall name", i, j);
    if (notify && in_list(handover_syscalls, name))
      return error_set(err, 0,
                       PROFILE ".syscalls[%zu].names[%zu]: SCMP_ACT_NOTIFY cannot be used for "
                               "\"%s\" (the runtime needs it to hand the listener over)",
                       i, j, name);
  }
  for (size_t k = 0; k < sc->args_len; k++)
    if (check_arg(sc->args[k], i, k, err) < 0)
      return -1;
  return 0;
}

static int check_listener(const oci_seccomp *s, bool probe_kernel, ocirun_error *err)
{
  size_t i;

  for (i = 0; i < s->syscalls_len; i++)
    if (strcmp(s->syscalls[i]->action, "SCMP_ACT_NOTIFY") == 0)
      break;
  if (i == s->syscalls_len)
    return 0;
  if (s->listenerPath == NULL || s->listenerPath[0] == '\0')
    return error_set(err, 0,
                     PROFILE ".listenerPath: not set, and linux.seccomp.syscalls[%zu] uses "
                             "SCMP_ACT_NOTIFY",
                     i);
  if (probe_kernel && !kernel_takes_flags(SECCOMP_FILTER_FLAG_NEW_LISTENER))
    return error_set(err, 0,
                     PROFILE ".syscalls[%zu].action: SCMP_ACT_NOTIFY needs seccomp user "
                             "notification, which this kernel lacks (Linux 5.0 or later)",
                     i);
  if (strlen(s->listenerPath) >= sizeof(((struct sockaddr_un *)0)->sun_path))
    return error_set(
        err, 0, PROFILE ".listenerPath: \"%s\" is too long for a unix socket (at most %zu bytes)",
        s->listenerPath, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
  return 0;
}

/* Everything but the kernel's flags, which only the parent probes. */
static int check_profile(const oci_seccomp *s, bool probe_flags, ocirun_error *err)
{
  uint32_t action;

  if (!action_value(s->defaultAction, false, 0, &action))
    return error_set(err, 0, PROFILE ".defaultAction: unknown action \"%s\"",
                     s->defaultAction ? s->defaultAction : "");
  /* Every syscall would wait for the agent, the runtime's own hand-over included. */
  if (action == SCMP_ACT_NOTIFY)
    return error_set(err, 0,
                     PROFILE ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  if (check_errno_ret(s->has_defaultErrnoRet, s->defaultErrnoRet, ".defaultErrnoRet", err) < 0)
    return -1;

  for (size_t i = 0; i < s->architectures_len; i++) {
    const struct arch_name *a = find_arch(s->architectures[i]);
    if (a == NULL)
      return error_set(err, 0, PROFILE ".architectures[%zu]: unknown architecture \"%s\"", i,
                       s->architectures[i] ? s->architectures[i] : "");
    if (a->token == 0)
      return error_set(
          err, 0, PROFILE ".architectures[%zu]: \"%s\" is not supported by libseccomp %u.%u.%u", i,
          a->name, seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
  }

  for (size_t i = 0; i < s->flags_len; i++) {
    if (!in_list(flag_names, s->flags[i]))
      return error_set(err, 0, PROFILE ".flags[%zu]: unknown flag \"%s\"", i,
                       s->flags[i] ? s->flags[i] : "");
    if (probe_flags && !seccomp_flag_supported(s->flags[i]))
      return error_set(err, 0, PROFILE ".flags[%zu]: %s is not supported by this kernel", i,
                       s->flags[i]);
  }

  for (size_t i = 0; i < s->syscalls_len; i++)
    if (check_syscall(s->syscalls[i], i, err) < 0)
      return -1;
  return check_listener(s, probe_flags, err);
}

int seccomp_validate(const oci_seccomp *s, ocirun_error *err)
{
  if (s == NULL)
    return 0;
  return check_profile(s, true, err);
}

/* ---- building the filter with libseccomp --------------------------------------------- */

static void release_ctx(scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release(*ctx);
}

#define autoctx __attribute__((cleanup(release_ctx)))

/* One rule per name; conditions on the same argument twice make one rule each (libseccomp
 * ANDs the conditions of a rule, and runc splits them so that they act as alternatives). */
static int add_syscall_rules(scmp_filter_ctx ctx, const oci_syscall *sc, size_t i, uint32_t action,
                             ocirun_error *err)
{
  autofree struct scmp_arg_cmp *cmp = NULL;
  unsigned int per_index[MAX_SYSCALL_ARGS] = {0};
  bool separate = false;
  size_t n = sc->args_len;

  if (n > 0)
    cmp = xcalloc(n, sizeof(*cmp));
  for (size_t k = 0; k < n; k++) {
    const oci_syscall_arg *a = sc->args[k];
    enum scmp_compare op = SCMP_CMP_EQ;

    operator_value(a->op, &op);
    cmp[k] = (struct scmp_arg_cmp){
        .arg = (unsigned int)a->index, .op = op, .datum_a = a->value, .datum_b = a->valueTwo};
    if (++per_index[a->index] > 1)
      separate = true;
  }

  for (size_t j = 0; j < sc->names_len; j++) {
    const char *name = sc->names[j];
    int nr = seccomp_syscall_resolve_name(name);
    int rc = 0;

    if (nr == __NR_SCMP_ERROR) {
      log_debug("seccomp: syscall \"%s\" (linux.seccomp.syscalls[%zu]) is unknown to "
                "libseccomp, skipped",
                name, i);
      continue;
    }
    if (n == 0 || !separate)
      rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)n, cmp);
    else
      for (size_t k = 0; k < n && rc == 0; k++)
        rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[k]);
    if (rc < 0)
      return error_set(err, -rc, "seccomp: add the rule for \"%s\" (linux.seccomp.syscalls[%zu])",
                       name, i);
  }
  return 0;
}

static int build_filter(const oci_seccomp *s, uint32_t default_action, scmp_filter_ctx *out,
                        ocirun_error *err)
{
  autoctx scmp_filter_ctx ctx = seccomp_init(default_action);
  size_t nrules = 0;
  int rc;

  if (ctx == NULL)
    return error_set(err, EINVAL, "seccomp: create a filter with default action %s",
                     s->defaultAction);
  /* no_new_privs is the config's business (process.noNewPrivileges), not the filter's. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0)
    return error_set(err, -rc, "seccomp: clear the filter's no_new_privs attribute");

  for (size_t i = 0; i < s->architectures_len; i++) {
    const struct arch_name *a = find_arch(s->architectures[i]);
    rc = seccomp_arch_add(ctx, a->token);
    if (rc < 0 && rc != -EEXIST)
      return error_set(err, -rc, "seccomp: add architecture %s", a->name);
  }

  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_syscall *sc = s->syscalls[i];
    uint32_t action;

    action_value(sc->action, sc->has_errnoRet, sc->errnoRet, &action);
    /* libseccomp refuses a rule that does what the default does; it changes nothing. */
    if (action == default_action)
      continue;
    if (add_syscall_rules(ctx, sc, i, action, err) < 0)
      return -1;
    nrules += sc->names_len;
  }

  /* A binary tree of syscalls instead of a list, for long profiles (libseccomp up to 2.5.4
   * misbehaves with it and no rules, hence runc's threshold, kept here). */
  if (nrules > 32 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    log_debug("seccomp: binary tree optimization not available");

  *out = steal_ptr(ctx);
  return 0;
}

/* The filter as BPF, through a memfd (seccomp_export_bpf writes to an fd). */
static int export_program(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len,
                          ocirun_error *err)
{
  autoclose int fd = memfd_create("ocirun-seccomp", MFD_CLOEXEC);
  autofree struct sock_filter *insns = NULL;
  off_t size;
  size_t done = 0;
  int rc;

  if (fd < 0)
    return error_set(err, errno, "seccomp: memfd_create");
  rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0)
    return error_set(err, -rc, "seccomp: export the filter");
  size = lseek(fd, 0, SEEK_END);
  if (size < 0)
    return error_set(err, errno, "seccomp: size of the exported filter");
  if (size == 0 || size % (off_t)sizeof(struct sock_filter) != 0)
    return error_set(err, EINVAL, "seccomp: the exported filter has %lld bytes", (long long)size);
  insns = xmalloc((size_t)size);
  while (done < (size_t)size) {
    ssize_t n = pread(fd, (char *)insns + done, (size_t)size - done, (off_t)done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return error_set(err, n < 0 ? errno : EIO, "seccomp: read the exported filter");
    done += (size_t)n;
  }
  *len = (size_t)size / sizeof(struct sock_filter);
  *prog = steal_ptr(insns);
  return 0;
}

/* ---- the ENOSYS stub ----------------------------------------------------------------- */

/* The highest syscall number the profile names, per architecture of the filter. x86_64 and
 * x32 share AUDIT_ARCH_X86_64 (x32 numbers carry bit 30), so they form one group. */
struct arch_group {
  uint32_t audit;
  bool has_main, has_x32;
  uint32_t max_main, max_x32;
};

#define X32_SYSCALL_BIT 0x40000000U

static bool has_token(const uint32_t *tokens, size_t n, uint32_t t)
{
  for (size_t i = 0; i < n; i++)
    if (tokens[i] == t)
      return true;
  return false;
}

static size_t arch_groups(const oci_seccomp *s, struct arch_group *groups)
{
  uint32_t tokens[N_ARCHS + 1];
  size_t ntokens = 0, ngroups = 0;

  /* The native architecture is always in a libseccomp filter, listed or not. */
  tokens[ntokens++] = seccomp_arch_native();
  for (size_t i = 0; i < s->architectures_len; i++) {
    uint32_t t = find_arch(s->architectures[i])->token;
    if (!has_token(tokens, ntokens, t) && ntokens < N_ARCHS + 1)
      tokens[ntokens++] = t;
  }

  for (size_t t = 0; t < ntokens; t++) {
    bool x32 = tokens[t] == SCMP_ARCH_X32;
    uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : tokens[t];
    struct arch_group *g = NULL;
    int max = -1;

    for (size_t i = 0; i < s->syscalls_len; i++)
      for (size_t j = 0; j < s->syscalls[i]->names_len; j++) {
        int nr = seccomp_syscall_resolve_name_arch(tokens[t], s->syscalls[i]->names[j]);
        if (nr > max)
          max = nr; /* negative: unknown, or a pseudo number of a syscall the arch lacks */
      }
    if (max <= 0)
      continue;
    for (size_t k = 0; k < ngroups; k++)
      if (groups[k].audit == audit)
        g = &groups[k];
    if (g == NULL) {
      g = &groups[ngroups++];
      *g = (struct arch_group){.audit = audit};
    }
    if (x32) {
      g->has_x32 = true;
      g->max_x32 = (uint32_t)max;
    } else {
      g->has_main = true;
      g->max_main = (uint32_t)max;
    }
  }
  return ngroups;
}

/* A small assembler: forward jumps to labels, resolved once every instruction is placed.
 * Conditional jumps only ever skip one instruction; the long ones are `ja` (32-bit offset). */
struct stub {
  struct sock_filter *insn;
  size_t n, cap;
  struct {
    size_t at;
    size_t label;
  } fix[4 * (N_ARCHS + 2)];
  size_t nfix;
  size_t label_at[2 * N_ARCHS + 2];
};

enum { LABEL_FILTER = 0 };
#define LABEL_SECTION(g) (1 + 2 * (g))
#define LABEL_X32(g) (2 + 2 * (g))

static void put(struct stub *st, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
  if (st->n == st->cap) {
    st->cap = st->cap ? 2 * st->cap : 64;
    st->insn = xrealloc(st->insn, st->cap * sizeof(*st->insn));
  }
  st->insn[st->n++] = (struct sock_filter){.code = code, .jt = jt, .jf = jf, .k = k};
}

static void jump_to(struct stub *st, size_t label)
{
  st->fix[st->nfix].at = st->n;
  st->fix[st->nfix++].label = label;
  put(st, BPF_JMP | BPF_JA, 0, 0, 0);
}

static void place(struct stub *st, size_t label)
{
  st->label_at[label] = st->n;
}

#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)

/* nr > max: ENOSYS; else on to libseccomp's filter. */
static void enosys_above(struct stub *st, uint32_t max)
{
  put(st, BPF_JMP | BPF_JGT | BPF_K, 0, 1, max);
  put(st, BPF_RET | BPF_K, 0, 0, RET_ENOSYS);
  jump_to(st, LABEL_FILTER);
}

static void emit_section(struct stub *st, const struct arch_group *g, size_t gi)
{
  place(st, LABEL_SECTION(gi));
  put(st, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  /* s390: syscall numbers the kernel does not know reach the filter as 0 (the old setup(2),
   * unused since), so 0 is answered ENOSYS as well. */
  if (g->audit == AUDIT_ARCH_S390 || g->audit == AUDIT_ARCH_S390X) {
    put(st, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
    put(st, BPF_RET | BPF_K, 0, 0, RET_ENOSYS);
  }
  if (g->audit != AUDIT_ARCH_X86_64) {
    enosys_above(st, g->max_main);
    return;
  }
  /* x86_64: bit 30 set is an x32 call; each mode has its own highest number, and a mode the
   * profile does not list goes to the filter (which refuses it as a bad architecture). */
  put(st, BPF_JMP | BPF_JSET | BPF_K, 0, 1, X32_SYSCALL_BIT);
  jump_to(st, LABEL_X32(gi));
  if (g->has_main)
    enosys_above(st, g->max_main);
  else
    jump_to(st, LABEL_FILTER);
  place(st, LABEL_X32(gi));
  if (g->has_x32)
    enosys_above(st, g->max_x32);
  else
    jump_to(st, LABEL_FILTER);
}

/* The stub (runc's rule): only for a default action that refuses, and not when the default
 * answer is ENOSYS already. Returns the number of instructions put in *out (0: no stub). */
static size_t enosys_stub(const oci_seccomp *s, uint32_t default_action, struct sock_filter **out)
{
  struct arch_group groups[N_ARCHS + 1];
  struct stub st = {0};
  size_t ngroups;

  *out = NULL;
  if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG ||
      (default_action & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_TRACE(0) ||
      default_action == SCMP_ACT_ERRNO(ENOSYS))
    return 0;
  ngroups = arch_groups(s, groups);
  if (ngroups == 0)
    return 0;

  put(&st, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
  for (size_t g = 0; g < ngroups; g++) {
    put(&st, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, groups[g].audit);
    jump_to(&st, LABEL_SECTION(g));
  }
  jump_to(&st, LABEL_FILTER);
  for (size_t g = 0; g < ngroups; g++)
    emit_section(&st, &groups[g], g);
  place(&st, LABEL_FILTER);

  for (size_t f = 0; f < st.nfix; f++)
    st.insn[st.fix[f].at].k = (uint32_t)(st.label_at[st.fix[f].label] - st.fix[f].at - 1);
  *out = st.insn;
  return st.n;
}

/* ---- loading ------------------------------------------------------------------------- */

static int load_program(const struct sock_filter *insns, size_t len, unsigned long flags,
                        bool flags_defaulted, ocirun_error *err)
{
  struct sock_fprog prog = {.len = (unsigned short)len, .filter = (struct sock_filter *)insns};
  long rc;

  if (len > BPF_MAXINSNS)
    return error_set(err, E2BIG, "load seccomp filter: %zu instructions, the kernel takes %d", len,
                     BPF_MAXINSNS);
  rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
  /* Only the implied SPEC_ALLOW may be given up, on a kernel that does not know it. */
  if (rc < 0 && errno == EINVAL && flags_defaulted && flags == SECCOMP_FILTER_FLAG_SPEC_ALLOW)
    rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog);
  if (rc < 0 && errno == EACCES)
    return error_set(err, errno,
                     "load seccomp filter: neither no_new_privs nor CAP_SYS_ADMIN is in effect");
  if (rc < 0)
    return error_set(err, errno, "load seccomp filter (flags %#lx)", flags);
  return (int)rc;
}

/* The whole program: the ENOSYS stub, then libseccomp's filter. */
static int compile_program(const oci_seccomp *s, struct sock_filter **out, size_t *out_len,
                           ocirun_error *err)
{
  autoctx scmp_filter_ctx ctx = NULL;
  autofree struct sock_filter *filter = NULL;
  autofree struct sock_filter *stub = NULL;
  struct sock_filter *prog;
  size_t filter_len = 0, stub_len;
  uint32_t default_action;

  action_value(s->defaultAction, s->has_defaultErrnoRet, s->defaultErrnoRet, &default_action);
  if (build_filter(s, default_action, &ctx, err) < 0)
    return -1;
  if (export_program(ctx, &filter, &filter_len, err) < 0)
    return -1;

  stub_len = enosys_stub(s, default_action, &stub);
  prog = xcalloc(stub_len + filter_len, sizeof(*prog));
  if (stub_len > 0)
    memcpy(prog, stub, stub_len * sizeof(*prog));
  memcpy(prog + stub_len, filter, filter_len * sizeof(*prog));
  *out = prog;
  *out_len = stub_len + filter_len;
  return 0;
}

int seccomp_program_make(const oci_seccomp *s, int cache_dirfd, struct seccomp_program **out,
                         ocirun_error *err)
{
  struct seccomp_program *p;
  uint8_t key[SECCOMP_CACHE_KEY_LEN];

  *out = NULL;
  if (s == NULL)
    return 0;
  if (check_profile(s, false, err) < 0)
    return -1;
  p = xcalloc(1, sizeof(*p));
  p->listener = seccomp_uses_notify(s);
  p->flags = filter_flags(s, p->listener);
  p->flags_defaulted = s->flags == NULL;

  if (cache_dirfd >= 0) {
    seccomp_cache_key(s, key);
    if (seccomp_cache_get(cache_dirfd, key, &p->insns, &p->len)) {
      p->cached = true;
      *out = p;
      return 0;
    }
  }
  if (compile_program(s, &p->insns, &p->len, err) < 0) {
    seccomp_program_free(p);
    return -1;
  }
  if (cache_dirfd >= 0)
    seccomp_cache_put(cache_dirfd, key, p->insns, p->len);
  *out = p;
  return 0;
}

void seccomp_program_free(struct seccomp_program *p)
{
  if (p == NULL)
    return;
  free(p->insns);
  free(p);
}

/* Nothing but the seccomp(2) call: what follows it in the caller may already be filtered, and a
 * notify listener must reach the runtime before anything a notify rule could stop. */
int seccomp_program_load(const struct seccomp_program *p, int *listener_fd, ocirun_error *err)
{
  int rc;

  *listener_fd = -1;
  if (p == NULL)
    return 0;
  rc = load_program(p->insns, p->len, p->flags, p->flags_defaulted, err);
  if (rc < 0)
    return -1;
  if (p->listener)
    *listener_fd = rc;
  return 0;
}

int seccomp_apply(const oci_seccomp *s, int *listener_fd, ocirun_error *err)
{
  struct seccomp_program *p = NULL;
  int rc;

  *listener_fd = -1;
  if (seccomp_program_make(s, -1, &p, err) < 0)
    return -1;
  rc = seccomp_program_load(p, listener_fd, err);
  seccomp_program_free(p);
  return rc;
}

#else /* !HAVE_SECCOMP */

#define NO_SECCOMP                                                                                 \
  PROFILE ": this ocirun was built without libseccomp and cannot apply a seccomp profile"

const char *const *seccomp_known_archs(void)
{
  return no_names;
}

bool seccomp_flag_supported(const char *flag)
{
  (void)flag;
  return false;
}

int seccomp_validate(const oci_seccomp *s, ocirun_error *err)
{
  if (s == NULL)
    return 0;
  return error_set(err, 0, NO_SECCOMP);
}

int seccomp_program_make(const oci_seccomp *s, int cache_dirfd, struct seccomp_program **out,
                         ocirun_error *err)
{
  (void)cache_dirfd;
  *out = NULL;
  if (s == NULL)
    return 0;
  return error_set(err, 0, NO_SECCOMP);
}

void seccomp_program_free(struct seccomp_program *p)
{
  (void)p;
}

int seccomp_program_load(const struct seccomp_program *p, int *listener_fd, ocirun_error *err)
{
  (void)p;
  (void)err;
  *listener_fd = -1;
  return 0;
}

int seccomp_apply(const oci_seccomp *s, int *listener_fd, ocirun_error *err)
{
  *listener_fd = -1;
  if (s == NULL)
    return 0;
  return error_set(err, 0, NO_SECCOMP);
}

#endif

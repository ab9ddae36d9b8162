/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp_validate's messages, and seccomp_apply loading real filters in forked children:
 * the child sets no_new_privs (so that no capability is needed), loads a profile written as
 * JSON, then checks what its syscalls return. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "config.h"
#include "process_test.h"
#include "seccomp_profile.h"
#include "utils.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

static char scratch[64]; /* a directory of the test's own, for mkdir */

/* Under AddressSanitizer (-Db_sanitize=address) the child's _exit goes through the sanitizer
 * runtime, which calls sigaltstack: the allow-lists must let it. (gcc says __SANITIZE_ADDRESS__,
 * clang __has_feature.) */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define SANITIZER_SYSCALLS ", \"sigaltstack\""
#else
#define SANITIZER_SYSCALLS ""
#endif

static oci_seccomp *parse(const char *json)
{
  char *perr = NULL;
  oci_seccomp *s = oci_seccomp_parse_data(json, strlen(json), "test", &perr);

  if (s == NULL) {
    printf("Bail out! profile does not parse: %s\n", perr);
    exit(2);
  }
  return s;
}

#if HAVE_SECCOMP

/* Replaces a string of a parsed profile (the parser itself refuses unknown enum values, so a
 * bad name can only come this way, as from a caller that builds the struct itself). */
static void replace(char **field, const char *value)
{
  free(*field);
  *field = xstrdup(value);
}

static void expect_invalid(oci_seccomp *s, const char *expected)
{
  ocirun_error err = {0};

  CHECK_ERROR(seccomp_validate(s, &err), &err, expected);
  oci_seccomp_free(s);
}

static void expect_valid(const char *json)
{
  oci_seccomp *s = parse(json);
  ocirun_error err = {0};

  CHECK_OK(seccomp_validate(s, &err), &err);
  oci_seccomp_free(s);
}

/* In a child: no_new_privs, then the profile. Exits the child when loading fails. */
static int load(const char *json)
{
  oci_seccomp *s = parse(json);
  ocirun_error err = {0};
  int listener = -2;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    CHECK(0, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    _exit(1);
  }
  if (seccomp_apply(s, &listener, &err) < 0) {
    CHECK(0, "seccomp_apply failed: %s", err.msg);
    _exit(1);
  }
  oci_seccomp_free(s);
  return listener;
}

#define EXPECT_ERRNO(call, want)                                                                   \
  do {                                                                                             \
    errno = 0;                                                                                     \
    long rc_ = (long)(call);                                                                       \
    int e_ = errno;                                                                                \
    CHECK(rc_ == -1 && e_ == (want), "%s fails with %s (got %ld, %s)", #call,                      \
          strerrorname_np(want), rc_, e_ ? strerrorname_np(e_) : "no error");                      \
  } while (0)

#define EXPECT_SUCCESS(call)                                                                       \
  do {                                                                                             \
    errno = 0;                                                                                     \
    long rc_ = (long)(call);                                                                       \
    CHECK(rc_ != -1, "%s works (got %ld, %s)", #call, rc_, errno ? strerror(errno) : "");          \
  } while (0)

static char *path_in_scratch(const char *name)
{
  static char path[128];

  snprintf(path, sizeof(path), "%s/%s", scratch, name);
  return path;
}

/* ---- validation ---------------------------------------------------------------------- */

static const char *const four_rules =
    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
    "{\"names\": [\"getcwd\"], \"action\": \"SCMP_ACT_ERRNO\"},"
    "{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_LOG\"},"
    "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
    "  {\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"},"
    "  {\"index\": 1, \"value\": 8, \"op\": \"SCMP_CMP_NE\"}]},"
    "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";

static void validation(void)
{
  oci_seccomp *s;
  ocirun_error err = {0};

  CHECK_OK(seccomp_validate(NULL, &err), &err);
  expect_valid(four_rules);
  /* Names libseccomp does not know may be newer than it: not an error (runc skips them). */
  expect_valid("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
               "[\"read\", \"no_such_syscall_yet\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
  expect_valid("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"defaultErrnoRet\": 1, "
               "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\", "
               "\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_RISCV64\"], \"flags\": "
               "[\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\", "
               "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}");

  s = parse(four_rules);
  replace(&s->syscalls[3]->action, "SCMP_ACT_FOO");
  expect_invalid(s,
                 "config.json: linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"");

  s = parse(four_rules);
  replace(&s->defaultAction, "SCMP_ACT_BAR");
  expect_invalid(s, "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BAR\"");

  s = parse(four_rules);
  replace(&s->syscalls[2]->args[1]->op, "SCMP_CMP_FOO");
  expect_invalid(s, "config.json: linux.seccomp.syscalls[2].args[1].op: unknown operator "
                    "\"SCMP_CMP_FOO\"");

  s = parse(four_rules);
  s->syscalls[2]->args[0]->index = 6;
  expect_invalid(s,
                 "config.json: linux.seccomp.syscalls[2].args[0].index: 6 is out of range (0-5)");

  s = parse(four_rules);
  replace(&s->syscalls[1]->names[0], "");
  expect_invalid(s, "config.json: linux.seccomp.syscalls[1].names[0]: empty syscall name");

  s = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"]}");
  replace(&s->architectures[0], "SCMP_ARCH_VAX");
  expect_invalid(s, "config.json: linux.seccomp.architectures[0]: unknown architecture "
                    "\"SCMP_ARCH_VAX\"");

  s = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}");
  replace(&s->flags[0], "SECCOMP_FILTER_FLAG_TSYNC_ESRCH");
  expect_invalid(s, "config.json: linux.seccomp.flags[0]: unknown flag "
                    "\"SECCOMP_FILTER_FLAG_TSYNC_ESRCH\"");

  expect_invalid(parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}"),
                 "config.json: linux.seccomp.defaultErrnoRet: 5000 is out of range (0-4095)");
  expect_invalid(parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                       "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 65536}]}"),
                 "config.json: linux.seccomp.syscalls[0].errnoRet: 65536 is out of range (0-4095)");

  /* notify: never the default, only with a listener path, never on the hand-over syscalls */
  expect_invalid(parse("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/run/a\"}"),
                 "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
                 "action");
  expect_invalid(parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                       "{\"names\": [\"getcwd\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                       "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"),
                 "config.json: linux.seccomp.listenerPath: not set, and "
                 "linux.seccomp.syscalls[1] uses SCMP_ACT_NOTIFY");
  expect_invalid(parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/a\", "
                       "\"syscalls\": [{\"names\": [\"mkdir\", \"sendmsg\"], \"action\": "
                       "\"SCMP_ACT_NOTIFY\"}]}"),
                 "config.json: linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used "
                 "for \"sendmsg\" (the runtime needs it to hand the listener over)");
  expect_valid("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\", "
               "\"listenerMetadata\": \"x\", \"syscalls\": [{\"names\": [\"mkdir\"], "
               "\"action\": \"SCMP_ACT_NOTIFY\"}]}");
}

/* An architecture of the runtime-spec that this libseccomp lacks is named as such. */
static void unsupported_arch(void)
{
  const char *const *archs = seccomp_known_archs();
  char expected[256];
  oci_seccomp *s;

  for (; *archs; archs++)
    if (strcmp(*archs, "SCMP_ARCH_M68K") == 0)
      return; /* a newer libseccomp: nothing to check */
  s = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\", "
            "\"SCMP_ARCH_M68K\"]}");
  snprintf(expected, sizeof(expected),
           "config.json: linux.seccomp.architectures[1]: \"SCMP_ARCH_M68K\" is not supported by "
           "libseccomp %u.%u.%u",
           seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
  expect_invalid(s, expected);
}

/* ---- filters ------------------------------------------------------------------------- */

/* The brief's first case: mkdir refused with EPERM, everything else works. */
static void deny_mkdir(void)
{
  char value[32];

  CHECK(load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
             "[\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}") == -1,
        "no listener without a notify rule");
  EXPECT_ERRNO(mkdir(path_in_scratch("a"), 0755), EPERM);
  EXPECT_ERRNO(mkdirat(AT_FDCWD, path_in_scratch("b"), 0755), EPERM);
  EXPECT_SUCCESS(getpid());
  EXPECT_SUCCESS(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
  status_field("Seccomp", value, sizeof(value));
  CHECK(strcmp(value, "2") == 0, "Seccomp: %s (want 2, filter mode)", value);
  status_field("Seccomp_filters", value, sizeof(value));
  CHECK(strcmp(value, "1") == 0, "Seccomp_filters: %s (want 1)", value);
  status_field("NoNewPrivs", value, sizeof(value));
  CHECK(strcmp(value, "1") == 0, "NoNewPrivs: %s", value);
}

static void errno_ret(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
       "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
       "{\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 0}]}");
  EXPECT_ERRNO(mkdir(path_in_scratch("c"), 0755), ENOSYS);
  /* errnoRet 0 answers success without running the syscall */
  CHECK(rmdir("/nonexistent/dir") == 0, "rmdir with errnoRet 0 returns 0 without running");
}

/* Default deny with an allow list: defaultErrnoRet for what is refused, ENOSYS (the stub) for
 * syscall numbers above every syscall the profile names. */
static void default_deny(void)
{
  char byte;

  load("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13, \"syscalls\": [{"
       "\"names\": [\"write\", \"exit\", \"exit_group\", \"getpid\", \"rt_sigreturn\", "
       "\"brk\", \"mmap\", \"munmap\", \"futex\", \"newfstatat\", \"fstat\"" SANITIZER_SYSCALLS
       "], "
       "\"action\": \"SCMP_ACT_ALLOW\"}]}");
  EXPECT_SUCCESS(getpid());
  EXPECT_ERRNO(syscall(SYS_getppid), EACCES); /* glibc's getppid() does not set errno */
  EXPECT_ERRNO(mkdir(path_in_scratch("d"), 0755), EACCES);
  /* getrandom (318 on x86_64) is newer than exit_group (231), the profile's highest */
  EXPECT_ERRNO(syscall(SYS_getrandom, &byte, 1, 0), ENOSYS);
}

/* The same without the stub: a default of ERRNO(ENOSYS) needs none. */
static void default_enosys(void)
{
  char byte;

  load("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": [{"
       "\"names\": [\"write\", \"exit\", \"exit_group\", \"getpid\"" SANITIZER_SYSCALLS "], "
       "\"action\": \"SCMP_ACT_ALLOW\"}]}");
  EXPECT_ERRNO(syscall(SYS_getppid), ENOSYS);
  EXPECT_ERRNO(syscall(SYS_getrandom, &byte, 1, 0), ENOSYS);
}

/* ---- argument comparisons ------------------------------------------------------------ */

struct op_case {
  const char *op;
  uint64_t value, value_two;
  bool refused[3]; /* for personality(0), personality(8), personality(0xffffffff) */
};

static const struct op_case op_cases[] = {
    {"SCMP_CMP_EQ", 8, 0, {false, true, false}},
    {"SCMP_CMP_NE", 8, 0, {true, false, true}},
    {"SCMP_CMP_LT", 8, 0, {true, false, false}},
    {"SCMP_CMP_LE", 8, 0, {true, true, false}},
    {"SCMP_CMP_GE", 8, 0, {false, true, true}},
    {"SCMP_CMP_GT", 8, 0, {false, false, true}},
    /* value is the mask, valueTwo what the masked argument must equal */
    {"SCMP_CMP_MASKED_EQ", 0xff, 8, {false, true, false}},
};

static const struct op_case *current_case;

static void one_operator(void)
{
  static const unsigned long personas[3] = {PER_LINUX, PER_LINUX32, 0xffffffffUL};
  char json[512];

  snprintf(json, sizeof(json),
           "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"personality\"], "
           "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33, \"args\": [{\"index\": 0, "
           "\"value\": %llu, \"valueTwo\": %llu, \"op\": \"%s\"}]}]}",
           (unsigned long long)current_case->value, (unsigned long long)current_case->value_two,
           current_case->op);
  load(json);
  for (int i = 0; i < 3; i++) {
    errno = 0;
    int rc = personality(personas[i]);
    bool refused = rc == -1 && errno == EDOM;
    CHECK(refused == current_case->refused[i], "%s: personality(%#lx) %s", current_case->op,
          personas[i], refused ? "refused" : "allowed");
  }
}

static void operators(void)
{
  for (size_t i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
    current_case = &op_cases[i];
    CHECK(run_in_child(one_operator) == 0, "operator %s", op_cases[i].op);
  }
}

/* Two conditions on the same argument are two rules (either matches), as runc does;
 * conditions on different arguments are one rule (all must match). */
static void same_argument_twice(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"personality\"], "
       "\"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
       "{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
       "{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},"
       "{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
       "{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
       "{\"index\": 1, \"value\": 999999, \"op\": \"SCMP_CMP_EQ\"}]}]}");
  EXPECT_ERRNO(personality(PER_LINUX), EPERM);
  EXPECT_ERRNO(personality(PER_LINUX32), EPERM);
  EXPECT_SUCCESS(personality(0xffffffff));
  /* which == PRIO_PROCESS (0) and who == 999999: refused; either alone: the kernel answers */
  EXPECT_ERRNO(getpriority(PRIO_PROCESS, 999999), EPERM);
  EXPECT_ERRNO(getpriority(PRIO_PGRP, 999999), ESRCH);
  EXPECT_SUCCESS(getpriority(PRIO_PROCESS, 0));
}

/* ---- architectures ------------------------------------------------------------------- */

#ifdef __x86_64__
static long int80(long nr, long a, long b)
{
  long rc;

  __asm__ volatile("int $0x80" : "=a"(rc) : "a"(nr), "b"(a), "c"(b) : "memory");
  return rc;
}

/* i386 mkdir is 39 there too; its errno comes back as -EPERM in eax. */
static void with_x86(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", "
       "\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], \"syscalls\": [{\"names\": [\"mkdir\"], "
       "\"action\": \"SCMP_ACT_ERRNO\"}]}");
  EXPECT_ERRNO(mkdir(path_in_scratch("f"), 0755), EPERM);
  /* the path pointer (0) is never read: the filter answers first */
  CHECK(int80(39, 0, 0755) == -EPERM, "i386 mkdir through int $0x80 is refused with EPERM");
  CHECK(int80(20, 0, 0) == getpid(), "i386 getpid through int $0x80 works");
}

static void without_x86(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
       "\"action\": \"SCMP_ACT_ERRNO\"}]}");
  int80(20, 0, 0); /* an architecture outside the filter: the thread is killed (SIGSYS) */
  CHECK(0, "i386 getpid was not refused");
}

static void architectures(void)
{
  long rc = int80(20, 0, 0);

  if (rc != getpid()) {
    printf("ok - # SKIP no i386 syscalls on this kernel (int $0x80 gave %ld)\n", rc);
    return;
  }
  CHECK(run_in_child(with_x86) == 0, "SCMP_ARCH_X86 listed: i386 syscalls are filtered too");
  CHECK(run_in_child(without_x86) == 128 + SIGSYS,
        "SCMP_ARCH_X86 not listed: an i386 syscall kills with SIGSYS");
}
#else
static void architectures(void)
{
  printf("ok - # SKIP the architecture test is written for x86_64\n");
}
#endif

/* ---- kill, trap, flags, unknown names, a long profile -------------------------------- */

static void kill_process(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"], "
       "\"action\": \"SCMP_ACT_KILL_PROCESS\"}]}");
  getppid();
  CHECK(0, "getppid did not kill");
}

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig)
{
  (void)sig;
  trapped = 1;
}

static void trap(void)
{
  signal(SIGSYS, on_sigsys);
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"], "
       "\"action\": \"SCMP_ACT_TRAP\"}]}");
  getppid();
  CHECK(trapped, "SCMP_ACT_TRAP delivers SIGSYS");
}

static void flags_and_unknown_names(void)
{
  load("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", "
       "\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": ["
       "{\"names\": [\"no_such_syscall_yet\", \"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
       "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
       "{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_LOG\"}]}");
  EXPECT_ERRNO(mkdir(path_in_scratch("g"), 0755), EPERM);
  EXPECT_SUCCESS(getpid());
  EXPECT_SUCCESS(chdir("/"));
}

/* Every syscall libseccomp knows allowed one by one, except mkdir: the long-profile path
 * (libseccomp's binary tree). */
static void long_profile(void)
{
  size_t cap = 1 << 16, len = 0;
  char *json = xmalloc(cap);
  uint32_t native = seccomp_arch_native();

  len += (size_t)snprintf(json + len, cap - len,
                          "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [");
  for (int nr = 0, first = 1; nr < 1024; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(native, nr);
    if (name && strcmp(name, "mkdir") != 0 && strcmp(name, "mkdirat") != 0) {
      len += (size_t)snprintf(json + len, cap - len, "%s\"%s\"", first ? "" : ", ", name);
      first = 0;
    }
    free(name);
  }
  snprintf(json + len, cap - len, ", \"not_a_syscall\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
  load(json);
  free(json);
  EXPECT_ERRNO(mkdir(path_in_scratch("h"), 0755), EPERM);
  EXPECT_SUCCESS(getppid());
  EXPECT_SUCCESS(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
}

/* ---- notify -------------------------------------------------------------------------- */

static const char *notify_flags = "";

/* The child is the agent: it loads the filter, gets the listener, and answers a grandchild's
 * mkdir with EXDEV. */
static void notify(void)
{
  char json[512], link[128], path[64];
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  int listener, status = 0;
  ssize_t n;
  pid_t pid;

  snprintf(json, sizeof(json),
           "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\", %s"
           "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
           notify_flags);
  listener = load(json);
  CHECK(listener >= 0, "a notify rule gives a listener fd (%d)", listener);
  if (listener < 0)
    return;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", listener);
  n = readlink(path, link, sizeof(link) - 1);
  link[n > 0 ? n : 0] = '\0';
  CHECK(strcmp(link, "anon_inode:seccomp notify") == 0, "the fd is a seccomp listener (%s)", link);
  CHECK(fcntl(listener, F_GETFD) == FD_CLOEXEC, "the listener is close-on-exec");

  pid = fork();
  if (pid == 0) {
    int rc = mkdir(path_in_scratch("i"), 0755);
    _exit(rc == -1 && errno == EXDEV ? 0 : 1);
  }
  CHECK(seccomp_notify_alloc(&req, &resp) == 0, "seccomp_notify_alloc");
  CHECK(seccomp_notify_receive(listener, req) == 0, "the agent receives the mkdir");
  CHECK(req->pid == (uint32_t)pid && req->data.nr == seccomp_syscall_resolve_name("mkdir"),
        "the request is the grandchild's mkdir");
  resp->id = req->id;
  resp->error = -EXDEV;
  resp->val = 0;
  resp->flags = 0;
  CHECK(seccomp_notify_respond(listener, resp) == 0, "the agent answers");
  seccomp_notify_free(req, resp);
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the grandchild got the agent's EXDEV");
  close(listener);
}

static void notify_killable(void)
{
  notify_flags = "\"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"], ";
  notify();
}

/* ---- no_new_privs and CAP_SYS_ADMIN -------------------------------------------------- */

/* Without no_new_privs the kernel wants CAP_SYS_ADMIN: the reason seccomp_apply comes before
 * the capabilities are dropped when noNewPrivileges is false. */
static void needs_nnp_or_sys_admin(void)
{
  oci_seccomp *s = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
  ocirun_error err = {0};
  cap_t caps = cap_get_proc();
  int listener;

  CHECK_OK(seccomp_apply(s, &listener, &err), &err); /* root, CAP_SYS_ADMIN: loads */
  cap_set_flag(caps, CAP_EFFECTIVE, 1, (cap_value_t[]){CAP_SYS_ADMIN}, CAP_CLEAR);
  if (cap_set_proc(caps) < 0)
    CHECK(0, "cap_set_proc: %s", strerror(errno));
  cap_free(caps);
  CHECK_ERROR(seccomp_apply(s, &listener, &err), &err,
              "load seccomp filter: neither no_new_privs nor CAP_SYS_ADMIN is in effect: "
              "Permission denied");
  oci_seccomp_free(s);
}

#endif /* HAVE_SECCOMP */

int main(void)
{
  strcpy(scratch, "/tmp/ocirun-test-seccomp-XXXXXX");
  if (mkdtemp(scratch) == NULL) {
    printf("Bail out! mkdtemp: %s\n", strerror(errno));
    return 2;
  }

#if HAVE_SECCOMP
  validation();
  unsupported_arch();
  CHECK(run_in_child(deny_mkdir) == 0, "default ALLOW, mkdir ERRNO: only mkdir fails (EPERM)");
  CHECK(run_in_child(errno_ret) == 0, "errnoRet 38 and errnoRet 0");
  CHECK(run_in_child(default_deny) == 0, "default ERRNO with defaultErrnoRet, ENOSYS stub");
  CHECK(run_in_child(default_enosys) == 0, "default ERRNO(ENOSYS)");
  operators();
  CHECK(run_in_child(same_argument_twice) == 0, "conditions on one argument are alternatives");
  architectures();
  CHECK(run_in_child(kill_process) == 128 + SIGSYS, "SCMP_ACT_KILL_PROCESS kills with SIGSYS");
  CHECK(run_in_child(trap) == 0, "SCMP_ACT_TRAP");
  CHECK(run_in_child(flags_and_unknown_names) == 0, "flags; unknown names are skipped");
  CHECK(run_in_child(long_profile) == 0, "a profile naming every syscall");
  CHECK(run_in_child(notify) == 0, "SCMP_ACT_NOTIFY gives a working listener");
  if (seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
    CHECK(run_in_child(notify_killable) == 0, "notify with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  else
    printf("ok - # SKIP the kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\n");
  if (geteuid() == 0)
    CHECK(run_in_child(needs_nnp_or_sys_admin) == 0,
          "without no_new_privs CAP_SYS_ADMIN is needed");
  else
    printf("ok - # SKIP the CAP_SYS_ADMIN case needs root\n");
#else
  {
    oci_seccomp *s = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
    ocirun_error err = {0};
    int listener;

    CHECK_ERROR(seccomp_validate(s, &err), &err,
                "config.json: linux.seccomp: this ocirun was built without libseccomp and cannot "
                "apply a seccomp profile");
    CHECK_ERROR(seccomp_apply(s, &listener, &err), &err,
                "config.json: linux.seccomp: this ocirun was built without libseccomp and cannot "
                "apply a seccomp profile");
    oci_seccomp_free(s);
  }
#endif
  rmdir(scratch);
  return test_exit_status();
}

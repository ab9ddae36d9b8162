/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process_validate and personality_validate: what they accept, and the exact message
 * (JSON path first) for each thing they refuse. */
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>

#include "capabilities.h"
#include "cpu_affinity.h"
#include "process.h"
#include "process_test.h"
#include "rlimits.h"

static char *args_sh[] = {"sh", "-c", "true"};
static char *good_env[] = {"PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY="};
static char *some_caps[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};

/* A process object every check starts from; each case breaks one thing. */
static oci_process good_process(void)
{
  oci_process p = {0};

  p.args = args_sh;
  p.args_len = 3;
  p.cwd = "/";
  p.env = good_env;
  p.env_len = 3;
  return p;
}

static void test_good(void)
{
  static oci_rlimit nofile = {.type = "RLIMIT_NOFILE", .soft = 1024, .hard = 4096};
  static oci_rlimit core = {.type = "RLIMIT_CORE", .soft = 0, .hard = UINT64_MAX};
  static oci_rlimit *rlimits[] = {&nofile, &core};
  static oci_capabilities caps = {
      .bounding = some_caps,
      .bounding_len = 3,
      .effective = some_caps,
      .effective_len = 3,
      .permitted = some_caps,
      .permitted_len = 3,
      .inheritable = some_caps,
      .inheritable_len = 0,
      .ambient = some_caps,
      .ambient_len = 1,
  };
  static oci_io_priority io = {.class = "IOPRIO_CLASS_BE", .priority = 4, .has_priority = true};
  static char *flags[] = {"SCHED_FLAG_RESET_ON_FORK"};
  static oci_scheduler sched = {
      .policy = "SCHED_OTHER", .nice = 5, .has_nice = true, .flags = flags, .flags_len = 1};
  static oci_exec_cpu_affinity aff = {.initial = "0-3, 7", .final = ""};
  oci_process p = good_process();
  ocirun_error err = {0};

  p.rlimits = rlimits;
  p.rlimits_len = 2;
  p.capabilities = &caps;
  p.ioPriority = &io;
  p.scheduler = &sched;
  p.execCPUAffinity = &aff;
  p.oomScoreAdj = -1000;
  p.has_oomScoreAdj = true;
  CHECK_OK(process_validate(&p, "process", &err), &err);
  CHECK_OK(process_validate(NULL, "process", &err), &err);
}

static void test_args_cwd_env(void)
{
  static char *no_equals[] = {"A=1", "FOO"};
  static char *empty_name[] = {"=value"};
  oci_process p;
  ocirun_error err = {0};

  p = good_process();
  p.args_len = 0;
  CHECK_ERROR(process_validate(&p, "process", &err), &err, "process.args: must not be empty");

  p = good_process();
  p.cwd = "relative/dir";
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.cwd: \"relative/dir\" is not an absolute path");

  p = good_process();
  p.env = no_equals;
  p.env_len = 2;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.env[1]: invalid environment variable \"FOO\": missing '='");

  p = good_process();
  p.env = empty_name;
  p.env_len = 1;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.env[0]: invalid environment variable \"=value\": empty name");

  p = good_process();
  p.oomScoreAdj = 1001;
  p.has_oomScoreAdj = true;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.oomScoreAdj: 1001 is out of range (-1000..1000)");
}

static void test_rlimits(void)
{
  static oci_rlimit nofile = {.type = "RLIMIT_NOFILE", .soft = 1, .hard = 2};
  static oci_rlimit nproc = {.type = "RLIMIT_NPROC", .soft = 1, .hard = 2};
  static oci_rlimit foo = {.type = "RLIMIT_FOO", .soft = 1, .hard = 2};
  static oci_rlimit inverted = {.type = "RLIMIT_STACK", .soft = 10, .hard = 5};
  static oci_rlimit *unknown[] = {&nofile, &nproc, &foo};
  static oci_rlimit *twice[] = {&nofile, &nproc, &nofile};
  static oci_rlimit *soft_above_hard[] = {&inverted};
  static const char *all[] = {
      "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
      "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
      "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
      "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
  oci_process p = good_process();
  ocirun_error err = {0};
  bool all_known = true;

  p.rlimits = unknown;
  p.rlimits_len = 3;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"");
  p.rlimits = twice;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\"");
  p.rlimits = soft_above_hard;
  p.rlimits_len = 1;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.rlimits[0]: soft limit 10 is greater than hard limit 5");

  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
    all_known = all_known && rlimit_from_name(all[i]) >= 0;
  CHECK(all_known, "all 16 RLIMIT_* names are known");
  CHECK(rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE, "RLIMIT_NOFILE maps to its number");
  CHECK(rlimit_from_name("rlimit_nofile") < 0, "rlimit names are case-sensitive");
}

static void test_capabilities(void)
{
  static char *bad_first[] = {"CAP_FOO", "CAP_CHOWN"};
  static char *bad_second[] = {"CAP_CHOWN", "CAP_BAR"};
  oci_capabilities caps = {0};
  oci_process p = good_process();
  ocirun_error err = {0};

  p.capabilities = &caps;
  caps.bounding = bad_first;
  caps.bounding_len = 2;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.capabilities.bounding[0]: unknown capability \"CAP_FOO\"");
  caps.bounding_len = 0;
  caps.ambient = bad_second;
  caps.ambient_len = 2;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.capabilities.ambient[1]: unknown capability \"CAP_BAR\"");
  caps.ambient_len = 0;
  caps.inheritable = bad_second;
  caps.inheritable_len = 2;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.capabilities.inheritable[1]: unknown capability \"CAP_BAR\"");

  CHECK(capability_from_name("CAP_CHOWN") == 0, "CAP_CHOWN is 0");
  CHECK(capability_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN is 21");
  CHECK(capability_from_name("cap_sys_admin") == 21, "names are matched case-insensitively");
  CHECK(capability_from_name("CAP_FOO") == -1, "CAP_FOO is unknown");
  CHECK(capability_from_name("SYS_ADMIN") == -1, "the CAP_ prefix is required");
  CHECK(capability_last() >= 36, "the kernel knows at least CAP_BLOCK_SUSPEND (last=%d)",
        capability_last());
}

static void test_io_priority(void)
{
  oci_io_priority io = {.class = "IOPRIO_CLASS_X", .priority = 0};
  oci_process p = good_process();
  ocirun_error err = {0};

  p.ioPriority = &io;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"");
  io.class = "IOPRIO_CLASS_RT";
  io.priority = 8;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.ioPriority.priority: 8 is out of range (0-7)");
  io.priority = -1;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.ioPriority.priority: -1 is out of range (0-7)");
  io.class = "IOPRIO_CLASS_IDLE";
  io.priority = 7;
  CHECK_OK(process_validate(&p, "process", &err), &err);
}

static void test_scheduler(void)
{
  static char *bad_flags[] = {"SCHED_FLAG_RECLAIM", "SCHED_FLAG_FOO"};
  static const char *policies[] = {"SCHED_OTHER", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE"};
  oci_scheduler s = {.policy = "SCHED_FOO"};
  oci_process p = good_process();
  ocirun_error err = {0};

  p.scheduler = &s;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler.policy: unknown policy \"SCHED_FOO\"");
  s.policy = "SCHED_OTHER";
  s.flags = bad_flags;
  s.flags_len = 2;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler.flags[1]: unknown flag \"SCHED_FLAG_FOO\"");
  s.flags_len = 1;
  s.nice = 20;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler.nice: 20 is out of range (-20..19)");
  s.nice = -20;
  s.priority = 10;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority");
  s.policy = "SCHED_FIFO";
  CHECK_OK(process_validate(&p, "process", &err), &err);
  s.priority = 0;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler.priority: 0 is out of range (1..99)");
  s.policy = "SCHED_RR";
  s.priority = 99;
  s.runtime = 1000;
  CHECK_ERROR(process_validate(&p, "process", &err), &err,
              "process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE");
  s.policy = "SCHED_DEADLINE";
  s.priority = 0;
  s.deadline = 2000;
  s.period = 3000;
  CHECK_OK(process_validate(&p, "process", &err), &err);
  s.runtime = s.deadline = s.period = 0;
  for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
    s.policy = (char *)policies[i];
    CHECK_OK(process_validate(&p, "process", &err), &err);
  }
}

static void test_cpu_lists(void)
{
  static const char *good[] = {"0", "0-3,7", "0-3, 7", " 1 - 2 , 4 ", "", "8191"};
  static const char *bad[] = {"0-a", "3-1", "1,,2", ",1", "1,", "-1", "8192", "0-99999999999"};
  oci_exec_cpu_affinity aff = {0};
  oci_process p = good_process();
  ocirun_error err = {0};
  cpu_set_t *set = NULL;
  size_t size = 0;
  char want[128];

  p.execCPUAffinity = &aff;
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    aff.initial = (char *)good[i];
    CHECK(process_validate(&p, "process", &err) == 0, "cpu list \"%s\" is accepted", good[i]);
  }
  aff.initial = NULL;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    aff.final = (char *)bad[i];
    snprintf(want, sizeof(want), "process.execCPUAffinity.final: invalid cpu list \"%s\"", bad[i]);
    CHECK_ERROR(process_validate(&p, "process", &err), &err, want);
  }

  CHECK_OK(cpu_list_parse("0-3,7", &set, &size, &err), &err);
  if (set) {
    CHECK(CPU_COUNT_S(size, set) == 5 && CPU_ISSET_S(0, size, set) && CPU_ISSET_S(3, size, set) &&
              CPU_ISSET_S(7, size, set) && !CPU_ISSET_S(4, size, set),
          "\"0-3,7\" is cpus 0,1,2,3,7");
    CPU_FREE(set);
  }
}

static void test_personality(void)
{
  static char *flags[] = {"ADDR_NO_RANDOMIZE", "FOO"};
  oci_personality per = {.domain = "LINUX32"};
  ocirun_error err = {0};

  CHECK_OK(personality_validate(&per, "linux.personality", &err), &err);
  CHECK_OK(personality_validate(NULL, "linux.personality", &err), &err);
  per.flags = flags;
  per.flags_len = 1;
  CHECK_OK(personality_validate(&per, "linux.personality", &err), &err);
  per.flags_len = 2;
  CHECK_ERROR(personality_validate(&per, "linux.personality", &err), &err,
              "linux.personality.flags[1]: unknown flag \"FOO\"");
  per.domain = "LINUX64";
  CHECK_ERROR(personality_validate(&per, "linux.personality", &err), &err,
              "linux.personality.domain: unknown domain \"LINUX64\"");
}

int main(void)
{
  test_good();
  test_args_cwd_env();
  test_rlimits();
  test_capabilities();
  test_io_priority();
  test_scheduler();
  test_cpu_lists();
  test_personality();
  return test_exit_status();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capabilities_apply in forked children (as root): the five sets read back from
 * /proc/self/status must be exactly what the config lists: the bounding set cut down, the
 * inheritable set empty when absent (CVE-2022-29162), ambient only where the kernel allows. */
#include <sys/capability.h>
#include <sys/prctl.h>

#include "capabilities.h"
#include "process_test.h"

enum { CHOWN = 0, KILL = 5, SETPCAP = 8, NET_BIND_SERVICE = 10, MKNOD = 27 };

static void check_sets(unsigned long long bnd, unsigned long long eff, unsigned long long prm,
                       unsigned long long inh, unsigned long long amb)
{
  CHECK(status_caps("CapBnd") == bnd, "CapBnd %016llx (want %016llx)", status_caps("CapBnd"), bnd);
  CHECK(status_caps("CapEff") == eff, "CapEff %016llx (want %016llx)", status_caps("CapEff"), eff);
  CHECK(status_caps("CapPrm") == prm, "CapPrm %016llx (want %016llx)", status_caps("CapPrm"), prm);
  CHECK(status_caps("CapInh") == inh, "CapInh %016llx (want %016llx)", status_caps("CapInh"), inh);
  CHECK(status_caps("CapAmb") == amb, "CapAmb %016llx (want %016llx)", status_caps("CapAmb"), amb);
}

static void small_set(void)
{
  char *bounding[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  char *effective[] = {"CAP_CHOWN", "CAP_KILL"};
  char *permitted[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  char *inheritable[] = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
  /* CAP_CHOWN is not inheritable, so it cannot be ambient: skipped with a warning. */
  char *ambient[] = {"CAP_KILL", "CAP_CHOWN"};
  oci_capabilities caps = {bounding, 3, effective, 2, inheritable, 2, permitted, 3, ambient, 2};
  ocirun_error err = {0};

  CHECK_OK(capabilities_apply(&caps, &err), &err);
  check_sets(BIT(CHOWN) | BIT(KILL) | BIT(NET_BIND_SERVICE), BIT(CHOWN) | BIT(KILL),
             BIT(CHOWN) | BIT(KILL) | BIT(NET_BIND_SERVICE), BIT(KILL) | BIT(NET_BIND_SERVICE),
             BIT(KILL));
}

static void nothing(void)
{
  ocirun_error err = {0};

  CHECK_OK(capabilities_apply(NULL, &err), &err);
  check_sets(0, 0, 0, 0, 0);
}

/* The runtime's own inheritable set must not survive a config without one. */
static void inheritable_absent(void)
{
  char *some[] = {"CAP_CHOWN", "CAP_KILL"};
  oci_capabilities caps = {.bounding = some,
                           .bounding_len = 2,
                           .effective = some,
                           .effective_len = 2,
                           .permitted = some,
                           .permitted_len = 2};
  cap_t c = cap_get_proc();
  ocirun_error err = {0};

  cap_set_flag(c, CAP_INHERITABLE, 1, (cap_value_t[]){CAP_KILL}, CAP_SET);
  cap_set_proc(c);
  cap_free(c);
  CHECK(status_caps("CapInh") == BIT(KILL), "the child starts with CAP_KILL inheritable");
  CHECK_OK(capabilities_apply(&caps, &err), &err);
  check_sets(BIT(CHOWN) | BIT(KILL), BIT(CHOWN) | BIT(KILL), BIT(CHOWN) | BIT(KILL), 0, 0);
}

static void not_grantable(void)
{
  char *wants_mknod[] = {"CAP_CHOWN", "CAP_MKNOD"};
  char *just_chown[] = {"CAP_CHOWN"};
  oci_capabilities caps = {
      .bounding = wants_mknod, .bounding_len = 2, .permitted = wants_mknod, .permitted_len = 2};
  cap_t c = cap_get_proc();
  ocirun_error err = {0};

  /* Without CAP_MKNOD in our own permitted set, it cannot be granted. */
  cap_set_flag(c, CAP_PERMITTED, 1, (cap_value_t[]){CAP_MKNOD}, CAP_CLEAR);
  cap_set_flag(c, CAP_EFFECTIVE, 1, (cap_value_t[]){CAP_MKNOD}, CAP_CLEAR);
  cap_set_proc(c);
  cap_free(c);
  CHECK_ERROR(capabilities_apply(&caps, &err), &err,
              "set capabilities: CAP_MKNOD is not in the runtime's permitted set: Operation not "
              "permitted");

  caps.permitted = just_chown;
  caps.permitted_len = 1;
  caps.effective = wants_mknod;
  caps.effective_len = 2;
  CHECK_ERROR(capabilities_apply(&caps, &err), &err,
              "set capabilities: CAP_MKNOD is effective but not permitted: Operation not "
              "permitted");
}

/* A name this kernel may not know (validation already refused unknown ones) is skipped. */
static void unknown_ignored(void)
{
  char *names[] = {"CAP_CHOWN", "CAP_NOT_A_CAPABILITY"};
  oci_capabilities caps = {names, 2, names, 2, NULL, 0, names, 2, NULL, 0};
  ocirun_error err = {0};

  CHECK_OK(capabilities_apply(&caps, &err), &err);
  check_sets(BIT(CHOWN), BIT(CHOWN), BIT(CHOWN), 0, 0);
}

int main(void)
{
  if (geteuid() != 0)
    skip_all("needs root");
  if (!(status_caps("CapEff") & BIT(SETPCAP)) || !(status_caps("CapEff") & BIT(MKNOD)) ||
      prctl(PR_CAPBSET_READ, CAP_NET_BIND_SERVICE) != 1)
    skip_all("needs CAP_SETPCAP, CAP_MKNOD and CAP_NET_BIND_SERVICE");

  CHECK(run_in_child(small_set) == 0, "a small set is applied exactly");
  CHECK(run_in_child(nothing) == 0, "no capabilities object drops everything");
  CHECK(run_in_child(inheritable_absent) == 0, "an absent inheritable set is empty");
  CHECK(run_in_child(not_grantable) == 0, "what cannot be granted is named");
  CHECK(run_in_child(unknown_ignored) == 0, "unknown names are ignored when applying");
  return test_exit_status();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel probes of `ocirun check`. Each asks without changing anything: a file under /proc
 * or /sys, or a syscall made with arguments it must refuse (EINVAL, EFAULT, EBADF all say
 * "the syscall exists"; ENOSYS says it does not). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"
#include "lsm.h"
#include "namespaces.h"
#include "seccomp_profile.h"
#include "utils.h"

#include "config.h"

static char *read_trimmed(const char *path)
{
  char *text = NULL;

  if (read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0)
    return NULL;
  text[strcspn(text, "\n")] = '\0';
  return text;
}

static char *append_word(char *list, const char *word)
{
  char *next = xasprintf("%s%s%s", list, list[0] ? " " : "", word);

  free(list);
  return next;
}

bool host_has_namespace(const char *proc_name)
{
  autofree char *path = xasprintf("/proc/self/ns/%s", proc_name);

  return access(path, F_OK) == 0;
}

static void probe_namespaces(struct check_report *r)
{
  autofree char *have = xstrdup("");
  autofree char *missing = xstrdup("");

  for (size_t i = 0; i < NS_KINDS; i++) {
    if (host_has_namespace(ns_kinds[i].proc_name))
      have = append_word(have, ns_kinds[i].type);
    else
      missing = append_word(missing, ns_kinds[i].type);
  }
  if (missing[0])
    report_probe(r, "namespaces", "kinds", PROBE_LIMITED, "%s; missing: %s", have, missing);
  else
    report_probe(r, "namespaces", "kinds", PROBE_OK, "%s", have);
}

/* max_user_namespaces, and the distribution switches that close user namespaces to
 * unprivileged users (Debian's unprivileged_userns_clone, Ubuntu's AppArmor restriction). */
static void probe_unprivileged_userns(struct check_report *r)
{
  autofree char *max = read_trimmed("/proc/sys/user/max_user_namespaces");
  autofree char *debian = read_trimmed("/proc/sys/kernel/unprivileged_userns_clone");
  autofree char *ubuntu = read_trimmed("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");

  if (!host_has_namespace("user"))
    report_probe(r, "namespaces", "unprivileged userns", PROBE_MISSING,
                 "the kernel has no user namespaces");
  else if (max && strcmp(max, "0") == 0)
    report_probe(r, "namespaces", "unprivileged userns", PROBE_MISSING,
                 "user.max_user_namespaces is 0");
  else if (debian && strcmp(debian, "0") == 0)
    report_probe(r, "namespaces", "unprivileged userns", PROBE_MISSING,
                 "kernel.unprivileged_userns_clone is 0: only root may create them");
  else if (ubuntu && strcmp(ubuntu, "0") != 0)
    report_probe(r, "namespaces", "unprivileged userns", PROBE_LIMITED,
                 "kernel.apparmor_restrict_unprivileged_userns is set: needs an AppArmor profile");
  else
    report_probe(r, "namespaces", "unprivileged userns", PROBE_OK, "allowed (at most %s)",
                 max ? max : "?");
}

char *host_seccomp_actions(void)
{
  return read_trimmed("/proc/sys/kernel/seccomp/actions_avail");
}

static void probe_seccomp(struct check_report *r)
{
  autofree char *actions = host_seccomp_actions();
  autofree char *flags = xstrdup("");
  autofree char *refused = xstrdup("");

  if (!HAVE_SECCOMP || !seccomp_enabled()) {
    report_probe(r, "seccomp", "filter", PROBE_MISSING,
                 "built without libseccomp: any linux.seccomp is refused");
    return;
  }
  if (actions == NULL) {
    report_probe(r, "seccomp", "filter", PROBE_MISSING,
                 "no /proc/sys/kernel/seccomp: the kernel lacks seccomp filters");
    return;
  }
  report_probe(r, "seccomp", "filter", PROBE_OK, "actions: %s", actions);
  if (strstr(actions, "user_notif"))
    report_probe(r, "seccomp", "notify", PROBE_OK,
                 "user_notif: SCMP_ACT_NOTIFY hands the listener to listenerPath's agent");
  else
    report_probe(r, "seccomp", "notify", PROBE_MISSING, "the kernel lacks user_notif");
  for (const char *const *f = seccomp_known_flags(); *f; f++) {
    const char *shortname = has_prefix(*f, "SECCOMP_FILTER_FLAG_") ? *f + 20 : *f;
    if (seccomp_flag_supported(*f))
      flags = append_word(flags, shortname);
    else
      refused = append_word(refused, shortname);
  }
  if (refused[0])
    report_probe(r, "seccomp", "flags", PROBE_LIMITED, "%s; kernel refuses: %s", flags, refused);
  else
    report_probe(r, "seccomp", "flags", PROBE_OK, "%s", flags);
}

/* The same tests as create's (lsm.c), so that check and create agree. */
bool host_apparmor_enabled(void)
{
  return lsm_apparmor_enabled();
}

bool host_selinux_enabled(void)
{
  return lsm_selinux_enabled();
}

static void probe_lsm(struct check_report *r)
{
  autofree char *lsms = read_trimmed("/sys/kernel/security/lsm");
  const char *list = lsms ? lsms : "unknown (securityfs not mounted)";

  /* Applied when the host has the module; create refuses a profile or label otherwise (the
   * bundle checks share that validation, lsm.c). */
  if (host_apparmor_enabled())
    report_probe(r, "lsm", "apparmor", PROBE_OK,
                 "enabled; process.apparmorProfile and exec --apparmor are applied");
  else
    report_probe(r, "lsm", "apparmor", PROBE_MISSING,
                 "not enabled (LSMs: %s): a process.apparmorProfile is refused", list);
  if (host_selinux_enabled())
    report_probe(r, "lsm", "selinux", PROBE_OK,
                 "enabled; process.selinuxLabel, linux.mountLabel and exec --process-label are "
                 "applied");
  else
    report_probe(r, "lsm", "selinux", PROBE_MISSING,
                 "not enabled (LSMs: %s): a process.selinuxLabel or linux.mountLabel is refused",
                 list);
}

/* ---- syscalls ------------------------------------------------------------------------- */

static bool syscall_exists(long rc)
{
  return rc >= 0 || errno != ENOSYS;
}

static void probe_syscall(struct check_report *r, const char *name, bool present, const char *use)
{
  if (present)
    report_probe(r, "kernel", name, PROBE_OK, "present; %s", use);
  else
    report_probe(r, "kernel", name, PROBE_MISSING, "absent; %s", use);
}

/* "6.18.0-foo" → 6018. */
static int kernel_version(void)
{
  struct utsname u;
  int major = 0, minor = 0;

  if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
    return 0;
  return major * 1000 + minor;
}

static void probe_kernel_apis(struct check_report *r)
{
  long rc;
  bool has_mount_setattr;

  /* A size below the first version of each struct: EINVAL before anything happens. */
  rc = syscall(SYS_clone3, NULL, 0);
  probe_syscall(r, "clone3", syscall_exists(rc), "not used yet (clone is)");
  if (kernel_version() >= 5007 && syscall_exists(rc))
    report_probe(r, "kernel", "CLONE_INTO_CGROUP", PROBE_OK,
                 "kernel %d.%d has it; not used yet (the parent moves the init)",
                 kernel_version() / 1000, kernel_version() % 1000);
  else
    report_probe(r, "kernel", "CLONE_INTO_CGROUP", PROBE_MISSING,
                 "kernel before 5.7; the parent moves the init into its cgroup");
  rc = syscall(SYS_openat2, AT_FDCWD, "", NULL, 0);
  probe_syscall(r, "openat2", syscall_exists(rc),
                syscall_exists(rc) ? "rootfs paths resolve with RESOLVE_IN_ROOT"
                                   : "rootfs paths resolve component by component");
  rc = syscall(SYS_pidfd_open, getpid(), 0);
  if (rc >= 0)
    close((int)rc);
  probe_syscall(r, "pidfd_open", syscall_exists(rc), "kill, delete and hooks wait on pidfds");
  rc = syscall(SYS_close_range, ~0U, 0U, 0);
  probe_syscall(r, "close_range", syscall_exists(rc), "fds are closed before exec");
  rc = syscall(SYS_fsopen, NULL, 0);
  probe_syscall(r, "mount API", syscall_exists(rc), "fsopen/fsmount for the container's mounts");
  rc = syscall(SYS_mount_setattr, -1, NULL, 0, NULL, 0);
  has_mount_setattr = syscall_exists(rc);
  probe_syscall(r, "mount_setattr", has_mount_setattr, "recursive mount attributes");
  /* Idmapped mounts came with mount_setattr (5.12); the filesystem must allow them too. */
  if (has_mount_setattr)
    report_probe(r, "kernel", "idmapped mounts", PROBE_OK,
                 "bind mounts with mounts[].uidMappings, idmap, ridmap (where the filesystem "
                 "allows them)");
  else
    report_probe(r, "kernel", "idmapped mounts", PROBE_MISSING, "no mount_setattr");
}

void check_host_kernel(struct check_report *r)
{
  probe_namespaces(r);
  probe_unprivileged_userns(r);
  probe_seccomp(r);
  probe_lsm(r);
  probe_kernel_apis(r);
}

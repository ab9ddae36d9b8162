/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun check`: the host's probes, and a bundle checked against the host. Each part lives
 * in its own file; cgroups are in cgroup/check.c (they need the cgroup driver's insides). */
#ifndef OCIRUN_CHECK_H
#define OCIRUN_CHECK_H

#include <stdbool.h>

#include "check/report.h"
#include "ocispec.h"

/* host_kernel.c: namespaces, unprivileged user namespaces, seccomp, AppArmor, SELinux and
 * the kernel APIs ocirun uses. Read-only. */
void check_host_kernel(struct check_report *r);

/* host_process.c: every host probe: cgroups, check_host_kernel, then the runtime's own
 * capabilities and rlimits, the rootless helpers and the caller's subordinate ids, and CRIU
 * (`criu check`, the one program run; criu NULL: looked up in PATH). */
void check_host(struct check_report *r, const char *criu);

/* bundle.c: everything create would refuse (errors) or ignore (warnings) in the bundle at
 * dir, on this host. Returns the number of errors. */
struct check_bundle_options {
  const char *dir;
  bool systemd_cgroup;
};
size_t check_bundle(const struct check_bundle_options *o, struct check_report *r);

/* bundle_process.c: process.capabilities, process.rlimits, process.cwd and process.args[0]
 * (looked up inside the rootfs by fd). rootfs may be NULL (not resolvable): the path checks
 * are then skipped. in_userns: the container gets a user namespace. */
void check_bundle_process(const oci_config *config, const char *rootfs, bool in_userns,
                          struct check_report *r);

/* bundle_userns.c: with a new user namespace, can its root reach the rootfs? */
void check_bundle_userns(const oci_config *config, const char *rootfs, struct check_report *r);

/* bundle_kernel.c: namespaces the kernel lacks, seccomp actions it lacks, LSM settings. */
void check_bundle_kernel(const oci_config *config, struct check_report *r);

/* Probes of host_kernel.c and host_process.c that the bundle side shares. */
bool host_has_namespace(const char *proc_name);
/* The seccomp actions this kernel lists in /proc/sys/kernel/seccomp/actions_avail (malloc'd,
 * NULL when the file is missing). */
char *host_seccomp_actions(void);
/* Whether the runtime holds capability cap (a CAP_* number) in its effective set now. */
bool host_effective_has(int cap);
bool host_apparmor_enabled(void);
bool host_selinux_enabled(void);

#endif

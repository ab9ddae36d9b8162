/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux security modules: process.apparmorProfile, process.selinuxLabel, linux.mountLabel.
 *
 * The parent checks that the host runs the module a label needs before anything is created;
 * the init (or exec process) then asks the kernel for the label at its next execve by writing
 * its own /proc/thread-self/attr file, opened through a verified procfs handle (proc_self.h),
 * so a mount over /proc cannot redirect the write (CVE-2019-16884, CVE-2025-52881). */
#ifndef OCIRUN_LSM_H
#define OCIRUN_LSM_H

#include <stdbool.h>

#include "error.h"
#include "ocispec.h"

/* /sys/module/apparmor/parameters/enabled says "Y". */
bool lsm_apparmor_enabled(void);

/* selinuxfs is mounted at /sys/fs/selinux (or the old /selinux). */
bool lsm_selinux_enabled(void);

/* Refuses a profile or label the host cannot apply, naming the JSON path:
 * `process.apparmorProfile: AppArmor is not enabled on this host` (prefix "process"). */
int lsm_validate_process(const oci_process *p, const char *prefix, ocirun_error *err);

/* The same for linux.mountLabel (prefix "linux.mountLabel"); a double quote, which would end
 * the quoted context= option early, is refused too. */
int lsm_validate_mount_label(const char *label, const char *prefix, ocirun_error *err);

/* SELinux: the label of keys this thread creates (the session keyring joined next). */
int lsm_set_key_label(const oci_process *p, ocirun_error *err);

/* The profile and label the process gets at its next execve: "exec PROFILE" to
 * attr/apparmor/exec (attr/exec on kernels without the per-module directory; "stack PROFILE"
 * when no_new_privs is asked for and the runtime itself is confined, the one transition the
 * kernel then allows), and the SELinux label to attr/exec. Runs in the container's root after
 * the mounts, before the fds are closed and before seccomp and the identity switch. */
int lsm_set_exec_labels(const oci_process *p, ocirun_error *err);

/* The filesystem data of a mount with the SELinux context added:
 * `mode=755,context="system_u:object_r:container_file_t:s0"`. NULL when label is empty. */
char *lsm_mount_data(const char *data, const char *label);

#endif

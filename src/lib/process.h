/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container process's own attributes: identity, limits, scheduling, capabilities, and
 * the final execve. Everything here runs in the init (or exec) process after the rootfs is in
 * place, in this order: process_find_executable, process_apply_attributes,
 * process_apply_identity, then (after the start signal) process_exec. */
#ifndef OCIRUN_PROCESS_H
#define OCIRUN_PROCESS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* Parent-side validation before anything is spawned: rlimit names, capability names,
 * ioPriority class, scheduler policy/flags, personality domain, cpu lists, user fields, and an
 * AppArmor profile or SELinux label the host has no module for.
 * prefix is the JSON path of the object ("process"), e.g. messages look like
 * `process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"` (the caller adds "config.json: "). */
int process_validate(const oci_process *p, const char *prefix, ocirun_error *err);

/* Resolves args[0] against PATH from process.env (as execvp would, inside the current root),
 * into out. Error text for a missing binary: `exec: "foo": executable file not found in $PATH`,
 * or `exec: "/bin/foo": stat /bin/foo: no such file or directory` (runc's wording). */
int process_find_executable(const oci_process *p, char out[PATH_MAX], ocirun_error *err);

/* The same search with another test of each candidate (`ocirun check` looks inside a rootfs
 * by fd): check returns 0 when path would do, else an errno with why filled in Go's words. */
typedef int (*executable_check_fn)(void *ctx, const char *path, char *why, size_t len);
int process_lookup_executable(const oci_process *p, executable_check_fn check, void *ctx,
                              char out[PATH_MAX], ocirun_error *err);

/* strerror in Go's spelling, lower case first ("no such file or directory"). */
void go_errno_text(int errnum, char *buf, size_t len);

/* chdir(cwd) (and verify getcwd() is inside the root), rlimits, ioPriority,
 * scheduler, execCPUAffinity.initial. Needs the runtime's privileges. oomScoreAdj is
 * written by the parent through the host's /proc: in a user namespace the init cannot open its
 * own oom_score_adj, which belongs to the host's root. */
int process_apply_attributes(const oci_process *p, ocirun_error *err);

/* Writes p->oomScoreAdj (when set) to /proc/<pid>/oom_score_adj through the host's /proc,
 * from outside the container's namespaces: inside a user namespace the process cannot open
 * its own file, which belongs to the host's root. */
int process_set_oom_score_adj(pid_t pid, const oci_process *p, ocirun_error *err);

/* additionalGids, gid, uid, umask, capabilities (bounding, then the others, inheritable exactly
 * as configured, ambient last), noNewPrivileges. After it the process has its final identity.
 * A cwd the runtime's user could not enter (EACCES) is entered here, as the new user. */
int process_apply_identity(const oci_process *p, ocirun_error *err);

/* Marks every fd >= 3 + preserve_fds close-on-exec except those in keep[] (count nkeep).
 * Used right before execve so that nothing of the runtime's leaks. */
int process_close_fds(int preserve_fds, const int *keep, int nkeep, ocirun_error *err);

/* execCPUAffinity.final, then execve(path, args, env), env being process.env with later
 * duplicates winning and HOME added from the container's /etc/passwd when absent. Right
 * before execve it closes the fds process_close_fds marked (except the log's), so that no
 * path given to execve can reach the host through /proc/self/fd. Only returns on failure. */
int process_exec(const oci_process *p, const char *path, ocirun_error *err);

/* linux.personality lives outside the process object, so it has its own pair: domain LINUX
 * or LINUX32 plus known flags (prefix "linux.personality"), and personality(2). */
int personality_validate(const oci_personality *p, const char *prefix, ocirun_error *err);
int personality_apply(const oci_personality *p, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: the profile checked in the parent, the filter built with libseccomp and
 * loaded by the init as late as it can be (the code is in seccomp.c). The header is not named
 * seccomp.h: src/lib is an include directory, and that name would hide libseccomp's
 * <seccomp.h> from every file of the runtime.
 *
 * Where the init calls seccomp_apply (runc and crun do the same):
 *   - process.noNewPrivileges true: after process_apply_identity (capabilities dropped,
 *     no_new_privs set), as the last setup step before SYNC_READY and the exec.fifo wait.
 *     Loading a filter is then allowed without any capability.
 *   - noNewPrivileges false: the kernel lets a process without no_new_privs load a filter only
 *     while it holds CAP_SYS_ADMIN, which process_apply_identity may drop; so the filter is
 *     loaded right before process_apply_identity, and the profile must allow what follows
 *     (setgroups, setresgid, setresuid, capset, prctl, and the rest below).
 * After it the init still sends on the sync socket, opens and writes exec.fifo, closes fds and
 * calls execve: a profile that refuses those makes the container fail to start, as with runc.
 *
 * Notify (SCMP_ACT_NOTIFY): the filter is loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER whenever
 * the profile has a notify rule, and the listener fd (O_CLOEXEC) is returned to the caller,
 * which hands it to the runtime (which sends it to listenerPath) before anything else. The
 * syscalls that hand-over uses (write, send, sendto, sendmsg) may not be notify targets: the
 * init would wait for an agent that has not got the fd yet (runc refuses "write" likewise).
 *
 * Syscalls newer than the profile: for a default action that refuses (ERRNO other than
 * ENOSYS, KILL*, TRAP), a stub in front of libseccomp's filter returns ENOSYS for syscall
 * numbers above the highest one the profile names on that architecture, so that programs fall
 * back from syscalls the profile's author did not know (clone3, openat2, ...) as they would on
 * an older kernel. This is runc's "-ENOSYS patch", with the same rule. */
#ifndef OCIRUN_SECCOMP_PROFILE_H
#define OCIRUN_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec.h"

/* Parent side, before anything is spawned. Every name must be known: actions
 * (SCMP_ACT_KILL, _KILL_PROCESS, _KILL_THREAD, _TRAP, _ERRNO, _TRACE, _ALLOW, _LOG, _NOTIFY),
 * operators (SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ), architectures (SCMP_ARCH_*,
 * those this libseccomp supports), flags (SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW,
 * _WAIT_KILLABLE_RECV; one this kernel lacks is refused); arg index 0..5; errnoRet and
 * defaultErrnoRet at most 4095; SCMP_ACT_NOTIFY not as the default, only with listenerPath.
 * Messages carry the JSON path:
 *   config.json: linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO"
 * Unknown syscall names pass: they may be newer than libseccomp (they are skipped when
 * loading, as runc does). Built without libseccomp, any profile is refused. NULL passes. */
int seccomp_validate(const oci_seccomp *s, ocirun_error *err);

/* The filter as the kernel takes it: built by the runtime (the parent) before it spawns
 * anything, loaded by the init or the exec process (which inherit it through fork). */
struct sock_filter;
struct seccomp_program {
  struct sock_filter *insns;
  size_t len;
  unsigned long flags;  /* for seccomp(2): the profile's flags, NEW_LISTENER with a notify rule */
  bool flags_defaulted; /* no flags list: SPEC_ALLOW implied, dropped on a kernel without it */
  bool listener;        /* a notify rule: loading returns the listener */
  bool cached;          /* taken from the program cache (seccomp_cache.h) */
};

/* Builds the program of a valid profile (NULL s: *out NULL). With cache_dirfd >= 0 (see
 * seccomp_cache_open) a cached program of the same profile is used, and a new one is stored. */
int seccomp_program_make(const oci_seccomp *s, int cache_dirfd, struct seccomp_program **out,
                         ocirun_error *err);
void seccomp_program_free(struct seccomp_program *p);

/* In the init or the exec process (see above for where): loads p into the calling process;
 * *listener_fd gets the notify listener (O_CLOEXEC) when p->listener, else -1. NULL p loads
 * nothing. It makes no other syscall, so the caller can hand the listener over at once. */
int seccomp_program_load(const struct seccomp_program *p, int *listener_fd, ocirun_error *err);

/* make (without the cache) and load in one: for the tests. Named seccomp_apply, not
 * seccomp_load: libseccomp exports seccomp_load(scmp_filter_ctx). */
int seccomp_apply(const oci_seccomp *s, int *listener_fd, ocirun_error *err);

/* True when the profile has a SCMP_ACT_NOTIFY rule: seccomp_apply then returns a listener. */
bool seccomp_uses_notify(const oci_seccomp *s);

/* For `ocirun features`: NULL-terminated name lists. Architectures are those this build's
 * libseccomp supports; supported flags those this kernel accepts too. All are empty (a list
 * holding only NULL) when built without libseccomp; seccomp_enabled() says which. */
bool seccomp_enabled(void);
const char *const *seccomp_known_actions(void);
const char *const *seccomp_known_operators(void);
const char *const *seccomp_known_archs(void);
const char *const *seccomp_known_flags(void);
bool seccomp_flag_supported(const char *flag);

#endif

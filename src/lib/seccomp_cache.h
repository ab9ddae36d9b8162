/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp program cache: a compiled filter is kept in the runtime's root, in
 * <root>/.seccomp:cache/<key>, so that the next container with the same profile loads it
 * without libseccomp (issue 7 case 4: a 300-syscall profile costs ~1 ms to build).
 *
 * key = SHA-256 of what decides the program: the profile's defaultAction, defaultErrnoRet,
 * architectures and syscalls (each field tagged and length-prefixed, so that two profiles
 * never serialize alike), the native architecture, the libseccomp version it runs with and a
 * hash of the source that generates the program (seccomp.c, taken at build time). flags,
 * listenerPath and listenerMetadata only change how the program is loaded, so they are not in
 * the key.
 *
 * An entry is a header (magic, format version, key, instruction count, SHA-256 of the
 * instructions) and the instructions. It is used only if the directory and the file are ours
 * (owner = euid, no group/other access, a regular file, no symlink) and every field checks out;
 * anything else is ignored and the entry rewritten. Entries are written to a unique temporary
 * file and renamed into place (mode 0600), so a reader never sees half an entry. The directory
 * keeps at most SECCOMP_CACHE_MAX entries: storing one more empties it first.
 * The name holds a ':', which no container id may, so it cannot clash with a container. */
#ifndef OCIRUN_SECCOMP_CACHE_H
#define OCIRUN_SECCOMP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec.h"

#define SECCOMP_CACHE_DIR ".seccomp:cache"
#define SECCOMP_CACHE_KEY_LEN 32
#define SECCOMP_CACHE_MAX 64

struct sock_filter;

/* Opens (creating it, 0700) the cache directory under the state root; -1 when it cannot be
 * used (then programs are built every time, which is only slower). */
int seccomp_cache_open(int rootfd);

void seccomp_cache_key(const oci_seccomp *s, uint8_t key[SECCOMP_CACHE_KEY_LEN]);

/* True and a malloc'ed copy of the instructions when a valid entry for key exists. */
bool seccomp_cache_get(int dirfd, const uint8_t key[SECCOMP_CACHE_KEY_LEN],
                       struct sock_filter **insns, size_t *len);

/* Best effort: a failure is logged at debug level. */
void seccomp_cache_put(int dirfd, const uint8_t key[SECCOMP_CACHE_KEY_LEN],
                       const struct sock_filter *insns, size_t len);

#endif

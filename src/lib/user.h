/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container process's user: switching uid, gid and groups, and looking up its home
 * directory in the container's own /etc/passwd. */
#ifndef OCIRUN_USER_H
#define OCIRUN_USER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* setgroups(gids), setresgid(gid), setresuid(uid), in that order. The supplementary groups
 * are always replaced (so none of the runtime's survive), except in a user namespace whose
 * /proc/self/setgroups says "deny": there setgroups is skipped, and asking for groups is an
 * error. Capabilities are lost at setresuid unless the caller set PR_SET_KEEPCAPS. */
int user_switch(uid_t uid, gid_t gid, const uint64_t *gids, size_t ngids, ocirun_error *err);

/* The home directory of uid according to /etc/passwd in the current root (the container's,
 * after pivot_root), or "/" when there is no such entry or file. Malloc'd. */
char *user_home_dir(uid_t uid);

#endif

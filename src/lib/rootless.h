/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rootless mode (--rootless auto|true|false): whether cgroup permission errors are tolerated
 * and which default state root applies. runc's rule for auto: rootless when the effective uid
 * is not 0, or when this process runs in a user namespace that does not map the whole id
 * range onto itself (root of a rootless Podman's namespace). */
#ifndef OCIRUN_ROOTLESS_H
#define OCIRUN_ROOTLESS_H

#include <stdbool.h>

enum rootless_mode { ROOTLESS_AUTO, ROOTLESS_TRUE, ROOTLESS_FALSE };

/* True when /proc/self/uid_map is not the initial namespace's identity map. */
bool rootless_in_user_namespace(void);

/* Set once by main from --rootless; ROOTLESS_AUTO until then. */
void rootless_set_mode(enum rootless_mode mode);

/* The decision for this process: --rootless true/false, or auto's rule. */
bool rootless_active(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session keyring of the container's processes. */
#ifndef OCIRUN_KEYRING_H
#define OCIRUN_KEYRING_H

#include "error.h"

/* Joins a fresh anonymous session keyring, so that the runtime's (the host's) keys are out of
 * reach of the container. Kernels or seccomp profiles that refuse keyctl are tolerated, as
 * runc tolerates them. Used by the init and by exec, unless create had --no-new-keyring. */
int keyring_join_new_session(ocirun_error *err);

#endif

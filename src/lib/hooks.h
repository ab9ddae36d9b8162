/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: each is run with the container state JSON on stdin, its args and env, and an
 * optional timeout. A hook that fails, or runs past its timeout (it is killed), fails. */
#ifndef OCIRUN_HOOKS_H
#define OCIRUN_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "ocispec.h"

/* Runs hooks[0..n) in order; stops at the first failure. which names the stage for messages
 * ("prestart", "createRuntime", …): `createRuntime hook #1 ("/bin/false"): exit status 1`. */
int hooks_run(oci_hook **hooks, size_t n, const char *which, const char *state_json,
              ocirun_error *err);

/* Runs every hook even when some fail, each failure logged as a warning (what the spec asks
 * for poststop). Returns -1 with the first failure in err when any failed. */
int hooks_run_all(oci_hook **hooks, size_t n, const char *which, const char *state_json,
                  ocirun_error *err);

#endif

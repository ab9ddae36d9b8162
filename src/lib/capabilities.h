/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names and the five capability sets, through libcap. */
#ifndef OCIRUN_CAPABILITIES_H
#define OCIRUN_CAPABILITIES_H

#include <stddef.h>

#include "error.h"
#include "ocispec.h"

/* Maps "CAP_SYS_ADMIN" to its number; -1 when unknown (or unknown to this kernel). */
int capability_from_name(const char *name);

/* Every capability name ocirun knows, in number order ("CAP_CHOWN" first), for
 * `ocirun features`; *n gets the count. */
const char *const *capability_names(size_t *n);

/* The highest capability number the running kernel knows. */
int capability_last(void);

/* Refuses names no kernel knows, in any of the five sets:
 * `process.capabilities.bounding[0]: unknown capability "CAP_FOO"`. prefix is the JSON path
 * of the capabilities object. Names that only this kernel lacks pass with a warning naming
 * them (they are ignored when applying, as runc does). */
int capabilities_validate(const oci_capabilities *caps, const char *prefix, ocirun_error *err);

/* Drops from the bounding set what caps->bounding lacks, then sets effective, permitted,
 * inheritable exactly as listed, then raises ambient. NULL caps drops everything. */
int capabilities_apply(const oci_capabilities *caps, ocirun_error *err);

/* capabilities_apply in its two halves, for callers that change uid in between: dropping
 * from the bounding set needs CAP_SETPCAP in the effective set, which a switch to a non-root
 * uid clears (even with PR_SET_KEEPCAPS), so the bounding set goes first. */
int capabilities_drop_bounding(const oci_capabilities *caps, ocirun_error *err);
int capabilities_set(const oci_capabilities *caps, ocirun_error *err);

/* capabilities_set's first check alone, changing nothing: can this process grant the sets
 * (the same error text)? `ocirun check` asks it for a container without a user namespace,
 * which gets the runtime's own capabilities to choose from. */
int capabilities_grantable(const oci_capabilities *caps, ocirun_error *err);

#endif

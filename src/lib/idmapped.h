/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, options "idmap"/"ridmap"): the
 * runtime's parent clones the source tree, attaches a user namespace holding the mappings to
 * it with mount_setattr(MOUNT_ATTR_IDMAP) and hands the detached tree to the init, which
 * moves it onto the destination. The parent does it because the kernel wants the caller to
 * be privileged over the source's filesystem, which the init in its own user namespace is
 * not. */
#ifndef OCIRUN_IDMAPPED_H
#define OCIRUN_IDMAPPED_H

#include <stdbool.h>

#include "error.h"
#include "ocispec.h"

/* The kernel has mount_setattr(2) (Linux 5.12). */
bool idmapped_supported(void);

/* Whether mounts[i] asks to be idmapped (an option or mappings of its own). */
bool idmapped_wanted(const oci_mount *m);

/* Config checks, before anything is spawned: a bind mount, mappings on the mount or a user
 * namespace's in linux, the kernel able. */
int idmapped_validate(const oci_config *config, size_t i, ocirun_error *err);

/* idmapped_validate for every mount that wants an idmap (bundle_validate calls it). */
int idmapped_validate_all(const oci_config *config, ocirun_error *err);

/* One detached, idmapped tree per idmapped mount, -1 for every other: *fds gets
 * config->mounts_len entries. Sources relative to bundle. */
int idmapped_prepare(const oci_config *config, const char *bundle, int **fds, ocirun_error *err);

/* Closes and frees what idmapped_prepare made. */
void idmapped_release(int *fds, size_t n);

#endif

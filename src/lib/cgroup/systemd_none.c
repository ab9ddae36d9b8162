/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A build without libsystemd (meson -Dsystemd=disabled, or no libsystemd-dev): the systemd
 * driver refuses, saying why. A container recorded with a unit (made by another build) is
 * still deleted through cgroupfs; systemd then sees its scope empty and drops it. */

#include "internal.h"

static int unavailable(ocirun_error *err)
{
  return error_set(err, 0,
                   "--systemd-cgroup: ocirun was built without libsystemd, so it has no systemd "
                   "cgroup driver (rebuild with libsystemd-dev installed and -Dsystemd=enabled)");
}

int cg_systemd_connect(struct cgroup *cg, ocirun_error *err)
{
  (void)cg;
  return unavailable(err);
}

int cg_systemd_start(struct cgroup *cg, pid_t pid, const oci_resources *r, ocirun_error *err)
{
  (void)cg;
  (void)pid;
  (void)r;
  return unavailable(err);
}

int cg_systemd_update(struct cgroup *cg, const oci_resources *r, ocirun_error *err)
{
  (void)cg;
  (void)r;
  return unavailable(err);
}

int cg_systemd_stop(struct cgroup *cg, ocirun_error *err)
{
  (void)cg;
  return unavailable(err);
}

void cg_systemd_close(struct cgroup *cg)
{
  (void)cg;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun check --bundle DIR`: the bundle goes through create's own loading and validation
 * (bundle.c, ns_plan_make), so check refuses what create refuses with create's words; then
 * each requirement is held against this host, without creating anything. */
#include <sched.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "bundle.h"
#include "cgroup/cgroup_check.h"
#include "check.h"
#include "namespaces.h"

static bool plan_has_userns(const struct ns_plan *plan)
{
  if (plan->create_flags & CLONE_NEWUSER)
    return true;
  for (int i = 0; i < plan->njoin; i++)
    if (plan->join_flags[i] == CLONE_NEWUSER)
      return true;
  return false;
}

/* Namespaces other than a user namespace need CAP_SYS_ADMIN, held here or in a user namespace
 * the container gets first (clone fails with EPERM otherwise). */
static void check_privilege(const struct ns_plan *plan, bool in_userns, struct check_report *r)
{
  if ((plan->create_flags & ~CLONE_NEWUSER) == 0 || in_userns || host_effective_has(CAP_SYS_ADMIN))
    return;
  report_finding(r, FINDING_ERROR, "linux.namespaces",
                 "run as root, or add a user namespace with uidMappings and gidMappings",
                 "clone init: Operation not permitted: creating namespaces needs CAP_SYS_ADMIN "
                 "(uid %u lacks it) or a user namespace",
                 (unsigned)geteuid());
}

size_t check_bundle(const struct check_bundle_options *o, struct check_report *r)
{
  struct bundle b = {0};
  struct ns_plan plan = {0};
  ocirun_error err = {0};
  bool in_userns = false;

  for (int i = 0; i < NS_KINDS; i++)
    plan.join_fds[i] = -1;
  if (bundle_open(o->dir, &b, &err) < 0) {
    report_error_text(r, err.msg, "fix config.json");
    goto out;
  }
  /* create stops at the first of these; check goes on, so that one run shows more. */
  if (bundle_validate(&b, &err) < 0)
    report_error_text(r, err.msg, "fix config.json");
  if (b.config->root && b.config->root->path && bundle_resolve_rootfs(&b, &err) < 0)
    report_finding(r, FINDING_ERROR, "root.path", "point root.path at the rootfs directory", "%s",
                   err.msg);
  error_clear(&err);
  if (ns_plan_make(b.config, &plan, &err) < 0)
    report_error_text(r, err.msg, "fix linux.namespaces");
  else
    in_userns = plan_has_userns(&plan);
  if (plan.create_flags & CLONE_NEWUSER)
    check_bundle_userns(b.config, b.rootfs, r);
  check_privilege(&plan, in_userns, r);
  ns_plan_close(&plan);

  check_bundle_kernel(b.config, r);
  check_bundle_process(b.config, b.rootfs, in_userns, r);
  if (b.config->process && b.config->process->terminal)
    report_finding(r, FINDING_WARNING, "process.terminal",
                   "pass --console-socket to create (run gives one itself)",
                   "create needs --console-socket for a terminal");
  cgroup_check_bundle(b.config, o->systemd_cgroup, r);
out:
  bundle_release(&b);
  return report_count(r, FINDING_ERROR);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun pause ID`: freezes every process of the container (the v1 freezer, or cgroup2's
 * cgroup.freeze) and returns once they are all frozen; `state` then says "paused". */
#include "cgroup/cgroup.h"
#include "cli.h"
#include "state.h"

static int run_pause(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  const struct cli_option opts[] = {{0}};
  struct container c;
  struct cgroup *cg = NULL;
  ocirun_error err = {0};
  enum container_status status;
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  if (container_load(g->root, argv[pos], &c, &err) < 0)
    return cli_fail("%s", err.msg);
  status = container_status(&c);
  /* runc: only a created or running container can be paused ("container not running"). */
  if (status != STATUS_RUNNING && status != STATUS_CREATED) {
    container_release(&c);
    return cli_fail("container not running");
  }
  cg = cgroup_of_container(&c, &err);
  if (cg == NULL || cgroup_is_frozen(cg)) {
    rc = cg ? cli_fail("container not running") : cli_fail("%s", err.msg);
  } else {
    rc = cgroup_freeze(cg, true, &err) < 0 ? cli_fail("%s", err.msg) : 0;
  }
  cgroup_free(cg);
  container_release(&c);
  return rc;
}

const struct cli_command cmd_pause = {
    .name = "pause",
    .usage = "<container-id>",
    .summary = "Suspend every process of the container (the cgroup freezer).",
    .run = run_pause,
};

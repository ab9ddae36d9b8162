/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun resume ID`: thaws a paused container. */
#include "cgroup/cgroup.h"
#include "cli.h"
#include "state.h"

static int run_resume(const struct cli_command *cmd, const struct global_options *g, int argc,
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
  cg = status == STATUS_STOPPED ? NULL : cgroup_of_container(&c, &err);
  /* runc: anything but a paused container is "container not paused". */
  if (status == STATUS_STOPPED || (cg != NULL && !cgroup_is_frozen(cg)))
    rc = cli_fail("container not paused");
  else if (cg == NULL)
    rc = cli_fail("%s", err.msg);
  else
    rc = cgroup_freeze(cg, false, &err) < 0 ? cli_fail("%s", err.msg) : 0;
  cgroup_free(cg);
  container_release(&c);
  return rc;
}

const struct cli_command cmd_resume = {
    .name = "resume",
    .usage = "<container-id>",
    .summary = "Resume every process of a paused container.",
    .run = run_resume,
};

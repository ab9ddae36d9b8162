/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun pause ID` freezes every process of the container (the v1 freezer, or cgroup2's
 * cgroup.freeze) and returns once they are all frozen; `state` then says "paused".
 * `ocirun resume ID` thaws it. */
#include "cgroup/cgroup.h"
#include "cli.h"
#include "state.h"

/* runc's rules: only a created or running container can be paused ("container not running"),
 * and anything but a paused one cannot be resumed ("container not paused"). */
static int set_frozen(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv, bool freeze)
{
  const struct cli_option opts[] = {{0}};
  const char *refusal = freeze ? "container not running" : "container not paused";
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
  if (freeze ? status != STATUS_RUNNING && status != STATUS_CREATED : status != STATUS_PAUSED)
    rc = cli_fail("%s", refusal);
  else if ((cg = cgroup_of_container(&c, &err)) == NULL)
    rc = cli_fail("%s", err.msg);
  else
    rc = cgroup_freeze(cg, freeze, &err) < 0 ? cli_fail("%s", err.msg) : 0;
  cgroup_free(cg);
  container_release(&c);
  return rc;
}

static int run_pause(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  return set_frozen(cmd, g, argc, argv, true);
}

static int run_resume(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  return set_frozen(cmd, g, argc, argv, false);
}

const struct cli_command cmd_pause = {
    .name = "pause",
    .usage = "<container-id>",
    .summary = "Suspend every process of the container (the cgroup freezer).",
    .run = run_pause,
};

const struct cli_command cmd_resume = {
    .name = "resume",
    .usage = "<container-id>",
    .summary = "Resume every process of a paused container.",
    .run = run_resume,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"

static int run_start(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  const struct cli_option opts[] = {{0}};
  ocirun_error err = {0};
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  if (container_start(g->root, argv[pos], &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
}

const struct cli_command cmd_start = {
    .name = "start",
    .usage = "<container-id>",
    .summary = "Start the process of a created container.",
    .run = run_start,
};

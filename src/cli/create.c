/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"
#include "create_options.h"

static int run_create(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  struct create_flags f = {0};
  struct cli_option opts[CREATE_OPTIONS_MAX];
  struct create_options co;
  ocirun_error err = {0};
  pid_t pid;
  int pos, rc;

  create_options_table(&f, opts, false);
  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  create_options_fill(&co, &f, g, argv[pos]);
  if (container_create(&co, &pid, &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
}

const struct cli_command cmd_create = {
    .name = "create",
    .usage = "[command options] <container-id>",
    .summary = "Create a container from an OCI bundle; its process waits for `ocirun start`.",
    .run = run_create,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"

static int run_delete(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  bool force = false;
  const struct cli_option opts[] = {
      {"force", 'f', OPT_BOOL, &force, "kill the container first if it is still running"},
      {0},
  };
  ocirun_error err = {0};
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  if (container_delete(g->root, argv[pos], force, &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
}

const struct cli_command cmd_delete = {
    .name = "delete",
    .usage = "[command options] <container-id>",
    .summary = "Delete a stopped (or, with --force, any) container and its state.",
    .run = run_delete,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"

static int run_state(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  const struct cli_option opts[] = {{0}};
  ocirun_error err = {0};
  char *json;
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  json = container_state(g->root, argv[pos], &err);
  if (json == NULL)
    return cli_fail("%s", err.msg);
  fputs(json, stdout);
  if (json[0] && json[strlen(json) - 1] != '\n')
    fputc('\n', stdout);
  free(json);
  return 0;
}

const struct cli_command cmd_state = {
    .name = "state",
    .usage = "<container-id>",
    .summary = "Print the state of a container as JSON.",
    .run = run_state,
};

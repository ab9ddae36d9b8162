/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "state.h"
#include "utils.h"

static int run_state(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  const struct cli_option opts[] = {{0}};
  ocirun_error err = {0};
  struct container c;
  autoclose int rootfd = -1;
  char *json;
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  /* No lock (container_peek): `state` does not wait for a create's hooks or a delete. */
  rootfd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (container_peek(rootfd, g->root, argv[pos], &c, &err) < 0)
    return cli_fail("%s", err.msg);
  json = container_state_json(&c, container_status(&c), true, &err);
  container_release(&c);
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

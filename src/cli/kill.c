/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"
#include "signals.h"

#include <signal.h>

static int run_kill(const struct cli_command *cmd, const struct global_options *g, int argc,
                    char **argv)
{
  bool all = false;
  const struct cli_option opts[] = {
      {"all", 'a', OPT_BOOL, &all, "send the signal to every process of the container"},
      {0},
  };
  ocirun_error err = {0};
  int pos, rc, sig = SIGTERM;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 2, &pos);
  if (rc != 0)
    return rc < 0;
  if (argc - pos == 2) {
    sig = signal_parse(argv[pos + 1], &err);
    if (sig < 0)
      return cli_fail("%s", err.msg);
  }
  if (container_kill(g->root, argv[pos], sig, all, &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
}

const struct cli_command cmd_kill = {
    .name = "kill",
    .usage = "[command options] <container-id> [signal]",
    .summary = "Send a signal (default SIGTERM; a name, with or without SIG, or a number) to the "
               "container's init.",
    .run = run_kill,
};

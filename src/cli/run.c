/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "create_options.h"
#include "foreground.h"
#include "sync.h"
#include "tty_proxy.h"
#include "utils.h"

/* create, start and (unless --keep or --detach) delete in one process: the container create
 * made stays in memory (container_run), so that start and delete read nothing back. */
static int run_run(const struct cli_command *cmd, const struct global_options *g, int argc,
                   char **argv)
{
  struct create_flags f = {0};
  struct cli_option opts[CREATE_OPTIONS_MAX];
  struct create_options co;
  struct container_run *held = NULL;
  ocirun_error err = {0};
  autoclose int master = -1;
  pid_t pid;
  int pos, rc, status;

  create_options_table(&f, opts, true);
  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  create_options_fill(&co, &f, g, argv[pos]);
  co.detached = f.detach;
  co.keep = &held;
  /* In the foreground without --console-socket, a terminal is ours to relay. */
  if (create_relaying_terminal(&co, !f.detach && f.console_socket == NULL, &pid, &master, &err) < 0)
    return cli_fail("%s", err.msg);
  if (!f.detach)
    forward_signals(pid);
  if (container_run_start(held, &err) < 0) {
    ocirun_error ignored = {0};
    container_run_delete(held, &ignored);
    container_run_free(held);
    return cli_fail("%s", err.msg);
  }
  if (f.detach) {
    container_run_free(held);
    return 0;
  }
  status = foreground_wait(pid, steal_fd(master));
  if (!f.keep && container_run_delete(held, &err) < 0)
    cli_fail("%s", err.msg);
  container_run_free(held);
  return status;
}

const struct cli_command cmd_run = {
    .name = "run",
    .usage = "[command options] <container-id>",
    .summary = "Create and start a container, wait for it and exit with its exit status.",
    .run = run_run,
};

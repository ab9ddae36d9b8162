/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "create_options.h"

#include <string.h>

void create_options_table(struct create_flags *f, struct cli_option *opts, bool for_run)
{
  const struct cli_option common[] = {
      {"bundle", 'b', OPT_STRING, &f->bundle, "path to the bundle directory (default: current)"},
      {"console-socket", 0, OPT_STRING, &f->console_socket,
       "AF_UNIX socket that receives the pty master when process.terminal is true"},
      {"pid-file", 0, OPT_STRING, &f->pid_file, "file to write the container process's pid to"},
      {"no-pivot", 0, OPT_BOOL, &f->no_pivot, "use MS_MOVE and chroot instead of pivot_root"},
      {"no-new-keyring", 0, OPT_BOOL, &f->no_new_keyring,
       "do not give the container a new session keyring"},
      {"preserve-fds", 0, OPT_INT, &f->preserve_fds,
       "pass this many fds after stdio (3, 4, …) to the process"},
      {"init", 0, OPT_BOOL, &f->init,
       "ocirun extension: run ocirun-init as PID 1, in front of the process"},
      {"init-path", 0, OPT_STRING, &f->init_path,
       "ocirun extension: the init to use with --init (implies --init)"},
  };
  const struct cli_option for_run_only[] = {
      {"detach", 'd', OPT_BOOL, &f->detach, "detach from the container's process"},
      {"keep", 0, OPT_BOOL, &f->keep, "keep the container's state after it exits"},
      {"no-subreaper", 0, OPT_BOOL, &f->no_subreaper, "accepted for compatibility; ignored"},
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
    opts[n++] = common[i];
  if (for_run)
    for (size_t i = 0; i < sizeof(for_run_only) / sizeof(for_run_only[0]); i++)
      opts[n++] = for_run_only[i];
  memset(&opts[n], 0, sizeof(opts[n]));
}

void create_options_fill(struct create_options *co, const struct create_flags *f,
                         const struct global_options *g, const char *id)
{
  *co = (struct create_options){
      .root = g->root,
      .id = id,
      .bundle = f->bundle,
      .pid_file = f->pid_file,
      .console_socket = f->console_socket,
      .console_fd = -1,
      .no_pivot = f->no_pivot,
      .no_new_keyring = f->no_new_keyring,
      .preserve_fds = f->preserve_fds,
      .systemd_cgroup = g->systemd_cgroup,
      .no_cgroup = g->cgroup_manager && strcmp(g->cgroup_manager, "disabled") == 0,
      .detached = true,
      .init = f->init || f->init_path != NULL,
      .init_path = f->init_path,
  };
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun checkpoint ID`: runc's flags, CRIU's dump (src/lib/checkpoint.c). Built without
 * CRIU, the command says so and fails, --help included: Podman takes a zero exit of
 * `checkpoint --help` to mean that the runtime can checkpoint. */
#include <string.h>

#include "cli.h"
#include "criu.h"

#include "config.h"

static int run_checkpoint(const struct cli_command *cmd, const struct global_options *g, int argc,
                          char **argv)
{
#if HAVE_CRIU
  struct criu_options o = {.status_fd = -1};
  const char *empty_ns = NULL;
  const struct cli_option opts[] = {
      {"image-path", 0, OPT_STRING, &o.image_path,
       "path for saving criu image files (default ./checkpoint)"},
      {"work-path", 0, OPT_STRING, &o.work_path, "path for saving work files and logs"},
      {"parent-path", 0, OPT_STRING, &o.parent_path,
       "path for previous criu image files in pre-dump (relative to --image-path)"},
      {"leave-running", 0, OPT_BOOL, &o.leave_running,
       "leave the process running after checkpointing"},
      {"tcp-established", 0, OPT_BOOL, &o.tcp_established, "allow open tcp connections"},
      {"tcp-skip-in-flight", 0, OPT_BOOL, &o.tcp_skip_in_flight, "skip in-flight tcp connections"},
      {"link-remap", 0, OPT_BOOL, &o.link_remap,
       "allow one to link unlinked files back when possible"},
      {"ext-unix-sk", 0, OPT_BOOL, &o.ext_unix_sk, "allow external unix sockets"},
      {"shell-job", 0, OPT_BOOL, &o.shell_job, "allow shell jobs"},
      {"lazy-pages", 0, OPT_BOOL, &o.lazy_pages, "use userfaultfd to lazily restore memory pages"},
      {"status-fd", 0, OPT_INT, &o.status_fd,
       "criu writes \\0 to this fd once lazy-pages is ready"},
      {"page-server", 0, OPT_STRING, &o.page_server, "ADDRESS:PORT of the page server"},
      {"file-locks", 0, OPT_BOOL, &o.file_locks, "handle file locks, for safety"},
      {"pre-dump", 0, OPT_BOOL, &o.pre_dump,
       "dump the memory only and leave the container running"},
      {"manage-cgroups-mode", 0, OPT_STRING, &o.manage_cgroups_mode,
       "cgroups mode: soft|full|strict|ignore (default: soft)"},
      {"empty-ns", 0, OPT_STRING, &empty_ns,
       "create a namespace, but don't restore its properties (network)"},
      {"auto-dedup", 0, OPT_BOOL, &o.auto_dedup, "enable auto deduplication of memory images"},
      {0},
  };
  ocirun_error err = {0};
  int pos, rc, mode;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  o.criu_path = g->criu;
  if (o.manage_cgroups_mode && criu_parse_cgroup_mode(o.manage_cgroups_mode, &mode, &err) < 0)
    return cli_fail("%s", err.msg);
  if (empty_ns && criu_parse_empty_ns(empty_ns, &o.empty_ns, &err) < 0)
    return cli_fail("%s", err.msg);
  if (container_checkpoint(g->root, argv[pos], &o, &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
#else
  (void)g;
  (void)argc;
  (void)argv;
  return cli_fail("%s: ocirun was built without CRIU support (meson setup -Dcriu=enabled)",
                  cmd->name);
#endif
}

const struct cli_command cmd_checkpoint = {
    .name = "checkpoint",
    .usage = "[command options] <container-id>",
    .summary = "Save the state of a running container with CRIU (it is removed unless "
               "--leave-running).",
    .run = run_checkpoint,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun restore ID`: a container made from a bundle, as `create` makes one, whose
 * processes CRIU restores from a checkpoint image (src/lib/restore.c). It is running
 * afterwards. Without --detach, ocirun stays its parent as `run` does: signals go on to it,
 * a terminal is relayed, and the container is deleted when it exits. */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "criu.h"
#include "foreground.h"
#include "sync.h"
#include "utils.h"

#include "config.h"

#if HAVE_CRIU
struct restore_flags {
  struct criu_options o;
  const char *bundle, *console_socket, *pid_file, *empty_ns, *parent_path;
  bool detach, no_subreaper, no_pivot;
};

static int restore_container(const struct global_options *g, const char *id,
                             struct restore_flags *f)
{
  struct create_options co = {
      .root = g->root,
      .id = id,
      .bundle = f->bundle,
      .pid_file = f->pid_file,
      .console_socket = f->console_socket,
      .console_fd = -1,
      .no_pivot = f->no_pivot,
      .systemd_cgroup = g->systemd_cgroup,
      .detached = f->detach,
      .restore = &f->o,
  };
  ocirun_error err = {0};
  autoclose int master = -1;
  pid_t pid;
  int status;

  /* In the foreground without --console-socket, a terminal is ours to relay (CRIU hands over
   * the new pty master during the restore). */
  if (create_relaying_terminal(&co, !f->detach && f->console_socket == NULL, &pid, &master, &err) <
      0)
    return cli_fail("%s", err.msg);
  if (f->detach)
    return 0;
  forward_signals(pid);
  status = foreground_wait(pid, steal_fd(master));
  if (container_delete(co.root, co.id, true, &err) < 0)
    cli_fail("%s", err.msg);
  return status;
}
#endif

static int run_restore(const struct cli_command *cmd, const struct global_options *g, int argc,
                       char **argv)
{
#if HAVE_CRIU
  struct restore_flags f = {.o = {.status_fd = -1}};
  const struct cli_option opts[] = {
      {"console-socket", 0, OPT_STRING, &f.console_socket,
       "AF_UNIX socket that receives the pty master of a restored terminal"},
      {"image-path", 0, OPT_STRING, &f.o.image_path,
       "path to criu image files for restoring (default ./checkpoint)"},
      {"work-path", 0, OPT_STRING, &f.o.work_path, "path for saving work files and logs"},
      {"tcp-established", 0, OPT_BOOL, &f.o.tcp_established, "allow open tcp connections"},
      {"ext-unix-sk", 0, OPT_BOOL, &f.o.ext_unix_sk, "allow external unix sockets"},
      {"shell-job", 0, OPT_BOOL, &f.o.shell_job, "allow shell jobs"},
      {"file-locks", 0, OPT_BOOL, &f.o.file_locks, "handle file locks, for safety"},
      {"manage-cgroups-mode", 0, OPT_STRING, &f.o.manage_cgroups_mode,
       "cgroups mode: soft|full|strict|ignore (default: soft)"},
      {"bundle", 'b', OPT_STRING, &f.bundle, "path to the bundle directory (default: current)"},
      {"detach", 'd', OPT_BOOL, &f.detach, "detach from the container's process"},
      {"pid-file", 0, OPT_STRING, &f.pid_file, "file to write the restored process's pid to"},
      {"no-subreaper", 0, OPT_BOOL, &f.no_subreaper, "accepted for compatibility; ignored"},
      {"no-pivot", 0, OPT_BOOL, &f.no_pivot,
       "accepted for compatibility (CRIU restores the mounts)"},
      {"empty-ns", 0, OPT_STRING, &f.empty_ns,
       "create a namespace, but don't restore its properties (network)"},
      {"auto-dedup", 0, OPT_BOOL, &f.o.auto_dedup, "enable auto deduplication of memory images"},
      {"lazy-pages", 0, OPT_BOOL, &f.o.lazy_pages,
       "use userfaultfd to lazily restore memory pages"},
      {"parent-path", 0, OPT_STRING, &f.parent_path,
       "accepted for compatibility; CRIU follows the image's parent link"},
      {"lsm-profile", 0, OPT_STRING, &f.o.lsm_profile,
       "LSM profile for the restored processes, TYPE:NAME"},
      {"lsm-mount-context", 0, OPT_STRING, &f.o.lsm_mount_context,
       "LSM mount context for the restored mounts"},
      {0},
  };
  ocirun_error err = {0};
  int pos, rc, mode;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  f.o.criu_path = g->criu;
  if (f.o.manage_cgroups_mode && criu_parse_cgroup_mode(f.o.manage_cgroups_mode, &mode, &err) < 0)
    return cli_fail("%s", err.msg);
  if (f.empty_ns && criu_parse_empty_ns(f.empty_ns, &f.o.empty_ns, &err) < 0)
    return cli_fail("%s", err.msg);
  return restore_container(g, argv[pos], &f);
#else
  (void)g;
  (void)argc;
  (void)argv;
  return cli_fail("%s: ocirun was built without CRIU support (meson setup -Dcriu=enabled)",
                  cmd->name);
#endif
}

const struct cli_command cmd_restore = {
    .name = "restore",
    .usage = "[command options] <container-id>",
    .summary = "Restore a container from a CRIU checkpoint; it is running afterwards.",
    .run = run_restore,
};

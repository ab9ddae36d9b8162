/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirun: global options, then one command from the table. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"
#include "log.h"
#include "rootless.h"
#include "sealed_exe.h"
#include "utils.h"

static const struct cli_command *const commands[] = {
    &cmd_create, &cmd_start,    &cmd_run,   &cmd_state,  &cmd_kill,       &cmd_delete,
    &cmd_list,   &cmd_ps,       &cmd_pause, &cmd_resume, &cmd_update,     &cmd_events,
    &cmd_spec,   &cmd_features, &cmd_exec,  &cmd_check,  &cmd_checkpoint, &cmd_restore,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_version(void)
{
  printf("ocirun version %s\nspec: %s\n", OCIRUN_VERSION, OCI_SPEC_VERSION);
}

static void print_usage(const struct cli_option *opts)
{
  printf("Usage: ocirun [global options] command [command options] [arguments...]\n\n"
         "An OCI container runtime, command-line compatible with runc.\n\nCommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
  printf("\nGlobal options:\n");
  for (const struct cli_option *o = opts; o->name; o++)
    if (o->help)
      printf("  --%-18s %s\n", o->name, o->help);
  printf("  --%-18s %s\n  --%-18s %s\n", "help, -h", "show this help", "version, -v",
         "print the version");
}

/* runc's rule: $XDG_RUNTIME_DIR/ocirun when it is set and we are an unprivileged user, or
 * root of a user namespace whose $USER is not root; else /run/ocirun. */
static const char *default_root(void)
{
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  const char *user = getenv("USER");
  static char buf[4096];
  bool honor_xdg = geteuid() != 0 ||
                   (rootless_in_user_namespace() && (user == NULL || strcmp(user, "root") != 0));

  if (honor_xdg && xdg && xdg[0]) {
    snprintf(buf, sizeof(buf), "%s/ocirun", xdg);
    return buf;
  }
  return "/run/ocirun";
}

int main(int argc, char **argv)
{
  struct global_options g = {.root = default_root(), .log_format = "text", .rootless = "auto"};
  bool version = false;
  const struct cli_option opts[] = {
      {"root", 0, OPT_STRING, &g.root,
       "state directory (default /run/ocirun, or $XDG_RUNTIME_DIR/ocirun rootless)"},
      {"log", 0, OPT_STRING, &g.log, "log file (default: stderr only)"},
      {"log-format", 0, OPT_STRING, &g.log_format, "log format: text or json"},
      {"debug", 0, OPT_BOOL, &g.debug, "log debug messages"},
      {"systemd-cgroup", 0, OPT_BOOL, &g.systemd_cgroup, "use the systemd cgroup driver"},
      {"rootless", 0, OPT_STRING, &g.rootless, "rootless mode: true, false or auto"},
      {"cgroup-manager", 0, OPT_STRING, &g.cgroup_manager,
       "cgroupfs, systemd or disabled (crun's flag; Podman passes it for --cgroups disabled)"},
      {"criu", 0, OPT_STRING, &g.criu, "path to criu (for checkpoint/restore)"},
      {"version", 'v', OPT_BOOL, &version, NULL},
      {0},
  };
  const struct cli_command global = {.name = "", .usage = "", .summary = ""};
  int pos, rc;

  rc = cli_parse(&global, opts, argc, argv, &pos);
  if (rc == 1) {
    print_usage(opts);
    return 0;
  }
  if (rc < 0)
    return 1;
  if (version) {
    print_version();
    return 0;
  }
  if (strcmp(g.log_format, "text") != 0 && strcmp(g.log_format, "json") != 0)
    return cli_fail("invalid log format \"%s\"", g.log_format);
  if (strcmp(g.rootless, "auto") != 0 && strcmp(g.rootless, "true") != 0 &&
      strcmp(g.rootless, "false") != 0)
    return cli_fail("invalid --rootless value \"%s\": true, false or auto", g.rootless);
  if (g.cgroup_manager && strcmp(g.cgroup_manager, "cgroupfs") != 0 &&
      strcmp(g.cgroup_manager, "systemd") != 0 && strcmp(g.cgroup_manager, "disabled") != 0)
    return cli_fail("invalid --cgroup-manager value \"%s\": cgroupfs, systemd or disabled",
                    g.cgroup_manager);
  if (g.cgroup_manager && strcmp(g.cgroup_manager, "systemd") == 0)
    g.systemd_cgroup = true;
  rootless_set_mode(strcmp(g.rootless, "true") == 0    ? ROOTLESS_TRUE
                    : strcmp(g.rootless, "false") == 0 ? ROOTLESS_FALSE
                                                       : ROOTLESS_AUTO);
  if (log_init(g.log, strcmp(g.log_format, "json") == 0, g.debug) < 0)
    return cli_fail("open log file \"%s\": %m", g.log);
  if (pos >= argc) {
    print_usage(opts);
    return 0;
  }
  /* CVE-2019-5736: what enters a container runs from a sealed copy of this binary. */
  if (sealed_exe_wanted(argv[pos]) && sealed_exe_ensure(argc, argv) < 0)
    return 1;
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(argv[pos], commands[i]->name) == 0)
      return commands[i]->run(commands[i], &g, argc - pos, argv + pos);
  if (strcmp(argv[pos], "help") == 0) {
    print_usage(opts);
    return 0;
  }
  return cli_fail("no such command: %s", argv[pos]);
}

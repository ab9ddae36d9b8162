/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: runc's spelling, so that containerd (go-runc), conmon and CRI-O call us
 * exactly as they call runc. Flags may be written `--name value`, `--name=value`, `-n value`
 * or with a single dash (`-no-subreaper`); parsing stops at the first positional argument,
 * as urfave/cli does for runc. */
#ifndef OCIRUN_CLI_H
#define OCIRUN_CLI_H

#include <stdbool.h>

struct global_options {
  const char *root;
  const char *log;
  const char *log_format;
  bool debug;
  bool systemd_cgroup;
  const char *rootless;
  const char *cgroup_manager; /* crun's --cgroup-manager: cgroupfs, systemd, disabled; or NULL */
  const char *criu;
};

enum opt_kind { OPT_BOOL, OPT_STRING, OPT_INT };

struct cli_option {
  const char *name;
  char short_name;
  enum opt_kind kind;
  void *target; /* bool *, const char **, int * */
  const char *help;
};

struct cli_command {
  const char *name;
  const char *usage;   /* what follows the command name: "[options] <container-id>" */
  const char *summary; /* one line */
  int (*run)(const struct cli_command *cmd, const struct global_options *g, int argc, char **argv);
};

/* Parses argv[1..] (argv[0] is the command name) against opts (terminated by a zeroed entry).
 * On return *first_pos indexes the first positional argument. Returns 0, or 1 after printing
 * help (exit 0), or -1 after printing an error (exit 1). */
int cli_parse(const struct cli_command *cmd, const struct cli_option *opts, int argc, char **argv,
              int *first_pos);

/* Prints "ocirun: <msg>" to stderr and the log; returns the exit status 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks the count of positional arguments: `"start" requires exactly 1 argument(s)`. */
int cli_require_args(const struct cli_command *cmd, int have, int min, int max);

/* cli_parse, then between min and max (-1: any) positional arguments. The same returns. */
int cli_parse_args(const struct cli_command *cmd, const struct cli_option *opts, int argc,
                   char **argv, int min, int max, int *first_pos);

extern const struct cli_command cmd_create, cmd_start, cmd_run, cmd_state, cmd_kill, cmd_delete,
    cmd_list, cmd_ps, cmd_pause, cmd_resume, cmd_update, cmd_events, cmd_spec, cmd_features,
    cmd_exec, cmd_check, cmd_checkpoint, cmd_restore;

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun exec [options] <container-id> [command [args...]]`: a new process in the container,
 * as runc's exec. Detached, it exits once the process runs (the caller, a subreaper, reaps it);
 * in the foreground it forwards signals, relays a terminal it made itself, and exits with the
 * process's status (128+N for signal N), which CRI-O's streaming exec passes on. Errors exit
 * 255 with "exec failed: ...", as runc's do. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "foreground.h"
#include "tty_proxy.h"
#include "utils.h"

#define EXEC_FAILED 255

struct string_list {
  char **items;
  size_t n;
};

static void list_add(struct string_list *l, char *s)
{
  l->items = xrealloc(l->items, (l->n + 1) * sizeof(char *));
  l->items[l->n++] = s;
}

/* The flags runc lets repeat. cli_parse keeps one value a flag, so these are taken out of argv
 * before it runs. */
struct repeated {
  const char *name;
  char short_name;
  struct string_list *list;
};

static bool flag_is(const char *arg, const char *name, size_t len, const char *long_name,
                    char short_name)
{
  /* cli_parse's rule: one dash and one letter is a short flag, anything else a long one. */
  if (arg[1] != '-' && len == 1)
    return short_name != 0 && name[0] == short_name;
  return strlen(long_name) == len && strncmp(name, long_name, len) == 0;
}

static bool takes_value(const struct cli_option *opts, const char *arg, const char *name,
                        size_t len)
{
  for (const struct cli_option *o = opts; o->name; o++)
    if (flag_is(arg, name, len, o->name, o->short_name))
      return o->kind != OPT_BOOL;
  return false;
}

/* Splits argv into the repeated flags, --no-new-privs (whose absence must stay distinct from
 * --no-new-privs=false: runc changes the config's value only when the flag is given), and the
 * rest, in order, for cli_parse. Like cli_parse it stops at the first positional argument or
 * "--". Returns -1 after printing an error. */
static int split_args(const struct cli_option *opts, struct repeated *rep, size_t nrep, int argc,
                      char **argv, char **rest, int *nrest, int *no_new_privs)
{
  int i, n = 0;

  rest[n++] = argv[0];
  for (i = 1; i < argc; i++) {
    char *arg = argv[i];
    const char *name, *eq;
    struct repeated *r = NULL;
    size_t len;

    if (strcmp(arg, "--") == 0 || arg[0] != '-' || arg[1] == '\0')
      break;
    name = arg + (arg[1] == '-' ? 2 : 1);
    eq = strchr(name, '=');
    len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < nrep && r == NULL; k++)
      if (flag_is(arg, name, len, rep[k].name, rep[k].short_name))
        r = &rep[k];
    if (r != NULL) {
      if (eq != NULL) {
        list_add(r->list, (char *)eq + 1);
      } else if (i + 1 < argc) {
        list_add(r->list, argv[++i]);
      } else {
        cli_fail("exec: flag needs an argument: %s", arg);
        return -1;
      }
      continue;
    }
    if (flag_is(arg, name, len, "no-new-privs", 0)) {
      if (eq == NULL || strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "1") == 0) {
        *no_new_privs = 1;
      } else if (strcmp(eq + 1, "false") == 0 || strcmp(eq + 1, "0") == 0) {
        *no_new_privs = 0;
      } else {
        cli_fail("invalid boolean value \"%s\" for flag %s", eq + 1, arg);
        return -1;
      }
      continue;
    }
    rest[n++] = arg;
    if (eq == NULL && i + 1 < argc && takes_value(opts, arg, name, len))
      rest[n++] = argv[++i];
  }
  for (; i < argc; i++)
    rest[n++] = argv[i];
  rest[n] = NULL;
  *nrest = n;
  return 0;
}

/* ---- the foreground ------------------------------------------------------------------ */

static int foreground(const struct exec_result *res)
{
  forward_signals(res->pid);
  return foreground_wait(res->pid, res->master);
}

/* ---- the command --------------------------------------------------------------------- */

static int run_exec(const struct cli_command *cmd, const struct global_options *g, int argc,
                    char **argv)
{
  struct string_list env = {0}, caps = {0}, gids = {0}, cgroups = {0};
  const char *process = NULL, *pid_file = NULL, *console_socket = NULL, *cwd = NULL, *user = NULL,
             *process_label = NULL, *apparmor = NULL, *unused_str = NULL;
  bool detach = false, tty = false, ignore_paused = false, unused_bool = false;
  int preserve_fds = 0, no_new_privs = -1;
  struct repeated rep[] = {
      {"env", 'e', &env},
      {"cap", 'c', &caps},
      {"additional-gids", 'g', &gids},
      {"cgroup", 0, &cgroups},
  };
  /* The repeated ones and --no-new-privs are here for --help: split_args takes them out. */
  const struct cli_option opts[] = {
      {"process", 'p', OPT_STRING, &process,
       "path to a process.json (the process flags are then ignored)"},
      {"detach", 'd', OPT_BOOL, &detach, "detach from the process; the caller reaps it"},
      {"pid-file", 0, OPT_STRING, &pid_file, "write the process's pid to this file"},
      {"console-socket", 0, OPT_STRING, &console_socket, "AF_UNIX socket receiving the pty master"},
      {"tty", 't', OPT_BOOL, &tty, "allocate a pseudo-terminal"},
      {"cwd", 0, OPT_STRING, &cwd, "working directory in the container"},
      {"env", 'e', OPT_STRING, &unused_str, "set an environment variable KEY=VALUE (repeatable)"},
      {"user", 'u', OPT_STRING, &user, "uid[:gid], numbers only"},
      {"additional-gids", 'g', OPT_STRING, &unused_str, "an additional group id (repeatable)"},
      {"cap", 'c', OPT_STRING, &unused_str,
       "add a capability to the bounding, effective and permitted sets (repeatable)"},
      {"no-new-privs", 0, OPT_BOOL, &unused_bool, "set no_new_privs for the process"},
      {"preserve-fds", 0, OPT_INT, &preserve_fds, "pass N more fds (3 .. 3+N-1) to the process"},
      {"process-label", 0, OPT_STRING, &process_label,
       "SELinux label of the process (default: the container's)"},
      {"apparmor", 0, OPT_STRING, &apparmor,
       "AppArmor profile of the process (default: the container's)"},
      {"cgroup", 0, OPT_STRING, &unused_str, "sub-cgroup to run in (not supported yet: refused)"},
      {"ignore-paused", 0, OPT_BOOL, &ignore_paused, "allow exec in a paused container"},
      {0},
  };
  autofree char **rest = xcalloc((size_t)argc + 1, sizeof(char *));
  struct exec_options o = {0};
  struct exec_result res;
  ocirun_error err = {0};
  int nrest = 0, pos = 0, rc;

  /* cli_parse: 1 after --help (exit 0), -1 after an error (exit 1). */
  rc = split_args(opts, rep, sizeof(rep) / sizeof(rep[0]), argc, argv, rest, &nrest, &no_new_privs);
  if (rc == 0)
    rc = cli_parse_args(cmd, opts, nrest, rest, 1, -1, &pos);
  if (rc != 0) {
    rc = rc < 0 ? 1 : 0;
    goto out;
  }

  o.root = g->root;
  o.id = rest[pos];
  o.process_file = process;
  o.args = rest + pos + 1;
  o.nargs = (size_t)(nrest - pos - 1);
  o.cwd = cwd;
  o.env = env.items;
  o.nenv = env.n;
  o.user = user;
  o.additional_gids = gids.items;
  o.ngids = gids.n;
  o.caps = caps.items;
  o.ncaps = caps.n;
  o.no_new_privs = no_new_privs;
  o.tty = tty;
  o.apparmor = apparmor;
  o.process_label = process_label;
  o.cgroups = cgroups.items;
  o.ncgroups = cgroups.n;
  o.detach = detach;
  o.pid_file = pid_file;
  o.console_socket = console_socket;
  o.preserve_fds = preserve_fds;
  o.ignore_paused = ignore_paused;

  if (container_exec(&o, &res, &err) < 0) {
    cli_fail("exec failed: %s", err.msg);
    rc = EXEC_FAILED;
  } else {
    rc = detach ? 0 : foreground(&res);
  }
out:
  free(env.items);
  free(caps.items);
  free(gids.items);
  free(cgroups.items);
  return rc;
}

const struct cli_command cmd_exec = {
    .name = "exec",
    .usage =
        "[command options] <container-id> <command> [args...]  ||  -p process.json <container-id>",
    .summary = "Run a new process inside a running container.",
    .run = run_exec,
};

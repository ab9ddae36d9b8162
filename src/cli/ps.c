/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun ps [--format table|json] ID [ps options]`: the processes of the container's cgroup.
 * json: an array of host pids (go-runc's Ps decodes it). table: runs ps (default `ps -ef`)
 * and keeps its header and the lines whose PID column is in the cgroup — what runc does. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli.h"
#include "state.h"
#include "utils.h"

extern char **environ;

static int print_json(const pid_t *pids, size_t n)
{
  fputc('[', stdout);
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", (int)pids[i]);
  fputs("]\n", stdout);
  return fflush(stdout) == 0 ? 0 : cli_fail("write: %s", strerror(errno));
}

/* Runs ps with args, its stdout and stderr into one buffer. */
static int run_ps(char **args, int nargs, char **out, int *status)
{
  posix_spawn_file_actions_t fa;
  autofree char **argv = xcalloc((size_t)nargs + 3, sizeof(char *));
  int fds[2];
  pid_t pid;
  size_t len = 0, cap = 8192;
  char *buf = xmalloc(cap);
  int rc;

  argv[0] = "ps";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  if (nargs == 0)
    argv[1] = "-ef";
  if (pipe2(fds, O_CLOEXEC) < 0) {
    free(buf);
    return -1;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  rc = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    free(buf);
    errno = rc;
    return -1;
  }
  for (;;) {
    ssize_t n;
    if (len + 1 >= cap)
      buf = xrealloc(buf, cap *= 2);
    n = read(fds[0], buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  close(fds[0]);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR)
    ;
  *out = buf;
  return 0;
}

/* The index of the PID column in ps's header. */
static int pid_column(const char *header)
{
  autofree char *copy = xstrdup(header);
  char *save = NULL;
  int i = 0;

  for (char *f = strtok_r(copy, " \t", &save); f; f = strtok_r(NULL, " \t", &save), i++)
    if (strcmp(f, "PID") == 0)
      return i;
  return -1;
}

static bool line_pid_in(const char *line, int column, const pid_t *pids, size_t n)
{
  autofree char *copy = xstrdup(line);
  char *save = NULL, *f = strtok_r(copy, " \t", &save);
  long long v;

  for (int i = 0; f && i < column; i++)
    f = strtok_r(NULL, " \t", &save);
  if (f == NULL || parse_long(f, &v) < 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (pids[i] == (pid_t)v)
      return true;
  return false;
}

static int print_table(const pid_t *pids, size_t n, char **args, int nargs)
{
  autofree char *out = NULL;
  char *nl, *line;
  int status = 0, column;

  if (run_ps(args, nargs, &out, &status) < 0)
    return cli_fail("exec ps: %s", strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '\n')
      out[--len] = '\0';
    return cli_fail("ps failed (%s %d): %s", WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), out);
  }
  nl = strchr(out, '\n');
  if (nl)
    *nl = '\0';
  column = pid_column(out);
  if (column < 0)
    return cli_fail("couldn't find PID field in ps output");
  puts(out);
  for (line = nl ? nl + 1 : NULL; line && *line; line = nl ? nl + 1 : NULL) {
    nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (line[0] && line_pid_in(line, column, pids, n))
      puts(line);
  }
  return fflush(stdout) == 0 ? 0 : cli_fail("write: %s", strerror(errno));
}

/* A rootless container may have no cgroup of its own: its processes are then those in the
 * init's pid namespace (when it has one of its own), else the init alone. */
static void pids_without_cgroup(const struct container *c, pid_t **pids, size_t *n)
{
  pid_t init = (pid_t)c->record->pid;
  struct stat own, ns;
  char path[64];
  struct dirent *e;
  size_t cap = 16;
  DIR *proc;

  *n = 0;
  if (container_status(c) == STATUS_STOPPED)
    return;
  *pids = xrealloc(*pids, cap * sizeof(pid_t));
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
  if (stat(path, &ns) < 0 || stat("/proc/self/ns/pid", &own) < 0 || ns.st_ino == own.st_ino ||
      (proc = opendir("/proc")) == NULL) {
    (*pids)[(*n)++] = init;
    return;
  }
  while ((e = readdir(proc)) != NULL) {
    struct stat st;
    long long pid;
    if (parse_long(e->d_name, &pid) < 0)
      continue;
    snprintf(path, sizeof(path), "/proc/%lld/ns/pid", pid);
    if (stat(path, &st) < 0 || st.st_ino != ns.st_ino || st.st_dev != ns.st_dev)
      continue;
    if (*n == cap)
      *pids = xrealloc(*pids, (cap *= 2) * sizeof(pid_t));
    (*pids)[(*n)++] = (pid_t)pid;
  }
  closedir(proc);
}

static int run_ps_cmd(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  const char *format = "table";
  const struct cli_option opts[] = {
      {"format", 'f', OPT_STRING, &format, "table or json"},
      {0},
  };
  struct container c;
  struct cgroup *cg;
  ocirun_error err = {0};
  autofree pid_t *pids = NULL;
  size_t n = 0;
  int pos, rc, extra;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, -1, &pos);
  if (rc != 0)
    return rc < 0;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cli_fail("invalid format option");
  if (container_load(g->root, argv[pos], &c, &err) < 0)
    return cli_fail("%s", err.msg);
  cg = cgroup_of_container(&c, &err);
  rc = cg ? cgroup_pids(cg, &pids, &n, &err) : -1;
  cgroup_free(cg);
  if (rc == 0 && n == 0)
    pids_without_cgroup(&c, &pids, &n);
  container_release(&c);
  if (rc < 0)
    return cli_fail("%s", err.msg);
  if (strcmp(format, "json") == 0)
    return print_json(pids, n);
  /* What follows the id goes to ps; a leading "--" only separates. */
  extra = argc - pos - 1;
  if (extra > 0 && strcmp(argv[pos + 1], "--") == 0)
    return print_table(pids, n, argv + pos + 2, extra - 1);
  return print_table(pids, n, argv + pos + 1, extra);
}

const struct cli_command cmd_ps = {
    .name = "ps",
    .usage = "[command options] <container-id> [ps options]",
    .summary = "List the processes of a container (json: their host pids; table: ps -ef, or "
               "the ps options given, filtered to the container).",
    .run = run_ps_cmd,
};

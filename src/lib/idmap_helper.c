/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "idmap_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utils.h"

static char **helper_argv(const char *helper, pid_t pid, oci_id_mapping **maps, size_t n)
{
  char **argv = xcalloc(3 + 3 * n, sizeof(char *));
  size_t k = 0;

  argv[k++] = xstrdup(helper);
  if (asprintf(&argv[k++], "%d", (int)pid) < 0)
    abort();
  for (size_t i = 0; i < n; i++) {
    if (asprintf(&argv[k++], "%llu", (unsigned long long)maps[i]->containerID) < 0 ||
        asprintf(&argv[k++], "%llu", (unsigned long long)maps[i]->hostID) < 0 ||
        asprintf(&argv[k++], "%llu", (unsigned long long)maps[i]->size) < 0)
      abort();
  }
  return argv;
}

static void free_argv(char **argv)
{
  for (char **a = argv; *a; a++)
    free(*a);
  free(argv);
}

/* The helper's complaint, one line, without its trailing newline. */
static void read_complaint(int fd, char *buf, size_t size)
{
  size_t used = 0;
  ssize_t r;

  while (used + 1 < size && (r = read(fd, buf + used, size - 1 - used)) != 0) {
    if (r < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    used += (size_t)r;
  }
  buf[used] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
}

int idmap_helper_run(const char *helper, const char *what, pid_t pid, oci_id_mapping **maps,
                     size_t n, ocirun_error *err)
{
  char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
  char complaint[512];
  int pipefd[2], status = 0;
  char **argv;
  pid_t child;

  if (access(helper, X_OK) < 0)
    return error_set(err, errno,
                     "user namespace: %s mappings of several ranges (or of ids other than your "
                     "own) need %s (Debian package uidmap)",
                     what, helper);
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return error_set(err, errno, "pipe for %s", helper);
  argv = helper_argv(helper, pid, maps, n);
  child = fork();
  if (child == 0) {
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
        dup2(pipefd[1], STDERR_FILENO) < 0)
      _exit(126);
    execve(helper, argv, envp);
    dprintf(STDERR_FILENO, "exec: %s\n", strerror(errno));
    _exit(127);
  }
  free_argv(argv);
  close(pipefd[1]);
  if (child < 0) {
    close(pipefd[0]);
    return error_set(err, errno, "fork for %s", helper);
  }
  read_complaint(pipefd[0], complaint, sizeof(complaint));
  close(pipefd[0]);
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  return error_set(err, 0, "user namespace: %s refused the %s mappings: %s", helper, what,
                   complaint[0] ? complaint : "no reason given");
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "foreground.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sync.h"
#include "tty_proxy.h"

#define STATUS_UNKNOWN 255

static volatile pid_t forward_to = -1;

static void forward_signal(int sig)
{
  if (forward_to > 0)
    kill(forward_to, sig);
}

void forward_signals(pid_t pid)
{
  struct sigaction sa = {.sa_handler = forward_signal, .sa_flags = SA_RESTART};

  forward_to = pid;
  sigemptyset(&sa.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || sig == SIGWINCH || sig == SIGSEGV ||
        sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT || sig == SIGTRAP ||
        sig == SIGSYS)
      continue;
    sigaction(sig, &sa, NULL);
  }
}

static int wait_exit_status(pid_t pid)
{
  int status;

  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return STATUS_UNKNOWN;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return STATUS_UNKNOWN;
}

int foreground_wait(pid_t pid, int master)
{
  ocirun_error err = {0};
  int status;

  if (master < 0)
    return wait_exit_status(pid);
  status = tty_proxy_run(master, pid, &err);
  close(master);
  if (status < 0) {
    cli_fail("%s", err.msg);
    status = wait_exit_status(pid);
  }
  return status;
}

int create_relaying_terminal(struct create_options *co, bool relay, pid_t *pid, int *master,
                             ocirun_error *err)
{
  int console[2] = {-1, -1};
  int rc;

  *master = -1;
  if (relay) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
      return error_set(err, errno, "console socketpair");
    co->console_fd = console[1];
  }
  rc = container_create(co, pid, err);
  if (console[1] >= 0)
    close(console[1]);
  if (rc == 0 && console[0] >= 0) {
    /* Sent before create returned, when there is a terminal at all. */
    fcntl(console[0], F_SETFL, O_NONBLOCK);
    *master = recv_fd(console[0], err);
  }
  if (console[0] >= 0)
    close(console[0]);
  return rc;
}

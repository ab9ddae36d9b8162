/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "foreground.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirun-init: a PID 1 for containers. It runs its arguments as a child, forwards the signals
 * it receives to that child, reaps every process that ends up as its child (reparented
 * orphans too) and exits with the child's status.
 *
 * Every signal it may wait for is blocked and taken with sigwaitinfo(2): no handler runs, so
 * the loop needs no async-signal care, and blocked signals are queued even for the PID 1 of a
 * PID namespace (the kernel drops signals without a handler sent to it only when unblocked).
 * After the child starts, the loop makes system calls only: nothing allocates. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "say.h"

/* Left to the kernel: faults in our own code (forwarding them would hide a crash), and the
 * terminal stop signals we may get once the child's group owns the terminal (ignored). */
static const int own_signals[] = {SIGFPE,  SIGILL, SIGSEGV, SIGBUS, SIGABRT,
                                  SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};

/* What the child gets back before exec: our caller's mask and SIGTTIN/SIGTTOU dispositions. */
struct saved_signals {
  sigset_t mask;
  struct sigaction ttin, ttou;
};

static int take_signals(sigset_t *waited, struct saved_signals *saved)
{
  struct sigaction ignore = {.sa_handler = SIG_IGN};

  sigfillset(waited);
  for (size_t i = 0; i < sizeof(own_signals) / sizeof(own_signals[0]); i++)
    sigdelset(waited, own_signals[i]);
  if (sigprocmask(SIG_SETMASK, waited, &saved->mask) < 0) {
    say("sigprocmask: %m");
    return -1;
  }
  /* As tini does: the child's process group becomes the terminal's foreground group, so a
   * write or read of ours on the terminal (with TOSTOP set) must not stop us. */
  sigemptyset(&ignore.sa_mask);
  if (sigaction(SIGTTIN, &ignore, &saved->ttin) < 0 ||
      sigaction(SIGTTOU, &ignore, &saved->ttou) < 0) {
    say("sigaction: %m");
    return -1;
  }
  return 0;
}

/* In the child: its own process group, in the foreground of the terminal when stdin is one
 * (a job-control shell needs both), then our caller's signal setup, then exec. */
static _Noreturn void exec_child(char **argv, const struct saved_signals *saved)
{
  if (setpgid(0, 0) < 0) {
    say("setpgid: %m");
    _exit(1);
  }
  /* SIGTTOU is still ignored here, so this works from a background group too. No terminal
   * (ENOTTY) or a terminal that is not ours (ENOTTY, ENXIO) leaves nothing to hand over. */
  if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && errno != ENOTTY && errno != ENXIO &&
      errno != EBADF) {
    say("tcsetpgrp: %m");
    _exit(1);
  }
  if (sigaction(SIGTTIN, &saved->ttin, NULL) < 0 || sigaction(SIGTTOU, &saved->ttou, NULL) < 0 ||
      sigprocmask(SIG_SETMASK, &saved->mask, NULL) < 0) {
    say("restore signals: %m");
    _exit(1);
  }
  execvp(argv[0], argv);
  say("exec %s: %m", argv[0]);
  /* The shell's convention, which container engines report as they are. */
  _exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
}

/* The exit status a shell would give for the child: its code, or 128+N for signal N. */
static int exit_code_of(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

/* Reaps every child that has ended; true once the main child is among them. */
static bool reap_all(pid_t child, int *exit_code)
{
  bool child_ended = false;
  int status;
  pid_t pid;

  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == child) {
      *exit_code = exit_code_of(status);
      child_ended = true;
    }
  }
  return child_ended;
}

static int supervise(pid_t child, const sigset_t *waited, bool process_group)
{
  pid_t target = process_group ? -child : child;
  int exit_code = 1;

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(waited, &info);

    if (sig < 0) {
      if (errno != EINTR)
        say("sigwaitinfo: %m");
      continue;
    }
    /* ESRCH: the child has just ended; its SIGCHLD is pending and ends the loop. */
    if (sig != SIGCHLD && kill(target, sig) < 0 && errno != ESRCH)
      say("forward signal %d: %m", sig);
    if (sig == SIGCHLD && reap_all(child, &exit_code))
      return exit_code;
  }
}

static int become_reaper(bool subreaper)
{
  if (getpid() == 1)
    return 0;
  if (!subreaper) {
    say("warning: not PID 1 and not a subreaper (-s): orphans will not be reaped here");
    return 0;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
    say("PR_SET_CHILD_SUBREAPER: %m");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  struct init_options opts;
  struct saved_signals saved;
  sigset_t waited;
  pid_t child;

  switch (init_options_parse(argc, argv, &opts)) {
  case INIT_PARSE_DONE:
    return 0;
  case INIT_PARSE_BAD:
    return 1;
  case INIT_PARSE_RUN:
    break;
  }
  if (opts.parent_death_signal && prctl(PR_SET_PDEATHSIG, opts.parent_death_signal, 0, 0, 0) < 0) {
    say("PR_SET_PDEATHSIG: %m");
    return 1;
  }
  if (become_reaper(opts.subreaper) < 0 || take_signals(&waited, &saved) < 0)
    return 1;
  child = fork();
  if (child < 0) {
    say("fork: %m");
    return 1;
  }
  if (child == 0)
    exec_child(opts.child_argv, &saved);
  /* Also from this side, so that a signal forwarded to the group before the child ran
   * setpgid() already finds the group. */
  setpgid(child, child);
  return supervise(child, &waited, opts.process_group);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tty_proxy.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "utils.h"

static void copy_window_size(int master)
{
  struct winsize ws;

  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl(master, TIOCSWINSZ, &ws);
}

/* Moves what is readable from `from` to `to`; false at end of input. */
static bool pump(int from, int to)
{
  char buf[16384];
  ssize_t n = read(from, buf, sizeof(buf));

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  return write_all(to, buf, (size_t)n) == 0;
}

static int exit_code(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

int tty_proxy_run(int master, pid_t pid, ocirun_error *err)
{
  struct termios saved, raw;
  bool restore = false, stdin_open = true;
  sigset_t mask, old;
  autoclose int sigfd = -1;
  int status = -1;

  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGWINCH);
  sigprocmask(SIG_BLOCK, &mask, &old);
  sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    return error_set(err, errno, "signalfd");
  }
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
    raw = saved;
    cfmakeraw(&raw);
    restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  copy_window_size(master);

  while (status < 0) {
    struct pollfd fds[3] = {
        {.fd = master, .events = POLLIN},
        {.fd = sigfd, .events = POLLIN},
        {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
    };
    struct signalfd_siginfo si;
    int st;

    if (poll(fds, 3, -1) < 0 && errno != EINTR)
      break;
    if ((fds[0].revents & (POLLIN | POLLHUP)) && !pump(master, STDOUT_FILENO))
      fds[0].fd = -1; /* the slave side is gone; wait for the exit */
    if (fds[2].revents & (POLLIN | POLLHUP))
      stdin_open = pump(STDIN_FILENO, master);
    while (read(sigfd, &si, sizeof(si)) == sizeof(si))
      if (si.ssi_signo == SIGWINCH)
        copy_window_size(master);
    if (waitpid(pid, &st, WNOHANG) == pid)
      status = exit_code(st);
  }
  /* What the process wrote just before it exited. */
  while (poll(&(struct pollfd){.fd = master, .events = POLLIN}, 1, 0) > 0 &&
         pump(master, STDOUT_FILENO))
    ;
  if (restore)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (status < 0)
    return error_set(err, errno, "wait for the container");
  return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "subprocess.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync.h"

pid_t clone_fork(unsigned long flags)
{
  return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

void reap(pid_t pid)
{
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

void kill_and_reap(pid_t pid)
{
  if (pid > 0) {
    kill(pid, SIGKILL);
    reap(pid);
  }
}

void child_fail(int sync_fd, ocirun_error *err)
{
  sync_send_error(sync_fd, err);
  _exit(1);
}

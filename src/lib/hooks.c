/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "utils.h"

/* What the child needs, prepared before fork so that the child only makes system calls. */
struct hook_exec {
  const char *path;
  char **argv;
  char **envp;
  int stdin_fd;     /* read end of the state pipe */
  int report_fd;    /* write end of the exec-failure pipe (CLOEXEC: EOF means execve worked) */
  bool have_stderr; /* the runtime's fd 2 was open before the pipes were made */
};

static char **null_terminated(char *const *list, size_t n, const char *fallback)
{
  char **out = xcalloc(n + 2, sizeof(char *));

  if (n == 0 && fallback != NULL)
    out[0] = (char *)fallback;
  else if (n > 0)
    memcpy(out, list, n * sizeof(char *));
  return out;
}

/* When the runtime runs with a closed stdio fd, a pipe can land on 0-2; move it out of the
 * way before the dup2 calls below overwrite those numbers. */
static int above_stdio(int fd)
{
  return fd > STDERR_FILENO ? fd : fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
}

static __attribute__((noreturn)) void hook_child(const struct hook_exec *h)
{
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  int report = above_stdio(h->report_fd);
  int in = above_stdio(h->stdin_fd);
  sigset_t none;
  int e;

  /* The runtime may block or ignore signals (signal forwarding); the hook starts clean. */
  for (int sig = 1; sig < NSIG; sig++)
    sigaction(sig, &dfl, NULL);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  if (report < 0)
    report = h->report_fd;
  if (in < 0)
    goto fail;
  /* stdin is the state; the hook's stdout joins its stderr on the runtime's stderr, so that
   * what it prints never mixes into the runtime's own output (state, ps, ...). */
  if (!h->have_stderr) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, STDERR_FILENO) < 0)
      goto fail;
  }
  if (dup2(in, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
    goto fail;
  /* Nothing the runtime inherited from its own caller goes further than this. */
  syscall(SYS_close_range, STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(h->path, h->argv, h->envp);
fail:
  e = errno;
  (void)!write(report, &e, sizeof(e));
  _exit(127);
}

static long long now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline for poll(): -1 without a deadline, 0 once it passed. */
static int remaining_ms(long long deadline)
{
  long long left;

  if (deadline < 0)
    return -1;
  left = deadline - now_ms();
  if (left <= 0)
    return 0;
  return left > INT_MAX ? INT_MAX : (int)left;
}

/* Feeds the state to the hook. It may exit or close stdin without reading it all (that is
 * fine, as in runc), or stop reading and hang (the deadline still applies): the pipe is
 * non-blocking and watched together with the pidfd. SIGPIPE is blocked meanwhile so that a
 * hook that went away yields EPIPE instead of killing the runtime. */
static int write_state(int fd, int pidfd, const char *state, long long deadline, bool *expired,
                       ocirun_error *err)
{
  size_t len = state ? strlen(state) : 0, done = 0;
  sigset_t pipe_set, old;
  bool got_epipe = false;
  int ret = 0;

  *expired = false;
  if (len == 0)
    return 0;
  if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
    return error_set(err, errno, "write state to hook");
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  while (done < len) {
    struct pollfd fds[2] = {{.fd = fd, .events = POLLOUT}, {.fd = pidfd, .events = POLLIN}};
    int n = poll(fds, pidfd >= 0 ? 2 : 1, remaining_ms(deadline));
    ssize_t w;

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ret = error_set(err, errno, "poll");
      break;
    }
    if (n == 0) {
      *expired = true;
      break;
    }
    if (fds[1].revents & POLLIN)
      break; /* the hook exited */
    w = write(fd, state + done, len - done);
    if (w < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (w < 0) {
      if (errno == EPIPE)
        got_epipe = true;
      else
        ret = error_set(err, errno, "write state to hook");
      break;
    }
    done += (size_t)w;
  }
  if (got_epipe) {
    struct timespec zero = {0, 0};
    sigtimedwait(&pipe_set, NULL, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return ret;
}

/* Waits for the hook's exit; kills it once deadline passes. Returns its wait status. */
static int wait_hook(pid_t pid, int pidfd, long long deadline, bool *expired, ocirun_error *err)
{
  int status;

  while (!*expired && pidfd >= 0) {
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int n = poll(&pfd, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_set(err, errno, "poll");
    if (n == 0)
      *expired = true;
    break;
  }
  if (*expired)
    kill(pid, SIGKILL); /* still ours to kill: it is not reaped until waitpid below */
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return error_set(err, errno, "waitpid");
  }
  return status;
}

static int run_one(const oci_hook *hook, const char *state, ocirun_error *err)
{
  autofree char **argv = null_terminated(hook->args, hook->args_len, hook->path);
  autofree char **envp = null_terminated(hook->env, hook->env_len, NULL);
  autoclose int in_read = -1, in_write = -1, report_read = -1, report_write = -1, pidfd = -1;
  long long deadline = -1;
  bool expired = false, have_stderr;
  int fds[2], status, exec_errno = 0;
  ssize_t n;
  pid_t pid;

  if (hook->path == NULL)
    return error_set(err, 0, "no path");
  if (hook->has_timeout && hook->timeout > 0)
    deadline = now_ms() + (hook->timeout > INT_MAX ? INT_MAX : hook->timeout) * 1000LL;
  have_stderr = fcntl(STDERR_FILENO, F_GETFD) >= 0;
  if (pipe2(fds, O_CLOEXEC) < 0)
    return error_set(err, errno, "pipe");
  in_read = fds[0], in_write = fds[1];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return error_set(err, errno, "pipe");
  report_read = fds[0], report_write = fds[1];

  pid = fork();
  if (pid < 0)
    return error_set(err, errno, "fork");
  if (pid == 0) {
    struct hook_exec h = {hook->path, argv, envp, in_read, report_write, have_stderr};
    hook_child(&h);
  }
  close(steal_fd(in_read));
  close(steal_fd(report_write));
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && deadline >= 0) {
    /* Without a pidfd (kernels before 5.3) the timeout could not be enforced. */
    error_set(err, errno, "pidfd_open");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }

  /* EOF here means execve succeeded (the pipe is CLOEXEC); an int is its errno. */
  do
    n = read(report_read, &exec_errno, sizeof(exec_errno));
  while (n < 0 && errno == EINTR);
  if (n == sizeof(exec_errno)) {
    waitpid(pid, &status, 0);
    return error_set(err, exec_errno, "exec");
  }

  if (write_state(in_write, pidfd, state, deadline, &expired, err) < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  close(steal_fd(in_write)); /* EOF on the hook's stdin */
  status = wait_hook(pid, pidfd, deadline, &expired, err);
  if (status < 0 && !expired)
    return -1;
  if (expired) {
    error_set(err, 0, "timed out after %" PRId64 "s", hook->timeout);
    err->errnum = ETIMEDOUT;
    return -1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return error_set(err, 0, "exit status %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return error_set(err, 0, "killed by signal %d", WTERMSIG(status));
  return 0;
}

/* Runs hooks[i]; a failure is named by stage, index and path. Numbered from 0, as runc does
 * ("error running createRuntime hook #1" is the second). */
static int run_numbered(oci_hook **hooks, size_t i, const char *which, const char *state_json,
                        ocirun_error *err)
{
  if (hooks[i] == NULL || run_one(hooks[i], state_json, err) == 0)
    return 0;
  return error_prefix(err, "%s hook #%zu (\"%s\")", which, i, hooks[i]->path ? hooks[i]->path : "");
}

int hooks_run(oci_hook **hooks, size_t n, const char *which, const char *state_json,
              ocirun_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (run_numbered(hooks, i, which, state_json, err) < 0)
      return -1;
  return 0;
}

int hooks_run_all(oci_hook **hooks, size_t n, const char *which, const char *state_json,
                  ocirun_error *err)
{
  ocirun_error one;
  int ret = 0;

  for (size_t i = 0; i < n; i++) {
    error_clear(&one);
    if (run_numbered(hooks, i, which, state_json, &one) == 0)
      continue;
    log_warning("%s", one.msg);
    if (ret == 0 && err != NULL)
      *err = one;
    ret = -1;
  }
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hooks_run with real hooks: the state arrives on stdin, args and env are exactly the hook's,
 * failures, signals, timeouts and exec errors read as documented, the hook's output goes to
 * the runtime's stderr, and no fd of the runtime reaches the hook. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "hooks.h"
#include "process_test.h"
#include "utils.h"

static char dir[64];
static const char *state = "{\"ociVersion\":\"1.3.0\",\"id\":\"hooktest\",\"status\":\"creating\","
                           "\"pid\":42,\"bundle\":\"/tmp/bundle\"}";

static char *path_in_dir(const char *name)
{
  return xasprintf("%s/%s", dir, name);
}

static char *write_script(const char *name, const char *body)
{
  char *path = path_in_dir(name);
  char *text = xasprintf("#!/bin/sh\n%s\n", body);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

  if (fd < 0 || write_all(fd, text, strlen(text)) < 0) {
    perror(path);
    exit(2);
  }
  close(fd);
  free(text);
  return path;
}

static char *slurp(const char *path)
{
  ocirun_error err;
  char *data = NULL;

  if (read_file_at(AT_FDCWD, path, &data, NULL, &err) < 0)
    return xstrdup("(unreadable)");
  return data;
}

static double seconds_since(const struct timespec *start)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_state_args_env(void)
{
  autofree char *out = path_in_dir("stdin.json");
  autofree char *envout = path_in_dir("env.txt");
  autofree char *script = write_script("record.sh", "cat > \"$1\"\n"
                                                    "printf '%s|%s|%s|%s' \"$#\" \"$A\" "
                                                    "\"${HOME-unset}\" \"${LEAK-unset}\" > \"$2\"");
  char *args[] = {"record", out, envout};
  char *env[] = {"A=hello world"};
  oci_hook hook = {.path = script, .args = args, .args_len = 3, .env = env, .env_len = 1};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  autofree char *got = NULL, *gotenv = NULL;

  setenv("LEAK", "from-the-runtime", 1);
  CHECK_OK(hooks_run(hooks, 1, "createRuntime", state, &err), &err);
  got = slurp(out);
  CHECK(strcmp(got, state) == 0, "the hook read the state on stdin: %s", got);
  gotenv = slurp(envout);
  CHECK(strcmp(gotenv, "2|hello world|unset|unset") == 0,
        "args are the hook's, env only hook.env (argc|A|HOME|LEAK = %s)", gotenv);
  unsetenv("LEAK");
}

static void test_args_absent(void)
{
  autofree char *out = path_in_dir("argc.txt");
  autofree char *body = xasprintf("echo \"$#\" > %s", out);
  autofree char *script = write_script("argc.sh", body);
  oci_hook hook = {.path = script};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  autofree char *got = NULL;

  CHECK_OK(hooks_run(hooks, 1, "prestart", state, &err), &err);
  got = slurp(out);
  CHECK(strcmp(got, "0\n") == 0, "without args the hook runs with argv = {path}: $# = %.1s", got);
}

static void test_failures(void)
{
  char *exit3[] = {"sh", "-c", "exit 3"};
  char *selfkill[] = {"sh", "-c", "kill -9 $$"};
  oci_hook ok = {.path = "/bin/true"};
  oci_hook fails = {.path = "/bin/false"};
  oci_hook status3 = {.path = "/bin/sh", .args = exit3, .args_len = 3};
  oci_hook killed = {.path = "/bin/sh", .args = selfkill, .args_len = 3};
  oci_hook missing = {.path = "/nonexistent/hook"};
  oci_hook *second_fails[] = {&ok, &fails, &ok};
  oci_hook *one[1];
  ocirun_error err = {0};

  CHECK_ERROR(hooks_run(second_fails, 3, "createRuntime", state, &err), &err,
              "createRuntime hook #1 (\"/bin/false\"): exit status 1");
  one[0] = &status3;
  CHECK_ERROR(hooks_run(one, 1, "prestart", state, &err), &err,
              "prestart hook #0 (\"/bin/sh\"): exit status 3");
  one[0] = &killed;
  CHECK_ERROR(hooks_run(one, 1, "poststart", state, &err), &err,
              "poststart hook #0 (\"/bin/sh\"): killed by signal 9");
  one[0] = &missing;
  CHECK_ERROR(hooks_run(one, 1, "createContainer", state, &err), &err,
              "createContainer hook #0 (\"/nonexistent/hook\"): exec: No such file or directory");
  CHECK(err.errnum == ENOENT, "the exec failure keeps its errno");
  CHECK_OK(hooks_run(NULL, 0, "poststop", state, &err), &err);
}

/* poststop: every hook runs, the first failure is reported. */
static void test_run_all(void)
{
  autofree char *marker = path_in_dir("after-failures");
  char *touch[] = {"touch", marker};
  oci_hook fails = {.path = "/bin/false"};
  oci_hook missing = {.path = "/nonexistent/hook"};
  oci_hook after = {.path = "/usr/bin/touch", .args = touch, .args_len = 2};
  oci_hook ok = {.path = "/bin/true"};
  oci_hook *hooks[] = {&fails, &missing, &after};
  oci_hook *fine[] = {&ok, &ok};
  ocirun_error err = {0};

  CHECK_ERROR(hooks_run_all(hooks, 3, "poststop", state, &err), &err,
              "poststop hook #0 (\"/bin/false\"): exit status 1");
  CHECK(access(marker, F_OK) == 0, "the hook after two failing ones still ran");
  CHECK_OK(hooks_run_all(fine, 2, "poststop", state, &err), &err);
}

static void test_timeout(void)
{
  char *sleep10[] = {"sleep", "10"};
  oci_hook hook = {
      .path = "/bin/sleep", .args = sleep10, .args_len = 2, .timeout = 1, .has_timeout = true};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  struct timespec start;
  double took;
  char *big;

  clock_gettime(CLOCK_MONOTONIC, &start);
  CHECK_ERROR(hooks_run(hooks, 1, "createRuntime", state, &err), &err,
              "createRuntime hook #0 (\"/bin/sleep\"): timed out after 1s");
  took = seconds_since(&start);
  CHECK(took < 5, "the hook was killed soon after its timeout (%.1fs)", took);

  /* A state larger than a pipe's buffer and a hook that never reads it: the write must not
   * block past the timeout. */
  big = xmalloc(4 << 20);
  memset(big, 'x', (4 << 20) - 1);
  big[(4 << 20) - 1] = '\0';
  clock_gettime(CLOCK_MONOTONIC, &start);
  CHECK_ERROR(hooks_run(hooks, 1, "createRuntime", big, &err), &err,
              "createRuntime hook #0 (\"/bin/sleep\"): timed out after 1s");
  took = seconds_since(&start);
  CHECK(took < 5, "a hook not reading a large state still times out (%.1fs)", took);
  free(big);
}

static void test_unread_state(void)
{
  oci_hook hook = {.path = "/bin/true"};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  char *big = xmalloc(1 << 20);

  /* The hook exits without reading: EPIPE, not a SIGPIPE that kills the runtime. */
  memset(big, 'y', (1 << 20) - 1);
  big[(1 << 20) - 1] = '\0';
  CHECK_OK(hooks_run(hooks, 1, "poststop", big, &err), &err);
  free(big);
}

/* In a child with stdout and stderr on files: the hook's two streams both land on stderr. */
static void output_child(void)
{
  autofree char *outpath = path_in_dir("runtime-stdout");
  autofree char *errpath = path_in_dir("runtime-stderr");
  char *args[] = {"sh", "-c", "echo to-stdout; echo to-stderr >&2"};
  oci_hook hook = {.path = "/bin/sh", .args = args, .args_len = 3};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int saved_out = dup(1);
  autofree char *got_out = NULL, *got_err = NULL;
  int rc;

  fflush(stdout);
  dup2(out, 1);
  dup2(errfd, 2);
  rc = hooks_run(hooks, 1, "poststart", state, &err);
  dup2(saved_out, 1);
  got_out = slurp(outpath);
  got_err = slurp(errpath);
  CHECK(rc == 0, "hook with output ran: %s", rc < 0 ? err.msg : "ok");
  CHECK(got_out[0] == '\0', "nothing reached the runtime's stdout (\"%s\")", got_out);
  CHECK(strcmp(got_err, "to-stdout\nto-stderr\n") == 0, "both of the hook's streams on stderr");
}

static void test_output(void)
{
  CHECK(run_in_child(output_child) == 0, "hook output goes to the runtime's stderr");
}

static void test_no_fd_leak(void)
{
  autofree char *out = path_in_dir("fds.txt");
  autofree char *body = xasprintf("ls /proc/self/fd > %s", out);
  autofree char *script = write_script("fds.sh", body);
  oci_hook hook = {.path = script};
  oci_hook *hooks[] = {&hook};
  ocirun_error err = {0};
  autofree char *got = NULL;
  int leaked = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */

  dup2(leaked, 50);
  CHECK_OK(hooks_run(hooks, 1, "prestart", state, &err), &err);
  got = slurp(out);
  /* ls itself has 0, 1, 2 and the directory it lists open (3). */
  CHECK(strcmp(got, "0\n1\n2\n3\n") == 0, "the hook sees only stdio and ls's own fd 3");
  if (strcmp(got, "0\n1\n2\n3\n") != 0)
    printf("#   open fds: %s\n", got);
  close(50);
  close(leaked);
}

int main(void)
{
  snprintf(dir, sizeof(dir), "/tmp/ocirun-hooks.XXXXXX");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_state_args_env();
  test_args_absent();
  test_failures();
  test_run_all();
  test_timeout();
  test_unread_state();
  test_output();
  test_no_fd_leak();
  {
    autofree char *cmd = xasprintf("rm -rf '%s'", dir);
    (void)!system(cmd);
  }
  return test_exit_status();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The init side of the container process, on this host and in forked children:
 * process_find_executable (runc's wording), the environment, process_apply_attributes (cwd
 * creation, the CVE-2024-21626 cwd check, rlimits,
 * I/O priority, scheduler, cpu affinity), process_close_fds and process_exec. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "exec_env.h"
#include "process.h"
#include "process_test.h"
#include "user.h"
#include "utils.h"

static char dir[64];

static void make_file(const char *name, const char *text, mode_t mode)
{
  autofree char *path = xasprintf("%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

  if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0) {
    perror(path);
    exit(2);
  }
  close(fd);
}

static char *slurp(const char *path)
{
  ocirun_error err;
  char *data = NULL;

  if (read_file_at(AT_FDCWD, path, &data, NULL, &err) < 0)
    return xstrdup("(unreadable)");
  return data;
}

/* ---- process_find_executable --------------------------------------------------------- */

static void find(const char *arg0, char **env, size_t nenv, char *out, ocirun_error *err, int *rc)
{
  char *args[] = {(char *)arg0};
  oci_process p = {.args = args, .args_len = 1, .env = env, .env_len = nenv, .cwd = "/"};

  *rc = process_find_executable(&p, out, err);
}

static void test_find_executable(void)
{
  autofree char *path_env = xasprintf("PATH=/nowhere:%s/bin", dir);
  autofree char *tool = xasprintf("%s/bin/tool", dir);
  autofree char *noexec = xasprintf("%s/bin/noexec", dir);
  autofree char *subdir = xasprintf("%s/bin/subdir", dir);
  autofree char *msg = NULL;
  char *env[] = {"PATH=/first/is/overridden", path_env};
  char out[PATH_MAX];
  ocirun_error err = {0};
  int rc;

  find("tool", env, 2, out, &err, &rc);
  CHECK(rc == 0 && strcmp(out, tool) == 0, "\"tool\" found through PATH (the last PATH wins): %s",
        rc == 0 ? out : err.msg);
  find("missing", env, 2, out, &err, &rc);
  CHECK(rc < 0 && strcmp(err.msg, "exec: \"missing\": executable file not found in $PATH") == 0 &&
            err.errnum == ENOENT,
        "%s", err.msg);
  find("noexec", env, 2, out, &err, &rc);
  CHECK(rc < 0 && strcmp(err.msg, "exec: \"noexec\": executable file not found in $PATH") == 0,
        "a non-executable file in PATH is passed over: %s", err.msg);
  find("/nonexistent/x", env, 2, out, &err, &rc);
  CHECK(rc < 0 &&
            strcmp(err.msg,
                   "exec: \"/nonexistent/x\": stat /nonexistent/x: no such file or directory") == 0,
        "%s", err.msg);
  find(noexec, env, 2, out, &err, &rc);
  msg = xasprintf("exec: \"%s\": permission denied", noexec);
  CHECK(rc < 0 && strcmp(err.msg, msg) == 0 && err.errnum == EACCES, "%s", err.msg);
  free(msg);
  find(subdir, env, 2, out, &err, &rc);
  msg = xasprintf("exec: \"%s\": is a directory", subdir);
  CHECK(rc < 0 && strcmp(err.msg, msg) == 0, "%s", err.msg);

  find("sh", NULL, 0, out, &err, &rc);
  CHECK(rc == 0 && (strcmp(out, "/usr/bin/sh") == 0 || strcmp(out, "/bin/sh") == 0),
        "without PATH the default one is searched: %s", rc == 0 ? out : err.msg);

  if (chdir(dir) == 0) {
    find("./bin/tool", env, 2, out, &err, &rc);
    CHECK(rc == 0 && strcmp(out, "./bin/tool") == 0, "a name with a slash is used as is: %s",
          rc == 0 ? out : err.msg);
    (void)!chdir("/");
  }
}

/* ---- environment --------------------------------------------------------------------- */

static bool env_is(char **env, const char *const *want)
{
  size_t i;

  for (i = 0; want[i]; i++)
    if (env[i] == NULL || strcmp(env[i], want[i]) != 0)
      return false;
  return env[i] == NULL;
}

static void test_env(void)
{
  char *podman[] = {"PATH=/bin", "A=image", "B=2", "A=from -e", "NOVALUE="};
  char *with_home[] = {"HOME=/home/me", "A=1"};
  const char *want_podman[] = {"PATH=/bin", "A=from -e", "B=2", "NOVALUE=", "HOME=/root", NULL};
  const char *want_home[] = {"HOME=/home/me", "A=1", NULL};
  char **env;

  env = exec_env_build(podman, 5, "/root");
  CHECK(env_is(env, want_podman), "later duplicates win in the first position; HOME added");
  exec_env_free(env);
  env = exec_env_build(with_home, 2, "/root");
  CHECK(env_is(env, want_home), "an existing HOME is kept");
  exec_env_free(env);
  CHECK(strcmp(exec_env_get(podman, 5, "A"), "from -e") == 0, "exec_env_get: the last A");
  CHECK(exec_env_get(podman, 5, "NOPE") == NULL, "exec_env_get: absent");
  CHECK(strcmp(exec_env_get(podman, 5, "NOVALUE"), "") == 0, "exec_env_get: empty value");
}

/* user_home_dir reads the passwd of the current root: a chroot with hostile files. */
static void home_in_chroot(void)
{
  autofree char *root = xasprintf("%s/homeroot", dir);
  autofree char *etc = xasprintf("%s/etc", root);
  autofree char *passwd = xasprintf("%s/passwd", etc);
  autofree char *home = NULL;
  int fd;

  mkdir(root, 0755);
  mkdir(etc, 0755);
  static const char text[] = "root:x:0:0:root:/root:/bin/sh\n# comment\nbad line\n"
                             "app:x:1000:1000::/srv/app:/bin/false\nnohome:x:7:7::";
  fd = open(passwd, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  (void)!write(fd, text, sizeof(text) - 1);
  close(fd);
  if (chroot(root) < 0 || chdir("/") < 0)
    _exit(2);
  home = user_home_dir(1000);
  CHECK(strcmp(home, "/srv/app") == 0, "home of uid 1000: %s", home);
  free(home);
  home = user_home_dir(4242);
  CHECK(strcmp(home, "/") == 0, "no entry: \"/\" (%s)", home);
  free(home);
  home = user_home_dir(7);
  CHECK(strcmp(home, "/") == 0, "empty home field: \"/\" (%s)", home);
  free(home);
  /* A FIFO would block a plain open forever. */
  unlink("/etc/passwd");
  mkfifo("/etc/passwd", 0644);
  home = user_home_dir(0);
  CHECK(strcmp(home, "/") == 0, "a FIFO as /etc/passwd is not read: %s", home);
}

/* ---- process_apply_attributes -------------------------------------------------------- */

static void attributes(void)
{
  autofree char *cwd = xasprintf("%s/created/on/demand", dir);
  oci_rlimit nofile = {.type = "RLIMIT_NOFILE", .soft = 512, .hard = 1024};
  oci_rlimit *rlimits[] = {&nofile};
  oci_io_priority io = {.class = "IOPRIO_CLASS_BE", .priority = 6, .has_priority = true};
  oci_scheduler sched = {.policy = "SCHED_BATCH", .nice = 5, .has_nice = true};
  oci_exec_cpu_affinity aff = {.initial = "0"};
  char *args[] = {"true"};
  oci_process p = {.args = args,
                   .args_len = 1,
                   .cwd = cwd,
                   .rlimits = rlimits,
                   .rlimits_len = 1,
                   .ioPriority = &io,
                   .scheduler = &sched,
                   .execCPUAffinity = &aff};
  ocirun_error err = {0};
  char here[PATH_MAX] = "";
  struct rlimit rl;
  cpu_set_t cpus;

  CHECK_OK(process_apply_attributes(&p, &err), &err);
  CHECK(getcwd(here, sizeof(here)) && strcmp(here, cwd) == 0, "missing cwd created and entered");
  CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 512 && rl.rlim_max == 1024,
        "RLIMIT_NOFILE 512/1024");
  CHECK(syscall(SYS_ioprio_get, 1, 0) == ((2 << 13) | 6), "ioprio BE/6");
  CHECK(sched_getscheduler(0) == SCHED_BATCH, "SCHED_BATCH");
  CHECK(getpriority(PRIO_PROCESS, 0) == 5, "nice 5");
  CHECK(sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) == 1 &&
            CPU_ISSET(0, &cpus),
        "pinned to cpu 0");
}

/* CVE-2024-21626: a cwd reached through an fd to a directory outside the root. */
static void cwd_through_leaked_fd(void)
{
  autofree char *root = xasprintf("%s/cwdroot", dir);
  autofree char *proc = xasprintf("%s/proc", root);
  autofree char *cwd = NULL;
  char *args[] = {"true"};
  oci_process p = {.args = args, .args_len = 1};
  ocirun_error err = {0};
  int host_dir;

  mkdir(root, 0755);
  mkdir(proc, 0755);
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("proc", proc, "proc", 0, NULL) < 0) {
    printf("# cannot set up a mount namespace with /proc: %s\n", strerror(errno));
    _exit(77);
  }
  host_dir = open("/tmp", O_PATH | O_DIRECTORY); /* the "leaked" fd */
  if (host_dir < 0 || chroot(root) < 0 || chdir("/") < 0)
    _exit(2);
  cwd = xasprintf("/proc/self/fd/%d", host_dir);
  p.cwd = cwd;
  CHECK_ERROR(process_apply_attributes(&p, &err), &err,
              "current working directory is outside of container mount namespace root -- "
              "possible container breakout detected");
}

/* ---- process_close_fds and process_exec ---------------------------------------------- */

static bool is_open(int fd)
{
  return fcntl(fd, F_GETFD) >= 0;
}

static bool cloexec(int fd)
{
  int flags = fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC);
}

static void close_and_exec(void)
{
  autofree char *out = xasprintf("%s/exec.out", dir);
  /* "[" is a builtin, so /proc/self is the shell that process_exec started. fd 10 is not
   * looked at: dash keeps its saved stdout there while the loop's output is redirected. */
  autofree char *script =
      xasprintf("for fd in 3 4 5 6 7 8 9 11 12; do [ -e /proc/self/fd/$fd ] && printf '%%s ' "
                "$fd; done > %s; printf '|%%s|%%s|%%s' \"$HOME\" \"$A\" \"$0\" >> %s",
                out, out);
  char *args[] = {"child-sh", "-c", script};
  char *env[] = {"A=first", "A=second", "PATH=/usr/bin:/bin"};
  oci_process p = {.args = args, .args_len = 3, .env = env, .env_len = 3, .cwd = "/"};
  ocirun_error err = {0};
  char exe[PATH_MAX];
  int keep[] = {11};
  int null = fcntl(open("/dev/null", O_RDONLY), F_DUPFD, 20); /* above the numbers used */
  pid_t pid;
  int status;

  /* fd 3 is "preserved" (--preserve-fds 1), 10 and 12 are the runtime's, 11 is kept. */
  dup2(null, 3);
  dup2(null, 10);
  dup2(null, 11);
  dup2(null, 12);
  close(null);
  CHECK_OK(process_close_fds(1, keep, 1, &err), &err);
  CHECK(is_open(3) && !cloexec(3) && cloexec(10) && is_open(11) && !cloexec(11) && cloexec(12),
        "3 (preserved) and 11 (kept) stay, 10 and 12 are close-on-exec");
  snprintf(exe, sizeof(exe), "/bin/sh"); /* argv[0] is "child-sh": the path is separate */

  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    process_exec(&p, exe, &err);
    _exit(127);
  }
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the process ran");
  {
    autofree char *got = slurp(out);
    CHECK(strcmp(got, "3 11 |/root|second|child-sh") == 0,
          "only fds 3 (preserved) and 11 (kept) reach the process; HOME from passwd; the last "
          "A; argv[0] as given: %s",
          got);
  }
}

/* CVE-2024-21626 through args[0]: a path through a leaked directory fd must not resolve at
 * execve, so process_exec closes (not only marks) the runtime's fds first. */
static void exec_through_leaked_fd(void)
{
  char *args[] = {"true"};
  oci_process p = {.args = args, .args_len = 1, .cwd = "/"};
  ocirun_error err = {0};
  int dir_fd = open("/usr/bin", O_PATH | O_DIRECTORY | O_CLOEXEC);
  autofree char *through = NULL;
  autofree char *want = NULL;

  if (dir_fd < 0 || dup3(dir_fd, 15, O_CLOEXEC) < 0)
    _exit(2);
  close(dir_fd);
  through = xasprintf("/proc/self/fd/15/true");
  want = xasprintf("exec %s: No such file or directory", through);
  CHECK(access(through, X_OK) == 0, "%s resolves while fd 15 is open", through);
  CHECK_OK(process_close_fds(0, NULL, 0, &err), &err);
  CHECK_ERROR(process_exec(&p, through, &err), &err, want);
}

static void exec_failure(void)
{
  char *args[] = {"nothing"};
  oci_process p = {.args = args, .args_len = 1, .cwd = "/"};
  ocirun_error err = {0};

  CHECK_ERROR(process_exec(&p, "/nonexistent/binary", &err), &err,
              "exec /nonexistent/binary: No such file or directory");
}

static void run_child(const char *what, void (*fn)(void))
{
  int rc = run_in_child(fn);

  if (rc == 77)
    printf("ok - # SKIP %s\n", what);
  else
    CHECK(rc == 0, "%s", what);
}

int main(void)
{
  snprintf(dir, sizeof(dir), "/tmp/ocirun-process.XXXXXX");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  {
    autofree char *bin = xasprintf("%s/bin", dir);
    autofree char *sub = xasprintf("%s/bin/subdir", dir);
    mkdir(bin, 0755);
    mkdir(sub, 0755);
    make_file("bin/tool", "#!/bin/sh\n", 0755);
    make_file("bin/noexec", "#!/bin/sh\n", 0644);
  }
  test_find_executable();
  test_env();
  exec_failure();
  if (geteuid() != 0) {
    printf("ok - # SKIP the rest needs root\n");
  } else {
    run_child("user_home_dir in a hostile chroot", home_in_chroot);
    run_child("process_apply_attributes", attributes);
    run_child("cwd outside the root is refused (CVE-2024-21626)", cwd_through_leaked_fd);
    run_child("process_close_fds and process_exec", close_and_exec);
    run_child("execve cannot go through a leaked fd (CVE-2024-21626)", exec_through_leaked_fd);
  }
  {
    autofree char *cmd = xasprintf("umount -R %s/cwdroot/proc 2>/dev/null; rm -rf '%s'", dir, dir);
    (void)!system(cmd);
  }
  return test_exit_status();
}

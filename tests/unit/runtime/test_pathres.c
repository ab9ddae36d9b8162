/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pathres: a rootfs full of hostile symlinks (absolute "/etc", "../../..", loops, links
 * leading beside the root) must never let open_in_root, mkdir_in_root or mkfile_in_root
 * reach or create anything outside it. Every check compares st_dev/st_ino with the inode
 * expected inside the root. The whole suite runs twice: with openat2, and in a child whose
 * seccomp filter answers openat2 with ENOSYS, which forces the component walker. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pathres.h"

static int failures;
static const char *mode_name = "openat2";
static char base[64];  /* the temporary directory */
static char rootp[96]; /* base/root: the container's root */

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      printf("ok - [%s] ", mode_name);                                                             \
    } else {                                                                                       \
      printf("not ok - [%s] %s:%d: ", mode_name, __FILE__, __LINE__);                              \
      failures++;                                                                                  \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
  } while (0)

static void must(int rc, const char *what)
{
  if (rc < 0) {
    perror(what);
    exit(2);
  }
}

static void make_file(const char *path)
{
  int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  must(fd, path);
  close(fd);
}

static void build_tree(void)
{
  char p[256];

  snprintf(base, sizeof(base), "/tmp/ocirun-pathres.XXXXXX");
  if (mkdtemp(base) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  snprintf(rootp, sizeof(rootp), "%s/root", base);
#define AT(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)
  must(mkdir(rootp, 0755), "root");
  must(mkdir(AT("%s/outside", base), 0755), "outside");
  make_file(AT("%s/outside/secret", base));
  must(mkdir(AT("%s/etc", rootp), 0755), "etc");
  make_file(AT("%s/etc/passwd", rootp));
  make_file(AT("%s/file", rootp));
  must(mkdir(AT("%s/dir", rootp), 0755), "dir");
  must(symlink("/etc", AT("%s/abs_etc", rootp)), "abs_etc");
  must(symlink("../../..", AT("%s/up", rootp)), "up");
  must(symlink("../../../../etc", AT("%s/dir/up_etc", rootp)), "up_etc");
  must(symlink("loop2", AT("%s/loop1", rootp)), "loop1");
  must(symlink("loop1", AT("%s/loop2", rootp)), "loop2");
  must(symlink("/made/by/link", AT("%s/dangling", rootp)), "dangling");
  must(symlink("../outside", AT("%s/beside", rootp)), "beside");
  must(symlink(base, AT("%s/host_abs", rootp)), "host_abs");
  must(symlink(".", AT("%s/self", rootp)), "self");
  must(symlink("/proc/self/root", AT("%s/magic", rootp)), "magic");
#undef AT
}

/* fd is the object at base/rel (lstat: a symlink is compared as itself). */
static int same_inode(int fd, const char *rel)
{
  char p[256];
  struct stat a, b;

  snprintf(p, sizeof(p), "%s/%s", base, rel);
  if (fd < 0 || fstat(fd, &a) < 0 || lstat(p, &b) < 0)
    return 0;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int exists_outside(const char *rel)
{
  char p[256];
  struct stat st;

  snprintf(p, sizeof(p), "%s/%s", base, rel);
  return lstat(p, &st) == 0;
}

static int host_exists(const char *path)
{
  struct stat st;

  return lstat(path, &st) == 0;
}

static void test_open(int rootfd)
{
  ocirun_error err = {0};
  int fd;
  struct stat st;

  fd = open_in_root(rootfd, "/etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "plain path");
  close(fd);
  fd = open_in_root(rootfd, "abs_etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "absolute symlink \"/etc\" stays in the root");
  close(fd);
  fd = open_in_root(rootfd, "up", O_PATH, &err);
  CHECK(same_inode(fd, "root"), "\"../../..\" symlink stops at the root");
  close(fd);
  fd = open_in_root(rootfd, "up/etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "path through \"../../..\" symlink");
  close(fd);
  fd = open_in_root(rootfd, "../../../../etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "leading \"..\" components");
  close(fd);
  fd = open_in_root(rootfd, "dir/up_etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "relative symlink climbing above the root");
  close(fd);
  fd = open_in_root(rootfd, "beside/secret", O_PATH, &err);
  CHECK(fd < 0 && err.errnum == ENOENT, "\"../outside\" does not reach the directory beside");
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "host_abs/outside/secret", O_PATH, &err);
  CHECK(fd < 0 && err.errnum == ENOENT, "a link to the host path of the root's parent");
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "loop1", O_PATH, &err);
  CHECK(fd < 0 && err.errnum == ELOOP, "symlink loop is ELOOP (%s)", err.msg);
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "self/self/self/etc/passwd", O_PATH, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "\".\" symlink");
  close(fd);
  fd = open_in_root(rootfd, "magic", O_PATH, &err);
  CHECK(fd < 0, "a /proc magic link is not followed to the host");
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "abs_etc", O_PATH | O_NOFOLLOW, &err);
  CHECK(same_inode(fd, "root/abs_etc") && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode),
        "O_NOFOLLOW|O_PATH gives the symlink itself");
  close(fd);
  fd = open_in_root(rootfd, "abs_etc", O_RDONLY | O_NOFOLLOW, &err);
  CHECK(fd < 0 && err.errnum == ELOOP, "O_NOFOLLOW without O_PATH on a symlink is ELOOP");
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "up/etc/passwd", O_RDONLY, &err);
  CHECK(same_inode(fd, "root/etc/passwd") && read(fd, &st, 1) == 0, "readable fd");
  CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_CLOEXEC is always set");
  close(fd);
  fd = open_in_root(rootfd, "file", O_RDONLY | O_DIRECTORY, &err);
  CHECK(fd < 0 && err.errnum == ENOTDIR, "O_DIRECTORY on a file (%d %s)", fd, err.msg);
  if (fd >= 0)
    close(fd);
  fd = open_in_root(rootfd, "file", O_CREAT | O_WRONLY, &err);
  CHECK(fd < 0 && err.errnum == EINVAL, "O_CREAT is refused");
  if (fd >= 0)
    close(fd);
}

static void test_create(int rootfd)
{
  ocirun_error err = {0};
  struct stat st;
  int fd;

  fd = mkdir_in_root(rootfd, "abs_etc/newdir", 0755, &err);
  CHECK(same_inode(fd, "root/etc/newdir"), "mkdir through \"/etc\" symlink lands in the root");
  CHECK(!host_exists("/etc/newdir"), "nothing created in the host's /etc");
  close(fd);
  fd = mkdir_in_root(rootfd, "beside/sub", 0755, &err);
  CHECK(same_inode(fd, "root/outside/sub"), "mkdir through \"../outside\" stays in the root");
  CHECK(!exists_outside("outside/sub"), "nothing created beside the root");
  close(fd);
  fd = mkdir_in_root(rootfd, "up/up/x/y/z", 0700, &err);
  CHECK(same_inode(fd, "root/x/y/z") && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode),
        "mkdir of several components through \"../../..\"");
  close(fd);
  fd = mkdir_in_root(rootfd,
                     "d/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/"
                     "26/27/28/29/30/31/32/33/34/35/36/37/38/39/40",
                     0755, &err);
  CHECK(fd >= 0 && exists_outside("root/d/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/"
                                  "21/22/23/24/25/26/27/28/29/30/31/32/33/34/35/36/37/38/39/40"),
        "mkdir of 41 missing components (%s)", fd < 0 ? err.msg : "");
  if (fd >= 0)
    close(fd);
  fd = mkdir_in_root(rootfd, "dangling", 0755, &err);
  CHECK(same_inode(fd, "root/made/by/link"), "a dangling absolute symlink is created in-root");
  CHECK(!host_exists("/made"), "nothing created at the host's /made");
  close(fd);
  fd = mkdir_in_root(rootfd, "etc/newdir", 0755, &err);
  CHECK(same_inode(fd, "root/etc/newdir"), "mkdir of an existing directory opens it");
  close(fd);
  fd = mkdir_in_root(rootfd, "file", 0755, &err);
  CHECK(fd < 0 && err.errnum == ENOTDIR, "mkdir over a file is ENOTDIR");
  if (fd >= 0)
    close(fd);
  fd = mkdir_in_root(rootfd, "file/sub", 0755, &err);
  CHECK(fd < 0 && err.errnum == ENOTDIR, "mkdir below a file is ENOTDIR");
  if (fd >= 0)
    close(fd);
  fd = mkdir_in_root(rootfd, "loop1/sub", 0755, &err);
  CHECK(fd < 0 && err.errnum == ELOOP, "mkdir through a loop is ELOOP");
  if (fd >= 0)
    close(fd);
  fd = mkfile_in_root(rootfd, "up/../../newfile", 0600, &err);
  CHECK(same_inode(fd, "root/newfile") && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            (st.st_mode & 0777) == 0600,
        "mkfile creates a regular file");
  close(fd);
  fd = mkfile_in_root(rootfd, "abs_etc/deep/er/file", 0644, &err);
  CHECK(same_inode(fd, "root/etc/deep/er/file"), "mkfile creates the parents in-root");
  CHECK(!host_exists("/etc/deep"), "nothing created in the host's /etc");
  close(fd);
  fd = mkfile_in_root(rootfd, "etc/passwd", 0644, &err);
  CHECK(same_inode(fd, "root/etc/passwd"), "mkfile of an existing file opens it");
  close(fd);
  fd = mkfile_in_root(rootfd, "host_abs/outside/planted", 0644, &err);
  CHECK(fd >= 0 && !exists_outside("outside/planted"),
        "mkfile through a link to the host path stays in the root");
  if (fd >= 0)
    close(fd);
}

static void test_fd_path(void)
{
  char buf[32];

  CHECK(strcmp(fd_path(7, buf, sizeof(buf)), "/proc/self/fd/7") == 0, "fd_path");
}

static int run_suite(void)
{
  int rootfd;

  failures = 0;
  build_tree();
  rootfd = open(rootp, O_PATH | O_DIRECTORY | O_CLOEXEC);
  must(rootfd, rootp);
  test_open(rootfd);
  test_create(rootfd);
  test_fd_path();
  close(rootfd);
  return failures;
}

/* A seccomp filter under which openat2 fails with ENOSYS, as on old kernels or under some
 * container runtimes' profiles. */
static int deny_openat2(void)
{
#if defined(__x86_64__)
  const unsigned int arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  const unsigned int arch = AUDIT_ARCH_AARCH64;
#else
  return -1;
#endif
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    return -1;
  return 0;
}

static void cleanup(const char *dir)
{
  char cmd[128];

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
  int total, status;
  pid_t pid;

  setvbuf(stdout, NULL, _IONBF, 0);
  total = run_suite();
  cleanup(base);

  pid = fork();
  if (pid == 0) {
    mode_name = "walker";
    if (deny_openat2() < 0) {
      printf("ok - [walker] # SKIP cannot install a seccomp filter on this machine\n");
      _exit(0);
    }
    if (syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) >= 0 || errno != ENOSYS) {
      printf("not ok - [walker] the seccomp filter does not hide openat2\n");
      _exit(1);
    }
    int n = run_suite();
    cleanup(base);
    _exit(n > 125 ? 125 : n);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    total++;
  else
    total += WEXITSTATUS(status);
  printf("%d failure(s)\n", total);
  return total == 0 ? 0 : 1;
}

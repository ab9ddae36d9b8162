/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsm.c: the refusals (a module the host lacks, a newline, a quote), the mount data with the
 * SELinux context, and that the attribute writes cannot be redirected by a mount over
 * /proc/thread-self/attr (CVE-2019-16884, CVE-2025-52881): the bound file stays untouched. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "lsm.h"
#include "proc_self.h"
#include "process_test.h"

static void mount_data(void)
{
  char *s;

  CHECK(lsm_mount_data("mode=755", NULL) == NULL, "no label: no data of its own");
  CHECK(lsm_mount_data("mode=755", "") == NULL, "empty label: no data of its own");
  s = lsm_mount_data("mode=755,size=65536k", "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK(s && strcmp(s, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,"
                       "c2\"") == 0,
        "label appended, quoted: %s", s ? s : "(null)");
  free(s);
  s = lsm_mount_data(NULL, "a:b:c");
  CHECK(s && strcmp(s, "context=\"a:b:c\"") == 0, "label alone: %s", s ? s : "(null)");
  free(s);
}

static void refusals(void)
{
  ocirun_error err = {0};
  oci_process p = {0};

  p.apparmorProfile = "p\nchangehat x";
  CHECK_ERROR(lsm_validate_process(&p, "process", &err), &err,
              "process.apparmorProfile: must not contain a newline");
  p.apparmorProfile = "";
  p.selinuxLabel = "a\rb";
  CHECK_ERROR(lsm_validate_process(&p, "process", &err), &err,
              "process.selinuxLabel: must not contain a newline");
  CHECK_ERROR(lsm_validate_mount_label("a\",rootcontext=\"b", "linux.mountLabel", &err), &err,
              "linux.mountLabel: \"a\",rootcontext=\"b\" must not contain a double quote");
  p.selinuxLabel = NULL;
  CHECK_OK(lsm_validate_process(&p, "process", &err), &err);
  CHECK_OK(lsm_validate_mount_label("", "linux.mountLabel", &err), &err);

  p.apparmorProfile = "acme";
  if (lsm_apparmor_enabled())
    CHECK_OK(lsm_validate_process(&p, "process", &err), &err);
  else
    CHECK_ERROR(lsm_validate_process(&p, "process", &err), &err,
                "process.apparmorProfile: AppArmor is not enabled on this host");
  p.apparmorProfile = NULL;
  p.selinuxLabel = "system_u:system_r:container_t:s0";
  if (lsm_selinux_enabled())
    CHECK_OK(lsm_validate_process(&p, "process", &err), &err);
  else
    CHECK_ERROR(lsm_validate_process(&p, "process", &err), &err,
                "process.selinuxLabel: SELinux is not enabled on this host");
  /* Nothing asked: nothing written, whatever the host runs. */
  CHECK_OK(lsm_set_exec_labels(&(oci_process){0}, &err), &err);
  CHECK_OK(lsm_set_key_label(&(oci_process){0}, &err), &err);
}

/* In a private mount namespace, a file bound over this thread's attr/exec must not be what the
 * runtime opens for its label write. */
static void redirected_attr(void)
{
  char bait[] = "/tmp/ocirun-test-lsm-XXXXXX", target[64], buf[16] = {0};
  ocirun_error err = {0};
  struct stat want, got;
  int fd;

  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    exit(77);
  fd = mkstemp(bait);
  CHECK(fd >= 0, "bait file %s", bait);
  close(fd);
  /* /proc/thread-self is <pid>/task/<tid>: the bind goes where that leads. */
  snprintf(target, sizeof(target), "/proc/%d/task/%d/attr/exec", (int)getpid(), (int)gettid());
  if (mount(bait, target, NULL, MS_BIND, NULL) < 0) {
    printf("# bind over %s: %s\n", target, strerror(errno));
    unlink(bait);
    exit(77);
  }
  /* The control: a plain open of the path reaches the bait. */
  fd = open("/proc/thread-self/attr/exec", O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0 && fstat(fd, &got) == 0 && stat(bait, &want) == 0 && got.st_ino == want.st_ino &&
            got.st_dev == want.st_dev,
        "control: open(\"/proc/thread-self/attr/exec\") reaches the bait");
  if (fd >= 0)
    close(fd);
  fd = proc_thread_self_open("attr/exec", O_WRONLY, &err);
  CHECK(fd < 0, "a bind over /proc/thread-self/attr/exec is refused: %s", err.msg);
  if (fd >= 0) {
    if (write(fd, "exec x", 6) < 0)
      printf("# write: %s\n", strerror(errno));
    close(fd);
  }
  fd = open(bait, O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0, "the bait file is untouched");
  if (fd >= 0)
    close(fd);
  umount2(target, MNT_DETACH);
  unlink(bait);
  exit(test_exit_status());
}

/* What the fallback without openat2 must also refuse: a procfs file (attr/fscreate) bound over
 * attr/exec is on procfs as well, only on another mount. openat2 is made to fail with ENOSYS
 * by a seccomp filter, as on a kernel before 5.6. */
static void redirected_attr_without_openat2(void)
{
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
  char source[64], target[64];
  ocirun_error err = {0};
  struct stat want, got;
  int fd;

  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    exit(77);
  snprintf(source, sizeof(source), "/proc/%d/task/%d/attr/fscreate", (int)getpid(), (int)gettid());
  snprintf(target, sizeof(target), "/proc/%d/task/%d/attr/exec", (int)getpid(), (int)gettid());
  if (mount(source, target, NULL, MS_BIND, NULL) < 0) {
    printf("# bind %s over %s: %s\n", source, target, strerror(errno));
    exit(77);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
    printf("# seccomp: %s\n", strerror(errno));
    exit(77);
  }
  CHECK(syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) < 0 && errno == ENOSYS,
        "control: openat2 fails with ENOSYS");
  fd = open("/proc/thread-self/attr/exec", O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0 && fstat(fd, &got) == 0 && stat(source, &want) == 0 && got.st_ino == want.st_ino,
        "control: open(\"/proc/thread-self/attr/exec\") reaches attr/fscreate");
  if (fd >= 0)
    close(fd);
  fd = proc_thread_self_open("attr/exec", O_WRONLY, &err);
  CHECK(fd < 0, "without openat2, a procfs file bound over attr/exec is refused: %s", err.msg);
  if (fd >= 0)
    close(fd);
  /* The fallback still opens what is not covered. */
  err = (ocirun_error){0};
  fd = proc_thread_self_open("attr/current", O_RDONLY, &err);
  CHECK(fd >= 0, "without openat2, attr/current opens (%s)", err.msg);
  if (fd >= 0)
    close(fd);
  exit(test_exit_status());
}

int main(void)
{
  int rc;

  mount_data();
  refusals();
  if (geteuid() != 0) {
    printf("# not root: the redirection check is skipped\n");
  } else {
    rc = run_in_child(redirected_attr);
    CHECK(rc == 0 || rc == 77, "redirected attr/exec (child exit %d)", rc);
    rc = run_in_child(redirected_attr_without_openat2);
    CHECK(rc == 0 || rc == 77, "redirected attr/exec without openat2 (child exit %d)", rc);
  }
  return test_exit_status();
}

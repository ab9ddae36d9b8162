/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process_apply_identity in forked children: the switch to uid/gid 1000 with additional
 * groups keeps exactly the configured capabilities (the bounding set was cut while still
 * root), sets the umask and no_new_privs; with setgroups denied in a user namespace the
 * groups are left alone, and asking for groups there is an error. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "process.h"
#include "process_test.h"
#include "utils.h"

enum { CHOWN = 0, KILL = 5, SETPCAP = 8, NET_BIND_SERVICE = 10 };

static void to_uid_1000(void)
{
  static uint64_t gids[] = {10, 20, 1000};
  static char *bounding[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  static char *kept[] = {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"};
  static char *inheritable[] = {"CAP_NET_BIND_SERVICE"};
  oci_user user = {.uid = 1000,
                   .has_uid = true,
                   .gid = 1000,
                   .has_gid = true,
                   .umask = 027,
                   .has_umask = true,
                   .additionalGids = gids,
                   .additionalGids_len = 3};
  oci_capabilities caps = {.bounding = bounding,
                           .bounding_len = 3,
                           .effective = kept,
                           .effective_len = 2,
                           .permitted = kept,
                           .permitted_len = 2,
                           .inheritable = inheritable,
                           .inheritable_len = 1,
                           .ambient = inheritable,
                           .ambient_len = 1};
  oci_process p = {
      .user = &user, .capabilities = &caps, .noNewPrivileges = true, .has_noNewPrivileges = true};
  ocirun_error err = {0};
  char v[256];

  CHECK_OK(process_apply_identity(&p, &err), &err);
  status_field("Uid", v, sizeof(v));
  CHECK(strcmp(v, "1000 1000 1000 1000") == 0, "Uid: %s", v);
  status_field("Gid", v, sizeof(v));
  CHECK(strcmp(v, "1000 1000 1000 1000") == 0, "Gid: %s", v);
  status_field("Groups", v, sizeof(v));
  CHECK(strcmp(v, "10 20 1000") == 0, "Groups: %s", v);
  CHECK(status_caps("CapBnd") == (BIT(CHOWN) | BIT(KILL) | BIT(NET_BIND_SERVICE)), "CapBnd %llx",
        status_caps("CapBnd"));
  CHECK(status_caps("CapEff") == (BIT(CHOWN) | BIT(NET_BIND_SERVICE)), "CapEff %llx",
        status_caps("CapEff"));
  CHECK(status_caps("CapPrm") == (BIT(CHOWN) | BIT(NET_BIND_SERVICE)), "CapPrm %llx",
        status_caps("CapPrm"));
  CHECK(status_caps("CapInh") == BIT(NET_BIND_SERVICE), "CapInh %llx", status_caps("CapInh"));
  CHECK(status_caps("CapAmb") == BIT(NET_BIND_SERVICE), "CapAmb %llx", status_caps("CapAmb"));
  status_field("NoNewPrivs", v, sizeof(v));
  CHECK(strcmp(v, "1") == 0, "NoNewPrivs: %s", v);
  status_field("Umask", v, sizeof(v));
  CHECK(strcmp(v, "0027") == 0, "Umask: %s", v);
  CHECK(prctl(PR_GET_KEEPCAPS) == 0, "PR_SET_KEEPCAPS is off again");
}

/* Non-root without a capabilities object: nothing left, default umask 0022. */
static void to_uid_1000_no_caps(void)
{
  oci_user user = {.uid = 1000, .has_uid = true, .gid = 1000, .has_gid = true};
  oci_process p = {.user = &user};
  ocirun_error err = {0};
  char v[256];

  setgroups(1, (gid_t[]){4}); /* a group of "the runtime" that must not survive */
  CHECK_OK(process_apply_identity(&p, &err), &err);
  status_field("Groups", v, sizeof(v));
  CHECK(strcmp(v, "") == 0, "no supplementary groups left: \"%s\"", v);
  CHECK(status_caps("CapEff") == 0 && status_caps("CapPrm") == 0 && status_caps("CapBnd") == 0 &&
            status_caps("CapInh") == 0 && status_caps("CapAmb") == 0,
        "no capabilities left");
  status_field("Umask", v, sizeof(v));
  CHECK(strcmp(v, "0022") == 0, "Umask: %s (default)", v);
  status_field("NoNewPrivs", v, sizeof(v));
  CHECK(strcmp(v, "0") == 0, "NoNewPrivs: %s (not asked for)", v);
}

/* A cwd only uid 1000 may enter (a volume chowned to the container's user): the runtime,
 * without CAP_DAC_OVERRIDE here, enters it after switching user, as runc does. */
static char base[] = "/tmp/ocirun-cwd.XXXXXX"; /* made and removed by main */

static void cwd_only_the_user_can_enter(void)
{
  autofree char *cwd = NULL;
  oci_user user = {.uid = 1000, .has_uid = true, .gid = 1000, .has_gid = true};
  char *args[] = {"true"};
  oci_process p = {.args = args, .args_len = 1, .user = &user};
  ocirun_error err = {0};
  char here[PATH_MAX] = "";
  cap_t caps;

  cwd = xasprintf("%s/private", base);
  if (mkdir(cwd, 0700) < 0 || chown(cwd, 1000, 1000) < 0)
    _exit(2);
  p.cwd = cwd;
  caps = cap_get_proc();
  cap_set_flag(caps, CAP_EFFECTIVE, 2, (cap_value_t[]){CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH},
               CAP_CLEAR);
  cap_set_proc(caps);
  cap_free(caps);
  CHECK(chdir(cwd) < 0 && errno == EACCES, "the runtime itself cannot enter %s", cwd);

  CHECK_OK(process_apply_attributes(&p, &err), &err);
  CHECK_OK(process_apply_identity(&p, &err), &err);
  CHECK(getcwd(here, sizeof(here)) && strcmp(here, cwd) == 0, "entered as uid 1000: %s", here);
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
  autofree char *path = xasprintf("/proc/%d/%s", (int)pid, file);
  ocirun_error err;

  return write_file_at(AT_FDCWD, path, text, strlen(text), &err);
}

/* Inside a user namespace like an unprivileged one: setgroups denied, ids mapped 1:1. */
static void setgroups_denied_checks(void)
{
  static uint64_t gids[] = {10};
  oci_user user = {.uid = 1000, .has_uid = true, .gid = 1000, .has_gid = true};
  oci_process p = {.user = &user};
  ocirun_error err = {0};
  char before[256], v[256];

  status_field("Groups", before, sizeof(before));
  user.additionalGids = gids;
  user.additionalGids_len = 1;
  CHECK_ERROR(process_apply_identity(&p, &err), &err,
              "setgroups: cannot set additional groups (setgroups is denied in this user "
              "namespace): Operation not permitted");

  user.additionalGids_len = 0;
  CHECK_OK(process_apply_identity(&p, &err), &err);
  status_field("Uid", v, sizeof(v));
  CHECK(strcmp(v, "1000 1000 1000 1000") == 0, "Uid: %s", v);
  status_field("Groups", v, sizeof(v));
  CHECK(strcmp(v, before) == 0, "groups untouched where setgroups is denied: \"%s\"", v);
}

/* The maps of a user namespace are written from outside it (by the parent, as the runtime
 * does): a grandchild unshares, this child writes its maps, then the grandchild checks. */
static void in_userns_setgroups_denied(void)
{
  int ready[2], go[2], status;
  char c = 0;
  pid_t pid;

  setgroups(2, (gid_t[]){4, 5});
  if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
    _exit(2);
  pid = fork();
  if (pid == 0) {
    c = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
    (void)!write(ready[1], &c, 1);
    if (c != 'u' || read(go[0], &c, 1) != 1 || c != 'g')
      _exit(77);
    setgroups_denied_checks();
    fflush(stdout);
    _exit(checks_failed == 0 ? 0 : 1);
  }
  if (read(ready[0], &c, 1) != 1 || c != 'u') {
    printf("# unshare(CLONE_NEWUSER) failed\n");
    waitpid(pid, NULL, 0);
    _exit(77);
  }
  c = 'g';
  if (write_proc(pid, "setgroups", "deny") < 0 ||
      write_proc(pid, "uid_map", "0 0 4294967295") < 0 ||
      write_proc(pid, "gid_map", "0 0 4294967295") < 0) {
    printf("# cannot write the user namespace's maps\n");
    c = 'x';
  }
  (void)!write(go[1], &c, 1);
  waitpid(pid, &status, 0);
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int main(void)
{
  int rc;

  if (geteuid() != 0)
    skip_all("needs root");
  if (!(status_caps("CapEff") & BIT(SETPCAP)) || prctl(PR_CAPBSET_READ, NET_BIND_SERVICE) != 1)
    skip_all("needs CAP_SETPCAP and CAP_NET_BIND_SERVICE");

  CHECK(run_in_child(to_uid_1000) == 0, "uid 1000 with groups and capabilities");
  CHECK(run_in_child(to_uid_1000_no_caps) == 0, "uid 1000 without capabilities");
  if (mkdtemp(base) == NULL || chmod(base, 0755) < 0) {
    perror("mkdtemp");
    return 2;
  }
  CHECK(run_in_child(cwd_only_the_user_can_enter) == 0, "a cwd only the user can enter");
  {
    autofree char *cwd = xasprintf("%s/private", base);
    rmdir(cwd);
    rmdir(base);
  }
  rc = run_in_child(in_userns_setgroups_denied);
  if (rc == 77)
    printf("ok - # SKIP user namespace with setgroups denied: not available here\n");
  else
    CHECK(rc == 0, "user namespace with setgroups denied");
  return test_exit_status();
}

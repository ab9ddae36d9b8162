/* SPDX-License-Identifier: GPL-2.0-or-later */
/* container_exec (exec.h): the process is built, the container's init found and pinned, and
 * the process spawned into the init's namespaces, root and cgroup. The picture is in exec.h;
 * the init's own path (bootstrap.c, init.c) is the model for the order of the steps. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/join.h"
#include "keyring.h"
#include "lsm.h"
#include "namespaces.h"
#include "ocispec.h"
#include "process.h"
#include "seccomp_cache.h"
#include "seccomp_notify.h"
#include "seccomp_profile.h"
#include "state.h"
#include "subprocess.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

/* ---- the process ----------------------------------------------------------------------- */

static void append_strings(char ***arr, size_t *len, char *const *add, size_t n)
{
  *arr = xrealloc(*arr, (*len + n + 1) * sizeof(char *));
  for (size_t i = 0; i < n; i++)
    (*arr)[(*len)++] = xstrdup(add[i]);
}

static void free_strings(char **arr, size_t len)
{
  for (size_t i = 0; i < len; i++)
    free(arr[i]);
  free(arr);
}

/* A uid or gid as runc takes it from --user: a decimal number, never a name (a name would
 * have to be looked up in the container's files; CVE-2016-3697). */
static int parse_id(const char *s, const char *what, uint64_t *out, ocirun_error *err)
{
  long long v;

  if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) || parse_long(s, &v) < 0 ||
      v > (long long)UINT32_MAX)
    return error_set(err, 0,
                     "--user: %s \"%s\" is not a number from 0 to %u (format: <uid>[:<gid>])", what,
                     s, UINT32_MAX);
  *out = (uint64_t)v;
  return 0;
}

static int apply_user(oci_process *p, const struct exec_options *o, ocirun_error *err)
{
  if (o->user == NULL && o->ngids == 0)
    return 0;
  if (p->user == NULL) {
    p->user = xcalloc(1, sizeof(*p->user));
    p->user->has_uid = p->user->has_gid = true;
  }
  if (o->user != NULL) {
    autofree char *copy = xstrdup(o->user);
    char *colon = strchr(copy, ':');

    if (colon != NULL) {
      *colon = '\0';
      if (parse_id(colon + 1, "gid", &p->user->gid, err) < 0)
        return -1;
    }
    if (parse_id(copy, "uid", &p->user->uid, err) < 0)
      return -1;
  }
  if (o->ngids > 0) {
    oci_user *u = p->user;
    u->additionalGids =
        xrealloc(u->additionalGids, (u->additionalGids_len + o->ngids) * sizeof(uint64_t));
    for (size_t i = 0; i < o->ngids; i++) {
      long long v;
      if (parse_long(o->additional_gids[i], &v) < 0 || v > (long long)UINT32_MAX)
        return error_set(err, 0, "--additional-gids: \"%s\" is not a group id",
                         o->additional_gids[i]);
      if (v < 0)
        return error_set(err, 0, "additional-gids must be a positive number %lld", v);
      u->additionalGids[u->additionalGids_len++] = (uint64_t)v;
    }
  }
  return 0;
}

/* runc's --cap: bounding, effective and permitted. Never inheritable (CVE-2022-29162: an
 * inheritable capability survives the execve of a file with file capabilities), and so never
 * ambient either, which the kernel only takes from what is inheritable. */
static void apply_caps(oci_process *p, const struct exec_options *o)
{
  oci_capabilities *c;

  if (o->ncaps == 0)
    return;
  if (p->capabilities == NULL)
    p->capabilities = xcalloc(1, sizeof(*p->capabilities));
  c = p->capabilities;
  append_strings(&c->bounding, &c->bounding_len, o->caps, o->ncaps);
  append_strings(&c->effective, &c->effective_len, o->caps, o->ncaps);
  append_strings(&c->permitted, &c->permitted_len, o->caps, o->ncaps);
}

/* A flag given and not empty replaces the config's value, as runc's exec does. */
static void replace_string(char **field, const char *flag)
{
  if (flag == NULL || flag[0] == '\0')
    return;
  free(*field);
  *field = xstrdup(flag);
}

/* The config's process with the command line's changes (runc's getProcess). */
static int apply_flags(oci_process *p, const struct exec_options *o, ocirun_error *err)
{
  free_strings(p->args, p->args_len);
  p->args = NULL;
  p->args_len = 0;
  append_strings(&p->args, &p->args_len, o->args, o->nargs);
  free(p->commandLine);
  p->commandLine = NULL;
  if (o->cwd != NULL && o->cwd[0] != '\0') {
    free(p->cwd);
    p->cwd = xstrdup(o->cwd);
  }
  /* Appended: exec_env_build lets a later duplicate win, as runc's setenv per entry does. */
  append_strings(&p->env, &p->env_len, o->env, o->nenv);
  apply_caps(p, o);
  p->terminal = o->tty;
  p->has_terminal = true;
  replace_string(&p->apparmorProfile, o->apparmor);
  replace_string(&p->selinuxLabel, o->process_label);
  if (o->no_new_privs >= 0) {
    p->noNewPrivileges = o->no_new_privs != 0;
    p->has_noNewPrivileges = true;
  }
  return apply_user(p, o, err);
}

static oci_config *load_config_copy(const struct container *c, ocirun_error *err)
{
  autofree char *data = NULL;
  autofree char *errmsg = NULL;
  oci_config *config;
  size_t len;

  if (read_file_at(c->dirfd, CONFIG_COPY, &data, &len, err) < 0) {
    error_prefix(err, "load the container's config.json");
    return NULL;
  }
  config = oci_config_parse_data(data, len, "config.json", &errmsg);
  if (config == NULL)
    error_set(err, 0, "%s", errmsg);
  return config;
}

/* Options the runtime cannot honour are refused rather than silently dropped; a label the
 * host has no module for is named by its flag before the config is even read. */
static int refuse_unsupported(const struct exec_options *o, ocirun_error *err)
{
  if (o->apparmor != NULL && o->apparmor[0] != '\0' && !lsm_apparmor_enabled())
    return error_set(err, 0, "--apparmor \"%s\": AppArmor is not enabled on this host",
                     o->apparmor);
  if (o->process_label != NULL && o->process_label[0] != '\0' && !lsm_selinux_enabled())
    return error_set(err, 0, "--process-label \"%s\": SELinux is not enabled on this host",
                     o->process_label);
  if (o->ncgroups > 0)
    return error_set(err, 0, "--cgroup \"%s\": joining a sub-cgroup is not supported by ocirun yet",
                     o->cgroups[0]);
  return 0;
}

/* A process file without a profile or label gets the container's, as runc and crun do: an
 * exec must not run less confined than the container's init. */
static void inherit_labels(oci_process *p, const oci_process *container)
{
  if (container == NULL)
    return;
  if ((p->apparmorProfile == NULL || p->apparmorProfile[0] == '\0') && container->apparmorProfile)
    replace_string(&p->apparmorProfile, container->apparmorProfile);
  if ((p->selinuxLabel == NULL || p->selinuxLabel[0] == '\0') && container->selinuxLabel)
    replace_string(&p->selinuxLabel, container->selinuxLabel);
}

static oci_process *build_process(const struct exec_options *o, oci_config *config,
                                  ocirun_error *err)
{
  oci_process *p;

  if (o->process_file != NULL) {
    autofree char *errmsg = NULL;

    p = oci_process_parse_file(o->process_file, o->process_file, &errmsg);
    if (p == NULL) {
      error_set(err, 0, "%s", errmsg);
      return NULL;
    }
    inherit_labels(p, config->process);
    if (process_validate(p, "process", err) < 0) {
      error_prefix(err, "%s", o->process_file);
      oci_process_free(p);
      return NULL;
    }
    return p;
  }
  if (o->nargs == 0) {
    error_set(err, 0, "process args cannot be empty");
    return NULL;
  }
  if (config->process == NULL) {
    error_set(err, 0, "config.json: process: missing");
    return NULL;
  }
  p = steal_ptr(config->process);
  if (apply_flags(p, o, err) < 0 || process_validate(p, "process", err) < 0) {
    oci_process_free(p);
    return NULL;
  }
  return p;
}

/* runc's checkTerminal, for exec. */
static int check_terminal(const oci_process *p, const struct exec_options *o, ocirun_error *err)
{
  if (o->detach && p->terminal && o->console_socket == NULL)
    return error_set(err, 0,
                     "cannot allocate tty if ocirun will detach without setting console socket");
  if ((!o->detach || !p->terminal) && o->console_socket != NULL)
    return error_set(err, 0, "cannot use console socket if ocirun will not detach or allocate tty");
  return 0;
}

static int check_preserved_fds(int count, ocirun_error *err)
{
  for (int fd = 3; fd < 3 + count; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return error_set(err, errno, "--preserve-fds: fd %d", fd);
  return 0;
}

/* ---- the container's init -------------------------------------------------------------- */

/* What the children need of the init, all opened by the parent before any fork. */
struct exec_target {
  pid_t pid;
  int pidfd;
  /* Namespaces that differ from ours, in ns_kinds order (user first): the flag (0 once
   * joined) and an fd, opened only where setns(pidfd) cannot serve (the cgroup namespace,
   * which the exec process may have to join from inside the container's mount namespace,
   * and the fallback of join_namespaces). */
  int ns_fds[NS_KINDS];
  int ns_flags[NS_KINDS];
  int nns;
  int rootfd; /* O_PATH of /proc/PID/root: the init's root directory */
};

static void target_close(struct exec_target *t)
{
  for (int i = 0; i < t->nns; i++)
    if (t->ns_fds[i] >= 0)
      close(t->ns_fds[i]);
  t->nns = 0;
  if (t->rootfd >= 0)
    close(t->rootfd);
  if (t->pidfd >= 0)
    close(t->pidfd);
  t->rootfd = t->pidfd = -1;
}

/* Notes the init's namespace of one kind, unless it is ours too: setns into our own user
 * namespace fails (EINVAL), into any other of ours it would change nothing. A kind this
 * kernel lacks (no /proc/self/ns entry) is skipped. stat follows the links to the namespace
 * files, with the same access check as an open. */
static int note_namespace(pid_t pid, const struct ns_kind *kind, struct exec_target *t,
                          ocirun_error *err)
{
  char path[64];
  struct stat mine, theirs;

  snprintf(path, sizeof(path), "/proc/self/ns/%s", kind->proc_name);
  if (stat(path, &mine) < 0) {
    if (errno == ENOENT)
      return 0;
    return error_set(err, errno, "stat %s", path);
  }
  snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind->proc_name);
  if (stat(path, &theirs) < 0)
    return error_set(err, errno, "stat %s", path);
  if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
    return 0;
  t->ns_fds[t->nns] = -1;
  if (kind->clone_flag == CLONE_NEWCGROUP) {
    t->ns_fds[t->nns] = open(path, O_RDONLY | O_CLOEXEC);
    if (t->ns_fds[t->nns] < 0)
      return error_set(err, errno, "open %s", path);
  }
  t->ns_flags[t->nns++] = kind->clone_flag;
  return 0;
}

/* The container's init is still the recorded process: alive, not a zombie, with the start
 * time recorded at create (what container_status calls "not stopped", without the cgroup and
 * exec.fifo lookups it also makes). */
static bool init_is_recorded(const struct container *c)
{
  const oci_container_record *r = c->record;
  bool zombie = false;
  unsigned long long start;

  if (!r->has_pid || r->pid <= 0)
    return false;
  start = process_start_time((pid_t)r->pid, &zombie);
  return start != 0 && !zombie && (!r->has_initStartTime || start == r->initStartTime);
}

/* The init is pinned by a pidfd and matched against its recorded start time; everything of it
 * the children need is opened while it is known to be that process, and the check is made
 * again afterwards: a live process with the same start time cannot have been replaced by
 * another one with its pid in between. */
static int open_target(const struct container *c, struct exec_target *t, ocirun_error *err)
{
  pid_t pid = (pid_t)c->record->pid;
  char path[64];

  t->pid = pid;
  t->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (t->pidfd < 0 || !init_is_recorded(c))
    return error_set(err, 0, "cannot exec in a stopped container");
  for (int i = 0; i < NS_KINDS; i++) {
    if (note_namespace(pid, &ns_kinds[i], t, err) < 0)
      goto gone_or_error;
  }
  snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
  t->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (t->rootfd < 0) {
    error_set(err, errno, "open %s", path);
    goto gone_or_error;
  }
  if (syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0 || !init_is_recorded(c))
    return error_set(err, 0, "cannot exec in a stopped container");
  return 0;
gone_or_error:
  /* The init exited while we looked at it: an exiting process has released its namespaces
   * and root (ENOENT) some time before it becomes a zombie. */
  if (err->errnum == ENOENT || !init_is_recorded(c))
    return error_set(err, 0, "cannot exec in a stopped container");
  return -1;
}

/* ---- the children ---------------------------------------------------------------------- */

struct exec_child {
  const oci_config *config; /* the container's: linux.seccomp, linux.personality */
  const struct seccomp_program *seccomp;
  const oci_process *process;
  struct exec_target *target;
  int sync_fd;      /* the children's end of the socketpair */
  int console_sock; /* terminal: where the pty master goes; else -1 */
  int preserve_fds;
  bool no_new_keyring; /* create had --no-new-keyring */
  /* The exec process joins the cgroup itself (join.h): v1 through the inherited "tasks" fds,
   * cgroup2 by being cloned into it where it can. Not in a paused container: a process that
   * moves itself into a frozen cgroup stops before it can say so. */
  bool self_join;
  struct cgroup_join join;
  int close_first[4]; /* the parent's own fds, closed by the children first thing */
  int nclose;
};

static void joined(struct exec_target *t, int i)
{
  if (t->ns_fds[i] >= 0)
    close(t->ns_fds[i]);
  t->ns_fds[i] = -1;
  t->ns_flags[i] = 0;
}

/* The fallback's fds, opened from the host's /proc (the intermediate has joined nothing yet)
 * and checked against the pidfd afterwards: the init was alive, so the pid was its. */
static int open_namespaces(struct exec_target *t, int leave_out, ocirun_error *err)
{
  bool opened = false;
  char path[64];

  for (int i = 0; i < t->nns; i++) {
    if (t->ns_flags[i] == 0 || t->ns_flags[i] == leave_out || t->ns_fds[i] >= 0)
      continue;
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t->pid,
             ns_kind_from_flag(t->ns_flags[i])->proc_name);
    t->ns_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (t->ns_fds[i] < 0)
      return error_set(err, errno, "open %s", path);
    opened = true;
  }
  if (opened && syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0)
    return error_set(err, 0, "cannot exec in a stopped container: its init exited");
  return 0;
}

/* Every namespace at once with setns(pidfd, flags) (Linux 5.8), which changes nothing unless
 * all can be joined. Otherwise (EINVAL before 5.8; EPERM where one of them is out of the
 * runtime's reach, as a rootless runtime's may be) runc's order (nsexec.c,
 * join_namespaces), one fd at a time: first every namespace the runtime may join as it is,
 * then the user namespace, whose capabilities give the right to join the namespaces it
 * owns, then those. pid and time namespaces apply to the children only. */
static int join_namespaces(struct exec_target *t, int leave_out, ocirun_error *err)
{
  int all = 0;

  for (int i = 0; i < t->nns; i++)
    if (t->ns_flags[i] != leave_out)
      all |= t->ns_flags[i];
  if (all == 0)
    return 0;
  if (t->pidfd >= 0) {
    if (setns(t->pidfd, all) == 0) {
      for (int i = 0; i < t->nns; i++)
        if (t->ns_flags[i] != 0 && t->ns_flags[i] != leave_out)
          joined(t, i);
      if (all & CLONE_NEWUSER)
        ns_become_root();
      return 0;
    }
    if (errno != EINVAL && errno != EPERM)
      return error_set(err, errno, "setns into the container's namespaces");
    if (open_namespaces(t, leave_out, err) < 0)
      return -1;
  }
  for (int pass = 0; pass < 3; pass++) {
    for (int i = 0; i < t->nns; i++) {
      int flag = t->ns_flags[i];

      if (flag == 0 || t->ns_fds[i] < 0 || flag == leave_out ||
          (pass == 1) != (flag == CLONE_NEWUSER))
        continue;
      if (setns(t->ns_fds[i], flag) < 0) {
        if (errno == EPERM && pass == 0)
          continue;
        return error_set(err, errno, "setns into the container's %s namespace",
                         ns_kind_from_flag(flag)->type);
      }
      joined(t, i);
      if (flag == CLONE_NEWUSER)
        ns_become_root();
    }
  }
  return 0;
}

/* The init's root, whatever way it entered it (pivot_root, MS_MOVE + chroot for --no-pivot,
 * chroot without a mount namespace): after setns(CLONE_NEWNS) our root is the namespace's
 * root, which is not the container's in the last two cases. */
static int enter_root(struct exec_target *t, ocirun_error *err)
{
  if (fchdir(t->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return error_set(err, errno, "enter the container's root directory");
  close(t->rootfd);
  t->rootfd = -1;
  return 0;
}

/* The init creates a missing cwd (process_apply_attributes does, as runc's init does); an exec
 * process's must exist, as with runc, whose error Podman turns into 127. Only "missing" is
 * decided here: a cwd the runtime may not enter is left to process_apply_attributes, which
 * enters it as the container's user. */
static int check_cwd_exists(const char *cwd, ocirun_error *err)
{
  struct stat st;
  int e;

  if (cwd == NULL || stat(cwd, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
    return 0;
  /* runc's words, Go's lower-case errno text: Podman matches "no such file or directory". */
  e = errno;
  error_set(err, 0, "chdir to cwd (\"%s\") set in config.json failed: %s", cwd,
            e == ENOENT ? "no such file or directory" : "not a directory");
  err->errnum = e;
  return -1;
}

/* As the init does it: a notify listener goes to the runtime right after the load. */
static int load_seccomp(struct exec_child *ch, ocirun_error *err)
{
  int listener;

  if (seccomp_program_load(ch->seccomp, &listener, err) < 0)
    return -1;
  if (listener >= 0 && sync_hand_over_listener(ch->sync_fd, listener, err) < 0)
    return -1;
  return 0;
}

/* The exec process, first thing: into the v1 hierarchies by itself, then into the cgroup
 * namespace the intermediate left out for clone3 (cgroup_attach_permissions checks the
 * cloning process's cgroup namespace, from which the runtime's cgroup must be visible), then
 * SYNC_JOINED, which tells the parent whether the cgroup2 directory still needs its pid. */
static int join_cgroup(struct exec_child *ch, bool born_in_cgroup, ocirun_error *err)
{
  if (cgroup_join_self(&ch->join, err) < 0)
    return -1;
  cgroup_join_close(&ch->join);
  if (join_namespaces(ch->target, 0, err) < 0)
    return -1;
  return sync_send(ch->sync_fd, SYNC_JOINED, born_in_cgroup, err);
}

/* The exec process: a child of the runtime (CLONE_PARENT), inside every namespace and the
 * root of the container; the steps are the init's (init.c), in the same order. */
static __attribute__((noreturn)) void exec_process_main(struct exec_child *ch, bool born_in_cgroup)
{
  const oci_process *p = ch->process;
  const oci_linux *lx = ch->config->linux;
  bool nnp = p->noNewPrivileges;
  ocirun_error err = {0};
  struct sync_msg msg;
  char exe[PATH_MAX];
  int keep[1];

  /* Inherited from the intermediate already; said again so that it does not depend on it. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (ch->self_join && join_cgroup(ch, born_in_cgroup, &err) < 0)
    child_fail(ch->sync_fd, &err);
  /* The parent has put us into the container's cgroup (or the rest of it) when this arrives. */
  if (sync_expect(ch->sync_fd, SYNC_PREPARED, &msg, &err) < 0)
    _exit(1);
  if (setsid() < 0) {
    error_set(&err, errno, "setsid");
    child_fail(ch->sync_fd, &err);
  }
  /* The session keyring made next gets the process's SELinux label, as with runc. */
  if (!ch->no_new_keyring && (lsm_set_key_label(p, &err) < 0 || keyring_join_new_session(&err) < 0))
    child_fail(ch->sync_fd, &err);
  if (ch->console_sock >= 0 && terminal_setup(ch->console_sock, p->consoleSize, 0, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (lx && lx->personality && personality_apply(lx->personality, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (check_cwd_exists(p->cwd, &err) < 0 || process_apply_attributes(p, &err) < 0 ||
      process_find_executable(p, exe, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (lsm_set_exec_labels(p, &err) < 0)
    child_fail(ch->sync_fd, &err);
  keep[0] = ch->sync_fd;
  if (process_close_fds(ch->preserve_fds, keep, 1, &err) < 0)
    child_fail(ch->sync_fd, &err);
  /* seccomp before the identity switch without no_new_privs, last with it (see
   * seccomp_profile.h). */
  if (!nnp && load_seccomp(ch, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (process_apply_identity(p, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (ch->console_sock >= 0)
    close(ch->console_sock);
  if (nnp && load_seccomp(ch, &err) < 0)
    child_fail(ch->sync_fd, &err);
  if (sync_send(ch->sync_fd, SYNC_READY, 0, &err) < 0)
    _exit(1);
  /* The sync socket is O_CLOEXEC: a successful execve closes it, which the parent waits for. */
  process_exec(p, exe, &err);
  child_fail(ch->sync_fd, &err);
}

static bool joins_user_namespace(const struct exec_target *t)
{
  for (int i = 0; i < t->nns; i++)
    if (t->ns_flags[i] == CLONE_NEWUSER)
      return true;
  return false;
}

/* fork(CLONE_PARENT) with the child born in the cgroup2 directory cgroup_fd, which takes only
 * the read side of the kernel's threadgroup lock (a pid written to cgroup.procs takes the
 * write side). clone3 wants exit_signal 0 with CLONE_PARENT: the child gets ours (SIGCHLD). */
static pid_t clone_into_cgroup(int cgroup_fd)
{
  struct clone_args args = {
      .flags = CLONE_PARENT | CLONE_INTO_CGROUP,
      .cgroup = (uint64_t)cgroup_fd,
  };

  return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* The intermediate: joins, enters the root, forks the exec process as the runtime's child
 * (so that it is reaped by the runtime, or by the runtime's caller, a subreaper, once the
 * runtime is gone), reports its pid and exits. */
static __attribute__((noreturn)) void intermediate_main(struct exec_child *ch)
{
  struct exec_target *t = ch->target;
  ocirun_error err = {0};
  bool into_cgroup;
  pid_t pid;

  /* Nothing of the runtime may be ptraced or read through /proc once it is in the
   * container's namespaces (CVE-2016-9962). */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (int i = 0; i < ch->nclose; i++)
    if (ch->close_first[i] >= 0)
      close(ch->close_first[i]);
  /* The intermediate has joined nothing yet: its /proc/<pid> is the host's, and the value is
   * inherited by the exec process, in place before it runs (in the container's user
   * namespace it could not lower it itself). */
  into_cgroup = ch->self_join && ch->join.unified >= 0 && !joins_user_namespace(t);
  if (process_set_oom_score_adj(getpid(), ch->process, &err) < 0 ||
      join_namespaces(t, into_cgroup ? CLONE_NEWCGROUP : 0, &err) < 0 || enter_root(t, &err) < 0)
    child_fail(ch->sync_fd, &err);
  close(t->pidfd);
  t->pidfd = -1;

  /* Any failure of clone3 (ENOSYS before 5.7, EAGAIN at the cgroup's pids.max, EBUSY for
   * a cgroup2 directory with children that have controllers, ...) leaves the parent's pid
   * write, which is how a process joins a cgroup over its pids.max. */
  pid = into_cgroup ? clone_into_cgroup(ch->join.unified) : -1;
  if (pid < 0) {
    into_cgroup = false;
    pid = clone_fork(CLONE_PARENT);
  }
  if (pid < 0) {
    error_set(&err, errno, "fork the exec process");
    child_fail(ch->sync_fd, &err);
  }
  if (pid == 0)
    exec_process_main(ch, into_cgroup || ch->join.unified < 0);
  /* No answer is awaited: from here the exec process reads this socket. */
  if (sync_send(ch->sync_fd, SYNC_RECVPID_PLS, pid, &err) < 0) {
    kill(pid, SIGKILL);
    _exit(1);
  }
  _exit(0);
}

/* ---- the parent ------------------------------------------------------------------------ */

/* After SYNC_READY: the end of the socket (the execve closed it) or SYNC_ERROR (it failed). */
static int wait_for_execve(int fd, ocirun_error *err)
{
  struct sync_msg msg;
  ssize_t n;

  memset(&msg, 0, sizeof(msg));
  do
    n = recv(fd, &msg, sizeof(msg) - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return 0;
  if (n < 0)
    return error_set(err, errno, "wait for the exec process");
  if (msg.type == SYNC_ERROR) {
    err->errnum = msg.errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
    return -1;
  }
  return error_set(err, 0, "sync: unexpected %s from the exec process", sync_type_name(msg.type));
}

/* SYNC_READY, after the seccomp listener when the process sends one: that goes to the agent,
 * with state_json (made while the container was still locked), and only then is the process
 * told to go on (SYNC_SECCOMP_ACK): it must not run its command if the agent was not reached. */
static int wait_for_ready(struct exec_child *ch, int sock, const char *state_json,
                          ocirun_error *err)
{
  const oci_seccomp *s = ch->config->linux ? ch->config->linux->seccomp : NULL;
  struct sync_msg msg;

  if (sync_recv(sock, &msg, err) < 0)
    return -1;
  if (msg.type == SYNC_SECCOMP_FD && state_json != NULL) {
    autoclose int listener = recv_fd(sock, err);
    if (listener < 0)
      return error_prefix(err, "seccomp listener");
    if (seccomp_notify_agent(s, state_json, listener, err) < 0 ||
        sync_send(sock, SYNC_SECCOMP_ACK, 0, err) < 0 || sync_recv(sock, &msg, err) < 0)
      return -1;
  }
  if (msg.type == SYNC_ERROR) {
    err->errnum = msg.errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
    return -1;
  }
  if (msg.type != SYNC_READY)
    return error_set(err, 0, "sync: expected %s, got %s", sync_type_name(SYNC_READY),
                     sync_type_name(msg.type));
  return 0;
}

/* The exec process's pid (from the intermediate) and SYNC_JOINED (from the exec process), in
 * whichever order they come. After a SYNC_ERROR the pid is still waited for, so that the
 * caller can reap the process, until both children are gone. */
static int wait_for_join(int sock, pid_t *pid, bool *unified_done, ocirun_error *err)
{
  bool joined = false, failed = false;
  struct sync_msg msg;
  ocirun_error ignored = {0};

  while (*pid < 0 || (!joined && !failed)) {
    if (sync_recv(sock, &msg, failed ? &ignored : err) < 0)
      return -1;
    switch (msg.type) {
    case SYNC_RECVPID_PLS:
      *pid = (pid_t)msg.value;
      break;
    case SYNC_JOINED:
      joined = true;
      *unified_done = msg.value != 0;
      break;
    case SYNC_ERROR:
      if (!failed) {
        err->errnum = msg.errnum;
        snprintf(err->msg, sizeof(err->msg), "%s", msg.text);
      }
      failed = true;
      break;
    default:
      if (!failed)
        error_set(err, 0, "sync: unexpected %s from the exec process", sync_type_name(msg.type));
      failed = true;
    }
  }
  return failed ? -1 : 0;
}

/* Spawns the process and returns its pid once it has execve()d. The container (its lock) is
 * released as soon as the process sits in the container's cgroup: in a paused container
 * (--ignore-paused) the process stays frozen until `resume`, which needs the lock. */
static int spawn(struct exec_child *ch, struct container *c, pid_t *out, ocirun_error *err)
{
  struct cgroup *cg = NULL;
  autofree char *state_json = NULL;
  struct sync_msg msg;
  pid_t mid, pid = -1;
  bool unified_done = false;
  int sv[2];
  int ret = -1;

  if (c->record->cgroup != NULL) {
    cg = cgroup_of_container(c, err);
    if (cg == NULL)
      return -1;
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    cgroup_free(cg);
    return error_set(err, errno, "socketpair");
  }
  ch->self_join = ch->self_join && cg != NULL;
  if (ch->self_join && cgroup_join_open(cg, &ch->join, err) < 0) {
    close(sv[0]);
    close(sv[1]);
    cgroup_free(cg);
    return -1;
  }
  ch->close_first[ch->nclose++] = sv[0];
  mid = clone_fork(0);
  if (mid == 0) {
    ch->sync_fd = sv[1];
    intermediate_main(ch);
  }
  ch->nclose--;
  close(sv[1]);
  if (mid < 0) {
    error_set(err, errno, "fork");
    goto out;
  }
  if (ch->self_join) {
    if (wait_for_join(sv[0], &pid, &unified_done, err) < 0) {
      kill(mid, SIGKILL);
      reap(mid);
      goto out;
    }
    reap(mid);
    if (!unified_done && cgroup_join_unified_pid(&ch->join, pid, err) < 0)
      goto out;
  } else {
    if (sync_expect(sv[0], SYNC_RECVPID_PLS, &msg, err) < 0) {
      kill_and_reap(mid);
      goto out;
    }
    reap(mid);
    pid = (pid_t)msg.value;
    if (cg != NULL && cgroup_enter(cg, pid, err) < 0)
      goto out;
  }
  if (ch->seccomp != NULL && ch->seccomp->listener) {
    state_json =
        seccomp_process_state_json(c, container_status(c), pid, ch->config->linux->seccomp, err);
    if (state_json == NULL)
      goto out;
  }
  container_release(c);
  if (sync_send(sv[0], SYNC_PREPARED, pid, err) < 0 ||
      wait_for_ready(ch, sv[0], state_json, err) < 0 || wait_for_execve(sv[0], err) < 0)
    goto out;
  *out = pid;
  ret = 0;
out:
  if (ret < 0)
    kill_and_reap(pid);
  close(sv[0]);
  cgroup_join_close(&ch->join);
  cgroup_free(cg);
  return ret;
}

/* The terminal's master, sent by the exec process before SYNC_READY over our socketpair. */
static int receive_master(int sock, ocirun_error *err)
{
  int fd;

  fcntl(sock, F_SETFL, O_NONBLOCK);
  fd = recv_fd(sock, err);
  if (fd < 0)
    return error_prefix(err, "terminal");
  return fd;
}

/* The container's filter, from the program cache in the state root when it has it. */
static int prepare_seccomp(const char *root, const oci_config *config, struct seccomp_program **out,
                           ocirun_error *err)
{
  const oci_seccomp *s = config->linux ? config->linux->seccomp : NULL;
  autoclose int rootfd = -1;
  autoclose int cache = -1;

  *out = NULL;
  if (s == NULL)
    return 0;
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd >= 0)
    cache = seccomp_cache_open(rootfd);
  return seccomp_program_make(s, cache, out, err);
}

int container_exec(const struct exec_options *o, struct exec_result *res, ocirun_error *err)
{
  struct container c = {.dirfd = -1};
  struct exec_target t = {.pidfd = -1, .rootfd = -1};
  struct exec_child ch = {.console_sock = -1, .sync_fd = -1, .join = CGROUP_JOIN_INIT};
  oci_config *config = NULL;
  oci_process *p = NULL;
  struct seccomp_program *seccomp = NULL;
  int relay[2] = {-1, -1};
  enum container_status status;
  pid_t pid = -1;
  int ret = -1;

  res->pid = -1;
  res->master = -1;
  /* First: anything we open could take a number in the preserved range. */
  if (check_preserved_fds(o->preserve_fds, err) < 0)
    return -1;
  if (container_load(o->root, o->id, &c, err) < 0)
    return -1;
  status = container_status(&c);
  if (status == STATUS_STOPPED) {
    error_set(err, 0, "cannot exec in a stopped container");
    goto out;
  }
  if (status == STATUS_PAUSED && !o->ignore_paused) {
    error_set(err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
    goto out;
  }
  if (refuse_unsupported(o, err) < 0)
    goto out;
  config = load_config_copy(&c, err);
  if (config == NULL)
    goto out;
  p = build_process(o, config, err);
  if (p == NULL || check_terminal(p, o, err) < 0 || open_target(&c, &t, err) < 0)
    goto out;

  if (p->terminal && o->console_socket != NULL) {
    ch.console_sock = console_socket_connect(o->console_socket, err);
    if (ch.console_sock < 0)
      goto out;
  } else if (p->terminal) {
    /* In the foreground without a console socket the caller relays the terminal itself. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, relay) < 0) {
      error_set(err, errno, "terminal socketpair");
      goto out;
    }
    ch.console_sock = relay[1];
    ch.close_first[ch.nclose++] = relay[0];
  }
  if (prepare_seccomp(o->root, config, &seccomp, err) < 0)
    goto out;
  ch.config = config;
  ch.seccomp = seccomp;
  ch.process = p;
  ch.target = &t;
  ch.preserve_fds = o->preserve_fds;
  ch.no_new_keyring = c.record->noNewKeyring;
  ch.self_join = status != STATUS_PAUSED;
  ch.close_first[ch.nclose++] = c.dirfd; /* it holds the container's lock */

  if (spawn(&ch, &c, &pid, err) < 0)
    goto out;
  if (relay[0] >= 0) {
    res->master = receive_master(relay[0], err);
    if (res->master < 0)
      goto kill;
  }
  if (o->pid_file != NULL && write_pid_file(o->pid_file, pid, err) < 0)
    goto kill;
  res->pid = pid;
  ret = 0;
  goto out;
kill:
  kill_and_reap(pid);
  if (res->master >= 0)
    close(res->master);
  res->master = -1;
out:
  for (int i = 0; i < 2; i++)
    if (relay[i] >= 0)
      close(relay[i]);
  if (ch.console_sock >= 0 && ch.console_sock != relay[1])
    close(ch.console_sock);
  target_close(&t);
  seccomp_program_free(seccomp);
  oci_process_free(p);
  oci_config_free(config);
  container_release(&c);
  return ret;
}

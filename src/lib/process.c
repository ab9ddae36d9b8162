/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container process from its validation to its execve; the details live in rlimits.c,
 * scheduling.c, cpu_affinity.c, capabilities.c, user.c, exec_env.c and executable.c. */
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capabilities.h"
#include "cpu_affinity.h"
#include "exec_env.h"
#include "log.h"
#include "lsm.h"
#include "pathres.h"
#include "proc_self.h"
#include "rlimits.h"
#include "scheduling.h"
#include "user.h"
#include "utils.h"

#define MAX_ADDITIONAL_GIDS 65536 /* NGROUPS_MAX of the kernel */

/* ---- validation ---------------------------------------------------------------------- */

static int validate_env(const oci_process *p, const char *prefix, ocirun_error *err)
{
  for (size_t i = 0; i < p->env_len; i++) {
    const char *e = p->env[i] ? p->env[i] : "";
    const char *eq = strchr(e, '=');

    if (eq == NULL)
      return error_set(err, 0, "%s.env[%zu]: invalid environment variable \"%s\": missing '='",
                       prefix, i, e);
    if (eq == e)
      return error_set(err, 0, "%s.env[%zu]: invalid environment variable \"%s\": empty name",
                       prefix, i, e);
  }
  return 0;
}

int process_validate(const oci_process *p, const char *prefix, ocirun_error *err)
{
  char sub[256];

  if (p == NULL)
    return 0;
  if (p->args_len == 0)
    return error_set(err, 0, "%s.args: must not be empty", prefix);
  if (p->cwd == NULL || p->cwd[0] != '/')
    return error_set(err, 0, "%s.cwd: \"%s\" is not an absolute path", prefix,
                     p->cwd ? p->cwd : "");
  if (validate_env(p, prefix, err) < 0)
    return -1;
  if (p->user && p->user->additionalGids_len > MAX_ADDITIONAL_GIDS)
    return error_set(err, 0, "%s.user.additionalGids: more than %d groups", prefix,
                     MAX_ADDITIONAL_GIDS);
  if (p->has_oomScoreAdj && (p->oomScoreAdj < -1000 || p->oomScoreAdj > 1000))
    return error_set(err, 0, "%s.oomScoreAdj: %" PRId64 " is out of range (-1000..1000)", prefix,
                     p->oomScoreAdj);
  if (rlimits_validate(p, prefix, err) < 0)
    return -1;
  snprintf(sub, sizeof(sub), "%s.capabilities", prefix);
  if (capabilities_validate(p->capabilities, sub, err) < 0)
    return -1;
  if (io_priority_validate(p, prefix, err) < 0 || scheduler_validate(p, prefix, err) < 0)
    return -1;
  if (lsm_validate_process(p, prefix, err) < 0)
    return -1;
  return exec_cpu_affinity_validate(p, prefix, err);
}

/* ---- attributes ---------------------------------------------------------------------- */

/* runc creates a missing cwd; it is done here, after pivot_root, by fd inside the root. */
static int create_cwd(const char *cwd, ocirun_error *err)
{
  autoclose int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  autoclose int dir = -1;

  if (root < 0)
    return error_set(err, errno, "open /");
  dir = mkdir_in_root(root, cwd, 0755, err);
  return dir < 0 ? -1 : 0;
}

/* CVE-2024-21626: a cwd reached through a leaked fd (/proc/self/fd/N) lies outside the root;
 * the kernel then reports it as "(unreachable)/...". The raw syscall shows that text, where
 * glibc's getcwd would turn it into ENOENT. */
static int verify_cwd_inside_root(const char *cwd, ocirun_error *err)
{
  char buf[PATH_MAX];

  if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
    return error_set(err, errno, "getcwd after chdir to \"%s\"", cwd);
  if (buf[0] != '/') {
    error_set(err, 0,
              "current working directory is outside of container mount namespace root -- "
              "possible container breakout detected");
    err->errnum = EPERM;
    return -1;
  }
  return 0;
}

/* A cwd the runtime's user may not enter, left for process_apply_identity to enter as the
 * container's user (a volume chowned to that user, a root-squashing NFS), as runc does. */
static const char *cwd_after_switch;

static int enter_cwd(const char *cwd, ocirun_error *err)
{
  cwd_after_switch = NULL;
  if (cwd == NULL)
    return 0;
  if (chdir(cwd) < 0) {
    if (errno == EACCES || errno == EPERM) {
      cwd_after_switch = cwd;
      return 0;
    }
    if (errno != ENOENT || create_cwd(cwd, err) < 0 || chdir(cwd) < 0)
      return error_set(err, errno, "chdir to cwd (\"%s\") set in config.json failed", cwd);
  }
  return verify_cwd_inside_root(cwd, err);
}

static int enter_deferred_cwd(ocirun_error *err)
{
  const char *cwd = cwd_after_switch;

  if (cwd == NULL)
    return 0;
  cwd_after_switch = NULL;
  if (chdir(cwd) < 0)
    return error_set(err, errno, "chdir to cwd (\"%s\") set in config.json failed", cwd);
  return verify_cwd_inside_root(cwd, err);
}

int process_set_oom_score_adj(pid_t pid, const oci_process *p, ocirun_error *err)
{
  char path[64], value[32];

  if (p == NULL || !p->has_oomScoreAdj)
    return 0;
  snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
  snprintf(value, sizeof(value), "%" PRId64, p->oomScoreAdj);
  if (write_file_at(AT_FDCWD, path, value, strlen(value), err) < 0)
    return error_prefix(err, "set oom_score_adj");
  return 0;
}

int process_apply_attributes(const oci_process *p, ocirun_error *err)
{
  if (p == NULL)
    return 0;
  if (enter_cwd(p->cwd, err) < 0 || rlimits_apply(p, err) < 0 || io_priority_apply(p, err) < 0 ||
      scheduler_apply(p, err) < 0)
    return -1;
  if (p->execCPUAffinity && cpu_affinity_apply(p->execCPUAffinity->initial, err) < 0)
    return error_prefix(err, "execCPUAffinity.initial");
  return 0;
}

/* ---- identity ------------------------------------------------------------------------ */

int process_apply_identity(const oci_process *p, ocirun_error *err)
{
  const oci_capabilities *caps = p ? p->capabilities : NULL;
  uid_t uid = 0;
  gid_t gid = 0;
  const uint64_t *gids = NULL;
  size_t ngids = 0;
  mode_t mask = 0022;

  if (p && p->user) {
    uid = (uid_t)p->user->uid;
    gid = (gid_t)p->user->gid;
    gids = p->user->additionalGids;
    ngids = p->user->additionalGids_len;
    if (p->user->has_umask)
      mask = (mode_t)(p->user->umask & 07777);
  }

  /* The order matters:
   * 1. the bounding set first: dropping from it needs CAP_SETPCAP in the effective set,
   *    which the switch to a non-root uid clears;
   * 2. KEEPCAPS, so that the permitted set survives setresuid away from uid 0;
   * 3. groups, then gid, then uid (after setresuid we could no longer change the others),
   *    then the cwd if the runtime's user could not enter it;
   * 4. the final effective/permitted/inheritable sets (from the kept permitted set), then
   *    ambient, which setresuid would have cleared had it been raised earlier. */
  if (capabilities_drop_bounding(caps, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return error_set(err, errno, "prctl PR_SET_KEEPCAPS");
  if (user_switch(uid, gid, gids, ngids, err) < 0 || enter_deferred_cwd(err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return error_set(err, errno, "prctl PR_SET_KEEPCAPS");
  if (capabilities_set(caps, err) < 0)
    return -1;
  umask(mask);
  if (p && p->noNewPrivileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return error_set(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

/* ---- file descriptors ---------------------------------------------------------------- */

/* What process_close_fds marked, so that process_exec can close it for good. */
static struct {
  bool armed;
  unsigned int first;
  int *keep;
  int nkeep;
} marked_fds;

static int compare_ints(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static bool is_kept(int fd, const int *keep, int nkeep)
{
  for (int i = 0; i < nkeep; i++)
    if (keep[i] == fd)
      return true;
  return false;
}

/* Fallback for kernels without close_range (before 5.9/5.11), or profiles that refuse it:
 * walk /proc/self/fd. */
static int for_each_open_fd(unsigned int first, const int *keep, int nkeep, bool close_them,
                            ocirun_error *err)
{
  int dirfd = proc_self_open("fd", O_RDONLY | O_DIRECTORY, err);
  DIR *dir;
  struct dirent *de;

  if (dirfd < 0)
    return -1;
  dir = fdopendir(dirfd);
  if (dir == NULL) {
    close(dirfd);
    return error_set(err, errno, "fdopendir /proc/self/fd");
  }
  while ((de = readdir(dir)) != NULL) {
    long long fd;
    if (parse_long(de->d_name, &fd) < 0 || fd < (long long)first || fd == dirfd ||
        is_kept((int)fd, keep, nkeep))
      continue;
    if (close_them) {
      close((int)fd);
    } else if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) {
      error_set(err, errno, "mark fd %lld close-on-exec", fd);
      closedir(dir);
      return -1;
    }
  }
  closedir(dir);
  return 0;
}

/* Applies close_range(flags) to [first, ~0U] minus keep[] (sorted). */
static int range_except(unsigned int first, const int *keep, int nkeep, unsigned int flags)
{
  unsigned int from = first;

  for (int i = 0; i < nkeep; i++) {
    if (keep[i] < 0 || (unsigned int)keep[i] < from)
      continue;
    if ((unsigned int)keep[i] > from &&
        syscall(SYS_close_range, from, (unsigned int)keep[i] - 1, flags) < 0)
      return -1;
    from = (unsigned int)keep[i] + 1;
  }
  return (int)syscall(SYS_close_range, from, ~0U, flags);
}

int process_close_fds(int preserve_fds, const int *keep, int nkeep, ocirun_error *err)
{
  unsigned int first = 3 + (unsigned int)(preserve_fds > 0 ? preserve_fds : 0);

  free(marked_fds.keep);
  marked_fds.keep = xcalloc((size_t)(nkeep > 0 ? nkeep : 0), sizeof(int));
  if (nkeep > 0)
    memcpy(marked_fds.keep, keep, (size_t)nkeep * sizeof(int));
  marked_fds.nkeep = nkeep > 0 ? nkeep : 0;
  qsort(marked_fds.keep, (size_t)marked_fds.nkeep, sizeof(int), compare_ints);
  marked_fds.first = first;
  marked_fds.armed = true;

  if (range_except(first, marked_fds.keep, marked_fds.nkeep, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  /* EPERM: a seccomp profile loaded before this point (no noNewPrivileges) may refuse it. */
  if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
    return error_set(err, errno, "close_range CLOSE_RANGE_CLOEXEC");
  return for_each_open_fd(first, marked_fds.keep, marked_fds.nkeep, false, err);
}

/* Closes what process_close_fds marked, except the fds it kept and the log. */
static void close_marked_fds(void)
{
  ocirun_error ignored;
  int log = log_fd();
  int n = marked_fds.nkeep;
  autofree int *keep = NULL;

  if (!marked_fds.armed)
    return;
  keep = xcalloc((size_t)n + 1, sizeof(int));
  if (n > 0)
    memcpy(keep, marked_fds.keep, (size_t)n * sizeof(int));
  if (log >= 0)
    keep[n++] = log;
  qsort(keep, (size_t)n, sizeof(int), compare_ints);
  if (range_except(marked_fds.first, keep, n, 0) < 0)
    for_each_open_fd(marked_fds.first, keep, n, true, &ignored);
}

/* ---- exec ---------------------------------------------------------------------------- */

int process_exec(const oci_process *p, const char *path, ocirun_error *err)
{
  autofree char *home = NULL;
  autofree char **argv = NULL;
  char **envp;

  if (p == NULL || p->args_len == 0)
    return error_set(err, 0, "process.args: must not be empty");
  if (p->execCPUAffinity && cpu_affinity_apply(p->execCPUAffinity->final, err) < 0)
    return error_prefix(err, "execCPUAffinity.final");

  /* runc fills HOME from the container's passwd entry for the uid, "/" without one. */
  if (exec_env_get(p->env, p->env_len, "HOME") == NULL)
    home = user_home_dir(getuid());
  envp = exec_env_build(p->env, p->env_len, home);
  argv = xcalloc(p->args_len + 1, sizeof(char *));
  memcpy(argv, p->args, p->args_len * sizeof(char *));

  close_marked_fds();
  execve(path, argv, envp);
  error_set(err, errno, "exec %s", path);
  exec_env_free(envp);
  return -1;
}

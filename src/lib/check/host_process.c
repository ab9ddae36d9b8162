/* SPDX-License-Identifier: GPL-2.0-or-later */
/* All the host probes (check_host), and those of what the runtime process itself brings:
 * capabilities (the bounding set bounds every container without a user namespace), rlimits (a
 * container cannot get a hard limit above the runtime's without CAP_SYS_RESOURCE), the rootless
 * helpers, CRIU. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cgroup/cgroup_check.h"
#include "check.h"
#include "utils.h"

extern char **environ;

static char *append_word(char *list, const char *word)
{
  char *next = xasprintf("%s%s%s", list, list[0] ? " " : "", word);

  free(list);
  return next;
}

static const char *cap_name_of(int cap)
{
  size_t n = 0;
  const char *const *names = capability_names(&n);

  return (size_t)cap < n ? names[cap] : "CAP_?";
}

static void probe_capabilities(struct check_report *r)
{
  autofree char *missing = xstrdup("");
  int last = capability_last(), nmissing = 0;

  for (int cap = 0; cap <= last; cap++)
    if (cap_get_bound((cap_value_t)cap) != 1) {
      missing = append_word(missing, cap_name_of(cap));
      nmissing++;
    }
  if (nmissing)
    report_probe(r, "process", "bounding set", PROBE_LIMITED,
                 "lacks %s: containers without a user namespace cannot have %s", missing,
                 nmissing > 1 ? "them" : "it");
  else
    report_probe(r, "process", "bounding set", PROBE_OK, "all %d capabilities", last + 1);
}

bool host_effective_has(int cap)
{
  cap_t now = cap_get_proc();
  cap_flag_value_t v = CAP_CLEAR;

  if (now == NULL)
    return false;
  cap_get_flag(now, (cap_value_t)cap, CAP_EFFECTIVE, &v);
  cap_free(now);
  return v == CAP_SET;
}

static void limit_text(rlim_t v, char *buf, size_t len)
{
  if (v == RLIM_INFINITY)
    snprintf(buf, len, "unlimited");
  else
    snprintf(buf, len, "%" PRIu64, (uint64_t)v);
}

static void probe_rlimits(struct check_report *r)
{
  struct rlimit nofile, nproc;
  char soft[24], hard[24], psoft[24], phard[24];

  if (getrlimit(RLIMIT_NOFILE, &nofile) < 0 || getrlimit(RLIMIT_NPROC, &nproc) < 0) {
    report_probe(r, "process", "rlimits", PROBE_MISSING, "getrlimit: %s", strerror(errno));
    return;
  }
  limit_text(nofile.rlim_cur, soft, sizeof(soft));
  limit_text(nofile.rlim_max, hard, sizeof(hard));
  limit_text(nproc.rlim_cur, psoft, sizeof(psoft));
  limit_text(nproc.rlim_max, phard, sizeof(phard));
  if (host_effective_has(CAP_SYS_RESOURCE))
    report_probe(r, "process", "rlimits", PROBE_OK, "nofile %s/%s, nproc %s/%s; may be raised",
                 soft, hard, psoft, phard);
  else
    report_probe(r, "process", "rlimits", PROBE_LIMITED,
                 "nofile %s/%s, nproc %s/%s; no CAP_SYS_RESOURCE: hard limits cannot be raised",
                 soft, hard, psoft, phard);
}

/* The first executable called name in $PATH (malloc'd), or NULL. */
static char *find_in_path(const char *name)
{
  const char *path = getenv("PATH");
  autofree char *copy = xstrdup(path && path[0] ? path
                                                : "/usr/local/sbin:/usr/local/bin:"
                                                  "/usr/sbin:/usr/bin:/sbin:/bin");
  char *save = NULL;

  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *candidate = xasprintf("%s/%s", dir, name);
    if (access(candidate, X_OK) == 0)
      return candidate;
    free(candidate);
  }
  return NULL;
}

static void probe_id_helper(struct check_report *r, const char *name)
{
  autofree char *path = find_in_path(name);
  struct stat st;

  if (path == NULL)
    report_probe(r, "rootless", name, PROBE_MISSING,
                 "not in PATH: a rootless container maps only the caller's own id");
  else if (stat(path, &st) == 0 && (st.st_mode & S_ISUID))
    report_probe(r, "rootless", name, PROBE_OK, "%s (setuid)", path);
  else
    report_probe(r, "rootless", name, PROBE_OK, "%s (file capabilities or root only)", path);
}

/* The caller's line in /etc/subuid or /etc/subgid, by name or by number. */
static char *subordinate_range(const char *file, const char *user, unsigned id)
{
  autofree char *text = NULL;
  char idtext[16];

  snprintf(idtext, sizeof(idtext), "%u", id);
  if (read_file_at(AT_FDCWD, file, &text, NULL, NULL) < 0)
    return NULL;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *colon = strchr(line, ':');
    if (colon == NULL)
      continue;
    *colon = '\0';
    if ((user && strcmp(line, user) == 0) || strcmp(line, idtext) == 0)
      return xstrdup(colon + 1);
  }
  return NULL;
}

static void probe_subordinate(struct check_report *r, const char *file, const char *name,
                              unsigned id)
{
  const char *user = getenv("USER");
  autofree char *range = subordinate_range(file, user, id);

  if (range)
    report_probe(r, "rootless", name, PROBE_OK, "%s: %s", file, range);
  else if (id == 0)
    report_probe(r, "rootless", name, PROBE_OK, "root maps ids directly (none in %s)", file);
  else
    report_probe(r, "rootless", name, PROBE_MISSING, "no range for uid %u in %s", id, file);
}

/* `criu check`, started before the other probes and collected after them (it takes longer
 * than all of them together); its output is kept to the last line it printed. */
#define CRIU_TIMEOUT_MS 5000

struct criu_probe {
  char *path;
  pid_t pid;
  int out; /* read end of its stdout and stderr */
  int spawn_errno;
};

static struct criu_probe *criu_start(const char *criu)
{
  struct criu_probe *c = xcalloc(1, sizeof(*c));
  posix_spawn_file_actions_t fa;
  int pipefd[2];

  c->pid = -1;
  c->out = -1;
  c->path = criu ? xstrdup(criu) : find_in_path("criu");
  if (c->path == NULL)
    return c;
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    c->spawn_errno = errno;
    return c;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  c->spawn_errno =
      posix_spawn(&c->pid, c->path, &fa, NULL, (char *[]){c->path, "check", NULL}, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  if (c->spawn_errno != 0) {
    c->pid = -1;
    close(pipefd[0]);
  } else {
    c->out = pipefd[0];
  }
  return c;
}

static void criu_finish(struct criu_probe *c, struct check_report *r)
{
  char buf[4096];
  const char *last;
  size_t len = 0;
  int status = 0;
  ssize_t n;

  if (c->path == NULL) {
    report_probe(r, "criu", "criu check", PROBE_MISSING, "criu is not installed");
  } else if (c->pid < 0) {
    report_probe(r, "criu", "criu check", PROBE_MISSING, "%s: %s", c->path,
                 strerror(c->spawn_errno));
  } else {
    /* criu check answers in milliseconds; one that hangs is killed after five seconds. */
    while (len < sizeof(buf) - 1) {
      struct pollfd p = {.fd = c->out, .events = POLLIN};
      int ready = poll(&p, 1, CRIU_TIMEOUT_MS);
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0) {
        kill(c->pid, SIGKILL);
        break;
      }
      n = read(c->out, buf + len, sizeof(buf) - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t)n;
    }
    close(c->out);
    buf[len] = '\0';
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
      ;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
      buf[--len] = '\0';
    last = strrchr(buf, '\n');
    last = last ? last + 1 : buf;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
      report_probe(r, "criu", "criu check", PROBE_OK, "%s: %s (no checkpoint command yet)", c->path,
                   last[0] ? last : "ok");
    else
      report_probe(r, "criu", "criu check", PROBE_LIMITED, "%s fails: %s", c->path,
                   last[0] ? last : "no output");
  }
  free(c->path);
  free(c);
}

void check_host(struct check_report *r, const char *criu)
{
  struct criu_probe *c = criu_start(criu);

  cgroup_check_host(r);
  check_host_kernel(r);
  probe_capabilities(r);
  probe_rlimits(r);
  probe_id_helper(r, "newuidmap");
  probe_id_helper(r, "newgidmap");
  probe_subordinate(r, "/etc/subuid", "subuid", (unsigned)geteuid());
  probe_subordinate(r, "/etc/subgid", "subgid", (unsigned)getegid());
  criu_finish(c, r);
}

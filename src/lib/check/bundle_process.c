/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bundle findings about the process: capabilities the runtime cannot grant, rlimits above
 * what the runtime may set, and the paths the init needs inside the rootfs (process.cwd,
 * process.args[0]), looked up by fd inside the rootfs as the init would after pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capabilities.h"
#include "check.h"
#include "pathres.h"
#include "process.h"
#include "rlimits.h"
#include "utils.h"

/* ---- capabilities ---------------------------------------------------------------------- */

static bool known_name(const char *name)
{
  size_t n = 0;
  const char *const *names = capability_names(&n);

  for (size_t i = 0; name && i < n; i++)
    if (strcasecmp(names[i], name) == 0)
      return true;
  return false;
}

static void check_set_names(char **list, size_t len, const char *set, bool in_userns,
                            struct check_report *r)
{
  for (size_t i = 0; i < len; i++) {
    char path[80];
    int cap = capability_from_name(list[i]);
    snprintf(path, sizeof(path), "process.capabilities.%s[%zu]", set, i);
    if (!known_name(list[i]))
      continue; /* capabilities_validate refuses it (create's error is already reported) */
    if (cap < 0)
      report_finding(r, FINDING_WARNING, path, "remove it, or run on a newer kernel",
                     "%s is unknown to this kernel: ignored", list[i]);
    else if (!in_userns && strcmp(set, "bounding") == 0 && cap_get_bound((cap_value_t)cap) != 1)
      report_finding(r, FINDING_WARNING, path,
                     "give the runtime this capability, or give the container a user namespace",
                     "%s is not in the runtime's bounding set: the container will not have it",
                     list[i]);
  }
}

/* Ambient capabilities the kernel would not keep: raise_ambient in capabilities.c skips them
 * with a warning each (in the log); here one finding names them all. */
static void check_ambient(const oci_capabilities *c, struct check_report *r)
{
  autofree char *names = xstrdup("");

  for (size_t i = 0; i < c->ambient_len; i++) {
    bool perm = false, inh = false;
    char *next;
    for (size_t j = 0; j < c->permitted_len; j++)
      perm = perm || strcasecmp(c->permitted[j], c->ambient[i]) == 0;
    for (size_t j = 0; j < c->inheritable_len; j++)
      inh = inh || strcasecmp(c->inheritable[j], c->ambient[i]) == 0;
    if (perm && inh)
      continue;
    next = xasprintf("%s%s%s", names, names[0] ? " " : "", c->ambient[i]);
    free(names);
    names = next;
  }
  if (names[0])
    report_finding(r, FINDING_WARNING, "process.capabilities.ambient",
                   "list them in permitted and inheritable too, or drop them from ambient",
                   "%s ignored: an ambient capability must be permitted and inheritable", names);
}

static void check_capabilities(const oci_capabilities *c, bool in_userns, struct check_report *r)
{
  ocirun_error err = {0};

  if (c == NULL)
    return;
  check_set_names(c->bounding, c->bounding_len, "bounding", in_userns, r);
  check_set_names(c->effective, c->effective_len, "effective", in_userns, r);
  check_set_names(c->permitted, c->permitted_len, "permitted", in_userns, r);
  check_set_names(c->inheritable, c->inheritable_len, "inheritable", in_userns, r);
  check_set_names(c->ambient, c->ambient_len, "ambient", in_userns, r);
  check_ambient(c, r);
  /* A new or joined user namespace starts with every capability (bounding set included). */
  if (!in_userns && capabilities_grantable(c, &err) < 0)
    report_finding(r, FINDING_ERROR, "process.capabilities",
                   "drop it from the config, give the runtime this capability, or give the "
                   "container a user namespace",
                   "%s", err.msg);
}

/* ---- rlimits --------------------------------------------------------------------------- */

static bool has_sys_resource(void)
{
  cap_t now = cap_get_proc();
  cap_flag_value_t v = CAP_CLEAR;

  if (now == NULL)
    return false;
  cap_get_flag(now, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v);
  cap_free(now);
  return v == CAP_SET;
}

static uint64_t nr_open(void)
{
  autofree char *text = NULL;

  if (read_file_at(AT_FDCWD, "/proc/sys/fs/nr_open", &text, NULL, NULL) < 0)
    return UINT64_MAX;
  return strtoull(text, NULL, 10);
}

/* setrlimit refuses a hard limit above the current one without CAP_SYS_RESOURCE (checked in
 * the initial user namespace, so a user namespace does not help), and RLIMIT_NOFILE above
 * fs.nr_open always. The init inherits the runtime's limits: ours are the ones it starts with. */
static void check_rlimits(const oci_process *p, struct check_report *r)
{
  bool privileged = has_sys_resource();

  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *rl = p->rlimits[i];
    struct rlimit now;
    char path[48];
    int resource;

    if (rl == NULL || (resource = rlimit_from_name(rl->type)) < 0 || getrlimit(resource, &now) < 0)
      continue;
    snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
    if (resource == RLIMIT_NOFILE && rl->hard > nr_open()) {
      report_finding(r, FINDING_ERROR, path, "lower hard to fs.nr_open or below",
                     "setrlimit %s (soft %" PRIu64 ", hard %" PRIu64
                     "): Operation not permitted (above fs.nr_open %" PRIu64 ")",
                     rl->type, rl->soft, rl->hard, nr_open());
    } else if (!privileged && (rlim_t)rl->hard > now.rlim_max) {
      char have[24];
      if (now.rlim_max == RLIM_INFINITY)
        snprintf(have, sizeof(have), "unlimited");
      else
        snprintf(have, sizeof(have), "%" PRIu64, (uint64_t)now.rlim_max);
      report_finding(r, FINDING_ERROR, path,
                     "lower hard to the runtime's hard limit, or run the runtime with "
                     "CAP_SYS_RESOURCE",
                     "setrlimit %s (soft %" PRIu64 ", hard %" PRIu64
                     "): Operation not permitted (the runtime's hard limit is %s and it lacks "
                     "CAP_SYS_RESOURCE)",
                     rl->type, rl->soft, rl->hard, have);
    }
  }
}

/* ---- paths inside the rootfs ------------------------------------------------------------ */

/* The index of the mount whose destination covers path ("/usr" covers "/usr/bin/sh"), or -1:
 * what lies there comes from the mount, not from the rootfs. */
static long covering_mount(const oci_config *config, const char *path)
{
  long found = -1;

  for (size_t i = 0; i < config->mounts_len; i++) {
    const char *d = config->mounts[i] ? config->mounts[i]->destination : NULL;
    size_t len;
    if (d == NULL)
      continue;
    while (d[0] == '/' && d[1] == '/')
      d++;
    len = strlen(d);
    while (len > 1 && d[len - 1] == '/')
      len--;
    if (strncmp(path, d, len) == 0 && (path[len] == '/' || path[len] == '\0' || len == 1))
      found = (long)i;
  }
  return found;
}

struct lookup_ctx {
  const oci_config *config;
  int rootfd;
  const char *cwd;
  long mount; /* set when a candidate lies under a mount: the rootfs cannot tell */
};

static char *absolute_in(const char *cwd, const char *path)
{
  if (path[0] == '/')
    return xstrdup(path);
  return xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
}

/* process_lookup_executable's test of a candidate, by fd inside the rootfs. The init runs the
 * lookup as root, for whom any execute bit will do. */
static int executable_in_root(void *opaque, const char *path, char *why, size_t len)
{
  struct lookup_ctx *ctx = opaque;
  autofree char *full = absolute_in(ctx->cwd, path);
  ocirun_error err = {0};
  autoclose int fd = -1;
  struct stat st;
  int e;

  if (ctx->mount < 0 && covering_mount(ctx->config, full) >= 0) {
    ctx->mount = covering_mount(ctx->config, full);
    return 0;
  }
  fd = open_in_root(ctx->rootfd, full, O_PATH, &err);
  if (fd < 0 || fstat(fd, &st) < 0) {
    char text[128];
    e = fd < 0 ? (err.errnum ? err.errnum : ENOENT) : errno;
    go_errno_text(e, text, sizeof(text));
    snprintf(why, len, "stat %s: %s", path, text);
    return e;
  }
  if (S_ISDIR(st.st_mode))
    e = EISDIR;
  else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
    e = EACCES;
  else
    return 0;
  go_errno_text(e, why, len);
  return e;
}

static void check_args0(const oci_config *config, int rootfd, struct check_report *r)
{
  struct lookup_ctx ctx = {.config = config, .rootfd = rootfd, .mount = -1};
  ocirun_error err = {0};
  char found[PATH_MAX];

  ctx.cwd = config->process->cwd ? config->process->cwd : "/";
  if (process_lookup_executable(config->process, executable_in_root, &ctx, found, &err) < 0) {
    report_finding(r, FINDING_ERROR, "process.args[0]",
                   "put the program into the rootfs, or name it by its path inside the rootfs",
                   "%s", err.msg);
    return;
  }
  if (ctx.mount >= 0)
    report_finding(r, FINDING_WARNING, "process.args[0]", NULL,
                   "\"%s\" is looked up at \"%s\", below mounts[%ld]: not checked", found, found,
                   ctx.mount);
}

/* The init makes a missing cwd (process.c); a component that is not a directory fails. */
static void check_cwd(const oci_config *config, int rootfd, struct check_report *r)
{
  const char *cwd = config->process->cwd;
  ocirun_error err = {0};
  autoclose int fd = -1;
  struct stat st;

  if (cwd == NULL || cwd[0] != '/' || covering_mount(config, cwd) >= 0)
    return;
  fd = open_in_root(rootfd, cwd, O_PATH, &err);
  /* The cwd is made after root.readonly took effect: on a read-only root it cannot be. */
  if (fd < 0 && err.errnum == ENOENT && config->root && config->root->readonly) {
    report_finding(r, FINDING_ERROR, "process.cwd",
                   "create the directory in the rootfs, or mount something there",
                   "chdir to cwd (\"%s\") set in config.json failed: %s (root.readonly is "
                   "true)",
                   cwd, strerror(EROFS));
    return;
  }
  if (fd < 0 && err.errnum == ENOENT) {
    report_finding(r, FINDING_WARNING, "process.cwd", NULL,
                   "\"%s\" does not exist in the rootfs: create makes it", cwd);
    return;
  }
  if (fd < 0 && err.errnum == ENOTDIR) {
    report_finding(r, FINDING_ERROR, "process.cwd", "name a directory",
                   "chdir to cwd (\"%s\") set in config.json failed: %s", cwd, strerror(ENOTDIR));
    return;
  }
  if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
    report_finding(r, FINDING_ERROR, "process.cwd", "name a directory",
                   "chdir to cwd (\"%s\") set in config.json failed: %s", cwd, strerror(ENOTDIR));
}

void check_bundle_process(const oci_config *config, const char *rootfs, bool in_userns,
                          struct check_report *r)
{
  autoclose int rootfd = -1;

  if (config->process == NULL)
    return;
  check_capabilities(config->process->capabilities, in_userns, r);
  check_rlimits(config->process, r);
  if (rootfs == NULL)
    return;
  rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return;
  check_cwd(config, rootfd, r);
  /* A missing cwd is created empty: a relative args[0] is then looked up in nothing. */
  check_args0(config, rootfd, r);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bundle findings that depend on the kernel: namespace kinds it lacks (clone or unshare
 * would fail with EINVAL), seccomp actions it lacks (libseccomp refuses the rule), and the
 * LSM settings create ignores. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "namespaces.h"
#include "seccomp_profile.h"
#include "utils.h"

static void check_namespaces(const oci_linux *lx, struct check_report *r)
{
  for (size_t i = 0; lx && i < lx->namespaces_len; i++) {
    const oci_namespace *ns = lx->namespaces[i];
    const struct ns_kind *kind = ns && ns->type ? ns_kind_from_type(ns->type) : NULL;
    char path[64];

    /* Joining by path was checked by ns_plan_make (it opens the path). */
    if (kind == NULL || (ns->path && ns->path[0]))
      continue;
    if (host_has_namespace(kind->proc_name))
      continue;
    snprintf(path, sizeof(path), "linux.namespaces[%zu]", i);
    report_finding(r, FINDING_ERROR, path,
                   "remove it, or run on a kernel built with this namespace",
                   "this kernel has no %s namespace (no /proc/self/ns/%s): creating it fails",
                   kind->type, kind->proc_name);
  }
}

/* The spec's action names and the kernel's words for them in actions_avail. */
static const char *kernel_action(const char *action)
{
  static const struct {
    const char *spec, *kernel;
  } map[] = {
      {"SCMP_ACT_KILL", "kill_thread"},
      {"SCMP_ACT_KILL_THREAD", "kill_thread"},
      {"SCMP_ACT_KILL_PROCESS", "kill_process"},
      {"SCMP_ACT_TRAP", "trap"},
      {"SCMP_ACT_ERRNO", "errno"},
      {"SCMP_ACT_TRACE", "trace"},
      {"SCMP_ACT_ALLOW", "allow"},
      {"SCMP_ACT_LOG", "log"},
      {"SCMP_ACT_NOTIFY", "user_notif"},
  };

  for (size_t i = 0; action && i < sizeof(map) / sizeof(map[0]); i++)
    if (strcmp(map[i].spec, action) == 0)
      return map[i].kernel;
  return NULL;
}

static bool word_in(const char *list, const char *word)
{
  size_t len = strlen(word);

  for (const char *p = list; (p = strstr(p, word)) != NULL; p += len)
    if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
      return true;
  return false;
}

static void check_action(const char *avail, const char *action, const char *path,
                         struct check_report *r)
{
  const char *word = kernel_action(action);

  if (word == NULL || word_in(avail, word))
    return;
  report_finding(r, FINDING_ERROR, path, "use an action this kernel lists in actions_avail",
                 "%s: this kernel lacks the \"%s\" seccomp action (actions_avail: %s)", action,
                 word, avail);
}

/* create connects to the agent at listenerPath and fails when nothing listens there. A path
 * socket can be looked at without talking to the agent; an abstract one ("@name") cannot. */
static void check_listener(const oci_seccomp *s, struct check_report *r)
{
  struct stat st;

  if (!seccomp_uses_notify(s) || s->listenerPath == NULL || s->listenerPath[0] == '@')
    return;
  if (stat(s->listenerPath, &st) < 0 || !S_ISSOCK(st.st_mode))
    report_finding(r, FINDING_ERROR, "linux.seccomp.listenerPath",
                   "start the seccomp agent first, listening on that path",
                   "\"%s\" is %s: create fails to connect with the seccomp agent", s->listenerPath,
                   errno == ENOENT ? "missing" : "not a unix socket");
}

static void check_seccomp(const oci_seccomp *s, struct check_report *r)
{
  autofree char *avail = NULL;

  if (s == NULL)
    return;
  avail = host_seccomp_actions();
  if (avail == NULL) {
    report_finding(r, FINDING_ERROR, "linux.seccomp", "remove linux.seccomp on this host",
                   "this kernel has no seccomp filters (no /proc/sys/kernel/seccomp)");
    return;
  }
  check_action(avail, s->defaultAction, "linux.seccomp.defaultAction", r);
  check_listener(s, r);
  for (size_t i = 0; i < s->syscalls_len; i++) {
    char path[64];
    if (s->syscalls[i] == NULL)
      continue;
    snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].action", i);
    check_action(avail, s->syscalls[i]->action, path, r);
  }
}

void check_bundle_kernel(const oci_config *config, struct check_report *r)
{
  check_namespaces(config->linux, r);
  if (config->linux)
    check_seccomp(config->linux->seccomp, r);
}

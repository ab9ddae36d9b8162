/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "idmap_helper.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ns_kind ns_kinds[NS_KINDS] = {
    {"user", "user", CLONE_NEWUSER},       {"pid", "pid", CLONE_NEWPID},
    {"network", "net", CLONE_NEWNET},      {"ipc", "ipc", CLONE_NEWIPC},
    {"uts", "uts", CLONE_NEWUTS},          {"mount", "mnt", CLONE_NEWNS},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};

const struct ns_kind *ns_kind_from_type(const char *type)
{
  for (int i = 0; i < NS_KINDS; i++)
    if (strcmp(ns_kinds[i].type, type) == 0)
      return &ns_kinds[i];
  return NULL;
}

const struct ns_kind *ns_kind_from_flag(int clone_flag)
{
  for (int i = 0; i < NS_KINDS; i++)
    if (ns_kinds[i].clone_flag == clone_flag)
      return &ns_kinds[i];
  return NULL;
}

static int open_ns_path(const oci_namespace *ns, size_t idx, const struct ns_kind *kind,
                        ocirun_error *err)
{
  int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
  int actual;

  if (fd < 0)
    return error_set(err, errno, "config.json: linux.namespaces[%zu]: open \"%s\"", idx, ns->path);
  actual = ioctl(fd, NS_GET_NSTYPE);
  if (actual < 0) {
    int saved = errno;
    close(fd);
    return error_set(err, saved, "config.json: linux.namespaces[%zu]: \"%s\" is not a namespace",
                     idx, ns->path);
  }
  if (actual != kind->clone_flag) {
    const struct ns_kind *other = ns_kind_from_flag(actual);
    close(fd);
    return error_set(err, 0, "config.json: linux.namespaces[%zu]: \"%s\" is a %s namespace, not %s",
                     idx, ns->path, other ? other->type : "unknown", kind->type);
  }
  return fd;
}

int ns_plan_make(const oci_config *config, struct ns_plan *plan, ocirun_error *err)
{
  const oci_linux *lx = config->linux;
  int seen = 0;

  memset(plan, 0, sizeof(*plan));
  if (lx == NULL || lx->namespaces == NULL)
    return 0;

  /* Visit in ns_kinds[] order so that joins happen user first. */
  for (int k = 0; k < NS_KINDS; k++) {
    for (size_t i = 0; i < lx->namespaces_len; i++) {
      const oci_namespace *ns = lx->namespaces[i];
      const struct ns_kind *kind = ns_kind_from_type(ns->type);
      if (kind == NULL) {
        ns_plan_close(plan);
        return error_set(err, 0,
                         "config.json: linux.namespaces[%zu].type: unknown namespace \"%s\"", i,
                         ns->type);
      }
      if (kind != &ns_kinds[k])
        continue;
      if (seen & kind->clone_flag) {
        ns_plan_close(plan);
        return error_set(err, 0, "config.json: linux.namespaces[%zu]: duplicate namespace \"%s\"",
                         i, ns->type);
      }
      seen |= kind->clone_flag;
      if (ns->path && ns->path[0]) {
        int fd = open_ns_path(ns, i, kind, err);
        if (fd < 0) {
          ns_plan_close(plan);
          return -1;
        }
        plan->join_fds[plan->njoin] = fd;
        plan->join_flags[plan->njoin++] = kind->clone_flag;
      } else {
        plan->create_flags |= kind->clone_flag;
      }
    }
  }
  plan->mount_ns = (seen & CLONE_NEWNS) != 0;
  plan->uts_ns = (seen & CLONE_NEWUTS) != 0;
  plan->needs_intermediate = plan->njoin > 0 || (plan->create_flags & CLONE_NEWTIME);
  return 0;
}

void ns_plan_close(struct ns_plan *plan)
{
  for (int i = 0; i < plan->njoin; i++)
    if (plan->join_fds[i] >= 0)
      close(plan->join_fds[i]);
  plan->njoin = 0;
}

int ns_plan_join(const struct ns_plan *plan, ocirun_error *err)
{
  for (int i = 0; i < plan->njoin; i++) {
    if (setns(plan->join_fds[i], plan->join_flags[i]) < 0)
      return error_set(err, errno, "join %s namespace",
                       ns_kind_from_flag(plan->join_flags[i])->type);
  }
  return 0;
}

static char *format_id_map(oci_id_mapping **maps, size_t n)
{
  size_t cap = 64 * n + 1, used = 0;
  char *out = xmalloc(cap);

  out[0] = '\0';
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(
        out + used, cap - used, "%llu %llu %llu\n", (unsigned long long)maps[i]->containerID,
        (unsigned long long)maps[i]->hostID, (unsigned long long)maps[i]->size);
  return out;
}

static int write_proc_file(pid_t pid, const char *name, const char *data, ocirun_error *err)
{
  char path[64];

  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
  return write_file_at(AT_FDCWD, path, data, strlen(data), err);
}

/* What the kernel lets an unprivileged writer put in a map itself: one id, its own. */
static bool writable_directly(oci_id_mapping **maps, size_t n, unsigned long long own)
{
  return n == 1 && maps[0]->size == 1 && maps[0]->hostID == own;
}

static int write_one_map(pid_t pid, const char *what, oci_id_mapping **maps, size_t n, bool direct,
                         const char *helper, ocirun_error *err)
{
  autofree char *text = NULL;
  char file[16];

  if (!direct)
    return idmap_helper_run(helper, what, pid, maps, n, err);
  snprintf(file, sizeof(file), "%s_map", what);
  text = format_id_map(maps, n);
  if (write_proc_file(pid, file, text, err) < 0)
    return error_prefix(err, "user namespace: write %s mappings", what);
  return 0;
}

int ns_write_id_maps(pid_t pid, const oci_linux *lx, bool unprivileged, ocirun_error *err)
{
  bool uid_direct = !unprivileged || writable_directly(lx->uidMappings, lx->uidMappings_len,
                                                       (unsigned long long)geteuid());
  bool gid_direct = !unprivileged || writable_directly(lx->gidMappings, lx->gidMappings_len,
                                                       (unsigned long long)getegid());

  /* The kernel takes an unprivileged gid_map only once setgroups is denied; newgidmap
   * decides about setgroups itself. */
  if (unprivileged && gid_direct && lx->gidMappings_len > 0 &&
      write_proc_file(pid, "setgroups", "deny", err) < 0)
    return error_prefix(err, "user namespace");
  if (lx->uidMappings_len > 0 && write_one_map(pid, "uid", lx->uidMappings, lx->uidMappings_len,
                                               uid_direct, NEWUIDMAP_PATH, err) < 0)
    return -1;
  if (lx->gidMappings_len > 0 && write_one_map(pid, "gid", lx->gidMappings, lx->gidMappings_len,
                                               gid_direct, NEWGIDMAP_PATH, err) < 0)
    return -1;
  return 0;
}

void ns_become_root(void)
{
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
    errno = 0;
}

int ns_write_time_offsets(const oci_linux *lx, ocirun_error *err)
{
  char buf[256];
  size_t used = 0;

  if (lx->timeOffsets == NULL || lx->timeOffsets->len == 0)
    return 0;
  for (size_t i = 0; i < lx->timeOffsets->len; i++) {
    const oci_time_offset *off = lx->timeOffsets->values[i];
    used +=
        (size_t)snprintf(buf + used, sizeof(buf) - used, "%s %lld %lld\n", lx->timeOffsets->keys[i],
                         (long long)off->secs, (long long)off->nanosecs);
    if (used >= sizeof(buf))
      return error_set(err, 0, "config.json: linux.timeOffsets: too many entries");
  }
  if (write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, used, err) < 0)
    return error_prefix(err, "time namespace: set offsets");
  return 0;
}

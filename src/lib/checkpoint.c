/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun checkpoint`: CRIU dumps the container's process tree (freezing it through its
 * cgroup) into the image directory. What CRIU cannot see for itself is passed with the
 * request: the bind mounts and masked files as external mounts, namespaces the container
 * joined by path as external namespaces, and the init's stdio in descriptors.json for the
 * restore. Without --leave-running the container is removed once the dump succeeded, as
 * runc does; a failed dump leaves the container as it was (CRIU thaws what it froze). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "container.h"
#include "criu_common.h"
#include "log.h"
#include "mounts.h"
#include "state.h"
#include "utils.h"

static oci_config *load_saved_config(struct container *c, ocirun_error *err)
{
  autofree char *data = NULL;
  autofree char *msg = NULL;
  oci_config *config;
  size_t len;

  if (read_file_at(c->dirfd, CONFIG_COPY, &data, &len, err) < 0)
    return NULL;
  config = oci_config_parse_data(data, len, "config.json", &msg);
  if (config == NULL)
    error_set(err, 0, "%s", msg);
  return config;
}

/* net[INODE]:extRootNetNS for a network or pid namespace joined by path. */
static int add_external_namespaces(struct criu_request *r, const oci_config *config,
                                   ocirun_error *err)
{
  const oci_linux *l = config->linux;

  for (size_t i = 0; l && i < l->namespaces_len; i++) {
    const oci_namespace *ns = l->namespaces[i];
    const char *key = criu_ns_key(ns->type);
    struct stat st;

    if (ns->path == NULL || key == NULL)
      continue;
    if (stat(ns->path, &st) < 0)
      return error_set(err, errno, "config.json: linux.namespaces[%zu].path \"%s\"", i, ns->path);
    r->opts.external = xrealloc(r->opts.external, (r->opts.n_external + 1) * sizeof(char *));
    r->opts.external[r->opts.n_external++] =
        criu_keep(r, xasprintf("%s[%llu]:%s", strcmp(ns->type, "network") == 0 ? "net" : "pid",
                               (unsigned long long)st.st_ino, key));
  }
  return 0;
}

/* What the runtime mounted from the host: CRIU records each under a name (here its own
 * path) that the restore maps back to a host source. */
static void add_external_mounts(struct criu_request *r, const oci_config *config, pid_t pid)
{
  const oci_linux *l = config->linux;

  for (size_t i = 0; i < config->mounts_len; i++)
    if (criu_is_bind_mount(config->mounts[i])) {
      autofree char *dest = mount_clean_path(config->mounts[i]->destination);
      criu_add_ext_mount(r, dest, dest);
    }
  /* A masked file is the host's /dev/null bound over it; a masked directory is a tmpfs,
   * which CRIU dumps itself. */
  for (size_t i = 0; l && i < l->maskedPaths_len; i++) {
    autofree char *inside = xasprintf("/proc/%d/root%s", (int)pid, l->maskedPaths[i]);
    struct stat st;
    if (stat(inside, &st) == 0 && !S_ISDIR(st.st_mode))
      criu_add_ext_mount(r, l->maskedPaths[i], "/dev/null");
  }
  for (size_t i = 0; l && i < l->devices_len; i++)
    criu_add_ext_mount(r, l->devices[i]->path, l->devices[i]->path);
}

/* The init's fds 0-2 as the kernel names them ("pipe:[1234]", "/dev/null"…). */
static int write_descriptors(struct criu_request *r, pid_t pid, ocirun_error *err)
{
  char json[3 * (PATH_MAX + 8) + 8];
  size_t off = 0;

  json[off++] = '[';
  for (int fd = 0; fd < 3; fd++) {
    char link[64], target[PATH_MAX];
    ssize_t n;
    snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
    n = readlink(link, target, sizeof(target) - 1);
    target[n < 0 ? 0 : n] = '\0';
    off += (size_t)snprintf(json + off, sizeof(json) - off, "%s\"", fd ? "," : "");
    for (char *p = target; *p && off < sizeof(json) - 16; p++) {
      if (*p == '"' || *p == '\\')
        json[off++] = '\\';
      json[off++] = *p;
    }
    json[off++] = '"';
  }
  json[off++] = ']';
  return write_file_atomic(r->images_fd, CRIU_DESCRIPTORS, json, off, 0600, err);
}

struct dump_notify {
  int status_fd;
};

static int on_dump_notify(void *data, const char *script, pid_t pid, int fd, ocirun_error *err)
{
  struct dump_notify *n = data;

  (void)pid;
  (void)err;
  if (fd >= 0)
    close(fd);
  /* --lazy-pages: the page server is ready for the restore to pull from. */
  if (strcmp(script, "status-ready") == 0 && n->status_fd >= 0) {
    if (write_all(n->status_fd, "", 1) < 0)
      log_warning("cannot write to --status-fd %d: %m", n->status_fd);
    close(n->status_fd);
    n->status_fd = -1;
  }
  return 0;
}

static int check_status_fd(int fd, ocirun_error *err)
{
  int flags = fcntl(fd, F_GETFL);

  if (flags < 0)
    return error_set(err, errno, "invalid --status-fd %d", fd);
  if ((flags & O_ACCMODE) == O_RDONLY)
    return error_set(err, 0, "invalid --status-fd %d: not writable", fd);
  return 0;
}

static int dump(struct container *c, const struct criu_options *o, ocirun_error *err)
{
  struct criu_request r;
  struct dump_notify notify = {.status_fd = -1};
  struct criu_call call = {0};
  struct cgroup *cg = NULL;
  oci_config *config = NULL;
  pid_t pid = (pid_t)c->record->pid;
  int ret = -1;

  if (criu_request_init(&r, o->pre_dump ? CRIU_REQ_TYPE__PRE_DUMP : CRIU_REQ_TYPE__DUMP, o, true,
                        "dump.log", err) < 0)
    goto out;
  config = load_saved_config(c, err);
  if (config == NULL)
    goto out;
  r.opts.root = c->record->rootfs;
  r.opts.has_pid = true;
  r.opts.pid = pid;
  r.opts.has_leave_running = true;
  r.opts.leave_running = o->leave_running || o->pre_dump;
  if (c->record->cgroup) {
    const struct cgroup_dir *freezer;
    cg = cgroup_of_container(c, err);
    if (cg == NULL)
      goto out;
    freezer = cgroup_dir_for(cg, "freezer");
    if (freezer)
      r.opts.freeze_cgroup = freezer->path;
  }
  if (add_external_namespaces(&r, config, err) < 0)
    goto out;
  if (o->lazy_pages && o->status_fd >= 0) {
    if (check_status_fd(o->status_fd, err) < 0)
      goto out;
    notify.status_fd = o->status_fd;
  }
  if (!o->pre_dump) {
    add_external_mounts(&r, config, pid);
    if (write_descriptors(&r, pid, err) < 0)
      goto out;
  }
  call = (struct criu_call){.criu_path = o->criu_path,
                            .req = &r.req,
                            .log_dir = r.log_dir,
                            .log_file = "dump.log",
                            .notify = on_dump_notify,
                            .data = &notify};
  log_debug("checkpoint %s: pid %d into %s", c->id, (int)pid, r.images_dir);
  ret = criu_swrk_call(&call, err);
out:
  if (notify.status_fd >= 0)
    close(notify.status_fd);
  cgroup_free(cg);
  oci_config_free(config);
  criu_request_release(&r);
  return ret;
}

int container_checkpoint(const char *root, const char *id, const struct criu_options *o,
                         ocirun_error *err)
{
  struct container c;
  enum container_status status;
  bool remove;
  int ret = -1;

  if (container_load(root, id, &c, err) < 0)
    return -1;
  status = container_status(&c);
  if (status != STATUS_RUNNING && status != STATUS_PAUSED) {
    error_set(err, 0, "container cannot be checkpointed in %s state", status_name(status));
    container_release(&c);
    return -1;
  }
  ret = dump(&c, o, err);
  remove = ret == 0 && !o->leave_running && !o->pre_dump;
  container_release(&c);
  /* The processes are gone (CRIU killed them after the dump): the container goes too. */
  if (remove) {
    ocirun_error ignored = {0};
    if (container_delete(root, id, true, &ignored) < 0)
      log_warning("checkpoint %s: removing the container: %s", id, ignored.msg);
  }
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun restore`: container_create has made the state directory and the cgroup; here CRIU
 * rebuilds the process tree from the image. The rootfs is bound onto <state>/criu-root for
 * CRIU to use as the root of the restored mount namespace, the mount points of config mounts
 * are made in it, the bind mounts' host sources are passed as external mounts, namespaces
 * the container joins by path are passed as fds (network, pid) or joined (the others), and
 * criu itself is put in the container's cgroup, which becomes the cgroup root it restores
 * into. CRIU's notifications bring the new network namespace's loopback up and run the
 * prestart hooks (setup-namespaces), give us the new init's pid (post-restore) and the new
 * pty master of a terminal (orphan-pts-master), which goes to the console socket. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootstrap.h"
#include "cgroup/cgroup.h"
#include "criu_common.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "mounts.h"
#include "net.h"
#include "pathres.h"
#include "state.h"
#include "sync.h"
#include "utils.h"

#define CRIU_ROOT "criu-root"

struct restore_run {
  const struct restore_target *t;
  struct criu_request r;
  char *criu_root; /* the bind of the rootfs, or NULL */
  int extra[4];
  int nextra;
  pid_t pid; /* from post-restore */
};

static const char *criu_ns_name(const char *type)
{
  static const char *const names[][2] = {{"mount", "mnt"},     {"network", "net"}, {"pid", "pid"},
                                         {"uts", "uts"},       {"ipc", "ipc"},     {"user", "user"},
                                         {"cgroup", "cgroup"}, {"time", "time"}};

  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strcmp(type, names[i][0]) == 0)
      return names[i][1];
  return type;
}

static int add_namespaces(struct restore_run *rr, ocirun_error *err)
{
  const oci_linux *l = rr->t->config->linux;
  CriuOpts *opts = &rr->r.opts;

  for (size_t i = 0; l && i < l->namespaces_len; i++) {
    const oci_namespace *ns = l->namespaces[i];
    const char *key = criu_ns_key(ns->type);

    if (ns->path == NULL)
      continue;
    if (key) {
      InheritFd *in = xcalloc(1, sizeof(*in));
      int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return error_set(err, errno, "config.json: linux.namespaces[%zu].path \"%s\"", i, ns->path);
      rr->extra[rr->nextra] = fd;
      inherit_fd__init(in);
      in->key = (char *)key;
      in->fd = 4 + rr->nextra++;
      opts->inherit_fd = xrealloc(opts->inherit_fd, (opts->n_inherit_fd + 1) * sizeof(*in));
      opts->inherit_fd[opts->n_inherit_fd++] = in;
    } else if (strcmp(ns->type, "cgroup") == 0) {
      return error_set(err, 0, "restore: joining a cgroup namespace by path is not supported");
    } else {
      JoinNamespace *j = xcalloc(1, sizeof(*j));
      join_namespace__init(j);
      j->ns = (char *)criu_ns_name(ns->type);
      j->ns_file = ns->path;
      opts->join_ns = xrealloc(opts->join_ns, (opts->n_join_ns + 1) * sizeof(*j));
      opts->join_ns[opts->n_join_ns++] = j;
    }
  }
  return 0;
}

static bool under_tmpfs(const oci_config *config, const char *dest)
{
  for (size_t i = 0; i < config->mounts_len; i++) {
    const oci_mount *m = config->mounts[i];
    size_t n = strlen(m->destination);
    if (m->type && strcmp(m->type, "tmpfs") == 0 && strncmp(dest, m->destination, n) == 0 &&
        dest[n] == '/')
      return true;
  }
  return false;
}

/* CRIU mounts onto the mount points the image names; a fresh rootfs may lack them. */
static int make_mount_points(struct restore_run *rr, ocirun_error *err)
{
  const oci_config *config = rr->t->config;
  autoclose int rootfd = open(rr->t->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return error_set(err, errno, "rootfs \"%s\"", rr->t->rootfs);
  for (size_t i = 0; i < config->mounts_len; i++) {
    const oci_mount *m = config->mounts[i];
    autofree char *source = NULL;
    struct stat st;
    int fd;

    if ((m->type && strcmp(m->type, "cgroup") == 0) || under_tmpfs(config, m->destination))
      continue;
    if (criu_is_bind_mount(m) && m->source) {
      source =
          m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", rr->t->bundle, m->source);
      if (stat(source, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fd = mkfile_in_root(rootfd, m->destination, 0644, err);
        goto made;
      }
    }
    fd = mkdir_in_root(rootfd, m->destination, 0755, err);
  made:
    if (fd < 0)
      return error_prefix(err, "restore: mount point of mounts[%zu]", i);
    close(fd);
  }
  return 0;
}

static void add_external_mounts(struct restore_run *rr)
{
  const oci_config *config = rr->t->config;
  const oci_linux *l = config->linux;

  for (size_t i = 0; i < config->mounts_len; i++) {
    const oci_mount *m = config->mounts[i];
    autofree char *source = NULL, *dest = NULL;
    if (!criu_is_bind_mount(m) || m->source == NULL)
      continue;
    source =
        m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", rr->t->bundle, m->source);
    /* the key checkpoint wrote: the clean destination ("/data/" and "//data" are "/data") */
    dest = mount_clean_path(m->destination);
    criu_add_ext_mount(&rr->r, dest, source);
  }
  if (l && l->maskedPaths_len > 0)
    criu_add_ext_mount(&rr->r, "/dev/null", "/dev/null");
  for (size_t i = 0; l && i < l->devices_len; i++)
    criu_add_ext_mount(&rr->r, l->devices[i]->path, l->devices[i]->path);
}

/* Pipes among the dumped init's stdio are replaced by ours (fds 0-2 of criu), so that
 * whoever restores (conmon, a shell) gets the output. */
static int add_inherited_stdio(struct restore_run *rr, ocirun_error *err)
{
  autofree char *data = NULL;
  CriuOpts *opts = &rr->r.opts;
  char *p;
  int fd = 0;

  if (read_file_at(rr->r.images_fd, CRIU_DESCRIPTORS, &data, NULL, err) < 0)
    return error_prefix(err, "restore: image has no %s", CRIU_DESCRIPTORS);
  /* A JSON array of three strings, as checkpoint writes it. */
  for (p = strchr(data, '"'); p && fd < 3; fd++) {
    char *end = strchr(p + 1, '"');
    if (end == NULL)
      break;
    *end = '\0';
    if (strncmp(p + 1, "pipe:", 5) == 0) {
      InheritFd *in = xcalloc(1, sizeof(*in));
      inherit_fd__init(in);
      in->key = criu_keep(&rr->r, xstrdup(p + 1));
      in->fd = fd;
      opts->inherit_fd = xrealloc(opts->inherit_fd, (opts->n_inherit_fd + 1) * sizeof(*in));
      opts->inherit_fd[opts->n_inherit_fd++] = in;
    }
    p = strchr(end + 1, '"');
  }
  return 0;
}

static int bind_criu_root(struct restore_run *rr, ocirun_error *err)
{
  struct container *c = rr->t->c;
  char buf[64];
  autofree char *dir = NULL;

  dir = realpath(fd_path(c->dirfd, buf, sizeof(buf)), NULL);
  if (dir == NULL)
    return error_set(err, errno, "restore: state directory");
  if (mkdirat(c->dirfd, CRIU_ROOT, 0755) < 0)
    return error_set(err, errno, "restore: mkdir %s", CRIU_ROOT);
  rr->criu_root = xasprintf("%s/%s", dir, CRIU_ROOT);
  if (mount(rr->t->rootfs, rr->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0) {
    error_set(err, errno, "restore: bind the rootfs on \"%s\"", rr->criu_root);
    unlinkat(c->dirfd, CRIU_ROOT, AT_REMOVEDIR);
    free(rr->criu_root);
    rr->criu_root = NULL;
    return -1;
  }
  return 0;
}

static void unbind_criu_root(struct restore_run *rr)
{
  if (rr->criu_root == NULL)
    return;
  umount2(rr->criu_root, MNT_DETACH);
  unlinkat(rr->t->c->dirfd, CRIU_ROOT, AT_REMOVEDIR);
  free(rr->criu_root);
  rr->criu_root = NULL;
}

/* criu joins the container's cgroup; its cgroups become the roots CRIU restores under. */
static int before_request(void *data, pid_t criu_pid, CriuReq *req, ocirun_error *err)
{
  struct restore_run *rr = data;
  autofree char *path = xasprintf("/proc/%d/cgroup", (int)criu_pid);
  autofree char *text = NULL;
  CriuOpts *opts = req->opts;
  size_t lines = 0;

  if (rr->t->cgroup == NULL)
    return 0;
  if (cgroup_enter(rr->t->cgroup, criu_pid, err) < 0)
    return error_prefix(err, "restore: put criu in the container's cgroup");
  if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
    return -1;
  for (char *l = text; *l; l++)
    lines += *l == '\n';
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char *ctrl = strchr(line, ':'), *dir;
    CgroupRoot *root;
    if (ctrl == NULL || (dir = strchr(ctrl + 1, ':')) == NULL)
      continue;
    *dir++ = '\0';
    ctrl++;
    root = xcalloc(1, sizeof(*root));
    cgroup_root__init(root);
    /* A pure cgroup2 host: one root for everything. */
    root->ctrl = lines == 1 ? NULL : criu_keep(&rr->r, xstrdup(ctrl));
    root->path = criu_keep(&rr->r, xstrdup(dir));
    opts->cg_root = xrealloc(opts->cg_root, (opts->n_cg_root + 1) * sizeof(root));
    opts->cg_root[opts->n_cg_root++] = root;
  }
  return 0;
}

/* The restored network namespace is empty (see criu_request_init): lo comes up, as in a new
 * container. */
static int loopback_up_in(pid_t pid, ocirun_error *err)
{
  autofree char *path = xasprintf("/proc/%d/ns/net", (int)pid);
  autoclose int ns = open(path, O_RDONLY | O_CLOEXEC);
  pid_t child;
  int status;

  if (ns < 0)
    return error_set(err, errno, "open %s", path);
  child = fork();
  if (child < 0)
    return error_set(err, errno, "fork");
  if (child == 0) {
    ocirun_error e = {0};
    _exit(setns(ns, CLONE_NEWNET) < 0 || net_loopback_up(&e) < 0 ? 1 : 0);
  }
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR)
      return error_set(err, errno, "wait");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return error_set(err, 0, "bring lo up in the restored network namespace");
  return 0;
}

static int run_prestart_hooks(struct restore_run *rr, pid_t pid, ocirun_error *err)
{
  const oci_hooks *h = rr->t->config->hooks;
  struct container *c = rr->t->c;
  autofree char *state = NULL;

  if (h == NULL || (h->prestart_len == 0 && h->createRuntime_len == 0))
    return 0;
  c->record->pid = pid;
  c->record->has_pid = true;
  state = container_state_json(c, STATUS_CREATED, false, err);
  if (state == NULL)
    return -1;
  if (hooks_run(h->prestart, h->prestart_len, "prestart", state, err) < 0 ||
      hooks_run(h->createRuntime, h->createRuntime_len, "createRuntime", state, err) < 0)
    return -1;
  return 0;
}

static int on_restore_notify(void *data, const char *script, pid_t pid, int fd, ocirun_error *err)
{
  struct restore_run *rr = data;
  int ret = 0;

  if (strcmp(script, "setup-namespaces") == 0) {
    const oci_linux *l = rr->t->config->linux;
    bool own_netns = false;
    for (size_t i = 0; l && i < l->namespaces_len; i++)
      if (strcmp(l->namespaces[i]->type, "network") == 0 && l->namespaces[i]->path == NULL)
        own_netns = true;
    if (own_netns && loopback_up_in(pid, err) < 0)
      ret = -1;
    else
      ret = run_prestart_hooks(rr, pid, err);
  } else if (strcmp(script, "post-restore") == 0) {
    /* The restored init, as create records the one it spawned. */
    rr->pid = pid;
    rr->t->c->record->pid = pid;
    rr->t->c->record->has_pid = true;
  } else if (strcmp(script, "orphan-pts-master") == 0) {
    if (fd < 0)
      ret = error_set(err, 0, "criu sent no pty master with orphan-pts-master");
    else if (rr->t->console_sock < 0)
      ret = error_set(err, 0, "the restored container has a terminal: use --console-socket");
    else
      ret = send_fd(rr->t->console_sock, fd, "console", err);
  }
  if (fd >= 0)
    close(fd);
  return ret;
}

int criu_restore(const struct criu_options *o, const struct restore_target *t, pid_t *pid,
                 ocirun_error *err)
{
  struct restore_run rr = {.t = t};
  struct criu_call call;
  CriuOpts *opts = &rr.r.opts;
  int ret = -1;

  if (criu_request_init(&rr.r, CRIU_REQ_TYPE__RESTORE, o, false, "restore.log", err) < 0)
    goto out;
  opts->has_evasive_devices = true;
  opts->evasive_devices = true;
  opts->has_rst_sibling = true;
  opts->rst_sibling = true;
  opts->lsm_profile = (char *)o->lsm_profile;
  opts->lsm_mount_context = (char *)o->lsm_mount_context;
  if (add_inherited_stdio(&rr, err) < 0 || add_namespaces(&rr, err) < 0 ||
      make_mount_points(&rr, err) < 0)
    goto out;
  add_external_mounts(&rr);
  if (bind_criu_root(&rr, err) < 0)
    goto out;
  opts->root = rr.criu_root;
  call = (struct criu_call){.criu_path = o->criu_path,
                            .req = &rr.r.req,
                            .extra_fds = rr.extra,
                            .nextra = rr.nextra,
                            .log_dir = rr.r.log_dir,
                            .log_file = "restore.log",
                            .before_request = before_request,
                            .notify = on_restore_notify,
                            .data = &rr};
  log_debug("restore %s from %s", t->c->id, rr.r.images_dir);
  ret = criu_swrk_call(&call, err);
  if (ret == 0 && rr.pid <= 0)
    ret = error_set(err, 0, "criu restored nothing (no post-restore notification)");
  if (ret < 0 && rr.pid > 0)
    kill(rr.pid, SIGKILL);
  if (ret == 0)
    *pid = rr.pid;
out:
  unbind_criu_root(&rr);
  for (int i = 0; i < rr.nextra; i++)
    close(rr.extra[i]);
  criu_request_release(&rr.r);
  return ret;
}

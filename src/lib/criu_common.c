/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "criu_common.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utils.h"

int criu_parse_cgroup_mode(const char *mode, int *out, ocirun_error *err)
{
  static const struct {
    const char *name;
    CriuCgMode mode;
  } modes[] = {{"soft", CRIU_CG_MODE__SOFT},
               {"full", CRIU_CG_MODE__FULL},
               {"strict", CRIU_CG_MODE__STRICT},
               {"ignore", CRIU_CG_MODE__IGNORE}};

  for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
    if (strcmp(mode, modes[i].name) == 0) {
      *out = modes[i].mode;
      return 0;
    }
  return error_set(
      err, 0, "--manage-cgroups-mode: invalid value \"%s\" (soft, full, strict, ignore)", mode);
}

int criu_ns_flag(const char *type)
{
  static const struct {
    const char *type;
    int flag;
  } kinds[] = {{"mount", CLONE_NEWNS},      {"pid", CLONE_NEWPID},  {"network", CLONE_NEWNET},
               {"uts", CLONE_NEWUTS},       {"ipc", CLONE_NEWIPC},  {"user", CLONE_NEWUSER},
               {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}};

  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (strcmp(type, kinds[i].type) == 0)
      return kinds[i].flag;
  return 0;
}

int criu_parse_empty_ns(const char *name, unsigned *mask, ocirun_error *err)
{
  /* runc accepts the network namespace only: CRIU restores no other kind empty. */
  if (strcmp(name, "network") != 0)
    return error_set(err, 0, "--empty-ns: namespace \"%s\" is not supported (only \"network\")",
                     name);
  *mask |= CLONE_NEWNET;
  return 0;
}

const char *criu_ns_key(const char *type)
{
  if (strcmp(type, "network") == 0)
    return "extRootNetNS";
  if (strcmp(type, "pid") == 0)
    return "extRootPidNS";
  return NULL;
}

bool criu_is_bind_mount(const oci_mount *m)
{
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
      return true;
  return false;
}

char *criu_keep(struct criu_request *r, char *s)
{
  r->strings = xrealloc(r->strings, (r->nstrings + 1) * sizeof(char *));
  r->strings[r->nstrings++] = s;
  return s;
}

void criu_add_ext_mount(struct criu_request *r, const char *key, const char *val)
{
  ExtMountMap *m = xcalloc(1, sizeof(*m));

  ext_mount_map__init(m);
  m->key = criu_keep(r, xstrdup(key));
  m->val = criu_keep(r, xstrdup(val));
  r->ext = xrealloc(r->ext, (r->next + 1) * sizeof(*r->ext));
  r->ext[r->next++] = m;
  r->opts.ext_mnt = r->ext;
  r->opts.n_ext_mnt = r->next;
}

static int open_dir(const char *path, bool create, const char *what, ocirun_error *err)
{
  int fd;

  if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
    return error_set(err, errno, "%s \"%s\"", what, path);
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return error_set(err, errno, "%s \"%s\"", what, path);
  return fd;
}

static int check_parent_path(const struct criu_request *r, const char *parent, ocirun_error *err)
{
  struct stat st;

  if (parent[0] == '/')
    return error_set(err, 0, "--parent-path must be relative (to --image-path)");
  if (fstatat(r->images_fd, parent, &st, 0) < 0)
    return error_set(err, errno, "invalid --parent-path \"%s\"", parent);
  if (!S_ISDIR(st.st_mode))
    return error_set(err, ENOTDIR, "invalid --parent-path \"%s\"", parent);
  return 0;
}

static int set_page_server(struct criu_request *r, const char *spec, ocirun_error *err)
{
  CriuPageServerInfo *ps = xcalloc(1, sizeof(*ps));
  char *colon = strrchr(spec, ':');
  long long port;

  criu_page_server_info__init(ps);
  r->opts.ps = ps;
  if (colon == NULL || colon == spec || parse_long(colon + 1, &port) < 0 || port <= 0 ||
      port > 65535)
    return error_set(err, 0, "--page-server: use ADDRESS:PORT (got \"%s\")", spec);
  ps->address = criu_keep(r, strndup(spec, (size_t)(colon - spec)));
  ps->has_port = true;
  ps->port = (int32_t)port;
  return 0;
}

int criu_request_init(struct criu_request *r, CriuReqType type, const struct criu_options *o,
                      bool create, const char *log_file, ocirun_error *err)
{
  CriuOpts *opts = &r->opts;

  memset(r, 0, sizeof(*r));
  r->images_fd = r->work_fd = -1;
  criu_req__init(&r->req);
  criu_opts__init(opts);
  r->req.type = type;
  r->req.opts = opts;

  r->images_dir = o->image_path ? realpath(o->image_path, NULL) : NULL;
  if (r->images_dir == NULL) {
    autofree char *cwd = getcwd(NULL, 0);
    const char *given = o->image_path ? o->image_path : "checkpoint";
    r->images_dir = given[0] == '/' ? xstrdup(given) : xasprintf("%s/%s", cwd ? cwd : ".", given);
  }
  r->images_fd = open_dir(r->images_dir, create, "image path", err);
  if (r->images_fd < 0)
    return -1;
  opts->images_dir_fd = r->images_fd;
  r->log_dir = xstrdup(r->images_dir);
  if (o->work_path) {
    r->work_fd = open_dir(o->work_path, true, "work path", err);
    if (r->work_fd < 0)
      return -1;
    opts->has_work_dir_fd = true;
    opts->work_dir_fd = r->work_fd;
    free(r->log_dir);
    r->log_dir = realpath(o->work_path, NULL);
    if (r->log_dir == NULL)
      r->log_dir = xstrdup(o->work_path);
  }
  opts->has_log_level = true;
  opts->log_level = 4;
  opts->log_file = (char *)log_file;
  opts->has_manage_cgroups = true; /* older CRIUs read only this */
  opts->manage_cgroups = true;
  if (o->manage_cgroups_mode) {
    int mode;
    if (criu_parse_cgroup_mode(o->manage_cgroups_mode, &mode, err) < 0)
      return -1;
    opts->has_manage_cgroups_mode = true;
    opts->manage_cgroups_mode = (CriuCgMode)mode;
  }
  opts->has_notify_scripts = true;
  opts->notify_scripts = true;
  opts->has_shell_job = true;
  opts->shell_job = o->shell_job;
  opts->has_tcp_established = true;
  opts->tcp_established = o->tcp_established;
  opts->has_ext_unix_sk = true;
  opts->ext_unix_sk = o->ext_unix_sk;
  opts->has_file_locks = true;
  opts->file_locks = o->file_locks;
  opts->has_auto_dedup = true;
  opts->auto_dedup = o->auto_dedup;
  opts->has_lazy_pages = true;
  opts->lazy_pages = o->lazy_pages;
  opts->has_orphan_pts_master = true;
  opts->orphan_pts_master = true;
  /* runc leaves the network to whoever set it up (CNI, the prestart hooks): the container's
   * network namespace is always restored empty. */
  opts->has_empty_ns = true;
  opts->empty_ns = o->empty_ns | CLONE_NEWNET;
  if (o->tcp_skip_in_flight) {
    opts->has_tcp_skip_in_flight = true;
    opts->tcp_skip_in_flight = true;
  }
  if (o->link_remap) {
    opts->has_link_remap = true;
    opts->link_remap = true;
  }
  if (o->parent_path) {
    if (check_parent_path(r, o->parent_path, err) < 0)
      return -1;
    opts->parent_img = (char *)o->parent_path;
    opts->has_track_mem = true;
    opts->track_mem = true;
  }
  if (o->page_server && set_page_server(r, o->page_server, err) < 0)
    return -1;
  return 0;
}

void criu_request_release(struct criu_request *r)
{
  for (size_t i = 0; i < r->next; i++)
    free(r->ext[i]);
  free(r->ext);
  for (size_t i = 0; i < r->nstrings; i++)
    free(r->strings[i]);
  free(r->strings);
  free(r->opts.ps);
  free(r->opts.external);
  for (size_t i = 0; i < r->opts.n_join_ns; i++)
    free(r->opts.join_ns[i]);
  free(r->opts.join_ns);
  for (size_t i = 0; i < r->opts.n_inherit_fd; i++)
    free(r->opts.inherit_fd[i]);
  free(r->opts.inherit_fd);
  for (size_t i = 0; i < r->opts.n_cg_root; i++)
    free(r->opts.cg_root[i]);
  free(r->opts.cg_root);
  if (r->images_fd >= 0)
    close(r->images_fd);
  if (r->work_fd >= 0)
    close(r->work_fd);
  free(r->images_dir);
  free(r->log_dir);
}

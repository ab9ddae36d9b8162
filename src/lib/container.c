/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootstrap.h"
#include "bundle.h"
#include "cgroup/cgroup.h"
#include "criu.h"
#include "hooks.h"
#include "id.h"
#include "idmapped.h"
#include "init_binary.h"
#include "log.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"
#include "state.h"
#include "terminal.h"
#include "utils.h"

#include "config.h"

/* ---- create ---------------------------------------------------------------------------- */

static int validate_terminal(const oci_config *config, const struct create_options *opts,
                             ocirun_error *err)
{
  bool terminal = config->process && config->process->terminal;

  /* console_fd comes from `run`, which offers it whatever the config says. */
  if (terminal && opts->console_socket == NULL && opts->console_fd < 0)
    return error_set(err, 0,
                     "cannot allocate tty if ocirun will detach without setting console socket");
  if (!terminal && opts->console_socket != NULL)
    return error_set(err, 0, "cannot use console socket if ocirun will not detach or allocate tty");
  return 0;
}

static oci_string_map *string_map_copy(const oci_string_map *m)
{
  oci_string_map *out;

  if (m == NULL)
    return NULL;
  out = xcalloc(1, sizeof(*out));
  out->keys = xcalloc(m->len, sizeof(char *));
  out->values = xcalloc(m->len, sizeof(char *));
  for (size_t i = 0; i < m->len; i++) {
    out->keys[i] = xstrdup(m->keys[i]);
    out->values[i] = xstrdup(m->values[i]);
  }
  out->len = m->len;
  return out;
}

/* The user name of our euid from the host's /etc/passwd, read directly: getpwuid() would load
 * the NSS modules on every create for one field. */
static char *owner_name(void)
{
  autofree char *passwd = NULL;
  char uid[32];

  snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
  if (read_file_at(AT_FDCWD, "/etc/passwd", &passwd, NULL, NULL) == 0) {
    for (char *line = strtok(passwd, "\n"); line; line = strtok(NULL, "\n")) {
      char *name = line, *rest = strchr(line, ':');
      if (rest == NULL || (rest = strchr(rest + 1, ':')) == NULL)
        continue;
      *strchr(line, ':') = '\0';
      if (strncmp(rest + 1, uid, strlen(uid)) == 0 && rest[1 + strlen(uid)] == ':')
        return xstrdup(name);
    }
  }
  return xstrdup(uid);
}

static oci_container_record *new_record(const char *id, const char *bundle, const char *rootfs,
                                        const oci_config *config, bool systemd_cgroup)
{
  oci_container_record *r = xcalloc(1, sizeof(*r));
  char now[64];

  rfc3339_now(now, sizeof(now));
  r->ociVersion = xstrdup(OCI_SPEC_VERSION);
  r->id = xstrdup(id);
  r->bundle = xstrdup(bundle);
  r->rootfs = xstrdup(rootfs);
  r->created = xstrdup(now);
  r->owner = owner_name();
  r->annotations = string_map_copy(config->annotations);
  r->systemdCgroup = systemd_cgroup;
  r->has_systemdCgroup = true;
  return r;
}

/* systemd socket activation, as runc does it: when LISTEN_PID names us, the LISTEN_FDS fds
 * (from 3) pass first, and the process is told it is their listener. */
static int take_listen_fds(oci_process *p)
{
  const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
  long long want_pid, n;

  if (pid == NULL || fds == NULL || parse_long(pid, &want_pid) < 0 || want_pid != getpid() ||
      parse_long(fds, &n) < 0 || n <= 0 || n > 1024)
    return 0;
  p->env = xrealloc(p->env, (p->env_len + 2) * sizeof(char *));
  p->env[p->env_len++] = xasprintf("LISTEN_FDS=%lld", n);
  p->env[p->env_len++] = xstrdup("LISTEN_PID=1");
  return (int)n;
}

static int check_preserved_fds(int count, ocirun_error *err)
{
  for (int fd = 3; fd < 3 + count; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return error_set(err, errno, "--preserve-fds: fd %d", fd);
  return 0;
}

struct create_resources {
  struct bundle b;
  oci_config *config; /* b.config */
  int rootfd;
  struct container c;
  bool state_dir_made;
  struct cgroup *cgroup;
  int fifo_dirfd;
  int console_sock;
  int devnull;
  struct seccomp_program *seccomp;
};

static void release_resources(struct create_resources *r, bool failed)
{
  if (failed && r->cgroup)
    cgroup_destroy(r->cgroup, true, NULL);
  cgroup_free(r->cgroup);
  if (failed && r->state_dir_made)
    state_dir_remove(r->rootfd, r->c.id, NULL);
  container_release(&r->c);
  if (r->rootfd >= 0)
    close(r->rootfd);
  if (r->fifo_dirfd >= 0)
    close(r->fifo_dirfd);
  if (r->console_sock >= 0)
    close(r->console_sock);
  if (r->devnull >= 0)
    close(r->devnull);
  seccomp_program_free(r->seccomp);
  bundle_release(&r->b);
}

/* Everything up to the state directory: parsing and checks that touch nothing. */
static int prepare_create(const struct create_options *opts, struct create_resources *r,
                          struct init_args *args, ocirun_error *err)
{
  if (validate_container_id(opts->id, err) < 0)
    return -1;
  if (bundle_open(opts->bundle, &r->b, err) < 0 || bundle_validate(&r->b, err) < 0)
    return -1;
  r->config = r->b.config;
  if (validate_terminal(r->config, opts, err) < 0)
    return -1;
  if (opts->init) {
    autofree char *init = init_binary_locate(opts->init_path, err);
    if (init == NULL || init_binary_inject(r->config, init, err) < 0)
      return -1;
  }
  /* Before we open anything of our own, which could take a number in the preserved range. */
  args->preserve_fds = take_listen_fds(r->config->process) + opts->preserve_fds;
  if (check_preserved_fds(args->preserve_fds, err) < 0)
    return -1;
  if (bundle_resolve_rootfs(&r->b, err) < 0)
    return -1;
  if (ns_plan_make(r->config, &args->plan, err) < 0)
    return -1;
  args->in_userns = (args->plan.create_flags & CLONE_NEWUSER) != 0;
  for (int i = 0; i < args->plan.njoin; i++)
    if (args->plan.join_flags[i] == CLONE_NEWUSER)
      args->in_userns = true;
  return 0;
}

/* The filter is built here, once, from the program cache in the state root when it has it;
 * the init only loads it. */
static int prepare_seccomp(const oci_config *config, int rootfd, struct seccomp_program **out,
                           ocirun_error *err)
{
  const oci_seccomp *s = config->linux ? config->linux->seccomp : NULL;
  autoclose int cache = -1;

  *out = NULL;
  if (s == NULL)
    return 0;
  cache = seccomp_cache_open(rootfd);
  return seccomp_program_make(s, cache, out, err);
}

/* exec.fifo, which the init blocks on until `start`, and the init's handle on it. */
static int make_exec_fifo(const char *id, struct create_resources *r, ocirun_error *err)
{
  /* 0622: the init may have dropped to an unprivileged uid by the time it opens it. */
  if (mkfifoat(r->c.dirfd, FIFO_FILE, 0622) < 0)
    return error_set(err, errno, "create exec fifo");
  fchmodat(r->c.dirfd, FIFO_FILE, 0622, 0);
  /* A second handle on the state directory for the init: O_PATH, so it does not share the
   * flock, and it opens exec.fifo by name even where the container has no /proc. */
  r->fifo_dirfd = openat(r->rootfd, id, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (r->fifo_dirfd < 0)
    return error_set(err, errno, "open state directory");
  return 0;
}

/* The state directory, exec.fifo, the console connection: things to undo on failure. */
static int acquire_create(const struct create_options *opts, struct create_resources *r,
                          ocirun_error *err)
{
  r->rootfd = state_root_open(opts->root, true, err);
  if (r->rootfd < 0)
    return -1;
  if (state_dir_create(r->rootfd, opts->id, &r->c, err) < 0)
    return -1;
  r->state_dir_made = true;
  r->c.record = new_record(opts->id, r->b.dir, r->b.rootfs, r->config, opts->systemd_cgroup);
  /* exec follows the init: no new session keyring for its processes either */
  r->c.record->noNewKeyring = r->c.record->has_noNewKeyring = opts->no_new_keyring;
  if (opts->no_cgroup)
    r->cgroup = cgroup_none(r->config);
  else if (cgroup_create(r->config, opts->id, opts->systemd_cgroup, &r->cgroup, err) < 0)
    return -1;
  r->c.record->cgroup = cgroup_to_record(r->cgroup);
  if (write_file_atomic(r->c.dirfd, CONFIG_COPY, r->b.raw, strlen(r->b.raw), 0600, err) < 0)
    return -1;
  /* A restored container is running, not waiting to be started: no exec.fifo. */
  if (!opts->restore && make_exec_fifo(opts->id, r, err) < 0)
    return -1;
  if (!(r->config->process->terminal)) {
    /* no terminal: nothing to connect */
  } else if (opts->console_fd >= 0) {
    r->console_sock = fcntl(opts->console_fd, F_DUPFD_CLOEXEC, 3);
    if (r->console_sock < 0)
      return error_set(err, errno, "console socket");
  } else if (opts->console_socket) {
    r->console_sock = console_socket_connect(opts->console_socket, err);
    if (r->console_sock < 0)
      return -1;
  }
  r->devnull = open("/dev/null", O_PATH | O_CLOEXEC);
  return prepare_seccomp(r->config, r->rootfd, &r->seccomp, err);
}

static int restore_spawn(const struct create_options *opts, struct create_resources *r, pid_t *pid,
                         ocirun_error *err)
{
#if HAVE_CRIU
  struct restore_target t = {.config = r->config,
                             .c = &r->c,
                             .cgroup = r->cgroup,
                             .bundle = r->b.dir,
                             .rootfs = r->b.rootfs,
                             .console_sock = r->console_sock};
  return criu_restore(opts->restore, &t, pid, err);
#else
  (void)opts;
  (void)r;
  (void)pid;
  return error_set(err, 0, "restore: ocirun was built without CRIU support");
#endif
}

struct container_run {
  struct container c; /* its dirfd holds the flock only while a step runs */
  oci_config *config;
  struct cgroup *cgroup;
  int rootfd;
};

/* `run`: what create made goes on to start and delete instead of being released. */
static void hand_over(struct create_resources *r, struct container_run **keep)
{
  struct container_run *run = xcalloc(1, sizeof(*run));

  run->c = r->c;
  r->c.dirfd = -1;
  r->c.record = NULL;
  r->c.id = NULL;
  run->config = r->b.config;
  r->b.config = NULL;
  run->cgroup = r->cgroup;
  r->cgroup = NULL;
  cgroup_idle(run->cgroup);
  run->rootfd = r->rootfd;
  r->rootfd = -1;
  /* As after `create`: `state`, `kill` and `list` may look at it meanwhile. */
  flock(run->c.dirfd, LOCK_UN);
  *keep = run;
}

int container_create(const struct create_options *opts, pid_t *pid, ocirun_error *err)
{
  struct create_resources r = {.rootfd = -1, .fifo_dirfd = -1, .console_sock = -1, .devnull = -1};
  struct init_args args = {.fifo_dirfd = -1, .console_sock = -1, .host_devnull = -1};
  int *idmapped_trees = NULL;
  int ret = -1;

  r.c.dirfd = -1;
  for (int i = 0; i < NS_KINDS; i++)
    args.plan.join_fds[i] = -1;
  if (prepare_create(opts, &r, &args, err) < 0 || acquire_create(opts, &r, err) < 0)
    goto out;

  args.config = r.config;
  args.seccomp = r.seccomp;
  args.container = &r.c;
  args.cgroup = r.cgroup;
  args.bundle = r.b.dir;
  args.rootfs = r.b.rootfs;
  args.no_pivot = opts->no_pivot;
  args.no_new_keyring = opts->no_new_keyring;
  args.fifo_dirfd = r.fifo_dirfd;
  args.console_sock = r.console_sock;
  args.host_devnull = r.devnull;
  args.close_in_child[args.nclose++] = r.rootfd;
  args.close_in_child[args.nclose++] = r.c.dirfd;

  log_debug("create %s: bundle %s, rootfs %s", opts->id, r.b.dir, r.b.rootfs);
  if (idmapped_prepare(r.config, r.b.dir, &idmapped_trees, err) < 0)
    goto out;
  args.idmapped_trees = idmapped_trees;
  if (opts->restore ? restore_spawn(opts, &r, pid, err) < 0 : bootstrap_spawn(&args, pid, err) < 0)
    goto out;
  log_debug("create %s: init %d ready", opts->id, (int)*pid);
  r.c.record->initStartTime = process_start_time(*pid, NULL);
  r.c.record->has_initStartTime = true;
  if (container_save(&r.c, err) < 0 ||
      (opts->pid_file && write_pid_file(opts->pid_file, *pid, err) < 0)) {
    kill(*pid, SIGKILL);
    goto out;
  }
  ret = 0;
out:
  ns_plan_close(&args.plan);
  idmapped_release(idmapped_trees, r.config ? r.config->mounts_len : 0);
  if (ret == 0 && opts->keep)
    hand_over(&r, opts->keep);
  release_resources(&r, ret < 0);
  return ret;
}

/* ---- start ----------------------------------------------------------------------------- */

/* Waits for the init to take the start signal; gives up when the init is gone. */
static int release_init(struct container *c, ocirun_error *err)
{
  autoclose int fd = openat(c->dirfd, FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  char byte;

  if (fd < 0)
    return error_set(err, errno, "open exec fifo");
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, 100);
    if (n < 0 && errno != EINTR)
      return error_set(err, errno, "wait on exec fifo");
    if (n > 0) {
      ssize_t got = read(fd, &byte, 1);
      if (got == 1)
        return 0;
      if (got == 0 || (got < 0 && errno != EAGAIN))
        return error_set(err, 0, "container init exited before it could start");
    }
    if (container_status(c) == STATUS_STOPPED)
      return error_set(err, 0, "container init exited before it could start");
  }
}

/* The config copy in the state directory, parsed only when it may hold hooks of that kind
 * (JSON could spell the key with \u escapes: then it is parsed whatever it says). */
static oci_config *load_config_copy(struct container *c, const char *hook_kind)
{
  autofree char *data = NULL;
  autofree char *errmsg = NULL;
  size_t len;

  if (read_file_at(c->dirfd, CONFIG_COPY, &data, &len, NULL) < 0)
    return NULL;
  if (strstr(data, hook_kind) == NULL && strstr(data, "\\u") == NULL)
    return NULL;
  return oci_config_parse_data(data, len, "config.json", &errmsg);
}

/* poststart and poststop failures are warnings (runtime-spec). */
static void run_warning_hooks_of(const oci_config *config, struct container *c, bool poststart)
{
  ocirun_error err = {0};
  autofree char *state = NULL;
  oci_hook **hooks;
  size_t n;

  if (config == NULL || config->hooks == NULL)
    return;
  hooks = poststart ? config->hooks->poststart : config->hooks->poststop;
  n = poststart ? config->hooks->poststart_len : config->hooks->poststop_len;
  if (n == 0)
    return;
  state = container_state_json(c, poststart ? STATUS_RUNNING : STATUS_STOPPED, false, &err);
  /* Each failure is logged as a warning by hooks_run_all; the others still run. */
  if (state != NULL)
    hooks_run_all(hooks, n, poststart ? "poststart" : "poststop", state, &err);
}

static void run_warning_hooks(struct container *c, bool poststart)
{
  oci_config *config = load_config_copy(c, poststart ? "poststart" : "poststop");

  run_warning_hooks_of(config, c, poststart);
  oci_config_free(config);
}

int container_start(const char *root, const char *id, ocirun_error *err)
{
  struct container c;
  int ret = -1;

  if (container_load(root, id, &c, err) < 0)
    return -1;
  switch (container_status(&c)) {
  case STATUS_CREATED:
    break;
  case STATUS_STOPPED:
    error_set(err, 0, "cannot start a container that has stopped");
    goto out;
  case STATUS_PAUSED:
    error_set(err, 0, "cannot start a paused container (resume it first)");
    goto out;
  default:
    error_set(err, 0, "cannot start an already running container");
    goto out;
  }
  if (release_init(&c, err) < 0)
    goto out;
  unlinkat(c.dirfd, FIFO_FILE, 0);
  run_warning_hooks(&c, true);
  ret = 0;
out:
  container_release(&c);
  return ret;
}

/* The held container's flock again, for one step; a state directory removed meanwhile (a
 * `delete --force` from elsewhere) has no links left. */
static int relock(struct container *c, bool *gone, ocirun_error *err)
{
  struct stat st;

  *gone = false;
  if (flock(c->dirfd, LOCK_EX) < 0)
    return error_set(err, errno, "lock state of \"%s\"", c->id);
  if (fstat(c->dirfd, &st) < 0)
    return error_set(err, errno, "stat state of \"%s\"", c->id);
  if (st.st_nlink == 0) {
    *gone = true;
    return error_set(err, 0, "container does not exist");
  }
  return 0;
}

int container_run_start(struct container_run *run, ocirun_error *err)
{
  struct container *c = &run->c;
  bool gone, zombie;
  unsigned long long start;
  int ret = -1;

  if (relock(c, &gone, err) < 0)
    goto out;
  /* Made by us a moment ago: only its init can have gone meanwhile (release_init waits on
   * it otherwise). */
  start = process_start_time((pid_t)c->record->pid, &zombie);
  if (start == 0 || zombie || start != c->record->initStartTime) {
    error_set(err, 0, "cannot start a container that has stopped");
    goto out;
  }
  if (release_init(c, err) < 0)
    goto out;
  unlinkat(c->dirfd, FIFO_FILE, 0);
  run_warning_hooks_of(run->config, c, true);
  ret = 0;
out:
  flock(c->dirfd, LOCK_UN);
  return ret;
}

void container_run_free(struct container_run *run)
{
  if (run == NULL)
    return;
  container_release(&run->c);
  oci_config_free(run->config);
  cgroup_free(run->cgroup);
  if (run->rootfd >= 0)
    close(run->rootfd);
  free(run);
}

/* ---- kill ------------------------------------------------------------------------------ */

/* A pidfd pins the process: once opened and matched against the recorded start time, the
 * signal cannot reach a recycled pid. */
static int open_init_pidfd(struct container *c, ocirun_error *err)
{
  int fd = (int)syscall(SYS_pidfd_open, (pid_t)c->record->pid, 0);

  if (fd < 0)
    return error_set(err, 0, "container not running");
  if (container_status(c) == STATUS_STOPPED) {
    close(fd);
    return error_set(err, 0, "container not running");
  }
  return fd;
}

/* Every process of the container's cgroup; a stopped container's stragglers too (runc).
 * *done is false when the cgroup shows no process (a rootless container may have no cgroup
 * directories at all): then the init alone is signalled, as without --all. */
static int kill_all(struct container *c, int sig, bool *done, ocirun_error *err)
{
  struct cgroup *cg = cgroup_of_container(c, err);
  autofree pid_t *pids = NULL;
  size_t n = 0;
  int ret = 0;

  *done = false;
  if (cg == NULL)
    return -1;
  if (cgroup_pids(cg, &pids, &n, err) < 0)
    ret = -1;
  else if (n > 0) {
    ret = cgroup_signal_all(cg, sig, err);
    *done = true;
  }
  cgroup_free(cg);
  return ret;
}

int container_kill(const char *root, const char *id, int sig, bool all, ocirun_error *err)
{
  struct container c;
  autoclose int pidfd = -1;
  int ret = -1;

  if (container_load(root, id, &c, err) < 0)
    return -1;
  if (all && c.record->cgroup) {
    bool done;
    if (kill_all(&c, sig, &done, err) < 0)
      goto out;
    if (done) {
      ret = 0;
      goto out;
    }
  }
  if (container_status(&c) == STATUS_STOPPED) {
    /* --all on a stopped container with nothing left is not an error (runc). */
    ret = all ? 0 : error_set(err, 0, "container not running");
    goto out;
  }
  pidfd = open_init_pidfd(&c, err);
  if (pidfd < 0)
    goto out;
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
    error_set(err, errno, "kill container init");
    goto out;
  }
  ret = 0;
out:
  container_release(&c);
  return ret;
}

/* ---- delete ---------------------------------------------------------------------------- */

/* status: as the caller found it; a stopped init needs nothing. */
static int kill_and_wait(struct container *c, enum container_status status, ocirun_error *err)
{
  autoclose int pidfd = -1;
  struct pollfd p;

  if (status == STATUS_STOPPED)
    return 0;
  /* Pinned by the pidfd, the pid is checked again: it must still be the init. */
  pidfd = (int)syscall(SYS_pidfd_open, (pid_t)c->record->pid, 0);
  if (pidfd < 0)
    return 0;
  status = container_status(c);
  if (status == STATUS_STOPPED)
    return 0;
  if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return error_set(err, errno, "kill container init");
  /* A frozen init cannot act on SIGKILL until it is thawed. */
  if (status == STATUS_PAUSED) {
    struct cgroup *cg = cgroup_of_container(c, NULL);
    if (cg)
      cgroup_freeze(cg, false, NULL);
    cgroup_free(cg);
  }
  p = (struct pollfd){.fd = pidfd, .events = POLLIN};
  while (poll(&p, 1, 10000) < 0 && errno == EINTR)
    ;
  return 0;
}

/* Whatever is left in the cgroup is killed before its directories go. */
static int destroy_cgroup(struct container *c, ocirun_error *err)
{
  struct cgroup *cg;
  int ret;

  if (c->record->cgroup == NULL)
    return 0;
  cg = cgroup_of_container(c, err);
  if (cg == NULL)
    return -1;
  ret = cgroup_destroy(cg, true, err);
  cgroup_free(cg);
  return ret;
}

int container_delete(const char *root, const char *id, bool force, ocirun_error *err)
{
  struct container c;
  autoclose int rootfd = -1;
  enum container_status status;
  int ret = -1;

  if (validate_container_id(id, err) < 0)
    return -1;
  if (container_load(root, id, &c, err) < 0) {
    /* Another user's container stays another user's, --force or not. */
    if (!force || err->errnum == EACCES)
      return -1;
    /* --force on a missing or half-made container: remove whatever is there. */
    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd >= 0)
      state_dir_remove(rootfd, id, NULL);
    error_clear(err);
    return 0;
  }
  status = container_status(&c);
  if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force) {
    error_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
              status_name(status));
    goto out;
  }
  if (kill_and_wait(&c, status, err) < 0 || destroy_cgroup(&c, err) < 0)
    goto out;
  run_warning_hooks(&c, false);
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 || state_dir_remove(rootfd, id, err) < 0)
    goto out;
  ret = 0;
out:
  container_release(&c);
  return ret;
}

int container_run_delete(struct container_run *run, ocirun_error *err)
{
  struct container *c = &run->c;
  bool gone;
  int ret = -1;

  /* Removed from elsewhere already: as `delete --force` of a missing container, nothing to do. */
  if (relock(c, &gone, err) < 0) {
    if (!gone)
      return -1;
    error_clear(err);
    return 0;
  }
  if (kill_and_wait(c, container_status(c), err) < 0)
    goto out;
  if (run->cgroup && cgroup_destroy(run->cgroup, true, err) < 0)
    goto out;
  run_warning_hooks_of(run->config, c, false);
  if (state_dir_remove(run->rootfd, c->id, err) < 0)
    goto out;
  ret = 0;
out:
  flock(c->dirfd, LOCK_UN);
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "id.h"
#include "json.h"
#include "utils.h"

const char *status_name(enum container_status status)
{
  switch (status) {
  case STATUS_CREATING:
    return "creating";
  case STATUS_CREATED:
    return "created";
  case STATUS_RUNNING:
    return "running";
  case STATUS_PAUSED:
    return "paused";
  default:
    return "stopped";
  }
}

static int mkdir_p(const char *path, mode_t mode)
{
  autofree char *copy = xstrdup(path);

  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, 0755) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int state_root_open(const char *root, bool create, ocirun_error *err)
{
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  /* Most often it is there: mkdir -p only when it is not. */
  if (fd >= 0 || !create || errno != ENOENT)
    goto opened;
  if (mkdir_p(root, 0700) < 0) {
    if ((errno == EACCES || errno == EPERM || errno == EROFS) && geteuid() != 0)
      return error_set(err, errno,
                       "create state directory \"%s\" as uid %u (rootless: set XDG_RUNTIME_DIR "
                       "or --root to a directory you own)",
                       root, (unsigned)geteuid());
    return error_set(err, errno, "create state directory \"%s\"", root);
  }
  fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
opened:
  if (fd < 0)
    return error_set(err, errno, "open state directory \"%s\"", root);
  return fd;
}

int state_dir_create(int rootfd, const char *id, struct container *c, ocirun_error *err)
{
  memset(c, 0, sizeof(*c));
  c->dirfd = -1;
  if (mkdirat(rootfd, id, 0711) < 0) {
    if (errno == EEXIST)
      return error_set(err, 0, "container with id \"%s\" already exists", id);
    return error_set(err, errno, "create state directory for \"%s\"", id);
  }
  c->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
    int saved = errno;
    unlinkat(rootfd, id, AT_REMOVEDIR);
    return error_set(err, saved, "lock state directory for \"%s\"", id);
  }
  c->id = xstrdup(id);
  return 0;
}

/* Another unprivileged user's state directory (a shared --root): say whose it is. */
static int not_yours(int dirfd, const char *name, const char *id, ocirun_error *err)
{
  struct stat st;

  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid != geteuid())
    return error_set(err, EACCES, "container \"%s\": its state belongs to uid %u, not to uid %u",
                     id, (unsigned)st.st_uid, (unsigned)geteuid());
  return error_set(err, EACCES, "open state of \"%s\"", id);
}

/* Only root may act on a container whose state directory another user owns: the state's
 * pid would otherwise let one unprivileged user signal another's processes through us. */
static int owner_check(struct container *c, ocirun_error *err)
{
  struct stat st;

  if (geteuid() == 0)
    return 0;
  if (fstat(c->dirfd, &st) < 0) {
    int saved = errno;
    container_release(c);
    return error_set(err, saved, "stat state directory");
  }
  if (st.st_uid != geteuid()) {
    char id[256];
    snprintf(id, sizeof(id), "%s", c->id);
    container_release(c);
    return error_set(err, EACCES, "container \"%s\": its state belongs to uid %u, not to uid %u",
                     id, (unsigned)st.st_uid, (unsigned)geteuid());
  }
  return 0;
}

/* One read when the file fits, as state.json does; the rest, if any, read on. state.json is
 * replaced by rename, never written in place, so a short read is its end. */
static int read_state_file(int dirfd, char **out, size_t *len, ocirun_error *err)
{
  autoclose int fd = openat(dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  size_t cap = 4096, used = 0;
  autofree char *buf = NULL;

  if (fd < 0)
    return error_set(err, errno, "open \"%s\"", STATE_FILE);
  buf = xmalloc(cap);
  for (;;) {
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_set(err, errno, "read \"%s\"", STATE_FILE);
    used += (size_t)n;
    if (n == 0 || used + 1 < cap)
      break;
    cap *= 2;
    buf = xrealloc(buf, cap);
  }
  buf[used] = '\0';
  *len = used;
  *out = steal_ptr(buf);
  return 0;
}

/* The record of <root>/<id> through the root's fd; locked (exclusive) when asked. */
static int load_at(int rootfd, const char *root, const char *id, bool lock, struct container *c,
                   ocirun_error *err)
{
  autofree char *data = NULL;
  autofree char *errmsg = NULL;
  size_t len = 0;

  memset(c, 0, sizeof(*c));
  c->dirfd = -1;
  if (validate_container_id(id, err) < 0)
    return -1;
  if (rootfd >= 0)
    c->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0) {
    if (errno == ENOENT)
      return error_set(err, 0, "container does not exist");
    if (errno == EACCES)
      return not_yours(rootfd >= 0 ? rootfd : AT_FDCWD, rootfd >= 0 ? id : root, id, err);
    return error_set(err, errno, "open state of \"%s\"", id);
  }
  c->id = xstrdup(id);
  if (owner_check(c, err) < 0)
    return -1;
  if (lock && flock(c->dirfd, LOCK_EX) < 0) {
    container_release(c);
    return error_set(err, errno, "lock state of \"%s\"", id);
  }
  if (read_state_file(c->dirfd, &data, &len, err) < 0) {
    bool missing = err->errnum == ENOENT;
    container_release(c);
    if (missing)
      return error_set(err, 0, "container does not exist");
    return -1;
  }
  c->record = oci_container_record_parse_data(data, len, STATE_FILE, &errmsg);
  if (c->record == NULL) {
    container_release(c);
    return error_set(err, 0, "%s", errmsg);
  }
  return 0;
}

int container_load(const char *root, const char *id, struct container *c, ocirun_error *err)
{
  autoclose int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  return load_at(rootfd, root, id, true, c, err);
}

int container_peek(int rootfd, const char *root, const char *id, struct container *c,
                   ocirun_error *err)
{
  return load_at(rootfd, root, id, false, c, err);
}

int container_save(struct container *c, ocirun_error *err)
{
  autofree char *errmsg = NULL;
  autofree char *json = oci_container_record_serialize(c->record, &errmsg);

  if (json == NULL)
    return error_set(err, 0, "serialize state: %s", errmsg);
  return write_file_atomic(c->dirfd, STATE_FILE, json, strlen(json), 0600, err);
}

void container_release(struct container *c)
{
  if (c->dirfd >= 0)
    close(c->dirfd); /* also drops the flock */
  c->dirfd = -1;
  oci_container_record_free(c->record);
  c->record = NULL;
  free(c->id);
  c->id = NULL;
}

unsigned long long process_start_time(pid_t pid, bool *zombie)
{
  char path[64];
  /* The whole line in one read: comm is at most 64 bytes, the 50 numbers after it at most 21. */
  char stat[2048];
  autoclose int fd = -1;
  ssize_t n;
  char *p;
  unsigned long long start = 0;
  char state;

  if (zombie)
    *zombie = false;
  if (pid <= 0)
    return 0;
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  do
    n = read(fd, stat, sizeof(stat) - 1);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return 0;
  stat[n] = '\0';
  /* comm may contain spaces and parentheses: fields restart after the last ')' */
  p = strrchr(stat, ')');
  if (p == NULL || p[1] == '\0')
    return 0;
  /* state is field 3, starttime field 22 */
  if (sscanf(p + 2,
             "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
             &state, &start) != 2)
    return 0;
  if (zombie)
    *zombie = state == 'Z' || state == 'X';
  return start;
}

static bool is_paused(const struct container *c)
{
  return c->record->cgroup != NULL && cgroup_record_is_frozen(c->record->cgroup);
}

enum container_status container_status(const struct container *c)
{
  const oci_container_record *r = c->record;
  bool zombie = false;
  unsigned long long start;

  if (r == NULL)
    return STATUS_CREATING;
  if (!r->has_pid || r->pid <= 0)
    return STATUS_STOPPED;
  start = process_start_time((pid_t)r->pid, &zombie);
  if (start == 0 || zombie || (r->has_initStartTime && start != r->initStartTime))
    return STATUS_STOPPED;
  /* Frozen wins over created, as with runc: a paused init cannot take the start signal. */
  if (is_paused(c))
    return STATUS_PAUSED;
  if (faccessat(c->dirfd, FIFO_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return STATUS_RUNNING;
}

char *container_state_json(const struct container *c, enum container_status status, bool pretty,
                           ocirun_error *err)
{
  const oci_container_record *r = c->record;
  oci_state st = {0};
  autofree char *errmsg = NULL;
  char *json;

  st.ociVersion = r->ociVersion;
  st.id = r->id;
  st.status = (char *)status_name(status);
  st.pid = status == STATUS_STOPPED ? 0 : r->pid;
  st.has_pid = true;
  st.bundle = r->bundle;
  st.rootfs = r->rootfs;
  st.created = r->created;
  st.owner = r->owner;
  st.annotations = r->annotations;
  json = oci_state_serialize(&st, &errmsg);
  if (json == NULL) {
    error_set(err, 0, "serialize state: %s", errmsg);
    return NULL;
  }
  if (pretty) {
    char *nice = json_pretty(json);
    free(json);
    json = nice;
  }
  return json;
}

static int remove_tree_at(int dirfd, const char *name)
{
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  DIR *d;
  struct dirent *e;

  if (fd < 0)
    return errno == ENOENT ? 0 : unlinkat(dirfd, name, 0);
  d = fdopendir(fd);
  if (d == NULL) {
    close(fd);
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (e->d_type == DT_DIR)
      remove_tree_at(fd, e->d_name);
    else
      unlinkat(fd, e->d_name, 0);
  }
  closedir(d);
  return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* What the state directory holds after create and start: removed by name, without a listing.
 * Anything else in it leaves it not empty, and remove_tree_at then takes the rest. */
static int remove_known_at(int dirfd, const char *name)
{
  static const char *const known[] = {STATE_FILE, CONFIG_COPY, FIFO_FILE};
  int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return -1;
  for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    unlinkat(fd, known[i], 0);
  close(fd);
  return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int state_dir_remove(int rootfd, const char *id, ocirun_error *err)
{
  if (remove_known_at(rootfd, id) == 0)
    return 0;
  if (remove_tree_at(rootfd, id) < 0 && errno != ENOENT)
    return error_set(err, errno, "remove state directory of \"%s\"", id);
  return 0;
}

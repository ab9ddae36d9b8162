/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause/resume: the v1 freezer (freezer.state goes FREEZING → FROZEN; we wait for FROZEN),
 * or cgroup2's cgroup.freeze, whose cgroup.events says "frozen 1" once every task stopped.
 * A hybrid host without a v1 freezer hierarchy uses its cgroup2 directory: the freezer is
 * part of cgroup2's core, it needs no controller. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "internal.h"
#include "utils.h"

static void sleep_ms(long ms)
{
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static bool state_is(const char *dir, const char *want)
{
  autofree char *state = NULL;
  size_t len;

  if (cg_read(dir, "freezer.state", &state, NULL) < 0)
    return false;
  len = strcspn(state, "\n");
  return len == strlen(want) && strncmp(state, want, len) == 0;
}

static int v1_freeze(const char *dir, bool frozen, ocirun_error *err)
{
  const char *want = frozen ? "FROZEN" : "THAWED";

  /* Tasks that keep forking, or one stuck in the kernel, can hold the cgroup in FREEZING: now
   * and then thaw for a moment and start again (what runc does too). About 10 s in all. */
  for (int i = 0; i < 1000; i++) {
    if (frozen && i % 50 == 49) {
      cg_write(dir, "freezer.state", "THAWED", NULL);
      sleep_ms(10);
    }
    if (cg_write(dir, "freezer.state", want, err) < 0)
      return -1;
    if (i % 25 == 24)
      sleep_ms(10);
    else if (i > 0)
      sleep_ms(1);
    if (state_is(dir, want))
      return 0;
  }
  if (frozen)
    cg_write(dir, "freezer.state", "THAWED", NULL);
  return error_set(err, ETIMEDOUT, "cgroup: %s did not reach %s", dir, want);
}

static int v2_frozen(const char *dir, uint64_t *frozen)
{
  return cg_read_key(dir, "cgroup.events", "frozen", frozen);
}

static int v2_freeze(const char *dir, bool frozen, ocirun_error *err)
{
  uint64_t now = 2;

  if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  for (int i = 0; i < 2000; i++) {
    if (v2_frozen(dir, &now) < 0)
      return error_set(err, errno, "cgroup: read %s/cgroup.events", dir);
    if (now == (frozen ? 1 : 0))
      return 0;
    sleep_ms(i < 100 ? 1 : 5);
  }
  if (frozen)
    cg_write(dir, "cgroup.freeze", "0", NULL);
  return error_set(err, ETIMEDOUT, "cgroup: %s did not become %s", dir,
                   frozen ? "frozen" : "thawed");
}

int cgroup_freeze_dir(const struct cgroup *cg, bool frozen, ocirun_error *err)
{
  const struct cgroup_dir *dir;

  if (cg->mode != CGROUP_MODE_V2) {
    dir = cgroup_dir_for(cg, "freezer");
    if (dir != NULL)
      return v1_freeze(dir->path, frozen, err);
  }
  dir = cgroup_unified_dir(cg);
  if (dir != NULL && cg_exists(dir->path, "cgroup.freeze"))
    return v2_freeze(dir->path, frozen, err);
  return error_set(err, ENOTSUP, "cgroup: no freezer (no v1 freezer hierarchy, no cgroup.freeze)");
}

int cgroup_freeze(const struct cgroup *cg, bool frozen, ocirun_error *err)
{
  if (cg->ndirs == 0)
    return error_set(err, ENOTSUP,
                     "cgroup: the container has no cgroup of its own (rootless, no writable "
                     "cgroup), so it cannot be %s",
                     frozen ? "paused" : "resumed");
  return cgroup_freeze_dir(cg, frozen, err);
}

bool cgroup_is_frozen(const struct cgroup *cg)
{
  const struct cgroup_dir *dir;
  autofree char *text = NULL;

  if (cg == NULL)
    return false;
  if (cg->mode != CGROUP_MODE_V2) {
    dir = cgroup_dir_for(cg, "freezer");
    if (dir != NULL)
      return state_is(dir->path, "FROZEN");
  }
  dir = cgroup_unified_dir(cg);
  if (dir == NULL || cg_read(dir->path, "cgroup.freeze", &text, NULL) < 0)
    return false;
  return text[0] == '1';
}

/* dir/file into buf (one read: the file is a few bytes), when dir is a clean absolute path other
 * than "/" and the file lies on a cgroup filesystem: a forged record must not make `state`
 * report what some other file says. The check is on the open file, not on the path. */
static bool read_record_file(const char *dir, const char *file, char *buf, size_t size)
{
  autofree char *clean = NULL;
  autofree char *path = NULL;
  autoclose int fd = -1;
  struct statfs sf;
  ssize_t n;

  if (dir[0] != '/' || cgroup_path_clean(dir, &clean, NULL) < 0 || strcmp(clean, dir) != 0 ||
      strcmp(clean, "/") == 0)
    return false;
  path = xasprintf("%s/%s", dir, file);
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 || fstatfs(fd, &sf) < 0 ||
      (sf.f_type != CGROUP_SUPER_MAGIC && sf.f_type != CGROUP2_SUPER_MAGIC))
    return false;
  n = read(fd, buf, size - 1);
  if (n < 0)
    return false;
  buf[n] = '\0';
  return true;
}

bool cgroup_record_is_frozen(const oci_string_map *record)
{
  enum cgroup_mode mode = CGROUP_MODE_V1;
  bool have_mode = false;
  const char *freezer = NULL, *unified = NULL;
  char text[32];

  for (size_t i = 0; record && i < record->len; i++) {
    const char *key = record->keys[i];

    if (strcmp(key, RECORD_MODE) == 0)
      have_mode = cgroup_mode_parse(record->values[i], &mode) == 0;
    else if (strcmp(key, RECORD_UNIT) == 0)
      continue;
    else if (strcmp(key, CGROUP_UNIFIED_NAME) == 0)
      unified = record->values[i];
    else if (freezer == NULL && cgroup_name_has(key, "freezer"))
      freezer = record->values[i];
  }
  /* As cgroup_is_frozen on what cgroup_from_record would make of the record. */
  if (!have_mode)
    return false;
  if (mode != CGROUP_MODE_V2 && freezer != NULL)
    return read_record_file(freezer, "freezer.state", text, sizeof(text)) &&
           strncmp(text, "FROZEN", 6) == 0 && (text[6] == '\0' || text[6] == '\n');
  return unified != NULL && read_record_file(unified, "cgroup.freeze", text, sizeof(text)) &&
         text[0] == '1';
}

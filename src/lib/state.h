/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state directory: <root>/<id>/ holds state.json (the container record), exec.fifo while
 * the container is created but not started, and a copy of config.json. The directory's
 * creation is the lock for `create`; every other operation that acts on the container holds
 * flock() on it. `state` and `list` only read, and take no lock (container_peek). */
#ifndef OCIRUN_STATE_H
#define OCIRUN_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

#define STATE_FILE "state.json"
#define FIFO_FILE "exec.fifo"
#define CONFIG_COPY "config.json"

enum container_status {
  STATUS_CREATING,
  STATUS_CREATED,
  STATUS_RUNNING,
  STATUS_PAUSED,
  STATUS_STOPPED
};

struct container {
  char *id;
  int dirfd;                    /* <root>/<id>, locked */
  oci_container_record *record; /* NULL while a create is still in progress */
};

const char *status_name(enum container_status status);

/* Opens (creating when asked, mode 0700) the state root. */
int state_root_open(const char *root, bool create, ocirun_error *err);

/* mkdir <root>/<id> (fails with "container with id exists" when it does), locked. */
int state_dir_create(int rootfd, const char *id, struct container *c, ocirun_error *err);

/* Opens and locks <root>/<id> and loads its record. "container does not exist" when absent. */
int container_load(const char *root, const char *id, struct container *c, ocirun_error *err);

/* The same without the lock, through the already open root, for `state` and `list`: state.json
 * is written once, by rename, when a create has finished, so a reader sees the whole record
 * or none ("container does not exist" while a create is still running, as with runc) and
 * never waits behind a create's hooks. */
int container_peek(int rootfd, const char *root, const char *id, struct container *c,
                   ocirun_error *err);

/* Writes state.json atomically. */
int container_save(struct container *c, ocirun_error *err);

void container_release(struct container *c);

/* Live status: the pid's start time must match the recorded one (pid reuse), a zombie is
 * stopped, exec.fifo present means created. */
enum container_status container_status(const struct container *c);

/* The OCI state JSON (pretty when asked) for `state` and for hooks, with the given status. */
char *container_state_json(const struct container *c, enum container_status status, bool pretty,
                           ocirun_error *err);

/* Removes <root>/<id> and everything in it. */
int state_dir_remove(int rootfd, const char *id, ocirun_error *err);

/* Start time of pid from /proc/PID/stat (clock ticks since boot); 0 when gone. Also tells
 * whether it is a zombie. */
unsigned long long process_start_time(pid_t pid, bool *zombie);

#endif

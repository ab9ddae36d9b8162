/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a transient scope
 * that systemd makes, over D-Bus through sd-bus, with the init in it and Delegate=yes so that
 * what is below it is ours. systemd writes the limits it has properties for
 * (systemd_props.c); cgroup.c then applies the whole of linux.resources through cgroupfs on
 * the scope's directories, as for any container. Delete stops the unit. libsystemd itself is
 * loaded on first use (sd_bus_lib.c), not linked: every sd-bus call goes through its table. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "log.h"
#include "sd_bus_lib.h"
#include "systemd_props.h"
#include "utils.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* runc waits as long for the job; a loaded systemd can be slow to answer. */
#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL)

/* libsystemd's functions, set by cg_systemd_connect before anything else here runs. */
static const struct sd_bus_lib *sd;

struct cg_bus {
  sd_bus *bus;
  unsigned version; /* systemd's major version, from Manager.Version */
};

static int bus_error(ocirun_error *err, int r, const sd_bus_error *e, const char *what)
{
  /* error_set adds strerror(errnum): only when the bus gave no message of its own. */
  if (e && sd->sd_bus_error_is_set(e))
    return error_set(err, 0, "systemd: %s: %s", what, e->message ? e->message : e->name);
  return error_set(err, -r, "systemd: %s", what);
}

/* As root, systemd's own socket (no dbus-daemon needed, as systemctl does); else, or when
 * that fails, the system bus. */
static int open_bus(sd_bus **out, ocirun_error *err)
{
  sd_bus *bus = NULL;
  int r;

  if (geteuid() == 0 && access("/run/systemd/private", F_OK) == 0) {
    if (sd->sd_bus_new(&bus) >= 0 &&
        sd->sd_bus_set_address(bus, "unix:path=/run/systemd/private") >= 0 &&
        sd->sd_bus_start(bus) >= 0) {
      *out = bus;
      return 0;
    }
    sd->sd_bus_unref(bus);
    bus = NULL;
  }
  r = sd->sd_bus_open_system(&bus);
  if (r < 0)
    return error_set(err, -r,
                     "--systemd-cgroup: cannot connect to systemd (its private socket or the "
                     "system bus)");
  *out = bus;
  return 0;
}

int cg_systemd_connect(struct cgroup *cg, ocirun_error *err)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus *bus = NULL;
  char *version = NULL;
  int r;

  if (cg->bus)
    return 0;
  if (access("/run/systemd/system", F_OK) < 0)
    return error_set(err, 0,
                     "--systemd-cgroup: systemd is not running on this host (no "
                     "/run/systemd/system); use the cgroupfs driver (leave the option out)");
  sd = sd_bus_lib_load(err);
  if (sd == NULL)
    return -1;
  if (open_bus(&bus, err) < 0)
    return -1;
  /* One question that must be answered, so that a bus that refuses us is found out now. */
  r = sd->sd_bus_get_property_string(bus, SD_DEST, SD_PATH, SD_MANAGER, "Version", &e, &version);
  if (r < 0) {
    bus_error(err, r, &e, "--systemd-cgroup: systemd does not answer on the bus");
    sd->sd_bus_error_free(&e);
    sd->sd_bus_unref(bus);
    return -1;
  }
  cg->bus = xcalloc(1, sizeof(*cg->bus));
  cg->bus->bus = bus;
  /* "252.39-1~deb12u2", "v255", "256~rc3" */
  cg->bus->version = (unsigned)strtoul(version + strcspn(version, "0123456789"), NULL, 10);
  log_debug("systemd: connected, version %s", version);
  free(version);
  return 0;
}

void cg_systemd_close(struct cgroup *cg)
{
  if (cg->bus == NULL)
    return;
  sd->sd_bus_flush_close_unref(cg->bus->bus);
  free(cg->bus);
  cg->bus = NULL;
}

/* ---- jobs ------------------------------------------------------------------------------- */

/* JobRemoved signals seen, so that one sent before the method's reply is read still counts. */
struct job_watch {
  char **paths;
  char **results;
  size_t n;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct job_watch *w = userdata;
  const char *path, *unit, *result;
  uint32_t id;

  (void)ret_error;
  if (sd->sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  w->paths = xrealloc(w->paths, (w->n + 1) * sizeof(char *));
  w->results = xrealloc(w->results, (w->n + 1) * sizeof(char *));
  w->paths[w->n] = xstrdup(path);
  w->results[w->n] = xstrdup(result);
  w->n++;
  return 0;
}

static void job_watch_release(struct job_watch *w)
{
  for (size_t i = 0; i < w->n; i++) {
    free(w->paths[i]);
    free(w->results[i]);
  }
  free(w->paths);
  free(w->results);
}

static uint64_t now_usec(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* Until the job is removed; its result must be "done". */
static int wait_job(sd_bus *bus, struct job_watch *w, const char *job, const char *unit,
                    const char *what, ocirun_error *err)
{
  uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;

  for (;;) {
    int r;
    for (size_t i = 0; i < w->n; i++) {
      if (strcmp(w->paths[i], job) != 0)
        continue;
      if (strcmp(w->results[i], "done") == 0)
        return 0;
      return error_set(err, 0, "systemd: %s %s: the job ended with \"%s\"", what, unit,
                       w->results[i]);
    }
    r = sd->sd_bus_process(bus, NULL);
    if (r < 0)
      return error_set(err, -r, "systemd: %s %s", what, unit);
    if (r > 0)
      continue;
    if (now_usec() >= deadline)
      return error_set(err, ETIMEDOUT, "systemd: %s %s: no answer in 30 s", what, unit);
    r = sd->sd_bus_wait(bus, deadline - now_usec());
    if (r < 0)
      return error_set(err, -r, "systemd: %s %s", what, unit);
  }
}

/* ---- messages --------------------------------------------------------------------------- */

static int append_prop(sd_bus_message *m, const struct sd_prop *p)
{
  int r;

  switch (p->kind) {
  case SD_PROP_U64:
    return sd->sd_bus_message_append(m, "(sv)", p->name, "t", p->u64);
  case SD_PROP_BOOL:
    return sd->sd_bus_message_append(m, "(sv)", p->name, "b", (int)p->u64);
  case SD_PROP_STR:
    return sd->sd_bus_message_append(m, "(sv)", p->name, "s", p->str);
  case SD_PROP_PAIRS:
    if ((r = sd->sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
        (r = sd->sd_bus_message_append(m, "s", p->name)) < 0 ||
        (r = sd->sd_bus_message_open_container(m, 'v', "a(ss)")) < 0 ||
        (r = sd->sd_bus_message_open_container(m, 'a', "(ss)")) < 0)
      return r;
    for (size_t i = 0; i < p->npairs; i++)
      if ((r = sd->sd_bus_message_append(m, "(ss)", p->pairs[2 * i], p->pairs[2 * i + 1])) < 0)
        return r;
    if ((r = sd->sd_bus_message_close_container(m)) < 0 ||
        (r = sd->sd_bus_message_close_container(m)) < 0)
      return r;
    return sd->sd_bus_message_close_container(m);
  case SD_PROP_BYTES:
    if ((r = sd->sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
        (r = sd->sd_bus_message_append(m, "s", p->name)) < 0 ||
        (r = sd->sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
        (r = sd->sd_bus_message_append_array(m, 'y', p->bytes, p->nbytes)) < 0 ||
        (r = sd->sd_bus_message_close_container(m)) < 0)
      return r;
    return sd->sd_bus_message_close_container(m);
  }
  return -EINVAL;
}

static int append_props(sd_bus_message *m, const struct sd_props *props, pid_t pid)
{
  int r = sd->sd_bus_message_open_container(m, 'a', "(sv)");

  if (r < 0)
    return r;
  if (pid > 0 && (r = sd->sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid)) < 0)
    return r;
  for (size_t i = 0; i < props->n; i++)
    if ((r = append_prop(m, &props->v[i])) < 0)
      return r;
  return sd->sd_bus_message_close_container(m);
}

/* Calls a Manager method whose reply is a job ("o") and waits for the job. pid and props are
 * for StartTransientUnit only. A NoSuchUnit answer sets *no_unit when given (not an error). */
static int run_job(struct cgroup *cg, const char *method, const struct sd_props *props, pid_t pid,
                   bool *no_unit, ocirun_error *err)
{
  sd_bus *bus = cg->bus->bus;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_slot *slot = NULL;
  struct job_watch w = {0};
  const char *job;
  const char *what = strcmp(method, "StopUnit") == 0 ? "stop" : "start";
  int r, ret = -1;

  /* Before the call: the job may be over before its reply is read. */
  r = sd->sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                              on_job_removed, &w);
  if (r < 0) {
    bus_error(err, r, NULL, "watch jobs");
    goto out;
  }
  r = sd->sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, method);
  if (r >= 0)
    r = sd->sd_bus_message_append(m, "ss", cg->unit, "replace");
  if (r >= 0 && props)
    r = append_props(m, props, pid);
  /* No auxiliary units. */
  if (r >= 0 && props)
    r = sd->sd_bus_message_append(m, "a(sa(sv))", 0);
  if (r < 0) {
    bus_error(err, r, NULL, "build the D-Bus message");
    goto out;
  }
  r = sd->sd_bus_call(bus, m, 0, &e, &reply);
  if (r < 0) {
    if (no_unit && sd->sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
      *no_unit = true;
      ret = 0;
      goto out;
    }
    if (sd->sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists"))
      error_set(err, 0,
                "systemd: start %s: a unit of that name already exists (another container with "
                "the same linux.cgroupsPath?)",
                cg->unit);
    else if (sd->sd_bus_error_is_set(&e) && e.message)
      error_set(err, 0, "systemd: %s %s: %s", what, cg->unit, e.message);
    else
      error_set(err, -r, "systemd: %s %s", what, cg->unit);
    goto out;
  }
  /* From here on the unit exists: a failure later still stops it. */
  if (props)
    cg->unit_ours = true;
  r = sd->sd_bus_message_read(reply, "o", &job);
  if (r < 0) {
    bus_error(err, r, NULL, "read the job");
    goto out;
  }
  ret = wait_job(bus, &w, job, cg->unit, what, err);
out:
  sd->sd_bus_error_free(&e);
  sd->sd_bus_message_unref(m);
  sd->sd_bus_message_unref(reply);
  sd->sd_bus_slot_unref(slot);
  job_watch_release(&w);
  return ret;
}

/* A failed unit of that name stays loaded and blocks a new one; harmless when there is none. */
static void reset_failed(struct cgroup *cg)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;

  sd->sd_bus_call_method(cg->bus->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e, NULL,
                         "s", cg->unit);
  sd->sd_bus_error_free(&e);
}

/* ---- the driver ------------------------------------------------------------------------- */

int cg_systemd_start(struct cgroup *cg, pid_t pid, const oci_resources *r, ocirun_error *err)
{
  struct sd_props props = {0};
  bool unified = cg->mode == CGROUP_MODE_V2;
  autofree struct cg_device_rule *rules = NULL;
  autofree char *devices = NULL;
  size_t nrules = 0;
  int ret;

  if (cg_systemd_connect(cg, err) < 0)
    return -1;
  sd_props_add_str(&props, "Description", cg->description ? cg->description : cg->unit);
  sd_props_add_str(&props, "Slice", cg->slice);
  /* Not ordered after basic.target nor stopped with shutdown.target: its own lifetime. */
  sd_props_add_bool(&props, "DefaultDependencies", false);
  /* What is below the scope is the container's: systemd leaves it alone. */
  sd_props_add_bool(&props, "Delegate", true);
  sd_props_add_accounting(&props, unified);
  if (sd_props_from_resources(&props, r, unified, cg->bus->version, err) < 0 ||
      cg_device_rules(r, true, &rules, &nrules, err) < 0) {
    sd_props_release(&props);
    return -1;
  }
  read_file_at(AT_FDCWD, "/proc/devices", &devices, NULL, NULL);
  sd_props_add_devices(&props, rules, nrules, devices);
  reset_failed(cg);
  ret = run_job(cg, "StartTransientUnit", &props, pid, NULL, err);
  sd_props_release(&props);
  if (ret == 0)
    log_debug("systemd: started %s in %s with pid %d", cg->unit, cg->slice, (int)pid);
  return ret;
}

int cg_systemd_update(struct cgroup *cg, const oci_resources *r, ocirun_error *err)
{
  struct sd_props props = {0};
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *m = NULL;
  int ret;

  if (cg_systemd_connect(cg, err) < 0)
    return -1;
  if (sd_props_from_resources(&props, r, cg->mode == CGROUP_MODE_V2, cg->bus->version, err) < 0) {
    sd_props_release(&props);
    return -1;
  }
  if (props.n == 0) {
    sd_props_release(&props);
    return 0;
  }
  /* runtime: true, the properties live in /run like the transient unit itself. */
  ret = sd->sd_bus_message_new_method_call(cg->bus->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                           "SetUnitProperties");
  if (ret >= 0)
    ret = sd->sd_bus_message_append(m, "sb", cg->unit, 1);
  if (ret >= 0)
    ret = append_props(m, &props, 0);
  if (ret >= 0)
    ret = sd->sd_bus_call(cg->bus->bus, m, 0, &e, NULL);
  if (ret < 0 && sd->sd_bus_error_is_set(&e) && e.message)
    ret = error_set(err, 0, "systemd: set properties of %s: %s", cg->unit, e.message);
  else if (ret < 0)
    ret = error_set(err, -ret, "systemd: set properties of %s", cg->unit);
  else
    ret = 0;
  sd->sd_bus_error_free(&e);
  sd->sd_bus_message_unref(m);
  sd_props_release(&props);
  return ret;
}

int cg_systemd_stop(struct cgroup *cg, ocirun_error *err)
{
  bool gone = false;

  if (cg_systemd_connect(cg, err) < 0)
    return -1;
  if (run_job(cg, "StopUnit", NULL, 0, &gone, err) < 0)
    return -1;
  reset_failed(cg);
  log_debug("systemd: %s %s", cg->unit, gone ? "was already gone" : "stopped");
  return 0;
}

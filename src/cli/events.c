/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun events [--stats] [--interval 5s] ID`: JSON lines in runc's shape —
 * {"type":"stats","id":ID,"data":{cpu,memory,pids,blkio,hugetlb}} every interval, and
 * {"type":"oom","id":ID} when the kernel kills for memory — until the container's cgroup goes
 * away. --stats prints one stats line and exits. The state lock is held only while loading. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli.h"
#include "log.h"
#include "state.h"
#include "utils.h"

/* Go's time.ParseDuration: a sequence of decimal numbers with units (ns us µs ms s m h),
 * e.g. "5s", "1.5s", "1m30s", "250ms". */
static int parse_duration(const char *s, long long *ns)
{
  static const struct {
    const char *unit;
    double ns;
  } units[] = {{"ns", 1},  {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6},
               {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;

  if (strcmp(s, "0") == 0) {
    *ns = 0;
    return 0;
  }
  if (*s == '\0')
    return -1;
  while (*s) {
    char *end;
    double v;
    size_t best = 0, best_len = 0;

    if ((*s < '0' || *s > '9') && *s != '.')
      return -1;
    v = strtod(s, &end);
    if (end == s)
      return -1;
    s = end;
    /* The longest unit that matches ("ms" before "m"). */
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
      size_t len = strlen(units[i].unit);
      if (strncmp(s, units[i].unit, len) == 0 && len > best_len) {
        best = i;
        best_len = len;
      }
    }
    if (best_len == 0)
      return -1;
    total += v * units[best].ns;
    s += best_len;
  }
  if (total > 9.2e18)
    return -1;
  *ns = (long long)total;
  return 0;
}

static long long now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int emit(const char *type, const char *id, const char *data)
{
  /* The id passed validate_container_id: letters, digits and _+-. need no escaping. */
  if (data)
    printf("{\"type\":\"%s\",\"id\":\"%s\",\"data\":%s}\n", type, id, data);
  else
    printf("{\"type\":\"%s\",\"id\":\"%s\"}\n", type, id);
  return fflush(stdout) == 0 ? 0 : -1;
}

static int emit_stats(const struct cgroup *cg, const char *id)
{
  ocirun_error err = {0};
  char *stats = cgroup_stats_json(cg, &err);
  int rc;

  if (stats == NULL) {
    log_msg(LOG_LEVEL_ERROR, "%s", err.msg);
    return 0;
  }
  rc = emit("stats", id, stats);
  free(stats);
  return rc;
}

/* delete removes the state directory, then the cgroup; either is the end of the stream (an
 * absent cgroup.procs reads as an empty cgroup, so the state is the reliable sign). */
static bool container_gone(const struct cgroup *cg, const char *state_file)
{
  autofree pid_t *pids = NULL;
  size_t n = 0;

  return access(state_file, F_OK) < 0 || cgroup_pids(cg, &pids, &n, NULL) < 0;
}

static int stream(const struct cgroup *cg, const char *id, const char *state_file,
                  long long interval)
{
  struct cgroup_oom *oom = NULL;
  ocirun_error err = {0};
  long long next = now_ns();
  int ret = 0;

  if (cgroup_oom_watch(cg, &oom, &err) < 0)
    log_warning("no OOM notification: %s", err.msg);
  for (;;) {
    long long wait = next - now_ns();
    struct pollfd p = {.fd = oom ? cgroup_oom_fd(oom) : -1, .events = POLLIN};
    int n;

    if (wait < 0)
      wait = 0;
    wait = (wait + 999999) / 1000000; /* ms, rounded up */
    n = poll(&p, 1, wait > 86400000 ? 86400000 : (int)wait);
    if (n < 0 && errno != EINTR) {
      ret = cli_fail("poll: %s", strerror(errno));
      break;
    }
    if (n > 0 && (p.revents & POLLIN)) {
      int kills = cgroup_oom_check(oom);
      if (kills < 0)
        break;
      for (int i = 0; i < kills; i++)
        if (emit("oom", id, NULL) < 0)
          goto out;
    }
    if (now_ns() >= next) {
      if (container_gone(cg, state_file))
        break;
      if (emit_stats(cg, id) < 0)
        break;
      next += interval;
      if (next < now_ns())
        next = now_ns() + interval;
    }
  }
out:
  cgroup_oom_free(oom);
  return ret;
}

static int run_events(const struct cli_command *cmd, const struct global_options *g, int argc,
                      char **argv)
{
  bool stats_once = false;
  const char *interval_s = "5s";
  const struct cli_option opts[] = {
      {"interval", 0, OPT_STRING, &interval_s, "how often to print stats (Go duration: 5s, 500ms)"},
      {"stats", 0, OPT_BOOL, &stats_once, "print the container's stats once and exit"},
      {0},
  };
  struct container c;
  struct cgroup *cg;
  ocirun_error err = {0};
  long long interval = 0;
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 1, 1, &pos);
  if (rc != 0)
    return rc < 0;
  if (parse_duration(interval_s, &interval) < 0)
    return cli_fail("invalid value \"%s\" for flag --interval: time: invalid duration", interval_s);
  if (interval <= 0)
    return cli_fail("duration interval must be greater than 0");
  if (container_load(g->root, argv[pos], &c, &err) < 0)
    return cli_fail("%s", err.msg);
  if (container_status(&c) == STATUS_STOPPED) {
    container_release(&c);
    return cli_fail("container with id %s is not running", argv[pos]);
  }
  cg = cgroup_of_container(&c, &err);
  container_release(&c);
  if (cg == NULL)
    return cli_fail("%s", err.msg);
  if (stats_once) {
    rc = emit_stats(cg, argv[pos]) < 0 ? cli_fail("write: %s", strerror(errno)) : 0;
  } else {
    autofree char *state_file = xasprintf("%s/%s/%s", g->root, argv[pos], STATE_FILE);
    rc = stream(cg, argv[pos], state_file, interval);
  }
  cgroup_free(cg);
  return rc;
}

const struct cli_command cmd_events = {
    .name = "events",
    .usage = "[command options] <container-id>",
    .summary = "Print the container's resource usage (and OOM kills) as JSON lines.",
    .run = run_events,
};

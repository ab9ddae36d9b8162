/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup library against this host's real hierarchies (root only): create with
 * resources, enter a child, read the files back, freeze/thaw, list pids, signal all, update,
 * stats, record round trip, destroy — and nothing left behind, also after a failed create. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "process_test.h"
#include "utils.h"

static oci_config *parse(const char *json)
{
  char *errmsg = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &errmsg);

  if (c == NULL) {
    printf("# parse: %s\n", errmsg);
    free(errmsg);
  }
  return c;
}

static bool file_is(const char *dir, const char *file, const char *want)
{
  autofree char *text = NULL;

  if (cg_read(dir, file, &text, NULL) < 0) {
    printf("#   %s/%s: %s\n", dir, file, strerror(errno));
    return false;
  }
  text[strcspn(text, "\n")] = '\0';
  if (strcmp(text, want) != 0)
    printf("#   %s/%s = \"%s\", want \"%s\"\n", dir, file, text, want);
  return strcmp(text, want) == 0;
}

static bool file_has_line(const char *dir, const char *file, const char *line)
{
  autofree char *text = NULL;
  size_t len = strlen(line);

  if (cg_read(dir, file, &text, NULL) < 0)
    return false;
  for (char *p = text; p && *p;) {
    char *nl = strchr(p, '\n');
    if ((nl ? (size_t)(nl - p) : strlen(p)) == len && strncmp(p, line, len) == 0)
      return true;
    p = nl ? nl + 1 : NULL;
  }
  printf("#   %s/%s lacks \"%s\":\n# %s\n", dir, file, line, text);
  return false;
}

static bool gone(const struct cgroup *cg)
{
  bool all = true;

  for (size_t i = 0; i < cg->ndirs; i++)
    if (access(cg->dirs[i].path, F_OK) == 0) {
      printf("#   still there: %s\n", cg->dirs[i].path);
      all = false;
    }
  return all;
}

static pid_t sleeper(void)
{
  pid_t pid = fork();

  if (pid == 0) {
    for (;;)
      pause();
  }
  return pid;
}

static void lifecycle(void)
{
  oci_config *config = parse(
      "{\"ociVersion\":\"1.0.0\",\"linux\":{\"cgroupsPath\":\"/ocirun-test/unit-a\","
      "\"resources\":{\"memory\":{\"limit\":67108864,\"reservation\":33554432,\"swappiness\":30},"
      "\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":100000,\"cpus\":\"0\"},"
      "\"pids\":{\"limit\":42},"
      "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
      "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]}}}");
  struct cgroup *cg = NULL, *back = NULL;
  ocirun_error err = {0};
  const struct cgroup_dir *d;
  oci_string_map *rec;
  pid_t pid, *pids = NULL;
  size_t n = 0;
  char *stats;

  CHECK(config != NULL, "config parses");
  CHECK_OK(cgroup_create(config, "unit-a", false, &cg, &err), &err);
  if (cg == NULL)
    return;
  printf("# mode %s, %zu directories\n", cgroup_mode_str(cg), cg->ndirs);
  for (size_t i = 0; i < cg->ndirs; i++) {
    CHECK(strstr(cg->dirs[i].path, "/ocirun-test/unit-a") != NULL, "%s: %s", cg->dirs[i].name,
          cg->dirs[i].path);
  }
  if ((d = cgroup_dir_for(cg, "memory")) && cg->mode != CGROUP_MODE_V2) {
    CHECK(file_is(d->path, "memory.limit_in_bytes", "67108864"), "memory.limit_in_bytes");
    CHECK(file_is(d->path, "memory.soft_limit_in_bytes", "33554432"), "memory.soft_limit_in_bytes");
    CHECK(file_is(d->path, "memory.swappiness", "30"), "memory.swappiness");
  }
  if ((d = cgroup_dir_for(cg, "cpu")) && cg->mode != CGROUP_MODE_V2) {
    CHECK(file_is(d->path, "cpu.shares", "512"), "cpu.shares");
    CHECK(file_is(d->path, "cpu.cfs_quota_us", "20000"), "cpu.cfs_quota_us");
    CHECK(file_is(d->path, "cpu.cfs_period_us", "100000"), "cpu.cfs_period_us");
  }
  if ((d = cgroup_dir_for(cg, "cpuset")) && cg->mode != CGROUP_MODE_V2) {
    CHECK(file_is(d->path, "cpuset.cpus", "0"), "cpuset.cpus");
    autofree char *mems = NULL;
    CHECK(cg_read(d->path, "cpuset.mems", &mems, NULL) == 0 && mems[0] != '\n',
          "cpuset.mems copied from the parent");
  }
  if (cg->mode == CGROUP_MODE_V2) {
    d = &cg->dirs[0];
    CHECK(file_is(d->path, "memory.max", "67108864"), "v2 memory.max");
    CHECK(file_is(d->path, "memory.low", "33554432"), "v2 memory.low");
    CHECK(file_is(d->path, "cpu.weight", "59"), "v2 cpu.weight (shares 512)");
    CHECK(file_is(d->path, "cpu.max", "20000 100000"), "v2 cpu.max");
    CHECK(file_is(d->path, "cpuset.cpus", "0"), "v2 cpuset.cpus");
  }
  if ((d = cgroup_dir_for(cg, "pids")))
    CHECK(file_is(d->path, "pids.max", "42"), "pids.max");
  if ((d = cgroup_dir_for(cg, "devices")) && cg->mode != CGROUP_MODE_V2) {
    CHECK(file_has_line(d->path, "devices.list", "c 1:3 rwm"),
          "devices.list: /dev/null (rule + default)");
    CHECK(file_has_line(d->path, "devices.list", "c 136:* rwm"), "devices.list: pts default");
    autofree char *list = NULL;
    CHECK(cg_read(d->path, "devices.list", &list, NULL) == 0 && strstr(list, "a *:* rwm") == NULL,
          "devices.list: no allow-all");
  }

  pid = sleeper();
  CHECK_OK(cgroup_enter(cg, pid, &err), &err);
  {
    autofree char *path = xasprintf("/proc/%d/cgroup", (int)pid);
    autofree char *text = NULL;
    read_file_at(AT_FDCWD, path, &text, NULL, NULL);
    CHECK(text && strstr(text, "/ocirun-test/unit-a"), "/proc/PID/cgroup names the cgroup");
  }
  CHECK_OK(cgroup_pids(cg, &pids, &n, &err), &err);
  CHECK(n == 1 && pids[0] == pid, "cgroup_pids lists the child (%zu)", n);
  free(pids);

  CHECK_OK(cgroup_freeze(cg, true, &err), &err);
  CHECK(cgroup_is_frozen(cg), "frozen after freeze");
  CHECK_OK(cgroup_freeze(cg, false, &err), &err);
  CHECK(!cgroup_is_frozen(cg), "thawed after thaw");

  {
    char *errmsg = NULL;
    const char *j = "{\"memory\":{\"limit\":134217728},\"pids\":{\"limit\":-1}}";
    oci_resources *r = oci_resources_parse_data(j, strlen(j), "resources", &errmsg);
    CHECK(r != NULL, "resources parse");
    CHECK_OK(cgroup_update(cg, r, &err), &err);
    if ((d = cgroup_dir_for(cg, "memory")))
      CHECK(file_is(d->path, cg->mode == CGROUP_MODE_V2 ? "memory.max" : "memory.limit_in_bytes",
                    "134217728"),
            "update: memory limit");
    if ((d = cgroup_dir_for(cg, "pids")))
      CHECK(file_is(d->path, "pids.max", "max"), "update: pids.max");
    oci_resources_free(r);
  }

  stats = cgroup_stats_json(cg, &err);
  CHECK(stats && strstr(stats, "\"memory\"") && strstr(stats, "\"pids\":{\"current\":1"),
        "stats: %s", stats ? stats : err.msg);
  free(stats);

  rec = cgroup_to_record(cg);
  back = cgroup_from_record(rec, &err);
  CHECK(back != NULL && back->ndirs == cg->ndirs && back->mode == cg->mode, "record round trip");
  oci_string_map_free(rec);

  CHECK_OK(cgroup_signal_all(back, SIGKILL, &err), &err);
  waitpid(pid, NULL, 0);
  CHECK_OK(cgroup_destroy(back, true, &err), &err);
  CHECK(gone(cg), "every directory removed");
  cgroup_free(back);
  cgroup_free(cg);
  oci_config_free(config);
}

static void kill_on_destroy(void)
{
  oci_config *config =
      parse("{\"ociVersion\":\"1.0.0\",\"linux\":{\"cgroupsPath\":\"/ocirun-test/unit-b\"}}");
  struct cgroup *cg = NULL;
  ocirun_error err = {0};
  pid_t a, b;

  CHECK_OK(cgroup_create(config, "unit-b", false, &cg, &err), &err);
  if (cg == NULL)
    return;
  a = sleeper();
  b = sleeper();
  CHECK_OK(cgroup_enter(cg, a, &err), &err);
  CHECK_OK(cgroup_enter(cg, b, &err), &err);
  CHECK_OK(cgroup_freeze(cg, true, &err), &err);
  /* A paused container with two processes: destroy with kill must still empty and remove. */
  CHECK_OK(cgroup_destroy(cg, true, &err), &err);
  CHECK(gone(cg), "destroy(kill) of a frozen cgroup with 2 processes removes it");
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  cgroup_free(cg);
  oci_config_free(config);
}

static void failed_create(void)
{
  /* pids.max takes no words: the create fails after making the directories. */
  oci_config *config =
      parse("{\"ociVersion\":\"1.0.0\",\"linux\":{\"cgroupsPath\":\"/ocirun-test-fail/x/y\","
            "\"resources\":{\"cpu\":{\"cpus\":\"999999\"}}}}");
  struct cgroup *cg = NULL;
  ocirun_error err = {0};
  struct cgroup_host host;

  CHECK(cgroup_create(config, "unit-c", false, &cg, &err) < 0, "create with cpus 999999 fails: %s",
        err.msg);
  CHECK(cgroup_host_detect(&host, &err) == 0, "detect");
  for (size_t i = 0; i < host.n; i++) {
    autofree char *top = xasprintf("%s/ocirun-test-fail", host.h[i].mount);
    CHECK(access(top, F_OK) < 0, "nothing left in %s", host.h[i].mount);
  }
  cgroup_host_release(&host);
  oci_config_free(config);
}

/* In a child: enter dir's cgroup2, then try the devices. */
static void try_devices(const char *dir, bool *null_ok, bool *zero_ok)
{
  pid_t pid;
  int status;
  char value[24];

  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    int a, b;
    snprintf(value, sizeof(value), "%d", (int)getpid());
    if (cg_write(dir, "cgroup.procs", value, NULL) < 0)
      _exit(100);
    a = open("/dev/null", O_WRONLY | O_CLOEXEC);
    b = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    _exit((a >= 0 ? 1 : 0) | (b >= 0 ? 2 : 0) | (b < 0 && errno == EPERM ? 4 : 0));
  }
  waitpid(pid, &status, 0);
  *null_ok = WIFEXITED(status) && (WEXITSTATUS(status) & 1);
  *zero_ok = WIFEXITED(status) && (WEXITSTATUS(status) & 2);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 100)
    printf("#   could not enter %s\n", dir);
}

/* The eBPF device filter on a cgroup2 directory (a hybrid host has one too): deny all, the
 * defaults (which allow /dev/null and /dev/zero), then a rule that denies /dev/zero again —
 * the later rule wins, as on v1. */
static void device_filter(void)
{
  struct cgroup_host host;
  ocirun_error err = {0};
  const char *mount = NULL;
  autofree char *dir = NULL;
  struct cg_device_rule *rules = NULL;
  size_t n = 0;
  bool null_ok = false, zero_ok = true;
  oci_resources *r;
  char *errmsg = NULL;
  const char *j = "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}";

  if (cgroup_host_detect(&host, &err) < 0)
    return;
  for (size_t i = 0; i < host.n; i++)
    if (strcmp(host.h[i].name, "unified") == 0)
      mount = host.h[i].mount;
  if (mount == NULL) {
    printf("ok - eBPF device filter # SKIP no cgroup2 mount\n");
    cgroup_host_release(&host);
    return;
  }
  dir = xasprintf("%s/ocirun-test-bpf", mount);
  mkdir(dir, 0755);
  r = oci_resources_parse_data(j, strlen(j), "resources", &errmsg);
  CHECK(cg_device_rules(r, true, &rules, &n, &err) == 0, "device rules with the defaults");
  /* and a last rule that takes /dev/zero (c 1:5) away again */
  rules = xrealloc(rules, (n + 1) * sizeof(*rules));
  rules[n++] = (struct cg_device_rule){false, 'c', 1, 5, "rwm"};
  CHECK_OK(cgroup_v2_devices_apply(dir, rules, n, &err), &err);
  try_devices(dir, &null_ok, &zero_ok);
  CHECK(null_ok, "eBPF filter: /dev/null (a default) opens");
  CHECK(!zero_ok, "eBPF filter: /dev/zero (denied by the last rule) does not");
  CHECK(rmdir(dir) == 0, "the cgroup with its program is removed");
  free(rules);
  oci_resources_free(r);
  cgroup_host_release(&host);
}

/* As an unprivileged user (rootless): no limits asked → no cgroup, a warning; limits → the
 * permission error. */
static void rootless_child(void)
{
  oci_config *plain =
      parse("{\"ociVersion\":\"1.0.0\",\"linux\":{\"cgroupsPath\":\"/ocirun-test/unit-r\","
            "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}");
  oci_config *limits =
      parse("{\"ociVersion\":\"1.0.0\",\"linux\":{\"cgroupsPath\":\"/ocirun-test/unit-r\","
            "\"resources\":{\"pids\":{\"limit\":5}}}}");
  struct cgroup *cg = NULL;
  ocirun_error err = {0};

  if (setgid(65534) < 0 || setuid(65534) < 0) {
    printf("# setuid: %s\n", strerror(errno));
    _exit(77);
  }
  CHECK(cgroup_create(plain, "unit-r", false, &cg, &err) == 0 && cg && cg->ndirs == 0,
        "rootless without limits: runs without a cgroup (%s)", err.msg);
  cgroup_free(cg);
  cg = NULL;
  CHECK(cgroup_create(limits, "unit-r", false, &cg, &err) < 0 && err.errnum == EACCES,
        "rootless with a pids limit: refused (%s)", err.msg);
  oci_config_free(plain);
  oci_config_free(limits);
}

int main(void)
{
  if (geteuid() != 0)
    skip_all("needs root");
  if (access("/sys/fs/cgroup", F_OK) < 0)
    skip_all("no /sys/fs/cgroup");
  lifecycle();
  kill_on_destroy();
  failed_create();
  device_filter();
  {
    int rc = run_in_child(rootless_child);
    CHECK(rc == 0 || rc == 77, "rootless checks (child status %d)", rc);
  }
  /* The parent directory the tests made. */
  {
    struct cgroup_host host;
    ocirun_error err = {0};
    if (cgroup_host_detect(&host, &err) == 0) {
      for (size_t i = 0; i < host.n; i++) {
        autofree char *top = xasprintf("%s/ocirun-test", host.h[i].mount);
        rmdir(top);
      }
      cgroup_host_release(&host);
    }
  }
  return test_exit_status();
}

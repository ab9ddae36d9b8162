/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a cgroup goes: cleaning and the refusal of ".." that escapes (THREATS: path
 * traversal), runc's meaning of linux.cgroupsPath (empty → the id under the caller's cgroup),
 * systemd's slice:prefix:name, joining with a hierarchy; parsing of mountinfo,
 * /proc/PID/cgroup and cgroup.procs; the record that state.json keeps. */
#include <errno.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "process_test.h"
#include "utils.h"

static void clean_ok(const char *in, const char *want)
{
  ocirun_error err = {0};
  char *out = NULL;
  int rc = cgroup_path_clean(in, &out, &err);

  CHECK(rc == 0 && strcmp(out, want) == 0, "clean \"%s\" -> \"%s\" (got \"%s\")", in, want,
        rc == 0 ? out : err.msg);
  free(out);
}

static void clean_refused(const char *in)
{
  ocirun_error err = {0};
  char *out = NULL;
  int rc = cgroup_path_clean(in, &out, &err);

  CHECK(rc < 0 && strstr(err.msg, "escapes its hierarchy"), "clean \"%s\" refused (%s)", in,
        rc < 0 ? err.msg : out);
  free(out);
}

static void inner_ok(const char *path, bool systemd, const char *want)
{
  ocirun_error err = {0};
  char *out = NULL;
  int rc = cgroup_inner_path(path, "ctr", systemd, &out, &err);

  CHECK(rc == 0 && strcmp(out, want) == 0, "%s \"%s\" -> \"%s\" (got \"%s\")",
        systemd ? "systemd" : "cgroupfs", path ? path : "(null)", want, rc == 0 ? out : err.msg);
  free(out);
}

static void inner_refused(const char *path, bool systemd, const char *part)
{
  ocirun_error err = {0};
  char *out = NULL;
  int rc = cgroup_inner_path(path, "ctr", systemd, &out, &err);

  CHECK(rc < 0 && strstr(err.msg, part), "%s \"%s\" refused: %s", systemd ? "systemd" : "cgroupfs",
        path, rc < 0 ? err.msg : out);
  free(out);
}

static void paths(void)
{
  clean_ok("/a/b", "/a/b");
  clean_ok("//a/./b/", "/a/b");
  clean_ok("a/b/../c", "a/c");
  clean_ok("/a/../b", "/b");
  clean_ok("", "");
  clean_ok("/", "/");
  clean_refused("..");
  clean_refused("/..");
  clean_refused("/a/../../etc");
  clean_refused("a/../../b");
  clean_refused("../../../../sys/fs/cgroup");

  inner_ok(NULL, false, "ctr");
  inner_ok("", false, "ctr");
  inner_ok("/machine/x", false, "/machine/x");
  inner_ok("rel/x/", false, "rel/x");
  inner_refused("/", false, "names no cgroup");
  inner_refused("a/..", false, "names no cgroup");
  inner_refused("/a/../..", false, "escapes");

  inner_ok("system.slice:docker:abc", true, "/system.slice/docker-abc.scope");
  inner_ok("machine-a-b.slice:libpod:123", true,
           "/machine.slice/machine-a.slice/machine-a-b.slice/libpod-123.scope");
  inner_ok("-.slice:p:n", true, "/p-n.scope");
  inner_ok(":p:n", true, "/system.slice/p-n.scope");
  inner_ok("", true, "/system.slice/ocirun-ctr.scope");
  inner_ok("user.slice::n", true, "/user.slice/n.scope");
  inner_refused("a:b", true, "slice:prefix:name");
  inner_refused("bad:p:n", true, "invalid slice name");
  inner_refused("a--b.slice:p:n", true, "invalid slice name");
  inner_refused("system.slice:p:../x", true, "invalid systemd unit name");

  {
    char *j = cgroup_path_join("/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory/own", "/abs/x");
    CHECK(strcmp(j, "/sys/fs/cgroup/memory/abs/x") == 0, "absolute joins the mount: %s", j);
    free(j);
    j = cgroup_path_join("/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory/own", "rel");
    CHECK(strcmp(j, "/sys/fs/cgroup/memory/own/rel") == 0, "relative joins the own cgroup: %s", j);
    free(j);
  }
}

static void parsing(void)
{
  char *mount = NULL, *root = NULL, *name = NULL;
  bool v2 = false;
  int rc;

  rc = cgroup_parse_mountinfo_line(
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct",
      &mount, &root, &name, &v2);
  CHECK(rc == 1 && !v2 && strcmp(name, "cpu,cpuacct") == 0 &&
            strcmp(mount, "/sys/fs/cgroup/cpu,cpuacct") == 0 && strcmp(root, "/") == 0,
        "mountinfo: co-mounted v1 hierarchy (%s at %s)", name, mount);
  free(mount), free(root), free(name);
  rc = cgroup_parse_mountinfo_line(
      "40 31 0:37 /docker/x /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd",
      &mount, &root, &name, &v2);
  CHECK(rc == 1 && strcmp(name, "name=systemd") == 0 && strcmp(root, "/docker/x") == 0,
        "mountinfo: named hierarchy, root kept");
  free(mount), free(root), free(name);
  rc = cgroup_parse_mountinfo_line(
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate", &mount,
      &root, &name, &v2);
  CHECK(rc == 1 && v2 && strcmp(name, "unified") == 0, "mountinfo: cgroup2");
  free(mount), free(root), free(name);
  rc =
      cgroup_parse_mountinfo_line("22 1 0:21 / /proc rw - proc proc rw", &mount, &root, &name, &v2);
  CHECK(rc == 0, "mountinfo: other filesystems ignored");
  rc = cgroup_parse_mountinfo_line("50 31 0:40 / /mnt/with\\040space rw - cgroup cgroup rw,pids",
                                   &mount, &root, &name, &v2);
  CHECK(rc == 1 && strcmp(mount, "/mnt/with space") == 0, "mountinfo: octal escapes");
  free(mount), free(root), free(name);
  CHECK(cgroup_parse_mountinfo_line("garbage", &mount, &root, &name, &v2) < 0,
        "mountinfo: malformed line");

  {
    const char *self = "12:pids:/a\n4:cpuacct,cpu:/b\n1:name=systemd:/c\n0::/d\n";
    char *p;
    p = cgroup_parse_proc_cgroup(self, "cpu,cpuacct");
    CHECK(p && strcmp(p, "/b") == 0, "proc cgroup: controllers in any order");
    free(p);
    p = cgroup_parse_proc_cgroup(self, "");
    CHECK(p && strcmp(p, "/d") == 0, "proc cgroup: the cgroup2 line");
    free(p);
    p = cgroup_parse_proc_cgroup(self, "name=systemd");
    CHECK(p && strcmp(p, "/c") == 0, "proc cgroup: named hierarchy");
    free(p);
    p = cgroup_parse_proc_cgroup(self, "memory");
    CHECK(p == NULL, "proc cgroup: absent hierarchy");
  }
  CHECK(cgroup_name_has("cpu,cpuacct", "cpu") && !cgroup_name_has("cpuacct", "cpu"),
        "controller lists match whole names");

  {
    pid_t *pids = NULL;
    size_t n = 0, cap = 0;
    CHECK(cg_parse_procs("1\n23\n456\n", &pids, &n, &cap) == 0 && n == 3 && pids[2] == 456,
          "cgroup.procs parsed");
    CHECK(cg_parse_procs("", &pids, &n, &cap) == 0 && n == 3, "empty cgroup.procs");
    CHECK(cg_parse_procs("7\nx\n", &pids, &n, &cap) < 0 && errno == EINVAL,
          "garbage in cgroup.procs refused");
    CHECK(cg_parse_procs("-1\n", &pids, &n, &cap) < 0, "negative pid refused");
    CHECK(cg_parse_procs("99999999999\n", &pids, &n, &cap) < 0, "overflowing pid refused");
    free(pids);
  }
}

static void record(void)
{
  ocirun_error err = {0};
  oci_string_map bad = {0};
  char *keys[2] = {"mode", "memory"}, *values[2] = {"v1", "/sys/fs/cgroup/memory/../../../etc"};
  struct cgroup *cg;

  bad.keys = keys;
  bad.values = values;
  bad.len = 2;
  cg = cgroup_from_record(&bad, &err);
  CHECK(cg == NULL, "record with \"..\" refused: %s", err.msg);
  values[1] = "/";
  CHECK(cgroup_from_record(&bad, &err) == NULL, "record naming / refused");
  values[1] = "relative/x";
  CHECK(cgroup_from_record(&bad, &err) == NULL, "relative directory refused");
  values[0] = "v7";
  values[1] = "/sys/fs/cgroup/memory/x";
  CHECK(cgroup_from_record(&bad, &err) == NULL, "unknown mode refused");
  values[0] = "hybrid";
  cg = cgroup_from_record(&bad, &err);
  CHECK(cg != NULL && cg->mode == CGROUP_MODE_HYBRID && cg->ndirs == 1, "good record loads");
  if (cg) {
    oci_string_map *m = cgroup_to_record(cg);
    CHECK(m->len == 2 && strcmp(m->keys[1], "memory") == 0 &&
              strcmp(m->values[1], "/sys/fs/cgroup/memory/x") == 0,
          "record written back the same");
    oci_string_map_free(m);
    cgroup_free(cg);
  }
  CHECK(cgroup_from_record(NULL, &err) == NULL, "no record refused");
  {
    /* A rootless container that runs without a cgroup: the mode alone. */
    oci_string_map only = {.keys = keys, .values = values, .len = 1};
    cg = cgroup_from_record(&only, &err);
    CHECK(cg != NULL && cg->ndirs == 0, "a record with no directory (rootless) loads");
    if (cg) {
      pid_t *pids = NULL;
      size_t n = 5;
      CHECK(cgroup_pids(cg, &pids, &n, &err) == 0 && n == 0, "no directory: no pids");
      CHECK(cgroup_destroy(cg, true, &err) == 0, "no directory: destroy is a no-op");
      CHECK(!cgroup_is_frozen(cg), "no directory: not frozen");
      free(pids);
      cgroup_free(cg);
    }
  }
}

int main(void)
{
  paths();
  parsing();
  record();
  return test_exit_status();
}

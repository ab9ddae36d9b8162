/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun check`'s report: create's error texts split into a JSON path and a message, counts,
 * and the JSON a tool reads back (parsed here with yajl's tree parser). */
#include <yajl/yajl_tree.h>

#include "check/report.h"
#include "process_test.h"
#include "utils.h"

static void split(const char *text, const char *want_path, const char *want_message)
{
  struct check_report r = {0};

  report_error_text(&r, text, "advice");
  CHECK(r.nfindings == 1 && strcmp(r.findings[0].path, want_path) == 0 &&
            strcmp(r.findings[0].message, want_message) == 0 &&
            r.findings[0].severity == FINDING_ERROR,
        "\"%s\" -> path \"%s\", message \"%s\"", text, r.nfindings ? r.findings[0].path : "?",
        r.nfindings ? r.findings[0].message : "?");
  report_release(&r);
}

static void error_texts(void)
{
  split("config.json: process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"",
        "process.rlimits[2].type", "unknown rlimit \"RLIMIT_FOO\"");
  split("config.json: linux.seccomp: SCMP_ACT_NOTIFY is not supported yet", "linux.seccomp",
        "SCMP_ACT_NOTIFY is not supported yet");
  /* The parser's position is no JSON path. */
  split("config.json: line 2, column 1: invalid JSON: parse error", "",
        "line 2, column 1: invalid JSON: parse error");
  split("rootfs \"/x\": No such file or directory", "", "rootfs \"/x\": No such file or directory");
  split("config.json: larger than 16 MiB", "", "larger than 16 MiB");
}

static const char *get_string(yajl_val root, const char **path)
{
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);

  return v ? YAJL_GET_STRING(v) : NULL;
}

static void findings_json(void)
{
  struct check_report r = {0};
  char errbuf[256];
  autofree char *json = NULL;
  yajl_val root, findings;
  const char *verdict_path[] = {"verdict", NULL};
  const char *findings_path[] = {"findings", NULL};

  report_finding(&r, FINDING_WARNING, "process.cwd", NULL, "\"%s\" is made", "/a\"b");
  CHECK(report_count(&r, FINDING_ERROR) == 0 && report_count(&r, FINDING_WARNING) == 1,
        "a warning alone: 0 errors, 1 warning");
  json = report_findings_json(&r, "dir");
  root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
  CHECK(root != NULL, "findings JSON parses");
  CHECK(root && strcmp(get_string(root, verdict_path), "ok") == 0, "warnings only: verdict ok");
  yajl_tree_free(root);
  free(json);

  report_finding(&r, FINDING_ERROR, "linux.resources.unified", "remove them", "cannot use %s",
                 "unified");
  json = report_findings_json(&r, "dir");
  root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
  findings = root ? yajl_tree_get(root, findings_path, yajl_t_array) : NULL;
  CHECK(root && strcmp(get_string(root, verdict_path), "fail") == 0, "an error: verdict fail");
  CHECK(findings && YAJL_GET_ARRAY(findings)->len == 2, "two findings in the array");
  if (findings && YAJL_GET_ARRAY(findings)->len == 2) {
    yajl_val first = YAJL_GET_ARRAY(findings)->values[0];
    const char *message[] = {"message", NULL}, *path[] = {"path", NULL};
    CHECK(strcmp(get_string(first, message), "\"/a\"b\" is made") == 0,
          "a quote in a message survives the round trip: %s", get_string(first, message));
    CHECK(strcmp(get_string(first, path), "process.cwd") == 0, "the path is kept");
  }
  yajl_tree_free(root);
  report_release(&r);
}

static void probes_json(void)
{
  struct check_report r = {0};
  char errbuf[256];
  autofree char *json = NULL;
  yajl_val root, n;
  const char *ok_path[] = {"ok", NULL}, *missing_path[] = {"missing", NULL};

  report_probe(&r, "cgroup", "mode", PROBE_OK, "v2");
  report_probe(&r, "lsm", "selinux", PROBE_MISSING, "not enabled");
  json = report_probes_json(&r);
  root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
  CHECK(root != NULL, "probes JSON parses");
  n = root ? yajl_tree_get(root, ok_path, yajl_t_number) : NULL;
  CHECK(n && YAJL_GET_INTEGER(n) == 1, "one ok");
  n = root ? yajl_tree_get(root, missing_path, yajl_t_number) : NULL;
  CHECK(n && YAJL_GET_INTEGER(n) == 1, "one missing");
  yajl_tree_free(root);
  report_release(&r);
}

int main(void)
{
  error_texts();
  findings_json();
  probes_json();
  return test_exit_status();
}

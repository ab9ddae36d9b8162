/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `ocirun check` collects and prints: host probes (a verdict and a one-line reason each)
 * and a bundle's findings (severity, JSON path, what is wrong, what to do). The probing code
 * only adds entries; printing (a table, or JSON for tools) is here. */
#ifndef OCIRUN_CHECK_REPORT_H
#define OCIRUN_CHECK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum probe_verdict { PROBE_OK, PROBE_LIMITED, PROBE_MISSING };

struct probe {
  char *area; /* "cgroup", "namespaces", "seccomp", "kernel", … */
  char *name;
  enum probe_verdict verdict;
  char *reason;
};

enum finding_severity {
  FINDING_ERROR,   /* create would fail */
  FINDING_WARNING, /* create would succeed with something ignored or changed */
};

struct finding {
  enum finding_severity severity;
  char *path;    /* JSON path in config.json ("process.rlimits[0]"), "" for the whole file */
  char *message; /* what create does or says */
  char *advice;  /* what to do about it */
};

struct check_report {
  struct probe *probes;
  size_t nprobes;
  struct finding *findings;
  size_t nfindings;
};

void report_probe(struct check_report *r, const char *area, const char *name,
                  enum probe_verdict verdict, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* advice may be NULL. */
void report_finding(struct check_report *r, enum finding_severity severity, const char *path,
                    const char *advice, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* create's error text, "config.json: <path>: <what>", split into a finding's path and
 * message; text without that shape becomes a finding on path "". */
void report_error_text(struct check_report *r, const char *text, const char *advice);

size_t report_count(const struct check_report *r, enum finding_severity severity);

const char *probe_verdict_name(enum probe_verdict v);
const char *finding_severity_name(enum finding_severity s);

void report_print_probes(const struct check_report *r, FILE *out);
void report_print_findings(const struct check_report *r, const char *bundle, FILE *out);
/* JSON for tools: {"probes":[…]} or {"bundle":…, "verdict":…, "findings":[…]} (malloc'd). */
char *report_probes_json(const struct check_report *r);
char *report_findings_json(const struct check_report *r, const char *bundle);

void report_release(struct check_report *r);

#endif

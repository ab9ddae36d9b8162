/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "utils.h"

static char *vformat(const char *fmt, va_list ap)
{
  char *s = NULL;

  if (vasprintf(&s, fmt, ap) < 0)
    return xstrdup("");
  return s;
}

void report_probe(struct check_report *r, const char *area, const char *name,
                  enum probe_verdict verdict, const char *fmt, ...)
{
  struct probe *p;
  va_list ap;

  r->probes = xrealloc(r->probes, (r->nprobes + 1) * sizeof(*r->probes));
  p = &r->probes[r->nprobes++];
  p->area = xstrdup(area);
  p->name = xstrdup(name);
  p->verdict = verdict;
  va_start(ap, fmt);
  p->reason = vformat(fmt, ap);
  va_end(ap);
}

void report_finding(struct check_report *r, enum finding_severity severity, const char *path,
                    const char *advice, const char *fmt, ...)
{
  struct finding *f;
  va_list ap;

  r->findings = xrealloc(r->findings, (r->nfindings + 1) * sizeof(*r->findings));
  f = &r->findings[r->nfindings++];
  f->severity = severity;
  f->path = xstrdup(path ? path : "");
  f->advice = xstrdup(advice ? advice : "");
  va_start(ap, fmt);
  f->message = vformat(fmt, ap);
  va_end(ap);
}

void report_error_text(struct check_report *r, const char *text, const char *advice)
{
  const char *prefix = "config.json: ";
  const char *rest, *colon;

  if (!has_prefix(text, prefix)) {
    report_finding(r, FINDING_ERROR, "", advice, "%s", text);
    return;
  }
  rest = text + strlen(prefix);
  /* A JSON path has no blanks; the first ": " after it starts the message. */
  colon = strstr(rest, ": ");
  if (colon == NULL || memchr(rest, ' ', (size_t)(colon - rest)) != NULL) {
    report_finding(r, FINDING_ERROR, "", advice, "%s", rest);
    return;
  }
  {
    autofree char *path = strndup(rest, (size_t)(colon - rest));
    report_finding(r, FINDING_ERROR, path, advice, "%s", colon + 2);
  }
}

size_t report_count(const struct check_report *r, enum finding_severity severity)
{
  size_t n = 0;

  for (size_t i = 0; i < r->nfindings; i++)
    if (r->findings[i].severity == severity)
      n++;
  return n;
}

const char *probe_verdict_name(enum probe_verdict v)
{
  return v == PROBE_OK ? "ok" : v == PROBE_LIMITED ? "limited" : "missing";
}

const char *finding_severity_name(enum finding_severity s)
{
  return s == FINDING_ERROR ? "error" : "warning";
}

/* ---- text ----------------------------------------------------------------------------- */

void report_print_probes(const struct check_report *r, FILE *out)
{
  size_t counts[3] = {0};

  fprintf(out, "%-11s %-22s %-8s %s\n", "AREA", "PROBE", "VERDICT", "REASON");
  for (size_t i = 0; i < r->nprobes; i++) {
    const struct probe *p = &r->probes[i];
    fprintf(out, "%-11s %-22s %-8s %s\n", p->area, p->name, probe_verdict_name(p->verdict),
            p->reason);
    counts[p->verdict]++;
  }
  fprintf(out, "\n%zu ok, %zu limited, %zu missing\n", counts[PROBE_OK], counts[PROBE_LIMITED],
          counts[PROBE_MISSING]);
}

void report_print_findings(const struct check_report *r, const char *bundle, FILE *out)
{
  size_t errors = report_count(r, FINDING_ERROR);

  for (size_t i = 0; i < r->nfindings; i++) {
    const struct finding *f = &r->findings[i];
    fprintf(out, "%s: %s%s%s\n", finding_severity_name(f->severity), f->path,
            f->path[0] ? ": " : "", f->message);
    if (f->advice[0])
      fprintf(out, "    fix: %s\n", f->advice);
  }
  fprintf(out, "%s: %zu error(s), %zu warning(s): create would %s\n", bundle, errors,
          report_count(r, FINDING_WARNING), errors ? "fail" : "succeed");
}

/* ---- JSON ----------------------------------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_pair(yajl_gen g, const char *key, const char *value)
{
  gen_str(g, key);
  gen_str(g, value);
}

static void gen_count(yajl_gen g, const char *key, size_t n)
{
  gen_str(g, key);
  yajl_gen_integer(g, (long long)n);
}

static char *gen_finish(yajl_gen g)
{
  const unsigned char *buf;
  size_t len;
  char *out;

  yajl_gen_get_buf(g, &buf, &len);
  out = xmalloc(len + 2);
  memcpy(out, buf, len);
  out[len] = '\n';
  out[len + 1] = '\0';
  yajl_gen_free(g);
  return out;
}

static yajl_gen gen_new(void)
{
  yajl_gen g = yajl_gen_alloc(NULL);

  if (g == NULL)
    abort();
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  return g;
}

char *report_probes_json(const struct check_report *r)
{
  yajl_gen g = gen_new();
  size_t counts[3] = {0};

  yajl_gen_map_open(g);
  gen_str(g, "probes");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < r->nprobes; i++) {
    const struct probe *p = &r->probes[i];
    yajl_gen_map_open(g);
    gen_pair(g, "area", p->area);
    gen_pair(g, "name", p->name);
    gen_pair(g, "verdict", probe_verdict_name(p->verdict));
    gen_pair(g, "reason", p->reason);
    yajl_gen_map_close(g);
    counts[p->verdict]++;
  }
  yajl_gen_array_close(g);
  gen_count(g, "ok", counts[PROBE_OK]);
  gen_count(g, "limited", counts[PROBE_LIMITED]);
  gen_count(g, "missing", counts[PROBE_MISSING]);
  yajl_gen_map_close(g);
  return gen_finish(g);
}

char *report_findings_json(const struct check_report *r, const char *bundle)
{
  yajl_gen g = gen_new();
  size_t errors = report_count(r, FINDING_ERROR);

  yajl_gen_map_open(g);
  gen_pair(g, "bundle", bundle);
  gen_pair(g, "verdict", errors ? "fail" : "ok");
  gen_count(g, "errors", errors);
  gen_count(g, "warnings", report_count(r, FINDING_WARNING));
  gen_str(g, "findings");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < r->nfindings; i++) {
    const struct finding *f = &r->findings[i];
    yajl_gen_map_open(g);
    gen_pair(g, "severity", finding_severity_name(f->severity));
    gen_pair(g, "path", f->path);
    gen_pair(g, "message", f->message);
    gen_pair(g, "advice", f->advice);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  return gen_finish(g);
}

void report_release(struct check_report *r)
{
  for (size_t i = 0; i < r->nprobes; i++) {
    free(r->probes[i].area);
    free(r->probes[i].name);
    free(r->probes[i].reason);
  }
  for (size_t i = 0; i < r->nfindings; i++) {
    free(r->findings[i].path);
    free(r->findings[i].message);
    free(r->findings[i].advice);
  }
  free(r->probes);
  free(r->findings);
  memset(r, 0, sizeof(*r));
}

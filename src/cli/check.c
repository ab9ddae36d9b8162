/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun check`: what this host gives containers; with --bundle, whether that bundle's
 * create would succeed here and why not. Exit status: 0, or 1 when create would fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "cli.h"
#include "utils.h"

static int print_host(const struct global_options *g, bool json)
{
  struct check_report r = {0};

  check_host(&r, g->criu);
  if (json) {
    autofree char *text = report_probes_json(&r);
    fputs(text, stdout);
  } else {
    report_print_probes(&r, stdout);
  }
  report_release(&r);
  return 0;
}

static int print_bundle(const struct global_options *g, const char *dir, bool json)
{
  struct check_report r = {0};
  struct check_bundle_options o = {.dir = dir, .systemd_cgroup = g->systemd_cgroup};
  size_t errors = check_bundle(&o, &r);

  if (json) {
    autofree char *text = report_findings_json(&r, dir);
    fputs(text, stdout);
  } else {
    report_print_findings(&r, dir, stdout);
  }
  report_release(&r);
  return errors > 0 ? 1 : 0;
}

static int run_check(const struct cli_command *cmd, const struct global_options *g, int argc,
                     char **argv)
{
  const char *bundle = NULL, *format = "table";
  const struct cli_option opts[] = {
      {"bundle", 'b', OPT_STRING, &bundle, "check this bundle against the host"},
      {"format", 'f', OPT_STRING, &format, "table or json"},
      {0},
  };
  int pos, rc;

  rc = cli_parse_args(cmd, opts, argc, argv, 0, 0, &pos);
  if (rc != 0)
    return rc < 0;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cli_fail("invalid format \"%s\": table or json", format);
  if (bundle)
    return print_bundle(g, bundle, strcmp(format, "json") == 0);
  return print_host(g, strcmp(format, "json") == 0);
}

const struct cli_command cmd_check = {
    .name = "check",
    .usage = "[--bundle DIR] [--format table|json]",
    .summary = "Show what this host supports; with --bundle, whether create would succeed.",
    .run = run_check,
};

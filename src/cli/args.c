/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "utils.h"

int cli_fail(const char *fmt, ...)
{
  char msg[4096];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_fatal(msg);
  return 1;
}

static void print_help(const struct cli_command *cmd, const struct cli_option *opts)
{
  printf("Usage: ocirun %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
  if (opts[0].name)
    printf("\nOptions:\n");
  for (const struct cli_option *o = opts; o->name; o++) {
    char names[64];
    if (o->short_name)
      snprintf(names, sizeof(names), "-%c, --%s%s", o->short_name, o->name,
               o->kind == OPT_BOOL ? "" : " value");
    else
      snprintf(names, sizeof(names), "    --%s%s", o->name, o->kind == OPT_BOOL ? "" : " value");
    printf("  %-30s %s\n", names, o->help);
  }
  printf("  %-30s %s\n", "-h, --help", "show this help");
}

static const struct cli_option *find_option(const struct cli_option *opts, const char *name,
                                            size_t len, char short_name)
{
  for (const struct cli_option *o = opts; o->name; o++) {
    if (short_name ? o->short_name == short_name
                   : (strlen(o->name) == len && strncmp(o->name, name, len) == 0))
      return o;
  }
  return NULL;
}

static bool parse_bool(const char *s, bool *out)
{
  if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
    *out = true;
    return true;
  }
  if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
    *out = false;
    return true;
  }
  return false;
}

static int set_option(const struct cli_option *o, const char *value, const char *shown)
{
  long long n;

  switch (o->kind) {
  case OPT_BOOL:
    if (value == NULL)
      *(bool *)o->target = true;
    else if (!parse_bool(value, (bool *)o->target)) {
      cli_fail("invalid boolean value \"%s\" for flag %s", value, shown);
      return -1;
    }
    return 0;
  case OPT_STRING:
    *(const char **)o->target = value;
    return 0;
  case OPT_INT:
    if (parse_long(value, &n) < 0 || n < 0 || n > 1 << 20) {
      cli_fail("invalid value \"%s\" for flag %s", value, shown);
      return -1;
    }
    *(int *)o->target = (int)n;
    return 0;
  }
  return -1;
}

int cli_parse(const struct cli_command *cmd, const struct cli_option *opts, int argc, char **argv,
              int *first_pos)
{
  int i = 1;

  for (; i < argc; i++) {
    const char *arg = argv[i];
    const char *name, *eq, *value = NULL;
    const struct cli_option *o;
    size_t len;

    if (strcmp(arg, "--") == 0) {
      i++;
      break;
    }
    if (arg[0] != '-' || arg[1] == '\0')
      break;
    name = arg + (arg[1] == '-' ? 2 : 1);
    if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0) {
      if (cmd->run) /* the global table has its own help */
        print_help(cmd, opts);
      return 1;
    }
    eq = strchr(name, '=');
    len = eq ? (size_t)(eq - name) : strlen(name);
    if (eq)
      value = eq + 1;
    /* "-a" is a short flag; "-no-subreaper" (go-runc) is a long one with one dash. */
    if (arg[1] != '-' && len == 1)
      o = find_option(opts, NULL, 0, name[0]);
    else
      o = find_option(opts, name, len, 0);
    if (o == NULL) {
      cli_fail("%s%sflag provided but not defined: %.*s", cmd->name, cmd->name[0] ? ": " : "",
               (int)(len + 1 + (arg[1] == '-')), arg);
      return -1;
    }
    if (o->kind != OPT_BOOL && value == NULL) {
      if (i + 1 >= argc) {
        cli_fail("%s%sflag needs an argument: %s", cmd->name, cmd->name[0] ? ": " : "", arg);
        return -1;
      }
      value = argv[++i];
    }
    if (set_option(o, value, arg) < 0)
      return -1;
  }
  *first_pos = i;
  return 0;
}

int cli_require_args(const struct cli_command *cmd, int have, int min, int max)
{
  if (have < min || (max >= 0 && have > max)) {
    if (min == max)
      cli_fail("\"%s\" requires exactly %d argument(s)", cmd->name, min);
    else if (have < min)
      cli_fail("\"%s\" requires a minimum of %d argument(s)", cmd->name, min);
    else
      cli_fail("\"%s\" requires a maximum of %d argument(s)", cmd->name, max);
    return -1;
  }
  return 0;
}

int cli_parse_args(const struct cli_command *cmd, const struct cli_option *opts, int argc,
                   char **argv, int min, int max, int *first_pos)
{
  int rc = cli_parse(cmd, opts, argc, argv, first_pos);

  if (rc != 0)
    return rc;
  return cli_require_args(cmd, argc - *first_pos, min, max);
}

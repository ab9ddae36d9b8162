/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "say.h"
#include "signals.h"

static void print_help(void)
{
  printf("Usage: ocirun-init [-s] [-g] [-p SIGNAL] [--] PROGRAM [ARGS...]\n"
         "\n"
         "A minimal init for containers: runs PROGRAM as its child, forwards every signal it\n"
         "can catch to it, reaps every zombie and exits with PROGRAM's exit status (128+N\n"
         "when PROGRAM was killed by signal N).\n"
         "\n"
         "Options:\n"
         "  -s            register as a child subreaper when not running as PID 1\n"
         "  -g            forward signals to PROGRAM's process group, not only PROGRAM\n"
         "  -p SIGNAL     ask for SIGNAL (SIGKILL, KILL, 9, RTMIN+1) when the parent dies\n"
         "  -h, --help    show this help\n"
         "  --version     print the version\n");
}

/* One argument of short flags ("-s", "-sg", "-pKILL"); *i moves past a separate -p value. */
static enum init_parse_result parse_short_flags(int argc, char **argv, int *i,
                                                struct init_options *out)
{
  ocirun_error err = {0};

  for (const char *c = argv[*i] + 1; *c; c++) {
    const char *value;

    switch (*c) {
    case 's':
      out->subreaper = true;
      break;
    case 'g':
      out->process_group = true;
      break;
    case 'h':
      print_help();
      return INIT_PARSE_DONE;
    case 'p':
      value = c[1] ? c + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
      if (value == NULL) {
        say("-p needs a signal (try --help)");
        return INIT_PARSE_BAD;
      }
      out->parent_death_signal = signal_parse(value, &err);
      if (out->parent_death_signal < 0) {
        say("-p: %s", err.msg);
        return INIT_PARSE_BAD;
      }
      return INIT_PARSE_RUN;
    default:
      say("unknown option -%c (try --help)", *c);
      return INIT_PARSE_BAD;
    }
  }
  return INIT_PARSE_RUN;
}

enum init_parse_result init_options_parse(int argc, char **argv, struct init_options *out)
{
  int i = 1;

  *out = (struct init_options){0};
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
    enum init_parse_result r;

    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strcmp(argv[i], "--help") == 0) {
      print_help();
      return INIT_PARSE_DONE;
    }
    if (strcmp(argv[i], "--version") == 0) {
      printf("ocirun-init version %s\n", OCIRUN_VERSION);
      return INIT_PARSE_DONE;
    }
    if (argv[i][1] == '-') {
      say("unknown option %s (try --help)", argv[i]);
      return INIT_PARSE_BAD;
    }
    r = parse_short_flags(argc, argv, &i, out);
    if (r != INIT_PARSE_RUN)
      return r;
  }
  if (i >= argc) {
    say("no program to run (try --help)");
    return INIT_PARSE_BAD;
  }
  out->child_argv = argv + i;
  return INIT_PARSE_RUN;
}

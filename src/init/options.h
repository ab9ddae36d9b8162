/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ocirun-init's command line. */
#ifndef OCIRUN_INIT_OPTIONS_H
#define OCIRUN_INIT_OPTIONS_H

#include <stdbool.h>

struct init_options {
  bool subreaper;          /* -s */
  bool process_group;      /* -g */
  int parent_death_signal; /* -p, 0 when not given */
  char **child_argv;       /* what to run: points into argv */
};

enum init_parse_result {
  INIT_PARSE_RUN,  /* options filled: go on */
  INIT_PARSE_DONE, /* --help or --version was printed: exit 0 */
  INIT_PARSE_BAD,  /* a usage error was printed: exit 1 */
};

enum init_parse_result init_options_parse(int argc, char **argv, struct init_options *out);

#endif

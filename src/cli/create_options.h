/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flags `create` and `run` share. */
#ifndef OCIRUN_CREATE_OPTIONS_H
#define OCIRUN_CREATE_OPTIONS_H

#include "cli.h"
#include "container.h"

#define CREATE_OPTIONS_MAX 16

struct create_flags {
  const char *bundle;
  const char *console_socket;
  const char *pid_file;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool detach; /* run only */
  bool keep;   /* run only */
  bool no_subreaper;
  bool init;             /* ocirun extension */
  const char *init_path; /* ocirun extension */
};

/* Fills opts (CREATE_OPTIONS_MAX entries, zero-terminated) with create's flags, and run's
 * extra ones when for_run. */
void create_options_table(struct create_flags *f, struct cli_option *opts, bool for_run);

void create_options_fill(struct create_options *co, const struct create_flags *f,
                         const struct global_options *g, const char *id);

#endif

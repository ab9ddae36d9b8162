/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "state.h"
#include "utils.h"

struct row {
  char *cells[6];
};

static const char *const headers[6] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};

static void print_row(const char *const *cells, const size_t *width)
{
  for (int c = 0; c < 5; c++)
    printf("%-*s", (int)width[c], cells[c]);
  printf("%s\n", cells[5]);
}

/* runc prints with a tabwriter of minimum width 12 and padding 3. */
static void print_table(struct row *rows, size_t n)
{
  size_t width[6];

  for (int c = 0; c < 6; c++) {
    width[c] = strlen(headers[c]);
    for (size_t r = 0; r < n; r++)
      if (strlen(rows[r].cells[c]) > width[c])
        width[c] = strlen(rows[r].cells[c]);
    width[c] += 3;
    if (width[c] < 12)
      width[c] = 12;
  }
  print_row(headers, width);
  for (size_t r = 0; r < n; r++)
    print_row((const char *const *)rows[r].cells, width);
}

static void print_json(char **states, size_t n)
{
  fputc('[', stdout);
  for (size_t r = 0; r < n; r++)
    printf("%s%s", r ? "," : "", states[r]);
  fputs("]\n", stdout);
}

static int run_list(const struct cli_command *cmd, const struct global_options *g, int argc,
                    char **argv)
{
  const char *format = "table";
  bool quiet = false;
  const struct cli_option opts[] = {
      {"format", 'f', OPT_STRING, &format, "table or json"},
      {"quiet", 'q', OPT_BOOL, &quiet, "print only the IDs"},
      {0},
  };
  struct row *rows = NULL;
  char **states = NULL;
  size_t n = 0;
  DIR *d;
  struct dirent *e;
  int pos, rc, rootfd;
  bool json;

  rc = cli_parse_args(cmd, opts, argc, argv, 0, 0, &pos);
  if (rc != 0)
    return rc < 0;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cli_fail("invalid format option \"%s\"", format);
  json = strcmp(format, "json") == 0 && !quiet;
  /* One handle on the root for every container in it; none when there is no root yet. */
  rootfd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  d = rootfd >= 0 ? fdopendir(rootfd) : NULL;
  while (d && (e = readdir(d)) != NULL) {
    struct container c;
    ocirun_error err = {0};
    enum container_status st;

    if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
      continue;
    /* No lock: a container still being created (no state.json yet) or one whose directory a
     * delete is removing is left out, as runc leaves it out, instead of waiting for it. */
    if (container_peek(rootfd, g->root, e->d_name, &c, &err) < 0)
      continue;
    st = container_status(&c);
    rows = xrealloc(rows, (n + 1) * sizeof(*rows));
    states = xrealloc(states, (n + 1) * sizeof(*states));
    rows[n].cells[0] = xstrdup(c.record->id);
    rows[n].cells[1] = xasprintf("%lld", st == STATUS_STOPPED ? 0LL : (long long)c.record->pid);
    rows[n].cells[2] = xstrdup(status_name(st));
    rows[n].cells[3] = xstrdup(c.record->bundle);
    rows[n].cells[4] = xstrdup(c.record->created);
    rows[n].cells[5] = xstrdup(c.record->owner ? c.record->owner : "");
    states[n] = NULL;
    if (json) {
      states[n] = container_state_json(&c, st, false, &err);
      if (states[n] == NULL)
        states[n] = xstrdup("null");
    }
    n++;
    container_release(&c);
  }
  if (d)
    closedir(d); /* and rootfd with it */
  else if (rootfd >= 0)
    close(rootfd);
  if (quiet)
    for (size_t r = 0; r < n; r++)
      puts(rows[r].cells[0]);
  else if (json)
    print_json(states, n);
  else
    print_table(rows, n);
  for (size_t r = 0; r < n; r++) {
    for (int c = 0; c < 6; c++)
      free(rows[r].cells[c]);
    free(states[r]);
  }
  free(rows);
  free(states);
  return 0;
}

const struct cli_command cmd_list = {
    .name = "list",
    .usage = "[command options]",
    .summary = "List the containers under the state root.",
    .run = run_list,
};

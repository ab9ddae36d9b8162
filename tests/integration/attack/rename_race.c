/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rename_race A B [SECONDS]
 *
 * Swaps the paths A and B (a directory and a symlink, say) with renameat2(RENAME_EXCHANGE)
 * as fast as it can, so that a runtime resolving a path through A sees one or the other at
 * any moment: the race of CVE-2021-30465 and CVE-2024-45310. Stops after SECONDS (default
 * 60) or on SIGTERM, and always leaves A and B as they were at the start (an even number of
 * swaps). Prints the number of swaps made. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
  (void)sig;
  stop = 1;
}

static int exchange(const char *a, const char *b)
{
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int main(int argc, char **argv)
{
  struct sigaction sa = {.sa_handler = on_term};
  unsigned long long swaps = 0;
  time_t until;

  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: rename_race A B [SECONDS]\n");
    return 2;
  }
  until = time(NULL) + (argc == 4 ? atoi(argv[3]) : 60);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  while (!stop && time(NULL) < until) {
    if (exchange(argv[1], argv[2]) < 0) {
      perror("renameat2");
      return 1;
    }
    if (exchange(argv[1], argv[2]) < 0) {
      perror("renameat2");
      return 1;
    }
    swaps += 2;
  }
  printf("%llu\n", swaps);
  return 0;
}

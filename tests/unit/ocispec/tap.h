/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP writer for the libocispec tests: one "ok N - what" line a check. */
#ifndef OCISPEC_TEST_TAP_H
#define OCISPEC_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))

static int tap_count;
static int tap_failures;

TAP_UNUSED __attribute__((format(printf, 2, 3))) static bool tap_ok(bool ok, const char *fmt, ...)
{
  va_list ap;

  printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  if (!ok)
    tap_failures++;
  return ok;
}

/* A diagnostic line, shown by meson in the test log. */
TAP_UNUSED __attribute__((format(printf, 1, 2))) static void tap_note(const char *fmt, ...)
{
  va_list ap;

  fputs("# ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

/* Checks that got equals want, showing both when they differ. */
TAP_UNUSED static bool tap_same(const char *got, const char *want, const char *what)
{
  bool ok = got != NULL && want != NULL ? strcmp(got, want) == 0 : got == want;

  if (!tap_ok(ok, "%s", what)) {
    tap_note("got:  %s", got ? got : "(null)");
    tap_note("want: %s", want ? want : "(null)");
  }
  return ok;
}

/* Prints the plan; the exit status for main(). */
TAP_UNUSED static int tap_done(void)
{
  printf("1..%d\n", tap_count);
  return tap_failures ? 1 : 0;
}

#endif

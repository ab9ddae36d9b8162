/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "say.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void say(const char *fmt, ...)
{
  char line[512];
  int saved = errno, n;
  va_list ap;

  n = snprintf(line, sizeof(line), "ocirun-init: ");
  va_start(ap, fmt);
  n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof(line) - 2)
    n = (int)sizeof(line) - 2;
  line[n++] = '\n';
  if (write(STDERR_FILENO, line, (size_t)n) < 0) {
    /* nowhere left to say it */
  }
  errno = saved;
}

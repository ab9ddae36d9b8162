/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int error_set(ocirun_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (err == NULL)
    return -1;
  err->errnum = errnum;
  va_start(ap, fmt);
  n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  if (errnum != 0 && n >= 0 && (size_t)n < sizeof(err->msg))
    snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
  return -1;
}

int error_prefix(ocirun_error *err, const char *fmt, ...)
{
  char old[sizeof(err->msg)];
  va_list ap;
  int n;

  if (err == NULL)
    return -1;
  memcpy(old, err->msg, sizeof(old));
  va_start(ap, fmt);
  n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof(err->msg))
    snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %.*s",
             (int)(sizeof(err->msg) - (size_t)n), old);
  return -1;
}

void error_clear(ocirun_error *err)
{
  err->errnum = 0;
  err->msg[0] = '\0';
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error object, filled where a failure happens and wrapped with context on the way up.
 * It holds a fixed buffer so that it can be used after clone() and in signal-unsafe places
 * without allocating. */
#ifndef OCIRUN_ERROR_H
#define OCIRUN_ERROR_H

#include <stddef.h>

typedef struct ocirun_error {
  int errnum;     /* errno of the root cause, 0 when none */
  char msg[4096]; /* "mount \"proc\" on \"/proc\": Operation not permitted" */
} ocirun_error;

/* Sets the message to fmt (and ": strerror(errnum)" when errnum != 0). Returns -1. */
int error_set(ocirun_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the current message. Returns -1. */
int error_prefix(ocirun_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the error. */
void error_clear(ocirun_error *err);

#endif

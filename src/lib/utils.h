/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every part of the runtime: cleanup attributes, allocation that
 * cannot fail silently, whole-file I/O by fd. */
#ifndef OCIRUN_UTILS_H
#define OCIRUN_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

void free_ptr(void *p);
void close_ptr(int *fd);
void fclose_ptr(FILE **f);

/* Free / close what the variable holds when it goes out of scope. */
#define autofree __attribute__((cleanup(free_ptr)))
#define autoclose __attribute__((cleanup(close_ptr)))
#define autofclose __attribute__((cleanup(fclose_ptr)))

/* Hands ownership out of an autofree/autoclose variable. */
#define steal_ptr(p)                                                                               \
  ({                                                                                               \
    __typeof__(p) stolen_ = (p);                                                                   \
    (p) = NULL;                                                                                    \
    stolen_;                                                                                       \
  })
#define steal_fd(fd)                                                                               \
  ({                                                                                               \
    int stolen_ = (fd);                                                                            \
    (fd) = -1;                                                                                     \
    stolen_;                                                                                       \
  })

/* Allocation that aborts on out-of-memory: the runtime cannot do anything useful after it. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* write() that retries on EINTR and short writes. Returns 0 or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* Reads a whole file (relative to dirfd, or absolute) into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, ocirun_error *err);

/* Writes data to an existing file (O_WRONLY|O_TRUNC, no O_CREAT). */
int write_file_at(int dirfd, const char *path, const char *data, size_t len, ocirun_error *err);

/* Atomically replaces dirfd/name with data: a temp file in the same directory, then rename. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                      ocirun_error *err);

/* Writes pid to path atomically as go-runc and conmon read it: digits only, no newline. */
int write_pid_file(const char *path, pid_t pid, ocirun_error *err);

/* True when s starts with prefix. */
bool has_prefix(const char *s, const char *prefix);

/* Parses a decimal integer, the whole string. Returns 0 or -1. */
int parse_long(const char *s, long long *out);

/* The current time as RFC 3339 with nanoseconds in UTC ("2026-11-23T13:44:37.123456789Z"),
 * the form Go's time.RFC3339Nano parses. buf needs 40 bytes. */
void rfc3339_now(char *buf, size_t len);

#endif

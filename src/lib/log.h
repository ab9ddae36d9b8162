/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the runtime reports: stderr, and the --log file in text or JSON lines
 * ({"level","msg","time"} a line, as containerd and Podman read it back). */
#ifndef OCIRUN_LOG_H
#define OCIRUN_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Opens the log file (append). Returns -1 with errno when it cannot be opened. */
int log_init(const char *path, bool json, bool debug);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)

/* The final error of a failed command: one record in the log, and the same text on stderr
 * in a single write (when the log is not stderr already). */
void log_fatal(const char *msg);

/* The log file's fd, or -1; children close it before running container code. */
int log_fd(void);

#endif

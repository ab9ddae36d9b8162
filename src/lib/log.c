/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

static int log_file = -1;
static bool log_json;
static bool log_debug_on;

int log_init(const char *path, bool json, bool debug)
{
  log_json = json;
  log_debug_on = debug;
  if (path == NULL || path[0] == '\0')
    return 0;
  log_file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return log_file < 0 ? -1 : 0;
}

int log_fd(void)
{
  return log_file;
}

static const char *level_name(enum log_level level)
{
  switch (level) {
  case LOG_LEVEL_ERROR:
    return "error";
  case LOG_LEVEL_WARNING:
    return "warning";
  case LOG_LEVEL_INFO:
    return "info";
  default:
    return "debug";
  }
}

/* Appends msg to out as the body of a JSON string. */
static size_t json_escape(char *out, size_t cap, const char *msg)
{
  size_t n = 0;

  for (const unsigned char *p = (const unsigned char *)msg; *p && n + 7 < cap; p++) {
    if (*p == '"' || *p == '\\') {
      out[n++] = '\\';
      out[n++] = (char)*p;
    } else if (*p < 0x20) {
      n += (size_t)snprintf(out + n, cap - n, "\\u%04x", *p);
    } else {
      out[n++] = (char)*p;
    }
  }
  out[n] = '\0';
  return n;
}

static void write_record(int fd, enum log_level level, const char *msg)
{
  char line[8192], when[64];
  int n;

  rfc3339_now(when, sizeof(when));
  if (log_json) {
    char escaped[6144];
    json_escape(escaped, sizeof(escaped), msg);
    n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                 level_name(level), escaped, when);
  } else {
    n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", when, level_name(level),
                 msg);
  }
  if (n > (int)sizeof(line) - 1)
    n = sizeof(line) - 1;
  write_all(fd, line, (size_t)n);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  char msg[4096];
  va_list ap;

  if (level == LOG_LEVEL_DEBUG && !log_debug_on)
    return;
  /* Podman reads a JSON log back as exactly one JSON value (the final error): without --debug
   * a JSON log holds errors only. containerd reads only the error records anyway. */
  if (level != LOG_LEVEL_ERROR && log_json && !log_debug_on)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  /* Without a log file, only debug output goes to stderr: warnings there would end up in the
   * container's log when a client hands us the container's stderr. */
  if (log_file >= 0)
    write_record(log_file, level, msg);
  else if (log_debug_on)
    write_record(2, level, msg);
}

void log_fatal(const char *msg)
{
  char line[4200];
  int n;

  if (log_file >= 0)
    write_record(log_file, LOG_LEVEL_ERROR, msg);
  n = snprintf(line, sizeof(line), "ocirun: %s\n", msg);
  if (n > (int)sizeof(line) - 1)
    n = sizeof(line) - 1;
  write_all(2, line, (size_t)n);
}

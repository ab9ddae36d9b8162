/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "signals.h"

#include <signal.h>
#include <string.h>
#include <strings.h>

#include "utils.h"

static const struct {
  const char *name;
  int num;
} signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

static int parse_realtime(const char *name)
{
  long long off = 0;

  if (strcasecmp(name, "RTMIN") == 0)
    return SIGRTMIN;
  if (strcasecmp(name, "RTMAX") == 0)
    return SIGRTMAX;
  if (strncasecmp(name, "RTMIN+", 6) == 0 && parse_long(name + 6, &off) == 0 && off >= 0 &&
      SIGRTMIN + off <= SIGRTMAX)
    return SIGRTMIN + (int)off;
  if (strncasecmp(name, "RTMAX-", 6) == 0 && parse_long(name + 6, &off) == 0 && off >= 0 &&
      SIGRTMAX - off >= SIGRTMIN)
    return SIGRTMAX - (int)off;
  return -1;
}

int signal_parse(const char *text, ocirun_error *err)
{
  const char *name = text;
  long long num;

  if (parse_long(text, &num) == 0) {
    if (num <= 0 || num > SIGRTMAX)
      return error_set(err, 0, "invalid signal \"%s\"", text);
    return (int)num;
  }
  if (strncasecmp(name, "SIG", 3) == 0)
    name += 3;
  for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
    if (strcasecmp(name, signal_names[i].name) == 0)
      return signal_names[i].num;
  num = parse_realtime(name);
  if (num > 0)
    return (int)num;
  return error_set(err, 0, "unknown signal \"%s\"", text);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Built into ocirun only with -Db_sanitize=... (the sanitizer lane, see docs/security.md).
 *
 * The sanitizers' settings are compiled in, because callers run the runtime in a clean
 * environment (the tests' `env -i`, containerd, Podman) where ASAN_OPTIONS would be lost: any
 * report aborts the process. ASAN_OPTIONS and UBSAN_OPTIONS still add to them.
 *
 * Where reports go: when OCIRUN_SANITIZER_LOG_DIR exists (the lane creates it), each report
 * is a file ocirun.PID in it. The process opens the directory at startup and names it to the
 * sanitizers as /proc/self/fd/N/ocirun: they open their log only when they report, and by then
 * the process may be the container's init or an exec'd child in the container's mount
 * namespace, where the directory's own path does not exist but the fd still leads to it. (An
 * fd given with __sanitizer_set_report_fd would not do: the first report in a forked child
 * closes it and falls back to the path.) The fd is O_CLOEXEC: it never reaches a container's
 * process, and the process re-executed from the sealed memfd (sealed_exe.c) opens its own. It
 * sits at or above fd 200, away from the fds a caller passes with --preserve-fds. */
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"

#define REPORT_FD_MIN 200

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
  return "halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1";
}

const char *__ubsan_default_options(void)
{
  return "halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1";
}

__attribute__((constructor)) static void sanitizer_report_to_log_dir(void)
{
  static char path[64];
  int fd = open(OCIRUN_SANITIZER_LOG_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int high;

  if (fd < 0)
    return; /* no log directory: reports go to stderr */
  high = fcntl(fd, F_DUPFD_CLOEXEC, REPORT_FD_MIN);
  close(fd);
  if (high < 0)
    return;
  snprintf(path, sizeof(path), "/proc/self/fd/%d/ocirun", high);
  __sanitizer_set_report_path(path);
}

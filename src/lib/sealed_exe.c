/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Re-execution from a sealed memfd copy; see sealed_exe.h.
 *
 * The steps, for `ocirun create|run|exec`:
 *   1. open /proc/self/exe (O_RDONLY: F_GET_SEALS refuses an O_PATH fd) and read its seals;
 *      a memfd with F_SEAL_SEAL|SHRINK|GROW|WRITE is what we want: go on;
 *   2. otherwise memfd_create("ocirun", MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_EXEC), copy the
 *      executable into it (sendfile, read/write as a fallback), check the size;
 *   3. add F_SEAL_FUTURE_WRITE and F_SEAL_EXEC where the kernel knows them, then
 *      F_SEAL_SHRINK|GROW|WRITE, then F_SEAL_SEAL last; read the seals back;
 *   4. fexecve() the memfd with the same argv and environment plus a marker variable.
 * The marker only stops a loop: the re-executed process checks the seals of its
 * /proc/self/exe again (step 1) and fails, rather than re-executing once more, when the
 * marker says it already did and the seals are not there. It then removes the marker, so
 * hooks and containers never see it. */
#include "sealed_exe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "sealed_overlay.h"
#include "utils.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even when vm.memfd_noexec asks otherwise */
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

#define SEALED_ENV "_OCIRUN_SEALED_EXE"
/* The on-disk path, handed to the sealed copy (whose /proc/self/exe no longer says it). */
#define ORIGIN_ENV "_OCIRUN_ORIGIN_EXE"
#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static char origin_path[PATH_MAX];

bool sealed_exe_wanted(const char *command)
{
  return command && (strcmp(command, "create") == 0 || strcmp(command, "run") == 0 ||
                     strcmp(command, "exec") == 0);
}

static bool fd_is_sealed(int fd)
{
  int seals = fcntl(fd, F_GET_SEALS);

  return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

bool sealed_exe_is_sealed(void)
{
  autoclose int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return false;
  /* A read-only overlay counts only as our own re-execution's: a binary merely installed on
   * some read-only overlay (an image layer) could sit on a mount made writable later. */
  return fd_is_sealed(fd) || (getenv(SEALED_ENV) && sealed_overlay_holds(fd));
}

static int create_memfd(ocirun_error *err)
{
  int fd = memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

  /* Kernels before 6.3 do not know MFD_EXEC; their memfds are executable anyway. */
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return error_set(err, errno, "memfd_create");
  return fd;
}

static int copy_with_read_write(int in, int out, off_t size, ocirun_error *err)
{
  char buf[65536];
  off_t done = 0;

  if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0 || ftruncate(out, 0) < 0)
    return error_set(err, errno, "rewind the copy");
  while (done < size) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_set(err, errno, "read /proc/self/exe");
    if (n == 0)
      break;
    if (write_all(out, buf, (size_t)n) < 0)
      return error_set(err, errno, "write the sealed copy");
    done += n;
  }
  return 0;
}

static int copy_executable(int in, int out, ocirun_error *err)
{
  struct stat st, copied;
  off_t done = 0;

  if (fstat(in, &st) < 0)
    return error_set(err, errno, "stat /proc/self/exe");
  while (done < st.st_size) {
    ssize_t n = sendfile(out, in, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (done == 0 && n < 0 && (errno == EINVAL || errno == ENOSYS)) {
        if (copy_with_read_write(in, out, st.st_size, err) < 0)
          return -1;
        break;
      }
      return error_set(err, n < 0 ? errno : EIO, "copy /proc/self/exe");
    }
    done += n;
  }
  if (fstat(out, &copied) < 0)
    return error_set(err, errno, "stat the sealed copy");
  if (copied.st_size != st.st_size)
    return error_set(err, EIO, "copy /proc/self/exe: %lld of %lld bytes", (long long)copied.st_size,
                     (long long)st.st_size);
  return 0;
}

static int add_seals(int fd, ocirun_error *err)
{
  /* Best effort for the seals newer kernels know; each must come before F_SEAL_SEAL. */
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) < 0 && errno != EINVAL)
    return error_set(err, errno, "seal the copy (F_SEAL_FUTURE_WRITE)");
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC) < 0 && errno != EINVAL)
    return error_set(err, errno, "seal the copy (F_SEAL_EXEC)");
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    return error_set(err, errno, "seal the copy");
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) < 0)
    return error_set(err, errno, "seal the copy (F_SEAL_SEAL)");
  if (!fd_is_sealed(fd))
    return error_set(err, 0, "seal the copy: the seals did not hold");
  return 0;
}

/* The on-disk executable, from /proc/self/exe while we still run from it. */
static const char *read_origin(void)
{
  ssize_t n = readlink("/proc/self/exe", origin_path, sizeof(origin_path) - 1);

  if (n <= 0 || origin_path[0] != '/') {
    origin_path[0] = '\0';
    return NULL;
  }
  origin_path[n] = '\0';
  return origin_path;
}

const char *sealed_exe_origin(void)
{
  if (origin_path[0])
    return origin_path;
  return sealed_exe_is_sealed() ? NULL : read_origin();
}

/* environ plus SEALED_ENV=1 and ORIGIN_ENV (replacing inherited ones); *origin_var is the
 * allocated ORIGIN_ENV entry, NULL when the origin is unknown. */
static char **environment_with_marker(char **origin_var)
{
  const char *origin = read_origin();
  size_t n = 0, out = 0;
  char **env;

  while (environ && environ[n])
    n++;
  env = xcalloc(n + 3, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    if (!has_prefix(environ[i], SEALED_ENV "=") && !has_prefix(environ[i], ORIGIN_ENV "="))
      env[out++] = environ[i];
  env[out++] = (char *)SEALED_ENV "=1";
  *origin_var = origin ? xasprintf("%s=%s", ORIGIN_ENV, origin) : NULL;
  if (*origin_var)
    env[out++] = *origin_var;
  env[out] = NULL;
  return env;
}

static int reexec_sealed(char **argv, ocirun_error *err)
{
  autoclose int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  autoclose int copy = -1;
  autofree char **env = NULL;
  autofree char *origin_var = NULL;
  struct stat st;

  if (self < 0)
    return error_set(err, errno, "open /proc/self/exe");
  /* The read-only overlay where we may mount one; the sealed memfd copy otherwise. */
  if (fstat(self, &st) == 0)
    copy = sealed_overlay_open(read_origin(), &st);
  if (copy < 0) {
    copy = create_memfd(err);
    if (copy < 0 || copy_executable(self, copy, err) < 0 || add_seals(copy, err) < 0)
      return -1;
  }
  env = environment_with_marker(&origin_var);
  fexecve(copy, argv, env);
  return error_set(err, errno, "execute the sealed copy");
}

int sealed_exe_ensure(int argc, char **argv)
{
  ocirun_error err = {0};
  const char *marker = getenv(SEALED_ENV);

  (void)argc;
  if (sealed_exe_is_sealed()) {
    if (marker) {
      const char *origin = getenv(ORIGIN_ENV);
      if (origin && origin[0] == '/')
        snprintf(origin_path, sizeof(origin_path), "%s", origin);
      unsetenv(SEALED_ENV);
      /* execveat names the process after the fd number; give it its name back. */
      prctl(PR_SET_NAME, "ocirun", 0, 0, 0);
    }
    unsetenv(ORIGIN_ENV);
    return 0;
  }
  /* Once re-executed we must be sealed: going round again would loop for ever. */
  if (marker)
    error_set(&err, 0,
              "runtime binary: re-executed from a sealed copy, but /proc/self/exe "
              "is not sealed");
  else
    reexec_sealed(argv, &err);
  error_prefix(&err, "refusing to run unsealed (CVE-2019-5736 defence)");
  log_fatal(err.msg);
  return -1;
}

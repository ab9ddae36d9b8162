/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process_find_executable (declared in process.h): the PATH search execvp would do, with the
 * wording of runc's (Go's exec.LookPath) errors, so that clients matching on them work. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec_env.h"
#include "process.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void go_errno_text(int errnum, char *buf, size_t len)
{
  snprintf(buf, len, "%s", strerror(errnum));
  if (buf[0] != '\0' && isupper((unsigned char)buf[0]) && !isupper((unsigned char)buf[1]))
    buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* 0 when path is a regular file this process may execute; otherwise fills why (Go's text)
 * and returns the errno. */
static int check_executable(const char *path, char *why, size_t len)
{
  char text[128];
  struct stat st;
  int e;

  if (stat(path, &st) < 0) {
    e = errno;
    go_errno_text(e, text, sizeof(text));
    snprintf(why, len, "stat %s: %s", path, text);
    return e;
  }
  if (S_ISDIR(st.st_mode))
    e = EISDIR;
  else if (!S_ISREG(st.st_mode))
    e = EACCES;
  else if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
    e = errno;
  else
    return 0;
  go_errno_text(e, why, len);
  return e;
}

static int fail(ocirun_error *err, int errnum, const char *name, const char *why)
{
  error_set(err, 0, "exec: \"%s\": %s", name, why);
  err->errnum = errnum;
  return -1;
}

int process_lookup_executable(const oci_process *p, executable_check_fn check, void *ctx,
                              char out[PATH_MAX], ocirun_error *err)
{
  const char *name, *search;
  char why[PATH_MAX + 160];
  int e;

  if (p == NULL || p->args_len == 0 || p->args[0] == NULL)
    return error_set(err, 0, "process.args: must not be empty");
  name = p->args[0];

  /* A name with a slash is taken as is, relative to the cwd already entered. */
  if (strchr(name, '/') != NULL) {
    if (strlen(name) >= PATH_MAX)
      return fail(err, ENAMETOOLONG, name, "file name too long");
    e = check(ctx, name, why, sizeof(why));
    if (e != 0)
      return fail(err, e, name, why);
    strcpy(out, name);
    return 0;
  }

  search = exec_env_get(p->env, p->env_len, "PATH");
  if (search == NULL)
    search = DEFAULT_PATH;
  for (const char *dir = search;; dir++) {
    size_t dirlen = strcspn(dir, ":");
    int n;

    /* An empty entry means the current directory, as in execvp. */
    if (dirlen == 0)
      n = snprintf(out, PATH_MAX, "%s", name);
    else
      n = snprintf(out, PATH_MAX, "%.*s/%s", (int)dirlen, dir, name);
    if (n > 0 && n < PATH_MAX && check(ctx, out, why, sizeof(why)) == 0)
      return 0;
    dir += dirlen;
    if (*dir == '\0')
      break;
  }
  out[0] = '\0';
  return fail(err, ENOENT, name, "executable file not found in $PATH");
}

static int check_here(void *ctx, const char *path, char *why, size_t len)
{
  (void)ctx;
  return check_executable(path, why, len);
}

int process_find_executable(const oci_process *p, char out[PATH_MAX], ocirun_error *err)
{
  return process_lookup_executable(p, check_here, NULL, out, err);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc_self.h"
#include "utils.h"

/* An image's /etc/passwd is not worth more than this. */
#define PASSWD_MAX_SIZE (4 * 1024 * 1024)

/* True when this user namespace forbids setgroups (an unprivileged user namespace). */
static bool setgroups_denied(void)
{
  ocirun_error ignored;
  autoclose int fd = proc_self_open("setgroups", O_RDONLY, &ignored);
  char buf[16] = "";
  ssize_t n;

  if (fd < 0)
    return false; /* no file: kernels before 3.19, where setgroups is always allowed */
  n = read(fd, buf, sizeof(buf) - 1);
  return n > 0 && strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const uint64_t *gids, size_t ngids, ocirun_error *err)
{
  autofree gid_t *list = NULL;

  if (setgroups_denied()) {
    if (ngids > 0)
      return error_set(err, EPERM,
                       "setgroups: cannot set additional groups (setgroups is "
                       "denied in this user namespace)");
    return 0;
  }
  list = xcalloc(ngids, sizeof(gid_t));
  for (size_t i = 0; i < ngids; i++)
    list[i] = (gid_t)gids[i];
  if (setgroups(ngids, list) < 0)
    return error_set(err, errno, "setgroups");
  return 0;
}

int user_switch(uid_t uid, gid_t gid, const uint64_t *gids, size_t ngids, ocirun_error *err)
{
  if (set_groups(gids, ngids, err) < 0)
    return -1;
  if (setresgid(gid, gid, gid) < 0)
    return error_set(err, errno, "setresgid %u", (unsigned)gid);
  if (setresuid(uid, uid, uid) < 0)
    return error_set(err, errno, "setresuid %u", (unsigned)uid);
  return 0;
}

/* Reads /etc/passwd of the current root. The image controls it, so it may be a FIFO (open
 * would block), a device, or huge: only a regular file of a sane size is read. */
static char *read_passwd(void)
{
  autoclose int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  autofree char *buf = NULL;
  size_t used = 0;
  struct stat st;

  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PASSWD_MAX_SIZE)
    return NULL;
  buf = xmalloc((size_t)st.st_size + 1);
  while (used < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  return steal_ptr(buf);
}

/* Returns the home field of a "name:pw:uid:gid:gecos:home:shell" line when its uid is uid. */
static const char *home_if_uid(char *line, uid_t uid)
{
  char *fields[7];
  size_t n = 0;
  char *end;
  unsigned long long value;

  for (char *f = line; n < 7; n++) {
    fields[n] = f;
    f = strchr(f, ':');
    if (f == NULL) {
      n++;
      break;
    }
    *f++ = '\0';
  }
  if (n < 6 || fields[2][0] == '\0')
    return NULL;
  errno = 0;
  value = strtoull(fields[2], &end, 10);
  if (errno != 0 || *end != '\0' || value != (unsigned long long)uid)
    return NULL;
  return fields[5][0] != '\0' ? fields[5] : NULL;
}

char *user_home_dir(uid_t uid)
{
  autofree char *passwd = read_passwd();
  char *save = NULL;

  if (passwd == NULL)
    return xstrdup("/");
  for (char *line = strtok_r(passwd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    const char *home = home_if_uid(line, uid);
    if (home != NULL)
      return xstrdup(home);
  }
  return xstrdup("/");
}

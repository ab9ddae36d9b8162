/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "proc_self.h"
#include "utils.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static bool is_set(const char *s)
{
  return s != NULL && s[0] != '\0';
}

/* ---- what the host runs ---------------------------------------------------------------- */

bool lsm_apparmor_enabled(void)
{
  autoclose int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  char c = 0;

  return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

static bool is_selinuxfs(const char *path)
{
  struct statfs st;

  return statfs(path, &st) == 0 && (unsigned long)st.f_type == (unsigned long)SELINUX_MAGIC;
}

bool lsm_selinux_enabled(void)
{
  return is_selinuxfs("/sys/fs/selinux") || is_selinuxfs("/selinux");
}

/* ---- validation (the parent, before anything is created) ------------------------------ */

/* A newline would let one attribute write carry a second command (and the value is not
 * repeated in the message, which stays one line). */
static int check_text(const char *value, const char *path, ocirun_error *err)
{
  if (strpbrk(value, "\n\r") != NULL)
    return error_set(err, 0, "%s: must not contain a newline", path);
  return 0;
}

int lsm_validate_process(const oci_process *p, const char *prefix, ocirun_error *err)
{
  char path[256];

  if (p == NULL)
    return 0;
  if (is_set(p->apparmorProfile)) {
    snprintf(path, sizeof(path), "%s.apparmorProfile", prefix);
    if (check_text(p->apparmorProfile, path, err) < 0)
      return -1;
    if (!lsm_apparmor_enabled())
      return error_set(err, 0, "%s: AppArmor is not enabled on this host", path);
  }
  if (is_set(p->selinuxLabel)) {
    snprintf(path, sizeof(path), "%s.selinuxLabel", prefix);
    if (check_text(p->selinuxLabel, path, err) < 0)
      return -1;
    if (!lsm_selinux_enabled())
      return error_set(err, 0, "%s: SELinux is not enabled on this host", path);
  }
  return 0;
}

int lsm_validate_mount_label(const char *label, const char *prefix, ocirun_error *err)
{
  if (!is_set(label))
    return 0;
  if (check_text(label, prefix, err) < 0)
    return -1;
  if (strchr(label, '"') != NULL)
    return error_set(err, 0, "%s: \"%s\" must not contain a double quote", prefix, label);
  if (!lsm_selinux_enabled())
    return error_set(err, 0, "%s: SELinux is not enabled on this host", prefix);
  return 0;
}

/* ---- the attribute writes (the container's process, on itself) ------------------------- */

static int write_attr(const char *name, const char *value, ocirun_error *err)
{
  autoclose int fd = proc_thread_self_open(name, O_WRONLY, err);
  size_t len = strlen(value);

  if (fd < 0)
    return -1;
  /* One write: the kernel reads the attribute from a single buffer. */
  if (write(fd, value, len) != (ssize_t)len)
    return error_set(err, errno, "write /proc/thread-self/%s", name);
  return 0;
}

/* attr/apparmor/<name> where the kernel has the per-module directory (5.8+), else the shared
 * attr/<name>, as libapparmor chooses. */
static const char *apparmor_attr(const char *name, char *buf, size_t len)
{
  ocirun_error ignored = {0};
  autoclose int fd = -1;

  snprintf(buf, len, "attr/apparmor/%s", name);
  fd = proc_thread_self_open(buf, O_RDONLY, &ignored);
  if (fd < 0 && ignored.errnum == ENOENT)
    snprintf(buf, len, "attr/%s", name);
  return buf;
}

/* The runtime's own profile is "unconfined" unless something started it under one. */
static int runtime_is_confined(bool *confined, ocirun_error *err)
{
  char attr[64], buf[64] = {0};
  autoclose int fd =
      proc_thread_self_open(apparmor_attr("current", attr, sizeof(attr)), O_RDONLY, err);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  if (n < 0)
    return error_set(err, errno, "read /proc/thread-self/%s", attr);
  buf[strcspn(buf, "\n")] = '\0';
  *confined = strcmp(buf, "unconfined") != 0;
  return 0;
}

static int apply_apparmor(const oci_process *p, ocirun_error *err)
{
  const char *profile = p->apparmorProfile;
  bool confined = false;
  autofree char *command = NULL;
  char attr[64];

  if (p->noNewPrivileges && runtime_is_confined(&confined, err) < 0)
    return error_prefix(err, "AppArmor profile \"%s\"", profile);
  command = xasprintf("%s %s", confined ? "stack" : "exec", profile);
  if (write_attr(apparmor_attr("exec", attr, sizeof(attr)), command, err) < 0) {
    /* The kernel answers ENOENT for a profile it has not loaded. */
    if (err->errnum == ENOENT)
      return error_set(err, 0,
                       "AppArmor profile \"%s\": not loaded in the kernel (load it with "
                       "apparmor_parser first)",
                       profile);
    return error_prefix(err, "AppArmor profile \"%s\"", profile);
  }
  return 0;
}

int lsm_set_key_label(const oci_process *p, ocirun_error *err)
{
  if (p == NULL || !is_set(p->selinuxLabel))
    return 0;
  if (write_attr("attr/keycreate", p->selinuxLabel, err) < 0)
    return error_prefix(err, "SELinux key label \"%s\"", p->selinuxLabel);
  return 0;
}

int lsm_set_exec_labels(const oci_process *p, ocirun_error *err)
{
  if (p == NULL)
    return 0;
  if (is_set(p->apparmorProfile) && apply_apparmor(p, err) < 0)
    return -1;
  if (is_set(p->selinuxLabel) && write_attr("attr/exec", p->selinuxLabel, err) < 0)
    return error_prefix(err, "SELinux label \"%s\"", p->selinuxLabel);
  return 0;
}

char *lsm_mount_data(const char *data, const char *label)
{
  if (!is_set(label))
    return NULL;
  if (is_set(data))
    return xasprintf("%s,context=\"%s\"", data, label);
  return xasprintf("context=\"%s\"", label);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "idmapped.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "namespaces.h"
#include "subprocess.h"
#include "utils.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

bool idmapped_supported(void)
{
  /* An invalid fd: EBADF where the call exists, ENOSYS where it does not. */
  return syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, NULL, 0) < 0 && errno != ENOSYS;
}

static bool has_option(const oci_mount *m, const char *name)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp(m->options[i], name) == 0)
      return true;
  return false;
}

bool idmapped_wanted(const oci_mount *m)
{
  return has_option(m, "idmap") || has_option(m, "ridmap") || m->uidMappings_len > 0 ||
         m->gidMappings_len > 0;
}

static bool is_bind(const oci_mount *m)
{
  return (m->type && strcmp(m->type, "bind") == 0) || has_option(m, "bind") ||
         has_option(m, "rbind");
}

/* Where the config asks for the idmap: "options[j]" or "uidMappings". */
static void idmap_path(const oci_mount *m, size_t i, char *buf, size_t len)
{
  for (size_t j = 0; j < m->options_len; j++)
    if (strcmp(m->options[j], "idmap") == 0 || strcmp(m->options[j], "ridmap") == 0) {
      snprintf(buf, len, "mounts[%zu].options[%zu]", i, j);
      return;
    }
  snprintf(buf, len, "mounts[%zu].%s", i, m->uidMappings_len ? "uidMappings" : "gidMappings");
}

int idmapped_validate(const oci_config *config, size_t i, ocirun_error *err)
{
  const oci_mount *m = config->mounts[i];
  const oci_linux *lx = config->linux;
  char path[64];

  idmap_path(m, i, path, sizeof(path));
  if (!is_bind(m))
    return error_set(err, 0, "config.json: %s: idmapped mounts are only supported for bind mounts",
                     path);
  if ((m->uidMappings_len > 0) != (m->gidMappings_len > 0))
    return error_set(err, 0,
                     "config.json: mounts[%zu].%s: required with %s: an idmapped mount "
                     "needs both",
                     i, m->uidMappings_len ? "gidMappings" : "uidMappings",
                     m->uidMappings_len ? "uidMappings" : "gidMappings");
  if (m->uidMappings_len == 0 &&
      (lx == NULL || lx->uidMappings_len == 0 || lx->gidMappings_len == 0))
    return error_set(err, 0,
                     "config.json: %s: \"idmap\" without mappings of its own takes "
                     "linux.uidMappings and linux.gidMappings, which are not set",
                     path);
  if (!idmapped_supported())
    return error_set(err, ENOSYS,
                     "config.json: %s: idmapped mounts need mount_setattr (Linux "
                     "5.12), which this kernel does not have",
                     path);
  return 0;
}

int idmapped_validate_all(const oci_config *config, ocirun_error *err)
{
  for (size_t i = 0; i < config->mounts_len; i++)
    if (idmapped_wanted(config->mounts[i]) && idmapped_validate(config, i, err) < 0)
      return -1;
  return 0;
}

/* A user namespace holding the mappings, kept alive by its fd: a child is cloned into a new
 * one, the maps are written as for a container, the fd is taken and the child killed. */
static int mapping_userns(const oci_mount *m, const oci_linux *lx, ocirun_error *err)
{
  oci_linux maps = {0};
  char path[64];
  int pipefd[2], fd = -1;
  pid_t child;

  maps.uidMappings = m->uidMappings_len ? m->uidMappings : lx->uidMappings;
  maps.uidMappings_len = m->uidMappings_len ? m->uidMappings_len : lx->uidMappings_len;
  maps.gidMappings = m->gidMappings_len ? m->gidMappings : lx->gidMappings;
  maps.gidMappings_len = m->gidMappings_len ? m->gidMappings_len : lx->gidMappings_len;
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return error_set(err, errno, "pipe");
  child = clone_fork(CLONE_NEWUSER | SIGCHLD);
  if (child == 0) {
    char byte;
    close(pipefd[1]);
    /* Waits for the parent to be done with the namespace (EOF or being killed). */
    while (read(pipefd[0], &byte, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(pipefd[0]);
  if (child < 0) {
    close(pipefd[1]);
    return error_set(err, errno, "clone a user namespace for the mappings");
  }
  if (ns_write_id_maps(child, &maps, geteuid() != 0, err) == 0) {
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      error_set(err, errno, "open %s", path);
  }
  close(pipefd[1]);
  kill_and_reap(child);
  return fd;
}

static const char *explain(int errnum)
{
  switch (errnum) {
  case EINVAL:
    return "the filesystem (or this kernel) does not support idmapped mounts";
  case EPERM:
    return "not permitted: the caller must be privileged over the source's filesystem (an "
           "unprivileged user cannot idmap host filesystems)";
  case EBUSY:
    return "the source tree is busy";
  default:
    return strerror(errnum);
  }
}

static int prepare_one(const oci_mount *m, const oci_linux *lx, const char *bundle,
                       ocirun_error *err)
{
  autofree char *source = NULL;
  autoclose int userns = -1;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP};
  unsigned int clone_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  unsigned int set_flags = AT_EMPTY_PATH;
  int tree;

  if (m->source == NULL || m->source[0] == '\0')
    return error_set(err, 0, "a bind mount needs a source");
  source = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
  if (has_option(m, "rbind"))
    clone_flags |= AT_RECURSIVE;
  if (has_option(m, "ridmap"))
    set_flags |= AT_RECURSIVE;
  userns = mapping_userns(m, lx, err);
  if (userns < 0)
    return -1;
  tree = open_tree(AT_FDCWD, source, clone_flags);
  if (tree < 0 && errno == EPERM)
    return error_set(err, EPERM, "idmapped mount of \"%s\": %s (open_tree)", source,
                     explain(EPERM));
  if (tree < 0)
    return error_set(err, errno, "open_tree \"%s\"", source);
  attr.userns_fd = (uint64_t)userns;
  if (mount_setattr(tree, "", set_flags, &attr, sizeof(attr)) < 0) {
    int saved = errno;
    close(tree);
    return error_set(err, 0, "idmapped mount of \"%s\": %s (mount_setattr: %s)", source,
                     explain(saved), strerror(saved));
  }
  return tree;
}

int idmapped_prepare(const oci_config *config, const char *bundle, int **fds, ocirun_error *err)
{
  size_t n = config->mounts_len;

  *fds = xcalloc(n + 1, sizeof(int));
  for (size_t i = 0; i < n; i++)
    (*fds)[i] = -1;
  for (size_t i = 0; i < n; i++) {
    const oci_mount *m = config->mounts[i];
    if (!idmapped_wanted(m))
      continue;
    (*fds)[i] = prepare_one(m, config->linux, bundle, err);
    if ((*fds)[i] < 0) {
      idmapped_release(*fds, n);
      *fds = NULL;
      return error_prefix(err, "mount \"%s\" on \"%s\"", m->source ? m->source : "",
                          m->destination ? m->destination : "");
    }
  }
  return 0;
}

void idmapped_release(int *fds, size_t n)
{
  if (fds == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  free(fds);
}

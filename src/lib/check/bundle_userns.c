/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A new user namespace: its root is an unprivileged host uid (the hostID that containerID 0
 * maps to), and the init reaches the rootfs by path as that uid. A directory on the way that
 * it may not search makes create fail ("set propagation of ...: Permission denied"). The
 * capabilities held in the namespace only count on inodes whose owner and group are mapped
 * into it; elsewhere the mode bits decide. */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "utils.h"

/* The host id that id maps to, or -1. */
static long long host_id(oci_id_mapping **maps, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (maps[i] && id >= maps[i]->containerID && id - maps[i]->containerID < maps[i]->size)
      return (long long)(maps[i]->hostID + (id - maps[i]->containerID));
  return -1;
}

/* True when host id is mapped into the namespace. */
static bool mapped(oci_id_mapping **maps, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (maps[i] && id >= maps[i]->hostID && id - maps[i]->hostID < maps[i]->size)
      return true;
  return false;
}

/* The runtime's supplementary groups survive into the init: they count too. */
static bool in_groups(gid_t gid, gid_t root_gid)
{
  gid_t groups[256];
  int n = getgroups(256, groups);

  if (gid == root_gid)
    return true;
  for (int i = 0; i < n; i++)
    if (groups[i] == gid)
      return true;
  return false;
}

static bool may_search(const struct stat *st, const oci_linux *lx, uid_t uid, gid_t gid)
{
  if (mapped(lx->uidMappings, lx->uidMappings_len, st->st_uid) &&
      mapped(lx->gidMappings, lx->gidMappings_len, st->st_gid))
    return true;
  if (st->st_uid == uid)
    return (st->st_mode & S_IXUSR) != 0;
  if (in_groups(st->st_gid, gid))
    return (st->st_mode & S_IXGRP) != 0;
  return (st->st_mode & S_IXOTH) != 0;
}

void check_bundle_userns(const oci_config *config, const char *rootfs, struct check_report *r)
{
  const oci_linux *lx = config->linux;
  long long uid, gid;
  size_t len;

  if (rootfs == NULL || lx == NULL)
    return;
  uid = host_id(lx->uidMappings, lx->uidMappings_len, 0);
  gid = host_id(lx->gidMappings, lx->gidMappings_len, 0);
  if (uid < 0 || gid < 0)
    return;
  /* Every directory from "/" down to the rootfs itself must be searchable. */
  len = strlen(rootfs);
  for (size_t end = 0; end <= len; end++) {
    autofree char *dir = NULL;
    struct stat st;

    if (end != len && rootfs[end] != '/')
      continue;
    dir = end == 0 ? xstrdup("/") : strndup(rootfs, end);
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || may_search(&st, lx, (uid_t)uid, (gid_t)gid))
      continue;
    report_finding(r, FINDING_ERROR, "linux.uidMappings",
                   "make the directory searchable by that uid (chmod o+x), or move the bundle",
                   "the container's root (host uid %lld) may not search \"%s\" (mode %04o, owner "
                   "%u:%u) on the way to the rootfs: create fails with Permission denied",
                   uid, dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
                   (unsigned)st.st_gid);
    return;
  }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "idmapped.h"
#include "lsm.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp_profile.h"
#include "utils.h"

/* The parser refuses more than 16 MiB; a larger file is not even read into memory. */
#define MAX_CONFIG_SIZE (16 << 20)

int bundle_open(const char *dir, struct bundle *b, ocirun_error *err)
{
  autofree char *path = NULL;
  autofree char *errmsg = NULL;
  struct stat st;
  size_t len;

  b->dir = realpath(dir ? dir : ".", NULL);
  if (b->dir == NULL)
    return error_set(err, errno, "bundle \"%s\"", dir ? dir : ".");
  path = xasprintf("%s/config.json", b->dir);
  if (stat(path, &st) == 0 && st.st_size > MAX_CONFIG_SIZE)
    return error_set(err, 0, "config.json: larger than %d MiB", MAX_CONFIG_SIZE >> 20);
  if (read_file_at(AT_FDCWD, path, &b->raw, &len, err) < 0)
    return error_prefix(err, "load config");
  b->config = oci_config_parse_data(b->raw, len, "config.json", &errmsg);
  if (b->config == NULL)
    return error_set(err, 0, "%s", errmsg);
  return 0;
}

int bundle_validate(const struct bundle *b, ocirun_error *err)
{
  const oci_config *config = b->config;

  if (config->process == NULL)
    return error_set(err, 0, "config.json: process: required to create a container");
  if (config->root == NULL || config->root->path == NULL)
    return error_set(err, 0, "config.json: root.path: required field missing");
  if (process_validate(config->process, "process", err) < 0)
    return error_prefix(err, "config.json");
  if (config->linux && seccomp_validate(config->linux->seccomp, err) < 0)
    return -1;
  if (config->linux && config->linux->personality &&
      personality_validate(config->linux->personality, "linux.personality", err) < 0)
    return error_prefix(err, "config.json");
  if (config->linux &&
      lsm_validate_mount_label(config->linux->mountLabel, "linux.mountLabel", err) < 0)
    return error_prefix(err, "config.json");
  if (rootfs_validate(config, err) < 0)
    return -1;
  return idmapped_validate_all(config, err);
}

int bundle_resolve_rootfs(struct bundle *b, ocirun_error *err)
{
  const oci_root *root = b->config->root;
  autofree char *joined =
      root->path[0] == '/' ? xstrdup(root->path) : xasprintf("%s/%s", b->dir, root->path);
  struct stat st;

  errno = 0;
  b->rootfs = realpath(joined, NULL);
  if (b->rootfs == NULL || stat(b->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
    error_set(err, errno ? errno : ENOTDIR, "rootfs \"%s\"", joined);
    free(b->rootfs);
    b->rootfs = NULL;
    return -1;
  }
  return 0;
}

void bundle_release(struct bundle *b)
{
  oci_config_free(b->config);
  free(b->raw);
  free(b->dir);
  free(b->rootfs);
  b->config = NULL;
  b->raw = b->dir = b->rootfs = NULL;
}

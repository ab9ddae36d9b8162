/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "init_binary.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "sealed_exe.h"
#include "utils.h"

#include "config.h"

/* An executable regular file, as an absolute path without symlinks; NULL with err set. */
static char *usable_binary(const char *path, ocirun_error *err)
{
  char *real = realpath(path, NULL);
  struct stat st;

  if (real == NULL || stat(real, &st) < 0) {
    error_set(err, errno, "\"%s\"", path);
    free(real);
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || access(real, X_OK) < 0) {
    error_set(err, 0, "\"%s\": not an executable file", path);
    free(real);
    return NULL;
  }
  return real;
}

/* INIT_BINARY_NAME in the directory of the ocirun executable on disk, or "" when unknown. */
static void sibling_path(char *out, size_t len)
{
  const char *exe = sealed_exe_origin();
  const char *slash = exe ? strrchr(exe, '/') : NULL;

  out[0] = '\0';
  if (slash)
    snprintf(out, len, "%.*s/%s", (int)(slash - exe), exe, INIT_BINARY_NAME);
}

char *init_binary_locate(const char *override, ocirun_error *err)
{
  char sibling[PATH_MAX];
  ocirun_error ignored = {0};
  char *found;

  if (override) {
    found = usable_binary(override, err);
    if (found == NULL)
      error_prefix(err, "--init-path");
    return found;
  }
  sibling_path(sibling, sizeof(sibling));
  if (sibling[0] && access(sibling, F_OK) == 0)
    return usable_binary(sibling, err);
  found = usable_binary(OCIRUN_INIT_PATH, &ignored);
  if (found == NULL)
    error_set(err, 0,
              "--init: %s not found next to ocirun (%s) nor at %s; give its path with --init-path",
              INIT_BINARY_NAME, sibling[0] ? sibling : "unknown", OCIRUN_INIT_PATH);
  return found;
}

/* True when the last config mount on /dev is a new tmpfs (not a bind of some tree). */
static bool dev_is_fresh_tmpfs(const oci_config *config)
{
  const oci_mount *last = NULL;

  for (size_t i = 0; i < config->mounts_len; i++) {
    autofree char *dest = mount_clean_path(config->mounts[i]->destination);
    if (strcmp(dest, "/dev") == 0)
      last = config->mounts[i];
  }
  if (last == NULL || last->type == NULL || strcmp(last->type, "tmpfs") != 0)
    return false;
  for (size_t i = 0; i < last->options_len; i++)
    if (strcmp(last->options[i], "bind") == 0 || strcmp(last->options[i], "rbind") == 0)
      return false;
  return true;
}

static void add_init_mount(oci_config *config, const char *path)
{
  static const char *const options[] = {"bind", "ro", "nosuid", "nodev"};
  const size_t n_options = sizeof(options) / sizeof(options[0]);
  oci_mount *m = xcalloc(1, sizeof(*m));

  m->destination = xstrdup(INIT_BINARY_DEST);
  m->source = xstrdup(path);
  m->type = xstrdup("bind");
  m->options = xcalloc(n_options, sizeof(char *));
  for (size_t i = 0; i < n_options; i++)
    m->options[i] = xstrdup(options[i]);
  m->options_len = n_options;
  config->mounts = xrealloc(config->mounts, (config->mounts_len + 1) * sizeof(oci_mount *));
  config->mounts[config->mounts_len++] = m;
}

int init_binary_inject(oci_config *config, const char *path, ocirun_error *err)
{
  oci_process *p = config->process;
  char **args;

  if (!dev_is_fresh_tmpfs(config))
    return error_set(err, 0,
                     "--init: config.json: mounts: no tmpfs on /dev to hold %s (the init goes "
                     "there so that nothing of the image is written or hidden)",
                     INIT_BINARY_DEST);
  add_init_mount(config, path);
  /* "--": the process's own arguments are never read as the init's options. */
  args = xcalloc(p->args_len + 2, sizeof(char *));
  args[0] = xstrdup(INIT_BINARY_DEST);
  args[1] = xstrdup("--");
  for (size_t i = 0; i < p->args_len; i++)
    args[i + 2] = p->args[i];
  free(p->args);
  p->args = args;
  p->args_len += 2;
  return 0;
}

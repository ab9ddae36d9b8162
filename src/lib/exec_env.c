/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "exec_env.h"

#include <stdlib.h>
#include <string.h>

#include "utils.h"

/* Length of the name part of "NAME=value" (the whole string when there is no '='). */
static size_t name_len(const char *entry)
{
  const char *eq = strchr(entry, '=');
  return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool same_name(const char *entry, const char *name, size_t len)
{
  return name_len(entry) == len && strncmp(entry, name, len) == 0;
}

const char *exec_env_get(char *const *env, size_t n, const char *name)
{
  size_t len = strlen(name);

  for (size_t i = n; i-- > 0;)
    if (env[i] != NULL && same_name(env[i], name, len) && env[i][len] == '=')
      return env[i] + len + 1;
  return NULL;
}

char **exec_env_build(char *const *env, size_t n, const char *home)
{
  char **out = xcalloc(n + 2, sizeof(char *));
  size_t used = 0;

  for (size_t i = 0; i < n; i++) {
    size_t len;
    size_t j;

    if (env[i] == NULL)
      continue;
    len = name_len(env[i]);
    for (j = 0; j < used; j++)
      if (same_name(out[j], env[i], len))
        break;
    if (j < used) {
      free(out[j]);
      out[j] = xstrdup(env[i]);
    } else {
      out[used++] = xstrdup(env[i]);
    }
  }
  if (home != NULL && exec_env_get(out, used, "HOME") == NULL)
    out[used++] = xasprintf("HOME=%s", home);
  out[used] = NULL;
  return out;
}

void exec_env_free(char **env)
{
  if (env == NULL)
    return;
  for (char **e = env; *e; e++)
    free(*e);
  free(env);
}

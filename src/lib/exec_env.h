/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The environment handed to the container process's execve. */
#ifndef OCIRUN_EXEC_ENV_H
#define OCIRUN_EXEC_ENV_H

#include <stddef.h>

/* The value of name in env[0..n) (the last entry wins, as at execve), or NULL. */
const char *exec_env_get(char *const *env, size_t n, const char *name);

/* env[0..n) as the process will see it: a name given twice keeps its first position and takes
 * its last value (Podman appends its -e variables after the image's, and they must win);
 * HOME=home is appended when HOME is absent and home is not NULL. NULL-terminated; free the
 * array with exec_env_free. */
char **exec_env_build(char *const *env, size_t n, const char *home);
void exec_env_free(char **env);

#endif

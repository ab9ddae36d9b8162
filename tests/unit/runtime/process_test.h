/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the runtime's unit tests share: TAP-style checks, a skip (exit 77, which meson reports
 * as SKIP) and running a check in a forked child. */
#ifndef OCIRUN_PROCESS_TEST_H
#define OCIRUN_PROCESS_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks_failed;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      printf("ok - ");                                                                             \
    } else {                                                                                       \
      printf("not ok - %s:%d: ", __FILE__, __LINE__);                                              \
      checks_failed++;                                                                             \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
    fflush(stdout);                                                                                \
  } while (0)

/* A call that must fail with exactly this message. */
#define CHECK_ERROR(call, err, expected)                                                           \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    CHECK(rc_ < 0 && strcmp((err)->msg, (expected)) == 0, "%s -> \"%s\"", #call,                   \
          rc_ < 0 ? (err)->msg : "(no error)");                                                    \
    if (rc_ >= 0 || strcmp((err)->msg, (expected)) != 0)                                           \
      printf("#   expected \"%s\"\n", (expected));                                                 \
  } while (0)

/* A call that must succeed. */
#define CHECK_OK(call, err)                                                                        \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    CHECK(rc_ >= 0, "%s%s%s", #call, rc_ < 0 ? " failed: " : "", rc_ < 0 ? (err)->msg : "");       \
  } while (0)

static inline __attribute__((noreturn)) void skip_all(const char *why)
{
  printf("1..0 # SKIP %s\n", why);
  exit(77);
}

static inline int test_exit_status(void)
{
  return checks_failed == 0 ? 0 : 1;
}

/* Runs fn in a forked child (whose changes to uid, capabilities, namespaces stay there) and
 * returns its exit status: the child exits with 0 when all its checks passed, 77 to skip. */
static inline int run_in_child(void (*fn)(void))
{
  pid_t pid;
  int status;

  fflush(stdout);
  pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) {
    checks_failed = 0; /* the child reports only its own checks */
    fn();
    fflush(stdout);
    _exit(checks_failed == 0 ? 0 : 1);
  }
  if (waitpid(pid, &status, 0) < 0) {
    perror("waitpid");
    exit(2);
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

/* The value of "Key:" in /proc/self/status, tabs turned into spaces and trimmed ("" when
 * absent). */
static inline void status_field(const char *key, char *out, size_t len)
{
  FILE *f = fopen("/proc/self/status", "re");
  char line[512];
  size_t klen = strlen(key);

  out[0] = '\0';
  if (f == NULL)
    return;
  while (fgets(line, sizeof(line), f)) {
    char *v, *end;
    if (strncmp(line, key, klen) != 0 || line[klen] != ':')
      continue;
    for (v = line + klen + 1; *v == '\t' || *v == ' ';)
      v++;
    for (char *t = v; *t; t++)
      if (*t == '\t')
        *t = ' ';
    end = v + strlen(v);
    while (end > v && (end[-1] == '\n' || end[-1] == ' '))
      *--end = '\0';
    snprintf(out, len, "%s", v);
    break;
  }
  fclose(f);
}

/* A capability line of /proc/self/status (CapEff, CapPrm, ...) as a mask. */
static inline unsigned long long status_caps(const char *key)
{
  char value[64];

  status_field(key, value, sizeof(value));
  return strtoull(value, NULL, 16);
}

#define BIT(cap) (1ULL << (cap))

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The small parsers every command runs on its arguments before touching anything: container
 * IDs (runc's rule; ".." and "/" never reach the filesystem) and signal names. */
#include <signal.h>

#include "id.h"
#include "process_test.h"
#include "signals.h"

static void ids(void)
{
  const char *good[] = {"a", "web-1", "x_y.z+w", "0123456789", "A.B"};
  const char *bad[] = {"", ".", "..", "../x", "a/b", "a b", "a\nb", "é", "$(x)", "/abs"};
  char longest[256], too_long[257];
  ocirun_error err = {0};

  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    CHECK(validate_container_id(good[i], &err) == 0, "id \"%s\" accepted", good[i]);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECK(validate_container_id(bad[i], &err) < 0, "id \"%s\" refused: %s", bad[i], err.msg);
  memset(longest, 'a', 255);
  longest[255] = '\0';
  memset(too_long, 'a', 256);
  too_long[256] = '\0';
  CHECK(validate_container_id(longest, &err) == 0, "an id of 255 bytes is accepted");
  CHECK(validate_container_id(too_long, &err) < 0, "an id of 256 bytes is refused");
}

static void signals(void)
{
  const struct {
    const char *text;
    int want;
  } cases[] = {
      {"KILL", SIGKILL},         {"SIGKILL", SIGKILL},         {"9", SIGKILL},
      {"term", SIGTERM},         {"SIGUSR1", SIGUSR1},         {"RTMIN", SIGRTMIN},
      {"RTMIN+2", SIGRTMIN + 2}, {"SIGRTMAX-1", SIGRTMAX - 1},
  };
  const char *bad[] = {"", "FOO", "SIG", "0", "-1", "65", "RTMIN+99", "9x"};
  ocirun_error err = {0};

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    CHECK(signal_parse(cases[i].text, &err) == cases[i].want, "signal \"%s\" is %d", cases[i].text,
          cases[i].want);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECK(signal_parse(bad[i], &err) < 0, "signal \"%s\" refused: %s", bad[i], err.msg);
}

int main(void)
{
  ids();
  signals();
  return checks_failed ? 1 : 0;
}

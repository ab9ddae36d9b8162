/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: signal_parse (the signal of `kill`, a name with or without SIG, a number,
 * RTMIN+n / RTMAX-n). Whatever it accepts must be a real signal number. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  ocirun_error err = {0};
  int sig;

  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  sig = signal_parse(text, &err);
  if (sig == -1) {
    if (err.msg[0] == '\0')
      __builtin_trap(); /* a refusal must say why */
  } else if (sig < 1 || sig > SIGRTMAX) {
    __builtin_trap();
  }
  free(text);
  return 0;
}

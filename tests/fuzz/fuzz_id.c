/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: validate_container_id, the gate every command passes before it touches the state
 * directory. Whatever it accepts must be one harmless path component: not empty, not "." or
 * "..", no '/', no NUL inside (the C string ends where the ID ends), at most 255 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *id = malloc(size + 1);
  ocirun_error err = {0};
  size_t len;

  if (id == NULL)
    return 0;
  memcpy(id, data, size);
  id[size] = '\0';
  len = strlen(id);
  if (validate_container_id(id, &err) == 0) {
    if (len == 0 || len > 255 || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
      __builtin_trap();
  } else if (err.msg[0] == '\0') {
    __builtin_trap(); /* a refusal must say why */
  }
  free(id);
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "id.h"

#include <ctype.h>
#include <string.h>

#define MAX_ID_LEN 255

int validate_container_id(const char *id, ocirun_error *err)
{
  size_t len;

  if (id == NULL || id[0] == '\0')
    return error_set(err, 0, "container id cannot be empty");
  len = strlen(id);
  if (len > MAX_ID_LEN)
    return error_set(err, 0, "invalid container id: longer than %d characters", MAX_ID_LEN);
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return error_set(err, 0, "invalid container id \"%s\"", id);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)id[i];
    if (!isalnum(c) && c != '_' && c != '+' && c != '-' && c != '.')
      return error_set(err, 0, "invalid container id \"%s\": only letters, digits and _+-. allowed",
                       id);
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rootless.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "utils.h"

static enum rootless_mode mode = ROOTLESS_AUTO;

bool rootless_in_user_namespace(void)
{
  autofree char *map = NULL;
  unsigned long long inside, outside, count;

  if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, NULL, NULL) < 0)
    return false;
  if (sscanf(map, "%llu %llu %llu", &inside, &outside, &count) != 3)
    return false;
  return !(inside == 0 && outside == 0 && count == 4294967295ULL);
}

void rootless_set_mode(enum rootless_mode m)
{
  mode = m;
}

bool rootless_active(void)
{
  if (mode != ROOTLESS_AUTO)
    return mode == ROOTLESS_TRUE;
  return geteuid() != 0 || rootless_in_user_namespace();
}

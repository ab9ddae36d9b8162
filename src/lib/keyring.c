/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "keyring.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int keyring_join_new_session(ocirun_error *err)
{
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
      errno != EPERM && errno != EACCES)
    return error_set(err, errno, "join session keyring");
  return 0;
}

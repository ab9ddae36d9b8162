/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net_loopback_up in a fresh network namespace (a forked child, as root): lo starts down,
 * and is up (IFF_UP, read back with SIOCGIFFLAGS) after the call. */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "net.h"
#include "process_test.h"

static int lo_flags(void)
{
  struct ifreq ifr = {0};
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int ret;

  if (fd < 0)
    return -1;
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
  ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
  close(fd);
  return ret < 0 ? -1 : ifr.ifr_flags;
}

static void in_new_netns(void)
{
  ocirun_error err = {0};
  int flags;

  if (unshare(CLONE_NEWNET) < 0) {
    printf("# unshare(CLONE_NEWNET): %s\n", strerror(errno));
    _exit(77);
  }
  flags = lo_flags();
  CHECK(flags >= 0 && !(flags & IFF_UP), "lo starts down in a new namespace");
  CHECK_OK(net_loopback_up(&err), &err);
  flags = lo_flags();
  CHECK(flags >= 0 && (flags & IFF_UP), "lo is up afterwards (flags 0x%x)", flags);
  CHECK_OK(net_loopback_up(&err), &err); /* again: already up is fine */
}

int main(void)
{
  int rc;

  if (geteuid() != 0)
    skip_all("needs root");
  rc = run_in_child(in_new_netns);
  if (rc == 77)
    skip_all("cannot create a network namespace here");
  CHECK(rc == 0, "loopback up in a new network namespace");
  return test_exit_status();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "net.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static void close_mnl(struct mnl_socket **nl)
{
  if (*nl)
    mnl_socket_close(*nl);
}

/* Sets IFF_UP on the link ifindex with one RTM_NEWLINK request and waits for the kernel's
 * acknowledgement, so that a failure is reported rather than lost. */
static int link_set_up(unsigned int ifindex, ocirun_error *err)
{
  __attribute__((cleanup(close_mnl))) struct mnl_socket *nl = NULL;
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh;
  struct ifinfomsg *ifm;
  unsigned int seq = (unsigned int)time(NULL), portid;
  ssize_t n;

  nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl == NULL)
    return error_set(err, errno, "open rtnetlink socket");
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
    return error_set(err, errno, "bind rtnetlink socket");
  portid = mnl_socket_get_portid(nl);

  nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = seq;
  ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = (int)ifindex;
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;

  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
    return error_set(err, errno, "send RTM_NEWLINK");
  /* The ACK is an NLMSG_ERROR with error 0; mnl_cb_run turns a non-zero one into errno. */
  for (;;) {
    int ret;

    n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_set(err, errno, "receive rtnetlink answer");
    ret = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
    if (ret < 0)
      return error_set(err, errno, "RTM_NEWLINK");
    if (ret == MNL_CB_STOP)
      return 0;
  }
}

int net_loopback_up(ocirun_error *err)
{
  unsigned int ifindex = if_nametoindex("lo");

  if (ifindex == 0)
    return error_set(err, errno, "bring up loopback: find interface \"lo\"");
  if (link_set_up(ifindex, err) < 0)
    return error_prefix(err, "bring up loopback \"lo\"");
  return 0;
}

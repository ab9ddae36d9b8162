/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network setup through rtnetlink (libmnl). */
#ifndef OCIRUN_NET_H
#define OCIRUN_NET_H

#include "error.h"

/* Brings "lo" up in the current network namespace. */
int net_loopback_up(ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef OCIRUN_SIGNALS_H
#define OCIRUN_SIGNALS_H

#include "error.h"

/* "KILL", "SIGKILL", "9", "RTMIN+2", "SIGRTMAX-1" → signal number; -1 with err when unknown. */
int signal_parse(const char *text, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages on stderr without stdio: one formatted line into a stack buffer, one write(2), so
 * nothing here allocates and a message never interleaves with the child's output. */
#ifndef OCIRUN_INIT_SAY_H
#define OCIRUN_INIT_SAY_H

__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);

#endif

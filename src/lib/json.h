/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef OCIRUN_JSON_H
#define OCIRUN_JSON_H

/* Re-indents a JSON document (two spaces, as runc prints state and spec). Returns a new
 * string; on a parse failure, a copy of the input. */
char *json_pretty(const char *json);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef OCIRUN_ID_H
#define OCIRUN_ID_H

#include "error.h"

/* runc's rule: letters, digits, '_', '+', '-', '.'; not "." or ".."; at most 255 bytes (one
 * path component). Checked before any filesystem access, on every command. */
int validate_container_id(const char *id, ocirun_error *err);

#endif

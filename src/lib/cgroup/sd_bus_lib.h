/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsystemd's sd-bus, loaded with dlopen the first time the systemd driver needs it, so that
 * a runtime that never uses --systemd-cgroup does not load libsystemd and the five libraries
 * it brings (libgcrypt, libgpg-error, liblzma, libzstd, liblz4) at every start. The table's
 * types come from sd-bus.h, so the compiler checks every call as if it were linked. */
#ifndef OCIRUN_CGROUP_SD_BUS_LIB_H
#define OCIRUN_CGROUP_SD_BUS_LIB_H

#include <systemd/sd-bus.h>

#include "error.h"

/* The soname a build against libsystemd-dev links to. */
#define SD_BUS_LIB_SONAME "libsystemd.so.0"

/* Every sd-bus function the driver (systemd.c) calls. */
#define SD_BUS_FUNCTIONS(X)                                                                        \
  X(sd_bus_new)                                                                                    \
  X(sd_bus_set_address)                                                                            \
  X(sd_bus_start)                                                                                  \
  X(sd_bus_open_system)                                                                            \
  X(sd_bus_unref)                                                                                  \
  X(sd_bus_flush_close_unref)                                                                      \
  X(sd_bus_get_property_string)                                                                    \
  X(sd_bus_call)                                                                                   \
  X(sd_bus_call_method)                                                                            \
  X(sd_bus_process)                                                                                \
  X(sd_bus_wait)                                                                                   \
  X(sd_bus_match_signal)                                                                           \
  X(sd_bus_slot_unref)                                                                             \
  X(sd_bus_error_free)                                                                             \
  X(sd_bus_error_is_set)                                                                           \
  X(sd_bus_error_has_name)                                                                         \
  X(sd_bus_message_new_method_call)                                                                \
  X(sd_bus_message_unref)                                                                          \
  X(sd_bus_message_append)                                                                         \
  X(sd_bus_message_append_array)                                                                   \
  X(sd_bus_message_open_container)                                                                 \
  X(sd_bus_message_close_container)                                                                \
  X(sd_bus_message_read)

struct sd_bus_lib {
#define SD_BUS_LIB_FIELD(name) typeof(name) *name;
  SD_BUS_FUNCTIONS(SD_BUS_LIB_FIELD)
#undef SD_BUS_LIB_FIELD
};

/* Loads the library once per process and fills the table; later calls return it at once. On
 * failure nothing stays loaded and err says what to install. */
const struct sd_bus_lib *sd_bus_lib_load(ocirun_error *err);

#endif

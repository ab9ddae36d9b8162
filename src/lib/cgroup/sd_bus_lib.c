/* SPDX-License-Identifier: GPL-2.0-or-later */
/* See sd_bus_lib.h. The handle is kept for the life of the process: the bus connection and
 * its callbacks point into the library. */
#include "sd_bus_lib.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

static struct sd_bus_lib table;
static void *handle;

/* The names and offsets of the table's entries, in the order of SD_BUS_FUNCTIONS. */
static const struct {
  const char *name;
  size_t offset;
} symbols[] = {
#define SD_BUS_LIB_SYMBOL(fn) {#fn, offsetof(struct sd_bus_lib, fn)},
    SD_BUS_FUNCTIONS(SD_BUS_LIB_SYMBOL)
#undef SD_BUS_LIB_SYMBOL
};

const struct sd_bus_lib *sd_bus_lib_load(ocirun_error *err)
{
  struct sd_bus_lib loaded;
  void *lib;

  if (handle)
    return &table;
  lib = dlopen(SD_BUS_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    error_set(err, 0,
              "--systemd-cgroup: cannot load " SD_BUS_LIB_SONAME " (%s); install libsystemd0 "
              "or use the cgroupfs driver (leave the option out)",
              dlerror());
    return NULL;
  }
  for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
    void *fn = dlsym(lib, symbols[i].name);
    if (fn == NULL) {
      error_set(err, 0, "--systemd-cgroup: " SD_BUS_LIB_SONAME " has no %s: too old a libsystemd",
                symbols[i].name);
      dlclose(lib);
      return NULL;
    }
    /* Object and function pointers have one representation on every target glibc has. */
    memcpy((char *)&loaded + symbols[i].offset, &fn, sizeof(fn));
  }
  table = loaded;
  handle = lib;
  return &table;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CVE-2019-5736 defence: the commands that put a process of ours into a container run
 * from a sealed in-memory copy of the ocirun binary, never from the file on disk.
 *
 * A container that makes the runtime execute itself inside it ("#!/proc/self/exe", a hostile
 * dynamic loader in the image) can hold /proc/self/exe and write to it once the runtime is
 * idle. When /proc/self/exe is a memfd sealed against writing, growing and shrinking (and
 * against further seal changes), such a write fails and the file on disk is out of reach.
 * The init and exec helpers are forked from the sealed process, so they run from it too. */
#ifndef OCIRUN_SEALED_EXE_H
#define OCIRUN_SEALED_EXE_H

#include <stdbool.h>

/* True for the commands that enter a container: create, run, exec. */
bool sealed_exe_wanted(const char *command);

/* True when the running executable (/proc/self/exe) is a memfd carrying every seal this file
 * adds. Checked on the file itself: nothing in the environment is trusted for it. */
bool sealed_exe_is_sealed(void);

/* Makes sure the process runs from a sealed copy of itself. When /proc/self/exe is already
 * sealed it returns 0 at once. Otherwise it copies the executable into
 * memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING), seals it and re-executes it with
 * the same argv and environment (pid, fds without close-on-exec, --preserve-fds and
 * LISTEN_FDS all survive), so it does not return on success. On failure it logs one line
 * naming the cause and returns -1: the caller must exit with an error, never go on unsealed. */
int sealed_exe_ensure(int argc, char **argv);

/* The path of the executable on disk this process was started from, before any sealed copy
 * (the copy's /proc/self/exe names a memfd), or NULL when unknown. Used to find files
 * installed beside ocirun; never trusted for anything that matters to security. */
const char *sealed_exe_origin(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.ioPriority and process.scheduler: validation and the ioprio_set / sched_setattr
 * calls that apply them to the current process. */
#ifndef OCIRUN_SCHEDULING_H
#define OCIRUN_SCHEDULING_H

#include "error.h"
#include "ocispec.h"

/* Class one of IOPRIO_CLASS_RT/BE/IDLE, priority 0..7. */
int io_priority_validate(const oci_process *p, const char *prefix, ocirun_error *err);
int io_priority_apply(const oci_process *p, ocirun_error *err);

/* Known policy and flags; nice in -20..19; priority only for FIFO/RR; runtime, deadline and
 * period only for DEADLINE (runc's rules). */
int scheduler_validate(const oci_process *p, const char *prefix, ocirun_error *err);
int scheduler_apply(const oci_process *p, ocirun_error *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.execCPUAffinity: cpu lists ("0-3,7") and pinning the current process to them. */
#ifndef OCIRUN_CPU_AFFINITY_H
#define OCIRUN_CPU_AFFINITY_H

#include <sched.h>
#include <stddef.h>

#include "error.h"
#include "ocispec.h"

/* CPU numbers above this are refused (the kernel's NR_CPUS maximum). */
#define CPU_LIST_MAX_CPU 8191

/* Parses a list of cpus and ranges ("0-3, 7"); spaces around items are allowed, an empty
 * list is valid and selects nothing. On success *set (CPU_ALLOC'd, free with CPU_FREE) and
 * *size describe it. On failure err says what is wrong with the list (no prefix). */
int cpu_list_parse(const char *list, cpu_set_t **set, size_t *size, ocirun_error *err);

/* Checks the syntax of execCPUAffinity.initial and .final. */
int exec_cpu_affinity_validate(const oci_process *p, const char *prefix, ocirun_error *err);

/* sched_setaffinity(0, list); NULL or an empty list leaves the affinity as it is. */
int cpu_affinity_apply(const char *list, ocirun_error *err);

#endif

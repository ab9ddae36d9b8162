/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cpu_affinity.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static const char *skip_spaces(const char *s)
{
  while (*s == ' ')
    s++;
  return s;
}

/* Reads one cpu number at *s and moves *s past it. */
static int parse_cpu(const char **s, unsigned long *out)
{
  char *end;

  if (!isdigit((unsigned char)**s))
    return -1;
  errno = 0;
  *out = strtoul(*s, &end, 10);
  if (errno != 0 || *out > CPU_LIST_MAX_CPU)
    return -1;
  *s = end;
  return 0;
}

/* Checks the syntax of list and finds its highest cpu; also marks every cpu named in set
 * when set is not NULL. */
static int walk_list(const char *list, cpu_set_t *set, size_t size, unsigned long *max_cpu)
{
  const char *s = skip_spaces(list);

  *max_cpu = 0;
  if (*s == '\0')
    return 0;
  for (;;) {
    unsigned long lo, hi;

    s = skip_spaces(s);
    if (parse_cpu(&s, &lo) < 0)
      return -1;
    hi = lo;
    s = skip_spaces(s);
    if (*s == '-') {
      s = skip_spaces(s + 1);
      if (parse_cpu(&s, &hi) < 0 || hi < lo)
        return -1;
      s = skip_spaces(s);
    }
    if (hi > *max_cpu)
      *max_cpu = hi;
    for (unsigned long cpu = lo; set != NULL && cpu <= hi; cpu++)
      CPU_SET_S(cpu, size, set);
    if (*s == '\0')
      return 0;
    if (*s != ',')
      return -1;
    s++;
  }
}

int cpu_list_parse(const char *list, cpu_set_t **set, size_t *size, ocirun_error *err)
{
  unsigned long max_cpu;
  cpu_set_t *cpus;

  /* First pass checks the syntax and finds the size, the second fills the set. */
  if (list == NULL || walk_list(list, NULL, 0, &max_cpu) < 0)
    return error_set(err, 0, "invalid cpu list \"%s\"", list ? list : "");
  cpus = CPU_ALLOC(max_cpu + 1);
  if (cpus == NULL)
    return error_set(err, errno, "allocate cpu set");
  *size = CPU_ALLOC_SIZE(max_cpu + 1);
  CPU_ZERO_S(*size, cpus);
  walk_list(list, cpus, *size, &max_cpu);
  *set = cpus;
  return 0;
}

static int validate_one(const char *list, const char *prefix, const char *field, ocirun_error *err)
{
  cpu_set_t *set = NULL;
  size_t size;

  if (list == NULL)
    return 0;
  if (cpu_list_parse(list, &set, &size, err) < 0)
    return error_prefix(err, "%s.execCPUAffinity.%s", prefix, field);
  CPU_FREE(set);
  return 0;
}

int exec_cpu_affinity_validate(const oci_process *p, const char *prefix, ocirun_error *err)
{
  if (p->execCPUAffinity == NULL)
    return 0;
  if (validate_one(p->execCPUAffinity->initial, prefix, "initial", err) < 0)
    return -1;
  return validate_one(p->execCPUAffinity->final, prefix, "final", err);
}

int cpu_affinity_apply(const char *list, ocirun_error *err)
{
  cpu_set_t *set = NULL;
  size_t size;
  int ret = 0;

  if (list == NULL || *skip_spaces(list) == '\0')
    return 0;
  if (cpu_list_parse(list, &set, &size, err) < 0)
    return -1;
  if (sched_setaffinity(0, size, set) < 0)
    ret = error_set(err, errno, "sched_setaffinity \"%s\"", list);
  CPU_FREE(set);
  return ret;
}

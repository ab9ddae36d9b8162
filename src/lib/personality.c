/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.personality: the execution domain (LINUX, LINUX32) and its flags. Declared in
 * process.h next to the other process attributes. */
#include <errno.h>
#include <string.h>
#include <sys/personality.h>

#include "process.h"

static const struct {
  const char *name;
  unsigned long value;
} personality_flags[] = {
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT}, {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},         {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},         {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},   {"SHORT_INODE", SHORT_INODE},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},       {"UNAME26", UNAME26},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
};

#define N_PERSONALITY_FLAGS (sizeof(personality_flags) / sizeof(personality_flags[0]))

static int domain_from_name(const char *name, unsigned long *out)
{
  if (name == NULL || strcmp(name, "LINUX") == 0)
    *out = PER_LINUX;
  else if (strcmp(name, "LINUX32") == 0)
    *out = PER_LINUX32;
  else
    return -1;
  return 0;
}

static int flag_from_name(const char *name, unsigned long *out)
{
  for (size_t i = 0; name != NULL && i < N_PERSONALITY_FLAGS; i++) {
    if (strcmp(personality_flags[i].name, name) == 0) {
      *out = personality_flags[i].value;
      return 0;
    }
  }
  return -1;
}

int personality_validate(const oci_personality *p, const char *prefix, ocirun_error *err)
{
  unsigned long value;

  if (p == NULL)
    return 0;
  if (domain_from_name(p->domain, &value) < 0)
    return error_set(err, 0, "%s.domain: unknown domain \"%s\"", prefix, p->domain);
  for (size_t i = 0; i < p->flags_len; i++)
    if (flag_from_name(p->flags[i], &value) < 0)
      return error_set(err, 0, "%s.flags[%zu]: unknown flag \"%s\"", prefix, i,
                       p->flags[i] ? p->flags[i] : "");
  return 0;
}

int personality_apply(const oci_personality *p, ocirun_error *err)
{
  unsigned long persona, flag;

  if (p == NULL)
    return 0;
  if (domain_from_name(p->domain, &persona) < 0)
    return error_set(err, EINVAL, "personality domain \"%s\"", p->domain);
  for (size_t i = 0; i < p->flags_len; i++)
    if (flag_from_name(p->flags[i], &flag) == 0)
      persona |= flag;
  if (personality(persona) < 0)
    return error_set(err, errno, "personality %s (0x%lx)", p->domain ? p->domain : "LINUX",
                     persona);
  return 0;
}

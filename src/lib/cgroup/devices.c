/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.devices: checked and put in the order the kernel applies them, followed
 * (for a new container) by the rules every container gets, runc's list — mknod of any
 * device, and the character devices a program expects to open (null, zero, full, random,
 * urandom, tty, ptmx, the pts range, tun). v1 writes them to devices.allow/deny one by one;
 * v2 compiles them into an eBPF program (devices_bpf.c). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "utils.h"

static const struct cg_device_rule default_rules[] = {
    {true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},    {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 9, "rwm"},    {true, 'c', 136, -1, "rwm"},
    {true, 'c', 5, 2, "rwm"}, {true, 'c', 10, 200, "rwm"},
};

static int parse_access(const char *in, char out[4])
{
  bool r = false, w = false, m = false;
  size_t n = 0;

  for (const char *p = in; *p; p++) {
    switch (*p) {
    case 'r':
      if (r)
        return -1;
      r = true;
      break;
    case 'w':
      if (w)
        return -1;
      w = true;
      break;
    case 'm':
      if (m)
        return -1;
      m = true;
      break;
    default:
      return -1;
    }
  }
  if (r)
    out[n++] = 'r';
  if (w)
    out[n++] = 'w';
  if (m)
    out[n++] = 'm';
  out[n] = '\0';
  return n > 0 ? 0 : -1;
}

int cg_device_rules(const oci_resources *r, bool with_defaults, struct cg_device_rule **rules,
                    size_t *n, ocirun_error *err)
{
  size_t count = r && r->devices ? r->devices_len : 0;
  size_t ndef = with_defaults ? sizeof(default_rules) / sizeof(default_rules[0]) : 0;
  autofree struct cg_device_rule *out = xcalloc(count + ndef, sizeof(*out));

  for (size_t i = 0; i < count; i++) {
    const oci_device_cgroup *d = r->devices[i];
    struct cg_device_rule *o = &out[i];
    const char *type = d->type && d->type[0] ? d->type : "a";

    if (strlen(type) != 1 || (type[0] != 'a' && type[0] != 'b' && type[0] != 'c'))
      return error_set(err, 0, "linux.resources.devices[%zu].type: \"%s\" is not a, b or c", i,
                       type);
    if (d->access == NULL || d->access[0] == '\0')
      return error_set(err, 0, "linux.resources.devices[%zu].access: cannot be empty", i);
    if (parse_access(d->access, o->access) < 0)
      return error_set(err, 0, "linux.resources.devices[%zu].access: \"%s\" is not made of r, w, m",
                       i, d->access);
    if ((d->has_major && d->major < -1) || (d->has_minor && d->minor < -1))
      return error_set(err, 0, "linux.resources.devices[%zu]: negative device number", i);
    o->allow = d->allow;
    o->type = type[0];
    o->major = d->has_major ? d->major : -1;
    o->minor = d->has_minor ? d->minor : -1;
    if (o->major > 0xfffff || o->minor > 0xfffff)
      return error_set(err, 0, "linux.resources.devices[%zu]: device number out of range", i);
  }
  for (size_t i = 0; i < ndef; i++)
    out[count + i] = default_rules[i];
  *n = count + ndef;
  *rules = steal_ptr(out);
  return 0;
}

void cg_device_rule_str(const struct cg_device_rule *rule, char *buf, size_t len)
{
  char major[24], minor[24];

  if (rule->type == 'a') {
    snprintf(buf, len, "a *:* %s", rule->access);
    return;
  }
  if (rule->major < 0)
    snprintf(major, sizeof(major), "*");
  else
    snprintf(major, sizeof(major), "%lld", (long long)rule->major);
  if (rule->minor < 0)
    snprintf(minor, sizeof(minor), "*");
  else
    snprintf(minor, sizeof(minor), "%lld", (long long)rule->minor);
  snprintf(buf, len, "%c %s:%s %s", rule->type, major, minor, rule->access);
}

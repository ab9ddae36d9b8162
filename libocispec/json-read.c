/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading members of a JSON object into C values, with the checks of the
 * description, and the error messages: "ORIGIN: a.b[2].c: what went wrong".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocispec-json.h"

/* Appends the printable form of s to the buffer (control bytes become '?'). */
static void put_text(FILE *f, const char *s)
{
  for (; *s; s++)
    fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void put_path(FILE *f, const struct ocj_path *path, bool first)
{
  if (path == NULL)
    return;
  put_path(f, path->up, false);
  if (path->key == NULL) {
    fprintf(f, "[%zu]", path->index);
  } else {
    if (path->up != NULL)
      fputc('.', f);
    put_text(f, path->key);
  }
  if (first)
    fputs(": ", f);
}

int ocj_fail(struct ocj_ctx *cx, const struct ocj_path *path, const char *fmt, ...)
{
  char *msg = NULL;
  size_t size = 0;
  FILE *f;
  va_list ap;

  if (cx->err == NULL || *cx->err != NULL)
    return -1; /* keep the first error */
  f = open_memstream(&msg, &size);
  if (f == NULL)
    return -1;
  fprintf(f, "%s: ", cx->origin);
  put_path(f, path, true);
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  if (fclose(f) == 0)
    *cx->err = msg;
  else
    free(msg);
  return -1;
}

int ocj_nomem(struct ocj_ctx *cx)
{
  return ocj_fail(cx, NULL, "%s", strerror(ENOMEM));
}

static const char *expected_name(enum ocj_kind kind)
{
  switch (kind) {
  case OCJ_BOOL:
    return "boolean";
  case OCJ_NUMBER:
    return "integer";
  case OCJ_STRING:
    return "string";
  case OCJ_OBJECT:
    return "object";
  case OCJ_ARRAY:
    return "array";
  default:
    return "null";
  }
}

int ocj_expect(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *node,
               enum ocj_kind kind)
{
  if (node->kind == kind)
    return 0;
  return ocj_fail(cx, path, "expected %s, got %s", expected_name(kind), ocj_kind_name(node));
}

/* s as a JSON string literal for a message, cut after about 60 bytes. */
static void quote(char *buf, size_t size, const char *s)
{
  size_t n = 0, used = 0;

  buf[n++] = '"';
  for (; *s && n + 8 < size; s++, used++) {
    unsigned char c = (unsigned char)*s;

    if (used >= 60 && (c & 0xC0) != 0x80) {
      n += (size_t)snprintf(buf + n, size - n, "...");
      break;
    }
    if (c == '"' || c == '\\')
      n += (size_t)snprintf(buf + n, size - n, "\\%c", c);
    else if (c == '\n')
      n += (size_t)snprintf(buf + n, size - n, "\\n");
    else if (c < 0x20 || c == 0x7f)
      n += (size_t)snprintf(buf + n, size - n, "\\u%04x", c);
    else
      buf[n++] = (char)c;
  }
  buf[n++] = '"';
  buf[n] = '\0';
}

int ocj_check_string(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_check *check,
                     const char *s)
{
  char *list = NULL, value[512];
  size_t size = 0, i;
  FILE *f;

  if (check == NULL)
    return 0;
  quote(value, sizeof(value), s);
  if (check->pattern != NULL) {
    if (ocj_pattern_match(check->pattern, s))
      return 0;
    return ocj_fail(cx, path, "%s does not match %s", value, check->pattern);
  }
  for (i = 0; check->values[i] != NULL; i++)
    if (strcmp(check->values[i], s) == 0)
      return 0;
  f = open_memstream(&list, &size);
  if (f == NULL)
    return ocj_nomem(cx);
  for (i = 0; check->values[i] != NULL; i++)
    fprintf(f, "%s%s", i ? ", " : "", check->values[i]);
  if (fclose(f) != 0) {
    free(list);
    return ocj_nomem(cx);
  }
  ocj_fail(cx, path, "unknown value %s (one of %s)", value, list);
  free(list);
  return -1;
}

int ocj_check_int(struct ocj_ctx *cx, const struct ocj_path *path, int64_t min, int64_t max,
                  int64_t v)
{
  if (v >= min && v <= max)
    return 0;
  return ocj_fail(cx, path, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", v, min, max);
}

int ocj_check_uint(struct ocj_ctx *cx, const struct ocj_path *path, uint64_t min, uint64_t max,
                   uint64_t v)
{
  if (v >= min && v <= max)
    return 0;
  return ocj_fail(cx, path, "%" PRIu64 " is out of range [%" PRIu64 ", %" PRIu64 "]", v, min, max);
}

/* ---------------------------------------------------------------- one value */

static int read_string(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *node,
                       const struct ocj_check *check, char **out)
{
  if (ocj_expect(cx, path, node, OCJ_STRING) < 0)
    return -1;
  if (strlen(node->text) != node->text_len)
    return ocj_fail(cx, path, "string contains a NUL character");
  if (ocj_check_string(cx, path, check, node->text) < 0)
    return -1;
  *out = strdup(node->text);
  return *out == NULL ? ocj_nomem(cx) : 0;
}

static bool is_integer_literal(const char *s)
{
  if (*s == '-')
    s++;
  return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int range_error(struct ocj_ctx *cx, const struct ocj_path *path, const char *text,
                       const char *lo, const char *hi)
{
  return ocj_fail(cx, path, "%s is out of range [%s, %s]", text, lo, hi);
}

static int read_int(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *node,
                    int64_t min, int64_t max, int64_t *out)
{
  long long v;

  if (node->kind != OCJ_NUMBER || !is_integer_literal(node->text))
    return ocj_fail(cx, path, "expected integer, got %s", ocj_kind_name(node));
  errno = 0;
  v = strtoll(node->text, NULL, 10);
  if (errno == ERANGE) {
    char lo[32], hi[32];

    snprintf(lo, sizeof(lo), "%" PRId64, min);
    snprintf(hi, sizeof(hi), "%" PRId64, max);
    return range_error(cx, path, node->text, lo, hi);
  }
  if (ocj_check_int(cx, path, min, max, v) < 0)
    return -1;
  *out = v;
  return 0;
}

static int read_uint(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *node,
                     uint64_t min, uint64_t max, uint64_t *out)
{
  unsigned long long v;

  if (node->kind != OCJ_NUMBER || !is_integer_literal(node->text))
    return ocj_fail(cx, path, "expected integer, got %s", ocj_kind_name(node));
  errno = 0;
  v = strtoull(node->text, NULL, 10);
  if (errno == ERANGE || (node->text[0] == '-' && v != 0)) {
    char lo[32], hi[32];

    snprintf(lo, sizeof(lo), "%" PRIu64, min);
    snprintf(hi, sizeof(hi), "%" PRIu64, max);
    return range_error(cx, path, node->text, lo, hi);
  }
  if (ocj_check_uint(cx, path, min, max, v) < 0)
    return -1;
  *out = v;
  return 0;
}

/* ---------------------------------------------------------------- members */

int ocj_find(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
             const char *key, int flags, struct ocj_path *p, const struct ocj_node **m)
{
  p->up = path;
  p->key = key;
  p->index = 0;
  *m = ocj_member(obj, key);
  if (*m != NULL)
    return 1;
  if (flags & OCJ_REQUIRED)
    return ocj_fail(cx, p, "required field missing");
  return 0;
}

int ocj_find_object(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                    const char *key, int flags, struct ocj_path *p, const struct ocj_node **m)
{
  int rc = ocj_find(cx, path, obj, key, flags, p, m);

  if (rc > 0 && ocj_expect(cx, p, *m, OCJ_OBJECT) < 0)
    return -1;
  return rc;
}

int ocj_find_array(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, size_t min_items, struct ocj_path *p,
                   const struct ocj_node **m)
{
  int rc = ocj_find(cx, path, obj, key, flags, p, m);

  if (rc <= 0)
    return rc;
  if (ocj_expect(cx, p, *m, OCJ_ARRAY) < 0)
    return -1;
  if ((*m)->len < min_items)
    return ocj_fail(cx, p, "expected at least %zu item%s, got %zu", min_items,
                    min_items == 1 ? "" : "s", (*m)->len);
  return 1;
}

int ocj_get_string(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, const struct ocj_check *check, char **out)
{
  struct ocj_path p;
  const struct ocj_node *m;
  int rc = ocj_find(cx, path, obj, key, flags, &p, &m);

  return rc <= 0 ? rc : read_string(cx, &p, m, check, out);
}

int ocj_get_bool(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, bool *out, bool *has)
{
  struct ocj_path p;
  const struct ocj_node *m;
  int rc = ocj_find(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  if (ocj_expect(cx, &p, m, OCJ_BOOL) < 0)
    return -1;
  *out = m->boolean;
  *has = true;
  return 0;
}

int ocj_get_int(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                const char *key, int flags, int64_t min, int64_t max, int64_t *out, bool *has)
{
  struct ocj_path p;
  const struct ocj_node *m;
  int rc = ocj_find(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  if (read_int(cx, &p, m, min, max, out) < 0)
    return -1;
  *has = true;
  return 0;
}

int ocj_get_uint(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, uint64_t min, uint64_t max, uint64_t *out, bool *has)
{
  struct ocj_path p;
  const struct ocj_node *m;
  int rc = ocj_find(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  if (read_uint(cx, &p, m, min, max, out) < 0)
    return -1;
  *has = true;
  return 0;
}

int ocj_get_double(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, double *out, bool *has)
{
  struct ocj_path p;
  const struct ocj_node *m;
  int rc = ocj_find(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  if (m->kind != OCJ_NUMBER)
    return ocj_fail(cx, &p, "expected number, got %s", ocj_kind_name(m));
  errno = 0;
  *out = strtod(m->text, NULL);
  if (errno == ERANGE)
    return ocj_fail(cx, &p, "%s is out of range for a double", m->text);
  *has = true;
  return 0;
}

int ocj_get_json(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, char **out)
{
  struct ocj_path p;
  const struct ocj_node *m;
  struct ocj_ctx sub = {cx->origin, cx->err, NULL};
  const unsigned char *buf;
  size_t len;
  int rc = ocj_find_object(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  sub.gen = yajl_gen_alloc(NULL);
  if (sub.gen == NULL)
    return ocj_nomem(cx);
  rc = ocj_put_node(&sub, m);
  if (rc == 0 && yajl_gen_get_buf(sub.gen, &buf, &len) == yajl_gen_status_ok) {
    *out = strndup((const char *)buf, len);
    if (*out == NULL)
      rc = ocj_nomem(cx);
  } else if (rc == 0) {
    rc = ocj_nomem(cx);
  }
  yajl_gen_free(sub.gen);
  return rc;
}

int ocj_get_strings(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                    const char *key, int flags, size_t min_items, const struct ocj_check *check,
                    char ***out, size_t *len)
{
  struct ocj_path p;
  const struct ocj_node *m;
  size_t i;
  int rc = ocj_find_array(cx, path, obj, key, flags, min_items, &p, &m);

  if (rc <= 0)
    return rc;
  *out = calloc(m->len + 1, sizeof(**out));
  if (*out == NULL)
    return ocj_nomem(cx);
  for (i = 0; i < m->len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (read_string(cx, &ip, m->items[i], check, &(*out)[i]) < 0)
      return -1;
    *len = i + 1;
  }
  return 0;
}

int ocj_get_ints(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, size_t min_items, int64_t min, int64_t max,
                 int64_t **out, size_t *len)
{
  struct ocj_path p;
  const struct ocj_node *m;
  size_t i;
  int rc = ocj_find_array(cx, path, obj, key, flags, min_items, &p, &m);

  if (rc <= 0)
    return rc;
  *out = calloc(m->len + 1, sizeof(**out));
  if (*out == NULL)
    return ocj_nomem(cx);
  for (i = 0; i < m->len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (read_int(cx, &ip, m->items[i], min, max, &(*out)[i]) < 0)
      return -1;
    *len = i + 1;
  }
  return 0;
}

int ocj_get_uints(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                  const char *key, int flags, size_t min_items, uint64_t min, uint64_t max,
                  uint64_t **out, size_t *len)
{
  struct ocj_path p;
  const struct ocj_node *m;
  size_t i;
  int rc = ocj_find_array(cx, path, obj, key, flags, min_items, &p, &m);

  if (rc <= 0)
    return rc;
  *out = calloc(m->len + 1, sizeof(**out));
  if (*out == NULL)
    return ocj_nomem(cx);
  for (i = 0; i < m->len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (read_uint(cx, &ip, m->items[i], min, max, &(*out)[i]) < 0)
      return -1;
    *len = i + 1;
  }
  return 0;
}

int ocj_get_string_map(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                       const char *key, int flags, oci_string_map **out)
{
  struct ocj_path p;
  const struct ocj_node *m;
  oci_string_map *map;
  size_t i;
  int rc = ocj_find_object(cx, path, obj, key, flags, &p, &m);

  if (rc <= 0)
    return rc;
  map = calloc(1, sizeof(*map));
  if (map == NULL)
    return ocj_nomem(cx);
  *out = map;
  map->keys = calloc(m->len + 1, sizeof(*map->keys));
  map->values = calloc(m->len + 1, sizeof(*map->values));
  if (map->keys == NULL || map->values == NULL)
    return ocj_nomem(cx);
  for (i = 0; i < m->len; i++) {
    struct ocj_path kp = {&p, m->keys[i], 0};

    if (read_string(cx, &kp, m->items[i], NULL, &map->values[i]) < 0)
      return -1;
    map->keys[i] = strdup(m->keys[i]);
    if (map->keys[i] == NULL) {
      free(map->values[i]);
      map->values[i] = NULL;
      return ocj_nomem(cx);
    }
    map->len = i + 1;
  }
  return 0;
}

void ocj_free_strings(char **v, size_t len)
{
  size_t i;

  for (i = 0; i < len; i++)
    free(v[i]);
  free(v);
}

/* ---------------------------------------------------------------- string maps */

void oci_string_map_free(oci_string_map *m)
{
  if (m == NULL)
    return;
  ocj_free_strings(m->keys, m->len);
  ocj_free_strings(m->values, m->len);
  free(m);
}

const char *oci_string_map_get(const oci_string_map *m, const char *key)
{
  size_t i;

  for (i = 0; m != NULL && i < m->len; i++)
    if (strcmp(m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

int oci_string_map_set(oci_string_map *m, const char *key, const char *value)
{
  char *v = strdup(value), *k = NULL, **keys, **values;
  size_t i;

  if (v == NULL)
    return -1;
  for (i = 0; i < m->len; i++) {
    if (strcmp(m->keys[i], key) == 0) {
      free(m->values[i]);
      m->values[i] = v;
      return 0;
    }
  }
  k = strdup(key);
  keys = k ? realloc(m->keys, (m->len + 1) * sizeof(*keys)) : NULL;
  if (keys != NULL)
    m->keys = keys;
  values = keys ? realloc(m->values, (m->len + 1) * sizeof(*values)) : NULL;
  if (values == NULL) {
    free(k);
    free(v);
    errno = ENOMEM;
    return -1;
  }
  m->values = values;
  m->keys[m->len] = k;
  m->values[m->len++] = v;
  return 0;
}

/* ---------------------------------------------------------------- documents */

void *ocj_parse_data(const char *json, size_t len, const char *origin, char **err,
                     ocj_root_reader reader)
{
  char *local = NULL;
  struct ocj_ctx cx = {origin ? origin : "JSON", err ? err : &local, NULL};
  struct ocj_node *root;
  void *v = NULL;

  *cx.err = NULL;
  root = ocj_tree_parse(&cx, json, len);
  if (root != NULL)
    v = reader(&cx, root);
  ocj_tree_free(root);
  if (v == NULL && *cx.err == NULL)
    ocj_nomem(&cx);
  free(local);
  return v;
}

void *ocj_parse_file(const char *path, const char *origin, char **err, ocj_root_reader reader)
{
  char *local = NULL, *buf;
  struct ocj_ctx cx = {origin ? origin : path, err ? err : &local, NULL};
  size_t len = 0, cap = 64 * 1024;
  void *v = NULL;
  int fd;

  *cx.err = NULL;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ocj_fail(&cx, NULL, "open %s: %s", path, strerror(errno));
    free(local);
    return NULL;
  }
  buf = malloc(cap);
  while (buf != NULL) {
    ssize_t n;

    if (len == cap) {
      char *bigger = cap > OCJ_MAX_SIZE ? NULL : realloc(buf, cap * 2);

      if (bigger == NULL) {
        if (cap > OCJ_MAX_SIZE)
          ocj_fail(&cx, NULL, "%s is larger than the limit of 16 MiB", path);
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
    n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ocj_fail(&cx, NULL, "read %s: %s", path, strerror(errno));
      free(buf);
      buf = NULL;
    } else if (n == 0) {
      break;
    } else {
      len += (size_t)n;
    }
  }
  close(fd);
  if (buf != NULL)
    v = ocj_parse_data(buf, len, cx.origin, cx.err, reader);
  else if (*cx.err == NULL)
    ocj_nomem(&cx);
  free(buf);
  free(local);
  return v;
}

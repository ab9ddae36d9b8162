/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing members through yajl_gen, with the checks the reader makes, so that
 * whatever serializes also parses back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec-json.h"

/* Turns a yajl_gen status into 0 or an error about the value at path. */
static int gen_status(struct ocj_ctx *cx, const struct ocj_path *path, yajl_gen_status st)
{
  switch (st) {
  case yajl_gen_status_ok:
    return 0;
  case yajl_gen_invalid_string:
    return ocj_fail(cx, path, "not valid UTF-8");
  case yajl_gen_invalid_number:
    return ocj_fail(cx, path, "not a finite number");
  default:
    return ocj_fail(cx, path, "JSON generator error %d", (int)st);
  }
}

int ocj_put_open(struct ocj_ctx *cx)
{
  return gen_status(cx, NULL, yajl_gen_map_open(cx->gen));
}

int ocj_put_close(struct ocj_ctx *cx)
{
  return gen_status(cx, NULL, yajl_gen_map_close(cx->gen));
}

int ocj_put_name(struct ocj_ctx *cx, const struct ocj_path *path, const char *name)
{
  return gen_status(cx, path, yajl_gen_string(cx->gen, (const unsigned char *)name, strlen(name)));
}

int ocj_put_key(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                bool present, struct ocj_path *p)
{
  p->up = path;
  p->key = key;
  p->index = 0;
  if (!present)
    return (flags & OCJ_REQUIRED) ? ocj_fail(cx, p, "required field missing") : 0;
  return ocj_put_name(cx, p, key) < 0 ? -1 : 1;
}

int ocj_put_array_open(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                       size_t min_items, bool present, size_t len, struct ocj_path *p)
{
  int rc = ocj_put_key(cx, path, key, flags, present, p);

  if (rc <= 0)
    return rc;
  if (len < min_items)
    return ocj_fail(cx, p, "expected at least %zu item%s, got %zu", min_items,
                    min_items == 1 ? "" : "s", len);
  return gen_status(cx, NULL, yajl_gen_array_open(cx->gen)) < 0 ? -1 : 1;
}

int ocj_put_array_close(struct ocj_ctx *cx)
{
  return gen_status(cx, NULL, yajl_gen_array_close(cx->gen));
}

static int put_text(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_check *check,
                    const char *v)
{
  if (v == NULL)
    return ocj_fail(cx, path, "missing value");
  if (ocj_check_string(cx, path, check, v) < 0)
    return -1;
  return gen_status(cx, path, yajl_gen_string(cx->gen, (const unsigned char *)v, strlen(v)));
}

static int put_uint_value(struct ocj_ctx *cx, uint64_t v)
{
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

  return gen_status(cx, NULL, yajl_gen_number(cx->gen, buf, (size_t)n));
}

int ocj_put_string(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                   const struct ocj_check *check, const char *v)
{
  struct ocj_path p;
  int rc = ocj_put_key(cx, path, key, flags, v != NULL, &p);

  return rc <= 0 ? rc : put_text(cx, &p, check, v);
}

int ocj_put_bool(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 bool has, bool v)
{
  struct ocj_path p;
  int rc = ocj_put_key(cx, path, key, flags, has, &p);

  return rc <= 0 ? rc : gen_status(cx, NULL, yajl_gen_bool(cx->gen, v));
}

int ocj_put_int(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                int64_t min, int64_t max, bool has, int64_t v)
{
  struct ocj_path p;
  int rc = ocj_put_key(cx, path, key, flags, has, &p);

  if (rc <= 0)
    return rc;
  if (ocj_check_int(cx, &p, min, max, v) < 0)
    return -1;
  return gen_status(cx, NULL, yajl_gen_integer(cx->gen, v));
}

int ocj_put_uint(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 uint64_t min, uint64_t max, bool has, uint64_t v)
{
  struct ocj_path p;
  int rc = ocj_put_key(cx, path, key, flags, has, &p);

  if (rc <= 0)
    return rc;
  if (ocj_check_uint(cx, &p, min, max, v) < 0)
    return -1;
  return put_uint_value(cx, v);
}

int ocj_put_double(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                   bool has, double v)
{
  struct ocj_path p;
  int rc = ocj_put_key(cx, path, key, flags, has, &p);

  return rc <= 0 ? rc : gen_status(cx, &p, yajl_gen_double(cx->gen, v));
}

int ocj_put_node(struct ocj_ctx *cx, const struct ocj_node *node)
{
  const unsigned char *text = (const unsigned char *)node->text;
  size_t i;

  switch (node->kind) {
  case OCJ_NULL:
    return gen_status(cx, NULL, yajl_gen_null(cx->gen));
  case OCJ_BOOL:
    return gen_status(cx, NULL, yajl_gen_bool(cx->gen, node->boolean));
  case OCJ_NUMBER:
    return gen_status(cx, NULL, yajl_gen_number(cx->gen, node->text, node->text_len));
  case OCJ_STRING:
    return gen_status(cx, NULL, yajl_gen_string(cx->gen, text, node->text_len));
  case OCJ_OBJECT:
    if (ocj_put_open(cx) < 0)
      return -1;
    for (i = 0; i < node->len; i++)
      if (ocj_put_name(cx, NULL, node->keys[i]) < 0 || ocj_put_node(cx, node->items[i]) < 0)
        return -1;
    return ocj_put_close(cx);
  case OCJ_ARRAY:
    if (gen_status(cx, NULL, yajl_gen_array_open(cx->gen)) < 0)
      return -1;
    for (i = 0; i < node->len; i++)
      if (ocj_put_node(cx, node->items[i]) < 0)
        return -1;
    return ocj_put_array_close(cx);
  }
  return -1;
}

int ocj_put_json(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 const char *text)
{
  struct ocj_path p;
  struct ocj_node *node;
  char *err = NULL;
  struct ocj_ctx sub = {"", &err, NULL};
  int rc = ocj_put_key(cx, path, key, flags, text != NULL, &p);

  if (rc <= 0)
    return rc;
  node = ocj_tree_parse(&sub, text, strlen(text));
  if (node == NULL) {
    /* err reads ": line 1, column 2: invalid JSON: ..." */
    ocj_fail(cx, &p, "%s", err ? err + 2 : strerror(ENOMEM));
    free(err);
    return -1;
  }
  if (node->kind != OCJ_OBJECT)
    rc = ocj_fail(cx, &p, "expected object, got %s", ocj_kind_name(node));
  else
    rc = ocj_put_node(cx, node);
  ocj_tree_free(node);
  return rc;
}

int ocj_put_strings(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                    size_t min_items, const struct ocj_check *check, char *const *v, size_t len)
{
  struct ocj_path p;
  size_t i;
  int rc = ocj_put_array_open(cx, path, key, flags, min_items, v != NULL, len, &p);

  if (rc <= 0)
    return rc;
  for (i = 0; i < len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (put_text(cx, &ip, check, v[i]) < 0)
      return -1;
  }
  return ocj_put_array_close(cx);
}

int ocj_put_ints(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 size_t min_items, int64_t min, int64_t max, const int64_t *v, size_t len)
{
  struct ocj_path p;
  size_t i;
  int rc = ocj_put_array_open(cx, path, key, flags, min_items, v != NULL, len, &p);

  if (rc <= 0)
    return rc;
  for (i = 0; i < len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (ocj_check_int(cx, &ip, min, max, v[i]) < 0 ||
        gen_status(cx, NULL, yajl_gen_integer(cx->gen, v[i])) < 0)
      return -1;
  }
  return ocj_put_array_close(cx);
}

int ocj_put_uints(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                  size_t min_items, uint64_t min, uint64_t max, const uint64_t *v, size_t len)
{
  struct ocj_path p;
  size_t i;
  int rc = ocj_put_array_open(cx, path, key, flags, min_items, v != NULL, len, &p);

  if (rc <= 0)
    return rc;
  for (i = 0; i < len; i++) {
    struct ocj_path ip = {&p, NULL, i};

    if (ocj_check_uint(cx, &ip, min, max, v[i]) < 0 || put_uint_value(cx, v[i]) < 0)
      return -1;
  }
  return ocj_put_array_close(cx);
}

int ocj_put_string_map(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                       const oci_string_map *m)
{
  struct ocj_path p;
  size_t i;
  int rc = ocj_put_key(cx, path, key, flags, m != NULL, &p);

  if (rc <= 0)
    return rc;
  if (ocj_put_open(cx) < 0)
    return -1;
  for (i = 0; i < m->len; i++) {
    struct ocj_path kp = {&p, m->keys[i], 0};

    if (m->keys[i] == NULL)
      return ocj_fail(cx, &p, "missing key");
    if (ocj_put_name(cx, &kp, m->keys[i]) < 0 || put_text(cx, &kp, NULL, m->values[i]) < 0)
      return -1;
  }
  return ocj_put_close(cx);
}

char *ocj_serialize(const void *value, const char *what, char **err, ocj_root_writer writer)
{
  char *local = NULL, *out = NULL;
  struct ocj_ctx cx = {what, err ? err : &local, NULL};
  const unsigned char *buf;
  size_t len;

  *cx.err = NULL;
  if (value == NULL) {
    ocj_fail(&cx, NULL, "nothing to serialize");
    free(local);
    return NULL;
  }
  cx.gen = yajl_gen_alloc(NULL);
  if (cx.gen == NULL) {
    ocj_nomem(&cx);
  } else {
    yajl_gen_config(cx.gen, yajl_gen_validate_utf8, 1);
    if (writer(&cx, value) == 0 &&
        gen_status(&cx, NULL, yajl_gen_get_buf(cx.gen, &buf, &len)) == 0) {
      out = strndup((const char *)buf, len);
      if (out == NULL)
        ocj_nomem(&cx);
    }
    yajl_gen_free(cx.gen);
  }
  free(local);
  return out;
}

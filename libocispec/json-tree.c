/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JSON document as a tree of ocj_node, built from yajl's event parser so that
 * numbers keep their literal text (uint64 values beyond INT64_MAX survive), nesting
 * is limited while parsing, and a syntax error is reported with its line and column.
 */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "ocispec-json.h"

struct builder {
  struct ocj_node *root;
  struct ocj_node *stack[OCJ_MAX_DEPTH];
  size_t depth;
  char *key; /* a member name waiting for its value */
  bool too_deep;
  bool nomem;
};

const char *ocj_kind_name(const struct ocj_node *node)
{
  static const char *const names[] = {"null", "boolean", "number", "string", "object", "array"};

  return names[node->kind];
}

void ocj_tree_free(struct ocj_node *node)
{
  size_t i;

  if (node == NULL)
    return;
  for (i = 0; i < node->len; i++) {
    if (node->keys != NULL)
      free(node->keys[i]);
    ocj_tree_free(node->items[i]);
  }
  free(node->keys);
  free(node->items);
  free(node->text);
  free(node);
}

const struct ocj_node *ocj_member(const struct ocj_node *obj, const char *key)
{
  size_t i;

  for (i = 0; i < obj->len; i++)
    if (strcmp(obj->keys[i], key) == 0)
      return obj->items[i]->kind == OCJ_NULL ? NULL : obj->items[i];
  return NULL;
}

static char *copy_text(const unsigned char *s, size_t len)
{
  char *t = malloc(len + 1);

  if (t != NULL) {
    memcpy(t, s, len);
    t[len] = '\0';
  }
  return t;
}

/* Hangs a new value on the open container (or makes it the root); 0 when out of memory. */
static int attach(struct builder *b, struct ocj_node *node)
{
  struct ocj_node *parent;

  if (b->depth == 0) {
    b->root = node;
    return 1;
  }
  parent = b->stack[b->depth - 1];
  if (parent->len == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 4;
    struct ocj_node **items = realloc(parent->items, cap * sizeof(*items));

    if (items == NULL)
      goto nomem;
    parent->items = items;
    if (parent->kind == OCJ_OBJECT) {
      char **keys = realloc(parent->keys, cap * sizeof(*keys));

      if (keys == NULL)
        goto nomem;
      parent->keys = keys;
    }
    parent->cap = cap;
  }
  if (parent->kind == OCJ_OBJECT) {
    parent->keys[parent->len] = b->key;
    b->key = NULL;
  }
  parent->items[parent->len++] = node;
  return 1;

nomem:
  ocj_tree_free(node);
  b->nomem = true;
  return 0;
}

static int add_value(struct builder *b, enum ocj_kind kind, const unsigned char *text, size_t len)
{
  struct ocj_node *node = calloc(1, sizeof(*node));

  if (node == NULL) {
    b->nomem = true;
    return 0;
  }
  node->kind = kind;
  if (text != NULL) {
    node->text = copy_text(text, len);
    node->text_len = len;
    if (node->text == NULL) {
      free(node);
      b->nomem = true;
      return 0;
    }
  }
  return attach(b, node);
}

static int on_null(void *ctx)
{
  return add_value(ctx, OCJ_NULL, NULL, 0);
}

static int on_boolean(void *ctx, int value)
{
  struct builder *b = ctx;

  if (!add_value(b, OCJ_BOOL, NULL, 0))
    return 0;
  /* the node just attached is the last item of the container, or the root */
  if (b->depth == 0)
    b->root->boolean = value;
  else
    b->stack[b->depth - 1]->items[b->stack[b->depth - 1]->len - 1]->boolean = value;
  return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
  return add_value(ctx, OCJ_NUMBER, (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
  return add_value(ctx, OCJ_STRING, s, len);
}

static int open_container(struct builder *b, enum ocj_kind kind)
{
  struct ocj_node *parent;

  if (b->depth == OCJ_MAX_DEPTH) {
    b->too_deep = true;
    return 0;
  }
  if (!add_value(b, kind, NULL, 0))
    return 0;
  parent = b->depth ? b->stack[b->depth - 1] : NULL;
  b->stack[b->depth++] = parent ? parent->items[parent->len - 1] : b->root;
  return 1;
}

static int on_start_map(void *ctx)
{
  return open_container(ctx, OCJ_OBJECT);
}

static int on_start_array(void *ctx)
{
  return open_container(ctx, OCJ_ARRAY);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;

  free(b->key);
  b->key = copy_text(s, len);
  if (b->key == NULL) {
    b->nomem = true;
    return 0;
  }
  return 1;
}

static size_t hash(const char *s)
{
  size_t h = 2166136261u;

  while (*s)
    h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

/* Drops duplicate keys: the last value wins, at the place of the first. 0 when out of memory. */
static int dedup(struct ocj_node *obj)
{
  size_t size = 16, i, out = 0;
  size_t *slots; /* index + 1 of the first member with a key, 0 when free */

  if (obj->len < 2)
    return 1;
  while (size < obj->len * 2)
    size *= 2;
  slots = calloc(size, sizeof(*slots));
  if (slots == NULL)
    return 0;
  for (i = 0; i < obj->len; i++) {
    size_t h = hash(obj->keys[i]) & (size - 1);

    while (slots[h] != 0 && strcmp(obj->keys[slots[h] - 1], obj->keys[i]) != 0)
      h = (h + 1) & (size - 1);
    if (slots[h] == 0) {
      slots[h] = out + 1;
      obj->keys[out] = obj->keys[i];
      obj->items[out++] = obj->items[i];
    } else {
      ocj_tree_free(obj->items[slots[h] - 1]);
      obj->items[slots[h] - 1] = obj->items[i];
      free(obj->keys[i]);
    }
  }
  obj->len = out;
  free(slots);
  return 1;
}

static int on_end_map(void *ctx)
{
  struct builder *b = ctx;

  if (!dedup(b->stack[--b->depth])) {
    b->nomem = true;
    return 0;
  }
  return 1;
}

static int on_end_array(void *ctx)
{
  struct builder *b = ctx;

  b->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* Reports a parse failure at byte offset `at` as "line L, column C: ...". */
static void syntax_error(struct ocj_ctx *cx, const char *json, size_t len, size_t at,
                         const char *what, const char *detail)
{
  size_t line = 1, column = 1, i;

  if (at > len)
    at = len;
  for (i = 0; i < at; i++) {
    if (json[i] == '\n') {
      line++;
      column = 1;
    } else if (((unsigned char)json[i] & 0xC0) != 0x80) {
      column++; /* count characters, not UTF-8 continuation bytes */
    }
  }
  ocj_fail(cx, NULL, "line %zu, column %zu: %s%s", line, column, what, detail);
}

/* Reports why yajl stopped; `at` is the offset of the byte it stopped at. */
static void parse_error(struct ocj_ctx *cx, yajl_handle h, const struct builder *b,
                        const char *json, size_t len, size_t at)
{
  unsigned char *msg;
  size_t n;

  if (b->nomem) {
    ocj_nomem(cx);
    return;
  }
  if (b->too_deep) {
    syntax_error(cx, json, len, at, "nesting deeper than 64 levels", "");
    return;
  }
  msg = yajl_get_error(h, 0, NULL, 0);
  if (msg == NULL) {
    ocj_nomem(cx);
    return;
  }
  n = strlen((char *)msg);
  while (n > 0 && strchr("\n .", msg[n - 1]) != NULL)
    msg[--n] = '\0';
  syntax_error(cx, json, len, at, "invalid JSON: ", (char *)msg);
  yajl_free_error(h, msg);
}

struct ocj_node *ocj_tree_parse(struct ocj_ctx *cx, const char *json, size_t len)
{
  struct builder b = {0};
  yajl_handle h;
  size_t at;

  if (len > OCJ_MAX_SIZE) {
    ocj_fail(cx, NULL, "document of %zu bytes is larger than the limit of 16 MiB", len);
    return NULL;
  }
  h = yajl_alloc(&callbacks, NULL, &b);
  if (h == NULL) {
    ocj_nomem(cx);
    return NULL;
  }
  if (yajl_parse(h, (const unsigned char *)json, len) != yajl_status_ok) {
    /* yajl has consumed the token it stopped at: point at that token's last byte */
    at = yajl_get_bytes_consumed(h);
    parse_error(cx, h, &b, json, len, at ? at - 1 : 0);
  } else if (yajl_complete_parse(h) != yajl_status_ok) {
    parse_error(cx, h, &b, json, len, len); /* the document ends too early */
  } else {
    yajl_free(h);
    free(b.key);
    return b.root;
  }
  yajl_free(h);
  free(b.key);
  ocj_tree_free(b.root);
  return NULL;
}

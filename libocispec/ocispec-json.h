/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The type-independent half of libocispec, used by the generated ocispec.c:
 * a JSON tree built with yajl's event parser (json-tree.c), readers of one
 * object member with the checks the description asks for (json-read.c),
 * writers of one member through yajl_gen (json-write.c) and the small
 * regular-expression matcher for "pattern=" (pattern.c).
 * Not installed and not for the runtime: it includes only ocispec.h.
 */
#ifndef OCISPEC_JSON_H
#define OCISPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "ocispec.h"

#define OCJ_MAX_SIZE ((size_t)16 << 20) /* bytes in one document */
#define OCJ_MAX_DEPTH 64                /* nested objects and arrays */

/* A flag of readers and writers: absence is an error. */
#define OCJ_REQUIRED 1

enum ocj_kind { OCJ_NULL, OCJ_BOOL, OCJ_NUMBER, OCJ_STRING, OCJ_OBJECT, OCJ_ARRAY };

/* One JSON value. Objects have unique keys (the last duplicate wins, at the first one's place). */
struct ocj_node {
  enum ocj_kind kind;
  bool boolean;
  char *text; /* a string's bytes or a number's literal, NUL-terminated */
  size_t text_len;
  char **keys;             /* an object's member names */
  struct ocj_node **items; /* an object's member values, an array's items */
  size_t len;
  size_t cap;
};

/* Where a value sits: a chain of member keys and array indexes (key NULL) up to the root. */
struct ocj_path {
  const struct ocj_path *up;
  const char *key;
  size_t index;
};

/* One parse or serialize call: where errors go, and the generator while writing. */
struct ocj_ctx {
  const char *origin;
  char **err;
  yajl_gen gen;
};

/* A string check: a pattern, or a NULL-terminated list of allowed values. */
struct ocj_check {
  const char *pattern;
  const char *const *values;
};

typedef void *(*ocj_root_reader)(struct ocj_ctx *cx, const struct ocj_node *root);
typedef int (*ocj_root_writer)(struct ocj_ctx *cx, const void *value);

/* json-tree.c */
struct ocj_node *ocj_tree_parse(struct ocj_ctx *cx, const char *json, size_t len);
void ocj_tree_free(struct ocj_node *node);
const struct ocj_node *ocj_member(const struct ocj_node *obj, const char *key);
const char *ocj_kind_name(const struct ocj_node *node);

/* json-read.c: every function returns -1 after storing an error in cx */
int ocj_fail(struct ocj_ctx *cx, const struct ocj_path *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ocj_nomem(struct ocj_ctx *cx);
int ocj_expect(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *node,
               enum ocj_kind kind);
int ocj_check_string(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_check *check,
                     const char *s);
int ocj_check_int(struct ocj_ctx *cx, const struct ocj_path *path, int64_t min, int64_t max,
                  int64_t v);
int ocj_check_uint(struct ocj_ctx *cx, const struct ocj_path *path, uint64_t min, uint64_t max,
                   uint64_t v);

/* Member readers: 0 when absent (or null) and not required, 1 or 0 when read, -1 on error. */
int ocj_find(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
             const char *key, int flags, struct ocj_path *p, const struct ocj_node **m);
int ocj_find_object(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                    const char *key, int flags, struct ocj_path *p, const struct ocj_node **m);
int ocj_find_array(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, size_t min_items, struct ocj_path *p,
                   const struct ocj_node **m);
int ocj_get_string(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, const struct ocj_check *check, char **out);
int ocj_get_bool(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, bool *out, bool *has);
int ocj_get_int(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                const char *key, int flags, int64_t min, int64_t max, int64_t *out, bool *has);
int ocj_get_uint(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, uint64_t min, uint64_t max, uint64_t *out, bool *has);
int ocj_get_double(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                   const char *key, int flags, double *out, bool *has);
int ocj_get_json(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, char **out);
int ocj_get_strings(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                    const char *key, int flags, size_t min_items, const struct ocj_check *check,
                    char ***out, size_t *len);
int ocj_get_ints(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                 const char *key, int flags, size_t min_items, int64_t min, int64_t max,
                 int64_t **out, size_t *len);
int ocj_get_uints(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                  const char *key, int flags, size_t min_items, uint64_t min, uint64_t max,
                  uint64_t **out, size_t *len);
int ocj_get_string_map(struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *obj,
                       const char *key, int flags, oci_string_map **out);
void ocj_free_strings(char **v, size_t len);

void *ocj_parse_data(const char *json, size_t len, const char *origin, char **err,
                     ocj_root_reader reader);
void *ocj_parse_file(const char *path, const char *origin, char **err, ocj_root_reader reader);

/* json-write.c: member writers write nothing for an absent, optional member */
int ocj_put_open(struct ocj_ctx *cx);
int ocj_put_close(struct ocj_ctx *cx);
int ocj_put_name(struct ocj_ctx *cx, const struct ocj_path *path, const char *name);
int ocj_put_key(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                bool present, struct ocj_path *p);
int ocj_put_array_open(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                       size_t min_items, bool present, size_t len, struct ocj_path *p);
int ocj_put_array_close(struct ocj_ctx *cx);
int ocj_put_string(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                   const struct ocj_check *check, const char *v);
int ocj_put_bool(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 bool has, bool v);
int ocj_put_int(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                int64_t min, int64_t max, bool has, int64_t v);
int ocj_put_uint(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 uint64_t min, uint64_t max, bool has, uint64_t v);
int ocj_put_double(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                   bool has, double v);
int ocj_put_json(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 const char *text);
int ocj_put_strings(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                    size_t min_items, const struct ocj_check *check, char *const *v, size_t len);
int ocj_put_ints(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                 size_t min_items, int64_t min, int64_t max, const int64_t *v, size_t len);
int ocj_put_uints(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                  size_t min_items, uint64_t min, uint64_t max, const uint64_t *v, size_t len);
int ocj_put_string_map(struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags,
                       const oci_string_map *m);
int ocj_put_node(struct ocj_ctx *cx, const struct ocj_node *node);

char *ocj_serialize(const void *value, const char *what, char **err, ocj_root_writer writer);

/* pattern.c */
bool ocj_pattern_match(const char *pattern, const char *s);

#endif

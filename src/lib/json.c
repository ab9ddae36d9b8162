/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic re-formatting only: field-level JSON is libocispec's job. */
#include "json.h"

#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "utils.h"

/* Parse callbacks that forward each event to a generator. */
static int on_null(void *g)
{
  return yajl_gen_null(g) == yajl_gen_status_ok;
}
static int on_bool(void *g, int v)
{
  return yajl_gen_bool(g, v) == yajl_gen_status_ok;
}
static int on_number(void *g, const char *s, size_t l)
{
  return yajl_gen_number(g, s, l) == yajl_gen_status_ok;
}
static int on_string(void *g, const unsigned char *s, size_t l)
{
  return yajl_gen_string(g, s, l) == yajl_gen_status_ok;
}
static int on_map_open(void *g)
{
  return yajl_gen_map_open(g) == yajl_gen_status_ok;
}
static int on_map_close(void *g)
{
  return yajl_gen_map_close(g) == yajl_gen_status_ok;
}
static int on_array_open(void *g)
{
  return yajl_gen_array_open(g) == yajl_gen_status_ok;
}
static int on_array_close(void *g)
{
  return yajl_gen_array_close(g) == yajl_gen_status_ok;
}

static const yajl_callbacks forward = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_map_open,
    .yajl_map_key = on_string,
    .yajl_end_map = on_map_close,
    .yajl_start_array = on_array_open,
    .yajl_end_array = on_array_close,
};

char *json_pretty(const char *json)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_handle h;
  const unsigned char *buf;
  size_t len;
  char *out;

  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  h = yajl_alloc(&forward, NULL, g);
  if (yajl_parse(h, (const unsigned char *)json, strlen(json)) != yajl_status_ok ||
      yajl_complete_parse(h) != yajl_status_ok) {
    yajl_free(h);
    yajl_gen_free(g);
    return xstrdup(json);
  }
  yajl_gen_get_buf(g, &buf, &len);
  out = xmalloc(len + 1);
  memcpy(out, buf, len);
  out[len] = '\0';
  yajl_free(h);
  yajl_gen_free(g);
  return out;
}

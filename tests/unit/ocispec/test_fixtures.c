/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime-spec schema fixtures: every file under test/{config,state,features}/good
 * parses and round-trips (parse, serialize, parse, serialize gives the same bytes twice),
 * every file under bad/ is refused. usage: test_ocispec_fixtures SHARED_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "tap.h"

/* One kind of document, through type-erased wrappers of its functions. */
struct doc {
  const char *dir;
  void *(*parse_data)(const char *json, size_t len, char **err);
  void *(*parse_file)(const char *path, char **err);
  char *(*serialize)(const void *v, char **err);
  void (*free)(void *v);
};

#define DOC_FUNCTIONS(T)                                                                           \
  static void *T##_parse_data(const char *json, size_t len, char **err)                            \
  {                                                                                                \
    return oci_##T##_parse_data(json, len, #T ".json", err);                                       \
  }                                                                                                \
  static void *T##_parse_file(const char *path, char **err)                                        \
  {                                                                                                \
    return oci_##T##_parse_file(path, #T ".json", err);                                            \
  }                                                                                                \
  static char *T##_serialize(const void *v, char **err)                                            \
  {                                                                                                \
    return oci_##T##_serialize(v, err);                                                            \
  }                                                                                                \
  static void T##_free(void *v)                                                                    \
  {                                                                                                \
    oci_##T##_free(v);                                                                             \
  }

DOC_FUNCTIONS(config)
DOC_FUNCTIONS(state)
DOC_FUNCTIONS(features)

#define DOC(T)                                                                                     \
  {                                                                                                \
#T, T##_parse_data, T##_parse_file, T##_serialize, T##_free                                    \
  }

static const struct doc docs[] = {DOC(config), DOC(state), DOC(features)};

/* parse → serialize → parse → serialize: both serializations must be the same bytes. */
static void good(const struct doc *d, const char *path)
{
  char *err = NULL, *first = NULL, *second = NULL;
  void *v = d->parse_file(path, &err), *again = NULL;

  if (!tap_ok(v != NULL, "%s parses", path)) {
    tap_note("%s", err);
    free(err);
    return;
  }
  first = d->serialize(v, &err);
  if (first != NULL)
    again = d->parse_data(first, strlen(first), &err);
  if (again != NULL)
    second = d->serialize(again, &err);
  if (!tap_ok(second != NULL && strcmp(first, second) == 0, "%s round-trips", path)) {
    tap_note("error: %s", err ? err : "(none)");
    tap_note("first:  %s", first ? first : "(null)");
    tap_note("second: %s", second ? second : "(null)");
  }
  free(err);
  free(first);
  free(second);
  d->free(v);
  d->free(again);
}

static void bad(const struct doc *d, const char *path)
{
  char *err = NULL;
  void *v = d->parse_file(path, &err);

  if (tap_ok(v == NULL && err != NULL, "%s is refused", path))
    tap_note("%s", err);
  free(err);
  d->free(v);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

/* Runs check on every *.json in dir; the number of files. */
static int each_file(const struct doc *d, const char *dir,
                     void (*check)(const struct doc *, const char *))
{
  struct dirent **names;
  int n = scandir(dir, &names, NULL, by_name), count = 0, i;

  for (i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    size_t len = strlen(name);
    char *path;

    if (len > 5 && strcmp(name + len - 5, ".json") == 0 &&
        asprintf(&path, "%s/%s", dir, name) >= 0) {
      check(d, path);
      free(path);
      count++;
    }
    free(names[i]);
  }
  free(names);
  return count;
}

int main(int argc, char **argv)
{
  char *schema = NULL, *dir = NULL;
  size_t i;
  int goods = 0, bads = 0;
  DIR *probe;

  if (argc != 2 || asprintf(&schema, "%s/runtime-spec/schema/test", argv[1]) < 0) {
    fprintf(stderr, "usage: %s SHARED_DIR\n", argv[0]);
    return 2;
  }
  probe = opendir(schema);
  if (probe == NULL) {
    printf("1..0 # SKIP %s is absent: no schema fixtures to run\n", schema);
    free(schema);
    return 77;
  }
  closedir(probe);
  for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
    if (asprintf(&dir, "%s/%s/good", schema, docs[i].dir) >= 0)
      goods += each_file(&docs[i], dir, good);
    free(dir);
    if (asprintf(&dir, "%s/%s/bad", schema, docs[i].dir) >= 0)
      bads += each_file(&docs[i], dir, bad);
    free(dir);
  }
  tap_note("%d good and %d bad fixtures", goods, bads);
  tap_ok(goods > 0 && bads > 0, "fixtures found");
  free(schema);
  return tap_done();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One libFuzzer target per libocispec type that reads outside input. Each input goes through
 * parse; what parses is serialized, parsed again and serialized again, and the two documents
 * must be byte-identical: a document ocirun wrote must always read back as itself (state.json
 * is written by one ocirun and read by the next). Everything is freed, so LeakSanitizer sees
 * any leak on the error paths as well.
 *
 * The input is handed over exactly as libFuzzer gives it: not NUL-terminated, so any read past
 * len is an AddressSanitizer report. */
#ifndef OCIRUN_FUZZ_ROUNDTRIP_H
#define OCIRUN_FUZZ_ROUNDTRIP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"

#define DEFINE_ROUNDTRIP_FUZZER(T)                                                                 \
  int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                     \
  {                                                                                                \
    char *err = NULL, *first = NULL, *second = NULL;                                               \
    oci_##T *v = oci_##T##_parse_data((const char *)data, size, "fuzz", &err), *again = NULL;      \
                                                                                                   \
    if (v == NULL) {                                                                               \
      /* a refusal must say why */                                                                 \
      if (err == NULL || err[0] == '\0')                                                           \
        __builtin_trap();                                                                          \
      free(err);                                                                                   \
      return 0;                                                                                    \
    }                                                                                              \
    free(err);                                                                                     \
    err = NULL;                                                                                    \
    first = oci_##T##_serialize(v, &err);                                                          \
    if (first == NULL) {                                                                           \
      fprintf(stderr, "serialize after a successful parse failed: %s\n", err ? err : "?");         \
      __builtin_trap();                                                                            \
    }                                                                                              \
    again = oci_##T##_parse_data(first, strlen(first), "fuzz-again", &err);                        \
    if (again == NULL) {                                                                           \
      fprintf(stderr, "ocirun cannot read back what it wrote: %s\n%s\n", err ? err : "?", first);  \
      __builtin_trap();                                                                            \
    }                                                                                              \
    second = oci_##T##_serialize(again, &err);                                                     \
    if (second == NULL || strcmp(first, second) != 0) {                                            \
      fprintf(stderr, "the round trip changed the document:\n%s\n%s\n", first,                     \
              second ? second : "(null)");                                                         \
      __builtin_trap();                                                                            \
    }                                                                                              \
    free(first);                                                                                   \
    free(second);                                                                                  \
    free(err);                                                                                     \
    oci_##T##_free(v);                                                                             \
    oci_##T##_free(again);                                                                         \
    return 0;                                                                                      \
  }

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sha256.c against the FIPS 180-4 examples, fed whole and in uneven pieces: the seccomp
 * program cache trusts it for its keys and checksums. */
#include <stdlib.h>

#include "process_test.h"
#include "sha256.h"

static void check_digest(const char *data, size_t len, const char *want, const char *what)
{
  uint8_t d[SHA256_DIGEST_LEN];
  char hex[2 * SHA256_DIGEST_LEN + 1];
  struct sha256 c;

  sha256(data, len, d);
  sha256_hex(d, hex);
  CHECK(strcmp(hex, want) == 0, "%s: %s", what, hex);

  /* the same in pieces of 1, 2, 3 ... bytes: every block boundary is crossed differently */
  sha256_init(&c);
  for (size_t off = 0, step = 1; off < len; off += step, step = step % 97 + 1)
    sha256_update(&c, data + off, off + step > len ? len - off : step);
  sha256_final(&c, d);
  sha256_hex(d, hex);
  CHECK(strcmp(hex, want) == 0, "%s, fed in pieces: %s", what, hex);
}

int main(void)
{
  const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  size_t million = 1000000;
  char *a = malloc(million);

  check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "\"\"");
  check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
               "\"abc\"");
  check_digest(two_blocks, strlen(two_blocks),
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits");
  memset(a, 'a', million);
  check_digest(a, million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
               "a million a");
  free(a);
  return test_exit_status();
}

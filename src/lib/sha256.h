/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 (FIPS 180-4), small and allocation-free: the key and the checksum of the seccomp
 * program cache (seccomp_cache.c). Not for secrets: nothing here is constant-time. */
#ifndef OCIRUN_SHA256_H
#define OCIRUN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256 {
  uint32_t h[8];
  uint64_t total; /* bytes fed so far */
  uint8_t block[64];
  size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_DIGEST_LEN]);

/* One call for a whole buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/* out gets 64 lower-case hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char out[2 * SHA256_DIGEST_LEN + 1]);

#endif

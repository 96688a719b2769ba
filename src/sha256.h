/*
 * sha256: SHA-256 (FIPS 180-4) of byte strings, for the profile digest that
 * check reports and apply records in its fragment header. No state outside
 * the caller's struct sha256.
 */
#ifndef TWTUNE_SHA256_H
#define TWTUNE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

struct sha256 {
	uint32_t h[8];
	uint64_t length;	/* bytes hashed so far */
	uint8_t block[64];
	size_t used;		/* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);

/* One call: lowercase hex digest of buf into hex (65 bytes with NUL). */
void sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_SIZE]);

#endif

/* SHA-256 as lowercase hex, over OpenSSL's EVP interface: clause text
 * hashes, the library fingerprint and the manifest's rendered-text hashes. */
#ifndef CLASM_SHA256_H
#define CLASM_SHA256_H

#include <stddef.h>

typedef struct sha256 sha256;

/* NULL when out of memory. */
sha256 *sha256_begin(void);
/* Adds len bytes; a failed call makes sha256_end fail. */
void sha256_add(sha256 *h, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into out and frees h; 1, or 0 on failure
 * (out is then all zeros). h may be NULL (then 0). */
int sha256_end(sha256 *h, char out[65]);

#endif

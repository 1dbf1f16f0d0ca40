/* SHA-256 as lowercase hex over OpenSSL EVP. */
#include "sha256.h"

#include "clasm.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

struct sha256 {
    EVP_MD_CTX *ctx;
    int ok;
};

sha256 *sha256_begin(void)
{
    sha256 *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    h->ok = h->ctx && EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) == 1;
    return h;
}

void sha256_add(sha256 *h, const void *data, size_t len)
{
    if (h && h->ok)
        h->ok = EVP_DigestUpdate(h->ctx, data, len) == 1;
}

int sha256_end(sha256 *h, char out[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    int ok = h && h->ok && EVP_DigestFinal_ex(h->ctx, md, &n) == 1 && n == 32;
    if (h) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
    }
    if (!ok) {
        memset(out, '0', 64);
        out[64] = '\0';
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
    return 1;
}

int clasm_sha256_hex(const void *data, size_t len, char out[65])
{
    sha256 *h = sha256_begin();
    sha256_add(h, data, len);
    return sha256_end(h, out);
}

/* UTF-8, decoded by one rule for every module that checks or repairs text:
 * RFC 3629 (no overlong forms, no surrogates, nothing above U+10FFFF). */
#ifndef CLASM_UTF8_H
#define CLASM_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s, its character in *cp (may
 * be NULL); 0 when the byte at s does not start one. s must be
 * NUL-terminated (a NUL ends a sequence early, so nothing past it is read). */
size_t utf8_char(const unsigned char *s, unsigned long *cp);

#endif

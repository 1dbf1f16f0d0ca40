/* printf into a new string: the one helper every message builder uses. */
#ifndef CLASM_STRFMT_H
#define CLASM_STRFMT_H

#include <stdarg.h>

#if defined(__GNUC__)
#define STRFMT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define STRFMT_PRINTF(a, b)
#endif

/* A malloc'd string, or NULL when out of memory. */
char *str_printf(const char *fmt, ...) STRFMT_PRINTF(1, 2);
char *str_vprintf(const char *fmt, va_list ap) STRFMT_PRINTF(1, 0);

#endif

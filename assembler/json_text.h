/* Strings for JSON output that may hold bytes which are not UTF-8 (file
 * names come from the file system, which allows any byte but '/' and NUL). */
#ifndef CLASM_JSON_TEXT_H
#define CLASM_JSON_TEXT_H

#include <jansson.h>

/* A JSON string of s. jansson refuses a string that is not valid UTF-8
 * (json_string gives NULL, and the key it was meant for was left out of the
 * output without a word). Valid UTF-8 is kept as it is; otherwise each byte
 * that is not part of a valid UTF-8 sequence is written as the four
 * characters \xNN (two upper-case hex digits), as `ls -b` shows such a name:
 * "dr\xFFaft.docx". NULL gives JSON null. Returns NULL only when out of
 * memory. */
json_t *json_text(const char *s);

/* The rendering json_text uses, as a string the caller frees; NULL when out
 * of memory. */
char *utf8_escape_invalid(const char *s);

#endif

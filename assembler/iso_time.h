/* Times and names as negotiation records them: a UTC time as ISO 8601 to
 * the second (w:date of tracked changes, an approval's time) and a
 * person's name or note as XML can hold it. */
#ifndef CLASM_ISO_TIME_H
#define CLASM_ISO_TIME_H

#include <stddef.h>

/* Now, in UTC: "2026-12-07T09:00:00Z". */
void iso_time_now(char out[32]);

/* 1 when s is such a time (a real month, day of month up to 31, hour,
 * minute and second). */
int iso_time_ok(const char *s);

/* 1 when s is a calendar date YYYY-MM-DD (from 1900, a real day of its
 * month, leap years counted). */
int iso_date_ok(const char *s);

/* 1 when s is 1 to max bytes of UTF-8 text without control characters
 * (line feeds and tabs allowed when multiline): what a name or a note in a
 * draft may hold. */
int iso_text_ok(const char *s, size_t max, int multiline);

#endif

/* The YAML tree: built from libyaml's event stream so every node keeps its
 * mark, duplicate and merge keys can be reported where they are, and alias
 * expansion is bounded. */
#include "yaml_tree.h"

#include "diag.h"
#include "edit_distance.h"
#include "strbuf.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* ---- arena: every node, string and array of a document ---- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block;

struct yt_doc {
    arena_block *blocks;
    const yt_node *root;
    char *name;
    const char *source; /* the text parsed (in the arena), for yt_locate */
    size_t source_len;
    /* Where each line of source starts (line n at line_starts[n - 1]), so
     * that yt_locate need not count the lines before a scalar each time. */
    size_t *line_starts;
    size_t nlines;
    int flawed; /* errors were recorded, but the tree is whole (yt_load_*_lenient) */
};

static void *arena_alloc(yt_doc *doc, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (n == 0)
        n = sizeof(max_align_t);
    arena_block *b = doc->blocks;
    if (!b || b->size - b->used < n) {
        size_t size = n > 64 * 1024 ? n : 64 * 1024;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static char *arena_strndup(yt_doc *doc, const char *s, size_t n)
{
    char *p = arena_alloc(doc, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void yt_free(yt_doc *doc)
{
    if (!doc)
        return;
    arena_block *b = doc->blocks;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(doc->name);
    free(doc);
}

const yt_node *yt_root(const yt_doc *doc)
{
    return doc ? doc->root : NULL;
}

const char *yt_name(const yt_doc *doc)
{
    return doc ? doc->name : NULL;
}

/* ---- building ---- */

/* A node under construction, with what alias bounds need. */
typedef struct {
    yt_node node;
    size_t weight; /* nodes under and including this one, aliases expanded */
    size_t height; /* levels under and including this one */
    int complete;  /* an alias may only name a finished node (no cycles) */
} build_node;

typedef struct {
    char *name;
    const build_node *node;
} anchor;

typedef struct {
    yt_doc *doc;
    yaml_parser_t parser;
    const unsigned char *text; /* the input libyaml reads (after a BOM) */
    size_t len;
    const char *file;
    clasm_diags *diags;
    anchor *anchors;
    size_t nanchors, capanchors;
    size_t total; /* expanded node count so far */
    int failed;   /* an error was recorded: the document is not returned */
    int flawed;   /* an error that leaves the tree whole: returned by the lenient loads */
    int stop;     /* the parser cannot go on */
    int oom;
} builder;

/* Records an error and sets *mark (B->failed or B->flawed). */
static void report_at(builder *B, int *mark, const char *id, const char *path, int line, int col,
                      const char *fmt, va_list ap) CLASM_PRINTF(7, 0);

static void report_at(builder *B, int *mark, const char *id, const char *path, int line, int col,
                      const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    diag_field(B->diags, CLASM_SEV_ERROR, id, path, B->file, line, col, "%s", msg);
    *mark = 1;
}

static void err_at(builder *B, const char *id, int line, int col, const char *fmt, ...)
    CLASM_PRINTF(5, 6);

static void err_at(builder *B, const char *id, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_at(B, &B->failed, id, NULL, line, col, fmt, ap);
    va_end(ap);
}

/* An error after which the tree is still whole and means what the file
 * says everywhere else (a duplicate key keeps its first value; a merge key
 * or a key that is not a scalar is left out): a lenient load returns the
 * document, so the caller can report the file's other problems too. */
static void flaw_at(builder *B, const char *id, int line, int col, const char *fmt, ...)
    CLASM_PRINTF(5, 6);

static void flaw_at(builder *B, const char *id, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_at(B, &B->flawed, id, NULL, line, col, fmt, ap);
    va_end(ap);
}

/* flaw_at about the value at key path `path` (clasm_diag's path). */
static void flaw_field(builder *B, const char *id, const char *path, int line, int col,
                       const char *fmt, ...) CLASM_PRINTF(6, 7);

static void flaw_field(builder *B, const char *id, const char *path, int line, int col,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_at(B, &B->flawed, id, path, line, col, fmt, ap);
    va_end(ap);
}

/* The line and column of byte offset in B's text, counted as libyaml counts
 * its marks, so that every position the loader reports agrees: a line ends
 * at LF, CR, CR LF (one break), NEL (U+0085), LS (U+2028) or PS (U+2029);
 * the column counts characters (UTF-8 sequences), not bytes, from 1. A BOM
 * that starts the file is not part of the text libyaml reads, so it counts
 * for nothing. Everything before offset is valid UTF-8: libyaml's reader
 * stops at the first byte it refuses. */
static void offset_position(const builder *B, size_t offset, int *line, int *column)
{
    const unsigned char *t = B->text;
    size_t end = offset < B->len ? offset : B->len;
    long l = 1, c = 1;
    for (size_t i = 0; i < end;) {
        size_t brk = 0;
        if (t[i] == '\r')
            brk = i + 1 < B->len && t[i + 1] == '\n' ? 2 : 1;
        else if (t[i] == '\n')
            brk = 1;
        else if (t[i] == 0xC2 && i + 1 < B->len && t[i + 1] == 0x85)
            brk = 2;
        else if (t[i] == 0xE2 && i + 2 < B->len && t[i + 1] == 0x80 &&
                 (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
            brk = 3;
        if (brk) {
            l++;
            c = 1;
            i += brk;
            continue;
        }
        if ((t[i] & 0xC0) != 0x80)
            c++;
        i++;
    }
    /* Within int: the text is at most YT_MAX_FILE_BYTES. */
    *line = (int)l;
    *column = (int)c;
}

/* libyaml's reader refuses what is not UTF-8 and the characters YAML does
 * not allow in a file, with a byte offset instead of a mark (its
 * problem_mark is zero): the position is worked out from the offset, and
 * the message names the byte or the character. */
static void reader_error(builder *B)
{
    const yaml_parser_t *P = &B->parser;
    const char *problem = P->problem ? P->problem : "the file cannot be read";
    size_t offset = P->problem_offset;
    int value = P->problem_value;
    int line, col;
    if (strcmp(problem, "invalid trailing UTF-8 octet") == 0 && offset < B->len && offset > 0) {
        /* The offset is the byte that does not continue the sequence: the
         * character that is wrong starts at the sequence's first byte
         * (Latin-1 "Caf\xE9 au lait" is wrong at the 0xE9, not at the
         * space after it). Both bytes are named. */
        size_t lead = offset - 1;
        while (lead > 0 && offset - lead < 4 && (B->text[lead] & 0xC0) == 0x80)
            lead--;
        char bytes[32] = "";
        for (size_t i = lead; i <= offset && i - lead < 4; i++) {
            size_t used = strlen(bytes);
            snprintf(bytes + used, sizeof bytes - used, "%s0x%02X", i > lead ? " " : "",
                     (unsigned)B->text[i]);
        }
        offset_position(B, lead, &line, &col);
        err_at(B, "yaml-syntax", line, col, "YAML syntax: %s (bytes %s); the file must be UTF-8",
               problem, bytes);
        return;
    }
    offset_position(B, offset, &line, &col);
    if (strcmp(problem, "control characters are not allowed") == 0 && value >= 0)
        err_at(B, "yaml-syntax", line, col,
               "YAML syntax: %s (U+%04X); a YAML file may hold tab and line breaks but no "
               "other control character, and not U+FFFE or U+FFFF",
               problem, (unsigned)value);
    else if (strstr(problem, "octet") && value >= 0)
        err_at(B, "yaml-syntax", line, col, "YAML syntax: %s (byte 0x%02X); the file must be UTF-8",
               problem, (unsigned)value);
    else if (strstr(problem, "Unicode character") && value >= 0)
        err_at(B, "yaml-syntax", line, col, "YAML syntax: %s (U+%04X); the file must be UTF-8",
               problem, (unsigned)value);
    else if (strstr(problem, "UTF-8"))
        err_at(B, "yaml-syntax", line, col, "YAML syntax: %s; the file must be UTF-8", problem);
    else
        err_at(B, "yaml-syntax", line, col, "YAML syntax: %s", problem);
}

static int next_event(builder *B, yaml_event_t *ev)
{
    if (B->stop)
        return 0;
    if (!yaml_parser_parse(&B->parser, ev)) {
        yaml_mark_t m = B->parser.problem_mark;
        const char *problem = B->parser.problem ? B->parser.problem : "invalid YAML";
        if (B->parser.error == YAML_READER_ERROR)
            reader_error(B);
        else if (B->parser.context)
            err_at(B, "yaml-syntax", (int)m.line + 1, (int)m.column + 1, "YAML syntax: %s %s",
                   problem, B->parser.context);
        else
            err_at(B, "yaml-syntax", (int)m.line + 1, (int)m.column + 1, "YAML syntax: %s",
                   problem);
        B->stop = 1;
        return 0;
    }
    return 1;
}

static build_node *new_node(builder *B, yt_kind kind, yaml_mark_t mark)
{
    build_node *n = arena_alloc(B->doc, sizeof *n);
    if (!n) {
        B->oom = 1;
        B->stop = 1;
        return NULL;
    }
    n->node.kind = kind;
    n->node.line = (int)mark.line + 1;
    n->node.column = (int)mark.column + 1;
    n->weight = 1;
    n->height = 1;
    return n;
}

/* Most keys in one mapping, and anchors in one document (fuzz/README.md
 * "Limits"). */
#define YT_MAX_KEYS 10000u
#define YT_MAX_ANCHORS 1000u

static int remember_anchor(builder *B, const char *name, const build_node *node)
{
    /* Aliases look anchors up one by one: 60 000 anchors and as many
     * aliases took 7 s. No hand-written deal or clause needs many. */
    if (B->nanchors >= YT_MAX_ANCHORS) {
        err_at(B, "too-many-anchors", node->node.line, node->node.column,
               "more than %u anchors (&name) in one document; refusing it", YT_MAX_ANCHORS);
        B->stop = 1;
        return 0;
    }
    /* A later anchor of the same name shadows the earlier one (YAML 1.1). */
    if (B->nanchors == B->capanchors) {
        size_t cap = B->capanchors ? B->capanchors * 2 : 16;
        anchor *a = realloc(B->anchors, cap * sizeof *a);
        if (!a) {
            B->oom = 1;
            B->stop = 1;
            return 0;
        }
        B->anchors = a;
        B->capanchors = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        B->oom = 1;
        B->stop = 1;
        return 0;
    }
    B->anchors[B->nanchors].name = copy;
    B->anchors[B->nanchors].node = node;
    B->nanchors++;
    return 1;
}

static const build_node *find_anchor(const builder *B, const char *name)
{
    for (size_t i = B->nanchors; i > 0; i--)
        if (strcmp(B->anchors[i - 1].name, name) == 0)
            return B->anchors[i - 1].node;
    return NULL;
}

/* Adds n nodes to the expanded total; 0 (with an error) past the bound. */
static int count_nodes(builder *B, size_t n, yaml_mark_t mark)
{
    if (B->total + n > YT_MAX_NODES) {
        /* Past the bound through aliases, it is an alias bomb; without any,
         * simply a document too large. */
        if (B->nanchors > 0)
            err_at(B, "alias-bomb", (int)mark.line + 1, (int)mark.column + 1,
                   "the document has more than %u nodes, counting each alias as a copy of what "
                   "it names; refusing it",
                   YT_MAX_NODES);
        else
            err_at(B, "too-many-nodes", (int)mark.line + 1, (int)mark.column + 1,
                   "the document has more than %u values, keys and lists; refusing it",
                   YT_MAX_NODES);
        B->stop = 1;
        return 0;
    }
    B->total += n;
    return 1;
}

/* Growable pointer list in malloc'd memory, copied into the arena at the end. */
typedef struct {
    const build_node **v;
    size_t n, cap;
} node_list;

static int list_push(builder *B, node_list *l, const build_node *n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const build_node **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            B->oom = 1;
            B->stop = 1;
            return 0;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = n;
    return 1;
}

static const build_node *parse_node(builder *B, yaml_event_t *ev, size_t depth, const char *path,
                                    int is_key);

static int is_merge_key(const build_node *k)
{
    return k->node.kind == YT_SCALAR && k->node.plain && strcmp(k->node.scalar, "<<") == 0;
}

/* Joins a key path: "a" + "b" -> "a.b"; "" + "b" -> "b". */
static void join_path(char *out, size_t size, const char *path, const char *key)
{
    if (!path || !*path)
        snprintf(out, size, "%s", key);
    else
        snprintf(out, size, "%s.%s", path, key);
}

static void finish_container(build_node *n, const node_list *children)
{
    size_t weight = 1, height = 0;
    for (size_t i = 0; i < children->n; i++) {
        weight += children->v[i]->weight;
        if (children->v[i]->height > height)
            height = children->v[i]->height;
    }
    n->weight = weight;
    n->height = height + 1;
    n->complete = 1;
}

static const build_node *parse_sequence(builder *B, yaml_event_t *start, size_t depth,
                                        const char *path)
{
    build_node *n = new_node(B, YT_SEQUENCE, start->start_mark);
    if (!n)
        return NULL;
    if (start->data.sequence_start.anchor &&
        !remember_anchor(B, (const char *)start->data.sequence_start.anchor, n))
        return NULL;
    node_list items = {0};
    for (;;) {
        yaml_event_t ev;
        if (!next_event(B, &ev))
            break;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        char item_path[512];
        snprintf(item_path, sizeof item_path, "%s[%zu]", path && *path ? path : "", items.n);
        const build_node *child = parse_node(B, &ev, depth + 1, item_path, 0);
        yaml_event_delete(&ev);
        if (!child || !list_push(B, &items, child))
            break;
    }
    if (!B->stop) {
        const yt_node **v = arena_alloc(B->doc, (items.n ? items.n : 1) * sizeof *v);
        if (!v) {
            B->oom = B->stop = 1;
        } else {
            for (size_t i = 0; i < items.n; i++)
                v[i] = &items.v[i]->node;
            n->node.items = v;
            n->node.count = items.n;
            finish_container(n, &items);
        }
    }
    free(items.v);
    return B->stop ? NULL : n;
}

static const build_node *parse_mapping(builder *B, yaml_event_t *start, size_t depth,
                                       const char *path)
{
    build_node *n = new_node(B, YT_MAPPING, start->start_mark);
    if (!n)
        return NULL;
    if (start->data.mapping_start.anchor &&
        !remember_anchor(B, (const char *)start->data.mapping_start.anchor, n))
        return NULL;
    node_list keys = {0}, values = {0}, all = {0};
    for (;;) {
        yaml_event_t ev;
        if (!next_event(B, &ev))
            break;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        const build_node *key = parse_node(B, &ev, depth + 1, path, 1);
        yaml_event_delete(&ev);
        if (!key)
            break;
        char key_path[512];
        int keep = 1;
        if (key->node.kind != YT_SCALAR) {
            flaw_at(B, "non-scalar-key", key->node.line, key->node.column,
                    "%s: a key must be a plain name, not a %s",
                    path && *path ? path : "(top level)",
                    key->node.kind == YT_MAPPING ? "mapping" : "sequence");
            keep = 0;
            join_path(key_path, sizeof key_path, path, "?");
        } else {
            join_path(key_path, sizeof key_path, path, key->node.scalar);
            if (is_merge_key(key)) {
                flaw_at(B, "merge-key-unsupported", key->node.line, key->node.column,
                        "%s: merge keys ('<<') are not supported; write the keys out", key_path);
                keep = 0;
            }
            if (keys.n >= YT_MAX_KEYS) {
                /* The duplicate check below is quadratic: 100 000 keys took 45 s. */
                err_at(B, "too-many-keys", key->node.line, key->node.column,
                       "%s: a mapping of more than %u keys; refusing the document",
                       path && *path ? path : "(top level)", YT_MAX_KEYS);
                B->stop = 1;
                break;
            }
            for (size_t i = 0; keep && i < keys.n; i++) {
                if (strcmp(keys.v[i]->node.scalar, key->node.scalar) == 0) {
                    flaw_at(B, "duplicate-key", key->node.line, key->node.column,
                            "%s appears twice (first at line %d)", key_path, keys.v[i]->node.line);
                    keep = 0;
                }
            }
        }
        if (!next_event(B, &ev))
            break;
        const build_node *value = parse_node(B, &ev, depth + 1, key_path, 0);
        yaml_event_delete(&ev);
        if (!value)
            break;
        if (!list_push(B, &all, key) || !list_push(B, &all, value))
            break;
        if (keep && (!list_push(B, &keys, key) || !list_push(B, &values, value)))
            break;
    }
    if (!B->stop) {
        yt_pair *pairs = arena_alloc(B->doc, (keys.n ? keys.n : 1) * sizeof *pairs);
        if (!pairs) {
            B->oom = B->stop = 1;
        } else {
            for (size_t i = 0; i < keys.n; i++) {
                pairs[i].key = &keys.v[i]->node;
                pairs[i].value = &values.v[i]->node;
            }
            n->node.pairs = pairs;
            n->node.count = keys.n;
            finish_container(n, &all);
        }
    }
    free(keys.v);
    free(values.v);
    free(all.v);
    return B->stop ? NULL : n;
}

/* ---- characters a value may hold ---- */

/* Whether a value may hold code point c: the characters YAML allows in a
 * file (its printable set, which libyaml's reader enforces on the source):
 * tab, LF, CR, U+0020-U+007E, NEL, U+00A0-U+D7FF, U+E000-U+FFFD and
 * U+10000-U+10FFFF. A double-quoted value's escapes ("\0", "\x01",
 * "\uFFFE", and JSON's "\u0000" in a deal posted to the server) reach past
 * the reader, and libyaml's scanner only refuses surrogates there, so the
 * same rule is applied to what they decode to. What it keeps out: NUL,
 * which cut a value short wherever it was read as a C string; the other C0
 * controls, DEL and C1 controls but NEL, which the DOCX writer had to drop
 * silently (XML 1.0 cannot hold most of them); and U+FFFE and U+FFFF,
 * which XML cannot hold either. Other non-characters (U+FDD0, U+1FFFE...)
 * are allowed by YAML and XML alike and are kept as they are. */
static int value_char_allowed(unsigned long c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
           (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* The code point of the UTF-8 sequence at s (n bytes left) and its length.
 * libyaml hands over valid UTF-8 (its reader checks the source, its scanner
 * encodes escapes); a byte that does not start a sequence is passed over as
 * U+FFFD all the same, so the scan cannot leave the buffer. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned long c = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *cp = c;
    return len;
}

static const char *char_kind(unsigned long c)
{
    if (c == 0)
        return "NUL, a control character";
    if (c == 0xFFFE || c == 0xFFFF)
        return "a non-character, which a DOCX cannot hold";
    return "a control character";
}

/* Refuses a scalar holding characters a value may not hold: one error at
 * the scalar's line:column naming the key path (or, for a key, the mapping
 * holding it), the first such character and its place in the value, and
 * how many more there are. It is a flaw, not a failure: the tree stays
 * whole, so that a lenient load reports the file's other problems too, but
 * each such character is replaced by U+FFFD, so that no later message (or
 * anything else) carries a NUL or a control character. */
static int check_value_chars(builder *B, build_node *n, const char *path, int is_key)
{
    const unsigned char *s = (const unsigned char *)n->node.scalar;
    size_t len = n->node.scalar_len, bad = 0, first_at = 0, chars = 0;
    unsigned long first = 0;
    for (size_t i = 0; i < len;) {
        unsigned long c;
        i += utf8_next(s + i, len - i, &c);
        chars++;
        if (!value_char_allowed(c) && bad++ == 0) {
            first = c;
            first_at = chars;
        }
    }
    if (bad == 0)
        return 1;
    char where[560];
    if (is_key && path && *path)
        snprintf(where, sizeof where, "a key under %s", path);
    else if (is_key)
        snprintf(where, sizeof where, "a key at the top level");
    else
        snprintf(where, sizeof where, "%s", path && *path ? path : "(top level)");
    char more[96] = "";
    if (bad > 1)
        snprintf(more, sizeof more, " (and %zu more such character%s)", bad - 1,
                 bad > 2 ? "s" : "");
    const char *field = path && *path ? path : NULL; /* a key's: the mapping's */
    if (is_key)
        flaw_field(B, "invalid-value", field, n->node.line, n->node.column,
                   "%s holds U+%04lX (%s) at character %zu%s; keys and values may hold tab and "
                   "line breaks but no other control character, and not U+FFFE or U+FFFF",
                   where, first, char_kind(first), first_at, more);
    else
        flaw_field(B, "invalid-value", field, n->node.line, n->node.column,
                   "%s holds U+%04lX (%s) at character %zu of its value%s; a value may hold tab "
                   "and line breaks but no other control character, and not U+FFFE or U+FFFF",
                   where, first, char_kind(first), first_at, more);
    /* U+FFFD is 3 bytes; a refused character at least 1. */
    char *clean = arena_alloc(B->doc, len + 2 * bad + 1);
    if (!clean) {
        B->oom = B->stop = 1;
        return 0;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned long c;
        size_t k = utf8_next(s + i, len - i, &c);
        if (value_char_allowed(c)) {
            memcpy(clean + o, s + i, k);
            o += k;
        } else {
            memcpy(clean + o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
        i += k;
    }
    clean[o] = '\0';
    n->node.scalar = clean;
    n->node.scalar_len = o;
    return 1;
}

/* Builds the node that starts with ev (not deleted here). */
static const build_node *parse_node(builder *B, yaml_event_t *ev, size_t depth, const char *path,
                                    int is_key)
{
    if (depth > YT_MAX_DEPTH) {
        err_at(B, "too-deep", (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
               "nesting deeper than %u levels; refusing the document", YT_MAX_DEPTH);
        B->stop = 1;
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        if (!count_nodes(B, 1, ev->start_mark))
            return NULL;
        build_node *n = new_node(B, YT_SCALAR, ev->start_mark);
        if (!n)
            return NULL;
        size_t len = ev->data.scalar.length;
        if (len > YT_MAX_SCALAR_BYTES) {
            err_at(B, "value-too-long", (int)ev->start_mark.line + 1,
                   (int)ev->start_mark.column + 1, "%s: a value of %zu bytes; the limit is %u",
                   path && *path ? path : "(top level)", len, YT_MAX_SCALAR_BYTES);
            B->stop = 1;
            return NULL;
        }
        char *s = arena_strndup(B->doc, (const char *)ev->data.scalar.value, len);
        if (!s) {
            B->oom = B->stop = 1;
            return NULL;
        }
        n->node.scalar = s;
        n->node.scalar_len = len;
        n->node.plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->complete = 1;
        if (!check_value_chars(B, n, path, is_key))
            return NULL;
        if (ev->data.scalar.anchor && !remember_anchor(B, (const char *)ev->data.scalar.anchor, n))
            return NULL;
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
        if (!count_nodes(B, 1, ev->start_mark))
            return NULL;
        return parse_sequence(B, ev, depth, path);
    case YAML_MAPPING_START_EVENT:
        if (!count_nodes(B, 1, ev->start_mark))
            return NULL;
        return parse_mapping(B, ev, depth, path);
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        const build_node *target = find_anchor(B, name);
        if (!target) {
            err_at(B, "unknown-alias", (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                   "alias *%s names no anchor defined before it", name);
            B->stop = 1;
            return NULL;
        }
        if (!target->complete) {
            err_at(B, "recursive-alias", (int)ev->start_mark.line + 1,
                   (int)ev->start_mark.column + 1,
                   "alias *%s refers to the node that contains it; refusing the cycle", name);
            B->stop = 1;
            return NULL;
        }
        if (depth + target->height > YT_MAX_DEPTH + 1) {
            err_at(B, "too-deep", (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                   "alias *%s nests deeper than %u levels; refusing the document", name,
                   YT_MAX_DEPTH);
            B->stop = 1;
            return NULL;
        }
        if (!count_nodes(B, target->weight, ev->start_mark))
            return NULL;
        return target;
    }
    default:
        err_at(B, "yaml-syntax", (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
               "unexpected YAML event");
        B->stop = 1;
        return NULL;
    }
}

/* The value of four hex digits at s, or -1. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* 1 when text holds a \u escape of a high surrogate (\uD800-\uDBFF). */
static int has_surrogate_escape(const char *text, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++)
        if (text[i] == '\\' && text[i + 1] == 'u') {
            long v = hex4(text + i + 2);
            if (v >= 0xD800 && v <= 0xDBFF)
                return 1;
        }
    return 0;
}

/* JSON, which YAML 1.2 reads as it is, writes a character above U+FFFF as
 * a pair of \u escapes (UTF-16 surrogates; Python's json.dumps does so by
 * default). libyaml reads YAML 1.1 and refuses them, so a deal posted with
 * an emoji or a rare CJK character in a name was refused. When the text is
 * JSON (jansson says so; then every backslash is inside a string) each such
 * pair becomes YAML's \UXXXXXXXX escape of the same character. Columns
 * after it on its line move two to the left. Returns the new text
 * (malloc'd, *out_len bytes), or NULL to keep the text as it is. */
static char *json_surrogate_pairs(const char *text, size_t len, size_t *out_len)
{
    if (!has_surrogate_escape(text, len))
        return NULL;
    json_error_t err;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!v)
        return NULL; /* not JSON (or a lone surrogate): libyaml says what is wrong */
    json_decref(v);
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int in_string = 0;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (!in_string || c == '"') {
            in_string ^= c == '"';
            out[o++] = text[i++];
            continue;
        }
        if (c != '\\' || i + 1 >= len) {
            out[o++] = text[i++];
            continue;
        }
        long hi = text[i + 1] == 'u' && i + 12 <= len ? hex4(text + i + 2) : -1;
        long lo = hi >= 0xD800 && hi <= 0xDBFF && text[i + 6] == '\\' && text[i + 7] == 'u'
                      ? hex4(text + i + 8)
                      : -1;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            unsigned long cp =
                0x10000 + ((unsigned long)(hi - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
            o += (size_t)snprintf(out + o, len + 1 - o, "\\U%08lX", cp);
            i += 12;
        } else {
            out[o++] = text[i++]; /* the backslash and the character it escapes */
            out[o++] = text[i++];
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static yt_doc *build(const char *text, size_t len, const char *name, int lenient,
                     clasm_diags *diags)
{
    yt_doc *doc = calloc(1, sizeof *doc);
    if (doc)
        doc->name = strdup(name ? name : "(input)");
    if (!doc || !doc->name) {
        free(doc);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", name, 0, 0,
                "out of memory while reading the file");
        return NULL;
    }
    /* A UTF-8 byte order mark (editors on Windows write one) is not part of
     * the text. libyaml skips one only when it detects the encoding itself,
     * which would also let UTF-16 in; with UTF-8 set, it takes the BOM as a
     * character of line 1, and a deal starting with one failed to parse. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    size_t json_len = 0;
    char *json = json_surrogate_pairs(text, len, &json_len);
    if (json) {
        text = json;
        len = json_len;
    }
    doc->source = arena_strndup(doc, text, len);
    doc->source_len = len;
    size_t nlines = 1;
    for (size_t i = 0; doc->source && i < len; i++)
        nlines += text[i] == '\n';
    doc->line_starts = doc->source ? arena_alloc(doc, nlines * sizeof *doc->line_starts) : NULL;
    if (doc->line_starts) {
        doc->line_starts[0] = 0;
        for (size_t i = 0; i < len; i++)
            if (text[i] == '\n')
                doc->line_starts[++doc->nlines] = i + 1;
        doc->nlines++;
    }
    if (!doc->source || !doc->line_starts) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", name, 0, 0,
                "out of memory while reading the file");
        free(json);
        yt_free(doc);
        return NULL;
    }
    builder B = {.doc = doc,
                 .text = (const unsigned char *)text,
                 .len = len,
                 .file = doc->name,
                 .diags = diags};
    if (!yaml_parser_initialize(&B.parser)) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", name, 0, 0,
                "out of memory while reading the file");
        free(json);
        yt_free(doc);
        return NULL;
    }
    yaml_parser_set_input_string(&B.parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&B.parser, YAML_UTF8_ENCODING);

    int ndocs = 0;
    yaml_event_t ev;
    while (next_event(&B, &ev)) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT) {
            ndocs++;
            if (ndocs > 1) {
                err_at(&B, "multiple-documents", (int)ev.start_mark.line + 1,
                       (int)ev.start_mark.column + 1,
                       "a second YAML document starts here; the file must hold exactly one");
                yaml_event_delete(&ev);
                break;
            }
        } else if (type != YAML_STREAM_START_EVENT && type != YAML_DOCUMENT_END_EVENT) {
            const build_node *root = parse_node(&B, &ev, 1, "", 0);
            if (root)
                doc->root = &root->node;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&B.parser);
    free(json); /* the tree holds copies of every scalar */
    for (size_t i = 0; i < B.nanchors; i++)
        free(B.anchors[i].name);
    free(B.anchors);
    if (B.oom)
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", doc->name, 0, 0,
                "out of memory while reading the file");
    if (B.failed || B.oom || (B.flawed && !lenient)) {
        yt_free(doc);
        return NULL;
    }
    doc->flawed = B.flawed;
    /* A null document ("" or "~") has no root. */
    if (doc->root && yt_is_null(doc->root))
        doc->root = NULL;
    return doc;
}

static yt_doc *load_string(const char *text, size_t len, const char *name, int lenient,
                           clasm_diags *diags)
{
    if (len > YT_MAX_FILE_BYTES) {
        diag_at(diags, CLASM_SEV_ERROR, "file-too-large", name ? name : "(input)", 0, 0,
                "the file is %zu bytes; the limit is %u", len, YT_MAX_FILE_BYTES);
        return NULL;
    }
    return build(text, len, name, lenient, diags);
}

yt_doc *yt_load_string(const char *text, size_t len, const char *name, clasm_diags *diags)
{
    return load_string(text, len, name, 0, diags);
}

yt_doc *yt_load_string_lenient(const char *text, size_t len, const char *name, clasm_diags *diags)
{
    return load_string(text, len, name, 1, diags);
}

static yt_doc *load_file(const char *path, int lenient, clasm_diags *diags)
{
    /* Opened without waiting, so that a FIFO cannot block the load: it is
     * refused below as not a regular file. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    if (!f) {
        diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: %s", path,
                strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: not a regular file",
                path);
        fclose(f);
        return NULL;
    }
    strbuf b = {0};
    int read_error = strbuf_read(&b, f, YT_MAX_FILE_BYTES) != 0 && !b.failed;
    int saved = errno;
    fclose(f);
    if (b.failed) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                "out of memory while reading %s", path);
        strbuf_free(&b);
        return NULL;
    }
    if (read_error) {
        diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: %s", path,
                strerror(saved));
        strbuf_free(&b);
        return NULL;
    }
    if (b.len > YT_MAX_FILE_BYTES) {
        diag_at(diags, CLASM_SEV_ERROR, "file-too-large", path, 0, 0,
                "the file is larger than the limit of %u bytes", YT_MAX_FILE_BYTES);
        strbuf_free(&b);
        return NULL;
    }
    size_t len = b.len;
    char *buf = b.s ? b.s : NULL;
    b.s = NULL;
    yt_doc *doc = build(buf ? buf : "", len, path, lenient, diags);
    free(buf);
    return doc;
}

yt_doc *yt_load_file(const char *path, clasm_diags *diags)
{
    return load_file(path, 0, diags);
}

yt_doc *yt_load_file_lenient(const char *path, clasm_diags *diags)
{
    return load_file(path, 1, diags);
}

int yt_flawed(const yt_doc *doc)
{
    return doc && doc->flawed;
}

/* ---- accessors ---- */

const yt_node *yt_get(const yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->pairs[i].key->scalar, key) == 0)
            return map->pairs[i].value;
    return NULL;
}

int yt_is_null(const yt_node *node)
{
    if (!node || node->kind != YT_SCALAR || !node->plain)
        return 0;
    const char *s = node->scalar;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static const char *kind_name(const yt_node *n)
{
    if (yt_is_null(n))
        return "an empty value";
    switch (n->kind) {
    case YT_SCALAR:
        return "a single value";
    case YT_SEQUENCE:
        return "a list";
    default:
        return "a mapping";
    }
}

static const char *wanted_name(yt_kind kind)
{
    switch (kind) {
    case YT_SCALAR:
        return "a single value";
    case YT_SEQUENCE:
        return "a list";
    default:
        return "a mapping of keys";
    }
}

static const char *shown(const char *path)
{
    return path && *path ? path : "(top level)";
}

int yt_expect(yt_ctx *ctx, const yt_node *node, yt_kind kind, const char *path)
{
    if (!node)
        return 0;
    if (node->kind == kind && !(kind == YT_SCALAR && yt_is_null(node)))
        return 1;
    diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", path && *path ? path : NULL, ctx->file,
               node->line, node->column, "%s must be %s, not %s", shown(path), wanted_name(kind),
               kind_name(node));
    return 0;
}

int yt_check_keys(yt_ctx *ctx, const yt_node *map, const char *path, const char *const *allowed,
                  const char *const *required)
{
    if (!map || map->kind != YT_MAPPING)
        return 0;
    size_t nallowed = 0;
    while (allowed && allowed[nallowed])
        nallowed++;
    int ok = 1;
    for (size_t i = 0; i < map->count; i++) {
        const yt_node *k = map->pairs[i].key;
        int found = 0;
        for (size_t j = 0; j < nallowed && !found; j++)
            found = strcmp(allowed[j], k->scalar) == 0;
        if (found)
            continue;
        ok = 0;
        char full[512];
        join_path(full, sizeof full, path, k->scalar);
        const char *near = yt_suggest(k->scalar, allowed, nallowed);
        if (near)
            diag_field(ctx->diags, CLASM_SEV_ERROR, "unknown-key", full, ctx->file, k->line,
                       k->column, "unknown key '%s'; did you mean '%s'?", full, near);
        else
            diag_field(ctx->diags, CLASM_SEV_ERROR, "unknown-key", full, ctx->file, k->line,
                       k->column, "unknown key '%s'", full);
    }
    for (size_t j = 0; required && required[j]; j++) {
        if (yt_get(map, required[j]))
            continue;
        ok = 0;
        char full[512];
        join_path(full, sizeof full, path, required[j]);
        diag_field(ctx->diags, CLASM_SEV_ERROR, "missing-key", full, ctx->file, map->line,
                   map->column, "missing required key '%s'", full);
    }
    return ok;
}

/* The scalar at map[key], or NULL with a diagnostic when it is not one; a
 * missing or null value is an error only when required. */
static const yt_node *scalar_at(yt_ctx *ctx, const yt_node *map, const char *key, const char *path,
                                int required, const char *what)
{
    const yt_node *n = yt_get(map, key);
    char full[512];
    join_path(full, sizeof full, path, key);
    if (!n) {
        if (required && map && map->kind == YT_MAPPING)
            diag_field(ctx->diags, CLASM_SEV_ERROR, "missing-key", full, ctx->file, map->line,
                       map->column, "missing required key '%s'", full);
        return NULL;
    }
    if (yt_is_null(n)) {
        if (required)
            diag_field(ctx->diags, CLASM_SEV_ERROR, "missing-value", full, ctx->file, n->line,
                       n->column, "%s has no value; give %s", full, what);
        return NULL;
    }
    if (n->kind != YT_SCALAR) {
        diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", full, ctx->file, n->line, n->column,
                   "%s must be %s, not %s", full, what, kind_name(n));
        return NULL;
    }
    return n;
}

const char *yt_get_str(yt_ctx *ctx, const yt_node *map, const char *key, const char *path,
                       int required)
{
    const yt_node *n = scalar_at(ctx, map, key, path, required, "a text value");
    return n ? n->scalar : NULL;
}

int yt_get_int(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
               long min, long max, long *out)
{
    const yt_node *n = scalar_at(ctx, map, key, path, required, "a whole number");
    if (!n)
        return 0;
    char full[512];
    join_path(full, sizeof full, path, key);
    const char *s = n->scalar;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    int digits = (s[0] >= '0' && s[0] <= '9') ||
                 ((s[0] == '-' || s[0] == '+') && s[1] >= '0' && s[1] <= '9');
    if (!n->plain || !digits || *end != '\0' || errno == ERANGE) {
        diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", full, ctx->file, n->line, n->column,
                   "%s must be a whole number, not '%s'", full, s);
        return 0;
    }
    if (v < min || v > max) {
        diag_field(ctx->diags, CLASM_SEV_ERROR, "out-of-range", full, ctx->file, n->line, n->column,
                   "%s is %ld; it must be between %ld and %ld", full, v, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

int yt_get_bool(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
                int *out)
{
    const yt_node *n = scalar_at(ctx, map, key, path, required, "true or false");
    if (!n)
        return 0;
    if (n->plain && strcmp(n->scalar, "true") == 0) {
        *out = 1;
        return 1;
    }
    if (n->plain && strcmp(n->scalar, "false") == 0) {
        *out = 0;
        return 1;
    }
    char full[512];
    join_path(full, sizeof full, path, key);
    diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", full, ctx->file, n->line, n->column,
               "%s must be true or false, not '%s'", full, n->scalar);
    return 0;
}

int yt_get_enum(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
                const char *const *values)
{
    const yt_node *n = scalar_at(ctx, map, key, path, required, "one of the allowed values");
    if (!n)
        return -1;
    size_t count = 0;
    while (values[count])
        count++;
    for (size_t i = 0; i < count; i++)
        if (strcmp(values[i], n->scalar) == 0)
            return (int)i;
    char full[512], list[512];
    join_path(full, sizeof full, path, key);
    list[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", values[i]);
    }
    const char *near = yt_suggest(n->scalar, values, count);
    if (near)
        diag_field(ctx->diags, CLASM_SEV_ERROR, "invalid-value", full, ctx->file, n->line,
                   n->column, "%s: '%s' is not allowed (one of: %s); did you mean '%s'?", full,
                   n->scalar, list, near);
    else
        diag_field(ctx->diags, CLASM_SEV_ERROR, "invalid-value", full, ctx->file, n->line,
                   n->column, "%s: '%s' is not allowed (one of: %s)", full, n->scalar, list);
    return -1;
}

const yt_node *yt_get_str_list(yt_ctx *ctx, const yt_node *map, const char *key, const char *path,
                               int required)
{
    const yt_node *n = yt_get(map, key);
    char full[512];
    join_path(full, sizeof full, path, key);
    if (!n) {
        if (required && map && map->kind == YT_MAPPING)
            diag_field(ctx->diags, CLASM_SEV_ERROR, "missing-key", full, ctx->file, map->line,
                       map->column, "missing required key '%s'", full);
        return NULL;
    }
    if (n->kind != YT_SEQUENCE) {
        if (yt_is_null(n) && required)
            diag_field(ctx->diags, CLASM_SEV_ERROR, "missing-value", full, ctx->file, n->line,
                       n->column, "%s has no value; give a list such as [a, b]", full);
        else if (!yt_is_null(n))
            diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", full, ctx->file, n->line,
                       n->column, "%s must be a list such as [a, b], not %s", full, kind_name(n));
        return NULL;
    }
    int ok = 1;
    for (size_t i = 0; i < n->count; i++) {
        const yt_node *it = n->items[i];
        if (it->kind != YT_SCALAR || yt_is_null(it)) {
            char item[540];
            snprintf(item, sizeof item, "%s[%zu]", full, i);
            diag_field(ctx->diags, CLASM_SEV_ERROR, "wrong-type", item, ctx->file, it->line,
                       it->column, "%s must be a single value, not %s", item, kind_name(it));
            ok = 0;
        }
    }
    return ok ? n : NULL;
}

size_t yt_edit_distance(const char *a, const char *b)
{
    return edit_distance(a, b);
}

const char *yt_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t d = yt_edit_distance(word, candidates[i]);
        if (d <= limit && d < best_d && d > 0) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

/* Offset of (line, column) in the source, column counted in characters. */
/* The byte offset of line:column (columns count characters). */
static size_t source_offset(const yt_doc *doc, int line, int column)
{
    const char *raw = doc->source;
    size_t rawlen = doc->source_len;
    if (line < 1 || (size_t)line > doc->nlines)
        return rawlen;
    size_t i = doc->line_starts[line - 1];
    for (int c = 1; c < column && i < rawlen && raw[i] != '\n';) {
        i++;
        while (i < rawlen && ((unsigned char)raw[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    return i;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Back to the start of the scalar's value. */
static void locator_rewind(yt_locator *loc)
{
    loc->i = 0;
    loc->j = loc->start;
    loc->k = loc->doc->line_starts[loc->scalar->line - 1];
    loc->line = loc->scalar->line;
    loc->col = 1;
}

void yt_locator_init(yt_locator *loc, const yt_doc *doc, const yt_node *scalar)
{
    memset(loc, 0, sizeof *loc);
    loc->doc = doc;
    loc->scalar = scalar;
    if (!doc || !doc->source || !doc->line_starts || !scalar || scalar->kind != YT_SCALAR)
        return;
    const char *raw = doc->source;
    size_t rawlen = doc->source_len;
    size_t j = source_offset(doc, scalar->line, scalar->column);
    if (j >= rawlen)
        return;
    char style = raw[j];
    if (style == '|' || style == '>') {
        while (j < rawlen && raw[j] != '\n')
            j++;
        j++;
    } else if (style == '"' || style == '\'') {
        j++;
    } else {
        style = 0;
    }
    loc->style = style;
    loc->start = j;
    loc->ok = 1;
    locator_rewind(loc);
}

int yt_locator_at(yt_locator *loc, size_t offset, int *out_line, int *out_col)
{
    if (!loc->ok || offset > loc->scalar->scalar_len)
        return 0;
    const char *raw = loc->doc->source, *value = loc->scalar->scalar;
    size_t rawlen = loc->doc->source_len;
    char style = loc->style;
    if (offset < loc->i)
        locator_rewind(loc);
    size_t i = loc->i, j = loc->j;
    while (i < offset) {
        if (j >= rawlen)
            return 0;
        char v = value[i], r = raw[j];
        if (style == '\'' && r == '\'' && j + 1 < rawlen && raw[j + 1] == '\'' && v == '\'') {
            i++;
            j += 2;
        } else if (style == '"' && r == '\\') {
            return 0;
        } else if (v == r) {
            i++;
            j++;
        } else if (is_ws(r)) {
            j++;
        } else if (is_ws(v)) {
            i++;
        } else {
            return 0;
        }
    }
    loc->i = i;
    loc->j = j;
    /* Onto the character itself, past folded or indenting blanks. */
    char v = value[offset];
    while (j < rawlen && raw[j] != v && is_ws(raw[j]))
        j++;
    if (j >= rawlen || (v && raw[j] != v))
        return 0;
    if (style == '"' && raw[j] == '\\')
        return 0;
    /* Lines and characters on from the last place told. */
    if (j < loc->k) {
        loc->k = loc->doc->line_starts[loc->scalar->line - 1];
        loc->line = loc->scalar->line;
        loc->col = 1;
    }
    for (size_t k = loc->k; k < j; k++) {
        if (raw[k] == '\n') {
            loc->line++;
            loc->col = 1;
        } else if (((unsigned char)raw[k] & 0xC0) != 0x80) {
            loc->col++;
        }
    }
    loc->k = j;
    *out_line = loc->line;
    *out_col = loc->col;
    return 1;
}

int yt_locate(const yt_doc *doc, const yt_node *scalar, size_t offset, int *out_line, int *out_col)
{
    yt_locator loc;
    yt_locator_init(&loc, doc, scalar);
    return yt_locator_at(&loc, offset, out_line, out_col);
}

/* ---- building a document in memory ---- */

static yt_node *ov_node(yt_doc *doc, yt_kind kind, int line, int column)
{
    yt_node *n = arena_alloc(doc, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = line;
        n->column = column;
    }
    return n;
}

static yt_node *ov_scalar(yt_doc *doc, const char *s, size_t len, int plain, int line, int column)
{
    yt_node *n = ov_node(doc, YT_SCALAR, line, column);
    if (n && !(n->scalar = arena_strndup(doc, s, len)))
        return NULL;
    if (n) {
        n->scalar_len = len;
        n->plain = plain;
    }
    return n;
}

/* A copy of node without positions. */
static const yt_node *copy_node(yt_doc *doc, const yt_node *src)
{
    if (src->kind == YT_SCALAR)
        return ov_scalar(doc, src->scalar, src->scalar_len, src->plain, 0, 0);
    yt_node *n = ov_node(doc, src->kind, 0, 0);
    if (!n)
        return NULL;
    n->count = src->count;
    if (src->kind == YT_SEQUENCE) {
        const yt_node **items = arena_alloc(doc, (src->count + 1) * sizeof *items);
        if (!items)
            return NULL;
        for (size_t i = 0; i < src->count; i++)
            if (!(items[i] = copy_node(doc, src->items[i])))
                return NULL;
        n->items = items;
    } else {
        yt_pair *pairs = arena_alloc(doc, (src->count + 1) * sizeof *pairs);
        if (!pairs)
            return NULL;
        for (size_t i = 0; i < src->count; i++)
            if (!(pairs[i].key = copy_node(doc, src->pairs[i].key)) ||
                !(pairs[i].value = copy_node(doc, src->pairs[i].value)))
                return NULL;
        n->pairs = pairs;
    }
    return n;
}

/* The override's value: a scalar, or a sequence of its ';'-separated items. */
static const yt_node *override_value(yt_doc *doc, const yt_override *o)
{
    if (!o->list)
        return ov_scalar(doc, o->value, strlen(o->value), 0, o->line, o->column);
    size_t cap = 1;
    for (const char *p = o->value; *p; p++)
        cap += *p == ';';
    const yt_node **items = arena_alloc(doc, (cap + 1) * sizeof *items);
    yt_node *seq = ov_node(doc, YT_SEQUENCE, o->line, o->column);
    if (!items || !seq)
        return NULL;
    const char *p = o->value;
    for (;;) {
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a &&
            !(items[seq->count++] = ov_scalar(doc, a, (size_t)(b - a), 0, o->line, o->column)))
            return NULL;
        if (!*end)
            break;
        p = end + 1;
    }
    seq->items = items;
    return seq;
}

/* 1 when path is prefix itself (*exact set) or lies below it. */
static int path_under(const char *path, const char *prefix, size_t plen, int *exact)
{
    *exact = 0;
    if (plen == 0)
        return 1;
    if (strncmp(path, prefix, plen) != 0)
        return 0;
    if (path[plen] == '\0') {
        *exact = 1;
        return 1;
    }
    return path[plen] == '.';
}

/* The node at prefix: base's (copied) with the overrides at or below it. */
static const yt_node *overlay_node(yt_doc *doc, const yt_node *base, const char *prefix,
                                   const yt_override *ov, size_t n)
{
    size_t plen = strlen(prefix);
    const yt_override *exact = NULL;
    int below = 0;
    for (size_t i = 0; i < n; i++) {
        int is_exact;
        if (!path_under(ov[i].path, prefix, plen, &is_exact))
            continue;
        if (is_exact)
            exact = &ov[i];
        else
            below = 1;
    }
    if (exact && !below)
        return override_value(doc, exact);
    if (!below)
        return base ? copy_node(doc, base) : NULL;
    /* A mapping: base's keys (when it is one), then the new ones. */
    const yt_node *map = base && base->kind == YT_MAPPING ? base : NULL;
    size_t cap = (map ? map->count : 0) + n + 1;
    yt_pair *pairs = arena_alloc(doc, cap * sizeof *pairs);
    yt_node *out = ov_node(doc, YT_MAPPING, map ? 0 : 0, 0);
    char *child = malloc(plen + 2 + 256);
    if (!pairs || !out || !child) {
        free(child);
        return NULL;
    }
    size_t count = 0;
    int ok = 1;
    for (size_t i = 0; ok && map && i < map->count; i++) {
        const char *key = map->pairs[i].key->scalar;
        if (strlen(key) > 255) {
            ok = (pairs[count].key = copy_node(doc, map->pairs[i].key)) &&
                 (pairs[count].value = copy_node(doc, map->pairs[i].value));
            count += ok;
            continue;
        }
        snprintf(child, plen + 2 + 256, "%s%s%s", prefix, plen ? "." : "", key);
        const yt_node *v = overlay_node(doc, map->pairs[i].value, child, ov, n);
        ok = v && (pairs[count].key = copy_node(doc, map->pairs[i].key));
        if (ok)
            pairs[count++].value = v;
    }
    for (size_t i = 0; ok && i < n; i++) {
        int is_exact;
        if (!path_under(ov[i].path, prefix, plen, &is_exact) || is_exact)
            continue;
        /* The next segment of the path, below prefix. */
        const char *seg = ov[i].path + (plen ? plen + 1 : 0);
        size_t slen = strcspn(seg, ".");
        if (slen > 255)
            continue;
        int known = 0;
        for (size_t k = 0; k < count && !known; k++)
            known =
                pairs[k].key->scalar_len == slen && strncmp(pairs[k].key->scalar, seg, slen) == 0;
        if (known)
            continue;
        snprintf(child, plen + 2 + 256, "%s%s%.*s", prefix, plen ? "." : "", (int)slen, seg);
        const yt_node *v = overlay_node(doc, NULL, child, ov, n);
        ok = v && (pairs[count].key = ov_scalar(doc, seg, slen, 1, 0, 0));
        if (ok)
            pairs[count++].value = v;
    }
    free(child);
    if (!ok)
        return NULL;
    out->pairs = pairs;
    out->count = count;
    return out;
}

yt_doc *yt_overlay(const yt_node *base, const char *name, const yt_override *ov, size_t n)
{
    yt_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->name = strdup(name ? name : "(deal)");
    if (!doc->name) {
        free(doc);
        return NULL;
    }
    doc->root = overlay_node(doc, base, "", ov, n);
    if (!doc->root && (base || n)) {
        yt_free(doc);
        return NULL;
    }
    return doc;
}

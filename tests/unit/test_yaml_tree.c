/* The YAML layer: marks, scalars, nulls, every refusal of the loader (with
 * its id and line:column), and the typed accessors' diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yaml_tree.h"

/* The index of the first diagnostic with id at or after from, or -1. */
static int find_from(const clasm_diags *d, const char *id, size_t from)
{
    for (size_t i = from; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return (int)i;
    return -1;
}

static size_t count_id(const clasm_diags *d, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += strcmp(d->items[i].id, id) == 0;
    return n;
}

/* Asserts that a diagnostic with id exists, at line:col, whose message holds
 * every given substring; returns it. */
static const clasm_diag *expect_diag(const clasm_diags *d, const char *id, int line, int col,
                                     const char *sub1, const char *sub2)
{
    int i = find_from(d, id, 0);
    if (i < 0) {
        for (size_t k = 0; k < d->count; k++)
            fprintf(stderr, "  have: %s %d:%d %s\n", d->items[k].id, d->items[k].line,
                    d->items[k].column, d->items[k].message);
        fail_msg("no diagnostic '%s'", id);
    }
    const clasm_diag *g = &d->items[i];
    assert_int_equal(g->severity, CLASM_SEV_ERROR);
    assert_int_equal(g->line, line);
    assert_int_equal(g->column, col);
    if (sub1 && !strstr(g->message, sub1))
        fail_msg("message '%s' lacks '%s'", g->message, sub1);
    if (sub2 && !strstr(g->message, sub2))
        fail_msg("message '%s' lacks '%s'", g->message, sub2);
    return g;
}

static yt_doc *load(const char *text, clasm_diags *d)
{
    return yt_load_string(text, strlen(text), "t.yaml", d);
}

/* Loads text that must be refused, with exactly one diagnostic of id at line:col. */
static void expect_refused(const char *text, const char *id, int line, int col, const char *sub)
{
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load(text, &d);
    assert_null(doc);
    const clasm_diag *g = expect_diag(&d, id, line, col, sub, NULL);
    assert_string_equal(g->file, "t.yaml");
    assert_int_equal(count_id(&d, id), 1);
    clasm_diags_free(&d);
}

static void test_marks(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load("# comment\n"
                       "name: Acme\n"
                       "list:\n"
                       "  - one\n"
                       "  - [two, three]\n"
                       "map: {a: 1, b: 2}\n",
                       &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    assert_string_equal(yt_name(doc), "t.yaml");
    const yt_node *root = yt_root(doc);
    assert_int_equal(root->kind, YT_MAPPING);
    assert_int_equal(root->line, 2);
    assert_int_equal(root->column, 1);
    assert_int_equal(root->count, 3);
    assert_string_equal(root->pairs[0].key->scalar, "name");
    assert_int_equal(root->pairs[0].key->line, 2);
    assert_int_equal(root->pairs[0].key->column, 1);
    const yt_node *name = yt_get(root, "name");
    assert_int_equal(name->kind, YT_SCALAR);
    assert_string_equal(name->scalar, "Acme");
    assert_int_equal(name->scalar_len, 4);
    assert_int_equal(name->line, 2);
    assert_int_equal(name->column, 7);
    const yt_node *list = yt_get(root, "list");
    assert_int_equal(list->kind, YT_SEQUENCE);
    assert_int_equal(list->line, 4);
    assert_int_equal(list->column, 3);
    assert_int_equal(list->count, 2);
    assert_int_equal(list->items[0]->line, 4);
    assert_int_equal(list->items[0]->column, 5);
    const yt_node *inner = list->items[1];
    assert_int_equal(inner->kind, YT_SEQUENCE);
    assert_int_equal(inner->line, 5);
    assert_int_equal(inner->column, 5);
    assert_string_equal(inner->items[1]->scalar, "three");
    assert_int_equal(inner->items[1]->column, 11);
    const yt_node *map = yt_get(root, "map");
    assert_int_equal(map->kind, YT_MAPPING);
    assert_int_equal(map->line, 6);
    assert_int_equal(map->column, 6);
    assert_string_equal(yt_get(map, "b")->scalar, "2");
    assert_int_equal(yt_get(map, "b")->column, 16);
    /* yt_get on a non-mapping or a missing key */
    assert_null(yt_get(root, "nope"));
    assert_null(yt_get(list, "one"));
    assert_null(yt_get(NULL, "x"));
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_plain_quoted_and_null(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load("a: ~\n"
                       "b: null\n"
                       "c:\n"
                       "d: \"null\"\n"
                       "e: '~'\n"
                       "f: ''\n"
                       "g: plain text\n"
                       "h: \"tab\\there\"\n"
                       "i: NULL\n",
                       &d);
    assert_non_null(doc);
    const yt_node *r = yt_root(doc);
    assert_true(yt_is_null(yt_get(r, "a")));
    assert_true(yt_is_null(yt_get(r, "b")));
    assert_true(yt_is_null(yt_get(r, "c")));
    assert_true(yt_is_null(yt_get(r, "i")));
    assert_true(yt_get(r, "a")->plain);
    /* quoted spellings of null are text */
    assert_false(yt_is_null(yt_get(r, "d")));
    assert_false(yt_get(r, "d")->plain);
    assert_string_equal(yt_get(r, "d")->scalar, "null");
    assert_false(yt_is_null(yt_get(r, "e")));
    assert_false(yt_is_null(yt_get(r, "f")));
    assert_int_equal(yt_get(r, "f")->scalar_len, 0);
    assert_false(yt_is_null(yt_get(r, "g")));
    assert_true(yt_get(r, "g")->plain);
    assert_string_equal(yt_get(r, "h")->scalar, "tab\there");
    assert_false(yt_is_null(r));
    assert_false(yt_is_null(NULL));
    yt_free(doc);

    /* an empty or null document loads with no root */
    doc = load("", &d);
    assert_non_null(doc);
    assert_null(yt_root(doc));
    yt_free(doc);
    doc = load("~\n", &d);
    assert_non_null(doc);
    assert_null(yt_root(doc));
    yt_free(doc);
    doc = load("# only a comment\n", &d);
    assert_non_null(doc);
    assert_null(yt_root(doc));
    yt_free(doc);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

static void test_syntax_error(void **state)
{
    (void)state;
    expect_refused("a: 1\nb: [1, 2\n", "yaml-syntax", 3, 1, "YAML syntax");
    expect_refused("a: 1\n  b: 2\n", "yaml-syntax", 2, 4, "mapping values are not allowed");
    expect_refused("a: \"open\n", "yaml-syntax", 2, 1, "YAML syntax");
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load("id: 1\n"
                       "customer:\n"
                       "  name: A\n"
                       "  kind: x\n"
                       "  name: B\n"
                       "id: 2\n",
                       &d);
    assert_null(doc);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[0].id, "duplicate-key");
    assert_int_equal(d.items[0].line, 5);
    assert_int_equal(d.items[0].column, 3);
    assert_non_null(strstr(d.items[0].message, "customer.name appears twice"));
    assert_non_null(strstr(d.items[0].message, "first at line 3"));
    assert_string_equal(d.items[1].id, "duplicate-key");
    assert_int_equal(d.items[1].line, 6);
    assert_int_equal(d.items[1].column, 1);
    assert_non_null(strstr(d.items[1].message, "id appears twice"));
    assert_non_null(strstr(d.items[1].message, "first at line 1"));
    assert_string_equal(d.items[1].file, "t.yaml");
    clasm_diags_free(&d);

    /* The lenient load returns the tree, flawed, with the first values. */
    clasm_diags_init(&d);
    const char *text = "id: 1\nid: 2\n<<: {x: 1}\nname: A\n";
    doc = yt_load_string_lenient(text, strlen(text), "t.yaml", &d);
    assert_non_null(doc);
    assert_true(yt_flawed(doc));
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[0].id, "duplicate-key");
    assert_string_equal(d.items[1].id, "merge-key-unsupported");
    const yt_node *root = yt_root(doc);
    assert_string_equal(yt_get(root, "id")->scalar, "1");
    assert_string_equal(yt_get(root, "name")->scalar, "A");
    assert_null(yt_get(root, "x"));
    assert_null(yt_get(root, "<<"));
    yt_free(doc);
    clasm_diags_free(&d);
    /* A syntax error is not a flaw: no tree, even leniently. */
    clasm_diags_init(&d);
    assert_null(yt_load_string_lenient("a: [\n", 6, "t.yaml", &d));
    clasm_diags_free(&d);
    /* A clean file is not flawed. */
    clasm_diags_init(&d);
    doc = yt_load_string_lenient("a: 1\n", 5, "t.yaml", &d);
    assert_false(yt_flawed(doc));
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_merge_key(void **state)
{
    (void)state;
    expect_refused("base: &b {x: 1}\n"
                   "other:\n"
                   "  <<: *b\n"
                   "  y: 2\n",
                   "merge-key-unsupported", 3, 3, "other.<<");
}

static void test_alias_shares_node(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load("seller: &s {name: Acme, country: DE}\n"
                       "reseller: *s\n"
                       "word: &w hello\n"
                       "again: *w\n",
                       &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    const yt_node *r = yt_root(doc);
    assert_ptr_equal(yt_get(r, "seller"), yt_get(r, "reseller"));
    assert_string_equal(yt_get(yt_get(r, "reseller"), "country")->scalar, "DE");
    assert_ptr_equal(yt_get(r, "word"), yt_get(r, "again"));
    assert_string_equal(yt_get(r, "again")->scalar, "hello");
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_alias_bomb(void **state)
{
    (void)state;
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                       "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    clock_t t0 = clock();
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load(bomb, &d);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_null(doc);
    assert_true(secs < 2.0);
    assert_int_equal(d.count, 1);
    /* 134 461 nodes up to e, which alone weighs 111 111: the first *e of f
     * passes 200 000 */
    expect_diag(&d, "alias-bomb", 6, 8, "more than 200000 nodes", NULL);
    clasm_diags_free(&d);

    /* Past the same bound without a single alias: a document too large,
     * not a bomb. */
    size_t n = 200001;
    char *big = malloc(n * 4 + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 4, "- 1\n", 4);
    big[n * 4] = '\0';
    clasm_diags_init(&d);
    assert_null(load(big, &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "too-many-nodes");
    assert_non_null(strstr(d.items[0].message, "more than 200000 values, keys and lists"));
    clasm_diags_free(&d);
    free(big);
}

static void test_recursive_and_unknown_alias(void **state)
{
    (void)state;
    expect_refused("a: &a [1, *a]\n", "recursive-alias", 1, 11, "*a");
    expect_refused("a: &a {b: *a}\n", "recursive-alias", 1, 11, "refers to the node");
    expect_refused("a: 1\nb: *nowhere\n", "unknown-alias", 2, 4, "*nowhere");
    /* an alias before its anchor is unknown too */
    expect_refused("b: *x\na: &x 1\n", "unknown-alias", 1, 4, "*x");
}

static void test_too_deep(void **state)
{
    (void)state;
    char text[200];
    size_t n = 0;
    for (int i = 0; i < 70; i++)
        text[n++] = '[';
    for (int i = 0; i < 70; i++)
        text[n++] = ']';
    text[n++] = '\n';
    text[n] = '\0';
    /* the root is level 1: the 65th list is one too many */
    expect_refused(text, "too-deep", 1, 65, "deeper than 64");

    /* 64 levels are fine */
    n = 0;
    for (int i = 0; i < 64; i++)
        text[n++] = '[';
    for (int i = 0; i < 64; i++)
        text[n++] = ']';
    text[n] = '\0';
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load(text, &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_alias_too_deep(void **state)
{
    (void)state;
    /* a: 40 nested lists (height 40); the alias sits at level 30 (inside
     * b's 28 lists under the root mapping), so it would reach level 69 */
    char text[400];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "a: &a ");
    for (int i = 0; i < 40; i++)
        text[n++] = '[';
    for (int i = 0; i < 40; i++)
        text[n++] = ']';
    n += (size_t)snprintf(text + n, sizeof text - n, "\nb: ");
    for (int i = 0; i < 28; i++)
        text[n++] = '[';
    n += (size_t)snprintf(text + n, sizeof text - n, "*a");
    for (int i = 0; i < 28; i++)
        text[n++] = ']';
    text[n++] = '\n';
    text[n] = '\0';
    expect_refused(text, "too-deep", 2, 32, "alias *a nests deeper than 64");
}

static void test_too_many_anchors_and_keys(void **state)
{
    (void)state;
    size_t cap = 20 * 10002;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = 0;
    for (int i = 0; i < 1001; i++)
        n += (size_t)snprintf(text + n, cap - n, "k%d: &a%d v\n", i, i);
    expect_refused(text, "too-many-anchors", 1001, 8, "more than 1000 anchors");
    /* 1000 anchors are accepted */
    n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, cap - n, "k%d: &a%d v\n", i, i);
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load(text, &d);
    assert_non_null(doc);
    assert_int_equal(yt_root(doc)->count, 1000);
    yt_free(doc);
    clasm_diags_free(&d);

    n = 0;
    for (int i = 0; i < 10001; i++)
        n += (size_t)snprintf(text + n, cap - n, "k%d: 1\n", i);
    expect_refused(text, "too-many-keys", 10001, 1, "more than 10000 keys");
    free(text);
}

static void test_multiple_documents(void **state)
{
    (void)state;
    expect_refused("a: 1\n---\nb: 2\n", "multiple-documents", 2, 1, "exactly one");
}

static void test_non_scalar_key(void **state)
{
    (void)state;
    expect_refused("top:\n  ? [a, b]\n  : 1\n", "non-scalar-key", 2, 5, "top: a key must be");
    expect_refused("{x: 1}: 2\n", "non-scalar-key", 1, 1, "not a mapping");
}

static void test_file_too_large(void **state)
{
    (void)state;
    size_t len = YT_MAX_FILE_BYTES + 1;
    char *big = malloc(len + 1);
    assert_non_null(big);
    memset(big, 'a', len);
    big[len] = '\0';
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(yt_load_string(big, len, "big.yaml", &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "file-too-large");
    assert_string_equal(d.items[0].file, "big.yaml");
    assert_non_null(strstr(d.items[0].message, "4194304"));
    clasm_diags_free(&d);

    /* the same through a file */
    char path[] = "/tmp/clasm-yt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, len, f), len);
    fclose(f);
    free(big);
    clasm_diags_init(&d);
    assert_null(yt_load_file(path, &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "file-too-large");
    assert_string_equal(d.items[0].file, path);
    clasm_diags_free(&d);
    remove(path);
}

static void test_load_file(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(yt_load_file("/nonexistent/dir/deal.yaml", &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "io");
    assert_string_equal(d.items[0].file, "/nonexistent/dir/deal.yaml");
    assert_non_null(strstr(d.items[0].message, "/nonexistent/dir/deal.yaml"));
    assert_non_null(strstr(d.items[0].message, "No such file"));
    clasm_diags_free(&d);

    /* a folder is not a file */
    clasm_diags_init(&d);
    assert_null(yt_load_file("/tmp", &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "io");
    assert_non_null(strstr(d.items[0].message, "not a regular file"));
    clasm_diags_free(&d);

    /* a real file: the name in diagnostics is the path */
    char path[] = "/tmp/clasm-yt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs("a: 1\na: 2\n", f);
    fclose(f);
    clasm_diags_init(&d);
    assert_null(yt_load_file(path, &d));
    expect_diag(&d, "duplicate-key", 2, 1, "a appears twice", "first at line 1");
    assert_string_equal(d.items[0].file, path);
    clasm_diags_free(&d);
    remove(path);
}

/* ---- the text: BOM, line ends, tabs; what libyaml's reader refuses ---- */

/* Loads exactly len bytes (the text may hold NUL). */
static yt_doc *load_n(const char *text, size_t len, clasm_diags *d)
{
    return yt_load_string(text, len, "t.yaml", d);
}

/* Bytes that must be refused with one yaml-syntax error at line:col whose
 * message holds sub1 and sub2. */
static void expect_yaml_syntax(const char *text, size_t len, int line, int col, const char *sub1,
                               const char *sub2)
{
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(load_n(text, len, &d));
    assert_int_equal(d.count, 1);
    expect_diag(&d, "yaml-syntax", line, col, sub1, sub2);
    assert_string_equal(d.items[0].file, "t.yaml");
    clasm_diags_free(&d);
}

static void test_bom_crlf_tabs(void **state)
{
    (void)state;
    /* A UTF-8 BOM, CR LF line ends, and tabs inside values (raw in plain,
     * quoted and block scalars, and as the escape \t) are legal YAML. */
    static const char text[] = "\xEF\xBB\xBF"
                               "id: Q-1\r\n"
                               "plain: a\tb\r\n"
                               "quoted: \"c\td\\te\"\r\n"
                               "block: |\r\n"
                               "  line\tone\r\n"
                               "  line two\r\n"
                               "list: [x, y]\r\n";
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load_n(text, sizeof text - 1, &d);
    for (size_t k = 0; k < d.count; k++)
        fprintf(stderr, "  have: %s %d:%d %s\n", d.items[k].id, d.items[k].line, d.items[k].column,
                d.items[k].message);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    const yt_node *r = yt_root(doc);
    /* The BOM is not a character of line 1: the first key is at column 1. */
    assert_int_equal(r->pairs[0].key->line, 1);
    assert_int_equal(r->pairs[0].key->column, 1);
    assert_string_equal(yt_get(r, "id")->scalar, "Q-1");
    assert_int_equal(yt_get(r, "id")->column, 5);
    assert_string_equal(yt_get(r, "plain")->scalar, "a\tb");
    assert_string_equal(yt_get(r, "quoted")->scalar, "c\td\te");
    /* CR LF ends a line as LF does: no CR in the values. */
    assert_string_equal(yt_get(r, "block")->scalar, "line\tone\nline two\n");
    assert_int_equal(yt_get(r, "list")->line, 7);
    assert_int_equal(yt_get(r, "list")->items[1]->column, 11);
    yt_free(doc);
    clasm_diags_free(&d);

    /* After a BOM and CR LF, a syntax error is still where it is. */
    static const char broken[] = "\xEF\xBB\xBF"
                                 "a: 1\r\n"
                                 "b: 2\r\n"
                                 "  c: 3\r\n";
    expect_yaml_syntax(broken, sizeof broken - 1, 3, 4, "mapping values", NULL);
}

static void test_reader_error_positions(void **state)
{
    (void)state;
    /* libyaml's reader gives a byte offset and no mark; the loader turns it
     * into line:column, the column counted in characters as libyaml's own
     * marks are. Line 12 here, after two two-byte characters (column 9 in
     * characters, 11 in bytes). */
    char text[512];
    size_t n = 0;
    for (int i = 1; i <= 11; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "k%d: v\n", i);
    static const char tail[] = "name: \xC3\xA9\xC3\xA9\xFFx\n";
    memcpy(text + n, tail, sizeof tail - 1);
    expect_yaml_syntax(text, n + sizeof tail - 1, 12, 9, "invalid leading UTF-8 octet",
                       "(byte 0xFF); the file must be UTF-8");

    /* A control byte, raw, on line 12: U+0001 named. */
    static const char ctl[] = "name: \xC3\xA9\xC3\xA9\x01x\n";
    memcpy(text + n, ctl, sizeof ctl - 1);
    expect_yaml_syntax(text, n + sizeof ctl - 1, 12, 9, "control characters are not allowed",
                       "(U+0001)");
    /* NUL and DEL, raw. */
    static const char nul[] = "a: 1\nb: x\0y\n";
    expect_yaml_syntax(nul, sizeof nul - 1, 2, 5, "(U+0000)", NULL);
    static const char del[] = "a: 1\n\nb: \"x\x7F\"\n";
    expect_yaml_syntax(del, sizeof del - 1, 3, 6, "(U+007F)", NULL);
    /* U+FFFE, raw (EF BF BE): YAML does not allow it in a file. */
    static const char fffe[] = "a: 1\nb: \xEF\xBF\xBE\n";
    expect_yaml_syntax(fffe, sizeof fffe - 1, 2, 4, "(U+FFFE)", NULL);

    /* Line ends as libyaml counts them: CR LF is one, a lone CR is one,
     * and so are NEL (C2 85), LS (E2 80 A8) and PS (E2 80 A9). */
    static const char ends[] = "a: 1\r\nb: 2\rc: 3 # x\xC2\x85"
                               "d: 4 # y\xE2\x80\xA8"
                               "e: 5 # z\xE2\x80\xA9"
                               "f: \xFE\n";
    expect_yaml_syntax(ends, sizeof ends - 1, 6, 4, "(byte 0xFE)", NULL);
    /* The BOM counts for nothing. */
    static const char bom[] = "\xEF\xBB\xBF"
                              "a: \x02\n";
    expect_yaml_syntax(bom, sizeof bom - 1, 1, 4, "(U+0002)", NULL);
    /* A byte that cannot continue a sequence: the position is the
     * sequence's first byte, and both are named. */
    static const char trail[] = "a: 1\nbb: x\xC3(\n";
    expect_yaml_syntax(trail, sizeof trail - 1, 2, 6, "invalid trailing UTF-8 octet",
                       "(bytes 0xC3 0x28)");
    static const char trail3[] = "a: \xC3\xA9\xE2\x82x\n";
    expect_yaml_syntax(trail3, sizeof trail3 - 1, 1, 5, "(bytes 0xE2 0x82 0x78)", NULL);
    /* A sequence cut short by the end of the file. */
    static const char cut[] = "a: 1\nb: \xE2\x82";
    expect_yaml_syntax(cut, sizeof cut - 1, 2, 4, "incomplete UTF-8 octet sequence",
                       "the file must be UTF-8");
    /* An overlong form and an encoded surrogate. */
    static const char overlong[] = "a: \xC0\xAF\n";
    expect_yaml_syntax(overlong, sizeof overlong - 1, 1, 4, "invalid length of a UTF-8", NULL);
    static const char surrogate[] = "a: 1\n\n\nb: \xED\xA0\x80\n";
    expect_yaml_syntax(surrogate, sizeof surrogate - 1, 4, 4, "invalid Unicode character",
                       "(U+D800)");
    /* Past the first 16 KiB libyaml reads at once. */
    size_t big = 40000;
    char *long_text = malloc(big + 16);
    assert_non_null(long_text);
    size_t m = 0;
    for (int i = 0; m + 10 < big; i++)
        m += (size_t)snprintf(long_text + m, 11, "k%05d: v\n", i);
    memcpy(long_text + m, "z: \xFF\n", 5);
    expect_yaml_syntax(long_text, m + 5, (int)(m / 10) + 1, 4, "(byte 0xFF)", NULL);
    free(long_text);
}

/* ---- characters a value may hold ---- */

static void test_value_control_chars(void **state)
{
    (void)state;
    /* A NUL escape used to cut the value short without a word: now every
     * value holding a refused character is reported, at its line:column,
     * with its key path, the character and its place in the value. */
    static const char text[] = "id: \"Q-1\\0evil\"\n"
                               "terms:\n"
                               "  governing_law: \"State of New York\\0, subject to Evilland\"\n"
                               "  fine: \"tab\\there, line\\nbreak, CR\\r, NEL\\N\"\n"
                               "  bell: \"a\\ab\\x01c\\x7Fd\\x9Fe\"\n"
                               "risks: [ok, \"x\\x1B[31m\"]\n"
                               "\"k\\x00ey\": 1\n";
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(load_n(text, sizeof text - 1, &d));
    assert_int_equal(d.count, 5);
    assert_int_equal(count_id(&d, "invalid-value"), 5);
    const clasm_diag *g = &d.items[0];
    assert_int_equal(g->line, 1);
    assert_int_equal(g->column, 5);
    assert_string_equal(g->file, "t.yaml");
    assert_non_null(
        strstr(g->message, "id holds U+0000 (NUL, a control character) at character 4"));
    g = &d.items[1];
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 18);
    assert_non_null(strstr(g->message, "terms.governing_law holds U+0000"));
    assert_non_null(strstr(g->message, "at character 18 of its value"));
    assert_null(strstr(g->message, "more such"));
    g = &d.items[2];
    assert_int_equal(g->line, 5);
    assert_non_null(
        strstr(g->message, "terms.bell holds U+0007 (a control character) at character 2"));
    assert_non_null(strstr(g->message, "(and 3 more such characters)"));
    g = &d.items[3];
    assert_int_equal(g->line, 6);
    assert_int_equal(g->column, 13);
    assert_non_null(strstr(g->message, "risks[1] holds U+001B"));
    g = &d.items[4];
    assert_int_equal(g->line, 7);
    assert_int_equal(g->column, 1);
    assert_non_null(strstr(g->message, "a key at the top level holds U+0000 (NUL, a control "
                                       "character) at character 2;"));
    clasm_diags_free(&d);

    /* The lenient load keeps the tree (for the file's other problems) with
     * U+FFFD for each refused character: nothing later reads a NUL. */
    clasm_diags_init(&d);
    yt_doc *doc = yt_load_string_lenient(text, sizeof text - 1, "t.yaml", &d);
    assert_non_null(doc);
    assert_true(yt_flawed(doc));
    assert_int_equal(d.count, 5);
    const yt_node *r = yt_root(doc);
    assert_string_equal(yt_get(r, "id")->scalar, "Q-1\xEF\xBF\xBD"
                                                 "evil");
    assert_int_equal(yt_get(r, "id")->scalar_len, 10);
    const yt_node *terms = yt_get(r, "terms");
    assert_string_equal(yt_get(terms, "governing_law")->scalar,
                        "State of New York\xEF\xBF\xBD, subject to Evilland");
    /* Tab, LF, CR and NEL are allowed and kept. */
    assert_string_equal(yt_get(terms, "fine")->scalar, "tab\there, line\nbreak, CR\r, NEL\xC2\x85");
    assert_string_equal(yt_get(terms, "bell")->scalar, "a\xEF\xBF\xBD"
                                                       "b\xEF\xBF\xBD"
                                                       "c\xEF\xBF\xBD"
                                                       "d\xEF\xBF\xBD"
                                                       "e");
    assert_non_null(yt_get(r, "k\xEF\xBF\xBD"
                              "ey"));
    yt_free(doc);
    clasm_diags_free(&d);

    /* A clean file is untouched and not flawed. */
    clasm_diags_init(&d);
    doc = load("a: \"tab\\tand\\nline\"\n", &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    assert_string_equal(yt_get(yt_root(doc), "a")->scalar, "tab\tand\nline");
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_value_noncharacters(void **state)
{
    (void)state;
    /* U+FFFE and U+FFFF (which became three U+FFFD in the draft) are
     * refused; the other non-characters are allowed by YAML and by XML
     * and are kept exactly. */
    static const char text[] = "a: \"x\\uFFFEy\"\n"
                               "b: \"\\uFFFF\"\n"
                               "c: \"\\uFDD0 \\uFDEF \\U0001FFFE \\U0010FFFF \\uFFFD\"\n";
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(load_n(text, sizeof text - 1, &d));
    assert_int_equal(d.count, 2);
    expect_diag(&d, "invalid-value", 1, 4,
                "a holds U+FFFE (a non-character, which a DOCX cannot "
                "hold) at character 2",
                NULL);
    assert_int_equal(d.items[1].line, 2);
    assert_non_null(strstr(d.items[1].message, "b holds U+FFFF"));
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    static const char kept[] = "c: \"\\uFDD0 \\uFDEF \\U0001FFFE \\U0010FFFF \\uFFFD\"\n";
    yt_doc *doc = load_n(kept, sizeof kept - 1, &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    const yt_node *c = yt_get(yt_root(doc), "c");
    static const char want[] = "\xEF\xB7\x90 \xEF\xB7\xAF \xF0\x9F\xBF\xBE \xF4\x8F\xBF\xBF "
                               "\xEF\xBF\xBD";
    assert_int_equal(c->scalar_len, sizeof want - 1);
    assert_memory_equal(c->scalar, want, sizeof want - 1);
    yt_free(doc);
    clasm_diags_free(&d);
}

static void test_value_chars_json(void **state)
{
    (void)state;
    /* A deal posted to the server is JSON, read by the same loader: JSON's
     * \u0000 is refused as YAML's \0 is, at the value's line:column. */
    static const char json[] = "{\n"
                               "  \"id\": \"Q-1\",\n"
                               "  \"terms\": {\"governing_law\": \"State of New York\\u0000, "
                               "subject to the laws of Evilland\"},\n"
                               "  \"risks\": [\"a\", \"b\\u0001\"]\n"
                               "}\n";
    clasm_diags d;
    clasm_diags_init(&d);
    assert_null(load_n(json, sizeof json - 1, &d));
    assert_int_equal(d.count, 2);
    expect_diag(&d, "invalid-value", 3, 30, "terms.governing_law holds U+0000", "character 18");
    assert_int_equal(d.items[1].line, 4);
    assert_int_equal(d.items[1].column, 18);
    assert_non_null(strstr(d.items[1].message, "risks[1] holds U+0001"));
    clasm_diags_free(&d);
}

static void test_json_surrogate_pairs(void **state)
{
    (void)state;
    /* JSON writes a character above U+FFFF as two \u escapes (Python's
     * json.dumps by default); libyaml alone refuses them. They are read as
     * the character; an escaped backslash before "u" stays text; a YAML
     * text (not JSON) is left to libyaml as it is; a lone surrogate is
     * still an error. */
    static const char json[] = "{\"name\": \"Caf\\u00e9 \\ud83d\\ude00 \\ud840\\udc0b\",\n"
                               " \"path\": \"C:\\\\ud83d\\\\ude00\"}\n";
    clasm_diags d;
    clasm_diags_init(&d);
    yt_doc *doc = load_n(json, sizeof json - 1, &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    const yt_node *name = yt_get(yt_root(doc), "name");
    assert_non_null(name);
    assert_string_equal(name->scalar, "Caf\xC3\xA9 \xF0\x9F\x98\x80 \xF0\xA0\x80\x8B");
    const yt_node *path = yt_get(yt_root(doc), "path");
    assert_string_equal(path->scalar, "C:\\ud83d\\ude00");
    /* Lines after the escapes keep their positions. */
    assert_int_equal(path->line, 2);
    yt_free(doc);
    /* In YAML (not JSON) a plain scalar's backslashes are text. */
    static const char yaml[] = "name: C:\\ud83d\\ude00\n";
    doc = load_n(yaml, sizeof yaml - 1, &d);
    assert_non_null(doc);
    assert_string_equal(yt_get(yt_root(doc), "name")->scalar, "C:\\ud83d\\ude00");
    yt_free(doc);
    static const char lone[] = "{\"name\": \"x \\ud83d y\"}\n";
    assert_null(load_n(lone, sizeof lone - 1, &d));
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].id, "yaml-syntax"));
    clasm_diags_free(&d);
}

/* yaml loaded, and its key text (*doc to free with yt_free). */
static const yt_node *load_text(const char *yaml, yt_doc **doc)
{
    clasm_diags d;
    clasm_diags_init(&d);
    *doc = load(yaml, &d);
    clasm_diags_free(&d);
    assert_non_null(*doc);
    const yt_node *t = yt_get(yt_root(*doc), "text");
    assert_non_null(t);
    return t;
}

/* Where an offset of a scalar's value is in the file: yt_locate. */
static int locate_text(const char *yaml, const char *needle, int *line, int *col)
{
    yt_doc *doc;
    const yt_node *t = load_text(yaml, &doc);
    size_t off = (size_t)(strstr(t->scalar, needle) - t->scalar);
    int ok = yt_locate(doc, t, off, line, col);
    yt_free(doc);
    return ok;
}

static void test_locate(void **state)
{
    (void)state;
    int line = 0, col = 0;
    /* Literal block: lines and columns of the source. */
    assert_int_equal(locate_text("id: x\ntext: |\n  First line.\n\n  Second {{ bad }} here.\n",
                                 "{{", &line, &col),
                     1);
    assert_int_equal(line, 5);
    assert_int_equal(col, 10);
    /* Folded block: a line break became a space. */
    assert_int_equal(
        locate_text("text: >-\n    Alpha beta\n    gamma **delta\n", "**", &line, &col), 1);
    assert_int_equal(line, 3);
    assert_int_equal(col, 11);
    /* Single-quoted with a doubled quote, characters counted, not bytes. */
    assert_int_equal(locate_text("text: 'It''s \xE2\x80\x94 {{ x }}'\n", "{{", &line, &col), 1);
    assert_int_equal(line, 1);
    assert_int_equal(col, 16);
    /* Plain scalar on two lines. */
    assert_int_equal(locate_text("text: one two\n  three {{ y }}\n", "{{", &line, &col), 1);
    assert_int_equal(line, 2);
    assert_int_equal(col, 9);
    /* Double-quoted with an escape before the place: cannot be told. */
    assert_int_equal(locate_text("text: \"a\\tb {{ z }}\"\n", "{{", &line, &col), 0);
}

/* A locator gives, for every offset of a scalar and in any order, the
 * place yt_locate gives from scratch: on from the last place for an
 * offset not smaller, back to the start for a smaller one. */
static void test_locator_any_order(void **state)
{
    (void)state;
    static const char yaml[] = "id: x\ntext: >-\n  Alpha \xE2\x80\x94 beta\n\n  gamma\n"
                               "    delta 'epsilon'\n  zeta\nnext: 1\n";
    yt_doc *doc;
    const yt_node *t = load_text(yaml, &doc);
    size_t n = t->scalar_len;
    int *line = calloc(n + 1, sizeof *line), *col = calloc(n + 1, sizeof *col);
    int *ok = calloc(n + 1, sizeof *ok);
    for (size_t i = 0; i <= n; i++)
        ok[i] = yt_locate(doc, t, i, &line[i], &col[i]);
    assert_true(ok[0]);
    assert_int_equal(line[0], 3);
    assert_int_equal(col[0], 3);
    /* In order, backwards, and jumping about, one locator throughout. */
    yt_locator loc;
    yt_locator_init(&loc, doc, t);
    for (int pass = 0; pass < 3; pass++)
        for (size_t k = 0; k <= n; k++) {
            size_t i = pass == 0 ? k : pass == 1 ? n - k : (k * 7) % (n + 1);
            int l = 0, c = 0;
            int got = yt_locator_at(&loc, i, &l, &c);
            assert_int_equal(got, ok[i]);
            if (got) {
                assert_int_equal(l, line[i]);
                assert_int_equal(c, col[i]);
            }
        }
    /* An offset past the value, and a node that is not a scalar. */
    int l = 0, c = 0;
    assert_int_equal(yt_locator_at(&loc, n + 1, &l, &c), 0);
    yt_locator_init(&loc, doc, yt_root(doc));
    assert_int_equal(yt_locator_at(&loc, 0, &l, &c), 0);
    free(line);
    free(col);
    free(ok);
    yt_free(doc);
}

/* ---- accessors ---- */

typedef struct {
    clasm_diags d;
    yt_doc *doc;
    yt_ctx ctx;
    const yt_node *root;
} fixture;

static void fx_load(fixture *fx, const char *text)
{
    clasm_diags_init(&fx->d);
    fx->doc = load(text, &fx->d);
    assert_non_null(fx->doc);
    assert_int_equal(fx->d.count, 0);
    fx->root = yt_root(fx->doc);
    fx->ctx.file = "t.yaml";
    fx->ctx.diags = &fx->d;
}

static void fx_free(fixture *fx)
{
    yt_free(fx->doc);
    clasm_diags_free(&fx->d);
}

static void test_check_keys(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "customer:\n"
                 "  name: A\n"
                 "  kidn: private\n"
                 "  zzzzzz: 1\n");
    static const char *const allowed[] = {"name", "country", "kind", NULL};
    static const char *const required[] = {"name", "country", NULL};
    const yt_node *c = yt_get(fx.root, "customer");
    assert_false(yt_check_keys(&fx.ctx, c, "customer", allowed, required));
    assert_int_equal(fx.d.count, 3);
    assert_string_equal(fx.d.items[0].id, "unknown-key");
    assert_int_equal(fx.d.items[0].line, 3);
    assert_int_equal(fx.d.items[0].column, 3);
    assert_string_equal(fx.d.items[0].message, "unknown key 'customer.kidn'; did you mean 'kind'?");
    assert_string_equal(fx.d.items[1].id, "unknown-key");
    assert_int_equal(fx.d.items[1].line, 4);
    assert_string_equal(fx.d.items[1].message, "unknown key 'customer.zzzzzz'");
    assert_string_equal(fx.d.items[2].id, "missing-key");
    assert_int_equal(fx.d.items[2].line, 2);
    assert_int_equal(fx.d.items[2].column, 3);
    assert_non_null(strstr(fx.d.items[2].message, "'customer.country'"));
    assert_string_equal(fx.d.items[2].file, "t.yaml");
    /* a clean mapping, and the top level's paths have no prefix */
    static const char *const top[] = {"customer", NULL};
    assert_true(yt_check_keys(&fx.ctx, fx.root, "", top, top));
    assert_int_equal(fx.d.count, 3);
    static const char *const other[] = {"custom", NULL};
    assert_false(yt_check_keys(&fx.ctx, fx.root, "", other, NULL));
    assert_string_equal(fx.d.items[3].message, "unknown key 'customer'; did you mean 'custom'?");
    /* not a mapping */
    assert_false(yt_check_keys(&fx.ctx, yt_get(c, "name"), "customer.name", allowed, NULL));
    assert_int_equal(fx.d.count, 4);
    fx_free(&fx);
}

static void test_get_str(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "customer:\n"
                 "  name: Acme\n"
                 "  kind: [a]\n"
                 "  country:\n"
                 "  quoted: ''\n");
    const yt_node *c = yt_get(fx.root, "customer");
    assert_string_equal(yt_get_str(&fx.ctx, c, "name", "customer", 1), "Acme");
    assert_string_equal(yt_get_str(&fx.ctx, c, "quoted", "customer", 1), "");
    assert_int_equal(fx.d.count, 0);
    /* optional and missing: NULL, silently */
    assert_null(yt_get_str(&fx.ctx, c, "address", "customer", 0));
    assert_null(yt_get_str(&fx.ctx, c, "country", "customer", 0));
    assert_int_equal(fx.d.count, 0);
    assert_null(yt_get_str(&fx.ctx, c, "kind", "customer", 0));
    expect_diag(&fx.d, "wrong-type", 3, 9, "customer.kind must be a text value", "not a list");
    assert_null(yt_get_str(&fx.ctx, c, "country", "customer", 1));
    expect_diag(&fx.d, "missing-value", 4, 11, "customer.country has no value", NULL);
    assert_null(yt_get_str(&fx.ctx, c, "address", "customer", 1));
    expect_diag(&fx.d, "missing-key", 2, 3, "missing required key 'customer.address'", NULL);
    assert_null(yt_get_str(&fx.ctx, fx.root, "customer", "", 1));
    const clasm_diag *g = &fx.d.items[fx.d.count - 1];
    assert_string_equal(g->id, "wrong-type");
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 3);
    assert_non_null(strstr(g->message, "customer must be a text value, not a mapping"));
    assert_int_equal(fx.d.count, 4);
    fx_free(&fx);
}

static void test_get_int_and_bool(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "n: 30\n"
                 "neg: -4\n"
                 "big: 99999999999999999999999\n"
                 "text: thirty\n"
                 "quoted: \"30\"\n"
                 "half: 3.5\n"
                 "yes: true\n"
                 "no: false\n"
                 "word: yes\n"
                 "qt: 'true'\n");
    long v = 0;
    assert_true(yt_get_int(&fx.ctx, fx.root, "n", "", 1, 0, 100, &v));
    assert_int_equal(v, 30);
    assert_true(yt_get_int(&fx.ctx, fx.root, "neg", "", 1, -10, 10, &v));
    assert_int_equal(v, -4);
    assert_int_equal(fx.d.count, 0);
    assert_false(yt_get_int(&fx.ctx, fx.root, "n", "", 1, 0, 10, &v));
    expect_diag(&fx.d, "out-of-range", 1, 4, "n is 30; it must be between 0 and 10", NULL);
    assert_false(yt_get_int(&fx.ctx, fx.root, "text", "", 1, 0, 10, &v));
    assert_string_equal(fx.d.items[1].id, "wrong-type");
    assert_int_equal(fx.d.items[1].line, 4);
    assert_string_equal(fx.d.items[1].message, "text must be a whole number, not 'thirty'");
    assert_false(yt_get_int(&fx.ctx, fx.root, "quoted", "", 1, 0, 100, &v));
    assert_string_equal(fx.d.items[2].id, "wrong-type");
    assert_false(yt_get_int(&fx.ctx, fx.root, "half", "", 1, 0, 100, &v));
    assert_string_equal(fx.d.items[3].id, "wrong-type");
    assert_false(yt_get_int(&fx.ctx, fx.root, "big", "", 1, 0, 100, &v));
    assert_string_equal(fx.d.items[4].id, "wrong-type");
    assert_int_equal(fx.d.items[4].line, 3);
    assert_false(yt_get_int(&fx.ctx, fx.root, "absent", "", 0, 0, 100, &v));
    assert_int_equal(fx.d.count, 5);

    int b = -1;
    assert_true(yt_get_bool(&fx.ctx, fx.root, "yes", "", 1, &b));
    assert_int_equal(b, 1);
    assert_true(yt_get_bool(&fx.ctx, fx.root, "no", "", 1, &b));
    assert_int_equal(b, 0);
    assert_int_equal(fx.d.count, 5);
    assert_false(yt_get_bool(&fx.ctx, fx.root, "word", "", 1, &b));
    assert_string_equal(fx.d.items[5].id, "wrong-type");
    assert_int_equal(fx.d.items[5].line, 9);
    assert_int_equal(fx.d.items[5].column, 7);
    assert_string_equal(fx.d.items[5].message, "word must be true or false, not 'yes'");
    assert_false(yt_get_bool(&fx.ctx, fx.root, "qt", "", 1, &b));
    assert_string_equal(fx.d.items[6].id, "wrong-type");
    assert_int_equal(fx.d.count, 7);
    fx_free(&fx);
}

static void test_get_enum(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "customer:\n"
                 "  kind: police\n"
                 "  other: privat\n"
                 "  good: private\n");
    static const char *const kinds[] = {"government-agency", "security-service", "state-linked",
                                        "private", NULL};
    const yt_node *c = yt_get(fx.root, "customer");
    assert_int_equal(yt_get_enum(&fx.ctx, c, "good", "customer", 1, kinds), 3);
    assert_int_equal(fx.d.count, 0);
    assert_int_equal(yt_get_enum(&fx.ctx, c, "kind", "customer", 1, kinds), -1);
    assert_string_equal(fx.d.items[0].id, "invalid-value");
    assert_int_equal(fx.d.items[0].line, 2);
    assert_int_equal(fx.d.items[0].column, 9);
    assert_string_equal(fx.d.items[0].message,
                        "customer.kind: 'police' is not allowed (one of: government-agency, "
                        "security-service, state-linked, private)");
    assert_int_equal(yt_get_enum(&fx.ctx, c, "other", "customer", 1, kinds), -1);
    assert_string_equal(fx.d.items[1].message,
                        "customer.other: 'privat' is not allowed (one of: government-agency, "
                        "security-service, state-linked, private); did you mean 'private'?");
    assert_int_equal(yt_get_enum(&fx.ctx, c, "none", "customer", 0, kinds), -1);
    assert_int_equal(fx.d.count, 2);
    assert_int_equal(yt_get_enum(&fx.ctx, c, "none", "customer", 1, kinds), -1);
    assert_string_equal(fx.d.items[2].id, "missing-key");
    fx_free(&fx);
}

static void test_get_str_list(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "risks:\n"
                 "  - a.b\n"
                 "  - c.d\n"
                 "  - {x: 1}\n"
                 "  - ~\n"
                 "one: a.b\n"
                 "good: [x, y]\n"
                 "empty: []\n"
                 "nothing:\n");
    const yt_node *good = yt_get_str_list(&fx.ctx, fx.root, "good", "", 1);
    assert_non_null(good);
    assert_int_equal(good->count, 2);
    assert_string_equal(good->items[1]->scalar, "y");
    const yt_node *empty = yt_get_str_list(&fx.ctx, fx.root, "empty", "", 1);
    assert_non_null(empty);
    assert_int_equal(empty->count, 0);
    assert_int_equal(fx.d.count, 0);

    assert_null(yt_get_str_list(&fx.ctx, fx.root, "risks", "", 1));
    assert_int_equal(fx.d.count, 2);
    assert_string_equal(fx.d.items[0].id, "wrong-type");
    assert_int_equal(fx.d.items[0].line, 4);
    assert_int_equal(fx.d.items[0].column, 5);
    assert_string_equal(fx.d.items[0].message, "risks[2] must be a single value, not a mapping");
    assert_int_equal(fx.d.items[1].line, 5);
    assert_string_equal(fx.d.items[1].message,
                        "risks[3] must be a single value, not an empty value");

    assert_null(yt_get_str_list(&fx.ctx, fx.root, "one", "", 1));
    assert_string_equal(fx.d.items[2].id, "wrong-type");
    assert_int_equal(fx.d.items[2].line, 6);
    assert_int_equal(fx.d.items[2].column, 6);
    assert_non_null(strstr(fx.d.items[2].message, "one must be a list such as [a, b]"));

    assert_null(yt_get_str_list(&fx.ctx, fx.root, "nothing", "", 0));
    assert_int_equal(fx.d.count, 3);
    assert_null(yt_get_str_list(&fx.ctx, fx.root, "nothing", "", 1));
    assert_string_equal(fx.d.items[3].id, "missing-value");
    assert_int_equal(fx.d.items[3].line, 9);
    assert_null(yt_get_str_list(&fx.ctx, fx.root, "absent", "", 1));
    assert_string_equal(fx.d.items[4].id, "missing-key");
    assert_non_null(strstr(fx.d.items[4].message, "'absent'"));
    assert_int_equal(fx.d.count, 5);
    fx_free(&fx);
}

static void test_expect(void **state)
{
    (void)state;
    fixture fx;
    fx_load(&fx, "terms: [a]\nx: ~\n");
    assert_true(yt_expect(&fx.ctx, fx.root, YT_MAPPING, ""));
    assert_false(yt_expect(&fx.ctx, yt_get(fx.root, "terms"), YT_MAPPING, "terms"));
    expect_diag(&fx.d, "wrong-type", 1, 8, "terms must be a mapping of keys, not a list", NULL);
    assert_false(yt_expect(&fx.ctx, yt_get(fx.root, "x"), YT_SCALAR, "x"));
    assert_string_equal(fx.d.items[1].message, "x must be a single value, not an empty value");
    assert_false(yt_expect(&fx.ctx, NULL, YT_SCALAR, "y"));
    assert_int_equal(fx.d.count, 2);
    fx_free(&fx);
}

static void test_edit_distance_and_suggest(void **state)
{
    (void)state;
    assert_int_equal(yt_edit_distance("", ""), 0);
    assert_int_equal(yt_edit_distance("abc", ""), 3);
    assert_int_equal(yt_edit_distance("", "abc"), 3);
    assert_int_equal(yt_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(yt_edit_distance("custmer", "customer"), 1);
    /* a swap counts as two (no Damerau transposition) */
    assert_int_equal(yt_edit_distance("kidn", "kind"), 2);
    assert_int_equal(yt_edit_distance("same", "same"), 0);

    static const char *const c[] = {"customer", "country", "kind", "name"};
    assert_string_equal(yt_suggest("custmer", c, 4), "customer");
    assert_string_equal(yt_suggest("kidn", c, 4), "kind");
    assert_null(yt_suggest("zzzzzz", c, 4));
    /* an exact match is no suggestion */
    assert_null(yt_suggest("name", c, 4));
    /* ties go to the first candidate */
    static const char *const tie[] = {"cat", "bat", "hat"};
    assert_string_equal(yt_suggest("rat", tie, 3), "cat");
    static const char *const tie2[] = {"hat", "bat", "cat"};
    assert_string_equal(yt_suggest("rat", tie2, 3), "hat");
    /* the limit is max(2, len/3): 12 letters allow 4 edits, not 5 */
    static const char *const l[] = {"abcdefghijkl"};
    assert_string_equal(yt_suggest("abcdefghWXYZ", l, 1), "abcdefghijkl");
    assert_null(yt_suggest("abcdefgVWXYZ", l, 1));
    /* short words: 2 edits */
    static const char *const s[] = {"ab"};
    assert_string_equal(yt_suggest("xy", s, 1), "ab");
    static const char *const s3[] = {"abc"};
    assert_null(yt_suggest("xyz", s3, 1));
    /* NULL candidates are skipped; none at all is no suggestion */
    static const char *const withnull[] = {NULL, "kind"};
    assert_string_equal(yt_suggest("kinf", withnull, 2), "kind");
    assert_null(yt_suggest("kind", c, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_plain_quoted_and_null),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_merge_key),
        cmocka_unit_test(test_alias_shares_node),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_recursive_and_unknown_alias),
        cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_alias_too_deep),
        cmocka_unit_test(test_too_many_anchors_and_keys),
        cmocka_unit_test(test_multiple_documents),
        cmocka_unit_test(test_non_scalar_key),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_bom_crlf_tabs),
        cmocka_unit_test(test_reader_error_positions),
        cmocka_unit_test(test_value_control_chars),
        cmocka_unit_test(test_value_noncharacters),
        cmocka_unit_test(test_value_chars_json),
        cmocka_unit_test(test_json_surrogate_pairs),
        cmocka_unit_test(test_locate),
        cmocka_unit_test(test_locator_any_order),
        cmocka_unit_test(test_check_keys),
        cmocka_unit_test(test_get_str),
        cmocka_unit_test(test_get_int_and_bool),
        cmocka_unit_test(test_get_enum),
        cmocka_unit_test(test_get_str_list),
        cmocka_unit_test(test_expect),
        cmocka_unit_test(test_edit_distance_and_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

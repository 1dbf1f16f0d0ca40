/* The expression language: tokenizer, recursive-descent parser, name check
 * and evaluation. Grammar and facts: clauses/README.md. */
#include "expr.h"

#include "edit_distance.h"
#include "strfmt.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { EX_OR, EX_AND, EX_NOT, EX_RISK, EX_FACT, EX_CMP, EX_IN, EX_CONTAINS } ex_kind;
typedef enum { OP_EQ, OP_NE, OP_GE, OP_LE, OP_GT, OP_LT } ex_op;

static const char *const op_names[] = {"==", "!=", ">=", "<=", ">", "<"};

typedef struct {
    char *text;
    int quoted;
    int column;
} ex_value;

struct expr {
    ex_kind kind;
    int column;
    expr *left, *right; /* EX_OR, EX_AND; EX_NOT uses left */
    char *name;         /* fact name or risk glob */
    ex_op op;
    ex_value *values;
    size_t nvalues;
};

/* ---- tokens ---- */

typedef enum {
    T_END,
    T_WORD,
    T_STRING,
    T_OP,
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_COMMA
} tok_kind;

typedef struct {
    tok_kind kind;
    int column;
    char *text; /* T_WORD, T_STRING: owned; T_OP: static */
    ex_op op;
} token;

typedef struct {
    const char *src;
    size_t pos;
    token tok;
    char *err;
    int err_col;
} parser;

/* Records the first error only; the message gets " at column N". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail(parser *p, int col, const char *fmt, ...)
{
    if (p->err || p->err_col)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = str_vprintf(fmt, ap);
    va_end(ap);
    p->err_col = col;
    if (!msg)
        return;
    size_t n = strlen(msg) + 32;
    p->err = malloc(n);
    if (p->err)
        snprintf(p->err, n, "%s at column %d", msg, col);
    free(msg);
}

static int failed(const parser *p)
{
    return p->err != NULL || p->err_col != 0;
}

static int is_word_char(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '*' || c == '?' || c == '+' ||
           c == '/' || c == ':' || c == '@';
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Reads the next token into p->tok (freeing the previous one's text). */
static void next(parser *p)
{
    free(p->tok.text);
    p->tok.text = NULL;
    if (failed(p)) {
        p->tok.kind = T_END;
        return;
    }
    const char *s = p->src;
    while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r')
        p->pos++;
    int col = (int)p->pos + 1;
    p->tok.column = col;
    char c = s[p->pos];
    if (c == '\0') {
        p->tok.kind = T_END;
        return;
    }
    static const struct {
        const char *text;
        ex_op op;
    } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {">=", OP_GE},
               {"<=", OP_LE}, {">", OP_GT},  {"<", OP_LT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s + p->pos, ops[i].text, n) == 0) {
            p->tok.kind = T_OP;
            p->tok.op = ops[i].op;
            p->pos += n;
            return;
        }
    }
    switch (c) {
    case '(':
        p->tok.kind = T_LPAREN;
        p->pos++;
        return;
    case ')':
        p->tok.kind = T_RPAREN;
        p->pos++;
        return;
    case '[':
        p->tok.kind = T_LBRACK;
        p->pos++;
        return;
    case ']':
        p->tok.kind = T_RBRACK;
        p->pos++;
        return;
    case ',':
        p->tok.kind = T_COMMA;
        p->pos++;
        return;
    default:
        break;
    }
    if (c == '"' || c == '\'') {
        size_t i = p->pos + 1, n = 0;
        char *buf = malloc(strlen(s + p->pos) + 1);
        if (!buf) {
            fail(p, col, "out of memory");
            p->tok.kind = T_END;
            return;
        }
        while (s[i] && s[i] != c) {
            if (s[i] == '\\' && (s[i + 1] == c || s[i + 1] == '\\'))
                i++;
            buf[n++] = s[i++];
        }
        if (!s[i]) {
            free(buf);
            fail(p, col, "unterminated string starting");
            p->tok.kind = T_END;
            return;
        }
        buf[n] = '\0';
        p->pos = i + 1;
        p->tok.kind = T_STRING;
        p->tok.text = buf;
        return;
    }
    if (is_word_char((unsigned char)c)) {
        size_t start = p->pos;
        while (is_word_char((unsigned char)s[p->pos]))
            p->pos++;
        p->tok.kind = T_WORD;
        p->tok.text = dup_range(s + start, p->pos - start);
        if (!p->tok.text) {
            fail(p, col, "out of memory");
            p->tok.kind = T_END;
        }
        return;
    }
    if (c == '=' || c == '!')
        fail(p, col, "unexpected '%c' (comparisons are ==, !=, >=, <=, >, <)", c);
    else if (isprint((unsigned char)c))
        fail(p, col, "unexpected character '%c'", c);
    else
        fail(p, col, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
    p->tok.kind = T_END;
}

static int is_keyword(const token *t, const char *kw)
{
    return t->kind == T_WORD && strcmp(t->text, kw) == 0;
}

static int is_reserved(const char *w)
{
    static const char *const words[] = {"and", "or", "not", "risk", "contains", "in"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(w, words[i]) == 0)
            return 1;
    return 0;
}

/* How the current token reads in a message. */
static const char *describe(const token *t, char *buf, size_t n)
{
    switch (t->kind) {
    case T_END:
        return "the end of the expression";
    case T_WORD:
        snprintf(buf, n, "'%.40s'", t->text);
        return buf;
    case T_STRING:
        snprintf(buf, n, "\"%.40s\"", t->text);
        return buf;
    case T_OP:
        snprintf(buf, n, "'%s'", op_names[t->op]);
        return buf;
    case T_LPAREN:
        return "'('";
    case T_RPAREN:
        return "')'";
    case T_LBRACK:
        return "'['";
    case T_RBRACK:
        return "']'";
    case T_COMMA:
        return "','";
    }
    return "?";
}

/* ---- AST ---- */

static expr *node(parser *p, ex_kind kind, int col)
{
    expr *e = calloc(1, sizeof *e);
    if (!e) {
        fail(p, col, "out of memory");
        return NULL;
    }
    e->kind = kind;
    e->column = col;
    return e;
}

void expr_free(expr *e)
{
    if (!e)
        return;
    expr_free(e->left);
    expr_free(e->right);
    free(e->name);
    for (size_t i = 0; i < e->nvalues; i++)
        free(e->values[i].text);
    free(e->values);
    free(e);
}

int expr_each_fact(const expr *e, int (*fn)(void *ctx, const char *name), void *ctx)
{
    /* Depth is bounded by the parser's nesting limit. */
    if (!e)
        return 0;
    if (e->kind == EX_OR || e->kind == EX_AND || e->kind == EX_NOT)
        return expr_each_fact(e->left, fn, ctx) != 0 || expr_each_fact(e->right, fn, ctx) != 0 ? -1
                                                                                               : 0;
    if (e->kind == EX_RISK || !e->name)
        return 0;
    return fn(ctx, e->name) != 0 ? -1 : 0;
}

/* ---- parser ---- */

static expr *parse_or(parser *p, int depth);

#define MAX_DEPTH 64

/* Takes the current token as a VALUE, or records an error saying what came
 * before it. */
static int take_value(parser *p, expr *e, const char *after)
{
    char buf[64];
    if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
        fail(p, p->tok.column, "expected a value after %s, found %s", after,
             describe(&p->tok, buf, sizeof buf));
        return 0;
    }
    if (p->tok.kind == T_WORD && is_reserved(p->tok.text)) {
        fail(p, p->tok.column,
             "expected a value after %s, found the keyword '%s' (quote it to use it as text)",
             after, p->tok.text);
        return 0;
    }
    ex_value *v = realloc(e->values, (e->nvalues + 1) * sizeof *v);
    if (!v) {
        fail(p, p->tok.column, "out of memory");
        return 0;
    }
    e->values = v;
    v[e->nvalues].text = p->tok.text;
    v[e->nvalues].quoted = p->tok.kind == T_STRING;
    v[e->nvalues].column = p->tok.column;
    e->nvalues++;
    p->tok.text = NULL;
    next(p);
    return 1;
}

static expr *parse_atom(parser *p, int depth)
{
    char buf[64];
    int col = p->tok.column;
    if (depth > MAX_DEPTH) {
        fail(p, col, "expression nested too deeply");
        return NULL;
    }
    if (p->tok.kind == T_LPAREN) {
        next(p);
        expr *inner = parse_or(p, depth + 1);
        if (!inner)
            return NULL;
        if (p->tok.kind != T_RPAREN) {
            fail(p, p->tok.column, "expected ')' to close the '(' at column %d, found %s", col,
                 describe(&p->tok, buf, sizeof buf));
            expr_free(inner);
            return NULL;
        }
        next(p);
        return inner;
    }
    if (is_keyword(&p->tok, "risk")) {
        next(p);
        if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
            fail(p, p->tok.column, "expected a risk id or glob after 'risk', found %s",
                 describe(&p->tok, buf, sizeof buf));
            return NULL;
        }
        expr *e = node(p, EX_RISK, p->tok.column);
        if (!e)
            return NULL;
        e->name = p->tok.text;
        p->tok.text = NULL;
        next(p);
        return e;
    }
    if (p->tok.kind != T_WORD || is_reserved(p->tok.text)) {
        fail(p, col, "expected a fact name, 'risk', 'not' or '(', found %s",
             describe(&p->tok, buf, sizeof buf));
        return NULL;
    }
    expr *e = node(p, EX_FACT, col);
    if (!e)
        return NULL;
    e->name = p->tok.text;
    p->tok.text = NULL;
    next(p);
    if (p->tok.kind == T_OP) {
        e->kind = EX_CMP;
        e->op = p->tok.op;
        snprintf(buf, sizeof buf, "'%s'", op_names[e->op]);
        next(p);
        take_value(p, e, buf);
    } else if (is_keyword(&p->tok, "contains")) {
        e->kind = EX_CONTAINS;
        next(p);
        take_value(p, e, "'contains'");
    } else if (is_keyword(&p->tok, "in")) {
        e->kind = EX_IN;
        next(p);
        if (p->tok.kind != T_LBRACK) {
            fail(p, p->tok.column, "expected '[' after 'in', found %s",
                 describe(&p->tok, buf, sizeof buf));
        } else {
            int open = p->tok.column;
            next(p);
            if (take_value(p, e, "'['")) {
                while (p->tok.kind == T_COMMA) {
                    next(p);
                    if (!take_value(p, e, "','"))
                        break;
                }
                if (!failed(p) && p->tok.kind != T_RBRACK)
                    fail(p, p->tok.column,
                         "expected ',' or ']' to close the list opened at column %d, found %s",
                         open, describe(&p->tok, buf, sizeof buf));
                else if (!failed(p))
                    next(p);
            }
        }
    }
    if (failed(p)) {
        expr_free(e);
        return NULL;
    }
    return e;
}

static expr *parse_not(parser *p, int depth)
{
    if (is_keyword(&p->tok, "not")) {
        int col = p->tok.column;
        if (depth > MAX_DEPTH) {
            fail(p, col, "expression nested too deeply");
            return NULL;
        }
        next(p);
        char buf[64];
        if (p->tok.kind == T_END || p->tok.kind == T_RPAREN || is_keyword(&p->tok, "and") ||
            is_keyword(&p->tok, "or")) {
            fail(p, p->tok.column, "expected a condition after 'not', found %s",
                 describe(&p->tok, buf, sizeof buf));
            return NULL;
        }
        expr *inner = parse_not(p, depth + 1);
        if (!inner)
            return NULL;
        expr *e = node(p, EX_NOT, col);
        if (!e) {
            expr_free(inner);
            return NULL;
        }
        e->left = inner;
        return e;
    }
    return parse_atom(p, depth);
}

static expr *parse_binary(parser *p, int depth, const char *kw, ex_kind kind)
{
    expr *left = kind == EX_OR ? parse_binary(p, depth, "and", EX_AND) : parse_not(p, depth);
    while (left && is_keyword(&p->tok, kw)) {
        int col = p->tok.column;
        next(p);
        char buf[64];
        if (p->tok.kind == T_END || p->tok.kind == T_RPAREN || is_keyword(&p->tok, "and") ||
            is_keyword(&p->tok, "or")) {
            fail(p, p->tok.column, "expected a condition after '%s', found %s", kw,
                 describe(&p->tok, buf, sizeof buf));
            expr_free(left);
            return NULL;
        }
        expr *right = kind == EX_OR ? parse_binary(p, depth, "and", EX_AND) : parse_not(p, depth);
        if (!right) {
            expr_free(left);
            return NULL;
        }
        expr *e = node(p, kind, col);
        if (!e) {
            expr_free(left);
            expr_free(right);
            return NULL;
        }
        e->left = left;
        e->right = right;
        left = e;
    }
    return left;
}

static expr *parse_or(parser *p, int depth)
{
    return parse_binary(p, depth, "or", EX_OR);
}

int expr_parse(const char *src, expr **out, char **err, int *col)
{
    *out = NULL;
    *err = NULL;
    *col = 0;
    parser p = {0};
    p.src = src;
    if (strlen(src) > EXPR_MAX_LEN) {
        fail(&p, (int)EXPR_MAX_LEN + 1, "expression longer than %u bytes", EXPR_MAX_LEN);
    } else {
        next(&p);
        if (p.tok.kind == T_END && !failed(&p))
            fail(&p, 1, "empty expression");
        expr *e = failed(&p) ? NULL : parse_or(&p, 0);
        if (e && p.tok.kind != T_END) {
            char buf[64];
            const char *hint = "";
            if (p.tok.kind == T_RPAREN)
                hint = " (a ')' without its '(')";
            else if (p.tok.kind == T_WORD || p.tok.kind == T_STRING)
                hint = "; join conditions with 'and' or 'or'";
            fail(&p, p.tok.column, "unexpected %s%s", describe(&p.tok, buf, sizeof buf), hint);
        }
        if (!failed(&p))
            *out = e;
        else
            expr_free(e);
    }
    free(p.tok.text);
    if (!failed(&p))
        return 0;
    *err = p.err ? p.err : strdup("out of memory");
    *col = p.err_col;
    return -1;
}

/* ---- check ---- */

/* Formats " (did you mean 'x'?)" into buf, or "" when nothing is close. */
static const char *suggest(const char *word, const char *(*get)(const void *, size_t),
                           const void *list, size_t n, char *buf, size_t bufn)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *c = get(list, i);
        size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    size_t len = strlen(word);
    size_t limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
    if (!best || best_d > limit)
        return "";
    snprintf(buf, bufn, " (did you mean '%s'?)", best);
    return buf;
}

static const char *get_str(const void *list, size_t i)
{
    return ((const char *const *)list)[i];
}

static const char *get_fact(const void *list, size_t i)
{
    return ((const expr_fact_def *)list)[i].name;
}

typedef struct {
    const expr_names *names;
    char *err;
    int col;
} checker;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
check_fail(checker *c, int col, const char *fmt, ...)
{
    parser p = {0};
    va_list ap;
    va_start(ap, fmt);
    char *msg = str_vprintf(fmt, ap);
    va_end(ap);
    fail(&p, col, "%s", msg ? msg : "out of memory");
    free(msg);
    c->err = p.err;
    c->col = col;
    return -1;
}

static const expr_fact_def *find_fact(const expr_names *n, const char *name)
{
    for (size_t i = 0; i < n->nfacts; i++)
        if (strcmp(n->facts[i].name, name) == 0)
            return &n->facts[i];
    return NULL;
}

static int in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static char *join_list(const char *const *list, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(list[i]) + 2;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, list[i]);
    }
    return s;
}

static size_t count_null_terminated(const char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static int check_value(checker *c, const expr_fact_def *def, const ex_value *v)
{
    char buf[128];
    if (def->type == EXPR_T_TIER && c->names->tiers &&
        !in_list(c->names->tiers, c->names->ntiers, v->text)) {
        char *all = join_list(c->names->tiers, c->names->ntiers);
        int r = check_fail(
            c, v->column, "unknown tier '%s'%s; the tiers are %s", v->text,
            suggest(v->text, get_str, c->names->tiers, c->names->ntiers, buf, sizeof buf),
            all ? all : "?");
        free(all);
        return r;
    }
    if ((def->type == EXPR_T_ENUM || def->type == EXPR_T_LIST) && def->values) {
        size_t n = count_null_terminated(def->values);
        if (!in_list(def->values, n, v->text)) {
            char *all = join_list(def->values, n);
            int r = check_fail(
                c, v->column, "'%s' is not a value of %s%s; it is one of %s", v->text, def->name,
                suggest(v->text, get_str, def->values, n, buf, sizeof buf), all ? all : "?");
            free(all);
            return r;
        }
    }
    if (def->type == EXPR_T_NUMBER) {
        char *end;
        strtod(v->text, &end);
        if (end == v->text || *end)
            return check_fail(c, v->column, "%s is a number; '%s' is not", def->name, v->text);
    }
    return 0;
}

static int check_node(checker *c, const expr *e)
{
    const expr_names *n = c->names;
    char buf[128];
    switch (e->kind) {
    case EX_OR:
    case EX_AND:
        if (check_node(c, e->left))
            return -1;
        return check_node(c, e->right);
    case EX_NOT:
        return check_node(c, e->left);
    case EX_RISK:
        if (!n->risks)
            return 0;
        for (size_t i = 0; i < n->nrisks; i++)
            if (expr_glob_match(e->name, n->risks[i]))
                return 0;
        if (expr_is_glob(e->name))
            return check_fail(c, e->column, "no risk in the catalogue matches '%s'", e->name);
        return check_fail(c, e->column, "unknown risk '%s'%s", e->name,
                          suggest(e->name, get_str, n->risks, n->nrisks, buf, sizeof buf));
    default:
        break;
    }
    expr_fact_def term_def = {e->name, EXPR_T_TEXT, NULL};
    const expr_fact_def *def = find_fact(n, e->name);
    if (!def && strncmp(e->name, "terms.", 6) == 0 && e->name[6]) {
        if (!n->any_terms && n->terms && !in_list(n->terms, n->nterms, e->name + 6))
            return check_fail(c, e->column, "unknown terms key '%s'%s; declare it in library.yaml",
                              e->name + 6,
                              suggest(e->name + 6, get_str, n->terms, n->nterms, buf, sizeof buf));
        def = &term_def;
    }
    expr_fact_def category_def = {e->name, EXPR_T_PRESENCE, NULL};
    if (!def && strncmp(e->name, "clauses.", 8) == 0 && e->name[8]) {
        if (!n->categories && !n->any_categories)
            return check_fail(c, e->column,
                              "%s can only be tested in a template conditional, not in a "
                              "clause's when",
                              e->name);
        if (n->categories && !in_list(n->categories, n->ncategories, e->name + 8))
            return check_fail(
                c, e->column, "unknown category '%s'%s", e->name + 8,
                suggest(e->name + 8, get_str, n->categories, n->ncategories, buf, sizeof buf));
        def = &category_def;
    }
    if (!def)
        return check_fail(c, e->column, "unknown fact '%s'%s", e->name,
                          suggest(e->name, get_fact, n->facts, n->nfacts, buf, sizeof buf));
    switch (e->kind) {
    case EX_FACT:
        if (def->type == EXPR_T_TIER || def->type == EXPR_T_NUMBER)
            return check_fail(c, e->column, "%s needs a comparison, e.g. '%s >= %s'", def->name,
                              def->name, def->type == EXPR_T_TIER ? "high" : "10");
        return 0;
    case EX_CONTAINS:
        if (def->type != EXPR_T_LIST)
            return check_fail(c, e->column, "'contains' needs a list fact; %s is not a list",
                              def->name);
        /* A list with known items (the library's capabilities) must name one. */
        for (size_t i = 0; i < e->nvalues; i++)
            if (check_value(c, def, &e->values[i]))
                return -1;
        return 0;
    case EX_CMP:
    case EX_IN:
        if (def->type == EXPR_T_LIST)
            return check_fail(c, e->column, "%s is a list; use '%s contains VALUE'", def->name,
                              def->name);
        if (def->type == EXPR_T_PRESENCE)
            return check_fail(c, e->column, "%s can only be tested on its own (present or not)",
                              def->name);
        if (e->kind == EX_CMP && e->op != OP_EQ && e->op != OP_NE && def->type != EXPR_T_TIER &&
            def->type != EXPR_T_NUMBER && strncmp(def->name, "terms.", 6) != 0)
            return check_fail(c, e->column, "'%s' compares numbers and tiers; %s is text",
                              op_names[e->op], def->name);
        for (size_t i = 0; i < e->nvalues; i++)
            if (check_value(c, def, &e->values[i]))
                return -1;
        return 0;
    default:
        return 0;
    }
}

int expr_check(const expr *e, const expr_names *names, char **err, int *col)
{
    checker c = {names, NULL, 0};
    *err = NULL;
    *col = 0;
    if (check_node(&c, e) == 0)
        return 0;
    *err = c.err ? c.err : strdup("out of memory");
    *col = c.col;
    return -1;
}

/* ---- evaluation ---- */

int expr_is_glob(const char *s)
{
    return strchr(s, '*') != NULL || strchr(s, '?') != NULL;
}

int expr_glob_match(const char *glob, const char *s)
{
    /* Iterative match with one backtrack point: linear-ish, no recursion. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*glob == '*') {
            star = glob++;
            resume = s;
        } else if (*glob == '?' || *glob == *s) {
            glob++;
            s++;
        } else if (star) {
            glob = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*glob == '*')
        glob++;
    return *glob == '\0';
}

static const expr_fact *env_fact(const expr_env *env, const char *name)
{
    for (size_t i = 0; i < env->nfacts; i++)
        if (strcmp(env->facts[i].name, name) == 0)
            return &env->facts[i];
    return NULL;
}

/* The items of the list fact name. */
static const char *const *env_list(const expr_env *env, const char *name, size_t *n)
{
    for (size_t i = 0; i < env->nlists; i++)
        if (strcmp(env->lists[i].name, name) == 0) {
            *n = env->lists[i].nitems;
            return env->lists[i].items;
        }
    *n = env->ncapabilities;
    return env->capabilities;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0';
}

static int compare_op(ex_op op, int cmp)
{
    switch (op) {
    case OP_EQ:
        return cmp == 0;
    case OP_NE:
        return cmp != 0;
    case OP_GE:
        return cmp >= 0;
    case OP_LE:
        return cmp <= 0;
    case OP_GT:
        return cmp > 0;
    case OP_LT:
        return cmp < 0;
    }
    return 0;
}

static int tier_index(const expr_env *env, const char *name)
{
    for (size_t i = 0; i < env->ntiers; i++)
        if (strcmp(env->tiers[i], name) == 0)
            return (int)i;
    return -1;
}

/* Compares the fact named name with value under op. */
static int eval_compare(const expr_env *env, const char *name, ex_op op, const char *value)
{
    if (strcmp(name, "tier") == 0) {
        int rhs = tier_index(env, value);
        if (rhs < 0 || env->tier_rank < 0)
            return 0;
        return compare_op(op, (env->tier_rank > rhs) - (env->tier_rank < rhs));
    }
    char score[32];
    const char *lhs;
    if (strcmp(name, "score") == 0) {
        snprintf(score, sizeof score, "%ld", env->score);
        lhs = score;
    } else {
        const expr_fact *f = env_fact(env, name);
        lhs = f ? f->value : NULL;
    }
    if (!lhs) /* absent: only "is not" holds */
        return op == OP_NE;
    double a, b;
    if (parse_number(lhs, &a) && parse_number(value, &b))
        return compare_op(op, (a > b) - (a < b));
    if (op != OP_EQ && op != OP_NE)
        return 0;
    return compare_op(op, strcmp(lhs, value));
}

int expr_eval(const expr *e, const expr_env *env)
{
    switch (e->kind) {
    case EX_OR:
        return expr_eval(e->left, env) || expr_eval(e->right, env);
    case EX_AND:
        return expr_eval(e->left, env) && expr_eval(e->right, env);
    case EX_NOT:
        return !expr_eval(e->left, env);
    case EX_RISK:
        for (size_t i = 0; i < env->nrisks; i++)
            if (expr_glob_match(e->name, env->risks[i]))
                return 1;
        return 0;
    case EX_FACT: {
        const expr_fact *f = env_fact(env, e->name);
        if (!f)
            return 0;
        if (!f->value) { /* a list */
            size_t n = 0;
            env_list(env, f->name, &n);
            return n > 0;
        }
        return f->value[0] != '\0' && strcmp(f->value, "false") != 0;
    }
    case EX_CONTAINS: {
        const expr_fact *f = env_fact(env, e->name);
        if (!f || f->value)
            return 0;
        size_t n = 0;
        const char *const *items = env_list(env, f->name, &n);
        for (size_t i = 0; i < n; i++)
            if (strcmp(items[i], e->values[0].text) == 0)
                return 1;
        return 0;
    }
    case EX_CMP:
        return eval_compare(env, e->name, e->op, e->values[0].text);
    case EX_IN:
        for (size_t i = 0; i < e->nvalues; i++)
            if (eval_compare(env, e->name, OP_EQ, e->values[i].text))
                return 1;
        return 0;
    }
    return 0;
}

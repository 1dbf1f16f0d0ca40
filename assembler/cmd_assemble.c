/* clasm assemble: one draft per document of a deal, all or nothing. */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *default_output(const clasm_deal *deal, clasm_document doc)
{
    const char *id = clasm_deal_id(deal);
    const char *name = clasm_document_name(doc);
    size_t n = strlen(id) + strlen(name) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s-%s.docx", id, name);
    return s;
}

static char *default_template(clasm_document doc)
{
    char *dir = clasm_find_data("templates");
    if (!dir)
        return NULL;
    const char *name = clasm_document_name(doc);
    size_t n = strlen(dir) + strlen(name) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s.docx", dir, name);
    free(dir);
    return s;
}

/* A staging name beside out: drafts of a pack are staged, then renamed
 * together, so a failing document leaves none of the pack behind. */
static char *staging_path(const char *out, size_t index)
{
    const char *slash = strrchr(out, '/');
    size_t dirlen = slash ? (size_t)(slash - out) + 1 : 0;
    size_t n = strlen(out) + 64;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s.clasm-stage-%ld-%zu.docx", (int)dirlen, out, (long)getpid(), index);
    return s;
}

/* 1 when both paths name one existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Whether clasm may write what (the draft or the report) at path. Refused,
 * exit 1, with the reason on stderr: the template, the deal file, another
 * output of this run (others[0..nothers)), a folder, or anything existing
 * that is not a regular file (a pipe, a device: writing would replace it). */
static int output_allowed(const char *what, const char *path, const char *tpath,
                          const char *deal_path, char *const *others, size_t nothers)
{
    if (tpath && same_file(tpath, path)) {
        fprintf(stderr,
                "clasm: the %s %s is the template itself; the template is only read, choose "
                "another file [output-is-template]\n",
                what, path);
        return 0;
    }
    if (same_file(deal_path, path)) {
        fprintf(stderr,
                "clasm: the %s %s is the deal file itself; the deal is only read, choose another "
                "file [output-is-input]\n",
                what, path);
        return 0;
    }
    for (size_t i = 0; i < nothers; i++)
        if (others[i] && (strcmp(others[i], path) == 0 || same_file(others[i], path))) {
            fprintf(stderr,
                    "clasm: the %s %s is also the draft %s; give each its own file "
                    "[output-clash]\n",
                    what, path, others[i]);
            return 0;
        }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "clasm: cannot write the %s %s: it is a folder; name a file "
                "[output-is-folder]\n",
                what, path);
        return 0;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr,
                "clasm: cannot write the %s %s: it is a device, pipe or socket, not a regular "
                "file; name a file [output-not-a-file]\n",
                what, path);
        return 0;
    }
    return 1;
}

/* Writes the report beside its destination under a temporary name; the
 * caller renames it into place with the drafts. Returns the temporary path. */
static char *stage_report(const char *path, const char *json, int *user)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return NULL;
    snprintf(tmp, n, "%s.clasm-tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f && fputs(json, f) >= 0 && fputc('\n', f) != EOF;
    int saved = errno;
    *user = !f && (saved == ENOENT || saved == EACCES || saved == EPERM || saved == EROFS ||
                   saved == ENOTDIR || saved == EISDIR);
    if (f && fclose(f) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        fprintf(stderr, "clasm: cannot write report %s: %s\n", path, strerror(saved));
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* Problems writing a staged draft are the user's output path's: say so with
 * the path they gave, not the hidden staging name. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        count++;
    char *out = malloc(strlen(s) + count * (nt > nf ? nt - nf : 0) + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = s;;) {
        const char *hit = strstr(p, from);
        size_t keep = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(o, p, keep);
        o += keep;
        if (!hit)
            break;
        memcpy(o, to, nt);
        o += nt;
        p = hit + nf;
    }
    *o = '\0';
    return out;
}

static void name_output(clasm_diags *diags, size_t first, const char *staged, const char *output)
{
    for (size_t i = first; i < diags->count; i++) {
        clasm_diag *d = &diags->items[i];
        char **fields[2] = {&d->file, &d->message};
        for (int k = 0; k < 2; k++) {
            if (!*fields[k] || !strstr(*fields[k], staged))
                continue;
            char *fixed = replace_all(*fields[k], staged, output);
            if (fixed) {
                free(*fields[k]);
                *fields[k] = fixed;
            }
        }
    }
}

int cmd_assemble(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv, OPT_T | OPT_O | OPT_LIBRARY | OPT_REPORT | OPT_STRICT, &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib;
    clasm_deal *deal;
    rc = load_inputs(&o, &lib, &deal, &diags);
    clasm_document docs[CLASM_DOC_COUNT];
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    char *outputs[CLASM_DOC_COUNT] = {0};
    char *staged[CLASM_DOC_COUNT] = {0};
    size_t ndocs = 0, nstaged = 0;
    if (rc == CLASM_OK) {
        ndocs = documents_to_draw(&o, deal, docs);
        if (ndocs > 1 && (o.template_path || o.output)) {
            fprintf(stderr, "clasm: -t and -o need a deal naming one document; %s names %zu\n",
                    o.deal, ndocs);
            rc = CLASM_E_USAGE;
        }
    }
    if (rc == CLASM_OK)
        rc = make_plans(lib, deal, docs, ndocs, plans, o.strict, &diags);
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        char *tpath = o.template_path ? strdup(o.template_path) : default_template(docs[i]);
        outputs[i] = o.output ? strdup(o.output) : default_output(deal, docs[i]);
        if (!tpath) {
            rc = no_data_error("templates", "-t TEMPLATE");
            break;
        }
        if (!outputs[i] || !output_allowed("output", outputs[i], tpath, o.deal, NULL, 0) ||
            (o.report && !output_allowed("report", o.report, tpath, o.deal, outputs, i + 1))) {
            rc = outputs[i] ? CLASM_E_INPUT : CLASM_E_IO;
            free(tpath);
            break;
        }
        clasm_template *tpl = NULL;
        rc = clasm_template_open(tpath, &tpl, &diags);
        free(tpath);
        if (rc != CLASM_OK)
            break;
        staged[i] = staging_path(outputs[i], i);
        nstaged = i + 1;
        size_t first = diags.count;
        rc = clasm_assemble_flags(tpl, lib, deal, plans[i], staged[i],
                                  o.strict ? CLASM_ASSEMBLE_STRICT : 0, &diags);
        name_output(&diags, first, staged[i], outputs[i]);
        clasm_template_free(tpl);
    }
    char *report = NULL, *report_tmp = NULL;
    if (rc == CLASM_OK && o.report) {
        report = plans_json(plans, ndocs, outputs);
        int user = 0;
        report_tmp = report ? stage_report(o.report, report, &user) : NULL;
        if (!report_tmp)
            rc = user ? CLASM_E_INPUT : CLASM_E_IO; /* a wrong --report path is wrong input */
    }
    /* Everything is staged: move the drafts and the report into place. */
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        if (rename(staged[i], outputs[i]) != 0) {
            fprintf(stderr, "clasm: cannot write %s: %s\n", outputs[i], strerror(errno));
            rc = CLASM_E_IO;
        }
    }
    if (rc == CLASM_OK && report_tmp && rename(report_tmp, o.report) != 0) {
        fprintf(stderr, "clasm: cannot write report %s: %s\n", o.report, strerror(errno));
        rc = CLASM_E_IO;
    }
    if (rc != CLASM_OK && report_tmp)
        unlink(report_tmp);
    free(report_tmp);
    if (rc == CLASM_OK) {
        for (size_t i = 0; i < ndocs; i++)
            printf("wrote %s (%s, tier %s)\n", outputs[i], clasm_document_name(docs[i]),
                   clasm_plan_tier(plans[i]));
    } else {
        for (size_t i = 0; i < nstaged; i++)
            if (staged[i])
                unlink(staged[i]);
    }
    free(report);
    for (size_t i = 0; i < CLASM_DOC_COUNT; i++) {
        free(outputs[i]);
        free(staged[i]);
    }
    free_plans(plans, ndocs);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}

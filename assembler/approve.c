/* clasm approve: an approval of a clause's negotiated text, recorded in
 * the draft's manifest (who, in which role, when, which text by its hash),
 * refused when the role may not give it. */
#include "clasm.h"

#include "diag.h"
#include "inspect_core.h"
#include "iso_time.h"
#include "manifest.h"
#include "package.h"
#include "strbuf.h"
#include "yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The roles of the draft as "a, b or c", for messages. Malloc'd. */
static char *role_list(const manifest *m)
{
    strbuf b = {0};
    for (size_t i = 0; i < m->nroles; i++) {
        if (i)
            strbuf_adds(&b, i + 1 == m->nroles ? " or " : ", ");
        strbuf_adds(&b, m->roles[i].id);
    }
    char *s = strbuf_take(&b);
    strbuf_free(&b);
    return s;
}

#define APPROVE_TEXT_MAX 200
#define APPROVE_NOTE_MAX 2000

clasm_status clasm_approve(const char *path, const clasm_approval *a, const char *out_path,
                           clasm_diags *diags)
{
    if (!a || !a->clause || !a->role || !a->by || !*a->by)
        return CLASM_E_USAGE;
    /* What goes into the draft: text XML can hold, a real time. */
    int bad = 0;
    if (!iso_text_ok(a->by, APPROVE_TEXT_MAX, 0)) {
        diag_at(diags, CLASM_SEV_ERROR, "invalid-approver-name", path, 0, 0,
                "--by must be 1 to %d bytes of UTF-8 text without control characters",
                APPROVE_TEXT_MAX);
        bad = 1;
    }
    if (a->note && !iso_text_ok(a->note, APPROVE_NOTE_MAX, 1)) {
        diag_at(diags, CLASM_SEV_ERROR, "invalid-note", path, 0, 0,
                "--note must be 1 to %d bytes of UTF-8 text without control characters",
                APPROVE_NOTE_MAX);
        bad = 1;
    }
    if (a->at && !iso_time_ok(a->at)) {
        diag_at(diags, CLASM_SEV_ERROR, "invalid-date", path, 0, 0,
                "the time of the approval, %s, is not a UTC time such as 2026-12-07T09:00:00Z",
                a->at);
        bad = 1;
    }
    if (bad)
        return CLASM_E_INPUT;
    pkg *p = NULL;
    clasm_status s = pkg_open(path, &p, diags);
    if (s != CLASM_OK)
        return s;
    inspect_located L;
    s = inspect_locate(p, NULL, &L, diags);
    if (s != CLASM_OK) {
        pkg_free(p);
        return s;
    }
    clasm_inspection *I = L.I;
    manifest *m = &I->m;
    size_t k = 0;
    while (k < I->nclauses && strcmp(I->clauses[k].id, a->clause) != 0)
        k++;
    int role = manifest_role_rank(m, a->role);
    if (k == I->nclauses) {
        const char **ids = calloc(I->nclauses + 1, sizeof *ids);
        for (size_t i = 0; ids && i < I->nclauses; i++)
            ids[i] = I->clauses[i].id;
        const char *near = ids ? yt_suggest(a->clause, ids, I->nclauses) : NULL;
        diag_at(diags, CLASM_SEV_ERROR, "unknown-clause", path, 0, 0,
                "the draft has no clause '%s'%s%s%s (clasm inspect lists its clauses)", a->clause,
                near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        free(ids);
        s = CLASM_E_INPUT;
    } else if (m->nroles == 0) {
        diag_at(diags, CLASM_SEV_ERROR, "no-roles", path, 0, 0,
                "the draft records no roles (it was assembled with a library without "
                "negotiation roles), so no approval can be recorded");
        s = CLASM_E_INPUT;
    } else if (role < 0) {
        char *roles = role_list(m);
        diag_at(diags, CLASM_SEV_ERROR, "unknown-role", path, 0, 0,
                "--as %s: not a role of this draft; the roles are %s", a->role,
                roles ? roles : "(out of memory)");
        free(roles);
        s = CLASM_E_INPUT;
    } else if (I->clauses[k].approver < 0) {
        diag_at(diags, CLASM_SEV_ERROR, "approval-not-needed", path, 0, 0,
                "the clause %s (%s) has the text the draft was made with, or the standard, so "
                "it needs no approval",
                a->clause, I->clauses[k].title ? I->clauses[k].title : "");
        s = CLASM_E_INPUT;
    } else if (role < I->clauses[k].approver) {
        const insp_clause *c = &I->clauses[k];
        diag_at(diags, CLASM_SEV_ERROR, "approval-not-allowed", path, 0, 0,
                "%s may not approve the %s of clause %s (%s): it needs %s%s", m->roles[role].title,
                c->position == INSP_DEVIATION ? (c->state == ST_REMOVED ? "removal" : "deviation")
                                              : "fallback",
                a->clause, c->title ? c->title : "", inspect_role_title(I, c->approver),
                c->position == INSP_DEVIATION && !c->negotiable ? " (the clause is not negotiable)"
                                                                : "");
        s = CLASM_E_INPUT;
    }
    if (s == CLASM_OK) {
        char now[32];
        iso_time_now(now);
        if (manifest_add_approval(m, k, a->role, a->by, a->at ? a->at : now, a->note,
                                  I->clauses[k].hash) != 0) {
            diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                    "out of memory while recording the approval");
            s = CLASM_E_IO;
        }
    }
    pkg_edit *e = s == CLASM_OK ? pkg_edit_new(p) : NULL;
    if (s == CLASM_OK && !e) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                "out of memory while recording the approval");
        s = CLASM_E_IO;
    }
    if (s == CLASM_OK)
        s = manifest_rewrite(e, m, diags);
    unsigned char *bytes = NULL;
    size_t blen = 0;
    const char *dest = out_path ? out_path : path;
    if (s == CLASM_OK && out_path && pkg_is_file(p, out_path)) {
        /* -o naming the draft itself: what approve does without -o. */
        out_path = NULL;
        dest = path;
    }
    if (s == CLASM_OK && out_path)
        s = pkg_check_destination(p, out_path, diags);
    if (s == CLASM_OK)
        s = pkg_edit_bytes(e, &bytes, &blen, dest, diags);
    if (s == CLASM_OK)
        s = clasm_write_file(dest, bytes, blen, diags);
    free(bytes);
    pkg_edit_free(e);
    inspect_located_free(&L);
    pkg_free(p);
    return s;
}

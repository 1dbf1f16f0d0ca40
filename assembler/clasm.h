/* clasm — contract clause assembler: the public API.
 *
 * The CLI (main.c) and the web server are thin clients of these functions.
 * Every function that can fail returns a clasm_status and appends what went
 * wrong to a clasm_diags list (all problems of an input, not just the first).
 * Every object returned through an out-pointer is owned by the caller and is
 * released with the matching *_free function.
 */
#ifndef CLASM_H
#define CLASM_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes double as the CLI's exit codes. */
typedef enum {
    CLASM_OK = 0,
    CLASM_E_INPUT = 1, /* the input is wrong: see the diagnostics */
    CLASM_E_USAGE = 2, /* the call is wrong */
    CLASM_E_IO = 3     /* I/O or internal failure */
} clasm_status;

typedef enum { CLASM_SEV_ERROR = 0, CLASM_SEV_WARNING = 1 } clasm_severity;

/* One problem found in an input. Strings are owned by the list. */
typedef struct {
    clasm_severity severity;
    char *id;      /* stable machine id, e.g. "unknown-key", "unclosed-tag" */
    char *message; /* plain English, one sentence or two */
    char *file;    /* the file the problem is in, or NULL */
    char *part;    /* DOCX part name ("word/header1.xml"), or NULL */
    int line;      /* 1-based line in a YAML/text file, 0 when not applicable */
    int column;    /* 1-based column, 0 when not applicable */
    int paragraph; /* 1-based paragraph number within part, 0 when not applicable */
    /* Appended: the key path of the one value the problem is about, in a
     * YAML or JSON input: for a deal its deal path ("customer.country",
     * "terms.fees", "risks[2]" for a list's item, "documents" for the list),
     * the same for a missing key or value. NULL when the problem is not
     * about one value (a syntax error, a template). The server's errors
     * carry it, so a form can show each next to its field; the CLI prints
     * line:column instead. */
    char *path;
} clasm_diag;

typedef struct {
    clasm_diag *items;
    size_t count;
    size_t capacity;
} clasm_diags;

void clasm_diags_init(clasm_diags *diags);
void clasm_diags_free(clasm_diags *diags);
size_t clasm_diags_errors(const clasm_diags *diags);
size_t clasm_diags_warnings(const clasm_diags *diags);
/* Turns every warning into an error (the CLI's --strict). */
void clasm_diags_promote_warnings(clasm_diags *diags);
/* "file:line:col: error: message [id]" or
 * "file: word/document.xml, paragraph 3: error: message [id]". */
void clasm_diag_print(FILE *out, const clasm_diag *diag);
void clasm_diags_print(FILE *out, const clasm_diags *diags);
/* Appends a copy of every item of src to dst. */
void clasm_diags_append(clasm_diags *dst, const clasm_diags *src);
/* Appends a problem that is about no file (a request's, a command line's):
 * severity, id and message, copied. Nothing when out of memory. */
void clasm_diags_add(clasm_diags *diags, clasm_severity sev, const char *id, const char *message);
/* {"errors": [{id, message, line, column, severity[, part, paragraph][,
 * path]}]}: every error and warning of diags, in order, as JSON (the
 * server's error answers). Each of the nstrip strings of strip (folders,
 * with their trailing '/') is taken out of the messages wherever it
 * occurs, so that they name files relative to those folders; strip may be
 * NULL. Bytes that are not UTF-8 are written as \xNN. A malloc'd string,
 * or NULL when out of memory: never a list with some problems left out. */
char *clasm_diags_json(const clasm_diags *diags, const char *const *strip, size_t nstrip);

/* Document types a deal may ask for. */
typedef enum {
    CLASM_DOC_CONTRACT = 0,
    CLASM_DOC_EULA = 1,
    CLASM_DOC_RESELLER = 2,
    CLASM_DOC_ADDENDUM = 3, /* a safeguards addendum to an agreement the parties have */
    CLASM_DOC_COUNT = 4
} clasm_document;

/* The document types, as messages list them. */
#define CLASM_DOCUMENT_LIST "contract, eula, reseller-agreement or addendum"

/* "contract", "eula", "reseller-agreement", "addendum". */
const char *clasm_document_name(clasm_document doc);
/* Returns -1 when name is not a document type. */
int clasm_document_from_name(const char *name);

typedef struct clasm_deal clasm_deal;
typedef struct clasm_library clasm_library;
typedef struct clasm_plan clasm_plan;
typedef struct clasm_template clasm_template;

/* ---- deals ---- */
clasm_status clasm_deal_load(const char *path, clasm_deal **out, clasm_diags *diags);
clasm_status clasm_deal_load_string(const char *text, size_t len, const char *name,
                                    clasm_deal **out, clasm_diags *diags);
void clasm_deal_free(clasm_deal *deal);
const char *clasm_deal_id(const clasm_deal *deal);
/* The name of the file the deal was read from (its diagnostics name it). */
const char *clasm_deal_file(const clasm_deal *deal);
/* The documents the deal names, in the order it names them. */
size_t clasm_deal_documents(const clasm_deal *deal, clasm_document *out, size_t max);
/* The value a placeholder path names ("customer.name", "terms.governing_law",
 * "product.capabilities"), or NULL when the deal has none. */
const char *clasm_deal_value(const clasm_deal *deal, const char *path);

/* ---- deals from a spreadsheet (deal_csv.c) ----
 * A CSV file (RFC 4180: quoted fields, with commas, quotes and line breaks
 * in them) whose header names deal paths (id, date, deployment, license,
 * end_use, documents, risks, seller.name, customer.country, reseller.name,
 * product.capabilities, terms.fees, ...), one row per deal, and a base deal
 * (a deal file, which may leave out what every row gives) that each row
 * changes: a non-empty cell sets its path; documents, risks and
 * product.capabilities are ';'-separated lists. Rows are numbered as a
 * spreadsheet shows them: the header is row 1. */
typedef struct clasm_deal_table clasm_deal_table;
/* Reads both files. A header that names no deal key (with "did you mean"),
 * names one twice or is empty, a syntax error of the CSV, or a base that is
 * not a mapping fails the table (all reported, file:line:column). A row of
 * the wrong length only fails that row (clasm_deal_table_deal). */
clasm_status clasm_deal_table_load(const char *csv_path, const char *base_path,
                                   clasm_deal_table **out, clasm_diags *diags);
/* The same from memory; the names are used in messages. */
clasm_status clasm_deal_table_load_string(const char *csv, size_t csv_len, const char *csv_name,
                                          const char *base, size_t base_len, const char *base_name,
                                          clasm_deal_table **out, clasm_diags *diags);
void clasm_deal_table_free(clasm_deal_table *table);
size_t clasm_deal_table_rows(const clasm_deal_table *table);
/* "deals.csv row 3": how messages and results name row i (0-based). */
const char *clasm_deal_table_row_name(const clasm_deal_table *table, size_t i);
/* The deal of row i: the base with the row's values, checked like a deal
 * file; every problem of the row is reported, under the row's name, at
 * the line and column of the cell (a value from the base has none). The
 * deal owns its memory (free it with clasm_deal_free); rows may be built
 * from several threads at once. */
clasm_status clasm_deal_table_deal(const clasm_deal_table *table, size_t i, clasm_deal **out,
                                   clasm_diags *diags);

/* ---- clause library (clauses/) ---- */
clasm_status clasm_library_load(const char *dir, clasm_library **out, clasm_diags *diags);
void clasm_library_free(clasm_library *lib);
/* The folder the library was loaded from, as given to clasm_library_load. */
const char *clasm_library_dir(const clasm_library *lib);
/* The restricted-party list the library names as the default
 * (library.yaml screening.list, resolved against its folder), or NULL. */
const char *clasm_library_screen_list(const clasm_library *lib);

/* The library's catalogue as JSON, for a form that writes deals (clasm
 * serve's GET /api/risks): {library (its fingerprint), documents, areas,
 * risks, tiers, terms, categories, capabilities}. Each term has its key,
 * label, description, example, kind, default (and currency); after the
 * library's terms come the terms.KEY keys that the templates use and the
 * library does not declare, with "template_only": true and the documents
 * whose template uses each. tpls[d] is the template of document d
 * (clasm_document), CLASM_DOC_COUNT entries, any of them NULL; tpls may be
 * NULL. A malloc'd string, or NULL when out of memory. */
char *clasm_catalogue_json(const clasm_library *lib, const clasm_template *const *tpls);

/* ---- restricted-party screening (screening.c, screen.c) ----
 * A deal's parties (customer, reseller, its end_users) against lists in
 * the layout of the U.S. Consolidated Screening List's CSV download, which
 * the user fetches (clasm fetches nothing). Names are matched as screening
 * tools do (assembler/screen.h): normalised, legal forms set aside, tokens
 * compared by Jaro-Winkler and weighed by their rarity in the list; a hit
 * reaches the library's threshold (library.yaml screening.threshold). */
typedef struct screen_list clasm_screen_list;
/* Reads a list file with the library's legal forms (lib may be NULL: the
 * built-in ones). Every problem of the file is reported (list-missing-
 * column, list-bad-encoding, list-empty, list-bad-row, ...). */
clasm_status clasm_screen_list_load(const clasm_library *lib, const char *path,
                                    clasm_screen_list **out, clasm_diags *diags);
void clasm_screen_list_free(clasm_screen_list *list);

/* The hits of one deal's parties on the lists, each with the deal's
 * decision on it (screening: [{party, entry, decision, reason, by,
 * date}]). Owns copies of what it reports. A decision naming no party of
 * the deal is an error (unknown-party); one that matches no hit, a
 * warning (screening-decision-unused). */
typedef struct clasm_screening clasm_screening;
clasm_status clasm_screen(const clasm_library *lib, const clasm_deal *deal,
                          const clasm_screen_list *const *lists, size_t nlists,
                          clasm_screening **out, clasm_diags *diags);
void clasm_screening_free(clasm_screening *s);
size_t clasm_screening_hits(const clasm_screening *s);
/* Hits the deal has not decided on. */
size_t clasm_screening_undisposed(const clasm_screening *s);
/* Each undecided hit as a diagnostic of severity sev (unscreened-hit):
 * the party, the entry, the list, the score and the tokens that matched. */
void clasm_screening_report(const clasm_screening *s, const clasm_deal *deal, clasm_severity sev,
                            clasm_diags *diags);
/* Screens the deal against the lists (none: nothing done, *out NULL) and
 * gives each of the pack's plans the screening (clasm_plan_add_screening;
 * the first plan's diagnostics kept, the others' the same and dropped);
 * undecided hits reported with severity sev, and CLASM_E_INPUT when sev
 * is an error and there is one. The screening (free it after the plans'
 * use) is *out. */
clasm_status clasm_screen_pack(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_screen_list *const *lists, size_t nlists,
                               clasm_plan *const *plans, size_t nplans, clasm_severity sev,
                               clasm_screening **out, clasm_diags *diags);
/* {threshold, parties, lists: [{name, sha256, date, entries}], hits:
 * [{party, role, name, list, entry, matched_name, id, source,
 * entity_number, programs, type, countries, score, string_score,
 * matched_tokens, country, decision, reason, by, date}], undecided}.
 * Malloc'd; NULL when out of memory. */
char *clasm_screening_json(const clasm_screening *s);
void clasm_screening_print_text(FILE *out, const clasm_screening *s);

/* ---- selection ---- */
/* Checks the deal's risk ids against the catalogue (unknown ids are errors
 * at their line, with a suggestion) and builds the plan for one document.
 * Values the chosen clauses need and the deal lacks do not stop it: they
 * are the plan's missing list (clasm_plan_missing), not diagnostics. */
clasm_status clasm_select(const clasm_library *lib, const clasm_deal *deal, clasm_document doc,
                          clasm_plan **out, clasm_diags *diags);
void clasm_plan_free(clasm_plan *plan);
/* The plan as the JSON object the design fixes; output may be NULL.
 * Returns a malloc'd string, or NULL when out of memory. */
char *clasm_plan_json(const clasm_plan *plan, const char *output);
/* The same, plus "output_sha256" (the draft's hash, when not NULL): a report
 * says which draft it explains. */
char *clasm_plan_report_json(const clasm_plan *plan, const char *output, const char *sha256);

/* A value the plan needs that the deal does not give and the library has
 * no default for: "still to fill in". A plan is made all the same (its
 * clauses depend only on the deal's facts); assembling it is refused until
 * the deal gives every one. Owned by the plan. */
typedef struct {
    char *key;               /* the placeholder path, e.g. "terms.fees" */
    const char *description; /* what it is for (the library's description), or NULL */
    char **used_by;          /* the clause ids and template file names that use it */
    size_t nused_by;
    char *first_use; /* for messages, followed by the document's name: "the clause
                        end-use.authorized-purpose, chosen for the" */
    char *file;      /* where first_use writes the placeholder, or NULL */
    int line;        /* in a clause file; 0 for a template */
    char *part;      /* in a template: its part ("word/document.xml") and */
    int paragraph;   /* 1-based paragraph, as the template has them */
} clasm_missing;

/* The plan's missing values, in the order the plan's texts need them; *out
 * may be NULL. */
size_t clasm_plan_missing(const clasm_plan *plan, const clasm_missing **out);
/* Gives the plan the deal's screening (borrowed: it must outlive the
 * plan's use): a hit not cleared suggests stakeholder.restricted-party
 * (warned like any suggestion the deal has not decided on), and a draft
 * assembled from the plan records the lists (name, date, SHA-256) and
 * every hit with its decision in its manifest. CLASM_E_IO when out of
 * memory. */
clasm_status clasm_plan_add_screening(clasm_plan *plan, const clasm_library *lib,
                                      const clasm_deal *deal, const clasm_screening *s,
                                      clasm_diags *diags);
/* Adds to the plan's missing values those the template's placeholders
 * need ({{ terms.KEY }} the deal does not give and the library has no
 * default for), and marks the defaults it prints. CLASM_E_IO when out of
 * memory. */
clasm_status clasm_plan_add_template(clasm_plan *plan, const clasm_library *lib,
                                     const clasm_deal *deal, const clasm_template *tpl);
/* One diagnostic "missing-value" per missing value of the plan, of
 * severity sev (a warning for select, an error for assemble), naming the
 * text that needs it. Returns how many. */
size_t clasm_plan_missing_diags(const clasm_plan *plan, const clasm_deal *deal, clasm_severity sev,
                                clasm_diags *diags);

/* ---- templates and assembly ---- */
clasm_status clasm_template_open(const char *path, clasm_template **out, clasm_diags *diags);
void clasm_template_free(clasm_template *tpl);
/* Compiles the clauses of lib for drafts of tpl: each clause's body is
 * rendered once in the template's clause styles and kept as pieces with
 * holes for the deal's values, the numbers and the references; a draft of
 * tpl with lib (the same library, by its fingerprint) fills the holes
 * instead of building the body again. Drafts are byte for byte the same
 * with or without it. Call it before drafts of tpl run on other threads;
 * again with another library, it replaces what was compiled. CLASM_OK, or
 * CLASM_E_IO with an out-of-memory diagnostic. */
clasm_status clasm_template_compile(clasm_template *tpl, const clasm_library *lib,
                                    clasm_diags *diags);
/* The path the template was opened from, as messages name it. */
const char *clasm_template_path(const clasm_template *tpl);
/* The terms.KEY keys the template's placeholders and conditionals use
 * (templates may have their own, beside the library's), once each; *count
 * is set. Owned by the template. */
const char *const *clasm_template_terms(const clasm_template *tpl, size_t *count);
/* Every key under the deal's terms must be declared by the library or used
 * by one of tpls (the templates this run fills; entries may be NULL, and
 * with none only the library's keys are known): an unknown key is an error
 * (unknown-term) at its line:column with "did you mean". CLASM_E_INPUT when
 * there is one (all reported), CLASM_E_IO when out of memory. */
clasm_status clasm_check_terms(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_template *const *tpls, size_t ntpls, clasm_diags *diags);

/* Fills tpl with the deal's values and the plan's clauses and writes the
 * draft to out_path atomically: on any error no file appears. */
clasm_status clasm_assemble(const clasm_template *tpl, const clasm_library *lib,
                            const clasm_deal *deal, const clasm_plan *plan, const char *out_path,
                            clasm_diags *diags);
/* Flags of clasm_assemble_flags. */
enum {
    /* A warning of the assembly itself (say, a template without an
     * insertion point) becomes an error, found before anything is written:
     * the status is CLASM_E_INPUT and out_path is not touched. */
    CLASM_ASSEMBLE_STRICT = 1u
};
/* clasm_assemble with flags (CLASM_ASSEMBLE_*); clasm_assemble is flags 0. */
clasm_status clasm_assemble_flags(const clasm_template *tpl, const clasm_library *lib,
                                  const clasm_deal *deal, const clasm_plan *plan,
                                  const char *out_path, unsigned flags, clasm_diags *diags);

/* clasm_assemble_flags into memory: *out (malloc'd, the caller frees) holds
 * the draft's bytes, *len their number. Nothing is written. */
clasm_status clasm_assemble_buffer(const clasm_template *tpl, const clasm_library *lib,
                                   const clasm_deal *deal, const clasm_plan *plan, unsigned flags,
                                   unsigned char **out, size_t *len, clasm_diags *diags);

/* ---- the rationale memo (memo.c) ----
 * One to two pages for a deal's approval file, for counsel and the
 * compliance office: the deal at a glance, tier and score, the escalation
 * counsel must decide, each risk with the guidance area it comes from, each
 * clause with its plain-English reason (under the documents that hold it),
 * the values taken from the library's defaults and those still missing.
 * Built from a memo template (templates/memo.docx) with the drafts'
 * placeholders and conditionals and, for what repeats, lists: block content
 * controls tagged memo:NAME whose table row is printed once per item
 * (templates/README.md, "memo.docx"). */
typedef struct clasm_memo_template clasm_memo_template;
/* Opens and checks a memo template, reporting every problem: those of any
 * template's package and markers, memo-insertion-point ({{ clauses }} has
 * no place in a memo), unknown-list, the list-* ids of a list's shape, and
 * unknown-value (a placeholder no deal, plan or memo value fills, or a
 * field its list does not have). Immutable once open: memos may be written
 * from it concurrently. */
clasm_status clasm_memo_template_open(const char *path, clasm_memo_template **out,
                                      clasm_diags *diags);
void clasm_memo_template_free(clasm_memo_template *tpl);
/* The memo of one deal into memory (*out malloc'd, *len bytes): plans are
 * the deal's plans, one per document drawn (clasm_select_pack; plans[0]
 * gives tier and score), each with its template added
 * (clasm_plan_add_template: the values it still needs, the defaults it
 * prints). Values still missing are listed, not refused. Nothing is
 * written. */
clasm_status clasm_memo_buffer(const clasm_memo_template *tpl, const clasm_library *lib,
                               const clasm_deal *deal, const clasm_plan *const *plans,
                               size_t nplans, unsigned char **out, size_t *len, clasm_diags *diags);
/* The same, written to out_path as every output is (clasm_write_file: the
 * destination checked first, atomically, no file on any error); the memo
 * template itself is refused (output-is-template). */
clasm_status clasm_memo_write(const clasm_memo_template *tpl, const clasm_library *lib,
                              const clasm_deal *deal, const clasm_plan *const *plans, size_t nplans,
                              const char *out_path, clasm_diags *diags);

/* ---- writing outputs (output.c) ----
 * One rule for every file clasm writes where a user said (drafts, reports,
 * batch outputs): the destination is a regular file or does not exist yet;
 * a symbolic link (output-is-symlink), a folder (output-is-folder), a
 * device, pipe or socket, or a place in a kernel file system such as /proc
 * (output-not-a-file) is refused, as are a missing folder
 * (output-folder-missing), a name too long for the file system
 * (output-name-too-long) and a folder clasm may not write to
 * (output-not-writable): all CLASM_E_INPUT. A failing write (a full disk,
 * a file-size limit) is io-error, CLASM_E_IO. The bytes are staged in an
 * anonymous temporary file in the destination's folder and appear under
 * their name only when complete and synced: on any error, or if the process
 * dies, nothing is left. */
clasm_status clasm_output_check(const char *path, clasm_diags *diags);
typedef struct clasm_outputs clasm_outputs;
enum {
    /* Stage under a locked temporary name (.clasm-XXXXXXXXXXXX.tmp) even
     * where anonymous files are available: the fallback path, for tests. */
    CLASM_OUTPUTS_NAMED_STAGING = 1u
};
clasm_status clasm_outputs_new(clasm_outputs **out, unsigned flags, clasm_diags *diags);
/* Checks path and stages a copy of data for it; nothing visible yet. */
clasm_status clasm_outputs_add(clasm_outputs *set, const char *path, const void *data, size_t len,
                               clasm_diags *diags);
/* Puts every staged file in place, under an exclusive lock on each
 * destination folder when there is more than one file: two runs writing
 * the same names leave every file from one of them. Stop signals wait
 * until the files are in place. */
clasm_status clasm_outputs_commit(clasm_outputs *set, clasm_diags *diags);
/* Drops whatever was staged and not committed. NULL is fine. */
void clasm_outputs_free(clasm_outputs *set);
/* One file: check, stage, commit. */
clasm_status clasm_write_file(const char *path, const void *data, size_t len, clasm_diags *diags);
/* Removes, from folder, clasm's own temporary files that a run killed
 * outright (kill -9) left behind: regular files named
 * .clasm-XXXXXXXXXXXX.tmp, owned by this user, older than a few seconds
 * and locked by nobody. Returns how many. */
size_t clasm_sweep_stale(const char *folder);
/* SHA-256 of data as 64 lowercase hex digits; 0 on failure. */
int clasm_sha256_hex(const void *data, size_t len, char out[65]);

/* ---- finding the library and templates (paths.c) ---- */
/* The folder that holds the data named what ("clauses" or "templates"):
 * the environment variable CLASM_LIBRARY (for clauses) or CLASM_TEMPLATES
 * (for templates) when set, else beside the running binary in a build tree
 * (its folder or the folder above), else PREFIX/share/clasm beside
 * PREFIX/bin, else the configured install prefix.
 * Returns a malloc'd path, or NULL when none exists. */
char *clasm_find_data(const char *what);

/* ---- reading a plan (plan_access.c) ---- */
const char *clasm_plan_tier(const clasm_plan *plan);
long clasm_plan_score(const clasm_plan *plan);
int clasm_plan_escalate(const clasm_plan *plan);
size_t clasm_plan_clause_count(const clasm_plan *plan);
clasm_document clasm_plan_document(const clasm_plan *plan);

/* ---- selection (select.c) ---- */
/* The plan as text for `clasm select --format text`: tier, score, each
 * clause with its reasons, uncovered risks, notes. */
void clasm_plan_print_text(FILE *out, const clasm_plan *plan);
/* Flow-down across one deal pack: every clause of a reseller-agreement plan
 * that the reseller must pass on (flows_down) must be in each eula plan of
 * the pack with the same version; each gap is an error "flow-down-gap". */
/* Plans for the documents of one deal (a deal pack): the deal's own problems
 * are reported once, not once per document, and flow-down is checked across
 * the pack. plans[i] are set (NULL where a plan failed); free each. */
clasm_status clasm_select_pack(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_document *docs, size_t ndocs, clasm_plan **plans,
                               clasm_diags *diags);
clasm_status clasm_check_flow_down(const clasm_library *lib, clasm_plan *const *plans, size_t n,
                                   clasm_diags *diags);

/* ---- batches (batch.c) ---- */
/* What became of one deal of a batch, given to the report callback. */
typedef struct {
    size_t index; /* position in the deal list */
    const char *deal_path;
    const char *output; /* the (first) draft written, or NULL when the deal failed */
    clasm_status status;
    const clasm_diags *diags; /* this deal's errors and warnings */
    size_t done, total;       /* deals finished so far (this one included), of all */
    /* Appended: what a results file needs. */
    const char *deal_id;            /* NULL when the deal did not load */
    const char *const *outputs;     /* the deal's drafts: written, or left as they were */
    size_t noutputs;                /* (--skip-existing); 0 when the deal failed */
    size_t skipped;                 /* how many of outputs existed and were left as they were */
    const clasm_plan *const *plans; /* the deal's plans (tier, score, missing values), */
    size_t nplans;                  /* 0 when selection did not get that far */
} clasm_batch_result;

/* Gives deal index of a batch whose deals are not files (say, the rows of
 * a spreadsheet); must be safe to call from several threads at once. */
typedef clasm_status (*clasm_batch_loader)(void *ctx, size_t index, clasm_deal **out,
                                           clasm_diags *diags);

typedef void (*clasm_batch_report)(void *ctx, const clasm_batch_result *result);

typedef struct {
    const clasm_library *lib;
    const clasm_template *tpl; /* shared, read-only, by every worker */
    int document;              /* a clasm_document, or -1: the one document each deal names */
    int document_guessed;      /* 1: document came from the template's file name, so a deal
                                  whose documents do not include it fails ("batch-document")
                                  instead of getting a draft it did not ask for */
    const char *out_dir;       /* drafts go to out_dir/<id>-<document>.docx */
    unsigned jobs;             /* worker threads; 0 means one per core */
    int strict;                /* warnings fail a deal */
    clasm_batch_report report; /* called once per deal, one call at a time */
    void *ctx;
    /* When not NULL, asked (from any worker thread, with cancel_ctx) before
     * each deal starts; once it returns non-zero (say after a SIGINT), no
     * new deal is started; deals in progress finish, so no partial file is
     * left. The deals never started are not reported. A function rather
     * than a flag keeps this header free of C11 atomics, which C++ lacks. */
    int (*cancelled)(void *cancel_ctx);
    void *cancel_ctx;
    /* Appended (positional initializers of the fields above still work). */
    /* Whole packs: when tpl is NULL, every document each deal names is
     * drafted with tpls[document] (a NULL one fails the deal,
     * "batch-template"), all of a deal's drafts or none. */
    const clasm_template *tpls[CLASM_DOC_COUNT];
    /* Resuming: a draft whose file exists already is left as it was (drafts
     * are renamed into place whole, so an existing file is complete). */
    int skip_existing;
    /* When set, deals[i] only names deal i (in messages and results) and
     * load(load_ctx, i, ...) gives the deal. */
    clasm_batch_loader load;
    void *load_ctx;
    /* When set, each deal also gets its rationale memo, out_dir/<id>-memo.docx,
     * put in place with its drafts (all or none); it is one of the deal's
     * outputs (results, clashes, skip_existing) like a draft. */
    const clasm_memo_template *memo;
    /* When nlists > 0, each deal's parties are screened against lists (read
     * only, shared by the workers): a hit the deal has not decided on fails
     * the deal (unscreened-hit) unless allow_unscreened (then a warning),
     * and every draft records the screening. */
    const clasm_screen_list *const *lists;
    size_t nlists;
    int allow_unscreened;
} clasm_batch_options;

typedef struct {
    size_t written, failed, warned; /* warned: written with warnings */
    size_t not_started;             /* deals left out because the batch was cancelled */
    size_t skipped;                 /* deals whose drafts all existed (skip_existing) */
    size_t escalated;               /* deals written whose tier asks for counsel */
} clasm_batch_summary;

/* Assembles every deal with the one template on opt->jobs threads. One bad
 * deal does not stop the others; two deals that would write the same file
 * both fail, whatever the order. Each draft is written atomically; the bytes
 * do not depend on the number of threads. Returns CLASM_OK when every deal
 * was written, CLASM_E_INPUT when some failed, CLASM_E_IO when the batch
 * could not run at all (diags says why). */
clasm_status clasm_batch_run(const clasm_batch_options *opt, const char *const *deals, size_t n,
                             clasm_batch_summary *summary, clasm_diags *diags);

/* ---- reading drafts back (inspect.c) ---- */
/* What a draft holds: for each clause of its manifest, unchanged, modified
 * (with a word-level diff), removed, or outdated against lib (which may be
 * NULL: then nothing is outdated), and the content controls nobody knows.
 * Works on drafts saved by Word and by LibreOffice. */
typedef struct clasm_inspection clasm_inspection;
clasm_status clasm_inspect(const char *path, const clasm_library *lib, clasm_inspection **out,
                           clasm_diags *diags);
clasm_status clasm_inspect_buffer(const void *data, size_t len, const char *name,
                                  const clasm_library *lib, clasm_inspection **out,
                                  clasm_diags *diags);
void clasm_inspection_free(clasm_inspection *inspection);
/* {"draft", "deal", "document", "library", "clauses": [{id, version, status, ...}]}, with
 * status unchanged | modified | removed | outdated | unknown. Malloc'd, NULL on OOM. */
char *clasm_inspection_json(const clasm_inspection *inspection);
void clasm_inspection_print_text(FILE *out, const clasm_inspection *inspection);
/* Counts the summary's changes against the authority of role (an id of the
 * draft's roles): "within your authority" are those it may approve. The
 * default is the first role. 0, or -1 when the draft has no such role. */
int clasm_inspection_set_authority(clasm_inspection *inspection, const char *role);
/* The id of role i of the draft's playbook (lowest authority first), or
 * NULL past the last. */
const char *clasm_inspection_role(const clasm_inspection *inspection, size_t i);

/* ---- negotiation (redline.c, approve.c) ---- */
typedef struct {
    const char *author; /* w:author of the changes and comments; NULL: "clasm" */
    const char *date;   /* w:date, ISO 8601 UTC ("2026-12-07T09:00:00Z"); NULL: now */
    /* 0: restore the text the draft was made with (the standard, or the
     * fallback the deal chose); N: fallback N, for the clauses that have it. */
    int to_fallback;
    /* 0: comments for our own counsel, saying what the playbook says and
     * who must approve (the default: counsel accept or reject the changes,
     * delete the comments and send); 1: comments for the other side, why
     * each clause is back, never the playbook. */
    int outgoing;
} clasm_redline_options;

/* The target a user names for a redline: "standard" (or NULL) gives 0,
 * "fallback:N" gives N (1 to 999); -1 for anything else. */
int clasm_redline_target(const char *to);

/* A copy of a returned draft in which every clause that deviates from its
 * approved texts, or was removed, is restored as Word tracked changes, with
 * a comment on each saying what the playbook says and who must approve;
 * everything else is left as it is. *out (malloc'd; free it) holds the
 * DOCX. */
clasm_status clasm_redline_buffer(const void *data, size_t len, const char *name,
                                  const clasm_library *lib, const clasm_redline_options *opt,
                                  unsigned char **out, size_t *out_len, clasm_diags *diags);
/* The same from a file to a file, written whole or not at all. */
clasm_status clasm_redline(const char *path, const clasm_library *lib,
                           const clasm_redline_options *opt, const char *out_path,
                           clasm_diags *diags);

typedef struct {
    const char *clause; /* the clause id */
    const char *role;   /* a role of the draft's manifest */
    const char *by;     /* who approves */
    const char *note;   /* may be NULL */
    const char *at;     /* ISO 8601 UTC; NULL: now */
} clasm_approval;

/* Records an approval of the clause's current text in the draft's manifest
 * and writes the draft to out_path (the draft itself when NULL), whole or
 * not at all. Refused (CLASM_E_INPUT, nothing written) when the clause is
 * not in the draft, needs no approval, or role may not approve it. */
clasm_status clasm_approve(const char *path, const clasm_approval *approval, const char *out_path,
                           clasm_diags *diags);

/* ---- lint (lint.c): checking a clause library for counsel ---- */
typedef struct clasm_lint_report clasm_lint_report;
typedef struct {
    int update_lock; /* rewrite DIR/library.lock when the library has no other error */
    int strict;      /* warnings count as errors (also for --update-lock) */
    /* The day the country profiles' dates are measured from (YYYY-MM-DD;
     * NULL: today in UTC). */
    const char *today;
} clasm_lint_options;
/* Loads the library in dir and checks it: everything loading checks, plus
 * placeholders, markup, coverage per document, unreachable clauses, the
 * country profiles' age (country-fact-stale) and the lock file. Every problem goes to diags.
 * Returns CLASM_OK when no error (warnings allowed unless opt->strict), CLASM_E_INPUT when there
 * are errors, CLASM_E_IO when the library or lock could not be read or written. *out holds the
 * summary in every case but usage errors. */
clasm_status clasm_lint(const char *dir, const clasm_lint_options *opt, clasm_lint_report **out,
                        clasm_diags *diags);
void clasm_lint_report_free(clasm_lint_report *report);
/* The summary for people: files, clauses, risks, coverage per document,
 * lock changes, error and warning counts. */
void clasm_lint_print_text(FILE *out, const clasm_lint_report *report, const clasm_diags *diags);
/* {"library", "files", "clauses", "risks", "coverage": {DOC: {covered, total,
 * uncovered}}, "diagnostics": [{severity, id, message, file, line, column}],
 * "errors", "warnings", "lock": {"written", "changes"}}. malloc'd; NULL on OOM. */
char *clasm_lint_json(const clasm_lint_report *report, const clasm_diags *diags);

#ifdef __cplusplus
}
#endif
#endif

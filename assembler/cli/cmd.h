/* The command-line client's shared pieces: option parsing, diagnostics and
 * exit codes, loading inputs, planning. Each command is one cmd_<name>.c. */
#ifndef CLASM_CMD_H
#define CLASM_CMD_H

#include "clasm.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

/* Most --list options one command takes. */
#define CLI_MAX_LISTS 16

/* Options shared by the commands; each command accepts a subset. */
typedef struct {
    const char *deal;
    const char *template_path;
    const char *output;
    const char *library;
    const char *report;
    const char *document;
    const char *format;
    const char *memo; /* --memo FILE.docx: the rationale memo */
    int strict;
    /* --list FILE (repeated): restricted-party lists to screen against;
     * --allow-unscreened: draft although a hit is undecided. */
    const char *lists[CLI_MAX_LISTS];
    size_t nlists;
    int allow_unscreened;
} cli_options;

enum {
    OPT_T = 1,
    OPT_O = 2,
    OPT_LIBRARY = 4,
    OPT_REPORT = 8,
    OPT_DOCUMENT = 16,
    OPT_FORMAT = 32,
    OPT_STRICT = 64,
    OPT_DRAFT = 128, /* the file argument is a draft, not a deal */
    OPT_MEMO = 256,
    OPT_LIST = 512,
    OPT_ALLOW_UNSCREENED = 1024
};

/* Prints "clasm: MESSAGE" and a hint to stderr; returns CLASM_E_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* Says on stderr that the data folder what ("clauses" or "templates") was
 * not found, and why (the environment variable names no folder, or no
 * default exists), naming option as the way out; returns CLASM_E_IO. */
int no_data_error(const char *what, const char *option);
/* Parses argv (after the command name) into o, accepting the allowed options. */
int parse_options(int argc, char **argv, unsigned allowed, cli_options *o);
/* Takes "name VALUE" out of argv (a command's own option), into *value.
 * CLASM_OK, or a usage error when it has no value or comes twice. */
int take_option(int *argc, char **argv, const char *name, const char **value);
/* Prints the diagnostics, frees them, and gives the exit status. */
int finish(clasm_diags *diags, int status);
/* The library a draft is read against: --library, else the one clasm
 * finds, else none (*found 0: a draft can be read without it). */
int load_draft_library(const cli_options *o, clasm_library **lib, int *found, clasm_diags *diags);
/* Loads the library (--library or the default one) and the deal. */
int load_inputs(const cli_options *o, clasm_library **lib, clasm_deal **deal, clasm_diags *diags);
/* The documents to draw: the --document one, or every one the deal names. */
size_t documents_to_draw(const cli_options *o, const clasm_deal *deal,
                         clasm_document docs[CLASM_DOC_COUNT]);
/* Plans for docs, all problems collected, flow-down checked for a pack. */
int make_plans(const clasm_library *lib, const clasm_deal *deal, const clasm_document *docs,
               size_t ndocs, clasm_plan **plans, int strict, clasm_diags *diags);
void free_plans(clasm_plan **plans, size_t n);
/* The default templates (templates/<document>.docx, found as assemble
 * finds them) of every document the deal names, opened; tpls[i] is NULL
 * where one is missing or does not open. Returns how many slots were set
 * (free each with clasm_template_free). */
size_t default_templates(const clasm_deal *deal, clasm_template *tpls[CLASM_DOC_COUNT]);
/* Adds to each plan the values its document's template needs (tpls[i]
 * is the template of plans[i], NULL when unknown), then reports every
 * missing value of the plans as a diagnostic of severity sev. Returns
 * CLASM_OK, CLASM_E_INPUT when sev is an error and a value is missing,
 * CLASM_E_IO when out of memory. */
int plans_missing(clasm_plan **plans, size_t n, const clasm_template *const *tpls,
                  const clasm_library *lib, const clasm_deal *deal, clasm_severity sev,
                  clasm_diags *diags);
/* Opens the memo template, templates/memo.docx (found as the drafts'
 * templates are); *path_out (may be NULL) gets its path, malloc'd.
 * CLASM_OK, or the status of the failure (reported). */
int open_memo_template(clasm_memo_template **out, char **path_out, clasm_diags *diags);
/* Builds the deal's memo and stages it in set for path: the plans with
 * their templates added (plans_missing). */
int stage_memo(clasm_outputs *set, const char *path, const clasm_memo_template *memo,
               const clasm_library *lib, const clasm_deal *deal, clasm_plan *const *plans, size_t n,
               clasm_diags *diags);
/* The plans as JSON: one object, or an array for a deal pack; outputs and
 * hashes (each draft's SHA-256, for a report) may be NULL. */
char *plans_json(clasm_plan **plans, size_t n, char **outputs, char **hashes);

/* Takes "--list VALUE" at argv[*i] into o (the option's value checked, at
 * most CLI_MAX_LISTS), moving *i past it. CLASM_OK or a usage error. */
int take_list(cli_options *o, int argc, char **argv, int *i);
/* The restricted-party lists of o (each --list) or, with none given, the
 * library's default list (screening.list); *n 0 when there is none. Every
 * problem of every list is reported. CLASM_OK or the failure's status. */
int load_lists(const cli_options *o, const clasm_library *lib, clasm_screen_list **lists, size_t *n,
               clasm_diags *diags);
void free_lists(clasm_screen_list **lists, size_t n);

/* The commands: argc/argv after the command name; each returns the exit code. */
int cmd_assemble(int argc, char **argv);
int cmd_select(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_redline(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_screen(int argc, char **argv);

/* Stop signals for long commands (cmd_interrupt.c). */
typedef struct {
    sigset_t set, old;
    pthread_t thread;
    int running;
    atomic_int stop;   /* 1 once a stop signal came */
    atomic_int signal; /* which one */
    atomic_int done;   /* set by interrupt_watch_stop: the watcher ends */
} interrupt_watch;
/* Blocks SIGINT, SIGTERM and SIGHUP in this thread (and the threads it
 * starts later) and starts a thread that waits for them. Returns 0, or -1
 * (nothing changed). */
int interrupt_watch_start(interrupt_watch *w);
/* Ends the watcher and restores the signal mask. */
void interrupt_watch_stop(interrupt_watch *w);
/* 1 once a stop signal came to the watch w (an interrupt_watch *): the
 * batch's cancelled callback. Safe from any thread. */
int interrupt_stopped(void *w);
/* After interrupt_watch_stop: when a signal stopped the work, ends the
 * process by that signal (default action); returns otherwise. */
void interrupt_reraise(const interrupt_watch *w);

#endif

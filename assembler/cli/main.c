/* clasm command line: a thin client of clasm.h. Each command lives in its
 * own cmd_<name>.c and has one entry in the table below. Exit codes: 0
 * success, 1 wrong input, 2 usage, 3 I/O or internal failure. */
#include "cmd.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define CLASM_VERSION "0.1.0"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis; /* one line for `clasm --help` */
    const char *summary;
    const char *help; /* `clasm COMMAND --help`: options and examples */
} command;

static const command commands[] = {
    {"assemble", cmd_assemble,
     "assemble DEAL [-t TEMPLATE] [-o OUT] [--document D] [--library DIR] [--report FILE] "
     "[--memo MEMO.docx] [--list FILE] [--allow-unscreened] [--strict]",
     "write one draft per document the deal names",
     "Selects the safeguard clauses the deal's risks call for, fills in the deal's values and\n"
     "writes them into the template: one draft per document the deal names (a deal pack), all\n"
     "written or none. A value the draft needs that the deal does not give is an error\n"
     "(missing-value, each named; `clasm select` lists them) and nothing is written.\n"
     "\n"
     "  -t TEMPLATE     the template (default: the bundled templates/<document>.docx);\n"
     "                  only when one document is drawn\n"
     "  -o OUT          the draft (default: <deal id>-<document>.docx in this folder);\n"
     "                  only when one document is drawn\n"
     "  --document D    draw only document D of the deal's pack (contract, eula,\n"
     "                  reseller-agreement or addendum)\n"
     "  --library DIR   the clause library (default: $CLASM_LIBRARY, then the bundled one)\n"
     "  --report FILE   also write the plan, the output names and their SHA-256 as JSON\n"
     "  --memo FILE     also write the rationale memo for the approval file (a .docx: the\n"
     "                  deal, tier, escalation, risks, each clause and why, defaults)\n"
     "  --list FILE     screen the parties against a restricted-party list (repeatable;\n"
     "                  default: the library's screening.list); see clasm screen\n"
     "  --allow-unscreened  draft although a screening hit is undecided (a warning then)\n"
     "  --strict        treat warnings (uncovered risks, escalation, suggested risks the\n"
     "                  deal has not decided on) as errors\n"
     "\n"
     "Examples (contract managers):\n"
     "  clasm assemble deals/Q-2026-0117.yaml\n"
     "  clasm assemble deals/Q-2026-0117.yaml -t our-msa.docx -o draft.docx --report why.json\n"
     "  clasm assemble deals/Q-2026-0142.yaml --document eula -o eula.docx\n"
     "  clasm assemble deals/Q-2026-0117.yaml --memo Q-2026-0117-memo.docx\n"},
    {"select", cmd_select,
     "select DEAL [--library DIR] [--document D] [--format text|json] [--memo MEMO.docx] "
     "[--list FILE] [--strict]",
     "show the plan: which clauses, why, what is uncovered, the tier",
     "Shows which clauses the deal gets and why, the risk tier and score, risks no clause\n"
     "covers, and whether the deal must go to counsel. Writes nothing. The plan is shown\n"
     "once the deal's facts are known; values its clauses or template still need are listed\n"
     "beside it (\"still to fill in\": the key, what it is for, which clauses use it; \"missing\"\n"
     "in JSON) with a warning each (missing-value).\n"
     "\n"
     "  --document D    contract, eula, reseller-agreement or addendum (default: every\n"
     "                  document the deal names)\n"
     "  --format F      text (for people, the default) or json (for tools)\n"
     "  --library DIR   the clause library\n"
     "  --memo FILE     write the plan's rationale memo (a .docx), values still missing listed\n"
     "  --list FILE     screen the parties against a restricted-party list (repeatable;\n"
     "                  default: the library's screening.list); see clasm screen\n"
     "  --strict        treat warnings as errors (exit 1)\n"
     "\n"
     "Examples:\n"
     "  clasm select deals/Q-2026-0142.yaml\n"
     "  clasm select deals/Q-2026-0142.yaml --document eula --format json\n"},
    {"batch", cmd_batch,
     "batch DEAL... -o DIR [-t TEMPLATE] [--document D] [--report FILE] [--skip-existing] "
     "[--memo] [--jobs N] [--library DIR] [--list FILE] [--allow-unscreened] [--strict]\n"
     "       clasm batch --deals DEALS.csv --base BASE.yaml -o DIR [options as above]",
     "many deals (files, folders of .yaml files, or a spreadsheet), every core",
     "Assembles many deals on every core. Without -t or --document, each deal's whole pack\n"
     "(every document it names, each with its bundled template; all or none per deal); with\n"
     "them, one template for every deal. One bad deal does not stop the others; the summary\n"
     "lists what failed and why. Drafts go to DIR/<id>-<document>.docx. Ctrl-C (or SIGTERM)\n"
     "lets the drafts in progress finish and starts no more; --skip-existing then resumes.\n"
     "\n"
     "  -o DIR          the output folder (created if missing)\n"
     "  -t TEMPLATE     one template for every deal; a template named contract, eula,\n"
     "                  reseller-agreement or addendum (.docx) says which document it is\n"
     "  --document D    which document of each deal to draw (with -t: which one the template\n"
     "                  is; default: from the template's name, else the deal's one document)\n"
     "  --report FILE   results.csv or results.json: one row per deal (deal, id, status,\n"
     "                  outputs, tier, score, escalate, missing values, errors)\n"
     "  --skip-existing leave drafts already in DIR as they are (resume a stopped run)\n"
     "  --memo          also write each deal's rationale memo, DIR/<id>-memo.docx, with its\n"
     "                  drafts (listed in the results as one of its outputs)\n"
     "  --deals CSV     the deals of a spreadsheet (RFC 4180, UTF-8): a header of deal paths\n"
     "                  (id, customer.name, customer.country, reseller.name, terms.fees,\n"
     "                  risks as a ;-separated list, ...), one row per deal\n"
     "  --base DEAL     the deal file each row of --deals changes (empty cells keep its values)\n"
     "  --jobs N        worker threads (default: one per core)\n"
     "  --library DIR   the clause library\n"
     "  --list FILE     screen the parties against a restricted-party list (repeatable;\n"
     "                  default: the library's screening.list); see clasm screen\n"
     "  --allow-unscreened  draft a deal although a screening hit is undecided\n"
     "  --strict        a deal with warnings fails\n"
     "\n"
     "Examples (sales ops):\n"
     "  clasm batch deals/ --document eula -o drafts/      # the EULA of every channel deal\n"
     "  clasm batch deals/ -o drafts/ --report drafts/results.csv    # every deal's pack\n"
     "  clasm batch --deals q1.csv --base base.yaml -o drafts/ --report drafts/results.json\n"},
    {"inspect", cmd_inspect, "inspect DRAFT [--library DIR] [--format text|json] [--as ROLE]",
     "which clauses a draft holds, and which changes need whose approval",
     "Reads a draft clasm assembled, also after it was edited and saved in Word or\n"
     "LibreOffice, and reports for each clause of its manifest whether it is unchanged,\n"
     "modified (with the words that changed), removed, or outdated (the library has a newer\n"
     "version), and any content controls clasm does not know. Each clause also gets its\n"
     "position against the playbook the draft records: standard, fallback N (an approved\n"
     "fallback, also after quotes, dashes and spacing changed) or deviation (with the diff\n"
     "against the nearest approved text), who must approve it, and any approval on record;\n"
     "text added between clauses is listed; a summary counts what is within your authority.\n"
     "Writes nothing.\n"
     "\n"
     "  --library DIR   the clause library to compare versions with\n"
     "  --format F      text (the default) or json\n"
     "  --as ROLE       whose authority the summary counts (default: the first role)\n"
     "\n"
     "Example (counsel, a draft back from negotiation):\n"
     "  clasm inspect Q-2026-0117-contract-redline.docx\n"},
    {"redline", cmd_redline,
     "redline DRAFT [-o OUT.docx] [--to standard|fallback:N] [--author NAME] [--date ISO] "
     "[--outgoing]",
     "the draft with every deviation undone as Word tracked changes",
     "Writes a copy of a returned draft in which every clause that deviates from its approved\n"
     "texts, or was deleted, is restored as Word tracked changes (insertions and deletions\n"
     "with author and date), with a comment on each saying what the playbook says and who\n"
     "must approve (with --outgoing: why, for the other side). Clauses in an approved text,\n"
     "and everything outside the clauses, are left as the other side wrote them. Open it in\n"
     "Word or LibreOffice to accept or reject.\n"
     "\n"
     "  -o OUT.docx     where to write (default: DRAFT-redline.docx beside the draft)\n"
     "  --to T          restore to: standard (default: the text the draft was made with) or\n"
     "                  fallback:N, for the clauses that have an approved fallback N\n"
     "  --author NAME   who the changes are by (default: clasm)\n"
     "  --date ISO      when (default: now), e.g. 2026-12-07T09:00:00Z\n"
     "  --outgoing      comments for the other side (why each clause is back), not for our\n"
     "                  counsel (by default: what the playbook says and who must approve,\n"
     "                  to delete before sending)\n"
     "  --library DIR   the clause library\n"
     "\n"
     "Example (counsel):\n"
     "  clasm redline returned.docx -o returned-redline.docx --author \"Northwind Legal\"\n"},
    {"approve", cmd_approve,
     "approve DRAFT --clause ID --as ROLE --by NAME [--note TEXT] [-o OUT.docx]",
     "record an approval of a negotiated clause in the draft",
     "Records in the draft's manifest that NAME, in ROLE, approved the clause's text as it\n"
     "now stands (who, role, when, the text's hash). Refused when the clause needs no\n"
     "approval or ROLE may not give it (a deviation needs the library's deviation approver,\n"
     "a fallback its own approver or above). inspect then shows the clause as approved, until\n"
     "its text changes again. The draft is rewritten in place unless -o is given.\n"
     "\n"
     "Example (compliance office):\n"
     "  clasm approve returned.docx --clause audit.on-site-audit --as compliance-office \\\n"
     "      --by \"A. Rivera\" --note \"remote audits acceptable for this customer\"\n"},
    {"screen", cmd_screen,
     "screen DEAL --list FILE [--list FILE...] [--library DIR] [--format text|json]",
     "screen the deal's parties against restricted-party lists",
     "Screens the deal's customer, reseller and end users against lists in the layout of the\n"
     "U.S. Consolidated Screening List's CSV download (download it yourself: clasm fetches\n"
     "nothing). Names are compared as screening tools do: case, accents and punctuation\n"
     "folded, legal forms such as Ltd or GmbH set aside, tokens matched in any order by\n"
     "Jaro-Winkler, rare words weighing more than common ones; a hit reaches the library's\n"
     "threshold (screening.threshold). Each hit shows the listed entry, its list and program,\n"
     "the score, the tokens that matched, and the deal's decision on it (screening: in the\n"
     "deal: cleared or confirmed, with a reason, who and when). Exit 1 while a hit is\n"
     "undecided. select and assemble take the same --list.\n"
     "\n"
     "  --list FILE     a list (repeat for several; default: the library's screening.list)\n"
     "  --format F      text (the default) or json\n"
     "  --library DIR   the clause library (its screening settings)\n"
     "\n"
     "Example (compliance office):\n"
     "  clasm screen deals/Q-2026-0142.yaml --list consolidated.csv\n"},
    {"lint", cmd_lint, "lint [DIR] [--format text|json] [--update-lock] [--strict]",
     "check a clause library for counsel (in CI too)",
     "Checks a clause library (default: $CLASM_LIBRARY, then the bundled one) and lists every\n"
     "problem with file:line:col: file formats, ids and references, expressions, placeholders\n"
     "no deal can supply, markup (unbalanced ** or _, list items out of order), defined\n"
     "terms and references to clauses that a draft of some document and tier would lack,\n"
     "risks no clause covers for a document, clauses no deal can select, and clauses whose\n"
     "text changed\n"
     "without a version bump (against DIR/library.lock). Ends with a summary: files, clauses,\n"
     "risks and coverage per document. Exit 1 when there is an error; warnings exit 0 unless\n"
     "--strict.\n"
     "\n"
     "  --format F      text (the default; problems on stderr) or json (one object on stdout)\n"
     "  --update-lock   rewrite DIR/library.lock (atomically) when the library has no other\n"
     "                  error, and print what changed\n"
     "  --strict        treat warnings as errors\n"
     "\n"
     "Examples (counsel):\n"
     "  clasm lint clauses/\n"
     "  clasm lint clauses/ --update-lock      # after bumping a changed clause's version\n"
     "  clasm lint clauses/ --format json --strict > lint.json   # in CI\n"},
    {"serve", cmd_serve,
     "serve [--port N] [--bind ADDR] [--library DIR] [--templates DIR] [--max-upload-mib N] "
     "[--request-timeout S] [--max-per-address N] [--list FILE]",
     "the questionnaire in a browser, on 127.0.0.1",
     "Serves the questionnaire: a page that builds the deal from the risk catalogue, shows\n"
     "the plan as risks are ticked and hands back the draft, its rationale and the deal file;\n"
     "and a page to inspect a draft. Integrations can call its JSON API (README). The\n"
     "library and the three templates are loaded once; nothing is read from disk per request.\n"
     "Prints the URL on stdout; stops on Ctrl-C.\n"
     "\n"
     "  --port N            the TCP port (default 8080; 0 picks a free one)\n"
     "  --bind ADDR         the address to listen on (default 127.0.0.1)\n"
     "  --library DIR       the clause library\n"
     "  --templates DIR     the folder of contract, eula, reseller-agreement and addendum.docx\n"
     "  --max-upload-mib N  the largest draft /api/inspect accepts (default 32)\n"
     "  --request-timeout S\n"
     "                      seconds a client has to send a whole request, headers and\n"
     "                      body, from connecting (or from its previous answer); then its\n"
     "                      connection is closed without an answer (default 30)\n"
     "  --max-per-address N\n"
     "                      connections from one client address; more are closed at once\n"
     "                      (default 64; 128, the server's limit, behind a reverse proxy)\n"
     "  --list FILE     screen every deal against a restricted-party list (repeatable;\n"
     "                  default: the library's screening.list): a draft with an undecided\n"
     "                  hit is refused unless ?allow_unscreened=1\n"
     "\n"
     "At most 128 connections are served at once. When all are taken, a new one replaces\n"
     "the oldest that has been sending its request for over 2 s, or else is answered 503\n"
     "(server-busy, with Retry-After).\n"
     "\n"
     "Example (a contract manager):\n"
     "  clasm serve --port 8080      then open http://127.0.0.1:8080/\n"},
};

static const size_t ncommands = sizeof commands / sizeof commands[0];

static void print_usage(FILE *out)
{
    fputs("usage: clasm COMMAND [ARGS]   (clasm COMMAND --help for its options)\n\n", out);
    for (size_t i = 0; i < ncommands; i++)
        fprintf(out, "  %s\n      %s\n", commands[i].synopsis, commands[i].summary);
    fputs("\nThe clause library and templates are found from any folder: --library / -t first,\n"
          "then $CLASM_LIBRARY / $CLASM_TEMPLATES, then beside the binary, then the install "
          "prefix.\n"
          "Exit: 0 ok, 1 the input is wrong, 2 usage, 3 I/O or internal failure.\n",
          out);
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("a command is required%s", NULL);
    /* A file-size limit (ulimit -f) must fail the write (EFBIG: a message,
     * exit 3, nothing left), not kill clasm with SIGXFSZ mid-file. */
    signal(SIGXFSZ, SIG_IGN);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            for (size_t i = 0; i < ncommands; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    printf("usage: clasm %s\n\n%s", commands[i].synopsis, commands[i].help);
                    return CLASM_OK;
                }
            return usage_error("no command named %s", argv[2]);
        }
        print_usage(stdout);
        return CLASM_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("clasm " CLASM_VERSION);
        return CLASM_OK;
    }
    for (size_t i = 0; i < ncommands; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (wants_help(argc - 2, argv + 2)) {
            printf("usage: clasm %s\n\n%s", commands[i].synopsis, commands[i].help);
            return CLASM_OK;
        }
        return commands[i].run(argc - 2, argv + 2);
    }
    return usage_error("unknown command %s", cmd);
}

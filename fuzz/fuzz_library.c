/* libFuzzer harness: the clause library loader (library.yaml, the risk
 * catalogue, clause files: keys, ids, expressions, requires/excludes/replaces
 * references and cycles, fingerprint), then lint over the same folder.
 *
 * clasm_library_load reads a folder, so each input is written into a scratch
 * library made once per process from the project's clauses/library.yaml and
 * clauses/risks.yaml. The input is one or more files separated by a line
 * "#~" (a YAML comment, so seeds stay valid YAML). A first file whose first
 * line names the countries, risks or library schema replaces countries.yaml,
 * risks.yaml or library.yaml; every other file is a clause, put in the
 * category folder its "category:" line names (or definitions/). */
#include "clasm.h"
#include "fuzz_util.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 8
#define SEP "\n#~\n"

typedef struct {
    char dir[256];
    unsigned char *library, *risks, *countries;
    size_t library_len, risks_len, countries_len;
    char *written[MAX_FILES + 3];
    size_t nwritten;
} scratch;

/* memmem, which C11 and POSIX lack. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static scratch *scratch_get(void)
{
    static scratch s;
    static int ready;
    if (ready)
        return &s;
    ready = 1;
    snprintf(s.dir, sizeof s.dir, "/tmp/clasm-fuzz-lib-XXXXXX");
    if (!mkdtemp(s.dir))
        abort();
    s.library = fuzz_read_project("clauses/library.yaml", &s.library_len);
    s.risks = fuzz_read_project("clauses/risks.yaml", &s.risks_len);
    s.countries = fuzz_read_project("clauses/countries.yaml", &s.countries_len);
    if (!s.library || !s.risks || !s.countries)
        abort();
    DIR *d = opendir(FUZZ_ROOT "/clauses");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", s.dir, e->d_name);
        mkdir(p, 0700);
    }
    if (d)
        closedir(d);
    return &s;
}

static void put(scratch *s, const char *rel, const void *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", s->dir, rel);
    if (fuzz_write(p, data, len) != 0)
        return;
    s->written[s->nwritten++] = strdup(p);
}

/* The category folder a clause file names, when it is one of ours. */
static void category_of(const scratch *s, const char *text, size_t len, char *out, size_t outsz)
{
    snprintf(out, outsz, "definitions");
    const char *k = find(text, len, "\ncategory:", 10);
    if (!k)
        return;
    k += 10;
    while (k < text + len && *k == ' ')
        k++;
    size_t n = 0;
    while (k + n < text + len && n < 63 && ((k[n] >= 'a' && k[n] <= 'z') || k[n] == '-'))
        n++;
    if (n == 0)
        return;
    char p[512];
    snprintf(p, sizeof p, "%s/%.*s", s->dir, (int)n, k);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, outsz, "%.*s", (int)n, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scratch *s = scratch_get();
    const char *text = (const char *)data;
    const char *end = text + size;
    int have_lib = 0, have_risks = 0, have_countries = 0;
    size_t nclauses = 0;
    for (size_t i = 0; i < MAX_FILES && text <= end; i++) {
        const char *sep = find(text, (size_t)(end - text), SEP, 4);
        size_t len = sep ? (size_t)(sep - text) : (size_t)(end - text);
        const char *nl = memchr(text, '\n', len);
        size_t first = nl ? (size_t)(nl - text) : len;
        if (i == 0 && find(text, first, "countries", 9)) {
            put(s, "countries.yaml", text, len);
            have_countries = 1;
        } else if (i == 0 && find(text, first, "risks", 5)) {
            put(s, "risks.yaml", text, len);
            have_risks = 1;
        } else if (i == 0 && find(text, first, "library", 7)) {
            put(s, "library.yaml", text, len);
            have_lib = 1;
        } else {
            char cat[64], rel[128];
            category_of(s, text, len, cat, sizeof cat);
            snprintf(rel, sizeof rel, "%s/c%zu.yaml", cat, nclauses++);
            put(s, rel, text, len);
        }
        if (!sep)
            break;
        text = sep + 4;
    }
    if (!have_lib)
        put(s, "library.yaml", s->library, s->library_len);
    if (!have_risks)
        put(s, "risks.yaml", s->risks, s->risks_len);
    if (!have_countries)
        put(s, "countries.yaml", s->countries, s->countries_len);

    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    clasm_status st = clasm_library_load(s->dir, &lib, &d);
    fuzz_check_status(st, lib, &d);
    clasm_library_free(lib);
    clasm_diags_free(&d);

    /* lint: everything loading checks and more, on the same folder. */
    clasm_diags ld;
    clasm_diags_init(&ld);
    clasm_lint_options opt = {0, 0, NULL};
    clasm_lint_report *report = NULL;
    st = clasm_lint(s->dir, &opt, &report, &ld);
    fuzz_check_diags(&ld);
    if (st == CLASM_E_INPUT && clasm_diags_errors(&ld) == 0)
        abort();
    if (report) {
        free(clasm_lint_json(report, &ld));
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            clasm_lint_print_text(null, report, &ld);
            fclose(null);
        }
        clasm_lint_report_free(report);
    }
    clasm_diags_free(&ld);

    for (size_t i = 0; i < s->nwritten; i++) {
        unlink(s->written[i]);
        free(s->written[i]);
    }
    s->nwritten = 0;
    return 0;
}

/* Where the clause library and the templates live, seen from the binary. */
#include "clasm.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLASM_DATADIR
#define CLASM_DATADIR "/usr/local/share/clasm"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* dir/name when it is a folder, else NULL. */
static char *existing(const char *dir, const char *name)
{
    char *p = join(dir, name);
    if (p && is_dir(p))
        return p;
    free(p);
    return NULL;
}

char *clasm_find_data(const char *what)
{
    const char *var = strcmp(what, "clauses") == 0 ? "CLASM_LIBRARY" : "CLASM_TEMPLATES";
    const char *env = getenv(var);
    if (env && *env)
        return is_dir(env) ? strdup(env) : NULL;

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0'; /* the binary's folder */
            char *found = existing(exe, what);
            if (found)
                return found;
            slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0'; /* the folder above: build/clasm in a source tree */
                found = existing(exe[0] ? exe : "/", what);
                if (found)
                    return found;
                /* PREFIX/bin/clasm with its data in PREFIX/share/clasm */
                char *share = join(exe, "share/clasm");
                found = share ? existing(share, what) : NULL;
                free(share);
                if (found)
                    return found;
            }
        }
    }
    return existing(CLASM_DATADIR, what);
}

/* Writing outputs (output.c): the one rule for destinations, staging that
 * leaves nothing behind (anonymous files and the named fallback), sets of
 * files committed together, and the sweep of stale temporary files. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "clasm.h"

typedef struct {
    char dir[64];
} tmpdir;

static void make_dir(tmpdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/clasm-output-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

static void path_in(const tmpdir *t, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", t->dir, name);
}

/* Names in the folder, "." and ".." left out, sorted, joined by spaces. */
static void listing(const tmpdir *t, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(t->dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
            if (out[0])
                strncat(out, " ", size - strlen(out) - 1);
            strncat(out, names[i]->d_name, size - strlen(out) - 1);
        }
        free(names[i]);
    }
    free(names);
}

static void remove_dir(tmpdir *t)
{
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        path_in(t, e->d_name, p, sizeof p);
        unlink(p);
    }
    closedir(d);
    assert_int_equal(rmdir(t->dir), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Sets a file's times back by age seconds. */
static void age_file(const char *path, int age)
{
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= age;
    tv[1] = tv[0];
    assert_int_equal(lutimes(path, tv), 0);
}

static void assert_refused(const char *path, const char *id, const char *text)
{
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_write_file(path, "x", 1, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, id);
    assert_non_null(strstr(d.items[0].message, text));
    clasm_diags_free(&d);
}

static void test_writes_and_replaces(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    char out[256], names[512];
    path_in(&t, "out.txt", out, sizeof out);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_write_file(out, "first", 5, &d), CLASM_OK);
    assert_string_equal(read_text(out), "first");
    /* An existing regular file is replaced as a whole. */
    assert_int_equal(clasm_write_file(out, "second", 6, &d), CLASM_OK);
    assert_string_equal(read_text(out), "second");
    assert_int_equal(d.count, 0);
    listing(&t, names, sizeof names);
    assert_string_equal(names, "out.txt"); /* no temporary file left */
    /* The umask decides the mode, as for any file a tool creates. */
    mode_t old = umask(077);
    char priv[256];
    path_in(&t, "private.txt", priv, sizeof priv);
    assert_int_equal(clasm_write_file(priv, "secret", 6, &d), CLASM_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(priv, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    clasm_diags_free(&d);
    remove_dir(&t);
}

static void test_refused_destinations(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    char p[512], target[256], names[512];
    /* A symbolic link: neither replaced nor written through. */
    path_in(&t, "target.txt", target, sizeof target);
    write_text(target, "keep");
    path_in(&t, "link.txt", p, sizeof p);
    assert_int_equal(symlink("target.txt", p), 0);
    assert_refused(p, "output-is-symlink", "is a symbolic link to target.txt");
    assert_string_equal(read_text(target), "keep");
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* A dangling link too. */
    path_in(&t, "dangling.txt", p, sizeof p);
    assert_int_equal(symlink("nowhere.txt", p), 0);
    assert_refused(p, "output-is-symlink", "symbolic link");
    /* Devices, pipes, folders, kernel file systems. */
    assert_refused("/dev/null", "output-not-a-file", "device, pipe or socket");
    assert_refused("/dev/stdout", "output-is-symlink", "symbolic link");
    assert_refused("/proc/clasm-test.txt", "output-not-a-file", "kernel's proc file system");
    path_in(&t, "pipe", p, sizeof p);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_refused(p, "output-not-a-file", "device, pipe or socket");
    assert_refused(t.dir, "output-is-folder", "is a folder");
    snprintf(p, sizeof p, "%s/", t.dir);
    assert_refused(p, "output-is-folder", "names a folder");
    /* Missing folders and names too long are the user's path, not I/O. */
    path_in(&t, "no/such/out.txt", p, sizeof p);
    assert_refused(p, "output-folder-missing", "does not exist");
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = '\0';
    path_in(&t, longname, p, sizeof p);
    assert_refused(p, "output-name-too-long", "more than the 255");
    listing(&t, names, sizeof names);
    assert_string_equal(names, "dangling.txt link.txt pipe target.txt");
    remove_dir(&t);
}

static void test_longest_name_fits(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    /* The temporary name does not grow with the destination's: a name of
     * the file system's maximum length can be written. */
    char longname[300], p[512], names[512];
    memset(longname, 'm', 255);
    longname[255] = '\0';
    path_in(&t, longname, p, sizeof p);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_write_file(p, "x", 1, &d), CLASM_OK);
    assert_int_equal(clasm_write_file(p, "y", 1, &d), CLASM_OK); /* replacing it too */
    assert_string_equal(read_text(p), "y");
    listing(&t, names, sizeof names);
    assert_string_equal(names, longname);
    clasm_diags_free(&d);
    remove_dir(&t);
}

/* The first name in the folder that looks like clasm's temporary file. */
static int find_tmp(const tmpdir *t, char *out, size_t size)
{
    DIR *d = opendir(t->dir);
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, ".clasm-", 7) == 0) {
            path_in(t, e->d_name, out, size);
            found = 1;
        }
    closedir(d);
    return found;
}

static void run_set(unsigned flags)
{
    tmpdir t;
    make_dir(&t);
    char a[256], b[256], names[512], tmp[512];
    path_in(&t, "a.txt", a, sizeof a);
    path_in(&t, "b.txt", b, sizeof b);
    write_text(b, "old b");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_outputs *set;
    assert_int_equal(clasm_outputs_new(&set, flags, &d), CLASM_OK);
    assert_int_equal(clasm_outputs_add(set, a, "new a", 5, &d), CLASM_OK);
    assert_int_equal(clasm_outputs_add(set, b, "new b", 5, &d), CLASM_OK);
    /* The same destination twice in one set is refused. */
    assert_int_equal(clasm_outputs_add(set, a, "again", 5, &d), CLASM_E_INPUT);
    assert_string_equal(d.items[0].id, "output-clash");
    /* Staged: nothing visible under the destinations' names. */
    assert_null(read_text(a));
    assert_string_equal(read_text(b), "old b");
    if (flags & CLASM_OUTPUTS_NAMED_STAGING) {
        /* The fallback's files are locked: a sweep leaves them, however old. */
        assert_true(find_tmp(&t, tmp, sizeof tmp));
        age_file(tmp, 3600);
        assert_int_equal(clasm_sweep_stale(t.dir), 0);
    } else {
        assert_false(find_tmp(&t, tmp, sizeof tmp)); /* anonymous */
    }
    assert_int_equal(clasm_outputs_commit(set, &d), CLASM_OK);
    clasm_outputs_free(set);
    assert_string_equal(read_text(a), "new a");
    assert_string_equal(read_text(b), "new b");
    listing(&t, names, sizeof names);
    assert_string_equal(names, "a.txt b.txt");
    /* A set dropped before its commit leaves nothing. */
    assert_int_equal(clasm_outputs_new(&set, flags, &d), CLASM_OK);
    char c[256];
    path_in(&t, "c.txt", c, sizeof c);
    assert_int_equal(clasm_outputs_add(set, c, "never", 5, &d), CLASM_OK);
    assert_int_equal(clasm_outputs_add(set, a, "never", 5, &d), CLASM_OK);
    clasm_outputs_free(set);
    listing(&t, names, sizeof names);
    assert_string_equal(names, "a.txt b.txt");
    assert_string_equal(read_text(a), "new a");
    clasm_diags_free(&d);
    remove_dir(&t);
}

static void test_set_anonymous(void **state)
{
    (void)state;
    run_set(0);
}

static void test_set_named_fallback(void **state)
{
    (void)state;
    run_set(CLASM_OUTPUTS_NAMED_STAGING);
}

static void test_sweep(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    char p[512], names[1024];
    /* Stale: clasm's name, old, regular, locked by nobody. */
    path_in(&t, ".clasm-0123456789ab.tmp", p, sizeof p);
    write_text(p, "left by kill -9");
    age_file(p, 60);
    /* Young: may be a run between creating and locking its file. */
    path_in(&t, ".clasm-young0000000.tmp", p, sizeof p);
    write_text(p, "young");
    /* Held: a live run's file. */
    char held[512];
    path_in(&t, ".clasm-held00000000.tmp", held, sizeof held);
    write_text(held, "held");
    age_file(held, 60);
    int fd = open(held, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    /* Not clasm's: other names, a link, a folder. */
    path_in(&t, ".clasm-short.tmp", p, sizeof p);
    write_text(p, "other");
    age_file(p, 60);
    path_in(&t, ".clasm-UPPERCASE000.tmp", p, sizeof p);
    write_text(p, "other");
    age_file(p, 60);
    path_in(&t, ".clasm-link00000000.tmp", p, sizeof p);
    assert_int_equal(symlink(".clasm-short.tmp", p), 0);
    age_file(p, 60);
    path_in(&t, ".clasm-dir000000000.tmp", p, sizeof p);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(clasm_sweep_stale(t.dir), 1);
    listing(&t, names, sizeof names);
    assert_string_equal(names, ".clasm-UPPERCASE000.tmp .clasm-dir000000000.tmp "
                               ".clasm-held00000000.tmp .clasm-link00000000.tmp "
                               ".clasm-short.tmp .clasm-young0000000.tmp");
    close(fd);
    /* Once its holder is gone, the held file is stale too. */
    assert_int_equal(clasm_sweep_stale(t.dir), 1);
    rmdir(p);
    remove_dir(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_and_replaces), cmocka_unit_test(test_refused_destinations),
        cmocka_unit_test(test_longest_name_fits),   cmocka_unit_test(test_set_anonymous),
        cmocka_unit_test(test_set_named_fallback),  cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

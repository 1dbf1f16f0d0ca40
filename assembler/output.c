/* Writing outputs: drafts, reports, lock files. One routine for the CLI,
 * batch and anything else that writes a file the user named.
 *
 * The rule for a destination: it is a regular file or does not exist yet;
 * a symbolic link, a folder, a device, pipe or socket is refused, and so is
 * a folder of a kernel file system (/proc, /sys). Replacing a link would
 * silently cut it (as root, `--report /dev/stdout` replaced /dev/stdout for
 * the whole machine), and writing through it would write where the user did
 * not look; refusing says so and costs one `readlink` to fix.
 *
 * Staging: the bytes go to an anonymous file in the destination's folder
 * (O_TMPFILE), opened relative to that folder, synced, and linked into
 * place only when complete; a run killed at any point before leaves
 * nothing. Where the file system has no O_TMPFILE, or /proc is missing
 * (the link then needs a name), a file named `.clasm-XXXXXXXXXXXX.tmp`
 * (random) is used instead, locked with flock for as long as it lives;
 * clasm_sweep_stale removes such files that nobody holds. The same name is
 * used for the instant between linking an anonymous file and renaming it
 * over an existing destination; stop signals are held off in that instant.
 *
 * A set of outputs (a deal pack and its report) is committed under an
 * exclusive flock on each destination folder, so two runs writing the same
 * names leave the files of one run, never a mix. */
#define _GNU_SOURCE /* O_TMPFILE, AT_EMPTY_PATH */
#include "clasm.h"

#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

/* ".clasm-" + 12 random characters + ".tmp": short, so a destination name
 * of the file system's maximum length still has room beside it. */
#define TMP_PREFIX ".clasm-"
#define TMP_RANDOM 12
#define TMP_SUFFIX ".tmp"
#define TMP_NAME_LEN (sizeof TMP_PREFIX - 1 + TMP_RANDOM + sizeof TMP_SUFFIX - 1)

/* A stale temporary file must be at least this old (seconds) before a sweep
 * removes it: the instant between creating a named file and locking it. */
#define SWEEP_MIN_AGE 5

typedef struct {
    char *path;                 /* as the user gave it, for messages */
    char *base;                 /* the destination's name in its folder */
    int dirfd;                  /* the destination's folder */
    int fd;                     /* the staged file, or -1 once committed */
    char tmp[TMP_NAME_LEN + 1]; /* the staged file's name; "" when anonymous */
    dev_t dir_dev;
    ino_t dir_ino;
} staged_file;

struct clasm_outputs {
    staged_file *items;
    size_t count, capacity;
    unsigned flags;
};

static const char *const tmp_alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/* A fresh random temporary name. 0, or -1 when no randomness is available. */
static int random_tmp_name(char out[TMP_NAME_LEN + 1])
{
    unsigned char r[TMP_RANDOM];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    char *o = out;
    memcpy(o, TMP_PREFIX, sizeof TMP_PREFIX - 1);
    o += sizeof TMP_PREFIX - 1;
    for (size_t i = 0; i < TMP_RANDOM; i++)
        *o++ = tmp_alphabet[r[i] % 36];
    memcpy(o, TMP_SUFFIX, sizeof TMP_SUFFIX); /* with its NUL */
    return 0;
}

/* 1 when name is one of clasm's temporary names. */
static int is_tmp_name(const char *name)
{
    if (strlen(name) != TMP_NAME_LEN || strncmp(name, TMP_PREFIX, sizeof TMP_PREFIX - 1) != 0 ||
        strcmp(name + TMP_NAME_LEN - (sizeof TMP_SUFFIX - 1), TMP_SUFFIX) != 0)
        return 0;
    for (size_t i = 0; i < TMP_RANDOM; i++)
        if (!strchr(tmp_alphabet, name[sizeof TMP_PREFIX - 1 + i]))
            return 0;
    return 1;
}

/* Errors that mean the path the user gave is wrong (exit 1), not that the
 * machine failed (exit 3). */
static int users_errno(int err)
{
    return err == EACCES || err == EPERM || err == EROFS || err == ENOENT || err == ENOTDIR ||
           err == ENAMETOOLONG || err == ELOOP;
}

static clasm_status fail_errno(clasm_diags *diags, const char *path, const char *doing, int err)
{
    if (err == ENOMEM) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0, "cannot %s %s: %s", doing,
                path, strerror(err));
        return CLASM_E_IO;
    }
    if (err == ENAMETOOLONG) {
        diag_at(diags, CLASM_SEV_ERROR, "output-name-too-long", path, 0, 0,
                "cannot write %s: the name is too long for the file system; choose a shorter "
                "one",
                path);
        return CLASM_E_INPUT;
    }
    int users = users_errno(err);
    diag_at(diags, CLASM_SEV_ERROR, users ? "output-not-writable" : "io-error", path, 0, 0,
            "cannot %s %s: %s", doing, path, strerror(err));
    return users ? CLASM_E_INPUT : CLASM_E_IO;
}

/* The folder part of path ("." when none) and its last component. */
static int split_path(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *dir = strdup(".");
        *base = path;
    } else {
        *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
        *base = slash + 1;
    }
    return *dir ? 0 : -1;
}

/* Kernel file systems hold no user files: /proc, /sys and their kin. */
static const char *kernel_fs(long type)
{
    switch (type) {
    case PROC_SUPER_MAGIC:
        return "proc";
    case SYSFS_MAGIC:
        return "sysfs";
    case DEVPTS_SUPER_MAGIC:
        return "devpts";
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
        return "cgroup";
    case DEBUGFS_MAGIC:
        return "debugfs";
    case SECURITYFS_MAGIC:
        return "securityfs";
    default:
        return NULL;
    }
}

/* Checks the destination base in the open folder dirfd (see the rule at the
 * top). Returns CLASM_OK or the status of the diagnostic it added. */
static clasm_status check_destination(int dirfd, const char *dir, const char *base,
                                      const char *path, clasm_diags *diags)
{
    if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        diag_at(diags, CLASM_SEV_ERROR, "output-is-folder", path, 0, 0,
                "cannot write %s: it names a folder, not a file", path);
        return CLASM_E_INPUT;
    }
    long name_max = fpathconf(dirfd, _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = NAME_MAX;
    if (strlen(base) > (size_t)name_max) {
        diag_at(diags, CLASM_SEV_ERROR, "output-name-too-long", path, 0, 0,
                "cannot write %s: the name has %zu bytes, more than the %ld the file system "
                "allows; choose a shorter one",
                path, strlen(base), name_max);
        return CLASM_E_INPUT;
    }
    struct statfs fs;
    const char *kind = fstatfs(dirfd, &fs) == 0 ? kernel_fs((long)fs.f_type) : NULL;
    if (kind) {
        diag_at(diags, CLASM_SEV_ERROR, "output-not-a-file", path, 0, 0,
                "cannot write %s: the folder %s is the kernel's %s file system, not a place for "
                "files; name a file elsewhere",
                path, dir, kind);
        return CLASM_E_INPUT;
    }
    struct stat st;
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? CLASM_OK : fail_errno(diags, path, "write", errno);
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(dirfd, base, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        diag_at(diags, CLASM_SEV_ERROR, "output-is-symlink", path, 0, 0,
                "cannot write %s: it is a symbolic link%s%s; clasm does not replace or write "
                "through links: name the file itself, or remove the link",
                path, n > 0 ? " to " : "", target);
        return CLASM_E_INPUT;
    }
    if (S_ISDIR(st.st_mode)) {
        diag_at(diags, CLASM_SEV_ERROR, "output-is-folder", path, 0, 0,
                "cannot write %s: it is a folder; name a file", path);
        return CLASM_E_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_at(diags, CLASM_SEV_ERROR, "output-not-a-file", path, 0, 0,
                "cannot write %s: it is a device, pipe or socket, not a regular file; name a "
                "file",
                path);
        return CLASM_E_INPUT;
    }
    return CLASM_OK;
}

/* Opens path's folder and checks the destination. On success *dirfd is
 * open and *base points into path. */
static clasm_status open_destination(const char *path, int *dirfd, const char **base,
                                     clasm_diags *diags)
{
    *dirfd = -1;
    if (!path || !path[0]) {
        diag_at(diags, CLASM_SEV_ERROR, "output-is-folder", path, 0, 0, "no output file named");
        return CLASM_E_USAGE;
    }
    if (strlen(path) >= PATH_MAX)
        return fail_errno(diags, path, "write", ENAMETOOLONG);
    char *dir = NULL;
    if (split_path(path, &dir, base) != 0)
        return fail_errno(diags, path, "write", ENOMEM);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    clasm_status s = CLASM_OK;
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            diag_at(diags, CLASM_SEV_ERROR, "output-folder-missing", path, 0, 0,
                    "cannot write %s: the folder %s does not exist", path, dir);
            s = CLASM_E_INPUT;
        } else {
            s = fail_errno(diags, path, "write", err);
        }
    } else {
        s = check_destination(fd, dir, *base, path, diags);
    }
    free(dir);
    if (s != CLASM_OK) {
        if (fd >= 0)
            close(fd);
        return s;
    }
    *dirfd = fd;
    return CLASM_OK;
}

clasm_status clasm_output_check(const char *path, clasm_diags *diags)
{
    int dirfd;
    const char *base;
    clasm_status s = open_destination(path, &dirfd, &base, diags);
    if (dirfd >= 0)
        close(dirfd);
    return s;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

/* Whether an anonymous file can be given a name later without privileges:
 * through /proc/self/fd (root may also use AT_EMPTY_PATH). */
static int can_link_anonymous(void)
{
    return geteuid() == 0 || access("/proc/self/fd", X_OK) == 0;
}

/* Creates a named temporary file in dirfd, locked; its name goes to name. */
static int create_named(int dirfd, char name[TMP_NAME_LEN + 1])
{
    for (int tries = 0; tries < 100; tries++) {
        if (random_tmp_name(name) != 0)
            return -1;
        int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno != ENOLCK && errno != EINVAL &&
            errno != EOPNOTSUPP) {
            int err = errno;
            unlinkat(dirfd, name, 0);
            close(fd);
            errno = err;
            return -1;
        }
        return fd;
    }
    errno = EEXIST;
    return -1;
}

clasm_status clasm_outputs_new(clasm_outputs **out, unsigned flags, clasm_diags *diags)
{
    *out = calloc(1, sizeof **out);
    if (!*out) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0, "out of memory");
        return CLASM_E_IO;
    }
    (*out)->flags = flags;
    return CLASM_OK;
}

static void discard(staged_file *f)
{
    if (f->fd >= 0) {
        if (f->tmp[0])
            unlinkat(f->dirfd, f->tmp, 0);
        close(f->fd);
        f->fd = -1;
    }
    if (f->dirfd >= 0)
        close(f->dirfd);
    f->dirfd = -1;
    free(f->path);
    free(f->base);
    f->path = f->base = NULL;
}

void clasm_outputs_free(clasm_outputs *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        discard(&set->items[i]);
    free(set->items);
    free(set);
}

clasm_status clasm_outputs_add(clasm_outputs *set, const char *path, const void *data, size_t len,
                               clasm_diags *diags)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i].path, path) == 0) {
            diag_at(diags, CLASM_SEV_ERROR, "output-clash", path, 0, 0,
                    "%s would be written twice in one run; give each output its own file", path);
            return CLASM_E_INPUT;
        }
    if (set->count == set->capacity) {
        size_t cap = set->capacity ? 2 * set->capacity : 4;
        staged_file *items = realloc(set->items, cap * sizeof *items);
        if (!items)
            return fail_errno(diags, path, "write", ENOMEM);
        set->items = items;
        set->capacity = cap;
    }
    staged_file f = {.dirfd = -1, .fd = -1};
    const char *base;
    clasm_status s = open_destination(path, &f.dirfd, &base, diags);
    if (s != CLASM_OK)
        return s;
    struct stat dst;
    f.path = strdup(path);
    f.base = strdup(base);
    if (!f.path || !f.base || fstat(f.dirfd, &dst) != 0) {
        s = fail_errno(diags, path, "write", f.path && f.base ? errno : ENOMEM);
        discard(&f);
        return s;
    }
    f.dir_dev = dst.st_dev;
    f.dir_ino = dst.st_ino;
    if (!(set->flags & CLASM_OUTPUTS_NAMED_STAGING) && can_link_anonymous()) {
        f.fd = openat(f.dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        if (f.fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL &&
            errno != ENOENT) {
            s = fail_errno(diags, path, "create a temporary file beside", errno);
            discard(&f);
            return s;
        }
        if (f.fd >= 0)
            flock(f.fd, LOCK_EX | LOCK_NB); /* seen by sweeps once it has a name */
    }
    if (f.fd < 0) {
        f.fd = create_named(f.dirfd, f.tmp);
        if (f.fd < 0) {
            s = fail_errno(diags, path, "create a temporary file beside", errno);
            f.tmp[0] = '\0';
            discard(&f);
            return s;
        }
    }
    if (write_all(f.fd, data, len) != 0 || fsync(f.fd) != 0) {
        s = fail_errno(diags, path, "write", errno);
        discard(&f);
        return s;
    }
    set->items[set->count++] = f;
    return CLASM_OK;
}

/* Gives the anonymous file fd the name name in dirfd. */
static int link_anonymous(int fd, int dirfd, const char *name)
{
    if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
        return 0;
    if (errno == EEXIST)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
}

/* Puts one staged file in place. */
static clasm_status commit_one(staged_file *f, clasm_diags *diags)
{
    int rc;
    if (f->tmp[0]) {
        rc = renameat(f->dirfd, f->tmp, f->dirfd, f->base);
    } else {
        rc = link_anonymous(f->fd, f->dirfd, f->base);
        if (rc != 0 && errno == EEXIST) {
            /* The destination exists: link under a temporary name, then
             * rename over it (a rename replaces; a link does not). */
            for (int tries = 0; tries < 100; tries++) {
                if (random_tmp_name(f->tmp) != 0)
                    break;
                rc = link_anonymous(f->fd, f->dirfd, f->tmp);
                if (rc == 0 || errno != EEXIST)
                    break;
            }
            if (rc == 0) {
                rc = renameat(f->dirfd, f->tmp, f->dirfd, f->base);
                if (rc != 0) {
                    int err = errno;
                    unlinkat(f->dirfd, f->tmp, 0);
                    errno = err;
                }
            }
            f->tmp[0] = '\0';
        }
    }
    if (rc != 0) {
        int err = errno;
        if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
            diag_at(diags, CLASM_SEV_ERROR, "output-is-folder", f->path, 0, 0,
                    "cannot write %s: it is a folder; name a file", f->path);
            return CLASM_E_INPUT;
        }
        return fail_errno(diags, f->path, "write", err);
    }
    f->tmp[0] = '\0';
    close(f->fd);
    f->fd = -1;
    return CLASM_OK;
}

static int cmp_folder(const void *a, const void *b)
{
    const staged_file *x = *(staged_file *const *)a, *y = *(staged_file *const *)b;
    if (x->dir_dev != y->dir_dev)
        return x->dir_dev < y->dir_dev ? -1 : 1;
    return x->dir_ino < y->dir_ino ? -1 : x->dir_ino > y->dir_ino;
}

clasm_status clasm_outputs_commit(clasm_outputs *set, clasm_diags *diags)
{
    /* Lock each destination folder once, in a fixed order (no deadlock
     * between two runs), when more than one file goes in together. A
     * file system without flock on folders just goes unlocked. */
    staged_file **order = NULL;
    if (set->count > 1) {
        order = malloc(set->count * sizeof *order);
        if (!order)
            return fail_errno(diags, set->items[0].path, "write", ENOMEM);
        for (size_t i = 0; i < set->count; i++)
            order[i] = &set->items[i];
        qsort(order, set->count, sizeof *order, cmp_folder);
        for (size_t i = 0; i < set->count; i++)
            if (i == 0 || cmp_folder(&order[i - 1], &order[i]) != 0)
                while (flock(order[i]->dirfd, LOCK_EX) != 0 && errno == EINTR)
                    ;
    }
    /* Stop signals wait until every file is in place: a signal between
     * linking and renaming would leave a temporary name behind. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGQUIT);
    int masked = pthread_sigmask(SIG_BLOCK, &stop, &old) == 0;
    clasm_status s = CLASM_OK;
    for (size_t i = 0; i < set->count && s == CLASM_OK; i++)
        if (set->items[i].fd >= 0)
            s = commit_one(&set->items[i], diags);
    if (masked)
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (order) {
        for (size_t i = 0; i < set->count; i++)
            if (i == 0 || cmp_folder(&order[i - 1], &order[i]) != 0)
                flock(order[i]->dirfd, LOCK_UN);
        free(order);
    }
    return s;
}

clasm_status clasm_write_file(const char *path, const void *data, size_t len, clasm_diags *diags)
{
    clasm_outputs *set;
    clasm_status s = clasm_outputs_new(&set, 0, diags);
    if (s != CLASM_OK)
        return s;
    s = clasm_outputs_add(set, path, data, len, diags);
    if (s == CLASM_OK)
        s = clasm_outputs_commit(set, diags);
    clasm_outputs_free(set);
    return s;
}

size_t clasm_sweep_stale(const char *folder)
{
    int dirfd = open(folder && folder[0] ? folder : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return 0;
    int listfd = dup(dirfd);
    DIR *d = listfd >= 0 ? fdopendir(listfd) : NULL;
    if (!d) {
        if (listfd >= 0)
            close(listfd);
        close(dirfd);
        return 0;
    }
    size_t removed = 0;
    time_t now = time(NULL);
    uid_t me = geteuid();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_tmp_name(e->d_name))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != me || now - st.st_mtime < SWEEP_MIN_AGE)
            continue;
        int fd = openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat fst;
        /* The name still names the file looked at, and nobody holds it. */
        if (fstat(fd, &fst) == 0 && fst.st_ino == st.st_ino && fst.st_dev == st.st_dev &&
            flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dirfd, e->d_name, 0) == 0)
            removed++;
        close(fd);
    }
    closedir(d);
    close(dirfd);
    return removed;
}

/*
 * /proc/self as a program sees it, checked against what the program
 * knows of itself: maps lists its own globals, stack, heap and file
 * mappings in the kernel's format; auxv agrees with getauxval; cmdline
 * is argv; stat and comm name the program; /proc/self/exe stats as the
 * program. Built for the guests and natively (test-glibc.py): each check
 * prints "ok NAME" or "FAIL NAME: why", so vemu must print what the
 * host kernel's files make the native build print.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

/* Whole file (proc files stat as empty: read to the end). */
static char *slurp_at(int dirfd, const char *path, size_t *len)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n)) > 0) {
        n += (size_t)r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *slurp(const char *path, size_t *len)
{
    return slurp_at(AT_FDCWD, path, len);
}

typedef struct Line {
    unsigned long start, end, offset, inode;
    char perms[5];
    char dev[16];
    const char *name;
    int name_col; /* column where the name starts, or -1 */
} Line;

/* Parse one maps line strictly; 0 if it is not in the kernel's format. */
static int parse_line(char *line, Line *l)
{
    int n = 0;
    if (sscanf(line, "%lx-%lx %4s %lx %15s %lu %n", &l->start, &l->end,
               l->perms, &l->offset, l->dev, &l->inode, &n) < 6) {
        return 0;
    }
    /* Fixed widths: at least 8 hex digits, 8-digit offset. */
    const char *sp = strchr(line, ' ');
    if (strchr(line, '-') - line < 8 || sp - strchr(line, '-') - 1 < 8) {
        return 0;
    }
    if (strlen(l->perms) != 4 || !strchr("r-", l->perms[0]) ||
        !strchr("w-", l->perms[1]) || !strchr("x-", l->perms[2]) ||
        !strchr("ps", l->perms[3]) || l->start >= l->end) {
        return 0;
    }
    l->name = line + n;
    l->name_col = *l->name ? n : -1;
    /* No name: the line ends with "inode " (one trailing space). */
    if (!*l->name && line[strlen(line) - 1] != ' ') {
        return 0;
    }
    if (*l->name && n != 73) {
        return 0;
    }
    return 1;
}

static char *maps_text;
static Line lines[4096];
static int nlines;

static int load_maps(const char *path, int dirfd)
{
    size_t len;
    free(maps_text);
    maps_text = slurp_at(dirfd, path, &len);
    nlines = 0;
    if (!maps_text || len == 0 || maps_text[len - 1] != '\n') {
        return 0;
    }
    char *save = NULL;
    for (char *line = strtok_r(maps_text, "\n", &save); line && nlines < 4096;
         line = strtok_r(NULL, "\n", &save)) {
        if (!parse_line(line, &lines[nlines])) {
            printf("bad maps line: '%s'\n", line);
            return 0;
        }
        if (nlines && lines[nlines].start < lines[nlines - 1].end) {
            printf("maps not sorted at '%s'\n", line);
            return 0;
        }
        nlines++;
    }
    return nlines > 0;
}

static const Line *find(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    for (int i = 0; i < nlines; i++) {
        if (lines[i].start <= a && a < lines[i].end) {
            return &lines[i];
        }
    }
    return NULL;
}

int counter = 1; /* .data of the program */
static char exe[PATH_MAX];

static void test_maps(void)
{
    int local = 0;
    check("maps-format", load_maps("/proc/self/maps", AT_FDCWD),
          "unreadable or badly formatted");
    const Line *l = find(&counter);
    check("maps-data",
          l && l->perms[0] == 'r' && l->perms[1] == 'w' && l->perms[3] == 'p' &&
              !strcmp(l->name, exe),
          l ? l->name : "no line");
    l = find((void *)(uintptr_t)&test_maps);
    check("maps-text", l && !strcmp(l->perms, "r-xp") && !strcmp(l->name, exe),
          l ? l->perms : "no line");
    l = find(&local);
    check("maps-stack",
          l && !strcmp(l->name, "[stack]") && !strcmp(l->perms, "rw-p") &&
              l->inode == 0 && l->offset == 0 && !strcmp(l->dev, "00:00"),
          l ? l->name : "no line");

    /* Small malloc comes from brk. */
    void *m = malloc(64);
    load_maps("/proc/self/maps", AT_FDCWD);
    l = find(m);
    check("maps-heap", l && !strcmp(l->name, "[heap]"), l ? l->name : "none");
    free(m);

    /* A file mapped at an offset shows its path and that offset, and a
     * mapping of it with PROT_EXEC shows x. */
    char path[] = "/tmp/proc-self-XXXXXX";
    int fd = mkstemp(path);
    char page[4096] = {1};
    for (int i = 0; i < 3; i++) {
        if (write(fd, page, sizeof(page)) != sizeof(page)) {
            check("maps-file", 0, "write");
        }
    }
    char *f = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 4096);
    char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    struct stat st;
    fstat(fd, &st);
    load_maps("/proc/self/maps", AT_FDCWD);
    l = find(f);
    char dev[16];
    snprintf(dev, sizeof(dev), "%02x:%02x", major(st.st_dev), minor(st.st_dev));
    check("maps-file",
          l && l->start == (uintptr_t)f && l->end == (uintptr_t)f + 8192 &&
              !strcmp(l->perms, "r--s") && l->offset == 4096 &&
              l->inode == st.st_ino && !strcmp(l->dev, dev) &&
              !strcmp(l->name, path),
          l ? l->name : "no line");
    l = find(x);
    check("maps-file-exec",
          l && !strcmp(l->perms, "r-xp") && l->offset == 0 &&
              !strcmp(l->name, path),
          l ? l->perms : "no line");
    /* mprotect splits the mapping into three lines, offsets following. */
    mprotect(f + 4096, 4096, PROT_NONE);
    load_maps("/proc/self/maps", AT_FDCWD);
    const Line *l1 = find(f), *l2 = find(f + 4096);
    check("maps-split",
          l1 && l2 && l1->end == (uintptr_t)f + 4096 &&
              !strcmp(l2->perms, "---s") && l2->offset == 8192 &&
              !strcmp(l2->name, path),
          "mprotect split");
    munmap(f, 8192);
    munmap(x, 4096);
    close(fd);

    /* After unlinking, the name says so. */
    fd = open(path, O_RDONLY);
    f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    unlink(path);
    load_maps("/proc/self/maps", AT_FDCWD);
    l = find(f);
    char deleted[PATH_MAX + 16];
    snprintf(deleted, sizeof(deleted), "%s (deleted)", path);
    check("maps-deleted", l && !strcmp(l->name, deleted), l ? l->name : "none");
    munmap(f, 4096);
    close(fd);

    /* Anonymous mappings: no name, offset 0, and the exact range. */
    char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(a + 4096, 4096, PROT_READ);
    load_maps("/proc/self/maps", AT_FDCWD);
    l = find(a + 4096);
    check("maps-anon",
          l && l->start == (uintptr_t)a + 4096 &&
              l->end == (uintptr_t)a + 8192 && !strcmp(l->perms, "r--p") &&
              l->name_col < 0 && l->inode == 0 && l->offset == 0,
          l ? l->perms : "none");
    l = find(a);
    check("maps-anon-gone", l && l->end == (uintptr_t)a + 4096, "range");
    munmap(a, 3 * 4096);
    load_maps("/proc/self/maps", AT_FDCWD);
    check("maps-unmapped", find(a + 4096) == NULL, "still listed");

    /* The same file through every name of the process and a dirfd. */
    size_t n1, n2;
    char own[64];
    snprintf(own, sizeof(own), "/proc/%d/maps", (int)getpid());
    char *t1 = slurp("/proc/self/maps", &n1);
    char *t2 = slurp(own, &n2);
    check("maps-pid", t1 && t2 && n1 == n2 && !memcmp(t1, t2, n1), own);
    free(t2);
    t2 = slurp("/proc/thread-self/maps", &n2);
    check("maps-thread-self", t2 && n1 == n2 && !memcmp(t1, t2, n1), "differ");
    free(t2);
    int dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
    t2 = slurp_at(dfd, "maps", &n2);
    check("maps-dirfd", t2 && n1 == n2 && !memcmp(t1, t2, n1), "differ");
    free(t2);
    close(dfd);
    free(t1);
}

static void test_auxv(void)
{
    size_t len;
    unsigned long *v = (unsigned long *)slurp("/proc/self/auxv", &len);
    int ok = v && len % 16 == 0 && len >= 16 && v[len / 8 - 2] == AT_NULL;
    check("auxv-format", ok, "not pairs ending with AT_NULL");
    unsigned long want[] = {AT_PAGESZ, AT_ENTRY,  AT_HWCAP,
                            AT_PHDR,   AT_RANDOM, AT_UID};
    for (size_t i = 0; ok && i < sizeof(want) / sizeof(want[0]); i++) {
        int found = 0;
        for (size_t j = 0; j + 1 < len / 8; j += 2) {
            if (v[j] == want[i]) {
                found = v[j + 1] == getauxval(want[i]);
            }
        }
#ifdef __x86_64__
        /* x86-64 glibc answers AT_HWCAP from its own CPU probe. */
        found |= want[i] == AT_HWCAP;
#endif
        char name[32];
        snprintf(name, sizeof(name), "auxv-%lu", want[i]);
        check(name, found, "missing or differs from getauxval");
    }
    free(v);
}

static void test_cmdline(int argc, char **argv)
{
    size_t len, want = 0;
    char *t = slurp("/proc/self/cmdline", &len);
    for (int i = 0; i < argc; i++) {
        want += strlen(argv[i]) + 1;
    }
    int ok = t && len == want;
    size_t at = 0;
    for (int i = 0; ok && i < argc; i++) {
        ok = !strcmp(t + at, argv[i]);
        at += strlen(argv[i]) + 1;
    }
    check("cmdline", ok, "differs from argv");
    free(t);
}

static void test_stat(char **argv)
{
    size_t len;
    char *t = slurp("/proc/self/stat", &len);
    const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
    char comm[16];
    snprintf(comm, sizeof(comm), "%.15s", base);
    char *open = t ? strchr(t, '(') : NULL, *close = t ? strrchr(t, ')') : 0;
    int ok = open && close && (size_t)(close - open - 1) == strlen(comm) &&
             !memcmp(open + 1, comm, strlen(comm));
    check("stat-comm", ok, t ? t : "unreadable");
    /* Fields 28 (startstack) and 48 (arg_start), counted after comm. */
    unsigned long f[64] = {0};
    int n = 3;
    char *save = NULL;
    for (char *tok = close ? strtok_r(close + 2, " ", &save) : NULL;
         tok && n < 64; tok = strtok_r(NULL, " ", &save), n++) {
        f[n] = strtoul(tok, NULL, 10);
    }
    check("stat-pid", t && atoi(t) == getpid(), "pid");
    load_maps("/proc/self/maps", AT_FDCWD);
    const Line *l = find((void *)f[28]);
    check("stat-startstack", l && !strcmp(l->name, "[stack]"), "not in stack");
    check("stat-arg-start", n > 49 && f[48] == (uintptr_t)argv[0],
          "not argv[0]");
    free(t);
    t = slurp("/proc/self/comm", &len);
    check("comm", t && len == strlen(comm) + 1 && !memcmp(t, comm, len - 1),
          t ? t : "unreadable");
    free(t);
}

static void test_exe(void)
{
    struct stat a, b, c;
    int ok = stat("/proc/self/exe", &a) == 0 && stat(exe, &b) == 0 &&
             a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    check("exe-stat", ok, "differs from the program");
    check("exe-lstat", lstat("/proc/self/exe", &c) == 0 && S_ISLNK(c.st_mode),
          "not a link");
    check("exe-access", access("/proc/self/exe", X_OK) == 0, "no X_OK");
    int fd = open("/proc/self/exe", O_RDONLY);
    ok = fd >= 0 && fstat(fd, &c) == 0 && c.st_ino == b.st_ino;
    check("exe-open", ok, "differs from the program");
    close(fd);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        printf("FAIL readlink /proc/self/exe\n");
        return 1;
    }
    exe[n] = '\0';
    test_maps();
    test_auxv();
    test_cmdline(argc, argv);
    test_stat(argv);
    test_exe();
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}

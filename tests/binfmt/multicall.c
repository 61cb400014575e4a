/*
 * A busybox-style multi-call program for test-programs.sh, used alongside
 * (or instead of) Debian's busybox: the applet is chosen by the basename
 * of argv[0], so it shows whether the argv[0] the caller chose reaches the
 * guest (binfmt_misc's P flag). Applets: echo ARGS, ls [DIR] (names not
 * starting with '.', sorted as in the C locale, one per line, as ls does
 * into a pipe).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ls(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ls: %s: No such file or directory\n", dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        names = realloc(names, (n + 1) * sizeof(*names));
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        puts(names[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    const char *applet = slash ? slash + 1 : argv[0];
    if (strcmp(applet, "echo") == 0) {
        for (int i = 1; i < argc; i++) {
            printf(i > 1 ? " %s" : "%s", argv[i]);
        }
        putchar('\n');
        return 0;
    }
    if (strcmp(applet, "ls") == 0) {
        return ls(argc > 1 ? argv[1] : ".");
    }
    fprintf(stderr, "%s: applet not found\n", applet);
    return 127;
}

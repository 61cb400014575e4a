/*
 * -L DIR path resolution (see sysroot.h for the rules). The walk is done
 * here, in user space, rather than by the host kernel, because the
 * kernel would follow an absolute symbolic link inside DIR to the host's
 * file of that name (the merged-usr roots of Debian are full of them:
 * /lib -> usr/lib, ld-linux-*.so.1 -> /lib/<triplet>/ld-linux-*.so.1),
 * and because a missing file must fall back to the host per path, not per
 * directory.
 *
 * Each component costs one lstat (and a readlink for links). The result
 * is a plain host path; between resolution and use the tree may change,
 * as with any path-based call.
 */
#include "linux-user/sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
#define SYSROOT_MAX_LINKS 40

static char *root; /* canonical, never "/" (which means no sysroot) */
static size_t root_len;

int sysroot_set(const char *dir)
{
    free(root);
    root = NULL;
    root_len = 0;
    if (!dir || !*dir) {
        return 0;
    }
    char *canon = realpath(dir, NULL);
    if (!canon) {
        int e = errno;
        fprintf(stderr, "vemu: sysroot %s: %s\n", dir, strerror(e));
        return -e;
    }
    struct stat st;
    if (stat(canon, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "vemu: sysroot %s: %s\n", dir, strerror(ENOTDIR));
        free(canon);
        return -ENOTDIR;
    }
    if (!strcmp(canon, "/")) {
        free(canon); /* the host's own root: nothing to rewrite */
        return 0;
    }
    root = canon;
    root_len = strlen(canon);
    return 0;
}

int sysroot_set_from_env(void)
{
    const char *dir = getenv("VEMU_LD_PREFIX");
    return dir ? sysroot_set(dir) : 0;
}

const char *sysroot_get(void)
{
    return root;
}

static int put(char *out, size_t outlen, const char *a, const char *b,
               const char *c)
{
    int n = snprintf(out, outlen, "%s%s%s", a, b, c);
    if (n < 0 || (size_t)n >= outlen) {
        return -ENAMETOOLONG;
    }
    return 0;
}

static int resolve(const char *guest, char *out, size_t outlen,
                   bool follow_last)
{
    size_t glen = strlen(guest);
    if (!root || guest[0] != '/') {
        return put(out, outlen, guest, "", "");
    }
    if (glen >= PATH_MAX) {
        return -ENAMETOOLONG;
    }
    bool trailing_slash = glen > 1 && guest[glen - 1] == '/';
    if (trailing_slash) {
        follow_last = true;
    }

    char pend[PATH_MAX];     /* what is left to walk */
    char res[PATH_MAX] = ""; /* resolved so far, guest-absolute, no links */
    size_t rlen = 0;
    char host[PATH_MAX * 2];
    int links = 0;
    const char *p;

    memcpy(pend, guest, glen + 1);
    p = pend;
    for (;;) {
        while (*p == '/') {
            p++;
        }
        if (!*p) {
            break;
        }
        const char *end = strchrnul(p, '/');
        size_t clen = (size_t)(end - p);
        const char *after = end;
        while (*after == '/') {
            after++;
        }
        bool last = !*after;

        if (clen == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (clen == 2 && p[0] == '.' && p[1] == '.') {
            /* Never above the root: "/.." is "/". */
            while (rlen > 0 && res[rlen - 1] != '/') {
                rlen--;
            }
            if (rlen > 0) {
                rlen--;
            }
            res[rlen] = '\0';
            p = end;
            continue;
        }
        size_t old_rlen = rlen;
        if (rlen + 1 + clen >= sizeof(res)) {
            return -ENAMETOOLONG;
        }
        res[rlen++] = '/';
        memcpy(res + rlen, p, clen);
        rlen += clen;
        res[rlen] = '\0';

        if (put(host, sizeof(host), root, res, "") < 0) {
            return -ENAMETOOLONG;
        }
        struct stat st;
        if (lstat(host, &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                /* Not in the root: the host's file of that name. */
                return put(out, outlen, guest, "", "");
            }
            /* Something there we cannot look at (EACCES...): let the
             * real call on the root's path report it. */
            return put(out, outlen, root, res, end);
        }
        if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
            if (++links > SYSROOT_MAX_LINKS) {
                return -ELOOP;
            }
            char target[PATH_MAX];
            ssize_t n = readlink(host, target, sizeof(target) - 1);
            if (n < 0) {
                return put(out, outlen, root, res, end);
            }
            target[n] = '\0';
            /* Continue with the target followed by what was left; an
             * absolute target starts again from the root. */
            char next[PATH_MAX];
            if (put(next, sizeof(next), target, "/", end) < 0) {
                return -ENAMETOOLONG;
            }
            rlen = target[0] == '/' ? 0 : old_rlen;
            res[rlen] = '\0';
            memcpy(pend, next, strlen(next) + 1);
            p = pend;
            continue;
        }
        p = end;
    }
    return put(out, outlen, root, res, trailing_slash && rlen ? "/" : "");
}

int sysroot_resolve(const char *guest_path, char *out, size_t outlen)
{
    return resolve(guest_path, out, outlen, true);
}

int sysroot_resolve_nofollow(const char *guest_path, char *out, size_t outlen)
{
    return resolve(guest_path, out, outlen, false);
}

int sysroot_open(const char *guest_path, int flags, mode_t mode)
{
    char host[PATH_MAX];
    bool nofollow = (flags & O_NOFOLLOW) ||
                    (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
    int r = resolve(guest_path, host, sizeof(host), !nofollow);
    if (r < 0) {
        return r;
    }
    int fd = open(host, flags, mode);
    return fd < 0 ? -errno : fd;
}

const char *sysroot_guest_view(const char *host_path)
{
    if (!root || strncmp(host_path, root, root_len) != 0) {
        return host_path;
    }
    if (host_path[root_len] == '\0') {
        return "/";
    }
    return host_path[root_len] == '/' ? host_path + root_len : host_path;
}

/* True when what follows a component needs it to be a directory although
 * the walk may not look it up again: a trailing slash, a last ".", or a
 * ".." next (after any "."), which would otherwise step back over it. */
static bool needs_dir(const char *rest)
{
    while (*rest == '/') {
        while (*rest == '/') {
            rest++;
        }
        if (!*rest) {
            return true;
        }
        if (rest[0] != '.') {
            return false;
        }
        if (!rest[1] || (rest[1] == '.' && (!rest[2] || rest[2] == '/'))) {
            return true;
        }
        if (rest[1] != '/') {
            return false;
        }
        rest++;
    }
    return false;
}

/* realpath's walk from an already canonical prefix res (rlen bytes):
 * each component is one readlink, EINVAL meaning "not a link". */
static char *walk_canonical(char *res, size_t rlen, const char *rest)
{
    char pend[PATH_MAX];
    int links = 0;
    size_t n = strlen(rest);
    if (n >= sizeof(pend)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(pend, rest, n + 1);
    const char *p = pend;
    for (;;) {
        while (*p == '/') {
            p++;
        }
        if (!*p) {
            break;
        }
        const char *end = strchrnul(p, '/');
        size_t clen = (size_t)(end - p);
        if (clen == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (clen == 2 && p[0] == '.' && p[1] == '.') {
            while (rlen > 1 && res[rlen - 1] != '/') {
                rlen--;
            }
            if (rlen > 1) {
                rlen--;
            }
            res[rlen] = '\0';
            p = end;
            continue;
        }
        size_t old_rlen = rlen;
        if (rlen + 1 + clen >= PATH_MAX) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        if (rlen > 1) {
            res[rlen++] = '/';
        }
        memcpy(res + rlen, p, clen);
        rlen += clen;
        res[rlen] = '\0';

        char target[PATH_MAX];
        ssize_t tn = readlink(res, target, sizeof(target) - 1);
        if (tn < 0) {
            if (errno != EINVAL) {
                return NULL;
            }
            if (needs_dir(end)) {
                struct stat st;
                if (stat(res, &st) != 0) {
                    return NULL;
                }
                if (!S_ISDIR(st.st_mode)) {
                    errno = ENOTDIR;
                    return NULL;
                }
            }
            p = end;
            continue;
        }
        if (++links > SYSROOT_MAX_LINKS) {
            errno = ELOOP;
            return NULL;
        }
        target[tn] = '\0';
        char next[PATH_MAX];
        if (put(next, sizeof(next), target, end, "") < 0) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        /* A host link: an absolute target is the host's, as for the
         * kernel (this is realpath, not a guest lookup). */
        rlen = target[0] == '/' ? 1 : old_rlen;
        res[rlen] = '\0';
        memcpy(pend, next, strlen(next) + 1);
        p = pend;
    }
    return res;
}

char *sysroot_realpath(const char *host_path, char *out)
{
    if (!root || strncmp(host_path, root, root_len) != 0 ||
        (host_path[root_len] != '/' && host_path[root_len] != '\0')) {
        return realpath(host_path, out);
    }
    memcpy(out, root, root_len + 1);
    return walk_canonical(out, root_len, host_path + root_len);
}

/*
 * -L DIR resolution (linux-user/sysroot.c) on a temporary tree shaped like
 * a Debian merged-usr root:
 *
 *   ROOT/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1   (a file)
 *   ROOT/lib -> usr/lib                                    (relative link)
 *   ROOT/usr/lib/ld-linux-aarch64.so.1
 *            -> /lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 (absolute)
 *   ROOT/etc/passwd, ROOT/usr/bin/up -> ../../../../../etc (climbs)
 *   ROOT/loop1 -> loop2 -> loop1, ROOT/self -> /self
 *   ROOT/tmp/ (also on the host) without the host's test files
 *
 * Expected host paths are spelled out in each case.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux-user/sysroot.h"

static char base[PATH_MAX]; /* canonical temp dir */
static char root[PATH_MAX + 8];

static void mk(const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s", p);
}

static void file(const char *dir, const char *rel, const char *content)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    ck_assert_msg(f != NULL, "create %s", p);
    fputs(content, f);
    fclose(f);
}

static void ln(const char *target, const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    ck_assert_msg(symlink(target, p) == 0, "symlink %s", p);
}

static void setup(void)
{
    char t[] = "/tmp/vemu-sysroot-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(t));
    ck_assert_ptr_nonnull(realpath(t, base));
    snprintf(root, sizeof(root), "%s/root", base);
    ck_assert_int_eq(mkdir(root, 0755), 0);
    mk("usr");
    mk("usr/lib");
    mk("usr/lib/aarch64-linux-gnu");
    mk("usr/bin");
    mk("etc");
    mk("tmp");
    file(root, "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", "LDSO");
    ln("usr/lib", "lib");
    ln("/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
       "usr/lib/ld-linux-aarch64.so.1");
    file(root, "etc/passwd", "root-passwd");
    ln("../../../../../etc", "usr/bin/up");
    ln("loop2", "loop1");
    ln("loop1", "loop2");
    ln("/self", "self");
    ln("/nowhere/at/all", "dangling");
    file(base, "hostonly", "host");
    ck_assert_int_eq(sysroot_set(root), 0);
}

static void teardown(void)
{
    sysroot_set(NULL);
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    ck_assert_int_eq(system(cmd), 0);
}

/* Resolve (following or not) and compare with want; "ROOT" at the start
 * of want stands for the root directory. */
static void expect(const char *guest, bool follow, const char *want)
{
    char out[PATH_MAX], w[PATH_MAX * 2];
    if (!strncmp(want, "ROOT", 4)) {
        snprintf(w, sizeof(w), "%s%s", root, want + 4);
    } else {
        snprintf(w, sizeof(w), "%s", want);
    }
    int r = follow ? sysroot_resolve(guest, out, sizeof(out))
                   : sysroot_resolve_nofollow(guest, out, sizeof(out));
    ck_assert_msg(r == 0, "%s: error %d", guest, r);
    ck_assert_msg(!strcmp(out, w), "%s (%s): got %s, want %s", guest,
                  follow ? "follow" : "nofollow", out, w);
}

START_TEST(absolute_links_stay_inside)
{
    /* The dynamic loader of a merged-usr root: /lib is a relative link,
     * and the loader's name an absolute link through it. */
    expect("/lib/ld-linux-aarch64.so.1", true,
           "ROOT/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1");
    expect("/lib/ld-linux-aarch64.so.1", false,
           "ROOT/usr/lib/ld-linux-aarch64.so.1");
    expect("/lib", true, "ROOT/usr/lib");
    expect("/lib", false, "ROOT/lib");
    expect("/lib/", false, "ROOT/usr/lib/"); /* trailing slash follows */
    expect("//lib/./aarch64-linux-gnu//", true,
           "ROOT/usr/lib/aarch64-linux-gnu/");
    expect("/", true, "ROOT");
    /* ".." after a link is taken from where the link led. */
    expect("/lib/../bin", true, "ROOT/usr/bin");

    int fd = sysroot_open("/lib/ld-linux-aarch64.so.1", O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    char buf[8] = {0};
    ck_assert_int_eq(read(fd, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, "LDSO");
    close(fd);
    /* O_NOFOLLOW opens the link itself: ELOOP, as on Linux. */
    ck_assert_int_eq(
        sysroot_open("/lib/ld-linux-aarch64.so.1", O_RDONLY | O_NOFOLLOW, 0),
        -ELOOP);
}
END_TEST

START_TEST(dotdot_never_escapes)
{
    expect("/../../etc/passwd", true, "ROOT/etc/passwd");
    expect("/usr/../../../etc/passwd", true, "ROOT/etc/passwd");
    /* A relative link climbing more levels than there are. */
    expect("/usr/bin/up/passwd", true, "ROOT/etc/passwd");
    int fd = sysroot_open("/usr/bin/up/passwd", O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    char buf[16] = {0};
    ck_assert_int_gt(read(fd, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "root-passwd");
    close(fd);
}
END_TEST

START_TEST(loops_give_eloop)
{
    char out[PATH_MAX];
    ck_assert_int_eq(sysroot_resolve("/loop1", out, sizeof(out)), -ELOOP);
    ck_assert_int_eq(sysroot_resolve("/loop1/x", out, sizeof(out)), -ELOOP);
    ck_assert_int_eq(sysroot_resolve("/self", out, sizeof(out)), -ELOOP);
    ck_assert_int_eq(sysroot_open("/self", O_RDONLY, 0), -ELOOP);
    /* Naming the link itself is fine. */
    expect("/loop1", false, "ROOT/loop1");

    /* 40 links in a row resolve, 41 do not (Linux's MAXSYMLINKS). */
    char name[32], target[32];
    for (int i = 0; i < 41; i++) {
        snprintf(name, sizeof(name), "chain%d", i);
        snprintf(target, sizeof(target), "chain%d", i + 1);
        ln(target, name);
    }
    file(root, "chain41", "end");
    expect("/chain1", true, "ROOT/chain41");
    ck_assert_int_eq(sysroot_resolve("/chain0", out, sizeof(out)), -ELOOP);
}
END_TEST

START_TEST(host_fallback)
{
    /* Not in the root at all: the host path, unchanged. */
    expect("/nonexistent-top/x", true, "/nonexistent-top/x");
    /* A dangling link in the root: its name is not there either. */
    expect("/dangling", true, "/dangling");
    expect("/dangling", false, "ROOT/dangling");
    /* Relative paths are never rewritten. */
    expect("lib/x", true, "lib/x");
    expect("../etc/passwd", true, "../etc/passwd");
    expect("", true, "");
}
END_TEST

START_TEST(host_dir_in_root_does_not_hide_host_files)
{
    /* ROOT/tmp exists, the host's test file in /tmp does not exist in
     * it: the host file must be found, as qemu-user's -L fails to. */
    char guest[PATH_MAX * 2];
    snprintf(guest, sizeof(guest), "%s/hostonly", base);
    ck_assert_int_eq(strncmp(guest, "/tmp/", 5), 0);
    expect(guest, true, guest);
    int fd = sysroot_open(guest, O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    close(fd);
    /* ...while a file present in ROOT/tmp is the root's. */
    file(root, "tmp/both", "root");
    expect("/tmp/both", true, "ROOT/tmp/both");
    expect("/tmp", true, "ROOT/tmp");
}
END_TEST

START_TEST(limits_and_views)
{
    char out[PATH_MAX];
    char *huge = malloc(PATH_MAX + 10);
    memset(huge, 'a', PATH_MAX + 9);
    huge[0] = '/';
    huge[PATH_MAX + 9] = '\0';
    ck_assert_int_eq(sysroot_resolve(huge, out, sizeof(out)), -ENAMETOOLONG);
    free(huge);
    char small[8];
    ck_assert_int_eq(sysroot_resolve("/etc/passwd", small, sizeof(small)),
                     -ENAMETOOLONG);

    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/usr/lib", root);
    ck_assert_str_eq(sysroot_guest_view(p), "/usr/lib");
    ck_assert_str_eq(sysroot_guest_view(root), "/");
    ck_assert_str_eq(sysroot_guest_view("/usr/lib"), "/usr/lib");
    snprintf(p, sizeof(p), "%sx/y", root); /* shares a prefix only */
    ck_assert_str_eq(sysroot_guest_view(p), p);
    ck_assert_str_eq(sysroot_get(), root);
}
END_TEST

START_TEST(no_sysroot_passes_through)
{
    sysroot_set(NULL);
    ck_assert_ptr_null(sysroot_get());
    expect("/lib/ld-linux-aarch64.so.1", true, "/lib/ld-linux-aarch64.so.1");
    ck_assert_int_eq(sysroot_set("/"), 0); /* the host's root: none */
    ck_assert_ptr_null(sysroot_get());
    ck_assert_int_eq(sysroot_set("/nonexistent-vemu-root"), -ENOENT);
    setenv("VEMU_LD_PREFIX", root, 1);
    ck_assert_int_eq(sysroot_set_from_env(), 0);
    ck_assert_str_eq(sysroot_get(), root);
    /* A root given through a symbolic link is stored canonical. */
    char alias[PATH_MAX * 2];
    snprintf(alias, sizeof(alias), "%s/alias", base);
    ck_assert_int_eq(symlink(root, alias), 0);
    ck_assert_int_eq(sysroot_set(alias), 0);
    ck_assert_str_eq(sysroot_get(), root);
}
END_TEST

/* sysroot_realpath against realpath(3) on one host path: same answer,
 * or the same failure and errno. */
static void same_as_realpath(const char *path)
{
    char want[PATH_MAX], got[PATH_MAX];
    errno = 0;
    char *w = realpath(path, want);
    int we = errno;
    errno = 0;
    char *g = sysroot_realpath(path, got);
    int ge = errno;
    if (w) {
        ck_assert_msg(g == got, "%s: NULL (errno %d), want %s", path, ge,
                      want);
        ck_assert_msg(!strcmp(got, want), "%s: %s, want %s", path, got, want);
    } else {
        ck_assert_msg(g == NULL, "%s: %s, want errno %d", path, got, we);
        ck_assert_msg(ge == we, "%s: errno %d, want %d", path, ge, we);
    }
}

/* The walk that starts from the cached canonical root must answer as
 * realpath does from "/": edge cases, then random component sequences
 * over the tree's links, files, loops, dots and slashes. */
START_TEST(realpath_under_root_matches_libc)
{
    ln("../etc/passwd", "usr/pw");           /* relative, to a file */
    ln(base, "usr/hostlink");                /* absolute: the host's */
    ln("..", "usr/lib/aarch64-linux-gnu/up"); /* to a directory above */
    static const char *const fixed[] = {
        "", "/", "/.", "/..", "/../root", "/../../..", "//usr//lib/",
        "/etc/passwd", "/etc/passwd/", "/etc/passwd/.", "/etc/passwd/..",
        "/etc/passwd/x", "/lib", "/lib/", "/lib/ld-linux-aarch64.so.1",
        "/usr/lib/ld-linux-aarch64.so.1", "/usr/pw", "/usr/pw/",
        "/usr/hostlink", "/usr/hostlink/root/lib/..", "/usr/bin/up",
        "/usr/bin/up/passwd", "/loop1", "/loop1/x", "/self", "/dangling",
        "/dangling/", "/missing", "/missing/..", "/tmp/./../etc",
        "/usr/lib/aarch64-linux-gnu/up/up/up", "/usr/bin/../../etc/./passwd",
    };
    char p[PATH_MAX * 3];
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", root, fixed[i]);
        same_as_realpath(p);
    }
    static const char *const comp[] = {
        "usr", "lib", "etc", "passwd", "bin", "up", "pw", "hostlink",
        "aarch64-linux-gnu", "ld-linux-aarch64.so.1", ".", "..", "",
        "loop1", "self", "dangling", "tmp", "root", "missing",
    };
    const size_t ncomp = sizeof(comp) / sizeof(comp[0]);
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)snprintf(p, sizeof(p), "%s", root);
        seed = seed * 1103515245u + 12345u;
        int n = (int)((seed >> 16) % 7);
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            len += (size_t)snprintf(p + len, sizeof(p) - len, "/%s",
                                    comp[(seed >> 16) % ncomp]);
        }
        same_as_realpath(p);
    }
    /* Outside the root, or sharing only a prefix of its name: libc's. */
    snprintf(p, sizeof(p), "%sx/y", root);
    same_as_realpath(p);
    same_as_realpath(base);
    same_as_realpath("/usr/../etc");
    same_as_realpath("relative/missing");
    sysroot_set(NULL);
    snprintf(p, sizeof(p), "%s/lib/", root);
    same_as_realpath(p);
}
END_TEST

static Suite *sysroot_suite(void)
{
    Suite *s = suite_create("sysroot");
    TCase *tc = tcase_create("resolve");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, absolute_links_stay_inside);
    tcase_add_test(tc, dotdot_never_escapes);
    tcase_add_test(tc, loops_give_eloop);
    tcase_add_test(tc, host_fallback);
    tcase_add_test(tc, host_dir_in_root_does_not_hide_host_files);
    tcase_add_test(tc, limits_and_views);
    tcase_add_test(tc, no_sysroot_passes_through);
    tcase_add_test(tc, realpath_under_root_matches_libc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sysroot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

/*
 * The guest's view of the file system with -L DIR (or VEMU_LD_PREFIX):
 * absolute guest paths are looked up inside DIR first, the host's files
 * serving for whatever DIR lacks. Every path a syscall takes, and the
 * loader's PT_INTERP lookup, goes through here.
 *
 * Resolution walks the path component by component inside DIR, following
 * symbolic links there: absolute link targets are re-rooted at DIR, ".."
 * never climbs above DIR, and more than 40 links give ELOOP (Linux's
 * limit). If any component is missing in DIR, the guest path is used on
 * the host unchanged, so a directory present in both (DIR/tmp and /tmp)
 * never hides host files that DIR lacks. Relative paths are left alone:
 * they are relative to the current directory, which is already a host
 * directory (inside DIR after a chdir there).
 *
 * Without a sysroot every path is passed through as is.
 */
#ifndef VEMU_LINUX_USER_SYSROOT_H
#define VEMU_LINUX_USER_SYSROOT_H

#include <stddef.h>
#include <sys/types.h>

/* Set (dir) or clear (NULL or "") the sysroot. The directory must exist;
 * it is stored canonicalised. Returns 0 or -errno, with one line on
 * stderr naming the problem. Not thread-safe: call at start-up. */
int sysroot_set(const char *dir);
/* sysroot_set(getenv("VEMU_LD_PREFIX")) if that is set; 0 otherwise. */
int sysroot_set_from_env(void);
/* The canonical sysroot, or NULL when none is set. */
const char *sysroot_get(void);

/*
 * Host path for guest_path into out[outlen]. sysroot_resolve follows a
 * symbolic link in the last component (open, stat); the _nofollow variant
 * names the link itself (lstat, readlink, unlink, rename, O_NOFOLLOW,
 * O_CREAT|O_EXCL). A trailing slash always follows, as in Linux.
 * Returns 0, -ENAMETOOLONG or -ELOOP.
 */
int sysroot_resolve(const char *guest_path, char *out, size_t outlen);
int sysroot_resolve_nofollow(const char *guest_path, char *out, size_t outlen);

/* open(2) of a guest path through the sysroot: an fd or -errno. */
int sysroot_open(const char *guest_path, int flags, mode_t mode);

/* The guest's name for a host path: with a sysroot, a path inside it loses
 * the prefix ("DIR/usr" -> "/usr", DIR itself -> "/"); anything else is
 * returned unchanged. Returns a pointer into host_path or to "/". */
const char *sysroot_guest_view(const char *host_path);

/* realpath(3) of a host path into out (PATH_MAX bytes): out, or NULL with
 * errno set, the same answers as realpath. A path under the sysroot starts
 * from its canonical name, found once by sysroot_set, instead of walking
 * every component of the prefix again. */
char *sysroot_realpath(const char *host_path, char *out);

#endif

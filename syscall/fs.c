/*
 * System calls that name files: stat family (converted to target_stat,
 * target_statx, target_statfs), directories (getdents64, mkdir, chdir,
 * getcwd), links, renames, permissions and times.
 *
 * Every guest path is resolved by sys_get_path through the sysroot
 * (linux-user/sysroot.h), following or not following a final symbolic
 * link exactly as the call itself would, so that "-L DIR" behaves like a
 * root directory for absolute paths. getcwd hides the sysroot prefix
 * again. /proc/self/exe names the guest program, not vemu.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/sysroot.h"
#include "syscall/internal.h"

/* The guest program, for /proc/self/exe. */
static char *exe_guest;
static char *exe_host;

void syscall_set_exe_path(const char *guest_path, const char *host_path)
{
    free(exe_guest);
    free(exe_host);
    exe_guest = guest_path ? strdup(guest_path) : NULL;
    exe_host = host_path ? strdup(host_path) : NULL;
}

static bool is_proc_self_exe(const char *p)
{
    char own[64];
    snprintf(own, sizeof(own), "/proc/%d/exe", (int)getpid());
    return !strcmp(p, "/proc/self/exe") || !strcmp(p, own) ||
           !strcmp(p, "/proc/thread-self/exe");
}

int sys_resolve_path(const char *guest, char *out, bool follow)
{
    if (follow && exe_host && is_proc_self_exe(guest)) {
        if (strlen(exe_host) >= PATH_MAX) {
            return -ENAMETOOLONG;
        }
        strcpy(out, exe_host);
        return 0;
    }
    return follow ? sysroot_resolve(guest, out, PATH_MAX)
                  : sysroot_resolve_nofollow(guest, out, PATH_MAX);
}

int sys_get_path(uint64_t addr, char *out, bool follow)
{
    char guest[PATH_MAX];
    ssize_t n = guest_strncpy_from(guest, addr, sizeof(guest));
    if (n < 0) {
        return (int)n;
    }
    return sys_resolve_path(guest, out, follow);
}

/*
 * AT_* flags of the *at calls: Linux-wide values, translated bit by bit
 * all the same; a bit the call does not accept gives EINVAL, as in Linux.
 * AT_EACCESS and AT_REMOVEDIR share 0x200, which the host shares too.
 */
_Static_assert(AT_EACCESS == AT_REMOVEDIR, "AT_EACCESS/AT_REMOVEDIR differ");

static const struct {
    uint32_t target;
    int host;
} at_map[] = {
    {TARGET_AT_SYMLINK_NOFOLLOW, AT_SYMLINK_NOFOLLOW},
    {TARGET_AT_REMOVEDIR, AT_REMOVEDIR},
    {TARGET_AT_SYMLINK_FOLLOW, AT_SYMLINK_FOLLOW},
    {TARGET_AT_NO_AUTOMOUNT, AT_NO_AUTOMOUNT},
    {TARGET_AT_EMPTY_PATH, AT_EMPTY_PATH},
    {TARGET_AT_STATX_FORCE_SYNC, AT_STATX_FORCE_SYNC},
    {TARGET_AT_STATX_DONT_SYNC, AT_STATX_DONT_SYNC},
};

static int at_flags(uint64_t v, uint32_t allowed, int *host)
{
    uint32_t t = (uint32_t)v;
    if (t & ~allowed) {
        return -EINVAL;
    }
    *host = 0;
    for (size_t i = 0; i < sizeof(at_map) / sizeof(at_map[0]); i++) {
        if (t & at_map[i].target) {
            *host |= at_map[i].host;
        }
    }
    return 0;
}

/* Path argument of a call taking AT_EMPTY_PATH: "" (or, as Linux 6.11
 * allows, NULL) with that flag means the dirfd itself. */
static int get_path_at(uint64_t addr, char *out, bool follow, int hflags)
{
    if (addr == 0 && (hflags & AT_EMPTY_PATH)) {
        out[0] = '\0';
        return 0;
    }
    return sys_get_path(addr, out, follow);
}

/* The prologue of most *at calls: the flags argument (a[flags_arg])
 * checked against allowed, then the path argument (a[1]) resolved,
 * following a final symlink unless AT_SYMLINK_NOFOLLOW. */
static int at_path(const uint64_t *a, int flags_arg, uint32_t allowed,
                   char *path, int *hflags)
{
    int r = at_flags(a[flags_arg], allowed, hflags);
    if (r < 0) {
        return r;
    }
    return get_path_at(a[1], path, !(*hflags & AT_SYMLINK_NOFOLLOW), *hflags);
}

/* Converters. */

static void host_to_target_stat(target_stat *t, const struct stat *h)
{
    memset(t, 0, sizeof(*t));
    t->st_dev = h->st_dev;
    t->st_ino = h->st_ino;
    t->st_mode = h->st_mode;
    t->st_nlink = (uint32_t)h->st_nlink;
    t->st_uid = h->st_uid;
    t->st_gid = h->st_gid;
    t->st_rdev = h->st_rdev;
    t->st_size = h->st_size;
    t->st_blksize = (int32_t)h->st_blksize;
    t->st_blocks = h->st_blocks;
    t->st_atime_sec = h->st_atim.tv_sec;
    t->st_atime_nsec = (uint64_t)h->st_atim.tv_nsec;
    t->st_mtime_sec = h->st_mtim.tv_sec;
    t->st_mtime_nsec = (uint64_t)h->st_mtim.tv_nsec;
    t->st_ctime_sec = h->st_ctim.tv_sec;
    t->st_ctime_nsec = (uint64_t)h->st_ctim.tv_nsec;
}

static int64_t put_stat(uint64_t addr, const struct stat *h)
{
    target_stat t;
    host_to_target_stat(&t, h);
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_fstat(SyscallCtx *c, const uint64_t *a)
{
    struct stat st;
    if (fstat((int)a[0], &st) != 0) {
        return sys_errno();
    }
    return put_stat(a[1], &st);
}

int64_t sys_newfstatat(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    char path[PATH_MAX];
    int r = at_path(a, 3,
                    TARGET_AT_SYMLINK_NOFOLLOW | TARGET_AT_EMPTY_PATH |
                        TARGET_AT_NO_AUTOMOUNT,
                    path, &hflags);
    if (r < 0) {
        return r;
    }
    struct stat st;
    if (fstatat(sys_host_dirfd(a[0]), path, &st, hflags) != 0) {
        return sys_errno();
    }
    return put_stat(a[2], &st);
}

static void ts_to_target(target_statx_timestamp *t,
                         const struct statx_timestamp *h)
{
    t->tv_sec = h->tv_sec;
    t->tv_nsec = h->tv_nsec;
    t->reserved = 0;
}

/* The statx fields converted below; the mask the guest sees is limited to
 * them, whatever newer fields the host kernel fills. STATX_* values are
 * the same on every Linux. */
#ifdef STATX_DIOALIGN
#define STATX_CONVERTED                                                        \
    (STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID | STATX_DIOALIGN)
#else
#define STATX_CONVERTED (STATX_BASIC_STATS | STATX_BTIME)
#endif

int64_t sys_statx(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    char path[PATH_MAX];
    int r = at_path(a, 2,
                    TARGET_AT_SYMLINK_NOFOLLOW | TARGET_AT_EMPTY_PATH |
                        TARGET_AT_NO_AUTOMOUNT | TARGET_AT_STATX_FORCE_SYNC |
                        TARGET_AT_STATX_DONT_SYNC,
                    path, &hflags);
    if (r < 0) {
        return r;
    }
    struct statx h;
    memset(&h, 0, sizeof(h));
    if (statx(sys_host_dirfd(a[0]), path, hflags, (unsigned)a[3], &h) != 0) {
        return sys_errno();
    }
    target_statx t;
    memset(&t, 0, sizeof(t));
    t.stx_mask = h.stx_mask & STATX_CONVERTED;
    t.stx_blksize = h.stx_blksize;
    t.stx_attributes = h.stx_attributes;
    t.stx_nlink = h.stx_nlink;
    t.stx_uid = h.stx_uid;
    t.stx_gid = h.stx_gid;
    t.stx_mode = h.stx_mode;
    t.stx_ino = h.stx_ino;
    t.stx_size = h.stx_size;
    t.stx_blocks = h.stx_blocks;
    t.stx_attributes_mask = h.stx_attributes_mask;
    ts_to_target(&t.stx_atime, &h.stx_atime);
    ts_to_target(&t.stx_btime, &h.stx_btime);
    ts_to_target(&t.stx_ctime, &h.stx_ctime);
    ts_to_target(&t.stx_mtime, &h.stx_mtime);
    t.stx_rdev_major = h.stx_rdev_major;
    t.stx_rdev_minor = h.stx_rdev_minor;
    t.stx_dev_major = h.stx_dev_major;
    t.stx_dev_minor = h.stx_dev_minor;
#ifdef STATX_DIOALIGN
    t.stx_mnt_id = h.stx_mnt_id;
    t.stx_dio_mem_align = h.stx_dio_mem_align;
    t.stx_dio_offset_align = h.stx_dio_offset_align;
#endif
    return guest_copy_to(a[4], &t, sizeof(t)) ? -EFAULT : 0;
}

static int64_t put_statfs(uint64_t addr, const struct statfs *h)
{
    target_statfs t;
    memset(&t, 0, sizeof(t));
    t.f_type = h->f_type;
    t.f_bsize = h->f_bsize;
    t.f_blocks = h->f_blocks;
    t.f_bfree = h->f_bfree;
    t.f_bavail = h->f_bavail;
    t.f_files = h->f_files;
    t.f_ffree = h->f_ffree;
    memcpy(t.f_fsid, &h->f_fsid, sizeof(t.f_fsid));
    t.f_namelen = h->f_namelen;
    t.f_frsize = h->f_frsize;
    t.f_flags = h->f_flags; /* ST_* mount flags: Linux-wide values */
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_statfs(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[0], path, true);
    if (r < 0) {
        return r;
    }
    struct statfs h;
    if (statfs(path, &h) != 0) {
        return sys_errno();
    }
    return put_statfs(a[1], &h);
}

int64_t sys_fstatfs(SyscallCtx *c, const uint64_t *a)
{
    struct statfs h;
    if (fstatfs((int)a[0], &h) != 0) {
        return sys_errno();
    }
    return put_statfs(a[1], &h);
}

/* getdents64: host records -> target records. The layouts agree today, so
 * every host record fits, but the copy goes field by field. */
#define GETDENTS_MAX (1u << 20)
#define HOST_DIRENT_NAME 19 /* offsetof(struct linux_dirent64, d_name) */

int64_t sys_getdents64(SyscallCtx *c, const uint64_t *a)
{
    size_t count = a[2] > GETDENTS_MAX ? GETDENTS_MAX : (size_t)a[2];
    uint8_t *dst = sys_lock(a[1], count, true);
    if (!dst) {
        return -EFAULT;
    }
    uint8_t *buf = malloc(count ? count : 1);
    if (!buf) {
        return -ENOMEM;
    }
    long n = syscall(SYS_getdents64, (int)a[0], buf, count);
    if (n < 0) {
        int64_t e = sys_errno();
        free(buf);
        return e;
    }
    size_t in = 0, outp = 0;
    while (in < (size_t)n) {
        uint64_t ino;
        int64_t off;
        uint16_t reclen;
        uint8_t type;
        memcpy(&ino, buf + in, 8);
        memcpy(&off, buf + in + 8, 8);
        memcpy(&reclen, buf + in + 16, 2);
        type = buf[in + 18];
        const char *name = (const char *)buf + in + HOST_DIRENT_NAME;
        size_t namelen = strnlen(name, reclen - HOST_DIRENT_NAME);
        size_t treclen =
            (offsetof(target_dirent64, d_name) + namelen + 1 + 7) & ~(size_t)7;
        if (outp + treclen > count) {
            /* Cannot happen while the layouts agree; never overrun. */
            break;
        }
        target_dirent64 t = {.d_ino = ino,
                             .d_off = off,
                             .d_reclen = (uint16_t)treclen,
                             .d_type = type};
        memset(dst + outp, 0, treclen);
        memcpy(dst + outp, &t, offsetof(target_dirent64, d_name));
        memcpy(dst + outp + offsetof(target_dirent64, d_name), name, namelen);
        outp += treclen;
        in += reclen;
    }
    free(buf);
    return (int64_t)outp;
}

int64_t sys_readlinkat(SyscallCtx *c, const uint64_t *a)
{
    int64_t size = (int32_t)a[3];
    if (size <= 0) {
        return -EINVAL;
    }
    char guest[PATH_MAX];
    ssize_t gn = guest_strncpy_from(guest, a[1], sizeof(guest));
    if (gn < 0) {
        return gn;
    }
    char target[PATH_MAX];
    ssize_t n;
    if (exe_guest && is_proc_self_exe(guest)) {
        n = (ssize_t)strlen(exe_guest);
        memcpy(target, exe_guest, (size_t)n);
    } else {
        char path[PATH_MAX];
        int r = sysroot_resolve_nofollow(guest, path, sizeof(path));
        if (r < 0) {
            return r;
        }
        n = readlinkat(sys_host_dirfd(a[0]), path, target, sizeof(target) - 1);
        if (n < 0) {
            return sys_errno();
        }
        target[n] = '\0';
        /* Links in /proc (cwd, fd/N) hold host paths: show the guest's. */
        if (!strncmp(path, "/proc/", 6)) {
            const char *view = sysroot_guest_view(target);
            n = (ssize_t)strlen(view);
            memmove(target, view, (size_t)n + 1);
        }
    }
    if (n > size) {
        n = size; /* readlink truncates silently */
    }
    return guest_copy_to(a[2], target, (size_t)n) ? -EFAULT : n;
}

int64_t sys_faccessat(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[1], path, true);
    if (r < 0) {
        return r;
    }
    /* The raw call: glibc's faccessat emulates flags we do not pass. */
    return sys_ret(
        syscall(SYS_faccessat, sys_host_dirfd(a[0]), path, (int)a[2]));
}

int64_t sys_faccessat2(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    char path[PATH_MAX];
    int r = at_path(a, 3,
                    TARGET_AT_EACCESS | TARGET_AT_SYMLINK_NOFOLLOW |
                        TARGET_AT_EMPTY_PATH,
                    path, &hflags);
    if (r < 0) {
        return r;
    }
    return sys_ret(
        syscall(SYS_faccessat2, sys_host_dirfd(a[0]), path, (int)a[2], hflags));
}

int64_t sys_utimensat(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    int r = at_flags(a[3], TARGET_AT_SYMLINK_NOFOLLOW | TARGET_AT_EMPTY_PATH,
                     &hflags);
    if (r < 0) {
        return r;
    }
    char path[PATH_MAX];
    const char *p = NULL; /* NULL path: the file dirfd refers to */
    if (a[1]) {
        r = sys_get_path(a[1], path, !(hflags & AT_SYMLINK_NOFOLLOW));
        if (r < 0) {
            return r;
        }
        p = path;
    }
    struct timespec ts[2], *tsp = NULL;
    if (a[2]) {
        target_timespec t[2];
        if (guest_copy_from(t, a[2], sizeof(t)) != 0) {
            return -EFAULT;
        }
        /* UTIME_NOW and UTIME_OMIT are tv_nsec values the same
         * everywhere; they pass with the rest. */
        for (int i = 0; i < 2; i++) {
            ts[i].tv_sec = t[i].tv_sec;
            ts[i].tv_nsec = t[i].tv_nsec;
        }
        tsp = ts;
    }
    return sys_ret(
        syscall(SYS_utimensat, sys_host_dirfd(a[0]), p, tsp, hflags));
}

int64_t sys_fchmod(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(fchmod((int)a[0], (mode_t)(a[1] & 07777)));
}

int64_t sys_fchmodat(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[1], path, true);
    if (r < 0) {
        return r;
    }
    return sys_ret(syscall(SYS_fchmodat, sys_host_dirfd(a[0]), path,
                           (mode_t)(a[2] & 07777)));
}

int64_t sys_fchown(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(
        fchown((int)a[0], (uid_t)(uint32_t)a[1], (gid_t)(uint32_t)a[2]));
}

int64_t sys_fchownat(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    char path[PATH_MAX];
    int r = at_path(a, 4, TARGET_AT_SYMLINK_NOFOLLOW | TARGET_AT_EMPTY_PATH,
                    path, &hflags);
    if (r < 0) {
        return r;
    }
    return sys_ret(fchownat(sys_host_dirfd(a[0]), path, (uid_t)(uint32_t)a[2],
                            (gid_t)(uint32_t)a[3], hflags));
}

int64_t sys_umask(SyscallCtx *c, const uint64_t *a)
{
    return umask((mode_t)(a[0] & 0777));
}

int64_t sys_truncate(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[0], path, true);
    if (r < 0) {
        return r;
    }
    return sys_ret(truncate(path, (off_t)a[1]));
}

int64_t sys_ftruncate(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(ftruncate((int)a[0], (off_t)a[1]));
}

/* The name space. */

int64_t sys_getcwd(SyscallCtx *c, const uint64_t *a)
{
    char host[PATH_MAX];
    if (!getcwd(host, sizeof(host))) {
        return sys_errno();
    }
    const char *view = sysroot_guest_view(host);
    size_t len = strlen(view) + 1;
    if (a[1] < len) {
        return -ERANGE;
    }
    /* The syscall returns the length including the NUL. */
    return guest_copy_to(a[0], view, len) ? -EFAULT : (int64_t)len;
}

int64_t sys_chdir(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[0], path, true);
    if (r < 0) {
        return r;
    }
    return sys_ret(chdir(path));
}

int64_t sys_fchdir(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(fchdir((int)a[0]));
}

int64_t sys_mkdirat(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[1], path, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(mkdirat(sys_host_dirfd(a[0]), path, (mode_t)(a[2] & 07777)));
}

/* mknodat(dirfd, path, mode, dev): the file type bits (S_IFIFO, S_IFCHR,
 * ...) are the same numbers on every Linux, and dev is the kernel's
 * 32-bit encoding on every architecture, so both pass as they are; the
 * raw call keeps the kernel's own checks (EPERM for devices, EINVAL for a
 * bad type). */
int64_t sys_mknodat(SyscallCtx *c, const uint64_t *a)
{
    char path[PATH_MAX];
    int r = sys_get_path(a[1], path, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(syscall(SYS_mknodat, sys_host_dirfd(a[0]), path,
                           (unsigned int)a[2], (unsigned int)a[3]));
}

int64_t sys_unlinkat(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    int r = at_flags(a[2], TARGET_AT_REMOVEDIR, &hflags);
    if (r < 0) {
        return r;
    }
    char path[PATH_MAX];
    r = sys_get_path(a[1], path, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(unlinkat(sys_host_dirfd(a[0]), path, hflags));
}

static int64_t do_renameat2(uint64_t olddir, uint64_t oldp, uint64_t newdir,
                            uint64_t newp, uint32_t flags)
{
    /* RENAME_* are the same on every Linux. */
    if (flags & ~(uint32_t)(TARGET_RENAME_NOREPLACE | TARGET_RENAME_EXCHANGE |
                            TARGET_RENAME_WHITEOUT)) {
        return -EINVAL;
    }
    unsigned hflags =
        ((flags & TARGET_RENAME_NOREPLACE) ? RENAME_NOREPLACE : 0) |
        ((flags & TARGET_RENAME_EXCHANGE) ? RENAME_EXCHANGE : 0) |
        ((flags & TARGET_RENAME_WHITEOUT) ? RENAME_WHITEOUT : 0);
    char from[PATH_MAX], to[PATH_MAX];
    int r = sys_get_path(oldp, from, false);
    if (r < 0) {
        return r;
    }
    r = sys_get_path(newp, to, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(renameat2(sys_host_dirfd(olddir), from,
                             sys_host_dirfd(newdir), to, hflags));
}

int64_t sys_renameat(SyscallCtx *c, const uint64_t *a)
{
    return do_renameat2(a[0], a[1], a[2], a[3], 0);
}

int64_t sys_renameat2(SyscallCtx *c, const uint64_t *a)
{
    return do_renameat2(a[0], a[1], a[2], a[3], (uint32_t)a[4]);
}

int64_t sys_symlinkat(SyscallCtx *c, const uint64_t *a)
{
    /* The link's content is stored as the guest wrote it: it is resolved
     * (inside the sysroot) when the link is used, not now. */
    char target[PATH_MAX];
    ssize_t n = guest_strncpy_from(target, a[0], sizeof(target));
    if (n < 0) {
        return n;
    }
    char path[PATH_MAX];
    int r = sys_get_path(a[2], path, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(symlinkat(target, sys_host_dirfd(a[1]), path));
}

int64_t sys_linkat(SyscallCtx *c, const uint64_t *a)
{
    int hflags;
    int r = at_flags(a[4], TARGET_AT_SYMLINK_FOLLOW | TARGET_AT_EMPTY_PATH,
                     &hflags);
    if (r < 0) {
        return r;
    }
    char from[PATH_MAX], to[PATH_MAX];
    r = get_path_at(a[1], from, (hflags & AT_SYMLINK_FOLLOW) != 0, hflags);
    if (r < 0) {
        return r;
    }
    r = sys_get_path(a[3], to, false);
    if (r < 0) {
        return r;
    }
    return sys_ret(
        linkat(sys_host_dirfd(a[0]), from, sys_host_dirfd(a[2]), to, hflags));
}

/*
 * System calls on file descriptors: I/O (read, write, vectors, positioned
 * I/O), descriptor management (open, close, dup, pipe2), fcntl and the
 * terminal and FIO ioctls. Guest fds are host fds, so most calls go
 * straight through once guest buffers are checked (sys_lock) and guest
 * flags translated; structures (termios, winsize, flock, iovec) are
 * converted field by field.
 *
 * Path-based calls (stat, directories, links) are in fs.c.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "linux-user/sysroot.h"
#include "syscall/internal.h"
#include "syscall/net.h"

/* Linux's UIO_MAXIOV. */
#define TARGET_IOV_MAX 1024

_Static_assert(SEEK_SET == 0 && SEEK_CUR == 1 && SEEK_END == 2 &&
                   SEEK_DATA == 3 && SEEK_HOLE == 4,
               "lseek whence values are the same on every Linux");
_Static_assert(LOCK_SH == 1 && LOCK_EX == 2 && LOCK_NB == 4 && LOCK_UN == 8,
               "flock operations are the same on every Linux");

int sys_host_dirfd(uint64_t v)
{
    return (int32_t)v == TARGET_AT_FDCWD ? AT_FDCWD : (int32_t)v;
}

int64_t sys_read(SyscallCtx *c, const uint64_t *a)
{
    /* signalfd records are converted (event.c); one bit test for others. */
    int64_t sr = signalfd_read((int)a[0], a[1], a[2]);
    if (sr != -ENOTSUP) {
        return sr;
    }
    void *p = sys_lock(a[1], a[2], true);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(read((int)a[0], p, a[2]));
}

int64_t sys_write(SyscallCtx *c, const uint64_t *a)
{
    void *p = sys_lock(a[1], a[2], false);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(write((int)a[0], p, a[2]));
}

int64_t sys_pread64(SyscallCtx *c, const uint64_t *a)
{
    void *p = sys_lock(a[1], a[2], true);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(pread((int)a[0], p, a[2], (off_t)a[3]));
}

int64_t sys_pwrite64(SyscallCtx *c, const uint64_t *a)
{
    void *p = sys_lock(a[1], a[2], false);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(pwrite((int)a[0], p, a[2], (off_t)a[3]));
}

/* Guest iovec array -> host iovecs over checked guest memory. Returns the
 * count, or -errno (EINVAL for a bad count, EFAULT for a bad pointer).
 * Shared with sockmsg.c (declared in net.h). */
int sys_get_iovec(uint64_t addr, int64_t count, bool write,
                  struct iovec **out)
{
    if ((int32_t)count < 0 || (int32_t)count > TARGET_IOV_MAX) {
        return -EINVAL;
    }
    int n = (int32_t)count;
    target_iovec tv[TARGET_IOV_MAX];
    if (guest_copy_from(tv, addr, sizeof(tv[0]) * (size_t)n) != 0) {
        return -EFAULT;
    }
    struct iovec *hv = calloc((size_t)n + 1, sizeof(*hv));
    if (!hv) {
        return -ENOMEM;
    }
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        /* The kernel limits the total to ssize_t range. */
        if (tv[i].iov_len > (uint64_t)SSIZE_MAX - total) {
            free(hv);
            return -EINVAL;
        }
        total += tv[i].iov_len;
        hv[i].iov_base = sys_lock(tv[i].iov_base, tv[i].iov_len, write);
        hv[i].iov_len = tv[i].iov_len;
        if (!hv[i].iov_base) {
            free(hv);
            return -EFAULT;
        }
    }
    *out = hv;
    return n;
}

int64_t sys_readv(SyscallCtx *c, const uint64_t *a)
{
    struct iovec *v;
    int n = sys_get_iovec(a[1], (int64_t)a[2], true, &v);
    if (n < 0) {
        return n;
    }
    int64_t r = sys_ret(readv((int)a[0], v, n));
    free(v);
    return r;
}

int64_t sys_writev(SyscallCtx *c, const uint64_t *a)
{
    struct iovec *v;
    int n = sys_get_iovec(a[1], (int64_t)a[2], false, &v);
    if (n < 0) {
        return n;
    }
    int64_t r = sys_ret(writev((int)a[0], v, n));
    free(v);
    return r;
}

int64_t sys_lseek(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

int64_t sys_fsync(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(fsync((int)a[0]));
}

int64_t sys_fdatasync(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(fdatasync((int)a[0]));
}

int64_t sys_sync(SyscallCtx *c, const uint64_t *a)
{
    sync();
    return 0;
}

int64_t sys_fadvise64(SyscallCtx *c, const uint64_t *a)
{
    /* POSIX_FADV_* 0..5 are the asm-generic values, shared by x86-64. */
    return sys_ret(
        syscall(SYS_fadvise64, (int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]));
}

int64_t sys_flock(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(flock((int)a[0], (int)a[1]));
}

/* Descriptors. */

int64_t sys_close(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(close((int)a[0]));
}

int64_t sys_dup(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(dup((int)a[0]));
}

int64_t sys_dup3(SyscallCtx *c, const uint64_t *a)
{
    if ((uint32_t)a[2] & ~(uint32_t)TARGET_O_CLOEXEC) {
        return -EINVAL;
    }
    int flags = sys_open_flags_to_host(c->arch, (uint32_t)a[2]);
    return sys_ret(dup3((int)a[0], (int)a[1], flags));
}

int64_t sys_pipe2(SyscallCtx *c, const uint64_t *a)
{
    int fds[2];
    /* Linux accepts only these for pipe2; anything else is EINVAL. */
    if ((uint32_t)a[1] &
        ~(uint32_t)(TARGET_O_CLOEXEC | TARGET_O_NONBLOCK | TARGET_O_DIRECT)) {
        return -EINVAL;
    }
    int flags = sys_open_flags_to_host(c->arch, (uint32_t)a[1]);
    if (pipe2(fds, flags) != 0) {
        return sys_errno();
    }
    int32_t t[2] = {fds[0], fds[1]};
    if (guest_copy_to(a[0], t, sizeof(t)) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

/* fcntl record locks. */
static int64_t fcntl_lock(int fd, int host_cmd, uint64_t addr)
{
    target_flock tf;
    if (guest_copy_from(&tf, addr, sizeof(tf)) != 0) {
        return -EFAULT;
    }
    struct flock hf = {0};
    switch (tf.l_type) {
    case TARGET_F_RDLCK:
        hf.l_type = F_RDLCK;
        break;
    case TARGET_F_WRLCK:
        hf.l_type = F_WRLCK;
        break;
    case TARGET_F_UNLCK:
        hf.l_type = F_UNLCK;
        break;
    default:
        return -EINVAL;
    }
    hf.l_whence = tf.l_whence; /* SEEK_* (checked above) */
    hf.l_start = tf.l_start;
    hf.l_len = tf.l_len;
    hf.l_pid = tf.l_pid;
    if (fcntl(fd, host_cmd, &hf) != 0) {
        return sys_errno();
    }
    if (host_cmd == F_GETLK || host_cmd == F_OFD_GETLK) {
        tf.l_type = hf.l_type == F_RDLCK   ? TARGET_F_RDLCK
                    : hf.l_type == F_WRLCK ? TARGET_F_WRLCK
                                           : TARGET_F_UNLCK;
        tf.l_whence = hf.l_whence;
        tf.l_start = hf.l_start;
        tf.l_len = hf.l_len;
        tf.l_pid = hf.l_pid;
        if (guest_copy_to(addr, &tf, sizeof(tf)) != 0) {
            return -EFAULT;
        }
    }
    return 0;
}

int64_t sys_fcntl(SyscallCtx *c, const uint64_t *a)
{
    int fd = (int)a[0];
    int arg = (int)a[2];
    switch ((int)a[1]) {
    case TARGET_F_DUPFD:
        return sys_ret(fcntl(fd, F_DUPFD, arg));
    case TARGET_F_DUPFD_CLOEXEC:
        return sys_ret(fcntl(fd, F_DUPFD_CLOEXEC, arg));
    case TARGET_F_GETFD: {
        int r = fcntl(fd, F_GETFD);
        if (r < 0) {
            return sys_errno();
        }
        return (r & FD_CLOEXEC) ? TARGET_FD_CLOEXEC : 0;
    }
    case TARGET_F_SETFD:
        return sys_ret(
            fcntl(fd, F_SETFD, (arg & TARGET_FD_CLOEXEC) ? FD_CLOEXEC : 0));
    case TARGET_F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        if (r < 0) {
            return sys_errno();
        }
        return (int64_t)sys_open_flags_to_target(c->arch, r);
    }
    case TARGET_F_SETFL:
        return sys_ret(
            fcntl(fd, F_SETFL, sys_open_flags_to_host(c->arch, (uint32_t)arg)));
    case TARGET_F_GETLK:
        return fcntl_lock(fd, F_GETLK, a[2]);
    case TARGET_F_SETLK:
        return fcntl_lock(fd, F_SETLK, a[2]);
    case TARGET_F_SETLKW:
        return fcntl_lock(fd, F_SETLKW, a[2]);
    case TARGET_F_OFD_GETLK:
        return fcntl_lock(fd, F_OFD_GETLK, a[2]);
    case TARGET_F_OFD_SETLK:
        return fcntl_lock(fd, F_OFD_SETLK, a[2]);
    case TARGET_F_OFD_SETLKW:
        return fcntl_lock(fd, F_OFD_SETLKW, a[2]);
    case TARGET_F_GETOWN:
        return sys_ret(fcntl(fd, F_GETOWN));
    case TARGET_F_SETOWN:
        return sys_ret(fcntl(fd, F_SETOWN, arg));
    case TARGET_F_SETPIPE_SZ:
        return sys_ret(fcntl(fd, F_SETPIPE_SZ, arg));
    case TARGET_F_GETPIPE_SZ:
        return sys_ret(fcntl(fd, F_GETPIPE_SZ));
    case TARGET_F_ADD_SEALS:
        /* F_SEAL_* bits are the same on every Linux. */
        return sys_ret(fcntl(fd, F_ADD_SEALS, arg));
    case TARGET_F_GET_SEALS:
        return sys_ret(fcntl(fd, F_GET_SEALS));
    default:
        return -EINVAL;
    }
}

/* Terminal ioctls. The host kernel's struct termios on x86-64 (not glibc's
 * struct termios, which adds speed fields): used with the raw TCGETS
 * family so that nothing in between rewrites the flags. */
struct host_ktermios {
    tcflag_t c_iflag;
    tcflag_t c_oflag;
    tcflag_t c_cflag;
    tcflag_t c_lflag;
    cc_t c_line;
    cc_t c_cc[19];
};

/* Flag words pass unchanged: asm-generic termbits values, which the
 * x86-64 kernel uses too. A sample from each word: */
_Static_assert(ICRNL == 0000400 && IXON == 0002000 && OPOST == 0000001 &&
                   ONLCR == 0000004 && CS8 == 0000060 && CBAUD == 0010017 &&
                   ICANON == 0000002 && ECHO == 0000010 && IEXTEN == 0100000,
               "host termios flags are not the asm-generic values");

static const struct {
    uint8_t target, host;
} cc_map[] = {
    {TARGET_VINTR, VINTR},       {TARGET_VQUIT, VQUIT},
    {TARGET_VERASE, VERASE},     {TARGET_VKILL, VKILL},
    {TARGET_VEOF, VEOF},         {TARGET_VTIME, VTIME},
    {TARGET_VMIN, VMIN},         {TARGET_VSWTC, VSWTC},
    {TARGET_VSTART, VSTART},     {TARGET_VSTOP, VSTOP},
    {TARGET_VSUSP, VSUSP},       {TARGET_VEOL, VEOL},
    {TARGET_VREPRINT, VREPRINT}, {TARGET_VDISCARD, VDISCARD},
    {TARGET_VWERASE, VWERASE},   {TARGET_VLNEXT, VLNEXT},
    {TARGET_VEOL2, VEOL2},
};

static void host_to_target_termios(target_termios *t,
                                   const struct host_ktermios *h)
{
    memset(t, 0, sizeof(*t));
    t->c_iflag = h->c_iflag;
    t->c_oflag = h->c_oflag;
    t->c_cflag = h->c_cflag;
    t->c_lflag = h->c_lflag;
    t->c_line = h->c_line;
    for (size_t i = 0; i < sizeof(cc_map) / sizeof(cc_map[0]); i++) {
        t->c_cc[cc_map[i].target] = h->c_cc[cc_map[i].host];
    }
}

static void target_to_host_termios(struct host_ktermios *h,
                                   const target_termios *t)
{
    memset(h, 0, sizeof(*h));
    h->c_iflag = t->c_iflag;
    h->c_oflag = t->c_oflag;
    h->c_cflag = t->c_cflag;
    h->c_lflag = t->c_lflag;
    h->c_line = t->c_line;
    for (size_t i = 0; i < sizeof(cc_map) / sizeof(cc_map[0]); i++) {
        h->c_cc[cc_map[i].host] = t->c_cc[cc_map[i].target];
    }
}

static int64_t ioctl_get_int(int fd, unsigned long req, uint64_t addr)
{
    int v;
    if (ioctl(fd, req, &v) != 0) {
        return sys_errno();
    }
    int32_t t = v;
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

static int64_t ioctl_set_int(int fd, unsigned long req, uint64_t addr)
{
    int32_t t;
    if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
        return -EFAULT;
    }
    int v = t;
    return sys_ret(ioctl(fd, req, &v));
}

int64_t sys_ioctl(SyscallCtx *c, const uint64_t *a)
{
    int fd = (int)a[0];
    uint64_t arg = a[2];
    switch ((uint32_t)a[1]) {
    case TARGET_TCGETS: {
        struct host_ktermios h;
        if (ioctl(fd, TCGETS, &h) != 0) {
            return sys_errno();
        }
        target_termios t;
        host_to_target_termios(&t, &h);
        return guest_copy_to(arg, &t, sizeof(t)) ? -EFAULT : 0;
    }
    case TARGET_TCSETS:
    case TARGET_TCSETSW:
    case TARGET_TCSETSF: {
        target_termios t;
        if (guest_copy_from(&t, arg, sizeof(t)) != 0) {
            return -EFAULT;
        }
        struct host_ktermios h;
        target_to_host_termios(&h, &t);
        unsigned long req = (uint32_t)a[1] == TARGET_TCSETS    ? TCSETS
                            : (uint32_t)a[1] == TARGET_TCSETSW ? TCSETSW
                                                               : TCSETSF;
        return sys_ret(ioctl(fd, req, &h));
    }
    case TARGET_TIOCGWINSZ: {
        struct winsize h;
        if (ioctl(fd, TIOCGWINSZ, &h) != 0) {
            return sys_errno();
        }
        target_winsize t = {.ws_row = h.ws_row,
                            .ws_col = h.ws_col,
                            .ws_xpixel = h.ws_xpixel,
                            .ws_ypixel = h.ws_ypixel};
        return guest_copy_to(arg, &t, sizeof(t)) ? -EFAULT : 0;
    }
    case TARGET_TIOCSWINSZ: {
        target_winsize t;
        if (guest_copy_from(&t, arg, sizeof(t)) != 0) {
            return -EFAULT;
        }
        struct winsize h = {.ws_row = t.ws_row,
                            .ws_col = t.ws_col,
                            .ws_xpixel = t.ws_xpixel,
                            .ws_ypixel = t.ws_ypixel};
        return sys_ret(ioctl(fd, TIOCSWINSZ, &h));
    }
    case TARGET_TIOCGPGRP:
        return ioctl_get_int(fd, TIOCGPGRP, arg);
    case TARGET_TIOCSPGRP:
        return ioctl_set_int(fd, TIOCSPGRP, arg);
    case TARGET_FIONREAD:
        return ioctl_get_int(fd, FIONREAD, arg);
    case TARGET_FIONBIO:
        return ioctl_set_int(fd, FIONBIO, arg);
    case TARGET_FIOCLEX:
        return sys_ret(ioctl(fd, FIOCLEX));
    case TARGET_FIONCLEX:
        return sys_ret(ioctl(fd, FIONCLEX));
    case TARGET_FIOASYNC:
        return ioctl_set_int(fd, FIOASYNC, arg);
    /* Terminal requests taking an int by value (tcdrain, tcflush,
     * tcflow, controlling terminal): nothing to convert. */
    case TARGET_TCSBRK:
        return sys_ret(ioctl(fd, TCSBRK, (int)arg));
    case TARGET_TCXONC:
        return sys_ret(ioctl(fd, TCXONC, (int)arg));
    case TARGET_TCFLSH:
        return sys_ret(ioctl(fd, TCFLSH, (int)arg));
    case TARGET_TIOCSCTTY:
        return sys_ret(ioctl(fd, TIOCSCTTY, (int)arg));
    case TARGET_TIOCNOTTY:
        return sys_ret(ioctl(fd, TIOCNOTTY));
    /* Pseudo-terminals (openpty, grantpt, unlockpt): an int in memory. */
    case TARGET_TIOCGPTN:
        return ioctl_get_int(fd, TIOCGPTN, arg);
    case TARGET_TIOCSPTLCK:
        return ioctl_set_int(fd, TIOCSPTLCK, arg);
    default:
        /* Passing unknown requests through would let the host kernel
         * write host-layout structures into guest memory: refuse them as
         * a driver would, after the fd check the kernel does first. */
        if (fcntl(fd, F_GETFD) < 0) {
            return sys_errno();
        }
        return -ENOTTY;
    }
}

int64_t sys_openat(SyscallCtx *c, const uint64_t *a)
{
    int flags = sys_open_flags_to_host(c->arch, (uint32_t)a[2]);
    bool follow = !(flags & O_NOFOLLOW) &&
                  (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
    /* One copy of the guest's path: generated /proc files first, then the
     * sysroot. */
    char guest[PATH_MAX], path[PATH_MAX];
    ssize_t n = guest_strncpy_from(guest, a[1], sizeof(guest));
    if (n < 0) {
        return n;
    }
    if (n > 0) {
        int fd = sys_proc_open(c->arch, sys_host_dirfd(a[0]), guest, flags);
        if (fd != -ENOENT) {
            return fd;
        }
    }
    int r = sys_resolve_path(guest, path, follow);
    if (r < 0) {
        return r;
    }
    return sys_ret(
        openat(sys_host_dirfd(a[0]), path, flags, (mode_t)(a[3] & 07777)));
}

int64_t sys_memfd_create(SyscallCtx *c, const uint64_t *a)
{
    /* Linux's limit: "memfd:" + name within NAME_MAX. */
    char name[250];
    ssize_t n = guest_strncpy_from(name, a[0], sizeof(name));
    if (n == -ENAMETOOLONG) {
        return -EINVAL;
    }
    if (n < 0) {
        return -EFAULT;
    }
    /* MFD_* bits (and the hugetlb size field) are the same on every
     * Linux. */
    _Static_assert(MFD_CLOEXEC == TARGET_MFD_CLOEXEC &&
                       MFD_ALLOW_SEALING == TARGET_MFD_ALLOW_SEALING &&
                       MFD_HUGETLB == TARGET_MFD_HUGETLB,
                   "MFD_ flags are the same on every Linux");
    return sys_ret(memfd_create(name, (unsigned)a[1]));
}

int64_t sys_close_range(SyscallCtx *c, const uint64_t *a)
{
    /* vemu keeps no descriptors of its own open while the guest runs (the
     * code buffer's memfd is closed once mapped), so the guest's range is
     * the host's. CLOSE_RANGE_* are the same on every Linux. */
    return sys_ret(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1],
                           (unsigned)a[2]));
}

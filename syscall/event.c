/*
 * Event descriptors: epoll, eventfd, timerfd, signalfd, inotify. They are
 * host descriptors; what crosses is flags (O_CLOEXEC/O_NONBLOCK of
 * asm-generic), struct epoll_event (12 packed bytes on the x86-64 host,
 * 16 aligned bytes on the guests: converted both ways), itimerspec, the
 * signal set of signalfd and the signalfd_siginfo records read from it.
 * eventfd and timerfd reads are one u64, inotify records have the same
 * fixed-width layout everywhere: plain reads serve them.
 *
 * Signal masks: the wait calls' sigmask argument is checked, not applied,
 * as ppoll does (poll.c); signalfd blocks on the host the signals of its
 * set that the guest has blocked, so that the host kernel keeps them
 * pending for the descriptor instead of acting on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "syscall/net.h"

_Static_assert(EPOLL_CLOEXEC == O_CLOEXEC && EFD_CLOEXEC == O_CLOEXEC &&
                   EFD_NONBLOCK == O_NONBLOCK && TFD_CLOEXEC == O_CLOEXEC &&
                   IN_CLOEXEC == O_CLOEXEC && IN_NONBLOCK == O_NONBLOCK,
               "host descriptor flags are not its O_ flags");
_Static_assert(EPOLL_CTL_ADD == TARGET_EPOLL_CTL_ADD &&
                   EPOLL_CTL_DEL == TARGET_EPOLL_CTL_DEL &&
                   EPOLL_CTL_MOD == TARGET_EPOLL_CTL_MOD,
               "epoll_ctl operations are the same on every Linux");
_Static_assert(sizeof(struct epoll_event) == 12,
               "the x86-64 host's epoll_event is packed");
_Static_assert(TFD_TIMER_ABSTIME == TARGET_TFD_TIMER_ABSTIME &&
                   TFD_TIMER_CANCEL_ON_SET == TARGET_TFD_TIMER_CANCEL_ON_SET,
               "timerfd_settime flags are the same on every Linux");

/* Guest signal numbers to host ones and back: real-time signals are
 * moved (syscall/signal-host.c); 0 means "no host signal". */
static int signal_to_host(int sig)
{
    return signal_guest_to_host(sig);
}

static int signal_to_target(int sig)
{
    return signal_host_to_guest(sig);
}

/* Flags of the fd-creating calls: the guest's O_CLOEXEC/O_NONBLOCK (and
 * extra bits in allowed) to host, -EINVAL for anything else. */
static int64_t fd_flags(uint64_t v, uint32_t extra)
{
    uint32_t f = (uint32_t)v;
    uint32_t known = TARGET_O_CLOEXEC | TARGET_O_NONBLOCK | extra;
    if (f & ~known) {
        return -EINVAL;
    }
    return (int64_t)((f & extra) | ((f & TARGET_O_CLOEXEC) ? O_CLOEXEC : 0) |
                     ((f & TARGET_O_NONBLOCK) ? O_NONBLOCK : 0));
}

/* epoll. */

int64_t sys_epoll_create1(SyscallCtx *c, const uint64_t *a)
{
    if ((uint32_t)a[0] & ~(uint32_t)TARGET_EPOLL_CLOEXEC) {
        return -EINVAL;
    }
    return sys_ret(epoll_create1(a[0] ? EPOLL_CLOEXEC : 0));
}

int64_t sys_epoll_ctl(SyscallCtx *c, const uint64_t *a)
{
    struct epoll_event h = {0};
    struct epoll_event *hp = NULL;
    /* EPOLL_CTL_DEL ignores the event (NULL allowed since 2.6.9). */
    if ((int)a[1] != TARGET_EPOLL_CTL_DEL) {
        target_epoll_event t;
        if (guest_copy_from(&t, a[3], sizeof(t)) != 0) {
            return -EFAULT;
        }
        /* EPOLL* bits are the same on every Linux. */
        h.events = t.events;
        h.data.u64 = t.data;
        hp = &h;
    }
    return sys_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], hp));
}

/* Most events fetched from the host per call; more are left for the next
 * call, which epoll allows (it returns up to maxevents). */
#define EPOLL_BATCH 1024

static int64_t epoll_wait_common(const uint64_t *a, int timeout_ms,
                                 const struct timespec *ts)
{
    int max = (int)a[2];
    /* The kernel's limit: INT_MAX / sizeof(struct epoll_event) events. */
    if (max <= 0 || max > INT32_MAX / (int)sizeof(target_epoll_event)) {
        return -EINVAL;
    }
    if (!guest_range_ok(a[1], (uint64_t)max * sizeof(target_epoll_event),
                        PAGE_WRITE)) {
        return -EFAULT;
    }
    int n = max < EPOLL_BATCH ? max : EPOLL_BATCH;
    struct epoll_event h[EPOLL_BATCH];
    /* The guest's mask for the wait (a[4], a[5]), applied atomically. */
    SigWait w;
    int64_t err = sigwait_begin(&w, a[4], a[5]);
    if (err) {
        return err;
    }
    long r = ts ? syscall(SYS_epoll_pwait2, (int)a[0], h, n, ts, &w.host_mask,
                          (size_t)8)
                : syscall(SYS_epoll_pwait, (int)a[0], h, n, timeout_ms,
                          &w.host_mask, (size_t)8);
    err = r < 0 ? sys_errno() : 0;
    sigwait_end(&w, r < 0 ? err : r);
    if (r < 0) {
        return err;
    }
    for (long i = 0; i < r; i++) {
        target_epoll_event t = {.events = h[i].events, .data = h[i].data.u64};
        if (guest_copy_to(a[1] + (uint64_t)i * sizeof(t), &t, sizeof(t))) {
            return -EFAULT;
        }
    }
    return r;
}

int64_t sys_epoll_pwait(SyscallCtx *c, const uint64_t *a)
{
    return epoll_wait_common(a, (int)a[3], NULL);
}

int64_t sys_epoll_pwait2(SyscallCtx *c, const uint64_t *a)
{
    struct timespec ts = {-1, 0};
    if (a[3]) {
        if (get_timespec(&ts, a[3]) < 0) {
            return -EFAULT;
        }
        return epoll_wait_common(a, 0, &ts);
    }
    return epoll_wait_common(a, -1, NULL);
}

/* eventfd. */

int64_t sys_eventfd2(SyscallCtx *c, const uint64_t *a)
{
    int64_t f = fd_flags(a[1], TARGET_EFD_SEMAPHORE);
    if (f < 0) {
        return f;
    }
    _Static_assert(EFD_SEMAPHORE == TARGET_EFD_SEMAPHORE, "EFD_SEMAPHORE");
    return sys_ret(eventfd((unsigned)a[0], (int)f));
}

/* timerfd. */

int64_t sys_timerfd_create(SyscallCtx *c, const uint64_t *a)
{
    int64_t f = fd_flags(a[1], 0);
    if (f < 0) {
        return f;
    }
    /* Clock ids are the same on every Linux. */
    return sys_ret(timerfd_create((int)a[0], (int)f));
}

/* get_itimerspec/put_itimerspec: timers.c (shared with timer_*). */

int64_t sys_timerfd_settime(SyscallCtx *c, const uint64_t *a)
{
    struct itimerspec nv, ov;
    if (get_itimerspec(&nv, a[2]) < 0) {
        return -EFAULT;
    }
    if (timerfd_settime((int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL) != 0) {
        return sys_errno();
    }
    return a[3] ? put_itimerspec(a[3], &ov) : 0;
}

int64_t sys_timerfd_gettime(SyscallCtx *c, const uint64_t *a)
{
    struct itimerspec cur;
    if (timerfd_gettime((int)a[0], &cur) != 0) {
        return sys_errno();
    }
    return put_itimerspec(a[1], &cur);
}

/* signalfd. Reads of a signalfd return host records, which read()
 * converts (files.c asks signalfd_read first): fds created here are
 * remembered by number, and confirmed through /proc before a read is
 * treated as one, since the number may have been closed and reused. A
 * dup of a signalfd is read unconverted, which is correct while the
 * layouts and signal numbers agree. */
#define SIGNALFD_TRACK 4096
static uint64_t signalfd_bits[SIGNALFD_TRACK / 64];

static bool is_signalfd(int fd)
{
    if (fd < 0 || fd >= SIGNALFD_TRACK ||
        !(__atomic_load_n(&signalfd_bits[fd / 64], __ATOMIC_RELAXED) &
          (1ull << (fd % 64)))) {
        return false;
    }
    char path[64], link[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    if (n > 0) {
        link[n] = 0;
        if (strcmp(link, "anon_inode:[signalfd]") == 0) {
            return true;
        }
    }
    __atomic_fetch_and(&signalfd_bits[fd / 64], ~(1ull << (fd % 64)),
                       __ATOMIC_RELAXED);
    return false;
}

int64_t sys_signalfd4(SyscallCtx *c, const uint64_t *a)
{
    if (a[2] != sizeof(target_sigset)) {
        return -EINVAL;
    }
    int64_t f = fd_flags(a[3], 0);
    if (f < 0) {
        return f;
    }
    target_sigset t;
    if (guest_copy_from(&t, a[1], sizeof(t)) != 0) {
        return -EFAULT;
    }
    uint64_t hmask = 0;
    sigset_t block;
    sigemptyset(&block);
    uint64_t guest_blocked = signal_get_mask();
    for (int s = 1; s <= TARGET_NSIG; s++) {
        if (!(t & (1ull << (s - 1)))) {
            continue;
        }
        int h = signal_to_host(s);
        if (h < 1 || h > 64) {
            continue;
        }
        hmask |= 1ull << (h - 1);
        if (guest_blocked & (1ull << (s - 1))) {
            sigaddset(&block, h);
        }
    }
    /* The raw call: the kernel's sigset is 8 bytes, glibc's 128. */
    long fd = syscall(SYS_signalfd4, (int)a[0], &hmask, (size_t)8, (int)f);
    if (fd < 0) {
        return sys_errno();
    }
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    if (fd < SIGNALFD_TRACK) {
        __atomic_fetch_or(&signalfd_bits[fd / 64], 1ull << (fd % 64),
                          __ATOMIC_RELAXED);
    }
    return fd;
}

int64_t signalfd_read(int fd, uint64_t addr, uint64_t n)
{
    if (!is_signalfd(fd)) {
        return -ENOTSUP;
    }
    _Static_assert(sizeof(struct signalfd_siginfo) ==
                       sizeof(target_signalfd_siginfo),
                   "host signalfd_siginfo is not 128 bytes");
    size_t count = n / sizeof(target_signalfd_siginfo);
    if (count > 64) {
        count = 64;
    }
    if (count == 0) {
        return -EINVAL;
    }
    if (!guest_range_ok(addr, count * sizeof(target_signalfd_siginfo),
                        PAGE_WRITE)) {
        return -EFAULT;
    }
    struct signalfd_siginfo h[64];
    ssize_t r = read(fd, h, count * sizeof(h[0]));
    if (r < 0) {
        return sys_errno();
    }
    size_t got = (size_t)r / sizeof(h[0]);
    for (size_t i = 0; i < got; i++) {
        target_signalfd_siginfo t = {
            .ssi_signo = (uint32_t)signal_to_target((int)h[i].ssi_signo),
            .ssi_errno = h[i].ssi_errno,
            .ssi_code = h[i].ssi_code,
            .ssi_pid = h[i].ssi_pid,
            .ssi_uid = h[i].ssi_uid,
            .ssi_fd = h[i].ssi_fd,
            .ssi_tid = h[i].ssi_tid,
            .ssi_band = h[i].ssi_band,
            .ssi_overrun = h[i].ssi_overrun,
            .ssi_trapno = h[i].ssi_trapno,
            .ssi_status = h[i].ssi_status,
            .ssi_int = h[i].ssi_int,
            .ssi_ptr = h[i].ssi_ptr,
            .ssi_utime = h[i].ssi_utime,
            .ssi_stime = h[i].ssi_stime,
            .ssi_addr = h[i].ssi_addr,
            .ssi_addr_lsb = h[i].ssi_addr_lsb,
            .ssi_syscall = h[i].ssi_syscall,
            .ssi_call_addr = h[i].ssi_call_addr,
            .ssi_arch = h[i].ssi_arch,
        };
        if (guest_copy_to(addr + i * sizeof(t), &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    return (int64_t)(got * sizeof(target_signalfd_siginfo));
}

/* inotify. */

int64_t sys_inotify_init1(SyscallCtx *c, const uint64_t *a)
{
    int64_t f = fd_flags(a[0], 0);
    if (f < 0) {
        return f;
    }
    return sys_ret(inotify_init1((int)f));
}

int64_t sys_inotify_add_watch(SyscallCtx *c, const uint64_t *a)
{
    /* IN_* event bits are the same on every Linux. */
    uint32_t mask = (uint32_t)a[2];
    char path[PATH_MAX];
    int r = sys_get_path(a[1], path, !(mask & IN_DONT_FOLLOW));
    if (r < 0) {
        return r;
    }
    return sys_ret(inotify_add_watch((int)a[0], path, mask));
}

int64_t sys_inotify_rm_watch(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}

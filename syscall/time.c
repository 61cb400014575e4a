/*
 * Time system calls: clocks, sleeps and process times. Guests have no
 * vDSO under vemu, so clock_gettime and gettimeofday come here every time
 * and stay cheap: one host call and a conversion to target_timespec.
 *
 * Clock ids, TIMER_ABSTIME and the CPU-time clocks encoded from pids are
 * the same on every Linux, so they pass as they are. An interrupted sleep
 * returns EINTR with the remaining time, as Linux does; restarting after
 * a guest signal handler is the signal layer's business (later).
 */
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "syscall/internal.h"

_Static_assert(CLOCK_REALTIME == 0 && CLOCK_MONOTONIC == 1 &&
                   CLOCK_BOOTTIME == 7 && CLOCK_TAI == 11 && TIMER_ABSTIME == 1,
               "host clock ids are not the Linux ones");

int64_t put_timespec(uint64_t addr, const struct timespec *h)
{
    target_timespec t = {.tv_sec = h->tv_sec, .tv_nsec = h->tv_nsec};
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int get_timespec(struct timespec *h, uint64_t addr)
{
    target_timespec t;
    if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
        return -EFAULT;
    }
    h->tv_sec = t.tv_sec;
    h->tv_nsec = t.tv_nsec; /* range checked by the host */
    return 0;
}

int64_t sys_clock_gettime(SyscallCtx *c, const uint64_t *a)
{
    struct timespec ts;
    if (clock_gettime((clockid_t)a[0], &ts) != 0) {
        return sys_errno();
    }
    return put_timespec(a[1], &ts);
}

int64_t sys_clock_getres(SyscallCtx *c, const uint64_t *a)
{
    struct timespec ts;
    if (clock_getres((clockid_t)a[0], &ts) != 0) {
        return sys_errno();
    }
    return a[1] ? put_timespec(a[1], &ts) : 0;
}

int64_t sys_gettimeofday(SyscallCtx *c, const uint64_t *a)
{
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) != 0) {
        return sys_errno();
    }
    if (a[0]) {
        target_timeval t = {.tv_sec = tv.tv_sec, .tv_usec = tv.tv_usec};
        if (guest_copy_to(a[0], &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    if (a[1]) {
        target_timezone t = {.tz_minuteswest = tz.tz_minuteswest,
                             .tz_dsttime = tz.tz_dsttime};
        if (guest_copy_to(a[1], &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    return 0;
}

/* Common to nanosleep and clock_nanosleep (which returns the error
 * number instead of setting errno). */
static int64_t do_sleep(clockid_t clk, int flags, uint64_t req_addr,
                        uint64_t rem_addr)
{
    struct timespec req, rem;
    int r = get_timespec(&req, req_addr);
    if (r < 0) {
        return r;
    }
    int e;
    /* A host signal the guest blocks still interrupts the host sleep:
     * sleep on for the time left, since restarting the guest's call would
     * start its full time again. */
    while ((e = clock_nanosleep(clk, flags, &req, &rem)) == EINTR &&
           !(signal_pending() & ~signal_get_mask())) {
        if (!(flags & TIMER_ABSTIME)) {
            req = rem;
        }
    }
    if (e == EINTR && rem_addr && !(flags & TIMER_ABSTIME)) {
        if (put_timespec(rem_addr, &rem) < 0) {
            return -EFAULT;
        }
    }
    return -host_to_target_errno(e);
}

int64_t sys_nanosleep(SyscallCtx *c, const uint64_t *a)
{
    return do_sleep(CLOCK_MONOTONIC, 0, a[0], a[1]);
}

int64_t sys_clock_nanosleep(SyscallCtx *c, const uint64_t *a)
{
    if ((uint32_t)a[1] & ~(uint32_t)TIMER_ABSTIME) {
        return -EINVAL;
    }
    return do_sleep((clockid_t)a[0], (int)a[1], a[2], a[3]);
}

int64_t sys_times(SyscallCtx *c, const uint64_t *a)
{
    struct tms h;
    clock_t now = times(&h);
    if (now == (clock_t)-1) {
        return sys_errno();
    }
    /* Both sides count in USER_HZ; scale if the host ever differs. */
    long hz = sysconf(_SC_CLK_TCK);
#define TICKS(v) ((int64_t)(v)*TARGET_USER_HZ / (hz > 0 ? hz : 100))
    if (a[0]) {
        target_tms t = {.tms_utime = TICKS(h.tms_utime),
                        .tms_stime = TICKS(h.tms_stime),
                        .tms_cutime = TICKS(h.tms_cutime),
                        .tms_cstime = TICKS(h.tms_cstime)};
        if (guest_copy_to(a[0], &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    return TICKS(now);
#undef TICKS
}

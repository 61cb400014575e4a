/*
 * Waiting for signals: rt_sigpending, rt_sigsuspend and rt_sigtimedwait.
 *
 * Each checks the guest queues with every host signal blocked, then waits
 * in a host call that swaps in the host version of the guest mask
 * atomically (sigsuspend, ppoll): a signal arriving between the check and
 * the wait stays pending on the host and ends the wait at once, so none
 * is lost. rt_sigsuspend leaves the old mask with signal_set_saved_mask,
 * for delivery to save in the handler's frame, as Linux's saved_sigmask.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "linux-user/generic/target-siginfo.h"
#include "syscall/internal.h"

#define BIT(s) (1ull << ((s)-1))
#define UNBLOCKABLE (BIT(TARGET_SIGKILL) | BIT(TARGET_SIGSTOP))

static bool ignored(int sig)
{
    SignalAction act;
    signal_get_action(sig, &act);
    if (act.handler == 1) {
        return true;
    }
    int dfl = signal_default_action(sig);
    return act.handler == 0 && (dfl == SIGACT_IGN || dfl == SIGACT_CONT);
}

/* Unblocked pending signals that would be ignored do not end a wait: the
 * kernel drops them when they are sent; drop them here. */
static uint64_t wakers(uint64_t blocked)
{
    uint64_t p;
    while ((p = signal_pending() & ~blocked) != 0) {
        uint64_t keep = 0;
        for (uint64_t q = p; q; q &= q - 1) {
            int sig = __builtin_ctzll(q) + 1;
            if (ignored(sig)) {
                target_siginfo t;
                signal_dequeue(~BIT(sig), &t);
            } else {
                keep |= BIT(sig);
            }
        }
        if (keep) {
            return keep;
        }
    }
    return 0;
}

int64_t sys_rt_sigpending(SyscallCtx *c, const uint64_t *a)
{
    if (a[1] > sizeof(target_sigset)) {
        return -EINVAL;
    }
    target_sigset set = signal_pending() & signal_get_mask();
    return guest_copy_to(a[0], &set, a[1]) ? -EFAULT : 0;
}

int64_t sys_rt_sigsuspend(SyscallCtx *c, const uint64_t *a)
{
    target_sigset tmp;
    if (a[1] != sizeof(target_sigset)) {
        return -EINVAL;
    }
    if (guest_copy_from(&tmp, a[0], sizeof(tmp)) != 0) {
        return -EFAULT;
    }
    tmp &= ~UNBLOCKABLE;
    sigset_t old;
    signal_block_host(&old);
    uint64_t saved = signal_get_mask();
    signal_set_mask(tmp);
    while (!wakers(tmp)) {
        sigset_t hm;
        signal_host_mask(tmp, &hm);
        sigsuspend(&hm);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    signal_set_saved_mask(saved);
    return -EINTR;
}

static int64_t ts_ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int64_t sys_rt_sigtimedwait(SyscallCtx *c, const uint64_t *a)
{
    target_sigset set;
    struct timespec ts, now;
    int64_t deadline = 0;
    if (a[3] != sizeof(target_sigset)) {
        return -EINVAL;
    }
    if (guest_copy_from(&set, a[0], sizeof(set)) != 0) {
        return -EFAULT;
    }
    set &= ~UNBLOCKABLE;
    if (a[2]) {
        if (get_timespec(&ts, a[2]) < 0) {
            return -EFAULT;
        }
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) {
            return -EINVAL;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline = ts_ns(&now) + (ts.tv_sec > INT32_MAX
                                      ? (int64_t)INT32_MAX * 1000000000
                                      : ts_ns(&ts));
    }
    sigset_t old;
    signal_block_host(&old);
    int64_t ret;
    target_siginfo info;
    for (;;) {
        if (signal_dequeue(~set, &info)) {
            ret = info.si_signo;
            break;
        }
        uint64_t mask = signal_get_mask();
        if (wakers(mask | set)) {
            ret = -EINTR; /* a handler runs first */
            break;
        }
        sigset_t hm;
        signal_host_mask(mask & ~set, &hm);
        if (!a[2]) {
            sigsuspend(&hm);
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t left = deadline - ts_ns(&now);
        if (left <= 0) {
            ret = -EAGAIN;
            break;
        }
        struct timespec rem = {left / 1000000000, left % 1000000000};
        ppoll(NULL, 0, &rem, &hm);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret > 0 && a[1] && guest_copy_to(a[1], &info, sizeof(info)) != 0) {
        return -EFAULT;
    }
    return ret;
}

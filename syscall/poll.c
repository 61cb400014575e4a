/*
 * Waiting on file descriptors. struct pollfd and the POLL* bits are the
 * same for every guest and the host (asm-generic), so ppoll polls the
 * guest's array in place. The guest's signal mask (the one given, or the
 * thread's) becomes the host's for the wait, swapped in atomically by the
 * host ppoll after a check of the queued signals, so a signal arriving
 * just before the wait still ends it; with a given mask, an interrupted
 * call leaves the old mask for delivery to restore after the handler.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscall/internal.h"

int64_t sys_ppoll(SyscallCtx *c, const uint64_t *a)
{
    uint64_t nfds = a[1];
    if (nfds > 1u << 20) {
        return -EINVAL;
    }
    struct pollfd *fds = NULL;
    if (nfds) {
        fds = guest_lock(a[0], nfds * sizeof(struct pollfd), true);
        if (!fds) {
            return -EFAULT;
        }
    }
    struct timespec ts = {0, 0}, *tsp = NULL;
    if (a[2]) {
        if (get_timespec(&ts, a[2]) < 0) {
            return -EFAULT;
        }
        tsp = &ts;
    }
    const struct timespec ts_in = ts;
    SigWait w;
    int64_t ret = sigwait_begin(&w, a[3], a[4]);
    if (ret == 0) {
        /* The raw call: the kernel writes the time left into ts, which
         * glibc's wrapper would hide. */
        long r = syscall(SYS_ppoll, fds, (unsigned long)nfds, tsp, &w.host_mask,
                         (size_t)8);
        ret = r < 0 ? sys_errno() : r;
        sigwait_end(&w, ret);
    } else if (ret != -EINTR) {
        return ret;
    }
    /* Linux writes back the time left, also after an error, but not for a
     * zero timeout, and a failed write does not change the result. */
    if (tsp && (ts_in.tv_sec || ts_in.tv_nsec)) {
        put_timespec(a[2], tsp);
    }
    return ret;
}

int sigwait_begin(SigWait *w, uint64_t guest_mask_addr, uint64_t size)
{
    uint64_t mask;

    w->saved = signal_get_mask();
    w->temporary = guest_mask_addr != 0;
    if (w->temporary) {
        if (size != sizeof(uint64_t)) {
            return -EINVAL;
        }
        if (guest_copy_from(&mask, guest_mask_addr, sizeof(mask)) != 0) {
            return -EFAULT;
        }
        signal_set_mask(mask); /* drops SIGKILL and SIGSTOP */
    }
    mask = signal_get_mask();
    signal_block_host(&w->old_host);
    if (signal_pending() & ~mask) {
        sigwait_end(w, -EINTR);
        return -EINTR;
    }
    signal_host_mask(mask, &w->host_mask);
    return 0;
}

void sigwait_end(SigWait *w, int64_t ret)
{
    pthread_sigmask(SIG_SETMASK, &w->old_host, NULL);
    if (w->temporary) {
        if (ret == -EINTR) {
            signal_set_saved_mask(w->saved);
        } else {
            signal_set_mask(w->saved);
        }
    }
}

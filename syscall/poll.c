/*
 * Waiting on file descriptors. struct pollfd and the POLL* bits are the
 * same for every guest and the host (asm-generic), so ppoll polls the
 * guest's array in place. The guest's signal mask argument is checked but
 * not applied to the host: it only matters for delivering asynchronous
 * signals to guest handlers, which a later issue adds (until then the host
 * keeps its own mask, and a host signal interrupts the wait as it would).
 */
#include <errno.h>
#include <poll.h>
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
    if (a[3]) {
        if (a[4] != sizeof(uint64_t)) {
            return -EINVAL;
        }
        if (!guest_range_ok(a[3], 8, PAGE_READ)) {
            return -EFAULT;
        }
    }
    /* The raw call: the kernel writes the time left into ts, which glibc's
     * wrapper would hide. */
    long r = syscall(SYS_ppoll, fds, (unsigned long)nfds, tsp, NULL, (size_t)8);
    int64_t ret = r < 0 ? sys_errno() : r;
    /* Linux writes back the time left, also after an error, but not for a
     * zero timeout, and a failed write does not change the result. */
    if (tsp && (ts_in.tv_sec || ts_in.tv_nsec)) {
        put_timespec(a[2], tsp);
    }
    return ret;
}

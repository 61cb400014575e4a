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
    struct timespec ts, *tsp = NULL;
    if (a[2]) {
        if (get_timespec(&ts, a[2]) < 0) {
            return -EFAULT;
        }
        tsp = &ts;
    }
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
    if (r < 0) {
        return sys_errno();
    }
    /* Linux writes back the time left. */
    if (tsp && put_timespec(a[2], tsp) < 0) {
        return -EFAULT;
    }
    return r;
}

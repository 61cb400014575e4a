/*
 * futex. Guest memory is host memory at a fixed offset (g2h), and guest
 * threads are host threads, so every futex operation passes through to the
 * host with the addresses translated: the host kernel then provides the
 * real semantics, including wake-ups between threads, requeueing, the PI
 * operations (whose owner tids are host tids, the same numbers the guest
 * sees) and timeouts. Only the argument shapes differ per operation: the
 * fourth argument is a timeout for the waiting operations and a count
 * (val2) for the requeueing ones.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscall/internal.h"

static bool takes_timeout(int cmd)
{
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_WAIT_REQUEUE_PI:
#ifdef FUTEX_LOCK_PI2
    case FUTEX_LOCK_PI2:
#endif
        return true;
    default:
        return false;
    }
}

static bool uses_uaddr2(int cmd)
{
    switch (cmd) {
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI:
        return true;
    default:
        return false;
    }
}

int64_t sys_futex(SyscallCtx *c, const uint64_t *a)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    if (!guest_range_ok(a[0], 4, PAGE_READ)) {
        return -EFAULT;
    }
    if (uses_uaddr2(cmd) && !guest_range_ok(a[4], 4, PAGE_READ)) {
        return -EFAULT;
    }
    struct timespec ts, *tsp = NULL;
    uintptr_t arg4 = (uintptr_t)a[3]; /* val2 for the requeue operations */
    if (takes_timeout(cmd)) {
        arg4 = 0;
        if (a[3]) {
            if (get_timespec(&ts, a[3]) < 0) {
                return -EFAULT;
            }
            tsp = &ts;
            arg4 = (uintptr_t)tsp;
        }
    }
    void *uaddr2 = uses_uaddr2(cmd) ? g2h(a[4]) : NULL;
    return sys_ret(
        syscall(SYS_futex, g2h(a[0]), op, (int)a[2], arg4, uaddr2, (int)a[5]));
}

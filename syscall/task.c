/*
 * Per-task scheduling and behaviour knobs beyond process.c's:
 * sched_setaffinity, getcpu, membarrier, and the prctl options that
 * process.c's prctl hands over (no_new_privs, child subreaper). Guest
 * threads are host threads, so these act on the host task directly; CPU
 * masks are arrays of 64-bit little-endian words on both sides.
 */
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "syscall/net.h"

int64_t sys_sched_setaffinity(SyscallCtx *c, const uint64_t *a)
{
    void *p = sys_lock(a[2], a[1], false);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(
        syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)a[1], p));
}

int64_t sys_getcpu(SyscallCtx *c, const uint64_t *a)
{
    unsigned cpu, node;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0) {
        return sys_errno();
    }
    uint32_t t;
    t = cpu;
    if (a[0] && guest_copy_to(a[0], &t, sizeof(t)) != 0) {
        return -EFAULT;
    }
    t = node;
    if (a[1] && guest_copy_to(a[1], &t, sizeof(t)) != 0) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_membarrier(SyscallCtx *c, const uint64_t *a)
{
    /* MEMBARRIER_CMD_* values are the same on every Linux, and guest
     * threads are host threads, so the host's barrier is the guest's.
     * The SYNC_CORE commands order instruction fetch on the host; code
     * the guest changes is caught by vemu's translation cache anyway. */
    return sys_ret(
        syscall(SYS_membarrier, (int)a[0], (unsigned)a[1], (int)a[2]));
}

int64_t sys_prctl_more(SyscallCtx *c, const uint64_t *a)
{
    switch ((int)a[0]) {
    case TARGET_PR_SET_NO_NEW_PRIVS:
        return sys_ret(prctl(PR_SET_NO_NEW_PRIVS, (unsigned long)a[1],
                             (unsigned long)a[2], (unsigned long)a[3],
                             (unsigned long)a[4]));
    case TARGET_PR_GET_NO_NEW_PRIVS:
        return sys_ret(prctl(PR_GET_NO_NEW_PRIVS, (unsigned long)a[1],
                             (unsigned long)a[2], (unsigned long)a[3],
                             (unsigned long)a[4]));
    case TARGET_PR_SET_CHILD_SUBREAPER:
        return sys_ret(prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)a[1]));
    case TARGET_PR_GET_CHILD_SUBREAPER: {
        int v;
        if (prctl(PR_GET_CHILD_SUBREAPER, &v) != 0) {
            return sys_errno();
        }
        int32_t t = v;
        return guest_copy_to(a[1], &t, sizeof(t)) ? -EFAULT : 0;
    }
    default:
        /* What Linux answers for an option it does not know. */
        return -EINVAL;
    }
}

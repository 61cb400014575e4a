/*
 * Sending signals: kill, tkill, tgkill, rt_sigqueueinfo and
 * rt_tgsigqueueinfo. Guest numbers become host numbers (signal-host.c);
 * the receiving vemu, or this one, turns them back, so the guest never
 * sees the remapping of real-time signals. Guest 63 and 64 have no host
 * number: sent to this process or one of its threads they are queued
 * directly, as the kernel would; to anyone else they fail with EINVAL.
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/generic/target-siginfo.h"
#include "syscall/internal.h"

/* The guest number as the host's, or -EINVAL; 0 stays 0 (a probe). */
static int host_sig(uint64_t v, int *h)
{
    int sig = (int)v; /* the kernel reads an int */
    if (sig < 0 || sig > TARGET_NSIG) {
        return -EINVAL;
    }
    *h = sig ? signal_guest_to_host(sig) : 0;
    return 0;
}

/* A signal without a host number, sent within the process. */
static int64_t queue_local(int sig, int code, const target_siginfo *given,
                           bool thread)
{
    target_siginfo t;
    if (given) {
        t = *given;
    } else {
        memset(&t, 0, sizeof(t));
        t.si_code = code;
        t.u.rt.pid = getpid();
        t.u.rt.uid = getuid();
    }
    t.si_signo = sig;
    return signal_enqueue(&t, thread) ? 0 : -EAGAIN;
}

int64_t sys_kill(SyscallCtx *c, const uint64_t *a)
{
    int h;
    if (host_sig(a[1], &h) < 0) {
        return -EINVAL;
    }
    if ((int)a[1] && !h) {
        return (pid_t)a[0] == getpid()
                   ? queue_local((int)a[1], SI_USER, NULL, false)
                   : -EINVAL;
    }
    return sys_ret(kill((pid_t)a[0], h));
}

int64_t sys_tkill(SyscallCtx *c, const uint64_t *a)
{
    int h;
    if ((int)a[0] <= 0 || host_sig(a[1], &h) < 0) {
        return -EINVAL;
    }
    if ((int)a[1] && !h) {
        return (pid_t)a[0] == gettid()
                   ? queue_local((int)a[1], SI_TKILL, NULL, true)
                   : -EINVAL;
    }
    return sys_ret(syscall(SYS_tkill, (pid_t)a[0], h));
}

int64_t sys_tgkill(SyscallCtx *c, const uint64_t *a)
{
    int h;
    if ((int)a[0] <= 0 || (int)a[1] <= 0 || host_sig(a[2], &h) < 0) {
        return -EINVAL;
    }
    if ((int)a[2] && !h) {
        return (pid_t)a[0] == getpid() && (pid_t)a[1] == gettid()
                   ? queue_local((int)a[2], SI_TKILL, NULL, true)
                   : -EINVAL;
    }
    return sys_ret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], h));
}

/* The guest's siginfo for sigqueue: the rt member (pid, uid, value) is
 * what the kernel passes on for the codes a process may send. */
static int get_queue_info(uint64_t addr, int h, target_siginfo *t,
                          siginfo_t *hi)
{
    if (guest_copy_from(t, addr, sizeof(*t)) != 0) {
        return -EFAULT;
    }
    memset(hi, 0, sizeof(*hi));
    hi->si_signo = h;
    hi->si_errno = t->si_errno;
    hi->si_code = t->si_code;
    hi->si_pid = t->u.rt.pid;
    hi->si_uid = t->u.rt.uid;
    hi->si_value.sival_ptr = (void *)(uintptr_t)t->u.rt.value;
    return 0;
}

int64_t sys_rt_sigqueueinfo(SyscallCtx *c, const uint64_t *a)
{
    int h;
    target_siginfo t;
    siginfo_t hi;
    if (host_sig(a[1], &h) < 0) {
        return -EINVAL;
    }
    int r = get_queue_info(a[2], h, &t, &hi);
    if (r < 0) {
        return r;
    }
    if ((int)a[1] && !h) {
        return (pid_t)a[0] == getpid() ? queue_local((int)a[1], 0, &t, false)
                                       : -EINVAL;
    }
    return sys_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], h, &hi));
}

int64_t sys_rt_tgsigqueueinfo(SyscallCtx *c, const uint64_t *a)
{
    int h;
    target_siginfo t;
    siginfo_t hi;
    if (host_sig(a[2], &h) < 0) {
        return -EINVAL;
    }
    int r = get_queue_info(a[3], h, &t, &hi);
    if (r < 0) {
        return r;
    }
    if ((int)a[2] && !h) {
        return (pid_t)a[0] == getpid() && (pid_t)a[1] == gettid()
                   ? queue_local((int)a[2], 0, &t, true)
                   : -EINVAL;
    }
    return sys_ret(
        syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], h, &hi));
}

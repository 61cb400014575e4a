/*
 * Timers that signal: setitimer/getitimer (alarm is setitimer in the
 * guest's libc) and the POSIX timers timer_create, timer_settime,
 * timer_gettime, timer_getoverrun and timer_delete. The host kernel runs
 * them; its signals come back through the host handlers as the guest's
 * (SI_TIMER carries the timer id and the guest's sigev_value). Timer ids
 * are the host kernel's.
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/generic/target-siginfo.h"
#include "syscall/internal.h"

static int get_itimerval(struct itimerval *h, uint64_t addr)
{
    target_itimerval t;
    if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
        return -EFAULT;
    }
    h->it_interval.tv_sec = t.it_interval.tv_sec;
    h->it_interval.tv_usec = t.it_interval.tv_usec;
    h->it_value.tv_sec = t.it_value.tv_sec;
    h->it_value.tv_usec = t.it_value.tv_usec;
    return 0;
}

static int put_itimerval(uint64_t addr, const struct itimerval *h)
{
    target_itimerval t = {
        .it_interval = {h->it_interval.tv_sec, h->it_interval.tv_usec},
        .it_value = {h->it_value.tv_sec, h->it_value.tv_usec},
    };
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_setitimer(SyscallCtx *c, const uint64_t *a)
{
    struct itimerval nv, ov;
    if (a[1] && get_itimerval(&nv, a[1]) < 0) {
        return -EFAULT;
    }
    if (!a[1]) {
        memset(&nv, 0, sizeof(nv)); /* Linux: NULL disarms */
    }
    if (setitimer((int)a[0], &nv, &ov) < 0) {
        return sys_errno();
    }
    return a[2] ? put_itimerval(a[2], &ov) : 0;
}

int64_t sys_getitimer(SyscallCtx *c, const uint64_t *a)
{
    struct itimerval v;
    if (getitimer((int)a[0], &v) < 0) {
        return sys_errno();
    }
    return put_itimerval(a[1], &v);
}

int64_t sys_timer_create(SyscallCtx *c, const uint64_t *a)
{
    struct sigevent hs, *hsp = NULL;
    int id;
    if (a[1]) {
        target_sigevent t;
        if (guest_copy_from(&t, a[1], sizeof(t)) != 0) {
            return -EFAULT;
        }
        memset(&hs, 0, sizeof(hs));
        hs.sigev_value.sival_ptr = (void *)(uintptr_t)t.value;
        hs.sigev_notify = t.notify;
        hs.sigev_signo = signal_guest_to_host(t.signo);
        if (t.signo && !hs.sigev_signo) {
            return -EINVAL;
        }
        hs._sigev_un._tid = t.u.tid;
        hsp = &hs;
    }
    if (syscall(SYS_timer_create, (clockid_t)a[0], hsp, &id) < 0) {
        return sys_errno();
    }
    int32_t gid = id;
    if (guest_copy_to(a[2], &gid, sizeof(gid)) != 0) {
        syscall(SYS_timer_delete, id);
        return -EFAULT;
    }
    return 0;
}

/* Guest itimerspec to host and back (also for timerfd_*: event.c). */
int get_itimerspec(struct itimerspec *h, uint64_t addr)
{
    target_itimerspec t;
    if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
        return -EFAULT;
    }
    h->it_interval.tv_sec = t.it_interval.tv_sec;
    h->it_interval.tv_nsec = t.it_interval.tv_nsec;
    h->it_value.tv_sec = t.it_value.tv_sec;
    h->it_value.tv_nsec = t.it_value.tv_nsec;
    return 0;
}

int put_itimerspec(uint64_t addr, const struct itimerspec *h)
{
    target_itimerspec t = {
        .it_interval = {h->it_interval.tv_sec, h->it_interval.tv_nsec},
        .it_value = {h->it_value.tv_sec, h->it_value.tv_nsec},
    };
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_timer_settime(SyscallCtx *c, const uint64_t *a)
{
    struct itimerspec nv, ov;
    if (get_itimerspec(&nv, a[2]) < 0) {
        return -EFAULT;
    }
    if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv,
                a[3] ? &ov : NULL) < 0) {
        return sys_errno();
    }
    return a[3] ? put_itimerspec(a[3], &ov) : 0;
}

int64_t sys_timer_gettime(SyscallCtx *c, const uint64_t *a)
{
    struct itimerspec v;
    if (syscall(SYS_timer_gettime, (int)a[0], &v) < 0) {
        return sys_errno();
    }
    return put_itimerspec(a[1], &v);
}

int64_t sys_timer_getoverrun(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
}

int64_t sys_timer_delete(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(syscall(SYS_timer_delete, (int)a[0]));
}

/*
 * Signal system calls: rt_sigaction stores the guest's actions and returns
 * the previous one in the guest's layout (and keeps the host disposition
 * in step, signal-host.c); rt_sigprocmask keeps a per-thread guest mask;
 * sigaltstack records the guest's alternate stack; rt_sigreturn hands
 * over to linux-user, which owns the registers. The state is exported
 * (syscall.h) to linux-user/signal.c, which delivers signals.
 *
 * Actions are per process; the mask, the alternate stack and the mask to
 * restore after rt_sigsuspend are per thread (__thread), so a new guest
 * thread starts them from signal_thread_start.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/internal.h"

_Static_assert(SIGKILL == TARGET_SIGKILL && SIGSTOP == TARGET_SIGSTOP &&
                   SIGUSR1 == 10 && SIGCHLD == 17 && SIGSYS == 31,
               "host signal numbers are not the asm-generic ones");

#define SIG_BIT(s) (1ull << ((s)-1))
#define UNBLOCKABLE (SIG_BIT(TARGET_SIGKILL) | SIG_BIT(TARGET_SIGSTOP))

typedef struct GuestSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    target_sigset mask;
} GuestSigaction;

/* Actions are per process; index by signal number (0 unused). */
static pthread_mutex_t actions_lock = PTHREAD_MUTEX_INITIALIZER;
static GuestSigaction actions[TARGET_NSIG + 1];

/* Mask and alternate stack are per thread. */
static __thread target_sigset guest_mask;
static __thread target_stack guest_altstack = {.ss_flags = TARGET_SS_DISABLE};
static __thread bool saved_mask_valid;
static __thread target_sigset saved_mask;

/*
 * The host discards a signal whose disposition is to ignore it; Linux
 * keeps a blocked one pending even then (for sigwait). So SIGCHLD, SIGURG,
 * SIGWINCH and SIGCONT with SIG_DFL get the host handler only while this
 * thread blocks them (exact for one thread), and otherwise the host's
 * default, which never interrupts a call.
 */
#define DEFAULT_IGNORED                                                        \
    (SIG_BIT(SIGCHLD) | SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH) | SIG_BIT(SIGCONT))

static void sync_ignored(uint64_t old_mask)
{
    uint64_t changed = (old_mask ^ guest_mask) & DEFAULT_IGNORED;
    if (!changed) {
        return;
    }
    pthread_mutex_lock(&actions_lock);
    for (; changed; changed &= changed - 1) {
        int sig = __builtin_ctzll(changed) + 1;
        signal_host_update(sig, actions[sig].handler,
                           (guest_mask & SIG_BIT(sig)) != 0);
    }
    pthread_mutex_unlock(&actions_lock);
}

static int get_action(const SyscallArch *arch, uint64_t addr,
                      GuestSigaction *ga)
{
    if (arch->sa_restorer) {
        target_sigaction_restorer t;
        if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        *ga = (GuestSigaction){t.handler, t.flags, t.restorer, t.mask};
    } else {
        target_sigaction t;
        if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        *ga = (GuestSigaction){t.handler, t.flags, 0, t.mask};
    }
    return 0;
}

static int put_action(const SyscallArch *arch, uint64_t addr,
                      const GuestSigaction *ga)
{
    if (arch->sa_restorer) {
        target_sigaction_restorer t = {.handler = ga->handler,
                                       .flags = ga->flags,
                                       .restorer = ga->restorer,
                                       .mask = ga->mask};
        return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
    }
    target_sigaction t = {
        .handler = ga->handler, .flags = ga->flags, .mask = ga->mask};
    return guest_copy_to(addr, &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_rt_sigaction(SyscallCtx *c, const uint64_t *a)
{
    int sig = (int)a[0];
    if (a[3] != sizeof(target_sigset) || sig < 1 || sig > TARGET_NSIG) {
        return -EINVAL;
    }
    GuestSigaction na;
    if (a[1]) {
        if (sig == TARGET_SIGKILL || sig == TARGET_SIGSTOP) {
            return -EINVAL;
        }
        int r = get_action(c->arch, a[1], &na);
        if (r < 0) {
            return r;
        }
        na.mask &= ~UNBLOCKABLE;
    }
    pthread_mutex_lock(&actions_lock);
    GuestSigaction old = actions[sig];
    if (a[1]) {
        actions[sig] = na;
        signal_host_update(sig, na.handler, (guest_mask & SIG_BIT(sig)) != 0);
        int dfl = signal_default_action(sig);
        if (na.handler == 1 ||
            (na.handler == 0 && (dfl == SIGACT_IGN || dfl == SIGACT_CONT))) {
            signal_discard(sig);
        }
    }
    pthread_mutex_unlock(&actions_lock);
    return a[2] ? put_action(c->arch, a[2], &old) : 0;
}

int64_t sys_rt_sigprocmask(SyscallCtx *c, const uint64_t *a)
{
    if (a[3] != sizeof(target_sigset)) {
        return -EINVAL;
    }
    target_sigset old = guest_mask;
    if (a[1]) {
        target_sigset set;
        if (guest_copy_from(&set, a[1], sizeof(set)) != 0) {
            return -EFAULT;
        }
        switch ((int)a[0]) {
        case TARGET_SIG_BLOCK:
            guest_mask |= set;
            break;
        case TARGET_SIG_UNBLOCK:
            guest_mask &= ~set;
            break;
        case TARGET_SIG_SETMASK:
            guest_mask = set;
            break;
        default:
            return -EINVAL;
        }
        guest_mask &= ~UNBLOCKABLE;
        sync_ignored(old);
    }
    if (a[2] && guest_copy_to(a[2], &old, sizeof(old)) != 0) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_sigaltstack(SyscallCtx *c, const uint64_t *a)
{
    /* On the alternate stack, as Linux's on_sig_stack decides: sp in
     * (ss_sp, ss_sp + ss_size]. Then it cannot be changed (EPERM) and
     * reads back with SS_ONSTACK. */
    target_stack old = guest_altstack;
    bool on_stack = false;
    if (c->arch->cpu_sp && old.ss_size != 0) {
        uint64_t sp = c->arch->cpu_sp(c->cpu);
        on_stack = sp > old.ss_sp && sp - old.ss_sp <= old.ss_size;
    }
    if (a[0] && on_stack) {
        return -EPERM;
    }
    if (a[0]) {
        target_stack ns;
        if (guest_copy_from(&ns, a[0], sizeof(ns)) != 0) {
            return -EFAULT;
        }
        uint32_t mode = (uint32_t)ns.ss_flags & ~TARGET_SS_AUTODISARM;
        if (mode != 0 && mode != TARGET_SS_DISABLE &&
            mode != TARGET_SS_ONSTACK) {
            return -EINVAL;
        }
        if (mode == TARGET_SS_DISABLE) {
            ns.ss_sp = 0;
            ns.ss_size = 0;
        } else {
            uint32_t min = c->arch->minsigstksz ? c->arch->minsigstksz
                                                : TARGET_MINSIGSTKSZ;
            if (ns.ss_size < min) {
                return -ENOMEM;
            }
            /* SS_ONSTACK on input means the same as 0. */
            ns.ss_flags =
                (int32_t)((uint32_t)ns.ss_flags & TARGET_SS_AUTODISARM);
        }
        ns.pad = 0;
        guest_altstack = ns;
    }
    if (a[1]) {
        target_stack t = old;
        if (old.ss_size == 0) {
            t.ss_flags = TARGET_SS_DISABLE;
        } else if (on_stack) {
            t.ss_flags = (int32_t)((uint32_t)t.ss_flags | TARGET_SS_ONSTACK);
        }
        t.pad = 0;
        if (guest_copy_to(a[1], &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    return 0;
}

int64_t (*syscall_sigreturn_hook)(CPUState *cpu);

int64_t sys_rt_sigreturn(SyscallCtx *c, const uint64_t *a)
{
    return syscall_sigreturn_hook ? syscall_sigreturn_hook(c->cpu) : -ENOSYS;
}

void signal_get_action(int sig, SignalAction *out)
{
    pthread_mutex_lock(&actions_lock);
    GuestSigaction ga = actions[sig];
    pthread_mutex_unlock(&actions_lock);
    *out = (SignalAction){ga.handler, ga.flags, ga.restorer, ga.mask};
}

void signal_set_action(int sig, const SignalAction *in)
{
    pthread_mutex_lock(&actions_lock);
    actions[sig] = (GuestSigaction){in->handler, in->flags, in->restorer,
                                    in->mask & ~UNBLOCKABLE};
    signal_host_update(sig, in->handler, (guest_mask & SIG_BIT(sig)) != 0);
    pthread_mutex_unlock(&actions_lock);
}

uint64_t signal_get_mask(void)
{
    return guest_mask;
}

void signal_set_mask(uint64_t mask)
{
    uint64_t old = guest_mask;
    guest_mask = mask & ~UNBLOCKABLE;
    sync_ignored(old);
}

void signal_get_altstack(uint64_t *sp, uint64_t *size, int *flags)
{
    *sp = guest_altstack.ss_sp;
    *size = guest_altstack.ss_size;
    *flags = guest_altstack.ss_flags;
}

void signal_set_saved_mask(uint64_t mask)
{
    saved_mask = mask;
    saved_mask_valid = true;
}

bool signal_take_saved_mask(uint64_t *mask)
{
    if (!saved_mask_valid) {
        return false;
    }
    saved_mask_valid = false;
    *mask = saved_mask;
    return true;
}

void signal_set_altstack(uint64_t cur_sp, uint64_t sp, uint64_t size,
                         int flags)
{
    /* As sigaltstack: not while on the current one, and a bad one is
     * refused (sigreturn ignores the error, as Linux does). */
    target_stack old = guest_altstack;
    if (old.ss_size && cur_sp > old.ss_sp &&
        cur_sp - old.ss_sp <= old.ss_size) {
        return;
    }
    uint32_t mode = (uint32_t)flags & ~TARGET_SS_AUTODISARM;
    if (mode == TARGET_SS_DISABLE) {
        guest_altstack = (target_stack){.ss_flags = TARGET_SS_DISABLE};
    } else if (mode == 0 || mode == TARGET_SS_ONSTACK) {
        guest_altstack = (target_stack){
            .ss_sp = sp,
            .ss_size = size,
            .ss_flags = (int32_t)((uint32_t)flags & TARGET_SS_AUTODISARM)};
    }
}

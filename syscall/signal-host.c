/*
 * Asynchronous signals, the host half: guest <-> host signal numbers, the
 * host handlers, and the queues of signals waiting for delivery.
 *
 * Every catchable host signal whose guest disposition is not "ignore" has
 * one handler. It converts the host siginfo into the guest's (the guest
 * numbering in si_signo, field by field) and appends it to the receiving
 * thread's queue when it was sent to that thread (SI_TKILL), else to the
 * process's; then it sets the thread's CPU exit_request, so a guest
 * spinning in chained blocks comes back to the CPU loop within a block.
 * The handler runs with every signal blocked and without SA_RESTART: a
 * blocking host call returns EINTR and the guest call is restarted, or
 * not, by linux-user's delivery (syscall_take_interrupted).
 *
 * Signals whose guest disposition is to be ignored (SIG_IGN, or SIG_DFL
 * of SIGCHLD, SIGURG, SIGWINCH, SIGCONT while not blocked) keep that host
 * disposition instead, so they never interrupt a host call for nothing,
 * and SIG_IGN of SIGCHLD keeps its meaning (children are reaped by the
 * host).
 *
 * Async-signal safety: the handler touches only the queues, with plain
 * stores. The thread's queue is otherwise touched only by its own thread
 * with host signals blocked; the process's queue is shared, so it also
 * takes a spin lock, which normal code holds only with host signals
 * blocked (a handler can never spin on a lock its own thread holds).
 *
 * Host SIGSEGV and SIGBUS raised by the guest's memory accesses (si_code
 * > 0) go on to the runtime's fault handler (tcg_handle_host_fault),
 * which was installed first; sent ones (kill) are queued like the rest.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "linux-user/generic/target-siginfo.h"
#include "syscall/internal.h"

#define BIT(s) (1ull << ((s)-1))
/* Linux delivers these first (its SYNCHRONOUS_MASK). */
#define SYNC_SIGNALS                                                           \
    (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGFPE) |   \
     BIT(SIGSYS))
#define QUEUE_MAX 64

typedef struct SigQueue {
    _Atomic uint64_t bits; /* guest signals with at least one entry */
    int count;
    target_siginfo e[QUEUE_MAX]; /* in arrival order */
} SigQueue;

static __thread SigQueue thread_queue;
static __thread CPUState *thread_cpu;
static SigQueue process_queue;
static atomic_flag process_lock = ATOMIC_FLAG_INIT;

static int host_rtmin, host_rtmax;
static struct sigaction fault_prev[2]; /* the runtime's SIGSEGV, SIGBUS */

static void rt_range(void)
{
    if (!host_rtmin) {
        host_rtmin = SIGRTMIN;
        host_rtmax = SIGRTMAX;
    }
}

int signal_guest_to_host(int sig)
{
    if (sig < 1 || sig > TARGET_NSIG) {
        return 0;
    }
    if (sig < 32) {
        return sig;
    }
    rt_range();
    int h = host_rtmin + (sig - 32);
    return h <= host_rtmax ? h : 0;
}

int signal_host_to_guest(int sig)
{
    if (sig < 1) {
        return 0;
    }
    if (sig < 32) {
        return sig;
    }
    rt_range();
    return sig >= host_rtmin && sig <= host_rtmax ? 32 + sig - host_rtmin : 0;
}

int signal_default_action(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return SIGACT_IGN;
    case SIGCONT:
        return SIGACT_CONT;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return SIGACT_STOP;
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return SIGACT_CORE;
    default:
        return SIGACT_TERM;
    }
}

/* The host's siginfo as the guest's: which union member is valid depends
 * on si_code and the signal, as in the kernel's siginfo_layout(). */
static void info_to_target(int gsig, const siginfo_t *h, target_siginfo *t)
{
    memset(t, 0, sizeof(*t));
    t->si_signo = gsig;
    t->si_errno = h->si_errno;
    t->si_code = h->si_code;
    if (h->si_code == SI_TIMER) {
        t->u.timer.tid = h->si_timerid;
        t->u.timer.overrun = h->si_overrun;
        t->u.timer.value = (uint64_t)(uintptr_t)h->si_value.sival_ptr;
    } else if (h->si_code <= 0 || h->si_code == SI_KERNEL) {
        t->u.rt.pid = h->si_pid;
        t->u.rt.uid = h->si_uid;
        if (h->si_code == SI_QUEUE || h->si_code == SI_MESGQ ||
            h->si_code == SI_ASYNCIO) {
            t->u.rt.value = (uint64_t)(uintptr_t)h->si_value.sival_ptr;
        }
    } else if (gsig == SIGCHLD) {
        t->u.chld.pid = h->si_pid;
        t->u.chld.uid = h->si_uid;
        t->u.chld.status = h->si_code == CLD_EXITED
                               ? h->si_status
                               : signal_host_to_guest(h->si_status);
        t->u.chld.utime = h->si_utime;
        t->u.chld.stime = h->si_stime;
    } else if (gsig == SIGPOLL) {
        t->u.poll.band = h->si_band;
        t->u.poll.fd = h->si_fd;
    } else if (gsig == SIGSYS) {
        t->u.sys.call_addr = (uint64_t)(uintptr_t)h->si_call_addr;
        t->u.sys.syscall = h->si_syscall;
        t->u.sys.arch = h->si_arch;
    } else if ((BIT(gsig) & SYNC_SIGNALS) == 0) {
        t->u.rt.pid = h->si_pid;
        t->u.rt.uid = h->si_uid;
    }
    /* A host fault address means nothing to the guest: left 0. */
}

static void lock_process(void)
{
    while (atomic_flag_test_and_set_explicit(&process_lock,
                                             memory_order_acquire)) {
    }
}

static void unlock_process(void)
{
    atomic_flag_clear_explicit(&process_lock, memory_order_release);
}

/* Standard signals do not queue: a second one while one is pending is
 * the same signal. Real-time ones queue, up to QUEUE_MAX. */
static bool queue_add(SigQueue *q, const target_siginfo *t)
{
    uint64_t bit = BIT(t->si_signo);
    if (t->si_signo < 32 && (atomic_load(&q->bits) & bit)) {
        return true;
    }
    if (q->count >= QUEUE_MAX) {
        return false;
    }
    q->e[q->count++] = *t;
    atomic_fetch_or(&q->bits, bit);
    return true;
}

static bool queue_take(SigQueue *q, uint64_t blocked, target_siginfo *out)
{
    uint64_t avail = atomic_load(&q->bits) & ~blocked;
    if (!avail) {
        return false;
    }
    if (avail & SYNC_SIGNALS) {
        avail &= SYNC_SIGNALS;
    }
    int sig = __builtin_ctzll(avail) + 1;
    int i = 0;
    while (i < q->count && q->e[i].si_signo != sig) {
        i++;
    }
    if (i == q->count) { /* cannot happen: bits follow the entries */
        atomic_fetch_and(&q->bits, ~BIT(sig));
        return false;
    }
    *out = q->e[i];
    memmove(&q->e[i], &q->e[i + 1], (size_t)(q->count - i - 1) * sizeof(*out));
    q->count--;
    bool more = false;
    for (int j = i; j < q->count; j++) {
        more |= q->e[j].si_signo == sig;
    }
    if (!more) {
        atomic_fetch_and(&q->bits, ~BIT(sig));
    }
    return true;
}

static void queue_drop(SigQueue *q, int sig)
{
    int n = 0;
    for (int i = 0; i < q->count; i++) {
        if (q->e[i].si_signo != sig) {
            q->e[n++] = q->e[i];
        }
    }
    q->count = n;
    atomic_fetch_and(&q->bits, ~BIT(sig));
}

static void block_host(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, old);
}

static void restore_host(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void host_handler(int hsig, siginfo_t *hi, void *uc)
{
    int saved_errno = errno;
    if ((hsig == SIGSEGV || hsig == SIGBUS) && hi->si_code > 0) {
        /* A fault: the runtime's (it may not return). */
        struct sigaction *p = &fault_prev[hsig == SIGBUS];
        if (p->sa_flags & SA_SIGINFO) {
            p->sa_sigaction(hsig, hi, uc);
        }
        errno = saved_errno;
        return;
    }
    if (hi->si_code > 0 &&
        (hsig == SIGILL || hsig == SIGFPE || hsig == SIGTRAP)) {
        /* Raised by vemu's own code: a bug, never hidden. The default
         * action kills us when the instruction runs again. */
        signal(hsig, SIG_DFL);
        return;
    }
    int g = signal_host_to_guest(hsig);
    if (g) {
        target_siginfo t;
        info_to_target(g, hi, &t);
        if (hi->si_code == SI_TKILL) {
            queue_add(&thread_queue, &t);
        } else {
            lock_process();
            queue_add(&process_queue, &t);
            unlock_process();
        }
        CPUState *cpu = thread_cpu;
        if (cpu) {
            cpu->exit_request = 1;
        }
    }
    errno = saved_errno;
}

void signal_host_update(int sig, uint64_t handler, bool blocked)
{
    int h = signal_guest_to_host(sig);
    if (!h || sig == SIGKILL || sig == SIGSTOP) {
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigfillset(&sa.sa_mask);
    int dfl = signal_default_action(sig);
    if (sig == SIGSEGV || sig == SIGBUS) {
        /* Always ours: guest faults arrive this way. */
        sa.sa_sigaction = host_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    } else if (handler == 1) {
        sa.sa_handler = SIG_IGN;
    } else if (handler == 0 && (dfl == SIGACT_IGN || dfl == SIGACT_CONT) &&
               !blocked) {
        sa.sa_handler = SIG_DFL;
    } else {
        sa.sa_sigaction = host_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    }
    sigaction(h, &sa, NULL);
}

void signal_host_init(void)
{
    rt_range();
    sigaction(SIGSEGV, NULL, &fault_prev[0]);
    sigaction(SIGBUS, NULL, &fault_prev[1]);

    /* What exec kept from the program that started us: read it all
     * before changing anything. */
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    uint64_t mask = 0, ignored = 0;
    for (int g = 1; g <= TARGET_NSIG; g++) {
        int h = signal_guest_to_host(g);
        if (!h || g == SIGKILL || g == SIGSTOP) {
            continue;
        }
        struct sigaction old;
        sigaction(h, NULL, &old);
        if (old.sa_handler == SIG_IGN && g != SIGSEGV && g != SIGBUS) {
            ignored |= BIT(g);
        }
        if (sigismember(&cur, h)) {
            mask |= BIT(g);
        }
    }
    signal_set_mask(mask);
    for (int g = 1; g <= TARGET_NSIG; g++) {
        if (!signal_guest_to_host(g) || g == SIGKILL || g == SIGSTOP) {
            continue;
        }
        SignalAction act = {.handler = (ignored & BIT(g)) ? 1 : 0};
        signal_set_action(g, &act); /* installs the host side */
    }
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

void signal_thread_start(CPUState *cpu, uint64_t mask)
{
    thread_cpu = cpu;
    signal_set_mask(mask);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

/* fork: the child starts with nothing pending (and no lock held: the
 * parent's holder was another thread, or had signals blocked). */
void signal_fork_child(void)
{
    memset(&thread_queue, 0, sizeof(thread_queue));
    memset(&process_queue, 0, sizeof(process_queue));
    atomic_flag_clear(&process_lock);
}

uint64_t signal_pending(void)
{
    return atomic_load(&thread_queue.bits) | atomic_load(&process_queue.bits);
}

bool signal_dequeue(uint64_t blocked, target_siginfo *info)
{
    if (!(signal_pending() & ~blocked)) {
        return false;
    }
    sigset_t old;
    block_host(&old);
    bool got = queue_take(&thread_queue, blocked, info);
    if (!got) {
        lock_process();
        got = queue_take(&process_queue, blocked, info);
        unlock_process();
    }
    restore_host(&old);
    return got;
}

bool signal_enqueue(const target_siginfo *info, bool thread)
{
    sigset_t old;
    block_host(&old);
    bool ok;
    if (thread) {
        ok = queue_add(&thread_queue, info);
    } else {
        lock_process();
        ok = queue_add(&process_queue, info);
        unlock_process();
    }
    restore_host(&old);
    return ok;
}

void signal_discard(int sig)
{
    sigset_t old;
    block_host(&old);
    queue_drop(&thread_queue, sig);
    lock_process();
    queue_drop(&process_queue, sig);
    unlock_process();
    restore_host(&old);
}

void signal_block_host(sigset_t *old)
{
    block_host(old);
}

void signal_host_mask(uint64_t guest_blocked, sigset_t *out)
{
    sigemptyset(out);
    for (int g = 1; g <= TARGET_NSIG; g++) {
        int h = signal_guest_to_host(g);
        if (h && (guest_blocked & BIT(g)) && g != SIGSEGV && g != SIGBUS) {
            sigaddset(out, h);
        }
    }
}

_Noreturn void signal_die(int sig)
{
    int h = signal_guest_to_host(sig);
    fflush(stderr);
    if (h) {
        /* No core file of the emulator itself. */
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        signal(h, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, h);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), h);
        raise(h);
    }
    /* Guest 63 and 64 have no host signal to die of. */
    _exit(128 + sig);
}

void signal_stop(int sig)
{
    /* Stop signals are below 32: the host's default action is the one. */
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, &old);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    sigaction(sig, &old, NULL);
}

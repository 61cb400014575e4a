/*
 * Signals end to end: built for riscv64 and aarch64 (static and dynamic)
 * and natively, and run by tests/guest/test-glibc.py, which wants the
 * same output everywhere. Every check prints what it observed, never a
 * verdict computed from vemu's own answers, and nothing depends on timing:
 * where a signal must arrive while a call blocks, the sender repeats it
 * until the receiver reports back through a pipe, so an early signal only
 * changes how many are sent, not what is printed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* linux/signal.h, not in glibc's headers */
#endif

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER:
        return "SI_USER";
    case SI_TKILL:
        return "SI_TKILL";
    case SI_QUEUE:
        return "SI_QUEUE";
    case SI_TIMER:
        return "SI_TIMER";
    case SI_KERNEL:
        return "SI_KERNEL";
    case CLD_EXITED:
        return "CLD_EXITED";
    default:
        return "other";
    }
}

static void set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
                       const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask) {
        sa.sa_mask = *mask;
    } else {
        sigemptyset(&sa.sa_mask);
    }
    if (sigaction(sig, &sa, NULL) != 0) {
        printf("sigaction %d: %s\n", sig, strerror(errno));
    }
}

static void set_default(int sig)
{
    signal(sig, SIG_DFL);
}

static void block(int sig, int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(how, &s, NULL);
}

static int is_blocked(int sig)
{
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig);
}

/* What the last handler saw. */
static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_pid, last_uid, last_value;
static volatile int last_blocked_usr2;

static void record(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_uid = si->si_uid;
    last_value = si->si_value.sival_int;
    last_blocked_usr2 = is_blocked(SIGUSR2);
}

static void reset(void)
{
    hits = 0;
    last_signo = last_code = last_pid = last_uid = last_value = 0;
}

static void test_self(void)
{
    set_action(SIGUSR1, record, 0, NULL);
    reset();
    raise(SIGUSR1);
    printf("raise: hits=%d signo=%d code=%s pid_ok=%d uid_ok=%d\n", hits,
           last_signo, code_name(last_code), last_pid == getpid(),
           last_uid == (int)getuid());
    reset();
    kill(getpid(), SIGUSR1);
    printf("kill: hits=%d signo=%d code=%s pid_ok=%d\n", hits, last_signo,
           code_name(last_code), last_pid == getpid());
    reset();
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: hits=%d code=%s value=%d\n", hits, code_name(last_code),
           last_value);
    /* sa_mask applies in the handler, and not after it. */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    set_action(SIGUSR1, record, 0, &m);
    raise(SIGUSR1);
    printf("sa_mask: usr2 blocked in handler=%d after=%d\n", last_blocked_usr2,
           is_blocked(SIGUSR2));
    set_default(SIGUSR1);
}

/* A guest loop without system calls must still be interrupted. */
static volatile sig_atomic_t ticks;

static void on_tick(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    ticks++;
    last_signo = sig;
    last_code = si->si_code;
    last_value = si->si_value.sival_int;
}

static void test_timers(void)
{
    set_action(SIGALRM, on_tick, 0, NULL);
    ticks = 0;
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!ticks) {
    }
    printf("setitimer: busy loop interrupted, signo=%d code=%s\n", last_signo,
           code_name(last_code));

    /* alarm is setitimer in glibc: check the remaining time comes back. */
    alarm(100);
    unsigned left = alarm(0);
    printf("alarm: left in 95..100=%d\n", left >= 95 && left <= 100);

    int rtsig = SIGRTMIN + 1;
    set_action(rtsig, on_tick, 0, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = rtsig;
    sev.sigev_value.sival_int = 42;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0) {
        printf("timer_create: %s\n", strerror(errno));
        return;
    }
    ticks = 0;
    struct itimerspec its = {{0, 0}, {0, 10000000}};
    timer_settime(t, 0, &its, NULL);
    while (!ticks) {
    }
    struct itimerspec cur;
    timer_gettime(t, &cur);
    printf("timer_create: signo=SIGRTMIN+%d code=%s value=%d disarmed=%d\n",
           last_signo - SIGRTMIN, code_name(last_code), last_value,
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    timer_delete(t);
    set_default(SIGALRM);
    set_default(rtsig);
}

/* Without SA_RESTART, a read from a pipe that blocks fails with EINTR.
 * The child keeps sending SIGUSR1 until the parent reports that read
 * returned (a signal that comes before the read only runs the handler). */
static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

static void test_eintr(void)
{
    int data[2], done[2];
    pipe(data);
    pipe(done);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    usr1_seen = 0;
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(data[0]);
        close(done[1]);
        struct pollfd p = {done[0], POLLIN, 0};
        for (;;) {
            kill(parent, SIGUSR1);
            if (poll(&p, 1, 20) > 0) {
                _exit(0);
            }
        }
    }
    close(data[1]);
    close(done[0]);
    char c = 0;
    ssize_t r = read(data[0], &c, 1);
    printf("no SA_RESTART: read=%zd errno=%s handler=%d\n", r,
           r < 0 && errno == EINTR ? "EINTR" : "other", usr1_seen);
    write(done[1], "e", 1);
    close(done[1]);
    waitpid(pid, NULL, 0);
    close(data[0]);
    set_default(SIGUSR1);
}

/* nanosleep is never restarted, SA_RESTART or not (signal(7)). */
static void test_sleep_eintr(void)
{
    int done[2];
    pipe(done);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    usr1_seen = 0;
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(done[1]);
        struct pollfd p = {done[0], POLLIN, 0};
        for (;;) {
            kill(parent, SIGUSR1);
            if (poll(&p, 1, 20) > 0) {
                _exit(0);
            }
        }
    }
    close(done[0]);
    struct timespec ts = {30, 0}, rem = {0, 0};
    int r = nanosleep(&ts, &rem);
    /* The time left can exceed the request by the timer slack. */
    printf("nanosleep with SA_RESTART: r=%d errno=%s handler=%d rem=%ds\n", r,
           r < 0 && errno == EINTR ? "EINTR" : "other", usr1_seen,
           rem.tv_sec >= 29 && rem.tv_sec <= 30 ? 30 : (int)rem.tv_sec);
    write(done[1], "e", 1);
    close(done[1]);
    waitpid(pid, NULL, 0);
    set_default(SIGUSR1);
}

/* A blocked signal does not interrupt a read at all: it stays pending. */
static void test_blocked_read(void)
{
    int data[2];
    pipe(data);
    set_action(SIGUSR2, record, 0, NULL);
    reset();
    block(SIGUSR2, SIG_BLOCK);
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(data[0]);
        for (int i = 0; i < 5; i++) {
            kill(parent, SIGUSR2);
            usleep(10000);
        }
        write(data[1], "y", 1);
        _exit(0);
    }
    close(data[1]);
    char c = 0;
    ssize_t r = read(data[0], &c, 1);
    sigset_t pend;
    sigpending(&pend);
    printf("blocked during read: read=%zd data=%c hits=%d pending=%d\n", r, c,
           hits, sigismember(&pend, SIGUSR2));
    block(SIGUSR2, SIG_UNBLOCK);
    printf("unblocked after read: hits=%d\n", hits);
    waitpid(pid, NULL, 0);
    close(data[0]);
    set_default(SIGUSR2);
}

/* With SA_RESTART the child must send data or the read blocks forever:
 * the handler reports through a pipe that the child watches. */
static int restart_report_fd = -1;

static void on_usr1_report(int sig)
{
    (void)sig;
    usr1_seen = 1;
    if (restart_report_fd >= 0) {
        write(restart_report_fd, "s", 1);
        restart_report_fd = -1;
    }
}

static void test_sa_restart(void)
{
    int data[2], done[2];
    pipe(data);
    pipe(done);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1_report;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    usr1_seen = 0;
    restart_report_fd = done[1];
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(data[0]);
        close(done[1]);
        struct pollfd p = {done[0], POLLIN, 0};
        for (;;) {
            kill(parent, SIGUSR1);
            if (poll(&p, 1, 20) > 0) {
                break;
            }
        }
        /* The parent's handler ran; its read goes on and gets this. */
        write(data[1], "x", 1);
        _exit(0);
    }
    close(data[1]);
    close(done[0]);
    char c = 0;
    ssize_t r = read(data[0], &c, 1);
    printf("SA_RESTART: read=%zd data=%c handler=%d\n", r, c, usr1_seen);
    close(done[1]);
    waitpid(pid, NULL, 0);
    close(data[0]);
    set_default(SIGUSR1);
}

/* Real-time signals queue, with values, lowest number first. */
static int order_sig[16], order_val[16];
static volatile int order_n;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (order_n < 16) {
        order_sig[order_n] = sig;
        order_val[order_n] = si->si_value.sival_int;
        order_n++;
    }
}

static void test_rt_queue(void)
{
    int a = SIGRTMIN + 2, b = SIGRTMIN + 1, hi = SIGRTMAX;
    set_action(a, on_rt, 0, NULL);
    set_action(b, on_rt, 0, NULL);
    set_action(hi, on_rt, 0, NULL);
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, a);
    sigaddset(&s, b);
    sigaddset(&s, hi);
    sigprocmask(SIG_BLOCK, &s, NULL);
    order_n = 0;
    for (int i = 1; i <= 3; i++) {
        union sigval v = {.sival_int = i};
        sigqueue(getpid(), a, v);
    }
    union sigval v9 = {.sival_int = 9}, v7 = {.sival_int = 7};
    sigqueue(getpid(), hi, v7);
    sigqueue(getpid(), b, v9);
    sigpending(&pend);
    printf("rt pending: a=%d b=%d max=%d usr1=%d delivered=%d\n",
           sigismember(&pend, a), sigismember(&pend, b), sigismember(&pend, hi),
           sigismember(&pend, SIGUSR1), order_n);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("rt order:");
    for (int i = 0; i < order_n; i++) {
        int sig = order_sig[i];
        if (sig == SIGRTMAX) {
            printf(" (SIGRTMAX,%d)", order_val[i]);
        } else {
            printf(" (SIGRTMIN+%d,%d)", sig - SIGRTMIN, order_val[i]);
        }
    }
    printf("\n");
    set_default(a);
    set_default(b);
    set_default(hi);
}

/* A blocked standard signal stays pending, once however often it is sent. */
static void test_pending(void)
{
    set_action(SIGUSR2, record, 0, NULL);
    reset();
    block(SIGUSR2, SIG_BLOCK);
    raise(SIGUSR2);
    raise(SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    printf("pending: usr2=%d hits=%d\n", sigismember(&pend, SIGUSR2), hits);
    block(SIGUSR2, SIG_UNBLOCK);
    sigpending(&pend);
    printf("unblocked: hits=%d still pending=%d\n", hits,
           sigismember(&pend, SIGUSR2));
    /* Setting SIG_IGN discards a pending signal (POSIX). */
    block(SIGUSR2, SIG_BLOCK);
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pend);
    int still = sigismember(&pend, SIGUSR2);
    signal(SIGUSR2, SIG_DFL);
    block(SIGUSR2, SIG_UNBLOCK);
    printf("SIG_IGN: discarded pending=%d survived\n", !still);
}

static volatile int suspend_mask_usr1, suspend_mask_usr2;

static void on_suspend(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    hits++;
    last_signo = sig;
    suspend_mask_usr1 = is_blocked(SIGUSR1);
    suspend_mask_usr2 = is_blocked(SIGUSR2);
}

static void test_sigsuspend(void)
{
    set_action(SIGUSR1, on_suspend, 0, NULL);
    reset();
    block(SIGUSR1, SIG_BLOCK);
    block(SIGUSR2, SIG_BLOCK);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR2);
    int r = sigsuspend(&wait_mask);
    printf("sigsuspend: r=%d errno=%s hits=%d in handler usr1=%d usr2=%d; "
           "after usr1=%d\n",
           r, errno == EINTR ? "EINTR" : "other", hits, suspend_mask_usr1,
           suspend_mask_usr2, is_blocked(SIGUSR1));
    waitpid(pid, NULL, 0);

    /* ppoll with a mask: a pending signal it unblocks ends it at once. */
    reset();
    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    struct timespec ts = {5, 0};
    r = ppoll(NULL, 0, &ts, &none);
    printf("ppoll: r=%d errno=%s hits=%d after usr1=%d\n", r,
           errno == EINTR ? "EINTR" : "other", hits, is_blocked(SIGUSR1));

    /* The same for pselect and epoll_pwait: the mask is applied with the
     * wait, so the pending signal ends it at once (a 5 s timeout would
     * show as a hang, and r=0 as a missed mask). */
    reset();
    raise(SIGUSR1);
    ts.tv_sec = 5;
    r = pselect(0, NULL, NULL, NULL, &ts, &none);
    printf("pselect: r=%d errno=%s hits=%d after usr1=%d\n", r,
           errno == EINTR ? "EINTR" : "other", hits, is_blocked(SIGUSR1));
    reset();
    raise(SIGUSR1);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev;
    r = epoll_pwait(ep, &ev, 1, 5000, &none);
    printf("epoll_pwait: r=%d errno=%s hits=%d after usr1=%d\n", r,
           errno == EINTR ? "EINTR" : "other", hits, is_blocked(SIGUSR1));
    /* Without a mask argument the blocked signal stays pending. */
    r = epoll_pwait(ep, &ev, 1, 0, NULL);
    printf("epoll_pwait no mask: r=%d hits=%d\n", r, hits);
    close(ep);
    block(SIGUSR1, SIG_UNBLOCK);
    block(SIGUSR2, SIG_UNBLOCK);
    set_default(SIGUSR1);
}

static void test_sigtimedwait(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, NULL);
    siginfo_t si;
    struct timespec ts = {0, 10000000};
    int r = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait empty: r=%d errno=%s\n", r,
           errno == EAGAIN ? "EAGAIN" : "other");
    raise(SIGUSR2);
    ts.tv_sec = 5;
    r = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait: r=%d signo=%d code=%s\n", r, si.si_signo,
           code_name(si.si_code));

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        union sigval v = {.sival_int = 77};
        sigqueue(getppid(), SIGUSR2, v);
        _exit(5);
    }
    r = sigwaitinfo(&s, &si);
    int first = r;
    int value = si.si_value.sival_int, from_child = si.si_pid == pid;
    if (r == SIGCHLD) {
        /* The child exited before its signal was taken: take it next. */
        r = sigwaitinfo(&s, &si);
        value = si.si_value.sival_int;
        from_child = si.si_pid == pid;
        first = SIGUSR2;
    }
    printf("sigwaitinfo: signo=%d code=%s value=%d from child=%d\n", first,
           code_name(si.si_code), value, from_child);
    /* SIGCHLD's siginfo: pid and exit status. */
    sigset_t c;
    sigemptyset(&c);
    sigaddset(&c, SIGCHLD);
    sigwaitinfo(&c, &si);
    printf("SIGCHLD: code=%s status=%d from child=%d\n", code_name(si.si_code),
           si.si_status, si.si_pid == pid);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void test_resethand_nodefer(void)
{
    set_action(SIGUSR1, record, SA_RESETHAND, NULL);
    reset();
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("SA_RESETHAND: hits=%d now default=%d\n", hits,
           now.sa_handler == SIG_DFL);
}

static volatile int depth, max_depth, nested_calls;

static void on_nest(int sig)
{
    nested_calls++;
    depth++;
    if (depth > max_depth) {
        max_depth = depth;
    }
    if (nested_calls == 1) {
        raise(sig);
    }
    depth--;
}

static void test_nodefer(int nodefer)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_nest;
    sa.sa_flags = nodefer ? SA_NODEFER : 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    depth = max_depth = nested_calls = 0;
    raise(SIGUSR2);
    printf("%s: calls=%d max depth=%d\n", nodefer ? "SA_NODEFER" : "deferred",
           nested_calls, max_depth);
    set_default(SIGUSR2);
}

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, alt_flags_in;

static void on_altstack(int sig)
{
    (void)sig;
    char here;
    on_alt = &here >= alt_base && &here < alt_base + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags_in = cur.ss_flags;
}

static const char *ss_name(int f)
{
    if (f & SS_DISABLE) {
        return "SS_DISABLE";
    }
    return f & SS_ONSTACK ? "SS_ONSTACK" : "0";
}

static void test_altstack(void)
{
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_altstack;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK: on alt stack=%d flags in handler=%s\n", on_alt,
           ss_name(alt_flags_in));
    ss.ss_flags = SS_AUTODISARM;
    sigaltstack(&ss, NULL);
    raise(SIGUSR1);
    stack_t after;
    sigaltstack(NULL, &after);
    printf("SS_AUTODISARM: on alt stack=%d flags in handler=%s after=%s "
           "same=%d\n",
           on_alt, ss_name(alt_flags_in), ss_name(after.ss_flags),
           after.ss_sp == alt_base && after.ss_size == alt_size);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    set_default(SIGUSR1);
    free(alt_base);
}

static void print_status(const char *what, int st, int rtbase)
{
    if (WIFSIGNALED(st)) {
        int s = WTERMSIG(st);
        if (rtbase && s >= SIGRTMIN) {
            printf("%s: killed by SIGRTMIN+%d\n", what, s - SIGRTMIN);
        } else {
            printf("%s: killed by %d\n", what, s);
        }
    } else if (WIFEXITED(st)) {
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    } else if (WIFSTOPPED(st)) {
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    } else if (WIFCONTINUED(st)) {
        printf("%s: continued\n", what);
    } else {
        printf("%s: status %#x\n", what, st);
    }
}

/* A child that waits in pause() after telling the parent it is ready. */
static pid_t waiting_child(int own_group)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (own_group) {
            setpgid(0, 0); /* not orphaned: SIGTSTP stops it */
        }
        close(p[0]);
        write(p[1], "r", 1);
        for (;;) {
            pause();
        }
    }
    close(p[1]);
    char c;
    read(p[0], &c, 1);
    close(p[0]);
    return pid;
}

static void test_children(void)
{
    int st;
    pid_t pid = waiting_child(0);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    print_status("SIGTERM child", st, 0);

    pid = waiting_child(0);
    kill(pid, SIGRTMIN + 3);
    waitpid(pid, &st, 0);
    print_status("SIGRTMIN+3 child", st, 1);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        abort();
    }
    waitpid(pid, &st, 0);
    print_status("abort child", st, 0);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        volatile int x = 0;
        while (!x) {
            /* Interrupted by SIGALRM's default action. */
            static int once;
            if (!once++) {
                struct itimerval it = {{0, 0}, {0, 10000}};
                setitimer(ITIMER_REAL, &it, NULL);
            }
        }
        _exit(0);
    }
    waitpid(pid, &st, 0);
    print_status("SIGALRM busy child", st, 0);

    pid = waiting_child(1);
    kill(pid, SIGTSTP);
    waitpid(pid, &st, WUNTRACED);
    print_status("SIGTSTP child", st, 0);
    kill(pid, SIGCONT);
    waitpid(pid, &st, WCONTINUED);
    print_status("SIGCONT child", st, 0);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    print_status("SIGKILL child", st, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_self();
    test_timers();
    test_eintr();
    test_sa_restart();
    test_sleep_eintr();
    test_blocked_read();
    test_rt_queue();
    test_pending();
    test_sigsuspend();
    test_sigtimedwait();
    test_resethand_nodefer();
    test_nodefer(0);
    test_nodefer(1);
    test_altstack();
    test_children();
    printf("done\n");
    return 0;
}

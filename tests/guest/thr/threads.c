/*
 * Guest threads end to end: one source built for riscv64 and aarch64
 * (static and dynamic) and natively; every line printed and the exit
 * status must be the same. Covers pthread_create/join with atomics and a
 * mutex, condition-variable ping-pong, thread-local storage, pthread_exit
 * values, detached threads, tids, robust mutexes whose owner died (the
 * robust list walk at thread exit), a raw clone() with the tid words,
 * direct futex operations (wait/wake, bitsets, timeouts on both clocks,
 * requeue, wake_op, PI), thread exit versus process exit, and ends with
 * exit() called by a non-main thread while main waits in pthread_join.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 8
#define INCREMENTS 100000
#define PINGPONG 10000

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAILED: %s\n", what);
        fflush(stdout);
        exit(1);
    }
}

static pid_t tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

static long futex(uint32_t *uaddr, int op, uint32_t val, const void *ts,
                  uint32_t *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ---- atomics and a mutex ---- */

static uint64_t atomic_total;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t locked_total;
static __thread int tls_value = -1;

static void *adder(void *arg)
{
    int id = (int)(intptr_t)arg;
    tls_value = id * 7;
    for (int i = 0; i < INCREMENTS; i++) {
        __atomic_fetch_add(&atomic_total, 1, __ATOMIC_RELAXED);
        if (i % 10 == 0) {
            pthread_mutex_lock(&count_lock);
            locked_total++;
            pthread_mutex_unlock(&count_lock);
        }
    }
    sched_yield();
    /* Every thread kept its own copy. */
    return (void *)(intptr_t)(tls_value == id * 7 ? tls_value : -1);
}

static void test_atomics(void)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        check(pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i) == 0,
              "pthread_create");
    }
    printf("tls:");
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        check(pthread_join(t[i], &r) == 0, "pthread_join");
        printf(" %d", (int)(intptr_t)r);
    }
    printf("\natomic total %llu, mutex total %llu, main tls %d\n",
           (unsigned long long)atomic_total, (unsigned long long)locked_total,
           tls_value);
}

/* ---- condition-variable ping-pong ---- */

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int pp_turn; /* 0: ping's turn, 1: pong's */
static int pp_count[2];

static void *pinger(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < PINGPONG; i++) {
        pthread_mutex_lock(&pp_lock);
        while (pp_turn != me) {
            pthread_cond_wait(&pp_cond, &pp_lock);
        }
        pp_count[me]++;
        pp_turn = !me;
        pthread_cond_signal(&pp_cond);
        pthread_mutex_unlock(&pp_lock);
    }
    return NULL;
}

static void test_pingpong(void)
{
    pthread_t a, b;
    check(pthread_create(&a, NULL, pinger, (void *)0) == 0, "create ping");
    check(pthread_create(&b, NULL, pinger, (void *)1) == 0, "create pong");
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("ping-pong: %d pings, %d pongs, turn %d\n", pp_count[0], pp_count[1],
           pp_turn);
}

/* ---- pthread_exit, detached threads, tids ---- */

static void *exiter(void *arg)
{
    int id = (int)(intptr_t)arg;
    if (id % 2) {
        pthread_exit((void *)(intptr_t)(1000 + id));
    }
    return (void *)(intptr_t)(2000 + id);
}

static sem_t detached_done;
static int detached_saw_distinct;

static void *detached(void *arg)
{
    detached_saw_distinct = tid() != getpid() && getpid() == *(pid_t *)arg;
    sem_post(&detached_done);
    return NULL;
}

static void test_exit_values(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, exiter, (void *)(intptr_t)i);
    }
    printf("exit values:");
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf(" %d", (int)(intptr_t)r);
    }
    printf("\n");

    pid_t pid = getpid();
    sem_init(&detached_done, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t d;
    check(pthread_create(&d, &attr, detached, &pid) == 0, "detached create");
    while (sem_wait(&detached_done) != 0) {
    }
    printf("detached thread: tid distinct from pid %d; main tid == pid %d\n",
           detached_saw_distinct, tid() == getpid());

    /* Many short threads: every one is cleaned up and joinable. */
    long sum = 0;
    for (int round = 0; round < 25; round++) {
        pthread_t s[8];
        for (int i = 0; i < 8; i++) {
            check(pthread_create(&s[i], NULL, exiter,
                                 (void *)(intptr_t)(2 * i)) == 0,
                  "short thread");
        }
        for (int i = 0; i < 8; i++) {
            void *r;
            pthread_join(s[i], &r);
            sum += (intptr_t)r;
        }
    }
    printf("200 short threads: sum %ld\n", sum);
}

/* ---- robust mutexes: the owner ends without unlocking ---- */

static pthread_mutex_t robust;
static volatile int robust_locked;

static void *robust_owner(void *arg)
{
    pthread_mutex_lock(&robust);
    __atomic_store_n(&robust_locked, 1, __ATOMIC_SEQ_CST);
    if (arg) {
        sleep_ms(50); /* let main block on the mutex first */
    }
    return NULL; /* still holding it */
}

static void test_robust(int protocol, int wait_first, const char *name)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setprotocol(&ma, protocol);
    pthread_mutex_init(&robust, &ma);
    robust_locked = 0;
    pthread_t t;
    pthread_create(&t, NULL, robust_owner, wait_first ? (void *)1 : NULL);
    if (wait_first) {
        while (!__atomic_load_n(&robust_locked, __ATOMIC_SEQ_CST)) {
            sched_yield();
        }
    } else {
        pthread_join(t, NULL);
    }
    int r = pthread_mutex_lock(&robust);
    int c = pthread_mutex_consistent(&robust);
    int u = pthread_mutex_unlock(&robust);
    if (wait_first) {
        pthread_join(t, NULL);
    }
    printf("robust %s: lock %s, consistent %d, unlock %d\n", name,
           r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r), c, u);
    pthread_mutex_destroy(&robust);
}

static void test_robust_list_syscall(void)
{
    void *head = NULL;
    size_t len = 0;
    long r = syscall(SYS_get_robust_list, 0, &head, &len);
    printf("get_robust_list: %ld, head set %d, len %zu\n", r, head != NULL,
           len);
}

/* ---- raw clone() with the tid words ---- */

static uint32_t clone_ctid = 1;
static pid_t clone_ptid;
static int clone_value;

static int clone_child(void *arg)
{
    /* No glibc here: the child runs on the parent's TLS. */
    __atomic_store_n(&clone_value, *(int *)arg * 2, __ATOMIC_SEQ_CST);
    return 0;
}

static void test_raw_clone(void)
{
    size_t sz = 256 * 1024;
    char *stack = malloc(sz);
    int in = 21;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
                CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    int r = clone(clone_child, stack + sz, flags, &in, &clone_ptid, NULL,
                  &clone_ctid);
    check(r > 0, "clone");
    /* CLONE_CHILD_CLEARTID: 0 and a futex wake when the child is gone. */
    uint32_t v;
    while ((v = __atomic_load_n(&clone_ctid, __ATOMIC_SEQ_CST)) != 0) {
        futex(&clone_ctid, FUTEX_WAIT, v, NULL, NULL, 0);
    }
    printf("raw clone: value %d, ptid is tid %d, tid not pid %d, ctid %u\n",
           clone_value, clone_ptid == r, r != getpid(), clone_ctid);
    free(stack);
}

/* ---- clone3 ---- */

/* struct clone_args (uapi linux/sched.h), here for old headers. */
struct test_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

/*
 * clone3 for a child that stores value at addr and exits at once: no C
 * in the child, which runs on a stack without a frame and without TLS.
 * Returns the child's tid or -errno.
 */
static long clone3_store(struct test_clone_args *ca, size_t size,
                         uint32_t *addr, uint32_t value)
{
#if defined(__x86_64__)
    long ret;
    register uint64_t r8 __asm__("r8") = (uint64_t)(uintptr_t)addr;
    register uint64_t r9 __asm__("r9") = value;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "movl %%r9d, (%%r8)\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret)
                     : "0"(435L), "D"(ca), "S"(size), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x0 __asm__("x0") = (long)(uintptr_t)ca;
    register long x1 __asm__("x1") = (long)size;
    register long x8 __asm__("x8") = 435;
    register uint64_t x9 __asm__("x9") = (uint64_t)(uintptr_t)addr;
    register uint64_t x10 __asm__("x10") = value;
    __asm__ volatile("svc #0\n\t"
                     "cbnz x0, 1f\n\t"
                     "str w10, [x9]\n\t"
                     "mov x0, #0\n\t"
                     "mov x8, #93\n\t"
                     "svc #0\n"
                     "1:"
                     : "+r"(x0)
                     : "r"(x1), "r"(x8), "r"(x9), "r"(x10)
                     : "memory");
    return x0;
#elif defined(__riscv)
    register long a0 __asm__("a0") = (long)(uintptr_t)ca;
    register long a1 __asm__("a1") = (long)size;
    register long a7 __asm__("a7") = 435;
    register uint64_t t0 __asm__("t0") = (uint64_t)(uintptr_t)addr;
    register uint64_t t1 __asm__("t1") = value;
    __asm__ volatile("ecall\n\t"
                     "bnez a0, 1f\n\t"
                     "sw t1, 0(t0)\n\t"
                     "li a0, 0\n\t"
                     "li a7, 93\n\t"
                     "ecall\n"
                     "1:"
                     : "+r"(a0)
                     : "r"(a1), "r"(a7), "r"(t0), "r"(t1)
                     : "memory");
    return a0;
#else
#error "no clone3 wrapper for this architecture"
#endif
}

static uint32_t c3_ctid = 1, c3_ptid, c3_value;

static void test_clone3(void)
{
    size_t sz = 64 * 1024;
    char *stack = malloc(sz);
    struct test_clone_args ca = {
        .flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                 CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
                 CLONE_CHILD_CLEARTID,
        .child_tid = (uintptr_t)&c3_ctid,
        .parent_tid = (uintptr_t)&c3_ptid,
        .stack = (uintptr_t)stack,
        .stack_size = sz,
    };
    long r = clone3_store(&ca, 64, &c3_value, 77);
    check(r > 0, "clone3");
    uint32_t v;
    while ((v = __atomic_load_n(&c3_ctid, __ATOMIC_SEQ_CST)) != 0) {
        futex(&c3_ctid, FUTEX_WAIT, v, NULL, NULL, 0);
    }
    printf("clone3 thread: value %u, ptid is tid %d, ctid %u\n", c3_value,
           c3_ptid == (uint32_t)r, c3_ctid);
    free(stack);

    /* Argument checks, in the kernel's order. */
    struct test_clone_args bad = ca;
    printf("clone3 size 32: %ld\n", clone3_store(&bad, 32, &c3_value, 0));
    bad.exit_signal = SIGCHLD;
    printf("clone3 thread with exit signal: %ld\n",
           clone3_store(&bad, 64, &c3_value, 0));
    bad = ca;
    bad.stack_size = 0;
    printf("clone3 stack without size: %ld\n",
           clone3_store(&bad, 64, &c3_value, 0));
    bad = ca;
    bad.flags |= SIGCHLD;
    printf("clone3 signal in flags: %ld\n",
           clone3_store(&bad, 64, &c3_value, 0));
    printf("clone3 bad pointer: %ld\n",
           clone3_store((struct test_clone_args *)8, 64, &c3_value, 0));
    struct {
        struct test_clone_args a;
        uint64_t extra;
    } big = {ca, 1};
    printf("clone3 non-zero tail: %ld\n",
           clone3_store(&big.a, sizeof(big), &c3_value, 0));
}

/* ---- futex operations ---- */

static uint32_t f1, f2;
static int woken_count;

static void *futex_waiter(void *arg)
{
    uint32_t *word = arg;
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) {
        futex(word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    }
    __atomic_fetch_add(&woken_count, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static const char *err_name(long r)
{
    if (r >= 0) {
        return "ok";
    }
    switch (errno) {
    case EAGAIN:
        return "EAGAIN";
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case EDEADLK:
        return "EDEADLK";
    case EINVAL:
        return "EINVAL";
    case EPERM:
        return "EPERM";
    case EBUSY:
        return "EBUSY";
    default:
        return strerror(errno);
    }
}

static uint32_t pi_word;
static volatile int pi_holding;

static void *pi_holder(void *arg)
{
    long r = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    check(r == 0 && (pi_word & FUTEX_TID_MASK) == (uint32_t)tid(),
          "PI lock in holder");
    __atomic_store_n(&pi_holding, 1, __ATOMIC_SEQ_CST);
    sleep_ms(80);
    r = futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    check(r == 0, "PI unlock in holder");
    return NULL;
}

static void test_futex(void)
{
    uint32_t w = 5;
    long r = futex(&w, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0);
    printf("futex wait, wrong value: %s\n", err_name(r));
    struct timespec rel = {0, 20 * 1000000};
    r = futex(&w, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0);
    printf("futex wait, relative 20ms: %s\n", err_name(r));
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 20 * 1000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    r = futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL,
              FUTEX_BITSET_MATCH_ANY);
    printf("futex wait_bitset, absolute monotonic: %s\n", err_name(r));
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 20 * 1000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    r = futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &abs,
              NULL, FUTEX_BITSET_MATCH_ANY);
    printf("futex wait_bitset, absolute realtime: %s\n", err_name(r));
    r = futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0);
    printf("futex wait_bitset, empty bitset: %s\n", err_name(r));
    struct timespec bad = {0, 2000000000};
    r = futex(&w, FUTEX_WAIT_PRIVATE, 5, &bad, NULL, 0);
    printf("futex wait, bad timeout: %s\n", err_name(r));
    r = futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    printf("futex wake, nobody: %ld\n", r);

    /* Two waiters on f1, requeued to f2 without waking, then woken. */
    pthread_t t[2];
    f1 = f2 = 0;
    woken_count = 0;
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, futex_waiter, &f1);
    }
    long moved = 0;
    for (int tries = 0; moved < 2 && tries < 2000; tries++) {
        r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(uintptr_t)INT_MAX,
                  &f2, 0);
        check(r >= 0, "cmp_requeue");
        moved += r;
        sleep_ms(1);
    }
    r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(uintptr_t)1, &f2, 7);
    printf("futex cmp_requeue: moved %ld, woken %d, wrong value %s\n", moved,
           __atomic_load_n(&woken_count, __ATOMIC_SEQ_CST), err_name(r));
    /* The waiters recheck f1 after a wake: release them through it. */
    __atomic_store_n(&f1, 1, __ATOMIC_SEQ_CST);
    long woke = 0;
    while (woke < 2) {
        woke += futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
        sched_yield();
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    printf("futex wake after requeue: %ld, waiters done %d\n", woke,
           woken_count);

    /* Plain requeue and wake_op, with nobody waiting. */
    r = futex(&f1, FUTEX_REQUEUE_PRIVATE, 1, (void *)(uintptr_t)1, &f2, 0);
    printf("futex requeue, nobody: %ld\n", r);
    f2 = 0;
    r = futex(&f1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)(uintptr_t)1, &f2,
              FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0));
    printf("futex wake_op: %ld, f2 now %u\n", r, f2);

    /* PI: lock, relock (deadlock), trylock, unlock; contended with a
     * timeout, then handed over. */
    pi_word = 0;
    r = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex lock_pi: %s, owner is me %d\n", err_name(r),
           pi_word == (uint32_t)tid());
    r = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex lock_pi again: %s\n", err_name(r));
    r = futex(&pi_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex trylock_pi held by me: %s\n", err_name(r));
    r = futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex unlock_pi: %s, word %u\n", err_name(r), pi_word);
    r = futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex unlock_pi not owner: %s\n", err_name(r));
    r = futex(&pi_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex trylock_pi free: %s, owner is me %d\n", err_name(r),
           pi_word == (uint32_t)tid());
    futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);

    pthread_t h;
    pi_holding = 0;
    pthread_create(&h, NULL, pi_holder, NULL);
    while (!pi_holding) {
        sched_yield();
    }
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 10 * 1000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    r = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, &abs, NULL, 0);
    printf("futex lock_pi contended, 10ms timeout: %s\n", err_name(r));
    r = futex(&pi_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    printf("futex lock_pi contended, no timeout: %s, owner is me %d\n",
           err_name(r), (pi_word & FUTEX_TID_MASK) == (uint32_t)tid());
    futex(&pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    pthread_join(h, NULL);
}

/* ---- thread exit versus process exit, in child processes ---- */

static void *survivor(void *arg)
{
    sleep_ms(50);
    printf("survivor runs after main's pthread_exit\n");
    fflush(stdout);
    return NULL;
}

static void *group_exiter(void *arg)
{
    printf("thread calls exit(%d)\n", (int)(intptr_t)arg);
    exit((int)(intptr_t)arg);
}

static void run_child(const char *name, void (*body)(void))
{
    fflush(stdout);
    pid_t p = fork();
    check(p >= 0, "fork");
    if (p == 0) {
        body();
        _exit(99);
    }
    int st;
    check(waitpid(p, &st, 0) == p, "waitpid");
    printf("%s: exited %d status %d\n", name, WIFEXITED(st),
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void child_main_exits(void)
{
    pthread_t t;
    pthread_create(&t, NULL, survivor, NULL);
    pthread_exit(NULL);
}

static void child_thread_exits_group(void)
{
    pthread_t t;
    pthread_create(&t, NULL, group_exiter, (void *)7);
    for (;;) {
        pause();
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_atomics();
    test_pingpong();
    test_exit_values();
    test_robust(PTHREAD_PRIO_NONE, 0, "owner gone");
    test_robust(PTHREAD_PRIO_NONE, 1, "waiter blocked");
    test_robust(PTHREAD_PRIO_INHERIT, 0, "PI owner gone");
    test_robust(PTHREAD_PRIO_INHERIT, 1, "PI waiter blocked");
    test_robust_list_syscall();
    test_raw_clone();
    test_clone3();
    test_futex();
    run_child("main thread pthread_exit", child_main_exits);
    run_child("thread exit(7)", child_thread_exits_group);

    /* Last: exit() from another thread ends the process while main is
     * blocked in pthread_join. */
    pthread_t t;
    pthread_create(&t, NULL, group_exiter, (void *)42);
    pthread_join(t, NULL);
    printf("FAILED: pthread_join returned\n");
    return 1;
}

/*
 * Guest threads: clone and clone3 with CLONE_VM|CLONE_THREAD, the
 * per-thread records glibc registers (set_tid_address, set_robust_list,
 * get_robust_list), and the end of a thread or of the whole process
 * (exit, exit_group).
 *
 * A guest thread is a host pthread running its own copy of the parent's
 * CPU (SyscallArch.cpu_clone, then clone_child for the stack and TLS) in
 * linux-user's CPU loop (syscall_set_thread_runner). Host and guest tids
 * are the same numbers, so gettid, tgkill and PI futex owners pass
 * through. What the kernel does at a thread's exit is done here, because
 * the host kernel only knows about the host thread's own records:
 * - the robust futex list is walked and every futex the thread still
 *   owns gets FUTEX_OWNER_DIED, with one waiter woken (as
 *   kernel/futex/core.c: handle_futex_death), list_op_pending included;
 * - with CLONE_CHILD_CLEARTID / set_tid_address, 0 is stored at the tid
 *   address and one futex waiter there is woken (pthread_join).
 * The process ends when its last thread exits, with the status of the
 * first thread (the group leader, whose exit status the kernel reports),
 * or at once with exit_group. A non-leader thread leaves its CPU loop by
 * siglongjmp back to thread_main; the leader, which is vemu's own main
 * thread, waits for the others instead of ending the host process.
 *
 * Not done: a clone with CLONE_VM but without CLONE_THREAD (a process
 * sharing memory: -ENOSYS, as before), and clone3's extras (pidfd,
 * set_tid, cgroup: -ENOSYS, so glibc falls back to clone). get_robust_list
 * answers for the calling thread only.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "tcg/tb-cache.h"

/* Guest clone flags (uapi linux/sched.h, the same for every Linux). */
#define G_CSIGNAL 0x000000ffull
#define G_CLONE_VM 0x00000100ull
#define G_CLONE_FS 0x00000200ull
#define G_CLONE_FILES 0x00000400ull
#define G_CLONE_SIGHAND 0x00000800ull
#define G_CLONE_VFORK 0x00004000ull
#define G_CLONE_THREAD 0x00010000ull
#define G_CLONE_SYSVSEM 0x00040000ull
#define G_CLONE_SETTLS 0x00080000ull
#define G_CLONE_PARENT_SETTID 0x00100000ull
#define G_CLONE_CHILD_CLEARTID 0x00200000ull
#define G_CLONE_DETACHED 0x00400000ull
#define G_CLONE_CHILD_SETTID 0x01000000ull
#define G_CLONE_IO 0x80000000ull
#define G_THREAD_FLAGS                                                         \
    (G_CLONE_VM | G_CLONE_FS | G_CLONE_FILES | G_CLONE_SIGHAND |               \
     G_CLONE_THREAD | G_CLONE_SYSVSEM | G_CLONE_SETTLS |                       \
     G_CLONE_PARENT_SETTID | G_CLONE_CHILD_CLEARTID | G_CLONE_DETACHED |       \
     G_CLONE_CHILD_SETTID | G_CLONE_IO)

/* Futex word bits (uapi linux/futex.h). */
#define G_FUTEX_WAITERS 0x80000000u
#define G_FUTEX_OWNER_DIED 0x40000000u
#define G_FUTEX_TID_MASK 0x3fffffffu
/* The kernel's bound on a robust list walk (ROBUST_LIST_LIMIT). */
#define ROBUST_LIST_LIMIT 2048

/* Host stack of an emulator thread: the translator and helpers run on
 * it, the guest has its own. */
#define THREAD_HOST_STACK (8u << 20)

static SyscallThreadRunner runner;

/* Live guest threads and the leader's exit status, for the process's
 * end. */
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static int live_threads = 1;
static int leader_status;

/* Per-thread records. */
static __thread uint64_t clear_child_tid;
static __thread uint64_t robust_list_head;
static __thread bool not_leader;
static __thread sigjmp_buf *exit_jmp;

void syscall_set_thread_runner(SyscallThreadRunner run)
{
    runner = run;
}

void sys_thread_set_clear_tid(uint64_t addr)
{
    clear_child_tid = addr;
}

void sys_thread_fork_child(void)
{
    /* The forking thread is the new process's only thread and its
     * leader, whichever thread it was in the parent. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    threads_lock = fresh;
    live_threads = 1;
    leader_status = 0;
    not_leader = false;
    robust_list_head = 0;
}

int64_t sys_set_tid_address(SyscallCtx *c, const uint64_t *a)
{
    clear_child_tid = a[0];
    return gettid();
}

int64_t sys_set_robust_list(SyscallCtx *c, const uint64_t *a)
{
    if (a[1] != TARGET_ROBUST_LIST_HEAD_SIZE) {
        return -EINVAL;
    }
    robust_list_head = a[0];
    return 0;
}

int64_t sys_get_robust_list(SyscallCtx *c, const uint64_t *a)
{
    pid_t pid = (pid_t)a[0];
    if (pid < 0) {
        return -ESRCH;
    }
    if (pid != 0 && pid != gettid()) {
        /* Another thread's records live in its thread-local storage. */
        return kill(pid, 0) == 0 || errno == EPERM ? -EPERM : -ESRCH;
    }
    uint64_t head = robust_list_head;
    uint64_t len = TARGET_ROBUST_LIST_HEAD_SIZE;
    if (guest_copy_to(a[1], &head, sizeof(head)) != 0 ||
        guest_copy_to(a[2], &len, sizeof(len)) != 0) {
        return -EFAULT;
    }
    return 0;
}

static void futex_wake_one(uint64_t addr)
{
    /* Not FUTEX_PRIVATE: the kernel wakes shared and private waiters. */
    syscall(SYS_futex, g2h(addr), FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* handle_futex_death: mark the futex at addr owner-died if tid owns it. */
static void futex_death(uint64_t addr, uint32_t tid, bool pi, bool pending)
{
    if ((addr & 3) || !guest_range_ok(addr, 4, PAGE_READ | PAGE_WRITE)) {
        return;
    }
    uint32_t *p = g2h(addr);
    uint32_t uval = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    for (;;) {
        if (pending && !pi && uval == 0) {
            /* Died between taking the lock and setting the owner: a
             * waiter may be sleeping on a free futex. */
            futex_wake_one(addr);
            return;
        }
        if ((uval & G_FUTEX_TID_MASK) != tid) {
            return;
        }
        uint32_t mval = (uval & G_FUTEX_WAITERS) | G_FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(p, &uval, mval, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
            break;
        }
    }
    /* PI waiters are the host kernel's business (its pi_state). */
    if (!pi && (uval & G_FUTEX_WAITERS)) {
        futex_wake_one(addr);
    }
}

static void robust_list_walk(uint64_t head_addr, uint32_t tid)
{
    target_robust_list_head head;
    if (!head_addr || guest_copy_from(&head, head_addr, sizeof(head)) != 0) {
        return;
    }
    uint64_t pending = head.list_op_pending;
    uint64_t entry = head.list;
    /* Entries carry the PI flag in bit 0; the list ends at the head. */
    for (int n = 0; n < ROBUST_LIST_LIMIT && (entry & ~1ull) != head_addr;
         n++) {
        uint64_t e = entry & ~1ull;
        uint64_t next;
        if (guest_copy_from(&next, e, sizeof(next)) != 0) {
            return;
        }
        if (e != (pending & ~1ull)) {
            futex_death(e + (uint64_t)head.futex_offset, tid, entry & 1, false);
        }
        entry = next;
    }
    if (pending & ~1ull) {
        futex_death((pending & ~1ull) + (uint64_t)head.futex_offset, tid,
                    pending & 1, true);
    }
}

/* What the kernel does for a thread that ends (mm_release and
 * exit_robust_list). */
static void thread_records_release(void)
{
    robust_list_walk(robust_list_head, (uint32_t)gettid());
    robust_list_head = 0;
    if (clear_child_tid) {
        uint32_t zero = 0;
        if (guest_copy_to(clear_child_tid, &zero, sizeof(zero)) == 0) {
            futex_wake_one(clear_child_tid);
        }
        clear_child_tid = 0;
    }
}

static _Noreturn void process_exit(int status, bool others_running)
{
    tb_cache_save();
    if (others_running) {
        /* Other threads may still run guest code: no exit handlers under
         * their feet, only our buffered output. */
        fflush(NULL);
        _exit(status & 0xff);
    }
    exit(status & 0xff);
}

_Noreturn void sys_thread_exit(CPUState *cpu, int status, bool group)
{
    if (group) {
        pthread_mutex_lock(&threads_lock);
        bool others = live_threads > 1;
        pthread_mutex_unlock(&threads_lock);
        process_exit(status, others);
    }
    thread_records_release();
    pthread_mutex_lock(&threads_lock);
    bool last = --live_threads == 0;
    if (!not_leader) {
        leader_status = status;
    }
    int code = leader_status;
    pthread_mutex_unlock(&threads_lock);
    if (last) {
        process_exit(code, false);
    }
    if (!not_leader) {
        /* The leader's host thread is vemu's main thread: ending it would
         * end the process. It stays, as a zombie leader does. */
        for (;;) {
            pause();
        }
    }
    siglongjmp(*exit_jmp, 1);
}

/* What the new thread needs from its parent, and what it reports back. */
typedef struct ThreadStart {
    CPUState *cpu;
    uint64_t flags;
    uint64_t ptid;
    uint64_t ctid;
    uint64_t sigmask;
    sem_t ready;
    pid_t tid;
    int64_t err;
} ThreadStart;

/*
 * The new thread's start-up, all of it: the kernel's order is to set up
 * the task completely (ids, tid words, signal mask) before either side
 * runs guest code again, so the parent waits on ready.
 */
static void *thread_main(void *arg)
{
    ThreadStart *st = arg;
    CPUState *cpu = st->cpu;
    uint64_t flags = st->flags;
    pid_t tid = gettid();

    /* A thread without CLONE_FILES/CLONE_FS gets its own copies, which a
     * host thread can do for itself. */
    int unshare_flags = (flags & G_CLONE_FILES ? 0 : CLONE_FILES) |
                        (flags & G_CLONE_FS ? 0 : CLONE_FS);
    if (unshare_flags && unshare(unshare_flags) != 0) {
        st->err = sys_errno();
        sem_post(&st->ready);
        free(cpu);
        return NULL;
    }

    /*
     * Signals: the new thread starts with its parent's guest signal mask
     * (no pending signals, no alternate stack: the thread-local defaults
     * of syscall/signal.c), and takes host signals from here on
     * (signal_thread_start unblocks them and binds the queue to cpu).
     */
    signal_thread_start(cpu, st->sigmask);

    not_leader = true;
    robust_list_head = 0;
    clear_child_tid = flags & G_CLONE_CHILD_CLEARTID ? st->ctid : 0;
    int32_t t = (int32_t)tid;
    if (flags & G_CLONE_CHILD_SETTID) {
        guest_copy_to(st->ctid, &t, sizeof(t));
    }
    if (flags & G_CLONE_PARENT_SETTID) {
        guest_copy_to(st->ptid, &t, sizeof(t));
    }
    st->tid = tid;
    st->err = 0;
    sem_post(&st->ready); /* st belongs to the parent from here on */

    sigjmp_buf env;
    if (sigsetjmp(env, 0) == 0) {
        exit_jmp = &env;
        runner(cpu);
        /* The runner returns only if its CPU loop does: end the thread. */
        sys_thread_exit(cpu, 0, false);
    }
    /* Back from sys_thread_exit: the records are released, the CPU is
     * out of cpu_exec and no longer referenced by the runtime. */
    free(cpu);
    tcg_exec_thread_exit();
    return NULL;
}

int64_t sys_clone_thread(SyscallCtx *c, uint64_t flags, uint64_t newsp,
                         uint64_t ptid, uint64_t tls, uint64_t ctid)
{
    if (!(flags & G_CLONE_THREAD)) {
        return -ENOSYS; /* shared memory without a thread group */
    }
    if ((flags & ~G_THREAD_FLAGS & ~G_CSIGNAL) || !(flags & G_CLONE_SIGHAND) ||
        (flags & G_CLONE_VFORK)) {
        return -EINVAL;
    }
    if (!runner || !c->arch->cpu_clone) {
        return -ENOSYS;
    }
    ThreadStart st = {
        .flags = flags,
        .ptid = ptid,
        .ctid = ctid,
        .sigmask = signal_get_mask(),
        .err = -EAGAIN,
    };
    st.cpu = c->arch->cpu_clone(c->cpu);
    if (!st.cpu) {
        return -ENOMEM;
    }
    if (c->arch->clone_child) {
        c->arch->clone_child(st.cpu, newsp, flags & G_CLONE_SETTLS, tls);
    }
    sem_init(&st.ready, 0, 0);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_HOST_STACK);
    pthread_mutex_lock(&threads_lock);
    live_threads++;
    pthread_mutex_unlock(&threads_lock);
    pthread_t th;
    int r = pthread_create(&th, &attr, thread_main, &st);
    pthread_attr_destroy(&attr);
    if (r == 0) {
        while (sem_wait(&st.ready) != 0) {
            /* EINTR: keep waiting, the child always posts. */
        }
    }
    sem_destroy(&st.ready);
    if (r != 0 || st.err != 0) {
        pthread_mutex_lock(&threads_lock);
        live_threads--;
        pthread_mutex_unlock(&threads_lock);
        if (r != 0) {
            free(st.cpu);
            return -EAGAIN;
        }
        return st.err; /* the child freed its CPU */
    }
    return st.tid;
}

int64_t sys_clone3(SyscallCtx *c, const uint64_t *a)
{
    uint64_t size = a[1];
    target_clone_args ca;
    memset(&ca, 0, sizeof(ca));
    if (size < TARGET_CLONE_ARGS_SIZE_VER0) {
        return -EINVAL;
    }
    if (size > 4096) {
        return -E2BIG;
    }
    size_t take = size < sizeof(ca) ? (size_t)size : sizeof(ca);
    if (guest_copy_from(&ca, a[0], take) != 0) {
        return -EFAULT;
    }
    /* A larger struct from a newer libc: its extra fields must be 0. */
    for (uint64_t off = sizeof(ca); off < size; off++) {
        uint8_t b;
        if (guest_copy_from(&b, a[0] + off, 1) != 0) {
            return -EFAULT;
        }
        if (b) {
            return -E2BIG;
        }
    }
    /* clone3 takes the exit signal apart and drops CLONE_DETACHED. */
    if ((ca.exit_signal & ~G_CSIGNAL) ||
        (ca.flags & (G_CSIGNAL | G_CLONE_DETACHED)) ||
        (!ca.stack && ca.stack_size) || (ca.stack && !ca.stack_size)) {
        return -EINVAL;
    }
    /* Only threads here; anything else falls back to clone in glibc. */
    if (!(ca.flags & G_CLONE_VM) || !(ca.flags & G_CLONE_THREAD) ||
        (ca.flags & ~G_THREAD_FLAGS) || ca.set_tid_size || ca.cgroup) {
        return -ENOSYS;
    }
    if (ca.exit_signal) {
        return -EINVAL; /* CLONE_THREAD with an exit signal */
    }
    /* clone3 gives the stack's lowest address; the sp starts at its top. */
    uint64_t sp = ca.stack ? ca.stack + ca.stack_size : 0;
    return sys_clone_thread(c, ca.flags, sp, ca.parent_tid, ca.tls,
                            ca.child_tid);
}

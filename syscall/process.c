/*
 * Process system calls: exit, identity (pids, uids, groups), rseq,
 * resource limits, uname, prctl, sysinfo, affinity, getrandom, fork-style
 * clone and wait4 (threads: syscall/thread.c).
 *
 * A guest thread is a host thread, so ids and most calls pass through.
 * Exceptions, and why:
 * - exit/exit_group end the thread or the process in syscall/thread.c
 *   (or the CPU loop's hook, syscall_set_exit_hook, if one is set).
 * - rseq fails with ENOSYS: the kernel would register a host-layout area
 *   and write the host CPU number into guest memory behind our back;
 *   glibc falls back without it.
 * - RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK of this process are kept here
 *   and not applied to the host: they would limit vemu itself (its code
 *   buffer and the reserved guest space), not the guest.
 * - uname reports the guest's machine.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall/exec.h"
#include "syscall/internal.h"

static SyscallExitHook exit_hook;

void syscall_set_exit_hook(SyscallExitHook hook)
{
    exit_hook = hook;
}

void sys_do_exit(CPUState *cpu, int status, bool group)
{
    exec_vfork_child_exit(); /* a vfork parent sees what the child wrote */
    if (exit_hook) {
        exit_hook(cpu, status, group);
        return;
    }
    sys_thread_exit(cpu, status, group);
}

int64_t sys_exit(SyscallCtx *c, const uint64_t *a)
{
    sys_do_exit(c->cpu, (int)a[0], false);
    return 0;
}

int64_t sys_exit_group(SyscallCtx *c, const uint64_t *a)
{
    sys_do_exit(c->cpu, (int)a[0], true);
    return 0;
}

int64_t sys_getpid(SyscallCtx *c, const uint64_t *a)
{
    return getpid();
}

int64_t sys_getppid(SyscallCtx *c, const uint64_t *a)
{
    return getppid();
}

int64_t sys_gettid(SyscallCtx *c, const uint64_t *a)
{
    return gettid();
}

int64_t sys_getuid(SyscallCtx *c, const uint64_t *a)
{
    return getuid();
}

int64_t sys_geteuid(SyscallCtx *c, const uint64_t *a)
{
    return geteuid();
}

int64_t sys_getgid(SyscallCtx *c, const uint64_t *a)
{
    return getgid();
}

int64_t sys_getegid(SyscallCtx *c, const uint64_t *a)
{
    return getegid();
}

static int64_t put_ids(const uint64_t *a, uint32_t r, uint32_t e, uint32_t s)
{
    if (guest_copy_to(a[0], &r, 4) || guest_copy_to(a[1], &e, 4) ||
        guest_copy_to(a[2], &s, 4)) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_getresuid(SyscallCtx *c, const uint64_t *a)
{
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) != 0) {
        return sys_errno();
    }
    return put_ids(a, r, e, s);
}

int64_t sys_getresgid(SyscallCtx *c, const uint64_t *a)
{
    gid_t r, e, s;
    if (getresgid(&r, &e, &s) != 0) {
        return sys_errno();
    }
    return put_ids(a, r, e, s);
}

int64_t sys_getgroups(SyscallCtx *c, const uint64_t *a)
{
    int size = (int)a[0];
    if (size < 0) {
        return -EINVAL;
    }
    if (size == 0) {
        return sys_ret(getgroups(0, NULL));
    }
    gid_t *h = calloc((size_t)size, sizeof(*h));
    uint32_t *t = calloc((size_t)size, sizeof(*t));
    int64_t r = -ENOMEM;
    if (h && t) {
        int n = getgroups(size, h);
        if (n < 0) {
            r = sys_errno();
        } else {
            for (int i = 0; i < n; i++) {
                t[i] = h[i];
            }
            r = guest_copy_to(a[1], t, sizeof(*t) * (size_t)n) ? -EFAULT : n;
        }
    }
    free(h);
    free(t);
    return r;
}

int64_t sys_getpgid(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(getpgid((pid_t)a[0]));
}

int64_t sys_setpgid(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
}

int64_t sys_getsid(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(getsid((pid_t)a[0]));
}

int64_t sys_setsid(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(setsid());
}

int64_t sys_rseq(SyscallCtx *c, const uint64_t *a)
{
    return -ENOSYS;
}

/* Resource limits. RLIMIT_* numbers: asm-generic, shared by x86-64. */
_Static_assert(RLIMIT_STACK == 3 && RLIMIT_NOFILE == 7 && RLIMIT_AS == 9 &&
                   RLIMIT_RTTIME == 15 && RLIM_NLIMITS == 16,
               "host RLIMIT_* numbering is not asm-generic");

/* The limits kept for the guest (see the file comment). */
static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static bool limits_ready;
static struct rlimit guest_limits[RLIM_NLIMITS];

static bool is_emulated_limit(int res)
{
    return res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK;
}

static uint64_t rlim_to_target(rlim_t v)
{
    return v == RLIM_INFINITY ? TARGET_RLIM_INFINITY : (uint64_t)v;
}

static rlim_t rlim_to_host(uint64_t v)
{
    return v == TARGET_RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)v;
}

static int64_t do_prlimit(pid_t pid, int res, uint64_t new_addr,
                          uint64_t old_addr)
{
    if (res < 0 || res >= RLIM_NLIMITS) {
        return -EINVAL;
    }
    struct rlimit nl, ol;
    if (new_addr) {
        target_rlimit t;
        if (guest_copy_from(&t, new_addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        nl.rlim_cur = rlim_to_host(t.rlim_cur);
        nl.rlim_max = rlim_to_host(t.rlim_max);
        if (nl.rlim_cur > nl.rlim_max) {
            return -EINVAL;
        }
    }
    if ((pid == 0 || pid == getpid()) && is_emulated_limit(res)) {
        pthread_mutex_lock(&limits_lock);
        if (!limits_ready) {
            for (int i = 0; i < RLIM_NLIMITS; i++) {
                getrlimit(i, &guest_limits[i]);
            }
            limits_ready = true;
        }
        ol = guest_limits[res];
        if (new_addr) {
            guest_limits[res] = nl;
        }
        pthread_mutex_unlock(&limits_lock);
    } else if (prlimit(pid, res, new_addr ? &nl : NULL, &ol) != 0) {
        return sys_errno();
    }
    if (old_addr) {
        target_rlimit t = {.rlim_cur = rlim_to_target(ol.rlim_cur),
                           .rlim_max = rlim_to_target(ol.rlim_max)};
        if (guest_copy_to(old_addr, &t, sizeof(t)) != 0) {
            return -EFAULT;
        }
    }
    return 0;
}

int64_t sys_prlimit64(SyscallCtx *c, const uint64_t *a)
{
    return do_prlimit((pid_t)a[0], (int)a[1], a[2], a[3]);
}

int64_t sys_getrlimit(SyscallCtx *c, const uint64_t *a)
{
    return do_prlimit(0, (int)a[0], 0, a[1]);
}

int64_t sys_setrlimit(SyscallCtx *c, const uint64_t *a)
{
    if (!a[1]) {
        return -EFAULT;
    }
    return do_prlimit(0, (int)a[0], a[1], 0);
}

static void copy_field(char *dst, const char *src)
{
    /* Always NUL-terminated, rest zeroed: no host bytes leak. */
    memset(dst, 0, TARGET_UTS_LEN);
    memcpy(dst, src, strnlen(src, TARGET_UTS_LEN - 1));
}

int64_t sys_uname(SyscallCtx *c, const uint64_t *a)
{
    struct utsname h;
    if (uname(&h) != 0) {
        return sys_errno();
    }
    target_utsname t;
    copy_field(t.sysname, h.sysname);
    copy_field(t.nodename, h.nodename);
    copy_field(t.release, h.release);
    copy_field(t.version, h.version);
    copy_field(t.machine, c->arch->machine);
    copy_field(t.domainname, h.domainname);
    return guest_copy_to(a[0], &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_sysinfo(SyscallCtx *c, const uint64_t *a)
{
    struct sysinfo h;
    if (sysinfo(&h) != 0) {
        return sys_errno();
    }
    target_sysinfo t;
    memset(&t, 0, sizeof(t));
    t.uptime = h.uptime;
    for (int i = 0; i < 3; i++) {
        t.loads[i] = h.loads[i];
    }
    t.totalram = h.totalram;
    t.freeram = h.freeram;
    t.sharedram = h.sharedram;
    t.bufferram = h.bufferram;
    t.totalswap = h.totalswap;
    t.freeswap = h.freeswap;
    t.procs = h.procs;
    t.totalhigh = h.totalhigh;
    t.freehigh = h.freehigh;
    t.mem_unit = h.mem_unit;
    return guest_copy_to(a[0], &t, sizeof(t)) ? -EFAULT : 0;
}

int64_t sys_prctl(SyscallCtx *c, const uint64_t *a)
{
    switch ((int)a[0]) {
    case TARGET_PR_SET_NAME: {
        /* Linux takes at most 15 bytes and ignores the rest, so read
         * byte by byte: the name may end right before an unmapped page. */
        char name[TARGET_PR_TASK_NAME_LEN] = {0};
        for (int i = 0; i < TARGET_PR_TASK_NAME_LEN - 1; i++) {
            if (guest_copy_from(&name[i], a[1] + (uint64_t)i, 1) != 0) {
                return -EFAULT;
            }
            if (!name[i]) {
                break;
            }
        }
        return sys_ret(prctl(PR_SET_NAME, name));
    }
    case TARGET_PR_GET_NAME: {
        char name[TARGET_PR_TASK_NAME_LEN] = {0};
        if (prctl(PR_GET_NAME, name) != 0) {
            return sys_errno();
        }
        return guest_copy_to(a[1], name, sizeof(name)) ? -EFAULT : 0;
    }
    case TARGET_PR_SET_PDEATHSIG:
        /* Signal numbers are the asm-generic ones on both sides. */
        return sys_ret(prctl(PR_SET_PDEATHSIG, (unsigned long)(int)a[1]));
    case TARGET_PR_GET_PDEATHSIG: {
        int sig;
        if (prctl(PR_GET_PDEATHSIG, &sig) != 0) {
            return sys_errno();
        }
        int32_t t = sig;
        return guest_copy_to(a[1], &t, sizeof(t)) ? -EFAULT : 0;
    }
    case TARGET_PR_GET_DUMPABLE:
        return sys_ret(prctl(PR_GET_DUMPABLE));
    case TARGET_PR_SET_DUMPABLE:
        return sys_ret(prctl(PR_SET_DUMPABLE, (unsigned long)a[1]));
    default:
        /* More options (task.c), -EINVAL for unknown ones. */
        return sys_prctl_more(c, a);
    }
}

int64_t sys_sched_getaffinity(SyscallCtx *c, const uint64_t *a)
{
    /* A CPU mask is an array of 64-bit little-endian words on the guest
     * and on the host: the same bytes. */
    void *p = sys_lock(a[2], a[1], true);
    if (!p) {
        return -EFAULT;
    }
    return sys_ret(
        syscall(SYS_sched_getaffinity, (pid_t)a[0], (size_t)a[1], p));
}

int64_t sys_sched_yield(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(sched_yield());
}

int64_t sys_getrandom(SyscallCtx *c, const uint64_t *a)
{
    void *p = sys_lock(a[0], a[1], true);
    if (!p) {
        return -EFAULT;
    }
    /* GRND_* flags are the same on every Linux; the host checks them. */
    return sys_ret(getrandom(p, a[1], (unsigned)a[2]));
}

/*
 * clone, the fork-style half: a new process, never shared memory. With
 * CLONE_VM|CLONE_VFORK (posix_spawn, vfork) the child is a host fork too,
 * but the parent waits until it has exec'd or ended and then gets its
 * writes to guest memory (syscall/exec.c explains how). Threads (CLONE_VM
 * without CLONE_VFORK) are syscall/thread.c's.
 */
#define G_CSIGNAL 0x000000ffull
#define G_CLONE_VM 0x00000100ull
#define G_CLONE_VFORK 0x00004000ull
#define G_CLONE_SETTLS 0x00080000ull
#define G_CLONE_PARENT_SETTID 0x00100000ull
#define G_CLONE_CHILD_CLEARTID 0x00200000ull
#define G_CLONE_CHILD_SETTID 0x01000000ull
#define G_CLONE_FORK_FLAGS                                                     \
    (G_CSIGNAL | G_CLONE_VM | G_CLONE_VFORK | G_CLONE_SETTLS |                 \
     G_CLONE_PARENT_SETTID | G_CLONE_CHILD_CLEARTID | G_CLONE_CHILD_SETTID)

int64_t sys_clone(SyscallCtx *c, const uint64_t *a)
{
    uint64_t flags = a[0];
    if ((flags & G_CLONE_VM) && !(flags & G_CLONE_VFORK)) {
        return sys_clone_thread(c, flags, a[1], a[2], a[3], a[4]);
    }
    if (flags & ~G_CLONE_FORK_FLAGS) {
        return -EINVAL;
    }
    int exit_signal = (int)(flags & G_CSIGNAL);
    VforkShared *vf = (flags & G_CLONE_VFORK) ? exec_vfork_prepare() : NULL;
    fflush(NULL); /* -strace output must not be written twice */
    unsigned long host_exit_signal =
        (unsigned long)signal_guest_to_host(exit_signal);
    pid_t pid = exit_signal == SIGCHLD
                    ? fork()
                    : (pid_t)syscall(SYS_clone, host_exit_signal, NULL, NULL,
                                     NULL, NULL);
    if (pid < 0) {
        int64_t err = sys_errno();
        exec_vfork_wait(vf, pid); /* only frees it: there is no child */
        return err;
    }
    if (pid == 0) {
        tcg_exec_fork_child();
        sys_thread_fork_child();
        signal_fork_child();
        exec_vfork_child(vf);
        int32_t tid = (int32_t)gettid();
        if (flags & G_CLONE_CHILD_SETTID) {
            guest_copy_to(a[4], &tid, sizeof(tid));
        }
        if (flags & G_CLONE_PARENT_SETTID) {
            guest_copy_to(a[2], &tid, sizeof(tid));
        }
        if (flags & G_CLONE_CHILD_CLEARTID) {
            sys_thread_set_clear_tid(a[4]);
        }
        if (c->arch->clone_child) {
            c->arch->clone_child(c->cpu, a[1], flags & G_CLONE_SETTLS, a[3]);
        }
        return 0;
    }
    /* Before PARENT_SETTID: the child's copy of that word is older. */
    exec_vfork_wait(vf, pid);
    if (flags & G_CLONE_PARENT_SETTID) {
        int32_t t = (int32_t)pid;
        guest_copy_to(a[2], &t, sizeof(t));
    }
    return pid;
}

/* wait4: status words and options are the same numbers for every guest;
 * struct rusage is converted field by field. */
int64_t sys_wait4(SyscallCtx *c, const uint64_t *a)
{
    int status = 0;
    struct rusage ru;
    if (a[1] && !guest_range_ok(a[1], 4, PAGE_WRITE)) {
        return -EFAULT;
    }
    if (a[3] && !guest_range_ok(a[3], sizeof(target_rusage), PAGE_WRITE)) {
        return -EFAULT;
    }
    pid_t r = wait4((pid_t)a[0], &status, (int)a[2], a[3] ? &ru : NULL);
    if (r < 0) {
        return sys_errno();
    }
    if (r > 0 && a[1]) {
        /* Guest numbers of the signal that ended or stopped the child
         * (real-time signals differ, signal-host.c). */
        if (WIFSIGNALED(status)) {
            status = (status & ~0x7f) | signal_host_to_guest(WTERMSIG(status));
        } else if (WIFSTOPPED(status)) {
            status = (status & ~0xff00) |
                     signal_host_to_guest(WSTOPSIG(status)) << 8;
        }
        int32_t s = status;
        guest_copy_to(a[1], &s, sizeof(s));
    }
    if (a[3]) {
        target_rusage t = {
            .ru_utime = {ru.ru_utime.tv_sec, ru.ru_utime.tv_usec},
            .ru_stime = {ru.ru_stime.tv_sec, ru.ru_stime.tv_usec},
            .ru_maxrss = ru.ru_maxrss,
            .ru_ixrss = ru.ru_ixrss,
            .ru_idrss = ru.ru_idrss,
            .ru_isrss = ru.ru_isrss,
            .ru_minflt = ru.ru_minflt,
            .ru_majflt = ru.ru_majflt,
            .ru_nswap = ru.ru_nswap,
            .ru_inblock = ru.ru_inblock,
            .ru_oublock = ru.ru_oublock,
            .ru_msgsnd = ru.ru_msgsnd,
            .ru_msgrcv = ru.ru_msgrcv,
            .ru_nsignals = ru.ru_nsignals,
            .ru_nvcsw = ru.ru_nvcsw,
            .ru_nivcsw = ru.ru_nivcsw,
        };
        guest_copy_to(a[3], &t, sizeof(t));
    }
    return r;
}

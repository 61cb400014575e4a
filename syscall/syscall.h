/*
 * The system call layer as linux-user sees it: one entry point,
 * vemu_syscall, that runs a guest system call given its number and six
 * argument registers and returns what the guest's return register gets
 * (a value, or -errno in the guest's numbering).
 *
 * What a guest architecture supplies is a SyscallArch: its uname machine
 * string, the names of its syscall numbers (the X-macro list in
 * linux-user/generic/syscall-nr.h for asm-generic guests), and the few
 * ABI details that differ between the asm-generic guests. Implementations
 * are found by name in syscall/table.def, so one table serves every guest.
 *
 * Guest memory is reached only through linux-user/guest-mem.h; guest paths
 * go through linux-user/sysroot.h (-L). Host fds are guest fds.
 */
#ifndef VEMU_SYSCALL_SYSCALL_H
#define VEMU_SYSCALL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/exec.h"

/* One named bit (or multi-bit field value) of a flags argument: drives
 * both the guest-to-host translation and the -strace decoding. Arrays end
 * with an entry whose name is NULL. */
typedef struct SyscallFlag {
    uint64_t target; /* guest value */
    uint64_t host;   /* host value (0: accepted, dropped on the host) */
    const char *name;
} SyscallFlag;

typedef struct SyscallArch {
    const char *machine;      /* uname -m: "riscv64", "aarch64" */
    const char *const *names; /* guest syscall number -> name, or NULL */
    unsigned nr_count;        /* entries in names[] */
    /* Open flags other than the access mode (O_ACCMODE, the same for all),
     * NULL for the asm-generic table (syscall_generic_open_flags). */
    const SyscallFlag *open_flags;
    /* mmap/mprotect PROT_ bits and mmap MAP_ bits (beyond the MAP_TYPE
     * field), NULL for asm-generic. Unknown guest bits are dropped. */
    const SyscallFlag *prot_flags;
    const SyscallFlag *map_flags;
    bool sa_restorer;     /* struct sigaction has sa_restorer (aarch64) */
    uint32_t minsigstksz; /* MINSIGSTKSZ; 0 means 2048 (asm-generic) */
    /* Optional: the text of /proc/cpuinfo as the guest's kernel would
     * show it (syscall/proc.c); NULL leaves the host's file. */
    const char *(*cpuinfo)(void);

    /* Filled by syscall_arch_init: guest number -> table index + 1
     * (0: not implemented). */
    const uint16_t *impl_index;
    /* In the child of a fork-style clone: give it the new stack pointer
     * (0: keep) and, with CLONE_SETTLS, the thread pointer. */
    void (*clone_child)(CPUState *cpu, uint64_t newsp, bool settls,
                        uint64_t tls);
    /* The guest stack pointer (sigaltstack reports SS_ONSTACK from it). */
    uint64_t (*cpu_sp)(CPUState *cpu);
    /* For a new thread (clone with CLONE_THREAD, from inside the system
     * call): a new CPU with parent's registers, the system call's result
     * register 0, no LR/SC or exclusive reservation, and fresh runtime
     * state (cpu_init_common). clone_child then sets its stack and TLS.
     * NULL: threads are not supported. Freed with free(). */
    CPUState *(*cpu_clone)(CPUState *parent);
} SyscallArch;

/* The asm-generic tables, for per-arch SyscallArch definitions. */
extern const char *const syscall_generic_names[];
extern const unsigned syscall_generic_nr_count;
extern const SyscallFlag syscall_generic_open_flags[];
extern const SyscallFlag syscall_generic_prot_flags[];
extern const SyscallFlag syscall_generic_map_flags[];

/* Connect the arch's syscall names to the table's implementations. Call
 * once at start-up, before vemu_syscall (not thread-safe); returns 0, or
 * -1 with one line on stderr if two numbers name the same implemented
 * call. Idempotent. */
int syscall_arch_init(SyscallArch *arch);

/* Run guest syscall nr with args[0..5]. Returns the guest's return value:
 * >= 0, or -errno (guest numbering). Unknown numbers give -ENOSYS. With
 * strace on, prints one line on stderr. */
int64_t vemu_syscall(CPUState *cpu, const SyscallArch *arch, int nr,
                     const uint64_t args[6]);

/* Name of guest syscall nr, or NULL. */
const char *syscall_name(const SyscallArch *arch, int nr);

/*
 * exit and exit_group call this hook (status is the guest's full int,
 * group is true for exit_group). The CPU loop supplies one that ends the
 * thread or the process; if it returns, vemu_syscall returns 0 and the
 * caller must stop running that CPU. Without a hook, both call exit(status)
 * (correct while guests have one thread).
 */
typedef void (*SyscallExitHook)(CPUState *cpu, int status, bool group);
void syscall_set_exit_hook(SyscallExitHook hook);

/*
 * Guest threads (syscall/thread.c): clone runs a new thread's CPU on a new
 * host thread by calling the runner, linux-user's CPU loop, which never
 * returns; exit (the thread's) leaves it from inside the loop's system
 * call. Without a runner, thread clones fail with ENOSYS.
 */
typedef void (*SyscallThreadRunner)(CPUState *cpu);
void syscall_set_thread_runner(SyscallThreadRunner run);

/*
 * -strace: one line per syscall on stderr, "PID name(args) = result",
 * with errors as "-1 errno=N (message)". Set by the -strace option or by
 * the environment variable VEMU_STRACE (any value but "" and "0"), read
 * by syscall_strace_from_env.
 */
extern bool syscall_strace;
void syscall_strace_from_env(void);

/* The guest program's path as the guest should see it through
 * /proc/self/exe (readlinkat) and the host file opened for it (openat).
 * NULL: /proc/self/exe is passed to the host as is. */
void syscall_set_exe_path(const char *guest_path, const char *host_path);

/* The guest's initial stack pointer, once its stack is built: /proc/self
 * (auxv, cmdline, stat, maps' [stack]) reads argv, envp and auxv there.
 * comm: the program's path, whose last component becomes the process
 * name (prctl PR_SET_NAME) as exec would make it. */
void syscall_set_initial_stack(uint64_t sp, const char *comm);
/* The program (its host path) and interpreter the loader copied into
 * guest memory, so /proc/self/maps names them as the kernel's file
 * mappings would be named. */
struct ImageInfo;
void syscall_note_images(const char *exe_host_path,
                         const struct ImageInfo *info);

/*
 * Signal state shared with linux-user/signal.c, which delivers signals:
 * the process's actions, the calling thread's mask and alternate stack.
 * Signal numbers are asm-generic (1..64); masks have bit sig-1.
 */
typedef struct SignalAction {
    uint64_t handler; /* 0 SIG_DFL, 1 SIG_IGN, else a guest address */
    uint64_t flags;   /* guest SA_* */
    uint64_t restorer;
    uint64_t mask;
} SignalAction;
void signal_get_action(int sig, SignalAction *out);
void signal_set_action(int sig, const SignalAction *in);
uint64_t signal_get_mask(void);
void signal_set_mask(uint64_t mask); /* SIGKILL/SIGSTOP stay unblocked */
void signal_get_altstack(uint64_t *sp, uint64_t *size, int *flags);

/* rt_sigreturn needs the guest's registers: linux-user installs the hook,
 * which restores the interrupted context from the signal frame and returns
 * SYSCALL_KEEP_REGS, telling the CPU loop not to store a result. */
#define SYSCALL_KEEP_REGS INT64_MIN
extern int64_t (*syscall_sigreturn_hook)(CPUState *cpu);

/*
 * Asynchronous signals (syscall/signal-host.c). Every catchable host
 * signal has a handler that queues it, as the guest's siginfo, on the
 * receiving thread (tkill/tgkill) or the process, and asks the thread's
 * CPU to leave generated code; linux-user delivers from the queues.
 *
 * Numbers: 1..31 are the same on host and guest. Guest real-time signals
 * 32..62 are host SIGRTMIN..SIGRTMAX (34..64: the host glibc keeps 32 and
 * 33 for itself); guest 63 and 64 have no host signal, so they can only
 * be sent within the process (signal_guest_to_host returns 0).
 */
struct target_siginfo;
int signal_guest_to_host(int sig);
int signal_host_to_guest(int sig);
/* Once, before the guest runs: the guest inherits the host mask and
 * ignored signals (exec keeps both), host handlers go in, and the host
 * mask is cleared (the guest's mask is applied by delivery instead). */
void signal_host_init(void);
/* In every thread that runs a guest CPU, before it runs: signals this
 * thread receives stop that CPU; mask is the guest mask it starts with
 * (a new thread inherits its creator's: pass signal_get_mask() read in
 * the creating thread). */
void signal_thread_start(CPUState *cpu, uint64_t mask);
/* Guest signals pending for this thread or the process (bit sig-1). */
uint64_t signal_pending(void);
/* Take the signal to deliver next among those not in blocked: the
 * thread's before the process's, SIGSEGV/SIGBUS/SIGILL/SIGTRAP/SIGFPE/
 * SIGSYS before the rest, then the lowest number; real-time signals in
 * the order queued. false when there is none. */
bool signal_dequeue(uint64_t blocked, struct target_siginfo *info);
/* Queue a signal as if received (for guest signals without a host
 * number, sent to the process itself). false if the queue is full. */
bool signal_enqueue(const struct target_siginfo *info, bool thread);
/* Where the default action of a guest signal leads. */
enum { SIGACT_TERM, SIGACT_CORE, SIGACT_IGN, SIGACT_STOP, SIGACT_CONT };
int signal_default_action(int sig);
/* Die of sig as the default action does: the same host signal, default
 * action restored, no core file; never returns. */
_Noreturn void signal_die(int sig);
/* Stop the process as SIGSTOP/SIGTSTP/... do, until SIGCONT. */
void signal_stop(int sig);

/* The mask to put back after the handler of a signal that interrupted
 * rt_sigsuspend or ppoll with a mask (saved in the frame by delivery). */
void signal_set_saved_mask(uint64_t mask);
bool signal_take_saved_mask(uint64_t *mask);
/* Replace the alternate stack (sigreturn's restore of uc_stack, and
 * SS_AUTODISARM's reset); silently refused while cur_sp is on it. */
void signal_set_altstack(uint64_t cur_sp, uint64_t sp, uint64_t size,
                         int flags);

/* The system call this thread ran last, if it failed with EINTR because
 * a host signal interrupted it: its first argument (restarting puts it
 * back) and whether Linux restarts it after a handler with SA_RESTART
 * (signal(7): not the sleeps, waits with timeouts, sigsuspend...). Each
 * call consumes the record. */
bool syscall_take_interrupted(uint64_t *arg0, bool *restartable);

#endif

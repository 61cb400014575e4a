/*
 * What the architecture-independent user-mode main program
 * (linux-user/main.c) needs from one guest architecture. Each
 * linux-user/<arch>/ directory defines one UserArch and a main() that
 * calls linux_user_main with it; nothing in main.c tests which guest it
 * runs.
 */
#ifndef VEMU_LINUX_USER_USER_ARCH_H
#define VEMU_LINUX_USER_USER_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/elf-load.h"
#include "loader/stack.h"
#include "syscall/syscall.h"
#include "tcg/exec.h"

typedef struct UserArch {
    const char *name; /* "riscv64": the binary is vemu-<name> */
    const ElfTarget *elf;
    SyscallArch *sys;

    /* Guest address space: [0, 2^addr_bits), the stack at its top. */
    unsigned addr_bits;
    uint64_t exec_base; /* ET_DYN programs (Linux's ELF_ET_DYN_BASE) */
    uint64_t stack_size;

    /* -cpu: the models this guest accepts (the first is the default),
     * and one line describing what they implement, for -cpu help. */
    const char *const *cpu_models;
    const char *cpu_description;
    /* Optional: one line per model instead (same order as cpu_models). */
    const char *const *cpu_descriptions;
    /* Optional: -cpu picked cpu_models[index] (called before cpu_new and
     * auxv; without a call the default, index 0, applies). */
    void (*set_cpu_model)(int index);

    /* A zeroed CPU ready to run (cpu_init_common done). */
    CPUState *(*cpu_new)(void);
    /* Set the first pc and the initial stack pointer. */
    void (*cpu_start)(CPUState *cpu, uint64_t pc, uint64_t sp);
    uint64_t (*cpu_pc)(CPUState *cpu);
    /* AT_HWCAP and friends (uid/gid are filled by main). */
    void (*auxv)(AuxvArch *a);
    /* Handle an exception of the target's own (below EXCP_RUNTIME_BASE):
     * system calls, breakpoints, illegal instructions. */
    void (*handle_exception)(CPUState *cpu, int excp);
    /* Install a hook so instruction fetch is refused from guest pages that
     * are not mapped executable. */
    void (*set_fetch_check)(bool (*ok)(uint64_t addr, size_t len));

    /* Signals (linux-user/signal.c decides what to deliver; these build
     * and read the architecture's rt_sigframe). */
    uint64_t (*cpu_sp)(CPUState *cpu);
    /* Map the sigreturn trampoline page; returns its guest address or 0. */
    uint64_t (*install_sigtramp)(void);
    /* Push a frame for sig below sp and point the CPU at the handler.
     * info is the guest siginfo (128 bytes). 0 or -EFAULT. */
    int (*setup_frame)(CPUState *cpu, int sig, const uint8_t *info,
                       const SignalAction *act, uint64_t old_mask, uint64_t sp,
                       uint64_t sigtramp);
    /* rt_sigreturn: reload the registers from the frame at the current sp
     * and return the saved mask. 0 or -EFAULT. */
    int (*restore_frame)(CPUState *cpu, uint64_t *mask);
    /* Offset of uc_stack in the frame at the handler's sp (rt_sigreturn
     * restores the alternate stack from it, for SS_AUTODISARM). */
    uint32_t frame_uc_stack;
    /* Restart the system call that just returned (its number and other
     * arguments are still in their registers): step the pc back to the
     * svc/ecall and put back the first argument the result overwrote. */
    void (*syscall_restart)(CPUState *cpu, uint64_t arg0);
} UserArch;

int linux_user_main(const UserArch *arch, int argc, char **argv);

/* A guest fault that the guest cannot handle yet (signal delivery is a
 * later issue): report it the way qemu-user does and die by the same
 * signal, without leaving a host core file. */
_Noreturn void user_fatal_signal(CPUState *cpu, int sig, uint64_t addr);

/* linux-user/signal.c: deliver a synchronous signal (a fault raised by the
 * guest's own instruction) to the guest's handler, or die by it when there
 * is none, it is ignored or blocked (as Linux forces such signals). */
void user_signal_init(const UserArch *arch);
void user_force_signal(CPUState *cpu, int sig, int code, uint64_t addr);
/* From the CPU loop after each exception or interrupt (and so after each
 * system call): deliver the pending signals the thread does not block,
 * restarting or failing with EINTR the system call they interrupted. */
void user_handle_signals(CPUState *cpu);

/* si_code values of the faults delivered (asm-generic). */
enum {
    TARGET_SEGV_MAPERR = 1,
    TARGET_SEGV_ACCERR = 2,
    TARGET_BUS_ADRALN = 1,
    TARGET_ILL_ILLOPC = 1,
    TARGET_TRAP_BRKPT = 1,
};

#endif

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
} UserArch;

int linux_user_main(const UserArch *arch, int argc, char **argv);

/* A guest fault that the guest cannot handle yet (signal delivery is a
 * later issue): report it the way qemu-user does and die by the same
 * signal, without leaving a host core file. */
_Noreturn void user_fatal_signal(CPUState *cpu, int sig, uint64_t addr);

#endif

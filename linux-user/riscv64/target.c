/*
 * vemu-riscv64: the riscv64 user-mode guest. Everything riscv-specific the
 * shared main program needs: the ELF identity, the address-space layout of
 * Linux on an Sv39 machine (user space below 2^38), the system-call
 * convention (number in a7, arguments in a0-a5, result in a0, the ecall
 * itself not repeated), AT_HWCAP, and the fatal signals for the
 * exceptions that are not system calls.
 */
#include <elf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "linux-user/riscv64/target-signal.h"
#include "linux-user/user-arch.h"
#include "target/riscv/cpu.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#define EF_RISCV_RVE 0x0008

static const char *riscv_check_flags(uint32_t e_flags)
{
    if (e_flags & EF_RISCV_RVE) {
        return "is an RV64E (embedded) binary, which vemu-riscv64 does not "
               "run";
    }
    return NULL;
}

static const ElfTarget riscv_elf = {
    .machine = EM_RISCV,
    .elf_class = ELFCLASS64,
    .data = ELFDATA2LSB,
    .arch_name = "riscv64",
    .check_flags = riscv_check_flags,
};

/* Child of a fork-style clone: sp is x2, the thread pointer x4. */
static void riscv_clone_child(CPUState *cs, uint64_t newsp, bool settls,
                              uint64_t tls)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    if (newsp) {
        cpu->gpr[2] = newsp;
    }
    if (settls) {
        cpu->gpr[4] = tls;
    }
}

static uint64_t riscv_cpu_sp(CPUState *cs);

/* A new thread's CPU: the parent's registers, a0 = 0 (clone's result in
 * the child), no LR reservation. */
static CPUState *riscv_cpu_clone(CPUState *parent)
{
    RISCVCPU *cpu = malloc(sizeof(*cpu));
    if (!cpu) {
        return NULL;
    }
    /* The guest registers only: the runtime part (jump cache included)
     * starts fresh, so copying it would be wasted. */
    memcpy((char *)cpu + sizeof(cpu->parent),
           (const char *)parent + sizeof(cpu->parent),
           sizeof(*cpu) - sizeof(cpu->parent));
    cpu_init_common(&cpu->parent, parent->ops);
    cpu->parent.singlestep = parent->singlestep;
    cpu->parent.max_insns = parent->max_insns;
    cpu->gpr[10] = 0;
    cpu->load_res = RISCV_NO_RESERVATION;
    return &cpu->parent;
}

static SyscallArch riscv_sys = {
    .machine = "riscv64",
    .clone_child = riscv_clone_child,
    .cpu_sp = riscv_cpu_sp,
    .cpu_clone = riscv_cpu_clone,
};

static CPUState *riscv_cpu_new(void)
{
    RISCVCPU *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) {
        abort();
    }
    riscv_cpu_init(cpu);
    return &cpu->parent;
}

static void riscv_cpu_start(CPUState *cs, uint64_t pc, uint64_t sp)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    cpu->pc = pc;
    cpu->gpr[2] = sp;
}

static uint64_t riscv_cpu_pc(CPUState *cs)
{
    return ((RISCVCPU *)cs)->pc;
}

/* One bit per single-letter extension, 'A' at bit 0: only what the
 * translator implements, so glibc never picks code it cannot run. */
#define HWCAP_EXT(c) (1ull << ((c) - 'A'))

static void riscv_auxv(AuxvArch *a)
{
    a->hwcap = HWCAP_EXT('I') | HWCAP_EXT('M') | HWCAP_EXT('A') |
               HWCAP_EXT('F') | HWCAP_EXT('D') | HWCAP_EXT('C');
    a->minsigstksz = 2048;
}

static void riscv_handle_exception(CPUState *cs, int excp)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    switch (excp) {
    case EXCP_RISCV_ECALL: {
        uint64_t args[6];
        for (int i = 0; i < 6; i++) {
            args[i] = cpu->gpr[10 + i];
        }
        /* Past the ecall before the call: exit and execve never return,
         * and a restarted call will step back explicitly. */
        cpu->pc += 4;
        int64_t ret = vemu_syscall(cs, &riscv_sys, (int)cpu->gpr[17], args);
        if (ret != SYSCALL_KEEP_REGS) { /* rt_sigreturn set them all */
            cpu->gpr[10] = (uint64_t)ret;
        }
        /* A context switch on hardware drops any LR reservation. */
        cpu->load_res = RISCV_NO_RESERVATION;
        break;
    }
    case EXCP_RISCV_BREAKPOINT:
        user_force_signal(cs, SIGTRAP, TARGET_TRAP_BRKPT, cpu->pc);
        break;
    case EXCP_RISCV_ILLEGAL:
        user_force_signal(cs, SIGILL, TARGET_ILL_ILLOPC, cpu->pc);
        break;
    default:
        fprintf(stderr, "vemu-riscv64: internal error: exception %d\n", excp);
        abort();
    }
}

static uint64_t riscv_cpu_sp(CPUState *cs)
{
    return ((RISCVCPU *)cs)->gpr[2];
}

/* ecall is always 4 bytes (there is no compressed form); a0 is both the
 * first argument and the result. */
static void riscv_syscall_restart(CPUState *cs, uint64_t arg0)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    cpu->pc -= 4;
    cpu->gpr[10] = arg0;
}

static void riscv_set_fetch_check(bool (*ok)(uint64_t addr, size_t len))
{
    riscv_fetch_ok = ok;
}

static const char *const riscv_cpu_models[] = {"rv64", "max", NULL};

static const UserArch riscv64_user = {
    .name = "riscv64",
    .elf = &riscv_elf,
    .sys = &riscv_sys,
    .addr_bits = 38,
    .exec_base = 0x2aaaaab000ull, /* 2/3 of the space, as Linux */
    .stack_size = 8ull << 20,
    .cpu_models = riscv_cpu_models,
    .cpu_description = "RV64IMAFDC with Zicsr, Zifencei, Zba, Zbb and Zbs",
    .cpu_new = riscv_cpu_new,
    .cpu_start = riscv_cpu_start,
    .cpu_pc = riscv_cpu_pc,
    .auxv = riscv_auxv,
    .handle_exception = riscv_handle_exception,
    .set_fetch_check = riscv_set_fetch_check,
    .cpu_sp = riscv_cpu_sp,
    .install_sigtramp = riscv_install_sigtramp,
    .setup_frame = riscv_setup_frame,
    .restore_frame = riscv_restore_frame,
    .frame_uc_stack = 128 + 16, /* after siginfo, uc_flags and uc_link */
    .syscall_restart = riscv_syscall_restart,
};

/* riscv64 uses the asm-generic numbers plus two of its own in the
 * architecture-private range. */
#define RISCV_NR_HWPROBE 258
#define RISCV_NR_FLUSH_ICACHE 259

int main(int argc, char **argv)
{
    static const char *names[1024];
    unsigned n = syscall_generic_nr_count;
    for (unsigned i = 0; i < n && i < 1024; i++) {
        names[i] = syscall_generic_names[i];
    }
    names[RISCV_NR_HWPROBE] = "riscv_hwprobe";
    names[RISCV_NR_FLUSH_ICACHE] = "riscv_flush_icache";
    riscv_sys.names = names;
    riscv_sys.nr_count =
        n > RISCV_NR_FLUSH_ICACHE + 1 ? n : RISCV_NR_FLUSH_ICACHE + 1;
    return linux_user_main(&riscv64_user, argc, argv);
}

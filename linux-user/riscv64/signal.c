/*
 * The riscv64 signal frame, as Linux builds it (offsets checked against
 * the kernel's uapi headers by tests/guest/riscv64): struct rt_sigframe
 * { siginfo_t info; struct ucontext uc; } of 1088 bytes, 16-byte aligned
 * below the interrupted sp. The handler gets a0 = signal, a1 = &info,
 * a2 = &uc, and ra = the sigreturn trampoline, since Linux's own (in the
 * vDSO) does not exist under vemu: a page holding `li a7, 139; ecall`.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "linux-user/guest-mem.h"
#include "linux-user/riscv64/target-signal.h"
#include "target/riscv/cpu.h"

enum {
    FRAME_INFO = 0,
    FRAME_UC = 128,
    UC_FLAGS = FRAME_UC + 0,
    UC_LINK = FRAME_UC + 8,
    UC_STACK = FRAME_UC + 16, /* ss_sp, ss_flags (+pad), ss_size */
    UC_SIGMASK = FRAME_UC + 40,
    UC_MCONTEXT = FRAME_UC + 176,  /* 16-byte aligned after __unused */
    SC_REGS = UC_MCONTEXT,         /* pc, then x1..x31 */
    /* Linux saves the D-extension layout of the FP union: f[32], then
     * fcsr (not the Q layout's f[64]). */
    SC_FPREGS = UC_MCONTEXT + 256,
    SC_FCSR = SC_FPREGS + 256,
    FRAME_SIZE = 1088,
};

#define RV_NR_RT_SIGRETURN 139

uint64_t riscv_install_sigtramp(void)
{
    int64_t page = guest_mmap(0, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page < 0) {
        return 0;
    }
    const uint32_t code[2] = {
        0x00000893u | (RV_NR_RT_SIGRETURN << 20), /* addi a7, x0, 139 */
        0x00000073u,                              /* ecall */
    };
    if (guest_copy_to((uint64_t)page, code, sizeof(code)) != 0 ||
        guest_mprotect((uint64_t)page, GUEST_PAGE_SIZE,
                       PROT_READ | PROT_EXEC) != 0) {
        return 0;
    }
    return (uint64_t)page;
}

int riscv_setup_frame(CPUState *cs, int sig, const uint8_t *info,
                      const SignalAction *act, uint64_t old_mask, uint64_t sp,
                      uint64_t sigtramp)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    uint64_t frame = (sp - FRAME_SIZE) & ~15ull;
    uint8_t f[FRAME_SIZE] = {0};

    memcpy(f + FRAME_INFO, info, 128);
    uint64_t ss_sp, ss_size;
    int ss_flags;
    signal_get_altstack(&ss_sp, &ss_size, &ss_flags);
    memcpy(f + UC_STACK, &ss_sp, 8);
    memcpy(f + UC_STACK + 8, &ss_flags, 4);
    memcpy(f + UC_STACK + 16, &ss_size, 8);
    memcpy(f + UC_SIGMASK, &old_mask, 8);
    memcpy(f + SC_REGS, &cpu->pc, 8);
    memcpy(f + SC_REGS + 8, &cpu->gpr[1], 31 * 8);
    memcpy(f + SC_FPREGS, cpu->fpr, 32 * 8);
    uint32_t fcsr = (cpu->frm << 5) | cpu->fflags;
    memcpy(f + SC_FCSR, &fcsr, 4);
    if (guest_copy_to(frame, f, sizeof(f)) != 0) {
        return -EFAULT;
    }

    cpu->gpr[10] = (uint64_t)sig;
    cpu->gpr[11] = frame + FRAME_INFO;
    cpu->gpr[12] = frame + FRAME_UC;
    cpu->gpr[2] = frame;
    cpu->gpr[1] = sigtramp;
    cpu->pc = act->handler;
    /* Entering a handler is a trap on hardware: no reservation survives. */
    cpu->load_res = RISCV_NO_RESERVATION;
    return 0;
}

int riscv_restore_frame(CPUState *cs, uint64_t *mask)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    uint64_t frame = cpu->gpr[2];
    uint8_t f[FRAME_SIZE];
    if (guest_copy_from(f, frame, sizeof(f)) != 0) {
        return -EFAULT;
    }
    memcpy(&cpu->pc, f + SC_REGS, 8);
    memcpy(&cpu->gpr[1], f + SC_REGS + 8, 31 * 8);
    memcpy(cpu->fpr, f + SC_FPREGS, 32 * 8);
    uint32_t fcsr;
    memcpy(&fcsr, f + SC_FCSR, 4);
    cpu->fflags = fcsr & 31;
    cpu->frm = (fcsr >> 5) & 7;
    memcpy(mask, f + UC_SIGMASK, 8);
    cpu->load_res = RISCV_NO_RESERVATION;
    return 0;
}

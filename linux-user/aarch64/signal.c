/*
 * The aarch64 signal frame, as Linux builds it (arch/arm64/kernel/signal.c
 * and the uapi sigcontext.h; offsets checked by tests/guest/aarch64):
 *
 *   struct rt_sigframe { siginfo_t info; struct ucontext uc; }
 *     info            128 bytes
 *     uc.uc_flags     8, uc_link 8, uc_stack 24, uc_sigmask 8,
 *                     padding to a 1024-bit sigset (120) and to 16 bytes
 *     uc.uc_mcontext  struct sigcontext, at frame + 304:
 *                     fault_address, regs[31], sp, pc, pstate (8 each),
 *                     then __reserved[4096] (16-byte aligned) holding
 *                     records: fpsimd_context { head {magic 0x46508001,
 *                     size 528}, fpsr, fpcr, vregs[32] } and a zero
 *                     terminator record
 *   followed by a frame record { fp, lr } that x29 points at, so
 *   unwinders walk through the handler.
 *
 * The handler gets x0 = signal, x1 = &info, x2 = &uc, sp = the frame,
 * x29 = &frame record, x30 = the return trampoline: sa_restorer when the
 * program gave one (SA_RESTORER), else a page of our own holding
 * `mov x8, #139; svc #0`, standing in for the kernel's vDSO trampoline.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "linux-user/aarch64/target-signal.h"
#include "linux-user/guest-mem.h"
#include "target/aarch64/cpu.h"

enum {
    FRAME_INFO = 0,
    FRAME_UC = 128,
    UC_FLAGS = FRAME_UC + 0,
    UC_LINK = FRAME_UC + 8,
    UC_STACK = FRAME_UC + 16, /* ss_sp, ss_flags (+pad), ss_size */
    UC_SIGMASK = FRAME_UC + 40,
    UC_MCONTEXT = FRAME_UC + 176, /* after the 128-byte sigset, aligned */
    SC_FAULT_ADDRESS = UC_MCONTEXT,
    SC_REGS = UC_MCONTEXT + 8,
    SC_SP = SC_REGS + 31 * 8,
    SC_PC = SC_SP + 8,
    SC_PSTATE = SC_PC + 8,
    SC_RESERVED = SC_PSTATE + 16, /* aligned(16): 8 bytes of padding */
    FPSIMD = SC_RESERVED,
    FPSIMD_MAGIC_OFF = FPSIMD,
    FPSIMD_SIZE_OFF = FPSIMD + 4,
    FPSIMD_FPSR = FPSIMD + 8,
    FPSIMD_FPCR = FPSIMD + 12,
    FPSIMD_VREGS = FPSIMD + 16,
    FPSIMD_SIZE = 16 + 32 * 16,
    TERMINATOR = FPSIMD + FPSIMD_SIZE,
    SC_RESERVED_SIZE = 4096,
    UC_END = SC_RESERVED + SC_RESERVED_SIZE,
    FRAME_RECORD = UC_END, /* fp, lr */
    FRAME_SIZE = FRAME_RECORD + 16,
};

_Static_assert(UC_MCONTEXT % 16 == 0, "sigcontext is 16-byte aligned");
_Static_assert(SC_RESERVED % 16 == 0, "__reserved is 16-byte aligned");
_Static_assert(FRAME_SIZE % 16 == 0, "frame keeps sp aligned");

#define FPSIMD_MAGIC 0x46508001u
#define A64_SA_RESTORER 0x04000000u
#define A64_NR_RT_SIGRETURN 139

uint64_t aarch64_install_sigtramp(void)
{
    int64_t page = guest_mmap(0, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const uint32_t code[2] = {
        0xd2800008u | (A64_NR_RT_SIGRETURN << 5), /* movz x8, #139 */
        0xd4000001u,                              /* svc #0 */
    };

    if (page < 0) {
        return 0;
    }
    if (guest_copy_to((uint64_t)page, code, sizeof(code)) != 0 ||
        guest_mprotect((uint64_t)page, GUEST_PAGE_SIZE,
                       PROT_READ | PROT_EXEC) != 0) {
        return 0;
    }
    return (uint64_t)page;
}

int aarch64_setup_frame(CPUState *cs, int sig, const uint8_t *info,
                        const SignalAction *act, uint64_t old_mask, uint64_t sp,
                        uint64_t sigtramp)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    uint64_t frame = (sp - FRAME_SIZE) & ~15ull;
    static _Thread_local uint8_t f[FRAME_SIZE];
    uint64_t ss_sp, ss_size, pstate, fault_addr = 0;
    uint32_t magic = FPSIMD_MAGIC, size = FPSIMD_SIZE;
    int ss_flags;

    memset(f, 0, sizeof(f));
    memcpy(f + FRAME_INFO, info, 128);
    signal_get_altstack(&ss_sp, &ss_size, &ss_flags);
    memcpy(f + UC_STACK, &ss_sp, 8);
    memcpy(f + UC_STACK + 8, &ss_flags, 4);
    memcpy(f + UC_STACK + 16, &ss_size, 8);
    memcpy(f + UC_SIGMASK, &old_mask, 8);
    /* si_addr of a fault is also sigcontext.fault_address. */
    if (sig == 11 || sig == 7 || sig == 4 || sig == 8 || sig == 5) {
        memcpy(&fault_addr, info + 16, 8);
    }
    memcpy(f + SC_FAULT_ADDRESS, &fault_addr, 8);
    memcpy(f + SC_REGS, cpu->xregs, 31 * 8);
    memcpy(f + SC_SP, &cpu->xregs[31], 8);
    memcpy(f + SC_PC, &cpu->pc, 8);
    pstate = (uint64_t)aarch64_get_nzcv(cpu) << 28; /* EL0t, nothing else */
    memcpy(f + SC_PSTATE, &pstate, 8);
    memcpy(f + FPSIMD_MAGIC_OFF, &magic, 4);
    memcpy(f + FPSIMD_SIZE_OFF, &size, 4);
    memcpy(f + FPSIMD_FPSR, &cpu->fpsr, 4);
    memcpy(f + FPSIMD_FPCR, &cpu->fpcr, 4);
    memcpy(f + FPSIMD_VREGS, cpu->vregs, 32 * 16);
    /* TERMINATOR stays zero. */
    memcpy(f + FRAME_RECORD, &cpu->xregs[29], 8);
    memcpy(f + FRAME_RECORD + 8, &cpu->xregs[30], 8);
    if (guest_copy_to(frame, f, sizeof(f)) != 0) {
        return -EFAULT;
    }

    cpu->xregs[0] = (uint64_t)sig;
    cpu->xregs[1] = frame + FRAME_INFO;
    cpu->xregs[2] = frame + FRAME_UC;
    cpu->xregs[31] = frame;
    cpu->xregs[29] = frame + FRAME_RECORD;
    cpu->xregs[30] = (act->flags & A64_SA_RESTORER) && act->restorer
                         ? act->restorer
                         : sigtramp;
    cpu->pc = act->handler;
    /* Entering a handler is an exception on hardware: it clears the
     * exclusive monitor, and PSTATE.BTYPE etc. do not apply here. */
    cpu->excl_size = A64_EXCL_NONE;
    return 0;
}

int aarch64_restore_frame(CPUState *cs, uint64_t *mask)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    uint64_t frame = cpu->xregs[31];
    static _Thread_local uint8_t f[FRAME_SIZE];
    uint64_t pstate;
    uint32_t magic, size;

    if (guest_copy_from(f, frame, UC_END) != 0) {
        return -EFAULT;
    }
    memcpy(&magic, f + FPSIMD_MAGIC_OFF, 4);
    memcpy(&size, f + FPSIMD_SIZE_OFF, 4);
    if (magic != FPSIMD_MAGIC || size != FPSIMD_SIZE) {
        return -EFAULT; /* Linux also refuses a frame without FP state */
    }
    memcpy(cpu->xregs, f + SC_REGS, 31 * 8);
    memcpy(&cpu->xregs[31], f + SC_SP, 8);
    memcpy(&cpu->pc, f + SC_PC, 8);
    memcpy(&pstate, f + SC_PSTATE, 8);
    aarch64_set_nzcv(cpu, (uint32_t)(pstate >> 28) & 0xf);
    memcpy(&cpu->fpsr, f + FPSIMD_FPSR, 4);
    memcpy(&cpu->fpcr, f + FPSIMD_FPCR, 4);
    cpu->fpsr &= FPSR_MASK;
    cpu->fpcr &= FPCR_MASK;
    memcpy(cpu->vregs, f + FPSIMD_VREGS, 32 * 16);
    memcpy(mask, f + UC_SIGMASK, 8);
    cpu->excl_size = A64_EXCL_NONE;
    return 0;
}

/*
 * The riscv64 guest CPU as the runtime, the tests and linux-user see it:
 * register file, pc, the LR/SC reservation, the user-visible CSR state,
 * the guest's exception numbers, and the instruction-fetch hook.
 *
 * Supported: RV64I, M, A, F, D, Zicsr (user CSRs only), Zifencei, C, Zba,
 * Zbb, Zbs.
 *
 * Contract with the runtime (docs/architecture.md): CPUState is the first
 * member, so a RISCVCPU * and its CPUState * are the same pointer ("env").
 * x1..x31 and pc are IR globals; everything else (f0..f31 included) is
 * read and written by ld/st on env or by helpers.
 */
#ifndef VEMU_TARGET_RISCV_CPU_H
#define VEMU_TARGET_RISCV_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/exec.h"

/*
 * Exceptions cpu_exec returns for this guest (the runtime's own, such as
 * EXCP_SEGV, start at EXCP_RUNTIME_BASE). The values are the RISC-V
 * mcause codes of the same events, which makes logs easy to read against
 * the privileged spec; nothing depends on that.
 *
 * In every case the pc is the address of the instruction that raised it:
 * after EXCP_RISCV_ECALL the caller (linux-user) performs the system call
 * and resumes with pc += 4 (ecall has no compressed form).
 */
enum {
    EXCP_RISCV_ILLEGAL = 2,    /* illegal or unsupported instruction */
    EXCP_RISCV_BREAKPOINT = 3, /* ebreak, c.ebreak */
    EXCP_RISCV_ECALL = 8,      /* ecall from user mode */
};

/* The CSRs a user-mode program can reach (Zicsr, unprivileged spec
 * chapter "Counters" and the F extension); every other number is an
 * illegal instruction. */
enum {
    CSR_FFLAGS = 0x001,
    CSR_FRM = 0x002,
    CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00,
    CSR_TIME = 0xc01,
    CSR_INSTRET = 0xc02,
};

/* Whether user code may access csr (write: the access writes it). The
 * counters are read-only, by the manual's convention that csr[11:10] = 11
 * means read-only. The translator and the disassembler both ask this, so
 * they agree on which CSR instructions are illegal. */
static inline bool riscv_csr_access_ok(int csr, bool write)
{
    switch (csr) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET:
        return !(write && (csr >> 10) == 3);
    default:
        return false;
    }
}

/* Rate of the `time` CSR: 10 MHz, the timebase-frequency of QEMU's virt
 * board and of common RISC-V boards. */
#define RISCV_TIMEBASE_HZ 10000000ull

/* load_res value meaning "no reservation": not a valid LR address, since
 * LR requires natural alignment. */
#define RISCV_NO_RESERVATION UINT64_MAX

typedef struct RISCVCPU {
    CPUState parent;  /* first: env in generated code points here */
    uint64_t gpr[32]; /* gpr[0] is always 0: it has no IR global */
    uint64_t pc;

    /* A extension: the address and value seen by the last LR (see the
     * comment on SC in trans_rva.c.inc). linux-user clears load_res to
     * RISCV_NO_RESERVATION on signal delivery and return, as a context
     * switch would on hardware. */
    uint64_t load_res;
    uint64_t load_val;

    /* F and D: f0..f31, 64 bits each; a single-precision value is
     * NaN-boxed (upper 32 bits all ones), and reads as the canonical NaN
     * when it is not (fpu_helper.c). fcsr is frm << 5 | fflags. frm may
     * hold an invalid mode (5..7): instructions using it are then
     * illegal. */
    uint64_t fpr[32];
    uint32_t fflags; /* 5 bits: NV DZ OF UF NX */
    uint32_t frm;    /* 3 bits: rounding mode */

    /* Counter CSRs (helper.c): the host monotonic clock at CPU init, and
     * the last value returned for cycle/instret, which keeps them strictly
     * increasing. */
    uint64_t clock_base_ns;
    uint64_t last_cycle;
    uint64_t last_instret;
} RISCVCPU;

extern const TargetOps riscv_target_ops;

/*
 * Instruction fetch check, asked at translation time for every piece of
 * guest code before it is read through tcg_guest_base: true if
 * [addr, addr + len) is mapped and executable. linux-user plugs its page
 * map in here. The default answers true for everything, so with it a fetch
 * from an unmapped address crashes the host process: set a real predicate
 * before running untrusted code. A false answer makes the instruction raise
 * EXCP_SEGV with fault_addr the first byte that failed, when (and only if)
 * execution reaches it.
 */
extern bool (*riscv_fetch_ok)(uint64_t addr, size_t len);

/* Zero the registers and CSRs, clear the reservation, start the counters,
 * bind to the runtime (cpu_init_common). */
void riscv_cpu_init(RISCVCPU *cpu);

/* Short name of an exception number (this guest's or the runtime's). */
const char *riscv_excp_name(int excp);

/* ABI name of register x<r> ("zero", "ra", "sp", ... "t6"). */
const char *riscv_reg_name(unsigned r);

/* Front end entry points (translate.c). */
void riscv_tcg_init(TCGContext *s);
void riscv_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                     int max_insns);

/* -d in_asm printer (disas.c): guest code [pc, pc + size), fetched through
 * riscv_fetch_ok and tcg_guest_base. */
void riscv_disas(FILE *f, uint64_t pc, size_t size);
/* Print one instruction (insn; len 2 or 4 bytes) at pc into buf, without
 * the address; returns false (and writes "illegal") if it does not
 * decode. Used by riscv_disas and the decoder tests. */
bool riscv_disas_insn(char *buf, size_t size, uint64_t pc, uint32_t insn,
                      unsigned len);

/* Helpers called by generated code (helper.c). */
extern const TCGHelperInfo riscv_helper_raise;
extern const TCGHelperInfo riscv_helper_fetch_fault;
extern const TCGHelperInfo riscv_helper_csr_read;
extern const TCGHelperInfo riscv_helper_csr_write;
extern const TCGHelperInfo riscv_helper_fence_i;

#endif

/*
 * The aarch64 guest CPU as the runtime, the tests and linux-user see it:
 * the A64 register file, NZCV, the FP/SIMD registers with FPCR/FPSR, the
 * exclusive monitor, the EL0 system registers, the guest's exception
 * numbers and the instruction-fetch hook.
 *
 * Contract with the runtime (docs/architecture.md): CPUState is the first
 * member, so an AArch64CPU * and its CPUState * are the same pointer
 * ("env"). x0..x30, sp, pc and the four flag words are IR globals;
 * everything else (v0..v31, FPCR, FPSR, the monitor) is read and written
 * by ld/st on env or by helpers.
 *
 * NZCV is kept the way it is cheapest to produce and to test, one 64-bit
 * word per flag, each holding a value the flag is a simple function of:
 *   N = (int64_t)nf < 0      Z = (zf == 0)
 *   C = cf (exactly 0 or 1)  V = (int64_t)vf < 0
 * A 32-bit flag-setting operation stores its result sign-extended in nf,
 * zero-extended in zf, and its overflow bit in bit 63 of vf.
 */
#ifndef VEMU_TARGET_AARCH64_CPU_H
#define VEMU_TARGET_AARCH64_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/exec.h"

/*
 * Exceptions cpu_exec returns for this guest (the runtime's own, such as
 * EXCP_SEGV, start at EXCP_RUNTIME_BASE). In every case the pc is the
 * address of the instruction that raised it: after EXCP_A64_SVC
 * linux-user performs the system call and resumes at pc + 4.
 */
enum {
    EXCP_A64_UNDEF = 1, /* unallocated or unsupported encoding: SIGILL */
    EXCP_A64_SVC = 2,   /* svc #imm: a system call */
    EXCP_A64_BRK = 3,   /* brk #imm: SIGTRAP */
    EXCP_A64_HLT = 4,   /* hlt: SIGILL at EL0 under Linux */
};

/* One 128-bit SIMD&FP register, little-endian lanes (the host is
 * little-endian: b[0] is the least significant byte, as in the guest). */
typedef union AArch64Vec {
    uint64_t d[2];
    uint32_t s[4];
    uint16_t h[8];
    uint8_t b[16];
} __attribute__((aligned(16))) AArch64Vec;

/* Lane i of size 1 << esz bytes (esz 0..3), zero-extended, and its
 * store: the one accessor the SIMD and FP helpers share. */
static inline uint64_t a64_lane_get(const AArch64Vec *v, int esz, int i)
{
    switch (esz) {
    case 0:
        return v->b[i];
    case 1:
        return v->h[i];
    case 2:
        return v->s[i];
    default:
        return v->d[i];
    }
}

static inline void a64_lane_set(AArch64Vec *v, int esz, int i, uint64_t x)
{
    switch (esz) {
    case 0:
        v->b[i] = (uint8_t)x;
        break;
    case 1:
        v->h[i] = (uint16_t)x;
        break;
    case 2:
        v->s[i] = (uint32_t)x;
        break;
    default:
        v->d[i] = x;
        break;
    }
}

/* FPCR bits this model implements (others read as zero). */
enum {
    FPCR_FZ16 = 1u << 19,
    FPCR_RMODE_SHIFT = 22, /* 2 bits: 0 RN, 1 RP, 2 RM, 3 RZ */
    FPCR_FZ = 1u << 24,
    FPCR_DN = 1u << 25,
    FPCR_AHP = 1u << 26,
    FPCR_MASK =
        FPCR_FZ16 | (3u << FPCR_RMODE_SHIFT) | FPCR_FZ | FPCR_DN | FPCR_AHP,
};

/* FPSR cumulative exception bits (QC is the SIMD saturation flag). */
enum {
    FPSR_IOC = 1u << 0,
    FPSR_DZC = 1u << 1,
    FPSR_OFC = 1u << 2,
    FPSR_UFC = 1u << 3,
    FPSR_IXC = 1u << 4,
    FPSR_IDC = 1u << 7,
    FPSR_QC = 1u << 27,
    FPSR_MASK = FPSR_IOC | FPSR_DZC | FPSR_OFC | FPSR_UFC | FPSR_IXC |
                FPSR_IDC | FPSR_QC,
};

/* excl_size value meaning "the monitor is open" (no LDXR outstanding). */
#define A64_EXCL_NONE 0xff

/* Rate of CNTVCT_EL0: 1 GHz (the rate ARMv8.6 and later fix), so the
 * counter is the host's CLOCK_MONOTONIC in nanoseconds. */
#define A64_CNTFRQ_HZ 1000000000ull

typedef struct AArch64CPU {
    CPUState parent;    /* first: env in generated code points here */
    uint64_t xregs[32]; /* x0..x30; xregs[31] is SP (XZR has no storage) */
    uint64_t pc;
    uint64_t nf, zf, cf, vf; /* NZCV, see the comment at the top */

    AArch64Vec vregs[32];
    uint32_t fpcr; /* only FPCR_MASK bits */
    uint32_t fpsr; /* only FPSR_MASK bits */

    /* Exclusive monitor (LDXR/STXR and pairs): the address, size
     * (log2 bytes of one register, A64_EXCL_NONE when open), whether a
     * pair was loaded, and the value(s) the load saw; a store-exclusive
     * succeeds by compare-and-swap against them. linux-user clears it on
     * signal delivery and return, as a context switch does. */
    uint64_t excl_addr;
    uint64_t excl_val;
    uint64_t excl_val2;
    uint32_t excl_size;
    uint32_t excl_pair;

    uint64_t tpidr_el0;   /* TLS */
    uint64_t tpidrro_el0; /* read-only at EL0; 0 under Linux */

    /* Features of the -cpu model (A64_FEAT_*), fixed at start. */
    uint64_t features;
} AArch64CPU;

/* Optional features a -cpu model may have; HWCAP/HWCAP2, the ID
 * registers and the translator all derive from this one set. */
enum {
    A64_FEAT_FP = 1ull << 0,
    A64_FEAT_ASIMD = 1ull << 1,
    A64_FEAT_AES = 1ull << 2,   /* AESE/AESD/AESMC/AESIMC */
    A64_FEAT_PMULL = 1ull << 3, /* PMULL/PMULL2 on 64-bit lanes */
    A64_FEAT_SHA1 = 1ull << 4,
    A64_FEAT_SHA256 = 1ull << 5,
    A64_FEAT_SHA512 = 1ull << 6,
    A64_FEAT_CRC32 = 1ull << 7,
    A64_FEAT_ATOMICS = 1ull << 8, /* LSE: CAS, SWP, LDADD... */
    A64_FEAT_FPHP = 1ull << 9,    /* half-precision scalar arithmetic */
    A64_FEAT_ASIMDHP = 1ull << 10,
    A64_FEAT_RDM = 1ull << 11,   /* SQRDMLAH/SQRDMLSH */
    A64_FEAT_JSCVT = 1ull << 12, /* FJCVTZS */
    A64_FEAT_LRCPC = 1ull << 13, /* LDAPR */
    A64_FEAT_DCPOP = 1ull << 14,
    A64_FEAT_DOTPROD = 1ull << 15, /* SDOT/UDOT */
    A64_FEAT_FLAGM = 1ull << 16,   /* CFINV, RMIF, SETF8/16 */
    A64_FEAT_FLAGM2 = 1ull << 17,  /* AXFLAG, XAFLAG */
    A64_FEAT_FCMA = 1ull << 18,
    A64_FEAT_SB = 1ull << 19,
    A64_FEAT_USCAT = 1ull << 20,
    A64_FEAT_ILRCPC = 1ull << 21,
    A64_FEAT_FRINT = 1ull << 22, /* FRINT32Z... */
    A64_FEAT_SHA3 = 1ull << 23,
    A64_FEAT_CPUID = 1ull << 24, /* MRS of the ID registers at EL0 */
};

extern const TargetOps aarch64_target_ops;

/*
 * Instruction fetch check, asked at translation time for every guest
 * instruction before it is read through tcg_guest_base: true if
 * [addr, addr + len) is mapped and executable (see riscv_fetch_ok: the
 * default accepts everything; linux-user plugs in its page map).
 */
extern bool (*aarch64_fetch_ok)(uint64_t addr, size_t len);

/* Zero the registers, open the monitor, bind to the runtime
 * (cpu_init_common), with the given feature set. */
void aarch64_cpu_init(AArch64CPU *cpu, uint64_t features);

/* The -cpu models: name, feature set, MIDR value. The first is the
 * default and the most capable. NULL-terminated by name. */
typedef struct AArch64Model {
    const char *name;
    const char *description; /* for -cpu help */
    uint64_t features;
    uint64_t midr;
} AArch64Model;
extern const AArch64Model aarch64_models[];
const AArch64Model *aarch64_model_find(const char *name);

/* Short name of an exception number (this guest's or the runtime's). */
const char *aarch64_excp_name(int excp);

/* NZCV as the 4-bit value of PSTATE bits 31:28 (N is bit 3). */
uint32_t aarch64_get_nzcv(const AArch64CPU *cpu);
void aarch64_set_nzcv(AArch64CPU *cpu, uint32_t nzcv);

/* Front end entry points (translate.c). */
void aarch64_tcg_init(TCGContext *s);
void aarch64_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                       int max_insns);

/* -d in_asm printer (capstone, cpu.c). */
void aarch64_disas(FILE *f, uint64_t pc, size_t size);

/* Helpers called by generated code (helper.c). */
extern const TCGHelperInfo a64_helper_raise;
extern const TCGHelperInfo a64_helper_fetch_fault;
extern const TCGHelperInfo a64_helper_sysreg_read;
extern const TCGHelperInfo a64_helper_ic_ivau;

/* System register access from MRS/MSR (helper.c): key is op0:op1:CRn:CRm:op2
 * as the 16 bits of the instruction's [20:5] field. Returns false for a
 * register EL0 cannot access (the instruction is then UNDEFINED); decided
 * at translation time, so the helpers never see such a key. */
bool aarch64_sysreg_ok(uint32_t key, bool write, uint64_t features);

#endif

/*
 * aarch64 helpers shared by every instruction group: exceptions,
 * instruction-fetch faults, the EL0 system registers that are not plain
 * env fields (MRS/MSR) and IC IVAU, with their TCGHelperInfo descriptors.
 *
 * The system registers a Linux process can read at EL0 are those the
 * architecture lets EL0 read (CTR_EL0, DCZID_EL0, the generic timer)
 * plus the ID registers the kernel emulates for it when HWCAP_CPUID is
 * set: MIDR_EL1, MPIDR_EL1, REVIDR_EL1 and the whole ID space op0=3,
 * op1=0, CRn=0, CRm=0..7, with the fields Linux exposes (its
 * Documentation/arch/arm64/cpu-feature-registers.rst) derived from the
 * model's feature set, and zero for registers it does not describe.
 * Anything else is UNDEFINED, decided at translation time by
 * aarch64_sysreg_ok.
 */
#include <time.h>

#include "target/aarch64/cpu.h"

#define KEY(op0, op1, crn, crm, op2)                                           \
    ((((op0)-2) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

static void helper_raise(CPUState *cs, uint64_t excp)
{
    cs->exception_index = (int)excp;
    cpu_loop_exit(cs);
}

const TCGHelperInfo a64_helper_raise = {
    .func = (void *)helper_raise,
    .name = "a64_raise",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

static void helper_fetch_fault(CPUState *cs, uint64_t addr)
{
    cs->fault_addr = addr;
    cs->fault_write = false;
    cs->exception_index = EXCP_SEGV;
    cpu_loop_exit(cs);
}

const TCGHelperInfo a64_helper_fetch_fault = {
    .func = (void *)helper_fetch_fault,
    .name = "a64_fetch_fault",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* ---- ID registers ---- */

#define HAS(f) ((features & (f)) == (f))

static uint64_t id_aa64pfr0(uint64_t features)
{
    uint64_t v = 0;

    v |= 1ull << 0; /* EL0: AArch64 only */
    v |= 1ull << 4; /* EL1 */
    /* FP and AdvSIMD: 0 = present, 1 = with half precision, 0xf = none. */
    v |= (uint64_t)(HAS(A64_FEAT_FP) ? (HAS(A64_FEAT_FPHP) ? 1 : 0) : 0xf)
         << 16;
    v |= (uint64_t)(HAS(A64_FEAT_ASIMD) ? (HAS(A64_FEAT_ASIMDHP) ? 1 : 0) : 0xf)
         << 20;
    return v;
}

static uint64_t id_aa64isar0(uint64_t features)
{
    uint64_t v = 0;

    if (HAS(A64_FEAT_AES)) {
        v |= (uint64_t)(HAS(A64_FEAT_PMULL) ? 2 : 1) << 4;
    }
    if (HAS(A64_FEAT_SHA1)) {
        v |= 1ull << 8;
    }
    if (HAS(A64_FEAT_SHA256)) {
        v |= (uint64_t)(HAS(A64_FEAT_SHA512) ? 2 : 1) << 12;
    }
    if (HAS(A64_FEAT_CRC32)) {
        v |= 1ull << 16;
    }
    if (HAS(A64_FEAT_ATOMICS)) {
        v |= 2ull << 20;
    }
    if (HAS(A64_FEAT_RDM)) {
        v |= 1ull << 28;
    }
    if (HAS(A64_FEAT_SHA3)) {
        v |= 1ull << 32;
    }
    if (HAS(A64_FEAT_DOTPROD)) {
        v |= 1ull << 44;
    }
    if (HAS(A64_FEAT_FLAGM)) {
        v |= (uint64_t)(HAS(A64_FEAT_FLAGM2) ? 2 : 1) << 52;
    }
    return v;
}

static uint64_t id_aa64isar1(uint64_t features)
{
    uint64_t v = 0;

    if (HAS(A64_FEAT_DCPOP)) {
        v |= 1ull << 0;
    }
    if (HAS(A64_FEAT_JSCVT)) {
        v |= 1ull << 12;
    }
    if (HAS(A64_FEAT_FCMA)) {
        v |= 1ull << 16;
    }
    if (HAS(A64_FEAT_LRCPC)) {
        v |= (uint64_t)(HAS(A64_FEAT_ILRCPC) ? 2 : 1) << 20;
    }
    if (HAS(A64_FEAT_FRINT)) {
        v |= 1ull << 32;
    }
    if (HAS(A64_FEAT_SB)) {
        v |= 1ull << 36;
    }
    return v;
}

static uint64_t id_aa64mmfr2(uint64_t features)
{
    /* AT (bits 35:32): unaligned single-copy atomicity within 16 bytes. */
    return HAS(A64_FEAT_USCAT) ? 1ull << 32 : 0;
}

/* The value MRS returns for key, with the CPU's model. */
static uint64_t sysreg_value(const AArch64CPU *cpu, uint32_t key)
{
    uint64_t features = cpu->features;
    struct timespec ts;

    switch (key) {
    case KEY(3, 3, 0, 0, 1): /* CTR_EL0 */
        /* 64-byte lines for both caches (IminLine = DminLine = 4 words
         * log2), IDC = DIC = 0, PIPT instruction cache (L1Ip = 3). */
        return (1ull << 31) | (4ull << 16) | (3ull << 14) | 4ull;
    case KEY(3, 3, 0, 0, 7): /* DCZID_EL0: DC ZVA allowed, 64 bytes */
        return 4;
    case KEY(3, 3, 14, 0, 0): /* CNTFRQ_EL0 */
        return A64_CNTFRQ_HZ;
    case KEY(3, 3, 14, 0, 1): /* CNTPCT_EL0 */
    case KEY(3, 3, 14, 0, 2): /* CNTVCT_EL0 */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    case KEY(3, 3, 13, 0, 3): /* TPIDRRO_EL0 */
        return cpu->tpidrro_el0;
    case KEY(3, 0, 0, 0, 0): /* MIDR_EL1 */
        for (const AArch64Model *m = aarch64_models; m->name; m++) {
            if (m->features == features) {
                return m->midr;
            }
        }
        return aarch64_models[0].midr;
    case KEY(3, 0, 0, 0, 5): /* MPIDR_EL1 as Linux shows it */
        return 1ull << 31;
    case KEY(3, 0, 0, 4, 0):
        return id_aa64pfr0(features);
    case KEY(3, 0, 0, 6, 0):
        return id_aa64isar0(features);
    case KEY(3, 0, 0, 6, 1):
        return id_aa64isar1(features);
    case KEY(3, 0, 0, 7, 2):
        return id_aa64mmfr2(features);
    default: /* REVIDR_EL1 and the rest of the ID space */
        return 0;
    }
}

bool aarch64_sysreg_ok(uint32_t key, bool write, uint64_t features)
{
    switch (key) {
    case KEY(3, 3, 4, 2, 0):  /* NZCV */
    case KEY(3, 3, 4, 4, 0):  /* FPCR */
    case KEY(3, 3, 4, 4, 1):  /* FPSR */
    case KEY(3, 3, 13, 0, 2): /* TPIDR_EL0 */
        return true;
    case KEY(3, 3, 0, 0, 1):  /* CTR_EL0 */
    case KEY(3, 3, 0, 0, 7):  /* DCZID_EL0 */
    case KEY(3, 3, 14, 0, 0): /* CNTFRQ_EL0 */
    case KEY(3, 3, 14, 0, 1): /* CNTPCT_EL0 */
    case KEY(3, 3, 14, 0, 2): /* CNTVCT_EL0 */
    case KEY(3, 3, 13, 0, 3): /* TPIDRRO_EL0 */
        return !write;
    default:
        break;
    }
    /* The ID space the kernel emulates: op0=3, op1=0, CRn=0. */
    if (!write && HAS(A64_FEAT_CPUID) && (key >> 11) == 0x8 &&
        ((key >> 7) & 0xf) == 0) {
        unsigned crm = (key >> 3) & 0xf, op2 = key & 7;
        if (crm == 0) {
            return op2 == 0 || op2 == 5 || op2 == 6;
        }
        return crm <= 7;
    }
    return false;
}

static uint64_t helper_sysreg_read(CPUState *cs, uint64_t key)
{
    return sysreg_value((AArch64CPU *)cs, (uint32_t)key);
}

const TCGHelperInfo a64_helper_sysreg_read = {
    .func = (void *)helper_sysreg_read,
    .name = "a64_sysreg_read",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* IC IVAU: forget the translations of the 64-byte line (CTR_EL0.IminLine)
 * holding addr. The block ends after it, so code already translated past
 * this instruction is looked up again. */
static void helper_ic_ivau(CPUState *cs, uint64_t addr)
{
    (void)cs;
    addr &= ~(uint64_t)63;
    tb_invalidate_range(addr, addr + 64);
}

const TCGHelperInfo a64_helper_ic_ivau = {
    .func = (void *)helper_ic_ivau,
    .name = "a64_ic_ivau",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * Helpers for the A64 scalar and vector floating-point instructions
 * (trans-fp.c.inc): one lane dispatcher over the softfloat.c operations,
 * called once by the scalar helper and per lane by the vector one.
 *
 * They read FPCR and OR the raised exceptions into FPSR, and touch no IR
 * global (the vector helper works on env->vregs in place), so they are
 * declared TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS. None of
 * them can fault: FP exception traps are disabled at EL0 under Linux.
 */
#include "target/aarch64/fpu-helper.h"

#include "target/aarch64/softfloat.h"

/* Lane accessors (cpu.h), in this file's argument order. */
#define vget(v, i, esz) a64_lane_get((v), (esz), (i))
#define vset(v, i, esz, x) a64_lane_set((v), (esz), (i), (x))

static uint64_t lane_op(A64FpSt *st, int op, int esz, uint32_t imm,
                        uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t ones = esz == 3 ? ~0ull : (1ull << (8 << esz)) - 1;
    uint64_t sbit = ones ^ (ones >> 1);
    int rm = (imm >> 8) & 7;

    switch (op) {
    case FOP_ADD:
        return a64f_add(st, esz, a, b);
    case FOP_SUB:
        return a64f_sub(st, esz, a, b);
    case FOP_MUL:
        return a64f_mul(st, esz, a, b);
    case FOP_DIV:
        return a64f_div(st, esz, a, b);
    case FOP_MAX:
        return a64f_max(st, esz, a, b);
    case FOP_MIN:
        return a64f_min(st, esz, a, b);
    case FOP_MAXNM:
        return a64f_maxnm(st, esz, a, b);
    case FOP_MINNM:
        return a64f_minnm(st, esz, a, b);
    case FOP_MULX:
        return a64f_mulx(st, esz, a, b);
    case FOP_NMUL: /* FPNeg of the product: a NaN result is negated too */
        return a64f_mul(st, esz, a, b) ^ sbit;
    case FOP_ABD:
        return a64f_sub(st, esz, a, b) & ~sbit;
    case FOP_RECPS:
        return a64f_recps(st, esz, a, b);
    case FOP_RSQRTS:
        return a64f_rsqrts(st, esz, a, b);
    case FOP_CMEQ:
        return a64f_cmp_eq(st, esz, a, b) ? ones : 0;
    case FOP_CMGE:
        return a64f_cmp_ge(st, esz, a, b) ? ones : 0;
    case FOP_CMGT:
        return a64f_cmp_gt(st, esz, a, b) ? ones : 0;
    case FOP_ACGE:
        return a64f_cmp_ge(st, esz, a & ~sbit, b & ~sbit) ? ones : 0;
    case FOP_ACGT:
        return a64f_cmp_gt(st, esz, a & ~sbit, b & ~sbit) ? ones : 0;
    /* The negations are FPNeg on the operands, before NaN processing. */
    case FOP_MLA:
        return a64f_muladd(st, esz, c, a, b);
    case FOP_MLS:
        return a64f_muladd(st, esz, c, a ^ sbit, b);
    case FOP_NMADD:
        return a64f_muladd(st, esz, c ^ sbit, a ^ sbit, b);
    case FOP_NMSUB:
        return a64f_muladd(st, esz, c ^ sbit, a, b);
    case FOP_SQRT:
        return a64f_sqrt(st, esz, a);
    case FOP_RECPE:
        return a64f_recpe(st, esz, a);
    case FOP_RSQRTE:
        return a64f_rsqrte(st, esz, a);
    case FOP_RECPX:
        return a64f_recpx(st, esz, a);
    case FOP_CMEQ0:
        return a64f_cmp_eq(st, esz, a, 0) ? ones : 0;
    case FOP_CMGE0:
        return a64f_cmp_ge(st, esz, a, 0) ? ones : 0;
    case FOP_CMGT0:
        return a64f_cmp_gt(st, esz, a, 0) ? ones : 0;
    case FOP_CMLE0:
        return a64f_cmp_ge(st, esz, 0, a) ? ones : 0;
    case FOP_CMLT0:
        return a64f_cmp_gt(st, esz, 0, a) ? ones : 0;
    case FOP_RINT:
        rm = imm & 7;
        return a64f_round_int(st, esz, a,
                              rm == FOP_RFPCR ? a64f_rmode(st) : rm,
                              (imm >> 3) & 1);
    case FOP_TOFIX:
        return a64f_to_fixed(st, esz, a, imm & 0xff, (imm >> 12) & 1,
                             (imm >> 13) & 1 ? 64 : 32,
                             rm == FOP_RFPCR ? a64f_rmode(st) : rm);
    case FOP_FROMFIX:
        return a64f_from_fixed(st, esz, a, imm & 0xff, (imm >> 12) & 1,
                               (imm >> 13) & 1 ? 64 : 32, a64f_rmode(st));
    case FOP_CVT:
        rm = (imm >> 4) & 7;
        return a64f_convert(st, esz, imm & 3, a,
                            rm == FOP_RFPCR ? a64f_rmode(st) : rm);
    default:
        return 0;
    }
}

static uint64_t helper_fpop(CPUState *cs, uint64_t a, uint64_t b, uint64_t c,
                            uint64_t desc)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    A64FpSt st = {cpu->fpcr, 0};
    uint64_t r = lane_op(&st, desc & 0xff, (desc >> 8) & 0xff,
                         (uint32_t)(desc >> 16) & 0xffffff, a, b, c);

    cpu->fpsr |= st.flags;
    return r;
}

const TCGHelperInfo a64_helper_fpop = {
    .func = (void *)helper_fpop,
    .name = "a64_fpop",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 5,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64},
};



/* Reduce(op, lanes [lo, lo + n)) as the pseudocode's halving recursion:
 * op(Reduce(lower half), Reduce(upper half)). */
static uint64_t reduce(A64FpSt *st, int op, int esz, const AArch64Vec *v,
                       int lo, int n)
{
    uint64_t a, b;

    if (n == 1) {
        return vget(v, lo, esz);
    }
    a = reduce(st, op, esz, v, lo, n / 2);
    b = reduce(st, op, esz, v, lo + n / 2, n / 2);
    return lane_op(st, op, esz, 0, a, b, 0);
}

static void helper_fpvec(CPUState *cs, uint64_t desc, uint64_t rd,
                         uint64_t rn, uint64_t rm)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    A64FpSt st = {cpu->fpcr, 0};
    int op = desc & 0xff, esz = (desc >> 8) & 0xff;
    uint32_t imm = (uint32_t)(desc >> 16) & 0xffffff;
    int mode = (desc >> 40) & 0xf, idx = (desc >> 48) & 0xff;
    bool q = (desc >> 44) & 1;
    int lanes = (q ? 16 : 8) >> esz;
    const AArch64Vec *n = &cpu->vregs[rn], *m = &cpu->vregs[rm];
    const AArch64Vec *d = &cpu->vregs[rd];
    AArch64Vec r = {{0, 0}};

    switch (mode) {
    case A64V_LANES:
    case A64V_INDEX:
        for (int i = 0; i < lanes; i++) {
            vset(&r, i, esz,
                 lane_op(&st, op, esz, imm, vget(n, i, esz),
                         vget(m, mode == A64V_INDEX ? idx : i, esz),
                         vget(d, i, esz)));
        }
        break;
    case A64V_PAIR:
        for (int i = 0; i < lanes; i++) {
            const AArch64Vec *src = 2 * i < lanes ? n : m;
            int j = (2 * i) % lanes;
            vset(&r, i, esz,
                 lane_op(&st, op, esz, imm, vget(src, j, esz),
                         vget(src, j + 1, esz), 0));
        }
        break;
    case A64V_REDUCE:
        vset(&r, 0, esz, reduce(&st, op, esz, n, 0, lanes));
        break;
    case A64V_WIDEN:
        /* esz is the destination's; the source lanes are half as wide */
        for (int i = 0; i < 16 >> esz; i++) {
            vset(&r, i, esz,
                 a64f_convert(&st, esz - 1, esz,
                              vget(n, i + (q ? 16 >> esz : 0), esz - 1),
                              a64f_rmode(&st)));
        }
        break;
    case A64V_NARROW:
        /* esz is the destination's; q writes the upper half and keeps
         * the lower one */
        if (q) {
            r.d[0] = d->d[0];
        }
        for (int i = 0; i < 8 >> esz; i++) {
            int rmode = (imm >> 4) & 7;
            vset(&r, i + (q ? 8 >> esz : 0), esz,
                 a64f_convert(&st, esz + 1, esz, vget(n, i, esz + 1),
                              rmode == FOP_RFPCR ? a64f_rmode(&st) : rmode));
        }
        break;
    default:
        break;
    }
    cpu->vregs[rd] = r;
    cpu->fpsr |= st.flags;
}

const TCGHelperInfo a64_helper_fpvec = {
    .func = (void *)helper_fpvec,
    .name = "a64_fpvec",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 5,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64},
};

/* FCMP/FCMPE, and FCCMP/FCCMPE when cond is 0 (then the result is the
 * instruction's nzcv, without comparing). desc = esz | signal << 8 |
 * nzcv << 12. Returns NZCV as 4 bits. */
static uint64_t helper_fcmp(CPUState *cs, uint64_t a, uint64_t b,
                            uint64_t desc, uint64_t cond)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    A64FpSt st = {cpu->fpcr, 0};
    uint32_t r;

    if (!cond) {
        return (desc >> 12) & 0xf;
    }
    r = a64f_compare(&st, desc & 0xff, a, b, (desc >> 8) & 1);
    cpu->fpsr |= st.flags;
    return r;
}

const TCGHelperInfo a64_helper_fcmp = {
    .func = (void *)helper_fcmp,
    .name = "a64_fcmp",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 5,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64},
};

/* FJCVTZS: the 32-bit result, and the Z flag in bit 32. */
static uint64_t helper_fjcvtzs(CPUState *cs, uint64_t a)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    A64FpSt st = {cpu->fpcr, 0};
    bool z;
    uint32_t r = a64f_fjcvtzs(&st, a, &z);

    cpu->fpsr |= st.flags;
    return r | (uint64_t)z << 32;
}

const TCGHelperInfo a64_helper_fjcvtzs = {
    .func = (void *)helper_fjcvtzs,
    .name = "a64_fjcvtzs",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

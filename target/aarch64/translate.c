/*
 * aarch64 front end: A64 instructions to IR.
 *
 * The A64 encoding space splits on bits 28:25 (op0) into five top-level
 * groups, and so do the pattern files and the trans_*.c.inc files that
 * implement them:
 *
 *   op0 100x  data processing, immediate   a64-dp.decode    trans-dp.c.inc
 *   op0 x101  data processing, register    a64-dp.decode    trans-dp.c.inc
 *   op0 101x  branches, exceptions, system a64-branch.decode trans-branch.c.inc
 *   op0 x1x0  loads and stores             a64-ldst.decode  trans-ldst.c.inc
 *   op0 x111  scalar FP and Advanced SIMD  a64-fp.decode    trans-fp.c.inc
 *                                          a64-simd.decode  trans-simd.c.inc
 *                                          a64-simdx.decode trans-simdx.c.inc
 *                                          a64-crypto.decode trans-crypto.c.inc
 *
 * Each .decode file becomes its own decoder (decode_a64_<group>), tried
 * in the order above within its op0 group; the first that returns true
 * wins. A trans_ function that returns false must not have emitted any
 * op (the next decoder, or the illegal-instruction exception, follows),
 * so every trans_ decides on reserved encodings before it generates code.
 *
 * Block shape (docs/adding-a-guest.md):
 *  - one insn_start(pc, 0) per guest instruction;
 *  - a block ends at a branch, after an exception, svc, brk, isb or an
 *    instruction that changes translation-relevant state, when the next
 *    instruction is on another 4 KiB page, or after max_insns;
 *  - direct branches store the target pc, then goto_tb n + exit_tb(tb, n);
 *    indirect ones store the pc and use lookup_and_goto_ptr;
 *  - every instruction does its memory accesses and faulting work before
 *    it writes a guest register, so restoring the pc is a full restore.
 *
 * x0..x30, sp, pc and nf/zf/cf/vf are IR globals; register 31 reads as
 * zero (XZR) or as sp depending on the operand, and an XZR destination
 * goes to a scratch temp. The SIMD&FP registers live in env and are
 * accessed with ld/st at vreg_offset() or by helpers.
 */
#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "target/aarch64/cpu.h"
#include "tcg/tcg-op.h"

#define A64_PAGE_SIZE 4096u

/* IR globals, identical in every context (created in the same order);
 * see riscv_tcg_init for why the first context publishes them under a
 * lock and the others check them. */
static TCGv cpu_x[32]; /* cpu_x[31] is sp */
static TCGv cpu_pc;
static TCGv cpu_nf, cpu_zf, cpu_cf, cpu_vf;
static bool globals_made;
static pthread_mutex_t globals_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const xreg_names[32] = {
    "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
    "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",
};

void aarch64_tcg_init(TCGContext *s)
{
    TCGv x[32], pc, f[4];

    for (int i = 0; i < 32; i++) {
        x[i] = tcg_global_mem_new(
            s, TCG_TYPE_I64, offsetof(AArch64CPU, xregs[i]), xreg_names[i]);
    }
    pc = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(AArch64CPU, pc), "pc");
    f[0] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(AArch64CPU, nf), "NF");
    f[1] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(AArch64CPU, zf), "ZF");
    f[2] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(AArch64CPU, cf), "CF");
    f[3] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(AArch64CPU, vf), "VF");

    pthread_mutex_lock(&globals_lock);
    if (globals_made) {
        assert(memcmp(x, cpu_x, sizeof(x)) == 0 && pc == cpu_pc &&
               f[0] == cpu_nf && f[3] == cpu_vf &&
               "aarch64 globals differ per context");
    } else {
        memcpy(cpu_x, x, sizeof(x));
        cpu_pc = pc;
        cpu_nf = f[0];
        cpu_zf = f[1];
        cpu_cf = f[2];
        cpu_vf = f[3];
        globals_made = true;
    }
    pthread_mutex_unlock(&globals_lock);
}

typedef struct DisasContext {
    TCGContext *s;
    TranslationBlock *tb;
    uint64_t pc;       /* this instruction */
    uint32_t insn;     /* its encoding */
    uint64_t features; /* A64_FEAT_* of the CPU model */
    bool ended;        /* the block's exit has been emitted */
    /*
     * The operands of the SUBS/CMP translated last, while the next
     * instruction is being translated (see gen_cmp_fused): cmp_a and
     * cmp_b are copies taken before the SUBS wrote its destination.
     */
    bool cmp_valid;
    bool cmp_sf;
    uint64_t cmp_pc;
    TCGv cmp_a, cmp_b;
} DisasContext;

/* True when the CPU model has feature f (A64_FEAT_*): a trans_ for an
 * optional instruction returns false without it, so it is UNDEFINED. */
static inline bool dc_has(const DisasContext *ctx, uint64_t f)
{
    return (ctx->features & f) == f;
}

#include "decode-a64-branch.c.inc"
#include "decode-a64-crypto.c.inc"
#include "decode-a64-dp.c.inc"
#include "decode-a64-fp.c.inc"
#include "decode-a64-ldst.c.inc"
#include "decode-a64-simd.c.inc"
#include "decode-a64-simdx.c.inc"

/* ---- temps and constants ---- */

static TCGv temp_new(DisasContext *ctx)
{
    return tcg_temp_ebb(ctx->s, TCG_TYPE_I64);
}

static TCGv temp_new32(DisasContext *ctx)
{
    return tcg_temp_ebb(ctx->s, TCG_TYPE_I32);
}

static TCGv const64(DisasContext *ctx, uint64_t v)
{
    return tcg_constant(ctx->s, TCG_TYPE_I64, v);
}

/* ---- general-purpose registers ---- */

/* Xn where 31 is XZR: reads as 0. */
static TCGv read_x(DisasContext *ctx, int r)
{
    return r == 31 ? const64(ctx, 0) : cpu_x[r];
}

/* Xn|SP where 31 is SP. */
static TCGv read_xsp(DisasContext *ctx, int r)
{
    return cpu_x[r];
}

/* Destination Xn where 31 is XZR: a scratch temp that nobody reads. Only
 * the last op of an instruction may write a register (an earlier write
 * would survive a later fault, and clobber a source when rd == rn). */
static TCGv dest_x(DisasContext *ctx, int r)
{
    return r == 31 ? temp_new(ctx) : cpu_x[r];
}

/* Destination Xn|SP where 31 is SP. */
static TCGv dest_xsp(DisasContext *ctx, int r)
{
    return cpu_x[r];
}

/* Write a 32-bit operation's 64-bit-typed result v to Wd: the upper half
 * of the register becomes zero. */
static void write_w(DisasContext *ctx, int r, TCGv v)
{
    tcg_gen_ext32u(ctx->s, TCG_TYPE_I64, dest_x(ctx, r), v);
}

/* Write v to Xd (sf = 1) or Wd (sf = 0), XZR discarding. */
static void write_xw(DisasContext *ctx, bool sf, int r, TCGv v)
{
    if (sf) {
        tcg_gen_mov(ctx->s, TCG_TYPE_I64, dest_x(ctx, r), v);
    } else {
        write_w(ctx, r, v);
    }
}

/* ---- SIMD&FP registers (in env) ---- */

static intptr_t vreg_offset(int r)
{
    return (intptr_t)offsetof(AArch64CPU, vregs[r]);
}

/* Offset of 64-bit lane i (0 or 1) of Vr. */
static intptr_t vreg_d_offset(int r, int i)
{
    return (intptr_t)offsetof(AArch64CPU, vregs[r].d[i]);
}

/* Offset of element i of size 1 << esz bytes in Vr. */
static intptr_t vreg_elem_offset(int r, int i, int esz)
{
    return vreg_offset(r) + ((intptr_t)i << esz);
}

/* Load element i (size MO_8..MO_64, MO_SIGN to sign-extend) of Vr into
 * a new i64 temp. */
static TCGv read_vec_elem(DisasContext *ctx, int r, int i, MemOp mo)
{
    TCGv t = temp_new(ctx);

    tcg_gen_ld(ctx->s, TCG_TYPE_I64, t, ctx->s->env_temp, mo,
               vreg_elem_offset(r, i, mo & MO_SIZE));
    return t;
}

static void write_vec_elem(DisasContext *ctx, int r, int i, TCGv v, MemOp mo)
{
    tcg_gen_st(ctx->s, TCG_TYPE_I64, v, ctx->s->env_temp, mo & MO_SIZE,
               vreg_elem_offset(r, i, mo & MO_SIZE));
}

/* Zero bits 127:64 of Vr: every write of a 64-bit (or narrower) vector
 * or scalar result does this. */
static void clear_vec_high(DisasContext *ctx, int r)
{
    tcg_gen_st(ctx->s, TCG_TYPE_I64, const64(ctx, 0), ctx->s->env_temp, MO_64,
               vreg_d_offset(r, 1));
}

/* Scalar FP register of size esz (MO_16/32/64) as an i64 temp,
 * zero-extended. */
static TCGv read_fp(DisasContext *ctx, int r, int esz)
{
    return read_vec_elem(ctx, r, 0, esz);
}

/* Write a scalar of size esz to Vr, zeroing the rest of the register. */
static void write_fp(DisasContext *ctx, int r, TCGv v, int esz)
{
    TCGv t = temp_new(ctx);

    if (esz == MO_64) {
        tcg_gen_mov(ctx->s, TCG_TYPE_I64, t, v);
    } else {
        tcg_gen_extract(ctx->s, TCG_TYPE_I64, t, v, 0, 8u << esz);
    }
    tcg_gen_st(ctx->s, TCG_TYPE_I64, t, ctx->s->env_temp, MO_64,
               vreg_d_offset(r, 0));
    clear_vec_high(ctx, r);
}

/* ---- NZCV ---- */

/* Flags of a logical result (N and Z from it, C = V = 0). */
static void gen_logic_cc(DisasContext *ctx, bool sf, TCGv res)
{
    TCGContext *s = ctx->s;

    if (sf) {
        tcg_gen_mov(s, TCG_TYPE_I64, cpu_nf, res);
        tcg_gen_mov(s, TCG_TYPE_I64, cpu_zf, res);
    } else {
        tcg_gen_ext32s(s, TCG_TYPE_I64, cpu_nf, res);
        tcg_gen_ext32u(s, TCG_TYPE_I64, cpu_zf, res);
    }
    tcg_gen_movi(s, TCG_TYPE_I64, cpu_cf, 0);
    tcg_gen_movi(s, TCG_TYPE_I64, cpu_vf, 0);
}

/*
 * dest = a + b + carry_in (when has_carry; carry_in an i64 holding 0 or
 * 1), setting NZCV. At 32 bits (sf = 0) a and b may hold anything
 * above bit 31; dest's upper half is then garbage: write it with
 * write_xw. dest may be a source.
 */
static void gen_adc_cc(DisasContext *ctx, bool sf, TCGv dest, TCGv a, TCGv b,
                       bool has_carry, TCGv carry_in)
{
    TCGContext *s = ctx->s;
    TCGv zero = const64(ctx, 0);
    TCGv res = temp_new(ctx), x = temp_new(ctx), t = temp_new(ctx);

    if (sf) {
        TCGv hi = temp_new(ctx);
        if (has_carry) {
            tcg_gen_add2(s, TCG_TYPE_I64, res, hi, a, zero, carry_in, zero);
            tcg_gen_add2(s, TCG_TYPE_I64, res, hi, res, hi, b, zero);
        } else {
            tcg_gen_add2(s, TCG_TYPE_I64, res, hi, a, zero, b, zero);
        }
        tcg_gen_mov(s, TCG_TYPE_I64, cpu_cf, hi);
        /* V: the sign of the result differs from both operands' signs. */
        tcg_gen_xor(s, TCG_TYPE_I64, x, res, a);
        tcg_gen_xor(s, TCG_TYPE_I64, t, a, b);
        tcg_gen_andc(s, TCG_TYPE_I64, cpu_vf, x, t);
        tcg_gen_mov(s, TCG_TYPE_I64, cpu_nf, res);
        tcg_gen_mov(s, TCG_TYPE_I64, cpu_zf, res);
        tcg_gen_mov(s, TCG_TYPE_I64, dest, res);
    } else {
        TCGv a32 = temp_new(ctx), b32 = temp_new(ctx);
        tcg_gen_ext32u(s, TCG_TYPE_I64, a32, a);
        tcg_gen_ext32u(s, TCG_TYPE_I64, b32, b);
        tcg_gen_add(s, TCG_TYPE_I64, res, a32, b32);
        if (has_carry) {
            tcg_gen_add(s, TCG_TYPE_I64, res, res, carry_in);
        }
        tcg_gen_extract(s, TCG_TYPE_I64, cpu_cf, res, 32, 1);
        tcg_gen_xor(s, TCG_TYPE_I64, x, res, a32);
        tcg_gen_xor(s, TCG_TYPE_I64, t, a32, b32);
        tcg_gen_andc(s, TCG_TYPE_I64, x, x, t);
        tcg_gen_shli(s, TCG_TYPE_I64, cpu_vf, x, 32);
        tcg_gen_ext32s(s, TCG_TYPE_I64, cpu_nf, res);
        tcg_gen_ext32u(s, TCG_TYPE_I64, cpu_zf, res);
        tcg_gen_mov(s, TCG_TYPE_I64, dest, res);
    }
}

/*
 * dest = a - b with NZCV, as gen_adc_cc(a, ~b, 1) would set them but
 * with C (no borrow) as one unsigned compare instead of a carry chain:
 * a - b borrows exactly when a < b (unsigned). V: a and b differ in sign
 * and the result's sign differs from a's. Same dest rules as gen_adc_cc.
 */
static void gen_sub_cc(DisasContext *ctx, bool sf, TCGv dest, TCGv a, TCGv b)
{
    TCGContext *s = ctx->s;
    TCGType I64 = TCG_TYPE_I64;
    TCGv res = temp_new(ctx), x = temp_new(ctx), t = temp_new(ctx);

    if (!sf) {
        TCGv a32 = temp_new(ctx), b32 = temp_new(ctx);
        tcg_gen_ext32u(s, I64, a32, a);
        tcg_gen_ext32u(s, I64, b32, b);
        a = a32;
        b = b32;
    }
    tcg_gen_sub(s, I64, res, a, b);
    tcg_gen_setcond(s, I64, TCG_COND_GEU, cpu_cf, a, b);
    tcg_gen_xor(s, I64, x, a, b);
    tcg_gen_xor(s, I64, t, a, res);
    if (sf) {
        tcg_gen_and(s, I64, cpu_vf, x, t);
        tcg_gen_mov(s, I64, cpu_nf, res);
        tcg_gen_mov(s, I64, cpu_zf, res);
    } else {
        /* Bit 31 of the 32-bit V word up to bit 63 of vf. */
        tcg_gen_and(s, I64, x, x, t);
        tcg_gen_shli(s, I64, cpu_vf, x, 32);
        tcg_gen_ext32s(s, I64, cpu_nf, res);
        tcg_gen_ext32u(s, I64, cpu_zf, res);
    }
    tcg_gen_mov(s, I64, dest, res);
}

/*
 * SUBS/CMP (not CCMP, whose flags are conditional): gen_sub_cc, with its
 * operands remembered so that a condition tested by the next instruction
 * (B.cond, CSEL and friends) can compare them directly, one host
 * compare-and-branch or setcc, instead of recombining the flag words.
 */
static void gen_subs_cc(DisasContext *ctx, bool sf, TCGv dest, TCGv a, TCGv b)
{
    TCGv ca = temp_new(ctx), cb = temp_new(ctx);

    /* Copies: dest may be a or b. */
    tcg_gen_mov(ctx->s, TCG_TYPE_I64, ca, a);
    tcg_gen_mov(ctx->s, TCG_TYPE_I64, cb, b);
    gen_sub_cc(ctx, sf, dest, ca, cb);
    ctx->cmp_valid = true;
    ctx->cmp_sf = sf;
    ctx->cmp_pc = ctx->pc;
    ctx->cmp_a = ca;
    ctx->cmp_b = cb;
}

/*
 * Condition cond (< 14) as "c1 tcond c2" on the operands of a SUBS that
 * is the instruction just before this one, for the conditions that need
 * more than one flag word (C, and the HI/LS/GE/LT/GT/LE combinations):
 * for r = a - b, C is a >= b unsigned, HI a > b unsigned, GE (N == V)
 * a >= b signed and GT a > b signed, at the operation's width. False
 * when there is no such SUBS or the condition reads a single N or Z
 * word anyway.
 */
static bool gen_cmp_fused(DisasContext *ctx, int cond, TCGCond *tcond,
                          TCGv *c1, TCGv *c2)
{
    static const TCGCond conds[8] = {
        [1] = TCG_COND_GEU, [4] = TCG_COND_GTU, [5] = TCG_COND_GE,
        [6] = TCG_COND_GT,
    };
    TCGCond c;

    if (!ctx->cmp_valid || ctx->cmp_pc + 4 != ctx->pc || cond >= 14 ||
        conds[cond >> 1] == TCG_COND_NEVER) {
        return false;
    }
    c = conds[cond >> 1];
    *c1 = ctx->cmp_a;
    *c2 = ctx->cmp_b;
    if (!ctx->cmp_sf) {
        TCGv a32 = temp_new(ctx), b32 = temp_new(ctx);
        bool sign = c == TCG_COND_GE || c == TCG_COND_GT;
        if (sign) {
            tcg_gen_ext32s(ctx->s, TCG_TYPE_I64, a32, *c1);
            tcg_gen_ext32s(ctx->s, TCG_TYPE_I64, b32, *c2);
        } else {
            tcg_gen_ext32u(ctx->s, TCG_TYPE_I64, a32, *c1);
            tcg_gen_ext32u(ctx->s, TCG_TYPE_I64, b32, *c2);
        }
        *c1 = a32;
        *c2 = b32;
    }
    *tcond = (cond & 1) ? tcg_invert_cond(c) : c;
    return true;
}

static void gen_add_cc(DisasContext *ctx, bool sf, TCGv dest, TCGv a, TCGv b)
{
    gen_adc_cc(ctx, sf, dest, a, b, false, 0);
}

/* Set NZCV from a 4-bit value (N in bit 3), constant or not. */
static void gen_set_nzcv(DisasContext *ctx, TCGv nzcv)
{
    TCGContext *s = ctx->s;
    TCGv t = temp_new(ctx);

    /* N: bit 3 to bit 63. */
    tcg_gen_shli(s, TCG_TYPE_I64, cpu_nf, nzcv, 60);
    /* Z: zf = !bit 2. */
    tcg_gen_extract(s, TCG_TYPE_I64, t, nzcv, 2, 1);
    tcg_gen_xori(s, TCG_TYPE_I64, cpu_zf, t, 1);
    tcg_gen_extract(s, TCG_TYPE_I64, cpu_cf, nzcv, 1, 1);
    tcg_gen_shli(s, TCG_TYPE_I64, cpu_vf, nzcv, 63);
}

/* The 4-bit NZCV value (N in bit 3) in a new i64 temp. */
static TCGv gen_get_nzcv(DisasContext *ctx)
{
    TCGContext *s = ctx->s;
    TCGv r = temp_new(ctx), t = temp_new(ctx);

    tcg_gen_shri(s, TCG_TYPE_I64, r, cpu_nf, 63);
    tcg_gen_shli(s, TCG_TYPE_I64, r, r, 3);
    tcg_gen_setcondi(s, TCG_TYPE_I64, TCG_COND_EQ, t, cpu_zf, 0);
    tcg_gen_shli(s, TCG_TYPE_I64, t, t, 2);
    tcg_gen_or(s, TCG_TYPE_I64, r, r, t);
    tcg_gen_shli(s, TCG_TYPE_I64, t, cpu_cf, 1);
    tcg_gen_or(s, TCG_TYPE_I64, r, r, t);
    tcg_gen_shri(s, TCG_TYPE_I64, t, cpu_vf, 63);
    tcg_gen_or(s, TCG_TYPE_I64, r, r, t);
    return r;
}

/*
 * Condition cond (the A64 4-bit encoding: EQ NE CS CC MI PL VS VC HI LS
 * GE LT GT LE AL NV) as an i64 temp holding 0 or 1. Odd conditions other
 * than 15 are the inverse of the one below them; 14 and 15 are "always".
 */
static TCGv gen_cond_value(DisasContext *ctx, int cond)
{
    TCGContext *s = ctx->s;
    TCGv r = temp_new(ctx), t = temp_new(ctx);
    TCGType I64 = TCG_TYPE_I64;
    TCGCond tc;
    TCGv c1, c2;

    if (gen_cmp_fused(ctx, cond, &tc, &c1, &c2)) {
        tcg_gen_setcond(s, I64, tc, r, c1, c2);
        return r;
    }
    switch (cond >> 1) {
    case 0: /* EQ: Z */
        tcg_gen_setcondi(s, I64, TCG_COND_EQ, r, cpu_zf, 0);
        break;
    case 1: /* CS: C */
        tcg_gen_mov(s, I64, r, cpu_cf);
        break;
    case 2: /* MI: N */
        tcg_gen_shri(s, I64, r, cpu_nf, 63);
        break;
    case 3: /* VS: V */
        tcg_gen_shri(s, I64, r, cpu_vf, 63);
        break;
    case 4: /* HI: C && !Z */
        tcg_gen_setcondi(s, I64, TCG_COND_NE, t, cpu_zf, 0);
        tcg_gen_and(s, I64, r, t, cpu_cf);
        break;
    case 5: /* GE: N == V */
        tcg_gen_xor(s, I64, t, cpu_nf, cpu_vf);
        tcg_gen_setcondi(s, I64, TCG_COND_GE, r, t, 0);
        break;
    case 6: /* GT: !Z && N == V */
        tcg_gen_xor(s, I64, t, cpu_nf, cpu_vf);
        tcg_gen_setcondi(s, I64, TCG_COND_GE, r, t, 0);
        tcg_gen_setcondi(s, I64, TCG_COND_NE, t, cpu_zf, 0);
        tcg_gen_and(s, I64, r, r, t);
        break;
    default: /* AL, NV */
        return const64(ctx, 1);
    }
    if ((cond & 1) && cond != 15) {
        tcg_gen_xori(s, I64, r, r, 1);
    }
    return r;
}

/* Branch to label when cond holds. */
static void gen_brcond_cc(DisasContext *ctx, int cond, uint32_t label)
{
    TCGContext *s = ctx->s;
    TCGCond tc;
    TCGv c1, c2;

    if (cond >= 14) {
        tcg_gen_br(s, label);
        return;
    }
    if (gen_cmp_fused(ctx, cond, &tc, &c1, &c2)) {
        tcg_gen_brcond(s, TCG_TYPE_I64, tc, c1, c2, label);
        return;
    }
    /* The common ones test a flag word directly. */
    switch (cond) {
    case 0:
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_EQ, cpu_zf, 0, label);
        return;
    case 1:
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_NE, cpu_zf, 0, label);
        return;
    case 4:
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_LT, cpu_nf, 0, label);
        return;
    case 5:
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_GE, cpu_nf, 0, label);
        return;
    default:
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_NE, gen_cond_value(ctx, cond),
                        0, label);
    }
}

/* ---- block ends and exceptions ---- */

static void gen_set_pc(DisasContext *ctx, uint64_t pc)
{
    tcg_gen_movi(ctx->s, TCG_TYPE_I64, cpu_pc, pc);
}

/* Direct jump through exit n (0 or 1, each used once per block). */
static void gen_goto_tb(DisasContext *ctx, unsigned n, uint64_t dest)
{
    /* The pc is stored only on the way out to the main loop: a chained
     * jump skips it, as nothing in the next block reads env's pc. */
    tcg_gen_goto_tb(ctx->s, n);
    gen_set_pc(ctx, dest);
    tcg_gen_exit_tb(ctx->s, ctx->tb, n);
    ctx->ended = true;
}

/* Indirect jump to the address in target (bit 0 and up kept as is: A64
 * has no interworking). */
static void gen_goto_reg(DisasContext *ctx, TCGv target)
{
    tcg_gen_mov(ctx->s, TCG_TYPE_I64, cpu_pc, target);
    tcg_gen_lookup_and_goto_ptr(ctx->s);
    ctx->ended = true;
}

/* End the block after this instruction without chaining (after a state
 * change later instructions' translation depends on). */
static void gen_end_block_next(DisasContext *ctx)
{
    gen_set_pc(ctx, ctx->pc + 4);
    tcg_gen_exit_tb(ctx->s, NULL, 0);
    ctx->ended = true;
}

/* Raise excp with pc = this instruction. */
static void gen_exception(DisasContext *ctx, int excp)
{
    TCGv args[2] = {ctx->s->env_temp, const64(ctx, (uint64_t)excp)};

    gen_set_pc(ctx, ctx->pc);
    tcg_gen_call(ctx->s, &a64_helper_raise, 0, args);
    tcg_gen_exit_tb(ctx->s, NULL, 0); /* not reached */
    ctx->ended = true;
}

/* UNDEFINED at EL0: SIGILL. For a trans_ that has already committed to
 * its encoding; otherwise return false. */
static bool gen_undef(DisasContext *ctx)
{
    gen_exception(ctx, EXCP_A64_UNDEF);
    return true;
}

static void gen_fetch_fault(DisasContext *ctx, uint64_t addr)
{
    TCGv args[2] = {ctx->s->env_temp, const64(ctx, addr)};

    gen_set_pc(ctx, ctx->pc);
    tcg_gen_call(ctx->s, &a64_helper_fetch_fault, 0, args);
    tcg_gen_exit_tb(ctx->s, NULL, 0);
    ctx->ended = true;
}

/* Call a helper whose arguments are env followed by up to five constant
 * integers (register numbers, element sizes, immediates), for the SIMD
 * and FP helpers that work on env->vregs in place. */
static void gen_helper_env_imm(DisasContext *ctx, const TCGHelperInfo *info,
                               int n, const uint64_t *imm)
{
    TCGv args[TCG_MAX_CALL_IARGS] = {0}; /* quiets -O3's maybe-uninitialized */

    assert(n + 1 <= TCG_MAX_CALL_IARGS && n + 1 == info->nb_args);
    args[0] = ctx->s->env_temp;
    for (int i = 0; i < n; i++) {
        args[i + 1] = const64(ctx, imm[i]);
    }
    tcg_gen_call(ctx->s, info, 0, args);
}

#include "trans-branch.c.inc"
#include "trans-crypto.c.inc"
#include "trans-dp.c.inc"
#include "trans-fp.c.inc"
#include "trans-ldst.c.inc"
#include "trans-simd.c.inc"
#include "trans-simdx.c.inc"

/* ---- the translate loop ---- */

static void translate_one(DisasContext *ctx)
{
    uint32_t insn;
    bool done = false;

    if (!aarch64_fetch_ok(ctx->pc, 4)) {
        gen_fetch_fault(ctx, ctx->pc);
        return;
    }
    memcpy(&insn, (const void *)(tcg_guest_base + ctx->pc), sizeof(insn));
    ctx->insn = insn;

    switch ((insn >> 25) & 0xf) {
    case 0x8:
    case 0x9:
    case 0x5:
    case 0xd:
        done = decode_a64_dp(ctx, insn);
        break;
    case 0xa:
    case 0xb:
        done = decode_a64_branch(ctx, insn);
        break;
    case 0x4:
    case 0x6:
    case 0xc:
    case 0xe:
        done = decode_a64_ldst(ctx, insn);
        break;
    case 0x7:
    case 0xf:
        done = decode_a64_fp(ctx, insn) || decode_a64_simd(ctx, insn) ||
               decode_a64_simdx(ctx, insn) || decode_a64_crypto(ctx, insn);
        break;
    default: /* 0000 reserved, 0001 unallocated, 0010 SVE, 0011 */
        break;
    }
    if (!done) {
        gen_undef(ctx);
    }
}

void aarch64_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                       int max_insns)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    DisasContext ctx = {
        .s = s, .tb = tb, .pc = tb->pc, .features = cpu->features};
    uint64_t page = tb->pc / A64_PAGE_SIZE;
    int icount = 0;

    assert(max_insns >= 1 && "runtime passed no instruction budget");
    for (;;) {
        tcg_gen_insn_start(s, ctx.pc, 0);
        icount++;
        translate_one(&ctx);
        if (ctx.ended) {
            break;
        }
        if (icount >= max_insns || (ctx.pc + 4) / A64_PAGE_SIZE != page) {
            gen_goto_tb(&ctx, 0, ctx.pc + 4);
            break;
        }
        ctx.pc += 4;
    }
    tb->size = (uint32_t)(ctx.pc + 4 - tb->pc);
    tb->icount = (uint32_t)icount;
}

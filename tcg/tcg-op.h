/*
 * The IR builder API used by guest front ends and tests: one inline
 * function per op shape. Temps are indexes (TCGv) into the context; the
 * width of an INT op is its explicit TCGType argument. These functions only
 * append ops; they never fold or check more than argument counts, which
 * keeps them cheap: the optimizer does the folding.
 */
#ifndef VEMU_TCG_OP_H
#define VEMU_TCG_OP_H

#include "tcg/exec.h"
#include "tcg/tcg.h"

typedef uint32_t TCGv;

static inline TCGOp *tcg_gen_opn(TCGContext *s, TCGOpcode opc, TCGType t, int n,
                                 const TCGArg *a)
{
    TCGOp *op = tcg_emit_op(s, opc, t);
    for (int i = 0; i < n; i++) {
        op->args[i] = a[i];
    }
    return op;
}

#define TCG_GEN(s, opc, t, ...)                                                \
    tcg_gen_opn((s), (opc), (t),                                               \
                sizeof((TCGArg[]){__VA_ARGS__}) / sizeof(TCGArg),              \
                (TCGArg[]){__VA_ARGS__})

/* Temps. */
static inline TCGv tcg_temp_ebb(TCGContext *s, TCGType t)
{
    return tcg_temp_new(s, t, TEMP_EBB);
}
static inline TCGv tcg_temp_tb(TCGContext *s, TCGType t)
{
    return tcg_temp_new(s, t, TEMP_TB);
}
static inline TCGv tcg_const(TCGContext *s, TCGType t, uint64_t v)
{
    return tcg_constant(s, t, v);
}

/* Moves. movi is a mov from an interned constant temp. */
static inline void tcg_gen_mov(TCGContext *s, TCGType t, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_mov, t, r, a);
}
static inline void tcg_gen_movi(TCGContext *s, TCGType t, TCGv r, uint64_t v)
{
    TCG_GEN(s, INDEX_op_mov, t, r, tcg_constant(s, t, v));
}

#define TCG_GEN_BINOP(name)                                                    \
    static inline void tcg_gen_##name(TCGContext *s, TCGType t, TCGv r,        \
                                      TCGv a, TCGv b)                          \
    {                                                                          \
        TCG_GEN(s, INDEX_op_##name, t, r, a, b);                               \
    }                                                                          \
    static inline void tcg_gen_##name##i(TCGContext *s, TCGType t, TCGv r,     \
                                         TCGv a, uint64_t imm)                 \
    {                                                                          \
        TCG_GEN(s, INDEX_op_##name, t, r, a, tcg_constant(s, t, imm));         \
    }
TCG_GEN_BINOP(add)
TCG_GEN_BINOP(sub)
TCG_GEN_BINOP(mul)
TCG_GEN_BINOP(mulsh)
TCG_GEN_BINOP(muluh)
TCG_GEN_BINOP(div)
TCG_GEN_BINOP(divu)
TCG_GEN_BINOP(rem)
TCG_GEN_BINOP(remu)
TCG_GEN_BINOP(and)
TCG_GEN_BINOP(or)
TCG_GEN_BINOP(xor)
TCG_GEN_BINOP(andc)
TCG_GEN_BINOP(orc)
TCG_GEN_BINOP(eqv)
TCG_GEN_BINOP(nand)
TCG_GEN_BINOP(nor)
TCG_GEN_BINOP(shl)
TCG_GEN_BINOP(shr)
TCG_GEN_BINOP(sar)
TCG_GEN_BINOP(rotl)
TCG_GEN_BINOP(rotr)
#undef TCG_GEN_BINOP

#define TCG_GEN_UNOP(name)                                                     \
    static inline void tcg_gen_##name(TCGContext *s, TCGType t, TCGv r,        \
                                      TCGv a)                                  \
    {                                                                          \
        TCG_GEN(s, INDEX_op_##name, t, r, a);                                  \
    }
TCG_GEN_UNOP(neg)
TCG_GEN_UNOP(not )
TCG_GEN_UNOP(clz)
TCG_GEN_UNOP(ctz)
TCG_GEN_UNOP(ctpop)
TCG_GEN_UNOP(bswap16)
TCG_GEN_UNOP(bswap32)
TCG_GEN_UNOP(bswap64)
TCG_GEN_UNOP(ext8s)
TCG_GEN_UNOP(ext8u)
TCG_GEN_UNOP(ext16s)
TCG_GEN_UNOP(ext16u)
TCG_GEN_UNOP(ext32s)
TCG_GEN_UNOP(ext32u)
#undef TCG_GEN_UNOP

/* Width changes: r and a have the types named by the op. */
static inline void tcg_gen_extu_i32_i64(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_extu_i32_i64, TCG_TYPE_I64, r, a);
}
static inline void tcg_gen_exts_i32_i64(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_exts_i32_i64, TCG_TYPE_I64, r, a);
}
static inline void tcg_gen_extrl_i64_i32(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_extrl_i64_i32, TCG_TYPE_I32, r, a);
}
static inline void tcg_gen_extrh_i64_i32(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_extrh_i64_i32, TCG_TYPE_I32, r, a);
}

/* Bit fields. */
static inline void tcg_gen_extract(TCGContext *s, TCGType t, TCGv r, TCGv a,
                                   unsigned pos, unsigned len)
{
    TCG_GEN(s, INDEX_op_extract, t, r, a, pos, len);
}
static inline void tcg_gen_sextract(TCGContext *s, TCGType t, TCGv r, TCGv a,
                                    unsigned pos, unsigned len)
{
    TCG_GEN(s, INDEX_op_sextract, t, r, a, pos, len);
}
static inline void tcg_gen_deposit(TCGContext *s, TCGType t, TCGv r, TCGv a,
                                   TCGv b, unsigned pos, unsigned len)
{
    TCG_GEN(s, INDEX_op_deposit, t, r, a, b, pos, len);
}

/* Double-word arithmetic: (rh:rl) = (ah:al) +/- (bh:bl). */
static inline void tcg_gen_add2(TCGContext *s, TCGType t, TCGv rl, TCGv rh,
                                TCGv al, TCGv ah, TCGv bl, TCGv bh)
{
    TCG_GEN(s, INDEX_op_add2, t, rl, rh, al, ah, bl, bh);
}
static inline void tcg_gen_sub2(TCGContext *s, TCGType t, TCGv rl, TCGv rh,
                                TCGv al, TCGv ah, TCGv bl, TCGv bh)
{
    TCG_GEN(s, INDEX_op_sub2, t, rl, rh, al, ah, bl, bh);
}

/* Conditionals. */
static inline void tcg_gen_setcond(TCGContext *s, TCGType t, TCGCond c, TCGv r,
                                   TCGv a, TCGv b)
{
    TCG_GEN(s, INDEX_op_setcond, t, r, a, b, c);
}
static inline void tcg_gen_setcondi(TCGContext *s, TCGType t, TCGCond c,
                                    TCGv r, TCGv a, uint64_t imm)
{
    tcg_gen_setcond(s, t, c, r, a, tcg_constant(s, t, imm));
}
static inline void tcg_gen_movcond(TCGContext *s, TCGType t, TCGCond c, TCGv r,
                                   TCGv c1, TCGv c2, TCGv v1, TCGv v2)
{
    TCG_GEN(s, INDEX_op_movcond, t, r, c1, c2, v1, v2, c);
}

/* Labels and branches. */
static inline void tcg_gen_set_label(TCGContext *s, uint32_t l)
{
    TCG_GEN(s, INDEX_op_set_label, TCG_TYPE_I64, l);
}
static inline void tcg_gen_br(TCGContext *s, uint32_t l)
{
    s->labels[l].refs++;
    TCG_GEN(s, INDEX_op_br, TCG_TYPE_I64, l);
}
static inline void tcg_gen_brcond(TCGContext *s, TCGType t, TCGCond c, TCGv a,
                                  TCGv b, uint32_t l)
{
    s->labels[l].refs++;
    TCG_GEN(s, INDEX_op_brcond, t, a, b, c, l);
}
static inline void tcg_gen_brcondi(TCGContext *s, TCGType t, TCGCond c, TCGv a,
                                   uint64_t imm, uint32_t l)
{
    tcg_gen_brcond(s, t, c, a, tcg_constant(s, t, imm), l);
}

/* Host memory relative to base (normally s->env_temp). mo: size|sign. */
static inline void tcg_gen_ld(TCGContext *s, TCGType t, TCGv r, TCGv base,
                              MemOp mo, intptr_t off)
{
    TCG_GEN(s, INDEX_op_ld, t, r, base, mo, (TCGArg)off);
}
static inline void tcg_gen_st(TCGContext *s, TCGType t, TCGv v, TCGv base,
                              MemOp mo, intptr_t off)
{
    TCG_GEN(s, INDEX_op_st, t, v, base, mo, (TCGArg)off);
}

/* Guest memory. addr is always an i64 temp. */
static inline void tcg_gen_qemu_ld(TCGContext *s, TCGType t, TCGv r, TCGv addr,
                                   MemOp mo)
{
    TCG_GEN(s, INDEX_op_qemu_ld, t, r, addr, mo);
}
static inline void tcg_gen_qemu_st(TCGContext *s, TCGType t, TCGv v, TCGv addr,
                                   MemOp mo)
{
    TCG_GEN(s, INDEX_op_qemu_st, t, v, addr, mo);
}
static inline void tcg_gen_atomic_cmpxchg(TCGContext *s, TCGType t, TCGv r,
                                          TCGv addr, TCGv cmp, TCGv nv,
                                          MemOp mo)
{
    TCG_GEN(s, INDEX_op_atomic_cmpxchg, t, r, addr, cmp, nv, mo);
}
static inline void tcg_gen_atomic_xchg(TCGContext *s, TCGType t, TCGv r,
                                       TCGv addr, TCGv v, MemOp mo)
{
    TCG_GEN(s, INDEX_op_atomic_xchg, t, r, addr, v, mo);
}
static inline void tcg_gen_atomic_fetch(TCGContext *s, TCGType t,
                                        TCGAtomicOp aop, TCGv r, TCGv addr,
                                        TCGv v, MemOp mo)
{
    TCG_GEN(s, INDEX_op_atomic_fetch, t, r, addr, v, mo, aop);
}
static inline void tcg_gen_mb(TCGContext *s, unsigned kind)
{
    TCG_GEN(s, INDEX_op_mb, TCG_TYPE_I64, kind);
}

/*
 * Vectors: r, a, b are v128 temps (tcg_temp_ebb/tb(s, TCG_TYPE_V128)),
 * vece the element size as MO_8..MO_64. Lane ops treat the 128 bits as
 * 16/8/4/2 little-endian elements, element 0 in the lowest bytes.
 */
static inline void tcg_gen_ld_vec(TCGContext *s, TCGv r, TCGv base,
                                  intptr_t off)
{
    TCG_GEN(s, INDEX_op_ld_vec, TCG_TYPE_V128, r, base, (TCGArg)off);
}
static inline void tcg_gen_st_vec(TCGContext *s, TCGv v, TCGv base,
                                  intptr_t off)
{
    TCG_GEN(s, INDEX_op_st_vec, TCG_TYPE_V128, v, base, (TCGArg)off);
}
static inline void tcg_gen_mov_vec(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_mov_vec, TCG_TYPE_V128, r, a);
}
/* Every element of r = the low bits of the i32 or i64 temp a. */
static inline void tcg_gen_dup_vec(TCGContext *s, unsigned vece, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_dup_vec, TCG_TYPE_V128, r, a, vece);
}
/* Vector constants are dups of an integer constant (0 and ~0 included). */
static inline void tcg_gen_dupi_vec(TCGContext *s, unsigned vece, TCGv r,
                                    uint64_t v)
{
    tcg_gen_dup_vec(s, vece, r, tcg_constant(s, TCG_TYPE_I64, v));
}
/* i64 r = bits [64 * half, 64 * half + 64) of a; half is 0 or 1. */
static inline void tcg_gen_extract64_vec(TCGContext *s, TCGv r, TCGv a,
                                         unsigned half)
{
    TCG_GEN(s, INDEX_op_extract64_vec, TCG_TYPE_V128, r, a, half);
}
/* r = a with 64-bit half `half` replaced by the i64 temp b. */
static inline void tcg_gen_insert64_vec(TCGContext *s, TCGv r, TCGv a, TCGv b,
                                        unsigned half)
{
    TCG_GEN(s, INDEX_op_insert64_vec, TCG_TYPE_V128, r, a, b, half);
}
static inline void tcg_gen_not_vec(TCGContext *s, TCGv r, TCGv a)
{
    TCG_GEN(s, INDEX_op_not_vec, TCG_TYPE_V128, r, a);
}

#define TCG_GEN_VEC_BITOP(name)                                                \
    static inline void tcg_gen_##name##_vec(TCGContext *s, TCGv r, TCGv a,     \
                                            TCGv b)                            \
    {                                                                          \
        TCG_GEN(s, INDEX_op_##name##_vec, TCG_TYPE_V128, r, a, b);             \
    }
TCG_GEN_VEC_BITOP(and)
TCG_GEN_VEC_BITOP(or)
TCG_GEN_VEC_BITOP(xor)
TCG_GEN_VEC_BITOP(andc)
#undef TCG_GEN_VEC_BITOP

#define TCG_GEN_VEC_LANEOP(name)                                               \
    static inline void tcg_gen_##name##_vec(TCGContext *s, unsigned vece,      \
                                            TCGv r, TCGv a, TCGv b)            \
    {                                                                          \
        TCG_GEN(s, INDEX_op_##name##_vec, TCG_TYPE_V128, r, a, b, vece);       \
    }
TCG_GEN_VEC_LANEOP(add)
TCG_GEN_VEC_LANEOP(sub)
TCG_GEN_VEC_LANEOP(cmpeq)
TCG_GEN_VEC_LANEOP(smin)
TCG_GEN_VEC_LANEOP(smax)
TCG_GEN_VEC_LANEOP(umin)
TCG_GEN_VEC_LANEOP(umax)
#undef TCG_GEN_VEC_LANEOP

/* Helper calls: ret may be 0 (ignored) when info->has_ret is false. */
static inline void tcg_gen_call(TCGContext *s, const TCGHelperInfo *info,
                                TCGv ret, const TCGv *args)
{
    TCGOp *op = tcg_emit_op(s, INDEX_op_call,
                            info->has_ret ? info->ret_type : TCG_TYPE_I64);
    int n = 0;
    op->call_oargs = info->has_ret ? 1 : 0;
    op->call_iargs = info->nb_args;
    if (info->has_ret) {
        op->args[n++] = ret;
    }
    for (int i = 0; i < info->nb_args; i++) {
        op->args[n++] = args[i];
    }
    op->args[n] = (TCGArg)(uintptr_t)info;
}

/* Block ends and chaining. */
static inline void tcg_gen_insn_start(TCGContext *s, uint64_t d0, uint64_t d1)
{
    TCG_GEN(s, INDEX_op_insn_start, TCG_TYPE_I64, d0, d1);
}
static inline void tcg_gen_goto_tb(TCGContext *s, unsigned n)
{
    TCG_GEN(s, INDEX_op_goto_tb, TCG_TYPE_I64, n);
}
/* Return to the main loop; tb/n name the exit the loop may chain. */
static inline void tcg_gen_exit_tb(TCGContext *s, const TranslationBlock *tb,
                                   unsigned n)
{
    TCG_GEN(s, INDEX_op_exit_tb, TCG_TYPE_I64,
            tb ? (uintptr_t)tb | n : TB_EXIT_NOCHAIN);
}
static inline void tcg_gen_goto_ptr(TCGContext *s, TCGv ptr)
{
    TCG_GEN(s, INDEX_op_goto_ptr, TCG_TYPE_I64, ptr);
}
/* Indirect jump: the guest pc is already in env; find its block inline. */
static inline void tcg_gen_lookup_and_goto_ptr(TCGContext *s)
{
    if (s->lookup_pc) {
        TCG_GEN(s, INDEX_op_lookup_goto, TCG_TYPE_I64, s->lookup_pc);
        return;
    }
    TCGv ptr = tcg_temp_ebb(s, TCG_TYPE_I64);
    tcg_gen_call(s, &helper_info_lookup_tb_ptr, ptr, &s->env_temp);
    tcg_gen_goto_ptr(s, ptr);
}

#endif

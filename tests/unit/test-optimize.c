/*
 * Unit tests of the optimizer (tcg/optimize.c) and of the reference op
 * semantics it folds with (tcg_fold_op, tcg/fold.c).
 *
 * Optimizer cases build a small IR block with tcg/tcg-op.h on a fresh
 * context with a few globals, run tcg_optimize, and check the ops that
 * remain: one case per rule. Fold cases compare tcg_fold_op on edge values
 * with hand-computed constants and with slow, independent C (bit loops,
 * byte arrays, schoolbook products) written from docs/tcg-ir.md, not from
 * fold.c.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

#define I32 TCG_TYPE_I32
#define I64 TCG_TYPE_I64

/* ------------------------------------------------------------------ */
/* Fixture: a context with globals g0, g1 (i64) and w0 (i32).          */

static TCGContext ctx;
static TCGContext *s = &ctx;
static TCGv g0, g1, w0;

static void setup(void)
{
    tcg_context_init(s);
    g0 = tcg_global_mem_new(s, I64, 0x100, "g0");
    g1 = tcg_global_mem_new(s, I64, 0x108, "g1");
    w0 = tcg_global_mem_new(s, I32, 0x110, "w0");
    tcg_func_start(s);
}

static void teardown(void)
{
    tcg_context_free(s);
}

/* Print the block, so a failing case shows what the optimizer left. */
static void dump(const char *why)
{
    fprintf(stderr, "---- %s\n", why);
    tcg_dump_ops(s, stderr, false);
}

static void optimize(void)
{
    if (getenv("VEMU_TEST_DUMP")) {
        dump("before");
    }
    tcg_optimize(s);
    if (getenv("VEMU_TEST_DUMP")) {
        dump("after");
    }
}

static int count_ops(TCGOpcode opc)
{
    int n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc == opc;
    }
    return n;
}

/* Ops other than nop and insn_start. */
static int count_live(void)
{
    int n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc != INDEX_op_nop &&
             s->ops[i].opc != INDEX_op_insn_start;
    }
    return n;
}

/* The last op that writes temp t (outputs come first in args). */
static TCGOp *writer_of(TCGv t)
{
    for (uint32_t i = s->nb_ops; i-- > 0;) {
        TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_nop) {
            continue;
        }
        int no = tcg_op_nb_oargs(op);
        for (int k = 0; k < no; k++) {
            if (op->args[k] == t) {
                return op;
            }
        }
    }
    return NULL;
}

/* The first op with opcode opc. */
static TCGOp *first_op(TCGOpcode opc)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == opc) {
            return &s->ops[i];
        }
    }
    return NULL;
}

static bool is_const_temp(TCGArg t, TCGType type, uint64_t v)
{
    return s->temps[t].kind == TEMP_CONST && s->temps[t].type == type &&
           s->temps[t].val == v;
}

/* t is last written by "mov t, $v" with a constant of t's type. */
static void assert_movi(TCGv t, uint64_t v)
{
    TCGOp *op = writer_of(t);
    if (!op || op->opc != INDEX_op_mov ||
        !is_const_temp(op->args[1], s->temps[t].type, v)) {
        dump("assert_movi");
    }
    ck_assert_ptr_nonnull(op);
    ck_assert_str_eq(tcg_op_defs[op->opc].name, "mov");
    ck_assert_msg(is_const_temp(op->args[1], s->temps[t].type, v),
                  "expected constant 0x%" PRIx64, v);
}

/* t is last written by "mov t, src". */
static void assert_mov(TCGv t, TCGv src)
{
    TCGOp *op = writer_of(t);
    if (!op || op->opc != INDEX_op_mov || op->args[1] != src) {
        dump("assert_mov");
    }
    ck_assert_ptr_nonnull(op);
    ck_assert_str_eq(tcg_op_defs[op->opc].name, "mov");
    ck_assert_uint_eq(op->args[1], src);
}

/* t is last written by an op with opcode opc. */
static TCGOp *assert_op(TCGv t, TCGOpcode opc)
{
    TCGOp *op = writer_of(t);
    if (!op || op->opc != opc) {
        dump("assert_op");
    }
    ck_assert_ptr_nonnull(op);
    ck_assert_str_eq(tcg_op_defs[op->opc].name, tcg_op_defs[opc].name);
    return op;
}

static const TCGHelperInfo helper_plain = {
    .func = (void *)abort,
    .name = "plain",
    .flags = 0,
};
static const TCGHelperInfo helper_pure = {
    .func = (void *)abort,
    .name = "pure",
    .flags = TCG_CALL_PURE,
};
static const TCGHelperInfo helper_nowrite = {
    .func = (void *)abort,
    .name = "nowrite",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
};
static const TCGHelperInfo helper_ret = {
    .func = (void *)abort,
    .name = "ret",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

/* ------------------------------------------------------------------ */
/* Constant folding and propagation                                    */

START_TEST(test_const_add_chain)
{
    TCGv t0 = tcg_temp_ebb(s, I64), t1 = tcg_temp_ebb(s, I64);
    TCGv t2 = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, t0, 5);
    tcg_gen_addi(s, I64, t1, t0, 3);
    tcg_gen_addi(s, I64, t2, t1, 10);
    tcg_gen_sub(s, I64, g0, t2, t0);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_add), 0);
    ck_assert_int_eq(count_ops(INDEX_op_sub), 0);
    assert_movi(t2, 18);
    assert_movi(g0, 13);
}
END_TEST

START_TEST(test_const_i32_wraps)
{
    TCGv t0 = tcg_temp_ebb(s, I32);
    tcg_gen_movi(s, I32, t0, 0xffffffff);
    tcg_gen_addi(s, I32, w0, t0, 2);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(w0, 1);
}
END_TEST

START_TEST(test_const_every_unop)
{
    /* A constant through a chain of unary ops, each folded. */
    TCGv t = tcg_temp_ebb(s, I64), u = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, t, 0x00000000000080f0ull);
    tcg_gen_ext16s(s, I64, u, t);  /* 0xffffffffffff80f0 */
    tcg_gen_bswap64(s, I64, u, u); /* 0xf080ffffffffffff */
    tcg_gen_not(s, I64, u, u);     /* 0x0f7f000000000000 */
    tcg_gen_ctpop(s, I64, g0, u);  /* 4 + 7 = 11 */
    tcg_gen_clz(s, I64, g1, u);    /* 4 */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(u, 0x0f7f000000000000ull);
    assert_movi(g0, 11);
    assert_movi(g1, 4);
}
END_TEST

START_TEST(test_const_add2)
{
    TCGv al = tcg_temp_ebb(s, I32), ah = tcg_temp_ebb(s, I32);
    TCGv rl = tcg_temp_ebb(s, I32), rh = tcg_temp_ebb(s, I32);
    tcg_gen_movi(s, I32, al, 0xffffffff);
    tcg_gen_movi(s, I32, ah, 0x10);
    tcg_gen_add2(s, I32, rl, rh, al, ah, tcg_const(s, I32, 2),
                 tcg_const(s, I32, 0));
    tcg_gen_add(s, I32, w0, rl, rh);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_add2), 0);
    assert_movi(rl, 1);
    assert_movi(rh, 0x11);
    assert_movi(w0, 0x12);
}
END_TEST

START_TEST(test_const_sub2_inserts)
{
    /* No nop before the sub2 to reuse: the pass inserts an op. */
    TCGv rl = tcg_temp_ebb(s, I64), rh = tcg_temp_ebb(s, I64);
    TCGv z = tcg_const(s, I64, 0), one = tcg_const(s, I64, 1);
    tcg_gen_sub2(s, I64, rl, rh, z, z, one, z);
    tcg_gen_mov(s, I64, g0, rl);
    tcg_gen_mov(s, I64, g1, rh);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_sub2), 0);
    assert_movi(g0, ~0ull);
    assert_movi(g1, ~0ull);
}
END_TEST

START_TEST(test_const_width_change_types)
{
    /* Constants put into inputs take the input's type, not the op's. */
    TCGv t32 = tcg_temp_ebb(s, I32), t64 = tcg_temp_ebb(s, I64);
    TCGv r64 = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I32, t32, 0x80000000);
    tcg_gen_exts_i32_i64(s, g0, t32);
    tcg_gen_movi(s, I64, t64, 0x1234567890abcdefull);
    tcg_gen_extrh_i64_i32(s, w0, t64);
    /* Not foldable (g1 unknown) but its input becomes a constant. */
    tcg_gen_ld(s, I64, r64, s->env_temp, MO_UQ, 0x200);
    tcg_gen_qemu_st(s, I32, t32, r64, MO_UL);
    tcg_gen_qemu_st(s, I64, g1, t64, MO_UQ);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(g0, 0xffffffff80000000ull);
    assert_movi(w0, 0x12345678);
    TCGOp *st = first_op(INDEX_op_qemu_st);
    ck_assert_ptr_nonnull(st);
    ck_assert(is_const_temp(st->args[0], I32, 0x80000000));
    ck_assert_uint_eq(st->args[1], r64);
    st = &s->ops[st - s->ops + 1];
    ck_assert_int_eq(st->opc, INDEX_op_qemu_st);
    ck_assert_uint_eq(st->args[0], g1);
    ck_assert(is_const_temp(st->args[1], I64, 0x1234567890abcdefull));
}
END_TEST

START_TEST(test_side_effects_kept)
{
    /* A load at a constant address is not folded, only its input is. */
    TCGv a = tcg_temp_ebb(s, I64), r = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, a, 0x1000);
    tcg_gen_qemu_ld(s, I64, r, a, MO_UB);
    tcg_gen_ext8u(s, I64, g0, r);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *ld = assert_op(r, INDEX_op_qemu_ld);
    ck_assert(is_const_temp(ld->args[1], I64, 0x1000));
    /* The byte load is zero-extended already. */
    assert_mov(g0, r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Algebraic simplification                                            */

START_TEST(test_xor_self)
{
    TCGv t = tcg_temp_ebb(s, I64), u = tcg_temp_ebb(s, I64);
    tcg_gen_xor(s, I64, t, g0, g0);
    /* The same value reached through a copy. */
    tcg_gen_mov(s, I64, u, g1);
    tcg_gen_xor(s, I64, g0, u, g1);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_xor), 0);
    assert_movi(t, 0);
    assert_movi(g0, 0);
}
END_TEST

START_TEST(test_identities)
{
    TCGv r[16];
    for (int i = 0; i < 16; i++) {
        r[i] = tcg_temp_tb(s, I64);
    }
    tcg_gen_addi(s, I64, r[0], g0, 0);
    tcg_gen_subi(s, I64, r[1], g0, 0);
    tcg_gen_muli(s, I64, r[2], g0, 1);
    tcg_gen_muli(s, I64, r[3], g0, 0);
    tcg_gen_andi(s, I64, r[4], g0, 0);
    tcg_gen_andi(s, I64, r[5], g0, ~0ull);
    tcg_gen_ori(s, I64, r[6], g0, 0);
    tcg_gen_ori(s, I64, r[7], g0, ~0ull);
    tcg_gen_xori(s, I64, r[8], g0, 0);
    tcg_gen_sub(s, I64, r[9], g0, g0);
    tcg_gen_and(s, I64, r[10], g0, g0);
    tcg_gen_or(s, I64, r[11], g0, g0);
    tcg_gen_shli(s, I64, r[12], g0, 64); /* count mod 64 == 0 */
    tcg_gen_sari(s, I64, r[13], g0, 0);
    tcg_gen_rotri(s, I64, r[14], g0, 128);
    /* 0 + x with the constant first. */
    tcg_gen_add(s, I64, r[15], tcg_const(s, I64, 0), g0);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_mov(r[0], g0);
    assert_mov(r[1], g0);
    assert_mov(r[2], g0);
    assert_movi(r[3], 0);
    assert_movi(r[4], 0);
    assert_mov(r[5], g0);
    assert_mov(r[6], g0);
    assert_movi(r[7], ~0ull);
    assert_mov(r[8], g0);
    assert_movi(r[9], 0);
    assert_mov(r[10], g0);
    assert_mov(r[11], g0);
    assert_mov(r[12], g0);
    assert_mov(r[13], g0);
    assert_mov(r[14], g0);
    assert_mov(r[15], g0);
}
END_TEST

START_TEST(test_logic_variants)
{
    TCGv r[12];
    for (int i = 0; i < 12; i++) {
        r[i] = tcg_temp_tb(s, I32);
    }
    tcg_gen_andc(s, I32, r[0], w0, w0);                   /* 0 */
    tcg_gen_orc(s, I32, r[1], w0, w0);                    /* -1 */
    tcg_gen_eqv(s, I32, r[2], w0, w0);                    /* -1 */
    tcg_gen_andci(s, I32, r[3], w0, 0);                   /* w0 */
    tcg_gen_orci(s, I32, r[4], w0, 0);                    /* -1 */
    tcg_gen_eqvi(s, I32, r[5], w0, 0xffffffff);           /* w0 */
    tcg_gen_xori(s, I32, r[6], w0, 0xffffffff);           /* not w0 */
    tcg_gen_nand(s, I32, r[7], w0, w0);                   /* not w0 */
    tcg_gen_nori(s, I32, r[8], w0, 0xffffffff);           /* 0 */
    tcg_gen_andci(s, I32, r[9], w0, 0xffff0000);          /* and 0xffff */
    tcg_gen_sub(s, I32, r[10], tcg_const(s, I32, 0), w0); /* neg */
    tcg_gen_nandi(s, I32, r[11], w0, 0);                  /* -1 */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(r[0], 0);
    assert_movi(r[1], 0xffffffff);
    assert_movi(r[2], 0xffffffff);
    assert_mov(r[3], w0);
    assert_movi(r[4], 0xffffffff);
    assert_mov(r[5], w0);
    ck_assert_uint_eq(assert_op(r[6], INDEX_op_not)->args[1], w0);
    ck_assert_uint_eq(assert_op(r[7], INDEX_op_not)->args[1], w0);
    assert_movi(r[8], 0);
    TCGOp *op = assert_op(r[9], INDEX_op_and);
    ck_assert(is_const_temp(op->args[2], I32, 0xffff));
    ck_assert_uint_eq(assert_op(r[10], INDEX_op_neg)->args[1], w0);
    assert_movi(r[11], 0xffffffff);
}
END_TEST

START_TEST(test_division_identities)
{
    TCGv r[7];
    for (int i = 0; i < 7; i++) {
        r[i] = tcg_temp_tb(s, I64);
    }
    tcg_gen_divi(s, I64, r[0], g0, 1);     /* g0 */
    tcg_gen_divi(s, I64, r[1], g0, 0);     /* -1 */
    tcg_gen_divui(s, I64, r[2], g0, 0);    /* -1 */
    tcg_gen_remi(s, I64, r[3], g0, 0);     /* g0 */
    tcg_gen_remi(s, I64, r[4], g0, ~0ull); /* 0 */
    tcg_gen_remui(s, I64, r[5], g0, 16);   /* and 15 */
    tcg_gen_divi(s, I64, r[6], g0, ~0ull); /* neg */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_mov(r[0], g0);
    assert_movi(r[1], ~0ull);
    assert_movi(r[2], ~0ull);
    assert_mov(r[3], g0);
    assert_movi(r[4], 0);
    TCGOp *op = assert_op(r[5], INDEX_op_and);
    ck_assert(is_const_temp(op->args[2], I64, 15));
    ck_assert_uint_eq(assert_op(r[6], INDEX_op_neg)->args[1], g0);
}
END_TEST

START_TEST(test_mulsh_by_one)
{
    TCGv r = tcg_temp_tb(s, I32);
    tcg_gen_mulshi(s, I32, r, w0, 1);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *op = assert_op(r, INDEX_op_sar);
    ck_assert(is_const_temp(op->args[2], I32, 31));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Known bits                                                          */

START_TEST(test_known_bits_ext32u)
{
    TCGv x = tcg_temp_ebb(s, I64), y = tcg_temp_ebb(s, I64);
    TCGv z = tcg_temp_ebb(s, I64);
    tcg_gen_extu_i32_i64(s, x, w0);
    tcg_gen_ext32u(s, I64, y, x);
    tcg_gen_andi(s, I64, z, y, 0xffffffffull);
    tcg_gen_add(s, I64, g0, y, z);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_ext32u), 0);
    ck_assert_int_eq(count_ops(INDEX_op_and), 0);
    assert_mov(y, x);
    assert_mov(z, x);
    /* The copies fold into the add's inputs. */
    TCGOp *add = assert_op(g0, INDEX_op_add);
    ck_assert_uint_eq(add->args[1], x);
    ck_assert_uint_eq(add->args[2], x);
}
END_TEST

START_TEST(test_known_bits_not_redundant)
{
    /* ext32s of a zero-extended i32 is not a no-op (bit 31 may be set),
     * and ext16u of a 32-bit value is not either. */
    TCGv x = tcg_temp_ebb(s, I64), y = tcg_temp_ebb(s, I64);
    TCGv z = tcg_temp_ebb(s, I64);
    tcg_gen_extu_i32_i64(s, x, w0);
    tcg_gen_ext32s(s, I64, y, x);
    tcg_gen_ext16u(s, I64, z, x);
    tcg_gen_add(s, I64, g0, y, z);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_op(y, INDEX_op_ext32s);
    assert_op(z, INDEX_op_ext16u);
}
END_TEST

START_TEST(test_known_bits_chain)
{
    TCGv a = tcg_temp_ebb(s, I64), b = tcg_temp_ebb(s, I64);
    TCGv c = tcg_temp_ebb(s, I64), d = tcg_temp_ebb(s, I64);
    TCGv e = tcg_temp_ebb(s, I64), f = tcg_temp_ebb(s, I64);
    tcg_gen_ext8u(s, I64, a, g0);         /* <= 0xff */
    tcg_gen_shli(s, I64, b, a, 4);        /* <= 0xff0 */
    tcg_gen_ext16s(s, I64, c, b);         /* no-op: bit 15 clear */
    tcg_gen_shri(s, I64, d, b, 12);       /* always 0 */
    tcg_gen_ori(s, I64, e, a, 0xff);      /* always 0xff */
    tcg_gen_extract(s, I64, f, b, 0, 12); /* no-op */
    tcg_gen_add(s, I64, g1, c, d);
    tcg_gen_add(s, I64, g1, g1, e);
    tcg_gen_add(s, I64, g1, g1, f);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_mov(c, b);
    assert_movi(d, 0);
    assert_movi(e, 0xff);
    assert_mov(f, b);
}
END_TEST

START_TEST(test_known_bits_branch)
{
    /* An 8-bit value is always below 256 and never equal to 0x100. */
    TCGv a = tcg_temp_ebb(s, I64), r = tcg_temp_ebb(s, I64);
    uint32_t l = tcg_label_new(s);
    tcg_gen_ext8u(s, I64, a, g0);
    tcg_gen_setcond(s, I64, TCG_COND_EQ, r, a, tcg_const(s, I64, 0x100));
    tcg_gen_mov(s, I64, g1, r);
    tcg_gen_brcondi(s, I64, TCG_COND_GEU, a, 256, l);
    tcg_gen_movi(s, I64, g0, 1);
    tcg_gen_set_label(s, l);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(g1, 0);
    ck_assert_int_eq(count_ops(INDEX_op_brcond), 0);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 0);
    ck_assert_uint_eq(s->labels[l].refs, 0);
    assert_movi(g0, 1);
}
END_TEST

START_TEST(test_known_bits_bounds)
{
    /* Compares against the exact bound of an 8-bit value. */
    TCGv a = tcg_temp_tb(s, I64), b = tcg_temp_tb(s, I64);
    TCGv r[8];
    for (int i = 0; i < 8; i++) {
        r[i] = tcg_temp_tb(s, I64);
    }
    tcg_gen_ext8u(s, I64, a, g0);
    tcg_gen_ext16u(s, I64, b, g1);
    tcg_gen_setcond(s, I64, TCG_COND_LTU, r[0], a,
                    tcg_const(s, I64, 0xff)); /* unknown */
    tcg_gen_setcond(s, I64, TCG_COND_LEU, r[1], a,
                    tcg_const(s, I64, 0xff)); /* 1 */
    tcg_gen_setcond(s, I64, TCG_COND_GTU, r[2], a,
                    tcg_const(s, I64, 0xfe)); /* unknown */
    tcg_gen_setcond(s, I64, TCG_COND_LT, r[3], a,
                    tcg_const(s, I64, ~0ull)); /* 0 */
    tcg_gen_setcond(s, I64, TCG_COND_EQ, r[4], a,
                    tcg_const(s, I64, 0x80)); /* unknown */
    tcg_gen_or(s, I64, r[5], a, b);           /* 16 bits */
    tcg_gen_andi(s, I64, r[6], r[5], 0xff);   /* needed */
    tcg_gen_divui(s, I64, r[7], a, 3);        /* <= 0x55 */
    tcg_gen_andi(s, I64, g0, r[7], 0x55);     /* needed */
    tcg_gen_andi(s, I64, g1, r[7], 0x7f);     /* no-op */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_op(r[0], INDEX_op_setcond);
    assert_movi(r[1], 1);
    assert_op(r[2], INDEX_op_setcond);
    assert_movi(r[3], 0);
    assert_op(r[4], INDEX_op_setcond);
    assert_op(r[6], INDEX_op_and);
    assert_op(g0, INDEX_op_and);
    assert_mov(g1, r[7]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Copy propagation                                                    */

START_TEST(test_copy_propagation)
{
    TCGv t1 = tcg_temp_ebb(s, I64), t2 = tcg_temp_ebb(s, I64);
    TCGv t3 = tcg_temp_ebb(s, I64);
    tcg_gen_mov(s, I64, t1, g0);
    tcg_gen_mov(s, I64, t2, t1);
    tcg_gen_add(s, I64, t3, t2, g1);
    tcg_gen_st(s, I64, t2, s->env_temp, MO_UQ, 0x300);
    tcg_gen_mov(s, I64, g1, t3);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *add = assert_op(t3, INDEX_op_add);
    ck_assert_uint_eq(add->args[1], g0);
    ck_assert_uint_eq(add->args[2], g1);
    TCGOp *st = first_op(INDEX_op_st);
    ck_assert_uint_eq(st->args[0], g0);
}
END_TEST

START_TEST(test_copy_prefers_oldest_ebb)
{
    /* Without a global in the class, every reader uses the first
     * holder of the value, so the later copies die. */
    TCGv t1 = tcg_temp_ebb(s, I64), t2 = tcg_temp_ebb(s, I64);
    TCGv t3 = tcg_temp_ebb(s, I64), t4 = tcg_temp_ebb(s, I64);
    tcg_gen_add(s, I64, t1, g0, g1);
    tcg_gen_mov(s, I64, t2, t1);
    tcg_gen_mov(s, I64, t3, t2);
    tcg_gen_sub(s, I64, t4, t3, t2);
    tcg_gen_mul(s, I64, g0, t3, g1);
    tcg_gen_mov(s, I64, g1, t4);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(t4, 0);
    TCGOp *mul = assert_op(g0, INDEX_op_mul);
    ck_assert_uint_eq(mul->args[1], t1);
}
END_TEST

START_TEST(test_copy_prefers_global)
{
    /* A global joining an older EBB temp's class still becomes the
     * representative: it outlives the EBB temp. */
    TCGv t1 = tcg_temp_ebb(s, I64), t2 = tcg_temp_ebb(s, I64);
    tcg_gen_add(s, I64, t1, g0, g0);
    tcg_gen_mov(s, I64, g1, t1);
    tcg_gen_addi(s, I64, t2, t1, 3);
    tcg_gen_mov(s, I64, g0, t2);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *add = assert_op(t2, INDEX_op_add);
    ck_assert_uint_eq(add->args[1], g1);
}
END_TEST

START_TEST(test_copy_ends_on_write)
{
    TCGv t1 = tcg_temp_ebb(s, I64), t2 = tcg_temp_ebb(s, I64);
    TCGv t3 = tcg_temp_ebb(s, I64);
    tcg_gen_mov(s, I64, t1, g0);
    tcg_gen_addi(s, I64, g0, g0, 1); /* g0 changes, t1 not */
    tcg_gen_add(s, I64, t2, t1, g0);
    tcg_gen_mov(s, I64, t3, g1);
    tcg_gen_movi(s, I64, t3, 7); /* t3 changes, g1 not */
    tcg_gen_add(s, I64, g1, g1, t3);
    tcg_gen_mov(s, I64, g0, t2);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *add = assert_op(t2, INDEX_op_add);
    ck_assert_uint_eq(add->args[1], t1);
    ck_assert_uint_eq(add->args[2], g0);
    add = assert_op(g1, INDEX_op_add);
    ck_assert_uint_eq(add->args[1], g1);
    ck_assert(is_const_temp(add->args[2], I64, 7));
}
END_TEST

START_TEST(test_redundant_movs)
{
    TCGv t1 = tcg_temp_ebb(s, I64);
    tcg_gen_mov(s, I64, t1, g0);
    tcg_gen_mov(s, I64, t1, g0); /* already a copy */
    tcg_gen_mov(s, I64, g0, t1); /* g0 already holds it */
    tcg_gen_movi(s, I64, g1, 3);
    tcg_gen_movi(s, I64, g1, 3); /* already that constant */
    tcg_gen_mov(s, I64, g1, g1);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_mov), 2);
    ck_assert_int_eq(count_live(), 3);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Conditionals                                                        */

START_TEST(test_setcond_movcond)
{
    TCGv r[6];
    for (int i = 0; i < 6; i++) {
        r[i] = tcg_temp_tb(s, I64);
    }
    tcg_gen_setcond(s, I64, TCG_COND_LE, r[0], g0, g0);  /* 1 */
    tcg_gen_setcond(s, I64, TCG_COND_GTU, r[1], g0, g0); /* 0 */
    tcg_gen_setcond(s, I64, TCG_COND_LT, r[2], tcg_const(s, I64, 3),
                    tcg_const(s, I64, ~0ull)); /* 0 */
    tcg_gen_movcond(s, I64, TCG_COND_EQ, r[3], tcg_const(s, I64, 1),
                    tcg_const(s, I64, 2), g0, g1);               /* g1 */
    tcg_gen_movcond(s, I64, TCG_COND_LTU, r[4], g0, g1, g1, g1); /* g1 */
    tcg_gen_setcond(s, I64, TCG_COND_LTU, r[5], g0,
                    tcg_const(s, I64, 0)); /* 0 */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(r[0], 1);
    assert_movi(r[1], 0);
    assert_movi(r[2], 0);
    assert_mov(r[3], g1);
    assert_mov(r[4], g1);
    assert_movi(r[5], 0);
}
END_TEST

START_TEST(test_setcond_swaps_constant)
{
    TCGv r = tcg_temp_tb(s, I64);
    tcg_gen_setcond(s, I64, TCG_COND_LT, r, tcg_const(s, I64, 5), g0);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *op = assert_op(r, INDEX_op_setcond);
    ck_assert_uint_eq(op->args[1], g0);
    ck_assert(is_const_temp(op->args[2], I64, 5));
    ck_assert_int_eq(op->args[3], TCG_COND_GT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Branches and reachability                                           */

START_TEST(test_brcond_true_becomes_br)
{
    uint32_t l1 = tcg_label_new(s), l2 = tcg_label_new(s);
    TCGv t = tcg_temp_ebb(s, I64);
    tcg_gen_brcond(s, I64, TCG_COND_NE, g0, g1, l2); /* unknown */
    tcg_gen_movi(s, I64, t, 1);
    tcg_gen_brcondi(s, I64, TCG_COND_EQ, t, 1, l1); /* taken */
    tcg_gen_addi(s, I64, g0, g0, 5);                /* dead */
    tcg_gen_insn_start(s, 0x40, 0);                 /* kept */
    tcg_gen_exit_tb(s, NULL, 0);                    /* dead */
    tcg_gen_set_label(s, l2);
    tcg_gen_addi(s, I64, g1, g1, 1);
    tcg_gen_exit_tb(s, NULL, 0);
    tcg_gen_set_label(s, l1);
    tcg_gen_exit_tb(s, NULL, 1);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_brcond), 1);
    ck_assert_int_eq(count_ops(INDEX_op_br), 1);
    ck_assert_int_eq(count_ops(INDEX_op_add), 1);
    ck_assert_int_eq(count_ops(INDEX_op_insn_start), 1);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 2);
    ck_assert_int_eq(count_ops(INDEX_op_exit_tb), 2);
    ck_assert_uint_eq(s->labels[l1].refs, 1);
    ck_assert_uint_eq(s->labels[l2].refs, 1);
    ck_assert_uint_eq(first_op(INDEX_op_br)->args[0], l1);
    assert_op(g1, INDEX_op_add);
}
END_TEST

START_TEST(test_brcond_false_removed)
{
    uint32_t l = tcg_label_new(s);
    tcg_gen_brcond(s, I64, TCG_COND_LT, g0, g0, l); /* never */
    tcg_gen_addi(s, I64, g0, g0, 5);
    tcg_gen_exit_tb(s, NULL, 0);
    tcg_gen_set_label(s, l);     /* dead */
    tcg_gen_movi(s, I64, g1, 9); /* dead */
    tcg_gen_exit_tb(s, NULL, 1); /* dead */
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_brcond), 0);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 0);
    ck_assert_int_eq(count_ops(INDEX_op_exit_tb), 1);
    ck_assert_uint_eq(s->labels[l].refs, 0);
    ck_assert_ptr_null(writer_of(g1));
    assert_op(g0, INDEX_op_add);
}
END_TEST

START_TEST(test_br_to_next_label)
{
    /* br L; <dead>; L: is a fall-through, and facts carry on. */
    uint32_t l = tcg_label_new(s);
    TCGv r = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, g0, 4);
    tcg_gen_br(s, l);
    tcg_gen_movi(s, I64, g0, 5);
    tcg_gen_set_label(s, l);
    tcg_gen_addi(s, I64, r, g0, 1);
    tcg_gen_mov(s, I64, g1, r);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_br), 0);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 0);
    ck_assert_uint_eq(s->labels[l].refs, 0);
    assert_movi(g0, 4);
    assert_movi(g1, 5);
}
END_TEST

START_TEST(test_brcond_to_next_label)
{
    uint32_t l = tcg_label_new(s);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, g0, g1, l);
    tcg_gen_insn_start(s, 0x44, 0);
    tcg_gen_set_label(s, l);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_live(), 1);
    ck_assert_uint_eq(s->labels[l].refs, 0);
}
END_TEST

START_TEST(test_unreachable_after_exit)
{
    uint32_t l = tcg_label_new(s);
    tcg_gen_brcond(s, I64, TCG_COND_EQ, g0, g1, l);
    tcg_gen_exit_tb(s, NULL, 0);
    tcg_gen_insn_start(s, 0x48, 0);
    tcg_gen_movi(s, I64, g0, 1);
    tcg_gen_goto_tb(s, 0);
    tcg_gen_exit_tb(s, NULL, 0);
    tcg_gen_set_label(s, l);
    tcg_gen_movi(s, I64, g1, 2);
    tcg_gen_exit_tb(s, NULL, 1);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_goto_tb), 0);
    ck_assert_int_eq(count_ops(INDEX_op_exit_tb), 2);
    ck_assert_int_eq(count_ops(INDEX_op_insn_start), 1);
    ck_assert_ptr_null(writer_of(g0));
    assert_movi(g1, 2);
}
END_TEST

START_TEST(test_backward_branch_folded)
{
    /* A loop whose back edge is decided false: the loop head's label
     * loses its last reference after the pass went by it. */
    uint32_t head = tcg_label_new(s);
    TCGv t = tcg_temp_tb(s, I64);
    tcg_gen_set_label(s, head);
    tcg_gen_addi(s, I64, g0, g0, 1);
    tcg_gen_movi(s, I64, t, 0);
    tcg_gen_brcondi(s, I64, TCG_COND_NE, t, 0, head);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_brcond), 0);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 0);
    ck_assert_uint_eq(s->labels[head].refs, 0);
    assert_op(g0, INDEX_op_add);
}
END_TEST

START_TEST(test_backward_branch_folded_many_labels)
{
    /* As above, with more live labels ahead of the loop head than the
     * pass tracks individually: the sweep must still run. */
    uint32_t fwd[12];
    for (int i = 0; i < 12; i++) {
        fwd[i] = tcg_label_new(s);
        tcg_gen_brcondi(s, I64, TCG_COND_NE, g1, i, fwd[i]);
        tcg_gen_addi(s, I64, g0, g0, i);
        tcg_gen_set_label(s, fwd[i]);
    }
    uint32_t head = tcg_label_new(s);
    TCGv t = tcg_temp_tb(s, I64);
    tcg_gen_set_label(s, head);
    tcg_gen_addi(s, I64, g0, g0, 1);
    tcg_gen_movi(s, I64, t, 0);
    tcg_gen_brcondi(s, I64, TCG_COND_NE, t, 0, head);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_ops(INDEX_op_brcond), 12);
    ck_assert_int_eq(count_ops(INDEX_op_set_label), 12);
    ck_assert_uint_eq(s->labels[head].refs, 0);
}
END_TEST

START_TEST(test_label_forgets)
{
    /* Facts survive a brcond's fall-through, not a live label. */
    uint32_t l = tcg_label_new(s);
    TCGv loc = tcg_temp_tb(s, I64);
    TCGv a = tcg_temp_tb(s, I64), b = tcg_temp_tb(s, I64);
    TCGv c = tcg_temp_tb(s, I64), d = tcg_temp_tb(s, I64);
    tcg_gen_movi(s, I64, g0, 5);
    tcg_gen_movi(s, I64, loc, 7);
    tcg_gen_mov(s, I64, c, g1);
    tcg_gen_brcondi(s, I64, TCG_COND_NE, g1, 0, l);
    tcg_gen_addi(s, I64, a, g0, 1); /* 6 */
    tcg_gen_set_label(s, l);
    tcg_gen_addi(s, I64, b, g0, 1);  /* unknown */
    tcg_gen_addi(s, I64, d, loc, 1); /* unknown */
    tcg_gen_add(s, I64, g1, c, b);   /* c, not g1 */
    tcg_gen_add(s, I64, g1, g1, d);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(a, 6);
    TCGOp *op = assert_op(b, INDEX_op_add);
    ck_assert_uint_eq(op->args[1], g0);
    op = assert_op(d, INDEX_op_add);
    ck_assert_uint_eq(op->args[1], loc);
    op = first_op(INDEX_op_add);
    while (op->args[0] != g1) {
        op++;
    }
    ck_assert_uint_eq(op->args[1], c);
}
END_TEST

START_TEST(test_call_clobbers_globals)
{
    TCGv t = tcg_temp_ebb(s, I64), u = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, g0, 5);
    tcg_gen_mov(s, I64, u, g1);
    tcg_gen_call(s, &helper_plain, 0, NULL);
    tcg_gen_addi(s, I64, t, g0, 1); /* g0 may have changed */
    tcg_gen_add(s, I64, g1, u, t);  /* u is not g1 any more */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    TCGOp *op = assert_op(t, INDEX_op_add);
    ck_assert_uint_eq(op->args[1], g0);
    op = assert_op(g1, INDEX_op_add);
    ck_assert_uint_eq(op->args[1], u);
}
END_TEST

START_TEST(test_call_pure_keeps_globals)
{
    TCGv t = tcg_temp_ebb(s, I64), u = tcg_temp_ebb(s, I64);
    TCGv r = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, g0, 5);
    tcg_gen_mov(s, I64, u, g1);
    tcg_gen_call(s, &helper_pure, 0, NULL);
    tcg_gen_call(s, &helper_nowrite, 0, NULL);
    tcg_gen_call(s, &helper_ret, r, &u);
    tcg_gen_addi(s, I64, t, g0, 1); /* still 5 + 1 */
    tcg_gen_add(s, I64, g1, r, u);  /* u is still g1 */
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    assert_movi(t, 6);
    TCGOp *op = assert_op(g1, INDEX_op_add);
    ck_assert_uint_eq(op->args[1], r);
    ck_assert_uint_eq(op->args[2], g1);
    /* The call's argument was propagated too. */
    op = assert_op(r, INDEX_op_call);
    ck_assert_uint_eq(op->args[1], g1);
}
END_TEST

START_TEST(test_empty_and_nops)
{
    optimize();
    ck_assert_uint_eq(s->nb_ops, 0);
    tcg_func_start(s);
    tcg_emit_op(s, INDEX_op_nop, I64);
    tcg_gen_exit_tb(s, NULL, 0);
    optimize();
    ck_assert_int_eq(count_live(), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* tcg_fold_op against independent C                                   */

static const uint64_t edge[] = {
    0,
    1,
    2,
    3,
    7,
    31,
    32,
    33,
    63,
    64,
    65,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0x80000001,
    0xfffffffe,
    0xffffffff,
    0x100000000ull,
    0x123456789abcdef0ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0x8000000000000001ull,
    0xfffffffffffffffeull,
    0xffffffffffffffffull,
    0xdeadbeefcafef00dull,
};
#define NEDGE (sizeof(edge) / sizeof(edge[0]))

static uint64_t fold1(TCGOpcode opc, TCGType t, uint64_t a)
{
    uint64_t in[1] = {a}, out[2] = {0, 0};
    ck_assert_msg(tcg_fold_op(opc, t, in, NULL, out), "%s not folded",
                  tcg_op_defs[opc].name);
    return out[0];
}

static uint64_t fold2(TCGOpcode opc, TCGType t, uint64_t a, uint64_t b)
{
    uint64_t in[2] = {a, b}, out[2] = {0, 0};
    ck_assert_msg(tcg_fold_op(opc, t, in, NULL, out), "%s not folded",
                  tcg_op_defs[opc].name);
    return out[0];
}

static uint64_t foldc(TCGOpcode opc, TCGType t, const uint64_t *in, TCGArg c0,
                      TCGArg c1)
{
    TCGArg cargs[2] = {c0, c1};
    uint64_t out[2] = {0, 0};
    ck_assert_msg(tcg_fold_op(opc, t, in, cargs, out), "%s not folded",
                  tcg_op_defs[opc].name);
    return out[0];
}

/* Reference helpers: deliberately naive. */
static unsigned width(TCGType t)
{
    return t == I32 ? 32 : 64;
}

static uint64_t wmask(TCGType t)
{
    return t == I32 ? 0xffffffffull : ~0ull;
}

static int bit(uint64_t x, unsigned i)
{
    return (int)((x >> i) & 1);
}

static bool neg_at(uint64_t x, TCGType t)
{
    return bit(x, width(t) - 1);
}

/* Signed comparison of two W-bit patterns without converting them:
 * by sign first, then (same sign) as unsigned patterns. */
static int scmp(uint64_t a, uint64_t b, TCGType t)
{
    bool na = neg_at(a, t), nb = neg_at(b, t);
    if (na != nb) {
        return na ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static uint64_t ref_shl(uint64_t a, uint64_t n, TCGType t)
{
    for (unsigned i = 0; i < n % width(t); i++) {
        a = (a << 1) & wmask(t);
    }
    return a;
}

static uint64_t ref_shr(uint64_t a, uint64_t n, TCGType t)
{
    for (unsigned i = 0; i < n % width(t); i++) {
        a >>= 1;
    }
    return a;
}

static uint64_t ref_sar(uint64_t a, uint64_t n, TCGType t)
{
    for (unsigned i = 0; i < n % width(t); i++) {
        uint64_t top = a & (1ull << (width(t) - 1));
        a = (a >> 1) | top;
    }
    return a;
}

static uint64_t ref_rotl(uint64_t a, uint64_t n, TCGType t)
{
    for (unsigned i = 0; i < n % width(t); i++) {
        a = ((a << 1) | (uint64_t)bit(a, width(t) - 1)) & wmask(t);
    }
    return a;
}

static uint64_t ref_rotr(uint64_t a, uint64_t n, TCGType t)
{
    for (unsigned i = 0; i < n % width(t); i++) {
        a = (a >> 1) | ((a & 1) << (width(t) - 1));
    }
    return a;
}

static uint64_t ref_clz(uint64_t a, TCGType t)
{
    uint64_t n = 0;
    for (int i = (int)width(t) - 1; i >= 0 && !bit(a, (unsigned)i); i--) {
        n++;
    }
    return n;
}

static uint64_t ref_ctz(uint64_t a, TCGType t)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < width(t) && !bit(a, i); i++) {
        n++;
    }
    return n;
}

static uint64_t ref_ctpop(uint64_t a)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < 64; i++) {
        n += (uint64_t)bit(a, i);
    }
    return n;
}

static uint64_t ref_bswap(uint64_t a, int bytes)
{
    uint8_t b[8];
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(a >> (8 * i));
    }
    for (int i = 0; i < bytes; i++) {
        r |= (uint64_t)b[bytes - 1 - i] << (8 * i);
    }
    return r;
}

/* Copy bit len-1 of the low len bits upward, bit by bit. */
static uint64_t ref_sext(uint64_t a, unsigned len, TCGType t)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < width(t); i++) {
        unsigned from = i < len ? i : len - 1;
        r |= (uint64_t)bit(a, from) << i;
    }
    return r;
}

static uint64_t ref_zext(uint64_t a, unsigned len)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        r |= (uint64_t)bit(a, i) << i;
    }
    return r;
}

/* High half of a 64x64 product from 32-bit partial products. */
static uint64_t ref_muluh64(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffff, ah = a >> 32;
    uint64_t bl = b & 0xffffffff, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t ref_muluh(uint64_t a, uint64_t b, TCGType t)
{
    if (t == I32) {
        return (a * b) >> 32;
    }
    return ref_muluh64(a, b);
}

/* Signed high half: the unsigned one, corrected for negative factors. */
static uint64_t ref_mulsh(uint64_t a, uint64_t b, TCGType t)
{
    uint64_t h = ref_muluh(a, b, t);
    if (neg_at(a, t)) {
        h -= b;
    }
    if (neg_at(b, t)) {
        h -= a;
    }
    return h & wmask(t);
}

/* Magnitude of a signed W-bit value (MIN's magnitude fits unsigned). */
static uint64_t mag(uint64_t a, TCGType t)
{
    return neg_at(a, t) ? (0 - a) & wmask(t) : a;
}

static uint64_t ref_div(uint64_t a, uint64_t b, TCGType t)
{
    if (b == 0) {
        return wmask(t);
    }
    uint64_t q = mag(a, t) / mag(b, t);
    if (neg_at(a, t) != neg_at(b, t)) {
        q = 0 - q;
    }
    return q & wmask(t);
}

static uint64_t ref_rem(uint64_t a, uint64_t b, TCGType t)
{
    if (b == 0) {
        return a;
    }
    uint64_t r = mag(a, t) % mag(b, t);
    if (neg_at(a, t)) {
        r = 0 - r;
    }
    return r & wmask(t);
}

static bool ref_cond(TCGCond c, uint64_t a, uint64_t b, TCGType t)
{
    switch (c) {
    case TCG_COND_NEVER:
        return false;
    case TCG_COND_ALWAYS:
        return true;
    case TCG_COND_EQ:
        return a == b;
    case TCG_COND_NE:
        return a != b;
    case TCG_COND_LT:
        return scmp(a, b, t) < 0;
    case TCG_COND_GE:
        return scmp(a, b, t) >= 0;
    case TCG_COND_LE:
        return scmp(a, b, t) <= 0;
    case TCG_COND_GT:
        return scmp(a, b, t) > 0;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    default:
        return a > b;
    }
}

#define CHECK_EQ(got, want, what, a, b)                                        \
    ck_assert_msg((got) == (want),                                             \
                  "%s i%u a=0x%" PRIx64 " b=0x%" PRIx64 ": got 0x%" PRIx64     \
                  " want 0x%" PRIx64,                                          \
                  what, width(t), (uint64_t)(a), (uint64_t)(b),                \
                  (uint64_t)(got), (uint64_t)(want))

START_TEST(test_fold_hand_values)
{
    /* Corner cases computed by hand from docs/tcg-ir.md. */
    ck_assert_uint_eq(fold2(INDEX_op_div, I32, 0x80000000, 0xffffffff),
                      0x80000000);
    ck_assert_uint_eq(fold2(INDEX_op_rem, I32, 0x80000000, 0xffffffff), 0);
    ck_assert_uint_eq(fold2(INDEX_op_div, I64, 1ull << 63, ~0ull), 1ull << 63);
    ck_assert_uint_eq(fold2(INDEX_op_rem, I64, 1ull << 63, ~0ull), 0);
    ck_assert_uint_eq(fold2(INDEX_op_div, I32, 1234, 0), 0xffffffff);
    ck_assert_uint_eq(fold2(INDEX_op_divu, I64, 1234, 0), ~0ull);
    ck_assert_uint_eq(fold2(INDEX_op_rem, I32, 1234, 0), 1234);
    ck_assert_uint_eq(fold2(INDEX_op_remu, I64, 1234, 0), 1234);
    ck_assert_uint_eq(fold2(INDEX_op_div, I32, (uint32_t)-7, 2), (uint32_t)-3);
    ck_assert_uint_eq(fold2(INDEX_op_rem, I32, (uint32_t)-7, 2), (uint32_t)-1);
    ck_assert_uint_eq(fold2(INDEX_op_rem, I64, 7, (uint64_t)-2), 1);
    ck_assert_uint_eq(fold2(INDEX_op_divu, I32, 0xffffffff, 2), 0x7fffffff);

    ck_assert_uint_eq(fold2(INDEX_op_shl, I32, 1, 31), 0x80000000);
    ck_assert_uint_eq(fold2(INDEX_op_shl, I32, 1, 33), 2);
    ck_assert_uint_eq(fold2(INDEX_op_shl, I64, 1, 63), 1ull << 63);
    ck_assert_uint_eq(fold2(INDEX_op_shl, I64, 1, 65), 2);
    ck_assert_uint_eq(fold2(INDEX_op_shr, I32, 0x80000000, 31), 1);
    ck_assert_uint_eq(fold2(INDEX_op_shr, I32, 0x80000000, 33), 0x40000000);
    ck_assert_uint_eq(fold2(INDEX_op_sar, I32, 0x80000000, 31), 0xffffffff);
    ck_assert_uint_eq(fold2(INDEX_op_sar, I32, 0x80000000, 33), 0xc0000000);
    ck_assert_uint_eq(fold2(INDEX_op_sar, I64, 1ull << 63, 63), ~0ull);
    ck_assert_uint_eq(fold2(INDEX_op_sar, I64, 1ull << 63, 65),
                      0xc000000000000000ull);
    ck_assert_uint_eq(fold2(INDEX_op_rotl, I32, 0x80000001, 1), 3);
    ck_assert_uint_eq(fold2(INDEX_op_rotl, I32, 0x80000001, 33), 3);
    ck_assert_uint_eq(fold2(INDEX_op_rotr, I64, 3, 65), 0x8000000000000001ull);
    ck_assert_uint_eq(fold2(INDEX_op_rotr, I64, 3, 64), 3);

    ck_assert_uint_eq(fold1(INDEX_op_clz, I32, 0), 32);
    ck_assert_uint_eq(fold1(INDEX_op_clz, I64, 0), 64);
    ck_assert_uint_eq(fold1(INDEX_op_ctz, I32, 0), 32);
    ck_assert_uint_eq(fold1(INDEX_op_ctz, I64, 0), 64);
    ck_assert_uint_eq(fold1(INDEX_op_clz, I32, 1), 31);
    ck_assert_uint_eq(fold1(INDEX_op_ctz, I64, 1ull << 63), 63);
    ck_assert_uint_eq(fold1(INDEX_op_ctpop, I64, ~0ull), 64);

    ck_assert_uint_eq(fold1(INDEX_op_bswap16, I32, 0xaabbccdd), 0xddcc);
    ck_assert_uint_eq(fold1(INDEX_op_bswap32, I32, 0x11223344), 0x44332211);
    ck_assert_uint_eq(fold1(INDEX_op_bswap32, I64, 0x8877665511223344ull),
                      0x44332211);
    ck_assert_uint_eq(fold1(INDEX_op_bswap64, I64, 0x0102030405060708ull),
                      0x0807060504030201ull);

    ck_assert_uint_eq(fold1(INDEX_op_ext8s, I32, 0x80), 0xffffff80);
    ck_assert_uint_eq(fold1(INDEX_op_ext8s, I64, 0x17f), 0x7f);
    ck_assert_uint_eq(fold1(INDEX_op_ext16s, I64, 0x8000),
                      0xffffffffffff8000ull);
    ck_assert_uint_eq(fold1(INDEX_op_ext32s, I64, 0x80000000),
                      0xffffffff80000000ull);
    ck_assert_uint_eq(fold1(INDEX_op_ext32u, I64, ~0ull), 0xffffffff);
    ck_assert_uint_eq(fold1(INDEX_op_exts_i32_i64, I64, 0xfffffffe), ~1ull);
    ck_assert_uint_eq(fold1(INDEX_op_extu_i32_i64, I64, 0xfffffffe),
                      0xfffffffe);
    ck_assert_uint_eq(fold1(INDEX_op_extrl_i64_i32, I32, 0x1122334455667788ull),
                      0x55667788);
    ck_assert_uint_eq(fold1(INDEX_op_extrh_i64_i32, I32, 0x1122334455667788ull),
                      0x11223344);

    ck_assert_uint_eq(fold2(INDEX_op_mulsh, I32, 0xffffffff, 0xffffffff), 0);
    ck_assert_uint_eq(fold2(INDEX_op_mulsh, I32, 0x80000000, 2), 0xffffffff);
    ck_assert_uint_eq(fold2(INDEX_op_muluh, I32, 0x80000000, 2), 1);
    ck_assert_uint_eq(fold2(INDEX_op_mulsh, I64, 1ull << 63, 1ull << 63),
                      1ull << 62);
    ck_assert_uint_eq(fold2(INDEX_op_muluh, I64, ~0ull, ~0ull), ~1ull);

    uint64_t in[4] = {0x12345678, 0xab};
    ck_assert_uint_eq(foldc(INDEX_op_deposit, I32, in, 8, 8), 0x1234ab78);
    ck_assert_uint_eq(foldc(INDEX_op_deposit, I64, in, 60, 4),
                      0xb000000012345678ull);
    ck_assert_uint_eq(foldc(INDEX_op_deposit, I32, in, 0, 32), 0xab);
    ck_assert_uint_eq(foldc(INDEX_op_extract, I32, in, 4, 8), 0x67);
    ck_assert_uint_eq(foldc(INDEX_op_sextract, I32, in, 4, 4), 7);
    ck_assert_uint_eq(foldc(INDEX_op_sextract, I32, in, 0, 4), 0xfffffff8);
    ck_assert_uint_eq(foldc(INDEX_op_sextract, I64, in, 0, 4),
                      0xfffffffffffffff8ull);
    ck_assert_uint_eq(foldc(INDEX_op_sextract, I64, in, 28, 1), ~0ull);
    ck_assert_uint_eq(foldc(INDEX_op_extract, I64, in, 28, 1), 1);

    uint64_t a2[4] = {0xffffffff, 0xffffffff, 1, 0};
    uint64_t out[2];
    ck_assert(tcg_fold_op(INDEX_op_add2, I32, a2, NULL, out));
    ck_assert_uint_eq(out[0], 0);
    ck_assert_uint_eq(out[1], 0);
    uint64_t s2[4] = {0, 0, 1, 0};
    ck_assert(tcg_fold_op(INDEX_op_sub2, I64, s2, NULL, out));
    ck_assert_uint_eq(out[0], ~0ull);
    ck_assert_uint_eq(out[1], ~0ull);

    uint64_t mc[4] = {0xffffffff, 1, 10, 20};
    ck_assert_uint_eq(foldc(INDEX_op_movcond, I32, mc, TCG_COND_LT, 0), 10);
    ck_assert_uint_eq(foldc(INDEX_op_movcond, I32, mc, TCG_COND_LTU, 0), 20);
    ck_assert_uint_eq(foldc(INDEX_op_setcond, I64, mc, TCG_COND_GT, 0), 1);
}
END_TEST

START_TEST(test_fold_rejects)
{
    uint64_t in[4] = {1, 2, 3, 4}, out[2];
    TCGArg bad_field[2] = {30, 4};
    TCGArg zero_len[2] = {0, 0};
    ck_assert(!tcg_fold_op(INDEX_op_qemu_ld, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_ld, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_brcond, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_call, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_br, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_bswap64, I32, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_ext32u, I32, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_extu_i32_i64, I32, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_extrl_i64_i32, I64, in, NULL, out));
    ck_assert(!tcg_fold_op(INDEX_op_extract, I32, in, bad_field, out));
    ck_assert(!tcg_fold_op(INDEX_op_deposit, I64, in, zero_len, out));
}
END_TEST

/* Every binary op on every pair of edge values, both widths. */
START_TEST(test_fold_binary_edges)
{
    static const TCGType types[] = {I32, I64};
    for (int ti = 0; ti < 2; ti++) {
        TCGType t = types[ti];
        uint64_t m = wmask(t);
        for (size_t i = 0; i < NEDGE; i++) {
            for (size_t j = 0; j < NEDGE; j++) {
                uint64_t a = edge[i] & m, b = edge[j] & m;
                CHECK_EQ(fold2(INDEX_op_add, t, a, b), (a + b) & m, "add", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_sub, t, a, b), (a - b) & m, "sub", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_mul, t, a, b), (a * b) & m, "mul", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_muluh, t, a, b), ref_muluh(a, b, t),
                         "muluh", a, b);
                CHECK_EQ(fold2(INDEX_op_mulsh, t, a, b), ref_mulsh(a, b, t),
                         "mulsh", a, b);
                CHECK_EQ(fold2(INDEX_op_div, t, a, b), ref_div(a, b, t), "div",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_rem, t, a, b), ref_rem(a, b, t), "rem",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_divu, t, a, b), b ? a / b : m, "divu",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_remu, t, a, b), b ? a % b : a, "remu",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_and, t, a, b), a & b, "and", a, b);
                CHECK_EQ(fold2(INDEX_op_or, t, a, b), a | b, "or", a, b);
                CHECK_EQ(fold2(INDEX_op_xor, t, a, b), a ^ b, "xor", a, b);
                CHECK_EQ(fold2(INDEX_op_andc, t, a, b), a & ~b & m, "andc", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_orc, t, a, b), (a | ~b) & m, "orc", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_eqv, t, a, b), ~(a ^ b) & m, "eqv", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_nand, t, a, b), ~(a & b) & m, "nand", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_nor, t, a, b), ~(a | b) & m, "nor", a,
                         b);
                CHECK_EQ(fold2(INDEX_op_shl, t, a, b), ref_shl(a, b, t), "shl",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_shr, t, a, b), ref_shr(a, b, t), "shr",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_sar, t, a, b), ref_sar(a, b, t), "sar",
                         a, b);
                CHECK_EQ(fold2(INDEX_op_rotl, t, a, b), ref_rotl(a, b, t),
                         "rotl", a, b);
                CHECK_EQ(fold2(INDEX_op_rotr, t, a, b), ref_rotr(a, b, t),
                         "rotr", a, b);
                for (int c = 0; c < TCG_COND_COUNT; c++) {
                    uint64_t in[4] = {a, b, 0x1111 & m, 0x2222 & m};
                    bool want = ref_cond((TCGCond)c, a, b, t);
                    CHECK_EQ(foldc(INDEX_op_setcond, t, in, (TCGArg)c, 0),
                             (uint64_t)want, tcg_cond_name((TCGCond)c), a, b);
                    CHECK_EQ(foldc(INDEX_op_movcond, t, in, (TCGArg)c, 0),
                             want ? in[2] : in[3], "movcond", a, b);
                }
            }
        }
    }
}
END_TEST

/* add2/sub2: the carry and borrow between the halves. */
START_TEST(test_fold_double_word_edges)
{
    static const TCGType types[] = {I32, I64};
    for (int ti = 0; ti < 2; ti++) {
        TCGType t = types[ti];
        uint64_t m = wmask(t);
        for (size_t i = 0; i < NEDGE; i++) {
            for (size_t j = 0; j < NEDGE; j++) {
                uint64_t al = edge[i] & m, bl = edge[j] & m;
                uint64_t ah = edge[(i + 7) % NEDGE] & m;
                uint64_t bh = edge[(j + 3) % NEDGE] & m;
                uint64_t in[4] = {al, ah, bl, bh}, out[2];

                ck_assert(tcg_fold_op(INDEX_op_add2, t, in, NULL, out));
                uint64_t rl = (al + bl) & m;
                uint64_t carry = rl < al;
                CHECK_EQ(out[0], rl, "add2 lo", al, bl);
                CHECK_EQ(out[1], (ah + bh + carry) & m, "add2 hi", ah, bh);

                ck_assert(tcg_fold_op(INDEX_op_sub2, t, in, NULL, out));
                uint64_t borrow = al < bl;
                CHECK_EQ(out[0], (al - bl) & m, "sub2 lo", al, bl);
                CHECK_EQ(out[1], (ah - bh - borrow) & m, "sub2 hi", ah, bh);
            }
        }
    }
}
END_TEST

/* Every unary op and every field op on every edge value. */
START_TEST(test_fold_unary_edges)
{
    static const TCGType types[] = {I32, I64};
    for (int ti = 0; ti < 2; ti++) {
        TCGType t = types[ti];
        uint64_t m = wmask(t);
        unsigned w = width(t);
        for (size_t i = 0; i < NEDGE; i++) {
            uint64_t a = edge[i] & m, b = 0;
            CHECK_EQ(fold1(INDEX_op_mov, t, a), a, "mov", a, b);
            CHECK_EQ(fold1(INDEX_op_neg, t, a), (~a + 1) & m, "neg", a, b);
            CHECK_EQ(fold1(INDEX_op_not, t, a), ~a & m, "not", a, b);
            CHECK_EQ(fold1(INDEX_op_clz, t, a), ref_clz(a, t), "clz", a, b);
            CHECK_EQ(fold1(INDEX_op_ctz, t, a), ref_ctz(a, t), "ctz", a, b);
            CHECK_EQ(fold1(INDEX_op_ctpop, t, a), ref_ctpop(a), "ctpop", a, b);
            CHECK_EQ(fold1(INDEX_op_bswap16, t, a), ref_bswap(a, 2), "bswap16",
                     a, b);
            CHECK_EQ(fold1(INDEX_op_bswap32, t, a), ref_bswap(a, 4), "bswap32",
                     a, b);
            CHECK_EQ(fold1(INDEX_op_ext8s, t, a), ref_sext(a, 8, t), "ext8s", a,
                     b);
            CHECK_EQ(fold1(INDEX_op_ext8u, t, a), ref_zext(a, 8), "ext8u", a,
                     b);
            CHECK_EQ(fold1(INDEX_op_ext16s, t, a), ref_sext(a, 16, t), "ext16s",
                     a, b);
            CHECK_EQ(fold1(INDEX_op_ext16u, t, a), ref_zext(a, 16), "ext16u", a,
                     b);
            if (t == I64) {
                CHECK_EQ(fold1(INDEX_op_bswap64, t, a), ref_bswap(a, 8),
                         "bswap64", a, b);
                CHECK_EQ(fold1(INDEX_op_ext32s, t, a), ref_sext(a, 32, t),
                         "ext32s", a, b);
                CHECK_EQ(fold1(INDEX_op_ext32u, t, a), ref_zext(a, 32),
                         "ext32u", a, b);
                CHECK_EQ(fold1(INDEX_op_extu_i32_i64, I64, a & 0xffffffff),
                         ref_zext(a, 32), "extu", a, b);
                CHECK_EQ(fold1(INDEX_op_exts_i32_i64, I64, a & 0xffffffff),
                         ref_sext(a, 32, I64), "exts", a, b);
                CHECK_EQ(fold1(INDEX_op_extrl_i64_i32, I32, a), ref_zext(a, 32),
                         "extrl", a, b);
                CHECK_EQ(fold1(INDEX_op_extrh_i64_i32, I32, a),
                         ref_shr(a, 32, I64), "extrh", a, b);
            }
            /* A few (pos, len) fields, including the full width. */
            static const unsigned fields[][2] = {
                {0, 1},  {0, 8},   {3, 5},   {8, 8},  {0, 31}, {1, 31}, {31, 1},
                {0, 32}, {16, 16}, {32, 32}, {0, 64}, {63, 1}, {7, 50},
            };
            for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
                unsigned pos = fields[f][0], len = fields[f][1];
                if (pos + len > w) {
                    continue;
                }
                uint64_t in[2] = {a, edge[(i + 5) % NEDGE] & m};
                uint64_t field = ref_zext(ref_shr(a, pos, I64), len);
                CHECK_EQ(foldc(INDEX_op_extract, t, in, pos, len), field,
                         "extract", a, pos * 100 + len);
                CHECK_EQ(foldc(INDEX_op_sextract, t, in, pos, len),
                         ref_sext(field, len, t), "sextract", a,
                         pos * 100 + len);
                uint64_t want = 0;
                for (unsigned k = 0; k < w; k++) {
                    int v = k >= pos && k < pos + len ? bit(in[1], k - pos)
                                                      : bit(a, k);
                    want |= (uint64_t)v << k;
                }
                CHECK_EQ(foldc(INDEX_op_deposit, t, in, pos, len), want,
                         "deposit", a, pos * 100 + len);
            }
        }
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Random programs: the block must compute the same globals after      */
/* optimization, judged by a small IR evaluator.                       */

#define R_NG64 4
#define R_NG32 3
#define R_NTB 4
#define R_NEBB 6
#define R_NLABELS 6

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: plenty for picking ops. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* A "plain" helper, as the evaluator runs it: it scrambles every global.
 * The pure one does nothing observable. */
static const TCGHelperInfo helper_scramble = {
    .func = (void *)abort,
    .name = "scramble",
    .flags = 0,
};

typedef struct RandProg {
    TCGv g[2][R_NG64]; /* [type][k]: globals, R_NG32 used for i32 */
    TCGv tb[2][R_NTB];
    TCGv ebb[2][R_NEBB];
    bool ebb_def[2][R_NEBB]; /* written since the last label */
    uint32_t labels[R_NLABELS];
    int next_label; /* labels below this are placed */
} RandProg;

static TCGv rand_global(RandProg *p, TCGType t)
{
    return p->g[t][rnd_below(t == I32 ? R_NG32 : R_NG64)];
}

/* A readable operand: mostly edge constants and globals, so that folds,
 * identities and copies all get exercised. */
static TCGv rand_src(RandProg *p, TCGType t)
{
    switch (rnd_below(8)) {
    case 0:
    case 1:
        return tcg_const(s, t, edge[rnd_below(NEDGE)]);
    case 2: {
        /* Around the bounds that known bits reason about. */
        static const uint64_t small[] = {
            0,    1,     2,     3,      0x7e,   0x7f,   0x80,    0xfe,
            0xff, 0x100, 0x101, 0x7fff, 0xfffe, 0xffff, 0x10000,
        };
        return tcg_const(s, t,
                         small[rnd_below(sizeof(small) / sizeof(small[0]))]);
    }
    case 3:
        return p->tb[t][rnd_below(R_NTB)];
    case 4: {
        int k = (int)rnd_below(R_NEBB);
        if (p->ebb_def[t][k]) {
            return p->ebb[t][k];
        }
        return rand_global(p, t);
    }
    default:
        return rand_global(p, t);
    }
}

static TCGv rand_dst(RandProg *p, TCGType t)
{
    switch (rnd_below(4)) {
    case 0: {
        int k = (int)rnd_below(R_NEBB);
        p->ebb_def[t][k] = true;
        return p->ebb[t][k];
    }
    case 1:
        return p->tb[t][rnd_below(R_NTB)];
    default:
        return rand_global(p, t);
    }
}

static void place_label(RandProg *p)
{
    tcg_gen_set_label(s, p->labels[p->next_label++]);
    /* EBB temps die here. */
    memset(p->ebb_def, 0, sizeof(p->ebb_def));
}

static void rand_op(RandProg *p)
{
    static const TCGOpcode binops[] = {
        INDEX_op_add,   INDEX_op_sub,  INDEX_op_mul,  INDEX_op_mulsh,
        INDEX_op_muluh, INDEX_op_div,  INDEX_op_divu, INDEX_op_rem,
        INDEX_op_remu,  INDEX_op_and,  INDEX_op_or,   INDEX_op_xor,
        INDEX_op_andc,  INDEX_op_orc,  INDEX_op_eqv,  INDEX_op_nand,
        INDEX_op_nor,   INDEX_op_shl,  INDEX_op_shr,  INDEX_op_sar,
        INDEX_op_rotl,  INDEX_op_rotr,
    };
    static const TCGOpcode unops[] = {
        INDEX_op_mov,     INDEX_op_neg,    INDEX_op_not,     INDEX_op_clz,
        INDEX_op_ctz,     INDEX_op_ctpop,  INDEX_op_bswap16, INDEX_op_bswap32,
        INDEX_op_ext8s,   INDEX_op_ext8u,  INDEX_op_ext16s,  INDEX_op_ext16u,
        INDEX_op_bswap64, INDEX_op_ext32s, INDEX_op_ext32u,
    };
    TCGType t = rnd_below(2) ? I64 : I32;
    unsigned w = width(t);
    unsigned kind = rnd_below(100);

    if (kind < 35) {
        TCGv a = rand_src(p, t);
        TCGv b = rnd_below(6) == 0 ? a : rand_src(p, t);
        TCGOpcode opc = binops[rnd_below(sizeof(binops) / sizeof(binops[0]))];
        TCG_GEN(s, opc, t, rand_dst(p, t), a, b);
    } else if (kind < 50) {
        unsigned n = sizeof(unops) / sizeof(unops[0]);
        if (t == I32) {
            n -= 3; /* the last three are i64 only */
        }
        TCGv a = rand_src(p, t);
        TCG_GEN(s, unops[rnd_below(n)], t, rand_dst(p, t), a);
    } else if (kind < 56) {
        unsigned pos = rnd_below(w), len = 1 + rnd_below(w - pos);
        TCGv a = rand_src(p, t), b = rand_src(p, t);
        switch (rnd_below(3)) {
        case 0:
            tcg_gen_extract(s, t, rand_dst(p, t), a, pos, len);
            break;
        case 1:
            tcg_gen_sextract(s, t, rand_dst(p, t), a, pos, len);
            break;
        default:
            tcg_gen_deposit(s, t, rand_dst(p, t), a, b, pos, len);
            break;
        }
    } else if (kind < 64) {
        TCGCond c = (TCGCond)rnd_below(TCG_COND_COUNT);
        TCGv a = rand_src(p, t);
        TCGv b = rnd_below(5) == 0 ? a : rand_src(p, t);
        if (rnd_below(2)) {
            tcg_gen_setcond(s, t, c, rand_dst(p, t), a, b);
        } else {
            TCGv v1 = rand_src(p, t), v2 = rand_src(p, t);
            tcg_gen_movcond(s, t, c, rand_dst(p, t), a, b, v1, v2);
        }
    } else if (kind < 68) {
        TCGv al = rand_src(p, t), ah = rand_src(p, t);
        TCGv bl = rand_src(p, t), bh = rand_src(p, t);
        TCGv rl = rand_dst(p, t), rh = rand_dst(p, t);
        if (rl == rh) {
            return;
        }
        if (rnd_below(2)) {
            tcg_gen_add2(s, t, rl, rh, al, ah, bl, bh);
        } else {
            tcg_gen_sub2(s, t, rl, rh, al, ah, bl, bh);
        }
    } else if (kind < 74) {
        TCGv a32 = rand_src(p, I32), a64 = rand_src(p, I64);
        switch (rnd_below(4)) {
        case 0:
            tcg_gen_extu_i32_i64(s, rand_dst(p, I64), a32);
            break;
        case 1:
            tcg_gen_exts_i32_i64(s, rand_dst(p, I64), a32);
            break;
        case 2:
            tcg_gen_extrl_i64_i32(s, rand_dst(p, I32), a64);
            break;
        default:
            tcg_gen_extrh_i64_i32(s, rand_dst(p, I32), a64);
            break;
        }
    } else if (kind < 76) {
        tcg_gen_movi(s, t, rand_dst(p, t), edge[rnd_below(NEDGE)]);
    } else if (kind < 80) {
        /* Values with known-zero bits, for the known-bits rules. */
        TCGv a = rand_src(p, t), r = rand_dst(p, t);
        switch (rnd_below(5)) {
        case 0:
            tcg_gen_ext8u(s, t, r, a);
            break;
        case 1:
            tcg_gen_ext16u(s, t, r, a);
            break;
        case 2:
            tcg_gen_andi(s, t, r, a, rnd() >> rnd_below(64));
            break;
        case 3:
            tcg_gen_shri(s, t, r, a, rnd_below(w));
            break;
        default:
            tcg_gen_extract(s, t, r, a, rnd_below(8), 1 + rnd_below(12));
            break;
        }
    } else if (kind < 88) {
        /* A forward branch to a label not yet placed. */
        if (p->next_label < R_NLABELS) {
            uint32_t l =
                p->labels[p->next_label + rnd_below(R_NLABELS - p->next_label)];
            TCGCond c = (TCGCond)rnd_below(TCG_COND_COUNT);
            TCGv a = rand_src(p, t);
            tcg_gen_brcond(s, t, c, a, rnd_below(4) ? rand_src(p, t) : a, l);
        }
    } else if (kind < 92) {
        if (p->next_label < R_NLABELS) {
            place_label(p);
        }
    } else if (kind < 93) {
        if (p->next_label < R_NLABELS) {
            if (rnd_below(3)) {
                tcg_gen_br(s, p->labels[p->next_label +
                                        rnd_below(R_NLABELS - p->next_label)]);
            } else {
                tcg_gen_exit_tb(s, NULL, 0);
            }
        }
    } else if (kind < 97) {
        tcg_gen_call(s, rnd_below(2) ? &helper_scramble : &helper_pure, 0,
                     NULL);
    } else {
        tcg_gen_insn_start(s, rnd(), 0);
    }
}

static void rand_program(RandProg *p, int len)
{
    memset(p, 0, sizeof(*p));
    /* Only the fixture's real globals (TB temps standing in would not be
     * clobbered by calls), repeated to weight them against the temps. */
    p->g[I64][0] = g0;
    p->g[I64][1] = g1;
    p->g[I64][2] = g0;
    p->g[I64][3] = g1;
    for (int k = 0; k < R_NG32; k++) {
        p->g[I32][k] = w0;
    }
    for (int t = 0; t < 2; t++) {
        for (int k = 0; k < R_NTB; k++) {
            p->tb[t][k] = tcg_temp_tb(s, (TCGType)t);
        }
        for (int k = 0; k < R_NEBB; k++) {
            p->ebb[t][k] = tcg_temp_ebb(s, (TCGType)t);
        }
    }
    for (int k = 0; k < R_NLABELS; k++) {
        p->labels[k] = tcg_label_new(s);
    }
    for (int i = 0; i < len; i++) {
        rand_op(p);
    }
    while (p->next_label < R_NLABELS) {
        place_label(p);
    }
    tcg_gen_exit_tb(s, NULL, 0);
}

/*
 * Run the block from the given global values; returns them updated.
 * Temps start at 0 so an unwritten TB temp reads the same either way.
 */
static void eval_block(uint64_t *gv)
{
    uint64_t *v = calloc(s->nb_temps, sizeof(uint64_t));
    uint32_t *label_pos = calloc(s->nb_labels, sizeof(uint32_t));
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(label_pos);
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        v[t] = s->temps[t].kind == TEMP_CONST ? s->temps[t].val : 0;
    }
    for (uint32_t t = 0; t < s->nb_globals; t++) {
        v[t] = gv[t];
    }
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_set_label) {
            label_pos[s->ops[i].args[0]] = i;
        }
    }
    uint32_t steps = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        ck_assert_uint_lt(++steps, 100000);
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
        case INDEX_op_set_label:
            continue;
        case INDEX_op_exit_tb:
            i = s->nb_ops;
            continue;
        case INDEX_op_br:
            i = label_pos[op->args[0]];
            continue;
        case INDEX_op_brcond:
            if (tcg_eval_cond((TCGType)op->type, (TCGCond)op->args[2],
                              v[op->args[0]], v[op->args[1]])) {
                i = label_pos[op->args[3]];
            }
            continue;
        case INDEX_op_call:
            if (!(tcg_call_info(op)->flags &
                  (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS))) {
                for (uint32_t t = 1; t < s->nb_globals; t++) {
                    v[t] = (v[t] * 0x9e3779b97f4a7c15ull + t) &
                           tcg_type_mask(s->temps[t].type);
                }
            }
            continue;
        default: {
            int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
            uint64_t in[4], out[2];
            for (int k = 0; k < ni; k++) {
                in[k] = v[op->args[no + k]];
            }
            ck_assert_msg(tcg_fold_op((TCGOpcode)op->opc, (TCGType)op->type, in,
                                      &op->args[no + ni], out),
                          "evaluator: cannot run %s",
                          tcg_op_defs[op->opc].name);
            for (int k = 0; k < no; k++) {
                ck_assert_int_ne(s->temps[op->args[k]].kind, TEMP_CONST);
                v[op->args[k]] = out[k];
            }
            continue;
        }
        }
    }
    for (uint32_t t = 0; t < s->nb_globals; t++) {
        gv[t] = v[t];
    }
    free(v);
    free(label_pos);
}

/* Label refcounts must equal the branches left in the block. */
static void check_label_refs(void)
{
    uint32_t *refs = calloc(s->nb_labels, sizeof(uint32_t));
    ck_assert_ptr_nonnull(refs);
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_br) {
            refs[op->args[0]]++;
        } else if (op->opc == INDEX_op_brcond) {
            refs[op->args[3]]++;
        }
    }
    for (uint32_t l = 0; l < s->nb_labels; l++) {
        ck_assert_uint_eq(refs[l], s->labels[l].refs);
    }
    free(refs);
}

START_TEST(test_random_programs)
{
    rng_state = 0x5eed0000ull + (uint64_t)_i;
    for (int n = 0; n < 400; n++) {
        RandProg p;
        tcg_func_start(s);
        rand_program(&p, 10 + (int)rnd_below(50));
        int insns_before = count_ops(INDEX_op_insn_start);

        uint64_t init[3][8], want[3][8], got[8];
        for (int r = 0; r < 3; r++) {
            for (uint32_t t = 0; t < s->nb_globals; t++) {
                init[r][t] = (r == 0 ? edge[rnd_below(NEDGE)] : rnd()) &
                             tcg_type_mask(s->temps[t].type);
            }
            memcpy(want[r], init[r], sizeof(init[r]));
            eval_block(want[r]);
        }
        optimize();
        check_label_refs();
        ck_assert_int_eq(count_ops(INDEX_op_insn_start), insns_before);
        for (int r = 0; r < 3; r++) {
            memcpy(got, init[r], sizeof(got));
            eval_block(got);
            for (uint32_t t = 1; t < s->nb_globals; t++) {
                if (got[t] != want[r][t]) {
                    dump("random program after");
                }
                ck_assert_msg(got[t] == want[r][t],
                              "seed %d program %d: %s = 0x%" PRIx64
                              ", want 0x%" PRIx64,
                              _i, n, s->temps[t].name, got[t], want[r][t]);
            }
        }
    }
}
END_TEST

static Suite *optimize_suite(void)
{
    Suite *su = suite_create("optimize");

    TCase *tc = tcase_create("fold");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_const_add_chain);
    tcase_add_test(tc, test_const_i32_wraps);
    tcase_add_test(tc, test_const_every_unop);
    tcase_add_test(tc, test_const_add2);
    tcase_add_test(tc, test_const_sub2_inserts);
    tcase_add_test(tc, test_const_width_change_types);
    tcase_add_test(tc, test_side_effects_kept);
    suite_add_tcase(su, tc);

    tc = tcase_create("simplify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_xor_self);
    tcase_add_test(tc, test_identities);
    tcase_add_test(tc, test_logic_variants);
    tcase_add_test(tc, test_division_identities);
    tcase_add_test(tc, test_mulsh_by_one);
    tcase_add_test(tc, test_setcond_movcond);
    tcase_add_test(tc, test_setcond_swaps_constant);
    suite_add_tcase(su, tc);

    tc = tcase_create("known-bits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_known_bits_ext32u);
    tcase_add_test(tc, test_known_bits_not_redundant);
    tcase_add_test(tc, test_known_bits_chain);
    tcase_add_test(tc, test_known_bits_branch);
    tcase_add_test(tc, test_known_bits_bounds);
    suite_add_tcase(su, tc);

    tc = tcase_create("copies");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_copy_propagation);
    tcase_add_test(tc, test_copy_prefers_oldest_ebb);
    tcase_add_test(tc, test_copy_prefers_global);
    tcase_add_test(tc, test_copy_ends_on_write);
    tcase_add_test(tc, test_redundant_movs);
    suite_add_tcase(su, tc);

    tc = tcase_create("control");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_brcond_true_becomes_br);
    tcase_add_test(tc, test_brcond_false_removed);
    tcase_add_test(tc, test_br_to_next_label);
    tcase_add_test(tc, test_brcond_to_next_label);
    tcase_add_test(tc, test_unreachable_after_exit);
    tcase_add_test(tc, test_backward_branch_folded);
    tcase_add_test(tc, test_backward_branch_folded_many_labels);
    tcase_add_test(tc, test_label_forgets);
    tcase_add_test(tc, test_call_clobbers_globals);
    tcase_add_test(tc, test_call_pure_keeps_globals);
    tcase_add_test(tc, test_empty_and_nops);
    suite_add_tcase(su, tc);

    tc = tcase_create("fold-op");
    tcase_add_test(tc, test_fold_hand_values);
    tcase_add_test(tc, test_fold_rejects);
    tcase_add_test(tc, test_fold_binary_edges);
    tcase_add_test(tc, test_fold_double_word_edges);
    tcase_add_test(tc, test_fold_unary_edges);
    suite_add_tcase(su, tc);

    tc = tcase_create("random");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_random_programs, 0, 8);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(optimize_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * The interpreter backend's translator: IR ops of one block to the
 * bytecode of tci.h.
 *
 * Relies on the IR invariants of tcg/tcg.h (EBB temps dead at labels,
 * constants never written) and uses TCGTemp.state as its temp-to-slot map
 * (slot + 1, 0 for none): the passes that also use it have finished.
 *
 * Guarantees: every op is expanded on its own, its global inputs loaded
 * just before it and its global outputs stored just after; the guest
 * instruction index is published (an "insn" instruction) before the first
 * op of each instruction that can fault or call a helper, and again after
 * every label, since a branch may come from another instruction. Never
 * writes past avail bytes: it returns -1 instead, and may then be called
 * again on the same IR.
 */
#include "tcg/tci/tci.h"

#include <assert.h>
#include <string.h>

#include <glib.h>

/* Per-thread scratch lists, kept between blocks to avoid reallocation. */
typedef struct TciVec {
    uint32_t *v;
    uint32_t n, cap;
} TciVec;

static void vec_push(TciVec *vec, uint32_t x)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 64;
        vec->v = g_renew(uint32_t, vec->v, vec->cap);
    }
    vec->v[vec->n++] = x;
}

typedef struct TciGen {
    TCGContext *s;
    uint8_t *buf;
    size_t pos, avail;
    uint32_t nconst, ebb_base, ebb_next, nslots;
    int cur_insn;       /* index of the guest insn being translated */
    bool pos_published; /* its "insn" instruction dominates this point */
    TciVec *ebb_live;   /* EBB temps holding a slot in this region */
} TciGen;

static __thread TciVec tci_const_list, tci_tb_list, tci_ebb_list;

/* Room for the largest expansion of one op: its global loads and stores,
 * an insn marker and a three-word call. */
#define TCI_MAX_OP_BYTES 128

static void emit_bytes(TciGen *g, const void *p, size_t n)
{
    memcpy(g->buf + g->pos, p, n);
    g->pos += n;
}

static void emit_w0(TciGen *g, unsigned opc, unsigned aux, unsigned r,
                    unsigned a, unsigned b)
{
    TciInsn in = {opc, aux, r, a, b};
    emit_bytes(g, &in, sizeof(in));
}

static void emit_w0i(TciGen *g, unsigned opc, unsigned aux, unsigned r,
                     int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    emit_w0(g, opc, aux, r, u & 0xffff, u >> 16);
}

static void emit_ext(TciGen *g, unsigned s0, unsigned s1, unsigned s2,
                     unsigned s3)
{
    TciExt e = {{s0, s1, s2, s3}};
    emit_bytes(g, &e, sizeof(e));
}

static void emit_u64(TciGen *g, uint64_t v)
{
    emit_bytes(g, &v, sizeof(v));
}

static int32_t to_imm32(intptr_t v)
{
    assert(v == (int32_t)v && "tci: env offset does not fit 32 bits");
    return (int32_t)v;
}

/* A v128 temp takes two consecutive slots, low half first. */
static unsigned temp_nslots(const TCGTemp *ts)
{
    return ts->type == TCG_TYPE_V128 ? 2 : 1;
}

/* Frame slot of a non-global temp; EBB temps get one on first sight. */
static unsigned temp_slot(TciGen *g, TCGArg idx)
{
    TCGTemp *ts = &g->s->temps[idx];
    if (ts->state) {
        return ts->state - 1;
    }
    assert(ts->kind == TEMP_EBB && "tci: temp without a frame slot");
    unsigned slot = g->ebb_next;
    g->ebb_next += temp_nslots(ts);
    if (g->ebb_next > g->nslots) {
        g->nslots = g->ebb_next;
    }
    ts->state = slot + 1;
    vec_push(g->ebb_live, (uint32_t)idx);
    return slot;
}

/* Slot holding input idx; a global is first loaded into scratch n. */
static unsigned gen_in(TciGen *g, TCGArg idx, int n)
{
    const TCGTemp *ts = &g->s->temps[idx];
    if (ts->kind != TEMP_GLOBAL) {
        return temp_slot(g, idx);
    }
    unsigned slot = TCI_SLOT_SCRATCH + n;
    emit_w0i(g, ts->type == TCG_TYPE_I32 ? TCI_ldg32 : TCI_ldg64, 0, slot,
             to_imm32(ts->mem_offset));
    return slot;
}

/* Slot an op writes output idx to; globals go through scratch n and are
 * stored by gen_out_done once the op is emitted. */
static unsigned gen_out(TciGen *g, TCGArg idx, int n)
{
    const TCGTemp *ts = &g->s->temps[idx];
    assert(ts->kind != TEMP_CONST && ts->kind != TEMP_FIXED &&
           "tci: write to a constant or env");
    if (ts->kind == TEMP_GLOBAL) {
        return TCI_SLOT_SCRATCH + n;
    }
    return temp_slot(g, idx);
}

static void gen_out_done(TciGen *g, TCGArg idx, int n)
{
    const TCGTemp *ts = &g->s->temps[idx];
    if (ts->kind == TEMP_GLOBAL) {
        emit_w0i(g, ts->type == TCG_TYPE_I32 ? TCI_stg32 : TCI_stg64, 0,
                 TCI_SLOT_SCRATCH + n, to_imm32(ts->mem_offset));
    }
}

/* Make the current guest insn index visible before an op that may fault
 * or call a helper (which may restore state from it). */
static void gen_publish_pos(TciGen *g)
{
    if (!g->pos_published) {
        emit_w0i(g, TCI_insn, 0, 0, g->cur_insn < 0 ? 0 : g->cur_insn);
        g->pos_published = true;
    }
}

static void patch_branch(TciGen *g, size_t at, size_t target)
{
    int32_t disp = (int32_t)((ptrdiff_t)target - (ptrdiff_t)at);
    uint32_t u = (uint32_t)disp;
    if (g->buf[at] == TCI_br) {
        TciInsn in;
        memcpy(&in, g->buf + at, sizeof(in));
        in.a = u & 0xffff;
        in.b = u >> 16;
        memcpy(g->buf + at, &in, sizeof(in));
    } else {
        memcpy(g->buf + at + 8, &disp, sizeof(disp));
    }
}

/* Called with g->pos at the branch instruction about to be emitted. */
static int32_t label_disp(TciGen *g, TCGArg l)
{
    TCGLabel *lab = &g->s->labels[l];
    if (lab->has_value) {
        return (int32_t)((ptrdiff_t)lab->value - (ptrdiff_t)g->pos);
    }
    if (lab->nb_relocs == lab->relocs_cap) {
        lab->relocs_cap = lab->relocs_cap ? lab->relocs_cap * 2 : 4;
        lab->relocs = g_renew(uint32_t, lab->relocs, lab->relocs_cap);
    }
    lab->relocs[lab->nb_relocs++] = (uint32_t)g->pos;
    return 0;
}

static void gen_set_label(TciGen *g, TCGArg l)
{
    TCGLabel *lab = &g->s->labels[l];
    assert(!lab->has_value && "tci: label defined twice");
    lab->has_value = true;
    lab->value = g->pos;
    for (uint32_t i = 0; i < lab->nb_relocs; i++) {
        patch_branch(g, lab->relocs[i], g->pos);
    }
    lab->nb_relocs = 0;
    /* EBB temps are dead here: their slots are free for the next region. */
    for (uint32_t i = 0; i < g->ebb_live->n; i++) {
        g->s->temps[g->ebb_live->v[i]].state = 0;
    }
    g->ebb_live->n = 0;
    g->ebb_next = g->ebb_base;
    /* A branch may arrive here from a point where another insn index was
     * current. */
    g->pos_published = false;
}

static void gen_insn_start(TciGen *g, const TCGOp *op)
{
    g->cur_insn = (int)tcg_record_insn_start(g->s, op, (uint32_t)g->pos);
    g->pos_published = false;
}

/* Ops whose bytecode is "r = f(a[, b])": opcode per width (i32, i64);
 * 0 (trap) where the width is invalid. */
static const uint8_t tci_simple_op[NB_OPS][2] = {
    [INDEX_op_add] = {TCI_add32, TCI_add64},
    [INDEX_op_sub] = {TCI_sub32, TCI_sub64},
    [INDEX_op_mul] = {TCI_mul32, TCI_mul64},
    [INDEX_op_neg] = {TCI_neg32, TCI_neg64},
    [INDEX_op_mulsh] = {TCI_mulsh32, TCI_mulsh64},
    [INDEX_op_muluh] = {TCI_muluh32, TCI_muluh64},
    [INDEX_op_div] = {TCI_div32, TCI_div64},
    [INDEX_op_divu] = {TCI_divu32, TCI_divu64},
    [INDEX_op_rem] = {TCI_rem32, TCI_rem64},
    [INDEX_op_remu] = {TCI_remu32, TCI_remu64},
    /* i32 inputs are zero-extended, so these need no width. */
    [INDEX_op_and] = {TCI_and, TCI_and},
    [INDEX_op_or] = {TCI_or, TCI_or},
    [INDEX_op_xor] = {TCI_xor, TCI_xor},
    [INDEX_op_andc] = {TCI_andc, TCI_andc},
    [INDEX_op_not] = {TCI_not32, TCI_not64},
    [INDEX_op_orc] = {TCI_orc32, TCI_orc64},
    [INDEX_op_eqv] = {TCI_eqv32, TCI_eqv64},
    [INDEX_op_nand] = {TCI_nand32, TCI_nand64},
    [INDEX_op_nor] = {TCI_nor32, TCI_nor64},
    [INDEX_op_shl] = {TCI_shl32, TCI_shl64},
    [INDEX_op_shr] = {TCI_shr32, TCI_shr64},
    [INDEX_op_sar] = {TCI_sar32, TCI_sar64},
    [INDEX_op_rotl] = {TCI_rotl32, TCI_rotl64},
    [INDEX_op_rotr] = {TCI_rotr32, TCI_rotr64},
    [INDEX_op_clz] = {TCI_clz32, TCI_clz64},
    [INDEX_op_ctz] = {TCI_ctz32, TCI_ctz64},
    [INDEX_op_ctpop] = {TCI_ctpop32, TCI_ctpop64},
    [INDEX_op_bswap16] = {TCI_bswap16, TCI_bswap16},
    [INDEX_op_bswap32] = {TCI_bswap32, TCI_bswap32},
    [INDEX_op_bswap64] = {TCI_trap, TCI_bswap64},
    [INDEX_op_ext8s] = {TCI_ext8s32, TCI_ext8s64},
    [INDEX_op_ext8u] = {TCI_ext8u, TCI_ext8u},
    [INDEX_op_ext16s] = {TCI_ext16s32, TCI_ext16s64},
    [INDEX_op_ext16u] = {TCI_ext16u, TCI_ext16u},
    [INDEX_op_ext32s] = {TCI_trap, TCI_ext32s},
    [INDEX_op_ext32u] = {TCI_trap, TCI_ext32u},
    /* Width changes: the same whatever op->type says. */
    [INDEX_op_extu_i32_i64] = {TCI_ext32u, TCI_ext32u},
    [INDEX_op_exts_i32_i64] = {TCI_ext32s, TCI_ext32s},
    [INDEX_op_extrl_i64_i32] = {TCI_ext32u, TCI_ext32u},
    [INDEX_op_extrh_i64_i32] = {TCI_extrh, TCI_extrh},
};

static const uint8_t tci_brcond_op[TCG_COND_COUNT][2] = {
    [TCG_COND_EQ] = {TCI_beq32, TCI_beq64},
    [TCG_COND_NE] = {TCI_bne32, TCI_bne64},
    [TCG_COND_LT] = {TCI_blt32, TCI_blt64},
    [TCG_COND_GE] = {TCI_bge32, TCI_bge64},
    [TCG_COND_LE] = {TCI_ble32, TCI_ble64},
    [TCG_COND_GT] = {TCI_bgt32, TCI_bgt64},
    [TCG_COND_LTU] = {TCI_bltu32, TCI_bltu64},
    [TCG_COND_GEU] = {TCI_bgeu32, TCI_bgeu64},
    [TCG_COND_LEU] = {TCI_bleu32, TCI_bleu64},
    [TCG_COND_GTU] = {TCI_bgtu32, TCI_bgtu64},
};

/* The fast forms of guest loads and stores, else the generic ones. */
static unsigned qld_opcode(unsigned mo, int w)
{
    if (mo & (MO_BSWAP | MO_ALIGN)) {
        return TCI_qld32 + w;
    }
    switch (mo & (MO_SIZE | MO_SIGN)) {
    case MO_UB:
        return TCI_qld_ub;
    case MO_UW:
        return TCI_qld_uw;
    case MO_UL:
        return TCI_qld_ul;
    case MO_SB:
        return w ? TCI_qld_sb64 : TCI_qld_sb32;
    case MO_SW:
        return w ? TCI_qld_sw64 : TCI_qld_sw32;
    case MO_SL:
        return w ? TCI_qld_sl64 : TCI_qld_ul;
    default:
        /* A 64-bit load extends nothing: MO_SIGN is moot. */
        return TCI_qld_uq;
    }
}

static unsigned qst_opcode(unsigned mo)
{
    static const uint8_t fast[4] = {TCI_qst_b, TCI_qst_w, TCI_qst_l, TCI_qst_q};
    return mo & (MO_BSWAP | MO_ALIGN) ? TCI_qst : fast[mo & MO_SIZE];
}

/* An MO_TBI access's address: slot a with the top byte cleared, in the
 * scratch slot of the op's memop argument (a constant, so never used). */
static unsigned gen_tbi(TciGen *g, unsigned a, unsigned mo)
{
    if (!(mo & MO_TBI)) {
        return a;
    }
    emit_w0(g, TCI_extract64, 0, TCI_SLOT_SCRATCH + 2, a, 56);
    return TCI_SLOT_SCRATCH + 2;
}

static void gen_mov(TciGen *g, TCGArg dst, TCGArg src)
{
    const TCGTemp *td = &g->s->temps[dst];
    if (dst == src) {
        return;
    }
    if (td->kind == TEMP_GLOBAL) {
        unsigned v = gen_in(g, src, 0);
        emit_w0i(g, td->type == TCG_TYPE_I32 ? TCI_stg32 : TCI_stg64, 0, v,
                 to_imm32(td->mem_offset));
        return;
    }
    unsigned d = temp_slot(g, dst);
    const TCGTemp *tsrc = &g->s->temps[src];
    if (tsrc->kind == TEMP_GLOBAL) {
        /* Load straight into the destination. */
        emit_w0i(g, tsrc->type == TCG_TYPE_I32 ? TCI_ldg32 : TCI_ldg64, 0, d,
                 to_imm32(tsrc->mem_offset));
    } else {
        emit_w0(g, TCI_mov, 0, d, temp_slot(g, src), 0);
    }
}

static void gen_call(TciGen *g, const TCGOp *op)
{
    const TCGHelperInfo *info = tcg_call_info(op);
    int no = op->call_oargs, ni = op->call_iargs;
    unsigned a[TCG_MAX_CALL_IARGS];
    assert(ni <= TCG_MAX_CALL_IARGS && no <= 1);
    gen_publish_pos(g);
    for (int i = 0; i < TCG_MAX_CALL_IARGS; i++) {
        a[i] = i < ni ? gen_in(g, op->args[no + i], 1 + i) : TCI_SLOT_ZERO;
    }
    unsigned ret = TCI_RET_NONE, r = 0;
    if (no) {
        ret = g->s->temps[op->args[0]].type == TCG_TYPE_I32 ? TCI_RET_I32
                                                            : TCI_RET_I64;
        r = gen_out(g, op->args[0], 0);
    }
    emit_w0(g, TCI_call, ni | (ret << 4), r, a[0], a[1]);
    emit_ext(g, a[2], a[3], a[4], a[5]);
    emit_u64(g, (uintptr_t)info->func);
    if (no) {
        gen_out_done(g, op->args[0], 0);
    }
}

/* Vector ops: v128 operands are never globals (tcg.c refuses them), but
 * the integer ones may be. */
static void gen_vec(TciGen *g, const TCGOp *op)
{
    static const uint8_t vec_opc[NB_OPS] = {
        [INDEX_op_mov_vec] = TCI_vmov,
        [INDEX_op_dup_vec] = TCI_vdup,
        [INDEX_op_and_vec] = TCI_vand,
        [INDEX_op_or_vec] = TCI_vor,
        [INDEX_op_xor_vec] = TCI_vxor,
        [INDEX_op_andc_vec] = TCI_vandc,
        [INDEX_op_not_vec] = TCI_vnot,
        [INDEX_op_add_vec] = TCI_vadd,
        [INDEX_op_sub_vec] = TCI_vsub,
        [INDEX_op_cmpeq_vec] = TCI_vcmpeq,
        [INDEX_op_smin_vec] = TCI_vsmin,
        [INDEX_op_smax_vec] = TCI_vsmax,
        [INDEX_op_umin_vec] = TCI_vumin,
        [INDEX_op_umax_vec] = TCI_vumax,
        [INDEX_op_extract64_vec] = TCI_vext64,
    };
    const TCGArg *args = op->args;
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    unsigned r, a, b = 0, aux = 0;

    switch (op->opc) {
    case INDEX_op_ld_vec:
        a = gen_in(g, args[1], 1);
        r = temp_slot(g, args[0]);
        emit_w0(g, TCI_vld, 0, r, a, 0);
        emit_u64(g, args[2]);
        return;
    case INDEX_op_st_vec:
        r = temp_slot(g, args[0]);
        a = gen_in(g, args[1], 1);
        emit_w0(g, TCI_vst, 0, r, a, 0);
        emit_u64(g, args[2]);
        return;
    case INDEX_op_insert64_vec:
        a = temp_slot(g, args[1]);
        b = gen_in(g, args[2], 2);
        r = temp_slot(g, args[0]);
        emit_w0(g, TCI_vins64, (unsigned)args[3] & 1, r, a, b);
        return;
    default:
        break;
    }
    assert(vec_opc[op->opc] != TCI_trap && "tci: vector op not supported");
    a = gen_in(g, args[1], 1);
    if (def->nb_iargs > 1) {
        b = temp_slot(g, args[2]);
    }
    if (def->nb_cargs) {
        aux = (unsigned)args[def->nb_oargs + def->nb_iargs];
    }
    r = gen_out(g, args[0], 0);
    emit_w0(g, vec_opc[op->opc], aux, r, a, b);
    gen_out_done(g, args[0], 0);
}

static void gen_op(TciGen *g, TranslationBlock *tb, const TCGOp *op)
{
    const TCGArg *args = op->args;
    int w = op->type == TCG_TYPE_I64;
    unsigned r, a, b, c, d;

    switch (op->opc) {
    case INDEX_op_nop:
        return;
    case INDEX_op_insn_start:
        gen_insn_start(g, op);
        return;
    case INDEX_op_set_label:
        gen_set_label(g, args[0]);
        return;
    case INDEX_op_br:
        emit_w0i(g, TCI_br, 0, 0, label_disp(g, args[0]));
        return;
    case INDEX_op_brcond: {
        TCGCond cond = (TCGCond)args[2];
        if (cond == TCG_COND_NEVER) {
            return;
        }
        if (cond == TCG_COND_ALWAYS) {
            emit_w0i(g, TCI_br, 0, 0, label_disp(g, args[3]));
            return;
        }
        a = gen_in(g, args[0], 0);
        b = gen_in(g, args[1], 1);
        int32_t disp = label_disp(g, args[3]);
        emit_w0(g, tci_brcond_op[cond][w], 0, 0, a, b);
        emit_u64(g, (uint32_t)disp);
        return;
    }
    case INDEX_op_call:
        gen_call(g, op);
        return;
    case INDEX_op_mb:
        emit_w0(g, TCI_mb, (unsigned)args[0], 0, 0, 0);
        return;
    case INDEX_op_goto_tb: {
        unsigned n = (unsigned)args[0];
        assert(tb && n < 2 && "tci: goto_tb needs a block and n < 2");
        tb->jmp_insn_offset[n] = (uint32_t)g->pos;
        emit_w0(g, TCI_goto_tb, n, 0, 0, 0);
        tb->jmp_reset_offset[n] = (uint32_t)g->pos;
        return;
    }
    case INDEX_op_exit_tb:
        emit_w0(g, TCI_exit, 0, 0, 0, 0);
        emit_u64(g, args[0]);
        return;
    case INDEX_op_goto_ptr:
        a = gen_in(g, args[0], 0);
        emit_w0(g, TCI_goto_ptr, 0, 0, a, 0);
        return;
    case INDEX_op_mov:
        gen_mov(g, args[0], args[1]);
        return;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        unsigned e, f;
        a = gen_in(g, args[2], 2);
        b = gen_in(g, args[3], 3);
        c = gen_in(g, args[4], 4);
        d = gen_in(g, args[5], 5);
        e = gen_out(g, args[0], 0);
        f = gen_out(g, args[1], 1);
        unsigned opc = op->opc == INDEX_op_add2 ? TCI_add2_32 : TCI_sub2_32;
        emit_w0(g, opc + w, 0, e, f, a);
        emit_ext(g, b, c, d, 0);
        gen_out_done(g, args[0], 0);
        gen_out_done(g, args[1], 1);
        return;
    }
    case INDEX_op_extract:
    case INDEX_op_sextract:
        a = gen_in(g, args[1], 1);
        r = gen_out(g, args[0], 0);
        emit_w0(g,
                (op->opc == INDEX_op_extract ? TCI_extract32 : TCI_sextract32) +
                    w,
                (unsigned)args[2], r, a, (unsigned)args[3]);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_deposit:
        a = gen_in(g, args[1], 1);
        b = gen_in(g, args[2], 2);
        r = gen_out(g, args[0], 0);
        emit_w0(g, TCI_deposit32 + w, 0, r, a, b);
        emit_ext(g, (unsigned)args[3], (unsigned)args[4], 0, 0);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_setcond:
        a = gen_in(g, args[1], 1);
        b = gen_in(g, args[2], 2);
        r = gen_out(g, args[0], 0);
        emit_w0(g, TCI_setcond32 + w, (unsigned)args[3], r, a, b);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_movcond:
        a = gen_in(g, args[1], 1);
        b = gen_in(g, args[2], 2);
        c = gen_in(g, args[3], 3);
        d = gen_in(g, args[4], 4);
        r = gen_out(g, args[0], 0);
        emit_w0(g, TCI_movcond32 + w, (unsigned)args[5], r, a, b);
        emit_ext(g, c, d, 0, 0);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_ld:
        a = gen_in(g, args[1], 1);
        r = gen_out(g, args[0], 0);
        emit_w0(g, TCI_ld32 + w, (unsigned)args[2], r, a, 0);
        emit_u64(g, args[3]);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_st:
        c = gen_in(g, args[0], 0);
        a = gen_in(g, args[1], 1);
        emit_w0(g, TCI_st, (unsigned)args[2], c, a, 0);
        emit_u64(g, args[3]);
        return;
    case INDEX_op_qemu_ld: {
        unsigned mo = (unsigned)args[2] & ~MO_TBI;
        gen_publish_pos(g);
        a = gen_tbi(g, gen_in(g, args[1], 1), (unsigned)args[2]);
        r = gen_out(g, args[0], 0);
        emit_w0(g, qld_opcode(mo, w), mo, r, a, 0);
        gen_out_done(g, args[0], 0);
        return;
    }
    case INDEX_op_qemu_st: {
        unsigned mo = (unsigned)args[2] & ~MO_TBI;
        gen_publish_pos(g);
        c = gen_in(g, args[0], 0);
        a = gen_tbi(g, gen_in(g, args[1], 1), (unsigned)args[2]);
        emit_w0(g, qst_opcode(mo), mo, c, a, 0);
        return;
    }
    case INDEX_op_atomic_cmpxchg:
        gen_publish_pos(g);
        a = gen_in(g, args[1], 1);
        b = gen_in(g, args[2], 2);
        c = gen_in(g, args[3], 3);
        r = gen_out(g, args[0], 0);
        emit_w0(g, TCI_cmpxchg32 + w, (unsigned)args[4], r, a, b);
        emit_ext(g, c, 0, 0, 0);
        gen_out_done(g, args[0], 0);
        return;
    case INDEX_op_atomic_xchg:
    case INDEX_op_atomic_fetch: {
        unsigned aux = (unsigned)args[3];
        unsigned opc = TCI_xchg32;
        if (op->opc == INDEX_op_atomic_fetch) {
            /* The MemOp takes 5 bits, the TCGAtomicOp the other 3. */
            assert(args[3] < 32 && args[4] < TCG_AOP_COUNT);
            aux |= (unsigned)args[4] << 5;
            opc = TCI_fetch32;
        }
        gen_publish_pos(g);
        a = gen_in(g, args[1], 1);
        b = gen_in(g, args[2], 2);
        r = gen_out(g, args[0], 0);
        emit_w0(g, opc + w, aux, r, a, b);
        gen_out_done(g, args[0], 0);
        return;
    }
    default:
        if (tcg_op_defs[op->opc].flags & TCG_OPF_VECTOR) {
            gen_vec(g, op);
            return;
        }
        break;
    }

    /* The unary and binary ops. */
    unsigned opc = tci_simple_op[op->opc][w];
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    assert(opc != TCI_trap && "tci: op not supported at this width");
    a = gen_in(g, args[1], 1);
    b = def->nb_iargs > 1 ? gen_in(g, args[2], 2) : 0;
    r = gen_out(g, args[0], 0);
    emit_w0(g, opc, 0, r, a, b);
    gen_out_done(g, args[0], 0);
}

/* Give constants and TB temps their fixed slots; constants must be
 * contiguous from TCI_SLOT_CONST0 to be copied from the pool at once. */
static void assign_fixed_slots(TciGen *g)
{
    TCGContext *s = g->s;
    tci_const_list.n = 0;
    tci_tb_list.n = 0;
    for (uint32_t i = 0; i < s->nb_temps; i++) {
        s->temps[i].state = 0;
    }
    s->temps[s->env_temp].state = TCI_SLOT_ENV + 1;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        if ((tcg_op_defs[op->opc].flags & TCG_OPF_NOT_PRESENT) &&
            op->opc != INDEX_op_mov) {
            continue;
        }
        int n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        for (int j = 0; j < n; j++) {
            TCGTemp *ts = &s->temps[op->args[j]];
            if (ts->state) {
                continue;
            }
            if (ts->kind == TEMP_CONST) {
                ts->state = TCI_SLOT_CONST0 + tci_const_list.n + 1;
                vec_push(&tci_const_list, (uint32_t)op->args[j]);
            } else if (ts->kind == TEMP_TB) {
                ts->state = UINT32_MAX; /* seen; numbered below */
                vec_push(&tci_tb_list, (uint32_t)op->args[j]);
            }
        }
    }
    g->nconst = tci_const_list.n;
    uint32_t next = TCI_SLOT_CONST0 + g->nconst;
    for (uint32_t i = 0; i < tci_tb_list.n; i++) {
        TCGTemp *ts = &s->temps[tci_tb_list.v[i]];
        ts->state = next + 1;
        next += temp_nslots(ts);
    }
    g->ebb_base = g->ebb_next = g->nslots = next;
}

#ifndef NDEBUG
/* Decode what was emitted with the instruction table: every opcode is
 * valid, the lengths add up to the end, and every branch lands on an
 * instruction of the block. */
static void check_code(const uint8_t *buf, size_t start, size_t end)
{
    uint8_t *is_insn = g_malloc0(end / 8 + 1);
    size_t p;
    for (p = start; p < end; p += tci_op_info[buf[p]].words * 8) {
        assert(buf[p] != TCI_trap && buf[p] < TCI_NB_OPS &&
               "tci: emitted an invalid opcode");
        is_insn[p / 8] = 1;
    }
    assert(p == end && "tci: instruction lengths disagree");
    for (p = start; p < end; p += tci_op_info[buf[p]].words * 8) {
        TciInsn in;
        int32_t disp;
        memcpy(&in, buf + p, sizeof(in));
        if (tci_op_info[in.opc].fmt == TCI_FMT_BR) {
            disp = tci_imm(&in);
        } else if (tci_op_info[in.opc].fmt == TCI_FMT_BRCOND) {
            memcpy(&disp, buf + p + 8, sizeof(disp));
        } else {
            continue;
        }
        size_t target = p + disp;
        assert(target >= start && target < end && target % 8 == 0 &&
               is_insn[target / 8] && "tci: branch into nowhere");
        (void)target;
    }
    g_free(is_insn);
}
#endif

ptrdiff_t tci_gen_code(TCGContext *s, TranslationBlock *tb, uint8_t *rw,
                       const uint8_t *rx, size_t avail)
{
    TciGen g = {
        .s = s,
        .buf = rw,
        .avail = avail,
        .cur_insn = -1,
        .ebb_live = &tci_ebb_list,
    };
    (void)rx;
    tci_ebb_list.n = 0;
    s->nb_insns = 0;
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        s->labels[i].has_value = false;
        s->labels[i].nb_relocs = 0;
    }
    assign_fixed_slots(&g);

    size_t start = sizeof(TciHeader) + (size_t)g.nconst * 8;
    if (start > avail) {
        return -1;
    }
    g.pos = start;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (g.pos + TCI_MAX_OP_BYTES > avail) {
            return -1;
        }
        gen_op(&g, tb, &s->ops[i]);
    }
    tcg_record_insn_end(s, (uint32_t)g.pos);
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        assert(s->labels[i].nb_relocs == 0 && "tci: branch to unset label");
    }
    if (g.nslots > TCI_MAX_SLOTS) {
        g_error("tci: block needs %u frame slots, more than %u", g.nslots,
                (unsigned)TCI_MAX_SLOTS);
    }

    TciHeader h = {(uintptr_t)tb, g.nslots, g.nconst};
    memcpy(rw, &h, sizeof(h));
    for (uint32_t i = 0; i < g.nconst; i++) {
        uint64_t v = s->temps[tci_const_list.v[i]].val;
        memcpy(rw + sizeof(h) + i * 8, &v, 8);
    }
    s->frame_size = (intptr_t)g.nslots * 8;
#ifndef NDEBUG
    check_code(rw, start, g.pos);
#endif
    return (ptrdiff_t)g.pos;
}

/*
 * Random IR program generator (see gen.h). Programs are built from nested
 * items: straight-line compute ops on a mix of globals, TB temps, EBB temps
 * and constants; guest memory accesses at masked addresses; atomics; host
 * ld/st on the CPU's scratch area; helper calls with every flag combination
 * that matters; forward branches (if, if/else, jumps over dead code, early
 * exits), counted backward loops, and bursts of many simultaneously live
 * values to force spilling.
 *
 * Rules kept so that every backend must agree on the result:
 *  - an EBB temp is only read if written since the last label (the
 *    generator tracks validity and forgets everything at each set_label);
 *  - TB temps are all initialised before the first branch;
 *  - insn_start only at nesting depth 0, so the guest instruction of any op
 *    is the same whether counted by position or by execution order;
 *  - loops are counted by a dedicated TB temp (at most 4 x 4 iterations);
 *  - atomics are aligned to their size (no split locks) unless MO_ALIGN is
 *    set and a fault is wanted; every access stays inside
 *    [0, FUZZ_MEM_SIZE + 16).
 */
#include "gen.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../common/testrand.h"

#define MAX_POOL 40
#define MAX_TB 8

typedef struct Gen {
    TCGContext *s;
    const FuzzProg *p;
    TestRng r;
    TCGv tb[2][MAX_TB];
    int ntb[2];
    TCGv ebb[2][MAX_POOL];
    bool valid[2][MAX_POOL];
    int nebb[2];
    int budget;
    int insn;
    int loop_depth;
} Gen;

/* ---- helpers called from generated code ---- */

static uint64_t fz_mix(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ull);
    return x + ((b << 13) | (b >> 51));
}

static uint32_t fz_mix32(uint32_t a, uint32_t b)
{
    return a * 31u + (b ^ 0x5bd1e995u);
}

static uint64_t fz_six(uint64_t a, uint32_t b, uint64_t c, uint32_t d,
                       uint64_t e, uint64_t f)
{
    return a + 3 * (uint64_t)b + 5 * c + 7 * (uint64_t)d + 11 * e + 13 * f;
}

/* Reads and writes globals: needs every global synced and reloaded. */
static void fz_rw(CPUState *env, uint64_t v)
{
    IrCpu *c = (IrCpu *)env;
    c->regs[3] = c->regs[3] * 7 + v + c->regs[0];
    c->regs32[5] ^= (uint32_t)v;
}

/* Reads globals only. */
static uint64_t fz_read(CPUState *env)
{
    IrCpu *c = (IrCpu *)env;
    return c->regs[1] ^ ((uint64_t)c->regs32[2] * 3);
}

/* Touches no global but has a side effect. */
static void fz_side(CPUState *env, uint64_t v)
{
    IrCpu *c = (IrCpu *)env;
    c->side = c->side * 31 + v;
}

/* Raises guest exception FUZZ_EXCP_HELPER for about one value in seven,
 * restoring the state of the current guest instruction. */
static void fz_maybe_raise(CPUState *env, uint64_t v)
{
    if (v % 7 == 0) {
        cpu_raise_exception_ra(env, FUZZ_EXCP_HELPER,
                               (uintptr_t)__builtin_return_address(0));
    }
}

static const TCGHelperInfo info_mix = {
    .func = (void *)fz_mix,
    .name = "fz_mix",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64}};
static const TCGHelperInfo info_mix32 = {
    .func = (void *)fz_mix32,
    .name = "fz_mix32",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I32,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I32, TCG_TYPE_I32}};
static const TCGHelperInfo info_six = {
    .func = (void *)fz_six,
    .name = "fz_six",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I32, TCG_TYPE_I64, TCG_TYPE_I32,
                  TCG_TYPE_I64, TCG_TYPE_I64}};
static const TCGHelperInfo info_rw = {
    .func = (void *)fz_rw,
    .name = "fz_rw",
    .flags = 0,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64}};
static const TCGHelperInfo info_read = {.func = (void *)fz_read,
                                        .name = "fz_read",
                                        .flags = TCG_CALL_NO_WRITE_GLOBALS |
                                                 TCG_CALL_NO_SIDE_EFFECTS,
                                        .has_ret = true,
                                        .ret_type = TCG_TYPE_I64,
                                        .nb_args = 1,
                                        .arg_types = {TCG_TYPE_I64}};
static const TCGHelperInfo info_raise = {
    .func = (void *)fz_maybe_raise,
    .name = "fz_maybe_raise",
    .flags = 0,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64}};
static const TCGHelperInfo info_side = {
    .func = (void *)fz_side,
    .name = "fz_side",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64}};

/* ---- operand selection ---- */

static int tix(TCGType t)
{
    return t == TCG_TYPE_I64;
}

static int tbits(TCGType t)
{
    return t == TCG_TYPE_I64 ? 64 : 32;
}

static TCGType rand_type(Gen *g)
{
    return trng_chance(&g->r, 1, 2) ? TCG_TYPE_I64 : TCG_TYPE_I32;
}

static TCGv rand_global(Gen *g, TCGType t)
{
    int i = (int)trng_below(&g->r, 16);
    return t == TCG_TYPE_I64 ? ir_reg[i] : ir_reg32[i];
}

static TCGv pick_src(Gen *g, TCGType t)
{
    int k = tix(t);
    for (;;) {
        unsigned roll = (unsigned)trng_below(&g->r, 100);
        if (roll < 33) {
            return rand_global(g, t);
        }
        if (roll < 53) {
            if (g->ntb[k]) {
                return g->tb[k][trng_below(&g->r, (uint64_t)g->ntb[k])];
            }
            continue;
        }
        if (roll < 85) {
            int n = 0;
            for (int i = 0; i < g->nebb[k]; i++) {
                n += g->valid[k][i];
            }
            if (!n) {
                continue;
            }
            int j = (int)trng_below(&g->r, (uint64_t)n);
            for (int i = 0; i < g->nebb[k]; i++) {
                if (g->valid[k][i] && j-- == 0) {
                    return g->ebb[k][i];
                }
            }
        }
        return tcg_constant(g->s, t, trng_value(&g->r, tbits(t)));
    }
}

/* A destination; an EBB temp chosen here counts as written from now on,
 * so the op must be emitted (use mark = false to only look). */
static TCGv pick_dst_ex(Gen *g, TCGType t, bool mark)
{
    int k = tix(t);
    unsigned roll = (unsigned)trng_below(&g->r, 100);
    if (roll < 30) {
        return rand_global(g, t);
    }
    if (roll < 50 && g->ntb[k]) {
        return g->tb[k][trng_below(&g->r, (uint64_t)g->ntb[k])];
    }
    int i = (int)trng_below(&g->r, (uint64_t)g->nebb[k]);
    if (mark) {
        g->valid[k][i] = true;
    }
    return g->ebb[k][i];
}

static TCGv pick_dst(Gen *g, TCGType t)
{
    return pick_dst_ex(g, t, true);
}

static void mark_written(Gen *g, TCGType t, TCGv v)
{
    int k = tix(t);
    for (int i = 0; i < g->nebb[k]; i++) {
        if (g->ebb[k][i] == v) {
            g->valid[k][i] = true;
        }
    }
}

static void forget_ebb(Gen *g)
{
    memset(g->valid, 0, sizeof(g->valid));
}

static TCGCond rand_cond(Gen *g)
{
    return (TCGCond)trng_below(&g->r, TCG_COND_COUNT);
}

static bool allowed(const Gen *g, TCGOpcode opc)
{
    return !(g->p->excluded[opc / 8] & (1u << (opc % 8)));
}

bool fuzz_exclude_ops(FuzzProg *p, const char *list)
{
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);
        int found = -1;
        for (int i = 0; i < NB_OPS; i++) {
            if (strlen(tcg_op_defs[i].name) == n &&
                !strncmp(tcg_op_defs[i].name, list, n)) {
                found = i;
            }
        }
        if (found < 0) {
            fprintf(stderr, "fuzz: unknown op '%.*s' in exclusion list\n",
                    (int)n, list);
            return false;
        }
        p->excluded[found / 8] |= (uint8_t)(1u << (found % 8));
        list = end ? end + 1 : NULL;
    }
    return true;
}

/* ---- items ---- */

static const TCGOpcode binops[] = {
    INDEX_op_add,  INDEX_op_sub,  INDEX_op_mul,  INDEX_op_mulsh, INDEX_op_muluh,
    INDEX_op_div,  INDEX_op_divu, INDEX_op_rem,  INDEX_op_remu,  INDEX_op_and,
    INDEX_op_or,   INDEX_op_xor,  INDEX_op_andc, INDEX_op_orc,   INDEX_op_eqv,
    INDEX_op_nand, INDEX_op_nor,  INDEX_op_shl,  INDEX_op_shr,   INDEX_op_sar,
    INDEX_op_rotl, INDEX_op_rotr,
};
static const TCGOpcode unops[] = {
    INDEX_op_mov,     INDEX_op_neg,    INDEX_op_not,     INDEX_op_clz,
    INDEX_op_ctz,     INDEX_op_ctpop,  INDEX_op_bswap16, INDEX_op_bswap32,
    INDEX_op_ext8s,   INDEX_op_ext8u,  INDEX_op_ext16s,  INDEX_op_ext16u,
    INDEX_op_bswap64, INDEX_op_ext32s, INDEX_op_ext32u,
};
#define NUNOPS32 12 /* the last three are i64 only */
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void emit_compute(Gen *g)
{
    TCGContext *s = g->s;
    TCGType t = rand_type(g);
    int w = tbits(t);
    g->budget--;
    switch (trng_below(&g->r, 10)) {
    case 0:
    case 1:
    case 2: {
        TCGOpcode opc = binops[trng_below(&g->r, NELEMS(binops))];
        if (!allowed(g, opc)) {
            break;
        }
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        TCG_GEN(s, opc, t, pick_dst(g, t), a, b);
        break;
    }
    case 3: {
        size_t n = t == TCG_TYPE_I64 ? NELEMS(unops) : NUNOPS32;
        TCGOpcode opc = unops[trng_below(&g->r, n)];
        if (!allowed(g, opc)) {
            break;
        }
        TCGv a = pick_src(g, t);
        TCG_GEN(s, opc, t, pick_dst(g, t), a);
        break;
    }
    case 4: {
        TCGv al = pick_src(g, t), ah = pick_src(g, t);
        TCGv bl = pick_src(g, t), bh = pick_src(g, t);
        TCGOpcode opc =
            trng_chance(&g->r, 1, 2) ? INDEX_op_add2 : INDEX_op_sub2;
        if (!allowed(g, opc)) {
            break;
        }
        TCGv rl = pick_dst_ex(g, t, false), rh = pick_dst_ex(g, t, false);
        for (int i = 0; i < 8 && rh == rl; i++) {
            rh = pick_dst_ex(g, t, false);
        }
        if (rh == rl) {
            break;
        }
        mark_written(g, t, rl);
        mark_written(g, t, rh);
        if (opc == INDEX_op_add2) {
            tcg_gen_add2(s, t, rl, rh, al, ah, bl, bh);
        } else {
            tcg_gen_sub2(s, t, rl, rh, al, ah, bl, bh);
        }
        break;
    }
    case 5: {
        unsigned len = 1 + (unsigned)trng_below(&g->r, (uint64_t)w);
        unsigned pos = (unsigned)trng_below(&g->r, (uint64_t)(w - len + 1));
        TCGv a = pick_src(g, t);
        static const TCGOpcode bf[] = {INDEX_op_extract, INDEX_op_sextract,
                                       INDEX_op_deposit};
        unsigned which = (unsigned)trng_below(&g->r, 3);
        if (!allowed(g, bf[which])) {
            break;
        }
        switch (which) {
        case 0:
            tcg_gen_extract(s, t, pick_dst(g, t), a, pos, len);
            break;
        case 1:
            tcg_gen_sextract(s, t, pick_dst(g, t), a, pos, len);
            break;
        default: {
            TCGv b = pick_src(g, t);
            tcg_gen_deposit(s, t, pick_dst(g, t), a, b, pos, len);
            break;
        }
        }
        break;
    }
    case 6: {
        if (!allowed(g, INDEX_op_setcond)) {
            break;
        }
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        tcg_gen_setcond(s, t, rand_cond(g), pick_dst(g, t), a, b);
        break;
    }
    case 7: {
        if (!allowed(g, INDEX_op_movcond)) {
            break;
        }
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        TCGv v1 = pick_src(g, t), v2 = pick_src(g, t);
        tcg_gen_movcond(s, t, rand_cond(g), pick_dst(g, t), a, b, v1, v2);
        break;
    }
    case 8: {
        static const TCGOpcode wc[] = {
            INDEX_op_extu_i32_i64, INDEX_op_exts_i32_i64,
            INDEX_op_extrl_i64_i32, INDEX_op_extrh_i64_i32};
        unsigned which = (unsigned)trng_below(&g->r, 4);
        if (!allowed(g, wc[which])) {
            break;
        }
        switch (which) {
        case 0: {
            TCGv a = pick_src(g, TCG_TYPE_I32);
            tcg_gen_extu_i32_i64(s, pick_dst(g, TCG_TYPE_I64), a);
            break;
        }
        case 1: {
            TCGv a = pick_src(g, TCG_TYPE_I32);
            tcg_gen_exts_i32_i64(s, pick_dst(g, TCG_TYPE_I64), a);
            break;
        }
        case 2: {
            TCGv a = pick_src(g, TCG_TYPE_I64);
            tcg_gen_extrl_i64_i32(s, pick_dst(g, TCG_TYPE_I32), a);
            break;
        }
        default: {
            TCGv a = pick_src(g, TCG_TYPE_I64);
            tcg_gen_extrh_i64_i32(s, pick_dst(g, TCG_TYPE_I32), a);
            break;
        }
        }
        break;
    }
    default: {
        /* Arithmetic with an immediate: the most common front-end shape. */
        static const TCGOpcode immops[] = {
            INDEX_op_add, INDEX_op_sub, INDEX_op_and, INDEX_op_or, INDEX_op_xor,
            INDEX_op_shl, INDEX_op_shr, INDEX_op_sar, INDEX_op_mul};
        TCGOpcode opc = immops[trng_below(&g->r, NELEMS(immops))];
        if (!allowed(g, opc)) {
            break;
        }
        TCGv a = pick_src(g, t);
        uint64_t imm =
            opc == INDEX_op_shl || opc == INDEX_op_shr || opc == INDEX_op_sar
                ? trng_below(&g->r, (uint64_t)w)
                : trng_value(&g->r, w);
        TCG_GEN(s, opc, t, pick_dst(g, t), a, tcg_constant(s, t, imm));
        break;
    }
    }
}

/* An i64 EBB temp holding a guest address in [0, FUZZ_MEM_SIZE + 8). */
static TCGv make_addr(Gen *g, unsigned size, bool aligned)
{
    TCGContext *s = g->s;
    TCGv x;
    if (trng_chance(&g->r, 1, 4)) {
        TCGv x32 = pick_src(g, TCG_TYPE_I32);
        x = tcg_temp_ebb(s, TCG_TYPE_I64);
        tcg_gen_extu_i32_i64(s, x, x32);
    } else {
        x = pick_src(g, TCG_TYPE_I64);
    }
    TCGv a = tcg_temp_ebb(s, TCG_TYPE_I64);
    uint64_t mask = (FUZZ_MEM_SIZE - 1) & ~(uint64_t)(aligned ? size - 1 : 0);
    tcg_gen_andi(s, TCG_TYPE_I64, a, x, mask);
    if (g->p->allow_faults && trng_chance(&g->r, 1, 80)) {
        /* Into the inaccessible page after guest memory: EXCP_SEGV. */
        tcg_gen_ori(s, TCG_TYPE_I64, a, a, IRRUN_GUEST_SIZE);
    }
    if (!aligned && trng_chance(&g->r, 1, 3)) {
        tcg_gen_addi(s, TCG_TYPE_I64, a, a, trng_below(&g->r, 8));
    }
    g->budget -= 2;
    return a;
}

static unsigned rand_size(Gen *g, TCGType t)
{
    return (unsigned)trng_below(&g->r, t == TCG_TYPE_I64 ? 4 : 3);
}

static void emit_mem(Gen *g)
{
    TCGContext *s = g->s;
    TCGType t = rand_type(g);
    unsigned size = rand_size(g, t);
    unsigned n = 1u << size;
    unsigned mo = size;
    bool want_fault = g->p->allow_faults && n > 1 && trng_chance(&g->r, 1, 60);
    g->budget--;
    unsigned kind = (unsigned)trng_below(&g->r, 10);
    static const TCGOpcode kinds[10] = {
        INDEX_op_qemu_ld,        INDEX_op_qemu_ld,
        INDEX_op_qemu_ld,        INDEX_op_qemu_st,
        INDEX_op_qemu_st,        INDEX_op_qemu_st,
        INDEX_op_atomic_cmpxchg, INDEX_op_atomic_xchg,
        INDEX_op_atomic_fetch,   INDEX_op_ld};
    if (!allowed(g, kinds[kind]) || (kind == 9 && !allowed(g, INDEX_op_st))) {
        return;
    }
    if (kind < 6) {
        /* qemu_ld / qemu_st */
        if (size && trng_chance(&g->r, 1, 4)) {
            mo |= MO_BSWAP;
        }
        bool align = trng_chance(&g->r, 1, 5) || want_fault;
        if (align) {
            mo |= MO_ALIGN;
        }
        bool aligned = align ? !want_fault : trng_chance(&g->r, 1, 2);
        TCGv a = make_addr(g, n, aligned);
        if (kind < 3) {
            if (trng_chance(&g->r, 1, 2)) {
                mo |= MO_SIGN;
            }
            tcg_gen_qemu_ld(s, t, pick_dst(g, t), a, mo);
        } else {
            tcg_gen_qemu_st(s, t, pick_src(g, t), a, mo);
        }
    } else if (kind < 9) {
        /* atomics, aligned unless a fault is wanted */
        if (trng_chance(&g->r, 1, 2)) {
            mo |= MO_SIGN;
        }
        if (size && g->p->bswap_atomics && trng_chance(&g->r, 1, 4)) {
            mo |= MO_BSWAP;
        }
        if (trng_chance(&g->r, 1, 3) || want_fault) {
            mo |= MO_ALIGN;
        }
        TCGv a = make_addr(g, n, !want_fault);
        if (want_fault) {
            /* Keep the access inside one 16-byte line even if misaligned. */
            tcg_gen_andi(g->s, TCG_TYPE_I64, a, a, ~(uint64_t)15);
            tcg_gen_addi(g->s, TCG_TYPE_I64, a, a, trng_below(&g->r, 16 - n));
        }
        if (kind == 6) {
            TCGv cmp = pick_src(g, t), nv = pick_src(g, t);
            tcg_gen_atomic_cmpxchg(s, t, pick_dst(g, t), a, cmp, nv, mo);
        } else if (kind == 7) {
            TCGv v = pick_src(g, t);
            tcg_gen_atomic_xchg(s, t, pick_dst(g, t), a, v, mo);
        } else {
            TCGv v = pick_src(g, t);
            TCGAtomicOp aop = (TCGAtomicOp)trng_below(&g->r, TCG_AOP_COUNT);
            tcg_gen_atomic_fetch(s, t, aop, pick_dst(g, t), a, v, mo);
        }
    } else {
        /* host ld/st on the scratch area, from env or a derived pointer */
        intptr_t off = (intptr_t)offsetof(IrCpu, scratch) +
                       (intptr_t)trng_below(&g->r, 256 - n + 1);
        TCGv base = s->env_temp;
        if (trng_chance(&g->r, 1, 3)) {
            intptr_t k = (intptr_t)trng_below(&g->r, 64) - 32;
            base = tcg_temp_ebb(s, TCG_TYPE_I64);
            tcg_gen_addi(s, TCG_TYPE_I64, base, s->env_temp, (uint64_t)k);
            off -= k;
        }
        if (trng_chance(&g->r, 1, 2)) {
            if (trng_chance(&g->r, 1, 2)) {
                mo |= MO_SIGN;
            }
            tcg_gen_ld(s, t, pick_dst(g, t), base, (MemOp)mo, off);
        } else {
            tcg_gen_st(s, t, pick_src(g, t), base, (MemOp)mo, off);
        }
    }
}

static void emit_call(Gen *g)
{
    TCGContext *s = g->s;
    TCGv args[6];
    g->budget--;
    if (!allowed(g, INDEX_op_call)) {
        return;
    }
    switch (trng_below(&g->r, 7)) {
    case 6:
        if (!g->p->allow_faults) {
            break;
        }
        args[0] = s->env_temp;
        args[1] = pick_src(g, TCG_TYPE_I64);
        tcg_gen_call(s, &info_raise, 0, args);
        break;
    case 0:
        args[0] = pick_src(g, TCG_TYPE_I64);
        args[1] = pick_src(g, TCG_TYPE_I64);
        tcg_gen_call(s, &info_mix, pick_dst(g, TCG_TYPE_I64), args);
        break;
    case 1:
        args[0] = pick_src(g, TCG_TYPE_I32);
        args[1] = pick_src(g, TCG_TYPE_I32);
        tcg_gen_call(s, &info_mix32, pick_dst(g, TCG_TYPE_I32), args);
        break;
    case 2:
        for (int i = 0; i < 6; i++) {
            args[i] = pick_src(g, info_six.arg_types[i]);
        }
        tcg_gen_call(s, &info_six, pick_dst(g, TCG_TYPE_I64), args);
        break;
    case 3:
        args[0] = s->env_temp;
        args[1] = pick_src(g, TCG_TYPE_I64);
        tcg_gen_call(s, &info_rw, 0, args);
        break;
    case 4:
        args[0] = s->env_temp;
        tcg_gen_call(s, &info_read, pick_dst(g, TCG_TYPE_I64), args);
        break;
    case 5:
        args[0] = s->env_temp;
        args[1] = pick_src(g, TCG_TYPE_I64);
        tcg_gen_call(s, &info_side, 0, args);
        break;
    }
}

/* Many values live at once, then folded into a global. */
static void emit_pressure(Gen *g)
{
    TCGContext *s = g->s;
    int k = 8 + (int)trng_below(&g->r, 24);
    TCGv v[32];
    for (int i = 0; i < k; i++) {
        TCGType t = TCG_TYPE_I64;
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        v[i] = tcg_temp_ebb(s, t);
        TCG_GEN(s, binops[trng_below(&g->r, 12)], t, v[i], a, b);
        if (i == k / 2 && trng_chance(&g->r, 1, 3)) {
            emit_call(g);
        }
    }
    TCGv acc = tcg_temp_ebb(s, TCG_TYPE_I64);
    tcg_gen_mov(s, TCG_TYPE_I64, acc, v[k - 1]);
    for (int i = k - 2; i >= 0; i--) {
        TCG_GEN(s, trng_chance(&g->r, 1, 2) ? INDEX_op_add : INDEX_op_xor,
                TCG_TYPE_I64, acc, acc, v[i]);
    }
    tcg_gen_mov(s, TCG_TYPE_I64, rand_global(g, TCG_TYPE_I64), acc);
    g->budget -= 2 * k;
}

static void emit_exit(Gen *g)
{
    tcg_gen_movi(g->s, TCG_TYPE_I64, ir_pc, IRRUN_HALT_PC);
    if (trng_chance(&g->r, 1, 2)) {
        tcg_gen_lookup_and_goto_ptr(g->s);
    } else {
        tcg_gen_exit_tb(g->s, NULL, 0);
    }
}

static void gen_block(Gen *g, int depth, int items);

static void emit_branchy(Gen *g, int depth)
{
    TCGContext *s = g->s;
    TCGType t = rand_type(g);
    unsigned kind = (unsigned)trng_below(&g->r, 10);
    g->budget--;
    if (!allowed(g, INDEX_op_brcond)) {
        return;
    }
    if (kind < 4) {
        /* if: skip a block */
        uint32_t l = tcg_label_new(s);
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        tcg_gen_brcond(s, t, rand_cond(g), a, b, l);
        gen_block(g, depth + 1, 1 + (int)trng_below(&g->r, 6));
        tcg_gen_set_label(s, l);
        forget_ebb(g);
    } else if (kind < 6) {
        /* if/else */
        uint32_t le = tcg_label_new(s), lend = tcg_label_new(s);
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        tcg_gen_brcond(s, t, rand_cond(g), a, b, le);
        gen_block(g, depth + 1, 1 + (int)trng_below(&g->r, 5));
        tcg_gen_br(s, lend);
        tcg_gen_set_label(s, le);
        forget_ebb(g);
        gen_block(g, depth + 1, 1 + (int)trng_below(&g->r, 5));
        tcg_gen_set_label(s, lend);
        forget_ebb(g);
    } else if (kind < 8) {
        /* counted loop */
        if (g->loop_depth >= 2) {
            return;
        }
        TCGv ctr = tcg_temp_tb(s, TCG_TYPE_I64);
        uint32_t top = tcg_label_new(s);
        tcg_gen_movi(s, TCG_TYPE_I64, ctr, 1 + trng_below(&g->r, 4));
        tcg_gen_set_label(s, top);
        forget_ebb(g);
        g->loop_depth++;
        gen_block(g, depth + 1, 1 + (int)trng_below(&g->r, 6));
        g->loop_depth--;
        tcg_gen_subi(s, TCG_TYPE_I64, ctr, ctr, 1);
        tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_NE, ctr, 0, top);
    } else if (kind < 9) {
        /* jump over dead code */
        uint32_t l = tcg_label_new(s);
        tcg_gen_br(s, l);
        gen_block(g, depth + 1, 1 + (int)trng_below(&g->r, 3));
        tcg_gen_set_label(s, l);
        forget_ebb(g);
    } else {
        /* early exit */
        uint32_t l = tcg_label_new(s);
        TCGv a = pick_src(g, t), b = pick_src(g, t);
        tcg_gen_brcond(s, t, rand_cond(g), a, b, l);
        if (trng_chance(&g->r, 1, 2)) {
            emit_compute(g);
        }
        emit_exit(g);
        tcg_gen_set_label(s, l);
        forget_ebb(g);
    }
}

static void gen_block(Gen *g, int depth, int items)
{
    for (int i = 0; i < items && g->budget > 0; i++) {
        unsigned roll = (unsigned)trng_below(&g->r, 100);
        if (depth == 0 && roll < 8) {
            g->insn++;
            tcg_gen_insn_start(g->s, IRRUN_ENTRY_PC + 4 * (uint64_t)g->insn, 0);
        } else if (roll < 62) {
            emit_compute(g);
        } else if (roll < 78) {
            emit_mem(g);
        } else if (roll < 85) {
            emit_call(g);
        } else if (roll < 96) {
            if (depth < 3) {
                emit_branchy(g, depth);
            }
        } else if (roll < 98) {
            emit_pressure(g);
        } else {
            tcg_gen_mb(g->s, 1 + (unsigned)trng_below(&g->r, TCG_MB_ALL));
            g->budget--;
        }
    }
}

void fuzz_prog_init(FuzzProg *p, uint64_t seed)
{
    memset(p, 0, sizeof(*p));
    p->seed = seed;
    p->max_ops = 200;
    p->bswap_atomics = true;
    p->allow_faults = true;
}

uint64_t fuzz_prog_seed(uint64_t base, uint64_t idx)
{
    uint64_t x = base ^ (idx * 0xd1342543de82ef95ull);
    return trng_splitmix(&x);
}

void fuzz_gen(TCGContext *s, void *opaque)
{
    const FuzzProg *p = opaque;
    Gen g;
    memset(&g, 0, sizeof(g));
    g.s = s;
    g.p = p;
    trng_seed(&g.r, p->seed);
    bool pressure = trng_chance(&g.r, 1, 5);
    for (int k = 0; k < 2; k++) {
        TCGType t = k ? TCG_TYPE_I64 : TCG_TYPE_I32;
        g.nebb[k] = pressure ? 24 + (int)trng_below(&g.r, MAX_POOL - 23)
                             : 2 + (int)trng_below(&g.r, 10);
        for (int i = 0; i < g.nebb[k]; i++) {
            g.ebb[k][i] = tcg_temp_ebb(s, t);
        }
        g.ntb[k] = (int)trng_below(&g.r, MAX_TB + 1);
        for (int i = 0; i < g.ntb[k]; i++) {
            g.tb[k][i] = tcg_temp_tb(s, t);
            TCGv src = trng_chance(&g.r, 1, 2)
                           ? rand_global(&g, t)
                           : tcg_constant(s, t, trng_value(&g.r, tbits(t)));
            tcg_gen_mov(s, t, g.tb[k][i], src);
        }
    }
    /* Mostly short blocks, sometimes long ones (deep frames, many
     * labels, many spill slots). */
    int max_ops = trng_chance(&g.r, 1, 10) ? 4 * p->max_ops : p->max_ops;
    g.budget = 10 + (int)trng_below(&g.r, (uint64_t)max_ops);
    gen_block(&g, 0, 1 << 30);
    /* Make some TB temps observable. */
    for (int k = 0; k < 2; k++) {
        TCGType t = k ? TCG_TYPE_I64 : TCG_TYPE_I32;
        for (int i = 0; i < g.ntb[k]; i++) {
            if (trng_chance(&g.r, 1, 2)) {
                tcg_gen_mov(s, t, rand_global(&g, t), g.tb[k][i]);
            }
        }
    }
    if (trng_chance(&g.r, 1, 4)) {
        emit_exit(&g);
    }
}

void fuzz_init_state(const FuzzProg *p, int k, IrCpu *cpu, uint8_t *mem)
{
    TestRng r;
    uint64_t salt = (0x5eed0000ull + (uint64_t)k) * 0x9e3779b97f4a7c15ull;
    trng_seed(&r, p->seed ^ salt);
    for (int i = 0; i < IR_NREGS; i++) {
        cpu->regs[i] = trng_value(&r, 64);
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        cpu->regs32[i] = (uint32_t)trng_value(&r, 32);
    }
    cpu->side = trng_next(&r);
    for (size_t i = 0; i < sizeof(cpu->scratch); i += 8) {
        uint64_t v = trng_value(&r, 64);
        memcpy(cpu->scratch + i, &v, 8);
    }
    for (size_t i = 0; i < FUZZ_MEM_CHECK; i += 8) {
        uint64_t v = trng_value(&r, 64);
        memcpy(mem + i, &v, 8);
    }
}

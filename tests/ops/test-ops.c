/*
 * Per-op tests: every computational and memory op of tcg/ops.def, on both
 * types and both backends, against the independent reference semantics of
 * opref.c (written from docs/tcg-ir.md).
 *
 * Each test (one op/type/variant from catalog.c, on one backend) runs:
 *  - the op with its inputs in globals, translated once and run on
 *    nvec (3,000-10,000) random vectors with edge values mixed in, with
 *    the optimizer on, then 2,000 more with it off;
 *  - an "aliasing" block (op r,a,a / op a,a,b / op b,a,b / EBB temps) on
 *    2,000 vectors;
 *  - 200 vectors with some or all inputs as IR constants (one translation
 *    each: constant folding and immediate operands), optimizer on and off.
 * Every run checks the whole register file (inputs and bystanders must
 * keep their values), pc, the exception and the memory around the access.
 * An i32 result is also widened with extu_i32_i64 into an i64 global, which
 * exposes any garbage left in the upper half of the host register.
 *
 * Programs are lists of Steps over "cells" (globals, EBB/TB temps, env,
 * constants); the same list is emitted as IR and run by a small reference
 * interpreter here, so expected values never come from the code under test.
 *
 * Environment: VEMU_OPS_SCALE=percent scales the vector counts (default
 * 100); VEMU_OPS_SEED changes the vectors; VEMU_OPS_FILTER=substring runs
 * only the tests whose name contains it.
 */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/irrun.h"
#include "../common/testrand.h"
#include "opref.h"
#include "optests.h"

#define NVEC_OFF 2000
#define NVEC_ALIAS 2000
#define NVEC_CONST 200
#define MAX_REPORTS 3

/* Cells: where a step's operand lives. */
enum {
    CELL_R = 0,    /* r0..r15: i64 globals */
    CELL_W = 16,   /* w0..w15: i32 globals */
    CELL_E64 = 32, /* 4 i64 EBB temps */
    CELL_E32 = 36, /* 4 i32 EBB temps */
    CELL_T64 = 40, /* 2 i64 TB temps */
    CELL_T32 = 42, /* 2 i32 TB temps */
    CELL_ENV = 44,
    NCELLS = 45,
    CELL_CONST = 64, /* + k: constant cval[k] of type ctype[k] */
};

/* Constant slots 0..3 are the op's inputs in constant mode. */
#define K_ONE 4
#define K_TWO 5

#define MAX_STEPS 24
#define GWIN 64
#define HWIN 512

typedef struct Step {
    TCGOpcode opc;
    TCGType type;
    int8_t out[2];
    int8_t in[4];
    uint64_t c[2];
} Step;

typedef struct Prog {
    const OpTest *t;
    Step st[MAX_STEPS];
    int n;
    int main_step;
    int nlabels;
    uint64_t cval[8];
    TCGType ctype[8];
} Prog;

/* Expected machine state, computed by sim_run. */
typedef struct Sim {
    uint64_t v[NCELLS];
    uint64_t pc;
    int excp;
    uint64_t fault_lo, fault_hi;
    uint64_t gbase;
    uint8_t g[GWIN];
    uintptr_t hbase;
    size_t hlen;
    uint8_t h[HWIN];
} Sim;

/* Internal consistency checks of this file (not of the code under test);
 * cheaper than ck_assert, which records every passing check. */
#define TEST_BUG_IF(cond, ...)                                                 \
    do {                                                                       \
        if (cond) {                                                            \
            fprintf(stderr, "test-ops bug: " __VA_ARGS__);                     \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

static uint8_t hostbuf[HWIN] __attribute__((aligned(16)));
static int scale_pct = 100;
static uint64_t base_seed = 0x0b5e55ed;
static const char *filter;

/* ---- cells ---- */

static TCGType cell_type(const Prog *p, int c)
{
    if (c >= CELL_CONST) {
        return p->ctype[c - CELL_CONST];
    }
    if (c < CELL_W || (c >= CELL_E64 && c < CELL_E32) ||
        (c >= CELL_T64 && c < CELL_T32) || c == CELL_ENV) {
        return TCG_TYPE_I64;
    }
    return TCG_TYPE_I32;
}

static int gcell(TCGType t, int k)
{
    return (t == TCG_TYPE_I64 ? CELL_R : CELL_W) + k;
}

static int ecell(TCGType t, int k)
{
    return (t == TCG_TYPE_I64 ? CELL_E64 : CELL_E32) + k;
}

static int tcell(TCGType t, int k)
{
    return (t == TCG_TYPE_I64 ? CELL_T64 : CELL_T32) + k;
}

static uint64_t cpu_get(const IrCpu *cpu, int c)
{
    return c < CELL_W ? cpu->regs[c - CELL_R] : cpu->regs32[c - CELL_W];
}

static void cpu_set(IrCpu *cpu, int c, uint64_t v)
{
    if (c < CELL_W) {
        cpu->regs[c - CELL_R] = v;
    } else {
        cpu->regs32[c - CELL_W] = (uint32_t)v;
    }
}

static void cell_name(int c, char *buf, size_t len)
{
    if (c >= CELL_CONST) {
        snprintf(buf, len, "$k%d", c - CELL_CONST);
    } else if (c < CELL_W) {
        snprintf(buf, len, "r%d", c);
    } else if (c < CELL_E64) {
        snprintf(buf, len, "w%d", c - CELL_W);
    } else if (c < CELL_T64) {
        snprintf(buf, len, "ebb%d", c - CELL_E64);
    } else if (c < CELL_ENV) {
        snprintf(buf, len, "tb%d", c - CELL_T64);
    } else {
        snprintf(buf, len, "env");
    }
}

/* ---- building programs ---- */

static Step *push(Prog *p, TCGOpcode opc, TCGType type)
{
    TEST_BUG_IF(p->n >= MAX_STEPS, "too many steps");
    Step *s = &p->st[p->n++];
    memset(s, 0, sizeof(*s));
    s->opc = opc;
    s->type = type;
    return s;
}

static void push_mov(Prog *p, TCGType t, int dst, int src)
{
    Step *s = push(p, INDEX_op_mov, t);
    s->out[0] = (int8_t)dst;
    s->in[0] = (int8_t)src;
}

static void push_op(Prog *p, int o0, int o1, int i0, int i1, int i2, int i3)
{
    const OpTest *t = p->t;
    Step *s = push(p, t->opc, t->type);
    s->out[0] = (int8_t)o0;
    s->out[1] = (int8_t)o1;
    s->in[0] = (int8_t)i0;
    s->in[1] = (int8_t)i1;
    s->in[2] = (int8_t)i2;
    s->in[3] = (int8_t)i3;
    s->c[0] = t->c[0];
    s->c[1] = t->c[1];
}

static void push_insn(Prog *p, uint64_t pc)
{
    Step *s = push(p, INDEX_op_insn_start, TCG_TYPE_I64);
    s->c[0] = pc;
}

static void push_counter(Prog *p)
{
    Step *s = push(p, INDEX_op_add, TCG_TYPE_I64);
    s->out[0] = CELL_R + 7;
    s->in[0] = CELL_R + 7;
    s->in[1] = CELL_CONST + K_ONE;
}

static void push_extu(Prog *p, int dst64, int src32)
{
    Step *s = push(p, INDEX_op_extu_i32_i64, TCG_TYPE_I64);
    s->out[0] = (int8_t)dst64;
    s->in[0] = (int8_t)src32;
}

static void push_label(Prog *p, int l)
{
    Step *s = push(p, INDEX_op_set_label, TCG_TYPE_I64);
    s->c[0] = (uint64_t)l;
}

static void push_brcond(Prog *p, TCGType ty, TCGCond c, int a, int b, int l)
{
    Step *s = push(p, INDEX_op_brcond, ty);
    s->in[0] = (int8_t)a;
    s->in[1] = (int8_t)b;
    s->c[0] = c;
    s->c[1] = (uint64_t)l;
}

static void prog_init(Prog *p, const OpTest *t)
{
    memset(p, 0, sizeof(*p));
    p->t = t;
    p->ctype[K_ONE] = TCG_TYPE_I64;
    p->cval[K_ONE] = 1;
    p->ctype[K_TWO] = TCG_TYPE_I64;
    p->cval[K_TWO] = 2;
}

/* The op with inputs in globals (or constants where cmask says so). */
static void build_main(Prog *p, const OpTest *t, unsigned cmask)
{
    prog_init(p, t);
    int in[4] = {0}, out[2] = {0};
    for (int j = 0; j < t->ni; j++) {
        bool mem = t->shape == SHAPE_LD || t->shape == SHAPE_ST;
        if (mem && t->base_env && j == t->addr_slot) {
            in[j] = CELL_ENV;
        } else if (cmask & (1u << j)) {
            in[j] = CELL_CONST + j;
            p->ctype[j] = t->in_type[j];
        } else {
            in[j] = gcell(t->in_type[j], 1 + j);
        }
    }
    for (int j = 0; j < t->no; j++) {
        out[j] = gcell(t->out_type[j], 8 + j);
    }
    bool mem = t->shape != SHAPE_COMPUTE && t->shape != SHAPE_BRCOND;
    if (mem) {
        push_counter(p);
        push_insn(p, IRRUN_ENTRY_PC + 4);
    }
    if (t->shape == SHAPE_BRCOND) {
        push_mov(p, TCG_TYPE_I64, out[0], CELL_CONST + K_ONE);
        p->main_step = p->n;
        push_brcond(p, t->type, (TCGCond)t->c[0], in[0], in[1], 0);
        push_mov(p, TCG_TYPE_I64, out[0], CELL_CONST + K_TWO);
        push_label(p, 0);
        p->nlabels = 1;
        return;
    }
    p->main_step = p->n;
    push_op(p, out[0], out[1], in[0], in[1], in[2], in[3]);
    if (t->shape == SHAPE_LD || t->shape == SHAPE_ST) {
        Step *s = &p->st[p->main_step];
        s->c[1] =
            (uint64_t)(t->base_env ? (int64_t)offsetof(IrCpu, scratch) + t->off
                                   : t->off);
    }
    if (mem) {
        push_insn(p, IRRUN_ENTRY_PC + 8);
        push_counter(p);
    }
    for (int j = 0; j < t->no; j++) {
        if (t->out_type[j] == TCG_TYPE_I32) {
            push_extu(p, CELL_R + 15 - j, out[j]);
        }
    }
}

static bool alias_supported(const OpTest *t)
{
    if (t->shape == SHAPE_BRCOND) {
        return true;
    }
    if (t->shape != SHAPE_COMPUTE) {
        return false;
    }
    for (int j = 0; j < t->ni; j++) {
        if (t->in_type[j] != t->type) {
            return false;
        }
    }
    return t->out_type[0] == t->type;
}

/* The same op with temps shared between inputs and outputs. */
static void build_alias(Prog *p, const OpTest *t)
{
    TCGType T = t->type;
#define G(k) gcell(T, k)
#define E(k) ecell(T, k)
    prog_init(p, t);
    p->main_step = -1;
    if (t->shape == SHAPE_BRCOND) {
        TCGCond c = (TCGCond)t->c[0];
        push_mov(p, TCG_TYPE_I64, CELL_T64, CELL_CONST + K_ONE);
        push_brcond(p, T, c, G(1), G(1), 0);
        push_mov(p, TCG_TYPE_I64, CELL_T64, CELL_CONST + K_TWO);
        push_label(p, 0);
        push_mov(p, TCG_TYPE_I64, CELL_R + 8, CELL_T64);
        push_mov(p, T, E(0), G(2));
        push_mov(p, T, E(1), G(3));
        push_mov(p, TCG_TYPE_I64, CELL_T64 + 1, CELL_CONST + K_ONE);
        push_brcond(p, T, c, E(0), E(1), 1);
        push_mov(p, TCG_TYPE_I64, CELL_T64 + 1, CELL_CONST + K_TWO);
        push_label(p, 1);
        push_mov(p, TCG_TYPE_I64, CELL_R + 9, CELL_T64 + 1);
        /* A TB temp of the op's type compared against itself. */
        push_mov(p, T, tcell(T, 0), G(4));
        push_mov(p, TCG_TYPE_I64, CELL_T64, CELL_CONST + K_ONE);
        push_brcond(p, T, c, tcell(T, 0), G(5), 2);
        push_mov(p, TCG_TYPE_I64, CELL_T64, CELL_CONST + K_TWO);
        push_label(p, 2);
        push_mov(p, TCG_TYPE_I64, CELL_R + 10, CELL_T64);
        p->nlabels = 3;
        return;
    }
    if (t->no == 2) {
        push_op(p, G(1), G(2), G(1), G(2), G(3), G(4));
        push_op(p, G(8), G(9), G(5), G(6), G(5), G(6));
        push_op(p, G(10), G(11), G(12), G(13), G(11), G(10));
        push_mov(p, T, E(0), G(14));
        push_mov(p, T, E(1), G(15));
        push_op(p, E(0), E(1), E(0), E(1), E(1), E(0));
        push_mov(p, T, G(14), E(0));
        push_mov(p, T, G(15), E(1));
    } else if (t->ni == 4) {
        push_op(p, G(8), 0, G(1), G(1), G(2), G(3));
        push_op(p, G(4), 0, G(4), G(5), G(4), G(6));
        push_op(p, G(9), 0, G(10), G(11), G(10), G(11));
        push_mov(p, T, E(0), G(12));
        push_mov(p, T, E(1), G(13));
        push_op(p, E(0), 0, E(0), E(1), E(1), E(0));
        push_mov(p, T, G(14), E(0));
    } else if (t->ni == 2) {
        push_op(p, G(8), 0, G(1), G(1), 0, 0);
        push_op(p, G(2), 0, G(2), G(3), 0, 0);
        push_op(p, G(4), 0, G(5), G(4), 0, 0);
        push_op(p, G(6), 0, G(6), G(6), 0, 0);
        push_mov(p, T, E(0), G(10));
        push_mov(p, T, E(1), G(11));
        push_op(p, E(0), 0, E(0), E(1), 0, 0);
        push_op(p, E(1), 0, E(0), E(0), 0, 0);
        push_op(p, E(0), 0, E(1), E(0), 0, 0);
        push_mov(p, T, G(12), E(0));
        push_mov(p, T, G(13), E(1));
    } else {
        push_op(p, G(8), 0, G(1), 0, 0, 0);
        push_op(p, G(2), 0, G(2), 0, 0, 0);
        push_mov(p, T, E(0), G(10));
        push_op(p, E(0), 0, E(0), 0, 0, 0);
        push_op(p, E(1), 0, E(0), 0, 0, 0);
        push_op(p, E(0), 0, E(0), 0, 0, 0);
        push_mov(p, T, G(12), E(0));
        push_mov(p, T, G(13), E(1));
    }
    if (T == TCG_TYPE_I32) {
        push_extu(p, CELL_R + 15, G(8));
        push_extu(p, CELL_R + 14, G(12));
    }
#undef G
#undef E
}

/* ---- emitting IR ---- */

static void gen_prog(TCGContext *s, void *opaque)
{
    const Prog *p = opaque;
    TCGv cells[NCELLS];
    uint32_t labels[4];
    for (int i = 0; i < IR_NREGS; i++) {
        cells[CELL_R + i] = ir_reg[i];
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        cells[CELL_W + i] = ir_reg32[i];
    }
    for (int i = 0; i < 4; i++) {
        cells[CELL_E64 + i] = tcg_temp_ebb(s, TCG_TYPE_I64);
        cells[CELL_E32 + i] = tcg_temp_ebb(s, TCG_TYPE_I32);
    }
    for (int i = 0; i < 2; i++) {
        cells[CELL_T64 + i] = tcg_temp_tb(s, TCG_TYPE_I64);
        cells[CELL_T32 + i] = tcg_temp_tb(s, TCG_TYPE_I32);
    }
    cells[CELL_ENV] = s->env_temp;
    for (int i = 0; i < p->nlabels; i++) {
        labels[i] = tcg_label_new(s);
    }
#define TEMP(c)                                                                \
    ((c) >= CELL_CONST                                                         \
         ? tcg_constant(s, p->ctype[(c)-CELL_CONST], p->cval[(c)-CELL_CONST])  \
         : cells[(c)])
    for (int i = 0; i < p->n; i++) {
        const Step *st = &p->st[i];
        const TCGOpDef *d = &tcg_op_defs[st->opc];
        switch (st->opc) {
        case INDEX_op_insn_start:
            tcg_gen_insn_start(s, st->c[0], st->c[1]);
            break;
        case INDEX_op_set_label:
            tcg_gen_set_label(s, labels[st->c[0]]);
            break;
        case INDEX_op_brcond:
            tcg_gen_brcond(s, st->type, (TCGCond)st->c[0], TEMP(st->in[0]),
                           TEMP(st->in[1]), labels[st->c[1]]);
            break;
        default: {
            TCGOp *op = tcg_emit_op(s, st->opc, st->type);
            int k = 0;
            for (int j = 0; j < d->nb_oargs; j++) {
                op->args[k++] = TEMP(st->out[j]);
            }
            for (int j = 0; j < d->nb_iargs; j++) {
                op->args[k++] = TEMP(st->in[j]);
            }
            for (int j = 0; j < d->nb_cargs; j++) {
                op->args[k++] = st->c[j];
            }
            break;
        }
        }
    }
#undef TEMP
}

/* ---- the reference interpreter ---- */

static uint64_t sim_val(const Prog *p, const Sim *sim, int c)
{
    if (c >= CELL_CONST) {
        int k = c - CELL_CONST;
        return p->cval[k] & tcg_type_mask(p->ctype[k]);
    }
    return sim->v[c];
}

static uint8_t *sim_host(Sim *sim, uint64_t addr, unsigned n)
{
    TEST_BUG_IF(addr < sim->hbase || addr + n > sim->hbase + sim->hlen,
                "host access outside the checked window");
    return &sim->h[addr - sim->hbase];
}

/* Returns 0 or the fault the access raises. */
static int sim_guest(Sim *sim, uint64_t addr, unsigned mo, uint8_t **pp)
{
    unsigned n = ref_mo_bytes(mo);
    if ((mo & MO_ALIGN) && addr % n) {
        sim->fault_lo = sim->fault_hi = addr;
        return EXCP_UNALIGNED;
    }
    if (addr + n > IRRUN_GUEST_SIZE) {
        sim->fault_lo = addr;
        sim->fault_hi = addr + n - 1;
        return EXCP_SEGV;
    }
    TEST_BUG_IF(addr < sim->gbase || addr + n > sim->gbase + GWIN,
                "guest access outside the checked window");
    *pp = &sim->g[addr - sim->gbase];
    return 0;
}

static int label_step(const Prog *p, uint64_t l)
{
    for (int i = 0; i < p->n; i++) {
        if (p->st[i].opc == INDEX_op_set_label && p->st[i].c[0] == l) {
            return i;
        }
    }
    TEST_BUG_IF(true, "label %d not placed", (int)l);
    return -1;
}

static void sim_run(const Prog *p, Sim *sim)
{
    uint64_t cur_pc = IRRUN_ENTRY_PC;
    int i = 0;
    while (i < p->n) {
        const Step *st = &p->st[i];
        const TCGOpDef *d = &tcg_op_defs[st->opc];
        uint64_t in[4] = {0}, out[2] = {0};
        unsigned mo = (unsigned)st->c[0];
        uint8_t *m = NULL;
        int fault;
        for (int j = 0; j < d->nb_iargs; j++) {
            in[j] = sim_val(p, sim, st->in[j]);
        }
        switch (st->opc) {
        case INDEX_op_insn_start:
            cur_pc = st->c[0];
            break;
        case INDEX_op_set_label:
            break;
        case INDEX_op_brcond:
            if (ref_cond(st->type, (TCGCond)st->c[0], in[0], in[1])) {
                i = label_step(p, st->c[1]);
                continue;
            }
            break;
        case INDEX_op_ld:
            m = sim_host(sim, in[0] + st->c[1], ref_mo_bytes(mo));
            out[0] = ref_mem_extend(ref_mem_read(m, mo), mo, st->type);
            break;
        case INDEX_op_st:
            m = sim_host(sim, in[1] + st->c[1], ref_mo_bytes(mo));
            ref_mem_write(m, mo, in[0]);
            break;
        case INDEX_op_qemu_ld:
        case INDEX_op_qemu_st:
        case INDEX_op_atomic_cmpxchg:
        case INDEX_op_atomic_xchg:
        case INDEX_op_atomic_fetch: {
            bool is_st = st->opc == INDEX_op_qemu_st;
            fault = sim_guest(sim, is_st ? in[1] : in[0], mo, &m);
            if (fault) {
                sim->excp = fault;
                sim->pc = cur_pc;
                return;
            }
            if (is_st) {
                ref_mem_write(m, mo, in[0]);
                break;
            }
            uint64_t old = ref_mem_read(m, mo);
            out[0] = ref_mem_extend(old, mo, st->type);
            unsigned bits = 8 * ref_mo_bytes(mo);
            uint64_t lm = bits == 64 ? ~0ull : (1ull << bits) - 1;
            if (st->opc == INDEX_op_atomic_cmpxchg) {
                if ((old & lm) == (in[1] & lm)) {
                    ref_mem_write(m, mo, in[2]);
                }
            } else if (st->opc == INDEX_op_atomic_xchg) {
                ref_mem_write(m, mo, in[1]);
            } else if (st->opc == INDEX_op_atomic_fetch) {
                ref_mem_write(
                    m, mo,
                    ref_atomic_op((TCGAtomicOp)st->c[1], old, in[1], mo));
            }
            break;
        }
        default:
            TEST_BUG_IF(!ref_compute(st->opc, st->type, in, st->c, out),
                        "no reference for %s", tcg_op_defs[st->opc].name);
            break;
        }
        for (int j = 0; j < d->nb_oargs; j++) {
            int c = st->out[j];
            sim->v[c] = out[j] & tcg_type_mask(cell_type(p, c));
        }
        i++;
    }
    sim->pc = IRRUN_HALT_PC;
    sim->excp = IRRUN_EXCP_DONE;
}

/* ---- input vectors ---- */

static bool is_shift(TCGOpcode opc)
{
    return opc == INDEX_op_shl || opc == INDEX_op_shr || opc == INDEX_op_sar ||
           opc == INDEX_op_rotl || opc == INDEX_op_rotr;
}

static bool is_div(TCGOpcode opc)
{
    return opc == INDEX_op_div || opc == INDEX_op_divu || opc == INDEX_op_rem ||
           opc == INDEX_op_remu;
}

static bool is_cond_op(const OpTest *t)
{
    return t->opc == INDEX_op_setcond || t->opc == INDEX_op_movcond ||
           t->opc == INDEX_op_brcond;
}

/* A value for input slot k of t, biased towards what matters for it. */
static uint64_t gen_input(const OpTest *t, int k, TestRng *r)
{
    TCGType ty = t->in_type[k];
    int w = ty == TCG_TYPE_I32 ? 32 : 64;
    uint64_t m = tcg_type_mask(ty);
    if (is_shift(t->opc) && k == 1) {
        switch (trng_below(r, 4)) {
        case 0:
            return trng_below(r, (uint64_t)w);
        case 1: {
            const int cands[] = {w - 1, w, w + 1, 2 * w - 1, 63, 64, 65, 0};
            return (uint64_t)cands[trng_below(r, 8)] & m;
        }
        case 2:
            return (trng_below(r, 4) * (uint64_t)w +
                    trng_below(r, (uint64_t)w)) &
                   m;
        default:
            return trng_value(r, w);
        }
    }
    if (is_div(t->opc)) {
        if (k == 1 && trng_chance(r, 1, 4)) {
            static const uint64_t d[] = {0, 1, ~0ull, 2, ~1ull, 0};
            return d[trng_below(r, 6)] & m;
        }
        if (k == 0 && trng_chance(r, 1, 6)) {
            return (1ull << (w - 1)) & m;
        }
    }
    return trng_value(r, w);
}

static void fill_bytes(TestRng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = trng_value(r, 64);
        size_t k = n - i < 8 ? n - i : 8;
        memcpy(p + i, &v, k);
    }
}

/* Set up cpu, memory and the expected-state seed for one vector.
 * in[] receives the main inputs (for reports). */
static void prepare(Prog *p, bool alias, TestRng *r, IrCpu *cpu, Sim *sim,
                    uint64_t *in)
{
    const OpTest *t = p->t;
    memset(sim, 0, sizeof(*sim));
    for (int i = 0; i < IR_NREGS; i++) {
        cpu->regs[i] = trng_value(r, 64);
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        cpu->regs32[i] = (uint32_t)trng_value(r, 32);
    }
    if (alias) {
        /* Every global gets an op-aware value; some pairs are equal. */
        for (int c = 0; c < CELL_E64; c++) {
            TCGType ty = c < CELL_W ? TCG_TYPE_I64 : TCG_TYPE_I32;
            if (ty == t->type) {
                int k = (int)trng_below(r, (uint64_t)(t->ni ? t->ni : 1));
                cpu_set(cpu, c, gen_input(t, k, r));
            }
        }
        if (trng_chance(r, 1, 3)) {
            int a = gcell(t->type, 1 + (int)trng_below(r, 15));
            int b = gcell(t->type, 1 + (int)trng_below(r, 15));
            cpu_set(cpu, b, cpu_get(cpu, a));
        }
    } else {
        for (int j = 0; j < t->ni; j++) {
            in[j] = gen_input(t, j, r);
        }
        if (is_cond_op(t) && trng_chance(r, 1, 3)) {
            in[1] = trng_chance(r, 2, 3)
                        ? in[0]
                        : (in[0] + (trng_chance(r, 1, 2) ? 1 : ~0ull)) &
                              tcg_type_mask(t->in_type[1]);
        }
    }

    unsigned mo = (unsigned)t->c[0];
    unsigned n = ref_mo_bytes(mo);
    uint8_t *gm = irrun_guest_mem();
    switch (t->shape) {
    case SHAPE_QLD:
    case SHAPE_QST:
    case SHAPE_ATOMIC: {
        uint64_t addr;
        if (trng_chance(r, 3, 100)) {
            /* Into the guard page, or straddling into it. */
            bool cross = t->shape != SHAPE_ATOMIC && !(mo & MO_ALIGN) &&
                         n > 1 && trng_chance(r, 1, 2);
            addr = cross ? IRRUN_GUEST_SIZE - 1 - trng_below(r, n - 1)
                         : IRRUN_GUEST_SIZE + 8 * trng_below(r, 64);
            sim->gbase = IRRUN_GUEST_SIZE - GWIN;
        } else {
            uint64_t base = 0x100 + 16 * trng_below(r, 256);
            uint64_t mis = 0;
            if (n > 1 && trng_chance(r, 1, 4)) {
                mis = 1 + trng_below(r, 7);
            }
            addr = base + mis;
            sim->gbase = base - 16;
        }
        fill_bytes(r, gm + sim->gbase, GWIN);
        memcpy(sim->g, gm + sim->gbase, GWIN);
        if (!alias) {
            in[t->addr_slot] = addr;
            if (t->opc == INDEX_op_atomic_cmpxchg && trng_chance(r, 1, 2) &&
                addr + n <= IRRUN_GUEST_SIZE) {
                uint64_t old = ref_mem_read(gm + addr, mo);
                if (n < 8 && trng_chance(r, 1, 2)) {
                    old |= trng_next(r) << (8 * n);
                }
                in[1] = old & tcg_type_mask(t->type);
            }
        }
        break;
    }
    case SHAPE_LD:
    case SHAPE_ST:
        if (t->base_env) {
            sim->hbase = (uintptr_t)cpu->scratch;
            sim->hlen = sizeof(cpu->scratch);
            fill_bytes(r, cpu->scratch, sizeof(cpu->scratch));
        } else {
            sim->hbase = (uintptr_t)hostbuf;
            sim->hlen = sizeof(hostbuf);
            fill_bytes(r, hostbuf, sizeof(hostbuf));
            in[t->addr_slot] = (uint64_t)((uintptr_t)hostbuf + 64 +
                                          trng_below(r, 128) - t->off);
        }
        memcpy(sim->h, (void *)sim->hbase, sim->hlen);
        break;
    default:
        break;
    }

    if (!alias) {
        const Step *ms = &p->st[p->main_step];
        for (int j = 0; j < t->ni; j++) {
            int c = ms->in[j];
            if (c >= CELL_CONST) {
                p->cval[c - CELL_CONST] = in[j];
            } else if (c < CELL_E64) {
                cpu_set(cpu, c, in[j]);
            }
        }
    }
    for (int c = 0; c < CELL_E64; c++) {
        sim->v[c] = cpu_get(cpu, c);
    }
    sim->v[CELL_ENV] = (uintptr_t)cpu;
}

/* ---- running and checking ---- */

typedef struct RunCtx {
    const OpTest *t;
    const char *mode;
    int fails;
    int reports;
    bool dumped;
} RunCtx;

static void report(RunCtx *rc, const Prog *p, const Sim *init, const Sim *exp,
                   IrCpu *cpu, int excp)
{
    rc->fails++;
    if (rc->reports >= MAX_REPORTS) {
        return;
    }
    rc->reports++;
    char nb[16];
    FILE *f = stderr;
    fprintf(f, "MISMATCH op=%s backend=%s mode=%s\n", rc->t->name,
            irrun_config_name(), rc->mode);
    /* Inputs: every cell some step reads, as it was on entry. */
    bool seen[CELL_CONST + 8] = {false};
    fprintf(f, "  inputs:");
    for (int i = 0; i < p->n; i++) {
        const Step *st = &p->st[i];
        if (st->opc == INDEX_op_insn_start || st->opc == INDEX_op_set_label) {
            continue;
        }
        for (int j = 0; j < tcg_op_defs[st->opc].nb_iargs; j++) {
            int c = st->in[j];
            bool observable = c < CELL_E64 || c >= CELL_CONST;
            if (!observable || seen[c]) {
                continue;
            }
            seen[c] = true;
            cell_name(c, nb, sizeof(nb));
            fprintf(f, " %s=0x%" PRIx64, nb, sim_val(p, init, c));
        }
    }
    fprintf(f, "\n");
    if (excp != exp->excp) {
        fprintf(f, "  exception: expected 0x%x got 0x%x\n", exp->excp, excp);
    }
    if (cpu->pc != exp->pc) {
        fprintf(f, "  pc: expected 0x%" PRIx64 " got 0x%" PRIx64 "\n", exp->pc,
                cpu->pc);
    }
    for (int c = 0; c < CELL_E64; c++) {
        uint64_t got = cpu_get(cpu, c);
        if (got != exp->v[c]) {
            cell_name(c, nb, sizeof(nb));
            fprintf(f,
                    "  %s: expected 0x%" PRIx64 " got 0x%" PRIx64
                    " (was 0x%" PRIx64 ")\n",
                    nb, exp->v[c], got, init->v[c]);
        }
    }
    if (exp->excp != IRRUN_EXCP_DONE) {
        fprintf(f,
                "  fault_addr: expected [0x%" PRIx64 ", 0x%" PRIx64
                "] got 0x%" PRIx64 "\n",
                exp->fault_lo, exp->fault_hi, cpu->parent.fault_addr);
    }
    const uint8_t *gm = irrun_guest_mem() + exp->gbase;
    if (exp->gbase && memcmp(gm, exp->g, GWIN)) {
        fprintf(f, "  guest memory at 0x%" PRIx64 " (expected/got):\n",
                exp->gbase);
        for (int i = 0; i < GWIN; i++) {
            if (gm[i] != exp->g[i]) {
                fprintf(f, "    +%d: %02x %02x (was %02x)\n", i, exp->g[i],
                        gm[i], init->g[i]);
            }
        }
    }
    if (exp->hlen && memcmp((void *)exp->hbase, exp->h, exp->hlen)) {
        const uint8_t *hm = (const uint8_t *)exp->hbase;
        fprintf(f, "  host memory (expected/got):\n");
        for (size_t i = 0; i < exp->hlen; i++) {
            if (hm[i] != exp->h[i]) {
                fprintf(f, "    +%zu: %02x %02x (was %02x)\n", i, exp->h[i],
                        hm[i], init->h[i]);
            }
        }
    }
    if (!rc->dumped) {
        rc->dumped = true;
        fprintf(f, "  IR:\n");
        irrun_dump(f, gen_prog, (void *)p, 0);
        if (irrun_optimize()) {
            fprintf(f, "  IR after optimize+liveness:\n");
            irrun_dump(f, gen_prog, (void *)p, IRRUN_DUMP_PASSES);
        }
    }
}

static bool state_matches(const Sim *exp, IrCpu *cpu, int excp)
{
    if (excp != exp->excp || cpu->pc != exp->pc) {
        return false;
    }
    for (int c = 0; c < CELL_E64; c++) {
        if (cpu_get(cpu, c) != exp->v[c]) {
            return false;
        }
    }
    if (exp->excp != IRRUN_EXCP_DONE &&
        (cpu->parent.fault_addr < exp->fault_lo ||
         cpu->parent.fault_addr > exp->fault_hi)) {
        return false;
    }
    if (exp->gbase && memcmp(irrun_guest_mem() + exp->gbase, exp->g, GWIN)) {
        return false;
    }
    if (exp->hlen && memcmp((void *)exp->hbase, exp->h, exp->hlen)) {
        return false;
    }
    return true;
}

static void run_one(RunCtx *rc, Prog *p, bool alias, TestRng *r,
                    bool translate_each)
{
    IrCpu *cpu = irrun_cpu();
    Sim init, exp;
    uint64_t in[4] = {0};
    prepare(p, alias, r, cpu, &init, in);
    exp = init;
    sim_run(p, &exp);
    if (translate_each) {
        irrun_set_program(gen_prog, p);
    }
    int excp = irrun_exec(cpu);
    if (!state_matches(&exp, cpu, excp)) {
        report(rc, p, &init, &exp, cpu, excp);
    }
}

static int scaled(int n)
{
    long v = (long)n * scale_pct / 100;
    return v < 1 ? 1 : (int)v;
}

static uint64_t name_seed(const char *s, uint64_t salt)
{
    uint64_t h = base_seed ^ (salt * 0x9e3779b97f4a7c15ull);
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    }
    return h;
}

static int run_optest(const TCGBackend *be, const OpTest *t)
{
    static Prog prog; /* static: the harness keeps a pointer to it */
    RunCtx rc = {.t = t};
    TestRng r;

    /* Inputs in globals: one translation, many runs. */
    for (int opt = 1; opt >= 0; opt--) {
        irrun_select(be, opt);
        rc.mode = opt ? "globals" : "globals,no-opt";
        rc.dumped = false;
        trng_seed(&r, name_seed(t->name, 1 + opt));
        build_main(&prog, t, 0);
        irrun_set_program(gen_prog, &prog);
        int nv = scaled(opt ? t->nvec : NVEC_OFF);
        for (int v = 0; v < nv; v++) {
            run_one(&rc, &prog, false, &r, false);
        }
    }

    if (alias_supported(t)) {
        irrun_select(be, true);
        rc.mode = "aliasing";
        rc.dumped = false;
        trng_seed(&r, name_seed(t->name, 3));
        build_alias(&prog, t);
        irrun_set_program(gen_prog, &prog);
        int nv = scaled(NVEC_ALIAS);
        for (int v = 0; v < nv; v++) {
            run_one(&rc, &prog, true, &r, false);
        }
    }

    /* Constant inputs: one translation per vector. */
    for (int opt = 1; opt >= 0; opt--) {
        irrun_select(be, opt);
        rc.mode = opt ? "constants" : "constants,no-opt";
        rc.dumped = false;
        trng_seed(&r, name_seed(t->name, 4 + opt));
        int nv = scaled(NVEC_CONST);
        for (int v = 0; v < nv; v++) {
            unsigned all = (1u << t->ni) - 1;
            unsigned cmask =
                trng_chance(&r, 1, 2) ? all : 1 + (unsigned)trng_below(&r, all);
            build_main(&prog, t, cmask & all);
            run_one(&rc, &prog, false, &r, true);
        }
    }
    return rc.fails;
}

/* Names the test that was running when the code under test aborts (an
 * assertion in a backend): Check alone only reports the loop index. */
static char running[128];

static void on_abort(int sig)
{
    if (write(2, running, strlen(running)) < 0) {
        /* nothing more to do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run_indexed(int be_idx, int i)
{
    const OpTest *t = optests_get(i);
    if (filter && !strstr(t->name, filter)) {
        return;
    }
    snprintf(running, sizeof(running), "ABORT while testing %s on %s\n",
             t->name, irrun_backend_names[be_idx]);
    signal(SIGABRT, on_abort);
    int fails = run_optest(irrun_backends[be_idx], t);
    ck_assert_msg(fails == 0, "%s on %s: %d mismatching vectors (see stderr)",
                  t->name, irrun_backend_names[be_idx], fails);
}

START_TEST(test_op_tci)
{
    run_indexed(0, _i);
}
END_TEST

START_TEST(test_op_x86_64)
{
    run_indexed(1, _i);
}
END_TEST

int main(void)
{
    const char *e = getenv("VEMU_OPS_SCALE");
    if (e) {
        scale_pct = atoi(e);
    }
    e = getenv("VEMU_OPS_SEED");
    if (e) {
        base_seed = strtoull(e, NULL, 0);
    }
    filter = getenv("VEMU_OPS_FILTER");
    int n = optests_build();
    irrun_init();

    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("tci");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_op_tci, 0, n);
    suite_add_tcase(s, tc);
    tc = tcase_create("x86_64");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_op_x86_64, 0, n);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

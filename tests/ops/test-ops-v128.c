/*
 * Vector op tests: every *_vec op of tcg/ops.def and every element size it
 * takes, on both backends with the optimizer on and off, against a
 * reference computed here from docs/tcg-ir.md (byte arrays and per-lane
 * integers, independent of tci.c's shifts and of the x86 sequences).
 *
 * Programs are lists of VSteps over v128 cells (4 EBB and 2 TB temps),
 * the i64/i32 globals of irrun and sixteen 16-byte "vector registers" in
 * IrCpu.scratch, which ld_vec/st_vec reach at env offsets. The same list
 * is emitted as IR and run by sim_run below. Each single-op test comes in
 * several shapes: distinct operands, output aliasing either input, both
 * inputs the same temp, TB temps across a branch and label; ld/st also
 * through a pointer base at unaligned addresses. Random programs then mix
 * all ops over shared temps. Every run checks all vector registers, all
 * integer globals and the host buffer, so bystanders are checked too.
 *
 * VEMU_HOST_FEATURES=none (the second meson test) makes the x86-64 backend
 * use its SSE2-only sequences. VEMU_OPS_SCALE=percent scales the vector
 * counts.
 */
#include <check.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/irrun.h"
#include "../common/testrand.h"

#define NVEC_SINGLE 1000
#define NVEC_RANDOM 50
#define NPROG_RANDOM 600
#define MAX_VSTEPS 40
#define NVREG 16 /* vector registers in IrCpu.scratch */
#define HBUF 96

/* v128 cells: 4 EBB temps, then 2 TB temps. */
enum { VC_EBB = 0, VC_TB = 4, NVC = 6 };

/* A step. For ld/st: vreg is the env vector register, or (ireg >= 0) the
 * base is global r[ireg] and off the displacement. ireg is also the
 * integer operand of dup (i32 global w[ireg - 16] if >= 16, constant imm
 * if -1), extract64 (destination r[ireg]) and insert64 (source r[ireg]).
 * opc == INDEX_op_br stands for "brcond r15 != 0 to L; L:". */
typedef struct VStep {
    TCGOpcode opc;
    unsigned c; /* vece or half */
    int out, in0, in1;
    int ireg;
    int vreg;
    intptr_t off;
    uint64_t imm;
} VStep;

typedef struct VProg {
    char name[80];
    VStep st[MAX_VSTEPS];
    int n;
} VProg;

typedef struct V128 {
    uint8_t b[16];
} V128;

/* Machine state seen by a program. */
typedef struct VState {
    V128 vreg[NVREG];
    uint64_t r[IR_NREGS];
    uint32_t w[IR_NREGS32];
    uint8_t hbuf[HBUF];
} VState;

static uint8_t hostbuf[HBUF] __attribute__((aligned(16)));
static int scale_pct = 100;
static uint64_t checks;

static int scaled(int n)
{
    int v = (int)((int64_t)n * scale_pct / 100);
    return v < 1 ? 1 : v;
}

/* ---- reference ---- */

static uint64_t lane(const V128 *v, unsigned vece, int i)
{
    uint64_t x = 0;
    memcpy(&x, v->b + ((size_t)i << vece), (size_t)1 << vece);
    return x;
}

static void set_lane(V128 *v, unsigned vece, int i, uint64_t x)
{
    memcpy(v->b + ((size_t)i << vece), &x, (size_t)1 << vece);
}

static int64_t slane(const V128 *v, unsigned vece, int i)
{
    uint64_t x = lane(v, vece, i);
    switch (vece) {
    case MO_8:
        return (int8_t)x;
    case MO_16:
        return (int16_t)x;
    case MO_32:
        return (int32_t)x;
    default:
        return (int64_t)x;
    }
}

static V128 ref_binary(TCGOpcode opc, unsigned vece, const V128 *a,
                       const V128 *b)
{
    V128 r;
    int n = 16 >> vece;
    for (int i = 0; i < 16; i++) {
        switch (opc) {
        case INDEX_op_and_vec:
            r.b[i] = a->b[i] & b->b[i];
            break;
        case INDEX_op_or_vec:
            r.b[i] = a->b[i] | b->b[i];
            break;
        case INDEX_op_xor_vec:
            r.b[i] = a->b[i] ^ b->b[i];
            break;
        case INDEX_op_andc_vec:
            r.b[i] = a->b[i] & (uint8_t)~b->b[i];
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        uint64_t x = lane(a, vece, i), y = lane(b, vece, i), z;
        int64_t sx = slane(a, vece, i), sy = slane(b, vece, i);
        switch (opc) {
        case INDEX_op_add_vec:
            z = x + y;
            break;
        case INDEX_op_sub_vec:
            z = x - y;
            break;
        case INDEX_op_cmpeq_vec:
            z = x == y ? ~0ull : 0;
            break;
        case INDEX_op_smin_vec:
            z = (uint64_t)(sx < sy ? sx : sy);
            break;
        case INDEX_op_smax_vec:
            z = (uint64_t)(sx > sy ? sx : sy);
            break;
        case INDEX_op_umin_vec:
            z = x < y ? x : y;
            break;
        case INDEX_op_umax_vec:
            z = x > y ? x : y;
            break;
        default:
            return r; /* bitwise: done above */
        }
        set_lane(&r, vece, i, z);
    }
    return r;
}

/* Where a pointer-based ld/st lands in the host buffer. */
static size_t hbuf_index(const VState *st, const VStep *s)
{
    uint64_t addr = st->r[s->ireg] + (uint64_t)s->off;
    size_t i = (size_t)(addr - (uintptr_t)hostbuf);
    ck_assert(i + 16 <= HBUF);
    return i;
}

/* Run p on st as docs/tcg-ir.md says. */
static void sim_run(const VProg *p, VState *st)
{
    V128 cell[NVC];
    memset(cell, 0, sizeof(cell));
    for (int k = 0; k < p->n; k++) {
        const VStep *s = &p->st[k];
        switch (s->opc) {
        case INDEX_op_ld_vec:
            if (s->ireg < 0) {
                cell[s->out] = st->vreg[s->vreg];
            } else {
                memcpy(&cell[s->out], st->hbuf + hbuf_index(st, s), 16);
            }
            break;
        case INDEX_op_st_vec:
            if (s->ireg < 0) {
                st->vreg[s->vreg] = cell[s->in0];
            } else {
                memcpy(st->hbuf + hbuf_index(st, s), &cell[s->in0], 16);
            }
            break;
        case INDEX_op_mov_vec:
            cell[s->out] = cell[s->in0];
            break;
        case INDEX_op_not_vec: {
            V128 r;
            for (int i = 0; i < 16; i++) {
                r.b[i] = (uint8_t)~cell[s->in0].b[i];
            }
            cell[s->out] = r;
            break;
        }
        case INDEX_op_dup_vec: {
            uint64_t x = s->ireg < 0    ? s->imm
                         : s->ireg < 16 ? st->r[s->ireg]
                                        : st->w[s->ireg - 16];
            V128 r;
            for (int i = 0; i < (16 >> s->c); i++) {
                set_lane(&r, s->c, i, x);
            }
            cell[s->out] = r;
            break;
        }
        case INDEX_op_extract64_vec:
            st->r[s->ireg] = lane(&cell[s->in0], MO_64, (int)s->c);
            break;
        case INDEX_op_insert64_vec: {
            V128 r = cell[s->in0];
            set_lane(&r, MO_64, (int)s->c, st->r[s->ireg]);
            cell[s->out] = r;
            break;
        }
        case INDEX_op_br:
            break;
        default:
            cell[s->out] =
                ref_binary(s->opc, s->c, &cell[s->in0], &cell[s->in1]);
            break;
        }
    }
}

/* ---- IR emission ---- */

static TCGv int_operand(const VStep *s)
{
    if (s->ireg < 16) {
        return ir_reg[s->ireg];
    }
    return ir_reg32[s->ireg - 16];
}

static void gen_prog(TCGContext *s, void *opaque)
{
    const VProg *p = opaque;
    TCGv t[NVC];
    for (int i = 0; i < NVC; i++) {
        t[i] = i < VC_TB ? tcg_temp_ebb(s, TCG_TYPE_V128)
                         : tcg_temp_tb(s, TCG_TYPE_V128);
    }
    for (int k = 0; k < p->n; k++) {
        const VStep *st = &p->st[k];
        intptr_t voff =
            (intptr_t)offsetof(IrCpu, scratch) + 16 * (intptr_t)st->vreg;
        switch (st->opc) {
        case INDEX_op_ld_vec:
            if (st->ireg < 0) {
                tcg_gen_ld_vec(s, t[st->out], s->env_temp, voff);
            } else {
                tcg_gen_ld_vec(s, t[st->out], ir_reg[st->ireg], st->off);
            }
            break;
        case INDEX_op_st_vec:
            if (st->ireg < 0) {
                tcg_gen_st_vec(s, t[st->in0], s->env_temp, voff);
            } else {
                tcg_gen_st_vec(s, t[st->in0], ir_reg[st->ireg], st->off);
            }
            break;
        case INDEX_op_mov_vec:
            tcg_gen_mov_vec(s, t[st->out], t[st->in0]);
            break;
        case INDEX_op_not_vec:
            tcg_gen_not_vec(s, t[st->out], t[st->in0]);
            break;
        case INDEX_op_dup_vec:
            if (st->ireg < 0) {
                tcg_gen_dupi_vec(s, st->c, t[st->out], st->imm);
            } else {
                tcg_gen_dup_vec(s, st->c, t[st->out], int_operand(st));
            }
            break;
        case INDEX_op_extract64_vec:
            tcg_gen_extract64_vec(s, ir_reg[st->ireg], t[st->in0], st->c);
            break;
        case INDEX_op_insert64_vec:
            tcg_gen_insert64_vec(s, t[st->out], t[st->in0], ir_reg[st->ireg],
                                 st->c);
            break;
        case INDEX_op_br: {
            uint32_t l = tcg_label_new(s);
            tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_NE, ir_reg[15], 0, l);
            tcg_gen_set_label(s, l);
            break;
        }
        case INDEX_op_and_vec:
        case INDEX_op_or_vec:
        case INDEX_op_xor_vec:
        case INDEX_op_andc_vec:
            TCG_GEN(s, st->opc, TCG_TYPE_V128, t[st->out], t[st->in0],
                    t[st->in1]);
            break;
        default:
            TCG_GEN(s, st->opc, TCG_TYPE_V128, t[st->out], t[st->in0],
                    t[st->in1], st->c);
            break;
        }
    }
}

/* ---- state ---- */

/* A lane value with edges of its width mixed in. */
static uint64_t rand_lane(TestRng *r, unsigned vece)
{
    int bits = 8 << vece;
    uint64_t v = trng_chance(r, 1, 3) ? trng_edge_raw(r, bits) : trng_next(r);
    return v & trng_mask(bits);
}

static void rand_vec(TestRng *r, V128 *v)
{
    unsigned vece = (unsigned)trng_below(r, 4);
    for (int i = 0; i < (16 >> vece); i++) {
        set_lane(v, vece, i, rand_lane(r, vece));
    }
}

static void rand_state(TestRng *r, VState *st)
{
    for (int i = 0; i < NVREG; i++) {
        rand_vec(r, &st->vreg[i]);
    }
    /* Equal and near-equal lanes between the first registers, so that
     * compares and min/max see ties. */
    for (int k = 1; k < 4; k++) {
        unsigned vece = (unsigned)trng_below(r, 4);
        for (int i = 0; i < (16 >> vece); i++) {
            if (trng_chance(r, 1, 3)) {
                uint64_t x = lane(&st->vreg[0], vece, i);
                set_lane(&st->vreg[k], vece, i,
                         x + (uint64_t)trng_below(r, 3) - 1);
            }
        }
    }
    for (int i = 0; i < IR_NREGS; i++) {
        st->r[i] = trng_chance(r, 1, 3) ? trng_edge_raw(r, 64) : trng_next(r);
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        st->w[i] = (uint32_t)trng_next(r);
    }
    st->r[15] = trng_below(r, 2); /* the branch condition */
    for (int i = 0; i < HBUF; i++) {
        st->hbuf[i] = (uint8_t)trng_next(r);
    }
}

static void state_to_cpu(const VState *st, IrCpu *cpu)
{
    memcpy(cpu->scratch, st->vreg, sizeof(st->vreg));
    memcpy(cpu->regs, st->r, sizeof(st->r));
    memcpy(cpu->regs32, st->w, sizeof(st->w));
    memcpy(hostbuf, st->hbuf, HBUF);
}

static void state_from_cpu(VState *st, const IrCpu *cpu)
{
    memcpy(st->vreg, cpu->scratch, sizeof(st->vreg));
    memcpy(st->r, cpu->regs, sizeof(st->r));
    memcpy(st->w, cpu->regs32, sizeof(st->w));
    memcpy(st->hbuf, hostbuf, HBUF);
}

static void print_vec(const char *what, int i, const V128 *v)
{
    fprintf(stderr, "    %s%d = %016" PRIx64 ":%016" PRIx64 "\n", what, i,
            lane(v, MO_64, 1), lane(v, MO_64, 0));
}

/* Compare; print the first few differences. */
static bool state_check(const VProg *p, const VState *in, const VState *want,
                        const VState *got)
{
    checks++;
    if (!memcmp(want, got, sizeof(*want))) {
        return true;
    }
    fprintf(stderr, "MISMATCH %s on %s\n", p->name, irrun_config_name());
    for (int i = 0; i < NVREG; i++) {
        if (memcmp(&want->vreg[i], &got->vreg[i], 16)) {
            print_vec("in  v", i, &in->vreg[i]);
            print_vec("want v", i, &want->vreg[i]);
            print_vec("got  v", i, &got->vreg[i]);
        }
    }
    for (int i = 0; i < IR_NREGS; i++) {
        if (want->r[i] != got->r[i]) {
            fprintf(stderr,
                    "    r%d: in %016" PRIx64 " want %016" PRIx64
                    " got %016" PRIx64 "\n",
                    i, in->r[i], want->r[i], got->r[i]);
        }
    }
    if (memcmp(want->w, got->w, sizeof(want->w))) {
        fprintf(stderr, "    an i32 global changed\n");
    }
    if (memcmp(want->hbuf, got->hbuf, HBUF)) {
        fprintf(stderr, "    host buffer differs\n");
    }
    irrun_dump(stderr, gen_prog, (void *)p, 0);
    return false;
}

/* Run p nvec times on random states; returns the number of failures. */
static int run_prog(VProg *p, int nvec, uint64_t seed)
{
    TestRng r;
    IrCpu *cpu = irrun_cpu();
    int fails = 0;
    trng_seed(&r, seed);
    irrun_set_program(gen_prog, p);
    for (int v = 0; v < nvec; v++) {
        VState in, want, got;
        rand_state(&r, &in);
        /* Pointer bases point into hostbuf (see add_ldst_ptr). */
        for (int k = 0; k < p->n; k++) {
            if ((p->st[k].opc == INDEX_op_ld_vec ||
                 p->st[k].opc == INDEX_op_st_vec) &&
                p->st[k].ireg >= 0) {
                in.r[p->st[k].ireg] = (uintptr_t)hostbuf + 16 * (k % 4) + 3 -
                                      (uint64_t)p->st[k].off;
            }
        }
        want = in;
        sim_run(p, &want);
        state_to_cpu(&in, cpu);
        int excp = irrun_exec(cpu);
        state_from_cpu(&got, cpu);
        if (excp != IRRUN_EXCP_DONE) {
            fprintf(stderr, "%s on %s: exception %d\n", p->name,
                    irrun_config_name(), excp);
            fails++;
        } else if (!state_check(p, &in, &want, &got)) {
            fails++;
        }
        if (fails >= 3) {
            break;
        }
    }
    return fails;
}

/* ---- program construction ---- */

static VStep *add(VProg *p, TCGOpcode opc)
{
    ck_assert_int_lt(p->n, MAX_VSTEPS);
    VStep *s = &p->st[p->n++];
    memset(s, 0, sizeof(*s));
    s->opc = opc;
    s->out = s->in0 = s->in1 = -1;
    s->ireg = -1;
    return s;
}

static void add_ld(VProg *p, int cell, int vreg)
{
    VStep *s = add(p, INDEX_op_ld_vec);
    s->out = cell;
    s->vreg = vreg;
}

static void add_st(VProg *p, int cell, int vreg)
{
    VStep *s = add(p, INDEX_op_st_vec);
    s->in0 = cell;
    s->vreg = vreg;
}

static void add_op(VProg *p, TCGOpcode opc, unsigned c, int out, int a, int b)
{
    VStep *s = add(p, opc);
    s->c = c;
    s->out = out;
    s->in0 = a;
    s->in1 = b;
}

enum {
    SHAPE_PLAIN,   /* r = op(a, b), all distinct */
    SHAPE_ALIAS_A, /* a = op(a, b) */
    SHAPE_ALIAS_B, /* b = op(a, b) */
    SHAPE_SAME,    /* r = op(a, a) */
    SHAPE_TB,      /* TB temps, a branch and label before and after */
    NSHAPES,
};
static const char *const shape_names[NSHAPES] = {"plain", "r=a", "r=b", "a=b",
                                                 "tb+label"};

/* A one-op program of the given shape, reading V0 and V1 into temps and
 * storing the result to V2. */
static void build_single(VProg *p, TCGOpcode opc, unsigned c, int unary,
                         int shape)
{
    int a = VC_EBB, b = VC_EBB + 1, r = VC_EBB + 2;
    p->n = 0;
    if (shape == SHAPE_TB) {
        a = VC_TB;
        b = VC_TB + 1;
        r = VC_TB + 1;
    }
    add_ld(p, a, 0);
    if (!unary) {
        add_ld(p, b, 1);
    }
    if (shape == SHAPE_TB) {
        add(p, INDEX_op_br);
    }
    switch (shape) {
    case SHAPE_ALIAS_A:
        r = a;
        break;
    case SHAPE_ALIAS_B:
        r = unary ? a : b;
        break;
    case SHAPE_SAME:
        b = a;
        break;
    default:
        break;
    }
    add_op(p, opc, c, r, a, b);
    if (shape == SHAPE_TB) {
        add(p, INDEX_op_br);
    }
    add_st(p, r, 2);
    snprintf(p->name, sizeof(p->name), "%s e%d %s", tcg_op_defs[opc].name,
             8 << c, shape_names[shape]);
}

static int fails_total;

static void run_single(VProg *p, uint64_t seed)
{
    fails_total += run_prog(p, scaled(NVEC_SINGLE), seed);
}

static void test_binary_ops(uint64_t seed)
{
    static const TCGOpcode bitops[] = {INDEX_op_and_vec, INDEX_op_or_vec,
                                       INDEX_op_xor_vec, INDEX_op_andc_vec};
    static const TCGOpcode laneops[] = {INDEX_op_add_vec,   INDEX_op_sub_vec,
                                        INDEX_op_cmpeq_vec, INDEX_op_smin_vec,
                                        INDEX_op_smax_vec,  INDEX_op_umin_vec,
                                        INDEX_op_umax_vec};
    static VProg p;
    for (size_t i = 0; i < sizeof(bitops) / sizeof(bitops[0]); i++) {
        for (int sh = 0; sh < NSHAPES; sh++) {
            build_single(&p, bitops[i], 0, 0, sh);
            snprintf(p.name, sizeof(p.name), "%s %s",
                     tcg_op_defs[bitops[i]].name, shape_names[sh]);
            run_single(&p, seed++);
        }
    }
    for (size_t i = 0; i < sizeof(laneops) / sizeof(laneops[0]); i++) {
        /* min/max exist for 8, 16 and 32-bit elements only. */
        unsigned max_vece = i >= 3 ? MO_32 : MO_64;
        for (unsigned vece = 0; vece <= max_vece; vece++) {
            for (int sh = 0; sh < NSHAPES; sh++) {
                build_single(&p, laneops[i], vece, 0, sh);
                run_single(&p, seed++);
            }
        }
    }
}

static void test_unary_ops(uint64_t seed)
{
    static const TCGOpcode ops[] = {INDEX_op_mov_vec, INDEX_op_not_vec};
    static const int shapes[] = {SHAPE_PLAIN, SHAPE_ALIAS_A, SHAPE_TB};
    static VProg p;
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 0; k < 3; k++) {
            build_single(&p, ops[i], 0, 1, shapes[k]);
            snprintf(p.name, sizeof(p.name), "%s %s", tcg_op_defs[ops[i]].name,
                     shape_names[shapes[k]]);
            run_single(&p, seed++);
        }
    }
}

/* ld_vec/st_vec through a pointer in r[ireg]; run_prog points it at
 * hostbuf + 16 * (step % 4) + 3 minus the displacement. */
static void add_ldst_ptr(VProg *p, TCGOpcode opc, int cell, int ireg,
                         intptr_t off)
{
    VStep *s = add(p, opc);
    if (opc == INDEX_op_ld_vec) {
        s->out = cell;
    } else {
        s->in0 = cell;
    }
    s->ireg = ireg;
    s->off = off;
}

static void test_ldst(uint64_t seed)
{
    static const intptr_t offs[] = {0, 5, -24, 0x7ff0, -0x12345, 0x40000000};
    static VProg p;
    /* env: every vector register to another, through EBB and TB temps. */
    for (int tb = 0; tb < 2; tb++) {
        p.n = 0;
        int c = tb ? VC_TB : VC_EBB;
        for (int i = 0; i < 8; i++) {
            add_ld(&p, c + (i & 1), i);
            add_st(&p, c + (i & 1), 15 - i);
        }
        snprintf(p.name, sizeof(p.name), "ld_vec/st_vec env %s",
                 tb ? "tb" : "ebb");
        run_single(&p, seed++);
    }
    for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        p.n = 0;
        add_ldst_ptr(&p, INDEX_op_ld_vec, VC_EBB, 3, offs[i]);
        add_ldst_ptr(&p, INDEX_op_st_vec, VC_EBB, 4,
                     offs[(i + 1) % (sizeof(offs) / sizeof(offs[0]))]);
        add_st(&p, VC_EBB, 5);
        snprintf(p.name, sizeof(p.name), "ld_vec/st_vec ptr off=%" PRIdPTR,
                 offs[i]);
        run_single(&p, seed++);
    }
}

static void test_dup_extract_insert(uint64_t seed)
{
    static VProg p;
    for (unsigned vece = 0; vece <= MO_64; vece++) {
        /* Sources: an i64 global, an i32 global, and constants. */
        for (int src = 0; src < 2 + 4; src++) {
            p.n = 0;
            VStep *s = add(&p, INDEX_op_dup_vec);
            s->c = vece;
            s->out = VC_EBB;
            s->ireg = src == 0 ? 2 : src == 1 ? 16 + 3 : -1;
            if (src >= 2) {
                static const uint64_t k[] = {0, ~0ull, 0x8000000000000080ull,
                                             0x123456789abcdef0ull};
                s->imm = k[src - 2];
            }
            add_st(&p, VC_EBB, 2);
            /* A TB temp destination too, stored after a label. */
            s = add(&p, INDEX_op_dup_vec);
            *s = p.st[0];
            s->out = VC_TB;
            add(&p, INDEX_op_br);
            add_st(&p, VC_TB, 3);
            snprintf(p.name, sizeof(p.name), "dup_vec e%d from %s", 8 << vece,
                     src == 0   ? "i64"
                     : src == 1 ? "i32"
                                : "const");
            run_single(&p, seed++);
        }
    }
    for (unsigned half = 0; half < 2; half++) {
        /* extract64 to a global, from an EBB and a TB temp. */
        p.n = 0;
        add_ld(&p, VC_EBB, 0);
        VStep *s = add(&p, INDEX_op_extract64_vec);
        s->c = half;
        s->in0 = VC_EBB;
        s->ireg = 1;
        add_ld(&p, VC_TB, 1);
        add(&p, INDEX_op_br);
        s = add(&p, INDEX_op_extract64_vec);
        s->c = half ^ 1;
        s->in0 = VC_TB;
        s->ireg = 2;
        snprintf(p.name, sizeof(p.name), "extract64_vec half=%u", half);
        run_single(&p, seed++);

        /* insert64, into a distinct temp and in place. */
        for (int inplace = 0; inplace < 2; inplace++) {
            p.n = 0;
            add_ld(&p, VC_EBB, 0);
            s = add(&p, INDEX_op_insert64_vec);
            s->c = half;
            s->in0 = VC_EBB;
            s->out = inplace ? VC_EBB : VC_EBB + 1;
            s->ireg = 4;
            add_st(&p, s->out, 2);
            add_st(&p, VC_EBB, 3);
            snprintf(p.name, sizeof(p.name), "insert64_vec half=%u %s", half,
                     inplace ? "r=a" : "plain");
            run_single(&p, seed++);
        }
    }
}

/* Random programs over all cells: everything loaded first, then ops
 * (sometimes a branch and label, after which only TB temps are read),
 * then everything stored. */
static void build_random(VProg *p, TestRng *r, int idx)
{
    static const TCGOpcode ops[] = {
        INDEX_op_mov_vec,      INDEX_op_not_vec,  INDEX_op_and_vec,
        INDEX_op_or_vec,       INDEX_op_xor_vec,  INDEX_op_andc_vec,
        INDEX_op_add_vec,      INDEX_op_sub_vec,  INDEX_op_cmpeq_vec,
        INDEX_op_smin_vec,     INDEX_op_smax_vec, INDEX_op_umin_vec,
        INDEX_op_umax_vec,     INDEX_op_dup_vec,  INDEX_op_extract64_vec,
        INDEX_op_insert64_vec, INDEX_op_br,
    };
    bool ebb_live = true;
    p->n = 0;
    for (int c = 0; c < NVC; c++) {
        add_ld(p, c, (int)trng_below(r, 4));
    }
    int nops = 6 + (int)trng_below(r, 14);
    for (int k = 0; k < nops; k++) {
        TCGOpcode opc = ops[trng_below(r, sizeof(ops) / sizeof(ops[0]))];
        int first = ebb_live ? 0 : VC_TB;
        int out = first + (int)trng_below(r, (uint64_t)(NVC - first));
        int a = first + (int)trng_below(r, (uint64_t)(NVC - first));
        int b = first + (int)trng_below(r, (uint64_t)(NVC - first));
        if (opc == INDEX_op_br) {
            add(p, INDEX_op_br);
            ebb_live = false;
            continue;
        }
        VStep *s = add(p, opc);
        s->out = out;
        s->in0 = a;
        s->in1 = b;
        bool minmax = opc == INDEX_op_smin_vec || opc == INDEX_op_smax_vec ||
                      opc == INDEX_op_umin_vec || opc == INDEX_op_umax_vec;
        s->c = (unsigned)trng_below(r, minmax ? 3 : 4);
        if (opc == INDEX_op_dup_vec) {
            s->ireg = trng_chance(r, 1, 4)   ? -1
                      : trng_chance(r, 1, 2) ? (int)trng_below(r, 8)
                                             : 16 + (int)trng_below(r, 8);
            s->imm = trng_edge_raw(r, 64);
        } else if (opc == INDEX_op_extract64_vec ||
                   opc == INDEX_op_insert64_vec) {
            s->c &= 1;
            s->ireg = (int)trng_below(r, 8);
        }
    }
    int first = ebb_live ? 0 : VC_TB;
    for (int c = first; c < NVC; c++) {
        add_st(p, c, 8 + c);
    }
    snprintf(p->name, sizeof(p->name), "random program %d", idx);
}

static void test_random(uint64_t seed)
{
    static VProg p;
    TestRng r;
    trng_seed(&r, seed);
    int n = scaled(NPROG_RANDOM);
    for (int i = 0; i < n; i++) {
        build_random(&p, &r, i);
        fails_total += run_prog(&p, NVEC_RANDOM, seed + 1 + (uint64_t)i);
    }
}

static void run_config(int be, bool opt)
{
    irrun_select(irrun_backends[be], opt);
    fails_total = 0;
    uint64_t before = checks;
    test_ldst(0x1000);
    test_unary_ops(0x2000);
    test_binary_ops(0x3000);
    test_dup_extract_insert(0x4000);
    test_random(0x5000);
    fprintf(stderr, "%s: %" PRIu64 " runs checked\n", irrun_config_name(),
            checks - before);
    ck_assert_msg(fails_total == 0, "%s: %d failing runs (see stderr)",
                  irrun_config_name(), fails_total);
}

START_TEST(test_vec_backends)
{
    /* _i: backend * 2 + optimizer. */
    run_config(_i / 2, _i % 2);
}
END_TEST

static char *dump_of(VProg *p, unsigned passes)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    irrun_dump(f, gen_prog, p, passes);
    fclose(f);
    return buf;
}

/* The IR dump names the ops and their element sizes; liveness removes a
 * vector op whose result is unused but keeps stores. */
START_TEST(test_vec_dump_liveness)
{
    static VProg p;
    p.n = 0;
    add_ld(&p, VC_EBB, 0);
    add_ld(&p, VC_EBB + 1, 1);
    add_op(&p, INDEX_op_add_vec, MO_32, VC_EBB + 2, VC_EBB, VC_EBB + 1);
    add_op(&p, INDEX_op_umin_vec, MO_8, VC_EBB + 3, VC_EBB, VC_EBB + 1);
    add_st(&p, VC_EBB + 2, 2);
    char *raw = dump_of(&p, 0);
    char *opt = dump_of(&p, IRRUN_DUMP_PASSES);
    ck_assert_msg(strstr(raw, "add_vec vtmp") && strstr(raw, ",e32") &&
                      strstr(raw, "umin_vec") && strstr(raw, ",e8") &&
                      strstr(raw, "ld_vec") && strstr(raw, "st_vec"),
                  "unexpected dump:\n%s", raw);
    ck_assert_msg(!strstr(opt, "umin_vec") && strstr(opt, "add_vec") &&
                      strstr(opt, "st_vec"),
                  "dead umin_vec kept or live op dropped:\n%s", opt);
    free(raw);
    free(opt);
}
END_TEST

int main(void)
{
    const char *e = getenv("VEMU_OPS_SCALE");
    if (e) {
        scale_pct = atoi(e);
    }
    irrun_init();

    Suite *s = suite_create("ops-v128");
    TCase *tc = tcase_create("backends");
    tcase_set_timeout(tc, 240);
    tcase_add_loop_test(tc, test_vec_backends, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("passes");
    tcase_add_test(tc, test_vec_dump_liveness);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

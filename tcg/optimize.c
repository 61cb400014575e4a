/*
 * The IR optimizer: one forward pass over a block that propagates
 * constants and copies, tracks which bits of each temp may be non-zero
 * (z_mask), simplifies algebra, folds branches and drops unreachable code.
 * Each op has its own fold_<op>() function, dispatched from one switch.
 *
 * Relies on: the invariants of tcg/tcg.h (i32 values zero-extended, EBB
 * temps dead at labels, constants never written), on label refcounts being
 * exact (tcg_gen_br/brcond count them), and on tcg_fold_op (tcg/fold.c) for
 * the meaning of every pure op.
 *
 * Guarantees: the block computes the same guest-visible results; ops with
 * side effects or that can fault are never removed or reordered (only
 * their inputs are replaced by equal values); insn_start markers are all
 * kept so backends still map host code to guest instructions; no constant
 * is ever made an output; linear time apart from walks of copy lists.
 *
 * Facts about temps are valid only inside one extended basic block: a
 * label that is still branched to erases all of them. Rather than clearing
 * a per-temp array at each such label, facts carry the "epoch" in which
 * they were learnt and bumping the epoch invalidates them all at once.
 */
#include "tcg/tcg.h"

#include <assert.h>
#include <string.h>

#include <glib.h>

typedef struct TempInfo {
    uint32_t epoch; /* facts below hold only if this is current */
    /* Circular list of temps known to hold the same (non-constant) value.
     * Every member of a list is valid in the current epoch. */
    uint32_t prev_copy, next_copy;
    uint32_t seq; /* when it joined: the oldest EBB copy is kept */
    bool is_const;
    uint64_t val;    /* if is_const, masked to the temp's type */
    uint64_t z_mask; /* bits that may be non-zero */
} TempInfo;

typedef struct OptContext {
    TCGContext *s;
    TempInfo *info;
    uint32_t info_cap;
    uint32_t epoch;
    uint32_t seq;
    uint32_t idx;     /* index of the op being folded */
    bool unreachable; /* after br/exit_tb/goto_ptr, until a live label */
    /* The last kept op, if it is a br or brcond: it is useless when the
     * next op turns out to be its own label. */
    bool have_pending;
    uint32_t pending_branch;
    /* Labels the pass kept (live when it reached them), to tell whether
     * one lost its last reference afterwards; past the array's size the
     * answer is "maybe". */
    uint32_t kept_labels[8];
    uint32_t nb_kept;
} OptContext;

/* ------------------------------------------------------------------ */
/* Small bit helpers                                                   */

/* All bits at and below the highest set bit of x. */
static uint64_t smear_right(uint64_t x)
{
    x |= x >> 1;
    x |= x >> 2;
    x |= x >> 4;
    x |= x >> 8;
    x |= x >> 16;
    x |= x >> 32;
    return x;
}

static uint64_t low_bits(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* ------------------------------------------------------------------ */
/* Per-temp facts                                                      */

static void info_reserve(OptContext *c, uint32_t n)
{
    if (n <= c->info_cap) {
        return;
    }
    uint32_t cap = c->info_cap ? c->info_cap : 64;
    while (cap < n) {
        cap *= 2;
    }
    c->info = g_renew(TempInfo, c->info, cap);
    /* Epoch 0 is never current, so zeroed entries read as "no facts". */
    memset(&c->info[c->info_cap], 0,
           (size_t)(cap - c->info_cap) * sizeof(TempInfo));
    c->info_cap = cap;
}

static TCGType temp_type(OptContext *c, TCGArg t)
{
    return c->s->temps[t].type;
}

/* The first look at t in this epoch: start from what its kind says. */
static __attribute__((noinline)) TempInfo *ti_fresh(OptContext *c, TCGArg t)
{
    TempInfo *i = &c->info[t];
    const TCGTemp *tt = &c->s->temps[t];
    i->epoch = c->epoch;
    i->prev_copy = i->next_copy = (uint32_t)t;
    i->seq = 0;
    if (tt->kind == TEMP_CONST) {
        i->is_const = true;
        i->val = tt->val;
        i->z_mask = tt->val;
    } else {
        i->is_const = false;
        i->val = 0;
        i->z_mask = tcg_type_mask(tt->type);
    }
    return i;
}

/*
 * Facts about t, made current. The pointer is valid until the next
 * make_const (which may create a temp and grow the array). Inline: it is
 * asked for every argument of every op.
 */
static inline TempInfo *ti(OptContext *c, TCGArg t)
{
    assert(t < c->info_cap && "optimizer: temp index out of range");
    TempInfo *i = &c->info[t];
    if (__builtin_expect(i->epoch != c->epoch, 0)) {
        return ti_fresh(c, t);
    }
    return i;
}

static TCGArg make_const(OptContext *c, TCGType type, uint64_t val)
{
    TCGArg t = tcg_constant(c->s, type, val);
    info_reserve(c, c->s->nb_temps);
    return t;
}

static bool arg_const(OptContext *c, TCGArg t, uint64_t *val)
{
    TempInfo *i = ti(c, t);
    if (i->is_const) {
        *val = i->val;
    }
    return i->is_const;
}

static bool arg_is_const(OptContext *c, TCGArg t)
{
    return ti(c, t)->is_const;
}

static bool arg_is(OptContext *c, TCGArg t, uint64_t v)
{
    TempInfo *i = ti(c, t);
    return i->is_const && i->val == v;
}

static uint64_t arg_z(OptContext *c, TCGArg t)
{
    return ti(c, t)->z_mask;
}

/* Forget everything about t (it is being written) and leave its copies
 * as copies of each other. */
static void reset_temp(OptContext *c, TCGArg t)
{
    TempInfo *i = ti(c, t);
    if (i->next_copy != t) {
        c->info[i->prev_copy].next_copy = i->next_copy;
        c->info[i->next_copy].prev_copy = i->prev_copy;
    }
    i->prev_copy = i->next_copy = (uint32_t)t;
    i->is_const = false;
    i->val = 0;
    i->z_mask = tcg_type_mask(temp_type(c, t));
    i->seq = ++c->seq;
}

static bool same_copy_class(OptContext *c, TCGArg a, TCGArg b)
{
    if (a == b) {
        return true;
    }
    TempInfo *ia = ti(c, a);
    for (uint32_t j = ia->next_copy; j != a; j = c->info[j].next_copy) {
        if (j == b) {
            return true;
        }
    }
    return false;
}

/*
 * Lower is better as a replacement: globals, env and TB temps live across
 * the whole block and are already materialised, so reading them instead
 * of an EBB copy lets the EBB temp die early.
 */
static int copy_rank(OptContext *c, uint32_t t)
{
    return c->s->temps[t].kind == TEMP_EBB ? 1 : 0;
}

/*
 * The representative of t's copy class. The choice depends only on the
 * class, never on which member we start from, so two inputs holding the
 * same value always end up as the same temp index.
 */
static TCGArg canonical(OptContext *c, TCGArg t)
{
    TempInfo *i = ti(c, t);
    if (i->next_copy == t) {
        return t;
    }
    uint32_t best = (uint32_t)t;
    for (uint32_t j = i->next_copy; j != t; j = c->info[j].next_copy) {
        int rj = copy_rank(c, j), rb = copy_rank(c, best);
        if (rj < rb || (rj == rb && c->info[j].seq < c->info[best].seq)) {
            best = j;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* Rewriting ops                                                       */

static void clear_args(TCGOp *op)
{
    memset(op->args, 0, sizeof(op->args));
    op->life = 0;
}

static void fold_mov(OptContext *c, TCGOp *op);

/* Turn op into "mov dst, src" and record what that teaches us. */
static void replace_mov(OptContext *c, TCGOp *op, TCGArg dst, TCGArg src)
{
    TCGType t = temp_type(c, dst);
    assert(temp_type(c, src) == t && "optimizer: mov between types");
    op->opc = INDEX_op_mov;
    op->type = t;
    clear_args(op);
    op->args[0] = dst;
    op->args[1] = src;
    fold_mov(c, op);
}

static void replace_movi(OptContext *c, TCGOp *op, TCGArg dst, uint64_t v)
{
    TCGType t = temp_type(c, dst);
    replace_mov(c, op, dst, make_const(c, t, v & tcg_type_mask(t)));
}

/* Rewrite a two-input op as a one-input op of the same type. */
static void to_unary(TCGOp *op, TCGOpcode opc, TCGArg src)
{
    TCGArg dst = op->args[0];
    clear_args(op);
    op->opc = opc;
    op->args[0] = dst;
    op->args[1] = src;
}

/*
 * The result of a pure op is not a known value: record its z_mask, or
 * turn the op into "mov r, 0" if no bit can be set.
 */
static void finish_bits(OptContext *c, TCGOp *op, uint64_t z)
{
    TCGArg r = op->args[0];
    z &= tcg_type_mask(temp_type(c, r));
    if (z == 0) {
        replace_movi(c, op, r, 0);
        return;
    }
    reset_temp(c, r);
    ti(c, r)->z_mask = z;
}

static void finish_outputs(OptContext *c, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op);
    for (int i = 0; i < no; i++) {
        reset_temp(c, op->args[i]);
    }
}

/* Replace every input by the best temp known to hold the same value. */
static void propagate_inputs(OptContext *c, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    for (int k = no; k < no + ni; k++) {
        TCGArg t = op->args[k];
        TempInfo *i = ti(c, t);
        if (i->is_const) {
            if (c->s->temps[t].kind != TEMP_CONST) {
                op->args[k] = make_const(c, temp_type(c, t), i->val);
            }
        } else {
            op->args[k] = canonical(c, t);
        }
    }
}

/*
 * If every input is a known constant, evaluate the op and replace it by
 * moves of the results.
 */
static bool fold_const(OptContext *c, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    uint64_t in[4], out[2];
    assert(ni <= 4);
    for (int k = 0; k < ni; k++) {
        if (!arg_const(c, op->args[no + k], &in[k])) {
            return false;
        }
    }
    if (!tcg_fold_op((TCGOpcode)op->opc, (TCGType)op->type, in,
                     &op->args[no + ni], out)) {
        return false;
    }
    if (no == 1) {
        replace_movi(c, op, op->args[0], out[0]);
        return true;
    }

    /* add2/sub2: two results need two movs. Reuse a preceding nop if
     * there is one; inserting shifts the array, which is rare enough. */
    TCGContext *s = c->s;
    TCGArg rl = op->args[0], rh = op->args[1];
    TCGType type = (TCGType)op->type;
    TCGOp *first;
    if (c->idx > 0 && s->ops[c->idx - 1].opc == INDEX_op_nop) {
        first = &s->ops[c->idx - 1];
        first->opc = INDEX_op_mov;
        first->type = type;
    } else {
        tcg_op_insert_before(s, c->idx, INDEX_op_mov, type);
        c->idx++;
        first = &s->ops[c->idx - 1];
    }
    op = &s->ops[c->idx];
    clear_args(first);
    first->args[0] = rl;
    first->args[1] = make_const(c, type, out[0]);
    fold_mov(c, first);
    replace_movi(c, op, rh, out[1]);
    return true;
}

/* Put a constant operand second, where the simplifications look. */
static void swap_commutative(OptContext *c, TCGOp *op, int a, int b)
{
    if (arg_is_const(c, op->args[a]) && !arg_is_const(c, op->args[b])) {
        TCGArg t = op->args[a];
        op->args[a] = op->args[b];
        op->args[b] = t;
    }
}

/* Same for comparisons, adjusting the condition. */
static void swap_cond_args(OptContext *c, TCGOp *op, int a, int cond)
{
    if (arg_is_const(c, op->args[a]) && !arg_is_const(c, op->args[a + 1])) {
        TCGArg t = op->args[a];
        op->args[a] = op->args[a + 1];
        op->args[a + 1] = t;
        op->args[cond] = tcg_swap_cond((TCGCond)op->args[cond]);
    }
}

/*
 * Whether cond(a, b) is known at width type: 1 true, 0 false, -1 unknown.
 * a and b are already canonical, so equal indexes mean equal values.
 * Unsigned, a lies in [0, z_mask(a)]; that bound decides many compares
 * against constants.
 */
static int decide_cond(OptContext *c, TCGType type, TCGCond cond, TCGArg a,
                       TCGArg b)
{
    uint64_t av, bv;
    if (cond == TCG_COND_NEVER) {
        return 0;
    }
    if (cond == TCG_COND_ALWAYS) {
        return 1;
    }
    bool ac = arg_const(c, a, &av), bc = arg_const(c, b, &bv);
    if (ac && bc) {
        return tcg_eval_cond(type, cond, av, bv);
    }
    if (a == b) {
        switch (cond) {
        case TCG_COND_EQ:
        case TCG_COND_GE:
        case TCG_COND_LE:
        case TCG_COND_GEU:
        case TCG_COND_LEU:
            return 1;
        default:
            return 0;
        }
    }
    if (!bc) {
        return -1;
    }

    uint64_t za = arg_z(c, a);
    uint64_t sign = 1ull << (tcg_type_bits(type) - 1);
    if (!(za & sign)) {
        /* a is non-negative: signed compares become unsigned ones, or are
         * decided outright when b is negative. */
        bool bneg = (bv & sign) != 0;
        switch (cond) {
        case TCG_COND_LT:
        case TCG_COND_LE:
            if (bneg) {
                return 0;
            }
            cond = cond == TCG_COND_LT ? TCG_COND_LTU : TCG_COND_LEU;
            break;
        case TCG_COND_GT:
        case TCG_COND_GE:
            if (bneg) {
                return 1;
            }
            cond = cond == TCG_COND_GT ? TCG_COND_GTU : TCG_COND_GEU;
            break;
        default:
            break;
        }
    }
    switch (cond) {
    case TCG_COND_EQ:
        return (bv & ~za) ? 0 : -1;
    case TCG_COND_NE:
        return (bv & ~za) ? 1 : -1;
    case TCG_COND_LTU:
        return za < bv ? 1 : bv == 0 ? 0 : -1;
    case TCG_COND_GEU:
        return za < bv ? 0 : bv == 0 ? 1 : -1;
    case TCG_COND_LEU:
        return za <= bv ? 1 : -1;
    case TCG_COND_GTU:
        return za <= bv ? 0 : -1;
    default:
        return -1;
    }
}

/* ------------------------------------------------------------------ */
/* Shared shapes of simplification. Each returns true if it rewrote op. */

/* op r, x, x == x */
static bool fold_xx_to_x(OptContext *c, TCGOp *op)
{
    if (op->args[1] == op->args[2]) {
        replace_mov(c, op, op->args[0], op->args[1]);
        return true;
    }
    return false;
}

/* op r, x, x == v */
static bool fold_xx_to_i(OptContext *c, TCGOp *op, uint64_t v)
{
    if (op->args[1] == op->args[2]) {
        replace_movi(c, op, op->args[0], v);
        return true;
    }
    return false;
}

/* op r, x, k == x */
static bool fold_xi_to_x(OptContext *c, TCGOp *op, uint64_t k)
{
    if (arg_is(c, op->args[2], k & tcg_type_mask((TCGType)op->type))) {
        replace_mov(c, op, op->args[0], op->args[1]);
        return true;
    }
    return false;
}

/* op r, x, k == v */
static bool fold_xi_to_i(OptContext *c, TCGOp *op, uint64_t k, uint64_t v)
{
    if (arg_is(c, op->args[2], k & tcg_type_mask((TCGType)op->type))) {
        replace_movi(c, op, op->args[0], v);
        return true;
    }
    return false;
}

/* op r, k, x == v */
static bool fold_ix_to_i(OptContext *c, TCGOp *op, uint64_t k, uint64_t v)
{
    if (arg_is(c, op->args[1], k & tcg_type_mask((TCGType)op->type))) {
        replace_movi(c, op, op->args[0], v);
        return true;
    }
    return false;
}

static void fold_not(OptContext *c, TCGOp *op);
static void fold_neg(OptContext *c, TCGOp *op);
static void fold_and(OptContext *c, TCGOp *op);
static void fold_shift(OptContext *c, TCGOp *op);

/* Continue with an op just rewritten to not or neg. */
static void fold_unop(OptContext *c, TCGOp *op)
{
    if (op->opc == INDEX_op_not) {
        fold_not(c, op);
    } else {
        fold_neg(c, op);
    }
}

/* op r, x, k == unop(x) (e.g. x ^ -1 == not x) */
static bool fold_xi_to_unop(OptContext *c, TCGOp *op, uint64_t k, TCGOpcode opc)
{
    if (arg_is(c, op->args[2], k & tcg_type_mask((TCGType)op->type))) {
        to_unary(op, opc, op->args[1]);
        fold_unop(c, op);
        return true;
    }
    return false;
}

/* op r, k, x == unop(x) (e.g. 0 - x == neg x) */
static bool fold_ix_to_unop(OptContext *c, TCGOp *op, uint64_t k, TCGOpcode opc)
{
    if (arg_is(c, op->args[1], k & tcg_type_mask((TCGType)op->type))) {
        to_unary(op, opc, op->args[2]);
        fold_unop(c, op);
        return true;
    }
    return false;
}

/* op r, x, x == not x (nand, nor) */
static bool fold_xx_to_not(OptContext *c, TCGOp *op)
{
    if (op->args[1] == op->args[2]) {
        to_unary(op, INDEX_op_not, op->args[1]);
        fold_not(c, op);
        return true;
    }
    return false;
}

/* Known bits of a bit-monotone op, computed by running it on the masks:
 * valid for and/or, shifts and rotates by a constant, extensions, field
 * ops and byte swaps, where a result bit can only be set if some input bit
 * it comes from may be set (sign copies included). */
static uint64_t z_by_fold(OptContext *c, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    uint64_t in[4], out[2];
    for (int k = 0; k < ni; k++) {
        TempInfo *i = ti(c, op->args[no + k]);
        in[k] = i->is_const ? i->val : i->z_mask;
    }
    if (!tcg_fold_op((TCGOpcode)op->opc, (TCGType)op->type, in,
                     &op->args[no + ni], out)) {
        return ~0ull;
    }
    return out[0];
}

/* ------------------------------------------------------------------ */
/* Control flow                                                        */

static void fold_br(OptContext *c, TCGOp *op)
{
    c->unreachable = true;
    c->have_pending = true;
    c->pending_branch = c->idx;
}

static void fold_exit(OptContext *c, TCGOp *op)
{
    c->unreachable = true;
}

static void fold_brcond(OptContext *c, TCGOp *op)
{
    swap_cond_args(c, op, 0, 2);
    int r = decide_cond(c, (TCGType)op->type, (TCGCond)op->args[2], op->args[0],
                        op->args[1]);
    if (r == 0) {
        tcg_op_remove(c->s, op);
        return;
    }
    if (r == 1) {
        /* The label keeps its one reference, now held by a br. */
        TCGArg l = op->args[3];
        clear_args(op);
        op->opc = INDEX_op_br;
        op->type = TCG_TYPE_I64;
        op->args[0] = l;
        fold_br(c, op);
        return;
    }
    c->have_pending = true;
    c->pending_branch = c->idx;
}

static void fold_set_label(OptContext *c, TCGOp *op)
{
    TCGContext *s = c->s;
    TCGArg l = op->args[0];
    if (c->have_pending) {
        TCGOp *b = &s->ops[c->pending_branch];
        bool is_br = b->opc == INDEX_op_br;
        TCGArg target = is_br ? b->args[0] : b->args[3];
        assert((is_br || b->opc == INDEX_op_brcond) &&
               "optimizer: pending branch lost");
        if (target == l) {
            /* Jumping to the next op is falling through; if it was a br,
             * the code we are in is reached again, with the facts from
             * before the br (nothing between was kept). */
            if (is_br) {
                c->unreachable = false;
            }
            tcg_op_remove(s, b);
        }
        c->have_pending = false;
    }
    if (s->labels[l].refs == 0) {
        /* Nothing branches here: not a block boundary any more. */
        tcg_op_remove(s, op);
        return;
    }
    if (c->nb_kept < G_N_ELEMENTS(c->kept_labels)) {
        c->kept_labels[c->nb_kept] = (uint32_t)l;
    }
    c->nb_kept++;
    c->epoch++;
    c->unreachable = false;
}

static void fold_call(OptContext *c, TCGOp *op)
{
    const TCGHelperInfo *info = tcg_call_info(op);
    if (!(info->flags &
          (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS))) {
        /* The helper may have stored to any global. */
        for (uint32_t g = 0; g < c->s->nb_globals; g++) {
            if (c->s->temps[g].kind == TEMP_GLOBAL) {
                reset_temp(c, g);
            }
        }
    }
    finish_outputs(c, op);
}

/* ------------------------------------------------------------------ */
/* Memory: only the loaded value's width is known.                     */

static void fold_load(OptContext *c, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
    MemOp mo = (MemOp)op->args[no + ni];
    unsigned bits = 8u << (mo & MO_SIZE);
    TCGArg r = op->args[0];
    reset_temp(c, r);
    if (!(mo & MO_SIGN)) {
        ti(c, r)->z_mask &= low_bits(bits);
    }
}

static void fold_nothing(OptContext *c, TCGOp *op)
{
}

/* ------------------------------------------------------------------ */
/* Moves and arithmetic                                                */

static void fold_mov(OptContext *c, TCGOp *op)
{
    TCGArg dst = op->args[0], src = op->args[1];
    TempInfo *si = ti(c, src);
    if (si->is_const) {
        uint64_t v = si->val;
        TempInfo *di = ti(c, dst);
        if (dst == src || (di->is_const && di->val == v)) {
            tcg_op_remove(c->s, op);
            return;
        }
        reset_temp(c, dst);
        di->is_const = true;
        di->val = v;
        di->z_mask = v;
        return;
    }
    if (same_copy_class(c, dst, src)) {
        tcg_op_remove(c->s, op);
        return;
    }
    uint64_t z = si->z_mask;
    reset_temp(c, dst);
    /* Join src's class right after src. */
    TempInfo *di = &c->info[dst];
    si = &c->info[src];
    di->z_mask = z;
    di->prev_copy = (uint32_t)src;
    di->next_copy = si->next_copy;
    c->info[si->next_copy].prev_copy = (uint32_t)dst;
    si->next_copy = (uint32_t)dst;
}

static void fold_add(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_x(c, op, 0)) {
        return;
    }
    /* a + b <= za + zb; without carry out it bounds the result. */
    uint64_t za = smear_right(arg_z(c, op->args[1]));
    uint64_t zb = smear_right(arg_z(c, op->args[2]));
    uint64_t sum = za + zb;
    finish_bits(c, op, sum < za ? ~0ull : smear_right(sum));
}

static void fold_sub(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op) || fold_xx_to_i(c, op, 0) || fold_xi_to_x(c, op, 0) ||
        fold_ix_to_unop(c, op, 0, INDEX_op_neg)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_neg(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_mul(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, 0, 0) || fold_xi_to_x(c, op, 1) ||
        fold_xi_to_unop(c, op, ~0ull, INDEX_op_neg)) {
        return;
    }
    uint64_t za = smear_right(arg_z(c, op->args[1]));
    uint64_t zb = smear_right(arg_z(c, op->args[2]));
    unsigned __int128 p = (unsigned __int128)za * zb;
    finish_bits(c, op, (p >> 64) ? ~0ull : smear_right((uint64_t)p));
}

static void fold_mulsh(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, 0, 0)) {
        return;
    }
    if (arg_is(c, op->args[2], 1)) {
        /* The high half of x * 1 is the sign of x, copied W times. */
        TCGType t = (TCGType)op->type;
        op->opc = INDEX_op_sar;
        op->args[2] = make_const(c, t, (uint64_t)tcg_type_bits(t) - 1);
        fold_shift(c, op);
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_muluh(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, 0, 0) || fold_xi_to_i(c, op, 1, 0)) {
        return;
    }
    int w = tcg_type_bits((TCGType)op->type);
    uint64_t za = smear_right(arg_z(c, op->args[1]));
    uint64_t zb = smear_right(arg_z(c, op->args[2]));
    unsigned __int128 p = (unsigned __int128)za * zb;
    finish_bits(c, op, smear_right((uint64_t)(p >> w)));
}

static void fold_div(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op) || fold_xi_to_x(c, op, 1) ||
        fold_xi_to_i(c, op, 0, ~0ull) ||
        fold_xi_to_unop(c, op, ~0ull, INDEX_op_neg)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_divu(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op) || fold_xi_to_x(c, op, 1) ||
        fold_xi_to_i(c, op, 0, ~0ull)) {
        return;
    }
    uint64_t z = ~0ull;
    if (arg_const(c, op->args[2], &bv) && bv != 0) {
        z = smear_right(arg_z(c, op->args[1]) / bv);
    }
    finish_bits(c, op, z);
}

static void fold_rem(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op) || fold_xi_to_i(c, op, 1, 0) ||
        fold_xi_to_i(c, op, ~0ull, 0) || fold_xi_to_x(c, op, 0)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_remu(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op) || fold_xi_to_i(c, op, 1, 0) ||
        fold_xi_to_x(c, op, 0)) {
        return;
    }
    /* a % b <= a whatever b is (a % 0 == a), and < b when b != 0. */
    uint64_t z = smear_right(arg_z(c, op->args[1]));
    if (arg_const(c, op->args[2], &bv) && bv != 0) {
        if ((bv & (bv - 1)) == 0) {
            op->opc = INDEX_op_and;
            op->args[2] = make_const(c, (TCGType)op->type, bv - 1);
            fold_and(c, op);
            return;
        }
        z &= smear_right(bv - 1);
    }
    finish_bits(c, op, z);
}

static void fold_addsub2(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    finish_outputs(c, op);
}

/* ------------------------------------------------------------------ */
/* Logic                                                               */

static void fold_and(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, 0, 0) || fold_xi_to_x(c, op, ~0ull) ||
        fold_xx_to_x(c, op)) {
        return;
    }
    uint64_t za = arg_z(c, op->args[1]), zb = arg_z(c, op->args[2]);
    if (arg_const(c, op->args[2], &bv) && (za & ~bv) == 0) {
        /* The mask only clears bits that are already zero. */
        replace_mov(c, op, op->args[0], op->args[1]);
        return;
    }
    finish_bits(c, op, za & zb);
}

static void fold_or(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_x(c, op, 0) || fold_xi_to_i(c, op, ~0ull, ~0ull) ||
        fold_xx_to_x(c, op)) {
        return;
    }
    uint64_t za = arg_z(c, op->args[1]), zb = arg_z(c, op->args[2]);
    if (arg_const(c, op->args[2], &bv) && (za & ~bv) == 0) {
        /* Every bit x may have is already set in the constant. */
        replace_movi(c, op, op->args[0], bv);
        return;
    }
    finish_bits(c, op, za | zb);
}

static void fold_xor(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_x(c, op, 0) || fold_xx_to_i(c, op, 0) ||
        fold_xi_to_unop(c, op, ~0ull, INDEX_op_not)) {
        return;
    }
    finish_bits(c, op, arg_z(c, op->args[1]) | arg_z(c, op->args[2]));
}

static void fold_not(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_andc(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op) || fold_xx_to_i(c, op, 0) || fold_xi_to_x(c, op, 0) ||
        fold_ix_to_i(c, op, 0, 0) ||
        fold_ix_to_unop(c, op, ~0ull, INDEX_op_not)) {
        return;
    }
    if (arg_const(c, op->args[2], &bv)) {
        /* x & ~k: an and with the inverted constant, which knows more. */
        op->opc = INDEX_op_and;
        op->args[2] = make_const(c, (TCGType)op->type, ~bv);
        fold_and(c, op);
        return;
    }
    finish_bits(c, op, arg_z(c, op->args[1]));
}

static void fold_orc(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op) || fold_xx_to_i(c, op, ~0ull) ||
        fold_xi_to_i(c, op, 0, ~0ull) ||
        fold_ix_to_unop(c, op, 0, INDEX_op_not)) {
        return;
    }
    if (arg_const(c, op->args[2], &bv)) {
        op->opc = INDEX_op_or;
        op->args[2] = make_const(c, (TCGType)op->type, ~bv);
        fold_or(c, op);
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_eqv(OptContext *c, TCGOp *op)
{
    uint64_t bv;
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xx_to_i(c, op, ~0ull)) {
        return;
    }
    if (arg_const(c, op->args[2], &bv)) {
        /* ~(x ^ k) == x ^ ~k, which xor simplifies further. */
        op->opc = INDEX_op_xor;
        op->args[2] = make_const(c, (TCGType)op->type, ~bv);
        fold_xor(c, op);
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_nand(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, 0, ~0ull) ||
        fold_xi_to_unop(c, op, ~0ull, INDEX_op_not) || fold_xx_to_not(c, op)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

static void fold_nor(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_commutative(c, op, 1, 2);
    if (fold_xi_to_i(c, op, ~0ull, 0) ||
        fold_xi_to_unop(c, op, 0, INDEX_op_not) || fold_xx_to_not(c, op)) {
        return;
    }
    finish_bits(c, op, ~0ull);
}

/* ------------------------------------------------------------------ */
/* Shifts and rotates                                                  */

static void fold_shift(OptContext *c, TCGOp *op)
{
    TCGType t = (TCGType)op->type;
    uint64_t m = tcg_type_mask(t), bv;
    TCGOpcode opc = (TCGOpcode)op->opc;
    if (fold_const(c, op) || fold_ix_to_i(c, op, 0, 0)) {
        return;
    }
    if (opc != INDEX_op_shl && opc != INDEX_op_shr &&
        fold_ix_to_i(c, op, m, m)) {
        /* All ones stays all ones under sar and rotates. */
        return;
    }
    uint64_t za = arg_z(c, op->args[1]);
    if (arg_const(c, op->args[2], &bv)) {
        if ((bv & (uint64_t)(tcg_type_bits(t) - 1)) == 0) {
            replace_mov(c, op, op->args[0], op->args[1]);
            return;
        }
        finish_bits(c, op, z_by_fold(c, op));
        return;
    }
    uint64_t z = m;
    switch (opc) {
    case INDEX_op_shr:
        z = smear_right(za);
        break;
    case INDEX_op_sar:
        if (!(za >> (tcg_type_bits(t) - 1))) {
            z = smear_right(za);
        }
        break;
    default:
        break;
    }
    finish_bits(c, op, z);
}

/* ------------------------------------------------------------------ */
/* Bit counting and byte swaps                                         */

static void fold_count_zeros(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    /* The result is at most W. */
    int w = tcg_type_bits((TCGType)op->type);
    finish_bits(c, op, (uint64_t)(w | (w - 1)));
}

static void fold_ctpop(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    /* No more bits can be set than may be non-zero. */
    uint64_t n = (uint64_t)__builtin_popcountll(arg_z(c, op->args[1]));
    finish_bits(c, op, smear_right(n));
}

static void fold_bswap(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

/* ------------------------------------------------------------------ */
/* Extensions and bit fields                                           */

/*
 * An extension of the low n bits is a no-op when x already looks
 * extended: for zero-extension no bit at or above n may be set, for
 * sign-extension none at or above n - 1 (we only know bits that are
 * zero, so a set sign bit cannot be proven).
 */
static bool ext_is_redundant(uint64_t z, unsigned n, bool sign)
{
    return (z & ~low_bits(sign ? n - 1 : n)) == 0;
}

/* Source width and signedness of the in-width extension ops. */
static const struct {
    uint8_t bits;
    bool sign;
} ext_shape[NB_OPS] = {
    [INDEX_op_ext8s] = {8, true},   [INDEX_op_ext8u] = {8, false},
    [INDEX_op_ext16s] = {16, true}, [INDEX_op_ext16u] = {16, false},
    [INDEX_op_ext32s] = {32, true}, [INDEX_op_ext32u] = {32, false},
};

static void fold_ext(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    if (ext_is_redundant(arg_z(c, op->args[1]), ext_shape[op->opc].bits,
                         ext_shape[op->opc].sign)) {
        replace_mov(c, op, op->args[0], op->args[1]);
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

/* The i32 <-> i64 ops cannot become movs (the types differ), but their
 * results' known bits feed later simplifications. */
static void fold_width_change(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

static void fold_extract(OptContext *c, TCGOp *op)
{
    unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
    if (fold_const(c, op)) {
        return;
    }
    if (pos == 0 && ext_is_redundant(arg_z(c, op->args[1]), len, false)) {
        replace_mov(c, op, op->args[0], op->args[1]);
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

static void fold_sextract(OptContext *c, TCGOp *op)
{
    unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
    int w = tcg_type_bits((TCGType)op->type);
    if (fold_const(c, op)) {
        return;
    }
    if (pos == 0 &&
        ((int)len == w || ext_is_redundant(arg_z(c, op->args[1]), len, true))) {
        replace_mov(c, op, op->args[0], op->args[1]);
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

static void fold_deposit(OptContext *c, TCGOp *op)
{
    unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
    int w = tcg_type_bits((TCGType)op->type);
    if (fold_const(c, op)) {
        return;
    }
    if (pos == 0 && (int)len == w) {
        /* The whole of a is replaced. */
        replace_mov(c, op, op->args[0], op->args[2]);
        return;
    }
    if (pos == 0 && arg_is(c, op->args[1], 0)) {
        /* Depositing into zero at bit 0 is a zero-extending extract. */
        TCGArg dst = op->args[0], src = op->args[2];
        clear_args(op);
        op->opc = INDEX_op_extract;
        op->args[0] = dst;
        op->args[1] = src;
        op->args[2] = 0;
        op->args[3] = len;
        fold_extract(c, op);
        return;
    }
    finish_bits(c, op, z_by_fold(c, op));
}

/* ------------------------------------------------------------------ */
/* Conditionals                                                        */

static void fold_setcond(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_cond_args(c, op, 1, 3);
    TCGCond cond = (TCGCond)op->args[3];
    int r = decide_cond(c, (TCGType)op->type, cond, op->args[1], op->args[2]);
    if (r >= 0) {
        replace_movi(c, op, op->args[0], (uint64_t)r);
        return;
    }
    if (arg_is(c, op->args[2], 0) && (arg_z(c, op->args[1]) & ~1ull) == 0) {
        /* x is 0 or 1: x != 0 is x, and x == 0 is x ^ 1. */
        if (cond == TCG_COND_NE) {
            replace_mov(c, op, op->args[0], op->args[1]);
            return;
        }
        if (cond == TCG_COND_EQ) {
            op->opc = INDEX_op_xor;
            op->args[2] = make_const(c, (TCGType)op->type, 1);
            op->args[3] = 0;
            fold_xor(c, op);
            return;
        }
    }
    finish_bits(c, op, 1);
}

static void fold_movcond(OptContext *c, TCGOp *op)
{
    if (fold_const(c, op)) {
        return;
    }
    swap_cond_args(c, op, 1, 5);
    int r = decide_cond(c, (TCGType)op->type, (TCGCond)op->args[5], op->args[1],
                        op->args[2]);
    if (r >= 0) {
        replace_mov(c, op, op->args[0], op->args[r ? 3 : 4]);
        return;
    }
    if (op->args[3] == op->args[4]) {
        replace_mov(c, op, op->args[0], op->args[3]);
        return;
    }
    finish_bits(c, op, arg_z(c, op->args[3]) | arg_z(c, op->args[4]));
}

/* ------------------------------------------------------------------ */
/* The pass                                                            */

static void fold_op(OptContext *c, TCGOp *op)
{
    switch ((TCGOpcode)op->opc) {
    case INDEX_op_nop:
    case INDEX_op_insn_start:
    case INDEX_op_mb:
    case INDEX_op_goto_tb:
    case INDEX_op_st:
    case INDEX_op_qemu_st:
        fold_nothing(c, op);
        break;
    case INDEX_op_set_label:
        fold_set_label(c, op);
        break;
    case INDEX_op_br:
        fold_br(c, op);
        break;
    case INDEX_op_brcond:
        fold_brcond(c, op);
        break;
    case INDEX_op_call:
        fold_call(c, op);
        break;
    case INDEX_op_exit_tb:
    case INDEX_op_goto_ptr:
    case INDEX_op_lookup_goto:
        fold_exit(c, op);
        break;
    case INDEX_op_mov:
        fold_mov(c, op);
        break;
    case INDEX_op_add:
        fold_add(c, op);
        break;
    case INDEX_op_sub:
        fold_sub(c, op);
        break;
    case INDEX_op_neg:
        fold_neg(c, op);
        break;
    case INDEX_op_mul:
        fold_mul(c, op);
        break;
    case INDEX_op_mulsh:
        fold_mulsh(c, op);
        break;
    case INDEX_op_muluh:
        fold_muluh(c, op);
        break;
    case INDEX_op_div:
        fold_div(c, op);
        break;
    case INDEX_op_divu:
        fold_divu(c, op);
        break;
    case INDEX_op_rem:
        fold_rem(c, op);
        break;
    case INDEX_op_remu:
        fold_remu(c, op);
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2:
        fold_addsub2(c, op);
        break;
    case INDEX_op_and:
        fold_and(c, op);
        break;
    case INDEX_op_or:
        fold_or(c, op);
        break;
    case INDEX_op_xor:
        fold_xor(c, op);
        break;
    case INDEX_op_not:
        fold_not(c, op);
        break;
    case INDEX_op_andc:
        fold_andc(c, op);
        break;
    case INDEX_op_orc:
        fold_orc(c, op);
        break;
    case INDEX_op_eqv:
        fold_eqv(c, op);
        break;
    case INDEX_op_nand:
        fold_nand(c, op);
        break;
    case INDEX_op_nor:
        fold_nor(c, op);
        break;
    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        fold_shift(c, op);
        break;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        fold_count_zeros(c, op);
        break;
    case INDEX_op_ctpop:
        fold_ctpop(c, op);
        break;
    case INDEX_op_bswap16:
    case INDEX_op_bswap32:
    case INDEX_op_bswap64:
        fold_bswap(c, op);
        break;
    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
    case INDEX_op_ext32s:
    case INDEX_op_ext32u:
        fold_ext(c, op);
        break;
    case INDEX_op_extu_i32_i64:
    case INDEX_op_exts_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        fold_width_change(c, op);
        break;
    case INDEX_op_extract:
        fold_extract(c, op);
        break;
    case INDEX_op_sextract:
        fold_sextract(c, op);
        break;
    case INDEX_op_deposit:
        fold_deposit(c, op);
        break;
    case INDEX_op_setcond:
        fold_setcond(c, op);
        break;
    case INDEX_op_movcond:
        fold_movcond(c, op);
        break;
    case INDEX_op_ld:
    case INDEX_op_qemu_ld:
    case INDEX_op_atomic_cmpxchg:
    case INDEX_op_atomic_xchg:
    case INDEX_op_atomic_fetch:
        fold_load(c, op);
        break;
    case INDEX_op_st_vec:
        fold_nothing(c, op);
        break;
    case INDEX_op_ld_vec:
    case INDEX_op_mov_vec:
    case INDEX_op_dup_vec:
    case INDEX_op_extract64_vec:
    case INDEX_op_insert64_vec:
    case INDEX_op_and_vec:
    case INDEX_op_or_vec:
    case INDEX_op_xor_vec:
    case INDEX_op_andc_vec:
    case INDEX_op_not_vec:
    case INDEX_op_add_vec:
    case INDEX_op_sub_vec:
    case INDEX_op_cmpeq_vec:
    case INDEX_op_smin_vec:
    case INDEX_op_smax_vec:
    case INDEX_op_umin_vec:
    case INDEX_op_umax_vec:
        /* No facts are tracked for v128 values (no folding), and an
         * extracted half is just some i64: only forget the outputs. */
        finish_outputs(c, op);
        break;
    default:
        /* Every op of tcg/ops.def has a case above; one added without
         * its fold must not be trusted with anything we know. */
        assert(!"optimizer: op without a fold function");
        c->epoch++;
        break;
    }
}

/*
 * Removing a branch can leave an earlier label (a loop head) without
 * references after the main pass went by it. Drop such labels, and the
 * code they alone made reachable, in one more linear walk.
 *
 * Only a label the main pass kept can need it: one it dropped is gone,
 * and while every kept label is still referenced the walk would find
 * exactly the reachability the main pass already enforced.
 */
static bool sweep_needed(const OptContext *c)
{
    if (c->nb_kept > G_N_ELEMENTS(c->kept_labels)) {
        return true;
    }
    for (uint32_t i = 0; i < MIN(c->nb_kept, G_N_ELEMENTS(c->kept_labels));
         i++) {
        if (c->s->labels[c->kept_labels[i]].refs == 0) {
            return true;
        }
    }
    return false;
}

static void sweep_labels(TCGContext *s)
{
    bool unreachable = false;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
            break;
        case INDEX_op_set_label:
            if (s->labels[op->args[0]].refs == 0) {
                tcg_op_remove(s, op);
            } else {
                unreachable = false;
            }
            break;
        default:
            if (unreachable) {
                tcg_op_remove(s, op);
            } else if (op->opc == INDEX_op_br || op->opc == INDEX_op_exit_tb ||
                       op->opc == INDEX_op_goto_ptr ||
                       op->opc == INDEX_op_lookup_goto) {
                unreachable = true;
            }
            break;
        }
    }
}

/*
 * The facts array outlives a block, per thread: allocating and zeroing it
 * for every block was a visible share of translating start-up code. The
 * epoch carries on from the previous block, which invalidates every old
 * fact; only its wrap-around needs the array cleared.
 */
static __thread TempInfo *saved_info;
static __thread uint32_t saved_info_cap, saved_epoch;

void tcg_optimize_thread_exit(void)
{
    g_free(saved_info);
    saved_info = NULL;
    saved_info_cap = 0;
    saved_epoch = 0;
}

void tcg_optimize(TCGContext *s)
{
    OptContext c = {
        .s = s,
        .info = saved_info,
        .info_cap = saved_info_cap,
        .epoch = saved_epoch + 1,
    };
    if (saved_epoch > UINT32_MAX - (1u << 24)) {
        /* A block bumps the epoch at most once per op. */
        memset(c.info, 0, (size_t)c.info_cap * sizeof(TempInfo));
        c.epoch = 1;
    }
    info_reserve(&c, s->nb_temps + 64);

    for (c.idx = 0; c.idx < s->nb_ops; c.idx++) {
        TCGOp *op = &s->ops[c.idx];
        switch (op->opc) {
        case INDEX_op_nop:
        case INDEX_op_insn_start:
            /* Kept even when unreachable: backends count them. */
            continue;
        case INDEX_op_set_label:
            fold_set_label(&c, op);
            continue;
        default:
            break;
        }
        if (c.unreachable) {
            tcg_op_remove(s, op);
            continue;
        }
        c.have_pending = false;
        propagate_inputs(&c, op);
        fold_op(&c, op);
    }

    if (sweep_needed(&c)) {
        sweep_labels(s);
    }
    saved_info = c.info;
    saved_info_cap = c.info_cap;
    saved_epoch = c.epoch;
}

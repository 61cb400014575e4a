/*
 * Target-independent register allocator and code-generation driver for
 * native backends. A single forward pass: every temp is either dead, in a
 * host register, in memory (env field for globals, a stack-frame slot for
 * locals) or a constant. Operands are placed per the backend's constraints
 * (tcg/regalloc.h); registers are taken free-first in the backend's
 * allocation order and otherwise evicted by writing their temp back.
 *
 * Relies on tcg/liveness.c having annotated op->life: values that must be
 * in memory at a later boundary were synced where they were written, so at
 * labels and block exits the allocator only has to forget its registers.
 * Guarantees: at every label, branch, exit, helper call that reads globals
 * and op that can fault, every global holds its current value in env;
 * with lazy_fault, at a guest access, in env or in a register the access's
 * spill list (TCGGen.spills) names.
 */
#include "tcg/regalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* Every change of reg_to_temp goes through here, keeping `used` exact:
 * the walks over registers at block ends and fault points then visit
 * only the few registers that hold something. */
static inline void reg_set(TCGGen *g, int r, TCGTemp *t)
{
    g->reg_to_temp[r] = t;
    if (t) {
        g->reg_use[r] = g->tick;
        g->used |= 1u << r;
    } else {
        g->used &= ~(1u << r);
    }
}

static int temp_base_reg(const TCGTemp *t)
{
    return t->kind == TEMP_GLOBAL ? TCG_AREG0 : TCG_REG_CALL_STACK;
}

static void temp_allocate_frame(TCGGen *g, TCGTemp *t)
{
    /* A v128 slot is 16-byte aligned (the frame itself is) so that the
     * vector loads and stores never split a cache line. */
    intptr_t size = t->type == TCG_TYPE_V128 ? 16 : 8;
    intptr_t off = (g->frame_next + size - 1) & -size;
    if (off + size > TCG_FRAME_SIZE) {
        /* Front ends bound block sizes far below this. */
        fprintf(stderr, "vemu: tcg: spill frame exhausted (%u temps)\n",
                (unsigned)g->s->nb_temps);
        abort();
    }
    t->mem_offset = off;
    t->mem_allocated = true;
    g->frame_next = off + size;
}

/*
 * v128 temps never occupy a host register: each lives in its 16-byte
 * frame slot, which vector ops read and write directly (the backend
 * finds it through tcg_vec_temp_mem). Give it a slot on first sight; a
 * read of an unwritten temp then sees whatever the slot holds, which is
 * as undefined as the IR says.
 */
static void vec_temp_prepare(TCGGen *g, TCGTemp *t)
{
    assert(t->kind == TEMP_EBB || t->kind == TEMP_TB);
    if (!t->mem_allocated) {
        temp_allocate_frame(g, t);
    }
}

void tcg_vec_temp_mem(const TCGGen *g, TCGArg idx, int *base, intptr_t *off)
{
    const TCGTemp *t = &g->s->temps[idx];
    assert(t->type == TCG_TYPE_V128 && t->mem_allocated);
    *base = TCG_REG_CALL_STACK;
    *off = t->mem_offset;
}

/* Make memory hold t's value; t stays where it is. */
static void temp_sync(TCGGen *g, TCGTemp *t)
{
    if (t->val_type != TEMP_VAL_REG || t->mem_coherent) {
        return;
    }
    if (t->kind == TEMP_FIXED || t->kind == TEMP_CONST) {
        return;
    }
    if (t->kind != TEMP_GLOBAL && !t->mem_allocated) {
        temp_allocate_frame(g, t);
    }
    tcg_out_st(g, (TCGType)t->type, t->reg, temp_base_reg(t), t->mem_offset);
    t->mem_coherent = true;
}

/* Forget t's register; its value is dead (locals) or in memory (globals,
 * which the caller has synced if needed). */
static void temp_dead(TCGGen *g, TCGTemp *t)
{
    if (t->kind == TEMP_FIXED || t->kind == TEMP_CONST) {
        return;
    }
    if (t->val_type == TEMP_VAL_REG) {
        reg_set(g, t->reg, NULL);
    }
    if (t->kind == TEMP_GLOBAL) {
        t->val_type = TEMP_VAL_MEM;
    } else if (t->kind == TEMP_TB && t->mem_allocated && t->mem_coherent) {
        /* A TB temp can still be read after a label from its slot. */
        t->val_type = TEMP_VAL_MEM;
    } else {
        t->val_type = TEMP_VAL_DEAD;
    }
    t->reg = -1;
}

/* Write t back and release its register: it lives in memory now. */
static void temp_save(TCGGen *g, TCGTemp *t)
{
    if (t->kind == TEMP_FIXED || t->kind == TEMP_CONST) {
        return;
    }
    if (t->val_type == TEMP_VAL_REG) {
        temp_sync(g, t);
        reg_set(g, t->reg, NULL);
        t->reg = -1;
        t->val_type = TEMP_VAL_MEM;
    }
}

static void reg_free(TCGGen *g, int reg)
{
    TCGTemp *t = g->reg_to_temp[reg];
    if (t) {
        temp_save(g, t);
    }
}

/* A register from `want`, free ones first, else by eviction. */
static int reg_alloc(TCGGen *g, TCGRegSet want)
{
    want &= ~g->reserved;
    for (size_t i = 0; i < G_N_ELEMENTS(tcg_target_alloc_order); i++) {
        int r = tcg_target_alloc_order[i];
        if ((want & (1u << r)) && !g->reg_to_temp[r]) {
            return r;
        }
    }
    /* Evict the least recently used: always taking the first register in
     * the order threw out values the next instructions needed, and a long
     * block (sha256's rounds) then reloaded its guest registers from env
     * about three times as often as it had to. */
    int best = -1;
    for (size_t i = 0; i < G_N_ELEMENTS(tcg_target_alloc_order); i++) {
        int r = tcg_target_alloc_order[i];
        if ((want & (1u << r)) &&
            (best < 0 || g->reg_use[r] < g->reg_use[best])) {
            best = r;
        }
    }
    if (best >= 0) {
        reg_free(g, best);
        return best;
    }
    fprintf(stderr, "vemu: tcg: no register satisfies set 0x%x\n", want);
    abort();
}

/* Put t's value into register reg without changing where t lives. */
static void temp_copy_to(TCGGen *g, TCGTemp *t, int reg)
{
    switch (t->val_type) {
    case TEMP_VAL_REG:
        if (t->reg != reg) {
            tcg_out_mov(g, (TCGType)t->type, reg, t->reg);
        }
        break;
    case TEMP_VAL_CONST:
        tcg_out_movi(g, (TCGType)t->type, reg, t->val);
        break;
    case TEMP_VAL_MEM:
        tcg_out_ld(g, (TCGType)t->type, reg, temp_base_reg(t), t->mem_offset);
        break;
    default:
        /* Reading an EBB temp after a label, or an unwritten temp: the
         * value is undefined; any register content will do. */
        break;
    }
}

/*
 * Only a global held in a register can differ from its memory copy, and
 * every such global is reg_to_temp's entry for its register, so these
 * walk the registers rather than the globals: a fault point or block end
 * costs TCG_TARGET_NB_REGS checks instead of one per guest register.
 */
static void sync_globals(TCGGen *g)
{
    for (TCGRegSet m = g->used; m; m &= m - 1) {
        TCGTemp *t = g->reg_to_temp[__builtin_ctz(m)];
        if (t && t->kind == TEMP_GLOBAL) {
            temp_sync(g, t);
        }
    }
}

/*
 * At a guest access with lazy_fault: list the globals that only a
 * register holds (TCGGen.spills) instead of storing them, for the
 * backend's cold paths and fault map. The registers keep these values
 * until the access has completed: outputs are written by the access
 * itself or after it. False, with nothing listed, when the block's map
 * is full or an offset does not fit its encoding.
 */
static bool list_fault_spills(TCGGen *g)
{
    /* Two sites: an MO_TBI access may have a second one out of line. */
    if (g->nb_sites + g->nb_sites_later + 2 > TCG_MAX_FAULT_SITES) {
        return false;
    }
    uint32_t first = g->nb_spills, n = 0;
    for (TCGRegSet m = g->used; m; m &= m - 1) {
        int r = __builtin_ctz(m);
        const TCGTemp *t = g->reg_to_temp[r];
        if (!t || t->kind != TEMP_GLOBAL || t->mem_coherent) {
            continue;
        }
        if (first + n == TCG_MAX_FAULT_SPILLS || t->mem_offset < 0 ||
            t->mem_offset > TCG_SPILL_MAX_OFF) {
            return false;
        }
        g->spills[first + n++] = (t->type == TCG_TYPE_I64 ? TCG_SPILL_I64 : 0) |
                                 (uint32_t)r << 24 | (uint32_t)t->mem_offset;
    }
    g->spill_first = first;
    g->nb_spill = (uint16_t)n;
    g->nb_spills = first + n;
    g->fault_lazy = true;
    return true;
}

static void save_globals(TCGGen *g)
{
    for (TCGRegSet m = g->used; m; m &= m - 1) {
        TCGTemp *t = g->reg_to_temp[__builtin_ctz(m)];
        if (t && t->kind == TEMP_GLOBAL) {
            temp_save(g, t);
        }
    }
}

/* End of a basic block: everything that outlives it goes to memory and
 * all registers are forgotten, the state every label starts from. A TB
 * temp is in its frame slot at a label whatever the fall-through path
 * did with it (it may be dead there but live on a branch into the label),
 * so every TB temp gets a slot and is taken to be in it. */
static void bb_end(TCGGen *g)
{
    TCGContext *s = g->s;
    save_globals(g);
    for (uint32_t i = 0; i < g->nb_tb_temps; i++) {
        TCGTemp *t = &s->temps[g->tb_temps[i]];
        temp_save(g, t);
        if (!t->mem_allocated) {
            temp_allocate_frame(g, t);
        }
        t->val_type = TEMP_VAL_MEM;
        t->mem_coherent = true;
    }
    /* EBB temps end here; only those in registers hold anything. */
    for (TCGRegSet m = g->used; m; m &= m - 1) {
        TCGTemp *t = g->reg_to_temp[__builtin_ctz(m)];
        if (t && t->kind == TEMP_EBB) {
            temp_dead(g, t);
        }
    }
}

/* Before a conditional branch: memory current for the target, registers
 * kept for the fall-through path. */
static void bb_sync(TCGGen *g)
{
    sync_globals(g);
    for (uint32_t i = 0; i < g->nb_tb_temps; i++) {
        temp_sync(g, &g->s->temps[g->tb_temps[i]]);
    }
}

static void apply_output_life(TCGGen *g, const TCGOp *op, int k, TCGTemp *t)
{
    if (op->life & TCG_LIFE_SYNC(k)) {
        temp_sync(g, t);
    }
    if (op->life & TCG_LIFE_DEAD(k)) {
        temp_dead(g, t);
    }
}

/* Bind register reg as the new home of output t. */
static void set_output(TCGGen *g, TCGTemp *t, int reg)
{
    if (t->val_type == TEMP_VAL_REG && t->reg != reg) {
        reg_set(g, t->reg, NULL);
    }
    t->val_type = TEMP_VAL_REG;
    t->reg = reg;
    t->mem_coherent = false;
    reg_set(g, reg, t);
}

static void kill_dead_inputs(TCGGen *g, const TCGOp *op, int nb_o, int nb_i)
{
    for (int k = nb_o; k < nb_o + nb_i; k++) {
        if (op->life & TCG_LIFE_DEAD(k)) {
            temp_dead(g, &g->s->temps[op->args[k]]);
        }
    }
}

static void reg_alloc_mov(TCGGen *g, const TCGOp *op)
{
    TCGContext *s = g->s;
    TCGTemp *ot = &s->temps[op->args[0]];
    TCGTemp *it = &s->temps[op->args[1]];
    TCGType type = (TCGType)op->type;

    if (it->val_type == TEMP_VAL_REG && it->kind != TEMP_FIXED &&
        (op->life & TCG_LIFE_DEAD(1)) && ot != it) {
        /* Hand the register over instead of copying. */
        int reg = it->reg;
        temp_dead(g, it);
        set_output(g, ot, reg);
    } else if (ot == it) {
        /* Nothing to copy, but liveness may have put the write-back that
         * the value needs on this op. */
    } else {
        int reg;
        if (it->val_type == TEMP_VAL_REG || it->kind == TEMP_CONST) {
            TCGRegSet busy = it->val_type == TEMP_VAL_REG ? 1u << it->reg : 0;
            reg = ot->val_type == TEMP_VAL_REG && ot->reg != it->reg
                      ? ot->reg
                      : reg_alloc(g, TCG_TARGET_ALL_REGS & ~busy);
            reg_set(g, reg, ot); /* pin while copying */
            temp_copy_to(g, it, reg);
        } else if (it->kind == TEMP_GLOBAL && !(op->life & TCG_LIFE_DEAD(1)) &&
                   ot->val_type != TEMP_VAL_REG) {
            /* A global read again later: load it into a register of its
             * own and copy, rather than reloading it at its next use. */
            int ireg = reg_alloc(g, TCG_TARGET_ALL_REGS);
            temp_copy_to(g, it, ireg);
            it->val_type = TEMP_VAL_REG;
            it->reg = ireg;
            it->mem_coherent = true;
            reg_set(g, ireg, it);
            reg = reg_alloc(g, TCG_TARGET_ALL_REGS & ~(1u << ireg));
            reg_set(g, reg, ot);
            temp_copy_to(g, it, reg);
        } else {
            reg = ot->val_type == TEMP_VAL_REG
                      ? ot->reg
                      : reg_alloc(g, TCG_TARGET_ALL_REGS);
            reg_set(g, reg, ot);
            temp_copy_to(g, it, reg);
        }
        if (op->life & TCG_LIFE_DEAD(1)) {
            temp_dead(g, it);
        }
        set_output(g, ot, reg);
    }
    (void)type;
    apply_output_life(g, op, 0, ot);
}

static void reg_alloc_call(TCGGen *g, const TCGOp *op)
{
    TCGContext *s = g->s;
    const TCGHelperInfo *info = tcg_call_info(op);
    int nb_o = op->call_oargs, nb_i = op->call_iargs;
    TCGRegSet locked = 0;

    assert(nb_i <= (int)G_N_ELEMENTS(tcg_target_call_iarg_regs));
    for (int i = 0; i < nb_i; i++) {
        TCGTemp *t = &s->temps[op->args[nb_o + i]];
        int reg = tcg_target_call_iarg_regs[i];
        if (t->val_type == TEMP_VAL_REG && t->reg == reg) {
            locked |= 1u << reg;
            continue;
        }
        reg_free(g, reg);
        temp_copy_to(g, t, reg);
        locked |= 1u << reg;
    }
    kill_dead_inputs(g, op, nb_o, nb_i);

    /* Caller-saved registers do not survive the call. */
    for (TCGRegSet m = g->used & TCG_TARGET_CALL_CLOBBER; m; m &= m - 1) {
        TCGTemp *t = g->reg_to_temp[__builtin_ctz(m)];
        if (t) {
            temp_save(g, t);
        }
    }
    if (!(info->flags & TCG_CALL_NO_READ_GLOBALS)) {
        if (info->flags & TCG_CALL_NO_WRITE_GLOBALS) {
            sync_globals(g);
        } else {
            save_globals(g);
        }
    }
    tcg_out_call(g, info->func);

    if (nb_o) {
        TCGTemp *t = &s->temps[op->args[0]];
        int reg = TCG_TARGET_CALL_OARG_REG;
        if (info->ret_type == TCG_TYPE_I32) {
            /* The ABI leaves the upper half of an int result undefined. */
            tcg_out_mov(g, TCG_TYPE_I32, reg, reg);
        }
        set_output(g, t, reg);
        apply_output_life(g, op, 0, t);
    }
}

static bool single_reg(TCGRegSet set)
{
    return set && !(set & (set - 1));
}

static void reg_alloc_op(TCGGen *g, const TCGOp *op)
{
    TCGContext *s = g->s;
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int nb_o = def->nb_oargs, nb_i = def->nb_iargs, nb_c = def->nb_cargs;
    TCGOpConstraints ct;
    TCGArg args[TCG_MAX_OP_ARGS];
    bool const_args[TCG_MAX_OP_ARGS] = {false};
    TCGRegSet i_alloc = 0, o_alloc = 0, fixed_out;

    if (!tcg_target_constraints(op, &ct)) {
        fprintf(stderr, "vemu: tcg: x86-64 backend cannot emit %s\n",
                def->name);
        abort();
    }
    /* Registers pinned by the op (fixed inputs, fixed outputs, clobbers)
     * are kept away from inputs that may go anywhere. */
    fixed_out = ct.clobbers;
    for (int k = 0; k < nb_o + nb_i; k++) {
        if (ct.args[k].alias < 0 && single_reg(ct.args[k].regs)) {
            fixed_out |= ct.args[k].regs;
        }
    }

    for (int k = nb_o; k < nb_o + nb_i; k++) {
        TCGTemp *t = &s->temps[op->args[k]];
        TCGArgConstraint *ac = &ct.args[k];
        if (t->type == TCG_TYPE_V128) {
            vec_temp_prepare(g, t);
            args[k] = 0;
            continue;
        }
        if (t->kind == TEMP_CONST && ac->imm &&
            tcg_target_const_match(op, k, t->val)) {
            const_args[k] = true;
            args[k] = t->val;
            continue;
        }
        TCGRegSet want = ac->regs;
        if (!single_reg(want) && (want & ~fixed_out & ~g->reserved)) {
            want &= ~fixed_out;
        }
        int reg;
        if (t->kind == TEMP_FIXED && !single_reg(ac->regs)) {
            reg = t->reg;
        } else if (t->val_type == TEMP_VAL_REG && (want & (1u << t->reg))) {
            reg = t->reg;
        } else if (t->val_type == TEMP_VAL_REG || t->kind == TEMP_FIXED ||
                   t->kind == TEMP_CONST) {
            /* Copy into an anonymous register for this op only. */
            reg = reg_alloc(g, want & ~i_alloc);
            temp_copy_to(g, t, reg);
        } else {
            TCGRegSet avoid = i_alloc;
            reg = reg_alloc(g, want & ~avoid);
            temp_copy_to(g, t, reg);
            t->mem_coherent = t->val_type == TEMP_VAL_MEM;
            t->val_type = TEMP_VAL_REG;
            t->reg = reg;
            reg_set(g, reg, t);
        }
        i_alloc |= 1u << reg;
        g->reg_use[reg] = g->tick;
        args[k] = reg;
    }
    for (int k = nb_o + nb_i; k < nb_o + nb_i + nb_c; k++) {
        args[k] = op->args[k];
    }

    /* Values for a taken branch or a fault must be in memory first, or
     * for a guest access, be where its fault map says. */
    if (def->flags & TCG_OPF_COND_BRANCH) {
        bb_sync(g);
    } else if (def->flags & TCG_OPF_CAN_FAULT) {
        if (!tcg_lazy_fault_op(s, op) || !list_fault_spills(g)) {
            sync_globals(g);
        }
    }

    kill_dead_inputs(g, op, nb_o, nb_i);

    for (TCGRegSet c = ct.clobbers & g->used; c; c &= c - 1) {
        int r = __builtin_ctz(c);
        if (g->reg_to_temp[r]) {
            temp_save(g, g->reg_to_temp[r]);
        }
    }

    for (int k = 0; k < nb_o; k++) {
        TCGTemp *t = &s->temps[op->args[k]];
        TCGArgConstraint *ac = &ct.args[k];
        int reg;
        if (t->type == TCG_TYPE_V128) {
            vec_temp_prepare(g, t);
            args[k] = 0;
            continue;
        }
        if (ac->alias >= 0) {
            int ik = nb_o + ac->alias;
            int ireg = (int)args[ik];
            bool shared = false;
            for (int j = nb_o; j < nb_o + nb_i; j++) {
                if (j != ik && !const_args[j] && (int)args[j] == ireg) {
                    shared = true;
                }
            }
            TCGTemp *occ = g->reg_to_temp[ireg];
            bool reusable = !const_args[ik] && !shared &&
                            !(o_alloc & (1u << ireg)) &&
                            (ac->regs & (1u << ireg)) && ireg != TCG_AREG0 &&
                            (occ == NULL || occ == t);
            if (reusable && occ == t) {
                /* Output is the input's own temp, live past this op only
                 * as the output: fine to overwrite in place. */
                reusable = op->life & TCG_LIFE_DEAD(ik);
            }
            if (reusable) {
                reg = ireg;
            } else {
                /* Copy at the input's width: it may be wider than the op
                 * (extrh_i64_i32 reads the high half of an i64). */
                TCGType itype = (TCGType)s->temps[op->args[ik]].type;
                reg = reg_alloc(g, ac->regs & ~(i_alloc | o_alloc));
                if (const_args[ik]) {
                    tcg_out_movi(g, itype, reg, args[ik]);
                    const_args[ik] = false;
                } else {
                    tcg_out_mov(g, itype, reg, ireg);
                }
                args[ik] = reg;
            }
        } else if (ac->newreg) {
            reg = reg_alloc(g, ac->regs & ~(i_alloc | o_alloc));
        } else {
            reg = reg_alloc(g, ac->regs & ~o_alloc);
        }
        o_alloc |= 1u << reg;
        args[k] = reg;
        /* Whatever lived in reg is no longer there after the op. */
        if (g->reg_to_temp[reg] && g->reg_to_temp[reg] != t) {
            temp_save(g, g->reg_to_temp[reg]);
        }
        reg_set(g, reg, t); /* claim now so later outputs avoid it */
    }

    if (def->flags & TCG_OPF_BB_END) {
        if (!(def->flags & TCG_OPF_COND_BRANCH)) {
            bb_end(g);
        }
    }

    tcg_out_op(g, op, args, const_args);
    if (g->fault_lazy) {
        /* Globals that were kept only for this access's fault. */
        uint64_t dead = op->args[TCG_FAULT_DEAD_ARG];
        for (TCGRegSet m = g->used; dead && m; m &= m - 1) {
            TCGTemp *t = g->reg_to_temp[__builtin_ctz(m)];
            if (t && t->kind == TEMP_GLOBAL &&
                (dead >> (uint32_t)(t - s->temps) & 1)) {
                temp_dead(g, t);
            }
        }
        g->fault_lazy = false;
        g->nb_spill = 0;
    }

    for (int k = 0; k < nb_o; k++) {
        TCGTemp *t = &s->temps[op->args[k]];
        if (t->type == TCG_TYPE_V128) {
            /* Written in place: memory is the value. */
            t->val_type = TEMP_VAL_MEM;
            t->mem_coherent = true;
            continue;
        }
        reg_set(g, (int)args[k], NULL);
        set_output(g, t, (int)args[k]);
    }
    for (int k = 0; k < nb_o; k++) {
        apply_output_life(g, op, k, &s->temps[op->args[k]]);
    }
}

void tcg_label_add_reloc(TCGGen *g, uint32_t label, uint32_t where)
{
    TCGLabel *l = &g->s->labels[label];
    if (l->has_value) {
        tcg_patch_reloc(g, where, (uint32_t)l->value);
        return;
    }
    if (l->nb_relocs == l->relocs_cap) {
        l->relocs_cap = l->relocs_cap ? l->relocs_cap * 2 : 4;
        l->relocs = g_renew(uint32_t, l->relocs, l->relocs_cap);
    }
    l->relocs[l->nb_relocs++] = where;
}

static void label_bind(TCGGen *g, uint32_t label)
{
    TCGLabel *l = &g->s->labels[label];
    l->has_value = true;
    l->value = tcg_gen_offset(g);
    g->label_off = (uint32_t)l->value;
    for (uint32_t i = 0; i < l->nb_relocs; i++) {
        tcg_patch_reloc(g, l->relocs[i], (uint32_t)l->value);
    }
    l->nb_relocs = 0;
}

/* Where each kind of temp starts a block. A table rather than a switch:
 * every temp of every block passes here, in no predictable order of
 * kinds, and the switch's mispredicted jumps were a visible share of the
 * allocator's time. */
static const struct {
    TCGTempVal val_type;
    int8_t reg;
    bool mem_coherent, mem_allocated;
} temp_start[] = {
    [TEMP_EBB] = {TEMP_VAL_DEAD, -1, false, false},
    [TEMP_TB] = {TEMP_VAL_DEAD, -1, false, false},
    [TEMP_GLOBAL] = {TEMP_VAL_MEM, -1, true, true},
    [TEMP_FIXED] = {TEMP_VAL_REG, TCG_AREG0, false, false},
    [TEMP_CONST] = {TEMP_VAL_CONST, -1, false, false},
};

static void state_init(TCGGen *g)
{
    TCGContext *s = g->s;
    memset(g->reg_to_temp, 0, sizeof(g->reg_to_temp));
    g->used = 0;
    g->reserved = TCG_TARGET_RESERVED;
    g->frame_next = 0;
    g->tb_temps = tcg_scratch(s, s->nb_temps + 1);
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];
        TCGTempKind k = t->kind;
        t->val_type = temp_start[k].val_type;
        t->reg = temp_start[k].reg;
        t->mem_coherent = temp_start[k].mem_coherent;
        t->mem_allocated = temp_start[k].mem_allocated;
        g->tb_temps[n] = i;
        n += k == TEMP_TB;
    }
    g->nb_tb_temps = n;
}

/* Largest code a single op may emit; checked before each op. */
#define TCG_MAX_OP_CODE 1024

ptrdiff_t tcg_regalloc_gen_code(TCGGen *g)
{
    TCGContext *s = g->s;
    state_init(g);
    s->nb_insns = 0;
    s->nb_relocs = 0;
    s->relocs_lost = false;
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        s->labels[i].has_value = false;
        s->labels[i].nb_relocs = 0;
    }

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        g->tick = i;
        if (g->code_ptr + TCG_MAX_OP_CODE > g->code_end) {
            return -1;
        }
        switch (op->opc) {
        case INDEX_op_nop:
            break;
        case INDEX_op_insn_start:
            tcg_record_insn_start(s, op, tcg_gen_offset(g));
            break;
        case INDEX_op_set_label:
            bb_end(g);
            label_bind(g, (uint32_t)op->args[0]);
            break;
        case INDEX_op_mov:
            reg_alloc_mov(g, op);
            break;
        case INDEX_op_call:
            reg_alloc_call(g, op);
            break;
        default:
            reg_alloc_op(g, op);
            break;
        }
    }
    tcg_record_insn_end(s, tcg_gen_offset(g));
    s->frame_size = g->frame_next;
    if (g->code_ptr > g->code_end || !tcg_out_cold_paths(g)) {
        return -1;
    }
    return g->code_ptr - g->code_start;
}

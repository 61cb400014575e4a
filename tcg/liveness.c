/*
 * Liveness analysis and dead-code elimination: one backward pass over the
 * block that annotates each op's `life` (which temp arguments die at the op,
 * which outputs must be written back to memory) and removes ops whose
 * results are never used.
 *
 * The register allocator relies on this contract:
 *  - a global, or a TB temp, whose value is needed in memory later (at a
 *    basic-block boundary, before an op that can fault, before a helper that
 *    reads globals) has TCG_LIFE_SYNC set at the op that last wrote it, so
 *    memory is made current eagerly and boundaries need no stores;
 *  - a helper that may write globals kills every register copy of them;
 *  - EBB temps are dead at labels and exits.
 */
#include "tcg/tcg.h"

#include <assert.h>

#include <glib.h>

enum {
    TS_DEAD = 1, /* no later read of the value currently held */
    TS_MEM = 2,  /* the value must reach memory before the next sync point */
};

/* Block boundary. EBB temps need no reset: in a valid block they are
 * never live across a label or exit, so they are already dead here. */
static void la_reset(TCGContext *s, const uint32_t *tb_temps, uint32_t nb_tb,
                     unsigned global_state, unsigned tb_state)
{
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state = global_state;
        }
    }
    for (uint32_t i = 0; i < nb_tb; i++) {
        s->temps[tb_temps[i]].state = tb_state;
    }
}

/* Values crossing a conditional branch or a fault point must be in memory
 * there, but remain live for the code that follows. Only globals and TB
 * temps are visited (tb_temps lists the latter), so the pass stays linear
 * in practice however many EBB temps a block has. */
static void la_sync(TCGContext *s, const uint32_t *tb_temps, uint32_t nb_tb)
{
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state |= TS_MEM;
        }
    }
    for (uint32_t i = 0; i < nb_tb; i++) {
        s->temps[tb_temps[i]].state |= TS_MEM;
    }
}

/* A helper that may write globals: any register copy before it is dead,
 * and the current value must be in memory for the helper to see. */
static void la_globals_clobbered(TCGContext *s)
{
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state = TS_DEAD | TS_MEM;
        }
    }
}

static bool removable(const TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    if (op->opc == INDEX_op_call) {
        const TCGHelperInfo *info = tcg_call_info(op);
        return (info->flags & TCG_CALL_NO_SIDE_EFFECTS) &&
               !(info->flags & TCG_CALL_NO_RETURN) && op->call_oargs > 0;
    }
    return def->nb_oargs > 0 && !(def->flags & (TCG_OPF_SIDE_EFFECTS |
                                                TCG_OPF_BB_END | TCG_OPF_CALL));
}

void tcg_liveness(TCGContext *s)
{
    uint32_t *tb_temps = g_new(uint32_t, s->nb_temps + 1);
    uint32_t nb_tb = 0;
    for (uint32_t i = s->nb_globals; i < s->nb_temps; i++) {
        if (s->temps[i].kind == TEMP_TB) {
            tb_temps[nb_tb++] = i;
        }
    }

    /* At the end of the block globals are live in memory, locals dead. */
    for (uint32_t i = 0; i < s->nb_temps; i++) {
        s->temps[i].state = TS_DEAD;
    }
    la_reset(s, tb_temps, nb_tb, TS_DEAD | TS_MEM, TS_DEAD);

    for (int64_t i = (int64_t)s->nb_ops - 1; i >= 0; i--) {
        TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o = tcg_op_nb_oargs(op);
        int nb_i = tcg_op_nb_iargs(op);
        uint32_t life = 0;

        if (op->opc == INDEX_op_nop || op->opc == INDEX_op_insn_start) {
            continue;
        }
        if (op->opc == INDEX_op_set_label) {
            /* Control merges here with everything in memory. */
            la_reset(s, tb_temps, nb_tb, TS_DEAD | TS_MEM, TS_DEAD | TS_MEM);
            op->life = 0;
            continue;
        }

        /* Remove ops whose every output is dead. */
        if (removable(op)) {
            bool all_dead = true;
            for (int k = 0; k < nb_o; k++) {
                const TCGTemp *t = &s->temps[op->args[k]];
                if (!(t->state & TS_DEAD) || (t->state & TS_MEM)) {
                    all_dead = false;
                    break;
                }
            }
            if (all_dead) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        /* Outputs: record deaths and write-backs, then they are dead
         * before this op. */
        for (int k = 0; k < nb_o; k++) {
            TCGTemp *t = &s->temps[op->args[k]];
            if (t->state & TS_DEAD) {
                life |= TCG_LIFE_DEAD(k);
            }
            if (t->state & TS_MEM) {
                life |= TCG_LIFE_SYNC(k);
            }
            t->state = TS_DEAD;
        }

        /* Boundaries and effects on everything else. */
        if (def->flags & TCG_OPF_BB_EXIT) {
            la_reset(s, tb_temps, nb_tb, TS_DEAD | TS_MEM, TS_DEAD);
        } else if (op->opc == INDEX_op_br) {
            la_reset(s, tb_temps, nb_tb, TS_DEAD | TS_MEM, TS_DEAD | TS_MEM);
        } else if (def->flags & TCG_OPF_COND_BRANCH) {
            la_sync(s, tb_temps, nb_tb);
        } else if (op->opc == INDEX_op_call) {
            unsigned f = tcg_call_info(op)->flags;
            if (!(f & TCG_CALL_NO_READ_GLOBALS)) {
                if (f & TCG_CALL_NO_WRITE_GLOBALS) {
                    la_sync(s, NULL, 0);
                } else {
                    la_globals_clobbered(s);
                }
            }
        } else if (def->flags & TCG_OPF_CAN_FAULT) {
            la_sync(s, NULL, 0);
        }

        /* Inputs: last uses die here; all are live before. */
        for (int k = nb_o; k < nb_o + nb_i; k++) {
            TCGTemp *t = &s->temps[op->args[k]];
            if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
                continue;
            }
            if (t->state & TS_DEAD) {
                life |= TCG_LIFE_DEAD(k);
            }
        }
        for (int k = nb_o; k < nb_o + nb_i; k++) {
            TCGTemp *t = &s->temps[op->args[k]];
            if (t->kind != TEMP_CONST && t->kind != TEMP_FIXED) {
                t->state &= ~TS_DEAD;
            }
        }
        op->life = life;
    }
    g_free(tb_temps);
}

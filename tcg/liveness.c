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
 *  - with s->lazy_fault, guest loads and stores are not such points: every
 *    global is live there (a fault must recover it) but may stay in a
 *    register, whose place the backend records for its fault handler;
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

/*
 * The state of globals lives in two bitsets (one bit per global index)
 * rather than in their TCGTemps: boundaries, fault points and helper
 * calls, which reach every global, then cost a word store per 64 globals
 * instead of a walk over all of them (about 40 for aarch64 at every load
 * and store). Bits of indexes that are not TEMP_GLOBAL (env) are never
 * read: such temps are neither written nor tracked as inputs.
 */
_Static_assert(TEMP_CONST > TEMP_FIXED && TEMP_GLOBAL < TEMP_FIXED &&
                   TEMP_TB < TEMP_FIXED && TEMP_EBB < TEMP_FIXED,
               "untracked kinds sort last");

typedef struct LiveState {
    TCGContext *s;
    uint32_t nb_globals, words;
    uint64_t *dead, *mem;
    const uint32_t *tb_temps;
    uint32_t nb_tb;
} LiveState;

static unsigned st_get(const LiveState *ls, TCGArg i)
{
    if (i < ls->nb_globals) {
        uint64_t bit = 1ull << (i & 63);
        return ((ls->dead[i / 64] & bit) ? TS_DEAD : 0) |
               ((ls->mem[i / 64] & bit) ? TS_MEM : 0);
    }
    return ls->s->temps[i].state;
}

static void st_set(LiveState *ls, TCGArg i, unsigned v)
{
    if (i < ls->nb_globals) {
        uint64_t bit = 1ull << (i & 63);
        ls->dead[i / 64] = (v & TS_DEAD) ? ls->dead[i / 64] | bit
                                         : ls->dead[i / 64] & ~bit;
        ls->mem[i / 64] = (v & TS_MEM) ? ls->mem[i / 64] | bit
                                       : ls->mem[i / 64] & ~bit;
        return;
    }
    ls->s->temps[i].state = v;
}

/* Block boundary: globals dead in registers and current in memory. EBB
 * temps need no reset: in a valid block they are never live across a
 * label or exit, so they are already dead here. */
static void la_reset(LiveState *ls, unsigned tb_state)
{
    for (uint32_t w = 0; w < ls->words; w++) {
        ls->dead[w] = ls->mem[w] = ~0ull;
    }
    for (uint32_t i = 0; i < ls->nb_tb; i++) {
        ls->s->temps[ls->tb_temps[i]].state = tb_state;
    }
}

/* Values crossing a conditional branch or a fault point must be in memory
 * there, but remain live for the code that follows. Only globals and,
 * when with_tb, TB temps are visited (tb_temps lists the latter), so the
 * pass stays linear in practice however many EBB temps a block has. */
static void la_sync(LiveState *ls, bool with_tb)
{
    for (uint32_t w = 0; w < ls->words; w++) {
        ls->mem[w] = ~0ull;
    }
    for (uint32_t i = 0; with_tb && i < ls->nb_tb; i++) {
        ls->s->temps[ls->tb_temps[i]].state |= TS_MEM;
    }
}

/* A guest access with lazy_fault: each global's current value is needed
 * if the access faults, in a register or in memory. Those dead after it
 * (dead_after: the state before its outputs were processed, which do not
 * count) die at it: op gets them for the register allocator. */
static void la_fault_live(LiveState *ls, TCGOp *op, uint64_t dead_after)
{
    for (int k = 0; k < tcg_op_nb_oargs(op); k++) {
        if (op->args[k] < 64) {
            dead_after &= ~(1ull << op->args[k]);
        }
    }
    op->args[TCG_FAULT_DEAD_ARG] = dead_after;
    ls->dead[0] = 0;
}

/* A helper that may write globals: any register copy before it is dead,
 * and the current value must be in memory for the helper to see. */
static void la_globals_clobbered(LiveState *ls)
{
    for (uint32_t w = 0; w < ls->words; w++) {
        ls->dead[w] = ls->mem[w] = ~0ull;
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
    uint32_t *tb_temps = tcg_scratch(s, s->nb_temps + 1);
    uint32_t nb_tb = 0;
    /* At the end of the block globals are live in memory, locals dead. */
    for (uint32_t i = s->nb_globals; i < s->nb_temps; i++) {
        s->temps[i].state = TS_DEAD;
        if (s->temps[i].kind == TEMP_TB) {
            tb_temps[nb_tb++] = i;
        }
    }
    uint64_t small[2][4];
    LiveState ls = {
        .s = s,
        .nb_globals = s->nb_globals,
        .words = (s->nb_globals + 63) / 64,
        .tb_temps = tb_temps,
        .nb_tb = nb_tb,
    };
    if (ls.words <= G_N_ELEMENTS(small[0])) {
        ls.dead = small[0];
        ls.mem = small[1];
    } else {
        ls.dead = g_new(uint64_t, ls.words);
        ls.mem = g_new(uint64_t, ls.words);
    }

    la_reset(&ls, TS_DEAD);

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
            la_reset(&ls, TS_DEAD | TS_MEM);
            op->life = 0;
            continue;
        }

        /* Remove ops whose every output is dead. */
        if (removable(op)) {
            bool all_dead = true;
            for (int k = 0; k < nb_o; k++) {
                unsigned st = st_get(&ls, op->args[k]);
                if (!(st & TS_DEAD) || (st & TS_MEM)) {
                    all_dead = false;
                    break;
                }
            }
            if (all_dead) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        uint64_t dead_after = ls.dead[0];
        /* Outputs: record deaths and write-backs, then they are dead
         * before this op. */
        for (int k = 0; k < nb_o; k++) {
            unsigned st = st_get(&ls, op->args[k]);
            if (st & TS_DEAD) {
                life |= TCG_LIFE_DEAD(k);
            }
            if (st & TS_MEM) {
                life |= TCG_LIFE_SYNC(k);
            }
            st_set(&ls, op->args[k], TS_DEAD);
        }

        /* Boundaries and effects on everything else. */
        if (def->flags & TCG_OPF_BB_EXIT) {
            la_reset(&ls, TS_DEAD);
        } else if (op->opc == INDEX_op_br) {
            la_reset(&ls, TS_DEAD | TS_MEM);
        } else if (def->flags & TCG_OPF_COND_BRANCH) {
            la_sync(&ls, true);
        } else if (op->opc == INDEX_op_call) {
            unsigned f = tcg_call_info(op)->flags;
            if (!(f & TCG_CALL_NO_READ_GLOBALS)) {
                if (f & TCG_CALL_NO_WRITE_GLOBALS) {
                    la_sync(&ls, false);
                } else {
                    la_globals_clobbered(&ls);
                }
            }
        } else if (def->flags & TCG_OPF_CAN_FAULT) {
            if (tcg_lazy_fault_op(s, op)) {
                la_fault_live(&ls, op, dead_after);
            } else {
                la_sync(&ls, false);
            }
        }

        /* Inputs: last uses die here; all are live before. Every input
         * is judged before any is revived, so a temp read twice dies at
         * both; `tracked` remembers which the second walk revives. */
        uint32_t tracked = 0;
        for (int k = nb_o; k < nb_o + nb_i; k++) {
            TCGArg a = op->args[k];
            if (s->temps[a].kind >= TEMP_FIXED) {
                continue; /* fixed and constant temps are not tracked */
            }
            tracked |= 1u << k;
            if (st_get(&ls, a) & TS_DEAD) {
                life |= TCG_LIFE_DEAD(k);
            }
        }
        for (; tracked; tracked &= tracked - 1) {
            TCGArg a = op->args[__builtin_ctz(tracked)];
            if (a < ls.nb_globals) {
                ls.dead[a / 64] &= ~(1ull << (a & 63));
            } else {
                s->temps[a].state &= ~TS_DEAD;
            }
        }
        op->life = life;
    }
    if (ls.dead != small[0]) {
        g_free(ls.dead);
        g_free(ls.mem);
    }
}

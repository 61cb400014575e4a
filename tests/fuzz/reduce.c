/*
 * Greedy test-case reduction of a recorded IR program. The program is
 * recorded once into a private context; candidates are replayed by
 * re-creating the same temps in the same order (so temp indexes in the
 * recorded op arguments stay valid) and copying the ops, with some ops
 * dropped or replaced by "out = 0" for each output.
 *
 * What stays valid under reduction:
 *  - an op writing an EBB or TB temp is replaced by a zero store rather
 *    than dropped, so no temp is read unwritten; the zero store itself is
 *    dropped once no remaining op reads the temp;
 *  - block exits, writes to pc, loop counters (temps tested by a backward
 *    branch) and goto_ptr targets are never touched, so every candidate
 *    still terminates and exits cleanly; a label goes only once no branch
 *    to it is left.
 */
#include "reduce.h"

#include <stdlib.h>
#include <string.h>

/* What replaces each recorded op: itself, "out = in0" (ops with one
 * output whose first input has its type), "out = 0" per output, or
 * nothing. */
enum { KEEP, COPY, ZERO, DROP };

typedef struct Recording {
    uint32_t first_temp, nb_temps;
    TCGTemp *temps;
    uint32_t nb_labels;
    uint32_t nb_ops;
    TCGOp *ops;
    uint8_t *state;
} Recording;

static void record(Recording *rec, IrGenFn gen, void *opaque)
{
    TCGContext s;
    irrun_context_init(&s);
    gen(&s, opaque);
    rec->first_temp = s.nb_globals;
    rec->nb_temps = s.nb_temps;
    rec->temps = malloc(sizeof(TCGTemp) * s.nb_temps);
    memcpy(rec->temps, s.temps, sizeof(TCGTemp) * s.nb_temps);
    rec->nb_labels = s.nb_labels;
    rec->nb_ops = s.nb_ops;
    rec->ops = malloc(sizeof(TCGOp) * s.nb_ops);
    memcpy(rec->ops, s.ops, sizeof(TCGOp) * s.nb_ops);
    rec->state = calloc(s.nb_ops, 1);
    tcg_context_free(&s);
}

static void replay_gen(TCGContext *s, void *opaque)
{
    const Recording *rec = opaque;
    for (uint32_t i = rec->first_temp; i < rec->nb_temps; i++) {
        const TCGTemp *t = &rec->temps[i];
        uint32_t idx = t->kind == TEMP_CONST
                           ? tcg_constant(s, t->type, t->val)
                           : tcg_temp_new(s, t->type, t->kind);
        if (idx != i) {
            fprintf(stderr, "reduce: temp %u replayed as %u\n", i, idx);
            abort();
        }
    }
    for (uint32_t i = 0; i < rec->nb_labels; i++) {
        tcg_label_new(s);
    }
    for (uint32_t i = 0; i < rec->nb_ops; i++) {
        const TCGOp *op = &rec->ops[i];
        if (rec->state[i] == DROP) {
            continue;
        }
        if (rec->state[i] == COPY) {
            TCGType ty = s->temps[op->args[0]].type;
            tcg_gen_mov(s, ty, (TCGv)op->args[0], (TCGv)op->args[1]);
            continue;
        }
        if (rec->state[i] == ZERO) {
            for (int j = 0; j < tcg_op_nb_oargs(op); j++) {
                TCGType ty = s->temps[op->args[j]].type;
                tcg_gen_mov(s, ty, (TCGv)op->args[j], tcg_constant(s, ty, 0));
            }
            continue;
        }
        TCGOp *n = tcg_emit_op(s, (TCGOpcode)op->opc, (TCGType)op->type);
        uint32_t life = 0;
        memcpy(n, op, sizeof(*n));
        n->life = life;
        if (op->opc == INDEX_op_br) {
            s->labels[op->args[0]].refs++;
        } else if (op->opc == INDEX_op_brcond) {
            s->labels[op->args[3]].refs++;
        }
    }
}

/* Ops the reducer must leave alone (see the file comment). */
static void find_fixed(const Recording *rec, bool *fixed)
{
    bool *protect = calloc(rec->nb_temps + 1, 1);
    uint32_t *label_pos = calloc(rec->nb_labels + 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < rec->nb_ops; i++) {
        if (rec->ops[i].opc == INDEX_op_set_label) {
            label_pos[rec->ops[i].args[0]] = i;
        }
    }
    protect[ir_pc] = true;
    for (uint32_t i = 0; i < rec->nb_ops; i++) {
        const TCGOp *op = &rec->ops[i];
        if (op->opc == INDEX_op_brcond && label_pos[op->args[3]] < i) {
            protect[op->args[0]] = true;
            protect[op->args[1]] = true;
        }
        if (op->opc == INDEX_op_goto_ptr) {
            protect[op->args[0]] = true;
        }
    }
    for (uint32_t i = 0; i < rec->nb_ops; i++) {
        const TCGOp *op = &rec->ops[i];
        const TCGOpDef *d = &tcg_op_defs[op->opc];
        fixed[i] = (d->flags & TCG_OPF_BB_EXIT) != 0;
        for (int j = 0; j < tcg_op_nb_oargs(op); j++) {
            fixed[i] |= protect[op->args[j]];
        }
    }
    free(protect);
    free(label_pos);
}

/* Whether a branch still kept targets label l. */
static bool label_used(const Recording *rec, TCGArg l)
{
    for (uint32_t i = 0; i < rec->nb_ops; i++) {
        const TCGOp *o = &rec->ops[i];
        if (rec->state[i] != KEEP) {
            continue;
        }
        if ((o->opc == INDEX_op_br && o->args[0] == l) ||
            (o->opc == INDEX_op_brcond && o->args[3] == l)) {
            return true;
        }
    }
    return false;
}

/* Whether op writes a temp that some op still kept reads. */
static bool writes_needed_temp(const Recording *rec, const TCGOp *op)
{
    for (int j = 0; j < tcg_op_nb_oargs(op); j++) {
        TCGArg t = op->args[j];
        TCGTempKind k = rec->temps[t].kind;
        if (k != TEMP_EBB && k != TEMP_TB) {
            continue;
        }
        for (uint32_t i = 0; i < rec->nb_ops; i++) {
            const TCGOp *o = &rec->ops[i];
            if (rec->state[i] == ZERO || rec->state[i] == DROP) {
                continue;
            }
            int no = tcg_op_nb_oargs(o), ni = tcg_op_nb_iargs(o);
            if (rec->state[i] == COPY) {
                ni = 1;
            }
            for (int a = no; a < no + ni; a++) {
                if (o->args[a] == t) {
                    return true;
                }
            }
        }
    }
    return false;
}

static bool can_copy(const Recording *rec, const TCGOp *op)
{
    if (op->opc == INDEX_op_call || tcg_op_nb_oargs(op) != 1 ||
        tcg_op_nb_iargs(op) < 1) {
        return false;
    }
    return rec->temps[op->args[0]].type == rec->temps[op->args[1]].type;
}

int fuzz_reduce(IrGenFn gen, void *opaque, ReduceCheck check, void *ctx,
                FILE *out)
{
    Recording rec;
    record(&rec, gen, opaque);
    if (!check(replay_gen, &rec, ctx, false)) {
        fprintf(out, "reduce: the recorded program does not fail; giving "
                     "up\n");
        return -1;
    }
    bool *fixed = calloc(rec.nb_ops, 1);
    find_fixed(&rec, fixed);
    bool changed = true;
    int tries = 0;
    while (changed) {
        changed = false;
        for (uint32_t i = rec.nb_ops; i-- > 0;) {
            const TCGOp *op = &rec.ops[i];
            if (fixed[i] || rec.state[i] == DROP) {
                continue;
            }
            uint8_t old = rec.state[i];
            /* Try the strongest simplification that keeps the failure. */
            uint8_t cands[3];
            int nc = 0;
            if (op->opc == INDEX_op_set_label) {
                if (!label_used(&rec, op->args[0])) {
                    cands[nc++] = DROP;
                }
            } else if (!writes_needed_temp(&rec, op)) {
                cands[nc++] = DROP;
            }
            if (op->opc == INDEX_op_set_label) {
                /* nothing else to try */
            } else if (old < COPY && can_copy(&rec, op)) {
                cands[nc++] = COPY;
            }
            if (old < ZERO && op->opc != INDEX_op_set_label &&
                tcg_op_nb_oargs(op) > 0) {
                cands[nc++] = ZERO;
            }
            for (int c = 0; c < nc; c++) {
                if (cands[c] == old) {
                    break;
                }
                rec.state[i] = cands[c];
                tries++;
                if (check(replay_gen, &rec, ctx, false)) {
                    changed = true;
                    break;
                }
                rec.state[i] = old;
            }
        }
    }
    int left = 0;
    for (uint32_t i = 0; i < rec.nb_ops; i++) {
        left += rec.state[i] == KEEP && rec.ops[i].opc != INDEX_op_nop;
    }
    fprintf(out, "reduce: %d ops of %u left after %d tries; reduced IR:\n",
            left, rec.nb_ops, tries);
    irrun_dump(out, replay_gen, &rec, 0);
    fprintf(out, "reduced IR after liveness alone:\n");
    irrun_dump(out, replay_gen, &rec, IRRUN_DUMP_LIVENESS);
    fprintf(out, "reduced IR after optimize+liveness:\n");
    irrun_dump(out, replay_gen, &rec, IRRUN_DUMP_PASSES);
    check(replay_gen, &rec, ctx, true);
    free(fixed);
    free(rec.temps);
    free(rec.ops);
    free(rec.state);
    return left;
}

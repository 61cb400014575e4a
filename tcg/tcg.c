/*
 * The IR container: op definitions generated from tcg/ops.def, temp and
 * label allocation, op emission and the textual dump used by -d op/op_opt.
 * Everything here is per-context and allocation-light: arrays grow
 * geometrically and are reused across blocks by tcg_func_start.
 */
#include "tcg/tcg.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, o, i, c, f) [INDEX_op_##n] = {#n, o, i, c, f},
#include "tcg/ops.def"
#undef DEF
};

_Static_assert(NB_OPS < 65536, "opcode must fit TCGOp.opc");

/* Constant interning: open addressing over temp indexes, keyed by value. */
typedef struct ConstTable {
    uint32_t cap, used;
    uint32_t *slot; /* temp index + 1, 0 = empty */
} ConstTable;

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elt)
{
    if (need <= *cap) {
        return p;
    }
    uint32_t n = *cap ? *cap : 64;
    while (n < need) {
        n *= 2;
    }
    p = g_realloc(p, (size_t)n * elt);
    memset((char *)p + (size_t)*cap * elt, 0, (size_t)(n - *cap) * elt);
    *cap = n;
    return p;
}

/* Room kept in front of ops[0] by tcg_func_start. */
#define OPS_HEAD_ROOM 4

/* Make room for n more ops after the last one. */
static void ops_reserve(TCGContext *s, uint32_t n)
{
    uint32_t need = s->ops_head + s->nb_ops + n;
    if (need > s->ops_cap) {
        uint32_t cap = s->ops_cap ? s->ops_cap : 64;
        while (cap < need) {
            cap *= 2;
        }
        /* Slots are initialised when an op is emitted there. */
        s->ops_base = g_renew(TCGOp, s->ops_base, cap);
        s->ops_cap = cap;
    }
    s->ops = s->ops_base + s->ops_head;
}

void tcg_context_init(TCGContext *s)
{
    memset(s, 0, sizeof(*s));
    s->optimize = true;
    s->relocs = g_new(TCGCodeReloc, TCG_MAX_CODE_RELOCS);
    for (int i = 0; i < 2; i++) {
        s->const_table[i] = g_new0(ConstTable, 1);
    }
    /* env: always the first temp, fixed in the backend's env register. */
    s->env_temp = tcg_temp_new(s, TCG_TYPE_I64, TEMP_FIXED);
    s->temps[s->env_temp].name = "env";
    s->nb_globals = s->nb_temps;
}

void tcg_context_free(TCGContext *s)
{
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        g_free(s->labels[i].relocs);
    }
    for (int i = 0; i < 2; i++) {
        ConstTable *ct = s->const_table[i];
        g_free(ct->slot);
        g_free(ct);
    }
    g_free(s->temps);
    g_free(s->ops_base);
    g_free(s->labels);
    g_free(s->insn_end_off);
    g_free(s->insn_data);
    g_free(s->relocs);
    g_free(s->scratch);
    memset(s, 0, sizeof(*s));
}

void tcg_func_start(TCGContext *s)
{
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->ops_head = OPS_HEAD_ROOM;
    ops_reserve(s, 0);
    for (uint32_t i = 0; i < s->nb_labels; i++) {
        s->labels[i].nb_relocs = 0;
    }
    s->nb_labels = 0;
    s->nb_insns = 0;
    s->frame_size = 0;
    for (int i = 0; i < 2; i++) {
        ConstTable *ct = s->const_table[i];
        if (ct->used) {
            memset(ct->slot, 0, ct->cap * sizeof(uint32_t));
            ct->used = 0;
        }
    }
}

uint32_t *tcg_scratch(TCGContext *s, uint32_t n)
{
    if (n > s->scratch_cap) {
        uint32_t cap = s->scratch_cap ? s->scratch_cap : 256;
        while (cap < n) {
            cap *= 2;
        }
        g_free(s->scratch);
        s->scratch = g_new(uint32_t, cap);
        s->scratch_cap = cap;
    }
    return s->scratch;
}

uint32_t tcg_temp_new(TCGContext *s, TCGType type, TCGTempKind kind)
{
    s->temps = grow(s->temps, &s->temps_cap, s->nb_temps + 1, sizeof(TCGTemp));
    uint32_t idx = s->nb_temps++;
    TCGTemp *t = &s->temps[idx];
    memset(t, 0, sizeof(*t));
    t->type = type;
    t->kind = kind;
    t->reg = -1;
    return idx;
}

uint32_t tcg_global_mem_new(TCGContext *s, TCGType type, intptr_t offset,
                            const char *name)
{
    /* Globals must precede every per-block temp. */
    assert(s->nb_temps == s->nb_globals && "globals are created first");
    /* Vectors are reached through ld_vec/st_vec at env offsets instead:
     * no pass or backend keeps a v128 value in a register across ops. */
    assert(type != TCG_TYPE_V128 && "no v128 globals");
    uint32_t idx = tcg_temp_new(s, type, TEMP_GLOBAL);
    s->temps[idx].mem_offset = offset;
    s->temps[idx].name = name;
    s->nb_globals = s->nb_temps;
    return idx;
}

static uint32_t hash_u64(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return (uint32_t)v;
}

uint32_t tcg_constant(TCGContext *s, TCGType type, uint64_t val)
{
    assert(type == TCG_TYPE_I32 || type == TCG_TYPE_I64);
    val &= tcg_type_mask(type);
    ConstTable *ct = s->const_table[type];
    if (ct->used * 2 >= ct->cap) {
        /* Rehash into a table twice the size. */
        uint32_t ncap = ct->cap ? ct->cap * 2 : 64;
        uint32_t *ns = g_new0(uint32_t, ncap);
        for (uint32_t i = 0; i < ct->cap; i++) {
            if (ct->slot[i]) {
                uint32_t h = hash_u64(s->temps[ct->slot[i] - 1].val);
                while (ns[h & (ncap - 1)]) {
                    h++;
                }
                ns[h & (ncap - 1)] = ct->slot[i];
            }
        }
        g_free(ct->slot);
        ct->slot = ns;
        ct->cap = ncap;
    }
    uint32_t h = hash_u64(val);
    for (;; h++) {
        uint32_t *sl = &ct->slot[h & (ct->cap - 1)];
        if (!*sl) {
            uint32_t idx = tcg_temp_new(s, type, TEMP_CONST);
            s->temps[idx].val = val;
            s->temps[idx].val_type = TEMP_VAL_CONST;
            *sl = idx + 1;
            ct->used++;
            return idx;
        }
        if (s->temps[*sl - 1].val == val) {
            return *sl - 1;
        }
    }
}

uint32_t tcg_label_new(TCGContext *s)
{
    s->labels =
        grow(s->labels, &s->labels_cap, s->nb_labels + 1, sizeof(TCGLabel));
    TCGLabel *l = &s->labels[s->nb_labels];
    uint32_t *relocs = l->relocs;
    uint32_t cap = l->relocs_cap;
    memset(l, 0, sizeof(*l));
    l->relocs = relocs; /* keep the reloc array across blocks */
    l->relocs_cap = cap;
    return s->nb_labels++;
}

/*
 * A blank op. Field by field rather than a memset: GCC expands a 96-byte
 * memset as rep stosq, whose start-up cost was most of the time spent
 * emitting an op; these stores become a handful of vector moves.
 */
static inline void op_init(TCGOp *op, TCGOpcode opc, TCGType type)
{
    _Static_assert(TCG_MAX_OP_ARGS == 10, "op_init clears ten args");
    op->opc = opc;
    op->type = type;
    op->call_oargs = 0;
    op->call_iargs = 0;
    op->life = 0;
    op->args[0] = 0;
    op->args[1] = 0;
    op->args[2] = 0;
    op->args[3] = 0;
    op->args[4] = 0;
    op->args[5] = 0;
    op->args[6] = 0;
    op->args[7] = 0;
    op->args[8] = 0;
    op->args[9] = 0;
}

TCGOp *tcg_emit_op(TCGContext *s, TCGOpcode opc, TCGType type)
{
    ops_reserve(s, 1);
    TCGOp *op = &s->ops[s->nb_ops++];
    /* Only vector ops take v128, and they take nothing else: the integer
     * mov in particular would put a v128 in a host integer register. */
    assert(((tcg_op_defs[opc].flags & TCG_OPF_VECTOR) != 0) ==
           (type == TCG_TYPE_V128));
    op_init(op, opc, type);
    return op;
}

TCGOp *tcg_op_insert_before(TCGContext *s, uint32_t pos, TCGOpcode opc,
                            TCGType type)
{
    assert(pos <= s->nb_ops);
    if (s->ops_head > 0 && pos <= s->nb_ops - pos) {
        /* Move the ops before pos one slot towards the front. */
        memmove(&s->ops[-1], &s->ops[0], pos * sizeof(TCGOp));
        s->ops_head--;
        s->ops--;
    } else {
        ops_reserve(s, 1);
        memmove(&s->ops[pos + 1], &s->ops[pos],
                (s->nb_ops - pos) * sizeof(TCGOp));
    }
    s->nb_ops++;
    TCGOp *op = &s->ops[pos];
    op_init(op, opc, type);
    return op;
}

void tcg_record_insn_end(TCGContext *s, uint32_t code_off)
{
    if (s->nb_insns) {
        s->insn_end_off[s->nb_insns - 1] = code_off;
    }
}

uint32_t tcg_record_insn_start(TCGContext *s, const TCGOp *op,
                               uint32_t code_off)
{
    tcg_record_insn_end(s, code_off);
    if (s->nb_insns == s->insn_end_cap) {
        s->insn_end_cap = s->insn_end_cap ? s->insn_end_cap * 2 : 64;
        s->insn_end_off = g_renew(uint32_t, s->insn_end_off, s->insn_end_cap);
        s->insn_data = g_renew(uint64_t, s->insn_data,
                               (size_t)s->insn_end_cap * TCG_INSN_START_WORDS);
    }
    for (int i = 0; i < TCG_INSN_START_WORDS; i++) {
        s->insn_data[s->nb_insns * TCG_INSN_START_WORDS + i] = op->args[i];
    }
    return s->nb_insns++;
}

void tcg_op_remove(TCGContext *s, TCGOp *op)
{
    if (op->opc == INDEX_op_br) {
        s->labels[op->args[0]].refs--;
    } else if (op->opc == INDEX_op_brcond) {
        s->labels[op->args[3]].refs--;
    }
    op_init(op, INDEX_op_nop, TCG_TYPE_I32);
}

static const char *const cond_names[TCG_COND_COUNT] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq",       [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt",       [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",       [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu",     [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu",     [TCG_COND_GTU] = "gtu",
};

const char *tcg_cond_name(TCGCond c)
{
    return (unsigned)c < TCG_COND_COUNT ? cond_names[c] : "?";
}

TCGCond tcg_invert_cond(TCGCond c)
{
    static const TCGCond inv[TCG_COND_COUNT] = {
        [TCG_COND_NEVER] = TCG_COND_ALWAYS, [TCG_COND_ALWAYS] = TCG_COND_NEVER,
        [TCG_COND_EQ] = TCG_COND_NE,        [TCG_COND_NE] = TCG_COND_EQ,
        [TCG_COND_LT] = TCG_COND_GE,        [TCG_COND_GE] = TCG_COND_LT,
        [TCG_COND_LE] = TCG_COND_GT,        [TCG_COND_GT] = TCG_COND_LE,
        [TCG_COND_LTU] = TCG_COND_GEU,      [TCG_COND_GEU] = TCG_COND_LTU,
        [TCG_COND_LEU] = TCG_COND_GTU,      [TCG_COND_GTU] = TCG_COND_LEU,
    };
    return inv[c];
}

TCGCond tcg_swap_cond(TCGCond c)
{
    static const TCGCond sw[TCG_COND_COUNT] = {
        [TCG_COND_NEVER] = TCG_COND_NEVER, [TCG_COND_ALWAYS] = TCG_COND_ALWAYS,
        [TCG_COND_EQ] = TCG_COND_EQ,       [TCG_COND_NE] = TCG_COND_NE,
        [TCG_COND_LT] = TCG_COND_GT,       [TCG_COND_GE] = TCG_COND_LE,
        [TCG_COND_LE] = TCG_COND_GE,       [TCG_COND_GT] = TCG_COND_LT,
        [TCG_COND_LTU] = TCG_COND_GTU,     [TCG_COND_GEU] = TCG_COND_LEU,
        [TCG_COND_LEU] = TCG_COND_GEU,     [TCG_COND_GTU] = TCG_COND_LTU,
    };
    return sw[c];
}

bool tcg_eval_cond(TCGType type, TCGCond c, uint64_t a, uint64_t b)
{
    int64_t sa, sb;
    if (type == TCG_TYPE_I32) {
        a &= 0xffffffffu;
        b &= 0xffffffffu;
        sa = (int32_t)a;
        sb = (int32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
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
        return sa < sb;
    case TCG_COND_GE:
        return sa >= sb;
    case TCG_COND_LE:
        return sa <= sb;
    case TCG_COND_GT:
        return sa > sb;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    case TCG_COND_GTU:
        return a > b;
    default:
        assert(!"bad condition");
        return false;
    }
}

static void dump_temp(TCGContext *s, FILE *f, TCGArg a)
{
    if (a >= s->nb_temps) {
        fprintf(f, "<bad temp %" PRIu64 ">", a);
        return;
    }
    const TCGTemp *t = &s->temps[a];
    switch (t->kind) {
    case TEMP_CONST:
        fprintf(f, "$0x%" PRIx64, t->val);
        break;
    case TEMP_GLOBAL:
    case TEMP_FIXED:
        fputs(t->name ? t->name : "glob", f);
        break;
    case TEMP_TB:
        fprintf(f, "%sloc%u", t->type == TCG_TYPE_V128 ? "v" : "", (unsigned)a);
        break;
    default:
        fprintf(f, "%stmp%u", t->type == TCG_TYPE_V128 ? "v" : "", (unsigned)a);
        break;
    }
}

/* The vector ops whose constant is an element size. */
static bool op_has_vece(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_dup_vec:
    case INDEX_op_add_vec:
    case INDEX_op_sub_vec:
    case INDEX_op_cmpeq_vec:
    case INDEX_op_smin_vec:
    case INDEX_op_smax_vec:
    case INDEX_op_umin_vec:
    case INDEX_op_umax_vec:
        return true;
    default:
        return false;
    }
}

void tcg_dump_ops(TCGContext *s, FILE *f, bool with_life)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        if (op->opc == INDEX_op_nop) {
            continue;
        }
        if (op->opc == INDEX_op_insn_start) {
            fprintf(f, " ---- %016" PRIx64 " %016" PRIx64 "\n", op->args[0],
                    op->args[1]);
            continue;
        }
        int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        int nc = tcg_op_nb_cargs(op);
        if (op->opc == INDEX_op_call) {
            fprintf(f, " call %s", tcg_call_info(op)->name);
        } else if (def->flags & TCG_OPF_INT) {
            fprintf(f, " %s_i%d", def->name, tcg_type_bits(op->type));
        } else {
            fprintf(f, " %s", def->name);
        }
        int k = 0;
        for (int j = 0; j < no + ni; j++, k++) {
            fputs(k ? "," : " ", f);
            dump_temp(s, f, op->args[j]);
        }
        if (op->opc == INDEX_op_call) {
            nc = 0;
        }
        for (int j = no + ni; j < no + ni + nc; j++, k++) {
            TCGArg a = op->args[j];
            fputs(k ? "," : " ", f);
            bool is_cond = (op->opc == INDEX_op_brcond && j == 2) ||
                           (op->opc == INDEX_op_setcond && j == 3) ||
                           (op->opc == INDEX_op_movcond && j == 5);
            bool is_label = op->opc == INDEX_op_set_label ||
                            op->opc == INDEX_op_br ||
                            (op->opc == INDEX_op_brcond && j == 3);
            if (is_cond) {
                fputs(tcg_cond_name((TCGCond)a), f);
            } else if (op_has_vece((TCGOpcode)op->opc)) {
                fprintf(f, "e%d", tcg_vece_bits((unsigned)a));
            } else if (is_label) {
                fprintf(f, "$L%u", (unsigned)a);
            } else {
                fprintf(f, "$0x%" PRIx64, a);
            }
        }
        if (with_life && op->life) {
            fputs("  ", f);
            for (int j = 0; j < no + ni; j++) {
                if (op->life & TCG_LIFE_DEAD(j)) {
                    fprintf(f, " dead:%d", j);
                }
            }
            for (int j = 0; j < no; j++) {
                if (op->life & TCG_LIFE_SYNC(j)) {
                    fprintf(f, " sync:%d", j);
                }
            }
        }
        fputc('\n', f);
    }
}

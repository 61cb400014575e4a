/*
 * Interface between the target-independent register allocator
 * (tcg/regalloc.c) and a native code generator (tcg/<host>/). The
 * allocator walks the ops in order, places each operand where the op's
 * constraints allow (any register of a set, a fixed register, the output's
 * own register, or an immediate), spills to a stack frame when registers
 * run out, and calls the backend's tcg_out_* functions to emit code.
 *
 * Operand semantics the backend may assume: an op reads all its inputs
 * before writing any output, unless an output is marked `newreg`, in which
 * case its register differs from every input's. An output aliased to an
 * input already holds that input's value when tcg_out_op runs.
 */
#ifndef VEMU_TCG_REGALLOC_H
#define VEMU_TCG_REGALLOC_H

#include "tcg-target.h"
#include "tcg/exec.h"
#include "tcg/tcg.h"

#include <stddef.h>
#include <string.h>

typedef uint32_t TCGRegSet;

typedef struct TCGArgConstraint {
    TCGRegSet regs; /* allowed registers */
    int8_t alias;   /* outputs: input index whose register is reused */
    bool newreg;    /* outputs: must not share a register with any input */
    bool imm;       /* inputs: a constant may be passed as an immediate,
                     * subject to tcg_target_const_match */
} TCGArgConstraint;

typedef struct TCGOpConstraints {
    TCGArgConstraint args[TCG_MAX_OP_ARGS];
    TCGRegSet clobbers; /* registers destroyed besides the outputs */
} TCGOpConstraints;

/* Code generation state for one block. */
#define TCG_MAX_COLD_PATHS 64
/* Guest accesses per block whose globals a fault map may recover, and
 * (global, register) pairs over all of them; past either, accesses sync
 * the globals to env as other fault points do. */
#define TCG_MAX_FAULT_SITES 256
#define TCG_MAX_FAULT_SPILLS 2048

/* A fault-map spill: the global at env offset TCG_SPILL_OFF(x), 64-bit
 * when TCG_SPILL_I64, is in host register TCG_SPILL_REG(x). */
#define TCG_SPILL_I64 0x80000000u
#define TCG_SPILL_REG(x) (((x) >> 24) & 0x3f)
#define TCG_SPILL_OFF(x) ((x) & 0xffffff)
#define TCG_SPILL_MAX_OFF 0xffffff

typedef struct TCGGen {
    TCGContext *s;
    TranslationBlock *tb;
    uint8_t *code_start; /* writable view */
    uint8_t *code_ptr;
    uint8_t *code_end;       /* generation stops before this */
    const uint8_t *rx_start; /* executable view of code_start */
    TCGTemp *reg_to_temp[TCG_TARGET_NB_REGS];
    TCGRegSet used; /* registers whose reg_to_temp is set */
    /* The op index at which each register was last assigned or read:
     * eviction takes the least recently used one. */
    uint32_t reg_use[TCG_TARGET_NB_REGS];
    uint32_t tick;
    uint32_t label_off; /* code offset of the last label bound */
    /* The last 64-bit op whose 32-bit form the backend may switch to when
     * a zero extension of its result follows at once (zx_end). */
    uint32_t zx_start, zx_end;
    int zx_reg;
    TCGRegSet reserved;
    intptr_t frame_next; /* next free spill slot offset */
    uint32_t *tb_temps;  /* indexes of the block's TB temps */
    uint32_t nb_tb_temps;
    bool overflow;
    /* The guest access being emitted (tcg_lazy_fault_op) leaves these
     * globals only in registers: spills[spill_first, +nb_spill). A fault
     * there must store them to env first: the backend's cold paths do,
     * and its fault map (one site per access) tells its fault handler. */
    bool fault_lazy;
    uint16_t nb_spill;
    uint32_t spill_first, nb_spills, nb_sites;
    uint32_t nb_sites_later; /* that cold paths will add (MO_TBI) */
    /* Cold paths (guest fault calls) the backend places after the block's
     * code, so the hot path falls through its checks. Last, and only the
     * first nb_cold entries are meaningful: a new TCGGen need not zero
     * the array (tcg_gen_init). */
    uint32_t nb_cold;
    struct TCGColdPath {
        uint32_t jcc_off; /* rel32 of the jump to patch */
        uint32_t ret_off; /* where the check was: the fault's host pc */
        int reg;          /* guest address register */
        const void *helper;
        uint32_t spill_first; /* stores before the call, as above */
        uint16_t nb_spill;
        /* Else (helper NULL) a guest access whose address had a top byte
         * (MO_TBI): done here with the byte cleared, then back to
         * resume_off. */
        uint8_t ld, w;
        uint16_t mo;
        int data; /* loaded or stored register */
        uint32_t resume_off;
    } cold[TCG_MAX_COLD_PATHS];
    struct TCGFaultSite {
        uint32_t off;    /* of the access instruction */
        uint32_t ra_off; /* in its guest instruction's code: off, or the
                          * hot path's offset for one in a cold path */
        uint32_t spill_first;
        uint32_t nb_spill;
    } sites[TCG_MAX_FAULT_SITES];
    uint32_t spills[TCG_MAX_FAULT_SPILLS];
} TCGGen;

/* A TCGGen for code at rw (executable at rx), avail bytes: all zero but
 * for these, except the cold-path and fault-map arrays, which a block's
 * translation would otherwise spend 12 KiB of stores on. */
static inline void tcg_gen_init(TCGGen *g, uint8_t *rw, const uint8_t *rx,
                                size_t avail)
{
    memset(g, 0, offsetof(TCGGen, cold));
    g->code_start = g->code_ptr = rw;
    g->code_end = rw + avail;
    g->rx_start = rx;
}

/* Note that the field ending at the current code offset (4 bytes for
 * TCG_RELOC_REL32, else 8) holds an address of this process. */
static inline void tcg_gen_reloc(TCGGen *g, TCGCodeRelocKind kind,
                                 uint64_t target)
{
    TCGContext *s = g->s;
    if (!s) {
        return; /* the prologue: generated afresh by every process */
    }
    if (s->nb_relocs == TCG_MAX_CODE_RELOCS) {
        s->relocs_lost = true;
        return;
    }
    uint32_t size = kind == TCG_RELOC_REL32 ? 4 : 8;
    s->relocs[s->nb_relocs++] = (TCGCodeReloc){
        .off = (uint32_t)(g->code_ptr - g->code_start) - size,
        .kind = kind,
        .target = target,
    };
}

static inline uintptr_t tcg_gen_rx(const TCGGen *g, const uint8_t *rw)
{
    return (uintptr_t)g->rx_start + (uintptr_t)(rw - g->code_start);
}

static inline uint32_t tcg_gen_offset(const TCGGen *g)
{
    return (uint32_t)(g->code_ptr - g->code_start);
}

/* Generate code for all ops of g->s; returns bytes used or -1 when the
 * buffer is too small. Used by the native backend's gen_code. */
ptrdiff_t tcg_regalloc_gen_code(TCGGen *g);
/* Backend: emit g->cold after the block's last op; false when the code
 * buffer is too small. */
bool tcg_out_cold_paths(TCGGen *g);

/* Record a use of label l at code offset `where` (patched on binding). */
void tcg_label_add_reloc(TCGGen *g, uint32_t label, uint32_t where);

/* Where the v128 temp idx lives while a vector op runs: its frame slot
 * at [base + off], 16-byte aligned. Vector operands get no register:
 * their entries of tcg_out_op's args[] are meaningless. */
void tcg_vec_temp_mem(const TCGGen *g, TCGArg idx, int *base, intptr_t *off);

/* Provided by the backend. tcg_target_constraints fills clobbers and the
 * entries of the op's temp operands (outputs then inputs) only. */
bool tcg_target_constraints(const TCGOp *op, TCGOpConstraints *ct);
bool tcg_target_const_match(const TCGOp *op, int arg, uint64_t val);
void tcg_out_mov(TCGGen *g, TCGType type, int dst, int src);
void tcg_out_movi(TCGGen *g, TCGType type, int dst, uint64_t val);
void tcg_out_ld(TCGGen *g, TCGType type, int dst, int base, intptr_t off);
void tcg_out_st(TCGGen *g, TCGType type, int src, int base, intptr_t off);
void tcg_out_call(TCGGen *g, const void *func);
/* Emit op; args[] holds registers for temps, values for constant inputs
 * (const_args[i] set) and the op's raw constant arguments. */
void tcg_out_op(TCGGen *g, const TCGOp *op, const TCGArg *args,
                const bool *const_args);
/* Patch the rel32 at code offset `where` to reach code offset `target`. */
void tcg_patch_reloc(TCGGen *g, uint32_t where, uint32_t target);

#endif

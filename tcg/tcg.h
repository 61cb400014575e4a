/*
 * The translator core's IR: types, temps, ops, labels and the per-thread
 * translation context.
 *
 * A front end fills a TCGContext with ops (tcg/tcg-op.h) for one
 * translation block; the optimizer (tcg/optimize.c) and liveness
 * (tcg/liveness.c) rewrite it in place; a backend (tcg/x86_64/ or tcg/tci/)
 * turns it into something executable. Ops live in a flat array, temps in
 * another; op arguments refer to temps and labels by index, so the whole
 * block can be reset between translations without freeing anything.
 *
 * Invariants the passes rely on:
 *  - an i32 value is always held zero-extended in 64 bits;
 *  - EBB temps are never live across a set_label (front ends use TB temps
 *    for values that must survive a branch target);
 *  - constant temps are never written;
 *  - v128 temps are EBB or TB temps, used only by the *_vec ops.
 */
#ifndef VEMU_TCG_H
#define VEMU_TCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t TCGArg;

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
    TCG_TYPE_V128, /* 128-bit vector: EBB/TB temps of the *_vec ops only */
    TCG_TYPE_COUNT,
} TCGType;

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "tcg/ops.def"
#undef DEF
    NB_OPS,
} TCGOpcode;

/* Op flags (the last column of tcg/ops.def). */
enum {
    TCG_OPF_INT = 0x01,          /* width taken from TCGOp.type */
    TCG_OPF_64BIT = 0x02,        /* only valid with TCG_TYPE_I64 */
    TCG_OPF_BB_END = 0x04,       /* ends a basic block */
    TCG_OPF_BB_EXIT = 0x08,      /* leaves the translation block */
    TCG_OPF_SIDE_EFFECTS = 0x10, /* never removed even if outputs die */
    TCG_OPF_CAN_FAULT = 0x20,    /* may raise a guest exception */
    TCG_OPF_COND_BRANCH = 0x40,
    TCG_OPF_NOT_PRESENT = 0x80, /* handled by the register allocator */
    TCG_OPF_CALL = 0x100,       /* argument counts live in the op */
    TCG_OPF_VECTOR = 0x200,     /* a *_vec op: TCGOp.type is v128 */
};

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint16_t flags;
} TCGOpDef;

extern const TCGOpDef tcg_op_defs[NB_OPS];

typedef enum TCGCond {
    TCG_COND_NEVER,
    TCG_COND_ALWAYS,
    TCG_COND_EQ,
    TCG_COND_NE,
    TCG_COND_LT,
    TCG_COND_GE,
    TCG_COND_LE,
    TCG_COND_GT,
    TCG_COND_LTU,
    TCG_COND_GEU,
    TCG_COND_LEU,
    TCG_COND_GTU,
    TCG_COND_COUNT,
} TCGCond;

/* Memory operation descriptor: size, sign, byte order, alignment. */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,   /* sign-extend loads to the op's width */
    MO_BSWAP = 8,  /* byte order opposite to the host's (little-endian) */
    MO_ALIGN = 16, /* raise an alignment fault if addr % size != 0 */
    /* The address's top byte is not part of it (aarch64's TBI): the
     * access goes to addr & 0x00ffffffffffffff, and a fault reports that
     * address. qemu_ld/qemu_st only, little-endian only. */
    MO_TBI = 32,
    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
    MO_LE = 0,
    MO_BE = MO_BSWAP,
} MemOp;

/* atomic_fetch sub-operations: the op returns the old value. */
typedef enum TCGAtomicOp {
    TCG_AOP_ADD,
    TCG_AOP_AND,
    TCG_AOP_OR,
    TCG_AOP_XOR,
    TCG_AOP_SMIN,
    TCG_AOP_SMAX,
    TCG_AOP_UMIN,
    TCG_AOP_UMAX,
    TCG_AOP_COUNT,
} TCGAtomicOp;

/* mb argument: which earlier accesses are ordered before which later. */
enum {
    TCG_MB_LD_LD = 1,
    TCG_MB_ST_LD = 2,
    TCG_MB_LD_ST = 4,
    TCG_MB_ST_ST = 8,
    TCG_MB_ALL = 15,
};

typedef enum TCGTempKind {
    TEMP_EBB,    /* short-lived: dead at every label */
    TEMP_TB,     /* lives across the whole block; spilled at labels */
    TEMP_GLOBAL, /* bound to a field of the guest CPU state (env) */
    TEMP_FIXED,  /* permanently in a host register (env itself) */
    TEMP_CONST,  /* read-only constant */
} TCGTempKind;

/* Where the register allocator currently keeps a temp's value. */
typedef enum TCGTempVal {
    TEMP_VAL_DEAD,
    TEMP_VAL_REG,
    TEMP_VAL_MEM,
    TEMP_VAL_CONST,
} TCGTempVal;

typedef struct TCGTemp {
    TCGType type;
    TCGTempKind kind;
    uint64_t val;        /* TEMP_CONST: the value (i32 zero-extended) */
    intptr_t mem_offset; /* GLOBAL: offset in env; EBB/TB: frame slot */
    const char *name;    /* globals only */

    /* Register allocator state. */
    TCGTempVal val_type;
    int8_t reg;
    bool mem_coherent;
    bool mem_allocated;

    /* Scratch for passes (liveness, optimizer). */
    uint32_t state;
    void *state_ptr;
} TCGTemp;

typedef struct TCGLabel {
    bool has_value;
    uint32_t refs;   /* branches to it still present */
    uintptr_t value; /* backend: offset of the label in the code */
    uint32_t nb_relocs;
    uint32_t relocs_cap;
    uint32_t *relocs; /* backend: places to patch once value is known */
} TCGLabel;

/* Helper call flags. The default (0) is the safest: reads and writes
 * globals, may have side effects. */
enum {
    TCG_CALL_NO_READ_GLOBALS = 0x1, /* implies no write */
    TCG_CALL_NO_WRITE_GLOBALS = 0x2,
    TCG_CALL_NO_SIDE_EFFECTS = 0x4, /* removable if the result is unused */
    TCG_CALL_NO_RETURN = 0x8,       /* leaves via siglongjmp */
    TCG_CALL_PURE = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS |
                    TCG_CALL_NO_SIDE_EFFECTS,
};

#define TCG_MAX_CALL_IARGS 6

/*
 * A helper callable from generated code. Every argument and the result are
 * integers or pointers (passed as i32 or i64): helpers are C functions
 * taking at most six such arguments, so both backends can call them with
 * the host's integer-register convention. An i32 result's upper 32 bits
 * are discarded.
 */
typedef struct TCGHelperInfo {
    void *func;
    const char *name;
    unsigned flags;
    bool has_ret;
    TCGType ret_type;
    uint8_t nb_args;
    TCGType arg_types[TCG_MAX_CALL_IARGS];
} TCGHelperInfo;

#define TCG_MAX_OP_ARGS 10

typedef struct TCGOp {
    uint16_t opc;
    uint8_t type;       /* TCGType for TCG_OPF_INT ops */
    uint8_t call_oargs; /* call: number of outputs (0 or 1) */
    uint8_t call_iargs; /* call: number of inputs */
    /* Liveness results: bit i set if args[i] dies at this op; bit
     * (16 + i) set if output args[i] must be written back to memory. */
    uint32_t life;
    TCGArg args[TCG_MAX_OP_ARGS];
} TCGOp;

/*
 * A place in a block's host code that holds an address of this process:
 * a helper, the code buffer's shared stubs, the block itself. The
 * persistent translation cache (tcg/tb-cache.c) rewrites these when it
 * reuses the code in another process.
 */
typedef enum TCGCodeRelocKind {
    TCG_RELOC_REL32, /* 32-bit displacement from the field's end to target */
    TCG_RELOC_ABS64, /* 64-bit immediate holding target */
    TCG_RELOC_TB,    /* 64-bit immediate holding the block's address | target */
} TCGCodeRelocKind;

typedef struct TCGCodeReloc {
    uint32_t off; /* of the field, from the block's code start */
    uint32_t kind;
    uint64_t target;
} TCGCodeReloc;

/* More than this in one block and the block is not cached. */
#define TCG_MAX_CODE_RELOCS 256

#define TCG_LIFE_DEAD(i) (1u << (i))
#define TCG_LIFE_SYNC(i) (1u << (16 + (i)))

/* The call op's constant: args[call_oargs + call_iargs] is the helper. */
static inline const TCGHelperInfo *tcg_call_info(const TCGOp *op)
{
    return (const TCGHelperInfo *)(uintptr_t)
        op->args[op->call_oargs + op->call_iargs];
}

static inline int tcg_op_nb_oargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->call_oargs
                                    : tcg_op_defs[op->opc].nb_oargs;
}

static inline int tcg_op_nb_iargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->call_iargs
                                    : tcg_op_defs[op->opc].nb_iargs;
}

static inline int tcg_op_nb_cargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? 1 : tcg_op_defs[op->opc].nb_cargs;
}

/* Number of insn_start constants recorded per guest instruction. */
#define TCG_INSN_START_WORDS 2

/* Debug log categories (-d). */
enum {
    TCG_LOG_OP = 1,      /* IR as generated by the front end */
    TCG_LOG_OP_OPT = 2,  /* IR after optimization and liveness */
    TCG_LOG_OUT_ASM = 4, /* host code, disassembled */
    TCG_LOG_EXEC = 8,    /* every translation block entered */
    TCG_LOG_IN_ASM = 16, /* guest code being translated */
    TCG_LOG_UNIMP = 32,  /* guest features vemu does not implement */
};

typedef struct TCGContext {
    TCGTemp *temps;
    uint32_t nb_temps, temps_cap;
    uint32_t nb_globals; /* temps[0..nb_globals) survive tcg_func_start */

    TCGOp *ops; /* ops_base + ops_head */
    uint32_t nb_ops;
    /* Slots before ops[0] (ops_head of them) let an insertion near the
     * front move the few ops ahead of it instead of all that follow:
     * every block gets two ops inserted at its start. */
    TCGOp *ops_base;
    uint32_t ops_head, ops_cap; /* cap counts from ops_base */

    TCGLabel *labels;
    uint32_t nb_labels, labels_cap;

    uint32_t env_temp; /* the TEMP_FIXED temp holding env */
    bool optimize;     /* run tcg/optimize.c (default true) */
    /* The guest pc global when indirect jumps may find their block inline
     * (lookup_goto); 0 (env) keeps the helper call. Set by the runtime
     * from the target and backend (tcg/exec.c). */
    uint32_t lookup_pc;
    /* Guest loads and stores (qemu_ld/st) need not find the globals in
     * env: the backend records where each one lives at the access and
     * puts it back on a fault (TCGBackend.fault_regs). Set by the runtime
     * from the backend. */
    bool lazy_fault;

    /* Per-block constant interning (value -> temp index), one per type. */
    void *const_table[2];

    /* Filled by the backend while generating code. */
    uint32_t nb_insns;
    uint32_t insn_end_cap;
    uint32_t *insn_end_off; /* host offset after each guest insn */
    uint64_t *insn_data;    /* TCG_INSN_START_WORDS per guest insn */
    intptr_t frame_size;    /* spill frame bytes used */
    /* Where the code depends on this process's addresses; relocs_lost
     * when there were more than TCG_MAX_CODE_RELOCS or one the cache
     * cannot express. */
    TCGCodeReloc *relocs;
    uint32_t nb_relocs;
    bool relocs_lost;

    /* Scratch for the passes (one at a time): kept between blocks so
     * that no pass allocates per block. */
    uint32_t *scratch;
    uint32_t scratch_cap;
} TCGContext;

/* A guest access whose fault point needs globals live, not in memory
 * (TCGContext.lazy_fault). Atomics still sync: their backend sequences
 * have more than one instruction that can fault. The globals that die at
 * the access (live only for its fault) are a bitmask by global index in
 * the op's TCG_FAULT_DEAD_ARG, so there may be at most 64. */
#define TCG_FAULT_DEAD_ARG (TCG_MAX_OP_ARGS - 1)

static inline bool tcg_lazy_fault_op(const TCGContext *s, const TCGOp *op)
{
    return s->lazy_fault && s->nb_globals <= 64 &&
           (op->opc == INDEX_op_qemu_ld || op->opc == INDEX_op_qemu_st);
}

/* Context lifetime. */
void tcg_context_init(TCGContext *s);
void tcg_context_free(TCGContext *s);
/* Start a new block: drops non-global temps, ops and labels. */
void tcg_func_start(TCGContext *s);
/* s->scratch with room for n entries; contents undefined. */
uint32_t *tcg_scratch(TCGContext *s, uint32_t n);

/* Temps. */
uint32_t tcg_global_mem_new(TCGContext *s, TCGType type, intptr_t offset,
                            const char *name);
uint32_t tcg_temp_new(TCGContext *s, TCGType type, TCGTempKind kind);
uint32_t tcg_constant(TCGContext *s, TCGType type, uint64_t val);

/* Labels. */
uint32_t tcg_label_new(TCGContext *s);

/* Ops. */
TCGOp *tcg_emit_op(TCGContext *s, TCGOpcode opc, TCGType type);
/* Insert a nop-initialised op before index pos; returns it. */
TCGOp *tcg_op_insert_before(TCGContext *s, uint32_t pos, TCGOpcode opc,
                            TCGType type);
void tcg_op_remove(TCGContext *s, TCGOp *op); /* turns it into a nop */

/* Backends: record each guest instruction's insn_start data and the code
 * offset where it ends (for fault recovery). tcg_record_insn_start closes
 * the previous instruction at code_off and returns the new index;
 * tcg_record_insn_end closes the last one. */
uint32_t tcg_record_insn_start(TCGContext *s, const TCGOp *op,
                               uint32_t code_off);
void tcg_record_insn_end(TCGContext *s, uint32_t code_off);

/* Printing the IR (for -d op and tests). */
void tcg_dump_ops(TCGContext *s, FILE *f, bool with_life);
const char *tcg_cond_name(TCGCond c);

/* Passes. */
void tcg_optimize(TCGContext *s);
/* Frees the calling thread's optimizer scratch (kept between blocks). */
void tcg_optimize_thread_exit(void);
void tcg_liveness(TCGContext *s);

/* Condition helpers shared by passes and backends. */
TCGCond tcg_invert_cond(TCGCond c);
TCGCond tcg_swap_cond(TCGCond c);
bool tcg_eval_cond(TCGType type, TCGCond c, uint64_t a, uint64_t b);

/* Reference semantics of a single-output INT op on constant inputs, used by
 * the optimizer for folding and by tests as the oracle's cross-check.
 * Returns false if the op is not foldable (memory, calls, control flow).
 * outs[1] is written for add2/sub2. */
bool tcg_fold_op(TCGOpcode opc, TCGType type, const uint64_t *in,
                 const TCGArg *cargs, uint64_t *outs);

/* Element sizes of the vector ops' vece argument are the MemOp sizes. */
static inline int tcg_vece_bits(unsigned vece)
{
    return 8 << vece;
}

static inline uint64_t tcg_type_mask(TCGType t)
{
    return t == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
}

static inline int tcg_type_bits(TCGType t)
{
    return t == TCG_TYPE_I32 ? 32 : 64;
}

#endif

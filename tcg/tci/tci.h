/*
 * The interpreter backend's bytecode, shared by its translator
 * (tci-gen.c), interpreter (tci.c) and disassembler (tci-disas.c).
 *
 * Bytecode of one block, in host byte order and free of alignment needs
 * (the code buffer promises none, so every access goes through packed
 * types):
 *   header   TranslationBlock pointer, frame slot count, constant count
 *   pool     the block's constants, copied into the frame on entry
 *   code     instructions of one to three 8-byte words; word 0 is always
 *            opcode, aux byte, then three 16-bit frame slots (r, a, b),
 *            the last two doubling as a 32-bit immediate
 * Branches hold displacements from the branch itself, so the bytecode is
 * position-independent and never points into the writable alias. The
 * epilogue is a block of this format too, with no TB and a single exit.
 *
 * Frame slots: 0 is env, 1 holds zero (unused helper arguments), 2..8 are
 * scratch for global operands, then the constants, the TB temps, and the
 * EBB temps, whose slots are reused after every label since EBB temps are
 * dead there (tcg/tcg.h). Globals never get a slot: each op loads them
 * from env just before and stores them just after, so helpers and faults
 * always see current values.
 */
#ifndef VEMU_TCG_TCI_H
#define VEMU_TCG_TCI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/exec.h"
#include "tcg/tcg.h"

/*
 * Instruction set: X(name, words, format). Names ending in 32/64 give the
 * result's width; the others need none (i32 inputs are zero-extended).
 * qld_* and qst_* are the common little-endian guest accesses without
 * MO_ALIGN; qld32/qld64/qst take any MemOp in aux.
 *
 * Operands by format (r, a, b: word 0 slots; x0..x3: word 1 as four
 * 16-bit fields; w1: word 1 as one 64-bit value):
 *   RA, RAB   r = f(a), r = f(a, b)
 *   LDG, STG  slot r <-> env + imm
 *   ADD2      r = low, a = high, b = al; x0 = ah, x1 = bl, x2 = bh
 *   EXTRACT   r, a; aux = pos, b = len (not a slot)
 *   DEPOSIT   r, a, b; x0 = pos, x1 = len
 *   SETCOND   r, a, b; aux = cond
 *   MOVCOND   r, a, b, aux = cond; x0 = if true, x1 = if false
 *   LD, ST    r = value, a = host base, aux = memop; w1 = offset
 *   QLD, QST  r = value, a = guest address, aux = memop
 *   CMPXCHG   r, a = address, b = cmp, x0 = new, aux = memop
 *   XCHG      r, a = address, b = value, aux = memop
 *   FETCH     as XCHG, aux = memop | aop << 5
 *   CALL      r = result, a, b, x0..x3 = arguments 0-5, aux = argument
 *             count | result kind << 4; word 2 = the function
 *   BR        imm = displacement from this instruction
 *   BRCOND    a, b; word 1 = 32-bit displacement from this instruction
 *   INSN      imm = index of the guest instruction now running
 *   GOTO_TB   aux = exit n;  EXIT  w1 = value;  GOTO_PTR  a = target
 */
#define TCI_OPS(X)                                                          \
    X(trap, 1, NONE)                                                        \
    X(mov, 1, RA)                                                           \
    X(ldg32, 1, LDG) X(ldg64, 1, LDG) X(stg32, 1, STG) X(stg64, 1, STG)     \
    X(add32, 1, RAB) X(add64, 1, RAB) X(sub32, 1, RAB) X(sub64, 1, RAB)     \
    X(mul32, 1, RAB) X(mul64, 1, RAB) X(neg32, 1, RA) X(neg64, 1, RA)       \
    X(mulsh32, 1, RAB) X(mulsh64, 1, RAB)                                   \
    X(muluh32, 1, RAB) X(muluh64, 1, RAB)                                   \
    X(div32, 1, RAB) X(div64, 1, RAB) X(divu32, 1, RAB) X(divu64, 1, RAB)   \
    X(rem32, 1, RAB) X(rem64, 1, RAB) X(remu32, 1, RAB) X(remu64, 1, RAB)   \
    X(add2_32, 2, ADD2) X(add2_64, 2, ADD2)                                 \
    X(sub2_32, 2, ADD2) X(sub2_64, 2, ADD2)                                 \
    X(and, 1, RAB) X(or, 1, RAB) X(xor, 1, RAB) X(andc, 1, RAB)             \
    X(not32, 1, RA) X(not64, 1, RA) X(orc32, 1, RAB) X(orc64, 1, RAB)       \
    X(eqv32, 1, RAB) X(eqv64, 1, RAB) X(nand32, 1, RAB) X(nand64, 1, RAB)   \
    X(nor32, 1, RAB) X(nor64, 1, RAB)                                       \
    X(shl32, 1, RAB) X(shl64, 1, RAB) X(shr32, 1, RAB) X(shr64, 1, RAB)     \
    X(sar32, 1, RAB) X(sar64, 1, RAB)                                       \
    X(rotl32, 1, RAB) X(rotl64, 1, RAB) X(rotr32, 1, RAB) X(rotr64, 1, RAB) \
    X(clz32, 1, RA) X(clz64, 1, RA) X(ctz32, 1, RA) X(ctz64, 1, RA)         \
    X(ctpop32, 1, RA) X(ctpop64, 1, RA)                                     \
    X(bswap16, 1, RA) X(bswap32, 1, RA) X(bswap64, 1, RA)                   \
    X(ext8s32, 1, RA) X(ext8s64, 1, RA) X(ext8u, 1, RA)                     \
    X(ext16s32, 1, RA) X(ext16s64, 1, RA) X(ext16u, 1, RA)                  \
    X(ext32s, 1, RA) X(ext32u, 1, RA) X(extrh, 1, RA)                       \
    X(extract32, 1, EXTRACT) X(extract64, 1, EXTRACT)                       \
    X(sextract32, 1, EXTRACT) X(sextract64, 1, EXTRACT)                     \
    X(deposit32, 2, DEPOSIT) X(deposit64, 2, DEPOSIT)                       \
    X(setcond32, 1, SETCOND) X(setcond64, 1, SETCOND)                       \
    X(movcond32, 2, MOVCOND) X(movcond64, 2, MOVCOND)                       \
    X(ld32, 2, LD) X(ld64, 2, LD) X(st, 2, ST)                              \
    X(qld32, 1, QLD) X(qld64, 1, QLD) X(qst, 1, QST)                        \
    X(qld_ub, 1, QLD) X(qld_uw, 1, QLD) X(qld_ul, 1, QLD) X(qld_uq, 1, QLD) \
    X(qld_sb32, 1, QLD) X(qld_sb64, 1, QLD)                                 \
    X(qld_sw32, 1, QLD) X(qld_sw64, 1, QLD) X(qld_sl64, 1, QLD)             \
    X(qst_b, 1, QST) X(qst_w, 1, QST) X(qst_l, 1, QST) X(qst_q, 1, QST)     \
    X(cmpxchg32, 2, CMPXCHG) X(cmpxchg64, 2, CMPXCHG)                       \
    X(xchg32, 1, XCHG) X(xchg64, 1, XCHG)                                   \
    X(fetch32, 1, FETCH) X(fetch64, 1, FETCH)                               \
    X(mb, 1, NONE) X(call, 3, CALL) X(br, 1, BR)                            \
    X(beq32, 2, BRCOND) X(beq64, 2, BRCOND)                                 \
    X(bne32, 2, BRCOND) X(bne64, 2, BRCOND)                                 \
    X(blt32, 2, BRCOND) X(blt64, 2, BRCOND)                                 \
    X(bge32, 2, BRCOND) X(bge64, 2, BRCOND)                                 \
    X(ble32, 2, BRCOND) X(ble64, 2, BRCOND)                                 \
    X(bgt32, 2, BRCOND) X(bgt64, 2, BRCOND)                                 \
    X(bltu32, 2, BRCOND) X(bltu64, 2, BRCOND)                               \
    X(bgeu32, 2, BRCOND) X(bgeu64, 2, BRCOND)                               \
    X(bleu32, 2, BRCOND) X(bleu64, 2, BRCOND)                               \
    X(bgtu32, 2, BRCOND) X(bgtu64, 2, BRCOND)                               \
    X(insn, 1, INSN) X(goto_tb, 1, GOTO_TB) X(exit, 2, EXIT)                \
    X(goto_ptr, 1, GOTO_PTR)

enum {
#define X(name, words, fmt) TCI_##name,
    TCI_OPS(X)
#undef X
    TCI_NB_OPS,
};
_Static_assert(TCI_NB_OPS <= 256, "tci opcodes must fit a byte");

/* Length of each instruction in 8-byte words, as constants for exec. */
enum {
#define X(name, words, fmt) TCI_WORDS_##name = words,
    TCI_OPS(X)
#undef X
};

enum {
    TCI_FMT_NONE, TCI_FMT_RA, TCI_FMT_RAB, TCI_FMT_LDG, TCI_FMT_STG,
    TCI_FMT_ADD2, TCI_FMT_EXTRACT, TCI_FMT_DEPOSIT, TCI_FMT_SETCOND,
    TCI_FMT_MOVCOND, TCI_FMT_LD, TCI_FMT_ST, TCI_FMT_QLD, TCI_FMT_QST,
    TCI_FMT_CMPXCHG, TCI_FMT_XCHG, TCI_FMT_FETCH, TCI_FMT_CALL, TCI_FMT_BR,
    TCI_FMT_BRCOND, TCI_FMT_INSN, TCI_FMT_GOTO_TB, TCI_FMT_EXIT,
    TCI_FMT_GOTO_PTR,
};

typedef struct TciOpInfo {
    const char *name;
    uint8_t words, fmt;
} TciOpInfo;

extern const TciOpInfo tci_op_info[TCI_NB_OPS];

/* Bytecode layout; packed because the code buffer promises no alignment. */
typedef struct __attribute__((packed)) TciHeader {
    uint64_t tb;
    uint32_t nslots;
    uint32_t nconst;
} TciHeader;

typedef struct __attribute__((packed)) TciInsn {
    uint8_t opc;
    uint8_t aux;
    uint16_t r, a, b;
} TciInsn;

typedef struct __attribute__((packed)) TciExt {
    uint16_t s[4];
} TciExt;

typedef struct __attribute__((packed)) { uint16_t v; } TciU16;
typedef struct __attribute__((packed)) { uint32_t v; } TciU32;
typedef struct __attribute__((packed)) { uint64_t v; } TciU64;

enum {
    TCI_SLOT_ENV = 0,
    TCI_SLOT_ZERO = 1,
    TCI_SLOT_SCRATCH = 2, /* one per operand of the widest op (call) */
    TCI_SLOT_CONST0 = TCI_SLOT_SCRATCH + 1 + TCG_MAX_CALL_IARGS,
    TCI_MAX_SLOTS = 65536,
};

/* call aux: argument count in the low nibble, result kind above. */
enum { TCI_RET_NONE = 0, TCI_RET_I32 = 1, TCI_RET_I64 = 2 };

static inline int32_t tci_imm(const TciInsn *in)
{
    return (int32_t)((uint32_t)in->a | ((uint32_t)in->b << 16));
}

ptrdiff_t tci_gen_code(TCGContext *s, TranslationBlock *tb, uint8_t *rw,
                       const uint8_t *rx, size_t avail);
void tci_disas(FILE *f, const void *code, size_t size);

#endif

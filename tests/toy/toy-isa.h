/*
 * The toy guest ISA: instruction formats, field layout, opcode numbers,
 * exception numbers, encoders and the decoder shared by the translator,
 * the disassembler and the assembler. The instruction list itself is
 * toy-insns.def; the encoding table for humans is README.md.
 *
 * Every instruction is one 32-bit little-endian word:
 *
 *   31            20 19  16 15  12 11   8 7      0
 *   |     imm16 (31:16)    |  b   |  a   | opcode |
 *   |   imm20 (31:12)             |  a   | opcode |
 *   |   zero       |  c    |  b   |  a   | opcode |
 */
#ifndef VEMU_TOY_ISA_H
#define VEMU_TOY_ISA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/tcg.h"

#define TOY_NREGS 16
#define TOY_REG_LINK 15 /* jal/jalr link register by convention */
#define TOY_INSN_BYTES 4
#define TOY_PAGE_SIZE 4096 /* a translation block never crosses a page */

/* Target exception numbers returned by cpu_exec (below EXCP_RUNTIME_BASE). */
enum {
    EXCP_TOY_HALT = 1,    /* halt instruction; pc = the halt */
    EXCP_TOY_ILLEGAL = 2, /* undefined encoding; pc = that word */
    EXCP_TOY_FETCH = 3,   /* pc misaligned or outside guest memory */
    EXCP_TOY_CHECK = 4,   /* chkeq found its operands different */
};

/* Operand layouts (and, for the assembler, operand kinds). */
typedef enum ToyFormat {
    TOY_FMT_R, /* rd=a, rs1=b, rs2=c; bits 31:20 zero */
    TOY_FMT_I, /* rd=a, rs1=b, imm16 signed */
    TOY_FMT_S, /* rs=a (value), rs1=b (base), imm16 signed */
    TOY_FMT_B, /* rs1=a, rs2=b, imm16 signed word offset from this insn */
    TOY_FMT_J, /* rd=a, imm20 signed value */
    TOY_FMT_L, /* rd=a, imm20 signed word offset from this insn */
    TOY_FMT_U, /* rd=a, imm16 unsigned; bits 15:12 zero */
    TOY_FMT_A, /* rs=a; bits 31:12 zero */
    TOY_FMT_P, /* rs1=a, rs2=b; bits 31:16 zero */
    TOY_FMT_N, /* no operand; bits 31:8 zero */
} ToyFormat;

/* Opcode numbers, TOY_OP_<mnemonic>. */
enum {
#define INSN(name, op, fmt, tr, arg) TOY_OP_##name = op,
#include "toy-insns.def"
#undef INSN
};

typedef struct ToyInsnInfo {
    const char *name; /* NULL: opcode undefined */
    ToyFormat fmt;
    uint32_t arg; /* the .def argument column */
} ToyInsnInfo;

/* Indexed by opcode (the low byte of the word). */
extern const ToyInsnInfo toy_insn_info[256];

/* A decoded instruction. */
typedef struct ToyInsn {
    uint8_t opcode;
    const ToyInsnInfo *info;
    unsigned a, b, c; /* register fields, per the format */
    int64_t imm;      /* imm16/imm20, sign- or zero-extended per format */
} ToyInsn;

/* Decode one word; false if the opcode is undefined or a field the format
 * requires to be zero is not. */
bool toy_decode(uint32_t word, ToyInsn *out);

/* Print one instruction ("addi r1, r2, -3"); pc resolves branch targets. */
void toy_disas_insn(FILE *f, uint64_t pc, uint32_t word);
/* Print [pc, pc + size) of guest memory at tcg_guest_base, one per line
 * (TargetOps.disas, -d in_asm). */
void toy_disas(FILE *f, uint64_t pc, size_t size);

/* Encoders. Range checks are the assembler's job: these just mask. */
static inline uint32_t toy_enc_r(unsigned op, unsigned a, unsigned b,
                                 unsigned c)
{
    return (op & 0xff) | (a & 15) << 8 | (b & 15) << 12 | (c & 15) << 16;
}
static inline uint32_t toy_enc_i(unsigned op, unsigned a, unsigned b,
                                 int64_t imm16)
{
    return (op & 0xff) | (a & 15) << 8 | (b & 15) << 12 |
           ((uint32_t)imm16 & 0xffff) << 16;
}
static inline uint32_t toy_enc_j(unsigned op, unsigned a, int64_t imm20)
{
    return (op & 0xff) | (a & 15) << 8 | ((uint32_t)imm20 & 0xfffff) << 12;
}

static inline bool toy_fits_s16(int64_t v)
{
    return v >= -32768 && v <= 32767;
}
static inline bool toy_fits_s20(int64_t v)
{
    return v >= -(1 << 19) && v < (1 << 19);
}

#endif

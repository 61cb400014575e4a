/*
 * x86-64 instruction encoder used by the native backend. An opcode is its
 * final byte plus prefix flags (P_EXT for 0x0f, P_REXW for 64-bit operand
 * size, ...), so one emit routine produces every legacy encoding and
 * another every VEX one (BMI1/BMI2). Register numbers are the hardware
 * ones (tcg-target.h). Memory operands are [base + index + disp32].
 */
#ifndef VEMU_X86_EMIT_H
#define VEMU_X86_EMIT_H

#include "tcg/regalloc.h"

#include <string.h>

enum {
    P_EXT = 0x100,      /* 0x0f escape */
    P_EXT38 = 0x200,    /* 0x0f 0x38 escape */
    P_EXT3A = 0x400,    /* 0x0f 0x3a escape */
    P_DATA16 = 0x800,   /* 0x66 operand-size prefix */
    P_REXW = 0x1000,    /* 64-bit operand size */
    P_REXB_R = 0x2000,  /* reg field names a byte register */
    P_REXB_RM = 0x4000, /* r/m field names a byte register */
    P_F3 = 0x8000,
    P_F2 = 0x10000,
    P_LOCK = 0x20000,
};

/* Opcodes (with their prefix flags). */
enum {
    OPC_ARITH_EvIz = 0x81,
    OPC_ARITH_EvIb = 0x83,
    OPC_ARITH_GvEv = 0x03, /* plus ARITH_x << 3 */
    OPC_ARITH_EvGv = 0x01,
    OPC_ARITH_EbGb = 0x00,
    OPC_ANDN = 0xf2 | P_EXT38,
    OPC_BSF = 0xbc | P_EXT,
    OPC_BSR = 0xbd | P_EXT,
    OPC_BSWAP = 0xc8 | P_EXT,
    OPC_CALL_Jz = 0xe8,
    OPC_CMOVCC = 0x40 | P_EXT,
    OPC_CMPXCHG = 0xb1 | P_EXT,
    OPC_CMPXCHG8 = 0xb0 | P_EXT,
    OPC_CQO = 0x99,
    OPC_GRP3_Ev = 0xf7,
    OPC_GRP5 = 0xff,
    OPC_IMUL_GvEv = 0xaf | P_EXT,
    OPC_IMUL_GvEvIz = 0x69,
    OPC_JCC_long = 0x80 | P_EXT,
    OPC_JCC_short = 0x70,
    OPC_JMP_long = 0xe9,
    OPC_JMP_short = 0xeb,
    OPC_LEA = 0x8d,
    OPC_LZCNT = 0xbd | P_EXT | P_F3,
    OPC_MOVB_EvGv = 0x88,
    OPC_MOVL_EvGv = 0x89,
    OPC_MOVL_GvEv = 0x8b,
    OPC_MOVL_Iv = 0xb8,
    OPC_MOVL_EvIz = 0xc7,
    OPC_MOVB_EvIz = 0xc6,
    OPC_MOVSBL = 0xbe | P_EXT,
    OPC_MOVSWL = 0xbf | P_EXT,
    OPC_MOVSLQ = 0x63 | P_REXW,
    OPC_MOVZBL = 0xb6 | P_EXT,
    OPC_MOVZWL = 0xb7 | P_EXT,
    OPC_POPCNT = 0xb8 | P_EXT | P_F3,
    OPC_POP_r32 = 0x58,
    OPC_PUSH_r32 = 0x50,
    OPC_RET = 0xc3,
    OPC_SETCC = 0x90 | P_EXT | P_REXB_RM,
    OPC_SHIFT_Ib = 0xc1,
    OPC_SHIFT_cl = 0xd3,
    OPC_SHLX = 0xf7 | P_EXT38 | P_DATA16,
    OPC_SARX = 0xf7 | P_EXT38 | P_F3,
    OPC_SHRX = 0xf7 | P_EXT38 | P_F2,
    OPC_TESTL = 0x85,
    OPC_TESTB = 0x84,
    OPC_TZCNT = 0xbc | P_EXT | P_F3,
    OPC_XADD = 0xc1 | P_EXT,
    OPC_XADD8 = 0xc0 | P_EXT,
    OPC_XCHG = 0x87,
    OPC_XCHG8 = 0x86,
};

/* Group 1 arithmetic extensions. */
enum {
    ARITH_ADD,
    ARITH_OR,
    ARITH_ADC,
    ARITH_SBB,
    ARITH_AND,
    ARITH_SUB,
    ARITH_XOR,
    ARITH_CMP
};
/* Group 2 shift extensions. */
enum {
    SHIFT_ROL = 0,
    SHIFT_ROR = 1,
    SHIFT_SHL = 4,
    SHIFT_SHR = 5,
    SHIFT_SAR = 7
};
/* Group 3 extensions. */
enum {
    EXT3_TEST = 0,
    EXT3_NOT = 2,
    EXT3_NEG = 3,
    EXT3_MUL = 4,
    EXT3_IMUL = 5,
    EXT3_DIV = 6,
    EXT3_IDIV = 7
};
/* Group 5 extensions. */
enum { EXT5_CALLN_Ev = 2, EXT5_JMPN_Ev = 4 };

/* Condition codes. */
enum {
    JCC_JO,
    JCC_JNO,
    JCC_JB,
    JCC_JAE,
    JCC_JE,
    JCC_JNE,
    JCC_JBE,
    JCC_JA,
    JCC_JS,
    JCC_JNS,
    JCC_JP,
    JCC_JNP,
    JCC_JL,
    JCC_JGE,
    JCC_JLE,
    JCC_JG
};

/* Inline: they are the innermost step of every instruction emitted. */
static inline void x86_out8(TCGGen *g, uint8_t v)
{
    *g->code_ptr++ = v;
}

static inline void x86_out16(TCGGen *g, uint16_t v)
{
    memcpy(g->code_ptr, &v, 2);
    g->code_ptr += 2;
}

static inline void x86_out32(TCGGen *g, uint32_t v)
{
    memcpy(g->code_ptr, &v, 4);
    g->code_ptr += 4;
}

static inline void x86_out64(TCGGen *g, uint64_t v)
{
    memcpy(g->code_ptr, &v, 8);
    g->code_ptr += 8;
}

/* mov dst, imm64 in its 10-byte form whatever the value. */
void x86_out_movabs(TCGGen *g, int dst, uint64_t val);

/* Prefixes and opcode bytes; r/rm/x are register numbers or -1. Inline,
 * with x86_out_modrm: callers mostly pass a constant opc, whose prefix
 * tests then fold away. */
static inline void x86_out_opc(TCGGen *g, int opc, int r, int rm, int x)
{
    /* Bytes go through a local pointer: stores through g->code_ptr would
     * make the compiler reload it after each one. */
    uint8_t *p = g->code_ptr;
    if (opc & (P_LOCK | P_DATA16 | P_F3 | P_F2)) {
        if (opc & P_LOCK) {
            *p++ = 0xf0;
        }
        if (opc & P_DATA16) {
            *p++ = 0x66;
        }
        if (opc & P_F3) {
            *p++ = 0xf3;
        } else if (opc & P_F2) {
            *p++ = 0xf2;
        }
    }
    int rex = ((opc & P_REXW) ? 8 : 0) | (r >= 8 ? 4 : 0) | (x >= 8 ? 2 : 0) |
              (rm >= 8 ? 1 : 0);
    /* SPL/BPL/SIL/DIL need a REX prefix to be byte registers at all. */
    if (((opc & P_REXB_R) && r >= 4) || ((opc & P_REXB_RM) && rm >= 4)) {
        rex |= 0x40;
    }
    if (rex) {
        *p++ = (uint8_t)(0x40 | rex);
    }
    if (opc & (P_EXT | P_EXT38 | P_EXT3A)) {
        *p++ = 0x0f;
        if (opc & P_EXT38) {
            *p++ = 0x38;
        } else if (opc & P_EXT3A) {
            *p++ = 0x3a;
        }
    }
    *p++ = (uint8_t)opc;
    g->code_ptr = p;
}

/* Register-direct operand. */
static inline void x86_out_modrm(TCGGen *g, int opc, int r, int rm)
{
    x86_out_opc(g, opc, r, rm, -1);
    x86_out8(g, (uint8_t)(0xc0 | ((r & 7) << 3) | (rm & 7)));
}

/* Memory operand [base + index + disp]; index -1 for none, base -1 for
 * RIP-relative (disp relative to the end of the instruction). */
void x86_out_modrm_sib(TCGGen *g, int opc, int r, int base, int index,
                       int32_t disp);
/* VEX-encoded (BMI): r = op(v, rm). */
void x86_out_vex_modrm(TCGGen *g, int opc, int r, int v, int rm);

/* Common shapes. */
void x86_out_arith_rr(TCGGen *g, int ext, int dst, int src, bool w);
void x86_out_arith_ri(TCGGen *g, int ext, int dst, int64_t imm, bool w);
void x86_out_shift_ri(TCGGen *g, int ext, int reg, int count, bool w);
void x86_out_jcc(TCGGen *g, int cc, uint32_t label);
void x86_out_jmp_label(TCGGen *g, uint32_t label);
/* A short forward jump whose target is set later by x86_patch_short. */
uint8_t *x86_out_jcc_short(TCGGen *g, int cc);
void x86_patch_short(TCGGen *g, uint8_t *disp);
void x86_out_nops(TCGGen *g, int n);

#endif

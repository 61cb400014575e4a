/*
 * A tiny assembler for the toy ISA, used by tests and vemu-selftest: one
 * emitter per instruction (toy_<mnemonic>(), generated from toy-insns.def
 * with operands in assembly order), labels with forward references, data
 * words and a few pseudo-instructions. Errors (immediate out of range,
 * unbound label, bad register) are recorded, not fatal: the first one is
 * kept in as->err and toy_asm_finish() reports it.
 *
 *   ToyAsm as;
 *   toy_asm_init(&as, 0x1000);
 *   ToyLabel loop = toy_label_here(&as);
 *   toy_addi(&as, 1, 1, -1);
 *   toy_bne(&as, 1, 0, loop);
 *   toy_halt(&as);
 *   if (toy_asm_finish(&as) != 0) { ... as.err ... }
 *   toy_asm_load(&as, guest_mem, mem_size);
 */
#ifndef VEMU_TOY_ASM_H
#define VEMU_TOY_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toy-isa.h"

typedef uint32_t ToyLabel;

typedef struct ToyFixup ToyFixup;

typedef struct ToyAsm {
    uint64_t base;        /* guest address of the first word */
    uint32_t *code;       /* little-endian words as they go to memory */
    size_t len, cap;      /* in words */
    uint64_t *label_addr; /* UINT64_MAX while unbound */
    size_t nb_labels, labels_cap;
    ToyFixup *fixups;
    size_t nb_fixups, fixups_cap;
    char err[160]; /* first error; empty if none */
} ToyAsm;

void toy_asm_init(ToyAsm *as, uint64_t base);
void toy_asm_free(ToyAsm *as);
/* Resolve label references; 0 on success, -1 with as->err set. */
int toy_asm_finish(ToyAsm *as);
/* Copy the code to guest memory (host pointer of guest address 0). */
bool toy_asm_load(const ToyAsm *as, uint8_t *mem, size_t mem_size);

/* Guest address of the next word; size so far in bytes. */
uint64_t toy_here(const ToyAsm *as);
size_t toy_asm_size(const ToyAsm *as);

ToyLabel toy_label(ToyAsm *as); /* new, unbound */
void toy_bind(ToyAsm *as, ToyLabel l);
ToyLabel toy_label_here(ToyAsm *as); /* new, bound here */
/* Address of a bound label (UINT64_MAX if unbound). */
uint64_t toy_label_addr(const ToyAsm *as, ToyLabel l);

/* Raw words and format-level emitters (checked). */
void toy_emit(ToyAsm *as, uint32_t word);
void toy_emit_r(ToyAsm *as, unsigned op, unsigned a, unsigned b, unsigned c);
void toy_emit_i(ToyAsm *as, unsigned op, unsigned a, unsigned b, int64_t imm);
void toy_emit_j(ToyAsm *as, unsigned op, unsigned a, int64_t imm);
void toy_emit_u(ToyAsm *as, unsigned op, unsigned a, int64_t imm);
void toy_emit_b(ToyAsm *as, unsigned op, unsigned a, unsigned b, ToyLabel l);
void toy_emit_l(ToyAsm *as, unsigned op, unsigned a, ToyLabel l);

/* One emitter per instruction, operands in assembly order. */
#define TOY_ASM_R(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rd, unsigned rs1,       \
                                  unsigned rs2)                                \
    {                                                                          \
        toy_emit_r(as, op, rd, rs1, rs2);                                      \
    }
#define TOY_ASM_I(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rd, unsigned rs1,       \
                                  int64_t imm)                                 \
    {                                                                          \
        toy_emit_i(as, op, rd, rs1, imm);                                      \
    }
#define TOY_ASM_S(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rs, unsigned base,      \
                                  int64_t imm)                                 \
    {                                                                          \
        toy_emit_i(as, op, rs, base, imm);                                     \
    }
#define TOY_ASM_B(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rs1, unsigned rs2,      \
                                  ToyLabel target)                             \
    {                                                                          \
        toy_emit_b(as, op, rs1, rs2, target);                                  \
    }
#define TOY_ASM_J(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rd, int64_t imm)        \
    {                                                                          \
        toy_emit_j(as, op, rd, imm);                                           \
    }
#define TOY_ASM_L(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rd, ToyLabel target)    \
    {                                                                          \
        toy_emit_l(as, op, rd, target);                                        \
    }
#define TOY_ASM_U(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rd, int64_t imm)        \
    {                                                                          \
        toy_emit_u(as, op, rd, imm);                                           \
    }
#define TOY_ASM_A(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rs)                     \
    {                                                                          \
        toy_emit_r(as, op, rs, 0, 0);                                          \
    }
#define TOY_ASM_P(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as, unsigned rs1, unsigned rs2)      \
    {                                                                          \
        toy_emit_r(as, op, rs1, rs2, 0);                                       \
    }
#define TOY_ASM_N(name, op)                                                    \
    static inline void toy_##name(ToyAsm *as)                                  \
    {                                                                          \
        toy_emit(as, op);                                                      \
    }
#define INSN(name, op, fmt, tr, arg) TOY_ASM_##fmt(name, op)
#include "toy-insns.def"
#undef INSN

/* Pseudo-instructions. */
void toy_li64(ToyAsm *as, unsigned rd, uint64_t value); /* shortest li+shori */
void toy_la(ToyAsm *as, unsigned rd, ToyLabel l);       /* always li+shori */
void toy_j(ToyAsm *as, ToyLabel l);                     /* jal r0 */
void toy_call(ToyAsm *as, ToyLabel l);                  /* jal r15 */
void toy_ret(ToyAsm *as);                               /* jalr r0, r15, 0 */
void toy_mov(ToyAsm *as, unsigned rd, unsigned rs);
void toy_nop(ToyAsm *as);

/* Data. */
void toy_word(ToyAsm *as, uint32_t v);
void toy_dword(ToyAsm *as, uint64_t v);
void toy_dword_label(ToyAsm *as, ToyLabel l); /* 64-bit label address */
void toy_align(ToyAsm *as, unsigned bytes);   /* pads with zero words */
void toy_space(ToyAsm *as, size_t bytes);     /* zero words, rounded up */

/* Number of words toy_li64() emits for value. */
unsigned toy_li64_len(uint64_t value);

#endif

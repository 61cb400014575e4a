/*
 * A tiny riscv64 assembler for the tests, written from the encoding
 * tables of the RISC-V unprivileged manual (independently of the
 * translator's .decode files, so that the two check each other).
 *
 * Two layers:
 *  - encoders: pure functions returning an instruction word or halfword,
 *    one per format (rv_enc_r/i/s/b/u/j) and one per instruction
 *    (rv_add(rd, rs1, rs2), rv_c_addi(rd, imm), ...). Out-of-range
 *    operands abort: a test that asks for an unencodable instruction is a
 *    broken test;
 *  - RvAsm: a growing byte buffer at a guest address with emitters, labels
 *    for branches and jumps (32-bit and compressed), and rv_li() for any
 *    64-bit constant.
 *
 * test-rv-encode.c checks a sample of the encoders against hand-assembled
 * words from the manual and, when llvm-mc is installed, every encoder
 * against LLVM's assembler.
 */
#ifndef VEMU_TESTS_RV_ASM_H
#define VEMU_TESTS_RV_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ABI register numbers used by the tests. */
enum {
    ZERO = 0,
    RA = 1,
    SP = 2,
    GP = 3,
    TP = 4,
    T0 = 5,
    T1 = 6,
    T2 = 7,
    S0 = 8,
    S1 = 9,
    A0 = 10,
    A1 = 11,
    A2 = 12,
    A3 = 13,
    A4 = 14,
    A5 = 15,
    A6 = 16,
    A7 = 17,
    S2 = 18,
    S3 = 19,
    S4 = 20,
    S5 = 21,
    T3 = 28,
    T4 = 29,
    T5 = 30,
    T6 = 31,
};

/* ---- format encoders (the manual's figure "RISC-V base instruction
 * formats") ---- */
uint32_t rv_enc_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned rd, unsigned opcode);
uint32_t rv_enc_i(int32_t imm, unsigned rs1, unsigned funct3, unsigned rd,
                  unsigned opcode);
uint32_t rv_enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned opcode);
uint32_t rv_enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned opcode);
/* imm20: the 20-bit upper immediate field (bits 31:12 of the value). */
uint32_t rv_enc_u(uint32_t imm20, unsigned rd, unsigned opcode);
uint32_t rv_enc_j(int32_t imm, unsigned rd, unsigned opcode);

/* ---- instruction encoders ---- */

/* Register-register: name, funct7, funct3, opcode. OP = 0x33, OP-32 =
 * 0x3b. Unary Zbb ops (clz...) are here too with their fixed rs2 field:
 * see RV_UNARY_OPS. */
#define RV_R_OPS(X)                                                            \
    X(add, 0x00, 0, 0x33)                                                      \
    X(sub, 0x20, 0, 0x33)                                                      \
    X(sll, 0x00, 1, 0x33)                                                      \
    X(slt, 0x00, 2, 0x33)                                                      \
    X(sltu, 0x00, 3, 0x33)                                                     \
    X(xor, 0x00, 4, 0x33)                                                      \
    X(srl, 0x00, 5, 0x33)                                                      \
    X(sra, 0x20, 5, 0x33)                                                      \
    X(or, 0x00, 6, 0x33)                                                       \
    X(and, 0x00, 7, 0x33)                                                      \
    X(addw, 0x00, 0, 0x3b)                                                     \
    X(subw, 0x20, 0, 0x3b)                                                     \
    X(sllw, 0x00, 1, 0x3b)                                                     \
    X(srlw, 0x00, 5, 0x3b)                                                     \
    X(sraw, 0x20, 5, 0x3b)                                                     \
    X(mul, 0x01, 0, 0x33)                                                      \
    X(mulh, 0x01, 1, 0x33)                                                     \
    X(mulhsu, 0x01, 2, 0x33)                                                   \
    X(mulhu, 0x01, 3, 0x33)                                                    \
    X(div, 0x01, 4, 0x33)                                                      \
    X(divu, 0x01, 5, 0x33)                                                     \
    X(rem, 0x01, 6, 0x33)                                                      \
    X(remu, 0x01, 7, 0x33)                                                     \
    X(mulw, 0x01, 0, 0x3b)                                                     \
    X(divw, 0x01, 4, 0x3b)                                                     \
    X(divuw, 0x01, 5, 0x3b)                                                    \
    X(remw, 0x01, 6, 0x3b)                                                     \
    X(remuw, 0x01, 7, 0x3b)                                                    \
    X(sh1add, 0x10, 2, 0x33)                                                   \
    X(sh2add, 0x10, 4, 0x33)                                                   \
    X(sh3add, 0x10, 6, 0x33)                                                   \
    X(add_uw, 0x04, 0, 0x3b)                                                   \
    X(sh1add_uw, 0x10, 2, 0x3b)                                                \
    X(sh2add_uw, 0x10, 4, 0x3b)                                                \
    X(sh3add_uw, 0x10, 6, 0x3b)                                                \
    X(andn, 0x20, 7, 0x33)                                                     \
    X(orn, 0x20, 6, 0x33)                                                      \
    X(xnor, 0x20, 4, 0x33)                                                     \
    X(max, 0x05, 6, 0x33)                                                      \
    X(maxu, 0x05, 7, 0x33)                                                     \
    X(min, 0x05, 4, 0x33)                                                      \
    X(minu, 0x05, 5, 0x33)                                                     \
    X(rol, 0x30, 1, 0x33)                                                      \
    X(ror, 0x30, 5, 0x33)                                                      \
    X(rolw, 0x30, 1, 0x3b)                                                     \
    X(rorw, 0x30, 5, 0x3b)                                                     \
    X(bclr, 0x24, 1, 0x33)                                                     \
    X(bext, 0x24, 5, 0x33)                                                     \
    X(binv, 0x34, 1, 0x33)                                                     \
    X(bset, 0x14, 1, 0x33)

/* Unary: name, funct7, rs2 field, funct3, opcode (OP-IMM = 0x13,
 * OP-IMM-32 = 0x1b, OP-32 = 0x3b). orc.b and rev8 have a 12-bit
 * funct12 = funct7:rs2. */
#define RV_UNARY_OPS(X)                                                        \
    X(clz, 0x30, 0, 1, 0x13)                                                   \
    X(ctz, 0x30, 1, 1, 0x13)                                                   \
    X(cpop, 0x30, 2, 1, 0x13)                                                  \
    X(sext_b, 0x30, 4, 1, 0x13)                                                \
    X(sext_h, 0x30, 5, 1, 0x13)                                                \
    X(clzw, 0x30, 0, 1, 0x1b)                                                  \
    X(ctzw, 0x30, 1, 1, 0x1b)                                                  \
    X(cpopw, 0x30, 2, 1, 0x1b)                                                 \
    X(zext_h, 0x04, 0, 4, 0x3b)                                                \
    X(orc_b, 0x14, 7, 5, 0x13)                                                 \
    X(rev8, 0x35, 24, 5, 0x13)

/* Immediate (12-bit signed): name, funct3, opcode. Loads (opcode 0x03)
 * and jalr use the same shape: rd, rs1, imm. */
#define RV_I_OPS(X)                                                            \
    X(addi, 0, 0x13)                                                           \
    X(slti, 2, 0x13)                                                           \
    X(sltiu, 3, 0x13)                                                          \
    X(xori, 4, 0x13)                                                           \
    X(ori, 6, 0x13)                                                            \
    X(andi, 7, 0x13)                                                           \
    X(addiw, 0, 0x1b)                                                          \
    X(jalr, 0, 0x67)                                                           \
    X(lb, 0, 0x03)                                                             \
    X(lh, 1, 0x03)                                                             \
    X(lw, 2, 0x03)                                                             \
    X(ld, 3, 0x03)                                                             \
    X(lbu, 4, 0x03)                                                            \
    X(lhu, 5, 0x03)                                                            \
    X(lwu, 6, 0x03)

/* Shift-immediate: name, top bits above shamt (imm[11:6] for 6-bit
 * shamts, imm[11:5] for 5-bit ones), shamt width, funct3, opcode. */
#define RV_SH_OPS(X)                                                           \
    X(slli, 0x00, 6, 1, 0x13)                                                  \
    X(srli, 0x00, 6, 5, 0x13)                                                  \
    X(srai, 0x10, 6, 5, 0x13)                                                  \
    X(slliw, 0x00, 5, 1, 0x1b)                                                 \
    X(srliw, 0x00, 5, 5, 0x1b)                                                 \
    X(sraiw, 0x20, 5, 5, 0x1b)                                                 \
    X(slli_uw, 0x02, 6, 1, 0x1b)                                               \
    X(rori, 0x18, 6, 5, 0x13)                                                  \
    X(roriw, 0x30, 5, 5, 0x1b)                                                 \
    X(bclri, 0x12, 6, 1, 0x13)                                                 \
    X(bexti, 0x12, 6, 5, 0x13)                                                 \
    X(binvi, 0x1a, 6, 1, 0x13)                                                 \
    X(bseti, 0x0a, 6, 1, 0x13)

/* Stores: name, funct3. Branches: name, funct3. */
#define RV_S_OPS(X) X(sb, 0) X(sh, 1) X(sw, 2) X(sd, 3)
#define RV_B_OPS(X)                                                            \
    X(beq, 0) X(bne, 1) X(blt, 4) X(bge, 5) X(bltu, 6) X(bgeu, 7)

/* AMOs: name, funct5; each exists as .w (funct3 2) and .d (funct3 3). */
#define RV_AMO_OPS(X)                                                          \
    X(amoswap, 0x01)                                                           \
    X(amoadd, 0x00)                                                            \
    X(amoxor, 0x04)                                                            \
    X(amoand, 0x0c)                                                            \
    X(amoor, 0x08)                                                             \
    X(amomin, 0x10)                                                            \
    X(amomax, 0x14)                                                            \
    X(amominu, 0x18)                                                           \
    X(amomaxu, 0x1c)

#define X(name, f7, f3, op)                                                    \
    static inline uint32_t rv_##name(unsigned rd, unsigned rs1, unsigned rs2)  \
    {                                                                          \
        return rv_enc_r(f7, rs2, rs1, f3, rd, op);                             \
    }
RV_R_OPS(X)
#undef X
#define X(name, f7, rs2f, f3, op)                                              \
    static inline uint32_t rv_##name(unsigned rd, unsigned rs1)                \
    {                                                                          \
        return rv_enc_r(f7, rs2f, rs1, f3, rd, op);                            \
    }
RV_UNARY_OPS(X)
#undef X
#define X(name, f3, op)                                                        \
    static inline uint32_t rv_##name(unsigned rd, unsigned rs1, int32_t imm)   \
    {                                                                          \
        return rv_enc_i(imm, rs1, f3, rd, op);                                 \
    }
RV_I_OPS(X)
#undef X
uint32_t rv_enc_shift(unsigned top, unsigned width, unsigned shamt,
                      unsigned rs1, unsigned funct3, unsigned rd,
                      unsigned opcode);
#define X(name, top, width, f3, op)                                            \
    static inline uint32_t rv_##name(unsigned rd, unsigned rs1,                \
                                     unsigned shamt)                           \
    {                                                                          \
        return rv_enc_shift(top, width, shamt, rs1, f3, rd, op);               \
    }
RV_SH_OPS(X)
#undef X
#define X(name, f3)                                                            \
    static inline uint32_t rv_##name(unsigned rs2, unsigned rs1, int32_t imm)  \
    {                                                                          \
        return rv_enc_s(imm, rs2, rs1, f3, 0x23);                              \
    }
RV_S_OPS(X)
#undef X
#define X(name, f3)                                                            \
    static inline uint32_t rv_##name(unsigned rs1, unsigned rs2, int32_t off)  \
    {                                                                          \
        return rv_enc_b(off, rs2, rs1, f3, 0x63);                              \
    }
RV_B_OPS(X)
#undef X

/* AMO word: funct5 | aq | rl | rs2 | rs1 | funct3 | rd | 0101111. */
uint32_t rv_enc_amo(unsigned funct5, bool aq, bool rl, unsigned rs2,
                    unsigned rs1, unsigned funct3, unsigned rd);
#define X(name, f5)                                                            \
    static inline uint32_t rv_##name##_w(unsigned rd, unsigned rs2,            \
                                         unsigned rs1, bool aq, bool rl)       \
    {                                                                          \
        return rv_enc_amo(f5, aq, rl, rs2, rs1, 2, rd);                        \
    }                                                                          \
    static inline uint32_t rv_##name##_d(unsigned rd, unsigned rs2,            \
                                         unsigned rs1, bool aq, bool rl)       \
    {                                                                          \
        return rv_enc_amo(f5, aq, rl, rs2, rs1, 3, rd);                        \
    }
RV_AMO_OPS(X)
#undef X
static inline uint32_t rv_lr_w(unsigned rd, unsigned rs1, bool aq, bool rl)
{
    return rv_enc_amo(0x02, aq, rl, 0, rs1, 2, rd);
}
static inline uint32_t rv_lr_d(unsigned rd, unsigned rs1, bool aq, bool rl)
{
    return rv_enc_amo(0x02, aq, rl, 0, rs1, 3, rd);
}
static inline uint32_t rv_sc_w(unsigned rd, unsigned rs2, unsigned rs1, bool aq,
                               bool rl)
{
    return rv_enc_amo(0x03, aq, rl, rs2, rs1, 2, rd);
}
static inline uint32_t rv_sc_d(unsigned rd, unsigned rs2, unsigned rs1, bool aq,
                               bool rl)
{
    return rv_enc_amo(0x03, aq, rl, rs2, rs1, 3, rd);
}

/* lui/auipc take the 20-bit field; jal an even byte offset. */
static inline uint32_t rv_lui(unsigned rd, uint32_t imm20)
{
    return rv_enc_u(imm20, rd, 0x37);
}
static inline uint32_t rv_auipc(unsigned rd, uint32_t imm20)
{
    return rv_enc_u(imm20, rd, 0x17);
}
static inline uint32_t rv_jal(unsigned rd, int32_t off)
{
    return rv_enc_j(off, rd, 0x6f);
}

/* SYSTEM and MISC-MEM. csr ops: funct3 1..3 (register) and 5..7 (uimm in
 * the rs1 field). */
#define RV_ECALL 0x00000073u
#define RV_EBREAK 0x00100073u
#define RV_FENCE_I 0x0000100fu
uint32_t rv_fence(unsigned pred, unsigned succ);
uint32_t rv_csr(unsigned funct3, unsigned rd, unsigned csr, unsigned rs1);
static inline uint32_t rv_csrrw(unsigned rd, unsigned csr, unsigned rs1)
{
    return rv_csr(1, rd, csr, rs1);
}
static inline uint32_t rv_csrrs(unsigned rd, unsigned csr, unsigned rs1)
{
    return rv_csr(2, rd, csr, rs1);
}
static inline uint32_t rv_csrrc(unsigned rd, unsigned csr, unsigned rs1)
{
    return rv_csr(3, rd, csr, rs1);
}
static inline uint32_t rv_csrrwi(unsigned rd, unsigned csr, unsigned uimm)
{
    return rv_csr(5, rd, csr, uimm);
}
static inline uint32_t rv_csrrsi(unsigned rd, unsigned csr, unsigned uimm)
{
    return rv_csr(6, rd, csr, uimm);
}
static inline uint32_t rv_csrrci(unsigned rd, unsigned csr, unsigned uimm)
{
    return rv_csr(7, rd, csr, uimm);
}

/* ---- compressed encoders (the manual's RVC tables). Registers written
 * rd'/rs1'/rs2' must be x8..x15; immediates must be representable. ---- */
uint16_t rv_c_addi4spn(unsigned rdp, unsigned nzuimm);
uint16_t rv_c_lw(unsigned rdp, unsigned rs1p, unsigned uimm);
uint16_t rv_c_ld(unsigned rdp, unsigned rs1p, unsigned uimm);
uint16_t rv_c_sw(unsigned rs2p, unsigned rs1p, unsigned uimm);
uint16_t rv_c_sd(unsigned rs2p, unsigned rs1p, unsigned uimm);
uint16_t rv_c_addi(unsigned rd, int imm);
uint16_t rv_c_addiw(unsigned rd, int imm);
uint16_t rv_c_li(unsigned rd, int imm);
uint16_t rv_c_addi16sp(int nzimm);
/* imm6: the signed 6-bit field nzimm[17:12]; rd gets imm6 << 12. */
uint16_t rv_c_lui(unsigned rd, int imm6);
uint16_t rv_c_srli(unsigned rdp, unsigned shamt);
uint16_t rv_c_srai(unsigned rdp, unsigned shamt);
uint16_t rv_c_andi(unsigned rdp, int imm);
uint16_t rv_c_sub(unsigned rdp, unsigned rs2p);
uint16_t rv_c_xor(unsigned rdp, unsigned rs2p);
uint16_t rv_c_or(unsigned rdp, unsigned rs2p);
uint16_t rv_c_and(unsigned rdp, unsigned rs2p);
uint16_t rv_c_subw(unsigned rdp, unsigned rs2p);
uint16_t rv_c_addw(unsigned rdp, unsigned rs2p);
uint16_t rv_c_j(int off);
uint16_t rv_c_beqz(unsigned rs1p, int off);
uint16_t rv_c_bnez(unsigned rs1p, int off);
uint16_t rv_c_slli(unsigned rd, unsigned shamt);
uint16_t rv_c_lwsp(unsigned rd, unsigned uimm);
uint16_t rv_c_ldsp(unsigned rd, unsigned uimm);
uint16_t rv_c_swsp(unsigned rs2, unsigned uimm);
uint16_t rv_c_sdsp(unsigned rs2, unsigned uimm);
uint16_t rv_c_jr(unsigned rs1);
uint16_t rv_c_mv(unsigned rd, unsigned rs2);
uint16_t rv_c_ebreak(void);
uint16_t rv_c_jalr(unsigned rs1);
uint16_t rv_c_add(unsigned rd, unsigned rs2);

/* ---- the buffer ---- */

typedef uint32_t RvLabel;

typedef struct RvFixup {
    size_t pos; /* byte offset of the instruction */
    RvLabel label;
    uint32_t insn; /* the instruction with a zero offset */
    int kind;      /* RV_FIX_* */
} RvFixup;

typedef struct RvAsm {
    uint64_t base; /* guest address of byte 0 */
    uint8_t *buf;
    size_t len, cap;
    uint64_t *labels; /* UINT64_MAX: unbound */
    size_t nb_labels;
    RvFixup *fixups;
    size_t nb_fixups;
} RvAsm;

void rv_asm_init(RvAsm *as, uint64_t base);
void rv_asm_free(RvAsm *as);
/* Resolve the label references (aborts on an unbound label or an offset
 * out of range). */
void rv_asm_finish(RvAsm *as);
uint64_t rv_here(const RvAsm *as);

void rv_emit(RvAsm *as, uint32_t insn);   /* 4 bytes, little-endian */
void rv_emit16(RvAsm *as, uint16_t insn); /* 2 bytes */
void rv_emit64(RvAsm *as, uint64_t data); /* 8 data bytes */

RvLabel rv_label(RvAsm *as);
void rv_bind(RvAsm *as, RvLabel l);
uint64_t rv_label_addr(const RvAsm *as, RvLabel l);

/* Branches and jumps to labels. */
void rv_branch_to(RvAsm *as, uint32_t insn_with_zero_offset, RvLabel l);
void rv_jal_to(RvAsm *as, unsigned rd, RvLabel l);
void rv_c_j_to(RvAsm *as, RvLabel l);
void rv_c_beqz_to(RvAsm *as, unsigned rs1p, RvLabel l);
void rv_c_bnez_to(RvAsm *as, unsigned rs1p, RvLabel l);

/* rd = value, in at most 8 instructions (lui/addi(w)/slli/addi). */
void rv_li(RvAsm *as, unsigned rd, uint64_t value);

#endif

/*
 * The test assembler's encoders and buffer (see rv-asm.h). Each encoder
 * scatters its fields exactly as the manual's format figures draw them;
 * an operand that does not fit aborts with a message, since it means the
 * test itself is wrong.
 */
#include "rv-asm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void asm_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "rv-asm: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void check_reg(unsigned r)
{
    if (r > 31) {
        asm_fail("register x%u does not exist", r);
    }
}

static void check_signed(int64_t v, int bits, const char *what)
{
    int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1));

    if (v < lo || v >= hi) {
        asm_fail("%s %lld does not fit in %d signed bits", what, (long long)v,
                 bits);
    }
}

static void check_unsigned(uint64_t v, int bits, const char *what)
{
    if (v >> bits) {
        asm_fail("%s %llu does not fit in %d bits", what, (unsigned long long)v,
                 bits);
    }
}

static void check_align(int64_t v, int64_t align, const char *what)
{
    if (v % align) {
        asm_fail("%s %lld is not a multiple of %lld", what, (long long)v,
                 (long long)align);
    }
}

/* Bits [lo, lo + n) of v. */
static uint32_t bits(uint64_t v, int lo, int n)
{
    return (uint32_t)(v >> lo) & ((1u << n) - 1);
}

/* ---- 32-bit formats ---- */

uint32_t rv_enc_r(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned rd, unsigned opcode)
{
    check_reg(rd);
    check_reg(rs1);
    check_reg(rs2);
    return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
           opcode;
}

uint32_t rv_enc_i(int32_t imm, unsigned rs1, unsigned funct3, unsigned rd,
                  unsigned opcode)
{
    check_reg(rd);
    check_reg(rs1);
    check_signed(imm, 12, "I-immediate");
    return bits((uint32_t)imm, 0, 12) << 20 | rs1 << 15 | funct3 << 12 |
           rd << 7 | opcode;
}

uint32_t rv_enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned opcode)
{
    check_reg(rs1);
    check_reg(rs2);
    check_signed(imm, 12, "S-immediate");
    return bits((uint32_t)imm, 5, 7) << 25 | rs2 << 20 | rs1 << 15 |
           funct3 << 12 | bits((uint32_t)imm, 0, 5) << 7 | opcode;
}

/* imm[12|10:5] rs2 rs1 funct3 imm[4:1|11] opcode */
uint32_t rv_enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned funct3,
                  unsigned opcode)
{
    uint32_t u = (uint32_t)imm;

    check_reg(rs1);
    check_reg(rs2);
    check_signed(imm, 13, "branch offset");
    check_align(imm, 2, "branch offset");
    return bits(u, 12, 1) << 31 | bits(u, 5, 6) << 25 | rs2 << 20 | rs1 << 15 |
           funct3 << 12 | bits(u, 1, 4) << 8 | bits(u, 11, 1) << 7 | opcode;
}

uint32_t rv_enc_u(uint32_t imm20, unsigned rd, unsigned opcode)
{
    check_reg(rd);
    check_unsigned(imm20, 20, "U-immediate");
    return imm20 << 12 | rd << 7 | opcode;
}

/* imm[20|10:1|11|19:12] rd opcode */
uint32_t rv_enc_j(int32_t imm, unsigned rd, unsigned opcode)
{
    uint32_t u = (uint32_t)imm;

    check_reg(rd);
    check_signed(imm, 21, "jump offset");
    check_align(imm, 2, "jump offset");
    return bits(u, 20, 1) << 31 | bits(u, 1, 10) << 21 | bits(u, 11, 1) << 20 |
           bits(u, 12, 8) << 12 | rd << 7 | opcode;
}

uint32_t rv_enc_shift(unsigned top, unsigned width, unsigned shamt,
                      unsigned rs1, unsigned funct3, unsigned rd,
                      unsigned opcode)
{
    check_reg(rd);
    check_reg(rs1);
    check_unsigned(shamt, (int)width, "shift amount");
    return top << (20 + width) | shamt << 20 | rs1 << 15 | funct3 << 12 |
           rd << 7 | opcode;
}

uint32_t rv_enc_amo(unsigned funct5, bool aq, bool rl, unsigned rs2,
                    unsigned rs1, unsigned funct3, unsigned rd)
{
    return rv_enc_r(funct5 << 2 | (aq ? 2u : 0u) | (rl ? 1u : 0u), rs2, rs1,
                    funct3, rd, 0x2f);
}

/* fm = 0 | pred | succ | rs1 = 0 | 000 | rd = 0 | 0001111 */
uint32_t rv_fence(unsigned pred, unsigned succ)
{
    check_unsigned(pred, 4, "fence pred");
    check_unsigned(succ, 4, "fence succ");
    return pred << 24 | succ << 20 | 0x0f;
}

uint32_t rv_csr(unsigned funct3, unsigned rd, unsigned csr, unsigned rs1)
{
    check_reg(rd);
    check_reg(rs1);
    check_unsigned(csr, 12, "CSR number");
    return csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73;
}

/* ---- compressed ---- */

static unsigned creg(unsigned r)
{
    if (r < 8 || r > 15) {
        asm_fail("x%u is not one of x8..x15 (a 3-bit RVC register)", r);
    }
    return r - 8;
}

static uint16_t c_u(uint32_t v)
{
    return (uint16_t)v;
}

/* CIW: 000 nzuimm[5:4|9:6|2|3] rd' 00 */
uint16_t rv_c_addi4spn(unsigned rdp, unsigned nzuimm)
{
    check_unsigned(nzuimm, 10, "c.addi4spn immediate");
    check_align(nzuimm, 4, "c.addi4spn immediate");
    return c_u(0u << 13 | bits(nzuimm, 4, 2) << 11 | bits(nzuimm, 6, 4) << 7 |
               bits(nzuimm, 2, 1) << 6 | bits(nzuimm, 3, 1) << 5 |
               creg(rdp) << 2 | 0);
}

/* CL/CS word: funct3 uimm[5:3] rs1' uimm[2|6] rd'/rs2' 00 */
static uint16_t c_lsw(unsigned f3, unsigned r, unsigned rs1p, unsigned uimm)
{
    check_unsigned(uimm, 7, "c.lw/c.sw offset");
    check_align(uimm, 4, "c.lw/c.sw offset");
    return c_u(f3 << 13 | bits(uimm, 3, 3) << 10 | creg(rs1p) << 7 |
               bits(uimm, 2, 1) << 6 | bits(uimm, 6, 1) << 5 | creg(r) << 2);
}

/* CL/CS double: funct3 uimm[5:3] rs1' uimm[7:6] rd'/rs2' 00 */
static uint16_t c_lsd(unsigned f3, unsigned r, unsigned rs1p, unsigned uimm)
{
    check_unsigned(uimm, 8, "c.ld/c.sd offset");
    check_align(uimm, 8, "c.ld/c.sd offset");
    return c_u(f3 << 13 | bits(uimm, 3, 3) << 10 | creg(rs1p) << 7 |
               bits(uimm, 6, 2) << 5 | creg(r) << 2);
}

uint16_t rv_c_lw(unsigned rdp, unsigned rs1p, unsigned uimm)
{
    return c_lsw(2, rdp, rs1p, uimm);
}

uint16_t rv_c_ld(unsigned rdp, unsigned rs1p, unsigned uimm)
{
    return c_lsd(3, rdp, rs1p, uimm);
}

uint16_t rv_c_sw(unsigned rs2p, unsigned rs1p, unsigned uimm)
{
    return c_lsw(6, rs2p, rs1p, uimm);
}

uint16_t rv_c_sd(unsigned rs2p, unsigned rs1p, unsigned uimm)
{
    return c_lsd(7, rs2p, rs1p, uimm);
}

/* CI: funct3 imm[5] rd imm[4:0] op */
static uint16_t c_ci(unsigned f3, unsigned rd, uint32_t imm6, unsigned op)
{
    check_reg(rd);
    return c_u(f3 << 13 | bits(imm6, 5, 1) << 12 | rd << 7 |
               bits(imm6, 0, 5) << 2 | op);
}

uint16_t rv_c_addi(unsigned rd, int imm)
{
    check_signed(imm, 6, "c.addi immediate");
    return c_ci(0, rd, (uint32_t)imm, 1);
}

uint16_t rv_c_addiw(unsigned rd, int imm)
{
    check_signed(imm, 6, "c.addiw immediate");
    return c_ci(1, rd, (uint32_t)imm, 1);
}

uint16_t rv_c_li(unsigned rd, int imm)
{
    check_signed(imm, 6, "c.li immediate");
    return c_ci(2, rd, (uint32_t)imm, 1);
}

/* 011 nzimm[9] 00010 nzimm[4|6|8:7|5] 01 */
uint16_t rv_c_addi16sp(int nzimm)
{
    uint32_t u = (uint32_t)nzimm;

    check_signed(nzimm, 10, "c.addi16sp immediate");
    check_align(nzimm, 16, "c.addi16sp immediate");
    return c_u(3u << 13 | bits(u, 9, 1) << 12 | 2u << 7 | bits(u, 4, 1) << 6 |
               bits(u, 6, 1) << 5 | bits(u, 7, 2) << 3 | bits(u, 5, 1) << 2 |
               1);
}

uint16_t rv_c_lui(unsigned rd, int imm6)
{
    check_signed(imm6, 6, "c.lui immediate");
    return c_ci(3, rd, (uint32_t)imm6, 1);
}

/* CB shifts/andi: 100 imm[5] funct2 rd' imm[4:0] 01 */
static uint16_t c_cb_alu(unsigned f2, unsigned rdp, uint32_t imm6)
{
    return c_u(4u << 13 | bits(imm6, 5, 1) << 12 | f2 << 10 | creg(rdp) << 7 |
               bits(imm6, 0, 5) << 2 | 1);
}

uint16_t rv_c_srli(unsigned rdp, unsigned shamt)
{
    check_unsigned(shamt, 6, "c.srli shift");
    return c_cb_alu(0, rdp, shamt);
}

uint16_t rv_c_srai(unsigned rdp, unsigned shamt)
{
    check_unsigned(shamt, 6, "c.srai shift");
    return c_cb_alu(1, rdp, shamt);
}

uint16_t rv_c_andi(unsigned rdp, int imm)
{
    check_signed(imm, 6, "c.andi immediate");
    return c_cb_alu(2, rdp, (uint32_t)imm);
}

/* CA: 100 bit12 11 rd' funct2 rs2' 01 */
static uint16_t c_ca(unsigned bit12, unsigned f2, unsigned rdp, unsigned rs2p)
{
    return c_u(4u << 13 | bit12 << 12 | 3u << 10 | creg(rdp) << 7 | f2 << 5 |
               creg(rs2p) << 2 | 1);
}

uint16_t rv_c_sub(unsigned rdp, unsigned rs2p)
{
    return c_ca(0, 0, rdp, rs2p);
}

uint16_t rv_c_xor(unsigned rdp, unsigned rs2p)
{
    return c_ca(0, 1, rdp, rs2p);
}

uint16_t rv_c_or(unsigned rdp, unsigned rs2p)
{
    return c_ca(0, 2, rdp, rs2p);
}

uint16_t rv_c_and(unsigned rdp, unsigned rs2p)
{
    return c_ca(0, 3, rdp, rs2p);
}

uint16_t rv_c_subw(unsigned rdp, unsigned rs2p)
{
    return c_ca(1, 0, rdp, rs2p);
}

uint16_t rv_c_addw(unsigned rdp, unsigned rs2p)
{
    return c_ca(1, 1, rdp, rs2p);
}

/* CJ: 101 imm[11|4|9:8|10|6|7|3:1|5] 01 */
uint16_t rv_c_j(int off)
{
    uint32_t u = (uint32_t)off;

    check_signed(off, 12, "c.j offset");
    check_align(off, 2, "c.j offset");
    return c_u(5u << 13 | bits(u, 11, 1) << 12 | bits(u, 4, 1) << 11 |
               bits(u, 8, 2) << 9 | bits(u, 10, 1) << 8 | bits(u, 6, 1) << 7 |
               bits(u, 7, 1) << 6 | bits(u, 1, 3) << 3 | bits(u, 5, 1) << 2 |
               1);
}

/* CB: funct3 imm[8|4:3] rs1' imm[7:6|2:1|5] 01 */
static uint16_t c_cb(unsigned f3, unsigned rs1p, int off)
{
    uint32_t u = (uint32_t)off;

    check_signed(off, 9, "c.beqz/c.bnez offset");
    check_align(off, 2, "c.beqz/c.bnez offset");
    return c_u(f3 << 13 | bits(u, 8, 1) << 12 | bits(u, 3, 2) << 10 |
               creg(rs1p) << 7 | bits(u, 6, 2) << 5 | bits(u, 1, 2) << 3 |
               bits(u, 5, 1) << 2 | 1);
}

uint16_t rv_c_beqz(unsigned rs1p, int off)
{
    return c_cb(6, rs1p, off);
}

uint16_t rv_c_bnez(unsigned rs1p, int off)
{
    return c_cb(7, rs1p, off);
}

uint16_t rv_c_slli(unsigned rd, unsigned shamt)
{
    check_unsigned(shamt, 6, "c.slli shift");
    return c_ci(0, rd, shamt, 2);
}

/* 010 uimm[5] rd uimm[4:2|7:6] 10 */
uint16_t rv_c_lwsp(unsigned rd, unsigned uimm)
{
    check_reg(rd);
    check_unsigned(uimm, 8, "c.lwsp offset");
    check_align(uimm, 4, "c.lwsp offset");
    return c_u(2u << 13 | bits(uimm, 5, 1) << 12 | rd << 7 |
               bits(uimm, 2, 3) << 4 | bits(uimm, 6, 2) << 2 | 2);
}

/* 011 uimm[5] rd uimm[4:3|8:6] 10 */
uint16_t rv_c_ldsp(unsigned rd, unsigned uimm)
{
    check_reg(rd);
    check_unsigned(uimm, 9, "c.ldsp offset");
    check_align(uimm, 8, "c.ldsp offset");
    return c_u(3u << 13 | bits(uimm, 5, 1) << 12 | rd << 7 |
               bits(uimm, 3, 2) << 5 | bits(uimm, 6, 3) << 2 | 2);
}

/* 110 uimm[5:2|7:6] rs2 10 */
uint16_t rv_c_swsp(unsigned rs2, unsigned uimm)
{
    check_reg(rs2);
    check_unsigned(uimm, 8, "c.swsp offset");
    check_align(uimm, 4, "c.swsp offset");
    return c_u(6u << 13 | bits(uimm, 2, 4) << 9 | bits(uimm, 6, 2) << 7 |
               rs2 << 2 | 2);
}

/* 111 uimm[5:3|8:6] rs2 10 */
uint16_t rv_c_sdsp(unsigned rs2, unsigned uimm)
{
    check_reg(rs2);
    check_unsigned(uimm, 9, "c.sdsp offset");
    check_align(uimm, 8, "c.sdsp offset");
    return c_u(7u << 13 | bits(uimm, 3, 3) << 10 | bits(uimm, 6, 3) << 7 |
               rs2 << 2 | 2);
}

/* CR: 100 bit12 rd/rs1 rs2 10 */
static uint16_t c_cr(unsigned bit12, unsigned r1, unsigned rs2)
{
    check_reg(r1);
    check_reg(rs2);
    return c_u(4u << 13 | bit12 << 12 | r1 << 7 | rs2 << 2 | 2);
}

uint16_t rv_c_jr(unsigned rs1)
{
    return c_cr(0, rs1, 0);
}

uint16_t rv_c_mv(unsigned rd, unsigned rs2)
{
    return c_cr(0, rd, rs2);
}

uint16_t rv_c_ebreak(void)
{
    return c_cr(1, 0, 0);
}

uint16_t rv_c_jalr(unsigned rs1)
{
    return c_cr(1, rs1, 0);
}

uint16_t rv_c_add(unsigned rd, unsigned rs2)
{
    return c_cr(1, rd, rs2);
}

/* ---- buffer, labels ---- */

enum { RV_FIX_B, RV_FIX_J, RV_FIX_CJ, RV_FIX_CB };

void rv_asm_init(RvAsm *as, uint64_t base)
{
    memset(as, 0, sizeof(*as));
    as->base = base;
}

void rv_asm_free(RvAsm *as)
{
    free(as->buf);
    free(as->labels);
    free(as->fixups);
    memset(as, 0, sizeof(*as));
}

uint64_t rv_here(const RvAsm *as)
{
    return as->base + as->len;
}

static void put(RvAsm *as, const void *p, size_t n)
{
    if (as->len + n > as->cap) {
        as->cap = as->cap ? as->cap * 2 : 256;
        if (as->cap < as->len + n) {
            as->cap = as->len + n;
        }
        as->buf = realloc(as->buf, as->cap);
        if (!as->buf) {
            asm_fail("out of memory");
        }
    }
    memcpy(as->buf + as->len, p, n);
    as->len += n;
}

void rv_emit(RvAsm *as, uint32_t insn)
{
    uint8_t b[4] = {(uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16),
                    (uint8_t)(insn >> 24)};
    put(as, b, 4);
}

void rv_emit16(RvAsm *as, uint16_t insn)
{
    uint8_t b[2] = {(uint8_t)insn, (uint8_t)(insn >> 8)};
    put(as, b, 2);
}

void rv_emit64(RvAsm *as, uint64_t data)
{
    rv_emit(as, (uint32_t)data);
    rv_emit(as, (uint32_t)(data >> 32));
}

RvLabel rv_label(RvAsm *as)
{
    as->labels = realloc(as->labels, (as->nb_labels + 1) * sizeof(uint64_t));
    if (!as->labels) {
        asm_fail("out of memory");
    }
    as->labels[as->nb_labels] = UINT64_MAX;
    return (RvLabel)as->nb_labels++;
}

void rv_bind(RvAsm *as, RvLabel l)
{
    as->labels[l] = rv_here(as);
}

uint64_t rv_label_addr(const RvAsm *as, RvLabel l)
{
    return as->labels[l];
}

static void add_fixup(RvAsm *as, int kind, RvLabel l, uint32_t insn)
{
    as->fixups = realloc(as->fixups, (as->nb_fixups + 1) * sizeof(RvFixup));
    if (!as->fixups) {
        asm_fail("out of memory");
    }
    as->fixups[as->nb_fixups++] =
        (RvFixup){.pos = as->len, .label = l, .insn = insn, .kind = kind};
}

void rv_branch_to(RvAsm *as, uint32_t insn, RvLabel l)
{
    add_fixup(as, RV_FIX_B, l, insn);
    rv_emit(as, insn);
}

void rv_jal_to(RvAsm *as, unsigned rd, RvLabel l)
{
    uint32_t insn = rv_jal(rd, 0);

    add_fixup(as, RV_FIX_J, l, insn);
    rv_emit(as, insn);
}

void rv_c_j_to(RvAsm *as, RvLabel l)
{
    uint16_t insn = rv_c_j(0);

    add_fixup(as, RV_FIX_CJ, l, insn);
    rv_emit16(as, insn);
}

void rv_c_beqz_to(RvAsm *as, unsigned rs1p, RvLabel l)
{
    uint16_t insn = rv_c_beqz(rs1p, 0);

    add_fixup(as, RV_FIX_CB, l, insn);
    rv_emit16(as, insn);
}

void rv_c_bnez_to(RvAsm *as, unsigned rs1p, RvLabel l)
{
    uint16_t insn = rv_c_bnez(rs1p, 0);

    add_fixup(as, RV_FIX_CB, l, insn);
    rv_emit16(as, insn);
}

void rv_asm_finish(RvAsm *as)
{
    for (size_t i = 0; i < as->nb_fixups; i++) {
        RvFixup *f = &as->fixups[i];
        uint64_t target = as->labels[f->label];
        int64_t off = (int64_t)(target - (as->base + f->pos));
        uint32_t insn = f->insn;

        if (target == UINT64_MAX) {
            asm_fail("label %u is never bound", f->label);
        }
        switch (f->kind) {
        case RV_FIX_B:
            /* Keep rs1, rs2, funct3, opcode; put the offset in. */
            insn = rv_enc_b((int32_t)off, bits(insn, 20, 5), bits(insn, 15, 5),
                            bits(insn, 12, 3), bits(insn, 0, 7));
            break;
        case RV_FIX_J:
            insn = rv_jal(bits(insn, 7, 5), (int32_t)off);
            break;
        case RV_FIX_CJ:
            insn = rv_c_j((int)off);
            break;
        case RV_FIX_CB:
            insn = bits(insn, 13, 3) == 6
                       ? rv_c_beqz(bits(insn, 7, 3) + 8, (int)off)
                       : rv_c_bnez(bits(insn, 7, 3) + 8, (int)off);
            break;
        }
        for (int b = 0; b < (f->kind >= RV_FIX_CJ ? 2 : 4); b++) {
            as->buf[f->pos + (size_t)b] = (uint8_t)(insn >> (8 * b));
        }
    }
}

/*
 * Load a 64-bit constant. A value that fits in 32 signed bits takes
 * lui (upper part, rounded so the low 12 bits become a signed addend)
 * plus addiw, or addi alone. Otherwise: peel off the low 12 bits as a
 * signed addend, shift the rest right past its trailing zeros, load that
 * recursively, shift it back and add the low part.
 */
void rv_li(RvAsm *as, unsigned rd, uint64_t value)
{
    int64_t v = (int64_t)value;

    if (v >= INT32_MIN && v <= INT32_MAX) {
        int64_t lo = (int64_t)(value << 52) >> 52; /* sign-extend 12 bits */
        int64_t hi = (v - lo) >> 12;

        if (hi == 0) {
            rv_emit(as, rv_addi(rd, ZERO, (int32_t)lo));
            return;
        }
        rv_emit(as, rv_lui(rd, (uint32_t)hi & 0xfffff));
        if (lo != 0) {
            rv_emit(as, rv_addiw(rd, rd, (int32_t)lo));
        }
        return;
    }
    int64_t lo = (int64_t)(value << 52) >> 52;
    uint64_t rest = (value - (uint64_t)lo);
    int64_t upper = (int64_t)rest >> 12;
    unsigned shift = 12;

    while ((upper & 1) == 0) {
        upper >>= 1;
        shift++;
    }
    rv_li(as, rd, (uint64_t)upper);
    rv_emit(as, rv_slli(rd, rd, shift));
    if (lo != 0) {
        rv_emit(as, rv_addi(rd, rd, (int32_t)lo));
    }
}

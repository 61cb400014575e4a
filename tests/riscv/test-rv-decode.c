/*
 * riscv64 decoder and disassembler tests, without running code:
 *  - the test assembler's encoders against instruction words assembled by
 *    hand from the manual's format tables (and confirmed with LLVM's
 *    assembler), so the assembler the other tests rely on is right;
 *  - every pattern of insn32.decode and insn16.decode decodes to the
 *    right instruction and fields, seen through the disassembler (which
 *    includes the same generated decoders as the translator), with edge
 *    immediates (sign bits, largest offsets) and registers;
 *  - reserved and unsupported encodings are rejected;
 *  - riscv_disas (-d in_asm) walks a mixed 16/32-bit stream.
 * llvm-cross-check.py adds a comparison with LLVM's disassembler over
 * every 16-bit encoding and a large sample of 32-bit ones.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv-harness.h"

typedef struct Known {
    uint32_t got;
    uint32_t want;
    const char *what;
} Known;

/*
 * Worked by hand, e.g. add a0, a1, a2:
 *   funct7 0000000 | rs2 01100 | rs1 01011 | 000 | rd 01010 | 0110011
 *   = 0000 0000 1100 0101 1000 0101 0011 0011 = 0x00c58533
 * c.j 8: 101 | imm[11|4|9:8|10|6|7|3:1|5] = 0 0 00 0 0 0 100 0 | 01
 *   = 1010 0000 0010 0001 = 0xa021
 */
START_TEST(test_encoders)
{
    const Known k[] = {
        {rv_add(A0, A1, A2), 0x00c58533, "add"},
        {rv_addi(A0, A1, -5), 0xffb58513, "addi"},
        {rv_sw(A0, A1, -8), 0xfea5ac23, "sw"},
        {rv_beq(A0, A1, 16), 0x00b50863, "beq"},
        {rv_jal(RA, 2048), 0x001000ef, "jal"},
        {rv_jalr(RA, A0, 4), 0x004500e7, "jalr"},
        {rv_lui(A0, 0x12345), 0x12345537, "lui"},
        {rv_auipc(A0, 0xfffff), 0xfffff517, "auipc"},
        {rv_slli(A0, A1, 63), 0x03f59513, "slli"},
        {rv_csrrs(A0, CSR_CYCLE, ZERO), 0xc0002573, "csrr cycle"},
        {rv_csrrwi(A0, CSR_FFLAGS, 5), 0x0012d573, "csrrwi"},
        {rv_fence(3, 3), 0x0330000f, "fence rw, rw"},
        {rv_fence(0xf, 1), 0x0f10000f, "fence iorw, w"},
        {rv_amoadd_w(A0, A2, A1, true, true), 0x06c5a52f, "amoadd.w.aqrl"},
        {rv_lr_w(A0, A1, true, false), 0x1405a52f, "lr.w.aq"},
        {rv_sc_d(A0, A2, A1, false, true), 0x1ac5b52f, "sc.d.rl"},
        {rv_sh1add(A0, A1, A2), 0x20c5a533, "sh1add"},
        {rv_add_uw(A0, A1, A2), 0x08c5853b, "add.uw"},
        {rv_slli_uw(A0, A1, 5), 0x0855951b, "slli.uw"},
        {rv_rev8(A0, A1), 0x6b85d513, "rev8"},
        {rv_orc_b(A0, A1), 0x2875d513, "orc.b"},
        {rv_zext_h(A0, A1), 0x0805c53b, "zext.h"},
        {rv_bexti(A0, A1, 63), 0x4bf5d513, "bexti"},
        {rv_roriw(A0, A1, 31), 0x61f5d51b, "roriw"},
        {rv_c_addi(A0, 1), 0x0505, "c.addi"},
        {rv_c_j(8), 0xa021, "c.j"},
        {rv_c_beqz(A0, -8), 0xdd65, "c.beqz"},
        {rv_c_jr(A0), 0x8502, "c.jr"},
        {rv_c_jalr(A0), 0x9502, "c.jalr"},
        {rv_c_mv(A0, A1), 0x852e, "c.mv"},
        {rv_c_add(A0, A1), 0x952e, "c.add"},
        {rv_c_addi4spn(A0, 8), 0x0028, "c.addi4spn"},
        {rv_c_addi16sp(-16), 0x717d, "c.addi16sp"},
        {rv_c_lwsp(A0, 4), 0x4512, "c.lwsp"},
        {rv_c_swsp(A0, 4), 0xc22a, "c.swsp"},
        {rv_c_ldsp(A0, 8), 0x6522, "c.ldsp"},
        {rv_c_sdsp(A0, 8), 0xe42a, "c.sdsp"},
        {rv_c_lw(A0, A1, 4), 0x41c8, "c.lw"},
        {rv_c_lui(A0, 1), 0x6505, "c.lui"},
        {rv_c_lui(A0, -1), 0x757d, "c.lui -1"},
        {rv_c_srli(A0, 3), 0x810d, "c.srli"},
        {rv_c_andi(A0, -1), 0x997d, "c.andi"},
        {rv_c_sub(A0, A1), 0x8d0d, "c.sub"},
        {rv_c_slli(A0, 3), 0x050e, "c.slli"},
        {rv_c_li(A0, 5), 0x4515, "c.li"},
        {rv_c_addiw(A0, 1), 0x2505, "c.addiw"},
        {rv_c_ebreak(), 0x9002, "c.ebreak"},
    };

    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        ck_assert_msg(k[i].got == k[i].want, "%s: 0x%08x, expected 0x%08x",
                      k[i].what, k[i].got, k[i].want);
    }
}
END_TEST

typedef struct Dis {
    uint32_t insn;
    unsigned len;
    const char *text;
} Dis;

#define I32(w, t)                                                              \
    {                                                                          \
        (w), 4, (t)                                                            \
    }
#define I16(w, t)                                                              \
    {                                                                          \
        (w), 2, (t)                                                            \
    }

static const char *disas(uint32_t insn, unsigned len, bool *ok)
{
    static char buf[96];

    *ok = riscv_disas_insn(buf, sizeof(buf), 0, insn, len);
    return buf;
}

START_TEST(test_every_pattern)
{
    const Dis d[] = {
        /* RV64I */
        I32(rv_lui(T6, 0xfffff), "lui t6, 1048575"),
        I32(rv_auipc(ZERO, 1), "auipc zero, 1"),
        I32(rv_jal(RA, -1048576), "jal ra, -1048576"),
        I32(rv_jal(ZERO, 1048574), "jal zero, 1048574"),
        I32(rv_jalr(T0, T1, -2048), "jalr t0, -2048(t1)"),
        I32(rv_beq(A0, A1, -4096), "beq a0, a1, -4096"),
        I32(rv_bne(S0, S1, 4094), "bne s0, s1, 4094"),
        I32(rv_blt(T3, T4, 2), "blt t3, t4, 2"),
        I32(rv_bge(ZERO, RA, -2), "bge zero, ra, -2"),
        I32(rv_bltu(SP, GP, 2048), "bltu sp, gp, 2048"),
        I32(rv_bgeu(TP, T2, 8), "bgeu tp, t2, 8"),
        I32(rv_lb(A0, A1, 2047), "lb a0, 2047(a1)"),
        I32(rv_lh(A0, A1, -1), "lh a0, -1(a1)"),
        I32(rv_lw(A0, SP, 0), "lw a0, 0(sp)"),
        I32(rv_ld(T6, T5, -2048), "ld t6, -2048(t5)"),
        I32(rv_lbu(A2, A3, 1), "lbu a2, 1(a3)"),
        I32(rv_lhu(A4, A5, 2), "lhu a4, 2(a5)"),
        I32(rv_lwu(A6, A7, 4), "lwu a6, 4(a7)"),
        I32(rv_sb(A0, A1, -2048), "sb a0, -2048(a1)"),
        I32(rv_sh(A0, A1, 2047), "sh a0, 2047(a1)"),
        I32(rv_sw(ZERO, SP, 12), "sw zero, 12(sp)"),
        I32(rv_sd(RA, SP, -8), "sd ra, -8(sp)"),
        I32(rv_addi(A0, A1, -2048), "addi a0, a1, -2048"),
        I32(rv_slti(A0, A1, 2047), "slti a0, a1, 2047"),
        I32(rv_sltiu(A0, A1, -1), "sltiu a0, a1, -1"),
        I32(rv_xori(A0, A1, -1), "xori a0, a1, -1"),
        I32(rv_ori(A0, A1, 0x555), "ori a0, a1, 1365"),
        I32(rv_andi(A0, A1, 0xff), "andi a0, a1, 255"),
        I32(rv_slli(A0, A1, 63), "slli a0, a1, 63"),
        I32(rv_srli(A0, A1, 32), "srli a0, a1, 32"),
        I32(rv_srai(A0, A1, 1), "srai a0, a1, 1"),
        I32(rv_add(A0, A1, A2), "add a0, a1, a2"),
        I32(rv_sub(A0, A1, A2), "sub a0, a1, a2"),
        I32(rv_sll(A0, A1, A2), "sll a0, a1, a2"),
        I32(rv_slt(A0, A1, A2), "slt a0, a1, a2"),
        I32(rv_sltu(A0, A1, A2), "sltu a0, a1, a2"),
        I32(rv_xor(A0, A1, A2), "xor a0, a1, a2"),
        I32(rv_srl(A0, A1, A2), "srl a0, a1, a2"),
        I32(rv_sra(A0, A1, A2), "sra a0, a1, a2"),
        I32(rv_or(A0, A1, A2), "or a0, a1, a2"),
        I32(rv_and(A0, A1, A2), "and a0, a1, a2"),
        I32(rv_addiw(A0, A1, -1), "addiw a0, a1, -1"),
        I32(rv_slliw(A0, A1, 31), "slliw a0, a1, 31"),
        I32(rv_srliw(A0, A1, 31), "srliw a0, a1, 31"),
        I32(rv_sraiw(A0, A1, 0), "sraiw a0, a1, 0"),
        I32(rv_addw(A0, A1, A2), "addw a0, a1, a2"),
        I32(rv_subw(A0, A1, A2), "subw a0, a1, a2"),
        I32(rv_sllw(A0, A1, A2), "sllw a0, a1, a2"),
        I32(rv_srlw(A0, A1, A2), "srlw a0, a1, a2"),
        I32(rv_sraw(A0, A1, A2), "sraw a0, a1, a2"),
        I32(rv_fence(0xf, 0xf), "fence iorw, iorw"),
        I32(rv_fence(0x2, 0x1), "fence r, w"),
        I32(0x8330000f, "fence.tso"),
        I32(0x0100000f, "fence w, 0"),
        I32(RV_ECALL, "ecall"),
        I32(RV_EBREAK, "ebreak"),
        I32(RV_FENCE_I, "fence.i"),
        /* Zicsr */
        I32(rv_csrrw(A0, CSR_FCSR, A1), "csrrw a0, fcsr, a1"),
        I32(rv_csrrs(A0, CSR_INSTRET, ZERO), "csrrs a0, instret, zero"),
        I32(rv_csrrc(A0, CSR_FFLAGS, A1), "csrrc a0, fflags, a1"),
        I32(rv_csrrwi(ZERO, CSR_FRM, 31), "csrrwi zero, frm, 31"),
        I32(rv_csrrsi(A0, CSR_TIME, 0), "csrrsi a0, time, 0"),
        I32(rv_csrrci(A0, CSR_FCSR, 1), "csrrci a0, fcsr, 1"),
        /* M */
        I32(rv_mul(A0, A1, A2), "mul a0, a1, a2"),
        I32(rv_mulh(A0, A1, A2), "mulh a0, a1, a2"),
        I32(rv_mulhsu(A0, A1, A2), "mulhsu a0, a1, a2"),
        I32(rv_mulhu(A0, A1, A2), "mulhu a0, a1, a2"),
        I32(rv_div(A0, A1, A2), "div a0, a1, a2"),
        I32(rv_divu(A0, A1, A2), "divu a0, a1, a2"),
        I32(rv_rem(A0, A1, A2), "rem a0, a1, a2"),
        I32(rv_remu(A0, A1, A2), "remu a0, a1, a2"),
        I32(rv_mulw(A0, A1, A2), "mulw a0, a1, a2"),
        I32(rv_divw(A0, A1, A2), "divw a0, a1, a2"),
        I32(rv_divuw(A0, A1, A2), "divuw a0, a1, a2"),
        I32(rv_remw(A0, A1, A2), "remw a0, a1, a2"),
        I32(rv_remuw(A0, A1, A2), "remuw a0, a1, a2"),
        /* A */
        I32(rv_lr_w(A0, A1, false, false), "lr.w a0, (a1)"),
        I32(rv_sc_w(A0, A2, A1, true, false), "sc.w.aq a0, a2, (a1)"),
        I32(rv_lr_d(A0, A1, true, true), "lr.d.aqrl a0, (a1)"),
        I32(rv_sc_d(A0, A2, A1, false, true), "sc.d.rl a0, a2, (a1)"),
        I32(rv_amoswap_w(A0, A2, A1, 0, 0), "amoswap.w a0, a2, (a1)"),
        I32(rv_amoadd_w(A0, A2, A1, 0, 0), "amoadd.w a0, a2, (a1)"),
        I32(rv_amoxor_w(A0, A2, A1, 0, 0), "amoxor.w a0, a2, (a1)"),
        I32(rv_amoand_w(A0, A2, A1, 0, 0), "amoand.w a0, a2, (a1)"),
        I32(rv_amoor_w(A0, A2, A1, 0, 0), "amoor.w a0, a2, (a1)"),
        I32(rv_amomin_w(A0, A2, A1, 0, 0), "amomin.w a0, a2, (a1)"),
        I32(rv_amomax_w(A0, A2, A1, 0, 0), "amomax.w a0, a2, (a1)"),
        I32(rv_amominu_w(A0, A2, A1, 0, 0), "amominu.w a0, a2, (a1)"),
        I32(rv_amomaxu_w(A0, A2, A1, 0, 0), "amomaxu.w a0, a2, (a1)"),
        I32(rv_amoswap_d(A0, A2, A1, 1, 1), "amoswap.d.aqrl a0, a2, (a1)"),
        I32(rv_amoadd_d(A0, A2, A1, 0, 0), "amoadd.d a0, a2, (a1)"),
        I32(rv_amoxor_d(A0, A2, A1, 0, 0), "amoxor.d a0, a2, (a1)"),
        I32(rv_amoand_d(A0, A2, A1, 0, 0), "amoand.d a0, a2, (a1)"),
        I32(rv_amoor_d(A0, A2, A1, 0, 0), "amoor.d a0, a2, (a1)"),
        I32(rv_amomin_d(A0, A2, A1, 0, 0), "amomin.d a0, a2, (a1)"),
        I32(rv_amomax_d(A0, A2, A1, 0, 0), "amomax.d a0, a2, (a1)"),
        I32(rv_amominu_d(A0, A2, A1, 0, 0), "amominu.d a0, a2, (a1)"),
        I32(rv_amomaxu_d(A0, A2, A1, 1, 0), "amomaxu.d.aq a0, a2, (a1)"),
        /* Zba */
        I32(rv_sh1add(A0, A1, A2), "sh1add a0, a1, a2"),
        I32(rv_sh2add(A0, A1, A2), "sh2add a0, a1, a2"),
        I32(rv_sh3add(A0, A1, A2), "sh3add a0, a1, a2"),
        I32(rv_add_uw(A0, A1, A2), "add.uw a0, a1, a2"),
        I32(rv_sh1add_uw(A0, A1, A2), "sh1add.uw a0, a1, a2"),
        I32(rv_sh2add_uw(A0, A1, A2), "sh2add.uw a0, a1, a2"),
        I32(rv_sh3add_uw(A0, A1, A2), "sh3add.uw a0, a1, a2"),
        I32(rv_slli_uw(A0, A1, 63), "slli.uw a0, a1, 63"),
        /* Zbb */
        I32(rv_andn(A0, A1, A2), "andn a0, a1, a2"),
        I32(rv_orn(A0, A1, A2), "orn a0, a1, a2"),
        I32(rv_xnor(A0, A1, A2), "xnor a0, a1, a2"),
        I32(rv_clz(A0, A1), "clz a0, a1"),
        I32(rv_ctz(A0, A1), "ctz a0, a1"),
        I32(rv_cpop(A0, A1), "cpop a0, a1"),
        I32(rv_sext_b(A0, A1), "sext.b a0, a1"),
        I32(rv_sext_h(A0, A1), "sext.h a0, a1"),
        I32(rv_clzw(A0, A1), "clzw a0, a1"),
        I32(rv_ctzw(A0, A1), "ctzw a0, a1"),
        I32(rv_cpopw(A0, A1), "cpopw a0, a1"),
        I32(rv_zext_h(A0, A1), "zext.h a0, a1"),
        I32(rv_max(A0, A1, A2), "max a0, a1, a2"),
        I32(rv_maxu(A0, A1, A2), "maxu a0, a1, a2"),
        I32(rv_min(A0, A1, A2), "min a0, a1, a2"),
        I32(rv_minu(A0, A1, A2), "minu a0, a1, a2"),
        I32(rv_rol(A0, A1, A2), "rol a0, a1, a2"),
        I32(rv_ror(A0, A1, A2), "ror a0, a1, a2"),
        I32(rv_rolw(A0, A1, A2), "rolw a0, a1, a2"),
        I32(rv_rorw(A0, A1, A2), "rorw a0, a1, a2"),
        I32(rv_rori(A0, A1, 63), "rori a0, a1, 63"),
        I32(rv_roriw(A0, A1, 31), "roriw a0, a1, 31"),
        I32(rv_orc_b(A0, A1), "orc.b a0, a1"),
        I32(rv_rev8(A0, A1), "rev8 a0, a1"),
        /* Zbs */
        I32(rv_bclr(A0, A1, A2), "bclr a0, a1, a2"),
        I32(rv_bext(A0, A1, A2), "bext a0, a1, a2"),
        I32(rv_binv(A0, A1, A2), "binv a0, a1, a2"),
        I32(rv_bset(A0, A1, A2), "bset a0, a1, a2"),
        I32(rv_bclri(A0, A1, 0), "bclri a0, a1, 0"),
        I32(rv_bexti(A0, A1, 63), "bexti a0, a1, 63"),
        I32(rv_binvi(A0, A1, 32), "binvi a0, a1, 32"),
        I32(rv_bseti(A0, A1, 31), "bseti a0, a1, 31"),
        /* C, quadrant 0 */
        I16(rv_c_addi4spn(S0, 1020), "c.addi4spn s0, sp, 1020"),
        I16(rv_c_addi4spn(A5, 4), "c.addi4spn a5, sp, 4"),
        I16(rv_c_lw(A0, S1, 124), "c.lw a0, 124(s1)"),
        I16(rv_c_ld(A5, S0, 248), "c.ld a5, 248(s0)"),
        I16(rv_c_sw(A0, S1, 64), "c.sw a0, 64(s1)"),
        I16(rv_c_sd(A5, S0, 8), "c.sd a5, 8(s0)"),
        /* quadrant 1 */
        I16(0x0001, "c.nop"),
        I16(rv_c_addi(T6, -32), "c.addi t6, -32"),
        I16(rv_c_addiw(RA, 31), "c.addiw ra, 31"),
        I16(rv_c_li(A0, -1), "c.li a0, -1"),
        I16(rv_c_addi16sp(-512), "c.addi16sp sp, -512"),
        I16(rv_c_addi16sp(496), "c.addi16sp sp, 496"),
        I16(rv_c_lui(T0, -32), "c.lui t0, 1048544"),
        I16(rv_c_lui(T0, 31), "c.lui t0, 31"),
        I16(rv_c_srli(S0, 63), "c.srli s0, 63"),
        I16(rv_c_srai(A5, 32), "c.srai a5, 32"),
        I16(rv_c_andi(A1, -32), "c.andi a1, -32"),
        I16(rv_c_sub(S0, A5), "c.sub s0, a5"),
        I16(rv_c_xor(S1, A4), "c.xor s1, a4"),
        I16(rv_c_or(A0, A3), "c.or a0, a3"),
        I16(rv_c_and(A1, A2), "c.and a1, a2"),
        I16(rv_c_subw(A2, A1), "c.subw a2, a1"),
        I16(rv_c_addw(A3, A0), "c.addw a3, a0"),
        I16(rv_c_j(-2048), "c.j -2048"),
        I16(rv_c_j(2046), "c.j 2046"),
        I16(rv_c_beqz(S0, -256), "c.beqz s0, -256"),
        I16(rv_c_bnez(A5, 254), "c.bnez a5, 254"),
        I16(rv_c_beqz(A0, 26), "c.beqz a0, 26"),
        I16(rv_c_bnez(S1, -70), "c.bnez s1, -70"),
        I16(rv_c_j(0x2aa), "c.j 682"),
        I16(rv_c_j(-0x556), "c.j -1366"),
        /* quadrant 2 */
        I16(rv_c_slli(T6, 63), "c.slli t6, 63"),
        I16(rv_c_lwsp(RA, 252), "c.lwsp ra, 252(sp)"),
        I16(rv_c_ldsp(T6, 504), "c.ldsp t6, 504(sp)"),
        I16(rv_c_jr(RA), "c.jr ra"),
        I16(rv_c_mv(T6, RA), "c.mv t6, ra"),
        I16(rv_c_ebreak(), "c.ebreak"),
        I16(rv_c_jalr(T6), "c.jalr t6"),
        I16(rv_c_add(SP, T6), "c.add sp, t6"),
        I16(rv_c_swsp(T6, 252), "c.swsp t6, 252(sp)"),
        I16(rv_c_sdsp(RA, 504), "c.sdsp ra, 504(sp)"),
    };

    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        bool ok;
        const char *t = disas(d[i].insn, d[i].len, &ok);
        ck_assert_msg(ok && strcmp(t, d[i].text) == 0,
                      "0x%0*x: \"%s\"%s, expected \"%s\"", d[i].len * 2,
                      d[i].insn, t, ok ? "" : " (rejected)", d[i].text);
    }
}
END_TEST

/* Encodings the decoder must reject (the reserved cases of each format
 * and extensions that are not implemented). */
START_TEST(test_rejected)
{
    const Dis d[] = {
        I32(0xffffffffu, "48-bit or longer"),
        I32(0x0000007fu, "64-bit prefix"),
        I32(0x0205151bu, "slliw shamt[5]"),
        I32(0x4205551bu, "sraiw shamt[5]"),
        I32(0x0205d51bu, "srliw shamt[5]"),
        I32(0x6205d51bu, "roriw shamt[5]"),
        I32(0x04b50533u, "OP funct7 0000010"),
        I32(0x0005f503u, "load funct3 111"),
        I32(0x00a5c023u, "store funct3 100"),
        I32(0x00b52063u, "branch funct3 010"),
        I32(0x000590e7u, "jalr funct3 001"),
        I32(0x000000f3u, "ecall rd != 0"),
        I32(0x00058073u, "ecall rs1 != 0"),
        I32(0x30200073u, "mret"),
        I32(0x02b55553u, "fadd.d rm 101"),
        I32(0x02b56553u, "fadd.d rm 110"),
        I32(0x0005c507u, "FP load funct3 100"),
        I32(0x1015a52fu, "lr.w rs2 != 0"),
        I32(0x00c5852fu, "AMO funct3 000"),
        I32(0x00c5c52fu, "AMO funct3 100"),
        I32(0x69855513u, "rev8 (RV32 encoding)"),
        I32(0x0805c533u, "zext.h (RV32 encoding)"),
        I32(0x60659513u, "clz with rs2 field 6"),
        I32(0x30002573u, "csrr mstatus"),
        I32(0xc0059073u, "csrw cycle"),
        I32(0xc0302573u, "csrr hpmcounter3"),
        I32(0x80002573u, "csrr of custom CSR 0x800"),
        I16(0x0000, "all zero"),
        I16(0x0004, "c.addi4spn 0"),
        I16(0x8000, "quadrant 0 reserved"),
        I16(0x2001, "c.addiw x0"),
        I16(0x6101, "c.addi16sp 0"),
        I16(0x6281, "c.lui nzimm 0"),
        I16(0x6001, "c.lui x0 nzimm 0"),
        I16(0x9c41, "CA reserved 10"),
        I16(0x9c61, "CA reserved 11"),
        I16(0x4002, "c.lwsp x0"),
        I16(0x6002, "c.ldsp x0"),
        I16(0x8002, "c.jr x0"),
    };

    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        bool ok;
        const char *t = disas(d[i].insn, d[i].len, &ok);
        ck_assert_msg(!ok && strcmp(t, "illegal") == 0,
                      "%s (0x%0*x) decodes as \"%s\"", d[i].text, d[i].len * 2,
                      d[i].insn, t);
    }
}
END_TEST

/* -d in_asm: addresses, raw encodings of both lengths, and a stop at the
 * end of fetchable memory. */
START_TEST(test_disas_stream)
{
    RvAsm as;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    rv_start(0);
    rv_asm_init(&as, RV_CODE);
    rv_emit16(&as, rv_c_li(A0, 5));
    rv_emit(&as, rv_add(A0, A0, A1));
    rv_emit16(&as, 0x0000);
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    f = open_memstream(&buf, &len);
    riscv_disas(f, RV_CODE, as.len);
    riscv_disas(f, RV_MEM_SIZE - 2, 4);
    fclose(f);
    ck_assert_str_eq(buf, "0x0000000000001000:  4515      c.li a0, 5\n"
                          "0x0000000000001002:  00b50533  add a0, a0, a1\n"
                          "0x0000000000001006:  0000      illegal\n"
                          "0x0000000000001008:  00000073  ecall\n"
                          "0x00000000000ffffe:  0000      illegal\n"
                          "0x0000000000100000:  <not mapped>\n");
    free(buf);
    rv_asm_free(&as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-decode");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, test_encoders);
    tcase_add_test(tc, test_every_pattern);
    tcase_add_test(tc, test_rejected);
    tcase_add_test(tc, test_disas_stream);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

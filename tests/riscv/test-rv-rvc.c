/*
 * riscv64 compressed (RVC) instructions: each one with edge immediates
 * and registers (the 3-bit register fields' x8..x15, the full 5-bit
 * ones up to x31), the stack-pointer forms at their largest offsets,
 * compressed jumps and branches and their link values (pc + 2), hints
 * that must execute as no-ops, and random mixed streams of 16- and
 * 32-bit instructions (32-bit ones often at pc = 2 mod 4) checked
 * against a small C model of the instructions they use.
 */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rv-harness.h"
#include "testrand.h"

static uint64_t sext32(uint64_t x)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)x;
}

static void finish_and_run(RvAsm *as)
{
    rv_emit(as, RV_ECALL);
    rv_load(as);
    rv_run_to_ecall(as->base, rv_here(as) - 4);
}

START_TEST(test_c_immediates)
{
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit16(&as, rv_c_addi(S0, -32));
    rv_emit16(&as, rv_c_addi(T6, 31));
    rv_emit16(&as, rv_c_addi(RA, -1));
    rv_emit16(&as, rv_c_li(A0, -32));
    rv_emit16(&as, rv_c_li(T5, 31));
    rv_emit16(&as, rv_c_li(A1, 0));
    rv_emit16(&as, rv_c_lui(A2, 1));
    rv_emit16(&as, rv_c_lui(A3, 31));
    rv_emit16(&as, rv_c_lui(A4, -32));
    rv_emit16(&as, rv_c_lui(T4, -1));
    rv_emit16(&as, rv_c_addiw(A5, 1));
    rv_emit16(&as, rv_c_addiw(S2, -1));
    rv_emit16(&as, rv_c_addiw(S3, 0)); /* sext.w */
    rv_cpu->gpr[S0] = 5;
    rv_cpu->gpr[T6] = 0x7fffffffffffffffull;
    rv_cpu->gpr[RA] = 0;
    rv_cpu->gpr[A1] = 99;
    rv_cpu->gpr[A5] = 0x7fffffff;
    rv_cpu->gpr[S2] = 0x100000000ull;
    rv_cpu->gpr[S3] = 0x12345678deadbeefull;
    finish_and_run(&as);
    rv_assert_reg(S0, (uint64_t)-27, "c.addi -32");
    rv_assert_reg(T6, 0x800000000000001eull, "c.addi 31 wraps");
    rv_assert_reg(RA, ~0ull, "c.addi -1");
    rv_assert_reg(A0, (uint64_t)-32, "c.li -32");
    rv_assert_reg(T5, 31, "c.li 31");
    rv_assert_reg(A1, 0, "c.li 0");
    rv_assert_reg(A2, 0x1000, "c.lui 1");
    rv_assert_reg(A3, 0x1f000, "c.lui 31");
    rv_assert_reg(A4, 0xfffffffffffe0000ull, "c.lui -32");
    rv_assert_reg(T4, 0xfffffffffffff000ull, "c.lui -1");
    rv_assert_reg(A5, 0xffffffff80000000ull, "c.addiw overflow");
    rv_assert_reg(S2, 0xffffffffffffffffull, "c.addiw -1");
    rv_assert_reg(S3, 0xffffffffdeadbeefull, "c.addiw 0");
    rv_asm_free(&as);
}
END_TEST

START_TEST(test_c_stack_pointer)
{
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit16(&as, rv_c_addi16sp(-512));
    rv_emit16(&as, rv_c_addi4spn(A0, 1020));
    rv_emit16(&as, rv_c_addi4spn(S1, 4));
    rv_emit16(&as, rv_c_addi16sp(496));
    rv_emit16(&as, rv_c_addi16sp(16));
    rv_emit16(&as, rv_c_addi4spn(A5, 8));
    rv_cpu->gpr[SP] = RV_DATA;
    finish_and_run(&as);
    rv_assert_reg(A0, RV_DATA - 512 + 1020, "c.addi4spn 1020");
    rv_assert_reg(S1, RV_DATA - 512 + 4, "c.addi4spn 4");
    rv_assert_reg(SP, RV_DATA - 512 + 496 + 16, "c.addi16sp");
    rv_assert_reg(A5, RV_DATA + 8, "c.addi4spn 8");
    rv_asm_free(&as);
}
END_TEST

START_TEST(test_c_loads_stores)
{
    RvAsm as;
    const uint64_t base = RV_DATA; /* s0, and sp */

    rv_start(_i);
    for (int i = 0; i < 1024; i++) {
        rv_mem[base + (uint64_t)i] = (uint8_t)(0x81 + i * 7);
    }
    rv_asm_init(&as, RV_CODE);
    rv_emit16(&as, rv_c_lw(A0, S0, 124));
    rv_emit16(&as, rv_c_lw(A1, S0, 0));
    rv_emit16(&as, rv_c_ld(A2, S0, 248));
    rv_emit16(&as, rv_c_ld(S0, S0, 8)); /* rd' = rs1' */
    rv_emit16(&as, rv_c_lwsp(T6, 252));
    rv_emit16(&as, rv_c_ldsp(RA, 504));
    rv_emit16(&as, rv_c_lwsp(A3, 4));
    rv_emit16(&as, rv_c_sw(A4, S1, 124));
    rv_emit16(&as, rv_c_sd(A4, S1, 248));
    rv_emit16(&as, rv_c_sd(A5, S1, 0));
    rv_emit16(&as, rv_c_swsp(T5, 252));
    rv_emit16(&as, rv_c_sdsp(T5, 504));
    rv_emit16(&as, rv_c_sdsp(A5, 0));
    rv_cpu->gpr[S0] = base;
    rv_cpu->gpr[SP] = base;
    rv_cpu->gpr[S1] = base + 0x1000;
    rv_cpu->gpr[SP] = base;
    rv_cpu->gpr[A4] = 0x1122334455667788ull;
    rv_cpu->gpr[A5] = 0x99aabbccddeeff00ull;
    rv_cpu->gpr[T5] = 0x0102030405060708ull;

    uint8_t before[1024];
    memcpy(before, rv_mem + base, sizeof(before));
    finish_and_run(&as);

    /* Loads, from the bytes as they were: little-endian. */
    uint32_t w;
    uint64_t d;
    memcpy(&w, before + 124, 4);
    rv_assert_reg(A0, sext32(w), "c.lw 124");
    memcpy(&w, before + 0, 4);
    rv_assert_reg(A1, sext32(w), "c.lw 0");
    memcpy(&d, before + 248, 8);
    rv_assert_reg(A2, d, "c.ld 248");
    memcpy(&d, before + 8, 8);
    rv_assert_reg(S0, d, "c.ld rd = rs1");
    memcpy(&w, before + 252, 4);
    rv_assert_reg(T6, sext32(w), "c.lwsp 252");
    memcpy(&d, before + 504, 8);
    rv_assert_reg(RA, d, "c.ldsp 504");
    memcpy(&w, before + 4, 4);
    rv_assert_reg(A3, sext32(w), "c.lwsp 4");

    /* Stores. */
    memcpy(&w, rv_mem + base + 0x1000 + 124, 4);
    ck_assert_uint_eq(w, 0x55667788u);
    ck_assert_uint_eq(rv_mem[base + 0x1000 + 128], 0); /* 4 bytes only */
    ck_assert_uint_eq(rv_peek64(base + 0x1000 + 248), 0x1122334455667788ull);
    ck_assert_uint_eq(rv_peek64(base + 0x1000), 0x99aabbccddeeff00ull);
    memcpy(&w, rv_mem + base + 252, 4);
    ck_assert_uint_eq(w, 0x05060708u);
    ck_assert_uint_eq(rv_mem[base + 256], before[256]);
    ck_assert_uint_eq(rv_peek64(base + 504), 0x0102030405060708ull);
    ck_assert_uint_eq(rv_peek64(base), 0x99aabbccddeeff00ull);
    rv_asm_free(&as);
}
END_TEST

START_TEST(test_c_alu)
{
    static const uint64_t vals[] = {0,
                                    1,
                                    ~0ull,
                                    0x7fffffff,
                                    0x80000000ull,
                                    0x8000000000000000ull,
                                    0x7fffffffffffffffull,
                                    0x0123456789abcdefull};
    const int nv = 8;

    rv_start(_i);
    RvAsm as;
    rv_asm_init(&as, RV_CODE);
    /* Inputs: a0 = x, a1 = y. Each op works on a copy of x made with
     * c.mv: the CA-format ones (3-bit registers) in a2..a5, s0, s1, the
     * others in t3..t6 and s2. */
    rv_emit16(&as, rv_c_mv(A2, A0));
    rv_emit16(&as, rv_c_sub(A2, A1));
    rv_emit16(&as, rv_c_mv(A3, A0));
    rv_emit16(&as, rv_c_xor(A3, A1));
    rv_emit16(&as, rv_c_mv(A4, A0));
    rv_emit16(&as, rv_c_or(A4, A1));
    rv_emit16(&as, rv_c_mv(A5, A0));
    rv_emit16(&as, rv_c_and(A5, A1));
    rv_emit16(&as, rv_c_mv(S0, A0));
    rv_emit16(&as, rv_c_subw(S0, A1));
    rv_emit16(&as, rv_c_mv(S1, A0));
    rv_emit16(&as, rv_c_addw(S1, A1));
    rv_emit16(&as, rv_c_mv(T3, A0));
    rv_emit16(&as, rv_c_add(T3, A1));
    rv_emit16(&as, rv_c_mv(T4, A0));
    rv_emit16(&as, rv_c_slli(T4, 63));
    rv_emit16(&as, rv_c_mv(T5, A0));
    rv_emit16(&as, rv_c_slli(T5, 1));
    rv_emit16(&as, rv_c_mv(S2, A0));
    rv_emit16(&as, rv_c_mv(T6, A0));
    rv_emit16(&as, rv_c_slli(T6, 32));
    uint64_t end = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_asm_free(&as);

    for (int i = 0; i < nv * nv; i++) {
        uint64_t x = vals[i / nv], y = vals[i % nv];
        rv_cpu->gpr[A0] = x;
        rv_cpu->gpr[A1] = y;
        rv_run_to_ecall(RV_CODE, end);
        rv_assert_reg(A2, x - y, "c.sub");
        rv_assert_reg(A3, x ^ y, "c.xor");
        rv_assert_reg(A4, x | y, "c.or");
        rv_assert_reg(A5, x & y, "c.and");
        rv_assert_reg(S0, sext32(x - y), "c.subw");
        rv_assert_reg(S1, sext32(x + y), "c.addw");
        rv_assert_reg(T3, x + y, "c.add");
        rv_assert_reg(T4, x << 63, "c.slli 63");
        rv_assert_reg(T5, x << 1, "c.slli 1");
        rv_assert_reg(S2, x, "c.mv");
        rv_assert_reg(T6, x << 32, "c.slli 32");
    }

    rv_asm_init(&as, RV_CODE + 0x1000);
    /* Shifts and andi on x8..x15 with the remaining immediates. */
    rv_emit16(&as, rv_c_srli(S0, 1));
    rv_emit16(&as, rv_c_srli(S1, 63));
    rv_emit16(&as, rv_c_srai(A0, 1));
    rv_emit16(&as, rv_c_srai(A1, 31));
    rv_emit16(&as, rv_c_srai(A2, 0)); /* hint: shift by 0 */
    rv_emit16(&as, rv_c_andi(A3, -32));
    rv_emit16(&as, rv_c_andi(A4, 31));
    rv_emit16(&as, rv_c_andi(A5, -1));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    for (int i = 0; i < nv; i++) {
        uint64_t x = vals[i];
        for (int r = S0; r <= A5; r++) {
            rv_cpu->gpr[r] = x;
        }
        rv_run_to_ecall(RV_CODE + 0x1000, rv_here(&as) - 4);
        rv_assert_reg(S0, x >> 1, "c.srli 1");
        rv_assert_reg(S1, x >> 63, "c.srli 63");
        rv_assert_reg(A0, (uint64_t)((int64_t)x >> 1), "c.srai 1");
        rv_assert_reg(A1, (uint64_t)((int64_t)x >> 31), "c.srai 31");
        rv_assert_reg(A2, x, "c.srai 0");
        rv_assert_reg(A3, x & (uint64_t)-32, "c.andi -32");
        rv_assert_reg(A4, x & 31, "c.andi 31");
        rv_assert_reg(A5, x, "c.andi -1");
    }
    rv_asm_free(&as);
}
END_TEST

/* Hints execute as no-ops (the manual reserves them for future use and
 * requires no exception). */
START_TEST(test_c_hints)
{
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit16(&as, 0x0001);             /* c.nop */
    rv_emit16(&as, rv_c_addi(ZERO, 5)); /* c.addi x0 hint */
    rv_emit16(&as, rv_c_addi(A0, 0));   /* c.addi imm 0 hint */
    rv_emit16(&as, rv_c_li(ZERO, 3));
    rv_emit16(&as, rv_c_lui(ZERO, 1));
    rv_emit16(&as, rv_c_mv(ZERO, A1));
    rv_emit16(&as, rv_c_add(ZERO, A1));
    rv_emit16(&as, rv_c_slli(ZERO, 3));
    rv_emit16(&as, rv_c_slli(A0, 0));
    rv_emit16(&as, rv_c_srli(A1, 0));
    rv_cpu->gpr[A0] = 77;
    rv_cpu->gpr[A1] = 88;
    finish_and_run(&as);
    rv_assert_reg(A0, 77, "hints");
    rv_assert_reg(A1, 88, "hints");
    ck_assert(rv_cpu->gpr[0] == 0);
    rv_asm_free(&as);
}
END_TEST

START_TEST(test_c_jumps)
{
    RvAsm as;
    RvLabel l1, l2, l3, f;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    l1 = rv_label(&as);
    l2 = rv_label(&as);
    l3 = rv_label(&as);
    f = rv_label(&as);
    rv_c_j_to(&as, l1); /* forward */
    /* Padding so the jumps' offsets have different bits in each field. */
    for (int i = 0; i < 21; i++) {
        rv_emit16(&as, rv_c_li(A0, -1)); /* skipped */
    }
    rv_emit16(&as, rv_c_li(A0, -1)); /* skipped */
    rv_bind(&as, l2);
    rv_emit16(&as, rv_c_addi(A1, 1));
    rv_c_j_to(&as, l3);
    rv_bind(&as, l1);
    rv_c_j_to(&as, l2); /* backward */
    rv_bind(&as, l3);
    /* c.jalr: link = pc + 2. */
    uint64_t jalr_pc = rv_here(&as);
    rv_emit16(&as, rv_c_jalr(A3));
    uint64_t after_call = rv_here(&as); /* f returns here */
    rv_emit16(&as, rv_c_addi(A1, 4));
    /* c.jalr ra: target is the old ra. */
    rv_emit16(&as, rv_c_mv(RA, A4));
    uint64_t jalr2_pc = rv_here(&as);
    rv_emit16(&as, rv_c_jalr(RA));
    rv_emit16(&as, rv_c_li(A0, -3)); /* skipped */
    uint64_t end = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_bind(&as, f);
    rv_emit16(&as, rv_c_addi(A1, 2));
    rv_emit16(&as, rv_c_mv(T0, RA));
    rv_emit16(&as, rv_c_jr(RA)); /* return */
    rv_load(&as);
    rv_cpu->gpr[A3] = rv_label_addr(&as, f);
    rv_cpu->gpr[A4] = end;
    rv_run_to_ecall(RV_CODE, end);
    rv_assert_reg(A0, 0, "skipped instructions");
    rv_assert_reg(A1, 7, "path");
    rv_assert_reg(T0, jalr_pc + 2, "c.jalr link");
    ck_assert_uint_eq(after_call, jalr_pc + 2);
    rv_assert_reg(RA, jalr2_pc + 2, "c.jalr ra link");
    rv_asm_free(&as);
}
END_TEST

/* c.beqz/c.bnez, taken and not, forward and backward, at the longest
 * reach (-256 and +254). Layout around at:
 *   at - 256: c.li a0, 1; ecall
 *   at:       c.b?z s1, -256
 *   at + 2:   c.b?z s0, +254
 *   at + 4:   c.li a0, 3; ecall
 *   at + 256: c.li a0, 2; ecall
 */
START_TEST(test_c_branches)
{
    static const uint64_t vals[] = {0, 1, ~0ull, 0x8000000000000000ull,
                                    0x100000000ull};

    rv_start(_i);
    for (int bnez = 0; bnez < 2; bnez++) {
        RvAsm as;
        const uint64_t at = RV_CODE + 0x200;

        rv_asm_init(&as, at - 256);
        rv_emit16(&as, rv_c_li(A0, 1));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_asm_free(&as);
        rv_asm_init(&as, at);
        rv_emit16(&as, bnez ? rv_c_bnez(S1, -256) : rv_c_beqz(S1, -256));
        rv_emit16(&as, bnez ? rv_c_bnez(S0, 254) : rv_c_beqz(S0, 254));
        rv_emit16(&as, rv_c_li(A0, 3));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_asm_free(&as);
        rv_asm_init(&as, at + 256);
        rv_emit16(&as, rv_c_li(A0, 2));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_asm_free(&as);

        for (int i = 0; i < 25; i++) {
            uint64_t x = vals[i / 5], y = vals[i % 5];
            bool t_back = bnez ? y != 0 : y == 0;
            bool t_fwd = bnez ? x != 0 : x == 0;
            rv_cpu->gpr[S0] = x;
            rv_cpu->gpr[S1] = y;
            rv_cpu->gpr[A0] = 0;
            uint64_t stop = t_back ? at - 254 : t_fwd ? at + 258 : at + 6;
            rv_run_to_ecall(at, stop);
            rv_assert_reg(A0,
                          t_back  ? 1
                          : t_fwd ? 2
                                  : 3,
                          bnez ? "c.bnez" : "c.beqz");
        }
    }
}
END_TEST

/* c.beqz/c.bnez/c.j at offsets whose bit fields all differ, so a
 * scrambled immediate cannot go unnoticed. */
START_TEST(test_c_branch_offsets)
{
    static const int offs[] = {26, -70, 0x6a, -0xaa, 0xd4, -0x36, 12, -6};

    rv_start(_i);
    for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
        const uint64_t at = RV_CODE + 0x400;
        int off = offs[k];
        RvAsm as;

        memset(rv_mem + at - 0x200, 0, 0x400);
        rv_asm_init(&as, at + (uint64_t)(int64_t)off);
        rv_emit16(&as, rv_c_li(A0, 1));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_asm_free(&as);
        rv_asm_init(&as, at);
        rv_emit16(&as, rv_c_beqz(S0, off));
        rv_emit16(&as, rv_c_bnez(S1, off - 2));
        rv_emit16(&as, rv_c_j(off - 4));
        rv_load(&as);
        rv_asm_free(&as);

        for (int v = 0; v < 3; v++) {
            /* v = 0: c.beqz taken; 1: c.bnez taken; 2: c.j. */
            rv_cpu->gpr[S0] = v == 0 ? 0 : 5;
            rv_cpu->gpr[S1] = v == 1 ? 5 : 0;
            rv_cpu->gpr[A0] = 0;
            rv_run_to_ecall(at, at + (uint64_t)(int64_t)off + 2);
            rv_assert_reg(A0, 1, "compressed branch offset");
        }
    }
}
END_TEST

/* ---- random mixed streams against a C model ---- */

enum {
    K_C_ADDI,
    K_C_LI,
    K_C_LUI,
    K_C_SRLI,
    K_C_SRAI,
    K_C_ANDI,
    K_C_SUB,
    K_C_XOR,
    K_C_OR,
    K_C_AND,
    K_C_SUBW,
    K_C_ADDW,
    K_C_MV,
    K_C_ADD,
    K_C_SLLI,
    K_C_ADDIW,
    K_ADD,
    K_SUB,
    K_XORI,
    K_ADDIW,
    K_SRAI,
    K_MULW,
    K_SH2ADD,
    K_ROR,
    K_SLTU,
    K_LUI,
    K_NKINDS,
};

typedef struct Insn {
    int kind;
    unsigned rd, rs;
    int imm;
} Insn;

/* Registers x8..x15 only, so every kind can use every register. */
static Insn random_insn(TestRng *r)
{
    Insn in = {.kind = (int)trng_below(r, K_NKINDS),
               .rd = 8 + (unsigned)trng_below(r, 8),
               .rs = 8 + (unsigned)trng_below(r, 8)};
    int imm6 = (int)trng_below(r, 64) - 32;

    switch (in.kind) {
    case K_C_LUI:
        in.imm = imm6 ? imm6 : 1;
        break;
    case K_C_SRLI:
    case K_C_SRAI:
    case K_C_SLLI:
        in.imm = (int)trng_below(r, 64);
        break;
    case K_XORI:
    case K_ADDIW:
        in.imm = (int)trng_below(r, 4096) - 2048;
        break;
    case K_SRAI:
        in.imm = (int)trng_below(r, 64);
        break;
    case K_LUI:
        in.imm = (int)trng_below(r, 1 << 20);
        break;
    default:
        in.imm = imm6;
    }
    return in;
}

static void emit_insn(RvAsm *as, const Insn *in)
{
    unsigned d = in->rd, s = in->rs;
    int i = in->imm;

    switch (in->kind) {
    case K_C_ADDI:
        rv_emit16(as, rv_c_addi(d, i));
        break;
    case K_C_LI:
        rv_emit16(as, rv_c_li(d, i));
        break;
    case K_C_LUI:
        rv_emit16(as, rv_c_lui(d, i));
        break;
    case K_C_SRLI:
        rv_emit16(as, rv_c_srli(d, (unsigned)i));
        break;
    case K_C_SRAI:
        rv_emit16(as, rv_c_srai(d, (unsigned)i));
        break;
    case K_C_ANDI:
        rv_emit16(as, rv_c_andi(d, i));
        break;
    case K_C_SUB:
        rv_emit16(as, rv_c_sub(d, s));
        break;
    case K_C_XOR:
        rv_emit16(as, rv_c_xor(d, s));
        break;
    case K_C_OR:
        rv_emit16(as, rv_c_or(d, s));
        break;
    case K_C_AND:
        rv_emit16(as, rv_c_and(d, s));
        break;
    case K_C_SUBW:
        rv_emit16(as, rv_c_subw(d, s));
        break;
    case K_C_ADDW:
        rv_emit16(as, rv_c_addw(d, s));
        break;
    case K_C_MV:
        rv_emit16(as, rv_c_mv(d, s));
        break;
    case K_C_ADD:
        rv_emit16(as, rv_c_add(d, s));
        break;
    case K_C_SLLI:
        rv_emit16(as, rv_c_slli(d, (unsigned)i));
        break;
    case K_C_ADDIW:
        rv_emit16(as, rv_c_addiw(d, i));
        break;
    case K_ADD:
        rv_emit(as, rv_add(d, s, d));
        break;
    case K_SUB:
        rv_emit(as, rv_sub(d, d, s));
        break;
    case K_XORI:
        rv_emit(as, rv_xori(d, s, i));
        break;
    case K_ADDIW:
        rv_emit(as, rv_addiw(d, s, i));
        break;
    case K_SRAI:
        rv_emit(as, rv_srai(d, s, (unsigned)i));
        break;
    case K_MULW:
        rv_emit(as, rv_mulw(d, s, d));
        break;
    case K_SH2ADD:
        rv_emit(as, rv_sh2add(d, s, d));
        break;
    case K_ROR:
        rv_emit(as, rv_ror(d, d, s));
        break;
    case K_SLTU:
        rv_emit(as, rv_sltu(d, s, d));
        break;
    case K_LUI:
        rv_emit(as, rv_lui(d, (uint32_t)i));
        break;
    }
}

/* The model: the manual's expansion of each compressed instruction and
 * the base instruction's definition. */
static void model_insn(uint64_t *x, const Insn *in)
{
    uint64_t *d = &x[in->rd], s = x[in->rs];
    int64_t i = in->imm;

    switch (in->kind) {
    case K_C_ADDI:
        *d += (uint64_t)i;
        break;
    case K_C_LI:
        *d = (uint64_t)i;
        break;
    case K_C_LUI:
        *d = (uint64_t)(i * 4096);
        break;
    case K_C_SRLI:
        *d >>= i;
        break;
    case K_C_SRAI:
        *d = (uint64_t)((int64_t)*d >> i);
        break;
    case K_C_ANDI:
        *d &= (uint64_t)i;
        break;
    case K_C_SUB:
        *d -= s;
        break;
    case K_C_XOR:
        *d ^= s;
        break;
    case K_C_OR:
        *d |= s;
        break;
    case K_C_AND:
        *d &= s;
        break;
    case K_C_SUBW:
        *d = sext32(*d - s);
        break;
    case K_C_ADDW:
        *d = sext32(*d + s);
        break;
    case K_C_MV:
        *d = s;
        break;
    case K_C_ADD:
        *d += s;
        break;
    case K_C_SLLI:
        *d <<= i;
        break;
    case K_C_ADDIW:
        *d = sext32(*d + (uint64_t)i);
        break;
    case K_ADD:
        *d = s + *d;
        break;
    case K_SUB:
        *d = *d - s;
        break;
    case K_XORI:
        *d = s ^ (uint64_t)i;
        break;
    case K_ADDIW:
        *d = sext32(s + (uint64_t)i);
        break;
    case K_SRAI:
        *d = (uint64_t)((int64_t)s >> i);
        break;
    case K_MULW:
        *d = sext32(s * *d);
        break;
    case K_SH2ADD:
        *d = (s << 2) + *d;
        break;
    case K_ROR: {
        unsigned sh = s & 63;
        *d = sh ? (*d >> sh) | (*d << (64 - sh)) : *d;
        break;
    }
    case K_SLTU:
        *d = s < *d;
        break;
    case K_LUI:
        *d = sext32((uint64_t)i << 12);
        break;
    }
}

START_TEST(test_mixed_streams)
{
    rv_start(_i);
    for (int prog = 0; prog < 150; prog++) {
        TestRng r;
        uint64_t model[32] = {0};
        Insn insns[64];
        int n = 8 + prog % 57;
        RvAsm as;

        trng_seed(&r, 0xc0de0000u + (uint64_t)prog);
        /* Start at pc = 2 mod 4 half of the time. */
        rv_asm_init(&as, RV_CODE + (prog & 1) * 2);
        for (int k = 0; k < n; k++) {
            insns[k] = random_insn(&r);
            emit_insn(&as, &insns[k]);
        }
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        memset(rv_cpu->gpr, 0, sizeof(rv_cpu->gpr));
        for (int reg = 8; reg < 16; reg++) {
            model[reg] = rv_cpu->gpr[reg] = trng_value(&r, 64);
        }
        for (int k = 0; k < n; k++) {
            model_insn(model, &insns[k]);
        }
        rv_run_to_ecall(as.base, rv_here(&as) - 4);
        for (int reg = 8; reg < 16; reg++) {
            ck_assert_msg(rv_cpu->gpr[reg] == model[reg],
                          "[%s] program %d (%d insns): x%d = 0x%016" PRIx64
                          ", expected 0x%016" PRIx64,
                          rv_config_name(), prog, n, reg, rv_cpu->gpr[reg],
                          model[reg]);
        }
        rv_asm_free(&as);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-rvc");
    TCase *tc = tcase_create("rvc");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_c_immediates, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_stack_pointer, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_loads_stores, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_alu, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_hints, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_jumps, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_branches, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_c_branch_offsets, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_mixed_streams, 0, RV_NCONFIGS);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

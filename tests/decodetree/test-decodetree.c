/*
 * Tests of the decoders that tools/decodetree.py generates (Check).
 *
 * Four decoders are included into this one file, as a front end with a
 * 16-bit and a 32-bit decoder would do: good-basic.decode (every feature of
 * docs/decode-format.md), good-multi-{a,b}.decode (two files read as one
 * decoder), rv-base.decode (RISC-V RV32I/RV64I) and good-16.decode (16-bit,
 * sharing trans_addi, trans_lw and arg_i with rv-base.decode).
 *
 * Every trans_ function records its name in ctx->trace and, unless its name
 * is in ctx->reject (then it returns false), its name and argument values
 * as the accepted call.  Expected values are worked out by hand from the
 * pattern files; the RISC-V encodings were computed from the ISA manual and
 * cross-checked with LLVM's RISC-V assembler, and the RISC-V sweeps compare
 * against an encoder written here from the manual's instruction formats.
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct DisasContext {
    const char *reject; /* comma-separated names whose trans_ fails */
    char trace[256];    /* every trans_ called, comma-separated */
    const char *name;   /* the trans_ that returned true */
    int nvals;
    int vals[4];
    int fn_calls; /* calls of the !function helpers */
} DisasContext;

#include "decode-basic.c.inc"
#include "decode-c16.c.inc"
#include "decode-multi.c.inc"
#include "decode-rv.c.inc"

/* The !function helpers. */
static int times2(DisasContext *ctx, int x)
{
    ctx->fn_calls++;
    return x * 2;
}

static int times4(DisasContext *ctx, int x)
{
    ctx->fn_calls++;
    return x * 4;
}

static int ex_shift_1(DisasContext *ctx, int x)
{
    return x * 2;
}

static int ex_shift_12(DisasContext *ctx, int x)
{
    return (int)((uint32_t)x << 12);
}

static int ex_rvc_reg(DisasContext *ctx, int x)
{
    return x + 8;
}

static bool in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0) {
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

static bool record(DisasContext *ctx, const char *name, int n, const int *vals)
{
    size_t used = strlen(ctx->trace);
    snprintf(ctx->trace + used, sizeof(ctx->trace) - used, "%s%s",
             used ? "," : "", name);
    if (in_list(ctx->reject, name)) {
        return false;
    }
    ck_assert_msg(ctx->name == NULL, "%s accepted after %s", name, ctx->name);
    ctx->name = name;
    ctx->nvals = n;
    if (n) {
        memcpy(ctx->vals, vals, n * sizeof(int));
    }
    return true;
}

#define TRANS0(n, set)                                                         \
    static bool trans_##n(DisasContext *ctx, arg_##set *a)                     \
    {                                                                          \
        (void)a;                                                               \
        return record(ctx, #n, 0, NULL);                                       \
    }
#define TRANS1(n, set, m1)                                                     \
    static bool trans_##n(DisasContext *ctx, arg_##set *a)                     \
    {                                                                          \
        return record(ctx, #n, 1, (int[]){a->m1});                             \
    }
#define TRANS2(n, set, m1, m2)                                                 \
    static bool trans_##n(DisasContext *ctx, arg_##set *a)                     \
    {                                                                          \
        return record(ctx, #n, 2, (int[]){a->m1, a->m2});                      \
    }
#define TRANS3(n, set, m1, m2, m3)                                             \
    static bool trans_##n(DisasContext *ctx, arg_##set *a)                     \
    {                                                                          \
        return record(ctx, #n, 3, (int[]){a->m1, a->m2, a->m3});               \
    }
#define TRANS4(n, set, m1, m2, m3, m4)                                         \
    static bool trans_##n(DisasContext *ctx, arg_##set *a)                     \
    {                                                                          \
        return record(ctx, #n, 4, (int[]){a->m1, a->m2, a->m3, a->m4});        \
    }

/* good-basic.decode */
TRANS3(t_inline, abc, a, b, c)
TRANS2(t_field, f_field, x, y)
TRANS3(t_partial, abc, a, b, c)
TRANS4(t_plain, t_plain, v, w, z, k)
TRANS0(t_zero, t_zero)
TRANS0(t_eset, empty)
TRANS2(t_fixed, two, x, y)
TRANS1(t_whole, t_whole, all)
TRANS2(g_first, two, x, y)
TRANS2(g_second, two, x, y)
TRANS2(g_even, two, x, y)
TRANS2(g_odd, two, x, y)
TRANS2(g_inner1, two, x, y)
TRANS2(g_inner2, two, x, y)
TRANS0(g_last, g_last)
TRANS0(s_a, s_a)
TRANS0(s_b, s_b)
TRANS0(w_a, w_a)
TRANS0(w_b, w_b)
TRANS0(w_c, w_c)
TRANS0(h_a, h_a)
TRANS0(h_b, h_b)
TRANS0(h_c, h_c)
TRANS0(v_zero, v_zero)
TRANS0(v_one, v_one)
TRANS0(v_other, v_other)

/* good-multi-a.decode + good-multi-b.decode */
TRANS2(m_one, two, x, y)
TRANS2(m_two, two, x, y)

/* rv-base.decode; addi and lw also serve good-16.decode. */
TRANS2(lui, u, rd, imm)
TRANS2(auipc, u, rd, imm)
TRANS2(jal, j, rd, imm)
TRANS3(jalr, i, rd, rs1, imm)
TRANS3(beq, b, rs1, rs2, imm)
TRANS3(bne, b, rs1, rs2, imm)
TRANS3(blt, b, rs1, rs2, imm)
TRANS3(bge, b, rs1, rs2, imm)
TRANS3(bltu, b, rs1, rs2, imm)
TRANS3(bgeu, b, rs1, rs2, imm)
TRANS3(lb, i, rd, rs1, imm)
TRANS3(lh, i, rd, rs1, imm)
TRANS3(lw, i, rd, rs1, imm)
TRANS3(lbu, i, rd, rs1, imm)
TRANS3(lhu, i, rd, rs1, imm)
TRANS3(lwu, i, rd, rs1, imm)
TRANS3(ld, i, rd, rs1, imm)
TRANS3(sb, s, rs2, rs1, imm)
TRANS3(sh, s, rs2, rs1, imm)
TRANS3(sw, s, rs2, rs1, imm)
TRANS3(sd, s, rs2, rs1, imm)
TRANS3(addi, i, rd, rs1, imm)
TRANS3(slti, i, rd, rs1, imm)
TRANS3(sltiu, i, rd, rs1, imm)
TRANS3(xori, i, rd, rs1, imm)
TRANS3(ori, i, rd, rs1, imm)
TRANS3(andi, i, rd, rs1, imm)
TRANS3(addiw, i, rd, rs1, imm)
TRANS3(slli, shift, rd, rs1, shamt)
TRANS3(srli, shift, rd, rs1, shamt)
TRANS3(srai, shift, rd, rs1, shamt)
TRANS3(slliw, shift, rd, rs1, shamt)
TRANS3(srliw, shift, rd, rs1, shamt)
TRANS3(sraiw, shift, rd, rs1, shamt)
TRANS3(add, r, rd, rs1, rs2)
TRANS3(sub, r, rd, rs1, rs2)
TRANS3(sll, r, rd, rs1, rs2)
TRANS3(slt, r, rd, rs1, rs2)
TRANS3(sltu, r, rd, rs1, rs2)
TRANS3(xor, r, rd, rs1, rs2)
TRANS3(srl, r, rd, rs1, rs2)
TRANS3(sra, r, rd, rs1, rs2)
TRANS3(or, r, rd, rs1, rs2)
TRANS3(and, r, rd, rs1, rs2)
TRANS3(addw, r, rd, rs1, rs2)
TRANS3(subw, r, rd, rs1, rs2)
TRANS3(sllw, r, rd, rs1, rs2)
TRANS3(srlw, r, rd, rs1, rs2)
TRANS3(sraw, r, rd, rs1, rs2)
TRANS3(fence, fence, fm, pred, succ)
TRANS0(ecall, ecall)
TRANS0(ebreak, ebreak)

/* good-16.decode (besides addi and lw) */
TRANS0(c_nop, c_nop)
TRANS3(c_li, c_li, rd, rs1, imm)

typedef bool DecodeFn(DisasContext *ctx, uint32_t insn);

static bool dec_c16(DisasContext *ctx, uint32_t insn)
{
    return decode_c16(ctx, (uint16_t)insn);
}

static bool run(DecodeFn *dec, DisasContext *ctx, uint32_t insn,
                const char *reject)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->reject = reject;
    return dec(ctx, insn);
}

/*
 * Decodes insn and checks that exactly the trans_ function want was
 * accepted, with the n argument values given (in the order of the TRANS
 * line above), and, if want_trace is not NULL, the trans_ functions tried.
 */
static void expect(DecodeFn *dec, uint32_t insn, const char *reject,
                   const char *want, const char *want_trace, int n, ...)
{
    DisasContext ctx;
    bool ok = run(dec, &ctx, insn, reject);
    ck_assert_msg(ok,
                  "0x%08x: decoder returned false (tried '%s'), "
                  "expected %s",
                  insn, ctx.trace, want);
    ck_assert_msg(ctx.name && strcmp(ctx.name, want) == 0,
                  "0x%08x: decoded as %s, expected %s", insn, ctx.name, want);
    if (want_trace) {
        ck_assert_msg(strcmp(ctx.trace, want_trace) == 0,
                      "0x%08x: tried '%s', expected '%s'", insn, ctx.trace,
                      want_trace);
    }
    ck_assert_msg(ctx.nvals == n, "0x%08x: %d values, expected %d", insn,
                  ctx.nvals, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int v = va_arg(ap, int);
        ck_assert_msg(ctx.vals[i] == v,
                      "0x%08x (%s): value %d is %d, expected %d", insn, want, i,
                      ctx.vals[i], v);
    }
    va_end(ap);
}

/* Checks that insn decodes to nothing accepted; want_trace as above. */
static void expect_none(DecodeFn *dec, uint32_t insn, const char *reject,
                        const char *want_trace)
{
    DisasContext ctx;
    bool ok = run(dec, &ctx, insn, reject);
    ck_assert_msg(!ok, "0x%08x: decoded as %s, expected no match", insn,
                  ctx.name);
    ck_assert_msg(ctx.name == NULL,
                  "0x%08x: %s accepted but decoder "
                  "returned false",
                  insn, ctx.name);
    ck_assert_msg(strcmp(ctx.trace, want_trace) == 0,
                  "0x%08x: tried '%s', expected '%s'", insn, ctx.trace,
                  want_trace);
}

/* A small deterministic generator for the sweeps (xorshift32). */
static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* ---------------------------------------------------------------------- */
/* good-basic.decode */

START_TEST(test_inline_fields)
{
    /* a:s8 = insn[31:24] signed, b:8 = insn[23:16], c=5 from the format */
    expect(decode_basic, 0x80ff1201, NULL, "t_inline", "t_inline", 3, -128, 255,
           5);
    expect(decode_basic, 0x7f000001, NULL, "t_inline", NULL, 3, 127, 0, 5);
    expect(decode_basic, 0xff01ab01, NULL, "t_inline", NULL, 3, -1, 1, 5);
}
END_TEST

START_TEST(test_multi_segment_fields)
{
    /*
     * x = %multi = insn[19:16]:insn[31:28]; y = %smulti = 2 *
     * sext(insn[31]:insn[8]:insn[30:25]:insn[12:9]).  0xfe031d02: raw
     * smulti 1:1:111111:1110 = 0xffe = -2, y = -4; x = 0x3:0xf = 63.
     */
    DisasContext ctx;
    expect(decode_basic, 0xfe031d02, NULL, "t_field", NULL, 2, 63, -4);
    /* raw smulti 0:0:000001:0001 = 17, y = 34; x = 0 */
    expect(decode_basic, 0x02000202, NULL, "t_field", NULL, 2, 0, 34);
    /* only the sign bit: raw 0x800 = -2048, y = -4096; x = 0x8 */
    expect(decode_basic, 0x80000002, NULL, "t_field", NULL, 2, 8, -4096);
    /* all ones except the sign: raw 0x7ff = 2047, y = 4094; x = 0x77 */
    expect(decode_basic, 0x7e071f02, NULL, "t_field", NULL, 2, 0x77, 4094);
    /* the !function got the DisasContext */
    run(decode_basic, &ctx, 0x02000202, NULL);
    ck_assert_int_eq(ctx.fn_calls, 1);

    /* Every segment, in every combination, against a bit-by-bit model. */
    for (int i = 0; i < 20000; i++) {
        uint32_t insn = (rng() & ~0xffu) | 0x02;
        int raw = 0;
        static const int bits[12] = {31, 8,  30, 29, 28, 27,
                                     26, 25, 12, 11, 10, 9};
        for (int b = 0; b < 12; b++) {
            raw = raw * 2 + ((insn >> bits[b]) & 1);
        }
        if (raw & 0x800) {
            raw -= 0x1000;
        }
        int x = (int)(((insn >> 16) & 0xf) * 16 + (insn >> 28));
        expect(decode_basic, insn, NULL, "t_field", NULL, 2, x, raw * 2);
    }
}
END_TEST

START_TEST(test_format_and_pattern_assignments)
{
    /*
     * t_partial: a = %scaled = insn[15:8] * 4 (format), b = insn[15:12]
     * (inline in the pattern), c = -3 (constant in the pattern).
     */
    expect(decode_basic, 0x0000a503, NULL, "t_partial", NULL, 3, 660, 10, -3);
    expect(decode_basic, 0xffffff03, NULL, "t_partial", NULL, 3, 1020, 15, -3);
    /*
     * t_plain, no format: v:s4 = insn[31:28], w:4 = insn[27:24], z =
     * %three = sext(insn[29:28]:insn[18:16]:insn[14:12]), k = 0x7f.
     * 0x9a057c04: v = 0x9 = -7, w = 0xa, z = 01:101:111 = 111.
     */
    expect(decode_basic, 0x9a057c04, NULL, "t_plain", NULL, 4, -7, 10, 111,
           127);
    /* bits 11:8 are '-': any value decodes the same */
    expect(decode_basic, 0x9a057004, NULL, "t_plain", NULL, 4, -7, 10, 111,
           127);
    expect(decode_basic, 0x9a057f04, NULL, "t_plain", NULL, 4, -7, 10, 111,
           127);
    /* 0x60001004: v = 6, w = 0, z = 10:000:001 = 0x81 = -127 */
    expect(decode_basic, 0x60001004, NULL, "t_plain", NULL, 4, 6, 0, -127, 127);
    /* %wide = sext(insn[31:8]), %hi8 = insn[31:24] */
    expect(decode_basic, 0xa0123407, NULL, "t_fixed", NULL, 2, 160,
           0xa01234 - 0x1000000);
    expect(decode_basic, 0xa0000007, NULL, "t_fixed", NULL, 2, 160, -0x600000);
    /* %whole = the instruction itself */
    expect(decode_basic, 0xffffff08, NULL, "t_whole", NULL, 1, -248);
    expect(decode_basic, 0x12345608, NULL, "t_whole", NULL, 1, 0x12345608);
}
END_TEST

START_TEST(test_fixed_bits)
{
    /* t_zero fixes all 32 bits */
    expect(decode_basic, 0x00000005, NULL, "t_zero", NULL, 0);
    expect_none(decode_basic, 0x80000005, NULL, "");
    expect_none(decode_basic, 0x00000105, NULL, "");
    /* t_fixed: bits 31:28 fixed by the format, 27:24 by the pattern */
    expect_none(decode_basic, 0xb0123407, NULL, "");
    expect_none(decode_basic, 0xa1123407, NULL, "");
    expect_none(decode_basic, 0x20123407, NULL, "");
    /* &empty through a format */
    expect(decode_basic, 0xdeadbe06, NULL, "t_eset", NULL, 0);
    /* opcodes nobody uses */
    expect_none(decode_basic, 0x00000000, NULL, "");
    expect_none(decode_basic, 0x00000009, NULL, "");
    expect_none(decode_basic, 0x000000ff, NULL, "");
    expect_none(decode_basic, 0x00000011, NULL, "");
    expect_none(decode_basic, 0x00000022, NULL, "");
    expect_none(decode_basic, 0xffffffff, NULL, "");
    /* the [] groups */
    expect(decode_basic, 0x12345620, NULL, "s_a", NULL, 0);
    expect(decode_basic, 0x12345621, NULL, "s_b", NULL, 0);
    expect(decode_basic, 0x12345631, NULL, "v_other", NULL, 0);
    expect_none(decode_basic, 0x12345632, NULL, "");
    /* a {} group whose members differ in a bit they both fix */
    expect(decode_basic, 0x7fffff30, NULL, "v_zero", "v_zero", 0);
    expect(decode_basic, 0x80000030, NULL, "v_one", "v_one", 0);
    expect_none(decode_basic, 0x80000030, "v_one", "v_one");
}
END_TEST

START_TEST(test_overlap_group_order)
{
    /* g_first matches when insn[31:28] == 0 and is tried first */
    expect(decode_basic, 0x00000010, NULL, "g_first", "g_first", 2, 0, 0);
    /* otherwise g_second; x = %hi8 = 0x5a, y = %multi = 0x3:0x5 */
    expect(decode_basic, 0x5a030010, NULL, "g_second", "g_second", 2, 0x5a,
           0x35);
    /* an earlier member returning false falls through to the next */
    expect(decode_basic, 0x00000010, "g_first", "g_second", "g_first,g_second",
           2, 0, 0);
    /* then the [] group inside, which picks by bit 8 */
    expect(decode_basic, 0x00000010, "g_first,g_second", "g_even",
           "g_first,g_second,g_even", 2, 0, 0);
    expect(decode_basic, 0x00000110, "g_first,g_second", "g_odd",
           "g_first,g_second,g_odd", 2, 0, 0);
    expect(decode_basic, 0x50000110, "g_second", "g_odd", "g_second,g_odd", 2,
           0x50, 5);
    /* then the nested {} group: g_inner1 only when bit 19 is set */
    expect(decode_basic, 0x00000110, "g_first,g_second,g_odd", "g_inner2",
           "g_first,g_second,g_odd,g_inner2", 2, 0, 0);
    expect(decode_basic, 0x00080110, "g_first,g_second,g_odd", "g_inner1",
           "g_first,g_second,g_odd,g_inner1", 2, 0, 0x80);
    expect(decode_basic, 0x00080110, "g_first,g_second,g_odd,g_inner1",
           "g_inner2", "g_first,g_second,g_odd,g_inner1,g_inner2", 2, 0, 0x80);
    /* last, the catch-all */
    expect(decode_basic, 0xf0080010, "g_second,g_even,g_inner1,g_inner2",
           "g_last", "g_second,g_even,g_inner1,g_inner2,g_last", 0);
    /* all refuse: the decoder returns false */
    expect_none(decode_basic, 0xf0080010,
                "g_second,g_even,g_inner1,g_inner2,g_last",
                "g_second,g_even,g_inner1,g_inner2,g_last");
    expect_none(decode_basic, 0x00000010,
                "g_first,g_second,g_even,g_inner2,g_last",
                "g_first,g_second,g_even,g_inner2,g_last");
}
END_TEST

START_TEST(test_no_common_bits)
{
    /*
     * w_a (bit31=1, bit0=0), w_b (bit31=0, bit30=1), w_c (bit30=0,
     * bit0=1) share no fixed bit beyond the opcode nibble; h_a/h_b in a {}
     * group and h_c share only theirs.  Try all combinations of the bits
     * they test, with random other bits.
     */
    for (int i = 0; i < 4000; i++) {
        int b31 = i & 1, b30 = (i >> 1) & 1, b0 = (i >> 2) & 1;
        uint32_t insn = (rng() & 0x3fffff0e) | (uint32_t)b31 << 31 |
                        (uint32_t)b30 << 30 | (uint32_t)b0 | 0xe0;
        DisasContext ctx;
        const char *want = NULL;
        if (b31 && !b0) {
            want = "w_a";
        } else if (!b31 && b30) {
            want = "w_b";
        } else if (!b30 && b0) {
            want = "w_c";
        }
        if (want) {
            expect(decode_basic, insn, NULL, want, want, 0);
        } else {
            expect_none(decode_basic, insn, NULL, "");
        }
        /* h_a is tried before h_b when both match */
        insn = (insn & ~0xf0u) | 0xd0;
        want = b31 ? "h_a" : (b30 ? "h_b" : "h_c");
        expect(decode_basic, insn, NULL, want, want, 0);
        if (b31 && b30) {
            expect(decode_basic, insn, "h_a", "h_b", "h_a,h_b", 0);
        }
        if (b31 || b30) {
            ck_assert(!run(decode_basic, &ctx, insn, "h_a,h_b"));
        }
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* good-multi-{a,b}.decode */

START_TEST(test_multi_file)
{
    /* x = %m_lo = sext(insn[7:0]), y = %m_hi = insn[31:24] */
    expect(decode_multi, 0x010000ff, NULL, "m_one", NULL, 2, -1, 1);
    expect(decode_multi, 0x0200007f, NULL, "m_two", NULL, 2, 127, 2);
    expect(decode_multi, 0x02abcd80, NULL, "m_two", NULL, 2, -128, 2);
    expect_none(decode_multi, 0x03000000, NULL, "");
    expect_none(decode_multi, 0x00000001, NULL, "");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* good-16.decode */

START_TEST(test_width_16)
{
    /* c.nop = 0x0001 is tried before c.addi, which it overlaps */
    expect(dec_c16, 0x0001, NULL, "c_nop", "c_nop", 0);
    expect(dec_c16, 0x0001, "c_nop", "addi", "c_nop,addi", 3, 0, 0, 0);
    /* c.addi x1, -1: 000 1 00001 11111 01 = 0x10fd */
    expect(dec_c16, 0x10fd, NULL, "addi", "addi", 3, 1, 1, -1);
    /* c.addi x31, 31: 000 0 11111 11111 01 = 0x0ffd */
    expect(dec_c16, 0x0ffd, NULL, "addi", NULL, 3, 31, 31, 31);
    /* c.addi x8, -32: 000 1 01000 00000 01 = 0x1401 */
    expect(dec_c16, 0x1401, NULL, "addi", NULL, 3, 8, 8, -32);
    /* c.li x10, -5: 010 1 01010 11011 01 = 0x556d; rs1 = 0 (constant) */
    expect(dec_c16, 0x556d, NULL, "c_li", NULL, 3, 10, 0, -5);
    /*
     * c.lw x9, 124(x15): 010 uimm[5:3]=111 rs1'=111 uimm[2|6]=11 rd'=001
     * 00 = 0x5fe4; rd' and rs1' are remapped by ex_rvc_reg (+8).
     */
    expect(dec_c16, 0x5fe4, NULL, "lw", NULL, 3, 9, 15, 124);
    /* c.lw x8, 64(x8): uimm[6] only: 010 000 000 01 000 00 = 0x4020 */
    expect(dec_c16, 0x4020, NULL, "lw", NULL, 3, 8, 8, 64);
    /* c.lw x8, 4(x8): uimm[2] only = 0x4040 */
    expect(dec_c16, 0x4040, NULL, "lw", NULL, 3, 8, 8, 4);
    /* unmatched: the all-zero illegal instruction, quadrant 3, funct3 */
    expect_none(dec_c16, 0x0000, NULL, "");
    expect_none(dec_c16, 0xffff, NULL, "");
    expect_none(dec_c16, 0x2001, NULL, "");
    expect_none(dec_c16, 0x0001, "c_nop,addi", "c_nop,addi");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* rv-base.decode */

/* Encoders written from the instruction formats of the RISC-V manual. */
static uint32_t enc_r(int f7, int rs2, int rs1, int f3, int rd, int op)
{
    return (uint32_t)f7 << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
           (uint32_t)f3 << 12 | (uint32_t)rd << 7 | (uint32_t)op;
}

static uint32_t enc_i(int imm, int rs1, int f3, int rd, int op)
{
    return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs1 << 15 |
           (uint32_t)f3 << 12 | (uint32_t)rd << 7 | (uint32_t)op;
}

static uint32_t enc_s(int imm, int rs2, int rs1, int f3, int op)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
           (uint32_t)f3 << 12 | (u & 0x1f) << 7 | (uint32_t)op;
}

static uint32_t enc_b(int imm, int rs2, int rs1, int f3, int op)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 |
           (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | (uint32_t)f3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | (uint32_t)op;
}

static uint32_t enc_u(int imm, int rd, int op)
{
    return ((uint32_t)imm & 0xfffff000) | (uint32_t)rd << 7 | (uint32_t)op;
}

static uint32_t enc_j(int imm, int rd, int op)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 |
           (uint32_t)rd << 7 | (uint32_t)op;
}

START_TEST(test_rv_known_encodings)
{
    /* Hand-computed, and the same bytes as LLVM's assembler produces. */
    expect(decode_rv, 0x00a00093, NULL, "addi", NULL, 3, 1, 0, 10);
    expect(decode_rv, 0xfff00113, NULL, "addi", NULL, 3, 2, 0, -1);
    expect(decode_rv, 0xfe000ee3, NULL, "beq", NULL, 3, 0, 0, -4);
    expect(decode_rv, 0x80208063, NULL, "beq", NULL, 3, 1, 2, -4096);
    expect(decode_rv, 0x0062e463, NULL, "bltu", NULL, 3, 5, 6, 8);
    expect(decode_rv, 0x00008067, NULL, "jalr", NULL, 3, 0, 1, 0);
    expect(decode_rv, 0x001000ef, NULL, "jal", NULL, 2, 1, 2048);
    expect(decode_rv, 0xffdff06f, NULL, "jal", NULL, 2, 0, -4);
    expect(decode_rv, 0x8000006f, NULL, "jal", NULL, 2, 0, -1048576);
    expect(decode_rv, 0x7ffff06f, NULL, "jal", NULL, 2, 0, 1048574);
    expect(decode_rv, 0x123452b7, NULL, "lui", NULL, 2, 5, 0x12345000);
    expect(decode_rv, 0xfffff0b7, NULL, "lui", NULL, 2, 1, -4096);
    expect(decode_rv, 0x00000517, NULL, "auipc", NULL, 2, 10, 0);
    expect(decode_rv, 0xfe113c23, NULL, "sd", NULL, 3, 1, 2, -8);
    expect(decode_rv, 0x7ef72fa3, NULL, "sw", NULL, 3, 15, 14, 2047);
    expect(decode_rv, 0x00813083, NULL, "ld", NULL, 3, 1, 2, 8);
    expect(decode_rv, 0x00002003, NULL, "lw", NULL, 3, 0, 0, 0);
    expect(decode_rv, 0x800fd483, NULL, "lhu", NULL, 3, 9, 31, -2048);
    expect(decode_rv, 0xfff2b213, NULL, "sltiu", NULL, 3, 4, 5, -1);
    expect(decode_rv, 0x7ff3f313, NULL, "andi", NULL, 3, 6, 7, 2047);
    expect(decode_rv, 0x02051513, NULL, "slli", NULL, 3, 10, 10, 32);
    expect(decode_rv, 0x43f55513, NULL, "srai", NULL, 3, 10, 10, 63);
    expect(decode_rv, 0x0005051b, NULL, "addiw", NULL, 3, 10, 10, 0);
    expect(decode_rv, 0x01f4539b, NULL, "srliw", NULL, 3, 7, 8, 31);
    expect(decode_rv, 0x002081b3, NULL, "add", NULL, 3, 3, 1, 2);
    expect(decode_rv, 0x40208133, NULL, "sub", NULL, 3, 2, 1, 2);
    expect(decode_rv, 0x41df5fbb, NULL, "sraw", NULL, 3, 31, 30, 29);
    expect(decode_rv, 0x0ff0000f, NULL, "fence", NULL, 3, 0, 15, 15);
    expect(decode_rv, 0x8330000f, NULL, "fence", NULL, 3, 8, 3, 3);
    expect(decode_rv, 0x00000073, NULL, "ecall", NULL, 0);
    expect(decode_rv, 0x00100073, NULL, "ebreak", NULL, 0);
}
END_TEST

START_TEST(test_rv_illegal)
{
    static const uint32_t illegal[] = {
        0x00000000, /* all zeros */
        0xffffffff, /* all ones */
        0x4200551b, /* sraiw with shamt[5] set: reserved */
        0x0205159b, /* slliw with shamt[5] set: reserved */
        0x82051513, /* slli with imm[11:6] != 0 */
        0x00007003, /* load with funct3 111 */
        0x00004023, /* store with funct3 100 */
        0x00002063, /* branch with funct3 010 */
        0x00001067, /* jalr with funct3 001 */
        0x02000033, /* op with funct7 0000001 (M extension, not here) */
        0x4000403b, /* op-32 sub-form with funct3 100 */
        0x00200073, /* system: neither ecall nor ebreak */
        0x00100173, /* ebreak with rd != 0 */
        0x0000100f, /* fence.i (Zifencei, not here) */
        0x0000007b, /* unused major opcode */
    };
    for (size_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
        expect_none(decode_rv, illegal[i], NULL, "");
    }
}
END_TEST

START_TEST(test_rv_immediates)
{
    /* Every I, S and B immediate, against the encoders above. */
    for (int imm = -2048; imm <= 2047; imm++) {
        int r1 = imm & 31, r2 = (imm >> 5) & 31;
        expect(decode_rv, enc_i(imm, r1, 0, r2, 0x13), NULL, "addi", NULL, 3,
               r2, r1, imm);
        expect(decode_rv, enc_i(imm, r2, 0, r1, 0x67), NULL, "jalr", NULL, 3,
               r1, r2, imm);
        expect(decode_rv, enc_i(imm, r1, 4, r2, 0x03), NULL, "lbu", NULL, 3, r2,
               r1, imm);
        expect(decode_rv, enc_s(imm, r1, r2, 3, 0x23), NULL, "sd", NULL, 3, r1,
               r2, imm);
        expect(decode_rv, enc_s(imm, r2, r1, 0, 0x23), NULL, "sb", NULL, 3, r2,
               r1, imm);
        expect(decode_rv, enc_b(imm * 2, r1, r2, 5, 0x63), NULL, "bge", NULL, 3,
               r2, r1, imm * 2);
    }
    /* U and J immediates: edges and a deterministic sample. */
    static const int j_edges[] = {0,    2,        -2,      2046,  2048, 4094,
                                  4096, -1048576, 1048574, -4096, -2048};
    for (size_t i = 0; i < sizeof(j_edges) / sizeof(j_edges[0]); i++) {
        expect(decode_rv, enc_j(j_edges[i], 1, 0x6f), NULL, "jal", NULL, 2, 1,
               j_edges[i]);
    }
    for (int i = 0; i < 20000; i++) {
        uint32_t r = rng();
        int j = (int)(r << 11) >> 11 & ~1;
        int rd = (r >> 21) & 31;
        expect(decode_rv, enc_j(j, rd, 0x6f), NULL, "jal", NULL, 2, rd, j);
        int u = (int)(r & 0xfffff000);
        expect(decode_rv, enc_u(u, rd, 0x37), NULL, "lui", NULL, 2, rd, u);
        expect(decode_rv, enc_u(u, rd, 0x17), NULL, "auipc", NULL, 2, rd, u);
    }
}
END_TEST

START_TEST(test_rv_every_pattern)
{
    /* Each pattern once, by its encoder, with distinct registers. */
    struct {
        const char *name;
        uint32_t insn;
    } rr[] = {
        {"add", enc_r(0x00, 3, 2, 0, 1, 0x33)},
        {"sub", enc_r(0x20, 3, 2, 0, 1, 0x33)},
        {"sll", enc_r(0x00, 3, 2, 1, 1, 0x33)},
        {"slt", enc_r(0x00, 3, 2, 2, 1, 0x33)},
        {"sltu", enc_r(0x00, 3, 2, 3, 1, 0x33)},
        {"xor", enc_r(0x00, 3, 2, 4, 1, 0x33)},
        {"srl", enc_r(0x00, 3, 2, 5, 1, 0x33)},
        {"sra", enc_r(0x20, 3, 2, 5, 1, 0x33)},
        {"or", enc_r(0x00, 3, 2, 6, 1, 0x33)},
        {"and", enc_r(0x00, 3, 2, 7, 1, 0x33)},
        {"addw", enc_r(0x00, 3, 2, 0, 1, 0x3b)},
        {"subw", enc_r(0x20, 3, 2, 0, 1, 0x3b)},
        {"sllw", enc_r(0x00, 3, 2, 1, 1, 0x3b)},
        {"srlw", enc_r(0x00, 3, 2, 5, 1, 0x3b)},
        {"sraw", enc_r(0x20, 3, 2, 5, 1, 0x3b)},
    };
    for (size_t i = 0; i < sizeof(rr) / sizeof(rr[0]); i++) {
        expect(decode_rv, rr[i].insn, NULL, rr[i].name, NULL, 3, 1, 2, 3);
    }
    struct {
        const char *name;
        int f3, op;
    } ii[] = {
        {"jalr", 0, 0x67}, {"lb", 0, 0x03},    {"lh", 1, 0x03},
        {"lw", 2, 0x03},   {"ld", 3, 0x03},    {"lbu", 4, 0x03},
        {"lhu", 5, 0x03},  {"lwu", 6, 0x03},   {"addi", 0, 0x13},
        {"slti", 2, 0x13}, {"sltiu", 3, 0x13}, {"xori", 4, 0x13},
        {"ori", 6, 0x13},  {"andi", 7, 0x13},  {"addiw", 0, 0x1b},
    };
    for (size_t i = 0; i < sizeof(ii) / sizeof(ii[0]); i++) {
        expect(decode_rv, enc_i(-7, 4, ii[i].f3, 5, ii[i].op), NULL, ii[i].name,
               NULL, 3, 5, 4, -7);
    }
    static const char *const branches[8] = {"beq", "bne", NULL,   NULL,
                                            "blt", "bge", "bltu", "bgeu"};
    static const char *const stores[4] = {"sb", "sh", "sw", "sd"};
    for (int f3 = 0; f3 < 8; f3++) {
        uint32_t insn = enc_b(-10, 6, 7, f3, 0x63);
        if (branches[f3]) {
            expect(decode_rv, insn, NULL, branches[f3], NULL, 3, 7, 6, -10);
        } else {
            expect_none(decode_rv, insn, NULL, "");
        }
        insn = enc_s(-10, 6, 7, f3, 0x23);
        if (f3 < 4) {
            expect(decode_rv, insn, NULL, stores[f3], NULL, 3, 6, 7, -10);
        } else {
            expect_none(decode_rv, insn, NULL, "");
        }
    }
    /* shifts: 6-bit shamt for OP-IMM, 5-bit for OP-IMM-32 */
    for (int sh = 0; sh < 64; sh++) {
        expect(decode_rv, enc_i(sh, 9, 1, 8, 0x13), NULL, "slli", NULL, 3, 8, 9,
               sh);
        expect(decode_rv, enc_i(sh, 9, 5, 8, 0x13), NULL, "srli", NULL, 3, 8, 9,
               sh);
        expect(decode_rv, enc_i(0x400 | sh, 9, 5, 8, 0x13), NULL, "srai", NULL,
               3, 8, 9, sh);
        if (sh < 32) {
            expect(decode_rv, enc_i(sh, 9, 1, 8, 0x1b), NULL, "slliw", NULL, 3,
                   8, 9, sh);
            expect(decode_rv, enc_i(sh, 9, 5, 8, 0x1b), NULL, "srliw", NULL, 3,
                   8, 9, sh);
            expect(decode_rv, enc_i(0x400 | sh, 9, 5, 8, 0x1b), NULL, "sraiw",
                   NULL, 3, 8, 9, sh);
        } else {
            expect_none(decode_rv, enc_i(sh, 9, 1, 8, 0x1b), NULL, "");
            expect_none(decode_rv, enc_i(0x400 | sh, 9, 5, 8, 0x1b), NULL, "");
        }
    }
    /* fence: rs1 and rd are not decoded */
    expect(decode_rv, 0x0ff0000f | 31 << 15 | 31 << 7, NULL, "fence", NULL, 3,
           0, 15, 15);
    /* a trans_ returning false makes the decoder return false */
    expect_none(decode_rv, 0x00a00093, "addi", "addi");
}
END_TEST

static Suite *decodetree_suite(void)
{
    Suite *s = suite_create("decodetree");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_inline_fields);
    tcase_add_test(tc, test_multi_segment_fields);
    tcase_add_test(tc, test_format_and_pattern_assignments);
    tcase_add_test(tc, test_fixed_bits);
    tcase_add_test(tc, test_overlap_group_order);
    tcase_add_test(tc, test_no_common_bits);
    tcase_add_test(tc, test_multi_file);
    tcase_add_test(tc, test_width_16);
    suite_add_tcase(s, tc);
    tc = tcase_create("riscv");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rv_known_encodings);
    tcase_add_test(tc, test_rv_illegal);
    tcase_add_test(tc, test_rv_immediates);
    tcase_add_test(tc, test_rv_every_pattern);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decodetree_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

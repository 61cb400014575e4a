/*
 * aarch64 loads and stores (a64-ldst.decode) on every backend/optimizer
 * configuration: every addressing mode with its writeback, extension at
 * every size, SP as base, faults that leave registers untouched,
 * exclusives, ordered accesses, LSE atomics against C references, and
 * the Advanced SIMD structure loads and stores against C interleaving.
 * Only loads/stores and branches exist in this group's tree, so inputs
 * are set from C.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

#define BASE (A64_DATA + 0x100)
#define GARBAGE 0xdeadbeefcafef00dull

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* v truncated to size bytes and zero- or sign-extended. */
static uint64_t extend(uint64_t v, int size, bool sign)
{
    int bits = size * 8;

    if (bits == 64) {
        return v;
    }
    v &= (1ull << bits) - 1;
    if (sign && (v >> (bits - 1))) {
        v |= ~0ull << bits;
    }
    return v;
}

static const uint64_t edges[] = {
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    ~0ull,
    0x0123456789abcdefull,
    0xfedcba9876543210ull,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

static void poke_n(uint64_t addr, uint64_t v, int size)
{
    a64_poke(addr, &v, (size_t)size);
}

static uint64_t peek_n(uint64_t addr, int size)
{
    uint64_t v = 0;

    memcpy(&v, a64_mem + addr, (size_t)size);
    return v;
}

/* ---- addressing modes ---- */

/* One addressing mode, with x1 the base and x2 the index: the text
 * (printf with one %d for the offset or shift), x2's value, and where
 * the access goes and what x1 becomes, given the size. */
typedef struct Mode {
    const char *fmt;
    int kind; /* 0 offset, 1 pre, 2 post, 3 register */
    int64_t off;
    uint64_t x2;
    int shift; /* register forms: 1 = shift by log2(size) */
    int ext;   /* 0 lsl/uxtx, 1 uxtw, 2 sxtw, 3 sxtx */
} Mode;

static const Mode modes[] = {
    {"[x1, #%d]", 0, 3, 0, 0, 0},   /* scaled: off * size */
    {"[x1, #%d]", 0, -3, 0, 0, 0},  /* unscaled (LDUR) */
    {"[x1, #%d]", 0, 255, 0, 0, 0}, /* unscaled at the 9-bit limit */
    {"[x1, #%d]!", 1, -5, 0, 0, 0},
    {"[x1], #%d", 2, 7, 0, 0, 0},
    {"[x1, x2, lsl #%d]", 3, 0, 3, 1, 0},
    {"[x1, x2]", 3, 0, 5, 0, 0},
    {"[x1, w2, uxtw]", 3, 0, 0xffffffff00000010ull, 0, 1},
    {"[x1, w2, sxtw #%d]", 3, 0, 0xfffffffeull, 1, 2},
    {"[x1, x2, sxtx]", 3, 0, (uint64_t)-9, 0, 3},
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static int log2i(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : 4;
}

/* Text of mode m for an access of size bytes; returns false if the mode
 * does not exist at that size. */
static bool mode_text(const Mode *m, int size, char *buf, size_t n)
{
    int sh = log2i(size);

    if (m->kind == 0 && m->off == 3) {
        snprintf(buf, n, m->fmt, 3 * size);
    } else if (m->kind != 3) {
        snprintf(buf, n, m->fmt, (int)m->off);
    } else if (m->shift) {
        if (sh == 0) {
            /* Byte accesses take only "#0" for the amount. */
            char f[64];
            snprintf(f, sizeof(f), "%s", m->fmt);
            snprintf(buf, n, f, 0);
        } else {
            snprintf(buf, n, m->fmt, sh);
        }
    } else {
        snprintf(buf, n, "%s", m->fmt);
    }
    return true;
}

/* Effective address and x1 after the access. */
static void mode_addr(const Mode *m, int size, uint64_t base, uint64_t *ea,
                      uint64_t *wb)
{
    int64_t idx;

    *wb = base;
    switch (m->kind) {
    case 0:
        *ea = base + (m->off == 3 ? 3 * size : m->off);
        break;
    case 1:
        *ea = *wb = base + m->off;
        break;
    case 2:
        *ea = base;
        *wb = base + m->off;
        break;
    default:
        idx = m->ext == 1   ? (int64_t)(uint32_t)m->x2
              : m->ext == 2 ? (int64_t)(int32_t)m->x2
                            : (int64_t)m->x2;
        *ea = base + (uint64_t)(idx << (m->shift ? log2i(size) : 0));
        break;
    }
}

typedef struct LoadKind {
    const char *mn, *rt;
    int size;
    bool sign, x;
} LoadKind;

static const LoadKind loads[] = {
    {"ldrb", "w0", 1, false, false}, {"ldrh", "w0", 2, false, false},
    {"ldr", "w0", 4, false, false},  {"ldr", "x0", 8, false, true},
    {"ldrsb", "w0", 1, true, false}, {"ldrsb", "x0", 1, true, true},
    {"ldrsh", "w0", 2, true, false}, {"ldrsh", "x0", 2, true, true},
    {"ldrsw", "x0", 4, true, true},
};

START_TEST(test_gpr_loads)
{
    a64_start(_i);
    for (size_t k = 0; k < sizeof(loads) / sizeof(loads[0]); k++) {
        const LoadKind *l = &loads[k];
        for (size_t mi = 0; mi < NMODES; mi++) {
            const Mode *m = &modes[mi];
            char am[64], text[128];
            uint64_t ea, wb;
            mode_text(m, l->size, am, sizeof(am));
            snprintf(text, sizeof(text), "%s %s, %s", l->mn, l->rt, am);
            mode_addr(m, l->size, BASE, &ea, &wb);
            for (size_t e = 0; e < NEDGES; e += 3) {
                uint64_t v = edges[e] ^ (e > 12 ? rnd() : 0), want;
                poke_n(ea, v, l->size);
                a64_cpu->xregs[0] = GARBAGE;
                a64_cpu->xregs[1] = BASE;
                a64_cpu->xregs[2] = m->x2;
                a64_run_asm(text);
                want = extend(v, l->size, l->sign);
                if (!l->x) {
                    want &= 0xffffffffull;
                }
                a64_assert_x(0, want, text);
                a64_assert_x(1, wb, text);
                a64_assert_x(2, m->x2, text);
            }
        }
    }
}
END_TEST

static const char *const store_mn[4] = {"strb w0", "strh w0", "str w0",
                                        "str x0"};

START_TEST(test_gpr_stores)
{
    a64_start(_i);
    for (int sz = 0; sz < 4; sz++) {
        int size = 1 << sz;
        for (size_t mi = 0; mi < NMODES; mi++) {
            const Mode *m = &modes[mi];
            char am[64], text[128];
            uint64_t ea, wb;
            mode_text(m, size, am, sizeof(am));
            snprintf(text, sizeof(text), "%s, %s", store_mn[sz], am);
            mode_addr(m, size, BASE, &ea, &wb);
            for (size_t e = 0; e < NEDGES; e += 2) {
                uint64_t v = edges[e] ^ rnd();
                poke_n(ea - 8, 0x5555555555555555ull, 8);
                poke_n(ea, 0xaaaaaaaaaaaaaaaaull, 8);
                poke_n(ea + 8, 0x5555555555555555ull, 8);
                a64_cpu->xregs[0] = v;
                a64_cpu->xregs[1] = BASE;
                a64_cpu->xregs[2] = m->x2;
                a64_run_asm(text);
                ck_assert_msg(peek_n(ea, size) == extend(v, size, false),
                              "[%s] %s: stored %" PRIx64, a64_config_name(),
                              text, peek_n(ea, size));
                if (size < 8) {
                    ck_assert_msg(
                        peek_n(ea + size, 8 - size) ==
                            extend(0xaaaaaaaaaaaaaaaaull, 8 - size, false),
                        "[%s] %s: wrote past the access", a64_config_name(),
                        text);
                }
                ck_assert_msg(peek_n(ea - 8, 8) == 0x5555555555555555ull &&
                                  peek_n(ea + 8, 8) == 0x5555555555555555ull,
                              "[%s] %s: wrote outside", a64_config_name(),
                              text);
                a64_assert_x(0, v, text);
                a64_assert_x(1, wb, text);
            }
        }
    }
}
END_TEST

/* SP as base, with writeback; x1 as both base and destination. */
START_TEST(test_sp_and_overlap)
{
    a64_start(_i);
    a64_poke64(BASE + 8, 0x1111222233334444ull);
    a64_cpu->xregs[31] = BASE;
    a64_run_asm("ldr x0, [sp, #8]");
    a64_assert_x(0, 0x1111222233334444ull, "ldr [sp, #8]");
    a64_assert_x(31, BASE, "sp unchanged");

    a64_cpu->xregs[0] = 0x77;
    a64_run_asm("str x0, [sp, #-16]!");
    a64_assert_x(31, BASE - 16, "str pre-index sp");
    ck_assert(a64_peek64(BASE - 16) == 0x77);

    a64_poke64(BASE - 8, 0x99);
    a64_run_asm("ldp x3, x4, [sp], #32");
    a64_assert_x(3, 0x77, "ldp post sp, first");
    a64_assert_x(4, 0x99, "ldp post sp, second");
    a64_assert_x(31, BASE + 16, "ldp post sp writeback");

    a64_cpu->xregs[31] = BASE;
    a64_cpu->xregs[2] = 2;
    a64_run_asm("ldrh w5, [sp, x2, lsl #1]");
    a64_assert_x(5, extend(a64_peek64(BASE + 4), 2, false), "ldrh [sp, x2]");

    /* Load with writeback into its own base: the loaded value wins. */
    a64_poke64(BASE + 8, 0xabcdef);
    a64_cpu->xregs[1] = BASE;
    a64_run_asm("ldr x1, [x1, #8]!");
    a64_assert_x(1, 0xabcdef, "ldr x1, [x1, #8]! (writeback suppressed)");
    a64_cpu->xregs[1] = BASE;
    a64_run_asm("ldr x1, [x1], #8");
    a64_assert_x(1, a64_peek64(BASE), "ldr x1, [x1], #8");

    /* Store with writeback of its own base: stores the old base. */
    a64_cpu->xregs[1] = BASE;
    a64_run_asm("str x1, [x1, #16]!");
    ck_assert(a64_peek64(BASE + 16) == BASE);
    a64_assert_x(1, BASE + 16, "str x1, [x1, #16]!");
}
END_TEST

START_TEST(test_literal_prfm)
{
    static const char *const prog =
        "ldr x0, 1f; ldr w2, 1f; ldrsw x3, 2f; ldr s4, 1f; ldr d5, 1f;"
        "ldr q6, 1f; prfm pldl1keep, 1f; b 3f; .align 4;"
        "1: .quad 0x8899aabbccddeeff; .quad 0x0011223344556677;"
        "2: .word 0x80000001; 3: nop";

    a64_start(_i);
    a64_set_v(4, ~0ull, ~0ull);
    a64_set_v(5, ~0ull, ~0ull);
    a64_run_asm(prog);
    a64_assert_x(0, 0x8899aabbccddeeffull, "ldr x literal");
    a64_assert_x(2, 0xccddeeffull, "ldr w literal");
    a64_assert_x(3, 0xffffffff80000001ull, "ldrsw literal");
    a64_assert_v(4, 0xccddeeffull, 0, "ldr s literal");
    a64_assert_v(5, 0x8899aabbccddeeffull, 0, "ldr d literal");
    a64_assert_v(6, 0x8899aabbccddeeffull, 0x0011223344556677ull,
                 "ldr q literal");

    /* Prefetches never fault, even at unmapped addresses. */
    a64_cpu->xregs[1] = A64_MEM_SIZE + 0x100;
    a64_cpu->xregs[2] = 0x1000;
    a64_run_asm("prfm pldl1keep, [x1]; prfm pstl2strm, [x1, #8];"
                "prfum pldl1keep, [x1, #-1]; prfm plil1keep, [x1, x2]");
    a64_assert_x(1, A64_MEM_SIZE + 0x100, "prfm: no writeback");
}
END_TEST

/* Tagged addresses: Linux runs EL0 with top-byte-ignore. */
START_TEST(test_tbi)
{
    a64_start(_i);
    a64_poke64(BASE, 0x1234);
    a64_cpu->xregs[1] = BASE | 0x5a00000000000000ull;
    a64_run_asm("ldr x0, [x1], #8");
    a64_assert_x(0, 0x1234, "ldr through a tagged pointer");
    a64_assert_x(1, (BASE + 8) | 0x5a00000000000000ull, "tag kept");
}
END_TEST

/* Faults leave the destination and the base untouched: base is
 * A64_MEM_SIZE + off (the guard page starts at A64_MEM_SIZE); dest says
 * whether x0, x3, v0 and v1 must be intact too (not for stores, nor for
 * the structure loads whose destinations are UNKNOWN after an abort). */
START_TEST(test_faults)
{
    static const struct {
        const char *text;
        int64_t off;
        bool dest;
    } cases[] = {
        {"ldr x0, [x1]", 0, true},
        {"ldr x0, [x1, #8]!", -8, true},
        {"ldr x0, [x1], #8", 0, true},
        {"ldr x0, [x1, #-4]", 0, true},
        {"ldrsb w0, [x1]", 0, true},
        {"ldp x0, x3, [x1], #16", -8, true},
        {"ldp x0, x3, [x1, #-8]!", 0, true},
        {"ldr q0, [x1, #-8]!", 0, true},
        {"ldp q0, q1, [x1], #32", -16, true},
        {"ldp q0, q1, [x1], #32", -24, true},
        {"str x0, [x1], #8", -4, false},
        {"stp x0, x3, [x1, #-8]!", 0, false},
        {"ldrh w0, [x1, x2]", 0, true},
        {"ld1 {v0.16b}, [x1], #16", -8, true},
        {"ld1 {v0.2d, v1.2d}, [x1], x2", -24, true},
        {"ld4r {v0.4s-v3.4s}, [x1], #16", -8, true},
        {"ld1 {v0.s}[1], [x1], #4", 0, true},
        {"ld3 {v0.8b-v2.8b}, [x1], #24", -16, false},
        {"str q0, [x1, #-4]!", 0, false},
        {"ldxr x0, [x1]", 0, true},
        {"ldaxp x0, x3, [x1]", 0, true},
        {"ldar w0, [x1]", 0, true},
        {"ldadd x2, x0, [x1]", 0, true},
        {"cas x0, x3, [x1]", 0, true},
        {"caspal x2, x3, x4, x5, [x1]", 0, true},
        {"stxp w0, x3, x3, [x1]", 0, true},
        {"ldp w0, w3, [x1, #-4]", 0, true},
        {"ldp w0, w3, [x1], #8", -4, true},
        {"ldp w0, w3, [x1, #-8]!", 4, true},
        {"stp w0, w3, [x1, #-4]!", 0, false},
    };
    a64_start(_i);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const char *t = cases[k].text;
        uint64_t base = A64_MEM_SIZE + (uint64_t)cases[k].off;
        int excp;
        a64_cpu->xregs[0] = GARBAGE;
        a64_cpu->xregs[3] = GARBAGE + 3;
        a64_cpu->xregs[1] = base;
        a64_cpu->xregs[2] = 0;
        a64_set_v(0, 1, 2);
        a64_set_v(1, 3, 4);
        excp = a64_run_asm_excp(t);
        a64_assert_excp(excp, EXCP_SEGV, t);
        ck_assert_msg(a64_cpu->pc == A64_CODE, "[%s] %s: pc", a64_config_name(),
                      t);
        a64_assert_x(1, base, t);
        a64_assert_x(2, 0, t);
        if (cases[k].dest) {
            a64_assert_x(0, GARBAGE, t);
            a64_assert_x(3, GARBAGE + 3, t);
            a64_assert_v(0, 1, 2, t);
            a64_assert_v(1, 3, 4, t);
        }
    }
}
END_TEST

/* ---- pairs ---- */

START_TEST(test_pairs)
{
    static const struct {
        const char *text;
        int size;
        bool sign;
        int kind; /* 0 offset, 1 pre, 2 post */
        int off;
    } cases[] = {
        {"ldp w3, w4, [x1, #-8]", 4, false, 0, -8},
        {"ldp w3, w4, [x1, #252]", 4, false, 0, 252},
        {"ldp x3, x4, [x1, #-512]", 8, false, 0, -512},
        {"ldp x3, x4, [x1, #504]!", 8, false, 1, 504},
        {"ldp x3, x4, [x1], #-16", 8, false, 2, -16},
        {"ldpsw x3, x4, [x1, #4]", 4, true, 0, 4},
        {"ldpsw x3, x4, [x1, #-4]!", 4, true, 1, -4},
        {"ldpsw x3, x4, [x1], #8", 4, true, 2, 8},
        {"ldnp w3, w4, [x1, #8]", 4, false, 0, 8},
        {"ldnp x3, x4, [x1, #-8]", 8, false, 0, -8},
        {"ldp w3, w4, [x1], #4", 4, false, 2, 4},
    };
    a64_start(_i);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (int rep = 0; rep < 3; rep++) {
            uint64_t base = A64_DATA + 0x800, v1 = rnd(), v2 = rnd();
            uint64_t ea = cases[k].kind == 2 ? base : base + cases[k].off;
            uint64_t wb = cases[k].kind == 0 ? base : base + cases[k].off;
            int sz = cases[k].size;
            if (rep == 1) {
                v1 = 0x80000000;
                v2 = 0x7fffffff;
            }
            poke_n(ea, v1, sz);
            poke_n(ea + sz, v2, sz);
            a64_cpu->xregs[1] = base;
            a64_cpu->xregs[3] = a64_cpu->xregs[4] = GARBAGE;
            a64_run_asm(cases[k].text);
            a64_assert_x(3, extend(v1, sz, cases[k].sign), cases[k].text);
            a64_assert_x(4, extend(v2, sz, cases[k].sign), cases[k].text);
            a64_assert_x(1, wb, cases[k].text);
        }
    }

    /* stores */
    a64_cpu->xregs[1] = A64_DATA + 0x800;
    a64_cpu->xregs[3] = 0x1111111122222222ull;
    a64_cpu->xregs[4] = 0x3333333344444444ull;
    a64_poke64(A64_DATA + 0x800 - 16, 0);
    a64_poke64(A64_DATA + 0x800 - 8, 0);
    a64_run_asm("stp w3, w4, [x1, #-16]!");
    ck_assert(a64_peek64(A64_DATA + 0x800 - 16) == 0x4444444422222222ull);
    ck_assert(a64_peek64(A64_DATA + 0x800 - 8) == 0);
    a64_assert_x(1, A64_DATA + 0x800 - 16, "stp pre");
    a64_run_asm("stp x3, x4, [x1], #32");
    ck_assert(a64_peek64(A64_DATA + 0x800 - 16) == 0x1111111122222222ull);
    ck_assert(a64_peek64(A64_DATA + 0x800 - 8) == 0x3333333344444444ull);
    a64_assert_x(1, A64_DATA + 0x800 + 16, "stp post");
    a64_run_asm("stnp x4, x3, [x1, #8]; stp xzr, x4, [x1, #-8]");
    ck_assert(a64_peek64(A64_DATA + 0x800 + 24) == 0x3333333344444444ull);
    ck_assert(a64_peek64(A64_DATA + 0x800 + 32) == 0x1111111122222222ull);
    ck_assert(a64_peek64(A64_DATA + 0x800 + 8) == 0);
    ck_assert(a64_peek64(A64_DATA + 0x800 + 16) == 0x3333333344444444ull);
    /* stp with its own base, writeback: the old base is stored */
    a64_run_asm("stp x1, x1, [x1, #16]!");
    ck_assert(a64_peek64(A64_DATA + 0x800 + 32) == A64_DATA + 0x800 + 16);
    /*
     * W pairs (one 8-byte access in the translation): the register
     * order in memory, the upper halves dropped on store and zeroed on
     * load, WZR, Rt == Rt2 (the second value wins), Rt == Rn (the loaded
     * value wins over the writeback) and an unaligned address.
     */
    a64_cpu->xregs[1] = A64_DATA + 0x803;
    a64_cpu->xregs[3] = 0xaaaaaaaa89abcdefull;
    a64_cpu->xregs[4] = 0xbbbbbbbb01234567ull;
    a64_run_asm("stp w3, w4, [x1]\nstp w4, wzr, [x1, #8]\nstp wzr, w3, [x1, #16]");
    ck_assert(a64_peek64(A64_DATA + 0x803) == 0x0123456789abcdefull);
    ck_assert(a64_peek64(A64_DATA + 0x80b) == 0x0000000001234567ull);
    ck_assert(a64_peek64(A64_DATA + 0x813) == 0x89abcdef00000000ull);
    a64_cpu->xregs[5] = a64_cpu->xregs[6] = GARBAGE;
    a64_run_asm("ldp w5, w6, [x1]\nldp w3, w3, [x1, #8]");
    a64_assert_x(5, 0x89abcdef, "ldp w: first");
    a64_assert_x(6, 0x01234567, "ldp w: second");
    a64_assert_x(3, 0, "ldp w3, w3: the second value");
    a64_run_asm("ldp w4, w1, [x1, #16]!");
    a64_assert_x(4, 0, "ldp w rn == rt2: first");
    a64_assert_x(1, 0x89abcdef, "ldp w rn == rt2: the loaded value");
}
END_TEST

/* ---- SIMD&FP registers ---- */

static const char *const vnames = "bhsdq";

START_TEST(test_vec_single)
{
    a64_start(_i);
    for (int sc = 0; sc <= 4; sc++) {
        int size = 1 << sc;
        for (size_t mi = 0; mi < NMODES; mi++) {
            const Mode *m = &modes[mi];
            char am[64], text[128];
            uint64_t ea, wb, lo = rnd(), hi = rnd();
            mode_text(m, size, am, sizeof(am));
            mode_addr(m, size, BASE, &ea, &wb);
            /* load */
            snprintf(text, sizeof(text), "ldr %c7, %s", vnames[sc], am);
            poke_n(ea, lo, 8);
            poke_n(ea + 8, hi, 8);
            a64_set_v(7, ~0ull, ~0ull);
            a64_cpu->xregs[1] = BASE;
            a64_cpu->xregs[2] = m->x2;
            a64_run_asm(text);
            a64_assert_v(7, size >= 8 ? lo : extend(lo, size, false),
                         size == 16 ? hi : 0, text);
            a64_assert_x(1, wb, text);
            /* store */
            snprintf(text, sizeof(text), "str %c7, %s", vnames[sc], am);
            poke_n(ea, 0, 8);
            poke_n(ea + 8, 0, 8);
            poke_n(ea + 16, 0, 8);
            a64_set_v(7, lo, hi);
            a64_cpu->xregs[1] = BASE;
            a64_run_asm(text);
            ck_assert_msg(peek_n(ea, 8) ==
                                  (size >= 8 ? lo : extend(lo, size, false)) &&
                              peek_n(ea + 8, 8) == (size == 16 ? hi : 0) &&
                              peek_n(ea + 16, 8) == 0,
                          "[%s] %s: memory", a64_config_name(), text);
            a64_assert_x(1, wb, text);
        }
    }
}
END_TEST

START_TEST(test_vec_pairs)
{
    static const char *const regs[3] = {"s", "d", "q"};
    static const char *const fmts[4] = {
        "ldp %s2, %s3, [x1, #%d]", "ldp %s2, %s3, [x1, #%d]!",
        "ldp %s2, %s3, [x1], #%d", "ldnp %s2, %s3, [x1, #%d]"};
    a64_start(_i);
    for (int r = 0; r < 3; r++) {
        int size = 4 << r;
        for (int f = 0; f < 4; f++) {
            char text[96], st[96];
            int off = (f & 1) ? -2 * size : 3 * size;
            uint64_t m[4], base = BASE + 0x100, ea, wb;
            for (int i = 0; i < 4; i++) {
                m[i] = rnd();
            }
            snprintf(text, sizeof(text), fmts[f], regs[r], regs[r], off);
            ea = f == 2 ? base : base + off;
            wb = (f == 1 || f == 2) ? base + off : base;
            a64_poke(ea, m, sizeof(m));
            a64_set_v(2, ~0ull, ~0ull);
            a64_set_v(3, ~0ull, ~0ull);
            a64_cpu->xregs[1] = base;
            a64_run_asm(text);
            if (size == 16) {
                a64_assert_v(2, m[0], m[1], text);
                a64_assert_v(3, m[2], m[3], text);
            } else if (size == 8) {
                a64_assert_v(2, m[0], 0, text);
                a64_assert_v(3, m[1], 0, text);
            } else {
                a64_assert_v(2, m[0] & 0xffffffff, 0, text);
                a64_assert_v(3, m[0] >> 32, 0, text);
            }
            a64_assert_x(1, wb, text);
            /* the matching store writes back what was loaded */
            memcpy(st, "st", 2);
            snprintf(st, sizeof(st), "%s", text);
            st[0] = 's';
            st[1] = 't';
            memset(a64_mem + ea, 0, 48);
            a64_cpu->xregs[1] = base;
            a64_run_asm(st);
            ck_assert_msg(memcmp(a64_mem + ea, m, 2 * (size_t)size) == 0,
                          "[%s] %s: memory", a64_config_name(), st);
            ck_assert(peek_n(ea + 2 * size, 1) == 0);
            a64_assert_x(1, wb, st);
        }
    }
}
END_TEST

/* ---- exclusives and ordered accesses ---- */

#define EXA (A64_DATA + 0x40)

static const char *const ldx_text[4] = {"ldxrb w0, [x1]", "ldaxrh w0, [x1]",
                                        "ldxr w0, [x1]", "ldaxr x0, [x1]"};
static const char *const stx_text[4] = {
    "stxrb w3, w4, [x1]", "stlxrh w3, w4, [x1]", "stlxr w3, w4, [x1]",
    "stxr w3, x4, [x1]"};

START_TEST(test_exclusive)
{
    a64_start(_i);
    for (int sz = 0; sz < 4; sz++) {
        int size = 1 << sz;
        char both[96], twice[128], other[96];
        uint64_t v = rnd(), nv = rnd(), other_v = rnd();

        snprintf(both, sizeof(both), "%s; %s", ldx_text[sz], stx_text[sz]);
        snprintf(twice, sizeof(twice), "%s; %s; %s", ldx_text[sz], stx_text[sz],
                 stx_text[sz]);
        *strrchr(twice, '3') = '5'; /* the second status goes to w5 */
        /* success */
        a64_poke64(EXA, v);
        a64_cpu->xregs[1] = EXA;
        a64_cpu->xregs[3] = GARBAGE;
        a64_cpu->xregs[4] = nv;
        a64_run_asm(both);
        a64_assert_x(0, extend(v, size, false), both);
        a64_assert_x(3, 0, both);
        ck_assert_msg(a64_peek64(EXA) == (size == 8
                                              ? nv
                                              : (v & (~0ull << (8 * size))) |
                                                    extend(nv, size, false)),
                      "[%s] %s: memory", a64_config_name(), both);
        /* the monitor is closed by a store-exclusive, even a successful one */
        a64_poke64(EXA, v);
        a64_cpu->xregs[5] = GARBAGE;
        a64_run_asm(twice);
        a64_assert_x(3, 0, twice);
        a64_assert_x(5, 1, twice);
        /* without a load-exclusive: fails, memory unchanged */
        a64_poke64(EXA, v);
        a64_cpu->xregs[3] = GARBAGE;
        a64_run_asm(stx_text[sz]);
        a64_assert_x(3, 1, "stxr without ldxr");
        ck_assert(a64_peek64(EXA) == v);
        /* the value changed between them (here by the host) */
        a64_run_asm(ldx_text[sz]);
        a64_poke64(EXA, other_v);
        a64_run_asm(stx_text[sz]);
        if (extend(other_v, size, false) != extend(v, size, false)) {
            a64_assert_x(3, 1, "stxr after a change");
            ck_assert(a64_peek64(EXA) == other_v);
        }
        /* another address */
        snprintf(other, sizeof(other), "%s; %.*s[x2]", ldx_text[sz],
                 (int)strlen(stx_text[sz]) - 4, stx_text[sz]);
        a64_poke64(EXA, v);
        a64_poke64(EXA + 16, v);
        a64_cpu->xregs[2] = EXA + 16;
        a64_run_asm(other);
        a64_assert_x(3, 1, other);
        ck_assert(a64_peek64(EXA + 16) == v);
        /* misaligned: EXCP_UNALIGNED, registers untouched */
        if (size > 1) {
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = EXA + 1;
            a64_assert_excp(a64_run_asm_excp(ldx_text[sz]), EXCP_UNALIGNED,
                            ldx_text[sz]);
            a64_assert_x(0, GARBAGE, ldx_text[sz]);
            a64_cpu->xregs[3] = GARBAGE;
            a64_assert_excp(a64_run_asm_excp(stx_text[sz]), EXCP_UNALIGNED,
                            stx_text[sz]);
            a64_assert_x(3, GARBAGE, stx_text[sz]);
        }
    }
    /* another size at the same address */
    a64_cpu->xregs[1] = EXA;
    a64_poke64(EXA, 5);
    a64_run_asm("ldxr x0, [x1]; stxrb w3, w4, [x1]");
    a64_assert_x(3, 1, "ldxr x / stxrb");
    ck_assert(a64_peek64(EXA) == 5);
}
END_TEST

START_TEST(test_exclusive_pair)
{
    uint64_t lo = rnd(), hi = rnd(), n1 = rnd(), n2 = rnd();

    a64_start(_i);
    a64_cpu->xregs[1] = EXA;
    a64_cpu->xregs[4] = n1;
    a64_cpu->xregs[6] = n2;
    /* 32-bit pair */
    a64_poke64(EXA, lo);
    a64_run_asm("ldxp w0, w5, [x1]; stxp w3, w4, w6, [x1]");
    a64_assert_x(0, lo & 0xffffffff, "ldxp w lo");
    a64_assert_x(5, lo >> 32, "ldxp w hi");
    a64_assert_x(3, 0, "stxp w status");
    ck_assert(a64_peek64(EXA) == ((n2 << 32) | (n1 & 0xffffffff)));
    /* 64-bit pair */
    a64_poke64(EXA, lo);
    a64_poke64(EXA + 8, hi);
    a64_run_asm("ldaxp x0, x5, [x1]; stlxp w3, x4, x6, [x1]");
    a64_assert_x(0, lo, "ldaxp x lo");
    a64_assert_x(5, hi, "ldaxp x hi");
    a64_assert_x(3, 0, "stlxp x status");
    ck_assert(a64_peek64(EXA) == n1 && a64_peek64(EXA + 8) == n2);
    /* the high half changed in between: fails */
    a64_run_asm("ldxp x0, x5, [x1]");
    a64_poke64(EXA + 8, ~n2);
    a64_run_asm("stxp w3, x4, x4, [x1]");
    a64_assert_x(3, 1, "stxp after a change of the high half");
    ck_assert(a64_peek64(EXA) == n1 && a64_peek64(EXA + 8) == ~n2);
    /* pair of another size */
    a64_run_asm("ldxp x0, x5, [x1]; stxp w3, w4, w6, [x1]");
    a64_assert_x(3, 1, "ldxp x / stxp w");
    a64_run_asm("ldxp w0, w5, [x1]; stxp w3, x4, x6, [x1]");
    a64_assert_x(3, 1, "ldxp w / stxp x");
    a64_run_asm("ldxr x0, [x1]; stxp w3, w4, w6, [x1]");
    a64_assert_x(3, 1, "ldxr x / stxp w");
    ck_assert(a64_peek64(EXA) == n1 && a64_peek64(EXA + 8) == ~n2);
    /* alignment: of the pair */
    a64_cpu->xregs[0] = GARBAGE;
    a64_cpu->xregs[1] = EXA + 8;
    a64_assert_excp(a64_run_asm_excp("ldxp x0, x5, [x1]"), EXCP_UNALIGNED,
                    "ldxp x at 8 mod 16");
    a64_assert_x(0, GARBAGE, "ldxp x misaligned");
    a64_cpu->xregs[3] = GARBAGE;
    a64_assert_excp(a64_run_asm_excp("stxp w3, x4, x6, [x1]"), EXCP_UNALIGNED,
                    "stxp x at 8 mod 16");
    a64_assert_x(3, GARBAGE, "stxp x misaligned");
    a64_cpu->xregs[1] = EXA + 4;
    a64_assert_excp(a64_run_asm_excp("ldxp w0, w5, [x1]"), EXCP_UNALIGNED,
                    "ldxp w at 4 mod 8");
    a64_assert_excp(a64_run_asm_excp("stxp w3, w4, w5, [x1]"), EXCP_UNALIGNED,
                    "stxp w at 4 mod 8");
    ck_assert(a64_cpu->parent.fault_addr == EXA + 4);
}
END_TEST

START_TEST(test_ordered)
{
    static const char *const texts[] = {
        "ldarb w0, [x1]; stlrb w4, [x2]",   "ldarh w0, [x1]; stlrh w4, [x2]",
        "ldar w0, [x1]; stlr w4, [x2]",     "ldar x0, [x1]; stlr x4, [x2]",
        "ldaprb w0, [x1]; stllrb w4, [x2]", "ldaprh w0, [x1]; stllrh w4, [x2]",
        "ldapr w0, [x1]; stllr w4, [x2]",   "ldlar x0, [x1]; stllr x4, [x2]",
        "ldlarb w0, [x1]; stlr w4, [x2]",   "ldapr x0, [x1]; stlrb w4, [x2]",
    };
    static const int sizes[][2] = {{1, 1}, {2, 2}, {4, 4}, {8, 8}, {1, 1},
                                   {2, 2}, {4, 4}, {8, 8}, {1, 4}, {8, 1}};
    a64_start(_i);
    for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
        for (size_t e = 0; e < NEDGES; e += 4) {
            uint64_t v = edges[e] ^ rnd(), nv = rnd();
            int ls = sizes[k][0], ss = sizes[k][1];
            a64_poke64(EXA, v);
            a64_poke64(EXA + 8, 0);
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = EXA;
            a64_cpu->xregs[2] = EXA + 8;
            a64_cpu->xregs[4] = nv;
            a64_run_asm(texts[k]);
            a64_assert_x(0, extend(v, ls, false), texts[k]);
            ck_assert_msg(a64_peek64(EXA + 8) == extend(nv, ss, false),
                          "[%s] %s: memory", a64_config_name(), texts[k]);
        }
        /* misaligned */
        if (sizes[k][0] > 1) {
            a64_cpu->xregs[1] = EXA + 1;
            a64_assert_excp(a64_run_asm_excp(texts[k]), EXCP_UNALIGNED,
                            texts[k]);
        }
        if (sizes[k][1] > 1) {
            a64_cpu->xregs[1] = EXA;
            a64_cpu->xregs[2] = EXA + 9;
            a64_assert_excp(a64_run_asm_excp(texts[k]), EXCP_UNALIGNED,
                            texts[k]);
        }
    }
}
END_TEST

/* ---- LSE ---- */

static const char *const lse_names[9] = {"ldadd",  "ldclr",  "ldeor",
                                         "ldset",  "ldsmax", "ldsmin",
                                         "ldumax", "ldumin", "swp"};

/* New memory value of LSE operation op on old value m and operand v at
 * size bytes. */
static uint64_t lse_ref(int op, uint64_t m, uint64_t v, int size)
{
    uint64_t um = extend(m, size, false), uv = extend(v, size, false);
    int64_t sm = (int64_t)extend(m, size, true);
    int64_t sv = (int64_t)extend(v, size, true);
    uint64_t r;

    switch (op) {
    case 0:
        r = um + uv;
        break;
    case 1:
        r = um & ~uv;
        break;
    case 2:
        r = um ^ uv;
        break;
    case 3:
        r = um | uv;
        break;
    case 4:
        r = (uint64_t)(sm > sv ? sm : sv);
        break;
    case 5:
        r = (uint64_t)(sm < sv ? sm : sv);
        break;
    case 6:
        r = um > uv ? um : uv;
        break;
    case 7:
        r = um < uv ? um : uv;
        break;
    default:
        r = uv;
        break;
    }
    return extend(r, size, false);
}

START_TEST(test_lse)
{
    static const char *const sfx[4] = {"", "a", "l", "al"};
    static const char *const szs[4] = {"b", "h", "", ""};

    a64_start(_i);
    for (int op = 0; op < 9; op++) {
        for (int sz = 0; sz < 4; sz++) {
            int size = 1 << sz;
            char text[64];
            const char *r = sz == 3 ? "x" : "w";
            snprintf(text, sizeof(text), "%s%s%s %s2, %s0, [x1]", lse_names[op],
                     sfx[(op + sz) % 4], szs[sz], r, r);
            for (size_t mi = 0; mi < NEDGES; mi++) {
                for (size_t vi = 0; vi < NEDGES; vi++) {
                    uint64_t m = edges[mi], v = edges[vi];
                    uint64_t fill = 0x5a5a5a5a5a5a5a5aull, want;
                    if (size < 8) {
                        m = (m & ((1ull << (8 * size)) - 1)) |
                            (fill << (8 * size));
                    }
                    a64_poke64(EXA, m);
                    a64_cpu->xregs[0] = GARBAGE;
                    a64_cpu->xregs[1] = EXA;
                    a64_cpu->xregs[2] = v;
                    a64_run_asm(text);
                    a64_assert_x(0, extend(m, size, false), text);
                    a64_assert_x(2, v, text);
                    want = lse_ref(op, m, v, size);
                    if (size < 8) {
                        want |= m & (~0ull << (8 * size));
                    }
                    ck_assert_msg(a64_peek64(EXA) == want,
                                  "[%s] %s m=%" PRIx64 " v=%" PRIx64
                                  ": memory %" PRIx64 ", expected %" PRIx64,
                                  a64_config_name(), text, m, v,
                                  a64_peek64(EXA), want);
                }
            }
            /* misaligned */
            if (size > 1) {
                a64_cpu->xregs[0] = GARBAGE;
                a64_cpu->xregs[1] = EXA + size / 2;
                a64_assert_excp(a64_run_asm_excp(text), EXCP_UNALIGNED, text);
                a64_assert_x(0, GARBAGE, text);
            }
        }
    }
    /* ST* aliases (Rt = XZR) */
    a64_cpu->xregs[1] = EXA;
    a64_cpu->xregs[2] = 5;
    a64_poke64(EXA, 10);
    a64_run_asm("stadd x2, [x1]; stclrl x2, [x1]; steorb w2, [x1];"
                "stsmaxh w2, [x1]; stumin w2, [x1]");
    ck_assert(a64_peek64(EXA) == 5); /* 15, 10, 15, 15, 5 */
}
END_TEST

START_TEST(test_cas)
{
    static const char *const texts[4] = {
        "casb w0, w4, [x1]", "casah w0, w4, [x1]", "casl w0, w4, [x1]",
        "casal x0, x4, [x1]"};
    a64_start(_i);
    for (int sz = 0; sz < 4; sz++) {
        int size = 1 << sz;
        for (int hit = 0; hit < 2; hit++) {
            uint64_t m = rnd(), nv = rnd();
            uint64_t cmp =
                hit ? (m & ((size == 8) ? ~0ull : (1ull << (8 * size)) - 1)) |
                          0xabcd000000000000ull * (size < 8)
                    : m ^ 1;
            uint64_t want = hit ? (size == 8 ? nv
                                             : (m & (~0ull << (8 * size))) |
                                                   extend(nv, size, false))
                                : m;
            a64_poke64(EXA, m);
            a64_cpu->xregs[0] = cmp;
            a64_cpu->xregs[1] = EXA;
            a64_cpu->xregs[4] = nv;
            a64_run_asm(texts[sz]);
            a64_assert_x(0, extend(m, size, false), texts[sz]);
            ck_assert_msg(a64_peek64(EXA) == want, "[%s] %s hit %d: memory",
                          a64_config_name(), texts[sz], hit);
        }
    }
    a64_cpu->xregs[1] = EXA + 2;
    a64_assert_excp(a64_run_asm_excp("cas w0, w4, [x1]"), EXCP_UNALIGNED,
                    "cas misaligned");
}
END_TEST

START_TEST(test_casp)
{
    a64_start(_i);
    for (int hit = 0; hit < 2; hit++) {
        uint64_t lo = rnd(), hi = rnd(), n1 = rnd(), n2 = rnd();
        /* W pair */
        a64_poke64(EXA, lo);
        a64_cpu->xregs[1] = EXA;
        a64_cpu->xregs[2] = (lo & 0xffffffff) | 0xffff000000000000ull;
        a64_cpu->xregs[3] = (lo >> 32) ^ (hit ? 0 : 0x100);
        a64_cpu->xregs[4] = n1;
        a64_cpu->xregs[5] = n2;
        a64_run_asm("caspal w2, w3, w4, w5, [x1]");
        a64_assert_x(2, lo & 0xffffffff, "casp w old lo");
        a64_assert_x(3, lo >> 32, "casp w old hi");
        ck_assert(a64_peek64(EXA) ==
                  (hit ? (n1 & 0xffffffff) | (n2 << 32) : lo));
        /* X pair */
        a64_poke64(EXA, lo);
        a64_poke64(EXA + 8, hi);
        a64_cpu->xregs[2] = lo;
        a64_cpu->xregs[3] = hi ^ (hit ? 0 : 1ull << 63);
        a64_run_asm("casp x2, x3, x4, x5, [x1]");
        a64_assert_x(2, lo, "casp x old lo");
        a64_assert_x(3, hi, "casp x old hi");
        ck_assert(a64_peek64(EXA) == (hit ? n1 : lo));
        ck_assert(a64_peek64(EXA + 8) == (hit ? n2 : hi));
    }
    /* XZR pair: x30, xzr compare with (x30, 0) and store (x4, x5) */
    a64_poke64(EXA, 7);
    a64_poke64(EXA + 8, 0);
    a64_cpu->xregs[30] = 7;
    a64_cpu->xregs[4] = 1;
    a64_cpu->xregs[5] = 2;
    a64_run_asm("caspl x30, xzr, x4, x5, [x1]");
    a64_assert_x(30, 7, "casp x30, xzr");
    ck_assert(a64_peek64(EXA) == 1 && a64_peek64(EXA + 8) == 2);
    /* alignment of the pair */
    a64_cpu->xregs[1] = EXA + 8;
    a64_cpu->xregs[2] = GARBAGE;
    a64_assert_excp(a64_run_asm_excp("casp x2, x3, x4, x5, [x1]"),
                    EXCP_UNALIGNED, "casp x at 8 mod 16");
    a64_assert_x(2, GARBAGE, "casp x misaligned");
    a64_cpu->xregs[1] = EXA + 4;
    a64_assert_excp(a64_run_asm_excp("casp w2, w3, w4, w5, [x1]"),
                    EXCP_UNALIGNED, "casp w at 4 mod 8");
}
END_TEST

/* ---- Advanced SIMD structures ---- */

#define VMEM (A64_DATA + 0x1000)

static const char *const arr_names[4][2] = {
    {"8b", "16b"}, {"4h", "8h"}, {"2s", "4s"}, {"1d", "2d"}};

static void random_vregs(void)
{
    for (int r = 0; r < 32; r++) {
        a64_set_v(r, rnd(), rnd());
    }
}

/* The Arm pseudocode of LDn/STn (multiple structures) on a copy of the
 * registers and of memory. */
static void model_multi(AArch64Vec *v, uint8_t *mem, int rt, int rpt, int selem,
                        int sz, int q, bool load)
{
    int esize = 1 << sz, elements = (q ? 16 : 8) / esize, off = 0;

    for (int r = 0; r < rpt; r++) {
        for (int e = 0; e < elements; e++) {
            int tt = (rt + r) % 32;
            for (int s = 0; s < selem; s++) {
                if (load) {
                    memcpy(&v[tt].b[e * esize], mem + off, (size_t)esize);
                } else {
                    memcpy(mem + off, &v[tt].b[e * esize], (size_t)esize);
                }
                off += esize;
                tt = (tt + 1) % 32;
            }
        }
    }
    if (load && !q) {
        for (int r = 0; r < rpt * selem; r++) {
            v[(rt + r) % 32].d[1] = 0;
        }
    }
}

static void reglist(char *buf, size_t n, int rt, int count, const char *arr)
{
    size_t len = (size_t)snprintf(buf, n, "{");
    for (int i = 0; i < count; i++) {
        len += (size_t)snprintf(buf + len, n - len, "%sv%d.%s", i ? ", " : "",
                                (rt + i) % 32, arr);
    }
    snprintf(buf + len, n - len, "}");
}

static void check_vregs(const AArch64Vec *want, const char *text)
{
    for (int r = 0; r < 32; r++) {
        a64_assert_v(r, want[r].d[0], want[r].d[1], text);
    }
}

START_TEST(test_vmult)
{
    /* (mnemonic number, register count, rpt, selem) */
    static const int forms[][4] = {{1, 1, 1, 1}, {1, 2, 2, 1}, {1, 3, 3, 1},
                                   {1, 4, 4, 1}, {2, 2, 1, 2}, {3, 3, 1, 3},
                                   {4, 4, 1, 4}};
    a64_start(_i);
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        for (int sz = 0; sz < 4; sz++) {
            for (int q = 0; q < 2; q++) {
                int n = forms[f][0], count = forms[f][1];
                int rpt = forms[f][2], selem = forms[f][3];
                int rt = (int)((f * 7 + (size_t)sz * 3 + (size_t)q * 11) % 32);
                int bytes = count * (q ? 16 : 8);
                char list[128], text[192];
                AArch64Vec want[32];
                uint8_t mem[80];
                if (sz == 3 && !q && selem > 1) {
                    continue;
                }
                reglist(list, sizeof(list), rt, count, arr_names[sz][q]);
                /* load */
                snprintf(text, sizeof(text), "ld%d %s, [x1]", n, list);
                for (size_t i = 0; i < sizeof(mem); i++) {
                    mem[i] = (uint8_t)rnd();
                }
                a64_poke(VMEM, mem, sizeof(mem));
                random_vregs();
                memcpy(want, a64_cpu->vregs, sizeof(want));
                model_multi(want, mem, rt, rpt, selem, sz, q, true);
                a64_cpu->xregs[1] = VMEM;
                a64_run_asm(text);
                check_vregs(want, text);
                a64_assert_x(1, VMEM, text);
                /* store, post-indexed by the size or by x2 */
                snprintf(text, sizeof(text), "st%d %s, [x1], %s", n, list,
                         (sz + q) & 1 ? "x2" : "#0");
                if (!((sz + q) & 1)) {
                    snprintf(text, sizeof(text), "st%d %s, [x1], #%d", n, list,
                             bytes);
                }
                memset(mem, 0xee, sizeof(mem));
                a64_poke(VMEM, mem, sizeof(mem));
                random_vregs();
                memcpy(want, a64_cpu->vregs, sizeof(want));
                model_multi(want, mem, rt, rpt, selem, sz, q, false);
                a64_cpu->xregs[1] = VMEM;
                a64_cpu->xregs[2] = 0x123;
                a64_run_asm(text);
                ck_assert_msg(memcmp(a64_mem + VMEM, mem, sizeof(mem)) == 0,
                              "[%s] %s: memory", a64_config_name(), text);
                check_vregs(want, text);
                a64_assert_x(1, VMEM + ((sz + q) & 1 ? 0x123 : (uint64_t)bytes),
                             text);
            }
        }
    }
}
END_TEST

/* Single structure to one lane, and LDnR, after the Arm pseudocode. */
static void model_single(AArch64Vec *v, uint8_t *mem, int rt, int selem, int sz,
                         int index, int q, int mode)
{
    int esize = 1 << sz;

    for (int s = 0; s < selem; s++) {
        AArch64Vec *r = &v[(rt + s) % 32];
        if (mode == 0) { /* load lane */
            memcpy(&r->b[index * esize], mem + s * esize, (size_t)esize);
        } else if (mode == 1) { /* store lane */
            memcpy(mem + s * esize, &r->b[index * esize], (size_t)esize);
        } else { /* replicate */
            for (int e = 0; e < (q ? 16 : 8) / esize; e++) {
                memcpy(&r->b[e * esize], mem + s * esize, (size_t)esize);
            }
            if (!q) {
                r->d[1] = 0;
            }
        }
    }
}

START_TEST(test_vsingle)
{
    static const char lane[4] = {'b', 'h', 's', 'd'};

    a64_start(_i);
    for (int selem = 1; selem <= 4; selem++) {
        for (int sz = 0; sz < 4; sz++) {
            int nidx = 16 >> sz;
            for (int index = 0; index < nidx; index++) {
                char list[128], text[192], arr[4] = {lane[sz], 0};
                int rt = (index * 5 + selem * 9 + sz) % 32;
                AArch64Vec want[32];
                uint8_t mem[40];
                bool post = index & 1;
                /* every index for LD1, two for the others */
                if (selem > 1 && index != 0 && index != nidx - 1) {
                    continue;
                }
                reglist(list, sizeof(list), rt, selem, arr);
                for (int mode = 0; mode < 2; mode++) {
                    snprintf(text, sizeof(text), "%s%d %s[%d], [x1]%s",
                             mode ? "st" : "ld", selem, list, index,
                             post ? ", x2" : "");
                    for (size_t i = 0; i < sizeof(mem); i++) {
                        mem[i] = (uint8_t)rnd();
                    }
                    a64_poke(VMEM, mem, sizeof(mem));
                    random_vregs();
                    memcpy(want, a64_cpu->vregs, sizeof(want));
                    model_single(want, mem, rt, selem, sz, index, 1, mode);
                    a64_cpu->xregs[1] = VMEM;
                    a64_cpu->xregs[2] = (uint64_t)-48;
                    a64_run_asm(text);
                    check_vregs(want, text);
                    ck_assert_msg(memcmp(a64_mem + VMEM, mem, sizeof(mem)) == 0,
                                  "[%s] %s: memory", a64_config_name(), text);
                    a64_assert_x(1, VMEM - (post ? 48 : 0), text);
                }
            }
            /* replicate, both widths, post-indexed by the size */
            for (int q = 0; q < 2; q++) {
                char list[128], text[192];
                int rt = (selem * 13 + sz * 2 + q) % 32;
                AArch64Vec want[32];
                uint8_t mem[40];
                reglist(list, sizeof(list), rt, selem, arr_names[sz][q]);
                snprintf(text, sizeof(text), "ld%dr %s, [x1], #%d", selem, list,
                         selem << sz);
                for (size_t i = 0; i < sizeof(mem); i++) {
                    mem[i] = (uint8_t)rnd();
                }
                a64_poke(VMEM, mem, sizeof(mem));
                random_vregs();
                memcpy(want, a64_cpu->vregs, sizeof(want));
                model_single(want, mem, rt, selem, sz, 0, q, 2);
                a64_cpu->xregs[1] = VMEM;
                a64_run_asm(text);
                check_vregs(want, text);
                a64_assert_x(1, VMEM + (uint64_t)(selem << sz), text);
            }
        }
    }
}
END_TEST

/* The unprivileged forms behave as normal accesses at EL0; the explicit
 * unscaled mnemonics. */
START_TEST(test_unpriv_unscaled)
{
    a64_start(_i);
    a64_poke64(BASE, 0x8081828384858687ull);
    a64_poke64(BASE + 8, 0xf0e0d0c0b0a09080ull);
    a64_cpu->xregs[1] = BASE;
    a64_cpu->xregs[4] = 0x1122334455667788ull;
    a64_run_asm(
        "ldtr x0, [x1, #8]; ldtrsb w3, [x1]; ldtrsh x5, [x1, #2];"
        "ldtrsw x6, [x1, #4]; ldtrb w7, [x1, #255]; ldtrh w8, [x1, #-2];"
        "ldursw x9, [x1, #1]; ldurh w10, [x1, #3]; ldursb x11, [x1, #9]");
    a64_assert_x(0, 0xf0e0d0c0b0a09080ull, "ldtr");
    a64_assert_x(3, 0xffffff87ull, "ldtrsb w");
    a64_assert_x(5, 0xffffffffffff8485ull, "ldtrsh x");
    a64_assert_x(6, 0xffffffff80818283ull, "ldtrsw");
    a64_assert_x(7, a64_mem[BASE + 255], "ldtrb");
    a64_assert_x(8, extend(a64_peek64(BASE - 2), 2, false), "ldtrh");
    a64_assert_x(9, extend(a64_peek64(BASE + 1), 4, true), "ldursw");
    a64_assert_x(10, 0x8384, "ldurh");
    a64_assert_x(11, 0xffffffffffffff90ull, "ldursb");
    a64_run_asm("sttr x4, [x1, #16]; sttrb w4, [x1, #24]; sttrh w4, [x1, #32];"
                "sttr w4, [x1, #40]; stur x4, [x1, #-8]");
    ck_assert(a64_peek64(BASE + 16) == 0x1122334455667788ull);
    ck_assert(a64_peek64(BASE + 24) == 0x88);
    ck_assert(a64_peek64(BASE + 32) == 0x7788);
    ck_assert(a64_peek64(BASE + 40) == 0x55667788);
    ck_assert(a64_peek64(BASE - 8) == 0x1122334455667788ull);
    a64_assert_x(1, BASE, "no writeback");
}
END_TEST

/* Optional instructions are UNDEFINED on a model without them. */
START_TEST(test_features)
{
    static const char *const texts[] = {
        "ldadd x2, x0, [x1]",        "swpal w2, w0, [x1]", "cas x0, x2, [x1]",
        "casp x2, x3, x4, x5, [x1]", "ldaprb w0, [x1]",    "stumaxh w2, [x1]",
    };
    a64_start(_i);
    a64_cpu->features = aarch64_model_find("cortex-a53")->features;
    tb_flush();
    for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
        a64_cpu->xregs[1] = EXA;
        a64_assert_excp(a64_run_asm_excp(texts[k]), EXCP_A64_UNDEF, texts[k]);
    }
    /* the v8.0 exclusives and ordered accesses are still there */
    a64_run_asm(
        "ldaxr x0, [x1]; stlxr w3, x0, [x1]; ldar w4, [x1]; stlr w4, [x1]");
    a64_assert_x(3, 0, "exclusives on cortex-a53");
}
END_TEST

/* ---- reserved encodings ---- */

START_TEST(test_undef)
{
    /* Checked as "undefined" by GNU objdump. */
    static const uint32_t insns[] = {
        0xf8620820, /* ldr x0, [x1, w2, uxtb]: option 000 */
        0xf8622820, /* option 001 */
        0xf8628820, /* option 100 */
        0xf862a820, /* option 101 */
        0x0c408c20, /* ld2 {v0.1d, v1.1d}: size 11 with Q = 0 */
        0x0c400c20, /* ld4 of .1d */
        0x0c401020, /* multiple-structure opcode 0001 */
        0x48217c82, /* casp with an odd Rs */
        0x48227c81, /* casp with an odd Rt */
        0x08217c82, /* casp (W) with an odd Rs */
        0x68400420, /* ldnp with opc 01 (there is no LDNPSW) */
        0xb8e0d020, /* atomic o3 = 1, opc 101 */
        0xf8c00420, /* ldr post-index, size 11 opc 11 */
        0xb8c00420, /* size 10 opc 11 */
        0xf8800420, /* prfm post-index */
        0x7cc00c20, /* SIMD&FP size 01 with opc<1> = 1 */
        0x0d40d020, /* ld1r with S = 1 */
        0x0d00c020, /* replicate with L = 0 */
        0x0d404420, /* ld1 {v.h}[] with size<0> = 1 */
        0x0d408820, /* ld1 {v.s} with size 10 */
        0x0d409420, /* ld1 {v.d}[] with S = 1 */
        0x3c800820, /* sttr of a Q register */
    };
    a64_start(_i);
    for (size_t k = 0; k < sizeof(insns) / sizeof(insns[0]); k++) {
        char text[64];
        int excp;
        snprintf(text, sizeof(text), ".inst 0x%08x", insns[k]);
        a64_cpu->xregs[1] = BASE;
        excp = a64_run_asm_excp(text);
        a64_assert_excp(excp, EXCP_A64_UNDEF, text);
    }
}
END_TEST

/* The hand-made encodings above start from these, checked against GNU as. */
START_TEST(test_encodings)
{
    static const struct {
        const char *text;
        uint32_t insn;
    } cases[] = {
        {"ldr x0, [x1, x2]", 0xf8626820},
        {"ld1 {v0.1d, v1.1d}, [x1]", 0x0c40ac20},
        {"casp x2, x3, x4, x5, [x6]", 0x48227cc4},
        {"ldp x0, x1, [x1], #0", 0xa8c00420},
        {"ld1r {v0.8b}, [x1]", 0x0d40c020},
        {"ld1 {v0.h}[0], [x1]", 0x0d404020},
    };
    a64_start(_i);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        uint32_t w;
        ck_assert(a64_assemble(cases[k].text, &w, 1) == 1);
        ck_assert_msg(w == cases[k].insn, "%s: %08x", cases[k].text, w);
    }
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_gpr_loads,
        test_gpr_stores,
        test_sp_and_overlap,
        test_literal_prfm,
        test_tbi,
        test_faults,
        test_pairs,
        test_vec_single,
        test_vec_pairs,
        test_exclusive,
        test_exclusive_pair,
        test_ordered,
        test_lse,
        test_cas,
        test_casp,
        test_vmult,
        test_vsingle,
        test_unpriv_unscaled,
        test_features,
        test_encodings,
        test_undef,
    };

    return a64_run_suite("aarch64-ldst", tests,
                         sizeof(tests) / sizeof(tests[0]), A64_NCONFIGS)
               ? EXIT_FAILURE
               : EXIT_SUCCESS;
}

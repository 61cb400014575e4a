/*
 * aarch64 integer data processing, immediate and register
 * (a64-dp.decode), on every backend/optimizer configuration.
 *
 * Each test writes its instructions as text, one per line, assembles
 * them with a single GNU as run (a batch), then executes each word on
 * its own (followed by svc #0) over many input vectors set from C, and
 * compares Xd and NZCV with references computed here from the Arm ARM's
 * pseudocode. Inputs are x1, x2, x3 (and sp); the result goes to x0.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

#define SVC0 0xd4000001u
#define GARBAGE 0xdeadbeefcafef00dull

/* ---- batches of single instructions ---- */

#define BATCH_MAX 6000
#define LINE_MAX 96

typedef struct Batch {
    size_t n;
    char lines[BATCH_MAX][LINE_MAX];
    uint32_t words[BATCH_MAX];
} Batch;

static Batch *batch_new(void)
{
    Batch *b = calloc(1, sizeof(*b));

    ck_assert_ptr_nonnull(b);
    return b;
}

static void batch_add(Batch *b, const char *fmt, ...)
{
    va_list ap;

    ck_assert_msg(b->n < BATCH_MAX, "batch full");
    va_start(ap, fmt);
    vsnprintf(b->lines[b->n], LINE_MAX, fmt, ap);
    va_end(ap);
    b->n++;
}

/* One GNU as run for the whole batch; every line must be one word. */
static void batch_assemble(Batch *b)
{
    size_t len = 1, got;
    char *text;

    for (size_t i = 0; i < b->n; i++) {
        len += strlen(b->lines[i]) + 1;
    }
    text = malloc(len);
    ck_assert_ptr_nonnull(text);
    text[0] = 0;
    for (size_t i = 0; i < b->n; i++) {
        strcat(text, b->lines[i]);
        strcat(text, "\n");
    }
    got = a64_assemble(text, b->words, BATCH_MAX);
    ck_assert_msg(got == b->n, "batch assembled to %zu words, not %zu", got,
                  b->n);
    free(text);
}

/* Place insn followed by svc #0 at A64_CODE (dropping old translations). */
static void load1(uint32_t insn)
{
    uint32_t code[2] = {insn, SVC0};

    a64_poke(A64_CODE, code, sizeof(code));
}

static int exec1_excp(void)
{
    a64_cpu->pc = A64_CODE;
    return cpu_exec(&a64_cpu->parent);
}

static void exec1(const char *what)
{
    int e = exec1_excp();

    ck_assert_msg(e == EXCP_A64_SVC && a64_cpu->pc == A64_CODE + 4,
                  "[%s] %s: stopped with %s at pc 0x%" PRIx64,
                  a64_config_name(), what, aarch64_excp_name(e), a64_cpu->pc);
}

static void check_x0(uint64_t want, const char *what, uint64_t a, uint64_t b)
{
    ck_assert_msg(a64_cpu->xregs[0] == want,
                  "[%s] %s (x1=%#" PRIx64 " x2=%#" PRIx64 "): x0 = %#" PRIx64
                  ", expected %#" PRIx64,
                  a64_config_name(), what, a, b, a64_cpu->xregs[0], want);
}

static void check_nzcv(uint32_t want, const char *what, uint64_t a, uint64_t b)
{
    ck_assert_msg(a64_nzcv() == want,
                  "[%s] %s (x1=%#" PRIx64 " x2=%#" PRIx64 "): NZCV = %x, "
                  "expected %x",
                  a64_config_name(), what, a, b, a64_nzcv(), want);
}

static void expect_undef(uint32_t insn, const char *what)
{
    char msg[128];

    load1(insn);
    snprintf(msg, sizeof(msg), "%s (%08x)", what, insn);
    a64_assert_excp(exec1_excp(), EXCP_A64_UNDEF, msg);
    ck_assert_msg(a64_cpu->pc == A64_CODE, "%s: pc of the UNDEF", msg);
}

/* ---- input vectors ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed per test, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t edges[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0x80000001,
    0xfffffffe,
    0xffffffff,
    0x100000000ull,
    0x17fffffffull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0x8000000000000001ull,
    0xfffffffffffffffeull,
    0xffffffffffffffffull,
    0xffffffff80000000ull,
    0xffffffff7fffffffull,
    0x123456789abcdef0ull,
    0xfedcba9876543210ull,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* Vector i: the edge values first, then random values of random
 * magnitudes (so small and sign-boundary values come up often). */
static uint64_t vec(size_t i)
{
    uint64_t r;

    if (i < NEDGES) {
        return edges[i];
    }
    r = rnd();
    switch (r & 7) {
    case 0:
        return r >> (rnd() & 63);
    case 1:
        return ~(r >> (rnd() & 63));
    case 2:
        return (uint64_t)(int64_t)(int32_t)rnd();
    case 3:
        return edges[rnd() % NEDGES] + (rnd() & 3) - 2;
    default:
        return rnd();
    }
}

/* ---- references ---- */

static uint64_t mask_w(bool sf, uint64_t v)
{
    return sf ? v : (uint32_t)v;
}

/* AddWithCarry of the Arm ARM: result and NZCV. */
static uint64_t ref_adc(bool sf, uint64_t a, uint64_t b, unsigned cin,
                        uint32_t *nzcv)
{
    uint64_t r;
    bool n, z, c, v;

    if (sf) {
        unsigned __int128 us = (unsigned __int128)a + b + cin;
        __int128 ss = (__int128)(int64_t)a + (int64_t)b + cin;
        r = (uint64_t)us;
        n = r >> 63;
        c = (us >> 64) != 0;
        v = ss != (__int128)(int64_t)r;
    } else {
        uint64_t us = (uint64_t)(uint32_t)a + (uint32_t)b + cin;
        int64_t ss = (int64_t)(int32_t)a + (int32_t)b + cin;
        r = (uint32_t)us;
        n = (r >> 31) & 1;
        c = (us >> 32) != 0;
        v = ss != (int64_t)(int32_t)r;
    }
    z = r == 0;
    *nzcv = (uint32_t)(n << 3 | z << 2 | c << 1 | v);
    return r;
}

static uint32_t ref_logic_nzcv(bool sf, uint64_t r)
{
    bool n = sf ? r >> 63 : (r >> 31) & 1;

    return (uint32_t)(n << 3 | (mask_w(sf, r) == 0) << 2);
}

/* Shift of the shifted-register forms: LSL LSR ASR ROR at the width. */
static uint64_t ref_shift(bool sf, uint64_t v, int type, unsigned amt)
{
    unsigned w = sf ? 64 : 32;

    v = mask_w(sf, v);
    if (amt == 0) {
        return v;
    }
    switch (type) {
    case 0:
        return mask_w(sf, v << amt);
    case 1:
        return v >> amt;
    case 2:
        if (sf) {
            return (uint64_t)((int64_t)v >> amt);
        }
        return (uint32_t)((int32_t)(uint32_t)v >> amt);
    default:
        return mask_w(sf, (v >> amt) | (v << (w - amt)));
    }
}

static uint64_t ones(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static uint64_t ror_w(uint64_t v, unsigned r, unsigned w)
{
    r %= w;
    v &= ones(w);
    return r == 0 ? v : ((v >> r) | (v << (w - r))) & ones(w);
}

static uint64_t replicate(uint64_t v, unsigned esize, unsigned w)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < w; i += esize) {
        r |= (v & ones(esize)) << i;
    }
    return r;
}

/* DecodeBitMasks(N, imms, immr, immediate, M) as the Arm ARM writes it. */
static bool ref_decode_bit_masks(unsigned n, unsigned imms, unsigned immr,
                                 bool immediate, unsigned m, uint64_t *wmask,
                                 uint64_t *tmask)
{
    unsigned v = (n << 6) | (~imms & 0x3f), len = 0, esize, levels, s, r, d;
    uint64_t welem, telem;

    for (int i = 6; i >= 0; i--) {
        if (v & (1u << i)) {
            len = (unsigned)i;
            break;
        }
    }
    if (v == 0 || len < 1 || m < (1u << len)) {
        return false;
    }
    levels = (1u << len) - 1;
    if (immediate && (imms & levels) == levels) {
        return false;
    }
    s = imms & levels;
    r = immr & levels;
    d = (s - r) & levels;
    esize = 1u << len;
    welem = ones(s + 1);
    telem = ones(d + 1);
    *wmask = replicate(ror_w(welem, r, esize), esize, m);
    *tmask = replicate(telem, esize, m);
    return true;
}

/* ---- move wide, ADR/ADRP ---- */

START_TEST(test_movw)
{
    static const uint16_t imms[] = {0, 1, 0x7fff, 0x8000, 0xffff, 0x1234};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    for (int sf = 0; sf < 2; sf++) {
        for (int hw = 0; hw < (sf ? 4 : 2); hw++) {
            for (size_t i = 0; i < 6; i++) {
                const char *r = sf ? "x0" : "w0";
                batch_add(b, "movz %s, #%u, lsl #%d", r, imms[i], hw * 16);
                batch_add(b, "movn %s, #%u, lsl #%d", r, imms[i], hw * 16);
                batch_add(b, "movk %s, #%u, lsl #%d", r, imms[i], hw * 16);
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int hw = 0; hw < (sf ? 4 : 2); hw++) {
            for (size_t i = 0; i < 6; i++) {
                uint64_t imm = (uint64_t)imms[i] << (hw * 16);
                uint64_t old = 0x0123456789abcdefull;
                uint64_t want[3] = {
                    imm, mask_w(sf, ~imm),
                    mask_w(sf, (old & ~(0xffffull << (hw * 16))) | imm)};
                for (int op = 0; op < 3; op++, k++) {
                    load1(b->words[k]);
                    a64_cpu->xregs[0] = old;
                    exec1(b->lines[k]);
                    check_x0(want[op], b->lines[k], old, 0);
                }
            }
        }
    }
    /* The aliases everyone uses, and MOVK/MOVZ into XZR discarding. */
    a64_cpu->xregs[30] = 0x4242;
    a64_run_asm("mov x0, #1\nmov x1, x30\nmov w2, #-1\nmov x3, #-2\n"
                "movz xzr, #5\nmovk xzr, #7");
    a64_assert_x(0, 1, "mov x0, #1");
    a64_assert_x(1, 0x4242, "mov x1, x30");
    a64_assert_x(2, 0xffffffff, "mov w2, #-1");
    a64_assert_x(3, ~1ull, "mov x3, #-2");
    a64_assert_x(31, 0, "sp untouched by an XZR destination");
    /* Unallocated: opc = 01; 32-bit with hw = 1x. */
    expect_undef(0x12800000u | (1u << 29), "move wide opc=01");
    expect_undef(0x52800000u | (2u << 21), "movz w, lsl #32");
    expect_undef(0x72800000u | (3u << 21), "movk w, lsl #48");
    expect_undef(0x12800000u | (2u << 21), "movn w, lsl #32");
    free(b);
}
END_TEST

START_TEST(test_adr)
{
    static const int64_t offs[] = {
        0, 4, -4, 1, 0x1234, -0x1235, (1 << 20) - 1, -(1 << 20)};
    uint32_t w[1];

    a64_start(_i);
    for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        char text[64];
        snprintf(text, sizeof(text), "adr x0, . %+" PRId64, offs[i]);
        a64_run_asm(text);
        a64_assert_x(0, A64_CODE + offs[i], text);
    }
    /*
     * ADRP: GNU as leaves a relocation for it, so the word is made here
     * from "adrp x0, ." with immlo/immhi filled in.
     */
    a64_assemble("adrp x0, .", w, 1);
    for (int64_t page = -(1 << 20); page < (1 << 20); page += 0x1ffff) {
        for (int64_t extra = 0; extra < 2; extra++) {
            int64_t p = page + extra;
            uint32_t imm = (uint32_t)p & 0x1fffff;
            uint32_t insn = w[0] | ((imm & 3) << 29) | ((imm >> 2) << 5);
            uint64_t code = A64_CODE + 0x7f0; /* not page aligned */
            uint32_t prog[2] = {insn, SVC0};
            a64_poke(code, prog, 8);
            a64_cpu->pc = code;
            ck_assert_int_eq(cpu_exec(&a64_cpu->parent), EXCP_A64_SVC);
            a64_assert_x(0, (code & ~0xfffull) + ((uint64_t)p << 12), "adrp");
        }
    }
}
END_TEST

/* ---- add/subtract immediate ---- */

START_TEST(test_addsub_imm)
{
    static const unsigned imms[] = {0, 1, 7, 0x800, 0xfff};
    static const char *const ops[4] = {"add", "adds", "sub", "subs"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x1234567;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (size_t i = 0; i < 5; i++) {
                for (int sh = 0; sh < 2; sh++) {
                    batch_add(b, "%s %s0, %s1, #%u, lsl #%d", ops[op],
                              sf ? "x" : "w", sf ? "x" : "w", imms[i], sh * 12);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (size_t i = 0; i < 5; i++) {
                for (int sh = 0; sh < 2; sh++, k++) {
                    uint64_t imm = (uint64_t)imms[i] << (sh * 12);
                    load1(b->words[k]);
                    for (size_t v = 0; v < 60; v++) {
                        uint64_t x = vec(v);
                        uint32_t nzcv, init = (uint32_t)(v & 15);
                        uint64_t r = (op & 2) ? ref_adc(sf, x, ~imm, 1, &nzcv)
                                              : ref_adc(sf, x, imm, 0, &nzcv);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[1] = x;
                        a64_set_nzcv(init);
                        exec1(b->lines[k]);
                        check_x0(r, b->lines[k], x, imm);
                        check_nzcv((op & 1) ? nzcv : init, b->lines[k], x, imm);
                    }
                }
            }
        }
    }

    /* SP as source and destination; flag-setting forms write XZR. */
    a64_cpu->xregs[31] = 0x10000;
    a64_cpu->xregs[1] = 0x5000;
    a64_run_asm("add x0, sp, #16\nsub sp, sp, #0x20\nmov x2, sp\nadd sp, x1, "
                "#1, lsl #12\nmov x3, sp\nadd w4, wsp, #1");
    a64_assert_x(0, 0x10010, "add x0, sp, #16");
    a64_assert_x(2, 0xffe0, "sub sp, sp, #0x20");
    a64_assert_x(3, 0x6000, "add sp, x1, #1, lsl #12");
    a64_assert_x(4, 0x6001, "add w4, wsp, #1");
    a64_cpu->xregs[31] = 0xffffffff00000005ull;
    a64_run_asm("add wsp, wsp, #1");
    a64_assert_x(31, 6, "add wsp zero-extends");
    a64_cpu->xregs[31] = 0x10;
    a64_run_asm("cmp sp, #0x10\nadds xzr, sp, #3");
    a64_assert_x(31, 0x10, "cmp/adds xzr leave sp alone");
    a64_assert_nzcv(0, "adds xzr, sp, #3 flags");
    a64_run_asm("cmp sp, #0x10");
    a64_assert_nzcv(6, "cmp sp, #0x10 flags");
    a64_cpu->xregs[1] = 5;
    a64_run_asm("cmn x1, #5\nmov x0, #0\ncset x0, ne");
    a64_assert_x(0, 1, "cmn x1, #5");
    free(b);
}
END_TEST

/* ---- logical immediate ---- */

START_TEST(test_logic_imm)
{
    static const char *const ops[4] = {"and", "orr", "eor", "ands"};
    Batch *b = batch_new();
    uint64_t *imm = malloc(BATCH_MAX * sizeof(uint64_t));
    int *sfs = malloc(BATCH_MAX * sizeof(int)),
        *opn = malloc(BATCH_MAX * sizeof(int));
    size_t nvalid = 0;

    a64_start(_i);
    rng_state = 0xabcdef;
    ck_assert(imm && sfs && opn);
    /* A sample of every valid N:immr:imms (the values come from the C
     * DecodeBitMasks, GNU as encodes them). */
    for (unsigned n = 0; n < 2; n++) {
        for (unsigned imms = 0; imms < 64; imms++) {
            for (unsigned immr = 0; immr < 64; immr++) {
                for (int sf = 1; sf >= (int)n; sf--) {
                    uint64_t wm, tm;
                    if (!ref_decode_bit_masks(n, imms, immr, true, sf ? 64 : 32,
                                              &wm, &tm)) {
                        continue;
                    }
                    if (nvalid++ % 5 != 0) {
                        continue;
                    }
                    sfs[b->n] = sf;
                    opn[b->n] = (int)(rnd() & 3);
                    imm[b->n] = wm;
                    batch_add(b, "%s %s0, %s1, #%#" PRIx64, ops[opn[b->n]],
                              sf ? "x" : "w", sf ? "x" : "w", wm);
                }
            }
        }
    }
    /* 7680 64-bit and 3648 32-bit encodings are valid (immr bits above
     * the element size are ignored, so values repeat). */
    ck_assert_int_eq((int)nvalid, 7680 + 3648);
    batch_assemble(b);
    for (size_t k = 0; k < b->n; k++) {
        int sf = sfs[k];
        load1(b->words[k]);
        for (size_t v = 0; v < 4; v++) {
            uint64_t x = vec(v * 7 + k % 7 + (k & 8) * 4), r;
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = x;
            a64_set_nzcv(0xf);
            exec1(b->lines[k]);
            switch (opn[k]) {
            case 1:
                r = x | imm[k];
                break;
            case 2:
                r = x ^ imm[k];
                break;
            default:
                r = x & imm[k];
                break;
            }
            r = mask_w(sf, r);
            check_x0(r, b->lines[k], x, imm[k]);
            check_nzcv(opn[k] == 3 ? ref_logic_nzcv(sf, r) : 0xf, b->lines[k],
                       x, imm[k]);
        }
    }
    /* Every N:immr:imms field value straight into the encoding of
     * "eor x0, x1, #imm" / "eor w0, w1, #imm" (GNU as only emits the
     * canonical immr): valid ones compute, reserved ones are UNDEFINED. */
    for (unsigned f = 0; f < 8192; f += 3) {
        unsigned n = f >> 12, immr = (f >> 6) & 63, imms = f & 63;
        for (int sf = 0; sf < 2; sf++) {
            uint32_t insn = (sf ? 0xd2000020u : 0x52000020u) | n << 22 |
                            immr << 16 | imms << 10;
            uint64_t wm, tm, x = rnd();
            if ((!sf && n) || !ref_decode_bit_masks(n, imms, immr, true,
                                                    sf ? 64 : 32, &wm, &tm)) {
                expect_undef(insn, "reserved logical immediate");
                continue;
            }
            load1(insn);
            a64_cpu->xregs[1] = x;
            exec1("eor immediate");
            check_x0(mask_w(sf, x ^ wm), "eor immediate", x, insn);
        }
    }
    /* SP destination for the non-flag forms, XZR for ANDS (TST). */
    a64_cpu->xregs[1] = 0x12345;
    a64_run_asm("and sp, x1, #0xfffffffffffffff0\nmov x0, sp");
    a64_assert_x(0, 0x12340, "and sp, x1, #~15");
    a64_cpu->xregs[31] = 0x777;
    a64_run_asm("tst x1, #1\nands xzr, x1, #0xff00");
    a64_assert_x(31, 0x777, "tst/ands xzr leave sp alone");
    a64_assert_nzcv(0, "ands xzr flags");
    a64_run_asm("mov x0, #0x5555555555555555\nmov w2, #0xff00ff00");
    a64_assert_x(0, 0x5555555555555555ull, "mov bitmask immediate");
    a64_assert_x(2, 0xff00ff00ull, "mov w bitmask immediate");
    /* Reserved: 32-bit with N = 1; imms all ones within the element. */
    expect_undef(0x12400000u, "and w, N=1");
    expect_undef(0x92000000u | (0x3f << 10), "and x, N=0 imms=111111");
    expect_undef(0x92400000u | (0x3f << 10), "and x, N=1 imms=111111");
    expect_undef(0x92000000u | (0x3d << 10),
                 "and x, imms=111101 (2-bit all ones)");
    expect_undef(0xb2000000u | (0x3e << 10), "orr x, imms=111110 (no size)");
    expect_undef(0x32000000u | (0x1f << 10), "orr w, 32-bit all ones");
    free(b);
    free(imm);
    free(sfs);
    free(opn);
}
END_TEST

/* ---- bitfield and extract ---- */

/* SBFM/BFM/UBFM from the Arm ARM's operation (wmask/tmask). */
static uint64_t ref_bfm(int opc, bool sf, unsigned immr, unsigned imms,
                        uint64_t dst, uint64_t src)
{
    unsigned w = sf ? 64 : 32;
    uint64_t wmask, tmask, bot, top, r;

    ck_assert(ref_decode_bit_masks(sf, imms, immr, false, w, &wmask, &tmask));
    src = mask_w(sf, src);
    dst = opc == 1 ? mask_w(sf, dst) : 0;
    bot = (dst & ~wmask) | (ror_w(src, immr, w) & wmask);
    top = opc == 0 ? (((src >> imms) & 1) ? ones(w) : 0) : dst;
    r = (top & ~tmask) | (bot & tmask);
    return mask_w(sf, r);
}

START_TEST(test_bitfield)
{
    static const unsigned pts[] = {0,  1,  2,  7,  8,  15, 16,
                                   30, 31, 32, 33, 47, 62, 63};
    static const char *const ops[3] = {"sbfm", "bfm", "ubfm"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x55aa;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 3; op++) {
            for (size_t r = 0; r < 14; r++) {
                for (size_t s = 0; s < 14; s++) {
                    if (!sf && (pts[r] >= 32 || pts[s] >= 32)) {
                        continue;
                    }
                    batch_add(b, "%s %s0, %s1, #%u, #%u", ops[op],
                              sf ? "x" : "w", sf ? "x" : "w", pts[r], pts[s]);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 3; op++) {
            for (size_t r = 0; r < 14; r++) {
                for (size_t s = 0; s < 14; s++) {
                    if (!sf && (pts[r] >= 32 || pts[s] >= 32)) {
                        continue;
                    }
                    load1(b->words[k]);
                    for (size_t v = 0; v < 8; v++) {
                        uint64_t x = vec(v * 3 + 1), d = rnd();
                        uint64_t want = ref_bfm(op, sf, pts[r], pts[s], d, x);
                        a64_cpu->xregs[0] = d;
                        a64_cpu->xregs[1] = x;
                        exec1(b->lines[k]);
                        check_x0(want, b->lines[k], x, d);
                    }
                    k++;
                }
            }
        }
    }
    /* The aliases, against their plain C meaning. */
    a64_cpu->xregs[1] = 0x8123456789abcdefull;
    a64_cpu->xregs[2] = 0xffffffffffffffffull;
    a64_cpu->xregs[16] = 0x1234;
    a64_run_asm(
        "sxtb x3, w1\nsxth x4, w1\nsxtw x5, w1\nuxtb w6, w1\n"
        "uxth w7, w1\nlsl x8, x1, #4\nlsr x9, x1, #60\nasr x10, x1, #60\n"
        "asr w11, w1, #31\nubfx x12, x1, #8, #12\nsbfx x13, x1, #60, #4\n"
        "bfi x2, x1, #8, #8\nlsl w14, w1, #31\nbfxil x15, x1, #4, #8\n"
        "bfc x16, #0, #64");
    a64_assert_x(3, 0xffffffffffffffefull, "sxtb");
    a64_assert_x(4, 0xffffffffffffcdefull, "sxth");
    a64_assert_x(5, 0xffffffff89abcdefull, "sxtw");
    a64_assert_x(6, 0xef, "uxtb");
    a64_assert_x(7, 0xcdef, "uxth");
    a64_assert_x(8, 0x123456789abcdef0ull, "lsl");
    a64_assert_x(9, 8, "lsr");
    a64_assert_x(10, ~7ull, "asr");
    a64_assert_x(11, 0xffffffff, "asr w");
    a64_assert_x(12, 0xbcd, "ubfx");
    a64_assert_x(13, ~7ull, "sbfx");
    a64_assert_x(2, 0xffffffffffffefffull, "bfi");
    a64_assert_x(14, 0x80000000, "lsl w, #31");
    a64_assert_x(16, 0, "bfc");
    /* Unallocated: opc = 11; N != sf; 32-bit immr/imms >= 32. */
    expect_undef(0x73000000u, "bitfield opc=11");
    expect_undef(0x93000000u | (63 << 10), "sbfm x with N=0");
    expect_undef(0x13400000u | (31 << 10), "sbfm w with N=1");
    expect_undef(0x53000000u | (32 << 16), "ubfm w immr=32");
    expect_undef(0x53000000u | (32 << 10), "ubfm w imms=32");
    free(b);
}
END_TEST

START_TEST(test_extr)
{
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x777;
    for (int sf = 0; sf < 2; sf++) {
        for (unsigned lsb = 0; lsb < (sf ? 64u : 32u); lsb++) {
            batch_add(b, "extr %s0, %s1, %s2, #%u", sf ? "x" : "w",
                      sf ? "x" : "w", sf ? "x" : "w", lsb);
            batch_add(b, "ror %s0, %s1, #%u", sf ? "x" : "w", sf ? "x" : "w",
                      lsb);
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        unsigned w = sf ? 64 : 32;
        for (unsigned lsb = 0; lsb < w; lsb++) {
            for (int ror = 0; ror < 2; ror++, k++) {
                load1(b->words[k]);
                for (size_t v = 0; v < 10; v++) {
                    uint64_t n = vec(v), m = rnd(), want;
                    uint64_t nn = mask_w(sf, n);
                    uint64_t mm = ror ? nn : mask_w(sf, m);
                    want = lsb == 0
                               ? mm
                               : mask_w(sf, (mm >> lsb) | (nn << (w - lsb)));
                    a64_cpu->xregs[1] = n;
                    a64_cpu->xregs[2] = m;
                    a64_cpu->xregs[0] = GARBAGE;
                    exec1(b->lines[k]);
                    check_x0(want, b->lines[k], n, m);
                }
            }
        }
    }
    expect_undef(0x13800000u | (32 << 10), "extr w, lsb=32");
    expect_undef(0x93800000u, "extr x with N=0");
    expect_undef(0x13c00000u, "extr w with N=1");
    expect_undef(0x13a00000u, "extr o0=1");
    expect_undef(0x33800000u, "extr op21=01");
    free(b);
}
END_TEST

/* ---- logical and add/sub, shifted register ---- */

static const unsigned shift_amts[] = {0, 1, 2, 7, 8, 16, 31, 32, 33, 48, 63};
#define NAMTS (sizeof(shift_amts) / sizeof(shift_amts[0]))
static const char *const shift_names[4] = {"lsl", "lsr", "asr", "ror"};

START_TEST(test_logic_reg)
{
    static const char *const ops[8] = {"and", "bic", "orr",  "orn",
                                       "eor", "eon", "ands", "bics"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x9876;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 8; op++) {
            for (int sh = 0; sh < 4; sh++) {
                for (size_t a = 0; a < NAMTS; a++) {
                    if (!sf && shift_amts[a] >= 32) {
                        continue;
                    }
                    batch_add(b, "%s %s0, %s1, %s2, %s #%u", ops[op],
                              sf ? "x" : "w", sf ? "x" : "w", sf ? "x" : "w",
                              shift_names[sh], shift_amts[a]);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 8; op++) {
            for (int sh = 0; sh < 4; sh++) {
                for (size_t a = 0; a < NAMTS; a++) {
                    if (!sf && shift_amts[a] >= 32) {
                        continue;
                    }
                    load1(b->words[k]);
                    for (size_t v = 0; v < 12; v++) {
                        uint64_t x = vec(v * 2), y = vec(v * 2 + 1), r;
                        uint64_t m = ref_shift(sf, y, sh, shift_amts[a]);
                        if (op & 1) {
                            m = ~m;
                        }
                        switch (op >> 1) {
                        case 1:
                            r = x | m;
                            break;
                        case 2:
                            r = x ^ m;
                            break;
                        default:
                            r = x & m;
                            break;
                        }
                        r = mask_w(sf, r);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[1] = x;
                        a64_cpu->xregs[2] = y;
                        a64_set_nzcv((uint32_t)v & 15);
                        exec1(b->lines[k]);
                        check_x0(r, b->lines[k], x, y);
                        check_nzcv(op >= 6 ? ref_logic_nzcv(sf, r)
                                           : (uint32_t)v & 15,
                                   b->lines[k], x, y);
                    }
                    k++;
                }
            }
        }
    }
    /* The aliases MOV, MVN, TST. */
    a64_cpu->xregs[1] = 0x8000000000000001ull;
    a64_cpu->xregs[31] = 0x4000;
    a64_run_asm("mov x2, x1\nmov w3, w1\nmvn x4, x1\nmvn w5, w1\ntst x1, #1\n"
                "tst x1, x1, lsl #63");
    a64_assert_x(2, 0x8000000000000001ull, "mov");
    a64_assert_x(3, 1, "mov w");
    a64_assert_x(4, 0x7ffffffffffffffeull, "mvn");
    a64_assert_x(5, 0xfffffffe, "mvn w");
    a64_assert_nzcv(8, "tst x1, x1, lsl #63");
    a64_assert_x(31, 0x4000, "tst writes XZR, not sp");
    /* 32-bit shift amount >= 32 is unallocated. */
    expect_undef(0x0a000000u | (32 << 10), "and w, lsl #32");
    expect_undef(0x2a400000u | (63 << 10), "orr w, lsr #63");
    free(b);
}
END_TEST

START_TEST(test_addsub_reg)
{
    static const char *const ops[4] = {"add", "adds", "sub", "subs"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x3141;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int sh = 0; sh < 3; sh++) {
                for (size_t a = 0; a < NAMTS; a++) {
                    if (!sf && shift_amts[a] >= 32) {
                        continue;
                    }
                    batch_add(b, "%s %s0, %s1, %s2, %s #%u", ops[op],
                              sf ? "x" : "w", sf ? "x" : "w", sf ? "x" : "w",
                              shift_names[sh], shift_amts[a]);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int sh = 0; sh < 3; sh++) {
                for (size_t a = 0; a < NAMTS; a++) {
                    if (!sf && shift_amts[a] >= 32) {
                        continue;
                    }
                    load1(b->words[k]);
                    for (size_t v = 0; v < 30; v++) {
                        uint64_t x = vec(v), y = vec(v + 7 + k % 5), r;
                        uint64_t m = ref_shift(sf, y, sh, shift_amts[a]);
                        uint32_t nzcv, init = (uint32_t)(v * 5) & 15;
                        r = (op & 2) ? ref_adc(sf, x, ~m, 1, &nzcv)
                                     : ref_adc(sf, x, m, 0, &nzcv);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[1] = x;
                        a64_cpu->xregs[2] = y;
                        a64_set_nzcv(init);
                        exec1(b->lines[k]);
                        check_x0(r, b->lines[k], x, y);
                        check_nzcv((op & 1) ? nzcv : init, b->lines[k], x, y);
                    }
                    k++;
                }
            }
        }
    }
    /* NEG/NEGS/CMP/CMN aliases; register 31 is XZR here, not SP. */
    a64_cpu->xregs[1] = 5;
    a64_cpu->xregs[31] = 0x1000;
    a64_run_asm("neg x2, x1\nnegs w3, w1\ncmp x1, #5\nmov x4, #0\n"
                "cmn x1, x2\ncset x4, eq");
    a64_assert_x(2, (uint64_t)-5, "neg");
    a64_assert_x(3, 0xfffffffb, "negs w");
    a64_assert_x(4, 1, "cmn x1, x2");
    a64_assert_x(31, 0x1000, "sp untouched");
    expect_undef(0x8b000000u | (3u << 22), "add shift=ror");
    expect_undef(0x0b000000u | (32 << 10), "add w, lsl #32");
    expect_undef(0x6b800000u | (40 << 10), "subs w, asr #40");
    free(b);
}
END_TEST

/* ---- add/sub, extended register ---- */

static uint64_t ref_extend(uint64_t v, int option, unsigned shift)
{
    unsigned bits = 8u << (option & 3);
    uint64_t e = v & ones(bits);

    if ((option & 4) && bits < 64 && ((e >> (bits - 1)) & 1)) {
        e |= ~ones(bits);
    }
    return e << shift;
}

START_TEST(test_addsub_ext)
{
    static const char *const ops[4] = {"add", "adds", "sub", "subs"};
    static const char *const exts[8] = {"uxtb", "uxth", "uxtw", "uxtx",
                                        "sxtb", "sxth", "sxtw", "sxtx"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x2718;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int opt = 0; opt < 8; opt++) {
                for (unsigned sh = 0; sh <= 4; sh++) {
                    /* Rn = SP: with a register it could be the LSL form. */
                    const char *rn = sf ? "sp" : "wsp";
                    const char *rd = sf ? "x0" : "w0";
                    bool xm = sf && (opt & 3) == 3;
                    batch_add(b, "%s %s, %s, %s2, %s #%u", ops[op], rd, rn,
                              xm ? "x" : "w", exts[opt], sh);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int opt = 0; opt < 8; opt++) {
                for (unsigned sh = 0; sh <= 4; sh++, k++) {
                    load1(b->words[k]);
                    for (size_t v = 0; v < 16; v++) {
                        uint64_t x = vec(v + 4), y = vec(v * 3 + k % 3), r;
                        uint64_t m = ref_extend(y, opt, sh);
                        uint32_t nzcv, init = (uint32_t)(v * 3) & 15;
                        r = (op & 2) ? ref_adc(sf, x, ~m, 1, &nzcv)
                                     : ref_adc(sf, x, m, 0, &nzcv);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[31] = x;
                        a64_cpu->xregs[2] = y;
                        a64_set_nzcv(init);
                        exec1(b->lines[k]);
                        check_x0(r, b->lines[k], x, y);
                        check_nzcv((op & 1) ? nzcv : init, b->lines[k], x, y);
                        ck_assert(a64_cpu->xregs[31] == x);
                    }
                }
            }
        }
    }
    /* SP destination without S; XZR destination with S. */
    a64_cpu->xregs[31] = 0x10000;
    a64_cpu->xregs[1] = 0x100;
    a64_cpu->xregs[2] = 0xffffffff;
    a64_run_asm("add sp, sp, w2, sxtw #2\nmov x3, sp");
    a64_assert_x(3, 0x10000 - 4, "add sp, sp, w2, sxtw #2");
    a64_run_asm("sub sp, x1, w1, uxtb\nmov x4, sp");
    a64_assert_x(4, 0x100, "sub sp, x1, w1, uxtb");
    a64_cpu->xregs[31] = 0x2000;
    a64_run_asm("cmp sp, w1, uxth #4\nadds xzr, x1, w1, uxtw");
    a64_assert_x(31, 0x2000, "adds xzr keeps sp");
    a64_run_asm("cmp sp, w1, uxth #4");
    a64_assert_nzcv(2, "cmp sp, w1, uxth #4");
    /* Shift amounts 5..7 and opt != 00 are unallocated. */
    expect_undef(0x8b200000u | (5 << 10), "add ext, shift 5");
    expect_undef(0x8b200000u | (7 << 10), "add ext, shift 7");
    expect_undef(0xeb200000u | (6 << 10), "subs ext, shift 6");
    expect_undef(0x8b600000u, "add ext, opt=01");
    expect_undef(0x8ba00000u, "add ext, opt=10");
    free(b);
}
END_TEST

/* ---- add/sub with carry ---- */

START_TEST(test_adc)
{
    static const char *const ops[6] = {"adc",  "adcs", "sbc",
                                       "sbcs", "ngc",  "ngcs"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x4444;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 6; op++) {
            if (op < 4) {
                batch_add(b, "%s %s0, %s1, %s2", ops[op], sf ? "x" : "w",
                          sf ? "x" : "w", sf ? "x" : "w");
            } else {
                batch_add(b, "%s %s0, %s2", ops[op], sf ? "x" : "w",
                          sf ? "x" : "w");
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 6; op++, k++) {
            load1(b->words[k]);
            for (size_t v = 0; v < 200; v++) {
                uint64_t x = op >= 4 ? 0 : vec(v % 60), y = vec((v * 7) % 61);
                uint32_t init = (uint32_t)(v & 15), nzcv;
                unsigned cin = (init >> 1) & 1;
                uint64_t r = (op & 2) || op >= 4
                                 ? ref_adc(sf, x, ~y, cin, &nzcv)
                                 : ref_adc(sf, x, y, cin, &nzcv);
                a64_cpu->xregs[0] = GARBAGE;
                a64_cpu->xregs[1] = x;
                a64_cpu->xregs[2] = y;
                a64_set_nzcv(init);
                exec1(b->lines[k]);
                check_x0(r, b->lines[k], x, y);
                check_nzcv((op & 1) ? nzcv : init, b->lines[k], x, y);
            }
        }
    }
    free(b);
}
END_TEST

/* ---- FEAT_FlagM: RMIF, SETF8, SETF16 ---- */

START_TEST(test_flagm)
{
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x5151;
    for (unsigned sh = 0; sh < 64; sh += 3) {
        for (unsigned mask = 0; mask < 16; mask++) {
            batch_add(b, "rmif x1, #%u, #%u", sh, mask);
        }
    }
    batch_add(b, "setf8 w1");
    batch_add(b, "setf16 w1");
    batch_assemble(b);
    for (unsigned sh = 0; sh < 64; sh += 3) {
        for (unsigned mask = 0; mask < 16; mask++, k++) {
            load1(b->words[k]);
            for (size_t v = 0; v < 8; v++) {
                uint64_t x = rnd();
                uint32_t init = (uint32_t)rnd() & 15;
                uint32_t bits = (uint32_t)ror_w(x, sh, 64) & 15;
                a64_cpu->xregs[1] = x;
                a64_set_nzcv(init);
                exec1(b->lines[k]);
                check_nzcv((init & ~mask) | (bits & mask), b->lines[k], x, 0);
            }
        }
    }
    for (int sz = 0; sz < 2; sz++, k++) {
        unsigned bits = sz ? 16 : 8;
        load1(b->words[k]);
        for (size_t v = 0; v < 200; v++) {
            uint64_t x = v < NEDGES ? edges[v] : rnd() >> (rnd() & 63);
            uint32_t init = (uint32_t)v & 15;
            bool n = (x >> (bits - 1)) & 1, z = (x & ones(bits)) == 0;
            bool vv = ((x >> bits) ^ (x >> (bits - 1))) & 1;
            a64_cpu->xregs[1] = x;
            a64_set_nzcv(init);
            exec1(b->lines[k]);
            check_nzcv((uint32_t)(n << 3 | z << 2 | vv) | (init & 2),
                       b->lines[k], x, 0);
        }
    }
    /* Other encodings in these spaces are unallocated. */
    expect_undef(0xba018425u & ~(1u << 31), "rmif with sf=0");
    expect_undef(0xba018435u, "rmif with o2=1");
    expect_undef(0x3a00082du | (1u << 31), "setf8 with sf=1");
    expect_undef(0x3a00082cu, "setf8 with mask 1100");
    expect_undef(0x3a00082du & ~(1u << 29), "setf8 with S=0");
    free(b);
}
END_TEST

/* ---- conditional compare and select ---- */

START_TEST(test_ccmp)
{
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x6161;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 2; op++) {
            for (int cond = 0; cond < 16; cond++) {
                unsigned nzcv = (unsigned)(cond * 7 + sf + op * 3) & 15;
                batch_add(b, "%s %s1, %s2, #%u, %s", op ? "ccmp" : "ccmn",
                          sf ? "x" : "w", sf ? "x" : "w", nzcv,
                          a64_cond_names[cond]);
                batch_add(b, "%s %s1, #%u, #%u, %s", op ? "ccmp" : "ccmn",
                          sf ? "x" : "w", (unsigned)cond * 2 + 1, nzcv,
                          a64_cond_names[cond]);
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 2; op++) {
            for (int cond = 0; cond < 16; cond++) {
                unsigned nzcv = (unsigned)(cond * 7 + sf + op * 3) & 15;
                for (int imm = 0; imm < 2; imm++, k++) {
                    load1(b->words[k]);
                    for (uint32_t init = 0; init < 16; init++) {
                        for (size_t v = 0; v < 4; v++) {
                            uint64_t x = vec(v * 5 + init),
                                     y = imm ? (uint64_t)cond * 2 + 1
                                             : vec(v * 3 + init + 1);
                            uint32_t f, want;
                            if (op) {
                                ref_adc(sf, x, ~y, 1, &f);
                            } else {
                                ref_adc(sf, x, y, 0, &f);
                            }
                            want = a64_cond_holds(cond, init) ? f : nzcv;
                            a64_cpu->xregs[1] = x;
                            a64_cpu->xregs[2] = y;
                            a64_set_nzcv(init);
                            exec1(b->lines[k]);
                            check_nzcv(want, b->lines[k], x, init);
                        }
                    }
                }
            }
        }
    }
    expect_undef(0x7a400000u | (1u << 10), "ccmp o2=1");
    expect_undef(0x7a400000u | (1u << 4), "ccmp o3=1");
    expect_undef(0x5a400000u, "ccmp S=0");
    free(b);
}
END_TEST

START_TEST(test_csel)
{
    static const char *const ops[4] = {"csel", "csinc", "csinv", "csneg"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0x7171;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int cond = 0; cond < 16; cond++) {
                batch_add(b, "%s %s0, %s1, %s2, %s", ops[op], sf ? "x" : "w",
                          sf ? "x" : "w", sf ? "x" : "w", a64_cond_names[cond]);
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            for (int cond = 0; cond < 16; cond++, k++) {
                load1(b->words[k]);
                for (uint32_t init = 0; init < 16; init++) {
                    for (size_t v = 0; v < 3; v++) {
                        uint64_t x = vec(v + init), y = vec(v * 4 + init + 2),
                                 r;
                        if (a64_cond_holds(cond, init)) {
                            r = x;
                        } else {
                            r = op == 0   ? y
                                : op == 1 ? y + 1
                                : op == 2 ? ~y
                                          : -y;
                        }
                        r = mask_w(sf, r);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[1] = x;
                        a64_cpu->xregs[2] = y;
                        a64_set_nzcv(init);
                        exec1(b->lines[k]);
                        check_x0(r, b->lines[k], x, y);
                        check_nzcv(init, b->lines[k], x, y);
                    }
                }
            }
        }
    }
    /* The aliases. */
    a64_cpu->xregs[1] = 41;
    a64_set_nzcv(4); /* Z */
    a64_run_asm("cset x2, eq\ncsetm w3, eq\ncinc x4, x1, eq\ncinv x5, x1, ne\n"
                "cneg w6, w1, eq\ncset w7, ne");
    a64_assert_x(2, 1, "cset");
    a64_assert_x(3, 0xffffffff, "csetm w");
    a64_assert_x(4, 42, "cinc");
    a64_assert_x(5, 41, "cinv (false)");
    a64_assert_x(6, (uint32_t)-41, "cneg w");
    a64_assert_x(7, 0, "cset ne");
    expect_undef(0x9a800000u | (1u << 29), "csel S=1");
    expect_undef(0x9a800000u | (2u << 10), "csel op2=10");
    expect_undef(0xda800000u | (3u << 10), "csneg op2=11");
    free(b);
}
END_TEST

/* ---- 1 source ---- */

static uint64_t ref_rbit(uint64_t v, unsigned w)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < w; i++) {
        r |= ((v >> i) & 1) << (w - 1 - i);
    }
    return r;
}

/* Reverse the bytes within each container of c bytes of a w-bit value. */
static uint64_t ref_rev(uint64_t v, unsigned c, unsigned w)
{
    uint64_t r = 0;

    for (unsigned base = 0; base < w / 8; base += c) {
        for (unsigned i = 0; i < c; i++) {
            uint64_t byte = (v >> (8 * (base + i))) & 0xff;
            r |= byte << (8 * (base + c - 1 - i));
        }
    }
    return r;
}

static uint64_t ref_clz(uint64_t v, unsigned w)
{
    unsigned n = 0;

    for (int i = (int)w - 1; i >= 0 && !((v >> i) & 1); i--) {
        n++;
    }
    return n;
}

static uint64_t ref_cls(uint64_t v, unsigned w)
{
    unsigned sign = (v >> (w - 1)) & 1, n = 0;

    for (int i = (int)w - 2; i >= 0 && ((v >> i) & 1) == sign; i--) {
        n++;
    }
    return n;
}

START_TEST(test_onesrc)
{
    static const char *const xops[7] = {
        "rbit x0, x1", "rev16 x0, x1", "rev32 x0, x1", "rev x0, x1",
        "clz x0, x1",  "cls x0, x1",   "rev64 x0, x1"};
    static const char *const wops[6] = {"rbit w0, w1", "rev16 w0, w1",
                                        "rev w0, w1",  "clz w0, w1",
                                        "cls w0, w1",  "rev w0, w1"};
    Batch *b = batch_new();

    a64_start(_i);
    rng_state = 0x8181;
    for (int i = 0; i < 7; i++) {
        batch_add(b, "%s", xops[i]);
    }
    for (int i = 0; i < 6; i++) {
        batch_add(b, "%s", wops[i]);
    }
    batch_assemble(b);
    for (size_t k = 0; k < 13; k++) {
        bool sf = k < 7;
        unsigned w = sf ? 64 : 32;
        load1(b->words[k]);
        for (size_t v = 0; v < 300; v++) {
            uint64_t x, r;
            if (v < NEDGES) {
                x = edges[v];
            } else if (v < NEDGES + 128) {
                /* One bit set or clear, and sign runs of every length. */
                unsigned bit = (unsigned)(v - NEDGES) & 63;
                x = (v - NEDGES) < 64 ? 1ull << bit
                                      : ~(1ull << bit) >> (bit & 1);
                if ((v & 3) == 3) {
                    x = ~0ull >> bit;
                }
            } else {
                x = vec(v);
            }
            uint64_t xm = mask_w(sf, x);
            const char *name = b->lines[k];
            if (sf) {
                switch (k) {
                case 0:
                    r = ref_rbit(xm, 64);
                    break;
                case 1:
                    r = ref_rev(xm, 2, 64);
                    break;
                case 2:
                    r = ref_rev(xm, 4, 64);
                    break;
                case 4:
                    r = ref_clz(xm, 64);
                    break;
                case 5:
                    r = ref_cls(xm, 64);
                    break;
                default:
                    r = ref_rev(xm, 8, 64);
                    break;
                }
            } else {
                switch (k - 7) {
                case 0:
                    r = ref_rbit(xm, 32);
                    break;
                case 1:
                    r = ref_rev(xm, 2, 32);
                    break;
                case 3:
                    r = ref_clz(xm, 32);
                    break;
                case 4:
                    r = ref_cls(xm, 32);
                    break;
                default:
                    r = ref_rev(xm, 4, 32);
                    break;
                }
            }
            (void)w;
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = x;
            a64_set_nzcv((uint32_t)v & 15);
            exec1(name);
            check_x0(r, name, x, 0);
            check_nzcv((uint32_t)v & 15, name, x, 0);
        }
    }
    /* REV with sf = 0 and opcode 000011; S = 1; PAC and CSSC forms. */
    expect_undef(0x5ac00c00u, "rev w, opc=11");
    expect_undef(0xfac00000u, "rbit with S=1");
    expect_undef(0xdac10000u, "pacia");
    expect_undef(0xdac143e0u, "xpaci");
    expect_undef(0xdac01800u, "ctz (CSSC)");
    expect_undef(0xdac01c00u, "cnt (CSSC)");
    expect_undef(0xdac02000u, "abs (CSSC)");
    expect_undef(0xdac01800u & ~(1u << 31), "ctz w (CSSC)");
    expect_undef(0xdac00000u | (1 << 16), "1-source opcode2=00001");
    free(b);
}
END_TEST

/* ---- 2 source ---- */

START_TEST(test_div)
{
    static const char *const ops[4] = {"udiv w0, w1, w2", "sdiv w0, w1, w2",
                                       "udiv x0, x1, x2", "sdiv x0, x1, x2"};
    Batch *b = batch_new();

    a64_start(_i);
    rng_state = 0x9191;
    for (int i = 0; i < 4; i++) {
        batch_add(b, "%s", ops[i]);
    }
    batch_assemble(b);
    for (int k = 0; k < 4; k++) {
        bool sf = k >= 2, sgn = k & 1;
        load1(b->words[k]);
        for (size_t i = 0; i < NEDGES + 40; i++) {
            for (size_t j = 0; j < NEDGES + 40; j += (i < NEDGES ? 1 : 7)) {
                uint64_t x = i < NEDGES ? edges[i] : vec(i + 100);
                uint64_t y = j < NEDGES ? edges[j] : vec(j + 200), r;
                if (sf) {
                    if (y == 0) {
                        r = 0;
                    } else if (!sgn) {
                        r = x / y;
                    } else if ((int64_t)x == INT64_MIN && (int64_t)y == -1) {
                        r = x;
                    } else {
                        r = (uint64_t)((int64_t)x / (int64_t)y);
                    }
                } else {
                    uint32_t a = (uint32_t)x, d = (uint32_t)y;
                    if (d == 0) {
                        r = 0;
                    } else if (!sgn) {
                        r = a / d;
                    } else if ((int32_t)a == INT32_MIN && (int32_t)d == -1) {
                        r = a;
                    } else {
                        r = (uint32_t)((int32_t)a / (int32_t)d);
                    }
                }
                a64_cpu->xregs[0] = GARBAGE;
                a64_cpu->xregs[1] = x;
                a64_cpu->xregs[2] = y;
                exec1(b->lines[k]);
                check_x0(r, b->lines[k], x, y);
            }
        }
    }
    free(b);
}
END_TEST

START_TEST(test_shiftv)
{
    static const char *const ops[4] = {"lslv", "lsrv", "asrv", "rorv"};
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0xa1a1;
    for (int sf = 0; sf < 2; sf++) {
        for (int op = 0; op < 4; op++) {
            batch_add(b, "%s %s0, %s1, %s2", ops[op], sf ? "x" : "w",
                      sf ? "x" : "w", sf ? "x" : "w");
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        unsigned w = sf ? 64 : 32;
        for (int op = 0; op < 4; op++, k++) {
            load1(b->words[k]);
            for (uint64_t cnt = 0; cnt < 140; cnt++) {
                for (size_t v = 0; v < 4; v++) {
                    uint64_t x = vec(v + cnt % 20);
                    uint64_t y = cnt < 130 ? cnt : rnd();
                    uint64_t r = ref_shift(sf, x, op, (unsigned)(y % w));
                    a64_cpu->xregs[0] = GARBAGE;
                    a64_cpu->xregs[1] = x;
                    a64_cpu->xregs[2] = y;
                    exec1(b->lines[k]);
                    check_x0(r, b->lines[k], x, y);
                }
            }
        }
    }
    /* The alias forms assemble to the same encodings. */
    a64_cpu->xregs[1] = 0x80;
    a64_cpu->xregs[2] = 65;
    a64_run_asm("lsl x3, x1, x2\nror w4, w1, w2\nasr x5, x1, x2");
    a64_assert_x(3, 0x100, "lsl by 65");
    a64_assert_x(4, 0x40, "ror w by 65");
    a64_assert_x(5, 0x40, "asr by 65");
    /* Other 2-source encodings: S=1, PACGA, MTE, CSSC min/max. */
    expect_undef(0x3ac00800u, "udiv with S=1");
    expect_undef(0x9ac03000u, "pacga");
    expect_undef(0x9ac01000u, "irg");
    expect_undef(0x9ac01400u, "gmi");
    expect_undef(0x9ac00000u, "subp");
    expect_undef(0xbac00000u, "subps");
    expect_undef(0x9ac06000u, "smax (CSSC)");
    expect_undef(0x9ac06400u, "umax (CSSC)");
    expect_undef(0x9ac00400u, "2-source opcode 000001");
    free(b);
}
END_TEST

/* Bit-serial CRC, reflected polynomial, no inversions: what the A64
 * instructions compute. */
static uint32_t ref_crc(uint32_t acc, uint64_t val, unsigned bytes,
                        uint32_t poly)
{
    for (unsigned i = 0; i < bytes * 8; i++) {
        uint32_t bit = (acc ^ (uint32_t)(val >> i)) & 1;
        acc = (acc >> 1) ^ (bit ? poly : 0);
    }
    return acc;
}

START_TEST(test_crc32)
{
    static const char *const ops[8] = {
        "crc32b w0, w1, w2",  "crc32h w0, w1, w2",  "crc32w w0, w1, w2",
        "crc32x w0, w1, x2",  "crc32cb w0, w1, w2", "crc32ch w0, w1, w2",
        "crc32cw w0, w1, w2", "crc32cx w0, w1, x2"};
    Batch *b = batch_new();
    uint32_t acc;

    a64_start(_i);
    rng_state = 0xb1b1;
    for (int i = 0; i < 8; i++) {
        batch_add(b, "%s", ops[i]);
    }
    batch_assemble(b);
    for (int k = 0; k < 8; k++) {
        unsigned bytes = 1u << (k & 3);
        uint32_t poly = k >= 4 ? 0x82f63b78u : 0xedb88320u;
        load1(b->words[k]);
        for (size_t v = 0; v < 300; v++) {
            uint64_t x = v < NEDGES ? edges[v] : rnd(), y = vec(v);
            uint32_t want = ref_crc((uint32_t)x, y, bytes, poly);
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = x;
            a64_cpu->xregs[2] = y;
            a64_set_nzcv((uint32_t)v & 15);
            exec1(b->lines[k]);
            check_x0(want, b->lines[k], x, y);
            check_nzcv((uint32_t)v & 15, b->lines[k], x, y);
        }
    }
    /* The standard check values: CRC-32("123456789") = 0xcbf43926,
     * CRC-32C = 0xe3069283, with the software inversions around. */
    a64_poke(A64_DATA, "123456789", 9);
    for (int c = 0; c < 2; c++) {
        acc = ~0u;
        for (int i = 0; i < 9; i++) {
            acc = ref_crc(acc, (uint8_t) "123456789"[i], 1,
                          c ? 0x82f63b78u : 0xedb88320u);
        }
        ck_assert_uint_eq(~acc, c ? 0xe3069283u : 0xcbf43926u);
    }
    a64_cpu->xregs[1] = ~0u;
    a64_cpu->xregs[2] = 0x3837363534333231ull; /* "12345678" */
    a64_cpu->xregs[3] = '9';
    a64_run_asm("crc32x w4, w1, x2\ncrc32b w4, w4, w3\nmvn w4, w4\n"
                "crc32cx w5, w1, x2\ncrc32cb w5, w5, w3\nmvn w5, w5");
    a64_assert_x(4, 0xcbf43926u, "crc32 check value");
    a64_assert_x(5, 0xe3069283u, "crc32c check value");
    /* CRC32X needs sf = 1, the others sf = 0. */
    expect_undef(0x1ac24c20u, "crc32x with sf=0");
    expect_undef(0x9ac24020u, "crc32b with sf=1");
    expect_undef(0x9ac25420u, "crc32ch with sf=1");
    free(b);
}
END_TEST

/* ---- 3 source ---- */

START_TEST(test_mul)
{
    static const char *const ops[] = {
        "madd w0, w1, w2, w3",   "msub w0, w1, w2, w3",
        "mul w0, w1, w2",        "mneg w0, w1, w2",
        "madd x0, x1, x2, x3",   "msub x0, x1, x2, x3",
        "mul x0, x1, x2",        "mneg x0, x1, x2",
        "smaddl x0, w1, w2, x3", "smsubl x0, w1, w2, x3",
        "umaddl x0, w1, w2, x3", "umsubl x0, w1, w2, x3",
        "smull x0, w1, w2",      "umull x0, w1, w2",
        "smulh x0, x1, x2",      "umulh x0, x1, x2",
        "smnegl x0, w1, w2",     "umnegl x0, w1, w2"};
    size_t nops = sizeof(ops) / sizeof(ops[0]);
    Batch *b = batch_new();

    a64_start(_i);
    rng_state = 0xc1c1;
    for (size_t i = 0; i < nops; i++) {
        batch_add(b, "%s", ops[i]);
    }
    batch_assemble(b);
    for (size_t k = 0; k < nops; k++) {
        load1(b->words[k]);
        for (size_t v = 0; v < 400; v++) {
            uint64_t x = vec(v % 97), y = vec((v * 13) % 89), z = vec(v % 31);
            uint64_t sx = (uint64_t)(int64_t)(int32_t)x;
            uint64_t sy = (uint64_t)(int64_t)(int32_t)y;
            uint64_t r;
            switch (k) {
            case 0:
                r = (uint32_t)(z + x * y);
                break;
            case 1:
                r = (uint32_t)(z - x * y);
                break;
            case 2:
                r = (uint32_t)(x * y);
                break;
            case 3:
                r = (uint32_t)(0 - x * y);
                break;
            case 4:
                r = z + x * y;
                break;
            case 5:
                r = z - x * y;
                break;
            case 6:
                r = x * y;
                break;
            case 7:
                r = 0 - x * y;
                break;
            case 8:
                r = z + sx * sy;
                break;
            case 9:
                r = z - sx * sy;
                break;
            case 10:
                r = z + (uint64_t)(uint32_t)x * (uint32_t)y;
                break;
            case 11:
                r = z - (uint64_t)(uint32_t)x * (uint32_t)y;
                break;
            case 12:
                r = sx * sy;
                break;
            case 13:
                r = (uint64_t)(uint32_t)x * (uint32_t)y;
                break;
            case 14:
                r = (uint64_t)(((__int128)(int64_t)x * (int64_t)y) >> 64);
                break;
            case 15:
                r = (uint64_t)(((unsigned __int128)x * y) >> 64);
                break;
            case 16:
                r = 0 - sx * sy;
                break;
            default:
                r = 0 - (uint64_t)(uint32_t)x * (uint32_t)y;
                break;
            }
            a64_cpu->xregs[0] = GARBAGE;
            a64_cpu->xregs[1] = x;
            a64_cpu->xregs[2] = y;
            a64_cpu->xregs[3] = z;
            exec1(b->lines[k]);
            check_x0(r, b->lines[k], x, y);
        }
    }
    /* 32-bit forms of the long multiplies, op54 != 00, other op31. */
    expect_undef(0x1b200000u, "smaddl with sf=0");
    expect_undef(0x1ba00000u, "umaddl with sf=0");
    expect_undef(0x1b400000u, "smulh with sf=0");
    expect_undef(0x3b000000u, "madd op54=01");
    expect_undef(0x9b600000u, "3-source op31=011");
    expect_undef(0x9bc08000u, "umulh with o0=1");
    expect_undef(0x9be00000u, "3-source op31=111");
    free(b);
}
END_TEST

/* ---- sequences in one block ---- */

/* Multi-word arithmetic through the carry flag, a compare chain, and
 * destinations that are also sources, as compiled code has them. */
START_TEST(test_chains)
{
    a64_start(_i);
    rng_state = 0xd1d1;
    for (size_t v = 0; v < 300; v++) {
        uint64_t al = vec(v), ah = vec(v + 3), bl = vec(v * 5 + 1), bh = rnd();
        unsigned __int128 a = (unsigned __int128)ah << 64 | al;
        unsigned __int128 b = (unsigned __int128)bh << 64 | bl;
        unsigned __int128 sum = a + b, diff = a - b,
                          prod = (unsigned __int128)al * bl;
        bool lt = (__int128)a < (__int128)b, ult = a < b;

        a64_cpu->xregs[1] = al;
        a64_cpu->xregs[2] = ah;
        a64_cpu->xregs[3] = bl;
        a64_cpu->xregs[4] = bh;
        a64_run_asm("adds x5, x1, x3\nadc x6, x2, x4\n"
                    "subs x7, x1, x3\nsbc x8, x2, x4\n"
                    "mul x9, x1, x3\numulh x10, x1, x3\n"
                    "cmp x1, x3\nsbcs xzr, x2, x4\ncset w11, lt\ncset w12, lo\n"
                    "mov x13, x1\nadd x13, x13, x13, lsl #1\n"
                    "mov x14, x3\nmadd x14, x14, x14, x14");
        a64_assert_x(5, (uint64_t)sum, "128-bit add, low");
        a64_assert_x(6, (uint64_t)(sum >> 64), "128-bit add, high");
        a64_assert_x(7, (uint64_t)diff, "128-bit sub, low");
        a64_assert_x(8, (uint64_t)(diff >> 64), "128-bit sub, high");
        a64_assert_x(9, (uint64_t)prod, "64x64 product, low");
        a64_assert_x(10, (uint64_t)(prod >> 64), "64x64 product, high");
        a64_assert_x(11, lt, "128-bit signed compare");
        a64_assert_x(12, ult, "128-bit unsigned compare");
        a64_assert_x(13, al * 3, "add x13, x13, x13, lsl #1");
        a64_assert_x(14, bl * bl + bl, "madd x14, x14, x14, x14");
    }
    /* cmp; ccmp; cset: (x1 == x3) && (x2 > x4) signed. */
    for (size_t v = 0; v < 100; v++) {
        uint64_t x = v & 1 ? 5 : vec(v), y = v & 2 ? vec(v + 1) : vec(v + 2);
        a64_cpu->xregs[1] = 5;
        a64_cpu->xregs[3] = x;
        a64_cpu->xregs[2] = y;
        a64_cpu->xregs[4] = vec(v + 9);
        a64_run_asm("cmp x1, x3\nccmp x2, x4, #4, eq\ncset x0, gt");
        a64_assert_x(0, x == 5 && (int64_t)y > (int64_t)a64_cpu->xregs[4],
                     "cmp/ccmp/cset");
    }
}
END_TEST

/*
 * SUBS/CMP immediately followed by an instruction that tests a condition
 * (B.cond, CSEL, CSINC, CCMP): the translator compares the SUBS operands
 * directly for such a pair instead of reading the flag words, so every
 * condition is checked on both widths, with the destination aliasing
 * either source, and the flags and the result are checked as well.
 */
START_TEST(test_cmp_fused)
{
    static const char *const subs[] = {
        "subs %c1, %c1, %c2", "cmp %c1, %c2", "subs %c2, %c1, %c2",
        "subs %c5, %c1, %c2, lsl #1", "cmp %c1, #0", "cmp %c1, #1",
        "subs %c1, %c1, #4095", "cmp %c1, #1, lsl #12", "cmp x1, w2, sxtw",
    };
    static const char *const uses[4] = {
        "b.%s .+8", "csel %c0, %c3, %c4, %s", "csinc %c0, %c3, %c4, %s",
        "ccmp %c3, %c3, #0, %s",
    };
    enum { NS = sizeof(subs) / sizeof(subs[0]) };
    Batch *b = batch_new();
    size_t k = 0;

    a64_start(_i);
    rng_state = 0xf00d;
    for (int sf = 0; sf < 2; sf++) {
        for (int f = 0; f < NS; f++) {
            for (int u = 0; u < 4; u++) {
                for (int cond = 0; cond < 16; cond++) {
                    char line[LINE_MAX], *o = line;
                    char w = sf ? 'x' : 'w';
                    if (f == NS - 1 && !sf) {
                        continue;
                    }
                    for (const char *p = subs[f]; *p; p++) {
                        if (p[0] == '%' && p[1] == 'c') {
                            *o++ = w;
                            p++;
                        } else {
                            *o++ = *p;
                        }
                    }
                    *o = 0;
                    batch_add(b, "%s", line);
                    o = line;
                    for (const char *p = uses[u]; *p; p++) {
                        if (p[0] == '%' && p[1] == 'c') {
                            *o++ = w;
                            p++;
                        } else if (p[0] == '%' && p[1] == 's') {
                            o += sprintf(o, "%s", a64_cond_names[cond]);
                            p++;
                        } else {
                            *o++ = *p;
                        }
                    }
                    *o = 0;
                    batch_add(b, "%s", line);
                }
            }
        }
    }
    batch_assemble(b);
    for (int sf = 0; sf < 2; sf++) {
        for (int f = 0; f < NS; f++) {
            for (int u = 0; u < 4; u++) {
                for (int cond = 0; cond < 16; cond++) {
                    uint32_t code[4] = {0, 0, SVC0, SVC0};
                    char what[2 * LINE_MAX + 8];
                    if (f == NS - 1 && !sf) {
                        continue;
                    }
                    code[0] = b->words[k];
                    code[1] = b->words[k + 1];
                    snprintf(what, sizeof(what), "%s; %s", b->lines[k],
                             b->lines[k + 1]);
                    k += 2;
                    a64_poke(A64_CODE, code, sizeof(code));
                    for (size_t v = 0; v < 24; v++) {
                        static const uint64_t imms[] = {0, 1, 4095, 4096};
                        uint64_t x = vec(v), y = vec(v * 7 + 3), opb, r;
                        uint64_t c3 = 0x3333, c4 = 0x4444;
                        uint32_t nzcv, want_nzcv;
                        int e, d;
                        bool holds;
                        if (v & 1) {
                            y = x + (rnd() % 3) - 1; /* near-equal pairs */
                        }
                        if (f == 3) {
                            opb = y << 1;
                        } else if (f == NS - 1) {
                            opb = (uint64_t)(int64_t)(int32_t)y;
                        } else if (f >= 4) {
                            opb = imms[f - 4];
                            if (v & 2) {
                                x = opb + (rnd() % 5) - 2;
                                x |= (v & 4) ? 0xffffffff00000000ull : 0;
                            }
                        } else {
                            opb = y;
                        }
                        r = ref_adc(sf, x, ~opb, 1, &nzcv);
                        holds = a64_cond_holds(cond, nzcv);
                        a64_cpu->xregs[0] = GARBAGE;
                        a64_cpu->xregs[1] = x;
                        a64_cpu->xregs[2] = y;
                        a64_cpu->xregs[3] = c3;
                        a64_cpu->xregs[4] = c4;
                        a64_cpu->xregs[5] = GARBAGE;
                        a64_set_nzcv(cond ^ 5);
                        a64_cpu->pc = A64_CODE;
                        e = cpu_exec(&a64_cpu->parent);
                        want_nzcv = nzcv;
                        if (u == 0) {
                            uint64_t at = A64_CODE + (holds ? 12 : 8);
                            ck_assert_msg(e == EXCP_A64_SVC &&
                                              a64_cpu->pc == at,
                                          "[%s] %s (x1=%#" PRIx64
                                          " x2=%#" PRIx64 "): pc %#" PRIx64
                                          ", expected %#" PRIx64,
                                          a64_config_name(), what, x, y,
                                          a64_cpu->pc, at);
                        } else {
                            ck_assert_msg(e == EXCP_A64_SVC &&
                                              a64_cpu->pc == A64_CODE + 8,
                                          "[%s] %s: stopped at %#" PRIx64,
                                          a64_config_name(), what,
                                          a64_cpu->pc);
                        }
                        if (u == 1) {
                            check_x0(holds ? c3 : c4, what, x, y);
                        } else if (u == 2) {
                            check_x0(holds ? c3 : c4 + 1, what, x, y);
                        } else if (u == 3) {
                            want_nzcv = holds ? 6 : 0;
                        }
                        check_nzcv(want_nzcv, what, x, y);
                        /* The SUBS destination: x1, none, x2, x5, ... */
                        d = f == 0 || f == 6 ? 1 : f == 2 ? 2 : f == 3 ? 5 : -1;
                        if (d >= 0) {
                            ck_assert_msg(a64_cpu->xregs[d] == r,
                                          "[%s] %s (x1=%#" PRIx64
                                          " x2=%#" PRIx64 "): x%d = %#" PRIx64
                                          ", expected %#" PRIx64,
                                          a64_config_name(), what, x, y, d,
                                          a64_cpu->xregs[d], r);
                        }
                    }
                }
            }
        }
    }
    free(b);
}
END_TEST

/* ---- other unallocated encodings of the two groups ---- */

START_TEST(test_unallocated)
{
    a64_start(_i);
    expect_undef(0x91800000u, "addg (MTE)");
    expect_undef(0xd1800000u, "subg (MTE)");
    expect_undef(0x91c00000u, "smax immediate (CSSC)");
    expect_undef(0x11800000u, "add/sub with tags, sf=0");
    expect_undef(0x9a000400u, "adc with op3=000001");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_movw,       test_adr,    test_addsub_imm, test_logic_imm,
        test_bitfield,   test_extr,   test_logic_reg,  test_addsub_reg,
        test_addsub_ext, test_adc,    test_flagm,      test_ccmp,
        test_csel,       test_onesrc, test_div,        test_shiftv,
        test_crc32,      test_mul,    test_chains,     test_cmp_fused,
        test_unallocated,
    };

    return a64_run_suite("aarch64-dp", tests, sizeof(tests) / sizeof(tests[0]),
                         A64_NCONFIGS)
               ? EXIT_FAILURE
               : EXIT_SUCCESS;
}

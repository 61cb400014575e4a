/*
 * The host floating-point fast path of the aarch64 soft-float
 * (target/hardfloat.h, hooked into softfloat.c) against the soft-float
 * alone: FADD, FSUB, FMUL, FDIV, FSQRT and FMADD in single and double
 * precision on random and boundary operands (tests/common/fpgen.h) under
 * every FPCR rounding mode with FZ and DN on and off. Results and FPSR
 * flags must be bit-identical. HF_TEST_N sets the number of random
 * operand sets per operation and width (default 1000000).
 *
 * On a host without the fast path (not x86-64, or
 * VEMU_HOST_FEATURES=-hardfloat) both runs are the soft-float and the
 * test checks nothing new; the "engaged" test says whether it ran.
 */
#include <check.h>
#include <fenv.h>
#include <stdio.h>
#include <stdlib.h>

#include "fpgen.h"
#include "target/aarch64/cpu.h"
#include "target/aarch64/softfloat.h"
#include "target/hardfloat.h"

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_COUNT };

static const char *const op_names[OP_COUNT] = {"add", "sub", "mul",
                                               "div", "sqrt", "fmadd"};

static uint64_t run(int op, A64FpSt *st, int esz, uint64_t a, uint64_t b,
                    uint64_t c)
{
    switch (op) {
    case OP_ADD:
        return a64f_add(st, esz, a, b);
    case OP_SUB:
        return a64f_sub(st, esz, a, b);
    case OP_MUL:
        return a64f_mul(st, esz, a, b);
    case OP_DIV:
        return a64f_div(st, esz, a, b);
    case OP_SQRT:
        return a64f_sqrt(st, esz, a);
    default:
        return a64f_muladd(st, esz, c, a, b);
    }
}

/* The fast path with FMA3 (hf_quick, and MXCSR for FMADD) and without
 * (MXCSR for all, the soft-float for FMADD) against the soft-float
 * alone on one operand set; prints and returns false on a difference. */
static bool same(int op, int esz, uint32_t fpcr, uint64_t a, uint64_t b,
                 uint64_t c)
{
    HfHost saved = hf_host;
    A64FpSt soft = {fpcr, 0};
    uint64_t rs;
    bool ok = true;

    hf_host.on = false;
    hf_host.fma = false;
    rs = run(op, &soft, esz, a, b, c);
    for (int k = 0; k < 2; k++) {
        A64FpSt fast = {fpcr, 0};
        uint64_t rf;
        hf_host.on = saved.on;
        hf_host.fma = saved.fma && k == 0;
        rf = run(op, &fast, esz, a, b, c);
        if (rf != rs || fast.flags != soft.flags) {
            fprintf(stderr,
                    "%s esz %d fpcr %08x fma %d a %016llx b %016llx "
                    "c %016llx: fast %016llx flags %02x, soft %016llx "
                    "flags %02x\n",
                    op_names[op], esz, fpcr, hf_host.fma,
                    (unsigned long long)a, (unsigned long long)b,
                    (unsigned long long)c, (unsigned long long)rf,
                    fast.flags, (unsigned long long)rs, soft.flags);
            ok = false;
        }
    }
    hf_host = saved;
    return ok;
}

/* Three quarters of the sets run under RMode = RN (where the fast path
 * can engage), the rest under the other modes; FZ and DN at random. */
static uint32_t pick_fpcr(TestRng *r)
{
    uint32_t fpcr = 0;

    if (trng_chance(r, 1, 4)) {
        fpcr |= (uint32_t)(1 + trng_below(r, 3)) << FPCR_RMODE_SHIFT;
    }
    if (trng_chance(r, 1, 2)) {
        fpcr |= FPCR_FZ;
    }
    if (trng_chance(r, 1, 2)) {
        fpcr |= FPCR_DN;
    }
    return fpcr;
}

static long test_count(void)
{
    const char *n = getenv("HF_TEST_N");

    return n ? atol(n) : 1000000;
}

static void check_op(int op, int esz)
{
    FpFormat f = fpg_fmt(esz);
    TestRng r;
    long n = test_count(), bad = 0;
    char kind = op == OP_MUL || op == OP_FMA ? 'm'
                : op == OP_DIV               ? 'd'
                : op == OP_SQRT              ? 0
                                             : 'a';

    trng_seed(&r, 0x68660000u + (uint64_t)op * 16 + (uint64_t)esz);
    for (long i = 0; i < n && bad < 10; i++) {
        uint64_t a = fpg_one(&r, esz), b = fpg_pair(&r, esz, a, kind), c;
        int s = (int)trng_below(&r, 2);

        /* the addend near the product (cancellation, tiny sums) */
        switch (trng_below(&r, 3)) {
        case 0:
            c = fpg_one(&r, esz);
            break;
        case 1:
            c = fpg_pack(esz, s,
                         fpg_bexp(esz, a) + fpg_bexp(esz, b) - f.bias +
                             (int)trng_below(&r, 5) - 2,
                         fpg_frac(&r, esz));
            break;
        default:
            c = fpg_pack(esz, s, (int)trng_below(&r, 3), fpg_frac(&r, esz));
            break;
        }
        if (!same(op, esz, pick_fpcr(&r), a, b, c)) {
            bad++;
        }
    }
    ck_assert_msg(bad == 0, "%s esz %d: fast path differs", op_names[op],
                  esz);
}

/* Every pair (triple) of boundary values under all 16 FPCR settings. */
static void check_edges(int op, int esz)
{
    enum { NE = 48 };
    uint64_t e[NE];
    TestRng r;
    long bad = 0;

    trng_seed(&r, 0x65646765u + (uint64_t)op * 16 + (uint64_t)esz);
    for (int i = 0; i < NE; i++) {
        e[i] = fpg_edge(&r, esz);
    }
    int ne = op == OP_FMA ? 28 : NE;

    for (uint32_t m = 0; m < 16; m++) {
        uint32_t fpcr = (m & 3) << FPCR_RMODE_SHIFT |
                        (m & 4 ? FPCR_FZ : 0) | (m & 8 ? FPCR_DN : 0);
        for (int i = 0; i < ne; i++) {
            for (int j = 0; j < ne; j++) {
                for (int k = 0; k < (op == OP_FMA ? ne : 1); k++) {
                    bad += !same(op, esz, fpcr, e[i], e[j], e[k]);
                }
            }
        }
    }
    ck_assert_msg(bad == 0, "%s esz %d: fast path differs on edges",
                  op_names[op], esz);
}

/* A product that is tiny before rounding but not after: min normal *
 * (1 + 2^-f) * (1 - 2^-f) = min normal * (1 - 2^-2f) rounds to the min
 * normal; Arm raises UFC, x86 no underflow. */
START_TEST(test_round_to_min_normal)
{
    for (int esz = 2; esz <= 3; esz++) {
        FpFormat f = fpg_fmt(esz);
        uint64_t a = fpg_pack(esz, 0, 1, 1);
        uint64_t b = fpg_pack(esz, 0, f.bias - 1, trng_mask(f.fbits) - 1);
        uint64_t minn = fpg_pack(esz, 0, 1, 0);
        A64FpSt st = {0, 0};
        uint64_t res = a64f_mul(&st, esz, a, b);

        ck_assert_uint_eq(res, minn);
        ck_assert_uint_eq(st.flags, FPSR_UFC | FPSR_IXC);
        ck_assert(same(OP_MUL, esz, 0, a, b, 0));
        ck_assert(same(OP_FMA, esz, 0, a, b, 0));
        ck_assert(same(OP_FMA, esz, FPCR_FZ, a, b, 0));
    }
}
END_TEST

/* The fast path really runs on the host (so the differential tests
 * compare two different computations): it leaves MXCSR.PE set. */
START_TEST(test_engaged)
{
#if defined(__x86_64__)
    uint32_t mx = 0x1f80, now;
    A64FpSt st = {0, 0};

    if (!hf_host.on) {
        fprintf(stderr, "host fast path off: soft-float only\n");
        return;
    }
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    a64f_add(&st, 3, 0x3ff0000000000000ull, 0x3c00000000000000ull);
    __asm__ volatile("stmxcsr %0" : "=m"(now));
    ck_assert_uint_eq(now & HF_PE, HF_PE);
    ck_assert_uint_eq(st.flags, FPSR_IXC);
#endif
}
END_TEST

/* A host rounding mode other than nearest must not leak into guest
 * results: hf_host_init() refuses it, and the MXCSR path (FMADD)
 * declines per operation. */
START_TEST(test_host_rounding)
{
    HfHost saved = hf_host;
    TestRng r;

    trng_seed(&r, 99);
    fesetround(FE_UPWARD);
    hf_host_init();
    ck_assert(!hf_host.on);
    hf_host = saved;
    for (int i = 0; i < 20000 && hf_host.fma; i++) {
        int esz = 2 + (i & 1);
        A64FpSt st = {0, 0}, ref = {0, 0};
        uint64_t a = fpg_one(&r, esz), b = fpg_one(&r, esz);
        uint64_t x = run(OP_FMA, &st, esz, a, b, b);
        hf_host.on = false;
        uint64_t y = run(OP_FMA, &ref, esz, a, b, b);
        hf_host = saved;
        if (x != y || st.flags != ref.flags) {
            fesetround(FE_TONEAREST);
            ck_abort_msg("host rounding leaked into fmadd");
        }
    }
    fesetround(FE_TONEAREST);
    hf_host_init();
    ck_assert_int_eq(hf_host.on, saved.on);
}
END_TEST

START_TEST(test_random)
{
    check_op(_i / 2, 2 + _i % 2);
}
END_TEST

START_TEST(test_edges)
{
    check_edges(_i / 2, 2 + _i % 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aarch64-hardfloat");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_engaged);
    tcase_add_test(tc, test_round_to_min_normal);
    tcase_add_test(tc, test_host_rounding);
    tcase_add_loop_test(tc, test_edges, 0, 2 * OP_COUNT);
    tcase_add_loop_test(tc, test_random, 0, 2 * OP_COUNT);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

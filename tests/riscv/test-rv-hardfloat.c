/*
 * The host floating-point fast path of the riscv64 F/D helpers
 * (target/hardfloat.h, hooked into fpu_helper.c) against the soft-float
 * alone: fadd, fsub, fmul, fdiv, fsqrt and the four fused multiply-adds
 * in single and double precision, on random and boundary operands
 * (tests/common/fpgen.h), under every rounding mode, static and dynamic
 * (frm), with NaN-boxed and unboxed single inputs. Results and fflags
 * must be bit-identical. HF_TEST_N sets the number of random operand
 * sets per operation and width (default 1000000).
 */
#include <check.h>
#include <fenv.h>
#include <stdio.h>
#include <stdlib.h>

#include "fpgen.h"
#include "target/hardfloat.h"
#include "target/riscv/cpu.h"
#include "target/riscv/fpu.h"

typedef uint64_t (*FpFn)(CPUState *, uint64_t, uint64_t, uint64_t,
                         uint64_t);
typedef uint64_t (*FmaFn)(CPUState *, uint64_t, uint64_t, uint64_t,
                          uint64_t, uint64_t);

enum { NOPS = 9 };
static const int ops[NOPS] = {FPOP_ADD,   FPOP_SUB,   FPOP_MUL,
                              FPOP_DIV,   FPOP_SQRT,  FPOP_FMADD,
                              FPOP_FMSUB, FPOP_FNMSUB, FPOP_FNMADD};
static const char *const op_names[NOPS] = {
    "fadd", "fsub", "fmul", "fdiv", "fsqrt",
    "fmadd", "fmsub", "fnmsub", "fnmadd"};

static uint64_t run(int i, bool dbl, uint64_t a, uint64_t b, uint64_t c,
                    uint64_t rm, uint32_t frm, uint32_t *flags)
{
    RISCVCPU cpu = {0};
    uint64_t op = (uint64_t)ops[i] | (dbl ? FPOP_D : 0), r;

    cpu.frm = frm;
    if (ops[i] >= FPOP_FMADD) {
        r = ((FmaFn)riscv_helper_fma.func)(&cpu.parent, op, a, b, c, rm);
    } else {
        r = ((FpFn)riscv_helper_fp.func)(&cpu.parent, op, a, b, rm);
    }
    *flags = cpu.fflags;
    return r;
}

/* The fast path with FMA3 (hf_quick, and MXCSR for the fused forms)
 * and without (MXCSR for all, the soft-float for the fused forms)
 * against the soft-float alone on one operand set. */
static bool same(int i, bool dbl, uint64_t a, uint64_t b, uint64_t c,
                 uint64_t rm, uint32_t frm)
{
    HfHost saved = hf_host;
    uint32_t ff, fs;
    uint64_t rf, rs;
    bool ok = true;

    hf_host.on = false;
    hf_host.fma = false;
    rs = run(i, dbl, a, b, c, rm, frm, &fs);
    for (int k = 0; k < 2; k++) {
        hf_host.on = saved.on;
        hf_host.fma = saved.fma && k == 0;
        rf = run(i, dbl, a, b, c, rm, frm, &ff);
        if (rf != rs || ff != fs) {
            fprintf(stderr,
                    "%s %s rm %d frm %u fma %d a %016llx b %016llx "
                    "c %016llx: fast %016llx flags %02x, soft %016llx "
                    "flags %02x\n",
                    op_names[i], dbl ? "d" : "s", (int)rm, frm, hf_host.fma,
                    (unsigned long long)a, (unsigned long long)b,
                    (unsigned long long)c, (unsigned long long)rf, ff,
                    (unsigned long long)rs, fs);
            ok = false;
        }
    }
    hf_host = saved;
    return ok;
}

/* A single operand NaN-boxed, except now and then. */
static uint64_t box(TestRng *r, bool dbl, uint64_t v)
{
    if (dbl) {
        return v;
    }
    if (trng_chance(r, 1, 64)) {
        return v | (trng_next(r) & 0xfffffffe00000000ull);
    }
    return v | 0xffffffff00000000ull;
}

/* Three quarters RNE (static 0, or dynamic with frm 0), the rest any. */
static void pick_rm(TestRng *r, uint64_t *rm, uint32_t *frm)
{
    bool dyn = trng_chance(r, 1, 2);
    uint32_t mode = trng_chance(r, 3, 4) ? 0 : (uint32_t)trng_below(r, 5);

    *rm = dyn ? 7 : mode;
    *frm = dyn ? mode : (uint32_t)trng_below(r, 5);
}

static long test_count(void)
{
    const char *n = getenv("HF_TEST_N");

    return n ? atol(n) : 1000000;
}

START_TEST(test_random)
{
    int i = _i / 2, esz = 2 + _i % 2;
    bool dbl = esz == 3;
    FpFormat f = fpg_fmt(esz);
    char kind = ops[i] == FPOP_MUL || ops[i] >= FPOP_FMADD ? 'm'
                : ops[i] == FPOP_DIV                       ? 'd'
                : ops[i] == FPOP_SQRT                      ? 0
                                                           : 'a';
    long n = test_count(), bad = 0;
    TestRng r;

    trng_seed(&r, 0x72760000u + (uint64_t)_i);
    for (long k = 0; k < n && bad < 10; k++) {
        uint64_t a = fpg_one(&r, esz), b = fpg_pair(&r, esz, a, kind), c;
        int s = (int)trng_below(&r, 2);
        uint64_t rm;
        uint32_t frm;

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
        pick_rm(&r, &rm, &frm);
        if (!same(i, dbl, box(&r, dbl, a), box(&r, dbl, b), box(&r, dbl, c),
                  rm, frm)) {
            bad++;
        }
    }
    ck_assert_msg(bad == 0, "%s %d: fast path differs", op_names[i], esz);
}
END_TEST

/* Every pair (triple) of boundary values in every rounding mode. */
START_TEST(test_edges)
{
    int i = _i / 2, esz = 2 + _i % 2;
    bool dbl = esz == 3;
    int ne = ops[i] >= FPOP_FMADD ? 24 : 48;
    uint64_t e[48];
    long bad = 0;
    TestRng r;

    trng_seed(&r, 0x65640000u + (uint64_t)_i);
    for (int k = 0; k < 48; k++) {
        e[k] = fpg_edge(&r, esz) | (dbl ? 0 : ~0ull << 32);
    }
    for (uint64_t rm = 0; rm <= 5; rm++) {
        for (int x = 0; x < ne; x++) {
            for (int y = 0; y < ne; y++) {
                for (int z = 0; z < (ops[i] >= FPOP_FMADD ? ne : 1); z++) {
                    bad += !same(i, dbl, e[x], e[y], e[z],
                                 rm == 5 ? 7 : rm, 0);
                }
            }
        }
    }
    ck_assert_msg(bad == 0, "%s %d: fast path differs on edges",
                  op_names[i], esz);
}
END_TEST

/* A host rounding mode other than nearest must not leak in:
 * hf_host_init() refuses it, and the MXCSR path (the fused forms)
 * declines per operation. */
START_TEST(test_host_rounding)
{
    HfHost saved = hf_host;
    TestRng r;

    trng_seed(&r, 7);
    fesetround(FE_DOWNWARD);
    hf_host_init();
    ck_assert(!hf_host.on);
    hf_host = saved;
    for (int k = 0; k < 20000 && hf_host.fma; k++) {
        int i = 5 + (int)trng_below(&r, 4), esz = 2 + (k & 1);
        bool dbl = esz == 3;
        uint64_t a = box(&r, dbl, fpg_one(&r, esz));
        uint64_t b = box(&r, dbl, fpg_one(&r, esz));
        if (!same(i, dbl, a, b, a, 0, 0)) {
            fesetround(FE_TONEAREST);
            ck_abort_msg("host rounding leaked: %s", op_names[i]);
        }
    }
    fesetround(FE_TONEAREST);
    hf_host_init();
    ck_assert_int_eq(hf_host.on, saved.on);
}
END_TEST

/* The fast path really runs on the host: it leaves MXCSR.PE set. */
START_TEST(test_engaged)
{
#if defined(__x86_64__)
    uint32_t mx = 0x1f80, now, flags;

    if (!hf_host.on) {
        fprintf(stderr, "host fast path off: soft-float only\n");
        return;
    }
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    run(0, true, 0x3ff0000000000000ull, 0x3c00000000000000ull, 0, 0, 0,
        &flags);
    __asm__ volatile("stmxcsr %0" : "=m"(now));
    ck_assert_uint_eq(now & HF_PE, HF_PE);
    ck_assert_uint_eq(flags, 1); /* NX */
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-hardfloat");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_engaged);
    tcase_add_test(tc, test_host_rounding);
    tcase_add_loop_test(tc, test_edges, 0, 2 * NOPS);
    tcase_add_loop_test(tc, test_random, 0, 2 * NOPS);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * aarch64 scalar and Advanced SIMD floating point (a64-fp.decode), on
 * every backend/optimizer configuration.
 *
 * References: the host FPU (<fenv.h>) where IEEE 754 fixes the answer
 * and x86 agrees with Arm (the arithmetic of normal values in the four
 * rounding modes, conversions), and values derived here from the Arm
 * rules where they differ (NaN propagation, default NaN, tininess before
 * rounding, flush-to-zero, FMAX/FMIN, saturating conversions, FJCVTZS),
 * with FRECPE/FRSQRTE checked against a transcription of the pseudocode.
 */
#include <check.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

#define RN 0u
#define RP 1u
#define RM 2u
#define RZ 3u

static const int host_rm[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD,
                               FE_TOWARDZERO};

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t d2u(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* Deterministic random numbers (xorshift64*). */
static uint64_t rng_state;

static uint64_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A random normal double with exponent in [-range, range]. */
static double rnd_double(int range)
{
    uint64_t r = rnd64();
    int e = (int)(rnd64() % (uint64_t)(2 * range + 1)) - range;
    return ldexp(1.0 + (double)(r >> 12) / 4503599627370496.0, e) *
           ((r & 1) ? -1.0 : 1.0);
}

static float rnd_float(int range)
{
    uint64_t r = rnd64();
    int e = (int)(rnd64() % (uint64_t)(2 * range + 1)) - range;
    return ldexpf(1.0f + (float)(r >> 41) / 8388608.0f, e) *
           ((r & 1) ? -1.0f : 1.0f);
}

static uint32_t host_flags(void)
{
    uint32_t f = 0;
    if (fetestexcept(FE_INVALID)) {
        f |= FPSR_IOC;
    }
    if (fetestexcept(FE_DIVBYZERO)) {
        f |= FPSR_DZC;
    }
    if (fetestexcept(FE_OVERFLOW)) {
        f |= FPSR_OFC;
    }
    if (fetestexcept(FE_UNDERFLOW)) {
        f |= FPSR_UFC;
    }
    if (fetestexcept(FE_INEXACT)) {
        f |= FPSR_IXC;
    }
    return f;
}

/* Run text with v1, v2, v3 = a, b, c (low 64 bits; upper bits set to
 * garbage so that scalar writes are seen to clear them) under fpcr. */
static uint64_t run3(const char *text, uint32_t fpcr, uint64_t a, uint64_t b,
                     uint64_t c)
{
    a64_set_v(0, 0x1111111111111111ull, 0x2222222222222222ull);
    a64_set_v(1, a, 0xdeadbeefdeadbeefull);
    a64_set_v(2, b, 0xdeadbeefdeadbeefull);
    a64_set_v(3, c, 0xdeadbeefdeadbeefull);
    a64_cpu->fpcr = fpcr;
    a64_cpu->fpsr = 0;
    a64_run_asm(text);
    return a64_cpu->vregs[0].d[0];
}

/* Check a scalar result: v0 = want (upper bits zero), FPSR = flags. */
static void check_scalar(uint64_t want, uint32_t flags, const char *what,
                         uint64_t a, uint64_t b)
{
    ck_assert_msg(
        a64_cpu->vregs[0].d[0] == want && a64_cpu->vregs[0].d[1] == 0,
        "%s: %s(%#llx, %#llx) = %#llx:%#llx, want %#llx", a64_config_name(),
        what, (unsigned long long)a, (unsigned long long)b,
        (unsigned long long)a64_cpu->vregs[0].d[1],
        (unsigned long long)a64_cpu->vregs[0].d[0], (unsigned long long)want);
    ck_assert_msg(a64_cpu->fpsr == flags,
                  "%s: %s(%#llx, %#llx): fpsr %#x, want %#x", a64_config_name(),
                  what, (unsigned long long)a, (unsigned long long)b,
                  a64_cpu->fpsr, flags);
}

/* ---- arithmetic against the host FPU ---- */

enum { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_FMA, H_NOPS };
static const char *const dops[H_NOPS] = {
    "fadd d0, d1, d2", "fsub d0, d1, d2", "fmul d0, d1, d2",
    "fdiv d0, d1, d2", "fsqrt d0, d1",    "fmadd d0, d1, d2, d3"};
static const char *const sops[H_NOPS] = {
    "fadd s0, s1, s2", "fsub s0, s1, s2", "fmul s0, s1, s2",
    "fdiv s0, s1, s2", "fsqrt s0, s1",    "fmadd s0, s1, s2, s3"};

static double host_d(int op, double a, double b, double c)
{
    volatile double x = a, y = b, z = c;
    switch (op) {
    case H_ADD:
        return x + y;
    case H_SUB:
        return x - y;
    case H_MUL:
        return x * y;
    case H_DIV:
        return x / y;
    case H_SQRT:
        return sqrt(x);
    default:
        return fma(x, y, z);
    }
}

static float host_s(int op, float a, float b, float c)
{
    volatile float x = a, y = b, z = c;
    switch (op) {
    case H_ADD:
        return x + y;
    case H_SUB:
        return x - y;
    case H_MUL:
        return x * y;
    case H_DIV:
        return x / y;
    case H_SQRT:
        return sqrtf(x);
    default:
        return fmaf(x, y, z);
    }
}

/* Random normal operands (wide exponent ranges, so overflow and exact
 * cancellation occur too) in each rounding mode. UFC is compared only
 * away from the subnormal range, where x86's tininess-after-rounding
 * cannot differ from Arm's before-rounding. */
START_TEST(test_host_arith)
{
    a64_start(_i);
    rng_state = 0x1234567887654321ull;
    for (uint32_t rm = 0; rm < 4; rm++) {
        for (int op = 0; op < H_NOPS; op++) {
            for (int k = 0; k < 60; k++) {
                int range = k < 40 ? 30 : 1000;
                double a = rnd_double(range), b = rnd_double(range);
                double c = k % 7 == 0 ? -a * b : rnd_double(range);
                double r;
                uint32_t fl;
                if (op == H_SQRT) {
                    a = fabs(a);
                }
                fesetround(host_rm[rm]);
                feclearexcept(FE_ALL_EXCEPT);
                r = host_d(op, a, b, c);
                fl = host_flags();
                fesetround(FE_TONEAREST);
                run3(dops[op], rm << FPCR_RMODE_SHIFT, d2u(a), d2u(b), d2u(c));
                if (fabs(r) <= DBL_MIN) {
                    fl &= ~FPSR_UFC;
                    a64_cpu->fpsr &= ~FPSR_UFC;
                }
                check_scalar(d2u(r), fl, dops[op], d2u(a), d2u(b));
            }
            for (int k = 0; k < 60; k++) {
                int range = k < 40 ? 20 : 130;
                float a = rnd_float(range), b = rnd_float(range);
                float c = k % 7 == 0 ? -a * b : rnd_float(range);
                float r;
                uint32_t fl;
                if (op == H_SQRT) {
                    a = fabsf(a);
                }
                fesetround(host_rm[rm]);
                feclearexcept(FE_ALL_EXCEPT);
                r = host_s(op, a, b, c);
                fl = host_flags();
                fesetround(FE_TONEAREST);
                run3(sops[op], rm << FPCR_RMODE_SHIFT, f2u(a), f2u(b), f2u(c));
                if (fabsf(r) <= FLT_MIN) {
                    fl &= ~FPSR_UFC;
                    a64_cpu->fpsr &= ~FPSR_UFC;
                }
                check_scalar(f2u(r), fl, sops[op], f2u(a), f2u(b));
            }
        }
    }
}
END_TEST

/* ---- special values, by the Arm rules ---- */

#define S_QNAN1 0x7fc00001u
#define S_QNAN2 0xffc00002u
#define S_SNAN1 0x7f800003u
#define S_SNAN2 0xff800004u
#define S_DNAN 0x7fc00000u
#define D_QNAN1 0x7ff8000000000001ull
#define D_SNAN1 0x7ff0000000000005ull
#define D_DNAN 0x7ff8000000000000ull

/* NaN operands: the first signalling NaN, else the first quiet one,
 * quieted; with DN the default NaN. */
START_TEST(test_nan_propagation)
{
    static const struct {
        uint32_t a, b, want, flags;
    } cases[] = {
        {S_QNAN1, S_QNAN2, S_QNAN1, 0},
        {S_QNAN1, S_SNAN2, S_SNAN2 | 0x400000, FPSR_IOC},
        {S_SNAN1, S_SNAN2, S_SNAN1 | 0x400000, FPSR_IOC},
        {0x3f800000, S_QNAN2, S_QNAN2, 0},
        {S_SNAN1, 0x3f800000, S_SNAN1 | 0x400000, FPSR_IOC},
    };
    static const char *const insns[] = {"fadd s0, s1, s2",  "fsub s0, s1, s2",
                                        "fmul s0, s1, s2",  "fdiv s0, s1, s2",
                                        "fmax s0, s1, s2",  "fmin s0, s1, s2",
                                        "fmulx s0, s1, s2", "fabd s0, s1, s2"};
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t k = 0; k < sizeof(insns) / sizeof(insns[0]); k++) {
            uint32_t want = cases[i].want;
            if (strncmp(insns[k], "fabd", 4) == 0) {
                want &= 0x7fffffff;
            }
            run3(insns[k], 0, cases[i].a, cases[i].b, 0);
            check_scalar(want, cases[i].flags, insns[k], cases[i].a,
                         cases[i].b);
            run3(insns[k], FPCR_DN, cases[i].a, cases[i].b, 0);
            check_scalar(strncmp(insns[k], "fabd", 4) == 0 ? S_DNAN : S_DNAN,
                         cases[i].flags, insns[k], cases[i].a, cases[i].b);
        }
    }
    /* FNMUL negates the NaN it returns. */
    run3("fnmul s0, s1, s2", 0, S_QNAN1, 0x3f800000, 0);
    check_scalar(S_QNAN1 ^ 0x80000000u, 0, "fnmul", S_QNAN1, 0);
    /* Invalid operations give the default NaN. */
    run3("fadd d0, d1, d2", 0, d2u(INFINITY), d2u(-INFINITY), 0);
    check_scalar(D_DNAN, FPSR_IOC, "inf - inf", 0, 0);
    run3("fmul s0, s1, s2", 0, f2u(INFINITY), 0, 0);
    check_scalar(S_DNAN, FPSR_IOC, "inf * 0", 0, 0);
    run3("fmulx s0, s1, s2", 0, f2u(-INFINITY), 0, 0);
    check_scalar(0xc0000000u, 0, "fmulx -inf * 0 = -2", 0, 0);
    run3("fdiv d0, d1, d2", 0, d2u(0.0), d2u(-0.0), 0);
    check_scalar(D_DNAN, FPSR_IOC, "0 / 0", 0, 0);
    run3("fdiv d0, d1, d2", 0, d2u(-1.0), d2u(0.0), 0);
    check_scalar(d2u(-INFINITY), FPSR_DZC, "-1 / 0", 0, 0);
    run3("fsqrt s0, s1", 0, f2u(-1.0f), 0, 0);
    check_scalar(S_DNAN, FPSR_IOC, "sqrt -1", 0, 0);
    run3("fsqrt s0, s1", 0, f2u(-0.0f), 0, 0);
    check_scalar(f2u(-0.0f), 0, "sqrt -0", 0, 0);
    run3("fsqrt d0, d1", 0, D_SNAN1, 0, 0);
    check_scalar(D_SNAN1 | 0x8000000000000ull, FPSR_IOC, "sqrt snan", 0, 0);
}
END_TEST

/* Fused multiply-add: NaN order addend, n, m; 0 * inf + qNaN is invalid;
 * one rounding; the negated forms negate operands (NaNs too). */
START_TEST(test_fma_special)
{
    a64_start(_i);
    /* fmadd d0, d1(n), d2(m), d3(a) */
    run3("fmadd d0, d1, d2, d3", 0, D_SNAN1, d2u(1.0), D_QNAN1);
    check_scalar(D_SNAN1 | 0x8000000000000ull, FPSR_IOC, "fmadd sNaN n", 0, 0);
    run3("fmadd d0, d1, d2, d3", 0, D_QNAN1 + 1, d2u(1.0), D_QNAN1);
    check_scalar(D_QNAN1, 0, "fmadd qNaN a first", 0, 0);
    run3("fmadd d0, d1, d2, d3", 0, d2u(INFINITY), d2u(0.0), D_QNAN1);
    check_scalar(D_DNAN, FPSR_IOC, "fmadd inf*0+qNaN", 0, 0);
    run3("fmadd d0, d1, d2, d3", 0, d2u(INFINITY), d2u(1.0), d2u(-INFINITY));
    check_scalar(D_DNAN, FPSR_IOC, "fmadd inf-inf", 0, 0);
    run3("fmsub s0, s1, s2, s3", 0, S_QNAN1, f2u(1.0f), f2u(1.0f));
    check_scalar(S_QNAN1 | 0x80000000u, 0, "fmsub negates n's NaN", 0, 0);
    run3("fnmadd s0, s1, s2, s3", 0, f2u(1.0f), f2u(1.0f), S_QNAN1);
    check_scalar(S_QNAN1 | 0x80000000u, 0, "fnmadd negates a's NaN", 0, 0);
    run3("fnmsub s0, s1, s2, s3", 0, f2u(2.0f), f2u(3.0f), f2u(1.0f));
    check_scalar(f2u(5.0f), 0, "fnmsub = n*m - a", 0, 0);
    run3("fnmadd s0, s1, s2, s3", 0, f2u(2.0f), f2u(3.0f), f2u(1.0f));
    check_scalar(f2u(-7.0f), 0, "fnmadd = -a - n*m", 0, 0);
    /* Exact zero: +0 except towards -inf; 0 + -0. */
    run3("fmadd d0, d1, d2, d3", RM << 22, d2u(1.0), d2u(1.0), d2u(-1.0));
    check_scalar(d2u(-0.0), 0, "fmadd exact zero RM", 0, 0);
    run3("fmadd d0, d1, d2, d3", 0, d2u(-0.0), d2u(1.0), d2u(-0.0));
    check_scalar(d2u(-0.0), 0, "fmadd -0 + -0", 0, 0);
    /* One rounding: (1 + 2^-30)^2 - 1 keeps the 2^-60 term. */
    run3("fmadd d0, d1, d2, d3", 0, d2u(1.0 + ldexp(1, -30)),
         d2u(1.0 + ldexp(1, -30)), d2u(-1.0));
    check_scalar(d2u(ldexp(1, -29) + ldexp(1, -60)), 0, "fused", 0, 0);
}
END_TEST

/* Tininess before rounding, UFC only with inexact, flush-to-zero. */
START_TEST(test_underflow_fz)
{
    a64_start(_i);
    /* (1 - 2^-24) * 2^-126 rounds up to 2^-126: tiny before rounding. */
    run3("fmul s0, s1, s2", 0, 0x3f7fffffu, 0x00800000u, 0);
    check_scalar(0x00800000u, FPSR_UFC | FPSR_IXC, "tiny before rounding", 0,
                 0);
    /* An exact subnormal result is not an underflow. */
    run3("fmul s0, s1, s2", 0, f2u(0.5f), 0x00800000u, 0);
    check_scalar(0x00400000u, 0, "exact subnormal", 0, 0);
    run3("fmul d0, d1, d2", 0, d2u(0.75), 0x0010000000000001ull, 0);
    check_scalar(0x000c000000000001ull, FPSR_UFC | FPSR_IXC,
                 "inexact subnormal", 0, 0);
    /* FZ: denormal inputs are zero with IDC. */
    run3("fadd s0, s1, s2", FPCR_FZ, 0x00000001u, 0x80000000u, 0);
    check_scalar(0, FPSR_IDC, "FZ: denormal + -0", 0, 0);
    run3("fadd s0, s1, s2", FPCR_FZ | RM << 22, 0x00000001u, 0x80000000u, 0);
    check_scalar(0x80000000u, FPSR_IDC, "FZ: denormal + -0, RM", 0, 0);
    run3("fmul d0, d1, d2", FPCR_FZ, 0x8000000000000001ull, d2u(2.0), 0);
    check_scalar(0x8000000000000000ull, FPSR_IDC, "FZ: -denormal * 2", 0, 0);
    /* FZ: a tiny result is zero with UFC alone. */
    run3("fmul s0, s1, s2", FPCR_FZ, 0x00800000u, f2u(0.5f), 0);
    check_scalar(0, FPSR_UFC, "FZ: tiny result", 0, 0);
    run3("fmul s0, s1, s2", FPCR_FZ, 0x3f7fffffu, 0x80800000u, 0);
    check_scalar(0x80000000u, FPSR_UFC, "FZ: tiny before rounding", 0, 0);
    /* FZ does not touch conversions from half (FZ16 is for arithmetic). */
    run3("fcvt s0, h1", FPCR_FZ16, 0x0001, 0, 0);
    check_scalar(f2u(ldexpf(1.0f, -24)), 0, "fcvt half denormal", 0, 0);
    /* Overflow in each rounding mode. */
    for (uint32_t rm = 0; rm < 4; rm++) {
        uint32_t want = (rm == RN || rm == RP) ? 0x7f800000u : 0x7f7fffffu;
        run3("fmul s0, s1, s2", rm << 22, f2u(FLT_MAX), f2u(2.0f), 0);
        check_scalar(want, FPSR_OFC | FPSR_IXC, "overflow", rm, 0);
    }
}
END_TEST

START_TEST(test_maxmin)
{
    static const struct {
        const char *insn;
        uint32_t a, b, want, flags;
    } cases[] = {
        {"fmax s0, s1, s2", 0x00000000u, 0x80000000u, 0x00000000u, 0},
        {"fmax s0, s1, s2", 0x80000000u, 0x00000000u, 0x00000000u, 0},
        {"fmin s0, s1, s2", 0x00000000u, 0x80000000u, 0x80000000u, 0},
        {"fmin s0, s1, s2", 0x80000000u, 0x00000000u, 0x80000000u, 0},
        {"fmax s0, s1, s2", 0x3f800000u, S_QNAN1, S_QNAN1, 0},
        {"fmaxnm s0, s1, s2", 0x3f800000u, S_QNAN1, 0x3f800000u, 0},
        {"fmaxnm s0, s1, s2", S_QNAN1, 0xff800000u, 0xff800000u, 0},
        {"fminnm s0, s1, s2", S_QNAN1, 0x7f800000u, 0x7f800000u, 0},
        {"fminnm s0, s1, s2", S_QNAN1, S_QNAN2, S_QNAN1, 0},
        {"fmaxnm s0, s1, s2", S_QNAN1, S_SNAN2, S_SNAN2 | 0x400000, FPSR_IOC},
        {"fminnm s0, s1, s2", 0x3f800000u, S_SNAN1, S_SNAN1 | 0x400000,
         FPSR_IOC},
        {"fmin s0, s1, s2", 0xbf800000u, 0x3f800000u, 0xbf800000u, 0},
        {"fmax s0, s1, s2", 0xff800000u, 0x00000001u, 0x00000001u, 0},
    };
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run3(cases[i].insn, 0, cases[i].a, cases[i].b, 0);
        check_scalar(cases[i].want, cases[i].flags, cases[i].insn, cases[i].a,
                     cases[i].b);
    }
    /* FZ: a denormal input is a zero of its sign (IDC). */
    run3("fmax s0, s1, s2", FPCR_FZ, 0x80000001u, 0x80000000u, 0);
    check_scalar(0x80000000u, FPSR_IDC, "fmax FZ", 0, 0);
}
END_TEST

/* ---- comparisons ---- */

START_TEST(test_compare)
{
    static const struct {
        double a, b;
        uint32_t nzcv;
    } cases[] = {{1.0, 2.0, 8},
                 {2.0, 1.0, 2},
                 {1.0, 1.0, 6},
                 {0.0, -0.0, 6},
                 {-INFINITY, INFINITY, 8},
                 {NAN, 1.0, 3}};
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool nan = isnan(cases[i].a);
        run3("fcmp d1, d2", 0, d2u(cases[i].a), d2u(cases[i].b), 0);
        a64_assert_nzcv(cases[i].nzcv, "fcmp");
        ck_assert_uint_eq(a64_cpu->fpsr, 0);
        run3("fcmpe d1, d2", 0, d2u(cases[i].a), d2u(cases[i].b), 0);
        a64_assert_nzcv(cases[i].nzcv, "fcmpe");
        ck_assert_uint_eq(a64_cpu->fpsr, nan ? FPSR_IOC : 0);
        run3("fcmp s1, s2", 0, f2u((float)cases[i].a), f2u((float)cases[i].b),
             0);
        a64_assert_nzcv(cases[i].nzcv, "fcmp s");
    }
    run3("fcmp s1, #0.0", 0, f2u(-3.0f), 0, 0);
    a64_assert_nzcv(8, "fcmp #0");
    run3("fcmp s1, s2", 0, S_SNAN1, 0, 0);
    a64_assert_nzcv(3, "fcmp sNaN");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IOC);
    run3("fcmpe d1, #0.0", 0, D_QNAN1, 0, 0);
    a64_assert_nzcv(3, "fcmpe #0 qNaN");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IOC);

    /* FCCMP: the comparison only when the condition holds. */
    a64_set_nzcv(4); /* Z: eq holds */
    run3("fccmp s1, s2, #5, eq", 0, f2u(1.0f), f2u(2.0f), 0);
    a64_assert_nzcv(8, "fccmp taken");
    a64_set_nzcv(0);
    run3("fccmpe s1, s2, #5, eq", 0, S_SNAN1, f2u(2.0f), 0);
    a64_assert_nzcv(5, "fccmpe not taken");
    ck_assert_uint_eq(a64_cpu->fpsr, 0);
    a64_set_nzcv(0);
    run3("fccmpe d1, d2, #5, ne", 0, D_QNAN1, d2u(2.0), 0);
    a64_assert_nzcv(3, "fccmpe taken qNaN");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IOC);

    /* FCSEL */
    a64_set_nzcv(8);
    run3("fcsel d0, d1, d2, mi", 0, 111, 222, 0);
    check_scalar(111, 0, "fcsel mi", 0, 0);
    run3("fcsel s0, s1, s2, pl", 0, 111, 222, 0);
    check_scalar(222, 0, "fcsel pl", 0, 0);
}
END_TEST

/* ---- conversions ---- */

START_TEST(test_to_int)
{
    static const struct {
        const char *insn;
        double in;
        uint64_t want;
        uint32_t flags;
    } cases[] = {
        {"fcvtzs w0, d1", 3e9, 0x7fffffff, FPSR_IOC},
        {"fcvtzs w0, d1", -3e9, 0x80000000, FPSR_IOC},
        {"fcvtzs w0, d1", -2147483648.0, 0x80000000, 0},
        {"fcvtzs w0, d1", -2147483648.5, 0x80000000, FPSR_IXC},
        {"fcvtzs w0, d1", 2147483647.9, 0x7fffffff, FPSR_IXC},
        {"fcvtzs w0, d1", NAN, 0, FPSR_IOC},
        {"fcvtzs x0, d1", 9.3e18, 0x7fffffffffffffffull, FPSR_IOC},
        {"fcvtzs x0, d1", -INFINITY, 0x8000000000000000ull, FPSR_IOC},
        {"fcvtzs x0, d1", -1.5, (uint64_t)-1, FPSR_IXC},
        {"fcvtzu w0, d1", -1.0, 0, FPSR_IOC},
        {"fcvtzu w0, d1", -0.5, 0, FPSR_IXC},
        {"fcvtzu w0, d1", 4294967295.0, 0xffffffff, 0},
        {"fcvtzu w0, d1", 4294967296.0, 0xffffffff, FPSR_IOC},
        {"fcvtzu x0, d1", 1.8446744073709552e19, ~0ull, FPSR_IOC},
        {"fcvtzu x0, d1", 1.8446744073709550e19, 0xfffffffffffff800ull, 0},
        {"fcvtns w0, d1", 2.5, 2, FPSR_IXC},
        {"fcvtns w0, d1", 3.5, 4, FPSR_IXC},
        {"fcvtns w0, d1", -2.5, (uint32_t)-2, FPSR_IXC},
        {"fcvtas w0, d1", 2.5, 3, FPSR_IXC},
        {"fcvtas w0, d1", -2.5, (uint32_t)-3, FPSR_IXC},
        {"fcvtau w0, d1", 0.5, 1, FPSR_IXC},
        {"fcvtms w0, d1", -1.5, (uint32_t)-2, FPSR_IXC},
        {"fcvtps w0, d1", -1.5, (uint32_t)-1, FPSR_IXC},
        {"fcvtps x0, d1", 1.25, 2, FPSR_IXC},
        {"fcvtmu x0, d1", -0.25, 0, FPSR_IOC},
        {"fcvtpu w0, d1", -0.25, 0, FPSR_IXC},
        {"fcvtnu w0, d1", 1e-300, 0, FPSR_IXC},
        {"fcvtzs w0, d1, #16", 1.5, 0x18000, 0},
        {"fcvtzs w0, d1, #32", -0.25, 0xc0000000, 0},
        {"fcvtzs w0, d1, #31", 1.0, 0x7fffffff, FPSR_IOC},
        {"fcvtzu x0, d1, #64", 0.5, 0x8000000000000000ull, 0},
        {"fcvtzs x0, d1, #1", 0.75, 1, FPSR_IXC},
    };
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[64];
        a64_cpu->xregs[0] = 0x5555555555555555ull;
        run3(cases[i].insn, 0, d2u(cases[i].in), 0, 0);
        a64_assert_x(0, cases[i].want, cases[i].insn);
        ck_assert_msg(a64_cpu->fpsr == cases[i].flags, "%s(%g): fpsr %#x",
                      cases[i].insn, cases[i].in, a64_cpu->fpsr);
        /* the single-precision form where the input is exact in float */
        if ((double)(float)cases[i].in == cases[i].in || isnan(cases[i].in)) {
            snprintf(text, sizeof(text), "%s", cases[i].insn);
            char *d = strstr(text, "d1");
            d[0] = 's';
            run3(text, 0, f2u((float)cases[i].in), 0, 0);
            a64_assert_x(0, cases[i].want, text);
            ck_assert_msg(a64_cpu->fpsr == cases[i].flags, "%s: fpsr %#x", text,
                          a64_cpu->fpsr);
        }
    }
    /* FZ: a denormal converts as zero, with IDC only. */
    run3("fcvtzs w0, s1", FPCR_FZ, 0x80000001u, 0, 0);
    a64_assert_x(0, 0, "fcvtzs FZ");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IDC);
}
END_TEST

START_TEST(test_from_int)
{
    a64_start(_i);
    rng_state = 0xabcdef0123456789ull;
    for (uint32_t rm = 0; rm < 4; rm++) {
        for (int k = 0; k < 40; k++) {
            uint64_t v = rnd64() >> (rnd64() % 64);
            volatile int64_t sv = (int64_t)((k & 1) ? -v : v);
            volatile uint64_t uv = v;
            volatile int32_t sw = (int32_t)sv;
            float f;
            double d;
            uint32_t fl;
            a64_cpu->xregs[1] = (uint64_t)sv;
            fesetround(host_rm[rm]);
            feclearexcept(FE_ALL_EXCEPT);
            f = (float)sv;
            fl = host_flags();
            fesetround(FE_TONEAREST);
            run3("scvtf s0, x1", rm << 22, 0, 0, 0);
            check_scalar(f2u(f), fl, "scvtf s0, x1", (uint64_t)sv, rm);
            fesetround(host_rm[rm]);
            feclearexcept(FE_ALL_EXCEPT);
            d = (double)uv;
            fl = host_flags();
            fesetround(FE_TONEAREST);
            a64_cpu->xregs[1] = uv;
            run3("ucvtf d0, x1", rm << 22, 0, 0, 0);
            check_scalar(d2u(d), fl, "ucvtf d0, x1", uv, rm);
            fesetround(host_rm[rm]);
            feclearexcept(FE_ALL_EXCEPT);
            f = (float)sw;
            fl = host_flags();
            fesetround(FE_TONEAREST);
            a64_cpu->xregs[1] = (uint64_t)sv | 0xabcd000000000000ull;
            a64_cpu->xregs[1] =
                (a64_cpu->xregs[1] & ~0xffffffffull) | (uint32_t)sw;
            run3("scvtf s0, w1", rm << 22, 0, 0, 0);
            check_scalar(f2u(f), fl, "scvtf s0, w1", (uint64_t)sw, rm);
        }
    }
    a64_cpu->xregs[1] = 0xffffffff;
    run3("scvtf d0, w1, #16", 0, 0, 0, 0);
    check_scalar(d2u(-1.0 / 65536), 0, "scvtf fixed", 0, 0);
    run3("ucvtf d0, w1, #32", 0, 0, 0, 0);
    check_scalar(d2u(4294967295.0 / 4294967296.0), 0, "ucvtf fixed", 0, 0);
    a64_cpu->xregs[1] = 1;
    run3("ucvtf s0, x1, #64", 0, 0, 0, 0);
    check_scalar(f2u(ldexpf(1.0f, -64)), 0, "ucvtf #64", 0, 0);
    a64_cpu->xregs[1] = 0;
    run3("scvtf d0, x1", 0, 0, 0, 0);
    check_scalar(0, 0, "scvtf 0", 0, 0);
}
END_TEST

/* Half <-> single <-> double conversions (FCVT), with the host as the
 * reference for single <-> double and exact half values. */
START_TEST(test_fcvt)
{
    a64_start(_i);
    rng_state = 0x5555aaaa5555aaaaull;
    for (uint32_t rm = 0; rm < 4; rm++) {
        for (int k = 0; k < 50; k++) {
            double d = rnd_double(k < 40 ? 100 : 200);
            volatile double vd = d;
            float f;
            uint32_t fl;
            fesetround(host_rm[rm]);
            feclearexcept(FE_ALL_EXCEPT);
            f = (float)vd;
            fl = host_flags();
            fesetround(FE_TONEAREST);
            run3("fcvt s0, d1", rm << 22, d2u(d), 0, 0);
            if (fabsf(f) <= FLT_MIN) {
                fl &= ~FPSR_UFC;
                a64_cpu->fpsr &= ~FPSR_UFC;
            }
            check_scalar(f2u(f), fl, "fcvt s0, d1", d2u(d), rm);
        }
    }
    run3("fcvt d0, s1", 0, f2u(1.1f), 0, 0);
    check_scalar(d2u((double)1.1f), 0, "fcvt d0, s1", 0, 0);
    /* NaNs keep their payload's top bits and are quieted. */
    run3("fcvt d0, s1", 0, 0xff800001u, 0, 0);
    check_scalar(0xfff8000020000000ull, FPSR_IOC, "fcvt sNaN", 0, 0);
    run3("fcvt s0, d1", 0, 0x7ff0000020000001ull, 0, 0);
    check_scalar(0x7fc00001u, FPSR_IOC, "fcvt d sNaN", 0, 0);
    run3("fcvt h0, d1", 0, 0x7ffc000000000000ull, 0, 0);
    check_scalar(0x7f00, 0, "fcvt qNaN to half", 0, 0);
    run3("fcvt s0, d1", FPCR_DN, 0xfff0000020000001ull, 0, 0);
    check_scalar(S_DNAN, FPSR_IOC, "fcvt DN", 0, 0);
    /* to half */
    run3("fcvt h0, s1", 0, f2u(1.0f), 0, 0);
    check_scalar(0x3c00, 0, "fcvt h 1.0", 0, 0);
    run3("fcvt h0, s1", 0, f2u(65504.0f), 0, 0);
    check_scalar(0x7bff, 0, "fcvt h max", 0, 0);
    run3("fcvt h0, s1", 0, f2u(65520.0f), 0, 0);
    check_scalar(0x7c00, FPSR_OFC | FPSR_IXC, "fcvt h overflow", 0, 0);
    run3("fcvt h0, s1", RZ << 22, f2u(65520.0f), 0, 0);
    check_scalar(0x7bff, FPSR_IXC, "fcvt h: 65520 truncates to max", 0, 0);
    run3("fcvt h0, s1", RZ << 22, f2u(65536.0f), 0, 0);
    check_scalar(0x7bff, FPSR_OFC | FPSR_IXC, "fcvt h overflow RZ", 0, 0);
    run3("fcvt h0, d1", 0, d2u(ldexp(1.0, -25)), 0, 0);
    check_scalar(0x0000, FPSR_UFC | FPSR_IXC, "fcvt h tiny", 0, 0);
    run3("fcvt h0, d1", 0, d2u(ldexp(1.5, -25)), 0, 0);
    check_scalar(0x0001, FPSR_UFC | FPSR_IXC, "fcvt h tiny up", 0, 0);
    run3("fcvt h0, s1", 0, f2u(1.0f + ldexpf(1.0f, -11)), 0, 0);
    check_scalar(0x3c00, FPSR_IXC, "fcvt h tie even", 0, 0);
    /* AHP: no infinities or NaNs in half precision. */
    run3("fcvt h0, s1", FPCR_AHP, f2u(INFINITY), 0, 0);
    check_scalar(0x7fff, FPSR_IOC, "fcvt AHP inf", 0, 0);
    run3("fcvt h0, s1", FPCR_AHP, S_QNAN1 | 0x80000000u, 0, 0);
    check_scalar(0x8000, FPSR_IOC, "fcvt AHP NaN", 0, 0);
    run3("fcvt h0, s1", FPCR_AHP, f2u(131008.0f), 0, 0);
    check_scalar(0x7fff, 0, "fcvt AHP max", 0, 0);
    run3("fcvt h0, s1", FPCR_AHP, f2u(131072.0f), 0, 0);
    check_scalar(0x7fff, FPSR_IOC, "fcvt AHP overflow", 0, 0);
    run3("fcvt s0, h1", FPCR_AHP, 0x7c00, 0, 0);
    check_scalar(f2u(65536.0f), 0, "fcvt from AHP", 0, 0);
    /* from half: every finite value exactly */
    for (uint32_t h = 0; h < 0x7c00; h += 0x1f1) {
        int e = (int)(h >> 10);
        double v = e ? ldexp(1.0 + (h & 0x3ff) / 1024.0, e - 15)
                     : ldexp((h & 0x3ff) / 1024.0, -14);
        run3("fcvt d0, h1", 0, h | 0x8000, 0, 0);
        check_scalar(d2u(-v), 0, "fcvt d0, h1", h, 0);
    }
    run3("fcvt s0, h1", 0, 0x7d01, 0, 0);
    check_scalar(0x7fe02000u, FPSR_IOC, "fcvt half sNaN", 0, 0);
}
END_TEST

START_TEST(test_frint)
{
    static const struct {
        const char *insn;
        uint32_t rm;
        double in, want;
        uint32_t flags;
    } cases[] = {
        {"frinta d0, d1", RN, 2.5, 3.0, 0},
        {"frinta d0, d1", RN, -2.5, -3.0, 0},
        {"frinta d0, d1", RN, 0.5, 1.0, 0},
        {"frinta d0, d1", RN, -0.4, -0.0, 0},
        {"frintn d0, d1", RP, 2.5, 2.0, 0},
        {"frintn d0, d1", RP, 3.5, 4.0, 0},
        {"frintp d0, d1", RN, -0.5, -0.0, 0},
        {"frintm d0, d1", RN, -0.5, -1.0, 0},
        {"frintz d0, d1", RN, -0.7, -0.0, 0},
        {"frintz d0, d1", RN, 1e300, 1e300, 0},
        {"frintx d0, d1", RN, 2.5, 2.0, FPSR_IXC},
        {"frintx d0, d1", RP, 2.1, 3.0, FPSR_IXC},
        {"frintx d0, d1", RN, 7.0, 7.0, 0},
        {"frinti d0, d1", RP, 2.1, 3.0, 0},
        {"frinti d0, d1", RM, -2.1, -3.0, 0},
        {"frinti d0, d1", RZ, -2.9, -2.0, 0},
        {"frinti d0, d1", RN, 4503599627370495.5, 4503599627370496.0, 0},
        {"frintx d0, d1", RN, -INFINITY, -INFINITY, 0},
    };
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run3(cases[i].insn, cases[i].rm << 22, d2u(cases[i].in), 0, 0);
        check_scalar(d2u(cases[i].want), cases[i].flags, cases[i].insn,
                     d2u(cases[i].in), cases[i].rm);
        if ((double)(float)cases[i].in == cases[i].in) {
            char text[32];
            snprintf(text, sizeof(text), "%s", cases[i].insn);
            text[7] = 's';
            text[11] = 's';
            run3(text, cases[i].rm << 22, f2u((float)cases[i].in), 0, 0);
            check_scalar(f2u((float)cases[i].want), cases[i].flags, text,
                         f2u((float)cases[i].in), cases[i].rm);
        }
    }
    run3("frintn s0, s1", 0, S_SNAN1, 0, 0);
    check_scalar(S_SNAN1 | 0x400000, FPSR_IOC, "frintn sNaN", 0, 0);
}
END_TEST

/* FJCVTZS: truncation modulo 2^32, Z when exact and in range. */
START_TEST(test_fjcvtzs)
{
    static const struct {
        double in;
        uint32_t want, z, flags;
    } cases[] = {
        {42.0, 42, 1, 0},
        {-42.0, (uint32_t)-42, 1, 0},
        {1.5, 1, 0, FPSR_IXC},
        {-1.5, (uint32_t)-1, 0, FPSR_IXC},
        {-0.0, 0, 0, 0},
        {0.0, 0, 1, 0},
        {-2147483648.0, 0x80000000u, 1, 0},
        {2147483648.0, 0x80000000u, 0, FPSR_IOC},
        {4294967301.0, 5, 0, FPSR_IOC},
        {-4294967301.5, (uint32_t)-5, 0, FPSR_IOC},
        {1e300, 0, 0, FPSR_IOC},
        {INFINITY, 0, 0, FPSR_IOC},
        {NAN, 0, 0, FPSR_IOC},
    };
    a64_start(_i);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        a64_cpu->xregs[0] = ~0ull;
        run3("fjcvtzs w0, d1", 0, d2u(cases[i].in), 0, 0);
        a64_assert_x(0, cases[i].want, "fjcvtzs");
        a64_assert_nzcv(cases[i].z ? 4 : 0, "fjcvtzs Z");
        ck_assert_msg(a64_cpu->fpsr == cases[i].flags, "fjcvtzs(%g) fpsr %#x",
                      cases[i].in, a64_cpu->fpsr);
    }
    run3("fjcvtzs w0, d1", FPCR_FZ, 1, 0, 0);
    a64_assert_nzcv(0, "fjcvtzs flushed denormal");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IDC);
}
END_TEST

/* ---- estimates: a transcription of the pseudocode ---- */

static int ref_recip_est(int a)
{
    a = a * 2 + 1;
    return ((1 << 19) / a + 1) / 2;
}

static int ref_rsqrt_est(int a)
{
    int b = 512;
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    while ((long long)a * (b + 1) * (b + 1) < (1ll << 28)) {
        b++;
    }
    return (b + 1) / 2;
}

/* FPRecipEstimate / FPRSqrtEstimate for normal single/double operands
 * (N = 32 or 64) away from the overflow and flush cases. */
static uint64_t ref_recpe(uint64_t op, int n)
{
    int fb = n == 32 ? 23 : 52, eb = n == 32 ? 8 : 11;
    uint64_t fraction = (op & ((1ull << fb) - 1)) << (52 - fb);
    int exp = (int)((op >> fb) & ((1u << eb) - 1));
    int rexp = (n == 32 ? 253 : 2045) - exp;
    uint64_t est = (uint64_t)ref_recip_est(256 | (int)(fraction >> 44));
    uint64_t sign = op >> (n - 1);
    fraction = (est & 0xff) << 44;
    return sign << (n - 1) | (uint64_t)rexp << fb | fraction >> (52 - fb);
}

static uint64_t ref_rsqrte(uint64_t op, int n)
{
    int fb = n == 32 ? 23 : 52, eb = n == 32 ? 8 : 11;
    uint64_t fraction = (op & ((1ull << fb) - 1)) << (52 - fb);
    int exp = (int)((op >> fb) & ((1u << eb) - 1));
    int scaled = (exp & 1) == 0 ? 256 | (int)(fraction >> 44)
                                : 128 | (int)(fraction >> 45);
    int rexp = ((n == 32 ? 380 : 3068) - exp) / 2;
    uint64_t est = (uint64_t)ref_rsqrt_est(scaled);
    return (uint64_t)rexp << fb | (est & 0xff) << (fb - 8);
}

START_TEST(test_estimates)
{
    a64_start(_i);
    rng_state = 0x0123456789abcdefull;
    for (int k = 0; k < 64; k++) {
        float f = rnd_float(60);
        double d = rnd_double(600);
        run3("frecpe s0, s1", 0, f2u(f), 0, 0);
        check_scalar(ref_recpe(f2u(f), 32), 0, "frecpe s", f2u(f), 0);
        run3("frecpe d0, d1", 0, d2u(d), 0, 0);
        check_scalar(ref_recpe(d2u(d), 64), 0, "frecpe d", d2u(d), 0);
        run3("frsqrte s0, s1", 0, f2u(fabsf(f)), 0, 0);
        check_scalar(ref_rsqrte(f2u(fabsf(f)), 32), 0, "frsqrte s",
                     f2u(fabsf(f)), 0);
        run3("frsqrte d0, d1", 0, d2u(fabs(d)), 0, 0);
        check_scalar(ref_rsqrte(d2u(fabs(d)), 64), 0, "frsqrte d", d2u(fabs(d)),
                     0);
    }
    /* the vector forms, lane by lane */
    a64_set_v(1, (uint64_t)f2u(3.0f) << 32 | f2u(0.75f), 0);
    a64_cpu->fpsr = 0;
    a64_run_asm("frecpe v0.2s, v1.2s");
    a64_assert_v(0, ref_recpe(f2u(3.0f), 32) << 32 | ref_recpe(f2u(0.75f), 32),
                 0, "frecpe v.2s");
    /* the special cases */
    run3("frecpe s0, s1", 0, 0x80000000u, 0, 0);
    check_scalar(0xff800000u, FPSR_DZC, "frecpe -0", 0, 0);
    run3("frecpe s0, s1", 0, 0x7f800000u, 0, 0);
    check_scalar(0, 0, "frecpe inf", 0, 0);
    run3("frecpe s0, s1", RZ << 22, 0x00000001u, 0, 0);
    check_scalar(0x7f7fffffu, FPSR_OFC | FPSR_IXC, "frecpe tiny RZ", 0, 0);
    run3("frecpe s0, s1", 0, 0x00200000u, 0, 0); /* 2^-128: denormal path */
    check_scalar(0x7f7f8000u, 0, "frecpe denormal", 0, 0);
    run3("frecpe s0, s1", FPCR_FZ, 0x7e800000u, 0, 0);
    check_scalar(0, FPSR_UFC, "frecpe FZ large", 0, 0);
    run3("frsqrte d0, d1", 0, d2u(-1.0), 0, 0);
    check_scalar(D_DNAN, FPSR_IOC, "frsqrte -1", 0, 0);
    run3("frsqrte s0, s1", 0, 0x80000000u, 0, 0);
    check_scalar(0xff800000u, FPSR_DZC, "frsqrte -0", 0, 0);
    run3("frsqrte s0, s1", 0, 0x00000001u, 0, 0);
    /* 2^-149: normalised to exp -22 (even), scaled 256, result exp 201 */
    check_scalar((uint64_t)201 << 23 | (uint64_t)(ref_rsqrt_est(256) & 0xff)
                                           << 15,
                 0, "frsqrte denormal", 0, 0);
    /* FRECPX */
    run3("frecpx d0, d1", 0, d2u(-3.0), 0, 0);
    check_scalar(0xbff0000000000000ull, 0, "frecpx -3", 0, 0);
    run3("frecpx s0, s1", 0, 0x00000005u, 0, 0);
    check_scalar(0x7f000000u, 0, "frecpx denormal", 0, 0);
    /* FRECPS / FRSQRTS: 2 - a * b, (3 - a * b) / 2 fused; 0 * inf. */
    run3("frecps s0, s1, s2", 0, f2u(1.5f), f2u(0.5f), 0);
    check_scalar(f2u(1.25f), 0, "frecps", 0, 0);
    run3("frecps s0, s1, s2", 0, f2u(INFINITY), 0, 0);
    check_scalar(f2u(2.0f), 0, "frecps inf*0", 0, 0);
    run3("frsqrts d0, d1, d2", 0, d2u(1.5), d2u(0.5), 0);
    check_scalar(d2u(1.125), 0, "frsqrts", 0, 0);
    run3("frsqrts d0, d1, d2", 0, 0, d2u(-INFINITY), 0);
    check_scalar(d2u(1.5), 0, "frsqrts 0*inf", 0, 0);
    run3("frecps s0, s1, s2", 0, S_QNAN1, f2u(1.0f), 0);
    check_scalar(S_QNAN1 ^ 0x80000000u, 0, "frecps negates n's NaN", 0, 0);
}
END_TEST

/* ---- moves and immediates ---- */

START_TEST(test_fmov)
{
    a64_start(_i);
    run3("fmov d0, #1.0", 0, 0, 0, 0);
    check_scalar(d2u(1.0), 0, "fmov #1.0", 0, 0);
    run3("fmov s0, #-0.125", 0, 0, 0, 0);
    check_scalar(f2u(-0.125f), 0, "fmov #-0.125", 0, 0);
    run3("fmov d0, #31.0", 0, 0, 0, 0);
    check_scalar(d2u(31.0), 0, "fmov #31", 0, 0);
    ck_assert_int_eq(a64_run_asm_excp("fmov h0, #1.5"), EXCP_A64_UNDEF);
    run3("fmov v0.4s, #2.5", 0, 0, 0, 0);
    a64_assert_v(0, (uint64_t)f2u(2.5f) * 0x100000001ull,
                 (uint64_t)f2u(2.5f) * 0x100000001ull, "fmov v.4s");
    run3("fmov v0.2s, #-3.0", 0, 0, 0, 0);
    a64_assert_v(0, (uint64_t)f2u(-3.0f) * 0x100000001ull, 0, "fmov v.2s");
    run3("fmov v0.2d, #0.1875", 0, 0, 0, 0);
    a64_assert_v(0, d2u(0.1875), d2u(0.1875), "fmov v.2d");
    run3("fmov s0, s1", 0, 0x1234567890abcdefull, 0, 0);
    check_scalar(0x90abcdefull, 0, "fmov s0, s1", 0, 0);
    run3("fmov d0, d1", 0, 0x1234567890abcdefull, 0, 0);
    check_scalar(0x1234567890abcdefull, 0, "fmov d0, d1", 0, 0);
    run3("fabs d0, d1", 0, d2u(-2.0), 0, 0);
    check_scalar(d2u(2.0), 0, "fabs", 0, 0);
    run3("fneg s0, s1", 0, S_SNAN1, 0, 0);
    check_scalar(S_SNAN1 ^ 0x80000000u, 0, "fneg sNaN: no exception", 0, 0);
    /* general registers */
    a64_cpu->xregs[1] = 0x1122334455667788ull;
    run3("fmov d0, x1", 0, 0, 0, 0);
    check_scalar(0x1122334455667788ull, 0, "fmov d0, x1", 0, 0);
    run3("fmov s0, w1", 0, 0, 0, 0);
    check_scalar(0x55667788ull, 0, "fmov s0, w1", 0, 0);
    run3("fmov x0, d1", 0, 0xa1a2a3a4a5a6a7a8ull, 0, 0);
    a64_assert_x(0, 0xa1a2a3a4a5a6a7a8ull, "fmov x0, d1");
    run3("fmov w0, s1", 0, 0xa1a2a3a4a5a6a7a8ull, 0, 0);
    a64_assert_x(0, 0xa5a6a7a8ull, "fmov w0, s1");
    a64_set_v(1, 1, 0xb1b2b3b4b5b6b7b8ull);
    a64_run_asm("fmov x0, v1.d[1]");
    a64_assert_x(0, 0xb1b2b3b4b5b6b7b8ull, "fmov x0, v1.d[1]");
    a64_set_v(0, 0x77, 0x88);
    a64_run_asm("fmov v0.d[1], x1");
    a64_assert_v(0, 0x77, 0x1122334455667788ull, "fmov v0.d[1], x1");
}
END_TEST

/* ---- Advanced SIMD ---- */

static void set_v4s(int r, float a, float b, float c, float d)
{
    a64_set_v(r, (uint64_t)f2u(b) << 32 | f2u(a),
              (uint64_t)f2u(d) << 32 | f2u(c));
}

START_TEST(test_vector_arith)
{
    static const char *const ops4s[] = {"fadd", "fsub", "fmul", "fdiv"};
    a64_start(_i);
    rng_state = 0xfeedfacecafebeefull;
    for (uint32_t rm = 0; rm < 4; rm++) {
        for (int op = 0; op < 4; op++) {
            float a[4], b[4], r[4];
            double da[2], db[2], dr[2];
            uint32_t fl;
            char text[64];
            for (int i = 0; i < 4; i++) {
                a[i] = rnd_float(20);
                b[i] = rnd_float(20);
            }
            for (int i = 0; i < 2; i++) {
                da[i] = rnd_double(200);
                db[i] = rnd_double(200);
            }
            fesetround(host_rm[rm]);
            feclearexcept(FE_ALL_EXCEPT);
            for (int i = 0; i < 4; i++) {
                r[i] = host_s(op, a[i], b[i], 0);
            }
            fl = host_flags();
            fesetround(FE_TONEAREST);
            set_v4s(1, a[0], a[1], a[2], a[3]);
            set_v4s(2, b[0], b[1], b[2], b[3]);
            a64_cpu->fpcr = rm << 22;
            a64_cpu->fpsr = 0;
            snprintf(text, sizeof(text), "%s v0.4s, v1.4s, v2.4s", ops4s[op]);
            a64_run_asm(text);
            a64_assert_v(0, (uint64_t)f2u(r[1]) << 32 | f2u(r[0]),
                         (uint64_t)f2u(r[3]) << 32 | f2u(r[2]), text);
            ck_assert_uint_eq(a64_cpu->fpsr, fl);
            snprintf(text, sizeof(text), "%s v0.2s, v1.2s, v2.2s", ops4s[op]);
            a64_run_asm(text);
            a64_assert_v(0, (uint64_t)f2u(r[1]) << 32 | f2u(r[0]), 0, text);

            fesetround(host_rm[rm]);
            for (int i = 0; i < 2; i++) {
                dr[i] = host_d(op, da[i], db[i], 0);
            }
            fesetround(FE_TONEAREST);
            a64_set_v(1, d2u(da[0]), d2u(da[1]));
            a64_set_v(2, d2u(db[0]), d2u(db[1]));
            snprintf(text, sizeof(text), "%s v0.2d, v1.2d, v2.2d", ops4s[op]);
            a64_run_asm(text);
            a64_assert_v(0, d2u(dr[0]), d2u(dr[1]), text);
        }
    }
    a64_cpu->fpcr = 0;
    /* FMLA/FMLS accumulate (fused); by element; FMULX; FABD */
    set_v4s(0, 1.0f, 2.0f, 3.0f, 4.0f);
    set_v4s(1, 2.0f, 3.0f, 4.0f, 5.0f);
    set_v4s(2, 10.0f, 20.0f, 30.0f, 40.0f);
    a64_run_asm("fmla v0.4s, v1.4s, v2.s[2]");
    a64_assert_v(0, (uint64_t)f2u(92.0f) << 32 | f2u(61.0f),
                 (uint64_t)f2u(154.0f) << 32 | f2u(123.0f), "fmla by elem");
    a64_run_asm("fmls v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(32.0f) << 32 | f2u(41.0f),
                 (uint64_t)f2u(-46.0f) << 32 | f2u(3.0f), "fmls");
    a64_run_asm("fmul v0.2s, v1.2s, v2.s[3]");
    a64_assert_v(0, (uint64_t)f2u(120.0f) << 32 | f2u(80.0f), 0,
                 "fmul by elem 2s");
    a64_set_v(1, d2u(1.5), d2u(-2.0));
    a64_set_v(2, d2u(4.0), d2u(INFINITY));
    a64_run_asm("fmulx v0.2d, v1.2d, v2.d[1]");
    a64_assert_v(0, d2u(INFINITY), d2u(-INFINITY), "fmulx by elem");
    a64_set_v(1, d2u(0.0), d2u(-2.0));
    a64_run_asm("fmulx v0.2d, v1.2d, v2.d[1]");
    a64_assert_v(0, d2u(2.0), d2u(-INFINITY), "fmulx 0*inf");
    a64_set_v(0, d2u(1.0), 0);
    a64_set_v(1, d2u(2.0), 0);
    a64_set_v(2, 0, d2u(3.0));
    a64_run_asm("fmla d0, d1, v2.d[1]");
    a64_assert_v(0, d2u(7.0), 0, "fmla scalar by elem");
    a64_run_asm("fabd d0, d1, d2");
    a64_assert_v(0, d2u(2.0), 0, "fabd scalar");
    /* lanes keep computing after a flagged one */
    set_v4s(1, 1.0f, 0.0f, 1.0f, 3.0f);
    set_v4s(2, 0.0f, 0.0f, 3.0f, 1.0f);
    a64_cpu->fpsr = 0;
    a64_run_asm("fdiv v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)S_DNAN << 32 | f2u(INFINITY),
                 (uint64_t)f2u(3.0f) << 32 | f2u(1.0f / 3.0f), "fdiv flags");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_DZC | FPSR_IOC | FPSR_IXC);
}
END_TEST

START_TEST(test_vector_pairwise)
{
    a64_start(_i);
    set_v4s(1, 1.0f, 2.0f, 3.0f, 4.0f);
    set_v4s(2, -1.0f, 8.0f, NAN, 5.0f);
    a64_run_asm("faddp v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(7.0f) << 32 | f2u(3.0f),
                 (uint64_t)S_DNAN << 32 | f2u(7.0f), "faddp 4s");
    a64_run_asm("fmaxp v0.2s, v1.2s, v2.2s");
    a64_assert_v(0, (uint64_t)f2u(8.0f) << 32 | f2u(2.0f), 0, "fmaxp 2s");
    a64_run_asm("fminnmp v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(3.0f) << 32 | f2u(1.0f),
                 (uint64_t)f2u(5.0f) << 32 | f2u(-1.0f), "fminnmp 4s");
    a64_run_asm("faddp s0, v1.2s");
    a64_assert_v(0, f2u(3.0f), 0, "faddp scalar s");
    a64_set_v(3, d2u(1.25), d2u(-7.0));
    a64_run_asm("fmaxnmp d0, v3.2d");
    a64_assert_v(0, d2u(1.25), 0, "fmaxnmp scalar d");
    a64_run_asm("fmaxv s0, v1.4s");
    a64_assert_v(0, f2u(4.0f), 0, "fmaxv");
    a64_run_asm("fminv s0, v2.4s");
    a64_assert_v(0, S_DNAN, 0, "fminv NaN");
    a64_run_asm("fminnmv s0, v2.4s");
    a64_assert_v(0, f2u(-1.0f), 0, "fminnmv");
    a64_run_asm("fmaxnmv s0, v2.4s");
    a64_assert_v(0, f2u(8.0f), 0, "fmaxnmv");
}
END_TEST

START_TEST(test_vector_misc)
{
    a64_start(_i);
    set_v4s(1, -1.5f, 2.5f, -0.0f, NAN);
    set_v4s(2, 1.0f, 2.5f, 0.0f, 1.0f);
    a64_run_asm("fcmeq v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, 0xffffffff00000000ull, 0x00000000ffffffffull, "fcmeq");
    a64_cpu->fpsr = 0;
    a64_run_asm("fcmge v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, 0xffffffff00000000ull, 0x00000000ffffffffull, "fcmge");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_IOC);
    a64_run_asm("facgt v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, 0x00000000ffffffffull, 0, "facgt");
    a64_run_asm("fcmlt v0.4s, v1.4s, #0.0");
    a64_assert_v(0, 0x00000000ffffffffull, 0, "fcmlt #0");
    a64_run_asm("fcmle v0.2s, v1.2s, #0.0");
    a64_assert_v(0, 0x00000000ffffffffull, 0, "fcmle #0 2s");
    a64_run_asm("fcmeq v0.4s, v1.4s, #0.0");
    a64_assert_v(0, 0, 0x00000000ffffffffull, "fcmeq #0");
    a64_run_asm("fabs v0.4s, v1.4s");
    a64_assert_v(0, (uint64_t)f2u(2.5f) << 32 | f2u(1.5f),
                 (uint64_t)(f2u(NAN) & 0x7fffffff) << 32, "fabs v");
    a64_run_asm("fneg v0.2s, v1.2s");
    a64_assert_v(0, (uint64_t)f2u(-2.5f) << 32 | f2u(1.5f), 0, "fneg v");
    a64_run_asm("frinta v0.4s, v1.4s");
    a64_assert_v(0, (uint64_t)f2u(3.0f) << 32 | f2u(-2.0f),
                 (uint64_t)S_DNAN << 32 | f2u(-0.0f), "frinta v");
    a64_run_asm("fcvtzs v0.4s, v1.4s");
    a64_assert_v(0, (uint64_t)2 << 32 | (uint32_t)-1, 0, "fcvtzs v");
    a64_run_asm("fcvtzs v0.4s, v1.4s, #2");
    a64_assert_v(0, (uint64_t)10 << 32 | (uint32_t)-6, 0, "fcvtzs v #2");
    a64_run_asm("fcvtzu s0, s1, #1");
    a64_assert_v(0, 0, 0, "fcvtzu scalar #1 negative");
    a64_set_v(3, (uint64_t)-3 << 32 | 7, (uint64_t)1 << 32 | 0x80000000u);
    a64_run_asm("scvtf v0.4s, v3.4s");
    a64_assert_v(0, (uint64_t)f2u(-3.0f) << 32 | f2u(7.0f),
                 (uint64_t)f2u(1.0f) << 32 | f2u(-2147483648.0f), "scvtf v");
    a64_run_asm("ucvtf v0.4s, v3.4s, #1");
    a64_assert_v(0, (uint64_t)f2u(2147483646.5f) << 32 | f2u(3.5f),
                 (uint64_t)f2u(0.5f) << 32 | f2u(1073741824.0f), "ucvtf v #1");
    a64_set_v(3, 5, (uint64_t)-8);
    a64_run_asm("scvtf v0.2d, v3.2d, #2");
    a64_assert_v(0, d2u(1.25), d2u(-2.0), "scvtf 2d #2");
    a64_run_asm("scvtf d0, d3, #2");
    a64_assert_v(0, d2u(1.25), 0, "scvtf scalar #2");
    a64_run_asm("ucvtf d0, d3");
    a64_assert_v(0, d2u(5.0), 0, "ucvtf scalar");
    a64_set_v(3, d2u(2.5), d2u(-2.5));
    a64_run_asm("fcvtns v0.2d, v3.2d");
    a64_assert_v(0, 2, (uint64_t)-2, "fcvtns 2d");
    a64_run_asm("fcvtau x0, d3; fcvtas d0, d3");
    a64_assert_x(0, 3, "fcvtau x0");
    a64_assert_v(0, 3, 0, "fcvtas scalar");
    a64_set_v(3, d2u(4.0), d2u(0.25));
    a64_run_asm("fsqrt v0.2d, v3.2d");
    a64_assert_v(0, d2u(2.0), d2u(0.5), "fsqrt 2d");
    a64_run_asm("frsqrte v0.2d, v3.2d");
    a64_assert_v(0, ref_rsqrte(d2u(4.0), 64), ref_rsqrte(d2u(0.25), 64),
                 "frsqrte 2d");
    /* FCVTL/FCVTN/FCVTXN */
    a64_set_v(3, 0x3c00bc00ull | (uint64_t)0x7bff4000 << 32,
              0x3800ull | (uint64_t)0xfc00 << 16);
    a64_run_asm("fcvtl v0.4s, v3.4h");
    a64_assert_v(0, (uint64_t)f2u(1.0f) << 32 | f2u(-1.0f),
                 (uint64_t)f2u(65504.0f) << 32 | f2u(2.0f), "fcvtl");
    a64_run_asm("fcvtl2 v0.4s, v3.8h");
    a64_assert_v(0, (uint64_t)f2u(-INFINITY) << 32 | f2u(0.5f), 0, "fcvtl2");
    a64_set_v(3, (uint64_t)f2u(-0.25f) << 32 | f2u(3.0f), 0);
    a64_run_asm("fcvtl v0.2d, v3.2s");
    a64_assert_v(0, d2u(3.0), d2u(-0.25), "fcvtl 2d");
    a64_set_v(3, d2u(1.0 + ldexp(1.0, -40)), d2u(1e300));
    a64_set_v(0, 0x1234, 0x5678);
    a64_cpu->fpsr = 0;
    a64_run_asm("fcvtn2 v0.4s, v3.2d");
    a64_assert_v(0, 0x1234, (uint64_t)f2u(INFINITY) << 32 | f2u(1.0f),
                 "fcvtn2");
    ck_assert_uint_eq(a64_cpu->fpsr, FPSR_OFC | FPSR_IXC);
    a64_run_asm("fcvtxn v0.2s, v3.2d");
    a64_assert_v(0, (uint64_t)0x7f7fffffu << 32 | 0x3f800001u, 0,
                 "fcvtxn rounds to odd");
    a64_run_asm("fcvtxn s0, d3");
    a64_assert_v(0, 0x3f800001u, 0, "fcvtxn scalar");
    set_v4s(3, 1.0f, -2.0f, 65520.0f, 0.5f);
    a64_run_asm("fcvtn v0.4h, v3.4s");
    a64_assert_v(0, 0x38007c00c0003c00ull, 0, "fcvtn 4h");
    /* FRECPS/FRSQRTS vector, FMAXNM/FMINNM vector */
    set_v4s(1, 1.5f, 2.0f, INFINITY, 1.0f);
    set_v4s(2, 0.5f, 2.0f, 0.0f, 3.0f);
    a64_run_asm("frecps v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(-2.0f) << 32 | f2u(1.25f),
                 (uint64_t)f2u(-1.0f) << 32 | f2u(2.0f), "frecps v");
    a64_run_asm("frsqrts v0.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(-0.5f) << 32 | f2u(1.125f),
                 (uint64_t)f2u(0.0f) << 32 | f2u(1.5f), "frsqrts v");
    a64_run_asm("fmaxnm v0.4s, v1.4s, v2.4s; fminnm v4.4s, v1.4s, v2.4s");
    a64_assert_v(0, (uint64_t)f2u(2.0f) << 32 | f2u(1.5f),
                 (uint64_t)f2u(3.0f) << 32 | f2u(INFINITY), "fmaxnm v");
    a64_assert_v(4, (uint64_t)f2u(2.0f) << 32 | f2u(0.5f),
                 (uint64_t)f2u(1.0f) << 32 | f2u(0.0f), "fminnm v");
    /* scalar three-same compare */
    a64_set_v(1, d2u(-3.0), 0);
    a64_set_v(2, d2u(2.0), 0);
    a64_run_asm("facge d0, d1, d2; fcmgt d4, d1, d2; fcmeq s5, s1, s1");
    a64_assert_v(0, ~0ull, 0, "facge scalar");
    a64_assert_v(4, 0, 0, "fcmgt scalar");
    a64_assert_v(5, 0xffffffff, 0, "fcmeq scalar s");
    a64_run_asm("fcmlt d0, d1, #0.0");
    a64_assert_v(0, ~0ull, 0, "fcmlt scalar #0");
}
END_TEST

/* Reserved or absent encodings are UNDEFINED. */
START_TEST(test_undef)
{
    static const char *const undef[] = {
        "fadd h0, h1, h2",          /* FEAT_FP16 not in the model */
        "fadd v0.4h, v1.4h, v2.4h", /* ditto */
        "fcvtzs w0, h1",
        ".inst 0x1e204000 | (2 << 22)",   /* ftype 10 */
        ".inst 0x0e60d400",               /* fadd .1d (sz=1, Q=0) */
        ".inst 0x1e180000 | (1 << 10)",   /* fcvtzs w0, s0, #63: scale < 32 */
        ".inst 0x6f00f400 & ~0x40000000", /* fmov v.1d: op=1, Q=0 */
        ".inst 0x1e634000",               /* FCVT to bf16 (opc 10) */
        "frint32z s0, s1",                /* FEAT_FRINTTS */
        ".inst 0x2e216800",               /* fcvtxn with sz = 0 */
    };
    /* Integer encodings that share this group's patterns are left to the
     * SIMD integer decoders, tried after this one: they must run (their
     * results are checked by test-a64-simd/simdx, which would fail if
     * this group's decoder took them). */
    static const char *const not_ours[] = {
        "cmgt v0.4s, v1.4s, #0",
        "urecpe v0.4s, v1.4s",
        "mul v0.4s, v1.4s, v2.s[1]",
        "sqdmulh s0, s1, v2.s[1]",
        "addp d0, v1.2d",
        "umaxv s0, v1.4s",
        "sshr v0.4s, v1.4s, #3",
        "movi v0.4s, #1",
        "add v0.4s, v1.4s, v2.4s",
    };
    a64_start(_i);
    for (size_t i = 0; i < sizeof(undef) / sizeof(undef[0]); i++) {
        a64_assert_excp(a64_run_asm_excp(undef[i]), EXCP_A64_UNDEF, undef[i]);
    }
    for (size_t i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++) {
        a64_assert_excp(a64_run_asm_excp(not_ours[i]), EXCP_A64_SVC,
                        not_ours[i]);
    }
}
END_TEST

/* Scalar half-precision arithmetic on a model with FEAT_FP16 (FPHP):
 * the same soft-float, with FZ16 flushing without IDC. */
START_TEST(test_half_arith)
{
    a64_start(_i);
    a64_cpu->features |= A64_FEAT_FPHP;
    run3("fadd h0, h1, h2", 0, 0x3c00, 0x3800, 0);
    check_scalar(0x3e00, 0, "fadd h", 0, 0);
    run3("fmul h0, h1, h2", 0, 0x7bff, 0x4000, 0);
    check_scalar(0x7c00, FPSR_OFC | FPSR_IXC, "fmul h overflow", 0, 0);
    run3("fmul h0, h1, h2", 0, 0x0400, 0x3800, 0);
    check_scalar(0x0200, 0, "fmul h exact subnormal", 0, 0);
    run3("fmul h0, h1, h2", FPCR_FZ16, 0x0400, 0x3800, 0);
    check_scalar(0x0000, FPSR_UFC, "fmul h FZ16", 0, 0);
    run3("fadd h0, h1, h2", FPCR_FZ16, 0x0001, 0x8000, 0);
    check_scalar(0x0000, 0, "fadd h FZ16 input: no IDC", 0, 0);
    run3("fadd h0, h1, h2", FPCR_FZ, 0x0001, 0x8000, 0);
    check_scalar(0x0001, 0, "fadd h: FZ does not apply", 0, 0);
    run3("fsqrt h0, h1", 0, 0x4400, 0, 0);
    check_scalar(0x4000, 0, "fsqrt h", 0, 0);
    run3("fmadd h0, h1, h2, h3", 0, 0x7d00, 0x3c00, 0x7e01);
    check_scalar(0x7f00, FPSR_IOC, "fmadd h sNaN", 0, 0);
    run3("fcvtzs w0, h1", 0, 0xd140, 0, 0);
    a64_assert_x(0, (uint32_t)-42, "fcvtzs w0, h1");
    a64_cpu->xregs[1] = 65519;
    run3("ucvtf h0, w1", 0, 0, 0, 0);
    check_scalar(0x7bff, FPSR_IXC, "ucvtf h", 0, 0);
    run3("fmov h0, #-2.0", 0, 0, 0, 0);
    check_scalar(0xc000, 0, "fmov h imm", 0, 0);
    run3("fmov w0, h1", 0, 0x12345678, 0, 0);
    a64_assert_x(0, 0x5678, "fmov w0, h1");
    run3("fcmp h1, h2", 0, 0x3c00, 0x4000, 0);
    a64_assert_nzcv(8, "fcmp h");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_host_arith,   test_nan_propagation, test_fma_special,
        test_underflow_fz, test_maxmin,          test_compare,
        test_to_int,       test_from_int,        test_fcvt,
        test_frint,        test_fjcvtzs,         test_estimates,
        test_fmov,         test_vector_arith,    test_vector_pairwise,
        test_vector_misc,  test_undef,           test_half_arith,
    };

    return a64_run_suite("aarch64-fp", tests, sizeof(tests) / sizeof(tests[0]),
                         A64_NCONFIGS)
               ? EXIT_FAILURE
               : EXIT_SUCCESS;
}

/*
 * Host floating point as a fast path for the guests' soft-float
 * (target/aarch64/softfloat.c, target/riscv/fpu_helper.c): one scalar
 * single or double operation run with the host's SSE/FMA instructions,
 * returning the bit pattern and the MXCSR exception flags it raised.
 *
 * x86-64 computes IEEE 754 results in round-to-nearest-even, so the
 * result is the guest's whenever the guest rounds to nearest even and
 * the case is not one where the architectures differ (NaN results,
 * tininess before/after rounding, flush-to-zero): the callers check the
 * flags and the result and fall back to their soft-float otherwise,
 * which then sets result and flags exactly.
 *
 * The host's MXCSR control bits are never changed: if they are not the
 * default (round to nearest, no FTZ/DAZ, all exceptions masked), which
 * only a test that calls fesetround() does, hf_run() reports HF_FAIL.
 * Only the sticky flag bits are cleared before an operation.
 *
 * Elsewhere (or with VEMU_HOST_FEATURES=none or -hardfloat, which the
 * tests use to run the soft-float alone) hf_host.on is false.
 */
#ifndef VEMU_TARGET_HARDFLOAT_H
#define VEMU_TARGET_HARDFLOAT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* MXCSR exception flags, and HF_FAIL: the host could not be used. */
enum {
    HF_IE = 0x01,
    HF_DE = 0x02,
    HF_ZE = 0x04,
    HF_OE = 0x08,
    HF_UE = 0x10,
    HF_PE = 0x20,
    HF_FAIL = 0x100,
};

/* Operations: a op b, sqrt(a), and c + a * b rounded once. */
enum { HF_ADD, HF_SUB, HF_MUL, HF_DIV, HF_SQRT, HF_FMA };

typedef struct HfHost {
    bool on;  /* use the host at all */
    bool fma; /* FMA3 usable (HF_FMA) */
} HfHost;

/* Set at start-up by hardfloat.c (a constructor); tests may flip it. */
extern HfHost hf_host;

/* Detect the host and read VEMU_HOST_FEATURES again. */
void hf_host_init(void);

#if defined(__x86_64__)

#define HF_MXCSR_DEFAULT 0x1f80u

/* Whether hf_run can do op (FMA needs the FMA3 extension). */
static inline bool hf_can(int op)
{
    return hf_host.on && (op != HF_FMA || hf_host.fma);
}

/* The operation in single (esz 2) or double (esz 3) precision on the low
 * bits of a, b, c; *res gets the result, zero-extended. Volatile asm
 * keeps the operation between the MXCSR accesses. */
static inline uint32_t hf_run(int op, int esz, uint64_t a, uint64_t b,
                              uint64_t c, uint64_t *res)
{
    uint32_t mx, clear = HF_MXCSR_DEFAULT;

    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    if ((mx & ~0x3fu) != HF_MXCSR_DEFAULT) {
        return HF_FAIL;
    }
    if (mx & 0x3f) {
        __asm__ volatile("ldmxcsr %0" : : "m"(clear));
    }
    if (esz == 3) {
        double x, y, z;
        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        memcpy(&z, &c, 8);
        switch (op) {
        case HF_ADD:
            __asm__ volatile("addsd %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_SUB:
            __asm__ volatile("subsd %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_MUL:
            __asm__ volatile("mulsd %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_DIV:
            __asm__ volatile("divsd %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_SQRT:
            __asm__ volatile("sqrtsd %0, %0" : "+x"(x));
            break;
        default:
            __asm__ volatile("vfmadd231sd %2, %1, %0"
                             : "+x"(z)
                             : "x"(x), "x"(y));
            x = z;
            break;
        }
        memcpy(res, &x, 8);
    } else {
        float x, y, z;
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c;
        uint32_t r32;
        memcpy(&x, &a32, 4);
        memcpy(&y, &b32, 4);
        memcpy(&z, &c32, 4);
        switch (op) {
        case HF_ADD:
            __asm__ volatile("addss %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_SUB:
            __asm__ volatile("subss %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_MUL:
            __asm__ volatile("mulss %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_DIV:
            __asm__ volatile("divss %1, %0" : "+x"(x) : "x"(y));
            break;
        case HF_SQRT:
            __asm__ volatile("sqrtss %0, %0" : "+x"(x));
            break;
        default:
            __asm__ volatile("vfmadd231ss %2, %1, %0"
                             : "+x"(z)
                             : "x"(x), "x"(y));
            x = z;
            break;
        }
        memcpy(&r32, &x, 4);
        *res = r32;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    return mx & 0x3f;
}

/*
 * The cheaper path for HF_ADD..HF_SQRT, used when the host has FMA3:
 * reading MXCSR costs several times the operation itself, so inexactness
 * is found arithmetically instead, with error-free transformations that
 * are exact in round-to-nearest: for a sum, r - x == y with |x| >= |y|
 * (Fast2Sum); for a product x * y - r, a quotient x - r * y and a root
 * x - r * r, computed with one fused multiply-add. These are exact only
 * away from the bottom of the exponent range, so results below
 * 2^(emin + p + 1), and dividends and radicands below 2^(emin + 2p + 1),
 * are refused, as are NaN and infinite results and zero results that
 * could be an underflow. What remains raises at most inexact.
 *
 * This relies on MXCSR's control bits being the default (vemu never
 * changes them; hf_host_init() refuses anything else, and tests that
 * call fesetround() restore round-to-nearest before running guest code).
 *
 * Returns -1 (use the soft-float), or whether the result is inexact.
 */
#define HF_QUICK(name, T, UT, fb, sfx)                                        \
    static inline int name(int op, uint64_t a, uint64_t b, uint64_t *res)     \
    {                                                                         \
        const UT sign = (UT)1 << (8 * sizeof(T) - 1);                         \
        const UT inf = (UT)((UT)~sign >> (fb)) << (fb);                       \
        const UT p = (fb) + 1;                                                \
        UT ua = (UT)a, ub = (UT)b, ur, mr;                                    \
        UT ma = ua & ~sign, mb = ub & ~sign;                                  \
        T x, y, r, t;                                                         \
        int inexact;                                                          \
                                                                              \
        if (op == HF_SUB) {                                                   \
            ub ^= sign;                                                       \
        }                                                                     \
        memcpy(&x, &ua, sizeof(T));                                           \
        memcpy(&y, &ub, sizeof(T));                                           \
        r = x;                                                                \
        switch (op) {                                                         \
        case HF_ADD:                                                          \
        case HF_SUB:                                                          \
            __asm__("add" sfx " %1, %0" : "+x"(r) : "x"(y));                  \
            break;                                                            \
        case HF_MUL:                                                          \
            __asm__("mul" sfx " %1, %0" : "+x"(r) : "x"(y));                  \
            break;                                                            \
        case HF_DIV:                                                          \
            __asm__("div" sfx " %1, %0" : "+x"(r) : "x"(y));                  \
            break;                                                            \
        default:                                                              \
            __asm__("sqrt" sfx " %0, %0" : "+x"(r));                          \
            break;                                                            \
        }                                                                     \
        memcpy(&ur, &r, sizeof(T));                                           \
        mr = ur & ~sign;                                                      \
        *res = ur;                                                            \
        if (mr == 0) {                                                        \
            /* a zero sum is exact; else only a zero operand gives one */    \
            return op <= HF_SUB || ma == 0 || (op == HF_MUL && mb == 0)       \
                       ? 0                                                    \
                       : -1;                                                  \
        }                                                                     \
        if (mr >= inf || (mr >> (fb)) < (op <= HF_SUB ? 2 : p + 2)) {         \
            return -1;                                                        \
        }                                                                     \
        switch (op) {                                                         \
        case HF_ADD:                                                          \
        case HF_SUB:                                                          \
            if (ma < mb) {                                                    \
                t = x;                                                        \
                x = y;                                                        \
                y = t;                                                        \
            }                                                                 \
            t = r;                                                            \
            __asm__("sub" sfx " %1, %0" : "+x"(t) : "x"(x));                  \
            inexact = t != y;                                                 \
            break;                                                            \
        case HF_MUL:                                                          \
            /* t = x * y - r */                                               \
            t = -r;                                                           \
            __asm__("vfmadd231" sfx " %2, %1, %0" : "+x"(t) : "x"(x), "x"(y)); \
            inexact = t != 0;                                                 \
            break;                                                            \
        case HF_DIV:                                                          \
            if ((ma >> (fb)) < 2 * p + 2) {                                   \
                return -1;                                                    \
            }                                                                 \
            /* t = x - r * y */                                               \
            t = x;                                                            \
            r = -r;                                                           \
            __asm__("vfmadd231" sfx " %2, %1, %0" : "+x"(t) : "x"(r), "x"(y)); \
            inexact = t != 0;                                                 \
            break;                                                            \
        default:                                                              \
            if ((ma >> (fb)) < 2 * p + 2) {                                   \
                return -1;                                                    \
            }                                                                 \
            /* t = x - r * r */                                               \
            t = x;                                                            \
            y = -r;                                                           \
            __asm__("vfmadd231" sfx " %2, %1, %0" : "+x"(t) : "x"(y), "x"(r)); \
            inexact = t != 0;                                                 \
            break;                                                            \
        }                                                                     \
        return inexact;                                                       \
    }

HF_QUICK(hf_quick_d, double, uint64_t, 52, "sd")
HF_QUICK(hf_quick_s, float, uint32_t, 23, "ss")

/* Whether hf_quick can do op. */
static inline bool hf_quick_can(int op)
{
    return hf_host.on && hf_host.fma && op != HF_FMA;
}

static inline int hf_quick(int op, int esz, uint64_t a, uint64_t b,
                           uint64_t *res)
{
    return esz == 3 ? hf_quick_d(op, a, b, res) : hf_quick_s(op, a, b, res);
}

#else

static inline bool hf_can(int op)
{
    (void)op;
    return false;
}

static inline uint32_t hf_run(int op, int esz, uint64_t a, uint64_t b,
                              uint64_t c, uint64_t *res)
{
    (void)op, (void)esz, (void)a, (void)b, (void)c;
    *res = 0;
    return HF_FAIL;
}

static inline bool hf_quick_can(int op)
{
    (void)op;
    return false;
}

static inline int hf_quick(int op, int esz, uint64_t a, uint64_t b,
                           uint64_t *res)
{
    (void)op, (void)esz, (void)a, (void)b;
    *res = 0;
    return -1;
}

#endif

#endif

/*
 * Operand generators for the differential tests of the host
 * floating-point fast path (target/hardfloat.h) against the soft-float:
 * raw single (esz 2) or double (esz 3) bit patterns that crowd the places
 * where host and guest could disagree: signed zeros, infinities, quiet
 * and signalling NaNs, denormals, the smallest and largest normals,
 * operands whose sum, product or quotient lands at the bottom of the
 * normal range (rounding up to the smallest normal) or at the overflow
 * threshold, cancelling sums, exact results. Header-only, on testrand.h.
 */
#ifndef VEMU_TESTS_FPGEN_H
#define VEMU_TESTS_FPGEN_H

#include <stdint.h>

#include "testrand.h"

typedef struct FpFormat {
    int fbits, ebits, bias;
} FpFormat;

static inline FpFormat fpg_fmt(int esz)
{
    return esz == 3 ? (FpFormat){52, 11, 1023} : (FpFormat){23, 8, 127};
}

static inline uint64_t fpg_pack(int esz, int sign, int64_t bexp, uint64_t frac)
{
    FpFormat f = fpg_fmt(esz);
    uint64_t emax = (1ull << f.ebits) - 1;

    /* Clamp into the encodable range; emax itself is inf/NaN. */
    bexp = bexp < 0 ? 0 : bexp > (int64_t)emax ? (int64_t)emax : bexp;
    return (uint64_t)(sign & 1) << (f.fbits + f.ebits) |
           (uint64_t)bexp << f.fbits | (frac & trng_mask(f.fbits));
}

static inline int fpg_bexp(int esz, uint64_t v)
{
    FpFormat f = fpg_fmt(esz);

    return (int)((v >> f.fbits) & trng_mask(f.ebits));
}

/* A fraction: random, near all-ones, near zero, or with few set bits (so
 * that results are often exact). */
static inline uint64_t fpg_frac(TestRng *r, int esz)
{
    FpFormat f = fpg_fmt(esz);
    uint64_t m = trng_mask(f.fbits);

    switch (trng_below(r, 6)) {
    case 0:
        return m - trng_below(r, 4);
    case 1:
        return trng_below(r, 4);
    case 2:
        return trng_next(r) & m & ~trng_mask(f.fbits - 4);
    case 3:
        return (trng_next(r) & m) | trng_mask(trng_below(r, 6));
    default:
        return trng_next(r) & m;
    }
}

/* A special or boundary value. */
static inline uint64_t fpg_edge(TestRng *r, int esz)
{
    FpFormat f = fpg_fmt(esz);
    int s = (int)trng_below(r, 2);
    int top = (1 << f.ebits) - 1;
    uint64_t m = trng_mask(f.fbits), q = 1ull << (f.fbits - 1);

    switch (trng_below(r, 16)) {
    case 0:
        return fpg_pack(esz, s, 0, 0);                    /* zero */
    case 1:
        return fpg_pack(esz, s, top, 0);                  /* inf */
    case 2:
        return fpg_pack(esz, s, top, q | (trng_next(r) & m)); /* qNaN */
    case 3:
        return fpg_pack(esz, s, top, 1 + trng_below(r, q - 1)); /* sNaN */
    case 4:
        return fpg_pack(esz, s, 0, 1);                    /* min denormal */
    case 5:
        return fpg_pack(esz, s, 0, m);                    /* max denormal */
    case 6:
        return fpg_pack(esz, s, 1, 0);                    /* min normal */
    case 7:
        return fpg_pack(esz, s, 1, trng_below(r, 3));
    case 8:
        return fpg_pack(esz, s, top - 1, m);              /* max normal */
    case 9:
        return fpg_pack(esz, s, top - 1, m - trng_below(r, 3));
    case 10:
        return fpg_pack(esz, s, f.bias, 0);               /* 1 */
    case 11:
        return fpg_pack(esz, s, f.bias - 1, m);           /* 1 - ulp/2 */
    case 12:
        return fpg_pack(esz, s, f.bias, 1);               /* 1 + ulp */
    case 13:
        return fpg_pack(esz, s, f.bias + 1, 0);           /* 2 */
    case 14:
        return fpg_pack(esz, s, f.bias - 1, 0);           /* 0.5 */
    default:
        return fpg_pack(esz, s, 0, trng_next(r) & m);     /* denormal */
    }
}

/* One operand on its own. */
static inline uint64_t fpg_one(TestRng *r, int esz)
{
    FpFormat f = fpg_fmt(esz);
    int s = (int)trng_below(r, 2);
    int top = (1 << f.ebits) - 1;

    switch (trng_below(r, 8)) {
    case 0:
        return trng_next(r) & trng_mask(8 << esz);
    case 1:
        return fpg_edge(r, esz);
    case 2: /* the bottom of the range */
        return fpg_pack(esz, s, trng_below(r, 4), fpg_frac(r, esz));
    case 3: /* the top of the range */
        return fpg_pack(esz, s, top - 1 - trng_below(r, 3), fpg_frac(r, esz));
    case 4: /* around 1 */
        return fpg_pack(esz, s, f.bias - 3 + trng_below(r, 7),
                        fpg_frac(r, esz));
    default: /* any normal */
        return fpg_pack(esz, s, 1 + trng_below(r, top - 1), fpg_frac(r, esz));
    }
}

/* A second operand b for a with a op b near a boundary when op is
 * 'm' (product), 'd' (quotient) or 'a' (sum), else independent. */
static inline uint64_t fpg_pair(TestRng *r, int esz, uint64_t a, char op)
{
    FpFormat f = fpg_fmt(esz);
    int s = (int)trng_below(r, 2);
    int ea = fpg_bexp(esz, a);
    int top = (1 << f.ebits) - 2;
    /* target biased exponent of the result: the smallest normals, or the
     * largest ones */
    int t = trng_chance(r, 2, 3) ? (int)trng_below(r, 4) - 1
                                 : top - 1 + (int)trng_below(r, 3);

    switch (trng_below(r, 3)) {
    case 0:
        return fpg_one(r, esz);
    case 1:
        if (op == 'm') {
            return fpg_pack(esz, s, t + f.bias - ea, fpg_frac(r, esz));
        }
        if (op == 'd') {
            return fpg_pack(esz, s, ea + f.bias - t, fpg_frac(r, esz));
        }
        if (op == 'a') {
            /* cancellation: -a nudged by a few units */
            return (a ^ (1ull << (f.fbits + f.ebits))) +
                   trng_below(r, 7) - 3;
        }
        return fpg_one(r, esz);
    default:
        /* same binade, or a few binades apart */
        return fpg_pack(esz, s, ea + (int)trng_below(r, 2 * f.fbits + 8) -
                                    f.fbits - 4,
                        fpg_frac(r, esz));
    }
}

#endif

/*
 * Deterministic random numbers for tests: xoshiro256** seeded through
 * splitmix64, plus generators of "interesting" integers that mix edge values
 * (0, +-1, the signed extremes, byte/half/word boundaries, shift counts
 * around the width, powers of two +-1) into uniform random values at a high
 * rate. Header-only so every test binary gets its own copy; the same seed
 * always gives the same sequence on every host.
 */
#ifndef VEMU_TESTS_TESTRAND_H
#define VEMU_TESTS_TESTRAND_H

#include <stdint.h>

typedef struct TestRng {
    uint64_t s[4];
} TestRng;

static inline uint64_t trng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void trng_seed(TestRng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = trng_splitmix(&x);
    }
}

static inline uint64_t trng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t trng_next(TestRng *r)
{
    uint64_t *s = r->s;
    uint64_t res = trng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = trng_rotl(s[3], 45);
    return res;
}

/* Uniform in [0, n); n > 0. The tiny modulo bias is irrelevant here. */
static inline uint64_t trng_below(TestRng *r, uint64_t n)
{
    return trng_next(r) % n;
}

/* True with probability num/den. */
static inline int trng_chance(TestRng *r, unsigned num, unsigned den)
{
    return trng_below(r, den) < num;
}

static inline uint64_t trng_mask(int bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* An edge value for a `bits`-wide operand (not masked). */
static inline uint64_t trng_edge_raw(TestRng *r, int bits)
{
    uint64_t min = 1ull << (bits - 1);
    int k = (int)trng_below(r, 64);
    switch (trng_below(r, 24)) {
    case 0:
        return 0;
    case 1:
        return 1;
    case 2:
        return ~0ull;
    case 3:
        return min;
    case 4:
        return min - 1;
    case 5:
        return min + 1;
    case 6:
        return (uint64_t)-2;
    case 7: {
        static const uint64_t bytes[] = {
            0x7f,       0x80,       0xff,       0x100,
            0x7fff,     0x8000,     0xffff,     0x10000,
            0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull};
        return bytes[trng_below(r, sizeof(bytes) / sizeof(bytes[0]))];
    }
    case 8: {
        /* Negative values of the narrow types, sign-extended. */
        static const uint64_t negs[] = {
            0xffffffffffffff80ull, 0xffffffffffff8000ull,
            0xffffffff80000000ull, 0xffffffffffffff7full,
            0xffffffffffff7fffull, 0xffffffff7fffffffull};
        return negs[trng_below(r, sizeof(negs) / sizeof(negs[0]))];
    }
    case 9: {
        /* Shift counts around the widths. */
        static const uint64_t counts[] = {7,  8,  15, 16, 31,  32,
                                          33, 63, 64, 65, 127, 128};
        return counts[trng_below(r, sizeof(counts) / sizeof(counts[0]))];
    }
    case 10:
        return (uint64_t)(bits - 1 + (int)trng_below(r, 3));
    case 11:
        return 1ull << k;
    case 12:
        return (1ull << k) - 1;
    case 13:
        return (1ull << k) + 1;
    case 14:
        return -(1ull << k);
    case 15:
        return ~(1ull << k);
    case 16:
        return trng_below(r, 300);
    case 17:
        return -trng_below(r, 300);
    case 18:
        /* Sparse bits. */
        return trng_next(r) & trng_next(r) & trng_next(r);
    case 19:
        /* Dense bits. */
        return trng_next(r) | trng_next(r) | trng_next(r);
    case 20:
        /* A value with only the low half set (sign-extension traps). */
        return trng_next(r) & 0xffffffffull;
    case 21:
        return trng_next(r) | 0xffffffff00000000ull;
    case 22:
        return 0xaaaaaaaaaaaaaaaaull >> (k & 1);
    default:
        return min ^ trng_below(r, 4);
    }
}

/* A `bits`-wide test value: about half edge values, half uniform. */
static inline uint64_t trng_value(TestRng *r, int bits)
{
    uint64_t v = trng_chance(r, 1, 2) ? trng_edge_raw(r, bits) : trng_next(r);
    return v & trng_mask(bits);
}

#endif

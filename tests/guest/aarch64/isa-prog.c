/*
 * One program, two implementations of every computation: built for
 * aarch64 it uses the instructions under test (inline assembly, ACLE and
 * NEON intrinsics, LSE atomics); built natively it uses plain C written
 * from the architecture's definitions. test-isa.py requires identical
 * output, so each printed line is a check of one instruction group with
 * edge values against an independent reference, run through glibc's real
 * start-up code (static and dynamic builds).
 */
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __aarch64__
#include <arm_acle.h>
#include <arm_neon.h>
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
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
    0xffffffff,
    0x100000000,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    ~0ull,
    ~1ull,
    0x0123456789abcdefull,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* A running digest of everything a section computes, printed per line. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

/* ---- integer: add with flags, conditional select, bit operations ---- */

static uint64_t adds_nzcv(uint64_t a, uint64_t b, uint64_t *res)
{
#ifdef __aarch64__
    uint64_t r, f;
    __asm__("adds %0, %2, %3\n\tmrs %1, nzcv"
            : "=&r"(r), "=r"(f)
            : "r"(a), "r"(b)
            : "cc");
    *res = r;
    return f >> 28;
#else
    uint64_t r = a + b;
    unsigned n = r >> 63, z = r == 0, c = r < a;
    unsigned v = ((~(a ^ b) & (a ^ r)) >> 63) & 1;
    *res = r;
    return n << 3 | z << 2 | c << 1 | v;
#endif
}

static uint32_t subs32_nzcv(uint32_t a, uint32_t b, uint32_t *res)
{
#ifdef __aarch64__
    uint32_t r;
    uint64_t f;
    __asm__("subs %w0, %w2, %w3\n\tmrs %1, nzcv"
            : "=&r"(r), "=r"(f)
            : "r"(a), "r"(b)
            : "cc");
    *res = r;
    return (uint32_t)(f >> 28);
#else
    uint32_t r = a - b;
    unsigned n = r >> 31, z = r == 0, c = a >= b;
    unsigned v = (((a ^ b) & (a ^ r)) >> 31) & 1;
    *res = r;
    return n << 3 | z << 2 | c << 1 | v;
#endif
}

static uint64_t rbit64(uint64_t x)
{
#ifdef __aarch64__
    uint64_t r;
    __asm__("rbit %0, %1" : "=r"(r) : "r"(x));
    return r;
#else
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r |= ((x >> i) & 1) << (63 - i);
    }
    return r;
#endif
}

static uint64_t cls64(uint64_t x)
{
#ifdef __aarch64__
    uint64_t r;
    __asm__("cls %0, %1" : "=r"(r) : "r"(x));
    return r;
#else
    uint64_t n = 0;
    for (int i = 62; i >= 0 && ((x >> i) & 1) == (x >> 63); i--) {
        n++;
    }
    return n;
#endif
}

static int64_t sdiv64(int64_t a, int64_t b)
{
#ifdef __aarch64__
    int64_t r;
    __asm__("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    if (b == 0) {
        return 0;
    }
    if (a == INT64_MIN && b == -1) {
        return INT64_MIN;
    }
    return a / b;
#endif
}

static uint64_t umulh(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static void section_integer(void)
{
    uint64_t h = 0;

    for (size_t i = 0; i < NEDGES; i++) {
        for (size_t j = 0; j < NEDGES; j++) {
            uint64_t a = edges[i], b = edges[j], r;
            uint32_t r32;
            h = mix(h, adds_nzcv(a, b, &r));
            h = mix(h, r);
            h = mix(h, subs32_nzcv((uint32_t)a, (uint32_t)b, &r32));
            h = mix(h, r32);
            h = mix(h, (uint64_t)sdiv64((int64_t)a, (int64_t)b));
            h = mix(h, b ? a / b : 0);
            h = mix(h, umulh(a, b));
            h = mix(h, (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64));
        }
        h = mix(h, rbit64(edges[i]));
        h = mix(h, cls64(edges[i]));
        h = mix(h, edges[i] ? (uint64_t)__builtin_clzll(edges[i]) : 64);
        h = mix(h, __builtin_bswap64(edges[i]));
        h = mix(h, (uint64_t)__builtin_popcountll(edges[i]));
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t a = next(), b = next() >> (next() & 63), r;
        h = mix(h, adds_nzcv(a, b, &r) ^ r);
        h = mix(h, (uint64_t)sdiv64((int64_t)a, (int64_t)b));
        h = mix(h, umulh(a, b) + (a % (b | 1)));
        h = mix(h, (a << (b & 63)) ^ (a >> (b & 63)) ^
                       (uint64_t)((int64_t)a >> (b & 63)));
    }
    printf("integer %016" PRIx64 "\n", h);
}

/* ---- CRC32 (CRC32X/CRC32CX etc. through ACLE) ---- */

static uint32_t crc_ref(uint32_t crc, const uint8_t *p, size_t n, uint32_t poly)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (poly & -(crc & 1));
        }
    }
    return crc;
}

static void section_crc(void)
{
    uint8_t buf[1031];
    uint32_t c = ~0u, cc = ~0u;

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)next();
    }
#if defined(__aarch64__)
    size_t i = 0;
    for (; i + 8 <= sizeof(buf); i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        c = __crc32d(c, w);
        cc = __crc32cd(cc, w);
    }
    for (; i < sizeof(buf); i++) {
        c = __crc32b(c, buf[i]);
        cc = __crc32cb(cc, buf[i]);
    }
    c = __crc32h(__crc32w(c, 0xdeadbeef), 0x1234);
    cc = __crc32ch(__crc32cw(cc, 0xdeadbeef), 0x1234);
#else
    uint8_t tail[6] = {0xef, 0xbe, 0xad, 0xde, 0x34, 0x12};
    c = crc_ref(c, buf, sizeof(buf), 0xedb88320u);
    cc = crc_ref(cc, buf, sizeof(buf), 0x82f63b78u);
    c = crc_ref(c, tail, 6, 0xedb88320u);
    cc = crc_ref(cc, tail, 6, 0x82f63b78u);
#endif
    printf("crc32 %08x crc32c %08x\n", ~c, ~cc);
}

/* ---- floating point in every rounding mode ---- */

static void section_fp(void)
{
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD,
                                FE_TOWARDZERO};
    static const char *const names[] = {"rn", "rp", "rm", "rz"};
    volatile double d[] = {1.0,
                           3.0,
                           -7.5,
                           0.1,
                           1e308,
                           1e-308,
                           4.9e-324,
                           -0.0,
                           2.5,
                           -2.5,
                           0.5,
                           1.5,
                           123456789.987654321};
    volatile float f[] = {1.0f,  3.0f, -7.5f, 0.1f, 3e38f, 1e-38f,     1.4e-45f,
                          -0.0f, 2.5f, -2.5f, 0.5f, 1.5f,  16777217.0f};
    const int n = sizeof(d) / sizeof(d[0]);

    for (int m = 0; m < 4; m++) {
        uint64_t h = 0;
        fesetround(modes[m]);
        feclearexcept(FE_ALL_EXCEPT);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = d[i], y = d[j];
                float a = f[i], b = f[j];
                double r[5] = {x + y, x - y, x * y, y != 0 ? x / y : 0,
                               fma(x, y, x)};
                float s[5] = {a + b, a - b, a * b, b != 0 ? a / b : 0,
                              fmaf(a, b, a)};
                for (int k = 0; k < 5; k++) {
                    uint64_t u;
                    uint32_t v;
                    memcpy(&u, &r[k], 8);
                    memcpy(&v, &s[k], 4);
                    h = mix(h, u);
                    h = mix(h, v);
                }
            }
            double sq = sqrt(fabs(d[i]));
            float sf = sqrtf(fabsf(f[i]));
            float cvt = (float)d[i];
            uint64_t u;
            uint32_t v;
            memcpy(&u, &sq, 8);
            h = mix(h, u);
            memcpy(&v, &sf, 4);
            h = mix(h, v);
            memcpy(&v, &cvt, 4);
            h = mix(h, v);
            h = mix(h,
                    (uint64_t)llrint(d[i] < 1e18 && d[i] > -1e18 ? d[i] : 0));
            h = mix(h, (uint64_t)(int64_t)nearbyint(
                           d[i] < 1e18 && d[i] > -1e18 ? d[i] : 0));
            h = mix(
                h, (uint64_t)(int64_t)(d[i] < 1e18 && d[i] > -1e18 ? d[i] : 0));
        }
        int ex = fetestexcept(FE_ALL_EXCEPT);
        printf("fp-%s %016" PRIx64 " flags%s%s%s%s%s\n", names[m], h,
               ex & FE_INVALID ? " invalid" : "",
               ex & FE_DIVBYZERO ? " divbyzero" : "",
               ex & FE_OVERFLOW ? " overflow" : "",
               ex & FE_UNDERFLOW ? " underflow" : "",
               ex & FE_INEXACT ? " inexact" : "");
    }
    fesetround(FE_TONEAREST);
}

/* ---- Advanced SIMD integer ---- */

static void section_simd(void)
{
    uint8_t a[16], b[16];
#ifdef __aarch64__
    uint8_t out[16];
#endif
    uint64_t h = 0;

    for (int iter = 0; iter < 2000; iter++) {
        for (int i = 0; i < 16; i++) {
            a[i] = (uint8_t)next();
            b[i] = (uint8_t)(iter < 16 ? edges[iter % NEDGES] >> i : next());
        }
#ifdef __aarch64__
        uint8x16_t va = vld1q_u8(a), vb = vld1q_u8(b);
        vst1q_u8(out, vqaddq_u8(va, vb));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vreinterpretq_u8_s8(vqsubq_s8(vreinterpretq_s8_u8(va),
                                                    vreinterpretq_s8_u8(vb))));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vreinterpretq_u8_u16(
                          vmull_u8(vget_low_u8(va), vget_low_u8(vb))));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vreinterpretq_u8_u16(vmull_high_u8(va, vb)));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vabdq_u8(va, vb));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vcntq_u8(va));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vqtbl1q_u8(va, vandq_u8(vb, vdupq_n_u8(31))));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vzip1q_u8(va, vb));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vextq_u8(va, vb, 5));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        h = mix(h, vaddvq_u8(va));
        h = mix(h, vmaxvq_u8(vb));
        vst1q_u8(out, vreinterpretq_u8_s16(
                          vrshrq_n_s16(vreinterpretq_s16_u8(va), 3)));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vceqq_u8(va, vb));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
        vst1q_u8(out, vreinterpretq_u8_u32(vmlaq_u32(
                          vreinterpretq_u32_u8(va), vreinterpretq_u32_u8(vb),
                          vreinterpretq_u32_u8(va))));
        for (int i = 0; i < 16; i++)
            h = mix(h, out[i]);
#else
        for (int i = 0; i < 16; i++) {
            int s = a[i] + b[i];
            h = mix(h, s > 255 ? 255 : s);
        }
        for (int i = 0; i < 16; i++) {
            int s = (int8_t)a[i] - (int8_t)b[i];
            h = mix(h, (uint8_t)(s > 127 ? 127 : s < -128 ? -128 : s));
        }
        for (int half = 0; half < 2; half++) {
            for (int i = 0; i < 8; i++) {
                uint16_t p = (uint16_t)(a[half * 8 + i] * b[half * 8 + i]);
                h = mix(h, p & 0xff);
                h = mix(h, p >> 8);
            }
        }
        for (int i = 0; i < 16; i++)
            h = mix(h, a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
        for (int i = 0; i < 16; i++)
            h = mix(h, (uint64_t)__builtin_popcount(a[i]));
        for (int i = 0; i < 16; i++) {
            unsigned k = b[i] & 31;
            h = mix(h, k < 16 ? a[k] : 0);
        }
        for (int i = 0; i < 16; i++)
            h = mix(h, (i & 1) ? b[i / 2] : a[i / 2]);
        for (int i = 0; i < 16; i++)
            h = mix(h, i + 5 < 16 ? a[i + 5] : b[i - 11]);
        unsigned sum = 0, mx = 0;
        for (int i = 0; i < 16; i++) {
            sum += a[i];
            mx = b[i] > mx ? b[i] : mx;
        }
        h = mix(h, sum & 0xff);
        h = mix(h, mx);
        for (int i = 0; i < 8; i++) {
            int16_t v = (int16_t)(a[2 * i] | a[2 * i + 1] << 8);
            int16_t r = (int16_t)((v + 4) >> 3);
            h = mix(h, (uint8_t)r);
            h = mix(h, (uint8_t)((uint16_t)r >> 8));
        }
        for (int i = 0; i < 16; i++)
            h = mix(h, a[i] == b[i] ? 0xff : 0);
        for (int i = 0; i < 4; i++) {
            uint32_t x, y, r;
            memcpy(&x, a + 4 * i, 4);
            memcpy(&y, b + 4 * i, 4);
            r = x + y * x;
            for (int k = 0; k < 4; k++)
                h = mix(h, (r >> (8 * k)) & 0xff);
        }
#endif
    }
    printf("simd %016" PRIx64 "\n", h);
}

/* ---- atomics (LSE with -march=armv8.1-a, exclusives otherwise) ---- */

static void section_atomics(void)
{
    uint64_t x = 5, h = 0;
    uint32_t w = 0xfffffff0u;
    uint16_t s16 = 0x7fff;

    for (int i = 0; i < 100; i++) {
        h = mix(h, __atomic_fetch_add(&x, (uint64_t)i * 0x1234567,
                                      __ATOMIC_SEQ_CST));
        h = mix(h, __atomic_fetch_xor(&w, (uint32_t)next(), __ATOMIC_ACQ_REL));
        h = mix(h,
                __atomic_fetch_and(&x, ~(1ull << (i % 64)), __ATOMIC_RELAXED));
        h = mix(h, __atomic_fetch_or(&s16, (uint16_t)(1u << (i % 16)),
                                     __ATOMIC_RELEASE));
        uint64_t expect = x ^ (i & 1);
        h = mix(h, __atomic_compare_exchange_n(&x, &expect, expect * 3, 0,
                                               __ATOMIC_SEQ_CST,
                                               __ATOMIC_SEQ_CST));
        h = mix(h, expect);
        h = mix(h, __atomic_exchange_n(&w, w + 7, __ATOMIC_SEQ_CST));
    }
    printf("atomics %016" PRIx64 " %016" PRIx64 " %08x %04x\n", h, x, w, s16);
}

int main(void)
{
    section_integer();
    section_crc();
    section_fp();
    section_simd();
    section_atomics();
    return 0;
}

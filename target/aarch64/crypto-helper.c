/*
 * aarch64 cryptographic extension helpers, called by trans-crypto.c.inc:
 * the AES round steps, the SHA-1/SHA-256/SHA-512 partial rounds and
 * message-schedule steps, and the 64x64->128-bit polynomial multiply
 * (PMULL/PMULL2 .1q). Each works on env->vregs in place and reads all of
 * its inputs before writing Vd, which may also be a source.
 *
 * The portable code follows the Arm ARM pseudocode (AES through the
 * S-box tables and xtime, SHA as its shared procedures). On x86-64 hosts
 * with AES-NI and PCLMULQDQ, AES and PMULL use those instead, chosen once
 * at start (VEMU_HOST_FEATURES -aes, -pclmul or none turns them off);
 * a64_crypto_force_portable() lets the tests run both.
 */
#include <stdbool.h>
#include <string.h>

#include "target/aarch64/cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "tcg/x86_64/host-features.h"
#endif

static const uint8_t aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b,
    0xfe, 0xd7, 0xab, 0x76, 0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0,
    0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26,
    0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2,
    0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0,
    0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed,
    0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f,
    0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
    0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec,
    0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14,
    0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c,
    0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d,
    0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f,
    0x4b, 0xbd, 0x8b, 0x8a, 0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e,
    0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1, 0xf8, 0x98, 0x11,
    0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f,
    0xb0, 0x54, 0xbb, 0x16,
};

static const uint8_t aes_inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e,
    0x81, 0xf3, 0xd7, 0xfb, 0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87,
    0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb, 0x54, 0x7b, 0x94, 0x32,
    0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49,
    0x6d, 0x8b, 0xd1, 0x25, 0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16,
    0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92, 0x6c, 0x70, 0x48, 0x50,
    0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05,
    0xb8, 0xb3, 0x45, 0x06, 0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02,
    0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b, 0x3a, 0x91, 0x11, 0x41,
    0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8,
    0x1c, 0x75, 0xdf, 0x6e, 0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89,
    0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b, 0xfc, 0x56, 0x3e, 0x4b,
    0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59,
    0x27, 0x80, 0xec, 0x5f, 0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d,
    0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef, 0xa0, 0xe0, 0x3b, 0x4d,
    0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63,
    0x55, 0x21, 0x0c, 0x7d,
};

/* ---- host fast paths, chosen once ---- */

static bool use_aesni;
static bool use_pclmul;

#if defined(__x86_64__)
__attribute__((constructor)) static void crypto_detect_host(void)
{
    /* SSE2, which the AES-NI paths also use, is the x86-64 baseline. */
    struct x86_features f;
    x86_features_host(&f);
    x86_features_apply_env(&f);
    use_aesni = f.aes;
    use_pclmul = f.pclmul;
}
#endif

/* Test hook: force the portable C paths (on) or restore the host's
 * choice (off). Not for use while guest code runs on another thread. */
void a64_crypto_force_portable(bool on)
{
#if defined(__x86_64__)
    if (on) {
        use_aesni = false;
        use_pclmul = false;
    } else {
        crypto_detect_host();
    }
#else
    (void)on;
#endif
}

/* ---- AES ---- */

static uint8_t xtime(uint8_t x)
{
    return (uint8_t)((x << 1) ^ ((x >> 7) * 0x1b));
}

static uint8_t gf_mul(uint8_t x, uint8_t k)
{
    uint8_t r = 0;

    for (; k; k >>= 1) {
        if (k & 1) {
            r ^= x;
        }
        x = xtime(x);
    }
    return r;
}

/*
 * SubBytes(ShiftRows(in)) or, with inv, InvSubBytes(InvShiftRows(in)).
 * Byte r + 4c of the register is state row r, column c (FIPS-197 order);
 * ShiftRows takes row r from r columns to the right, its inverse from
 * the left, and commutes with the bytewise S-box.
 */
static void aes_sub_shift(uint8_t out[16], const uint8_t in[16], bool inv)
{
    const uint8_t *box = inv ? aes_inv_sbox : aes_sbox;

    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            int src = inv ? (c - r) & 3 : (c + r) & 3;
            out[r + 4 * c] = box[in[r + 4 * src]];
        }
    }
}

/* MixColumns (coefficients 2 3 1 1) or InvMixColumns (e b d 9). */
static void aes_mix(uint8_t out[16], const uint8_t in[16], bool inv)
{
    for (int c = 0; c < 4; c++) {
        const uint8_t *a = in + 4 * c;
        for (int r = 0; r < 4; r++) {
            uint8_t a0 = a[r], a1 = a[(r + 1) & 3], a2 = a[(r + 2) & 3];
            uint8_t a3 = a[(r + 3) & 3];
            if (inv) {
                out[4 * c + r] = gf_mul(a0, 0x0e) ^ gf_mul(a1, 0x0b) ^
                                 gf_mul(a2, 0x0d) ^ gf_mul(a3, 0x09);
            } else {
                out[4 * c + r] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3;
            }
        }
    }
}

#if defined(__x86_64__)
/*
 * AES-NI identities: AESENCLAST(s, k) = ShiftRows(SubBytes(s)) ^ k, so
 * AESE is AESENCLAST(d ^ n, 0) and AESD likewise with AESDECLAST;
 * MixColumns alone is AESENC applied after undoing its SubBytes and
 * ShiftRows with AESDECLAST; AESIMC is InvMixColumns. x86 numbers the
 * state bytes as FIPS-197 does, like the Arm register.
 */
__attribute__((target("aes,sse2"))) static void
aes_host(AArch64Vec *d, const AArch64Vec *n, int op)
{
    __m128i x = _mm_loadu_si128((const __m128i *)n);
    __m128i zero = _mm_setzero_si128();

    switch (op) {
    case 0:
        x = _mm_aesenclast_si128(
            _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)d)), zero);
        break;
    case 1:
        x = _mm_aesdeclast_si128(
            _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)d)), zero);
        break;
    case 2:
        x = _mm_aesenc_si128(_mm_aesdeclast_si128(x, zero), zero);
        break;
    default:
        x = _mm_aesimc_si128(x);
        break;
    }
    _mm_storeu_si128((__m128i *)d, x);
}
#endif

/* op: 0 AESE, 1 AESD, 2 AESMC, 3 AESIMC. */
static void aes_op(AArch64CPU *env, uint64_t rd, uint64_t rn, int op)
{
    AArch64Vec *d = &env->vregs[rd];
    AArch64Vec in = env->vregs[rn];

#if defined(__x86_64__)
    if (use_aesni) {
        aes_host(d, &in, op);
        return;
    }
#endif
    if (op < 2) {
        in.d[0] ^= d->d[0];
        in.d[1] ^= d->d[1];
        aes_sub_shift(d->b, in.b, op == 1);
    } else {
        aes_mix(d->b, in.b, op == 3);
    }
}

static void helper_aese(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    aes_op(env, rd, rn, 0);
}

static void helper_aesd(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    aes_op(env, rd, rn, 1);
}

static void helper_aesmc(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    aes_op(env, rd, rn, 2);
}

static void helper_aesimc(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    aes_op(env, rd, rn, 3);
}

/* ---- SHA-1 and SHA-256 (32-bit lanes) ---- */

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> ((32 - n) & 31));
}

static uint32_t ror32(uint32_t x, int n)
{
    return (x >> n) | (x << ((32 - n) & 31));
}

static uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z)
{
    return ((y ^ z) & x) ^ z;
}

static uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | ((x | y) & z);
}

static uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z)
{
    return x ^ y ^ z;
}

/*
 * SHA1C/SHA1P/SHA1M: four rounds on abcd (Vd, a in lane 0) and e (Sn)
 * with the four W+K values of Vm; the 160-bit e:abcd rotates by one
 * lane per round, so the result abcd lands in Vd.
 */
static void sha1_rounds(AArch64CPU *env, uint64_t rd, uint64_t rn, uint64_t rm,
                        uint32_t (*f)(uint32_t, uint32_t, uint32_t))
{
    uint32_t x[4], y = env->vregs[rn].s[0];
    AArch64Vec w = env->vregs[rm];

    memcpy(x, env->vregs[rd].s, sizeof(x));
    for (int e = 0; e < 4; e++) {
        uint32_t t = f(x[1], x[2], x[3]);
        uint32_t top;
        y += rol32(x[0], 5) + t + w.s[e];
        x[1] = rol32(x[1], 30);
        top = x[3];
        x[3] = x[2];
        x[2] = x[1];
        x[1] = x[0];
        x[0] = y;
        y = top;
    }
    memcpy(env->vregs[rd].s, x, sizeof(x));
}

static void helper_sha1c(AArch64CPU *env, uint64_t rd, uint64_t rn, uint64_t rm)
{
    sha1_rounds(env, rd, rn, rm, sha_choose);
}

static void helper_sha1p(AArch64CPU *env, uint64_t rd, uint64_t rn, uint64_t rm)
{
    sha1_rounds(env, rd, rn, rm, sha_parity);
}

static void helper_sha1m(AArch64CPU *env, uint64_t rd, uint64_t rn, uint64_t rm)
{
    sha1_rounds(env, rd, rn, rm, sha_majority);
}

/* SHA1SU0: (Vn<63:0>:Vd<127:64>) ^ Vd ^ Vm. */
static void helper_sha1su0(AArch64CPU *env, uint64_t rd, uint64_t rn,
                           uint64_t rm)
{
    AArch64Vec *d = &env->vregs[rd];
    uint64_t lo = d->d[1] ^ d->d[0] ^ env->vregs[rm].d[0];
    uint64_t hi = env->vregs[rn].d[0] ^ d->d[1] ^ env->vregs[rm].d[1];

    d->d[0] = lo;
    d->d[1] = hi;
}

/* SHA1H: Sd = ROL(Sn, 30), the rest of Vd zero. */
static void helper_sha1h(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    uint32_t v = rol32(env->vregs[rn].s[0], 30);

    env->vregs[rd].d[0] = v;
    env->vregs[rd].d[1] = 0;
}

/* SHA1SU1: T = Vd ^ (Vn >> 32); each lane rotated by 1, and lane 3 also
 * takes lane 0's new value (W[t-3] for the fourth word is the first). */
static void helper_sha1su1(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    const AArch64Vec *n = &env->vregs[rn];
    AArch64Vec *d = &env->vregs[rd];
    uint32_t t[4];

    t[0] = d->s[0] ^ n->s[1];
    t[1] = d->s[1] ^ n->s[2];
    t[2] = d->s[2] ^ n->s[3];
    t[3] = d->s[3];
    d->s[0] = rol32(t[0], 1);
    d->s[1] = rol32(t[1], 1);
    d->s[2] = rol32(t[2], 1);
    d->s[3] = rol32(t[3], 1) ^ rol32(t[0], 2);
}

/*
 * SHA256hash of the Arm ARM: four rounds on abcd (x) and efgh (y), lane
 * 0 holding a and e; each round the 256-bit y:x rotates by one lane.
 * SHA256H returns the new abcd, SHA256H2 the new efgh.
 */
static void sha256_hash(uint32_t x[4], uint32_t y[4], const uint32_t w[4])
{
    for (int e = 0; e < 4; e++) {
        uint32_t chs = sha_choose(y[0], y[1], y[2]);
        uint32_t maj = sha_majority(x[0], x[1], x[2]);
        uint32_t s1 = ror32(y[0], 6) ^ ror32(y[0], 11) ^ ror32(y[0], 25);
        uint32_t s0 = ror32(x[0], 2) ^ ror32(x[0], 13) ^ ror32(x[0], 22);
        uint32_t t = y[3] + s1 + chs + w[e];
        uint32_t xtop = x[3] + t;
        uint32_t ytop = t + s0 + maj;
        x[3] = x[2];
        x[2] = x[1];
        x[1] = x[0];
        x[0] = ytop;
        y[3] = y[2];
        y[2] = y[1];
        y[1] = y[0];
        y[0] = xtop;
    }
}

static void helper_sha256h(AArch64CPU *env, uint64_t rd, uint64_t rn,
                           uint64_t rm)
{
    uint32_t x[4], y[4], w[4];

    memcpy(x, env->vregs[rd].s, sizeof(x));
    memcpy(y, env->vregs[rn].s, sizeof(y));
    memcpy(w, env->vregs[rm].s, sizeof(w));
    sha256_hash(x, y, w);
    memcpy(env->vregs[rd].s, x, sizeof(x));
}

static void helper_sha256h2(AArch64CPU *env, uint64_t rd, uint64_t rn,
                            uint64_t rm)
{
    uint32_t x[4], y[4], w[4];

    memcpy(x, env->vregs[rn].s, sizeof(x));
    memcpy(y, env->vregs[rd].s, sizeof(y));
    memcpy(w, env->vregs[rm].s, sizeof(w));
    sha256_hash(x, y, w);
    memcpy(env->vregs[rd].s, y, sizeof(y));
}

static uint32_t sha256_sigma0(uint32_t x)
{
    return ror32(x, 7) ^ ror32(x, 18) ^ (x >> 3);
}

static uint32_t sha256_sigma1(uint32_t x)
{
    return ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10);
}

/* SHA256SU0: Vd + sigma0 of (Vn<31:0>:Vd<127:32>), lane by lane. */
static void helper_sha256su0(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    AArch64Vec *d = &env->vregs[rd];
    uint32_t t[4] = {d->s[1], d->s[2], d->s[3], env->vregs[rn].s[0]};

    for (int e = 0; e < 4; e++) {
        d->s[e] += sha256_sigma0(t[e]);
    }
}

/* SHA256SU1: Vd + (Vm<31:0>:Vn<127:32>) + sigma1 of W[t-2], where W[t-2]
 * of the upper two lanes are the lower two lanes just computed. */
static void helper_sha256su1(AArch64CPU *env, uint64_t rd, uint64_t rn,
                             uint64_t rm)
{
    const AArch64Vec *n = &env->vregs[rn], *m = &env->vregs[rm];
    AArch64Vec *d = &env->vregs[rd];
    uint32_t t0[4] = {n->s[1], n->s[2], n->s[3], m->s[0]};
    uint32_t t1[2] = {m->s[2], m->s[3]};
    uint32_t r[4];

    r[0] = sha256_sigma1(t1[0]) + d->s[0] + t0[0];
    r[1] = sha256_sigma1(t1[1]) + d->s[1] + t0[1];
    r[2] = sha256_sigma1(r[0]) + d->s[2] + t0[2];
    r[3] = sha256_sigma1(r[1]) + d->s[3] + t0[3];
    memcpy(d->s, r, sizeof(r));
}

/* ---- SHA-512 (64-bit lanes) ---- */

static uint64_t ror64(uint64_t x, int n)
{
    return (x >> n) | (x << ((64 - n) & 63));
}

static uint64_t sha512_sum1(uint64_t x)
{
    return ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41);
}

static uint64_t sha512_sum0(uint64_t x)
{
    return ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39);
}

/*
 * SHA512H Qd, Qn, Vm.2D: the T1 halves of two rounds. Vn holds (f, g)
 * in (lane 0, lane 1) as the round sees them, Vm (h-side sum, e), Vd
 * the two W+K sums; see the Arm ARM pseudocode.
 */
static void helper_sha512h(AArch64CPU *env, uint64_t rd, uint64_t rn,
                           uint64_t rm)
{
    AArch64Vec x = env->vregs[rn], y = env->vregs[rm];
    AArch64Vec *w = &env->vregs[rd];
    uint64_t hi, lo, tmp;

    hi = (y.d[1] & x.d[0]) ^ (~y.d[1] & x.d[1]);
    hi = hi + sha512_sum1(y.d[1]) + w->d[1];
    tmp = hi + y.d[0];
    lo = (tmp & y.d[1]) ^ (~tmp & x.d[0]);
    lo = lo + sha512_sum1(tmp) + w->d[0];
    w->d[0] = lo;
    w->d[1] = hi;
}

/* SHA512H2 Qd, Qn, Vm.2D: the T2 (Sigma0 + Maj) halves of two rounds. */
static void helper_sha512h2(AArch64CPU *env, uint64_t rd, uint64_t rn,
                            uint64_t rm)
{
    AArch64Vec x = env->vregs[rn], y = env->vregs[rm];
    AArch64Vec *w = &env->vregs[rd];
    uint64_t hi, lo;

    hi = (x.d[0] & y.d[1]) ^ (x.d[0] & y.d[0]) ^ (y.d[1] & y.d[0]);
    hi = hi + sha512_sum0(y.d[0]) + w->d[1];
    lo = (hi & y.d[0]) ^ (hi & y.d[1]) ^ (y.d[1] & y.d[0]);
    lo = lo + sha512_sum0(hi) + w->d[0];
    w->d[0] = lo;
    w->d[1] = hi;
}

static uint64_t sha512_sigma0(uint64_t x)
{
    return ror64(x, 1) ^ ror64(x, 8) ^ (x >> 7);
}

static uint64_t sha512_sigma1(uint64_t x)
{
    return ror64(x, 19) ^ ror64(x, 61) ^ (x >> 6);
}

/* SHA512SU0: Vd + sigma0 of (Vn<63:0>:Vd<127:64>). */
static void helper_sha512su0(AArch64CPU *env, uint64_t rd, uint64_t rn)
{
    AArch64Vec *w = &env->vregs[rd];
    uint64_t x0 = env->vregs[rn].d[0];

    w->d[0] += sha512_sigma0(w->d[1]);
    w->d[1] += sha512_sigma0(x0);
}

/* SHA512SU1: Vd + sigma1(Vn) + Vm, lane by lane. */
static void helper_sha512su1(AArch64CPU *env, uint64_t rd, uint64_t rn,
                             uint64_t rm)
{
    AArch64Vec x = env->vregs[rn], y = env->vregs[rm];
    AArch64Vec *w = &env->vregs[rd];

    w->d[0] += sha512_sigma1(x.d[0]) + y.d[0];
    w->d[1] += sha512_sigma1(x.d[1]) + y.d[1];
}

/* ---- PMULL/PMULL2 with 64-bit lanes ---- */

static void clmul64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = 0, h = 0;

    for (int i = 0; i < 64; i++) {
        uint64_t mask = -((b >> i) & 1);
        l ^= (a << i) & mask;
        h ^= i ? (a >> (64 - i)) & mask : 0;
    }
    *lo = l;
    *hi = h;
}

#if defined(__x86_64__)
__attribute__((target("pclmul,sse2"))) static void
clmul64_host(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t r[2];

    _mm_storeu_si128((__m128i *)r,
                     _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)a),
                                          _mm_cvtsi64_si128((long long)b), 0));
    *lo = r[0];
    *hi = r[1];
}
#endif

/* PMULL{2} Vd.1Q, Vn.1D/2D, Vm.1D/2D: lane `half` of each source. */
static void helper_pmull64(AArch64CPU *env, uint64_t rd, uint64_t rn,
                           uint64_t rm, uint64_t half)
{
    uint64_t a = env->vregs[rn].d[half], b = env->vregs[rm].d[half];
    uint64_t lo, hi;

#if defined(__x86_64__)
    if (use_pclmul) {
        clmul64_host(a, b, &lo, &hi);
    } else {
        clmul64(a, b, &lo, &hi);
    }
#else
    clmul64(a, b, &lo, &hi);
#endif
    env->vregs[rd].d[0] = lo;
    env->vregs[rd].d[1] = hi;
}

/* ---- descriptors ---- */

#define CRYPTO_HELPER(op, n)                                                   \
    const TCGHelperInfo a64_helper_##op = {                                    \
        .func = (void *)helper_##op,                                           \
        .name = "a64_" #op,                                                    \
        .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,         \
        .nb_args = (n),                                                        \
        .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,  \
                      TCG_TYPE_I64},                                           \
    }

CRYPTO_HELPER(aese, 3);
CRYPTO_HELPER(aesd, 3);
CRYPTO_HELPER(aesmc, 3);
CRYPTO_HELPER(aesimc, 3);
CRYPTO_HELPER(sha1c, 4);
CRYPTO_HELPER(sha1p, 4);
CRYPTO_HELPER(sha1m, 4);
CRYPTO_HELPER(sha1su0, 4);
CRYPTO_HELPER(sha1h, 3);
CRYPTO_HELPER(sha1su1, 3);
CRYPTO_HELPER(sha256h, 4);
CRYPTO_HELPER(sha256h2, 4);
CRYPTO_HELPER(sha256su0, 3);
CRYPTO_HELPER(sha256su1, 4);
CRYPTO_HELPER(sha512h, 4);
CRYPTO_HELPER(sha512h2, 4);
CRYPTO_HELPER(sha512su0, 3);
CRYPTO_HELPER(sha512su1, 4);
CRYPTO_HELPER(pmull64, 5);

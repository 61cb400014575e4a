/*
 * Advanced SIMD integer arithmetic helpers (see vec-helper.h): each one
 * copies its source registers into locals first, so any aliasing of rd
 * with rn/rm is harmless, builds the whole result (elements not written
 * are zero, which gives the Q=0 and scalar zeroing for free) and stores
 * it once. Element arithmetic is done on 128-bit integers so that every
 * width, including 64-bit lanes, saturates and rounds exactly as the
 * Arm ARM's infinite-precision pseudocode says.
 */
#include "target/aarch64/vec-helper.h"

/* Lane accessors (cpu.h), in this file's argument order. */
#define lane_get(v, esz, i) a64_lane_get((v), (esz), (i))
#define lane_set(v, esz, i, x) a64_lane_set((v), (esz), (i), (x))

typedef __int128 i128;
typedef unsigned __int128 u128;



static inline uint64_t emask(int esz)
{
    return esz >= 3 ? ~0ull : (1ull << (8 << esz)) - 1;
}

static inline int64_t sext(uint64_t x, int esz)
{
    int sh = 64 - (8 << esz);

    return (int64_t)(x << sh) >> sh;
}

static inline uint64_t sat_s(i128 v, int esz, uint32_t *qc)
{
    i128 max = ((i128)1 << ((8 << esz) - 1)) - 1;

    if (v > max) {
        *qc = 1;
        v = max;
    } else if (v < -max - 1) {
        *qc = 1;
        v = -max - 1;
    }
    return (uint64_t)v & emask(esz);
}

static inline uint64_t sat_u(i128 v, int esz, uint32_t *qc)
{
    if (v < 0) {
        *qc = 1;
        return 0;
    }
    if ((u128)v > emask(esz)) {
        *qc = 1;
        return emask(esz);
    }
    return (uint64_t)v;
}

static inline i128 abs128(i128 v)
{
    return v < 0 ? -v : v;
}

/* Carry-less product of two bytes (PMUL, PMULL). */
static uint64_t pmul8(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        if ((b >> i) & 1) {
            r ^= (a & 0xff) << i;
        }
    }
    return r;
}

/*
 * SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL: shift a by the
 * signed byte at the bottom of b, right when negative.
 */
static uint64_t shift_reg(int esz, uint64_t a, uint64_t b, bool sgn, bool round,
                          bool sat, uint32_t *qc)
{
    int bits = 8 << esz;
    int shift = (int8_t)b;
    uint64_t m = emask(esz);

    if (shift >= 0) {
        if (!sat) {
            return shift >= bits ? 0 : (a << shift) & m;
        }
        if (sgn) {
            int64_t sa = sext(a, esz);
            if (sa == 0) {
                return 0;
            }
            if (shift >= bits) {
                return sat_s(sa < 0 ? -((i128)1 << 100) : (i128)1 << 100, esz,
                             qc);
            }
            return sat_s((i128)sa * ((i128)1 << shift), esz, qc);
        }
        if (a == 0 || shift == 0) {
            return a;
        }
        if (shift >= bits || (a >> (bits - shift)) != 0) {
            *qc = 1;
            return m;
        }
        return (a << shift) & m;
    }

    int n = -shift; /* 1..128 */
    if (sgn) {
        i128 sa = sext(a, esz);
        if (round) {
            /* |sa| < 2^(bits-1), so a shift of bits or more rounds to 0. */
            return n >= bits ? 0 : (uint64_t)((sa + ((i128)1 << (n - 1))) >> n) & m;
        }
        return (uint64_t)(sa >> (n >= bits ? bits - 1 : n)) & m;
    }
    if (round) {
        /* Shifting by exactly bits leaves the rounding bit. */
        return n > bits ? 0 : (uint64_t)(((u128)a + ((u128)1 << (n - 1))) >> n);
    }
    return n >= bits ? 0 : a >> n;
}

/* One element of a three-same operation (op as in vec-helper.h); d is
 * the destination's element for the accumulating ones. */
static uint64_t elem3(unsigned op, int esz, uint64_t a, uint64_t b, uint64_t d,
                      uint32_t *qc)
{
    int bits = 8 << esz;
    uint64_t m = emask(esz);
    i128 sa = sext(a, esz), sb = sext(b, esz);
    i128 round = (i128)1 << (bits - 1);

    switch (op) {
    case 0x00: /* SHADD */
        return (uint64_t)((sa + sb) >> 1) & m;
    case 0x20: /* UHADD */
        return (uint64_t)(((u128)a + b) >> 1) & m;
    case 0x01: /* SQADD */
        return sat_s(sa + sb, esz, qc);
    case 0x21: /* UQADD */
        return sat_u((i128)a + b, esz, qc);
    case 0x02: /* SRHADD */
        return (uint64_t)((sa + sb + 1) >> 1) & m;
    case 0x22: /* URHADD */
        return (uint64_t)(((u128)a + b + 1) >> 1) & m;
    case 0x04: /* SHSUB */
        return (uint64_t)((sa - sb) >> 1) & m;
    case 0x24: /* UHSUB */
        return (uint64_t)(((i128)a - (i128)b) >> 1) & m;
    case 0x05: /* SQSUB */
        return sat_s(sa - sb, esz, qc);
    case 0x25: /* UQSUB */
        return sat_u((i128)a - (i128)b, esz, qc);
    case 0x06: /* CMGT */
        return sa > sb ? m : 0;
    case 0x26: /* CMHI */
        return a > b ? m : 0;
    case 0x07: /* CMGE */
        return sa >= sb ? m : 0;
    case 0x27: /* CMHS */
        return a >= b ? m : 0;
    case 0x08: case 0x09: case 0x0a: case 0x0b:
    case 0x28: case 0x29: case 0x2a: case 0x2b:
        return shift_reg(esz, a, b, !(op & 0x20), op & 2, op & 1, qc);
    case 0x0c: /* SMAX */
        return sa > sb ? a : b;
    case 0x2c: /* UMAX */
        return a > b ? a : b;
    case 0x0d: /* SMIN */
        return sa < sb ? a : b;
    case 0x2d: /* UMIN */
        return a < b ? a : b;
    case 0x0e: /* SABD */
        return (uint64_t)abs128(sa - sb) & m;
    case 0x2e: /* UABD */
        return a > b ? a - b : b - a;
    case 0x0f: /* SABA */
        return (d + (uint64_t)abs128(sa - sb)) & m;
    case 0x2f: /* UABA */
        return (d + (a > b ? a - b : b - a)) & m;
    case 0x10: /* ADD */
        return (a + b) & m;
    case 0x30: /* SUB */
        return (a - b) & m;
    case 0x11: /* CMTST */
        return (a & b) ? m : 0;
    case 0x31: /* CMEQ */
        return a == b ? m : 0;
    case 0x12: /* MLA */
        return (d + a * b) & m;
    case 0x32: /* MLS */
        return (d - a * b) & m;
    case 0x13: /* MUL */
        return (a * b) & m;
    case 0x33: /* PMUL */
        return pmul8(a, b) & 0xff;
    case 0x16: /* SQDMULH */
        return sat_s((2 * sa * sb) >> bits, esz, qc);
    case 0x36: /* SQRDMULH */
        return sat_s((2 * sa * sb + round) >> bits, esz, qc);
    case SIMD3_SQRDMLAH:
        return sat_s((sext(d, esz) * ((i128)1 << bits) + 2 * sa * sb + round) >>
                         bits,
                     esz, qc);
    case SIMD3_SQRDMLSH:
        return sat_s((sext(d, esz) * ((i128)1 << bits) - 2 * sa * sb + round) >>
                         bits,
                     esz, qc);
    case SIMD3_SDOT:
    case SIMD3_UDOT: {
        uint32_t acc = (uint32_t)d;
        for (int k = 0; k < 32; k += 8) {
            uint32_t x = (a >> k) & 0xff, y = (b >> k) & 0xff;
            if (op == SIMD3_SDOT) {
                acc += (uint32_t)((int32_t)(int8_t)x * (int32_t)(int8_t)y);
            } else {
                acc += x * y;
            }
        }
        return acc;
    }
    default:
        return 0;
    }
}

/* The element operation a pairwise opcode applies to each pair. */
static int pairwise_op(unsigned op)
{
    switch (op) {
    case 0x14: /* SMAXP */
    case 0x34: /* UMAXP */
    case 0x15: /* SMINP */
    case 0x35: /* UMINP */
        return (int)(op - 8);
    case 0x17: /* ADDP */
        return 0x10;
    default:
        return -1;
    }
}

static void helper_simd_3same(CPUState *cs, uint64_t op, uint64_t rd,
                              uint64_t rn, uint64_t rm, uint64_t flags)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    int esz = SIMD_F_ESZ(flags);
    AArch64Vec n = cpu->vregs[rn], m = cpu->vregs[rm], d = cpu->vregs[rd];
    AArch64Vec r = {{0, 0}};
    int elems = ((flags & SIMD_F_Q) ? 16 : 8) >> esz;
    int pop = pairwise_op((unsigned)op);
    uint32_t qc = 0;

    if (flags & SIMD_F_SCALAR) {
        elems = 1;
    }
    if (pop >= 0) {
        /* Pairs of adjacent elements of the concatenation Vm:Vn. A scalar
         * (ADDP Dd, Vn.2D) comes with rm == rn and Q set. */
        int total = ((flags & SIMD_F_Q) ? 16 : 8) >> esz;
        for (int i = 0; i < elems; i++) {
            int p = 2 * i;
            uint64_t x = p < total ? lane_get(&n, esz, p)
                                   : lane_get(&m, esz, p - total);
            uint64_t y = p + 1 < total ? lane_get(&n, esz, p + 1)
                                       : lane_get(&m, esz, p + 1 - total);
            lane_set(&r, esz, i, elem3((unsigned)pop, esz, x, y, 0, &qc));
        }
    } else if (op == 0x10 || op == 0x31 || op == 0x26) {
        /* The hot ones of string functions, without the generic switch. */
        uint64_t mk = emask(esz);
        for (int i = 0; i < elems; i++) {
            uint64_t x = lane_get(&n, esz, i), y = lane_get(&m, esz, i), v;
            if (op == 0x10) {
                v = (x + y) & mk;
            } else if (op == 0x31) {
                v = x == y ? mk : 0;
            } else {
                v = x > y ? mk : 0;
            }
            lane_set(&r, esz, i, v);
        }
    } else {
        bool indexed = flags & SIMD_F_INDEXED;
        uint64_t bi =
            indexed ? lane_get(&m, esz, (int)(flags >> SIMD_F_IDX_SHIFT)) : 0;
        for (int i = 0; i < elems; i++) {
            uint64_t b = indexed ? bi : lane_get(&m, esz, i);
            lane_set(&r, esz, i,
                     elem3((unsigned)op, esz, lane_get(&n, esz, i), b,
                           lane_get(&d, esz, i), &qc));
        }
    }
    cpu->vregs[rd] = r;
    if (qc) {
        cpu->fpsr |= FPSR_QC;
    }
}

const TCGHelperInfo a64_helper_simd_3same = {
    .func = (void *)helper_simd_3same,
    .name = "a64_simd_3same",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

/* One wide element of a long or wide three-different operation: a and
 * b are narrow (a wide for the W forms), d the wide accumulator. */
static uint64_t elem_long(unsigned op, int esz, uint64_t a, uint64_t b,
                          uint64_t d, uint32_t *qc)
{
    int wesz = esz + 1;
    uint64_t wm = emask(wesz);
    bool wide = (op & 0xf) == 1 || (op & 0xf) == 3;
    bool uns = op & 0x10;
    i128 x, y = uns ? (i128)b : (i128)sext(b, esz), p;

    if (wide) {
        x = uns ? (i128)a : (i128)sext(a, wesz);
    } else {
        x = uns ? (i128)a : (i128)sext(a, esz);
    }
    switch (op & 0xf) {
    case 0x0: /* ADDL */
    case 0x1: /* ADDW */
        return (uint64_t)(x + y) & wm;
    case 0x2: /* SUBL */
    case 0x3: /* SUBW */
        return (uint64_t)(x - y) & wm;
    case 0x5: /* ABAL */
        return (d + (uint64_t)abs128(x - y)) & wm;
    case 0x7: /* ABDL */
        return (uint64_t)abs128(x - y) & wm;
    case 0x8: /* MLAL */
        return (d + (uint64_t)(x * y)) & wm;
    case 0xa: /* MLSL */
        return (d - (uint64_t)(x * y)) & wm;
    case 0xc: /* MULL */
        return (uint64_t)(x * y) & wm;
    case 0x9: /* SQDMLAL: the doubled product saturates first */
        p = sext(sat_s(2 * x * y, wesz, qc), wesz);
        return sat_s(sext(d, wesz) + p, wesz, qc);
    case 0xb: /* SQDMLSL */
        p = sext(sat_s(2 * x * y, wesz, qc), wesz);
        return sat_s(sext(d, wesz) - p, wesz, qc);
    case 0xd: /* SQDMULL */
        return sat_s(2 * x * y, wesz, qc);
    case 0xe: /* PMULL (8-bit) */
        return pmul8(a, b);
    default:
        return 0;
    }
}

static void helper_simd_3diff(CPUState *cs, uint64_t op, uint64_t rd,
                              uint64_t rn, uint64_t rm, uint64_t flags)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    int esz = SIMD_F_ESZ(flags), wesz = esz + 1;
    AArch64Vec n = cpu->vregs[rn], m = cpu->vregs[rm], d = cpu->vregs[rd];
    AArch64Vec r = {{0, 0}};
    bool scalar = flags & SIMD_F_SCALAR;
    int count = scalar ? 1 : 8 >> esz;
    int part = (!scalar && (flags & SIMD_F_Q)) ? 8 >> esz : 0;
    unsigned o = (unsigned)op & 0xf;
    uint32_t qc = 0;

    if (o == 0x4 || o == 0x6) {
        /* ADDHN, RADDHN, SUBHN, RSUBHN: high halves into one half of Vd
         * (the "2" forms keep the low half). */
        int bits = 8 << esz;
        uint64_t wm = emask(wesz);
        uint64_t rnd = (op & 0x10) ? 1ull << (bits - 1) : 0;
        if (part) {
            r.d[0] = d.d[0];
        }
        for (int i = 0; i < count; i++) {
            uint64_t x = lane_get(&n, wesz, i), y = lane_get(&m, wesz, i);
            uint64_t v = o == 0x4 ? x + y : x - y;
            lane_set(&r, esz, part + i, ((v + rnd) & wm) >> bits);
        }
    } else {
        bool wide = o == 0x1 || o == 0x3;
        bool indexed = flags & SIMD_F_INDEXED;
        uint64_t bi =
            indexed ? lane_get(&m, esz, (int)(flags >> SIMD_F_IDX_SHIFT)) : 0;
        for (int i = 0; i < count; i++) {
            uint64_t x = wide ? lane_get(&n, wesz, i)
                              : lane_get(&n, esz, part + i);
            uint64_t y = indexed ? bi : lane_get(&m, esz, part + i);
            lane_set(&r, wesz, i,
                     elem_long((unsigned)op, esz, x, y, lane_get(&d, wesz, i),
                               &qc));
        }
    }
    cpu->vregs[rd] = r;
    if (qc) {
        cpu->fpsr |= FPSR_QC;
    }
}

const TCGHelperInfo a64_helper_simd_3diff = {
    .func = (void *)helper_simd_3diff,
    .name = "a64_simd_3diff",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

/* The Arm ARM's RecipEstimate and RecipSqrtEstimate (9-bit, without
 * FEAT_RPRES) on the top bits of an unsigned fixed-point operand. */
static uint32_t urecpe32(uint32_t x)
{
    uint32_t a, b;

    if (!(x >> 31)) {
        return 0xffffffffu;
    }
    a = (x >> 23) * 2 + 1; /* 256..511, in units of 1/512, rounded */
    b = (1u << 19) / a;
    return ((b + 1) / 2) << 23;
}

static uint32_t ursqrte32(uint32_t x)
{
    uint64_t a, b = 512;

    if (!(x >> 30)) {
        return 0xffffffffu;
    }
    a = x >> 23; /* 128..511 */
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = ((a >> 1) << 1);
        a = (a + 1) * 2;
    }
    while (a * (b + 1) * (b + 1) < (1ull << 28)) {
        b++;
    }
    return (uint32_t)((b + 1) / 2) << 23;
}

static uint64_t rbit8(uint64_t x)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        r |= ((x >> i) & 1) << (7 - i);
    }
    return r;
}

/* One element of an element-wise two-register operation. */
static uint64_t elem2(unsigned op, int esz, uint64_t a, uint64_t d,
                      uint32_t *qc)
{
    int bits = 8 << esz;
    uint64_t m = emask(esz);
    i128 sa = sext(a, esz);
    int c;

    switch (op) {
    case 0x03: /* SUQADD: unsigned Vn into signed Vd */
        return sat_s((i128)sext(d, esz) + (i128)a, esz, qc);
    case 0x23: /* USQADD: signed Vn into unsigned Vd */
        return sat_u((i128)d + sa, esz, qc);
    case 0x04: /* CLS */
        c = 0;
        for (int i = bits - 2; i >= 0 && ((a >> i) & 1) == ((a >> (bits - 1)) & 1);
             i--) {
            c++;
        }
        return (uint64_t)c;
    case 0x24: /* CLZ */
        c = 0;
        for (int i = bits - 1; i >= 0 && !((a >> i) & 1); i--) {
            c++;
        }
        return (uint64_t)c;
    case 0x05: /* CNT */
        return (uint64_t)__builtin_popcountll(a);
    case 0x25: /* NOT */
        return ~a & m;
    case SIMD2_RBIT:
        return rbit8(a);
    case 0x07: /* SQABS */
        return sat_s(abs128(sa), esz, qc);
    case 0x27: /* SQNEG */
        return sat_s(-sa, esz, qc);
    case 0x08: /* CMGT #0 */
        return sa > 0 ? m : 0;
    case 0x28: /* CMGE #0 */
        return sa >= 0 ? m : 0;
    case 0x09: /* CMEQ #0 */
        return a == 0 ? m : 0;
    case 0x29: /* CMLE #0 */
        return sa <= 0 ? m : 0;
    case 0x0a: /* CMLT #0 */
        return sa < 0 ? m : 0;
    case 0x0b: /* ABS */
        return (uint64_t)abs128(sa) & m;
    case 0x2b: /* NEG */
        return (0 - a) & m;
    case 0x1c:
        return urecpe32((uint32_t)a);
    case 0x3c:
        return ursqrte32((uint32_t)a);
    default:
        return 0;
    }
}

static void helper_simd_2misc(CPUState *cs, uint64_t op, uint64_t rd,
                              uint64_t rn, uint64_t rm, uint64_t flags)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    int esz = SIMD_F_ESZ(flags), wesz = esz + 1;
    AArch64Vec n = cpu->vregs[rn], d = cpu->vregs[rd];
    AArch64Vec r = {{0, 0}};
    bool scalar = flags & SIMD_F_SCALAR;
    int elems = scalar ? 1 : ((flags & SIMD_F_Q) ? 16 : 8) >> esz;
    int half = 8 >> esz;
    int part = (!scalar && (flags & SIMD_F_Q)) ? half : 0;
    uint32_t qc = 0;

    (void)rm;
    switch (op) {
    case 0x00: /* REV64 */
    case 0x20: /* REV32 */
    case 0x01: { /* REV16 */
        int c = (op == 0x00 ? 8 : op == 0x20 ? 4 : 2) >> esz;
        for (int i = 0; i < elems; i++) {
            lane_set(&r, esz, i, lane_get(&n, esz, i ^ (c - 1)));
        }
        break;
    }
    case 0x02: /* SADDLP */
    case 0x22: /* UADDLP */
    case 0x06: /* SADALP */
    case 0x26: /* UADALP */
        for (int i = 0; i < elems / 2; i++) {
            uint64_t x = lane_get(&n, esz, 2 * i), y = lane_get(&n, esz, 2 * i + 1);
            uint64_t v;
            if (op & 0x20) {
                v = x + y;
            } else {
                v = (uint64_t)(sext(x, esz) + sext(y, esz));
            }
            if (op & 0x04) {
                v += lane_get(&d, wesz, i);
            }
            lane_set(&r, wesz, i, v & emask(wesz));
        }
        break;
    case 0x12: /* XTN */
    case 0x32: /* SQXTUN */
    case 0x14: /* SQXTN */
    case 0x34: /* UQXTN */
        if (part) {
            r.d[0] = d.d[0];
        }
        for (int i = 0; i < (scalar ? 1 : half); i++) {
            uint64_t x = lane_get(&n, wesz, i), v;
            if (op == 0x12) {
                v = x & emask(esz);
            } else if (op == 0x34) {
                v = sat_u((i128)x, esz, &qc);
            } else if (op == 0x32) {
                v = sat_u(sext(x, wesz), esz, &qc);
            } else {
                v = sat_s(sext(x, wesz), esz, &qc);
            }
            lane_set(&r, esz, part + i, v);
        }
        break;
    case 0x33: /* SHLL */
        for (int i = 0; i < half; i++) {
            lane_set(&r, wesz, i, lane_get(&n, esz, part + i) << (8 << esz));
        }
        break;
    default:
        for (int i = 0; i < elems; i++) {
            lane_set(&r, esz, i,
                     elem2((unsigned)op, esz, lane_get(&n, esz, i),
                           lane_get(&d, esz, i), &qc));
        }
        break;
    }
    cpu->vregs[rd] = r;
    if (qc) {
        cpu->fpsr |= FPSR_QC;
    }
}

const TCGHelperInfo a64_helper_simd_2misc = {
    .func = (void *)helper_simd_2misc,
    .name = "a64_simd_2misc",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

static void helper_simd_across(CPUState *cs, uint64_t op, uint64_t rd,
                               uint64_t rn, uint64_t rm, uint64_t flags)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;
    int esz = SIMD_F_ESZ(flags);
    AArch64Vec n = cpu->vregs[rn];
    AArch64Vec r = {{0, 0}};
    int elems = ((flags & SIMD_F_Q) ? 16 : 8) >> esz;
    uint64_t acc = lane_get(&n, esz, 0);
    int64_t sacc = sext(acc, esz);

    (void)rm;
    for (int i = 1; i < elems; i++) {
        uint64_t x = lane_get(&n, esz, i);
        int64_t sx = sext(x, esz);
        switch (op) {
        case 0x03: /* SADDLV */
            sacc += sx;
            break;
        case 0x23: /* UADDLV */
        case 0x1b: /* ADDV */
            acc += x;
            break;
        case 0x0a: /* SMAXV */
            sacc = sx > sacc ? sx : sacc;
            break;
        case 0x1a: /* SMINV */
            sacc = sx < sacc ? sx : sacc;
            break;
        case 0x2a: /* UMAXV */
            acc = x > acc ? x : acc;
            break;
        case 0x3a: /* UMINV */
            acc = x < acc ? x : acc;
            break;
        default:
            break;
        }
    }
    switch (op) {
    case 0x03:
        r.d[0] = (uint64_t)sacc & emask(esz + 1);
        break;
    case 0x23:
        r.d[0] = acc & emask(esz + 1);
        break;
    case 0x0a:
    case 0x1a:
        r.d[0] = (uint64_t)sacc & emask(esz);
        break;
    default:
        r.d[0] = acc & emask(esz);
        break;
    }
    cpu->vregs[rd] = r;
}

const TCGHelperInfo a64_helper_simd_across = {
    .func = (void *)helper_simd_across,
    .name = "a64_simd_across",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * Helpers for the Advanced SIMD permutes (ZIP/UZP/TRN), table lookups
 * (TBL/TBX) and the shift-by-immediate families (trans-simdx.c.inc).
 *
 * They work on env->vregs in place. The destination may be one of the
 * sources, so every helper copies its inputs into locals before it
 * writes. Operations are selected by the instruction's own opcode bits
 * (passed through by the translator), so no enum is shared with it.
 * Only env->vregs and env->fpsr are touched: the descriptors may say
 * TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS.
 */
#include <string.h>

#include "target/aarch64/cpu.h"

/* Lane accessors (cpu.h), in this file's argument order. */
#define elem_get(v, i, esz) a64_lane_get((v), (esz), (i))
#define elem_set(v, i, esz, x) a64_lane_set((v), (esz), (i), (x))

#define NO_GLOBALS (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)



/* Sign-extend the low 8 << esz bits of x. */
static int64_t sext(uint64_t x, int esz)
{
    int sh = 64 - (8 << esz);

    return (int64_t)(x << sh) >> sh;
}

/* ---- ZIP1/ZIP2/UZP1/UZP2/TRN1/TRN2 ---- */

/* opc is the instruction's bits 14:12; desc = esz | q << 2. */
static void helper_simdx_permute(CPUState *cs, uint64_t rd, uint64_t rn,
                                 uint64_t rm, uint64_t opc, uint64_t desc)
{
    AArch64CPU *env = (AArch64CPU *)cs;
    int esz = desc & 3;
    int n = ((desc & 4) ? 16 : 8) >> esz; /* elements */
    int part = (opc >> 2) & 1;
    AArch64Vec a = env->vregs[rn], b = env->vregs[rm], r = {{0, 0}};

    for (int i = 0; i < n; i++) {
        uint64_t x;
        switch (opc & 3) {
        case 1: /* UZP: even or odd elements of b:a */
        {
            int k = 2 * i + part;
            x = k < n ? elem_get(&a, k, esz) : elem_get(&b, k - n, esz);
            break;
        }
        case 2: /* TRN */
            x = elem_get((i & 1) ? &b : &a, (i & ~1) + part, esz);
            break;
        default: /* ZIP */
            x = elem_get((i & 1) ? &b : &a, part * n / 2 + i / 2, esz);
            break;
        }
        elem_set(&r, i, esz, x);
    }
    env->vregs[rd] = r;
}

const TCGHelperInfo a64_helper_simdx_permute = {
    .func = (void *)helper_simdx_permute,
    .name = "a64_simdx_permute",
    .flags = NO_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

/* ---- TBL/TBX ---- */

/* The table is len + 1 consecutive registers from rn, wrapping after
 * v31. desc = len | tbx << 2 | q << 3. */
static void helper_simdx_tbl(CPUState *cs, uint64_t rd, uint64_t rn,
                             uint64_t rm, uint64_t desc)
{
    AArch64CPU *env = (AArch64CPU *)cs;
    int nregs = (int)(desc & 3) + 1;
    bool tbx = desc & 4;
    int nbytes = (desc & 8) ? 16 : 8;
    uint8_t table[64];
    AArch64Vec idx = env->vregs[rm], r = env->vregs[rd];

    for (int i = 0; i < nregs; i++) {
        memcpy(table + 16 * i, env->vregs[(rn + i) % 32].b, 16);
    }
    for (int i = 0; i < nbytes; i++) {
        if (idx.b[i] < 16 * nregs) {
            r.b[i] = table[idx.b[i]];
        } else if (!tbx) {
            r.b[i] = 0;
        }
    }
    if (nbytes == 8) {
        r.d[1] = 0;
    }
    env->vregs[rd] = r;
}

const TCGHelperInfo a64_helper_simdx_tbl = {
    .func = (void *)helper_simdx_tbl,
    .name = "a64_simdx_tbl",
    .flags = NO_GLOBALS,
    .nb_args = 5,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64},
};

/* ---- shifts by immediate ---- */

/* Saturate x to a signed (or unsigned) integer of 8 << esz bits,
 * setting FPSR.QC when it does not fit. */
static uint64_t sat_s(AArch64CPU *env, __int128 x, int esz)
{
    int bits = 8 << esz;
    __int128 max = ((__int128)1 << (bits - 1)) - 1, min = -max - 1;

    if (x > max) {
        env->fpsr |= FPSR_QC;
        x = max;
    } else if (x < min) {
        env->fpsr |= FPSR_QC;
        x = min;
    }
    return (uint64_t)x;
}

static uint64_t sat_u(AArch64CPU *env, __int128 x, int esz)
{
    int bits = 8 << esz;
    __int128 max = ((__int128)1 << bits) - 1;

    if (x > max) {
        env->fpsr |= FPSR_QC;
        x = max;
    } else if (x < 0) {
        env->fpsr |= FPSR_QC;
        x = 0;
    }
    return (uint64_t)x;
}

/* Element x (8 << esz bits) as a signed or unsigned wide integer. */
static __int128 widen(uint64_t x, int esz, bool is_unsigned)
{
    if (is_unsigned) {
        return (__int128)(esz == 3 ? x : x & ((1ull << (8 << esz)) - 1));
    }
    return (__int128)sext(x, esz);
}

/* x >> sh with rounding when round (sh in 0..64, x at most 65 bits
 * wide): the architectural (x + (1 << (sh - 1))) >> sh. */
static __int128 shr_round(__int128 x, int sh, bool round)
{
    if (round && sh > 0) {
        x += (__int128)1 << (sh - 1);
    }
    return x >> sh;
}

/*
 * One helper for every shift-by-immediate form. opu = opcode (bits
 * 15:11) | U << 5; desc = esz | q << 2 | scalar << 3, where esz is the
 * size of the destination elements for the narrowing forms and of the
 * source elements for SSHLL/USHLL; sh is the decoded shift amount.
 */
static void helper_simdx_shift(CPUState *cs, uint64_t rd, uint64_t rn,
                               uint64_t opu, uint64_t desc, uint64_t sh64)
{
    AArch64CPU *env = (AArch64CPU *)cs;
    int op = opu & 0x1f, esz = desc & 3, sh = (int)sh64;
    bool u = opu & 0x20, q = desc & 4, scalar = desc & 8;
    bool round = op & 1; /* in the narrowing opcodes */
    int bits = 8 << esz;
    uint64_t emask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    AArch64Vec n = env->vregs[rn], d = env->vregs[rd], r = {{0, 0}};
    int count;

    if (op >= 0x10 && op <= 0x13) {
        /* Narrowing: source elements are twice the destination's. With
         * Q = 1 the results go to the upper half, keeping the lower. */
        int half = 8 >> esz;
        count = scalar ? 1 : half;
        if (q && !scalar) {
            r.d[0] = d.d[0];
        }
        /* SHRN/RSHRN truncate; SQSHRUN/SQRSHRUN (op < 0x12, U = 1) take
         * a signed source to an unsigned result; SQSHRN/UQSHRN keep the
         * signedness U gives. */
        bool src_unsigned = op < 0x12 ? !u : u;
        for (int i = 0; i < count; i++) {
            __int128 x = shr_round(
                widen(elem_get(&n, i, esz + 1), esz + 1, src_unsigned), sh,
                round);
            uint64_t v;
            if (op < 0x12 && !u) {
                v = (uint64_t)x;
            } else if (op >= 0x12 && !u) {
                v = sat_s(env, x, esz);
            } else {
                v = sat_u(env, x, esz);
            }
            elem_set(&r, (q && !scalar) ? i + half : i, esz, v);
        }
        env->vregs[rd] = r;
        return;
    }
    if (op == 0x14) {
        /* SSHLL/USHLL: widen the lower or upper half, then shift. */
        int half = 8 >> esz;
        for (int i = 0; i < half; i++) {
            uint64_t x = elem_get(&n, q ? i + half : i, esz);
            uint64_t w = u ? x : (uint64_t)sext(x, esz);
            elem_set(&r, i, esz + 1, w << sh);
        }
        env->vregs[rd] = r;
        return;
    }

    count = scalar ? 1 : (q ? 16 : 8) >> esz;
    for (int i = 0; i < count; i++) {
        uint64_t x = elem_get(&n, i, esz), dv = elem_get(&d, i, esz), v;
        __int128 w = widen(x, esz, u);
        switch (op) {
        case 0x00: /* SSHR/USHR */
        case 0x04: /* SRSHR/URSHR */
            v = (uint64_t)shr_round(w, sh, op == 0x04);
            break;
        case 0x02: /* SSRA/USRA */
        case 0x06: /* SRSRA/URSRA */
            v = dv + (uint64_t)shr_round(w, sh, op == 0x06);
            break;
        case 0x08: /* SRI: insert the logical right shift */
        {
            uint64_t mask = sh >= 64 ? 0 : emask >> sh;
            uint64_t s = sh >= 64 ? 0 : (x & emask) >> sh;
            v = (dv & ~mask) | s;
            break;
        }
        case 0x0a: /* SHL (U = 0), SLI (U = 1) */
            v = (u ? dv & ~(emask << sh) : 0) | x << sh;
            break;
        case 0x0c: /* SQSHLU: signed source, unsigned saturation */
            v = sat_u(env, (__int128)sext(x, esz) << sh, esz);
            break;
        default: /* 0x0e: SQSHL, UQSHL */
            v = u ? sat_u(env, w << sh, esz) : sat_s(env, w << sh, esz);
            break;
        }
        elem_set(&r, i, esz, v);
    }
    env->vregs[rd] = r;
}

const TCGHelperInfo a64_helper_simdx_shift = {
    .func = (void *)helper_simdx_shift,
    .name = "a64_simdx_shift",
    .flags = NO_GLOBALS,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * Arm floating-point arithmetic for the aarch64 guest (softfloat.c): the
 * DDI 0487 pseudocode operations (FPAdd, FPMulAdd, FPToFixed, ...) on raw
 * half, single and double bit patterns, with FPCR semantics (rounding,
 * FZ, FZ16, DN, AHP) and the cumulative FPSR exception bits.
 *
 * Formats are named by their log2 size in bytes, as MemOp sizes are:
 * 1 half, 2 single, 3 double. Values travel in the low bits of a
 * uint64_t; results have zero upper bits.
 */
#ifndef VEMU_TARGET_AARCH64_SOFTFLOAT_H
#define VEMU_TARGET_AARCH64_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* The FPCR an operation runs under, and the FPSR bits it raised. */
typedef struct A64FpSt {
    uint32_t fpcr;
    uint32_t flags; /* FPSR_* bits, ORed */
} A64FpSt;

/* Rounding modes: the first four are FPCR.RMode values. */
enum {
    A64_RN = 0, /* to nearest, ties to even */
    A64_RP = 1, /* towards +inf */
    A64_RM = 2, /* towards -inf */
    A64_RZ = 3, /* towards zero */
    A64_RA = 4, /* to nearest, ties away (FRINTA, FCVTA*) */
    A64_RO = 5, /* to odd (FCVTXN) */
};

/* FPCR.RMode of st. */
int a64f_rmode(const A64FpSt *st);

uint64_t a64f_add(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_sub(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_mul(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_mulx(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_div(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_max(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_min(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_maxnm(A64FpSt *st, int esz, uint64_t a, uint64_t b);
uint64_t a64f_minnm(A64FpSt *st, int esz, uint64_t a, uint64_t b);
/* addend + n * m with one rounding (FPMulAdd: NaN order addend, n, m). */
uint64_t a64f_muladd(A64FpSt *st, int esz, uint64_t addend, uint64_t n,
                     uint64_t m);
/* FRECPS: 2 - n * m; FRSQRTS: (3 - n * m) / 2, fused. */
uint64_t a64f_recps(A64FpSt *st, int esz, uint64_t n, uint64_t m);
uint64_t a64f_rsqrts(A64FpSt *st, int esz, uint64_t n, uint64_t m);
uint64_t a64f_sqrt(A64FpSt *st, int esz, uint64_t a);

/* FPCompare: NZCV (N = 8); signal: quiet NaNs raise IOC too. */
uint32_t a64f_compare(A64FpSt *st, int esz, uint64_t a, uint64_t b,
                      bool signal);
bool a64f_cmp_eq(A64FpSt *st, int esz, uint64_t a, uint64_t b);
bool a64f_cmp_ge(A64FpSt *st, int esz, uint64_t a, uint64_t b);
bool a64f_cmp_gt(A64FpSt *st, int esz, uint64_t a, uint64_t b);

/* FPRoundInt: FRINT*; exact raises IXC when the value changes. */
uint64_t a64f_round_int(A64FpSt *st, int esz, uint64_t a, int rmode,
                        bool exact);
/* FPToFixed to a width-bit integer (32 or 64) with fbits fraction bits,
 * saturating; the result is zero-extended from width bits. */
uint64_t a64f_to_fixed(A64FpSt *st, int esz, uint64_t a, int fbits,
                       bool is_unsigned, int width, int rmode);
/* FixedToFP from the low width bits of v. */
uint64_t a64f_from_fixed(A64FpSt *st, int esz, uint64_t v, int fbits,
                         bool is_unsigned, int width, int rmode);
/* FPConvert between formats (FCVT, FCVTL/N, FCVTXN with A64_RO). */
uint64_t a64f_convert(A64FpSt *st, int from, int to, uint64_t a, int rmode);

uint64_t a64f_recpe(A64FpSt *st, int esz, uint64_t a);
uint64_t a64f_rsqrte(A64FpSt *st, int esz, uint64_t a);
uint64_t a64f_recpx(A64FpSt *st, int esz, uint64_t a);
/* FPToFixedJS: the 32-bit result; *z is the Z flag FJCVTZS sets. */
uint32_t a64f_fjcvtzs(A64FpSt *st, uint64_t a, bool *z);

#endif

/*
 * The interface between the FP translator (trans-fp.c.inc) and its
 * helpers (fpu-helper.c): the per-lane operation codes and how their
 * descriptors are packed.
 *
 * A lane operation is (op, esz, imm) applied to up to three lane values
 * a, b, c. The scalar helper gets the values as arguments and
 * desc = op | esz << 8 | imm << 16; the vector helper works on env->vregs
 * with desc = op | esz << 8 | imm << 16 | mode << 40 | q << 44 |
 * idx << 48 (A64V_* modes below).
 */
#ifndef VEMU_TARGET_AARCH64_FPU_HELPER_H
#define VEMU_TARGET_AARCH64_FPU_HELPER_H

#include "target/aarch64/cpu.h"

enum {
    /* two operands a, b */
    FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MAX, FOP_MIN, FOP_MAXNM,
    FOP_MINNM, FOP_MULX, FOP_NMUL, FOP_ABD, FOP_RECPS, FOP_RSQRTS,
    FOP_CMEQ, FOP_CMGE, FOP_CMGT, FOP_ACGE, FOP_ACGT,
    /* c + a * b and the negated forms (c is the accumulator / Ra) */
    FOP_MLA, FOP_MLS, FOP_NMADD, FOP_NMSUB,
    /* one operand a */
    FOP_SQRT, FOP_RECPE, FOP_RSQRTE, FOP_RECPX,
    FOP_CMEQ0, FOP_CMGE0, FOP_CMGT0, FOP_CMLE0, FOP_CMLT0,
    FOP_RINT,    /* imm: rounding (A64_R*, 7 = FPCR) | exact << 3 */
    FOP_TOFIX,   /* imm: fbits | rounding << 8 | unsigned << 12 |
                    64-bit integer << 13 (a is an esz float) */
    FOP_FROMFIX, /* imm: fbits | unsigned << 12 | 64-bit integer << 13
                    (the result is an esz float) */
    FOP_CVT,     /* imm: target esz | rounding << 4 (7 = FPCR) */
};

#define FOP_RFPCR 7

/* Vector helper modes. */
enum {
    A64V_LANES,  /* d[i] = op(n[i], m[i], d[i]) */
    A64V_INDEX,  /* d[i] = op(n[i], m[idx], d[i]) */
    A64V_PAIR,   /* d[i] = op(p[2i], p[2i+1]), p = n:m lanes */
    A64V_REDUCE, /* d = reduction of n's lanes (FMAXV...), a scalar */
    A64V_WIDEN,  /* FCVTL(2): d[i] = cvt(n[i + q * lanes]) to esz */
    A64V_NARROW, /* FCVTN(2)/FCVTXN(2): d[i + q * lanes] = cvt(n[i]) */
};

extern const TCGHelperInfo a64_helper_fpop;
extern const TCGHelperInfo a64_helper_fpvec;
extern const TCGHelperInfo a64_helper_fcmp;
extern const TCGHelperInfo a64_helper_fjcvtzs;

#endif

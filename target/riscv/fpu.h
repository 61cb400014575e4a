/*
 * The interface between the F/D translators (trans_rvf.c.inc) and their
 * helpers (fpu_helper.c): operation codes and the helper descriptors.
 *
 * riscv_helper_fp(env, op, x, y, rm) -> result and
 * riscv_helper_fma(env, op, x, y, z, rm) -> result take raw register
 * contents (64-bit fpr, single precision NaN-boxed, or a gpr for the
 * int-to-float conversions) and return the raw value for rd. rm is 0..4,
 * or 7 for the dynamic mode in frm (which the caller has checked is
 * valid). They OR the exception flags into RISCVCPU.fflags and touch no
 * IR global.
 */
#ifndef VEMU_TARGET_RISCV_FPU_H
#define VEMU_TARGET_RISCV_FPU_H

#include "tcg/exec.h"

enum {
    FPOP_ADD,
    FPOP_SUB,
    FPOP_MUL,
    FPOP_DIV,
    FPOP_SQRT,
    FPOP_MIN,
    FPOP_MAX,
    FPOP_SGNJ,
    FPOP_SGNJN,
    FPOP_SGNJX,
    FPOP_EQ,
    FPOP_LT,
    FPOP_LE,
    FPOP_CLASS,
    FPOP_TO_W, /* float to integer: result in a gpr */
    FPOP_TO_WU,
    FPOP_TO_L,
    FPOP_TO_LU,
    FPOP_FROM_W, /* integer (x = gpr) to float */
    FPOP_FROM_WU,
    FPOP_FROM_L,
    FPOP_FROM_LU,
    FPOP_CVT_FMT, /* fcvt.s.d (op without FPOP_D) or fcvt.d.s (with) */
    FPOP_FMADD,   /* riscv_helper_fma only */
    FPOP_FMSUB,
    FPOP_FNMSUB,
    FPOP_FNMADD,
    FPOP_D = 0x100, /* double precision (the destination's, for fcvt) */
};

extern const TCGHelperInfo riscv_helper_fp;
extern const TCGHelperInfo riscv_helper_fma;

#endif

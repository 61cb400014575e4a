/*
 * Helpers for the Advanced SIMD integer arithmetic group (vec-helper.c,
 * called from trans-simd.c.inc). Every helper takes env, an operation
 * number, the register numbers rd, rn, rm and a flags word, all
 * translation-time constants, and works on env->vregs in place
 * (saturation ORs FPSR_QC into env->fpsr).
 *
 * Operation numbers are the encoding's own bits, so the translator needs
 * no tables: U:opcode of the encoding class the helper serves (see each
 * helper), plus a few numbers above those for operations that live in
 * other classes but share a helper's shape.
 */
#ifndef VEMU_TARGET_AARCH64_VEC_HELPER_H
#define VEMU_TARGET_AARCH64_VEC_HELPER_H

#include "target/aarch64/cpu.h"

/* Flags word: element size (log2 bytes; for the long/narrow helpers the
 * narrow size), Q, scalar (one element, the rest of Vd zeroed), and
 * "indexed": every element of the second operand is Vm[idx]. */
#define SIMD_F_ESZ(f) ((f) & 3)
#define SIMD_F_Q 4u
#define SIMD_F_SCALAR 8u
#define SIMD_F_INDEXED 16u
#define SIMD_F_IDX_SHIFT 5
#define SIMD_FLAGS(esz, q, scalar, indexed, idx)                              \
    ((uint64_t)(esz) | ((q) ? SIMD_F_Q : 0) | ((scalar) ? SIMD_F_SCALAR : 0) | \
     ((indexed) ? SIMD_F_INDEXED : 0) | ((uint64_t)(idx) << SIMD_F_IDX_SHIFT))

/* Three same ops: U << 5 | opcode ("Advanced SIMD three same"), and: */
enum {
    SIMD3_SQRDMLAH = 0x40,
    SIMD3_SQRDMLSH = 0x41,
    SIMD3_SDOT = 0x42,
    SIMD3_UDOT = 0x43,
};

/* Two-register misc ops: U << 5 | opcode, and RBIT (whose encoding
 * differs from NOT only in size; it works on bytes). */
enum {
    SIMD2_RBIT = 0x45,
};

/* Element-wise Vd = op(Vn, Vm[, Vd]); the pairwise opcodes (SMAXP...
 * ADDP) combine adjacent elements of Vn:Vm instead. */
extern const TCGHelperInfo a64_helper_simd_3same;
/* "Three different": op is U << 4 | opcode; long, wide and narrow
 * (high half) forms, esz the narrow element size. */
extern const TCGHelperInfo a64_helper_simd_3diff;
/* "Two-register misc": op is U << 5 | opcode, esz as encoded (for the
 * narrowing ones the destination size). */
extern const TCGHelperInfo a64_helper_simd_2misc;
/* "Across lanes": op is U << 5 | opcode. */
extern const TCGHelperInfo a64_helper_simd_across;

#endif

/*
 * Reference semantics of the IR ops for tests/ops, written from
 * docs/tcg-ir.md independently of tcg/fold.c (which is under test).
 * Values are carried in uint64_t; i32 values are zero-extended.
 */
#ifndef VEMU_TESTS_OPREF_H
#define VEMU_TESTS_OPREF_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/tcg.h"

/* Compute the outputs of an integer op (everything in ops.def with
 * TCG_OPF_INT that is not memory or control flow, plus the four width
 * changes). in[] holds the temp inputs, c[] the constant args in ops.def
 * order. Returns false if opc is not a computational op. */
bool ref_compute(TCGOpcode opc, TCGType type, const uint64_t *in,
                 const uint64_t *c, uint64_t *out);

bool ref_cond(TCGType type, TCGCond cond, uint64_t a, uint64_t b);

/* Size in bytes of a MemOp. */
static inline unsigned ref_mo_bytes(unsigned mo)
{
    return 1u << (mo & MO_SIZE);
}

/* Read/write a value of the MemOp's size (and byte order) at p. */
uint64_t ref_mem_read(const uint8_t *p, unsigned mo);
void ref_mem_write(uint8_t *p, unsigned mo, uint64_t v);

/* Extend a raw loaded value of the MemOp's size to the op width per
 * MO_SIGN. */
uint64_t ref_mem_extend(uint64_t raw, unsigned mo, TCGType type);

/* New memory value for atomic_fetch (at the access size). */
uint64_t ref_atomic_op(TCGAtomicOp aop, uint64_t old, uint64_t v, unsigned mo);

#endif

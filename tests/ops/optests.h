/*
 * The list of per-op tests of tests/ops: one OpTest per (op, type,
 * constant-argument variant), built once at start-up by catalog.c.
 */
#ifndef VEMU_TESTS_OPTESTS_H
#define VEMU_TESTS_OPTESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/tcg.h"

typedef enum OpShape {
    SHAPE_COMPUTE, /* anything ref_compute knows, incl. width changes */
    SHAPE_BRCOND,
    SHAPE_LD, /* host ld relative to a base */
    SHAPE_ST,
    SHAPE_QLD, /* guest memory */
    SHAPE_QST,
    SHAPE_ATOMIC, /* atomic_cmpxchg, atomic_xchg, atomic_fetch */
} OpShape;

typedef struct OpTest {
    char name[64];
    OpShape shape;
    TCGOpcode opc;
    TCGType type; /* TCGOp.type */
    int ni, no;   /* temp inputs/outputs of the op */
    TCGType in_type[4];
    TCGType out_type[2];
    int nc;        /* constant args of the op */
    uint64_t c[2]; /* (pos, len), cond, (memop, aop|offset) */
    int addr_slot; /* memory shapes: which input is the address */
    bool base_env; /* SHAPE_LD/ST: base is env, else a pointer */
    int64_t off;   /* SHAPE_LD/ST: offset (from scratch if env) */
    int nvec;      /* vectors with inputs in globals */
} OpTest;

/* Build the catalog (idempotent); returns the number of tests. */
int optests_build(void);
const OpTest *optests_get(int i);
int optests_count(void);
/* Name of a MemOp, e.g. "sw|be|align". */
const char *optests_memop_name(unsigned mo, char *buf, int len);

#endif

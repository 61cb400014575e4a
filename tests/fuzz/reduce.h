/*
 * Test-case reduction for the fuzzer: shrink a failing IR program op by op
 * while a caller-supplied check still sees the failure.
 */
#ifndef VEMU_TESTS_FUZZ_REDUCE_H
#define VEMU_TESTS_FUZZ_REDUCE_H

#include <stdbool.h>
#include <stdio.h>

#include "../common/irrun.h"

/* Runs the program (gen, opaque) and returns true if it still fails;
 * with verbose set, also describes the failure on stderr. */
typedef bool (*ReduceCheck)(IrGenFn gen, void *opaque, void *ctx, bool verbose);

/* Reduce the program emitted by gen/opaque; prints the smallest failing
 * version found to out. Returns the number of ops left. */
int fuzz_reduce(IrGenFn gen, void *opaque, ReduceCheck check, void *ctx,
                FILE *out);

#endif

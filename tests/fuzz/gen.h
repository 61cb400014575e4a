/*
 * Random IR program generator for the differential fuzzer (and the
 * translation benchmark). A program is a pure function of its seed: the
 * generator is called each time the runtime translates it and must emit the
 * same IR every time.
 *
 * Programs run on the irrun guest (tests/common/irrun.h). They read and
 * write the i64/i32 globals, guest memory in [0, FUZZ_MEM_SIZE + 16) (a
 * few accesses go to the guard page at IRRUN_GUEST_SIZE on purpose) and
 * the CPU's scratch area (via ld/st on env), and call the helpers below.
 * Every program terminates (loops are counted) and obeys the EBB rule.
 */
#ifndef VEMU_TESTS_FUZZ_GEN_H
#define VEMU_TESTS_FUZZ_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/irrun.h"

/* Guest memory the programs address (plus 16 bytes of slack). */
#define FUZZ_MEM_SIZE 4096
#define FUZZ_MEM_CHECK (FUZZ_MEM_SIZE + 16)

/* Guest exception raised by the fz_maybe_raise helper. */
#define FUZZ_EXCP_HELPER 0x42

typedef struct FuzzProg {
    uint64_t seed;
    /* Knobs, all on by default (see fuzz_prog_init). */
    int max_ops;        /* approximate op budget */
    bool bswap_atomics; /* MO_BSWAP on atomics */
    bool allow_faults;  /* MO_ALIGN accesses that may be misaligned */
    /* Ops never to generate (bit per TCGOpcode), for triage. */
    uint8_t excluded[(NB_OPS + 7) / 8];
} FuzzProg;

/* Exclude the ops named in a comma-separated list (e.g. "add2,sub2");
 * returns false and names the first unknown op on stderr. */
bool fuzz_exclude_ops(FuzzProg *p, const char *list);

void fuzz_prog_init(FuzzProg *p, uint64_t seed);

/* IrGenFn: emits the program described by opaque (a FuzzProg *). */
void fuzz_gen(TCGContext *s, void *opaque);

/* Deterministic initial state for input set k of the program. */
void fuzz_init_state(const FuzzProg *p, int k, IrCpu *cpu, uint8_t *mem);

/* Seed of program idx of a run with base seed. */
uint64_t fuzz_prog_seed(uint64_t base, uint64_t idx);

#endif

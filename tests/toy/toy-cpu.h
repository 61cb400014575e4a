/*
 * The toy guest CPU as the runtime and tests see it: register file, pc,
 * the output buffer filled by `out`, guest memory set-up, and the
 * TargetOps that plug the toy front end into the runtime.
 *
 * Guest memory is one host mapping: guest address A lives at host address
 * tcg_guest_base + A for A in [0, mem_size). toy_mem_new() leaves a
 * PROT_NONE guard page right after it, so the first address past the end
 * faults (EXCP_SEGV) instead of touching host data.
 */
#ifndef VEMU_TOY_CPU_H
#define VEMU_TOY_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "tcg/exec.h"
#include "toy-isa.h"

typedef struct ToyCPU {
    CPUState parent;          /* first: env in generated code points here */
    uint64_t regs[TOY_NREGS]; /* regs[0] reads as zero, writes ignored */
    uint64_t pc;
    uint64_t mem_size; /* guest memory is [0, mem_size) */
    /* Values written by `out`, in order. */
    uint64_t *out;
    size_t nb_out, out_cap;
} ToyCPU;

extern const TargetOps toy_target_ops;

/* Zero the registers and output, bind to the runtime (cpu_init_common). */
void toy_cpu_init(ToyCPU *cpu, uint64_t mem_size);
/* Release the output buffer. */
void toy_cpu_free(ToyCPU *cpu);
/* Clear the output buffer (keeps registers). */
void toy_cpu_clear_output(ToyCPU *cpu);
/* Run until an exception: cpu_exec on the embedded CPUState. */
int toy_cpu_run(ToyCPU *cpu);

/* Map size bytes of zeroed guest memory (size rounded up to pages) plus a
 * PROT_NONE guard page after it, and point tcg_guest_base at it. Returns
 * the host address of guest address 0, or NULL on failure. */
uint8_t *toy_mem_new(size_t size);
void toy_mem_free(uint8_t *mem, size_t size);

/* Short name of an exception number (toy or runtime) for messages. */
const char *toy_excp_name(int excp);

/* Global temp indexes created by toy_target_ops.tcg_init (r0 has none:
 * it reads as the constant 0). Exposed for tests that build IR by hand. */
extern uint32_t toy_cpu_reg_temp[TOY_NREGS];
extern uint32_t toy_cpu_pc_temp;

/* Front end entry points (toy-translate.c). */
void toy_tcg_init(TCGContext *s);
void toy_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                   int max_insns);

/* Helper descriptors (toy-helper.c). */
extern const TCGHelperInfo toy_helper_out;
extern const TCGHelperInfo toy_helper_fencei;
extern const TCGHelperInfo toy_helper_fencei_all;
extern const TCGHelperInfo toy_helper_chkeq;
extern const TCGHelperInfo toy_helper_halt;
extern const TCGHelperInfo toy_helper_raise;

#endif

/*
 * irrun: a minimal guest for IR-level tests. Its "instruction set" is
 * whatever a test-supplied generator emits: the translate hook starts a
 * block with insn_start, calls the generator, and ends the block by setting
 * pc to a halt address and leaving with exit_tb NOCHAIN (unless the
 * generator already ended it). The block at the halt address raises
 * IRRUN_EXCP_DONE through a helper, which makes cpu_exec return.
 *
 * The CPU is IrCpu (CPUState first, as the runtime requires) with
 * IR_NREGS i64 globals "r0..", IR_NREGS32 i32 globals "w0.." and an i64
 * global "pc". Guest memory is a page-aligned buffer of IRRUN_GUEST_SIZE
 * bytes at guest address 0, followed by an inaccessible guard page (guest
 * accesses there fault with EXCP_SEGV).
 *
 * Programs are told apart by the TB flags: every irrun_set_program() gets a
 * fresh id, so a block translated for an earlier program is never reused
 * for a later one, while running the same program again hits the cached
 * block.
 */
#ifndef VEMU_TESTS_IRRUN_H
#define VEMU_TESTS_IRRUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/exec.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

#define IR_NREGS 16
#define IR_NREGS32 16

/* Guest pc of the first instruction of every test program. Generators
 * that emit more insn_start ops use IRRUN_ENTRY_PC + 4 * k. */
#define IRRUN_ENTRY_PC 0x10000ull
#define IRRUN_HALT_PC 0xdead0000ull
/* Returned by irrun_exec when the program ran to its end. */
#define IRRUN_EXCP_DONE 0x100

#define IRRUN_GUEST_SIZE (64 * 1024)
/* Inaccessible bytes after guest memory: every address a test forms past
 * IRRUN_GUEST_SIZE (the fuzzer's `x & 0xfff | IRRUN_GUEST_SIZE`, plus a
 * misalignment and the access size) must land here, never in whatever host
 * memory follows, or results would depend on the host's heap. */
#define IRRUN_GUARD_SIZE (16 * 1024)

typedef struct IrCpu {
    CPUState parent; /* must stay first: env points here */
    uint64_t regs[IR_NREGS];
    uint32_t regs32[IR_NREGS32];
    uint64_t pc;
    /* Not IR globals: */
    uint32_t flags; /* program id, the TB flags */
    uint64_t side;  /* free for helpers with side effects */
    uint8_t scratch[256] __attribute__((aligned(16))); /* for ld/st */
} IrCpu;

/* Emits the body of one program into s (after its first insn_start). */
typedef void (*IrGenFn)(TCGContext *s, void *opaque);

/* Global temps, valid in every context (created in the same order). */
extern TCGv ir_reg[IR_NREGS];
extern TCGv ir_reg32[IR_NREGS32];
extern TCGv ir_pc;

/* One-time set-up: guest memory, guest base, runtime (TCI backend first),
 * the CPU and the host fault handler. Idempotent. */
void irrun_init(void);
IrCpu *irrun_cpu(void);
uint8_t *irrun_guest_mem(void);

/* Switch to backend be with the optimizer on or off: re-initialises the
 * runtime if the backend changes, and flushes all blocks in any case. */
void irrun_select(const TCGBackend *be, bool optimize);
const TCGBackend *irrun_backend(void);
bool irrun_optimize(void);

/* Make gen/opaque the current program (a new TB flags id). The opaque
 * pointer must stay valid while the program may be translated. Every 2048
 * programs the harness flushes the code buffer to keep lookups cheap. */
void irrun_set_program(IrGenFn gen, void *opaque);
uint32_t irrun_program_id(void);

/* Run the current program from IRRUN_ENTRY_PC on cpu; returns the
 * exception that ended cpu_exec (IRRUN_EXCP_DONE on a normal end). */
int irrun_exec(IrCpu *cpu);

/* Initialise a private context holding the irrun globals, ready for a
 * block (tcg_func_start done); free it with tcg_context_free. */
void irrun_context_init(TCGContext *s);

/* Print the IR of a program using a private context: as generated
 * (passes = 0), or after the passes named by IRRUN_DUMP_* flags (with the
 * liveness annotations when IRRUN_DUMP_LIVENESS is set). */
enum {
    IRRUN_DUMP_OPTIMIZE = 1,
    IRRUN_DUMP_LIVENESS = 2,
    IRRUN_DUMP_PASSES = 3, /* both, in the runtime's order */
};
void irrun_dump(FILE *f, IrGenFn gen, void *opaque, unsigned passes);

/* Short printable name of the current backend/optimizer setting. */
const char *irrun_config_name(void);

/* The backends by short name, for loops over both. */
extern const TCGBackend *const irrun_backends[2];
extern const char *const irrun_backend_names[2];

#endif

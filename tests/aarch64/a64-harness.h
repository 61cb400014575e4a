/*
 * Test harness for the aarch64 front end: guest memory with an unmapped
 * guard page after it, one AArch64CPU, and the four run configurations
 * every test loops over (Check loop index):
 *
 *   bit 0: backend (0 native x86-64, 1 TCI)
 *   bit 1: optimizer (0 on, 1 off)
 *
 * Guest memory is [0, A64_MEM_SIZE); guest address A is host a64_mem + A.
 * The guard page after it is PROT_NONE, so accesses there give EXCP_SEGV.
 *
 * Code is written as assembly text and assembled by GNU as for aarch64
 * (binutils-aarch64-linux-gnu, installed with gcc-aarch64-linux-gnu by
 * scripts/setup.sh), an encoder independent of our decoder. Results are
 * checked against C references computed on the host.
 */
#ifndef VEMU_TESTS_A64_HARNESS_H
#define VEMU_TESTS_A64_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/aarch64/cpu.h"

#define A64_MEM_SIZE (1u << 20)
#define A64_CODE 0x1000u  /* where a64_run_asm places code */
#define A64_DATA 0x80000u /* scratch data area */
#define A64_NCONFIGS 4

extern AArch64CPU *a64_cpu;
extern uint8_t *a64_mem;

/* Set up (first call) or reset (later calls) memory, the CPU (with the
 * "max" model's features) and the runtime for configuration cfg.
 * Registers, flags, FPCR/FPSR and memory are zeroed. */
void a64_start(int cfg);
const char *a64_config_name(void);

/* Assemble text (lines separated by '\n' or ';') into words; returns the
 * number of words (fails the test on an assembler error). Results are
 * cached by text. */
size_t a64_assemble(const char *text, uint32_t *out, size_t max);

/* Assemble text followed by `svc #0`, place it at A64_CODE, run from
 * there, and require that execution stops at that svc. */
void a64_run_asm(const char *text);
/* Same, but return the exception cpu_exec gave (pc left in a64_cpu). */
int a64_run_asm_excp(const char *text);

void a64_poke(uint64_t addr, const void *p, size_t n);
uint64_t a64_peek64(uint64_t addr);
void a64_poke64(uint64_t addr, uint64_t v);

/* Condition cond (the A64 4-bit encoding) for flags nzcv (N = 8), from
 * the architectural ConditionHolds(): the C reference for B.cond, CSEL,
 * CCMP and friends. a64_cond_names[cond] is its assembler suffix. */
bool a64_cond_holds(int cond, uint32_t nzcv);
extern const char *const a64_cond_names[16];

/* NZCV as 4 bits (N = 8). */
uint32_t a64_nzcv(void);
void a64_set_nzcv(uint32_t nzcv);

/* Vector register access: lanes as in AArch64Vec. */
void a64_set_v(int r, uint64_t lo, uint64_t hi);

/* Run the tests (Check loop tests over [0, nloops), usually
 * A64_NCONFIGS) as one suite; returns the number of failures. */
#include <check.h>
int a64_run_suite(const char *name, const TTest *const *tests, size_t n,
                  int nloops);

/* ck_assert wrappers naming the configuration and a description. */
void a64_assert_x(int r, uint64_t want, const char *what);
void a64_assert_nzcv(uint32_t want, const char *what);
void a64_assert_v(int r, uint64_t lo, uint64_t hi, const char *what);
void a64_assert_excp(int got, int want, const char *what);

#endif

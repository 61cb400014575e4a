/*
 * Test harness for the riscv64 front end: one guest memory area with an
 * unmapped guard page after it, one RISCVCPU, and the four run
 * configurations every test loops over (Check loop index):
 *
 *   bit 0: backend (0 native x86-64, 1 TCI)
 *   bit 1: optimizer (0 on, 1 off)
 *
 * Guest memory is [0, RV_MEM_SIZE); guest address A is host
 * rv_mem + A. The guard page [RV_MEM_SIZE, RV_MEM_SIZE + 4096) is
 * PROT_NONE, so data accesses there give EXCP_SEGV; the fetch hook
 * refuses every address outside guest memory, so jumps there give
 * EXCP_SEGV too. Programs run until cpu_exec returns (normally at an
 * ecall, which leaves pc on the ecall).
 */
#ifndef VEMU_TESTS_RV_HARNESS_H
#define VEMU_TESTS_RV_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "rv-asm.h"
#include "target/riscv/cpu.h"

#define RV_MEM_SIZE (1u << 20)
#define RV_CODE 0x1000u  /* where programs are placed by default */
#define RV_DATA 0x80000u /* scratch data area */
#define RV_NCONFIGS 4

extern RISCVCPU *rv_cpu;
extern uint8_t *rv_mem;

/* Set up (first call) or reset (later calls) memory, the CPU and the
 * runtime for configuration cfg. Registers and memory are zeroed. */
void rv_start(int cfg);
const char *rv_config_name(void);

/* Copy the finished program to guest memory at its base address and drop
 * any translation of those bytes. */
void rv_load(RvAsm *as);
/* Store bytes into guest memory the same way (code or data). */
void rv_poke(uint64_t addr, const void *p, size_t n);

/* Run from pc until cpu_exec returns; returns the exception. */
int rv_run(uint64_t pc);
/* Run and require an ecall at ecall_pc (fails the test otherwise). */
void rv_run_to_ecall(uint64_t pc, uint64_t ecall_pc);

/* Little-endian guest memory accessors for expectations. */
uint64_t rv_peek64(uint64_t addr);
void rv_poke64(uint64_t addr, uint64_t v);

/* ck_assert wrappers naming the configuration. */
void rv_assert_reg(unsigned r, uint64_t want, const char *what);
void rv_assert_excp(int got, int want);

#endif

/*
 * riscv64 helpers: the C functions generated code calls for what is not
 * plain IR (exceptions, instruction-fetch faults, CSR accesses, fence.i),
 * with their TCGHelperInfo descriptors.
 *
 * Exceptions here always leave with the pc already stored by the
 * translator (the instruction's own pc), so they use cpu_loop_exit and
 * need no state restore.
 *
 * Counter CSRs are approximations (vemu counts neither cycles nor retired
 * instructions, which would cost an add in every block):
 *  - time: the host's CLOCK_MONOTONIC in units of 1/RISCV_TIMEBASE_HZ, so
 *    it agrees between CPUs and threads, like the shared mtime of a board;
 *  - cycle and instret: nanoseconds since riscv_cpu_init (a nominal 1 GHz
 *    hart retiring one instruction per cycle), each forced to increase by
 *    at least 1 between two reads on the same CPU, since at least the
 *    reading instruction itself retired in between.
 */
#include <assert.h>
#include <time.h>

#include "target/riscv/cpu.h"

static uint64_t host_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Raise a guest exception at the instruction whose pc the translator has
 * stored (illegal instruction, ecall, ebreak). */
static void helper_raise(CPUState *cs, uint64_t excp)
{
    cs->exception_index = (int)excp;
    cpu_loop_exit(cs);
}

const TCGHelperInfo riscv_helper_raise = {
    .func = (void *)helper_raise,
    .name = "riscv_raise",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* The code at addr could not be fetched (riscv_fetch_ok said no): the
 * same exception a data access to an unmapped page gives, so linux-user
 * turns both into SIGSEGV at fault_addr. */
static void helper_fetch_fault(CPUState *cs, uint64_t addr)
{
    cs->fault_addr = addr;
    cs->fault_write = false;
    cs->exception_index = EXCP_SEGV;
    cpu_loop_exit(cs);
}

const TCGHelperInfo riscv_helper_fetch_fault = {
    .func = (void *)helper_fetch_fault,
    .name = "riscv_fetch_fault",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* Strictly increasing view of the clock for one counter. */
static uint64_t counter_next(uint64_t *last, uint64_t now)
{
    uint64_t v = now > *last ? now : *last + 1;

    *last = v;
    return v;
}

/* Read a CSR the translator has checked exists. */
static uint64_t helper_csr_read(CPUState *cs, uint64_t csr)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;

    switch (csr) {
    case CSR_FFLAGS:
        return cpu->fflags;
    case CSR_FRM:
        return cpu->frm;
    case CSR_FCSR:
        return (uint64_t)cpu->frm << 5 | cpu->fflags;
    case CSR_CYCLE:
        return counter_next(&cpu->last_cycle,
                            host_clock_ns() - cpu->clock_base_ns);
    case CSR_INSTRET:
        return counter_next(&cpu->last_instret,
                            host_clock_ns() - cpu->clock_base_ns);
    case CSR_TIME:
        return host_clock_ns() / (1000000000ull / RISCV_TIMEBASE_HZ);
    default:
        assert(!"riscv: CSR read not checked by the translator");
        return 0;
    }
}

/* Touches only CSR fields, never a register global. */
const TCGHelperInfo riscv_helper_csr_read = {
    .func = (void *)helper_csr_read,
    .name = "riscv_csr_read",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* Write a writable CSR (the translator rejects writes to counters). Bits
 * outside the field are dropped: they read as zero on hardware. */
static void helper_csr_write(CPUState *cs, uint64_t csr, uint64_t val)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;

    switch (csr) {
    case CSR_FFLAGS:
        cpu->fflags = (uint32_t)val & 0x1f;
        break;
    case CSR_FRM:
        cpu->frm = (uint32_t)val & 7;
        break;
    case CSR_FCSR:
        cpu->fflags = (uint32_t)val & 0x1f;
        cpu->frm = (uint32_t)(val >> 5) & 7;
        break;
    default:
        assert(!"riscv: CSR write not checked by the translator");
    }
}

const TCGHelperInfo riscv_helper_csr_write = {
    .func = (void *)helper_csr_write,
    .name = "riscv_csr_write",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = false,
    .nb_args = 3,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * fence.i: the guest may have written code we have translated. The
 * instruction names no range, so every translation goes (the runtime
 * visits only pages that hold code, so the full range is cheap to ask
 * for). Guests that call fence.i often (JITs) pay with retranslation. The
 * translator ends the block right after the call and returns to the main
 * loop, so the next instruction is looked up afresh.
 */
static void helper_fence_i(CPUState *cs)
{
    (void)cs;
    tb_invalidate_range(0, UINT64_MAX);
}

const TCGHelperInfo riscv_helper_fence_i = {
    .func = (void *)helper_fence_i,
    .name = "riscv_fence_i",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = false,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

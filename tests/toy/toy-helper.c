/*
 * Toy helpers: the C functions generated code calls for instructions that
 * are not plain IR (out, fencei, chkeq, halt, exceptions), with their
 * TCGHelperInfo descriptors. Helpers that raise a guest exception mid-block
 * use cpu_raise_exception_ra with their own return address so the runtime
 * restores the exact guest pc from the block's insn_start data; the
 * translator never stores the pc before calling them.
 */
#include <stdlib.h>

#include "toy-cpu.h"

#define GETPC() ((uintptr_t)__builtin_return_address(0))

/* out rs: append the value to the CPU's output buffer. */
static void helper_out(CPUState *cs, uint64_t value)
{
    ToyCPU *cpu = (ToyCPU *)cs;

    if (cpu->nb_out == cpu->out_cap) {
        size_t cap = cpu->out_cap ? cpu->out_cap * 2 : 64;
        uint64_t *p = realloc(cpu->out, cap * sizeof(*p));
        if (!p) {
            abort();
        }
        cpu->out = p;
        cpu->out_cap = cap;
    }
    cpu->out[cpu->nb_out++] = value;
}

const TCGHelperInfo toy_helper_out = {
    .func = (void *)helper_out,
    .name = "toy_out",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* fencei rs1, rs2: drop translations of [rs1, rs1 + rs2). The translator
 * ends the block right after the call. */
static void helper_fencei(CPUState *cs, uint64_t start, uint64_t len)
{
    if (len != 0) {
        uint64_t end = start + len < start ? UINT64_MAX : start + len;
        tb_invalidate_range(start, end);
    }
}

const TCGHelperInfo toy_helper_fencei = {
    .func = (void *)helper_fencei,
    .name = "toy_fencei",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = false,
    .nb_args = 3,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

/* fencei with rs2 = r0: drop translations of all guest memory. */
static void helper_fencei_all(CPUState *cs)
{
    ToyCPU *cpu = (ToyCPU *)cs;

    tb_invalidate_range(0, cpu->mem_size);
}

const TCGHelperInfo toy_helper_fencei_all = {
    .func = (void *)helper_fencei_all,
    .name = "toy_fencei_all",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = false,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

/* chkeq rs1, rs2: raise EXCP_TOY_CHECK at this instruction if they differ;
 * otherwise execution continues in the same block. */
static void helper_chkeq(CPUState *cs, uint64_t a, uint64_t b)
{
    if (a != b) {
        cpu_raise_exception_ra(cs, EXCP_TOY_CHECK, GETPC());
    }
}

const TCGHelperInfo toy_helper_chkeq = {
    .func = (void *)helper_chkeq,
    .name = "toy_chkeq",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 3,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

/* halt: stop with EXCP_TOY_HALT, pc left on the halt instruction. */
static void helper_halt(CPUState *cs)
{
    cpu_raise_exception_ra(cs, EXCP_TOY_HALT, GETPC());
}

const TCGHelperInfo toy_helper_halt = {
    .func = (void *)helper_halt,
    .name = "toy_halt",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

/* Raise an exception whose pc the translator has already stored (illegal
 * instruction, fetch fault): no state restore needed. */
static void helper_raise(CPUState *cs, uint64_t excp)
{
    cs->exception_index = (int)excp;
    cpu_loop_exit(cs);
}

const TCGHelperInfo toy_helper_raise = {
    .func = (void *)helper_raise,
    .name = "toy_raise",
    .flags = TCG_CALL_NO_RETURN | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = false,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

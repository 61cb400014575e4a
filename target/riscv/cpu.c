/*
 * riscv64 CPU object: the TargetOps glue (translation-selecting state,
 * state restore after a fault, -d in_asm), CPU set-up, the default fetch
 * hook and exception names. The decoder and translator are in
 * translate.c, the helpers in helper.c.
 */
#include "target/riscv/cpu.h"

#include <string.h>
#include <time.h>

static bool fetch_ok_always(uint64_t addr, size_t len)
{
    (void)addr;
    (void)len;
    return true;
}

bool (*riscv_fetch_ok)(uint64_t addr, size_t len) = fetch_ok_always;

static void riscv_get_tb_cpu_state(CPUState *cs, uint64_t *pc, uint32_t *flags)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;

    *pc = cpu->pc;
    /* No mode changes translation yet (F/D will add the FS state). */
    /* Always 0, which lookup_pc_offset below relies on. */
    *flags = 0;
}

/* insn_start carries (pc, 0): the pc is all an instruction needs to be
 * restarted, since every instruction does its faulting work before it
 * writes a guest register. */
static void riscv_restore_state(CPUState *cs, const uint64_t *data)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;

    cpu->pc = data[0];
}

const TargetOps riscv_target_ops = {
    .name = "riscv64",
    .tcg_init = riscv_tcg_init,
    .get_tb_cpu_state = riscv_get_tb_cpu_state,
    .translate = riscv_translate,
    .restore_state = riscv_restore_state,
    .disas = riscv_disas,
    .lookup_pc_offset = offsetof(RISCVCPU, pc),
};

void riscv_cpu_init(RISCVCPU *cpu)
{
    struct timespec ts;

    /* cpu_init_common zeroes the runtime part (128 KiB of jump cache):
     * zero only what follows it, so each byte is written once. */
    memset((char *)cpu + sizeof(cpu->parent), 0,
           sizeof(*cpu) - sizeof(cpu->parent));
    cpu_init_common(&cpu->parent, &riscv_target_ops);
    cpu->load_res = RISCV_NO_RESERVATION;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    cpu->clock_base_ns =
        (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *riscv_excp_name(int excp)
{
    switch (excp) {
    case EXCP_RISCV_ILLEGAL:
        return "illegal instruction";
    case EXCP_RISCV_BREAKPOINT:
        return "breakpoint";
    case EXCP_RISCV_ECALL:
        return "environment call";
    default:
        return tcg_excp_name(excp);
    }
}

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *riscv_reg_name(unsigned r)
{
    return r < 32 ? reg_names[r] : "?";
}

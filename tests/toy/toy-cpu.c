/*
 * Toy CPU object: TargetOps glue (block selection state, fault state
 * restore, -d in_asm), CPU set-up and guest memory mapping with a guard
 * page. Everything the runtime needs beyond the decoder lives here.
 */
#include "toy-cpu.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void toy_get_tb_cpu_state(CPUState *cs, uint64_t *pc, uint32_t *flags)
{
    ToyCPU *cpu = (ToyCPU *)cs;

    *pc = cpu->pc;
    *flags = 0; /* the toy has no modes */
}

static void toy_restore_state(CPUState *cs, const uint64_t *data)
{
    ToyCPU *cpu = (ToyCPU *)cs;

    cpu->pc = data[0];
}

/* -d in_asm: never read outside guest memory (a block may consist of a
 * single fetch fault at a pc past the end). */
static void toy_target_disas(FILE *f, uint64_t pc, size_t size)
{
    const ToyCPU *cpu = (const ToyCPU *)current_cpu;

    if (cpu && cpu->parent.ops == &toy_target_ops &&
        (pc >= cpu->mem_size || size > cpu->mem_size - pc)) {
        fprintf(f, "0x%08llx:  <outside guest memory>\n",
                (unsigned long long)pc);
        return;
    }
    toy_disas(f, pc, size);
}

const TargetOps toy_target_ops = {
    .name = "toy",
    .tcg_init = toy_tcg_init,
    .get_tb_cpu_state = toy_get_tb_cpu_state,
    .translate = toy_translate,
    .restore_state = toy_restore_state,
    .disas = toy_target_disas,
    /* Flags are always 0: indirect jumps may probe the jump cache inline
     * (native backend), which the runtime tests then exercise. */
    .lookup_pc_offset = offsetof(ToyCPU, pc),
};

void toy_cpu_init(ToyCPU *cpu, uint64_t mem_size)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem_size = mem_size;
    cpu_init_common(&cpu->parent, &toy_target_ops);
}

void toy_cpu_free(ToyCPU *cpu)
{
    free(cpu->out);
    cpu->out = NULL;
    cpu->nb_out = cpu->out_cap = 0;
}

void toy_cpu_clear_output(ToyCPU *cpu)
{
    cpu->nb_out = 0;
}

int toy_cpu_run(ToyCPU *cpu)
{
    return cpu_exec(&cpu->parent);
}

static size_t page_round(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (size + page - 1) & ~(page - 1);
}

uint8_t *toy_mem_new(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = page_round(size);
    uint8_t *p = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        return NULL;
    }
    if (mprotect(p + len, page, PROT_NONE) != 0) {
        munmap(p, len + page);
        return NULL;
    }
    tcg_guest_base = (uintptr_t)p;
    return p;
}

void toy_mem_free(uint8_t *mem, size_t size)
{
    if (mem) {
        munmap(mem, page_round(size) + (size_t)sysconf(_SC_PAGESIZE));
    }
}

const char *toy_excp_name(int excp)
{
    switch (excp) {
    case EXCP_TOY_HALT:
        return "halt";
    case EXCP_TOY_ILLEGAL:
        return "illegal instruction";
    case EXCP_TOY_FETCH:
        return "instruction fetch fault";
    case EXCP_TOY_CHECK:
        return "chkeq failed";
    default:
        return tcg_excp_name(excp);
    }
}

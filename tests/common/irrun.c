/*
 * irrun: the IR-runner test guest (see irrun.h). Implements TargetOps for a
 * guest whose blocks are emitted by a test callback, owns the guest memory
 * buffer and the single test CPU, and wraps backend/optimizer switching.
 *
 * Relies on the runtime contract of tcg/exec.h only: tcg_init creates the
 * globals, get_tb_cpu_state/translate/restore_state drive translation, and
 * a NO_RETURN helper leaves cpu_exec through cpu_loop_exit.
 */
#include "irrun.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

TCGv ir_reg[IR_NREGS];
TCGv ir_reg32[IR_NREGS32];
TCGv ir_pc;

const TCGBackend *const irrun_backends[2] = {&tcg_backend_tci,
                                             &tcg_backend_x86_64};
const char *const irrun_backend_names[2] = {"tci", "x86_64"};

static IrCpu irrun_the_cpu;
static uint8_t *guest_mem;
static bool initialised;
static bool cur_optimize = true;

/* The current program. */
static IrGenFn cur_gen;
static void *cur_opaque;
static uint32_t cur_id;
static uint32_t programs_since_flush;

static char reg_names[IR_NREGS + IR_NREGS32][8];

static void irrun_tcg_init(TCGContext *s)
{
    for (int i = 0; i < IR_NREGS; i++) {
        snprintf(reg_names[i], sizeof(reg_names[i]), "r%d", i);
        ir_reg[i] = tcg_global_mem_new(s, TCG_TYPE_I64,
                                       offsetof(IrCpu, regs[i]), reg_names[i]);
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        char *n = reg_names[IR_NREGS + i];
        snprintf(n, sizeof(reg_names[0]), "w%d", i);
        ir_reg32[i] =
            tcg_global_mem_new(s, TCG_TYPE_I32, offsetof(IrCpu, regs32[i]), n);
    }
    ir_pc = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(IrCpu, pc), "pc");
}

static void irrun_get_tb_cpu_state(CPUState *cpu, uint64_t *pc, uint32_t *flags)
{
    IrCpu *c = (IrCpu *)cpu;
    *pc = c->pc;
    *flags = c->pc == IRRUN_HALT_PC ? 0 : c->flags;
}

static void irrun_helper_halt(CPUState *cpu)
{
    cpu->exception_index = IRRUN_EXCP_DONE;
    cpu_loop_exit(cpu);
}

static const TCGHelperInfo irrun_halt_info = {
    .func = (void *)irrun_helper_halt,
    .name = "irrun_halt",
    .flags = TCG_CALL_NO_RETURN,
    .has_ret = false,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

/* Emit a whole program; returns the number of guest instructions. */
static uint32_t emit_program(TCGContext *s, IrGenFn gen, void *opaque)
{
    tcg_gen_insn_start(s, IRRUN_ENTRY_PC, 0);
    gen(s, opaque);
    bool ended = false;
    if (s->nb_ops > 0) {
        TCGOpcode last = s->ops[s->nb_ops - 1].opc;
        ended = last == INDEX_op_exit_tb || last == INDEX_op_goto_ptr;
    }
    if (!ended) {
        tcg_gen_movi(s, TCG_TYPE_I64, ir_pc, IRRUN_HALT_PC);
        tcg_gen_exit_tb(s, NULL, 0);
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc == INDEX_op_insn_start;
    }
    return n;
}

static void irrun_translate(CPUState *cpu, TCGContext *s, TranslationBlock *tb,
                            int max_insns)
{
    (void)cpu;
    (void)max_insns;
    if (tb->pc == IRRUN_HALT_PC) {
        tcg_gen_insn_start(s, tb->pc, 0);
        tcg_gen_call(s, &irrun_halt_info, 0, &s->env_temp);
        tcg_gen_exit_tb(s, NULL, 0);
        tb->icount = 1;
        tb->size = 4;
        return;
    }
    if (tb->pc != IRRUN_ENTRY_PC || tb->flags != cur_id || !cur_gen) {
        fprintf(stderr,
                "irrun: asked to translate pc=0x%llx flags=%u but the "
                "current program is id %u at pc 0x%llx\n",
                (unsigned long long)tb->pc, tb->flags, cur_id,
                (unsigned long long)IRRUN_ENTRY_PC);
        abort();
    }
    tb->icount = emit_program(s, cur_gen, cur_opaque);
    tb->size = 4 * tb->icount;
}

static void irrun_restore_state(CPUState *cpu, const uint64_t *data)
{
    ((IrCpu *)cpu)->pc = data[0];
}

static const TargetOps irrun_ops = {
    .name = "irrun",
    .tcg_init = irrun_tcg_init,
    .get_tb_cpu_state = irrun_get_tb_cpu_state,
    .translate = irrun_translate,
    .restore_state = irrun_restore_state,
    .disas = NULL,
};

void irrun_init(void)
{
    if (initialised) {
        return;
    }
    size_t total = IRRUN_GUEST_SIZE + IRRUN_GUARD_SIZE;
    void *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("irrun: mmap guest memory");
        abort();
    }
    guest_mem = p;
    if (mprotect(guest_mem + IRRUN_GUEST_SIZE, IRRUN_GUARD_SIZE, PROT_NONE)) {
        perror("irrun: mprotect guard page");
        abort();
    }
    tcg_guest_base = (uintptr_t)guest_mem;

    tcg_exec_init(0, &tcg_backend_tci);
    memset(&irrun_the_cpu, 0, sizeof(irrun_the_cpu));
    cpu_init_common(&irrun_the_cpu.parent, &irrun_ops);
    tcg_install_fault_handler();
    tcg_thread_context()->optimize = cur_optimize;
    initialised = true;
}

IrCpu *irrun_cpu(void)
{
    irrun_init();
    return &irrun_the_cpu;
}

uint8_t *irrun_guest_mem(void)
{
    irrun_init();
    return guest_mem;
}

void irrun_select(const TCGBackend *be, bool optimize)
{
    irrun_init();
    if (tcg_current_backend() != be) {
        tcg_exec_init(0, be);
    } else {
        tb_flush();
    }
    cur_optimize = optimize;
    tcg_thread_context()->optimize = optimize;
    programs_since_flush = 0;
}

const TCGBackend *irrun_backend(void)
{
    return tcg_current_backend();
}

bool irrun_optimize(void)
{
    return cur_optimize;
}

const char *irrun_config_name(void)
{
    const TCGBackend *be = tcg_current_backend();
    if (be == &tcg_backend_tci) {
        return cur_optimize ? "tci+opt" : "tci";
    }
    return cur_optimize ? "x86_64+opt" : "x86_64";
}

void irrun_set_program(IrGenFn gen, void *opaque)
{
    irrun_init();
    if (++programs_since_flush >= 2048) {
        tb_flush();
        programs_since_flush = 0;
    }
    cur_gen = gen;
    cur_opaque = opaque;
    cur_id++;
    if (cur_id == 0) {
        cur_id = 1; /* 0 is the halt block's flags */
    }
}

uint32_t irrun_program_id(void)
{
    return cur_id;
}

int irrun_exec(IrCpu *cpu)
{
    cpu->pc = IRRUN_ENTRY_PC;
    cpu->flags = cur_id;
    cpu->parent.exception_index = -1;
    return cpu_exec(&cpu->parent);
}

void irrun_context_init(TCGContext *s)
{
    tcg_context_init(s);
    irrun_tcg_init(s);
    tcg_func_start(s);
}

void irrun_dump(FILE *f, IrGenFn gen, void *opaque, unsigned passes)
{
    TCGContext s;
    irrun_context_init(&s);
    emit_program(&s, gen, opaque);
    if (passes & IRRUN_DUMP_OPTIMIZE) {
        tcg_optimize(&s);
    }
    if (passes & IRRUN_DUMP_LIVENESS) {
        tcg_liveness(&s);
    }
    tcg_dump_ops(&s, f, (passes & IRRUN_DUMP_LIVENESS) != 0);
    tcg_context_free(&s);
}

/*
 * Toy front end: guest instructions to IR. The decoder is toy_decode()
 * (toy-isa.c, from toy-insns.def); each table entry names a trans_*()
 * here, which is a line or two calling the gen_* helpers below.
 *
 * Block shape:
 *  - one insn_start(pc, 0) per guest instruction, so a fault or a helper
 *    raising with its return address restores the exact pc;
 *  - direct jumps store the target pc and then goto_tb n + exit_tb(tb, n)
 *    (docs/tcg-ir.md requires exit_tb right after goto_tb, so the store
 *    comes first: a chained jump stores a pc the next block never reads,
 *    which costs one store and keeps the pc right when unchained);
 *  - indirect jumps store the pc and use lookup_and_goto_ptr;
 *  - fencei ends the block with exit_tb(NOCHAIN) after invalidating, so no
 *    stale translation runs after it;
 *  - a block stops after max_insns instructions or at a page end.
 * Guest registers r1..r15 and pc are IR globals; r0 reads as constant 0 and
 * writes to it go to a scratch temp (the instruction's memory access or
 * helper call still happens).
 */
#include <assert.h>
#include <string.h>

#include "tcg/tcg-op.h"
#include "toy-cpu.h"

uint32_t toy_cpu_reg_temp[TOY_NREGS];
uint32_t toy_cpu_pc_temp;
static bool globals_made;

static const char *const reg_names[TOY_NREGS] = {
    "r0", "r1", "r2",  "r3",  "r4",  "r5",  "r6",  "r7",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

void toy_tcg_init(TCGContext *s)
{
    uint32_t regs[TOY_NREGS] = {0};
    uint32_t pc;

    for (int i = 1; i < TOY_NREGS; i++) {
        regs[i] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(ToyCPU, regs[i]),
                                     reg_names[i]);
    }
    pc = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(ToyCPU, pc), "pc");

    /* Every context creates the same globals in the same order, so the
     * indexes agree; a context that disagrees would be a runtime bug. */
    if (globals_made) {
        assert(memcmp(regs, toy_cpu_reg_temp, sizeof(regs)) == 0 &&
               pc == toy_cpu_pc_temp && "toy globals differ per context");
        return;
    }
    memcpy(toy_cpu_reg_temp, regs, sizeof(regs));
    toy_cpu_pc_temp = pc;
    globals_made = true;
}

enum {
    DISAS_NEXT,  /* keep translating */
    DISAS_ENDED, /* the block's exit has been emitted */
};

typedef struct DisasContext {
    TCGContext *s;
    TranslationBlock *tb;
    ToyCPU *cpu;
    uint64_t pc;      /* this instruction */
    uint64_t next_pc; /* the one after it */
    int state;
} DisasContext;

/* ---- small generators ---- */

static TCGv reg_src(DisasContext *dc, unsigned r)
{
    if (r == 0) {
        return tcg_const(dc->s, TCG_TYPE_I64, 0);
    }
    return toy_cpu_reg_temp[r];
}

static TCGv reg_dst(DisasContext *dc, unsigned r)
{
    if (r == 0) {
        return tcg_temp_ebb(dc->s, TCG_TYPE_I64);
    }
    return toy_cpu_reg_temp[r];
}

static TCGv env(DisasContext *dc)
{
    return dc->s->env_temp;
}

static void gen_set_pc(DisasContext *dc, uint64_t pc)
{
    tcg_gen_movi(dc->s, TCG_TYPE_I64, toy_cpu_pc_temp, pc);
}

/* Direct jump through exit n of this block. */
static void gen_goto_tb(DisasContext *dc, unsigned n, uint64_t dest)
{
    gen_set_pc(dc, dest);
    tcg_gen_goto_tb(dc->s, n);
    tcg_gen_exit_tb(dc->s, dc->tb, n);
}

/* Leave to the main loop without chaining, pc already stored. */
static void gen_exit_nochain(DisasContext *dc)
{
    tcg_gen_exit_tb(dc->s, NULL, 0);
    dc->state = DISAS_ENDED;
}

/* Raise excp at this instruction: pc stored here, no restore needed. */
static void gen_exception(DisasContext *dc, int excp)
{
    TCGv args[2] = {env(dc), tcg_const(dc->s, TCG_TYPE_I64, (uint64_t)excp)};

    gen_set_pc(dc, dc->pc);
    tcg_gen_call(dc->s, &toy_helper_raise, 0, args);
    gen_exit_nochain(dc); /* not reached: keeps every path terminated */
}

static void gen_binop(DisasContext *dc, TCGOpcode opc, unsigned rd, TCGv a,
                      TCGv b)
{
    TCG_GEN(dc->s, opc, TCG_TYPE_I64, reg_dst(dc, rd), a, b);
}

/* Guest address rs1 + imm in a fresh temp. */
static TCGv gen_addr(DisasContext *dc, unsigned rs1, int64_t imm)
{
    TCGv addr = tcg_temp_ebb(dc->s, TCG_TYPE_I64);

    tcg_gen_addi(dc->s, TCG_TYPE_I64, addr, reg_src(dc, rs1), (uint64_t)imm);
    return addr;
}

/* ---- one trans_* per translator column of toy-insns.def ---- */

static void trans_li(DisasContext *dc, const ToyInsn *d)
{
    tcg_gen_movi(dc->s, TCG_TYPE_I64, reg_dst(dc, d->a), (uint64_t)d->imm);
}

static void trans_shori(DisasContext *dc, const ToyInsn *d)
{
    TCGv t = tcg_temp_ebb(dc->s, TCG_TYPE_I64);

    tcg_gen_shli(dc->s, TCG_TYPE_I64, t, reg_src(dc, d->a), 16);
    tcg_gen_ori(dc->s, TCG_TYPE_I64, reg_dst(dc, d->a), t, (uint64_t)d->imm);
}

static void trans_alu(DisasContext *dc, const ToyInsn *d)
{
    gen_binop(dc, (TCGOpcode)d->info->arg, d->a, reg_src(dc, d->b),
              reg_src(dc, d->c));
}

static void trans_alui(DisasContext *dc, const ToyInsn *d)
{
    gen_binop(dc, (TCGOpcode)d->info->arg, d->a, reg_src(dc, d->b),
              tcg_const(dc->s, TCG_TYPE_I64, (uint64_t)d->imm));
}

static void trans_setcond(DisasContext *dc, const ToyInsn *d)
{
    tcg_gen_setcond(dc->s, TCG_TYPE_I64, (TCGCond)d->info->arg,
                    reg_dst(dc, d->a), reg_src(dc, d->b), reg_src(dc, d->c));
}

static void trans_setcondi(DisasContext *dc, const ToyInsn *d)
{
    tcg_gen_setcond(dc->s, TCG_TYPE_I64, (TCGCond)d->info->arg,
                    reg_dst(dc, d->a), reg_src(dc, d->b),
                    tcg_const(dc->s, TCG_TYPE_I64, (uint64_t)d->imm));
}

static void trans_branch(DisasContext *dc, const ToyInsn *d)
{
    uint32_t taken = tcg_label_new(dc->s);

    tcg_gen_brcond(dc->s, TCG_TYPE_I64, (TCGCond)d->info->arg,
                   reg_src(dc, d->a), reg_src(dc, d->b), taken);
    gen_goto_tb(dc, 1, dc->next_pc);
    tcg_gen_set_label(dc->s, taken);
    gen_goto_tb(dc, 0, dc->pc + (uint64_t)(d->imm * 4));
    dc->state = DISAS_ENDED;
}

static void trans_jal(DisasContext *dc, const ToyInsn *d)
{
    if (d->a != 0) {
        tcg_gen_movi(dc->s, TCG_TYPE_I64, reg_dst(dc, d->a), dc->next_pc);
    }
    gen_goto_tb(dc, 0, dc->pc + (uint64_t)(d->imm * 4));
    dc->state = DISAS_ENDED;
}

static void trans_jalr(DisasContext *dc, const ToyInsn *d)
{
    /* Target first: rd may be rs1. */
    TCGv target = gen_addr(dc, d->b, d->imm);

    if (d->a != 0) {
        tcg_gen_movi(dc->s, TCG_TYPE_I64, reg_dst(dc, d->a), dc->next_pc);
    }
    tcg_gen_mov(dc->s, TCG_TYPE_I64, toy_cpu_pc_temp, target);
    tcg_gen_lookup_and_goto_ptr(dc->s);
    dc->state = DISAS_ENDED;
}

static void trans_load(DisasContext *dc, const ToyInsn *d)
{
    /* The load writes rd only once it has succeeded. */
    tcg_gen_qemu_ld(dc->s, TCG_TYPE_I64, reg_dst(dc, d->a),
                    gen_addr(dc, d->b, d->imm), (MemOp)d->info->arg);
}

static void trans_store(DisasContext *dc, const ToyInsn *d)
{
    tcg_gen_qemu_st(dc->s, TCG_TYPE_I64, reg_src(dc, d->a),
                    gen_addr(dc, d->b, d->imm), (MemOp)d->info->arg);
}

static void trans_amoadd(DisasContext *dc, const ToyInsn *d)
{
    tcg_gen_atomic_fetch(dc->s, TCG_TYPE_I64, TCG_AOP_ADD, reg_dst(dc, d->a),
                         reg_src(dc, d->b), reg_src(dc, d->c),
                         (MemOp)d->info->arg);
}

static void trans_out(DisasContext *dc, const ToyInsn *d)
{
    TCGv args[2] = {env(dc), reg_src(dc, d->a)};

    tcg_gen_call(dc->s, &toy_helper_out, 0, args);
}

static void trans_fencei(DisasContext *dc, const ToyInsn *d)
{
    if (d->b == 0) {
        TCGv args[1] = {env(dc)};
        tcg_gen_call(dc->s, &toy_helper_fencei_all, 0, args);
    } else {
        TCGv args[3] = {env(dc), reg_src(dc, d->a), reg_src(dc, d->b)};
        tcg_gen_call(dc->s, &toy_helper_fencei, 0, args);
    }
    /* The code after this instruction may just have changed. */
    gen_set_pc(dc, dc->next_pc);
    gen_exit_nochain(dc);
}

static void trans_chkeq(DisasContext *dc, const ToyInsn *d)
{
    TCGv args[3] = {env(dc), reg_src(dc, d->a), reg_src(dc, d->b)};

    tcg_gen_call(dc->s, &toy_helper_chkeq, 0, args);
}

static void trans_halt(DisasContext *dc, const ToyInsn *d)
{
    TCGv args[1] = {env(dc)};

    tcg_gen_call(dc->s, &toy_helper_halt, 0, args);
    /* Not reached (the helper never returns); keeps the path terminated. */
    gen_set_pc(dc, dc->pc);
    gen_exit_nochain(dc);
}

typedef void TransFn(DisasContext *dc, const ToyInsn *d);

static TransFn *const trans_table[256] = {
#define INSN(name, op, fmt, tr, arg) [op] = trans_##tr,
#include "toy-insns.def"
#undef INSN
};

/* Read the instruction word at pc; false if it cannot be fetched. */
static bool fetch(const ToyCPU *cpu, uint64_t pc, uint32_t *word)
{
    if (pc % TOY_INSN_BYTES != 0 || pc >= cpu->mem_size ||
        cpu->mem_size - pc < TOY_INSN_BYTES) {
        return false;
    }
    memcpy(word, (const void *)(tcg_guest_base + pc), TOY_INSN_BYTES);
    return true;
}

void toy_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                   int max_insns)
{
    DisasContext dc = {
        .s = s,
        .tb = tb,
        .cpu = (ToyCPU *)cs,
        .pc = tb->pc,
        .state = DISAS_NEXT,
    };
    uint32_t icount = 0;
    uint64_t end;

    assert(max_insns >= 1 && "runtime passed no instruction budget");
    for (;;) {
        uint32_t word;
        ToyInsn d;

        tcg_gen_insn_start(s, dc.pc, 0);
        icount++;
        dc.next_pc = dc.pc + TOY_INSN_BYTES;
        if (!fetch(dc.cpu, dc.pc, &word)) {
            gen_exception(&dc, EXCP_TOY_FETCH);
        } else if (!toy_decode(word, &d)) {
            gen_exception(&dc, EXCP_TOY_ILLEGAL);
        } else {
            trans_table[d.opcode](&dc, &d);
        }
        end = dc.next_pc;
        if (dc.state != DISAS_NEXT) {
            break;
        }
        if ((int)icount >= max_insns || end % TOY_PAGE_SIZE == 0) {
            gen_goto_tb(&dc, 0, end);
            break;
        }
        dc.pc = end;
    }
    tb->size = (uint32_t)(end - tb->pc);
    tb->icount = icount;
}

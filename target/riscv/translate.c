/*
 * riscv64 front end: guest instructions to IR.
 *
 * The decoders are generated at build time from insn32.decode and
 * insn16.decode (tools/decodetree.py, docs/decode-format.md); they call
 * one trans_<name>() per pattern, defined in the trans_*.c.inc files
 * included at the end, which are mostly one-line calls to the gen_*
 * helpers below. A trans_ function that returns false (a reserved
 * encoding the patterns cannot exclude) makes the instruction illegal; it
 * must decide that before it emits any op.
 *
 * Block shape (docs/adding-a-guest.md):
 *  - one insn_start(pc, 0) per guest instruction;
 *  - a block ends at a branch or jump (except a forward j within its
 *    first page, see gen_jal), after an exception, ecall, ebreak
 *    or fence.i, when the next instruction starts on another 4 KiB page
 *    than the block's first one (so a block covers at most that page plus
 *    the tail of a 32-bit instruction straddling into the next), or after
 *    max_insns instructions;
 *  - direct jumps store the target pc, then goto_tb n + exit_tb(tb, n);
 *    jalr stores the pc and uses lookup_and_goto_ptr, unless the
 *    instruction before it (lui/auipc) made the target a constant;
 *  - every instruction does its memory accesses and faulting work before
 *    it writes a guest register, so restoring the pc is a full restore.
 *
 * x1..x31 and pc are IR globals; x0 reads as the constant 0 and writes
 * to it go to a scratch temp, so the instruction's memory access or
 * helper call still happens.
 *
 * Instruction fetch happens here, at translation time, by plain host
 * reads through tcg_guest_base after asking riscv_fetch_ok (cpu.h); an
 * address it refuses becomes a run-time EXCP_SEGV at that instruction.
 */
#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "target/riscv/cpu.h"
#include "target/riscv/fpu.h"
#include "tcg/tcg-op.h"

#define RISCV_PAGE_SIZE 4096u

/* IR globals, identical in every context (created in the same order).
 * Each guest thread has its own context, so the first ones may be made
 * concurrently: the lock makes the first one publish the indexes and the
 * others check them. */
static TCGv cpu_gpr[32]; /* cpu_gpr[0] unused */
static TCGv cpu_pc;
static bool globals_made;
static pthread_mutex_t globals_lock = PTHREAD_MUTEX_INITIALIZER;

void riscv_tcg_init(TCGContext *s)
{
    TCGv gpr[32] = {0};
    TCGv pc;

    for (int i = 1; i < 32; i++) {
        gpr[i] = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(RISCVCPU, gpr[i]),
                                    riscv_reg_name((unsigned)i));
    }
    pc = tcg_global_mem_new(s, TCG_TYPE_I64, offsetof(RISCVCPU, pc), "pc");

    pthread_mutex_lock(&globals_lock);
    if (globals_made) {
        assert(memcmp(gpr, cpu_gpr, sizeof(gpr)) == 0 && pc == cpu_pc &&
               "riscv globals differ per context");
    } else {
        memcpy(cpu_gpr, gpr, sizeof(gpr));
        cpu_pc = pc;
        globals_made = true;
    }
    pthread_mutex_unlock(&globals_lock);
}

typedef struct DisasContext {
    TCGContext *s;
    TranslationBlock *tb;
    uint64_t pc;      /* this instruction */
    uint64_t next_pc; /* the one after it: pc + 2 or pc + 4 */
    bool ended;       /* the block's exit has been emitted */
    /* "slli rd, rs, 32" with rd != rs, rd != 0 (trans_slli): set by this
     * instruction, and as seen by the next one; 0 when none. */
    int zext_rd, zext_rs;
    int prev_zext_rd, prev_zext_rs;
    /* "lui/auipc rd, imm" with rd != 0 (trans_lui, trans_auipc): rd and
     * the constant it now holds, set by this instruction and as seen by
     * the next one; rd 0 when none. */
    int const_rd, prev_const_rd;
    uint64_t const_val, prev_const_val;
} DisasContext;

/* The field functions first, then the decoders generated from
 * insn32.decode and insn16.decode, which call them and the trans_
 * functions defined below. */
#include "target/riscv/decode-helpers.h"

#include "decode-insn16.c.inc"
#include "decode-insn32.c.inc"

/* ---- registers ---- */

static TCGv get_gpr(DisasContext *ctx, int r)
{
    if (r == 0) {
        return tcg_constant(ctx->s, TCG_TYPE_I64, 0);
    }
    return cpu_gpr[r];
}

/* Where to put a result for rd: a scratch temp for x0. Only the last op
 * of an instruction may write it (an earlier write would be visible if a
 * later op faulted, and would clobber a source when rd == rs). */
static TCGv dest_gpr(DisasContext *ctx, int r)
{
    if (r == 0) {
        return tcg_temp_ebb(ctx->s, TCG_TYPE_I64);
    }
    return cpu_gpr[r];
}

static TCGv temp_new(DisasContext *ctx)
{
    return tcg_temp_ebb(ctx->s, TCG_TYPE_I64);
}

static TCGv temp_new32(DisasContext *ctx)
{
    return tcg_temp_ebb(ctx->s, TCG_TYPE_I32);
}

static TCGv const64(DisasContext *ctx, int64_t v)
{
    return tcg_constant(ctx->s, TCG_TYPE_I64, (uint64_t)v);
}

/* ---- block ends and exceptions ---- */

static void gen_set_pc(DisasContext *ctx, uint64_t pc)
{
    tcg_gen_movi(ctx->s, TCG_TYPE_I64, cpu_pc, pc);
}

/* Direct jump through exit n (0 or 1, each used once per block). */
static void gen_goto_tb(DisasContext *ctx, unsigned n, uint64_t dest)
{
    /* The pc is stored only on the way out to the main loop: a chained
     * jump skips it, as nothing in the next block reads env's pc. */
    tcg_gen_goto_tb(ctx->s, n);
    gen_set_pc(ctx, dest);
    tcg_gen_exit_tb(ctx->s, ctx->tb, n);
    ctx->ended = true;
}

/* Back to the main loop without chaining; pc already stored. */
static void gen_exit_nochain(DisasContext *ctx)
{
    tcg_gen_exit_tb(ctx->s, NULL, 0);
    ctx->ended = true;
}

/* Raise excp with pc = this instruction. */
static void gen_exception(DisasContext *ctx, int excp)
{
    TCGv args[2] = {ctx->s->env_temp, const64(ctx, excp)};

    gen_set_pc(ctx, ctx->pc);
    tcg_gen_call(ctx->s, &riscv_helper_raise, 0, args);
    gen_exit_nochain(ctx); /* not reached: keeps every path terminated */
}

static void gen_illegal(DisasContext *ctx)
{
    gen_exception(ctx, EXCP_RISCV_ILLEGAL);
}

/* The bytes at addr could not be fetched: EXCP_SEGV at this instruction
 * with fault_addr = addr (which may be this instruction's second half). */
static void gen_fetch_fault(DisasContext *ctx, uint64_t addr)
{
    TCGv args[2] = {ctx->s->env_temp, const64(ctx, (int64_t)addr)};

    gen_set_pc(ctx, ctx->pc);
    tcg_gen_call(ctx->s, &riscv_helper_fetch_fault, 0, args);
    gen_exit_nochain(ctx);
}

/* ---- shared generators for the trans_ functions ---- */

/* rd = rs1 op rs2 at 64 bits. */
static bool gen_arith(DisasContext *ctx, arg_r *a, TCGOpcode opc)
{
    TCG_GEN(ctx->s, opc, TCG_TYPE_I64, dest_gpr(ctx, a->rd),
            get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2));
    return true;
}

/* rd = rs1 op imm at 64 bits. */
static bool gen_arith_imm(DisasContext *ctx, int rd, int rs1, int64_t imm,
                          TCGOpcode opc)
{
    TCG_GEN(ctx->s, opc, TCG_TYPE_I64, dest_gpr(ctx, rd), get_gpr(ctx, rs1),
            const64(ctx, imm));
    return true;
}

/* rd = sext32(rs1 op rs2) for ops whose low 32 result bits depend only on
 * the low 32 bits of the inputs (add, sub, mul). */
static bool gen_arith_w(DisasContext *ctx, arg_r *a, TCGOpcode opc)
{
    TCGv t = temp_new(ctx);

    TCG_GEN(ctx->s, opc, TCG_TYPE_I64, t, get_gpr(ctx, a->rs1),
            get_gpr(ctx, a->rs2));
    tcg_gen_ext32s(ctx->s, TCG_TYPE_I64, dest_gpr(ctx, a->rd), t);
    return true;
}

/* rd = sext32(op32(low32(rs1), low32(b))) for ops that need a real 32-bit
 * operation (shifts count mod 32, division, rotation). */
static void gen_op_w32(DisasContext *ctx, int rd, TCGv a64, TCGv b64,
                       TCGOpcode opc)
{
    TCGv a = temp_new32(ctx), b = temp_new32(ctx), r = temp_new32(ctx);

    tcg_gen_extrl_i64_i32(ctx->s, a, a64);
    tcg_gen_extrl_i64_i32(ctx->s, b, b64);
    TCG_GEN(ctx->s, opc, TCG_TYPE_I32, r, a, b);
    tcg_gen_exts_i32_i64(ctx->s, dest_gpr(ctx, rd), r);
}

static bool gen_arith_w32(DisasContext *ctx, arg_r *a, TCGOpcode opc)
{
    gen_op_w32(ctx, a->rd, get_gpr(ctx, a->rs1), get_gpr(ctx, a->rs2), opc);
    return true;
}

/* rd = sext32(op32(low32(rs1))) for clzw, ctzw, cpopw. */
static bool gen_unary_w32(DisasContext *ctx, arg_r *a, TCGOpcode opc)
{
    TCGv x = temp_new32(ctx), r = temp_new32(ctx);

    tcg_gen_extrl_i64_i32(ctx->s, x, get_gpr(ctx, a->rs1));
    TCG_GEN(ctx->s, opc, TCG_TYPE_I32, r, x);
    tcg_gen_exts_i32_i64(ctx->s, dest_gpr(ctx, a->rd), r);
    return true;
}

static bool gen_unary(DisasContext *ctx, arg_r *a, TCGOpcode opc)
{
    TCG_GEN(ctx->s, opc, TCG_TYPE_I64, dest_gpr(ctx, a->rd),
            get_gpr(ctx, a->rs1));
    return true;
}

static bool gen_setcond(DisasContext *ctx, int rd, TCGv a, TCGv b, TCGCond cond)
{
    tcg_gen_setcond(ctx->s, TCG_TYPE_I64, cond, dest_gpr(ctx, rd), a, b);
    return true;
}

/* Guest address rs1 + imm in a fresh temp. */
static TCGv gen_addr(DisasContext *ctx, int rs1, int64_t imm)
{
    TCGv addr = temp_new(ctx);

    tcg_gen_addi(ctx->s, TCG_TYPE_I64, addr, get_gpr(ctx, rs1), (uint64_t)imm);
    return addr;
}

/* The load writes rd only once the access has succeeded, so rd may also
 * be rs1. */
static bool gen_load(DisasContext *ctx, int rd, int rs1, int64_t imm, MemOp mo)
{
    tcg_gen_qemu_ld(ctx->s, TCG_TYPE_I64, dest_gpr(ctx, rd),
                    gen_addr(ctx, rs1, imm), mo);
    return true;
}

static bool gen_store(DisasContext *ctx, int rs1, int rs2, int64_t imm,
                      MemOp mo)
{
    tcg_gen_qemu_st(ctx->s, TCG_TYPE_I64, get_gpr(ctx, rs2),
                    gen_addr(ctx, rs1, imm), mo);
    return true;
}

/* Conditional branch to pc + imm: exit 0 falls through, exit 1 is taken. */
static bool gen_branch(DisasContext *ctx, int rs1, int rs2, int64_t imm,
                       TCGCond cond)
{
    uint32_t taken = tcg_label_new(ctx->s);

    tcg_gen_brcond(ctx->s, TCG_TYPE_I64, cond, get_gpr(ctx, rs1),
                   get_gpr(ctx, rs2), taken);
    gen_goto_tb(ctx, 0, ctx->next_pc);
    tcg_gen_set_label(ctx->s, taken);
    gen_goto_tb(ctx, 1, ctx->pc + (uint64_t)imm);
    return true;
}

/*
 * A forward "j" (jal x0 / c.j) to the block's own page does not end the
 * block: translation goes on at the target (the loop's next_pc), which
 * saves the block exit and the globals' write-back and reload. The block
 * then covers [tb->pc, end) including the skipped bytes: still within its
 * first page (plus a straddling tail), so page tracking and invalidation
 * are as for any block, and a write to the skipped bytes only drops it
 * needlessly. Forward only, so the block cannot loop back on itself; the
 * loop's max_insns check still ends it (at the target) when full.
 */
static bool gen_jal(DisasContext *ctx, int rd, int64_t imm)
{
    uint64_t dest = ctx->pc + (uint64_t)imm;

    if (rd == 0 && imm > 0 &&
        dest / RISCV_PAGE_SIZE == ctx->tb->pc / RISCV_PAGE_SIZE) {
        ctx->next_pc = dest;
        return true;
    }
    if (rd != 0) {
        tcg_gen_movi(ctx->s, TCG_TYPE_I64, cpu_gpr[rd], ctx->next_pc);
    }
    gen_goto_tb(ctx, 0, ctx->pc + (uint64_t)imm);
    return true;
}

/* Target (rs1 + imm) with bit 0 cleared, computed before rd is written
 * since rd may be rs1. Right after "auipc/lui rs1" (a far call or tail
 * call) the target is known here, so the jump is direct and chainable;
 * rs1 already holds the constant, and rd gets the link as usual. */
static bool gen_jalr(DisasContext *ctx, int rd, int rs1, int64_t imm)
{
    TCGv target;

    if (rs1 != 0 && rs1 == ctx->prev_const_rd) {
        if (rd != 0) {
            tcg_gen_movi(ctx->s, TCG_TYPE_I64, cpu_gpr[rd], ctx->next_pc);
        }
        gen_goto_tb(ctx, 0,
                    (ctx->prev_const_val + (uint64_t)imm) & ~(uint64_t)1);
        return true;
    }
    target = gen_addr(ctx, rs1, imm);

    tcg_gen_andi(ctx->s, TCG_TYPE_I64, cpu_pc, target, ~(uint64_t)1);
    if (rd != 0) {
        tcg_gen_movi(ctx->s, TCG_TYPE_I64, cpu_gpr[rd], ctx->next_pc);
    }
    tcg_gen_lookup_and_goto_ptr(ctx->s);
    ctx->ended = true;
    return true;
}

#include "trans_rva.c.inc"
#include "trans_rvb.c.inc"
#include "trans_rvc.c.inc"
#include "trans_rvf.c.inc"
#include "trans_rvi.c.inc"
#include "trans_rvm.c.inc"

/* ---- the translate loop ---- */

static uint16_t fetch16(uint64_t addr)
{
    uint16_t v;

    memcpy(&v, (const void *)(tcg_guest_base + addr), sizeof(v));
    return v;
}

/*
 * Fetch, decode and translate the instruction at ctx->pc. The low two
 * bits of the first halfword give the length: 11 is a 32-bit instruction
 * (longer encodings, with bits 4:2 = 111 as well, match no 32-bit pattern
 * and are illegal), anything else a 16-bit one. Each halfword is checked
 * before it is read, so a 32-bit instruction whose second half is on an
 * unmapped page faults at that half.
 */
static void translate_one(DisasContext *ctx)
{
    uint16_t lo, hi;

    ctx->prev_zext_rd = ctx->zext_rd;
    ctx->prev_zext_rs = ctx->zext_rs;
    ctx->zext_rd = 0;
    ctx->prev_const_rd = ctx->const_rd;
    ctx->prev_const_val = ctx->const_val;
    ctx->const_rd = 0;
    ctx->next_pc = ctx->pc + 2;
    if (!riscv_fetch_ok(ctx->pc, 2)) {
        gen_fetch_fault(ctx, ctx->pc);
        return;
    }
    lo = fetch16(ctx->pc);
    if ((lo & 3) != 3) {
        if (!decode_insn16(ctx, lo)) {
            gen_illegal(ctx);
        }
        return;
    }
    ctx->next_pc = ctx->pc + 4;
    if (!riscv_fetch_ok(ctx->pc + 2, 2)) {
        gen_fetch_fault(ctx, ctx->pc + 2);
        return;
    }
    hi = fetch16(ctx->pc + 2);
    if (!decode_insn32(ctx, (uint32_t)hi << 16 | lo)) {
        gen_illegal(ctx);
    }
}

void riscv_translate(CPUState *cs, TCGContext *s, TranslationBlock *tb,
                     int max_insns)
{
    DisasContext ctx = {.s = s, .tb = tb, .pc = tb->pc};
    uint64_t page = tb->pc / RISCV_PAGE_SIZE;
    int icount = 0;

    (void)cs;
    assert(max_insns >= 1 && "runtime passed no instruction budget");
    for (;;) {
        tcg_gen_insn_start(s, ctx.pc, 0);
        icount++;
        translate_one(&ctx);
        if (ctx.ended) {
            break;
        }
        if (icount >= max_insns || ctx.next_pc / RISCV_PAGE_SIZE != page) {
            gen_goto_tb(&ctx, 0, ctx.next_pc);
            break;
        }
        ctx.pc = ctx.next_pc;
    }
    tb->size = (uint32_t)(ctx.next_pc - tb->pc);
    tb->icount = (uint32_t)icount;
}

/*
 * The native x86-64 backend as the runtime sees it (TCGBackend): the
 * prologue/epilogue placed at the start of the code buffer, per-block code
 * generation through the register allocator, block chaining by patching a
 * jmp's rel32 in place, and host-pc to guest-instruction lookup for faults,
 * with each block's fault map giving back the guest registers that were
 * only in host registers at a guest access.
 *
 * Generated code runs on the host stack of cpu_exec with:
 *   R14 = env (CPUState *), R13 = tcg_guest_base, RSP = 16-byte aligned
 *   spill frame of TCG_FRAME_SIZE bytes, callee-saved registers preserved
 *   by the prologue.
 * Chaining relies on x86's guarantee that an aligned 4-byte store is seen
 * whole by instruction fetch on other cores.
 */
#include <assert.h>
#include <string.h>
#include <ucontext.h>

#include "emit.h"
#include "tcg/internal.h"

/* Pushed by the prologue, popped by the epilogue, in this order. */
static const int8_t saved_regs[] = {
    TCG_REG_RBP, TCG_REG_RBX, TCG_REG_R12,
    TCG_REG_R13, TCG_REG_R14, TCG_REG_R15,
};

/* Stack adjustment keeping RSP 16-byte aligned inside generated code:
 * entry RSP is 8 mod 16, plus six pushes is still 8 mod 16. */
#define FRAME_ADJUST (TCG_FRAME_SIZE + 8)

typedef uintptr_t (*prologue_fn)(CPUState *cpu, const void *code);
static prologue_fn prologue_rx;
static uintptr_t epilogue_rx; /* returns rax as is */
static uintptr_t lookup_slow_rx; /* lookup_goto's miss path */

void x86_out_goto_tb(TCGGen *g, int n);
void x86_out_exit_tb(TCGGen *g, uintptr_t val);
void x86_out_lookup_goto(TCGGen *g, int pc_reg);

static void out_push_pop(TCGGen *g, int base, int reg)
{
    x86_out_opc(g, base + (reg & 7), -1, reg, -1);
}

static size_t x86_init(uint8_t *rw, const uint8_t *rx, size_t size)
{
    TCGGen g;
    tcg_gen_init(&g, rw, rx, size);
    x86_detect_features();

    prologue_rx = (prologue_fn)(uintptr_t)rx;
    for (size_t i = 0; i < sizeof(saved_regs); i++) {
        out_push_pop(&g, OPC_PUSH_r32, saved_regs[i]);
    }
    tcg_out_mov(&g, TCG_TYPE_I64, TCG_AREG0, TCG_REG_RDI);
    tcg_out_movi(&g, TCG_TYPE_I64, TCG_REG_GUEST_BASE,
                 (uintptr_t)&tcg_guest_base);
    tcg_out_ld(&g, TCG_TYPE_I64, TCG_REG_GUEST_BASE, TCG_REG_GUEST_BASE, 0);
    x86_out_arith_ri(&g, ARITH_SUB, TCG_REG_RSP, FRAME_ADJUST, true);
    x86_out_modrm(&g, OPC_GRP5, EXT5_JMPN_Ev, TCG_REG_RSI);

    /* goto_ptr lands here when no block exists: "no chain" to the loop. */
    tcg_code_gen_epilogue = (const void *)tcg_gen_rx(&g, g.code_ptr);
    tcg_out_movi(&g, TCG_TYPE_I32, TCG_REG_RAX, TB_EXIT_NOCHAIN);
    epilogue_rx = tcg_gen_rx(&g, g.code_ptr);
    x86_out_arith_ri(&g, ARITH_ADD, TCG_REG_RSP, FRAME_ADJUST, true);
    for (int i = (int)sizeof(saved_regs) - 1; i >= 0; i--) {
        out_push_pop(&g, OPC_POP_r32, saved_regs[i]);
    }
    x86_out8(&g, OPC_RET);

    /* lookup_goto's miss path, shared by all blocks (it runs in their
     * frame): the helper, which also fills the jump cache, then its
     * answer, a block or the "no chain" exit above. */
    lookup_slow_rx = tcg_gen_rx(&g, g.code_ptr);
    tcg_out_mov(&g, TCG_TYPE_I64, TCG_REG_RDI, TCG_AREG0);
    tcg_out_movi(&g, TCG_TYPE_I64, TCG_REG_RAX,
                 (uintptr_t)helper_lookup_tb_ptr);
    x86_out_modrm(&g, OPC_GRP5, EXT5_CALLN_Ev, TCG_REG_RAX);
    x86_out_modrm(&g, OPC_GRP5, EXT5_JMPN_Ev, TCG_REG_RAX);
    /* Blocks start 16-byte aligned. */
    while ((g.code_ptr - rw) & 15) {
        x86_out8(&g, 0xcc);
    }
    return (size_t)(g.code_ptr - rw);
}

void x86_out_goto_tb(TCGGen *g, int n)
{
    /* The rel32 must be 4-byte aligned so patching is one atomic store. */
    int pad = (int)((4 - ((tcg_gen_offset(g) + 1) & 3)) & 3);
    x86_out_nops(g, pad);
    x86_out8(g, OPC_JMP_long);
    g->tb->jmp_insn_offset[n] = tcg_gen_offset(g);
    x86_out32(g, 0); /* falls through to the exit_tb until chained */
    g->tb->jmp_reset_offset[n] = tcg_gen_offset(g);
}

void x86_out_exit_tb(TCGGen *g, uintptr_t val)
{
    uintptr_t tb = val & ~(uintptr_t)TB_EXIT_MASK;
    if (!tb) {
        tcg_out_movi(g, TCG_TYPE_I64, TCG_REG_RAX, val);
    } else {
        x86_out_movabs(g, TCG_REG_RAX, val);
        if (tb == (uintptr_t)g->tb) {
            tcg_gen_reloc(g, TCG_RELOC_TB, val & TB_EXIT_MASK);
        } else if (g->s) {
            g->s->relocs_lost = true; /* another block: not expressible */
        }
    }
    intptr_t disp =
        (intptr_t)epilogue_rx - (intptr_t)(tcg_gen_rx(g, g->code_ptr) + 5);
    assert(disp == (int32_t)disp);
    x86_out8(g, OPC_JMP_long);
    x86_out32(g, (uint32_t)disp);
    tcg_gen_reloc(g, TCG_RELOC_REL32, epilogue_rx);
}

/* Group 1 with a byte operand and an 8-bit immediate. */
#define OPC_ARITH_EbIb 0x80

static void out_jcc_rx(TCGGen *g, int cc, uintptr_t target)
{
    intptr_t disp =
        (intptr_t)target - (intptr_t)(tcg_gen_rx(g, g->code_ptr) + 6);
    assert(disp == (int32_t)disp);
    x86_out8(g, 0x0f);
    x86_out8(g, (uint8_t)(0x80 + cc));
    x86_out32(g, (uint32_t)disp);
    tcg_gen_reloc(g, TCG_RELOC_REL32, target);
}

/* To lookup_goto's miss path unless the byte (opc OPC_ARITH_EbIb) or
 * dword (OPC_ARITH_EvIb) at base+off is zero. */
static void out_miss_unless_zero(TCGGen *g, int opc, int base, int32_t off)
{
    x86_out_modrm_sib(g, opc, ARITH_CMP, base, -1, off);
    x86_out8(g, 0);
    out_jcc_rx(g, JCC_JNE, lookup_slow_rx);
}

/*
 * The jump cache probed in the block itself, as helper_lookup_tb_ptr
 * would: an interpreter's dispatch jumps here at every guest bytecode,
 * and each site keeps its own host indirect jump, which the host's
 * predictor learns per site. Runs after every global was stored (an
 * exit op), so RAX, RCX, RDX are free once the pc is copied out.
 * The flags are not compared: only targets whose flags are always 0 use
 * this (TargetOps.lookup_pc_offset).
 */
void x86_out_lookup_goto(TCGGen *g, int pc_reg)
{
    const int pc = TCG_REG_RAX, h = TCG_REG_RCX, tb = TCG_REG_RDX;

    tcg_out_mov(g, TCG_TYPE_I64, pc, pc_reg);
    /* h = tb_jmp_cache_hash(pc) * sizeof(pointer) */
    tcg_out_mov(g, TCG_TYPE_I64, h, pc);
    x86_out_shift_ri(g, SHIFT_SHR, h, 2, true);
    tcg_out_mov(g, TCG_TYPE_I64, tb, pc);
    x86_out_shift_ri(g, SHIFT_SHR, tb, 2 + TB_JMP_CACHE_BITS, true);
    x86_out_arith_rr(g, ARITH_XOR, h, tb, false);
    x86_out_arith_ri(g, ARITH_AND, h, TB_JMP_CACHE_SIZE - 1, false);
    x86_out_shift_ri(g, SHIFT_SHL, h, 3, false);
    x86_out_modrm_sib(g, OPC_MOVL_GvEv | P_REXW, tb, TCG_AREG0, h,
                      (int32_t)offsetof(CPUState, tb_jmp_cache));
    x86_out_modrm(g, OPC_TESTL | P_REXW, tb, tb);
    out_jcc_rx(g, JCC_JE, lookup_slow_rx);
    x86_out_modrm_sib(g, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | P_REXW, pc, tb,
                      -1, (int32_t)offsetof(TranslationBlock, pc));
    out_jcc_rx(g, JCC_JNE, lookup_slow_rx);
    out_miss_unless_zero(g, OPC_ARITH_EbIb, tb,
                         (int32_t)offsetof(TranslationBlock, invalid));
    /* Loops closed by indirect jumps test for exit requests here. */
    out_miss_unless_zero(g, OPC_ARITH_EvIb, TCG_AREG0,
                         (int32_t)offsetof(CPUState, exit_request));
    /* A flush waits for this thread to leave generated code. */
    x86_out_movabs(g, h, (uintptr_t)tb_flush_pending_addr());
    tcg_gen_reloc(g, TCG_RELOC_ABS64, (uintptr_t)tb_flush_pending_addr());
    out_miss_unless_zero(g, OPC_ARITH_EbIb, h, 0);
    x86_out_modrm_sib(g, OPC_GRP5, EXT5_JMPN_Ev, tb, -1,
                      (int32_t)offsetof(TranslationBlock, tc_ptr));
}

static ptrdiff_t x86_gen_code(TCGContext *s, TranslationBlock *tb, uint8_t *rw,
                              const uint8_t *rx, size_t avail)
{
    TCGGen g;
    tcg_gen_init(&g, rw, rx, avail);
    g.s = s;
    g.tb = tb;
    return tcg_regalloc_gen_code(&g);
}

static uintptr_t x86_exec(CPUState *cpu, const void *tc_ptr)
{
    return prologue_rx(cpu, tc_ptr);
}

static void x86_set_jmp_target(TranslationBlock *tb, int n,
                               const TranslationBlock *dest)
{
    uintptr_t jmp_rx = (uintptr_t)tb->tc_ptr + tb->jmp_insn_offset[n];
    uintptr_t target = dest ? (uintptr_t)dest->tc_ptr
                            : (uintptr_t)tb->tc_ptr + tb->jmp_reset_offset[n];
    int32_t disp = (int32_t)(target - (jmp_rx + 4));
    uint32_t *slot = tcg_splitwx_to_rw((const void *)jmp_rx);
    __atomic_store_n(slot, (uint32_t)disp, __ATOMIC_RELEASE);
}

/* The fault map at the end of a block's code (tcg_out_cold_paths):
 * where it starts and ends, false if the trailer is not plausible. */
static bool x86_fault_map(const uint8_t *code, uint32_t size, uint32_t *start)
{
    if (size < 4) {
        return false;
    }
    memcpy(start, code + size - 4, 4);
    return *start <= size - 4;
}

/* The fault map's site for the access at host_pc of tb: its spill words
 * (*n of them) and the offset in its guest instruction's code; NULL if
 * host_pc is not one. Signal-handler safe: reads the executable view. */
static const uint8_t *x86_fault_site(const TranslationBlock *tb,
                                     uintptr_t host_pc, uint32_t *ra_off,
                                     uint32_t *n)
{
    const uint8_t *code = tb->tc_ptr;
    uint32_t p, end;
    if (!x86_fault_map(code, tb->tc_size, &p)) {
        return NULL;
    }
    end = tb->tc_size - 4;
    uint32_t off = (uint32_t)(host_pc - (uintptr_t)code);
    while (end - p >= 12) {
        uint32_t site;
        memcpy(&site, code + p, 4);
        memcpy(ra_off, code + p + 4, 4);
        memcpy(n, code + p + 8, 4);
        p += 12;
        if (*n > (end - p) / 4) {
            return NULL;
        }
        if (site == off) {
            return code + p;
        }
        p += 4 * *n;
    }
    return NULL;
}

/* An access out of line (an MO_TBI one in a cold path) belongs to the
 * guest instruction its map site names. */
static bool x86_locate(uintptr_t host_pc, TranslationBlock **tb, int *insn)
{
    if (tb_locate_host_pc(host_pc, tb, insn)) {
        return true;
    }
    TranslationBlock *t = tb_find_by_host_pc(host_pc);
    uint32_t ra_off, n;
    if (!t || !x86_fault_site(t, host_pc, &ra_off, &n)) {
        return false;
    }
    return tb_locate_host_pc((uintptr_t)t->tc_ptr + ra_off, tb, insn);
}

/* ucontext_t's index of each TCG register. */
static const int8_t greg_index[TCG_TARGET_NB_REGS] = {
    [TCG_REG_RAX] = REG_RAX, [TCG_REG_RCX] = REG_RCX, [TCG_REG_RDX] = REG_RDX,
    [TCG_REG_RBX] = REG_RBX, [TCG_REG_RSP] = REG_RSP, [TCG_REG_RBP] = REG_RBP,
    [TCG_REG_RSI] = REG_RSI, [TCG_REG_RDI] = REG_RDI, [TCG_REG_R8] = REG_R8,
    [TCG_REG_R9] = REG_R9,   [TCG_REG_R10] = REG_R10, [TCG_REG_R11] = REG_R11,
    [TCG_REG_R12] = REG_R12, [TCG_REG_R13] = REG_R13, [TCG_REG_R14] = REG_R14,
    [TCG_REG_R15] = REG_R15,
};

/* Signal handler context: a site is only taken at exactly its access
 * instruction. */
static void x86_fault_regs(CPUState *cpu, uintptr_t host_pc, const void *ucv)
{
    const ucontext_t *uc = ucv;
    TranslationBlock *tb = tb_find_by_host_pc(host_pc);
    uint32_t ra_off, n;
    const uint8_t *spills = tb && uc ? x86_fault_site(tb, host_pc, &ra_off, &n)
                                     : NULL;
    for (uint32_t i = 0; spills && i < n; i++) {
        uint32_t x;
        memcpy(&x, spills + 4 * i, 4);
        uint64_t v =
            (uint64_t)uc->uc_mcontext.gregs[greg_index[TCG_SPILL_REG(x) & 15]];
        memcpy((uint8_t *)cpu + TCG_SPILL_OFF(x), &v,
               (x & TCG_SPILL_I64) ? 8 : 4);
    }
}

static void x86_disas(FILE *f, const void *code, size_t size)
{
    uint32_t map;
    if (!x86_fault_map(code, (uint32_t)size, &map)) {
        map = (uint32_t)size;
    }
    tcg_log_host_disas(f, code, map);
    fprintf(f, "  (fault map: %zu bytes)\n", size - map);
}

static const void *x86_code_config(size_t *size)
{
    *size = sizeof(x86_have);
    return &x86_have;
}

const TCGBackend tcg_backend_x86_64 = {
    .name = "x86_64",
    .init = x86_init,
    .gen_code = x86_gen_code,
    .exec = x86_exec,
    .set_jmp_target = x86_set_jmp_target,
    .locate = x86_locate,
    .fault_regs = x86_fault_regs,
    .disas = x86_disas,
    .inline_lookup = true,
    .code_config = x86_code_config,
};

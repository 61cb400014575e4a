/*
 * x86-64 lowering of IR ops: each op's operand constraints (which registers
 * or immediates the register allocator may hand us) and the instructions it
 * becomes. Uses BMI1 (andn), BMI2 (shlx/shrx/sarx), LZCNT/TZCNT, POPCNT
 * and SSE4.1 (vector min/max, 64-bit compares) when the host has them
 * (cpuid.c), with plain x86-64 / SSE2 sequences otherwise.
 *
 * Invariant kept for i32 results: every 32-bit operation writes a 32-bit
 * register, which zero-extends into the full register.
 */
#include <assert.h>
#include <string.h>

#include "emit.h"

#define R_ANY TCG_TARGET_ALL_REGS
#define R(reg) (1u << (reg))

/* Guest memory helpers called from generated code. */
static _Noreturn void helper_unaligned(CPUState *cpu, uint64_t addr,
                                       uintptr_t ra)
{
    cpu->fault_addr = addr;
    cpu->exception_index = EXCP_UNALIGNED;
    cpu_loop_exit_restore(cpu, ra);
}

static _Noreturn void helper_addr_fault(CPUState *cpu, uint64_t addr,
                                        uintptr_t ra)
{
    cpu->fault_addr = addr;
    cpu->fault_write = false; /* not known here; reads and writes alike */
    cpu->exception_index = EXCP_SEGV;
    cpu_loop_exit_restore(cpu, ra);
}

/* The same for an MO_TBI access: the fault is at the address without its
 * top byte. */
#define TBI_MASK 0x00ffffffffffffffull

static _Noreturn void helper_unaligned_tbi(CPUState *cpu, uint64_t addr,
                                           uintptr_t ra)
{
    helper_unaligned(cpu, addr & TBI_MASK, ra);
}

static _Noreturn void helper_addr_fault_tbi(CPUState *cpu, uint64_t addr,
                                            uintptr_t ra)
{
    helper_addr_fault(cpu, addr & TBI_MASK, ra);
}

static uint64_t helper_ctpop(uint64_t x)
{
    return (uint64_t)__builtin_popcountll(x);
}

/* Constraint construction. */
static void ct_out(TCGOpConstraints *ct, int k, TCGRegSet regs)
{
    ct->args[k].regs = regs;
}

static void ct_alias(TCGOpConstraints *ct, int k, int input)
{
    ct->args[k].regs = R_ANY;
    ct->args[k].alias = (int8_t)input;
}

static void ct_newreg(TCGOpConstraints *ct, int k)
{
    ct->args[k].regs = R_ANY;
    ct->args[k].newreg = true;
}

static void ct_in(TCGOpConstraints *ct, int k, TCGRegSet regs, bool imm)
{
    ct->args[k].regs = regs;
    ct->args[k].imm = imm;
}

bool tcg_target_constraints(const TCGOp *op, TCGOpConstraints *ct)
{
    /* Only the temp operands' entries are read (the allocator's
     * contract); the constant arguments' are left alone. */
    int n = tcg_op_defs[op->opc].nb_oargs + tcg_op_defs[op->opc].nb_iargs;
    ct->clobbers = 0;
    for (int i = 0; i < n; i++) {
        /* Field by field: as one struct store GCC makes the loop a
         * memset, expanded as rep stosq (slow to start for a few bytes). */
        ct->args[i].regs = 0;
        ct->args[i].alias = -1;
        ct->args[i].newreg = false;
        ct->args[i].imm = false;
    }
    switch (op->opc) {
    case INDEX_op_add:
    case INDEX_op_setcond:
        ct_out(ct, 0, R_ANY);
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, true);
        return true;
    case INDEX_op_sub:
    case INDEX_op_mul:
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor:
    case INDEX_op_eqv:
    case INDEX_op_nand:
    case INDEX_op_nor:
    case INDEX_op_rotl:
    case INDEX_op_rotr:
        ct_alias(ct, 0, 0);
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2,
              (op->opc == INDEX_op_rotl || op->opc == INDEX_op_rotr)
                  ? R(TCG_REG_RCX)
                  : R_ANY,
              true);
        return true;
    case INDEX_op_shl:
    case INDEX_op_shr:
    case INDEX_op_sar:
        if (x86_have.bmi2) {
            /* Three-operand shlx for registers; an immediate count goes
             * through the aliased two-operand form (see tcg_out_op). */
            ct_alias(ct, 0, 0);
            ct_in(ct, 1, R_ANY, false);
            ct_in(ct, 2, R_ANY, true);
        } else {
            ct_alias(ct, 0, 0);
            ct_in(ct, 1, R_ANY, false);
            ct_in(ct, 2, R(TCG_REG_RCX), true);
        }
        return true;
    case INDEX_op_andc:
    case INDEX_op_orc:
        if (op->opc == INDEX_op_andc && x86_have.bmi1) {
            ct_out(ct, 0, R_ANY);
        } else {
            ct_newreg(ct, 0);
        }
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, false);
        return true;
    case INDEX_op_neg:
    case INDEX_op_not:
    case INDEX_op_bswap16:
    case INDEX_op_bswap32:
    case INDEX_op_bswap64:
    case INDEX_op_extrh_i64_i32:
    case INDEX_op_extract:
    case INDEX_op_sextract:
        ct_alias(ct, 0, 0);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
        /* In place when the input dies, so zx_fold can apply (or, for an
         * i32 input, which is zero-extended already, nothing at all). */
        if (op->life & TCG_LIFE_DEAD(1)) {
            ct_alias(ct, 0, 0);
        } else {
            ct_out(ct, 0, R_ANY);
        }
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
    case INDEX_op_ext32s:
    case INDEX_op_exts_i32_i64:
    case INDEX_op_extrl_i64_i32:
        ct_out(ct, 0, R_ANY);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        if ((op->opc == INDEX_op_clz ? x86_have.lzcnt : x86_have.bmi1)) {
            ct_out(ct, 0, R_ANY);
        } else {
            ct_newreg(ct, 0);
        }
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_ctpop:
        if (x86_have.popcnt) {
            ct_out(ct, 0, R_ANY);
            ct_in(ct, 1, R_ANY, false);
        } else {
            ct_out(ct, 0, R(TCG_REG_RAX));
            ct_in(ct, 1, R(TCG_REG_RDI), false);
            ct->clobbers = TCG_TARGET_CALL_CLOBBER & ~R(TCG_REG_RAX);
        }
        return true;
    case INDEX_op_mulsh:
    case INDEX_op_muluh:
        ct_out(ct, 0, R(TCG_REG_RDX));
        ct_in(ct, 1, R(TCG_REG_RAX), false);
        ct_in(ct, 2, R_ANY, false);
        ct->clobbers = R(TCG_REG_RAX);
        return true;
    case INDEX_op_div:
    case INDEX_op_divu:
    case INDEX_op_rem:
    case INDEX_op_remu: {
        bool is_div = op->opc == INDEX_op_div || op->opc == INDEX_op_divu;
        ct_out(ct, 0, R(is_div ? TCG_REG_RAX : TCG_REG_RDX));
        ct_in(ct, 1, R(TCG_REG_RAX), false);
        ct_in(ct, 2, R_ANY, false);
        ct->clobbers = R(is_div ? TCG_REG_RDX : TCG_REG_RAX);
        return true;
    }
    case INDEX_op_add2:
    case INDEX_op_sub2:
        ct_alias(ct, 0, 0);
        ct_alias(ct, 1, 1);
        ct_in(ct, 2, R_ANY, false);
        ct_in(ct, 3, R_ANY, false);
        ct_in(ct, 4, R_ANY, true);
        ct_in(ct, 5, R_ANY, true);
        return true;
    case INDEX_op_deposit:
        ct_alias(ct, 0, 0);
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, false);
        return true;
    case INDEX_op_movcond:
        ct_alias(ct, 0, 3);
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, true);
        ct_in(ct, 3, R_ANY, false);
        ct_in(ct, 4, R_ANY, false);
        return true;
    case INDEX_op_brcond:
        ct_in(ct, 0, R_ANY, false);
        ct_in(ct, 1, R_ANY, true);
        return true;
    case INDEX_op_ld:
        ct_out(ct, 0, R_ANY);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_st:
        ct_in(ct, 0, R_ANY, true);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_qemu_ld:
        ct_out(ct, 0, R_ANY);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_qemu_st:
        ct_in(ct, 0, R_ANY, false);
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_atomic_cmpxchg:
        ct_out(ct, 0, R(TCG_REG_RAX));
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R(TCG_REG_RAX), false);
        ct_in(ct, 3, R_ANY, false);
        return true;
    case INDEX_op_atomic_xchg:
        ct_alias(ct, 0, 1);
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, false);
        return true;
    case INDEX_op_atomic_fetch:
        if (op->args[4] == TCG_AOP_ADD && !(op->args[3] & MO_BSWAP)) {
            ct_alias(ct, 0, 1);
        } else {
            ct_out(ct, 0, R(TCG_REG_RAX));
        }
        ct_in(ct, 1, R_ANY, false);
        ct_in(ct, 2, R_ANY, false);
        return true;
    case INDEX_op_goto_ptr:
    case INDEX_op_lookup_goto:
        ct_in(ct, 0, R_ANY, false);
        return true;
    case INDEX_op_br:
    case INDEX_op_mb:
    case INDEX_op_goto_tb:
    case INDEX_op_exit_tb:
        return true;
    /* Vector ops: v128 operands are frame slots, not registers (the
     * allocator ignores their constraints); only the integer operands
     * (bases, dup sources, 64-bit halves) are constrained here. */
    case INDEX_op_ld_vec:
    case INDEX_op_st_vec:
    case INDEX_op_dup_vec:
        ct_in(ct, 1, R_ANY, false);
        return true;
    case INDEX_op_extract64_vec:
        ct_out(ct, 0, R_ANY);
        return true;
    case INDEX_op_insert64_vec:
        ct_in(ct, 2, R_ANY, false);
        return true;
    case INDEX_op_mov_vec:
    case INDEX_op_and_vec:
    case INDEX_op_or_vec:
    case INDEX_op_xor_vec:
    case INDEX_op_andc_vec:
    case INDEX_op_not_vec:
    case INDEX_op_add_vec:
    case INDEX_op_sub_vec:
    case INDEX_op_cmpeq_vec:
    case INDEX_op_smin_vec:
    case INDEX_op_smax_vec:
    case INDEX_op_umin_vec:
    case INDEX_op_umax_vec:
        return true;
    default:
        return false;
    }
}

bool tcg_target_const_match(const TCGOp *op, int arg, uint64_t val)
{
    if (op->type == TCG_TYPE_I32) {
        return true;
    }
    /* 64-bit forms take a sign-extended 32-bit immediate. */
    return (int64_t)val == (int32_t)val;
}

/* Moves and memory for the register allocator. */

void tcg_out_mov(TCGGen *g, TCGType type, int dst, int src)
{
    if (dst == src && type == TCG_TYPE_I64) {
        return;
    }
    x86_out_modrm(g, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0), dst,
                  src);
}

void tcg_out_movi(TCGGen *g, TCGType type, int dst, uint64_t val)
{
    if (type == TCG_TYPE_I32) {
        val = (uint32_t)val;
    }
    if (val == 0) {
        /* xor clobbers flags; never used between a compare and its use. */
        x86_out_modrm(g, OPC_ARITH_GvEv + (ARITH_XOR << 3), dst, dst);
    } else if (val == (uint32_t)val) {
        x86_out_opc(g, OPC_MOVL_Iv + (dst & 7), -1, dst, -1);
        x86_out32(g, (uint32_t)val);
    } else if ((int64_t)val == (int32_t)val) {
        x86_out_modrm(g, OPC_MOVL_EvIz | P_REXW, 0, dst);
        x86_out32(g, (uint32_t)val);
    } else {
        x86_out_opc(g, (OPC_MOVL_Iv + (dst & 7)) | P_REXW, -1, dst, -1);
        x86_out64(g, val);
    }
}

void tcg_out_ld(TCGGen *g, TCGType type, int dst, int base, intptr_t off)
{
    x86_out_modrm_sib(g, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                      dst, base, -1, (int32_t)off);
}

void tcg_out_st(TCGGen *g, TCGType type, int src, int base, intptr_t off)
{
    x86_out_modrm_sib(g, OPC_MOVL_EvGv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                      src, base, -1, (int32_t)off);
}

void x86_out_movabs(TCGGen *g, int dst, uint64_t val)
{
    x86_out_opc(g, (OPC_MOVL_Iv + (dst & 7)) | P_REXW, -1, dst, -1);
    x86_out64(g, val);
}

void tcg_out_call(TCGGen *g, const void *func)
{
    intptr_t disp = (intptr_t)func - (intptr_t)(tcg_gen_rx(g, g->code_ptr) + 5);
    if (disp == (int32_t)disp) {
        x86_out8(g, OPC_CALL_Jz);
        x86_out32(g, (uint32_t)disp);
        tcg_gen_reloc(g, TCG_RELOC_REL32, (uintptr_t)func);
    } else {
        /* Always the 10-byte form, whose immediate a relocation can
         * rewrite whatever the address. */
        x86_out_movabs(g, TCG_REG_TMP, (uintptr_t)func);
        tcg_gen_reloc(g, TCG_RELOC_ABS64, (uintptr_t)func);
        x86_out_modrm(g, OPC_GRP5, EXT5_CALLN_Ev, TCG_REG_TMP);
    }
}

/* Lowering helpers. */

static const int cond_to_jcc[TCG_COND_COUNT] = {
    [TCG_COND_EQ] = JCC_JE,  [TCG_COND_NE] = JCC_JNE,  [TCG_COND_LT] = JCC_JL,
    [TCG_COND_GE] = JCC_JGE, [TCG_COND_LE] = JCC_JLE,  [TCG_COND_GT] = JCC_JG,
    [TCG_COND_LTU] = JCC_JB, [TCG_COND_GEU] = JCC_JAE, [TCG_COND_LEU] = JCC_JBE,
    [TCG_COND_GTU] = JCC_JA,
};

static void out_cmp(TCGGen *g, bool w, int a, TCGArg b, bool b_const)
{
    if (b_const) {
        if (b == 0) {
            x86_out_modrm(g, OPC_TESTL | (w ? P_REXW : 0), a, a);
        } else {
            x86_out_arith_ri(g, ARITH_CMP, a, (int64_t)b, w);
        }
    } else {
        x86_out_arith_rr(g, ARITH_CMP, a, (int)b, w);
    }
}

/* Binary op in two-operand form: dst (== first input) op= b. */
static void out_arith2(TCGGen *g, int ext, bool w, int dst, TCGArg b,
                       bool b_const)
{
    if (b_const) {
        x86_out_arith_ri(g, ext, dst, w ? (int64_t)b : (int32_t)b, w);
    } else {
        x86_out_arith_rr(g, ext, dst, (int)b, w);
    }
}

static void out_not(TCGGen *g, bool w, int reg)
{
    x86_out_modrm(g, OPC_GRP3_Ev | (w ? P_REXW : 0), EXT3_NOT, reg);
}

/*
 * add/sub/and/or/xor at 64 bits are one instruction with a REX.W prefix at
 * start. Their 32-bit forms give the same low half and zero the high half,
 * so an ext32u of the result in place, right after, can clear REX.W (0x48
 * -> 0x40, the same length) instead of costing an instruction: every W
 * operation of an aarch64 guest is such a pair.
 */
static void zx_note(TCGGen *g, uint32_t start, int reg)
{
    uint8_t rex = g->code_start[start];
    if ((rex & 0xf8) == 0x48) {
        g->zx_start = start;
        g->zx_end = tcg_gen_offset(g);
        g->zx_reg = reg;
    }
}

static bool zx_fold(TCGGen *g, int dst, int src)
{
    uint32_t here = tcg_gen_offset(g);
    if (dst != src || g->zx_end != here || g->zx_reg != dst ||
        g->label_off == here || here == 0) {
        return false;
    }
    g->code_start[g->zx_start] &= (uint8_t)~0x08;
    g->zx_end = 0;
    return true;
}

/* Extension of reg's low `size` bits into dst at width w. */
static void out_ext(TCGGen *g, bool w, int dst, int src, MemOp size, bool sign)
{
    switch (size) {
    case MO_8:
        x86_out_modrm(g,
                      (sign ? OPC_MOVSBL : OPC_MOVZBL) | P_REXB_RM |
                          (sign && w ? P_REXW : 0),
                      dst, src);
        break;
    case MO_16:
        x86_out_modrm(
            g, (sign ? OPC_MOVSWL : OPC_MOVZWL) | (sign && w ? P_REXW : 0), dst,
            src);
        break;
    case MO_32:
        if (sign && w) {
            x86_out_modrm(g, OPC_MOVSLQ, dst, src);
        } else {
            x86_out_modrm(g, OPC_MOVL_GvEv, dst, src);
        }
        break;
    default:
        tcg_out_mov(g, TCG_TYPE_I64, dst, src);
        break;
    }
}

/* Byte-swap the low `size` bytes of reg in place, zero-extended. */
static void out_bswap(TCGGen *g, int reg, MemOp size)
{
    switch (size) {
    case MO_16:
        x86_out_modrm(g, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, reg);
        x86_out8(g, 8);
        x86_out_modrm(g, OPC_MOVZWL, reg, reg);
        break;
    case MO_32:
        x86_out_opc(g, OPC_BSWAP + (reg & 7), -1, reg, -1);
        break;
    case MO_64:
        x86_out_opc(g, (OPC_BSWAP + (reg & 7)) | P_REXW, -1, reg, -1);
        break;
    default:
        break;
    }
}

static void out_shift(TCGGen *g, const TCGOp *op, int ext, const TCGArg *a,
                      const bool *c)
{
    bool w = op->type == TCG_TYPE_I64;
    int bits = w ? 64 : 32;
    int rexw = w ? P_REXW : 0;
    if (c[2]) {
        int n = (int)(a[2] & (uint64_t)(bits - 1));
        if (n) {
            x86_out_shift_ri(g, ext, (int)a[0], n, w);
        }
    } else if (x86_have.bmi2 &&
               (ext == SHIFT_SHL || ext == SHIFT_SHR || ext == SHIFT_SAR)) {
        int opc = ext == SHIFT_SHL   ? OPC_SHLX
                  : ext == SHIFT_SHR ? OPC_SHRX
                                     : OPC_SARX;
        x86_out_vex_modrm(g, opc | rexw, (int)a[0], (int)a[2], (int)a[1]);
    } else {
        x86_out_modrm(g, OPC_SHIFT_cl | rexw, ext, (int)a[0]);
    }
}

static void out_divrem(TCGGen *g, const TCGOp *op, const TCGArg *a)
{
    bool w = op->type == TCG_TYPE_I64;
    int rexw = w ? P_REXW : 0;
    int b = (int)a[2];
    bool is_signed = op->opc == INDEX_op_div || op->opc == INDEX_op_rem;
    bool is_div = op->opc == INDEX_op_div || op->opc == INDEX_op_divu;

    /* Fully defined results (docs/tcg-ir.md): x/0 = -1, x%0 = x,
     * MIN/-1 = MIN, MIN%-1 = 0; the hardware would trap on all of them. */
    x86_out_modrm(g, OPC_TESTL | rexw, b, b);
    uint8_t *to_zero = x86_out_jcc_short(g, JCC_JE);
    uint8_t *to_minus1 = NULL;
    if (is_signed) {
        x86_out_arith_ri(g, ARITH_CMP, b, -1, w);
        to_minus1 = x86_out_jcc_short(g, JCC_JE);
        x86_out_opc(g, OPC_CQO | rexw, -1, -1, -1);
        x86_out_modrm(g, OPC_GRP3_Ev | rexw, EXT3_IDIV, b);
    } else {
        x86_out_modrm(g, OPC_ARITH_GvEv + (ARITH_XOR << 3), TCG_REG_RDX,
                      TCG_REG_RDX);
        x86_out_modrm(g, OPC_GRP3_Ev | rexw, EXT3_DIV, b);
    }
    uint8_t *done1 = x86_out_jcc_short(g, -1);

    x86_patch_short(g, to_zero);
    if (is_div) {
        tcg_out_movi(g, w ? TCG_TYPE_I64 : TCG_TYPE_I32, TCG_REG_RAX, ~0ull);
    } else {
        tcg_out_mov(g, w ? TCG_TYPE_I64 : TCG_TYPE_I32, TCG_REG_RDX,
                    TCG_REG_RAX);
    }
    uint8_t *done2 = NULL;
    if (is_signed) {
        done2 = x86_out_jcc_short(g, -1);
        x86_patch_short(g, to_minus1);
        if (is_div) {
            x86_out_modrm(g, OPC_GRP3_Ev | rexw, EXT3_NEG, TCG_REG_RAX);
        } else {
            x86_out_modrm(g, OPC_ARITH_GvEv + (ARITH_XOR << 3), TCG_REG_RDX,
                          TCG_REG_RDX);
        }
    }
    x86_patch_short(g, done1);
    if (done2) {
        x86_patch_short(g, done2);
    }
}

static void out_clz_ctz(TCGGen *g, const TCGOp *op, const TCGArg *a)
{
    bool w = op->type == TCG_TYPE_I64;
    int rexw = w ? P_REXW : 0;
    int bits = w ? 64 : 32;
    int d = (int)a[0], s = (int)a[1];
    if (op->opc == INDEX_op_clz) {
        if (x86_have.lzcnt) {
            x86_out_modrm(g, OPC_LZCNT | rexw, d, s);
            return;
        }
        /* bsr gives the index of the top bit; clz = (W-1) ^ index, and a
         * zero input takes the value whose xor with W-1 is W. */
        x86_out_modrm(g, OPC_BSR | rexw, d, s);
        uint8_t *nz = x86_out_jcc_short(g, JCC_JNE);
        tcg_out_movi(g, TCG_TYPE_I32, d, (uint64_t)(2 * bits - 1));
        x86_patch_short(g, nz);
        x86_out_arith_ri(g, ARITH_XOR, d, bits - 1, false);
    } else {
        if (x86_have.bmi1) {
            x86_out_modrm(g, OPC_TZCNT | rexw, d, s);
            return;
        }
        x86_out_modrm(g, OPC_BSF | rexw, d, s);
        uint8_t *nz = x86_out_jcc_short(g, JCC_JNE);
        tcg_out_movi(g, TCG_TYPE_I32, d, (uint64_t)bits);
        x86_patch_short(g, nz);
    }
}

/* out = a with [pos, pos+len) replaced by b's low bits; out == a. */
static void out_deposit(TCGGen *g, bool w, int out, int b, int pos, int len)
{
    int bits = w ? 64 : 32;
    int tmp = TCG_REG_TMP;
    if (len == bits) {
        tcg_out_mov(g, w ? TCG_TYPE_I64 : TCG_TYPE_I32, out, b);
        return;
    }
    /* Read b first: it may share a register with nothing we write but
     * tmp, so the rotate-insert-rotate below is safe. */
    tcg_out_mov(g, w ? TCG_TYPE_I64 : TCG_TYPE_I32, tmp, b);
    x86_out_shift_ri(g, SHIFT_SHL, tmp, bits - len, w);
    x86_out_shift_ri(g, SHIFT_SHR, tmp, bits - len, w);
    if (pos) {
        x86_out_shift_ri(g, SHIFT_ROR, out, pos, w);
    }
    x86_out_shift_ri(g, SHIFT_SHR, out, len, w);
    x86_out_shift_ri(g, SHIFT_SHL, out, len, w);
    x86_out_arith_rr(g, ARITH_OR, out, tmp, w);
    if (pos) {
        x86_out_shift_ri(g, SHIFT_ROL, out, pos, w);
    }
}

static void out_extract(TCGGen *g, bool w, bool sign, int out, int pos, int len)
{
    int bits = w ? 64 : 32;
    if (pos + len < bits) {
        x86_out_shift_ri(g, SHIFT_SHL, out, bits - pos - len, w);
        pos = bits - len;
    }
    if (pos) {
        x86_out_shift_ri(g, sign ? SHIFT_SAR : SHIFT_SHR, out, pos, w);
    }
}

/* Guest memory operands are [guest_base + addr]. */
static void out_guest_mem(TCGGen *g, int opc, int r, int addr)
{
    x86_out_modrm_sib(g, opc, r, TCG_REG_GUEST_BASE, addr, 0);
}

/* Store the globals of spills[first, +n) from their registers to env. */
static void out_spills(TCGGen *g, uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < first + n; i++) {
        uint32_t x = g->spills[i];
        tcg_out_st(g, (x & TCG_SPILL_I64) ? TCG_TYPE_I64 : TCG_TYPE_I32,
                   (int)TCG_SPILL_REG(x), TCG_AREG0,
                   (intptr_t)TCG_SPILL_OFF(x));
    }
}

/* Call of a no-return helper(env, addr, return address), the "return
 * address" being code offset ra_off: just past the check that failed,
 * inside its guest instruction's code, for the state restore. The
 * access's spills come first, while every register is as it was. */
static void out_fault_call(TCGGen *g, int addr, const void *helper,
                           uint32_t ra_off, uint32_t spill_first,
                           uint32_t nb_spill)
{
    out_spills(g, spill_first, nb_spill);
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_RSI, addr);
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_RDI, TCG_AREG0);
    /* lea rdx, [rip + disp] is 7 bytes. */
    int32_t disp = (int32_t)ra_off - (int32_t)(tcg_gen_offset(g) + 7);
    x86_out_modrm_sib(g, OPC_LEA | P_REXW, TCG_REG_RDX, -1, -1, disp);
    tcg_out_call(g, helper);
}

/*
 * When the flags say so (cc), call the fault helper for addr. The call is
 * a cold path after the block (tcg_out_cold_paths), so the hot path is one
 * not-taken jump; past TCG_MAX_COLD_PATHS per block it is inline.
 */
static void out_fault_if(TCGGen *g, int cc, int addr, const void *helper)
{
    if (g->nb_cold < TCG_MAX_COLD_PATHS) {
        struct TCGColdPath *c = &g->cold[g->nb_cold++];
        x86_out8(g, 0x0f);
        x86_out8(g, (uint8_t)(0x80 + cc));
        c->jcc_off = tcg_gen_offset(g);
        x86_out32(g, 0);
        c->ret_off = tcg_gen_offset(g);
        c->reg = addr;
        c->helper = helper;
        c->spill_first = g->spill_first;
        c->nb_spill = g->nb_spill;
        return;
    }
    uint8_t *ok = x86_out_jcc_short(g, cc ^ 1);
    out_fault_call(g, addr, helper, tcg_gen_offset(g), g->spill_first,
                   g->nb_spill);
    x86_patch_short(g, ok);
}

/* The access instruction comes next: a host fault there finds the
 * access's spills in the block's fault map. */
static void note_fault_site_of(TCGGen *g, uint32_t ra_off,
                               uint32_t spill_first, uint32_t nb_spill)
{
    uint32_t off = tcg_gen_offset(g);
    if (!nb_spill && ra_off == off) {
        return; /* nothing the fault handler would not know */
    }
    assert(g->nb_sites < TCG_MAX_FAULT_SITES);
    g->sites[g->nb_sites++] = (struct TCGFaultSite){
        .off = off,
        .ra_off = ra_off,
        .spill_first = spill_first,
        .nb_spill = nb_spill,
    };
}

static void note_fault_site(TCGGen *g)
{
    if (g->fault_lazy) {
        note_fault_site_of(g, tcg_gen_offset(g), g->spill_first, g->nb_spill);
    }
}

/* Longest cold path: the spills, two movs, lea rip, movabs + indirect
 * call. A spill is at most 8 bytes (REX, opcode, modrm, disp32). */
#define COLD_PATH_MAX_BYTES(nb_spill) (32 + 8 * (nb_spill))
/* An MO_TBI access done out of line (out_tbi_access): two checks with
 * their calls, the masking, the access and a jump back. */
#define TBI_PATH_MAX_BYTES(nb_spill) (96 + 2 * COLD_PATH_MAX_BYTES(nb_spill))

static void out_tbi_access(TCGGen *g, bool ld, bool w, MemOp mo, int data,
                           int addr, uint32_t ra_off, bool cold,
                           uint32_t spill_first, uint32_t nb_spill);

/*
 * After the block's code: the cold paths, then its fault map, which the
 * block's last 4 bytes locate (x86_fault_map):
 *   u32 access offset, u32 offset in its guest instruction's code, u32 n,
 *   n spill words ... (one per site), u32 offset of the first site.
 */
bool tcg_out_cold_paths(TCGGen *g)
{
    for (uint32_t i = 0; i < g->nb_cold; i++) {
        const struct TCGColdPath *c = &g->cold[i];
        if (g->code_ptr + TBI_PATH_MAX_BYTES(c->nb_spill) > g->code_end) {
            return false;
        }
        uint32_t rel = tcg_gen_offset(g) - (c->jcc_off + 4);
        memcpy(g->code_start + c->jcc_off, &rel, 4);
        if (c->helper) {
            out_fault_call(g, c->reg, c->helper, c->ret_off, c->spill_first,
                           c->nb_spill);
            continue;
        }
        out_tbi_access(g, c->ld, c->w, (MemOp)c->mo, c->data, c->reg,
                       c->ret_off, true, c->spill_first, c->nb_spill);
        x86_out8(g, OPC_JMP_long);
        x86_out32(g, c->resume_off - (tcg_gen_offset(g) + 4));
    }
    size_t map = 4 + 12 * (size_t)g->nb_sites;
    for (uint32_t i = 0; i < g->nb_sites; i++) {
        map += 4 * (size_t)g->sites[i].nb_spill;
    }
    if (g->code_ptr + map > g->code_end) {
        return false;
    }
    uint32_t start = tcg_gen_offset(g);
    for (uint32_t i = 0; i < g->nb_sites; i++) {
        const struct TCGFaultSite *site = &g->sites[i];
        x86_out32(g, site->off);
        x86_out32(g, site->ra_off);
        x86_out32(g, site->nb_spill);
        for (uint32_t k = 0; k < site->nb_spill; k++) {
            x86_out32(g, g->spills[site->spill_first + k]);
        }
    }
    x86_out32(g, start);
    return true;
}

/* Addresses at or above 2^tcg_guest_addr_bits fault (exec.h), before any
 * host access is made. Also the first check of every guest access, so
 * the alignment check after it sees only in-range addresses. */
static void out_addr_check(TCGGen *g, int addr)
{
    unsigned bits = tcg_guest_addr_bits;
    if (!bits) {
        return;
    }
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, addr);
    x86_out_shift_ri(g, SHIFT_SHR, TCG_REG_TMP, (int)bits, true);
    out_fault_if(g, JCC_JNE, addr, (const void *)helper_addr_fault);
}

static void out_align_check(TCGGen *g, int addr, MemOp mo, const void *helper)
{
    unsigned mask = (1u << (mo & MO_SIZE)) - 1;
    if (!(mo & MO_ALIGN) || !mask) {
        return;
    }
    x86_out_modrm(g, OPC_GRP3_Ev, EXT3_TEST, addr);
    x86_out32(g, mask);
    out_fault_if(g, JCC_JNE, addr, helper);
}

/* The host access itself, at guest address register addr. */
static void out_ld_access(TCGGen *g, bool w, MemOp mo, int out, int addr)
{
    bool sign = (mo & MO_SIGN) != 0;
    bool bswap = (mo & MO_BSWAP) != 0;

    switch (mo & MO_SIZE) {
    case MO_8:
        out_guest_mem(
            g, (sign ? OPC_MOVSBL : OPC_MOVZBL) | (sign && w ? P_REXW : 0), out,
            addr);
        return;
    case MO_16:
        out_guest_mem(g,
                      (sign && !bswap ? OPC_MOVSWL : OPC_MOVZWL) |
                          (sign && w && !bswap ? P_REXW : 0),
                      out, addr);
        if (bswap) {
            out_bswap(g, out, MO_16);
            if (sign) {
                out_ext(g, w, out, out, MO_16, true);
            }
        }
        return;
    case MO_32:
        if (sign && w && !bswap) {
            out_guest_mem(g, OPC_MOVSLQ, out, addr);
            return;
        }
        out_guest_mem(g, OPC_MOVL_GvEv, out, addr);
        if (bswap) {
            out_bswap(g, out, MO_32);
            if (sign && w) {
                out_ext(g, w, out, out, MO_32, true);
            }
        }
        return;
    default:
        out_guest_mem(g, OPC_MOVL_GvEv | P_REXW, out, addr);
        if (bswap) {
            out_bswap(g, out, MO_64);
        }
        return;
    }
}

/* val is TCG_REG_TMP when byte-swapped (out_qemu_st). */
static void out_st_access(TCGGen *g, MemOp mo, int val, int addr)
{
    switch (mo & MO_SIZE) {
    case MO_8:
        out_guest_mem(g, OPC_MOVB_EvGv | P_REXB_R, val, addr);
        break;
    case MO_16:
        out_guest_mem(g, OPC_MOVL_EvGv | P_DATA16, val, addr);
        break;
    case MO_32:
        out_guest_mem(g, OPC_MOVL_EvGv, val, addr);
        break;
    default:
        out_guest_mem(g, OPC_MOVL_EvGv | P_REXW, val, addr);
        break;
    }
}

/* TCG_REG_TMP = addr without its top byte, shifted right by `extra`. */
static void out_tbi_clean(TCGGen *g, int addr, int extra)
{
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, addr);
    x86_out_shift_ri(g, SHIFT_SHL, TCG_REG_TMP, 8, true);
    x86_out_shift_ri(g, SHIFT_SHR, TCG_REG_TMP, 8 + extra, true);
}

/* Unless cc: the spills and a call of helper(env, addr, ra_off). */
static void out_fault_unless(TCGGen *g, int cc, int addr, const void *helper,
                             uint32_t ra_off, uint32_t spill_first,
                             uint32_t nb_spill)
{
    x86_out8(g, 0x0f);
    x86_out8(g, (uint8_t)(0x80 + cc));
    uint32_t jcc = tcg_gen_offset(g);
    x86_out32(g, 0);
    out_fault_call(g, addr, helper, ra_off, spill_first, nb_spill);
    uint32_t rel = tcg_gen_offset(g) - (jcc + 4);
    memcpy(g->code_start + jcc, &rel, 4);
}

/*
 * An MO_TBI access with the top byte cleared into TCG_REG_TMP: the range
 * and alignment checks on the cleared address, then the access. Only for
 * little-endian accesses, so TCG_REG_TMP is free for the address. ra_off
 * is in the guest instruction's code; in a cold path, the fault map
 * records it for the access, which is outside that code.
 */
static void out_tbi_access(TCGGen *g, bool ld, bool w, MemOp mo, int data,
                           int addr, uint32_t ra_off, bool cold,
                           uint32_t spill_first, uint32_t nb_spill)
{
    unsigned bits = tcg_guest_addr_bits;
    unsigned mask = (1u << (mo & MO_SIZE)) - 1;
    assert(!(mo & MO_BSWAP));
    if (bits) {
        out_tbi_clean(g, addr, (int)bits);
        out_fault_unless(g, JCC_JE, addr, (const void *)helper_addr_fault_tbi,
                         ra_off, spill_first, nb_spill);
    }
    out_tbi_clean(g, addr, 0);
    if ((mo & MO_ALIGN) && mask) {
        x86_out_modrm(g, OPC_GRP3_Ev, EXT3_TEST, TCG_REG_TMP);
        x86_out32(g, mask);
        out_fault_unless(g, JCC_JE, addr, (const void *)helper_unaligned_tbi,
                         ra_off, spill_first, nb_spill);
    }
    note_fault_site_of(g, cold ? ra_off : tcg_gen_offset(g), spill_first,
                       nb_spill);
    if (ld) {
        out_ld_access(g, w, mo, data, TCG_REG_TMP);
    } else {
        out_st_access(g, mo, data, TCG_REG_TMP);
    }
}

/*
 * MO_TBI: the hot path is the usual one, taken when the top byte is zero
 * as well (the range check sees it); an address with a top byte (or out
 * of range) goes to a cold path that clears it and does the access there
 * (out_tbi_access), or, past TCG_MAX_COLD_PATHS or with no room for its
 * two fault-map sites, that is done inline. Returns the cold path, whose
 * resume_off the caller sets after its access, or NULL when the access
 * is done.
 */
static struct TCGColdPath *out_tbi_hot(TCGGen *g, bool ld, bool w, MemOp mo,
                                       int data, int addr)
{
    uint32_t nb_spill = g->fault_lazy ? g->nb_spill : 0;
    if (!tcg_guest_addr_bits || g->nb_cold == TCG_MAX_COLD_PATHS ||
        g->nb_sites + g->nb_sites_later + 2 > TCG_MAX_FAULT_SITES) {
        out_tbi_access(g, ld, w, mo, data, addr, tcg_gen_offset(g), false,
                       g->spill_first, nb_spill);
        return NULL;
    }
    struct TCGColdPath *c = &g->cold[g->nb_cold++];
    g->nb_sites_later++;
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, addr);
    x86_out_shift_ri(g, SHIFT_SHR, TCG_REG_TMP, (int)tcg_guest_addr_bits,
                     true);
    x86_out8(g, 0x0f);
    x86_out8(g, (uint8_t)(0x80 + JCC_JNE));
    c->jcc_off = tcg_gen_offset(g);
    x86_out32(g, 0);
    c->ret_off = tcg_gen_offset(g);
    c->reg = addr;
    c->helper = NULL;
    c->spill_first = g->spill_first;
    c->nb_spill = (uint16_t)nb_spill;
    c->ld = ld;
    c->w = w;
    c->mo = (uint16_t)mo;
    c->data = data;
    out_align_check(g, addr, mo, (const void *)helper_unaligned_tbi);
    return c;
}

static void out_qemu_ld(TCGGen *g, const TCGOp *op, const TCGArg *a)
{
    bool w = op->type == TCG_TYPE_I64;
    MemOp mo = (MemOp)a[2];
    int out = (int)a[0], addr = (int)a[1];

    if (mo & MO_TBI) {
        struct TCGColdPath *c = out_tbi_hot(g, true, w, mo, out, addr);
        if (c) {
            note_fault_site(g);
            out_ld_access(g, w, mo, out, addr);
            c->resume_off = tcg_gen_offset(g);
        }
        return;
    }
    out_addr_check(g, addr);
    out_align_check(g, addr, mo, (const void *)helper_unaligned);
    note_fault_site(g);
    out_ld_access(g, w, mo, out, addr);
}

static void out_qemu_st(TCGGen *g, const TCGArg *a)
{
    MemOp mo = (MemOp)a[2];
    MemOp size = mo & MO_SIZE;
    int val = (int)a[0], addr = (int)a[1];

    if (mo & MO_TBI) {
        struct TCGColdPath *c = out_tbi_hot(g, false, true, mo, val, addr);
        if (c) {
            note_fault_site(g);
            out_st_access(g, mo, val, addr);
            c->resume_off = tcg_gen_offset(g);
        }
        return;
    }
    out_addr_check(g, addr);
    out_align_check(g, addr, mo, (const void *)helper_unaligned);
    if ((mo & MO_BSWAP) && size != MO_8) {
        tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, val);
        out_bswap(g, TCG_REG_TMP, size);
        val = TCG_REG_TMP;
    }
    note_fault_site(g);
    out_st_access(g, mo, val, addr);
}

/* Operand-size flags for a sized register/memory operation. */
static int size_opc(int opc8, int opc, MemOp size)
{
    switch (size) {
    case MO_8:
        return opc8 | P_REXB_R;
    case MO_16:
        return opc | P_DATA16;
    case MO_32:
        return opc;
    default:
        return opc | P_REXW;
    }
}

/* Extend an atomic's old value (in reg, low `size` bits valid). */
static void out_atomic_result(TCGGen *g, bool w, int reg, MemOp mo)
{
    MemOp size = mo & MO_SIZE;
    if (size == MO_64 || (size == MO_32 && !((mo & MO_SIGN) && w))) {
        if (size == MO_32) {
            x86_out_modrm(g, OPC_MOVL_GvEv, reg, reg);
        }
        return;
    }
    out_ext(g, w, reg, reg, size, (mo & MO_SIGN) != 0);
}

static void out_atomic(TCGGen *g, const TCGOp *op, const TCGArg *a)
{
    bool w = op->type == TCG_TYPE_I64;
    int out = (int)a[0], addr = (int)a[1];
    MemOp mo, size;
    bool bswap;

    switch (op->opc) {
    case INDEX_op_atomic_cmpxchg:
        mo = (MemOp)a[4];
        size = mo & MO_SIZE;
        bswap = (mo & MO_BSWAP) && size != MO_8;
        out_addr_check(g, addr);
        out_align_check(g, addr, mo, (const void *)helper_unaligned);
        tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, (int)a[3]);
        if (bswap) {
            /* Compare and store in memory byte order. */
            out_bswap(g, TCG_REG_RAX, size);
            out_bswap(g, TCG_REG_TMP, size);
        }
        out_guest_mem(g, size_opc(OPC_CMPXCHG8, OPC_CMPXCHG, size) | P_LOCK,
                      TCG_REG_TMP, addr);
        if (bswap) {
            out_bswap(g, TCG_REG_RAX, size);
        }
        out_atomic_result(g, w, TCG_REG_RAX, mo);
        return;
    case INDEX_op_atomic_xchg:
        mo = (MemOp)a[3];
        size = mo & MO_SIZE;
        bswap = (mo & MO_BSWAP) && size != MO_8;
        out_addr_check(g, addr);
        out_align_check(g, addr, mo, (const void *)helper_unaligned);
        if (bswap) {
            out_bswap(g, out, size);
        }
        out_guest_mem(g, size_opc(OPC_XCHG8, OPC_XCHG, size), out, addr);
        if (bswap) {
            out_bswap(g, out, size);
        }
        out_atomic_result(g, w, out, mo);
        return;
    default:
        break;
    }

    mo = (MemOp)a[3];
    size = mo & MO_SIZE;
    bswap = (mo & MO_BSWAP) && size != MO_8;
    TCGAtomicOp aop = (TCGAtomicOp)a[4];
    int val = (int)a[2];
    out_addr_check(g, addr);
    out_align_check(g, addr, mo, (const void *)helper_unaligned);
    if (aop == TCG_AOP_ADD && !bswap) {
        out_guest_mem(g, size_opc(OPC_XADD8, OPC_XADD, size) | P_LOCK, out,
                      addr);
        out_atomic_result(g, w, out, mo);
        return;
    }

    /* Compare-and-swap loop: rax = old in memory order, tmp = new. */
    static const int load_opc[4] = {OPC_MOVZBL, OPC_MOVZWL, OPC_MOVL_GvEv,
                                    OPC_MOVL_GvEv | P_REXW};
    out_guest_mem(g, load_opc[size], TCG_REG_RAX, addr);
    uint8_t *loop = g->code_ptr;
    tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, TCG_REG_RAX);
    if (bswap) {
        out_bswap(g, TCG_REG_TMP, size);
    }
    switch (aop) {
    case TCG_AOP_ADD:
        x86_out_arith_rr(g, ARITH_ADD, TCG_REG_TMP, val, true);
        break;
    case TCG_AOP_AND:
        x86_out_arith_rr(g, ARITH_AND, TCG_REG_TMP, val, true);
        break;
    case TCG_AOP_OR:
        x86_out_arith_rr(g, ARITH_OR, TCG_REG_TMP, val, true);
        break;
    case TCG_AOP_XOR:
        x86_out_arith_rr(g, ARITH_XOR, TCG_REG_TMP, val, true);
        break;
    default: {
        /* tmp = old unless val wins the comparison, made at the access
         * size (only the low `size` bytes of either are meaningful). */
        static const int keep_old_cc[TCG_AOP_COUNT] = {
            [TCG_AOP_SMIN] = JCC_JL,
            [TCG_AOP_SMAX] = JCC_JG,
            [TCG_AOP_UMIN] = JCC_JB,
            [TCG_AOP_UMAX] = JCC_JA,
        };
        x86_out_modrm(g, size_opc(0x38, 0x39, size), val, TCG_REG_TMP);
        uint8_t *skip = x86_out_jcc_short(g, keep_old_cc[aop]);
        tcg_out_mov(g, TCG_TYPE_I64, TCG_REG_TMP, val);
        x86_patch_short(g, skip);
        break;
    }
    }
    if (bswap) {
        out_bswap(g, TCG_REG_TMP, size);
    }
    out_guest_mem(g, size_opc(OPC_CMPXCHG8, OPC_CMPXCHG, size) | P_LOCK,
                  TCG_REG_TMP, addr);
    x86_out8(g, OPC_JCC_short + JCC_JNE);
    x86_out8(g, (uint8_t)(loop - (g->code_ptr + 1)));
    tcg_out_mov(g, TCG_TYPE_I64, out, TCG_REG_RAX);
    if (bswap) {
        out_bswap(g, out, size);
    }
    out_atomic_result(g, w, out, mo);
}

/* Host memory [base + off]: a displacement when off fits in 32 bits,
 * else the scratch register as index. */
static void out_host_mem(TCGGen *g, int opc, int r, int base, intptr_t off)
{
    if (off == (int32_t)off) {
        x86_out_modrm_sib(g, opc, r, base, -1, (int32_t)off);
    } else {
        tcg_out_movi(g, TCG_TYPE_I64, TCG_REG_TMP, (uint64_t)off);
        x86_out_modrm_sib(g, opc, r, base, TCG_REG_TMP, 0);
    }
}

/* Host memory relative to a base register (ld/st). */
static void out_ld(TCGGen *g, bool w, int out, int base, MemOp mo, intptr_t off)
{
    MemOp size = mo & MO_SIZE;
    bool sign = (mo & MO_SIGN) != 0;
    int opc;
    switch (size) {
    case MO_8:
        opc = (sign ? OPC_MOVSBL : OPC_MOVZBL) | (sign && w ? P_REXW : 0);
        break;
    case MO_16:
        opc = (sign ? OPC_MOVSWL : OPC_MOVZWL) | (sign && w ? P_REXW : 0);
        break;
    case MO_32:
        opc = sign && w ? OPC_MOVSLQ : OPC_MOVL_GvEv;
        break;
    default:
        opc = OPC_MOVL_GvEv | P_REXW;
        break;
    }
    out_host_mem(g, opc, out, base, off);
}

static void out_st(TCGGen *g, TCGArg val, bool val_const, int base, MemOp mo,
                   intptr_t off)
{
    MemOp size = mo & MO_SIZE;
    if (val_const) {
        int opc = size == MO_8    ? OPC_MOVB_EvIz
                  : size == MO_16 ? OPC_MOVL_EvIz | P_DATA16
                  : size == MO_32 ? OPC_MOVL_EvIz
                                  : OPC_MOVL_EvIz | P_REXW;
        out_host_mem(g, opc, 0, base, off);
        if (size == MO_8) {
            x86_out8(g, (uint8_t)val);
        } else if (size == MO_16) {
            x86_out16(g, (uint16_t)val);
        } else {
            x86_out32(g, (uint32_t)val);
        }
        return;
    }
    out_host_mem(g, size_opc(OPC_MOVB_EvGv, OPC_MOVL_EvGv, size), (int)val,
                 base, off);
}

/*
 * Vector ops. Every v128 operand is a 16-byte frame slot (regalloc.c);
 * an op loads its inputs into XMM0/XMM1 with movdqu, computes in XMM
 * registers (XMM2/XMM3 for the longer sequences) and stores the result,
 * so the output may be any of the inputs. SSE2 only, plus SSE4.1 where
 * x86_have.sse41 says so.
 */
enum { XMM0, XMM1, XMM2, XMM3 };

enum {
    OPC_MOVDQU_LD = 0x6f | P_EXT | P_F3,
    OPC_MOVDQU_ST = 0x7f | P_EXT | P_F3,
    OPC_MOVQ_XMM_GPR = 0x6e | P_EXT | P_DATA16 | P_REXW,
    OPC_MOVD_XMM_GPR = 0x6e | P_EXT | P_DATA16,
    OPC_PAND = 0xdb | P_EXT | P_DATA16,
    OPC_PANDN = 0xdf | P_EXT | P_DATA16, /* dst = ~dst & src */
    OPC_POR = 0xeb | P_EXT | P_DATA16,
    OPC_PXOR = 0xef | P_EXT | P_DATA16,
    OPC_PADDB = 0xfc | P_EXT | P_DATA16, /* w, d: +1, +2 */
    OPC_PADDQ = 0xd4 | P_EXT | P_DATA16,
    OPC_PSUBB = 0xf8 | P_EXT | P_DATA16,   /* w, d, q: +1, +2, +3 */
    OPC_PCMPEQB = 0x74 | P_EXT | P_DATA16, /* w, d: +1, +2 */
    OPC_PCMPEQQ = 0x29 | P_EXT38 | P_DATA16,
    OPC_PCMPGTD = 0x66 | P_EXT | P_DATA16,
    OPC_PMINUB = 0xda | P_EXT | P_DATA16,
    OPC_PMAXUB = 0xde | P_EXT | P_DATA16,
    OPC_PMINSW = 0xea | P_EXT | P_DATA16,
    OPC_PMAXSW = 0xee | P_EXT | P_DATA16,
    OPC_PMINSB = 0x38 | P_EXT38 | P_DATA16,
    OPC_PMINSD = 0x39 | P_EXT38 | P_DATA16,
    OPC_PMINUW = 0x3a | P_EXT38 | P_DATA16,
    OPC_PMINUD = 0x3b | P_EXT38 | P_DATA16,
    OPC_PMAXSB = 0x3c | P_EXT38 | P_DATA16,
    OPC_PMAXSD = 0x3d | P_EXT38 | P_DATA16,
    OPC_PMAXUW = 0x3e | P_EXT38 | P_DATA16,
    OPC_PMAXUD = 0x3f | P_EXT38 | P_DATA16,
    OPC_PUNPCKLBW = 0x60 | P_EXT | P_DATA16,
    OPC_PUNPCKLQDQ = 0x6c | P_EXT | P_DATA16,
    OPC_PSHUFD = 0x70 | P_EXT | P_DATA16,
    OPC_PSHUFLW = 0x70 | P_EXT | P_F2,
};

/* The frame slot of v128 operand k of op. */
static void vec_slot(TCGGen *g, const TCGOp *op, int k, int *base,
                     intptr_t *off)
{
    tcg_vec_temp_mem(g, op->args[k], base, off);
}

static void out_vec_load(TCGGen *g, int xmm, const TCGOp *op, int k)
{
    int base;
    intptr_t off;
    vec_slot(g, op, k, &base, &off);
    out_host_mem(g, OPC_MOVDQU_LD, xmm, base, off);
}

static void out_vec_store(TCGGen *g, int xmm, const TCGOp *op, int k)
{
    int base;
    intptr_t off;
    vec_slot(g, op, k, &base, &off);
    out_host_mem(g, OPC_MOVDQU_ST, xmm, base, off);
}

static void out_vec_rr(TCGGen *g, int opc, int dst, int src)
{
    x86_out_modrm(g, opc, dst, src);
}

/* dst = the 32-bit pattern pat in every dword (via the scratch GPR). */
static void out_vec_dup32i(TCGGen *g, int dst, uint32_t pat)
{
    tcg_out_movi(g, TCG_TYPE_I32, TCG_REG_TMP, pat);
    out_vec_rr(g, OPC_MOVD_XMM_GPR, dst, TCG_REG_TMP);
    out_vec_rr(g, OPC_PSHUFD, dst, dst);
    x86_out8(g, 0);
}

/* x = m ? y : x, lane by lane, for a mask m of all-ones/zero lanes;
 * m is destroyed. */
static void out_vec_blend(TCGGen *g, int x, int y, int m)
{
    out_vec_rr(g, OPC_PAND, y, m);  /* y & m */
    out_vec_rr(g, OPC_PANDN, m, x); /* x & ~m */
    out_vec_rr(g, OPC_POR, y, m);
    out_vec_rr(g, OPC_MOVDQU_LD, x, y); /* movdqu xmm, xmm copies */
}

/* Signed 32-bit min/max on SSE2: pick through a pcmpgtd mask. */
static void out_vec_minmax_s32(TCGGen *g, bool is_min, int x, int y)
{
    /* m = x > y; min takes y where m, max takes y where !m. */
    out_vec_rr(g, OPC_MOVDQU_LD, XMM2, x);
    out_vec_rr(g, OPC_PCMPGTD, XMM2, y);
    if (!is_min) {
        out_vec_rr(g, OPC_PCMPEQB, XMM3, XMM3);
        out_vec_rr(g, OPC_PXOR, XMM2, XMM3);
    }
    out_vec_blend(g, x, y, XMM2);
}

/*
 * XMM0 = min/max(XMM0, XMM1) per vece. The forms SSE2 lacks go through
 * the other signedness by flipping every element's top bit (x ^ 0x80..
 * maps signed order onto unsigned order and back), or, for 32-bit signed
 * ones, a compare and blend.
 */
static void out_vec_minmax(TCGGen *g, TCGOpcode opc, unsigned vece)
{
    bool is_min = opc == INDEX_op_smin_vec || opc == INDEX_op_umin_vec;
    bool is_signed = opc == INDEX_op_smin_vec || opc == INDEX_op_smax_vec;
    static const int sse41[2][2][3] = {
        /* [signed][min] per vece 8, 16, 32 */
        {{OPC_PMAXUB, OPC_PMAXUW, OPC_PMAXUD},
         {OPC_PMINUB, OPC_PMINUW, OPC_PMINUD}},
        {{OPC_PMAXSB, OPC_PMAXSW, OPC_PMAXSD},
         {OPC_PMINSB, OPC_PMINSW, OPC_PMINSD}},
    };
    static const uint32_t top_bits[3] = {0x80808080u, 0x80008000u, 0x80000000u};
    assert(vece <= MO_32 && "min/max: 8, 16 or 32-bit elements");
    int native = sse41[is_signed][is_min][vece];
    /* SSE2 has unsigned bytes and signed words; SSE4.1 the rest. */
    bool have = x86_have.sse41 || (vece == MO_8 && !is_signed) ||
                (vece == MO_16 && is_signed);
    if (have) {
        out_vec_rr(g, native, XMM0, XMM1);
        return;
    }
    if (vece == MO_32 && is_signed) {
        out_vec_minmax_s32(g, is_min, XMM0, XMM1);
        return;
    }
    /* Flip top bits: unsigned 8 -> signed, signed 8 -> unsigned (native),
     * unsigned 16 -> signed (native), unsigned 32 -> signed. */
    out_vec_dup32i(g, XMM3, top_bits[vece]);
    out_vec_rr(g, OPC_PXOR, XMM0, XMM3);
    out_vec_rr(g, OPC_PXOR, XMM1, XMM3);
    if (vece == MO_32) {
        out_vec_minmax_s32(g, is_min, XMM0, XMM1);
        /* XMM3 was reused as all-ones by max: rebuild the bias. */
        out_vec_dup32i(g, XMM3, top_bits[vece]);
    } else {
        out_vec_rr(g, sse41[!is_signed][is_min][vece], XMM0, XMM1);
    }
    out_vec_rr(g, OPC_PXOR, XMM0, XMM3);
}

/* XMM0 = every element of size vece set to the low bits of GPR src. */
static void out_vec_dup(TCGGen *g, unsigned vece, int src)
{
    if (vece == MO_64) {
        out_vec_rr(g, OPC_MOVQ_XMM_GPR, XMM0, src);
        out_vec_rr(g, OPC_PUNPCKLQDQ, XMM0, XMM0);
        return;
    }
    out_vec_rr(g, OPC_MOVD_XMM_GPR, XMM0, src);
    if (vece == MO_8) {
        out_vec_rr(g, OPC_PUNPCKLBW, XMM0, XMM0); /* byte -> word */
    }
    if (vece <= MO_16) {
        out_vec_rr(g, OPC_PSHUFLW, XMM0, XMM0); /* word 0 -> words 0-3 */
        x86_out8(g, 0);
    }
    out_vec_rr(g, OPC_PSHUFD, XMM0, XMM0); /* dword 0 -> all */
    x86_out8(g, 0);
}

static void out_vec_op(TCGGen *g, const TCGOp *op, const TCGArg *a)
{
    TCGOpcode opc = (TCGOpcode)op->opc;
    int base;
    intptr_t off;

    switch (opc) {
    case INDEX_op_ld_vec:
        out_host_mem(g, OPC_MOVDQU_LD, XMM0, (int)a[1], (intptr_t)a[2]);
        out_vec_store(g, XMM0, op, 0);
        return;
    case INDEX_op_st_vec:
        out_vec_load(g, XMM0, op, 0);
        out_host_mem(g, OPC_MOVDQU_ST, XMM0, (int)a[1], (intptr_t)a[2]);
        return;
    case INDEX_op_dup_vec:
        out_vec_dup(g, (unsigned)a[2], (int)a[1]);
        out_vec_store(g, XMM0, op, 0);
        return;
    case INDEX_op_extract64_vec:
        /* The half is just a 64-bit word of the slot. */
        vec_slot(g, op, 1, &base, &off);
        out_host_mem(g, OPC_MOVL_GvEv | P_REXW, (int)a[0], base,
                     off + 8 * (intptr_t)(a[2] & 1));
        return;
    case INDEX_op_insert64_vec:
        if (op->args[0] != op->args[1]) {
            out_vec_load(g, XMM0, op, 1);
            out_vec_store(g, XMM0, op, 0);
        }
        vec_slot(g, op, 0, &base, &off);
        out_host_mem(g, OPC_MOVL_EvGv | P_REXW, (int)a[2], base,
                     off + 8 * (intptr_t)(a[3] & 1));
        return;
    case INDEX_op_mov_vec:
        out_vec_load(g, XMM0, op, 1);
        out_vec_store(g, XMM0, op, 0);
        return;
    case INDEX_op_not_vec:
        out_vec_load(g, XMM0, op, 1);
        out_vec_rr(g, OPC_PCMPEQB, XMM1, XMM1);
        out_vec_rr(g, OPC_PXOR, XMM0, XMM1);
        out_vec_store(g, XMM0, op, 0);
        return;
    default:
        break;
    }

    /* Binary ops: XMM0 = a, XMM1 = b, result in XMM0. */
    unsigned vece = tcg_op_defs[opc].nb_cargs ? (unsigned)a[3] : 0;
    out_vec_load(g, XMM0, op, 1);
    out_vec_load(g, XMM1, op, 2);
    switch (opc) {
    case INDEX_op_and_vec:
        out_vec_rr(g, OPC_PAND, XMM0, XMM1);
        break;
    case INDEX_op_or_vec:
        out_vec_rr(g, OPC_POR, XMM0, XMM1);
        break;
    case INDEX_op_xor_vec:
        out_vec_rr(g, OPC_PXOR, XMM0, XMM1);
        break;
    case INDEX_op_andc_vec:
        out_vec_rr(g, OPC_PANDN, XMM1, XMM0); /* ~b & a */
        out_vec_store(g, XMM1, op, 0);
        return;
    case INDEX_op_add_vec:
        out_vec_rr(g, vece == MO_64 ? OPC_PADDQ : OPC_PADDB + (int)vece, XMM0,
                   XMM1);
        break;
    case INDEX_op_sub_vec:
        out_vec_rr(g, OPC_PSUBB + (int)vece, XMM0, XMM1);
        break;
    case INDEX_op_cmpeq_vec:
        if (vece < MO_64) {
            out_vec_rr(g, OPC_PCMPEQB + (int)vece, XMM0, XMM1);
        } else if (x86_have.sse41) {
            out_vec_rr(g, OPC_PCMPEQQ, XMM0, XMM1);
        } else {
            /* Equal quadwords are those whose two dwords are equal:
             * and the dword mask with itself, dwords swapped. */
            out_vec_rr(g, OPC_PCMPEQB + MO_32, XMM0, XMM1);
            out_vec_rr(g, OPC_PSHUFD, XMM1, XMM0);
            x86_out8(g, 0xb1);
            out_vec_rr(g, OPC_PAND, XMM0, XMM1);
        }
        break;
    case INDEX_op_smin_vec:
    case INDEX_op_smax_vec:
    case INDEX_op_umin_vec:
    case INDEX_op_umax_vec:
        out_vec_minmax(g, opc, vece);
        break;
    default:
        assert(!"unhandled vector op in x86-64 backend");
        return;
    }
    out_vec_store(g, XMM0, op, 0);
}

void x86_out_goto_tb(TCGGen *g, int n);
void x86_out_lookup_goto(TCGGen *g, int pc_reg);
void x86_out_exit_tb(TCGGen *g, uintptr_t val);

void tcg_out_op(TCGGen *g, const TCGOp *op, const TCGArg *a, const bool *c)
{
    bool w = op->type == TCG_TYPE_I64;
    int rexw = w ? P_REXW : 0;
    TCGType type = (TCGType)op->type;
    uint32_t start = tcg_gen_offset(g);

    switch (op->opc) {
    case INDEX_op_add:
        if (c[2]) {
            int64_t imm = w ? (int64_t)a[2] : (int32_t)a[2];
            x86_out_modrm_sib(g, OPC_LEA | rexw, (int)a[0], (int)a[1], -1,
                              (int32_t)imm);
        } else if (a[0] == a[1]) {
            x86_out_arith_rr(g, ARITH_ADD, (int)a[0], (int)a[2], w);
        } else if (a[0] == a[2]) {
            x86_out_arith_rr(g, ARITH_ADD, (int)a[0], (int)a[1], w);
        } else {
            x86_out_modrm_sib(g, OPC_LEA | rexw, (int)a[0], (int)a[1],
                              (int)a[2], 0);
        }
        if (w) {
            zx_note(g, start, (int)a[0]);
        }
        break;
    case INDEX_op_sub:
    case INDEX_op_and:
    case INDEX_op_or:
    case INDEX_op_xor: {
        static const int ext[] = {
            [INDEX_op_sub] = ARITH_SUB, [INDEX_op_and] = ARITH_AND,
            [INDEX_op_or] = ARITH_OR,   [INDEX_op_xor] = ARITH_XOR,
        };
        out_arith2(g, ext[op->opc], w, (int)a[0], a[2], c[2]);
        if (w) {
            zx_note(g, start, (int)a[0]);
        }
        break;
    }
    case INDEX_op_eqv:
        out_arith2(g, ARITH_XOR, w, (int)a[0], a[2], c[2]);
        out_not(g, w, (int)a[0]);
        break;
    case INDEX_op_nand:
        out_arith2(g, ARITH_AND, w, (int)a[0], a[2], c[2]);
        out_not(g, w, (int)a[0]);
        break;
    case INDEX_op_nor:
        out_arith2(g, ARITH_OR, w, (int)a[0], a[2], c[2]);
        out_not(g, w, (int)a[0]);
        break;
    case INDEX_op_andc:
        if (x86_have.bmi1) {
            /* andn d, s1, s2 computes ~s1 & s2. */
            x86_out_vex_modrm(g, OPC_ANDN | rexw, (int)a[0], (int)a[2],
                              (int)a[1]);
        } else {
            tcg_out_mov(g, type, (int)a[0], (int)a[2]);
            out_not(g, w, (int)a[0]);
            x86_out_arith_rr(g, ARITH_AND, (int)a[0], (int)a[1], w);
        }
        break;
    case INDEX_op_orc:
        tcg_out_mov(g, type, (int)a[0], (int)a[2]);
        out_not(g, w, (int)a[0]);
        x86_out_arith_rr(g, ARITH_OR, (int)a[0], (int)a[1], w);
        break;
    case INDEX_op_mul:
        if (c[2]) {
            x86_out_modrm(g, OPC_IMUL_GvEvIz | rexw, (int)a[0], (int)a[0]);
            x86_out32(g, (uint32_t)a[2]);
        } else {
            x86_out_modrm(g, OPC_IMUL_GvEv | rexw, (int)a[0], (int)a[2]);
        }
        break;
    case INDEX_op_mulsh:
    case INDEX_op_muluh:
        x86_out_modrm(g, OPC_GRP3_Ev | rexw,
                      op->opc == INDEX_op_mulsh ? EXT3_IMUL : EXT3_MUL,
                      (int)a[2]);
        break;
    case INDEX_op_div:
    case INDEX_op_divu:
    case INDEX_op_rem:
    case INDEX_op_remu:
        out_divrem(g, op, a);
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        bool add = op->opc == INDEX_op_add2;
        out_arith2(g, add ? ARITH_ADD : ARITH_SUB, w, (int)a[0], a[4], c[4]);
        out_arith2(g, add ? ARITH_ADC : ARITH_SBB, w, (int)a[1], a[5], c[5]);
        break;
    }
    case INDEX_op_neg:
        x86_out_modrm(g, OPC_GRP3_Ev | rexw, EXT3_NEG, (int)a[0]);
        break;
    case INDEX_op_not:
        out_not(g, w, (int)a[0]);
        break;
    case INDEX_op_shl:
        out_shift(g, op, SHIFT_SHL, a, c);
        break;
    case INDEX_op_shr:
        out_shift(g, op, SHIFT_SHR, a, c);
        break;
    case INDEX_op_sar:
        out_shift(g, op, SHIFT_SAR, a, c);
        break;
    case INDEX_op_rotl:
        out_shift(g, op, SHIFT_ROL, a, c);
        break;
    case INDEX_op_rotr:
        out_shift(g, op, SHIFT_ROR, a, c);
        break;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        out_clz_ctz(g, op, a);
        break;
    case INDEX_op_ctpop:
        if (x86_have.popcnt) {
            x86_out_modrm(g, OPC_POPCNT | rexw, (int)a[0], (int)a[1]);
        } else {
            tcg_out_call(g, (const void *)helper_ctpop);
        }
        break;
    case INDEX_op_bswap16:
        out_bswap(g, (int)a[0], MO_16);
        break;
    case INDEX_op_bswap32:
        out_bswap(g, (int)a[0], MO_32);
        break;
    case INDEX_op_bswap64:
        out_bswap(g, (int)a[0], MO_64);
        break;
    case INDEX_op_ext8s:
        out_ext(g, w, (int)a[0], (int)a[1], MO_8, true);
        break;
    case INDEX_op_ext8u:
        out_ext(g, w, (int)a[0], (int)a[1], MO_8, false);
        break;
    case INDEX_op_ext16s:
        out_ext(g, w, (int)a[0], (int)a[1], MO_16, true);
        break;
    case INDEX_op_ext16u:
        out_ext(g, w, (int)a[0], (int)a[1], MO_16, false);
        break;
    case INDEX_op_ext32s:
    case INDEX_op_exts_i32_i64:
        out_ext(g, true, (int)a[0], (int)a[1], MO_32, true);
        break;
    case INDEX_op_ext32u:
        if (zx_fold(g, (int)a[0], (int)a[1])) {
            break;
        }
        out_ext(g, false, (int)a[0], (int)a[1], MO_32, false);
        break;
    case INDEX_op_extu_i32_i64:
        /* An i32 value's register is zero-extended already (tcg.h). */
        if (a[0] != a[1]) {
            out_ext(g, false, (int)a[0], (int)a[1], MO_32, false);
        }
        break;
    case INDEX_op_extrl_i64_i32:
        out_ext(g, false, (int)a[0], (int)a[1], MO_32, false);
        break;
    case INDEX_op_extrh_i64_i32:
        x86_out_shift_ri(g, SHIFT_SHR, (int)a[0], 32, true);
        break;
    case INDEX_op_extract:
    case INDEX_op_sextract:
        out_extract(g, w, op->opc == INDEX_op_sextract, (int)a[0], (int)a[2],
                    (int)a[3]);
        break;
    case INDEX_op_deposit:
        out_deposit(g, w, (int)a[0], (int)a[2], (int)a[3], (int)a[4]);
        break;
    case INDEX_op_setcond: {
        TCGCond cond = (TCGCond)a[3];
        if (cond == TCG_COND_ALWAYS || cond == TCG_COND_NEVER) {
            tcg_out_movi(g, TCG_TYPE_I32, (int)a[0], cond == TCG_COND_ALWAYS);
            break;
        }
        out_cmp(g, w, (int)a[1], a[2], c[2]);
        x86_out_modrm(g, OPC_SETCC + cond_to_jcc[cond], 0, (int)a[0]);
        x86_out_modrm(g, OPC_MOVZBL | P_REXB_RM, (int)a[0], (int)a[0]);
        break;
    }
    case INDEX_op_movcond: {
        TCGCond cond = (TCGCond)a[5];
        if (cond == TCG_COND_NEVER) {
            break;
        }
        if (cond == TCG_COND_ALWAYS) {
            tcg_out_mov(g, type, (int)a[0], (int)a[3]);
            break;
        }
        out_cmp(g, w, (int)a[1], a[2], c[2]);
        x86_out_modrm(g, (OPC_CMOVCC + cond_to_jcc[cond]) | rexw, (int)a[0],
                      (int)a[3]);
        break;
    }
    case INDEX_op_brcond: {
        TCGCond cond = (TCGCond)a[2];
        if (cond == TCG_COND_NEVER) {
            break;
        }
        if (cond == TCG_COND_ALWAYS) {
            x86_out_jmp_label(g, (uint32_t)a[3]);
            break;
        }
        out_cmp(g, w, (int)a[0], a[1], c[1]);
        x86_out_jcc(g, cond_to_jcc[cond], (uint32_t)a[3]);
        break;
    }
    case INDEX_op_br:
        x86_out_jmp_label(g, (uint32_t)a[0]);
        break;
    case INDEX_op_ld:
        out_ld(g, w, (int)a[0], (int)a[1], (MemOp)a[2], (intptr_t)a[3]);
        break;
    case INDEX_op_st:
        out_st(g, a[0], c[0], (int)a[1], (MemOp)a[2], (intptr_t)a[3]);
        break;
    case INDEX_op_qemu_ld:
        out_qemu_ld(g, op, a);
        break;
    case INDEX_op_qemu_st:
        out_qemu_st(g, a);
        break;
    case INDEX_op_atomic_cmpxchg:
    case INDEX_op_atomic_xchg:
    case INDEX_op_atomic_fetch:
        out_atomic(g, op, a);
        break;
    case INDEX_op_mb:
        /* x86 is TSO: only store->load ordering needs a fence. */
        if (a[0] & TCG_MB_ST_LD) {
            x86_out8(g, 0x0f);
            x86_out8(g, 0xae);
            x86_out8(g, 0xf0);
        }
        break;
    case INDEX_op_goto_tb:
        x86_out_goto_tb(g, (int)a[0]);
        break;
    case INDEX_op_exit_tb:
        x86_out_exit_tb(g, (uintptr_t)a[0]);
        break;
    case INDEX_op_goto_ptr:
        x86_out_modrm(g, OPC_GRP5, EXT5_JMPN_Ev, (int)a[0]);
        break;
    case INDEX_op_lookup_goto:
        x86_out_lookup_goto(g, (int)a[0]);
        break;
    default:
        if (tcg_op_defs[op->opc].flags & TCG_OPF_VECTOR) {
            out_vec_op(g, op, a);
            break;
        }
        assert(!"unhandled op in x86-64 backend");
    }
}

/*
 * riscv64 disassembler for -d in_asm (Debian's Capstone has no RISC-V)
 * and for the decoder tests.
 *
 * It is the second user of the generated decoders: this file includes
 * decode-insn32.c.inc and decode-insn16.c.inc with a DisasContext of its
 * own, and its trans_<name>() functions print instead of emitting IR. An
 * encoding therefore disassembles exactly when the translator accepts it:
 * the reserved cases that the translator's trans_ functions reject are
 * rejected here too (same conditions, and riscv_csr_access_ok for CSRs).
 *
 * Output follows the LLVM/binutils syntax without pseudo-instructions
 * (llvm-mc -riscv-no-aliases): ABI register names, decimal immediates,
 * branch and jump offsets relative to the instruction, "imm(reg)" for
 * memory operands, compressed instructions under their c.* names. The
 * decoder test compares against that syntax.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "target/riscv/cpu.h"

typedef struct DisasContext {
    char *buf;
    size_t size;
} DisasContext;

#include "target/riscv/decode-helpers.h"

#include "decode-insn16.c.inc"
#include "decode-insn32.c.inc"

static bool out(DisasContext *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool out(DisasContext *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx->buf, ctx->size, fmt, ap);
    va_end(ap);
    return true;
}

#define X(r) riscv_reg_name((unsigned)(r))

/* ---- one printer per operand shape ---- */

#define DIS_R(name, mnem)                                                      \
    static bool trans_##name(DisasContext *ctx, arg_r *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s, %s", X(a->rd), X(a->rs1), X(a->rs2));   \
    }
#define DIS_R2(name, mnem)                                                     \
    static bool trans_##name(DisasContext *ctx, arg_r *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s", X(a->rd), X(a->rs1));                  \
    }
#define DIS_I(name, mnem)                                                      \
    static bool trans_##name(DisasContext *ctx, arg_i *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s, %d", X(a->rd), X(a->rs1), a->imm);      \
    }
#define DIS_LOAD(name, mnem)                                                   \
    static bool trans_##name(DisasContext *ctx, arg_i *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %d(%s)", X(a->rd), a->imm, X(a->rs1));      \
    }
#define DIS_STORE(name, mnem)                                                  \
    static bool trans_##name(DisasContext *ctx, arg_s *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %d(%s)", X(a->rs2), a->imm, X(a->rs1));     \
    }
#define DIS_B(name, mnem)                                                      \
    static bool trans_##name(DisasContext *ctx, arg_b *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s, %d", X(a->rs1), X(a->rs2), a->imm);     \
    }
#define DIS_SH(name, mnem)                                                     \
    static bool trans_##name(DisasContext *ctx, arg_shift *a)                  \
    {                                                                          \
        return out(ctx, mnem " %s, %s, %d", X(a->rd), X(a->rs1), a->shamt);    \
    }
#define DIS_CSR(name, mnem, imm, op_writes)                                    \
    static bool trans_##name(DisasContext *ctx, arg_csr *a)                    \
    {                                                                          \
        return gen_csr(ctx, a, mnem, imm, op_writes);                          \
    }
/* An AMO's mnemonic carries the ordering bits as a suffix. */
#define DIS_AMO(name, mnem)                                                    \
    static bool trans_##name(DisasContext *ctx, arg_atomic *a)                 \
    {                                                                          \
        return out(ctx, mnem "%s %s, %s, (%s)", aqrl(a), X(a->rd), X(a->rs2),  \
                   X(a->rs1));                                                 \
    }
#define DIS_LR(name, mnem)                                                     \
    static bool trans_##name(DisasContext *ctx, arg_atomic *a)                 \
    {                                                                          \
        return out(ctx, mnem "%s %s, (%s)", aqrl(a), X(a->rd), X(a->rs1));     \
    }

static const char *aqrl(const arg_atomic *a)
{
    static const char *const suffix[4] = {"", ".rl", ".aq", ".aqrl"};

    return suffix[(a->aq ? 2 : 0) | (a->rl ? 1 : 0)];
}

static const char *csr_name(int csr)
{
    switch (csr) {
    case CSR_FFLAGS:
        return "fflags";
    case CSR_FRM:
        return "frm";
    case CSR_FCSR:
        return "fcsr";
    case CSR_CYCLE:
        return "cycle";
    case CSR_TIME:
        return "time";
    case CSR_INSTRET:
        return "instret";
    default:
        return "?";
    }
}

/* Same legality rule as the translator's gen_csr. op_writes: csrrw
 * always writes, csrrs/csrrc only with a non-zero source. */
static bool gen_csr(DisasContext *ctx, arg_csr *a, const char *mnem, bool imm,
                    bool op_writes)
{
    if (!riscv_csr_access_ok(a->csr, op_writes || a->rs1 != 0)) {
        return false;
    }
    if (imm) {
        return out(ctx, "%s %s, %s, %d", mnem, X(a->rd), csr_name(a->csr),
                   a->rs1);
    }
    return out(ctx, "%s %s, %s, %s", mnem, X(a->rd), csr_name(a->csr),
               X(a->rs1));
}

/* ---- RV64I ---- */

static bool trans_lui(DisasContext *ctx, arg_u *a)
{
    return out(ctx, "lui %s, %u", X(a->rd), ((unsigned)a->imm >> 12));
}

static bool trans_auipc(DisasContext *ctx, arg_u *a)
{
    return out(ctx, "auipc %s, %u", X(a->rd), ((unsigned)a->imm >> 12));
}

static bool trans_jal(DisasContext *ctx, arg_j *a)
{
    return out(ctx, "jal %s, %d", X(a->rd), a->imm);
}

static bool trans_jalr(DisasContext *ctx, arg_i *a)
{
    return out(ctx, "jalr %s, %d(%s)", X(a->rd), a->imm, X(a->rs1));
}

DIS_B(beq, "beq")
DIS_B(bne, "bne")
DIS_B(blt, "blt")
DIS_B(bge, "bge")
DIS_B(bltu, "bltu")
DIS_B(bgeu, "bgeu")
DIS_LOAD(lb, "lb")
DIS_LOAD(lh, "lh")
DIS_LOAD(lw, "lw")
DIS_LOAD(ld, "ld")
DIS_LOAD(lbu, "lbu")
DIS_LOAD(lhu, "lhu")
DIS_LOAD(lwu, "lwu")
DIS_STORE(sb, "sb")
DIS_STORE(sh, "sh")
DIS_STORE(sw, "sw")
DIS_STORE(sd, "sd")
DIS_I(addi, "addi")
DIS_I(slti, "slti")
DIS_I(sltiu, "sltiu")
DIS_I(xori, "xori")
DIS_I(ori, "ori")
DIS_I(andi, "andi")
DIS_SH(slli, "slli")
DIS_SH(srli, "srli")
DIS_SH(srai, "srai")
DIS_R(add, "add")
DIS_R(sub, "sub")
DIS_R(sll, "sll")
DIS_R(slt, "slt")
DIS_R(sltu, "sltu")
DIS_R(xor, "xor")
DIS_R(srl, "srl")
DIS_R(sra, "sra")
DIS_R(or, "or")
DIS_R(and, "and")
DIS_I(addiw, "addiw")
DIS_SH(slliw, "slliw")
DIS_SH(srliw, "srliw")
DIS_SH(sraiw, "sraiw")
DIS_R(addw, "addw")
DIS_R(subw, "subw")
DIS_R(sllw, "sllw")
DIS_R(srlw, "srlw")
DIS_R(sraw, "sraw")

/* pred/succ as the letters of I O R W that are set. */
static void fence_set(char *s, int bits)
{
    const char *letters = "iorw";
    int n = 0;

    for (int i = 0; i < 4; i++) {
        if (bits & (8 >> i)) {
            s[n++] = letters[i];
        }
    }
    if (n == 0) {
        s[n++] = '0';
    }
    s[n] = '\0';
}

static bool trans_fence(DisasContext *ctx, arg_fence *a)
{
    char p[5], s[5];

    if (a->fm == 8 && a->pred == 3 && a->succ == 3) {
        return out(ctx, "fence.tso");
    }
    fence_set(p, a->pred);
    fence_set(s, a->succ);
    return out(ctx, "fence %s, %s", p, s);
}

static bool trans_ecall(DisasContext *ctx, arg_ecall *a)
{
    return out(ctx, "ecall");
}

static bool trans_ebreak(DisasContext *ctx, arg_ebreak *a)
{
    return out(ctx, "ebreak");
}

static bool trans_fence_i(DisasContext *ctx, arg_fence_i *a)
{
    return out(ctx, "fence.i");
}

DIS_CSR(csrrw, "csrrw", false, true)
DIS_CSR(csrrs, "csrrs", false, false)
DIS_CSR(csrrc, "csrrc", false, false)
DIS_CSR(csrrwi, "csrrwi", true, true)
DIS_CSR(csrrsi, "csrrsi", true, false)
DIS_CSR(csrrci, "csrrci", true, false)

/* ---- M ---- */

DIS_R(mul, "mul")
DIS_R(mulh, "mulh")
DIS_R(mulhsu, "mulhsu")
DIS_R(mulhu, "mulhu")
DIS_R(div, "div")
DIS_R(divu, "divu")
DIS_R(rem, "rem")
DIS_R(remu, "remu")
DIS_R(mulw, "mulw")
DIS_R(divw, "divw")
DIS_R(divuw, "divuw")
DIS_R(remw, "remw")
DIS_R(remuw, "remuw")

/* ---- A ---- */

DIS_LR(lr_w, "lr.w")
DIS_AMO(sc_w, "sc.w")
DIS_AMO(amoswap_w, "amoswap.w")
DIS_AMO(amoadd_w, "amoadd.w")
DIS_AMO(amoxor_w, "amoxor.w")
DIS_AMO(amoand_w, "amoand.w")
DIS_AMO(amoor_w, "amoor.w")
DIS_AMO(amomin_w, "amomin.w")
DIS_AMO(amomax_w, "amomax.w")
DIS_AMO(amominu_w, "amominu.w")
DIS_AMO(amomaxu_w, "amomaxu.w")
DIS_LR(lr_d, "lr.d")
DIS_AMO(sc_d, "sc.d")
DIS_AMO(amoswap_d, "amoswap.d")
DIS_AMO(amoadd_d, "amoadd.d")
DIS_AMO(amoxor_d, "amoxor.d")
DIS_AMO(amoand_d, "amoand.d")
DIS_AMO(amoor_d, "amoor.d")
DIS_AMO(amomin_d, "amomin.d")
DIS_AMO(amomax_d, "amomax.d")
DIS_AMO(amominu_d, "amominu.d")
DIS_AMO(amomaxu_d, "amomaxu.d")

/* ---- Zba, Zbb, Zbs ---- */

DIS_R(sh1add, "sh1add")
DIS_R(sh2add, "sh2add")
DIS_R(sh3add, "sh3add")
DIS_R(add_uw, "add.uw")
DIS_R(sh1add_uw, "sh1add.uw")
DIS_R(sh2add_uw, "sh2add.uw")
DIS_R(sh3add_uw, "sh3add.uw")
DIS_SH(slli_uw, "slli.uw")
DIS_R(andn, "andn")
DIS_R(orn, "orn")
DIS_R(xnor, "xnor")
DIS_R2(clz, "clz")
DIS_R2(ctz, "ctz")
DIS_R2(cpop, "cpop")
DIS_R2(sext_b, "sext.b")
DIS_R2(sext_h, "sext.h")
DIS_R2(clzw, "clzw")
DIS_R2(ctzw, "ctzw")
DIS_R2(cpopw, "cpopw")
DIS_R2(zext_h, "zext.h")
DIS_R(max, "max")
DIS_R(maxu, "maxu")
DIS_R(min, "min")
DIS_R(minu, "minu")
DIS_R(rol, "rol")
DIS_R(ror, "ror")
DIS_R(rolw, "rolw")
DIS_R(rorw, "rorw")
DIS_SH(rori, "rori")
DIS_SH(roriw, "roriw")
DIS_R2(orc_b, "orc.b")
DIS_R2(rev8, "rev8")
DIS_R(bclr, "bclr")
DIS_R(bext, "bext")
DIS_R(binv, "binv")
DIS_R(bset, "bset")
DIS_SH(bclri, "bclri")
DIS_SH(bexti, "bexti")
DIS_SH(binvi, "binvi")
DIS_SH(bseti, "bseti")

/* ---- C: the reserved-encoding checks mirror trans_rvc.c.inc ---- */

static bool trans_c_addi4spn(DisasContext *ctx, arg_c_i *a)
{
    if (a->imm == 0) {
        return false;
    }
    return out(ctx, "c.addi4spn %s, sp, %d", X(a->rd), a->imm);
}

static bool trans_c_lw(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.lw %s, %d(%s)", X(a->rd), a->imm, X(a->rs1));
}

static bool trans_c_ld(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.ld %s, %d(%s)", X(a->rd), a->imm, X(a->rs1));
}

static bool trans_c_sw(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.sw %s, %d(%s)", X(a->rs2), a->imm, X(a->rs1));
}

static bool trans_c_sd(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.sd %s, %d(%s)", X(a->rs2), a->imm, X(a->rs1));
}

static bool trans_c_addi(DisasContext *ctx, arg_c_i *a)
{
    /* rd = x0 is c.nop, with a non-zero immediate a hint. */
    if (a->rd == 0) {
        return a->imm ? out(ctx, "c.nop %d", a->imm) : out(ctx, "c.nop");
    }
    return out(ctx, "c.addi %s, %d", X(a->rd), a->imm);
}

static bool trans_c_addiw(DisasContext *ctx, arg_c_i *a)
{
    if (a->rd == 0) {
        return false;
    }
    return out(ctx, "c.addiw %s, %d", X(a->rd), a->imm);
}

static bool trans_c_li(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.li %s, %d", X(a->rd), a->imm);
}

static bool trans_c_addi16sp(DisasContext *ctx, arg_c_addi16sp *a)
{
    if (a->imm == 0) {
        return false;
    }
    return out(ctx, "c.addi16sp sp, %d", a->imm);
}

static bool trans_c_lui(DisasContext *ctx, arg_c_lui *a)
{
    if (a->imm == 0 || a->rd == 2) {
        return false;
    }
    return out(ctx, "c.lui %s, %u", X(a->rd), ((unsigned)a->imm >> 12));
}

static bool trans_c_srli(DisasContext *ctx, arg_c_sh *a)
{
    /* shamt = 0 is a hint on RV64, named for its RV128 meaning. */
    if (a->shamt == 0) {
        return out(ctx, "c.srli64 %s", X(a->rd));
    }
    return out(ctx, "c.srli %s, %d", X(a->rd), a->shamt);
}

static bool trans_c_srai(DisasContext *ctx, arg_c_sh *a)
{
    /* shamt = 0 is a hint on RV64, named for its RV128 meaning. */
    if (a->shamt == 0) {
        return out(ctx, "c.srai64 %s", X(a->rd));
    }
    return out(ctx, "c.srai %s, %d", X(a->rd), a->shamt);
}

static bool trans_c_slli(DisasContext *ctx, arg_c_sh *a)
{
    /* shamt = 0 is a hint on RV64, named for its RV128 meaning. */
    if (a->shamt == 0) {
        return out(ctx, "c.slli64 %s", X(a->rd));
    }
    return out(ctx, "c.slli %s, %d", X(a->rd), a->shamt);
}

static bool trans_c_andi(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.andi %s, %d", X(a->rd), a->imm);
}

#define DIS_CA(name, mnem)                                                     \
    static bool trans_##name(DisasContext *ctx, arg_c_r *a)                    \
    {                                                                          \
        return out(ctx, mnem " %s, %s", X(a->rd), X(a->rs2));                  \
    }
DIS_CA(c_sub, "c.sub")
DIS_CA(c_xor, "c.xor")
DIS_CA(c_or, "c.or")
DIS_CA(c_and, "c.and")
DIS_CA(c_subw, "c.subw")
DIS_CA(c_addw, "c.addw")
DIS_CA(c_add, "c.add")

static bool trans_c_j(DisasContext *ctx, arg_c_j *a)
{
    return out(ctx, "c.j %d", a->imm);
}

static bool trans_c_beqz(DisasContext *ctx, arg_c_b *a)
{
    return out(ctx, "c.beqz %s, %d", X(a->rs1), a->imm);
}

static bool trans_c_bnez(DisasContext *ctx, arg_c_b *a)
{
    return out(ctx, "c.bnez %s, %d", X(a->rs1), a->imm);
}

static bool trans_c_lwsp(DisasContext *ctx, arg_c_i *a)
{
    if (a->rd == 0) {
        return false;
    }
    return out(ctx, "c.lwsp %s, %d(sp)", X(a->rd), a->imm);
}

static bool trans_c_ldsp(DisasContext *ctx, arg_c_i *a)
{
    if (a->rd == 0) {
        return false;
    }
    return out(ctx, "c.ldsp %s, %d(sp)", X(a->rd), a->imm);
}

static bool trans_c_swsp(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.swsp %s, %d(sp)", X(a->rs2), a->imm);
}

static bool trans_c_sdsp(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.sdsp %s, %d(sp)", X(a->rs2), a->imm);
}

static bool trans_c_jr(DisasContext *ctx, arg_c_r *a)
{
    if (a->rs1 == 0) {
        return false;
    }
    return out(ctx, "c.jr %s", X(a->rs1));
}

static bool trans_c_mv(DisasContext *ctx, arg_c_r *a)
{
    if (a->rs2 == 0) {
        return false;
    }
    return out(ctx, "c.mv %s, %s", X(a->rd), X(a->rs2));
}

static bool trans_c_ebreak(DisasContext *ctx, arg_c_ebreak *a)
{
    return out(ctx, "c.ebreak");
}

static bool trans_c_jalr(DisasContext *ctx, arg_c_r *a)
{
    return out(ctx, "c.jalr %s", X(a->rs1));
}

/* ---- entry points ---- */

/* ---- F and D: f registers by ABI name, the rounding mode always
 * printed (as llvm-mc -riscv-no-aliases does), except for the exact
 * conversions fcvt.d.s/w/wu, which LLVM prints without it. A reserved
 * static rm is rejected, as by the translator. ---- */

static const char *fpr_name(int r)
{
    static const char *const names[32] = {
        "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
        "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
        "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
        "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
    };
    return names[r & 31];
}

#define F(r) fpr_name(r)

static const char *rm_name(int rm)
{
    static const char *const names[8] = {"rne", "rtz", "rdn", "rup",
                                         "rmm", NULL,  NULL,  "dyn"};
    return names[rm & 7];
}

static bool trans_flw(DisasContext *ctx, arg_i *a)
{
    return out(ctx, "flw %s, %d(%s)", F(a->rd), a->imm, X(a->rs1));
}

static bool trans_fld(DisasContext *ctx, arg_i *a)
{
    return out(ctx, "fld %s, %d(%s)", F(a->rd), a->imm, X(a->rs1));
}

static bool trans_fsw(DisasContext *ctx, arg_s *a)
{
    return out(ctx, "fsw %s, %d(%s)", F(a->rs2), a->imm, X(a->rs1));
}

static bool trans_fsd(DisasContext *ctx, arg_s *a)
{
    return out(ctx, "fsd %s, %d(%s)", F(a->rs2), a->imm, X(a->rs1));
}

/* Operand shapes: d/s name the register file (F or X) of rd and rs1. */
#define DIS_F_RM(name, mnem, RD, RS)                                           \
    static bool trans_##name(DisasContext *ctx, arg_r_rm *a)                   \
    {                                                                          \
        if (!rm_name(a->rm)) {                                                 \
            return false;                                                      \
        }                                                                      \
        return out(ctx, mnem " %s, %s, %s", RD(a->rd), RS(a->rs1),             \
                   rm_name(a->rm));                                            \
    }
#define DIS_F_RM_EXACT(name, mnem, RD, RS)                                     \
    static bool trans_##name(DisasContext *ctx, arg_r_rm *a)                   \
    {                                                                          \
        if (!rm_name(a->rm)) {                                                 \
            return false;                                                      \
        }                                                                      \
        return out(ctx, mnem " %s, %s", RD(a->rd), RS(a->rs1));                \
    }
#define DIS_F_RRM(name, mnem)                                                  \
    static bool trans_##name(DisasContext *ctx, arg_r_rm *a)                   \
    {                                                                          \
        if (!rm_name(a->rm)) {                                                 \
            return false;                                                      \
        }                                                                      \
        return out(ctx, mnem " %s, %s, %s, %s", F(a->rd), F(a->rs1),           \
                   F(a->rs2), rm_name(a->rm));                                 \
    }
#define DIS_F_R(name, mnem, RD)                                                \
    static bool trans_##name(DisasContext *ctx, arg_r *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s, %s", RD(a->rd), F(a->rs1), F(a->rs2));  \
    }
#define DIS_F_R2(name, mnem, RD, RS)                                           \
    static bool trans_##name(DisasContext *ctx, arg_r *a)                      \
    {                                                                          \
        return out(ctx, mnem " %s, %s", RD(a->rd), RS(a->rs1));                \
    }
#define DIS_F_R4(name, mnem)                                                   \
    static bool trans_##name(DisasContext *ctx, arg_r4_rm *a)                  \
    {                                                                          \
        if (!rm_name(a->rm)) {                                                 \
            return false;                                                      \
        }                                                                      \
        return out(ctx, mnem " %s, %s, %s, %s, %s", F(a->rd), F(a->rs1),       \
                   F(a->rs2), F(a->rs3), rm_name(a->rm));                      \
    }

#define DIS_F_BOTH(M, name, mnem, ...)                                         \
    M(name##_s, mnem ".s", ##__VA_ARGS__)                                      \
    M(name##_d, mnem ".d", ##__VA_ARGS__)

DIS_F_BOTH(DIS_F_R4, fmadd, "fmadd")
DIS_F_BOTH(DIS_F_R4, fmsub, "fmsub")
DIS_F_BOTH(DIS_F_R4, fnmsub, "fnmsub")
DIS_F_BOTH(DIS_F_R4, fnmadd, "fnmadd")
DIS_F_BOTH(DIS_F_RRM, fadd, "fadd")
DIS_F_BOTH(DIS_F_RRM, fsub, "fsub")
DIS_F_BOTH(DIS_F_RRM, fmul, "fmul")
DIS_F_BOTH(DIS_F_RRM, fdiv, "fdiv")
DIS_F_BOTH(DIS_F_RM, fsqrt, "fsqrt", F, F)
DIS_F_BOTH(DIS_F_R, fsgnj, "fsgnj", F)
DIS_F_BOTH(DIS_F_R, fsgnjn, "fsgnjn", F)
DIS_F_BOTH(DIS_F_R, fsgnjx, "fsgnjx", F)
DIS_F_BOTH(DIS_F_R, fmin, "fmin", F)
DIS_F_BOTH(DIS_F_R, fmax, "fmax", F)
DIS_F_BOTH(DIS_F_R, feq, "feq", X)
DIS_F_BOTH(DIS_F_R, flt, "flt", X)
DIS_F_BOTH(DIS_F_R, fle, "fle", X)
DIS_F_BOTH(DIS_F_R2, fclass, "fclass", X, F)
DIS_F_RM(fcvt_w_s, "fcvt.w.s", X, F)
DIS_F_RM(fcvt_wu_s, "fcvt.wu.s", X, F)
DIS_F_RM(fcvt_l_s, "fcvt.l.s", X, F)
DIS_F_RM(fcvt_lu_s, "fcvt.lu.s", X, F)
DIS_F_RM(fcvt_w_d, "fcvt.w.d", X, F)
DIS_F_RM(fcvt_wu_d, "fcvt.wu.d", X, F)
DIS_F_RM(fcvt_l_d, "fcvt.l.d", X, F)
DIS_F_RM(fcvt_lu_d, "fcvt.lu.d", X, F)
DIS_F_RM(fcvt_s_w, "fcvt.s.w", F, X)
DIS_F_RM(fcvt_s_wu, "fcvt.s.wu", F, X)
DIS_F_RM(fcvt_s_l, "fcvt.s.l", F, X)
DIS_F_RM(fcvt_s_lu, "fcvt.s.lu", F, X)
DIS_F_RM_EXACT(fcvt_d_w, "fcvt.d.w", F, X)
DIS_F_RM_EXACT(fcvt_d_wu, "fcvt.d.wu", F, X)
DIS_F_RM(fcvt_d_l, "fcvt.d.l", F, X)
DIS_F_RM(fcvt_d_lu, "fcvt.d.lu", F, X)
DIS_F_RM(fcvt_s_d, "fcvt.s.d", F, F)
DIS_F_RM_EXACT(fcvt_d_s, "fcvt.d.s", F, F)
DIS_F_R2(fmv_x_w, "fmv.x.w", X, F)
DIS_F_R2(fmv_w_x, "fmv.w.x", F, X)
DIS_F_R2(fmv_x_d, "fmv.x.d", X, F)
DIS_F_R2(fmv_d_x, "fmv.d.x", F, X)

static bool trans_c_fld(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.fld %s, %d(%s)", F(a->rd), a->imm, X(a->rs1));
}

static bool trans_c_fsd(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.fsd %s, %d(%s)", F(a->rs2), a->imm, X(a->rs1));
}

static bool trans_c_fldsp(DisasContext *ctx, arg_c_i *a)
{
    return out(ctx, "c.fldsp %s, %d(%s)", F(a->rd), a->imm, X(a->rs1));
}

static bool trans_c_fsdsp(DisasContext *ctx, arg_c_s *a)
{
    return out(ctx, "c.fsdsp %s, %d(%s)", F(a->rs2), a->imm, X(a->rs1));
}

bool riscv_disas_insn(char *buf, size_t size, uint64_t pc, uint32_t insn,
                      unsigned len)
{
    DisasContext ctx = {.buf = buf, .size = size};
    bool ok;

    (void)pc;
    if (size) {
        buf[0] = '\0';
    }
    ok = len == 2 ? decode_insn16(&ctx, (uint16_t)insn)
                  : decode_insn32(&ctx, insn);
    if (!ok) {
        out(&ctx, "illegal");
    }
    return ok;
}

void riscv_disas(FILE *f, uint64_t pc, size_t size)
{
    uint64_t end = pc + size;

    while (pc < end) {
        uint16_t lo, hi;
        char text[64];

        if (!riscv_fetch_ok(pc, 2)) {
            fprintf(f, "0x%016" PRIx64 ":  <not mapped>\n", pc);
            return;
        }
        memcpy(&lo, (const void *)(tcg_guest_base + pc), 2);
        if ((lo & 3) != 3) {
            riscv_disas_insn(text, sizeof(text), pc, lo, 2);
            fprintf(f, "0x%016" PRIx64 ":  %04x      %s\n", pc, lo, text);
            pc += 2;
            continue;
        }
        if (!riscv_fetch_ok(pc + 2, 2)) {
            fprintf(f, "0x%016" PRIx64 ":  %04x      <truncated>\n", pc, lo);
            return;
        }
        memcpy(&hi, (const void *)(tcg_guest_base + pc + 2), 2);
        riscv_disas_insn(text, sizeof(text), pc, (uint32_t)hi << 16 | lo, 4);
        fprintf(f, "0x%016" PRIx64 ":  %08x  %s\n", pc, (uint32_t)hi << 16 | lo,
                text);
        pc += 4;
    }
}

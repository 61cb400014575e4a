/*
 * riscv64 control flow and system instructions: conditional branches
 * taken and not taken in both directions and at their longest reach,
 * jal/jalr link values and jalr's low-bit clear, indirect-jump loops,
 * ecall/ebreak and resuming after an ecall, illegal instructions raised
 * at the right pc with no side effect, instruction-fetch faults, fence.i
 * after self-modifying code, blocks spanning a page boundary, the
 * counter and floating-point CSRs, fences, and the same programs with
 * single-stepping and small blocks.
 */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rv-harness.h"

static void finish_and_run(RvAsm *as)
{
    rv_emit(as, RV_ECALL);
    rv_load(as);
    rv_run_to_ecall(as->base, rv_here(as) - 4);
}

/* ---- conditional branches ---- */

typedef struct BranchOp {
    const char *name;
    uint32_t (*enc)(unsigned rs1, unsigned rs2, int32_t off);
    bool (*taken)(uint64_t a, uint64_t b);
} BranchOp;

static bool t_beq(uint64_t a, uint64_t b)
{
    return a == b;
}
static bool t_bne(uint64_t a, uint64_t b)
{
    return a != b;
}
static bool t_blt(uint64_t a, uint64_t b)
{
    return (int64_t)a < (int64_t)b;
}
static bool t_bge(uint64_t a, uint64_t b)
{
    return (int64_t)a >= (int64_t)b;
}
static bool t_bltu(uint64_t a, uint64_t b)
{
    return a < b;
}
static bool t_bgeu(uint64_t a, uint64_t b)
{
    return a >= b;
}

static const BranchOp branches[] = {
    {"beq", rv_beq, t_beq},    {"bne", rv_bne, t_bne},
    {"blt", rv_blt, t_blt},    {"bge", rv_bge, t_bge},
    {"bltu", rv_bltu, t_bltu}, {"bgeu", rv_bgeu, t_bgeu},
};

static const uint64_t br_vals[] = {
    0,
    1,
    2,
    ~0ull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x80000000ull,
    0xffffffffull,
    0xffffffff00000000ull,
};
#define N_BR_VALS (sizeof(br_vals) / sizeof(br_vals[0]))

/*
 * Forward:   b a1, a2, T; addi a0, 1; ecall(nf) T: addi a0, 2; ecall(tf)
 * Backward:  j B; U: addi a0, 4; ecall(tb) B: b a1, a2, U; addi a0, 3;
 *            ecall(nb)
 * The second operand can be a1 itself (rs1 = rs2) or x0.
 */
typedef struct BranchProg {
    uint64_t fwd, bwd, nf, tf, tb, nb;
} BranchProg;

static void emit_branch_prog(RvAsm *as, const BranchOp *op, unsigned rs2,
                             BranchProg *p)
{
    RvLabel t = rv_label(as), u = rv_label(as), b = rv_label(as);

    p->fwd = rv_here(as);
    rv_branch_to(as, op->enc(A1, rs2, 0), t);
    rv_emit(as, rv_addi(A0, ZERO, 1));
    p->nf = rv_here(as);
    rv_emit(as, RV_ECALL);
    rv_bind(as, t);
    rv_emit(as, rv_addi(A0, ZERO, 2));
    p->tf = rv_here(as);
    rv_emit(as, RV_ECALL);

    p->bwd = rv_here(as);
    rv_jal_to(as, ZERO, b);
    rv_bind(as, u);
    rv_emit(as, rv_addi(A0, ZERO, 4));
    p->tb = rv_here(as);
    rv_emit(as, RV_ECALL);
    rv_bind(as, b);
    rv_branch_to(as, op->enc(A1, rs2, 0), u);
    rv_emit(as, rv_addi(A0, ZERO, 3));
    p->nb = rv_here(as);
    rv_emit(as, RV_ECALL);
}

START_TEST(test_branches)
{
    rv_start(_i);
    for (size_t k = 0; k < 6; k++) {
        const BranchOp *op = &branches[k];
        static const unsigned second[3] = {A2, A1, ZERO};

        for (int v = 0; v < 3; v++) {
            RvAsm as;
            BranchProg p;

            rv_asm_init(&as, RV_CODE);
            emit_branch_prog(&as, op, second[v], &p);
            rv_load(&as);
            for (size_t i = 0; i < N_BR_VALS * N_BR_VALS; i++) {
                uint64_t a = br_vals[i / N_BR_VALS], b = br_vals[i % N_BR_VALS];
                uint64_t b_eff = v == 0 ? b : v == 1 ? a : 0;
                bool taken = op->taken(a, b_eff);

                rv_cpu->gpr[A1] = a;
                rv_cpu->gpr[A2] = b;
                rv_run_to_ecall(p.fwd, taken ? p.tf : p.nf);
                rv_assert_reg(A0, taken ? 2 : 1, op->name);
                rv_run_to_ecall(p.bwd, taken ? p.tb : p.nb);
                rv_assert_reg(A0, taken ? 4 : 3, op->name);
            }
            rv_asm_free(&as);
        }
    }
}
END_TEST

/* Longest reach: -4096 and +4094 bytes; the forward target sits at a pc
 * that is 2 mod 4 (legal with the C extension). */
START_TEST(test_branch_reach)
{
    RvAsm as;
    const uint64_t at = RV_CODE + 0x2000;

    rv_start(_i);
    rv_asm_init(&as, at - 4096);
    rv_emit(&as, rv_addi(A0, ZERO, 11)); /* backward target */
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_asm_free(&as);

    rv_asm_init(&as, at);
    rv_emit(&as, rv_bne(A1, A2, -4096));
    rv_emit(&as, rv_beq(A1, A2, 4094)); /* to at + 4098 */
    rv_load(&as);
    rv_asm_free(&as);

    rv_asm_init(&as, at + 4098);
    rv_emit(&as, rv_addi(A0, ZERO, 22));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_asm_free(&as);

    rv_cpu->gpr[A1] = rv_cpu->gpr[A2] = 5;
    rv_run_to_ecall(at, at + 4102);
    rv_assert_reg(A0, 22, "beq +4094");
    rv_cpu->gpr[A2] = 6;
    rv_run_to_ecall(at, at - 4092);
    rv_assert_reg(A0, 11, "bne -4096");
}
END_TEST

/* ---- jumps ---- */

START_TEST(test_jal_jalr)
{
    RvAsm as;
    RvLabel fwd, back, after_back;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    fwd = rv_label(&as);
    back = rv_label(&as);
    after_back = rv_label(&as);
    uint64_t jal1 = rv_here(&as);
    rv_jal_to(&as, RA, fwd);             /* forward, link in ra */
    rv_emit(&as, rv_addi(A0, ZERO, -1)); /* skipped */
    rv_bind(&as, back);
    rv_emit(&as, rv_addi(A2, ZERO, 7));
    rv_jal_to(&as, ZERO, after_back); /* x0: no link */
    rv_bind(&as, fwd);
    uint64_t jal2 = rv_here(&as);
    rv_jal_to(&as, T0, back); /* backward, link in t0 */
    rv_bind(&as, after_back);
    /* jalr to an odd address: bit 0 is cleared. a3 = label + 1. */
    uint64_t jalr1 = rv_here(&as);
    rv_emit(&as, rv_jalr(T1, A3, 0));
    rv_emit(&as, rv_addi(A0, ZERO, -2)); /* skipped */
    uint64_t tgt1 = rv_here(&as);
    /* Negative odd immediate: a4 = target + 8, imm = -7. */
    uint64_t jalr2 = rv_here(&as);
    rv_emit(&as, rv_jalr(T2, A4, -7));
    rv_emit(&as, rv_addi(A0, ZERO, -3)); /* skipped */
    uint64_t tgt2 = rv_here(&as);
    /* rd = rs1: jump to the old a5, a5 gets the link. */
    uint64_t jalr3 = rv_here(&as);
    rv_emit(&as, rv_jalr(A5, A5, 0));
    rv_emit(&as, rv_addi(A0, ZERO, -4)); /* skipped */
    uint64_t tgt3 = rv_here(&as);
    /* rd = x0. */
    rv_emit(&as, rv_jalr(ZERO, A6, 0));
    rv_emit(&as, rv_addi(A0, ZERO, -5)); /* skipped */
    uint64_t tgt4 = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_load(&as);

    rv_cpu->gpr[A3] = tgt1 + 1;
    rv_cpu->gpr[A4] = tgt2 + 8;
    rv_cpu->gpr[A5] = tgt3;
    rv_cpu->gpr[A6] = tgt4;
    rv_run_to_ecall(RV_CODE, tgt4);
    rv_assert_reg(A0, 0, "no skipped instruction ran");
    rv_assert_reg(RA, jal1 + 4, "jal link");
    rv_assert_reg(T0, jal2 + 4, "backward jal link");
    rv_assert_reg(A2, 7, "backward jal target");
    rv_assert_reg(T1, jalr1 + 4, "jalr link");
    rv_assert_reg(T2, jalr2 + 4, "jalr negative imm link");
    rv_assert_reg(A5, jalr3 + 4, "jalr rd = rs1 link");
    ck_assert(rv_cpu->gpr[0] == 0);
    rv_asm_free(&as);
}
END_TEST

/*
 * lui/auipc followed by a jalr on the same register: the translator makes
 * the jump direct. Each case jumps to a stub placed afterwards at the
 * address the pair computes (memory elsewhere is zero, an illegal
 * instruction, so a wrong target fails the run). Checked: link values
 * with rd = rs1, rd = x0 and rd elsewhere, bit 0 of the target cleared,
 * the intermediate register keeping the auipc/lui value, backward
 * targets, c.jr/c.jalr, and that the pairing is forgotten after one
 * instruction or when jalr uses another register. s6..s8 are x22..x24.
 */
typedef struct Stub {
    uint64_t at;
    uint32_t insn[3];
    int n;
} Stub;

/* auipc/lui rd_hi, then jalr rd, rd_hi, lo (+ odd) reaching target. */
static void emit_pair(RvAsm *as, bool lui, unsigned rd_hi, unsigned rd,
                      uint64_t target, int odd)
{
    int64_t off = lui ? (int64_t)target : (int64_t)(target - rv_here(as));
    int32_t lo = (int32_t)((uint32_t)off & 0xfff);

    lo = lo >= 0x800 ? lo - 0x1000 : lo;
    uint32_t hi = (uint32_t)((off - lo) >> 12) & 0xfffff;
    rv_emit(as, lui ? rv_lui(rd_hi, hi) : rv_auipc(rd_hi, hi));
    rv_emit(as, rv_jalr(rd, rd_hi, lo + odd));
}

START_TEST(test_const_jalr)
{
    RvAsm as;
    Stub st[12];
    int ns = 0;
    RvLabel loop;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    loop = rv_label(&as);

    /* 1: far call in a loop (chained after the first pass). */
    rv_emit(&as, rv_addi(S0, ZERO, 50));
    rv_bind(&as, loop);
    uint64_t c1 = rv_here(&as);
    st[ns++] = (Stub){
        c1 + 0x8000 + 0x40c, {rv_addi(S1, S1, 1), rv_jalr(ZERO, RA, 0)}, 2};
    emit_pair(&as, false, RA, RA, st[ns - 1].at, 0);
    uint64_t link1 = rv_here(&as);
    rv_emit(&as, rv_addi(S0, S0, -1));
    rv_branch_to(&as, rv_bne(S0, ZERO, 0), loop);

    /* 2: rd = rs1, odd immediate. */
    uint64_t c2 = rv_here(&as);
    st[ns++] = (Stub){
        c2 + 0x9000 - 0x7fe, {rv_addi(S2, T1, 0), rv_jalr(ZERO, T1, 0)}, 2};
    emit_pair(&as, false, T1, T1, st[ns - 1].at, 1);
    uint64_t link2 = rv_here(&as);

    /* 3: rd elsewhere; t2 keeps the auipc value. */
    uint64_t c3 = rv_here(&as);
    st[ns++] = (Stub){
        c3 + 0xa000 + 0x7fe, {rv_addi(S3, T3, 0), rv_jalr(ZERO, T3, 0)}, 2};
    emit_pair(&as, false, T2, T3, st[ns - 1].at, 0);
    uint64_t link3 = rv_here(&as);

    /* 4: lui (absolute). */
    st[ns++] = (Stub){0xb46a, {rv_addi(S4, T5, 0), rv_jalr(ZERO, T5, 0)}, 2};
    emit_pair(&as, true, T4, T5, st[ns - 1].at, 0);
    uint64_t link4 = rv_here(&as);

    /* 5: backward, below the program. */
    uint64_t c5 = rv_here(&as);
    st[ns++] = (Stub){0x300, {rv_addi(S5, A4, 0), rv_jalr(ZERO, A4, 0)}, 2};
    emit_pair(&as, false, A3, A4, st[ns - 1].at, 0);
    uint64_t link5 = rv_here(&as);

    /* 6: auipc, then c.jalr on it (target = the auipc value). */
    uint64_t c6 = rv_here(&as);
    st[ns++] =
        (Stub){c6 + 0xc000, {rv_addi(22, RA, 0), rv_jalr(ZERO, RA, 0)}, 2};
    rv_emit(&as, rv_auipc(A5, 0xc));
    rv_emit16(&as, rv_c_jalr(A5));
    uint64_t link6 = rv_here(&as);

    /* 7: an instruction in between changes the register: real value. */
    uint64_t c7 = rv_here(&as);
    st[ns++] =
        (Stub){c7 + 0xd000 + 8, {rv_addi(23, RA, 0), rv_jalr(ZERO, RA, 0)}, 2};
    rv_emit(&as, rv_auipc(T0, 0xd));
    rv_emit(&as, rv_addi(T0, T0, 8));
    rv_emit(&as, rv_jalr(RA, T0, 0));
    uint64_t link7 = rv_here(&as);

    /* 8: jalr on another register than the auipc's: a6's value. */
    st[ns++] = (Stub){0xe222, {rv_addi(24, RA, 0), rv_jalr(ZERO, RA, 0)}, 2};
    rv_emit(&as, rv_auipc(T0, 0x1));
    rv_emit(&as, rv_jalr(RA, A6, 0));
    uint64_t link8 = rv_here(&as);
    uint64_t t0_8 = link8 - 8 + 0x1000;

    /* 9: tail jumps: jalr x0, then c.jr in the stub, to an ecall. */
    uint64_t c9 = rv_here(&as);
    uint64_t s9 = c9 + 0xf000 - 0x1f4;
    emit_pair(&as, false, T6, ZERO, s9, 1);
    rv_asm_finish(&as);
    rv_load(&as);
    for (int i = 0; i < ns; i++) {
        RvAsm sa;
        rv_asm_init(&sa, st[i].at);
        for (int k = 0; k < st[i].n; k++) {
            rv_emit(&sa, st[i].insn[k]);
        }
        rv_load(&sa);
        rv_asm_free(&sa);
    }
    RvAsm tail;
    rv_asm_init(&tail, s9);
    rv_emit(&tail, rv_auipc(A7, 0x1));
    rv_emit16(&tail, rv_c_jr(A7));
    rv_load(&tail);
    rv_asm_free(&tail);
    rv_asm_init(&tail, s9 + 0x1000);
    rv_emit(&tail, RV_ECALL);
    rv_load(&tail);
    rv_asm_free(&tail);

    rv_cpu->gpr[A6] = 0xe222;
    rv_run_to_ecall(RV_CODE, s9 + 0x1000);
    rv_assert_reg(S1, 50, "far call loop");
    rv_assert_reg(RA, link8, "last link");
    rv_assert_reg(S2, link2, "rd = rs1 link");
    rv_assert_reg(T1, link2, "rd = rs1 after return");
    rv_assert_reg(S3, link3, "rd elsewhere link");
    rv_assert_reg(T2, c3 + 0xa000, "auipc value kept");
    rv_assert_reg(S4, link4, "lui link");
    rv_assert_reg(T4, 0xb000, "lui value kept");
    rv_assert_reg(S5, link5, "backward link");
    rv_assert_reg(A3, c5 + ((0x300 - c5 + 0x800) & ~0xfffull),
                  "backward auipc value");
    rv_assert_reg(22, link6, "c.jalr link");
    rv_assert_reg(A5, c6 + 0xc000, "c.jalr auipc value");
    rv_assert_reg(23, link7, "changed register link");
    rv_assert_reg(T0, t0_8, "auipc before another register's jalr");
    rv_assert_reg(24, link8, "other register link");
    rv_assert_reg(T6, c9 + 0xf000, "tail auipc value");
    rv_assert_reg(A7, s9 + 0x1000, "c.jr auipc value");
    (void)link1;
    (void)c1;
    ck_assert(rv_cpu->gpr[0] == 0);
    rv_asm_free(&as);
}
END_TEST

/* A call in a loop: jal to a function returning with jalr, 1000 times,
 * so returns go through lookup_and_goto_ptr and chained blocks. */
START_TEST(test_call_loop)
{
    RvAsm as;
    RvLabel loop, func;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    loop = rv_label(&as);
    func = rv_label(&as);
    rv_emit(&as, rv_addi(S0, ZERO, 1000));
    rv_emit(&as, rv_addi(A0, ZERO, 0));
    rv_bind(&as, loop);
    rv_jal_to(&as, RA, func);
    rv_emit(&as, rv_addi(S0, S0, -1));
    rv_branch_to(&as, rv_bne(S0, ZERO, 0), loop);
    uint64_t end = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_bind(&as, func);
    rv_emit(&as, rv_addi(A0, A0, 3));
    rv_emit(&as, rv_jalr(ZERO, RA, 0));
    rv_load(&as);
    rv_run_to_ecall(RV_CODE, end);
    rv_assert_reg(A0, 3000, "sum");
    rv_asm_free(&as);
}
END_TEST

/* ---- exceptions ---- */

START_TEST(test_ecall_ebreak)
{
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_addi(A0, ZERO, 1));
    uint64_t e1 = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_emit(&as, rv_addi(A0, A0, 1));
    uint64_t b1 = rv_here(&as);
    rv_emit(&as, RV_EBREAK);
    rv_emit(&as, rv_addi(A0, A0, 1));
    uint64_t b2 = rv_here(&as);
    rv_emit16(&as, rv_c_ebreak());
    rv_emit(&as, rv_addi(A0, A0, 1));
    uint64_t e2 = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_load(&as);

    rv_run_to_ecall(RV_CODE, e1);
    rv_assert_reg(A0, 1, "before ecall");
    /* linux-user's resume: pc + 4. */
    rv_cpu->pc += 4;
    int excp = cpu_exec(&rv_cpu->parent);
    rv_assert_excp(excp, EXCP_RISCV_BREAKPOINT);
    ck_assert_uint_eq(rv_cpu->pc, b1);
    rv_assert_reg(A0, 2, "before ebreak");
    rv_cpu->pc += 4;
    excp = cpu_exec(&rv_cpu->parent);
    rv_assert_excp(excp, EXCP_RISCV_BREAKPOINT);
    ck_assert_uint_eq(rv_cpu->pc, b2);
    rv_assert_reg(A0, 3, "before c.ebreak");
    rv_cpu->pc += 2;
    excp = cpu_exec(&rv_cpu->parent);
    rv_assert_excp(excp, EXCP_RISCV_ECALL);
    ck_assert_uint_eq(rv_cpu->pc, e2);
    rv_assert_reg(A0, 4, "at the end");
    rv_asm_free(&as);
}
END_TEST

typedef struct Illegal {
    const char *what;
    uint32_t insn;
    int len; /* 2 or 4 bytes */
} Illegal;

static const Illegal illegals[] = {
    {"48-bit or longer encoding", 0xffffffffu, 4},
    {"slliw with shamt[5] set", 0x0205151bu, 4},
    {"OP with funct7 0000010", 0x04b50533u, 4},
    {"load funct3 111", 0x0005f503u, 4},
    {"store funct3 100", 0x00a5c023u, 4},
    {"branch funct3 010", 0x00b52063u, 4},
    {"jalr funct3 001", 0x000590e7u, 4},
    {"ecall with rd != 0", 0x000000f3u, 4},
    {"mret", 0x30200073u, 4},
    {"sret", 0x10200073u, 4},
    {"wfi", 0x10500073u, 4},
    {"fadd.d with reserved rm 101", 0x02b55553u, 4},
    {"lr.w with rs2 != 0", 0x1015a52fu, 4},
    {"byte AMO (funct3 000)", 0x00c5852fu, 4},
    {"rev8 RV32 encoding", 0x69855513u, 4},
    {"zext.h RV32 encoding", 0x0805c533u, 4},
    {"csrrs a0, mstatus, zero", 0x30002573u, 4},
    {"csrrw zero, cycle, a1", 0xc0059073u, 4},
    {"csrrs a0, instret, a1", 0xc025a573u, 4},
    {"csrrsi a0, time, 1", 0xc010e573u, 4},
    {"csrrci a0, cycle, 2", 0xc0017573u, 4},
    {"csrrwi zero, time, 0", 0xc0105073u, 4},
    {"csrrs a0, hpmcounter3, zero", 0xc0302573u, 4},
    {"all-zero halfword", 0x0000, 2},
    {"c.addi4spn with nzuimm 0", 0x0004, 2},
    {"quadrant 0 funct3 100", 0x8000, 2},
    {"c.addiw with rd 0", 0x2001, 2},
    {"c.addi16sp with nzimm 0", 0x6101, 2},
    {"c.lui with nzimm 0", 0x6281, 2},
    {"reserved CA funct2 10 with bit 12", 0x9c41, 2},
    {"reserved CA funct2 11 with bit 12", 0x9c61, 2},
    {"c.lwsp with rd 0", 0x4002, 2},
    {"c.ldsp with rd 0", 0x6002, 2},
    {"c.jr with rs1 0", 0x8002, 2},
};

START_TEST(test_illegal)
{
    rv_start(_i);
    for (size_t k = 0; k < sizeof(illegals) / sizeof(illegals[0]); k++) {
        const Illegal *il = &illegals[k];
        RvAsm as;

        rv_asm_init(&as, RV_CODE);
        rv_emit(&as, rv_addi(A1, ZERO, 5));
        uint64_t at = rv_here(&as);
        if (il->len == 2) {
            rv_emit16(&as, (uint16_t)il->insn);
        } else {
            rv_emit(&as, il->insn);
        }
        rv_emit(&as, rv_addi(A1, ZERO, 6));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        memset(rv_cpu->gpr, 0, sizeof(rv_cpu->gpr));
        rv_cpu->gpr[A0] = 0x1234;
        int excp = rv_run(RV_CODE);
        ck_assert_msg(excp == EXCP_RISCV_ILLEGAL,
                      "[%s] %s (0x%08x): exception %d (%s)", rv_config_name(),
                      il->what, il->insn, excp, riscv_excp_name(excp));
        ck_assert_msg(rv_cpu->pc == at, "[%s] %s: pc 0x%" PRIx64,
                      rv_config_name(), il->what, rv_cpu->pc);
        rv_assert_reg(A1, 5, il->what);
        rv_assert_reg(A0, 0x1234, il->what);
        rv_asm_free(&as);
    }
}
END_TEST

/* ---- instruction fetch faults ---- */

START_TEST(test_fetch_fault)
{
    RvAsm as;

    rv_start(_i);
    /* 1: jump outside guest memory. */
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_jalr(RA, A3, 0));
    rv_load(&as);
    rv_asm_free(&as);
    rv_cpu->gpr[A3] = RV_MEM_SIZE + 0x100;
    int excp = rv_run(RV_CODE);
    rv_assert_excp(excp, EXCP_SEGV);
    ck_assert_uint_eq(rv_cpu->pc, RV_MEM_SIZE + 0x100);
    ck_assert_uint_eq(rv_cpu->parent.fault_addr, RV_MEM_SIZE + 0x100);
    ck_assert(!rv_cpu->parent.fault_write);
    rv_assert_reg(RA, RV_CODE + 4, "link written before the fault");

    /* 2: a 32-bit instruction whose second half is not mapped. */
    rv_poke(RV_MEM_SIZE - 2, &(uint16_t){0x0513}, 2); /* addi a0, ... */
    rv_cpu->gpr[A3] = RV_MEM_SIZE - 2;
    excp = rv_run(RV_CODE);
    rv_assert_excp(excp, EXCP_SEGV);
    ck_assert_uint_eq(rv_cpu->pc, RV_MEM_SIZE - 2);
    ck_assert_uint_eq(rv_cpu->parent.fault_addr, RV_MEM_SIZE);

    /* 3: a compressed instruction at the end runs; the next fetch
     * faults. */
    rv_poke(RV_MEM_SIZE - 2, &(uint16_t){rv_c_addi(A0, 3)}, 2);
    rv_cpu->gpr[A0] = 10;
    excp = rv_run(RV_CODE);
    rv_assert_excp(excp, EXCP_SEGV);
    ck_assert_uint_eq(rv_cpu->pc, RV_MEM_SIZE);
    ck_assert_uint_eq(rv_cpu->parent.fault_addr, RV_MEM_SIZE);
    rv_assert_reg(A0, 13, "c.addi before the fault");
}
END_TEST

/* ---- self-modifying code ---- */

/*
 * Loop twice over a block containing "addi a0, a0, 1"; the first pass
 * rewrites it to "addi a0, a0, 100" and runs fence.i. Without fence.i the
 * stale translation of the loop body runs again (a0 = 2): nothing else
 * tells the runtime that the guest wrote to code.
 */
START_TEST(test_fence_i)
{
    RvAsm as;
    RvLabel loop;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    loop = rv_label(&as);
    rv_emit(&as, rv_addi(T0, ZERO, 2));
    rv_emit(&as, rv_addi(A0, ZERO, 0));
    /* Enter the loop by a branch, so its body is a block of its own that
     * both iterations would share if nothing invalidated it (a forward j
     * would not end the block: the translator goes on at its target). */
    rv_branch_to(&as, rv_beq(ZERO, ZERO, 0), loop);
    rv_bind(&as, loop);
    uint64_t site = rv_here(&as);
    rv_emit(&as, rv_addi(A0, A0, 1));
    rv_emit(&as, rv_sw(T1, T2, 0));
    rv_emit(&as, RV_FENCE_I);
    rv_emit(&as, rv_addi(T0, T0, -1));
    rv_branch_to(&as, rv_bne(T0, ZERO, 0), loop);
    /* The instruction right after a fence.i is fetched anew: patch the one
     * two slots ahead, then run it. */
    rv_emit(&as, rv_sw(T3, T4, 0));
    rv_emit(&as, RV_FENCE_I);
    uint64_t site2 = rv_here(&as);
    rv_emit(&as, rv_addi(A1, ZERO, 1));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_cpu->gpr[T1] = rv_addi(A0, A0, 100);
    rv_cpu->gpr[T2] = site;
    rv_cpu->gpr[T3] = rv_addi(A1, ZERO, 42);
    rv_cpu->gpr[T4] = site2;
    rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);
    rv_assert_reg(A0, 101, "patched loop body");
    rv_assert_reg(A1, 42, "patched instruction after fence.i");
    rv_asm_free(&as);
}
END_TEST

/*
 * A forward j (jal x0 or c.j) to the block's own page continues the block
 * at the target. The continued part must be tracked with the block: a
 * rewrite of it (rv_poke drops translations of just those bytes) is seen
 * by the next run. A fault there restores its own pc with the earlier
 * instructions' effects done. Also with small blocks and single-stepping,
 * where the block ends at the jump or at its target.
 */
START_TEST(test_jump_continue)
{
    for (int mode = 0; mode < 3; mode++) {
        RvAsm as;
        RvLabel l1, l2, l3;
        TCGStats st0, st1;

        rv_start(_i);
        if (mode == 1) {
            rv_cpu->parent.max_insns = 2;
        } else if (mode == 2) {
            rv_cpu->parent.singlestep = true;
        }
        rv_asm_init(&as, RV_CODE);
        l1 = rv_label(&as);
        l2 = rv_label(&as);
        l3 = rv_label(&as);
        rv_emit(&as, rv_addi(S0, S0, 1));
        rv_jal_to(&as, ZERO, l1);
        rv_emit(&as, rv_addi(A0, ZERO, -1)); /* skipped */
        rv_bind(&as, l1);
        uint64_t patch = rv_here(&as);
        rv_emit(&as, rv_addi(A1, A1, 1));
        rv_c_j_to(&as, l2);
        rv_emit16(&as, rv_c_li(A0, -2));     /* skipped */
        rv_emit(&as, rv_addi(A0, ZERO, -3)); /* skipped */
        rv_bind(&as, l2);
        uint64_t end = rv_here(&as);
        rv_emit(&as, RV_ECALL);

        /* Second program: a fault after the jump. */
        uint64_t fprog = rv_here(&as);
        rv_emit(&as, rv_addi(A4, ZERO, 7));
        rv_c_j_to(&as, l3);
        rv_emit(&as, rv_addi(A4, ZERO, -1)); /* skipped */
        rv_bind(&as, l3);
        rv_emit(&as, rv_addi(A5, ZERO, 9));
        uint64_t ld_pc = rv_here(&as);
        rv_emit(&as, rv_ld(A2, A3, 0));
        rv_emit(&as, rv_addi(A5, ZERO, -1));
        rv_emit(&as, RV_ECALL);
        rv_load(&as);

        tcg_get_stats(&st0);
        rv_run_to_ecall(RV_CODE, end);
        tcg_get_stats(&st1);
        rv_assert_reg(S0, 1, "before the jumps");
        rv_assert_reg(A1, 1, "between the jumps");
        rv_assert_reg(A0, 0, "nothing skipped ran");
        if (mode == 0) {
            /* One block: the ecall ends it. */
            ck_assert_uint_eq(st1.tb_translated - st0.tb_translated, 1);
        }
        uint32_t insn = rv_addi(A1, A1, 100);
        rv_poke(patch, &insn, sizeof(insn));
        rv_run_to_ecall(RV_CODE, end);
        rv_assert_reg(S0, 2, "second run");
        rv_assert_reg(A1, 101, "rewritten continued part");
        rv_assert_reg(A0, 0, "nothing skipped ran (2)");

        rv_cpu->gpr[A3] = RV_MEM_SIZE;
        rv_assert_excp(rv_run(fprog), EXCP_SEGV);
        ck_assert_uint_eq(rv_cpu->pc, ld_pc);
        rv_assert_reg(A4, 7, "before the jump, fault after");
        rv_assert_reg(A5, 9, "after the jump, before the fault");
        rv_assert_reg(A2, 0, "faulting load wrote nothing");
        rv_asm_free(&as);
    }
}
END_TEST

/* ---- page boundaries ---- */

/*
 * A 32-bit instruction straddling two 4 KiB pages ends its block; the
 * block's second page is tracked, so rewriting the straddling
 * instruction's upper half (on the second page) is seen by the next run.
 */
START_TEST(test_page_straddle)
{
    RvAsm as;
    const uint64_t page = RV_CODE + 0x2000;

    rv_start(_i);
    rv_asm_init(&as, page - 12);
    rv_emit(&as, rv_addi(A0, ZERO, 1));
    rv_emit(&as, rv_addi(A0, A0, 2));
    rv_emit16(&as, rv_c_addi(A0, 4));
    ck_assert_uint_eq(rv_here(&as), page - 2);
    rv_emit(&as, rv_addi(A0, A0, 8)); /* straddles */
    rv_emit16(&as, rv_c_addi(A0, 16));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    TCGStats st0, st1;
    tcg_get_stats(&st0);
    rv_run_to_ecall(page - 12, rv_here(&as) - 4);
    tcg_get_stats(&st1);
    rv_assert_reg(A0, 31, "across the page");
    /* One block up to and including the straddling instruction, one from
     * page + 2 to the ecall. */
    ck_assert_msg(st1.tb_translated - st0.tb_translated == 2,
                  "[%s] %" PRIu64 " blocks for code split by a page end",
                  rv_config_name(), st1.tb_translated - st0.tb_translated);

    /* Change the straddling addi's immediate: bits 31:20 are in its upper
     * halfword, at the first bytes of the second page. */
    uint32_t newinsn = rv_addi(A0, A0, 64);
    rv_poke(page, &(uint16_t){(uint16_t)(newinsn >> 16)}, 2);
    rv_run_to_ecall(page - 12, rv_here(&as) - 4);
    rv_assert_reg(A0, 87, "after rewriting the second page");
    rv_asm_free(&as);
}
END_TEST

/* ---- CSRs ---- */

START_TEST(test_counters)
{
    RvAsm as;
    struct timespec ts;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    for (int i = 0; i < 3; i++) {
        rv_emit(&as, rv_csrrs(A0 + i, CSR_CYCLE, ZERO));
        rv_emit(&as, rv_csrrs(S2 + i, CSR_INSTRET, ZERO));
        rv_emit(&as, rv_csrrs(T3 + i, CSR_TIME, ZERO));
    }
    /* The read-only forms that do not write are legal. */
    rv_emit(&as, rv_csrrsi(T0, CSR_CYCLE, 0));
    rv_emit(&as, rv_csrrc(T1, CSR_INSTRET, ZERO));
    uint64_t mid = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_emit(&as, rv_csrrs(A4, CSR_TIME, ZERO));
    rv_emit(&as, rv_csrrs(A5, CSR_CYCLE, ZERO));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);

    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t host_before =
        (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    rv_run_to_ecall(RV_CODE, mid);
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(rv_cpu->gpr[A0 + i + 1] > rv_cpu->gpr[A0 + i],
                      "[%s] cycle not increasing", rv_config_name());
        ck_assert_msg(rv_cpu->gpr[S2 + i + 1] > rv_cpu->gpr[S2 + i],
                      "[%s] instret not increasing", rv_config_name());
        ck_assert_msg(rv_cpu->gpr[T3 + i + 1] >= rv_cpu->gpr[T3 + i],
                      "[%s] time going backwards", rv_config_name());
    }
    ck_assert(rv_cpu->gpr[T0] > rv_cpu->gpr[A2]);
    ck_assert(rv_cpu->gpr[T1] > rv_cpu->gpr[S4]);

    /* time is the host's monotonic clock at 10 MHz. */
    uint64_t t0 = rv_cpu->gpr[T3];
    ck_assert_msg(t0 >= host_before / 100,
                  "[%s] time %" PRIu64 " before the host clock %" PRIu64,
                  rv_config_name(), t0, host_before / 100);
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    rv_cpu->pc += 4;
    rv_assert_excp(cpu_exec(&rv_cpu->parent), EXCP_RISCV_ECALL);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t host_after =
        (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    uint64_t t1 = rv_cpu->gpr[A4];
    ck_assert_msg(t1 <= host_after / 100 + 1, "[%s] time ahead of the host",
                  rv_config_name());
    ck_assert_msg(t1 - t0 >= 20 * 1000 * 1000 / 100,
                  "[%s] time advanced %" PRIu64 " ticks over a 20 ms sleep",
                  rv_config_name(), t1 - t0);
    ck_assert_msg(rv_cpu->gpr[A5] - rv_cpu->gpr[A2] >= 20 * 1000 * 1000,
                  "[%s] cycle advanced %" PRIu64 " over a 20 ms sleep",
                  rv_config_name(), rv_cpu->gpr[A5] - rv_cpu->gpr[A2]);
    rv_asm_free(&as);
}
END_TEST

/*
 * fflags (5 bits), frm (3 bits) and fcsr (frm << 5 | fflags), with each
 * CSR instruction form. Expected values worked out by hand from the
 * manual's definitions: csrrw swaps, csrrs sets, csrrc clears, old value
 * to rd; bits outside the fields read as zero.
 */
START_TEST(test_fp_csrs)
{
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_csrrw(A0, CSR_FCSR, A1));     /* a1 = 0xffff */
    rv_emit(&as, rv_csrrs(A2, CSR_FFLAGS, ZERO)); /* 0x1f */
    rv_emit(&as, rv_csrrs(A3, CSR_FRM, ZERO));    /* 7 */
    rv_emit(&as, rv_csrrci(A4, CSR_FFLAGS, 3));   /* old 0x1f; -> 0x1c */
    rv_emit(&as, rv_csrrc(A5, CSR_FCSR, A6));     /* a6 = 0xe0: old 0xfc */
    rv_emit(&as, rv_csrrwi(A7, CSR_FRM, 5));      /* old 0; fcsr 0xbc */
    rv_emit(&as, rv_csrrsi(T0, CSR_FFLAGS, 0x2)); /* old 0x1c; -> 0x1e */
    rv_emit(&as, rv_csrrs(T1, CSR_FCSR, ZERO));   /* 0xbe */
    rv_emit(&as, rv_csrrw(ZERO, CSR_FFLAGS, T2)); /* t2 = 0x21 -> 1 */
    rv_emit(&as, rv_csrrw(T3, CSR_FRM, T3));      /* t3 = 2: old 5 */
    rv_emit(&as, rv_csrrs(T4, CSR_FCSR, ZERO));   /* 2 << 5 | 1 = 0x41 */
    rv_emit(&as, rv_csrrsi(T5, CSR_FRM, 0));      /* read only: 2 */
    rv_emit(&as, rv_csrrs(RA, CSR_FFLAGS, ZERO)); /* 1 */
    rv_cpu->gpr[A1] = 0xffff;
    rv_cpu->gpr[A6] = 0xe0;
    rv_cpu->gpr[T2] = 0x21;
    rv_cpu->gpr[T3] = 2;
    finish_and_run(&as);
    rv_assert_reg(A0, 0, "csrrw fcsr old");
    rv_assert_reg(A2, 0x1f, "fflags after fcsr write");
    rv_assert_reg(A3, 7, "frm after fcsr write");
    rv_assert_reg(A4, 0x1f, "csrrci old");
    rv_assert_reg(A5, 0xfc, "csrrc fcsr old");
    rv_assert_reg(A7, 0, "csrrwi frm old");
    rv_assert_reg(T0, 0x1c, "csrrsi old");
    rv_assert_reg(T1, 0xbe, "fcsr");
    rv_assert_reg(T3, 5, "csrrw rd = rs1 old");
    rv_assert_reg(T4, 0x41, "final fcsr");
    rv_assert_reg(T5, 2, "csrrsi 0 reads");
    rv_assert_reg(RA, 1, "csrr into ra");
    ck_assert_uint_eq(rv_cpu->fflags, 1);
    ck_assert_uint_eq(rv_cpu->frm, 2);
    rv_asm_free(&as);
}
END_TEST

/*
 * Fences execute without touching registers, and emit the barrier their
 * pred/succ sets ask for (seen in the -d op log): bits I/R order loads,
 * O/W stores, so fence r,r is LD_LD (1), w,w ST_ST (8), r,w LD_ST (4),
 * w,r ST_LD (2), rw,rw all four (0xf); pause (w, 0) orders nothing. AMOs
 * and LR/SC put a full barrier before them for rl and after them for aq.
 */
START_TEST(test_fences)
{
    /* fences: iorw,iorw rw,rw r,r w,w r,w w,r tso (ignored-fields one);
     * amoadd.aqrl: before and after; lr.aq: after; sc.rl: before. */
    static const unsigned want[] = {0xf, 0xf, 1,   8,   4,   2,
                                    0xf, 0xf, 0xf, 0xf, 0xf, 0xf};
    RvAsm as;
    char *log = NULL;
    size_t log_len = 0;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_addi(A0, ZERO, 1));
    rv_emit(&as, rv_fence(0xf, 0xf));
    rv_emit(&as, rv_fence(0x3, 0x3));
    rv_emit(&as, rv_fence(0x2, 0x2));
    rv_emit(&as, rv_fence(0x1, 0x1));
    rv_emit(&as, rv_fence(0x2, 0x1));
    rv_emit(&as, rv_fence(0x1, 0x2));
    rv_emit(&as, 0x8330000f); /* fence.tso */
    rv_emit(&as, 0x0100000f); /* pause: w, 0 */
    rv_emit(&as, rv_fence(0, 0));
    rv_emit(&as, 0x0ff5800f); /* fence iorw, iorw with rs1 set: ignored */
    rv_emit(&as, rv_amoadd_w(A1, ZERO, A3, true, true));
    rv_emit(&as, rv_lr_d(A2, A3, true, false));
    rv_emit(&as, rv_sc_d(A4, A2, A3, false, true));
    rv_emit(&as, rv_addi(A0, A0, 1));
    rv_cpu->gpr[A3] = RV_DATA;
    tcg_log_file = open_memstream(&log, &log_len);
    tcg_log_mask = TCG_LOG_OP;
    finish_and_run(&as);
    tcg_log_mask = 0;
    fclose(tcg_log_file);
    tcg_log_file = stderr;
    rv_assert_reg(A0, 2, "fences");
    rv_assert_reg(A4, 0, "sc");

    size_t n = 0;
    for (const char *p = log; (p = strstr(p, " mb $0x")) != NULL; p++) {
        unsigned kind = (unsigned)strtoul(p + 7, NULL, 16);
        ck_assert_msg(n < sizeof(want) / sizeof(want[0]),
                      "[%s] more barriers than expected", rv_config_name());
        ck_assert_msg(kind == want[n],
                      "[%s] barrier %zu is 0x%x, expected 0x%x",
                      rv_config_name(), n, kind, want[n]);
        n++;
    }
    ck_assert_msg(n == sizeof(want) / sizeof(want[0]),
                  "[%s] %zu barriers in the IR", rv_config_name(), n);
    free(log);
    rv_asm_free(&as);
}
END_TEST

/* ---- block size ---- */

/* A program mixing loops, calls, memory and 16/32-bit instructions gives
 * the same result with one instruction per block and with three. */
START_TEST(test_small_blocks)
{
    RvAsm as;
    RvLabel loop, func;

    rv_start(_i & 3);
    if (_i & 4) {
        rv_cpu->parent.singlestep = true;
    } else {
        rv_cpu->parent.max_insns = 3;
    }
    rv_asm_init(&as, RV_CODE);
    loop = rv_label(&as);
    func = rv_label(&as);
    rv_emit(&as, rv_addi(S0, ZERO, 50));
    rv_emit16(&as, rv_c_li(A0, 0));
    rv_emit(&as, rv_addi(S1, ZERO, 0));
    rv_bind(&as, loop);
    rv_jal_to(&as, RA, func);
    rv_emit16(&as, rv_c_addi(S0, -1));
    rv_emit(&as, rv_sd(A0, A3, 0));
    rv_emit16(&as, rv_c_ld(S1, A3, 0));
    rv_branch_to(&as, rv_bne(S0, ZERO, 0), loop);
    uint64_t end = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_bind(&as, func);
    rv_emit(&as, rv_add(A0, A0, S0));
    rv_emit16(&as, rv_c_jr(RA));
    rv_load(&as);
    rv_cpu->gpr[A3] = RV_DATA;
    rv_run_to_ecall(RV_CODE, end);
    rv_assert_reg(A0, 50 * 51 / 2, "sum");
    rv_assert_reg(S1, 50 * 51 / 2, "stored and reloaded");

    /* Straight-line code of 12 instructions and an ecall: blocks of at
     * most 3 (or 1) instructions. */
    RvAsm line;
    TCGStats st0, st1;
    rv_asm_init(&line, RV_CODE + 0x800);
    for (int i = 0; i < 12; i++) {
        rv_emit(&line, rv_addi(A1, A1, 1));
    }
    rv_emit(&line, RV_ECALL);
    rv_load(&line);
    rv_cpu->gpr[A1] = 0;
    tcg_get_stats(&st0);
    rv_run_to_ecall(RV_CODE + 0x800, rv_here(&line) - 4);
    tcg_get_stats(&st1);
    rv_assert_reg(A1, 12, "straight line");
    ck_assert_uint_eq(st1.tb_translated - st0.tb_translated, (_i & 4) ? 13 : 5);
    rv_asm_free(&line);
    rv_asm_free(&as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-ctrl");
    TCase *tc = tcase_create("ctrl");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_branches, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_branch_reach, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_jal_jalr, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_const_jalr, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_call_loop, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_ecall_ebreak, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_illegal, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_fetch_fault, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_fence_i, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_jump_continue, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_page_straddle, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_counters, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_fp_csrs, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_fences, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_small_blocks, 0, 2 * RV_NCONFIGS);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

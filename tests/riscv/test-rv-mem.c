/*
 * riscv64 memory instructions: loads and stores of every size and
 * signedness at aligned and misaligned addresses with positive and
 * negative offsets; every AMO in .W and .D form with every aq/rl
 * combination; LR/SC success and each way it must fail; alignment faults
 * of the A extension; and guest memory faults (EXCP_SEGV) with the exact
 * pc, fault address and untouched registers.
 *
 * Expected memory and register values come from a byte-level C model of
 * little-endian memory written here.
 */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rv-harness.h"
#include "testrand.h"

/* Little-endian read of n bytes at p, sign- or zero-extended. */
static uint64_t model_load(const uint8_t *p, int n, bool sign)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    if (sign && n < 8 && (v >> (8 * n - 1)) & 1) {
        v |= ~0ull << (8 * n);
    }
    return v;
}

static void model_store(uint8_t *p, int n, uint64_t v)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* ---- loads ---- */

typedef struct LoadOp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs1, int32_t imm);
    int size;
    bool sign;
} LoadOp;

static const LoadOp loads[] = {
    {"lb", rv_lb, 1, true},    {"lh", rv_lh, 2, true},
    {"lw", rv_lw, 4, true},    {"ld", rv_ld, 8, true},
    {"lbu", rv_lbu, 1, false}, {"lhu", rv_lhu, 2, false},
    {"lwu", rv_lwu, 4, false},
};

static const int32_t offsets[] = {-2048, -9, -1, 0, 1, 2, 3, 5, 6, 7, 2040};

/* Base register a1 = RV_DATA + 4096, so every offset stays in a filled
 * region [RV_DATA + 2048, RV_DATA + 6144 + 8). */
#define LD_BASE (RV_DATA + 4096)
#define RES (RV_DATA + 0x10000)

START_TEST(test_loads)
{
    RvAsm as;
    uint64_t res[7][11][2];
    int n = 0;

    rv_start(_i);
    for (uint64_t a = LD_BASE - 2048 - 16; a < LD_BASE + 2048 + 16; a++) {
        /* Bytes with the sign bit set and clear, all different. */
        rv_mem[a] = (uint8_t)(a * 0x9d + 0x80 * (a & 1));
    }
    rv_asm_init(&as, RV_CODE);
    for (int k = 0; k < 7; k++) {
        for (int j = 0; j < 11; j++) {
            rv_emit(&as, loads[k].enc(A0, A1, offsets[j]));
            rv_emit(&as, rv_sd(A0, S2, 8 * n));
            res[k][j][0] = RES + 8 * (uint64_t)n++;
            /* rd = rs1: the load must use the old base. */
            rv_emit(&as, rv_addi(A3, A1, 0));
            rv_emit(&as, loads[k].enc(A3, A3, offsets[j]));
            rv_emit(&as, rv_sd(A3, S2, 8 * n));
            res[k][j][1] = RES + 8 * (uint64_t)n++;
        }
        /* A load into x0 still happens (and must not fault here). */
        rv_emit(&as, loads[k].enc(ZERO, A1, 0));
    }
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_cpu->gpr[A1] = LD_BASE;
    rv_cpu->gpr[S2] = RES;
    rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);
    for (int k = 0; k < 7; k++) {
        for (int j = 0; j < 11; j++) {
            uint64_t want = model_load(rv_mem + LD_BASE + offsets[j],
                                       loads[k].size, loads[k].sign);
            for (int v = 0; v < 2; v++) {
                uint64_t got = rv_peek64(res[k][j][v]);
                ck_assert_msg(got == want,
                              "[%s] %s %d(base)%s: 0x%016" PRIx64
                              ", expected 0x%016" PRIx64,
                              rv_config_name(), loads[k].name, offsets[j],
                              v ? " with rd = rs1" : "", got, want);
            }
        }
    }
    ck_assert(rv_cpu->gpr[0] == 0);
    rv_asm_free(&as);
}
END_TEST

/* ---- stores ---- */

typedef struct StoreOp {
    const char *name;
    uint32_t (*enc)(unsigned rs2, unsigned rs1, int32_t imm);
    int size;
} StoreOp;

static const StoreOp stores[] = {
    {"sb", rv_sb, 1}, {"sh", rv_sh, 2}, {"sw", rv_sw, 4}, {"sd", rv_sd, 8}};

START_TEST(test_stores)
{
    static const uint64_t vals[] = {0x0123456789abcdefull,
                                    0xfedcba9876543210ull, 0, ~0ull};
    static uint8_t model[8192];
    const uint64_t base = RV_DATA + 4096, lo = base - 2048 - 16;
    RvAsm as;

    rv_start(_i);
    memset(rv_mem + lo, 0xaa, sizeof(model));
    memset(model, 0xaa, sizeof(model));
    rv_asm_init(&as, RV_CODE);
    /* Each store goes to its own 16-byte slot: offset j selects the slot
     * and the misalignment within it. */
    for (int k = 0; k < 4; k++) {
        for (int j = 0; j < 8; j++) {
            int32_t off = -2048 + 16 * (8 * k + j) + j;
            unsigned src = A2 + (unsigned)((k + j) % 4);
            rv_emit(&as, stores[k].enc(src, A1, off));
            model_store(model + (base + (uint64_t)off - lo), stores[k].size,
                        vals[(k + j) % 4]);
        }
        for (int j = 0; j < 8; j++) {
            int32_t off = 1024 + 16 * (8 * k + j) + j;
            rv_emit(&as, stores[k].enc(ZERO, A1, off));
            model_store(model + (base + (uint64_t)off - lo), stores[k].size, 0);
        }
    }
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    for (int v = 0; v < 4; v++) {
        rv_cpu->gpr[A2 + v] = vals[v];
    }
    rv_cpu->gpr[A1] = base;
    rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);
    for (size_t i = 0; i < sizeof(model); i++) {
        ck_assert_msg(rv_mem[lo + i] == model[i],
                      "[%s] byte at 0x%" PRIx64 " is 0x%02x, expected 0x%02x",
                      rv_config_name(), lo + i, rv_mem[lo + i], model[i]);
    }
    rv_asm_free(&as);
}
END_TEST

/* ---- AMOs ---- */

typedef uint64_t (*AmoFn)(uint64_t mem, uint64_t src, int size);

static uint64_t sx(uint64_t v, int size)
{
    return size == 4 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

static uint64_t amo_swap(uint64_t m, uint64_t s, int n)
{
    return s;
}
static uint64_t amo_add(uint64_t m, uint64_t s, int n)
{
    return m + s;
}
static uint64_t amo_xor(uint64_t m, uint64_t s, int n)
{
    return m ^ s;
}
static uint64_t amo_and(uint64_t m, uint64_t s, int n)
{
    return m & s;
}
static uint64_t amo_or(uint64_t m, uint64_t s, int n)
{
    return m | s;
}
/* min/max compare the values at the access size: signed ones after sign
 * extension from that size, unsigned ones after truncation to it. */
static uint64_t amo_min(uint64_t m, uint64_t s, int n)
{
    return (int64_t)sx(m, n) < (int64_t)sx(s, n) ? m : s;
}
static uint64_t amo_max(uint64_t m, uint64_t s, int n)
{
    return (int64_t)sx(m, n) > (int64_t)sx(s, n) ? m : s;
}
static uint64_t trunc_n(uint64_t v, int n)
{
    return n == 4 ? (uint32_t)v : v;
}
static uint64_t amo_minu(uint64_t m, uint64_t s, int n)
{
    return trunc_n(m, n) < trunc_n(s, n) ? m : s;
}
static uint64_t amo_maxu(uint64_t m, uint64_t s, int n)
{
    return trunc_n(m, n) > trunc_n(s, n) ? m : s;
}

typedef struct AmoOp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs2, unsigned rs1, bool aq, bool rl);
    int size;
    AmoFn fn;
} AmoOp;

#define AMO(op)                                                                \
    {"amo" #op ".w", rv_amo##op##_w, 4, amo_##op},                             \
    {                                                                          \
        "amo" #op ".d", rv_amo##op##_d, 8, amo_##op                            \
    }
static const AmoOp amos[] = {
    AMO(swap), AMO(add), AMO(xor),  AMO(and),  AMO(or),
    AMO(min),  AMO(max), AMO(minu), AMO(maxu),
};
#undef AMO
#define N_AMOS (sizeof(amos) / sizeof(amos[0]))

static const uint64_t amo_vals[] = {
    0,
    1,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffffffffffffffffull,
    0xffffffff7fffffffull,
    0x00000001fffffffeull,
    0x0123456789abcdefull,
};
#define N_AMO_VALS (sizeof(amo_vals) / sizeof(amo_vals[0]))
#define SENTINEL 0x5a5a5a5a5a5a5a5aull

/*
 * One program: each AMO four times (aq/rl = 00, 01, 10, 11), each on its
 * own 16-byte slot at RV_DATA + 16 * n, address in a3 computed from s2;
 * rd = a0 is stored to RES. Variants of aliasing follow in the same
 * program: rd = rs2, rd = rs1 (address register), rd = x0.
 */
START_TEST(test_amos)
{
    RvAsm as;
    enum { VARIANTS = 7 };
    uint64_t slot[N_AMOS][VARIANTS], res[N_AMOS][VARIANTS];
    int n = 0;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    for (size_t k = 0; k < N_AMOS; k++) {
        for (int v = 0; v < VARIANTS; v++) {
            slot[k][v] = RV_DATA + 16 * (uint64_t)n;
            res[k][v] = RES + 8 * (uint64_t)n;
            rv_emit(&as, rv_addi(A3, S2, 16 * n));
            switch (v) {
            case 0:
            case 1:
            case 2:
            case 3:
                rv_emit(&as, amos[k].enc(A0, A2, A3, v & 2, v & 1));
                rv_emit(&as, rv_sd(A0, S3, 8 * n));
                break;
            case 4: /* rd = rs2 */
                rv_emit(&as, rv_addi(A4, A2, 0));
                rv_emit(&as, amos[k].enc(A4, A4, A3, false, false));
                rv_emit(&as, rv_sd(A4, S3, 8 * n));
                break;
            case 5: /* rd = rs1 */
                rv_emit(&as, amos[k].enc(A3, A2, A3, true, true));
                rv_emit(&as, rv_sd(A3, S3, 8 * n));
                break;
            case 6: /* rd = x0: memory still changes */
                rv_emit(&as, amos[k].enc(ZERO, A2, A3, false, false));
                break;
            }
            n++;
        }
    }
    rv_emit(&as, RV_ECALL);
    rv_load(&as);

    for (size_t i = 0; i < N_AMO_VALS * N_AMO_VALS; i++) {
        uint64_t m = amo_vals[i / N_AMO_VALS], s = amo_vals[i % N_AMO_VALS];

        for (size_t k = 0; k < N_AMOS; k++) {
            for (int v = 0; v < VARIANTS; v++) {
                rv_poke64(slot[k][v], m);
                rv_poke64(slot[k][v] + 8, SENTINEL);
                rv_poke64(res[k][v], SENTINEL);
            }
        }
        memset(rv_cpu->gpr, 0, sizeof(rv_cpu->gpr));
        rv_cpu->gpr[A2] = s;
        rv_cpu->gpr[S2] = RV_DATA;
        rv_cpu->gpr[S3] = RES;
        rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);

        for (size_t k = 0; k < N_AMOS; k++) {
            int size = amos[k].size;
            /* Memory keeps the bytes above the access size. */
            uint64_t keep = size == 4 ? m & ~0xffffffffull : 0;
            uint64_t new_mem = keep | trunc_n(amos[k].fn(m, s, size), size);
            uint64_t old = sx(trunc_n(m, size), size);
            for (int v = 0; v < VARIANTS; v++) {
                uint64_t got_mem = rv_peek64(slot[k][v]);
                ck_assert_msg(
                    got_mem == new_mem,
                    "[%s] %s variant %d mem 0x%" PRIx64 " src 0x%" PRIx64
                    ": memory 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                    rv_config_name(), amos[k].name, v, m, s, got_mem, new_mem);
                ck_assert_msg(rv_peek64(slot[k][v] + 8) == SENTINEL,
                              "[%s] %s wrote past its slot", rv_config_name(),
                              amos[k].name);
                if (v == 6) {
                    continue;
                }
                uint64_t got = rv_peek64(res[k][v]);
                ck_assert_msg(
                    got == old,
                    "[%s] %s variant %d mem 0x%" PRIx64 " src 0x%" PRIx64
                    ": rd 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                    rv_config_name(), amos[k].name, v, m, s, got, old);
            }
        }
        ck_assert(rv_cpu->gpr[0] == 0);
    }
    rv_asm_free(&as);
}
END_TEST

/* A misaligned AMO or LR raises EXCP_UNALIGNED at its own pc with nothing
 * written. */
START_TEST(test_atomic_alignment)
{
    static const struct {
        uint32_t insn;
        uint64_t addr;
    } cases[] = {
        {0, RV_DATA + 2},  /* amoadd.w */
        {1, RV_DATA + 4},  /* amoadd.d */
        {2, RV_DATA + 1},  /* lr.w */
        {3, RV_DATA + 12}, /* lr.d */
        {4, RV_DATA + 6},  /* amoswap.d */
    };

    rv_start(_i);
    for (int c = 0; c < 5; c++) {
        uint32_t insn[5] = {
            rv_amoadd_w(A0, A2, A3, false, false),
            rv_amoadd_d(A0, A2, A3, true, true),
            rv_lr_w(A0, A3, false, false),
            rv_lr_d(A0, A3, true, false),
            rv_amoswap_d(A0, A2, A3, false, true),
        };
        RvAsm as;
        rv_asm_init(&as, RV_CODE);
        rv_emit(&as, rv_addi(A1, ZERO, 7)); /* runs before the fault */
        uint64_t fault_pc = rv_here(&as);
        rv_emit(&as, insn[cases[c].insn]);
        rv_emit(&as, rv_addi(A1, ZERO, 9)); /* must not run */
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_poke64(RV_DATA, 0x1111111111111111ull);
        rv_poke64(RV_DATA + 8, 0x2222222222222222ull);
        rv_cpu->gpr[A0] = 0xa0a0;
        rv_cpu->gpr[A2] = 5;
        rv_cpu->gpr[A3] = cases[c].addr;
        int excp = rv_run(RV_CODE);
        rv_assert_excp(excp, EXCP_UNALIGNED);
        ck_assert_msg(rv_cpu->pc == fault_pc, "[%s] case %d: pc 0x%" PRIx64,
                      rv_config_name(), c, rv_cpu->pc);
        ck_assert_uint_eq(rv_cpu->parent.fault_addr, cases[c].addr);
        rv_assert_reg(A1, 7, "instruction before the fault");
        rv_assert_reg(A0, 0xa0a0, "rd of the faulting atomic");
        ck_assert_uint_eq(rv_peek64(RV_DATA), 0x1111111111111111ull);
        ck_assert_uint_eq(rv_peek64(RV_DATA + 8), 0x2222222222222222ull);
        ck_assert_uint_eq(rv_cpu->load_res, RISCV_NO_RESERVATION);
        rv_asm_free(&as);
    }
}
END_TEST

/* ---- LR/SC ---- */

/* Assemble, load and run a short program from RV_CODE to its final
 * ecall. */
static void run_prog(RvAsm *as)
{
    rv_emit(as, RV_ECALL);
    rv_load(as);
    rv_run_to_ecall(RV_CODE, rv_here(as) - 4);
}

START_TEST(test_lr_sc_success)
{
    RvAsm as;

    rv_start(_i);
    rv_poke64(RV_DATA, 0x8000000000000005ull);
    rv_poke64(RV_DATA + 8, 0x5555555580000000ull);
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_lr_d(A0, A3, false, false));
    rv_emit(&as, rv_addi(A1, A0, 1));
    rv_emit(&as, rv_sc_d(A2, A1, A3, false, false));
    /* .w: sign-extended LR value; SC writes 4 bytes only. */
    rv_emit(&as, rv_lr_w(A4, A5, true, false));
    rv_emit(&as, rv_addi(A6, A4, -1));
    rv_emit(&as, rv_sc_w(A7, A6, A5, false, true));
    /* aq+rl on both. */
    rv_emit(&as, rv_lr_d(T0, A3, true, true));
    rv_emit(&as, rv_sc_d(T1, T0, A3, true, true));
    rv_cpu->gpr[A3] = RV_DATA;
    rv_cpu->gpr[A5] = RV_DATA + 8;
    run_prog(&as);
    rv_assert_reg(A0, 0x8000000000000005ull, "lr.d value");
    rv_assert_reg(A2, 0, "sc.d success");
    ck_assert_uint_eq(rv_peek64(RV_DATA), 0x8000000000000006ull);
    rv_assert_reg(A4, 0xffffffff80000000ull, "lr.w sign-extends");
    rv_assert_reg(A7, 0, "sc.w success");
    ck_assert_uint_eq(rv_peek64(RV_DATA + 8), 0x555555557fffffffull);
    rv_assert_reg(T0, 0x8000000000000006ull, "second lr.d");
    rv_assert_reg(T1, 0, "second sc.d");
    ck_assert_uint_eq(rv_cpu->load_res, RISCV_NO_RESERVATION);
    rv_asm_free(&as);
}
END_TEST

START_TEST(test_lr_sc_failures)
{
    RvAsm as;

    rv_start(_i);
    rv_poke64(RV_DATA, 100);
    rv_poke64(RV_DATA + 8, 200);
    rv_asm_init(&as, RV_CODE);
    /* 1: SC with no LR since the CPU was created. */
    rv_emit(&as, rv_sc_d(A0, A1, A3, false, false));
    /* 2: LR at one address, SC at another. */
    rv_emit(&as, rv_lr_d(T0, A3, false, false));
    rv_emit(&as, rv_sc_d(A2, A1, A5, false, false));
    /* 3: a successful SC consumes the reservation; a second SC fails. */
    rv_emit(&as, rv_lr_d(T0, A3, false, false));
    rv_emit(&as, rv_sc_d(A4, A1, A3, false, false));
    rv_emit(&as, rv_sc_d(A6, A1, A3, false, false));
    /* 4: the value changed under the reservation (a store between): the
     * SC's compare-and-exchange sees it. */
    rv_emit(&as, rv_lr_d(T0, A5, false, false));
    rv_emit(&as, rv_sd(T2, A5, 0));
    rv_emit(&as, rv_sc_d(A7, A1, A5, false, false));
    /* 5: an SC.W also fails after the reservation was dropped. */
    rv_emit(&as, rv_sc_w(T3, A1, A3, false, false));
    rv_cpu->gpr[A1] = 0x1234;
    rv_cpu->gpr[A3] = RV_DATA;
    rv_cpu->gpr[A5] = RV_DATA + 8;
    rv_cpu->gpr[T2] = 300;
    run_prog(&as);
    rv_assert_reg(A0, 1, "sc without lr");
    rv_assert_reg(A2, 1, "sc to another address");
    rv_assert_reg(A4, 0, "sc after lr");
    rv_assert_reg(A6, 1, "second sc");
    rv_assert_reg(A7, 1, "sc after the value changed");
    rv_assert_reg(T3, 1, "sc.w without reservation");
    ck_assert_uint_eq(rv_peek64(RV_DATA), 0x1234); /* only case 3 wrote */
    ck_assert_uint_eq(rv_peek64(RV_DATA + 8), 300);
    rv_asm_free(&as);
}
END_TEST

/*
 * The value changes between LR and SC while the guest is stopped at an
 * ecall (as another thread's store would change it): SC fails. Resuming
 * at pc + 4 after the ecall is what linux-user does.
 */
START_TEST(test_lr_sc_across_ecall)
{
    RvAsm as;

    rv_start(_i);
    rv_poke64(RV_DATA, 7);
    rv_asm_init(&as, RV_CODE);
    rv_emit(&as, rv_lr_d(A0, A3, false, false));
    uint64_t first_ecall = rv_here(&as);
    rv_emit(&as, RV_ECALL);
    rv_emit(&as, rv_addi(A0, A0, 1));
    rv_emit(&as, rv_sc_d(A2, A0, A3, false, false));
    /* Retry: this time nothing interferes. */
    rv_emit(&as, rv_lr_d(A0, A3, false, false));
    rv_emit(&as, rv_addi(A0, A0, 1));
    rv_emit(&as, rv_sc_d(A4, A0, A3, false, false));
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_cpu->gpr[A3] = RV_DATA;
    rv_run_to_ecall(RV_CODE, first_ecall);
    rv_assert_reg(A0, 7, "lr value");
    rv_poke64(RV_DATA, 40);
    rv_cpu->pc += 4;
    int excp = cpu_exec(&rv_cpu->parent);
    rv_assert_excp(excp, EXCP_RISCV_ECALL);
    ck_assert_uint_eq(rv_cpu->pc, rv_here(&as) - 4);
    rv_assert_reg(A2, 1, "sc after a foreign store");
    rv_assert_reg(A4, 0, "retried sc");
    ck_assert_uint_eq(rv_peek64(RV_DATA), 41);
    rv_asm_free(&as);
}
END_TEST

/* An LR/SC retry loop incrementing a counter, as compilers emit for
 * atomic_fetch_add without AMOs. */
START_TEST(test_lr_sc_loop)
{
    RvAsm as;
    RvLabel again, loop;

    rv_start(_i);
    rv_poke64(RV_DATA, 1000);
    rv_asm_init(&as, RV_CODE);
    loop = rv_label(&as);
    again = rv_label(&as);
    rv_emit(&as, rv_addi(T0, ZERO, 100));
    rv_bind(&as, loop);
    rv_bind(&as, again);
    rv_emit(&as, rv_lr_w(A0, A3, true, false));
    rv_emit(&as, rv_addi(A0, A0, 3));
    rv_emit(&as, rv_sc_w(A1, A0, A3, false, true));
    rv_branch_to(&as, rv_bne(A1, ZERO, 0), again);
    rv_emit(&as, rv_addi(T0, T0, -1));
    rv_branch_to(&as, rv_bne(T0, ZERO, 0), loop);
    rv_cpu->gpr[A3] = RV_DATA;
    run_prog(&as);
    ck_assert_uint_eq(rv_peek64(RV_DATA), 1300);
    rv_asm_free(&as);
}
END_TEST

/* ---- guest memory faults ---- */

typedef struct FaultCase {
    const char *name;
    uint32_t insn;
    uint64_t addr; /* value of a3 */
    int32_t off;   /* the instruction's offset from a3 */
    int write;     /* expected fault_write; -1: either */
    int size;
} FaultCase;

START_TEST(test_segv)
{
    const FaultCase cases[] = {
        {"ld", rv_ld(A0, A3, 0), RV_MEM_SIZE + 16, 0, false, 8},
        {"lbu", rv_lbu(A0, A3, -1), RV_MEM_SIZE + 1, -1, false, 1},
        {"ld straddling", rv_ld(A0, A3, 0), RV_MEM_SIZE - 4, 0, false, 8},
        {"lw rd = rs1", rv_lw(A3, A3, 8), RV_MEM_SIZE, 8, false, 4},
        {"sd", rv_sd(A2, A3, 0), RV_MEM_SIZE + 64, 0, true, 8},
        {"sh straddling", rv_sh(A2, A3, 0), RV_MEM_SIZE - 1, 0, true, 2},
        /* A read-modify-write: the native backend reports the write, TCI
         * the read that comes first; both are faithful to a fault on an
         * unmapped page, and linux-user's SIGSEGV does not depend on it. */
        {"amoadd.d", rv_amoadd_d(A0, A2, A3, false, false), RV_MEM_SIZE + 8, 0,
         -1, 8},
        {"lr.w", rv_lr_w(A0, A3, false, false), RV_MEM_SIZE + 4, 0, false, 4},
        {"sc.d", rv_sc_d(A0, A2, A3, false, false), RV_MEM_SIZE + 8, 0, true,
         8},
    };

    rv_start(_i);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const FaultCase *fc = &cases[c];
        RvAsm as;
        uint64_t access = fc->addr + (uint64_t)(int64_t)fc->off;

        rv_asm_init(&as, RV_CODE);
        rv_emit(&as, rv_addi(A1, A1, 1)); /* runs */
        uint64_t fault_pc = rv_here(&as);
        rv_emit(&as, fc->insn);
        rv_emit(&as, rv_addi(A1, A1, 1)); /* must not run */
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_cpu->gpr[A0] = 0xa0a0a0a0;
        rv_cpu->gpr[A1] = 10;
        rv_cpu->gpr[A2] = 0x77;
        rv_cpu->gpr[A3] = fc->addr;
        if (fc->insn == rv_sc_d(A0, A2, A3, false, false)) {
            /* Give the SC a reservation at that address, so it tries. */
            rv_cpu->load_res = fc->addr;
            rv_cpu->load_val = 0;
        }
        memset(rv_mem + RV_MEM_SIZE - 8, 0x3c, 8);
        int excp = rv_run(RV_CODE);
        rv_assert_excp(excp, EXCP_SEGV);
        ck_assert_msg(rv_cpu->pc == fault_pc,
                      "[%s] %s: pc 0x%" PRIx64 ", expected 0x%" PRIx64,
                      rv_config_name(), fc->name, rv_cpu->pc, fault_pc);
        /* The host reports the first inaccessible byte it touched. */
        uint64_t fa = rv_cpu->parent.fault_addr;
        ck_assert_msg(fa >= access && fa < access + (uint64_t)fc->size &&
                          fa >= RV_MEM_SIZE,
                      "[%s] %s: fault_addr 0x%" PRIx64 " outside the access",
                      rv_config_name(), fc->name, fa);
        ck_assert_msg(fc->write < 0 || rv_cpu->parent.fault_write == fc->write,
                      "[%s] %s: fault_write %d", rv_config_name(), fc->name,
                      rv_cpu->parent.fault_write);
        rv_assert_reg(A1, 11, fc->name);
        rv_assert_reg(A0, 0xa0a0a0a0, fc->name);
        rv_assert_reg(A3, fc->addr, fc->name);
        rv_asm_free(&as);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-mem");
    TCase *tc = tcase_create("mem");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_loads, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_stores, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_amos, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_atomic_alignment, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_lr_sc_success, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_lr_sc_failures, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_lr_sc_across_ecall, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_lr_sc_loop, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_segv, 0, RV_NCONFIGS);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * riscv64 integer computation against a C reference: every register-
 * register, register-immediate and unary instruction of RV64I, M, Zba,
 * Zbb and Zbs, on edge values and seeded random ones.
 *
 * Each group runs as one "battery" program: for every instruction, its
 * result goes to memory, plus the results with rd = rs1, rd = rs2 and
 * rs1 = rs2 (aliasing the translator must handle by computing before it
 * writes rd), then ecall. Two modes:
 *  - register mode: the inputs come in registers set by the test, so one
 *    translation serves every input pair;
 *  - constant mode: the program loads the inputs with li, so the
 *    optimizer (when on) folds every instruction to a constant; this
 *    checks the IR the front end emits under constant folding.
 * Expected values come from the ref_* functions below, written from the
 * manual's definitions in plain C (loops where the translator uses bit
 * tricks), not from the translator.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv-harness.h"
#include "testrand.h"

typedef uint64_t (*RefFn)(uint64_t a, uint64_t b);

static uint64_t sext32(uint64_t x)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)x;
}

static uint64_t rotl64(uint64_t x, unsigned s)
{
    s &= 63;
    return s ? (x << s) | (x >> (64 - s)) : x;
}

static uint32_t rotl32(uint32_t x, unsigned s)
{
    s &= 31;
    return s ? (x << s) | (x >> (32 - s)) : x;
}

/* ---- RV64I ---- */
static uint64_t ref_add(uint64_t a, uint64_t b)
{
    return a + b;
}
static uint64_t ref_sub(uint64_t a, uint64_t b)
{
    return a - b;
}
static uint64_t ref_sll(uint64_t a, uint64_t b)
{
    return a << (b & 63);
}
static uint64_t ref_srl(uint64_t a, uint64_t b)
{
    return a >> (b & 63);
}
static uint64_t ref_sra(uint64_t a, uint64_t b)
{
    /* Arithmetic shift written without relying on >> of a negative. */
    unsigned s = b & 63;
    uint64_t r = a >> s;
    if ((a >> 63) && s) {
        r |= ~0ull << (64 - s);
    }
    return r;
}
static uint64_t ref_slt(uint64_t a, uint64_t b)
{
    return (int64_t)a < (int64_t)b;
}
static uint64_t ref_sltu(uint64_t a, uint64_t b)
{
    return a < b;
}
static uint64_t ref_xor(uint64_t a, uint64_t b)
{
    return a ^ b;
}
static uint64_t ref_or(uint64_t a, uint64_t b)
{
    return a | b;
}
static uint64_t ref_and(uint64_t a, uint64_t b)
{
    return a & b;
}
static uint64_t ref_addw(uint64_t a, uint64_t b)
{
    return sext32(a + b);
}
static uint64_t ref_subw(uint64_t a, uint64_t b)
{
    return sext32(a - b);
}
static uint64_t ref_sllw(uint64_t a, uint64_t b)
{
    return sext32((uint32_t)a << (b & 31));
}
static uint64_t ref_srlw(uint64_t a, uint64_t b)
{
    return sext32((uint32_t)a >> (b & 31));
}
static uint64_t ref_sraw(uint64_t a, uint64_t b)
{
    return ref_sra(sext32(a), b & 31); /* the 32-bit value, sign-extended */
}

/* ---- M ---- */
static uint64_t ref_mul(uint64_t a, uint64_t b)
{
    return a * b;
}
static uint64_t ref_mulh(uint64_t a, uint64_t b)
{
    __int128 p = (__int128)(int64_t)a * (__int128)(int64_t)b;
    return (uint64_t)(p >> 64);
}
static uint64_t ref_mulhsu(uint64_t a, uint64_t b)
{
    __int128 p = (__int128)(int64_t)a * (__int128)b; /* b < 2^64: exact */
    return (uint64_t)(p >> 64);
}
static uint64_t ref_mulhu(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)(p >> 64);
}
/* The manual's table "Semantics for division by zero and division
 * overflow". */
static uint64_t ref_div(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return ~0ull;
    }
    if (a == (1ull << 63) && b == ~0ull) {
        return a;
    }
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static uint64_t ref_divu(uint64_t a, uint64_t b)
{
    return b == 0 ? ~0ull : a / b;
}
static uint64_t ref_rem(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    if (a == (1ull << 63) && b == ~0ull) {
        return 0;
    }
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static uint64_t ref_remu(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}
static uint64_t ref_mulw(uint64_t a, uint64_t b)
{
    return sext32(a * b);
}
static uint64_t ref_divw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) {
        return ~0ull;
    }
    if (x == INT32_MIN && y == -1) {
        return sext32((uint32_t)x);
    }
    return sext32((uint32_t)(x / y));
}
static uint64_t ref_divuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return y == 0 ? ~0ull : sext32(x / y);
}
static uint64_t ref_remw(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) {
        return sext32((uint32_t)x);
    }
    if (x == INT32_MIN && y == -1) {
        return 0;
    }
    return sext32((uint32_t)(x % y));
}
static uint64_t ref_remuw(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, y = (uint32_t)b;
    return sext32(y == 0 ? x : x % y);
}

/* ---- Zba ---- */
static uint64_t ref_sh1add(uint64_t a, uint64_t b)
{
    return b + (a << 1);
}
static uint64_t ref_sh2add(uint64_t a, uint64_t b)
{
    return b + (a << 2);
}
static uint64_t ref_sh3add(uint64_t a, uint64_t b)
{
    return b + (a << 3);
}
static uint64_t ref_add_uw(uint64_t a, uint64_t b)
{
    return b + (uint32_t)a;
}
static uint64_t ref_sh1add_uw(uint64_t a, uint64_t b)
{
    return b + ((uint64_t)(uint32_t)a << 1);
}
static uint64_t ref_sh2add_uw(uint64_t a, uint64_t b)
{
    return b + ((uint64_t)(uint32_t)a << 2);
}
static uint64_t ref_sh3add_uw(uint64_t a, uint64_t b)
{
    return b + ((uint64_t)(uint32_t)a << 3);
}

/* ---- Zbb ---- */
static uint64_t ref_andn(uint64_t a, uint64_t b)
{
    return a & ~b;
}
static uint64_t ref_orn(uint64_t a, uint64_t b)
{
    return a | ~b;
}
static uint64_t ref_xnor(uint64_t a, uint64_t b)
{
    return ~(a ^ b);
}
static uint64_t ref_max(uint64_t a, uint64_t b)
{
    return (int64_t)a > (int64_t)b ? a : b;
}
static uint64_t ref_maxu(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}
static uint64_t ref_min(uint64_t a, uint64_t b)
{
    return (int64_t)a < (int64_t)b ? a : b;
}
static uint64_t ref_minu(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}
static uint64_t ref_rol(uint64_t a, uint64_t b)
{
    return rotl64(a, b & 63);
}
static uint64_t ref_ror(uint64_t a, uint64_t b)
{
    return rotl64(a, (64 - (b & 63)) & 63);
}
static uint64_t ref_rolw(uint64_t a, uint64_t b)
{
    return sext32(rotl32((uint32_t)a, b & 31));
}
static uint64_t ref_rorw(uint64_t a, uint64_t b)
{
    return sext32(rotl32((uint32_t)a, (32 - (b & 31)) & 31));
}

/* Unary: b is unused. Counting with loops, as the manual's pseudo-code
 * does. */
static uint64_t ref_clz(uint64_t a, uint64_t b)
{
    int n = 0;
    for (int i = 63; i >= 0 && !((a >> i) & 1); i--) {
        n++;
    }
    return (uint64_t)n;
}
static uint64_t ref_ctz(uint64_t a, uint64_t b)
{
    int n = 0;
    for (int i = 0; i < 64 && !((a >> i) & 1); i++) {
        n++;
    }
    return (uint64_t)n;
}
static uint64_t ref_cpop(uint64_t a, uint64_t b)
{
    int n = 0;
    for (int i = 0; i < 64; i++) {
        n += (a >> i) & 1;
    }
    return (uint64_t)n;
}
static uint64_t ref_clzw(uint64_t a, uint64_t b)
{
    int n = 0;
    for (int i = 31; i >= 0 && !((a >> i) & 1); i--) {
        n++;
    }
    return (uint64_t)n;
}
static uint64_t ref_ctzw(uint64_t a, uint64_t b)
{
    int n = 0;
    for (int i = 0; i < 32 && !((a >> i) & 1); i++) {
        n++;
    }
    return (uint64_t)n;
}
static uint64_t ref_cpopw(uint64_t a, uint64_t b)
{
    return ref_cpop((uint32_t)a, 0);
}
static uint64_t ref_sext_b(uint64_t a, uint64_t b)
{
    return (uint64_t)(int64_t)(int8_t)(uint8_t)a;
}
static uint64_t ref_sext_h(uint64_t a, uint64_t b)
{
    return (uint64_t)(int64_t)(int16_t)(uint16_t)a;
}
static uint64_t ref_zext_h(uint64_t a, uint64_t b)
{
    return a & 0xffff;
}
static uint64_t ref_orc_b(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        if ((a >> (8 * i)) & 0xff) {
            r |= 0xffull << (8 * i);
        }
    }
    return r;
}
static uint64_t ref_rev8(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        r |= ((a >> (8 * i)) & 0xff) << (8 * (7 - i));
    }
    return r;
}

/* ---- Zbs ---- */
static uint64_t ref_bclr(uint64_t a, uint64_t b)
{
    return a & ~(1ull << (b & 63));
}
static uint64_t ref_bext(uint64_t a, uint64_t b)
{
    return (a >> (b & 63)) & 1;
}
static uint64_t ref_binv(uint64_t a, uint64_t b)
{
    return a ^ (1ull << (b & 63));
}
static uint64_t ref_bset(uint64_t a, uint64_t b)
{
    return a | (1ull << (b & 63));
}

/* ---- immediate forms: b is the sign-extended immediate or shamt ---- */
static uint64_t ref_addiw(uint64_t a, uint64_t b)
{
    return sext32(a + b);
}
static uint64_t ref_slliw(uint64_t a, uint64_t b)
{
    return ref_sllw(a, b);
}
static uint64_t ref_srliw(uint64_t a, uint64_t b)
{
    return ref_srlw(a, b);
}
static uint64_t ref_sraiw(uint64_t a, uint64_t b)
{
    return ref_sraw(a, b);
}
static uint64_t ref_slli_uw(uint64_t a, uint64_t b)
{
    return (uint64_t)(uint32_t)a << b;
}

typedef struct ROp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs1, unsigned rs2);
    RefFn ref;
} ROp;

#define R(n)                                                                   \
    {                                                                          \
#n, rv_##n, ref_##n                                                    \
    }
static const ROp r_ops[] = {
    R(add),    R(sub),    R(sll),       R(srl),       R(sra),       R(slt),
    R(sltu),   R(xor),    R(or),        R(and),       R(addw),      R(subw),
    R(sllw),   R(srlw),   R(sraw),      R(mul),       R(mulh),      R(mulhsu),
    R(mulhu),  R(div),    R(divu),      R(rem),       R(remu),      R(mulw),
    R(divw),   R(divuw),  R(remw),      R(remuw),     R(sh1add),    R(sh2add),
    R(sh3add), R(add_uw), R(sh1add_uw), R(sh2add_uw), R(sh3add_uw), R(andn),
    R(orn),    R(xnor),   R(max),       R(maxu),      R(min),       R(minu),
    R(rol),    R(ror),    R(rolw),      R(rorw),      R(bclr),      R(bext),
    R(binv),   R(bset),
};
#undef R
#define NR_OPS (sizeof(r_ops) / sizeof(r_ops[0]))

typedef struct UOp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs1);
    RefFn ref;
} UOp;

#define U(n)                                                                   \
    {                                                                          \
#n, rv_##n, ref_##n                                                    \
    }
static const UOp u_ops[] = {
    U(clz),    U(ctz),    U(cpop),   U(clzw),  U(ctzw), U(cpopw),
    U(sext_b), U(sext_h), U(zext_h), U(orc_b), U(rev8),
};
#undef U
#define NU_OPS (sizeof(u_ops) / sizeof(u_ops[0]))

/* Register-immediate with a 12-bit signed immediate. */
typedef struct IOp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs1, int32_t imm);
    RefFn ref;
} IOp;

static const IOp i_ops[] = {
    {"addi", rv_addi, ref_add},     {"slti", rv_slti, ref_slt},
    {"sltiu", rv_sltiu, ref_sltu},  {"xori", rv_xori, ref_xor},
    {"ori", rv_ori, ref_or},        {"andi", rv_andi, ref_and},
    {"addiw", rv_addiw, ref_addiw},
};
#define NI_OPS (sizeof(i_ops) / sizeof(i_ops[0]))

static const int32_t imm12s[] = {0,     1,         -1,  2,     2047,   -2048,
                                 31,    32,        63,  0x555, -0x556, 0x7f,
                                 -0x80, 0x800 - 2, 255, 0x400};
#define N_IMM12 (sizeof(imm12s) / sizeof(imm12s[0]))

/* Shift-immediate forms: shamt 0..width-1, every value tested. */
typedef struct ShOp {
    const char *name;
    uint32_t (*enc)(unsigned rd, unsigned rs1, unsigned shamt);
    unsigned width;
    RefFn ref;
} ShOp;

static const ShOp sh_ops[] = {
    {"slli", rv_slli, 64, ref_sll},
    {"srli", rv_srli, 64, ref_srl},
    {"srai", rv_srai, 64, ref_sra},
    {"slliw", rv_slliw, 32, ref_slliw},
    {"srliw", rv_srliw, 32, ref_srliw},
    {"sraiw", rv_sraiw, 32, ref_sraiw},
    {"slli.uw", rv_slli_uw, 64, ref_slli_uw},
    {"rori", rv_rori, 64, ref_ror},
    {"roriw", rv_roriw, 32, ref_rorw},
    {"bclri", rv_bclri, 64, ref_bclr},
    {"bexti", rv_bexti, 64, ref_bext},
    {"binvi", rv_binvi, 64, ref_binv},
    {"bseti", rv_bseti, 64, ref_bset},
};
#define NSH_OPS (sizeof(sh_ops) / sizeof(sh_ops[0]))

static const uint64_t edges[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x8000,
    0xffff,
    31,
    32,
    63,
    64,
    0x7fffffffull,
    0x80000000ull,
    0xffffffffull,
    0x100000000ull,
    0xffffffff80000000ull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0xffffffffffffffffull,
    0xfffffffffffffffeull,
    0x8000000000000001ull,
    0x0123456789abcdefull,
    0xfedcba9876543210ull,
    0x00ff000000ff0000ull,
    0x8000000080000000ull,
};
#define N_EDGES (sizeof(edges) / sizeof(edges[0]))

/* ---- battery programs ---- */

/*
 * The program stores results through s2 (x18), which starts at RV_DATA;
 * it moves s2 forward before the 12-bit store offset would overflow. The
 * host mirrors the walk in result_addr().
 */
typedef struct Battery {
    RvAsm as;
    uint64_t base; /* current guest value of s2 */
    int off;       /* next store offset from s2 */
} Battery;

static void bat_init(Battery *b, bool const_mode, uint64_t x, uint64_t y)
{
    rv_asm_init(&b->as, RV_CODE);
    b->base = RV_DATA;
    b->off = 0;
    if (const_mode) {
        rv_li(&b->as, A1, x);
        rv_li(&b->as, A2, y);
    }
}

/* Store register r as the next result; returns its guest address. */
static uint64_t bat_store(Battery *b, unsigned r)
{
    if (b->off > 2040) {
        rv_emit(&b->as, rv_addi(S2, S2, 2000));
        b->base += 2000;
        b->off -= 2000;
    }
    rv_emit(&b->as, rv_sd(r, S2, b->off));
    b->off += 8;
    return b->base + (uint64_t)(b->off - 8);
}

/* Run the loaded battery with inputs x (a1), y (a2). */
static void bat_run(const Battery *b, uint64_t x, uint64_t y)
{
    memset(rv_cpu->gpr, 0, sizeof(rv_cpu->gpr));
    rv_cpu->gpr[A1] = x;
    rv_cpu->gpr[A2] = y;
    rv_cpu->gpr[S2] = RV_DATA;
    rv_run_to_ecall(RV_CODE, b->as.base + b->as.len - 4);
    ck_assert_msg(rv_cpu->gpr[0] == 0, "[%s] x0 was written", rv_config_name());
}

static void check_result(uint64_t addr, uint64_t want, const char *op,
                         const char *variant, uint64_t x, uint64_t y)
{
    uint64_t got = rv_peek64(addr);

    ck_assert_msg(got == want,
                  "[%s] %s (%s) with 0x%" PRIx64 ", 0x%" PRIx64
                  ": got 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                  rv_config_name(), op, variant, x, y, got, want);
}

/* ---- register-register ---- */

typedef struct RAddrs {
    uint64_t plain, rd_rs1, rd_rs2, same;
} RAddrs;

static void emit_r_battery(Battery *b, RAddrs *addrs)
{
    for (size_t k = 0; k < NR_OPS; k++) {
        const ROp *op = &r_ops[k];

        rv_emit(&b->as, op->enc(A0, A1, A2));
        addrs[k].plain = bat_store(b, A0);
        rv_emit(&b->as, rv_addi(A3, A1, 0));
        rv_emit(&b->as, op->enc(A3, A3, A2));
        addrs[k].rd_rs1 = bat_store(b, A3);
        rv_emit(&b->as, rv_addi(A4, A2, 0));
        rv_emit(&b->as, op->enc(A4, A1, A4));
        addrs[k].rd_rs2 = bat_store(b, A4);
        rv_emit(&b->as, op->enc(A5, A1, A1));
        addrs[k].same = bat_store(b, A5);
        /* A write to x0 must vanish (checked after the run). */
        rv_emit(&b->as, op->enc(ZERO, A1, A2));
    }
    rv_emit(&b->as, RV_ECALL);
}

static void check_r_battery(const RAddrs *addrs, uint64_t x, uint64_t y)
{
    for (size_t k = 0; k < NR_OPS; k++) {
        const ROp *op = &r_ops[k];

        check_result(addrs[k].plain, op->ref(x, y), op->name, "rd, rs1, rs2", x,
                     y);
        check_result(addrs[k].rd_rs1, op->ref(x, y), op->name, "rd = rs1", x,
                     y);
        check_result(addrs[k].rd_rs2, op->ref(x, y), op->name, "rd = rs2", x,
                     y);
        check_result(addrs[k].same, op->ref(x, x), op->name, "rs1 = rs2", x, x);
    }
}

/* Input pairs: every pair of edge values, then seeded random ones. */
static void pair_at(size_t i, uint64_t *x, uint64_t *y)
{
    if (i < N_EDGES * N_EDGES) {
        *x = edges[i / N_EDGES];
        *y = edges[i % N_EDGES];
        return;
    }
    TestRng r;
    trng_seed(&r, 0x5eed0000 + i);
    *x = trng_value(&r, 64);
    *y = trng_value(&r, 64);
}
#define N_PAIRS (N_EDGES * N_EDGES + 200)

START_TEST(test_r_ops_registers)
{
    Battery b;
    RAddrs addrs[NR_OPS];

    rv_start(_i);
    bat_init(&b, false, 0, 0);
    emit_r_battery(&b, addrs);
    rv_load(&b.as);
    for (size_t i = 0; i < N_PAIRS; i++) {
        uint64_t x, y;
        pair_at(i, &x, &y);
        bat_run(&b, x, y);
        check_r_battery(addrs, x, y);
    }
    rv_asm_free(&b.as);
}
END_TEST

/* Constant mode translates once per pair: every 3rd edge pair and a few
 * random ones keep it quick while still hitting each edge value on both
 * sides. */
START_TEST(test_r_ops_constants)
{
    rv_start(_i);
    for (size_t i = 0; i < N_PAIRS; i += 3) {
        Battery b;
        RAddrs addrs[NR_OPS];
        uint64_t x, y;

        pair_at(i, &x, &y);
        bat_init(&b, true, x, y);
        emit_r_battery(&b, addrs);
        rv_load(&b.as);
        bat_run(&b, 0xdead, 0xbeef); /* the program's li must win */
        check_r_battery(addrs, x, y);
        rv_asm_free(&b.as);
    }
}
END_TEST

/* ---- unary, immediate and shift-immediate ---- */

typedef struct IAddrs {
    uint64_t unary[NU_OPS][2];
    uint64_t imm[NI_OPS][N_IMM12];
    uint64_t imm_alias[NI_OPS];
    uint64_t sh[NSH_OPS][64];
    uint64_t sh_alias[NSH_OPS];
} IAddrs;

static void emit_i_battery(Battery *b, IAddrs *ad)
{
    for (size_t k = 0; k < NU_OPS; k++) {
        rv_emit(&b->as, u_ops[k].enc(A0, A1));
        ad->unary[k][0] = bat_store(b, A0);
        rv_emit(&b->as, rv_addi(A3, A1, 0));
        rv_emit(&b->as, u_ops[k].enc(A3, A3));
        ad->unary[k][1] = bat_store(b, A3);
        rv_emit(&b->as, u_ops[k].enc(ZERO, A1));
    }
    for (size_t k = 0; k < NI_OPS; k++) {
        for (size_t j = 0; j < N_IMM12; j++) {
            rv_emit(&b->as, i_ops[k].enc(A0, A1, imm12s[j]));
            ad->imm[k][j] = bat_store(b, A0);
        }
        rv_emit(&b->as, rv_addi(A3, A1, 0));
        rv_emit(&b->as, i_ops[k].enc(A3, A3, -7));
        ad->imm_alias[k] = bat_store(b, A3);
    }
    for (size_t k = 0; k < NSH_OPS; k++) {
        for (unsigned s = 0; s < sh_ops[k].width; s++) {
            rv_emit(&b->as, sh_ops[k].enc(A0, A1, s));
            ad->sh[k][s] = bat_store(b, A0);
        }
        rv_emit(&b->as, rv_addi(A3, A1, 0));
        rv_emit(&b->as, sh_ops[k].enc(A3, A3, 13));
        ad->sh_alias[k] = bat_store(b, A3);
    }
    rv_emit(&b->as, RV_ECALL);
}

static void check_i_battery(const IAddrs *ad, uint64_t x)
{
    for (size_t k = 0; k < NU_OPS; k++) {
        check_result(ad->unary[k][0], u_ops[k].ref(x, 0), u_ops[k].name,
                     "rd, rs1", x, 0);
        check_result(ad->unary[k][1], u_ops[k].ref(x, 0), u_ops[k].name,
                     "rd = rs1", x, 0);
    }
    for (size_t k = 0; k < NI_OPS; k++) {
        for (size_t j = 0; j < N_IMM12; j++) {
            uint64_t imm = (uint64_t)(int64_t)imm12s[j];
            check_result(ad->imm[k][j], i_ops[k].ref(x, imm), i_ops[k].name,
                         "imm", x, imm);
        }
        check_result(ad->imm_alias[k], i_ops[k].ref(x, (uint64_t)-7),
                     i_ops[k].name, "rd = rs1", x, (uint64_t)-7);
    }
    for (size_t k = 0; k < NSH_OPS; k++) {
        for (unsigned s = 0; s < sh_ops[k].width; s++) {
            check_result(ad->sh[k][s], sh_ops[k].ref(x, s), sh_ops[k].name,
                         "shamt", x, s);
        }
        check_result(ad->sh_alias[k], sh_ops[k].ref(x, 13), sh_ops[k].name,
                     "rd = rs1", x, 13);
    }
}

static uint64_t value_at(size_t i)
{
    if (i < N_EDGES) {
        return edges[i];
    }
    TestRng r;
    trng_seed(&r, 0xa11ce000 + i);
    return trng_value(&r, 64);
}
#define N_VALUES (N_EDGES + 40)

START_TEST(test_imm_ops)
{
    Battery b;
    static IAddrs ad;
    bool const_mode = _i >= RV_NCONFIGS;

    rv_start(_i % RV_NCONFIGS);
    if (!const_mode) {
        bat_init(&b, false, 0, 0);
        emit_i_battery(&b, &ad);
        rv_load(&b.as);
    }
    for (size_t i = 0; i < N_VALUES; i++) {
        uint64_t x = value_at(i);
        if (const_mode) {
            bat_init(&b, true, x, 0);
            emit_i_battery(&b, &ad);
            rv_load(&b.as);
        }
        bat_run(&b, const_mode ? 0x5555 : x, 0);
        check_i_battery(&ad, x);
        if (const_mode) {
            rv_asm_free(&b.as);
        }
    }
    if (!const_mode) {
        rv_asm_free(&b.as);
    }
}
END_TEST

/* ---- zero-extension pairs ---- */

/*
 * "slli rd, rs, 32; srli rd, rd, 32" is translated as one zero extension
 * of rs (trans_slli/trans_srli). The neighbours that must not be fused:
 * rd = rs, another srli amount, another srli destination, and an
 * instruction in between that changes rs (the pair must still see the
 * shifted value, not the new rs). 32-bit and compressed forms.
 */
typedef struct ZextCase {
    uint64_t addr;
    uint64_t (*ref)(uint64_t x);
    const char *what;
} ZextCase;

static uint64_t zref_zext(uint64_t x)
{
    return (uint32_t)x;
}
static uint64_t zref_shr31(uint64_t x)
{
    return (x << 32) >> 31;
}
static uint64_t zref_shl32(uint64_t x)
{
    return x << 32;
}

#define N_ZEXT 8

static void emit_zext_battery(Battery *b, ZextCase *zc)
{
    int n = 0;

    rv_emit(&b->as, rv_slli(A0, A1, 32));
    rv_emit(&b->as, rv_srli(A0, A0, 32));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_zext, "pair"};
    rv_emit16(&b->as, rv_c_slli(A0, 32));
    rv_emit16(&b->as, rv_c_srli(A0, 32));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_zext, "c.slli rd=rs pair"};
    rv_emit(&b->as, rv_addi(A3, A1, 0));
    rv_emit(&b->as, rv_slli(A0, A3, 32));
    rv_emit16(&b->as, rv_c_srli(A0, 32));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_zext, "slli, c.srli"};
    rv_emit(&b->as, rv_slli(A3, A3, 32));
    rv_emit(&b->as, rv_srli(A3, A3, 32));
    zc[n++] = (ZextCase){bat_store(b, A3), zref_zext, "rd = rs"};
    rv_emit(&b->as, rv_slli(A0, A1, 32));
    rv_emit(&b->as, rv_srli(A0, A0, 31));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_shr31, "srli 31"};
    rv_emit(&b->as, rv_slli(A0, A1, 32));
    rv_emit(&b->as, rv_srli(A4, A0, 32));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_shl32, "other rd: slli"};
    zc[n++] = (ZextCase){bat_store(b, A4), zref_zext, "other rd: srli"};
    rv_emit(&b->as, rv_addi(A3, A1, 0));
    rv_emit(&b->as, rv_slli(A0, A3, 32));
    rv_emit(&b->as, rv_addi(A3, A3, 0x555));
    rv_emit(&b->as, rv_srli(A0, A0, 32));
    zc[n++] = (ZextCase){bat_store(b, A0), zref_zext, "rs changed between"};
    rv_emit(&b->as, RV_ECALL);
    ck_assert_int_eq(n, N_ZEXT);
}

START_TEST(test_zext_pairs)
{
    Battery b;
    ZextCase zc[N_ZEXT];

    rv_start(_i);
    bat_init(&b, false, 0, 0);
    emit_zext_battery(&b, zc);
    rv_load(&b.as);
    for (size_t i = 0; i < N_VALUES; i++) {
        uint64_t x = value_at(i);
        bat_run(&b, x, 0);
        for (int k = 0; k < N_ZEXT; k++) {
            check_result(zc[k].addr, zc[k].ref(x), "slli/srli 32", zc[k].what,
                         x, 0);
        }
    }
    rv_asm_free(&b.as);
}
END_TEST

/* ---- upper immediates ---- */

START_TEST(test_lui_auipc)
{
    static const uint32_t imms[] = {0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345};
    RvAsm as;

    rv_start(_i);
    rv_asm_init(&as, RV_CODE);
    for (int k = 0; k < 6; k++) {
        rv_emit(&as, rv_lui(S4 + (unsigned)k, imms[k]));
    }
    uint64_t auipc_pc = rv_here(&as);
    for (int k = 0; k < 6; k++) {
        rv_emit(&as, rv_auipc(A0 + (unsigned)k, imms[k]));
    }
    rv_emit(&as, rv_lui(ZERO, 0x12345)); /* must not write x0 */
    rv_emit(&as, RV_ECALL);
    rv_load(&as);
    rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);
    for (int k = 0; k < 6; k++) {
        /* The 32-bit value imm << 12, sign-extended to 64 bits. */
        uint64_t v = sext32((uint64_t)imms[k] << 12);
        rv_assert_reg(S4 + (unsigned)k, v, "lui");
        rv_assert_reg(A0 + (unsigned)k, auipc_pc + 4 * (uint64_t)k + v,
                      "auipc");
    }
    ck_assert(rv_cpu->gpr[0] == 0);
    rv_asm_free(&as);
}
END_TEST

/* rv_li itself: every edge value and random ones round-trip, which also
 * covers lui/addiw/slli/addi sequences with carries between parts. */
START_TEST(test_li_sequences)
{
    rv_start(_i);
    for (size_t i = 0; i < N_VALUES + 200; i++) {
        uint64_t v = i < N_VALUES ? value_at(i) : value_at(i) >> (i % 64);
        RvAsm as;

        rv_asm_init(&as, RV_CODE);
        rv_li(&as, A0, v);
        rv_li(&as, T6, ~v);
        rv_emit(&as, RV_ECALL);
        rv_load(&as);
        rv_run_to_ecall(RV_CODE, rv_here(&as) - 4);
        rv_assert_reg(A0, v, "li");
        rv_assert_reg(T6, ~v, "li");
        rv_asm_free(&as);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("riscv-alu");
    TCase *tc = tcase_create("alu");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_r_ops_registers, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_r_ops_constants, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_imm_ops, 0, 2 * RV_NCONFIGS);
    tcase_add_loop_test(tc, test_zext_pairs, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_lui_auipc, 0, RV_NCONFIGS);
    tcase_add_loop_test(tc, test_li_sequences, 0, RV_NCONFIGS);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * Unit tests of the interpreter backend (tcg/tci/tci.c) driven directly
 * through its TCGBackend hooks, without the execution runtime: the test
 * builds IR by hand, calls gen_code into its own buffer and exec on its own
 * CPU, and provides the three runtime symbols the backend uses
 * (tcg_code_gen_epilogue, tcg_guest_base, cpu_loop_exit_restore) itself.
 *
 * Covered: literal edge cases of the integer ops at both widths with
 * operands in globals, constants, TB and EBB temps and aliased outputs;
 * i32 results zero-extended in their slot; guest and host memory ops with
 * every size, sign and byte order, MO_ALIGN faults; every atomic at every
 * size, byte order and sign; branches, loops and label slot reuse; frames
 * larger than the on-stack one; goto_tb chaining and unchaining; goto_ptr
 * to a block and to the epilogue; helper calls (six arguments, zeroed
 * unused ones, i32 results, globals seen and written by helpers); fault
 * position for helpers, alignment faults and host SIGSEGV; insn_data and
 * insn_end_off; buffer overflow; disassembly.
 *
 * The op semantics are checked exhaustively for both backends by
 * tests/ops; here every expected value is written out by hand from
 * docs/tcg-ir.md.
 */
#include <check.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "tcg/exec.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg.h"

#define I32 TCG_TYPE_I32
#define I64 TCG_TYPE_I64

/* Runtime stand-ins: the backend is tested alone. */
const void *tcg_code_gen_epilogue;
uintptr_t tcg_guest_base;
unsigned tcg_guest_addr_bits;

static volatile bool located;
static TranslationBlock *volatile located_tb;
static volatile int located_insn;

_Noreturn void cpu_loop_exit_restore(CPUState *cpu, uintptr_t ra)
{
    TranslationBlock *tb = NULL;
    int insn = -1;
    /* As the runtime does: step back into the call instruction. */
    located = tcg_backend_tci.locate(ra ? ra - 1 : 0, &tb, &insn);
    located_tb = tb;
    located_insn = insn;
    siglongjmp(cpu->jmp_env, 1);
}

typedef struct TestCpu {
    CPUState parent;
    uint64_t r[16];
    uint32_t w[16];
    uint64_t seen[8];
    int16_t half;
} TestCpu;

#define CODE_SIZE (1u << 20)
#define GUEST_SIZE (64u * 1024)

static TestCpu cpu;
static TCGContext ctx, *s = &ctx;
static TCGv R[16], W[16];
static uint8_t *code;
static size_t code_used;
static uint8_t *guest;
static TranslationBlock tbs[8];

static void setup(void)
{
    long page = sysconf(_SC_PAGESIZE);
    memset(&cpu, 0, sizeof(cpu));
    memset(tbs, 0, sizeof(tbs));
    tcg_context_init(s);
    s->optimize = false;
    for (int i = 0; i < 16; i++) {
        R[i] = tcg_global_mem_new(s, I64, offsetof(TestCpu, r[i]), "r");
    }
    for (int i = 0; i < 16; i++) {
        W[i] = tcg_global_mem_new(s, I32, offsetof(TestCpu, w[i]), "w");
    }
    code = aligned_alloc(64, CODE_SIZE);
    ck_assert_ptr_nonnull(code);
    code_used = tcg_backend_tci.init(code, code, CODE_SIZE);
    ck_assert_ptr_eq(tcg_code_gen_epilogue, code);
    guest = mmap(NULL, GUEST_SIZE + page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(guest, MAP_FAILED);
    ck_assert_int_eq(mprotect(guest + GUEST_SIZE, page, PROT_NONE), 0);
    tcg_guest_base = (uintptr_t)guest;
}

static void teardown(void)
{
    tcg_context_free(s);
    free(code);
}

/* Generate the ops in s for tb (which may be NULL), as the runtime would,
 * at a deliberately unaligned position to check alignment independence. */
static const void *gen(TranslationBlock *tb)
{
    size_t at = code_used + 3;
    ptrdiff_t n =
        tcg_backend_tci.gen_code(s, tb, code + at, code + at, CODE_SIZE - at);
    ck_assert_int_gt(n, 0);
    code_used = at + (size_t)n;
    if (tb) {
        tb->tc_ptr = code + at;
        tb->tc_size = (uint32_t)n;
        tb->icount = s->nb_insns;
    }
    return code + at;
}

static uintptr_t run(const void *tc)
{
    return tcg_backend_tci.exec(&cpu.parent, tc);
}

/* One block: the caller has emitted ops after begin(); end() exits. */
static void begin(void)
{
    tcg_func_start(s);
    tcg_gen_insn_start(s, 0x1000, 0);
}

static uintptr_t end_and_run(void)
{
    tcg_gen_exit_tb(s, NULL, 0);
    return run(gen(NULL));
}

static TCGv G(TCGType t, int i)
{
    return t == I32 ? W[i] : R[i];
}

static void set_g(TCGType t, int i, uint64_t v)
{
    if (t == I32) {
        cpu.w[i] = (uint32_t)v;
    } else {
        cpu.r[i] = v;
    }
}

static uint64_t get_g(TCGType t, int i)
{
    return t == I32 ? cpu.w[i] : cpu.r[i];
}

/* Records the full 64-bit slot an i32 value is passed in. */
static void helper_seen(uint64_t v)
{
    cpu.seen[0] = v;
}

static const TCGHelperInfo info_seen = {.func = (void *)helper_seen,
                                        .name = "seen",
                                        .nb_args = 1,
                                        .flags = TCG_CALL_NO_READ_GLOBALS,
                                        .arg_types = {I32}};

/*
 * Run op (outputs nout, inputs nin, constants c[]) with its inputs placed
 * four ways: globals to globals; constants to EBB temps; TB temps to TB
 * temps; output aliasing the first input. Every way must give exp[].
 */
static void check_op_n(int line, TCGOpcode opc, TCGType t, TCGType ot,
                       TCGType it, int nout, int nin, const uint64_t *in,
                       int nc, const TCGArg *c, const uint64_t *exp)
{
    for (int way = 0; way < 4; way++) {
        TCGv o[2], x[4];
        if (way == 3 && (ot != it || nout > 1)) {
            continue;
        }
        begin();
        for (int i = 0; i < nin; i++) {
            set_g(it, i, in[i]);
            switch (way) {
            case 0:
                x[i] = G(it, i);
                break;
            case 1:
                x[i] = tcg_const(s, it, in[i]);
                break;
            case 2:
                x[i] = tcg_temp_tb(s, it);
                tcg_gen_mov(s, it, x[i], G(it, i));
                break;
            default:
                x[i] = tcg_temp_ebb(s, it);
                tcg_gen_mov(s, it, x[i], G(it, i));
                break;
            }
        }
        for (int j = 0; j < nout; j++) {
            set_g(ot, 8 + j, 0x5555555555555555ull);
            o[j] = way == 0   ? G(ot, 8 + j)
                   : way == 2 ? tcg_temp_tb(s, ot)
                   : way == 3 ? x[0]
                              : tcg_temp_ebb(s, ot);
        }
        TCGOp *op = tcg_emit_op(s, opc, t);
        int k = 0;
        for (int j = 0; j < nout; j++) {
            op->args[k++] = o[j];
        }
        for (int i = 0; i < nin; i++) {
            op->args[k++] = x[i];
        }
        for (int i = 0; i < nc; i++) {
            op->args[k++] = c[i];
        }
        for (int j = 0; j < nout && way != 0; j++) {
            tcg_gen_mov(s, ot, G(ot, 8 + j), o[j]);
        }
        if (ot == I32) {
            tcg_gen_call(s, &info_seen, 0, &o[0]);
        }
        cpu.seen[0] = 0x5555555555555555ull;
        ck_assert_uint_eq(end_and_run(), TB_EXIT_NOCHAIN);
        for (int j = 0; j < nout; j++) {
            ck_assert_msg(get_g(ot, 8 + j) == exp[j],
                          "line %d, %s_i%d way %d out %d: got 0x%" PRIx64
                          ", want 0x%" PRIx64,
                          line, tcg_op_defs[opc].name, tcg_type_bits(t), way, j,
                          get_g(ot, 8 + j), exp[j]);
        }
        if (ot == I32) {
            ck_assert_msg(cpu.seen[0] == exp[0],
                          "line %d: %s_i32 way %d slot not zero-extended: "
                          "0x%" PRIx64,
                          line, tcg_op_defs[opc].name, way, cpu.seen[0]);
        }
    }
}

#define CHECK2(opc, t, a, b, e)                                                \
    check_op_n(__LINE__, INDEX_op_##opc, t, t, t, 1, 2,                        \
               (const uint64_t[]){a, b}, 0, NULL, (const uint64_t[]){e})
#define CHECK1(opc, t, a, e)                                                   \
    check_op_n(__LINE__, INDEX_op_##opc, t, t, t, 1, 1, (const uint64_t[]){a}, \
               0, NULL, (const uint64_t[]){e})

START_TEST(arith_i32)
{
    CHECK2(add, I32, 0xffffffff, 1, 0);
    CHECK2(sub, I32, 0, 1, 0xffffffff);
    CHECK2(mul, I32, 0x10000, 0x10000, 0);
    CHECK2(mul, I32, 0xffffffff, 0xffffffff, 1);
    CHECK1(neg, I32, 1, 0xffffffff);
    CHECK1(neg, I32, 0x80000000, 0x80000000);
    CHECK2(mulsh, I32, 0x80000000, 0x80000000, 0x40000000);
    CHECK2(mulsh, I32, 0xffffffff, 1, 0xffffffff);
    CHECK2(muluh, I32, 0xffffffff, 0xffffffff, 0xfffffffe);
    CHECK2(div, I32, 7, 0xfffffffe, 0xfffffffd);
    CHECK2(div, I32, 0xfffffff9, 2, 0xfffffffd);
    CHECK2(div, I32, 5, 0, 0xffffffff);
    CHECK2(div, I32, 0x80000000, 0xffffffff, 0x80000000);
    CHECK2(divu, I32, 0xffffffff, 2, 0x7fffffff);
    CHECK2(divu, I32, 5, 0, 0xffffffff);
    CHECK2(rem, I32, 0xfffffff9, 2, 0xffffffff);
    CHECK2(rem, I32, 7, 0xfffffffe, 1);
    CHECK2(rem, I32, 5, 0, 5);
    CHECK2(rem, I32, 0x80000000, 0xffffffff, 0);
    CHECK2(remu, I32, 0xffffffff, 10, 5);
    CHECK2(remu, I32, 0xfffffff0, 0, 0xfffffff0);
}
END_TEST

START_TEST(arith_i64)
{
    const uint64_t min = 0x8000000000000000ull, m1 = ~0ull;
    CHECK2(add, I64, m1, 1, 0);
    CHECK2(sub, I64, 0, 1, m1);
    CHECK2(mul, I64, 0x100000000ull, 0x100000000ull, 0);
    CHECK1(neg, I64, min, min);
    CHECK2(mulsh, I64, min, min, 0x4000000000000000ull);
    CHECK2(mulsh, I64, m1, 5, m1);
    CHECK2(muluh, I64, m1, m1, 0xfffffffffffffffeull);
    CHECK2(muluh, I64, 0x100000000ull, 0x100000000ull, 1);
    CHECK2(div, I64, 7, -2ull, -3ull);
    CHECK2(div, I64, 1, 0, m1);
    CHECK2(div, I64, min, m1, min);
    CHECK2(divu, I64, m1, 2, 0x7fffffffffffffffull);
    CHECK2(divu, I64, 9, 0, m1);
    CHECK2(rem, I64, -7ull, 2, m1);
    CHECK2(rem, I64, min, m1, 0);
    CHECK2(rem, I64, -9ull, 0, -9ull);
    CHECK2(remu, I64, 7, 0, 7);
    CHECK2(remu, I64, m1, 10, 5);
}
END_TEST

START_TEST(logic)
{
    const uint64_t a = 0xf0f0f0f0, b = 0xff00ff00;
    CHECK2(and, I32, a, b, 0xf000f000);
    CHECK2(or, I32, a, b, 0xfff0fff0);
    CHECK2(xor, I32, a, b, 0x0ff00ff0);
    CHECK2(andc, I32, a, b, 0x00f000f0);
    CHECK2(orc, I32, a, b, 0xf0fff0ff);
    CHECK2(eqv, I32, a, b, 0xf00ff00f);
    CHECK2(nand, I32, a, b, 0x0fff0fff);
    CHECK2(nor, I32, a, b, 0x000f000f);
    CHECK1(not, I32, 0, 0xffffffff);
    CHECK2(orc, I64, a, b, 0xffffffff00ff00ffull | a);
    CHECK2(eqv, I64, a, b, 0xfffffffff00ff00full);
    CHECK2(nand, I64, a, b, 0xffffffff0fff0fffull);
    CHECK2(nor, I64, a, b, 0xffffffff000f000full);
    CHECK2(andc, I64, ~0ull, 1, ~1ull);
    CHECK1(not, I64, 0, ~0ull);
}
END_TEST

START_TEST(shifts)
{
    CHECK2(shl, I32, 1, 33, 2);
    CHECK2(shl, I32, 0x80000001, 1, 2);
    CHECK2(shr, I32, 0x80000000, 31, 1);
    CHECK2(shr, I32, 0x80000000, 32, 0x80000000);
    CHECK2(sar, I32, 0x80000000, 4, 0xf8000000);
    CHECK2(sar, I32, 0x80000000, 36, 0xf8000000);
    CHECK2(rotl, I32, 0x80000001, 1, 3);
    CHECK2(rotl, I32, 0x80000001, 32, 0x80000001);
    CHECK2(rotl, I32, 0x12345678, 0, 0x12345678);
    CHECK2(rotr, I32, 0x80000001, 1, 0xc0000000);
    CHECK2(rotr, I32, 0x80000001, 33, 0xc0000000);
    CHECK2(shl, I64, 1, 65, 2);
    CHECK2(shl, I64, 1, 63, 0x8000000000000000ull);
    CHECK2(shr, I64, 0x8000000000000000ull, 63, 1);
    CHECK2(sar, I64, 0x8000000000000000ull, 63, ~0ull);
    CHECK2(sar, I64, 0x4000000000000000ull, 64, 0x4000000000000000ull);
    CHECK2(rotl, I64, 0x8000000000000001ull, 1, 3);
    CHECK2(rotr, I64, 0x8000000000000001ull, 1, 0xc000000000000000ull);
    CHECK2(rotr, I64, 0x8000000000000001ull, 64, 0x8000000000000001ull);
}
END_TEST

START_TEST(bits)
{
    CHECK1(clz, I32, 0, 32);
    CHECK1(clz, I32, 1, 31);
    CHECK1(ctz, I32, 0, 32);
    CHECK1(ctz, I32, 0x80000000, 31);
    CHECK1(ctpop, I32, 0xffffffff, 32);
    CHECK1(clz, I64, 0, 64);
    CHECK1(clz, I64, 0x00000000ffffffffull, 32);
    CHECK1(ctz, I64, 0, 64);
    CHECK1(ctz, I64, 0x100000000ull, 32);
    CHECK1(ctpop, I64, ~0ull, 64);
    CHECK1(bswap16, I32, 0x12345678, 0x7856);
    CHECK1(bswap32, I32, 0x12345678, 0x78563412);
    CHECK1(bswap16, I64, 0x123456789abcdef0ull, 0xf0de);
    CHECK1(bswap32, I64, 0x123456789abcdef0ull, 0xf0debc9a);
    CHECK1(bswap64, I64, 0x123456789abcdef0ull, 0xf0debc9a78563412ull);
}
END_TEST

START_TEST(extensions)
{
    CHECK1(ext8s, I32, 0x180, 0xffffff80);
    CHECK1(ext8s, I64, 0x80, 0xffffffffffffff80ull);
    CHECK1(ext8u, I32, 0x1ff, 0xff);
    CHECK1(ext16s, I32, 0x18000, 0xffff8000);
    CHECK1(ext16s, I64, 0x7fff, 0x7fff);
    CHECK1(ext16u, I64, 0x12345ull, 0x2345);
    CHECK1(ext32s, I64, 0x80000000, 0xffffffff80000000ull);
    CHECK1(ext32u, I64, 0xffffffff12345678ull, 0x12345678);
    static const struct {
        TCGOpcode opc;
        TCGType ot, it;
        uint64_t in, out;
    } w[] = {
        {INDEX_op_extu_i32_i64, I64, I32, 0x80000000, 0x80000000},
        {INDEX_op_exts_i32_i64, I64, I32, 0x80000000, 0xffffffff80000000ull},
        {INDEX_op_extrl_i64_i32, I32, I64, 0x123456789abcdef0ull, 0x9abcdef0},
        {INDEX_op_extrh_i64_i32, I32, I64, 0x123456789abcdef0ull, 0x12345678},
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        check_op_n(__LINE__, w[i].opc, w[i].ot, w[i].ot, w[i].it, 1, 1,
                   &w[i].in, 0, NULL, &w[i].out);
    }
}
END_TEST

#define CHECKF(opc, t, nin, ins, pos, len, e)                                  \
    check_op_n(__LINE__, INDEX_op_##opc, t, t, t, 1, nin,                      \
               (const uint64_t[])ins, 2, (const TCGArg[]){pos, len},           \
               (const uint64_t[]){e})
#define L(...)                                                                 \
    {                                                                          \
        __VA_ARGS__                                                            \
    }

START_TEST(bitfields)
{
    CHECKF(extract, I32, 1, L(0x12345678), 4, 8, 0x67);
    CHECKF(extract, I32, 1, L(0x80000000), 31, 1, 1);
    CHECKF(extract, I32, 1, L(0x87654321), 0, 32, 0x87654321);
    CHECKF(extract, I64, 1, L(0x8000000000000000ull), 63, 1, 1);
    CHECKF(extract, I64, 1, L(0x8765432112345678ull), 0, 64,
           0x8765432112345678ull);
    CHECKF(sextract, I32, 1, L(0x00000f00), 8, 4, 0xffffffff);
    CHECKF(sextract, I32, 1, L(0x80000000), 0, 32, 0x80000000);
    CHECKF(sextract, I32, 1, L(0x00000700), 8, 4, 7);
    CHECKF(sextract, I64, 1, L(0xf0), 4, 4, ~0ull);
    CHECKF(sextract, I64, 1, L(0x8000000000000000ull), 32, 32,
           0xffffffff80000000ull);
    CHECKF(deposit, I32, 2, L(0xffffffff, 0), 8, 8, 0xffff00ff);
    CHECKF(deposit, I32, 2, L(0, 0x1ff), 24, 8, 0xff000000);
    CHECKF(deposit, I64, 2, L(0, ~0ull), 60, 4, 0xf000000000000000ull);
    CHECKF(deposit, I64, 2, L(1, 0x1234), 0, 64, 0x1234);
}
END_TEST

START_TEST(conditions)
{
    static const struct {
        TCGCond c;
        bool lt, eq, gt; /* for (-1, 0) signed, read as unsigned: gt */
    } cs[] = {
        {TCG_COND_NEVER, 0, 0, 0}, {TCG_COND_ALWAYS, 1, 1, 1},
        {TCG_COND_EQ, 0, 1, 0},    {TCG_COND_NE, 1, 0, 1},
        {TCG_COND_LT, 1, 0, 0},    {TCG_COND_GE, 0, 1, 1},
        {TCG_COND_LE, 1, 1, 0},    {TCG_COND_GT, 0, 0, 1},
        {TCG_COND_LTU, 1, 0, 0},   {TCG_COND_GEU, 0, 1, 1},
        {TCG_COND_LEU, 1, 1, 0},   {TCG_COND_GTU, 0, 0, 1},
    };
    for (int t = I32; t <= I64; t++) {
        uint64_t m1 = tcg_type_mask(t);
        for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
            bool u = cs[i].c >= TCG_COND_LTU;
            /* "less" pairs: signed -1 < 0; unsigned 0 < -1. */
            uint64_t lo = u ? 0 : m1, hi = u ? m1 : 0;
            uint64_t pairs[3][2] = {{lo, hi}, {hi, hi}, {hi, lo}};
            bool want[3] = {cs[i].lt, cs[i].eq, cs[i].gt};
            for (int p = 0; p < 3; p++) {
                check_op_n(__LINE__, INDEX_op_setcond, t, t, t, 1, 2, pairs[p],
                           1, (const TCGArg[]){cs[i].c},
                           (const uint64_t[]){want[p]});
                uint64_t mv[4] = {pairs[p][0], pairs[p][1], 0x11, 0x22};
                check_op_n(__LINE__, INDEX_op_movcond, t, t, t, 1, 4, mv, 1,
                           (const TCGArg[]){cs[i].c},
                           (const uint64_t[]){want[p] ? 0x11 : 0x22});

                /* brcond, taken or not, both forward and backward. */
                begin();
                uint32_t l = tcg_label_new(s), top = tcg_label_new(s);
                set_g(t, 0, pairs[p][0]);
                set_g(t, 1, pairs[p][1]);
                cpu.r[8] = 0;
                cpu.r[9] = 0;
                tcg_gen_br(s, top);
                uint32_t back = tcg_label_new(s);
                tcg_gen_set_label(s, back);
                tcg_gen_movi(s, I64, R[9], 7);
                tcg_gen_exit_tb(s, NULL, 0);
                tcg_gen_set_label(s, top);
                tcg_gen_brcond(s, t, cs[i].c, G(t, 0), G(t, 1), l);
                tcg_gen_movi(s, I64, R[8], 2);
                tcg_gen_exit_tb(s, NULL, 0);
                tcg_gen_set_label(s, l);
                tcg_gen_movi(s, I64, R[8], 1);
                tcg_gen_brcond(s, t, cs[i].c, G(t, 0), G(t, 1), back);
                tcg_gen_exit_tb(s, NULL, 0);
                ck_assert_uint_eq(run(gen(NULL)), TB_EXIT_NOCHAIN);
                ck_assert_msg(cpu.r[8] == (want[p] ? 1u : 2u) &&
                                  cpu.r[9] == (want[p] ? 7u : 0u),
                              "brcond_i%d %s pair %d", tcg_type_bits(t),
                              tcg_cond_name(cs[i].c), p);
            }
        }
    }
}
END_TEST

START_TEST(double_word)
{
    /* (ah:al) + (bh:bl), with outputs that alias the inputs too. */
    check_op_n(__LINE__, INDEX_op_add2, I32, I32, I32, 2, 4,
               (const uint64_t[]){0xffffffff, 0xffffffff, 1, 0}, 0, NULL,
               (const uint64_t[]){0, 0});
    check_op_n(__LINE__, INDEX_op_add2, I32, I32, I32, 2, 4,
               (const uint64_t[]){0x80000000, 1, 0x80000000, 2}, 0, NULL,
               (const uint64_t[]){0, 4});
    check_op_n(__LINE__, INDEX_op_sub2, I32, I32, I32, 2, 4,
               (const uint64_t[]){0, 5, 1, 2}, 0, NULL,
               (const uint64_t[]){0xffffffff, 2});
    check_op_n(__LINE__, INDEX_op_add2, I64, I64, I64, 2, 4,
               (const uint64_t[]){~0ull, 5, 1, 7}, 0, NULL,
               (const uint64_t[]){0, 13});
    check_op_n(__LINE__, INDEX_op_sub2, I64, I64, I64, 2, 4,
               (const uint64_t[]){0, 5, 1, 2}, 0, NULL,
               (const uint64_t[]){~0ull, 2});
    check_op_n(__LINE__, INDEX_op_sub2, I64, I64, I64, 2, 4,
               (const uint64_t[]){0, 0, 1, 0}, 0, NULL,
               (const uint64_t[]){~0ull, ~0ull});

    /* rl = al and rh = ah: the outputs overwrite their own inputs. */
    begin();
    cpu.r[0] = ~0ull;
    cpu.r[1] = 1;
    tcg_gen_add2(s, I64, R[0], R[1], R[0], R[1], R[0], R[1]);
    end_and_run();
    ck_assert_uint_eq(cpu.r[0], ~0ull - 1);
    ck_assert_uint_eq(cpu.r[1], 3);
}
END_TEST

/* Load guest[addr] with mo at width t into r8/w8. */
static uint64_t qld(TCGType t, MemOp mo, uint64_t addr)
{
    begin();
    tcg_gen_qemu_ld(s, t, G(t, 8), tcg_const(s, I64, addr), mo);
    end_and_run();
    return get_g(t, 8);
}

static void qst(TCGType t, MemOp mo, uint64_t addr, uint64_t v)
{
    begin();
    set_g(t, 0, v);
    cpu.r[1] = addr;
    tcg_gen_qemu_st(s, t, G(t, 0), R[1], mo);
    end_and_run();
}

START_TEST(guest_memory)
{
    for (int i = 0; i < 16; i++) {
        guest[0x101 + i] = 0x80 + i;
    }
    ck_assert_uint_eq(qld(I32, MO_UB, 0x101), 0x80);
    ck_assert_uint_eq(qld(I32, MO_SB, 0x101), 0xffffff80);
    ck_assert_uint_eq(qld(I64, MO_SB, 0x101), 0xffffffffffffff80ull);
    ck_assert_uint_eq(qld(I32, MO_UW, 0x101), 0x8180);
    ck_assert_uint_eq(qld(I32, MO_UW | MO_BE, 0x101), 0x8081);
    ck_assert_uint_eq(qld(I32, MO_SW | MO_BE, 0x101), 0xffff8081);
    ck_assert_uint_eq(qld(I64, MO_SW, 0x101), 0xffffffffffff8180ull);
    ck_assert_uint_eq(qld(I32, MO_UL, 0x101), 0x83828180);
    ck_assert_uint_eq(qld(I32, MO_SL, 0x101), 0x83828180);
    ck_assert_uint_eq(qld(I64, MO_SL, 0x101), 0xffffffff83828180ull);
    ck_assert_uint_eq(qld(I64, MO_UL | MO_BE, 0x101), 0x80818283);
    ck_assert_uint_eq(qld(I64, MO_SL | MO_BE, 0x101), 0xffffffff80818283ull);
    ck_assert_uint_eq(qld(I64, MO_UQ, 0x101), 0x8786858483828180ull);
    ck_assert_uint_eq(qld(I64, MO_UQ | MO_BE, 0x101), 0x8081828384858687ull);
    ck_assert_uint_eq(qld(I32, MO_UB | MO_ALIGN, 0x101), 0x80);
    /* The fast little-endian forms agree with the generic path (taken
     * with MO_ALIGN) on an aligned address. */
    for (int t = I32; t <= I64; t++) {
        for (unsigned mo = 0; mo < 8; mo++) {
            if (t == I32 && (mo & MO_SIZE) == MO_64) {
                continue;
            }
            ck_assert_uint_eq(qld(t, mo, 0x108), qld(t, mo | MO_ALIGN, 0x108));
        }
    }
    ck_assert_uint_eq(qld(I32, MO_SW | MO_ALIGN, 0x108), 0xffff8887);

    qst(I64, MO_UQ | MO_BE, 0x200, 0x0102030405060708ull);
    ck_assert_mem_eq(guest + 0x200, "\1\2\3\4\5\6\7\10", 8);
    qst(I32, MO_UL, 0x203, 0xaabbccdd);
    ck_assert_mem_eq(guest + 0x200, "\1\2\3\xdd\xcc\xbb\xaa\10", 8);
    qst(I32, MO_UW | MO_BE, 0x200, 0x12345678);
    ck_assert_mem_eq(guest + 0x200, "\x56\x78\3\xdd", 4);
    qst(I64, MO_UB, 0x207, 0x1ff);
    ck_assert_uint_eq(guest[0x207], 0xff);
    qst(I64, MO_UL | MO_ALIGN, 0x208, 0x11223344);
    ck_assert_mem_eq(guest + 0x208, "\x44\x33\x22\x11", 4);
    qst(I64, MO_UQ | MO_ALIGN, 0x210, 0x8877665544332211ull);
    qst(I32, MO_UW | MO_ALIGN, 0x218, 0xaabbccdd);
    qst(I32, MO_UB | MO_ALIGN, 0x21a, 0xee);
    ck_assert_mem_eq(guest + 0x210,
                     "\x11\x22\x33\x44\x55\x66\x77\x88\xdd\xcc\xee", 11);
}
END_TEST

START_TEST(host_memory)
{
    cpu.half = -2;
    cpu.w[3] = 0x89abcdef;
    begin();
    tcg_gen_ld(s, I32, W[8], s->env_temp, MO_SW, offsetof(TestCpu, half));
    tcg_gen_ld(s, I64, R[8], s->env_temp, MO_SW, offsetof(TestCpu, half));
    tcg_gen_ld(s, I64, R[9], s->env_temp, MO_UB, offsetof(TestCpu, w[3]));
    tcg_gen_ld(s, I64, R[10], s->env_temp, MO_UL | MO_BE,
               offsetof(TestCpu, w[3]));
    tcg_gen_st(s, I64, tcg_const(s, I64, 0x1234567), s->env_temp, MO_UW,
               offsetof(TestCpu, w[4]));
    /* A base other than env: a pointer in a temp, negative offset. */
    TCGv p = tcg_temp_ebb(s, I64);
    tcg_gen_addi(s, I64, p, s->env_temp, offsetof(TestCpu, w[6]));
    tcg_gen_st(s, I32, tcg_const(s, I32, 0xcafe), p, MO_UL,
               -(intptr_t)sizeof(uint32_t));
    end_and_run();
    ck_assert_uint_eq(cpu.w[8], 0xfffffffe);
    ck_assert_uint_eq(cpu.r[8], ~1ull);
    ck_assert_uint_eq(cpu.r[9], 0xef);
    ck_assert_uint_eq(cpu.r[10], 0xefcdab89);
    ck_assert_uint_eq(cpu.w[4], 0x4567);
    ck_assert_uint_eq(cpu.w[5], 0xcafe);
}
END_TEST

/* One atomic op on guest[0x300] with r0 = operand, r1 = new (cmpxchg);
 * returns the result, memory checked by the caller. */
static uint64_t atomic(TCGType t, TCGOpcode opc, MemOp mo, int aop, uint64_t v,
                       uint64_t nv)
{
    begin();
    set_g(t, 0, v);
    set_g(t, 1, nv);
    TCGv addr = tcg_const(s, I64, 0x300);
    if (opc == INDEX_op_atomic_cmpxchg) {
        tcg_gen_atomic_cmpxchg(s, t, G(t, 8), addr, G(t, 0), G(t, 1), mo);
    } else if (opc == INDEX_op_atomic_xchg) {
        tcg_gen_atomic_xchg(s, t, G(t, 8), addr, G(t, 0), mo);
    } else {
        tcg_gen_atomic_fetch(s, t, aop, G(t, 8), addr, G(t, 0), mo);
    }
    end_and_run();
    return get_g(t, 8);
}

static void put_mem(uint64_t v)
{
    memcpy(guest + 0x300, &v, 8);
}

static uint64_t mem(void)
{
    uint64_t v;
    memcpy(&v, guest + 0x300, 8);
    return v;
}

START_TEST(atomics)
{
    const TCGOpcode cx = INDEX_op_atomic_cmpxchg, xc = INDEX_op_atomic_xchg,
                    fe = INDEX_op_atomic_fetch;
    /* cmpxchg compares at the access size; the returned old value is
     * extended per MO_SIGN. */
    put_mem(0xaaaaaaaaaaaa80ffull);
    ck_assert_uint_eq(atomic(I32, cx, MO_SW, 0, 0xffff80ff, 0x1234),
                      0xffff80ff);
    ck_assert_uint_eq(mem(), 0xaaaaaaaaaaaa1234ull);
    ck_assert_uint_eq(atomic(I64, cx, MO_UW, 0, 0x1235, 0x9999), 0x1234);
    ck_assert_uint_eq(mem(), 0xaaaaaaaaaaaa1234ull);
    ck_assert_uint_eq(atomic(I64, cx, MO_UB, 0, 0x34, 0x77), 0x34);
    ck_assert_uint_eq(mem(), 0xaaaaaaaaaaaa1277ull);
    put_mem(0x0102030405060708ull);
    ck_assert_uint_eq(atomic(I64, cx, MO_UQ | MO_BE, 0, 0x0807060504030201ull,
                             0x1122334455667788ull),
                      0x0807060504030201ull);
    ck_assert_uint_eq(mem(), 0x8877665544332211ull);
    ck_assert_uint_eq(atomic(I64, cx, MO_SL | MO_BE, 0, 0, 0), 0x11223344);
    ck_assert_uint_eq(
        atomic(I32, cx, MO_UL | MO_ALIGN, 0, 0x44332211, 0xdeadbeef),
        0x44332211);
    ck_assert_uint_eq(mem(), 0x88776655deadbeefull);

    put_mem(0x00000000fffffff0ull);
    ck_assert_uint_eq(atomic(I32, xc, MO_UL, 0, 0x11, 0), 0xfffffff0);
    ck_assert_uint_eq(mem(), 0x11);
    ck_assert_uint_eq(atomic(I64, xc, MO_UW | MO_BE, 0, 0x1234, 0), 0x1100);
    ck_assert_uint_eq(mem(), 0x3412);
    ck_assert_uint_eq(atomic(I64, xc, MO_SB, 0, 0x80, 0), 0x12);
    ck_assert_uint_eq(atomic(I64, xc, MO_SB, 0, 0, 0), ~0x7full);

    static const struct {
        int aop;
        MemOp mo;
        uint64_t mem, v, ret, after;
    } f[] = {
        {TCG_AOP_ADD, MO_UB, 0xff, 1, 0xff, 0},
        {TCG_AOP_ADD, MO_UW | MO_BE, 0xff00, 1, 0xff, 0x0001},
        {TCG_AOP_ADD, MO_UQ, ~0ull, 2, ~0ull, 1},
        {TCG_AOP_AND, MO_UL, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0x0f000f00},
        {TCG_AOP_OR, MO_UL | MO_BE, 0x01, 0x02, 0x01000000, 0x02000001},
        {TCG_AOP_XOR, MO_UQ | MO_BE, 0xff, 0xff00000000000000ull,
         0xff00000000000000ull, 0},
        {TCG_AOP_SMIN, MO_UB, 0x80, 0x7f, 0x80, 0x80},
        {TCG_AOP_SMIN, MO_SB, 0x7f, 0xff, 0x7f, 0xff},
        {TCG_AOP_SMAX, MO_UW, 0x8000, 0x7fff, 0x8000, 0x7fff},
        {TCG_AOP_SMAX, MO_SL | MO_BE, 0x00000080, 1, ~0x7fffffffull,
         0x01000000},
        {TCG_AOP_UMIN, MO_UB, 0x80, 0x7f, 0x80, 0x7f},
        {TCG_AOP_UMIN, MO_UQ, 5, ~0ull, 5, 5},
        {TCG_AOP_UMAX, MO_UW | MO_BE, 0x0180, 0x8000, 0x8001, 0x0180},
        {TCG_AOP_UMAX, MO_UW | MO_BE, 0x0180, 0x8100, 0x8001, 0x0081},
        {TCG_AOP_UMAX, MO_SL, 0xffffffff, 1, ~0ull, 0xffffffff},
        /* the value operand is truncated to the access size first */
        {TCG_AOP_UMIN, MO_UB, 0x10, 0x105, 0x10, 0x05},
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        put_mem(f[i].mem);
        uint64_t ret = atomic(I64, fe, f[i].mo, f[i].aop, f[i].v, 0);
        ck_assert_msg(ret == f[i].ret && mem() == f[i].after,
                      "fetch case %zu: ret 0x%" PRIx64 " mem 0x%" PRIx64, i,
                      ret, mem());
    }
    /* An i32 fetch with MO_SIGN returns a zero-extended i32. */
    put_mem(0x80);
    ck_assert_uint_eq(atomic(I32, fe, MO_SB, TCG_AOP_ADD, 1, 0), 0xffffff80);
    ck_assert_uint_eq(mem(), 0x81);
}
END_TEST

START_TEST(mb_and_nops)
{
    begin();
    tcg_gen_movi(s, I64, R[0], 1);
    tcg_gen_mb(s, TCG_MB_ALL);
    tcg_op_remove(s, tcg_emit_op(s, INDEX_op_add, I64));
    tcg_gen_mov(s, I64, R[0], R[0]);
    tcg_gen_addi(s, I64, R[0], R[0], 1);
    end_and_run();
    ck_assert_uint_eq(cpu.r[0], 2);
}
END_TEST

/* sum = 1 + 2 + ... + 100 with TB temps across a backward branch, and
 * EBB temps in each region. */
START_TEST(loops)
{
    begin();
    TCGv i = tcg_temp_tb(s, I64), sum = tcg_temp_tb(s, I64);
    uint32_t top = tcg_label_new(s), done = tcg_label_new(s);
    tcg_gen_movi(s, I64, i, 1);
    tcg_gen_movi(s, I64, sum, 0);
    tcg_gen_set_label(s, top);
    tcg_gen_brcondi(s, I64, TCG_COND_GTU, i, 100, done);
    TCGv t = tcg_temp_ebb(s, I64);
    tcg_gen_add(s, I64, t, sum, i);
    tcg_gen_mov(s, I64, sum, t);
    tcg_gen_addi(s, I64, i, i, 1);
    tcg_gen_br(s, top);
    tcg_gen_set_label(s, done);
    TCGv u = tcg_temp_ebb(s, I64);
    tcg_gen_shli(s, I64, u, sum, 1);
    tcg_gen_mov(s, I64, R[0], u);
    end_and_run();
    ck_assert_uint_eq(cpu.r[0], 2 * 5050);
}
END_TEST

/* EBB temps in different label-separated regions share frame slots. */
START_TEST(slot_reuse)
{
    begin();
    for (int k = 0; k < 100; k++) {
        TCGv a = tcg_temp_ebb(s, I64), b = tcg_temp_ebb(s, I64);
        tcg_gen_addi(s, I64, a, R[0], 1);
        tcg_gen_mul(s, I64, b, a, a);
        tcg_gen_mov(s, I64, R[0], b);
        tcg_gen_set_label(s, tcg_label_new(s));
    }
    cpu.r[0] = 3;
    end_and_run();
    ck_assert_int_lt(s->frame_size, 64 * 8);
    uint64_t want = 3;
    for (int k = 0; k < 100; k++) {
        want = (want + 1) * (want + 1);
    }
    ck_assert_uint_eq(cpu.r[0], want);
}
END_TEST

/* 600 live TB temps: more than the interpreter keeps on its stack. */
START_TEST(big_frame)
{
    TCGv t[600];
    begin();
    for (int k = 0; k < 600; k++) {
        t[k] = tcg_temp_tb(s, I64);
        tcg_gen_addi(s, I64, t[k], R[0], (uint64_t)k);
    }
    tcg_gen_movi(s, I64, R[1], 0);
    for (int k = 0; k < 600; k++) {
        tcg_gen_add(s, I64, R[1], R[1], t[k]);
    }
    cpu.r[0] = 1000;
    end_and_run();
    ck_assert_int_gt(s->frame_size, 600 * 8);
    ck_assert_uint_eq(cpu.r[1], 600 * 1000 + 599 * 600 / 2);
}
END_TEST

/* Block a: r0 += 1, then goto_tb 0 / exit_tb(a, 0). Block b: r1 = r0 and
 * exit NOCHAIN. */
START_TEST(chaining)
{
    TranslationBlock *a = &tbs[0], *b = &tbs[1];
    begin();
    tcg_gen_addi(s, I64, R[0], R[0], 1);
    tcg_gen_goto_tb(s, 0);
    tcg_gen_exit_tb(s, a, 0);
    gen(a);
    ck_assert_uint_lt(a->jmp_insn_offset[0], a->tc_size);
    begin();
    tcg_gen_mov(s, I64, R[1], R[0]);
    tcg_gen_goto_tb(s, 1);
    tcg_gen_exit_tb(s, b, 1);
    gen(b);

    cpu.r[0] = 10;
    ck_assert_uint_eq(run(a->tc_ptr), (uintptr_t)a | 0);
    ck_assert_uint_eq(cpu.r[0], 11);
    tcg_backend_tci.set_jmp_target(a, 0, b);
    ck_assert_ptr_eq(a->jmp_dest[0], b);
    ck_assert_uint_eq(run(a->tc_ptr), (uintptr_t)b | 1);
    ck_assert_uint_eq(cpu.r[1], 12);
    /* b's exit 1 back into a: a loop only an unchained exit can leave. */
    tcg_backend_tci.set_jmp_target(b, 1, a);
    tcg_backend_tci.set_jmp_target(a, 0, NULL);
    ck_assert_uint_eq(run(b->tc_ptr), (uintptr_t)a | 0);
    ck_assert_uint_eq(cpu.r[0], 13);
}
END_TEST

static const void *goto_ptr_target;

static uint64_t helper_target(uint64_t env)
{
    ck_assert_ptr_eq((void *)(uintptr_t)env, &cpu);
    return (uintptr_t)goto_ptr_target;
}

static const TCGHelperInfo info_target = {.func = (void *)helper_target,
                                          .name = "target",
                                          .has_ret = true,
                                          .ret_type = I64,
                                          .nb_args = 1,
                                          .arg_types = {I64}};

START_TEST(goto_ptr)
{
    TranslationBlock *b = &tbs[1];
    begin();
    tcg_gen_movi(s, I64, R[2], 99);
    tcg_gen_exit_tb(s, b, 1);
    gen(b);
    begin();
    TCGv p = tcg_temp_ebb(s, I64);
    tcg_gen_call(s, &info_target, p, &s->env_temp);
    tcg_gen_goto_ptr(s, p);
    const void *a = gen(&tbs[0]);

    goto_ptr_target = b->tc_ptr;
    ck_assert_uint_eq(run(a), (uintptr_t)b | 1);
    ck_assert_uint_eq(cpu.r[2], 99);
    goto_ptr_target = tcg_code_gen_epilogue;
    ck_assert_uint_eq(run(a), TB_EXIT_NOCHAIN);
    ck_assert_uint_eq(run(tcg_code_gen_epilogue), TB_EXIT_NOCHAIN);
}
END_TEST

static uint64_t helper_six(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                           uint64_t e, uint64_t f)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

static uint64_t helper_args(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                            uint64_t e, uint64_t f)
{
    cpu.seen[0] = a;
    cpu.seen[1] = b;
    cpu.seen[2] = c | d | e | f;
    return 0xdeadbeef12345678ull;
}

/* Reads and writes globals behind the IR's back. */
static void helper_globals(uint64_t env)
{
    TestCpu *c = (TestCpu *)(uintptr_t)env;
    c->seen[3] = c->r[5];
    c->r[6] = 77;
}

static const TCGHelperInfo info_six = {
    .func = (void *)helper_six,
    .name = "six",
    .has_ret = true,
    .ret_type = I64,
    .nb_args = 6,
    .arg_types = {I64, I64, I32, I64, I32, I64}};
static const TCGHelperInfo info_args = {.func = (void *)helper_args,
                                        .name = "args",
                                        .has_ret = true,
                                        .ret_type = I32,
                                        .nb_args = 2,
                                        .arg_types = {I64, I32}};
static const TCGHelperInfo info_globals = {.func = (void *)helper_globals,
                                           .name = "globals",
                                           .nb_args = 1,
                                           .arg_types = {I64}};

START_TEST(helpers)
{
    begin();
    TCGv e = tcg_temp_ebb(s, I64);
    tcg_gen_movi(s, I64, e, 1000);
    TCGv args6[6] = {R[0], e, W[2], tcg_const(s, I64, 100000), W[3], R[4]};
    tcg_gen_call(s, &info_six, R[8], args6);
    TCGv args2[2] = {R[1], W[1]};
    tcg_gen_call(s, &info_args, W[9], args2);
    /* r5 written just before the call; r6 read just after. */
    tcg_gen_movi(s, I64, R[5], 55);
    tcg_gen_call(s, &info_globals, 0, &s->env_temp);
    tcg_gen_addi(s, I64, R[7], R[6], 1);
    cpu.r[0] = 1;
    cpu.w[2] = 10;
    cpu.w[3] = 10000;
    cpu.r[4] = 1000000;
    cpu.r[1] = ~0ull;
    cpu.w[1] = 0xffffffff;
    end_and_run();
    ck_assert_uint_eq(cpu.r[8], 1 + 2000 + 30 + 400000 + 50000 + 6000000);
    ck_assert_uint_eq(cpu.w[9], 0x12345678);
    ck_assert_uint_eq(cpu.seen[0], ~0ull);
    ck_assert_uint_eq(cpu.seen[1], 0xffffffff);
    ck_assert_uint_eq(cpu.seen[2], 0);
    ck_assert_uint_eq(cpu.seen[3], 55);
    ck_assert_uint_eq(cpu.r[7], 78);
}
END_TEST

/* A helper that raises from guest instruction 2 of the block. */
static volatile bool inside_false, inside_true;

static void helper_raise(uint64_t env)
{
    TranslationBlock *tb;
    int insn;
    TestCpu *c = (TestCpu *)(uintptr_t)env;
    inside_true = tcg_backend_tci.locate(
        (uintptr_t)__builtin_return_address(0) - 1, &tb, &insn);
    /* A pc in the helper itself is not the interpreter's. */
    inside_false = tcg_backend_tci.locate((uintptr_t)helper_raise, &tb, &insn);
    c->parent.exception_index = 42;
    cpu_loop_exit_restore(&c->parent, (uintptr_t)__builtin_return_address(0));
}

static const TCGHelperInfo info_raise = {.func = (void *)helper_raise,
                                         .name = "raise",
                                         .nb_args = 1,
                                         .flags = TCG_CALL_NO_RETURN,
                                         .arg_types = {I64}};

START_TEST(helper_fault_position)
{
    TranslationBlock *tb = &tbs[2];
    begin();
    tcg_gen_movi(s, I64, R[0], 1);
    tcg_gen_insn_start(s, 0x1004, 1);
    tcg_gen_movi(s, I64, R[0], 2);
    tcg_gen_insn_start(s, 0x1008, 2);
    tcg_gen_movi(s, I64, R[0], 3);
    tcg_gen_call(s, &info_raise, 0, &s->env_temp);
    tcg_gen_movi(s, I64, R[0], 4);
    tcg_gen_exit_tb(s, NULL, 0);
    const void *tc = gen(tb);
    ck_assert_uint_eq(s->nb_insns, 3);
    ck_assert_uint_eq(s->insn_data[2 * 2], 0x1008);
    ck_assert_uint_eq(s->insn_data[2 * 2 + 1], 2);
    ck_assert_uint_eq(s->insn_data[1 * 2], 0x1004);
    ck_assert_uint_le(s->insn_end_off[0], s->insn_end_off[1]);
    ck_assert_uint_lt(s->insn_end_off[1], s->insn_end_off[2]);
    ck_assert_uint_eq(s->insn_end_off[2], tb->tc_size);

    located = false;
    if (sigsetjmp(cpu.parent.jmp_env, 1) == 0) {
        run(tc);
        ck_abort_msg("the helper did not leave");
    }
    ck_assert(located);
    ck_assert_ptr_eq(located_tb, tb);
    ck_assert_int_eq(located_insn, 2);
    ck_assert(inside_true);
    ck_assert(!inside_false);
    ck_assert_int_eq(cpu.parent.exception_index, 42);
    ck_assert_uint_eq(cpu.r[0], 3);
}
END_TEST

/* A misaligned MO_ALIGN access of size mos[k] by a load, store or
 * atomic (kind 0, 1, 2) in guest instruction 2. */
static void check_unaligned(int k, int kind)
{
    TranslationBlock *tb = &tbs[3];
    static const MemOp mos[] = {MO_UW, MO_UL, MO_UQ};
    begin();
    tcg_gen_qemu_ld(s, I64, R[1], tcg_const(s, I64, 0x400), MO_UQ);
    tcg_gen_insn_start(s, 0x1004, 0);
    tcg_gen_movi(s, I64, R[0], 5);
    tcg_gen_insn_start(s, 0x1008, 0);
    TCGv addr = tcg_const(s, I64, 0x402 + (k == 0));
    if (kind == 0) {
        tcg_gen_qemu_ld(s, I64, R[2], addr, mos[k] | MO_ALIGN);
    } else if (kind == 1) {
        tcg_gen_qemu_st(s, I64, R[0], addr, mos[k] | MO_ALIGN);
    } else {
        tcg_gen_atomic_xchg(s, I64, R[2], addr, R[0], mos[k] | MO_ALIGN);
    }
    tcg_gen_movi(s, I64, R[0], 6);
    tcg_gen_exit_tb(s, NULL, 0);
    memset(tb, 0, sizeof(*tb));
    const void *tc = gen(tb);
    located = false;
    cpu.parent.exception_index = -1;
    if (sigsetjmp(cpu.parent.jmp_env, 1) == 0) {
        run(tc);
        ck_abort_msg("no alignment fault (size %d kind %d)", k, kind);
    }
    ck_assert(located);
    ck_assert_ptr_eq(located_tb, tb);
    ck_assert_int_eq(located_insn, 2);
    ck_assert_int_eq(cpu.parent.exception_index, EXCP_UNALIGNED);
    ck_assert_uint_eq(cpu.parent.fault_addr, 0x402 + (k == 0));
    ck_assert_int_eq(cpu.parent.fault_write, kind != 0);
    ck_assert_uint_eq(cpu.r[0], 5);
}

START_TEST(alignment_fault)
{
    for (int k = 0; k < 3; k++) {
        for (int kind = 0; kind < 3; kind++) {
            check_unaligned(k, kind);
        }
    }
}
END_TEST

#if defined(__x86_64__)
static volatile uintptr_t segv_addr;

static void segv_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    TranslationBlock *tb = NULL;
    int insn = -1;
    located =
        tcg_backend_tci.locate(uc->uc_mcontext.gregs[REG_RIP], &tb, &insn);
    located_tb = tb;
    located_insn = insn;
    segv_addr = (uintptr_t)si->si_addr;
    siglongjmp(cpu.parent.jmp_env, 1);
}

/* A host fault in a guest access is located at its guest instruction, in
 * the block chained to; a fault elsewhere afterwards is not. */
START_TEST(host_fault)
{
    TranslationBlock *a = &tbs[4], *b = &tbs[5];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    begin();
    tcg_gen_goto_tb(s, 0);
    tcg_gen_exit_tb(s, a, 0);
    gen(a);
    begin();
    tcg_gen_insn_start(s, 0x2004, 0);
    tcg_gen_movi(s, I64, R[0], 1);
    tcg_gen_qemu_st(s, I32, W[0], tcg_const(s, I64, 0x100), MO_UL);
    tcg_gen_insn_start(s, 0x2008, 0);
    tcg_gen_qemu_ld(s, I32, W[1], tcg_const(s, I64, GUEST_SIZE + 8), MO_UL);
    tcg_gen_exit_tb(s, NULL, 0);
    gen(b);
    tcg_backend_tci.set_jmp_target(a, 0, b);

    located = false;
    if (sigsetjmp(cpu.parent.jmp_env, 1) == 0) {
        run(a->tc_ptr);
        ck_abort_msg("no fault");
    }
    ck_assert(located);
    ck_assert_ptr_eq(located_tb, b);
    ck_assert_int_eq(located_insn, 2);
    ck_assert_uint_eq(segv_addr, (uintptr_t)guest + GUEST_SIZE + 8);
    ck_assert_uint_eq(cpu.r[0], 1);

    /* The jump left the interpreter's position behind; it must not claim
     * a pc outside its own code. */
    TranslationBlock *tb;
    int insn;
    ck_assert(!tcg_backend_tci.locate((uintptr_t)segv_handler, &tb, &insn));
}
END_TEST
#endif

START_TEST(not_running)
{
    TranslationBlock *tb;
    int insn;
    begin();
    end_and_run();
    ck_assert(!tcg_backend_tci.locate(0, &tb, &insn));
}
END_TEST

START_TEST(overflow)
{
    begin();
    for (int k = 0; k < 100; k++) {
        tcg_gen_addi(s, I64, R[0], R[0], (uint64_t)k);
    }
    tcg_gen_exit_tb(s, NULL, 0);
    uint8_t *at = code + code_used;
    ck_assert_int_eq(tcg_backend_tci.gen_code(s, NULL, at, at, 64), -1);
    ck_assert_int_eq(tcg_backend_tci.gen_code(s, NULL, at, at, 1000), -1);
    ptrdiff_t n = tcg_backend_tci.gen_code(s, NULL, at, at, 100000);
    ck_assert_int_gt(n, 1000);
    cpu.r[0] = 0;
    run(at);
    ck_assert_uint_eq(cpu.r[0], 99 * 100 / 2);
}
END_TEST

START_TEST(disassembly)
{
    char *buf = NULL;
    size_t len = 0;
    begin();
    uint32_t l = tcg_label_new(s);
    tcg_gen_brcondi(s, I32, TCG_COND_LTU, W[0], 5, l);
    tcg_gen_qemu_ld(s, I64, R[1], R[2], MO_SW | MO_BE);
    tcg_gen_call(s, &info_globals, 0, &s->env_temp);
    tcg_gen_set_label(s, l);
    tcg_gen_goto_tb(s, 1);
    tcg_gen_exit_tb(s, &tbs[0], 1);
    const void *tc = gen(&tbs[0]);
    FILE *f = open_memstream(&buf, &len);
    tcg_backend_tci.disas(f, tc, tbs[0].tc_size);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "header"));
    ck_assert_ptr_nonnull(strstr(buf, "const s"));
    ck_assert_ptr_nonnull(strstr(buf, "bltu32"));
    ck_assert_ptr_nonnull(strstr(buf, "qld64"));
    ck_assert_ptr_nonnull(strstr(buf, "call"));
    ck_assert_ptr_nonnull(strstr(buf, "goto_tb"));
    ck_assert_ptr_nonnull(strstr(buf, "exit"));
    free(buf);
}
END_TEST

static Suite *tci_suite(void)
{
    Suite *su = suite_create("tci");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"ops",
         {arith_i32, arith_i64, logic, shifts, bits, extensions, bitfields,
          conditions, double_word, NULL}},
        {"memory", {guest_memory, host_memory, atomics, mb_and_nops, NULL}},
        {"control",
         {loops, slot_reuse, big_frame, chaining, goto_ptr, helpers, NULL}},
        {"faults",
         {helper_fault_position, alignment_fault,
#if defined(__x86_64__)
          host_fault,
#endif
          not_running, NULL}},
        {"misc", {overflow, disassembly, NULL}},
    };
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, setup, teardown);
        for (int i = 0; groups[g].tests[i]; i++) {
            _tcase_add_test(tc, groups[g].tests[i], 0, 0, 0, 1);
        }
        suite_add_tcase(su, tc);
    }
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(tci_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

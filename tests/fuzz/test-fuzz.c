/*
 * Differential fuzzer: random IR programs (gen.c) run on four
 * configurations, the interpreter without the optimizer being the oracle:
 *
 *     tci (oracle)   tci+opt   x86_64   x86_64+opt
 *
 * Each program runs on three initial states; the final register file, pc,
 * exception and fault address, helper side-effect word, scratch area and
 * guest memory must match the oracle exactly. Any difference prints the
 * seed, the program index, a command line replaying just that program, the
 * differing state and the program's IR before and after optimization.
 *
 * Environment:
 *   VEMU_FUZZ_SEED=n          base seed (default 0x5eed)
 *   VEMU_FUZZ_COUNT=n         number of programs (default 1000)
 *   VEMU_FUZZ_ONLY=idx        run only program idx (replay)
 *   VEMU_FUZZ_BSWAP_ATOMICS=0 do not generate byte-swapped atomics
 *   VEMU_FUZZ_TRACE=1         print each program index before running it
 *   VEMU_FUZZ_EXCLUDE=a,b     never generate these ops (triage of a known
 *                             bug, e.g. "add2,sub2")
 *   VEMU_FUZZ_DUMP=1          print the IR of every program run
 *   VEMU_FUZZ_REDUCE=1        with VEMU_FUZZ_ONLY: shrink a failing program
 *                             to a minimal reproducer (reduce.c)
 * Heavy runs: e.g. VEMU_FUZZ_COUNT=100000 with several seeds.
 */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/irrun.h"
#include "gen.h"
#include "reduce.h"

#define NINPUTS 3
#define MAX_REPORTS 8

typedef struct Result {
    int excp;
    uint64_t fault_addr;
    uint64_t pc;
    uint64_t regs[IR_NREGS];
    uint32_t regs32[IR_NREGS32];
    uint64_t side;
    uint8_t scratch[256];
    uint8_t mem[FUZZ_MEM_CHECK];
} Result;

typedef struct Config {
    int be;
    bool opt;
    const char *name;
} Config;

static const Config configs[] = {
    {0, false, "tci"}, /* the oracle: must stay first */
    {0, true, "tci+opt"},
    {1, false, "x86_64"},
    {1, true, "x86_64+opt"},
};
#define NCONFIGS (int)(sizeof(configs) / sizeof(configs[0]))

static const char *argv0 = "test-fuzz";
static char running[160];

static void on_abort(int sig)
{
    if (write(2, running, strlen(running)) < 0) {
        /* nothing more to do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *e = getenv(name);
    return e && *e ? strtoull(e, NULL, 0) : def;
}

static void capture(Result *res, IrCpu *cpu, int excp)
{
    memset(res, 0, sizeof(*res));
    res->excp = excp;
    /* fault_addr only means something for memory faults. */
    res->fault_addr = excp == EXCP_SEGV || excp == EXCP_UNALIGNED
                          ? cpu->parent.fault_addr
                          : 0;
    res->pc = cpu->pc;
    memcpy(res->regs, cpu->regs, sizeof(res->regs));
    memcpy(res->regs32, cpu->regs32, sizeof(res->regs32));
    res->side = cpu->side;
    memcpy(res->scratch, cpu->scratch, sizeof(res->scratch));
    memcpy(res->mem, irrun_guest_mem(), sizeof(res->mem));
}

static void print_diff(const Result *want, const Result *got)
{
    FILE *f = stderr;
    if (want->excp != got->excp) {
        fprintf(f, "  exception: oracle 0x%x, got 0x%x\n", want->excp,
                got->excp);
    }
    if (want->fault_addr != got->fault_addr) {
        fprintf(f, "  fault_addr: oracle 0x%" PRIx64 ", got 0x%" PRIx64 "\n",
                want->fault_addr, got->fault_addr);
    }
    if (want->pc != got->pc) {
        fprintf(f, "  pc: oracle 0x%" PRIx64 ", got 0x%" PRIx64 "\n", want->pc,
                got->pc);
    }
    for (int i = 0; i < IR_NREGS; i++) {
        if (want->regs[i] != got->regs[i]) {
            fprintf(f, "  r%d: oracle 0x%" PRIx64 ", got 0x%" PRIx64 "\n", i,
                    want->regs[i], got->regs[i]);
        }
    }
    for (int i = 0; i < IR_NREGS32; i++) {
        if (want->regs32[i] != got->regs32[i]) {
            fprintf(f, "  w%d: oracle 0x%" PRIx32 ", got 0x%" PRIx32 "\n", i,
                    want->regs32[i], got->regs32[i]);
        }
    }
    if (want->side != got->side) {
        fprintf(f, "  side: oracle 0x%" PRIx64 ", got 0x%" PRIx64 "\n",
                want->side, got->side);
    }
    int shown = 0;
    for (size_t i = 0; i < sizeof(want->scratch) && shown < 16; i++) {
        if (want->scratch[i] != got->scratch[i]) {
            fprintf(f, "  scratch[%zu]: oracle %02x, got %02x\n", i,
                    want->scratch[i], got->scratch[i]);
            shown++;
        }
    }
    for (size_t i = 0; i < sizeof(want->mem) && shown < 32; i++) {
        if (want->mem[i] != got->mem[i]) {
            fprintf(f, "  mem[0x%zx]: oracle %02x, got %02x\n", i, want->mem[i],
                    got->mem[i]);
            shown++;
        }
    }
}

/* Run gen on configuration c with input k of prog; return the result. */
static int run_on(int c, IrGenFn gen, void *opaque, const FuzzProg *prog, int k,
                  Result *res)
{
    IrCpu *cpu = irrun_cpu();
    irrun_select(irrun_backends[configs[c].be], configs[c].opt);
    irrun_set_program(gen, opaque);
    fuzz_init_state(prog, k, cpu, irrun_guest_mem());
    int excp = irrun_exec(cpu);
    capture(res, cpu, excp);
    return excp;
}

typedef struct ReduceCtx {
    int bad_config;
    int input;
    const FuzzProg *prog;
} ReduceCtx;

static bool still_fails(IrGenFn gen, void *opaque, void *ctx, bool verbose)
{
    const ReduceCtx *rc = ctx;
    static Result want, got;
    run_on(0, gen, opaque, rc->prog, rc->input, &want);
    if (verbose) {
        /* Show the host code of the failing configuration. */
        fprintf(stderr, "code of the reduced program on %s:\n",
                configs[rc->bad_config].name);
        tcg_log_file = stderr;
        tcg_log_mask = TCG_LOG_OUT_ASM;
    }
    run_on(rc->bad_config, gen, opaque, rc->prog, rc->input, &got);
    tcg_log_mask = 0;
    bool differs = memcmp(&want, &got, sizeof(want)) != 0;
    if (verbose && differs) {
        fprintf(stderr, "reduced program on %s vs the oracle:\n",
                configs[rc->bad_config].name);
        print_diff(&want, &got);
    }
    return differs;
}

START_TEST(test_fuzz)
{
    uint64_t seed = env_u64("VEMU_FUZZ_SEED", 0x5eed);
    uint64_t count = env_u64("VEMU_FUZZ_COUNT", 1000);
    uint64_t first = 0;
    const char *only = getenv("VEMU_FUZZ_ONLY");
    bool trace = env_u64("VEMU_FUZZ_TRACE", 0) != 0;
    bool dump = env_u64("VEMU_FUZZ_DUMP", 0) != 0;
    bool bswap_atomics = env_u64("VEMU_FUZZ_BSWAP_ATOMICS", 1) != 0;
    bool reduce = env_u64("VEMU_FUZZ_REDUCE", 0) != 0;
    ReduceCtx to_reduce = {.bad_config = -1};
    if (only && *only) {
        first = strtoull(only, NULL, 0);
        count = 1;
    }
    fprintf(stderr,
            "fuzz: seed 0x%" PRIx64 ", programs %" PRIu64 "..%" PRIu64
            ", %d inputs each\n",
            seed, first, first + count - 1, NINPUTS);

    FuzzProg *progs = calloc(count, sizeof(*progs));
    Result *oracle = calloc(count * NINPUTS, sizeof(*oracle));
    Result *got = calloc(1, sizeof(*got));
    bool *failed = calloc(count * NCONFIGS, sizeof(*failed));
    ck_assert(progs && oracle && got && failed);
    for (uint64_t i = 0; i < count; i++) {
        fuzz_prog_init(&progs[i], fuzz_prog_seed(seed, first + i));
        progs[i].bswap_atomics = bswap_atomics;
        ck_assert_msg(fuzz_exclude_ops(&progs[i], getenv("VEMU_FUZZ_EXCLUDE")),
                      "bad VEMU_FUZZ_EXCLUDE");
    }

    IrCpu *cpu = irrun_cpu();
    int nfail = 0, reports = 0;
    bool dumped = false;  /* the IR is printed for the first report only */
    int outcome[5] = {0}; /* done, unaligned, segv, helper, other */
    signal(SIGABRT, on_abort);

    for (int c = 0; c < NCONFIGS; c++) {
        const Config *cf = &configs[c];
        irrun_select(irrun_backends[cf->be], cf->opt);
        for (uint64_t i = 0; i < count; i++) {
            uint64_t idx = first + i;
            snprintf(running, sizeof(running),
                     "ABORT in fuzz program %" PRIu64 " (seed 0x%" PRIx64
                     ") on %s: replay with VEMU_FUZZ_SEED=0x%" PRIx64
                     " VEMU_FUZZ_ONLY=%" PRIu64 " %s\n",
                     idx, seed, cf->name, seed, idx, argv0);
            if (trace) {
                fprintf(stderr, "fuzz: %s program %" PRIu64 "\n", cf->name,
                        idx);
            }
            if (dump && c == 0) {
                fprintf(stderr, "fuzz: program %" PRIu64 ":\n", idx);
                irrun_dump(stderr, fuzz_gen, &progs[i], 0);
            }
            irrun_set_program(fuzz_gen, &progs[i]);
            for (int k = 0; k < NINPUTS; k++) {
                fuzz_init_state(&progs[i], k, cpu, irrun_guest_mem());
                int excp = irrun_exec(cpu);
                Result *want = &oracle[i * NINPUTS + k];
                if (c == 0) {
                    capture(want, cpu, excp);
                    outcome[excp == IRRUN_EXCP_DONE    ? 0
                            : excp == EXCP_UNALIGNED   ? 1
                            : excp == EXCP_SEGV        ? 2
                            : excp == FUZZ_EXCP_HELPER ? 3
                                                       : 4]++;
                    continue;
                }
                capture(got, cpu, excp);
                if (!memcmp(want, got, sizeof(*got))) {
                    continue;
                }
                nfail++;
                /* One report per program and configuration. */
                if (failed[i * NCONFIGS + c] || reports >= MAX_REPORTS) {
                    continue;
                }
                failed[i * NCONFIGS + c] = true;
                reports++;
                fprintf(stderr,
                        "FUZZ MISMATCH: seed 0x%" PRIx64 " program %" PRIu64
                        " input %d: %s differs from the oracle (tci without "
                        "optimizer)\n",
                        seed, idx, k, cf->name);
                fprintf(stderr,
                        "  replay: VEMU_FUZZ_SEED=0x%" PRIx64
                        " VEMU_FUZZ_ONLY=%" PRIu64 " %s\n",
                        seed, idx, argv0);
                print_diff(want, got);
                if (reduce && to_reduce.bad_config < 0) {
                    to_reduce.bad_config = c;
                    to_reduce.input = k;
                    to_reduce.prog = &progs[i];
                }
                if (!dumped) {
                    dumped = true;
                    fprintf(stderr, "  IR:\n");
                    irrun_dump(stderr, fuzz_gen, &progs[i], 0);
                    fprintf(stderr, "  IR after optimize+liveness:\n");
                    irrun_dump(stderr, fuzz_gen, &progs[i], IRRUN_DUMP_PASSES);
                }
            }
        }
    }
    if (to_reduce.bad_config >= 0) {
        fprintf(stderr, "fuzz: reducing for %s, input %d\n",
                configs[to_reduce.bad_config].name, to_reduce.input);
        fuzz_reduce(fuzz_gen, (void *)to_reduce.prog, still_fails, &to_reduce,
                    stderr);
    }
    fprintf(stderr,
            "fuzz: oracle outcomes: %d completed, %d unaligned faults, %d "
            "segv, %d helper exceptions, %d other\n",
            outcome[0], outcome[1], outcome[2], outcome[3], outcome[4]);
    ck_assert_msg(outcome[4] == 0,
                  "the oracle ended %d runs with an unexpected exception",
                  outcome[4]);
    free(progs);
    free(oracle);
    free(got);
    free(failed);
    ck_assert_msg(nfail == 0,
                  "%d runs differ from the oracle (seed 0x%" PRIx64
                  "; details on stderr)",
                  nfail, seed);
}
END_TEST

/*
 * Regressions: fuzzer findings reduced by hand to a few ops, with the
 * expected values worked out from docs/tcg-ir.md. Each runs on all four
 * configurations.
 */

/* add2 whose high output is a TB temp, on a path not taken: the TB temp's
 * value at the branch target was read from a stale host register
 * (x86_64+opt gave r3's value instead of 7). */
static void gen_regress_add2_tb(TCGContext *s, void *opaque)
{
    (void)opaque;
    TCGv loc = tcg_temp_tb(s, TCG_TYPE_I64);
    uint32_t l1 = tcg_label_new(s);
    tcg_gen_movi(s, TCG_TYPE_I64, loc, 7);
    tcg_gen_brcond(s, TCG_TYPE_I64, TCG_COND_GT, loc, ir_reg[3], l1);
    tcg_gen_add2(s, TCG_TYPE_I64, ir_reg[14], loc, ir_reg[7],
                 tcg_constant(s, TCG_TYPE_I64, 0),
                 tcg_constant(s, TCG_TYPE_I64, 5), ir_reg[4]);
    tcg_gen_movi(s, TCG_TYPE_I64, ir_pc, IRRUN_HALT_PC);
    tcg_gen_exit_tb(s, NULL, 0);
    tcg_gen_set_label(s, l1);
    tcg_gen_mov(s, TCG_TYPE_I64, ir_reg[1], loc);
}

/* "mov t, t" on a TB temp whose value is only in a register: the sync to
 * memory that liveness asks for was dropped, so after the label the temp
 * read its (never written) frame slot: x86_64 without optimizer gave 0. */
static void gen_regress_self_mov(TCGContext *s, void *opaque)
{
    (void)opaque;
    TCGv loc = tcg_temp_tb(s, TCG_TYPE_I32);
    TCGv t = tcg_temp_ebb(s, TCG_TYPE_I32);
    uint32_t l0 = tcg_label_new(s);
    tcg_gen_movi(s, TCG_TYPE_I32, loc, 0x399a5fa3);
    tcg_gen_mov(s, TCG_TYPE_I32, loc, loc);
    tcg_gen_shl(s, TCG_TYPE_I32, t, tcg_constant(s, TCG_TYPE_I32, 0xfff00000),
                loc);
    tcg_gen_mov(s, TCG_TYPE_I32, ir_reg32[10], t);
    tcg_gen_set_label(s, l0);
    tcg_gen_mov(s, TCG_TYPE_I32, ir_reg32[5], loc);
}

START_TEST(test_regressions)
{
    IrCpu *cpu = irrun_cpu();
    int bad = 0;
    for (int c = 0; c < NCONFIGS; c++) {
        irrun_select(irrun_backends[configs[c].be], configs[c].opt);

        memset(cpu->regs, 0x11, sizeof(cpu->regs));
        cpu->regs[3] = (uint64_t)-5; /* 7 > -5: the branch is taken */
        irrun_set_program(gen_regress_add2_tb, NULL);
        int e = irrun_exec(cpu);
        if (e != IRRUN_EXCP_DONE || cpu->regs[1] != 7 ||
            cpu->regs[14] != 0x1111111111111111ull) {
            fprintf(stderr,
                    "REGRESSION add2-tb-temp on %s: excp 0x%x r1=0x%" PRIx64
                    " (want 7) r14=0x%" PRIx64 " (want unchanged)\n",
                    configs[c].name, e, cpu->regs[1], cpu->regs[14]);
            bad++;
        }

        memset(cpu->regs32, 0x22, sizeof(cpu->regs32));
        irrun_set_program(gen_regress_self_mov, NULL);
        e = irrun_exec(cpu);
        /* 0x399a5fa3 mod 32 = 3: 0xfff00000 << 3 = 0xff800000. */
        if (e != IRRUN_EXCP_DONE || cpu->regs32[5] != 0x399a5fa3 ||
            cpu->regs32[10] != 0xff800000) {
            fprintf(stderr,
                    "REGRESSION self-mov-tb-temp on %s: excp 0x%x w5=0x%" PRIx32
                    " (want 0x399a5fa3) w10=0x%" PRIx32 " (want 0xff800000)\n",
                    configs[c].name, e, cpu->regs32[5], cpu->regs32[10]);
            bad++;
        }
    }
    ck_assert_msg(bad == 0, "%d regression checks failed (see stderr)", bad);
}
END_TEST

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    irrun_init();
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    tc = tcase_create("regressions");
    tcase_add_test(tc, test_regressions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * bench-tcg: micro-benchmark of the translator core (not a test: it
 * asserts nothing beyond both backends computing the same result).
 *
 * 1. Translation speed: the fuzzer's random block generator
 *    (tests/fuzz/gen.c) produces a mix of blocks (arithmetic, memory,
 *    atomics, helper calls, branches, loops); each is translated through
 *    the runtime (tb_lookup: IR generation, optimizer, liveness, code
 *    generation) for each backend, with the optimizer on and off. The time
 *    to only generate the IR is measured separately and subtracted, giving
 *    IR ops per second through the passes and the backend.
 * 2. Generated-code speed: one block whose loop runs a million iterations
 *    of arithmetic on guest globals plus a guest load and store, run on the
 *    native backend and on the interpreter; the median of 5 runs of each
 *    and the interpreter/native ratio are printed.
 *
 * Run (about 5-15 s):   build/tests/bench/bench-tcg
 * Options:              bench-tcg [blocks [loop-iterations]]
 *                       defaults: 5000 blocks, 1000000 iterations
 * Build it with the rest (meson's default target); it is not registered as
 * a test, so `meson test` does not run it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/irrun.h"
#include "../fuzz/gen.h"

#define RUNS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[n / 2];
}

/* ---- translation speed ---- */

static void bench_translation(int nblocks)
{
    FuzzProg *progs = calloc((size_t)nblocks, sizeof(*progs));
    uint64_t total_ops = 0;
    for (int i = 0; i < nblocks; i++) {
        fuzz_prog_init(&progs[i], fuzz_prog_seed(0xbe9c4, (uint64_t)i));
    }

    /* IR generation alone, into a private context. */
    TCGContext s;
    irrun_context_init(&s);
    double t0 = now();
    for (int i = 0; i < nblocks; i++) {
        tcg_func_start(&s);
        fuzz_gen(&s, &progs[i]);
        total_ops += s.nb_ops;
    }
    double t_gen = now() - t0;
    tcg_context_free(&s);

    printf("translation: %d generated blocks, %" PRIu64
           " IR ops (%.1f per block); IR generation alone %.1f ms\n",
           nblocks, total_ops, (double)total_ops / nblocks, t_gen * 1e3);
    IrCpu *cpu = irrun_cpu();
    for (int b = 0; b < 2; b++) {
        for (int opt = 1; opt >= 0; opt--) {
            double best = 1e9;
            TCGStats st0, st1;
            uint64_t translated = 0;
            for (int run = 0; run < 3; run++) {
                irrun_select(irrun_backends[b], opt);
                tcg_get_stats(&st0);
                t0 = now();
                for (int i = 0; i < nblocks; i++) {
                    irrun_set_program(fuzz_gen, &progs[i]);
                    tb_lookup(&cpu->parent, IRRUN_ENTRY_PC, irrun_program_id());
                }
                double t = now() - t0;
                tcg_get_stats(&st1);
                translated = st1.tb_translated - st0.tb_translated;
                if (t < best) {
                    best = t;
                }
            }
            /* Code size, untimed: the harness flushes every 2048 programs,
             * so add up the growth block by block. */
            size_t code = 0;
            irrun_select(irrun_backends[b], opt);
            for (int i = 0; i < nblocks; i++) {
                irrun_set_program(fuzz_gen, &progs[i]);
                tcg_get_stats(&st0);
                tb_lookup(&cpu->parent, IRRUN_ENTRY_PC, irrun_program_id());
                tcg_get_stats(&st1);
                if (st1.code_used > st0.code_used) {
                    code += st1.code_used - st0.code_used;
                }
            }
            double passes = best - t_gen;
            printf("  %-11s %7.1f ms total, %7.1f ms in passes+codegen: "
                   "%6.2f M IR ops/s, %5.1f us/block, %" PRIu64
                   " blocks, %.0f code bytes/block\n",
                   irrun_config_name(), best * 1e3, passes * 1e3,
                   (double)total_ops / passes * 1e-6, passes * 1e6 / nblocks,
                   translated, (double)code / nblocks);
        }
    }
    free(progs);
}

/* ---- generated-code speed ---- */

static uint64_t loop_iters;

/*
 * r1 = a, r2 = b, r3 = c are guest registers (globals, so they are synced
 * at every loop iteration like a real guest's would be); r0 counts down.
 *   loop: a = a * 0x9e3779b1 + b
 *         b = b ^ (a >> 7)
 *         c = c + (a & b)
 *         addr = a & 0xff8; x = ld64 [addr]; st64 [addr] = x + c
 *         w1 = w1 + (i32)c
 *         r0 -= 1; if r0 != 0 goto loop
 */
static void gen_loop(TCGContext *s, void *opaque)
{
    (void)opaque;
    TCGv a = ir_reg[1], b = ir_reg[2], c = ir_reg[3], n = ir_reg[0];
    TCGv t = tcg_temp_tb(s, TCG_TYPE_I64);
    uint32_t top = tcg_label_new(s);
    tcg_gen_movi(s, TCG_TYPE_I64, n, loop_iters);
    tcg_gen_set_label(s, top);
    TCGv x = tcg_temp_ebb(s, TCG_TYPE_I64);
    TCGv addr = tcg_temp_ebb(s, TCG_TYPE_I64);
    TCGv lo = tcg_temp_ebb(s, TCG_TYPE_I32);
    tcg_gen_muli(s, TCG_TYPE_I64, x, a, 0x9e3779b1);
    tcg_gen_add(s, TCG_TYPE_I64, a, x, b);
    tcg_gen_shri(s, TCG_TYPE_I64, x, a, 7);
    tcg_gen_xor(s, TCG_TYPE_I64, b, b, x);
    tcg_gen_and(s, TCG_TYPE_I64, x, a, b);
    tcg_gen_add(s, TCG_TYPE_I64, c, c, x);
    tcg_gen_andi(s, TCG_TYPE_I64, addr, a, 0xff8);
    tcg_gen_qemu_ld(s, TCG_TYPE_I64, t, addr, MO_64);
    tcg_gen_add(s, TCG_TYPE_I64, t, t, c);
    tcg_gen_qemu_st(s, TCG_TYPE_I64, t, addr, MO_64);
    tcg_gen_extrl_i64_i32(s, lo, c);
    tcg_gen_add(s, TCG_TYPE_I32, ir_reg32[1], ir_reg32[1], lo);
    tcg_gen_subi(s, TCG_TYPE_I64, n, n, 1);
    tcg_gen_brcondi(s, TCG_TYPE_I64, TCG_COND_NE, n, 0, top);
}

static void bench_code(void)
{
    IrCpu *cpu = irrun_cpu();
    double med[2];
    uint64_t result[2];
    for (int b = 0; b < 2; b++) {
        double times[RUNS];
        irrun_select(irrun_backends[b], true);
        irrun_set_program(gen_loop, NULL);
        for (int run = 0; run < RUNS; run++) {
            memset(cpu->regs, 0, sizeof(cpu->regs));
            memset(cpu->regs32, 0, sizeof(cpu->regs32));
            cpu->regs[1] = 1;
            cpu->regs[2] = 2;
            memset(irrun_guest_mem(), 0, 4096);
            if (run == 0) {
                /* Translate outside the timed runs. */
                tb_lookup(&cpu->parent, IRRUN_ENTRY_PC, irrun_program_id());
            }
            double t0 = now();
            int excp = irrun_exec(cpu);
            times[run] = now() - t0;
            if (excp != IRRUN_EXCP_DONE) {
                fprintf(stderr, "bench-tcg: loop ended with exception 0x%x\n",
                        excp);
                exit(1);
            }
        }
        med[b] = median(times, RUNS);
        result[b] = cpu->regs[3] ^ cpu->regs32[1];
        printf("  %-11s median of %d: %8.2f ms, %6.2f ns/iteration\n",
               irrun_config_name(), RUNS, med[b] * 1e3,
               med[b] * 1e9 / (double)loop_iters);
    }
    printf("  interpreter / native time ratio: %.1f\n", med[0] / med[1]);
    if (result[0] != result[1]) {
        fprintf(stderr,
                "bench-tcg: backends disagree: 0x%" PRIx64 " vs 0x%" PRIx64
                "\n",
                result[0], result[1]);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    int nblocks = argc > 1 ? atoi(argv[1]) : 5000;
    loop_iters = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000000;
    if (nblocks < 1 || loop_iters < 1) {
        fprintf(stderr, "usage: bench-tcg [blocks [loop-iterations]]\n");
        return 2;
    }
    irrun_init();
    bench_translation(nblocks);
    printf("generated code: loop of %" PRIu64
           " iterations (14 IR ops incl. a guest load and store each)\n",
           loop_iters);
    bench_code();
    return 0;
}

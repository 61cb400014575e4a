/*
 * A full code-buffer flush requested by one guest thread while another is
 * running generated code. Thread A spins in a chained loop of three blocks
 * and checks its sum after every run; thread B runs thousands of distinct
 * blocks in a 64 KiB buffer, so its translations flush the buffer again
 * and again. A's code must not be reclaimed under it: every run of either
 * thread must compute its own result. Runs on both backends.
 */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/exec.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define MEM_SIZE (1u << 20)
#define BASE_A 0x1000u
#define BASE_B 0x10000u
#define LOOP_N 10000
#define B_BLOCKS 6000
#define A_RUNS 2000
#define B_RUNS 20

static const TCGBackend *const backends[2] = {&tcg_backend_x86_64,
                                              &tcg_backend_tci};

typedef struct GuestThread {
    uint64_t entry;
    int runs;
    uint64_t want;
    char err[200];
} GuestThread;

static void *guest_thread(void *arg)
{
    GuestThread *g = arg;
    /* Never freed: the runtime may keep a pointer to a CPU it ran. */
    ToyCPU *c = calloc(1, sizeof(*c));

    if (!c) {
        snprintf(g->err, sizeof(g->err), "out of memory");
        return NULL;
    }
    toy_cpu_init(c, MEM_SIZE);
    for (int r = 0; r < g->runs && !g->err[0]; r++) {
        memset(c->regs, 0, sizeof(c->regs));
        toy_cpu_clear_output(c);
        c->pc = g->entry;
        int excp = toy_cpu_run(c);
        if (excp != EXCP_TOY_HALT || c->nb_out != 1 || c->out[0] != g->want) {
            snprintf(g->err, sizeof(g->err),
                     "run %d: exception %d, %zu outputs, first %" PRIu64
                     ", want %" PRIu64,
                     r, excp, c->nb_out, c->nb_out ? c->out[0] : 0, g->want);
        }
    }
    return NULL;
}

START_TEST(test_flush_while_other_thread_runs)
{
    uint8_t *mem = toy_mem_new(MEM_SIZE);
    ToyAsm a, b;
    uint64_t sum_b = 0;

    ck_assert_ptr_nonnull(mem);
    tcg_exec_init(64 * 1024, backends[_i]);
    tcg_install_fault_handler();

    /* A: sum 1..LOOP_N over three chained blocks. */
    toy_asm_init(&a, BASE_A);
    ToyLabel la = toy_label(&a), lb = toy_label(&a), lc = toy_label(&a);
    toy_li(&a, 1, 0);
    toy_li(&a, 2, LOOP_N);
    toy_li(&a, 3, 0);
    toy_bind(&a, la);
    toy_addi(&a, 3, 3, 1);
    toy_j(&a, lb);
    toy_bind(&a, lb);
    toy_add(&a, 1, 1, 3);
    toy_j(&a, lc);
    toy_bind(&a, lc);
    toy_bne(&a, 3, 2, la);
    toy_out(&a, 1);
    toy_halt(&a);
    ck_assert_int_eq(toy_asm_finish(&a), 0);
    ck_assert(toy_asm_load(&a, mem, MEM_SIZE));

    /* B: a straight run of distinct blocks. */
    toy_asm_init(&b, BASE_B);
    toy_li(&b, 1, 0);
    for (int k = 0; k < B_BLOCKS; k++) {
        ToyLabel next = toy_label(&b);
        int imm = (k * 37) % 30000 - 15000;
        toy_addi(&b, 1, 1, imm);
        toy_j(&b, next);
        toy_bind(&b, next);
        sum_b += (uint64_t)(int64_t)imm;
    }
    toy_out(&b, 1);
    toy_halt(&b);
    ck_assert_int_eq(toy_asm_finish(&b), 0);
    ck_assert(toy_asm_load(&b, mem, MEM_SIZE));

    GuestThread ga = {BASE_A, A_RUNS, (uint64_t)LOOP_N * (LOOP_N + 1) / 2, ""};
    GuestThread gb = {BASE_B, B_RUNS, sum_b, ""};
    pthread_t ta, tb;
    TCGStats st0, st1;
    tcg_get_stats(&st0);
    ck_assert_int_eq(pthread_create(&ta, NULL, guest_thread, &ga), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, guest_thread, &gb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    tcg_get_stats(&st1);

    ck_assert_msg(!ga.err[0], "looping thread: %s", ga.err);
    ck_assert_msg(!gb.err[0], "flushing thread: %s", gb.err);
    ck_assert_uint_gt(st1.tb_flushes, st0.tb_flushes);
    toy_asm_free(&a);
    toy_asm_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime-mt-flush");
    TCase *tc = tcase_create("mt-flush");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_flush_while_other_thread_runs, 0, 2);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

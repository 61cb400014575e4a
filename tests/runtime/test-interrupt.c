/*
 * cpu->exit_request must bring cpu_exec back with EXCP_INTERRUPT even while
 * the guest spins in a loop of chained blocks (how linux-user will kick a
 * CPU for signal delivery). Another thread sets the flag after the loop is
 * hot; the test fails if cpu_exec has not returned 2 s later.
 * Runs on both backends.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcg/exec.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define MEM_SIZE (1u << 20)
#define BASE 0x1000u

static const TCGBackend *const backends[2] = {&tcg_backend_x86_64,
                                              &tcg_backend_tci};

static volatile int returned;

/* Set exit_request once the loop is hot, then give cpu_exec 2 s to come
 * back; if it does not, fail from here (the main thread is stuck in
 * generated code). */
static void *kick(void *arg)
{
    ToyCPU *cpu = arg;
    struct timespec ts = {0, 50 * 1000 * 1000};

    nanosleep(&ts, NULL);
    cpu->parent.exit_request = 1;
    for (int i = 0; i < 40 && !returned; i++) {
        nanosleep(&ts, NULL);
    }
    if (!returned) {
        fprintf(stderr, "test-interrupt: cpu_exec still running 2 s after "
                        "exit_request was set (guest in chained blocks)\n");
        _exit(1);
    }
    return NULL;
}

START_TEST(test_exit_request_in_chained_loop)
{
    ToyAsm as;
    ToyCPU *cpu = calloc(1, sizeof(*cpu));
    uint8_t *mem = toy_mem_new(MEM_SIZE);
    pthread_t th;

    ck_assert_ptr_nonnull(cpu);
    ck_assert_ptr_nonnull(mem);
    tcg_exec_init(0, backends[_i & 1]);
    toy_cpu_init(cpu, MEM_SIZE);

    /* An endless loop of two chained blocks, closed by a direct jump, a
     * taken conditional branch or an indirect jump (each tests for exit
     * requests in its own way on the native backend). */
    int shape = _i >> 1;
    toy_asm_init(&as, BASE);
    ToyLabel a = toy_label(&as), b = toy_label(&as);
    toy_bind(&as, a);
    toy_addi(&as, 1, 1, 1);
    toy_j(&as, b);
    toy_bind(&as, b);
    toy_addi(&as, 2, 2, 1);
    if (shape == 0) {
        toy_j(&as, a);
    } else if (shape == 1) {
        toy_bne(&as, 1, 0, a);
        toy_halt(&as);
    } else {
        toy_jalr(&as, 0, 4, 0);
    }
    ck_assert_int_eq(toy_asm_finish(&as), 0);
    ck_assert(toy_asm_load(&as, mem, MEM_SIZE));

    cpu->pc = BASE;
    cpu->regs[4] = toy_label_addr(&as, a);
    ck_assert_int_eq(pthread_create(&th, NULL, kick, cpu), 0);
    int excp = toy_cpu_run(cpu);
    returned = 1;
    pthread_join(th, NULL);

    ck_assert_int_eq(excp, EXCP_INTERRUPT);
    ck_assert_uint_gt(cpu->regs[1], 1000);
    /* The state is exact: the pc names the next block to run and agrees
     * with the counters (block a increments r1, block b increments r2). */
    if (cpu->pc == toy_label_addr(&as, a)) {
        ck_assert_uint_eq(cpu->regs[1], cpu->regs[2]);
    } else {
        ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, b));
        ck_assert_uint_eq(cpu->regs[1], cpu->regs[2] + 1);
    }
    toy_asm_free(&as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime-interrupt");
    TCase *tc = tcase_create("interrupt");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_exit_request_in_chained_loop, 0, 6);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

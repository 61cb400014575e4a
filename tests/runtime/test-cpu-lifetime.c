/*
 * A CPU may go away once cpu_exec has returned (a guest thread exits):
 * later flushes and runtime re-initialisation must not touch it. The CPU
 * lives in its own mapping, unmapped after its run, so a stray write to it
 * faults instead of silently corrupting the heap. Runs on both backends.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tcg/exec.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define MEM_SIZE (1u << 20)
#define BASE 0x1000u

static const TCGBackend *const backends[2] = {&tcg_backend_x86_64,
                                              &tcg_backend_tci};

static ToyCPU *cpu_map(size_t *len)
{
    *len = (sizeof(ToyCPU) + 4095) & ~(size_t)4095;
    ToyCPU *c = mmap(NULL, *len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(c, MAP_FAILED);
    toy_cpu_init(c, MEM_SIZE);
    return c;
}

static void run_once(ToyCPU *c)
{
    c->pc = BASE;
    ck_assert_int_eq(toy_cpu_run(c), EXCP_TOY_HALT);
    ck_assert_uint_eq(c->nb_out, 1);
    ck_assert_uint_eq(c->out[0], 42);
}

START_TEST(test_flush_after_cpu_gone)
{
    uint8_t *mem = toy_mem_new(MEM_SIZE);
    ToyAsm as;
    size_t len;

    ck_assert_ptr_nonnull(mem);
    tcg_exec_init(0, backends[_i]);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 42);
    toy_out(&as, 1);
    toy_halt(&as);
    ck_assert_int_eq(toy_asm_finish(&as), 0);
    ck_assert(toy_asm_load(&as, mem, MEM_SIZE));

    ToyCPU *c = cpu_map(&len);
    run_once(c);
    toy_cpu_free(c);
    munmap(c, len);

    tb_flush();                               /* must not touch c */
    tcg_exec_init(0, backends[(_i + 1) & 1]); /* nor this */

    /* The runtime still works with another CPU. */
    c = cpu_map(&len);
    run_once(c);
    toy_cpu_free(c);
    toy_asm_free(&as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime-cpu-lifetime");
    TCase *tc = tcase_create("cpu-lifetime");

    tcase_add_loop_test(tc, test_flush_after_cpu_gone, 0, 2);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

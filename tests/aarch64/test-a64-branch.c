/*
 * aarch64 branches, exception generation and system instructions
 * (a64-branch.decode), on every backend/optimizer configuration.
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "a64-harness.h"

/* B.cond against every NZCV value, with the condition from the harness's
 * reference (a64_cond_holds, the architectural definitions). */
START_TEST(test_b_cond)
{
    a64_start(_i);
    for (int cond = 0; cond < 16; cond++) {
        char text[128];
        snprintf(text, sizeof(text), "mov x0, #1\nb.%s 1f\nmov x0, #2\n1: nop",
                 a64_cond_names[cond]);
        for (uint32_t nzcv = 0; nzcv < 16; nzcv++) {
            a64_set_nzcv(nzcv);
            a64_run_asm(text);
            a64_assert_x(0, a64_cond_holds(cond, nzcv) ? 1 : 2, text);
            a64_assert_nzcv(nzcv, "flags unchanged by b.cond");
        }
    }
}
END_TEST

START_TEST(test_cbz_tbz)
{
    static const uint64_t vals[] = {
        0,    1, 0x100000000ull, 0x8000000000000000ull, 0xffffffff00000000ull,
        ~0ull};
    a64_start(_i);
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        uint64_t v = vals[i];
        a64_cpu->xregs[1] = v;
        a64_run_asm("mov x0, #1; cbz x1, 1f; mov x0, #2; 1: nop");
        a64_assert_x(0, v == 0 ? 1 : 2, "cbz x1");
        a64_run_asm("mov x0, #1; cbnz w1, 1f; mov x0, #2; 1: nop");
        a64_assert_x(0, (uint32_t)v != 0 ? 1 : 2, "cbnz w1");
        for (int bit = 0; bit < 64; bit += 31) {
            char text[96];
            snprintf(text, sizeof(text),
                     "mov x0, #1; tbnz x1, #%d, 1f; mov x0, #2; 1: nop", bit);
            a64_run_asm(text);
            a64_assert_x(0, (v >> bit) & 1 ? 1 : 2, text);
            snprintf(text, sizeof(text),
                     "mov x0, #1; tbz x1, #%d, 1f; mov x0, #2; 1: nop", bit);
            a64_run_asm(text);
            a64_assert_x(0, (v >> bit) & 1 ? 2 : 1, text);
        }
    }
}
END_TEST

/* bl and blr set x30 to the next instruction; blr x30 jumps to the old
 * x30; ret returns. */
START_TEST(test_calls)
{
    a64_start(_i);
    a64_run_asm("bl 1f\nb 2f\n1: mov x1, x30\nret\n2: nop");
    a64_assert_x(1, A64_CODE + 4, "bl link register");
    a64_cpu->xregs[30] = A64_CODE + 12;
    a64_run_asm("blr x30\nmov x0, #7\nb 1f\nmov x0, #9\n1: nop");
    a64_assert_x(0, 9, "blr x30 jumps to the old x30");
    a64_assert_x(30, A64_CODE + 4, "blr sets x30");
    a64_cpu->xregs[5] = A64_CODE + 12;
    a64_run_asm("br x5\nmov x0, #1\nmov x0, #2\nmov x0, #3");
    a64_assert_x(0, 3, "br");
}
END_TEST

START_TEST(test_exceptions)
{
    int e;

    a64_start(_i);
    e = a64_run_asm_excp("brk #5");
    a64_assert_excp(e, EXCP_A64_BRK, "brk");
    ck_assert(a64_cpu->pc == A64_CODE);
    e = a64_run_asm_excp("nop\nhvc #0");
    a64_assert_excp(e, EXCP_A64_UNDEF, "hvc at EL0");
    ck_assert(a64_cpu->pc == A64_CODE + 4);
    e = a64_run_asm_excp(".inst 0x00000000");
    a64_assert_excp(e, EXCP_A64_UNDEF, "udf");
    e = a64_run_asm_excp("msr sctlr_el1, x0");
    a64_assert_excp(e, EXCP_A64_UNDEF, "EL1 register");
    e = a64_run_asm_excp("mrs x0, ttbr0_el1");
    a64_assert_excp(e, EXCP_A64_UNDEF, "EL1 register read");
}
END_TEST

START_TEST(test_sysregs)
{
    struct timespec t0, t1;
    uint64_t ns0, ns1;

    a64_start(_i);
    a64_cpu->xregs[1] = 0x123456789abcdef0ull;
    a64_run_asm("msr tpidr_el0, x1\nmrs x2, tpidr_el0");
    a64_assert_x(2, 0x123456789abcdef0ull, "tpidr_el0 round trip");
    ck_assert(a64_cpu->tpidr_el0 == 0x123456789abcdef0ull);

    a64_cpu->xregs[1] = ~0ull;
    a64_run_asm("msr fpcr, x1\nmrs x2, fpcr\nmsr fpsr, x1\nmrs x3, fpsr");
    a64_assert_x(2, FPCR_MASK, "fpcr keeps implemented bits");
    a64_assert_x(3, FPSR_MASK, "fpsr keeps implemented bits");

    for (uint32_t nzcv = 0; nzcv < 16; nzcv++) {
        a64_cpu->xregs[1] = (uint64_t)nzcv << 28 | 0x0fffffff;
        a64_run_asm("msr nzcv, x1\nmrs x2, nzcv");
        a64_assert_x(2, (uint64_t)nzcv << 28, "nzcv round trip");
        a64_assert_nzcv(nzcv, "msr nzcv");
    }

    a64_run_asm("mrs x1, ctr_el0\nmrs x2, dczid_el0\nmrs x3, cntfrq_el0");
    a64_assert_x(2, 4, "dczid: 64-byte blocks");
    a64_assert_x(3, A64_CNTFRQ_HZ, "cntfrq");
    ck_assert((a64_cpu->xregs[1] & 0xf) == 4 &&
              ((a64_cpu->xregs[1] >> 16) & 0xf) == 4);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    a64_run_asm("mrs x1, cntvct_el0");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns0 = (uint64_t)t0.tv_sec * 1000000000ull + (uint64_t)t0.tv_nsec;
    ns1 = (uint64_t)t1.tv_sec * 1000000000ull + (uint64_t)t1.tv_nsec;
    ck_assert_msg(a64_cpu->xregs[1] >= ns0 && a64_cpu->xregs[1] <= ns1,
                  "cntvct within the host clock readings around it");

    /* ID registers through the kernel's emulation: ISAR0 agrees with the
     * model's features. */
    a64_run_asm(
        "mrs x1, id_aa64isar0_el1\nmrs x2, id_aa64pfr0_el1\nmrs x3, midr_el1");
    ck_assert(((a64_cpu->xregs[1] >> 4) & 0xf) == 2);  /* AES + PMULL */
    ck_assert(((a64_cpu->xregs[1] >> 20) & 0xf) == 2); /* LSE atomics */
    ck_assert(((a64_cpu->xregs[2] >> 32) & 0xf) == 0); /* no SVE */
    ck_assert(a64_cpu->xregs[3] == aarch64_models[0].midr);
}
END_TEST

START_TEST(test_dc_zva)
{
    a64_start(_i);
    for (uint64_t a = A64_DATA; a < A64_DATA + 256; a += 8) {
        a64_poke64(a, 0x1111111111111111ull);
    }
    a64_cpu->xregs[1] = A64_DATA + 64 + 13; /* inside the second block */
    a64_run_asm("dc zva, x1");
    for (uint64_t a = A64_DATA; a < A64_DATA + 256; a += 8) {
        uint64_t want = (a >= A64_DATA + 64 && a < A64_DATA + 128)
                            ? 0
                            : 0x1111111111111111ull;
        ck_assert_msg(a64_peek64(a) == want, "dc zva at %#lx", (long)a);
    }
    a64_cpu->xregs[1] = A64_MEM_SIZE + 8;
    a64_assert_excp(a64_run_asm_excp("dc zva, x1"), EXCP_SEGV, "dc zva fault");
}
END_TEST

/* IC IVAU: code rewritten by plain stores is seen after ic ivau + isb. */
START_TEST(test_ic_ivau)
{
    uint32_t movz1[1], movz2[1];

    a64_start(_i);
    a64_assemble("movz x0, #1", movz1, 1);
    a64_assemble("movz x0, #2", movz2, 1);
    a64_poke(A64_DATA, movz1, 4);
    a64_poke(A64_DATA + 4, (uint32_t[]){0xd65f03c0u}, 4); /* ret */
    a64_cpu->xregs[1] = A64_DATA;
    a64_cpu->xregs[2] = movz2[0];
    a64_run_asm("blr x1\nmov x3, x0\nstr w2, [x1]\ndc cvau, x1\nic ivau, x1\n"
                "dsb ish\nisb\nblr x1");
    a64_assert_x(3, 1, "first call");
    a64_assert_x(0, 2, "call after rewriting the code");
}
END_TEST

START_TEST(test_flagm)
{
    a64_start(_i);
    for (uint32_t nzcv = 0; nzcv < 16; nzcv++) {
        bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, v = nzcv & 1;
        uint32_t want;

        a64_set_nzcv(nzcv);
        a64_run_asm("cfinv");
        a64_assert_nzcv(nzcv ^ 2, "cfinv");

        a64_set_nzcv(nzcv);
        a64_run_asm("axflag");
        want = ((z || v) << 2) | ((c && !v) << 1);
        a64_assert_nzcv(want, "axflag");

        a64_set_nzcv(nzcv);
        a64_run_asm("xaflag");
        want =
            ((!c && !z) << 3) | ((z && c) << 2) | ((c || z) << 1) | (!c && z);
        a64_assert_nzcv(want, "xaflag");
        (void)n;
    }
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_b_cond,  test_cbz_tbz, test_calls,   test_exceptions,
        test_sysregs, test_dc_zva,  test_ic_ivau, test_flagm,
    };

    return a64_run_suite("aarch64-branch", tests,
                         sizeof(tests) / sizeof(tests[0]), A64_NCONFIGS)
               ? EXIT_FAILURE
               : EXIT_SUCCESS;
}

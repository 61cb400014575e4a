/*
 * Host feature detection (tcg/x86_64/cpuid.c): the features the backend
 * uses, however it learns them, must be ones CPUID reports, and with no
 * glibc tunables masking any, exactly those.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/x86_64/tcg-target.h"

START_TEST(test_detect_matches_cpuid)
{
    struct x86_features raw;
    unsetenv("VEMU_HOST_FEATURES");
    x86_detect_features();
    x86_features_cpuid(&raw);
    /* Never claim what the CPU lacks. */
    ck_assert(!x86_have.bmi1 || raw.bmi1);
    ck_assert(!x86_have.bmi2 || raw.bmi2);
    ck_assert(!x86_have.lzcnt || raw.lzcnt);
    ck_assert(!x86_have.popcnt || raw.popcnt);
    ck_assert(!x86_have.sse41 || raw.sse41);
    ck_assert(!x86_have.sse42 || raw.sse42);
    ck_assert(!x86_have.aes || raw.aes);
    ck_assert(!x86_have.pclmul || raw.pclmul);
    ck_assert(!x86_have.fma || raw.fma);
    if (!getenv("GLIBC_TUNABLES")) {
        ck_assert_int_eq(x86_have.bmi1, raw.bmi1);
        ck_assert_int_eq(x86_have.bmi2, raw.bmi2);
        ck_assert_int_eq(x86_have.lzcnt, raw.lzcnt);
        ck_assert_int_eq(x86_have.popcnt, raw.popcnt);
        ck_assert_int_eq(x86_have.sse41, raw.sse41);
        ck_assert_int_eq(x86_have.sse42, raw.sse42);
        ck_assert_int_eq(x86_have.aes, raw.aes);
        ck_assert_int_eq(x86_have.pclmul, raw.pclmul);
        ck_assert_int_eq(x86_have.fma, raw.fma);
    }
}
END_TEST

START_TEST(test_env_switches_off)
{
    setenv("VEMU_HOST_FEATURES", "-bmi2,-popcnt", 1);
    x86_detect_features();
    ck_assert(!x86_have.bmi2);
    ck_assert(!x86_have.popcnt);
    setenv("VEMU_HOST_FEATURES", "none", 1);
    x86_detect_features();
    ck_assert(!x86_have.bmi1 && !x86_have.bmi2 && !x86_have.lzcnt &&
              !x86_have.popcnt && !x86_have.sse41 && !x86_have.sse42 &&
              !x86_have.aes && !x86_have.pclmul && !x86_have.fma);
    unsetenv("VEMU_HOST_FEATURES");
}
END_TEST

/* Each switch turns off its feature and no other (the helpers' fast
 * paths read the same switches). */
START_TEST(test_env_each_switch)
{
    static const char *const names[] = {"-bmi1",  "-bmi2", "-lzcnt",
                                        "-popcnt", "-sse41", "-sse42",
                                        "-aes",   "-pclmul", "-fma"};
    struct x86_features all, f;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        memset(&all, 1, sizeof(all));
        setenv("VEMU_HOST_FEATURES", names[i], 1);
        f = all;
        x86_features_apply_env(&f);
        bool *b = (bool *)&f;
        unsigned off = 0;
        for (size_t k = 0; k < sizeof(f); k++) {
            off += !b[k];
        }
        ck_assert_msg(off == 1, "%s turned off %u features", names[i], off);
    }
    unsetenv("VEMU_HOST_FEATURES");
    f = all;
    x86_features_apply_env(&f);
    ck_assert(!memcmp(&f, &all, sizeof(f)));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("cpuid");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_detect_matches_cpuid);
    tcase_add_test(tc, test_env_switches_off);
    tcase_add_test(tc, test_env_each_switch);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

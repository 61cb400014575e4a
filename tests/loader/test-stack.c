/*
 * Tests of the initial stack builder and parser (loader/stack.c): the
 * exact auxv sequence and values, where every string lands, 16-byte
 * alignment of sp for many argc/envc combinations, AT_RANDOM's bytes
 * differing between two builds, nothing written below sp or on failure,
 * 4-byte words for 32-bit guests, the parser refusing malformed stacks,
 * and a stack built from a real load (AT_PHDR/AT_ENTRY/AT_BASE agree with
 * the loaded program headers).
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "elfgen.h"
#include "guestmem.h"
#include "loader/elf-load.h"
#include "loader/stack.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PAGE 0x1000ull
#define GIB (1ull << 30)
#define TOP 0x3f000000ull
#define STACK_SIZE 0x20000ull
#define LIMIT (TOP - STACK_SIZE)

static TestMem tm;
static char err[ELF_ERR_MAX];

static void setup(void)
{
    uint64_t got;
    tm_init(&tm, GIB, PAGE);
    ck_assert_int_eq(
        tm.ops.map(&tm, LIMIT, STACK_SIZE, PROT_READ | PROT_WRITE, true, &got),
        0);
    memset(tm_host(&tm, LIMIT), 0xcc, STACK_SIZE);
    err[0] = '\0';
}

static void teardown(void)
{
    tm_free(&tm);
}

static ImageInfo sample_info(void)
{
    ImageInfo i;
    memset(&i, 0, sizeof(i));
    i.phdr_addr = 0x10040;
    i.phentsize = 56;
    i.phnum = 5;
    i.entry = 0x10400;
    i.interp_bias = 0x30000000;
    i.elf_class = ELFCLASS64;
    return i;
}

static const uint64_t extras[][2] = {
    {AT_SYSINFO_EHDR, 0x7000},
    {AT_L1D_CACHESIZE, 32768},
};

static AuxvArch sample_arch(void)
{
    AuxvArch a = {
        .hwcap = 0x112d,
        .hwcap2 = 0x2,
        .platform = "riscv64",
        .minsigstksz = 2048,
        .uid = 1000,
        .euid = 1001,
        .gid = 1002,
        .egid = 1003,
        .secure = true,
        .extra = extras,
        .n_extra = 2,
    };
    return a;
}

static uint64_t word(uint64_t a)
{
    return elf_stack_word(&tm.ops, a, 8);
}

static const char *gstr(uint64_t a)
{
    return (const char *)tm_host(&tm, a);
}

static uint64_t aux(const InitialStack *st, uint64_t type)
{
    uint64_t v = 0;
    ck_assert_msg(elf_auxv_lookup(&tm.ops, st, type, &v),
                  "auxv has no entry %llu", (unsigned long long)type);
    return v;
}

/* Bytes [a, b) still hold the 0xcc the stack was filled with. */
static void check_untouched(uint64_t a, uint64_t b)
{
    for (uint64_t x = a; x < b; x++) {
        if (tm_host(&tm, x)[0] != 0xcc) {
            ck_abort_msg("0x%llx was written", (unsigned long long)x);
        }
    }
}

START_TEST(layout_and_values)
{
    char *argv[] = {"prog", "-x", "hello world", "", NULL};
    char *envp[] = {"A=1", "PATH=/bin", NULL};
    ImageInfo info = sample_info();
    AuxvArch a = sample_arch();
    uint64_t sp;
    int r = elf_build_initial_stack(&tm.ops, TOP, LIMIT, 4, argv, envp,
                                    "/usr/bin/prog", &info, &a, &sp, err,
                                    sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    ck_assert_uint_eq(sp % 16, 0);
    ck_assert_uint_ge(sp, LIMIT);
    check_untouched(LIMIT, sp);

    InitialStack st;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), 0);
    ck_assert_uint_eq(st.argc, 4);
    ck_assert_uint_eq(word(sp), 4);
    ck_assert_uint_eq(st.argv, sp + 8);
    ck_assert_uint_eq(st.envc, 2);
    ck_assert_uint_eq(st.envp, sp + 8 * 6);
    ck_assert_uint_eq(st.auxv, sp + 8 * 9);
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(gstr(word(st.argv + 8 * i)), argv[i]);
    }
    ck_assert_uint_eq(word(st.argv + 8 * 4), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_str_eq(gstr(word(st.envp + 8 * i)), envp[i]);
    }
    ck_assert_uint_eq(word(st.envp + 8 * 2), 0);

    /* The exact auxv, in order; pointer values checked below. */
    const uint64_t want[][2] = {
        {AT_SYSINFO_EHDR, 0x7000},
        {AT_L1D_CACHESIZE, 32768},
        {AT_HWCAP, 0x112d},
        {AT_PAGESZ, 4096},
        {AT_CLKTCK, 100},
        {AT_PHDR, 0x10040},
        {AT_PHENT, 56},
        {AT_PHNUM, 5},
        {AT_BASE, 0x30000000},
        {AT_FLAGS, 0},
        {AT_ENTRY, 0x10400},
        {AT_UID, 1000},
        {AT_EUID, 1001},
        {AT_GID, 1002},
        {AT_EGID, 1003},
        {AT_SECURE, 1},
        {AT_RANDOM, ~0ull},
        {AT_HWCAP2, 2},
        {AT_EXECFN, ~0ull},
        {AT_PLATFORM, ~0ull},
        {AT_MINSIGSTKSZ, 2048},
        {AT_NULL, 0},
    };
    const size_t n = sizeof(want) / sizeof(want[0]);
    ck_assert_uint_eq(st.auxc, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t t = word(st.auxv + 16 * i), v = word(st.auxv + 16 * i + 8);
        ck_assert_msg(t == want[i][0], "auxv[%zu] type %llu, not %llu", i,
                      (unsigned long long)t, (unsigned long long)want[i][0]);
        if (want[i][1] != ~0ull) {
            ck_assert_msg(v == want[i][1], "auxv[%zu] (type %llu) = 0x%llx", i,
                          (unsigned long long)t, (unsigned long long)v);
        }
    }
    uint64_t auxv_end = st.auxv + 16 * n;

    /* Strings from the top: a zero word, execfn, envp, argv. */
    ck_assert_uint_eq(word(TOP - 8), 0);
    uint64_t execfn = aux(&st, AT_EXECFN);
    ck_assert_str_eq(gstr(execfn), "/usr/bin/prog");
    ck_assert_uint_eq(execfn + strlen("/usr/bin/prog") + 1, TOP - 8);
    ck_assert_uint_eq(word(st.envp + 8) + strlen(envp[1]) + 1, execfn);
    ck_assert_uint_eq(word(st.envp) + strlen(envp[0]) + 1, word(st.envp + 8));
    ck_assert_uint_eq(word(st.argv + 8 * 3) + 1, word(st.envp));
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(word(st.argv + 8 * i) + strlen(argv[i]) + 1,
                          word(st.argv + 8 * (i + 1)));
    }
    /* Below them, aligned: the platform string, then the random bytes,
     * then less than 16 bytes of padding above auxv. */
    uint64_t argv0 = word(st.argv);
    uint64_t platform = aux(&st, AT_PLATFORM);
    ck_assert_str_eq(gstr(platform), "riscv64");
    ck_assert_uint_eq(platform + 8, argv0 & ~15ull);
    uint64_t rnd = aux(&st, AT_RANDOM);
    ck_assert_uint_eq(rnd, platform - 16);
    ck_assert_uint_ge(rnd, auxv_end);
    ck_assert_uint_lt(rnd - auxv_end, 16);
    static const uint8_t zero[16];
    ck_assert_int_ne(memcmp(tm_host(&tm, rnd), zero, 16), 0);
}
END_TEST

/* sp is 16-byte aligned whatever the counts; omitted entries are absent
 * and AT_CLKTCK defaults to 100. */
START_TEST(alignment)
{
    static char *words[] = {"a", "bb", "ccc", "dddd", "e", "ffffff", "g", NULL};
    ImageInfo info = sample_info();
    AuxvArch a = sample_arch();
    a.hwcap2 = 0;
    a.platform = NULL;
    a.minsigstksz = 0;
    a.n_extra = 0;
    a.secure = false;
    for (int argc = 0; argc <= 7; argc++) {
        for (int envc = 0; envc <= 4; envc++) {
            char *argv[8], *envp[5];
            memcpy(argv, words, sizeof(argv));
            argv[argc] = NULL;
            memcpy(envp, words + 2, sizeof(envp));
            envp[envc] = NULL;
            /* Vary the string sizes too, through execfn. */
            char execfn[32];
            snprintf(execfn, sizeof(execfn), "/x%.*s", argc + envc,
                     "yyyyyyyyyyyyyyyy");
            memset(tm_host(&tm, LIMIT), 0xcc, STACK_SIZE);
            uint64_t sp;
            ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, LIMIT, argc,
                                                     argv, envp, execfn, &info,
                                                     &a, &sp, err, sizeof(err)),
                             0);
            ck_assert_msg(sp % 16 == 0, "argc %d envc %d: sp 0x%llx", argc,
                          envc, (unsigned long long)sp);
            check_untouched(LIMIT, sp);
            InitialStack st;
            ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st),
                             0);
            ck_assert_uint_eq(st.argc, argc);
            ck_assert_uint_eq(st.envc, envc);
            ck_assert_uint_eq(st.auxc, 17);
            uint64_t v;
            ck_assert(!elf_auxv_lookup(&tm.ops, &st, AT_HWCAP2, &v));
            ck_assert(!elf_auxv_lookup(&tm.ops, &st, AT_PLATFORM, &v));
            ck_assert(!elf_auxv_lookup(&tm.ops, &st, AT_MINSIGSTKSZ, &v));
            ck_assert(!elf_auxv_lookup(&tm.ops, &st, AT_SYSINFO_EHDR, &v));
            ck_assert_uint_eq(aux(&st, AT_CLKTCK), 100);
            ck_assert_uint_eq(aux(&st, AT_SECURE), 0);
            ck_assert_str_eq(gstr(aux(&st, AT_EXECFN)), execfn);
            /* Random bytes right below the (aligned) strings. */
            uint64_t low = argc ? word(st.argv) : aux(&st, AT_EXECFN);
            if (!argc && envc) {
                low = word(st.envp);
            }
            ck_assert_uint_eq(aux(&st, AT_RANDOM), (low & ~15ull) - 16);
            ck_assert_uint_lt(aux(&st, AT_RANDOM) - (st.auxv + 16 * 17), 16);
        }
    }
}
END_TEST

/* AT_RANDOM holds fresh bytes on every build. */
START_TEST(random_differs)
{
    char *argv[] = {"p", NULL};
    ImageInfo info = sample_info();
    AuxvArch a = sample_arch();
    uint64_t sp1, sp2;
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, TOP - 0x8000, 1,
                                             argv, NULL, "p", &info, &a, &sp1,
                                             err, sizeof(err)),
                     0);
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP - 0x8000, LIMIT, 1,
                                             argv, NULL, "p", &info, &a, &sp2,
                                             err, sizeof(err)),
                     0);
    InitialStack s1, s2;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp1, TOP, 8, &s1), 0);
    ck_assert_int_eq(
        elf_parse_initial_stack(&tm.ops, sp2, TOP - 0x8000, 8, &s2), 0);
    ck_assert_uint_eq(s1.envc, 0);
    uint64_t r1 = aux(&s1, AT_RANDOM), r2 = aux(&s2, AT_RANDOM);
    ck_assert_uint_eq(r1 - sp1, r2 - sp2); /* same layout... */
    ck_assert_int_ne(memcmp(tm_host(&tm, r1), tm_host(&tm, r2), 16), 0);
}
END_TEST

/* Too little room: an error, and not a byte written. */
START_TEST(too_long)
{
    char big[300];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *argv[] = {"prog", big, NULL};
    ImageInfo info = sample_info();
    AuxvArch a = sample_arch();
    uint64_t sp = 0;
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, TOP - 256, 2, argv,
                                             NULL, "prog", &info, &a, &sp, err,
                                             sizeof(err)),
                     -1);
    ck_assert_str_eq(err, "prog: argument list too long");
    check_untouched(LIMIT, TOP);
    /* Strings fit, the vectors do not. */
    char *small[] = {"prog", NULL};
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, TOP - 256, 1, small,
                                             NULL, "prog", &info, &a, &sp, err,
                                             sizeof(err)),
                     -1);
    ck_assert_str_eq(err, "prog: argument list too long");
    check_untouched(LIMIT, TOP);
    /* A stack that is not mapped at all. */
    ck_assert_int_eq(elf_build_initial_stack(
                         &tm.ops, 0x20000000, 0x20000000 - 0x10000, 1, small,
                         NULL, "prog", &info, &a, &sp, err, sizeof(err)),
                     -1);
    ck_assert_str_eq(err, "prog: the stack is not mapped");
}
END_TEST

/* 32-bit guests: 4-byte words, same rules. */
START_TEST(words_32bit)
{
    char *argv[] = {"prog", "arg", NULL};
    char *envp[] = {"X=y", NULL};
    ImageInfo info = sample_info();
    info.elf_class = ELFCLASS32;
    AuxvArch a = sample_arch();
    uint64_t sp;
    ck_assert_int_eq(elf_stack_word_size(&info), 4);
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, LIMIT, 2, argv, envp,
                                             "prog", &info, &a, &sp, err,
                                             sizeof(err)),
                     0);
    ck_assert_uint_eq(sp % 16, 0);
    InitialStack st;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 4, &st), 0);
    ck_assert_uint_eq(st.argc, 2);
    ck_assert_uint_eq(st.argv, sp + 4);
    ck_assert_uint_eq(st.envp, sp + 4 * 4);
    ck_assert_uint_eq(st.auxv, sp + 4 * 6);
    ck_assert_str_eq(gstr(elf_stack_word(&tm.ops, st.argv + 4, 4)), "arg");
    ck_assert_str_eq(gstr(elf_stack_word(&tm.ops, st.envp, 4)), "X=y");
    ck_assert_uint_eq(aux(&st, AT_ENTRY), 0x10400);
    ck_assert_uint_eq(aux(&st, AT_PHNUM), 5);
    ck_assert_uint_eq(elf_stack_word(&tm.ops, TOP - 4, 4), 0);
    ck_assert_uint_eq(aux(&st, AT_EXECFN), TOP - 4 - 5);
}
END_TEST

/* The parser refuses what is not a stack. */
START_TEST(parse_rejects)
{
    InitialStack st;
    uint64_t sp = TOP - 0x100;
    uint64_t *w = (uint64_t *)tm_host(&tm, sp);
    /* argc larger than the stack. */
    memset(w, 0xff, 0x100);
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), -1);
    /* argv not NULL-terminated where argc says. */
    w[0] = 1;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), -1);
    /* envp never terminated. */
    w[2] = 0;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), -1);
    /* auxv never reaches AT_NULL. */
    w[4] = 0;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), -1);
    /* Now it does: argc 1, argv {x, 0}, envp {y, 0}, auxv {6, 4096},
     * {0, 0}. */
    w[5] = AT_PAGESZ;
    w[6] = 4096;
    w[7] = AT_NULL;
    w[8] = 0;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), 0);
    ck_assert_uint_eq(st.argc, 1);
    ck_assert_uint_eq(st.envc, 1);
    ck_assert_uint_eq(st.auxc, 2);
    ck_assert_uint_eq(aux(&st, AT_PAGESZ), 4096);
    /* Bad arguments. */
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, TOP, TOP, 8, &st), -1);
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 2, &st), -1);
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, 0x1000, 0x2000, 8, &st),
                     -1);
}
END_TEST

/* A real load, then its stack: what the dynamic loader will compute from
 * auxv matches the loaded image (glibc takes the load bias as AT_PHDR minus
 * PT_PHDR's p_vaddr). */
START_TEST(from_loaded_program)
{
    static const ElfTarget riscv64 = {EM_RISCV, ELFCLASS64, ELFDATA2LSB,
                                      "riscv64", NULL};
    ElfGen ig, g;
    gen_init(&ig, ET_DYN, EM_RISCV, 0x80);
    gen_phdr(&ig, PT_LOAD, PF_R | PF_X, 0, 0, 0x200, 0x200, PAGE);
    gen_size(&ig, 0x200);
    gen_finish(&ig);
    char *ipath = gen_write(&ig, "ld.so", -1);

    gen_init(&g, ET_DYN, EM_RISCV, 0x180);
    size_t l = strlen(ipath) + 1;
    gen_phdr(&g, PT_PHDR, PF_R, 0x40, 0x40, 3 * 56, 3 * 56, 8);
    gen_phdr(&g, PT_INTERP, PF_R, 0x200, 0x200, l, l, 1);
    gen_phdr(&g, PT_LOAD, PF_R | PF_X, 0, 0, 0x300, 0x300, PAGE);
    gen_bytes(&g, 0x200, ipath, l);
    gen_size(&g, 0x300);
    gen_finish(&g);
    char *path = gen_write(&g, "prog", -1);

    ImageInfo info;
    int r = elf_load_program(path, &riscv64, &tm.ops, NULL, &info, err,
                             sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    char *argv[] = {path, NULL};
    AuxvArch a = sample_arch();
    uint64_t sp;
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, TOP, LIMIT, 1, argv, NULL,
                                             path, &info, &a, &sp, err,
                                             sizeof(err)),
                     0);
    InitialStack st;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, TOP, 8, &st), 0);
    uint64_t phdr = aux(&st, AT_PHDR);
    ck_assert_uint_eq(aux(&st, AT_PHNUM), 3);
    ck_assert_uint_eq(aux(&st, AT_PHENT), sizeof(Elf64_Phdr));
    const Elf64_Phdr *ph = (const Elf64_Phdr *)tm_host(&tm, phdr);
    ck_assert_uint_eq(ph[0].p_type, PT_PHDR);
    uint64_t bias = phdr - ph[0].p_vaddr;
    ck_assert_uint_eq(bias, info.load_bias);
    ck_assert_uint_eq(aux(&st, AT_ENTRY), bias + 0x180);
    ck_assert_uint_eq(aux(&st, AT_BASE), info.interp_bias);
    ck_assert_uint_ne(info.interp_bias, 0);
    ck_assert_uint_eq(info.start_pc, info.interp_bias + 0x80);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
    free(path);
}
END_TEST

static Suite *stack_suite(void)
{
    Suite *s = suite_create("stack");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, layout_and_values);
    tcase_add_test(tc, alignment);
    tcase_add_test(tc, random_differs);
    tcase_add_test(tc, too_long);
    tcase_add_test(tc, words_32bit);
    tcase_add_test(tc, parse_rejects);
    tcase_add_test(tc, from_loaded_program);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stack_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * The loader on real linker output: rv-prog.c built by clang + ld.lld for
 * riscv64 as a static executable, a static-pie, and a PIE with PT_INTERP
 * (the static-pie standing in as its interpreter through an ElfOpener).
 * Each file is read here with plain <elf.h> structs, independently of
 * libelf, and every PT_LOAD is compared with guest memory: file bytes, zero
 * bss through the page end, protection; then entry, AT_PHDR and the stack.
 *
 * Usage: test-real-elf STATIC STATIC_PIE DYN. Without arguments (no clang
 * or ld.lld with a riscv64 target when the build was configured) it exits
 * 77, which meson reports as a skip.
 */
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestmem.h"
#include "loader/elf-load.h"
#include "loader/stack.h"

#define PAGE 0x1000ull
#define GIB (1ull << 30)
#define INTERP_NAME "/lib/ld-vemu-test.so.1"

static const ElfTarget riscv64 = {EM_RISCV, ELFCLASS64, ELFDATA2LSB, "riscv64",
                                  NULL};
static const char *path_static, *path_spie, *path_dyn;
static TestMem tm;
static ImageInfo info;
static char err[ELF_ERR_MAX];

typedef struct File {
    uint8_t *buf;
    size_t size;
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
} File;

static File read_file(const char *path)
{
    File f = {0};
    struct stat st;
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fstat(fd, &st), 0);
    f.size = (size_t)st.st_size;
    f.buf = malloc(f.size);
    ck_assert_int_eq(pread(fd, f.buf, f.size, 0), (ssize_t)f.size);
    close(fd);
    f.eh = (const Elf64_Ehdr *)f.buf;
    ck_assert_int_eq(memcmp(f.eh->e_ident, ELFMAG, SELFMAG), 0);
    ck_assert_uint_eq(f.eh->e_machine, EM_RISCV);
    ck_assert_uint_le(f.eh->e_phoff + f.eh->e_phnum * sizeof(Elf64_Phdr),
                      f.size);
    f.ph = (const Elf64_Phdr *)(f.buf + f.eh->e_phoff);
    return f;
}

static int prot_of(uint32_t flags)
{
    return ((flags & PF_R) ? PROT_READ : 0) |
           ((flags & PF_W) ? PROT_WRITE : 0) | ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Every PT_LOAD of f is in guest memory at bias, as the file says. */
static void check_segments(const File *f, uint64_t bias)
{
    int n = 0;
    for (int i = 0; i < f->eh->e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        n++;
        uint64_t va = bias + p->p_vaddr;
        uint64_t end = (va + p->p_memsz + PAGE - 1) & ~(PAGE - 1);
        const uint8_t *g = tm_host(&tm, va);
        ck_assert_ptr_nonnull(tm.ops.g2h(&tm, va));
        ck_assert_int_eq(memcmp(g, f->buf + p->p_offset, p->p_filesz), 0);
        for (uint64_t a = va + p->p_filesz; a < end; a++) {
            /* The next segment may share the last page. */
            bool other = false;
            for (int j = i + 1; j < f->eh->e_phnum; j++) {
                if (f->ph[j].p_type == PT_LOAD &&
                    a >= bias + f->ph[j].p_vaddr) {
                    other = true;
                }
            }
            if (other) {
                break;
            }
            ck_assert_msg(tm_host(&tm, a)[0] == 0, "0x%llx not zero",
                          (unsigned long long)a);
        }
        for (uint64_t a = va & ~(PAGE - 1); a < end; a += PAGE) {
            int want = prot_of(p->p_flags);
            ck_assert_msg((tm_prot(&tm, a) & want) == want,
                          "page 0x%llx prot %d lacks %d", (unsigned long long)a,
                          tm_prot(&tm, a), want);
        }
    }
    ck_assert_int_ge(n, 2);
}

/* What glibc's loader derives from AT_PHDR must match the file. */
static void check_phdrs(const File *f)
{
    ck_assert_uint_eq(info.phnum, f->eh->e_phnum);
    ck_assert_int_eq(memcmp(tm_host(&tm, info.phdr_addr), f->ph,
                            f->eh->e_phnum * sizeof(Elf64_Phdr)),
                     0);
    for (int i = 0; i < f->eh->e_phnum; i++) {
        if (f->ph[i].p_type == PT_PHDR) {
            ck_assert_uint_eq(info.phdr_addr - f->ph[i].p_vaddr,
                              info.load_bias);
        }
    }
}

static void setup(void)
{
    tm_init(&tm, GIB, PAGE);
    tm.dirty = true;
}

static void teardown(void)
{
    tm_free(&tm);
}

START_TEST(real_static)
{
    File f = read_file(path_static);
    ck_assert_uint_eq(f.eh->e_type, ET_EXEC);
    int r = elf_load_program(path_static, &riscv64, &tm.ops, NULL, &info, err,
                             sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    ck_assert_uint_eq(info.load_bias, 0);
    ck_assert_uint_eq(info.entry, f.eh->e_entry);
    ck_assert_uint_eq(info.start_pc, f.eh->e_entry);
    check_segments(&f, 0);
    check_phdrs(&f);
    /* The message string is in guest memory. */
    ck_assert_ptr_nonnull(memmem(tm_host(&tm, info.image_start),
                                 info.image_end - info.image_start,
                                 "hello from riscv64", 18));
    /* A stack for it. */
    uint64_t got, sp, top = 0x3f000000;
    ck_assert_int_eq(tm.ops.map(&tm, top - 0x10000, 0x10000,
                                PROT_READ | PROT_WRITE, true, &got),
                     0);
    char *argv[] = {"rv-static", NULL};
    AuxvArch a = {.hwcap = 0x112d};
    ck_assert_int_eq(elf_build_initial_stack(&tm.ops, top, top - 0x10000, 1,
                                             argv, NULL, path_static, &info, &a,
                                             &sp, err, sizeof(err)),
                     0);
    InitialStack st;
    uint64_t v;
    ck_assert_int_eq(elf_parse_initial_stack(&tm.ops, sp, top, 8, &st), 0);
    ck_assert(elf_auxv_lookup(&tm.ops, &st, AT_ENTRY, &v));
    ck_assert_uint_eq(v, f.eh->e_entry);
    ck_assert(elf_auxv_lookup(&tm.ops, &st, AT_BASE, &v));
    ck_assert_uint_eq(v, 0);
    free(f.buf);
}
END_TEST

START_TEST(real_static_pie)
{
    File f = read_file(path_spie);
    ck_assert_uint_eq(f.eh->e_type, ET_DYN);
    int r = elf_load_program(path_spie, &riscv64, &tm.ops, NULL, &info, err,
                             sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    ck_assert(info.is_dyn);
    ck_assert_uint_eq(info.load_bias, tm.ops.exec_base);
    ck_assert_uint_eq(info.entry, info.load_bias + f.eh->e_entry);
    ck_assert_str_eq(info.interp_path, "");
    check_segments(&f, info.load_bias);
    check_phdrs(&f);
    free(f.buf);
}
END_TEST

static int open_interp(void *opaque, const char *guest_path)
{
    ck_assert_str_eq(guest_path, INTERP_NAME);
    return open(path_spie, O_RDONLY);
}

START_TEST(real_dynamic)
{
    File f = read_file(path_dyn), i = read_file(path_spie);
    ElfOpener o = {open_interp, NULL};
    int r = elf_load_program(path_dyn, &riscv64, &tm.ops, &o, &info, err,
                             sizeof(err));
    ck_assert_msg(r == 0, "%s", err);
    ck_assert_str_eq(info.interp_path, INTERP_NAME);
    check_segments(&f, info.load_bias);
    check_phdrs(&f);
    check_segments(&i, info.interp_bias);
    ck_assert_uint_eq(info.interp_entry, info.interp_bias + i.eh->e_entry);
    ck_assert_uint_eq(info.start_pc, info.interp_entry);
    ck_assert_uint_eq(info.entry, info.load_bias + f.eh->e_entry);
    free(f.buf);
    free(i.buf);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc < 4) {
        printf("skipped: no clang + ld.lld with a riscv64 target when the "
               "build was configured\n");
        return 77;
    }
    path_static = argv[1];
    path_spie = argv[2];
    path_dyn = argv[3];

    Suite *s = suite_create("real-elf");
    TCase *tc = tcase_create("real");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, real_static);
    tcase_add_test(tc, real_static_pie);
    tcase_add_test(tc, real_dynamic);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

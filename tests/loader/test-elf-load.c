/*
 * Tests of the ELF loader (loader/elf-load.c) on files built here byte by
 * byte (elfgen.c) and loaded into a test guest memory (guestmem.c).
 *
 * Good files: every loaded byte is compared with the file, bss and the
 * rest of each page must be zero even though the test memory hands out
 * junk-filled pages, each page's protection is checked, and the ImageInfo
 * values are compared with numbers worked out by hand from the layout.
 * Bad files: the call must fail with exactly the expected one-line message
 * and leave nothing mapped. A mutation run (fixed seed) checks that no
 * damaged file crashes the loader or leaves a mapping behind on failure.
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

#include "elfgen.h"
#include "guestmem.h"
#include "loader/elf-load.h"

#define PAGE 0x1000ull
#define GIB (1ull << 30)
#define RX (PROT_READ | PROT_EXEC)
#define RW (PROT_READ | PROT_WRITE)

static const ElfTarget riscv64 = {
    .machine = EM_RISCV,
    .elf_class = ELFCLASS64,
    .data = ELFDATA2LSB,
    .arch_name = "riscv64",
};

static TestMem tm;
static ImageInfo info;
static char err[ELF_ERR_MAX];

static void setup(void)
{
    tm_init(&tm, GIB, PAGE);
    memset(&info, 0x77, sizeof(info));
    err[0] = '\0';
}

static void teardown(void)
{
    tm_free(&tm);
}

static int load_t(const char *path, const ElfTarget *t, const ElfOpener *o)
{
    return elf_load_program(path, t, &tm.ops, o, &info, err, sizeof(err));
}

static int load(const char *path)
{
    return load_t(path, &riscv64, NULL);
}

#define LOAD_OK(path)                                                          \
    do {                                                                       \
        int r_ = load(path);                                                   \
        ck_assert_msg(r_ == 0, "load failed: %s", err);                        \
        ck_assert_str_eq(err, "");                                             \
    } while (0)

/* Guest bytes [a, a+len) equal file bytes [off, off+len). */
static void check_bytes(uint64_t a, const ElfGen *g, uint64_t off, uint64_t len)
{
    ck_assert_ptr_nonnull(tm.ops.g2h(tm.ops.opaque, a));
    ck_assert_ptr_nonnull(tm.ops.g2h(tm.ops.opaque, a + len - 1));
    for (uint64_t i = 0; i < len; i++) {
        if (tm_host(&tm, a)[i] != g->buf[off + i]) {
            ck_abort_msg("guest 0x%llx: 0x%02x, file 0x%llx: 0x%02x",
                         (unsigned long long)(a + i), tm_host(&tm, a)[i],
                         (unsigned long long)(off + i), g->buf[off + i]);
        }
    }
}

static void check_zero(uint64_t a, uint64_t len)
{
    ck_assert_ptr_nonnull(tm.ops.g2h(tm.ops.opaque, a));
    for (uint64_t i = 0; i < len; i++) {
        if (tm_host(&tm, a)[i] != 0) {
            ck_abort_msg("guest 0x%llx is 0x%02x, not 0",
                         (unsigned long long)(a + i), tm_host(&tm, a)[i]);
        }
    }
}

static void check_prot(uint64_t a, uint64_t len, int prot)
{
    for (uint64_t p = a; p < a + len; p += PAGE) {
        ck_assert_msg(tm_prot(&tm, p) == prot, "page 0x%llx: prot %d, not %d",
                      (unsigned long long)p, tm_prot(&tm, p), prot);
    }
}

/* ------------------------------------------------------------------ */
/* The standard test program                                           */

/*
 * Layout, for base 0x10000 (ET_EXEC) or 0 (ET_DYN):
 *   PT_PHDR   off 0x40    va base+0x40
 *   PT_INTERP off 0x300   (only with an interpreter)
 *   PT_LOAD   off 0       va base         filesz=memsz 0x1234   R X
 *   PT_LOAD   off 0x2e10  va base+0x2e10  filesz 0x300, memsz 0x2400  R W
 *   PT_GNU_STACK RW
 * entry base+0x400; the file is 0x4000 bytes, junk (0x5a) where nothing
 * was written, so bytes copied past a segment's end show.
 */
#define P_TEXT_SZ 0x1234
#define P_DATA_OFF 0x2e10
#define P_DATA_FSZ 0x300
#define P_DATA_MSZ 0x2400
#define P_ENTRY 0x400

static void make_prog(ElfGen *g, uint16_t type, uint64_t base,
                      const char *interp)
{
    int n = interp ? 5 : 4;
    gen_init(g, type, EM_RISCV, base + P_ENTRY);
    gen_phdr(g, PT_PHDR, PF_R, 0x40, base + 0x40, n * 56, n * 56, 8);
    if (interp) {
        size_t l = strlen(interp) + 1;
        gen_phdr(g, PT_INTERP, PF_R, 0x300, base + 0x300, l, l, 1);
        gen_bytes(g, 0x300, interp, l);
    }
    gen_phdr(g, PT_LOAD, PF_R | PF_X, 0, base, P_TEXT_SZ, P_TEXT_SZ, PAGE);
    gen_phdr(g, PT_LOAD, PF_R | PF_W, P_DATA_OFF, base + P_DATA_OFF, P_DATA_FSZ,
             P_DATA_MSZ, PAGE);
    gen_phdr(g, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
    gen_pattern(g, P_ENTRY, P_TEXT_SZ - P_ENTRY, 1);
    gen_pattern(g, P_DATA_OFF, P_DATA_FSZ, 2);
    gen_size(g, 0x4000);
    gen_finish(g);
}

/* Check the standard program loaded at bias (its vaddr base included). */
static void check_prog(const ElfGen *g, uint64_t base)
{
    uint64_t data = base + P_DATA_OFF;
    check_bytes(base, g, 0, P_TEXT_SZ);
    check_zero(base + P_TEXT_SZ, 0x2000 - P_TEXT_SZ);
    check_zero(base + 0x2000, P_DATA_OFF - 0x2000);
    check_bytes(data, g, P_DATA_OFF, P_DATA_FSZ);
    check_zero(data + P_DATA_FSZ, base + 0x6000 - data - P_DATA_FSZ);
    check_prot(base, 0x2000, RX);
    check_prot(base + 0x2000, 0x4000, RW);
    ck_assert_int_eq(tm_prot(&tm, base - PAGE), TM_UNMAPPED);
    ck_assert_int_eq(tm_prot(&tm, base + 0x6000), TM_UNMAPPED);
    /* The program headers, as the guest sees them at AT_PHDR. */
    ck_assert_uint_eq(info.phdr_addr, base + 0x40);
    ck_assert_int_eq(memcmp(tm_host(&tm, info.phdr_addr), g->ph,
                            (size_t)g->phnum * sizeof(Elf64_Phdr)),
                     0);
}

/* ------------------------------------------------------------------ */
/* Good files                                                          */

START_TEST(exec_loads)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    char *path = gen_write(&g, "exec", -1);
    tm.dirty = true;
    LOAD_OK(path);

    check_prog(&g, 0x10000);
    ck_assert_uint_eq(tm_mapped_pages(&tm), 6);
    ck_assert_uint_eq(info.load_bias, 0);
    ck_assert_uint_eq(info.entry, 0x10400);
    ck_assert_uint_eq(info.start_pc, 0x10400);
    ck_assert_uint_eq(info.phnum, 4);
    ck_assert_uint_eq(info.phentsize, 56);
    ck_assert_uint_eq(info.image_start, 0x10000);
    ck_assert_uint_eq(info.image_end, 0x16000);
    ck_assert_uint_eq(info.start_code, 0x10000);
    ck_assert_uint_eq(info.end_code, 0x11234);
    ck_assert_uint_eq(info.start_data, 0x12e10);
    ck_assert_uint_eq(info.end_data, 0x13110);
    ck_assert_uint_eq(info.start_brk, 0x16000);
    ck_assert_uint_eq(info.interp_bias, 0);
    ck_assert_uint_eq(info.interp_entry, 0);
    ck_assert_str_eq(info.interp_path, "");
    ck_assert_uint_eq(info.machine, EM_RISCV);
    ck_assert_int_eq(info.elf_class, ELFCLASS64);
    ck_assert(!info.is_dyn);
    ck_assert(!info.exec_stack);
    gen_free(&g);
    free(path);
}
END_TEST

/* A static-pie: ET_DYN without interpreter, placed at exec_base. */
START_TEST(dyn_loads)
{
    ElfGen g;
    make_prog(&g, ET_DYN, 0, NULL);
    char *path = gen_write(&g, "pie", -1);
    tm.dirty = true;
    LOAD_OK(path);

    uint64_t bias = tm.ops.exec_base;
    ck_assert_uint_eq(info.load_bias, bias);
    check_prog(&g, bias);
    ck_assert_uint_eq(info.entry, bias + P_ENTRY);
    ck_assert_uint_eq(info.start_pc, bias + P_ENTRY);
    ck_assert_uint_eq(info.start_brk, bias + 0x6000);
    ck_assert_uint_eq(info.end_data, bias + 0x3110);
    ck_assert(info.is_dyn);
    ck_assert_uint_eq(info.interp_bias, 0);
    gen_free(&g);
    free(path);
}
END_TEST

/* Without exec_base, ET_DYN programs go to mmap_base. */
START_TEST(dyn_mmap_base)
{
    ElfGen g;
    make_prog(&g, ET_DYN, 0, NULL);
    char *path = gen_write(&g, "pie", -1);
    tm.ops.exec_base = 0;
    LOAD_OK(path);
    ck_assert_uint_eq(info.load_bias, tm.ops.mmap_base);
    gen_free(&g);
    free(path);
}
END_TEST

/* An ET_DYN image is aligned to its largest p_align, even when the memory
 * manager first offers a misaligned address. */
START_TEST(dyn_aligned)
{
    ElfGen g;
    make_prog(&g, ET_DYN, 0, NULL);
    g.ph[1].p_align = 0x200000;
    gen_finish(&g);
    char *path = gen_write(&g, "pie2m", -1);
    uint64_t got;

    tm.ops.exec_base = 0x10001000;
    /* Occupy the aligned hint: the allocator then returns 0x10201000. */
    ck_assert_int_eq(tm.ops.map(&tm, 0x10200000, PAGE, PROT_READ, true, &got),
                     0);
    LOAD_OK(path);
    ck_assert_uint_eq(info.load_bias, 0x10400000);
    check_prog(&g, 0x10400000);
    /* The slack taken for alignment was given back. */
    ck_assert_uint_eq(tm_mapped_pages(&tm), 1 + 6);
    gen_free(&g);
    free(path);
}
END_TEST

/* The interpreter used by the PT_INTERP tests: ET_DYN,
 *   PT_LOAD off 0      va 0       filesz=memsz 0x800   R X
 *   PT_LOAD off 0x1f00 va 0x2f00  filesz 0x80, memsz 0x1100  R W
 * entry 0x100; span 0x4000. */
static char *make_interp(ElfGen *g, const char *name, uint16_t machine,
                         const char *own_interp)
{
    gen_init(g, ET_DYN, machine, 0x100);
    gen_phdr(g, PT_LOAD, PF_R | PF_X, 0, 0, 0x800, 0x800, PAGE);
    gen_phdr(g, PT_LOAD, PF_R | PF_W, 0x1f00, 0x2f00, 0x80, 0x1100, PAGE);
    if (own_interp) {
        size_t l = strlen(own_interp) + 1;
        gen_phdr(g, PT_INTERP, PF_R, 0x200, 0x200, l, l, 1);
        gen_bytes(g, 0x200, own_interp, l);
    }
    gen_pattern(g, 0x100, 0x700, 3);
    gen_pattern(g, 0x1f00, 0x80, 4);
    gen_size(g, 0x2000);
    gen_finish(g);
    return gen_write(g, name, -1);
}

static void check_interp(const ElfGen *ig, uint64_t bias)
{
    check_bytes(bias, ig, 0, 0x800);
    check_zero(bias + 0x800, 0x800);
    check_zero(bias + 0x2000, 0xf00);
    check_bytes(bias + 0x2f00, ig, 0x1f00, 0x80);
    check_zero(bias + 0x2f80, 0x4000 - 0x2f80);
    check_prot(bias, PAGE, RX);
    ck_assert_int_eq(tm_prot(&tm, bias + PAGE), TM_UNMAPPED); /* hole */
    check_prot(bias + 0x2000, 0x2000, RW);
    ck_assert_int_eq(tm_prot(&tm, bias + 0x4000), TM_UNMAPPED);
    ck_assert_uint_eq(info.interp_bias, bias);
    ck_assert_uint_eq(info.interp_entry, bias + 0x100);
    ck_assert_uint_eq(info.start_pc, bias + 0x100);
    ck_assert_uint_eq(info.interp_start, bias);
    ck_assert_uint_eq(info.interp_end, bias + 0x4000);
}

START_TEST(pie_with_interp)
{
    ElfGen ig, g;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, NULL);
    make_prog(&g, ET_DYN, 0, ipath);
    char *path = gen_write(&g, "dynpie", -1);
    tm.dirty = true;
    LOAD_OK(path);

    uint64_t bias = tm.ops.exec_base;
    check_prog(&g, bias);
    ck_assert_uint_eq(info.entry, bias + P_ENTRY);
    ck_assert_uint_eq(info.phnum, 5);
    ck_assert_str_eq(info.interp_path, ipath);
    check_interp(&ig, tm.ops.mmap_base);
    ck_assert_uint_eq(tm_mapped_pages(&tm), 6 + 3);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
    free(path);
}
END_TEST

/* Classic dynamic executable: ET_EXEC with PT_INTERP. */
START_TEST(exec_with_interp)
{
    ElfGen ig, g;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, NULL);
    make_prog(&g, ET_EXEC, 0x10000, ipath);
    char *path = gen_write(&g, "dynexec", -1);
    LOAD_OK(path);
    check_prog(&g, 0x10000);
    ck_assert_uint_eq(info.entry, 0x10400);
    check_interp(&ig, tm.ops.mmap_base);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
    free(path);
}
END_TEST

/* An ET_EXEC interpreter is loaded at its own addresses, which must not
 * overlap the program's. */
static char *make_exec_interp(ElfGen *ig, uint64_t base)
{
    gen_init(ig, ET_EXEC, EM_RISCV, base + 0x100);
    gen_phdr(ig, PT_LOAD, PF_R | PF_X, 0, base, 0x800, 0x800, PAGE);
    gen_pattern(ig, 0x100, 0x700, 9);
    gen_finish(ig);
    return gen_write(ig, "ld-exec.so", -1);
}

START_TEST(exec_interp)
{
    ElfGen ig, g;
    char *ipath = make_exec_interp(&ig, 0x200000);
    make_prog(&g, ET_EXEC, 0x10000, ipath);
    char *path = gen_write(&g, "dynexec", -1);
    LOAD_OK(path);
    check_prog(&g, 0x10000);
    check_bytes(0x200000, &ig, 0, 0x800);
    ck_assert_uint_eq(info.interp_bias, 0);
    ck_assert_uint_eq(info.interp_entry, 0x200100);
    ck_assert_uint_eq(info.start_pc, 0x200100);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
    free(path);
}
END_TEST

static char opened[256];
static const char *open_target;

static int test_open(void *opaque, const char *guest_path)
{
    snprintf(opened, sizeof(opened), "%s", guest_path);
    ck_assert_ptr_eq(opaque, &opened);
    return open(open_target, O_RDONLY);
}

/* PT_INTERP goes through the opener (a sysroot, later). */
START_TEST(interp_opener)
{
    ElfGen ig, g;
    char *ipath = make_interp(&ig, "ld-real.so", EM_RISCV, NULL);
    make_prog(&g, ET_DYN, 0, "/lib/ld-linux-riscv64-lp64d.so.1");
    char *path = gen_write(&g, "dynpie", -1);
    ElfOpener o = {test_open, &opened};
    open_target = ipath;
    ck_assert_int_eq(load_t(path, &riscv64, &o), 0);
    ck_assert_str_eq(opened, "/lib/ld-linux-riscv64-lp64d.so.1");
    ck_assert_str_eq(info.interp_path, "/lib/ld-linux-riscv64-lp64d.so.1");
    check_interp(&ig, tm.ops.mmap_base);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
    free(path);
}
END_TEST

/* Two segments sharing a page: both keep their bytes, the page gets the
 * union of the protections, the bytes between them are zero. */
START_TEST(shared_page)
{
    ElfGen g;
    gen_init(&g, ET_EXEC, EM_RISCV, 0x10100);
    gen_phdr(&g, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x800, 0x800, PAGE);
    gen_phdr(&g, PT_LOAD, PF_R | PF_W, 0x900, 0x10900, 0x100, 0x1700, PAGE);
    gen_pattern(&g, 0x100, 0x700, 5);
    gen_pattern(&g, 0x900, 0x100, 6);
    gen_size(&g, 0x2000);
    gen_finish(&g);
    char *path = gen_write(&g, "shared", -1);
    tm.dirty = true;
    LOAD_OK(path);
    check_bytes(0x10000, &g, 0, 0x800);
    check_zero(0x10800, 0x100);
    check_bytes(0x10900, &g, 0x900, 0x100);
    check_zero(0x10a00, 0x12000 - 0x10a00);
    check_prot(0x10000, PAGE, RX | PROT_WRITE);
    check_prot(0x11000, PAGE, RW);
    ck_assert_uint_eq(info.start_brk, 0x12000);
    /* No PT_PHDR: found through e_phoff inside the first segment. */
    ck_assert_uint_eq(info.phdr_addr, 0x10040);
    /* No PT_GNU_STACK: executable stack, as Linux decides. */
    ck_assert(info.exec_stack);
    gen_free(&g);
    free(path);
}
END_TEST

/* Pages between segments are not mapped; bss spans several pages. */
START_TEST(gap_and_bss)
{
    ElfGen g;
    gen_init(&g, ET_EXEC, EM_RISCV, 0x400000);
    gen_phdr(&g, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1100, 0x1100, PAGE);
    gen_phdr(&g, PT_LOAD, PF_R | PF_W, 0x1f80, 0x405f80, 0x100, 0x3000, PAGE);
    gen_pattern(&g, 0x100, 0x1000, 7);
    gen_pattern(&g, 0x1f80, 0x100, 8);
    gen_size(&g, 0x3000);
    gen_finish(&g);
    char *path = gen_write(&g, "gap", -1);
    tm.dirty = true;
    LOAD_OK(path);
    check_bytes(0x400000, &g, 0, 0x1100);
    check_prot(0x400000, 0x2000, RX);
    for (uint64_t a = 0x402000; a < 0x405000; a += PAGE) {
        ck_assert_int_eq(tm_prot(&tm, a), TM_UNMAPPED);
    }
    check_zero(0x405000, 0xf80);
    check_bytes(0x405f80, &g, 0x1f80, 0x100);
    check_zero(0x406080, 0x409000 - 0x406080);
    check_prot(0x405000, 0x4000, RW);
    ck_assert_int_eq(tm_prot(&tm, 0x409000), TM_UNMAPPED);
    ck_assert_uint_eq(info.start_brk, 0x409000);
    ck_assert_uint_eq(info.end_data, 0x406080);
    ck_assert_uint_eq(tm_mapped_pages(&tm), 2 + 4);
    gen_free(&g);
    free(path);
}
END_TEST

/* Program headers outside every segment are copied to a page of their
 * own so that AT_PHDR still points at them. */
START_TEST(phdr_copied)
{
    ElfGen g;
    gen_init(&g, ET_EXEC, EM_RISCV, 0x10100);
    g.eh.e_phoff = 0x2000;
    gen_phdr(&g, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1000, 0x1000, PAGE);
    gen_phdr(&g, PT_NOTE, PF_R, 0x800, 0x10800, 0x10, 0x10, 4);
    gen_finish(&g);
    char *path = gen_write(&g, "phdrout", -1);
    LOAD_OK(path);
    ck_assert_uint_ge(info.phdr_addr, 0x11000);
    /* Not where brk starts. */
    ck_assert_uint_eq(info.start_brk, 0x11000);
    ck_assert_int_eq(tm_prot(&tm, 0x11000), TM_UNMAPPED);
    ck_assert_int_eq(tm_prot(&tm, info.phdr_addr), PROT_READ);
    ck_assert_int_eq(
        memcmp(tm_host(&tm, info.phdr_addr), g.ph, 2 * sizeof(Elf64_Phdr)), 0);
    ck_assert_uint_eq(info.phnum, 2);
    gen_free(&g);
    free(path);
}
END_TEST

/* Section headers mean nothing to a loader (Linux ignores them): garbage
 * there, as in a stripped or damaged file, does not matter. */
START_TEST(sections_ignored)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    g.eh.e_shoff = 0x7fffffffff00ull;
    g.eh.e_shnum = 0;
    g.eh.e_shstrndx = 0xffff;
    gen_finish(&g);
    char *path = gen_write(&g, "shgarbage", -1);
    LOAD_OK(path);
    check_prog(&g, 0x10000);
    free(path);
    tm_free(&tm);
    tm_init(&tm, GIB, PAGE);
    g.eh.e_shoff = 0x3f00;
    g.eh.e_shnum = 40;
    g.eh.e_shentsize = 3;
    gen_finish(&g);
    path = gen_write(&g, "shgarbage2", -1);
    LOAD_OK(path);
    check_prog(&g, 0x10000);
    gen_free(&g);
    free(path);
}
END_TEST

/* An already open program (binfmt_misc's O flag). */
START_TEST(load_from_fd)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    char *path = gen_write(&g, "exec", -1);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(elf_load_program_fd(fd, "fd-name", &riscv64, &tm.ops, NULL,
                                         &info, err, sizeof(err)),
                     0);
    check_prog(&g, 0x10000);
    /* Left open for the caller. */
    ck_assert_int_eq(fcntl(fd, F_GETFD), 0);
    close(fd);

    /* Its messages use the name given. */
    int fd2 = open("/dev/null", O_RDONLY);
    ck_assert_int_eq(elf_load_program_fd(fd2, "fd-name", &riscv64, &tm.ops,
                                         NULL, &info, err, sizeof(err)),
                     -1);
    ck_assert_str_eq(err, "fd-name: not a regular file");
    close(fd2);
    gen_free(&g);
    free(path);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad files                                                           */

/* The load must fail with exactly "path: problem", leaving no mapping. */
static void expect_fail(const char *path, const ElfTarget *t,
                        const char *problem)
{
    char want[ELF_ERR_MAX];
    snprintf(want, sizeof(want), "%s: %s", path, problem);
    int r = load_t(path, t, NULL);
    ck_assert_int_eq(r, -1);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_uint_eq(tm_mapped_pages(&tm), 0);
    ck_assert_uint_eq(info.entry, 0);
    ck_assert_uint_eq(info.start_pc, 0);
}

static void expect_bad(const char *path, const char *problem)
{
    expect_fail(path, &riscv64, problem);
}

/* Standard program with one change, written and expected to fail. */
typedef void (*Spoil)(ElfGen *g);

static void bad_prog(Spoil spoil, size_t cut, const char *problem)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    if (spoil) {
        spoil(&g);
        gen_finish(&g);
    }
    char *path = gen_write(&g, "bad", cut);
    expect_bad(path, problem);
    gen_free(&g);
    free(path);
}

START_TEST(bad_empty)
{
    char *path = gen_write_raw("empty", "", 0);
    expect_bad(path, "empty file, not an ELF executable");
    free(path);
}
END_TEST

START_TEST(bad_not_elf)
{
    char *path = gen_write_raw("text", "hello, world\n", 13);
    expect_bad(path, "not an ELF file (bad magic number)");
    free(path);
    path = gen_write_raw("short", "\177EL", 3);
    expect_bad(path, "not an ELF file (bad magic number)");
    free(path);
    path = gen_write_raw("script", "#!/bin/sh\necho hi\n", 18);
    expect_bad(path, "is a #! script, not an ELF executable");
    free(path);
}
END_TEST

START_TEST(bad_truncated_header)
{
    bad_prog(NULL, 40, "truncated ELF header (40 of 64 bytes)");
    bad_prog(NULL, 10, "truncated ELF header (10 of 64 bytes)");
    bad_prog(NULL, 17, "truncated ELF header (17 of 64 bytes)");
}
END_TEST

START_TEST(bad_truncated_phdrs)
{
    bad_prog(NULL, 64 + 56 + 10,
             "truncated program headers (4 at offset 0x40, file has 130 "
             "bytes)");
}
END_TEST

static void spoil_big_endian(ElfGen *g)
{
    g->eh.e_ident[EI_DATA] = ELFDATA2MSB;
    g->eh.e_machine = (uint16_t)(EM_RISCV << 8); /* bytes 0x00 0xf3 */
}

START_TEST(bad_big_endian)
{
    bad_prog(spoil_big_endian, -1,
             "is a big-endian ELF file, vemu-riscv64 runs little-endian "
             "ones");
}
END_TEST

/* A 32-bit header: the fields the loader reads before the class check. */
static char *write_elf32(const char *name, uint16_t machine)
{
    Elf32_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf32_Phdr);
    return gen_write_raw(name, &eh, sizeof(eh));
}

START_TEST(bad_class32)
{
    char *path = write_elf32("rv32", EM_RISCV);
    expect_bad(path, "is a 32-bit ELF file, vemu-riscv64 runs 64-bit ones");
    free(path);
    path = write_elf32("arm", EM_ARM);
    expect_bad(path, "is a 32-bit arm binary, use vemu-arm");
    free(path);
    path = write_elf32("i386", EM_386);
#if defined(__x86_64__)
    expect_bad(path, "is a 32-bit x86 binary (run it directly)");
#endif
    free(path);
}
END_TEST

static void spoil_aarch64(ElfGen *g)
{
    g->eh.e_machine = EM_AARCH64;
}

static void spoil_x86_64(ElfGen *g)
{
    g->eh.e_machine = EM_X86_64;
}

static void spoil_unknown_machine(ElfGen *g)
{
    g->eh.e_machine = 0x1234;
}

static void spoil_ppc64le(ElfGen *g)
{
    g->eh.e_machine = EM_PPC64;
}

START_TEST(bad_machine)
{
    bad_prog(spoil_aarch64, -1, "is an aarch64 binary, use vemu-aarch64");
#if defined(__x86_64__)
    bad_prog(spoil_x86_64, -1, "is an x86-64 binary (run it directly)");
#endif
    bad_prog(spoil_unknown_machine, -1, "has unknown machine type 4660");
    bad_prog(spoil_ppc64le, -1, "is a ppc64le binary, which vemu does not run");
}
END_TEST

/* The same file is fine for the right target: the message is about the
 * machine only. */
START_TEST(machine_other_target)
{
    static const ElfTarget aarch64 = {EM_AARCH64, ELFCLASS64, ELFDATA2LSB,
                                      "aarch64", NULL};
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    char *path = gen_write(&g, "rv", -1);
    expect_fail(path, &aarch64, "is a riscv64 binary, use vemu-riscv64");
    spoil_aarch64(&g);
    gen_finish(&g);
    free(path);
    path = gen_write(&g, "a64", -1);
    ck_assert_int_eq(load_t(path, &aarch64, NULL), 0);
    gen_free(&g);
    free(path);
}
END_TEST

static void spoil_class(ElfGen *g)
{
    g->eh.e_ident[EI_CLASS] = 7;
}

static void spoil_version(ElfGen *g)
{
    g->eh.e_ident[EI_VERSION] = 2;
}

static void spoil_rel(ElfGen *g)
{
    g->eh.e_type = ET_REL;
}

static void spoil_core(ElfGen *g)
{
    g->eh.e_type = ET_CORE;
}

static void spoil_phnum0(ElfGen *g)
{
    g->phnum = 0;
}

static void spoil_phent(ElfGen *g)
{
    g->eh.e_phentsize = 32;
}

static void spoil_xnum(ElfGen *g)
{
    g->eh.e_phoff = 0x100000;
    g->phnum = 0;
    gen_finish(g);
    g->eh.e_phnum = PN_XNUM;
    gen_bytes(g, 0, &g->eh, sizeof(g->eh));
}

START_TEST(bad_header_fields)
{
    bad_prog(spoil_class, -1, "invalid ELF class 7");
    bad_prog(spoil_version, -1, "unsupported ELF version 2");
    bad_prog(spoil_rel, -1, "is a relocatable object file, not an executable");
    bad_prog(spoil_core, -1, "is a core dump, not an executable");
    bad_prog(spoil_phnum0, -1, "has no program headers");
    bad_prog(spoil_phent, -1, "bad program header entry size 32 (expected 56)");
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    spoil_xnum(&g);
    char *path = gen_write(&g, "xnum", -1);
    expect_bad(path, "too many program headers (65535)");
    gen_free(&g);
    free(path);
}
END_TEST

static void spoil_beyond_eof(ElfGen *g)
{
    g->ph[2].p_filesz = 0x2000;
    g->ph[2].p_memsz = 0x2400;
}

START_TEST(bad_segment_beyond_file)
{
    bad_prog(spoil_beyond_eof, -1,
             "segment 2 extends beyond the end of the file (offset 0x2e10, "
             "size 0x2000, file has 16384 bytes)");
    /* The same by cutting the file. */
    bad_prog(NULL, 0x3000,
             "segment 2 extends beyond the end of the file (offset 0x2e10, "
             "size 0x300, file has 12288 bytes)");
}
END_TEST

static void spoil_filesz(ElfGen *g)
{
    g->ph[2].p_memsz = 0x100;
}

START_TEST(bad_filesz_gt_memsz)
{
    bad_prog(spoil_filesz, -1,
             "segment 2: file size 0x300 is larger than its memory size "
             "0x100");
}
END_TEST

static void spoil_overlap(ElfGen *g)
{
    g->ph[2].p_vaddr = 0x11010;
    g->ph[2].p_offset = 0x2010;
}

static void spoil_unsorted(ElfGen *g)
{
    g->ph[2].p_vaddr = 0xfe10;
}

static void spoil_congruence(ElfGen *g)
{
    g->ph[2].p_offset = 0x2e00;
}

START_TEST(bad_layout)
{
    bad_prog(spoil_overlap, -1,
             "unsupported segment layout: segment 2 (0x11010) overlaps the "
             "previous one (0x10000-0x11234)");
    bad_prog(spoil_unsorted, -1,
             "unsupported segment layout: PT_LOAD segments are not sorted by "
             "address (segment 2 at 0xfe10 follows 0x10000)");
    bad_prog(spoil_congruence, -1,
             "unsupported segment layout: segment 2 offset 0x2e00 and "
             "address 0x12e10 differ modulo the page size (0x1000)");
}
END_TEST

static void spoil_huge(ElfGen *g)
{
    g->ph[2].p_memsz = 0x8000000000000000ull;
}

static void spoil_wrap(ElfGen *g)
{
    g->ph[2].p_vaddr = 0xfffffffffffffe10ull;
    g->ph[2].p_offset = 0x2e10;
}

static void spoil_high(ElfGen *g)
{
    g->ph[2].p_vaddr = GIB - 0x1f0;
    g->ph[2].p_offset = 0x2e10;
}

START_TEST(bad_sizes)
{
    bad_prog(spoil_huge, -1,
             "segment 2 (address 0x12e10, size 0x8000000000000000) does not "
             "fit in the guest address space");
    bad_prog(spoil_wrap, -1,
             "segment 2 (address 0xfffffffffffffe10, size 0x2400) does not "
             "fit in the guest address space");
    /* Past addr_limit (1 GiB here). */
    bad_prog(spoil_high, -1,
             "segment 2 (address 0x3ffffe10, size 0x2400) does not fit in "
             "the guest address space");
}
END_TEST

static void spoil_entry(ElfGen *g)
{
    g->eh.e_entry = 0x20000;
}

static void spoil_no_load(ElfGen *g)
{
    g->ph[1].p_type = PT_NOTE;
    g->ph[2].p_type = PT_NOTE;
}

START_TEST(bad_entry_or_no_load)
{
    bad_prog(spoil_entry, -1,
             "entry point 0x20000 is outside every loadable segment");
    bad_prog(spoil_no_load, -1, "has no loadable segments");
}
END_TEST

START_TEST(bad_not_a_file)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/subdir", gen_tmpdir());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    expect_bad(dir, "is a directory");
    snprintf(dir, sizeof(dir), "%s/does-not-exist", gen_tmpdir());
    expect_bad(dir, "No such file or directory");
    expect_bad("/dev/null", "not a regular file");
}
END_TEST

static const char *reject_rve(uint32_t e_flags)
{
    return (e_flags & 0x8) ? "uses the RV64E base ISA" : NULL;
}

static void spoil_rve(ElfGen *g)
{
    g->eh.e_flags = 0x8 | 0x4;
}

START_TEST(bad_flags)
{
    ElfTarget t = riscv64;
    t.check_flags = reject_rve;
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, NULL);
    char *path = gen_write(&g, "rv", -1);
    ck_assert_int_eq(load_t(path, &t, NULL), 0);
    free(path);
    /* Fresh memory: the ET_EXEC pages of the first load are still there. */
    tm_free(&tm);
    tm_init(&tm, GIB, PAGE);
    spoil_rve(&g);
    gen_finish(&g);
    path = gen_write(&g, "rve", -1);
    expect_fail(path, &t, "uses the RV64E base ISA (e_flags 0xc)");
    gen_free(&g);
    free(path);
}
END_TEST

/* Interpreter problems: the message names the program or the interpreter
 * and nothing of the program stays mapped. */
START_TEST(bad_interp_missing)
{
    ElfGen g;
    make_prog(&g, ET_DYN, 0, "/nonexistent/ld-vemu.so.1");
    char *path = gen_write(&g, "dyn", -1);
    expect_bad(path, "cannot open interpreter /nonexistent/ld-vemu.so.1: No "
                     "such file or directory");
    gen_free(&g);
    free(path);
}
END_TEST

static void expect_interp_fail(ElfGen *ig, const char *ipath,
                               const char *problem)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, ipath);
    char *path = gen_write(&g, "dyn", -1);
    char want[ELF_ERR_MAX];
    snprintf(want, sizeof(want), "%s (interpreter of %s): %s", ipath, path,
             problem);
    ck_assert_int_eq(load(path), -1);
    ck_assert_str_eq(err, want);
    ck_assert_uint_eq(tm_mapped_pages(&tm), 0);
    gen_free(&g);
    free(path);
}

START_TEST(bad_interp_has_interp)
{
    ElfGen ig;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, "/lib/other.so");
    expect_interp_fail(&ig, ipath,
                       "has an interpreter of its own (PT_INTERP), so it "
                       "cannot be one");
    gen_free(&ig);
    free(ipath);
}
END_TEST

START_TEST(bad_interp_machine)
{
    ElfGen ig;
    char *ipath = make_interp(&ig, "ld.so", EM_AARCH64, NULL);
    expect_interp_fail(&ig, ipath, "is an aarch64 binary, use vemu-aarch64");
    gen_free(&ig);
    free(ipath);
}
END_TEST

START_TEST(bad_interp_truncated)
{
    ElfGen ig;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, NULL);
    free(ipath);
    ipath = gen_write(&ig, "ld.so", 0x1000);
    expect_interp_fail(&ig, ipath,
                       "segment 1 extends beyond the end of the file (offset "
                       "0x1f00, size 0x80, file has 4096 bytes)");
    gen_free(&ig);
    free(ipath);
}
END_TEST

static void spoil_interp_nul(ElfGen *g)
{
    /* PT_INTERP without its terminating NUL. */
    g->ph[1].p_filesz -= 1;
}

START_TEST(bad_interp_overlaps)
{
    ElfGen ig;
    char *ipath = make_exec_interp(&ig, 0x11000);
    expect_interp_fail(&ig, ipath,
                       "its segments (0x11000-0x12000) overlap the program's "
                       "(0x10000-0x16000)");
    gen_free(&ig);
    free(ipath);
}
END_TEST

START_TEST(bad_interp_path)
{
    ElfGen g;
    make_prog(&g, ET_EXEC, 0x10000, "/lib/ld.so");
    spoil_interp_nul(&g);
    gen_finish(&g);
    char *path = gen_write(&g, "dyn", -1);
    expect_bad(path, "malformed interpreter path");
    gen_free(&g);
    free(path);
}
END_TEST

/* The memory manager refusing: the interpreter cannot be mapped, the
 * program's mapping is undone. */
START_TEST(bad_map_fails)
{
    ElfGen ig;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, NULL);
    tm.fail_map_after = 1;
    expect_interp_fail(&ig, ipath,
                       "cannot map 0x4000 bytes: Cannot allocate memory");
    gen_free(&ig);
    free(ipath);
}
END_TEST

/* A path with a newline still gives one line. */
START_TEST(bad_path_newline)
{
    char *path = gen_write_raw("two\nlines", "junk", 4);
    ck_assert_int_eq(load(path), -1);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_ptr_nonnull(strstr(err, "two?lines: not an ELF file"));
    free(path);
}
END_TEST

/* Without an error buffer the message goes to stderr, prefixed "vemu: ",
 * as exactly one line. */
START_TEST(message_on_stderr)
{
    char *path = gen_write_raw("text", "hello", 5);
    char cap[512];
    snprintf(cap, sizeof(cap), "%s/stderr", gen_tmpdir());
    int fd = open(cap, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    int r = elf_load_program(path, &riscv64, &tm.ops, NULL, &info, NULL, 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ck_assert_int_eq(r, -1);

    char got[1024] = "";
    ssize_t n = pread(fd, got, sizeof(got) - 1, 0);
    ck_assert_int_ge(n, 0);
    got[n] = '\0';
    close(fd);
    char want[1024];
    snprintf(want, sizeof(want),
             "vemu: %s: not an ELF file (bad magic "
             "number)\n",
             path);
    ck_assert_str_eq(got, want);
    free(path);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Damaged files never crash                                           */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t edge_values[] = {
    0,
    1,
    0x40,
    0xfff,
    0x1000,
    0x2e10,
    0x3fff,
    0x4000,
    0x10000,
    0x7fffffff,
    0xffffffff,
    0x3fffffff,
    0x40000000,
    0x8000000000000000ull,
    0xfffffffffffff000ull,
    0xffffffffffffffffull,
};

/* Load one damaged file into fresh memory; it may load or fail, but a
 * failure is one line naming the file and leaves nothing mapped. */
static int damaged_ok, damaged_bad;

static void try_damaged(ElfGen *g, size_t cut, const char *ipath)
{
    char *path = gen_write(g, "damaged", cut);
    tm_free(&tm);
    tm_init(&tm, GIB, PAGE);
    int r = load(path);
    if (r == 0) {
        damaged_ok++;
        ck_assert_ptr_nonnull(tm.ops.g2h(&tm, info.start_pc));
        ck_assert_ptr_nonnull(tm.ops.g2h(&tm, info.phdr_addr));
    } else {
        damaged_bad++;
        ck_assert_int_eq(r, -1);
        ck_assert_msg(strncmp(err, path, strlen(path)) == 0 ||
                          strncmp(err, ipath, strlen(ipath)) == 0,
                      "message does not name the file: %s", err);
        ck_assert_ptr_null(strchr(err, '\n'));
        ck_assert_uint_gt(strlen(err), strlen(path) + 2);
        ck_assert_uint_eq(tm_mapped_pages(&tm), 0);
    }
    free(path);
}

START_TEST(damaged_files)
{
    ElfGen ig, g;
    char *ipath = make_interp(&ig, "ld.so", EM_RISCV, NULL);
    make_prog(&g, ET_DYN, 0, ipath);

    /* Every cut through the headers, then a coarser walk. */
    for (size_t cut = 0; cut < 0x200; cut++) {
        try_damaged(&g, cut, ipath);
    }
    for (size_t cut = 0x200; cut < g.size; cut += 0x35) {
        try_damaged(&g, cut, ipath);
    }
    /* Random header bytes and edge values in program header fields. */
    uint8_t *orig = malloc(g.size);
    memcpy(orig, g.buf, g.size);
    for (int iter = 0; iter < 1500; iter++) {
        memcpy(g.buf, orig, g.size);
        int n = 1 + (int)(rng() % 4);
        for (int k = 0; k < n; k++) {
            if (rng() % 2) {
                g.buf[rng() % 0x180] = (uint8_t)rng();
            } else {
                /* One 8-byte field of a program header. */
                size_t ph = rng() % 5, field = rng() % 7;
                uint64_t v = edge_values[rng() % (sizeof(edge_values) /
                                                  sizeof(edge_values[0]))];
                if (field == 0) {
                    uint32_t t = (uint32_t)(rng() % 8);
                    memcpy(g.buf + 0x40 + ph * 56, &t, 4);
                } else {
                    memcpy(g.buf + 0x40 + ph * 56 + field * 8, &v, 8);
                }
            }
        }
        try_damaged(&g, -1, ipath);
    }
    /* Both outcomes happen, or the mutations test nothing. */
    ck_assert_int_gt(damaged_ok, 100);
    ck_assert_int_gt(damaged_bad, 1000);
    free(orig);
    gen_free(&ig);
    gen_free(&g);
    free(ipath);
}
END_TEST

static Suite *loader_suite(void)
{
    Suite *s = suite_create("elf-load");
    TCase *good = tcase_create("good");
    tcase_add_checked_fixture(good, setup, teardown);
    tcase_add_test(good, exec_loads);
    tcase_add_test(good, dyn_loads);
    tcase_add_test(good, dyn_mmap_base);
    tcase_add_test(good, dyn_aligned);
    tcase_add_test(good, pie_with_interp);
    tcase_add_test(good, exec_with_interp);
    tcase_add_test(good, interp_opener);
    tcase_add_test(good, exec_interp);
    tcase_add_test(good, shared_page);
    tcase_add_test(good, gap_and_bss);
    tcase_add_test(good, phdr_copied);
    tcase_add_test(good, sections_ignored);
    tcase_add_test(good, load_from_fd);
    tcase_add_test(good, machine_other_target);
    suite_add_tcase(s, good);

    TCase *bad = tcase_create("bad");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, bad_empty);
    tcase_add_test(bad, bad_not_elf);
    tcase_add_test(bad, bad_truncated_header);
    tcase_add_test(bad, bad_truncated_phdrs);
    tcase_add_test(bad, bad_big_endian);
    tcase_add_test(bad, bad_class32);
    tcase_add_test(bad, bad_machine);
    tcase_add_test(bad, bad_header_fields);
    tcase_add_test(bad, bad_segment_beyond_file);
    tcase_add_test(bad, bad_filesz_gt_memsz);
    tcase_add_test(bad, bad_layout);
    tcase_add_test(bad, bad_sizes);
    tcase_add_test(bad, bad_entry_or_no_load);
    tcase_add_test(bad, bad_not_a_file);
    tcase_add_test(bad, bad_flags);
    tcase_add_test(bad, bad_interp_missing);
    tcase_add_test(bad, bad_interp_has_interp);
    tcase_add_test(bad, bad_interp_machine);
    tcase_add_test(bad, bad_interp_truncated);
    tcase_add_test(bad, bad_interp_overlaps);
    tcase_add_test(bad, bad_interp_path);
    tcase_add_test(bad, bad_map_fails);
    tcase_add_test(bad, bad_path_newline);
    tcase_add_test(bad, message_on_stderr);
    suite_add_tcase(s, bad);

    TCase *fuzz = tcase_create("damaged");
    tcase_add_checked_fixture(fuzz, setup, teardown);
    tcase_set_timeout(fuzz, 60);
    tcase_add_test(fuzz, damaged_files);
    suite_add_tcase(s, fuzz);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

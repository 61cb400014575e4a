/*
 * The system call layer through its one entry point, vemu_syscall, with a
 * fake CPU, the asm-generic numbering (as a riscv64 guest) and real guest
 * memory: a fresh 36-bit guest space per test with one read-write buffer
 * area at BUF. Guest numbers, flag values and structure offsets below are
 * written from the Linux ABI (asm-generic unistd.h, fcntl.h, stat.h...),
 * independently of linux-user/generic/, so a wrong table or layout there
 * fails here. Results are compared with what the host kernel says about
 * the same files.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/guest-mem.h"
#include "linux-user/sysroot.h"
#include "syscall/internal.h"
#include "syscall/syscall.h"

#define BITS 36
#define MMAP_BASE ((1ull << BITS) - (1ull << 30))
#define PG GUEST_PAGE_SIZE
#define BUF_PAGES 64
#define UNMAPPED 0x10000ull /* never mapped in these tests */

/* asm-generic syscall numbers. */
enum {
    NR_io_setup = 0,
    NR_getcwd = 17,
    NR_dup3 = 24,
    NR_fcntl = 25,
    NR_ioctl = 29,
    NR_mkdirat = 34,
    NR_unlinkat = 35,
    NR_symlinkat = 36,
    NR_linkat = 37,
    NR_statfs = 43,
    NR_ftruncate = 46,
    NR_faccessat = 48,
    NR_chdir = 49,
    NR_fchmodat = 53,
    NR_openat = 56,
    NR_close = 57,
    NR_pipe2 = 59,
    NR_ppoll = 73,
    NR_futex = 98,
    NR_getdents64 = 61,
    NR_lseek = 62,
    NR_read = 63,
    NR_write = 64,
    NR_readv = 65,
    NR_writev = 66,
    NR_pread64 = 67,
    NR_readlinkat = 78,
    NR_newfstatat = 79,
    NR_fstat = 80,
    NR_utimensat = 88,
    NR_exit = 93,
    NR_exit_group = 94,
    NR_set_tid_address = 96,
    NR_set_robust_list = 99,
    NR_nanosleep = 101,
    NR_clock_gettime = 113,
    NR_sched_getaffinity = 123,
    NR_sigaltstack = 132,
    NR_rt_sigaction = 134,
    NR_rt_sigprocmask = 135,
    NR_getresuid = 148,
    NR_times = 153,
    NR_uname = 160,
    NR_umask = 166,
    NR_prctl = 167,
    NR_gettimeofday = 169,
    NR_getpid = 172,
    NR_gettid = 178,
    NR_sysinfo = 179,
    NR_brk = 214,
    NR_munmap = 215,
    NR_mmap = 222,
    NR_mprotect = 226,
    NR_prlimit64 = 261,
    NR_renameat2 = 276,
    NR_getrandom = 278,
    NR_statx = 291,
    NR_rseq = 293,
    NR_faccessat2 = 439,
};

/* asm-generic flag values. */
#define G_AT_FDCWD ((uint64_t)-100)
#define G_O_RDONLY 0
#define G_O_WRONLY 01
#define G_O_RDWR 02
#define G_O_CREAT 0100
#define G_O_TRUNC 01000
#define G_O_APPEND 02000
#define G_O_NONBLOCK 04000
#define G_O_LARGEFILE 0100000
#define G_O_DIRECTORY 0200000
#define G_O_CLOEXEC 02000000
#define G_AT_SYMLINK_NOFOLLOW 0x100
#define G_AT_REMOVEDIR 0x200
#define G_PROT_READ 1
#define G_PROT_WRITE 2
#define G_MAP_PRIVATE 2
#define G_MAP_FIXED 0x10
#define G_MAP_ANONYMOUS 0x20

static CPUState the_cpu;
static SyscallArch arch;
static uint64_t BUF;
static char tmpdir[64];

static int64_t call(int nr, const uint64_t *a)
{
    return vemu_syscall(&the_cpu, &arch, nr, a);
}
#define SC(nr, ...) call((nr), (const uint64_t[6]){__VA_ARGS__})
#define SC0(nr) call((nr), (const uint64_t[6]){0})

/* A guest copy of s at BUF + off. */
static uint64_t gstr(uint64_t off, const char *s)
{
    ck_assert_int_eq(guest_copy_to(BUF + off, s, strlen(s) + 1), 0);
    return BUF + off;
}

static void gread(void *dst, uint64_t addr, size_t len)
{
    ck_assert_int_eq(guest_copy_from(dst, addr, len), 0);
}

static uint64_t u64_at(const uint8_t *p, size_t off)
{
    uint64_t v;
    memcpy(&v, p + off, 8);
    return v;
}

static uint32_t u32_at(const uint8_t *p, size_t off)
{
    uint32_t v;
    memcpy(&v, p + off, 4);
    return v;
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
}

static void setup(void)
{
    ck_assert_int_eq(guest_mem_init(BITS, MMAP_BASE), 0);
    int64_t a = guest_mmap(0, BUF_PAGES * PG, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_gt(a, 0);
    BUF = (uint64_t)a;
    arch = (SyscallArch){.machine = "riscv64",
                         .names = syscall_generic_names,
                         .nr_count = syscall_generic_nr_count};
    ck_assert_int_eq(syscall_arch_init(&arch), 0);
    strcpy(tmpdir, "/tmp/vemu-sc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    syscall_strace = false;
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    sysroot_set(NULL);
    guest_mem_fini();
}

START_TEST(numbering)
{
    /* The asm-generic numbers the first programs need, from unistd.h. */
    static const struct {
        int nr;
        const char *name;
    } want[] = {
        {17, "getcwd"},
        {25, "fcntl"},
        {29, "ioctl"},
        {48, "faccessat"},
        {56, "openat"},
        {57, "close"},
        {61, "getdents64"},
        {62, "lseek"},
        {63, "read"},
        {64, "write"},
        {66, "writev"},
        {78, "readlinkat"},
        {79, "newfstatat"},
        {80, "fstat"},
        {93, "exit"},
        {94, "exit_group"},
        {96, "set_tid_address"},
        {99, "set_robust_list"},
        {113, "clock_gettime"},
        {134, "rt_sigaction"},
        {135, "rt_sigprocmask"},
        {160, "uname"},
        {172, "getpid"},
        {178, "gettid"},
        {214, "brk"},
        {215, "munmap"},
        {216, "mremap"},
        {220, "clone"},
        {221, "execve"},
        {222, "mmap"},
        {226, "mprotect"},
        {233, "madvise"},
        {261, "prlimit64"},
        {276, "renameat2"},
        {278, "getrandom"},
        {291, "statx"},
        {293, "rseq"},
        {435, "clone3"},
        {439, "faccessat2"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const char *n = syscall_name(&arch, want[i].nr);
        ck_assert_msg(n && !strcmp(n, want[i].name), "%d: %s, want %s",
                      want[i].nr, n ? n : "(none)", want[i].name);
    }
    ck_assert_ptr_null(syscall_name(&arch, 244)); /* arch-specific base */
    /* Every name once. */
    for (unsigned i = 0; i < syscall_generic_nr_count; i++) {
        for (unsigned j = 0; j < i && syscall_generic_names[i]; j++) {
            ck_assert_msg(!syscall_generic_names[j] ||
                              strcmp(syscall_generic_names[i],
                                     syscall_generic_names[j]) != 0,
                          "%s numbered %u and %u", syscall_generic_names[i], j,
                          i);
        }
    }
    /* A list naming an implemented call twice is refused. */
    static const char *const twice[] = {[3] = "read", [7] = "read"};
    SyscallArch bad = {.machine = "bad", .names = twice, .nr_count = 8};
    ck_assert_int_eq(syscall_arch_init(&bad), -1);
    ck_assert_ptr_null(syscall_name(&arch, -1));
    ck_assert_ptr_null(syscall_name(&arch, 100000));
}
END_TEST

/* The reference for syscall_arch_init's name index: the table entry
 * (index + 1) whose name equals name by linear search, or 0. */
static unsigned ref_find(const char *name)
{
    for (unsigned i = 0; i < syscall_table_size; i++) {
        if (!strcmp(syscall_table[i].name, name)) {
            return i + 1;
        }
    }
    return 0;
}

static void check_index(const SyscallArch *a)
{
    for (unsigned nr = 0; nr < a->nr_count; nr++) {
        unsigned want = a->names[nr] ? ref_find(a->names[nr]) : 0;
        ck_assert_msg(a->impl_index[nr] == want, "%u (%s): %u, want %u", nr,
                      a->names[nr] ? a->names[nr] : "(none)",
                      a->impl_index[nr], want);
    }
}

START_TEST(name_index)
{
    /* The real list against the linear search. */
    check_index(&arch);
    /* Every table name at a random number, mixed with near misses
     * (prefixes, extensions, one letter changed, empty) and holes. */
    enum { N = 2048 };
    static char buf[N][64];
    static const char *names[N];
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        memset(names, 0, sizeof(names));
        for (unsigned i = 0; i < syscall_table_size; i++) {
            unsigned nr;
            do {
                seed = seed * 1103515245u + 12345u;
                nr = (seed >> 8) % N;
            } while (names[nr]);
            names[nr] = syscall_table[i].name;
        }
        for (unsigned nr = 0; nr < N; nr++) {
            if (names[nr]) {
                continue;
            }
            seed = seed * 1103515245u + 12345u;
            const char *base =
                syscall_table[(seed >> 8) % syscall_table_size].name;
            size_t len = strlen(base);
            switch ((seed >> 20) % 6) {
            case 0:
                break; /* hole */
            case 1:
                snprintf(buf[nr], sizeof(buf[nr]), "%.*s", (int)(len - 1),
                         base);
                names[nr] = buf[nr];
                break;
            case 2:
                snprintf(buf[nr], sizeof(buf[nr]), "%s%c", base,
                         'a' + (int)(seed % 26));
                names[nr] = buf[nr];
                break;
            case 3:
                snprintf(buf[nr], sizeof(buf[nr]), "%s", base);
                buf[nr][(seed >> 4) % len] ^= 0x20;
                names[nr] = buf[nr];
                break;
            case 4:
                names[nr] = "";
                break;
            default:
                snprintf(buf[nr], sizeof(buf[nr]), "sys_%u", seed);
                names[nr] = buf[nr];
                break;
            }
            if (names[nr] && ref_find(names[nr])) {
                names[nr] = NULL; /* "writev" cut is "write": placed */
            }
        }
        SyscallArch a = {.machine = "mix", .names = names, .nr_count = N};
        ck_assert_int_eq(syscall_arch_init(&a), 0);
        check_index(&a);
        for (unsigned i = 0; i < syscall_table_size; i++) {
            /* Each table name was placed once, so each entry is reached
             * (the first of any duplicate names, as the search finds). */
            unsigned e = ref_find(syscall_table[i].name);
            bool found = false;
            for (unsigned nr = 0; nr < N && !found; nr++) {
                found = a.impl_index[nr] == e;
            }
            ck_assert_msg(found, "%s not connected", syscall_table[i].name);
        }
        free((void *)a.impl_index);
    }
}
END_TEST

START_TEST(pipe_write_read)
{
    ck_assert_int_eq(SC(NR_pipe2, BUF, G_O_CLOEXEC), 0);
    int32_t fds[2];
    gread(fds, BUF, sizeof(fds));
    ck_assert_int_ge(fds[0], 0);
    ck_assert_int_ge(fds[1], 0);
    ck_assert_int_eq(fcntl(fds[0], F_GETFD), FD_CLOEXEC);

    uint64_t msg = gstr(256, "hello, pipe");
    ck_assert_int_eq(SC(NR_write, fds[1], msg, 11), 11);
    ck_assert_int_eq(SC(NR_read, fds[0], BUF + 512, 100), 11);
    char got[12] = {0};
    gread(got, BUF + 512, 11);
    ck_assert_str_eq(got, "hello, pipe");

    /* Vectored: two pieces out, two pieces in. */
    uint64_t iov[4] = {gstr(1024, "ab"), 2, gstr(1040, "cde"), 3};
    ck_assert_int_eq(guest_copy_to(BUF + 1100, iov, sizeof(iov)), 0);
    ck_assert_int_eq(SC(NR_writev, fds[1], BUF + 1100, 2), 5);
    uint64_t riov[4] = {BUF + 1200, 1, BUF + 1300, 4};
    ck_assert_int_eq(guest_copy_to(BUF + 1100, riov, sizeof(riov)), 0);
    ck_assert_int_eq(SC(NR_readv, fds[0], BUF + 1100, 2), 5);
    char a[1], b[4];
    gread(a, BUF + 1200, 1);
    gread(b, BUF + 1300, 4);
    ck_assert_int_eq(a[0], 'a');
    ck_assert_int_eq(memcmp(b, "bcde", 4), 0);
    ck_assert_int_eq(SC(NR_readv, fds[0], BUF + 1100, -1), -EINVAL);

    ck_assert_int_eq(SC(NR_close, fds[0]), 0);
    ck_assert_int_eq(SC(NR_close, fds[1]), 0);
    ck_assert_int_eq(SC(NR_close, fds[1]), -EBADF);
}
END_TEST

START_TEST(open_read_close)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/file.txt", tmpdir);
    write_file(path, "0123456789");

    uint64_t gp = gstr(0, path);
    int64_t fd = SC(NR_openat, G_AT_FDCWD, gp, G_O_RDONLY | G_O_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fcntl((int)fd, F_GETFD), FD_CLOEXEC);
    ck_assert_int_eq(SC(NR_read, fd, BUF + 512, 4), 4);
    char got[5] = {0};
    gread(got, BUF + 512, 4);
    ck_assert_str_eq(got, "0123");
    ck_assert_int_eq(SC(NR_lseek, fd, -2, SEEK_END), 8);
    ck_assert_int_eq(SC(NR_read, fd, BUF + 512, 100), 2);
    ck_assert_int_eq(SC(NR_read, fd, BUF + 512, 100), 0);
    ck_assert_int_eq(SC(NR_pread64, fd, BUF + 512, 3, 5), 3);
    gread(got, BUF + 512, 3);
    got[3] = 0;
    ck_assert_str_eq(got, "567");
    ck_assert_int_eq(SC(NR_close, fd), 0);

    /* Relative to a directory fd. */
    int64_t dfd = SC(NR_openat, G_AT_FDCWD, gstr(0, tmpdir),
                     G_O_RDONLY | G_O_DIRECTORY, 0);
    ck_assert_int_ge(dfd, 0);
    fd = SC(NR_openat, dfd, gstr(0, "file.txt"), G_O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    SC(NR_close, fd);
    SC(NR_close, dfd);

    /* Create, write, check on the host; O_APPEND shows in F_GETFL. */
    snprintf(path, sizeof(path), "%s/new.txt", tmpdir);
    fd = SC(NR_openat, G_AT_FDCWD, gstr(0, path),
            G_O_WRONLY | G_O_CREAT | G_O_TRUNC | G_O_APPEND, 0640);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(SC(NR_write, fd, gstr(512, "data"), 4), 4);
    int64_t fl = SC(NR_fcntl, fd, 3 /* F_GETFL */, 0);
    ck_assert_int_eq(fl & 03, G_O_WRONLY);
    ck_assert(fl & G_O_APPEND);
    ck_assert(fl & G_O_LARGEFILE);
    ck_assert_int_eq(SC(NR_fcntl, fd, 4 /* F_SETFL */, G_O_NONBLOCK), 0);
    ck_assert(fcntl((int)fd, F_GETFL) & O_NONBLOCK);
    ck_assert_int_eq(SC(NR_fcntl, fd, 2 /* F_SETFD */, 1), 0);
    ck_assert_int_eq(SC(NR_fcntl, fd, 1 /* F_GETFD */, 0), 1);
    int64_t fd2 = SC(NR_fcntl, fd, 1030 /* F_DUPFD_CLOEXEC */, 100);
    ck_assert_int_ge(fd2, 100);
    ck_assert_int_eq(SC(NR_dup3, fd, fd2, 1 /* not O_CLOEXEC */), -EINVAL);
    ck_assert_int_eq(SC(NR_fcntl, fd, 9999, 0), -EINVAL);
    SC(NR_close, fd2);
    SC(NR_close, fd);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 4);
    ck_assert_int_eq(st.st_mode & 0777, 0640 & ~(unsigned)umask(022));

    /* Errors come back as -errno. */
    ck_assert_int_eq(
        SC(NR_openat, G_AT_FDCWD, gstr(0, "/nonexistent/x"), G_O_RDONLY, 0),
        -ENOENT);
    ck_assert_int_eq(SC(NR_read, 9999, BUF, 1), -EBADF);
}
END_TEST

START_TEST(newfstatat_layout)
{
    char path[128], link[128];
    snprintf(path, sizeof(path), "%s/f", tmpdir);
    snprintf(link, sizeof(link), "%s/l", tmpdir);
    write_file(path, "twelve bytes");
    ck_assert_int_eq(symlink("f", link), 0);
    struct stat h;
    ck_assert_int_eq(stat(path, &h), 0);

    memset(g2h(BUF + 1024), 0xa5, 256); /* poison, incl. past the end */
    ck_assert_int_eq(
        SC(NR_newfstatat, G_AT_FDCWD, gstr(0, path), BUF + 1024, 0), 0);
    uint8_t t[256];
    gread(t, BUF + 1024, sizeof(t));
    /* asm-generic struct stat offsets. */
    ck_assert_uint_eq(u64_at(t, 0), h.st_dev);
    ck_assert_uint_eq(u64_at(t, 8), h.st_ino);
    ck_assert_uint_eq(u32_at(t, 16), h.st_mode);
    ck_assert_uint_eq(u32_at(t, 20), h.st_nlink);
    ck_assert_uint_eq(u32_at(t, 24), h.st_uid);
    ck_assert_uint_eq(u32_at(t, 28), h.st_gid);
    ck_assert_uint_eq(u64_at(t, 32), h.st_rdev);
    ck_assert_uint_eq(u64_at(t, 40), 0);
    ck_assert_uint_eq(u64_at(t, 48), 12);
    ck_assert_uint_eq(u32_at(t, 56), (uint32_t)h.st_blksize);
    ck_assert_uint_eq(u32_at(t, 60), 0);
    ck_assert_uint_eq(u64_at(t, 64), (uint64_t)h.st_blocks);
    ck_assert_uint_eq(u64_at(t, 72), (uint64_t)h.st_atim.tv_sec);
    ck_assert_uint_eq(u64_at(t, 80), (uint64_t)h.st_atim.tv_nsec);
    ck_assert_uint_eq(u64_at(t, 88), (uint64_t)h.st_mtim.tv_sec);
    ck_assert_uint_eq(u64_at(t, 96), (uint64_t)h.st_mtim.tv_nsec);
    ck_assert_uint_eq(u64_at(t, 104), (uint64_t)h.st_ctim.tv_sec);
    ck_assert_uint_eq(u64_at(t, 112), (uint64_t)h.st_ctim.tv_nsec);
    ck_assert_uint_eq(u64_at(t, 120), 0);
    ck_assert_uint_eq(t[128], 0xa5); /* 128 bytes exactly */

    /* fstat gives the same bytes. */
    int64_t fd = SC(NR_openat, G_AT_FDCWD, gstr(0, path), G_O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(SC(NR_fstat, fd, BUF + 2048), 0);
    uint8_t t2[128];
    gread(t2, BUF + 2048, sizeof(t2));
    ck_assert_int_eq(memcmp(t, t2, 72), 0); /* before the atime */
    SC(NR_close, fd);

    /* Following or not following the link. */
    ck_assert_int_eq(
        SC(NR_newfstatat, G_AT_FDCWD, gstr(0, link), BUF + 1024, 0), 0);
    gread(t, BUF + 1024, 128);
    ck_assert(S_ISREG(u32_at(t, 16)));
    ck_assert_int_eq(SC(NR_newfstatat, G_AT_FDCWD, gstr(0, link), BUF + 1024,
                        G_AT_SYMLINK_NOFOLLOW),
                     0);
    gread(t, BUF + 1024, 128);
    ck_assert(S_ISLNK(u32_at(t, 16)));
    ck_assert_uint_eq(u64_at(t, 48), 1); /* "f" */
    ck_assert_int_eq(SC(NR_newfstatat, G_AT_FDCWD, gstr(0, link), BUF + 1024,
                        0x4000000 /* unknown flag */),
                     -EINVAL);

    /* statx: mask and the basic fields at their offsets. */
    ck_assert_int_eq(SC(NR_statx, G_AT_FDCWD, gstr(0, path), 0,
                        0x7ff /* STATX_BASIC_STATS */, BUF + 1024),
                     0);
    gread(t, BUF + 1024, 256);
    ck_assert_uint_eq(u32_at(t, 0) & 0x7ff, 0x7ff);
    ck_assert_uint_eq(u32_at(t, 16), h.st_nlink);
    ck_assert_uint_eq(t[28] | (t[29] << 8), h.st_mode);
    ck_assert_uint_eq(u64_at(t, 32), h.st_ino);
    ck_assert_uint_eq(u64_at(t, 40), 12);
    ck_assert_uint_eq(u64_at(t, 112), (uint64_t)h.st_mtim.tv_sec);
    ck_assert_uint_eq(u32_at(t, 120), (uint32_t)h.st_mtim.tv_nsec);
}
END_TEST

START_TEST(getdents_lists_dir)
{
    const char *names[] = {"a", "bb", "a-much-longer-file-name"};
    char path[256];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        write_file(path, "x");
    }
    snprintf(path, sizeof(path), "%s/sub", tmpdir);
    ck_assert_int_eq(mkdir(path, 0755), 0);

    int64_t fd = SC(NR_openat, G_AT_FDCWD, gstr(0, tmpdir),
                    G_O_RDONLY | G_O_DIRECTORY, 0);
    ck_assert_int_ge(fd, 0);
    int found = 0, total = 0;
    for (;;) {
        int64_t n = SC(NR_getdents64, fd, BUF + 4096, 4096);
        ck_assert_int_ge(n, 0);
        if (n == 0) {
            break;
        }
        uint8_t d[4096];
        gread(d, BUF + 4096, (size_t)n);
        for (int64_t off = 0; off < n;) {
            uint16_t reclen = (uint16_t)(d[off + 16] | (d[off + 17] << 8));
            uint8_t type = d[off + 18];
            const char *name = (const char *)d + off + 19;
            ck_assert_int_eq(reclen % 8, 0);
            ck_assert_int_ge(reclen, 19 + strlen(name) + 1);
            ck_assert_uint_ne(u64_at(d + off, 0), 0); /* d_ino */
            for (int i = 0; i < 3; i++) {
                if (!strcmp(name, names[i])) {
                    ck_assert_int_eq(type, DT_REG);
                    found |= 1 << i;
                }
            }
            if (!strcmp(name, "sub")) {
                ck_assert_int_eq(type, DT_DIR);
                found |= 8;
            }
            total++;
            off += reclen;
        }
    }
    ck_assert_int_eq(found, 15);
    ck_assert_int_eq(total, 6); /* with . and .. */
    ck_assert_int_eq(SC(NR_getdents64, fd, UNMAPPED, 4096), -EFAULT);
    SC(NR_close, fd);
}
END_TEST

/* futex passes through with translated addresses: the host's answers for
 * a value mismatch, a timeout and a wake with nobody waiting; bad guest
 * addresses fail with -EFAULT, never a host fault. */
START_TEST(futex_basic)
{
    uint32_t word = 5;
    ck_assert_int_eq(guest_copy_to(BUF, &word, 4), 0);
    /* FUTEX_WAIT with the wrong expected value: -EAGAIN at once. */
    ck_assert_int_eq(SC(NR_futex, BUF, 0 | 128, 6, 0, 0, 0), -EAGAIN);
    /* FUTEX_WAIT with the right value and a 20 ms timeout. */
    int64_t ts[2] = {0, 20 * 1000 * 1000};
    ck_assert_int_eq(guest_copy_to(BUF + 64, ts, sizeof(ts)), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(SC(NR_futex, BUF, 0 | 128, 5, BUF + 64, 0, 0), -ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t ns =
        (t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
    ck_assert_int_ge(ns, 15 * 1000 * 1000);
    /* FUTEX_WAKE with no waiter wakes nobody. */
    ck_assert_int_eq(SC(NR_futex, BUF, 1 | 128, 1, 0, 0, 0), 0);
    /* Addresses outside guest memory. */
    ck_assert_int_eq(SC(NR_futex, UNMAPPED, 1, 1, 0, 0, 0), -EFAULT);
    ck_assert_int_eq(SC(NR_futex, BUF, 0, 5, UNMAPPED, 0, 0), -EFAULT);
    ck_assert_int_eq(SC(NR_futex, BUF, 3 /* REQUEUE */, 1, 1, UNMAPPED, 0),
                     -EFAULT);
}
END_TEST

/* ppoll on a pipe: nothing to read times out (and the time left is
 * written back as 0); after a write, POLLIN is reported in place. */
START_TEST(ppoll_pipe)
{
    ck_assert_int_eq(SC(NR_pipe2, BUF, 0), 0);
    int32_t fds[2];
    gread(fds, BUF, sizeof(fds));
    struct {
        int32_t fd;
        int16_t events, revents;
    } pfd = {fds[0], POLLIN, 0};
    ck_assert_int_eq(guest_copy_to(BUF + 128, &pfd, sizeof(pfd)), 0);
    int64_t ts[2] = {0, 10 * 1000 * 1000};
    ck_assert_int_eq(guest_copy_to(BUF + 192, ts, sizeof(ts)), 0);
    ck_assert_int_eq(SC(NR_ppoll, BUF + 128, 1, BUF + 192, 0, 8), 0);
    gread(ts, BUF + 192, sizeof(ts));
    ck_assert_int_eq(ts[0], 0);
    ck_assert_int_eq(ts[1], 0);
    ck_assert_int_eq(write(fds[1], "x", 1), 1);
    ck_assert_int_eq(SC(NR_ppoll, BUF + 128, 1, 0, 0, 8), 1);
    gread(&pfd, BUF + 128, sizeof(pfd));
    ck_assert_int_eq(pfd.revents, POLLIN);
    ck_assert_int_eq(SC(NR_ppoll, UNMAPPED, 1, 0, 0, 8), -EFAULT);
    ck_assert_int_eq(SC(NR_ppoll, BUF + 128, 1, 0, BUF, 4), -EINVAL);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* pipe2 rejects flags Linux rejects; the pty and terminal requests glibc's
 * openpty/grantpt/unlockpt and tcflush/tcdrain use reach the host (before,
 * every one of them was -ENOTTY). */
START_TEST(pipe2_flags_and_pty_ioctls)
{
    ck_assert_int_eq(SC(NR_pipe2, BUF, 0x1), -EINVAL);
    uint64_t gp = gstr(512, "/dev/ptmx");
    int64_t fd = SC(NR_openat, G_AT_FDCWD, gp, 2 /* O_RDWR */, 0);
    ck_assert_int_ge(fd, 0);
    int32_t zero = 0;
    ck_assert_int_eq(guest_copy_to(BUF + 64, &zero, 4), 0);
    ck_assert_int_eq(SC(NR_ioctl, fd, 0x40045431u /* TIOCSPTLCK */, BUF + 64),
                     0);
    int32_t n = -1;
    ck_assert_int_eq(guest_copy_to(BUF + 68, &n, 4), 0);
    ck_assert_int_eq(SC(NR_ioctl, fd, 0x80045430u /* TIOCGPTN */, BUF + 68), 0);
    gread(&n, BUF + 68, 4);
    int hn = -1;
    ck_assert_int_eq(ioctl((int)fd, TIOCGPTN, &hn), 0);
    ck_assert_int_eq(n, hn);
    ck_assert_int_eq(SC(NR_ioctl, fd, 0x540B /* TCFLSH */, 2 /* TCIOFLUSH */),
                     0);
    ck_assert_int_eq(SC(NR_ioctl, fd, 0x540B, 9), -EINVAL);
    ck_assert_int_eq(SC(NR_close, fd), 0);
}
END_TEST

START_TEST(unknown_is_enosys)
{
    ck_assert_int_eq(SC(NR_io_setup, 1, BUF), -ENOSYS); /* named */
    ck_assert_int_eq(SC(999, 1), -ENOSYS);              /* unnamed */
    ck_assert_int_eq(SC(-1, 1), -ENOSYS);
    ck_assert_int_eq(SC(1 << 30, 1), -ENOSYS);
    ck_assert_int_eq(SC(NR_rseq, BUF, 32, 0, 0), -ENOSYS);
}
END_TEST

START_TEST(bad_pointers_fault)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(write(p[1], "xyz", 3), 3);
    ck_assert_int_eq(SC(NR_read, p[0], UNMAPPED, 3), -EFAULT);
    ck_assert_int_eq(SC(NR_write, p[1], UNMAPPED, 3), -EFAULT);
    /* A buffer running off the end of the mapped area. */
    ck_assert_int_eq(SC(NR_read, p[0], BUF + BUF_PAGES * PG - 1, 3), -EFAULT);
    /* Read-only guest page: read(2) must not write into it. */
    int64_t ro =
        guest_mmap(0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_gt(ro, 0);
    ck_assert_int_eq(SC(NR_read, p[0], ro, 3), -EFAULT);
    /* Beyond the guest address space altogether. */
    ck_assert_int_eq(SC(NR_read, p[0], 1ull << 40, 3), -EFAULT);
    ck_assert_int_eq(SC(NR_read, p[0], UINT64_MAX - 1, 3), -EFAULT);
    /* The data is still there: nothing was consumed by the failures. */
    ck_assert_int_eq(SC(NR_read, p[0], BUF, 3), 3);

    ck_assert_int_eq(SC(NR_openat, G_AT_FDCWD, UNMAPPED, G_O_RDONLY, 0),
                     -EFAULT);
    ck_assert_int_eq(SC(NR_newfstatat, G_AT_FDCWD, gstr(0, "/"), UNMAPPED, 0),
                     -EFAULT);
    ck_assert_int_eq(SC(NR_fstat, p[0], ro), -EFAULT);
    ck_assert_int_eq(SC(NR_uname, UNMAPPED), -EFAULT);
    ck_assert_int_eq(SC(NR_clock_gettime, CLOCK_MONOTONIC, UNMAPPED), -EFAULT);
    ck_assert_int_eq(SC(NR_pipe2, UNMAPPED, 0), -EFAULT);
    ck_assert_int_eq(SC(NR_getcwd, UNMAPPED, 4096), -EFAULT);
    ck_assert_int_eq(SC(NR_writev, p[1], UNMAPPED, 1), -EFAULT);
    uint64_t iov[2] = {UNMAPPED, 10};
    ck_assert_int_eq(guest_copy_to(BUF, iov, sizeof(iov)), 0);
    ck_assert_int_eq(SC(NR_writev, p[1], BUF, 1), -EFAULT);
    ck_assert_int_eq(SC(NR_rt_sigaction, SIGUSR1, UNMAPPED, 0, 8), -EFAULT);
    ck_assert_int_eq(SC(NR_prlimit64, 0, RLIMIT_NOFILE, 0, UNMAPPED), -EFAULT);
    /* A path running into unmapped memory without its NUL. */
    uint64_t end = BUF + BUF_PAGES * PG - 4;
    ck_assert_int_eq(guest_copy_to(end, "/tmp", 4), 0);
    ck_assert_int_eq(SC(NR_openat, G_AT_FDCWD, end, G_O_RDONLY, 0), -EFAULT);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(uname_machine)
{
    ck_assert_int_eq(SC(NR_uname, BUF), 0);
    char u[390];
    gread(u, BUF, sizeof(u));
    ck_assert_str_eq(u + 0 * 65, "Linux");
    ck_assert_str_eq(u + 4 * 65, "riscv64");
    struct utsname_fields {
        char f[6][65];
    } *uf = (void *)u;
    char host[256];
    ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
    ck_assert_str_eq(uf->f[1], host);

    SyscallArch a64 = {.machine = "aarch64",
                       .names = syscall_generic_names,
                       .nr_count = syscall_generic_nr_count};
    ck_assert_int_eq(syscall_arch_init(&a64), 0);
    const uint64_t args[6] = {BUF + 1024};
    ck_assert_int_eq(vemu_syscall(&the_cpu, &a64, NR_uname, args), 0);
    gread(u, BUF + 1024, sizeof(u));
    ck_assert_str_eq(u + 4 * 65, "aarch64");
}
END_TEST

START_TEST(clock_monotonic)
{
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    ck_assert_int_eq(SC(NR_clock_gettime, CLOCK_MONOTONIC, BUF), 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    int64_t t[2];
    gread(t, BUF, sizeof(t));
    ck_assert_int_ge(t[1], 0);
    ck_assert_int_lt(t[1], 1000000000);
    int64_t g = t[0] * 1000000000 + t[1];
    ck_assert_int_ge(g, before.tv_sec * 1000000000ll + before.tv_nsec);
    ck_assert_int_le(g, after.tv_sec * 1000000000ll + after.tv_nsec);
    ck_assert_int_eq(SC(NR_clock_gettime, 12345, BUF), -EINVAL);
}
END_TEST

START_TEST(brk_and_mmap)
{
    uint64_t start = 0x40000000;
    guest_brk_init(start);
    ck_assert_uint_eq((uint64_t)SC(NR_brk, 0), start);
    ck_assert_uint_eq((uint64_t)SC(NR_brk, start + 3 * PG + 5),
                      start + 3 * PG + 5);
    ck_assert(guest_range_ok(start, 3 * PG, PAGE_READ | PAGE_WRITE));
    ck_assert_uint_eq((uint64_t)SC(NR_brk, 0), start + 3 * PG + 5);

    int64_t m = SC(NR_mmap, 0, 2 * PG, G_PROT_READ | G_PROT_WRITE,
                   G_MAP_PRIVATE | G_MAP_ANONYMOUS, -1, 0);
    ck_assert_int_gt(m, 0);
    ck_assert_int_eq(m % PG, 0);
    ck_assert(guest_range_ok((uint64_t)m, 2 * PG, PAGE_READ | PAGE_WRITE));
    ck_assert_int_eq(SC(NR_mprotect, m, PG, G_PROT_READ), 0);
    ck_assert_int_eq(guest_page_flags((uint64_t)m) & (PAGE_READ | PAGE_WRITE),
                     PAGE_READ);
    ck_assert_int_eq(SC(NR_munmap, m, 2 * PG), 0);
    ck_assert_int_eq(guest_page_flags((uint64_t)m), 0);

    /* A file mapping at a fixed address sees the file. */
    char path[128];
    snprintf(path, sizeof(path), "%s/map", tmpdir);
    write_file(path, "mapped file");
    int fd = open(path, O_RDONLY);
    uint64_t at = 0x50000000;
    ck_assert_uint_eq((uint64_t)SC(NR_mmap, at, PG, G_PROT_READ,
                                   G_MAP_PRIVATE | G_MAP_FIXED, fd, 0),
                      at);
    char got[12] = {0};
    gread(got, at, 11);
    ck_assert_str_eq(got, "mapped file");
    close(fd);

    /* What Linux checks: the type, the offset's alignment. */
    ck_assert_int_eq(SC(NR_mmap, 0, PG, G_PROT_READ, G_MAP_ANONYMOUS, -1, 0),
                     -EINVAL);
    ck_assert_int_eq(SC(NR_mmap, 0, PG, G_PROT_READ,
                        G_MAP_PRIVATE | G_MAP_ANONYMOUS, -1, 100),
                     -EINVAL);
}
END_TEST

START_TEST(file_operations)
{
    char a[128], b[128], c[128];
    snprintf(a, sizeof(a), "%s/a", tmpdir);
    snprintf(b, sizeof(b), "%s/b", tmpdir);
    snprintf(c, sizeof(c), "%s/c", tmpdir);
    write_file(a, "A");
    write_file(c, "C");

    /* renameat2, with RENAME_NOREPLACE refusing an existing target. */
    ck_assert_int_eq(
        SC(NR_renameat2, G_AT_FDCWD, gstr(0, a), G_AT_FDCWD, gstr(256, b), 0),
        0);
    ck_assert_int_eq(access(a, F_OK), -1);
    ck_assert_int_eq(access(b, F_OK), 0);
    ck_assert_int_eq(SC(NR_renameat2, G_AT_FDCWD, gstr(0, b), G_AT_FDCWD,
                        gstr(256, c), 1 /* RENAME_NOREPLACE */),
                     -EEXIST);
    ck_assert_int_eq(
        SC(NR_renameat2, G_AT_FDCWD, gstr(0, b), G_AT_FDCWD, gstr(256, c), 64),
        -EINVAL);

    /* linkat: a second name for b. */
    ck_assert_int_eq(
        SC(NR_linkat, G_AT_FDCWD, gstr(0, b), G_AT_FDCWD, gstr(256, a), 0), 0);
    struct stat st;
    ck_assert_int_eq(stat(b, &st), 0);
    ck_assert_int_eq(st.st_nlink, 2);

    /* ftruncate, fchmodat, utimensat: checked on the host. */
    int fd = open(b, O_RDWR);
    ck_assert_int_eq(SC(NR_ftruncate, fd, 100), 0);
    close(fd);
    ck_assert_int_eq(SC(NR_fchmodat, G_AT_FDCWD, gstr(0, b), 0604), 0);
    int64_t ts[4] = {1000, 0, 12345, 678};
    ck_assert_int_eq(guest_copy_to(BUF + 512, ts, sizeof(ts)), 0);
    ck_assert_int_eq(SC(NR_utimensat, G_AT_FDCWD, gstr(0, b), BUF + 512, 0), 0);
    ck_assert_int_eq(stat(b, &st), 0);
    ck_assert_int_eq(st.st_size, 100);
    ck_assert_int_eq(st.st_mode & 07777, 0604);
    ck_assert_int_eq(st.st_atim.tv_sec, 1000);
    ck_assert_int_eq(st.st_mtim.tv_sec, 12345);
    ck_assert_int_eq(st.st_mtim.tv_nsec, 678);

    /* faccessat2 with flags; umask returns the old mask. */
    ck_assert_int_eq(SC(NR_faccessat2, G_AT_FDCWD, gstr(0, b), 4 /* R_OK */,
                        0x200 /* AT_EACCESS */),
                     0);
    ck_assert_int_eq(SC(NR_faccessat2, G_AT_FDCWD, gstr(0, b), 0, 0x8),
                     -EINVAL);
    mode_t old = umask(027);
    ck_assert_int_eq(SC(NR_umask, 022), 027);
    ck_assert_int_eq(umask(old), 022);

    /* statfs: type and block size at their offsets. */
    struct statfs hs;
    ck_assert_int_eq(statfs(tmpdir, &hs), 0);
    ck_assert_int_eq(SC(NR_statfs, gstr(0, tmpdir), BUF + 1024), 0);
    uint8_t t[120];
    gread(t, BUF + 1024, sizeof(t));
    ck_assert_uint_eq(u64_at(t, 0), (uint64_t)hs.f_type);
    ck_assert_uint_eq(u64_at(t, 8), (uint64_t)hs.f_bsize);
    ck_assert_uint_eq(u64_at(t, 16), hs.f_blocks);
    ck_assert_uint_eq(u64_at(t, 64), (uint64_t)hs.f_namelen);
}
END_TEST

START_TEST(process_and_time)
{
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    ck_assert_int_eq(SC(NR_getresuid, BUF, BUF + 4, BUF + 8), 0);
    uint32_t ids[3];
    gread(ids, BUF, sizeof(ids));
    ck_assert_uint_eq(ids[0], r);
    ck_assert_uint_eq(ids[1], e);
    ck_assert_uint_eq(ids[2], s);
    ck_assert_int_eq(SC(NR_getresuid, BUF, UNMAPPED, BUF + 8), -EFAULT);

    /* The affinity mask: the host's bytes. */
    cpu_set_t hset;
    CPU_ZERO(&hset);
    ck_assert_int_eq(sched_getaffinity(0, sizeof(hset), &hset), 0);
    int64_t n = SC(NR_sched_getaffinity, 0, 128, BUF);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(n % 8, 0);
    uint8_t mask[128];
    gread(mask, BUF, (size_t)n);
    ck_assert_int_eq(memcmp(mask, &hset, (size_t)n), 0);

    /* sysinfo fields at their offsets. */
    struct sysinfo hi;
    sysinfo(&hi);
    ck_assert_int_eq(SC(NR_sysinfo, BUF), 0);
    uint8_t si[112];
    gread(si, BUF, sizeof(si));
    ck_assert_uint_eq(u64_at(si, 32), hi.totalram);
    ck_assert_uint_eq(u32_at(si, 104), hi.mem_unit);
    ck_assert_int_gt(si[80] | (si[81] << 8), 0); /* procs */

    /* nanosleep sleeps; gettimeofday is between two host readings. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int64_t req[2] = {0, 2000000};
    ck_assert_int_eq(guest_copy_to(BUF, req, sizeof(req)), 0);
    ck_assert_int_eq(SC(NR_nanosleep, BUF, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_ge((t1.tv_sec - t0.tv_sec) * 1000000000ll +
                         (t1.tv_nsec - t0.tv_nsec),
                     2000000);
    int64_t bad[2] = {0, 1000000000};
    ck_assert_int_eq(guest_copy_to(BUF, bad, sizeof(bad)), 0);
    ck_assert_int_eq(SC(NR_nanosleep, BUF, 0), -EINVAL);

    /* Bracket with the same fine-grained clock gettimeofday reads:
     * time() uses a coarse clock that may lag it by a tick. */
    struct timespec rt0, rt1;
    clock_gettime(CLOCK_REALTIME, &rt0);
    ck_assert_int_eq(SC(NR_gettimeofday, BUF, 0), 0);
    clock_gettime(CLOCK_REALTIME, &rt1);
    time_t before = rt0.tv_sec, after = rt1.tv_sec;
    int64_t tv[2];
    gread(tv, BUF, sizeof(tv));
    ck_assert_int_ge(tv[0], before);
    ck_assert_int_le(tv[0], after);
    ck_assert_int_lt(tv[1], 1000000);

    ck_assert_int_gt(SC(NR_times, BUF), 0);
}
END_TEST

static int exit_status = -1;
static int exit_group_seen = -1;

static void test_exit_hook(CPUState *cpu, int status, bool group)
{
    ck_assert_ptr_eq(cpu, &the_cpu);
    exit_status = status;
    exit_group_seen = group;
}

START_TEST(exit_calls_hook)
{
    syscall_set_exit_hook(test_exit_hook);
    ck_assert_int_eq(SC(NR_exit, 5), 0);
    ck_assert_int_eq(exit_status, 5);
    ck_assert_int_eq(exit_group_seen, 0);
    ck_assert_int_eq(SC(NR_exit_group, 300), 0);
    ck_assert_int_eq(exit_status, 300);
    ck_assert_int_eq(exit_group_seen, 1);
    syscall_set_exit_hook(NULL);
}
END_TEST

START_TEST(exit_without_hook_exits)
{
    syscall_set_exit_hook(NULL);
    SC(NR_exit_group, 42);
    ck_abort_msg("exit_group returned");
}
END_TEST

/* Runs fn with fd 2 sent to a file; returns what was written there. */
static char *capture_stderr(void (*fn)(void))
{
    char path[128];
    snprintf(path, sizeof(path), "%s/stderr", tmpdir);
    int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(f, 0);
    int saved = dup(2);
    dup2(f, 2);
    fn();
    dup2(saved, 2);
    close(saved);
    static char buf[8192];
    ssize_t n = pread(f, buf, sizeof(buf) - 1, 0);
    close(f);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    return buf;
}

static int strace_pipe[2];

static void strace_calls(void)
{
    syscall_strace = true;
    syscall_set_exit_hook(test_exit_hook);
    SC(NR_write, strace_pipe[1], gstr(0, "hi\n\"\001"), 5);
    SC(NR_openat, G_AT_FDCWD, gstr(0, "/nonexistent/x"),
       G_O_RDONLY | G_O_CLOEXEC, 0);
    SC(NR_mmap, 0, 2 * PG, G_PROT_READ | G_PROT_WRITE,
       G_MAP_PRIVATE | G_MAP_ANONYMOUS, -1, 0);
    SC(NR_io_setup, 1, 2);
    SC(999, 0);
    SC(NR_newfstatat, G_AT_FDCWD, gstr(0, "/"), UNMAPPED,
       G_AT_SYMLINK_NOFOLLOW);
    SC(NR_unlinkat, 9999, gstr(0, "d"), G_AT_REMOVEDIR);
    SC(NR_rt_sigprocmask, 0, 0, 0, 8);
    SC(NR_rt_sigaction, SIGINT, 0, 0, 8);
    SC(NR_exit_group, 3);
    syscall_strace = false;
}

START_TEST(strace_format)
{
    ck_assert_int_eq(pipe(strace_pipe), 0);
    char *log = capture_stderr(strace_calls);
    int tid = (int)syscall(SYS_gettid);
    char want[4096];
    snprintf(want, sizeof(want),
             "%d write(%d, \"hi\\n\\\"\\001\", 5) = 5\n"
             "%d openat(AT_FDCWD, \"/nonexistent/x\", O_RDONLY|O_CLOEXEC, 0)"
             " = -1 errno=2 (No such file or directory)\n"
             "%d mmap(NULL, 8192, PROT_READ|PROT_WRITE, "
             "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x",
             tid, strace_pipe[1], tid, tid);
    ck_assert_msg(!strncmp(log, want, strlen(want)), "got:\n%s\nwant:\n%s", log,
                  want);
    const char *rest = strstr(log + strlen(want), "\n");
    ck_assert_ptr_nonnull(rest);
    rest++;
    snprintf(want, sizeof(want),
             "%d io_setup(0x1, 0x2, 0, 0, 0, 0)"
             " = -1 errno=38 (Function not implemented)\n"
             "%d syscall_999(0, 0, 0, 0, 0, 0)"
             " = -1 errno=38 (Function not implemented)\n"
             "%d newfstatat(AT_FDCWD, \"/\", %#llx, AT_SYMLINK_NOFOLLOW)"
             " = -1 errno=14 (Bad address)\n"
             "%d unlinkat(9999, \"d\", AT_REMOVEDIR)"
             " = -1 errno=9 (Bad file descriptor)\n"
             "%d rt_sigprocmask(SIG_BLOCK, NULL, NULL, 8) = 0\n"
             "%d rt_sigaction(SIGINT, NULL, NULL, 8) = 0\n"
             "%d exit_group(3) = ?\n",
             tid, tid, tid, (unsigned long long)UNMAPPED, tid, tid, tid, tid);
    ck_assert_msg(!strcmp(rest, want), "got:\n%s\nwant:\n%s", rest, want);
    ck_assert_int_eq(exit_status, 3);
}
END_TEST

static void strace_env(void)
{
    syscall_strace = false;
    setenv("VEMU_STRACE", "0", 1);
    syscall_strace_from_env();
    SC0(NR_getpid); /* not traced */
    setenv("VEMU_STRACE", "1", 1);
    syscall_strace_from_env();
    SC0(NR_getpid); /* traced */
    syscall_strace = false;
}

START_TEST(strace_from_env)
{
    char *log = capture_stderr(strace_env);
    char want[64];
    snprintf(want, sizeof(want), "%d getpid() = %d\n", (int)syscall(SYS_gettid),
             (int)getpid());
    ck_assert_str_eq(log, want);
}
END_TEST

START_TEST(ids_and_thread_records)
{
    ck_assert_int_eq(SC0(NR_getpid), getpid());
    ck_assert_int_eq(SC0(NR_gettid), syscall(SYS_gettid));
    ck_assert_int_eq(SC(NR_set_tid_address, BUF), syscall(SYS_gettid));
    ck_assert_int_eq(SC(NR_set_robust_list, BUF, 24), 0);
    ck_assert_int_eq(SC(NR_set_robust_list, BUF, 16), -EINVAL);

    /* prlimit64: NOFILE is the host's; STACK is kept for the guest. */
    struct rlimit h;
    getrlimit(RLIMIT_NOFILE, &h);
    ck_assert_int_eq(SC(NR_prlimit64, 0, RLIMIT_NOFILE, 0, BUF), 0);
    uint64_t lim[2];
    gread(lim, BUF, sizeof(lim));
    ck_assert_uint_eq(lim[0], h.rlim_cur);
    ck_assert_uint_eq(lim[1], h.rlim_max);
    uint64_t want[2] = {1 << 20, UINT64_MAX};
    ck_assert_int_eq(guest_copy_to(BUF + 64, want, sizeof(want)), 0);
    ck_assert_int_eq(SC(NR_prlimit64, 0, RLIMIT_STACK, BUF + 64, 0), 0);
    ck_assert_int_eq(SC(NR_prlimit64, 0, RLIMIT_STACK, 0, BUF), 0);
    gread(lim, BUF, sizeof(lim));
    ck_assert_uint_eq(lim[0], 1 << 20);
    ck_assert_uint_eq(lim[1], UINT64_MAX);
    uint64_t bad[2] = {10, 5};
    ck_assert_int_eq(guest_copy_to(BUF + 64, bad, sizeof(bad)), 0);
    ck_assert_int_eq(SC(NR_prlimit64, 0, RLIMIT_STACK, BUF + 64, 0), -EINVAL);
    ck_assert_int_eq(SC(NR_prlimit64, 0, 99, 0, BUF), -EINVAL);

    /* getrandom fills the buffer (not all zero in 64 bytes). */
    memset(g2h(BUF + 256), 0, 64);
    ck_assert_int_eq(SC(NR_getrandom, BUF + 256, 64, 0), 64);
    uint8_t r[64];
    gread(r, BUF + 256, 64);
    int nz = 0;
    for (int i = 0; i < 64; i++) {
        nz += r[i] != 0;
    }
    ck_assert_int_gt(nz, 0);

    /* prctl names. */
    ck_assert_int_eq(
        SC(NR_prctl, 15 /* PR_SET_NAME */, gstr(0, "guest-name-that-is-long")),
        0);
    ck_assert_int_eq(SC(NR_prctl, 16 /* PR_GET_NAME */, BUF + 512), 0);
    char name[16];
    gread(name, BUF + 512, 16);
    ck_assert_str_eq(name, "guest-name-that");
    ck_assert_int_eq(SC(NR_prctl, 12345, 0), -EINVAL);
}
END_TEST

START_TEST(signal_bookkeeping)
{
    /* riscv64 layout: handler, flags, mask (24 bytes). */
    uint64_t act[3] = {0x1234, 4 /* SA_SIGINFO */,
                       (1ull << (SIGKILL - 1)) | (1ull << (SIGUSR2 - 1))};
    ck_assert_int_eq(guest_copy_to(BUF, act, sizeof(act)), 0);
    memset(g2h(BUF + 64), 0xff, 64);
    ck_assert_int_eq(SC(NR_rt_sigaction, SIGUSR1, BUF, BUF + 64, 8), 0);
    uint64_t old[4];
    gread(old, BUF + 64, sizeof(old));
    ck_assert_uint_eq(old[0], 0);
    ck_assert_uint_eq(old[1], 0);
    ck_assert_uint_eq(old[2], 0);
    ck_assert_uint_eq(old[3], UINT64_MAX); /* 24 bytes only */
    ck_assert_int_eq(SC(NR_rt_sigaction, SIGUSR1, 0, BUF + 64, 8), 0);
    gread(old, BUF + 64, 24);
    ck_assert_uint_eq(old[0], 0x1234);
    ck_assert_uint_eq(old[1], 4);
    ck_assert_uint_eq(old[2], 1ull << (SIGUSR2 - 1)); /* SIGKILL dropped */
    ck_assert_int_eq(SC(NR_rt_sigaction, SIGKILL, BUF, 0, 8), -EINVAL);
    ck_assert_int_eq(SC(NR_rt_sigaction, 65, 0, BUF + 64, 8), -EINVAL);
    ck_assert_int_eq(SC(NR_rt_sigaction, SIGUSR1, 0, BUF + 64, 16), -EINVAL);

    /* aarch64 layout: sa_restorer between flags and mask. */
    SyscallArch a64 = {.machine = "aarch64",
                       .names = syscall_generic_names,
                       .nr_count = syscall_generic_nr_count,
                       .sa_restorer = true,
                       .minsigstksz = 5120};
    ck_assert_int_eq(syscall_arch_init(&a64), 0);
    uint64_t act64[4] = {0x5678, 0x04000000, 0x9abc, 1ull << (SIGINT - 1)};
    ck_assert_int_eq(guest_copy_to(BUF, act64, sizeof(act64)), 0);
    const uint64_t args[6] = {SIGUSR2, BUF, BUF + 64, 8};
    ck_assert_int_eq(vemu_syscall(&the_cpu, &a64, NR_rt_sigaction, args), 0);
    const uint64_t args2[6] = {SIGUSR2, 0, BUF + 64, 8};
    ck_assert_int_eq(vemu_syscall(&the_cpu, &a64, NR_rt_sigaction, args2), 0);
    gread(old, BUF + 64, 32);
    ck_assert_uint_eq(old[0], 0x5678);
    ck_assert_uint_eq(old[2], 0x9abc);
    ck_assert_uint_eq(old[3], 1ull << (SIGINT - 1));

    /* Mask: block, unblock, SIGKILL never blocked. */
    uint64_t set = (1ull << (SIGUSR1 - 1)) | (1ull << (SIGKILL - 1));
    ck_assert_int_eq(guest_copy_to(BUF, &set, 8), 0);
    ck_assert_int_eq(SC(NR_rt_sigprocmask, 0 /* SIG_BLOCK */, BUF, 0, 8), 0);
    ck_assert_int_eq(SC(NR_rt_sigprocmask, 0, 0, BUF + 8, 8), 0);
    uint64_t cur;
    gread(&cur, BUF + 8, 8);
    ck_assert_uint_eq(cur, 1ull << (SIGUSR1 - 1));
    ck_assert_int_eq(
        SC(NR_rt_sigprocmask, 1 /* SIG_UNBLOCK */, BUF, BUF + 8, 8), 0);
    gread(&cur, BUF + 8, 8);
    ck_assert_uint_eq(cur, 1ull << (SIGUSR1 - 1)); /* the old mask */
    ck_assert_int_eq(SC(NR_rt_sigprocmask, 0, 0, BUF + 8, 8), 0);
    gread(&cur, BUF + 8, 8);
    ck_assert_uint_eq(cur, 0);
    ck_assert_int_eq(SC(NR_rt_sigprocmask, 7, BUF, 0, 8), -EINVAL);

    /* sigaltstack: too small, then recorded. */
    uint64_t ss[3] = {0x7000, 0, 1024};
    ck_assert_int_eq(guest_copy_to(BUF, ss, sizeof(ss)), 0);
    ck_assert_int_eq(SC(NR_sigaltstack, BUF, 0), -ENOMEM);
    ss[2] = 65536;
    ck_assert_int_eq(guest_copy_to(BUF, ss, sizeof(ss)), 0);
    ck_assert_int_eq(SC(NR_sigaltstack, BUF, BUF + 64), 0);
    uint64_t o[3];
    gread(o, BUF + 64, sizeof(o));
    ck_assert_uint_eq(o[1] & 0xffffffff, 2 /* SS_DISABLE */);
    ck_assert_int_eq(SC(NR_sigaltstack, 0, BUF + 64), 0);
    gread(o, BUF + 64, sizeof(o));
    ck_assert_uint_eq(o[0], 0x7000);
    ck_assert_uint_eq(o[1] & 0xffffffff, 0);
    ck_assert_uint_eq(o[2], 65536);
}
END_TEST

START_TEST(ioctls)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(write(p[1], "12345", 5), 5);
    ck_assert_int_eq(SC(NR_ioctl, p[0], 0x541B /* FIONREAD */, BUF), 0);
    int32_t n;
    gread(&n, BUF, 4);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(SC(NR_ioctl, p[0], 0x5413 /* TIOCGWINSZ */, BUF), -ENOTTY);
    ck_assert_int_eq(SC(NR_ioctl, p[0], 0x12345678, BUF), -ENOTTY);
    ck_assert_int_eq(SC(NR_ioctl, 9999, 0x12345678, BUF), -EBADF);
    close(p[0]);
    close(p[1]);

    /* A pseudo-terminal: TCGETS in the asm-generic layout, TIOCGWINSZ. */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        return; /* no ptys here: nothing more to check */
    }
    ck_assert_int_eq(grantpt(m), 0);
    ck_assert_int_eq(unlockpt(m), 0);
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(s, 0);
    struct winsize ws = {.ws_row = 33, .ws_col = 99};
    ck_assert_int_eq(ioctl(s, TIOCSWINSZ, &ws), 0);
    ck_assert_int_eq(SC(NR_ioctl, s, 0x5413, BUF), 0);
    uint16_t w[4];
    gread(w, BUF, sizeof(w));
    ck_assert_int_eq(w[0], 33);
    ck_assert_int_eq(w[1], 99);

    struct termios h;
    ck_assert_int_eq(tcgetattr(s, &h), 0);
    ck_assert_int_eq(SC(NR_ioctl, s, 0x5401 /* TCGETS */, BUF), 0);
    uint8_t t[36];
    gread(t, BUF, sizeof(t));
    ck_assert_uint_eq(u32_at(t, 0), h.c_iflag);
    ck_assert_uint_eq(u32_at(t, 4), h.c_oflag);
    ck_assert_uint_eq(u32_at(t, 12), h.c_lflag);
    ck_assert_uint_eq(t[17 + 0], h.c_cc[VINTR]);  /* VINTR is 0 */
    ck_assert_uint_eq(t[17 + 4], h.c_cc[VEOF]);   /* VEOF is 4 */
    ck_assert_uint_eq(t[17 + 10], h.c_cc[VSUSP]); /* VSUSP is 10 */
    /* TCSETS round trip: turn ECHO (0010) off through the guest. */
    uint32_t lflag = u32_at(t, 12) & ~010u;
    memcpy(t + 12, &lflag, 4);
    ck_assert_int_eq(guest_copy_to(BUF, t, sizeof(t)), 0);
    ck_assert_int_eq(SC(NR_ioctl, s, 0x5402 /* TCSETS */, BUF), 0);
    ck_assert_int_eq(tcgetattr(s, &h), 0);
    ck_assert_int_eq(h.c_lflag & ECHO, 0);
    close(s);
    close(m);
}
END_TEST

START_TEST(cwd_and_paths)
{
    char want[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(tmpdir, want));
    ck_assert_int_eq(SC(NR_chdir, gstr(0, tmpdir)), 0);
    int64_t n = SC(NR_getcwd, BUF + 512, 4096);
    ck_assert_int_eq(n, (int64_t)strlen(want) + 1);
    char got[PATH_MAX];
    gread(got, BUF + 512, (size_t)n);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(SC(NR_getcwd, BUF + 512, 2), -ERANGE);

    /* mkdir, symlink, readlink, unlink: relative to the cwd. */
    ck_assert_int_eq(SC(NR_mkdirat, G_AT_FDCWD, gstr(0, "d"), 0755), 0);
    ck_assert_int_eq(
        SC(NR_symlinkat, gstr(0, "/some/target"), G_AT_FDCWD, gstr(64, "ln")),
        0);
    ck_assert_int_eq(
        SC(NR_readlinkat, G_AT_FDCWD, gstr(0, "ln"), BUF + 512, 100), 12);
    gread(got, BUF + 512, 12);
    ck_assert_int_eq(memcmp(got, "/some/target", 12), 0);
    ck_assert_int_eq(SC(NR_readlinkat, G_AT_FDCWD, gstr(0, "ln"), BUF + 512, 4),
                     4);
    ck_assert_int_eq(SC(NR_faccessat, G_AT_FDCWD, gstr(0, "d"), 0), 0);
    ck_assert_int_eq(SC(NR_faccessat, G_AT_FDCWD, gstr(0, "nope"), 0), -ENOENT);
    ck_assert_int_eq(SC(NR_unlinkat, G_AT_FDCWD, gstr(0, "d"), 0), -EISDIR);
    ck_assert_int_eq(SC(NR_unlinkat, G_AT_FDCWD, gstr(0, "d"), G_AT_REMOVEDIR),
                     0);
    ck_assert_int_eq(SC(NR_unlinkat, G_AT_FDCWD, gstr(0, "ln"), 0), 0);

    /* /proc/self/exe names the guest program once it is set. */
    char exe[128];
    snprintf(exe, sizeof(exe), "%s/prog", tmpdir);
    write_file(exe, "ELF?");
    syscall_set_exe_path("/usr/bin/prog", exe);
    n = SC(NR_readlinkat, G_AT_FDCWD, gstr(0, "/proc/self/exe"), BUF + 512,
           100);
    ck_assert_int_eq(n, 13);
    gread(got, BUF + 512, 13);
    ck_assert_int_eq(memcmp(got, "/usr/bin/prog", 13), 0);
    int64_t fd =
        SC(NR_openat, G_AT_FDCWD, gstr(0, "/proc/self/exe"), G_O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(SC(NR_read, fd, BUF + 512, 10), 4);
    SC(NR_close, fd);
    syscall_set_exe_path(NULL, NULL);
}
END_TEST

START_TEST(sysroot_through_syscalls)
{
    /* ROOT/usr/lib/ld.so, ROOT/lib -> usr/lib, ROOT/lib/ld-abs.so ->
     * /lib/ld.so: an absolute link that must stay inside the root. */
    char root[128], p[256];
    snprintf(root, sizeof(root), "%s/root", tmpdir);
    ck_assert_int_eq(mkdir(root, 0755), 0);
    snprintf(p, sizeof(p), "%s/usr", root);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/usr/lib", root);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/usr/lib/ld.so", root);
    write_file(p, "guest loader");
    snprintf(p, sizeof(p), "%s/lib", root);
    ck_assert_int_eq(symlink("usr/lib", p), 0);
    snprintf(p, sizeof(p), "%s/usr/lib/ld-abs.so", root);
    ck_assert_int_eq(symlink("/lib/ld.so", p), 0);
    ck_assert_int_eq(sysroot_set(root), 0);

    int64_t fd =
        SC(NR_openat, G_AT_FDCWD, gstr(0, "/lib/ld-abs.so"), G_O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(SC(NR_read, fd, BUF + 512, 100), 12);
    char got[64] = {0};
    gread(got, BUF + 512, 12);
    ck_assert_str_eq(got, "guest loader");
    SC(NR_close, fd);

    /* lstat of the link itself, readlink gives the guest's text. */
    ck_assert_int_eq(SC(NR_newfstatat, G_AT_FDCWD, gstr(0, "/lib"), BUF + 1024,
                        G_AT_SYMLINK_NOFOLLOW),
                     0);
    uint8_t st[128];
    gread(st, BUF + 1024, 128);
    ck_assert(S_ISLNK(u32_at(st, 16)));
    ck_assert_int_eq(SC(NR_readlinkat, G_AT_FDCWD, gstr(0, "/lib/ld-abs.so"),
                        BUF + 512, 100),
                     10);

    /* chdir into the root: getcwd shows the guest's path. */
    ck_assert_int_eq(SC(NR_chdir, gstr(0, "/lib")), 0);
    int64_t n = SC(NR_getcwd, BUF + 512, 4096);
    ck_assert_int_eq(n, 9);
    gread(got, BUF + 512, 9);
    ck_assert_str_eq(got, "/usr/lib");

    /* Host files the root lacks stay visible. */
    snprintf(p, sizeof(p), "%s/hostonly", tmpdir);
    write_file(p, "host");
    fd = SC(NR_openat, G_AT_FDCWD, gstr(0, p), G_O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    SC(NR_close, fd);
}
END_TEST

static Suite *syscall_suite(void)
{
    Suite *s = suite_create("syscall");
    TCase *tc = tcase_create("dispatch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, numbering);
    tcase_add_test(tc, name_index);
    tcase_add_test(tc, pipe_write_read);
    tcase_add_test(tc, open_read_close);
    tcase_add_test(tc, newfstatat_layout);
    tcase_add_test(tc, getdents_lists_dir);
    tcase_add_test(tc, unknown_is_enosys);
    tcase_add_test(tc, futex_basic);
    tcase_add_test(tc, ppoll_pipe);
    tcase_add_test(tc, pipe2_flags_and_pty_ioctls);
    tcase_add_test(tc, bad_pointers_fault);
    tcase_add_test(tc, uname_machine);
    tcase_add_test(tc, clock_monotonic);
    tcase_add_test(tc, brk_and_mmap);
    tcase_add_test(tc, file_operations);
    tcase_add_test(tc, process_and_time);
    tcase_add_test(tc, exit_calls_hook);
    tcase_add_exit_test(tc, exit_without_hook_exits, 42);
    tcase_add_test(tc, strace_format);
    tcase_add_test(tc, strace_from_env);
    tcase_add_test(tc, ids_and_thread_records);
    tcase_add_test(tc, signal_bookkeeping);
    tcase_add_test(tc, ioctls);
    tcase_add_test(tc, cwd_and_paths);
    tcase_add_test(tc, sysroot_through_syscalls);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(syscall_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

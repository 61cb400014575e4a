/*
 * Guest memory (linux-user/guest-mem.h): the reservation, the mmap family
 * with Linux semantics, brk, the checked copies, the page-map walk, thread
 * safety, and invalidation of translated code when the guest remaps it
 * (run through the toy guest on the interpreter backend).
 *
 * Each test gets a fresh 36-bit (64 GiB) guest space with mmap_base 1 GiB
 * below the top, so top-down placement is predictable: the first search
 * on an empty map returns MMAP_BASE - len. Host faults are never provoked:
 * protection is checked through the page flags and -EFAULT from the
 * copies. "Is the host reservation still there" is asked with
 * MAP_FIXED_NOREPLACE, which fails with EEXIST over any mapping.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux-user/guest-mem.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define BITS 36
#define LIMIT (1ull << BITS)
#define MMAP_BASE (LIMIT - (1ull << 30))
#define PG GUEST_PAGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

#define VALID_RW (PAGE_VALID | PAGE_READ | PAGE_WRITE)
#define ANON_RW (VALID_RW | PAGE_ANON)

static void setup(void)
{
    ck_assert_int_eq(guest_mem_init(BITS, MMAP_BASE), 0);
}

static void teardown(void)
{
    guest_mem_fini();
}

static int64_t map_anon(uint64_t addr, uint64_t len, int prot, int extra)
{
    return guest_mmap(addr, len, prot, ANON | extra, -1, 0);
}

/* True if the host has some mapping (ours: guest or reservation) over
 * the page at guest address a. */
static bool host_page_taken(uint64_t a)
{
    void *p = mmap(g2h(a), PG, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        return errno == EEXIST;
    }
    munmap(p, PG);
    return false;
}

static void fill_guest(uint64_t a, int byte, size_t len)
{
    void *buf = malloc(len);
    memset(buf, byte, len);
    ck_assert_int_eq(guest_copy_to(a, buf, len), 0);
    free(buf);
}

/* True if every byte of [a, a+len) reads as byte. */
static bool guest_is(uint64_t a, int byte, size_t len)
{
    unsigned char *buf = malloc(len);
    ck_assert_int_eq(guest_copy_from(buf, a, len), 0);
    bool ok = true;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != (unsigned char)byte) {
            ok = false;
            break;
        }
    }
    free(buf);
    return ok;
}

/* ---- walk capture ---- */

typedef struct Runs {
    size_t n;
    uint64_t start[64], end[64];
    int flags[64];
} Runs;

static void collect(void *opaque, uint64_t start, uint64_t end, int flags)
{
    Runs *r = opaque;
    if (r->n < 64) {
        r->start[r->n] = start;
        r->end[r->n] = end;
        r->flags[r->n] = flags;
    }
    r->n++;
}

static Runs walk(void)
{
    Runs r = {0};
    guest_mem_walk(collect, &r);
    return r;
}

/* ---- set-up ---- */

START_TEST(test_init_reservation)
{
    ck_assert_uint_eq(guest_mem_limit(), LIMIT);
    ck_assert_uint_eq(tcg_guest_addr_bits, BITS);
    ck_assert_uint_ne(tcg_guest_base, 0);
    ck_assert_ptr_eq(g2h(0), (void *)tcg_guest_base);
    ck_assert_uint_eq(h2g(g2h(0x1234)), 0x1234);
    /* The whole space is reserved on the host, first page to last. */
    ck_assert(host_page_taken(0));
    ck_assert(host_page_taken(LIMIT / 2));
    ck_assert(host_page_taken(LIMIT - PG));
    /* Nothing is mapped for the guest yet. */
    ck_assert_int_eq(guest_page_flags(0), 0);
    ck_assert_int_eq(guest_page_flags(MMAP_BASE), 0);
    ck_assert_uint_eq(walk().n, 0);
    /* Set up once only; bad sizes refused with -errno. */
    ck_assert_int_eq(guest_mem_init(BITS, 0), -EBUSY);
    guest_mem_fini();
    ck_assert_uint_eq(tcg_guest_base, 0);
    ck_assert_uint_eq(tcg_guest_addr_bits, 0);
    ck_assert_int_eq(guest_mem_init(10, 0), -EINVAL);
    /* 2^56 bytes is beyond any x86-64 host's user address space. */
    ck_assert_int_eq(guest_mem_init(56, 0), -ENOMEM);
    ck_assert_uint_eq(tcg_guest_base, 0);
    ck_assert_int_eq(guest_mem_init(BITS, MMAP_BASE), 0);
    ck_assert_uint_eq(tcg_guest_addr_bits, BITS);
}
END_TEST

/* ---- mmap ---- */

START_TEST(test_mmap_anon_placement)
{
    /* Top-down from mmap_base. */
    int64_t a = map_anon(0, 3 * PG, RW, 0);
    ck_assert_int_eq(a, (int64_t)(MMAP_BASE - 3 * PG));
    int64_t b = map_anon(0, 100, PROT_READ, 0); /* length rounded up */
    ck_assert_int_eq(b, a - (int64_t)PG);
    ck_assert_int_eq(guest_page_flags(a), ANON_RW);
    ck_assert_int_eq(guest_page_flags(a + 2 * PG + 77), ANON_RW);
    ck_assert_int_eq(guest_page_flags(b), PAGE_VALID | PAGE_READ | PAGE_ANON);
    ck_assert_int_eq(guest_page_flags(a + 3 * PG), 0);
    /* Fresh anonymous memory is zero and usable. */
    ck_assert(guest_is(a, 0, 3 * PG));
    fill_guest(a, 0x5a, 3 * PG);
    ck_assert(guest_is(a, 0x5a, 3 * PG));

    /* A free hint is taken as is; an unaligned one is rounded up; one
     * below the minimum is raised to it. */
    ck_assert_int_eq(map_anon(0x40000000, PG, RW, 0), 0x40000000);
    ck_assert_int_eq(map_anon(0x50000123, PG, RW, 0), 0x50001000);
    ck_assert_int_eq(map_anon(0x1000, PG, RW, 0), GUEST_MMAP_MIN_ADDR);
    /* A hint over an occupied range moves elsewhere, without touching
     * the occupant. */
    fill_guest(0x40000000, 0x11, PG);
    int64_t c = map_anon(0x40000000, 2 * PG, RW, 0);
    ck_assert_int_gt(c, 0);
    ck_assert(c + 2 * (int64_t)PG <= 0x40000000 || c >= 0x40001000);
    ck_assert(guest_is(0x40000000, 0x11, PG));
    /* A hint whose range would pass the limit is ignored too. */
    int64_t d = map_anon(LIMIT - PG, 2 * PG, RW, 0);
    ck_assert_int_gt(d, 0);
    ck_assert(d + 2 * PG <= LIMIT);
    /* MAP_GROWSDOWN and MAP_STACK are accepted. */
    ck_assert_int_gt(map_anon(0, 4 * PG, RW, MAP_GROWSDOWN | MAP_STACK), 0);
}
END_TEST

START_TEST(test_mmap_fixed)
{
    const uint64_t a = 0x10000000;
    ck_assert_int_eq(map_anon(a, 4 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x77, 4 * PG);
    /* MAP_FIXED replaces: new pages are zero and take the new flags. */
    ck_assert_int_eq(map_anon(a + PG, PG, PROT_READ, MAP_FIXED),
                     (int64_t)(a + PG));
    ck_assert(guest_is(a + PG, 0, PG));
    ck_assert(guest_is(a, 0x77, PG));
    ck_assert(guest_is(a + 2 * PG, 0x77, 2 * PG));
    ck_assert_int_eq(guest_page_flags(a + PG),
                     PAGE_VALID | PAGE_READ | PAGE_ANON);
    /* MAP_FIXED_NOREPLACE refuses any overlap, even one page, and leaves
     * the old mapping alone; on free space it maps there. */
    ck_assert_int_eq(map_anon(a - PG, 2 * PG, RW, MAP_FIXED_NOREPLACE),
                     -EEXIST);
    ck_assert_int_eq(
        map_anon(a + 3 * PG, PG, RW, MAP_FIXED | MAP_FIXED_NOREPLACE), -EEXIST);
    ck_assert(guest_is(a + 2 * PG, 0x77, 2 * PG));
    ck_assert_int_eq(guest_page_flags(a - PG), 0);
    ck_assert_int_eq(map_anon(a - PG, PG, RW, MAP_FIXED_NOREPLACE),
                     (int64_t)(a - PG));
    /* MAP_FIXED may go below the search minimum (page 0 included). */
    ck_assert_int_eq(map_anon(0, PG, RW, MAP_FIXED), 0);
    ck_assert_int_eq(guest_page_flags(0), ANON_RW);
    /* Up to the very top of the space, not past it. */
    ck_assert_int_eq(map_anon(LIMIT - PG, PG, RW, MAP_FIXED),
                     (int64_t)(LIMIT - PG));
    ck_assert_int_eq(map_anon(LIMIT - PG, 2 * PG, RW, MAP_FIXED), -ENOMEM);
    ck_assert_int_eq(map_anon(LIMIT, PG, RW, MAP_FIXED), -ENOMEM);
}
END_TEST

START_TEST(test_mmap_einval)
{
    ck_assert_int_eq(map_anon(0, 0, RW, 0), -EINVAL);
    ck_assert_int_eq(map_anon(0x10000800, PG, RW, MAP_FIXED), -EINVAL);
    ck_assert_int_eq(map_anon(0x10000800, PG, RW, MAP_FIXED_NOREPLACE),
                     -EINVAL);
    /* Neither MAP_SHARED nor MAP_PRIVATE. */
    ck_assert_int_eq(guest_mmap(0, PG, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
    ck_assert_int_eq(guest_mmap(0, PG, RW, MAP_ANONYMOUS | 0xf, -1, 0),
                     -EINVAL);
    /* Unaligned offset. */
    ck_assert_int_eq(guest_mmap(0, PG, RW, MAP_PRIVATE, 0, 100), -EINVAL);
    /* Lengths that cannot fit at all. */
    ck_assert_int_eq(map_anon(0, LIMIT + PG, RW, 0), -ENOMEM);
    ck_assert_int_eq(map_anon(0, UINT64_MAX - 10, RW, 0), -ENOMEM);
    /* munmap and mprotect argument checks. */
    ck_assert_int_eq(guest_munmap(0x10000800, PG), -EINVAL);
    ck_assert_int_eq(guest_munmap(0x10000000, 0), -EINVAL);
    ck_assert_int_eq(guest_munmap(LIMIT - PG, 2 * PG), -EINVAL);
    ck_assert_int_eq(guest_mprotect(0x10000800, PG, PROT_READ), -EINVAL);
    ck_assert_int_eq(guest_mprotect(0x10000000, PG, 0x100), -EINVAL);
    /* Nothing was mapped by any of them. */
    ck_assert_uint_eq(walk().n, 0);
}
END_TEST

START_TEST(test_mmap_exhaust)
{
    /* A 1 MiB space: usable [64 KiB, 1 MiB), 240 pages. */
    guest_mem_fini();
    ck_assert_int_eq(guest_mem_init(20, 0), 0);
    int64_t top = map_anon(0, PG, RW, 0);
    ck_assert_int_eq(top, (int64_t)((1 << 20) - PG));
    ck_assert_int_eq(map_anon(0, 1 << 20, RW, 0), -ENOMEM);
    int64_t rest = map_anon(0, (1 << 20) - GUEST_MMAP_MIN_ADDR - PG, RW, 0);
    ck_assert_int_eq(rest, (int64_t)GUEST_MMAP_MIN_ADDR);
    ck_assert_int_eq(map_anon(0, PG, RW, 0), -ENOMEM);
    /* Page 0 is never handed out even though it is free. */
    ck_assert_int_eq(guest_page_flags(0), 0);
    ck_assert_int_eq(map_anon(0x1000, PG, RW, 0), -ENOMEM);
    /* Freed space is found again. */
    ck_assert_int_eq(guest_munmap(top, PG), 0);
    ck_assert_int_eq(map_anon(0, PG, RW, 0), top);
}
END_TEST

START_TEST(test_mmap_bottom_up_fallback)
{
    /* mmap_base at 1 MiB: 960 KiB below it. A larger request goes
     * bottom-up above mmap_base. */
    guest_mem_fini();
    ck_assert_int_eq(guest_mem_init(24, 1 << 20), 0);
    ck_assert_int_eq(map_anon(0, 2 << 20, RW, 0), 1 << 20);
    ck_assert_int_eq(map_anon(0, PG, RW, 0), (1 << 20) - PG);
    ck_assert_int_eq(map_anon(0, 1 << 20, RW, 0), 3 << 20);
}
END_TEST

static long rss_pages(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    ck_assert_ptr_nonnull(f);
    long size, rss;
    ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &rss), 2);
    fclose(f);
    return rss;
}

START_TEST(test_mmap_noreserve_huge)
{
    const uint64_t len = 16ull << 30;
    long before = rss_pages();
    int64_t a = map_anon(0, len, RW, MAP_NORESERVE);
    ck_assert_int_gt(a, 0);
    ck_assert_int_eq(a, (int64_t)(MMAP_BASE - len));
    fill_guest(a, 1, 16);
    fill_guest(a + len - 16, 2, 16);
    ck_assert(guest_is(a + len / 2, 0, 64));
    long grown = (rss_pages() - before) * sysconf(_SC_PAGESIZE);
    ck_assert_msg(grown < (10 << 20), "RSS grew by %ld bytes", grown);
    ck_assert(guest_range_ok(a, len, PAGE_READ | PAGE_WRITE));
    ck_assert_int_eq(guest_munmap(a, len), 0);
    ck_assert_int_eq(guest_page_flags(a + len / 2), 0);
}
END_TEST

/* ---- munmap ---- */

START_TEST(test_munmap_split)
{
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(map_anon(a, 3 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x42, 3 * PG);
    ck_assert_int_eq(guest_munmap(a + PG, PG), 0);
    Runs r = walk();
    ck_assert_uint_eq(r.n, 2);
    ck_assert_uint_eq(r.start[0], a);
    ck_assert_uint_eq(r.end[0], a + PG);
    ck_assert_uint_eq(r.start[1], a + 2 * PG);
    ck_assert_uint_eq(r.end[1], a + 3 * PG);
    ck_assert_int_eq(r.flags[0], ANON_RW);
    ck_assert_int_eq(r.flags[1], ANON_RW);
    ck_assert_int_eq(guest_page_flags(a + PG), 0);
    ck_assert(guest_is(a, 0x42, PG));
    ck_assert(guest_is(a + 2 * PG, 0x42, PG));
    /* The hole is reserved again on the host, not given back. */
    ck_assert(host_page_taken(a + PG));
    /* Unmapping what is not mapped is fine; an unaligned length rounds
     * up. */
    ck_assert_int_eq(guest_munmap(0x30000000, 10 * PG), 0);
    ck_assert_int_eq(guest_munmap(a, 1), 0);
    ck_assert_int_eq(guest_page_flags(a), 0);
    ck_assert_uint_eq(walk().n, 1);
    /* Mapping the hole again gives zeroed memory. */
    ck_assert_int_eq(map_anon(a + PG, PG, RW, MAP_FIXED), (int64_t)(a + PG));
    ck_assert(guest_is(a + PG, 0, PG));
    r = walk();
    ck_assert_uint_eq(r.n, 1); /* merged with its neighbour */
    ck_assert_uint_eq(r.start[0], a + PG);
    ck_assert_uint_eq(r.end[0], a + 3 * PG);
}
END_TEST

/* ---- mprotect ---- */

START_TEST(test_mprotect)
{
    const uint64_t a = 0x20000000;
    char buf[8] = "abcdefg";
    ck_assert_int_eq(map_anon(a, 2 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x33, 2 * PG);

    ck_assert_int_eq(guest_mprotect(a, PG, PROT_READ), 0);
    ck_assert_int_eq(guest_page_flags(a), PAGE_VALID | PAGE_READ | PAGE_ANON);
    ck_assert_int_eq(guest_page_flags(a + PG), ANON_RW);
    ck_assert_int_eq(guest_copy_to(a + 8, buf, sizeof(buf)), -EFAULT);
    ck_assert_int_eq(guest_copy_to(a + PG, buf, sizeof(buf)), 0);
    ck_assert(!guest_range_ok(a, 2 * PG, PAGE_WRITE));
    ck_assert(guest_range_ok(a, 2 * PG, PAGE_READ));
    ck_assert(guest_is(a, 0x33, PG));
    Runs r = walk();
    ck_assert_uint_eq(r.n, 2);

    ck_assert_int_eq(guest_mprotect(a, 2 * PG, PROT_NONE), 0);
    ck_assert_int_eq(guest_page_flags(a), PAGE_VALID | PAGE_ANON);
    ck_assert_int_eq(guest_copy_from(buf, a, 1), -EFAULT);
    ck_assert_uint_eq(walk().n, 1);

    /* Back to RW: the contents survived. */
    ck_assert_int_eq(guest_mprotect(a, 2 * PG, RW), 0);
    ck_assert(guest_is(a, 0x33, PG));
    ck_assert_int_eq(guest_copy_to(a, buf, sizeof(buf)), 0);

    /* Execute-only for the guest: flags say so; the host page stays
     * readable because the translator fetches through g2h (a fault here
     * would kill the test). */
    ck_assert_int_eq(guest_mprotect(a, PG, PROT_EXEC), 0);
    ck_assert_int_eq(guest_page_flags(a), PAGE_VALID | PAGE_EXEC | PAGE_ANON);
    ck_assert(guest_range_ok(a, PG, PAGE_EXEC));
    ck_assert(!guest_range_ok(a, PG, PAGE_READ));
    ck_assert_int_eq(((volatile char *)g2h(a))[0], 'a');

    /* Unmapped pages anywhere in the range: -ENOMEM, nothing changed. */
    ck_assert_int_eq(guest_mprotect(a + PG, 2 * PG, PROT_READ), -ENOMEM);
    ck_assert_int_eq(guest_page_flags(a + PG), ANON_RW);
    ck_assert_int_eq(guest_mprotect(0x30000000, PG, PROT_READ), -ENOMEM);
    ck_assert_int_eq(guest_mprotect(LIMIT - PG, 2 * PG, PROT_READ), -ENOMEM);
    /* Length 0 succeeds. */
    ck_assert_int_eq(guest_mprotect(0x30000000, 0, PROT_READ), 0);
}
END_TEST

/* guest_exec_ok remembers the last executable page: after every kind of
 * map change it must still agree with the uncached guest_range_ok. Each
 * change comes between two rounds of queries, so a stale cached page
 * from the first round is asked about again in the second. */
START_TEST(test_exec_cache)
{
    const uint64_t a = 0x20000000;
    const int npages = 4;
    unsigned seed = 12345;
    for (int step = 0; step < 400; step++) {
        for (int round = 0; round < 2; round++) {
            for (int q = 0; q < 16; q++) {
                seed = seed * 1103515245u + 12345u;
                uint64_t addr = a - PG + (seed >> 8) % ((npages + 2) * PG);
                uint64_t len = 1 + (seed >> 3) % 8;
                if (q % 4 == 0) {
                    addr = (addr & ~(uint64_t)(PG - 1)) + PG - 2; /* straddle */
                }
                ck_assert_int_eq(guest_exec_ok(addr, len),
                                 guest_range_ok(addr, len, PAGE_EXEC));
                ck_assert_int_eq(guest_exec_ok(addr, len),
                                 guest_range_ok(addr, len, PAGE_EXEC));
            }
        }
        seed = seed * 1103515245u + 12345u;
        uint64_t pa = a + ((seed >> 4) % npages) * PG;
        uint64_t plen = (1 + (seed >> 12) % 2) * PG;
        if (pa + plen > a + npages * PG) {
            plen = PG;
        }
        int prot = ((seed >> 16) & 1 ? PROT_EXEC : 0) |
                   ((seed >> 17) & 1 ? PROT_READ : 0);
        switch ((seed >> 20) % 3) {
        case 0:
            map_anon(pa, plen, prot, MAP_FIXED);
            break;
        case 1:
            guest_mprotect(pa, plen, prot);
            break;
        default:
            guest_munmap(pa, plen);
            break;
        }
    }
    ck_assert(!guest_exec_ok(a, 0) == !guest_range_ok(a, 0, PAGE_EXEC));
}
END_TEST

/* ---- file mappings ---- */

static int temp_file(int pages)
{
    char path[] = "/tmp/vemu-gm-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    for (int i = 0; i < pages; i++) {
        char page[PG];
        memset(page, 'A' + i, sizeof(page));
        ck_assert_int_eq(write(fd, page, sizeof(page)), (ssize_t)PG);
    }
    return fd;
}

START_TEST(test_mmap_file)
{
    int fd = temp_file(3);
    char c;

    /* Private: the file's contents; writes stay private. */
    int64_t p = guest_mmap(0, 3 * PG, RW, MAP_PRIVATE, fd, 0);
    ck_assert_int_gt(p, 0);
    ck_assert_int_eq(guest_page_flags(p), VALID_RW);
    ck_assert(guest_is(p, 'A', PG));
    ck_assert(guest_is(p + 2 * PG, 'C', PG));
    fill_guest(p, 'x', 16);
    ck_assert_int_eq(pread(fd, &c, 1, 0), 1);
    ck_assert_int_eq(c, 'A');

    /* With an offset. */
    int64_t q = guest_mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, PG);
    ck_assert_int_gt(q, 0);
    ck_assert(guest_is(q, 'B', PG));
    ck_assert_int_eq(guest_mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 512),
                     -EINVAL);

    /* Shared: a store through g2h (as generated code does) reaches the
     * file. */
    int64_t s = guest_mmap(0, 2 * PG, RW, MAP_SHARED, fd, PG);
    ck_assert_int_gt(s, 0);
    ck_assert_int_eq(guest_page_flags(s), VALID_RW | PAGE_SHARED);
    ck_assert(guest_is(s + PG, 'C', PG));
    ((char *)g2h(s))[5] = 'z';
    ck_assert_int_eq(pread(fd, &c, 1, PG + 5), 1);
    ck_assert_int_eq(c, 'z');
    /* Shared anonymous memory is shared and anonymous. */
    int64_t sa = guest_mmap(0, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_eq(guest_page_flags(sa), ANON_RW | PAGE_SHARED);

    /* A bad descriptor fails without touching what was there. */
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(map_anon(a, PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x66, PG);
    ck_assert_int_eq(guest_mmap(a, PG, RW, MAP_PRIVATE | MAP_FIXED, 9999, 0),
                     -EBADF);
    ck_assert_int_eq(guest_page_flags(a), ANON_RW);
    ck_assert(guest_is(a, 0x66, PG));
    /* ...and on free space leaves it free and reserved. */
    ck_assert_int_eq(
        guest_mmap(a + PG, PG, RW, MAP_PRIVATE | MAP_FIXED, 9999, 0), -EBADF);
    ck_assert_int_eq(guest_page_flags(a + PG), 0);
    ck_assert(host_page_taken(a + PG));
    /* PROT_WRITE on a shared mapping of a file open read-only. */
    int ro = open("/proc/self/exe", O_RDONLY);
    ck_assert_int_ge(ro, 0);
    ck_assert_int_eq(guest_mmap(0, PG, RW, MAP_SHARED, ro, 0), -EACCES);
    int64_t e = guest_mmap(0, PG, PROT_READ, MAP_SHARED, ro, 0);
    ck_assert_int_gt(e, 0);
    ck_assert(guest_is(e, 0x7f, 1)); /* ELF magic */
    ck_assert_int_eq(guest_mprotect(e, PG, RW), -EACCES);
    ck_assert_int_eq(guest_page_flags(e), PAGE_VALID | PAGE_READ | PAGE_SHARED);
    close(ro);
    close(fd);
}
END_TEST

/* ---- mremap ---- */

START_TEST(test_mremap)
{
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(map_anon(a, 2 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x21, 2 * PG);

    /* Grow in place into free space: old data kept, new pages zero. */
    ck_assert_int_eq(guest_mremap(a, 2 * PG, 4 * PG, 0, 0), (int64_t)a);
    ck_assert(guest_is(a, 0x21, 2 * PG));
    ck_assert(guest_is(a + 2 * PG, 0, 2 * PG));
    Runs r = walk();
    ck_assert_uint_eq(r.n, 1);
    ck_assert_uint_eq(r.end[0], a + 4 * PG);

    /* Blocked by a neighbour: -ENOMEM without MREMAP_MAYMOVE. */
    ck_assert_int_eq(map_anon(a + 4 * PG, PG, PROT_READ, MAP_FIXED),
                     (int64_t)(a + 4 * PG));
    ck_assert_int_eq(guest_mremap(a, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
    ck_assert_int_eq(guest_page_flags(a), ANON_RW);

    /* ...moved with it. */
    int64_t m = guest_mremap(a, 4 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
    ck_assert_int_gt(m, 0);
    ck_assert_int_ne(m, (int64_t)a);
    ck_assert(guest_is(m, 0x21, 2 * PG));
    ck_assert(guest_is(m + 2 * PG, 0, 6 * PG));
    ck_assert_int_eq(guest_page_flags(m + 7 * PG), ANON_RW);
    ck_assert_int_eq(guest_page_flags(a), 0);
    ck_assert(host_page_taken(a));
    ck_assert(host_page_taken(a + 3 * PG));

    /* Shrink in place. */
    ck_assert_int_eq(guest_mremap(m, 8 * PG, PG + 1, 0, 0), m);
    ck_assert_int_eq(guest_page_flags(m + PG), ANON_RW);
    ck_assert_int_eq(guest_page_flags(m + 2 * PG), 0);
    ck_assert(host_page_taken(m + 5 * PG));
    ck_assert(guest_is(m, 0x21, 2 * PG));

    /* Fixed destination, replacing what is there. */
    const uint64_t f = 0x30000000;
    ck_assert_int_eq(map_anon(f, 4 * PG, PROT_READ, MAP_FIXED), (int64_t)f);
    ck_assert_int_eq(
        guest_mremap(m, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, f),
        (int64_t)f);
    ck_assert(guest_is(f, 0x21, 2 * PG));
    ck_assert(guest_is(f + 2 * PG, 0, PG));
    ck_assert_int_eq(guest_page_flags(f), ANON_RW);
    ck_assert_int_eq(guest_page_flags(f + 3 * PG),
                     PAGE_VALID | PAGE_READ | PAGE_ANON);
    ck_assert_int_eq(guest_page_flags(m), 0);

    /* Fixed and shrinking at once. */
    const uint64_t g = 0x38000000;
    ck_assert_int_eq(
        guest_mremap(f, 3 * PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, g),
        (int64_t)g);
    ck_assert(guest_is(g, 0x21, PG));
    ck_assert_int_eq(guest_page_flags(g + PG), 0);
    ck_assert_int_eq(guest_page_flags(f + PG), 0);

    /* Argument errors. */
    ck_assert_int_eq(guest_mremap(g, PG, 2 * PG, MREMAP_FIXED, 0x40000000),
                     -EINVAL);
    ck_assert_int_eq(
        guest_mremap(g, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, g - PG),
        -EINVAL); /* overlapping */
    ck_assert_int_eq(
        guest_mremap(g, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x40000010),
        -EINVAL);
    ck_assert_int_eq(guest_mremap(g + 1, PG, 2 * PG, MREMAP_MAYMOVE, 0),
                     -EINVAL);
    ck_assert_int_eq(guest_mremap(g, PG, 0, MREMAP_MAYMOVE, 0), -EINVAL);
    ck_assert_int_eq(guest_mremap(g, PG, PG, 0x100, 0), -EINVAL);
    /* Not mapped, or more than one mapping: -EFAULT. */
    ck_assert_int_eq(guest_mremap(0x50000000, PG, 2 * PG, MREMAP_MAYMOVE, 0),
                     -EFAULT);
    ck_assert_int_eq(guest_mremap(g, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0),
                     -EFAULT);
    ck_assert_int_eq(guest_page_flags(g), ANON_RW);
}
END_TEST

START_TEST(test_mremap_file_grow)
{
    /* A shared file mapping grown in place must keep mapping the file:
     * the new page shows the file's next page. */
    int fd = temp_file(3);
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(guest_mmap(a, PG, RW, MAP_SHARED | MAP_FIXED, fd, 0),
                     (int64_t)a);
    ck_assert_int_eq(guest_mremap(a, PG, 3 * PG, 0, 0), (int64_t)a);
    ck_assert(guest_is(a + PG, 'B', PG));
    ck_assert(guest_is(a + 2 * PG, 'C', PG));
    ((char *)g2h(a + 2 * PG))[0] = 'q';
    char c;
    ck_assert_int_eq(pread(fd, &c, 1, 2 * PG), 1);
    ck_assert_int_eq(c, 'q');
    ck_assert_int_eq(guest_page_flags(a + 2 * PG), VALID_RW | PAGE_SHARED);
    /* Moved, still the file. */
    ck_assert_int_eq(map_anon(a + 3 * PG, PG, RW, MAP_FIXED),
                     (int64_t)(a + 3 * PG));
    int64_t m = guest_mremap(a, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
                             0x30000000);
    ck_assert_int_eq(m, 0x30000000);
    ((char *)g2h(m))[1] = 'r';
    ck_assert_int_eq(pread(fd, &c, 1, 1), 1);
    ck_assert_int_eq(c, 'r');
    ck_assert(host_page_taken(a));
    close(fd);
}
END_TEST

/* ---- madvise ---- */

START_TEST(test_madvise)
{
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(map_anon(a, 2 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x5c, 2 * PG);
    ck_assert_int_eq(guest_madvise(a, PG, MADV_DONTNEED), 0);
    ck_assert(guest_is(a, 0, PG));
    ck_assert(guest_is(a + PG, 0x5c, PG));
    ck_assert_int_eq(guest_madvise(a, 2 * PG, MADV_WILLNEED), 0);
    ck_assert_int_eq(guest_madvise(a, 3 * PG, MADV_DONTNEED), -ENOMEM);
    ck_assert(guest_is(a + PG, 0x5c, PG)); /* nothing done */
    ck_assert_int_eq(guest_madvise(a + 1, PG, MADV_DONTNEED), -EINVAL);
    ck_assert_int_eq(guest_madvise(a, PG, 9999), -EINVAL);
    ck_assert_int_eq(guest_madvise(a, PG, MADV_HWPOISON), -EPERM);
    ck_assert_int_eq(guest_madvise(a, 0, MADV_DONTNEED), 0);
}
END_TEST

/* ---- brk ---- */

START_TEST(test_brk)
{
    const uint64_t start = 0x200000;
    ck_assert_uint_eq(guest_brk(0), 0); /* before guest_brk_init */
    guest_brk_init(start);
    ck_assert_uint_eq(guest_brk(0), start);
    ck_assert_uint_eq(guest_brk(start - PG), start); /* below the start */

    ck_assert_uint_eq(guest_brk(start + 100), start + 100);
    ck_assert_int_eq(guest_page_flags(start), ANON_RW);
    ck_assert_int_eq(guest_page_flags(start + PG), 0);
    ck_assert_uint_eq(guest_brk(start + PG + 1000), start + PG + 1000);
    ck_assert_int_eq(guest_page_flags(start + PG), ANON_RW);
    fill_guest(start, 0x99, 2 * PG);

    /* Shrink: whole pages past the break go. */
    ck_assert_uint_eq(guest_brk(start + 10), start + 10);
    ck_assert_uint_eq(guest_brk(0), start + 10);
    ck_assert_int_eq(guest_page_flags(start + PG), 0);
    ck_assert(guest_is(start, 0x99, 10));
    /* Grow again: everything past the old break reads as zero, the tail
     * of the partial page included. */
    ck_assert_uint_eq(guest_brk(start + PG + 10), start + PG + 10);
    ck_assert(guest_is(start, 0x99, 10));
    ck_assert(guest_is(start + 10, 0, 2 * PG - 10));

    /* Growing into another mapping fails and keeps the break. */
    ck_assert_int_eq(map_anon(start + 3 * PG, PG, PROT_READ, MAP_FIXED),
                     (int64_t)(start + 3 * PG));
    ck_assert_uint_eq(guest_brk(start + 4 * PG), start + PG + 10);
    ck_assert_int_eq(guest_page_flags(start + 2 * PG), 0);
    ck_assert_int_eq(guest_page_flags(start + 3 * PG),
                     PAGE_VALID | PAGE_READ | PAGE_ANON);
    /* Up to it is fine. */
    ck_assert_uint_eq(guest_brk(start + 3 * PG), start + 3 * PG);
    ck_assert_int_eq(guest_page_flags(start + 2 * PG), ANON_RW);
    /* Beyond the space: refused. */
    ck_assert_uint_eq(guest_brk(LIMIT + PG), start + 3 * PG);
}
END_TEST

/* ---- safe copies ---- */

START_TEST(test_copy_boundary)
{
    const uint64_t a = 0x20000000;
    ck_assert_int_eq(map_anon(a, PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 0x44, PG);
    unsigned char buf[16];
    memset(buf, 0xcc, sizeof(buf));

    ck_assert_int_eq(guest_copy_from(buf, a + PG - 8, 16), -EFAULT);
    for (int i = 0; i < 16; i++) {
        ck_assert_uint_eq(buf[i], 0xcc);
    }
    ck_assert_int_eq(guest_copy_to(a + PG - 8, buf, 16), -EFAULT);
    ck_assert(guest_is(a + PG - 8, 0x44, 8));
    ck_assert_int_eq(guest_copy_from(buf, a + PG - 8, 8), 0);
    ck_assert_uint_eq(buf[0], 0x44);
    ck_assert_uint_eq(buf[8], 0xcc);
    /* From below the mapping, too. */
    ck_assert_int_eq(guest_copy_from(buf, a - 4, 8), -EFAULT);

    ck_assert(guest_range_ok(a, PG, PAGE_READ | PAGE_WRITE));
    ck_assert(!guest_range_ok(a, PG + 1, PAGE_READ));
    ck_assert(!guest_range_ok(a - 1, 2, PAGE_READ));
    ck_assert(guest_range_ok(a + PG, 0, PAGE_READ)); /* empty */
    ck_assert(!guest_range_ok(UINT64_MAX - 4, 8, PAGE_READ));
    ck_assert(!guest_range_ok(LIMIT - 8, 16, PAGE_READ));

    ck_assert_ptr_eq(guest_lock(a + 8, 64, true), g2h(a + 8));
    ck_assert_ptr_null(guest_lock(a + PG - 8, 16, false));
    ck_assert_int_eq(guest_mprotect(a, PG, PROT_READ), 0);
    ck_assert_ptr_null(guest_lock(a, 8, true));
    ck_assert_ptr_eq(guest_lock(a, 8, false), g2h(a));
}
END_TEST

START_TEST(test_strncpy)
{
    const uint64_t a = 0x20000000;
    /* Two mapped pages, then nothing. */
    ck_assert_int_eq(map_anon(a, 2 * PG, RW, MAP_FIXED), (int64_t)a);
    fill_guest(a, 'x', 2 * PG);
    char dst[64];

    /* "hello" whose NUL is the last byte before the unmapped page. */
    const uint64_t s = a + 2 * PG - 6;
    ck_assert_int_eq(guest_copy_to(s, "hello", 6), 0);
    ck_assert_int_eq(guest_strncpy_from(dst, s, sizeof(dst)), 5);
    ck_assert_str_eq(dst, "hello");
    ck_assert_int_eq(guest_strncpy_from(dst, s, 6), 5);
    ck_assert_int_eq(guest_strncpy_from(dst, s, 5), -ENAMETOOLONG);
    ck_assert_int_eq(guest_strncpy_from(dst, s, 0), -ENAMETOOLONG);

    /* Without its NUL the string runs into the unmapped page. */
    ck_assert_int_eq(guest_copy_to(a + 2 * PG - 1, "y", 1), 0);
    ck_assert_int_eq(guest_strncpy_from(dst, s, sizeof(dst)), -EFAULT);
    /* ...unless the buffer is exhausted first. */
    ck_assert_int_eq(guest_strncpy_from(dst, s, 6), -ENAMETOOLONG);

    /* Across a page boundary inside the mapping. */
    const uint64_t t = a + PG - 3;
    ck_assert_int_eq(guest_copy_to(t, "abcdef", 7), 0);
    ck_assert_int_eq(guest_strncpy_from(dst, t, sizeof(dst)), 6);
    ck_assert_str_eq(dst, "abcdef");

    /* Unreadable or unmapped start. */
    ck_assert_int_eq(guest_strncpy_from(dst, a + 2 * PG, sizeof(dst)), -EFAULT);
    ck_assert_int_eq(guest_mprotect(a + PG, PG, PROT_NONE), 0);
    ck_assert_int_eq(guest_strncpy_from(dst, t, sizeof(dst)), -EFAULT);
    ck_assert_int_eq(guest_strncpy_from(dst, LIMIT - 1, sizeof(dst)), -EFAULT);
    /* Empty string. */
    ck_assert_int_eq(guest_copy_to(a, "", 1), 0);
    ck_assert_int_eq(guest_strncpy_from(dst, a, 1), 0);
    ck_assert_str_eq(dst, "");
}
END_TEST

/* ---- walk ---- */

START_TEST(test_walk)
{
    const uint64_t x = 0x20000000;
    ck_assert_int_eq(map_anon(x, PG, PROT_READ, MAP_FIXED), (int64_t)x);
    ck_assert_int_eq(map_anon(x + PG, 2 * PG, RW, MAP_FIXED),
                     (int64_t)(x + PG));
    /* A separate mapping with equal flags joins the run before it. */
    ck_assert_int_eq(map_anon(x + 3 * PG, PG, RW, MAP_FIXED),
                     (int64_t)(x + 3 * PG));
    ck_assert_int_eq(map_anon(x + 5 * PG, PG, PROT_READ | PROT_EXEC, MAP_FIXED),
                     (int64_t)(x + 5 * PG));
    Runs r = walk();
    ck_assert_uint_eq(r.n, 3);
    ck_assert_uint_eq(r.start[0], x);
    ck_assert_uint_eq(r.end[0], x + PG);
    ck_assert_int_eq(r.flags[0], PAGE_VALID | PAGE_READ | PAGE_ANON);
    ck_assert_uint_eq(r.start[1], x + PG);
    ck_assert_uint_eq(r.end[1], x + 4 * PG);
    ck_assert_int_eq(r.flags[1], ANON_RW);
    ck_assert_uint_eq(r.start[2], x + 5 * PG);
    ck_assert_uint_eq(r.end[2], x + 6 * PG);
    ck_assert_int_eq(r.flags[2],
                     PAGE_VALID | PAGE_READ | PAGE_EXEC | PAGE_ANON);
}
END_TEST

/* ---- threads ---- */

typedef struct Worker {
    int id;
    int failures;
} Worker;

static void *worker(void *opaque)
{
    Worker *w = opaque;
    unsigned char pattern[64], back[64];
    memset(pattern, 0x10 + w->id, sizeof(pattern));
    for (int i = 0; i < 2000; i++) {
        uint64_t len = (uint64_t)(1 + (i % 4)) * PG;
        int64_t a = map_anon(0, len, RW, 0);
        if (a < 0) {
            w->failures++;
            continue;
        }
        /* The other thread must never be handed the same pages. */
        if (guest_copy_to(a + len - 64, pattern, 64) != 0 ||
            guest_copy_from(back, a + len - 64, 64) != 0 ||
            memcmp(back, pattern, 64) != 0 || guest_page_flags(a) != ANON_RW) {
            w->failures++;
        }
        if (i % 3 == 0 && guest_mprotect(a, PG, PROT_READ) != 0) {
            w->failures++;
        }
        if (guest_munmap(a, len) != 0) {
            w->failures++;
        }
    }
    return NULL;
}

START_TEST(test_threads)
{
    /* A mapping that must survive the churn untouched. */
    const uint64_t keep = 0x20000000;
    ck_assert_int_eq(map_anon(keep, PG, RW, MAP_FIXED), (int64_t)keep);
    fill_guest(keep, 0x7e, PG);
    Worker w[2] = {{.id = 0}, {.id = 1}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
    }
    /* Readers in parallel with the writers. */
    for (int i = 0; i < 2000; i++) {
        Runs r = walk();
        for (size_t k = 1; k < r.n && k < 64; k++) {
            ck_assert(r.end[k - 1] <= r.start[k]);
            ck_assert(r.end[k - 1] < r.start[k] ||
                      r.flags[k - 1] != r.flags[k]);
        }
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    Runs r = walk();
    ck_assert_uint_eq(r.n, 1);
    ck_assert_uint_eq(r.start[0], keep);
    ck_assert(guest_is(keep, 0x7e, PG));
}
END_TEST

/* fork() while another thread keeps changing the map: the child must
 * find the lock free and the map usable (a child inheriting a held lock
 * would hang, caught by alarm()). */
START_TEST(test_fork_during_churn)
{
    Worker w = {.id = 0};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, worker, &w), 0);
    for (int i = 0; i < 40; i++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            alarm(10);
            int64_t a = map_anon(0, PG, RW, 0);
            int ok = a > 0 && guest_page_flags(a) == ANON_RW &&
                     guest_munmap(a, PG) == 0;
            _exit(ok ? 0 : 1);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "child %d: status 0x%x", i, status);
    }
    pthread_join(t, NULL);
    ck_assert_int_eq(w.failures, 0);
}
END_TEST

/* ---- invalidation of translated code ---- */

static uint64_t run_toy(ToyCPU *cpu, uint64_t pc)
{
    toy_cpu_clear_output(cpu);
    cpu->pc = pc;
    int excp = toy_cpu_run(cpu);
    ck_assert_msg(excp == EXCP_TOY_HALT, "exception %s", toy_excp_name(excp));
    ck_assert_uint_eq(cpu->nb_out, 1);
    return cpu->out[0];
}

/* "li r1, value; out r1; halt" at pc, stored straight through g2h as a
 * guest store would be (no invalidation of its own). A writable page that
 * holds translated code is write-protected on the host, so like a guest
 * store this write faults and goes through the fault handler, which
 * releases the page (drops its blocks) and retries the write. */
static void store_program(uint64_t pc, uint64_t value)
{
    ToyAsm as;
    toy_asm_init(&as, pc);
    toy_li64(&as, 1, value);
    toy_out(&as, 1);
    toy_halt(&as);
    ck_assert_msg(toy_asm_finish(&as) == 0, "%s", as.err);
    ck_assert(toy_asm_load(&as, g2h(0), LIMIT));
    toy_asm_free(&as);
}

static uint64_t invalidations(void)
{
    TCGStats st;
    tcg_get_stats(&st);
    return st.tb_invalidated;
}

START_TEST(test_invalidate)
{
    uint64_t before_plain;
    const uint64_t pc = 0x10000;
    const int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
    tcg_exec_init(0, &tcg_backend_tci);
    tcg_install_fault_handler();
    ToyCPU cpu;
    toy_cpu_init(&cpu, LIMIT);

    ck_assert_int_eq(map_anon(pc, PG, rwx, MAP_FIXED), (int64_t)pc);
    store_program(pc, 11);
    ck_assert_uint_eq(run_toy(&cpu, pc), 11);

    /* A plain store into translated code is seen with no other help: the
     * page was write-protected when the block was translated. */
    before_plain = invalidations();
    store_program(pc, 12);
    ck_assert_uint_gt(invalidations(), before_plain);
    ck_assert_uint_eq(run_toy(&cpu, pc), 12);

    /* mprotect over code drops its translation. */
    uint64_t before = invalidations();
    store_program(pc, 22);
    ck_assert_int_eq(guest_mprotect(pc, PG, rwx), 0);
    ck_assert_uint_gt(invalidations(), before);
    ck_assert_uint_eq(run_toy(&cpu, pc), 22);

    /* A system call writing into code (guest_copy_to). */
    ToyAsm as;
    toy_asm_init(&as, pc);
    toy_li64(&as, 1, 33);
    toy_out(&as, 1);
    toy_halt(&as);
    ck_assert(toy_asm_finish(&as) == 0);
    ck_assert_int_eq(guest_copy_to(pc, as.code, toy_asm_size(&as)), 0);
    toy_asm_free(&as);
    ck_assert_uint_eq(run_toy(&cpu, pc), 33);

    /* munmap, then new code mapped at the same place. */
    before = invalidations();
    ck_assert_int_eq(guest_munmap(pc, PG), 0);
    ck_assert_uint_gt(invalidations(), before);
    ck_assert_int_eq(map_anon(pc, PG, rwx, MAP_FIXED), (int64_t)pc);
    store_program(pc, 44);
    ck_assert_uint_eq(run_toy(&cpu, pc), 44);

    /* MAP_FIXED straight over code. */
    ck_assert_int_eq(map_anon(pc, PG, rwx, MAP_FIXED), (int64_t)pc);
    store_program(pc, 55);
    ck_assert_uint_eq(run_toy(&cpu, pc), 55);

    /* madvise(MADV_DONTNEED) and a write through guest_lock. */
    ck_assert_int_eq(guest_madvise(pc, PG, MADV_DONTNEED), 0);
    store_program(pc, 66);
    ck_assert_uint_eq(run_toy(&cpu, pc), 66);
    ck_assert_ptr_nonnull(guest_lock(pc, 16, true));
    store_program(pc, 77);
    ck_assert_uint_eq(run_toy(&cpu, pc), 77);

    /* mremap moves code away: its old address has no translation left. */
    before = invalidations();
    ck_assert_int_eq(
        guest_mremap(pc, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x30000),
        0x30000);
    ck_assert_uint_gt(invalidations(), before);

    /* Pages without PAGE_EXEC never cause invalidation work. */
    ck_assert_int_eq(map_anon(0x40000, PG, RW, MAP_FIXED), 0x40000);
    before = invalidations();
    ck_assert_int_eq(guest_munmap(0x40000, PG), 0);
    ck_assert_uint_eq(invalidations(), before);
    toy_cpu_free(&cpu);
}
END_TEST

static Suite *guest_mem_suite(void)
{
    Suite *s = suite_create("guest-mem");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_init_reservation);
    tcase_add_test(tc, test_mmap_anon_placement);
    tcase_add_test(tc, test_mmap_fixed);
    tcase_add_test(tc, test_mmap_einval);
    tcase_add_test(tc, test_mmap_exhaust);
    tcase_add_test(tc, test_mmap_bottom_up_fallback);
    tcase_add_test(tc, test_mmap_noreserve_huge);
    tcase_add_test(tc, test_munmap_split);
    tcase_add_test(tc, test_mprotect);
    tcase_add_test(tc, test_exec_cache);
    tcase_add_test(tc, test_mmap_file);
    tcase_add_test(tc, test_mremap);
    tcase_add_test(tc, test_mremap_file_grow);
    tcase_add_test(tc, test_madvise);
    tcase_add_test(tc, test_brk);
    tcase_add_test(tc, test_copy_boundary);
    tcase_add_test(tc, test_strncpy);
    tcase_add_test(tc, test_walk);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_fork_during_churn);
    tcase_add_test(tc, test_invalidate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(guest_mem_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

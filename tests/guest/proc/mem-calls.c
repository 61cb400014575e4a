/*
 * The memory system calls with Linux's semantics, printed so that the
 * guest builds under vemu must print what the native build prints on
 * the host kernel (test-glibc.py): fixed and hinted mmap,
 * MAP_FIXED_NOREPLACE, MAP_SHARED_VALIDATE, large MAP_NORESERVE
 * reservations, the low-address limit, mremap (growing, moving, fixed,
 * DONTUNMAP), madvise(MADV_DONTNEED), mprotect, msync, mincore and the
 * mlock family. Addresses themselves differ, so only relations between
 * them and errno names are printed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

#define PG 4096ul
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static const char *err(long r)
{
    if (r >= 0 || r < -4095) {
        return "ok";
    }
    switch (-r) {
    case EEXIST:
        return "EEXIST";
    case EINVAL:
        return "EINVAL";
    case ENOMEM:
        return "ENOMEM";
    case EPERM:
        return "EPERM";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EFAULT:
        return "EFAULT";
    case EBADF:
        return "EBADF";
    case EACCES:
        return "EACCES";
    default:
        return strerror((int)-r);
    }
}

/* mmap as a value or -errno. */
static long map(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(addr, len, prot, flags, fd, off);
    return p == MAP_FAILED ? -errno : (long)(uintptr_t)p;
}

static long ret(long r)
{
    return r < 0 ? -errno : r;
}

static long remap(void *old, size_t olen, size_t nlen, int flags, void *new)
{
    void *p = mremap(old, olen, nlen, flags, new);
    return p == MAP_FAILED ? -errno : (long)(uintptr_t)p;
}

/* A free range of len bytes (mapped and unmapped again). */
static char *free_range(size_t len)
{
    char *p = mmap(NULL, len, PROT_NONE, ANON, -1, 0);
    munmap(p, len);
    return p;
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
    siglongjmp(jb, 1);
}

static int writable(volatile char *p)
{
    if (sigsetjmp(jb, 1)) {
        return 0;
    }
    *p = *p;
    return 1;
}

static void test_mmap(void)
{
    char *a = mmap(NULL, 4 * PG, RW, ANON, -1, 0);
    /* NOREPLACE: any overlap is EEXIST and leaves the old pages alone. */
    a[PG] = 42;
    printf("noreplace overlap: %s\n",
           err(map(a + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)));
    printf("noreplace overlap kept: %d\n", a[PG]);
    munmap(a + 2 * PG, 2 * PG);
    long r = map(a + 2 * PG, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    printf("noreplace free: %s at %d\n", err(r), r == (long)(a + 2 * PG));
    /* A hint over free space is taken as is; over a mapping it is not. */
    char *h = free_range(8 * PG);
    r = map(h + PG, PG, RW, ANON, -1, 0);
    printf("hint free: %d\n", r == (long)(h + PG));
    r = map(a, PG, RW, ANON, -1, 0);
    printf("hint busy: %s, elsewhere %d\n", err(r), r != (long)a);
    /* MAP_FIXED replaces, with zero pages. */
    a[0] = 7;
    r = map(a, PG, RW, ANON | MAP_FIXED, -1, 0);
    printf("fixed replace: %d zero %d\n", r == (long)a, a[0] == 0);
    printf("fixed misaligned: %s\n",
           err(map(a + 1, PG, RW, ANON | MAP_FIXED, -1, 0)));
    printf("len 0: %s\n", err(map(NULL, 0, RW, ANON, -1, 0)));
    printf("no type: %s\n", err(map(NULL, PG, RW, MAP_ANONYMOUS, -1, 0)));
    printf("bad fd: %s\n", err(map(NULL, PG, RW, MAP_PRIVATE, 999, 0)));
    munmap(a, 4 * PG);

    /* MAP_SHARED_VALIDATE: known flags pass, unknown ones do not, and
     * anonymous memory refuses the type. */
    int fd = memfd_create("validate", MFD_CLOEXEC);
    printf("memfd: %s\n", err(ret(fd)));
    ftruncate(fd, 4 * PG);
    r = map(NULL, PG, RW, MAP_SHARED_VALIDATE | MAP_POPULATE, fd, 0);
    printf("validate known: %s\n", err(r));
    munmap((void *)r, PG);
    printf("validate unknown: %s\n",
           err(map(NULL, PG, RW, MAP_SHARED_VALIDATE | 0x800000, fd, 0)));
    printf(
        "validate noreplace: %s\n",
        err(map(h, PG, RW, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, fd, 0)));
    printf("validate anon: %s\n",
           err(map(NULL, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0)));
    printf(
        "shared unknown ignored: %s\n",
        err(map(h + 4 * PG, PG, RW, MAP_SHARED | MAP_FIXED | 0x800000, fd, 0)));
    printf("offset misaligned: %s\n",
           err(map(NULL, PG, RW, MAP_SHARED, fd, 100)));
    close(fd);
    munmap(h, 8 * PG);

    /* Large reservations: 32 GiB fits every guest (riscv64's 256 GiB
     * space), 64 GiB aarch64's 1 TiB and the host's. */
    for (unsigned long gib = 32; gib <= 64; gib *= 2) {
        char *big =
            mmap(NULL, gib << 30, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);
        int ok = big != MAP_FAILED;
        if (ok) {
            char *mid = big + (gib << 29);
            ok = mprotect(mid, PG, RW) == 0;
            mid[1] = 5;
            ok = ok && mid[1] == 5 && munmap(big, gib << 30) == 0;
        }
        printf("reserve %lu GiB: %d\n", gib, ok);
    }

    /* Page 0: only with CAP_SYS_RAWIO (or below vm.mmap_min_addr); the
     * result must match the host's for the same process. */
    r = map(NULL, PG, RW, ANON | MAP_FIXED, -1, 0);
    printf("page 0 fixed: %s\n", err(r));
    if (r == 0) {
        munmap(NULL, PG);
    }
    /* A hint below the minimum is raised, never taken. */
    r = map((void *)PG, PG, RW, ANON, -1, 0);
    printf("low hint: %s above %d\n", err(r), r >= 4096);
    munmap((void *)r, PG);
}

static void test_mremap(void)
{
    /* Grow where there is no room: it moves, keeping the contents. */
    char *a = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
    munmap(a + 2 * PG, PG);
    char *block = mmap(a + 2 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0);
    for (unsigned i = 0; i < 2 * PG; i++) {
        a[i] = (char)(i * 7);
    }
    printf("grow no move: %s\n", err(remap(a, 2 * PG, 4 * PG, 0, NULL)));
    long r = remap(a, 2 * PG, 4 * PG, MREMAP_MAYMOVE, NULL);
    char *b = (char *)r;
    int same = r > 0;
    for (unsigned i = 0; same && i < 2 * PG; i++) {
        same = b[i] == (char)(i * 7);
    }
    printf("grow move: %s moved %d contents %d tail zero %d\n", err(r), b != a,
           same, r > 0 && b[3 * PG] == 0);
    printf("old gone: %d\n", msync(a, PG, MS_ASYNC) < 0 && errno == ENOMEM);
    munmap(block, PG);
    /* Grow in place when the room is free. */
    r = remap(b, 4 * PG, 5 * PG, 0, NULL);
    int in_place = r == (long)b;
    if (!in_place) {
        /* Something is mapped after b: make room and retry. */
        b = (char *)remap(b, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
                          free_range(16 * PG));
        r = remap(b, 4 * PG, 5 * PG, 0, NULL);
        in_place = r == (long)b;
    }
    printf("grow in place: %d kept %d\n", in_place, b[5] == (char)35);
    /* Shrink. */
    printf("shrink: %d\n", remap(b, 5 * PG, PG, 0, NULL) == (long)b);
    /* MREMAP_FIXED to a chosen address, replacing what is there. */
    char *dst = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    dst[0] = 9;
    r = remap(b, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    printf("fixed: %d contents %d\n", r == (long)dst, dst[5] == (char)35);
    printf("fixed without maymove: %s\n",
           err(remap(dst, PG, PG, MREMAP_FIXED, b)));
    printf("fixed overlap: %s\n",
           err(remap(dst, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
                     dst + PG)));
    printf("unmapped: %s\n",
           err(remap(free_range(PG), PG, 2 * PG, MREMAP_MAYMOVE, NULL)));
    printf("misaligned: %s\n", err(remap(dst + 1, PG, PG, 0, NULL)));
    printf("bad flags: %s\n", err(remap(dst, PG, PG, 0x80, NULL)));
    /* DONTUNMAP: the source stays mapped and reads as zero. */
    r = remap(dst, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    printf("dontunmap: %s", err(r));
    if (r > 0) {
        printf(" moved %d contents %d source zero %d", (char *)r != dst,
               ((char *)r)[5] == (char)35, dst[5] == 0);
        munmap((void *)r, 2 * PG);
    }
    printf("\n");
    printf("dontunmap resize: %s\n",
           err(remap(dst, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
                     NULL)));
    munmap(dst, 2 * PG);

    /* A shared file mapping grows with its file. */
    int fd = memfd_create("grow", MFD_CLOEXEC);
    ftruncate(fd, 4 * PG);
    char *s = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
    char *s2 = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
    s[0] = 1;
    r = remap(s, PG, 3 * PG, MREMAP_MAYMOVE, NULL);
    ((char *)r)[2 * PG] = 3;
    printf("shared grow: %s file %d %d\n", err(r), s2[0], s2[2 * PG]);
    munmap((void *)r, 3 * PG);
    munmap(s2, 4 * PG);
    close(fd);
}

static void test_madvise_mprotect(void)
{
    char *a = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    memset(a, 0x5a, 2 * PG);
    printf("dontneed: %s", err(ret(madvise(a, PG, MADV_DONTNEED))));
    printf(" zero %d other kept %d\n", a[10] == 0, a[PG + 10] == 0x5a);
    /* Shared memory keeps its contents: they live in the file. */
    int fd = memfd_create("adv", MFD_CLOEXEC);
    ftruncate(fd, PG);
    char *s = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
    s[1] = 6;
    madvise(s, PG, MADV_DONTNEED);
    printf("dontneed shared kept: %d\n", s[1]);
    printf("madvise misaligned: %s\n", err(ret(madvise(a + 1, PG, 0))));
    printf("madvise bad advice: %s\n", err(ret(madvise(a, PG, 999))));
    printf("madvise unmapped: %s\n",
           err(ret(madvise(free_range(PG), PG, MADV_NORMAL))));

    struct sigaction sa = {.sa_handler = on_segv};
    sigaction(SIGSEGV, &sa, NULL);
    mprotect(a, PG, PROT_READ);
    printf("mprotect read-only: writable %d other %d\n", writable(a),
           writable(a + PG));
    mprotect(a, PG, RW);
    printf("mprotect back: %d\n", writable(a));
    printf("mprotect bad prot: %s\n", err(ret(mprotect(a, PG, 0x100))));
    printf("mprotect misaligned: %s\n", err(ret(mprotect(a + 1, PG, RW))));
    printf("mprotect unmapped: %s\n",
           err(ret(mprotect(free_range(PG), PG, RW))));

    /* msync, mincore */
    printf("msync: %s\n", err(ret(msync(s, PG, MS_SYNC))));
    printf("msync both: %s\n", err(ret(msync(s, PG, MS_SYNC | MS_ASYNC))));
    printf("msync bad: %s\n", err(ret(msync(s, PG, 64))));
    printf("msync misaligned: %s\n", err(ret(msync(s + 1, PG, MS_ASYNC))));
    printf("msync unmapped: %s\n",
           err(ret(msync(free_range(PG), PG, MS_ASYNC))));
    unsigned char vec[3] = {9, 9, 9};
    a[0] = 1;
    printf("mincore: %s resident %d\n", err(ret(mincore(a, 2 * PG, vec))),
           vec[0] & 1);
    printf("mincore unmapped: %s\n",
           err(ret(mincore(free_range(PG), PG, vec))));
    printf("mincore misaligned: %s\n", err(ret(mincore(a + 1, PG, vec))));
    printf("mincore bad vec: %s\n",
           err(ret(mincore(a, PG, (unsigned char *)free_range(PG)))));

    /* mlock family */
    printf("mlock: %s\n", err(ret(mlock(a + 5, 100))));
    printf("munlock: %s\n", err(ret(munlock(a, PG))));
    printf("mlock unmapped: %s\n", err(ret(mlock(free_range(PG), PG))));
    printf("mlock2 onfault: %s\n", err(ret(mlock2(a, PG, MLOCK_ONFAULT))));
    printf("mlock2 bad: %s\n", err(ret(mlock2(a, PG, 2))));
    munlock(a, PG);
    printf("mlockall 0: %s\n", err(ret(mlockall(0))));
    printf("mlockall onfault alone: %s\n", err(ret(mlockall(MCL_ONFAULT))));
    printf("munlockall: %s\n", err(ret(munlockall())));
    munmap(s, PG);
    close(fd);
    munmap(a, 2 * PG);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_mmap();
    test_mremap();
    test_madvise_mprotect();
    return 0;
}

/*
 * W^X double mapping as JITs (.NET, V8) use it: one memfd mapped twice,
 * read-write where code is written and read-execute where it runs. Code
 * rewritten through the writable view must run in its new form through
 * the executable one, whether the program flushes the instruction cache
 * through the executable address, through the writable one (valid on
 * arm64 and riscv64, whose caches are physically indexed), or not at all
 * (x86-64 needs no flush; vemu must not depend on one either). Also
 * through a read(2) into the writable view. Prints the values the
 * generated functions return: the native build prints the same.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

typedef int (*fn_t)(void);

/* "return n" in the machine's code; returns its length. */
static size_t emit_return(uint8_t *p, unsigned n)
{
#if defined(__aarch64__)
    uint32_t insn[2] = {0x52800000u | (n << 5), 0xd65f03c0u}; /* movz; ret */
#elif defined(__riscv)
    uint32_t insn[2] = {(n << 20) | (10 << 7) | 0x13, 0x00008067}; /* li; ret */
#elif defined(__x86_64__)
    uint8_t insn[6] = {0xb8, n, n >> 8, 0, 0, 0xc3}; /* mov eax, n; ret */
#endif
    memcpy(p, insn, sizeof(insn));
    return sizeof(insn);
}

enum { FLUSH_RX, FLUSH_RW, NO_FLUSH };

static void flush(int how, uint8_t *rw, uint8_t *rx, size_t len)
{
    if (how == FLUSH_RX) {
        __builtin___clear_cache((char *)rx, (char *)rx + len);
    } else if (how == FLUSH_RW) {
        __builtin___clear_cache((char *)rw, (char *)rw + len);
    }
}

int main(void)
{
    static const char *names[] = {"flush-rx", "flush-rw", "no-flush"};
    int fd = memfd_create("jit", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 2 * PG) != 0) {
        printf("memfd failed\n");
        return 1;
    }
    uint8_t *rw = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint8_t *rx = mmap(NULL, 2 * PG, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED || rx == MAP_FAILED || rw == rx) {
        printf("mmap failed\n");
        return 1;
    }
    for (int how = FLUSH_RX; how <= NO_FLUSH; how++) {
        /* Two functions in the first page, one in the second. */
        unsigned base = 100 * (unsigned)(how + 1);
        emit_return(rw, base + 1);
        emit_return(rw + 64, base + 2);
        emit_return(rw + PG + 128, base + 3);
        flush(how, rw, rx, 2 * PG);
        fn_t f1 = (fn_t)(void *)rx, f2 = (fn_t)(void *)(rx + 64);
        fn_t f3 = (fn_t)(void *)(rx + PG + 128);
        printf("%s first: %d %d %d\n", names[how], f1(), f2(), f3());
        /* Rewrite each, one at a time, calling all after each change. */
        for (int round = 1; round <= 3; round++) {
            emit_return(rw, base + 10 * round + 1);
            flush(how, rw, rx, 8);
            printf("%s round %d: %d %d %d", names[how], round, f1(), f2(),
                   f3());
            emit_return(rw + PG + 128, base + 10 * round + 3);
            flush(how, rw + PG + 128, rx + PG + 128, 8);
            printf(" | %d %d %d\n", f1(), f2(), f3());
        }
        /* The kernel writing into the writable view: read(2). */
        uint8_t code[8];
        size_t len = emit_return(code, base + 99);
        int p[2];
        if (pipe(p) != 0 || write(p[1], code, len) != (ssize_t)len ||
            read(p[0], rw + 64, len) != (ssize_t)len) {
            printf("pipe failed\n");
            return 1;
        }
        close(p[0]);
        close(p[1]);
        flush(how, rw + 64, rx + 64, len);
        printf("%s read(2): %d %d %d\n", names[how], f1(), f2(), f3());
    }
    /* A third view mapped later sees (and runs) the same code. */
    uint8_t *rx2 = mmap(NULL, PG, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    fn_t g = (fn_t)(void *)rx2;
    printf("third view: %d\n", g());
    emit_return(rw, 7);
    flush(NO_FLUSH, rw, rx2, 8);
    printf("third view rewritten: %d %d\n", g(), ((fn_t)(void *)rx)());
    /* After the writable view moves (mremap), writes through the new
     * address still reach the code. */
    uint8_t *to =
        mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *rw2 =
        mremap(rw, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    if (rw2 == MAP_FAILED) {
        printf("mremap failed\n");
        return 1;
    }
    emit_return(rw2, 8);
    printf("moved writer: %d %d\n", g(), ((fn_t)(void *)rx)());
    return 0;
}

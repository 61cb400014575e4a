/*
 * Guest program for the persistent translation cache tests
 * (test-tb-cache.py). Its output depends on everything the cache must
 * get right across runs:
 *  - ordinary code (loops, calls, a switch through a jump table);
 *  - code written at run time at a fixed address, whose bytes depend on
 *    argv[1]: a block saved by a run with one value must not be reused by
 *    a run with another;
 *  - a forked child, whose exit status the parent prints.
 * VARIANT changes the program's code, for the "program replaced" case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VARIANT
#define VARIANT 0
#endif

#define JIT_ADDR ((void *)0x30000000ul)

static uint64_t __attribute__((noinline)) step(uint64_t x, int k)
{
    switch (k & 7) {
    case 0:
        return x * 6364136223846793005ull + 1442695040888963407ull;
    case 1:
        return x ^ (x >> 17);
    case 2:
        return x + (x << 9) + VARIANT;
    case 3:
        return (x << 13) | (x >> 51);
    case 4:
        return x - 0x9e3779b97f4a7c15ull;
    case 5:
        return ~x * 3;
    case 6:
        return x ^ 0xdeadbeefcafef00dull;
    default:
        return x / 3 + 7;
    }
}

/* The instructions of "return value" for this guest. */
static size_t return_const(uint32_t *code, uint32_t value)
{
#if defined(__aarch64__)
    code[0] = 0x52800000u | ((value & 0xffffu) << 5); /* movz w0, #value */
    code[1] = 0xd65f03c0u;                            /* ret */
#elif defined(__riscv)
    code[0] = 0x00000513u | ((value & 0x7ffu) << 20); /* addi a0, zero, v */
    code[1] = 0x00008067u;                            /* ret */
#else
    /* The native build: x86-64 "mov eax, imm32; ret". */
    uint8_t *b = (uint8_t *)code;
    b[0] = 0xb8;
    memcpy(b + 1, &value, 4);
    b[5] = 0xc3;
#endif
    return 8;
}

static int jit(uint32_t value)
{
    uint32_t *code = mmap(JIT_ADDR, 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    size_t n = return_const(code, value);
    __builtin___clear_cache((char *)code, (char *)code + n);
    if (mprotect(code, 4096, PROT_READ | PROT_EXEC) < 0) {
        perror("mprotect");
        exit(1);
    }
    int (*fn)(void) = (int (*)(void))(uintptr_t)code;
    /* Left mapped: its block is then still valid at exit, and saved. */
    return fn();
}

int main(int argc, char **argv)
{
    uint32_t value = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 1;
    uint64_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = step(x, i * 5 + (int)(x & 3));
    }
    printf("variant %d sum %016llx\n", VARIANT, (unsigned long long)x);
    printf("jit %d\n", jit(value));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t y = x;
        for (int i = 0; i < 1000; i++) {
            y = step(y, i);
        }
        _exit((int)(y & 0x7f));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("child %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

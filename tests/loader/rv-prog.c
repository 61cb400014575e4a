/*
 * Guest program for the loader's real-binary test: compiled for riscv64 by
 * clang and linked by ld.lld (no libc), as a static executable, a
 * static-pie and a PIE naming an interpreter. Never run on the host: the
 * test only loads it and compares the result with the file. It has text,
 * read-only data, initialized data and a bss larger than a page.
 */
static const char msg[] = "hello from riscv64\n";
long counter = 42;
char buf[10000];

void _start(void)
{
    register long a0 asm("a0") = 1;
    register const char *a1 asm("a1") = msg;
    register long a2 asm("a2") = sizeof(msg) - 1;
    register long a7 asm("a7") = 64; /* write */
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7));
    buf[5] = (char)counter;
    a0 = buf[5] - 42;
    a7 = 93; /* exit */
    asm volatile("ecall" : "+r"(a0) : "r"(a7));
    for (;;) {
    }
}

/*
 * The foreign program run through binfmt_misc by test-register.sh (static)
 * and test-programs.sh (also dynamic, with HELLO_DYNAMIC): it names
 * the architecture it was built for (so a pass proves the guest build ran,
 * not a host one), echoes its arguments, and exits 3 so that the exit
 * status is seen to come through the emulator.
 */
#include <stdio.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
#if defined(__aarch64__)
    puts("hello from aarch64");
#elif defined(__riscv) && __riscv_xlen == 64
    puts("hello from riscv64");
#else
    puts("hello from an unexpected architecture");
#endif
#ifdef HELLO_DYNAMIC
    /* The kernel (or emulator) gives AT_BASE only when it loaded an ELF
     * interpreter: proof that ld.so ran, not just the program. */
    puts(getauxval(AT_BASE) ? "ld.so loaded" : "no ld.so");
#endif
    for (int i = 0; i < argc; i++) {
        printf("[%d] %s\n", i, argv[i]);
    }
    return 3;
}

/*
 * A stand-in emulator for test-register.sh: registered as the interpreter
 * with the P or O flag, it prints what the kernel hands an interpreter
 * (AT_FLAGS, AT_EXECFD, argv), which is the contract vemu-<arch> has to
 * implement for those flags (docs/binfmt.md).
 */
#include <stdio.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
    printf("AT_FLAGS=%lu AT_EXECFD=%s\n", getauxval(AT_FLAGS),
           getauxval(AT_EXECFD) ? "set" : "unset");
    for (int i = 1; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    return 0;
}

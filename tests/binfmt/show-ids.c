/*
 * The set-id foreign program of test-setuid.sh: prints the real and
 * effective ids and AT_SECURE as the guest sees them, which shows whether
 * binfmt_misc's C flag gave the emulator the file's credentials and
 * whether the emulator told the guest's libc it runs set-id.
 */
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(void)
{
    printf("uid=%u euid=%u gid=%u egid=%u secure=%lu\n", (unsigned)getuid(),
           (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid(),
           getauxval(AT_SECURE));
    return 0;
}

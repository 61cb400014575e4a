/*
 * The asm-generic pieces of a SyscallArch: the number-to-name list built
 * from syscall-nr.h, and the flag tables (guest value, host value, name)
 * for open flags, PROT_ and MAP_ bits. A guest that differs from
 * asm-generic in a table passes its own in its SyscallArch (aarch64's open
 * flags); NULL there selects these.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "linux-user/generic/target-consts.h"
#include "syscall/syscall.h"

const char *const syscall_generic_names[] = {
#define GENERIC_SYSCALL(nr, name) [nr] = #name,
#include "linux-user/generic/syscall-nr.h"
#undef GENERIC_SYSCALL
};
const unsigned syscall_generic_nr_count =
    sizeof(syscall_generic_names) / sizeof(syscall_generic_names[0]);

/* The x86-64 kernel's O_LARGEFILE: glibc spells it 0 on 64-bit hosts, but
 * the kernel sets this bit in every file's flags (F_GETFL shows it). */
#define HOST_O_LARGEFILE_BIT 0100000
/* glibc's O_TMPFILE includes O_DIRECTORY and O_SYNC includes O_DSYNC;
 * the table wants the one bit each adds. */
#define HOST_O_TMPFILE_BIT (O_TMPFILE & ~O_DIRECTORY)
#define HOST_O_SYNC_BIT (O_SYNC & ~O_DSYNC)

const SyscallFlag syscall_generic_open_flags[] = {
    {TARGET_O_CREAT, O_CREAT, "O_CREAT"},
    {TARGET_O_EXCL, O_EXCL, "O_EXCL"},
    {TARGET_O_NOCTTY, O_NOCTTY, "O_NOCTTY"},
    {TARGET_O_TRUNC, O_TRUNC, "O_TRUNC"},
    {TARGET_O_APPEND, O_APPEND, "O_APPEND"},
    {TARGET_O_NONBLOCK, O_NONBLOCK, "O_NONBLOCK"},
    {TARGET_O_DSYNC, O_DSYNC, "O_DSYNC"},
    {TARGET_FASYNC, O_ASYNC, "O_ASYNC"},
    {TARGET_O_DIRECT, O_DIRECT, "O_DIRECT"},
    {TARGET_O_LARGEFILE, HOST_O_LARGEFILE_BIT, "O_LARGEFILE"},
    {TARGET_O_DIRECTORY, O_DIRECTORY, "O_DIRECTORY"},
    {TARGET_O_NOFOLLOW, O_NOFOLLOW, "O_NOFOLLOW"},
    {TARGET_O_NOATIME, O_NOATIME, "O_NOATIME"},
    {TARGET_O_CLOEXEC, O_CLOEXEC, "O_CLOEXEC"},
    /* O_SYNC is __O_SYNC|O_DSYNC: this bit prints as O_SYNC. */
    {TARGET___O_SYNC, HOST_O_SYNC_BIT, "O_SYNC"},
    {TARGET_O_PATH, O_PATH, "O_PATH"},
    {TARGET___O_TMPFILE, HOST_O_TMPFILE_BIT, "O_TMPFILE"},
    {0, 0, NULL},
};

const SyscallFlag syscall_generic_prot_flags[] = {
    {TARGET_PROT_READ, PROT_READ, "PROT_READ"},
    {TARGET_PROT_WRITE, PROT_WRITE, "PROT_WRITE"},
    {TARGET_PROT_EXEC, PROT_EXEC, "PROT_EXEC"},
    /* No effect on x86-64; accepted and dropped. */
    {TARGET_PROT_SEM, 0, "PROT_SEM"},
    {TARGET_PROT_GROWSDOWN, PROT_GROWSDOWN, "PROT_GROWSDOWN"},
    {TARGET_PROT_GROWSUP, PROT_GROWSUP, "PROT_GROWSUP"},
    {0, 0, NULL},
};

/* The bits above MAP_TYPE; the type itself (MAP_SHARED, MAP_PRIVATE,
 * MAP_SHARED_VALIDATE) is a value the mmap implementation checks. */
const SyscallFlag syscall_generic_map_flags[] = {
    {TARGET_MAP_FIXED, MAP_FIXED, "MAP_FIXED"},
    {TARGET_MAP_ANONYMOUS, MAP_ANONYMOUS, "MAP_ANONYMOUS"},
    {TARGET_MAP_GROWSDOWN, MAP_GROWSDOWN, "MAP_GROWSDOWN"},
    /* Ignored by Linux for years; accepted and dropped. */
    {TARGET_MAP_DENYWRITE, 0, "MAP_DENYWRITE"},
    {TARGET_MAP_EXECUTABLE, 0, "MAP_EXECUTABLE"},
    {TARGET_MAP_LOCKED, MAP_LOCKED, "MAP_LOCKED"},
    {TARGET_MAP_NORESERVE, MAP_NORESERVE, "MAP_NORESERVE"},
    {TARGET_MAP_POPULATE, MAP_POPULATE, "MAP_POPULATE"},
    {TARGET_MAP_NONBLOCK, MAP_NONBLOCK, "MAP_NONBLOCK"},
    {TARGET_MAP_STACK, MAP_STACK, "MAP_STACK"},
    {TARGET_MAP_HUGETLB, MAP_HUGETLB, "MAP_HUGETLB"},
    {TARGET_MAP_SYNC, MAP_SYNC, "MAP_SYNC"},
    {TARGET_MAP_FIXED_NOREPLACE, MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
    {0, 0, NULL},
};

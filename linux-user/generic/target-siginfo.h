/*
 * Guest siginfo_t, struct sigevent and struct itimerval of the asm-generic
 * 64-bit ABI (uapi asm-generic/siginfo.h, linux/time.h), with their
 * offsets checked at build time. Kept apart from target-structs.h because
 * only the signal code uses them.
 */
#ifndef VEMU_LINUX_USER_GENERIC_TARGET_SIGINFO_H
#define VEMU_LINUX_USER_GENERIC_TARGET_SIGINFO_H

#include "linux-user/generic/target-structs.h"

/* siginfo_t: three ints, padding to 8, then a union whose member depends
 * on si_code and the signal. 128 bytes in all. */
typedef struct target_siginfo {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad;
    union {
        uint8_t raw[112];
        struct { /* kill, tkill, sigqueue (SI_USER, SI_TKILL, SI_QUEUE) */
            int32_t pid;
            uint32_t uid;
            uint64_t value; /* union sigval */
        } rt;
        struct { /* POSIX timers (SI_TIMER) */
            int32_t tid;
            int32_t overrun;
            uint64_t value;
        } timer;
        struct { /* SIGCHLD */
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime;
            int64_t stime;
        } chld;
        struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
            uint64_t addr;
        } fault;
        struct { /* SIGPOLL */
            int64_t band;
            int32_t fd;
        } poll;
        struct { /* SIGSYS */
            uint64_t call_addr;
            int32_t syscall;
            uint32_t arch;
        } sys;
    } u;
} target_siginfo;
TARGET_CHECK(target_siginfo, u, 16);
TARGET_CHECK(target_siginfo, u.rt.value, 24);
TARGET_CHECK(target_siginfo, u.chld.status, 24);
TARGET_CHECK(target_siginfo, u.chld.utime, 32);
TARGET_CHECK(target_siginfo, u.poll.fd, 24);
TARGET_CHECK(target_siginfo, u.sys.arch, 28);
TARGET_SIZE(target_siginfo, 128);

/* struct sigevent: 64 bytes; the union after notify holds the thread id
 * of SIGEV_THREAD_ID. */
typedef struct target_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    union {
        uint8_t pad[48];
        int32_t tid;
    } u;
} target_sigevent;
TARGET_CHECK(target_sigevent, u.tid, 16);
TARGET_SIZE(target_sigevent, 64);

typedef struct target_itimerval {
    target_timeval it_interval;
    target_timeval it_value;
} target_itimerval;
TARGET_SIZE(target_itimerval, 32);

typedef struct target_itimerspec {
    target_timespec it_interval;
    target_timespec it_value;
} target_itimerspec;
TARGET_SIZE(target_itimerspec, 32);

#endif

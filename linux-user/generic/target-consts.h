/*
 * Guest-visible constants of the asm-generic Linux ABI (riscv64, aarch64):
 * open flags, mmap bits, fcntl commands, ioctl numbers, signal and termios
 * numbering. The syscall layer translates guest values with these names to
 * the host's <fcntl.h>/<sys/mman.h>/... names, never assuming they agree.
 *
 * Values from the kernel's uapi headers (asm-generic/fcntl.h,
 * asm-generic/mman-common.h, asm-generic/ioctls.h, asm-generic/signal.h,
 * asm-generic/termbits.h, linux/fcntl.h). aarch64 departs from asm-generic
 * in four open flags (O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT
 * 0200000, O_LARGEFILE 0400000): its SyscallArch supplies its own
 * open-flag table for that.
 */
#ifndef VEMU_LINUX_USER_GENERIC_TARGET_CONSTS_H
#define VEMU_LINUX_USER_GENERIC_TARGET_CONSTS_H

/* asm-generic/fcntl.h (octal, as there). */
#define TARGET_O_ACCMODE 00000003
#define TARGET_O_RDONLY 00000000
#define TARGET_O_WRONLY 00000001
#define TARGET_O_RDWR 00000002
#define TARGET_O_CREAT 00000100
#define TARGET_O_EXCL 00000200
#define TARGET_O_NOCTTY 00000400
#define TARGET_O_TRUNC 00001000
#define TARGET_O_APPEND 00002000
#define TARGET_O_NONBLOCK 00004000
#define TARGET_O_DSYNC 00010000
#define TARGET_FASYNC 00020000
#define TARGET_O_DIRECT 00040000
#define TARGET_O_LARGEFILE 00100000
#define TARGET_O_DIRECTORY 00200000
#define TARGET_O_NOFOLLOW 00400000
#define TARGET_O_NOATIME 01000000
#define TARGET_O_CLOEXEC 02000000
#define TARGET___O_SYNC 04000000
#define TARGET_O_PATH 010000000
#define TARGET___O_TMPFILE 020000000

/* linux/fcntl.h: the *at() family (the same on every architecture). */
#define TARGET_AT_FDCWD (-100)
#define TARGET_AT_SYMLINK_NOFOLLOW 0x100
#define TARGET_AT_EACCESS 0x200
#define TARGET_AT_REMOVEDIR 0x200
#define TARGET_AT_SYMLINK_FOLLOW 0x400
#define TARGET_AT_NO_AUTOMOUNT 0x800
#define TARGET_AT_EMPTY_PATH 0x1000
#define TARGET_AT_STATX_FORCE_SYNC 0x2000
#define TARGET_AT_STATX_DONT_SYNC 0x4000

#define TARGET_RENAME_NOREPLACE 1
#define TARGET_RENAME_EXCHANGE 2
#define TARGET_RENAME_WHITEOUT 4

/* fcntl commands (64-bit: the plain and "64" lock commands coincide). */
#define TARGET_F_DUPFD 0
#define TARGET_F_GETFD 1
#define TARGET_F_SETFD 2
#define TARGET_F_GETFL 3
#define TARGET_F_SETFL 4
#define TARGET_F_GETLK 5
#define TARGET_F_SETLK 6
#define TARGET_F_SETLKW 7
#define TARGET_F_SETOWN 8
#define TARGET_F_GETOWN 9
#define TARGET_F_OFD_GETLK 36
#define TARGET_F_OFD_SETLK 37
#define TARGET_F_OFD_SETLKW 38
#define TARGET_F_DUPFD_CLOEXEC 1030
#define TARGET_F_SETPIPE_SZ 1031
#define TARGET_F_GETPIPE_SZ 1032
#define TARGET_F_ADD_SEALS 1033
#define TARGET_F_GET_SEALS 1034
#define TARGET_FD_CLOEXEC 1
#define TARGET_F_RDLCK 0
#define TARGET_F_WRLCK 1
#define TARGET_F_UNLCK 2

/* asm-generic/mman-common.h and mman.h. */
#define TARGET_PROT_NONE 0x0
#define TARGET_PROT_READ 0x1
#define TARGET_PROT_WRITE 0x2
#define TARGET_PROT_EXEC 0x4
#define TARGET_PROT_SEM 0x8
#define TARGET_PROT_GROWSDOWN 0x01000000
#define TARGET_PROT_GROWSUP 0x02000000

#define TARGET_MAP_TYPE 0x0f
#define TARGET_MAP_SHARED 0x01
#define TARGET_MAP_PRIVATE 0x02
#define TARGET_MAP_SHARED_VALIDATE 0x03
#define TARGET_MAP_FIXED 0x10
#define TARGET_MAP_ANONYMOUS 0x20
#define TARGET_MAP_GROWSDOWN 0x0100
#define TARGET_MAP_DENYWRITE 0x0800
#define TARGET_MAP_EXECUTABLE 0x1000
#define TARGET_MAP_LOCKED 0x2000
#define TARGET_MAP_NORESERVE 0x4000
#define TARGET_MAP_POPULATE 0x8000
#define TARGET_MAP_NONBLOCK 0x10000
#define TARGET_MAP_STACK 0x20000
#define TARGET_MAP_HUGETLB 0x40000
#define TARGET_MAP_SYNC 0x80000
#define TARGET_MAP_FIXED_NOREPLACE 0x100000

#define TARGET_MREMAP_MAYMOVE 1
#define TARGET_MREMAP_FIXED 2
#define TARGET_MREMAP_DONTUNMAP 4

/* asm-generic/ioctls.h. */
#define TARGET_TCGETS 0x5401
#define TARGET_TCSETS 0x5402
#define TARGET_TCSETSW 0x5403
#define TARGET_TCSETSF 0x5404
#define TARGET_TIOCGPGRP 0x540F
#define TARGET_TIOCSPGRP 0x5410
#define TARGET_TIOCGWINSZ 0x5413
#define TARGET_TIOCSWINSZ 0x5414
#define TARGET_FIONREAD 0x541B
#define TARGET_FIONBIO 0x5421
#define TARGET_FIONCLEX 0x5450
#define TARGET_FIOCLEX 0x5451

/* asm-generic/termbits.h c_cc indices. The flag words (c_iflag, ...)
 * use the asm-generic bit values, which the x86-64 host shares. */
#define TARGET_VINTR 0
#define TARGET_VQUIT 1
#define TARGET_VERASE 2
#define TARGET_VKILL 3
#define TARGET_VEOF 4
#define TARGET_VTIME 5
#define TARGET_VMIN 6
#define TARGET_VSWTC 7
#define TARGET_VSTART 8
#define TARGET_VSTOP 9
#define TARGET_VSUSP 10
#define TARGET_VEOL 11
#define TARGET_VREPRINT 12
#define TARGET_VDISCARD 13
#define TARGET_VWERASE 14
#define TARGET_VLNEXT 15
#define TARGET_VEOL2 16

/* asm-generic/signal.h and signal-defs.h. */
#define TARGET_SIGKILL 9
#define TARGET_SIGSTOP 19
#define TARGET_SIG_BLOCK 0
#define TARGET_SIG_UNBLOCK 1
#define TARGET_SIG_SETMASK 2
#define TARGET_SA_NOCLDSTOP 0x00000001
#define TARGET_SA_NOCLDWAIT 0x00000002
#define TARGET_SA_SIGINFO 0x00000004
#define TARGET_SA_RESTORER 0x04000000
#define TARGET_SA_ONSTACK 0x08000000
#define TARGET_SA_RESTART 0x10000000
#define TARGET_SA_NODEFER 0x40000000
#define TARGET_SA_RESETHAND 0x80000000u
#define TARGET_SS_ONSTACK 1
#define TARGET_SS_DISABLE 2
#define TARGET_SS_AUTODISARM (1u << 31)
#define TARGET_MINSIGSTKSZ 2048

/* linux/prctl.h. */
#define TARGET_PR_SET_PDEATHSIG 1
#define TARGET_PR_GET_PDEATHSIG 2
#define TARGET_PR_GET_DUMPABLE 3
#define TARGET_PR_SET_DUMPABLE 4
#define TARGET_PR_SET_NAME 15
#define TARGET_PR_GET_NAME 16
#define TARGET_PR_TASK_NAME_LEN 16

/* Clock ticks per second of times() and /proc (USER_HZ). */
#define TARGET_USER_HZ 100


/* More terminal requests (asm-generic ioctl numbers). */
#define TARGET_TCSBRK 0x5409
#define TARGET_TCXONC 0x540A
#define TARGET_TCFLSH 0x540B
#define TARGET_TIOCSCTTY 0x540E
#define TARGET_TIOCNOTTY 0x5422
#define TARGET_TIOCGPTN 0x80045430u
#define TARGET_TIOCSPTLCK 0x40045431u

#endif

/*
 * Guest-visible structures of the asm-generic Linux ABI on 64-bit
 * little-endian guests (riscv64, aarch64), as explicit fixed-width layouts.
 * The syscall layer fills these field by field from host structures (and
 * back) and copies them with guest_copy_to/guest_copy_from: a host struct
 * is never copied into guest memory, even where the layouts agree today.
 *
 * Every offset and size is checked below against the kernel's uapi layout
 * (asm-generic/stat.h, linux/stat.h, asm-generic/termbits.h, ...), so a
 * mistake fails the build. The host is x86-64, little-endian like the
 * guests, so converters store fields directly; a big-endian host would add
 * byte swaps in the converters, which are the only writers.
 */
#ifndef VEMU_LINUX_USER_GENERIC_TARGET_STRUCTS_H
#define VEMU_LINUX_USER_GENERIC_TARGET_STRUCTS_H

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "converters assume a little-endian host");

#define TARGET_CHECK(type, field, off)                                         \
    _Static_assert(offsetof(type, field) == (off),                             \
                   #type "." #field " must be at offset " #off)
#define TARGET_SIZE(type, size)                                                \
    _Static_assert(sizeof(type) == (size), #type " must be " #size " bytes")

/* struct timespec / __kernel_timespec: time64 everywhere on 64-bit. */
typedef struct target_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
} target_timespec;
TARGET_CHECK(target_timespec, tv_nsec, 8);
TARGET_SIZE(target_timespec, 16);

typedef struct target_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
} target_timeval;
TARGET_SIZE(target_timeval, 16);

/* struct rusage: two timevals and fourteen longs. */
typedef struct target_rusage {
    target_timeval ru_utime;
    target_timeval ru_stime;
    int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt,
        ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals,
        ru_nvcsw, ru_nivcsw;
} target_rusage;
TARGET_CHECK(target_rusage, ru_stime, 16);
TARGET_CHECK(target_rusage, ru_maxrss, 32);
TARGET_CHECK(target_rusage, ru_nivcsw, 136);
TARGET_SIZE(target_rusage, 144);

typedef struct target_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
} target_timezone;
TARGET_SIZE(target_timezone, 8);

/* asm-generic/stat.h, struct stat (the layout of newfstatat and fstat). */
typedef struct target_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
} target_stat;
TARGET_CHECK(target_stat, st_dev, 0);
TARGET_CHECK(target_stat, st_ino, 8);
TARGET_CHECK(target_stat, st_mode, 16);
TARGET_CHECK(target_stat, st_nlink, 20);
TARGET_CHECK(target_stat, st_uid, 24);
TARGET_CHECK(target_stat, st_gid, 28);
TARGET_CHECK(target_stat, st_rdev, 32);
TARGET_CHECK(target_stat, pad1, 40);
TARGET_CHECK(target_stat, st_size, 48);
TARGET_CHECK(target_stat, st_blksize, 56);
TARGET_CHECK(target_stat, pad2, 60);
TARGET_CHECK(target_stat, st_blocks, 64);
TARGET_CHECK(target_stat, st_atime_sec, 72);
TARGET_CHECK(target_stat, st_atime_nsec, 80);
TARGET_CHECK(target_stat, st_mtime_sec, 88);
TARGET_CHECK(target_stat, st_mtime_nsec, 96);
TARGET_CHECK(target_stat, st_ctime_sec, 104);
TARGET_CHECK(target_stat, st_ctime_nsec, 112);
TARGET_CHECK(target_stat, unused4, 120);
TARGET_SIZE(target_stat, 128);

/* linux/stat.h, struct statx: the same on every architecture. Fields past
 * stx_dio_offset_align (newer kernels) are left zero and their mask bits
 * cleared. */
typedef struct target_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
} target_statx_timestamp;
TARGET_SIZE(target_statx_timestamp, 16);

typedef struct target_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    target_statx_timestamp stx_atime;
    target_statx_timestamp stx_btime;
    target_statx_timestamp stx_ctime;
    target_statx_timestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;
    uint32_t stx_dio_offset_align;
    uint64_t spare3[12];
} target_statx;
TARGET_CHECK(target_statx, stx_blksize, 4);
TARGET_CHECK(target_statx, stx_attributes, 8);
TARGET_CHECK(target_statx, stx_nlink, 16);
TARGET_CHECK(target_statx, stx_mode, 28);
TARGET_CHECK(target_statx, stx_ino, 32);
TARGET_CHECK(target_statx, stx_size, 40);
TARGET_CHECK(target_statx, stx_blocks, 48);
TARGET_CHECK(target_statx, stx_attributes_mask, 56);
TARGET_CHECK(target_statx, stx_atime, 64);
TARGET_CHECK(target_statx, stx_btime, 80);
TARGET_CHECK(target_statx, stx_ctime, 96);
TARGET_CHECK(target_statx, stx_mtime, 112);
TARGET_CHECK(target_statx, stx_rdev_major, 128);
TARGET_CHECK(target_statx, stx_dev_major, 136);
TARGET_CHECK(target_statx, stx_mnt_id, 144);
TARGET_CHECK(target_statx, stx_dio_mem_align, 152);
TARGET_SIZE(target_statx, 256);

/* asm-generic/statfs.h, struct statfs with 64-bit longs. */
typedef struct target_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
} target_statfs;
TARGET_CHECK(target_statfs, f_fsid, 56);
TARGET_CHECK(target_statfs, f_namelen, 64);
TARGET_CHECK(target_statfs, f_flags, 80);
TARGET_SIZE(target_statfs, 120);

/* struct linux_dirent64 header; d_name follows, NUL-terminated, and the
 * record is padded to 8 bytes (d_reclen). */
typedef struct target_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
} target_dirent64;
TARGET_CHECK(target_dirent64, d_reclen, 16);
TARGET_CHECK(target_dirent64, d_type, 18);
TARGET_CHECK(target_dirent64, d_name, 19);

typedef struct target_iovec {
    uint64_t iov_base;
    uint64_t iov_len;
} target_iovec;
TARGET_SIZE(target_iovec, 16);

/* struct rlimit64 (prlimit64) and struct rlimit (getrlimit): two u64. */
typedef struct target_rlimit {
    uint64_t rlim_cur;
    uint64_t rlim_max;
} target_rlimit;
TARGET_SIZE(target_rlimit, 16);
#define TARGET_RLIM_INFINITY UINT64_MAX

/* struct new_utsname: six fields of __NEW_UTS_LEN + 1 = 65 bytes. */
#define TARGET_UTS_LEN 65
typedef struct target_utsname {
    char sysname[TARGET_UTS_LEN];
    char nodename[TARGET_UTS_LEN];
    char release[TARGET_UTS_LEN];
    char version[TARGET_UTS_LEN];
    char machine[TARGET_UTS_LEN];
    char domainname[TARGET_UTS_LEN];
} target_utsname;
TARGET_SIZE(target_utsname, 390);

/* asm-generic/termbits.h, struct termios (NCCS 19). */
#define TARGET_NCCS 19
typedef struct target_termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[TARGET_NCCS];
} target_termios;
TARGET_CHECK(target_termios, c_line, 16);
TARGET_CHECK(target_termios, c_cc, 17);
TARGET_SIZE(target_termios, 36);

typedef struct target_winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
} target_winsize;
TARGET_SIZE(target_winsize, 8);

/* struct flock on 64-bit generic (flock64 is the same layout). */
typedef struct target_flock {
    int16_t l_type;
    int16_t l_whence;
    int32_t pad0;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
    int32_t pad1;
} target_flock;
TARGET_CHECK(target_flock, l_start, 8);
TARGET_CHECK(target_flock, l_len, 16);
TARGET_CHECK(target_flock, l_pid, 24);
TARGET_SIZE(target_flock, 32);

/* struct sysinfo with 64-bit longs (_f[] is empty there, padding to 8). */
typedef struct target_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram;
    uint64_t freeram;
    uint64_t sharedram;
    uint64_t bufferram;
    uint64_t totalswap;
    uint64_t freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t pad2;
    uint64_t totalhigh;
    uint64_t freehigh;
    uint32_t mem_unit;
    uint32_t pad3;
} target_sysinfo;
TARGET_CHECK(target_sysinfo, totalram, 32);
TARGET_CHECK(target_sysinfo, procs, 80);
TARGET_CHECK(target_sysinfo, totalhigh, 88);
TARGET_CHECK(target_sysinfo, mem_unit, 104);
TARGET_SIZE(target_sysinfo, 112);

/* struct tms: four clock_t (long). */
typedef struct target_tms {
    int64_t tms_utime;
    int64_t tms_stime;
    int64_t tms_cutime;
    int64_t tms_cstime;
} target_tms;
TARGET_SIZE(target_tms, 32);

/* Kernel sigset_t of _NSIG = 64 signals: one u64, bit n-1 for signal n. */
typedef uint64_t target_sigset;
#define TARGET_NSIG 64

/* struct sigaction as rt_sigaction takes it. asm-generic has no
 * sa_restorer (riscv64); an architecture defining SA_RESTORER (aarch64)
 * has one between sa_flags and sa_mask: SyscallArch.sa_restorer says
 * which layout the guest uses. */
typedef struct target_sigaction {
    uint64_t handler; /* field names without sa_: glibc macros own those */
    uint64_t flags;
    target_sigset mask;
} target_sigaction;
TARGET_CHECK(target_sigaction, mask, 16);
TARGET_SIZE(target_sigaction, 24);

typedef struct target_sigaction_restorer {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    target_sigset mask;
} target_sigaction_restorer;
TARGET_CHECK(target_sigaction_restorer, mask, 24);
TARGET_SIZE(target_sigaction_restorer, 32);

/* stack_t for sigaltstack. */
typedef struct target_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
} target_stack;
TARGET_CHECK(target_stack, ss_size, 16);
TARGET_SIZE(target_stack, 24);

/* struct robust_list_head (uapi linux/futex.h): list and list_op_pending
 * are guest addresses of struct robust_list, whose first word is next. */
typedef struct target_robust_list_head {
    uint64_t list;
    int64_t futex_offset;
    uint64_t list_op_pending;
} target_robust_list_head;
TARGET_CHECK(target_robust_list_head, list_op_pending, 16);
TARGET_SIZE(target_robust_list_head, 24);

/* struct robust_list_head: the size set_robust_list insists on. */
#define TARGET_ROBUST_LIST_HEAD_SIZE 24

/* struct clone_args (uapi linux/sched.h) up to CLONE_ARGS_SIZE_VER2;
 * callers may pass the first 64 bytes (VER0) or 80 (VER1). */
typedef struct target_clone_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
} target_clone_args;
TARGET_CHECK(target_clone_args, tls, 56);
TARGET_SIZE(target_clone_args, 88);
#define TARGET_CLONE_ARGS_SIZE_VER0 64

#endif

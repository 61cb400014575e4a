/*
 * Shared by the syscall table, the dispatcher, the strace printer and the
 * topic files (files.c, memory.c, process.c, time.c, signal.c): argument
 * kinds, the table entry type, and helpers for the three things nearly
 * every implementation does: turn host failures into guest errnos, reach
 * guest memory safely, and resolve guest paths through the sysroot.
 */
#ifndef VEMU_SYSCALL_INTERNAL_H
#define VEMU_SYSCALL_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "linux-user/generic/target-consts.h"
#include "linux-user/generic/target-structs.h"
#include "linux-user/guest-mem.h"
#include "syscall/syscall.h"
/* Argument kinds and helpers of the socket and event-descriptor files. */
#include "syscall/net.h"

/*
 * Argument kinds: how -strace prints an argument. The low byte is the
 * kind; ARG_BUF_IN(n) carries in the next byte the index of the argument
 * holding the buffer's length.
 */
enum {
    ARG_NONE,
    ARG_INT,         /* int, decimal */
    ARG_UINT,        /* unsigned int, decimal */
    ARG_LONG,        /* long / off_t, decimal */
    ARG_ULONG,       /* size_t, decimal */
    ARG_HEX,         /* 64-bit value in hex */
    ARG_MODE,        /* mode_t, octal */
    ARG_FD,          /* file descriptor */
    ARG_DIRFD,       /* fd or AT_FDCWD */
    ARG_PATH,        /* guest path (resolved through the sysroot) */
    ARG_STR,         /* guest string that is not a path to resolve */
    ARG_PTR,         /* guest pointer, hex or NULL */
    ARG_BUF_IN_KIND, /* guest bytes going into the kernel */
    ARG_FLAGS_OPEN,
    ARG_FLAGS_AT,
    ARG_FLAGS_UNLINK, /* unlinkat: AT_REMOVEDIR (0x200, AT_EACCESS elsewhere) */
    ARG_FLAGS_MMAP_PROT,
    ARG_FLAGS_MMAP,
    ARG_FLAGS_RENAME,
    ARG_ACCESS_MODE, /* F_OK, R_OK|W_OK, ... */
    ARG_SIGNUM,
    ARG_SIGHOW, /* SIG_BLOCK, ... */
    ARG_CLOCKID,
    ARG_FCNTL_CMD,
    ARG_IOCTL_CMD,
    ARG_WHENCE,
    ARG_PRCTL_OPT,
    ARG_RLIMIT_RES,
};
#define ARG_BUF_IN(len_arg) (ARG_BUF_IN_KIND | ((len_arg) << 8))
#define ARG_KIND(k) ((k)&0xff)
#define ARG_PARAM(k) ((k) >> 8)

/* How -strace prints the result. */
enum {
    RET_INT,      /* decimal */
    RET_HEX,      /* addresses: mmap, brk */
    RET_NORETURN, /* exit, exit_group: " = ?" printed before the call */
};

typedef struct SyscallCtx {
    CPUState *cpu;
    const SyscallArch *arch;
} SyscallCtx;

typedef int64_t SyscallImpl(SyscallCtx *ctx, const uint64_t *a);

typedef struct SyscallDef {
    const char *name;
    SyscallImpl *impl;
    uint8_t ret;
    uint8_t nargs;
    uint16_t kinds[6];
} SyscallDef;

extern const SyscallDef syscall_table[];
extern const unsigned syscall_table_size;

/* Every implementation named in table.def. */
#define SYSCALL(name, impl, ret, nargs, ...) SyscallImpl impl;
#include "syscall/table.def"
#undef SYSCALL

/* strace.c */
void strace_enter(const SyscallArch *arch, int nr, const SyscallDef *def,
                  const uint64_t *a);
void strace_exit(const SyscallDef *def, int64_t ret);

/* process.c: called by exit/exit_group. */
void sys_do_exit(CPUState *cpu, int status, bool group);

/* thread.c: a thread-style clone (CLONE_VM without CLONE_VFORK) with the
 * clone arguments in asm-generic (CLONE_BACKWARDS) order; the end of a
 * thread (group: of the process); and the fork child's thread records. */
int64_t sys_clone_thread(SyscallCtx *c, uint64_t flags, uint64_t newsp,
                         uint64_t ptid, uint64_t tls, uint64_t ctid);
_Noreturn void sys_thread_exit(CPUState *cpu, int status, bool group);
void sys_thread_set_clear_tid(uint64_t addr);
void sys_thread_fork_child(void);

/*
 * Errors. Guest errno numbers are the asm-generic ones, which the x86-64
 * host uses too (checked in dispatch.c): the conversion is the identity,
 * kept as a function so that every errno crossing to the guest is visible.
 */
static inline int64_t host_to_target_errno(int e)
{
    return e;
}

/* -errno for the host call that just failed. */
static inline int64_t sys_errno(void)
{
    return -host_to_target_errno(errno);
}

/* Result of a libc call that returns -1 and sets errno on failure. */
/* target_timespec at a guest address (time.c): 0 or -EFAULT. */
struct timespec;
int get_timespec(struct timespec *h, uint64_t addr);
int64_t put_timespec(uint64_t addr, const struct timespec *h);

static inline int64_t sys_ret(int64_t r)
{
    return r == -1 ? sys_errno() : r;
}

/*
 * Guest memory. sys_lock gives a host pointer to a checked guest range
 * (any non-NULL pointer for len 0, which the host accepts) or NULL.
 */
void *sys_lock(uint64_t addr, uint64_t len, bool write);

/*
 * Guest path at guest address addr into out[PATH_MAX], resolved through
 * the sysroot (absolute paths only). follow: resolve a symbolic link in
 * the last component too (stat), rather than name the link (lstat,
 * unlink, O_NOFOLLOW). Returns 0 or -EFAULT/-ENAMETOOLONG/-ELOOP.
 */
int sys_get_path(uint64_t addr, char *out, bool follow);
/* The same for a guest path already copied in. */
int sys_resolve_path(const char *guest, char *out, bool follow);
/* proc.c: an fd for a generated /proc file (guest_path exactly as the
 * guest gave it, relative to the host dirfd), or -ENOENT when guest_path
 * is not one of them. */
int sys_proc_open(const SyscallArch *arch, int dirfd, const char *guest_path,
                  int flags);

/* Guest dirfd argument (AT_FDCWD included) -> host dirfd. */
int sys_host_dirfd(uint64_t v);

/* Flags through a SyscallFlag table; unknown guest bits are dropped. */
uint64_t sys_flags_to_host(const SyscallFlag *t, uint64_t target);
uint64_t sys_flags_to_target(const SyscallFlag *t, uint64_t host);

const SyscallFlag *sys_open_table(const SyscallArch *arch);
const SyscallFlag *sys_prot_table(const SyscallArch *arch);
const SyscallFlag *sys_map_table(const SyscallArch *arch);
int sys_open_flags_to_host(const SyscallArch *arch, uint64_t target);
uint64_t sys_open_flags_to_target(const SyscallArch *arch, int host);

/* signal-host.c, for the signal calls: keep the host disposition of a
 * guest signal in step with its guest action (call under the actions
 * lock); empty the queues in a forked child; block every host signal
 * (restore with pthread_sigmask(SIG_SETMASK, old)) around a check of the
 * queues followed by a host wait that unblocks atomically; and the host
 * set of a guest mask. */
#include <signal.h>
void signal_host_update(int sig, uint64_t handler, bool blocked);
void signal_fork_child(void);
/* A signal newly ignored is no longer pending (POSIX); only the calling
 * thread's own queue is reached, with the process's. */
void signal_discard(int sig);
void signal_block_host(sigset_t *old);
void signal_host_mask(uint64_t guest_blocked, sigset_t *out);

/*
 * Blocking host calls that take a signal mask atomically (ppoll, pselect6,
 * epoll_pwait): poll.c. sigwait_begin installs the guest's temporary mask
 * (guest_mask_addr 0: keep the current one), blocks host signals and
 * returns -EINTR when a guest signal is already pending, else 0 with
 * w->host_mask ready to pass to the host call, which then sleeps with
 * exactly the guest's mask: no signal can slip in between the check and
 * the sleep. sigwait_end (always called after a 0 from begin, with the
 * call's result) restores the masks; after EINTR the guest's old mask is
 * restored only once the handler has run, as Linux does.
 */
typedef struct SigWait {
    uint64_t saved;
    bool temporary;
    sigset_t old_host;
    sigset_t host_mask;
} SigWait;
int sigwait_begin(SigWait *w, uint64_t guest_mask_addr, uint64_t size);

/* timers.c: guest struct itimerspec at addr to host and back; -EFAULT. */
struct itimerspec;
int get_itimerspec(struct itimerspec *h, uint64_t addr);
int put_itimerspec(uint64_t addr, const struct itimerspec *h);
void sigwait_end(SigWait *w, int64_t ret);

#endif

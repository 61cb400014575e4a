/*
 * -strace: prints each guest syscall as it is made, driven by the argument
 * kinds of table.def, in the format of qemu-user's -strace:
 *
 *   1234 openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC, 0) = 3
 *   1234 chdir("/nope") = -1 errno=2 (No such file or directory)
 *
 * The call is printed before it runs (so a blocking call shows), the
 * result after; each part is one write(2) to fd 2, so lines from threads
 * do not mix inside a part. The prefix is the host thread id, which is the
 * guest's. Guest strings and buffers are read through guest_copy_from: a
 * bad pointer prints as a number, never faults. Values are decoded with
 * the asm-generic names (signals, fcntl commands, ioctls); open, PROT_ and
 * MAP_ flags use the architecture's own tables.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscall/internal.h"

bool syscall_strace;

void syscall_strace_from_env(void)
{
    const char *v = getenv("VEMU_STRACE");
    if (v && *v && strcmp(v, "0") != 0) {
        syscall_strace = true;
    }
}

/* Longest guest string and buffer shown before "...". */
#define STRACE_STR_MAX 128
#define STRACE_BUF_MAX 32

typedef struct Line {
    char buf[1024];
    size_t len;
} Line;

static void out(Line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out(Line *l, const char *fmt, ...)
{
    if (l->len >= sizeof(l->buf)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        l->len += (size_t)n;
        if (l->len > sizeof(l->buf)) {
            l->len = sizeof(l->buf);
        }
    }
}

static void flush(Line *l)
{
    size_t off = 0;
    while (off < l->len) {
        ssize_t n = write(STDERR_FILENO, l->buf + off, l->len - off);
        if (n <= 0) {
            break;
        }
        off += (size_t)n;
    }
    l->len = 0;
}

typedef struct Name {
    int64_t value;
    const char *name;
} Name;

static const char *lookup(const Name *t, int64_t v)
{
    for (; t->name; t++) {
        if (t->value == v) {
            return t->name;
        }
    }
    return NULL;
}

static void out_named(Line *l, const Name *t, int64_t v)
{
    const char *n = lookup(t, v);
    if (n) {
        out(l, "%s", n);
    } else {
        out(l, "%" PRId64, v);
    }
}

/* Names joined by '|', unknown bits in hex, "0" if none. */
static void out_bits(Line *l, const SyscallFlag *t, uint64_t v, bool started)
{
    for (; t->name; t++) {
        if (t->target && (v & t->target) == t->target) {
            out(l, "%s%s", started ? "|" : "", t->name);
            started = true;
            v &= ~t->target;
        }
    }
    if (v) {
        out(l, "%s%#" PRIx64, started ? "|" : "", v);
    } else if (!started) {
        out(l, "0");
    }
}

static void out_quoted(Line *l, const unsigned char *s, size_t n, bool more)
{
    out(l, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        switch (c) {
        case '\n':
            out(l, "\\n");
            break;
        case '\t':
            out(l, "\\t");
            break;
        case '\r':
            out(l, "\\r");
            break;
        case '"':
            out(l, "\\\"");
            break;
        case '\\':
            out(l, "\\\\");
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                out(l, "%c", c);
            } else {
                out(l, "\\%03o", c); /* 3 digits: no ambiguity */
            }
        }
    }
    out(l, "\"%s", more ? "..." : "");
}

static void out_ptr(Line *l, uint64_t v)
{
    if (v) {
        out(l, "%#" PRIx64, v);
    } else {
        out(l, "NULL");
    }
}

static void out_string(Line *l, uint64_t addr)
{
    if (!addr) {
        out(l, "NULL");
        return;
    }
    char s[STRACE_STR_MAX + 1];
    ssize_t n = guest_strncpy_from(s, addr, sizeof(s));
    if (n >= 0) {
        out_quoted(l, (const unsigned char *)s, (size_t)n, false);
    } else if (n == -ENAMETOOLONG) {
        /* Longer than shown: the copy is a prefix of it. */
        out_quoted(l, (const unsigned char *)s, STRACE_STR_MAX, true);
    } else {
        out_ptr(l, addr);
    }
}

static void out_buffer(Line *l, uint64_t addr, uint64_t len)
{
    unsigned char b[STRACE_BUF_MAX];
    size_t n = len < sizeof(b) ? (size_t)len : sizeof(b);
    if (guest_copy_from(b, addr, n) == 0) {
        out_quoted(l, b, n, len > n);
    } else {
        out_ptr(l, addr);
    }
}

static const Name signal_names[] = {
    {1, "SIGHUP"},   {2, "SIGINT"},     {3, "SIGQUIT"},  {4, "SIGILL"},
    {5, "SIGTRAP"},  {6, "SIGABRT"},    {7, "SIGBUS"},   {8, "SIGFPE"},
    {9, "SIGKILL"},  {10, "SIGUSR1"},   {11, "SIGSEGV"}, {12, "SIGUSR2"},
    {13, "SIGPIPE"}, {14, "SIGALRM"},   {15, "SIGTERM"}, {16, "SIGSTKFLT"},
    {17, "SIGCHLD"}, {18, "SIGCONT"},   {19, "SIGSTOP"}, {20, "SIGTSTP"},
    {21, "SIGTTIN"}, {22, "SIGTTOU"},   {23, "SIGURG"},  {24, "SIGXCPU"},
    {25, "SIGXFSZ"}, {26, "SIGVTALRM"}, {27, "SIGPROF"}, {28, "SIGWINCH"},
    {29, "SIGIO"},   {30, "SIGPWR"},    {31, "SIGSYS"},  {0, NULL},
};

static const Name sighow_names[] = {
    {TARGET_SIG_BLOCK, "SIG_BLOCK"},
    {TARGET_SIG_UNBLOCK, "SIG_UNBLOCK"},
    {TARGET_SIG_SETMASK, "SIG_SETMASK"},
    {0, NULL},
};

static const Name clock_names[] = {
    {0, "CLOCK_REALTIME"},
    {1, "CLOCK_MONOTONIC"},
    {2, "CLOCK_PROCESS_CPUTIME_ID"},
    {3, "CLOCK_THREAD_CPUTIME_ID"},
    {4, "CLOCK_MONOTONIC_RAW"},
    {5, "CLOCK_REALTIME_COARSE"},
    {6, "CLOCK_MONOTONIC_COARSE"},
    {7, "CLOCK_BOOTTIME"},
    {8, "CLOCK_REALTIME_ALARM"},
    {9, "CLOCK_BOOTTIME_ALARM"},
    {11, "CLOCK_TAI"},
    {0, NULL},
};

static const Name fcntl_names[] = {
    {TARGET_F_DUPFD, "F_DUPFD"},
    {TARGET_F_GETFD, "F_GETFD"},
    {TARGET_F_SETFD, "F_SETFD"},
    {TARGET_F_GETFL, "F_GETFL"},
    {TARGET_F_SETFL, "F_SETFL"},
    {TARGET_F_GETLK, "F_GETLK"},
    {TARGET_F_SETLK, "F_SETLK"},
    {TARGET_F_SETLKW, "F_SETLKW"},
    {TARGET_F_SETOWN, "F_SETOWN"},
    {TARGET_F_GETOWN, "F_GETOWN"},
    {TARGET_F_OFD_GETLK, "F_OFD_GETLK"},
    {TARGET_F_OFD_SETLK, "F_OFD_SETLK"},
    {TARGET_F_OFD_SETLKW, "F_OFD_SETLKW"},
    {TARGET_F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"},
    {TARGET_F_SETPIPE_SZ, "F_SETPIPE_SZ"},
    {TARGET_F_GETPIPE_SZ, "F_GETPIPE_SZ"},
    {TARGET_F_ADD_SEALS, "F_ADD_SEALS"},
    {TARGET_F_GET_SEALS, "F_GET_SEALS"},
    {0, NULL},
};

static const Name ioctl_names[] = {
    {TARGET_TCGETS, "TCGETS"},
    {TARGET_TCSETS, "TCSETS"},
    {TARGET_TCSETSW, "TCSETSW"},
    {TARGET_TCSETSF, "TCSETSF"},
    {TARGET_TIOCGPGRP, "TIOCGPGRP"},
    {TARGET_TIOCSPGRP, "TIOCSPGRP"},
    {TARGET_TIOCGWINSZ, "TIOCGWINSZ"},
    {TARGET_TIOCSWINSZ, "TIOCSWINSZ"},
    {TARGET_FIONREAD, "FIONREAD"},
    {TARGET_FIONBIO, "FIONBIO"},
    {TARGET_FIONCLEX, "FIONCLEX"},
    {TARGET_FIOCLEX, "FIOCLEX"},
    {TARGET_FIOASYNC, "FIOASYNC"},
    {0, NULL},
};

static const Name whence_names[] = {
    {0, "SEEK_SET"},  {1, "SEEK_CUR"},  {2, "SEEK_END"},
    {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}, {0, NULL},
};

static const Name prctl_names[] = {
    {TARGET_PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"},
    {TARGET_PR_GET_PDEATHSIG, "PR_GET_PDEATHSIG"},
    {TARGET_PR_GET_DUMPABLE, "PR_GET_DUMPABLE"},
    {TARGET_PR_SET_DUMPABLE, "PR_SET_DUMPABLE"},
    {TARGET_PR_SET_NAME, "PR_SET_NAME"},
    {TARGET_PR_GET_NAME, "PR_GET_NAME"},
    {TARGET_PR_SET_CHILD_SUBREAPER, "PR_SET_CHILD_SUBREAPER"},
    {TARGET_PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER"},
    {TARGET_PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS"},
    {TARGET_PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS"},
    {0, NULL},
};

static const Name rlimit_names[] = {
    {0, "RLIMIT_CPU"},
    {1, "RLIMIT_FSIZE"},
    {2, "RLIMIT_DATA"},
    {3, "RLIMIT_STACK"},
    {4, "RLIMIT_CORE"},
    {5, "RLIMIT_RSS"},
    {6, "RLIMIT_NPROC"},
    {7, "RLIMIT_NOFILE"},
    {8, "RLIMIT_MEMLOCK"},
    {9, "RLIMIT_AS"},
    {10, "RLIMIT_LOCKS"},
    {11, "RLIMIT_SIGPENDING"},
    {12, "RLIMIT_MSGQUEUE"},
    {13, "RLIMIT_NICE"},
    {14, "RLIMIT_RTPRIO"},
    {15, "RLIMIT_RTTIME"},
    {0, NULL},
};

static const SyscallFlag at_flags[] = {
    {TARGET_AT_SYMLINK_NOFOLLOW, 0, "AT_SYMLINK_NOFOLLOW"},
    {TARGET_AT_EACCESS, 0, "AT_EACCESS"},
    {TARGET_AT_SYMLINK_FOLLOW, 0, "AT_SYMLINK_FOLLOW"},
    {TARGET_AT_NO_AUTOMOUNT, 0, "AT_NO_AUTOMOUNT"},
    {TARGET_AT_EMPTY_PATH, 0, "AT_EMPTY_PATH"},
    {TARGET_AT_STATX_FORCE_SYNC, 0, "AT_STATX_FORCE_SYNC"},
    {TARGET_AT_STATX_DONT_SYNC, 0, "AT_STATX_DONT_SYNC"},
    {0, 0, NULL},
};

static const SyscallFlag unlink_flags[] = {
    {TARGET_AT_REMOVEDIR, 0, "AT_REMOVEDIR"},
    {0, 0, NULL},
};

static const SyscallFlag rename_flags[] = {
    {TARGET_RENAME_NOREPLACE, 0, "RENAME_NOREPLACE"},
    {TARGET_RENAME_EXCHANGE, 0, "RENAME_EXCHANGE"},
    {TARGET_RENAME_WHITEOUT, 0, "RENAME_WHITEOUT"},
    {0, 0, NULL},
};

static const SyscallFlag access_flags[] = {
    {4, 0, "R_OK"},
    {2, 0, "W_OK"},
    {1, 0, "X_OK"},
    {0, 0, NULL},
};

static void out_signal(Line *l, int64_t sig)
{
    const char *n = lookup(signal_names, sig);
    if (n) {
        out(l, "%s", n);
    } else if (sig >= 32 && sig <= TARGET_NSIG) {
        out(l, "SIGRT_%d", (int)(sig - 32));
    } else {
        out(l, "%" PRId64, sig);
    }
}

static void out_arg(Line *l, const SyscallArch *arch, unsigned kind,
                    const uint64_t *a, int i)
{
    uint64_t v = a[i];
    switch (ARG_KIND(kind)) {
    case ARG_INT:
    case ARG_FD:
        out(l, "%d", (int32_t)v);
        break;
    case ARG_UINT:
        out(l, "%u", (uint32_t)v);
        break;
    case ARG_LONG:
        out(l, "%" PRId64, (int64_t)v);
        break;
    case ARG_ULONG:
        out(l, "%" PRIu64, v);
        break;
    case ARG_MODE:
        out(l, "%#o", (uint32_t)v);
        break;
    case ARG_DIRFD:
        if ((int32_t)v == TARGET_AT_FDCWD) {
            out(l, "AT_FDCWD");
        } else {
            out(l, "%d", (int32_t)v);
        }
        break;
    case ARG_PATH:
    case ARG_STR:
        out_string(l, v);
        break;
    case ARG_PTR:
        out_ptr(l, v);
        break;
    case ARG_BUF_IN_KIND:
        out_buffer(l, v, a[ARG_PARAM(kind)]);
        break;
    case ARG_FLAGS_OPEN: {
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR",
                                          "3"};
        out(l, "%s", acc[v & TARGET_O_ACCMODE]);
        out_bits(l, sys_open_table(arch),
                 (uint32_t)v & ~(uint64_t)TARGET_O_ACCMODE, true);
        break;
    }
    case ARG_FLAGS_AT:
        out_bits(l, at_flags, (uint32_t)v, false);
        break;
    case ARG_FLAGS_UNLINK:
        out_bits(l, unlink_flags, (uint32_t)v, false);
        break;
    case ARG_FLAGS_RENAME:
        out_bits(l, rename_flags, (uint32_t)v, false);
        break;
    case ARG_FLAGS_MMAP_PROT:
        if ((uint32_t)v == TARGET_PROT_NONE) {
            out(l, "PROT_NONE");
        } else {
            out_bits(l, sys_prot_table(arch), (uint32_t)v, false);
        }
        break;
    case ARG_FLAGS_MMAP: {
        static const char *const types[] = {
            [TARGET_MAP_SHARED] = "MAP_SHARED",
            [TARGET_MAP_PRIVATE] = "MAP_PRIVATE",
            [TARGET_MAP_SHARED_VALIDATE] = "MAP_SHARED_VALIDATE",
        };
        unsigned type = v & TARGET_MAP_TYPE;
        if (type < 4 && types[type]) {
            out(l, "%s", types[type]);
        } else {
            out(l, "%#x", type);
        }
        out_bits(l, sys_map_table(arch),
                 (uint32_t)v & ~(uint64_t)TARGET_MAP_TYPE, true);
        break;
    }
    case ARG_ACCESS_MODE:
        if ((uint32_t)v == 0) {
            out(l, "F_OK");
        } else {
            out_bits(l, access_flags, (uint32_t)v, false);
        }
        break;
    case ARG_SIGNUM:
        out_signal(l, (int32_t)v);
        break;
    case ARG_SIGHOW:
        out_named(l, sighow_names, (int32_t)v);
        break;
    case ARG_CLOCKID:
        out_named(l, clock_names, (int32_t)v);
        break;
    case ARG_FCNTL_CMD:
        out_named(l, fcntl_names, (int32_t)v);
        break;
    case ARG_IOCTL_CMD: {
        const char *n = lookup(ioctl_names, (uint32_t)v);
        if (n) {
            out(l, "%s", n);
        } else {
            out(l, "%#x", (uint32_t)v);
        }
        break;
    }
    case ARG_WHENCE:
        out_named(l, whence_names, (int32_t)v);
        break;
    case ARG_PRCTL_OPT:
        out_named(l, prctl_names, (int32_t)v);
        break;
    case ARG_RLIMIT_RES:
        out_named(l, rlimit_names, (int32_t)v);
        break;
    default:
        /* Kinds of the socket and event-descriptor calls (net.h). */
        if (ARG_KIND(kind) >= ARG_NET_FIRST) {
            char s[512];
            strace_net_arg(s, sizeof(s), arch, kind, a, i);
            out(l, "%s", s);
            break;
        }
        out(l, "%#" PRIx64, v);
        break;
    case ARG_HEX:
        out(l, "%#" PRIx64, v);
        break;
    }
}

void strace_enter(const SyscallArch *arch, int nr, const SyscallDef *def,
                  const uint64_t *a)
{
    Line l = {.len = 0};
    out(&l, "%d ", (int)gettid());
    if (def) {
        out(&l, "%s(", def->name);
        for (int i = 0; i < def->nargs; i++) {
            if (i) {
                out(&l, ", ");
            }
            out_arg(&l, arch, def->kinds[i], a, i);
        }
        out(&l, ")");
        if (def->ret == RET_NORETURN) {
            out(&l, " = ?\n");
        }
    } else {
        /* Not implemented: the name if the architecture has one, and all
         * six registers, since the argument count is unknown. */
        const char *name = syscall_name(arch, nr);
        if (name) {
            out(&l, "%s(", name);
        } else {
            out(&l, "syscall_%d(", nr);
        }
        for (int i = 0; i < 6; i++) {
            out(&l, "%s%#" PRIx64, i ? ", " : "", a[i]);
        }
        out(&l, ")");
    }
    flush(&l);
}

void strace_exit(const SyscallDef *def, int64_t ret)
{
    if (def && def->ret == RET_NORETURN) {
        return; /* " = ?" went with the call */
    }
    Line l = {.len = 0};
    if (ret < 0 && ret >= -4095) {
        const char *msg = strerrordesc_np((int)-ret);
        out(&l, " = -1 errno=%d (%s)\n", (int)-ret, msg ? msg : "?");
    } else if (def && def->ret == RET_HEX) {
        out(&l, " = %#" PRIx64 "\n", (uint64_t)ret);
    } else {
        out(&l, " = %" PRId64 "\n", ret);
    }
    flush(&l);
}

/*
 * Program execution: execve, execveat, the vfork half of clone, waitid.
 *
 * execve looks at the file as the kernel's binfmt handlers would, after
 * the same checks (a directory or non-regular file, no execute permission
 * or a noexec mount give EACCES; a path that does not resolve gives its
 * open error), reading the first 256 bytes:
 * - an ELF of a guest vemu supports starts a fresh emulator with a host
 *   execve: this very binary (/proc/self/exe) for its own architecture,
 *   the vemu-<arch> binary next to it (or in the build tree's
 *   ../<arch>/) for the other. It gets the options main.c recorded
 *   (exec_add_option), "-0 argv[0]", and the guest's argv and envp, so the
 *   new program has a new address space and everything the kernel resets
 *   (close-on-exec descriptors, handled signals) comes for free;
 * - an x86-64 ELF is the host's own: executed directly;
 * - "#!" is parsed as Linux does (one optional argument; a line longer
 *   than 256 bytes must not cut the interpreter's name) and the
 *   interpreter, resolved through the sysroot, is executed in turn with
 *   argv = interp [arg] path argv[1...]; at most 5 levels (then ELOOP);
 * - anything else is ENOEXEC.
 *
 * The environment of the new emulator is the guest's envp, which vemu
 * hands to the new guest unchanged, except two kinds of variable it must
 * not see as its own: VEMU_SET_ENV/VEMU_UNSET_ENV (it would apply them
 * again) and LD_* (the host's dynamic loader would apply them to vemu);
 * those reach the guest through -E instead, so they move to the end of
 * its environment. Every other option is passed explicitly with the
 * value in force here, so VEMU_* variables keep meaning what they meant.
 * Ignored signals and the blocked mask survive a host execve when they
 * are set on the host, so they are, just before it.
 *
 * vfork (CLONE_VM|CLONE_VFORK, used by posix_spawn and by Python's
 * subprocess): the child cannot share this process's memory without
 * sharing the emulator's state as well, so it is a host fork; but the
 * parent waits, as vfork's caller does, until the child has exec'd or
 * ended, and then receives the child's writes to guest memory. glibc
 * 2.36 and 2.41 rely on that: posix_spawn's child stores the exec error
 * in the parent's `args` structure before _exit(127), and the parent
 * reads it from there (there is no pipe). The mechanism:
 * - a MAP_SHARED region made before the fork holds a futex word the
 *   child owns through a host robust futex list: the kernel marks it
 *   FUTEX_OWNER_DIED and wakes the parent when the child's execve
 *   succeeds or the child dies, whatever closes its descriptors (a pipe
 *   would be closed by posix_spawn file actions and closefrom);
 * - before execve and exit the child copies into the region every guest
 *   page it wrote: anonymous pages that /proc/self/pagemap shows mapped
 *   exclusively, which after a fork are exactly those copied on write
 *   (or first touched) by the child;
 * - the parent writes back the bytes that differ from its own copy.
 * Memory maps the child changes (mmap, munmap) stay its own, and a page
 * written concurrently by another thread of the parent may lose that
 * thread's bytes where the child wrote the same ones.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/sysroot.h"
#include "syscall/exec.h"
#include "tcg/tb-cache.h"
#include "syscall/internal.h"

extern char **environ;

/* Linux's limits: the bytes of the header the handlers see, the longest
 * argument or variable, and binfmt nesting (scripts of scripts). */
#define BINPRM_BUF_SIZE 256
#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARG_BYTES (64u << 20)
#define MAX_INTERP_DEPTH 5

#define EM_X86_64_ 62
#define EM_AARCH64_ 183
#define EM_RISCV_ 243

/* Options to repeat for a new emulator. */
typedef struct ExecOption {
    const char *opt;
    const char *value;
    bool same_arch_only;
} ExecOption;
#define MAX_EXEC_OPTIONS 32
static ExecOption exec_options[MAX_EXEC_OPTIONS];
static int n_exec_options;

void exec_add_option(const char *opt, const char *value, bool same_arch_only)
{
    if (n_exec_options < MAX_EXEC_OPTIONS) {
        exec_options[n_exec_options++] =
            (ExecOption){opt, value, same_arch_only};
    }
}

/* A growing NULL-terminated string vector. */
typedef struct StrVec {
    char **v;
    size_t n, cap;
} StrVec;

static int vec_push(StrVec *s, char *str)
{
    if (s->n + 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, cap * sizeof(char *));
        if (!v) {
            return -ENOMEM;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    s->v[s->n] = NULL;
    return 0;
}

static int vec_push_dup(StrVec *s, const char *str)
{
    char *d = strdup(str);
    if (!d || vec_push(s, d) < 0) {
        free(d);
        return -ENOMEM;
    }
    return 0;
}

/* A vector that may still be empty gets its terminating NULL. */
static int vec_terminate(StrVec *s)
{
    if (!s->v) {
        s->v = calloc(1, sizeof(char *));
    }
    return s->v ? 0 : -ENOMEM;
}

/* Frees the strings too: use for vectors whose strings are all owned. */
static void vec_free(StrVec *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]);
    }
    free(s->v);
    *s = (StrVec){0};
}

/* A guest argv or envp array (NULL reads as empty, as Linux allows). */
static int read_guest_vec(uint64_t addr, StrVec *out, size_t *total)
{
    if (!addr) {
        return vec_terminate(out);
    }
    char *buf = malloc(MAX_ARG_STRLEN);
    if (!buf) {
        return -ENOMEM;
    }
    int r = 0;
    for (uint64_t p = addr;; p += 8) {
        uint64_t sp;
        if (guest_copy_from(&sp, p, sizeof(sp)) != 0) {
            r = -EFAULT;
            break;
        }
        if (!sp) {
            break;
        }
        ssize_t n = guest_strncpy_from(buf, sp, MAX_ARG_STRLEN);
        if (n < 0) {
            r = n == -ENAMETOOLONG ? -E2BIG : (int)n;
            break;
        }
        *total += (size_t)n + 1 + 8;
        if (*total > MAX_ARG_BYTES) {
            r = -E2BIG;
            break;
        }
        if (vec_push_dup(out, buf) < 0) {
            r = -ENOMEM;
            break;
        }
    }
    free(buf);
    return r == 0 ? vec_terminate(out) : r;
}

/*
 * Open what execve would run, with its checks: an fd (close-on-exec) or
 * -errno. O_NONBLOCK so that a FIFO is refused rather than waited on.
 */
static int open_exec(int dirfd, const char *path, bool nofollow)
{
    int fd =
        openat(dirfd, path,
               O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        return (int)sys_errno();
    }
    struct stat st;
    struct statvfs vfs;
    int r = 0;
    if (fstat(fd, &st) != 0) {
        r = (int)sys_errno();
    } else if (!S_ISREG(st.st_mode)) {
        r = -EACCES;
    } else if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
        r = -EACCES;
    } else if (faccessat(fd, "", X_OK, AT_EMPTY_PATH) != 0) {
        r = -EACCES;
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

/*
 * The path a new process can open fd's file by: its name if it still has
 * one, else /proc/self/fd/N with fd kept open across the exec (a deleted
 * file or a memfd; the new program then inherits that descriptor).
 */
static char *exec_path_of(int fd)
{
    char link[64], buf[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    if (n > 0) {
        buf[n] = '\0';
        const char *del = " (deleted)";
        size_t dl = strlen(del);
        if (buf[0] == '/' && !((size_t)n > dl && !strcmp(buf + n - dl, del))) {
            return strdup(buf);
        }
    }
    fcntl(fd, F_SETFD, 0);
    return strdup(link);
}

/* Raw kernel sigaction (x86-64 layout), so that every signal, glibc's
 * internal ones included, can be read and set. */
typedef struct HostKSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} HostKSigaction;

static int host_sigaction(int sig, const HostKSigaction *in,
                          HostKSigaction *out)
{
    return (int)syscall(SYS_rt_sigaction, sig, in, out, 8);
}

static int host_sigmask(int how, const uint64_t *in, uint64_t *out)
{
    return (int)syscall(SYS_rt_sigprocmask, how, in, out, 8);
}

#define SIG_BIT(s) (1ull << ((s)-1))

void exec_inherit_signals(void)
{
    /* vemu's own faults must reach its handler: a blocked synchronous
     * signal would kill the process instead. The inherited mask and
     * ignored signals become the guest's in signal_host_init, which reads
     * them all once (the fault signals then show as unblocked, as they
     * always have). */
    uint64_t need = SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) |
                    SIG_BIT(SIGFPE) | SIG_BIT(SIGTRAP);
    host_sigmask(SIG_UNBLOCK, &need, NULL);
}

/* Saved host signal state, to undo set_exec_signals if execve fails. */
typedef struct HostSigState {
    HostKSigaction act[TARGET_NSIG + 1];
    bool changed[TARGET_NSIG + 1];
    uint64_t mask;
} HostSigState;

/* Make the host's ignored signals and mask the guest's: a host execve
 * keeps exactly those and resets the rest to the default. */
static void set_exec_signals(HostSigState *saved)
{
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        saved->changed[sig] = false;
    }
    for (int g = 1; g <= TARGET_NSIG; g++) {
        /* sig is the host number of guest signal g. */
        int sig = signal_guest_to_host(g);
        HostKSigaction cur;
        if (!sig || sig == SIGKILL || sig == SIGSTOP ||
            host_sigaction(sig, NULL, &cur) != 0) {
            continue;
        }
        SignalAction ga;
        signal_get_action(g, &ga);
        bool want_ign = ga.handler == 1;
        bool is_ign = cur.handler == (uint64_t)(uintptr_t)SIG_IGN;
        if (want_ign != is_ign) {
            HostKSigaction n = {
                .handler = (uint64_t)(uintptr_t)(want_ign ? SIG_IGN : SIG_DFL)};
            saved->act[sig] = cur;
            if (host_sigaction(sig, &n, NULL) == 0) {
                saved->changed[sig] = true;
            }
        }
    }
    uint64_t gmask = signal_get_mask(), mask = 0;
    for (int g = 1; g <= TARGET_NSIG; g++) {
        int h = signal_guest_to_host(g);
        if (h && (gmask & SIG_BIT(g))) {
            mask |= SIG_BIT(h);
        }
    }
    host_sigmask(SIG_SETMASK, &mask, &saved->mask);
}

static void restore_signals(const HostSigState *saved)
{
    host_sigmask(SIG_SETMASK, &saved->mask, NULL);
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if (saved->changed[sig]) {
            host_sigaction(sig, &saved->act[sig], NULL);
        }
    }
}

static void vfork_ship(void);

/* The host execve, with the guest's signal state; returns -errno. */
static int64_t host_exec(const char *path, char **argv, char **envp)
{
    vfork_ship();
    fflush(NULL);
    tb_cache_save(); /* this image's translations end here */
    HostSigState *saved = malloc(sizeof(*saved));
    if (!saved) {
        return -ENOMEM;
    }
    set_exec_signals(saved);
    execve(path, argv, envp);
    int64_t r = sys_errno();
    restore_signals(saved);
    free(saved);
    return r;
}

/* The vemu binary for guest architecture arch: fills out[PATH_MAX]. */
static bool find_emulator(const char *arch, char *out)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        return false;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) {
        return false;
    }
    *slash = '\0';
    /* Installed side by side, or in the build tree (linux-user/<arch>/). */
    const char *fmts[] = {"%s/vemu-%s", "%s/../%s/vemu-%s"};
    for (int i = 0; i < 2; i++) {
        int w = i == 0 ? snprintf(out, PATH_MAX, fmts[0], self, arch)
                       : snprintf(out, PATH_MAX, fmts[1], self, arch, arch);
        if (w > 0 && w < PATH_MAX && access(out, X_OK) == 0) {
            return true;
        }
    }
    return false;
}

static bool moved_to_options(const char *var)
{
    return !strncmp(var, "LD_", 3) || !strncmp(var, "VEMU_SET_ENV=", 13) ||
           !strncmp(var, "VEMU_UNSET_ENV=", 15);
}

static int64_t exec_emulated_self(SyscallCtx *c, const char *arch, int fd,
                                  StrVec *argv, StrVec *envp);

/* Host path of the file exec_fd is running (for the fallback below), or
 * "" when it was given as a descriptor only. */
static char exec_host_path[PATH_MAX];

/*
 * Without /proc (a chroot whose /proc is not mounted yet, as during
 * `debootstrap --second-stage`), this binary cannot be re-executed by
 * /proc/self/exe and its own path is unknown: there vemu was started by
 * binfmt_misc, so executing the guest file itself lets the kernel route it
 * to the registered emulator again, as a real kernel would. Options given
 * to this emulator are lost on that path; binfmt runs have none.
 */
static int64_t exec_through_binfmt(StrVec *argv, StrVec *envp)
{
    if (!exec_host_path[0] || vec_terminate(argv) < 0 ||
        vec_terminate(envp) < 0) {
        return -ENOEXEC;
    }
    return host_exec(exec_host_path, argv->v, envp->v);
}

/* Start a fresh emulator for a guest ELF of architecture arch. */
static int64_t exec_emulated(SyscallCtx *c, const char *arch, int fd,
                             StrVec *argv, StrVec *envp)
{
    int64_t ret = exec_emulated_self(c, arch, fd, argv, envp);
    if (ret == -ENOENT || ret == -ELOOP || ret == -ENOTDIR || ret == -EACCES ||
        ret == -ENOEXEC) {
        if (access("/proc/self/exe", X_OK) != 0) {
            return exec_through_binfmt(argv, envp);
        }
    }
    return ret;
}

/* The same by starting vemu itself (or its sibling) with our options. */
static int64_t exec_emulated_self(SyscallCtx *c, const char *arch, int fd,
                                  StrVec *argv, StrVec *envp)
{
    bool same = !strcmp(arch, c->arch->machine);
    char emu[PATH_MAX];
    if (same) {
        /* Still this binary, even if its file was replaced meanwhile. */
        strcpy(emu, "/proc/self/exe");
    } else if (!find_emulator(arch, emu)) {
        return -ENOEXEC;
    }
    char *prog = exec_path_of(fd);
    char name[64];
    snprintf(name, sizeof(name), "vemu-%s", arch);
    StrVec hv = {0}, he = {0};
    int r = prog ? vec_push(&hv, name) : -ENOMEM;
    for (int i = 0; r == 0 && i < n_exec_options; i++) {
        const ExecOption *o = &exec_options[i];
        if (o->same_arch_only && !same) {
            continue;
        }
        r = vec_push(&hv, (char *)o->opt);
        if (r == 0 && o->value) {
            r = vec_push(&hv, (char *)o->value);
        }
    }
    for (size_t i = 0; r == 0 && i < envp->n; i++) {
        if (moved_to_options(envp->v[i]) && strchr(envp->v[i], '=')) {
            r = vec_push(&hv, "-E");
            if (r == 0) {
                r = vec_push(&hv, envp->v[i]);
            }
        } else {
            r = vec_push(&he, envp->v[i]);
        }
    }
    if (r == 0) {
        r = vec_push(&hv, "-0");
    }
    if (r == 0) {
        r = vec_push(&hv, argv->n ? argv->v[0] : "");
    }
    if (r == 0) {
        r = vec_push(&hv, "--");
    }
    if (r == 0) {
        r = vec_push(&hv, prog);
    }
    for (size_t i = 1; r == 0 && i < argv->n; i++) {
        r = vec_push(&hv, argv->v[i]);
    }
    if (r == 0) {
        r = vec_terminate(&he);
    }
    int64_t ret = r < 0 ? r : host_exec(emu, hv.v, he.v);
    free(hv.v);
    free(he.v);
    free(prog);
    return ret;
}

/* Linux's "#!" line rules; modifies buf (BINPRM_BUF_SIZE + 1 bytes, the
 * file's first bytes padded with NULs). 0 or -ENOEXEC. */
static int parse_shebang(char *buf, char **interp, char **arg)
{
    char *const limit = buf + BINPRM_BUF_SIZE - 1;
    char *end = memchr(buf, '\n', BINPRM_BUF_SIZE);
    char *p;
    if (!end) {
        /* No newline in the buffer: the interpreter's name must still
         * end inside it (the argument may be cut). */
        for (p = buf + 2; p < limit && (*p == ' ' || *p == '\t'); p++) {
        }
        if (p >= limit) {
            return -ENOEXEC;
        }
        while (p < limit && *p != ' ' && *p != '\t' && *p != '\0') {
            p++;
        }
        if (p >= limit) {
            return -ENOEXEC;
        }
        end = limit;
    }
    while (end > buf + 2 && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    *end = '\0';
    for (p = buf + 2; p < end && (*p == ' ' || *p == '\t'); p++) {
    }
    if (p >= end || *p == '\0') {
        return -ENOEXEC;
    }
    *interp = p;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\0') {
        p++;
    }
    *arg = NULL;
    if (p < end && *p != '\0') {
        *p++ = '\0';
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (p < end && *p != '\0') {
            *arg = p;
        }
    }
    return 0;
}

static int64_t exec_fd(SyscallCtx *c, int fd, const char *filename,
                       StrVec *argv, StrVec *envp, int depth);

static int64_t exec_script(SyscallCtx *c, char *buf, const char *filename,
                           StrVec *argv, StrVec *envp, int depth)
{
    char *interp, *arg;
    if (parse_shebang(buf, &interp, &arg) < 0) {
        return -ENOEXEC;
    }
    if (depth >= MAX_INTERP_DEPTH) {
        return -ELOOP;
    }
    char host[PATH_MAX];
    int r = sysroot_resolve(interp, host, sizeof(host));
    if (r < 0) {
        return r;
    }
    int ifd = open_exec(AT_FDCWD, host, false);
    if (ifd < 0) {
        return ifd;
    }
    snprintf(exec_host_path, sizeof(exec_host_path), "%s", host);
    /* interp [arg] filename argv[1...]: the strings are borrowed. */
    StrVec nv = {0};
    r = vec_push(&nv, interp);
    if (r == 0 && arg) {
        r = vec_push(&nv, arg);
    }
    if (r == 0) {
        r = vec_push(&nv, (char *)filename);
    }
    for (size_t i = 1; r == 0 && i < argv->n; i++) {
        r = vec_push(&nv, argv->v[i]);
    }
    int64_t ret = r < 0 ? r : exec_fd(c, ifd, interp, &nv, envp, depth + 1);
    free(nv.v);
    close(ifd);
    return ret;
}

/* Run the opened file fd; filename is the name a script interpreter is
 * given for it. Returns -errno (it returns only on failure). */
static int64_t exec_fd(SyscallCtx *c, int fd, const char *filename,
                       StrVec *argv, StrVec *envp, int depth)
{
    char buf[BINPRM_BUF_SIZE + 1] = {0};
    ssize_t n = pread(fd, buf, BINPRM_BUF_SIZE, 0);
    if (n < 0) {
        return sys_errno();
    }
    if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
        return exec_script(c, buf, filename, argv, envp, depth);
    }
    const unsigned char *e = (const unsigned char *)buf;
    if (n < 64 || memcmp(e, "\177ELF", 4) != 0 || e[4] != 2 /* 64-bit */ ||
        e[5] != 1 /* little-endian */) {
        return -ENOEXEC;
    }
    uint16_t type = (uint16_t)(e[16] | e[17] << 8);
    uint16_t machine = (uint16_t)(e[18] | e[19] << 8);
    if (type != 2 && type != 3) {
        return -ENOEXEC; /* neither ET_EXEC nor ET_DYN */
    }
    switch (machine) {
    case EM_RISCV_:
        return exec_emulated(c, "riscv64", fd, argv, envp);
    case EM_AARCH64_:
        return exec_emulated(c, "aarch64", fd, argv, envp);
    case EM_X86_64_: {
        char *prog = exec_path_of(fd);
        if (!prog) {
            return -ENOMEM;
        }
        int64_t r = host_exec(prog, argv->v, envp->v);
        free(prog);
        return r;
    }
    default:
        return -ENOEXEC;
    }
}

static int64_t do_execveat(SyscallCtx *c, uint64_t dirfd, uint64_t path_addr,
                           uint64_t argv_addr, uint64_t envp_addr,
                           uint64_t flags)
{
    if (flags &
        ~(uint64_t)(TARGET_AT_EMPTY_PATH | TARGET_AT_SYMLINK_NOFOLLOW)) {
        return -EINVAL;
    }
    char guest[PATH_MAX], host[PATH_MAX];
    ssize_t n = guest_strncpy_from(guest, path_addr, sizeof(guest));
    if (n < 0) {
        return n;
    }
    int hdir = sys_host_dirfd(dirfd);
    bool nofollow = flags & TARGET_AT_SYMLINK_NOFOLLOW;
    int fd;
    /* The name a script's interpreter gets, as Linux builds it. */
    char filename[PATH_MAX + 32];
    if (n == 0) {
        if (!(flags & TARGET_AT_EMPTY_PATH)) {
            return -ENOENT;
        }
        char self[64];
        snprintf(self, sizeof(self), "/proc/self/fd/%d", hdir);
        fd = open_exec(AT_FDCWD, self, false);
        exec_host_path[0] = '\0';
        snprintf(filename, sizeof(filename), "/dev/fd/%d", hdir);
    } else {
        int r = sys_resolve_path(guest, host, !nofollow);
        if (r < 0) {
            return r;
        }
        fd = open_exec(hdir, host, nofollow);
        snprintf(exec_host_path, sizeof(exec_host_path), "%s",
                 host[0] == '/' || hdir == AT_FDCWD ? host : "");
        if (guest[0] == '/' || hdir == AT_FDCWD) {
            snprintf(filename, sizeof(filename), "%s", guest);
        } else {
            snprintf(filename, sizeof(filename), "/dev/fd/%d/%s", hdir, guest);
        }
    }
    if (fd < 0) {
        return fd;
    }
    StrVec argv = {0}, envp = {0};
    size_t total = 0;
    int64_t r = read_guest_vec(argv_addr, &argv, &total);
    if (r == 0) {
        r = read_guest_vec(envp_addr, &envp, &total);
    }
    if (r == 0) {
        r = exec_fd(c, fd, filename, &argv, &envp, 0);
    }
    close(fd);
    vec_free(&argv);
    vec_free(&envp);
    return r;
}

int64_t sys_execve(SyscallCtx *c, const uint64_t *a)
{
    return do_execveat(c, (uint64_t)(int64_t)TARGET_AT_FDCWD, a[0], a[1], a[2],
                       0);
}

int64_t sys_execveat(SyscallCtx *c, const uint64_t *a)
{
    return do_execveat(c, a[0], a[1], a[2], a[3], a[4]);
}

/* ---- vfork ---- */

#define VFORK_MAX_PAGES 8192 /* 32 MiB of pages written by the child */
#define HOST_PAGE 4096

struct VforkShared {
    struct robust_list_head head;
    struct robust_list entry;
    _Atomic uint32_t word; /* the child's tid; FUTEX_OWNER_DIED when done */
    uint32_t npages;
    uint64_t addr[VFORK_MAX_PAGES];
};

#define VFORK_DATA_OFFSET                                                      \
    ((sizeof(VforkShared) + HOST_PAGE - 1) & ~(size_t)(HOST_PAGE - 1))
#define VFORK_SIZE (VFORK_DATA_OFFSET + (size_t)VFORK_MAX_PAGES * HOST_PAGE)

/* In a vfork child: the region shared with the waiting parent. */
static VforkShared *vfork_self;

VforkShared *exec_vfork_prepare(void)
{
    if (sysconf(_SC_PAGESIZE) != HOST_PAGE || GUEST_PAGE_SIZE != HOST_PAGE) {
        return NULL;
    }
    void *p = mmap(NULL, VFORK_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    VforkShared *vf = p;
    vf->head.list.next = &vf->entry;
    vf->entry.next = &vf->head.list;
    vf->head.futex_offset = (long)((char *)&vf->word - (char *)&vf->entry);
    vf->head.list_op_pending = NULL;
    return vf;
}

static long futex_op(_Atomic uint32_t *w, int op, uint32_t val,
                     const struct timespec *ts)
{
    return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

void exec_vfork_child(VforkShared *vf)
{
    /* A fork inside a vfork child is an ordinary child of its own. */
    vfork_self = vf;
    if (!vf) {
        return;
    }
    atomic_store(&vf->word, (uint32_t)gettid());
    futex_op(&vf->word, FUTEX_WAKE, 1, NULL);
    /* The kernel releases the list at a successful execve and at exit:
     * that is what wakes the parent. vemu has no robust mutexes of its
     * own, so replacing glibc's (empty) list is harmless. */
    syscall(SYS_set_robust_list, &vf->head, sizeof(vf->head));
}

typedef struct ShipCtx {
    VforkShared *vf;
    int pagemap;
} ShipCtx;

#define PM_PRESENT (1ull << 63)
#define PM_FILE (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)

static void ship_run(void *opaque, uint64_t start, uint64_t end, int flags)
{
    ShipCtx *s = opaque;
    if (!(flags & PAGE_READ)) {
        return;
    }
    char *data = (char *)s->vf + VFORK_DATA_OFFSET;
    uint64_t ent[512];
    for (uint64_t a = start; a < end;) {
        size_t chunk = (size_t)((end - a) / HOST_PAGE);
        if (chunk > 512) {
            chunk = 512;
        }
        uintptr_t h = (uintptr_t)g2h(a);
        ssize_t n =
            pread(s->pagemap, ent, chunk * 8, (off_t)(h / HOST_PAGE * 8));
        if (n <= 0) {
            return;
        }
        size_t got = (size_t)n / 8;
        for (size_t i = 0; i < got; i++) {
            uint64_t e = ent[i];
            if ((e & PM_PRESENT) && !(e & PM_FILE) && (e & PM_EXCLUSIVE) &&
                s->vf->npages < VFORK_MAX_PAGES) {
                uint32_t k = s->vf->npages++;
                s->vf->addr[k] = a + i * HOST_PAGE;
                memcpy(data + (size_t)k * HOST_PAGE, (char *)h + i * HOST_PAGE,
                       HOST_PAGE);
            }
        }
        a += got * HOST_PAGE;
    }
}

/* Copy every guest page this vfork child wrote into the shared region
 * (again from scratch at each call: the last one wins). */
static void vfork_ship(void)
{
    if (!vfork_self) {
        return;
    }
    ShipCtx s = {.vf = vfork_self,
                 .pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)};
    vfork_self->npages = 0;
    if (s.pagemap < 0) {
        return;
    }
    guest_mem_walk(ship_run, &s);
    close(s.pagemap);
}

void exec_vfork_child_exit(void)
{
    vfork_ship();
}

void exec_vfork_wait(VforkShared *vf, pid_t pid)
{
    if (!vf) {
        return;
    }
    for (; pid > 0;) {
        uint32_t v = atomic_load(&vf->word);
        if (v & FUTEX_OWNER_DIED) {
            break;
        }
        if ((v & FUTEX_TID_MASK) && !(v & FUTEX_WAITERS)) {
            if (!atomic_compare_exchange_strong(&vf->word, &v,
                                                v | FUTEX_WAITERS)) {
                continue;
            }
            v |= FUTEX_WAITERS;
        }
        /* Shared futex: the kernel's robust-list wake is not private. */
        struct timespec ts = {0, 50 * 1000 * 1000};
        futex_op(&vf->word, FUTEX_WAIT, v, &ts);
        /* A child killed before it registered its list wakes nobody. */
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
            si.si_pid == pid) {
            break;
        }
    }
    const char *data = (const char *)vf + VFORK_DATA_OFFSET;
    for (uint32_t k = 0; k < vf->npages && k < VFORK_MAX_PAGES; k++) {
        uint64_t addr = vf->addr[k];
        if (!(guest_page_flags(addr) & PAGE_WRITE)) {
            continue;
        }
        const char *src = data + (size_t)k * HOST_PAGE;
        const char *cur = g2h(addr);
        /* Only the bytes that differ, in runs. */
        for (size_t i = 0; i < HOST_PAGE;) {
            if (src[i] == cur[i]) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < HOST_PAGE && src[j] != cur[j]) {
                j++;
            }
            guest_copy_to(addr + i, src + i, j - i);
            i = j;
        }
    }
    munmap(vf, VFORK_SIZE);
}

/* ---- waitid ---- */

static void put_rusage(uint64_t addr, const struct rusage *ru)
{
    target_rusage t = {
        .ru_utime = {ru->ru_utime.tv_sec, ru->ru_utime.tv_usec},
        .ru_stime = {ru->ru_stime.tv_sec, ru->ru_stime.tv_usec},
        .ru_maxrss = ru->ru_maxrss,
        .ru_ixrss = ru->ru_ixrss,
        .ru_idrss = ru->ru_idrss,
        .ru_isrss = ru->ru_isrss,
        .ru_minflt = ru->ru_minflt,
        .ru_majflt = ru->ru_majflt,
        .ru_nswap = ru->ru_nswap,
        .ru_inblock = ru->ru_inblock,
        .ru_oublock = ru->ru_oublock,
        .ru_msgsnd = ru->ru_msgsnd,
        .ru_msgrcv = ru->ru_msgrcv,
        .ru_nsignals = ru->ru_nsignals,
        .ru_nvcsw = ru->ru_nvcsw,
        .ru_nivcsw = ru->ru_nivcsw,
    };
    guest_copy_to(addr, &t, sizeof(t));
}

/*
 * waitid(idtype, id, infop, options, rusage): P_* and W* values are the
 * same on every Linux. As the kernel does, infop gets si_signo, si_errno,
 * si_code, si_pid, si_uid and si_status (all zero when WNOHANG finds
 * nothing), at the offsets of the 64-bit siginfo's SIGCHLD member; rusage
 * is written only when a child was reported.
 */
int64_t sys_waitid(SyscallCtx *c, const uint64_t *a)
{
    if (a[2] && !guest_range_ok(a[2], 128, PAGE_WRITE)) {
        return -EFAULT;
    }
    if (a[4] && !guest_range_ok(a[4], sizeof(target_rusage), PAGE_WRITE)) {
        return -EFAULT;
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    struct rusage ru;
    long r = syscall(SYS_waitid, (int)a[0], (id_t)a[1], &si, (int)a[3],
                     a[4] ? &ru : NULL);
    if (r < 0) {
        return sys_errno();
    }
    if (a[2]) {
        int32_t head[3] = {si.si_signo, 0, si.si_code};
        int32_t chld[3] = {si.si_pid, (int32_t)si.si_uid, si.si_status};
        guest_copy_to(a[2], head, sizeof(head));
        guest_copy_to(a[2] + 16, chld, sizeof(chld));
    }
    if (a[4] && si.si_signo == SIGCHLD) {
        put_rusage(a[4], &ru);
    }
    return 0;
}

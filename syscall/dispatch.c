/*
 * The dispatcher: builds the table from table.def, connects an
 * architecture's syscall numbers to it by name, and runs one guest call
 * with -strace around it. Also the helpers every topic file shares:
 * guest-memory locking, guest path resolution, flag translation.
 *
 * Guarantees: any guest number, in range or not, gets a defined answer
 * (-ENOSYS when unknown); no guest pointer is dereferenced here except
 * through guest-mem.h.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/internal.h"

/* The kinds given for a call must be exactly nargs many. */
#define SC_COUNT_(_0, _1, _2, _3, _4, _5, _6, n, ...) n
#define SC_COUNT(...) SC_COUNT_(_, ##__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define SYSCALL(name, impl, ret, nargs, ...)                                   \
    _Static_assert(SC_COUNT(__VA_ARGS__) == (nargs),                           \
                   #name ": nargs differs from the number of kinds");
#include "syscall/table.def"
#undef SYSCALL

const SyscallDef syscall_table[] = {
#define SYSCALL(n, fn, r, na, ...)                                             \
    {.name = #n, .impl = fn, .ret = r, .nargs = na, .kinds = {__VA_ARGS__}},
#include "syscall/table.def"
#undef SYSCALL
};
const unsigned syscall_table_size =
    sizeof(syscall_table) / sizeof(syscall_table[0]);

/*
 * Guest errnos are passed through as host errnos (host_to_target_errno is
 * the identity): both sides use the asm-generic numbering. Check the
 * host really does for a sample, including the ones glibc tests for.
 */
_Static_assert(EPERM == 1 && ENOENT == 2 && EINTR == 4 && EBADF == 9,
               "host errno numbering is not asm-generic");
_Static_assert(EAGAIN == 11 && ENOMEM == 12 && EFAULT == 14 && EEXIST == 17,
               "host errno numbering is not asm-generic");
_Static_assert(EINVAL == 22 && ENOTTY == 25 && ERANGE == 34,
               "host errno numbering is not asm-generic");
_Static_assert(ENAMETOOLONG == 36 && ENOSYS == 38 && ELOOP == 40,
               "host errno numbering is not asm-generic");
_Static_assert(EOPNOTSUPP == 95 && ETIMEDOUT == 110 && ECANCELED == 125,
               "host errno numbering is not asm-generic");

/* Slots of the name index: a power of two at least twice the table, so
 * linear probing stays short. */
#define NAME_SLOTS 512u
_Static_assert(sizeof(syscall_table) / sizeof(syscall_table[0]) * 2 <=
                   NAME_SLOTS,
               "NAME_SLOTS is too small for table.def");

/* FNV-1a: syscall names are short, so this costs about what one strcmp
 * does. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

/* The table entry named name, as index + 1, or 0. slots holds index + 1
 * of each table entry at its probe position. */
static unsigned name_find(const uint16_t *slots, const char *name)
{
    for (uint32_t s = name_hash(name);; s++) {
        unsigned e = slots[s & (NAME_SLOTS - 1)];
        if (!e || !strcmp(syscall_table[e - 1].name, name)) {
            return e;
        }
    }
}

int syscall_arch_init(SyscallArch *arch)
{
    if (arch->impl_index) {
        return 0;
    }
    assert(syscall_table_size < UINT16_MAX);
    uint16_t *map = calloc(arch->nr_count ? arch->nr_count : 1, sizeof(*map));
    /* For each table entry, 1 + the number that named it. */
    unsigned *named = calloc(syscall_table_size, sizeof(*named));
    if (!map || !named) {
        fprintf(stderr, "vemu: out of memory for the syscall map\n");
        free(map);
        free(named);
        return -1;
    }
    /* Once per process, but ~300 names against ~180 entries by linear
     * search was 40,000 strcmp calls (2% of a dynamic `true`): index the
     * table by name hash instead, one strcmp per name. */
    uint16_t slots[NAME_SLOTS] = {0};
    for (unsigned i = 0; i < syscall_table_size; i++) {
        uint32_t s = name_hash(syscall_table[i].name);
        while (slots[s & (NAME_SLOTS - 1)]) {
            s++;
        }
        slots[s & (NAME_SLOTS - 1)] = (uint16_t)(i + 1);
    }
    for (unsigned nr = 0; nr < arch->nr_count; nr++) {
        const char *name = arch->names[nr];
        if (!name) {
            continue;
        }
        unsigned e = name_find(slots, name);
        if (!e) {
            continue;
        }
        unsigned i = e - 1;
        if (named[i]) {
            fprintf(stderr, "vemu: %s: syscall %s numbered both %u and %u\n",
                    arch->machine, name, named[i] - 1, nr);
            free(map);
            free(named);
            return -1;
        }
        named[i] = nr + 1;
        map[nr] = (uint16_t)e;
    }
    free(named);
    arch->impl_index = map;
    return 0;
}

const char *syscall_name(const SyscallArch *arch, int nr)
{
    if (nr < 0 || (unsigned)nr >= arch->nr_count) {
        return NULL;
    }
    return arch->names[nr];
}

/* The last call of this thread, if a host signal interrupted it. */
static __thread bool last_interrupted;
static __thread bool last_restartable;
static __thread uint64_t last_arg0;

/* signal(7): calls Linux never restarts after a handler, SA_RESTART or
 * not (sleeps, waits with a timeout or a signal mask). */
static bool restartable(const SyscallDef *def)
{
    static const char *const never[] = {
        "nanosleep",  "clock_nanosleep", "ppoll",           "pselect6",
        "epoll_pwait", "epoll_pwait2",   "rt_sigsuspend",   "rt_sigtimedwait",
        "io_getevents", "io_pgetevents", "semtimedop",      "semop",
        "msgrcv",     "msgsnd",          NULL,
    };
    if (!def) {
        return false;
    }
    for (int i = 0; never[i]; i++) {
        if (!strcmp(def->name, never[i])) {
            return false;
        }
    }
    return true;
}

bool syscall_take_interrupted(uint64_t *arg0, bool *restart_ok)
{
    if (!last_interrupted) {
        return false;
    }
    last_interrupted = false;
    *arg0 = last_arg0;
    *restart_ok = last_restartable;
    return true;
}

int64_t vemu_syscall(CPUState *cpu, const SyscallArch *arch, int nr,
                     const uint64_t args[6])
{
    assert(arch->impl_index && "syscall_arch_init was not called");
    const SyscallDef *def = NULL;
    if (nr >= 0 && (unsigned)nr < arch->nr_count && arch->impl_index[nr]) {
        def = &syscall_table[arch->impl_index[nr] - 1];
    }
    /* Read once: the line must not be left half-printed if another
     * thread flips the switch during the call. */
    bool trace = syscall_strace;
    if (trace) {
        strace_enter(arch, nr, def, args);
    }
    int64_t ret;
    if (def) {
        SyscallCtx ctx = {.cpu = cpu, .arch = arch};
        ret = def->impl(&ctx, args);
    } else {
        ret = -host_to_target_errno(ENOSYS);
        if (tcg_log_mask & TCG_LOG_UNIMP) {
            fprintf(tcg_log_file ? tcg_log_file : stderr,
                    "Unsupported syscall: %d (%s)\n", nr,
                    syscall_name(arch, nr));
        }
    }
    if (trace) {
        strace_exit(def, ret);
    }
    last_interrupted = ret == -EINTR;
    if (last_interrupted) {
        last_arg0 = args[0];
        last_restartable = restartable(def);
    }
    return ret;
}

void *sys_lock(uint64_t addr, uint64_t len, bool write)
{
    static char empty;
    if (len == 0) {
        return &empty;
    }
    if (addr + len < addr || len > SIZE_MAX) {
        return NULL;
    }
    return guest_lock(addr, (size_t)len, write);
}

uint64_t sys_flags_to_host(const SyscallFlag *t, uint64_t target)
{
    uint64_t host = 0;
    for (; t->name; t++) {
        if (t->target && (target & t->target) == t->target) {
            host |= t->host;
        }
    }
    return host;
}

uint64_t sys_flags_to_target(const SyscallFlag *t, uint64_t host)
{
    uint64_t target = 0;
    for (; t->name; t++) {
        if (t->host && (host & t->host) == t->host) {
            target |= t->target;
        }
    }
    return target;
}

const SyscallFlag *sys_open_table(const SyscallArch *arch)
{
    return arch->open_flags ? arch->open_flags : syscall_generic_open_flags;
}

const SyscallFlag *sys_prot_table(const SyscallArch *arch)
{
    return arch->prot_flags ? arch->prot_flags : syscall_generic_prot_flags;
}

const SyscallFlag *sys_map_table(const SyscallArch *arch)
{
    return arch->map_flags ? arch->map_flags : syscall_generic_map_flags;
}

_Static_assert(O_ACCMODE == TARGET_O_ACCMODE && O_RDWR == TARGET_O_RDWR,
               "the open access mode is the same on every Linux");

/* The access mode (O_RDONLY/O_WRONLY/O_RDWR, and 3 for "no access" ioctl
 * opens) has the same values on every Linux; the rest goes by table. */
int sys_open_flags_to_host(const SyscallArch *arch, uint64_t target)
{
    return (int)((target & TARGET_O_ACCMODE) |
                 sys_flags_to_host(sys_open_table(arch),
                                   target & ~(uint64_t)TARGET_O_ACCMODE));
}

uint64_t sys_open_flags_to_target(const SyscallArch *arch, int host)
{
    return ((unsigned)host & O_ACCMODE) |
           sys_flags_to_target(sys_open_table(arch),
                               (unsigned)host & ~(unsigned)O_ACCMODE);
}

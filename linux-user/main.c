/*
 * The user-mode main program shared by every vemu-<arch>: qemu-user style
 * options and environment variables, guest address space set-up, ELF
 * loading, the initial stack, and the CPU loop that turns the runtime's
 * exceptions into system calls and guest signals, and delivers pending
 * signals after each (linux-user/signal.c).
 *
 * Order matters: the guest space is reserved before the runtime starts,
 * because generated code bakes in tcg_guest_addr_bits; the stack is mapped
 * after the program, because ET_EXEC segments map at fixed addresses.
 * Every error before the guest starts is one line on stderr naming the
 * problem, and exit status 1 (2 for bad usage).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>

#include "linux-user/guest-mem.h"
#include "linux-user/sysroot.h"
#include "linux-user/user-arch.h"
#include "syscall/exec.h"
#include "tcg/tb-cache.h"

#define VEMU_VERSION "0.1.0"

extern char **environ;

typedef struct Options {
    const char *sysroot;
    const char *argv0;
    const char *log_items;
    const char *log_file;
    const char *backend;
    const char *guest_base;
    const char *reserved_va;
    const char *stack_size;
    const char *cpu;
    const char *tb_cache;
    bool strace;
    bool one_insn_per_tb;
    char **env; /* the guest environment, NULL-terminated */
    size_t envc;
} Options;

static const char *prog_name = "vemu";

static void usage(FILE *f, const UserArch *arch)
{
    fprintf(f,
            "usage: vemu-%s [options] program [arguments...]\n"
            "Run a Linux %s program on this host.\n\n"
            "Options (environment variable in brackets):\n"
            "  -h                 print this help and exit\n"
            "  -version           print the version and exit\n"
            "  -L path            guest root for absolute paths, as a chroot "
            "with host fallback [VEMU_LD_PREFIX]\n"
            "  -E var=value       set a variable in the guest's environment "
            "[VEMU_SET_ENV=var=value,...]\n"
            "  -U var             remove a variable from the guest's "
            "environment [VEMU_UNSET_ENV=var,...]\n"
            "  -0 argv0           the program's argv[0] (default: program) "
            "[VEMU_ARGV0]\n"
            "  -strace            log system calls [VEMU_STRACE]\n"
            "  -d item[,...]      log translation (-d help lists them) "
            "[VEMU_LOG]\n"
            "  -D file            write the log to file [VEMU_LOG_FILENAME]\n"
            "  -one-insn-per-tb   translate one guest instruction per block "
            "[VEMU_ONE_INSN_PER_TB]\n"
            "  -cpu model         CPU model (-cpu help lists them) [VEMU_CPU]\n"
            "  -s size            stack size (default 8M) [VEMU_STACK_SIZE]\n"
            "  -R size            guest address space size, rounded up to a "
            "power of two [VEMU_RESERVED_VA]\n"
            "  -B address         host address of guest address 0 "
            "[VEMU_GUEST_BASE]\n"
            "  -backend native|tci  code generator: native x86-64 (default) "
            "or the interpreter [VEMU_BACKEND]\n"
            "  -tb-cache dir|off  where translations are kept between runs "
            "(default ~/.cache/vemu/tb) [VEMU_TB_CACHE]\n"
            "Sizes take a k, M or G suffix.\n",
            arch->name, arch->name);
}

static void env_unset(Options *o, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < o->envc; i++) {
        if (!strncmp(o->env[i], name, n) && o->env[i][n] == '=') {
            memmove(&o->env[i], &o->env[i + 1], (o->envc - i) * sizeof(char *));
            o->envc--;
            return;
        }
    }
}

static void env_set(Options *o, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char *name = strndup(assignment, (size_t)(eq - assignment));
    env_unset(o, name);
    free(name);
    o->env = realloc(o->env, (o->envc + 2) * sizeof(char *));
    o->env[o->envc++] = (char *)assignment;
    o->env[o->envc] = NULL;
}

static void env_init(Options *o)
{
    size_t n = 0;
    while (environ[n]) {
        n++;
    }
    o->env = calloc(n + 1, sizeof(char *));
    memcpy(o->env, environ, n * sizeof(char *));
    o->envc = n;
}

static void pick_cpu(const UserArch *arch, const Options *o);
static const char *opt_or_env(const char *opt, const char *var);

/* Options come first; the first non-option is the program. Returns the
 * index of the program in argv, or exits. */
static int parse_options(const UserArch *arch, Options *o, int argc,
                         char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (opt[1] == '-') {
            opt++; /* accept --opt as well as -opt */
        }
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        bool takes_arg =
            !strcmp(opt, "-L") || !strcmp(opt, "-E") || !strcmp(opt, "-U") ||
            !strcmp(opt, "-0") || !strcmp(opt, "-d") || !strcmp(opt, "-D") ||
            !strcmp(opt, "-B") || !strcmp(opt, "-R") || !strcmp(opt, "-s") ||
            !strcmp(opt, "-cpu") || !strcmp(opt, "-backend") ||
            !strcmp(opt, "-tb-cache");
        const char *val = NULL;
        if (takes_arg) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: option '%s' needs an argument\n",
                        prog_name, argv[i]);
                exit(2);
            }
            val = argv[++i];
        }
        if (!strcmp(opt, "-h") || !strcmp(opt, "-help")) {
            usage(stdout, arch);
            exit(0);
        } else if (!strcmp(opt, "-version")) {
            printf("vemu-%s version %s\n", arch->name, VEMU_VERSION);
            exit(0);
        } else if (!strcmp(opt, "-L")) {
            o->sysroot = val;
        } else if (!strcmp(opt, "-E")) {
            if (!strchr(val, '=')) {
                fprintf(stderr, "%s: -E expects var=value, got '%s'\n",
                        prog_name, val);
                exit(2);
            }
            env_set(o, val);
        } else if (!strcmp(opt, "-U")) {
            env_unset(o, val);
        } else if (!strcmp(opt, "-0")) {
            o->argv0 = val;
        } else if (!strcmp(opt, "-d")) {
            o->log_items = val;
        } else if (!strcmp(opt, "-D")) {
            o->log_file = val;
        } else if (!strcmp(opt, "-backend")) {
            o->backend = val;
        } else if (!strcmp(opt, "-tb-cache")) {
            o->tb_cache = val;
        } else if (!strcmp(opt, "-B")) {
            o->guest_base = val;
        } else if (!strcmp(opt, "-R")) {
            o->reserved_va = val;
        } else if (!strcmp(opt, "-s")) {
            o->stack_size = val;
        } else if (!strcmp(opt, "-cpu")) {
            o->cpu = val;
            if (!strcmp(val, "help")) {
                pick_cpu(arch, o); /* prints the list and exits */
            }
        } else if (!strcmp(opt, "-strace")) {
            o->strace = true;
        } else if (!strcmp(opt, "-one-insn-per-tb") ||
                   !strcmp(opt, "-singlestep")) {
            o->one_insn_per_tb = true;
        } else {
            fprintf(stderr, "%s: unknown option '%s' (try -h)\n", prog_name,
                    argv[i]);
            exit(2);
        }
    }
    if (i >= argc) {
        fprintf(stderr, "%s: no program given (try -h)\n", prog_name);
        exit(2);
    }
    return i;
}

/* The loader's view of guest memory, on guest-mem.c. */
static int mem_map(void *opaque, uint64_t addr, uint64_t len, int prot,
                   bool fixed, uint64_t *out)
{
    int64_t r = guest_mmap(
        addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | (fixed ? MAP_FIXED : 0),
        -1, 0);
    if (r < 0) {
        return (int)r;
    }
    *out = (uint64_t)r;
    return 0;
}

static int mem_map_file(void *opaque, uint64_t addr, uint64_t len, int prot,
                        int fd, uint64_t offset)
{
    int64_t r = guest_mmap(addr, len, prot, MAP_PRIVATE | MAP_FIXED, fd,
                           (off_t)offset);
    return r < 0 ? (int)r : 0;
}

static int mem_protect(void *opaque, uint64_t addr, uint64_t len, int prot)
{
    return guest_mprotect(addr, len, prot);
}

static int mem_unmap(void *opaque, uint64_t addr, uint64_t len)
{
    return guest_munmap(addr, len);
}

static void *mem_g2h(void *opaque, uint64_t addr)
{
    return guest_page_flags(addr) ? g2h(addr) : NULL;
}

static int open_in_sysroot(void *opaque, const char *path)
{
    return sysroot_open(path, O_RDONLY | O_CLOEXEC, 0); /* fd or -errno */
}

static bool fetch_ok(uint64_t addr, size_t len)
{
    bool ok = guest_exec_ok(addr, len);
    tcg_note_code_fetch(addr, len, ok);
    return ok;
}

static bool code_writable(uint64_t addr, uint64_t len)
{
    uint64_t last = addr + len - 1;
    for (uint64_t p = addr & GUEST_PAGE_MASK; p <= last; p += GUEST_PAGE_SIZE) {
        if (guest_page_flags(p) & PAGE_WRITE) {
            return true;
        }
    }
    return false;
}

/*
 * The persistent translation cache (tcg/tb-cache.c), on unless -tb-cache
 * off: in the directory named, else $XDG_CACHE_HOME/vemu/tb, else
 * ~/.cache/vemu/tb. Started by binfmt_misc, only in a directory named by
 * VEMU_TB_CACHE: a container build would otherwise leave the cache in the
 * image it builds. Never for a set-id program (binfmt_misc's C flag): the
 * file holds host code, and the environment is the caller's. Only a
 * directory named by the user is worth a warning when it cannot be used.
 */
static void open_tb_cache(const UserArch *arch, const Options *o,
                          const char *exe, bool by_binfmt, bool secure)
{
    const char *v = opt_or_env(o->tb_cache, "VEMU_TB_CACHE");
    if ((v && (!strcmp(v, "off") || !strcmp(v, "0"))) || (!v && by_binfmt) ||
        secure) {
        return;
    }
    char *dir;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (v) {
        dir = g_strdup(v);
    } else if (xdg && *xdg == '/') {
        dir = g_strdup_printf("%s/vemu/tb", xdg);
    } else if (home && *home == '/') {
        dir = g_strdup_printf("%s/.cache/vemu/tb", home);
    } else {
        return;
    }
    const char *cpu = opt_or_env(o->cpu, "VEMU_CPU");
    char *config = g_strdup_printf("%s cpu=%s host=%s", arch->name,
                                   cpu ? cpu : "",
                                   opt_or_env(NULL, "VEMU_HOST_FEATURES")
                                       ?: "");
    tb_cache_set_verify(opt_or_env(NULL, "VEMU_TB_CACHE_VERIFY") != NULL);
    tb_cache_open(dir, exe, config, guest_exec_ok, code_writable, v != NULL);
    g_free(config);
    g_free(dir);
}

static const char *signal_label(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "Segmentation fault";
    case SIGBUS:
        return "Bus error";
    case SIGILL:
        return "Illegal instruction";
    case SIGTRAP:
        return "Trace/breakpoint trap";
    case SIGFPE:
        return "Floating point exception";
    default:
        return strsignal(sig);
    }
}

static const UserArch *user_arch;

_Noreturn void user_fatal_signal(CPUState *cpu, int sig, uint64_t addr)
{
    fflush(stdout);
    fprintf(stderr,
            "%s: uncaught target signal %d (%s) at pc 0x%llx, address "
            "0x%llx\n",
            prog_name, sig, signal_label(sig),
            (unsigned long long)user_arch->cpu_pc(cpu),
            (unsigned long long)addr);
    /* Die by the same signal so the parent sees WIFSIGNALED, but leave no
     * core file of the emulator itself. */
    struct rlimit nocore = {0, 0};
    setrlimit(RLIMIT_CORE, &nocore);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void cpu_loop(const UserArch *arch, CPUState *cpu)
{
    for (;;) {
        int excp = cpu_exec(cpu);
        switch (excp) {
        case EXCP_INTERRUPT:
            break;
        case EXCP_SEGV:
            /* Mapped but not permitted, or not mapped at all. */
            user_force_signal(cpu, SIGSEGV,
                              guest_page_flags(cpu->fault_addr)
                                  ? TARGET_SEGV_ACCERR
                                  : TARGET_SEGV_MAPERR,
                              cpu->fault_addr);
            break;
        case EXCP_UNALIGNED:
            user_force_signal(cpu, SIGBUS, TARGET_BUS_ADRALN, cpu->fault_addr);
            break;
        default:
            if (excp >= EXCP_RUNTIME_BASE) {
                fprintf(stderr, "%s: internal error: exception 0x%x\n",
                        prog_name, excp);
                abort();
            }
            arch->handle_exception(cpu, excp);
            break;
        }
        user_handle_signals(cpu);
    }
}

/* A new guest thread's host thread runs this (syscall/thread.c). */
static void thread_cpu_loop(CPUState *cpu)
{
    cpu_loop(user_arch, cpu);
}

/* A size with an optional k/M/G suffix; exits with a one-line error. */
static uint64_t parse_size(const char *what, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    int shift = 0;
    if (*end == 'k' || *end == 'K') {
        shift = 10;
    } else if (*end == 'M' || *end == 'm') {
        shift = 20;
    } else if (*end == 'G' || *end == 'g') {
        shift = 30;
    }
    if (shift) {
        end++;
    }
    if (errno || end == s || *end || s[0] == '-' || v > (~0ull >> shift)) {
        fprintf(stderr, "%s: %s: '%s' is not a size\n", prog_name, what, s);
        exit(2);
    }
    return (uint64_t)v << shift;
}

static const char *opt_or_env(const char *opt, const char *var)
{
    const char *v = opt ? opt : getenv(var);
    return v && *v ? v : NULL;
}

static void pick_cpu(const UserArch *arch, const Options *o)
{
    const char *cpu = opt_or_env(o->cpu, "VEMU_CPU");
    if (!cpu) {
        return;
    }
    if (!strcmp(cpu, "help")) {
        printf("Available CPUs for vemu-%s:\n", arch->name);
        for (int i = 0; arch->cpu_models[i]; i++) {
            printf("  %-20s %s%s\n", arch->cpu_models[i],
                   arch->cpu_descriptions ? arch->cpu_descriptions[i]
                                          : arch->cpu_description,
                   i ? "" : " (default)");
        }
        exit(0);
    }
    for (int i = 0; arch->cpu_models[i]; i++) {
        if (!strcmp(cpu, arch->cpu_models[i])) {
            if (arch->set_cpu_model) {
                arch->set_cpu_model(i);
            }
            return;
        }
    }
    fprintf(stderr, "%s: unknown CPU model '%s' (try -cpu help)\n", prog_name,
            cpu);
    exit(2);
}

static const TCGBackend *pick_backend(const Options *o)
{
    const char *name = o->backend ? o->backend : getenv("VEMU_BACKEND");
    if (!name || !*name) {
        return &tcg_backend_x86_64;
    }
    const TCGBackend *be = tcg_backend_by_name(name);
    if (!be) {
        fprintf(stderr, "%s: unknown code generator '%s' (native or tci)\n",
                prog_name, name);
        exit(2);
    }
    return be;
}

/* What a guest execve repeats for the emulator it starts (syscall/exec.c):
 * the values in force, from options or VEMU_* variables alike. */
static void record_exec_options(const Options *o, const char *log_items,
                                const char *log_file, const char *rva,
                                const char *ss, const char *gb)
{
    const char *sysroot = sysroot_get();
    exec_add_option("-L", sysroot ? sysroot : "", false);
    const char *cpu = opt_or_env(o->cpu, "VEMU_CPU");
    if (cpu) {
        exec_add_option("-cpu", cpu, true);
    }
    const char *backend = opt_or_env(o->backend, "VEMU_BACKEND");
    if (backend) {
        exec_add_option("-backend", backend, false);
    }
    if (o->tb_cache) {
        exec_add_option("-tb-cache", o->tb_cache, false);
    }
    if (syscall_strace) {
        exec_add_option("-strace", NULL, false);
    }
    if (log_items && *log_items) {
        exec_add_option("-d", log_items, false);
    }
    if (log_file && *log_file) {
        exec_add_option("-D", log_file, false);
    }
    if (o->one_insn_per_tb) {
        exec_add_option("-one-insn-per-tb", NULL, false);
    }
    if (rva) {
        exec_add_option("-R", rva, false);
    }
    if (ss) {
        exec_add_option("-s", ss, false);
    }
    if (gb) {
        exec_add_option("-B", gb, true);
    }
}

int linux_user_main(const UserArch *arch, int argc, char **argv)
{
    static char name_buf[64];
    snprintf(name_buf, sizeof(name_buf), "vemu-%s", arch->name);
    prog_name = name_buf;
    user_arch = arch;

    Options o = {0};
    env_init(&o);
    /* Environment equivalents of -E, -U, -0 and -one-insn-per-tb, as
     * qemu-user's QEMU_SET_ENV and friends: applied first, so options
     * given on the command line win. */
    const char *set = getenv("VEMU_SET_ENV");
    if (set && *set) {
        char *list = strdup(set), *save = NULL;
        for (char *a = strtok_r(list, ",", &save); a;
             a = strtok_r(NULL, ",", &save)) {
            if (!strchr(a, '=')) {
                fprintf(stderr, "%s: VEMU_SET_ENV: '%s' is not var=value\n",
                        prog_name, a);
                exit(2);
            }
            env_set(&o, a); /* list stays allocated: env points into it */
        }
    }
    const char *unset = getenv("VEMU_UNSET_ENV");
    if (unset && *unset) {
        char *list = strdup(unset), *save = NULL;
        for (char *a = strtok_r(list, ",", &save); a;
             a = strtok_r(NULL, ",", &save)) {
            env_unset(&o, a);
        }
        free(list);
    }
    o.argv0 = opt_or_env(NULL, "VEMU_ARGV0");
    o.one_insn_per_tb = opt_or_env(NULL, "VEMU_ONE_INSN_PER_TB") != NULL;
    /*
     * Started by binfmt_misc (docs/binfmt.md)? With the P flag the kernel
     * passes [vemu, path, original argv[0], args...] and sets
     * AT_FLAGS_PRESERVE_ARGV0 in our auxv; with O (or C) the program comes
     * open in AT_EXECFD. Either way every argument is the guest's: no
     * options are parsed (the VEMU_* variables still apply).
     */
    errno = 0;
    unsigned long execfd = getauxval(AT_EXECFD);
    bool has_execfd = errno == 0;
    bool preserve_argv0 = (getauxval(AT_FLAGS) & 1) != 0;
    int prog;
    const char *path;
    bool by_binfmt = (preserve_argv0 || has_execfd) && argc >= 2;
    if (by_binfmt) {
        path = argv[1];
        prog = preserve_argv0 && argc >= 3 ? 2 : 1;
    } else {
        has_execfd = false;
        prog = parse_options(arch, &o, argc, argv);
        path = argv[prog];
    }

    /* Logging and tracing, options over environment. */
    const char *log_items = o.log_items ? o.log_items : getenv("VEMU_LOG");
    const char *log_file =
        o.log_file ? o.log_file : getenv("VEMU_LOG_FILENAME");
    if (log_items && *log_items) {
        int r = tcg_log_parse(log_items);
        if (r < 0) {
            exit(2);
        }
        if (r > 0) {
            exit(0); /* -d help */
        }
    }
    if (log_file && *log_file && tcg_log_set_file(log_file) < 0) {
        exit(1);
    }
    syscall_strace_from_env();
    if (o.strace) {
        syscall_strace = true;
    }
    if (o.sysroot) {
        if (sysroot_set(o.sysroot) < 0) {
            fprintf(stderr, "%s: -L %s: %s\n", prog_name, o.sysroot,
                    strerror(errno));
            exit(1);
        }
    } else if (sysroot_set_from_env() < 0) {
        fprintf(stderr, "%s: VEMU_LD_PREFIX=%s: %s\n", prog_name,
                getenv("VEMU_LD_PREFIX"), strerror(errno));
        exit(1);
    }
    const TCGBackend *backend = pick_backend(&o);
    pick_cpu(arch, &o);

    /* Guest space first: the code generator depends on its size. */
    unsigned bits = arch->addr_bits;
    const char *rva = opt_or_env(o.reserved_va, "VEMU_RESERVED_VA");
    if (rva) {
        uint64_t size = parse_size("-R", rva);
        for (bits = 24; bits < 56 && (1ull << bits) < size; bits++) {
        }
    }
    uint64_t stack_size = arch->stack_size;
    const char *ss = opt_or_env(o.stack_size, "VEMU_STACK_SIZE");
    if (ss) {
        stack_size =
            (parse_size("-s", ss) + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;
        if (stack_size < (64u << 10)) {
            fprintf(stderr, "%s: -s %s: the stack must be at least 64k\n",
                    prog_name, ss);
            exit(2);
        }
    }
    uintptr_t host_base = 0;
    const char *gb = opt_or_env(o.guest_base, "VEMU_GUEST_BASE");
    if (gb) {
        host_base = (uintptr_t)parse_size("-B", gb);
        if (host_base & (GUEST_PAGE_SIZE - 1)) {
            fprintf(stderr, "%s: -B %s: not page aligned\n", prog_name, gb);
            exit(2);
        }
    }
    uint64_t limit = 1ull << bits;
    uint64_t stack_top = limit;
    if (stack_size > limit / 4) {
        fprintf(stderr,
                "%s: a %llu-byte stack does not fit a %u-bit guest "
                "space\n",
                prog_name, (unsigned long long)stack_size, bits);
        exit(2);
    }
    uint64_t stack_base = stack_top - stack_size;
    /* A gap below the stack, as Linux leaves for stack growth. */
    uint64_t gap = limit >= (1ull << 32) ? 128ull << 20 : limit / 16;
    uint64_t mmap_base = stack_base - gap;
    if (guest_mem_init_at(bits, mmap_base, host_base) < 0) {
        exit(1);
    }
    if (syscall_arch_init(arch->sys) < 0) {
        fprintf(stderr, "%s: internal error: syscall table\n", prog_name);
        exit(1);
    }
    syscall_set_thread_runner(thread_cpu_loop);
    record_exec_options(&o, log_items, log_file, rva, ss, gb);
    /* Before the fault handler replaces what a previous execve left. */
    exec_inherit_signals();
    tcg_exec_init(0, backend);
    tcg_install_fault_handler();
    arch->set_fetch_check(fetch_ok);

    GuestMemOps mem = {
        .map = mem_map,
        .map_file = mem_map_file,
        .protect = mem_protect,
        .unmap = mem_unmap,
        .g2h = mem_g2h,
        .page_size = GUEST_PAGE_SIZE,
        .exec_base = arch->exec_base < limit
                         ? arch->exec_base
                         : (limit / 3 * 2) & GUEST_PAGE_MASK,
        .mmap_base = mmap_base,
        .addr_limit = limit,
    };
    ElfOpener opener = {.open_path = open_in_sysroot};
    ImageInfo info;
    char err[512];
    int lr = has_execfd
                 ? elf_load_program_fd((int)execfd, path, arch->elf, &mem,
                                       &opener, &info, err, sizeof(err))
                 : elf_load_program(path, arch->elf, &mem, &opener, &info, err,
                                    sizeof(err));
    if (lr < 0) {
        fprintf(stderr, "%s: %s\n", prog_name, err);
        exit(1);
    }
    if (has_execfd) {
        close((int)execfd); /* the guest must not inherit it */
    }
    guest_brk_init(info.start_brk);
    syscall_note_images(path, &info);

    int64_t st = guest_mmap(
        stack_base, stack_size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_STACK, -1, 0);
    if (st < 0) {
        fprintf(stderr, "%s: %s: cannot map the stack: %s\n", prog_name, path,
                strerror((int)-st));
        exit(1);
    }
    AuxvArch aux = {0};
    arch->auxv(&aux);
    aux.uid = getuid();
    aux.euid = geteuid();
    aux.gid = getgid();
    aux.egid = getegid();
    aux.clktck = (uint64_t)sysconf(_SC_CLK_TCK);
    /* binfmt_misc's C flag runs us with the program's set-id credentials:
     * the guest must then see AT_SECURE, as the kernel would show it. */
    aux.secure = aux.uid != aux.euid || aux.gid != aux.egid;

    char **guest_argv = &argv[prog];
    int guest_argc = argc - prog;
    if (o.argv0) {
        guest_argv = calloc((size_t)guest_argc + 1, sizeof(char *));
        memcpy(guest_argv, &argv[prog], (size_t)guest_argc * sizeof(char *));
        guest_argv[0] = (char *)o.argv0;
    }
    uint64_t sp;
    if (elf_build_initial_stack(&mem, stack_top, stack_base, guest_argc,
                                guest_argv, o.env, path, &info, &aux, &sp, err,
                                sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", prog_name, err);
        exit(1);
    }
    syscall_set_initial_stack(sp, path);
    user_signal_init(arch);
    char real[PATH_MAX];
    /* /proc/self/exe is always absolute on Linux (glibc asserts it). */
    const char *exe = sysroot_realpath(path, real) ? real : path;
    /* The guest sees paths inside the sysroot without its prefix. */
    syscall_set_exe_path(sysroot_guest_view(exe), exe);

    open_tb_cache(arch, &o, exe, by_binfmt, aux.secure);

    CPUState *cpu = arch->cpu_new();
    cpu->singlestep = o.one_insn_per_tb;
    arch->cpu_start(cpu, info.start_pc, sp);
    signal_thread_start(cpu, signal_get_mask());
    cpu_loop(arch, cpu);
    return 0;
}

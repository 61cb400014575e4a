/*
 * A freestanding riscv64 Linux program (no libc: raw system calls) used to
 * test vemu-riscv64 end to end before the F/D extensions let glibc run.
 * The first argument picks what it does; each mode prints results that
 * test-user.sh compares with values computed on the host.
 *
 * Built with: riscv64-linux-gnu-gcc -I/usr/riscv64-linux-gnu/include
 *             -march=rv64imac_zicsr -mabi=lp64 -static -nostdlib
 *             -ffreestanding -O2 (the kernel's uapi headers give the signal
 *             frame layout, so the test does not trust vemu's own)
 */
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>

typedef unsigned long u64;
typedef long s64;

static s64 sys6(s64 nr, s64 a, s64 b, s64 c, s64 d, s64 e, s64 f)
{
    register s64 a0 __asm__("a0") = a;
    register s64 a1 __asm__("a1") = b;
    register s64 a2 __asm__("a2") = c;
    register s64 a3 __asm__("a3") = d;
    register s64 a4 __asm__("a4") = e;
    register s64 a5 __asm__("a5") = f;
    register s64 a7 __asm__("a7") = nr;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}
#define sys3(n, a, b, c) sys6(n, (s64)(a), (s64)(b), (s64)(c), 0, 0, 0)

enum { NR_rt_sigaction = 134, NR_rt_sigprocmask = 135, NR_openat = 56, NR_close = 57, NR_read = 63, NR_write = 64,
       NR_exit_group = 94, NR_uname = 160, NR_brk = 214, NR_munmap = 215,
       NR_mmap = 222 };

static u64 slen(const char *s)
{
    u64 n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void puts_(const char *s)
{
    sys3(NR_write, 1, s, slen(s));
}

static void putu(u64 v)
{
    char buf[24];
    int i = 23;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts_(&buf[i]);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static _Noreturn void exit_(int code)
{
    sys3(NR_exit_group, code, 0, 0);
    for (;;) {
    }
}

/* Sum of the first n primes by trial division: integer-heavy work with
 * loops, divisions and calls. */
static u64 prime_sum(u64 n)
{
    u64 sum = 0, found = 0;
    for (u64 c = 2; found < n; c++) {
        int prime = 1;
        for (u64 d = 2; d * d <= c; d++) {
            if (c % d == 0) {
                prime = 0;
                break;
            }
        }
        if (prime) {
            sum += c;
            found++;
        }
    }
    return sum;
}

static int signal_mode(const char *mode);

int main_(int argc, char **argv, char **envp, u64 *auxv)
{
    const char *mode = argc > 1 ? argv[1] : "hello";
    if (streq(mode, "hello")) {
        puts_("hello from riscv64\n");
        return 0;
    }
    if (streq(mode, "args")) {
        for (int i = 0; i < argc; i++) {
            puts_(argv[i]);
            puts_("\n");
        }
        for (char **e = envp; *e; e++) {
            if ((*e)[0] == 'V' && (*e)[1] == 'T') { /* VT_* test vars */
                puts_(*e);
                puts_("\n");
            }
        }
        return argc;
    }
    if (streq(mode, "auxv")) {
        for (u64 *a = auxv; a[0]; a += 2) {
            if (a[0] == 6 || a[0] == 16 || a[0] == 23) { /* PAGESZ HWCAP SECURE */
                putu(a[0]);
                puts_("=");
                putu(a[1]);
                puts_("\n");
            }
        }
        return 0;
    }
    if (streq(mode, "primes")) {
        putu(prime_sum(argc > 2 ? (u64)(argv[2][0] - '0') * 1000 : 1000));
        puts_("\n");
        return 0;
    }
    if (streq(mode, "cat")) { /* cat FILE */
        s64 fd = sys6(NR_openat, -100, (s64)argv[2], 0, 0, 0, 0);
        if (fd < 0) {
            puts_("open failed ");
            putu((u64)-fd);
            puts_("\n");
            return 3;
        }
        char buf[256];
        s64 n;
        while ((n = sys3(NR_read, fd, buf, sizeof(buf))) > 0) {
            sys3(NR_write, 1, buf, n);
        }
        sys3(NR_close, fd, 0, 0);
        return 0;
    }
    if (streq(mode, "memory")) {
        u64 b0 = (u64)sys3(NR_brk, 0, 0, 0);
        u64 b1 = (u64)sys3(NR_brk, b0 + 100000, 0, 0);
        char *p = (char *)b0;
        p[0] = 1;
        p[99999] = 2;
        char *m = (char *)sys6(NR_mmap, 0, 1 << 20, 3, 0x22, -1, 0);
        u64 sum = 0;
        for (int i = 0; i < (1 << 20); i += 4096) {
            sum += (u64)m[i]; /* fresh pages read as zero */
            m[i] = 1;
        }
        sys3(NR_munmap, m, 1 << 20, 0);
        putu(b1 - b0);
        puts_(" ");
        putu(sum);
        puts_(" ");
        putu((u64)(p[0] + p[99999]));
        puts_("\n");
        return 0;
    }
    if (streq(mode, "segv")) {
        volatile int *bad = (int *)0x10;
        return *bad;
    }
    if (streq(mode, "ill")) {
        __asm__ volatile(".word 0");
        return 0;
    }
    if (streq(mode, "fork")) { /* raw clone(SIGCHLD) and wait4 */
        /* Both processes translate new code (prime_sum) at the same time
         * after the fork: they must not share the code buffer. */
        s64 pid = sys6(220, 17, 0, 0, 0, 0, 0);
        if (pid == 0) {
            puts_("child ");
            putu(prime_sum(3000));
            puts_("\n");
            exit_(5);
        }
        u64 mine = prime_sum(2000);
        int status = 0;
        s64 w = sys6(260, pid, (s64)&status, 0, 0, 0, 0);
        puts_("parent ");
        putu(w == pid);
        puts_(" ");
        putu((u64)((status >> 8) & 0xff));
        puts_(" ");
        putu(mine);
        puts_("\n");
        return 0;
    }
    if (streq(mode, "jit")) {
        /* Code in an RWX page, run, patched, flushed through
         * riscv_flush_icache, run again: the new code must run. */
        unsigned *code = (unsigned *)sys6(NR_mmap, 0, 4096, 7, 0x22, -1, 0);
        code[0] = 0x02a00513; /* li a0, 42 */
        code[1] = 0x00008067; /* ret */
        sys3(259, code, code + 2, 0);
        u64 (*fn)(void) = (u64(*)(void))code;
        u64 first = fn();
        code[0] = 0x06300513; /* li a0, 99 */
        u64 stale = fn(); /* no flush yet: either value is allowed */
        (void)stale;
        sys3(259, code, code + 2, 0);
        u64 second = fn();
        putu(first);
        puts_(" ");
        putu(second);
        puts_(" ");
        putu((u64)-sys3(259, code, code + 2, 2)); /* bad flag: EINVAL */
        puts_("\n");
        return 0;
    }
    if (streq(mode, "smc")) {
        /* Code in an RWX page, run, then patched by a plain store with no
         * fence.i or flush at all: vemu must notice the write to code it
         * translated and run the new instruction. Also a store into the
         * code page's other half (data next to code) must just work. */
        unsigned *code = (unsigned *)sys6(NR_mmap, 0, 4096, 7, 0x22, -1, 0);
        code[0] = 0x02a00513; /* li a0, 42 */
        code[1] = 0x00008067; /* ret */
        sys3(259, code, code + 2, 0);
        u64 (*fn)(void) = (u64(*)(void))code;
        u64 first = fn();
        code[0] = 0x06300513; /* li a0, 99 */
        u64 second = fn();
        code[512] = 7;        /* data in the same page, after the retry */
        code[0] = 0x00700513; /* li a0, 7 */
        u64 third = fn();
        sys3(NR_write, 1, 0, 0);
        putu(first);
        puts_(" ");
        putu(second);
        puts_(" ");
        putu(third + code[512]);
        puts_("\n");
        return 0;
    }
    if (streq(mode, "nosys")) {
        putu((u64)-sys3(999, 0, 0, 0));
        puts_("\n");
        return 0;
    }
    if (streq(mode, "exit")) {
        exit_(argv[2][0] - '0' + 40);
    }
    int r = signal_mode(mode);
    if (r >= 0) {
        return r;
    }
    puts_("unknown mode\n");
    return 99;
}

/* Signals: the handler checks what Linux's frame gives it (layout from
 * the kernel's uapi headers, not from vemu), skips the faulting
 * instruction by editing the saved pc and plants a value in a saved
 * register to prove rt_sigreturn restores the context. */
static volatile u64 seen_sig, seen_addr, seen_code, seen_pc, seen_mask;
static volatile u64 seen_fcsr;

static void handler(int sig, siginfo_t *info, void *ctx)
{
    struct ucontext *uc = ctx;
    seen_sig = (u64)sig;
    seen_addr = (u64)info->si_addr;
    seen_code = (u64)info->si_code;
    seen_pc = uc->uc_mcontext.sc_regs.pc;
    u64 cur = 0;
    sys6(NR_rt_sigprocmask, 0, 0, (s64)&cur, 8, 0, 0); /* SIG_BLOCK, NULL */
    seen_mask = cur;
    uc->uc_mcontext.sc_regs.pc += 4;
    uc->uc_mcontext.sc_regs.a0 = 1234;
    /* fcsr as Linux saves it (the D layout of the FP union); the value
     * written here must be live after rt_sigreturn. */
    seen_fcsr = uc->uc_mcontext.sc_fpregs.d.fcsr;
    uc->uc_mcontext.sc_fpregs.d.fcsr = 0x22;
}

struct ksigaction { u64 handler, flags, mask; };

static void set_handler_fn(int sig, u64 flags, u64 fn)
{
    struct ksigaction act = {fn, flags | 4 /* SA_SIGINFO */, 0};
    sys6(NR_rt_sigaction, sig, (s64)&act, 0, 8, 0, 0);
}

static void set_handler(int sig, u64 flags)
{
    set_handler_fn(sig, flags, (u64)handler);
}

/* faultregs: the registers a fault's frame holds must be those of the
 * faulting instruction, also those written since the block's last
 * successful access (vemu may hold them only in host registers there). */
static volatile u64 fr_seen[32];

static void regs_handler(int sig, siginfo_t *info, void *ctx)
{
    struct ucontext *uc = ctx;
    const volatile u64 *r = (const volatile u64 *)&uc->uc_mcontext.sc_regs;
    (void)sig;
    (void)info;
    for (int i = 0; i < 32; i++) {
        fr_seen[i] = r[i]; /* pc, ra, sp, gp, tp, t0-t2, s0, s1, a0... */
    }
    uc->uc_mcontext.sc_regs.pc += 4;
}

extern char fr_insn[];

/* One straight-line block: writes, a store and a load that succeed, more
 * writes, the faulting load, then writes of the same registers, so that
 * their values at the fault need not have reached memory. out[] gets t0 t1 t2 a1 a2 a3 a4 as they are after the handler. */
__attribute__((noinline)) static void fault_regs_block(u64 b, u64 *buf, u64 bad,
                                                       u64 *out)
{
    __asm__ volatile(".option push\n.option norvc\n"
                     "addi t0, %[b], 1\n"
                     "addi t1, t0, 2\n"
                     "sd t1, 0(%[buf])\n"
                     "addi t2, t1, 3\n"
                     "addi t0, t2, 4\n"
                     "xor a1, t0, t2\n"
                     "ld a2, 0(%[buf])\n"
                     "add a3, a2, a1\n"
                     "slli a4, a3, 33\n"
                     ".globl fr_insn\nfr_insn: ld a5, 0(%[bad])\n"
                     "sd t0, 0(%[o])\nsd t1, 8(%[o])\nsd t2, 16(%[o])\n"
                     "sd a1, 24(%[o])\nsd a2, 32(%[o])\nsd a3, 40(%[o])\n"
                     "sd a4, 48(%[o])\n"
                     "li t0, 0\nli t1, 0\nli t2, 0\nli a1, 0\n"
                     "li a2, 0\nli a3, 0\nli a4, 0\n"
                     ".option pop"
                     :
                     : [b] "r"(b), [buf] "r"(buf), [bad] "r"(bad), [o] "r"(out)
                     : "t0", "t1", "t2", "a1", "a2", "a3", "a4", "a5",
                       "memory");
}

/* Prints "ok ok" when the frame and the registers after it are right,
 * else the first wrong register's index. */
static void fault_regs_case(u64 b, u64 bad)
{
    static u64 buf[1], out[7];
    u64 want[7];
    want[0] = b + 10;                /* t0 */
    want[1] = b + 3;                 /* t1 */
    want[2] = b + 6;                 /* t2 */
    want[3] = want[0] ^ want[2];     /* a1 */
    want[4] = want[1];               /* a2 */
    want[5] = want[4] + want[3];     /* a3 */
    want[6] = want[5] << 33;         /* a4 */
    static const int idx[7] = {5, 6, 7, 11, 12, 13, 14};
    fault_regs_block(b, buf, bad, out);
    int frame = -1, after = -1;
    for (int i = 6; i >= 0; i--) {
        if (fr_seen[idx[i]] != want[i]) {
            frame = idx[i];
        }
        if (out[i] != want[i]) {
            after = idx[i];
        }
    }
    if (fr_seen[0] != (u64)fr_insn) {
        frame = 0;
    }
    puts_(frame < 0 ? "ok" : "bad x");
    if (frame >= 0) {
        putu((u64)frame);
    }
    puts_(after < 0 ? " ok\n" : " bad\n");
}

extern char fault_insn[], ill_insn[];

__attribute__((noinline)) static u64 faulting_load(u64 addr)
{
    register u64 a0 __asm__("a0") = addr;
    __asm__ volatile(".option push\n.option norvc\n"
                     ".globl fault_insn\nfault_insn: ld a0, 0(a0)\n"
                     ".option pop"
                     : "+r"(a0)::"memory");
    return a0;
}

__attribute__((noinline)) static u64 illegal_insn(void)
{
    register u64 a0 __asm__("a0") = 0;
    __asm__ volatile(".globl ill_insn\nill_insn: .word 0xffffffff"
                     : "+r"(a0)::"memory");
    return a0;
}

static void report(u64 ret)
{
    putu(ret);
    puts_(" ");
    putu(seen_sig);
    puts_(" ");
    putu(seen_code);
    puts_(" ");
    putu(seen_addr);
    puts_(" ");
    putu(seen_pc);
    puts_(" ");
    putu((seen_mask >> (seen_sig - 1)) & 1);
    u64 cur = 0;
    sys6(NR_rt_sigprocmask, 0, 0, (s64)&cur, 8, 0, 0);
    puts_(" ");
    putu((cur >> (seen_sig - 1)) & 1);
    puts_("\n");
}

static int signal_mode(const char *mode)
{
    if (streq(mode, "sigsegv")) {
        set_handler(SIGSEGV, 0);
        __asm__ volatile("csrw 0x3, %0" ::"r"(0x41ul)); /* fcsr */
        u64 r = faulting_load(0x10);
        u64 fcsr_after;
        __asm__ volatile("csrr %0, 0x3" : "=r"(fcsr_after));
        report(r);
        puts_("fcsr ");
        putu(seen_fcsr);
        puts_(" ");
        putu(fcsr_after);
        puts_("\n");
        puts_("fault_insn ");
        putu((u64)fault_insn);
        puts_("\n");
        return 0;
    }
    if (streq(mode, "faultregs")) {
        set_handler_fn(SIGSEGV, 0, (u64)regs_handler);
        /* An unmapped page (the host's fault) and an address beyond the
         * guest's address space (vemu's own check). */
        fault_regs_case(0x123456789ul, 0x40);
        fault_regs_case(0xfedcba987ul, 1ul << 50);
        return 0;
    }
    if (streq(mode, "sigill")) {
        set_handler(SIGILL, 0);
        report(illegal_insn());
        puts_("ill_insn ");
        putu((u64)ill_insn);
        puts_("\n");
        return 0;
    }
    if (streq(mode, "resethand")) {
        set_handler(SIGSEGV, 0x80000000ul /* SA_RESETHAND */);
        report(faulting_load(0x20));
        faulting_load(0x30); /* default action now: dies by SIGSEGV */
        return 0;
    }
    return -1;
}

/* The kernel's initial stack: argc, argv..., 0, envp..., 0, auxv. */
__asm__(".globl _start\n"
        "_start:\n"
        "  .option push\n"
        "  .option norelax\n"
        "  la gp, __global_pointer$\n"
        "  .option pop\n"
        "  ld a0, 0(sp)\n"
        "  addi a1, sp, 8\n"
        "  slli t0, a0, 3\n"
        "  add a2, a1, t0\n"
        "  addi a2, a2, 8\n"
        "  mv a3, a2\n"
        "1: ld t1, 0(a3)\n"
        "  addi a3, a3, 8\n"
        "  bnez t1, 1b\n"
        "  andi sp, sp, -16\n"
        "  call main_\n"
        "  li a7, 94\n"
        "  ecall\n");

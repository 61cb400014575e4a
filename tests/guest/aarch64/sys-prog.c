/*
 * Self-checking aarch64 program for what a Linux process sees of the
 * machine beyond plain instructions: the signal frame (layout through the
 * kernel's own uapi structs, and the round trip through rt_sigreturn),
 * synchronous fault signals, sigaltstack, AT_HWCAP/AT_HWCAP2 against
 * /proc/cpuinfo, the ID registers and the instructions themselves, and
 * the EL0 system registers (TPIDR_EL0, the generic timer, DCZID_EL0,
 * CTR_EL0). Prints "ok NAME" or "FAIL NAME: details" per check and exits
 * 1 if anything failed; test-sys.py runs it under every -cpu model.
 *
 * Built with -march=armv8.2-a+crypto+crc, but every feature-dependent
 * instruction is an .inst word so the compiler's -march does not decide
 * what gets tested: HWCAP does.
 */
#define _GNU_SOURCE
#include <asm/hwcap.h>
#include <asm/sigcontext.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef __aarch64__
#error "sys-prog.c is an aarch64 guest program"
#endif

#ifndef ESR_MAGIC
#define ESR_MAGIC 0x45535201
#endif
#ifndef SVE_MAGIC
#define SVE_MAGIC 0x53564501
#endif

/*
 * glibc's ucontext_t must lay out as the kernel's struct ucontext
 * (asm/ucontext.h, which cannot be included next to glibc's 1024-bit
 * sigset_t): uc_mcontext after a 128-byte sigset, and glibc's
 * mcontext_t the same bytes as the kernel's struct sigcontext, which
 * the checks below read the frame through.
 */
_Static_assert(offsetof(ucontext_t, uc_stack) == 16, "uc_stack");
_Static_assert(offsetof(ucontext_t, uc_sigmask) == 40, "uc_sigmask");
_Static_assert(offsetof(ucontext_t, uc_mcontext) == 176, "uc_mcontext");
_Static_assert(sizeof(mcontext_t) == sizeof(struct sigcontext), "mcontext");
_Static_assert(offsetof(struct sigcontext, regs) == 8, "regs");
_Static_assert(offsetof(struct sigcontext, sp) == 256, "sp");
_Static_assert(offsetof(struct sigcontext, pc) == 264, "pc");
_Static_assert(offsetof(struct sigcontext, pstate) == 272, "pstate");
_Static_assert(offsetof(struct sigcontext, __reserved) == 288, "reserved");
_Static_assert(sizeof(struct fpsimd_context) == 528, "fpsimd_context");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo");

static int failures;
static int checks;

static void report(const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One result line; details only on failure, so the ok lines are stable
 * across models and runs. */
static void report(const char *name, int ok, const char *fmt, ...)
{
    checks++;
    if (ok) {
        printf("ok %s\n", name);
    } else {
        va_list ap;

        failures++;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

/* Failures found inside a signal handler are collected here (printf in
 * a handler would be unsafe and would interleave) and reported after. */
static char handler_err[2048];
static size_t handler_err_len;

static void herr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void herr(const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof(handler_err) - handler_err_len;

    if (room <= 2) {
        return;
    }
    if (handler_err_len) {
        handler_err[handler_err_len++] = ';';
        handler_err[handler_err_len++] = ' ';
        room -= 2;
    }
    va_start(ap, fmt);
    int n = vsnprintf(handler_err + handler_err_len, room, fmt, ap);
    va_end(ap);
    if (n > 0) {
        handler_err_len += (size_t)n < room ? (size_t)n : room - 1;
    }
}

static void herr_reset(void)
{
    handler_err[0] = 0;
    handler_err_len = 0;
}

static struct sigcontext *sc_of(void *ucv)
{
    return (struct sigcontext *)&((ucontext_t *)ucv)->uc_mcontext;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) {
        perror("sigaction");
        exit(2);
    }
}

static void uninstall(int sig)
{
    signal(sig, SIG_DFL);
}

/*
 * Walk the records of __reserved after the fpsimd_context the caller has
 * checked: each must have a sane size inside the area and the chain must
 * end in a zero-size terminator. The kernel may add an esr_context for
 * faults and SVE/extra records when those exist; any of them is fine.
 */
static void check_record_chain(struct sigcontext *sc)
{
    size_t off = sizeof(struct fpsimd_context);

    for (int n = 0; n < 8; n++) {
        struct _aarch64_ctx *h;

        if (off + sizeof(*h) > sizeof(sc->__reserved)) {
            herr("record chain runs off __reserved at %zu", off);
            return;
        }
        h = (struct _aarch64_ctx *)(sc->__reserved + off);
        if (h->magic == 0) {
            if (h->size != 0) {
                herr("terminator at %zu has size %u", off, h->size);
            }
            return;
        }
        if (h->size < sizeof(*h) || h->size % 16 ||
            off + h->size > sizeof(sc->__reserved)) {
            herr("record %#x at %zu has bad size %u", h->magic, off, h->size);
            return;
        }
        off += h->size;
    }
    herr("no terminator after 8 records");
}

/* ---- 1. signal frame round trip ---- */

/* What RT_RUN loads before its trigger and what it finds after (offsets
 * are used by the assembly below). */
struct rt_state {
    uint64_t x[31];   /* 0 */
    uint64_t sp;      /* 248: sp at the svc */
    uint64_t pc;      /* 256: address of the trigger instruction */
    uint64_t nzcv;    /* 264 */
    uint64_t fpsr;    /* 272 */
    uint64_t fpcr;    /* 280 */
    __uint128_t v[32]; /* 288 */
};
_Static_assert(offsetof(struct rt_state, v) == 288, "rt_state.v");

/* Both also write in->sp and in->pc. */
void rt_run_udf(struct rt_state *in, struct rt_state *out);
void rt_run_svc(struct rt_state *in, struct rt_state *out);
void rt_handler_entry(int, siginfo_t *, void *);

/* x29, x30 and sp as the handler received them, before any prologue. */
uint64_t rt_entry_regs[3];

/*
 * RT_RUN(name, trigger): a function that loads every general register,
 * every vector register, FPCR, FPSR and NZCV from *in, runs the trigger
 * instruction (at name_trig, recorded in in->pc) and stores what the
 * registers hold after the signal handler and sigreturn into *out.
 * Callee-saved registers are preserved for C. Two triggers: an
 * UNDEFINED word (a synchronous SIGILL, the handler skips it) and
 * `svc #0` as tgkill (x0-x2 and x8 are its arguments: the signal is
 * delivered on the way back from the system call).
 */
#define RT_RUN(name, trigger) \
"    .text\n" \
        ".p2align 4\n" \
        ".global " #name "\n" \
        ".type " #name ", %function\n" \
        #name ":\n" \
        "    stp x29, x30, [sp, #-176]!\n" \
        "    mov x29, sp\n" \
        "    stp x19, x20, [sp, #16]\n" \
        "    stp x21, x22, [sp, #32]\n" \
        "    stp x23, x24, [sp, #48]\n" \
        "    stp x25, x26, [sp, #64]\n" \
        "    stp x27, x28, [sp, #80]\n" \
        "    stp d8, d9, [sp, #96]\n" \
        "    stp d10, d11, [sp, #112]\n" \
        "    stp d12, d13, [sp, #128]\n" \
        "    stp d14, d15, [sp, #144]\n" \
        "    str x1, [sp, #160]\n" \
        "    mov x9, sp\n" \
        "    str x9, [x0, #248]\n" \
        "    adr x9, " #name "_trig\n" \
        "    str x9, [x0, #256]\n" \
        "    add x9, x0, #288\n" \
        "    ldp q0, q1, [x9, #0]\n" \
        "    ldp q2, q3, [x9, #32]\n" \
        "    ldp q4, q5, [x9, #64]\n" \
        "    ldp q6, q7, [x9, #96]\n" \
        "    ldp q8, q9, [x9, #128]\n" \
        "    ldp q10, q11, [x9, #160]\n" \
        "    ldp q12, q13, [x9, #192]\n" \
        "    ldp q14, q15, [x9, #224]\n" \
        "    ldp q16, q17, [x9, #256]\n" \
        "    ldp q18, q19, [x9, #288]\n" \
        "    ldp q20, q21, [x9, #320]\n" \
        "    ldp q22, q23, [x9, #352]\n" \
        "    ldp q24, q25, [x9, #384]\n" \
        "    ldp q26, q27, [x9, #416]\n" \
        "    ldp q28, q29, [x9, #448]\n" \
        "    ldp q30, q31, [x9, #480]\n" \
        "    ldr x9, [x0, #280]\n" \
        "    msr fpcr, x9\n" \
        "    ldr x9, [x0, #272]\n" \
        "    msr fpsr, x9\n" \
        "    ldr x9, [x0, #264]\n" \
        "    msr nzcv, x9\n" \
        "    mov x30, x0\n" \
        "    ldp x0, x1, [x30, #0]\n" \
        "    ldp x2, x3, [x30, #16]\n" \
        "    ldp x4, x5, [x30, #32]\n" \
        "    ldp x6, x7, [x30, #48]\n" \
        "    ldp x8, x9, [x30, #64]\n" \
        "    ldp x10, x11, [x30, #80]\n" \
        "    ldp x12, x13, [x30, #96]\n" \
        "    ldp x14, x15, [x30, #112]\n" \
        "    ldp x16, x17, [x30, #128]\n" \
        "    ldp x18, x19, [x30, #144]\n" \
        "    ldp x20, x21, [x30, #160]\n" \
        "    ldp x22, x23, [x30, #176]\n" \
        "    ldp x24, x25, [x30, #192]\n" \
        "    ldp x26, x27, [x30, #208]\n" \
        "    ldp x28, x29, [x30, #224]\n" \
        "    ldr x30, [x30, #240]\n" \
        #name "_trig:\n" \
        "    " trigger "\n" \
        "    stp x0, x1, [sp, #-16]!\n" \
        "    ldr x0, [sp, #176]\n" \
        "    stp x2, x3, [x0, #16]\n" \
        "    stp x4, x5, [x0, #32]\n" \
        "    stp x6, x7, [x0, #48]\n" \
        "    stp x8, x9, [x0, #64]\n" \
        "    stp x10, x11, [x0, #80]\n" \
        "    stp x12, x13, [x0, #96]\n" \
        "    stp x14, x15, [x0, #112]\n" \
        "    stp x16, x17, [x0, #128]\n" \
        "    stp x18, x19, [x0, #144]\n" \
        "    stp x20, x21, [x0, #160]\n" \
        "    stp x22, x23, [x0, #176]\n" \
        "    stp x24, x25, [x0, #192]\n" \
        "    stp x26, x27, [x0, #208]\n" \
        "    stp x28, x29, [x0, #224]\n" \
        "    str x30, [x0, #240]\n" \
        "    mrs x1, nzcv\n" \
        "    str x1, [x0, #264]\n" \
        "    mrs x1, fpsr\n" \
        "    str x1, [x0, #272]\n" \
        "    mrs x1, fpcr\n" \
        "    str x1, [x0, #280]\n" \
        "    add x1, x0, #288\n" \
        "    stp q0, q1, [x1, #0]\n" \
        "    stp q2, q3, [x1, #32]\n" \
        "    stp q4, q5, [x1, #64]\n" \
        "    stp q6, q7, [x1, #96]\n" \
        "    stp q8, q9, [x1, #128]\n" \
        "    stp q10, q11, [x1, #160]\n" \
        "    stp q12, q13, [x1, #192]\n" \
        "    stp q14, q15, [x1, #224]\n" \
        "    stp q16, q17, [x1, #256]\n" \
        "    stp q18, q19, [x1, #288]\n" \
        "    stp q20, q21, [x1, #320]\n" \
        "    stp q22, q23, [x1, #352]\n" \
        "    stp q24, q25, [x1, #384]\n" \
        "    stp q26, q27, [x1, #416]\n" \
        "    stp q28, q29, [x1, #448]\n" \
        "    stp q30, q31, [x1, #480]\n" \
        "    ldp x2, x3, [sp], #16\n" \
        "    stp x2, x3, [x0, #0]\n" \
        "    mov x1, sp\n" \
        "    str x1, [x0, #248]\n" \
        "    msr fpcr, xzr\n" \
        "    msr fpsr, xzr\n" \
        "    ldp x19, x20, [sp, #16]\n" \
        "    ldp x21, x22, [sp, #32]\n" \
        "    ldp x23, x24, [sp, #48]\n" \
        "    ldp x25, x26, [sp, #64]\n" \
        "    ldp x27, x28, [sp, #80]\n" \
        "    ldp d8, d9, [sp, #96]\n" \
        "    ldp d10, d11, [sp, #112]\n" \
        "    ldp d12, d13, [sp, #128]\n" \
        "    ldp d14, d15, [sp, #144]\n" \
        "    ldp x29, x30, [sp], #176\n" \
        "    ret\n" \
        ".size " #name ", .-" #name "\n"

__asm__(RT_RUN(rt_run_udf, ".inst 0x00000000")
        RT_RUN(rt_run_svc, "svc #0")
        /* The handler's first instructions: record x29, x30 and sp as
         * the frame set-up left them (x9 and x10 are already saved in
         * the frame and free to use), then the C handler. */
        ".p2align 2\n"
        ".global rt_handler_entry\n"
        ".type rt_handler_entry, %function\n"
        "rt_handler_entry:\n"
        "    adrp x9, rt_entry_regs\n"
        "    add x9, x9, :lo12:rt_entry_regs\n"
        "    stp x29, x30, [x9]\n"
        "    mov x10, sp\n"
        "    str x10, [x9, #16]\n"
        "    b rt_handler\n"
        ".size rt_handler_entry, .-rt_handler_entry\n");

static struct rt_state rt_in, rt_out, rt_want;
static int rt_calls;
/* Set when the frame carries live SVE registers: the kernel then
 * restores V0-V31 from the SVE record, not from fpsimd_context, so the
 * handler's vreg edits are not expected to come back (never on vemu,
 * which has no SVE; qemu's max has it). */
static int rt_sve_live;
static int rt_sync; /* 1: the UDF trigger and SIGILL, 0: tgkill SIGUSR1 */

/* Values the handler writes into the frame, for sigreturn to restore. */
#define RT_NEW_X19 0x0bad1dea5eed1900ull
#define RT_NEW_X27 0xfeedface27272727ull
#define RT_NEW_NZCV 0x50000000ull /* Z and V */
#define RT_NEW_FPSR 0x00000082ull /* IDC and DZC */
#define RT_NEW_FPCR 0x00400000ull /* RMode = RP */

static __uint128_t v128(uint64_t lo, uint64_t hi)
{
    return (__uint128_t)hi << 64 | lo;
}

static uint64_t lo64(__uint128_t v)
{
    return (uint64_t)v;
}

static uint64_t hi64(__uint128_t v)
{
    return (uint64_t)(v >> 64);
}

void rt_handler(int sig, siginfo_t *si, void *ucv);

void rt_handler(int sig, siginfo_t *si, void *ucv)
{
    struct sigcontext *sc = sc_of(ucv);
    struct fpsimd_context *fp = (struct fpsimd_context *)sc->__reserved;
    ucontext_t *uc = ucv;
    uint64_t x29 = rt_entry_regs[0], x30 = rt_entry_regs[1];
    uint64_t sp = rt_entry_regs[2];
    sigset_t cur;

    /* The interrupted pc: the UNDEFINED word itself, or past the svc. */
    uint64_t want_pc = rt_in.pc + (rt_sync ? 0 : 4);
    int want_sig = rt_sync ? SIGILL : SIGUSR1;

    rt_calls++;
    if (sig != want_sig || si->si_signo != want_sig) {
        herr("sig %d si_signo %d", sig, si->si_signo);
    }
    if (rt_sync && (uint64_t)si->si_addr != want_pc) {
        herr("si_addr %p want %#" PRIx64, si->si_addr, want_pc);
    }
    if (!rt_sync && (si->si_code != SI_TKILL || si->si_pid != getpid())) {
        herr("si_code %d si_pid %d", si->si_code, (int)si->si_pid);
    }
    /* rt_sigframe: siginfo at sp, the ucontext right after it. */
    if (sp != (uint64_t)si || (uint64_t)uc != (uint64_t)si + 128 ||
        sp % 16) {
        herr("sp %#" PRIx64 " info %p uc %p", sp, (void *)si, ucv);
    }
    for (int i = 0; i < 31; i++) {
        /* x0 is tgkill's result after the svc. */
        uint64_t want = i == 0 && !rt_sync ? 0 : rt_in.x[i];
        if (sc->regs[i] != want) {
            herr("regs[%d] %#llx want %#" PRIx64, i,
                 (unsigned long long)sc->regs[i], want);
        }
    }
    if (sc->sp != rt_in.sp || sc->pc != want_pc) {
        herr("sp %#llx pc %#llx want %#" PRIx64 " %#" PRIx64,
             (unsigned long long)sc->sp, (unsigned long long)sc->pc,
             rt_in.sp, want_pc);
    }
    /* NZCV, and EL0t with nothing else that A64 user code could set
     * besides the flags (DIT, SSBS and BTYPE may legitimately appear
     * elsewhere, so only M[3:0] and NZCV are looked at). */
    if ((sc->pstate & 0xf000000fu) != rt_in.nzcv) {
        herr("pstate %#llx want NZCV %#" PRIx64, (unsigned long long)sc->pstate,
             rt_in.nzcv);
    }
    if (fp->head.magic != FPSIMD_MAGIC ||
        fp->head.size != sizeof(struct fpsimd_context)) {
        herr("first record magic %#x size %u", fp->head.magic, fp->head.size);
    } else {
        if (fp->fpsr != rt_in.fpsr || fp->fpcr != rt_in.fpcr) {
            herr("fpsr %#x fpcr %#x want %#" PRIx64 " %#" PRIx64, fp->fpsr,
                 fp->fpcr, rt_in.fpsr, rt_in.fpcr);
        }
        for (int i = 0; i < 32; i++) {
            if (fp->vregs[i] != rt_in.v[i]) {
                herr("vregs[%d] %016" PRIx64 "%016" PRIx64 " want %016" PRIx64
                     "%016" PRIx64,
                     i, hi64(fp->vregs[i]), lo64(fp->vregs[i]),
                     hi64(rt_in.v[i]), lo64(rt_in.v[i]));
            }
        }
        check_record_chain(sc);
        {
            struct _aarch64_ctx *next =
                (struct _aarch64_ctx *)(sc->__reserved + fp->head.size);
            rt_sve_live = next->magic == SVE_MAGIC &&
                          next->size > sizeof(struct sve_context);
        }
        /* Modify the frame: sigreturn must load these. */
        fp->fpsr = RT_NEW_FPSR;
        fp->fpcr = RT_NEW_FPCR;
        fp->vregs[9] = v128(0x0909090909090909ull, 0x9090909090909090ull);
        fp->vregs[30] = v128(0x3030303030303030ull, 0x0303030303030303ull);
    }
    /* x29 points at a frame record {interrupted x29, x30} above the
     * ucontext; x30 at the sigreturn trampoline. */
    if (x29 % 16 || x29 < (uint64_t)uc + sizeof(ucontext_t)) {
        herr("x29 %#" PRIx64 " not a frame record above uc %p", x29, ucv);
    } else if (((uint64_t *)x29)[0] != rt_in.x[29] ||
               ((uint64_t *)x29)[1] != rt_in.x[30]) {
        herr("frame record {%#" PRIx64 ", %#" PRIx64 "} want {%#" PRIx64
             ", %#" PRIx64 "}",
             ((uint64_t *)x29)[0], ((uint64_t *)x29)[1], rt_in.x[29],
             rt_in.x[30]);
    }
    if (((uint32_t *)x30)[0] != 0xd2801168u || /* mov x8, #139 */
        ((uint32_t *)x30)[1] != 0xd4000001u) { /* svc #0 */
        herr("x30 %#" PRIx64 " holds %08x %08x, not rt_sigreturn", x30,
             ((uint32_t *)x30)[0], ((uint32_t *)x30)[1]);
    }
    /* The delivered signal is blocked in the handler and was not in the
     * saved mask. */
    sigprocmask(SIG_BLOCK, NULL, &cur);
    if (!sigismember(&cur, sig) || sigismember(&uc->uc_sigmask, sig)) {
        herr("signal blocked in handler %d, in uc_sigmask %d",
             sigismember(&cur, sig), sigismember(&uc->uc_sigmask, sig));
    }
    if (rt_sync) {
        sc->pc += 4;
    }
    sc->regs[19] = RT_NEW_X19;
    sc->regs[27] = RT_NEW_X27;
    sc->pstate = (sc->pstate & ~0xf0000000ull) | RT_NEW_NZCV;
}

static void test_sigframe(int sync)
{
    const char *how = sync ? "sigill" : "tgkill";
    int sig = sync ? SIGILL : SIGUSR1;
    char name[64];
    char buf[2300];

    for (int i = 0; i < 31; i++) {
        rt_in.x[i] = 0x0101010101010101ull * (uint64_t)(i + 1) ^
                     (0xa5ull << 56) ^ (uint64_t)i << 4;
    }
    if (!sync) {
        rt_in.x[0] = (uint64_t)getpid();
        rt_in.x[1] = (uint64_t)syscall(SYS_gettid);
        rt_in.x[2] = SIGUSR1;
        rt_in.x[8] = SYS_tgkill;
    }
    for (int i = 0; i < 32; i++) {
        rt_in.v[i] = v128(0x1111111111111111ull * (uint64_t)(i % 15 + 1) ^
                              (uint64_t)i,
                          0xfedcba9876543210ull ^ ((uint64_t)i << 40));
    }
    rt_in.nzcv = 0xa0000000; /* N and C */
    rt_in.fpsr = 0x08000011; /* QC, IXC, IOC */
    rt_in.fpcr = 0x03c00000; /* RMode RZ, FZ, DN */
    rt_want = rt_in;
    rt_want.x[0] = sync ? rt_in.x[0] : 0;
    rt_want.x[19] = RT_NEW_X19;
    rt_want.x[27] = RT_NEW_X27;
    rt_want.nzcv = RT_NEW_NZCV;
    rt_want.fpsr = RT_NEW_FPSR;
    rt_want.fpcr = RT_NEW_FPCR;
    rt_want.v[9] = v128(0x0909090909090909ull, 0x9090909090909090ull);
    rt_want.v[30] = v128(0x3030303030303030ull, 0x0303030303030303ull);

    herr_reset();
    rt_calls = 0;
    rt_sve_live = 0;
    rt_sync = sync;
    install(sig, rt_handler_entry, 0);
    if (sync) {
        rt_run_udf(&rt_in, &rt_out);
    } else {
        /* A death by SIGUSR1 right after this means the handler of a
         * signal sent with tgkill never ran. */
        printf("# tgkill(getpid(), gettid(), SIGUSR1) with a handler\n");
        rt_run_svc(&rt_in, &rt_out);
    }
    uninstall(sig);
    if (rt_sve_live) {
        printf("# live SVE state: vreg edits in the frame are not used\n");
        rt_want.v[9] = rt_in.v[9];
        rt_want.v[30] = rt_in.v[30];
    }
    snprintf(name, sizeof(name), "sigframe-layout-%s", how);
    report(name, rt_calls == 1 && handler_err_len == 0,
           "handler ran %d times; %s", rt_calls, handler_err);

    /* After sigreturn: the modified values, everything else as before. */
    buf[0] = 0;
    for (int i = 0; i < 31; i++) {
        if (rt_out.x[i] != rt_want.x[i] && strlen(buf) < 2000) {
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
                     " x%d=%#" PRIx64 " want %#" PRIx64, i, rt_out.x[i],
                     rt_want.x[i]);
        }
    }
    for (int i = 0; i < 32; i++) {
        if (rt_out.v[i] != rt_want.v[i] && strlen(buf) < 2000) {
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
                     " v%d=%016" PRIx64 "%016" PRIx64, i, hi64(rt_out.v[i]),
                     lo64(rt_out.v[i]));
        }
    }
    if (rt_out.sp != rt_in.sp) {
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
                 " sp=%#" PRIx64, rt_out.sp);
    }
    if (rt_out.nzcv != rt_want.nzcv || rt_out.fpsr != rt_want.fpsr ||
        rt_out.fpcr != rt_want.fpcr) {
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
                 " nzcv=%#" PRIx64 " fpsr=%#" PRIx64 " fpcr=%#" PRIx64
                 " want %#" PRIx64 " %#" PRIx64 " %#" PRIx64,
                 rt_out.nzcv, rt_out.fpsr, rt_out.fpcr, rt_want.nzcv,
                 rt_want.fpsr, rt_want.fpcr);
    }
    snprintf(name, sizeof(name), "sigreturn-restores-%s", how);
    report(name, buf[0] == 0, "%s", buf);
}

/* ---- 1b. fault signals ---- */

uint64_t sys_fault_load(uint64_t addr);
uint64_t sys_fault_store(uint64_t addr, uint64_t v);
uint64_t sys_undef(void);
uint64_t sys_brk(void);
extern const uint32_t sys_fault_load_insn[], sys_fault_store_insn[];
extern const uint32_t sys_undef_insn[], sys_brk_insn[];

/* Each returns x0; the faulting instruction is at the _insn label, and
 * the handlers set x0 and skip it, so the return value shows that the
 * modified frame was resumed one instruction later. */
__asm__(".text\n"
        ".p2align 2\n"
        ".global sys_fault_load, sys_fault_load_insn\n"
        "sys_fault_load:\n"
        "sys_fault_load_insn:\n"
        "    ldr x0, [x0]\n"
        "    ret\n"
        ".global sys_fault_store, sys_fault_store_insn\n"
        "sys_fault_store:\n"
        "    mov x2, x0\n"
        "    mov x0, #7\n"
        "sys_fault_store_insn:\n"
        "    str x1, [x2]\n"
        "    ret\n"
        ".global sys_undef, sys_undef_insn\n"
        "sys_undef:\n"
        "    mov x0, #1\n"
        "sys_undef_insn:\n"
        "    .inst 0x00000000\n"
        "    ret\n"
        ".global sys_brk, sys_brk_insn\n"
        "sys_brk:\n"
        "    mov x0, #1\n"
        "sys_brk_insn:\n"
        "    brk #0\n"
        "    ret\n");

static volatile int fault_calls;
static uint64_t fault_want_addr, fault_want_pc;
static int fault_want_code;
static int fault_is_write;

#define FAULT_X0 0x5e5e5e5e12345678ull

static void fault_handler(int sig, siginfo_t *si, void *ucv)
{
    struct sigcontext *sc = sc_of(ucv);
    struct fpsimd_context *fp = (struct fpsimd_context *)sc->__reserved;

    fault_calls++;
    if (si->si_signo != sig || si->si_code != fault_want_code) {
        herr("si_signo %d si_code %d want %d", si->si_signo, si->si_code,
             fault_want_code);
    }
    if ((uint64_t)si->si_addr != fault_want_addr) {
        herr("si_addr %p want %#" PRIx64, si->si_addr, fault_want_addr);
    }
    if (sc->pc != fault_want_pc) {
        herr("pc %#llx want %#" PRIx64, (unsigned long long)sc->pc,
             fault_want_pc);
    }
    if (sig == SIGSEGV && sc->fault_address != fault_want_addr) {
        herr("fault_address %#llx want %#" PRIx64,
             (unsigned long long)sc->fault_address, fault_want_addr);
    }
    if (fp->head.magic != FPSIMD_MAGIC ||
        fp->head.size != sizeof(struct fpsimd_context)) {
        herr("first record magic %#x size %u", fp->head.magic, fp->head.size);
    } else {
        struct _aarch64_ctx *next =
            (struct _aarch64_ctx *)(sc->__reserved + fp->head.size);

        check_record_chain(sc);
        /* If the kernel's esr_context is there, it must describe this
         * data abort from EL0 (EC 0x24) with the right direction. */
        if (sig == SIGSEGV && next->magic == ESR_MAGIC) {
            uint64_t esr = ((struct esr_context *)next)->esr;
            if ((esr >> 26) != 0x24 || !!(esr & (1u << 6)) != fault_is_write) {
                herr("esr %#" PRIx64 " for a %s", esr,
                     fault_is_write ? "write" : "read");
            }
        }
    }
    sc->regs[0] = FAULT_X0;
    sc->pc += 4;
}

static void fault_case(const char *name, int sig, int code, uint64_t addr,
                       const uint32_t *insn, int write,
                       uint64_t (*run)(uint64_t))
{
    uint64_t r;

    herr_reset();
    fault_calls = 0;
    fault_want_addr = addr;
    fault_want_pc = (uint64_t)insn;
    fault_want_code = code;
    fault_is_write = write;
    install(sig, fault_handler, 0);
    r = run(addr);
    uninstall(sig);
    report(name, fault_calls == 1 && handler_err_len == 0 && r == FAULT_X0,
           "handler ran %d times, returned %#" PRIx64 "; %s", fault_calls, r,
           handler_err);
}

static uint64_t run_load(uint64_t a)
{
    return sys_fault_load(a);
}

static uint64_t run_store(uint64_t a)
{
    return sys_fault_store(a, 0x1234);
}

static uint64_t run_undef(uint64_t a)
{
    (void)a;
    return sys_undef();
}

static uint64_t run_brk(uint64_t a)
{
    (void)a;
    return sys_brk();
}

/*
 * The registers and flags in a fault's frame must be those of the
 * faulting instruction, also those written since the block's last
 * successful access (vemu may hold them only in host registers there).
 * sys_fault_regs(base, buf, bad): one straight-line block, which writes
 * the registers and flags again after the faulting load.
 */
uint64_t sys_fault_regs(uint64_t b, uint64_t *buf, uint64_t bad);
extern const uint32_t sys_fault_regs_insn[];
__asm__(".text\n"
        ".p2align 2\n"
        ".global sys_fault_regs, sys_fault_regs_insn\n"
        "sys_fault_regs:\n"
        "    add x3, x0, #1\n"
        "    add x4, x3, #2\n"
        "    str x4, [x1]\n"
        "    add x5, x4, #3\n"
        "    add x3, x5, #4\n"
        "    eor x6, x3, x5\n"
        "    ldr x7, [x1]\n"
        "    add x8, x7, x6\n"
        "    lsl x9, x8, #33\n"
        "    adds x10, x8, x9\n"
        "sys_fault_regs_insn:\n"
        "    ldr x11, [x2]\n"
        "    mov x0, x3\n"
        /* Written again: before the fault, the values above need not have
         * reached memory. */
        "    mov x3, #0\n    mov x4, #0\n    mov x5, #0\n    mov x6, #0\n"
        "    mov x7, #0\n    mov x8, #0\n    mov x9, #0\n    mov x10, #0\n"
        "    cmn x0, #0\n"
        "    ret\n");

static volatile uint64_t regs_seen[11], regs_seen_pc, regs_seen_nzcv;

static void regs_handler(int sig, siginfo_t *si, void *ucv)
{
    struct sigcontext *sc = sc_of(ucv);
    (void)sig;
    (void)si;
    for (int i = 0; i < 11; i++) {
        regs_seen[i] = sc->regs[i];
    }
    regs_seen_pc = sc->pc;
    regs_seen_nzcv = sc->pstate & 0xf0000000u;
    sc->pc += 4;
}

static void fault_regs_case(const char *name, uint64_t b, uint64_t bad)
{
    static uint64_t buf;
    uint64_t want[11] = {b, (uint64_t)&buf, bad};
    want[3] = b + 10;
    want[4] = b + 3;
    want[5] = b + 6;
    want[6] = want[3] ^ want[5];
    want[7] = want[4];
    want[8] = want[7] + want[6];
    want[9] = want[8] << 33;
    want[10] = want[8] + want[9];
    uint64_t nzcv = (want[10] >> 63) << 31 | (uint64_t)(want[10] == 0) << 30 |
                    (uint64_t)(want[10] < want[8]) << 29 |
                    (((~(want[8] ^ want[9]) & (want[8] ^ want[10])) >> 63)
                     << 28);
    regs_seen_pc = 0;
    install(SIGSEGV, regs_handler, 0);
    uint64_t r = sys_fault_regs(b, &buf, bad);
    uninstall(SIGSEGV);
    int bad_reg = -1;
    for (int i = 10; i >= 0; i--) {
        if (regs_seen[i] != want[i]) {
            bad_reg = i;
        }
    }
    report(name,
           regs_seen_pc == (uint64_t)sys_fault_regs_insn && bad_reg < 0 &&
               regs_seen_nzcv == nzcv && r == want[3],
           "pc %#" PRIx64 ", first wrong x%d (%#" PRIx64 " want %#" PRIx64
           "), nzcv %#" PRIx64 " want %#" PRIx64 ", returned %#" PRIx64,
           regs_seen_pc, bad_reg, bad_reg < 0 ? 0 : regs_seen[bad_reg],
           bad_reg < 0 ? 0 : want[bad_reg], regs_seen_nzcv, nzcv, r);
}

/*
 * Top-byte-ignore: loads and stores of every plain kind through a pointer
 * with a tag in bits 63:56 reach the untagged address, a written-back
 * base keeps its tag, and a fault reports the untagged address (Linux
 * clears the tag in si_addr). sys_tbi_many: 200 loads in one block, more
 * than vemu places out of line or in its fault map per block.
 */
uint64_t sys_tbi_mix(uint64_t *tagged, uint64_t *out);
uint64_t sys_tbi_many(const uint64_t *tagged);
extern const uint32_t sys_tbi_fault_insn[];
uint64_t sys_tbi_fault(uint64_t tagged);
__asm__(".text\n"
        ".p2align 2\n"
        ".global sys_tbi_mix\n"
        "sys_tbi_mix:\n"            /* x0 = tagged &buf[0], x1 = out */
        "    ldr x2, [x0]\n"
        "    ldrb w3, [x0, #8]\n"
        "    ldrsh x4, [x0, #10]\n"
        "    ldp x5, x6, [x0, #16]\n"
        "    ldp w7, w8, [x0, #32]\n"
        "    ldr q0, [x0, #48]\n"
        "    stp x2, x3, [x1]\n"
        "    stp x4, x5, [x1, #16]\n"
        "    stp x6, x7, [x1, #32]\n"
        "    str x8, [x1, #48]\n"
        "    str q0, [x1, #64]\n"
        "    str x2, [x0, #80]!\n"    /* pre-index writeback */
        "    strh w4, [x0, #8]\n"
        "    stp w7, w8, [x0, #16]\n"
        "    ldr x9, [x0], #-80\n"    /* post-index: back to the start */
        "    str x9, [x1, #80]\n"
        "    mov x0, x0\n"
        "    ret\n"
        ".global sys_tbi_many\n"
        "sys_tbi_many:\n"
        "    mov x1, x0\n"
        "    mov x0, #0\n"
        "    .rept 200\n"
        "    ldr x2, [x1]\n"
        "    add x0, x0, x2\n"
        "    .endr\n"
        "    ret\n"
        ".global sys_tbi_fault, sys_tbi_fault_insn\n"
        "sys_tbi_fault:\n"
        "sys_tbi_fault_insn:\n"
        "    ldr x0, [x0]\n"
        "    ret\n");

static void test_tbi(void)
{
    static uint64_t buf[16], out[11];
    const uint64_t tag = 0x5a00000000000000ull;
    for (int i = 0; i < 16; i++) {
        buf[i] = 0x0101010101010101ull * (uint64_t)(i + 1) ^ 0x8000800080008000ull;
    }
    uint64_t want_out[11];
    want_out[0] = buf[0];
    want_out[1] = buf[1] & 0xff;
    want_out[2] = (uint64_t)(int64_t)(int16_t)(buf[1] >> 16);
    want_out[3] = buf[2];
    want_out[4] = buf[3];
    want_out[5] = buf[4] & 0xffffffffu;
    want_out[6] = buf[4] >> 32;
    want_out[7] = 0; /* not written */
    want_out[8] = buf[6];
    want_out[9] = buf[7];
    want_out[10] = buf[0]; /* stored at buf[10], read back */
    uint64_t want_buf11 = (buf[11] & ~0xffffull) | (want_out[2] & 0xffff);
    uint64_t want_buf12 = want_out[5] | want_out[6] << 32;

    uint64_t r = sys_tbi_mix((uint64_t *)((uint64_t)buf | tag), out);
    int bad = -1;
    for (int i = 10; i >= 0; i--) {
        if (out[i] != want_out[i]) {
            bad = i;
        }
    }
    report("tbi-loads-stores",
           bad < 0 && buf[10] == buf[0] &&
               buf[11] == want_buf11 && buf[12] == want_buf12 &&
               r == ((uint64_t)buf | tag),
           "first wrong out[%d]; buf[10..12] %#" PRIx64 " %#" PRIx64
           " %#" PRIx64 "; base after writebacks %#" PRIx64,
           bad, buf[10], buf[11], buf[12], r);

    uint64_t sum = sys_tbi_many((const uint64_t *)((uint64_t)&buf[3] | tag));
    report("tbi-many-in-a-block", sum == 200 * buf[3], "sum %#" PRIx64 " want %#" PRIx64,
           sum, 200 * buf[3]);

    long pg = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, (size_t)pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) {
        report("tbi-fault", 0, "mmap: %s", strerror(errno));
        return;
    }
    herr_reset();
    fault_calls = 0;
    fault_want_addr = (uint64_t)p + 0x18;
    fault_want_pc = (uint64_t)sys_tbi_fault_insn;
    fault_want_code = SEGV_ACCERR;
    fault_is_write = 0;
    install(SIGSEGV, fault_handler, 0);
    r = sys_tbi_fault(((uint64_t)p + 0x18) | 0xa500000000000000ull);
    uninstall(SIGSEGV);
    report("tbi-fault", fault_calls == 1 && handler_err_len == 0 && r == FAULT_X0,
           "handler ran %d times, returned %#" PRIx64 "; %s", fault_calls, r,
           handler_err);
    munmap(p, (size_t)pg);
}

static void test_faults(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        report("sigsegv-setup", 0, "mmap: %s", strerror(errno));
        return;
    }
    /* page 0: PROT_NONE, page 1: read-only, page 2: unmapped. */
    mprotect(p, (size_t)pg, PROT_NONE);
    mprotect(p + pg, (size_t)pg, PROT_READ);
    munmap(p + 2 * pg, (size_t)pg);
    fault_case("sigsegv-load-accerr", SIGSEGV, SEGV_ACCERR,
               (uint64_t)p + 0x123, sys_fault_load_insn, 0, run_load);
    fault_case("sigsegv-store-readonly", SIGSEGV, SEGV_ACCERR,
               (uint64_t)p + pg + 0x88, sys_fault_store_insn, 1, run_store);
    fault_case("sigsegv-load-maperr", SIGSEGV, SEGV_MAPERR,
               (uint64_t)p + 2 * pg + 0x40, sys_fault_load_insn, 0, run_load);
    /* A host fault, and an address beyond the guest's space. */
    fault_regs_case("sigsegv-registers-unmapped", 0x123456789ull,
                    (uint64_t)p + 2 * pg + 0x40);
    fault_regs_case("sigsegv-registers-beyond", 0xfedcba987ffff000ull,
                    1ull << 50);
    fault_case("sigill-undefined", SIGILL, ILL_ILLOPC, (uint64_t)sys_undef_insn,
               sys_undef_insn, 0, run_undef);
    fault_case("sigtrap-brk", SIGTRAP, TRAP_BRKPT, (uint64_t)sys_brk_insn,
               sys_brk_insn, 0, run_brk);
    munmap(p, (size_t)pg * 2);
}

/* ---- 1c. sigaltstack ---- */

static char *alt_base;
static size_t alt_size;
static volatile int alt_calls;

static void alt_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    char here;
    stack_t cur;

    alt_calls++;
    if (sig == SIGTRAP) {
        sc_of(ucv)->pc += 4; /* past the brk */
    }
    if (&here < alt_base || &here >= alt_base + alt_size ||
        (char *)si < alt_base || (char *)si >= alt_base + alt_size) {
        herr("handler stack %p / frame %p outside [%p, +%zu)", (void *)&here,
             (void *)si, (void *)alt_base, alt_size);
    }
    if (uc->uc_stack.ss_sp != alt_base || uc->uc_stack.ss_size != alt_size) {
        herr("uc_stack {%p, %zu} want {%p, %zu}", uc->uc_stack.ss_sp,
             uc->uc_stack.ss_size, (void *)alt_base, alt_size);
    }
    if (sigaltstack(NULL, &cur) != 0 || !(cur.ss_flags & SS_ONSTACK)) {
        herr("sigaltstack in handler: flags %#x", cur.ss_flags);
    }
}

/* SA_ONSTACK for a synchronous SIGTRAP (brk) or a raise()d SIGUSR2. */
static void test_sigaltstack(int sync)
{
    const char *name = sync ? "sigaltstack-brk" : "sigaltstack-raise";
    int sig = sync ? SIGTRAP : SIGUSR2;
    stack_t ss, old;

    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    ss.ss_sp = alt_base;
    ss.ss_size = alt_size;
    ss.ss_flags = 0;
    herr_reset();
    if (!alt_base || sigaltstack(&ss, &old) != 0) {
        report(name, 0, "sigaltstack: %s", strerror(errno));
        return;
    }
    alt_calls = 0;
    install(sig, alt_handler, SA_ONSTACK);
    if (sync) {
        sys_brk();
    } else {
        printf("# raise(SIGUSR2) with a handler on the alternate stack\n");
        raise(SIGUSR2);
    }
    uninstall(sig);
    report(name, alt_calls == 1 && handler_err_len == 0,
           "handler ran %d times; %s", alt_calls, handler_err);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(alt_base);
}

/* ---- 2. features: HWCAP, /proc/cpuinfo, ID registers ---- */

static uint64_t hwcap, hwcap2;

/* Linux's names for the AT_HWCAP and AT_HWCAP2 bits, in the order
 * arch/arm64/kernel/cpuinfo.c prints them (bit order, HWCAP first). */
static const char *const hwcap_names[64] = {
    "fp",     "asimd",    "evtstrm", "aes",    "pmull",   "sha1",
    "sha2",   "crc32",    "atomics", "fphp",   "asimdhp", "cpuid",
    "asimdrdm", "jscvt",  "fcma",    "lrcpc",  "dcpop",   "sha3",
    "sm3",    "sm4",      "asimddp", "sha512", "sve",     "asimdfhm",
    "dit",    "uscat",    "ilrcpc",  "flagm",  "ssbs",    "sb",
    "paca",   "pacg",
};
static const char *const hwcap2_names[64] = {
    "dcpodp",    "sve2",      "sveaes",    "svepmull",  "svebitperm",
    "svesha3",   "svesm4",    "flagm2",    "frint",     "svei8mm",
    "svef32mm",  "svef64mm",  "svebf16",   "i8mm",      "bf16",
    "dgh",       "rng",       "bti",       "mte",       "ecv",
    "afp",       "rpres",     "mte3",      "sme",       "smei16i64",
    "smef64f64", "smei8i32",  "smef16f32", "smeb16f32", "smef32f32",
    "smefa64",   "wfxt",      "ebf16",     "sveebf16",
};

static char cpuinfo[256 * 1024];

static void read_cpuinfo(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    size_t n = 0;

    if (f) {
        n = fread(cpuinfo, 1, sizeof(cpuinfo) - 1, f);
        fclose(f);
    }
    cpuinfo[n] = 0;
}

static void test_hwcap_cpuinfo(void)
{
    char want[2048] = "";
    char bad[4608] = "";
    int blocks = 0;
    const char *p;

    hwcap = getauxval(AT_HWCAP);
    hwcap2 = getauxval(AT_HWCAP2);
    printf("# AT_HWCAP %#" PRIx64 " AT_HWCAP2 %#" PRIx64 "\n", hwcap, hwcap2);
    report("hwcap-fp-asimd", (hwcap & (HWCAP_FP | HWCAP_ASIMD)) ==
                                 (HWCAP_FP | HWCAP_ASIMD),
           "AT_HWCAP %#" PRIx64, hwcap);
    /* SVE and every HWCAP2 bit that implies it (sve2..svesm4,
     * svei8mm..svebf16, sveebf16). */
    report("hwcap-no-sve",
           !(hwcap & HWCAP_SVE) && !(hwcap2 & (0x7eull | 0x1e00ull | 1ull << 33)),
           "AT_HWCAP %#" PRIx64 " AT_HWCAP2 %#" PRIx64, hwcap, hwcap2);

    for (int b = 0; b < 64; b++) {
        if (hwcap & (1ull << b)) {
            if (!hwcap_names[b]) {
                snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
                         " HWCAP bit %d", b);
                continue;
            }
            snprintf(want + strlen(want), sizeof(want) - strlen(want), " %s",
                     hwcap_names[b]);
        }
    }
    for (int b = 0; b < 64; b++) {
        if (hwcap2 & (1ull << b)) {
            if (!hwcap2_names[b]) {
                snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
                         " HWCAP2 bit %d", b);
                continue;
            }
            snprintf(want + strlen(want), sizeof(want) - strlen(want), " %s",
                     hwcap2_names[b]);
        }
    }
    report("hwcap-known-bits", bad[0] == 0, "no Linux name for%s", bad);

    read_cpuinfo();
    for (p = cpuinfo; (p = strstr(p, "\nFeatures")) != NULL; p++) {
        const char *colon = strchr(p, ':');
        const char *eol = strchr(p + 1, '\n');
        char got[2048];
        size_t len;

        blocks++;
        if (!colon || !eol || colon > eol) {
            snprintf(bad, sizeof(bad), "malformed Features line");
            break;
        }
        len = (size_t)(eol - colon - 1);
        if (len >= sizeof(got)) {
            len = sizeof(got) - 1;
        }
        memcpy(got, colon + 1, len);
        got[len] = 0;
        while (len && got[len - 1] == ' ') {
            got[--len] = 0;
        }
        if (strcmp(got, want) != 0) {
            snprintf(bad, sizeof(bad), "Features:%s | want from HWCAP:%s",
                     got, want);
            break;
        }
    }
    report("cpuinfo-features", blocks > 0 && bad[0] == 0,
           "%d Features lines; %s", blocks, bad);
}

/* MRS of the ID registers; only called with HWCAP_CPUID. */
#define READ_SYSREG(name)                                                      \
    ({                                                                         \
        uint64_t v_;                                                           \
        __asm__ volatile("mrs %0, " name : "=r"(v_));                          \
        v_;                                                                    \
    })

static unsigned field(uint64_t reg, unsigned shift)
{
    return (unsigned)(reg >> shift) & 0xf;
}

/* Signed ID fields (FP, AdvSIMD): 0xf means "not implemented". */
static int sfield(uint64_t reg, unsigned shift)
{
    int v = (int)field(reg, shift);
    return v >= 8 ? v - 16 : v;
}

/* Each cpuinfo block's "CPU implementer" etc. against MIDR_EL1. */
static void check_midr(uint64_t midr)
{
    static const struct {
        const char *key;
        unsigned shift, mask;
    } f[] = {
        {"CPU implementer", 24, 0xff},
        {"CPU variant", 20, 0xf},
        {"CPU part", 4, 0xfff},
        {"CPU revision", 0, 0xf},
    };
    char bad[256] = "";
    int seen = 0;

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        for (const char *p = cpuinfo; (p = strstr(p, f[i].key)) != NULL; p++) {
            const char *colon = strchr(p, ':');
            unsigned long v;

            if (!colon) {
                break;
            }
            v = strtoul(colon + 1, NULL, 0);
            seen++;
            if (v != ((midr >> f[i].shift) & f[i].mask) && !bad[0]) {
                snprintf(bad, sizeof(bad), "%s %#lx, MIDR_EL1 %#" PRIx64,
                         f[i].key, v, midr);
            }
        }
    }
    report("midr-cpuinfo", seen >= 4 && bad[0] == 0,
           "%d fields in /proc/cpuinfo; %s", seen, bad);
}

static void test_idregs(void)
{
    uint64_t pfr0, pfr1, isar0, isar1, isar2, mmfr2, midr;
    char bad[1024] = "";

    if (!(hwcap & HWCAP_CPUID)) {
        printf("# no HWCAP_CPUID: ID registers not readable\n");
        return;
    }
    midr = READ_SYSREG("S3_0_C0_C0_0");
    pfr0 = READ_SYSREG("S3_0_C0_C4_0");
    pfr1 = READ_SYSREG("S3_0_C0_C4_1");
    isar0 = READ_SYSREG("S3_0_C0_C6_0");
    isar1 = READ_SYSREG("S3_0_C0_C6_1");
    isar2 = READ_SYSREG("S3_0_C0_C6_2");
    mmfr2 = READ_SYSREG("S3_0_C0_C7_2");
    printf("# MIDR %#" PRIx64 " PFR0 %#" PRIx64 " PFR1 %#" PRIx64
           " ISAR0 %#" PRIx64 " ISAR1 %#" PRIx64 " ISAR2 %#" PRIx64
           " MMFR2 %#" PRIx64 "\n",
           midr, pfr0, pfr1, isar0, isar1, isar2, mmfr2);

    /* The kernel's arm64_elf_hwcaps rules (cpufeature.c). */
    const struct {
        const char *name;
        int word;
        uint64_t bit;
        int cond;
    } rules[] = {
        {"fp", 1, HWCAP_FP, sfield(pfr0, 16) >= 0},
        {"fphp", 1, HWCAP_FPHP, sfield(pfr0, 16) >= 1},
        {"asimd", 1, HWCAP_ASIMD, sfield(pfr0, 20) >= 0},
        {"asimdhp", 1, HWCAP_ASIMDHP, sfield(pfr0, 20) >= 1},
        {"sve", 1, HWCAP_SVE, field(pfr0, 32) >= 1},
        {"dit", 1, HWCAP_DIT, field(pfr0, 48) >= 1},
        {"aes", 1, HWCAP_AES, field(isar0, 4) >= 1},
        {"pmull", 1, HWCAP_PMULL, field(isar0, 4) >= 2},
        {"sha1", 1, HWCAP_SHA1, field(isar0, 8) >= 1},
        {"sha2", 1, HWCAP_SHA2, field(isar0, 12) >= 1},
        {"sha512", 1, HWCAP_SHA512, field(isar0, 12) >= 2},
        {"crc32", 1, HWCAP_CRC32, field(isar0, 16) >= 1},
        {"atomics", 1, HWCAP_ATOMICS, field(isar0, 20) >= 2},
        {"asimdrdm", 1, HWCAP_ASIMDRDM, field(isar0, 28) >= 1},
        {"sha3", 1, HWCAP_SHA3, field(isar0, 32) >= 1},
        {"sm3", 1, HWCAP_SM3, field(isar0, 36) >= 1},
        {"sm4", 1, HWCAP_SM4, field(isar0, 40) >= 1},
        {"asimddp", 1, HWCAP_ASIMDDP, field(isar0, 44) >= 1},
        {"asimdfhm", 1, HWCAP_ASIMDFHM, field(isar0, 48) >= 1},
        {"flagm", 1, HWCAP_FLAGM, field(isar0, 52) >= 1},
        {"flagm2", 2, HWCAP2_FLAGM2, field(isar0, 52) >= 2},
        {"rng", 2, HWCAP2_RNG, field(isar0, 60) >= 1},
        {"dcpop", 1, HWCAP_DCPOP, field(isar1, 0) >= 1},
        {"dcpodp", 2, HWCAP2_DCPODP, field(isar1, 0) >= 2},
        {"jscvt", 1, HWCAP_JSCVT, field(isar1, 12) >= 1},
        {"fcma", 1, HWCAP_FCMA, field(isar1, 16) >= 1},
        {"lrcpc", 1, HWCAP_LRCPC, field(isar1, 20) >= 1},
        {"ilrcpc", 1, HWCAP_ILRCPC, field(isar1, 20) >= 2},
        {"frint", 2, HWCAP2_FRINT, field(isar1, 32) >= 1},
        {"sb", 1, HWCAP_SB, field(isar1, 36) >= 1},
        {"bf16", 2, HWCAP2_BF16, field(isar1, 44) >= 1},
        {"dgh", 2, HWCAP2_DGH, field(isar1, 48) >= 1},
        {"i8mm", 2, HWCAP2_I8MM, field(isar1, 52) >= 1},
        {"paca", 1, HWCAP_PACA,
         field(isar1, 4) >= 1 || field(isar1, 8) >= 1 || field(isar2, 12) >= 1},
        {"pacg", 1, HWCAP_PACG,
         field(isar1, 24) >= 1 || field(isar1, 28) >= 1 || field(isar2, 8) >= 1},
        {"ssbs", 1, HWCAP_SSBS, field(pfr1, 4) >= 2},
        {"bti", 2, HWCAP2_BTI, field(pfr1, 0) >= 1},
        {"uscat", 1, HWCAP_USCAT, field(mmfr2, 32) >= 1},
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        uint64_t w = rules[i].word == 1 ? hwcap : hwcap2;
        int set = (w & rules[i].bit) != 0;
        if (set != rules[i].cond && strlen(bad) < sizeof(bad) - 64) {
            snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
                     " %s: HWCAP %d, ID register says %d;", rules[i].name, set,
                     rules[i].cond);
        }
    }
    report("idregs-match-hwcap", bad[0] == 0, "%s", bad);
    check_midr(midr);
}

/* ---- 3. advertised means implemented ---- */

/* Inputs and outputs of one probed instruction: x0-x3, NZCV, v0-v3. */
struct probe {
    uint64_t x[4];
    uint64_t nzcv;
    uint64_t pad;
    __uint128_t v[4];
};
_Static_assert(offsetof(struct probe, v) == 48, "probe.v");

/* A function running one instruction word with the probe's registers;
 * v4-v7 are clobbered too since some encodings could name them. */
#define DEFPROBE(fn, word)                                                     \
    static void fn(struct probe *p)                                            \
    {                                                                          \
        __asm__ volatile("ldp q0, q1, [%0, #48]\n\t"                           \
                         "ldp q2, q3, [%0, #80]\n\t"                           \
                         "ldr x10, [%0, #32]\n\t"                              \
                         "msr nzcv, x10\n\t"                                   \
                         "ldp x0, x1, [%0]\n\t"                                \
                         "ldp x2, x3, [%0, #16]\n\t"                           \
                         ".inst " #word "\n\t"                                 \
                         "stp x0, x1, [%0]\n\t"                                \
                         "stp x2, x3, [%0, #16]\n\t"                           \
                         "mrs x10, nzcv\n\t"                                   \
                         "str x10, [%0, #32]\n\t"                              \
                         "stp q0, q1, [%0, #48]\n\t"                           \
                         "stp q2, q3, [%0, #80]\n\t"                           \
                         :                                                     \
                         : "r"(p)                                              \
                         : "x0", "x1", "x2", "x3", "x10", "v0", "v1", "v2",    \
                           "v3", "memory", "cc");                              \
    }

DEFPROBE(p_fadd_d, 0x1e622820)     /* fadd d0, d1, d2 */
DEFPROBE(p_add_4s, 0x4ea28420)     /* add v0.4s, v1.4s, v2.4s */
DEFPROBE(p_aese, 0x4e284820)       /* aese v0.16b, v1.16b */
DEFPROBE(p_pmull, 0x0ee2e020)      /* pmull v0.1q, v1.1d, v2.1d */
DEFPROBE(p_sha1h, 0x5e280820)      /* sha1h s0, s1 */
DEFPROBE(p_sha256su0, 0x5e282820)  /* sha256su0 v0.4s, v1.4s */
DEFPROBE(p_crc32x, 0x9ac24c20)     /* crc32x w0, w1, x2 */
DEFPROBE(p_crc32cx, 0x9ac25c20)    /* crc32cx w0, w1, x2 */
DEFPROBE(p_ldadd, 0xf8210040)      /* ldadd x1, x0, [x2] */
DEFPROBE(p_fadd_h, 0x1ee22820)     /* fadd h0, h1, h2 */
DEFPROBE(p_fadd_8h, 0x4e421420)    /* fadd v0.8h, v1.8h, v2.8h */
DEFPROBE(p_mrs_isar0, 0xd5380600)  /* mrs x0, id_aa64isar0_el1 */
DEFPROBE(p_sqrdmlah, 0x6e828420)   /* sqrdmlah v0.4s, v1.4s, v2.4s */
DEFPROBE(p_fjcvtzs, 0x1e7e0000)    /* fjcvtzs w0, d0 */
DEFPROBE(p_fcadd, 0x6e82e420)      /* fcadd v0.4s, v1.4s, v2.4s, #90 */
DEFPROBE(p_ldapr, 0xf8bfc020)      /* ldapr x0, [x1] */
DEFPROBE(p_dc_cvap, 0xd50b7c20)    /* dc cvap, x0 */
DEFPROBE(p_eor3, 0xce020c20)       /* eor3 v0.16b, v1.16b, v2.16b, v3.16b */
DEFPROBE(p_sm3ss1, 0xce420c20)     /* sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s */
DEFPROBE(p_sm4e, 0xcec08420)       /* sm4e v0.4s, v1.4s */
DEFPROBE(p_sdot, 0x4e829420)       /* sdot v0.4s, v1.16b, v2.16b */
DEFPROBE(p_sha512su0, 0xcec08020)  /* sha512su0 v0.2d, v1.2d */
DEFPROBE(p_rdvl, 0x04bf5020)       /* rdvl x0, #1 */
DEFPROBE(p_fmlal, 0x0e22ec20)      /* fmlal v0.2s, v1.2h, v2.2h */
DEFPROBE(p_mrs_dit, 0xd53b42a0)    /* mrs x0, dit */
DEFPROBE(p_ldapur, 0xd9408020)     /* ldapur x0, [x1, #8] */
DEFPROBE(p_cfinv, 0xd500401f)      /* cfinv */
DEFPROBE(p_mrs_ssbs, 0xd53b42c0)   /* mrs x0, ssbs */
DEFPROBE(p_sb, 0xd50330ff)         /* sb */
DEFPROBE(p_pacia, 0xdac10020)      /* pacia x0, x1 */
DEFPROBE(p_pacga, 0x9ac23020)      /* pacga x0, x1, x2 */
DEFPROBE(p_dc_cvadp, 0xd50b7d20)   /* dc cvadp, x0 */
DEFPROBE(p_axflag, 0xd500405f)     /* axflag */
DEFPROBE(p_xaflag, 0xd500403f)     /* xaflag */
DEFPROBE(p_frint32z, 0x1e684020)   /* frint32z d0, d1 */
DEFPROBE(p_smmla, 0x4e82a420)      /* smmla v0.4s, v1.16b, v2.16b */
DEFPROBE(p_bfdot, 0x6e42fc20)      /* bfdot v0.4s, v1.8h, v2.8h */
DEFPROBE(p_mrs_rndr, 0xd53b2400)   /* mrs x0, rndr */

/* The SIGILL catcher for probes: count, check the report, skip. si_code
 * is left to sigill-undefined (qemu 7.2 says ILL_ILLOPN where Linux says
 * ILL_ILLOPC, and one line about it is enough). */
static volatile int probe_traps;
static char probe_err[256];

static void probe_ill(int sig, siginfo_t *si, void *ucv)
{
    struct sigcontext *sc = sc_of(ucv);

    (void)sig;
    probe_traps++;
    if ((uint64_t)si->si_addr != sc->pc) {
        snprintf(probe_err, sizeof(probe_err),
                 "SIGILL si_code %d si_addr %p pc %#llx", si->si_code,
                 si->si_addr, (unsigned long long)sc->pc);
    }
    sc->pc += 4;
}

static uint64_t probe_mem[4] __attribute__((aligned(16)));

static double d_of(__uint128_t v)
{
    double d;
    uint64_t lo = lo64(v);
    memcpy(&d, &lo, 8);
    return d;
}

static __uint128_t of_d(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static __uint128_t splat32(uint32_t v)
{
    uint64_t d = (uint64_t)v << 32 | v;
    return v128(d, d);
}

static __uint128_t splat16(uint16_t v)
{
    return splat32((uint32_t)v << 16 | v);
}

static __uint128_t splat8(uint8_t v)
{
    return splat16((uint16_t)(v << 8 | v));
}

static __uint128_t f32x4(float a, float b, float c, float d)
{
    uint32_t u[4];
    float f[4] = {a, b, c, d};
    __uint128_t r;

    memcpy(u, f, 16);
    memcpy(&r, u, 16);
    return r;
}

static uint32_t lane32(__uint128_t v, int i)
{
    return (uint32_t)(v >> (32 * i));
}

static uint32_t ror32(uint32_t x, int n)
{
    return x >> n | x << (32 - n);
}

static uint64_t ror64(uint64_t x, int n)
{
    return x >> n | x << (64 - n);
}

/* Bitwise reflected CRC-32 (poly 0xedb88320 for CRC32, 0x82f63b78 for
 * CRC32C) of the 8 little-endian bytes of v, from crc, as the CRC32X
 * and CRC32CX instructions define it (no pre- or post-inversion). */
static uint32_t crc_ref(uint32_t crc, uint64_t v, uint32_t poly)
{
    for (int i = 0; i < 64; i++) {
        uint32_t bit = (crc ^ (uint32_t)(v >> i)) & 1;
        crc = (crc >> 1) ^ (bit ? poly : 0);
    }
    return crc;
}

static __uint128_t clmul64(uint64_t a, uint64_t b)
{
    __uint128_t r = 0;

    for (int i = 0; i < 64; i++) {
        if (b >> i & 1) {
            r ^= (__uint128_t)a << i;
        }
    }
    return r;
}

/* Per-instruction set-up and result check (NULL: only "does it trap"). */
typedef void (*probe_fn)(struct probe *);
typedef void (*setup_fn)(struct probe *);
typedef const char *(*check_fn)(const struct probe *);

static char chk_buf[256];

#define CHK(cond, ...)                                                         \
    ((cond) ? NULL                                                             \
            : (snprintf(chk_buf, sizeof(chk_buf), __VA_ARGS__), chk_buf))

static void s_fadd_d(struct probe *p)
{
    p->v[1] = of_d(1.5);
    p->v[2] = of_d(2.25);
}
static const char *c_fadd_d(const struct probe *p)
{
    return CHK(d_of(p->v[0]) == 3.75, "fadd gave %#" PRIx64, lo64(p->v[0]));
}

static void s_add_4s(struct probe *p)
{
    p->v[1] = v128(0x0000000200000001ull, 0x0000000400000003ull);
    p->v[2] = v128(0x000000140000000aull, 0xffffffff0000001eull);
}
static const char *c_add_4s(const struct probe *p)
{
    return CHK(p->v[0] == v128(0x000000160000000bull, 0x0000000300000021ull),
               "add gave %016" PRIx64 "%016" PRIx64, hi64(p->v[0]),
               lo64(p->v[0]));
}

/* AESE with every byte equal: ShiftRows is a no-op and SubBytes(0x53) is
 * 0xed (FIPS-197's worked example). */
static void s_aese(struct probe *p)
{
    p->v[0] = splat8(0x5a);
    p->v[1] = splat8(0x09); /* 0x5a ^ 0x09 = 0x53 */
}
static const char *c_aese(const struct probe *p)
{
    return CHK(p->v[0] == splat8(0xed), "aese gave %016" PRIx64 "%016" PRIx64,
               hi64(p->v[0]), lo64(p->v[0]));
}

static void s_pmull(struct probe *p)
{
    p->v[1] = v128(0x87654321fedcba98ull, 1);
    p->v[2] = v128(0xf00dd00d12345679ull, 2);
}
static const char *c_pmull(const struct probe *p)
{
    __uint128_t w = clmul64(0x87654321fedcba98ull, 0xf00dd00d12345679ull);
    return CHK(p->v[0] == w, "pmull gave %016" PRIx64 "%016" PRIx64,
               hi64(p->v[0]), lo64(p->v[0]));
}

static void s_sha1h(struct probe *p)
{
    p->v[1] = v128(0xdeadbeef12345678ull, 0x55);
}
static const char *c_sha1h(const struct probe *p)
{
    return CHK(p->v[0] == ror32(0x12345678u, 2),
               "sha1h gave %016" PRIx64 "%016" PRIx64, hi64(p->v[0]),
               lo64(p->v[0]));
}

static void s_sha256su0(struct probe *p)
{
    p->v[0] = v128(0x2222222211111111ull, 0x4444444433333333ull);
    p->v[1] = v128(0x6666666612345678ull, 0x8888888877777777ull);
}
static const char *c_sha256su0(const struct probe *p)
{
    uint32_t d[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
    uint32_t n0 = 0x12345678, w[4];

    for (int i = 0; i < 4; i++) {
        uint32_t t = i < 3 ? d[i + 1] : n0;
        w[i] = d[i] + (ror32(t, 7) ^ ror32(t, 18) ^ (t >> 3));
    }
    for (int i = 0; i < 4; i++) {
        if (lane32(p->v[0], i) != w[i]) {
            return CHK(0, "sha256su0 lane %d %#x want %#x", i,
                       lane32(p->v[0], i), w[i]);
        }
    }
    return NULL;
}

static void s_crc(struct probe *p)
{
    p->x[1] = 0xffffffff;
    p->x[2] = 0x0123456789abcdefull;
}
static const char *c_crc32x(const struct probe *p)
{
    uint32_t w = crc_ref(0xffffffff, 0x0123456789abcdefull, 0xedb88320u);
    return CHK((uint32_t)p->x[0] == w && p->x[0] >> 32 == 0,
               "crc32x gave %#" PRIx64 " want %#x", p->x[0], w);
}
static const char *c_crc32cx(const struct probe *p)
{
    uint32_t w = crc_ref(0xffffffff, 0x0123456789abcdefull, 0x82f63b78u);
    return CHK((uint32_t)p->x[0] == w && p->x[0] >> 32 == 0,
               "crc32cx gave %#" PRIx64 " want %#x", p->x[0], w);
}

static void s_ldadd(struct probe *p)
{
    probe_mem[0] = 100;
    p->x[1] = 0x500000005ull;
    p->x[2] = (uint64_t)&probe_mem[0];
}
static const char *c_ldadd(const struct probe *p)
{
    return CHK(p->x[0] == 100 && probe_mem[0] == 0x500000069ull,
               "ldadd returned %#" PRIx64 ", memory %#" PRIx64, p->x[0],
               probe_mem[0]);
}

static void s_fadd_h(struct probe *p)
{
    p->v[1] = 0x3c00; /* 1.0 */
    p->v[2] = 0x4000; /* 2.0 */
}
static const char *c_fadd_h(const struct probe *p)
{
    return CHK(p->v[0] == 0x4200, "fadd h gave %#" PRIx64, lo64(p->v[0]));
}

static void s_fadd_8h(struct probe *p)
{
    p->v[1] = splat16(0x3c00);
    p->v[2] = splat16(0x4000);
}
static const char *c_fadd_8h(const struct probe *p)
{
    return CHK(p->v[0] == splat16(0x4200), "fadd 8h gave %016" PRIx64,
               lo64(p->v[0]));
}

static void s_sqrdmlah(struct probe *p)
{
    p->v[0] = splat32(0x10);
    p->v[1] = splat32(0x40000000); /* 0.5 */
    p->v[2] = splat32(0x40000000);
}
static const char *c_sqrdmlah(const struct probe *p)
{
    return CHK(p->v[0] == splat32(0x20000010), "sqrdmlah gave %016" PRIx64,
               lo64(p->v[0]));
}

/* FJCVTZS: JavaScript ToInt32, modulo 2^32, Z only when exact. */
static void s_fjcvtzs(struct probe *p)
{
    p->v[0] = of_d(4294967303.0); /* 2^32 + 7 */
    p->nzcv = 0xf0000000;
}
static const char *c_fjcvtzs(const struct probe *p)
{
    return CHK(p->x[0] == 7 && p->nzcv == 0,
               "fjcvtzs gave %#" PRIx64 " nzcv %#" PRIx64, p->x[0], p->nzcv);
}

static void s_fcadd(struct probe *p)
{
    p->v[1] = f32x4(1, 2, 3, 4);
    p->v[2] = f32x4(10, 20, 30, 40);
}
static const char *c_fcadd(const struct probe *p)
{
    /* rotate 90: re = a.re - b.im, im = a.im + b.re */
    return CHK(p->v[0] == f32x4(-19, 12, -37, 34), "fcadd gave %016" PRIx64
               "%016" PRIx64, hi64(p->v[0]), lo64(p->v[0]));
}

static void s_ldapr(struct probe *p)
{
    probe_mem[0] = 0x1122334455667788ull;
    probe_mem[1] = 0x99aabbccddeeff00ull;
    p->x[1] = (uint64_t)&probe_mem[0];
}
static const char *c_ldapr(const struct probe *p)
{
    return CHK(p->x[0] == 0x1122334455667788ull, "ldapr gave %#" PRIx64,
               p->x[0]);
}
static const char *c_ldapur(const struct probe *p)
{
    return CHK(p->x[0] == 0x99aabbccddeeff00ull, "ldapur gave %#" PRIx64,
               p->x[0]);
}

static void s_dc(struct probe *p)
{
    p->x[0] = (uint64_t)&probe_mem[0];
}

static void s_eor3(struct probe *p)
{
    p->v[1] = v128(0xff00ff00ff00ff00ull, 0x0123456789abcdefull);
    p->v[2] = v128(0x0ff00ff00ff00ff0ull, 0xffffffff00000000ull);
    p->v[3] = v128(0x3333333333333333ull, 0x5555555555555555ull);
}
static const char *c_eor3(const struct probe *p)
{
    __uint128_t w = v128(0xff00ff00ff00ff00ull ^ 0x0ff00ff00ff00ff0ull ^
                             0x3333333333333333ull,
                         0x0123456789abcdefull ^ 0xffffffff00000000ull ^
                             0x5555555555555555ull);
    return CHK(p->v[0] == w, "eor3 gave %016" PRIx64 "%016" PRIx64,
               hi64(p->v[0]), lo64(p->v[0]));
}

static void s_sdot(struct probe *p)
{
    p->v[0] = splat32(1000);
    p->v[1] = v128(0x0807060504030201ull, 0x100f0e0d0c0b0a09ull);
    p->v[2] = splat8(0xfe); /* -2 */
}
static const char *c_sdot(const struct probe *p)
{
    static const int32_t w[4] = {1000 - 20, 1000 - 52, 1000 - 84, 1000 - 116};
    for (int i = 0; i < 4; i++) {
        if ((int32_t)lane32(p->v[0], i) != w[i]) {
            return CHK(0, "sdot lane %d %d want %d", i,
                       (int32_t)lane32(p->v[0], i), w[i]);
        }
    }
    return NULL;
}

static void s_sha512su0(struct probe *p)
{
    p->v[0] = v128(0x0123456789abcdefull, 0xfedcba9876543210ull);
    p->v[1] = v128(0x0f1e2d3c4b5a6978ull, 0x1111111111111111ull);
}
static const char *c_sha512su0(const struct probe *p)
{
#define S0(x) (ror64(x, 1) ^ ror64(x, 8) ^ ((x) >> 7))
    uint64_t w0 = 0x0123456789abcdefull + S0(0xfedcba9876543210ull);
    uint64_t w1 = 0xfedcba9876543210ull + S0(0x0f1e2d3c4b5a6978ull);
#undef S0
    return CHK(p->v[0] == v128(w0, w1),
               "sha512su0 gave %016" PRIx64 "%016" PRIx64 " want %016" PRIx64
               "%016" PRIx64,
               hi64(p->v[0]), lo64(p->v[0]), w1, w0);
}

static const char *c_rdvl(const struct probe *p)
{
    return CHK(p->x[0] >= 16 && p->x[0] <= 256 && p->x[0] % 16 == 0,
               "rdvl gave %" PRIu64, p->x[0]);
}

static void s_fmlal(struct probe *p)
{
    p->v[0] = f32x4(1, 1, 1, 1);
    p->v[1] = splat16(0x3e00); /* 1.5 */
    p->v[2] = splat16(0x4000); /* 2.0 */
}
static const char *c_fmlal(const struct probe *p)
{
    /* .2s: the upper 64 bits are zeroed. */
    return CHK(p->v[0] == f32x4(4, 4, 0, 0),
               "fmlal gave %016" PRIx64 "%016" PRIx64, hi64(p->v[0]),
               lo64(p->v[0]));
}

static void s_cfinv(struct probe *p)
{
    p->nzcv = 0xa0000000; /* N, C */
}
static const char *c_cfinv(const struct probe *p)
{
    return CHK(p->nzcv == 0x80000000, "cfinv gave nzcv %#" PRIx64, p->nzcv);
}

/* AXFLAG: Z |= V, C &= !V, N = V = 0; XAFLAG: N = !C & !Z,
 * Z = Z & C, C = C | Z, V = !C & Z. */
static void s_axflag(struct probe *p)
{
    p->nzcv = 0xb0000000; /* N, C, V */
}
static const char *c_axflag(const struct probe *p)
{
    return CHK(p->nzcv == 0x40000000, "axflag gave nzcv %#" PRIx64, p->nzcv);
}
static void s_xaflag(struct probe *p)
{
    p->nzcv = 0x40000000; /* Z, C clear: the "unordered" encoding */
}
static const char *c_xaflag(const struct probe *p)
{
    return CHK(p->nzcv == 0x30000000, "xaflag gave nzcv %#" PRIx64, p->nzcv);
}

static void s_frint32z(struct probe *p)
{
    p->v[1] = of_d(-2.75);
}
static const char *c_frint32z(const struct probe *p)
{
    return CHK(d_of(p->v[0]) == -2.0 && hi64(p->v[0]) == 0,
               "frint32z gave %#" PRIx64, lo64(p->v[0]));
}

static void s_pac(struct probe *p)
{
    p->x[0] = 0x0000ffffbeef0000ull;
    p->x[1] = 0x1234;
    p->x[2] = 0x5678;
}

static const struct feature {
    const char *name;
    int word; /* 1: AT_HWCAP, 2: AT_HWCAP2 */
    uint64_t bit;
    probe_fn run;
    setup_fn setup;
    check_fn check;
} features[] = {
    {"fp", 1, HWCAP_FP, p_fadd_d, s_fadd_d, c_fadd_d},
    {"asimd", 1, HWCAP_ASIMD, p_add_4s, s_add_4s, c_add_4s},
    {"aes", 1, HWCAP_AES, p_aese, s_aese, c_aese},
    {"pmull", 1, HWCAP_PMULL, p_pmull, s_pmull, c_pmull},
    {"sha1", 1, HWCAP_SHA1, p_sha1h, s_sha1h, c_sha1h},
    {"sha2", 1, HWCAP_SHA2, p_sha256su0, s_sha256su0, c_sha256su0},
    {"crc32", 1, HWCAP_CRC32, p_crc32x, s_crc, c_crc32x},
    {"crc32c", 1, HWCAP_CRC32, p_crc32cx, s_crc, c_crc32cx},
    {"atomics", 1, HWCAP_ATOMICS, p_ldadd, s_ldadd, c_ldadd},
    {"fphp", 1, HWCAP_FPHP, p_fadd_h, s_fadd_h, c_fadd_h},
    {"asimdhp", 1, HWCAP_ASIMDHP, p_fadd_8h, s_fadd_8h, c_fadd_8h},
    {"cpuid", 1, HWCAP_CPUID, p_mrs_isar0, NULL, NULL},
    {"asimdrdm", 1, HWCAP_ASIMDRDM, p_sqrdmlah, s_sqrdmlah, c_sqrdmlah},
    {"jscvt", 1, HWCAP_JSCVT, p_fjcvtzs, s_fjcvtzs, c_fjcvtzs},
    {"fcma", 1, HWCAP_FCMA, p_fcadd, s_fcadd, c_fcadd},
    {"lrcpc", 1, HWCAP_LRCPC, p_ldapr, s_ldapr, c_ldapr},
    {"dcpop", 1, HWCAP_DCPOP, p_dc_cvap, s_dc, NULL},
    {"sha3", 1, HWCAP_SHA3, p_eor3, s_eor3, c_eor3},
    {"sm3", 1, HWCAP_SM3, p_sm3ss1, NULL, NULL},
    {"sm4", 1, HWCAP_SM4, p_sm4e, NULL, NULL},
    {"asimddp", 1, HWCAP_ASIMDDP, p_sdot, s_sdot, c_sdot},
    {"sha512", 1, HWCAP_SHA512, p_sha512su0, s_sha512su0, c_sha512su0},
    {"sve", 1, HWCAP_SVE, p_rdvl, NULL, c_rdvl},
    {"asimdfhm", 1, HWCAP_ASIMDFHM, p_fmlal, s_fmlal, c_fmlal},
    {"dit", 1, HWCAP_DIT, p_mrs_dit, NULL, NULL},
    {"ilrcpc", 1, HWCAP_ILRCPC, p_ldapur, s_ldapr, c_ldapur},
    {"flagm", 1, HWCAP_FLAGM, p_cfinv, s_cfinv, c_cfinv},
    {"ssbs", 1, HWCAP_SSBS, p_mrs_ssbs, NULL, NULL},
    {"sb", 1, HWCAP_SB, p_sb, NULL, NULL},
    {"paca", 1, HWCAP_PACA, p_pacia, s_pac, NULL},
    {"pacg", 1, HWCAP_PACG, p_pacga, s_pac, NULL},
    {"dcpodp", 2, HWCAP2_DCPODP, p_dc_cvadp, s_dc, NULL},
    {"flagm2", 2, HWCAP2_FLAGM2, p_axflag, s_axflag, c_axflag},
    {"flagm2-xaflag", 2, HWCAP2_FLAGM2, p_xaflag, s_xaflag, c_xaflag},
    {"frint", 2, HWCAP2_FRINT, p_frint32z, s_frint32z, c_frint32z},
    {"i8mm", 2, HWCAP2_I8MM, p_smmla, NULL, NULL},
    {"bf16", 2, HWCAP2_BF16, p_bfdot, NULL, NULL},
    {"rng", 2, HWCAP2_RNG, p_mrs_rndr, NULL, NULL},
};

static void test_instructions(void)
{
    install(SIGILL, probe_ill, 0);
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        const struct feature *f = &features[i];
        int advertised = ((f->word == 1 ? hwcap : hwcap2) & f->bit) != 0;
        struct probe p;
        char name[64];
        const char *why = NULL;

        memset(&p, 0, sizeof(p));
        if (f->setup) {
            f->setup(&p);
        }
        probe_traps = 0;
        probe_err[0] = 0;
        f->run(&p);
        snprintf(name, sizeof(name), "insn-%s-%s", f->name,
                 advertised ? "works" : "traps");
        if (probe_err[0]) {
            why = probe_err;
        } else if (advertised && probe_traps) {
            why = "advertised but SIGILL";
        } else if (!advertised && !probe_traps) {
            why = "not advertised but executed without SIGILL";
        } else if (advertised && f->check) {
            why = f->check(&p);
        }
        report(name, why == NULL, "%s", why ? why : "");
    }
    uninstall(SIGILL);
}

/* ---- 4. misc ---- */

static void test_misc(void)
{
    struct utsname u;
    uint64_t tp, frq, c0, c1, dczid, ctr;
    struct timespec t0, t1, d = {0, 20 * 1000 * 1000};

    report("uname-machine", uname(&u) == 0 && strcmp(u.machine, "aarch64") == 0,
           "machine \"%s\"", u.machine);

    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
    report("tpidr-el0", tp == (uint64_t)__builtin_thread_pointer() && tp != 0,
           "TPIDR_EL0 %#" PRIx64 " thread pointer %p", tp,
           __builtin_thread_pointer());

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(c0));
    nanosleep(&d, NULL);
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(c1));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    {
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        double ticks = (double)(c1 - c0);
        double ratio = frq ? ticks / (secs * (double)frq) : 0;
        /* The counter's rate must be what CNTFRQ_EL0 claims, loosely. */
        report("cntvct-cntfrq", frq != 0 && c1 > c0 && ratio > 0.5 &&
                                     ratio < 2.0,
               "CNTFRQ %" PRIu64 ", %" PRIu64 " ticks in %.4f s", frq, c1 - c0,
               secs);
    }

    __asm__ volatile("mrs %0, dczid_el0" : "=r"(dczid));
    /* 64-byte blocks, as vemu's model and most cores have. */
    report("dczid-el0", dczid == 4, "DCZID_EL0 %#" PRIx64 " (want BS=4, DZP=0)",
           dczid);
    if (!(dczid & 16) && (dczid & 15) <= 9) {
        static uint8_t buf[8192] __attribute__((aligned(4096)));
        int bs = 4 << (dczid & 15);
        int bad = -1;

        memset(buf, 0xaa, sizeof(buf));
        /* An address inside the second block: DC ZVA zeroes the aligned
         * block of DCZID_EL0's size holding it, nothing else. */
        __asm__ volatile("dc zva, %0" : : "r"(buf + bs + 37) : "memory");
        for (int i = 0; i < (int)sizeof(buf); i++) {
            uint8_t w = i >= bs && i < 2 * bs ? 0 : 0xaa;
            if (buf[i] != w) {
                bad = i;
                break;
            }
        }
        report("dc-zva", bad < 0, "byte %d is %#x", bad, bad < 0 ? 0 : buf[bad]);
    }

    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    {
        unsigned iline = 4u << (ctr & 0xf), dline = 4u << ((ctr >> 16) & 0xf);
        report("ctr-el0", (ctr >> 31 & 1) && iline >= 16 && iline <= 2048 &&
                              dline >= 16 && dline <= 2048,
               "CTR_EL0 %#" PRIx64 ": I line %u, D line %u", ctr, iline, dline);
    }
}

/* "sys-prog": everything raised by the program's own instructions;
 * "sys-prog async": the same frame and altstack checks with signals sent
 * by kill/tgkill, which need asynchronous delivery (a separate test, so
 * that one missing mechanism does not hide the rest). */
int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "async") == 0) {
        test_sigframe(0);
        test_sigaltstack(0);
    } else {
        test_sigframe(1);
        test_faults();
        test_tbi();
        test_sigaltstack(1);
        test_hwcap_cpuinfo();
        test_idregs();
        test_instructions();
        test_misc();
    }
    printf("# %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

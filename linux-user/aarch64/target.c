/*
 * vemu-aarch64: the aarch64 user-mode guest. Everything aarch64-specific
 * the shared main program needs: the ELF identity, the address-space
 * layout (user space below 2^40 here; see addr_bits), the system-call
 * convention (number in x8, arguments in x0-x5, result in x0, svc not
 * repeated), AT_HWCAP/AT_HWCAP2 derived from the -cpu model's feature
 * set, and the signals for exceptions that are not system calls.
 */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux-user/aarch64/target-signal.h"
#include "linux-user/generic/target-consts.h"
#include "linux-user/user-arch.h"
#include "target/aarch64/cpu.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

static const ElfTarget aarch64_elf = {
    .machine = EM_AARCH64,
    .elf_class = ELFCLASS64,
    .data = ELFDATA2LSB,
    .arch_name = "aarch64",
};

/* Child of a fork-style clone: sp is xregs[31], the thread pointer
 * TPIDR_EL0. */
static void aarch64_clone_child(CPUState *cs, uint64_t newsp, bool settls,
                                uint64_t tls)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;

    if (newsp) {
        cpu->xregs[31] = newsp;
    }
    if (settls) {
        cpu->tpidr_el0 = tls;
    }
}

static const char *aarch64_cpuinfo(void);

/* A new thread's CPU: the parent's registers, x0 = 0 (clone's result in
 * the child), the exclusive monitor open. */
static CPUState *aarch64_cpu_clone(CPUState *parent)
{
    AArch64CPU *cpu = aligned_alloc(16, sizeof(*cpu));
    if (!cpu) {
        return NULL;
    }
    /* The guest registers only: the runtime part (jump cache included)
     * starts fresh, so copying it would be wasted. */
    memcpy((char *)cpu + sizeof(cpu->parent),
           (const char *)parent + sizeof(cpu->parent),
           sizeof(*cpu) - sizeof(cpu->parent));
    cpu_init_common(&cpu->parent, parent->ops);
    cpu->parent.singlestep = parent->singlestep;
    cpu->parent.max_insns = parent->max_insns;
    cpu->xregs[0] = 0;
    cpu->excl_size = A64_EXCL_NONE;
    return &cpu->parent;
}

/* arm64 moves four open flags away from the asm-generic values
 * (arch/arm64/include/uapi/asm/fcntl.h): O_DIRECTORY 040000, O_NOFOLLOW
 * 0100000, O_DIRECT 0200000, O_LARGEFILE 0400000. The rest are generic. */
#define HOST_O_LARGEFILE_BIT 0100000
static const SyscallFlag aarch64_open_flags[] = {
    {TARGET_O_CREAT, O_CREAT, "O_CREAT"},
    {TARGET_O_EXCL, O_EXCL, "O_EXCL"},
    {TARGET_O_NOCTTY, O_NOCTTY, "O_NOCTTY"},
    {TARGET_O_TRUNC, O_TRUNC, "O_TRUNC"},
    {TARGET_O_APPEND, O_APPEND, "O_APPEND"},
    {TARGET_O_NONBLOCK, O_NONBLOCK, "O_NONBLOCK"},
    {TARGET_O_DSYNC, O_DSYNC, "O_DSYNC"},
    {TARGET_FASYNC, O_ASYNC, "O_ASYNC"},
    {0200000, O_DIRECT, "O_DIRECT"},
    {0400000, HOST_O_LARGEFILE_BIT, "O_LARGEFILE"},
    {040000, O_DIRECTORY, "O_DIRECTORY"},
    {0100000, O_NOFOLLOW, "O_NOFOLLOW"},
    {TARGET_O_NOATIME, O_NOATIME, "O_NOATIME"},
    {TARGET_O_CLOEXEC, O_CLOEXEC, "O_CLOEXEC"},
    {TARGET___O_SYNC, O_SYNC & ~O_DSYNC, "O_SYNC"},
    {TARGET_O_PATH, O_PATH, "O_PATH"},
    /* __O_TMPFILE's own bit; the guest's O_TMPFILE adds its O_DIRECTORY. */
    {TARGET___O_TMPFILE, O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"},
    {0, 0, NULL},
};

static uint64_t aarch64_cpu_sp(CPUState *cs);

static SyscallArch aarch64_sys = {
    .machine = "aarch64",
    .open_flags = aarch64_open_flags,
    .sa_restorer = true,
    .minsigstksz = 5120,
    .clone_child = aarch64_clone_child,
    .cpu_sp = aarch64_cpu_sp,
    .cpu_clone = aarch64_cpu_clone,
    .cpuinfo = aarch64_cpuinfo,
};

static int model_index;

static void aarch64_set_cpu_model(int index)
{
    model_index = index;
}

static CPUState *aarch64_cpu_new(void)
{
    AArch64CPU *cpu = aligned_alloc(16, sizeof(*cpu));

    if (!cpu) {
        abort();
    }
    aarch64_cpu_init(cpu, aarch64_models[model_index].features);
    return &cpu->parent;
}

static void aarch64_cpu_start(CPUState *cs, uint64_t pc, uint64_t sp)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;

    cpu->pc = pc;
    cpu->xregs[31] = sp;
}

static uint64_t aarch64_cpu_pc(CPUState *cs)
{
    return ((AArch64CPU *)cs)->pc;
}

/* Linux's arm64 HWCAP and HWCAP2 bits (uapi asm/hwcap.h) for each
 * feature: what glibc's ifuncs, OpenSSL and zlib test. */
static const struct {
    uint64_t feat;
    unsigned word; /* 1: AT_HWCAP, 2: AT_HWCAP2 */
    unsigned bit;
} hwcap_bits[] = {
    {A64_FEAT_FP, 1, 0},      {A64_FEAT_ASIMD, 1, 1},
    {A64_FEAT_AES, 1, 3},     {A64_FEAT_PMULL, 1, 4},
    {A64_FEAT_SHA1, 1, 5},    {A64_FEAT_SHA256, 1, 6},
    {A64_FEAT_CRC32, 1, 7},   {A64_FEAT_ATOMICS, 1, 8},
    {A64_FEAT_FPHP, 1, 9},    {A64_FEAT_ASIMDHP, 1, 10},
    {A64_FEAT_CPUID, 1, 11},  {A64_FEAT_RDM, 1, 12},
    {A64_FEAT_JSCVT, 1, 13},  {A64_FEAT_FCMA, 1, 14},
    {A64_FEAT_LRCPC, 1, 15},  {A64_FEAT_DCPOP, 1, 16},
    {A64_FEAT_SHA3, 1, 17},   {A64_FEAT_DOTPROD, 1, 20},
    {A64_FEAT_SHA512, 1, 21}, {A64_FEAT_USCAT, 1, 25},
    {A64_FEAT_ILRCPC, 1, 26}, {A64_FEAT_FLAGM, 1, 27},
    {A64_FEAT_SB, 1, 29},     {A64_FEAT_FLAGM2, 2, 7},
    {A64_FEAT_FRINT, 2, 8},
};

/* Names Linux prints in /proc/cpuinfo's "Features" line for each HWCAP
 * bit (arch/arm64/kernel/cpuinfo.c), in bit order. */
static const char *const hwcap_names[] = {
    "fp",     "asimd",   "evtstrm",  "aes",     "pmull", "sha1",     "sha2",
    "crc32",  "atomics", "fphp",     "asimdhp", "cpuid", "asimdrdm", "jscvt",
    "fcma",   "lrcpc",   "dcpop",    "sha3",    "sm3",   "sm4",      "asimddp",
    "sha512", "sve",     "asimdfhm", "dit",     "uscat", "ilrcpc",   "flagm",
    "ssbs",   "sb",      "paca",     "pacg",
};
static const char *const hwcap2_names[] = {
    "dcpodp",  "sve2",   "sveaes", "svepmull", "svebitperm",
    "svesha3", "svesm4", "flagm2", "frint",
};

static void aarch64_auxv(AuxvArch *a)
{
    uint64_t f = aarch64_models[model_index].features;

    a->hwcap = 0;
    a->hwcap2 = 0;
    for (size_t i = 0; i < sizeof(hwcap_bits) / sizeof(hwcap_bits[0]); i++) {
        if ((f & hwcap_bits[i].feat) == hwcap_bits[i].feat) {
            if (hwcap_bits[i].word == 1) {
                a->hwcap |= 1ull << hwcap_bits[i].bit;
            } else {
                a->hwcap2 |= 1ull << hwcap_bits[i].bit;
            }
        }
    }
    /* The kernel's signal frame needs at most this much with FP/SIMD
     * and no SVE (its MINSIGSTKSZ is 5120 to leave room for SVE). */
    a->minsigstksz = 5120;
}

/* /proc/cpuinfo as arm64 Linux prints it, one block per host CPU, with
 * the model's features and MIDR fields. */
static const char *aarch64_cpuinfo(void)
{
    static char buf[64 * 1024];
    AuxvArch a = {0};
    uint64_t midr = aarch64_models[model_index].midr;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = 0;

    aarch64_auxv(&a);
    if (ncpu < 1) {
        ncpu = 1;
    }
    for (long cpu = 0; cpu < ncpu && n < sizeof(buf) - 1024; cpu++) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                              "processor\t: %ld\nBogoMIPS\t: 2000.00\n"
                              "Features\t:",
                              cpu);
        for (unsigned b = 0; b < 32; b++) {
            if (a.hwcap & (1ull << b)) {
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s",
                                      hwcap_names[b]);
            }
        }
        for (unsigned b = 0; b < sizeof(hwcap2_names) / sizeof(char *); b++) {
            if (a.hwcap2 & (1ull << b)) {
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s",
                                      hwcap2_names[b]);
            }
        }
        n += (size_t)snprintf(
            buf + n, sizeof(buf) - n,
            "\nCPU implementer\t: 0x%02x\nCPU architecture: 8\n"
            "CPU variant\t: 0x%x\nCPU part\t: 0x%03x\nCPU revision\t: %u\n\n",
            (unsigned)(midr >> 24) & 0xff, (unsigned)(midr >> 20) & 0xf,
            (unsigned)(midr >> 4) & 0xfff, (unsigned)midr & 0xf);
    }
    return buf;
}

static void aarch64_handle_exception(CPUState *cs, int excp)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;

    switch (excp) {
    case EXCP_A64_SVC: {
        uint64_t args[6];
        int64_t ret;

        for (int i = 0; i < 6; i++) {
            args[i] = cpu->xregs[i];
        }
        /* Past the svc before the call: exit and execve never return,
         * and a restarted call steps back explicitly. */
        cpu->pc += 4;
        ret = vemu_syscall(cs, &aarch64_sys, (int)cpu->xregs[8], args);
        if (ret != SYSCALL_KEEP_REGS) { /* rt_sigreturn set them all */
            cpu->xregs[0] = (uint64_t)ret;
        }
        /* An exception return clears the exclusive monitor. */
        cpu->excl_size = A64_EXCL_NONE;
        break;
    }
    case EXCP_A64_BRK:
        user_force_signal(cs, SIGTRAP, TARGET_TRAP_BRKPT, cpu->pc);
        break;
    case EXCP_A64_UNDEF:
    case EXCP_A64_HLT:
        user_force_signal(cs, SIGILL, TARGET_ILL_ILLOPC, cpu->pc);
        break;
    default:
        fprintf(stderr, "vemu-aarch64: internal error: exception %d\n", excp);
        abort();
    }
}

static uint64_t aarch64_cpu_sp(CPUState *cs)
{
    return ((AArch64CPU *)cs)->xregs[31];
}

/* svc is 4 bytes; x0 is both the first argument and the result. */
static void aarch64_syscall_restart(CPUState *cs, uint64_t arg0)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;

    cpu->pc -= 4;
    cpu->xregs[0] = arg0;
}

static void aarch64_set_fetch_check(bool (*ok)(uint64_t addr, size_t len))
{
    aarch64_fetch_ok = ok;
}

static const char *aarch64_cpu_models[8];
static const char *aarch64_cpu_descriptions[8];

static const UserArch aarch64_user = {
    .name = "aarch64",
    .elf = &aarch64_elf,
    .sys = &aarch64_sys,
    /* Linux gives arm64 processes 48 bits; 40 (1 TiB) is what vemu
     * reserves, ample for ordinary programs, and mmap hints above it are
     * treated as hints only. */
    .addr_bits = 40,
    .exec_base = 0xaaaaaab000ull, /* 2/3 of the space, as Linux */
    .stack_size = 8ull << 20,
    .cpu_models = aarch64_cpu_models,
    .cpu_description = "A64 with FP, Advanced SIMD and the features of the "
                       "model",
    .cpu_descriptions = aarch64_cpu_descriptions,
    .set_cpu_model = aarch64_set_cpu_model,
    .cpu_new = aarch64_cpu_new,
    .cpu_start = aarch64_cpu_start,
    .cpu_pc = aarch64_cpu_pc,
    .auxv = aarch64_auxv,
    .handle_exception = aarch64_handle_exception,
    .set_fetch_check = aarch64_set_fetch_check,
    .cpu_sp = aarch64_cpu_sp,
    .install_sigtramp = aarch64_install_sigtramp,
    .setup_frame = aarch64_setup_frame,
    .restore_frame = aarch64_restore_frame,
    .frame_uc_stack = 128 + 16, /* after siginfo, uc_flags and uc_link */
    .syscall_restart = aarch64_syscall_restart,
};

int main(int argc, char **argv)
{
    static const char *names[1024];
    unsigned n = syscall_generic_nr_count;
    int m = 0;

    for (unsigned i = 0; i < n && i < 1024; i++) {
        names[i] = syscall_generic_names[i];
    }
    aarch64_sys.names = names;
    aarch64_sys.nr_count = n;
    for (; aarch64_models[m].name && m < 7; m++) {
        aarch64_cpu_models[m] = aarch64_models[m].name;
        aarch64_cpu_descriptions[m] = aarch64_models[m].description;
    }
    aarch64_cpu_models[m] = NULL;
    return linux_user_main(&aarch64_user, argc, argv);
}

/*
 * Names of ELF machine types, for the loader's "wrong architecture"
 * message: what the binary is and what runs it (another vemu-ARCH, the
 * host itself, or nothing vemu ships). One table; the first row matching
 * machine, class and byte order wins (0 in a row matches anything).
 */
#include <elf.h>
#include <stdio.h>

#include "loader/elf-load.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/* What runs a binary of a row. */
enum { RUN_NONE, RUN_VEMU, RUN_HOST };

typedef struct MachineName {
    uint16_t machine;
    int elf_class;      /* 0: any */
    int data;           /* 0: any */
    const char *phrase; /* with its article: "an aarch64" */
    int run;
    const char *vemu; /* RUN_VEMU: the binary that runs it */
} MachineName;

/* The host runs its own binaries; checked on the build host's ISA, which
 * is the one vemu runs on. */
#if defined(__x86_64__)
#define HOST_X86 RUN_HOST
#else
#define HOST_X86 RUN_NONE
#endif
#if defined(__aarch64__)
#define HOST_ARM64 RUN_HOST
#else
#define HOST_ARM64 RUN_VEMU
#endif

static const MachineName machine_names[] = {
    {EM_AARCH64, ELFCLASS64, ELFDATA2LSB, "an aarch64", HOST_ARM64,
     "vemu-aarch64"},
    {EM_AARCH64, ELFCLASS64, ELFDATA2MSB, "a big-endian aarch64", RUN_NONE},
    {EM_AARCH64, ELFCLASS32, 0, "an aarch64 ILP32", RUN_NONE},
    {EM_RISCV, ELFCLASS64, ELFDATA2LSB, "a riscv64", RUN_VEMU, "vemu-riscv64"},
    {EM_RISCV, ELFCLASS32, 0, "a riscv32", RUN_NONE},
    {EM_RISCV, 0, 0, "a RISC-V", RUN_NONE},
    {EM_ARM, ELFCLASS32, ELFDATA2LSB, "a 32-bit arm", RUN_VEMU, "vemu-arm"},
    {EM_ARM, 0, 0, "a big-endian 32-bit arm", RUN_NONE},
    {EM_X86_64, ELFCLASS64, 0, "an x86-64", HOST_X86},
    {EM_X86_64, ELFCLASS32, 0, "an x32 (x86-64 ILP32)", HOST_X86},
    {EM_386, 0, 0, "a 32-bit x86", HOST_X86},
    {EM_MIPS, ELFCLASS64, ELFDATA2LSB, "a mips64el", RUN_NONE},
    {EM_MIPS, ELFCLASS64, 0, "a mips64", RUN_NONE},
    {EM_MIPS, 0, ELFDATA2LSB, "a mipsel", RUN_NONE},
    {EM_MIPS, 0, 0, "a mips", RUN_NONE},
    {EM_PPC64, 0, ELFDATA2LSB, "a ppc64le", RUN_NONE},
    {EM_PPC64, 0, 0, "a ppc64", RUN_NONE},
    {EM_PPC, 0, 0, "a 32-bit powerpc", RUN_NONE},
    {EM_S390, 0, 0, "an s390x", RUN_NONE},
    {EM_SPARCV9, 0, 0, "a sparc64", RUN_NONE},
    {EM_SPARC, 0, 0, "a sparc", RUN_NONE},
    {EM_LOONGARCH, 0, 0, "a loongarch", RUN_NONE},
    {EM_IA_64, 0, 0, "an ia64", RUN_NONE},
    {EM_ALPHA, 0, 0, "an alpha", RUN_NONE},
    {EM_PARISC, 0, 0, "a hppa", RUN_NONE},
    {EM_SH, 0, 0, "a superh", RUN_NONE},
    {EM_68K, 0, 0, "an m68k", RUN_NONE},
};

void elf_describe_machine(uint16_t machine, int elf_class, int data, char *buf,
                          size_t len)
{
    for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]);
         i++) {
        const MachineName *n = &machine_names[i];
        if (n->machine != machine ||
            (n->elf_class && n->elf_class != elf_class) ||
            (n->data && n->data != data)) {
            continue;
        }
        switch (n->run) {
        case RUN_VEMU:
            snprintf(buf, len, "is %s binary, use %s", n->phrase, n->vemu);
            return;
        case RUN_HOST:
            snprintf(buf, len, "is %s binary (run it directly)", n->phrase);
            return;
        default:
            snprintf(buf, len, "is %s binary, which vemu does not run",
                     n->phrase);
            return;
        }
    }
    snprintf(buf, len, "has unknown machine type %u", (unsigned)machine);
}

/*
 * The initial process stack, as Linux's execve leaves it for a new
 * program: argc, argv, envp and the auxiliary vector (auxv), with the
 * strings and AT_RANDOM's 16 bytes above them. Built in guest memory
 * through GuestMemOps; parsed back for tests and for /proc/self/auxv.
 *
 * Layout, from stack_top down (guest words of 4 or 8 bytes, little-endian):
 *   one zero word;
 *   the execfn string (AT_EXECFN), then the envp strings, then the argv
 *   strings, so that argv[0]'s string is the lowest of them;
 *   (aligned down to 16) the platform string (AT_PLATFORM), if any;
 *   AT_RANDOM's 16 random bytes;
 *   padding, so that sp ends 16-byte aligned;
 *   auxv pairs ending with AT_NULL, envp pointers + NULL, argv pointers +
 *   NULL, argc  <- sp.
 */
#ifndef VEMU_LOADER_STACK_H
#define VEMU_LOADER_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/elf-load.h"

/* What the architecture and the host put in auxv. */
typedef struct AuxvArch {
    uint64_t hwcap;                /* AT_HWCAP */
    uint64_t hwcap2;               /* AT_HWCAP2; 0: omitted */
    const char *platform;          /* AT_PLATFORM string; NULL: omitted */
    uint64_t minsigstksz;          /* AT_MINSIGSTKSZ; 0: omitted */
    uint64_t clktck;               /* AT_CLKTCK; 0 means 100 */
    uint64_t uid, euid, gid, egid; /* usually the host's */
    bool secure;                   /* AT_SECURE */
    /* At most 64 architecture entries, put first as Linux's ARCH_DLINFO does
     * (AT_SYSINFO_EHDR, cache geometry, AT_EXECFD, ...). */
    const uint64_t (*extra)[2];
    int n_extra;
} AuxvArch;

/* Words of guest memory: 8 for ELFCLASS64 images, 4 for ELFCLASS32. */
int elf_stack_word_size(const ImageInfo *info);

/*
 * Build the stack below stack_top, never writing below stack_limit (both
 * guest addresses inside one mapped, writable region). execfn is the file
 * name as the program was asked to run (AT_EXECFN). argv and envp are NULL
 * terminated; argc counts argv. Returns 0 with the initial sp in *out_sp,
 * or -1 with one line in err ("argument list too long", ...).
 */
int elf_build_initial_stack(const GuestMemOps *m, uint64_t stack_top,
                            uint64_t stack_limit, int argc, char **argv,
                            char **envp, const char *execfn,
                            const ImageInfo *info, const AuxvArch *a,
                            uint64_t *out_sp, char *err, size_t errlen);

/* A built stack, read back. Addresses are guest addresses. */
typedef struct InitialStack {
    uint64_t sp;
    uint64_t argc;
    uint64_t argv; /* the argv pointer array */
    uint64_t envc;
    uint64_t envp; /* the envp pointer array */
    uint64_t auxv; /* the first auxv pair */
    uint64_t auxc; /* pairs, AT_NULL included */
    int word;      /* 4 or 8 */
} InitialStack;

/* Parse the stack at sp, reading no higher than stack_top. Returns 0, or
 * -1 if it is not well formed (unterminated arrays, out of range). */
int elf_parse_initial_stack(const GuestMemOps *m, uint64_t sp,
                            uint64_t stack_top, int word, InitialStack *out);

/* A guest word at addr (little-endian). */
uint64_t elf_stack_word(const GuestMemOps *m, uint64_t addr, int word);

/* The value of auxv entry type; false if absent. */
bool elf_auxv_lookup(const GuestMemOps *m, const InitialStack *st,
                     uint64_t type, uint64_t *value);

#endif /* VEMU_LOADER_STACK_H */

/*
 * ELF loader: maps a guest program (ET_EXEC, ET_DYN/PIE, static-pie) and,
 * when it names one with PT_INTERP, its dynamic loader into guest memory,
 * the way Linux's execve does, and describes the result for the initial
 * stack (loader/stack.h) and the CPU start.
 *
 * It relies on nothing of the guest memory manager but the small
 * GuestMemOps interface below, and on libelf only to read headers: every
 * size and offset is checked against the file here before it is used.
 * It guarantees: on success, every PT_LOAD is in guest memory with its
 * file bytes (whole pages mapped from the file when GuestMemOps.map_file
 * allows, the rest read in), zeroed bss (through the end of its last page) and its own
 * protection; on failure, nothing stays mapped (when unmap is given), and
 * exactly one line "PATH: problem" describes the first problem found.
 */
#ifndef VEMU_LOADER_ELF_LOAD_H
#define VEMU_LOADER_ELF_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The guest architecture a vemu-ARCH binary runs. */
typedef struct ElfTarget {
    uint16_t machine; /* EM_RISCV, EM_AARCH64, ... */
    int elf_class;    /* ELFCLASS64 or ELFCLASS32 */
    int data;         /* ELFDATA2LSB (the only one the stack builder knows) */
    const char *arch_name; /* "riscv64": messages say "vemu-riscv64" */
    /* Optional: NULL if e_flags are acceptable, else the problem, e.g.
     * "uses the RV32E base ISA". Applied to the program and interpreter. */
    const char *(*check_flags)(uint32_t e_flags);
} ElfTarget;

/* Guest memory, as the loader needs it. Addresses are guest addresses;
 * every length is a multiple of page_size and every address page-aligned.
 * Functions return 0 or a negative errno. */
typedef struct GuestMemOps {
    /* Anonymous zeroed mapping of len bytes with protection prot (PROT_*).
     * fixed: exactly at guest_addr, replacing what was there. Not fixed:
     * guest_addr is a hint; the address chosen is returned in *out_addr. */
    int (*map)(void *opaque, uint64_t guest_addr, uint64_t len, int prot,
               bool fixed, uint64_t *out_addr);
    /* Change the protection of mapped pages (mprotect semantics). */
    int (*protect)(void *opaque, uint64_t guest_addr, uint64_t len, int prot);
    /* Optional (may be NULL): unmap. Used to trim alignment slack and to
     * undo a failed load; without it those pages are left PROT_NONE. */
    int (*unmap)(void *opaque, uint64_t guest_addr, uint64_t len);
    /* Optional (may be NULL): map len bytes of fd at offset privately
     * (copy-on-write) exactly at guest_addr, replacing what is there.
     * The loader maps the whole pages of each segment's file bytes this
     * way rather than reading them in: the page cache already holds
     * them, so untouched pages cost nothing and read faults map several
     * pages at once. On failure the loader reads the bytes instead. */
    int (*map_file)(void *opaque, uint64_t guest_addr, uint64_t len, int prot,
                    int fd, uint64_t offset);
    /* Host address of a mapped guest address, NULL if not mapped. The host
     * bytes of one mapping must be contiguous (true with tcg_guest_base). */
    void *(*g2h)(void *opaque, uint64_t guest_addr);
    void *opaque;
    uint64_t page_size;
    /* Hint for ET_DYN programs (PIE, static-pie, a dynamic loader run as
     * the program); 0 means mmap_base. Linux uses 2/3 of the address
     * space, which leaves room for brk above the program. */
    uint64_t exec_base;
    /* Hint for the dynamic loader named by PT_INTERP. */
    uint64_t mmap_base;
    /* First guest address user space cannot use (e.g. 1 << 38 for an Sv39
     * layout); 0 means 2^64. Images reaching beyond it are refused. */
    uint64_t addr_limit;
} GuestMemOps;

/* How the path in PT_INTERP becomes a file. NULL: open(2) as is. */
typedef struct ElfOpener {
    /* Return an open read-only fd, or a negative errno. */
    int (*open_path)(void *opaque, const char *guest_path);
    void *opaque;
} ElfOpener;

#define ELF_INTERP_PATH_MAX 4096

typedef struct ImageInfo {
    uint64_t load_bias; /* 0 for ET_EXEC */
    uint64_t entry;     /* program entry: load_bias + e_entry (AT_ENTRY) */
    uint64_t start_pc;  /* where the CPU starts: interp_entry or entry */
    uint64_t phdr_addr; /* program headers in guest memory (AT_PHDR) */
    uint16_t phnum;     /* AT_PHNUM */
    uint16_t phentsize; /* AT_PHENT */
    uint64_t image_start, image_end; /* page-aligned span of the program */
    uint64_t start_code, end_code;   /* lowest/highest end of PF_X segments */
    uint64_t start_data, end_data;   /* same for writable, file-backed part */
    uint64_t start_brk;    /* page-aligned end of the highest segment */
    uint64_t interp_bias;  /* AT_BASE; 0 without an interpreter */
    uint64_t interp_entry; /* 0 without an interpreter */
    uint64_t interp_start, interp_end;     /* its page-aligned span, or 0 */
    char interp_path[ELF_INTERP_PATH_MAX]; /* "" without an interpreter */
    uint16_t machine;
    uint32_t e_flags;
    int elf_class;
    bool is_dyn;     /* ET_DYN (PIE, static-pie or a dynamic loader) */
    bool exec_stack; /* PT_GNU_STACK asks for it (or is absent) */
} ImageInfo;

/* Longest message written to err (including the path). */
#define ELF_ERR_MAX 1024

/*
 * Load the program at path (a host path) and its interpreter. Returns 0,
 * or -1 with one line "PATH: problem" (no newline) in err; when err is
 * NULL, "vemu: PATH: problem\n" is written to stderr instead.
 */
int elf_load_program(const char *path, const ElfTarget *t, const GuestMemOps *m,
                     const ElfOpener *opener, ImageInfo *out, char *err,
                     size_t errlen);

/* The same for a program already open (binfmt_misc's O flag); name is used
 * in messages. fd is read with pread and left open. */
int elf_load_program_fd(int fd, const char *name, const ElfTarget *t,
                        const GuestMemOps *m, const ElfOpener *opener,
                        ImageInfo *out, char *err, size_t errlen);

/* What a machine number is and what runs it, for messages: writes a phrase
 * such as "is an aarch64 binary, use vemu-aarch64", "is an x86-64 binary
 * (run it directly)" or "has unknown machine type 4660" into buf. */
void elf_describe_machine(uint16_t machine, int elf_class, int data, char *buf,
                          size_t len);

#endif /* VEMU_LOADER_ELF_LOAD_H */

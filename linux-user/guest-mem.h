/*
 * Guest memory for user-mode emulation: one reserved region of host
 * address space holds the whole guest address space, [0, 2^addr_bits) at
 * host [tcg_guest_base, tcg_guest_base + 2^addr_bits), reserved PROT_NONE
 * and MAP_NORESERVE so it costs nothing until mapped. Generated code is
 * confined to it (tcg_guest_addr_bits), so a guest can never touch the
 * emulator's own memory.
 *
 * A page map records what the guest has mapped, with the guest's view of
 * the protection (PROT_EXEC included, which the host pages never get: code
 * is translated, not executed in place). Every syscall that takes a guest
 * pointer goes through guest_copy_from/guest_copy_to/guest_lock, which
 * check the map and return -EFAULT instead of faulting in the emulator.
 *
 * Guest pages are host pages (4 KiB on x86-64 hosts, and the page size of
 * every guest supported so far). All functions are thread-safe.
 */
#ifndef VEMU_LINUX_USER_GUEST_MEM_H
#define VEMU_LINUX_USER_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tcg/exec.h"

#define GUEST_PAGE_SIZE 4096ull
#define GUEST_PAGE_MASK (~(GUEST_PAGE_SIZE - 1))

/* Page flags: the guest's PROT_* bits plus bookkeeping. */
enum {
    PAGE_READ = 0x1,   /* == PROT_READ */
    PAGE_WRITE = 0x2,  /* == PROT_WRITE */
    PAGE_EXEC = 0x4,   /* == PROT_EXEC */
    PAGE_VALID = 0x10, /* mapped at all */
    PAGE_ANON = 0x20,  /* anonymous (zero-fill) mapping */
    PAGE_SHARED = 0x40,
};

/*
 * Reserve the guest address space: 2^addr_bits bytes (e.g. 38 for a
 * riscv64 guest with Sv39-like user space, 47 is too large to reserve on
 * a 47-bit host: callers pick what the guest ABI needs). Sets
 * tcg_guest_base and tcg_guest_addr_bits (call it before tcg_exec_init:
 * generated code bakes the address bits in). mmap_base is where searches
 * for free space start (going down, then up above it when nothing fits
 * below), as the kernel's mmap_base; 0 or anything above 2^addr_bits means
 * the top of the space. addr_bits is 17 to 56.
 * Returns 0, or -errno with one line on stderr naming the problem.
 */
int guest_mem_init(unsigned addr_bits, uint64_t mmap_base);
/* The same with the reservation at a chosen host address (qemu-user's -B);
 * fails with one line on stderr if that range is not free. */
int guest_mem_init_at(unsigned addr_bits, uint64_t mmap_base,
                      uintptr_t host_base);
uint64_t guest_mem_limit(void); /* 2^addr_bits */
/* Release the reservation and forget every mapping (tests, teardown);
 * guest_mem_init may then be called again. tcg_guest_base and
 * tcg_guest_addr_bits go back to 0: flush translations before reuse. */
void guest_mem_fini(void);

/* Searches for free space (mmap without MAP_FIXED, mremap moves) never
 * go below this, so the guest's page 0 stays unmapped unless it asks for
 * it with MAP_FIXED (like the kernel's vm.mmap_min_addr). */
#define GUEST_MMAP_MIN_ADDR 0x10000ull

static inline void *g2h(uint64_t guest_addr)
{
    return (void *)(tcg_guest_base + (uintptr_t)guest_addr);
}

static inline uint64_t h2g(const void *host)
{
    return (uint64_t)((uintptr_t)host - tcg_guest_base);
}

/* The mmap family, with Linux semantics and guest PROT_/MAP_ values
 * already translated to the host's (they are the same numbers on every
 * supported guest). Return the guest address or -errno. */
int64_t guest_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
                   off_t offset);
int guest_munmap(uint64_t addr, uint64_t len);
int guest_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t guest_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                     int flags, uint64_t new_addr);
int guest_madvise(uint64_t addr, uint64_t len, int advice);

/* brk: guest_brk_init after loading (start = page-aligned end of the
 * image); guest_brk(0) returns the current break, guest_brk(x) moves it
 * and returns the new break (the old one on failure, as Linux does). */
void guest_brk_init(uint64_t start);
uint64_t guest_brk(uint64_t new_brk);
/* The break's start and current value (both 0 before guest_brk_init). */
void guest_brk_range(uint64_t *start, uint64_t *cur);

/* Page map queries. */
int guest_page_flags(uint64_t addr); /* 0 if unmapped */
/* True if every page of [addr, addr+len) is mapped with all of `need`
 * (PAGE_READ/WRITE/EXEC). len 0 is always valid. */
bool guest_range_ok(uint64_t addr, uint64_t len, int need);
/* guest_range_ok(addr, len, PAGE_EXEC), cached per thread for the
 * translator's instruction fetches. */
bool guest_exec_ok(uint64_t addr, uint64_t len);

/* Safe copies between guest memory and host buffers: 0 or -EFAULT. */
int guest_copy_from(void *dst, uint64_t src, size_t len);
int guest_copy_to(uint64_t dst, const void *src, size_t len);
/* Guest C string into a host buffer: length, -EFAULT, or -ENAMETOOLONG
 * if it does not fit in size (including the NUL). */
ssize_t guest_strncpy_from(char *dst, uint64_t src, size_t size);
/* Direct host pointer to a checked guest range (NULL if not accessible),
 * for bulk I/O such as read(2)/write(2) into guest buffers. Hand it to
 * host system calls only: another guest thread may unmap the range
 * meanwhile, which a system call reports as EFAULT but a memcpy in vemu
 * would take as a fatal fault. write=true drops translations of code in
 * the range (the caller is about to overwrite it). */
void *guest_lock(uint64_t addr, size_t len, bool write);

/* For /proc/self/maps emulation: calls fn for each maximal run of pages
 * with equal flags, in address order. */
void guest_mem_walk(void (*fn)(void *opaque, uint64_t start, uint64_t end,
                               int flags),
                    void *opaque);

/* Name private memory the loader filled from a file (the program and
 * its interpreter, whose partial pages and bss are copied in, not
 * mapped) for /proc/self/maps:
 * [start, end) shows the file (dev, ino, offset of start, name as the
 * guest sees it) until it is unmapped or replaced. */
void guest_mem_label(uint64_t start, uint64_t end, dev_t dev, ino_t ino,
                     uint64_t offset, const char *name);
typedef struct GuestMemLabel {
    uint64_t start, end;
    dev_t dev;
    ino_t ino;
    uint64_t offset;
    const char *name; /* lives as long as the process */
} GuestMemLabel;
/* The labels, sorted by address, in a g_free'd array; returns the count. */
size_t guest_mem_labels(GuestMemLabel **out);

#endif

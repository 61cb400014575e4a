/*
 * Memory system calls: brk and the mmap family, carried out by the guest
 * memory manager (linux-user/guest-mem.h), which owns the guest address
 * space and its page map. This file only translates guest PROT_/MAP_/
 * MREMAP_ values to the host's and checks what Linux checks before
 * touching memory; guest-mem returns -errno itself.
 */
#include <sys/mman.h>

#include "syscall/internal.h"

int64_t sys_brk(SyscallCtx *c, const uint64_t *a)
{
    /* Never fails: Linux returns the unchanged break instead. */
    return (int64_t)guest_brk(a[0]);
}

static int prot_to_host(const SyscallArch *arch, uint64_t prot)
{
    return (int)sys_flags_to_host(sys_prot_table(arch), (uint32_t)prot);
}

int64_t sys_mmap(SyscallCtx *c, const uint64_t *a)
{
    uint64_t flags = (uint32_t)a[3];
    int type;
    switch (flags & TARGET_MAP_TYPE) {
    case TARGET_MAP_SHARED:
        type = MAP_SHARED;
        break;
    case TARGET_MAP_PRIVATE:
        type = MAP_PRIVATE;
        break;
    case TARGET_MAP_SHARED_VALIDATE:
        type = MAP_SHARED_VALIDATE;
        break;
    default:
        return -EINVAL;
    }
    int hflags =
        type | (int)sys_flags_to_host(sys_map_table(c->arch),
                                      flags & ~(uint64_t)TARGET_MAP_TYPE);
    /* The offset must be page-aligned (mmap takes bytes on 64-bit). */
    if (a[5] & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    int fd = (hflags & MAP_ANONYMOUS) ? -1 : (int)a[4];
    return guest_mmap(a[0], a[1], prot_to_host(c->arch, a[2]), hflags, fd,
                      (off_t)a[5]);
}

int64_t sys_munmap(SyscallCtx *c, const uint64_t *a)
{
    return guest_munmap(a[0], a[1]);
}

int64_t sys_mprotect(SyscallCtx *c, const uint64_t *a)
{
    return guest_mprotect(a[0], a[1], prot_to_host(c->arch, a[2]));
}

int64_t sys_mremap(SyscallCtx *c, const uint64_t *a)
{
    uint32_t f = (uint32_t)a[3];
    if (f & ~(uint32_t)(TARGET_MREMAP_MAYMOVE | TARGET_MREMAP_FIXED |
                        TARGET_MREMAP_DONTUNMAP)) {
        return -EINVAL;
    }
    int hflags = ((f & TARGET_MREMAP_MAYMOVE) ? MREMAP_MAYMOVE : 0) |
                 ((f & TARGET_MREMAP_FIXED) ? MREMAP_FIXED : 0) |
                 ((f & TARGET_MREMAP_DONTUNMAP) ? MREMAP_DONTUNMAP : 0);
    return guest_mremap(a[0], a[1], a[2], hflags, a[4]);
}

int64_t sys_madvise(SyscallCtx *c, const uint64_t *a)
{
    /* MADV_* values are the asm-generic ones on both sides; guest-mem
     * decides which advice is safe to pass to the host. */
    return guest_madvise(a[0], a[1], (int)a[2]);
}

/* riscv_flush_icache(start, end, flags): the guest has written code in
 * [start, end) and wants it seen (glibc's __riscv_flush_icache, used for
 * __builtin___clear_cache by JITs): drop its translations. Only the
 * SYS_RISCV_FLUSH_ICACHE_LOCAL flag (bit 0) exists; translations are
 * shared by all threads, so local and global flushes are the same here. */
int64_t sys_riscv_flush_icache(SyscallCtx *c, const uint64_t *a)
{
    if (a[2] & ~1ull) {
        return -EINVAL;
    }
    if (a[1] > a[0]) {
        tb_invalidate_range(a[0], a[1]);
    }
    return 0;
}

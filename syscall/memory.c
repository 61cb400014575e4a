/*
 * Memory system calls: brk, the mmap family, and the calls that only
 * look at or pin mappings (msync, mincore, mlock family), carried out by
 * the guest memory manager (linux-user/guest-mem.h), which owns the guest
 * address space and its page map. This file translates guest PROT_/MAP_/
 * MREMAP_ values to the host's and checks what Linux checks before
 * touching memory (flags a validating mmap does not know, mappings below
 * vm.mmap_min_addr, ranges that are not mapped in the guest, which the
 * host would see as its PROT_NONE reservation); guest-mem returns -errno
 * itself. memfd_create is here too: its fds exist to be mapped.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/internal.h"

/* The bits a MAP_SHARED_VALIDATE mapping accepts (the kernel's
 * LEGACY_MAP_MASK for asm-generic guests, huge page sizes included), and
 * MAP_SYNC, which the host then checks against the file. */
#define VALIDATE_KNOWN                                                        \
    (TARGET_MAP_TYPE | TARGET_MAP_FIXED | TARGET_MAP_ANONYMOUS |              \
     TARGET_MAP_GROWSDOWN | TARGET_MAP_DENYWRITE | TARGET_MAP_EXECUTABLE |    \
     TARGET_MAP_LOCKED | TARGET_MAP_NORESERVE | TARGET_MAP_POPULATE |         \
     TARGET_MAP_NONBLOCK | TARGET_MAP_STACK | TARGET_MAP_HUGETLB |            \
     TARGET_MAP_SYNC | 0x4000000u /* MAP_UNINITIALIZED */ |                   \
     (0x3fu << 26) /* MAP_HUGE_SHIFT size field */)

/* The host's vm.mmap_min_addr, which the guest's kernel would have: a
 * fixed mapping below it needs CAP_SYS_RAWIO (EPERM otherwise). */
static uint64_t mmap_min_addr(void)
{
    static uint64_t cached = UINT64_MAX;
    uint64_t v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v != UINT64_MAX) {
        return v;
    }
    v = 65536; /* the usual default */
    FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "re");
    if (f) {
        unsigned long long x;
        if (fscanf(f, "%llu", &x) == 1) {
            v = x;
        }
        fclose(f);
    }
    __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    return v;
}

static bool has_cap_sys_rawio(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {0};
    if (syscall(SYS_capget, &h, d) != 0) {
        return false;
    }
    return d[CAP_SYS_RAWIO / 32].effective & (1u << (CAP_SYS_RAWIO % 32));
}

/* May the guest map [addr, ...) with MAP_FIXED? */
static bool fixed_addr_allowed(uint64_t addr)
{
    return addr >= mmap_min_addr() || has_cap_sys_rawio();
}

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
        /* Validation is for files: anonymous memory refuses the type. */
        if (flags & TARGET_MAP_ANONYMOUS) {
            return -EINVAL;
        }
        if (flags & ~(uint64_t)VALIDATE_KNOWN) {
            return -EOPNOTSUPP;
        }
        type = MAP_SHARED_VALIDATE;
        break;
    default:
        return -EINVAL;
    }
    if ((flags & (TARGET_MAP_FIXED | TARGET_MAP_FIXED_NOREPLACE)) &&
        !fixed_addr_allowed(a[0])) {
        return -EPERM;
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
    /* Unlike mmap, mprotect refuses bits it does not know (the prot
     * table lists the guest's): dropping one could leave PROT_NONE. */
    uint64_t known = 0;
    for (const SyscallFlag *f = sys_prot_table(c->arch); f->name; f++) {
        known |= f->target;
    }
    if (a[2] & ~known) {
        return -EINVAL;
    }
    return guest_mprotect(a[0], a[1], prot_to_host(c->arch, a[2]));
}

int64_t sys_mremap(SyscallCtx *c, const uint64_t *a)
{
    uint32_t f = (uint32_t)a[3];
    if (f & ~(uint32_t)(TARGET_MREMAP_MAYMOVE | TARGET_MREMAP_FIXED |
                        TARGET_MREMAP_DONTUNMAP)) {
        return -EINVAL;
    }
    if ((f & TARGET_MREMAP_FIXED) && !fixed_addr_allowed(a[4])) {
        return -EPERM;
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

/* [addr, addr+len) rounded out to pages, if every page of it is mapped in
 * the guest: -EINVAL for a misaligned addr when aligned is set, -ENOMEM
 * for holes (what msync, mincore and mlock report). */
static int mapped_range(uint64_t addr, uint64_t len, bool aligned,
                        uint64_t *start, uint64_t *alen)
{
    if (aligned && (addr & (GUEST_PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    uint64_t s = addr & GUEST_PAGE_MASK;
    uint64_t end = addr + len;
    if (end < addr || end > UINT64_MAX - GUEST_PAGE_SIZE) {
        return -ENOMEM;
    }
    end = (end + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;
    if (end > s && !guest_range_ok(s, end - s, 0)) {
        return -ENOMEM;
    }
    *start = s;
    *alen = end - s;
    return 0;
}

int64_t sys_msync(SyscallCtx *c, const uint64_t *a)
{
    uint64_t f = a[2], start, len;
    /* MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4 on every guest and host. */
    if ((f & ~7ull) || ((f & MS_ASYNC) && (f & MS_SYNC))) {
        return -EINVAL;
    }
    int r = mapped_range(a[0], a[1], true, &start, &len);
    if (r < 0 || len == 0) {
        return r;
    }
    return sys_ret(msync(g2h(start), len, (int)f));
}

int64_t sys_mincore(SyscallCtx *c, const uint64_t *a)
{
    uint64_t start, len;
    int r = mapped_range(a[0], a[1], true, &start, &len);
    if (r < 0) {
        return r;
    }
    /* One byte per page, through a bounce buffer: the vector is guest
     * memory and the host must not write into it unchecked. */
    unsigned char vec[4096];
    uint64_t pages = len / GUEST_PAGE_SIZE;
    for (uint64_t done = 0; done < pages;) {
        uint64_t n = pages - done < sizeof(vec) ? pages - done : sizeof(vec);
        if (mincore(g2h(start + done * GUEST_PAGE_SIZE),
                    n * GUEST_PAGE_SIZE, vec) != 0) {
            return sys_errno();
        }
        if (guest_copy_to(a[2] + done, vec, n) != 0) {
            return -EFAULT;
        }
        done += n;
    }
    return 0;
}

/* mlock, mlock2 and munlock on the guest pages themselves: the host
 * applies RLIMIT_MEMLOCK and the privileges as it would for the guest. */
static int64_t lock_range(uint64_t addr, uint64_t len, bool lock,
                          unsigned flags)
{
    uint64_t start, alen;
    int r = mapped_range(addr, len, false, &start, &alen);
    if (r < 0 || alen == 0) {
        return r;
    }
    if (!lock) {
        return sys_ret(munlock(g2h(start), alen));
    }
    return sys_ret(syscall(SYS_mlock2, g2h(start), alen, flags));
}

int64_t sys_mlock(SyscallCtx *c, const uint64_t *a)
{
    return lock_range(a[0], a[1], true, 0);
}

int64_t sys_mlock2(SyscallCtx *c, const uint64_t *a)
{
    if (a[2] & ~1ull) { /* MLOCK_ONFAULT is the only flag */
        return -EINVAL;
    }
    return lock_range(a[0], a[1], true, (unsigned)a[2]);
}

int64_t sys_munlock(SyscallCtx *c, const uint64_t *a)
{
    return lock_range(a[0], a[1], false, 0);
}

/* mlockall/munlockall: the host call would lock vemu's whole address
 * space (the guest reservation is terabytes), so only the arguments are
 * checked, as Linux checks them. Locking is an optimisation no program
 * can observe except through RLIMIT_MEMLOCK accounting. */
int64_t sys_mlockall(SyscallCtx *c, const uint64_t *a)
{
    uint64_t f = a[0];
    /* MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4 (asm-generic). */
    if (f == 0 || (f & ~7ull) || f == 4) {
        return -EINVAL;
    }
    return 0;
}

int64_t sys_munlockall(SyscallCtx *c, const uint64_t *a)
{
    return 0;
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

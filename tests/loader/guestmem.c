/*
 * Test guest memory (see guestmem.h): a reservation with a page table of
 * protections, and a first-fit allocator from the hint upwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "guestmem.h"

static bool in_range(const TestMem *tm, uint64_t a, uint64_t len)
{
    uint64_t ps = tm->ops.page_size;
    return len > 0 && a % ps == 0 && len % ps == 0 && a < tm->size &&
           len <= tm->size - a;
}

static void set_prot(TestMem *tm, uint64_t a, uint64_t len, int prot)
{
    uint64_t ps = tm->ops.page_size;
    for (uint64_t p = a / ps; p < (a + len) / ps; p++) {
        tm->prot[p] = (int8_t)prot;
    }
}

static bool range_free(const TestMem *tm, uint64_t a, uint64_t len)
{
    uint64_t ps = tm->ops.page_size;
    for (uint64_t p = a / ps; p < (a + len) / ps; p++) {
        if (tm->prot[p] != TM_UNMAPPED) {
            return false;
        }
    }
    return true;
}

static int tm_map(void *opaque, uint64_t addr, uint64_t len, int prot,
                  bool fixed, uint64_t *out)
{
    TestMem *tm = opaque;
    uint64_t ps = tm->ops.page_size;

    tm->maps++;
    if (tm->fail_map_after > 0 && tm->maps > tm->fail_map_after) {
        return -ENOMEM;
    }
    if (!fixed) {
        /* First fit from the hint upwards, then from the bottom. */
        uint64_t a = addr & ~(ps - 1);
        bool found = false;
        for (int pass = 0; pass < 2 && !found; pass++) {
            for (; in_range(tm, a, len); a += ps) {
                if (a != 0 && range_free(tm, a, len)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                a = ps;
            }
        }
        if (!found) {
            return -ENOMEM;
        }
        addr = a;
    }
    if (!in_range(tm, addr, len)) {
        return -ENOMEM;
    }
    void *h =
        mmap(tm->base + addr, len, prot | PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (h == MAP_FAILED) {
        return -errno;
    }
    if (tm->dirty) {
        memset(h, 0xa5, len);
    }
    if (mprotect(h, len, prot) < 0) {
        return -errno;
    }
    set_prot(tm, addr, len, prot);
    *out = addr;
    return 0;
}

static int tm_protect(void *opaque, uint64_t addr, uint64_t len, int prot)
{
    TestMem *tm = opaque;
    if (!in_range(tm, addr, len)) {
        return -ENOMEM;
    }
    uint64_t ps = tm->ops.page_size;
    for (uint64_t p = addr / ps; p < (addr + len) / ps; p++) {
        if (tm->prot[p] == TM_UNMAPPED) {
            return -ENOMEM;
        }
    }
    if (mprotect(tm->base + addr, len, prot) < 0) {
        return -errno;
    }
    set_prot(tm, addr, len, prot);
    return 0;
}

static int tm_unmap(void *opaque, uint64_t addr, uint64_t len)
{
    TestMem *tm = opaque;
    if (!in_range(tm, addr, len)) {
        return -EINVAL;
    }
    void *h =
        mmap(tm->base + addr, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    if (h == MAP_FAILED) {
        return -errno;
    }
    set_prot(tm, addr, len, TM_UNMAPPED);
    return 0;
}

static void *tm_g2h(void *opaque, uint64_t addr)
{
    TestMem *tm = opaque;
    if (addr >= tm->size || tm->prot[addr / tm->ops.page_size] == TM_UNMAPPED) {
        return NULL;
    }
    return tm->base + addr;
}

void tm_init(TestMem *tm, uint64_t size, uint64_t page_size)
{
    memset(tm, 0, sizeof(*tm));
    tm->size = size;
    tm->base = mmap(NULL, size, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    tm->prot = malloc(size / page_size);
    if (tm->base == MAP_FAILED || !tm->prot) {
        fprintf(stderr, "tm_init: cannot reserve %llu bytes\n",
                (unsigned long long)size);
        abort();
    }
    memset(tm->prot, TM_UNMAPPED, size / page_size);
    tm->ops = (GuestMemOps){
        .map = tm_map,
        .protect = tm_protect,
        .unmap = tm_unmap,
        .g2h = tm_g2h,
        .opaque = tm,
        .page_size = page_size,
        .exec_base = 0x10000000,
        .mmap_base = 0x30000000,
        .addr_limit = size,
    };
}

void tm_free(TestMem *tm)
{
    munmap(tm->base, tm->size);
    free(tm->prot);
}

int tm_prot(const TestMem *tm, uint64_t a)
{
    if (a >= tm->size) {
        return TM_UNMAPPED;
    }
    return tm->prot[a / tm->ops.page_size];
}

uint64_t tm_mapped_pages(const TestMem *tm)
{
    uint64_t n = 0;
    for (uint64_t p = 0; p < tm->size / tm->ops.page_size; p++) {
        n += tm->prot[p] != TM_UNMAPPED;
    }
    return n;
}

uint8_t *tm_host(const TestMem *tm, uint64_t a)
{
    return tm->base + a;
}

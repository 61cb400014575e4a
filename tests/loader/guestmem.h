/*
 * A GuestMemOps for the loader tests: guest address g is host address
 * base + g inside one PROT_NONE reservation; map/protect/unmap change the
 * pages with mmap/mprotect and record each page's protection, so tests can
 * ask what is mapped and how. Optional faults: new mappings filled with
 * junk instead of zeros (to prove the loader zeroes bss itself), and a
 * map() that fails.
 */
#ifndef VEMU_TESTS_LOADER_GUESTMEM_H
#define VEMU_TESTS_LOADER_GUESTMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/elf-load.h"

#define TM_UNMAPPED (-1)

typedef struct TestMem {
    GuestMemOps ops;
    uint8_t *base;
    uint64_t size;
    int8_t *prot;       /* per page: PROT_* or TM_UNMAPPED */
    bool dirty;         /* fill new mappings with 0xa5 */
    int fail_map_after; /* >0: that many map() calls succeed, then -ENOMEM */
    int maps;           /* map() calls so far */
} TestMem;

/* Reserve size bytes (a multiple of the page size). Aborts on failure. */
void tm_init(TestMem *tm, uint64_t size, uint64_t page_size);
void tm_free(TestMem *tm);

/* Protection of the page holding guest address a, or TM_UNMAPPED. */
int tm_prot(const TestMem *tm, uint64_t a);
/* Number of mapped pages. */
uint64_t tm_mapped_pages(const TestMem *tm);
/* Host pointer for a guest address (no mapping check). */
uint8_t *tm_host(const TestMem *tm, uint64_t a);

#endif /* VEMU_TESTS_LOADER_GUESTMEM_H */

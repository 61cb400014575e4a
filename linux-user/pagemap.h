/*
 * The guest page map behind guest-mem.c: an ordered set of runs
 * [start, end) with non-zero flags, in address order, never overlapping,
 * and never two touching runs with equal flags (they are merged), so a
 * walk yields the maximal runs directly.
 *
 * It is a sorted array: lookups are binary searches (O(log n)); an update
 * moves the array's tail (O(n)), which is cheap at the few thousand runs a
 * process has. Not thread-safe: guest-mem.c holds its lock around every
 * call. Private to linux-user/guest-mem.c and its tests.
 */
#ifndef VEMU_LINUX_USER_PAGEMAP_H
#define VEMU_LINUX_USER_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PageRun {
    uint64_t start, end; /* [start, end), page aligned, start < end */
    int flags;           /* never 0 in the map */
} PageRun;

typedef struct PageMap {
    PageRun *runs;
    size_t n, cap;
} PageMap;

void pagemap_init(PageMap *pm);
void pagemap_free(PageMap *pm);

/* Give every address of [start, end) the flags (0: unmapped), splitting
 * and merging runs as needed. start < end. */
void pagemap_set(PageMap *pm, uint64_t start, uint64_t end, int flags);

/* Index of the first run with end > addr (pm->n if none). */
size_t pagemap_find(const PageMap *pm, uint64_t addr);

/* Flags at addr, 0 if unmapped. */
int pagemap_flags(const PageMap *pm, uint64_t addr);

/* True if no address of [start, end) is mapped. */
bool pagemap_is_free(const PageMap *pm, uint64_t start, uint64_t end);

/* True if every address of [start, end) is mapped with all bits of need;
 * *any_flags gets the OR of the flags seen (may be NULL). */
bool pagemap_covered(const PageMap *pm, uint64_t start, uint64_t end, int need,
                     int *any_flags);

/* OR of the flags of all runs overlapping [start, end). */
int pagemap_flags_union(const PageMap *pm, uint64_t start, uint64_t end);

/* Free range of len bytes inside [lo, hi): the highest one ending at or
 * below `below` (top-down), else the lowest one starting at or above
 * `below` (bottom-up). Returns true and *out on success. lo, hi, below
 * and len page aligned. */
bool pagemap_find_free(const PageMap *pm, uint64_t lo, uint64_t hi,
                       uint64_t below, uint64_t len, uint64_t *out);

/* Checks the invariants (sorted, disjoint, non-empty, non-zero flags,
 * touching runs differ); for assertions and tests. */
bool pagemap_valid(const PageMap *pm);

#endif

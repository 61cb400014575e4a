/*
 * The guest page map: a sorted array of flag runs (see pagemap.h for the
 * invariants). Every update rebuilds only the few runs around the changed
 * range (at most two remnants on each side plus the new run), merges
 * touching runs with equal flags, and splices them in, so the invariants
 * hold after every call without a separate normalisation pass.
 */
#include "linux-user/pagemap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void pagemap_init(PageMap *pm)
{
    pm->runs = NULL;
    pm->n = 0;
    pm->cap = 0;
}

void pagemap_free(PageMap *pm)
{
    free(pm->runs);
    pagemap_init(pm);
}

size_t pagemap_find(const PageMap *pm, uint64_t addr)
{
    size_t lo = 0, hi = pm->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pm->runs[mid].end > addr) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

int pagemap_flags(const PageMap *pm, uint64_t addr)
{
    size_t i = pagemap_find(pm, addr);
    if (i < pm->n && pm->runs[i].start <= addr) {
        return pm->runs[i].flags;
    }
    return 0;
}

bool pagemap_is_free(const PageMap *pm, uint64_t start, uint64_t end)
{
    size_t i = pagemap_find(pm, start);
    return i == pm->n || pm->runs[i].start >= end;
}

bool pagemap_covered(const PageMap *pm, uint64_t start, uint64_t end, int need,
                     int *any_flags)
{
    int seen = 0;
    uint64_t at = start;
    for (size_t i = pagemap_find(pm, start); at < end; i++) {
        if (i == pm->n || pm->runs[i].start > at ||
            (pm->runs[i].flags & need) != need) {
            return false;
        }
        seen |= pm->runs[i].flags;
        at = pm->runs[i].end;
    }
    if (any_flags) {
        *any_flags = seen;
    }
    return true;
}

int pagemap_flags_union(const PageMap *pm, uint64_t start, uint64_t end)
{
    int seen = 0;
    for (size_t i = pagemap_find(pm, start);
         i < pm->n && pm->runs[i].start < end; i++) {
        seen |= pm->runs[i].flags;
    }
    return seen;
}

static void reserve(PageMap *pm, size_t need)
{
    if (need <= pm->cap) {
        return;
    }
    size_t cap = pm->cap ? pm->cap * 2 : 64;
    while (cap < need) {
        cap *= 2;
    }
    PageRun *r = realloc(pm->runs, cap * sizeof(*r));
    assert(r && "page map: out of memory");
    pm->runs = r;
    pm->cap = cap;
}

/* Append [start, end) with flags to tmp, merging with the previous piece
 * when they touch and agree. */
static void push(PageRun *tmp, size_t *m, uint64_t start, uint64_t end,
                 int flags)
{
    if (start >= end || flags == 0) {
        return;
    }
    if (*m > 0 && tmp[*m - 1].end == start && tmp[*m - 1].flags == flags) {
        tmp[*m - 1].end = end;
        return;
    }
    tmp[(*m)++] = (PageRun){start, end, flags};
}

void pagemap_set(PageMap *pm, uint64_t start, uint64_t end, int flags)
{
    assert(start < end);
    /* Affected runs: those overlapping [start, end) plus the ones just
     * touching it, which may merge with the new run. */
    size_t lo = pagemap_find(pm, start);
    if (lo > 0 && pm->runs[lo - 1].end == start) {
        lo--;
    }
    size_t hi = lo;
    while (hi < pm->n && pm->runs[hi].start <= end) {
        hi++;
    }

    /* Rebuilt neighbourhood: left remnants, the new run, right remnants.
     * Only the runs at the two edges can leave remnants (two each). */
    PageRun tmp[5];
    size_t m = 0;
    for (size_t i = lo; i < hi && pm->runs[i].start < start; i++) {
        const PageRun *r = &pm->runs[i];
        push(tmp, &m, r->start, r->end < start ? r->end : start, r->flags);
    }
    push(tmp, &m, start, end, flags);
    for (size_t i = lo; i < hi; i++) {
        const PageRun *r = &pm->runs[i];
        if (r->end > end) {
            push(tmp, &m, r->start > end ? r->start : end, r->end, r->flags);
        }
    }
    assert(m <= 5);

    size_t old = hi - lo;
    if (m > old) {
        reserve(pm, pm->n + (m - old));
    }
    memmove(&pm->runs[lo + m], &pm->runs[hi], (pm->n - hi) * sizeof(PageRun));
    if (m > 0) {
        memcpy(&pm->runs[lo], tmp, m * sizeof(PageRun));
    }
    pm->n = pm->n - old + m;
}

bool pagemap_find_free(const PageMap *pm, uint64_t lo, uint64_t hi,
                       uint64_t below, uint64_t len, uint64_t *out)
{
    if (len == 0 || lo >= hi || len > hi - lo) {
        return false;
    }
    /* Top-down: gaps ending at or below min(below, hi), highest first.
     * Gap k lies between run k-1 and run k. */
    uint64_t cap = below < hi ? below : hi;
    if (cap > lo) {
        for (size_t k = pagemap_find(pm, cap) + 1; k-- > 0;) {
            uint64_t gs = k > 0 ? pm->runs[k - 1].end : 0;
            uint64_t ge = k < pm->n ? pm->runs[k].start : UINT64_MAX;
            if (gs < lo) {
                gs = lo;
            }
            if (ge > cap) {
                ge = cap;
            }
            if (ge > gs && ge - gs >= len) {
                *out = ge - len;
                return true;
            }
            if (gs <= lo) {
                break;
            }
        }
    }
    /* Bottom-up above `below`: lowest gap first. */
    uint64_t floor = below > lo ? below : lo;
    for (size_t k = pagemap_find(pm, floor); k <= pm->n; k++) {
        uint64_t gs = k > 0 ? pm->runs[k - 1].end : 0;
        uint64_t ge = k < pm->n ? pm->runs[k].start : UINT64_MAX;
        if (gs < floor) {
            gs = floor;
        }
        if (ge > hi) {
            ge = hi;
        }
        if (gs >= hi) {
            break;
        }
        if (ge > gs && ge - gs >= len) {
            *out = gs;
            return true;
        }
    }
    return false;
}

bool pagemap_valid(const PageMap *pm)
{
    for (size_t i = 0; i < pm->n; i++) {
        const PageRun *r = &pm->runs[i];
        if (r->start >= r->end || r->flags == 0) {
            return false;
        }
        if (i > 0) {
            const PageRun *p = &pm->runs[i - 1];
            if (p->end > r->start ||
                (p->end == r->start && p->flags == r->flags)) {
                return false;
            }
        }
    }
    return true;
}

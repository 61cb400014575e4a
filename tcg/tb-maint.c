/*
 * Translation block maintenance: the W^X code buffer, the arenas holding
 * block structs and their per-instruction data, the global (pc, flags)
 * hash table, the per-guest-page lists that drive invalidation, direct
 * jump chaining and flushing.
 *
 * Relies on: callers holding tb_lock for every *_locked function; the
 * backend's init and set_jmp_target; the main loop bracketing every run of
 * generated code with tb_exec_enter/tb_exec_leave, so that a full flush
 * can wait until no thread runs generated code (tb_flush_exclusive).
 *
 * Guarantees:
 *  - Code is never writable and executable at the same address: one memfd
 *    mapped twice, rw for the backends and rx for execution.
 *  - Nothing a block owns (struct, metadata, code) is reused before a
 *    flush, so a helper may invalidate the very block that called it and
 *    faults in that block still resolve to a guest instruction.
 *  - Block structs are never unmapped, even when the runtime is
 *    re-initialised. Per-CPU jump caches may therefore keep stale pointers
 *    indefinitely: every reader checks pc, flags and the invalid flag, a
 *    flush marks every block invalid before its slot can be reused, and a
 *    reused slot only becomes valid again as a genuine block for its own
 *    pc/flags. This is why invalidation and flush need no list of CPUs.
 *  - A block is found for invalidation through the lists of the (at most
 *    two) guest pages it covers; a block covering more, which front ends
 *    should not produce, sits on a short list scanned every time.
 *  - Blocks are allocated in increasing slot order with increasing code
 *    addresses, so the block array is sorted for host-pc lookup; readers
 *    of the hash chains, the jump caches and that array take no lock.
 */
#include "tcg/internal.h"
#include "tcg/tb-cache.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010u
#endif

#define DEFAULT_CODE_SIZE (64u << 20)
/* Code of consecutive blocks starts on this boundary (branch targets). */
#define CODE_ALIGN 16
/* Guess at the smallest average block, to size the struct arena: running
 * out of slots only causes an early flush. */
#define MIN_AVG_TB_CODE 256
#define MIN_TB_SLOTS 4096

/*
 * The (pc, flags) hash table: mask and buckets in one allocation so a
 * lock-free reader that loads the pointer once sees a matching pair. It
 * starts small and doubles as blocks arrive: a table sized for the
 * whole code buffer (2 MiB of buckets) costs a short run hundreds of
 * page faults, since hashing touches every one of its pages.
 */
typedef struct HTable {
    size_t mask;
    TranslationBlock *b[];
} HTable;

#define HTABLE_MIN_BUCKETS 4096

/*
 * Arenas filled front to back (code, block structs, metadata) are
 * populated ahead of use, a chunk per madvise, instead of taking a page
 * fault for every page the first time it is written: a short process
 * (a dynamic `true` translates ~500 KiB of code) otherwise spends a
 * tenth of its time in the fault handler. `done` is the offset up to
 * which the arena is known to be populated.
 */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PREFAULT_CHUNK (128u << 10)

typedef struct Prefault {
    size_t done;
} Prefault;

static bool prefault_off; /* the kernel lacks MADV_POPULATE_WRITE */

typedef struct TBRegion {
    pthread_mutex_t lock;
    const TCGBackend *backend;

    /* Code buffer: the same pages seen twice. */
    uint8_t *code_rw;
    const uint8_t *code_rx;
    size_t code_size;
    size_t code_start; /* first byte after the prologue */
    size_t code_off;   /* next free byte */
    Prefault code_pf;  /* over code_rw */

    /* Block structs; slots [0, nb_tbs) are published. */
    TranslationBlock *tbs;
    size_t tb_cap;
    size_t nb_tbs;
    Prefault tbs_pf;

    /* insn_data / insn_end_off arrays of the blocks, bump-allocated. */
    uint8_t *meta;
    size_t meta_size;
    size_t meta_off;
    Prefault meta_pf;

    /* Published with release; readers load it once (see HTable). */
    HTable *htable;
    size_t hcount; /* blocks in the table, to decide when to grow */

    /* Guest page number + 1 -> first block touching that page. */
    GHashTable *pages;
    /* Blocks spanning more than two pages (front ends should not make
     * them, but a generated test program may), linked through
     * page_next[0] and checked on every invalidation. */
    TranslationBlock *wide_tbs;

    uint64_t flush_count;
    bool flush_pending;
    TCGStats stats;
    bool fork_child; /* next init must not reuse the shared buffer */
} TBRegion;

static TBRegion region = {
    .lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP,
};
static __thread int lock_depth;

/*
 * Stop the world for a flush. running counts the threads inside generated
 * code (entered at depth 0); a flusher sets exclusive and waits for it to
 * drop to zero, while threads about to enter wait for exclusive to clear.
 * Both sides write their flag, then read the other's, sequentially
 * consistent, so at least one of them sees the other. The flusher never
 * holds the TB lock while it waits: a thread inside generated code may
 * need it (an invalidation from a write fault) before it can leave.
 */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running;
    bool exclusive;
} world = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
};

ptrdiff_t tcg_splitwx_diff;

/* exit_tb values carry the exit index in a block pointer's low bits. */
_Static_assert(_Alignof(TranslationBlock) > TB_EXIT_MASK,
               "block pointers need their low bits free");

static _Noreturn void fatal(const char *what, int err)
{
    fprintf(stderr, "vemu: code buffer: %s: %s\n", what, strerror(err));
    exit(1);
}

void tb_lock(void)
{
    pthread_mutex_lock(&region.lock);
    lock_depth++;
}

void tb_unlock(void)
{
    assert(lock_depth > 0 && "tb_unlock without tb_lock");
    lock_depth--;
    pthread_mutex_unlock(&region.lock);
}

void tb_lock_reset_after_longjmp(void)
{
    while (lock_depth > 0) {
        tb_unlock();
    }
}

const TCGBackend *tb_region_backend(void)
{
    return __atomic_load_n(&region.backend, __ATOMIC_ACQUIRE);
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/*
 * Ask for the executable view within rel32 reach of our own text, so the
 * native backend can call helpers directly. Only a hint: the kernel
 * ignores it when the range is taken. Below a high (PIE) image there is
 * nothing; above a low (non-PIE) one leave the brk heap a gigabyte.
 */
static void *code_placement_hint(size_t size)
{
    uintptr_t text = (uintptr_t)&code_placement_hint & ~(uintptr_t)0x1fffff;
    uintptr_t gap = (uintptr_t)1 << 28;
    if (text > ((uintptr_t)2 << 30)) {
        return (void *)((text - gap - size) & ~(uintptr_t)0x1fffff);
    }
    return (void *)(text + ((uintptr_t)1 << 30));
}

static void code_buffer_create(size_t size)
{
    /* Kernels with vm.memfd_noexec want MFD_EXEC for an executable
     * mapping; older ones reject the flag. */
    int fd = memfd_create("vemu-code", MFD_CLOEXEC | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) {
        fd = memfd_create("vemu-code", MFD_CLOEXEC);
    }
    if (fd < 0) {
        fatal("memfd_create", errno);
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        fatal("ftruncate", errno);
    }
    void *rx = mmap(code_placement_hint(size), size, PROT_READ | PROT_EXEC,
                    MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        fatal("mmap of the executable view", errno);
    }
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        fatal("mmap of the writable view", errno);
    }
    /* The mappings keep the memory alive; no fd stays for anyone (the
     * guest included) to write through. */
    close(fd);
    region.code_rw = rw;
    region.code_rx = rx;
    region.code_size = size;
    region.code_pf.done = 0;
    tcg_splitwx_diff = (uint8_t *)rw - (const uint8_t *)rx;
}

static void code_buffer_destroy(void)
{
    if (region.code_size) {
        munmap(region.code_rw, region.code_size);
        munmap((void *)region.code_rx, region.code_size);
        region.code_rw = NULL;
        region.code_rx = NULL;
        region.code_size = 0;
    }
}

/* Make [0, need) of the arena at base (size bytes) populated, rounding
 * up to whole chunks. A failure only means page faults later. */
static void prefault(Prefault *pf, uint8_t *base, size_t size, size_t need)
{
    if (need <= pf->done || prefault_off) {
        return;
    }
    size_t end = align_up(need, PREFAULT_CHUNK);
    if (end > size) {
        end = size;
    }
    if (end <= pf->done) {
        return;
    }
    if (madvise(base + pf->done, end - pf->done, MADV_POPULATE_WRITE) < 0) {
        if (errno == EINVAL) {
            prefault_off = true;
        }
        /* ENOMEM and the like: leave the rest to the fault handler. */
        pf->done = size;
        return;
    }
    pf->done = end;
}

static void *anon_map(size_t size, const char *what)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        fatal(what, errno);
    }
    return p;
}

bool tcg_in_code_buffer(uintptr_t host_pc)
{
    uintptr_t base = (uintptr_t)region.code_rx;
    return region.code_size && host_pc - base < region.code_size;
}

/* Hash table. */

static size_t tb_hash(uint64_t pc, uint32_t flags, size_t mask)
{
    uint64_t h = pc * 0x9e3779b97f4a7c15ull;
    h ^= (uint64_t)flags * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 29;
    return (size_t)h & mask;
}

static HTable *htable_new(size_t buckets)
{
    HTable *t = g_malloc0(sizeof(HTable) + buckets * sizeof(t->b[0]));
    t->mask = buckets - 1;
    return t;
}

TranslationBlock *tb_htable_lookup(uint64_t pc, uint32_t flags)
{
    HTable *t = __atomic_load_n(&region.htable, __ATOMIC_ACQUIRE);
    if (!t) {
        return NULL;
    }
    TranslationBlock *tb =
        __atomic_load_n(&t->b[tb_hash(pc, flags, t->mask)], __ATOMIC_ACQUIRE);
    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->pc == pc && tb->flags == flags &&
            !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
            return tb;
        }
    }
    return NULL;
}

/*
 * Double the table. Relinking hash_next under a lock-free reader can
 * only make it miss (it still matches on pc and flags, and every chain
 * it can wander into is finite); a miss sends it to the locked lookup,
 * which cannot run during a resize. The old table is never freed: a
 * reader may still be indexing it, and the sizes sum to less than the
 * current one.
 */
static void htable_grow(void)
{
    HTable *old = region.htable;
    HTable *t = htable_new((old->mask + 1) * 2);
    for (size_t i = 0; i <= old->mask; i++) {
        TranslationBlock *tb = old->b[i];
        while (tb) {
            TranslationBlock *next = tb->hash_next;
            TranslationBlock **head = &t->b[tb_hash(tb->pc, tb->flags, t->mask)];
            __atomic_store_n(&tb->hash_next, *head, __ATOMIC_RELEASE);
            *head = tb;
            tb = next;
        }
    }
    __atomic_store_n(&region.htable, t, __ATOMIC_RELEASE);
}

static void htable_insert(TranslationBlock *tb)
{
    if (region.hcount >= region.htable->mask + 1) {
        htable_grow();
    }
    HTable *t = region.htable;
    TranslationBlock **head = &t->b[tb_hash(tb->pc, tb->flags, t->mask)];
    tb->hash_next = *head;
    __atomic_store_n(head, tb, __ATOMIC_RELEASE);
    region.hcount++;
}

static void htable_remove(TranslationBlock *tb)
{
    HTable *t = region.htable;
    TranslationBlock **pp = &t->b[tb_hash(tb->pc, tb->flags, t->mask)];
    while (*pp && *pp != tb) {
        pp = &(*pp)->hash_next;
    }
    if (*pp) {
        /* tb->hash_next stays intact for lock-free readers standing on
         * tb; they skip it by its invalid flag. */
        __atomic_store_n(pp, tb->hash_next, __ATOMIC_RELEASE);
        region.hcount--;
    }
}

/* Per-page lists. A block sits in one list per page it touches; which of
 * its two links belongs to page p is told by page_addr. */

static bool tb_is_wide(const TranslationBlock *tb)
{
    return tb->page_addr[1] != UINT64_MAX &&
           tb->page_addr[1] - tb->page_addr[0] > TB_PAGE_SIZE;
}

static void wide_list_remove(TranslationBlock *tb)
{
    TranslationBlock **pp = &region.wide_tbs;
    while (*pp && *pp != tb) {
        pp = &(*pp)->page_next[0];
    }
    assert(*pp && "wide block missing from its list");
    *pp = tb->page_next[0];
}

static gpointer page_key(uint64_t page_addr)
{
    return GSIZE_TO_POINTER((page_addr >> TB_PAGE_BITS) + 1);
}

static int page_slot(const TranslationBlock *tb, uint64_t page_addr)
{
    return tb->page_addr[0] == page_addr ? 0 : 1;
}

static void page_list_add(TranslationBlock *tb, int slot)
{
    gpointer key = page_key(tb->page_addr[slot]);
    tb->page_next[slot] = g_hash_table_lookup(region.pages, key);
    g_hash_table_insert(region.pages, key, tb);
}

static void page_list_remove(TranslationBlock *tb, int slot)
{
    uint64_t page = tb->page_addr[slot];
    gpointer key = page_key(page);
    TranslationBlock *head = g_hash_table_lookup(region.pages, key);
    if (head == tb) {
        if (tb->page_next[slot]) {
            g_hash_table_insert(region.pages, key, tb->page_next[slot]);
        } else {
            g_hash_table_remove(region.pages, key);
        }
        return;
    }
    for (TranslationBlock *t = head; t;) {
        int ts = page_slot(t, page);
        TranslationBlock *next = t->page_next[ts];
        if (next == tb) {
            t->page_next[ts] = tb->page_next[slot];
            return;
        }
        t = next;
    }
    assert(!"block missing from its page list");
}

/* Chaining. Incoming lists hold (source block | exit index). */

static void jmp_list_remove(TranslationBlock *dest, TranslationBlock *src,
                            int n)
{
    uintptr_t want = (uintptr_t)src | (uintptr_t)n;
    uintptr_t *pp = &dest->jmp_list_head;
    while (*pp) {
        if (*pp == want) {
            *pp = src->jmp_list_next[n];
            src->jmp_list_next[n] = 0;
            return;
        }
        TranslationBlock *t = (TranslationBlock *)(*pp & ~(uintptr_t)1);
        pp = &t->jmp_list_next[*pp & 1];
    }
    assert(!"chained jump missing from its destination's list");
}

void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to,
                 uint64_t gen)
{
    assert(n == 0 || n == 1);
    /* Cheap unlocked filter: most exits that reach here are chainable,
     * the locked check below is the one that counts. */
    if (__atomic_load_n(&from->jmp_dest[n], __ATOMIC_RELAXED) ||
        __atomic_load_n(&from->invalid, __ATOMIC_RELAXED) ||
        __atomic_load_n(&to->invalid, __ATOMIC_RELAXED)) {
        return;
    }
    tb_lock();
    /* No chaining while a flush waits for threads to leave generated
     * code: a new chained loop could keep one inside for ever. A flush
     * since gen may have reused either slot. */
    if (!from->invalid && !to->invalid && !from->jmp_dest[n] &&
        !region.flush_pending && region.flush_count == gen) {
        region.backend->set_jmp_target(from, n, to);
        __atomic_store_n(&from->jmp_dest[n], to, __ATOMIC_RELEASE);
        from->jmp_list_next[n] = to->jmp_list_head;
        to->jmp_list_head = (uintptr_t)from | (uintptr_t)n;
        region.stats.chains++;
    }
    tb_unlock();
}

/* Allocation and publication. */

TranslationBlock *tb_alloc_locked(uint64_t pc, uint32_t flags)
{
    if (region.nb_tbs >= region.tb_cap) {
        return NULL;
    }
    TranslationBlock *tb = &region.tbs[region.nb_tbs];
    prefault(&region.tbs_pf, (uint8_t *)region.tbs,
             region.tb_cap * sizeof(TranslationBlock),
             (region.nb_tbs + 1) * sizeof(TranslationBlock));
    /* Stays invalid until tb_commit_locked: a stale jump-cache pointer to
     * this slot must not match while the block is being built. */
    *tb = (TranslationBlock){
        .pc = pc,
        .flags = flags,
        .invalid = true,
        .page_addr = {UINT64_MAX, UINT64_MAX},
    };
    return tb;
}

bool tb_region_empty_locked(void)
{
    return region.nb_tbs == 0 && region.meta_off == 0 &&
           region.code_off == region.code_start;
}

void tb_code_area_locked(uint8_t **rw, const uint8_t **rx, size_t *avail)
{
    size_t off = align_up(region.code_off, CODE_ALIGN);
    if (off > region.code_size) {
        off = region.code_size;
    }
    *rw = region.code_rw + off;
    *rx = region.code_rx + off;
    *avail = region.code_size - off;
    /* Most blocks take a few hundred bytes; a chunk beyond off covers
     * this one and the next several. */
    prefault(&region.code_pf, region.code_rw, region.code_size,
             off + (16u << 10));
}

void tb_code_skip_locked(size_t bytes)
{
    if (region.code_off + bytes + (1u << 20) < region.code_size) {
        region.code_off += bytes;
    }
}

bool tb_commit_locked(TranslationBlock *tb, size_t code_size, TCGContext *s)
{
    /* The relocations are kept only for a block the cache may save. */
    return tb_commit_parts_locked(tb, code_size, s->nb_insns, s->insn_data,
                                  s->insn_end_off, s->relocs,
                                  tb->cacheable ? s->nb_relocs : 0);
}

bool tb_commit_parts_locked(TranslationBlock *tb, size_t code_size, uint32_t n,
                            const uint64_t *insn_data,
                            const uint32_t *insn_end_off,
                            const TCGCodeReloc *relocs, uint32_t nb_relocs)
{
    size_t off = align_up(region.code_off, CODE_ALIGN);
    size_t data_bytes = (size_t)n * TCG_INSN_START_WORDS * sizeof(uint64_t);
    size_t end_bytes = (size_t)n * sizeof(uint32_t);
    size_t reloc_bytes = (size_t)nb_relocs * sizeof(TCGCodeReloc);
    size_t moff = align_up(region.meta_off, sizeof(uint64_t));
    size_t meta_bytes = data_bytes + align_up(end_bytes, 8) + reloc_bytes;

    assert(tb == &region.tbs[region.nb_tbs] && "commit the last allocation");
    assert(off + code_size <= region.code_size && "backend overran avail");
    if (moff + meta_bytes > region.meta_size) {
        return false;
    }
    if (meta_bytes) {
        prefault(&region.meta_pf, region.meta, region.meta_size,
                 moff + meta_bytes);
    }
    if (n) {
        tb->insn_data = (uint64_t *)(region.meta + moff);
        tb->insn_end_off = (uint32_t *)(region.meta + moff + data_bytes);
        memcpy(tb->insn_data, insn_data, data_bytes);
        memcpy(tb->insn_end_off, insn_end_off, end_bytes);
    }
    if (nb_relocs) {
        TCGCodeReloc *r = (TCGCodeReloc *)(region.meta + moff + data_bytes +
                                           align_up(end_bytes, 8));
        memcpy(r, relocs, reloc_bytes);
        tb->relocs = r;
    }
    tb->nb_relocs = nb_relocs;
    region.meta_off = moff + meta_bytes;
    /* The backend's count is what the arrays hold; a front end that
     * follows the contract set the same value. */
    tb->icount = n;
    tb->tc_ptr = region.code_rx + off;
    tb->tc_size = (uint32_t)code_size;
    region.code_off = off + code_size;

    uint64_t last = tb->pc + (tb->size ? tb->size : 1) - 1;
    if (last < tb->pc) {
        last = UINT64_MAX; /* wrapped past the top of the address space */
    }
    tb->page_addr[0] = tb->pc & TB_PAGE_MASK;
    if ((last & TB_PAGE_MASK) != tb->page_addr[0]) {
        tb->page_addr[1] = last & TB_PAGE_MASK;
    }

    if (tcg_code_page_hook) {
        for (uint64_t p = tb->pc & TB_PAGE_MASK;; p += TB_PAGE_SIZE) {
            tcg_code_page_hook(p);
            if (p >= (last & TB_PAGE_MASK)) {
                break;
            }
        }
    }

    /* Findable by host pc before its code can ever run. */
    __atomic_store_n(&region.nb_tbs, region.nb_tbs + 1, __ATOMIC_RELEASE);
    if (tb_is_wide(tb)) {
        tb->page_next[0] = region.wide_tbs;
        region.wide_tbs = tb;
    } else {
        page_list_add(tb, 0);
        if (tb->page_addr[1] != UINT64_MAX) {
            page_list_add(tb, 1);
        }
    }
    __atomic_store_n(&tb->invalid, false, __ATOMIC_RELEASE);
    htable_insert(tb);
    region.stats.tb_translated++;
    return true;
}

size_t tb_region_count(void)
{
    return __atomic_load_n(&region.nb_tbs, __ATOMIC_ACQUIRE);
}

TranslationBlock *tb_region_block(size_t i)
{
    return &region.tbs[i];
}

bool tb_region_in_stubs(uintptr_t addr, size_t *off)
{
    uintptr_t base = (uintptr_t)region.code_rx;
    if (addr < base || addr >= base + region.code_start) {
        return false;
    }
    *off = addr - base;
    return true;
}

uintptr_t tb_region_stubs(void)
{
    return (uintptr_t)region.code_rx;
}

void tb_stats_add_ops(uint64_t n)
{
    region.stats.guest_ops += n;
}

/* Invalidation. */

static void tb_invalidate_locked(TranslationBlock *tb)
{
    if (tb->invalid) {
        return;
    }
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    htable_remove(tb);
    if (tb_is_wide(tb)) {
        wide_list_remove(tb);
    } else {
        for (int i = 0; i < 2; i++) {
            if (tb->page_addr[i] != UINT64_MAX) {
                page_list_remove(tb, i);
            }
        }
    }
    /* Our own exits: a block that is still running (a helper invalidated
     * it) must not keep jumping into blocks that may go stale later
     * without us hearing about it. */
    for (int n = 0; n < 2; n++) {
        TranslationBlock *dest = tb->jmp_dest[n];
        if (dest) {
            jmp_list_remove(dest, tb, n);
            region.backend->set_jmp_target(tb, n, NULL);
            __atomic_store_n(&tb->jmp_dest[n], NULL, __ATOMIC_RELEASE);
        }
    }
    /* Jumps into us go back through their exit paths. */
    uintptr_t e = tb->jmp_list_head;
    while (e) {
        TranslationBlock *src = (TranslationBlock *)(e & ~(uintptr_t)1);
        int n = (int)(e & 1);
        e = src->jmp_list_next[n];
        region.backend->set_jmp_target(src, n, NULL);
        __atomic_store_n(&src->jmp_dest[n], NULL, __ATOMIC_RELEASE);
        src->jmp_list_next[n] = 0;
    }
    tb->jmp_list_head = 0;
    region.stats.tb_invalidated++;
}

static bool tb_intersects(const TranslationBlock *tb, uint64_t start,
                          uint64_t end)
{
    /* Inclusive last byte: pc + size may wrap to 0. */
    uint64_t tb_last = tb->pc + (tb->size ? tb->size : 1) - 1;
    if (tb_last < tb->pc) {
        tb_last = UINT64_MAX;
    }
    return tb->pc < end && start <= tb_last;
}

static void invalidate_page_locked(uint64_t page, uint64_t start, uint64_t end)
{
    TranslationBlock *tb = g_hash_table_lookup(region.pages, page_key(page));
    while (tb) {
        /* Invalidating tb unlinks only tb itself. */
        TranslationBlock *next = tb->page_next[page_slot(tb, page)];
        if (tb_intersects(tb, start, end)) {
            tb_invalidate_locked(tb);
        }
        tb = next;
    }
}

void tb_invalidate_range(uint64_t start, uint64_t end)
{
    if (start >= end) {
        return;
    }
    tb_lock();
    for (TranslationBlock *tb = region.wide_tbs; tb;) {
        TranslationBlock *next = tb->page_next[0];
        if (tb_intersects(tb, start, end)) {
            tb_invalidate_locked(tb);
        }
        tb = next;
    }
    if (!region.pages || g_hash_table_size(region.pages) == 0) {
        tb_unlock();
        return;
    }
    uint64_t first = start >> TB_PAGE_BITS;
    uint64_t last = (end - 1) >> TB_PAGE_BITS;
    if (last - first >= g_hash_table_size(region.pages)) {
        /* More pages in the range than pages holding code (munmap of a
         * big area): visit the pages with code instead. The table cannot
         * change while it is iterated, hence the copy. */
        GArray *hit = g_array_new(FALSE, FALSE, sizeof(uint64_t));
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, region.pages);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            uint64_t p = (uint64_t)GPOINTER_TO_SIZE(key) - 1;
            if (p >= first && p <= last) {
                g_array_append_val(hit, p);
            }
        }
        for (guint i = 0; i < hit->len; i++) {
            invalidate_page_locked(
                g_array_index(hit, uint64_t, i) << TB_PAGE_BITS, start, end);
        }
        g_array_free(hit, TRUE);
    } else {
        for (uint64_t p = first; p <= last; p++) {
            invalidate_page_locked(p << TB_PAGE_BITS, start, end);
        }
    }
    tb_unlock();
}

/* Flushing. */

static void drop_all_locked(void)
{
    for (size_t i = 0; i < region.nb_tbs; i++) {
        __atomic_store_n(&region.tbs[i].invalid, true, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&region.nb_tbs, 0, __ATOMIC_RELEASE);
    region.code_off = region.code_start;
    region.meta_off = 0;
    if (region.htable) {
        memset(region.htable->b, 0,
               (region.htable->mask + 1) * sizeof(region.htable->b[0]));
    }
    region.hcount = 0;
    if (region.pages) {
        g_hash_table_remove_all(region.pages);
    }
    region.wide_tbs = NULL;
    __atomic_store_n(&region.flush_count, region.flush_count + 1,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&region.flush_pending, false, __ATOMIC_RELEASE);
    /* Not needed for correctness (see the file comment), but it saves
     * this CPU a round of misses on dead slots. */
    if (current_cpu) {
        memset(current_cpu->tb_jmp_cache, 0, sizeof(current_cpu->tb_jmp_cache));
    }
}

/*
 * First half of a flush, usable anywhere (from a helper, with other
 * threads running): every block is invalidated, so it is unhashed and
 * unchained and nothing new enters old code; running threads leave it at
 * their next block exit. The buffer is reclaimed by tb_flush_exclusive
 * from a main loop once no thread runs generated code.
 */
void tb_request_flush_locked(void)
{
    for (size_t i = 0; i < region.nb_tbs; i++) {
        tb_invalidate_locked(&region.tbs[i]);
    }
    __atomic_store_n(&region.flush_pending, true, __ATOMIC_SEQ_CST);
}

void tb_flush(void)
{
    tb_lock();
    if (!region.tbs) {
        tb_unlock();
        return;
    }
    tb_request_flush_locked();
    tb_unlock();
    /* From a helper, or with the lock held further up, the main loop
     * finishes the flush. */
    if (tcg_exec_depth == 0 && lock_depth == 0) {
        tb_flush_exclusive();
    }
}

void tb_exec_enter(void)
{
    for (;;) {
        __atomic_add_fetch(&world.running, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&world.exclusive, __ATOMIC_SEQ_CST)) {
            return;
        }
        /* A flush is under way: step back and wait for its end. */
        pthread_mutex_lock(&world.lock);
        __atomic_sub_fetch(&world.running, 1, __ATOMIC_SEQ_CST);
        pthread_cond_broadcast(&world.cond);
        while (__atomic_load_n(&world.exclusive, __ATOMIC_SEQ_CST)) {
            pthread_cond_wait(&world.cond, &world.lock);
        }
        pthread_mutex_unlock(&world.lock);
    }
}

void tb_exec_leave(void)
{
    __atomic_sub_fetch(&world.running, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&world.exclusive, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&world.lock);
        pthread_cond_broadcast(&world.cond);
        pthread_mutex_unlock(&world.lock);
    }
}

void tb_flush_exclusive(void)
{
    if (!tb_flush_pending()) {
        return; /* the common case, without the lock */
    }
    assert(tcg_exec_depth == 0 && lock_depth == 0 &&
           "stop-the-world flush from inside generated code or the TB lock");
    pthread_mutex_lock(&world.lock);
    /* Another thread's flush first; it may well be this one's. */
    while (world.exclusive) {
        pthread_cond_wait(&world.cond, &world.lock);
    }
    if (!tb_flush_pending()) {
        pthread_mutex_unlock(&world.lock);
        return;
    }
    __atomic_store_n(&world.exclusive, true, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&world.running, __ATOMIC_SEQ_CST) > 0) {
        pthread_cond_wait(&world.cond, &world.lock);
    }
    tb_lock();
    if (tb_flush_pending()) {
        drop_all_locked();
        region.stats.tb_flushes++;
    }
    tb_unlock();
    __atomic_store_n(&world.exclusive, false, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&world.cond);
    pthread_mutex_unlock(&world.lock);
}

bool tb_flush_pending(void)
{
    return __atomic_load_n(&region.flush_pending, __ATOMIC_ACQUIRE);
}

const bool *tb_flush_pending_addr(void)
{
    return &region.flush_pending;
}

uint64_t tb_flush_count(void)
{
    return __atomic_load_n(&region.flush_count, __ATOMIC_ACQUIRE);
}

/*
 * fork(2) copies only the calling thread: a TB lock another thread held
 * at that moment would stay taken in the child for ever, and the tables
 * could be half-updated. Hold the lock across the fork. Registered after
 * linux-user's guest memory lock (tb_region_init runs after
 * guest_mem_init), so the prepare handlers, which run in reverse order,
 * take the TB lock first: the translator's order.
 */
static void fork_prepare(void)
{
    tb_lock();
}

static void fork_parent(void)
{
    tb_unlock();
}

static void fork_child(void)
{
    pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t wcond = PTHREAD_COND_INITIALIZER;
    region.lock = fresh;
    lock_depth = 0;
    /* The other threads, and whatever they were doing, are gone. */
    world.lock = wlock;
    world.cond = wcond;
    world.running = 0;
    world.exclusive = false;
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void register_atfork(void)
{
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Set-up. */

void tb_region_init(size_t code_size, const TCGBackend *backend)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t size =
        align_up(code_size ? code_size : DEFAULT_CODE_SIZE, (size_t)page);

    pthread_once(&atfork_once, register_atfork);
    tb_lock();
    /* Everything translated so far goes, whatever changes below. */
    drop_all_locked();
    if (region.code_size != size || region.fork_child) {
        region.fork_child = false;
        code_buffer_destroy();
        code_buffer_create(size);
    }

    size_t want_tbs = size / MIN_AVG_TB_CODE;
    if (want_tbs < MIN_TB_SLOTS) {
        want_tbs = MIN_TB_SLOTS;
    }
    if (want_tbs > region.tb_cap) {
        /* The old arena stays mapped: jump caches may still point there,
         * at blocks that drop_all_locked has marked invalid for good. */
        region.tbs = anon_map(want_tbs * sizeof(TranslationBlock),
                              "mmap of the block arena");
        region.tb_cap = want_tbs;
        region.tbs_pf.done = 0;
    }
    if (!region.htable) {
        region.htable = htable_new(HTABLE_MIN_BUCKETS);
    }

    /* Metadata is only reached through published blocks, so it can go. */
    size_t meta_size = align_up(size / 2 + (64u << 10), (size_t)page);
    if (region.meta_size != meta_size) {
        if (region.meta) {
            munmap(region.meta, region.meta_size);
        }
        region.meta = anon_map(meta_size, "mmap of the metadata arena");
        region.meta_size = meta_size;
        region.meta_pf.done = 0;
    }

    if (!region.pages) {
        region.pages = g_hash_table_new(g_direct_hash, g_direct_equal);
    }

    size_t used = backend->init(region.code_rw, region.code_rx, size);
    assert(used < size && "prologue larger than the code buffer");
    region.code_start = align_up(used, 64);
    region.code_off = region.code_start;
    memset(&region.stats, 0, sizeof(region.stats));
    __atomic_store_n(&region.backend, backend, __ATOMIC_RELEASE);
    tb_unlock();
}

/* Host pc to block, for fault recovery: lock-free, signal-safe. */

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    if (!tcg_in_code_buffer(host_pc)) {
        return NULL;
    }
    size_t lo = 0;
    size_t hi = __atomic_load_n(&region.nb_tbs, __ATOMIC_ACQUIRE);
    const TranslationBlock *tbs = region.tbs;
    /* Find the last block starting at or below host_pc. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)tbs[mid].tc_ptr <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    TranslationBlock *tb = &region.tbs[lo - 1];
    if (host_pc - (uintptr_t)tb->tc_ptr < tb->tc_size) {
        return tb;
    }
    return NULL;
}

bool tb_locate_host_pc(uintptr_t host_pc, TranslationBlock **ptb, int *insn)
{
    TranslationBlock *tb = tb_find_by_host_pc(host_pc);
    if (!tb) {
        return false;
    }
    uintptr_t off = host_pc - (uintptr_t)tb->tc_ptr;
    for (uint32_t k = 0; k < tb->icount; k++) {
        if (off < tb->insn_end_off[k]) {
            *ptb = tb;
            *insn = (int)k;
            return true;
        }
    }
    return false;
}

void tcg_get_stats(TCGStats *st)
{
    tb_lock();
    *st = region.stats;
    st->code_used = region.code_off;
    st->code_size = region.code_size;
    tb_unlock();
}

/*
 * The code buffer is a memfd mapped MAP_SHARED (twice, for W^X), so a
 * forked child would share it with its parent and each would overwrite
 * the other's translations. The child, before it runs guest code again,
 * drops every block (touching only its own copies of the tables, never
 * the shared code) and moves to a buffer of its own.
 */
void tcg_exec_fork_child(void)
{
    const TCGBackend *be = region.backend;
    size_t size = region.code_size;
    if (!be || !size) {
        return;
    }
    /* A raw clone runs no atfork handler: start from a clean state. */
    fork_child();
    region.fork_child = true;
    tb_region_init(size, be);
    tb_cache_fork_child();
}

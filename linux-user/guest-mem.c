/*
 * Guest memory for user-mode emulation (contract: guest-mem.h): the host
 * reservation holding the guest address space, the page map recording
 * what the guest mapped, the mmap family with Linux semantics, brk, and
 * the checked copies every system call uses on guest pointers.
 *
 * Relies on:
 * - guest pages being host pages (4 KiB), so guest mappings are host
 *   mappings placed with MAP_FIXED inside the reservation;
 * - the reservation staying whole: every guest range is always covered by
 *   a host mapping, either the guest's own or PROT_NONE reservation. A
 *   hole would let the host's own mmap(NULL) put emulator data where the
 *   guest can reach it, so every path that can leave one re-reserves it
 *   at once: a failed MAP_FIXED mmap (older kernels unmap before some
 *   failures), the source of a moving mremap, and the room a shared or
 *   file mapping grows into in place (the host must extend the one
 *   mapping, so that room is unmapped just before). Between such a host
 *   call and the re-reservation, another host thread's mmap(NULL) could
 *   in theory land in the hole; where the hole is known to be empty that
 *   is detected (MAP_FIXED_NOREPLACE) and fatal rather than silent.
 * - the translator fetching guest code through g2h: host pages are never
 *   PROT_EXEC, and a guest PROT_EXEC page is host PROT_READ so the fetch
 *   works even for execute-only guest mappings.
 *
 * Guarantees:
 * - thread safety through one read-write lock (held across fork(), so a
 *   child never inherits it taken): the page map changes under
 *   the write lock; queries and copies take the read lock and hold it
 *   while they touch guest memory, so a concurrent munmap cannot pull a
 *   page away in the middle of a copy (the host would fault in vemu).
 *   guest_lock() returns a bare pointer: whoever uses it (read(2) into a
 *   guest buffer) gets EFAULT from the host if the guest unmaps it
 *   meanwhile, never a fault.
 * - translated code never outlives the guest code it came from when the
 *   guest changes it through the memory system calls: munmap, mprotect,
 *   MAP_FIXED mmap, mremap and discarding madvise over pages that had
 *   PAGE_EXEC, and guest_copy_to/guest_lock(write) into such pages (a
 *   read(2) into code), call tb_invalidate_range. That covers every
 *   block provided the CPU loop translates only from PAGE_EXEC pages
 *   (guest_page_flags; SIGSEGV otherwise). A guest's own stores into
 *   code it already ran are caught by write-protecting translated pages
 *   (see "Self-modifying code" below), also through a second view of the
 *   same shared file (W^X double mapping, below).
 *   Invalidation runs after the page-map lock is dropped: the translator
 *   holds the TB lock and may query the page map, so taking the TB lock
 *   under ours could deadlock.
 */
#include <glib.h>

#include "linux-user/guest-mem.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "linux-user/pagemap.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PROT_BITS (PAGE_READ | PAGE_WRITE | PAGE_EXEC)

static struct {
    pthread_rwlock_t lock;
    bool ready;
    PageMap map;
    void *reservation;
    uint64_t limit;     /* 2^addr_bits */
    uint64_t mmap_base; /* top-down searches start below this */
    bool brk_ready;
    uint64_t brk_start, brk_cur;
    /* Bumped by every writer as it takes the lock, before it can change
     * the map: a reader's cached answer holds while this is unchanged. */
    uint64_t gen;
} gm = {
    /* Writers (mmap, munmap...) must not starve behind a stream of copies
     * from other guest threads. */
    .lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP,
};

/* Up to two guest ranges whose translations must go once the lock is
 * dropped (mremap touches a source and a destination). */
/* Ranges of executable pages an operation changed. An operation notes at
 * most four (mremap moving and shrinking notes three); a fifth would be a
 * bug, so it is asserted rather than dropped. */
#define INVAL_MAX 4
typedef struct Inval {
    int n;
    uint64_t start[INVAL_MAX], end[INVAL_MAX];
} Inval;

static void inval_note(Inval *iv, uint64_t start, uint64_t end, int flags)
{
    if (flags & PAGE_EXEC) {
        assert(iv->n < INVAL_MAX && "too many invalidation ranges");
        iv->start[iv->n] = start;
        iv->end[iv->n] = end;
        iv->n++;
    }
}

static void inval_run(const Inval *iv)
{
    for (int i = 0; i < iv->n; i++) {
        tb_invalidate_range(iv->start[i], iv->end[i]);
    }
}

static void rdlock(void)
{
    pthread_rwlock_rdlock(&gm.lock);
}

static void wrlock(void)
{
    pthread_rwlock_wrlock(&gm.lock);
    __atomic_store_n(&gm.gen, gm.gen + 1, __ATOMIC_SEQ_CST);
}

static void unlock(void)
{
    pthread_rwlock_unlock(&gm.lock);
}

static _Noreturn void fatal(const char *what, uint64_t start, uint64_t len,
                            int err)
{
    fprintf(stderr,
            "vemu: guest memory: %s at guest 0x%llx+0x%llx failed: %s\n", what,
            (unsigned long long)start, (unsigned long long)len, strerror(err));
    abort();
}

/* Round up to a page; false on overflow. */
static bool page_align_up(uint64_t v, uint64_t *out)
{
    if (v > UINT64_MAX - (GUEST_PAGE_SIZE - 1)) {
        return false;
    }
    *out = (v + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK;
    return true;
}

static bool in_space(uint64_t start, uint64_t len)
{
    return start <= gm.limit && len <= gm.limit - start;
}

/* Host protection of a guest mapping: never executable (code is
 * translated), readable when the guest may execute it (we fetch it). */
static int host_prot(int prot)
{
    int h = prot & (PROT_READ | PROT_WRITE);
    if (prot & PROT_EXEC) {
        h |= PROT_READ;
    }
    return h;
}

/* Put reservation back over a guest range we mapped (replaces it). */
static int reserve_over(uint64_t start, uint64_t len)
{
    void *p =
        mmap(g2h(start), len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

/* Fill a range the host has just vacated (source of a moved mremap). It
 * must be empty: anything else there is a host mapping that raced in. */
static void reserve_hole(uint64_t start, uint64_t len)
{
    void *want = g2h(start);
    void *p =
        mmap(want, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
             -1, 0);
    if (p == MAP_FAILED || p != want) {
        fatal("re-reserving vacated range", start, len,
              p == MAP_FAILED ? errno : EEXIST);
    }
}

/* After a failed MAP_FIXED host call over [start, start+len): older
 * kernels unmap the old range before some failures (overcommit
 * accounting), newer ones leave it. Re-reserve if it is a hole. Returns
 * true if it was (the guest mappings there are gone). */
static bool recover_after_failure(uint64_t start, uint64_t len)
{
    void *want = g2h(start);
    void *p =
        mmap(want, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
             -1, 0);
    if (p == want) {
        return true;
    }
    if (p != MAP_FAILED) { /* kernel without NOREPLACE took it as a hint */
        munmap(p, len);
        return false;
    }
    if (errno == EEXIST) {
        return false;
    }
    fatal("checking range after a failed mapping", start, len, errno);
}

/*
 * Views of shared files (W^X double mapping). JITs such as .NET and V8
 * map one memfd twice, read-write at one address where they write code
 * and read-execute at another where they run it. A store through the
 * writable view changes the code of the executable one, which the
 * write-protection of translated pages below cannot see: the executable
 * pages are not writable and the writable ones were never translated.
 * So every MAP_SHARED file mapping is recorded as a view (file identity
 * and file offset of its first page); when code is translated from a page
 * of a view, the same file page in every other view is write-protected
 * too, and a write fault on any of them drops the translations of all the
 * views of that file page. Views live in an unsorted array under gm.lock:
 * processes have a handful of shared file mappings.
 *
 * The same array holds labels: private anonymous memory the loader
 * filled from a file (the program and its interpreter are copied, not
 * mapped), named after the file for /proc/self/maps (guest_mem_label).
 * A label goes with the memory: unmapping or replacing it drops it.
 */
typedef struct SharedView {
    uint64_t start, end; /* guest range */
    dev_t dev;
    ino_t ino;
    uint64_t offset;  /* file offset of start */
    const char *name; /* interned; only labels (not shared) have one */
} SharedView;

static GArray *views;

/* Forget the views over [start, end), keeping the parts outside it. The
 * write lock is held. */
static void views_clear_locked(uint64_t start, uint64_t end)
{
    if (!views) {
        return;
    }
    SharedView rest[2];
    for (guint i = 0; i < views->len;) {
        SharedView v = g_array_index(views, SharedView, i);
        if (v.end <= start || v.start >= end) {
            i++;
            continue;
        }
        g_array_remove_index_fast(views, i);
        int n = 0;
        if (v.start < start) {
            rest[n] = v;
            rest[n++].end = start;
        }
        if (v.end > end) {
            rest[n] = v;
            rest[n].offset += end - v.start;
            rest[n++].start = end;
        }
        /* Appended behind i, where the loop sees them again, harmlessly:
         * they no longer overlap. */
        g_array_append_vals(views, rest, (guint)n);
    }
}

static void views_add_locked(uint64_t start, uint64_t end, int fd,
                             uint64_t offset)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return;
    }
    if (!views) {
        views = g_array_new(FALSE, FALSE, sizeof(SharedView));
    }
    SharedView v = {start, end, st.st_dev, st.st_ino, offset, NULL};
    g_array_append_val(views, v);
}

/* mremap moved [old, old+olen) to new (keeping the views there, shifted,
 * unless the source stays: DONTUNMAP) and grew it to nlen. */
static void views_move_locked(uint64_t old, uint64_t olen, uint64_t dest,
                              uint64_t nlen, bool keep_source)
{
    if (!views) {
        return;
    }
    GArray *moved = g_array_new(FALSE, FALSE, sizeof(SharedView));
    for (guint i = 0; i < views->len; i++) {
        SharedView v = g_array_index(views, SharedView, i);
        if (v.end <= old || v.start >= old + olen) {
            continue;
        }
        if (v.start < old) {
            v.offset += old - v.start;
            v.start = old;
        }
        if (v.end > old + olen) {
            v.end = old + olen;
        }
        v.start = v.start - old + dest;
        v.end = v.end == old + olen ? dest + nlen : v.end - old + dest;
        g_array_append_val(moved, v);
    }
    if (!keep_source) {
        views_clear_locked(old, old + olen);
    }
    views_clear_locked(dest, dest + nlen);
    g_array_append_vals(views, moved->data, moved->len);
    g_array_free(moved, TRUE);
}

/* A view grew in place from end to new_end. */
static void views_grow_locked(uint64_t end, uint64_t new_end)
{
    for (guint i = 0; views && i < views->len; i++) {
        SharedView *v = &g_array_index(views, SharedView, i);
        if (v->end == end) {
            v->end = new_end;
        }
    }
}

/* The other guest pages showing the same file page as page, with all
 * the page flags of need: up to max of them into out; returns how many.
 * The read lock is held. */
#define ALIAS_MAX 16
static int aliases_locked(uint64_t page, uint64_t *out, int max, int need)
{
    if (!views) {
        return 0;
    }
    const SharedView *self = NULL;
    for (guint i = 0; i < views->len && !self; i++) {
        const SharedView *v = &g_array_index(views, SharedView, i);
        if (v->start <= page && page < v->end && !v->name) {
            self = v;
        }
    }
    if (!self) {
        return 0;
    }
    uint64_t off = self->offset + (page - self->start);
    int n = 0;
    for (guint i = 0; i < views->len && n < max; i++) {
        const SharedView *v = &g_array_index(views, SharedView, i);
        if (v->name || v->dev != self->dev || v->ino != self->ino ||
            off < v->offset ||
            off - v->offset >= v->end - v->start) {
            continue;
        }
        uint64_t alias = v->start + (off - v->offset);
        if (alias != page &&
            (pagemap_flags(&gm.map, alias) & need) == need) {
            out[n++] = alias;
        }
    }
    return n;
}

void guest_mem_label(uint64_t start, uint64_t end, dev_t dev, ino_t ino,
                     uint64_t offset, const char *name)
{
    wrlock();
    if (gm.ready && start < end) {
        if (!views) {
            views = g_array_new(FALSE, FALSE, sizeof(SharedView));
        }
        SharedView v = {start, end, dev, ino, offset, g_intern_string(name)};
        g_array_append_val(views, v);
    }
    unlock();
}

static gint label_cmp(gconstpointer a, gconstpointer b)
{
    const GuestMemLabel *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t guest_mem_labels(GuestMemLabel **out)
{
    GArray *labels = g_array_new(FALSE, FALSE, sizeof(GuestMemLabel));
    rdlock();
    for (guint i = 0; views && i < views->len; i++) {
        const SharedView *v = &g_array_index(views, SharedView, i);
        if (v->name) {
            GuestMemLabel l = {v->start, v->end, v->dev, v->ino, v->offset,
                               v->name};
            g_array_append_val(labels, l);
        }
    }
    unlock();
    g_array_sort(labels, label_cmp);
    size_t n = labels->len;
    *out = (GuestMemLabel *)(void *)g_array_free(labels, FALSE);
    return n;
}

static int aliases(uint64_t page, uint64_t *out, int max, int need)
{
    rdlock();
    int n = gm.ready && page < gm.limit
                ? aliases_locked(page, out, max, need | PAGE_VALID)
                : 0;
    unlock();
    return n;
}

/* ---- set-up ---- */

/* fork(2) copies only the calling thread: if another thread held the
 * lock at that moment, the child would wait for it forever. Hold it
 * across the fork so the child starts from a consistent map, and give the
 * child a fresh lock (the holder there is the forking thread itself, but
 * with a new thread id). Only glibc's fork() runs these; a raw clone()
 * without CLONE_VM does not. */
static void fork_prepare(void)
{
    wrlock();
}

static void fork_parent(void)
{
    unlock();
}

static void fork_child(void)
{
    pthread_rwlock_t fresh = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
    gm.lock = fresh;
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void register_atfork(void)
{
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/*
 * Self-modifying code. A writable page that code was translated from is
 * made read-only on the host (the guest's own view stays writable), so the
 * guest's next store to it faults: code_write_fault makes it writable
 * again and drops its blocks, and the store is retried. Pages are released
 * the same way before the emulator writes into them for the guest
 * (syscalls, signal frames) and before any mapping change over them, so
 * those paths always see the protection the guest asked for. Read-only
 * code pages, the usual case, are never touched.
 */
static pthread_mutex_t code_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *code_pages; /* guest page -> protected */
static unsigned code_count;    /* read without the lock as a fast path */

static void code_page_protect(uint64_t page)
{
    pthread_mutex_lock(&code_lock);
    gpointer key = (gpointer)(uintptr_t)(page / GUEST_PAGE_SIZE + 1);
    if (!g_hash_table_contains(code_pages, key) &&
        mprotect(g2h(page), GUEST_PAGE_SIZE, PROT_READ) == 0) {
        g_hash_table_add(code_pages, key);
        __atomic_store_n(&code_count, code_count + 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&code_lock);
}

static void code_page_translated(uint64_t page)
{
    if (guest_page_flags(page) & PAGE_WRITE) {
        code_page_protect(page);
    }
    /* The writable views of the same file page (W^X double mapping). */
    uint64_t al[ALIAS_MAX];
    int n = aliases(page, al, ALIAS_MAX, PAGE_WRITE);
    for (int i = 0; i < n; i++) {
        code_page_protect(al[i]);
    }
}

/* Give page back the guest's protection; true if it was protected. */
static bool code_page_release(uint64_t page)
{
    pthread_mutex_lock(&code_lock);
    gpointer key = (gpointer)(uintptr_t)(page / GUEST_PAGE_SIZE + 1);
    bool was = g_hash_table_remove(code_pages, key);
    if (was) {
        __atomic_store_n(&code_count, code_count - 1, __ATOMIC_RELAXED);
        mprotect(g2h(page), GUEST_PAGE_SIZE,
                 host_prot(guest_page_flags(page) & PROT_BITS));
    }
    pthread_mutex_unlock(&code_lock);
    if (was) {
        tb_invalidate_range(page, page + GUEST_PAGE_SIZE);
        /* The code may have been translated from another view. */
        uint64_t al[ALIAS_MAX];
        int n = aliases(page, al, ALIAS_MAX, 0);
        for (int i = 0; i < n; i++) {
            tb_invalidate_range(al[i], al[i] + GUEST_PAGE_SIZE);
        }
    }
    return was;
}

static void code_release_range(uint64_t addr, uint64_t len)
{
    if (!__atomic_load_n(&code_count, __ATOMIC_RELAXED) || !len) {
        return;
    }
    uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
    for (uint64_t p = addr & GUEST_PAGE_MASK; p < end && p < gm.limit;
         p += GUEST_PAGE_SIZE) {
        code_page_release(p);
    }
}

static bool code_write_fault(uint64_t guest_addr)
{
    return guest_addr < gm.limit &&
           code_page_release(guest_addr & GUEST_PAGE_MASK);
}

int guest_mem_init_at(unsigned addr_bits, uint64_t mmap_base,
                      uintptr_t host_base)
{
    pthread_once(&atfork_once, register_atfork);
    wrlock();
    if (gm.ready) {
        unlock();
        fprintf(stderr, "vemu: guest memory is already set up\n");
        return -EBUSY;
    }
    if (addr_bits < 17 || addr_bits > 56) {
        unlock();
        fprintf(stderr,
                "vemu: a guest address space of %u bits is not supported "
                "(17 to 56)\n",
                addr_bits);
        return -EINVAL;
    }
    uint64_t limit = 1ull << addr_bits;
    void *p = mmap((void *)host_base, limit, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
                       (host_base ? MAP_FIXED_NOREPLACE : 0),
                   -1, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        unlock();
        fprintf(stderr,
                "vemu: cannot reserve %llu MiB of host address space for a "
                "%u-bit guest: %s\n",
                (unsigned long long)(limit >> 20), addr_bits, strerror(err));
        return -err;
    }
    gm.reservation = p;
    gm.limit = limit;
    if (mmap_base == 0 || mmap_base > limit) {
        mmap_base = limit;
    }
    gm.mmap_base = mmap_base & GUEST_PAGE_MASK;
    pagemap_init(&gm.map);
    gm.brk_ready = false;
    gm.brk_start = gm.brk_cur = 0;
    tcg_guest_base = (uintptr_t)p;
    tcg_guest_addr_bits = addr_bits;
    if (!code_pages) {
        code_pages = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    tcg_code_page_hook = code_page_translated;
    tcg_code_write_hook = code_write_fault;
    gm.ready = true;
    unlock();
    return 0;
}

int guest_mem_init(unsigned addr_bits, uint64_t mmap_base)
{
    return guest_mem_init_at(addr_bits, mmap_base, 0);
}

void guest_mem_fini(void)
{
    wrlock();
    if (gm.ready) {
        munmap(gm.reservation, gm.limit);
        pagemap_free(&gm.map);
        if (views) {
            g_array_set_size(views, 0);
        }
        gm.ready = false;
        gm.brk_ready = false;
        gm.reservation = NULL;
        gm.limit = 0;
        tcg_guest_base = 0;
        tcg_guest_addr_bits = 0;
        tcg_code_page_hook = NULL;
        tcg_code_write_hook = NULL;
        pthread_mutex_lock(&code_lock);
        if (code_pages) {
            g_hash_table_remove_all(code_pages);
        }
        code_count = 0;
        pthread_mutex_unlock(&code_lock);
    }
    unlock();
}

uint64_t guest_mem_limit(void)
{
    return gm.limit;
}

/* ---- mmap ---- */

/* Host MAP_ flags passed through. MAP_GROWSDOWN and MAP_STACK are
 * accepted but not passed: the reservation below a stack leaves it no
 * room to grow, so a guest stack is a plain mapping of its full size.
 * MAP_HUGETLB is dropped (ordinary pages: the page map is in 4 KiB
 * pages). MAP_32BIT is x86-only and means nothing to our guests. */
static int host_map_flags(int flags)
{
    int pass = MAP_TYPE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE |
               MAP_NONBLOCK | MAP_LOCKED;
#ifdef MAP_SYNC
    pass |= MAP_SYNC;
#endif
    return (flags & pass) | MAP_FIXED;
}

static int64_t mmap_locked(uint64_t addr, uint64_t len, int prot, int flags,
                           int fd, off_t offset, Inval *iv)
{
    if (!gm.ready) {
        return -ENOMEM;
    }
    if (len == 0) {
        return -EINVAL;
    }
    int type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE &&
        type != MAP_SHARED_VALIDATE) {
        return -EINVAL;
    }
    if ((uint64_t)offset & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    uint64_t alen;
    if (!page_align_up(len, &alen) || alen > gm.limit) {
        return -ENOMEM;
    }
    if (flags & MAP_FIXED_NOREPLACE) {
        flags |= MAP_FIXED;
    }

    uint64_t start;
    if (flags & MAP_FIXED) {
        if (addr & (GUEST_PAGE_SIZE - 1)) {
            return -EINVAL;
        }
        if (!in_space(addr, alen)) {
            return -ENOMEM;
        }
        if ((flags & MAP_FIXED_NOREPLACE) &&
            !pagemap_is_free(&gm.map, addr, addr + alen)) {
            return -EEXIST;
        }
        start = addr;
    } else {
        /* A hint is taken as is when the whole range is free; one below
         * the minimum is raised to it, as the kernel does. */
        uint64_t hint = 0;
        bool use_hint = false;
        if (addr != 0 && page_align_up(addr, &hint)) {
            if (hint < GUEST_MMAP_MIN_ADDR) {
                hint = GUEST_MMAP_MIN_ADDR;
            }
            use_hint = in_space(hint, alen) &&
                       pagemap_is_free(&gm.map, hint, hint + alen);
        }
        if (use_hint) {
            start = hint;
        } else if (!pagemap_find_free(&gm.map, GUEST_MMAP_MIN_ADDR, gm.limit,
                                      gm.mmap_base, alen, &start)) {
            return -ENOMEM;
        }
    }

    int old = pagemap_flags_union(&gm.map, start, start + alen);
    bool anon = flags & MAP_ANONYMOUS;
    void *p = mmap(g2h(start), alen, host_prot(prot), host_map_flags(flags),
                   anon ? -1 : fd, anon ? 0 : offset);
    if (p == MAP_FAILED) {
        int err = errno;
        if (recover_after_failure(start, alen)) {
            views_clear_locked(start, start + alen);
            pagemap_set(&gm.map, start, start + alen, 0);
            inval_note(iv, start, start + alen, old);
        }
        return -err;
    }
    int pflags = PAGE_VALID | (prot & PROT_BITS);
    if (anon) {
        pflags |= PAGE_ANON;
    }
    if (type != MAP_PRIVATE) {
        pflags |= PAGE_SHARED;
    }
    views_clear_locked(start, start + alen);
    if (!anon && type != MAP_PRIVATE) {
        views_add_locked(start, start + alen, fd, (uint64_t)offset);
    }
    pagemap_set(&gm.map, start, start + alen, pflags);
    inval_note(iv, start, start + alen, old);
    return (int64_t)start;
}

int64_t guest_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
                   off_t offset)
{
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        code_release_range(addr, len);
    }
    Inval iv = {0};
    wrlock();
    int64_t r = mmap_locked(addr, len, prot, flags, fd, offset, &iv);
    unlock();
    inval_run(&iv);
    return r;
}

/* ---- munmap ---- */

/* Unmap an aligned, in-space range (may contain holes). */
static int unmap_range_locked(uint64_t start, uint64_t len, Inval *iv)
{
    int old = pagemap_flags_union(&gm.map, start, start + len);
    if (old == 0) {
        return 0; /* nothing mapped: the reservation is already there */
    }
    int r = reserve_over(start, len);
    if (r < 0) {
        return r; /* host mappings untouched: the map still matches */
    }
    views_clear_locked(start, start + len);
    pagemap_set(&gm.map, start, start + len, 0);
    inval_note(iv, start, start + len, old);
    return 0;
}

static int munmap_locked(uint64_t addr, uint64_t len, Inval *iv)
{
    if (!gm.ready) {
        return -EINVAL;
    }
    if ((addr & (GUEST_PAGE_SIZE - 1)) || len == 0) {
        return -EINVAL;
    }
    uint64_t alen;
    if (!page_align_up(len, &alen) || !in_space(addr, alen)) {
        return -EINVAL;
    }
    return unmap_range_locked(addr, alen, iv);
}

int guest_munmap(uint64_t addr, uint64_t len)
{
    code_release_range(addr, len);
    Inval iv = {0};
    wrlock();
    int r = munmap_locked(addr, len, &iv);
    unlock();
    inval_run(&iv);
    return r;
}

/* ---- mprotect ---- */

int guest_mprotect(uint64_t addr, uint64_t len, int prot)
{
    code_release_range(addr, len);
    if (addr & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    /* PROT_SEM is meaningless here; PROT_GROWSDOWN/UP extend the change
     * to a growing mapping, and ours do not grow. */
    int known = PROT_BITS | 0x8 | PROT_GROWSDOWN | PROT_GROWSUP;
    if ((prot & ~known) || (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) ==
                               (PROT_GROWSDOWN | PROT_GROWSUP)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    uint64_t alen;
    if (!page_align_up(len, &alen)) {
        return -ENOMEM;
    }
    Inval iv = {0};
    int r = 0;
    wrlock();
    uint64_t end = addr + alen;
    int old = 0;
    /* Linux changes the mappings up to the first hole and then fails;
     * refusing before changing anything is simpler and no program can
     * tell a difference it relies on. */
    if (!gm.ready || !in_space(addr, alen) ||
        !pagemap_covered(&gm.map, addr, end, PAGE_VALID, &old)) {
        r = -ENOMEM;
        goto out;
    }
    /* One host call per run: a run is one kind of mapping, and a host
     * refusal (EACCES: PROT_WRITE on a shared mapping of a read-only
     * file) leaves the runs before it changed, as Linux does. */
    for (uint64_t at = addr; at < end;) {
        const PageRun *run = &gm.map.runs[pagemap_find(&gm.map, at)];
        uint64_t piece_end = run->end < end ? run->end : end;
        int flags = (run->flags & ~PROT_BITS) | (prot & PROT_BITS);
        if (mprotect(g2h(at), piece_end - at, host_prot(prot)) != 0) {
            r = -errno;
            end = at; /* only what was changed needs invalidating */
            break;
        }
        pagemap_set(&gm.map, at, piece_end, flags);
        at = piece_end;
    }
    if (end > addr) {
        inval_note(&iv, addr, end, old);
    }
out:
    unlock();
    inval_run(&iv);
    return r;
}

/* ---- mremap ---- */

/* Grow [old, old+olen) in place to nlen; [old+olen, old+nlen) is free. */
static int grow_in_place_locked(uint64_t old, uint64_t olen, uint64_t nlen,
                                int flags)
{
    uint64_t ext = old + olen, elen = nlen - olen;
    if ((flags & PAGE_ANON) && !(flags & PAGE_SHARED)) {
        /* Private anonymous memory: the extension is just more zero pages
         * (the host merges the two mappings), and no hole ever opens. */
        void *p = mmap(g2h(ext), elen, host_prot(flags & PROT_BITS),
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            int err = errno;
            recover_after_failure(ext, elen);
            return -err;
        }
        return 0;
    }
    /* File and shared mappings must stay one host object: open a hole
     * after the mapping and let the host extend it into the hole. */
    if (munmap(g2h(ext), elen) != 0) {
        return -errno;
    }
    void *p = mremap(g2h(old), olen, nlen, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        reserve_hole(ext, elen);
        return -err;
    }
    return 0;
}

/* Move [old, old+olen) to [dest, dest+nlen) on the host; dest is inside
 * the reservation (free or to be replaced). */
static int move_locked(uint64_t old, uint64_t olen, uint64_t nlen,
                       uint64_t dest, int mflags, int flags, Inval *iv)
{
    int dest_old = pagemap_flags_union(&gm.map, dest, dest + nlen);
    void *p = mremap(g2h(old), olen, nlen,
                     mflags | MREMAP_MAYMOVE | MREMAP_FIXED, g2h(dest));
    if (p == MAP_FAILED) {
        int err = errno;
        if (recover_after_failure(dest, nlen)) {
            views_clear_locked(dest, dest + nlen);
            pagemap_set(&gm.map, dest, dest + nlen, 0);
            inval_note(iv, dest, dest + nlen, dest_old);
        }
        return -err;
    }
    views_move_locked(old, olen, dest, nlen, mflags & MREMAP_DONTUNMAP);
    if (mflags & MREMAP_DONTUNMAP) {
        /* The source stays mapped but empty: its old code is gone. */
        inval_note(iv, old, old + olen, flags);
    } else {
        reserve_hole(old, olen);
        pagemap_set(&gm.map, old, old + olen, 0);
        inval_note(iv, old, old + olen, flags);
    }
    pagemap_set(&gm.map, dest, dest + nlen, flags);
    inval_note(iv, dest, dest + nlen, dest_old);
    return 0;
}

/* Flags of the one mapping holding [start, start+len), or 0 if the range
 * is not inside a single run (Linux wants it inside one vma: EFAULT). */
static int single_run_flags(uint64_t start, uint64_t len)
{
    if (!in_space(start, len)) {
        return 0;
    }
    size_t i = pagemap_find(&gm.map, start);
    if (i == gm.map.n || gm.map.runs[i].start > start ||
        gm.map.runs[i].end - start < len) {
        return 0;
    }
    return gm.map.runs[i].flags;
}

static int64_t mremap_locked(uint64_t old, uint64_t old_len, uint64_t new_len,
                             int mflags, uint64_t new_addr, Inval *iv)
{
    if (mflags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        return -EINVAL;
    }
    if ((mflags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) &&
        !(mflags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    if (old & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    uint64_t olen, nlen;
    if (!page_align_up(old_len, &olen) || !page_align_up(new_len, &nlen) ||
        nlen == 0) {
        return -EINVAL;
    }
    /* old_len 0 asks Linux for a second view of a shared mapping; not
     * supported. DONTUNMAP keeps the size. */
    if (olen == 0 || ((mflags & MREMAP_DONTUNMAP) && olen != nlen)) {
        return -EINVAL;
    }
    if (!gm.ready) {
        return -EFAULT;
    }

    if (mflags & MREMAP_FIXED) {
        if (new_addr & (GUEST_PAGE_SIZE - 1) || !in_space(new_addr, nlen)) {
            return -EINVAL;
        }
        if (new_addr < old + olen && old < new_addr + nlen) {
            return -EINVAL;
        }
        uint64_t keep = olen < nlen ? olen : nlen;
        int flags = single_run_flags(old, keep);
        if (flags == 0) {
            return -EFAULT;
        }
        if (olen > nlen) {
            int r = unmap_range_locked(old + nlen, olen - nlen, iv);
            if (r < 0) {
                return r;
            }
        }
        int r = move_locked(old, keep, nlen, new_addr,
                            mflags & MREMAP_DONTUNMAP, flags, iv);
        return r < 0 ? r : (int64_t)new_addr;
    }

    if (nlen <= olen && !(mflags & MREMAP_DONTUNMAP)) {
        /* Shrink in place: Linux only wants a mapping at old. */
        if (!in_space(old, olen) || pagemap_flags(&gm.map, old) == 0) {
            return -EFAULT;
        }
        if (nlen < olen) {
            int r = unmap_range_locked(old + nlen, olen - nlen, iv);
            if (r < 0) {
                return r;
            }
        }
        return (int64_t)old;
    }

    int flags = single_run_flags(old, olen);
    if (flags == 0) {
        return -EFAULT;
    }
    if (!(mflags & MREMAP_DONTUNMAP) && in_space(old, nlen) &&
        pagemap_is_free(&gm.map, old + olen, old + nlen)) {
        int r = grow_in_place_locked(old, olen, nlen, flags);
        if (r < 0) {
            return r;
        }
        views_grow_locked(old + olen, old + nlen);
        pagemap_set(&gm.map, old + olen, old + nlen, flags);
        return (int64_t)old;
    }
    if (!(mflags & MREMAP_MAYMOVE)) {
        return -ENOMEM;
    }
    uint64_t dest;
    if (!pagemap_find_free(&gm.map, GUEST_MMAP_MIN_ADDR, gm.limit, gm.mmap_base,
                           nlen, &dest)) {
        return -ENOMEM;
    }
    int r = move_locked(old, olen, nlen, dest, mflags & MREMAP_DONTUNMAP, flags,
                        iv);
    return r < 0 ? r : (int64_t)dest;
}

int64_t guest_mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                     int flags, uint64_t new_addr)
{
    code_release_range(old_addr, old_len);
    Inval iv = {0};
    wrlock();
    int64_t r = mremap_locked(old_addr, old_len, new_len, flags, new_addr, &iv);
    unlock();
    inval_run(&iv);
    return r;
}

/* ---- madvise ---- */

/* 1: pass to the host; 0: unknown (EINVAL); -1: refused (EPERM). */
static int advice_kind(int advice)
{
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_REMOVE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case 20: /* MADV_COLD */
    case 21: /* MADV_PAGEOUT */
    case 22: /* MADV_POPULATE_READ */
    case 23: /* MADV_POPULATE_WRITE */
        return 1;
    case MADV_HWPOISON:
    case 101: /* MADV_SOFT_OFFLINE: both would act on host RAM as root */
        return -1;
    default:
        return 0;
    }
}

/* Advice after which the pages read back as zero or as the file. */
static bool advice_discards(int advice)
{
    return advice == MADV_DONTNEED || advice == MADV_FREE ||
           advice == MADV_REMOVE;
}

int guest_madvise(uint64_t addr, uint64_t len, int advice)
{
    code_release_range(addr, len);
    int kind = advice_kind(advice);
    if (kind == 0) {
        return -EINVAL;
    }
    if (addr & (GUEST_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    if (kind < 0) {
        return -EPERM;
    }
    if (len == 0) {
        return 0;
    }
    uint64_t alen;
    if (!page_align_up(len, &alen)) {
        return -EINVAL;
    }
    Inval iv = {0};
    int r = 0, old = 0;
    /* The map does not change: the read lock keeps it still. */
    rdlock();
    if (!gm.ready || !in_space(addr, alen) ||
        !pagemap_covered(&gm.map, addr, addr + alen, PAGE_VALID, &old)) {
        r = -ENOMEM;
    } else if (madvise(g2h(addr), alen, advice) != 0) {
        r = -errno;
    } else if (advice_discards(advice)) {
        inval_note(&iv, addr, addr + alen, old);
    }
    unlock();
    inval_run(&iv);
    return r;
}

/* ---- brk ---- */

void guest_brk_init(uint64_t start)
{
    wrlock();
    gm.brk_start = gm.brk_cur = start;
    gm.brk_ready = true;
    unlock();
}

uint64_t guest_brk(uint64_t new_brk)
{
    Inval iv = {0};
    wrlock();
    uint64_t cur = gm.brk_cur;
    uint64_t new_top, old_top;
    if (!gm.ready || !gm.brk_ready || new_brk < gm.brk_start ||
        !page_align_up(new_brk, &new_top) || new_top > gm.limit ||
        !page_align_up(cur, &old_top)) {
        goto out;
    }
    if (new_brk <= cur) {
        if (new_top < old_top &&
            unmap_range_locked(new_top, old_top - new_top, &iv) < 0) {
            goto out;
        }
        gm.brk_cur = new_brk;
        goto out;
    }
    if (new_top > old_top) {
        /* Never over another mapping: fail and keep the old break. */
        if (!pagemap_is_free(&gm.map, old_top, new_top) ||
            mmap_locked(old_top, new_top - old_top, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
                        &iv) < 0) {
            goto out;
        }
    }
    /* New pages are zero; the tail of the page holding the old break may
     * still hold what the guest left there before shrinking. Linux itself
     * leaves it; zeroing it gives the guarantee malloc implementations
     * assume of fresh break memory. */
    uint64_t tail_end = new_brk < old_top ? new_brk : old_top;
    if (tail_end > cur && pagemap_covered(&gm.map, cur & GUEST_PAGE_MASK,
                                          old_top, PAGE_WRITE, NULL)) {
        memset(g2h(cur), 0, tail_end - cur);
    }
    gm.brk_cur = new_brk;
out:
    cur = gm.brk_cur;
    unlock();
    inval_run(&iv);
    return cur;
}

void guest_brk_range(uint64_t *start, uint64_t *cur)
{
    rdlock();
    *start = gm.brk_ready ? gm.brk_start : 0;
    *cur = gm.brk_ready ? gm.brk_cur : 0;
    unlock();
}

/* ---- queries and safe copies ---- */

int guest_page_flags(uint64_t addr)
{
    rdlock();
    int f = gm.ready && addr < gm.limit ? pagemap_flags(&gm.map, addr) : 0;
    unlock();
    return f;
}

/* The read lock is held. */
static bool range_ok_locked(uint64_t addr, uint64_t len, int need, int *flags)
{
    if (flags) {
        *flags = 0;
    }
    if (len == 0) {
        return true;
    }
    if (!gm.ready || !in_space(addr, len)) {
        return false;
    }
    uint64_t end;
    if (!page_align_up(addr + len, &end)) {
        return false;
    }
    return pagemap_covered(&gm.map, addr & GUEST_PAGE_MASK, end,
                           need | PAGE_VALID, flags);
}

bool guest_range_ok(uint64_t addr, uint64_t len, int need)
{
    rdlock();
    bool ok = range_ok_locked(addr, len, need & PROT_BITS, NULL);
    unlock();
    return ok;
}

/*
 * The translator asks about every guest instruction it reads, nearly
 * always on the page it asked about last: remember the last executable
 * page per thread, for as long as no writer has taken the lock. Asking
 * just before a writer bumps gen is no different from asking before it
 * took the lock, which the uncached check allows as well.
 */
static __thread uint64_t exec_cache_page = UINT64_MAX;
static __thread uint64_t exec_cache_gen;

bool guest_exec_ok(uint64_t addr, uint64_t len)
{
    uint64_t page = addr & GUEST_PAGE_MASK;
    bool one_page = len && ((addr + len - 1) & GUEST_PAGE_MASK) == page &&
                    addr + len - 1 >= addr;
    if (one_page && page == exec_cache_page &&
        __atomic_load_n(&gm.gen, __ATOMIC_SEQ_CST) == exec_cache_gen) {
        return true;
    }
    rdlock();
    uint64_t gen = gm.gen;
    bool ok = range_ok_locked(addr, len, PAGE_EXEC, NULL);
    unlock();
    if (ok && one_page) {
        exec_cache_page = page;
        exec_cache_gen = gen;
    }
    return ok;
}

int guest_copy_from(void *dst, uint64_t src, size_t len)
{
    rdlock();
    bool ok = range_ok_locked(src, len, PAGE_READ, NULL);
    if (ok && len) {
        memcpy(dst, g2h(src), len);
    }
    unlock();
    return ok ? 0 : -EFAULT;
}

int guest_copy_to(uint64_t dst, const void *src, size_t len)
{
    code_release_range(dst, len);
    int flags;
    Inval iv = {0};
    rdlock();
    bool ok = range_ok_locked(dst, len, PAGE_WRITE, &flags);
    if (ok && len) {
        memcpy(g2h(dst), src, len);
        inval_note(&iv, dst, dst + len, flags);
    }
    unlock();
    inval_run(&iv);
    return ok ? 0 : -EFAULT;
}

ssize_t guest_strncpy_from(char *dst, uint64_t src, size_t size)
{
    ssize_t r = -ENAMETOOLONG;
    size_t copied = 0;
    rdlock();
    /* One page at a time, checking each before reading it: the string may
     * end just before an unmapped page, which must not be touched. */
    while (copied < size) {
        uint64_t at = src + copied;
        if (at < src || !gm.ready || at >= gm.limit ||
            !(pagemap_flags(&gm.map, at) & PAGE_READ)) {
            r = -EFAULT;
            break;
        }
        uint64_t in_page = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));
        size_t chunk = size - copied < in_page ? size - copied : in_page;
        const char *p = g2h(at);
        const char *nul = memchr(p, 0, chunk);
        if (nul) {
            size_t n = (size_t)(nul - p);
            memcpy(dst + copied, p, n + 1);
            r = (ssize_t)(copied + n);
            break;
        }
        memcpy(dst + copied, p, chunk);
        copied += chunk;
    }
    unlock();
    return r;
}

void *guest_lock(uint64_t addr, size_t len, bool write)
{
    if (write) {
        code_release_range(addr, len);
    }
    int flags;
    Inval iv = {0};
    rdlock();
    bool ok =
        range_ok_locked(addr, len, write ? PAGE_WRITE : PAGE_READ, &flags);
    if (ok && write && len) {
        inval_note(&iv, addr, addr + len, flags);
    }
    unlock();
    inval_run(&iv);
    return ok ? g2h(addr) : NULL;
}

void guest_mem_walk(void (*fn)(void *opaque, uint64_t start, uint64_t end,
                               int flags),
                    void *opaque)
{
    /* Call fn on a snapshot, without the lock, so fn may use guest-mem
     * functions itself. */
    rdlock();
    size_t n = gm.map.n;
    PageRun *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof(*copy));
        if (!copy) {
            unlock();
            fatal("snapshot of the page map", 0, 0, ENOMEM);
        }
        memcpy(copy, gm.map.runs, n * sizeof(*copy));
    }
    unlock();
    for (size_t i = 0; i < n; i++) {
        fn(opaque, copy[i].start, copy[i].end, copy[i].flags);
    }
    free(copy);
}

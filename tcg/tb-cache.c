/*
 * The persistent translation cache. A dynamic `true` translates some 1700
 * blocks of ld.so and libc, and translation is over half of its start-up;
 * saving the blocks at exit and copying them back in the next run costs a
 * fraction of that.
 *
 * One file per program and configuration, under the cache directory. A
 * saved block is reused only when:
 *  - the header's configuration matches: the vemu build (its ELF build
 *    ID), the backend's host features, the guest address space and what
 *    the caller names (guest, CPU model, options);
 *  - its record's own hash matches (a damaged file costs a translation,
 *    never a crash: every offset is checked against the file's size);
 *  - the guest bytes its translation read hash to the same value now, and
 *    the fetch check still accepts them. The file name is only a way to
 *    find candidates: correctness rests on the content.
 * The code is copied into the code buffer and its relocations (helpers,
 * stubs, the block's own address) are applied for this process.
 *
 * Files are replaced whole, written aside and renamed, so a concurrent
 * reader keeps a complete file mapped and the last writer wins. The
 * directory must belong to the user and be closed to others: the file
 * holds host code that vemu runs.
 */
#include "tcg/tb-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "tcg/internal.h"

#define TBC_MAGIC 0x32434254554d4556ull /* "VEMUTBC2" */
#define TBC_MAX_FILE (256u << 20)
#define TBC_MAX_SRC (64u << 10)

typedef struct TBCHeader {
    uint64_t magic;
    uint64_t config;
    uint64_t file_size;
    uint64_t index_off;
    uint32_t nb_recs;
    uint32_t index_slots; /* a power of two */
    uint64_t hash;        /* of the fields above */
} TBCHeader;

/* rec_off8: the record's offset / 8; 0 marks a free slot (the header is
 * at offset 0). */
typedef struct TBCSlot {
    uint64_t pc;
    uint32_t flags;
    uint32_t rec_off8;
} TBCSlot;

typedef struct TBCRec {
    uint64_t hash; /* of the record's bytes after this field */
    uint32_t len;  /* of the whole record, a multiple of 8 */
    uint32_t flags;
    uint64_t pc;
    uint64_t src_lo, src_hash;
    uint32_t src_len, size, icount, tc_size;
    uint32_t jmp_insn_offset[2], jmp_reset_offset[2];
    int32_t max_insns;
    uint32_t nb_relocs;
    /* Then: the code (tc_size bytes, padded to 8), insn_data
     * (icount * TCG_INSN_START_WORDS), insn_end_off (icount, padded to
     * 8), the relocations. */
} TBCRec;

enum {
    TBC_IMAGE_REL32, /* value: target - vemu's load address */
    TBC_IMAGE_ABS64,
    TBC_STUB_REL32, /* value: target - tb_region_stubs() */
    TBC_STUB_ABS64,
    TBC_TB, /* value: the exit index or'ed into the block's address */
};

typedef struct TBCReloc {
    uint32_t off;
    uint32_t kind;
    uint64_t value;
} TBCReloc;

/* The 4-byte kinds; the others hold 8 bytes. */
static bool reloc_is_rel32(uint32_t kind)
{
    return kind == TBC_IMAGE_REL32 || kind == TBC_STUB_REL32;
}

static struct {
    bool active, verify, print_stats;
    uint64_t unsaved; /* fresh blocks since the last save */
    char *path;
    uint64_t config;
    bool (*fetch_ok)(uint64_t addr, uint64_t len);
    bool (*writable)(uint64_t addr, uint64_t len);
    /* vemu's own image: relocation targets inside it are saved relative
     * to its load address. */
    uintptr_t image_base, image_lo, image_hi;
    /* The file as opened (NULL if none). */
    const uint8_t *map;
    size_t map_size;
    const TBCSlot *slots;
    uint32_t nb_slots;
    uint8_t *rejected; /* per slot, dropped by the next save */
    TBCacheStats stats;
} tbc;

static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

uint64_t tb_cache_hash(const void *p, size_t n, uint64_t seed)
{
    /* Each step is a bijection of the state for a fixed word and of the
     * word for a fixed state, so two inputs differing in one word never
     * collide. Four lanes, folded in the same way, keep four multiplies
     * in flight: the file's records are hashed at every start. */
    const uint8_t *b = p;
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ull);
    if (n >= 32) {
        uint64_t l0 = h, l1 = h ^ 0x243f6a8885a308d3ull,
                 l2 = h ^ 0x13198a2e03707344ull, l3 = h ^ 0xa4093822299f31d0ull;
        for (; n >= 32; b += 32, n -= 32) {
            uint64_t w[4];
            memcpy(w, b, 32);
            l0 = hash_step(l0, w[0]);
            l1 = hash_step(l1, w[1]);
            l2 = hash_step(l2, w[2]);
            l3 = hash_step(l3, w[3]);
        }
        h = hash_step(hash_step(hash_step(hash_step(h, l0), l1), l2), l3);
    }
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = hash_step(h, w);
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, b, n);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 32;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static size_t pad8(size_t v)
{
    return (v + 7) & ~(size_t)7;
}

/* ---- vemu's identity ---- */

struct image_search {
    uintptr_t anchor;
    uintptr_t base, lo, hi;
    uint64_t build_id;
    bool found, has_id;
};

static void scan_build_id(struct image_search *is, const uint8_t *p,
                          size_t size)
{
    while (size >= 12) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, p, 4);
        memcpy(&descsz, p + 4, 4);
        memcpy(&type, p + 8, 4);
        size_t len = 12 + (((size_t)namesz + 3) & ~(size_t)3) +
                     (((size_t)descsz + 3) & ~(size_t)3);
        if (len > size) {
            return;
        }
        if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
            memcmp(p + 12, "GNU", 4) == 0 && descsz >= 8) {
            is->build_id = tb_cache_hash(p + 16, descsz, 0);
            is->has_id = true;
            return;
        }
        p += len;
        size -= len;
    }
}

static int find_image(struct dl_phdr_info *info, size_t size, void *opaque)
{
    struct image_search *is = opaque;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD) {
            uintptr_t a = info->dlpi_addr + ph->p_vaddr;
            lo = a < lo ? a : lo;
            hi = a + ph->p_memsz > hi ? a + ph->p_memsz : hi;
        }
    }
    if (is->anchor < lo || is->anchor >= hi) {
        return 0;
    }
    is->base = info->dlpi_addr;
    is->lo = lo;
    is->hi = hi;
    is->found = true;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_NOTE && !is->has_id) {
            scan_build_id(is, (const uint8_t *)(info->dlpi_addr + ph->p_vaddr),
                          ph->p_memsz);
        }
    }
    return 1;
}

/* ---- the file as read ---- */

static const TBCRec *rec_at(uint64_t off)
{
    if (off < sizeof(TBCHeader) || off % 8 ||
        off + sizeof(TBCRec) > tbc.map_size) {
        return NULL;
    }
    const TBCRec *r = (const TBCRec *)(tbc.map + off);
    if (r->len < sizeof(TBCRec) || r->len % 8 ||
        r->len > tbc.map_size - off) {
        return NULL;
    }
    return r;
}

/* The parts of a record whose length and hash were checked. */
typedef struct RecParts {
    const uint8_t *code;
    const uint64_t *insn_data;
    const uint32_t *insn_end_off;
    const TBCReloc *relocs;
} RecParts;

static bool rec_parts(const TBCRec *r, RecParts *p)
{
    uint64_t code = sizeof(TBCRec);
    uint64_t data = code + pad8(r->tc_size);
    uint64_t ends = data + (uint64_t)r->icount * TCG_INSN_START_WORDS * 8;
    uint64_t rel = ends + pad8((uint64_t)r->icount * 4);
    uint64_t end = rel + (uint64_t)r->nb_relocs * sizeof(TBCReloc);
    if (r->icount > 4096 || r->nb_relocs > TCG_MAX_CODE_RELOCS ||
        r->tc_size > (1u << 20) || end != r->len ||
        tb_cache_hash((const uint8_t *)r + 8, r->len - 8, 0) != r->hash) {
        return false;
    }
    const uint8_t *b = (const uint8_t *)r;
    p->code = b + code;
    p->insn_data = (const uint64_t *)(b + data);
    p->insn_end_off = (const uint32_t *)(b + ends);
    p->relocs = (const TBCReloc *)(b + rel);
    for (uint32_t i = 0; i < r->nb_relocs; i++) {
        uint32_t size = reloc_is_rel32(p->relocs[i].kind) ? 4 : 8;
        if (p->relocs[i].kind > TBC_TB ||
            (uint64_t)p->relocs[i].off + size > r->tc_size) {
            return false;
        }
    }
    for (int n = 0; n < 2; n++) {
        if (r->jmp_insn_offset[n] &&
            ((uint64_t)r->jmp_insn_offset[n] + 4 > r->tc_size ||
             r->jmp_reset_offset[n] > r->tc_size)) {
            return false;
        }
    }
    return true;
}

static uint32_t slot_hash(uint64_t pc, uint32_t flags)
{
    uint64_t h = (pc ^ ((uint64_t)flags << 48)) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

/* Linear probing in an index of nb (a power of two) slots, as read and
 * as written: the slot holding (pc, flags), else the free slot where it
 * would go (*found false), else -1 (full, as only a damaged file is). */
static int64_t probe(const TBCSlot *slots, uint32_t nb, uint64_t pc,
                     uint32_t flags, bool *found)
{
    uint32_t mask = nb - 1;
    *found = false;
    for (uint32_t i = slot_hash(pc, flags) & mask, n = 0; n < nb;
         i = (i + 1) & mask, n++) {
        if (!slots[i].rec_off8) {
            return i;
        }
        if (slots[i].pc == pc && slots[i].flags == flags) {
            *found = true;
            return i;
        }
    }
    return -1;
}

/* The slot of (pc, flags) in the opened file, or -1. */
static int64_t find_slot(uint64_t pc, uint32_t flags)
{
    bool found;
    int64_t i = tbc.slots ? probe(tbc.slots, tbc.nb_slots, pc, flags, &found)
                          : -1;
    return i >= 0 && found ? i : -1;
}

/* The record for (pc, flags) if it may be used now, with its parts. */
static const TBCRec *usable_record(uint64_t pc, uint32_t flags, int max_insns,
                                   RecParts *parts)
{
    int64_t slot = find_slot(pc, flags);
    if (slot < 0) {
        return NULL;
    }
    const TBCRec *r = rec_at((uint64_t)tbc.slots[slot].rec_off8 * 8);
    bool ok = r && r->pc == pc && r->flags == flags &&
              r->max_insns == max_insns && r->src_len &&
              r->src_len <= TBC_MAX_SRC && rec_parts(r, parts) &&
              r->src_lo + r->src_len > r->src_lo &&
              tbc.fetch_ok(r->src_lo, r->src_len) &&
              tb_cache_hash((const void *)(tcg_guest_base + r->src_lo),
                            r->src_len, 0) == r->src_hash;
    if (!ok) {
        if (!tbc.rejected[slot]) {
            tbc.rejected[slot] = 1;
            tbc.stats.rejected++;
        }
        return NULL;
    }
    return r;
}

/* Copy r's code to rw (to run at rx as block tb) and relocate it. */
static bool place_code(const TBCRec *r, const RecParts *p, uint8_t *rw,
                       uintptr_t rx, const TranslationBlock *tb)
{
    memcpy(rw, p->code, r->tc_size);
    for (uint32_t i = 0; i < r->nb_relocs; i++) {
        const TBCReloc *rl = &p->relocs[i];
        uint64_t t;
        switch (rl->kind) {
        case TBC_IMAGE_REL32:
        case TBC_IMAGE_ABS64:
            t = tbc.image_base + rl->value;
            break;
        case TBC_STUB_REL32:
        case TBC_STUB_ABS64:
            t = tb_region_stubs() + rl->value;
            break;
        default:
            t = (uintptr_t)tb | (rl->value & TB_EXIT_MASK);
            break;
        }
        if (reloc_is_rel32(rl->kind)) {
            int64_t disp = (int64_t)(t - (rx + rl->off + 4));
            if (disp != (int32_t)disp) {
                return false;
            }
            int32_t d = (int32_t)disp;
            memcpy(rw + rl->off, &d, 4);
        } else {
            memcpy(rw + rl->off, &t, 8);
        }
    }
    return true;
}

TranslationBlock *tb_cache_load_locked(uint64_t pc, uint32_t flags,
                                       int max_insns)
{
    RecParts p;
    const TBCRec *r = usable_record(pc, flags, max_insns, &p);
    if (!r) {
        return NULL;
    }
    TranslationBlock *tb = tb_alloc_locked(pc, flags);
    if (!tb) {
        return NULL; /* full: the translation path flushes */
    }
    uint8_t *rw;
    const uint8_t *rx;
    size_t avail;
    tb_code_area_locked(&rw, &rx, &avail);
    if (avail < r->tc_size || !place_code(r, &p, rw, (uintptr_t)rx, tb)) {
        return NULL;
    }
    tb->size = r->size;
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn_offset[n] = r->jmp_insn_offset[n];
        tb->jmp_reset_offset[n] = r->jmp_reset_offset[n];
    }
    tb->cache_rec = r;
    if (!tb_commit_parts_locked(tb, r->tc_size, r->icount, p.insn_data,
                                p.insn_end_off, NULL, 0)) {
        return NULL;
    }
    tbc.stats.loaded++;
    return tb;
}

static _Noreturn void verify_failed(const TranslationBlock *tb,
                                    const char *what)
{
    fprintf(stderr,
            "vemu: translation cache: the saved block at guest pc 0x%" PRIx64
            " differs from a fresh translation (%s)\n",
            tb->pc, what);
    abort();
}

void tb_cache_verify_locked(const TranslationBlock *fresh)
{
    RecParts p;
    const TBCRec *r =
        usable_record(fresh->pc, fresh->flags, fresh->max_insns, &p);
    if (!r) {
        return;
    }
    if (r->tc_size != fresh->tc_size || r->size != fresh->size ||
        r->icount != fresh->icount) {
        verify_failed(fresh, "sizes");
    }
    for (int n = 0; n < 2; n++) {
        if (r->jmp_insn_offset[n] != fresh->jmp_insn_offset[n] ||
            r->jmp_reset_offset[n] != fresh->jmp_reset_offset[n]) {
            verify_failed(fresh, "jump offsets");
        }
    }
    size_t words = (size_t)r->icount * TCG_INSN_START_WORDS;
    if (memcmp(p.insn_data, fresh->insn_data, words * 8) ||
        memcmp(p.insn_end_off, fresh->insn_end_off, r->icount * 4u)) {
        verify_failed(fresh, "instruction data");
    }
    uint8_t *code = g_malloc(r->tc_size ? r->tc_size : 1);
    if (!place_code(r, &p, code, (uintptr_t)fresh->tc_ptr, fresh)) {
        verify_failed(fresh, "relocation out of range");
    }
    if (memcmp(code, fresh->tc_ptr, r->tc_size)) {
        verify_failed(fresh, "host code");
    }
    g_free(code);
    tbc.stats.verified++;
}

bool tb_cache_code_stable(uint64_t addr, uint64_t len)
{
    /* The hash is taken after the translation read the bytes: on a page
     * another thread may write, the two could differ. */
    return !tbc.writable(addr, len);
}

void tb_cache_fork_child(void)
{
    /* The parent's blocks are the parent's to save and count. */
    tbc.unsaved = 0;
    memset(&tbc.stats, 0, sizeof(tbc.stats));
}

void tb_cache_note_fresh(void)
{
    tbc.stats.fresh++;
    tbc.unsaved++;
}

/* ---- opening ---- */

static bool private_dir(const char *dir)
{
    struct stat st;
    if (g_mkdir_with_parents(dir, 0700) < 0 || lstat(dir, &st) < 0) {
        return false;
    }
    return S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static void map_file(void)
{
    int fd = open(tbc.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return;
    }
    struct stat st;
    void *m = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_uid == geteuid() && st.st_size >= (off_t)sizeof(TBCHeader) &&
        st.st_size <= TBC_MAX_FILE) {
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (m == MAP_FAILED) {
        return;
    }
    const TBCHeader *h = m;
    size_t size = (size_t)st.st_size;
    uint64_t slots_bytes = (uint64_t)h->index_slots * sizeof(TBCSlot);
    if (h->magic != TBC_MAGIC || h->config != tbc.config ||
        h->file_size != size ||
        tb_cache_hash(h, offsetof(TBCHeader, hash), 0) != h->hash ||
        !h->index_slots || (h->index_slots & (h->index_slots - 1)) ||
        h->index_off % 8 || h->index_off > size ||
        slots_bytes > size - h->index_off) {
        munmap(m, size);
        return;
    }
    tbc.map = m;
    tbc.map_size = size;
    tbc.slots = (const TBCSlot *)(tbc.map + h->index_off);
    tbc.nb_slots = h->index_slots;
    tbc.rejected = g_malloc0(tbc.nb_slots);
}

bool tb_cache_open(const char *dir, const char *program, const char *config,
                   bool (*fetch_ok)(uint64_t addr, uint64_t len),
                   bool (*writable)(uint64_t addr, uint64_t len), bool warn)
{
    const TCGBackend *be = tcg_current_backend();
    if (tbc.active || !be->code_config || tcg_log_mask) {
        return false;
    }
    struct image_search is = {.anchor = (uintptr_t)&tb_cache_open};
    dl_iterate_phdr(find_image, &is);
    if (!is.found || !is.has_id) {
        return false;
    }
    if (!private_dir(dir)) {
        if (warn) {
            fprintf(stderr,
                    "vemu: translation cache %s: not a directory of this "
                    "user closed to others; not used\n",
                    dir);
        }
        return false;
    }
    size_t cfg_size;
    const void *cfg = be->code_config(&cfg_size);
    uint64_t h = tb_cache_hash(cfg, cfg_size, is.build_id);
    h = tb_cache_hash(config, strlen(config), h);
    h = tb_cache_hash(&tcg_guest_addr_bits, sizeof(tcg_guest_addr_bits), h);
    tbc.config = h;
    uint64_t name = tb_cache_hash(program, strlen(program), h);
    tbc.path = g_strdup_printf("%s/%016" PRIx64 ".tbc", dir, name);
    tbc.fetch_ok = fetch_ok;
    tbc.writable = writable;
    tbc.image_base = is.base;
    tbc.image_lo = is.lo;
    tbc.image_hi = is.hi;
    map_file();
    tbc.print_stats = getenv("VEMU_TB_CACHE_STATS") != NULL;
    tbc.active = true;
    return true;
}

bool tb_cache_active(void)
{
    return tbc.active;
}

void tb_cache_set_verify(bool on)
{
    tbc.verify = on;
}

bool tb_cache_verify_mode(void)
{
    return tbc.verify;
}

void tb_cache_get_stats(TBCacheStats *st)
{
    *st = tbc.stats;
}

/* ---- saving ---- */

typedef struct Out {
    GByteArray *buf;
    TBCSlot *slots; /* of the file being written */
    uint32_t nb_slots, nb_recs;
} Out;

static bool out_insert(Out *o, uint64_t pc, uint32_t flags, size_t off)
{
    if ((o->nb_recs + 1) * 2 > o->nb_slots) {
        uint32_t n = o->nb_slots ? o->nb_slots * 2 : 1024;
        TBCSlot *old = o->slots;
        uint32_t old_n = o->nb_slots;
        o->slots = g_new0(TBCSlot, n);
        o->nb_slots = n;
        o->nb_recs = 0;
        for (uint32_t i = 0; i < old_n; i++) {
            if (old[i].rec_off8) {
                out_insert(o, old[i].pc, old[i].flags,
                           (size_t)old[i].rec_off8 * 8);
            }
        }
        g_free(old);
    }
    /* Never full: the table is kept at most half used. */
    bool found;
    int64_t i = probe(o->slots, o->nb_slots, pc, flags, &found);
    if (found) {
        return false;
    }
    o->slots[i] = (TBCSlot){.pc = pc, .flags = flags,
                            .rec_off8 = (uint32_t)(off / 8)};
    o->nb_recs++;
    return true;
}

static bool out_has(const Out *o, uint64_t pc, uint32_t flags)
{
    bool found = false;
    if (o->nb_slots) {
        probe(o->slots, o->nb_slots, pc, flags, &found);
    }
    return found;
}

static void out_record(Out *o, const void *rec, size_t len)
{
    const TBCRec *r = rec;
    size_t off = o->buf->len;
    if (off + len > TBC_MAX_FILE / 2 || !out_insert(o, r->pc, r->flags, off)) {
        return;
    }
    g_byte_array_append(o->buf, rec, (guint)len);
}

/* A relocation as the file holds it, or false if it cannot be. */
static bool save_reloc(const TCGCodeReloc *in, TBCReloc *out)
{
    bool rel = in->kind == TCG_RELOC_REL32;
    size_t stub_off;
    out->off = in->off;
    if (in->kind == TCG_RELOC_TB) {
        out->kind = TBC_TB;
        out->value = in->target;
    } else if (in->target >= tbc.image_lo && in->target < tbc.image_hi) {
        out->kind = rel ? TBC_IMAGE_REL32 : TBC_IMAGE_ABS64;
        out->value = in->target - tbc.image_base;
    } else if (tb_region_in_stubs((uintptr_t)in->target, &stub_off)) {
        out->kind = rel ? TBC_STUB_REL32 : TBC_STUB_ABS64;
        out->value = stub_off;
    } else {
        return false;
    }
    return true;
}

/* Serialize a block this process translated. */
static void out_fresh(Out *o, const TranslationBlock *tb)
{
    size_t code = pad8(tb->tc_size);
    size_t data = (size_t)tb->icount * TCG_INSN_START_WORDS * 8;
    size_t ends = pad8((size_t)tb->icount * 4);
    size_t len = sizeof(TBCRec) + code + data + ends +
                 (size_t)tb->nb_relocs * sizeof(TBCReloc);
    uint8_t *b = g_malloc0(len);
    TBCRec *r = (TBCRec *)b;
    *r = (TBCRec){
        .len = (uint32_t)len,
        .flags = tb->flags,
        .pc = tb->pc,
        .src_lo = tb->src_lo,
        .src_hash = tb->src_hash,
        .src_len = tb->src_len,
        .size = tb->size,
        .icount = tb->icount,
        .tc_size = tb->tc_size,
        .max_insns = tb->max_insns,
        .nb_relocs = tb->nb_relocs,
    };
    uint8_t *c = b + sizeof(TBCRec);
    memcpy(c, tb->tc_ptr, tb->tc_size);
    /* Unchained, as translated: the native backend's goto_tb jump is a
     * rel32 whose unchained destination is its reset offset. */
    for (int n = 0; n < 2; n++) {
        r->jmp_insn_offset[n] = tb->jmp_insn_offset[n];
        r->jmp_reset_offset[n] = tb->jmp_reset_offset[n];
        if (tb->jmp_insn_offset[n]) {
            int32_t d = (int32_t)(tb->jmp_reset_offset[n] -
                                  (tb->jmp_insn_offset[n] + 4));
            memcpy(c + tb->jmp_insn_offset[n], &d, 4);
        }
    }
    memcpy(c + code, tb->insn_data, data);
    memcpy(c + code + data, tb->insn_end_off, (size_t)tb->icount * 4);
    TBCReloc *rl = (TBCReloc *)(c + code + data + ends);
    for (uint32_t i = 0; i < tb->nb_relocs; i++) {
        if (!save_reloc(&tb->relocs[i], &rl[i])) {
            g_free(b);
            return;
        }
    }
    r->hash = tb_cache_hash(b + 8, len - 8, 0);
    out_record(o, b, len);
    g_free(b);
}

static bool write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static void write_file(Out *o)
{
    /* Records start after the header; the index follows them. */
    TBCHeader h = {
        .magic = TBC_MAGIC,
        .config = tbc.config,
        .index_off = o->buf->len,
        .nb_recs = o->nb_recs,
        .index_slots = o->nb_slots,
    };
    h.file_size = h.index_off + (uint64_t)o->nb_slots * sizeof(TBCSlot);
    h.hash = tb_cache_hash(&h, offsetof(TBCHeader, hash), 0);
    memcpy(o->buf->data, &h, sizeof(h));

    char *tmp = g_strdup_printf("%s.%d.tmp", tbc.path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0) {
        g_free(tmp);
        return;
    }
    bool ok = write_all(fd, o->buf->data, o->buf->len) &&
              write_all(fd, o->slots, (size_t)o->nb_slots * sizeof(TBCSlot));
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, tbc.path) < 0) {
        unlink(tmp);
    } else {
        tbc.stats.saved = o->nb_recs;
    }
    g_free(tmp);
}

static void save_locked(void)
{
    Out o = {.buf = g_byte_array_sized_new(1u << 20)};
    TBCHeader blank = {0};
    g_byte_array_append(o.buf, (const guint8 *)&blank, sizeof(blank));
    /* This run's blocks, then the file's others it did not reject. */
    size_t n = tb_region_count();
    for (size_t i = 0; i < n; i++) {
        const TranslationBlock *tb = tb_region_block(i);
        if (__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
            continue;
        }
        if (tb->cache_rec) {
            const TBCRec *r = tb->cache_rec;
            out_record(&o, r, r->len);
        } else if (tb->cacheable) {
            out_fresh(&o, tb);
        }
    }
    for (uint32_t i = 0; i < tbc.nb_slots; i++) {
        const TBCSlot *s = &tbc.slots[i];
        const TBCRec *r;
        if (!s->rec_off8 || tbc.rejected[i] ||
            out_has(&o, s->pc, s->flags) ||
            !(r = rec_at((uint64_t)s->rec_off8 * 8))) {
            continue;
        }
        out_record(&o, r, r->len);
    }
    if (o.nb_recs) {
        write_file(&o);
    }
    g_byte_array_free(o.buf, TRUE);
    g_free(o.slots);
}

void tb_cache_save(void)
{
    if (!tbc.active) {
        return;
    }
    /* Rewriting a large file for a few new blocks would cost more than
     * translating them again next time: a file is rewritten when a
     * sixteenth of the blocks or more are new. */
    if (tbc.unsaved &&
        (!tbc.map || tbc.unsaved * 16 >= tbc.stats.loaded + tbc.unsaved)) {
        tb_lock();
        save_locked();
        tbc.unsaved = 0;
        tb_unlock();
    }
    if (tbc.print_stats) {
        const TBCacheStats *st = &tbc.stats;
        fprintf(stderr,
                "vemu: translation cache: %" PRIu64 " reused, %" PRIu64
                " rejected, %" PRIu64 " translated, %" PRIu64
                " verified, %" PRIu64 " saved\n",
                st->loaded, st->rejected, st->fresh, st->verified, st->saved);
    }
}

/*
 * ELF loader: checks a guest executable, maps its PT_LOAD segments into
 * guest memory through GuestMemOps, and does the same for the dynamic
 * loader named by PT_INTERP, as Linux's execve would (see elf-load.h).
 *
 * Order of checks, so that the message names the real problem: the
 * identification bytes are read and checked by hand first (magic, class,
 * byte order, version, machine), then libelf parses the header and the
 * program headers, and every offset and size it returns is checked here
 * against the file size and the guest address space (libelf is a reader,
 * not a validator). Segments are copied with pread, not mapped from the
 * file: offsets and addresses must still be congruent modulo the page size
 * as Linux requires, so that a later file-backed mapping stays possible.
 *
 * Layout rules: PT_LOAD entries must be sorted by address and must not
 * overlap (bytes; two segments may share a page, which then gets the
 * union of their protections); pages between segments are unmapped (or
 * left PROT_NONE without an unmap callback). An ET_DYN image is placed at
 * a hint (exec_base for the program, mmap_base for the interpreter)
 * aligned to its largest power-of-two p_align.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/elf-load.h"

/* Linux refuses program header tables larger than this. */
#define PHDR_TABLE_MAX 65536
/* Larger p_align values are not honoured when placing an ET_DYN image. */
#define ALIGN_MAX (1ull << 30)

typedef struct LoadCtx {
    const ElfTarget *t;
    const GuestMemOps *m;
    const ElfOpener *opener;
    char *err;
    size_t errlen;
    char buf[ELF_ERR_MAX]; /* message when err is NULL */
    /* While loading an interpreter: the program's span, which an ET_EXEC
     * interpreter's fixed addresses must not overlap. */
    uint64_t busy_lo, busy_hi;
} LoadCtx;

/* One ELF file being loaded: the program or its interpreter. */
typedef struct Image {
    char label[ELF_ERR_MAX / 2]; /* names the file in messages */
    int fd;
    uint64_t file_size;
    Elf *elf;
    GElf_Ehdr eh;
    GElf_Phdr *ph;
    size_t phnum;
    /* After mapping: */
    uint64_t bias;
    uint64_t lo, hi; /* page-aligned span before bias */
    bool mapped;
    uint64_t phdr_copy, phdr_copy_len; /* pages holding a copy of the
                                        * headers, or 0 */
} Image;

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* Copy a path for a message, with control characters shown as '?' so that
 * the message stays one line. */
static void set_label(Image *im, const char *path, const char *suffix)
{
    size_t n = 0;
    for (const char *p = path; *p && n + 1 < sizeof(im->label); p++) {
        unsigned char c = (unsigned char)*p;
        im->label[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    im->label[n] = '\0';
    if (suffix) {
        size_t l = strlen(im->label);
        snprintf(im->label + l, sizeof(im->label) - l, "%s", suffix);
    }
}

/* Record "LABEL: message" and return -1. */
static int __attribute__((format(printf, 3, 4)))
fail(LoadCtx *c, const char *label, const char *fmt, ...)
{
    char *dst = c->err ? c->err : c->buf;
    size_t len = c->err ? c->errlen : sizeof(c->buf);
    if (len == 0) {
        return -1;
    }
    int n = snprintf(dst, len, "%s: ", label);
    if (n >= 0 && (size_t)n < len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(dst + n, len - n, fmt, ap);
        va_end(ap);
    }
    /* A message never spans lines, whatever strerror or a path holds. */
    for (char *p = dst; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    return -1;
}

static const char *err_str(int e)
{
    return strerror(e < 0 ? -e : e);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static uint64_t page_down(const GuestMemOps *m, uint64_t a)
{
    return a & ~(m->page_size - 1);
}

/* Round up; false on overflow. */
static bool page_up(const GuestMemOps *m, uint64_t a, uint64_t *out)
{
    uint64_t r = (a + m->page_size - 1) & ~(m->page_size - 1);
    if (r < a) {
        return false;
    }
    *out = r;
    return true;
}

/* Round up an address already known not to overflow. */
static uint64_t page_end(const GuestMemOps *m, uint64_t a)
{
    return (a + m->page_size - 1) & ~(m->page_size - 1);
}

/* Read exactly len bytes at off, retrying short reads. */
static int read_full(int fd, void *dst, uint64_t len, uint64_t off)
{
    uint8_t *p = dst;
    while (len > 0) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
        ssize_t r = pread(fd, p, chunk, (off_t)off);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (r == 0) {
            return -EIO; /* the file shrank under us */
        }
        p += r;
        len -= (uint64_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static int prot_of(uint32_t p_flags)
{
    return ((p_flags & PF_R) ? PROT_READ : 0) |
           ((p_flags & PF_W) ? PROT_WRITE : 0) |
           ((p_flags & PF_X) ? PROT_EXEC : 0);
}

static uint64_t addr_limit(const GuestMemOps *m)
{
    return m->addr_limit ? m->addr_limit : UINT64_MAX;
}

static const char *class_bits(int elf_class)
{
    return elf_class == ELFCLASS64 ? "64-bit" : "32-bit";
}

/* ------------------------------------------------------------------ */
/* Header checks                                                       */

/* Check the identification bytes and the machine by hand, before libelf
 * sees the file. */
static int check_ident(LoadCtx *c, Image *im)
{
    const ElfTarget *t = c->t;
    uint8_t id[EI_NIDENT + 4];
    size_t have =
        im->file_size < sizeof(id) ? (size_t)im->file_size : sizeof(id);
    int r;

    if (im->file_size == 0) {
        return fail(c, im->label, "empty file, not an ELF executable");
    }
    r = read_full(im->fd, id, have, 0);
    if (r < 0) {
        return fail(c, im->label, "cannot read: %s", err_str(r));
    }
    if (have < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0) {
        if (have >= 2 && id[0] == '#' && id[1] == '!') {
            return fail(c, im->label, "is a #! script, not an ELF executable");
        }
        return fail(c, im->label, "not an ELF file (bad magic number)");
    }
    if (have < EI_NIDENT) {
        return fail(c, im->label, "truncated ELF header (%zu of %d bytes)",
                    have,
                    t->elf_class == ELFCLASS64 ? (int)sizeof(Elf64_Ehdr)
                                               : (int)sizeof(Elf32_Ehdr));
    }
    int cls = id[EI_CLASS], data = id[EI_DATA];
    if (cls != ELFCLASS32 && cls != ELFCLASS64) {
        return fail(c, im->label, "invalid ELF class %d", cls);
    }
    if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
        return fail(c, im->label, "invalid ELF byte order %d", data);
    }
    if (id[EI_VERSION] != EV_CURRENT) {
        return fail(c, im->label, "unsupported ELF version %d", id[EI_VERSION]);
    }
    size_t ehsize = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (have < EI_NIDENT + 4) {
        return fail(c, im->label, "truncated ELF header (%zu of %zu bytes)",
                    (size_t)im->file_size, ehsize);
    }
    /* e_machine follows e_type in both classes. */
    uint16_t machine = data == ELFDATA2LSB ? (uint16_t)(id[18] | id[19] << 8)
                                           : (uint16_t)(id[19] | id[18] << 8);
    if (machine != t->machine) {
        char what[160];
        elf_describe_machine(machine, cls, data, what, sizeof(what));
        return fail(c, im->label, "%s", what);
    }
    if (cls != t->elf_class) {
        return fail(c, im->label, "is a %s ELF file, vemu-%s runs %s ones",
                    class_bits(cls), t->arch_name, class_bits(t->elf_class));
    }
    if (data != t->data) {
        return fail(c, im->label, "is a %s ELF file, vemu-%s runs %s ones",
                    data == ELFDATA2MSB ? "big-endian" : "little-endian",
                    t->arch_name,
                    t->data == ELFDATA2MSB ? "big-endian" : "little-endian");
    }
    if (im->file_size < ehsize) {
        return fail(c, im->label, "truncated ELF header (%zu of %zu bytes)",
                    (size_t)im->file_size, ehsize);
    }
    return 0;
}

/* Parse the header and program headers with libelf and check them. */
static int read_headers(LoadCtx *c, Image *im)
{
    const GuestMemOps *m = c->m;
    size_t phent =
        c->t->elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

    if (check_ident(c, im) < 0) {
        return -1;
    }
    im->elf = elf_begin(im->fd, ELF_C_READ, NULL);
    if (!im->elf || elf_kind(im->elf) != ELF_K_ELF) {
        return fail(c, im->label, "unreadable ELF file (libelf: %s)",
                    elf_errmsg(-1));
    }
    if (!gelf_getehdr(im->elf, &im->eh)) {
        return fail(c, im->label, "unreadable ELF header (libelf: %s)",
                    elf_errmsg(-1));
    }
    GElf_Ehdr *eh = &im->eh;
    switch (eh->e_type) {
    case ET_EXEC:
    case ET_DYN:
        break;
    case ET_REL:
        return fail(c, im->label,
                    "is a relocatable object file, not an executable");
    case ET_CORE:
        return fail(c, im->label, "is a core dump, not an executable");
    default:
        return fail(c, im->label, "unsupported ELF file type %u",
                    (unsigned)eh->e_type);
    }
    if (c->t->check_flags) {
        const char *why = c->t->check_flags((uint32_t)eh->e_flags);
        if (why) {
            return fail(c, im->label, "%s (e_flags 0x%x)", why,
                        (unsigned)eh->e_flags);
        }
    }
    if (eh->e_phnum == 0) {
        return fail(c, im->label, "has no program headers");
    }
    if (eh->e_phentsize != phent) {
        return fail(c, im->label,
                    "bad program header entry size %u (expected %zu)",
                    (unsigned)eh->e_phentsize, phent);
    }
    if (eh->e_phnum == PN_XNUM ||
        (uint64_t)eh->e_phnum * phent > PHDR_TABLE_MAX) {
        return fail(c, im->label, "too many program headers (%u)",
                    (unsigned)eh->e_phnum);
    }
    uint64_t table = (uint64_t)eh->e_phnum * phent;
    if (eh->e_phoff > im->file_size || table > im->file_size - eh->e_phoff) {
        return fail(c, im->label,
                    "truncated program headers (%u at offset 0x%llx, file "
                    "has %llu bytes)",
                    (unsigned)eh->e_phnum, (unsigned long long)eh->e_phoff,
                    (unsigned long long)im->file_size);
    }
    im->phnum = eh->e_phnum;
    im->ph = calloc(im->phnum, sizeof(*im->ph));
    if (!im->ph) {
        return fail(c, im->label, "out of memory");
    }
    for (size_t i = 0; i < im->phnum; i++) {
        if (!gelf_getphdr(im->elf, (int)i, &im->ph[i])) {
            return fail(c, im->label,
                        "unreadable program header %zu (libelf: %s)", i,
                        elf_errmsg(-1));
        }
    }

    /* Every PT_LOAD on its own, then their order. */
    uint64_t limit = addr_limit(m);
    const GElf_Phdr *prev = NULL;
    size_t nload = 0;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        if (p->p_filesz > p->p_memsz) {
            return fail(c, im->label,
                        "segment %zu: file size 0x%llx is larger than its "
                        "memory size 0x%llx",
                        i, (unsigned long long)p->p_filesz,
                        (unsigned long long)p->p_memsz);
        }
        if (p->p_filesz > 0 && (p->p_offset > im->file_size ||
                                p->p_filesz > im->file_size - p->p_offset)) {
            return fail(c, im->label,
                        "segment %zu extends beyond the end of the file "
                        "(offset 0x%llx, size 0x%llx, file has %llu bytes)",
                        i, (unsigned long long)p->p_offset,
                        (unsigned long long)p->p_filesz,
                        (unsigned long long)im->file_size);
        }
        uint64_t end;
        if (p->p_memsz > limit || p->p_vaddr > UINT64_MAX - p->p_memsz ||
            !page_up(m, p->p_vaddr + p->p_memsz, &end) || end > limit) {
            return fail(c, im->label,
                        "segment %zu (address 0x%llx, size 0x%llx) does not "
                        "fit in the guest address space",
                        i, (unsigned long long)p->p_vaddr,
                        (unsigned long long)p->p_memsz);
        }
        if (p->p_filesz > 0 && (p->p_offset & (m->page_size - 1)) !=
                                   (p->p_vaddr & (m->page_size - 1))) {
            return fail(c, im->label,
                        "unsupported segment layout: segment %zu offset "
                        "0x%llx and address 0x%llx differ modulo the page "
                        "size (0x%llx)",
                        i, (unsigned long long)p->p_offset,
                        (unsigned long long)p->p_vaddr,
                        (unsigned long long)m->page_size);
        }
        if (p->p_memsz == 0) {
            continue; /* Linux maps nothing for it either */
        }
        if (prev) {
            if (p->p_vaddr < prev->p_vaddr) {
                return fail(c, im->label,
                            "unsupported segment layout: PT_LOAD segments "
                            "are not sorted by address (segment %zu at "
                            "0x%llx follows 0x%llx)",
                            i, (unsigned long long)p->p_vaddr,
                            (unsigned long long)prev->p_vaddr);
            }
            if (p->p_vaddr < prev->p_vaddr + prev->p_memsz) {
                return fail(
                    c, im->label,
                    "unsupported segment layout: segment %zu "
                    "(0x%llx) overlaps the previous one "
                    "(0x%llx-0x%llx)",
                    i, (unsigned long long)p->p_vaddr,
                    (unsigned long long)prev->p_vaddr,
                    (unsigned long long)(prev->p_vaddr + prev->p_memsz));
            }
        }
        prev = p;
        nload++;
    }
    if (nload == 0) {
        return fail(c, im->label, "has no loadable segments");
    }
    return 0;
}

/* The path in PT_INTERP, or "" if none. */
static int read_interp(LoadCtx *c, Image *im, char *path, size_t len)
{
    const GElf_Phdr *found = NULL;
    path[0] = '\0';
    for (size_t i = 0; i < im->phnum; i++) {
        if (im->ph[i].p_type != PT_INTERP) {
            continue;
        }
        if (found) {
            return fail(c, im->label, "has more than one PT_INTERP");
        }
        found = &im->ph[i];
    }
    if (!found) {
        return 0;
    }
    uint64_t n = found->p_filesz;
    if (n < 2 || n > len) {
        return fail(c, im->label, "bad interpreter path size %llu",
                    (unsigned long long)n);
    }
    if (found->p_offset > im->file_size ||
        n > im->file_size - found->p_offset) {
        return fail(c, im->label,
                    "interpreter path extends beyond the end of the file");
    }
    int r = read_full(im->fd, path, n, found->p_offset);
    if (r < 0) {
        return fail(c, im->label, "cannot read: %s", err_str(r));
    }
    if (path[n - 1] != '\0' || path[0] == '\0') {
        path[0] = '\0';
        return fail(c, im->label, "malformed interpreter path");
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                             */

static uint64_t max_align(const GuestMemOps *m, const Image *im)
{
    uint64_t a = m->page_size;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        uint64_t al = p->p_align;
        if (p->p_type == PT_LOAD && al > a && al <= ALIGN_MAX &&
            (al & (al - 1)) == 0) {
            a = al;
        }
    }
    return a;
}

/* Give back [addr, addr+len) of a mapping, or make it inaccessible. */
static void release(const GuestMemOps *m, uint64_t addr, uint64_t len)
{
    if (len == 0) {
        return;
    }
    if (!m->unmap || m->unmap(m->opaque, addr, len) < 0) {
        m->protect(m->opaque, addr, len, PROT_NONE);
    }
}

/* Reserve the image's span read-write and set im->bias. */
static int reserve(LoadCtx *c, Image *im, uint64_t hint)
{
    const GuestMemOps *m = c->m;
    uint64_t span = im->hi - im->lo;
    uint64_t limit = addr_limit(m);
    uint64_t got;
    int r;

    if (im->eh.e_type == ET_EXEC) {
        if (im->lo < c->busy_hi && c->busy_lo < im->hi) {
            return fail(c, im->label,
                        "its segments (0x%llx-0x%llx) overlap the program's "
                        "(0x%llx-0x%llx)",
                        (unsigned long long)im->lo, (unsigned long long)im->hi,
                        (unsigned long long)c->busy_lo,
                        (unsigned long long)c->busy_hi);
        }
        r = m->map(m->opaque, im->lo, span, PROT_READ | PROT_WRITE, true, &got);
        if (r < 0) {
            return fail(c, im->label, "cannot map 0x%llx-0x%llx: %s",
                        (unsigned long long)im->lo, (unsigned long long)im->hi,
                        err_str(r));
        }
        im->bias = 0;
        im->mapped = true;
        return 0;
    }

    uint64_t align = max_align(m, im);
    if (span > limit || align > limit - span) {
        return fail(c, im->label, "image of 0x%llx bytes is too large",
                    (unsigned long long)span);
    }
    hint = (hint + align - 1) & ~(align - 1);
    if (hint > limit - span) {
        hint = 0;
    }
    r = m->map(m->opaque, hint, span, PROT_READ | PROT_WRITE, false, &got);
    if (r == 0 && (got & (align - 1)) != 0) {
        /* Misaligned: ask for enough slack to align, then trim it. */
        release(m, got, span);
        r = m->map(m->opaque, hint, span + align - m->page_size,
                   PROT_READ | PROT_WRITE, false, &got);
        if (r == 0) {
            uint64_t start = (got + align - 1) & ~(align - 1);
            release(m, got, start - got);
            release(m, start + span, got + align - m->page_size - start);
            got = start;
        }
    }
    if (r < 0) {
        return fail(c, im->label, "cannot map 0x%llx bytes: %s",
                    (unsigned long long)span, err_str(r));
    }
    if (got > limit - span) {
        release(m, got, span);
        return fail(c, im->label,
                    "mapped at 0x%llx, beyond the guest address space",
                    (unsigned long long)got);
    }
    im->bias = got - im->lo;
    im->mapped = true;
    return 0;
}

/* Protection of one page: the union of the segments touching it. */
static int page_prot(const GuestMemOps *m, const Image *im, uint64_t page)
{
    int prot = 0;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        if (page_down(m, p->p_vaddr) <= page &&
            page < p->p_vaddr + p->p_memsz) {
            prot |= prot_of(p->p_flags);
        }
    }
    return prot;
}

/*
 * Put a segment's file bytes at guest va (host h). The pages lying wholly
 * inside them are mapped from the file when the memory manager can; only
 * the partial first and last pages are read, so the zeroing below still
 * sees exactly the bytes it would after a full read (never file bytes
 * beyond p_filesz or before p_vaddr).
 */
static int load_file_bytes(LoadCtx *c, const Image *im, const GElf_Phdr *p,
                           uint64_t va, uint8_t *h)
{
    const GuestMemOps *m = c->m;
    uint64_t fstart = page_end(m, va);
    uint64_t fend = page_down(m, va + p->p_filesz);
    uint64_t foff = p->p_offset + (fstart - va);
    if (m->map_file && fend > fstart && (foff & (m->page_size - 1)) == 0 &&
        m->map_file(m->opaque, fstart, fend - fstart, PROT_READ | PROT_WRITE,
                    im->fd, foff) == 0) {
        int r = read_full(im->fd, h, fstart - va, p->p_offset);
        if (r == 0) {
            uint64_t tail = va + p->p_filesz - fend;
            r = read_full(im->fd, h + (fend - va), tail,
                          p->p_offset + (fend - va));
        }
        return r;
    }
    return read_full(im->fd, h, p->p_filesz, p->p_offset);
}

/* Map the image, copy its file bytes, zero its bss, protect its pages. */
static int map_image(LoadCtx *c, Image *im, uint64_t hint)
{
    const GuestMemOps *m = c->m;
    uint64_t ps = m->page_size;
    bool first = true;

    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        uint64_t end = page_end(m, p->p_vaddr + p->p_memsz);
        if (first) {
            im->lo = page_down(m, p->p_vaddr);
            first = false;
        }
        im->hi = end;
    }
    if (reserve(c, im, hint) < 0) {
        return -1;
    }

    uint64_t prev_end = im->lo + im->bias; /* page end of the last segment */
    uint64_t prev_byte_end = 0;            /* its exact end */
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        uint64_t va = p->p_vaddr + im->bias;
        uint64_t end = page_end(m, va + p->p_memsz);
        uint8_t *h = m->g2h(m->opaque, va);
        if (!h) {
            return fail(c, im->label, "segment %zu: 0x%llx is not mapped", i,
                        (unsigned long long)va);
        }
        if (p->p_filesz > 0) {
            int r = load_file_bytes(c, im, p, va, h);
            if (r < 0) {
                return fail(c, im->label, "cannot read segment %zu: %s", i,
                            err_str(r));
            }
        }
        /* Zero the rest of the segment's pages: bss through the end of its
         * last page, and the head of its first page unless an earlier
         * segment holds it. The mapping is fresh, but do not rely on the
         * memory manager for that. */
        memset(h + p->p_filesz, 0, end - va - p->p_filesz);
        uint64_t start = page_down(m, va);
        uint64_t head = start > prev_byte_end ? start : prev_byte_end;
        if (head < va) {
            memset(h - (va - head), 0, va - head);
        }
        prev_byte_end = va + p->p_memsz;

        if (start > prev_end) {
            release(m, prev_end, start - prev_end); /* hole between */
        }
        prev_end = end;
    }

    /* Protections, page runs at a time: interior pages take their
     * segment's, boundary pages the union of all segments touching them. */
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        uint64_t s = page_down(m, p->p_vaddr);
        uint64_t e = page_end(m, p->p_vaddr + p->p_memsz);
        uint64_t pages[2] = {s, e - ps};
        for (int k = 0; k < 2; k++) {
            if (k == 1 && pages[1] == pages[0]) {
                break;
            }
            int r = m->protect(m->opaque, pages[k] + im->bias, ps,
                               page_prot(m, im, pages[k]));
            if (r < 0) {
                return fail(c, im->label, "cannot protect 0x%llx: %s",
                            (unsigned long long)(pages[k] + im->bias),
                            err_str(r));
            }
        }
        if (e - s > 2 * ps) {
            int r = m->protect(m->opaque, s + ps + im->bias, e - s - 2 * ps,
                               prot_of(p->p_flags));
            if (r < 0) {
                return fail(c, im->label, "cannot protect 0x%llx: %s",
                            (unsigned long long)(s + ps + im->bias),
                            err_str(r));
            }
        }
    }
    return 0;
}

/* True if [a, a+len) lies inside a PT_LOAD's memory (before bias). */
static bool in_segment(const Image *im, uint64_t a, uint64_t len)
{
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD && a >= p->p_vaddr && len <= p->p_memsz &&
            a - p->p_vaddr <= p->p_memsz - len) {
            return true;
        }
    }
    return false;
}

/* Where the program headers are in guest memory: PT_PHDR if it lies in a
 * segment, else where e_phoff falls in a segment's file bytes (Linux's
 * rule), else a copy on a page of their own. */
static int find_phdr(LoadCtx *c, Image *im, uint64_t *out)
{
    const GuestMemOps *m = c->m;
    uint64_t table = (uint64_t)im->phnum * im->eh.e_phentsize;

    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_PHDR && in_segment(im, p->p_vaddr, table)) {
            *out = p->p_vaddr + im->bias;
            return 0;
        }
    }
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD && p->p_offset <= im->eh.e_phoff &&
            table <= p->p_filesz &&
            im->eh.e_phoff - p->p_offset <= p->p_filesz - table) {
            *out = im->eh.e_phoff - p->p_offset + p->p_vaddr + im->bias;
            return 0;
        }
    }
    uint64_t len = page_end(m, table), got;
    /* Not right after the image: that is where brk grows. */
    int r = m->map(m->opaque, m->mmap_base, len, PROT_READ | PROT_WRITE, false,
                   &got);
    void *h = r == 0 ? m->g2h(m->opaque, got) : NULL;
    if (!h) {
        return fail(c, im->label,
                    "cannot map a copy of the program "
                    "headers: %s",
                    err_str(r < 0 ? r : -EFAULT));
    }
    im->phdr_copy = got;
    im->phdr_copy_len = len;
    r = read_full(im->fd, h, table, im->eh.e_phoff);
    if (r < 0) {
        return fail(c, im->label, "cannot read the program headers: %s",
                    err_str(r));
    }
    m->protect(m->opaque, got, len, PROT_READ);
    *out = got;
    return 0;
}

/* Check and map one image. hint: where an ET_DYN image goes. interp: where
 * to put the PT_INTERP path (the program), or NULL (an interpreter, which
 * must not have one). */
static int load_image(LoadCtx *c, Image *im, uint64_t hint, char *interp,
                      size_t interp_len)
{
    if (read_headers(c, im) < 0) {
        return -1;
    }
    if (interp) {
        if (read_interp(c, im, interp, interp_len) < 0) {
            return -1;
        }
    } else {
        for (size_t i = 0; i < im->phnum; i++) {
            if (im->ph[i].p_type == PT_INTERP) {
                return fail(c, im->label,
                            "has an interpreter of its own (PT_INTERP), so "
                            "it cannot be one");
            }
        }
    }
    if (!in_segment(im, im->eh.e_entry, 1)) {
        return fail(c, im->label,
                    "entry point 0x%llx is outside every loadable segment",
                    (unsigned long long)im->eh.e_entry);
    }
    return map_image(c, im, hint);
}

static int open_image(LoadCtx *c, Image *im, int fd)
{
    struct stat st;
    im->fd = fd;
    if (fstat(fd, &st) < 0) {
        return fail(c, im->label, "cannot stat: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return fail(c, im->label, "is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(c, im->label, "not a regular file");
    }
    im->file_size = (uint64_t)st.st_size;
    return 0;
}

static void close_image(const GuestMemOps *m, Image *im, bool unmap)
{
    if (unmap && im->mapped) {
        release(m, im->lo + im->bias, im->hi - im->lo);
    }
    if (unmap && im->phdr_copy) {
        release(m, im->phdr_copy, im->phdr_copy_len);
    }
    if (im->elf) {
        elf_end(im->elf);
    }
    free(im->ph);
}

/* Fill the ImageInfo fields that describe the program itself. */
static void describe(const GuestMemOps *m, const Image *im, ImageInfo *out)
{
    out->load_bias = im->bias;
    out->entry = im->eh.e_entry + im->bias;
    out->phnum = (uint16_t)im->phnum;
    out->phentsize = im->eh.e_phentsize;
    out->image_start = im->lo + im->bias;
    out->image_end = im->hi + im->bias;
    out->machine = im->eh.e_machine;
    out->e_flags = (uint32_t)im->eh.e_flags;
    out->elf_class = im->eh.e_ident[EI_CLASS];
    out->is_dyn = im->eh.e_type == ET_DYN;
    out->exec_stack = true; /* Linux's default without PT_GNU_STACK */

    uint64_t start_code = UINT64_MAX, end_code = 0;
    uint64_t start_data = UINT64_MAX, end_data = 0, top = 0;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_GNU_STACK) {
            out->exec_stack = (p->p_flags & PF_X) != 0;
        }
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        uint64_t va = p->p_vaddr + im->bias;
        if (p->p_flags & PF_X) {
            if (va < start_code) {
                start_code = va;
            }
            if (va + p->p_filesz > end_code) {
                end_code = va + p->p_filesz;
            }
        }
        if (p->p_flags & PF_W) {
            if (va < start_data) {
                start_data = va;
            }
            if (va + p->p_filesz > end_data) {
                end_data = va + p->p_filesz;
            }
        }
        if (va + p->p_memsz > top) {
            top = va + p->p_memsz;
        }
    }
    out->start_code = start_code == UINT64_MAX ? 0 : start_code;
    out->end_code = end_code;
    out->start_data = start_data == UINT64_MAX ? 0 : start_data;
    out->end_data = end_data;
    page_up(m, top, &out->start_brk);
}

static int load_fd(LoadCtx *c, int fd, const char *name, ImageInfo *out)
{
    const GuestMemOps *m = c->m;
    Image prog = {.fd = -1}, interp = {.fd = -1};
    int ret = -1;

    memset(out, 0, sizeof(*out));
    set_label(&prog, name, NULL);
    if (m->page_size == 0 || (m->page_size & (m->page_size - 1)) != 0) {
        fail(c, prog.label, "bad guest page size %llu",
             (unsigned long long)m->page_size);
        goto done;
    }
    if (open_image(c, &prog, fd) < 0 ||
        load_image(c, &prog, m->exec_base ? m->exec_base : m->mmap_base,
                   out->interp_path, sizeof(out->interp_path)) < 0 ||
        find_phdr(c, &prog, &out->phdr_addr) < 0) {
        goto done;
    }
    describe(m, &prog, out);
    out->start_pc = out->entry;

    if (out->interp_path[0]) {
        int ifd;
        if (c->opener && c->opener->open_path) {
            ifd = c->opener->open_path(c->opener->opaque, out->interp_path);
        } else {
            ifd = open(out->interp_path, O_RDONLY | O_CLOEXEC);
            if (ifd < 0) {
                ifd = -errno;
            }
        }
        if (ifd < 0) {
            char shown[sizeof(prog.label)];
            Image tmp;
            set_label(&tmp, out->interp_path, NULL);
            snprintf(shown, sizeof(shown), "%s", tmp.label);
            fail(c, prog.label, "cannot open interpreter %s: %s", shown,
                 err_str(ifd));
            goto done;
        }
        char suffix[sizeof(prog.label) + 32];
        snprintf(suffix, sizeof(suffix), " (interpreter of %s)", prog.label);
        set_label(&interp, out->interp_path, suffix);
        interp.fd = ifd;
        c->busy_lo = prog.lo + prog.bias;
        c->busy_hi = prog.hi + prog.bias;
        if (open_image(c, &interp, ifd) < 0 ||
            load_image(c, &interp, m->mmap_base, NULL, 0) < 0) {
            goto done;
        }
        out->interp_bias = interp.bias;
        out->interp_entry = interp.eh.e_entry + interp.bias;
        out->interp_start = interp.lo + interp.bias;
        out->interp_end = interp.hi + interp.bias;
        out->start_pc = out->interp_entry;
    }
    ret = 0;

done:
    if (interp.fd >= 0) {
        close(interp.fd);
    }
    close_image(m, &interp, ret < 0);
    close_image(m, &prog, ret < 0);
    if (ret < 0) {
        if (!c->err) {
            fprintf(stderr, "vemu: %s\n", c->buf);
        }
        memset(out, 0, sizeof(*out));
    }
    return ret;
}

static void loader_init(LoadCtx *c, const ElfTarget *t, const GuestMemOps *m,
                        const ElfOpener *opener, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->t = t;
    c->m = m;
    c->opener = opener;
    c->err = err;
    c->errlen = errlen;
    if (err && errlen) {
        err[0] = '\0';
    }
    elf_version(EV_CURRENT);
}

int elf_load_program_fd(int fd, const char *name, const ElfTarget *t,
                        const GuestMemOps *m, const ElfOpener *opener,
                        ImageInfo *out, char *err, size_t errlen)
{
    LoadCtx c;
    loader_init(&c, t, m, opener, err, errlen);
    return load_fd(&c, fd, name, out);
}

int elf_load_program(const char *path, const ElfTarget *t, const GuestMemOps *m,
                     const ElfOpener *opener, ImageInfo *out, char *err,
                     size_t errlen)
{
    LoadCtx c;
    loader_init(&c, t, m, opener, err, errlen);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        Image tmp;
        set_label(&tmp, path, NULL);
        memset(out, 0, sizeof(*out));
        fail(&c, tmp.label, "%s", strerror(e));
        if (!err) {
            fprintf(stderr, "vemu: %s\n", c.buf);
        }
        return -1;
    }
    int r = load_fd(&c, fd, path, out);
    close(fd);
    return r;
}

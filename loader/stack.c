/*
 * Initial stack builder and parser (see stack.h for the layout). Sizes are
 * computed first and checked against the stack's room, and both ends of
 * the stack checked to be mapped; then everything is written in one pass
 * through g2h, so nothing is written on failure.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "loader/stack.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* Auxv entries the builder writes itself, and at most this many extra. */
#define AUXV_MAX_OWN 24
#define AUXV_MAX_EXTRA 64

int elf_stack_word_size(const ImageInfo *info)
{
    return info->elf_class == ELFCLASS32 ? 4 : 8;
}

static int put_bytes(const GuestMemOps *m, uint64_t addr, const void *src,
                     size_t len)
{
    uint8_t *h = m->g2h(m->opaque, addr);
    if (!h) {
        return -1;
    }
    memcpy(h, src, len);
    return 0;
}

static int put_word(const GuestMemOps *m, uint64_t addr, uint64_t v, int w)
{
    uint8_t b[8];
    for (int i = 0; i < w; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
    return put_bytes(m, addr, b, (size_t)w);
}

uint64_t elf_stack_word(const GuestMemOps *m, uint64_t addr, int word)
{
    const uint8_t *h = m->g2h(m->opaque, addr);
    uint64_t v = 0;
    if (!h) {
        return 0;
    }
    for (int i = 0; i < word; i++) {
        v |= (uint64_t)h[i] << (8 * i);
    }
    return v;
}

/* 16 bytes from the kernel's random source. */
static int random_bytes(uint8_t out[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t r = getrandom(out + got, 16 - got, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        got += (size_t)r;
    }
    if (got == 16) {
        return 0;
    }
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    while (got < 16) {
        ssize_t r = read(fd, out + got, 16 - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            int e = r < 0 ? errno : EIO;
            close(fd);
            return -e;
        }
        got += (size_t)r;
    }
    close(fd);
    return 0;
}

static int stack_fail(char *err, size_t errlen, const char *execfn,
                      const char *what)
{
    if (err && errlen) {
        snprintf(err, errlen, "%s: %s", execfn, what);
        for (char *p = err; *p; p++) {
            if (*p == '\n' || *p == '\r') {
                *p = '?';
            }
        }
    }
    return -1;
}

int elf_build_initial_stack(const GuestMemOps *m, uint64_t stack_top,
                            uint64_t stack_limit, int argc, char **argv,
                            char **envp, const char *execfn,
                            const ImageInfo *info, const AuxvArch *a,
                            uint64_t *out_sp, char *err, size_t errlen)
{
    const int w = elf_stack_word_size(info);
    uint64_t envc = 0;
    uint64_t room = stack_top > stack_limit ? stack_top - stack_limit : 0;
    /* top word, random bytes, two alignments to 16 */
    uint64_t need = (uint64_t)w + 16 + 32;

    if (argc < 0 || (a->n_extra && !a->extra) || a->n_extra < 0 ||
        a->n_extra > AUXV_MAX_EXTRA) {
        return stack_fail(err, errlen, execfn, "bad stack arguments");
    }
    /* Room for the strings, checked before anything is written. */
    need += strlen(execfn) + 1;
    if (a->platform) {
        need += strlen(a->platform) + 1;
    }
    for (int i = 0; i < argc; i++) {
        if (!argv[i]) {
            return stack_fail(err, errlen, execfn, "bad stack arguments");
        }
        need += strlen(argv[i]) + 1;
    }
    for (; envp && envp[envc]; envc++) {
        need += strlen(envp[envc]) + 1;
    }
    uint64_t nauxv = AUXV_MAX_OWN + (uint64_t)a->n_extra;
    uint64_t words = 1 + ((uint64_t)argc + 1) + (envc + 1) + 2 * nauxv;
    if (need > room || words > (room - need) / (uint64_t)w) {
        return stack_fail(err, errlen, execfn, "argument list too long");
    }

    if (!m->g2h(m->opaque, stack_limit) || !m->g2h(m->opaque, stack_top - 1)) {
        goto unmapped;
    }
    uint8_t rnd[16];
    int r = random_bytes(rnd);
    if (r < 0) {
        char what[128];
        snprintf(what, sizeof(what), "cannot get random bytes: %s",
                 strerror(-r));
        return stack_fail(err, errlen, execfn, what);
    }

    /* Strings, from the top down. */
    uint64_t p = stack_top - (uint64_t)w;
    if (put_word(m, p, 0, w) < 0) {
        goto unmapped;
    }
    size_t len = strlen(execfn) + 1;
    p -= len;
    uint64_t execfn_addr = p;
    if (put_bytes(m, p, execfn, len) < 0) {
        goto unmapped;
    }
    /* Pointers are written later; remember the strings' addresses by
     * walking the same order again: envp[envc-1] .. envp[0], then argv. */
    for (uint64_t i = envc; i-- > 0;) {
        len = strlen(envp[i]) + 1;
        p -= len;
        if (put_bytes(m, p, envp[i], len) < 0) {
            goto unmapped;
        }
    }
    uint64_t env_strings = p; /* envp[0]'s string */
    for (int i = argc; i-- > 0;) {
        len = strlen(argv[i]) + 1;
        p -= len;
        if (put_bytes(m, p, argv[i], len) < 0) {
            goto unmapped;
        }
    }
    uint64_t arg_strings = p; /* argv[0]'s string */

    p &= ~(uint64_t)15;
    uint64_t platform_addr = 0;
    if (a->platform) {
        len = strlen(a->platform) + 1;
        p -= len;
        platform_addr = p;
        if (put_bytes(m, p, a->platform, len) < 0) {
            goto unmapped;
        }
    }
    p -= 16;
    uint64_t random_addr = p;
    if (put_bytes(m, p, rnd, 16) < 0) {
        goto unmapped;
    }

    /* The auxiliary vector. */
    uint64_t auxv[2 * (AUXV_MAX_OWN + AUXV_MAX_EXTRA)];
    uint64_t(*ent)[2] = (uint64_t(*)[2])auxv;
    int n = 0;
#define AUX(type, val)                                                         \
    do {                                                                       \
        ent[n][0] = (type);                                                    \
        ent[n][1] = (val);                                                     \
        n++;                                                                   \
    } while (0)
    for (int i = 0; i < a->n_extra; i++) {
        AUX(a->extra[i][0], a->extra[i][1]);
    }
    AUX(AT_HWCAP, a->hwcap);
    AUX(AT_PAGESZ, m->page_size);
    AUX(AT_CLKTCK, a->clktck ? a->clktck : 100);
    AUX(AT_PHDR, info->phdr_addr);
    AUX(AT_PHENT, info->phentsize);
    AUX(AT_PHNUM, info->phnum);
    AUX(AT_BASE, info->interp_bias);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, info->entry);
    AUX(AT_UID, a->uid);
    AUX(AT_EUID, a->euid);
    AUX(AT_GID, a->gid);
    AUX(AT_EGID, a->egid);
    AUX(AT_SECURE, a->secure ? 1 : 0);
    AUX(AT_RANDOM, random_addr);
    if (a->hwcap2) {
        AUX(AT_HWCAP2, a->hwcap2);
    }
    AUX(AT_EXECFN, execfn_addr);
    if (a->platform) {
        AUX(AT_PLATFORM, platform_addr);
    }
    if (a->minsigstksz) {
        AUX(AT_MINSIGSTKSZ, a->minsigstksz);
    }
    AUX(AT_NULL, 0);
#undef AUX

    /* argc, argv, envp and auxv, with sp 16-byte aligned. */
    words = 1 + ((uint64_t)argc + 1) + (envc + 1) + 2 * (uint64_t)n;
    uint64_t sp = (p - words * (uint64_t)w) & ~(uint64_t)15;
    if (sp < stack_limit) {
        return stack_fail(err, errlen, execfn, "argument list too long");
    }
    uint64_t q = sp;
    if (put_word(m, q, (uint64_t)argc, w) < 0) {
        goto unmapped;
    }
    q += (uint64_t)w;
    uint64_t s = arg_strings;
    for (int i = 0; i < argc; i++, q += (uint64_t)w) {
        if (put_word(m, q, s, w) < 0) {
            goto unmapped;
        }
        s += strlen(argv[i]) + 1;
    }
    put_word(m, q, 0, w);
    q += (uint64_t)w;
    s = env_strings;
    for (uint64_t i = 0; i < envc; i++, q += (uint64_t)w) {
        if (put_word(m, q, s, w) < 0) {
            goto unmapped;
        }
        s += strlen(envp[i]) + 1;
    }
    put_word(m, q, 0, w);
    q += (uint64_t)w;
    for (int i = 0; i < n; i++, q += 2 * (uint64_t)w) {
        if (put_word(m, q, ent[i][0], w) < 0 ||
            put_word(m, q + (uint64_t)w, ent[i][1], w) < 0) {
            goto unmapped;
        }
    }
    *out_sp = sp;
    return 0;

unmapped:
    return stack_fail(err, errlen, execfn, "the stack is not mapped");
}

/* ------------------------------------------------------------------ */
/* Reading a stack back                                                */

int elf_parse_initial_stack(const GuestMemOps *m, uint64_t sp,
                            uint64_t stack_top, int word, InitialStack *out)
{
    const uint64_t w = (uint64_t)word;
    memset(out, 0, sizeof(*out));
    if ((word != 4 && word != 8) || sp >= stack_top || stack_top - sp < w ||
        !m->g2h(m->opaque, sp) || !m->g2h(m->opaque, stack_top - 1)) {
        return -1;
    }
    uint64_t words = (stack_top - sp) / w; /* words that fit */
    uint64_t i = 0;
    out->sp = sp;
    out->word = word;
    out->argc = elf_stack_word(m, sp, word);
    if (out->argc >= words - 1) {
        return -1;
    }
    i = 1;
    out->argv = sp + i * w;
    i += out->argc;
    if (elf_stack_word(m, sp + i * w, word) != 0) {
        return -1;
    }
    i++;
    out->envp = sp + i * w;
    for (; i < words && elf_stack_word(m, sp + i * w, word) != 0; i++) {
        out->envc++;
    }
    if (i >= words) {
        return -1;
    }
    i++;
    out->auxv = sp + i * w;
    for (; i + 1 < words; i += 2) {
        out->auxc++;
        if (elf_stack_word(m, sp + i * w, word) == AT_NULL) {
            return 0;
        }
    }
    return -1;
}

bool elf_auxv_lookup(const GuestMemOps *m, const InitialStack *st,
                     uint64_t type, uint64_t *value)
{
    const uint64_t w = (uint64_t)st->word;
    for (uint64_t i = 0; i < st->auxc; i++) {
        uint64_t a = st->auxv + 2 * w * i;
        if (elf_stack_word(m, a, st->word) == type) {
            *value = elf_stack_word(m, a + w, st->word);
            return true;
        }
    }
    return false;
}

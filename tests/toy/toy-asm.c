/*
 * Toy assembler: growable word buffer, labels, fixups resolved at
 * toy_asm_finish(), range-checked format emitters and pseudo-instructions.
 * Errors keep the first message and never abort, so a test can report it.
 */
#include "toy-asm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum FixupKind {
    FIX_BRANCH, /* imm16 word offset in bits 31:16 */
    FIX_JAL,    /* imm20 word offset in bits 31:12 */
    FIX_LA,     /* li (addr >> 16) ; shori (addr & 0xffff) */
    FIX_DWORD,  /* two words holding the 64-bit address */
} FixupKind;

struct ToyFixup {
    size_t pos; /* word index */
    ToyLabel label;
    FixupKind kind;
};

static void asm_error(ToyAsm *as, const char *fmt, ...)
{
    if (as->err[0]) {
        return;
    }
    int n = snprintf(as->err, sizeof(as->err), "toy-asm: at 0x%" PRIx64 ": ",
                     toy_here(as));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(as->err + n, sizeof(as->err) - (size_t)n, fmt, ap);
    va_end(ap);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elt)
{
    if (need <= *cap) {
        return p;
    }
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need) {
        n *= 2;
    }
    p = realloc(p, n * elt);
    if (!p) {
        fprintf(stderr, "toy-asm: out of memory\n");
        abort();
    }
    *cap = n;
    return p;
}

void toy_asm_init(ToyAsm *as, uint64_t base)
{
    memset(as, 0, sizeof(*as));
    as->base = base;
    if (base % TOY_INSN_BYTES != 0) {
        asm_error(as, "base address not word aligned");
    }
}

void toy_asm_free(ToyAsm *as)
{
    free(as->code);
    free(as->label_addr);
    free(as->fixups);
    memset(as, 0, sizeof(*as));
}

uint64_t toy_here(const ToyAsm *as)
{
    return as->base + as->len * TOY_INSN_BYTES;
}

size_t toy_asm_size(const ToyAsm *as)
{
    return as->len * TOY_INSN_BYTES;
}

void toy_emit(ToyAsm *as, uint32_t word)
{
    as->code = grow(as->code, &as->cap, as->len + 1, sizeof(uint32_t));
    as->code[as->len++] = word;
}

ToyLabel toy_label(ToyAsm *as)
{
    as->label_addr = grow(as->label_addr, &as->labels_cap, as->nb_labels + 1,
                          sizeof(uint64_t));
    as->label_addr[as->nb_labels] = UINT64_MAX;
    return (ToyLabel)as->nb_labels++;
}

void toy_bind(ToyAsm *as, ToyLabel l)
{
    if (l >= as->nb_labels) {
        asm_error(as, "bind of unknown label %u", l);
        return;
    }
    if (as->label_addr[l] != UINT64_MAX) {
        asm_error(as, "label %u bound twice", l);
        return;
    }
    as->label_addr[l] = toy_here(as);
}

ToyLabel toy_label_here(ToyAsm *as)
{
    ToyLabel l = toy_label(as);
    toy_bind(as, l);
    return l;
}

uint64_t toy_label_addr(const ToyAsm *as, ToyLabel l)
{
    return l < as->nb_labels ? as->label_addr[l] : UINT64_MAX;
}

static void add_fixup(ToyAsm *as, FixupKind kind, ToyLabel l)
{
    if (l >= as->nb_labels) {
        asm_error(as, "reference to unknown label %u", l);
        return;
    }
    as->fixups =
        grow(as->fixups, &as->fixups_cap, as->nb_fixups + 1, sizeof(ToyFixup));
    as->fixups[as->nb_fixups++] = (ToyFixup){as->len, l, kind};
}

static bool check_regs(ToyAsm *as, unsigned a, unsigned b, unsigned c)
{
    if (a >= TOY_NREGS || b >= TOY_NREGS || c >= TOY_NREGS) {
        asm_error(as, "register number out of range");
        return false;
    }
    return true;
}

void toy_emit_r(ToyAsm *as, unsigned op, unsigned a, unsigned b, unsigned c)
{
    check_regs(as, a, b, c);
    toy_emit(as, toy_enc_r(op, a, b, c));
}

void toy_emit_i(ToyAsm *as, unsigned op, unsigned a, unsigned b, int64_t imm)
{
    check_regs(as, a, b, 0);
    if (!toy_fits_s16(imm)) {
        asm_error(as, "%s: immediate %" PRId64 " does not fit 16 bits",
                  toy_insn_info[op & 0xff].name, imm);
    }
    toy_emit(as, toy_enc_i(op, a, b, imm));
}

void toy_emit_j(ToyAsm *as, unsigned op, unsigned a, int64_t imm)
{
    check_regs(as, a, 0, 0);
    if (!toy_fits_s20(imm)) {
        asm_error(as, "%s: immediate %" PRId64 " does not fit 20 bits",
                  toy_insn_info[op & 0xff].name, imm);
    }
    toy_emit(as, toy_enc_j(op, a, imm));
}

void toy_emit_u(ToyAsm *as, unsigned op, unsigned a, int64_t imm)
{
    check_regs(as, a, 0, 0);
    if (imm < 0 || imm > 0xffff) {
        asm_error(as, "%s: immediate %" PRId64 " is not 0..65535",
                  toy_insn_info[op & 0xff].name, imm);
    }
    toy_emit(as, toy_enc_i(op, a, 0, imm));
}

void toy_emit_b(ToyAsm *as, unsigned op, unsigned a, unsigned b, ToyLabel l)
{
    check_regs(as, a, b, 0);
    add_fixup(as, FIX_BRANCH, l);
    toy_emit(as, toy_enc_i(op, a, b, 0));
}

void toy_emit_l(ToyAsm *as, unsigned op, unsigned a, ToyLabel l)
{
    check_regs(as, a, 0, 0);
    add_fixup(as, FIX_JAL, l);
    toy_emit(as, toy_enc_j(op, a, 0));
}

unsigned toy_li64_len(uint64_t value)
{
    for (unsigned k = 0; k < 3; k++) {
        if (toy_fits_s20((int64_t)value >> (16 * k))) {
            return 1 + k;
        }
    }
    return 4;
}

void toy_li64(ToyAsm *as, unsigned rd, uint64_t value)
{
    unsigned k = toy_li64_len(value) - 1;

    toy_li(as, rd, (int64_t)value >> (16 * k));
    while (k-- > 0) {
        toy_shori(as, rd, (int64_t)((value >> (16 * k)) & 0xffff));
    }
}

void toy_la(ToyAsm *as, unsigned rd, ToyLabel l)
{
    add_fixup(as, FIX_LA, l);
    toy_emit_j(as, TOY_OP_li, rd, 0);
    toy_emit_u(as, TOY_OP_shori, rd, 0);
}

void toy_j(ToyAsm *as, ToyLabel l)
{
    toy_jal(as, 0, l);
}

void toy_call(ToyAsm *as, ToyLabel l)
{
    toy_jal(as, TOY_REG_LINK, l);
}

void toy_ret(ToyAsm *as)
{
    toy_jalr(as, 0, TOY_REG_LINK, 0);
}

void toy_mov(ToyAsm *as, unsigned rd, unsigned rs)
{
    toy_addi(as, rd, rs, 0);
}

void toy_nop(ToyAsm *as)
{
    toy_add(as, 0, 0, 0);
}

void toy_word(ToyAsm *as, uint32_t v)
{
    toy_emit(as, v);
}

void toy_dword(ToyAsm *as, uint64_t v)
{
    toy_emit(as, (uint32_t)v);
    toy_emit(as, (uint32_t)(v >> 32));
}

void toy_dword_label(ToyAsm *as, ToyLabel l)
{
    add_fixup(as, FIX_DWORD, l);
    toy_dword(as, 0);
}

void toy_align(ToyAsm *as, unsigned bytes)
{
    while (toy_here(as) % bytes != 0) {
        toy_emit(as, 0);
    }
}

void toy_space(ToyAsm *as, size_t bytes)
{
    for (size_t i = 0; i < bytes; i += TOY_INSN_BYTES) {
        toy_emit(as, 0);
    }
}

int toy_asm_finish(ToyAsm *as)
{
    for (size_t i = 0; i < as->nb_fixups && !as->err[0]; i++) {
        const ToyFixup *f = &as->fixups[i];
        uint64_t target = as->label_addr[f->label];
        uint64_t at = as->base + f->pos * TOY_INSN_BYTES;
        int64_t words = ((int64_t)target - (int64_t)at) / TOY_INSN_BYTES;
        uint32_t *w = &as->code[f->pos];

        if (target == UINT64_MAX) {
            asm_error(as, "label %u used at 0x%" PRIx64 " is never bound",
                      f->label, at);
            break;
        }
        switch (f->kind) {
        case FIX_BRANCH:
            if (!toy_fits_s16(words)) {
                asm_error(as, "branch at 0x%" PRIx64 " out of range", at);
            }
            w[0] = toy_enc_i(w[0], (w[0] >> 8) & 15, (w[0] >> 12) & 15, words);
            break;
        case FIX_JAL:
            if (!toy_fits_s20(words)) {
                asm_error(as, "jal at 0x%" PRIx64 " out of range", at);
            }
            w[0] = toy_enc_j(w[0], (w[0] >> 8) & 15, words);
            break;
        case FIX_LA:
            if (!toy_fits_s20((int64_t)target >> 16)) {
                asm_error(as, "la: address 0x%" PRIx64 " too large", target);
            }
            w[0] = toy_enc_j(w[0], (w[0] >> 8) & 15, (int64_t)target >> 16);
            w[1] = toy_enc_i(w[1], (w[1] >> 8) & 15, 0, target & 0xffff);
            break;
        case FIX_DWORD:
            w[0] = (uint32_t)target;
            w[1] = (uint32_t)(target >> 32);
            break;
        }
    }
    return as->err[0] ? -1 : 0;
}

bool toy_asm_load(const ToyAsm *as, uint8_t *mem, size_t mem_size)
{
    size_t bytes = toy_asm_size(as);

    if (as->base > mem_size || bytes > mem_size - as->base) {
        return false;
    }
    memcpy(mem + as->base, as->code, bytes);
    return true;
}

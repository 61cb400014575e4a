/*
 * Toy ISA descriptor table, decoder and disassembler, all generated from
 * toy-insns.def. The decoder is strict: undefined opcodes and non-zero
 * reserved bits are illegal, so a stray data word is caught rather than
 * executed as something else.
 */
#include "toy-isa.h"

#include <inttypes.h>
#include <string.h>

#include "tcg/exec.h"

const ToyInsnInfo toy_insn_info[256] = {
#define INSN(name, op, fmt, tr, arg) [op] = {#name, TOY_FMT_##fmt, arg},
#include "toy-insns.def"
#undef INSN
};

static int64_t sext(uint32_t v, int bits)
{
    return (int64_t)((uint64_t)v << (64 - bits)) >> (64 - bits);
}

bool toy_decode(uint32_t word, ToyInsn *out)
{
    const ToyInsnInfo *info = &toy_insn_info[word & 0xff];
    uint32_t reserved;

    if (!info->name) {
        return false;
    }
    memset(out, 0, sizeof(*out));
    out->opcode = word & 0xff;
    out->info = info;
    out->a = (word >> 8) & 15;
    out->b = (word >> 12) & 15;
    out->c = (word >> 16) & 15;

    switch (info->fmt) {
    case TOY_FMT_R:
        reserved = word >> 20;
        break;
    case TOY_FMT_I:
    case TOY_FMT_S:
    case TOY_FMT_B:
        out->imm = sext(word >> 16, 16);
        out->c = 0;
        reserved = 0;
        break;
    case TOY_FMT_J:
    case TOY_FMT_L:
        out->imm = sext(word >> 12, 20);
        out->b = out->c = 0;
        reserved = 0;
        break;
    case TOY_FMT_U:
        out->imm = word >> 16;
        reserved = out->b;
        out->b = out->c = 0;
        break;
    case TOY_FMT_A:
        reserved = word >> 12;
        break;
    case TOY_FMT_P:
        reserved = word >> 16;
        break;
    case TOY_FMT_N:
        reserved = word >> 8;
        break;
    default:
        reserved = 1;
        break;
    }
    return reserved == 0;
}

void toy_disas_insn(FILE *f, uint64_t pc, uint32_t word)
{
    ToyInsn d;

    if (!toy_decode(word, &d)) {
        fprintf(f, ".word 0x%08" PRIx32, word);
        return;
    }
    const char *n = d.info->name;
    switch (d.info->fmt) {
    case TOY_FMT_R:
        fprintf(f, "%s r%u, r%u, r%u", n, d.a, d.b, d.c);
        break;
    case TOY_FMT_I:
        if (d.opcode >= TOY_OP_ldb && d.opcode <= TOY_OP_ldda) {
            fprintf(f, "%s r%u, %" PRId64 "(r%u)", n, d.a, d.imm, d.b);
        } else {
            fprintf(f, "%s r%u, r%u, %" PRId64, n, d.a, d.b, d.imm);
        }
        break;
    case TOY_FMT_S:
        fprintf(f, "%s r%u, %" PRId64 "(r%u)", n, d.a, d.imm, d.b);
        break;
    case TOY_FMT_B:
        fprintf(f, "%s r%u, r%u, 0x%" PRIx64, n, d.a, d.b,
                pc + (uint64_t)(d.imm * 4));
        break;
    case TOY_FMT_J:
        fprintf(f, "%s r%u, %" PRId64, n, d.a, d.imm);
        break;
    case TOY_FMT_L:
        fprintf(f, "%s r%u, 0x%" PRIx64, n, d.a, pc + (uint64_t)(d.imm * 4));
        break;
    case TOY_FMT_U:
        fprintf(f, "%s r%u, 0x%" PRIx64, n, d.a, d.imm);
        break;
    case TOY_FMT_A:
        fprintf(f, "%s r%u", n, d.a);
        break;
    case TOY_FMT_P:
        fprintf(f, "%s r%u, r%u", n, d.a, d.b);
        break;
    case TOY_FMT_N:
        fputs(n, f);
        break;
    }
}

void toy_disas(FILE *f, uint64_t pc, size_t size)
{
    for (size_t off = 0; off + TOY_INSN_BYTES <= size; off += TOY_INSN_BYTES) {
        uint32_t word;
        memcpy(&word, (const void *)(tcg_guest_base + pc + off), 4);
        fprintf(f, "0x%08" PRIx64 ":  %08" PRIx32 "  ", pc + off, word);
        toy_disas_insn(f, pc + off, word);
        fputc('\n', f);
    }
}

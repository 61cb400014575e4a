/*
 * Disassembly of the interpreter's bytecode (tci.h) for -d out_asm: the
 * header, the constant pool, then one line per instruction with its
 * offset, name and operands (sN is frame slot N; branch targets are
 * offsets in the block). Stops quietly at anything it cannot decode.
 * Also holds the instruction table (names, lengths, operand formats).
 */
#include "tcg/tci/tci.h"

#include <inttypes.h>
#include <string.h>

const TciOpInfo tci_op_info[TCI_NB_OPS] = {
#define X(n, w, f) [TCI_##n] = {#n, w, TCI_FMT_##f},
    TCI_OPS(X)
#undef X
};

void tci_disas(FILE *f, const void *code, size_t size)
{
    const uint8_t *base = code, *p;
    TciHeader h;
    if (size < sizeof(h)) {
        return;
    }
    memcpy(&h, base, sizeof(h));
    fprintf(f, "  %04x: header tb=0x%" PRIx64 " slots=%u consts=%u\n", 0, h.tb,
            h.nslots, h.nconst);
    p = base + sizeof(h);
    for (uint32_t i = 0; i < h.nconst && p + 8 <= base + size; i++, p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        fprintf(f, "  %04x: const s%u = 0x%" PRIx64 "\n", (unsigned)(p - base),
                TCI_SLOT_CONST0 + i, v);
    }
    while (p + 8 <= base + size) {
        TciInsn in;
        TciExt x = {{0}};
        uint64_t w = 0;
        memcpy(&in, p, sizeof(in));
        if (in.opc >= TCI_NB_OPS) {
            fprintf(f, "  %04x: .byte 0x%02x\n", (unsigned)(p - base), in.opc);
            return;
        }
        unsigned words = tci_op_info[in.opc].words;
        if (p + words * 8 > base + size) {
            return;
        }
        if (words > 1) {
            memcpy(&x, p + 8, 8);
            memcpy(&w, p + 8, 8);
        }
        int32_t imm = tci_imm(&in);
        fprintf(f, "  %04x: %-10s ", (unsigned)(p - base),
                tci_op_info[in.opc].name);
        switch (tci_op_info[in.opc].fmt) {
        case TCI_FMT_RA:
            fprintf(f, "s%u, s%u", in.r, in.a);
            break;
        case TCI_FMT_RAB:
            fprintf(f, "s%u, s%u, s%u", in.r, in.a, in.b);
            break;
        case TCI_FMT_LDG:
            fprintf(f, "s%u, env+%d", in.r, imm);
            break;
        case TCI_FMT_STG:
            fprintf(f, "env+%d, s%u", imm, in.r);
            break;
        case TCI_FMT_ADD2:
            fprintf(f, "s%u, s%u, s%u, s%u, s%u, s%u", in.r, in.a, in.b, x.s[0],
                    x.s[1], x.s[2]);
            break;
        case TCI_FMT_EXTRACT:
            fprintf(f, "s%u, s%u, pos=%u, len=%u", in.r, in.a, in.aux, in.b);
            break;
        case TCI_FMT_DEPOSIT:
            fprintf(f, "s%u, s%u, s%u, pos=%u, len=%u", in.r, in.a, in.b,
                    x.s[0], x.s[1]);
            break;
        case TCI_FMT_SETCOND:
            fprintf(f, "s%u, s%u, s%u, %s", in.r, in.a, in.b,
                    tcg_cond_name((TCGCond)in.aux));
            break;
        case TCI_FMT_MOVCOND:
            fprintf(f, "s%u, s%u, s%u, s%u, s%u, %s", in.r, in.a, in.b, x.s[0],
                    x.s[1], tcg_cond_name((TCGCond)in.aux));
            break;
        case TCI_FMT_LD:
            fprintf(f, "s%u, [s%u%+" PRId64 "], mo=0x%x", in.r, in.a,
                    (int64_t)w, in.aux);
            break;
        case TCI_FMT_ST:
            fprintf(f, "[s%u%+" PRId64 "], s%u, mo=0x%x", in.a, (int64_t)w,
                    in.r, in.aux);
            break;
        case TCI_FMT_QLD:
            fprintf(f, "s%u, guest[s%u], mo=0x%x", in.r, in.a, in.aux);
            break;
        case TCI_FMT_QST:
            fprintf(f, "guest[s%u], s%u, mo=0x%x", in.a, in.r, in.aux);
            break;
        case TCI_FMT_CMPXCHG:
            fprintf(f, "s%u, guest[s%u], s%u, s%u, mo=0x%x", in.r, in.a, in.b,
                    x.s[0], in.aux);
            break;
        case TCI_FMT_XCHG:
            fprintf(f, "s%u, guest[s%u], s%u, mo=0x%x", in.r, in.a, in.b,
                    in.aux);
            break;
        case TCI_FMT_FETCH:
            fprintf(f, "s%u, guest[s%u], s%u, mo=0x%x, aop=%u", in.r, in.a,
                    in.b, in.aux & 31, in.aux >> 5);
            break;
        case TCI_FMT_CALL: {
            uint64_t fn;
            memcpy(&fn, p + 16, 8);
            fprintf(f, "0x%" PRIx64 "(s%u, s%u, s%u, s%u, s%u, s%u) nargs=%u",
                    fn, in.a, in.b, x.s[0], x.s[1], x.s[2], x.s[3],
                    in.aux & 15);
            if (in.aux >> 4) {
                fprintf(f, " -> s%u", in.r);
            }
            break;
        }
        case TCI_FMT_BR:
            fprintf(f, "%04x", (unsigned)(p - base + imm));
            break;
        case TCI_FMT_BRCOND:
            fprintf(f, "s%u, s%u, %04x", in.a, in.b,
                    (unsigned)(p - base + (int32_t)(uint32_t)w));
            break;
        case TCI_FMT_INSN:
            fprintf(f, "%d", imm);
            break;
        case TCI_FMT_GOTO_TB:
            fprintf(f, "%u", in.aux);
            break;
        case TCI_FMT_EXIT:
            fprintf(f, "0x%" PRIx64, w);
            break;
        case TCI_FMT_GOTO_PTR:
            fprintf(f, "s%u", in.a);
            break;
        case TCI_FMT_VLD:
            fprintf(f, "s%u, [s%u%+" PRId64 "]", in.r, in.a, (int64_t)w);
            break;
        case TCI_FMT_VST:
            fprintf(f, "[s%u%+" PRId64 "], s%u", in.a, (int64_t)w, in.r);
            break;
        case TCI_FMT_VEC:
            fprintf(f, "s%u, s%u, s%u, %u", in.r, in.a, in.b, in.aux);
            break;
        default:
            break;
        }
        fputc('\n', f);
        p += words * 8;
    }
}

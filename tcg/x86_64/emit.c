/*
 * x86-64 instruction encoding (see emit.h). Only encoding lives here; what
 * to emit for each IR op is in lower.c.
 */
#include "emit.h"

#include <assert.h>
#include <string.h>

void x86_out_modrm_sib(TCGGen *g, int opc, int r, int base, int index,
                       int32_t disp)
{
    if (base < 0) {
        /* RIP-relative: disp counts from the end of this instruction,
         * whose length the caller cannot know before encoding; callers
         * pass a displacement already relative to the end. */
        x86_out_opc(g, opc, r, -1, -1);
        x86_out8(g, (uint8_t)(0x05 | ((r & 7) << 3)));
        x86_out32(g, (uint32_t)disp);
        return;
    }
    x86_out_opc(g, opc, r, base, index);
    int mod;
    /* RBP/R13 as base cannot use the no-displacement form. */
    if (disp == 0 && (base & 7) != 5) {
        mod = 0x00;
    } else if (disp == (int8_t)disp) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != 4) {
        x86_out8(g, (uint8_t)(mod | ((r & 7) << 3) | (base & 7)));
    } else {
        /* SIB: RSP/R12 as base always need one; index 4 means none. */
        int idx = index < 0 ? 4 : (index & 7);
        assert(index != 4 && "rsp cannot be an index");
        x86_out8(g, (uint8_t)(mod | ((r & 7) << 3) | 4));
        x86_out8(g, (uint8_t)((idx << 3) | (base & 7)));
    }
    if (mod == 0x40) {
        x86_out8(g, (uint8_t)disp);
    } else if (mod == 0x80) {
        x86_out32(g, (uint32_t)disp);
    }
}

void x86_out_vex_modrm(TCGGen *g, int opc, int r, int v, int rm)
{
    int mmmmm = (opc & P_EXT3A) ? 3 : (opc & P_EXT38) ? 2 : 1;
    int pp = (opc & P_DATA16) ? 1 : (opc & P_F3) ? 2 : (opc & P_F2) ? 3 : 0;
    x86_out8(g, 0xc4);
    x86_out8(g, (uint8_t)(((r < 8) << 7) | (1 << 6) | ((rm < 8) << 5) | mmmmm));
    x86_out8(g, (uint8_t)(((opc & P_REXW) ? 0x80 : 0) | ((~v & 15) << 3) | pp));
    x86_out8(g, (uint8_t)opc);
    x86_out8(g, (uint8_t)(0xc0 | ((r & 7) << 3) | (rm & 7)));
}

void x86_out_arith_rr(TCGGen *g, int ext, int dst, int src, bool w)
{
    x86_out_modrm(g, (OPC_ARITH_GvEv + (ext << 3)) | (w ? P_REXW : 0), dst,
                  src);
}

void x86_out_arith_ri(TCGGen *g, int ext, int dst, int64_t imm, bool w)
{
    int rexw = w ? P_REXW : 0;
    if (imm == (int8_t)imm) {
        x86_out_modrm(g, OPC_ARITH_EvIb | rexw, ext, dst);
        x86_out8(g, (uint8_t)imm);
    } else {
        x86_out_modrm(g, OPC_ARITH_EvIz | rexw, ext, dst);
        x86_out32(g, (uint32_t)imm);
    }
}

void x86_out_shift_ri(TCGGen *g, int ext, int reg, int count, bool w)
{
    x86_out_modrm(g, OPC_SHIFT_Ib | (w ? P_REXW : 0), ext, reg);
    x86_out8(g, (uint8_t)count);
}

void x86_out_jcc(TCGGen *g, int cc, uint32_t label)
{
    x86_out_opc(g, OPC_JCC_long + cc, -1, -1, -1);
    uint32_t where = tcg_gen_offset(g);
    x86_out32(g, 0);
    tcg_label_add_reloc(g, label, where);
}

void x86_out_jmp_label(TCGGen *g, uint32_t label)
{
    x86_out8(g, OPC_JMP_long);
    uint32_t where = tcg_gen_offset(g);
    x86_out32(g, 0);
    tcg_label_add_reloc(g, label, where);
}

uint8_t *x86_out_jcc_short(TCGGen *g, int cc)
{
    x86_out8(g, (uint8_t)(cc < 0 ? OPC_JMP_short : OPC_JCC_short + cc));
    x86_out8(g, 0);
    return g->code_ptr - 1;
}

void x86_patch_short(TCGGen *g, uint8_t *disp)
{
    ptrdiff_t d = g->code_ptr - (disp + 1);
    assert(d >= -128 && d <= 127);
    *disp = (uint8_t)d;
}

void x86_out_nops(TCGGen *g, int n)
{
    while (n-- > 0) {
        x86_out8(g, 0x90);
    }
}

void tcg_patch_reloc(TCGGen *g, uint32_t where, uint32_t target)
{
    int32_t disp = (int32_t)(target - (where + 4));
    memcpy(g->code_start + where, &disp, 4);
}

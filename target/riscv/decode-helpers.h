/*
 * The !function= field functions named by insn32.decode and insn16.decode,
 * shared by the two users of the generated decoders: the translator
 * (translate.c) and the disassembler (disas.c). Include after declaring
 * DisasContext and before the generated decode-*.c.inc files. They scale
 * immediates back from the bits the manual stores and map the 3-bit RVC
 * register fields to x8..x15; they never look at ctx.
 */
#ifndef VEMU_TARGET_RISCV_DECODE_HELPERS_H
#define VEMU_TARGET_RISCV_DECODE_HELPERS_H

/* Multiplications rather than shifts: the values may be negative. */
static int ex_shift_1(DisasContext *ctx, int x)
{
    return x * 2;
}

static int ex_shift_2(DisasContext *ctx, int x)
{
    return x * 4;
}

static int ex_shift_3(DisasContext *ctx, int x)
{
    return x * 8;
}

static int ex_shift_4(DisasContext *ctx, int x)
{
    return x * 16;
}

static int ex_shift_12(DisasContext *ctx, int x)
{
    return x * 4096;
}

/* rd', rs1', rs2' of RVC: 3 bits naming x8..x15. */
static int ex_rvc_reg(DisasContext *ctx, int x)
{
    return x + 8;
}

#endif

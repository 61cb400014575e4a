/*
 * v128 IR builders shared by the Advanced SIMD translators
 * (trans-simd.c.inc, trans-simdx.c.inc). Included into translate.c
 * through them, after the DisasContext and vreg_offset helpers exist.
 *
 * A whole Vn goes through one ld_vec and one st_vec of its 16 bytes in
 * env. Writing Vd with a single 16-byte store matters beyond the store
 * itself: the next instruction reading Vd as a v128 can then take the
 * value straight from the store buffer, where two 8-byte stores would
 * make its 16-byte load wait for both to retire (a failed store
 * forward on x86).
 */
#ifndef VEMU_TARGET_AARCH64_VEC_IR_H
#define VEMU_TARGET_AARCH64_VEC_IR_H

static TCGv vec_temp(DisasContext *ctx)
{
    return tcg_temp_ebb(ctx->s, TCG_TYPE_V128);
}

/* All 128 bits of Vr in a new v128 temp. */
static TCGv vec_load(DisasContext *ctx, int r)
{
    TCGv t = vec_temp(ctx);

    tcg_gen_ld_vec(ctx->s, t, ctx->s->env_temp, vreg_offset(r));
    return t;
}

/* A v128 temp with every lane zero (the IR has no v128 constants). */
static TCGv vec_zero(DisasContext *ctx)
{
    TCGv t = vec_temp(ctx);

    tcg_gen_dupi_vec(ctx->s, MO_64, t, 0);
    return t;
}

/*
 * Write v to Vd: all of it for Q = 1. For Q = 0 only the low 64 bits go
 * in, with the high half zeroed as every 64-bit vector result requires:
 * taken out of v with extract64_vec (a load the slot's 16-byte store
 * forwards) and stored as two 64-bit words. Inserting zero into v's
 * slot instead would make the 16-byte reload of the slot for st_vec
 * wait on a partial store, which measured ten times slower.
 */
static void vec_store(DisasContext *ctx, int rd, TCGv v, bool q)
{
    if (q) {
        tcg_gen_st_vec(ctx->s, v, ctx->s->env_temp, vreg_offset(rd));
    } else {
        TCGv lo = temp_new(ctx);
        tcg_gen_extract64_vec(ctx->s, lo, v, 0);
        tcg_gen_st(ctx->s, TCG_TYPE_I64, lo, ctx->s->env_temp, MO_64,
                   vreg_d_offset(rd, 0));
        clear_vec_high(ctx, rd);
    }
}

#endif

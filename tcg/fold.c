/*
 * Reference semantics of the pure integer ops (docs/tcg-ir.md), evaluated
 * on constants. The optimizer folds with it, and tests use it as the
 * independent statement of what every backend must compute.
 *
 * Relies on: i32 values being zero-extended in 64 bits, and on GCC's
 * unsigned __int128 for double-width products and sums.
 * Guarantees: every result is masked to the op's output type; no C
 * undefined behaviour for any input (no signed overflow, no shift by the
 * full width); false for ops that are not pure computations or whose
 * constant arguments are malformed, so a caller never folds what it cannot
 * reproduce exactly.
 */
#include "tcg/tcg.h"

/* Low n bits set, for 0 <= n <= 64. */
static uint64_t low_mask(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/*
 * Sign-extend the low n bits of v (1 <= n <= 64) to 64 bits. Done with
 * unsigned arithmetic so no implementation-defined conversion is involved.
 */
static uint64_t sext(uint64_t v, unsigned n)
{
    uint64_t sign = 1ull << (n - 1);
    v &= low_mask(n);
    return (v ^ sign) - sign;
}

/* The W-bit value v read as a signed number. */
static int64_t as_signed(uint64_t v, unsigned w)
{
    uint64_t x = sext(v, w);
    /* Two's complement reinterpretation without relying on a cast of an
     * out-of-range unsigned value. */
    if (x >> 63) {
        return -(int64_t)(~x) - 1;
    }
    return (int64_t)x;
}

static uint64_t do_div(uint64_t a, uint64_t b, unsigned w, uint64_t m)
{
    if (b == 0) {
        return m;
    }
    int64_t sa = as_signed(a, w), sb = as_signed(b, w);
    if (sb == -1) {
        /* a / -1 is -a; computing it unsigned keeps MIN / -1 == MIN. */
        return (0 - a) & m;
    }
    return (uint64_t)(sa / sb) & m;
}

static uint64_t do_rem(uint64_t a, uint64_t b, unsigned w, uint64_t m)
{
    if (b == 0) {
        return a;
    }
    int64_t sa = as_signed(a, w), sb = as_signed(b, w);
    if (sb == -1) {
        /* Avoids the C overflow of MIN % -1; the remainder is always 0. */
        return 0;
    }
    return (uint64_t)(sa % sb) & m;
}

static uint64_t do_sar(uint64_t a, unsigned c, unsigned w, uint64_t m)
{
    uint64_t r = a >> c;
    if ((a >> (w - 1)) & 1) {
        r |= m & ~(m >> c);
    }
    return r;
}

static uint64_t do_rotl(uint64_t a, unsigned c, unsigned w, uint64_t m)
{
    if (c == 0) {
        return a;
    }
    return ((a << c) | (a >> (w - c))) & m;
}

static uint64_t do_bswap16(uint64_t a)
{
    return ((a & 0xff) << 8) | ((a >> 8) & 0xff);
}

static uint64_t do_bswap32(uint64_t a)
{
    return __builtin_bswap32((uint32_t)a);
}

/* Double-word add/sub: (rh:rl) = (ah:al) +/- (bh:bl) on 2W bits. */
static void do_addsub2(bool sub, const uint64_t *in, unsigned w, uint64_t m,
                       uint64_t *outs)
{
    unsigned __int128 a = ((unsigned __int128)(in[1] & m) << w) | (in[0] & m);
    unsigned __int128 b = ((unsigned __int128)(in[3] & m) << w) | (in[2] & m);
    unsigned __int128 r = sub ? a - b : a + b;
    outs[0] = (uint64_t)r & m;
    outs[1] = (uint64_t)(r >> w) & m;
}

/* Validates (pos, len) against the width: 1 <= len, pos + len <= w. */
static bool field_ok(const TCGArg *cargs, unsigned w)
{
    return cargs[1] >= 1 && cargs[0] < w && cargs[1] <= w - cargs[0];
}

bool tcg_fold_op(TCGOpcode opc, TCGType type, const uint64_t *in,
                 const TCGArg *cargs, uint64_t *outs)
{
    if (type != TCG_TYPE_I32 && type != TCG_TYPE_I64) {
        return false;
    }
    const unsigned w = (unsigned)tcg_type_bits(type);
    const uint64_t m = tcg_type_mask(type);
    const bool is64 = type == TCG_TYPE_I64;

    /* The width-changing ops read inputs of the other type. */
    switch (opc) {
    case INDEX_op_extu_i32_i64:
        if (!is64) {
            return false;
        }
        outs[0] = in[0] & 0xffffffffull;
        return true;
    case INDEX_op_exts_i32_i64:
        if (!is64) {
            return false;
        }
        outs[0] = sext(in[0], 32);
        return true;
    case INDEX_op_extrl_i64_i32:
        if (is64) {
            return false;
        }
        outs[0] = in[0] & 0xffffffffull;
        return true;
    case INDEX_op_extrh_i64_i32:
        if (is64) {
            return false;
        }
        outs[0] = in[0] >> 32;
        return true;
    default:
        break;
    }

    if (opc >= NB_OPS || !(tcg_op_defs[opc].flags & TCG_OPF_INT) ||
        (tcg_op_defs[opc].flags & TCG_OPF_SIDE_EFFECTS)) {
        return false;
    }
    if ((tcg_op_defs[opc].flags & TCG_OPF_64BIT) && !is64) {
        return false;
    }

    /* Every remaining op reads its inputs at the op's own width. */
    const unsigned ni = tcg_op_defs[opc].nb_iargs;
    uint64_t a = ni > 0 ? in[0] & m : 0;
    uint64_t b = ni > 1 ? in[1] & m : 0;
    uint64_t r;

    switch (opc) {
    case INDEX_op_mov:
        r = a;
        break;
    case INDEX_op_add:
        r = a + b;
        break;
    case INDEX_op_sub:
        r = a - b;
        break;
    case INDEX_op_neg:
        r = 0 - a;
        break;
    case INDEX_op_mul:
        r = a * b;
        break;
    case INDEX_op_mulsh: {
        __int128 p = (__int128)as_signed(a, w) * as_signed(b, w);
        /* Shift the unsigned image: the low 2W bits of p are exact. */
        r = (uint64_t)((unsigned __int128)p >> w);
        break;
    }
    case INDEX_op_muluh:
        r = (uint64_t)(((unsigned __int128)a * b) >> w);
        break;
    case INDEX_op_div:
        r = do_div(a, b, w, m);
        break;
    case INDEX_op_divu:
        r = b == 0 ? m : a / b;
        break;
    case INDEX_op_rem:
        r = do_rem(a, b, w, m);
        break;
    case INDEX_op_remu:
        r = b == 0 ? a : a % b;
        break;
    case INDEX_op_add2:
        do_addsub2(false, in, w, m, outs);
        return true;
    case INDEX_op_sub2:
        do_addsub2(true, in, w, m, outs);
        return true;
    case INDEX_op_and:
        r = a & b;
        break;
    case INDEX_op_or:
        r = a | b;
        break;
    case INDEX_op_xor:
        r = a ^ b;
        break;
    case INDEX_op_not:
        r = ~a;
        break;
    case INDEX_op_andc:
        r = a & ~b;
        break;
    case INDEX_op_orc:
        r = a | ~b;
        break;
    case INDEX_op_eqv:
        r = ~(a ^ b);
        break;
    case INDEX_op_nand:
        r = ~(a & b);
        break;
    case INDEX_op_nor:
        r = ~(a | b);
        break;
    case INDEX_op_shl:
        r = a << (b & (w - 1));
        break;
    case INDEX_op_shr:
        r = a >> (b & (w - 1));
        break;
    case INDEX_op_sar:
        r = do_sar(a, (unsigned)(b & (w - 1)), w, m);
        break;
    case INDEX_op_rotl:
        r = do_rotl(a, (unsigned)(b & (w - 1)), w, m);
        break;
    case INDEX_op_rotr:
        r = do_rotl(a, (unsigned)((w - (b & (w - 1))) & (w - 1)), w, m);
        break;
    case INDEX_op_clz:
        r = a == 0 ? w : (uint64_t)(__builtin_clzll(a) - (64 - (int)w));
        break;
    case INDEX_op_ctz:
        r = a == 0 ? w : (uint64_t)__builtin_ctzll(a);
        break;
    case INDEX_op_ctpop:
        r = (uint64_t)__builtin_popcountll(a);
        break;
    case INDEX_op_bswap16:
        r = do_bswap16(a);
        break;
    case INDEX_op_bswap32:
        r = do_bswap32(a);
        break;
    case INDEX_op_bswap64:
        r = __builtin_bswap64(a);
        break;
    case INDEX_op_ext8s:
        r = sext(a, 8);
        break;
    case INDEX_op_ext8u:
        r = a & 0xff;
        break;
    case INDEX_op_ext16s:
        r = sext(a, 16);
        break;
    case INDEX_op_ext16u:
        r = a & 0xffff;
        break;
    case INDEX_op_ext32s:
        r = sext(a, 32);
        break;
    case INDEX_op_ext32u:
        r = a & 0xffffffffull;
        break;
    case INDEX_op_extract:
        if (!field_ok(cargs, w)) {
            return false;
        }
        r = (a >> cargs[0]) & low_mask((unsigned)cargs[1]);
        break;
    case INDEX_op_sextract:
        if (!field_ok(cargs, w)) {
            return false;
        }
        r = sext(a >> cargs[0], (unsigned)cargs[1]);
        break;
    case INDEX_op_deposit: {
        if (!field_ok(cargs, w)) {
            return false;
        }
        unsigned pos = (unsigned)cargs[0];
        uint64_t field = low_mask((unsigned)cargs[1]) << pos;
        r = (a & ~field) | ((b << pos) & field);
        break;
    }
    case INDEX_op_setcond:
        if (cargs[0] >= TCG_COND_COUNT) {
            return false;
        }
        r = tcg_eval_cond(type, (TCGCond)cargs[0], a, b) ? 1 : 0;
        break;
    case INDEX_op_movcond:
        if (cargs[0] >= TCG_COND_COUNT) {
            return false;
        }
        r = tcg_eval_cond(type, (TCGCond)cargs[0], a, b) ? in[2] : in[3];
        break;
    default:
        /* brcond, ld and anything else that is not a pure computation. */
        return false;
    }
    outs[0] = r & m;
    return true;
}

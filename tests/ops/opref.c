/*
 * Reference semantics of the IR ops (docs/tcg-ir.md), deliberately written
 * in the plainest way (bit loops, 128-bit arithmetic, byte arrays) so that
 * it shares no code or shortcuts with tcg/fold.c or either backend.
 */
#include "opref.h"

#include <assert.h>

static int width(TCGType t)
{
    return t == TCG_TYPE_I32 ? 32 : 64;
}

static uint64_t wmask(TCGType t)
{
    return t == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
}

/* Sign-extend the low `bits` bits of v to 64 bits. */
static int64_t sext(uint64_t v, int bits)
{
    if (bits >= 64) {
        return (int64_t)v;
    }
    uint64_t m = 1ull << (bits - 1);
    v &= (1ull << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

static uint64_t low_bits(uint64_t v, int bits)
{
    return bits >= 64 ? v : v & ((1ull << bits) - 1);
}

bool ref_cond(TCGType type, TCGCond cond, uint64_t a, uint64_t b)
{
    int w = width(type);
    uint64_t ua = low_bits(a, w), ub = low_bits(b, w);
    int64_t sa = sext(a, w), sb = sext(b, w);
    switch (cond) {
    case TCG_COND_NEVER:
        return false;
    case TCG_COND_ALWAYS:
        return true;
    case TCG_COND_EQ:
        return ua == ub;
    case TCG_COND_NE:
        return ua != ub;
    case TCG_COND_LT:
        return sa < sb;
    case TCG_COND_GE:
        return !(sa < sb);
    case TCG_COND_LE:
        return sa < sb || sa == sb;
    case TCG_COND_GT:
        return sb < sa;
    case TCG_COND_LTU:
        return ua < ub;
    case TCG_COND_GEU:
        return !(ua < ub);
    case TCG_COND_LEU:
        return ua < ub || ua == ub;
    case TCG_COND_GTU:
        return ub < ua;
    default:
        assert(!"bad cond");
        return false;
    }
}

static int count_leading_zeros(uint64_t a, int w)
{
    int n = 0;
    for (int i = w - 1; i >= 0 && !((a >> i) & 1); i--) {
        n++;
    }
    return n;
}

static int count_trailing_zeros(uint64_t a, int w)
{
    int n = 0;
    for (int i = 0; i < w && !((a >> i) & 1); i++) {
        n++;
    }
    return n;
}

static int population(uint64_t a, int w)
{
    int n = 0;
    for (int i = 0; i < w; i++) {
        n += (a >> i) & 1;
    }
    return n;
}

/* Reverse the order of the low n bytes of a; the result has only n bytes. */
static uint64_t reverse_bytes(uint64_t a, int n)
{
    uint64_t r = 0;
    for (int i = 0; i < n; i++) {
        uint64_t byte = (a >> (8 * i)) & 0xff;
        r |= byte << (8 * (n - 1 - i));
    }
    return r;
}

static uint64_t rotate_left(uint64_t a, unsigned n, int w)
{
    a = low_bits(a, w);
    for (unsigned i = 0; i < n; i++) {
        uint64_t top = (a >> (w - 1)) & 1;
        a = low_bits(a << 1, w) | top;
    }
    return a;
}

bool ref_compute(TCGOpcode opc, TCGType type, const uint64_t *in,
                 const uint64_t *c, uint64_t *out)
{
    int w = width(type);
    uint64_t m = wmask(type);
    uint64_t a = in[0] & m;
    uint64_t b = in[1] & m;
    int64_t sa = sext(a, w), sb = sext(b, w);
    uint64_t r;
    uint64_t smin = 1ull << (w - 1);

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
        r = (uint64_t)((unsigned __int128)a * b);
        break;
    case INDEX_op_mulsh: {
        __int128 p = (__int128)sa * (__int128)sb;
        r = (uint64_t)(p >> w);
        break;
    }
    case INDEX_op_muluh: {
        unsigned __int128 p = (unsigned __int128)a * b;
        r = (uint64_t)(p >> w);
        break;
    }
    case INDEX_op_div:
        if (b == 0) {
            r = m;
        } else if (a == smin && b == m) {
            r = smin;
        } else {
            r = (uint64_t)(sa / sb);
        }
        break;
    case INDEX_op_divu:
        r = b == 0 ? m : a / b;
        break;
    case INDEX_op_rem:
        if (b == 0) {
            r = a;
        } else if (a == smin && b == m) {
            r = 0;
        } else {
            r = (uint64_t)(sa % sb);
        }
        break;
    case INDEX_op_remu:
        r = b == 0 ? a : a % b;
        break;
    case INDEX_op_add2:
    case INDEX_op_sub2: {
        /* (ah:al) op (bh:bl) on 2W bits, with the halves from in[0..3]. */
        uint64_t al = in[0] & m, ah = in[1] & m;
        uint64_t bl = in[2] & m, bh = in[3] & m;
        unsigned __int128 x = ((unsigned __int128)ah << w) | al;
        unsigned __int128 y = ((unsigned __int128)bh << w) | bl;
        unsigned __int128 z = opc == INDEX_op_add2 ? x + y : x - y;
        out[0] = (uint64_t)z & m;
        out[1] = (uint64_t)(z >> w) & m;
        return true;
    }
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
        r = a << (b % (unsigned)w);
        break;
    case INDEX_op_shr:
        r = a >> (b % (unsigned)w);
        break;
    case INDEX_op_sar:
        r = (uint64_t)(sa >> (b % (unsigned)w));
        break;
    case INDEX_op_rotl:
        r = rotate_left(a, (unsigned)(b % (unsigned)w), w);
        break;
    case INDEX_op_rotr:
        r = rotate_left(a, (unsigned)((w - b % (unsigned)w) % (unsigned)w), w);
        break;
    case INDEX_op_clz:
        r = (uint64_t)count_leading_zeros(a, w);
        break;
    case INDEX_op_ctz:
        r = (uint64_t)count_trailing_zeros(a, w);
        break;
    case INDEX_op_ctpop:
        r = (uint64_t)population(a, w);
        break;
    case INDEX_op_bswap16:
        r = reverse_bytes(a, 2);
        break;
    case INDEX_op_bswap32:
        r = reverse_bytes(a, 4);
        break;
    case INDEX_op_bswap64:
        assert(type == TCG_TYPE_I64);
        r = reverse_bytes(a, 8);
        break;
    case INDEX_op_ext8s:
        r = (uint64_t)sext(a, 8);
        break;
    case INDEX_op_ext8u:
        r = a & 0xff;
        break;
    case INDEX_op_ext16s:
        r = (uint64_t)sext(a, 16);
        break;
    case INDEX_op_ext16u:
        r = a & 0xffff;
        break;
    case INDEX_op_ext32s:
        assert(type == TCG_TYPE_I64);
        r = (uint64_t)sext(a, 32);
        break;
    case INDEX_op_ext32u:
        assert(type == TCG_TYPE_I64);
        r = a & 0xffffffffull;
        break;
    case INDEX_op_extu_i32_i64:
        out[0] = in[0] & 0xffffffffull;
        return true;
    case INDEX_op_exts_i32_i64:
        out[0] = (uint64_t)sext(in[0], 32);
        return true;
    case INDEX_op_extrl_i64_i32:
        out[0] = in[0] & 0xffffffffull;
        return true;
    case INDEX_op_extrh_i64_i32:
        out[0] = in[0] >> 32;
        return true;
    case INDEX_op_extract:
    case INDEX_op_sextract: {
        unsigned pos = (unsigned)c[0], len = (unsigned)c[1];
        assert(len >= 1 && pos + len <= (unsigned)w);
        uint64_t field = low_bits(a >> pos, (int)len);
        r = opc == INDEX_op_extract ? field : (uint64_t)sext(field, (int)len);
        break;
    }
    case INDEX_op_deposit: {
        unsigned pos = (unsigned)c[0], len = (unsigned)c[1];
        assert(len >= 1 && pos + len <= (unsigned)w);
        r = a;
        for (unsigned i = 0; i < len; i++) {
            uint64_t bit = (b >> i) & 1;
            r &= ~(1ull << (pos + i));
            r |= bit << (pos + i);
        }
        break;
    }
    case INDEX_op_setcond:
        r = ref_cond(type, (TCGCond)c[0], a, b) ? 1 : 0;
        break;
    case INDEX_op_movcond:
        r = ref_cond(type, (TCGCond)c[0], a, b) ? in[2] : in[3];
        break;
    default:
        return false;
    }
    out[0] = r & m;
    return true;
}

uint64_t ref_mem_read(const uint8_t *p, unsigned mo)
{
    unsigned n = ref_mo_bytes(mo);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        /* Little-endian unless MO_BSWAP (big-endian on this host). */
        unsigned idx = (mo & MO_BSWAP) ? n - 1 - i : i;
        v |= (uint64_t)p[idx] << (8 * i);
    }
    return v;
}

void ref_mem_write(uint8_t *p, unsigned mo, uint64_t v)
{
    unsigned n = ref_mo_bytes(mo);
    for (unsigned i = 0; i < n; i++) {
        unsigned idx = (mo & MO_BSWAP) ? n - 1 - i : i;
        p[idx] = (uint8_t)(v >> (8 * i));
    }
}

uint64_t ref_mem_extend(uint64_t raw, unsigned mo, TCGType type)
{
    int bits = 8 * (int)ref_mo_bytes(mo);
    uint64_t v =
        (mo & MO_SIGN) ? (uint64_t)sext(raw, bits) : low_bits(raw, bits);
    return v & wmask(type);
}

uint64_t ref_atomic_op(TCGAtomicOp aop, uint64_t old, uint64_t v, unsigned mo)
{
    int bits = 8 * (int)ref_mo_bytes(mo);
    uint64_t uo = low_bits(old, bits), uv = low_bits(v, bits);
    int64_t so = sext(old, bits), sv = sext(v, bits);
    uint64_t r;
    switch (aop) {
    case TCG_AOP_ADD:
        r = uo + uv;
        break;
    case TCG_AOP_AND:
        r = uo & uv;
        break;
    case TCG_AOP_OR:
        r = uo | uv;
        break;
    case TCG_AOP_XOR:
        r = uo ^ uv;
        break;
    case TCG_AOP_SMIN:
        r = sv < so ? uv : uo;
        break;
    case TCG_AOP_SMAX:
        r = sv > so ? uv : uo;
        break;
    case TCG_AOP_UMIN:
        r = uv < uo ? uv : uo;
        break;
    case TCG_AOP_UMAX:
        r = uv > uo ? uv : uo;
        break;
    default:
        assert(!"bad aop");
        r = 0;
    }
    return low_bits(r, bits);
}

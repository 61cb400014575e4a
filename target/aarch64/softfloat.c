/*
 * Arm floating-point arithmetic (see softfloat.h): a compact soft-float,
 * transcribed from the DDI 0487 pseudocode, shared by half, single and
 * double precision.
 *
 * No host floating point is used: every operation unpacks its operands
 * into exact integers (value = sig * 2^exp), computes the exact result
 * (or, for quotients and roots, enough bits plus a sticky bit), and
 * rounds it once in round_pack(), which is FPRound: tininess is detected
 * before rounding, an underflow is reported only when inexact, and with
 * FZ/FZ16 a tiny result becomes zero with UFC alone. So fused
 * multiply-add, FRECPS and FRSQRTS round once by construction, and host
 * state (MXCSR) can never leak in.
 *
 * The sum of two exact values is formed in 128 bits with both operands
 * left-justified at bit 125 and the smaller one shifted right with its
 * lost bits collapsed into bit 0. Products have at most 106 significant
 * bits, so a shift loses bits only when the exponents differ by more
 * than 19, when the result keeps more than 100 significant bits: the
 * collapsed bit lies far below the round bit of every format and only
 * serves as the sticky bit, which is what it equals.
 */
#include "target/aarch64/softfloat.h"

#include "target/aarch64/cpu.h"
#include "target/hardfloat.h"

typedef unsigned __int128 u128;

enum { C_ZERO, C_NUM, C_INF, C_QNAN, C_SNAN };

/* Exponent and fraction widths, by esz (1 half, 2 single, 3 double). */
static const struct {
    int e, f;
} fmts[4] = {{0, 0}, {5, 10}, {8, 23}, {11, 52}};

/* An unpacked operand. For C_NUM the value is (-1)^sign * sig * 2^exp;
 * bits is the operand itself (for NaN propagation and FPMax). */
typedef struct Unp {
    int cls;
    bool sign;
    int exp;
    uint64_t sig;
    uint64_t bits;
} Unp;

int a64f_rmode(const A64FpSt *st)
{
    return (st->fpcr >> FPCR_RMODE_SHIFT) & 3;
}

static int bitlen(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64), lo = (uint64_t)m;

    if (hi) {
        return 128 - __builtin_clzll(hi);
    }
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

static int fbias(int esz)
{
    return (1 << (fmts[esz].e - 1)) - 1;
}

static uint64_t fmask(int esz)
{
    return esz == 3 ? ~0ull : (1ull << (8 << esz)) - 1;
}

static uint64_t pack(int esz, bool sign, uint64_t bexp, uint64_t frac)
{
    int f = fmts[esz].f;

    return (uint64_t)sign << (fmts[esz].e + f) | bexp << f | frac;
}

static uint64_t fp_zero(int esz, bool sign)
{
    return pack(esz, sign, 0, 0);
}

static uint64_t fp_inf(int esz, bool sign)
{
    return pack(esz, sign, (1u << fmts[esz].e) - 1, 0);
}

static uint64_t fp_max_normal(int esz, bool sign)
{
    return pack(esz, sign, (1u << fmts[esz].e) - 2,
                (1ull << fmts[esz].f) - 1);
}

static uint64_t default_nan(int esz)
{
    return pack(esz, false, (1u << fmts[esz].e) - 1,
                1ull << (fmts[esz].f - 1));
}

static uint64_t invalid(A64FpSt *st, int esz)
{
    st->flags |= FPSR_IOC;
    return default_nan(esz);
}

/*
 * The host fast path (hardfloat.h) for single and double precision under
 * FPCR.RMode = RN: IEEE gives the Arm result unless the result is a NaN
 * (propagation, DN), tiny or the smallest normal (Arm detects tininess
 * before rounding, x86 after, and FZ flushes), a flag other than inexact
 * came up (overflow, division by zero, invalid), or FZ is on and an
 * input was denormal. Any of those falls back to the soft-float, which
 * recomputes result and flags from scratch. FZ needs no other check and
 * DN matters only for NaN results. hf_quick (no MXCSR access) refuses a
 * superset of these cases.
 */
static bool hf_denormal(int esz, uint64_t v)
{
    uint64_t mag = v & (fmask(esz) >> 1);

    return mag != 0 && mag < 1ull << fmts[esz].f;
}

static bool hf_try(A64FpSt *st, int op, int esz, uint64_t a, uint64_t b,
                   uint64_t c, uint64_t *res)
{
    uint32_t bad = HF_FAIL | HF_IE | HF_ZE | HF_OE | HF_UE;
    uint64_t r, mag, minnorm, inf;
    uint32_t mx;
    int ix;

    if (esz < 2 || (st->fpcr & (3u << FPCR_RMODE_SHIFT))) {
        return false;
    }
    if ((st->fpcr & FPCR_FZ) &&
        (hf_denormal(esz, a) || hf_denormal(esz, b) ||
         (op == HF_FMA && hf_denormal(esz, c)))) {
        return false;
    }
    if (hf_quick_can(op)) {
        ix = hf_quick(op, esz, a, b, &r);
        if (ix < 0) {
            return false;
        }
        if (ix) {
            st->flags |= FPSR_IXC;
        }
        *res = r;
        return true;
    }
    if (!hf_can(op)) {
        return false;
    }
    mx = hf_run(op, esz, a, b, c, &r);
    if (mx & bad) {
        return false;
    }
    mag = r & (fmask(esz) >> 1);
    minnorm = 1ull << fmts[esz].f;
    inf = (fmask(esz) >> 1) & ~(minnorm - 1);
    if (mag - 1 < minnorm || mag > inf) {
        return false;
    }
    if (mx & HF_PE) {
        st->flags |= FPSR_IXC;
    }
    *res = r;
    return true;
}

/* Whether denormals of this format are flushed: FZ16 for half, except in
 * conversions (cv), which ignore it; FZ for the others. */
static bool flush_on(const A64FpSt *st, int esz, bool cv)
{
    if (esz == 1) {
        return !cv && (st->fpcr & FPCR_FZ16);
    }
    return st->fpcr & FPCR_FZ;
}

/* FPUnpackBase; cv selects FPUnpackCV (conversions: AHP applies to half,
 * FZ16 does not). A flushed single or double denormal raises IDC; a
 * flushed half one does not, as the pseudocode says. */
static Unp unpack_base(A64FpSt *st, int esz, uint64_t bits, bool cv)
{
    int f = fmts[esz].f, e = fmts[esz].e;
    Unp u = {0};
    uint64_t frac;
    unsigned ex;

    bits &= fmask(esz);
    frac = bits & ((1ull << f) - 1);
    ex = (unsigned)(bits >> f) & ((1u << e) - 1);
    u.bits = bits;
    u.sign = (bits >> (e + f)) & 1;
    if (ex == 0) {
        if (frac == 0) {
            u.cls = C_ZERO;
        } else if (flush_on(st, esz, cv)) {
            u.cls = C_ZERO;
            if (esz != 1) {
                st->flags |= FPSR_IDC;
            }
        } else {
            u.cls = C_NUM;
            u.sig = frac;
            u.exp = 1 - fbias(esz) - f;
        }
    } else if (ex == (1u << e) - 1 &&
               !(esz == 1 && cv && (st->fpcr & FPCR_AHP))) {
        u.cls = frac == 0 ? C_INF : (frac >> (f - 1)) & 1 ? C_QNAN : C_SNAN;
    } else {
        u.cls = C_NUM;
        u.sig = frac | 1ull << f;
        u.exp = (int)ex - fbias(esz) - f;
    }
    return u;
}

static Unp unpack(A64FpSt *st, int esz, uint64_t bits)
{
    return unpack_base(st, esz, bits, false);
}

static bool is_nan(const Unp *u)
{
    return u->cls == C_QNAN || u->cls == C_SNAN;
}

/* m >> sh; *r gets the first bit shifted out, *s whether any later one
 * was set. sh <= 0 shifts left, exactly. */
static u128 shift_round(u128 m, int sh, bool *r, bool *s)
{
    *r = false;
    *s = false;
    if (sh <= 0) {
        return m << -sh;
    }
    if (sh > 128) {
        *s = m != 0;
        return 0;
    }
    *r = (m >> (sh - 1)) & 1;
    *s = sh >= 2 && (m << (129 - sh)) != 0;
    return sh == 128 ? 0 : m >> sh;
}

/* Whether a magnitude with round bit r and sticky bits s is rounded
 * away from zero (for the integer roundings of FPRoundInt/FPToFixed,
 * written for magnitudes rather than the pseudocode's floor). */
static bool round_away(int rmode, bool sign, bool odd, bool r, bool s)
{
    switch (rmode) {
    case A64_RN:
        return r && (s || odd);
    case A64_RA:
        return r;
    case A64_RP:
        return !sign && (r || s);
    case A64_RM:
        return sign && (r || s);
    default: /* RZ, RO */
        return false;
    }
}

/*
 * FPRound (FPRoundCV when cv) of (-1)^sign * sig * 2^exp, sig != 0, into
 * format esz with rounding rmode.
 */
static uint64_t round_pack(A64FpSt *st, int esz, bool sign, int exp, u128 sig,
                           int rmode, bool cv)
{
    int f = fmts[esz].f, e = fmts[esz].e;
    int minexp = 1 - fbias(esz);
    int exponent = exp + bitlen(sig) - 1; /* value in [2^x, 2^(x+1)) */
    bool ahp = esz == 1 && cv && (st->fpcr & FPCR_AHP);
    bool r, s, to_inf, err;
    int biased;
    u128 kept;
    uint64_t res;

    if (flush_on(st, esz, cv) && exponent < minexp) {
        st->flags |= FPSR_UFC;
        return fp_zero(esz, sign);
    }
    biased = exponent < minexp ? 0 : exponent - minexp + 1;
    kept = shift_round(sig, (biased == 0 ? minexp : exponent) - f - exp, &r,
                       &s);
    err = r || s;
    if (biased == 0 && err) {
        st->flags |= FPSR_UFC;
    }
    to_inf = rmode == A64_RN || rmode == A64_RA ||
             (rmode == A64_RP && !sign) || (rmode == A64_RM && sign);
    if (round_away(rmode, sign, kept & 1, r, s)) {
        kept++;
        if (biased == 0 && kept == (u128)1 << f) {
            biased = 1;
        }
        if (kept == (u128)1 << (f + 1)) {
            biased++;
            kept >>= 1;
        }
    }
    if (rmode == A64_RO && err) {
        kept |= 1;
    }
    if (!ahp) {
        if (biased >= (1 << e) - 1) {
            st->flags |= FPSR_OFC;
            res = to_inf ? fp_inf(esz, sign) : fp_max_normal(esz, sign);
            err = true;
        } else {
            res = pack(esz, sign, (uint64_t)biased,
                       (uint64_t)kept & ((1ull << f) - 1));
        }
    } else if (biased >= (1 << e)) {
        st->flags |= FPSR_IOC;
        res = pack(esz, sign, 0x1f, 0x3ff);
        err = false;
    } else {
        res = pack(esz, sign, (uint64_t)biased,
                   (uint64_t)kept & ((1ull << f) - 1));
    }
    if (err) {
        st->flags |= FPSR_IXC;
    }
    return res;
}

/* FPProcessNaN. */
static uint64_t process_nan(A64FpSt *st, int esz, const Unp *u)
{
    uint64_t r = u->bits;

    if (u->cls == C_SNAN) {
        st->flags |= FPSR_IOC;
        r |= 1ull << (fmts[esz].f - 1);
    }
    return (st->fpcr & FPCR_DN) ? default_nan(esz) : r;
}

/* FPProcessNaNs / FPProcessNaNs3 (c may be NULL): the first signalling
 * NaN in operand order, else the first quiet one. */
static bool process_nans(A64FpSt *st, int esz, const Unp *a, const Unp *b,
                         const Unp *c, uint64_t *res)
{
    const Unp *ops[3] = {a, b, c};

    for (int want = C_SNAN; want >= C_QNAN; want--) {
        for (int i = 0; i < 3; i++) {
            if (ops[i] && ops[i]->cls == want) {
                *res = process_nan(st, esz, ops[i]);
                return true;
            }
        }
    }
    return false;
}

/* Round va + vb, each (-1)^s * m * 2^e with m == 0 meaning zero, the
 * exponent of the exact sum then adjusted by adj (FRSQRTS halves). An
 * exact zero sum is +0, or -0 when rounding towards -inf. */
static uint64_t add_round(A64FpSt *st, int esz, bool sa, int ea, u128 ma,
                          bool sb, int eb, u128 mb, int adj)
{
    int rmode = a64f_rmode(st);
    u128 m;
    int d;

    if (ma == 0 && mb == 0) {
        return fp_zero(esz, rmode == A64_RM);
    }
    if (mb == 0) {
        return round_pack(st, esz, sa, ea + adj, ma, rmode, false);
    }
    if (ma == 0) {
        return round_pack(st, esz, sb, eb + adj, mb, rmode, false);
    }
    d = 125 - (bitlen(ma) - 1);
    ma <<= d;
    ea -= d;
    d = 125 - (bitlen(mb) - 1);
    mb <<= d;
    eb -= d;
    if (ea < eb || (ea == eb && ma < mb)) {
        u128 tm = ma;
        int te = ea;
        bool ts = sa;
        ma = mb, ea = eb, sa = sb;
        mb = tm, eb = te, sb = ts;
    }
    d = ea - eb;
    if (d >= 126) {
        mb = 1;
    } else if (d > 0) {
        mb = (mb >> d) | ((mb << (128 - d)) != 0);
    }
    m = sa == sb ? ma + mb : ma - mb;
    if (m == 0) {
        return fp_zero(esz, rmode == A64_RM);
    }
    return round_pack(st, esz, sa, ea + adj, m, rmode, false);
}

static uint64_t addsub(A64FpSt *st, int esz, uint64_t a, uint64_t b, bool sub)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);
    uint64_t res;
    bool sy;

    if (process_nans(st, esz, &x, &y, NULL, &res)) {
        return res;
    }
    sy = y.sign ^ sub;
    if (x.cls == C_INF && y.cls == C_INF && x.sign != sy) {
        return invalid(st, esz);
    }
    if (x.cls == C_INF || y.cls == C_INF) {
        return fp_inf(esz, x.cls == C_INF ? x.sign : sy);
    }
    if (x.cls == C_ZERO && y.cls == C_ZERO && x.sign == sy) {
        return fp_zero(esz, x.sign);
    }
    return add_round(st, esz, x.sign, x.exp, x.cls == C_NUM ? x.sig : 0, sy,
                     y.exp, y.cls == C_NUM ? y.sig : 0, 0);
}

uint64_t a64f_add(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    uint64_t hr;

    if (hf_try(st, HF_ADD, esz, a, b, 0, &hr)) {
        return hr;
    }
    return addsub(st, esz, a, b, false);
}

uint64_t a64f_sub(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    uint64_t hr;

    if (hf_try(st, HF_SUB, esz, a, b, 0, &hr)) {
        return hr;
    }
    return addsub(st, esz, a, b, true);
}

/* FPMul, and FPMulX (inf * 0 = +-2) when x. */
static uint64_t mul(A64FpSt *st, int esz, uint64_t a, uint64_t b, bool x)
{
    Unp p = unpack(st, esz, a), q = unpack(st, esz, b);
    bool sign = p.sign ^ q.sign;
    uint64_t res;

    if (process_nans(st, esz, &p, &q, NULL, &res)) {
        return res;
    }
    if ((p.cls == C_INF && q.cls == C_ZERO) ||
        (p.cls == C_ZERO && q.cls == C_INF)) {
        return x ? pack(esz, sign, (uint64_t)fbias(esz) + 1, 0)
                 : invalid(st, esz);
    }
    if (p.cls == C_INF || q.cls == C_INF) {
        return fp_inf(esz, sign);
    }
    if (p.cls == C_ZERO || q.cls == C_ZERO) {
        return fp_zero(esz, sign);
    }
    return round_pack(st, esz, sign, p.exp + q.exp, (u128)p.sig * q.sig,
                      a64f_rmode(st), false);
}

uint64_t a64f_mul(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    uint64_t hr;

    if (hf_try(st, HF_MUL, esz, a, b, 0, &hr)) {
        return hr;
    }
    return mul(st, esz, a, b, false);
}

uint64_t a64f_mulx(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    return mul(st, esz, a, b, true);
}

static uint64_t div_soft(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    Unp p = unpack(st, esz, a), q = unpack(st, esz, b);
    bool sign = p.sign ^ q.sign;
    uint64_t res;
    u128 n, quo;
    int k;

    if (process_nans(st, esz, &p, &q, NULL, &res)) {
        return res;
    }
    if ((p.cls == C_INF && q.cls == C_INF) ||
        (p.cls == C_ZERO && q.cls == C_ZERO)) {
        return invalid(st, esz);
    }
    if (p.cls == C_INF || q.cls == C_ZERO) {
        if (p.cls != C_INF) {
            st->flags |= FPSR_DZC;
        }
        return fp_inf(esz, sign);
    }
    if (p.cls == C_ZERO || q.cls == C_INF) {
        return fp_zero(esz, sign);
    }
    /* The dividend left-justified to bit 127: the quotient has at least
     * 74 bits, and a non-zero remainder becomes its sticky bit 0. */
    k = 127 - (bitlen(p.sig) - 1);
    n = (u128)p.sig << k;
    quo = n / q.sig;
    quo |= (n % q.sig) != 0;
    return round_pack(st, esz, sign, p.exp - k - q.exp, quo, a64f_rmode(st),
                      false);
}

uint64_t a64f_div(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    uint64_t hr;

    if (hf_try(st, HF_DIV, esz, a, b, 0, &hr)) {
        return hr;
    }
    return div_soft(st, esz, a, b);
}

/* FPCompare's ordering of two non-NaN operands: -1, 0 or 1. */
static int cmp_num(int esz, const Unp *x, const Unp *y)
{
    uint64_t mag = fmask(esz) >> 1;
    int64_t kx = x->cls == C_ZERO ? 0 : (int64_t)(x->bits & mag);
    int64_t ky = y->cls == C_ZERO ? 0 : (int64_t)(y->bits & mag);

    kx = x->sign ? -kx : kx;
    ky = y->sign ? -ky : ky;
    return kx < ky ? -1 : kx > ky;
}

/* FPMax / FPMin. */
static uint64_t maxmin(A64FpSt *st, int esz, Unp x, Unp y, bool is_max)
{
    const Unp *pick;
    uint64_t res;
    int c;

    if (process_nans(st, esz, &x, &y, NULL, &res)) {
        return res;
    }
    c = cmp_num(esz, &x, &y);
    pick = (is_max ? c > 0 : c < 0) ? &x : &y;
    if (pick->cls == C_ZERO) {
        return fp_zero(esz, is_max ? x.sign && y.sign : x.sign || y.sign);
    }
    return pick->bits;
}

uint64_t a64f_max(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);

    return maxmin(st, esz, x, y, true);
}

uint64_t a64f_min(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);

    return maxmin(st, esz, x, y, false);
}

/* FPMaxNum / FPMinNum: a single quiet NaN loses against anything (it is
 * taken as -inf for max, +inf for min). */
static uint64_t maxminnm(A64FpSt *st, int esz, uint64_t a, uint64_t b,
                         bool is_max)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);
    Unp inf = {.cls = C_INF, .sign = is_max};

    inf.bits = fp_inf(esz, is_max);
    if (x.cls == C_QNAN && y.cls != C_QNAN) {
        x = inf;
    } else if (x.cls != C_QNAN && y.cls == C_QNAN) {
        y = inf;
    }
    return maxmin(st, esz, x, y, is_max);
}

uint64_t a64f_maxnm(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    return maxminnm(st, esz, a, b, true);
}

uint64_t a64f_minnm(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    return maxminnm(st, esz, a, b, false);
}

/* The common tail of FPMulAdd and the step functions for non-NaN
 * operands: a + x * y, the inf * 0 case handled by the caller. */
static uint64_t muladd_num(A64FpSt *st, int esz, const Unp *a, const Unp *x,
                           const Unp *y, int adj)
{
    bool sp = x->sign ^ y->sign;
    bool infp = x->cls == C_INF || y->cls == C_INF;
    bool zerop = x->cls == C_ZERO || y->cls == C_ZERO;

    if (a->cls == C_INF && infp && a->sign != sp) {
        return invalid(st, esz);
    }
    if ((a->cls == C_INF && !a->sign) || (infp && !sp)) {
        return fp_inf(esz, false);
    }
    if ((a->cls == C_INF && a->sign) || (infp && sp)) {
        return fp_inf(esz, true);
    }
    if (a->cls == C_ZERO && zerop && a->sign == sp) {
        return fp_zero(esz, a->sign);
    }
    return add_round(st, esz, a->sign, a->exp, a->cls == C_NUM ? a->sig : 0,
                     sp, x->exp + y->exp,
                     zerop ? 0 : (u128)x->sig * y->sig, adj);
}

static bool inf_times_zero(const Unp *x, const Unp *y)
{
    return (x->cls == C_INF && y->cls == C_ZERO) ||
           (x->cls == C_ZERO && y->cls == C_INF);
}

static uint64_t muladd_soft(A64FpSt *st, int esz, uint64_t addend,
                            uint64_t n, uint64_t m)
{
    Unp a = unpack(st, esz, addend), x = unpack(st, esz, n),
        y = unpack(st, esz, m);
    uint64_t res;
    bool done = process_nans(st, esz, &a, &x, &y, &res);

    if (a.cls == C_QNAN && inf_times_zero(&x, &y)) {
        return invalid(st, esz);
    }
    if (done) {
        return res;
    }
    if (inf_times_zero(&x, &y)) {
        return invalid(st, esz);
    }
    return muladd_num(st, esz, &a, &x, &y, 0);
}

uint64_t a64f_muladd(A64FpSt *st, int esz, uint64_t addend, uint64_t n,
                     uint64_t m)
{
    uint64_t hr;

    if (hf_try(st, HF_FMA, esz, n, m, addend, &hr)) {
        return hr;
    }
    return muladd_soft(st, esz, addend, n, m);
}

/* FPRecipStepFused (k = 2, adj = 0) and FPRSqrtStepFused (k = 3,
 * adj = -1): (k - n * m) * 2^adj, n negated before anything else, so a
 * NaN n comes back with its sign flipped, as FPNeg makes it. */
static uint64_t step(A64FpSt *st, int esz, uint64_t n, uint64_t m, int k,
                     int adj)
{
    Unp x = unpack(st, esz, n ^ (fmask(esz) ^ (fmask(esz) >> 1)));
    Unp y = unpack(st, esz, m);
    Unp a = {.cls = C_NUM, .sig = (uint64_t)k, .exp = 0};
    uint64_t res;

    if (process_nans(st, esz, &x, &y, NULL, &res)) {
        return res;
    }
    if (inf_times_zero(&x, &y)) {
        /* 2.0 or 1.5 */
        return k == 2 ? pack(esz, false, (uint64_t)fbias(esz) + 1, 0)
                      : pack(esz, false, (uint64_t)fbias(esz),
                             1ull << (fmts[esz].f - 1));
    }
    if (x.cls == C_INF || y.cls == C_INF) {
        return fp_inf(esz, x.sign ^ y.sign);
    }
    return muladd_num(st, esz, &a, &x, &y, adj);
}

uint64_t a64f_recps(A64FpSt *st, int esz, uint64_t n, uint64_t m)
{
    return step(st, esz, n, m, 2, 0);
}

uint64_t a64f_rsqrts(A64FpSt *st, int esz, uint64_t n, uint64_t m)
{
    return step(st, esz, n, m, 3, -1);
}

static uint64_t sqrt_soft(A64FpSt *st, int esz, uint64_t a)
{
    Unp x = unpack(st, esz, a);
    uint64_t root = 0;
    u128 n;
    int sh;

    if (is_nan(&x)) {
        return process_nan(st, esz, &x);
    }
    if (x.cls == C_ZERO) {
        return fp_zero(esz, x.sign);
    }
    if (x.sign) {
        return invalid(st, esz);
    }
    if (x.cls == C_INF) {
        return fp_inf(esz, false);
    }
    /* n = sig << sh with an even exponent and n in [2^124, 2^126): its
     * integer root has 63 bits; the remainder gives the sticky bit. */
    sh = 124 - (bitlen(x.sig) - 1);
    if ((x.exp - sh) & 1) {
        sh++;
    }
    n = (u128)x.sig << sh;
    for (int i = 62; i >= 0; i--) {
        uint64_t t = root | 1ull << i;
        if ((u128)t * t <= n) {
            root = t;
        }
    }
    return round_pack(st, esz, false, (x.exp - sh) / 2 - 1,
                      (u128)root << 1 | ((u128)root * root != n),
                      a64f_rmode(st), false);
}

uint64_t a64f_sqrt(A64FpSt *st, int esz, uint64_t a)
{
    uint64_t hr;

    if (hf_try(st, HF_SQRT, esz, a, 0, 0, &hr)) {
        return hr;
    }
    return sqrt_soft(st, esz, a);
}

uint32_t a64f_compare(A64FpSt *st, int esz, uint64_t a, uint64_t b,
                      bool signal)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);
    int c;

    if (is_nan(&x) || is_nan(&y)) {
        if (signal || x.cls == C_SNAN || y.cls == C_SNAN) {
            st->flags |= FPSR_IOC;
        }
        return 0x3;
    }
    c = cmp_num(esz, &x, &y);
    return c == 0 ? 0x6 : c < 0 ? 0x8 : 0x2;
}

bool a64f_cmp_eq(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);

    if (is_nan(&x) || is_nan(&y)) {
        if (x.cls == C_SNAN || y.cls == C_SNAN) {
            st->flags |= FPSR_IOC;
        }
        return false;
    }
    return cmp_num(esz, &x, &y) == 0;
}

/* FPCompareGE/GT: any NaN is invalid. */
static int cmp_signal(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    Unp x = unpack(st, esz, a), y = unpack(st, esz, b);

    if (is_nan(&x) || is_nan(&y)) {
        st->flags |= FPSR_IOC;
        return 2;
    }
    return cmp_num(esz, &x, &y);
}

bool a64f_cmp_ge(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    int c = cmp_signal(st, esz, a, b);

    return c == 0 || c == 1;
}

bool a64f_cmp_gt(A64FpSt *st, int esz, uint64_t a, uint64_t b)
{
    return cmp_signal(st, esz, a, b) == 1;
}

uint64_t a64f_round_int(A64FpSt *st, int esz, uint64_t a, int rmode,
                        bool exact)
{
    Unp x = unpack(st, esz, a);
    bool r, s;
    u128 mag;
    uint64_t res;

    if (is_nan(&x)) {
        return process_nan(st, esz, &x);
    }
    if (x.cls == C_INF) {
        return fp_inf(esz, x.sign);
    }
    if (x.cls == C_ZERO) {
        return fp_zero(esz, x.sign);
    }
    if (x.exp >= 0) {
        return x.bits;
    }
    mag = shift_round(x.sig, -x.exp, &r, &s);
    mag += round_away(rmode, x.sign, mag & 1, r, s);
    res = mag == 0 ? fp_zero(esz, x.sign)
                   : round_pack(st, esz, x.sign, 0, mag, A64_RZ, false);
    if (exact && (r || s)) {
        st->flags |= FPSR_IXC;
    }
    return res;
}

uint64_t a64f_to_fixed(A64FpSt *st, int esz, uint64_t a, int fbits,
                       bool is_unsigned, int width, int rmode)
{
    Unp x = unpack(st, esz, a);
    uint64_t wmask = width == 64 ? ~0ull : (1ull << width) - 1;
    bool ovf = false, r = false, s = false;
    u128 mag = 0;

    if (is_nan(&x)) {
        st->flags |= FPSR_IOC;
        return 0;
    }
    if (x.cls == C_ZERO) {
        return 0;
    }
    if (x.cls == C_INF) {
        ovf = true;
    } else {
        int e = x.exp + fbits;
        if (e >= 0) {
            if (bitlen(x.sig) + e > 66) {
                ovf = true;
            } else {
                mag = (u128)x.sig << e;
            }
        } else {
            mag = shift_round(x.sig, -e, &r, &s);
            mag += round_away(rmode, x.sign, mag & 1, r, s);
        }
    }
    if (!ovf) {
        if (is_unsigned) {
            ovf = (x.sign && mag != 0) || mag > wmask;
        } else {
            u128 lim = (u128)1 << (width - 1);
            ovf = x.sign ? mag > lim : mag >= lim;
        }
    }
    if (ovf) {
        st->flags |= FPSR_IOC;
        if (is_unsigned) {
            return x.sign ? 0 : wmask;
        }
        return (x.sign ? 1ull << (width - 1) : (1ull << (width - 1)) - 1) &
               wmask;
    }
    if (r || s) {
        st->flags |= FPSR_IXC;
    }
    return (x.sign ? -(uint64_t)mag : (uint64_t)mag) & wmask;
}

uint64_t a64f_from_fixed(A64FpSt *st, int esz, uint64_t v, int fbits,
                         bool is_unsigned, int width, int rmode)
{
    bool sign = false;

    if (width == 32) {
        v = is_unsigned ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
    }
    if (!is_unsigned && (int64_t)v < 0) {
        sign = true;
        v = -v;
    }
    if (v == 0) {
        return fp_zero(esz, false);
    }
    return round_pack(st, esz, sign, -fbits, v, rmode, false);
}

uint64_t a64f_convert(A64FpSt *st, int from, int to, uint64_t a, int rmode)
{
    Unp x = unpack_base(st, from, a, true);
    bool alt_hp = to == 1 && (st->fpcr & FPCR_AHP);

    if (is_nan(&x)) {
        uint64_t res;
        if (x.cls == C_SNAN || alt_hp) {
            st->flags |= FPSR_IOC;
        }
        if (alt_hp) {
            res = fp_zero(to, x.sign);
        } else if (st->fpcr & FPCR_DN) {
            res = default_nan(to);
        } else {
            /* FPConvertNaN: the payload below the quiet bit, kept
             * left-aligned, truncated or padded with zeros. */
            int ff = fmts[from].f, tf = fmts[to].f;
            uint64_t pl = x.bits & ((1ull << (ff - 1)) - 1);
            pl <<= 51 - (ff - 1);
            res = pack(to, x.sign, (1u << fmts[to].e) - 1,
                       1ull << (tf - 1) | pl >> (51 - (tf - 1)));
        }
        return res;
    }
    if (x.cls == C_INF) {
        if (alt_hp) {
            st->flags |= FPSR_IOC;
            return pack(to, x.sign, 0x1f, 0x3ff);
        }
        return fp_inf(to, x.sign);
    }
    if (x.cls == C_ZERO) {
        return fp_zero(to, x.sign);
    }
    return round_pack(st, to, x.sign, x.exp, x.sig, rmode, true);
}

/* RecipEstimate: a in 256..511 ([0.5, 1) in 1/512 steps) to an 8-bit
 * reciprocal estimate in 256..511. */
static int recip_estimate(int a)
{
    int b;

    a = a * 2 + 1;
    b = (1 << 19) / a;
    return (b + 1) / 2;
}

/* RecipSqrtEstimate: a in 128..511 ([0.25, 1)). */
static int rsqrt_estimate(int a)
{
    int64_t b;

    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    /* The pseudocode counts b up from 512; start just below the answer. */
    b = 512;
    while ((int64_t)a * (b + 64) * (b + 64) < (1 << 28)) {
        b += 64;
    }
    while ((int64_t)a * (b + 1) * (b + 1) < (1 << 28)) {
        b++;
    }
    return (int)((b + 1) / 2);
}

/* The fraction of an operand as the pseudocode's 52-bit field. */
static uint64_t frac52(int esz, uint64_t bits)
{
    int f = fmts[esz].f;

    return (bits & ((1ull << f) - 1)) << (52 - f);
}

static unsigned bexp_of(int esz, uint64_t bits)
{
    return (unsigned)(bits >> fmts[esz].f) & ((1u << fmts[esz].e) - 1);
}

uint64_t a64f_recpe(A64FpSt *st, int esz, uint64_t a)
{
    Unp x = unpack(st, esz, a);
    int f = fmts[esz].f, bias = fbias(esz);
    const uint64_t m52 = (1ull << 52) - 1;
    uint64_t fraction;
    int exp, rexp, est;

    if (is_nan(&x)) {
        return process_nan(st, esz, &x);
    }
    if (x.cls == C_INF) {
        return fp_zero(esz, x.sign);
    }
    if (x.cls == C_ZERO) {
        st->flags |= FPSR_DZC;
        return fp_inf(esz, x.sign);
    }
    exp = x.exp + bitlen(x.sig) - 1;
    if (exp < -(bias + 1)) {
        int rm = a64f_rmode(st);
        bool to_inf = rm == A64_RN || (rm == A64_RP && !x.sign) ||
                      (rm == A64_RM && x.sign);
        st->flags |= FPSR_OFC | FPSR_IXC;
        return to_inf ? fp_inf(esz, x.sign) : fp_max_normal(esz, x.sign);
    }
    if (flush_on(st, esz, false) && exp >= bias - 1) {
        st->flags |= FPSR_UFC;
        return fp_zero(esz, x.sign);
    }
    fraction = frac52(esz, x.bits);
    exp = (int)bexp_of(esz, x.bits);
    if (exp == 0) {
        if (!((fraction >> 51) & 1)) {
            exp = -1;
            fraction = (fraction << 2) & m52;
        } else {
            fraction = (fraction << 1) & m52;
        }
    }
    est = recip_estimate(256 | (int)(fraction >> 44));
    rexp = 2 * bias - 1 - exp;
    fraction = (uint64_t)(est & 0xff) << 44;
    if (rexp == 0) {
        fraction = 1ull << 51 | fraction >> 1;
    } else if (rexp == -1) {
        fraction = 1ull << 50 | fraction >> 2;
        rexp = 0;
    }
    return pack(esz, x.sign, (uint64_t)rexp, fraction >> (52 - f));
}

uint64_t a64f_rsqrte(A64FpSt *st, int esz, uint64_t a)
{
    Unp x = unpack(st, esz, a);
    int f = fmts[esz].f, bias = fbias(esz);
    const uint64_t m52 = (1ull << 52) - 1;
    uint64_t fraction;
    int exp, scaled, rexp, est;

    if (is_nan(&x)) {
        return process_nan(st, esz, &x);
    }
    if (x.cls == C_ZERO) {
        st->flags |= FPSR_DZC;
        return fp_inf(esz, x.sign);
    }
    if (x.sign) {
        return invalid(st, esz);
    }
    if (x.cls == C_INF) {
        return fp_zero(esz, false);
    }
    fraction = frac52(esz, x.bits);
    exp = (int)bexp_of(esz, x.bits);
    if (exp == 0) {
        while (!((fraction >> 51) & 1)) {
            fraction = (fraction << 1) & m52;
            exp--;
        }
        fraction = (fraction << 1) & m52;
    }
    if ((exp & 1) == 0) {
        scaled = 256 | (int)(fraction >> 44);
    } else {
        scaled = 128 | (int)(fraction >> 45);
    }
    rexp = (3 * bias - 1 - exp) / 2;
    est = rsqrt_estimate(scaled);
    return pack(esz, false, (uint64_t)rexp, (uint64_t)(est & 0xff) << (f - 8));
}

uint64_t a64f_recpx(A64FpSt *st, int esz, uint64_t a)
{
    Unp x = unpack(st, esz, a);
    unsigned e = bexp_of(esz, x.bits), ones = (1u << fmts[esz].e) - 1;

    if (is_nan(&x)) {
        return process_nan(st, esz, &x);
    }
    return pack(esz, x.sign, e == 0 ? ones - 1 : ~e & ones, 0);
}

uint32_t a64f_fjcvtzs(A64FpSt *st, uint64_t a, bool *z)
{
    Unp x = unpack(st, 3, a);
    bool r = false, s = false, out = false;
    u128 mag = 0;

    *z = true;
    if (is_nan(&x)) {
        st->flags |= FPSR_IOC;
        *z = false;
        return 0;
    }
    if (x.cls == C_INF) {
        st->flags |= FPSR_IOC;
        *z = false;
        return 0;
    }
    if (x.cls == C_NUM) {
        if (x.exp >= 0) {
            /* Only the low 32 bits matter once out of range. */
            out = bitlen(x.sig) + x.exp > 33;
            mag = x.exp >= 64 ? 0 : (u128)x.sig << x.exp;
        } else {
            mag = shift_round(x.sig, -x.exp, &r, &s);
        }
        out = out || (x.sign ? mag > ((u128)1 << 31) : mag >= ((u128)1 << 31));
    }
    if (out) {
        st->flags |= FPSR_IOC;
        *z = false;
    } else if (r || s) {
        st->flags |= FPSR_IXC;
        *z = false;
    } else if (x.cls == C_ZERO && (x.sign || (x.bits << 12) != 0)) {
        /* -0, or a denormal flushed to zero */
        *z = false;
    }
    return (uint32_t)(x.sign ? -(uint64_t)mag : (uint64_t)mag);
}

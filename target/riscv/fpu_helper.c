/*
 * riscv64 F and D arithmetic: the helpers generated code calls for every
 * floating-point instruction that is not a plain move, load or store.
 *
 * Everything is exact integer arithmetic on significands, written from
 * IEEE 754-2008 and the RISC-V unprivileged manual (chapters "F" and "D");
 * the host FPU is not used, so the five rounding modes (RNE, RTZ, RDN, RUP
 * and RMM, which x86 lacks) go through the same code, and no host state
 * (MXCSR rounding, DAZ/FTZ) can leak in. The one rounding routine,
 * fp_round_pack(), takes an exact value m * 2^e (plus a sticky bit for the
 * non-terminating quotients and roots) and rounds it once, so fused
 * multiply-add is rounded once by construction.
 *
 * Guarantees, as the manual asks:
 *  - a NaN result is always the canonical NaN; NV is raised by signalling
 *    NaN inputs and invalid operations (also 0 * inf + qNaN in fma);
 *  - underflow is tininess after rounding (as if the exponent range were
 *    unbounded), raised only with inexact; overflow gives inf or the
 *    largest finite number depending on the rounding mode;
 *  - single-precision inputs that are not NaN-boxed read as the canonical
 *    NaN, single-precision results are NaN-boxed.
 *
 * Flags are ORed into cpu->fflags; the rounding mode comes as an argument
 * (7 = dynamic: cpu->frm, which the translator has checked is valid).
 * The helpers touch only fflags/frm, never an IR global.
 */
#include <assert.h>

#include "target/riscv/cpu.h"
#include "target/riscv/fpu.h"
#include "target/hardfloat.h"

typedef unsigned __int128 u128;

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM };
enum { FL_NX = 1, FL_UF = 2, FL_OF = 4, FL_DZ = 8, FL_NV = 16 };
enum { FC_ZERO, FC_FINITE, FC_INF, FC_QNAN, FC_SNAN };

/* A format: precision p (with the hidden bit), largest exponent emax
 * (also the bias), exponent field width. */
typedef struct FpFmt {
    int p, emax, ebits;
    uint64_t cnan;
} FpFmt;

static const FpFmt fmt_s = {24, 127, 8, 0x7fc00000u};
static const FpFmt fmt_d = {53, 1023, 11, 0x7ff8000000000000ull};

/* An unpacked operand: for FC_FINITE the value is (-1)^sign * m * 2^e. */
typedef struct FpVal {
    int cls;
    bool sign;
    int e;
    u128 m;
} FpVal;

static int bitlen(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64), lo = (uint64_t)m;

    if (hi) {
        return 128 - __builtin_clzll(hi);
    }
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

static bool is_nan(const FpVal *v)
{
    return v->cls == FC_QNAN || v->cls == FC_SNAN;
}

static FpVal fp_unpack(const FpFmt *f, uint64_t bits)
{
    int fb = f->p - 1;
    uint64_t frac = bits & ((1ull << fb) - 1);
    unsigned ex = (unsigned)(bits >> fb) & ((1u << f->ebits) - 1);
    FpVal v = {.sign = (bits >> (fb + f->ebits)) & 1};

    if (ex == (1u << f->ebits) - 1) {
        v.cls = frac == 0 ? FC_INF
                : (frac >> (fb - 1)) & 1 ? FC_QNAN
                                         : FC_SNAN;
    } else if (ex == 0) {
        v.cls = frac ? FC_FINITE : FC_ZERO;
        v.m = frac;
        v.e = 1 - f->emax - fb;
    } else {
        v.cls = FC_FINITE;
        v.m = frac | 1ull << fb;
        v.e = (int)ex - f->emax - fb;
    }
    return v;
}

static uint64_t fp_pack(const FpFmt *f, bool sign, uint64_t ex, uint64_t frac)
{
    int fb = f->p - 1;

    return (uint64_t)sign << (fb + f->ebits) | ex << fb | frac;
}

static uint64_t fp_inf(const FpFmt *f, bool sign)
{
    return fp_pack(f, sign, (1u << f->ebits) - 1, 0);
}

static uint64_t fp_zero(const FpFmt *f, bool sign)
{
    return fp_pack(f, sign, 0, 0);
}

static uint64_t fp_max_finite(const FpFmt *f, bool sign)
{
    return fp_pack(f, sign, (1u << f->ebits) - 2, (1ull << (f->p - 1)) - 1);
}

/* m >> sh, with the first bit shifted out in *r and whether any later one
 * is set ORed into *s. sh <= 0 shifts left (exact). */
static u128 shift_round(u128 m, int sh, bool *r, bool *s)
{
    *r = false;
    if (sh <= 0) {
        return m << -sh;
    }
    if (sh > 128) {
        *s |= m != 0;
        return 0;
    }
    *r = (m >> (sh - 1)) & 1;
    *s |= (sh >= 2) && (m << (129 - sh)) != 0;
    return sh == 128 ? 0 : m >> sh;
}

/* Whether rounding away from zero by one unit is due. */
static bool round_up(int rm, bool sign, bool odd, bool r, bool s)
{
    switch (rm) {
    case RM_RNE:
        return r && (s || odd);
    case RM_RTZ:
        return false;
    case RM_RDN:
        return sign && (r || s);
    case RM_RUP:
        return !sign && (r || s);
    case RM_RMM:
        return r;
    default:
        assert(!"riscv fpu: bad rounding mode");
        return false;
    }
}

/*
 * Round (-1)^sign * (m + sticky') * 2^e to format f, where m != 0 and
 * sticky says that the exact value is a little more than m * 2^e (less
 * than one unit of m's last bit more). Callers that pass sticky give m at
 * least p + 2 significant bits, so the sticky part lies below the round
 * bit.
 */
static uint64_t fp_round_pack(const FpFmt *f, bool sign, u128 m, int e,
                              bool sticky, int rm, uint32_t *flags)
{
    int emin = 1 - f->emax;
    int top = e + bitlen(m) - 1; /* value in [2^top, 2^(top+1)) */
    int lsb = (top >= emin ? top : emin) - (f->p - 1);
    bool r, s = sticky, tiny = false;
    u128 kept = shift_round(m, lsb - e, &r, &s);
    uint64_t one = 1;

    kept += round_up(rm, sign, kept & 1, r, s);
    if (top < emin) {
        tiny = true;
        if (top == emin - 1) {
            /* Tininess after rounding: round to p bits as if the exponent
             * were unbounded; reaching 2^emin is not tiny. */
            bool r2, s2 = sticky;
            u128 k2 = shift_round(m, lsb - 1 - e, &r2, &s2);
            k2 += round_up(rm, sign, k2 & 1, r2, s2);
            tiny = k2 < (u128)1 << f->p;
        }
    }
    if (kept == (u128)1 << f->p) {
        kept >>= 1;
        lsb++;
    }
    if (lsb + f->p - 1 > f->emax) {
        bool to_inf = rm == RM_RNE || rm == RM_RMM ||
                      (rm == RM_RDN && sign) || (rm == RM_RUP && !sign);
        *flags |= FL_OF | FL_NX;
        return to_inf ? fp_inf(f, sign) : fp_max_finite(f, sign);
    }
    if (r || s) {
        *flags |= FL_NX | (tiny ? FL_UF : 0);
    }
    if (kept >> (f->p - 1)) {
        return fp_pack(f, sign, (uint64_t)(lsb + f->p - 1 + f->emax),
                       (uint64_t)kept - (one << (f->p - 1)));
    }
    return fp_pack(f, sign, 0, (uint64_t)kept);
}

/* The NaN result of an operation with a NaN input: canonical, and NV if
 * any input is signalling. */
static uint64_t fp_nan_result(const FpFmt *f, const FpVal *a, const FpVal *b,
                              const FpVal *c, uint32_t *flags)
{
    if (a->cls == FC_SNAN || (b && b->cls == FC_SNAN) ||
        (c && c->cls == FC_SNAN)) {
        *flags |= FL_NV;
    }
    return f->cnan;
}

static uint64_t fp_invalid(const FpFmt *f, uint32_t *flags)
{
    *flags |= FL_NV;
    return f->cnan;
}

/* Left-justify m (m != 0) so its top bit is bit `bit`. */
static u128 normalize(u128 m, int *e, int bit)
{
    int sh = bit - (bitlen(m) - 1);

    *e -= sh;
    return sh >= 0 ? m << sh : m >> -sh;
}

/* x + y for finite non-zero exact values (significands below 2^120).
 * Both are left-justified to bit 125; the smaller is shifted right with
 * the bits it loses collapsed into its last bit, which sits far below the
 * result's round bit, so rounding is unaffected. */
static uint64_t fp_add_finite(const FpFmt *f, bool sx, u128 mx, int ex,
                              bool sy, u128 my, int ey, int rm,
                              uint32_t *flags)
{
    u128 m;
    int d;

    mx = normalize(mx, &ex, 125);
    my = normalize(my, &ey, 125);
    if (ex < ey || (ex == ey && mx < my)) {
        u128 tm = mx;
        int te = ex;
        bool ts = sx;
        mx = my, ex = ey, sx = sy;
        my = tm, ey = te, sy = ts;
    }
    d = ex - ey;
    if (d >= 127) {
        my = 1;
    } else if (d > 0) {
        my = (my >> d) | ((my << (128 - d)) != 0);
    }
    if (sx == sy) {
        m = mx + my;
    } else {
        m = mx - my;
        if (m == 0) {
            return fp_zero(f, rm == RM_RDN);
        }
    }
    return fp_round_pack(f, sx, m, ex, false, rm, flags);
}

static uint64_t fp_add(const FpFmt *f, FpVal a, FpVal b, int rm,
                       uint32_t *flags)
{
    if (is_nan(&a) || is_nan(&b)) {
        return fp_nan_result(f, &a, &b, NULL, flags);
    }
    if (a.cls == FC_INF || b.cls == FC_INF) {
        if (a.cls == FC_INF && b.cls == FC_INF && a.sign != b.sign) {
            return fp_invalid(f, flags);
        }
        return fp_inf(f, a.cls == FC_INF ? a.sign : b.sign);
    }
    if (a.cls == FC_ZERO && b.cls == FC_ZERO) {
        return fp_zero(f, a.sign == b.sign ? a.sign : rm == RM_RDN);
    }
    if (b.cls == FC_ZERO) {
        return fp_round_pack(f, a.sign, a.m, a.e, false, rm, flags);
    }
    if (a.cls == FC_ZERO) {
        return fp_round_pack(f, b.sign, b.m, b.e, false, rm, flags);
    }
    return fp_add_finite(f, a.sign, a.m, a.e, b.sign, b.m, b.e, rm, flags);
}

static uint64_t fp_mul(const FpFmt *f, FpVal a, FpVal b, int rm,
                       uint32_t *flags)
{
    bool sign = a.sign ^ b.sign;

    if (is_nan(&a) || is_nan(&b)) {
        return fp_nan_result(f, &a, &b, NULL, flags);
    }
    if (a.cls == FC_INF || b.cls == FC_INF) {
        if (a.cls == FC_ZERO || b.cls == FC_ZERO) {
            return fp_invalid(f, flags);
        }
        return fp_inf(f, sign);
    }
    if (a.cls == FC_ZERO || b.cls == FC_ZERO) {
        return fp_zero(f, sign);
    }
    return fp_round_pack(f, sign, a.m * b.m, a.e + b.e, false, rm, flags);
}

static uint64_t fp_div(const FpFmt *f, FpVal a, FpVal b, int rm,
                       uint32_t *flags)
{
    bool sign = a.sign ^ b.sign;
    u128 q, num;
    int e;

    if (is_nan(&a) || is_nan(&b)) {
        return fp_nan_result(f, &a, &b, NULL, flags);
    }
    if (a.cls == FC_INF) {
        return b.cls == FC_INF ? fp_invalid(f, flags) : fp_inf(f, sign);
    }
    if (b.cls == FC_INF) {
        return fp_zero(f, sign);
    }
    if (b.cls == FC_ZERO) {
        if (a.cls == FC_ZERO) {
            return fp_invalid(f, flags);
        }
        *flags |= FL_DZ;
        return fp_inf(f, sign);
    }
    if (a.cls == FC_ZERO) {
        return fp_zero(f, sign);
    }
    /* A 126-bit numerator over a significand of at most 53 bits leaves a
     * quotient of at least 73 bits: enough for p + 2. */
    e = a.e;
    num = normalize(a.m, &e, 125);
    q = num / b.m;
    return fp_round_pack(f, sign, q, e - b.e, num % b.m != 0, rm, flags);
}

static uint64_t fp_sqrt(const FpFmt *f, FpVal a, int rm, uint32_t *flags)
{
    u128 m, root = 0, rem = 0;
    int e;

    if (is_nan(&a)) {
        return fp_nan_result(f, &a, NULL, NULL, flags);
    }
    if (a.cls == FC_ZERO) {
        return fp_zero(f, a.sign);
    }
    if (a.sign) {
        return fp_invalid(f, flags);
    }
    if (a.cls == FC_INF) {
        return fp_inf(f, false);
    }
    /* m * 2^e with e even and m of 125 or 126 bits; its integer square
     * root has 63 bits, digit by digit. */
    e = a.e;
    m = normalize(a.m, &e, 125);
    if (e & 1) {
        m >>= 1; /* exact: normalize left-shifted by far more than 1 */
        e++;
    }
    for (int i = 63; i >= 0; i--) {
        u128 trial;
        rem = rem << 2 | ((m >> (2 * i)) & 3);
        trial = root << 2 | 1;
        if (rem >= trial) {
            rem -= trial;
            root = root << 1 | 1;
        } else {
            root <<= 1;
        }
    }
    return fp_round_pack(f, false, root, e / 2, rem != 0, rm, flags);
}

/* (-1)^neg_prod * a * b + (-1)^neg_add * c, rounded once. */
static uint64_t fp_fma(const FpFmt *f, FpVal a, FpVal b, FpVal c,
                       bool neg_prod, bool neg_add, int rm, uint32_t *flags)
{
    bool ps = a.sign ^ b.sign ^ neg_prod;
    bool cs = c.sign ^ neg_add;
    bool inf_zero = (a.cls == FC_INF && b.cls == FC_ZERO) ||
                    (a.cls == FC_ZERO && b.cls == FC_INF);

    if (is_nan(&a) || is_nan(&b) || is_nan(&c)) {
        /* The manual: NV for inf * 0 even when the addend is a qNaN. */
        if (inf_zero) {
            *flags |= FL_NV;
        }
        return fp_nan_result(f, &a, &b, &c, flags);
    }
    if (inf_zero) {
        return fp_invalid(f, flags);
    }
    if (a.cls == FC_INF || b.cls == FC_INF) {
        if (c.cls == FC_INF && cs != ps) {
            return fp_invalid(f, flags);
        }
        return fp_inf(f, ps);
    }
    if (c.cls == FC_INF) {
        return fp_inf(f, cs);
    }
    if (a.cls == FC_ZERO || b.cls == FC_ZERO) {
        if (c.cls == FC_ZERO) {
            return fp_zero(f, ps == cs ? ps : rm == RM_RDN);
        }
        return fp_round_pack(f, cs, c.m, c.e, false, rm, flags);
    }
    if (c.cls == FC_ZERO) {
        return fp_round_pack(f, ps, a.m * b.m, a.e + b.e, false, rm, flags);
    }
    return fp_add_finite(f, ps, a.m * b.m, a.e + b.e, cs, c.m, c.e, rm,
                         flags);
}

/* Float to integer of `width` bits (32 or 64), saturating as the manual's
 * table says; 32-bit results are sign-extended to 64 (also unsigned). */
static uint64_t fp_to_int(FpVal a, bool is_signed, int width, int rm,
                          uint32_t *flags)
{
    u128 maxpos = is_signed ? ((u128)1 << (width - 1)) - 1
                            : ((u128)1 << width) - 1;
    u128 negmax = is_signed ? (u128)1 << (width - 1) : 0; /* |min| */
    u128 mag;
    bool r = false, s = false, bad = false;
    uint64_t res;

    if (is_nan(&a)) {
        bad = true;
        a.sign = false;
    } else if (a.cls == FC_INF) {
        bad = true;
    } else if (a.cls == FC_ZERO) {
        return 0;
    } else if (a.e > 64) {
        bad = true;
    } else {
        mag = shift_round(a.m, -a.e, &r, &s);
        mag += round_up(rm, a.sign, mag & 1, r, s);
        bad = a.sign ? mag > negmax : mag > maxpos;
    }
    if (bad) {
        *flags |= FL_NV;
        res = a.sign ? (uint64_t)(-negmax) : (uint64_t)maxpos;
    } else {
        if (r || s) {
            *flags |= FL_NX;
        }
        res = a.sign ? (uint64_t)(-mag) : (uint64_t)mag;
    }
    return width == 32 ? (uint64_t)(int64_t)(int32_t)res : res;
}

static uint64_t int_to_fp(const FpFmt *f, uint64_t x, bool is_signed,
                          int width, int rm, uint32_t *flags)
{
    bool sign = false;

    if (width == 32) {
        x = is_signed ? (uint64_t)(int64_t)(int32_t)x : (uint32_t)x;
    }
    if (is_signed && (int64_t)x < 0) {
        sign = true;
        x = -x;
    }
    if (x == 0) {
        return fp_zero(f, false);
    }
    return fp_round_pack(f, sign, x, 0, false, rm, flags);
}

/* Format conversion (either direction); exact when widening. */
static uint64_t fp_convert(const FpFmt *to, FpVal a, int rm, uint32_t *flags)
{
    if (is_nan(&a)) {
        return fp_nan_result(to, &a, NULL, NULL, flags);
    }
    if (a.cls == FC_INF) {
        return fp_inf(to, a.sign);
    }
    if (a.cls == FC_ZERO) {
        return fp_zero(to, a.sign);
    }
    return fp_round_pack(to, a.sign, a.m, a.e, false, rm, flags);
}

/* A key that orders non-NaN encodings numerically, with -0 below +0. */
static int64_t order_key(const FpFmt *f, uint64_t bits)
{
    int sb = f->p - 1 + f->ebits;
    int64_t mag = (int64_t)(bits & ((1ull << sb) - 1));

    return (bits >> sb) & 1 ? -mag - 1 : mag;
}

static uint64_t fp_minmax(const FpFmt *f, uint64_t x, uint64_t y, bool max,
                          uint32_t *flags)
{
    FpVal a = fp_unpack(f, x), b = fp_unpack(f, y);

    if (a.cls == FC_SNAN || b.cls == FC_SNAN) {
        *flags |= FL_NV;
    }
    if (is_nan(&a) && is_nan(&b)) {
        return f->cnan;
    }
    if (is_nan(&a)) {
        return y;
    }
    if (is_nan(&b)) {
        return x;
    }
    return (order_key(f, x) < order_key(f, y)) == max ? y : x;
}

/* feq (quiet) and flt/fle (signalling). */
static uint64_t fp_compare(const FpFmt *f, uint64_t x, uint64_t y, int op,
                           uint32_t *flags)
{
    FpVal a = fp_unpack(f, x), b = fp_unpack(f, y);
    int64_t kx, ky;

    if (is_nan(&a) || is_nan(&b)) {
        if (op != FPOP_EQ || a.cls == FC_SNAN || b.cls == FC_SNAN) {
            *flags |= FL_NV;
        }
        return 0;
    }
    /* Here -0 and +0 are equal. */
    kx = a.cls == FC_ZERO ? 0 : order_key(f, x);
    ky = b.cls == FC_ZERO ? 0 : order_key(f, y);
    switch (op) {
    case FPOP_EQ:
        return kx == ky;
    case FPOP_LT:
        return kx < ky;
    default:
        return kx <= ky;
    }
}

static uint64_t fp_class(const FpFmt *f, uint64_t x)
{
    FpVal a = fp_unpack(f, x);
    bool sub = a.cls == FC_FINITE && (a.m >> (f->p - 1)) == 0;

    switch (a.cls) {
    case FC_SNAN:
        return 1u << 8;
    case FC_QNAN:
        return 1u << 9;
    case FC_INF:
        return a.sign ? 1u << 0 : 1u << 7;
    case FC_ZERO:
        return a.sign ? 1u << 3 : 1u << 4;
    default:
        if (sub) {
            return a.sign ? 1u << 2 : 1u << 5;
        }
        return a.sign ? 1u << 1 : 1u << 6;
    }
}

/* ---- NaN-boxing of single-precision values in 64-bit registers ---- */

static uint64_t unbox_s(uint64_t r)
{
    return (r >> 32) == 0xffffffffu ? (uint32_t)r : fmt_s.cnan;
}

static uint64_t box_s(uint64_t v)
{
    return 0xffffffff00000000ull | (uint32_t)v;
}

/* ---- the host fast path (hardfloat.h) ----
 *
 * In RNE the host computes the IEEE result, and x86 detects tininess
 * after rounding and raises underflow only when inexact, as RISC-V does,
 * so its flags map one to one. Only NaN results differ (the canonical NaN
 * here, a propagated or negative default NaN there): they fall back to
 * the soft-float, which recomputes result and flags. */

static bool hf_try(int op, bool dbl, uint64_t x, uint64_t y, uint64_t z,
                   uint32_t *flags, uint64_t *res)
{
    uint64_t r, mag;
    uint32_t mx;
    int ix;

    if (hf_quick_can(op)) {
        /* refuses NaN, infinite and tiny results: only NX is left */
        ix = hf_quick(op, dbl ? 3 : 2, x, y, res);
        if (ix > 0) {
            *flags |= FL_NX;
        }
        return ix >= 0;
    }
    if (!hf_can(op)) {
        return false;
    }
    mx = hf_run(op, dbl ? 3 : 2, x, y, z, &r);
    if (mx & HF_FAIL) {
        return false;
    }
    mag = dbl ? r & ~(1ull << 63) : r & 0x7fffffffu;
    if (mag > (dbl ? 0x7ff0000000000000ull : 0x7f800000u)) {
        return false;
    }
    *flags |= (mx & HF_PE ? FL_NX : 0) | (mx & HF_UE ? FL_UF : 0) |
              (mx & HF_OE ? FL_OF : 0) | (mx & HF_ZE ? FL_DZ : 0);
    *res = r;
    return true;
}

static int hf_op(uint64_t op)
{
    switch (op) {
    case FPOP_ADD:
        return HF_ADD;
    case FPOP_SUB:
        return HF_SUB;
    case FPOP_MUL:
        return HF_MUL;
    case FPOP_DIV:
        return HF_DIV;
    case FPOP_SQRT:
        return HF_SQRT;
    default:
        return -1;
    }
}

/* ---- the helpers ---- */

static int resolve_rm(RISCVCPU *cpu, uint64_t rm)
{
    return rm == 7 ? (int)cpu->frm : (int)rm;
}

/* One entry point for every F/D operation of up to two operands; op is an
 * FPOP_* value, ORed with FPOP_D for double precision. Operands and the
 * result are raw register contents (fpr or gpr as the instruction says). */
static uint64_t helper_fp(CPUState *cs, uint64_t op, uint64_t x, uint64_t y,
                          uint64_t rm_arg)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    bool dbl = op & FPOP_D;
    const FpFmt *f = dbl ? &fmt_d : &fmt_s;
    int rm = resolve_rm(cpu, rm_arg);
    uint32_t flags = 0;
    uint64_t res, xin = x;
    bool fp_result = true;

    op &= ~(uint64_t)FPOP_D;
    if (!dbl && op != FPOP_FROM_W && op != FPOP_FROM_WU &&
        op != FPOP_FROM_L && op != FPOP_FROM_LU && op != FPOP_CVT_FMT) {
        x = unbox_s(x);
        y = unbox_s(y);
    }
    if (rm == RM_RNE && hf_op(op) >= 0 &&
        hf_try(hf_op(op), dbl, x, y, 0, &flags, &res)) {
        cpu->fflags |= flags;
        return dbl ? res : box_s(res);
    }
    switch (op) {
    case FPOP_ADD:
        res = fp_add(f, fp_unpack(f, x), fp_unpack(f, y), rm, &flags);
        break;
    case FPOP_SUB: {
        FpVal b = fp_unpack(f, y);
        b.sign = !b.sign;
        res = fp_add(f, fp_unpack(f, x), b, rm, &flags);
        break;
    }
    case FPOP_MUL:
        res = fp_mul(f, fp_unpack(f, x), fp_unpack(f, y), rm, &flags);
        break;
    case FPOP_DIV:
        res = fp_div(f, fp_unpack(f, x), fp_unpack(f, y), rm, &flags);
        break;
    case FPOP_SQRT:
        res = fp_sqrt(f, fp_unpack(f, x), rm, &flags);
        break;
    case FPOP_MIN:
    case FPOP_MAX:
        res = fp_minmax(f, x, y, op == FPOP_MAX, &flags);
        break;
    case FPOP_SGNJ:
    case FPOP_SGNJN:
    case FPOP_SGNJX: {
        int sb = f->p - 1 + f->ebits;
        uint64_t sbit = 1ull << sb;
        uint64_t s = op == FPOP_SGNJ    ? y & sbit
                     : op == FPOP_SGNJN ? ~y & sbit
                                        : (x ^ y) & sbit;
        res = (x & ~sbit) | s;
        break;
    }
    case FPOP_EQ:
    case FPOP_LT:
    case FPOP_LE:
        res = fp_compare(f, x, y, (int)op, &flags);
        fp_result = false;
        break;
    case FPOP_CLASS:
        res = fp_class(f, x);
        fp_result = false;
        break;
    case FPOP_TO_W:
    case FPOP_TO_WU:
    case FPOP_TO_L:
    case FPOP_TO_LU:
        res = fp_to_int(fp_unpack(f, x),
                        op == FPOP_TO_W || op == FPOP_TO_L,
                        op == FPOP_TO_W || op == FPOP_TO_WU ? 32 : 64, rm,
                        &flags);
        fp_result = false;
        break;
    case FPOP_FROM_W:
    case FPOP_FROM_WU:
    case FPOP_FROM_L:
    case FPOP_FROM_LU:
        res = int_to_fp(f, x, op == FPOP_FROM_W || op == FPOP_FROM_L,
                        op == FPOP_FROM_W || op == FPOP_FROM_WU ? 32 : 64,
                        rm, &flags);
        break;
    case FPOP_CVT_FMT:
        /* To format f from the other one. */
        res = dbl ? fp_convert(f, fp_unpack(&fmt_s, unbox_s(xin)), rm, &flags)
                  : fp_convert(f, fp_unpack(&fmt_d, xin), rm, &flags);
        break;
    default:
        assert(!"riscv fpu: bad operation");
        res = 0;
    }
    cpu->fflags |= flags;
    return fp_result && !dbl ? box_s(res) : res;
}

const TCGHelperInfo riscv_helper_fp = {
    .func = (void *)helper_fp,
    .name = "riscv_fp",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 5,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64},
};

/* fmadd/fmsub/fnmsub/fnmadd: op is FPOP_FMADD.. (| FPOP_D). */
static uint64_t helper_fma(CPUState *cs, uint64_t op, uint64_t x, uint64_t y,
                           uint64_t z, uint64_t rm_arg)
{
    RISCVCPU *cpu = (RISCVCPU *)cs;
    bool dbl = op & FPOP_D;
    const FpFmt *f = dbl ? &fmt_d : &fmt_s;
    uint64_t sbit = dbl ? 1ull << 63 : 1ull << 31;
    int rm = resolve_rm(cpu, rm_arg);
    uint32_t flags = 0;
    uint64_t res;

    op &= ~(uint64_t)FPOP_D;
    if (!dbl) {
        x = unbox_s(x);
        y = unbox_s(y);
        z = unbox_s(z);
    }
    /* Negating an operand is exact; NaNs fall back anyway. */
    if (rm == RM_RNE &&
        hf_try(HF_FMA, dbl,
               op == FPOP_FNMSUB || op == FPOP_FNMADD ? x ^ sbit : x, y,
               op == FPOP_FMSUB || op == FPOP_FNMADD ? z ^ sbit : z, &flags,
               &res)) {
        cpu->fflags |= flags;
        return dbl ? res : box_s(res);
    }
    res = fp_fma(f, fp_unpack(f, x), fp_unpack(f, y), fp_unpack(f, z),
                 op == FPOP_FNMSUB || op == FPOP_FNMADD,
                 op == FPOP_FMSUB || op == FPOP_FNMADD, rm, &flags);
    cpu->fflags |= flags;
    return dbl ? res : box_s(res);
}

const TCGHelperInfo riscv_helper_fma = {
    .func = (void *)helper_fma,
    .name = "riscv_fma",
    .flags = TCG_CALL_NO_READ_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 6,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64,
                  TCG_TYPE_I64, TCG_TYPE_I64},
};

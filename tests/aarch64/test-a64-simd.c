/*
 * aarch64 Advanced SIMD integer arithmetic (a64-simd.decode), on every
 * backend/optimizer configuration: each instruction in each valid
 * arrangement, vector and scalar, on edge-value lanes and random vectors
 * (fixed seed), checked lane by lane against the reference model below,
 * which follows the Arm ARM pseudocode in infinite precision. QC, the
 * zeroing of the upper half for Q=0 and of the rest of the register for
 * scalars, rd == rn == rm, and reserved arrangements (UNDEFINED) too.
 *
 * Setting SIMD_DUMP=file appends "word inputs -> outputs" lines for the
 * first configuration, to compare against another implementation while
 * developing.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

typedef __int128 i128;

typedef struct V {
    uint64_t d[2];
} V;

/* ---- lanes and saturation ---- */

static uint64_t get(const V *v, int esz, int i)
{
    int bits = 8 << esz;
    int bit = i * bits;
    uint64_t w = v->d[bit / 64] >> (bit % 64);

    return bits == 64 ? w : w & ((1ull << bits) - 1);
}

static void put(V *v, int esz, int i, uint64_t x)
{
    int bits = 8 << esz;
    int bit = i * bits;
    uint64_t m = bits == 64 ? ~0ull : ((1ull << bits) - 1);

    v->d[bit / 64] &= ~(m << (bit % 64));
    v->d[bit / 64] |= (x & m) << (bit % 64);
}

static uint64_t ones(int esz)
{
    return esz == 3 ? ~0ull : (1ull << (8 << esz)) - 1;
}

static i128 sx(uint64_t v, int esz)
{
    int bits = 8 << esz;

    v &= ones(esz);
    if (bits < 64 && (v >> (bits - 1))) {
        return (i128)v - ((i128)1 << bits);
    }
    if (bits == 64) {
        return (int64_t)v;
    }
    return v;
}

static i128 smax_of(int esz)
{
    return ((i128)1 << ((8 << esz) - 1)) - 1;
}

static uint64_t ssat(i128 v, int esz, int *qc)
{
    if (v > smax_of(esz)) {
        *qc = 1;
        return (uint64_t)smax_of(esz);
    }
    if (v < -smax_of(esz) - 1) {
        *qc = 1;
        return (uint64_t)(-smax_of(esz) - 1) & ones(esz);
    }
    return (uint64_t)v & ones(esz);
}

static uint64_t usat(i128 v, int esz, int *qc)
{
    if (v < 0) {
        *qc = 1;
        return 0;
    }
    if (v > (i128)ones(esz)) {
        *qc = 1;
        return ones(esz);
    }
    return (uint64_t)v;
}

/* Floor division by 2^n for any n >= 0 (n clamped where the result no
 * longer changes for 65-bit inputs). */
static i128 shr_floor(i128 v, int n)
{
    return v >> (n > 100 ? 100 : n);
}

/* ---- reference operations ---- */

enum {
    R_SHADD, R_UHADD, R_SRHADD, R_URHADD, R_SHSUB, R_UHSUB,
    R_SQADD, R_UQADD, R_SQSUB, R_UQSUB,
    R_CMGT, R_CMHI, R_CMGE, R_CMHS, R_CMTST, R_CMEQ,
    R_SSHL, R_USHL, R_SQSHL, R_UQSHL, R_SRSHL, R_URSHL, R_SQRSHL, R_UQRSHL,
    R_SMAX, R_UMAX, R_SMIN, R_UMIN, R_SABD, R_UABD, R_SABA, R_UABA,
    R_ADD, R_SUB, R_MLA, R_MLS, R_MUL, R_PMUL,
    R_SQDMULH, R_SQRDMULH, R_SQRDMLAH, R_SQRDMLSH,
    R_AND, R_BIC, R_ORR, R_ORN, R_EOR, R_BSL, R_BIT, R_BIF,
    R_SMAXP, R_UMAXP, R_SMINP, R_UMINP, R_ADDP,
    R_SDOT, R_UDOT,
};

/*
 * The register shifts: v (already extended) shifted by the signed count s
 * as the pseudocode's (v + round_const) << s in infinite precision, then
 * wrapped (sat 0) or saturated signed (1) or unsigned (2). Left shifts
 * double step by step, stopping once v is beyond every range.
 */
static uint64_t ref_shift(int esz, i128 v, int s, bool round, int sat, int *qc)
{
    i128 r;

    if (s >= 0) {
        if (!sat) {
            return s >= 64 ? 0 : ((uint64_t)v << s) & ones(esz);
        }
        for (int j = 0; j < s && v != 0; j++) {
            v *= 2;
            if (v > (i128)ones(esz) || v < -(i128)ones(esz) - 1) {
                break;
            }
        }
        return sat == 1 ? ssat(v, esz, qc) : usat(v, esz, qc);
    }
    if (round) {
        int n = -s > 66 ? 66 : -s;
        r = shr_floor(v + ((i128)1 << (n - 1)), n);
    } else {
        r = shr_floor(v, -s);
    }
    if (sat) {
        return sat == 1 ? ssat(r, esz, qc) : usat(r, esz, qc);
    }
    return (uint64_t)r & ones(esz);
}

static uint64_t ref3(int op, int esz, uint64_t a, uint64_t b, uint64_t d,
                     int *qc)
{
    int bits = 8 << esz;
    uint64_t m = ones(esz);
    i128 sa = sx(a, esz), sb = sx(b, esz), ua = a & m, ub = b & m;
    i128 r;

    switch (op) {
    case R_SHADD: return (uint64_t)shr_floor(sa + sb, 1) & m;
    case R_UHADD: return (uint64_t)shr_floor(ua + ub, 1) & m;
    case R_SRHADD: return (uint64_t)shr_floor(sa + sb + 1, 1) & m;
    case R_URHADD: return (uint64_t)shr_floor(ua + ub + 1, 1) & m;
    case R_SHSUB: return (uint64_t)shr_floor(sa - sb, 1) & m;
    case R_UHSUB: return (uint64_t)shr_floor(ua - ub, 1) & m;
    case R_SQADD: return ssat(sa + sb, esz, qc);
    case R_UQADD: return usat(ua + ub, esz, qc);
    case R_SQSUB: return ssat(sa - sb, esz, qc);
    case R_UQSUB: return usat(ua - ub, esz, qc);
    case R_CMGT: return sa > sb ? m : 0;
    case R_CMHI: return ua > ub ? m : 0;
    case R_CMGE: return sa >= sb ? m : 0;
    case R_CMHS: return ua >= ub ? m : 0;
    case R_CMTST: return (a & b & m) ? m : 0;
    case R_CMEQ: return ua == ub ? m : 0;
    case R_SSHL: return ref_shift(esz, sa, (int8_t)b, false, 0, qc);
    case R_USHL: return ref_shift(esz, ua, (int8_t)b, false, 0, qc);
    case R_SRSHL: return ref_shift(esz, sa, (int8_t)b, true, 0, qc);
    case R_URSHL: return ref_shift(esz, ua, (int8_t)b, true, 0, qc);
    case R_SQSHL: return ref_shift(esz, sa, (int8_t)b, false, 1, qc);
    case R_UQSHL: return ref_shift(esz, ua, (int8_t)b, false, 2, qc);
    case R_SQRSHL: return ref_shift(esz, sa, (int8_t)b, true, 1, qc);
    case R_UQRSHL: return ref_shift(esz, ua, (int8_t)b, true, 2, qc);
    case R_SMAX: return (uint64_t)(sa > sb ? sa : sb) & m;
    case R_UMAX: return (uint64_t)(ua > ub ? ua : ub);
    case R_SMIN: return (uint64_t)(sa < sb ? sa : sb) & m;
    case R_UMIN: return (uint64_t)(ua < ub ? ua : ub);
    case R_SABD: r = sa - sb; return (uint64_t)(r < 0 ? -r : r) & m;
    case R_UABD: r = ua - ub; return (uint64_t)(r < 0 ? -r : r) & m;
    case R_SABA: r = sa - sb; return (d + (uint64_t)(r < 0 ? -r : r)) & m;
    case R_UABA: r = ua - ub; return (d + (uint64_t)(r < 0 ? -r : r)) & m;
    case R_ADD: return (a + b) & m;
    case R_SUB: return (a - b) & m;
    case R_MLA: return (d + a * b) & m;
    case R_MLS: return (d - a * b) & m;
    case R_MUL: return (a * b) & m;
    case R_PMUL: {
        uint64_t p = 0;
        for (int i = 0; i < 8; i++) {
            p ^= ((b >> i) & 1) ? (a & 0xff) << i : 0;
        }
        return p & 0xff;
    }
    case R_SQDMULH:
        return ssat(shr_floor(2 * sa * sb, bits), esz, qc);
    case R_SQRDMULH:
        return ssat(shr_floor(2 * sa * sb + ((i128)1 << (bits - 1)), bits), esz,
                    qc);
    case R_SQRDMLAH:
    case R_SQRDMLSH: {
        i128 acc = sx(d, esz) * ((i128)1 << bits);
        i128 prod = 2 * sa * sb;
        acc = op == R_SQRDMLAH ? acc + prod : acc - prod;
        return ssat(shr_floor(acc + ((i128)1 << (bits - 1)), bits), esz, qc);
    }
    case R_AND: return a & b;
    case R_BIC: return a & ~b;
    case R_ORR: return a | b;
    case R_ORN: return a | ~b;
    case R_EOR: return a ^ b;
    case R_BSL: return (d & a) | (~d & b);
    case R_BIT: return (a & b) | (d & ~b);
    case R_BIF: return (a & ~b) | (d & b);
    case R_SDOT:
    case R_UDOT: {
        uint64_t acc = d;
        for (int k = 0; k < 4; k++) {
            uint64_t x = (a >> (8 * k)) & 0xff, y = (b >> (8 * k)) & 0xff;
            if (op == R_SDOT) {
                acc += (uint64_t)(int64_t)((int8_t)x * (int8_t)y);
            } else {
                acc += x * y;
            }
        }
        return acc & 0xffffffffu;
    }
    default:
        ck_abort_msg("bad ref3 op %d", op);
        return 0;
    }
}

/* ---- the runner ---- */

static FILE *dump;

static void load_insn(uint32_t w)
{
    uint32_t code[2] = {w, 0xd4000001u}; /* insn; svc #0 */

    a64_poke(A64_CODE, code, sizeof(code));
}

/* Run the loaded instruction with v0, v1, v2 = d, n, m and FPSR = fpsr;
 * return v0 and FPSR in *res, *fpsr_out. */
static void run3(uint32_t w, const char *text, V d, V n, V m, uint32_t fpsr,
                 V *res, uint32_t *fpsr_out)
{
    int excp;

    a64_set_v(0, d.d[0], d.d[1]);
    a64_set_v(1, n.d[0], n.d[1]);
    a64_set_v(2, m.d[0], m.d[1]);
    a64_set_v(3, 0x3333333333333333ull, 0x3333333333333333ull);
    a64_cpu->fpsr = fpsr;
    a64_cpu->pc = A64_CODE;
    excp = cpu_exec(&a64_cpu->parent);
    ck_assert_msg(excp == EXCP_A64_SVC && a64_cpu->pc == A64_CODE + 4,
                  "[%s] %s: stopped with %s at 0x%" PRIx64, a64_config_name(),
                  text, aarch64_excp_name(excp), a64_cpu->pc);
    res->d[0] = a64_cpu->vregs[0].d[0];
    res->d[1] = a64_cpu->vregs[0].d[1];
    *fpsr_out = a64_cpu->fpsr;
    if (dump) {
        fprintf(dump,
                "%08x %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64
                " %016" PRIx64 " %016" PRIx64 " %08x %016" PRIx64 " %016" PRIx64
                " %08x %s\n",
                w, d.d[0], d.d[1], n.d[0], n.d[1], m.d[0], m.d[1], fpsr,
                res->d[0], res->d[1], *fpsr_out, text);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
    /* xorshift64*: a fixed sequence for reproducible tests. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A lane value biased to the interesting ones for esz: 0, 1, -1, the
 * signed extremes and their neighbours, small shift counts, or random. */
static uint64_t edge_lane(int esz)
{
    int bits = 8 << esz;
    uint64_t m = ones(esz), smin = 1ull << (bits - 1);

    switch (rnd64() % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return m;
    case 3: return smin;
    case 4: return smin - 1;
    case 5: return smin + 1;
    case 6: return 2;
    case 7: return (uint64_t)((int64_t)(rnd64() % (2 * bits + 5)) - bits - 2);
    case 8: return m - 1;
    default: return rnd64();
    }
}

/* Input k of a series: the first few random, then edge lanes of esz
 * (and of every other size, since the shapes mix sizes). */
static V input(int k, int esz)
{
    V v;

    if (k % 3 == 0) {
        v.d[0] = rnd64();
        v.d[1] = rnd64();
        return v;
    }
    v.d[0] = v.d[1] = 0;
    for (int i = 0; i < (16 >> esz); i++) {
        put(&v, esz, i, edge_lane(esz));
    }
    return v;
}

#define NINPUTS 48

/* Assemble n instruction texts in one go (one assembler run). */
static void assemble_all(char **texts, int n, uint32_t *words)
{
    size_t len = 1;
    char *all, *p;

    for (int i = 0; i < n; i++) {
        len += strlen(texts[i]) + 1;
    }
    all = malloc(len);
    ck_assert_ptr_nonnull(all);
    p = all;
    for (int i = 0; i < n; i++) {
        p += sprintf(p, "%s\n", texts[i]);
    }
    ck_assert_uint_eq(a64_assemble(all, words, (size_t)n), (size_t)n);
    free(all);
}

/* One test case: an instruction text, the reference computing the
 * expected v0 and QC from v0 (d), v1 (n), v2 (m), and the esz that
 * chooses the edge lanes. */
typedef void RefFn(const void *c, V d, V n, V m, V *res, int *qc);

enum { ALIAS_NONE, ALIAS_ALL, ALIAS_DN, ALIAS_DM };

typedef struct Case {
    char text[96];
    RefFn *ref;
    int op, esz, q, idx, variant;
    int alias; /* ALIAS_*: which operands the text names as v0 */
} Case;

#define MAX_CASES 1024

static Case cases[MAX_CASES];
static int ncases;

static Case *add_case(RefFn *ref, int op, int esz, int q)
{
    Case *c;

    ck_assert_int_lt(ncases, MAX_CASES);
    c = &cases[ncases++];
    memset(c, 0, sizeof(*c));
    c->ref = ref;
    c->op = op;
    c->esz = esz;
    c->q = q;
    c->idx = -1;
    return c;
}

static int run_cases(void)
{
    static char *texts[MAX_CASES];
    static uint32_t words[MAX_CASES];
    int checked = 0;

    for (int i = 0; i < ncases; i++) {
        texts[i] = cases[i].text;
    }
    assemble_all(texts, ncases, words);
    for (int i = 0; i < ncases; i++) {
        const Case *c = &cases[i];
        load_insn(words[i]);
        for (int k = 0; k < NINPUTS; k++) {
            int lesz = (k & 8) && c->esz < 3 ? c->esz + 1 : c->esz;
            V d = input(k + 1, lesz), n = input(k + 2, lesz);
            V m = input(k, lesz), got, want;
            uint32_t fpsr_in = (k & 4) ? FPSR_QC : 0, fpsr_out;
            int qc = 0;

            if (c->alias == ALIAS_ALL || c->alias == ALIAS_DN) {
                n = d;
            }
            if (c->alias == ALIAS_ALL || c->alias == ALIAS_DM) {
                m = d;
            }
            run3(words[i], c->text, d, n, m, fpsr_in, &got, &fpsr_out);
            c->ref(c, d, n, m, &want, &qc);
            ck_assert_msg(got.d[0] == want.d[0] && got.d[1] == want.d[1],
                          "[%s] %s: d=%016" PRIx64 ":%016" PRIx64
                          " n=%016" PRIx64 ":%016" PRIx64 " m=%016" PRIx64
                          ":%016" PRIx64 "\n got  %016" PRIx64 ":%016" PRIx64
                          "\n want %016" PRIx64 ":%016" PRIx64,
                          a64_config_name(), c->text, d.d[1], d.d[0], n.d[1],
                          n.d[0], m.d[1], m.d[0], got.d[1], got.d[0],
                          want.d[1], want.d[0]);
            ck_assert_msg(fpsr_out == (fpsr_in | (qc ? FPSR_QC : 0)),
                          "[%s] %s: fpsr %#x, want %#x (n=%016" PRIx64
                          ":%016" PRIx64 " m=%016" PRIx64 ":%016" PRIx64 ")",
                          a64_config_name(), c->text, fpsr_out,
                          fpsr_in | (qc ? FPSR_QC : 0), n.d[1], n.d[0], m.d[1],
                          m.d[0]);
            if (c->alias == ALIAS_NONE || c->alias == ALIAS_DM) {
                a64_assert_v(1, n.d[0], n.d[1], "source v1 unchanged");
            }
            if (c->alias == ALIAS_NONE || c->alias == ALIAS_DN) {
                a64_assert_v(2, m.d[0], m.d[1], "source v2 unchanged");
            }
            checked++;
        }
    }
    ncases = 0;
    return checked;
}

/* The optional instructions (SQRDMLAH/SQRDMLSH, SDOT/UDOT) are tested
 * with their features on whatever the default model has. */
static void start(int cfg)
{
    a64_start(cfg);
    a64_cpu->features |= A64_FEAT_RDM | A64_FEAT_DOTPROD;
    rng_state = 0x9e3779b97f4a7c15ull;
    ncases = 0;
    if (cfg == 0 && getenv("SIMD_DUMP") && !dump) {
        dump = fopen(getenv("SIMD_DUMP"), "a");
    }
}

static const char *arr(int esz, int q)
{
    static const char *const names[4][2] = {
        {"8b", "16b"}, {"4h", "8h"}, {"2s", "4s"}, {"1d", "2d"}};
    return names[esz][q];
}

static const char sreg[4] = {'b', 'h', 's', 'd'};

/* ---- three same ---- */

/* Element-wise, pairwise and indexed three-same shapes. */
static void ref_3same(const void *cv, V d, V n, V m, V *res, int *qc)
{
    const Case *c = cv;
    int esz = c->esz;
    int elems = c->variant == 1 ? 1 : (c->q ? 16 : 8) >> esz;

    res->d[0] = res->d[1] = 0;
    for (int i = 0; i < elems; i++) {
        uint64_t b = c->idx >= 0 ? get(&m, esz, c->idx) : get(&m, esz, i);
        put(res, esz, i, ref3(c->op, esz, get(&n, esz, i), b, get(&d, esz, i),
                              qc));
    }
}

static void ref_pairwise(const void *cv, V d, V n, V m, V *res, int *qc)
{
    const Case *c = cv;
    int esz = c->esz, elems = (c->q ? 16 : 8) >> esz;
    static const int elem_op[] = {[R_SMAXP] = R_SMAX, [R_UMAXP] = R_UMAX,
                                  [R_SMINP] = R_SMIN, [R_UMINP] = R_UMIN,
                                  [R_ADDP] = R_ADD};
    uint64_t lanes[32];

    (void)d;
    for (int i = 0; i < elems; i++) {
        lanes[i] = get(&n, esz, i);
        lanes[elems + i] = get(&m, esz, i);
    }
    res->d[0] = res->d[1] = 0;
    for (int i = 0; i < (c->variant == 1 ? 1 : elems); i++) {
        put(res, esz, i,
            ref3(elem_op[c->op], esz, lanes[2 * i], lanes[2 * i + 1], 0, qc));
    }
}

typedef struct Op3 {
    const char *mn;
    int op;
    unsigned sizes; /* bit esz: vector arrangements allowed (d: 2d only) */
    unsigned ssizes; /* scalar sizes allowed */
} Op3;

#define B 1u
#define H 2u
#define S 4u
#define D 8u

static const Op3 ops3[] = {
    {"shadd", R_SHADD, B | H | S, 0},   {"uhadd", R_UHADD, B | H | S, 0},
    {"srhadd", R_SRHADD, B | H | S, 0}, {"urhadd", R_URHADD, B | H | S, 0},
    {"shsub", R_SHSUB, B | H | S, 0},   {"uhsub", R_UHSUB, B | H | S, 0},
    {"sqadd", R_SQADD, B | H | S | D, B | H | S | D},
    {"uqadd", R_UQADD, B | H | S | D, B | H | S | D},
    {"sqsub", R_SQSUB, B | H | S | D, B | H | S | D},
    {"uqsub", R_UQSUB, B | H | S | D, B | H | S | D},
    {"cmgt", R_CMGT, B | H | S | D, D}, {"cmhi", R_CMHI, B | H | S | D, D},
    {"cmge", R_CMGE, B | H | S | D, D}, {"cmhs", R_CMHS, B | H | S | D, D},
    {"cmtst", R_CMTST, B | H | S | D, D}, {"cmeq", R_CMEQ, B | H | S | D, D},
    {"sshl", R_SSHL, B | H | S | D, D}, {"ushl", R_USHL, B | H | S | D, D},
    {"srshl", R_SRSHL, B | H | S | D, D}, {"urshl", R_URSHL, B | H | S | D, D},
    {"sqshl", R_SQSHL, B | H | S | D, B | H | S | D},
    {"uqshl", R_UQSHL, B | H | S | D, B | H | S | D},
    {"sqrshl", R_SQRSHL, B | H | S | D, B | H | S | D},
    {"uqrshl", R_UQRSHL, B | H | S | D, B | H | S | D},
    {"smax", R_SMAX, B | H | S, 0},     {"umax", R_UMAX, B | H | S, 0},
    {"smin", R_SMIN, B | H | S, 0},     {"umin", R_UMIN, B | H | S, 0},
    {"sabd", R_SABD, B | H | S, 0},     {"uabd", R_UABD, B | H | S, 0},
    {"saba", R_SABA, B | H | S, 0},     {"uaba", R_UABA, B | H | S, 0},
    {"add", R_ADD, B | H | S | D, D},   {"sub", R_SUB, B | H | S | D, D},
    {"mla", R_MLA, B | H | S, 0},       {"mls", R_MLS, B | H | S, 0},
    {"mul", R_MUL, B | H | S, 0},       {"pmul", R_PMUL, B, 0},
    {"sqdmulh", R_SQDMULH, H | S, H | S},
    {"sqrdmulh", R_SQRDMULH, H | S, H | S},
    {"sqrdmlah", R_SQRDMLAH, H | S, H | S},
    {"sqrdmlsh", R_SQRDMLSH, H | S, H | S},
    {"and", R_AND, B, 0},  {"bic", R_BIC, B, 0}, {"orr", R_ORR, B, 0},
    {"orn", R_ORN, B, 0},  {"eor", R_EOR, B, 0}, {"bsl", R_BSL, B, 0},
    {"bit", R_BIT, B, 0},  {"bif", R_BIF, B, 0},
};

static const Op3 opsp[] = {
    {"smaxp", R_SMAXP, B | H | S, 0}, {"umaxp", R_UMAXP, B | H | S, 0},
    {"sminp", R_SMINP, B | H | S, 0}, {"uminp", R_UMINP, B | H | S, 0},
    {"addp", R_ADDP, B | H | S | D, 0},
};

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(test_3same)
{
    int checked;

    start(_i);
    for (int i = 0; i < N_ELEMS(ops3); i++) {
        for (int esz = 0; esz < 4; esz++) {
            for (int q = 0; q < 2; q++) {
                Case *c;
                if (!(ops3[i].sizes & (1u << esz)) || (esz == 3 && !q)) {
                    continue;
                }
                c = add_case(ref_3same, ops3[i].op, esz, q);
                c->idx = -1;
                snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s, v2.%s",
                         ops3[i].mn, arr(esz, q), arr(esz, q), arr(esz, q));
            }
        }
    }
    checked = run_cases();
    ck_assert_int_gt(checked, 0);
}
END_TEST

START_TEST(test_3same_scalar)
{
    start(_i);
    for (int i = 0; i < N_ELEMS(ops3); i++) {
        for (int esz = 0; esz < 4; esz++) {
            Case *c;
            if (!(ops3[i].ssizes & (1u << esz))) {
                continue;
            }
            c = add_case(ref_3same, ops3[i].op, esz, 0);
            c->idx = -1;
            c->variant = 1;
            snprintf(c->text, sizeof(c->text), "%s %c0, %c1, %c2", ops3[i].mn,
                     sreg[esz], sreg[esz], sreg[esz]);
        }
    }
    run_cases();
}
END_TEST

START_TEST(test_pairwise)
{
    Case *c;

    start(_i);
    for (int i = 0; i < N_ELEMS(opsp); i++) {
        for (int esz = 0; esz < 4; esz++) {
            for (int q = 0; q < 2; q++) {
                if (!(opsp[i].sizes & (1u << esz)) || (esz == 3 && !q)) {
                    continue;
                }
                c = add_case(ref_pairwise, opsp[i].op, esz, q);
                snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s, v2.%s",
                         opsp[i].mn, arr(esz, q), arr(esz, q), arr(esz, q));
            }
        }
    }
    /* ADDP Dd, Vn.2D is the pairwise add of Vn:Vn's first pair. */
    c = add_case(ref_pairwise, R_ADDP, 3, 1);
    c->variant = 1;
    snprintf(c->text, sizeof(c->text), "addp d0, v1.2d");
    run_cases();
}
END_TEST

/* rd == rn == rm for a selection of shapes. */
START_TEST(test_alias)
{
    static const struct {
        const char *text;
        int op, esz, q;
        bool pair;
    } al[] = {
        {"add v0.16b, v0.16b, v0.16b", R_ADD, 0, 1, false},
        {"add v0.2d, v0.2d, v0.2d", R_ADD, 3, 1, false},
        {"cmhi v0.2d, v0.2d, v0.2d", R_CMHI, 3, 1, false},
        {"sqadd v0.8h, v0.8h, v0.8h", R_SQADD, 1, 1, false},
        {"mla v0.4s, v0.4s, v0.4s", R_MLA, 2, 1, false},
        {"saba v0.8b, v0.8b, v0.8b", R_SABA, 0, 0, false},
        {"bsl v0.16b, v0.16b, v0.16b", R_BSL, 0, 1, false},
        {"bif v0.8b, v0.8b, v0.8b", R_BIF, 0, 0, false},
        {"eor v0.16b, v0.16b, v0.16b", R_EOR, 0, 1, false},
        {"sqrshl v0.4s, v0.4s, v0.4s", R_SQRSHL, 2, 1, false},
        /* the v128 translations, whole register and Q = 0 */
        {"cmtst v0.16b, v0.16b, v0.16b", R_CMTST, 0, 1, false},
        {"cmtst v0.4h, v0.4h, v0.4h", R_CMTST, 1, 0, false},
        {"smax v0.4s, v0.4s, v0.4s", R_SMAX, 2, 1, false},
        {"smin v0.8b, v0.8b, v0.8b", R_SMIN, 0, 0, false},
        {"umax v0.8h, v0.8h, v0.8h", R_UMAX, 1, 1, false},
        {"umin v0.2s, v0.2s, v0.2s", R_UMIN, 2, 0, false},
        {"uminp v0.16b, v0.16b, v0.16b", R_UMINP, 0, 1, true},
        {"addp v0.2d, v0.2d, v0.2d", R_ADDP, 3, 1, true},
        {"umaxp v0.4h, v0.4h, v0.4h", R_UMAXP, 1, 0, true},
        {"sminp v0.4s, v0.4s, v0.4s", R_SMINP, 2, 1, true},
        {"addp v0.8b, v0.8b, v0.8b", R_ADDP, 0, 0, true},
        {"cmhs v0.16b, v0.16b, v0.16b", R_CMHS, 0, 1, false},
        {"cmgt v0.4h, v0.4h, v0.4h", R_CMGT, 1, 0, false},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(al); i++) {
        Case *c = add_case(al[i].pair ? ref_pairwise : ref_3same, al[i].op,
                           al[i].esz, al[i].q);
        c->idx = -1;
        c->alias = ALIAS_ALL;
        snprintf(c->text, sizeof(c->text), "%s", al[i].text);
    }
    run_cases();
}
END_TEST

/*
 * Vd == Vn or Vd == Vm (but not both) for the pairwise ops and the
 * ordered compares, every arrangement: their inline translations read
 * both halves of both sources, so writing Vd early would show here.
 */
START_TEST(test_alias_partial)
{
    static const Op3 ops[] = {
        {"smaxp", R_SMAXP, B | H | S, 0}, {"umaxp", R_UMAXP, B | H | S, 0},
        {"sminp", R_SMINP, B | H | S, 0}, {"uminp", R_UMINP, B | H | S, 0},
        {"addp", R_ADDP, B | H | S, 0},   {"cmhs", R_CMHS, B | H | S, 0},
        {"cmhi", R_CMHI, B | H | S, 0},   {"cmge", R_CMGE, B | H | S, 0},
        {"cmgt", R_CMGT, B | H | S, 0},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(ops); i++) {
        bool pair = ops[i].mn[strlen(ops[i].mn) - 1] == 'p';
        for (int esz = 0; esz < 3; esz++) {
            for (int q = 0; q < 2; q++) {
                for (int mode = ALIAS_DN; mode <= ALIAS_DM; mode++) {
                    const char *a = arr(esz, q);
                    Case *c = add_case(pair ? ref_pairwise : ref_3same,
                                       ops[i].op, esz, q);
                    c->alias = mode;
                    snprintf(c->text, sizeof(c->text),
                             "%s v0.%s, v%d.%s, v%d.%s", ops[i].mn, a,
                             mode == ALIAS_DN ? 0 : 1, a,
                             mode == ALIAS_DM ? 0 : 2, a);
                }
            }
        }
    }
    run_cases();
}
END_TEST

/* ---- three different ---- */

enum {
    L_ADDL, L_SUBL, L_ADDW, L_SUBW, L_ABAL, L_ABDL, L_MLAL, L_MLSL, L_MULL,
    L_SQDMLAL, L_SQDMLSL, L_SQDMULL, L_PMULL, L_ADDHN, L_RADDHN, L_SUBHN,
    L_RSUBHN,
};

/* variant bit 0: unsigned; bit 1: scalar. */
static void ref_3diff(const void *cv, V d, V n, V m, V *res, int *qc)
{
    const Case *c = cv;
    int esz = c->esz, w = esz + 1, half = 8 >> esz;
    bool uns = c->variant & 1, scalar = c->variant & 2;
    int cnt = scalar ? 1 : half, part = (c->q && !scalar) ? half : 0;
    uint64_t wm = ones(w);

    res->d[0] = res->d[1] = 0;
    if (c->op >= L_ADDHN) {
        if (c->q) {
            res->d[0] = d.d[0];
        }
        for (int i = 0; i < cnt; i++) {
            uint64_t x = get(&n, w, i), y = get(&m, w, i);
            uint64_t v = (c->op == L_ADDHN || c->op == L_RADDHN) ? x + y : x - y;
            if (c->op == L_RADDHN || c->op == L_RSUBHN) {
                v += 1ull << ((8 << esz) - 1);
            }
            put(res, esz, part + i, (v & wm) >> (8 << esz));
        }
        return;
    }
    for (int i = 0; i < cnt; i++) {
        bool wide = c->op == L_ADDW || c->op == L_SUBW;
        i128 x = wide ? (uns ? (i128)get(&n, w, i) : sx(get(&n, w, i), w))
                      : (uns ? (i128)get(&n, esz, part + i)
                             : sx(get(&n, esz, part + i), esz));
        uint64_t yb = c->idx >= 0 ? get(&m, esz, c->idx)
                                  : get(&m, esz, part + i);
        i128 y = uns ? (i128)yb : sx(yb, esz);
        i128 acc = uns ? (i128)get(&d, w, i) : sx(get(&d, w, i), w), p, r;

        switch (c->op) {
        case L_ADDL: case L_ADDW: r = x + y; break;
        case L_SUBL: case L_SUBW: r = x - y; break;
        case L_ABAL: r = acc + (x > y ? x - y : y - x); break;
        case L_ABDL: r = x > y ? x - y : y - x; break;
        case L_MLAL: r = acc + x * y; break;
        case L_MLSL: r = acc - x * y; break;
        case L_MULL: r = x * y; break;
        case L_SQDMULL: r = sx(ssat(2 * x * y, w, qc), w); break;
        case L_SQDMLAL:
        case L_SQDMLSL:
            p = sx(ssat(2 * x * y, w, qc), w);
            r = sx(ssat(c->op == L_SQDMLAL ? acc + p : acc - p, w, qc), w);
            break;
        case L_PMULL:
            r = 0;
            for (int k = 0; k < 8; k++) {
                if ((yb >> k) & 1) {
                    r ^= (i128)((get(&n, 0, part + i) << k));
                }
            }
            break;
        default:
            ck_abort_msg("bad 3diff op");
            r = 0;
        }
        put(res, w, i, (uint64_t)r & wm);
    }
}

typedef struct OpL {
    const char *mn;
    int op, uns;
    unsigned sizes; /* narrow sizes */
    int shape;      /* 0 long, 1 wide, 2 narrow */
} OpL;

static const OpL opsl[] = {
    {"saddl", L_ADDL, 0, B | H | S, 0},  {"uaddl", L_ADDL, 1, B | H | S, 0},
    {"ssubl", L_SUBL, 0, B | H | S, 0},  {"usubl", L_SUBL, 1, B | H | S, 0},
    {"saddw", L_ADDW, 0, B | H | S, 1},  {"uaddw", L_ADDW, 1, B | H | S, 1},
    {"ssubw", L_SUBW, 0, B | H | S, 1},  {"usubw", L_SUBW, 1, B | H | S, 1},
    {"sabal", L_ABAL, 0, B | H | S, 0},  {"uabal", L_ABAL, 1, B | H | S, 0},
    {"sabdl", L_ABDL, 0, B | H | S, 0},  {"uabdl", L_ABDL, 1, B | H | S, 0},
    {"smlal", L_MLAL, 0, B | H | S, 0},  {"umlal", L_MLAL, 1, B | H | S, 0},
    {"smlsl", L_MLSL, 0, B | H | S, 0},  {"umlsl", L_MLSL, 1, B | H | S, 0},
    {"smull", L_MULL, 0, B | H | S, 0},  {"umull", L_MULL, 1, B | H | S, 0},
    {"sqdmlal", L_SQDMLAL, 0, H | S, 0}, {"sqdmlsl", L_SQDMLSL, 0, H | S, 0},
    {"sqdmull", L_SQDMULL, 0, H | S, 0}, {"pmull", L_PMULL, 1, B, 0},
    {"addhn", L_ADDHN, 0, B | H | S, 2}, {"raddhn", L_RADDHN, 0, B | H | S, 2},
    {"subhn", L_SUBHN, 0, B | H | S, 2}, {"rsubhn", L_RSUBHN, 0, B | H | S, 2},
};

START_TEST(test_3diff)
{
    start(_i);
    for (int i = 0; i < N_ELEMS(opsl); i++) {
        for (int esz = 0; esz < 3; esz++) {
            for (int q = 0; q < 2; q++) {
                const char *nw = arr(esz, q), *wd = arr(esz + 1, 1);
                const char *two = q ? "2" : "";
                Case *c;
                if (!(opsl[i].sizes & (1u << esz))) {
                    continue;
                }
                c = add_case(ref_3diff, opsl[i].op, esz, q);
                c->idx = -1;
                c->variant = opsl[i].uns;
                if (opsl[i].shape == 0) {
                    snprintf(c->text, sizeof(c->text), "%s%s v0.%s, v1.%s, v2.%s",
                             opsl[i].mn, two, wd, nw, nw);
                } else if (opsl[i].shape == 1) {
                    snprintf(c->text, sizeof(c->text), "%s%s v0.%s, v1.%s, v2.%s",
                             opsl[i].mn, two, wd, wd, nw);
                } else {
                    snprintf(c->text, sizeof(c->text), "%s%s v0.%s, v1.%s, v2.%s",
                             opsl[i].mn, two, nw, wd, wd);
                }
            }
        }
    }
    /* The scalar saturating doubling forms. */
    for (int i = 0; i < N_ELEMS(opsl); i++) {
        if (opsl[i].op != L_SQDMLAL && opsl[i].op != L_SQDMLSL &&
            opsl[i].op != L_SQDMULL) {
            continue;
        }
        for (int esz = 1; esz < 3; esz++) {
            Case *c = add_case(ref_3diff, opsl[i].op, esz, 0);
            c->idx = -1;
            c->variant = 2;
            snprintf(c->text, sizeof(c->text), "%s %c0, %c1, %c2", opsl[i].mn,
                     sreg[esz + 1], sreg[esz], sreg[esz]);
        }
    }
    run_cases();
}
END_TEST

/* ---- by element ---- */

START_TEST(test_elem)
{
    static const struct {
        const char *mn;
        int op, kind; /* kind 0: same, 1: long (op is L_*, variant uns) */
        int uns;
        bool scalar;
    } ope[] = {
        {"mul", R_MUL, 0, 0, false},           {"mla", R_MLA, 0, 0, false},
        {"mls", R_MLS, 0, 0, false},           {"sqdmulh", R_SQDMULH, 0, 0, true},
        {"sqrdmulh", R_SQRDMULH, 0, 0, true},  {"sqrdmlah", R_SQRDMLAH, 0, 0, true},
        {"sqrdmlsh", R_SQRDMLSH, 0, 0, true},  {"smull", L_MULL, 1, 0, false},
        {"umull", L_MULL, 1, 1, false},        {"smlal", L_MLAL, 1, 0, false},
        {"umlal", L_MLAL, 1, 1, false},        {"smlsl", L_MLSL, 1, 0, false},
        {"umlsl", L_MLSL, 1, 1, false},        {"sqdmull", L_SQDMULL, 1, 0, true},
        {"sqdmlal", L_SQDMLAL, 1, 0, true},    {"sqdmlsl", L_SQDMLSL, 1, 0, true},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(ope); i++) {
        for (int esz = 1; esz < 3; esz++) {
            int nidx = 16 >> esz;
            for (int q = 0; q < 2; q++) {
                /* Every index for one Q, a few for the other. */
                for (int idx = 0; idx < nidx; idx += q ? 1 : 3) {
                    Case *c;
                    if (ope[i].kind == 0) {
                        c = add_case(ref_3same, ope[i].op, esz, q);
                        snprintf(c->text, sizeof(c->text),
                                 "%s v0.%s, v1.%s, v2.%c[%d]", ope[i].mn,
                                 arr(esz, q), arr(esz, q), sreg[esz], idx);
                    } else {
                        c = add_case(ref_3diff, ope[i].op, esz, q);
                        c->variant = ope[i].uns;
                        snprintf(c->text, sizeof(c->text),
                                 "%s%s v0.%s, v1.%s, v2.%c[%d]", ope[i].mn,
                                 q ? "2" : "", arr(esz + 1, 1), arr(esz, q),
                                 sreg[esz], idx);
                    }
                    c->idx = idx;
                }
            }
            if (ope[i].scalar) {
                for (int idx = 0; idx < nidx; idx += 2) {
                    Case *c;
                    if (ope[i].kind == 0) {
                        c = add_case(ref_3same, ope[i].op, esz, 0);
                        c->variant = 1;
                        snprintf(c->text, sizeof(c->text), "%s %c0, %c1, v2.%c[%d]",
                                 ope[i].mn, sreg[esz], sreg[esz], sreg[esz], idx);
                    } else {
                        c = add_case(ref_3diff, ope[i].op, esz, 0);
                        c->variant = 2;
                        snprintf(c->text, sizeof(c->text), "%s %c0, %c1, v2.%c[%d]",
                                 ope[i].mn, sreg[esz + 1], sreg[esz], sreg[esz],
                                 idx);
                    }
                    c->idx = idx;
                }
            }
        }
    }
    /* SDOT/UDOT, by vector and by element: 32-bit lanes of four bytes. */
    for (int u = 0; u < 2; u++) {
        for (int q = 0; q < 2; q++) {
            Case *c = add_case(ref_3same, u ? R_UDOT : R_SDOT, 2, q);
            c->idx = -1;
            snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s, v2.%s",
                     u ? "udot" : "sdot", arr(2, q), arr(0, q), arr(0, q));
            for (int idx = 0; idx < 4; idx++) {
                c = add_case(ref_3same, u ? R_UDOT : R_SDOT, 2, q);
                c->idx = idx;
                snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s, v2.4b[%d]",
                         u ? "udot" : "sdot", arr(2, q), arr(0, q), idx);
            }
        }
    }
    run_cases();
}
END_TEST

/* ---- two-register misc ---- */

enum {
    M_REV64, M_REV32, M_REV16, M_SADDLP, M_UADDLP, M_SADALP, M_UADALP,
    M_SUQADD, M_USQADD, M_CLS, M_CLZ, M_CNT, M_NOT, M_RBIT, M_SQABS, M_SQNEG,
    M_CMGT0, M_CMGE0, M_CMEQ0, M_CMLE0, M_CMLT0, M_ABS, M_NEG,
    M_XTN, M_SQXTUN, M_SQXTN, M_UQXTN, M_SHLL, M_URECPE, M_URSQRTE,
};

static uint64_t ref_urecpe(uint32_t x)
{
    /* 1/x for x in [0.5, 1) as a 0.32 fixed-point number: the estimate
     * is 1/(midpoint of the 9-bit interval of x), rounded to 9 bits. */
    uint32_t a9, q;

    if (x < 0x80000000u) {
        return 0xffffffffu;
    }
    a9 = x >> 23;
    q = (1u << 19) / (2 * a9 + 1);
    return (uint64_t)((q + 1) >> 1) << 23;
}

static uint64_t ref_ursqrte(uint32_t x)
{
    uint64_t a9, a, b;

    if (x < 0x40000000u) {
        return 0xffffffffu;
    }
    a9 = x >> 23;
    a = a9 < 256 ? 2 * a9 + 1 : 2 * ((a9 & ~1ull) + 1);
    /* the largest b with a * b * b < 2^28, searched downwards */
    b = 1024;
    while (a * b * b >= (1ull << 28)) {
        b--;
    }
    if (b < 512) {
        b = 512;
    }
    return ((b + 1) / 2) << 23;
}

static uint64_t ref_misc1(int op, int esz, uint64_t a, uint64_t d, int *qc)
{
    int bits = 8 << esz;
    uint64_t m = ones(esz);
    i128 sa = sx(a, esz);
    int k;

    switch (op) {
    case M_SUQADD: return ssat(sx(d, esz) + (i128)(a & m), esz, qc);
    case M_USQADD: return usat((i128)(d & m) + sa, esz, qc);
    case M_CLS:
        for (k = 0; k < bits - 1 && (sx(a << (k + 1 + 64 - bits), 3) < 0) ==
                                        (sa < 0);
             k++) {
        }
        return (uint64_t)k;
    case M_CLZ:
        for (k = 0; k < bits && !((a >> (bits - 1 - k)) & 1); k++) {
        }
        return (uint64_t)k;
    case M_CNT: return (uint64_t)__builtin_popcount((unsigned)a);
    case M_NOT: return ~a & m;
    case M_RBIT: {
        uint64_t r = 0;
        for (k = 0; k < 8; k++) {
            r = (r << 1) | ((a >> k) & 1);
        }
        return r;
    }
    case M_SQABS: return ssat(sa < 0 ? -sa : sa, esz, qc);
    case M_SQNEG: return ssat(-sa, esz, qc);
    case M_CMGT0: return sa > 0 ? m : 0;
    case M_CMGE0: return sa >= 0 ? m : 0;
    case M_CMEQ0: return sa == 0 ? m : 0;
    case M_CMLE0: return sa <= 0 ? m : 0;
    case M_CMLT0: return sa < 0 ? m : 0;
    case M_ABS: return (uint64_t)(sa < 0 ? -sa : sa) & m;
    case M_NEG: return (uint64_t)(-sa) & m;
    case M_URECPE: return ref_urecpe((uint32_t)a);
    case M_URSQRTE: return ref_ursqrte((uint32_t)a);
    default:
        ck_abort_msg("bad misc op");
        return 0;
    }
}

/* variant bit 1: scalar. esz is the encoded size (destination for the
 * narrowing ones, source for the long ones). */
static void ref_2misc(const void *cv, V d, V n, V m, V *res, int *qc)
{
    const Case *c = cv;
    int esz = c->esz, w = esz + 1, half = 8 >> esz;
    bool scalar = c->variant & 2;
    int elems = scalar ? 1 : (c->q ? 16 : 8) >> esz;
    int part = (c->q && !scalar) ? half : 0;

    (void)m;
    res->d[0] = res->d[1] = 0;
    switch (c->op) {
    case M_REV64:
    case M_REV32:
    case M_REV16: {
        int cbytes = c->op == M_REV64 ? 8 : c->op == M_REV32 ? 4 : 2;
        int per = cbytes >> esz;
        for (int i = 0; i < elems; i++) {
            int base = i / per * per;
            put(res, esz, i, get(&n, esz, base + (per - 1 - (i - base))));
        }
        return;
    }
    case M_SADDLP: case M_UADDLP: case M_SADALP: case M_UADALP:
        for (int i = 0; i < elems / 2; i++) {
            bool u = c->op == M_UADDLP || c->op == M_UADALP;
            i128 x = u ? (i128)get(&n, esz, 2 * i) : sx(get(&n, esz, 2 * i), esz);
            i128 y = u ? (i128)get(&n, esz, 2 * i + 1)
                       : sx(get(&n, esz, 2 * i + 1), esz);
            i128 acc = (c->op == M_SADALP || c->op == M_UADALP)
                           ? (i128)get(&d, w, i) : 0;
            put(res, w, i, (uint64_t)(x + y + acc));
        }
        return;
    case M_XTN: case M_SQXTUN: case M_SQXTN: case M_UQXTN:
        if (part) {
            res->d[0] = d.d[0];
        }
        for (int i = 0; i < (scalar ? 1 : half); i++) {
            uint64_t x = get(&n, w, i), v;
            if (c->op == M_XTN) {
                v = x & ones(esz);
            } else if (c->op == M_SQXTUN) {
                v = usat(sx(x, w), esz, qc);
            } else if (c->op == M_SQXTN) {
                v = ssat(sx(x, w), esz, qc);
            } else {
                v = usat((i128)x, esz, qc);
            }
            put(res, esz, part + i, v);
        }
        return;
    case M_SHLL:
        for (int i = 0; i < half; i++) {
            put(res, w, i, get(&n, esz, part + i) << (8 << esz));
        }
        return;
    default:
        for (int i = 0; i < elems; i++) {
            put(res, esz, i, ref_misc1(c->op, esz, get(&n, esz, i),
                                       get(&d, esz, i), qc));
        }
        return;
    }
}

START_TEST(test_2misc)
{
    static const struct {
        const char *mn;
        int op;
        unsigned sizes, ssizes;
        int shape; /* 0 same, 1 pairwise long, 2 narrow, 3 shll */
    } opm[] = {
        {"rev64", M_REV64, B | H | S, 0, 0},  {"rev32", M_REV32, B | H, 0, 0},
        {"rev16", M_REV16, B, 0, 0},          {"saddlp", M_SADDLP, B | H | S, 0, 1},
        {"uaddlp", M_UADDLP, B | H | S, 0, 1}, {"sadalp", M_SADALP, B | H | S, 0, 1},
        {"uadalp", M_UADALP, B | H | S, 0, 1},
        {"suqadd", M_SUQADD, B | H | S | D, B | H | S | D, 0},
        {"usqadd", M_USQADD, B | H | S | D, B | H | S | D, 0},
        {"cls", M_CLS, B | H | S, 0, 0},       {"clz", M_CLZ, B | H | S, 0, 0},
        {"cnt", M_CNT, B, 0, 0},               {"not", M_NOT, B, 0, 0},
        {"rbit", M_RBIT, B, 0, 0},
        {"sqabs", M_SQABS, B | H | S | D, B | H | S | D, 0},
        {"sqneg", M_SQNEG, B | H | S | D, B | H | S | D, 0},
        {"cmgt", M_CMGT0, B | H | S | D, D, 0}, {"cmge", M_CMGE0, B | H | S | D, D, 0},
        {"cmeq", M_CMEQ0, B | H | S | D, D, 0}, {"cmle", M_CMLE0, B | H | S | D, D, 0},
        {"cmlt", M_CMLT0, B | H | S | D, D, 0},
        {"abs", M_ABS, B | H | S | D, D, 0},    {"neg", M_NEG, B | H | S | D, D, 0},
        {"xtn", M_XTN, B | H | S, 0, 2},
        {"sqxtun", M_SQXTUN, B | H | S, B | H | S, 2},
        {"sqxtn", M_SQXTN, B | H | S, B | H | S, 2},
        {"uqxtn", M_UQXTN, B | H | S, B | H | S, 2},
        {"shll", M_SHLL, B | H | S, 0, 3},
        {"urecpe", M_URECPE, S, 0, 0},         {"ursqrte", M_URSQRTE, S, 0, 0},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(opm); i++) {
        bool zero = opm[i].op >= M_CMGT0 && opm[i].op <= M_CMLT0;
        for (int esz = 0; esz < 4; esz++) {
            for (int q = 0; q < 2; q++) {
                const char *a = arr(esz, q);
                Case *c;
                if (!(opm[i].sizes & (1u << esz)) || (esz == 3 && !q)) {
                    continue;
                }
                c = add_case(ref_2misc, opm[i].op, esz, q);
                switch (opm[i].shape) {
                case 1:
                    snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s",
                             opm[i].mn, arr(esz + 1, q), a);
                    break;
                case 2:
                    snprintf(c->text, sizeof(c->text), "%s%s v0.%s, v1.%s",
                             opm[i].mn, q ? "2" : "", a, arr(esz + 1, 1));
                    break;
                case 3:
                    snprintf(c->text, sizeof(c->text), "%s%s v0.%s, v1.%s, #%d",
                             opm[i].mn, q ? "2" : "", arr(esz + 1, 1), a,
                             8 << esz);
                    break;
                default:
                    snprintf(c->text, sizeof(c->text), "%s v0.%s, v1.%s%s",
                             opm[i].mn, a, a, zero ? ", #0" : "");
                    break;
                }
            }
            if (opm[i].ssizes & (1u << esz)) {
                Case *c = add_case(ref_2misc, opm[i].op, esz, 0);
                c->variant = 2;
                if (opm[i].shape == 2) {
                    snprintf(c->text, sizeof(c->text), "%s %c0, %c1", opm[i].mn,
                             sreg[esz], sreg[esz + 1]);
                } else {
                    snprintf(c->text, sizeof(c->text), "%s %c0, %c1%s",
                             opm[i].mn, sreg[esz], sreg[esz], zero ? ", #0" : "");
                }
            }
        }
    }
    run_cases();
}
END_TEST

/* ---- across lanes ---- */

enum { A_ADDV, A_SADDLV, A_UADDLV, A_SMAXV, A_UMAXV, A_SMINV, A_UMINV };

static void ref_across(const void *cv, V d, V n, V m, V *res, int *qc)
{
    const Case *c = cv;
    int esz = c->esz, elems = (c->q ? 16 : 8) >> esz;
    i128 acc = 0;

    (void)d;
    (void)m;
    (void)qc;
    for (int i = 0; i < elems; i++) {
        uint64_t x = get(&n, esz, i);
        i128 v = (c->op == A_SADDLV || c->op == A_SMAXV || c->op == A_SMINV)
                     ? sx(x, esz) : (i128)x;
        if (i == 0 && c->op >= A_SMAXV) {
            acc = v;
        } else if (c->op == A_SMAXV || c->op == A_UMAXV) {
            acc = v > acc ? v : acc;
        } else if (c->op == A_SMINV || c->op == A_UMINV) {
            acc = v < acc ? v : acc;
        } else {
            acc += v;
        }
    }
    res->d[1] = 0;
    res->d[0] = (uint64_t)acc &
                ones(c->op == A_SADDLV || c->op == A_UADDLV ? esz + 1 : esz);
}

START_TEST(test_across)
{
    static const struct {
        const char *mn;
        int op, wide;
    } opa[] = {
        {"addv", A_ADDV, 0},   {"saddlv", A_SADDLV, 1}, {"uaddlv", A_UADDLV, 1},
        {"smaxv", A_SMAXV, 0}, {"umaxv", A_UMAXV, 0},   {"sminv", A_SMINV, 0},
        {"uminv", A_UMINV, 0},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(opa); i++) {
        for (int esz = 0; esz < 3; esz++) {
            for (int q = 0; q < 2; q++) {
                Case *c;
                if (esz == 2 && !q) {
                    continue;
                }
                c = add_case(ref_across, opa[i].op, esz, q);
                snprintf(c->text, sizeof(c->text), "%s %c0, v1.%s", opa[i].mn,
                         sreg[esz + opa[i].wide], arr(esz, q));
            }
        }
    }
    run_cases();
}
END_TEST

/* ---- reserved encodings ---- */

/* Each valid text with bits changed to a reserved size/Q combination (GNU
 * as refuses to write those) must be UNDEFINED. */
START_TEST(test_undef)
{
    static const struct {
        const char *text;
        uint32_t clear, set;
    } un[] = {
        {"add v0.2d, v1.2d, v2.2d", 1u << 30, 0},      /* 1D */
        {"cmeq v0.2d, v1.2d, v2.2d", 1u << 30, 0},
        {"sqadd v0.2d, v1.2d, v2.2d", 1u << 30, 0},
        {"sshl v0.2d, v1.2d, v2.2d", 1u << 30, 0},
        {"addp v0.2d, v1.2d, v2.2d", 1u << 30, 0},
        {"shadd v0.4s, v1.4s, v2.4s", 0, 3u << 22},    /* size 11 */
        {"smax v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"uabd v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"mul v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"mla v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"uminp v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"pmul v0.16b, v1.16b, v2.16b", 0, 1u << 22},
        {"sqdmulh v0.4s, v1.4s, v2.4s", 3u << 22, 0},  /* size 00 */
        {"sqdmulh v0.4s, v1.4s, v2.4s", 0, 3u << 22},
        {"add d0, d1, d2", 3u << 22, 0},               /* scalar B */
        {"cmgt d0, d1, d2", 3u << 22, 2u << 22},       /* scalar S */
        {"sqdmulh s0, s1, s2", 3u << 22, 0},
        {"saddl v0.2d, v1.2s, v2.2s", 0, 3u << 22},
        {"sqdmull v0.4s, v1.4h, v2.4h", 3u << 22, 0},
        {"pmull v0.8h, v1.8b, v2.8b", 0, 1u << 22},
        {"addhn v0.2s, v1.2d, v2.2d", 0, 3u << 22},
        {"rev32 v0.4h, v1.4h", 0, 2u << 22},
        {"rev16 v0.8b, v1.8b", 0, 1u << 22},
        {"cnt v0.8b, v1.8b", 0, 1u << 22},
        {"rbit v0.8b, v1.8b", 0, 2u << 22},
        {"cls v0.4s, v1.4s", 0, 3u << 22},
        {"xtn v0.2s, v1.2d", 0, 3u << 22},
        {"shll v0.2d, v1.2s, #32", 0, 3u << 22},
        {"abs v0.2d, v1.2d", 1u << 30, 0},
        {"cmlt v0.2d, v1.2d, #0", 1u << 30, 0},
        {"abs d0, d1", 3u << 22, 0},
        {"addv s0, v1.4s", 1u << 30, 0},
        {"addv s0, v1.4s", 0, 3u << 22},
        {"uaddlv d0, v1.4s", 1u << 30, 0},
        {"urecpe v0.4s, v1.4s", 0, 3u << 22},
        {"mul v0.4s, v1.4s, v2.s[1]", 0, 3u << 22},
        {"mul v0.8h, v1.8h, v2.h[1]", 3u << 22, 0},
        {"sdot v0.4s, v1.16b, v2.16b", 0, 3u << 22},
        {"sdot v0.4s, v1.16b, v2.4b[1]", 1u << 23, 1u << 22},
        {"sqdmull s0, h1, h2", 3u << 22, 0},
        {"addp d0, v1.2d", 1u << 22, 0},
    };
    static char *texts[N_ELEMS(un)];
    uint32_t words[N_ELEMS(un)];

    start(_i);
    for (int i = 0; i < N_ELEMS(un); i++) {
        texts[i] = (char *)un[i].text;
    }
    assemble_all(texts, N_ELEMS(un), words);
    for (int i = 0; i < N_ELEMS(un); i++) {
        uint32_t w = (words[i] & ~un[i].clear) | un[i].set;
        int excp;
        load_insn(w);
        a64_cpu->pc = A64_CODE;
        excp = cpu_exec(&a64_cpu->parent);
        ck_assert_msg(excp == EXCP_A64_UNDEF && a64_cpu->pc == A64_CODE,
                      "[%s] %s with %08x: got %s, want UNDEF",
                      a64_config_name(), un[i].text, w, aarch64_excp_name(excp));
    }
}
END_TEST

/* rd == rn (== rm) for the shapes that mix widths or halves. */
START_TEST(test_alias_mixed)
{
    static const struct {
        const char *text;
        RefFn *ref;
        int op, esz, q, variant, idx;
    } al[] = {
        {"smlal2 v0.4s, v0.8h, v0.8h", ref_3diff, L_MLAL, 1, 1, 0, -1},
        {"uaddw2 v0.2d, v0.2d, v0.4s", ref_3diff, L_ADDW, 2, 1, 1, -1},
        {"addhn2 v0.16b, v0.8h, v0.8h", ref_3diff, L_ADDHN, 0, 1, 0, -1},
        {"addhn v0.8b, v0.8h, v0.8h", ref_3diff, L_ADDHN, 0, 0, 0, -1},
        {"subhn2 v0.8h, v0.4s, v0.4s", ref_3diff, L_SUBHN, 1, 1, 0, -1},
        {"subhn v0.2s, v0.2d, v0.2d", ref_3diff, L_SUBHN, 2, 0, 0, -1},
        {"sqdmlal v0.4s, v0.4h, v0.h[5]", ref_3diff, L_SQDMLAL, 1, 0, 0, 5},
        {"mla v0.4s, v0.4s, v0.s[3]", ref_3same, R_MLA, 2, 1, 0, 3},
        {"xtn2 v0.16b, v0.8h", ref_2misc, M_XTN, 0, 1, 0, -1},
        {"sqxtn2 v0.8h, v0.4s", ref_2misc, M_SQXTN, 1, 1, 0, -1},
        {"shll2 v0.4s, v0.8h, #16", ref_2misc, M_SHLL, 1, 1, 0, -1},
        {"sadalp v0.4s, v0.8h", ref_2misc, M_SADALP, 1, 1, 0, -1},
        {"usqadd v0.4s, v0.4s", ref_2misc, M_USQADD, 2, 1, 0, -1},
        {"rev64 v0.16b, v0.16b", ref_2misc, M_REV64, 0, 1, 0, -1},
        {"uminv h0, v0.8h", ref_across, A_UMINV, 1, 1, 0, -1},
        {"addp d0, v0.2d", ref_pairwise, R_ADDP, 3, 1, 1, -1},
    };

    start(_i);
    for (int i = 0; i < N_ELEMS(al); i++) {
        Case *c = add_case(al[i].ref, al[i].op, al[i].esz, al[i].q);
        c->variant = al[i].variant;
        c->idx = al[i].idx;
        c->alias = ALIAS_ALL;
        snprintf(c->text, sizeof(c->text), "%s", al[i].text);
    }
    run_cases();
}
END_TEST

/* By element with Vm above v15: M is part of Rm for 32-bit elements. */
START_TEST(test_elem_high_reg)
{
    static char *texts[] = {"mul v0.4s, v1.4s, v18.s[3]",
                            "umull v0.2d, v1.2s, v31.s[1]"};
    uint32_t words[2];
    V n = {{0x0000000700000005ull, 0x0000000b00000003ull}};

    start(_i);
    assemble_all(texts, 2, words);
    a64_set_v(18, 0x1111111122222222ull, 0x0000000900000001ull);
    a64_set_v(31, 0x0000000200000004ull, 0xffffffffffffffffull);
    a64_set_v(1, n.d[0], n.d[1]);
    load_insn(words[0]);
    a64_cpu->pc = A64_CODE;
    ck_assert_int_eq(cpu_exec(&a64_cpu->parent), EXCP_A64_SVC);
    a64_assert_v(0, 0x0000003f0000002dull, 0x000000630000001bull, texts[0]);
    load_insn(words[1]);
    a64_cpu->pc = A64_CODE;
    ck_assert_int_eq(cpu_exec(&a64_cpu->parent), EXCP_A64_SVC);
    a64_assert_v(0, 10, 14, texts[1]);
}
END_TEST

/* Without FEAT_RDM and FEAT_DOTPROD their instructions are UNDEFINED. */
START_TEST(test_features_off)
{
    static char *texts[] = {
        "sqrdmlah v0.8h, v1.8h, v2.8h", "sqrdmlsh s0, s1, s2",
        "sqrdmlah v0.4s, v1.4s, v2.s[3]", "sqrdmlsh h0, h1, v2.h[7]",
        "sdot v0.4s, v1.16b, v2.16b", "udot v0.2s, v1.8b, v2.4b[1]",
    };
    uint32_t words[N_ELEMS(texts)];

    start(_i);
    a64_cpu->features &= ~(uint64_t)(A64_FEAT_RDM | A64_FEAT_DOTPROD);
    assemble_all(texts, N_ELEMS(texts), words);
    for (int i = 0; i < N_ELEMS(texts); i++) {
        int excp;
        load_insn(words[i]);
        a64_cpu->pc = A64_CODE;
        excp = cpu_exec(&a64_cpu->parent);
        ck_assert_msg(excp == EXCP_A64_UNDEF && a64_cpu->pc == A64_CODE,
                      "[%s] %s without its feature: got %s, want UNDEF",
                      a64_config_name(), texts[i], aarch64_excp_name(excp));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aarch64-simd");
    TCase *tc = tcase_create("simd");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_3same, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_3same_scalar, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_pairwise, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_alias, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_alias_partial, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_3diff, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_elem, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_2misc, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_across, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_undef, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_features_off, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_alias_mixed, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_elem_high_reg, 0, A64_NCONFIGS);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (dump) {
        fclose(dump);
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

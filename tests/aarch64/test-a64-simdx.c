/*
 * aarch64 Advanced SIMD copy, permute, EXT, table lookup, shift by
 * immediate and modified immediate (a64-simdx.decode), on every
 * backend/optimizer configuration, against C models of the Arm ARM
 * pseudocode with edge and random (fixed seed) inputs.
 *
 * Each test assembles all its instructions in one GNU as run, each one
 * followed by `svc #0`, and runs them one at a time from their address.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

typedef AArch64Vec Vec;

/* ---- batches of single instructions ---- */

#define MAX_CASES 1500

typedef struct Batch {
    char *text;
    size_t len, cap;
    int n;
    char names[MAX_CASES][64];
} Batch;

static Batch batch;

static void batch_reset(void)
{
    batch.len = 0;
    batch.n = 0;
    if (batch.text) {
        batch.text[0] = 0;
    }
}

/* Add one instruction; returns its case number. */
static int batch_add(const char *fmt, ...)
{
    char line[96];
    va_list ap;
    size_t l;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    ck_assert_int_lt(batch.n, MAX_CASES);
    l = strlen(line) + 8;
    if (batch.len + l + 1 > batch.cap) {
        batch.cap = (batch.cap + l + 1) * 2;
        batch.text = realloc(batch.text, batch.cap);
        ck_assert_ptr_nonnull(batch.text);
    }
    batch.len += (size_t)sprintf(batch.text + batch.len, "%s\nsvc #0\n", line);
    snprintf(batch.names[batch.n], sizeof(batch.names[0]), "%s", line);
    return batch.n++;
}

static void batch_load(void)
{
    static uint32_t words[2 * MAX_CASES];
    size_t n = a64_assemble(batch.text, words, 2 * MAX_CASES);

    ck_assert_msg(n == 2 * (size_t)batch.n, "batch assembled to %zu words", n);
    a64_poke(A64_CODE, words, n * 4);
}

/* Run case i; returns the exception it stopped with. */
static int batch_run_excp(int i)
{
    a64_cpu->pc = A64_CODE + 8u * (unsigned)i;
    return cpu_exec(&a64_cpu->parent);
}

static void batch_run(int i)
{
    int e = batch_run_excp(i);

    ck_assert_msg(e == EXCP_A64_SVC && a64_cpu->pc == A64_CODE + 8u * i + 4,
                  "[%s] \"%s\": stopped with %s at pc 0x%" PRIx64,
                  a64_config_name(), batch.names[i], aarch64_excp_name(e),
                  a64_cpu->pc);
}

/* ---- vectors ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t vget(const Vec *v, int esz, int i)
{
    uint64_t x = 0;

    memcpy(&x, v->b + (i << esz), 1u << esz);
    return x;
}

static void vset(Vec *v, int esz, int i, uint64_t x)
{
    memcpy(v->b + (i << esz), &x, 1u << esz);
}

static Vec vrand(void)
{
    Vec v;

    v.d[0] = rnd();
    v.d[1] = rnd();
    return v;
}

static Vec vzero(void)
{
    Vec v = {{0, 0}};
    return v;
}

static uint64_t ones(int esz)
{
    return esz == 3 ? ~0ull : (1ull << (8 << esz)) - 1;
}

static int64_t sx(uint64_t x, int esz)
{
    int s = 64 - (8 << esz);
    return (int64_t)(x << s) >> s;
}

/* Lanes of size esz cycling through the interesting values, from k. */
static Vec vedge(int esz, int k)
{
    int bits = 8 << esz;
    uint64_t m = ones(esz), top = 1ull << (bits - 1);
    const uint64_t vals[] = {0,
                             1,
                             m,
                             top,
                             top - 1,
                             top + 1,
                             m - 1,
                             top >> 1,
                             (top >> 1) - 1,
                             2,
                             top | (top >> 1),
                             0x55 & m};
    Vec v;

    for (int i = 0; i < 16 >> esz; i++) {
        vset(&v, esz, i, vals[(i + k) % 12]);
    }
    return v;
}

/* Inputs for case iteration it: edge lanes first, then random. */
#define NITER 6
static Vec input(int esz, int it, int which)
{
    if (it < 2) {
        return vedge(esz, it * 5 + which * 3);
    }
    return vrand();
}

static void setv(int r, Vec v)
{
    a64_set_v(r, v.d[0], v.d[1]);
}

static void checkv(int r, Vec want, int i)
{
    a64_assert_v(r, want.d[0], want.d[1], batch.names[i]);
}

static void check_fpsr(uint32_t want, int i)
{
    ck_assert_msg(a64_cpu->fpsr == want, "[%s] %s: FPSR %x, expected %x",
                  a64_config_name(), batch.names[i], a64_cpu->fpsr, want);
}

typedef struct Arr {
    const char *name;
    int esz, q;
} Arr;

static const Arr arrs[7] = {{"8b", 0, 0}, {"16b", 0, 1}, {"4h", 1, 0},
                            {"8h", 1, 1}, {"2s", 2, 0},  {"4s", 2, 1},
                            {"2d", 3, 1}};
static const char lane_ch[4] = {'b', 'h', 's', 'd'};
static const char *const full_arr[4] = {"16b", "8h", "4s", "2d"};

/* ---- copies ---- */

enum { C_DUPE, C_DUPG, C_INSG, C_INSE, C_UMOV, C_SMOV, C_DUPS };

typedef struct CopyCase {
    int kind, esz, q, di, si, rd, rn;
} CopyCase;

START_TEST(test_copy)
{
    static CopyCase cc[MAX_CASES];
    int nc = 0;

    a64_start(_i);
    batch_reset();
    for (int a = 0; a < 7; a++) {
        int esz = arrs[a].esz, n = 16 >> esz;
        for (int i = 0; i < n; i++) {
            cc[batch_add("dup v0.%s, v1.%c[%d]", arrs[a].name, lane_ch[esz],
                         i)] = (CopyCase){C_DUPE, esz, arrs[a].q, 0, i, 0, 1};
        }
        cc[batch_add("dup v0.%s, %c1", arrs[a].name, esz == 3 ? 'x' : 'w')] =
            (CopyCase){C_DUPG, esz, arrs[a].q, 0, 0, 0, 1};
    }
    cc[batch_add("dup v1.16b, v1.b[15]")] =
        (CopyCase){C_DUPE, 0, 1, 0, 15, 1, 1};
    cc[batch_add("dup v1.2s, v1.s[3]")] = (CopyCase){C_DUPE, 2, 0, 0, 3, 1, 1};
    for (int esz = 0; esz < 4; esz++) {
        int n = 16 >> esz;
        for (int i = 0; i < n; i++) {
            cc[batch_add("mov v0.%c[%d], %c1", lane_ch[esz], i,
                         esz == 3 ? 'x' : 'w')] =
                (CopyCase){C_INSG, esz, 1, i, 0, 0, 1};
            cc[batch_add("mov v0.%c[%d], v1.%c[%d]", lane_ch[esz], i,
                         lane_ch[esz], (i * 5 + 3) % n)] =
                (CopyCase){C_INSE, esz, 1, i, (i * 5 + 3) % n, 0, 1};
            if (esz < 3) {
                cc[batch_add("umov w0, v1.%c[%d]", lane_ch[esz], i)] =
                    (CopyCase){C_UMOV, esz, 0, 0, i, 0, 1};
                cc[batch_add("smov x0, v1.%c[%d]", lane_ch[esz], i)] =
                    (CopyCase){C_SMOV, esz, 1, 0, i, 0, 1};
            } else {
                cc[batch_add("mov x0, v1.d[%d]", i)] =
                    (CopyCase){C_UMOV, esz, 1, 0, i, 0, 1};
            }
            if (esz < 2) {
                cc[batch_add("smov w0, v1.%c[%d]", lane_ch[esz], i)] =
                    (CopyCase){C_SMOV, esz, 0, 0, i, 0, 1};
            }
            cc[batch_add("mov %c0, v1.%c[%d]", lane_ch[esz], lane_ch[esz], i)] =
                (CopyCase){C_DUPS, esz, 0, 0, i, 0, 1};
        }
    }
    cc[batch_add("mov v1.b[3], v1.b[9]")] =
        (CopyCase){C_INSE, 0, 1, 3, 9, 1, 1};
    cc[batch_add("mov v1.d[0], v1.d[1]")] =
        (CopyCase){C_INSE, 3, 1, 0, 1, 1, 1};
    cc[batch_add("dup s1, v1.s[2]")] = (CopyCase){C_DUPS, 2, 0, 0, 2, 1, 1};
    cc[batch_add("mov w1, v1.s[1]")] = (CopyCase){C_UMOV, 2, 0, 0, 1, 1, 1};
    nc = batch.n;
    batch_load();

    for (int c = 0; c < nc; c++) {
        const CopyCase *k = &cc[c];
        for (int it = 0; it < NITER; it++) {
            Vec n = input(k->esz, it, 0), d = vrand(), want = d;
            uint64_t x = rnd(), xold = rnd(), e;
            bool to_x = k->kind == C_UMOV || k->kind == C_SMOV;
            if (k->rd == k->rn) {
                d = n;
                want = n;
            }
            setv(k->rn, n);
            setv(k->rd, d);
            a64_cpu->xregs[1] = x;
            a64_cpu->xregs[0] = xold;
            batch_run(c);
            switch (k->kind) {
            case C_DUPE:
            case C_DUPG:
                e = k->kind == C_DUPE ? vget(&n, k->esz, k->si)
                                      : x & ones(k->esz);
                for (int i = 0; i < 16 >> k->esz; i++) {
                    vset(&want, k->esz, i, e);
                }
                if (!k->q) {
                    want.d[1] = 0;
                }
                break;
            case C_INSG:
                vset(&want, k->esz, k->di, x & ones(k->esz));
                break;
            case C_INSE:
                vset(&want, k->esz, k->di, vget(&n, k->esz, k->si));
                break;
            case C_DUPS:
                want = vzero();
                vset(&want, k->esz, 0, vget(&n, k->esz, k->si));
                break;
            case C_UMOV:
                a64_assert_x(k->rd, vget(&n, k->esz, k->si), batch.names[c]);
                break;
            default: /* SMOV */
                e = (uint64_t)sx(vget(&n, k->esz, k->si), k->esz);
                a64_assert_x(k->rd, k->q ? e : (uint32_t)e, batch.names[c]);
                break;
            }
            if (to_x) {
                checkv(1, n, c); /* the source is unchanged */
            } else {
                checkv(k->rd, want, c);
            }
        }
    }
}
END_TEST

/* ---- permutes and EXT ---- */

static const char *const perm_names[8] = {NULL, "uzp1", "trn1", "zip1",
                                          NULL, "uzp2", "trn2", "zip2"};

static Vec ref_permute(int opc, int esz, int q, Vec a, Vec b)
{
    int n = (q ? 16 : 8) >> esz, part = opc >> 2, pairs = n / 2;
    Vec r = vzero();

    for (int p = 0; p < pairs; p++) {
        switch (opc & 3) {
        case 1: /* UZP: result e is element 2e + part of b:a */
            for (int h = 0; h < 2; h++) {
                int e = h * pairs + p, k = 2 * e + part;
                vset(&r, esz, e,
                     k < n ? vget(&a, esz, k) : vget(&b, esz, k - n));
            }
            break;
        case 2:
            vset(&r, esz, 2 * p, vget(&a, esz, 2 * p + part));
            vset(&r, esz, 2 * p + 1, vget(&b, esz, 2 * p + part));
            break;
        default:
            vset(&r, esz, 2 * p, vget(&a, esz, part * pairs + p));
            vset(&r, esz, 2 * p + 1, vget(&b, esz, part * pairs + p));
            break;
        }
    }
    return r;
}

typedef struct PermCase {
    int opc, a, rd, rn, rm; /* opc 8: EXT with imm in a's place */
    int imm;
} PermCase;

START_TEST(test_permute)
{
    static PermCase pc[MAX_CASES];

    a64_start(_i);
    batch_reset();
    for (int opc = 1; opc < 8; opc++) {
        if (!perm_names[opc]) {
            continue;
        }
        for (int a = 0; a < 7; a++) {
            const char *t = arrs[a].name;
            pc[batch_add("%s v0.%s, v1.%s, v2.%s", perm_names[opc], t, t, t)] =
                (PermCase){opc, a, 0, 1, 2, 0};
        }
        pc[batch_add("%s v1.16b, v1.16b, v2.16b", perm_names[opc])] =
            (PermCase){opc, 1, 1, 1, 2, 0};
        pc[batch_add("%s v2.4h, v1.4h, v2.4h", perm_names[opc])] =
            (PermCase){opc, 2, 2, 1, 2, 0};
        pc[batch_add("%s v3.4s, v3.4s, v3.4s", perm_names[opc])] =
            (PermCase){opc, 5, 3, 3, 3, 0};
        pc[batch_add("%s v2.2d, v2.2d, v1.2d", perm_names[opc])] =
            (PermCase){opc, 6, 2, 2, 1, 0};
    }
    for (int imm = 0; imm < 16; imm++) {
        if (imm < 8) {
            pc[batch_add("ext v0.8b, v1.8b, v2.8b, #%d", imm)] =
                (PermCase){8, 0, 0, 1, 2, imm};
        }
        pc[batch_add("ext v0.16b, v1.16b, v2.16b, #%d", imm)] =
            (PermCase){8, 1, 0, 1, 2, imm};
        pc[batch_add("ext v2.16b, v1.16b, v2.16b, #%d", imm)] =
            (PermCase){8, 1, 2, 1, 2, imm};
        pc[batch_add("ext v1.16b, v1.16b, v1.16b, #%d", imm)] =
            (PermCase){8, 1, 1, 1, 1, imm};
    }
    batch_load();

    for (int c = 0; c < batch.n; c++) {
        const PermCase *k = &pc[c];
        const Arr *ar = &arrs[k->a];
        for (int it = 0; it < NITER; it++) {
            Vec v[4] = {vrand(), input(ar->esz, it, 0), input(ar->esz, it, 1),
                        vrand()};
            Vec want;
            for (int r = 0; r < 4; r++) {
                setv(r, v[r]);
            }
            batch_run(c);
            if (k->opc == 8) {
                uint8_t cat[32];
                int nb = ar->q ? 16 : 8;
                want = vzero();
                memcpy(cat, v[k->rn].b, nb);
                memcpy(cat + nb, v[k->rm].b, nb);
                memcpy(want.b, cat + k->imm, nb);
            } else {
                want = ref_permute(k->opc, ar->esz, ar->q, v[k->rn], v[k->rm]);
            }
            checkv(k->rd, want, c);
        }
    }
}
END_TEST

/* ---- TBL/TBX ---- */

typedef struct TblCase {
    int nregs, tbx, q, rd, rn, rm;
} TblCase;

START_TEST(test_tbl)
{
    static TblCase tc[64];
    static const int firsts[3] = {4, 30, 31};

    a64_start(_i);
    batch_reset();
    for (int nregs = 1; nregs <= 4; nregs++) {
        for (int f = 0; f < 3; f++) {
            for (int tbx = 0; tbx < 2; tbx++) {
                for (int q = 0; q < 2; q++) {
                    char list[64] = "";
                    int first = firsts[f];
                    for (int i = 0; i < nregs; i++) {
                        char one[16];
                        snprintf(one, sizeof(one), "%sv%d.16b", i ? ", " : "",
                                 (first + i) % 32);
                        strcat(list, one);
                    }
                    tc[batch_add("%s v1.%s, {%s}, v2.%s", tbx ? "tbx" : "tbl",
                                 q ? "16b" : "8b", list, q ? "16b" : "8b")] =
                        (TblCase){nregs, tbx, q, 1, first, 2};
                }
            }
        }
    }
    /* destination and index register inside the table */
    tc[batch_add("tbl v5.16b, {v4.16b, v5.16b}, v5.16b")] =
        (TblCase){2, 0, 1, 5, 4, 5};
    tc[batch_add("tbx v4.16b, {v4.16b, v5.16b, v6.16b}, v4.16b")] =
        (TblCase){3, 1, 1, 4, 4, 4};
    batch_load();

    for (int c = 0; c < batch.n; c++) {
        const TblCase *k = &tc[c];
        for (int it = 0; it < 2 * NITER; it++) {
            Vec v[32], idx, want;
            uint8_t table[64];
            int nb = k->q ? 16 : 8;
            for (int r = 0; r < 32; r++) {
                v[r] = vrand();
            }
            /* indices in range, just out of range, and far out */
            for (int b = 0; b < 16; b++) {
                int lim = 16 * k->nregs;
                uint8_t r8 = (uint8_t)rnd();
                v[k->rm].b[b] = it == 0   ? (uint8_t)(lim - 1 - b)
                                : it == 1 ? (uint8_t)(lim + b % 3)
                                : it & 1  ? r8
                                          : (uint8_t)(r8 % (lim + 8));
            }
            for (int r = 0; r < 32; r++) {
                setv(r, v[r]);
            }
            idx = v[k->rm];
            for (int t = 0; t < k->nregs; t++) {
                memcpy(table + 16 * t, v[(k->rn + t) % 32].b, 16);
            }
            want = v[k->rd];
            for (int b = 0; b < nb; b++) {
                if (idx.b[b] < 16 * k->nregs) {
                    want.b[b] = table[idx.b[b]];
                } else if (!k->tbx) {
                    want.b[b] = 0;
                }
            }
            if (!k->q) {
                want.d[1] = 0;
            }
            batch_run(c);
            checkv(k->rd, want, c);
        }
    }
}
END_TEST

/* ---- shifts by immediate ---- */

enum {
    S_SSHR,
    S_USHR,
    S_SSRA,
    S_USRA,
    S_SRSHR,
    S_URSHR,
    S_SRSRA,
    S_URSRA,
    S_SRI,
    S_SHL,
    S_SLI,
    S_SQSHL,
    S_UQSHL,
    S_SQSHLU,
    S_SHRN,
    S_RSHRN,
    S_SQSHRN,
    S_UQSHRN,
    S_SQRSHRN,
    S_UQRSHRN,
    S_SQSHRUN,
    S_SQRSHRUN,
    S_SSHLL,
    S_USHLL,
    S_NOPS
};

static const char *const sh_names[S_NOPS] = {
    "sshr",    "ushr",    "ssra",    "usra",     "srshr",  "urshr",
    "srsra",   "ursra",   "sri",     "shl",      "sli",    "sqshl",
    "uqshl",   "sqshlu",  "shrn",    "rshrn",    "sqshrn", "uqshrn",
    "sqrshrn", "uqrshrn", "sqshrun", "sqrshrun", "sshll",  "ushll"};

static bool sh_left(int op)
{
    return (op >= S_SHL && op <= S_SQSHLU) || op >= S_SSHLL;
}

static bool sh_narrow(int op)
{
    return op >= S_SHRN && op <= S_SQRSHRUN;
}

static __int128 sat(__int128 x, int esz, bool is_signed, bool *qc)
{
    int bits = 8 << esz;
    __int128 lo = is_signed ? -((__int128)1 << (bits - 1)) : 0;
    __int128 hi =
        is_signed ? ((__int128)1 << (bits - 1)) - 1 : ((__int128)1 << bits) - 1;
    if (x < lo) {
        *qc = true;
        return lo;
    }
    if (x > hi) {
        *qc = true;
        return hi;
    }
    return x;
}

/* The signed or unsigned value of lane x, exactly. */
static __int128 lane_val(uint64_t x, int esz, bool is_signed)
{
    return is_signed ? (__int128)sx(x, esz) : (__int128)(x & ones(esz));
}

/* Round-half-up right shift, as the pseudocode's (x + round) >> sh. */
static __int128 rshift(__int128 x, int sh, bool round)
{
    return (x + (round ? (__int128)1 << (sh - 1) : 0)) >> sh;
}

/*
 * The architectural result of shift op on n (and the old d), esz the
 * destination size for narrowing ops and the source size for SSHLL/USHLL.
 * scalar: one element, the rest of the register zero; q: 128-bit vector
 * (or the "2" variant of a narrowing/lengthening op).
 */
static Vec ref_shift(int op, int esz, int sh, bool q, bool scalar, Vec n, Vec d,
                     bool *qc)
{
    Vec r = vzero();
    int bits = 8 << esz;
    uint64_t m = ones(esz);

    if (sh_narrow(op)) {
        int cnt = scalar ? 1 : 8 >> esz;
        int base = (q && !scalar) ? cnt : 0;
        if (base) {
            r.d[0] = d.d[0];
        }
        for (int i = 0; i < cnt; i++) {
            uint64_t x = vget(&n, esz + 1, i);
            bool round = op == S_RSHRN || op == S_SQRSHRN || op == S_UQRSHRN ||
                         op == S_SQRSHRUN;
            bool src_signed = op == S_SQSHRN || op == S_SQRSHRN ||
                              op == S_SQSHRUN || op == S_SQRSHRUN;
            __int128 v = rshift(lane_val(x, esz + 1, src_signed), sh, round);
            switch (op) {
            case S_SHRN:
            case S_RSHRN:
                break;
            case S_SQSHRN:
            case S_SQRSHRN:
                v = sat(v, esz, true, qc);
                break;
            default:
                v = sat(v, esz, false, qc);
                break;
            }
            vset(&r, esz, base + i, (uint64_t)v);
        }
        return r;
    }
    if (op == S_SSHLL || op == S_USHLL) {
        int cnt = 8 >> esz;
        for (int i = 0; i < cnt; i++) {
            __int128 v =
                lane_val(vget(&n, esz, q ? i + cnt : i), esz, op == S_SSHLL);
            vset(&r, esz + 1, i, (uint64_t)(v << sh));
        }
        return r;
    }
    for (int i = 0; i < (scalar ? 1 : (q ? 16 : 8) >> esz); i++) {
        uint64_t x = vget(&n, esz, i), dv = vget(&d, esz, i);
        __int128 s = lane_val(x, esz, true), u = lane_val(x, esz, false), v;
        switch (op) {
        case S_SSHR:
            v = s >> sh;
            break;
        case S_USHR:
            v = u >> sh;
            break;
        case S_SSRA:
            v = dv + (s >> sh);
            break;
        case S_USRA:
            v = dv + (u >> sh);
            break;
        case S_SRSHR:
            v = rshift(s, sh, true);
            break;
        case S_URSHR:
            v = rshift(u, sh, true);
            break;
        case S_SRSRA:
            v = dv + rshift(s, sh, true);
            break;
        case S_URSRA:
            v = dv + rshift(u, sh, true);
            break;
        case S_SRI:
            v = sh == bits ? dv : (dv & ~(m >> sh)) | (uint64_t)(u >> sh);
            break;
        case S_SHL:
            v = u << sh;
            break;
        case S_SLI:
            v = (dv & ~(m << sh)) | (uint64_t)(u << sh);
            break;
        case S_SQSHL:
            v = sat(s << sh, esz, true, qc);
            break;
        case S_UQSHL:
            v = sat(u << sh, esz, false, qc);
            break;
        default:
            v = sat(s << sh, esz, false, qc);
            break; /* SQSHLU */
        }
        vset(&r, esz, i, (uint64_t)v & m);
    }
    return r;
}

typedef struct ShCase {
    int op, esz, sh, q, scalar, rd, rn;
} ShCase;

static ShCase shc[MAX_CASES];

static void add_shift(int op, int esz, int sh, int q, int scalar, int rd,
                      int rn)
{
    char mn[16];
    int c;

    snprintf(mn, sizeof(mn), "%s%s", sh_names[op],
             (q && !scalar && (sh_narrow(op) || op >= S_SSHLL)) ? "2" : "");
    if (scalar) {
        int src = sh_narrow(op) ? esz + 1 : esz;
        c = batch_add("%s %c%d, %c%d, #%d", mn, lane_ch[esz], rd, lane_ch[src],
                      rn, sh);
    } else if (sh_narrow(op)) {
        c = batch_add("%s v%d.%s, v%d.%s, #%d", mn, rd, arrs[2 * esz + q].name,
                      rn, full_arr[esz + 1], sh);
    } else if (op >= S_SSHLL) {
        c = batch_add("%s v%d.%s, v%d.%s, #%d", mn, rd, full_arr[esz + 1], rn,
                      arrs[2 * esz + q].name, sh);
    } else {
        c = batch_add("%s v%d.%s, v%d.%s, #%d", mn, rd,
                      esz == 3 ? "2d" : arrs[2 * esz + q].name, rn,
                      esz == 3 ? "2d" : arrs[2 * esz + q].name, sh);
    }
    shc[c] = (ShCase){op, esz, sh, q, scalar, rd, rn};
}

/* Shift amounts worth testing: the extremes, the middle, one random. */
static int shift_amounts(int op, int bits, int *out)
{
    int n = 0;

    if (sh_left(op)) {
        out[n++] = 0;
        out[n++] = 1;
        out[n++] = bits / 2;
        out[n++] = bits - 1;
        out[n++] = (int)(rnd() % (unsigned)bits);
    } else {
        out[n++] = 1;
        out[n++] = 2;
        out[n++] = bits / 2 + 1;
        out[n++] = bits - 1;
        out[n++] = bits;
        out[n++] = 1 + (int)(rnd() % (unsigned)bits);
    }
    return n;
}

static void run_shift_cases(void)
{
    batch_load();
    for (int c = 0; c < batch.n; c++) {
        const ShCase *k = &shc[c];
        int in_esz = sh_narrow(k->op) ? k->esz + 1 : k->esz;
        for (int it = 0; it < NITER; it++) {
            Vec n = input(in_esz, it, 0), d = input(in_esz, it, 1), want;
            bool qc = false;
            uint32_t fpsr0 = it == NITER - 1 ? FPSR_QC | FPSR_IXC : 0;
            if (k->rd == k->rn) {
                d = n;
            }
            setv(k->rn, n);
            setv(k->rd, d);
            a64_cpu->fpsr = fpsr0;
            want = ref_shift(k->op, k->esz, k->sh, k->q, k->scalar, n, d, &qc);
            batch_run(c);
            checkv(k->rd, want, c);
            check_fpsr(fpsr0 | (qc ? FPSR_QC : 0), c);
        }
    }
}

START_TEST(test_shift_vector)
{
    int shs[8];

    a64_start(_i);
    batch_reset();
    for (int op = 0; op < S_NOPS; op++) {
        for (int a = 0; a < 7; a++) {
            int esz = arrs[a].esz, n;
            if ((sh_narrow(op) || op >= S_SSHLL) && esz == 3) {
                continue;
            }
            n = shift_amounts(op, 8 << esz, shs);
            for (int i = 0; i < n; i++) {
                add_shift(op, esz, shs[i], arrs[a].q, 0, 0, 1);
            }
        }
    }
    /* Vd == Vn */
    add_shift(S_SSRA, 2, 3, 1, 0, 1, 1);
    add_shift(S_SRI, 0, 3, 1, 0, 1, 1);
    add_shift(S_SLI, 1, 7, 0, 0, 1, 1);
    add_shift(S_SHRN, 0, 4, 1, 0, 1, 1);
    add_shift(S_SHRN, 1, 4, 0, 0, 1, 1);
    add_shift(S_SQRSHRN, 1, 5, 1, 0, 1, 1);
    add_shift(S_SSHLL, 0, 2, 0, 0, 1, 1);
    add_shift(S_USHLL, 1, 0, 1, 0, 1, 1);
    add_shift(S_SHL, 3, 63, 1, 0, 1, 1);
    run_shift_cases();
}
END_TEST

START_TEST(test_shift_scalar)
{
    int shs[8];

    a64_start(_i);
    batch_reset();
    for (int op = 0; op < S_SSHLL; op++) {
        for (int esz = 0; esz < 4; esz++) {
            int n;
            if (op < S_SQSHL && esz != 3) {
                continue; /* only D for the plain shifts */
            }
            if (sh_narrow(op) && (esz == 3 || op < S_SQSHRN)) {
                continue; /* no scalar SHRN/RSHRN */
            }
            n = shift_amounts(op, 8 << esz, shs);
            for (int i = 0; i < n; i++) {
                add_shift(op, esz, shs[i], 1, 1, 0, 1);
            }
        }
    }
    add_shift(S_USRA, 3, 64, 1, 1, 1, 1);
    add_shift(S_SQSHL, 0, 7, 1, 1, 1, 1);
    add_shift(S_SQSHRUN, 2, 32, 1, 1, 1, 1);
    run_shift_cases();
}
END_TEST

/* SXTL/UXTL are SSHLL/USHLL #0. */
START_TEST(test_shift_alias)
{
    a64_start(_i);
    batch_reset();
    for (int esz = 0; esz < 3; esz++) {
        for (int q = 0; q < 2; q++) {
            int c = batch_add("%s v0.%s, v1.%s", q ? "sxtl2" : "sxtl",
                              full_arr[esz + 1], arrs[2 * esz + q].name);
            shc[c] = (ShCase){S_SSHLL, esz, 0, q, 0, 0, 1};
            c = batch_add("%s v0.%s, v1.%s", q ? "uxtl2" : "uxtl",
                          full_arr[esz + 1], arrs[2 * esz + q].name);
            shc[c] = (ShCase){S_USHLL, esz, 0, q, 0, 0, 1};
        }
    }
    run_shift_cases();
}
END_TEST

/* ---- modified immediate ---- */

enum { M_MOVI, M_MVNI, M_ORR, M_BIC };

typedef struct MiCase {
    int kind, esz, q;
    uint64_t lane; /* the lane value the assembly syntax denotes */
} MiCase;

START_TEST(test_modimm)
{
    static MiCase mc[MAX_CASES];
    static const char *const kn[4] = {"movi", "mvni", "orr", "bic"};
    uint32_t imms[6] = {0, 0xff, 0x80, 0x01, 0x5a, 0};

    a64_start(_i);
    batch_reset();
    imms[5] = (uint32_t)(rnd() & 0xff);
    for (int ii = 0; ii < 6; ii++) {
        uint64_t imm = imms[ii];
        for (int q = 0; q < 2; q++) {
            for (int kind = 0; kind < 4; kind++) {
                for (int k = 0; k < 32; k += 8) {
                    mc[batch_add("%s v0.%s, #%" PRIu64 ", lsl #%d", kn[kind],
                                 q ? "4s" : "2s", imm, k)] =
                        (MiCase){kind, 2, q, imm << k};
                    if (k < 16) {
                        mc[batch_add("%s v0.%s, #%" PRIu64 ", lsl #%d",
                                     kn[kind], q ? "8h" : "4h", imm, k)] =
                            (MiCase){kind, 1, q, imm << k};
                    }
                    if (kind < 2 && (k == 8 || k == 16)) {
                        mc[batch_add("%s v0.%s, #%" PRIu64 ", msl #%d",
                                     kn[kind], q ? "4s" : "2s", imm, k)] =
                            (MiCase){kind, 2, q, imm << k | ((1ull << k) - 1)};
                    }
                }
            }
            mc[batch_add("movi v0.%s, #%" PRIu64, q ? "16b" : "8b", imm)] =
                (MiCase){M_MOVI, 0, q, imm};
            {
                uint64_t mask = 0;
                uint64_t bits = imm ^ (ii == 5 ? 0 : (uint64_t)ii * 0x25);
                for (int b = 0; b < 8; b++) {
                    if (bits >> b & 1) {
                        mask |= 0xffull << (8 * b);
                    }
                }
                if (q) {
                    mc[batch_add("movi v0.2d, #0x%" PRIx64, mask)] =
                        (MiCase){M_MOVI, 3, 1, mask};
                } else {
                    mc[batch_add("movi d0, #0x%" PRIx64, mask)] =
                        (MiCase){M_MOVI, 3, 0, mask};
                }
            }
        }
    }
    batch_load();

    for (int c = 0; c < batch.n; c++) {
        const MiCase *k = &mc[c];
        for (int it = 0; it < 2; it++) {
            Vec d = vrand(), want = d;
            setv(0, d);
            batch_run(c);
            for (int i = 0; i < 16 >> k->esz; i++) {
                uint64_t l = k->lane & ones(k->esz), o = vget(&d, k->esz, i);
                vset(&want, k->esz, i,
                     k->kind == M_MOVI   ? l
                     : k->kind == M_MVNI ? ~l
                     : k->kind == M_ORR  ? o | l
                                         : o & ~l);
            }
            if (!k->q) {
                want.d[1] = 0;
            }
            checkv(0, want, c);
        }
    }
}
END_TEST

/* ---- reserved encodings ---- */

/* Encoders for the groups' layouts (Arm ARM C4.1.91), checked against
 * GNU as on a valid encoding before they build reserved ones. */
static uint32_t enc_copy(int q, int op, int imm5, int imm4, int rn, int rd)
{
    return 0x0e000400u | q << 30 | op << 29 | imm5 << 16 | imm4 << 11 |
           rn << 5 | rd;
}

static uint32_t enc_scopy(int imm5, int imm4)
{
    return 0x5e000400u | imm5 << 16 | imm4 << 11 | 1 << 5;
}

static uint32_t enc_perm(int q, int size, int opc)
{
    return 0x0e000800u | q << 30 | size << 22 | 2 << 16 | opc << 12 | 1 << 5;
}

static uint32_t enc_ext(int q, int imm4)
{
    return 0x2e000000u | q << 30 | 2 << 16 | imm4 << 11 | 1 << 5;
}

static uint32_t enc_shift(int scalar, int q, int u, int immh, int immb,
                          int opcode)
{
    return (scalar ? 0x5f000400u : 0x0f000400u) | q << 30 | u << 29 |
           immh << 19 | immb << 16 | opcode << 11 | 1 << 5;
}

static uint32_t enc_modimm(int q, int op, int cmode, int imm8)
{
    return 0x0f000400u | q << 30 | op << 29 | (imm8 >> 5) << 16 | cmode << 12 |
           (imm8 & 31) << 5;
}

START_TEST(test_undef)
{
    static const struct {
        const char *text;
        uint32_t enc;
    } same[] = {
        {"dup v0.8h, v1.h[3]", 0},
        {"umov w0, v1.s[1]", 0},
        {"mov b0, v1.b[5]", 0},
        {"zip2 v0.4s, v1.4s, v2.4s", 0},
        {"ext v0.16b, v1.16b, v2.16b, #9", 0},
        {"sshr v0.2s, v1.2s, #7", 0},
        {"uqshl d0, d1, #5", 0},
        {"movi v0.4s, #0xab, lsl #8", 0},
    };
    uint32_t mine[8] = {
        enc_copy(1, 0, 0x0e, 0, 1, 0),
        enc_copy(0, 0, 0x0c, 7, 1, 0),
        enc_scopy(0x0b, 0),
        enc_perm(1, 2, 7),
        enc_ext(1, 9),
        enc_shift(0, 0, 0, 7, 1, 0),
        enc_shift(1, 1, 1, 8, 5, 0x0e),
        enc_modimm(1, 0, 2, 0xab),
    };
    static const char *const what[] = {
        "dup imm5 = x0000",
        "dup v0.1d (Q = 0)",
        "dup Vd.16b, W: imm5 = x0000",
        "ins imm5 = 0",
        "umov w from d",
        "umov x from s",
        "umov x from b",
        "smov w from s",
        "smov x from d",
        "smov w from d",
        "scalar dup imm5 = 0",
        "scalar dup imm4 != 0",
        "ins element imm5 = 0",
        "copy imm4 = 0010",
        "zip1 size 3, Q 0",
        "uzp2 size 3, Q 0",
        "permute opc 000",
        "permute opc 100",
        "ext Q 0 imm4 >= 8",
        "sshr 1d vector Q 0",
        "shl 1d vector Q 0",
        "sshr scalar S",
        "shl scalar B",
        "sri scalar H",
        "shrn from 2d-wide",
        "sqshrn scalar immh 1xxx",
        "sshll immh 1xxx",
        "sqshrn vector immh 1xxx",
        "scalar shift immh 0",
        "scalar shrn (U = 0)",
        "movi op 1 Q 0 cmode 1111",
        "sqshlu with U = 0",
        "sri with U = 0",
        "modimm with o2 = 1 is not MOVI",
    };
    uint32_t bad[] = {
        enc_copy(1, 0, 0x10, 0, 1, 0),
        enc_copy(0, 0, 0x08, 0, 1, 0),
        enc_copy(1, 0, 0x00, 1, 1, 0),
        enc_copy(1, 0, 0x00, 3, 1, 0),
        enc_copy(0, 0, 0x08, 7, 1, 0),
        enc_copy(1, 0, 0x04, 7, 1, 0),
        enc_copy(1, 0, 0x01, 7, 1, 0),
        enc_copy(0, 0, 0x04, 5, 1, 0),
        enc_copy(1, 0, 0x08, 5, 1, 0),
        enc_copy(0, 0, 0x08, 5, 1, 0),
        enc_scopy(0x00, 0),
        enc_scopy(0x01, 1),
        enc_copy(1, 1, 0x00, 0, 1, 0),
        enc_copy(1, 0, 0x01, 2, 1, 0),
        enc_perm(0, 3, 3),
        enc_perm(0, 3, 5),
        enc_perm(1, 0, 0),
        enc_perm(1, 0, 4),
        enc_ext(0, 8),
        enc_shift(0, 0, 0, 8, 0, 0x00),
        enc_shift(0, 0, 0, 8, 0, 0x0a),
        enc_shift(1, 1, 0, 4, 0, 0x00),
        enc_shift(1, 1, 0, 1, 0, 0x0a),
        enc_shift(1, 1, 1, 2, 0, 0x08),
        enc_shift(0, 1, 0, 8, 0, 0x10),
        enc_shift(1, 1, 0, 8, 0, 0x12),
        enc_shift(0, 0, 0, 8, 0, 0x14),
        enc_shift(0, 1, 1, 9, 0, 0x12),
        enc_shift(1, 1, 0, 0, 5, 0x0e),
        enc_shift(1, 1, 0, 2, 0, 0x10),
        enc_modimm(0, 1, 15, 0x12),
        enc_shift(0, 1, 0, 2, 0, 0x0c),
        enc_shift(0, 1, 0, 2, 0, 0x08),
        enc_modimm(1, 1, 14, 0x12) | 1 << 11,
    };
    uint32_t words[2];

    a64_start(_i);
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        ck_assert_int_eq(a64_assemble(same[i].text, words, 2), 1);
        ck_assert_msg(words[0] == mine[i], "encoder for \"%s\": %08x vs %08x",
                      same[i].text, mine[i], words[0]);
    }
    ck_assert_int_eq(sizeof(bad) / sizeof(bad[0]),
                     sizeof(what) / sizeof(what[0]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[64];
        int e;
        snprintf(text, sizeof(text), ".inst 0x%08x", bad[i]);
        e = a64_run_asm_excp(text);
        a64_assert_excp(e, EXCP_A64_UNDEF, what[i]);
        ck_assert_msg(a64_cpu->pc == A64_CODE, "%s: pc", what[i]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aarch64-simdx");
    TCase *tc = tcase_create("simdx");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_copy, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_permute, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_tbl, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_shift_vector, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_shift_scalar, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_shift_alias, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_modimm, 0, A64_NCONFIGS);
    tcase_add_loop_test(tc, test_undef, 0, A64_NCONFIGS);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

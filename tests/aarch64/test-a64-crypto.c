/*
 * aarch64 cryptographic extension (a64-crypto.decode): AES, SHA-1,
 * SHA-256, SHA-512, SHA-3 and PMULL/PMULL2 .1Q, on every backend/optimizer
 * configuration, each both with the host's AES-NI/PCLMULQDQ paths (when
 * the host has them) and with the portable C ones (loop index >= 4).
 *
 * Whole algorithms run as the instruction sequences real code uses: AES
 * rounds as AESE+AESMC pairs, SHA compression functions with their
 * message schedule. The glue instructions those sequences need (ADD,
 * MOV, EXT, EOR, LD1) belong to other groups; when this build has them
 * the sequence also runs in one piece, and it always runs with the glue
 * done here in C between the crypto instructions. References (FIPS-197,
 * FIPS 180-4, the Arm ARM pseudocode, carry-less multiplication) are
 * computed in C in this file, plus the published digests.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-harness.h"

/* crypto-helper.c: run the portable paths instead of the host's. */
void a64_crypto_force_portable(bool on);

#define NRUNS (2 * A64_NCONFIGS)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char what_buf[256];
static bool cur_portable;

/* Loop index i: configuration i % 4, portable helpers when i >= 4. */
static void start(int i)
{
    a64_start(i % A64_NCONFIGS);
    cur_portable = i >= A64_NCONFIGS;
    a64_crypto_force_portable(cur_portable);
}

/* A description for assertion messages, naming the helper paths. */
static const char *what(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static const char *what(const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(what_buf, sizeof(what_buf),
                     "%s: ", cur_portable ? "portable" : "host");

    va_start(ap, fmt);
    vsnprintf(what_buf + n, sizeof(what_buf) - (size_t)n, fmt, ap);
    va_end(ap);
    return what_buf;
}

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    /* xorshift64*: a fixed seed, so every run checks the same values. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static AArch64Vec vec(uint64_t lo, uint64_t hi)
{
    AArch64Vec v;

    v.d[0] = lo;
    v.d[1] = hi;
    return v;
}

static void set_vec(int r, AArch64Vec v)
{
    a64_set_v(r, v.d[0], v.d[1]);
}

/* ---- running instruction words and programs ---- */

static uint32_t svc_word(void)
{
    uint32_t w;

    ck_assert(a64_assemble("svc #0", &w, 1) == 1);
    return w;
}

/* Run n words followed by svc #0 at A64_CODE; return the exception. */
static int run_words_excp(const uint32_t *w, size_t n)
{
    static uint32_t buf[4096];

    ck_assert(n < ARRAY_SIZE(buf));
    memcpy(buf, w, n * 4);
    buf[n] = svc_word();
    a64_poke(A64_CODE, buf, (n + 1) * 4);
    a64_cpu->pc = A64_CODE;
    return cpu_exec(&a64_cpu->parent);
}

static void run_words(const uint32_t *w, size_t n)
{
    int excp = run_words_excp(w, n);

    ck_assert_msg(
        excp == EXCP_A64_SVC && a64_cpu->pc == A64_CODE + n * 4,
        "[%s] %zu words from 0x%08x: stopped with %s at pc 0x%" PRIx64,
        a64_config_name(), n, w[0], aarch64_excp_name(excp), a64_cpu->pc);
}

/*
 * The glue instructions of the algorithm sequences, done in C when this
 * build's decoder does not have them: true if line is one of them, and
 * then, when apply, its effect on the CPU.
 */
static bool glue_in_c(const char *line, bool apply)
{
    AArch64Vec *v = a64_cpu->vregs, r;
    int d, n, m, imm;

    if (sscanf(line, " add v%d.4s, v%d.4s, v%d.4s", &d, &n, &m) == 3) {
        for (int i = 0; i < 4; i++) {
            r.s[i] = v[n].s[i] + v[m].s[i];
        }
    } else if (sscanf(line, " add v%d.2d, v%d.2d, v%d.2d", &d, &n, &m) == 3) {
        r = vec(v[n].d[0] + v[m].d[0], v[n].d[1] + v[m].d[1]);
    } else if (sscanf(line, " eor v%d.16b, v%d.16b, v%d.16b", &d, &n, &m) ==
               3) {
        r = vec(v[n].d[0] ^ v[m].d[0], v[n].d[1] ^ v[m].d[1]);
    } else if (sscanf(line, " ext v%d.16b, v%d.16b, v%d.16b, #%d", &d, &n, &m,
                      &imm) == 4) {
        uint8_t cat[32];
        memcpy(cat, v[n].b, 16);
        memcpy(cat + 16, v[m].b, 16);
        memcpy(r.b, cat + imm, 16);
    } else if (sscanf(line, " mov v%d.16b, v%d.16b", &d, &n) == 2) {
        r = v[n];
    } else if (sscanf(line, " ld1 {v%d.2d}, [x%d], #16", &d, &n) == 2) {
        uint64_t a = a64_cpu->xregs[n];
        if (apply) {
            ck_assert(a <= A64_MEM_SIZE - 16);
            r = vec(a64_peek64(a), a64_peek64(a + 8));
            a64_cpu->xregs[n] = a + 16;
        }
    } else {
        return false;
    }
    if (apply) {
        v[d] = r;
    }
    return true;
}

/* True when the decoder has every glue instruction (the other groups'
 * work is in this build): probe them once per run. */
static bool have_glue(void)
{
    int excp;

    a64_cpu->xregs[0] = A64_DATA;
    excp = a64_run_asm_excp("add v0.4s, v1.4s, v2.4s\n"
                            "add v0.2d, v1.2d, v2.2d\n"
                            "eor v0.16b, v1.16b, v2.16b\n"
                            "ext v0.16b, v1.16b, v2.16b, #8\n"
                            "mov v0.16b, v1.16b\n"
                            "ld1 {v0.2d}, [x0], #16");
    return excp == EXCP_A64_SVC;
}

/*
 * Run a program of one instruction per line: in one piece (whole), or
 * with the glue lines done in C and the runs of other lines between them
 * executed by the guest.
 */
static void run_program(const char *text, bool whole)
{
    static uint32_t words[8192];
    size_t n, line = 0, chunk = 0;
    const char *p = text;

    if (whole) {
        a64_run_asm(text);
        return;
    }
    n = a64_assemble(text, words, ARRAY_SIZE(words));
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char buf[128];

        ck_assert(len < sizeof(buf) && line < n);
        memcpy(buf, p, len);
        buf[len] = 0;
        if (glue_in_c(buf, false)) {
            if (line > chunk) {
                run_words(words + chunk, line - chunk);
            }
            glue_in_c(buf, true);
            chunk = line + 1;
        }
        line++;
        p += len + (eol ? 1 : 0);
    }
    ck_assert_msg(line == n, "program has %zu lines but %zu words", line, n);
    if (line > chunk) {
        run_words(words + chunk, line - chunk);
    }
}

/* Program text builder. */
typedef struct Prog {
    char *buf;
    size_t len, cap;
} Prog;

static void emit(Prog *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void emit(Prog *p, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (p->cap - p->len < 128) {
        p->cap = p->cap ? p->cap * 2 : 4096;
        p->buf = realloc(p->buf, p->cap);
        ck_assert_ptr_nonnull(p->buf);
    }
    va_start(ap, fmt);
    n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
    va_end(ap);
    ck_assert(n > 0 && (size_t)n < p->cap - p->len - 1);
    p->len += (size_t)n;
    p->buf[p->len++] = '\n';
    p->buf[p->len] = 0;
}

/* The text without its final newline (a64_run_asm appends a line). */
static const char *prog_text(Prog *p)
{
    if (p->len && p->buf[p->len - 1] == '\n') {
        p->buf[--p->len] = 0;
    }
    return p->buf;
}

/* ---- AES reference (FIPS-197), state[r][c] = register byte r + 4c ---- */

static uint8_t ref_sbox[256], ref_inv_sbox[256];

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;

    while (b) {
        if (b & 1) {
            r ^= a;
        }
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

/* The S-box from its definition: the inverse in GF(2^8), then the
 * affine transformation. */
static void init_sbox(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0, s;
        for (int y = 1; y < 256 && x; y++) {
            if (gmul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        }
        s = inv;
        for (int i = 1; i <= 4; i++) {
            s ^= (uint8_t)((inv << i) | (inv >> (8 - i)));
        }
        ref_sbox[x] = s ^ 0x63;
        ref_inv_sbox[ref_sbox[x]] = (uint8_t)x;
    }
}

typedef uint8_t AesState[4][4];

static void to_state(AesState s, AArch64Vec v)
{
    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            s[r][c] = v.b[r + 4 * c];
        }
    }
}

static AArch64Vec from_state(AesState s)
{
    AArch64Vec v;

    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            v.b[r + 4 * c] = s[r][c];
        }
    }
    return v;
}

static AArch64Vec xor_vec(AArch64Vec a, AArch64Vec b)
{
    return vec(a.d[0] ^ b.d[0], a.d[1] ^ b.d[1]);
}

static AArch64Vec ref_sub_bytes(AArch64Vec v, bool inv)
{
    for (int i = 0; i < 16; i++) {
        v.b[i] = inv ? ref_inv_sbox[v.b[i]] : ref_sbox[v.b[i]];
    }
    return v;
}

static AArch64Vec ref_shift_rows(AArch64Vec v, bool inv)
{
    AesState s, t;

    to_state(s, v);
    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
            if (inv) {
                t[r][(c + r) % 4] = s[r][c];
            } else {
                t[r][c] = s[r][(c + r) % 4];
            }
        }
    }
    return from_state(t);
}

static AArch64Vec ref_mix_columns(AArch64Vec v, bool inv)
{
    static const uint8_t fwd[4] = {2, 3, 1, 1}, bwd[4] = {14, 11, 13, 9};
    const uint8_t *k = inv ? bwd : fwd;
    AesState s, t;

    to_state(s, v);
    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            t[r][c] = 0;
            for (int j = 0; j < 4; j++) {
                t[r][c] ^= gmul(k[(j - r + 4) % 4], s[j][c]);
            }
        }
    }
    return from_state(t);
}

/* AES-128 key expansion: the 11 round keys. */
static void aes128_expand(const uint8_t key[16], AArch64Vec rk[11])
{
    uint8_t w[44][4];
    uint8_t rcon = 1;

    memcpy(w, key, 16);
    for (int i = 4; i < 44; i++) {
        uint8_t t[4];
        memcpy(t, w[i - 1], 4);
        if (i % 4 == 0) {
            uint8_t t0 = t[0];
            t[0] = ref_sbox[t[1]] ^ rcon;
            t[1] = ref_sbox[t[2]];
            t[2] = ref_sbox[t[3]];
            t[3] = ref_sbox[t0];
            rcon = gmul(rcon, 2);
        }
        for (int j = 0; j < 4; j++) {
            w[i][j] = w[i - 4][j] ^ t[j];
        }
    }
    for (int r = 0; r < 11; r++) {
        memcpy(rk[r].b, w[4 * r], 16);
    }
}

static AArch64Vec aes128_encrypt_ref(AArch64Vec in, const AArch64Vec rk[11])
{
    AArch64Vec s = xor_vec(in, rk[0]);

    for (int r = 1; r <= 10; r++) {
        s = ref_shift_rows(ref_sub_bytes(s, false), false);
        if (r < 10) {
            s = ref_mix_columns(s, false);
        }
        s = xor_vec(s, rk[r]);
    }
    return s;
}

/* The straightforward inverse cipher (FIPS-197 5.3). */
static AArch64Vec aes128_decrypt_ref(AArch64Vec in, const AArch64Vec rk[11])
{
    AArch64Vec s = xor_vec(in, rk[10]);

    for (int r = 9; r >= 0; r--) {
        s = ref_sub_bytes(ref_shift_rows(s, true), true);
        s = xor_vec(s, rk[r]);
        if (r > 0) {
            s = ref_mix_columns(s, true);
        }
    }
    return s;
}

static AArch64Vec vec_bytes(const uint8_t b[16])
{
    AArch64Vec v;

    memcpy(v.b, b, 16);
    return v;
}

/* AESE/AESMC x9, AESE, EOR for encryption with the round keys in
 * v16..v26; AESD/AESIMC for decryption with the equivalent inverse
 * cipher's keys there. The block is in v1. */
static const char *aes128_program(bool dec)
{
    static char text[2][1024];
    char *t = text[dec];
    size_t len = 0;

    for (int r = 0; r < 10; r++) {
        len += (size_t)snprintf(t + len, sizeof(text[0]) - len,
                                "%s v1.16b, v%d.16b\n", dec ? "aesd" : "aese",
                                16 + r);
        if (r < 9) {
            len += (size_t)snprintf(t + len, sizeof(text[0]) - len,
                                    "%s v1.16b, v1.16b\n",
                                    dec ? "aesimc" : "aesmc");
        }
    }
    snprintf(t + len, sizeof(text[0]) - len, "eor v1.16b, v1.16b, v26.16b");
    return t;
}

START_TEST(test_aes128)
{
    /* FIPS-197 appendix C.1. */
    static const uint8_t fips_key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
                                         0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                         0x0c, 0x0d, 0x0e, 0x0f};
    static const uint8_t fips_pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                        0xcc, 0xdd, 0xee, 0xff};
    static const uint8_t fips_ct[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b,
                                        0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80,
                                        0x70, 0xb4, 0xc5, 0x5a};
    bool glue;

    start(_i);
    init_sbox();
    glue = have_glue();
    rng_state = 0x5eed0001;
    for (int t = 0; t < 9; t++) {
        uint8_t key[16];
        AArch64Vec rk[11], pt, ct;

        if (t == 0) {
            memcpy(key, fips_key, 16);
            pt = vec_bytes(fips_pt);
        } else {
            AArch64Vec k = vec(rnd64(), rnd64());
            memcpy(key, k.b, 16);
            pt = vec(rnd64(), rnd64());
        }
        aes128_expand(key, rk);
        ct = aes128_encrypt_ref(pt, rk);
        if (t == 0) {
            AArch64Vec want = vec_bytes(fips_ct);
            ck_assert_msg(memcmp(&ct, &want, 16) == 0,
                          "the C AES reference disagrees with FIPS-197");
            ck_assert_msg(memcmp(aes128_decrypt_ref(ct, rk).b, fips_pt, 16) ==
                              0,
                          "the C AES inverse disagrees with FIPS-197");
        }
        for (int whole = 0; whole <= (int)glue; whole++) {
            /* Encryption. */
            for (int r = 0; r < 11; r++) {
                set_vec(16 + r, rk[r]);
            }
            set_vec(1, pt);
            run_program(aes128_program(false), whole);
            a64_assert_v(1, ct.d[0], ct.d[1],
                         what("AES-128 encryption %d (whole %d)", t, whole));
            /* Decryption: the round keys in reverse, InvMixColumns applied
             * to the middle ones. */
            set_vec(16, rk[10]);
            for (int r = 1; r < 10; r++) {
                set_vec(16 + r, ref_mix_columns(rk[10 - r], true));
            }
            set_vec(26, rk[0]);
            set_vec(1, ct);
            run_program(aes128_program(true), whole);
            a64_assert_v(1, pt.d[0], pt.d[1],
                         what("AES-128 decryption %d (whole %d)", t, whole));
        }
    }
}
END_TEST

/* ---- SHA references (FIPS 180-4) ---- */

static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
    0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
    0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
    0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
    0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
    0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
    0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
    0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
    0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
    0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
    0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
    0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
    0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
    0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/* SHA-256's constants are the first 32 bits of the same cube roots. */
static uint32_t sha256_k(int t)
{
    return (uint32_t)(sha512_k[t] >> 32);
}

static const uint32_t sha1_k[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc,
                                   0xca62c1d6};

static uint32_t rotl32(uint32_t x, int n)
{
    return n ? (x << n) | (x >> (32 - n)) : x;
}

static uint32_t rotr32(uint32_t x, int n)
{
    return rotl32(x, (32 - n) & 31);
}

static uint64_t rotr64(uint64_t x, int n)
{
    return n ? (x >> n) | (x << (64 - n)) : x;
}

/* Padded message: 64- or 128-byte blocks; returns the block count. */
static size_t sha_pad(const char *msg, uint8_t *out, size_t block)
{
    size_t len = strlen(msg),
           total = (len + 1 + block / 8 + block - 1) / block * block;

    memset(out, 0, total);
    memcpy(out, msg, len);
    out[len] = 0x80;
    for (int i = 0; i < 8; i++) {
        out[total - 1 - i] = (uint8_t)(((uint64_t)len * 8) >> (8 * i));
    }
    return total / block;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void sha1_compress_ref(uint32_t h[5], const uint8_t *blk)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

    for (int t = 0; t < 80; t++) {
        uint32_t f, tmp;
        w[t] = t < 16 ? be32(blk + 4 * t)
                      : rotl32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        if (t < 20) {
            f = (b & c) | (~b & d);
        } else if (t < 40 || t >= 60) {
            f = b ^ c ^ d;
        } else {
            f = (b & c) | (b & d) | (c & d);
        }
        tmp = rotl32(a, 5) + f + e + sha1_k[t / 20] + w[t];
        e = d;
        d = c;
        c = rotl32(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

static void sha256_compress_ref(uint32_t h[8], const uint8_t *blk)
{
    uint32_t w[64], v[8];

    memcpy(v, h, sizeof(v));
    for (int t = 0; t < 64; t++) {
        uint32_t t1, t2, s0, s1;
        if (t < 16) {
            w[t] = be32(blk + 4 * t);
        } else {
            s0 =
                rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3);
            s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        t1 = v[7] + (rotr32(v[4], 6) ^ rotr32(v[4], 11) ^ rotr32(v[4], 25)) +
             ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k(t) + w[t];
        t2 = (rotr32(v[0], 2) ^ rotr32(v[0], 13) ^ rotr32(v[0], 22)) +
             ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof(v[0]));
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) {
        h[i] += v[i];
    }
}

static void sha512_compress_ref(uint64_t h[8], const uint8_t *blk)
{
    uint64_t w[80], v[8];

    memcpy(v, h, sizeof(v));
    for (int t = 0; t < 80; t++) {
        uint64_t t1, t2, s0, s1;
        if (t < 16) {
            w[t] = be64(blk + 8 * t);
        } else {
            s0 = rotr64(w[t - 15], 1) ^ rotr64(w[t - 15], 8) ^ (w[t - 15] >> 7);
            s1 = rotr64(w[t - 2], 19) ^ rotr64(w[t - 2], 61) ^ (w[t - 2] >> 6);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        t1 = v[7] + (rotr64(v[4], 14) ^ rotr64(v[4], 18) ^ rotr64(v[4], 41)) +
             ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha512_k[t] + w[t];
        t2 = (rotr64(v[0], 28) ^ rotr64(v[0], 34) ^ rotr64(v[0], 39)) +
             ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof(v[0]));
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) {
        h[i] += v[i];
    }
}

static void hex_words(char *out, const void *h, int n, int size)
{
    for (int i = 0; i < n; i++) {
        if (size == 4) {
            out += sprintf(out, "%08" PRIx32, ((const uint32_t *)h)[i]);
        } else {
            out += sprintf(out, "%016" PRIx64, ((const uint64_t *)h)[i]);
        }
    }
}

/* The messages: FIPS 180 examples (one, two and three or two blocks)
 * and the empty string. */
static const char msg_2blk[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg_long[] =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopj"
    "klmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
static const char *const sha_msgs[] = {"abc", msg_2blk, msg_long, ""};

/* ---- SHA-1 ---- */

/*
 * One block: K in v0..v3, the message words in v8..v11 (as LD1+REV32
 * leaves them), abcd in v20, e in s21, their saved copies in v26/v27.
 * Each group of four rounds first extends the schedule, adds W+K, takes
 * the next e with SHA1H and runs SHA1C/P/M; the two e registers
 * alternate, so the final e lands in s21.
 */
static const char *sha1_program(void)
{
    static Prog p;

    if (p.buf) {
        return p.buf;
    }
    for (int g = 0; g < 20; g++) {
        int w = 8 + g % 4;
        if (g >= 4) {
            emit(&p, "sha1su0 v%d.4s, v%d.4s, v%d.4s", w, 8 + (g + 1) % 4,
                 8 + (g + 2) % 4);
            emit(&p, "sha1su1 v%d.4s, v%d.4s", w, 8 + (g + 3) % 4);
        }
        emit(&p, "add v24.4s, v%d.4s, v%d.4s", w, g / 5);
        emit(&p, "sha1h s%d, s20", g % 2 ? 21 : 22);
        emit(&p, "sha1%c q20, s%d, v24.4s", "cpmp"[g / 5], g % 2 ? 22 : 21);
    }
    emit(&p, "add v20.4s, v20.4s, v26.4s");
    emit(&p, "add v21.4s, v21.4s, v27.4s");
    return prog_text(&p);
}

START_TEST(test_sha1)
{
    static const char *const published[] = {
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1", NULL, NULL};
    static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe,
                                   0x10325476, 0xc3d2e1f0};
    bool glue;

    start(_i);
    glue = have_glue();
    for (size_t mi = 0; mi < ARRAY_SIZE(sha_msgs); mi++) {
        uint8_t blocks[256];
        size_t nb = sha_pad(sha_msgs[mi], blocks, 64);
        uint32_t want[5];
        char hex[200];

        memcpy(want, iv, sizeof(want));
        for (size_t b = 0; b < nb; b++) {
            sha1_compress_ref(want, blocks + 64 * b);
        }
        hex_words(hex, want, 5, 4);
        ck_assert_msg(!published[mi] || strcmp(hex, published[mi]) == 0,
                      "C SHA-1 reference of message %zu: %s", mi, hex);
        for (int whole = 0; whole <= (int)glue; whole++) {
            uint32_t h[5];
            memcpy(h, iv, sizeof(h));
            for (size_t b = 0; b < nb; b++) {
                AArch64Vec *v = a64_cpu->vregs;
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 4; l++) {
                        v[k].s[l] = sha1_k[k];
                        v[8 + k].s[l] = be32(blocks + 64 * b + 16 * k + 4 * l);
                    }
                }
                memcpy(v[20].s, h, 16);
                v[21] = vec(h[4], 0);
                v[26] = v[20];
                v[27] = v[21];
                run_program(sha1_program(), whole);
                memcpy(h, v[20].s, 16);
                h[4] = v[21].s[0];
                ck_assert_msg(v[21].s[1] == 0 && v[21].d[1] == 0,
                              "SHA1H leaves the rest of Vd zero");
            }
            ck_assert_msg(memcmp(h, want, sizeof(h)) == 0, "%s",
                          what("SHA-1 of message %zu (whole %d)", mi, whole));
        }
    }
}
END_TEST

/* ---- SHA-256 ---- */

/*
 * One block: K in v0..v15, the message in v16..v19, abcd in v20, efgh
 * in v21, saved copies in v25/v26. Per four rounds: schedule, W+K, keep
 * abcd for SHA256H2, SHA256H, SHA256H2.
 */
static const char *sha256_program(void)
{
    static Prog p;

    if (p.buf) {
        return p.buf;
    }
    for (int g = 0; g < 16; g++) {
        int w = 16 + g % 4;
        if (g >= 4) {
            emit(&p, "sha256su0 v%d.4s, v%d.4s", w, 16 + (g + 1) % 4);
            emit(&p, "sha256su1 v%d.4s, v%d.4s, v%d.4s", w, 16 + (g + 2) % 4,
                 16 + (g + 3) % 4);
        }
        emit(&p, "add v23.4s, v%d.4s, v%d.4s", w, g);
        emit(&p, "mov v22.16b, v20.16b");
        emit(&p, "sha256h q20, q21, v23.4s");
        emit(&p, "sha256h2 q21, q22, v23.4s");
    }
    emit(&p, "add v20.4s, v20.4s, v25.4s");
    emit(&p, "add v21.4s, v21.4s, v26.4s");
    return prog_text(&p);
}

START_TEST(test_sha256)
{
    static const char *const published[] = {
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        NULL, NULL};
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};
    bool glue;

    start(_i);
    glue = have_glue();
    for (size_t mi = 0; mi < ARRAY_SIZE(sha_msgs); mi++) {
        uint8_t blocks[256];
        size_t nb = sha_pad(sha_msgs[mi], blocks, 64);
        uint32_t want[8];
        char hex[200];

        memcpy(want, iv, sizeof(want));
        for (size_t b = 0; b < nb; b++) {
            sha256_compress_ref(want, blocks + 64 * b);
        }
        hex_words(hex, want, 8, 4);
        ck_assert_msg(!published[mi] || strcmp(hex, published[mi]) == 0,
                      "C SHA-256 reference of message %zu: %s", mi, hex);
        for (int whole = 0; whole <= (int)glue; whole++) {
            uint32_t h[8];
            memcpy(h, iv, sizeof(h));
            for (size_t b = 0; b < nb; b++) {
                AArch64Vec *v = a64_cpu->vregs;
                for (int k = 0; k < 16; k++) {
                    for (int l = 0; l < 4; l++) {
                        v[k].s[l] = sha256_k(4 * k + l);
                    }
                }
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 4; l++) {
                        v[16 + k].s[l] = be32(blocks + 64 * b + 16 * k + 4 * l);
                    }
                }
                memcpy(v[20].s, h, 16);
                memcpy(v[21].s, h + 4, 16);
                v[25] = v[20];
                v[26] = v[21];
                run_program(sha256_program(), whole);
                memcpy(h, v[20].s, 16);
                memcpy(h + 4, v[21].s, 16);
            }
            ck_assert_msg(memcmp(h, want, sizeof(h)) == 0, "%s",
                          what("SHA-256 of message %zu (whole %d)", mi, whole));
        }
    }
}
END_TEST

/* ---- SHA-512 ---- */

/*
 * One block: the state as pairs (a,b) (c,d) (e,f) (g,h) in v0..v3 (first
 * of each pair in lane 0), v4 free, the message pairs in v16..v23, x0
 * pointing at K, saved state in v25..v28; the result goes to v10..v13.
 *
 * Two rounds per step: SHA512H takes (f,g), (d,e) and (g,h) + the two
 * W+K swapped, giving both rounds' T1; (c,d) + those is the new (e,f);
 * SHA512H2 with (c,.) and (a,b) gives the new (a,b). The five state
 * registers then change roles instead of moving data.
 */
static const char *sha512_program(void)
{
    static Prog p;
    int ab = 0, cd = 1, ef = 2, gh = 3, fr = 4;

    if (p.buf) {
        return p.buf;
    }
    for (int i = 0; i < 40; i++) {
        int w = 16 + i % 8, nab, ncd, nef, ngh, nfr;
        if (i >= 8) {
            emit(&p, "sha512su0 v%d.2d, v%d.2d", w, 16 + (i + 1) % 8);
            emit(&p, "ext v9.16b, v%d.16b, v%d.16b, #8", 16 + (i + 4) % 8,
                 16 + (i + 5) % 8);
            emit(&p, "sha512su1 v%d.2d, v%d.2d, v9.2d", w, 16 + (i + 7) % 8);
        }
        emit(&p, "ext v5.16b, v%d.16b, v%d.16b, #8", ef, gh);
        emit(&p, "ext v6.16b, v%d.16b, v%d.16b, #8", cd, ef);
        emit(&p, "ld1 {v24.2d}, [x0], #16");
        emit(&p, "add v8.2d, v%d.2d, v24.2d", w);
        emit(&p, "ext v7.16b, v8.16b, v8.16b, #8");
        emit(&p, "add v%d.2d, v%d.2d, v7.2d", gh, gh);
        emit(&p, "sha512h q%d, q5, v6.2d", gh);
        emit(&p, "add v%d.2d, v%d.2d, v%d.2d", fr, cd, gh);
        emit(&p, "sha512h2 q%d, q%d, v%d.2d", gh, cd, ab);
        nab = gh;
        ncd = ab;
        nef = fr;
        ngh = ef;
        nfr = cd;
        ab = nab;
        cd = ncd;
        ef = nef;
        gh = ngh;
        fr = nfr;
    }
    emit(&p, "add v10.2d, v%d.2d, v25.2d", ab);
    emit(&p, "add v11.2d, v%d.2d, v26.2d", cd);
    emit(&p, "add v12.2d, v%d.2d, v27.2d", ef);
    emit(&p, "add v13.2d, v%d.2d, v28.2d", gh);
    return prog_text(&p);
}

START_TEST(test_sha512)
{
    static const char *const published[] = {
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        NULL,
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
        NULL};
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
        0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
        0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
    bool glue;

    start(_i);
    glue = have_glue();
    for (size_t mi = 0; mi < ARRAY_SIZE(sha_msgs); mi++) {
        uint8_t blocks[512];
        size_t nb = sha_pad(sha_msgs[mi], blocks, 128);
        uint64_t want[8];
        char hex[200];

        memcpy(want, iv, sizeof(want));
        for (size_t b = 0; b < nb; b++) {
            sha512_compress_ref(want, blocks + 128 * b);
        }
        hex_words(hex, want, 8, 8);
        ck_assert_msg(!published[mi] || strcmp(hex, published[mi]) == 0,
                      "C SHA-512 reference of message %zu: %s", mi, hex);
        for (int whole = 0; whole <= (int)glue; whole++) {
            uint64_t h[8];
            memcpy(h, iv, sizeof(h));
            for (size_t b = 0; b < nb; b++) {
                AArch64Vec *v = a64_cpu->vregs;
                a64_poke(A64_DATA, sha512_k, sizeof(sha512_k));
                a64_cpu->xregs[0] = A64_DATA;
                for (int k = 0; k < 8; k++) {
                    v[16 + k] = vec(be64(blocks + 128 * b + 16 * k),
                                    be64(blocks + 128 * b + 16 * k + 8));
                }
                for (int k = 0; k < 4; k++) {
                    v[k] = vec(h[2 * k], h[2 * k + 1]);
                    v[25 + k] = v[k];
                }
                run_program(sha512_program(), whole);
                for (int k = 0; k < 4; k++) {
                    h[2 * k] = v[10 + k].d[0];
                    h[2 * k + 1] = v[10 + k].d[1];
                }
                ck_assert_msg(a64_cpu->xregs[0] == A64_DATA + sizeof(sha512_k),
                              "the program read all of K");
            }
            ck_assert_msg(memcmp(h, want, sizeof(h)) == 0, "%s",
                          what("SHA-512 of message %zu (whole %d)", mi, whole));
        }
    }
}
END_TEST

/* ---- each instruction against the Arm ARM pseudocode ---- */

typedef AArch64Vec (*RefFn)(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                            AArch64Vec a, int imm);

static AArch64Vec ref_aese(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                           AArch64Vec a, int imm)
{
    return ref_sub_bytes(ref_shift_rows(xor_vec(d, n), false), false);
}

static AArch64Vec ref_aesd(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                           AArch64Vec a, int imm)
{
    return ref_sub_bytes(ref_shift_rows(xor_vec(d, n), true), true);
}

static AArch64Vec ref_aesmc(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                            AArch64Vec a, int imm)
{
    return ref_mix_columns(n, false);
}

static AArch64Vec ref_aesimc(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                             AArch64Vec a, int imm)
{
    return ref_mix_columns(n, true);
}

/* SHA1C/P/M: imm selects the function (0 choose, 1 parity, 2 majority). */
static AArch64Vec ref_sha1_hash(AArch64Vec x, AArch64Vec n, AArch64Vec w,
                                AArch64Vec unused, int imm)
{
    uint32_t y = n.s[0];

    for (int e = 0; e < 4; e++) {
        uint32_t b = x.s[1], c = x.s[2], d = x.s[3], f;
        if (imm == 0) {
            f = (b & c) | (~b & d);
        } else if (imm == 1) {
            f = b ^ c ^ d;
        } else {
            f = (b & c) | (b & d) | (c & d);
        }
        y = y + rotl32(x.s[0], 5) + f + w.s[e];
        x.s[1] = rotl32(b, 30);
        /* <Y, X> = ROL(Y:X, 32) */
        {
            uint32_t top = x.s[3];
            x.s[3] = x.s[2];
            x.s[2] = x.s[1];
            x.s[1] = x.s[0];
            x.s[0] = y;
            y = top;
        }
    }
    return x;
}

static AArch64Vec ref_sha1su0(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                              AArch64Vec a, int imm)
{
    AArch64Vec r = vec(d.d[1], n.d[0]);

    return xor_vec(xor_vec(r, d), m);
}

static AArch64Vec ref_sha1h(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                            AArch64Vec a, int imm)
{
    return vec(rotl32(n.s[0], 30), 0);
}

static AArch64Vec ref_sha1su1(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                              AArch64Vec a, int imm)
{
    AArch64Vec t, r;

    /* T = Vd EOR LSR(Vn, 32) over 128 bits. */
    t = vec(d.d[0] ^ (n.d[0] >> 32 | n.d[1] << 32), d.d[1] ^ (n.d[1] >> 32));
    for (int e = 0; e < 4; e++) {
        r.s[e] = rotl32(t.s[e], 1);
    }
    r.s[3] ^= rotl32(t.s[0], 2);
    return r;
}

static void ref_sha256_hash(AArch64Vec *x, AArch64Vec *y, AArch64Vec w)
{
    for (int e = 0; e < 4; e++) {
        uint32_t ch = (y->s[0] & y->s[1]) ^ (~y->s[0] & y->s[2]);
        uint32_t maj =
            (x->s[0] & x->s[1]) ^ (x->s[0] & x->s[2]) ^ (x->s[1] & x->s[2]);
        uint32_t t =
            y->s[3] +
            (rotr32(y->s[0], 6) ^ rotr32(y->s[0], 11) ^ rotr32(y->s[0], 25)) +
            ch + w.s[e];
        uint32_t xtop = t + x->s[3];
        uint32_t ytop =
            t + maj +
            (rotr32(x->s[0], 2) ^ rotr32(x->s[0], 13) ^ rotr32(x->s[0], 22));
        /* <Y, X> = ROL(Y:X, 32): each moves up a lane, X's top into Y. */
        memmove(&x->s[1], &x->s[0], 12);
        memmove(&y->s[1], &y->s[0], 12);
        x->s[0] = ytop;
        y->s[0] = xtop;
    }
}

static AArch64Vec ref_sha256h(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                              AArch64Vec a, int imm)
{
    ref_sha256_hash(&d, &n, m);
    return d;
}

static AArch64Vec ref_sha256h2(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                               AArch64Vec a, int imm)
{
    ref_sha256_hash(&n, &d, m);
    return d;
}

static AArch64Vec ref_sha256su0(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                                AArch64Vec a, int imm)
{
    uint32_t t[4] = {d.s[1], d.s[2], d.s[3], n.s[0]};

    for (int e = 0; e < 4; e++) {
        d.s[e] += rotr32(t[e], 7) ^ rotr32(t[e], 18) ^ (t[e] >> 3);
    }
    return d;
}

static AArch64Vec ref_sha256su1(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                                AArch64Vec a, int imm)
{
    uint32_t t0[4] = {n.s[1], n.s[2], n.s[3], m.s[0]};
    uint32_t t1[4] = {m.s[2], m.s[3], 0, 0};

    for (int e = 0; e < 4; e++) {
        uint32_t x = t1[e];
        if (e >= 2) {
            x = d.s[e - 2];
        }
        d.s[e] += (rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10)) + t0[e];
    }
    return d;
}

static uint64_t big_sigma1(uint64_t x)
{
    return rotr64(x, 14) ^ rotr64(x, 18) ^ rotr64(x, 41);
}

static uint64_t big_sigma0(uint64_t x)
{
    return rotr64(x, 28) ^ rotr64(x, 34) ^ rotr64(x, 39);
}

static AArch64Vec ref_sha512h(AArch64Vec w, AArch64Vec x, AArch64Vec y,
                              AArch64Vec a, int imm)
{
    uint64_t hi, lo, tmp;

    hi = ((y.d[1] & x.d[0]) ^ (~y.d[1] & x.d[1])) + big_sigma1(y.d[1]) + w.d[1];
    tmp = hi + y.d[0];
    lo = ((tmp & y.d[1]) ^ (~tmp & x.d[0])) + big_sigma1(tmp) + w.d[0];
    return vec(lo, hi);
}

static AArch64Vec ref_sha512h2(AArch64Vec w, AArch64Vec x, AArch64Vec y,
                               AArch64Vec a, int imm)
{
    uint64_t hi, lo;

    hi = ((x.d[0] & y.d[1]) ^ (x.d[0] & y.d[0]) ^ (y.d[1] & y.d[0])) +
         big_sigma0(y.d[0]) + w.d[1];
    lo = ((hi & y.d[0]) ^ (hi & y.d[1]) ^ (y.d[1] & y.d[0])) + big_sigma0(hi) +
         w.d[0];
    return vec(lo, hi);
}

static uint64_t small_sigma0(uint64_t x)
{
    return rotr64(x, 1) ^ rotr64(x, 8) ^ (x >> 7);
}

static uint64_t small_sigma1(uint64_t x)
{
    return rotr64(x, 19) ^ rotr64(x, 61) ^ (x >> 6);
}

static AArch64Vec ref_sha512su0(AArch64Vec w, AArch64Vec x, AArch64Vec m,
                                AArch64Vec a, int imm)
{
    return vec(w.d[0] + small_sigma0(w.d[1]), w.d[1] + small_sigma0(x.d[0]));
}

static AArch64Vec ref_sha512su1(AArch64Vec w, AArch64Vec x, AArch64Vec y,
                                AArch64Vec a, int imm)
{
    return vec(w.d[0] + small_sigma1(x.d[0]) + y.d[0],
               w.d[1] + small_sigma1(x.d[1]) + y.d[1]);
}

/* Carry-less product of a and b: bit i of a selects b << i. */
static AArch64Vec ref_clmul(uint64_t a, uint64_t b)
{
    AArch64Vec r = vec(0, 0);

    for (int i = 0; i < 64; i++) {
        if ((a >> i) & 1) {
            r.d[0] ^= b << i;
            if (i) {
                r.d[1] ^= b >> (64 - i);
            }
        }
    }
    return r;
}

static AArch64Vec ref_pmull(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                            AArch64Vec a, int imm)
{
    return ref_clmul(n.d[imm], m.d[imm]);
}

static AArch64Vec ref_eor3(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                           AArch64Vec a, int imm)
{
    return xor_vec(xor_vec(n, m), a);
}

static AArch64Vec ref_bcax(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                           AArch64Vec a, int imm)
{
    return vec(n.d[0] ^ (m.d[0] & ~a.d[0]), n.d[1] ^ (m.d[1] & ~a.d[1]));
}

static AArch64Vec ref_rax1(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                           AArch64Vec a, int imm)
{
    return vec(n.d[0] ^ rotr64(m.d[0], 63), n.d[1] ^ rotr64(m.d[1], 63));
}

static AArch64Vec ref_xar(AArch64Vec d, AArch64Vec n, AArch64Vec m,
                          AArch64Vec a, int imm)
{
    return vec(rotr64(n.d[0] ^ m.d[0], imm), rotr64(n.d[1] ^ m.d[1], imm));
}

/* Assembly with %d for Vd, Vn, Vm, Va in that order (unused ones are
 * ignored by printf). */
typedef struct InsnCase {
    const char *fmt;
    RefFn ref;
    int imm;
    bool sha3;
} InsnCase;

static const InsnCase insn_cases[] = {
    {"aese v%d.16b, v%d.16b", ref_aese, 0, false},
    {"aesd v%d.16b, v%d.16b", ref_aesd, 0, false},
    {"aesmc v%d.16b, v%d.16b", ref_aesmc, 0, false},
    {"aesimc v%d.16b, v%d.16b", ref_aesimc, 0, false},
    {"sha1c q%d, s%d, v%d.4s", ref_sha1_hash, 0, false},
    {"sha1p q%d, s%d, v%d.4s", ref_sha1_hash, 1, false},
    {"sha1m q%d, s%d, v%d.4s", ref_sha1_hash, 2, false},
    {"sha1su0 v%d.4s, v%d.4s, v%d.4s", ref_sha1su0, 0, false},
    {"sha1h s%d, s%d", ref_sha1h, 0, false},
    {"sha1su1 v%d.4s, v%d.4s", ref_sha1su1, 0, false},
    {"sha256h q%d, q%d, v%d.4s", ref_sha256h, 0, false},
    {"sha256h2 q%d, q%d, v%d.4s", ref_sha256h2, 0, false},
    {"sha256su0 v%d.4s, v%d.4s", ref_sha256su0, 0, false},
    {"sha256su1 v%d.4s, v%d.4s, v%d.4s", ref_sha256su1, 0, false},
    {"sha512h q%d, q%d, v%d.2d", ref_sha512h, 0, false},
    {"sha512h2 q%d, q%d, v%d.2d", ref_sha512h2, 0, false},
    {"sha512su0 v%d.2d, v%d.2d", ref_sha512su0, 0, false},
    {"sha512su1 v%d.2d, v%d.2d, v%d.2d", ref_sha512su1, 0, false},
    {"pmull v%d.1q, v%d.1d, v%d.1d", ref_pmull, 0, false},
    {"pmull2 v%d.1q, v%d.2d, v%d.2d", ref_pmull, 1, false},
    {"eor3 v%d.16b, v%d.16b, v%d.16b, v%d.16b", ref_eor3, 0, true},
    {"bcax v%d.16b, v%d.16b, v%d.16b, v%d.16b", ref_bcax, 0, true},
    {"rax1 v%d.2d, v%d.2d, v%d.2d", ref_rax1, 0, true},
    {"xar v%d.2d, v%d.2d, v%d.2d, #0", ref_xar, 0, true},
    {"xar v%d.2d, v%d.2d, v%d.2d, #1", ref_xar, 1, true},
    {"xar v%d.2d, v%d.2d, v%d.2d, #32", ref_xar, 32, true},
    {"xar v%d.2d, v%d.2d, v%d.2d, #63", ref_xar, 63, true},
};

/* Register choices (Vd, Vn, Vm, Va): distinct, then Vd as each source. */
static const int insn_regs[][4] = {
    {0, 1, 2, 3},     {4, 4, 5, 6},     {7, 8, 7, 9},
    {10, 11, 12, 10}, {31, 31, 31, 31}, {13, 14, 15, 16},
};

static uint64_t edge64(int k)
{
    static const uint64_t e[] = {0,
                                 ~0ull,
                                 1,
                                 0x8000000000000000ull,
                                 0x7fffffffffffffffull,
                                 0x5555555555555555ull,
                                 0xaaaaaaaaaaaaaaaaull,
                                 0x00000000ffffffffull,
                                 0xffffffff00000000ull,
                                 0x0123456789abcdefull};
    return e[k % ARRAY_SIZE(e)];
}

/* Every listed instruction in one program, assembled once; word i is
 * case i / NREGS with register choice i % NREGS. */
#define NREGS ARRAY_SIZE(insn_regs)
static const uint32_t *insn_words(void)
{
    static uint32_t words[ARRAY_SIZE(insn_cases) * NREGS];
    static bool done;
    Prog p = {0};

    if (done) {
        return words;
    }
    for (size_t c = 0; c < ARRAY_SIZE(insn_cases); c++) {
        for (size_t r = 0; r < NREGS; r++) {
            const int *g = insn_regs[r];
            char line[128];
            snprintf(line, sizeof(line), insn_cases[c].fmt, g[0], g[1], g[2],
                     g[3]);
            emit(&p, "%s", line);
        }
    }
    ck_assert(a64_assemble(prog_text(&p), words, ARRAY_SIZE(words)) ==
              ARRAY_SIZE(words));
    free(p.buf);
    done = true;
    return words;
}

START_TEST(test_each_insn)
{
    const uint32_t *words;

    start(_i);
    init_sbox();
    words = insn_words();
    a64_cpu->features |= A64_FEAT_SHA3;
    tb_flush();
    rng_state = 0x5eed0002;
    for (size_t c = 0; c < ARRAY_SIZE(insn_cases); c++) {
        const InsnCase *ic = &insn_cases[c];
        for (size_t r = 0; r < NREGS; r++) {
            const int *g = insn_regs[r];
            for (int it = 0; it < 60; it++) {
                AArch64Vec before[32], want;
                char text[128];
                /* Edge values first (each register a different one),
                 * then random ones. */
                for (int v = 0; v < 32; v++) {
                    if (it < 20) {
                        a64_set_v(v, edge64(it + v), edge64(it * 3 + v + 1));
                    } else {
                        a64_set_v(v, rnd64(), rnd64());
                    }
                }
                memcpy(before, a64_cpu->vregs, sizeof(before));
                want = ic->ref(before[g[0]], before[g[1]], before[g[2]],
                               before[g[3]], ic->imm);
                run_words(&words[c * NREGS + r], 1);
                snprintf(text, sizeof(text), ic->fmt, g[0], g[1], g[2], g[3]);
                a64_assert_v(g[0], want.d[0], want.d[1],
                             what("%s, iteration %d", text, it));
                for (int v = 0; v < 32; v++) {
                    ck_assert_msg(
                        v == g[0] ||
                            memcmp(&before[v], &a64_cpu->vregs[v], 16) == 0,
                        "%s changed v%d", text, v);
                }
            }
        }
    }
}
END_TEST

/* PMULL/PMULL2 .1Q against a carry-less multiply on single-bit, edge and
 * random operands. */
START_TEST(test_pmull64)
{
    start(_i);
    rng_state = 0x5eed0003;
    for (int it = 0; it < 400; it++) {
        uint64_t a[2], b[2];
        AArch64Vec want;
        for (int l = 0; l < 2; l++) {
            if (it < 64) {
                a[l] = 1ull << it;
                b[l] = l ? ~0ull : 1ull << (63 - it);
            } else if (it < 164) {
                a[l] = edge64(it + l);
                b[l] = edge64((it - 64) / 10 + 3 * l);
            } else {
                a[l] = rnd64();
                b[l] = rnd64();
            }
        }
        a64_set_v(3, a[0], a[1]);
        a64_set_v(4, b[0], b[1]);
        a64_set_v(5, rnd64(), rnd64());
        a64_run_asm("pmull v5.1q, v3.1d, v4.1d\n"
                    "pmull2 v6.1q, v3.2d, v4.2d\n"
                    "pmull v3.1q, v3.1d, v3.1d");
        want = ref_clmul(a[0], b[0]);
        a64_assert_v(5, want.d[0], want.d[1], what("pmull %d", it));
        want = ref_clmul(a[1], b[1]);
        a64_assert_v(6, want.d[0], want.d[1], what("pmull2 %d", it));
        want = ref_clmul(a[0], a[0]);
        a64_assert_v(3, want.d[0], want.d[1], what("pmull squared %d", it));
    }
}
END_TEST

/* Unallocated encodings next to the implemented ones. */
START_TEST(test_reserved_undef)
{
    static const uint32_t reserved[] = {
        0x4e684800, /* AESE with size 01 */
        0x4ee85800, /* AESD with size 11 */
        0x4e280800, /* AES opcode 00000 */
        0x4e288800, /* AES opcode 01000 */
        0x4e28f800, /* AES opcode 01111 */
        0x5e007000, /* three-register SHA opcode 111 */
        0x5e400000, /* SHA1C with size 01 */
        0x5e283800, /* two-register SHA opcode 00011 */
        0x5e680800, /* SHA1H with size 01 */
        0xce60c000, /* SM3PARTW1 (FEAT_SM3 not implemented) */
        0xce60cc00, /* three-register SHA512 O=1 opcode 11 */
        0xcec08400, /* SM4E (FEAT_SM4 not implemented) */
        0xcec08800, /* two-register SHA512 opcode 10 */
        0xcec08c00, /* two-register SHA512 opcode 11 */
        0xce400000, /* SM3SS1 */
        0xce600000, /* four-register Op0 11 */
        0xce408000, /* SM3TT1A */
        0x4ea0e000, /* PMULL2 with size 10 */
        0x0e60e000, /* PMULL with size 01 */
    };

    start(_i);
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        a64_set_v(0, 0x1111, 0x2222);
        ck_assert_msg(run_words_excp(&reserved[i], 1) == EXCP_A64_UNDEF &&
                          a64_cpu->pc == A64_CODE,
                      "[%s] 0x%08x is not UNDEFINED", a64_config_name(),
                      reserved[i]);
        a64_assert_v(0, 0x1111, 0x2222, "no effect");
    }
}
END_TEST

/* Without the feature (cortex-a57-nocrypto, cortex-a53 for SHA-512)
 * each instruction is UNDEFINED; with it, it runs. */
START_TEST(test_feature_absent)
{
    static const struct {
        const char *text;
        uint64_t feature;
    } insns[] = {
        {"aese v0.16b, v1.16b", A64_FEAT_AES},
        {"aesimc v0.16b, v1.16b", A64_FEAT_AES},
        {"sha1c q0, s1, v2.4s", A64_FEAT_SHA1},
        {"sha1h s0, s1", A64_FEAT_SHA1},
        {"sha256h q0, q1, v2.4s", A64_FEAT_SHA256},
        {"sha256su0 v0.4s, v1.4s", A64_FEAT_SHA256},
        {"sha512h q0, q1, v2.2d", A64_FEAT_SHA512},
        {"sha512su0 v0.2d, v1.2d", A64_FEAT_SHA512},
        {"pmull2 v0.1q, v1.2d, v2.2d", A64_FEAT_PMULL},
        {"eor3 v0.16b, v1.16b, v2.16b, v3.16b", A64_FEAT_SHA3},
        {"xar v0.2d, v1.2d, v2.2d, #3", A64_FEAT_SHA3},
    };
    const AArch64Model *models[] = {aarch64_model_find("cortex-a57-nocrypto"),
                                    aarch64_model_find("cortex-a53"),
                                    &aarch64_models[0]};

    start(_i);
    for (size_t mi = 0; mi < ARRAY_SIZE(models); mi++) {
        ck_assert_ptr_nonnull(models[mi]);
        for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
            bool has = (models[mi]->features & insns[i].feature) != 0;
            int excp;
            a64_cpu->features = models[mi]->features;
            tb_flush();
            excp = a64_run_asm_excp(insns[i].text);
            ck_assert_msg(excp == (has ? EXCP_A64_SVC : EXCP_A64_UNDEF),
                          "[%s] %s on %s: %s", a64_config_name(), insns[i].text,
                          models[mi]->name, aarch64_excp_name(excp));
        }
    }
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_aes128,    test_sha1,    test_sha256,         test_sha512,
        test_each_insn, test_pmull64, test_reserved_undef, test_feature_absent,
    };

    return a64_run_suite("aarch64-crypto", tests,
                         sizeof(tests) / sizeof(tests[0]), NRUNS)
               ? EXIT_FAILURE
               : EXIT_SUCCESS;
}

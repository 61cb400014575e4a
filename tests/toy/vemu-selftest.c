/*
 * vemu-selftest: the demo until a real guest lands. Assembles a bundled
 * toy program (a prime sieve in guest memory, a loop-heavy xorshift
 * checksum with division, a dispatch loop of indirect calls through a jump
 * table, self-modifying code made visible with fencei, and an atomic
 * counter), runs it on the native backend and on the interpreter, prints
 * its output with per-backend timing and translation statistics, and exits
 * 0 only if both backends produce exactly what the same computation done
 * here in C produces.
 *
 * Usage: vemu-selftest [-B native|tci] [-d LIST] [-D FILE] [-h]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcg/exec.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define MEM_SIZE (1u << 20)
#define CODE_BASE 0x1000u
#define SIEVE_BASE 0x40000u
#define COUNTER_ADDR 0x30000u

#define SIEVE_N 30000
#define NB_SHOWN_PRIMES 10
#define CHECKSUM_SEED 0x2545f4914f6cdd1dull
#define CHECKSUM_ITERS 1000000
#define DISPATCH_ITERS 100000
#define SMC_ROUNDS 5
#define AMO_ROUNDS 3
#define AMO_STEP 5

static const char *prog_name = "vemu-selftest";

/* One expected output value and what it means. */
typedef struct Expect {
    char label[48];
    uint64_t value;
} Expect;

typedef struct Expected {
    Expect v[64];
    size_t n;
} Expected;

static void expect(Expected *e, uint64_t value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void expect(Expected *e, uint64_t value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(e->v[e->n].label, sizeof(e->v[e->n].label), fmt, ap);
    va_end(ap);
    e->v[e->n++].value = value;
}

/* ---- the reference computation, in C ---- */

static uint64_t dispatch_index(uint64_t i)
{
    return ((i * 7) ^ (i >> 3)) & 3;
}

static void compute_expected(Expected *e)
{
    static uint8_t composite[SIEVE_N];
    uint64_t count = 0, sum = 0;

    memset(composite, 0, sizeof(composite));
    for (uint64_t i = 2; i * i < SIEVE_N; i++) {
        if (!composite[i]) {
            for (uint64_t j = i * i; j < SIEVE_N; j += i) {
                composite[j] = 1;
            }
        }
    }
    for (uint64_t i = 2; i < SIEVE_N; i++) {
        if (!composite[i]) {
            count++;
            sum += i;
            if (count <= NB_SHOWN_PRIMES) {
                expect(e, i, "prime #%" PRIu64, count);
            }
        }
    }
    expect(e, count, "primes below %d", SIEVE_N);
    expect(e, sum, "sum of those primes");

    uint64_t x = CHECKSUM_SEED, acc = 0;
    for (uint64_t i = 0; i < CHECKSUM_ITERS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x * (i | 1);
        acc += x % 1000;
        acc ^= (uint64_t)((int64_t)x / -7);
    }
    expect(e, x, "xorshift state");
    expect(e, acc, "checksum");

    uint64_t d = 1;
    for (uint64_t i = 0; i < DISPATCH_ITERS; i++) {
        switch (dispatch_index(i)) {
        case 0:
            d += i;
            break;
        case 1:
            d ^= 0x5a5;
            break;
        case 2:
            d *= 3;
            break;
        default:
            d ^= d >> 3;
            break;
        }
    }
    expect(e, d, "indirect dispatch");

    uint64_t smc = 0;
    for (uint64_t k = 1; k <= SMC_ROUNDS; k++) {
        smc += k * k;
    }
    expect(e, smc, "patched code, ranged fencei");
    expect(e, 1000, "patched code, full fencei");

    expect(e, (AMO_ROUNDS - 1) * AMO_STEP, "amoadd last old value");
    expect(e, AMO_ROUNDS * AMO_STEP, "amoadd counter");
}

/* ---- the same computation as a toy program ---- */

static void emit_sieve(ToyAsm *as)
{
    ToyLabel clear = toy_label(as), outer = toy_label(as);
    ToyLabel inner = toy_label(as), next_i = toy_label(as);
    ToyLabel sieve_done = toy_label(as), count_loop = toy_label(as);
    ToyLabel not_prime = toy_label(as);

    toy_li64(as, 1, SIEVE_BASE);
    toy_li64(as, 2, SIEVE_N);
    /* Clear the array 8 bytes at a time (it may hold a previous run). */
    toy_li(as, 3, 0);
    toy_bind(as, clear);
    toy_add(as, 5, 1, 3);
    toy_std(as, 0, 5, 0);
    toy_addi(as, 3, 3, 8);
    toy_blt(as, 3, 2, clear);

    toy_li(as, 3, 2);
    toy_bind(as, outer);
    toy_mul(as, 4, 3, 3);
    toy_bge(as, 4, 2, sieve_done);
    toy_add(as, 5, 1, 3);
    toy_ldb(as, 6, 5, 0);
    toy_bne(as, 6, 0, next_i);
    toy_li(as, 6, 1);
    toy_bind(as, inner);
    toy_add(as, 5, 1, 4);
    toy_stb(as, 6, 5, 0);
    toy_add(as, 4, 4, 3);
    toy_blt(as, 4, 2, inner);
    toy_bind(as, next_i);
    toy_addi(as, 3, 3, 1);
    toy_j(as, outer);

    toy_bind(as, sieve_done);
    toy_li(as, 3, 2);
    toy_li(as, 7, 0);
    toy_li(as, 8, 0);
    toy_bind(as, count_loop);
    toy_add(as, 5, 1, 3);
    toy_ldbs(as, 6, 5, 0);
    toy_bne(as, 6, 0, not_prime);
    toy_addi(as, 7, 7, 1);
    toy_add(as, 8, 8, 3);
    toy_sltui(as, 9, 7, NB_SHOWN_PRIMES + 1);
    toy_beq(as, 9, 0, not_prime);
    toy_out(as, 3);
    toy_bind(as, not_prime);
    toy_addi(as, 3, 3, 1);
    toy_blt(as, 3, 2, count_loop);
    toy_out(as, 7);
    toy_out(as, 8);
}

static void emit_checksum(ToyAsm *as)
{
    toy_li64(as, 1, CHECKSUM_SEED);
    toy_li64(as, 2, CHECKSUM_ITERS);
    toy_li(as, 3, 0);
    toy_li(as, 4, 0);
    ToyLabel loop = toy_label_here(as);
    toy_shli(as, 5, 1, 13);
    toy_xor(as, 1, 1, 5);
    toy_shri(as, 5, 1, 7);
    toy_xor(as, 1, 1, 5);
    toy_shli(as, 5, 1, 17);
    toy_xor(as, 1, 1, 5);
    toy_ori(as, 6, 4, 1);
    toy_mul(as, 5, 1, 6);
    toy_add(as, 3, 3, 5);
    toy_remui(as, 5, 1, 1000);
    toy_add(as, 3, 3, 5);
    toy_divi(as, 5, 1, -7);
    toy_xor(as, 3, 3, 5);
    toy_addi(as, 4, 4, 1);
    toy_bltu(as, 4, 2, loop);
    toy_out(as, 1);
    toy_out(as, 3);
}

static void emit_dispatch(ToyAsm *as, ToyLabel table)
{
    toy_la(as, 10, table);
    toy_li(as, 1, 0);
    toy_li64(as, 2, DISPATCH_ITERS);
    toy_li(as, 3, 1);
    ToyLabel loop = toy_label_here(as);
    toy_muli(as, 4, 1, 7);
    toy_shri(as, 5, 1, 3);
    toy_xor(as, 4, 4, 5);
    toy_andi(as, 4, 4, 3);
    toy_shli(as, 4, 4, 3);
    toy_add(as, 4, 4, 10);
    toy_ldd(as, 4, 4, 0);
    toy_jalr(as, TOY_REG_LINK, 4, 0);
    toy_addi(as, 1, 1, 1);
    toy_blt(as, 1, 2, loop);
    toy_out(as, 3);
}

static void emit_dispatch_targets(ToyAsm *as, ToyLabel table)
{
    ToyLabel fn[4];

    for (int i = 0; i < 4; i++) {
        fn[i] = toy_label(as);
    }
    toy_bind(as, fn[0]);
    toy_add(as, 3, 3, 1);
    toy_ret(as);
    toy_bind(as, fn[1]);
    toy_xori(as, 3, 3, 0x5a5);
    toy_ret(as);
    toy_bind(as, fn[2]);
    toy_muli(as, 3, 3, 3);
    toy_ret(as);
    toy_bind(as, fn[3]);
    toy_shri(as, 5, 3, 3);
    toy_xor(as, 3, 3, 5);
    toy_ret(as);

    toy_align(as, 8);
    toy_bind(as, table);
    for (int i = 0; i < 4; i++) {
        toy_dword_label(as, fn[i]);
    }
}

/* Rewrites the first instruction of `patchme` to li r2, k*k, calls it. */
static void emit_smc(ToyAsm *as, ToyLabel patchme)
{
    toy_li(as, 1, 1);
    toy_li(as, 7, 0);
    toy_la(as, 6, patchme);
    ToyLabel loop = toy_label_here(as);
    toy_mul(as, 4, 1, 1);
    toy_shli(as, 4, 4, 12);
    toy_ori(as, 4, 4, toy_enc_j(TOY_OP_li, 2, 0));
    toy_stw(as, 4, 6, 0);
    toy_li(as, 5, TOY_INSN_BYTES);
    toy_fencei(as, 6, 5);
    toy_call(as, patchme);
    toy_add(as, 7, 7, 2);
    toy_addi(as, 1, 1, 1);
    toy_slti(as, 5, 1, SMC_ROUNDS + 1);
    toy_bne(as, 5, 0, loop);
    toy_out(as, 7);

    /* Once more through the whole-memory form of fencei. */
    toy_li64(as, 4, toy_enc_j(TOY_OP_li, 2, 1000));
    toy_stw(as, 4, 6, 0);
    toy_fencei(as, 0, 0);
    toy_call(as, patchme);
    toy_out(as, 2);
}

static void emit_amo(ToyAsm *as)
{
    toy_li64(as, 8, COUNTER_ADDR);
    toy_std(as, 0, 8, 0);
    toy_li(as, 9, AMO_STEP);
    toy_li(as, 1, AMO_ROUNDS);
    ToyLabel loop = toy_label_here(as);
    toy_amoadd(as, 10, 8, 9);
    toy_subi(as, 1, 1, 1);
    toy_bne(as, 1, 0, loop);
    toy_out(as, 10);
    toy_ldda(as, 11, 8, 0);
    toy_out(as, 11);
}

static int assemble(ToyAsm *as)
{
    toy_asm_init(as, CODE_BASE);
    ToyLabel table = toy_label(as);
    ToyLabel patchme = toy_label(as);
    emit_sieve(as);
    emit_checksum(as);
    emit_dispatch(as, table);
    emit_smc(as, patchme);
    emit_amo(as);
    toy_halt(as);

    toy_bind(as, patchme);
    toy_li(as, 2, 0);
    toy_ret(as);
    emit_dispatch_targets(as, table);
    if (toy_asm_finish(as) != 0) {
        fprintf(stderr, "%s: %s\n", prog_name, as->err);
        return -1;
    }
    return 0;
}

/* ---- running ---- */

typedef struct RunResult {
    bool ok;
    uint64_t out[64];
    size_t nb_out;
    double ms;
    TCGStats stats; /* deltas over the run */
} RunResult;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run_on(const TCGBackend *backend, const ToyAsm *as, RunResult *r)
{
    /* One CPU object for every run: the runtime's current_cpu may still
     * name it after cpu_exec returns (see tests/runtime,
     * test_flush_after_cpu_freed), so it must outlive all runs. */
    static ToyCPU cpu_storage;
    ToyCPU *cpu = &cpu_storage;
    uint8_t *mem = toy_mem_new(MEM_SIZE);
    TCGStats before, after;

    memset(r, 0, sizeof(*r));
    if (!mem || !toy_asm_load(as, mem, MEM_SIZE)) {
        fprintf(stderr, "%s: cannot set up guest memory\n", prog_name);
        toy_mem_free(mem, MEM_SIZE);
        return;
    }
    tcg_exec_init(0, backend);
    toy_cpu_init(cpu, MEM_SIZE);
    cpu->pc = CODE_BASE;

    tcg_get_stats(&before);
    double t0 = now_ms();
    int excp = toy_cpu_run(cpu);
    r->ms = now_ms() - t0;
    tcg_get_stats(&after);

    r->stats = after;
    r->stats.tb_translated -= before.tb_translated;
    r->stats.tb_flushes -= before.tb_flushes;
    r->stats.tb_invalidated -= before.tb_invalidated;
    r->stats.chains -= before.chains;
    r->stats.guest_ops -= before.guest_ops;

    if (excp != EXCP_TOY_HALT) {
        fprintf(stderr, "%s: %s: stopped by %s (%d) at pc 0x%" PRIx64 "\n",
                prog_name, backend->name, toy_excp_name(excp), excp, cpu->pc);
    } else {
        r->ok = true;
    }
    r->nb_out = cpu->nb_out < 64 ? cpu->nb_out : 64;
    memcpy(r->out, cpu->out, r->nb_out * sizeof(uint64_t));
    if (cpu->nb_out > 64) {
        r->ok = false;
    }
    toy_cpu_free(cpu);
    toy_mem_free(mem, MEM_SIZE);
}

static bool check_against(const char *name, const RunResult *r,
                          const Expected *e)
{
    bool ok = r->ok;

    if (r->nb_out != e->n) {
        fprintf(stderr, "%s: %s: program printed %zu values, expected %zu\n",
                prog_name, name, r->nb_out, e->n);
        ok = false;
    }
    for (size_t i = 0; i < r->nb_out && i < e->n; i++) {
        if (r->out[i] != e->v[i].value) {
            fprintf(stderr, "%s: %s: %s is %" PRIu64 ", expected %" PRIu64 "\n",
                    prog_name, name, e->v[i].label, r->out[i], e->v[i].value);
            ok = false;
        }
    }
    return ok;
}

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [-B native|tci] [-d LIST] [-D FILE] [-h]\n"
            "Run the bundled toy program on both backends (or one, -B) and\n"
            "check them against each other and a C computation.\n"
            "  -B NAME   run only this backend: native or tci\n"
            "  -d LIST   debug log: op,op_opt,out_asm,in_asm,exec (-d help)\n"
            "  -D FILE   write the debug log to FILE (default stderr)\n"
            "  -h        this help\n",
            prog_name);
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    int c;

    opterr = 0;
    while ((c = getopt(argc, argv, ":B:d:D:h")) != -1) {
        switch (c) {
        case 'B':
            only = optarg;
            if (!tcg_backend_by_name(only)) {
                fprintf(stderr,
                        "%s: -B: unknown backend '%s' (native or "
                        "tci)\n",
                        prog_name, only);
                return 2;
            }
            break;
        case 'd': {
            /* tcg_log_parse names a bad item itself; 1 means it printed
             * the list for "help". */
            int rc = tcg_log_parse(optarg);
            if (rc != 0) {
                return rc < 0 ? 2 : 0;
            }
            break;
        }
        case 'D':
            if (tcg_log_set_file(optarg) != 0) {
                return 2; /* tcg_log_set_file named the file and error */
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "%s: option -%c needs an argument (try -h)\n",
                    prog_name, optopt);
            return 2;
        default:
            fprintf(stderr, "%s: unknown option '-%c' (try -h)\n", prog_name,
                    optopt);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s' (try -h)\n", prog_name,
                argv[optind]);
        return 2;
    }

    static Expected expected;
    static ToyAsm as;
    compute_expected(&expected);
    if (assemble(&as) != 0) {
        return 1;
    }
    tcg_install_fault_handler();

    static const char *const names[] = {"native", "tci"};
    RunResult results[2];
    bool ran[2] = {false, false};
    bool ok = true;

    for (int i = 0; i < 2; i++) {
        const TCGBackend *b = tcg_backend_by_name(names[i]);
        if (only && tcg_backend_by_name(only) != b) {
            continue;
        }
        run_on(b, &as, &results[i]);
        ran[i] = true;
        ok &= check_against(names[i], &results[i], &expected);
    }

    /* The program's output (from the first backend that ran). */
    const RunResult *shown = ran[0] ? &results[0] : &results[1];
    printf("toy program: %zu instructions\n", toy_asm_size(&as) / 4);
    for (size_t i = 0; i < shown->nb_out && i < expected.n; i++) {
        printf("  %-30s %" PRIu64 "\n", expected.v[i].label, shown->out[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (!ran[i]) {
            continue;
        }
        const TCGStats *st = &results[i].stats;
        printf("%-6s %9.2f ms  %6" PRIu64 " blocks translated, %6" PRIu64
               " chains, %3" PRIu64 " invalidated, %" PRIu64 " flushes, "
               "%zu bytes of code\n",
               names[i], results[i].ms, st->tb_translated, st->chains,
               st->tb_invalidated, st->tb_flushes, st->code_used);
    }
    if (ran[0] && ran[1]) {
        bool same = results[0].nb_out == results[1].nb_out &&
                    memcmp(results[0].out, results[1].out,
                           results[0].nb_out * sizeof(uint64_t)) == 0;
        if (!same) {
            fprintf(stderr, "%s: native and tci disagree\n", prog_name);
            ok = false;
        }
    }
    printf("%s\n", ok ? "selftest: PASS" : "selftest: FAIL");
    toy_asm_free(&as);
    return ok ? 0 : 1;
}

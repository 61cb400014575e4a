/*
 * Runtime tests through the toy guest (tests/toy): block chaining,
 * indirect jumps through lookup_and_goto_ptr, invalidation and
 * self-modifying code, code-buffer flushes, guest faults with exact state
 * restore, helper-raised exceptions, -d logging, single-stepping, and the
 * toy front end's own semantics against a C model. Every test runs once
 * per backend (loop index bit 0: 0 = native x86-64, 1 = TCI); some also
 * use higher bits of the index for variants.
 *
 * Each test maps fresh guest memory of MEM_SIZE bytes followed by a
 * PROT_NONE guard page, so guest address MEM_SIZE always faults.
 */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/exec.h"
#include "toy-asm.h"
#include "toy-cpu.h"

#define MEM_SIZE (1u << 20)
#define BASE 0x1000u
#define DATA 0x80000u

static const TCGBackend *const backends[2] = {&tcg_backend_x86_64,
                                              &tcg_backend_tci};
static const char *const backend_names[2] = {"native", "tci"};

static ToyCPU *cpu;
static uint8_t *mem;
static const char *bk; /* backend name for messages */

/* ---- harness ---- */

static void start(int idx, size_t code_size)
{
    bk = backend_names[idx & 1];
    tcg_exec_init(code_size, backends[idx & 1]);
    tcg_install_fault_handler();
    if (!mem) {
        mem = toy_mem_new(MEM_SIZE);
        ck_assert_ptr_nonnull(mem);
    } else {
        memset(mem, 0, MEM_SIZE);
        tcg_guest_base = (uintptr_t)mem;
    }
    if (!cpu) {
        cpu = calloc(1, sizeof(*cpu));
        ck_assert_ptr_nonnull(cpu);
    } else {
        toy_cpu_free(cpu);
    }
    toy_cpu_init(cpu, MEM_SIZE);
    tcg_log_mask = 0;
}

static void load(ToyAsm *as)
{
    ck_assert_msg(toy_asm_finish(as) == 0, "%s", as->err);
    ck_assert(toy_asm_load(as, mem, MEM_SIZE));
}

static int run_at(uint64_t pc)
{
    cpu->pc = pc;
    return toy_cpu_run(cpu);
}

static void assert_excp(int got, int want)
{
    ck_assert_msg(got == want,
                  "[%s] exception %d (%s), expected %d (%s); "
                  "pc 0x%" PRIx64,
                  bk, got, toy_excp_name(got), want, toy_excp_name(want),
                  cpu->pc);
}

static void assert_output(const uint64_t *want, size_t n)
{
    ck_assert_msg(cpu->nb_out == n, "[%s] %zu values output, expected %zu", bk,
                  cpu->nb_out, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(cpu->out[i] == want[i],
                      "[%s] output %zu is 0x%" PRIx64 ", expected 0x%" PRIx64,
                      bk, i, cpu->out[i], want[i]);
    }
}

static void assert_reg(unsigned r, uint64_t want)
{
    ck_assert_msg(cpu->regs[r] == want,
                  "[%s] r%u = 0x%" PRIx64 ", expected 0x%" PRIx64, bk, r,
                  cpu->regs[r], want);
}

static TCGStats stats_now(void)
{
    TCGStats st;
    tcg_get_stats(&st);
    return st;
}

/* Log to memory while running: returns the text (caller frees). */
typedef struct LogCapture {
    FILE *f;
    char *buf;
    size_t len;
} LogCapture;

static void log_begin(LogCapture *lc, unsigned mask)
{
    memset(lc, 0, sizeof(*lc));
    lc->f = open_memstream(&lc->buf, &lc->len);
    ck_assert_ptr_nonnull(lc->f);
    tcg_log_file = lc->f;
    tcg_log_mask = mask;
}

static char *log_end(LogCapture *lc)
{
    tcg_log_mask = 0;
    tcg_log_file = stderr;
    fclose(lc->f);
    return lc->buf;
}

static size_t count_substr(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
        n++;
    }
    return n;
}

/* ---- chaining ---- */

#define LOOP_N 10000

/* sum 1..LOOP_N over a loop of three blocks A -> B -> C -> A. */
static void emit_three_block_loop(ToyAsm *as, ToyLabel *halt_at)
{
    ToyLabel a = toy_label(as), b = toy_label(as), c = toy_label(as);

    toy_li(as, 1, 0);
    toy_li64(as, 2, LOOP_N);
    toy_li(as, 3, 0);
    toy_j(as, a);
    toy_bind(as, a);
    toy_addi(as, 3, 3, 1);
    toy_j(as, b);
    toy_bind(as, b);
    toy_add(as, 1, 1, 3);
    toy_j(as, c);
    toy_bind(as, c);
    toy_bne(as, 3, 2, a);
    toy_out(as, 1);
    *halt_at = toy_label_here(as);
    toy_halt(as);
}

START_TEST(test_chaining)
{
    ToyAsm as;
    ToyLabel halt_at;
    LogCapture lc;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    emit_three_block_loop(&as, &halt_at);
    load(&as);

    TCGStats st0 = stats_now();
    log_begin(&lc, TCG_LOG_EXEC);
    int excp = run_at(BASE);
    char *log = log_end(&lc);
    TCGStats st1 = stats_now();

    assert_excp(excp, EXCP_TOY_HALT);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, halt_at));
    uint64_t want = (uint64_t)LOOP_N * (LOOP_N + 1) / 2;
    assert_output(&want, 1);
    ck_assert_msg(st1.chains - st0.chains >= 3,
                  "[%s] %" PRIu64 " chains for a loop of 3 blocks", bk,
                  st1.chains - st0.chains);
    ck_assert_msg(st1.tb_translated - st0.tb_translated <= 8,
                  "[%s] %" PRIu64 " blocks translated for a 5-block program",
                  bk, st1.tb_translated - st0.tb_translated);
    /* 3 * LOOP_N block entries happened; once chained, the main loop (which
     * logs every block it enters) must not see them. */
    size_t entries = count_substr(log, "Trace");
    ck_assert_msg(entries > 0, "[%s] exec log is empty", bk);
    ck_assert_msg(entries < 32,
                  "[%s] %zu blocks entered through the main loop for %d "
                  "loop iterations: chaining is not used",
                  bk, entries, LOOP_N);
    free(log);

    /* Running again reuses the chained blocks and still computes the sum. */
    toy_cpu_clear_output(cpu);
    TCGStats st2 = stats_now();
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(&want, 1);
    ck_assert_uint_eq(stats_now().tb_translated, st2.tb_translated);
    toy_asm_free(&as);
}
END_TEST

/* ---- indirect jumps ---- */

#define IND_TARGETS 8
#define IND_ITERS 400
#define IND_LATE_ITER 300 /* the only call of the last target */

static unsigned ind_index(unsigned i)
{
    return i == IND_LATE_ITER ? IND_TARGETS - 1
                              : (i * 5 + 3) % (IND_TARGETS - 1);
}

START_TEST(test_indirect_jumps)
{
    ToyAsm as;
    ToyLabel fn[IND_TARGETS], table, idx_table, skip, landing;
    uint64_t want[IND_ITERS + 2];
    size_t nwant = 0;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    table = toy_label(&as);
    idx_table = toy_label(&as);
    skip = toy_label(&as);
    landing = toy_label(&as);
    for (int t = 0; t < IND_TARGETS; t++) {
        fn[t] = toy_label(&as);
    }

    /* for i: r4 = table[idx[i]]; call r4 */
    toy_la(&as, 10, table);
    toy_la(&as, 11, idx_table);
    toy_li(&as, 1, 0);
    toy_li(&as, 2, IND_ITERS);
    ToyLabel loop = toy_label_here(&as);
    toy_add(&as, 4, 11, 1);
    toy_ldb(&as, 4, 4, 0);
    toy_shli(&as, 4, 4, 3);
    toy_add(&as, 4, 4, 10);
    toy_ldd(&as, 4, 4, 0);
    toy_jalr(&as, TOY_REG_LINK, 4, 0);
    toy_addi(&as, 1, 1, 1);
    toy_bne(&as, 1, 2, loop);

    /* jalr with rd == rs1 and an offset: the target comes from the old
     * value of r4 (skip), not from the link written by the same insn. */
    ToyLabel far = toy_label(&as), link = toy_label(&as);
    toy_la(&as, 4, skip);
    toy_j(&as, far);
    toy_bind(&as, skip);
    toy_word(&as, 0); /* illegal: reached only if the offset is lost */
    toy_bind(&as, landing);
    toy_out(&as, 4);
    toy_halt(&as);
    toy_bind(&as, far);
    toy_jalr(&as, 4, 4, 4);
    toy_bind(&as, link);
    toy_space(&as, 16); /* illegal words: a wrong target lands here */

    for (int t = 0; t < IND_TARGETS; t++) {
        toy_bind(&as, fn[t]);
        toy_li64(&as, 6, 1000 + (uint64_t)t * 17);
        toy_out(&as, 6);
        toy_ret(&as);
    }
    toy_align(&as, 8);
    toy_bind(&as, table);
    for (int t = 0; t < IND_TARGETS; t++) {
        toy_dword_label(&as, fn[t]);
    }
    toy_bind(&as, idx_table);
    for (unsigned i = 0; i < IND_ITERS; i += 4) {
        uint32_t w = 0;
        for (unsigned k = 0; k < 4; k++) {
            w |= (uint32_t)ind_index(i + k) << (8 * k);
        }
        toy_word(&as, w);
    }
    load(&as);

    for (unsigned i = 0; i < IND_ITERS; i++) {
        want[nwant++] = 1000 + (uint64_t)ind_index(i) * 17;
    }
    want[nwant++] = toy_label_addr(&as, link); /* link of jalr r4 */

    int excp = run_at(BASE);
    assert_excp(excp, EXCP_TOY_HALT);
    assert_output(want, nwant);
    toy_asm_free(&as);
}
END_TEST

/* Two indirect-jump targets sharing a slot of the per-CPU jump cache,
 * called alternately: every lookup replaces the other's entry, and each
 * must still reach its own block. */
START_TEST(test_jump_cache_collision)
{
    ToyAsm as, t1, t2;
    const uint64_t a1 = 0x10000;
    uint64_t a2 = a1 + 4;
    uint64_t want[200];

    start(_i, 0);
    while (tb_jmp_cache_hash(a2) != tb_jmp_cache_hash(a1)) {
        a2 += 4;
    }
    ck_assert_uint_lt(a2, DATA);

    toy_asm_init(&t1, a1);
    toy_li(&t1, 6, 111);
    toy_out(&t1, 6);
    toy_ret(&t1);
    load(&t1);
    toy_asm_init(&t2, a2);
    toy_li(&t2, 6, 222);
    toy_out(&t2, 6);
    toy_ret(&t2);
    load(&t2);

    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 100);
    ToyLabel loop = toy_label_here(&as);
    toy_li64(&as, 4, a1);
    toy_jalr(&as, TOY_REG_LINK, 4, 0);
    toy_li64(&as, 4, a2);
    toy_jalr(&as, TOY_REG_LINK, 4, 0);
    toy_subi(&as, 1, 1, 1);
    toy_bne(&as, 1, 0, loop);
    toy_halt(&as);
    load(&as);
    for (int k = 0; k < 200; k++) {
        want[k] = k % 2 ? 222 : 111;
    }

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(want, 200);
    toy_asm_free(&as);
    toy_asm_free(&t1);
    toy_asm_free(&t2);
}
END_TEST

/* tb_flush, and tcg_exec_init switching backend, forget every block even
 * though the same CPU keeps its jump cache: new code at the same address
 * is what runs next. */
START_TEST(test_flush_and_backend_switch)
{
    ToyAsm as;
    ToyLabel halt_at;
    uint64_t want[8];
    size_t n = 0;
    const uint64_t sum = (uint64_t)LOOP_N * (LOOP_N + 1) / 2;

    start(_i, 0);
    for (int round = 0; round < 4; round++) {
        /* A chained loop, then a block whose constant changes per round. */
        toy_asm_init(&as, BASE);
        emit_three_block_loop(&as, &halt_at);
        load(&as);
        uint32_t word = toy_enc_j(TOY_OP_li, 1, 100 + round);
        memcpy(mem + BASE + 0x800, &word, 4);
        word = toy_enc_r(TOY_OP_out, 1, 0, 0);
        memcpy(mem + BASE + 0x804, &word, 4);
        word = TOY_OP_halt;
        memcpy(mem + BASE + 0x808, &word, 4);

        memset(cpu->regs, 0, sizeof(cpu->regs));
        assert_excp(run_at(BASE), EXCP_TOY_HALT);
        assert_excp(run_at(BASE + 0x800), EXCP_TOY_HALT);
        want[n++] = sum;
        want[n++] = 100 + round;
        assert_output(want, n);
        toy_asm_free(&as);

        if (round == 0) {
            tb_flush();
        } else {
            /* Alternate backends, starting with the other one. */
            tcg_exec_init(0, backends[(_i + round) & 1]);
        }
    }
}
END_TEST

/* ---- invalidation and self-modifying code ---- */

/* The guest patches a block it has already run (and chained to itself),
 * then fencei (ranged, or all memory when _i & 2) and jumps back. */
START_TEST(test_smc_fencei)
{
    ToyAsm as;
    bool full = (_i & 2) != 0;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    ToyLabel target = toy_label(&as), done = toy_label(&as);
    toy_li(&as, 5, 0);
    toy_j(&as, target);
    toy_bind(&as, target);
    toy_li(&as, 1, 1);
    toy_out(&as, 1);
    toy_addi(&as, 5, 5, 1);
    toy_li(&as, 8, 2);
    toy_blt(&as, 5, 8, target);
    toy_li(&as, 8, 3);
    toy_beq(&as, 5, 8, done);
    toy_la(&as, 6, target);
    toy_li64(&as, 7, toy_enc_j(TOY_OP_li, 1, 2));
    toy_stw(&as, 7, 6, 0);
    toy_li(&as, 9, 4);
    if (full) {
        toy_fencei(&as, 0, 0);
    } else {
        toy_fencei(&as, 6, 9);
    }
    toy_j(&as, target);
    toy_bind(&as, done);
    toy_halt(&as);
    load(&as);

    TCGStats st0 = stats_now();
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    static const uint64_t want[] = {1, 1, 2};
    assert_output(want, 3);
    ck_assert_msg(stats_now().tb_invalidated > st0.tb_invalidated,
                  "[%s] fencei invalidated nothing", bk);
    toy_asm_free(&as);
}
END_TEST

/* The instruction patched is the one right after the fencei: the block
 * must end at fencei so the new instruction is what runs. Three rounds,
 * so rounds 2 and 3 find a translation of the previous round's code. */
START_TEST(test_smc_next_insn)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    ToyLabel next = toy_label(&as);
    toy_li(&as, 1, 1); /* round */
    toy_la(&as, 6, next);
    toy_li(&as, 9, 4);
    ToyLabel loop = toy_label_here(&as);
    /* r7 = encoding of "li r2, round * 10" */
    toy_muli(&as, 7, 1, 10);
    toy_shli(&as, 7, 7, 12);
    toy_ori(&as, 7, 7, toy_enc_j(TOY_OP_li, 2, 0));
    toy_stw(&as, 7, 6, 0);
    toy_fencei(&as, 6, 9);
    toy_bind(&as, next);
    toy_li(&as, 2, 7); /* patched before it runs */
    toy_out(&as, 2);
    toy_addi(&as, 1, 1, 1);
    toy_slti(&as, 8, 1, 4);
    toy_bne(&as, 8, 0, loop);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    static const uint64_t want[] = {10, 20, 30};
    assert_output(want, 3);
    toy_asm_free(&as);
}
END_TEST

/* Patch guest code from C between two runs and call tb_invalidate_range. */
START_TEST(test_invalidate_from_c)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 7);
    toy_out(&as, 1);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    ck_assert_uint_eq(cpu->pc, BASE + 8);
    uint32_t patch = toy_enc_j(TOY_OP_li, 1, 9);
    memcpy(mem + BASE, &patch, 4);
    TCGStats st0 = stats_now();
    tb_invalidate_range(BASE, BASE + 4);
    ck_assert_msg(stats_now().tb_invalidated > st0.tb_invalidated,
                  "[%s] tb_invalidate_range dropped no block", bk);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    static const uint64_t want[] = {7, 9};
    assert_output(want, 2);
    assert_reg(1, 9);

    /* Invalidating a range that covers only the block's last byte counts
     * too: patch the out into "out r0" and invalidate [BASE+7, BASE+8). */
    patch = toy_enc_r(TOY_OP_out, 0, 0, 0);
    memcpy(mem + BASE + 4, &patch, 4);
    tb_invalidate_range(BASE + 7, BASE + 8);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    static const uint64_t want2[] = {7, 9, 0};
    assert_output(want2, 3);
    toy_asm_free(&as);
}
END_TEST

/* Block A jumps to B and gets chained to it; B is then patched and
 * invalidated. Running A again must not follow the old chain. */
START_TEST(test_unchain_invalidated)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    ToyLabel b = toy_label(&as);
    toy_addi(&as, 1, 1, 1);
    toy_j(&as, b);
    toy_space(&as, 64); /* B in a separate block, same page */
    toy_bind(&as, b);
    toy_addi(&as, 3, 3, 10);
    toy_halt(&as);
    load(&as);
    uint64_t b_addr = toy_label_addr(&as, b);

    TCGStats st0 = stats_now();
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_reg(1, 2);
    assert_reg(3, 20);
    ck_assert_msg(stats_now().chains > st0.chains, "[%s] A -> B not chained",
                  bk);

    uint32_t patch = toy_enc_i(TOY_OP_addi, 3, 3, 100);
    memcpy(mem + b_addr, &patch, 4);
    tb_invalidate_range(b_addr, b_addr + 4);
    for (int k = 0; k < 3; k++) {
        assert_excp(run_at(BASE), EXCP_TOY_HALT);
    }
    assert_reg(1, 5);
    assert_reg(3, 320);
    toy_asm_free(&as);
}
END_TEST

/* A function reached only by indirect jumps is patched and invalidated
 * while the caller's CPU still has it in its jump cache (the native
 * backend probes that cache inline): the next call must run the new code,
 * and the call after that must find the new block again. */
START_TEST(test_indirect_to_invalidated)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    ToyLabel fn = toy_label(&as);
    toy_la(&as, 4, fn);
    toy_jalr(&as, TOY_REG_LINK, 4, 0);
    toy_jalr(&as, TOY_REG_LINK, 4, 0);
    toy_halt(&as);
    toy_space(&as, 64); /* fn in a block of its own */
    toy_bind(&as, fn);
    toy_li(&as, 6, 5);
    toy_out(&as, 6);
    toy_ret(&as);
    load(&as);
    uint64_t fn_addr = toy_label_addr(&as, fn);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    uint32_t patch = toy_enc_j(TOY_OP_li, 6, 8);
    memcpy(mem + fn_addr, &patch, 4);
    tb_invalidate_range(fn_addr, fn_addr + 4);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    static const uint64_t want[] = {5, 5, 5, 5, 8, 8};
    assert_output(want, 6);
    toy_asm_free(&as);
}
END_TEST

/* ---- code buffer full ---- */

#define FLUSH_BLOCKS 6000
#define FLUSH_ROUNDS 3

START_TEST(test_flush_on_full_buffer)
{
    ToyAsm as;
    uint64_t sum = 0;

    start(_i, 64 * 1024);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 0);
    toy_li(&as, 2, FLUSH_ROUNDS);
    ToyLabel outer = toy_label_here(&as);
    for (int k = 0; k < FLUSH_BLOCKS; k++) {
        ToyLabel next = toy_label(&as);
        int imm = (k * 37) % 30000 - 15000;
        toy_addi(&as, 1, 1, imm);
        toy_j(&as, next);
        toy_bind(&as, next);
        sum += (uint64_t)(int64_t)imm;
    }
    toy_subi(&as, 2, 2, 1);
    toy_bne(&as, 2, 0, outer);
    toy_out(&as, 1);
    toy_halt(&as);
    load(&as);

    TCGStats st0 = stats_now();
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    TCGStats st1 = stats_now();
    uint64_t want = sum * FLUSH_ROUNDS;
    assert_output(&want, 1);
    ck_assert_msg(st1.tb_flushes - st0.tb_flushes >= 2,
                  "[%s] only %" PRIu64 " flushes for %d blocks in a %zu-byte "
                  "buffer",
                  bk, st1.tb_flushes - st0.tb_flushes, FLUSH_BLOCKS,
                  st1.code_size);
    ck_assert_msg(st1.tb_translated - st0.tb_translated > FLUSH_BLOCKS,
                  "[%s] blocks were not retranslated after flushes", bk);
    ck_assert_uint_le(st1.code_used, st1.code_size);
    toy_asm_free(&as);
}
END_TEST

/* ---- guest faults ---- */

/* A load from the guard page in the middle of a block, then a store, then
 * resuming after each: the handler must work more than once. */
START_TEST(test_fault_load_store)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 5);
    toy_li64(&as, 2, MEM_SIZE);
    toy_li(&as, 3, 77);
    ToyLabel ld = toy_label_here(&as);
    toy_ldd(&as, 3, 2, 8);
    toy_li(&as, 4, 1);
    toy_li(&as, 5, 55);
    ToyLabel st = toy_label_here(&as);
    toy_std(&as, 5, 2, 0); /* the guard page */
    toy_li(&as, 6, 66);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_SEGV);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, ld));
    ck_assert_uint_eq(cpu->parent.fault_addr, MEM_SIZE + 8);
    ck_assert_msg(!cpu->parent.fault_write, "[%s] load reported as write", bk);
    assert_reg(1, 5);
    assert_reg(2, MEM_SIZE);
    assert_reg(3, 77); /* the faulting load's destination is untouched */
    assert_reg(4, 0);

    /* Skip the load and resume: the store faults next. */
    assert_excp(run_at(cpu->pc + 4), EXCP_SEGV);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, st));
    ck_assert_uint_eq(cpu->parent.fault_addr, MEM_SIZE);
    ck_assert_msg(cpu->parent.fault_write, "[%s] store reported as read", bk);
    assert_reg(4, 1);
    assert_reg(5, 55);
    assert_reg(6, 0);

    /* Point r2 at valid memory and retry the store. */
    cpu->regs[2] = DATA;
    assert_excp(run_at(cpu->pc), EXCP_TOY_HALT);
    assert_reg(6, 66);
    uint64_t stored;
    memcpy(&stored, mem + DATA, 8);
    ck_assert_uint_eq(stored, 55);
    toy_asm_free(&as);
}
END_TEST

/* A fault in a block entered through a chained jump, after several
 * iterations: the state is that of the faulting iteration. */
START_TEST(test_fault_in_chained_loop)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    ToyLabel loop = toy_label(&as), tail = toy_label(&as);
    toy_li(&as, 1, 0);
    toy_li64(&as, 2, MEM_SIZE - 8 * 20);
    toy_bind(&as, loop);
    toy_addi(&as, 7, 7, 3);
    toy_ldd(&as, 3, 2, 0);
    toy_addi(&as, 1, 1, 1);
    toy_addi(&as, 2, 2, 8);
    toy_j(&as, tail);
    toy_bind(&as, tail);
    toy_j(&as, loop);
    load(&as);
    memset(mem + MEM_SIZE - 8 * 20, 0xab, 8 * 20);

    TCGStats st0 = stats_now();
    assert_excp(run_at(BASE), EXCP_SEGV);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, loop) + 4);
    ck_assert_uint_eq(cpu->parent.fault_addr, MEM_SIZE);
    assert_reg(1, 20);
    assert_reg(2, MEM_SIZE);
    assert_reg(3, 0xababababababababull);
    assert_reg(7, 21 * 3); /* the faulting iteration's first insn ran */
    ck_assert_msg(stats_now().chains > st0.chains, "[%s] loop not chained", bk);
    toy_asm_free(&as);
}
END_TEST

/* MO_ALIGN: each aligned-access instruction on a misaligned address, with
 * the same access on an aligned address working first. */
typedef struct AlignCase {
    unsigned op;
    uint64_t good, bad;
} AlignCase;

static const AlignCase align_cases[] = {
    {TOY_OP_ldha, DATA + 2, DATA + 1},     {TOY_OP_ldwa, DATA + 4, DATA + 2},
    {TOY_OP_ldda, DATA + 8, DATA + 4},     {TOY_OP_stha, DATA + 6, DATA + 3},
    {TOY_OP_stwa, DATA + 12, DATA + 6},    {TOY_OP_stda, DATA + 16, DATA + 12},
    {TOY_OP_amoadd, DATA + 24, DATA + 28},
};
#define NB_ALIGN_CASES (sizeof(align_cases) / sizeof(align_cases[0]))

static void emit_access(ToyAsm *as, unsigned op, unsigned val, unsigned addr)
{
    if (op == TOY_OP_amoadd) {
        toy_amoadd(as, val, addr, 1);
    } else {
        toy_emit_i(as, op, val, addr, 0);
    }
}

START_TEST(test_fault_unaligned)
{
    const AlignCase *c = &align_cases[_i >> 1];
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 5);
    toy_li64(&as, 2, c->good);
    toy_li(&as, 6, 0);
    emit_access(&as, c->op, 6, 2); /* fine */
    toy_li64(&as, 2, c->bad);
    toy_li(&as, 3, 77);
    ToyLabel bad = toy_label_here(&as);
    emit_access(&as, c->op, 3, 2);
    toy_li(&as, 4, 1);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_UNALIGNED);
    ck_assert_msg(cpu->pc == toy_label_addr(&as, bad), "[%s] %s: pc 0x%" PRIx64,
                  bk, toy_insn_info[c->op].name, cpu->pc);
    ck_assert_uint_eq(cpu->parent.fault_addr, c->bad);
    assert_reg(3, 77);
    assert_reg(4, 0);
    assert_reg(1, 5);
    /* The misaligned store/atomic wrote nothing there. */
    uint64_t word = 0;
    memcpy(&word, mem + c->bad, c->op == TOY_OP_stha ? 2 : 4);
    ck_assert_uint_eq(word, 0);
    toy_asm_free(&as);
}
END_TEST

/* Many checked accesses in one block before the misaligned one: the
 * native backend moves its first 64 fault calls per block out of line
 * and keeps the rest inline; the fault must restore the same state on
 * either side of that limit. */
static const unsigned many_counts[] = {0, 63, 64, 65, 150};
#define NB_MANY_COUNTS (sizeof(many_counts) / sizeof(many_counts[0]))

START_TEST(test_fault_unaligned_many)
{
    unsigned n = many_counts[_i >> 1];
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li64(&as, 2, DATA + 4);
    for (unsigned k = 0; k < n; k++) {
        emit_access(&as, TOY_OP_ldwa, 6, 2);
    }
    toy_li64(&as, 2, DATA + 2);
    toy_li(&as, 3, 77);
    ToyLabel bad = toy_label_here(&as);
    emit_access(&as, TOY_OP_ldwa, 3, 2);
    toy_li(&as, 4, 1);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_UNALIGNED);
    ck_assert_msg(cpu->pc == toy_label_addr(&as, bad),
                  "[%s] after %u accesses: pc 0x%" PRIx64, bk, n, cpu->pc);
    ck_assert_uint_eq(cpu->parent.fault_addr, DATA + 2);
    assert_reg(3, 77);
    assert_reg(4, 0);
    toy_asm_free(&as);
}
END_TEST

/* Without MO_ALIGN, misaligned accesses just work. */
START_TEST(test_unaligned_plain_access)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li64(&as, 2, DATA + 3);
    toy_li64(&as, 1, 0x1122334455667788ull);
    toy_std(&as, 1, 2, 0);
    toy_ldd(&as, 3, 2, 0);
    toy_out(&as, 3);
    toy_ldws(&as, 3, 2, 2);
    toy_out(&as, 3);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    uint64_t want[2] = {0x1122334455667788ull, 0x33445566};
    assert_output(want, 2);
    ck_assert_uint_eq(mem[DATA + 3], 0x88);
    toy_asm_free(&as);
}
END_TEST

/* Illegal encodings (undefined opcode, non-zero reserved bits) and fetch
 * faults raise at the exact pc with earlier instructions' effects kept. */
START_TEST(test_illegal_instruction)
{
    static const uint32_t bad_words[] = {
        0x00000000,
        0x000000ff,
        TOY_OP_halt | 1u << 8,
        (uint32_t)TOY_OP_add | 1u << 20,
    };
    ToyAsm as;

    start(_i, 0);
    for (size_t k = 0; k < sizeof(bad_words) / sizeof(bad_words[0]); k++) {
        toy_asm_init(&as, BASE);
        toy_li(&as, 1, 5);
        toy_li(&as, 2, (int64_t)k);
        ToyLabel bad = toy_label_here(&as);
        toy_word(&as, bad_words[k]);
        toy_li(&as, 3, 7);
        toy_halt(&as);
        load(&as);
        tb_flush();
        cpu->regs[3] = 0;
        assert_excp(run_at(BASE), EXCP_TOY_ILLEGAL);
        ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, bad));
        assert_reg(1, 5);
        assert_reg(2, k);
        assert_reg(3, 0);
        toy_asm_free(&as);
    }

    /* Jumps outside guest memory and to a misaligned pc. */
    static const uint64_t targets[] = {MEM_SIZE + 16, BASE + 2,
                                       0xfffffffffffffff0ull};
    for (size_t k = 0; k < 3; k++) {
        toy_asm_init(&as, BASE);
        toy_li64(&as, 4, targets[k]);
        toy_jalr(&as, TOY_REG_LINK, 4, 0);
        load(&as);
        tb_flush();
        assert_excp(run_at(BASE), EXCP_TOY_FETCH);
        ck_assert_uint_eq(cpu->pc, targets[k]);
        assert_reg(TOY_REG_LINK, toy_here(&as));
        toy_asm_free(&as);
    }
}
END_TEST

/* ---- helper-raised exceptions ---- */

START_TEST(test_helper_exceptions)
{
    ToyAsm as;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li(&as, 1, 3);
    toy_li(&as, 2, 3);
    toy_chkeq(&as, 1, 2); /* passes: execution continues in the block */
    toy_li(&as, 3, 4);
    toy_li(&as, 4, 5);
    ToyLabel chk = toy_label_here(&as);
    toy_chkeq(&as, 3, 4);
    toy_li(&as, 5, 9);
    ToyLabel halt = toy_label_here(&as);
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_CHECK);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, chk));
    assert_reg(3, 4);
    assert_reg(4, 5);
    assert_reg(5, 0);

    /* Resume after the failed check: the halt in the middle of the rest of
     * the block reports its own pc. */
    assert_excp(run_at(cpu->pc + 4), EXCP_TOY_HALT);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, halt));
    assert_reg(5, 9);
    toy_asm_free(&as);

    /* A check failing in the 7th iteration of a chained loop. */
    toy_asm_init(&as, BASE);
    ToyLabel loop = toy_label(&as), tail = toy_label(&as);
    toy_li(&as, 1, 0);
    toy_li(&as, 6, 1);
    toy_bind(&as, loop);
    toy_addi(&as, 1, 1, 1);
    toy_slti(&as, 2, 1, 7);
    ToyLabel chk2 = toy_label_here(&as);
    toy_chkeq(&as, 2, 6);
    toy_addi(&as, 9, 9, 1);
    toy_j(&as, tail);
    toy_bind(&as, tail);
    toy_j(&as, loop);
    load(&as);
    tb_flush();
    memset(cpu->regs, 0, sizeof(cpu->regs));
    assert_excp(run_at(BASE), EXCP_TOY_CHECK);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, chk2));
    assert_reg(1, 7);
    assert_reg(2, 0);
    assert_reg(9, 6);
    toy_asm_free(&as);
}
END_TEST

/* ---- -d logging ---- */

START_TEST(test_log)
{
    ToyAsm as;
    LogCapture lc;

    start(_i, 0);
    ck_assert_int_eq(tcg_log_parse("op,op_opt,out_asm,exec,in_asm"), 0);
    ck_assert_uint_eq(tcg_log_mask, TCG_LOG_OP | TCG_LOG_OP_OPT |
                                        TCG_LOG_OUT_ASM | TCG_LOG_EXEC |
                                        TCG_LOG_IN_ASM);
    ck_assert_int_eq(tcg_log_parse("bogus"), -1);
    ck_assert_int_eq(tcg_log_parse("op,bogus"), -1);
    tcg_log_mask = 0;

    toy_asm_init(&as, BASE);
    toy_li64(&as, 9, DATA);
    toy_ldd(&as, 1, 9, 0);
    toy_addi(&as, 1, 1, 3);
    toy_add(&as, 2, 1, 1);
    toy_out(&as, 2);
    toy_halt(&as);
    load(&as);
    mem[DATA] = 4;

    log_begin(&lc,
              TCG_LOG_OP | TCG_LOG_OP_OPT | TCG_LOG_OUT_ASM | TCG_LOG_IN_ASM);
    int excp = run_at(BASE);
    char *log = log_end(&lc);
    assert_excp(excp, EXCP_TOY_HALT);
    uint64_t want = 14;
    assert_output(&want, 1);

    ck_assert_msg(log && strlen(log) > 0, "[%s] empty log", bk);
    ck_assert_msg(strstr(log, "add_i64"), "[%s] no add_i64 in:\n%s", bk, log);
    ck_assert_msg(strstr(log, "qemu_ld_i64"), "[%s] no qemu_ld_i64", bk);
    ck_assert_msg(strstr(log, "call toy_out"), "[%s] no helper call", bk);
    ck_assert_msg(strstr(log, "addi r1, r1, 3"), "[%s] no guest code:\n%s", bk,
                  log);
    if ((_i & 1) == 0) {
        /* capstone's x86-64 text for the generated code. */
        ck_assert_msg(strstr(log, "mov") &&
                          (strstr(log, "jmp") || strstr(log, "ret")),
                      "[%s] no x86 mnemonics in out_asm:\n%s", bk, log);
    } else {
        ck_assert_msg(strstr(log, "OUT:"), "[%s] no out_asm section", bk);
    }
    free(log);
    toy_asm_free(&as);
}
END_TEST

/* ---- single-step and small blocks ---- */

START_TEST(test_singlestep)
{
    ToyAsm as;
    ToyLabel halt_at;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    emit_three_block_loop(&as, &halt_at);
    load(&as);
    uint64_t want = (uint64_t)LOOP_N * (LOOP_N + 1) / 2;

    TCGStats st0 = stats_now();
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(&want, 1);
    TCGStats st1 = stats_now();
    uint64_t normal_blocks = st1.tb_translated - st0.tb_translated;

    /* Every instruction of the program executes, so single-stepping
     * translates exactly one block per instruction. */
    memset(cpu->regs, 0, sizeof(cpu->regs));
    toy_cpu_clear_output(cpu);
    cpu->parent.singlestep = true;
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(&want, 1);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, halt_at));
    TCGStats st2 = stats_now();
    ck_assert_msg(st2.tb_translated - st1.tb_translated == as.len,
                  "[%s] singlestep translated %" PRIu64 " blocks for %zu "
                  "instructions (normal run: %" PRIu64 ")",
                  bk, st2.tb_translated - st1.tb_translated, as.len,
                  normal_blocks);
    ck_assert_uint_lt(normal_blocks, as.len);

    /* Faults and helper exceptions stay exact when single-stepping. */
    cpu->regs[3] = 0;
    toy_asm_free(&as);
    toy_asm_init(&as, BASE + 0x1000);
    toy_li(&as, 1, 1);
    toy_li64(&as, 2, MEM_SIZE);
    ToyLabel ld = toy_label_here(&as);
    toy_ldw(&as, 3, 2, 0);
    load(&as);
    assert_excp(run_at(BASE + 0x1000), EXCP_SEGV);
    ck_assert_uint_eq(cpu->pc, toy_label_addr(&as, ld));
    ck_assert_uint_eq(cpu->parent.fault_addr, MEM_SIZE);

    /* A small max_insns works the same way. */
    cpu->parent.singlestep = false;
    cpu->parent.max_insns = 2;
    toy_asm_free(&as);
    toy_asm_init(&as, BASE);
    emit_three_block_loop(&as, &halt_at);
    load(&as);
    memset(cpu->regs, 0, sizeof(cpu->regs));
    toy_cpu_clear_output(cpu);
    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(&want, 1);
    toy_asm_free(&as);
}
END_TEST

/* ---- two guest threads ---- */

#define THREAD_A_RUNS 40
#define THREAD_B_ROUNDS 100
#define THREAD_B_RUNS 5

typedef struct GuestThread {
    uint64_t entry;
    int runs;
    const uint64_t *want;
    size_t nwant;
    char err[200]; /* first mismatch, empty if none */
} GuestThread;

static void *guest_thread(void *arg)
{
    GuestThread *g = arg;
    ToyCPU *c = calloc(1, sizeof(*c));

    if (!c) {
        snprintf(g->err, sizeof(g->err), "out of memory");
        return NULL;
    }
    toy_cpu_init(c, MEM_SIZE);
    for (int r = 0; r < g->runs && !g->err[0]; r++) {
        memset(c->regs, 0, sizeof(c->regs));
        toy_cpu_clear_output(c);
        c->pc = g->entry;
        int excp = toy_cpu_run(c);
        if (excp != EXCP_TOY_HALT) {
            snprintf(g->err, sizeof(g->err),
                     "run %d: exception %d at pc 0x%" PRIx64, r, excp, c->pc);
        } else if (c->nb_out != g->nwant) {
            snprintf(g->err, sizeof(g->err), "run %d: %zu outputs, want %zu", r,
                     c->nb_out, g->nwant);
        } else {
            for (size_t k = 0; k < g->nwant; k++) {
                if (c->out[k] != g->want[k]) {
                    snprintf(g->err, sizeof(g->err),
                             "run %d: output %zu is %" PRIu64 ", want %" PRIu64,
                             r, k, c->out[k], g->want[k]);
                    break;
                }
            }
        }
    }
    /* The CPU is not freed: the runtime may keep a pointer to it (see
     * test-cpu-lifetime.c). */
    return NULL;
}

/* Thread A spins in a chained loop while thread B rewrites its own code
 * and runs fencei over all guest memory, invalidating A's blocks under
 * it, over and over. Both must always compute their own results. */
START_TEST(test_two_threads)
{
    ToyAsm a, b;
    ToyLabel halt_at;
    static uint64_t want_b[THREAD_B_ROUNDS];
    const uint64_t want_a = (uint64_t)LOOP_N * (LOOP_N + 1) / 2;

    start(_i, 0);
    toy_asm_init(&a, BASE);
    emit_three_block_loop(&a, &halt_at);
    load(&a);

    toy_asm_init(&b, 0x8000);
    ToyLabel next = toy_label(&b);
    toy_li(&b, 1, 1);
    toy_la(&b, 6, next);
    ToyLabel loop = toy_label_here(&b);
    toy_muli(&b, 7, 1, 10);
    toy_shli(&b, 7, 7, 12);
    toy_ori(&b, 7, 7, toy_enc_j(TOY_OP_li, 2, 0));
    toy_stw(&b, 7, 6, 0);
    toy_fencei(&b, 0, 0);
    toy_bind(&b, next);
    toy_li(&b, 2, 7);
    toy_out(&b, 2);
    toy_addi(&b, 1, 1, 1);
    toy_slti(&b, 8, 1, THREAD_B_ROUNDS + 1);
    toy_bne(&b, 8, 0, loop);
    toy_halt(&b);
    load(&b);
    for (int k = 0; k < THREAD_B_ROUNDS; k++) {
        want_b[k] = (uint64_t)(k + 1) * 10;
    }

    GuestThread ga = {BASE, THREAD_A_RUNS, &want_a, 1, ""};
    GuestThread gb = {0x8000, THREAD_B_RUNS, want_b, THREAD_B_ROUNDS, ""};
    pthread_t ta, tb;
    TCGStats st0 = stats_now();
    ck_assert_int_eq(pthread_create(&ta, NULL, guest_thread, &ga), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, guest_thread, &gb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_msg(!ga.err[0], "[%s] looping thread: %s", bk, ga.err);
    ck_assert_msg(!gb.err[0], "[%s] self-modifying thread: %s", bk, gb.err);
    ck_assert_uint_ge(stats_now().tb_invalidated - st0.tb_invalidated,
                      THREAD_B_ROUNDS * THREAD_B_RUNS);
    toy_asm_free(&a);
    toy_asm_free(&b);
}
END_TEST

/* ---- front end semantics against a C model ---- */

static const uint64_t alu_values[] = {
    0,
    1,
    2,
    63,
    64,
    (uint64_t)-1,
    (uint64_t)-7,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x123456789abcdef0ull,
};
#define NB_ALU_VALUES (sizeof(alu_values) / sizeof(alu_values[0]))

static const int64_t alu_imms[] = {-32768, -7, -1, 0, 1, 5, 63, 64, 32767};
#define NB_ALU_IMMS (sizeof(alu_imms) / sizeof(alu_imms[0]))

static uint64_t ref_alu(unsigned op, uint64_t a, uint64_t b)
{
    int64_t sa = (int64_t)a, sb = (int64_t)b;

    switch (op & ~0x30u) { /* reg and imm forms share the low nibble */
    case TOY_OP_add & 15:
        return a + b;
    case TOY_OP_sub & 15:
        return a - b;
    case TOY_OP_mul & 15:
        return a * b;
    case TOY_OP_and & 15:
        return a & b;
    case TOY_OP_or & 15:
        return a | b;
    case TOY_OP_xor & 15:
        return a ^ b;
    case TOY_OP_shl & 15:
        return a << (b & 63);
    case TOY_OP_shr & 15:
        return a >> (b & 63);
    case TOY_OP_sar & 15:
        return (uint64_t)(sa >> (b & 63));
    case TOY_OP_div & 15:
        if (b == 0) {
            return UINT64_MAX;
        }
        if (sa == INT64_MIN && sb == -1) {
            return a;
        }
        return (uint64_t)(sa / sb);
    case TOY_OP_divu & 15:
        return b == 0 ? UINT64_MAX : a / b;
    case TOY_OP_rem & 15:
        if (b == 0) {
            return a;
        }
        if (sa == INT64_MIN && sb == -1) {
            return 0;
        }
        return (uint64_t)(sa % sb);
    case TOY_OP_remu & 15:
        return b == 0 ? a : a % b;
    case TOY_OP_slt & 15:
        return sa < sb;
    case TOY_OP_sltu & 15:
        return a < b;
    default:
        ck_abort_msg("no model for opcode 0x%x", op);
        return 0;
    }
}

static bool ref_branch(unsigned op, uint64_t a, uint64_t b)
{
    switch (op) {
    case TOY_OP_beq:
        return a == b;
    case TOY_OP_bne:
        return a != b;
    case TOY_OP_blt:
        return (int64_t)a < (int64_t)b;
    case TOY_OP_bge:
        return (int64_t)a >= (int64_t)b;
    case TOY_OP_bltu:
        return a < b;
    case TOY_OP_bgeu:
        return a >= b;
    default:
        ck_abort_msg("no model for branch 0x%x", op);
        return false;
    }
}

/* Operands as constants (_i & 2: the optimizer folds everything) or loaded
 * from memory (the backends compute). */
START_TEST(test_alu_semantics)
{
    bool from_mem = (_i & 2) != 0;
    ToyAsm as;
    size_t cap = 4096, n = 0;
    uint64_t *want = malloc(cap * sizeof(*want));

    start(_i, 0);
    ck_assert_ptr_nonnull(want);
    toy_asm_init(&as, BASE);
    toy_li64(&as, 10, DATA);
    for (size_t k = 0; k < NB_ALU_VALUES; k++) {
        memcpy(mem + DATA + 8 * k, &alu_values[k], 8);
    }

#define GET(reg, k)                                                            \
    do {                                                                       \
        if (from_mem) {                                                        \
            toy_ldd(&as, reg, 10, (int64_t)(8 * (k)));                         \
        } else {                                                               \
            toy_li64(&as, reg, alu_values[k]);                                 \
        }                                                                      \
    } while (0)

    for (unsigned op = TOY_OP_add; op <= TOY_OP_sltu; op++) {
        for (size_t x = 0; x < NB_ALU_VALUES; x++) {
            for (size_t y = 0; y < NB_ALU_VALUES; y++) {
                GET(1, x);
                GET(2, y);
                toy_emit_r(&as, op, 3, 1, 2);
                toy_out(&as, 3);
                want[n++] = ref_alu(op, alu_values[x], alu_values[y]);
            }
        }
        /* rd == rs1 == rs2 */
        GET(4, 9);
        toy_emit_r(&as, op, 4, 4, 4);
        toy_out(&as, 4);
        want[n++] = ref_alu(op, alu_values[9], alu_values[9]);
    }
    for (unsigned op = TOY_OP_addi; op <= TOY_OP_sltui; op++) {
        for (size_t x = 0; x < NB_ALU_VALUES; x++) {
            for (size_t y = 0; y < NB_ALU_IMMS; y++) {
                GET(1, x);
                toy_emit_i(&as, op, 5, 1, alu_imms[y]);
                toy_out(&as, 5);
                want[n++] = ref_alu(op, alu_values[x], (uint64_t)alu_imms[y]);
            }
        }
    }
    for (unsigned op = TOY_OP_beq; op <= TOY_OP_bgeu; op++) {
        for (size_t x = 0; x < NB_ALU_VALUES; x += 2) {
            for (size_t y = 0; y < NB_ALU_VALUES; y += 3) {
                ToyLabel taken = toy_label(&as), join = toy_label(&as);
                GET(1, x);
                GET(2, y);
                toy_emit_b(&as, op, 1, 2, taken);
                toy_li(&as, 3, 0);
                toy_j(&as, join);
                toy_bind(&as, taken);
                toy_li(&as, 3, 1);
                toy_bind(&as, join);
                toy_out(&as, 3);
                want[n++] = ref_branch(op, alu_values[x], alu_values[y]);
            }
        }
    }
    /* r0 reads as zero and ignores writes. */
    GET(1, 5);
    toy_add(&as, 0, 1, 1);
    toy_add(&as, 3, 0, 1);
    toy_out(&as, 0);
    toy_out(&as, 3);
    want[n++] = 0;
    want[n++] = alu_values[5];
#undef GET
    /* li / shori */
    toy_li(&as, 3, -5);
    toy_out(&as, 3);
    want[n++] = (uint64_t)-5;
    toy_shori(&as, 3, 0xbeef);
    toy_out(&as, 3);
    want[n++] = ((uint64_t)-5 << 16) | 0xbeef;
    /* jal links to the next instruction. */
    ToyLabel after = toy_label(&as);
    toy_jal(&as, 7, after);
    toy_bind(&as, after);
    toy_out(&as, 7);
    want[n++] = toy_label_addr(&as, after);
    toy_halt(&as);
    ck_assert_uint_le(n, cap);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(want, n);
    free(want);
    toy_asm_free(&as);
}
END_TEST

/* Every load and store width and sign, and amoadd's returned old value. */
START_TEST(test_memory_semantics)
{
    /* Width and signedness per the ISA manual (README.md), written out
     * here rather than taken from the table under test. */
    static const struct {
        unsigned op, bytes;
        bool sign;
    } loads[] = {
        {TOY_OP_ldb, 1, false}, {TOY_OP_ldh, 2, false}, {TOY_OP_ldw, 4, false},
        {TOY_OP_ldd, 8, false}, {TOY_OP_ldbs, 1, true}, {TOY_OP_ldhs, 2, true},
        {TOY_OP_ldws, 4, true},
    };
    static const unsigned stores[] = {TOY_OP_stb, TOY_OP_sth, TOY_OP_stw,
                                      TOY_OP_std};
    const uint64_t pattern = 0x8899aabbccddeeffull;
    ToyAsm as;
    uint64_t want[64];
    size_t n = 0;

    start(_i, 0);
    toy_asm_init(&as, BASE);
    toy_li64(&as, 10, DATA);
    toy_li64(&as, 1, pattern);
    toy_std(&as, 1, 10, 0);
    for (size_t k = 0; k < 7; k++) {
        for (int off = 0; off <= 4; off += 4) {
            unsigned bytes = loads[k].bytes;
            bool sign = loads[k].sign;
            uint64_t v = 0;
            if ((unsigned)off + bytes > 8) {
                continue;
            }
            toy_emit_i(&as, loads[k].op, 3, 10, off);
            toy_out(&as, 3);
            memcpy(&v, (const uint8_t *)&pattern + off, bytes);
            if (sign && bytes < 8) {
                unsigned sh = 64 - 8 * bytes;
                v = (uint64_t)((int64_t)(v << sh) >> sh);
            }
            want[n++] = v;
        }
    }
    /* Stores of each width over a filled double word. */
    for (size_t k = 0; k < 4; k++) {
        uint64_t v = ~0ull;
        toy_li(&as, 2, -1);
        toy_std(&as, 2, 10, 16);
        toy_emit_i(&as, stores[k], 1, 10, 16);
        toy_ldd(&as, 3, 10, 16);
        toy_out(&as, 3);
        memcpy(&v, &pattern, 1u << k);
        want[n++] = v;
    }
    /* amoadd returns the old value and adds. */
    toy_li64(&as, 4, DATA + 32);
    toy_li(&as, 5, 1000);
    toy_std(&as, 5, 4, 0);
    toy_li(&as, 6, -3);
    toy_amoadd(&as, 7, 4, 6);
    toy_out(&as, 7);
    toy_ldd(&as, 7, 4, 0);
    toy_out(&as, 7);
    want[n++] = 1000;
    want[n++] = 997;
    toy_halt(&as);
    load(&as);

    assert_excp(run_at(BASE), EXCP_TOY_HALT);
    assert_output(want, n);
    toy_asm_free(&as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc;

#define ADD(name, iters)                                                       \
    do {                                                                       \
        tc = tcase_create(#name);                                              \
        tcase_set_timeout(tc, 60);                                             \
        tcase_add_loop_test(tc, name, 0, iters);                               \
        suite_add_tcase(s, tc);                                                \
    } while (0)

    ADD(test_chaining, 2);
    ADD(test_indirect_jumps, 2);
    ADD(test_jump_cache_collision, 2);
    ADD(test_flush_and_backend_switch, 2);
    ADD(test_smc_fencei, 4);
    ADD(test_smc_next_insn, 2);
    ADD(test_invalidate_from_c, 2);
    ADD(test_unchain_invalidated, 2);
    ADD(test_indirect_to_invalidated, 2);
    ADD(test_flush_on_full_buffer, 2);
    ADD(test_fault_load_store, 2);
    ADD(test_fault_in_chained_loop, 2);
    ADD(test_fault_unaligned, (int)(2 * NB_ALIGN_CASES));
    ADD(test_fault_unaligned_many, (int)(2 * NB_MANY_COUNTS));
    ADD(test_unaligned_plain_access, 2);
    ADD(test_illegal_instruction, 2);
    ADD(test_helper_exceptions, 2);
    ADD(test_log, 2);
    ADD(test_singlestep, 2);
    ADD(test_two_threads, 2);
    ADD(test_alu_semantics, 4);
    ADD(test_memory_semantics, 2);
#undef ADD

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

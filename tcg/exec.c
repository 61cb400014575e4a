/*
 * The execution runtime: runtime set-up, translation of one block
 * (front end -> optimizer -> liveness -> backend), block lookup through
 * the per-CPU jump cache and the global table, the main loop with
 * chaining, and the ways out of generated code (cpu_loop_exit, guest
 * faults raised by host signals).
 *
 * Relies on: tcg/tb-maint.c for every shared structure and its lock; the
 * backend's exec returning the exit_tb value; siglongjmp being the only
 * way a helper leaves generated code early.
 *
 * Guarantees: translation and every change to shared structures happen
 * under the TB lock, in the main loop, outside generated code; the jump
 * cache path (main loop and helper_lookup_tb_ptr) takes no lock; a jump
 * out of generated code, from a helper or a signal handler, restores the
 * signal mask cpu_exec was entered with and releases the TB lock if this
 * thread held it. With several threads, each run of generated code is
 * bracketed by tb_exec_enter/leave, and a full code buffer is flushed by
 * stopping the world (tb_flush_exclusive): a block found before a flush is
 * never run after it, and is never chained or restored from after it.
 */
#include "tcg/internal.h"
#include "tcg/tb-cache.h"
#include "tcg/tcg-op.h"

#include <assert.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

const void *tcg_code_gen_epilogue;
uintptr_t tcg_guest_base;
unsigned tcg_guest_addr_bits;
void (*tcg_code_page_hook)(uint64_t guest_page);
bool (*tcg_code_write_hook)(uint64_t guest_addr);
__thread CPUState *current_cpu;
__thread int tcg_exec_depth;

#define DEFAULT_MAX_INSNS 512

/* Per-thread translation context, bound to the TargetOps whose globals it
 * holds. */
static __thread TCGContext thread_ctx;
static __thread bool thread_ctx_ready;
static __thread const TargetOps *thread_ctx_ops;
static __thread uint32_t thread_ctx_base_globals;
/* The pc global of thread_ctx_ops (TargetOps.lookup_pc_offset), or 0. */
static __thread uint32_t thread_ctx_lookup_pc;
/* This thread is between tb_exec_enter and tb_exec_leave. */
static __thread bool in_code;

/* The block-size limit the cached blocks were translated with: blocks are
 * keyed by (pc, flags) only, so a change (singlestep) needs a flush. */
static int cached_max_insns;

TCGContext *tcg_thread_context(void)
{
    if (!thread_ctx_ready) {
        tcg_context_init(&thread_ctx);
        thread_ctx_base_globals = thread_ctx.nb_globals;
        thread_ctx_ready = true;
    }
    return &thread_ctx;
}

void tcg_exec_thread_exit(void)
{
    tcg_optimize_thread_exit();
    if (thread_ctx_ready) {
        tcg_context_free(&thread_ctx);
        thread_ctx_ready = false;
        thread_ctx_ops = NULL;
    }
}

/* The global at env offset off, or 0 (env itself: "none"). */
static uint32_t find_global(const TCGContext *s, uint32_t off)
{
    for (uint32_t i = 0; off && i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL &&
            s->temps[i].mem_offset == (intptr_t)off &&
            s->temps[i].type == TCG_TYPE_I64) {
            return i;
        }
    }
    return 0;
}

/*
 * The context with ops' globals. A target without tcg_init leaves the
 * context alone (tests that create their globals by hand rely on this).
 */
static TCGContext *context_for(const TargetOps *ops)
{
    TCGContext *s = tcg_thread_context();
    if (ops->tcg_init && thread_ctx_ops != ops) {
        if (thread_ctx_ops || s->nb_globals != thread_ctx_base_globals) {
            bool optimize = s->optimize;
            tcg_context_free(s);
            tcg_context_init(s);
            s->optimize = optimize;
        }
        ops->tcg_init(s);
        thread_ctx_ops = ops;
        thread_ctx_lookup_pc = find_global(s, ops->lookup_pc_offset);
    }
    return s;
}

void tcg_exec_init(size_t code_size, const TCGBackend *backend)
{
    assert(backend && "tcg_exec_init needs a backend");
    tb_region_init(code_size, backend);
    tb_lock();
    cached_max_insns = 0;
    tb_unlock();
}

const TCGBackend *tcg_current_backend(void)
{
    return tb_region_backend();
}

const TCGBackend *tcg_backend_by_name(const char *name)
{
    if (!strcmp(name, "native") || !strcmp(name, "x86_64")) {
        return &tcg_backend_x86_64;
    }
    if (!strcmp(name, "tci")) {
        return &tcg_backend_tci;
    }
    return NULL;
}

void cpu_init_common(CPUState *cpu, const TargetOps *ops)
{
    /* No registration: jump caches validate their entries (see
     * tcg/tb-maint.c), so the runtime never needs to reach every CPU. */
    memset(cpu, 0, sizeof(*cpu));
    cpu->ops = ops;
}

static int effective_max_insns(const CPUState *cpu)
{
    if (cpu->singlestep) {
        return 1;
    }
    return cpu->max_insns > 0 ? cpu->max_insns : DEFAULT_MAX_INSNS;
}

/* Translation. */

static uint32_t count_ops(const TCGContext *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        n += s->ops[i].opc != INDEX_op_nop;
    }
    return n;
}

static void log_front_end(CPUState *cpu, TCGContext *s, TranslationBlock *tb)
{
    FILE *f = tcg_log_file ? tcg_log_file : stderr;
    flockfile(f);
    if ((tcg_log_mask & TCG_LOG_IN_ASM) && cpu->ops->disas) {
        fprintf(f, "----------------\nIN: %s 0x%016" PRIx64 "\n",
                cpu->ops->name ? cpu->ops->name : "", tb->pc);
        cpu->ops->disas(f, tb->pc, tb->size);
        fputc('\n', f);
    }
    if (tcg_log_mask & TCG_LOG_OP) {
        fprintf(f, "OP:\n");
        tcg_dump_ops(s, f, false);
        fputc('\n', f);
    }
    funlockfile(f);
}

static void log_passes(TCGContext *s)
{
    FILE *f = tcg_log_file ? tcg_log_file : stderr;
    flockfile(f);
    fprintf(f, "OP after optimization and liveness analysis:\n");
    tcg_dump_ops(s, f, true);
    fputc('\n', f);
    funlockfile(f);
}

static void log_out_asm(const TCGBackend *be, const TranslationBlock *tb)
{
    FILE *f = tcg_log_file ? tcg_log_file : stderr;
    flockfile(f);
    fprintf(f, "OUT: [size=%" PRIu32 "]\n", tb->tc_size);
    if (be->disas) {
        be->disas(f, tb->tc_ptr, tb->tc_size);
    }
    fputc('\n', f);
    funlockfile(f);
}

/* Out of room: ask for a flush, which the caller completes outside the
 * TB lock. A block that fails in an empty buffer can never be
 * translated. */
static void flush_for_retry(uint64_t pc, const char *what)
{
    if (tb_region_empty_locked()) {
        fprintf(stderr,
                "vemu: the block at guest pc 0x%" PRIx64
                " does not fit in an empty %s\n",
                pc, what);
        abort();
    }
    tb_request_flush_locked();
}

/* Translate the block at (pc, flags) and publish it, or return NULL when
 * a flush must make room first. Caller holds the TB lock and runs no
 * generated code. */
/*
 * Without gen_backward_exit_checks, every block starts by testing
 * cpu->exit_request, so a guest spinning in chained blocks still returns
 * to the main loop promptly. Added here rather than by front ends so none
 * can forget it; the exit happens before the first guest instruction, so
 * only the pc needs restoring (the main loop does that from the block's
 * first insn_start on TB_EXIT_REQUESTED).
 */
static uint32_t gen_exit_request_check(TCGContext *s)
{
    /* Emitted before the front end runs, not inserted in front of its
     * ops afterwards: no ops to move. */
    uint32_t label = tcg_label_new(s);
    TCGv flag = tcg_temp_ebb(s, TCG_TYPE_I32);
    tcg_gen_ld(s, TCG_TYPE_I32, flag, s->env_temp, MO_32,
               offsetof(CPUState, exit_request));
    tcg_gen_brcondi(s, TCG_TYPE_I32, TCG_COND_NE, flag, 0, label);
    return label;
}

/* The exit the check branches to, after the block's own ops. */
static void gen_exit_request_exit(TCGContext *s, TranslationBlock *tb,
                                  uint32_t label)
{
    tcg_gen_set_label(s, label);
    tcg_gen_exit_tb(s, tb, TB_EXIT_REQUESTED);
}

/* Insert "if (cpu->exit_request) goto label" before ops[pos] of a block
 * already translated; returns the label, for the caller to place. */
static uint32_t insert_exit_request_test(TCGContext *s, uint32_t pos)
{
    uint32_t label = tcg_label_new(s);
    TCGv flag = tcg_temp_ebb(s, TCG_TYPE_I32);
    TCGOp *op = tcg_op_insert_before(s, pos, INDEX_op_ld, TCG_TYPE_I32);
    op->args[0] = flag;
    op->args[1] = s->env_temp;
    op->args[2] = MO_32;
    op->args[3] = offsetof(CPUState, exit_request);
    op = tcg_op_insert_before(s, pos + 1, INDEX_op_brcond, TCG_TYPE_I32);
    op->args[0] = flag;
    op->args[1] = tcg_constant(s, TCG_TYPE_I32, 0);
    op->args[2] = TCG_COND_NE;
    op->args[3] = label;
    s->labels[label].refs++;
    return label;
}

/* The constant op sets pc_global to, if it is "mov pc_global, const". */
static bool op_sets_pc_const(const TCGContext *s, const TCGOp *op,
                             uint32_t pc_global, uint64_t *dest)
{
    if (op->opc != INDEX_op_mov || op->args[0] != pc_global) {
        return false;
    }
    const TCGTemp *src = &s->temps[op->args[1]];
    if (src->kind != TEMP_CONST) {
        return false;
    }
    *dest = src->val;
    return true;
}

/* The index of the op storing the destination of the goto_tb at ops[i]
 * into the pc (front ends put that constant store right before the
 * goto_tb, or right after it, on the path taken until the jump is
 * chained, the only one that needs it), with the destination; -1 if
 * neither neighbour is such a store. */
static int64_t goto_tb_dest(const TCGContext *s, uint32_t i,
                            uint32_t pc_global, uint64_t *dest)
{
    if (i > 0 && op_sets_pc_const(s, &s->ops[i - 1], pc_global, dest)) {
        return (int64_t)i - 1;
    }
    if (i + 1 < s->nb_ops &&
        op_sets_pc_const(s, &s->ops[i + 1], pc_global, dest)) {
        return (int64_t)i + 1;
    }
    return -1;
}

/*
 * For a target that names its pc global (TargetOps.lookup_pc_offset), the
 * exit_request test goes on the block's backward direct jumps instead of
 * its entry: every loop of chained blocks has a jump to an address not
 * above its own block's (or an indirect jump, whose lookup tests the flag
 * itself), and a loop of four small blocks then tests once per iteration,
 * not four times. The test leaves with the jump's destination stored as
 * the pc, through an unchained exit; the main loop then sees the request.
 * Front ends set the pc to a constant next to each goto_tb (goto_tb_dest);
 * if a block does anything else, it gets the entry test instead (false).
 */
static bool gen_backward_exit_checks(TCGContext *s, TranslationBlock *tb,
                                     uint32_t pc_global)
{
    uint64_t dest = 0;
    if (!pc_global) {
        return false;
    }
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_goto_tb &&
            goto_tb_dest(s, i, pc_global, &dest) < 0) {
            return false;
        }
    }
    /* From the end, so that insertions do not move ops still to visit. */
    for (uint32_t i = s->nb_ops; i-- > 0;) {
        if (s->ops[i].opc != INDEX_op_goto_tb) {
            continue;
        }
        int64_t store = goto_tb_dest(s, i, pc_global, &dest);
        if (dest > tb->pc) {
            continue;
        }
        /* Before the goto_tb, and before its pc store if that comes first. */
        uint32_t at = store < (int64_t)i ? (uint32_t)store : i;
        uint32_t label = insert_exit_request_test(s, at);
        tcg_gen_set_label(s, label);
        tcg_gen_movi(s, TCG_TYPE_I64, pc_global, dest);
        tcg_gen_exit_tb(s, NULL, 0);
    }
    return true;
}

/*
 * The guest code a translation reads, as the front end's fetch checks
 * report it (tcg_note_code_fetch): what the persistent cache compares
 * before reusing the block in another run.
 */
static __thread struct {
    bool active, failed;
    uint64_t lo, hi;
} fetched;

void tcg_note_code_fetch(uint64_t addr, uint64_t len, bool ok)
{
    if (!fetched.active) {
        return;
    }
    if (!ok || addr + len < addr) {
        fetched.failed = true; /* the block depends on what is not code */
        return;
    }
    fetched.lo = addr < fetched.lo ? addr : fetched.lo;
    fetched.hi = addr + len > fetched.hi ? addr + len : fetched.hi;
}

/* Before the block is committed: what the cache needs to save it. */
static void note_cacheable(const TCGContext *s, TranslationBlock *tb,
                           int max_insns)
{
    uint64_t len = fetched.hi - fetched.lo;
    if (fetched.failed || fetched.hi <= fetched.lo || len > (64u << 10) ||
        s->relocs_lost || !s->optimize ||
        !tb_cache_code_stable(fetched.lo, len)) {
        return;
    }
    tb->src_lo = fetched.lo;
    tb->src_len = (uint32_t)len;
    tb->src_hash = tb_cache_hash((const void *)(tcg_guest_base + fetched.lo),
                                 len, 0);
    tb->max_insns = max_insns;
    tb->cacheable = true;
}

static TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint32_t flags)
{
    const TCGBackend *be = tb_region_backend();
    TCGContext *s = context_for(cpu->ops);
    int max_insns = effective_max_insns(cpu);

    for (;;) {
        TranslationBlock *tb = tb_alloc_locked(pc, flags);
        if (!tb) {
            flush_for_retry(pc, "block arena");
            return NULL;
        }
        tcg_func_start(s);
        bool caching = tb_cache_active();
        fetched.active = caching;
        fetched.failed = false;
        fetched.lo = UINT64_MAX;
        fetched.hi = 0;
        /* -d exec logs every block entered: keep the helper, which does. */
        s->lookup_pc = be->inline_lookup && !(tcg_log_mask & TCG_LOG_EXEC)
                           ? thread_ctx_lookup_pc
                           : 0;
        s->lazy_fault = be->fault_regs != NULL;
        /* With a pc global, the checks go on backward jumps, placed once
         * the block's jumps are known; otherwise at the entry. */
        bool edge_checks = thread_ctx_lookup_pc != 0;
        uint32_t exit_label = edge_checks ? 0 : gen_exit_request_check(s);
        cpu->ops->translate(cpu, s, tb, max_insns);
        fetched.active = false;
        if (!edge_checks) {
            gen_exit_request_exit(s, tb, exit_label);
        } else if (!gen_backward_exit_checks(s, tb, thread_ctx_lookup_pc)) {
            /* Jumps it cannot follow: the entry check after all. */
            gen_exit_request_exit(s, tb, insert_exit_request_test(s, 0));
        }
        if (tcg_log_mask & (TCG_LOG_IN_ASM | TCG_LOG_OP)) {
            log_front_end(cpu, s, tb);
        }
        if (s->optimize) {
            tcg_optimize(s);
        }
        tcg_liveness(s);
        if (tcg_log_mask & TCG_LOG_OP_OPT) {
            log_passes(s);
        }

        uint8_t *rw;
        const uint8_t *rx;
        size_t avail;
        if (caching && tb_cache_verify_mode()) {
            /* Blocks land at other places than in the run that saved
             * them, so a displacement the relocations miss differs. */
            static uint32_t seed;
            seed = seed * 1103515245u + 12345u + (uint32_t)getpid();
            tb_code_skip_locked(((seed >> 16) & 15) * 16);
        }
        tb_code_area_locked(&rw, &rx, &avail);
        ptrdiff_t size = be->gen_code(s, tb, rw, rx, avail);
        if (size < 0) {
            /* Retranslate from scratch: the IR embeds tb's address. */
            flush_for_retry(pc, "code buffer");
            return NULL;
        }
        if (caching) {
            note_cacheable(s, tb, max_insns);
        }
        if (!tb_commit_locked(tb, (size_t)size, s)) {
            flush_for_retry(pc, "metadata arena");
            return NULL;
        }
        if (tb->cacheable) {
            tb_cache_note_fresh();
            if (tb_cache_verify_mode()) {
                tb_cache_verify_locked(tb);
            }
        }
        tb_stats_add_ops(count_ops(s));
        if (tcg_log_mask & TCG_LOG_OUT_ASM) {
            log_out_asm(be, tb);
        }
        return tb;
    }
}

/* Lookup. */

static TranslationBlock *jmp_cache_get(CPUState *cpu, unsigned h, uint64_t pc,
                                       uint32_t flags)
{
    TranslationBlock *tb =
        __atomic_load_n(&cpu->tb_jmp_cache[h], __ATOMIC_ACQUIRE);
    if (tb && tb->pc == pc && tb->flags == flags &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return tb;
    }
    return NULL;
}

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint32_t flags)
{
    unsigned h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = jmp_cache_get(cpu, h, pc, flags);
    if (tb) {
        return tb;
    }
    for (;;) {
        tb = tb_htable_lookup(pc, flags);
        if (!tb) {
            tb_lock();
            /* Another thread may have translated it meanwhile. */
            tb = tb_htable_lookup(pc, flags);
            if (!tb && tb_cache_active() && !tb_cache_verify_mode()) {
                tb = tb_cache_load_locked(pc, flags,
                                          effective_max_insns(cpu));
            }
            if (!tb) {
                tb = tb_gen_code(cpu, pc, flags);
            }
            tb_unlock();
        }
        if (tb) {
            break;
        }
        tb_flush_exclusive();
    }
    __atomic_store_n(&cpu->tb_jmp_cache[h], tb, __ATOMIC_RELEASE);
    return tb;
}

static void log_exec(const TranslationBlock *tb)
{
    FILE *f = tcg_log_file ? tcg_log_file : stderr;
    fprintf(f, "Trace %p [%016" PRIx64 "/%08" PRIx32 "]\n", tb->tc_ptr, tb->pc,
            tb->flags);
}

/* Never translates: it runs inside generated code, where a flush would
 * pull the code out from under the caller. */
const void *helper_lookup_tb_ptr(CPUState *cpu)
{
    /* A flush waits for this thread, and an exit request is tested here
     * for loops closed by indirect jumps: back to the main loop. */
    if (tb_flush_pending() || cpu->exit_request) {
        return tcg_code_gen_epilogue;
    }
    uint64_t pc;
    uint32_t flags;
    cpu->ops->get_tb_cpu_state(cpu, &pc, &flags);
    unsigned h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = jmp_cache_get(cpu, h, pc, flags);
    if (!tb) {
        tb = tb_htable_lookup(pc, flags);
        if (!tb) {
            return tcg_code_gen_epilogue;
        }
        __atomic_store_n(&cpu->tb_jmp_cache[h], tb, __ATOMIC_RELEASE);
    }
    if (tcg_log_mask & TCG_LOG_EXEC) {
        log_exec(tb);
    }
    return tb->tc_ptr;
}

const TCGHelperInfo helper_info_lookup_tb_ptr = {
    .func = (void *)helper_lookup_tb_ptr,
    .name = "lookup_tb_ptr",
    .flags = TCG_CALL_NO_WRITE_GLOBALS | TCG_CALL_NO_SIDE_EFFECTS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 1,
    .arg_types = {TCG_TYPE_I64},
};

/* The main loop. */

static void sync_max_insns(const CPUState *cpu)
{
    int want = effective_max_insns(cpu);
    if (__atomic_load_n(&cached_max_insns, __ATOMIC_RELAXED) == want) {
        return;
    }
    tb_lock();
    if (cached_max_insns != want) {
        if (cached_max_insns != 0) {
            tb_request_flush_locked();
        }
        cached_max_insns = want;
    }
    tb_unlock();
    if (tcg_exec_depth == 0) {
        tb_flush_exclusive();
    }
}

int cpu_exec(CPUState *cpu)
{
    const TCGBackend *be = tb_region_backend();
    if (!be) {
        fprintf(stderr, "vemu: cpu_exec called before tcg_exec_init\n");
        abort();
    }
    /* current_cpu names a CPU only while it runs: a CPU freed after
     * cpu_exec must not be reachable from a later flush. */
    CPUState *volatile outer_cpu = current_cpu;
    current_cpu = cpu;
    volatile int outer_depth = tcg_exec_depth;

    /* Save the signal mask: a guest fault leaves its SIGSEGV handler by
     * siglongjmp, which would otherwise keep the signal blocked. */
    if (sigsetjmp(cpu->jmp_env, 1) != 0) {
        tcg_exec_depth = outer_depth;
        tb_lock_reset_after_longjmp();
        if (outer_depth == 0 && in_code) {
            in_code = false;
            tb_exec_leave();
        }
        current_cpu = outer_cpu;
        return cpu->exception_index;
    }

    sync_max_insns(cpu);
    TranslationBlock *last = NULL;
    uint64_t last_gen = 0;
    int last_exit = 0;
    for (;;) {
        if (cpu->exit_request) {
            cpu->exit_request = 0;
            current_cpu = outer_cpu;
            return EXCP_INTERRUPT;
        }
        /* Nested runs leave the flush to the outermost main loop. */
        bool outer = tcg_exec_depth == 0;
        if (outer && tb_flush_pending()) {
            tb_flush_exclusive();
            last = NULL;
        }

        uint64_t pc;
        uint32_t flags;
        cpu->ops->get_tb_cpu_state(cpu, &pc, &flags);
        uint64_t gen = tb_flush_count();
        TranslationBlock *tb = tb_lookup(cpu, pc, flags);
        if (last && last_gen == gen) {
            /* Without a flush since last ran, it still names its block;
             * tb_add_jump checks again under the lock. */
            tb_add_jump(last, last_exit, tb, gen);
        }
        if (outer) {
            tb_exec_enter();
            in_code = true;
            if (tb_flush_count() != gen) {
                /* Flushed after the lookup: tb is gone. */
                in_code = false;
                tb_exec_leave();
                last = NULL;
                continue;
            }
        }
        if (tcg_log_mask & TCG_LOG_EXEC) {
            log_exec(tb);
        }

        tcg_exec_depth++;
        uintptr_t v = be->exec(cpu, tb->tc_ptr);
        tcg_exec_depth--;

        last_exit = (int)(v & TB_EXIT_MASK);
        last = last_exit < 2
                   ? (TranslationBlock *)(v & ~(uintptr_t)TB_EXIT_MASK)
                   : NULL;
        last_gen = gen;
        if (last_exit == TB_EXIT_REQUESTED) {
            /* Entered by a chained jump, which does not store the pc.
             * Before leaving: a flush may reuse the metadata. */
            TranslationBlock *req =
                (TranslationBlock *)(v & ~(uintptr_t)TB_EXIT_MASK);
            cpu->ops->restore_state(cpu, &req->insn_data[0]);
        }
        if (outer) {
            in_code = false;
            tb_exec_leave();
        }
    }
}

_Noreturn void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->jmp_env, 1);
}

bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc)
{
    const TCGBackend *be = tb_region_backend();
    TranslationBlock *tb;
    int insn;
    if (!be || !be->locate || !be->locate(host_pc, &tb, &insn)) {
        return false;
    }
    if (insn >= 0 && (uint32_t)insn < tb->icount && tb->insn_data) {
        cpu->ops->restore_state(cpu,
                                &tb->insn_data[insn * TCG_INSN_START_WORDS]);
    }
    return true;
}

_Noreturn void cpu_loop_exit_restore(CPUState *cpu, uintptr_t ra)
{
    /* A return address points past the call, which may be the last byte
     * of its guest instruction's code: step back into the call itself.
     * 0 means "no host pc"; the interpreter knows its position anyway. */
    cpu_restore_state(cpu, ra ? ra - 1 : 0);
    cpu_loop_exit(cpu);
}

_Noreturn void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t ra)
{
    cpu->exception_index = excp;
    cpu_loop_exit_restore(cpu, ra);
}

/* Guest faults. */

void tcg_handle_host_fault(CPUState *cpu, uintptr_t host_pc,
                           uintptr_t host_addr, bool is_write,
                           const void *uc)
{
    /* Outside backend->exec there is no cpu_exec frame to jump to. */
    if (!cpu || tcg_exec_depth == 0) {
        return;
    }
    const TCGBackend *be = tb_region_backend();
    if (be && be->fault_regs) {
        /* Before the pc is restored: a register may hold an older pc. */
        be->fault_regs(cpu, host_pc, uc);
    }
    if (!cpu_restore_state(cpu, host_pc)) {
        return;
    }
    cpu->fault_addr = (uint64_t)(host_addr - tcg_guest_base);
    cpu->fault_write = is_write;
    cpu->exception_index = EXCP_SEGV;
    /* jmp_env holds the mask from before the signal: this unblocks it. */
    siglongjmp(cpu->jmp_env, 1);
}

static void host_fault_handler(int sig, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = 0;
    bool is_write = false;
#if defined(__x86_64__)
    pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    /* Bit 1 of the page-fault error code: the access was a write. */
    if (uc->uc_mcontext.gregs[REG_TRAPNO] == 14) {
        is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    }
#else
    (void)uc;
#endif
    /* A write to a translated page we protected: it is writable again
     * and its blocks are gone, so the write just runs again. */
    if (info->si_code > 0 && is_write && tcg_code_write_hook &&
        tcg_code_write_hook(
            (uint64_t)((uintptr_t)info->si_addr - tcg_guest_base))) {
        return;
    }
    /* si_code <= 0: sent by kill/tgkill, not a fault of ours. */
    if (info->si_code > 0) {
        tcg_handle_host_fault(current_cpu, pc, (uintptr_t)info->si_addr,
                              is_write, uc);
    }
    /* Not the guest's: let the default action kill us, so emulator bugs
     * are never hidden. A real fault re-triggers when we return. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    if (info->si_code <= 0) {
        raise(sig);
    }
}

void tcg_install_fault_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

const char *tcg_excp_name(int excp)
{
    switch (excp) {
    case EXCP_INTERRUPT:
        return "interrupt";
    case EXCP_SEGV:
        return "segmentation fault";
    case EXCP_UNALIGNED:
        return "unaligned access";
    case EXCP_HALTED:
        return "halted";
    default:
        return "unknown exception";
    }
}

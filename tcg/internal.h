/*
 * Runtime internals shared by the execution runtime (tcg/exec.c,
 * tcg/tb-maint.c, tcg/log.c) and the backends; not for guest front ends.
 *
 * The code buffer is one memfd mapped twice: a read-write view the
 * backends write through and a read-execute view the code runs from, at
 * the same offset. No page is ever writable and executable at one address,
 * so a backend that patches code (set_jmp_target) must translate the rx
 * address it knows into the rw one with tcg_splitwx_to_rw().
 */
#ifndef VEMU_TCG_INTERNAL_H
#define VEMU_TCG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcg/exec.h"

/* Guest page granularity of the invalidation lists. Front ends keep a
 * block within two such pages (wider ones work, less efficiently). */
#define TB_PAGE_BITS 12
#define TB_PAGE_SIZE (1ull << TB_PAGE_BITS)
#define TB_PAGE_MASK (~(TB_PAGE_SIZE - 1))

/* rw address minus rx address of the code buffer. */
extern ptrdiff_t tcg_splitwx_diff;

static inline void *tcg_splitwx_to_rw(const void *rx)
{
    return (void *)((uintptr_t)rx + tcg_splitwx_diff);
}

static inline const void *tcg_splitwx_to_rx(void *rw)
{
    return (const void *)((uintptr_t)rw - tcg_splitwx_diff);
}

/* True if host_pc lies in the executable view of the code buffer. */
bool tcg_in_code_buffer(uintptr_t host_pc);

/*
 * For a native backend's locate(): the block whose code contains host_pc,
 * or NULL. Lock-free and async-signal-safe, so it may run in a SIGSEGV
 * handler. Invalidated blocks are still found (their code stays in place
 * until the next flush), which keeps faults inside a block that a helper
 * has just invalidated recoverable.
 */
TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);

/*
 * tb_find_by_host_pc plus the guest instruction: the first k with
 * host_pc - tc_ptr < insn_end_off[k]. host_pc must be inside the host code
 * of that instruction: a faulting pc as is, a helper's return address
 * minus one (cpu_loop_exit_restore does that). Returns false if host_pc is
 * not in any block or lies past the last instruction's code.
 */
bool tb_locate_host_pc(uintptr_t host_pc, TranslationBlock **tb, int *insn);

/* Print "0x<addr>:  mnemonic  operands" lines for x86-64 code, for a
 * backend's disas hook. */
void tcg_log_host_disas(FILE *f, const void *code, size_t size);

/*
 * Between exec.c and tb-maint.c. Everything marked "locked" expects the
 * caller to hold the TB lock (tb_lock); the lock is recursive so that a
 * flush from inside translation does not deadlock.
 */
void tb_lock(void);
void tb_unlock(void);
/* Release every level of the lock this thread holds: used after a
 * siglongjmp left a locked region. */
void tb_lock_reset_after_longjmp(void);

/* Create or reuse the code buffer, run backend->init and drop every
 * block; also resets the statistics. */
void tb_region_init(size_t code_size, const TCGBackend *backend);
const TCGBackend *tb_region_backend(void);

/* A fresh block for (pc, flags), still invalid and unpublished, or NULL
 * when the block arena is full (the caller flushes and retries). locked */
TranslationBlock *tb_alloc_locked(uint64_t pc, uint32_t flags);
/* Nothing is allocated since the last flush. locked */
bool tb_region_empty_locked(void);
/* Where the next block's code goes. locked */
void tb_code_area_locked(uint8_t **rw, const uint8_t **rx, size_t *avail);
/* Leave bytes of the code buffer unused (the cache's verify mode moves
 * blocks around so that position-dependent code shows). locked */
void tb_code_skip_locked(size_t bytes);
/* Record code_size bytes of code for tb (from tb_code_area) and the
 * backend's per-instruction data in s, then make the block findable.
 * Returns false when the metadata does not fit (flush and retry). locked */
bool tb_commit_locked(TranslationBlock *tb, size_t code_size, TCGContext *s);

/* tb_commit_locked with the backend's outputs given one by one (the
 * persistent cache's blocks have no TCGContext). locked */
bool tb_commit_parts_locked(TranslationBlock *tb, size_t code_size, uint32_t n,
                            const uint64_t *insn_data,
                            const uint32_t *insn_end_off,
                            const TCGCodeReloc *relocs, uint32_t nb_relocs);
/* Blocks [0, tb_region_count()) of the arena, valid or not, for the
 * persistent cache's save at exit. */
size_t tb_region_count(void);
TranslationBlock *tb_region_block(size_t i);
/* The code buffer's fixed code (prologue, epilogue, stubs) starts at
 * tb_region_stubs(); tb_region_in_stubs tells whether addr is in it and
 * at which offset. */
uintptr_t tb_region_stubs(void);
bool tb_region_in_stubs(uintptr_t addr, size_t *off);

/* Lock-free lookup of a valid block in the global table. */
TranslationBlock *tb_htable_lookup(uint64_t pc, uint32_t flags);
/* Chain exit n of from to to, if both are still valid, the exit is not
 * chained yet, no flush is pending and none happened since flush count
 * gen (when both blocks were known valid). */
void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to,
                 uint64_t gen);

/* Invalidate every block and mark a flush pending (tb_flush_pending);
 * tb_flush_exclusive reclaims the buffer later. locked */
void tb_request_flush_locked(void);
/* If a flush is pending: wait until no thread runs generated code (new
 * entries wait too), reclaim the buffer, let everyone go on. Only from
 * the main loop: not inside generated code, without the TB lock. */
void tb_flush_exclusive(void);
/* Bracket every run of generated code at depth 0 (backend->exec), also
 * when it is left by siglongjmp. enter waits while a flush is under way. */
void tb_exec_enter(void);
void tb_exec_leave(void);
/* Number of flushes so far, to notice that block pointers went stale. */
uint64_t tb_flush_count(void);
/* A flush is requested and not done yet: every block has been
 * invalidated, the buffer is reset by tb_flush_exclusive. */
bool tb_flush_pending(void);
/* Where tb_flush_pending reads, for generated code that tests it. */
const bool *tb_flush_pending_addr(void);
/* Count ops handed to a backend. locked */
void tb_stats_add_ops(uint64_t n);

/* Nesting of backend->exec on this thread: non-zero while generated code
 * (or the interpreter) runs, so helpers may be on the stack. */
extern __thread int tcg_exec_depth;

#endif

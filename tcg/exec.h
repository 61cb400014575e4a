/*
 * Execution runtime shared by every guest and both backends: the guest CPU
 * object as the runtime sees it, translation blocks, the code buffer, block
 * lookup and chaining, invalidation, and the main execution loop.
 *
 * Generated code addresses everything through one pointer, "env", which is
 * the CPUState itself: a guest front end embeds CPUState as the first
 * member of its own CPU struct and binds IR globals to offsets from it.
 * Helpers receive that same pointer.
 *
 * Guest memory accesses (qemu_ld/qemu_st/atomics) go to host address
 * tcg_guest_base + guest address. A host SIGSEGV/SIGBUS raised by generated
 * code is turned into EXCP_SEGV with the guest state restored to the
 * faulting guest instruction (tcg_handle_host_fault).
 */
#ifndef VEMU_TCG_EXEC_H
#define VEMU_TCG_EXEC_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcg/tcg.h"

typedef struct CPUState CPUState;
typedef struct TranslationBlock TranslationBlock;

/* Exception numbers returned by cpu_exec. Targets use values below
 * EXCP_RUNTIME_BASE for their own (syscall, illegal instruction, ...). */
enum {
    EXCP_RUNTIME_BASE = 0x10000,
    EXCP_INTERRUPT = EXCP_RUNTIME_BASE, /* cpu->exit_request was set */
    EXCP_SEGV,      /* guest memory fault at cpu->fault_addr */
    EXCP_UNALIGNED, /* MO_ALIGN access at cpu->fault_addr was misaligned */
    EXCP_HALTED,
};

/* What the runtime needs from a guest front end. */
typedef struct TargetOps {
    const char *name;
    /* Create the target's IR globals (tcg_global_mem_new, offsets from the
     * CPUState pointer) in a fresh translation context. Called once per
     * context: each thread has its own. */
    void (*tcg_init)(TCGContext *s);
    /* The state that selects a translation: guest pc and mode flags. */
    void (*get_tb_cpu_state)(CPUState *cpu, uint64_t *pc, uint32_t *flags);
    /* Emit IR for the block starting at tb->pc into s (after
     * tcg_func_start). Must set tb->size (guest bytes covered) and
     * tb->icount, call tcg_gen_insn_start before each guest instruction and
     * end every path with goto_tb+exit_tb, exit_tb or goto_ptr. */
    void (*translate)(CPUState *cpu, TCGContext *s, TranslationBlock *tb,
                      int max_insns);
    /* Put the guest state back as it was before the guest instruction whose
     * insn_start carried data[] (at least: set the pc). */
    void (*restore_state)(CPUState *cpu, const uint64_t *data);
    /* Optional: print guest code for -d in_asm. */
    void (*disas)(FILE *f, uint64_t pc, size_t size);
    /* Optional: offsetof the guest pc in the CPU state. Setting it lets
     * indirect jumps find their block in the jump cache inline, without
     * calling helper_lookup_tb_ptr; that path checks the pc but not the
     * flags, so only a target whose get_tb_cpu_state flags are always 0
     * may set it. */
    uint32_t lookup_pc_offset;
} TargetOps;

/* 16k entries: python3's interpreter loop missed a 4k-entry cache on
 * about 200k indirect jumps per second of run (each a global hash lookup);
 * with 16k, 8% of that. 128 KiB per CPU. */
#define TB_JMP_CACHE_BITS 14
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

struct CPUState {
    const TargetOps *ops;
    /* Per-CPU cache of recently used blocks, indexed by tb_jmp_cache_hash. */
    TranslationBlock *tb_jmp_cache[TB_JMP_CACHE_SIZE];
    sigjmp_buf jmp_env;
    int exception_index;
    volatile int exit_request;
    uint64_t fault_addr; /* EXCP_SEGV / EXCP_UNALIGNED */
    bool fault_write;
    int max_insns;   /* per block; 0 means the default (512) */
    bool singlestep; /* one guest instruction per block */
};

struct TranslationBlock {
    uint64_t pc;
    uint32_t flags;
    uint32_t size;   /* guest bytes */
    uint32_t icount; /* guest instructions */
    bool invalid;

    const void *tc_ptr; /* executable code (or TCI bytecode) */
    uint32_t tc_size;

    /* goto_tb bookkeeping. For the native backend the offsets locate the
     * jump to patch and its original (unchained) destination. */
    uint32_t jmp_insn_offset[2];
    uint32_t jmp_reset_offset[2];
    TranslationBlock *jmp_dest[2]; /* block each exit is chained to */
    /* Incoming chained jumps, for unchaining on invalidation: a list of
     * (tb, n) pairs threaded through jmp_list_next. The low bit of each
     * pointer stores n. */
    uintptr_t jmp_list_head;
    uintptr_t jmp_list_next[2];

    /* Fault recovery: data and host end offset of each guest insn. */
    uint64_t *insn_data;    /* icount * TCG_INSN_START_WORDS */
    uint32_t *insn_end_off; /* icount entries */

    TranslationBlock *hash_next;
    TranslationBlock *page_next[2]; /* per-page lists (2 pages max) */
    uint64_t page_addr[2];          /* -1 when unused */

    /* For the persistent translation cache (tcg/tb-cache.c), set when it
     * is open: the guest bytes the translation read ([src_lo, src_lo +
     * src_len), all fetched through the fetch check) and their hash, the
     * instruction budget it had, and where the code holds this process's
     * addresses. cache_rec: the file record a loaded block came from. */
    uint64_t src_lo, src_hash;
    uint32_t src_len;
    int32_t max_insns;
    uint32_t nb_relocs;
    bool cacheable;
    const TCGCodeReloc *relocs;
    const void *cache_rec;
};

/* Value returned by exit_tb: the block and the exit index (0 or 1) the main
 * loop may chain, or TB_EXIT_NOCHAIN. */
#define TB_EXIT_MASK 3
#define TB_EXIT_REQUESTED 2 /* entry check saw exit_request; pc not stored */
#define TB_EXIT_NOCHAIN 3

/* The host-facing side of a backend. */
typedef struct TCGBackend {
    const char *name;
    /* Emit any fixed code (prologue/epilogue) at the start of the buffer;
     * returns bytes used. */
    size_t (*init)(uint8_t *rw, const uint8_t *rx, size_t size);
    /* Generate code for the ops in s (already optimized and annotated by
     * liveness). Returns bytes written, or -1 if more than avail would be
     * needed (the caller flushes the buffer and retries). Fills tb's jump
     * offsets and s->insn_end_off/insn_data/nb_insns. */
    ptrdiff_t (*gen_code)(TCGContext *s, TranslationBlock *tb, uint8_t *rw,
                          const uint8_t *rx, size_t avail);
    /* Run code from tc_ptr until an exit_tb; returns its value. */
    uintptr_t (*exec)(CPUState *cpu, const void *tc_ptr);
    /* Point goto_tb exit n of tb at dest's code, or back to its own exit
     * path when dest is NULL. Must be atomic w.r.t. running code. */
    void (*set_jmp_target)(TranslationBlock *tb, int n,
                           const TranslationBlock *dest);
    /* Find the block and guest instruction index executing at host_pc
     * (a pc inside generated code, or any pc for an interpreter that tracks
     * its position itself). Returns false if the fault is not ours. */
    bool (*locate)(uintptr_t host_pc, TranslationBlock **tb, int *insn);
    /* Optional: on a host fault at host_pc (a guest access of a block,
     * uc its ucontext_t), write to env the globals that only a register
     * held there. Its presence tells liveness and the register allocator
     * that guest accesses need not sync globals (TCGContext.lazy_fault). */
    void (*fault_regs)(CPUState *cpu, uintptr_t host_pc, const void *uc);
    /* Print generated code for -d out_asm. */
    void (*disas)(FILE *f, const void *code, size_t size);
    /* Lowers lookup_goto (the jump cache probed inline). */
    bool inline_lookup;
    /* What the generated code depends on besides the IR and the
     * relocations (host features used), for the persistent cache's key;
     * NULL when this backend's code is not to be cached. */
    const void *(*code_config)(size_t *size);
} TCGBackend;

extern const TCGBackend tcg_backend_x86_64;
extern const TCGBackend tcg_backend_tci;

/* Set by the backend's init: code that returns to the main loop with
 * value TB_EXIT_NOCHAIN. helper_lookup_tb_ptr returns it on a miss. */
extern const void *tcg_code_gen_epilogue;

/* Guest address confinement: when non-zero, every guest memory access
 * (qemu_ld/qemu_st/atomics) at an address >= 2^tcg_guest_addr_bits raises
 * EXCP_SEGV instead of touching host memory, so a guest whose space is
 * reserved as [tcg_guest_base, tcg_guest_base + 2^bits) cannot reach the
 * emulator's own memory. Read when code is generated: set it before
 * tcg_exec_init (or flush after changing it). */
extern unsigned tcg_guest_addr_bits;

/* Host base of guest address 0 for qemu_ld/qemu_st/atomics. */
extern uintptr_t tcg_guest_base;

/* Debug logging (-d/-D). */
extern unsigned tcg_log_mask;
extern FILE *tcg_log_file;
/* Parse "op,op_opt,out_asm,in_asm,exec"; returns -1 and names the bad
 * item on stderr if one is unknown. */
int tcg_log_parse(const char *list);
int tcg_log_set_file(const char *path);

/* Runtime set-up: the code buffer size in bytes (0: default 64 MiB) and
 * the backend; may be called again (e.g. by tests) to switch backend. */
void tcg_exec_init(size_t code_size, const TCGBackend *backend);
const TCGBackend *tcg_current_backend(void);
/* Select a backend by name ("native"/"x86_64" or "tci"); NULL if unknown. */
const TCGBackend *tcg_backend_by_name(const char *name);

void cpu_init_common(CPUState *cpu, const TargetOps *ops);
/* Name of one of the runtime's own exceptions (EXCP_INTERRUPT, ...), or
 * "unknown exception": targets name theirs and defer to this. */
const char *tcg_excp_name(int excp);
/* Run the guest until an exception; returns cpu->exception_index. */
int cpu_exec(CPUState *cpu);
/* From a helper: leave generated code and return from cpu_exec with
 * cpu->exception_index as set. */
_Noreturn void cpu_loop_exit(CPUState *cpu);
/* The same, first restoring the guest state of the guest instruction
 * executing at host return address ra (from a helper:
 * (uintptr_t)__builtin_return_address(0)). */
_Noreturn void cpu_loop_exit_restore(CPUState *cpu, uintptr_t ra);
bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc);
/* From a helper: raise a target exception at the current instruction. */
_Noreturn void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t ra);

/* Fault from a host signal handler: if host_pc belongs to translated code
 * (or the interpreter is running a block), restore guest state (from env
 * and the registers in uc, the handler's ucontext_t), record the guest
 * address and siglongjmp out with EXCP_SEGV. Returns only if the fault is
 * not the guest's. */
void tcg_handle_host_fault(CPUState *cpu, uintptr_t host_pc,
                           uintptr_t host_addr, bool is_write,
                           const void *uc);
/* Install SIGSEGV/SIGBUS handlers calling tcg_handle_host_fault for the
 * thread's current CPU (used until linux-user owns the signals). */
void tcg_install_fault_handler(void);
extern __thread CPUState *current_cpu;

/* For the persistent translation cache: the front ends' fetch check
 * reports each range of guest code it was asked about (ok: it may be
 * read). Outside translation it does nothing. */
void tcg_note_code_fetch(uint64_t addr, uint64_t len, bool ok);

/* Block lookup; translates when missing. */
TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint32_t flags);
/* Helper for indirect jumps: returns the code pointer of the block at
 * the cpu's current state, or the backend's "return to main loop" path. */
const void *helper_lookup_tb_ptr(CPUState *cpu);
extern const TCGHelperInfo helper_info_lookup_tb_ptr;

/*
 * Self-modifying code. User mode write-protects writable guest pages that
 * hold translated code: code_page_hook is called (under the TB lock) for
 * each guest page a new block was translated from; code_write_hook is
 * called from the SIGSEGV handler for a write fault at guest_addr and
 * returns true if it was such a page, now writable again with its blocks
 * dropped, so the faulting write is simply retried.
 */
extern void (*tcg_code_page_hook)(uint64_t guest_page);
extern bool (*tcg_code_write_hook)(uint64_t guest_addr);

/* Drop every block that covers any guest byte in [start, end). */
void tb_invalidate_range(uint64_t start, uint64_t end);
/* Drop everything and reset the code buffer. */
void tb_flush(void);
/* In the child of a fork, before running guest code: take a private code
 * buffer (the parent's is shared memory) and drop every translation. Only
 * with no generated code on the stack (from the CPU loop's syscall). */
void tcg_exec_fork_child(void);

/* A thread that ran guest code is about to end: free its translation
 * context (each thread gets one on first use). */
void tcg_exec_thread_exit(void);

/* Statistics, for tests and benchmarks. */
typedef struct TCGStats {
    uint64_t tb_translated;
    uint64_t tb_flushes;
    uint64_t tb_invalidated;
    uint64_t chains;
    uint64_t guest_ops; /* IR ops handed to backends */
    size_t code_used;
    size_t code_size;
} TCGStats;
void tcg_get_stats(TCGStats *st);

/* The per-thread translation context used by the runtime. */
TCGContext *tcg_thread_context(void);

static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    return (unsigned)((pc >> 2) ^ (pc >> (2 + TB_JMP_CACHE_BITS))) &
           (TB_JMP_CACHE_SIZE - 1);
}

#endif

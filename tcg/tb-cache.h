/*
 * The persistent translation cache (tcg/tb-cache.c): blocks translated by
 * one run of a program are saved at its exit and reused by its next runs.
 * Used by the runtime (tcg/exec.c) and opened by linux-user.
 */
#ifndef VEMU_TCG_TB_CACHE_H
#define VEMU_TCG_TB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcg/exec.h"

/*
 * Open (creating the directory, mode 0700) the cache file for program (a
 * host path) under dir. config names what else shapes the generated code
 * on the caller's side (guest, CPU model, options). fetch_ok is the
 * front ends' fetch check, asked again before a saved block is reused;
 * writable tells whether guest code in a range may change under a
 * translation (another thread writing it), which keeps it out of the file.
 * Call after tcg_exec_init and the log settings. Returns false, with the
 * cache off, when the backend's code cannot be cached, -d logging is on,
 * the directory is unusable (warn says whether to tell the user) or this
 * vemu has no build ID to tell its code from another build's.
 */
bool tb_cache_open(const char *dir, const char *program, const char *config,
                   bool (*fetch_ok)(uint64_t addr, uint64_t len),
                   bool (*writable)(uint64_t addr, uint64_t len), bool warn);
bool tb_cache_active(void);
/* Check every block reused against a fresh translation (tests). */
void tb_cache_set_verify(bool on);
bool tb_cache_verify_mode(void);

/* Write the blocks of this run, merged with the file's, if any were
 * translated; from the exit path, with no other guest thread running. */
void tb_cache_save(void);

/* Counters for tests and VEMU_TB_CACHE_STATS. */
typedef struct TBCacheStats {
    uint64_t loaded;   /* blocks reused from the file */
    uint64_t rejected; /* records found but not reusable (changed code) */
    uint64_t fresh;    /* cacheable blocks translated by this process */
    uint64_t verified; /* verify mode: reused blocks that matched */
    uint64_t saved;    /* records written by the last save */
} TBCacheStats;
void tb_cache_get_stats(TBCacheStats *st);

/* The runtime's side (tcg/exec.c), under the TB lock. */
/* A block for (pc, flags) from the file, committed and findable; NULL if
 * the file has none that is valid now. */
TranslationBlock *tb_cache_load_locked(uint64_t pc, uint32_t flags,
                                       int max_insns);
/* Verify mode: compare the file's block for fresh's key, if valid now,
 * with fresh; a difference aborts. */
void tb_cache_verify_locked(const TranslationBlock *fresh);
/* In the child of a fork, whose blocks were all dropped. */
void tb_cache_fork_child(void);
/* The guest code [addr, addr + len) a translation read cannot have
 * changed while it was read (no page of it is writable). */
bool tb_cache_code_stable(uint64_t addr, uint64_t len);
/* A fresh block was translated and marked cacheable. */
void tb_cache_note_fresh(void);

/* A 64-bit hash of n bytes (also the guest-code check's). */
uint64_t tb_cache_hash(const void *p, size_t n, uint64_t seed);

#endif

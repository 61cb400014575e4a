/*
 * Helpers of the aarch64 loads and stores (trans-ldst.c.inc): the
 * 16-byte alignment check and the 128-bit compare-and-swap behind STXP
 * of a 64-bit pair and CASP of X registers, which IR cannot express.
 *
 * These helpers touch guest memory directly, where a fault would crash
 * the emulator instead of becoming a guest SIGSEGV (only faults in
 * generated code are the guest's). So generated code first checks the
 * alignment here, then probes the 16 bytes with an atomic write access of
 * its own (which faults the guest's way and makes self-modifying-code
 * pages writable), and only then calls the compare-and-swap.
 */
#include <stdbool.h>

#include "target/aarch64/cpu.h"

/* 16-byte compare-and-swap at guest addr: lo and hi hold the expected
 * value and receive the old one; true if the new value was stored. */
static bool cas16(uint64_t addr, uint64_t *lo, uint64_t *hi, uint64_t nlo,
                  uint64_t nhi)
{
    unsigned __int128 *p = (unsigned __int128 *)(tcg_guest_base + addr);
#if defined(__x86_64__)
    bool ok;

    __asm__ volatile("lock cmpxchg16b %1"
                     : "=@ccz"(ok), "+m"(*p), "+a"(*lo), "+d"(*hi)
                     : "b"(nlo), "c"(nhi)
                     : "memory");
    return ok;
#else
#error "ldst-helper.c: no 16-byte compare-and-swap for this host"
#endif
}

static void helper_align16(CPUState *cs, uint64_t addr)
{
    if (addr & 15) {
        cs->fault_addr = addr;
        cpu_raise_exception_ra(cs, EXCP_UNALIGNED,
                               (uintptr_t)__builtin_return_address(0));
    }
}

/* Raises, so the globals must be in env (no NO_READ_GLOBALS). */
const TCGHelperInfo a64_helper_ldst_align16 = {
    .func = (void *)helper_align16,
    .name = "a64_ldst_align16",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
    .nb_args = 2,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64},
};

/* STXP/STLXP Xt, Xt2: status 0 if the monitor held this 16-byte pair
 * and memory still held what LDXP read; closes the monitor. */
static uint64_t helper_stxp128(CPUState *cs, uint64_t addr, uint64_t lo,
                               uint64_t hi)
{
    AArch64CPU *env = (AArch64CPU *)cs;
    bool ok = env->excl_addr == addr && env->excl_size == 3 && env->excl_pair;
    uint64_t clo = env->excl_val, chi = env->excl_val2;

    env->excl_size = A64_EXCL_NONE;
    return ok && cas16(addr, &clo, &chi, lo, hi) ? 0 : 1;
}

const TCGHelperInfo a64_helper_ldst_stxp128 = {
    .func = (void *)helper_stxp128,
    .name = "a64_ldst_stxp128",
    .flags = TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 4,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

static uint64_t xreg(const AArch64CPU *env, uint64_t r)
{
    return r == 31 ? 0 : env->xregs[r];
}

/* CASP Xs, Xs+1, Xt, Xt+1 (s, t even): compares with and returns the
 * old value in Xs:Xs+1. Reads and writes the x registers, hence no
 * global flags. */
static void helper_casp128(CPUState *cs, uint64_t addr, uint64_t rs,
                           uint64_t rt)
{
    AArch64CPU *env = (AArch64CPU *)cs;
    uint64_t lo = xreg(env, rs), hi = xreg(env, rs + 1);

    cas16(addr, &lo, &hi, xreg(env, rt), xreg(env, rt + 1));
    env->xregs[rs] = lo;
    if (rs + 1 != 31) {
        env->xregs[rs + 1] = hi;
    }
}

const TCGHelperInfo a64_helper_ldst_casp128 = {
    .func = (void *)helper_casp128,
    .name = "a64_ldst_casp128",
    .flags = 0,
    .nb_args = 4,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * x86-64 host description for the register allocator: register numbers,
 * the reserved registers and the SysV calling convention.
 *
 * Reserved: RSP (stack and spill frame), R14 (env, the CPUState pointer),
 * R13 (tcg_guest_base, loaded once per entry), R11 (backend scratch for
 * multi-instruction sequences and 64-bit immediates).
 *
 * XMM registers are not allocated: vector ops use XMM0-XMM3 as scratch
 * within one op only (v128 temps live in frame slots), so nothing in
 * them survives an op, and helpers, which may clobber them all under
 * the SysV ABI, never see a live one.
 */
#ifndef VEMU_TCG_TARGET_H
#define VEMU_TCG_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/x86_64/host-features.h" /* x86_have: the host features */

enum {
    TCG_REG_RAX,
    TCG_REG_RCX,
    TCG_REG_RDX,
    TCG_REG_RBX,
    TCG_REG_RSP,
    TCG_REG_RBP,
    TCG_REG_RSI,
    TCG_REG_RDI,
    TCG_REG_R8,
    TCG_REG_R9,
    TCG_REG_R10,
    TCG_REG_R11,
    TCG_REG_R12,
    TCG_REG_R13,
    TCG_REG_R14,
    TCG_REG_R15,
    TCG_TARGET_NB_REGS,
};

#define TCG_AREG0 TCG_REG_R14
#define TCG_REG_GUEST_BASE TCG_REG_R13
#define TCG_REG_TMP TCG_REG_R11
#define TCG_REG_CALL_STACK TCG_REG_RSP

#define TCG_TARGET_RESERVED                                                    \
    ((1u << TCG_REG_RSP) | (1u << TCG_REG_R14) | (1u << TCG_REG_R13) |         \
     (1u << TCG_REG_R11))

#define TCG_TARGET_CALL_CLOBBER                                                \
    ((1u << TCG_REG_RAX) | (1u << TCG_REG_RCX) | (1u << TCG_REG_RDX) |         \
     (1u << TCG_REG_RSI) | (1u << TCG_REG_RDI) | (1u << TCG_REG_R8) |          \
     (1u << TCG_REG_R9) | (1u << TCG_REG_R10) | (1u << TCG_REG_R11))

#define TCG_TARGET_ALL_REGS 0xffffu

/* Spill frame at [rsp, rsp + TCG_FRAME_SIZE): 8 bytes per spilled temp. */
#define TCG_FRAME_SIZE (32 * 1024)

static const int8_t tcg_target_alloc_order[] = {
    TCG_REG_RBX, TCG_REG_RBP, TCG_REG_R12, TCG_REG_R15,
    TCG_REG_R10, TCG_REG_R9,  TCG_REG_R8,  TCG_REG_RCX,
    TCG_REG_RDX, TCG_REG_RSI, TCG_REG_RDI, TCG_REG_RAX,
};

static const int8_t tcg_target_call_iarg_regs[] = {
    TCG_REG_RDI, TCG_REG_RSI, TCG_REG_RDX, TCG_REG_RCX, TCG_REG_R8, TCG_REG_R9,
};

#define TCG_TARGET_CALL_OARG_REG TCG_REG_RAX

#endif

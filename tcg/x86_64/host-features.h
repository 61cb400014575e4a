/*
 * Host x86-64 features (tcg/x86_64/cpuid.c), for the backend's choice of
 * instructions and for the helpers that have a host fast path (CRC32C,
 * AES, PMULL, hardware floating point). Kept apart from tcg-target.h so
 * the front ends can ask without the register allocator's tables.
 */
#ifndef VEMU_TCG_X86_64_HOST_FEATURES_H
#define VEMU_TCG_X86_64_HOST_FEATURES_H

#include <stdbool.h>

struct x86_features {
    bool bmi1, bmi2, lzcnt, popcnt;
    bool sse41; /* pcmpeqq, pminsb/pminsd/pminuw/pminud and the max forms */
    bool sse42; /* crc32 */
    bool aes, pclmul;
    bool fma; /* FMA3, and the OS saves the AVX state */
};

/* The backend's features: the host's, less VEMU_HOST_FEATURES. */
extern struct x86_features x86_have;
/* Fill x86_have, once at start-up. */
void x86_detect_features(void);

/* What the host has, from glibc's start-up CPUID when it publishes it
 * (no CPUID of our own: each one traps in a virtual machine), else from
 * CPUID. VEMU_HOST_FEATURES is not applied. */
void x86_features_host(struct x86_features *f);
/* Switch off what VEMU_HOST_FEATURES names: "none" (all, leaving the
 * SSE2 baseline), or any of -bmi1, -bmi2, -lzcnt, -popcnt, -sse41,
 * -sse42, -aes, -pclmul, -fma. */
void x86_features_apply_env(struct x86_features *f);
/* What CPUID itself says, for the tests. */
void x86_features_cpuid(struct x86_features *f);

#endif

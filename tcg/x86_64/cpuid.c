/*
 * Host feature detection, for the x86-64 backend (x86_have, once at
 * start-up) and the helpers with a host fast path. VEMU_HOST_FEATURES
 * can switch features off ("-bmi1,-bmi2,-lzcnt,-popcnt,-sse41" and so
 * on, or "none", which leaves SSE2, the x86-64 baseline) so that the
 * fallback code paths are testable on any host.
 *
 * Where glibc publishes the CPUID bits it read at start-up
 * (<sys/platform/x86.h>, glibc 2.33+), they are taken from there: in a
 * virtual machine every CPUID traps to the hypervisor, some 10 us each
 * on the machines we measure. For the same reason the helpers ask here
 * rather than with __builtin_cpu_supports, whose libgcc constructor runs
 * a dozen CPUIDs in every process.
 */
#include <cpuid.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HAVE_GLIBC_X86_FEATURES 1
#endif
#endif

#include "tcg/x86_64/host-features.h"

struct x86_features x86_have;

void x86_features_cpuid(struct x86_features *f)
{
    unsigned a, b, c, d;
    memset(f, 0, sizeof(*f));
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        f->popcnt = (c >> 23) & 1;
        f->sse41 = (c >> 19) & 1;
        f->sse42 = (c >> 20) & 1;
        f->aes = (c >> 25) & 1;
        f->pclmul = (c >> 1) & 1;
        /* FMA3 is usable only if the OS saves the YMM state: OSXSAVE,
         * then XCR0 with the SSE and AVX bits. */
        if (((c >> 12) & 1) && ((c >> 27) & 1) && ((c >> 28) & 1)) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            (void)hi;
            f->fma = (lo & 6) == 6;
        }
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f->bmi1 = (b >> 3) & 1;
        f->bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        f->lzcnt = (c >> 5) & 1;
    }
}

void x86_features_host(struct x86_features *f)
{
#ifdef HAVE_GLIBC_X86_FEATURES
    memset(f, 0, sizeof(*f));
    f->popcnt = CPU_FEATURE_ACTIVE(POPCNT);
    f->sse41 = CPU_FEATURE_ACTIVE(SSE4_1);
    f->sse42 = CPU_FEATURE_ACTIVE(SSE4_2);
    f->aes = CPU_FEATURE_ACTIVE(AES);
    f->pclmul = CPU_FEATURE_ACTIVE(PCLMULQDQ);
    /* Active only when AVX is: glibc has checked XCR0. */
    f->fma = CPU_FEATURE_ACTIVE(FMA);
    f->bmi1 = CPU_FEATURE_ACTIVE(BMI1);
    f->bmi2 = CPU_FEATURE_ACTIVE(BMI2);
    f->lzcnt = CPU_FEATURE_ACTIVE(LZCNT);
#else
    x86_features_cpuid(f);
#endif
}

void x86_features_apply_env(struct x86_features *f)
{
    static const struct {
        const char *name;
        size_t off;
    } sw[] = {
        {"-bmi1", offsetof(struct x86_features, bmi1)},
        {"-bmi2", offsetof(struct x86_features, bmi2)},
        {"-lzcnt", offsetof(struct x86_features, lzcnt)},
        {"-popcnt", offsetof(struct x86_features, popcnt)},
        {"-sse41", offsetof(struct x86_features, sse41)},
        {"-sse42", offsetof(struct x86_features, sse42)},
        {"-aes", offsetof(struct x86_features, aes)},
        {"-pclmul", offsetof(struct x86_features, pclmul)},
        {"-fma", offsetof(struct x86_features, fma)},
    };
    const char *env = getenv("VEMU_HOST_FEATURES");
    if (!env) {
        return;
    }
    if (strstr(env, "none")) {
        memset(f, 0, sizeof(*f));
    }
    for (size_t i = 0; i < sizeof(sw) / sizeof(sw[0]); i++) {
        if (strstr(env, sw[i].name)) {
            *((bool *)f + sw[i].off) = false;
        }
    }
}

void x86_detect_features(void)
{
    x86_features_host(&x86_have);
    x86_features_apply_env(&x86_have);
}

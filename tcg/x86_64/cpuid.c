/*
 * Host feature detection for the x86-64 backend, done once at start-up.
 * VEMU_HOST_FEATURES can switch features off
 * ("-bmi1,-bmi2,-lzcnt,-popcnt,-sse41" or "none", which leaves SSE2, the
 * x86-64 baseline) so that the fallback code paths are testable on any
 * host.
 *
 * Where glibc publishes the CPUID bits it read at start-up
 * (<sys/platform/x86.h>, glibc 2.33+), they are taken from there: in a
 * virtual machine every CPUID traps to the hypervisor, some 10 us each
 * on the machines we measure, and asking ourselves cost six of them per
 * process.
 */
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HAVE_GLIBC_X86_FEATURES 1
#endif
#endif

#include "tcg-target.h"

struct x86_features x86_have;

void x86_features_cpuid(struct x86_features *f)
{
    unsigned a, b, c, d;
    memset(f, 0, sizeof(*f));
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        f->popcnt = (c >> 23) & 1;
        f->sse41 = (c >> 19) & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f->bmi1 = (b >> 3) & 1;
        f->bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        f->lzcnt = (c >> 5) & 1;
    }
}

void x86_detect_features(void)
{
#ifdef HAVE_GLIBC_X86_FEATURES
    memset(&x86_have, 0, sizeof(x86_have));
    x86_have.popcnt = CPU_FEATURE_ACTIVE(POPCNT);
    x86_have.sse41 = CPU_FEATURE_ACTIVE(SSE4_1);
    x86_have.bmi1 = CPU_FEATURE_ACTIVE(BMI1);
    x86_have.bmi2 = CPU_FEATURE_ACTIVE(BMI2);
    x86_have.lzcnt = CPU_FEATURE_ACTIVE(LZCNT);
#else
    x86_features_cpuid(&x86_have);
#endif
    const char *env = getenv("VEMU_HOST_FEATURES");
    if (env) {
        if (strstr(env, "none")) {
            memset(&x86_have, 0, sizeof(x86_have));
        }
        if (strstr(env, "-bmi1")) {
            x86_have.bmi1 = false;
        }
        if (strstr(env, "-bmi2")) {
            x86_have.bmi2 = false;
        }
        if (strstr(env, "-lzcnt")) {
            x86_have.lzcnt = false;
        }
        if (strstr(env, "-popcnt")) {
            x86_have.popcnt = false;
        }
        if (strstr(env, "-sse41")) {
            x86_have.sse41 = false;
        }
    }
}

/*
 * Host feature detection for the x86-64 backend, done once at start-up.
 * VEMU_HOST_FEATURES can switch features off
 * ("-bmi1,-bmi2,-lzcnt,-popcnt,-sse41" or "none", which leaves SSE2, the
 * x86-64 baseline) so that the fallback code paths are testable on any
 * host.
 */
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "tcg-target.h"

struct x86_features x86_have;

void x86_detect_features(void)
{
    unsigned a, b, c, d;
    memset(&x86_have, 0, sizeof(x86_have));
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        x86_have.popcnt = (c >> 23) & 1;
        x86_have.sse41 = (c >> 19) & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        x86_have.bmi1 = (b >> 3) & 1;
        x86_have.bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        x86_have.lzcnt = (c >> 5) & 1;
    }
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

/*
 * Start-up detection for the host floating-point fast path (see
 * hardfloat.h): SSE2 is the x86-64 baseline; FMA3 also needs the OS to
 * save the AVX state. VEMU_HOST_FEATURES=none or "-hardfloat" turns the
 * fast path off, "-fma" only the fused multiply-add, so tests can run
 * the soft-float alone. So does a host MXCSR that is not the default
 * at start-up (round to nearest, no FTZ/DAZ).
 */
#include "target/hardfloat.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

HfHost hf_host;

void hf_host_init(void)
{
    const char *env = getenv("VEMU_HOST_FEATURES");

    memset(&hf_host, 0, sizeof(hf_host));
#if defined(__x86_64__)
    unsigned a, b, c, d;
    hf_host.on = true;
    if (__get_cpuid(1, &a, &b, &c, &d) && ((c >> 12) & 1) &&
        ((c >> 27) & 1)) {
        unsigned lo, hi;
        /* XCR0: SSE and AVX state enabled by the OS */
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        (void)hi;
        hf_host.fma = (lo & 6) == 6;
    }
#endif
    if (env) {
        if (strstr(env, "none") || strstr(env, "-hardfloat")) {
            hf_host.on = false;
        }
        if (strstr(env, "-fma")) {
            hf_host.fma = false;
        }
    }
#if defined(__x86_64__)
    /* The fast path assumes the default control bits (hardfloat.h). */
    uint32_t mx;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    if ((mx & ~0x3fu) != HF_MXCSR_DEFAULT) {
        hf_host.on = false;
    }
#endif
    if (!hf_host.on) {
        hf_host.fma = false;
    }
}

__attribute__((constructor)) static void hf_host_ctor(void)
{
    hf_host_init();
}

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
#include "tcg/x86_64/host-features.h"
#endif

HfHost hf_host;

void hf_host_init(void)
{
    const char *env = getenv("VEMU_HOST_FEATURES");

    memset(&hf_host, 0, sizeof(hf_host));
#if defined(__x86_64__)
    hf_host.on = true;
    /* Not CPUID, which traps in a virtual machine: what glibc read. */
    struct x86_features f;
    x86_features_host(&f);
    hf_host.fma = f.fma;
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

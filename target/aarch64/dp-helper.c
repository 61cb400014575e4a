/*
 * C helpers of the A64 integer data-processing group: CRC32 and CRC32C
 * (FEAT_CRC32), with their TCGHelperInfo descriptors.
 *
 * The A64 instructions are the plain bit-reflected CRC update of the
 * accumulator with 1, 2, 4 or 8 bytes, without the initial and final
 * inversions software adds. CRC32 uses polynomial 0x04C11DB7, CRC32C
 * 0x1EDC6F41 (reflected: 0xEDB88320, 0x82F63B78). Both go through
 * slicing-by-8 tables (eight bytes per step); CRC32C uses the host's
 * SSE4.2 crc32 instruction, which is the same function, when present
 * (and VEMU_HOST_FEATURES does not say -sse42 or none).
 */
#include <pthread.h>
#include <stdint.h>

#include "target/aarch64/cpu.h"
#if defined(__x86_64__)
#include "tcg/x86_64/host-features.h"
#endif

#define CRC32_POLY 0xedb88320u
#define CRC32C_POLY 0x82f63b78u

/* tab[k][b]: the CRC of byte b followed by k zero bytes. */
static uint32_t crc32_tab[8][256];
static uint32_t crc32c_tab[8][256];
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;
#if defined(__x86_64__)
static bool host_sse42;
#endif

static void fill_tab(uint32_t tab[8][256], uint32_t poly)
{
    for (unsigned b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++) {
            c = (c >> 1) ^ ((c & 1) ? poly : 0);
        }
        tab[0][b] = c;
    }
    for (unsigned b = 0; b < 256; b++) {
        for (int k = 1; k < 8; k++) {
            uint32_t c = tab[k - 1][b];
            tab[k][b] = (c >> 8) ^ tab[0][c & 0xff];
        }
    }
}

static void init_tabs(void)
{
    fill_tab(crc32_tab, CRC32_POLY);
    fill_tab(crc32c_tab, CRC32C_POLY);
#if defined(__x86_64__)
    struct x86_features f;
    x86_features_host(&f);
    x86_features_apply_env(&f);
    host_sse42 = f.sse42;
#endif
}

static uint32_t crc_update(uint32_t tab[8][256], uint32_t acc, uint64_t val,
                           unsigned bytes)
{
    if (bytes == 8) {
        uint64_t x = val ^ acc;
        return tab[7][x & 0xff] ^ tab[6][(x >> 8) & 0xff] ^
               tab[5][(x >> 16) & 0xff] ^ tab[4][(x >> 24) & 0xff] ^
               tab[3][(x >> 32) & 0xff] ^ tab[2][(x >> 40) & 0xff] ^
               tab[1][(x >> 48) & 0xff] ^ tab[0][x >> 56];
    }
    for (unsigned i = 0; i < bytes; i++) {
        acc = (acc >> 8) ^ tab[0][(acc ^ (uint32_t)(val >> (8 * i))) & 0xff];
    }
    return acc;
}

static uint64_t helper_crc32(uint64_t acc, uint64_t val, uint64_t bytes)
{
    pthread_once(&tabs_once, init_tabs);
    return crc_update(crc32_tab, (uint32_t)acc, val, (unsigned)bytes);
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t
crc32c_sse42(uint32_t acc, uint64_t val, unsigned bytes)
{
    switch (bytes) {
    case 1:
        return __builtin_ia32_crc32qi(acc, (uint8_t)val);
    case 2:
        return __builtin_ia32_crc32hi(acc, (uint16_t)val);
    case 4:
        return __builtin_ia32_crc32si(acc, (uint32_t)val);
    default:
        return (uint32_t)__builtin_ia32_crc32di(acc, val);
    }
}
#endif

static uint64_t helper_crc32c(uint64_t acc, uint64_t val, uint64_t bytes)
{
    pthread_once(&tabs_once, init_tabs);
#if defined(__x86_64__)
    if (host_sse42) {
        return crc32c_sse42((uint32_t)acc, val, (unsigned)bytes);
    }
#endif
    return crc_update(crc32c_tab, (uint32_t)acc, val, (unsigned)bytes);
}

const TCGHelperInfo a64_helper_crc32 = {
    .func = (void *)helper_crc32,
    .name = "a64_crc32",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 3,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

const TCGHelperInfo a64_helper_crc32c = {
    .func = (void *)helper_crc32c,
    .name = "a64_crc32c",
    .flags = TCG_CALL_PURE,
    .has_ret = true,
    .ret_type = TCG_TYPE_I64,
    .nb_args = 3,
    .arg_types = {TCG_TYPE_I64, TCG_TYPE_I64, TCG_TYPE_I64},
};

/*
 * The catalog of per-op tests: every computational op of tcg/ops.def on
 * each type it is valid for, every condition for setcond/movcond/brcond,
 * several (pos, len) pairs for the bit-field ops, every size/sign/byte
 * order/alignment for memory ops and every atomic sub-op. Vector counts are
 * per entry; ops split into many variants get fewer vectors per variant but
 * far more than 10,000 in total.
 */
#include "optests.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "../common/testrand.h"

#define MAX_TESTS 1024
#define NVEC_OP 10000     /* single-variant ops */
#define NVEC_VARIANT 3000 /* per cond / bit-field pair / memop */

static OpTest tests[MAX_TESTS];
static int ntests;

static const char *type_suffix(TCGType t)
{
    return t == TCG_TYPE_I32 ? "i32" : "i64";
}

const char *optests_memop_name(unsigned mo, char *buf, int len)
{
    static const char *const sizes[] = {"8", "16", "32", "64"};
    snprintf(buf, (size_t)len, "%s%s%s%s", (mo & MO_SIGN) ? "s" : "u",
             sizes[mo & MO_SIZE], (mo & MO_BSWAP) ? "|bswap" : "",
             (mo & MO_ALIGN) ? "|align" : "");
    return buf;
}

static OpTest *add_test(OpShape shape, TCGOpcode opc, TCGType type)
{
    assert(ntests < MAX_TESTS);
    OpTest *t = &tests[ntests++];
    memset(t, 0, sizeof(*t));
    t->shape = shape;
    t->opc = opc;
    t->type = type;
    t->ni = tcg_op_defs[opc].nb_iargs;
    t->no = tcg_op_defs[opc].nb_oargs;
    t->nc = tcg_op_defs[opc].nb_cargs;
    for (int i = 0; i < 4; i++) {
        t->in_type[i] = type;
    }
    t->out_type[0] = t->out_type[1] = type;
    t->nvec = NVEC_OP;
    snprintf(t->name, sizeof(t->name), "%s_%s", tcg_op_defs[opc].name,
             type_suffix(type));
    return t;
}

static void add_simple(TCGOpcode opc, TCGType type)
{
    add_test(SHAPE_COMPUTE, opc, type);
}

static void add_width_change(TCGOpcode opc, TCGType in, TCGType out)
{
    OpTest *t = add_test(SHAPE_COMPUTE, opc, out);
    t->in_type[0] = in;
    t->out_type[0] = out;
    snprintf(t->name, sizeof(t->name), "%s", tcg_op_defs[opc].name);
}

static void add_bitfield(TCGOpcode opc, TCGType type, unsigned pos,
                         unsigned len)
{
    OpTest *t = add_test(SHAPE_COMPUTE, opc, type);
    t->c[0] = pos;
    t->c[1] = len;
    t->nvec = NVEC_VARIANT;
    snprintf(t->name, sizeof(t->name), "%s_%s pos=%u len=%u",
             tcg_op_defs[opc].name, type_suffix(type), pos, len);
}

static void add_cond(OpShape shape, TCGOpcode opc, TCGType type, TCGCond c)
{
    OpTest *t = add_test(shape, opc, type);
    t->c[0] = c;
    t->nvec = NVEC_VARIANT;
    if (shape == SHAPE_BRCOND) {
        t->no = 1;
        t->out_type[0] = TCG_TYPE_I64;
    }
    snprintf(t->name, sizeof(t->name), "%s_%s %s", tcg_op_defs[opc].name,
             type_suffix(type), tcg_cond_name(c));
}

static void add_host_mem(TCGOpcode opc, TCGType type, unsigned mo,
                         bool base_env, int64_t off)
{
    OpShape shape = opc == INDEX_op_ld ? SHAPE_LD : SHAPE_ST;
    OpTest *t = add_test(shape, opc, type);
    char mb[40];
    t->c[0] = mo;
    t->base_env = base_env;
    t->off = off;
    t->nvec = NVEC_VARIANT;
    /* ld r, base / st v, base: the base is the last input. */
    t->addr_slot = t->ni - 1;
    t->in_type[t->addr_slot] = TCG_TYPE_I64;
    snprintf(t->name, sizeof(t->name), "%s_%s %s base=%s off=%lld",
             tcg_op_defs[opc].name, type_suffix(type),
             optests_memop_name(mo, mb, sizeof(mb)), base_env ? "env" : "ptr",
             (long long)off);
}

static void add_guest_mem(TCGOpcode opc, TCGType type, unsigned mo,
                          TCGAtomicOp aop)
{
    OpShape shape = opc == INDEX_op_qemu_ld   ? SHAPE_QLD
                    : opc == INDEX_op_qemu_st ? SHAPE_QST
                                              : SHAPE_ATOMIC;
    OpTest *t = add_test(shape, opc, type);
    char mb[40];
    static const char *const aops[] = {"add",  "and",  "or",   "xor",
                                       "smin", "smax", "umin", "umax"};
    t->c[0] = mo;
    t->c[1] = aop;
    t->nvec = NVEC_VARIANT;
    /* qemu_st v, addr; every other memory op has the address first. */
    t->addr_slot = opc == INDEX_op_qemu_st ? 1 : 0;
    t->in_type[t->addr_slot] = TCG_TYPE_I64;
    snprintf(t->name, sizeof(t->name), "%s_%s %s%s%s", tcg_op_defs[opc].name,
             type_suffix(type), optests_memop_name(mo, mb, sizeof(mb)),
             opc == INDEX_op_atomic_fetch ? " " : "",
             opc == INDEX_op_atomic_fetch ? aops[aop] : "");
}

static void build_type(TCGType ty)
{
    static const TCGOpcode binops[] = {
        INDEX_op_add,   INDEX_op_sub,  INDEX_op_mul,  INDEX_op_mulsh,
        INDEX_op_muluh, INDEX_op_div,  INDEX_op_divu, INDEX_op_rem,
        INDEX_op_remu,  INDEX_op_and,  INDEX_op_or,   INDEX_op_xor,
        INDEX_op_andc,  INDEX_op_orc,  INDEX_op_eqv,  INDEX_op_nand,
        INDEX_op_nor,   INDEX_op_shl,  INDEX_op_shr,  INDEX_op_sar,
        INDEX_op_rotl,  INDEX_op_rotr,
    };
    static const TCGOpcode unops[] = {
        INDEX_op_mov,   INDEX_op_neg,   INDEX_op_not,     INDEX_op_clz,
        INDEX_op_ctz,   INDEX_op_ctpop, INDEX_op_bswap16, INDEX_op_bswap32,
        INDEX_op_ext8s, INDEX_op_ext8u, INDEX_op_ext16s,  INDEX_op_ext16u,
    };
    static const TCGOpcode unops64[] = {INDEX_op_bswap64, INDEX_op_ext32s,
                                        INDEX_op_ext32u};
    static const unsigned bf32[][2] = {
        {0, 1}, {0, 8},   {0, 16}, {0, 31}, {0, 32},  {1, 31}, {31, 1},
        {8, 8}, {16, 16}, {24, 8}, {3, 5},  {12, 20}, {7, 13}, {30, 2},
    };
    static const unsigned bf64[][2] = {
        {0, 1},  {0, 8},   {0, 16},  {0, 32}, {0, 63},  {0, 64},
        {1, 63}, {63, 1},  {32, 32}, {8, 8},  {16, 16}, {31, 2},
        {32, 1}, {40, 24}, {7, 50},  {56, 8}, {3, 29},
    };
    static const int64_t ptr_offs[] = {
        0, 3, -24, 0x7fffffff, -0x80000000ll, 0x123456789ll};
    int w = ty == TCG_TYPE_I32 ? 32 : 64;
    int max_size = ty == TCG_TYPE_I32 ? 2 : 3;

    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++) {
        add_simple(binops[i], ty);
    }
    for (size_t i = 0; i < sizeof(unops) / sizeof(unops[0]); i++) {
        add_simple(unops[i], ty);
    }
    if (ty == TCG_TYPE_I64) {
        for (size_t i = 0; i < sizeof(unops64) / sizeof(unops64[0]); i++) {
            add_simple(unops64[i], ty);
        }
    }
    add_simple(INDEX_op_add2, ty);
    add_simple(INDEX_op_sub2, ty);

    /* Bit fields: the fixed pairs plus two random ones per type. */
    TestRng r;
    trng_seed(&r, 0xb17f1e1d + (uint64_t)w);
    unsigned pairs[32][2];
    int np = 0;
    size_t nfixed = ty == TCG_TYPE_I32 ? sizeof(bf32) / sizeof(bf32[0])
                                       : sizeof(bf64) / sizeof(bf64[0]);
    for (size_t i = 0; i < nfixed; i++) {
        pairs[np][0] = ty == TCG_TYPE_I32 ? bf32[i][0] : bf64[i][0];
        pairs[np][1] = ty == TCG_TYPE_I32 ? bf32[i][1] : bf64[i][1];
        np++;
    }
    for (int i = 0; i < 2; i++) {
        unsigned len = 1 + (unsigned)trng_below(&r, (uint64_t)w);
        unsigned pos = (unsigned)trng_below(&r, (uint64_t)(w - len + 1));
        pairs[np][0] = pos;
        pairs[np][1] = len;
        np++;
    }
    for (int i = 0; i < np; i++) {
        add_bitfield(INDEX_op_extract, ty, pairs[i][0], pairs[i][1]);
        add_bitfield(INDEX_op_sextract, ty, pairs[i][0], pairs[i][1]);
        add_bitfield(INDEX_op_deposit, ty, pairs[i][0], pairs[i][1]);
    }

    for (int c = 0; c < TCG_COND_COUNT; c++) {
        add_cond(SHAPE_COMPUTE, INDEX_op_setcond, ty, (TCGCond)c);
        add_cond(SHAPE_COMPUTE, INDEX_op_movcond, ty, (TCGCond)c);
        add_cond(SHAPE_BRCOND, INDEX_op_brcond, ty, (TCGCond)c);
    }

    /* Host ld/st: every size and sign, with env and pointer bases; the
     * pointer-base offsets cycle so every size meets several of them. */
    size_t noffs = sizeof(ptr_offs) / sizeof(ptr_offs[0]);
    for (int size = 0; size <= max_size; size++) {
        for (int sign = 0; sign < 2; sign++) {
            unsigned mo = (unsigned)size | (sign ? MO_SIGN : 0);
            int v = size * 2 + sign;
            add_host_mem(INDEX_op_ld, ty, mo, true, 8 * size + 3 * sign);
            add_host_mem(INDEX_op_ld, ty, mo, false, ptr_offs[(2 * v) % noffs]);
            add_host_mem(INDEX_op_ld, ty, mo, false,
                         ptr_offs[(2 * v + 1) % noffs]);
        }
        add_host_mem(INDEX_op_st, ty, (unsigned)size, true, 40 + 5 * size);
        add_host_mem(INDEX_op_st, ty, (unsigned)size, false,
                     ptr_offs[(2 * size) % noffs]);
        add_host_mem(INDEX_op_st, ty, (unsigned)size, false,
                     ptr_offs[(2 * size + 1) % noffs]);
    }

    /* Guest loads and stores. */
    for (int size = 0; size <= max_size; size++) {
        for (int bswap = 0; bswap < (size ? 2 : 1); bswap++) {
            for (int align = 0; align < (size ? 2 : 1); align++) {
                unsigned mo = (unsigned)size | (bswap ? MO_BSWAP : 0) |
                              (align ? MO_ALIGN : 0);
                add_guest_mem(INDEX_op_qemu_ld, ty, mo, 0);
                add_guest_mem(INDEX_op_qemu_ld, ty, mo | MO_SIGN, 0);
                add_guest_mem(INDEX_op_qemu_st, ty, mo, 0);
            }
        }
    }

    /* Atomics. */
    for (int size = 0; size <= max_size; size++) {
        unsigned extras[] = {0, MO_SIGN, MO_ALIGN, MO_BSWAP,
                             MO_SIGN | MO_BSWAP | MO_ALIGN};
        for (int e = 0; e < 5; e++) {
            if (size == 0 && (extras[e] & MO_BSWAP)) {
                continue;
            }
            unsigned mo = (unsigned)size | extras[e];
            add_guest_mem(INDEX_op_atomic_cmpxchg, ty, mo, 0);
            add_guest_mem(INDEX_op_atomic_xchg, ty, mo, 0);
        }
        for (int aop = 0; aop < TCG_AOP_COUNT; aop++) {
            unsigned extra = extras[(aop + size) % 4];
            if (size == 0) {
                extra &= ~(unsigned)MO_BSWAP;
            }
            add_guest_mem(INDEX_op_atomic_fetch, ty, (unsigned)size | extra,
                          (TCGAtomicOp)aop);
        }
    }
}

int optests_build(void)
{
    if (ntests) {
        return ntests;
    }
    build_type(TCG_TYPE_I32);
    build_type(TCG_TYPE_I64);
    add_width_change(INDEX_op_extu_i32_i64, TCG_TYPE_I32, TCG_TYPE_I64);
    add_width_change(INDEX_op_exts_i32_i64, TCG_TYPE_I32, TCG_TYPE_I64);
    add_width_change(INDEX_op_extrl_i64_i32, TCG_TYPE_I64, TCG_TYPE_I32);
    add_width_change(INDEX_op_extrh_i64_i32, TCG_TYPE_I64, TCG_TYPE_I32);
    return ntests;
}

const OpTest *optests_get(int i)
{
    return &tests[i];
}

int optests_count(void)
{
    return ntests;
}

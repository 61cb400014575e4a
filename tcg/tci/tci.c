/*
 * The interpreter backend (TCI): the portable oracle the native backend is
 * checked against. tci-gen.c turns a block's IR into the bytecode of tci.h;
 * this file runs it, with one computed-goto dispatch per instruction.
 *
 * Every op is implemented from docs/tcg-ir.md alone, without sharing code
 * with the optimizer's folder (tcg/fold.c), so that differential tests
 * compare two independent readings of the contract.
 *
 * Chaining: goto_tb reads the block's jmp_dest[n] (acquire) and, when set,
 * enters that block's bytecode without returning; set_jmp_target just
 * stores it (release). goto_ptr enters whatever bytecode it is given,
 * the epilogue included.
 *
 * Fault position: exec keeps the running block and guest instruction in
 * thread-local storage, updated on block entry and by "insn"
 * instructions, and cleared on a normal return. A siglongjmp out of exec
 * leaves it stale, so locate also requires the faulting pc to lie in the
 * interpreter's own code (section tci_text), or to be 0. Guest memory is
 * only touched from that section: loads and stores are inlined into exec,
 * atomics and the alignment fault are functions placed there.
 */
#include "tcg/tci/tci.h"

#include <alloca.h>
#include <assert.h>
#include <string.h>

#include <glib.h>

/*
 * Code that may fault on guest memory or call helpers lives in its own
 * section so locate can tell a fault in a running block from one elsewhere
 * in the process after a siglongjmp has left the position stale. Without
 * these linker-made symbols the check is skipped.
 */
#define TCI_TEXT __attribute__((section("tci_text"), noinline))
extern const char __start_tci_text[] __attribute__((weak));
extern const char __stop_tci_text[] __attribute__((weak));

typedef struct TciThread {
    TranslationBlock *tb; /* block being interpreted, NULL outside exec */
    int insn;
} TciThread;

static __thread TciThread tci_thread __attribute__((tls_model("initial-exec")));

#define TCI_ALWAYS_INLINE static inline __attribute__((always_inline))

TCI_ALWAYS_INLINE uint64_t tci_sext(uint64_t v, unsigned size, bool is64)
{
    int sh = 64 - (8 << size);
    v = (uint64_t)((int64_t)(v << sh) >> sh);
    return is64 ? v : (uint32_t)v;
}

/* Raw access of 1 << size bytes at p, in the host's byte order. */
TCI_ALWAYS_INLINE uint64_t tci_load_raw(const void *p, unsigned size)
{
    switch (size) {
    case MO_8:
        return *(const uint8_t *)p;
    case MO_16:
        return ((const TciU16 *)p)->v;
    case MO_32:
        return ((const TciU32 *)p)->v;
    default:
        return ((const TciU64 *)p)->v;
    }
}

TCI_ALWAYS_INLINE void tci_store_raw(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case MO_8:
        *(uint8_t *)p = (uint8_t)v;
        break;
    case MO_16:
        ((TciU16 *)p)->v = (uint16_t)v;
        break;
    case MO_32:
        ((TciU32 *)p)->v = (uint32_t)v;
        break;
    default:
        ((TciU64 *)p)->v = v;
        break;
    }
}

/* Truncate to the access size and swap to memory order if asked: used in
 * both directions since a byte swap is its own inverse. */
TCI_ALWAYS_INLINE uint64_t tci_mem_order(uint64_t v, unsigned mo)
{
    switch (mo & MO_SIZE) {
    case MO_8:
        return (uint8_t)v;
    case MO_16:
        return mo & MO_BSWAP ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
    case MO_32:
        return mo & MO_BSWAP ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
    default:
        return mo & MO_BSWAP ? __builtin_bswap64(v) : v;
    }
}

TCI_ALWAYS_INLINE uint64_t tci_load(const void *p, unsigned mo, bool is64)
{
    uint64_t v = tci_mem_order(tci_load_raw(p, mo & MO_SIZE), mo);
    return mo & MO_SIGN ? tci_sext(v, mo & MO_SIZE, is64) : v;
}

TCI_ALWAYS_INLINE void tci_store(void *p, unsigned mo, uint64_t v)
{
    tci_store_raw(p, mo & MO_SIZE, tci_mem_order(v, mo));
}

/* Leaves exec: the return address names this block's position. */
TCI_TEXT _Noreturn static void tci_raise_unaligned(CPUState *cpu, uint64_t addr,
                                                   bool write)
{
    cpu->fault_addr = addr;
    cpu->fault_write = write;
    cpu->exception_index = EXCP_UNALIGNED;
    cpu_loop_exit_restore(cpu, (uintptr_t)__builtin_return_address(0));
}

/* Outside the guest address space (tcg_guest_addr_bits): a guest fault. */
TCI_TEXT _Noreturn static void tci_raise_segv(CPUState *cpu, uint64_t addr,
                                              bool write)
{
    cpu->fault_addr = addr;
    cpu->fault_write = write;
    cpu->exception_index = EXCP_SEGV;
    cpu_loop_exit_restore(cpu, (uintptr_t)__builtin_return_address(0));
}

TCI_ALWAYS_INLINE void tci_check_addr(CPUState *cpu, uint64_t addr, bool write)
{
    unsigned bits = tcg_guest_addr_bits;
    if (bits && (addr >> bits)) {
        tci_raise_segv(cpu, addr, write);
    }
}

TCI_ALWAYS_INLINE void tci_check_align(CPUState *cpu, uint64_t addr,
                                       unsigned mo, bool write)
{
    if ((mo & MO_ALIGN) && (addr & ((1u << (mo & MO_SIZE)) - 1))) {
        tci_raise_unaligned(cpu, addr, write);
    }
}

TCI_ALWAYS_INLINE bool tci_cas(void *p, unsigned size, uint64_t *expect,
                               uint64_t desired)
{
    bool ok;
#define TCI_CAS(T)                                                             \
    do {                                                                       \
        T e = (T)*expect;                                                      \
        ok = __atomic_compare_exchange_n((T *)p, &e, (T)desired, false,        \
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);  \
        *expect = e;                                                           \
    } while (0)
    switch (size) {
    case MO_8:
        TCI_CAS(uint8_t);
        break;
    case MO_16:
        TCI_CAS(uint16_t);
        break;
    case MO_32:
        TCI_CAS(uint32_t);
        break;
    default:
        TCI_CAS(uint64_t);
        break;
    }
#undef TCI_CAS
    return ok;
}

TCI_ALWAYS_INLINE uint64_t tci_xchg_raw(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case MO_8:
        return __atomic_exchange_n((uint8_t *)p, (uint8_t)v, __ATOMIC_SEQ_CST);
    case MO_16:
        return __atomic_exchange_n((uint16_t *)p, (uint16_t)v,
                                   __ATOMIC_SEQ_CST);
    case MO_32:
        return __atomic_exchange_n((uint32_t *)p, (uint32_t)v,
                                   __ATOMIC_SEQ_CST);
    default:
        return __atomic_exchange_n((uint64_t *)p, v, __ATOMIC_SEQ_CST);
    }
}

/* New memory value for atomic_fetch; old and v are values (not memory
 * order), compared at the access size. */
TCI_ALWAYS_INLINE uint64_t tci_aop(unsigned aop, unsigned size, uint64_t old,
                                   uint64_t v)
{
    uint64_t so = tci_sext(old, size, true), sv = tci_sext(v, size, true);
    uint64_t mask = ~0ull >> (64 - (8 << size));
    switch (aop) {
    case TCG_AOP_ADD:
        return old + v;
    case TCG_AOP_AND:
        return old & v;
    case TCG_AOP_OR:
        return old | v;
    case TCG_AOP_XOR:
        return old ^ v;
    case TCG_AOP_SMIN:
        return (int64_t)so <= (int64_t)sv ? old : v;
    case TCG_AOP_SMAX:
        return (int64_t)so >= (int64_t)sv ? old : v;
    case TCG_AOP_UMIN:
        return (old & mask) <= (v & mask) ? old : v;
    default:
        return (old & mask) >= (v & mask) ? old : v;
    }
}

enum { TCI_AT_CMPXCHG, TCI_AT_XCHG, TCI_AT_FETCH };

/* All guest atomics; a byte-swapped fetch op cannot use the host's
 * read-modify-write instructions, so every fetch op is a CAS loop. */
TCI_TEXT static uint64_t tci_atomic(CPUState *cpu, int kind, unsigned aux,
                                    uint64_t addr, uint64_t v, uint64_t nv,
                                    bool is64)
{
    unsigned mo = aux & 31, size = mo & MO_SIZE;
    void *p = (void *)(tcg_guest_base + (uintptr_t)addr);
    uint64_t old;

    tci_check_addr(cpu, addr, true);
    tci_check_align(cpu, addr, mo, true);
    switch (kind) {
    case TCI_AT_CMPXCHG: {
        uint64_t raw = tci_mem_order(v, mo);
        tci_cas(p, size, &raw, tci_mem_order(nv, mo));
        old = tci_mem_order(raw, mo);
        break;
    }
    case TCI_AT_XCHG:
        old = tci_mem_order(tci_xchg_raw(p, size, tci_mem_order(v, mo)), mo);
        break;
    default: {
        uint64_t raw = tci_load_raw(p, size);
        do {
            old = tci_mem_order(raw, mo);
        } while (!tci_cas(p, size, &raw,
                          tci_mem_order(tci_aop(aux >> 5, size, old, v), mo)));
        break;
    }
    }
    return mo & MO_SIGN ? tci_sext(old, size, is64) : old;
}

/*
 * Lane-wise vector ops on two-slot values (low 64 bits first, elements
 * little-endian inside). Element by element from docs/tcg-ir.md; results
 * go through a local copy since r may be a or b.
 */
enum {
    TCI_V_ADD,
    TCI_V_SUB,
    TCI_V_CMPEQ,
    TCI_V_SMIN,
    TCI_V_SMAX,
    TCI_V_UMIN,
    TCI_V_UMAX
};

static void tci_vec_lanes(int kind, unsigned vece, uint64_t *r,
                          const uint64_t *a, const uint64_t *b)
{
    unsigned bits = 8u << vece;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t out[2] = {0, 0};
    for (unsigned i = 0; i < 128 / bits; i++) {
        unsigned w = i * bits / 64, sh = i * bits % 64;
        uint64_t x = (a[w] >> sh) & mask, y = (b[w] >> sh) & mask, z;
        /* Signed views: move the element's sign bit to bit 63. */
        int64_t sx = (int64_t)(x << (64 - bits)),
                sy = (int64_t)(y << (64 - bits));
        switch (kind) {
        case TCI_V_ADD:
            z = x + y;
            break;
        case TCI_V_SUB:
            z = x - y;
            break;
        case TCI_V_CMPEQ:
            z = x == y ? ~0ull : 0;
            break;
        case TCI_V_SMIN:
            z = sx < sy ? x : y;
            break;
        case TCI_V_SMAX:
            z = sx > sy ? x : y;
            break;
        case TCI_V_UMIN:
            z = x < y ? x : y;
            break;
        default:
            z = x > y ? x : y;
            break;
        }
        out[w] |= (z & mask) << sh;
    }
    r[0] = out[0];
    r[1] = out[1];
}

/* Every element of a v128 = the low bits of x. */
static void tci_vec_dup(unsigned vece, uint64_t *r, uint64_t x)
{
    unsigned bits = 8u << vece;
    uint64_t v = bits == 64 ? x : x & ((1ull << bits) - 1);
    for (unsigned n = bits; n < 64; n *= 2) {
        v |= v << n;
    }
    r[0] = r[1] = v;
}

/* Frame slots available without alloca. */
#define TCI_LOCAL_SLOTS 256

TCI_TEXT static uintptr_t tci_exec(CPUState *cpu, const void *tc_ptr)
{
    static const void *const dispatch[TCI_NB_OPS] = {
#define X(n, w, f) [TCI_##n] = &&do_##n,
        TCI_OPS(X)
#undef X
    };
    uint64_t local[TCI_LOCAL_SLOTS];
    uint64_t *regs = local;
    uint32_t cap = TCI_LOCAL_SLOTS;
    TciThread *th = &tci_thread;
    uint8_t *const envp = (uint8_t *)cpu;
    const uintptr_t gbase = tcg_guest_base;
    const uint8_t *code = tc_ptr, *pc;
    TranslationBlock *tb;

/* Operands of the current instruction. */
#define I ((const TciInsn *)pc)
#define XS(i) (((const TciExt *)(pc + 8))->s[i])
#define R regs[I->r]
#define A regs[I->a]
#define B regs[I->b]
#define NEXT(words)                                                            \
    do {                                                                       \
        pc += (words)*8;                                                       \
        goto *dispatch[*pc];                                                   \
    } while (0)
#define OP(name, expr)                                                         \
    do_##name : expr;                                                          \
    NEXT(TCI_WORDS_##name)

enter : {
    TciHeader h;
    memcpy(&h, code, sizeof(h));
    if (h.nslots > cap) {
        /* Grow geometrically: each alloca lives until exec returns. */
        cap = h.nslots > cap * 2 ? h.nslots : cap * 2;
        regs = alloca((size_t)cap * sizeof(uint64_t));
    }
    tb = (TranslationBlock *)(uintptr_t)h.tb;
    regs[TCI_SLOT_ENV] = (uintptr_t)cpu;
    regs[TCI_SLOT_ZERO] = 0;
    memcpy(regs + TCI_SLOT_CONST0, code + sizeof(h), (size_t)h.nconst * 8);
    th->tb = tb;
    th->insn = 0;
    pc = code + sizeof(h) + (size_t)h.nconst * 8;
    goto *dispatch[*pc];
}

do_trap:
    g_error("tci: invalid bytecode at %p", (const void *)pc);

    OP(mov, R = A);
    OP(ldg32, R = ((const TciU32 *)(envp + tci_imm(I)))->v);
    OP(ldg64, R = ((const TciU64 *)(envp + tci_imm(I)))->v);
    OP(stg32, ((TciU32 *)(envp + tci_imm(I)))->v = (uint32_t)R);
    OP(stg64, ((TciU64 *)(envp + tci_imm(I)))->v = R);

    OP(add32, R = (uint32_t)(A + B));
    OP(add64, R = A + B);
    OP(sub32, R = (uint32_t)(A - B));
    OP(sub64, R = A - B);
    OP(mul32, R = (uint32_t)(A * B));
    OP(mul64, R = A * B);
    OP(neg32, R = (uint32_t)(0 - A));
    OP(neg64, R = 0 - A);
    OP(mulsh32,
       R = (uint32_t)((uint64_t)((int64_t)(int32_t)A * (int32_t)B) >> 32));
    OP(mulsh64, R = (uint64_t)(((__int128)(int64_t)A * (int64_t)B) >> 64));
    OP(muluh32, R = ((uint64_t)(uint32_t)A * (uint32_t)B) >> 32);
    OP(muluh64, R = (uint64_t)(((unsigned __int128)A * B) >> 64));

do_div32 : {
    int32_t x = (int32_t)A, y = (int32_t)B;
    /* The two cases C leaves undefined have defined results here. */
    R = y == 0      ? 0xffffffffu
        : (y == -1) ? (uint32_t)(0u - (uint32_t)x)
                    : (uint32_t)(x / y);
    NEXT(TCI_WORDS_div32);
}
do_div64 : {
    int64_t x = (int64_t)A, y = (int64_t)B;
    R = y == 0 ? ~0ull : (y == -1) ? 0 - (uint64_t)x : (uint64_t)(x / y);
    NEXT(TCI_WORDS_div64);
}
    OP(divu32, R = (uint32_t)B == 0 ? 0xffffffffu : (uint32_t)A / (uint32_t)B);
    OP(divu64, R = B == 0 ? ~0ull : A / B);
do_rem32 : {
    int32_t x = (int32_t)A, y = (int32_t)B;
    R = y == 0 ? (uint32_t)x : (y == -1) ? 0 : (uint32_t)(x % y);
    NEXT(TCI_WORDS_rem32);
}
do_rem64 : {
    int64_t x = (int64_t)A, y = (int64_t)B;
    R = y == 0 ? (uint64_t)x : (y == -1) ? 0 : (uint64_t)(x % y);
    NEXT(TCI_WORDS_rem64);
}
    OP(remu32, R = (uint32_t)B == 0 ? (uint32_t)A : (uint32_t)A % (uint32_t)B);
    OP(remu64, R = B == 0 ? A : A % B);

    /* add2/sub2: r = rl, a = rh, b = al; ext: ah, bl, bh. Inputs are all
     * read before either output is written: outputs may alias them. */
do_add2_32 : {
    uint64_t lo = (uint64_t)(uint32_t)B + (uint32_t)regs[XS(1)];
    uint64_t hi = regs[XS(0)] + regs[XS(2)] + (lo >> 32);
    regs[I->r] = (uint32_t)lo;
    regs[I->a] = (uint32_t)hi;
    NEXT(TCI_WORDS_add2_32);
}
do_add2_64 : {
    uint64_t al = B, bl = regs[XS(1)];
    uint64_t lo = al + bl;
    uint64_t hi = regs[XS(0)] + regs[XS(2)] + (lo < al);
    regs[I->r] = lo;
    regs[I->a] = hi;
    NEXT(TCI_WORDS_add2_64);
}
do_sub2_32 : {
    uint32_t al = (uint32_t)B, bl = (uint32_t)regs[XS(1)];
    uint64_t hi = regs[XS(0)] - regs[XS(2)] - (al < bl);
    regs[I->r] = (uint32_t)(al - bl);
    regs[I->a] = (uint32_t)hi;
    NEXT(TCI_WORDS_sub2_32);
}
do_sub2_64 : {
    uint64_t al = B, bl = regs[XS(1)];
    uint64_t hi = regs[XS(0)] - regs[XS(2)] - (al < bl);
    regs[I->r] = al - bl;
    regs[I->a] = hi;
    NEXT(TCI_WORDS_sub2_64);
}

    OP(and, R = A & B);
    OP(or, R = A | B);
    OP(xor, R = A ^ B);
    OP(andc, R = A & ~B);
    OP(not32, R = (uint32_t)~A);
    OP(not64, R = ~A);
    OP(orc32, R = (uint32_t)(A | ~B));
    OP(orc64, R = A | ~B);
    OP(eqv32, R = (uint32_t) ~(A ^ B));
    OP(eqv64, R = ~(A ^ B));
    OP(nand32, R = (uint32_t) ~(A & B));
    OP(nand64, R = ~(A & B));
    OP(nor32, R = (uint32_t) ~(A | B));
    OP(nor64, R = ~(A | B));

    OP(shl32, R = (uint32_t)((uint32_t)A << (B & 31)));
    OP(shl64, R = A << (B & 63));
    OP(shr32, R = (uint32_t)A >> (B & 31));
    OP(shr64, R = A >> (B & 63));
    OP(sar32, R = (uint32_t)((int32_t)A >> (B & 31)));
    OP(sar64, R = (uint64_t)((int64_t)A >> (B & 63)));
do_rotl32 : {
    uint32_t x = (uint32_t)A, n = B & 31;
    R = n ? (uint32_t)((x << n) | (x >> (32 - n))) : x;
    NEXT(TCI_WORDS_rotl32);
}
do_rotl64 : {
    uint64_t x = A;
    unsigned n = B & 63;
    R = n ? (x << n) | (x >> (64 - n)) : x;
    NEXT(TCI_WORDS_rotl64);
}
do_rotr32 : {
    uint32_t x = (uint32_t)A, n = B & 31;
    R = n ? (uint32_t)((x >> n) | (x << (32 - n))) : x;
    NEXT(TCI_WORDS_rotr32);
}
do_rotr64 : {
    uint64_t x = A;
    unsigned n = B & 63;
    R = n ? (x >> n) | (x << (64 - n)) : x;
    NEXT(TCI_WORDS_rotr64);
}

    OP(clz32, R = (uint32_t)A ? __builtin_clz((uint32_t)A) : 32);
    OP(clz64, R = A ? __builtin_clzll(A) : 64);
    OP(ctz32, R = (uint32_t)A ? __builtin_ctz((uint32_t)A) : 32);
    OP(ctz64, R = A ? __builtin_ctzll(A) : 64);
    OP(ctpop32, R = __builtin_popcount((uint32_t)A));
    OP(ctpop64, R = __builtin_popcountll(A));
    OP(bswap16, R = __builtin_bswap16((uint16_t)A));
    OP(bswap32, R = __builtin_bswap32((uint32_t)A));
    OP(bswap64, R = __builtin_bswap64(A));

    OP(ext8s32, R = (uint32_t)(int32_t)(int8_t)A);
    OP(ext8s64, R = (uint64_t)(int64_t)(int8_t)A);
    OP(ext8u, R = (uint8_t)A);
    OP(ext16s32, R = (uint32_t)(int32_t)(int16_t)A);
    OP(ext16s64, R = (uint64_t)(int64_t)(int16_t)A);
    OP(ext16u, R = (uint16_t)A);
    OP(ext32s, R = (uint64_t)(int64_t)(int32_t)A);
    OP(ext32u, R = (uint32_t)A);
    OP(extrh, R = A >> 32);

    /* extract: aux = pos, b = len (not a slot). */
    OP(extract32, R = ((uint32_t)A >> I->aux) & (0xffffffffu >> (32 - I->b)));
    OP(extract64, R = (A >> I->aux) & (~0ull >> (64 - I->b)));
    OP(sextract32,
       R = (uint32_t)((int32_t)((uint32_t)A << (32 - I->aux - I->b)) >>
                      (32 - I->b)));
    OP(sextract64,
       R = (uint64_t)((int64_t)(A << (64 - I->aux - I->b)) >> (64 - I->b)));
do_deposit32 : {
    uint32_t m = (0xffffffffu >> (32 - XS(1))) << XS(0);
    R = ((uint32_t)A & ~m) | (((uint32_t)B << XS(0)) & m);
    NEXT(TCI_WORDS_deposit32);
}
do_deposit64 : {
    uint64_t m = (~0ull >> (64 - XS(1))) << XS(0);
    R = (A & ~m) | ((B << XS(0)) & m);
    NEXT(TCI_WORDS_deposit64);
}

/* Conditions at a width; NEVER/ALWAYS only reach setcond/movcond. */
#define TCI_COND(c, x, y, S, U)                                                \
    ((c) == TCG_COND_EQ    ? (U)(x) == (U)(y)                                  \
     : (c) == TCG_COND_NE  ? (U)(x) != (U)(y)                                  \
     : (c) == TCG_COND_LT  ? (S)(x) < (S)(y)                                   \
     : (c) == TCG_COND_GE  ? (S)(x) >= (S)(y)                                  \
     : (c) == TCG_COND_LE  ? (S)(x) <= (S)(y)                                  \
     : (c) == TCG_COND_GT  ? (S)(x) > (S)(y)                                   \
     : (c) == TCG_COND_LTU ? (U)(x) < (U)(y)                                   \
     : (c) == TCG_COND_GEU ? (U)(x) >= (U)(y)                                  \
     : (c) == TCG_COND_LEU ? (U)(x) <= (U)(y)                                  \
     : (c) == TCG_COND_GTU ? (U)(x) > (U)(y)                                   \
                           : (c) == TCG_COND_ALWAYS)
    OP(setcond32, R = TCI_COND(I->aux, A, B, int32_t, uint32_t));
    OP(setcond64, R = TCI_COND(I->aux, A, B, int64_t, uint64_t));
    OP(movcond32, R = TCI_COND(I->aux, A, B, int32_t, uint32_t) ? regs[XS(0)]
                                                                : regs[XS(1)]);
    OP(movcond64, R = TCI_COND(I->aux, A, B, int64_t, uint64_t) ? regs[XS(0)]
                                                                : regs[XS(1)]);

/* Host memory: a = base, second word = offset. */
#define TCI_HOSTP ((uint8_t *)(uintptr_t)A + ((const TciU64 *)(pc + 8))->v)
    OP(ld32, R = tci_load(TCI_HOSTP, I->aux, false));
    OP(ld64, R = tci_load(TCI_HOSTP, I->aux, true));
    OP(st, tci_store(TCI_HOSTP, I->aux, R));
#undef TCI_HOSTP

    /* Guest memory: a = address; r = value for stores. */
do_qld32:
    tci_check_addr(cpu, A, false);
    tci_check_align(cpu, A, I->aux, false);
    R = tci_load((const void *)(gbase + (uintptr_t)A), I->aux, false);
    NEXT(TCI_WORDS_qld32);
do_qld64:
    tci_check_addr(cpu, A, false);
    tci_check_align(cpu, A, I->aux, false);
    R = tci_load((const void *)(gbase + (uintptr_t)A), I->aux, true);
    NEXT(TCI_WORDS_qld64);
do_qst:
    tci_check_addr(cpu, A, true);
    tci_check_align(cpu, A, I->aux, true);
    tci_store((void *)(gbase + (uintptr_t)A), I->aux, R);
    NEXT(TCI_WORDS_qst);

/* Little-endian, no alignment check: the common case. */
#define TCI_GUEST(T) ((T *)(gbase + (uintptr_t)A))
    OP(qld_ub, tci_check_addr(cpu, A, false); R = *TCI_GUEST(const uint8_t));
    OP(qld_uw, tci_check_addr(cpu, A, false); R = TCI_GUEST(const TciU16)->v);
    OP(qld_ul, tci_check_addr(cpu, A, false); R = TCI_GUEST(const TciU32)->v);
    OP(qld_uq, tci_check_addr(cpu, A, false); R = TCI_GUEST(const TciU64)->v);
    OP(qld_sb32, tci_check_addr(cpu, A, false);
       R = (uint32_t)(int32_t)*TCI_GUEST(const int8_t));
    OP(qld_sb64, tci_check_addr(cpu, A, false);
       R = (uint64_t)(int64_t)*TCI_GUEST(const int8_t));
    OP(qld_sw32, tci_check_addr(cpu, A, false);
       R = (uint32_t)(int32_t)(int16_t)TCI_GUEST(const TciU16)->v);
    OP(qld_sw64, tci_check_addr(cpu, A, false);
       R = (uint64_t)(int64_t)(int16_t)TCI_GUEST(const TciU16)->v);
    OP(qld_sl64, tci_check_addr(cpu, A, false);
       R = (uint64_t)(int64_t)(int32_t)TCI_GUEST(const TciU32)->v);
    OP(qst_b, tci_check_addr(cpu, A, true); *TCI_GUEST(uint8_t) = (uint8_t)R);
    OP(qst_w, tci_check_addr(cpu, A, true); TCI_GUEST(TciU16)->v = (uint16_t)R);
    OP(qst_l, tci_check_addr(cpu, A, true); TCI_GUEST(TciU32)->v = (uint32_t)R);
    OP(qst_q, tci_check_addr(cpu, A, true); TCI_GUEST(TciU64)->v = R);
#undef TCI_GUEST

    OP(cmpxchg32,
       R = tci_atomic(cpu, TCI_AT_CMPXCHG, I->aux, A, B, regs[XS(0)], false));
    OP(cmpxchg64,
       R = tci_atomic(cpu, TCI_AT_CMPXCHG, I->aux, A, B, regs[XS(0)], true));
    OP(xchg32, R = tci_atomic(cpu, TCI_AT_XCHG, I->aux, A, B, 0, false));
    OP(xchg64, R = tci_atomic(cpu, TCI_AT_XCHG, I->aux, A, B, 0, true));
    OP(fetch32, R = tci_atomic(cpu, TCI_AT_FETCH, I->aux, A, B, 0, false));
    OP(fetch64, R = tci_atomic(cpu, TCI_AT_FETCH, I->aux, A, B, 0, true));
    /* Every barrier kind is implied by a full fence. */
    OP(mb, __atomic_thread_fence(__ATOMIC_SEQ_CST));

do_call : {
    typedef uint64_t (*TciHelper)(uint64_t, uint64_t, uint64_t, uint64_t,
                                  uint64_t, uint64_t);
    TciHelper fn = (TciHelper)(uintptr_t)((const TciU64 *)(pc + 16))->v;
    uint64_t ret = fn(A, B, regs[XS(0)], regs[XS(1)], regs[XS(2)], regs[XS(3)]);
    switch (I->aux >> 4) {
    case TCI_RET_I32:
        R = (uint32_t)ret;
        break;
    case TCI_RET_I64:
        R = ret;
        break;
    default:
        break;
    }
    NEXT(TCI_WORDS_call);
}

do_br:
    pc += tci_imm(I);
    goto *dispatch[*pc];

#define TCI_BRCOND(name, expr)                                                 \
    do_##name : if (expr)                                                      \
    {                                                                          \
        pc += (int32_t)((const TciU32 *)(pc + 8))->v;                          \
        goto *dispatch[*pc];                                                   \
    }                                                                          \
    NEXT(TCI_WORDS_##name)
    TCI_BRCOND(beq32, (uint32_t)A == (uint32_t)B);
    TCI_BRCOND(beq64, A == B);
    TCI_BRCOND(bne32, (uint32_t)A != (uint32_t)B);
    TCI_BRCOND(bne64, A != B);
    TCI_BRCOND(blt32, (int32_t)A < (int32_t)B);
    TCI_BRCOND(blt64, (int64_t)A < (int64_t)B);
    TCI_BRCOND(bge32, (int32_t)A >= (int32_t)B);
    TCI_BRCOND(bge64, (int64_t)A >= (int64_t)B);
    TCI_BRCOND(ble32, (int32_t)A <= (int32_t)B);
    TCI_BRCOND(ble64, (int64_t)A <= (int64_t)B);
    TCI_BRCOND(bgt32, (int32_t)A > (int32_t)B);
    TCI_BRCOND(bgt64, (int64_t)A > (int64_t)B);
    TCI_BRCOND(bltu32, (uint32_t)A < (uint32_t)B);
    TCI_BRCOND(bltu64, A < B);
    TCI_BRCOND(bgeu32, (uint32_t)A >= (uint32_t)B);
    TCI_BRCOND(bgeu64, A >= B);
    TCI_BRCOND(bleu32, (uint32_t)A <= (uint32_t)B);
    TCI_BRCOND(bleu64, A <= B);
    TCI_BRCOND(bgtu32, (uint32_t)A > (uint32_t)B);
    TCI_BRCOND(bgtu64, A > B);
#undef TCI_BRCOND

    /* Vectors: a v128 operand is the pair of slots starting at its slot. */
#define RV (&regs[I->r])
#define AV (&regs[I->a])
#define BV (&regs[I->b])
#define TCI_HOSTP ((uint8_t *)(uintptr_t)A + ((const TciU64 *)(pc + 8))->v)
    OP(vld, memcpy(RV, TCI_HOSTP, 16));
    OP(vst, memcpy(TCI_HOSTP, RV, 16));
#undef TCI_HOSTP
    OP(vmov, RV[0] = AV[0]; RV[1] = AV[1]);
    OP(vdup, tci_vec_dup(I->aux, RV, A));
    OP(vext64, R = AV[I->aux & 1]);
do_vins64 : {
    uint64_t v[2] = {AV[0], AV[1]};
    v[I->aux & 1] = B;
    RV[0] = v[0];
    RV[1] = v[1];
    NEXT(TCI_WORDS_vins64);
}
    OP(vand, RV[0] = AV[0] & BV[0]; RV[1] = AV[1] & BV[1]);
    OP(vor, RV[0] = AV[0] | BV[0]; RV[1] = AV[1] | BV[1]);
    OP(vxor, RV[0] = AV[0] ^ BV[0]; RV[1] = AV[1] ^ BV[1]);
    OP(vandc, RV[0] = AV[0] & ~BV[0]; RV[1] = AV[1] & ~BV[1]);
    OP(vnot, RV[0] = ~AV[0]; RV[1] = ~AV[1]);
    OP(vadd, tci_vec_lanes(TCI_V_ADD, I->aux, RV, AV, BV));
    OP(vsub, tci_vec_lanes(TCI_V_SUB, I->aux, RV, AV, BV));
    OP(vcmpeq, tci_vec_lanes(TCI_V_CMPEQ, I->aux, RV, AV, BV));
    OP(vsmin, tci_vec_lanes(TCI_V_SMIN, I->aux, RV, AV, BV));
    OP(vsmax, tci_vec_lanes(TCI_V_SMAX, I->aux, RV, AV, BV));
    OP(vumin, tci_vec_lanes(TCI_V_UMIN, I->aux, RV, AV, BV));
    OP(vumax, tci_vec_lanes(TCI_V_UMAX, I->aux, RV, AV, BV));
#undef RV
#undef AV
#undef BV

    OP(insn, th->insn = tci_imm(I));

do_goto_tb : {
    TranslationBlock *dest =
        __atomic_load_n(&tb->jmp_dest[I->aux], __ATOMIC_ACQUIRE);
    if (dest) {
        code = dest->tc_ptr;
        goto enter;
    }
    NEXT(TCI_WORDS_goto_tb);
}
do_goto_ptr:
    /* Either a block's bytecode or the epilogue, which is bytecode too. */
    code = (const uint8_t *)(uintptr_t)A;
    goto enter;
do_exit : {
    uint64_t v = ((const TciU64 *)(pc + 8))->v;
    th->tb = NULL;
    return (uintptr_t)v;
}
#undef I
#undef XS
#undef R
#undef A
#undef B
#undef NEXT
#undef OP
}

static bool tci_locate(uintptr_t host_pc, TranslationBlock **tb, int *insn)
{
    const TciThread *th = &tci_thread;
    if (!th->tb) {
        return false;
    }
    /* The end is included: a call to a noreturn function may be the last
     * instruction of the section, and its return address is then the end. */
    if (host_pc != 0 && __start_tci_text && __stop_tci_text &&
        (host_pc < (uintptr_t)__start_tci_text ||
         host_pc > (uintptr_t)__stop_tci_text)) {
        return false;
    }
    *tb = th->tb;
    *insn = th->insn;
    return true;
}

static void tci_set_jmp_target(TranslationBlock *tb, int n,
                               const TranslationBlock *dest)
{
    __atomic_store_n(&tb->jmp_dest[n], (TranslationBlock *)dest,
                     __ATOMIC_RELEASE);
}

/* The epilogue is an ordinary block without a TB: just an exit. */
static size_t tci_init(uint8_t *rw, const uint8_t *rx, size_t size)
{
    TciHeader h = {0, TCI_SLOT_CONST0, 0};
    TciInsn in = {TCI_exit, 0, 0, 0, 0};
    uint64_t v = TB_EXIT_NOCHAIN;
    size_t n = sizeof(h) + sizeof(in) + sizeof(v);
    assert(size >= n);
    memcpy(rw, &h, sizeof(h));
    memcpy(rw + sizeof(h), &in, sizeof(in));
    memcpy(rw + sizeof(h) + sizeof(in), &v, sizeof(v));
    tcg_code_gen_epilogue = rx;
    return n;
}

const TCGBackend tcg_backend_tci = {
    .name = "tci",
    .init = tci_init,
    .gen_code = tci_gen_code,
    .exec = tci_exec,
    .set_jmp_target = tci_set_jmp_target,
    .locate = tci_locate,
    .disas = tci_disas,
};

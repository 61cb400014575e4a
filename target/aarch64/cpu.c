/*
 * aarch64 CPU object: the TargetOps glue (translation-selecting state,
 * state restore after a fault, -d in_asm through capstone), CPU set-up,
 * the -cpu models, NZCV packing, the default fetch hook and exception
 * names. The translator is translate.c, the shared helpers helper.c.
 */
#include "target/aarch64/cpu.h"
#include "tcg/capstone.h"

#include <inttypes.h>
#include <string.h>

static bool fetch_ok_always(uint64_t addr, size_t len)
{
    (void)addr;
    (void)len;
    return true;
}

bool (*aarch64_fetch_ok)(uint64_t addr, size_t len) = fetch_ok_always;

/*
 * The models. "max" has every feature this translator implements, and is
 * the default; the others are real cores' subsets, for testing software's
 * fallbacks. The MIDR values are those cores' (implementer 0x41 Arm).
 */
#define A64_BASE (A64_FEAT_FP | A64_FEAT_ASIMD | A64_FEAT_CPUID)
#define A64_V8_CRYPTO                                                          \
    (A64_FEAT_AES | A64_FEAT_PMULL | A64_FEAT_SHA1 | A64_FEAT_SHA256 |         \
     A64_FEAT_CRC32)
#define A64_MAX_FEATURES                                                       \
    (A64_BASE | A64_V8_CRYPTO | A64_FEAT_SHA512 | A64_FEAT_ATOMICS |           \
     A64_FEAT_JSCVT | A64_FEAT_LRCPC | A64_FEAT_DCPOP | A64_FEAT_FLAGM |       \
     A64_FEAT_FLAGM2 | A64_FEAT_SB | A64_FEAT_RDM | A64_FEAT_DOTPROD |         \
     A64_FEAT_SHA3)

const AArch64Model aarch64_models[] = {
    {"max",
     "every implemented feature: v8.0 crypto, SHA512, SHA3, CRC32, LSE, RDM, "
     "DotProd, JSCVT, LRCPC, DPB, FlagM/FlagM2, SB",
     A64_MAX_FEATURES, 0x000f0510},
    /* Cortex-A53 r0p4: Armv8.0 with the crypto extension. */
    {"cortex-a53", "Armv8.0 with AES, PMULL, SHA1, SHA256 and CRC32",
     A64_BASE | A64_V8_CRYPTO, 0x410fd034},
    /* Cortex-A57 without the optional crypto extension. */
    {"cortex-a57-nocrypto", "Armv8.0 with CRC32, without crypto",
     A64_BASE | A64_FEAT_CRC32, 0x411fd070},
    {NULL, NULL, 0, 0},
};

const AArch64Model *aarch64_model_find(const char *name)
{
    for (const AArch64Model *m = aarch64_models; m->name; m++) {
        if (strcmp(m->name, name) == 0) {
            return m;
        }
    }
    return NULL;
}

static void aarch64_get_tb_cpu_state(CPUState *cs, uint64_t *pc,
                                     uint32_t *flags)
{
    AArch64CPU *cpu = (AArch64CPU *)cs;

    *pc = cpu->pc;
    /* FPCR is read by the helpers at run time: nothing else selects a
     * translation. */
    /* Always 0, which lookup_pc_offset below relies on. */
    *flags = 0;
}

/* insn_start carries (pc, 0): every instruction does its faulting work
 * before it writes a guest register. */
static void aarch64_restore_state(CPUState *cs, const uint64_t *data)
{
    ((AArch64CPU *)cs)->pc = data[0];
}

const TargetOps aarch64_target_ops = {
    .name = "aarch64",
    .tcg_init = aarch64_tcg_init,
    .get_tb_cpu_state = aarch64_get_tb_cpu_state,
    .translate = aarch64_translate,
    .restore_state = aarch64_restore_state,
    .disas = aarch64_disas,
    .lookup_pc_offset = offsetof(AArch64CPU, pc),
};

void aarch64_cpu_init(AArch64CPU *cpu, uint64_t features)
{
    /* cpu_init_common zeroes the runtime part (128 KiB of jump cache):
     * zero only what follows it, so each byte is written once. */
    memset((char *)cpu + sizeof(cpu->parent), 0,
           sizeof(*cpu) - sizeof(cpu->parent));
    cpu_init_common(&cpu->parent, &aarch64_target_ops);
    cpu->features = features;
    cpu->excl_size = A64_EXCL_NONE;
    cpu->zf = 1; /* Z clear */
}

uint32_t aarch64_get_nzcv(const AArch64CPU *cpu)
{
    return ((uint32_t)(cpu->nf >> 63) << 3) | ((cpu->zf == 0) << 2) |
           ((uint32_t)(cpu->cf & 1) << 1) | (uint32_t)(cpu->vf >> 63);
}

void aarch64_set_nzcv(AArch64CPU *cpu, uint32_t nzcv)
{
    cpu->nf = (nzcv & 8) ? ~0ull : 0;
    cpu->zf = (nzcv & 4) ? 0 : 1;
    cpu->cf = (nzcv >> 1) & 1;
    cpu->vf = (nzcv & 1) ? ~0ull : 0;
}

const char *aarch64_excp_name(int excp)
{
    switch (excp) {
    case EXCP_A64_UNDEF:
        return "undefined instruction";
    case EXCP_A64_SVC:
        return "supervisor call";
    case EXCP_A64_BRK:
        return "breakpoint";
    case EXCP_A64_HLT:
        return "halt";
    default:
        return tcg_excp_name(excp);
    }
}

/* Guest code is fetched the way the translator fetches it: only after
 * aarch64_fetch_ok accepts the word. */
void aarch64_disas(FILE *f, uint64_t pc, size_t size)
{
    csh h;
    cs_insn *insn;

    const VemuCapstone *cs = vemu_capstone();
    if (!cs || cs->open(CS_ARCH_ARM64, CS_MODE_ARM, &h) != CS_ERR_OK) {
        fprintf(f, "  (no aarch64 disassembler)\n");
        return;
    }
    insn = cs->insn_alloc(h);
    for (uint64_t a = pc; a + 4 <= pc + size; a += 4) {
        const uint8_t *p;
        size_t left = 4;
        uint64_t addr = a;

        if (!aarch64_fetch_ok(a, 4)) {
            fprintf(f, "0x%016" PRIx64 ":  (not mapped)\n", a);
            break;
        }
        p = (const uint8_t *)(tcg_guest_base + a);
        if (cs->disasm_iter(h, &p, &left, &addr, insn)) {
            fprintf(f, "0x%016" PRIx64 ":  %-8s %s\n", a, insn->mnemonic,
                    insn->op_str);
        } else {
            uint32_t w;
            memcpy(&w, (const void *)(tcg_guest_base + a), 4);
            fprintf(f, "0x%016" PRIx64 ":  .word    0x%08x\n", a, w);
        }
    }
    cs->insn_free(insn, 1);
    cs->close(&h);
}

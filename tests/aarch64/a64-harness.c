/*
 * The aarch64 test harness (see a64-harness.h): guest memory with a guard
 * page, the CPU, backend/optimizer selection, assembly through GNU as,
 * and assertions that name the configuration.
 */
#include "a64-harness.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

AArch64CPU *a64_cpu;
uint8_t *a64_mem;
static int cur_cfg;

static const char *const config_names[A64_NCONFIGS] = {"x86_64+opt", "tci+opt",
                                                       "x86_64", "tci"};

static bool harness_fetch_ok(uint64_t addr, size_t len)
{
    return addr < A64_MEM_SIZE && len <= A64_MEM_SIZE - addr;
}

void a64_start(int cfg)
{
    cur_cfg = cfg;
    tcg_exec_init(0, (cfg & 1) ? &tcg_backend_tci : &tcg_backend_x86_64);
    tcg_thread_context()->optimize = !(cfg & 2);
    tcg_install_fault_handler();
    if (!a64_mem) {
        void *p = mmap(NULL, A64_MEM_SIZE + 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ck_assert_msg(p != MAP_FAILED, "cannot map guest memory");
        ck_assert(mprotect((uint8_t *)p + A64_MEM_SIZE, 4096, PROT_NONE) == 0);
        a64_mem = p;
    } else {
        memset(a64_mem, 0, A64_MEM_SIZE);
    }
    tcg_guest_base = (uintptr_t)a64_mem;
    aarch64_fetch_ok = harness_fetch_ok;
    if (!a64_cpu) {
        a64_cpu = aligned_alloc(16, sizeof(*a64_cpu));
        ck_assert_ptr_nonnull(a64_cpu);
    }
    aarch64_cpu_init(a64_cpu, aarch64_models[0].features);
    tb_flush();
}

const char *a64_config_name(void)
{
    return config_names[cur_cfg & 3];
}

/* ---- assembly through GNU as, cached by text ---- */

typedef struct AsmCache {
    char *text;
    uint32_t *words;
    size_t n;
    struct AsmCache *next;
} AsmCache;
static AsmCache *asm_cache;

static size_t assemble_uncached(const char *text, uint32_t **out)
{
    char dir[] = "/tmp/a64-asm-XXXXXX";
    char src[64], obj[64], bin[64], cmd[512];
    FILE *f;
    long size;
    uint32_t *w;

    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp failed");
    snprintf(src, sizeof(src), "%s/t.s", dir);
    snprintf(obj, sizeof(obj), "%s/t.o", dir);
    snprintf(bin, sizeof(bin), "%s/t.bin", dir);
    f = fopen(src, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, ".text\n");
    for (const char *p = text; *p; p++) {
        fputc(*p == ';' ? '\n' : *p, f);
    }
    fprintf(f, "\n");
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "aarch64-linux-gnu-as -march=armv8.5-a+crypto+sha3+sm4+fp16+rcpc"
             " -o %s %s 2>%s/err && aarch64-linux-gnu-objcopy -O binary "
             "-j .text %s %s",
             obj, src, dir, obj, bin);
    if (system(cmd) != 0) {
        char err[1024] = "";
        char errpath[64];
        snprintf(errpath, sizeof(errpath), "%s/err", dir);
        f = fopen(errpath, "r");
        if (f) {
            size_t n = fread(err, 1, sizeof(err) - 1, f);
            err[n] = 0;
            fclose(f);
        }
        ck_abort_msg("cannot assemble \"%s\": %s", text, err);
    }
    f = fopen(bin, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert_msg(size > 0 && size % 4 == 0, "odd assembler output size");
    w = malloc((size_t)size);
    ck_assert_ptr_nonnull(w);
    ck_assert(fread(w, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        /* a stray temp directory is harmless */
    }
    *out = w;
    return (size_t)size / 4;
}

size_t a64_assemble(const char *text, uint32_t *out, size_t max)
{
    AsmCache *c;

    for (c = asm_cache; c; c = c->next) {
        if (strcmp(c->text, text) == 0) {
            break;
        }
    }
    if (!c) {
        c = calloc(1, sizeof(*c));
        ck_assert_ptr_nonnull(c);
        c->text = strdup(text);
        c->n = assemble_uncached(text, &c->words);
        c->next = asm_cache;
        asm_cache = c;
    }
    ck_assert_msg(c->n <= max, "program too long");
    memcpy(out, c->words, c->n * 4);
    return c->n;
}

void a64_poke(uint64_t addr, const void *p, size_t n)
{
    ck_assert_msg(addr <= A64_MEM_SIZE && n <= A64_MEM_SIZE - addr,
                  "a64_poke outside guest memory");
    memcpy(a64_mem + addr, p, n);
    tb_invalidate_range(addr, addr + n);
}

static size_t load_program(const char *text)
{
    static uint32_t words[4096];
    char *full = malloc(strlen(text) + 16);
    size_t n;

    ck_assert_ptr_nonnull(full);
    sprintf(full, "%s\nsvc #0", text);
    n = a64_assemble(full, words, 4096);
    free(full);
    a64_poke(A64_CODE, words, n * 4);
    return n;
}

int a64_run_asm_excp(const char *text)
{
    load_program(text);
    a64_cpu->pc = A64_CODE;
    return cpu_exec(&a64_cpu->parent);
}

void a64_run_asm(const char *text)
{
    size_t n = load_program(text);
    int excp;

    a64_cpu->pc = A64_CODE;
    excp = cpu_exec(&a64_cpu->parent);
    ck_assert_msg(excp == EXCP_A64_SVC && a64_cpu->pc == A64_CODE + (n - 1) * 4,
                  "[%s] \"%s\": stopped with %s at pc 0x%" PRIx64
                  ", expected the final svc at 0x%" PRIx64,
                  a64_config_name(), text, aarch64_excp_name(excp), a64_cpu->pc,
                  (uint64_t)(A64_CODE + (n - 1) * 4));
}

uint64_t a64_peek64(uint64_t addr)
{
    uint64_t v;

    memcpy(&v, a64_mem + addr, 8);
    return v;
}

void a64_poke64(uint64_t addr, uint64_t v)
{
    a64_poke(addr, &v, 8);
}

bool a64_cond_holds(int cond, uint32_t nzcv)
{
    bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, v = nzcv & 1, r;

    switch (cond >> 1) {
    case 0:
        r = z;
        break;
    case 1:
        r = c;
        break;
    case 2:
        r = n;
        break;
    case 3:
        r = v;
        break;
    case 4:
        r = c && !z;
        break;
    case 5:
        r = n == v;
        break;
    case 6:
        r = !z && n == v;
        break;
    default: /* AL and NV: always */
        return true;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}

const char *const a64_cond_names[16] = {"eq", "ne", "cs", "cc", "mi", "pl",
                                        "vs", "vc", "hi", "ls", "ge", "lt",
                                        "gt", "le", "al", "nv"};

uint32_t a64_nzcv(void)
{
    return aarch64_get_nzcv(a64_cpu);
}

void a64_set_nzcv(uint32_t nzcv)
{
    aarch64_set_nzcv(a64_cpu, nzcv);
}

void a64_set_v(int r, uint64_t lo, uint64_t hi)
{
    a64_cpu->vregs[r].d[0] = lo;
    a64_cpu->vregs[r].d[1] = hi;
}

void a64_assert_x(int r, uint64_t want, const char *what)
{
    ck_assert_msg(a64_cpu->xregs[r] == want,
                  "[%s] %s: x%d = 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                  a64_config_name(), what, r, a64_cpu->xregs[r], want);
}

void a64_assert_nzcv(uint32_t want, const char *what)
{
    uint32_t got = a64_nzcv();

    ck_assert_msg(got == want, "[%s] %s: NZCV = %x, expected %x",
                  a64_config_name(), what, got, want);
}

void a64_assert_v(int r, uint64_t lo, uint64_t hi, const char *what)
{
    const AArch64Vec *v = &a64_cpu->vregs[r];

    ck_assert_msg(v->d[0] == lo && v->d[1] == hi,
                  "[%s] %s: v%d = %016" PRIx64 ":%016" PRIx64
                  ", expected %016" PRIx64 ":%016" PRIx64,
                  a64_config_name(), what, r, v->d[1], v->d[0], hi, lo);
}

void a64_assert_excp(int got, int want, const char *what)
{
    ck_assert_msg(got == want, "[%s] %s: exception %d (%s), expected %d (%s)",
                  a64_config_name(), what, got, aarch64_excp_name(got), want,
                  aarch64_excp_name(want));
}

int a64_run_suite(const char *name, const TTest *const *tests, size_t n,
                  int nloops)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create(name);
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    for (size_t i = 0; i < n; i++) {
        tcase_add_loop_test(tc, tests[i], 0, nloops);
    }
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}

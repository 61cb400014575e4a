/*
 * Guest address confinement (tcg_guest_addr_bits): a guest access outside
 * [0, 2^bits) must raise EXCP_SEGV at the exact pc and leave host memory
 * alone. The guest space here sits right above a writable "canary" page,
 * so an unconfined store to guest address -8 would land in the canary
 * silently; with confinement it faults. Runs on both backends, for loads,
 * stores and atomics, and checks in-range accesses still work.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "toy-asm.h"
#include "toy-cpu.h"

#define PAGE 4096u
#define MEM_SIZE (64u * 1024)
#define ADDR_BITS 17 /* guest space [0, 128 KiB): memory plus guard */
#define BASE 0x1000u

static const TCGBackend *const backends[2] = {&tcg_backend_x86_64,
                                              &tcg_backend_tci};

typedef struct Fixture {
    uint8_t *region; /* canary page, then guest memory, then the rest */
    uint8_t *mem;
    ToyCPU cpu;
} Fixture;

static void fixture_init(Fixture *f, int backend)
{
    size_t len = PAGE + ((size_t)1 << ADDR_BITS) + PAGE;
    f->region = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(f->region != MAP_FAILED);
    /* Canary below guest 0 and the first 64 KiB of guest space usable;
     * the rest of the 2^17 space stays inaccessible. */
    ck_assert_int_eq(
        mprotect(f->region, PAGE + MEM_SIZE, PROT_READ | PROT_WRITE), 0);
    memset(f->region, 0xa5, PAGE);
    f->mem = f->region + PAGE;
    tcg_guest_base = (uintptr_t)f->mem;
    tcg_guest_addr_bits = ADDR_BITS;
    tcg_exec_init(0, backends[backend]);
    toy_cpu_init(&f->cpu, MEM_SIZE);
}

static void fixture_free(Fixture *f)
{
    tcg_guest_addr_bits = 0;
    tcg_exec_init(0, &tcg_backend_tci); /* drop code specialised on bits */
    munmap(f->region, PAGE + ((size_t)1 << ADDR_BITS) + PAGE);
}

static bool canary_intact(const Fixture *f)
{
    for (unsigned i = 0; i < PAGE; i++) {
        if (f->region[i] != 0xa5) {
            return false;
        }
    }
    return true;
}

/* Runs: r1 = addr; r2 = 0x77; r3 = 1; <access through r1>; halt.
 * Returns the exception; *fault_pc is the pc of the access. */
static int run_access(Fixture *f, uint64_t addr, int kind, uint64_t *fault_pc)
{
    ToyAsm as;
    toy_asm_init(&as, BASE);
    toy_li64(&as, 1, addr);
    toy_li64(&as, 2, 0x77);
    toy_li64(&as, 3, 1);
    ToyLabel at = toy_label(&as);
    toy_bind(&as, at);
    switch (kind) {
    case 0:
        toy_ldd(&as, 4, 1, 0);
        break;
    case 1:
        toy_std(&as, 2, 1, 0);
        break;
    default:
        toy_amoadd(&as, 4, 1, 2);
        break;
    }
    toy_emit(&as, 0x7f); /* halt */
    ck_assert_int_eq(toy_asm_finish(&as), 0);
    ck_assert(toy_asm_load(&as, f->mem, MEM_SIZE));
    *fault_pc = toy_label_addr(&as, at);
    toy_asm_free(&as);
    tb_flush(); /* new code at the same pc: drop the old translation */
    f->cpu.pc = BASE;
    f->cpu.regs[4] = 0x1234;
    return toy_cpu_run(&f->cpu);
}

static const uint64_t outside[] = {
    (uint64_t)-8,          /* just below guest 0: the canary page */
    1ull << ADDR_BITS,     /* first byte past the guest space */
    (1ull << 40) + 0x100,  /* far above */
    0x8000000000000000ull, /* sign bit */
};

START_TEST(test_outside_faults)
{
    int backend = _i / 3, kind = _i % 3;
    Fixture f;
    fixture_init(&f, backend);
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        uint64_t pc;
        int excp = run_access(&f, outside[i], kind, &pc);
        ck_assert_msg(excp == EXCP_SEGV, "%s kind %d addr %#llx: excp %#x",
                      backends[backend]->name, kind,
                      (unsigned long long)outside[i], excp);
        ck_assert_uint_eq(f.cpu.parent.fault_addr, outside[i]);
        ck_assert_uint_eq(f.cpu.pc, pc);
        ck_assert_uint_eq(f.cpu.regs[4], 0x1234); /* destination untouched */
        ck_assert(canary_intact(&f));
    }
    fixture_free(&f);
}
END_TEST

START_TEST(test_inside_works)
{
    int backend = _i / 3, kind = _i % 3;
    Fixture f;
    fixture_init(&f, backend);
    uint64_t addr = MEM_SIZE - 8, pc;
    uint64_t v = 5;
    memcpy(f.mem + addr, &v, 8);
    int excp = run_access(&f, addr, kind, &pc);
    ck_assert_int_eq(excp, EXCP_TOY_HALT);
    memcpy(&v, f.mem + addr, 8);
    if (kind == 0) {
        ck_assert_uint_eq(f.cpu.regs[4], 5);
    } else if (kind == 1) {
        ck_assert_uint_eq(v, 0x77);
    } else {
        ck_assert_uint_eq(f.cpu.regs[4], 5);
        ck_assert_uint_eq(v, 5 + 0x77);
    }
    /* Inside the space but unmapped (above the 64 KiB): a host fault,
     * still reported as the guest's. */
    excp = run_access(&f, MEM_SIZE + 0x100, kind, &pc);
    ck_assert_int_eq(excp, EXCP_SEGV);
    ck_assert_uint_eq(f.cpu.parent.fault_addr, MEM_SIZE + 0x100);
    ck_assert_uint_eq(f.cpu.pc, pc);
    fixture_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("addr-bits");
    TCase *tc = tcase_create("confinement");
    tcase_add_loop_test(tc, test_outside_faults, 0, 6);
    tcase_add_loop_test(tc, test_inside_works, 0, 6);
    suite_add_tcase(s, tc);
    tcg_install_fault_handler();
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

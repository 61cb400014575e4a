/*
 * The riscv64 test harness (see rv-harness.h): guest memory with a guard
 * page, the CPU, backend/optimizer selection, and assertions that name
 * the configuration so a failure says where it happened.
 */
#include "rv-harness.h"

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

RISCVCPU *rv_cpu;
uint8_t *rv_mem;
static int cur_cfg;

static const char *const config_names[RV_NCONFIGS] = {"x86_64+opt", "tci+opt",
                                                      "x86_64", "tci"};

static bool harness_fetch_ok(uint64_t addr, size_t len)
{
    return addr < RV_MEM_SIZE && len <= RV_MEM_SIZE - addr;
}

void rv_start(int cfg)
{
    cur_cfg = cfg;
    tcg_exec_init(0, (cfg & 1) ? &tcg_backend_tci : &tcg_backend_x86_64);
    tcg_thread_context()->optimize = !(cfg & 2);
    tcg_install_fault_handler();
    if (!rv_mem) {
        void *p = mmap(NULL, RV_MEM_SIZE + 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ck_assert_msg(p != MAP_FAILED, "cannot map guest memory");
        ck_assert(mprotect((uint8_t *)p + RV_MEM_SIZE, 4096, PROT_NONE) == 0);
        rv_mem = p;
    } else {
        memset(rv_mem, 0, RV_MEM_SIZE);
    }
    tcg_guest_base = (uintptr_t)rv_mem;
    riscv_fetch_ok = harness_fetch_ok;
    if (!rv_cpu) {
        rv_cpu = malloc(sizeof(*rv_cpu));
        ck_assert_ptr_nonnull(rv_cpu);
    }
    riscv_cpu_init(rv_cpu);
    tb_flush();
}

const char *rv_config_name(void)
{
    return config_names[cur_cfg & 3];
}

void rv_poke(uint64_t addr, const void *p, size_t n)
{
    ck_assert_msg(addr <= RV_MEM_SIZE && n <= RV_MEM_SIZE - addr,
                  "rv_poke outside guest memory");
    memcpy(rv_mem + addr, p, n);
    tb_invalidate_range(addr, addr + n);
}

void rv_load(RvAsm *as)
{
    rv_asm_finish(as);
    rv_poke(as->base, as->buf, as->len);
}

int rv_run(uint64_t pc)
{
    rv_cpu->pc = pc;
    return cpu_exec(&rv_cpu->parent);
}

void rv_assert_excp(int got, int want)
{
    ck_assert_msg(got == want,
                  "[%s] exception %d (%s), expected %d (%s); pc 0x%" PRIx64,
                  rv_config_name(), got, riscv_excp_name(got), want,
                  riscv_excp_name(want), rv_cpu->pc);
}

void rv_run_to_ecall(uint64_t pc, uint64_t ecall_pc)
{
    int excp = rv_run(pc);

    rv_assert_excp(excp, EXCP_RISCV_ECALL);
    ck_assert_msg(rv_cpu->pc == ecall_pc,
                  "[%s] stopped at pc 0x%" PRIx64 ", expected 0x%" PRIx64,
                  rv_config_name(), rv_cpu->pc, ecall_pc);
}

uint64_t rv_peek64(uint64_t addr)
{
    uint64_t v;

    memcpy(&v, rv_mem + addr, 8);
    return v;
}

void rv_poke64(uint64_t addr, uint64_t v)
{
    memcpy(rv_mem + addr, &v, 8);
}

void rv_assert_reg(unsigned r, uint64_t want, const char *what)
{
    ck_assert_msg(rv_cpu->gpr[r] == want,
                  "[%s] %s: x%u = 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                  rv_config_name(), what, r, rv_cpu->gpr[r], want);
}

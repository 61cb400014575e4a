/*
 * Guest signal delivery, the architecture-independent half. This step
 * delivers synchronous signals, the faults raised by the guest's own
 * instructions (SIGSEGV, SIGBUS, SIGILL, SIGTRAP), to guest handlers with
 * a real rt_sigframe, SA_SIGINFO siginfo and ucontext, the handler's mask,
 * SA_NODEFER, SA_RESETHAND and SA_ONSTACK; and rt_sigreturn. The frame
 * layout is per architecture (UserArch.setup_frame/restore_frame).
 *
 * As Linux does for a forced signal, a fault whose signal is ignored or
 * blocked, or has the default action, kills the process by that signal.
 * Asynchronous signals (kill from other processes, timers, SIGINT) keep
 * their host dispositions for now; routing them to guest handlers is a
 * later issue, as are signals to specific guest threads.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "linux-user/guest-mem.h"
#include "linux-user/user-arch.h"

#define TARGET_SA_ONSTACK 0x08000000ull
#define TARGET_SA_NODEFER 0x40000000ull
#define TARGET_SA_RESETHAND 0x80000000ull
#define TARGET_SS_DISABLE 2

static const UserArch *arch;
static uint64_t sigtramp;

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

static int64_t sigreturn_hook(CPUState *cpu)
{
    uint64_t mask;
    if (arch->restore_frame(cpu, &mask) < 0) {
        /* A corrupt frame: Linux kills the task with SIGSEGV. */
        user_fatal_signal(cpu, SIGSEGV, arch->cpu_sp(cpu));
    }
    signal_set_mask(mask);
    return SYSCALL_KEEP_REGS;
}

void user_signal_init(const UserArch *a)
{
    arch = a;
    sigtramp = a->install_sigtramp();
    syscall_sigreturn_hook = sigreturn_hook;
}

void user_force_signal(CPUState *cpu, int sig, int code, uint64_t addr)
{
    SignalAction act;
    signal_get_action(sig, &act);
    uint64_t mask = signal_get_mask();
    if (act.handler <= 1 || (mask & sig_bit(sig)) || !sigtramp) {
        user_fatal_signal(cpu, sig, addr);
    }

    uint64_t sp = arch->cpu_sp(cpu);
    if (act.flags & TARGET_SA_ONSTACK) {
        uint64_t ss_sp, ss_size;
        int ss_flags;
        signal_get_altstack(&ss_sp, &ss_size, &ss_flags);
        bool on_it = sp > ss_sp && sp - ss_sp <= ss_size;
        if (ss_size && !(ss_flags & TARGET_SS_DISABLE) && !on_it) {
            sp = ss_sp + ss_size;
        }
    }

    uint8_t info[128] = {0};
    int32_t head[3] = {sig, 0, code};
    memcpy(info, head, sizeof(head));
    memcpy(info + 16, &addr, sizeof(addr)); /* si_addr */

    if (arch->setup_frame(cpu, sig, info, &act, mask, sp, sigtramp) < 0) {
        /* No room for the frame: the guest dies by SIGSEGV, as on Linux. */
        user_fatal_signal(cpu, SIGSEGV, sp);
    }
    uint64_t nmask = mask | act.mask;
    if (!(act.flags & TARGET_SA_NODEFER)) {
        nmask |= sig_bit(sig);
    }
    signal_set_mask(nmask);
    if (act.flags & TARGET_SA_RESETHAND) {
        act.handler = 0;
        signal_set_action(sig, &act);
    }
}

/*
 * Guest signal delivery, the architecture-independent half: synchronous
 * signals (the faults raised by the guest's own instructions) and the
 * asynchronous ones the host handlers queued (syscall/signal-host.c), to
 * guest handlers with a real rt_sigframe, SA_SIGINFO siginfo and ucontext,
 * the handler's mask, SA_NODEFER, SA_RESETHAND, SA_ONSTACK with
 * SS_AUTODISARM; default actions (terminate, core, ignore, stop); and the
 * restart or EINTR of an interrupted system call. The frame layout and
 * the restart's register details are per architecture (UserArch).
 *
 * As Linux does for a forced signal, a fault whose signal is ignored or
 * blocked, or has the default action, kills the process by that signal.
 * Other signals go in Linux's order: the thread's before the process's,
 * faults first, then by number; one frame each, nested, the last one
 * taken running first.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "linux-user/generic/target-siginfo.h"
#include "linux-user/guest-mem.h"
#include "linux-user/user-arch.h"

#define TARGET_SA_RESTART 0x10000000ull
#define TARGET_SA_ONSTACK 0x08000000ull
#define TARGET_SA_NODEFER 0x40000000ull
#define TARGET_SA_RESETHAND 0x80000000ull
#define TARGET_SS_DISABLE 2
#define TARGET_SS_AUTODISARM (1u << 31)

static const UserArch *arch;
static uint64_t sigtramp;

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

static int64_t sigreturn_hook(CPUState *cpu)
{
    uint64_t mask;
    target_stack st;
    uint64_t frame = arch->cpu_sp(cpu);
    bool have_st =
        arch->frame_uc_stack &&
        guest_copy_from(&st, frame + arch->frame_uc_stack, sizeof(st)) == 0;
    if (arch->restore_frame(cpu, &mask) < 0) {
        /* A corrupt frame: Linux kills the task with SIGSEGV. */
        user_fatal_signal(cpu, SIGSEGV, arch->cpu_sp(cpu));
    }
    signal_set_mask(mask);
    if (have_st) {
        signal_set_altstack(arch->cpu_sp(cpu), st.ss_sp, st.ss_size,
                            st.ss_flags);
    }
    return SYSCALL_KEEP_REGS;
}

void user_signal_init(const UserArch *a)
{
    arch = a;
    sigtramp = a->install_sigtramp();
    syscall_sigreturn_hook = sigreturn_hook;
    signal_host_init();
}

/* Push the frame for a guest handler and switch to it (or die by
 * SIGSEGV when there is no room for the frame, as Linux does). */
static void run_handler(CPUState *cpu, const target_siginfo *info,
                        SignalAction *act)
{
    int sig = info->si_signo;
    uint64_t mask = signal_get_mask();
    uint64_t old_mask;
    if (!signal_take_saved_mask(&old_mask)) {
        old_mask = mask;
    }

    uint64_t sp = arch->cpu_sp(cpu);
    bool disarm = false;
    if (act->flags & TARGET_SA_ONSTACK) {
        uint64_t ss_sp, ss_size;
        int ss_flags;
        signal_get_altstack(&ss_sp, &ss_size, &ss_flags);
        bool on_it = sp > ss_sp && sp - ss_sp <= ss_size;
        if (ss_size && !(ss_flags & TARGET_SS_DISABLE) && !on_it) {
            sp = ss_sp + ss_size;
            disarm = ((uint32_t)ss_flags & TARGET_SS_AUTODISARM) != 0;
        }
    }

    if (arch->setup_frame(cpu, sig, (const uint8_t *)info, act, old_mask, sp,
                          sigtramp) < 0) {
        /* No room for the frame: the guest dies by SIGSEGV, as on Linux. */
        user_fatal_signal(cpu, SIGSEGV, sp);
    }
    if (disarm) {
        /* Saved in the frame's uc_stack; rt_sigreturn puts it back. */
        signal_set_altstack(0, 0, 0, TARGET_SS_DISABLE);
    }
    uint64_t nmask = mask | act->mask;
    if (!(act->flags & TARGET_SA_NODEFER)) {
        nmask |= sig_bit(sig);
    }
    signal_set_mask(nmask);
    if (act->flags & TARGET_SA_RESETHAND) {
        SignalAction dfl = *act;
        dfl.handler = 0;
        dfl.flags &= ~TARGET_SA_RESETHAND;
        signal_set_action(sig, &dfl);
    }
}

void user_force_signal(CPUState *cpu, int sig, int code, uint64_t addr)
{
    SignalAction act;
    signal_get_action(sig, &act);
    uint64_t mask = signal_get_mask();
    if (act.handler <= 1 || (mask & sig_bit(sig)) || !sigtramp) {
        user_fatal_signal(cpu, sig, addr);
    }
    target_siginfo info;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = code;
    info.u.fault.addr = addr;
    run_handler(cpu, &info, &act);
}

void user_handle_signals(CPUState *cpu)
{
    uint64_t arg0 = 0;
    bool restart_ok = false;
    bool interrupted = syscall_take_interrupted(&arg0, &restart_ok);
    target_siginfo info;

    while (signal_dequeue(signal_get_mask(), &info)) {
        int sig = info.si_signo;
        SignalAction act;
        signal_get_action(sig, &act);
        if (act.handler == 1) {
            continue;
        }
        if (act.handler == 0 || !sigtramp) {
            switch (signal_default_action(sig)) {
            case SIGACT_IGN:
            case SIGACT_CONT:
                continue;
            case SIGACT_STOP:
                signal_stop(sig);
                continue;
            default:
                signal_die(sig);
            }
        }
        if (interrupted) {
            /* The first handler decides, as in Linux's handle_signal. */
            if (restart_ok && (act.flags & TARGET_SA_RESTART)) {
                arch->syscall_restart(cpu, arg0);
            }
            interrupted = false;
        }
        run_handler(cpu, &info, &act);
    }
    if (interrupted) {
        /* No handler ran: the call goes on as if never interrupted. */
        arch->syscall_restart(cpu, arg0);
    }
    uint64_t saved;
    if (signal_take_saved_mask(&saved)) {
        signal_set_mask(saved);
    }
}

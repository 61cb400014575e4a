/*
 * Program execution as linux-user needs it from syscall/exec.c: main.c
 * records how this emulator was started (so that a guest execve can start
 * a fresh emulator the same way) and hands the signal state a previous
 * execve left on the host to the guest; clone uses the vfork helpers.
 */
#ifndef VEMU_SYSCALL_EXEC_H
#define VEMU_SYSCALL_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * One emulator option to repeat when the guest execs a program of a
 * supported guest architecture: opt is "-L", "-strace"..., value NULL for
 * a flag. same_arch_only: only for a program of this emulator's own
 * architecture (-cpu models and -B addresses mean nothing to the other).
 * The strings must stay valid; main.c passes effective values (option or
 * environment), so the new emulator runs as this one does whatever the
 * guest puts in its environment.
 */
void exec_add_option(const char *opt, const char *value, bool same_arch_only);

/*
 * At start-up, before the fault handler is installed: the signals vemu
 * needs for its own faults are unblocked on the host. What the previous
 * program left (a host execve keeps ignored signals and the blocked mask)
 * becomes the guest's state later, in signal_host_init.
 */
void exec_inherit_signals(void);

/*
 * vfork (clone with CLONE_VFORK): exec_vfork_prepare before the host
 * fork (NULL if it cannot: then it is a plain fork); in the child
 * exec_vfork_child right after; in the parent exec_vfork_wait, which
 * returns once the child has exec'd or ended, with the child's writes to
 * guest memory applied. exec_vfork_child_exit is called by exit and
 * exit_group (does nothing outside a vfork child).
 */
typedef struct VforkShared VforkShared;
VforkShared *exec_vfork_prepare(void);
void exec_vfork_child(VforkShared *vf);
void exec_vfork_wait(VforkShared *vf, pid_t pid);
void exec_vfork_child_exit(void);

#endif

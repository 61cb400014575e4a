/*
 * The riscv64 signal frame functions (linux-user/riscv64/signal.c), wired
 * into the riscv64 UserArch by target.c.
 */
#ifndef VEMU_LINUX_USER_RISCV64_TARGET_SIGNAL_H
#define VEMU_LINUX_USER_RISCV64_TARGET_SIGNAL_H

#include "linux-user/user-arch.h"

uint64_t riscv_install_sigtramp(void);
int riscv_setup_frame(CPUState *cs, int sig, const uint8_t *info,
                      const SignalAction *act, uint64_t old_mask, uint64_t sp,
                      uint64_t sigtramp);
int riscv_restore_frame(CPUState *cs, uint64_t *mask);

#endif

/*
 * The aarch64 signal frame functions (linux-user/aarch64/signal.c), wired
 * into the aarch64 UserArch by target.c.
 */
#ifndef VEMU_LINUX_USER_AARCH64_TARGET_SIGNAL_H
#define VEMU_LINUX_USER_AARCH64_TARGET_SIGNAL_H

#include "linux-user/user-arch.h"

uint64_t aarch64_install_sigtramp(void);
int aarch64_setup_frame(CPUState *cs, int sig, const uint8_t *info,
                        const SignalAction *act, uint64_t old_mask, uint64_t sp,
                        uint64_t sigtramp);
int aarch64_restore_frame(CPUState *cs, uint64_t *mask);

#endif

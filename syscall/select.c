/*
 * pselect6. An fd_set is an array of longs with bit n for fd n: 64-bit
 * little-endian words on the guests and on the host, so the sets are
 * copied word by word into host buffers sized for nfds (which may exceed
 * glibc's FD_SETSIZE) and back. The sixth argument points to a
 * { sigset pointer, size } pair: checked as the kernel does, not applied
 * to the host (see poll.c). The kernel writes the time left back to the
 * guest's timespec.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscall/internal.h"

/* The most fds vemu passes through (the kernel clamps nfds to the
 * process's open-file table; this bounds the buffers). */
#define SELECT_MAX_FDS (1 << 20)

typedef struct target_sigset_arg {
    uint64_t ss;
    uint64_t ss_len;
} target_sigset_arg;
TARGET_SIZE(target_sigset_arg, 16);

int64_t sys_pselect6(SyscallCtx *c, const uint64_t *a)
{
    int nfds = (int)a[0];
    if (nfds < 0) {
        return -EINVAL;
    }
    if (nfds > SELECT_MAX_FDS) {
        nfds = SELECT_MAX_FDS;
    }
    size_t words = ((size_t)nfds + 63) / 64;
    size_t bytes = words * sizeof(uint64_t);
    uint64_t *sets[3] = {NULL, NULL, NULL};
    int64_t ret = 0;
    for (int i = 0; i < 3; i++) {
        if (!a[1 + i]) {
            continue;
        }
        sets[i] = calloc(words ? words : 1, sizeof(uint64_t));
        if (!sets[i]) {
            ret = -ENOMEM;
            goto out;
        }
        if (bytes && guest_copy_from(sets[i], a[1 + i], bytes) != 0) {
            ret = -EFAULT;
            goto out;
        }
    }
    struct timespec ts = {0, 0}, *tsp = NULL;
    if (a[4]) {
        if (get_timespec(&ts, a[4]) < 0) {
            ret = -EFAULT;
            goto out;
        }
        tsp = &ts;
    }
    const struct timespec ts_in = ts;
    target_sigset_arg sa = {0, 0};
    if (a[5]) {
        if (guest_copy_from(&sa, a[5], sizeof(sa)) != 0) {
            ret = -EFAULT;
            goto out;
        }
    }
    /* The guest's mask for the wait, applied atomically with it. */
    SigWait w;
    long r;
    ret = sigwait_begin(&w, sa.ss, sa.ss_len);
    if (ret == 0) {
        /* The raw call, so that the kernel's time left reaches ts; its
         * sixth argument is {const sigset_t *, size_t}. */
        struct {
            const sigset_t *ss;
            size_t len;
        } hs = {&w.host_mask, 8};
        r = syscall(SYS_pselect6, nfds, sets[0], sets[1], sets[2], tsp, &hs);
        ret = r < 0 ? sys_errno() : r;
        sigwait_end(&w, ret);
    } else if (ret != -EINTR) {
        goto out;
    } else {
        r = -1;
    }
    if (r >= 0) {
        for (int i = 0; i < 3; i++) {
            if (sets[i] && bytes &&
                guest_copy_to(a[1 + i], sets[i], bytes) != 0) {
                ret = -EFAULT;
            }
        }
    }
    if (tsp && (ts_in.tv_sec || ts_in.tv_nsec)) {
        put_timespec(a[4], tsp);
    }
out:
    for (int i = 0; i < 3; i++) {
        free(sets[i]);
    }
    return ret;
}

/*
 * Copies between descriptors inside the kernel: splice, tee, sendfile,
 * copy_file_range. Offsets are loff_t (int64) in guest memory, read
 * before and written back after, as the kernel updates them; flags
 * (SPLICE_F_*, copy_file_range's 0) are the same on every Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "syscall/net.h"

_Static_assert(SPLICE_F_MOVE == TARGET_SPLICE_F_MOVE &&
                   SPLICE_F_NONBLOCK == TARGET_SPLICE_F_NONBLOCK &&
                   SPLICE_F_MORE == TARGET_SPLICE_F_MORE &&
                   SPLICE_F_GIFT == TARGET_SPLICE_F_GIFT,
               "SPLICE_F_ flags are the same on every Linux");

/* An optional guest loff_t: *present says whether there is one. */
static int get_off(uint64_t addr, int64_t *v, bool *present)
{
    *present = addr != 0;
    if (!addr) {
        return 0;
    }
    return guest_copy_from(v, addr, sizeof(*v)) ? -EFAULT : 0;
}

static int put_off(uint64_t addr, int64_t v)
{
    if (!addr) {
        return 0;
    }
    return guest_copy_to(addr, &v, sizeof(v)) ? -EFAULT : 0;
}

int64_t sys_splice(SyscallCtx *c, const uint64_t *a)
{
    int64_t oin = 0, oout = 0;
    bool pin, pout;
    if (get_off(a[1], &oin, &pin) || get_off(a[3], &oout, &pout)) {
        return -EFAULT;
    }
    loff_t hin = oin, hout = oout;
    ssize_t r = splice((int)a[0], pin ? &hin : NULL, (int)a[2],
                       pout ? &hout : NULL, (size_t)a[4], (unsigned)a[5]);
    if (r < 0) {
        return sys_errno();
    }
    if (put_off(a[1], hin) || put_off(a[3], hout)) {
        return -EFAULT;
    }
    return r;
}

int64_t sys_tee(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(tee((int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]));
}

int64_t sys_sendfile(SyscallCtx *c, const uint64_t *a)
{
    int64_t off = 0;
    bool present;
    if (get_off(a[2], &off, &present)) {
        return -EFAULT;
    }
    off_t h = off;
    ssize_t r =
        sendfile((int)a[0], (int)a[1], present ? &h : NULL, (size_t)a[3]);
    if (r < 0) {
        return sys_errno();
    }
    return put_off(a[2], h) ? -EFAULT : r;
}

int64_t sys_copy_file_range(SyscallCtx *c, const uint64_t *a)
{
    int64_t oin = 0, oout = 0;
    bool pin, pout;
    if (get_off(a[1], &oin, &pin) || get_off(a[3], &oout, &pout)) {
        return -EFAULT;
    }
    off_t hin = oin, hout = oout;
    ssize_t r =
        copy_file_range((int)a[0], pin ? &hin : NULL, (int)a[2],
                        pout ? &hout : NULL, (size_t)a[4], (unsigned)a[5]);
    if (r < 0) {
        return sys_errno();
    }
    if (put_off(a[1], hin) || put_off(a[3], hout)) {
        return -EFAULT;
    }
    return r;
}

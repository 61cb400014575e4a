/*
 * Extended attributes: the get/list/set/remove families in their path,
 * no-follow path and fd forms. Names are strings and values raw bytes
 * with no architecture-dependent layout (POSIX ACLs are little-endian
 * on every architecture), so each call copies through a bounce buffer
 * bounded by the kernel's limits (XATTR_SIZE_MAX, XATTR_LIST_MAX: 64 KiB)
 * and passes to the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "syscall/internal.h"

#define XATTR_MAX 65536
#define XATTR_NAME_MAX_LEN 256 /* XATTR_NAME_MAX + 1 */

enum { XA_FOLLOW, XA_NOFOLLOW, XA_FD };

/* The target of a path or fd form: *path filled for the path forms. */
static int xa_target(int how, uint64_t arg, char *path)
{
    if (how == XA_FD) {
        return 0;
    }
    return sys_get_path(arg, path, how == XA_FOLLOW);
}

static int xa_name(uint64_t addr, char *name)
{
    ssize_t n = guest_strncpy_from(name, addr, XATTR_NAME_MAX_LEN);
    if (n < 0) {
        return (int)n;
    }
    return (size_t)n >= XATTR_NAME_MAX_LEN - 1 ? -ERANGE : 0;
}

static int64_t xa_get(int how, const uint64_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_MAX_LEN];
    size_t size = a[3] > XATTR_MAX ? XATTR_MAX : (size_t)a[3];
    int r = xa_target(how, a[0], path);
    ssize_t n;
    void *buf;

    if (r < 0 || (r = xa_name(a[1], name)) < 0) {
        return r;
    }
    buf = size ? malloc(size) : NULL;
    if (size && !buf) {
        return -ENOMEM;
    }
    n = how == XA_FD       ? fgetxattr((int)a[0], name, buf, size)
        : how == XA_FOLLOW ? getxattr(path, name, buf, size)
                           : lgetxattr(path, name, buf, size);
    if (n < 0) {
        n = sys_errno();
    } else if (size && guest_copy_to(a[2], buf, (size_t)n)) {
        n = -EFAULT;
    }
    free(buf);
    return n;
}

static int64_t xa_list(int how, const uint64_t *a)
{
    char path[PATH_MAX];
    size_t size = a[2] > XATTR_MAX ? XATTR_MAX : (size_t)a[2];
    int r = xa_target(how, a[0], path);
    ssize_t n;
    char *buf;

    if (r < 0) {
        return r;
    }
    buf = size ? malloc(size) : NULL;
    if (size && !buf) {
        return -ENOMEM;
    }
    n = how == XA_FD       ? flistxattr((int)a[0], buf, size)
        : how == XA_FOLLOW ? listxattr(path, buf, size)
                           : llistxattr(path, buf, size);
    if (n < 0) {
        n = sys_errno();
    } else if (size && guest_copy_to(a[1], buf, (size_t)n)) {
        n = -EFAULT;
    }
    free(buf);
    return n;
}

static int64_t xa_set(int how, const uint64_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_MAX_LEN];
    size_t size = (size_t)a[3];
    int r = xa_target(how, a[0], path);
    void *buf;

    if (r < 0 || (r = xa_name(a[1], name)) < 0) {
        return r;
    }
    if (size > XATTR_MAX) {
        return -E2BIG;
    }
    buf = malloc(size ? size : 1);
    if (!buf) {
        return -ENOMEM;
    }
    if (size && guest_copy_from(buf, a[2], size)) {
        free(buf);
        return -EFAULT;
    }
    r = how == XA_FD       ? fsetxattr((int)a[0], name, buf, size, (int)a[4])
        : how == XA_FOLLOW ? setxattr(path, name, buf, size, (int)a[4])
                           : lsetxattr(path, name, buf, size, (int)a[4]);
    free(buf);
    return r < 0 ? sys_errno() : 0;
}

static int64_t xa_remove(int how, const uint64_t *a)
{
    char path[PATH_MAX], name[XATTR_NAME_MAX_LEN];
    int r = xa_target(how, a[0], path);

    if (r < 0 || (r = xa_name(a[1], name)) < 0) {
        return r;
    }
    r = how == XA_FD       ? fremovexattr((int)a[0], name)
        : how == XA_FOLLOW ? removexattr(path, name)
                           : lremovexattr(path, name);
    return r < 0 ? sys_errno() : 0;
}

#define XA_WRAP(fam, prefix, how)                                              \
    int64_t sys_##prefix##fam##xattr(SyscallCtx *c, const uint64_t *a)         \
    {                                                                          \
        (void)c;                                                               \
        return xa_##fam(how, a);                                               \
    }
#define XA_FAMILY(fam)                                                         \
    XA_WRAP(fam, , XA_FOLLOW)                                                  \
    XA_WRAP(fam, l, XA_NOFOLLOW)                                               \
    XA_WRAP(fam, f, XA_FD)

XA_FAMILY(get)
XA_FAMILY(list)
XA_FAMILY(set)
XA_FAMILY(remove)

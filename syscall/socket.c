/*
 * Socket calls that move addresses and plain buffers: socket, socketpair,
 * bind, connect, listen, accept[4], getsockname, getpeername, shutdown,
 * sendto, recvfrom. Guest sockets are host sockets; what needs converting
 * is the type flags (SOCK_NONBLOCK/SOCK_CLOEXEC) and the addresses
 * (sockaddr.c). Options are in sockopt.c, messages in sockmsg.c.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "syscall/net.h"

_Static_assert(SOCK_STREAM == TARGET_SOCK_STREAM &&
                   SOCK_DGRAM == TARGET_SOCK_DGRAM &&
                   SOCK_RAW == TARGET_SOCK_RAW &&
                   SOCK_SEQPACKET == TARGET_SOCK_SEQPACKET &&
                   SOCK_PACKET == TARGET_SOCK_PACKET,
               "host socket types are not the asm-generic ones");
_Static_assert(SHUT_RD == TARGET_SHUT_RD && SHUT_WR == TARGET_SHUT_WR &&
                   SHUT_RDWR == TARGET_SHUT_RDWR,
               "shutdown values are the same on every Linux");
/* MSG_* flags are defined once for all architectures (linux/socket.h):
 * they pass unchanged. */
_Static_assert(MSG_PEEK == TARGET_MSG_PEEK &&
                   MSG_DONTWAIT == TARGET_MSG_DONTWAIT &&
                   MSG_WAITALL == TARGET_MSG_WAITALL &&
                   MSG_NOSIGNAL == TARGET_MSG_NOSIGNAL &&
                   MSG_TRUNC == TARGET_MSG_TRUNC &&
                   MSG_CTRUNC == TARGET_MSG_CTRUNC &&
                   MSG_WAITFORONE == TARGET_MSG_WAITFORONE &&
                   MSG_CMSG_CLOEXEC == TARGET_MSG_CMSG_CLOEXEC &&
                   MSG_ERRQUEUE == TARGET_MSG_ERRQUEUE &&
                   MSG_MORE == TARGET_MSG_MORE,
               "host MSG_ flags differ from linux/socket.h");

const SyscallFlag sock_type_flags[] = {
    {TARGET_SOCK_NONBLOCK, SOCK_NONBLOCK, "SOCK_NONBLOCK"},
    {TARGET_SOCK_CLOEXEC, SOCK_CLOEXEC, "SOCK_CLOEXEC"},
    {0, 0, NULL},
};

/* Guest type argument (type | flags) -> host, or -EINVAL for flags
 * outside SOCK_NONBLOCK|SOCK_CLOEXEC, as the kernel answers. */
static int64_t type_to_host(uint64_t v)
{
    uint32_t t = (uint32_t)v;
    uint32_t flags = t & ~(uint32_t)TARGET_SOCK_TYPE_MASK;
    if (flags & ~(uint32_t)(TARGET_SOCK_NONBLOCK | TARGET_SOCK_CLOEXEC)) {
        return -EINVAL;
    }
    return (int64_t)((t & TARGET_SOCK_TYPE_MASK) |
                     sys_flags_to_host(sock_type_flags, flags));
}

int64_t sys_socket(SyscallCtx *c, const uint64_t *a)
{
    int64_t type = type_to_host(a[1]);
    if (type < 0) {
        return type;
    }
    return sys_ret(socket((int)a[0], (int)type, (int)a[2]));
}

int64_t sys_socketpair(SyscallCtx *c, const uint64_t *a)
{
    int64_t type = type_to_host(a[1]);
    if (type < 0) {
        return type;
    }
    if (!guest_range_ok(a[3], 2 * sizeof(int32_t), PAGE_WRITE)) {
        return -EFAULT;
    }
    int sv[2];
    if (socketpair((int)a[0], (int)type, (int)a[2], sv) != 0) {
        return sys_errno();
    }
    int32_t t[2] = {sv[0], sv[1]};
    if (guest_copy_to(a[3], t, sizeof(t)) != 0) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_bind(SyscallCtx *c, const uint64_t *a)
{
    struct sockaddr_storage h;
    socklen_t hlen;
    int r = sock_get_addr(a[1], a[2], &h, &hlen);
    if (r < 0) {
        return r;
    }
    return sys_ret(bind((int)a[0], (struct sockaddr *)&h, hlen));
}

int64_t sys_connect(SyscallCtx *c, const uint64_t *a)
{
    struct sockaddr_storage h;
    socklen_t hlen;
    int r = sock_get_addr(a[1], a[2], &h, &hlen);
    if (r < 0) {
        return r;
    }
    return sys_ret(connect((int)a[0], (struct sockaddr *)&h, hlen));
}

int64_t sys_listen(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(listen((int)a[0], (int)a[1]));
}

int64_t sys_shutdown(SyscallCtx *c, const uint64_t *a)
{
    return sys_ret(shutdown((int)a[0], (int)a[1]));
}

/* accept4 with guest flags; addr/lenp may be NULL (no address wanted). */
static int64_t do_accept(uint64_t fd, uint64_t addr, uint64_t lenp,
                         uint64_t flags)
{
    if ((uint32_t)flags &
        ~(uint32_t)(TARGET_SOCK_NONBLOCK | TARGET_SOCK_CLOEXEC)) {
        return -EINVAL;
    }
    int hflags = (int)sys_flags_to_host(sock_type_flags, (uint32_t)flags);
    uint32_t cap = 0;
    if (addr) {
        int r = sock_get_addrlen(lenp, &cap);
        if (r < 0) {
            return r;
        }
    }
    struct sockaddr_storage h = {.ss_family = AF_UNSPEC};
    socklen_t hlen = sizeof(h);
    int nfd = accept4((int)fd, addr ? (struct sockaddr *)&h : NULL,
                      addr ? &hlen : NULL, hflags);
    if (nfd < 0) {
        return sys_errno();
    }
    if (addr) {
        int r = sock_put_addr(addr, lenp, cap, &h, hlen);
        if (r < 0) {
            /* As the kernel: the connection is dropped with the fd. */
            close(nfd);
            return r;
        }
    }
    return nfd;
}

int64_t sys_accept(SyscallCtx *c, const uint64_t *a)
{
    return do_accept(a[0], a[1], a[2], 0);
}

int64_t sys_accept4(SyscallCtx *c, const uint64_t *a)
{
    return do_accept(a[0], a[1], a[2], a[3]);
}

static int64_t get_name(uint64_t fd, uint64_t addr, uint64_t lenp, bool peer)
{
    uint32_t cap;
    int r = sock_get_addrlen(lenp, &cap);
    if (r < 0) {
        return r;
    }
    struct sockaddr_storage h = {.ss_family = AF_UNSPEC};
    socklen_t hlen = sizeof(h);
    int hr = peer ? getpeername((int)fd, (struct sockaddr *)&h, &hlen)
                  : getsockname((int)fd, (struct sockaddr *)&h, &hlen);
    if (hr != 0) {
        return sys_errno();
    }
    return sock_put_addr(addr, lenp, cap, &h, hlen);
}

int64_t sys_getsockname(SyscallCtx *c, const uint64_t *a)
{
    return get_name(a[0], a[1], a[2], false);
}

int64_t sys_getpeername(SyscallCtx *c, const uint64_t *a)
{
    return get_name(a[0], a[1], a[2], true);
}

int64_t sys_sendto(SyscallCtx *c, const uint64_t *a)
{
    void *buf = sys_lock(a[1], a[2], false);
    if (!buf) {
        return -EFAULT;
    }
    struct sockaddr_storage h;
    socklen_t hlen = 0;
    if (a[4]) {
        int r = sock_get_addr(a[4], a[5], &h, &hlen);
        if (r < 0) {
            return r;
        }
    }
    return sys_ret(sendto((int)a[0], buf, a[2], (int)a[3],
                          a[4] ? (struct sockaddr *)&h : NULL, hlen));
}

int64_t sys_recvfrom(SyscallCtx *c, const uint64_t *a)
{
    void *buf = sys_lock(a[1], a[2], true);
    if (!buf) {
        return -EFAULT;
    }
    uint32_t cap = 0;
    if (a[4]) {
        int r = sock_get_addrlen(a[5], &cap);
        if (r < 0) {
            return r;
        }
    }
    struct sockaddr_storage h = {.ss_family = AF_UNSPEC};
    socklen_t hlen = sizeof(h);
    ssize_t n =
        recvfrom((int)a[0], buf, a[2], (int)a[3],
                 a[4] ? (struct sockaddr *)&h : NULL, a[4] ? &hlen : NULL);
    if (n < 0) {
        return sys_errno();
    }
    /* Connected stream sockets return no address: the kernel then leaves
     * the length at 0. */
    if (a[4]) {
        int r = sock_put_addr(a[4], a[5], cap, &h, hlen);
        if (r < 0) {
            return r;
        }
    }
    return n;
}

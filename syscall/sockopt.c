/*
 * getsockopt and setsockopt. Every option vemu knows is in one table
 * (guest level and name, host level and name, value layout), which also
 * names the options for -strace; an option outside it gets ENOPROTOOPT,
 * as from a kernel without it, rather than a host value in guest memory.
 * Layouts: integers and byte strings (names, IP options, tcp_info,
 * multicast requests: fixed-width and arch-independent) bounce through a
 * host buffer unchanged; linger, the timeouts, ucred and sock_fprog are
 * rebuilt field by field.
 */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "syscall/internal.h"
#include "syscall/net.h"

enum { OPT_INT, OPT_BYTES, OPT_LINGER, OPT_TIMEVAL, OPT_UCRED, OPT_FPROG };

typedef struct SockOpt {
    int16_t tlevel;
    int16_t tname;
    int16_t hlevel;
    int16_t hname;
    uint8_t kind;
    const char *name;
} SockOpt;

#define SO_(n, kind)                                                           \
    {                                                                          \
        TARGET_SOL_SOCKET, TARGET_##n, SOL_SOCKET, n, kind, #n                 \
    }
/* Protocol levels are protocol numbers and their option numbers are the
 * protocol's own: the same values on both sides. */
#define P_(level, n, v, kind)                                                  \
    {                                                                          \
        level, v, level, v, kind, #n                                           \
    }

static const SockOpt sockopts[] = {
    SO_(SO_DEBUG, OPT_INT),
    SO_(SO_REUSEADDR, OPT_INT),
    SO_(SO_TYPE, OPT_INT),
    SO_(SO_ERROR, OPT_INT),
    SO_(SO_DONTROUTE, OPT_INT),
    SO_(SO_BROADCAST, OPT_INT),
    SO_(SO_SNDBUF, OPT_INT),
    SO_(SO_RCVBUF, OPT_INT),
    SO_(SO_KEEPALIVE, OPT_INT),
    SO_(SO_OOBINLINE, OPT_INT),
    SO_(SO_NO_CHECK, OPT_INT),
    SO_(SO_PRIORITY, OPT_INT),
    SO_(SO_LINGER, OPT_LINGER),
    SO_(SO_BSDCOMPAT, OPT_INT),
    SO_(SO_REUSEPORT, OPT_INT),
    SO_(SO_PASSCRED, OPT_INT),
    SO_(SO_PEERCRED, OPT_UCRED),
    SO_(SO_RCVLOWAT, OPT_INT),
    SO_(SO_SNDLOWAT, OPT_INT),
    /* 64-bit: the _OLD and _NEW timeouts both take 16-byte timevals. */
    {TARGET_SOL_SOCKET, TARGET_SO_RCVTIMEO_OLD, SOL_SOCKET, SO_RCVTIMEO,
     OPT_TIMEVAL, "SO_RCVTIMEO"},
    {TARGET_SOL_SOCKET, TARGET_SO_SNDTIMEO_OLD, SOL_SOCKET, SO_SNDTIMEO,
     OPT_TIMEVAL, "SO_SNDTIMEO"},
    {TARGET_SOL_SOCKET, TARGET_SO_RCVTIMEO_NEW, SOL_SOCKET, SO_RCVTIMEO,
     OPT_TIMEVAL, "SO_RCVTIMEO_NEW"},
    {TARGET_SOL_SOCKET, TARGET_SO_SNDTIMEO_NEW, SOL_SOCKET, SO_SNDTIMEO,
     OPT_TIMEVAL, "SO_SNDTIMEO_NEW"},
    SO_(SO_BINDTODEVICE, OPT_BYTES),
    SO_(SO_ATTACH_FILTER, OPT_FPROG),
    SO_(SO_DETACH_FILTER, OPT_INT),
    {TARGET_SOL_SOCKET, TARGET_SO_TIMESTAMP_OLD, SOL_SOCKET, SO_TIMESTAMP,
     OPT_INT, "SO_TIMESTAMP"},
    SO_(SO_ACCEPTCONN, OPT_INT),
    SO_(SO_SNDBUFFORCE, OPT_INT),
    SO_(SO_RCVBUFFORCE, OPT_INT),
    SO_(SO_PASSSEC, OPT_INT),
    {TARGET_SOL_SOCKET, TARGET_SO_TIMESTAMPNS_OLD, SOL_SOCKET, SO_TIMESTAMPNS,
     OPT_INT, "SO_TIMESTAMPNS"},
    SO_(SO_MARK, OPT_INT),
    SO_(SO_PROTOCOL, OPT_INT),
    SO_(SO_DOMAIN, OPT_INT),
    SO_(SO_RXQ_OVFL, OPT_INT),
    SO_(SO_PEEK_OFF, OPT_INT),
    SO_(SO_BUSY_POLL, OPT_INT),
    SO_(SO_INCOMING_CPU, OPT_INT),
    SO_(SO_ZEROCOPY, OPT_INT),
    SO_(SO_BINDTOIFINDEX, OPT_INT),

    P_(TARGET_SOL_IP, IP_TOS, 1, OPT_INT),
    P_(TARGET_SOL_IP, IP_TTL, 2, OPT_INT),
    P_(TARGET_SOL_IP, IP_HDRINCL, 3, OPT_INT),
    P_(TARGET_SOL_IP, IP_OPTIONS, 4, OPT_BYTES),
    P_(TARGET_SOL_IP, IP_RECVOPTS, 6, OPT_INT),
    P_(TARGET_SOL_IP, IP_RETOPTS, 7, OPT_INT),
    P_(TARGET_SOL_IP, IP_PKTINFO, 8, OPT_INT),
    P_(TARGET_SOL_IP, IP_MTU_DISCOVER, 10, OPT_INT),
    P_(TARGET_SOL_IP, IP_RECVERR, 11, OPT_INT),
    P_(TARGET_SOL_IP, IP_RECVTTL, 12, OPT_INT),
    P_(TARGET_SOL_IP, IP_RECVTOS, 13, OPT_INT),
    P_(TARGET_SOL_IP, IP_MTU, 14, OPT_INT),
    P_(TARGET_SOL_IP, IP_FREEBIND, 15, OPT_INT),
    P_(TARGET_SOL_IP, IP_TRANSPARENT, 19, OPT_INT),
    P_(TARGET_SOL_IP, IP_BIND_ADDRESS_NO_PORT, 24, OPT_INT),
    P_(TARGET_SOL_IP, IP_MULTICAST_IF, 32, OPT_BYTES),
    P_(TARGET_SOL_IP, IP_MULTICAST_TTL, 33, OPT_INT),
    P_(TARGET_SOL_IP, IP_MULTICAST_LOOP, 34, OPT_INT),
    P_(TARGET_SOL_IP, IP_ADD_MEMBERSHIP, 35, OPT_BYTES),
    P_(TARGET_SOL_IP, IP_DROP_MEMBERSHIP, 36, OPT_BYTES),

    P_(TARGET_SOL_IPV6, IPV6_ADDRFORM, 1, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_UNICAST_HOPS, 16, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_MULTICAST_IF, 17, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_MULTICAST_HOPS, 18, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_MULTICAST_LOOP, 19, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_ADD_MEMBERSHIP, 20, OPT_BYTES),
    P_(TARGET_SOL_IPV6, IPV6_DROP_MEMBERSHIP, 21, OPT_BYTES),
    P_(TARGET_SOL_IPV6, IPV6_MTU_DISCOVER, 23, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_MTU, 24, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_RECVERR, 25, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_V6ONLY, 26, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_RECVPKTINFO, 49, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_RECVHOPLIMIT, 51, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_RECVTCLASS, 66, OPT_INT),
    P_(TARGET_SOL_IPV6, IPV6_TCLASS, 67, OPT_INT),

    P_(TARGET_SOL_TCP, TCP_NODELAY, 1, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_MAXSEG, 2, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_CORK, 3, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_KEEPIDLE, 4, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_KEEPINTVL, 5, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_KEEPCNT, 6, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_SYNCNT, 7, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_LINGER2, 8, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_DEFER_ACCEPT, 9, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_WINDOW_CLAMP, 10, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_INFO, 11, OPT_BYTES),
    P_(TARGET_SOL_TCP, TCP_QUICKACK, 12, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_CONGESTION, 13, OPT_BYTES),
    P_(TARGET_SOL_TCP, TCP_USER_TIMEOUT, 18, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_FASTOPEN, 23, OPT_INT),
    P_(TARGET_SOL_TCP, TCP_NOTSENT_LOWAT, 25, OPT_INT),

    P_(TARGET_SOL_UDP, UDP_CORK, 1, OPT_INT),
    P_(TARGET_SOL_UDP, UDP_SEGMENT, 103, OPT_INT),
    P_(TARGET_SOL_UDP, UDP_GRO, 104, OPT_INT),

    P_(TARGET_SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 1, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, 2, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_PKTINFO, 3, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_BROADCAST_ERROR, 4, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_NO_ENOBUFS, 5, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 8, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_CAP_ACK, 10, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_EXT_ACK, 11, OPT_INT),
    P_(TARGET_SOL_NETLINK, NETLINK_GET_STRICT_CHK, 12, OPT_INT),

    /* ping: ICMP_FILTER (SOL_RAW) and ICMP6_FILTER, bit masks. */
    P_(255, ICMP_FILTER, 1, OPT_BYTES),
    P_(58, ICMP6_FILTER, 1, OPT_BYTES),
};

_Static_assert(SOL_SOCKET == 1 && SO_RCVTIMEO == 20 && SO_SNDTIMEO == 21,
               "host SOL_SOCKET numbering is not asm-generic: check sockopts");
_Static_assert(IPPROTO_IP == TARGET_SOL_IP && IPPROTO_TCP == TARGET_SOL_TCP &&
                   IPPROTO_UDP == TARGET_SOL_UDP &&
                   IPPROTO_IPV6 == TARGET_SOL_IPV6 &&
                   SOL_NETLINK == TARGET_SOL_NETLINK,
               "protocol levels are protocol numbers");
_Static_assert(TCP_NODELAY == 1 && TCP_INFO == 11 && IP_TTL == 2 &&
                   IP_MULTICAST_TTL == 33 && IPV6_V6ONLY == 26,
               "protocol options are the protocols' own numbers");
_Static_assert(sizeof(struct linger) == sizeof(target_linger) &&
                   sizeof(struct ucred) == sizeof(target_ucred),
               "host linger/ucred sizes differ");

static const SockOpt *find_opt(int level, int name)
{
    for (size_t i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++) {
        if (sockopts[i].tlevel == level && sockopts[i].tname == name) {
            return &sockopts[i];
        }
    }
    return NULL;
}

const char *sockopt_name(int level, int name)
{
    const SockOpt *o = find_opt(level, name);
    return o ? o->name : NULL;
}

/* Most bytes an int or byte-string option is passed with: more than any
 * of them holds (tcp_info is ~250). */
#define OPT_BUF_MAX 1024

int64_t sys_setsockopt(SyscallCtx *c, const uint64_t *a)
{
    int fd = (int)a[0];
    const SockOpt *o = find_opt((int)a[1], (int)a[2]);
    uint64_t addr = a[3];
    int32_t len = (int32_t)a[4];
    /* The kernel checks the length before it looks at the option. */
    if (len < 0) {
        return -EINVAL;
    }
    if (!o) {
        return -ENOPROTOOPT;
    }
    switch (o->kind) {
    case OPT_INT:
    case OPT_BYTES: {
        uint8_t buf[OPT_BUF_MAX] = {0};
        /* An int option reads at most 8 bytes (u64 pacing rates): more
         * of the guest's buffer need not be readable. */
        size_t want = o->kind == OPT_INT ? 8 : OPT_BUF_MAX;
        size_t n = (size_t)len < want ? (size_t)len : want;
        if (n && guest_copy_from(buf, addr, n) != 0) {
            return -EFAULT;
        }
        socklen_t hlen =
            (size_t)len < OPT_BUF_MAX ? (socklen_t)len : OPT_BUF_MAX;
        return sys_ret(setsockopt(fd, o->hlevel, o->hname, buf, hlen));
    }
    case OPT_LINGER: {
        target_linger t;
        if ((size_t)len < sizeof(t)) {
            return -EINVAL;
        }
        if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        struct linger h = {.l_onoff = t.l_onoff, .l_linger = t.l_linger};
        return sys_ret(setsockopt(fd, o->hlevel, o->hname, &h, sizeof(h)));
    }
    case OPT_TIMEVAL: {
        target_timeval t;
        if ((size_t)len < sizeof(t)) {
            return -EINVAL;
        }
        if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        struct timeval h = {.tv_sec = t.tv_sec, .tv_usec = t.tv_usec};
        return sys_ret(setsockopt(fd, o->hlevel, o->hname, &h, sizeof(h)));
    }
    case OPT_FPROG: {
        target_sock_fprog t;
        if ((size_t)len < sizeof(t)) {
            return -EINVAL;
        }
        if (guest_copy_from(&t, addr, sizeof(t)) != 0) {
            return -EFAULT;
        }
        /* struct sock_filter is 8 fixed-width bytes everywhere. */
        _Static_assert(sizeof(struct sock_filter) == 8, "sock_filter");
        struct sock_fprog h = {.len = t.len, .filter = NULL};
        if (t.len) {
            h.filter = sys_lock(t.filter, (uint64_t)t.len * 8, false);
            if (!h.filter) {
                return -EFAULT;
            }
        }
        return sys_ret(setsockopt(fd, o->hlevel, o->hname, &h, sizeof(h)));
    }
    default: /* OPT_UCRED is read-only */
        return -ENOPROTOOPT;
    }
}

int64_t sys_getsockopt(SyscallCtx *c, const uint64_t *a)
{
    int fd = (int)a[0];
    const SockOpt *o = find_opt((int)a[1], (int)a[2]);
    uint64_t addr = a[3];
    uint64_t lenp = a[4];
    int32_t len;
    if (guest_copy_from(&len, lenp, sizeof(len)) != 0) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    if (!o) {
        return -ENOPROTOOPT;
    }
    uint8_t out[OPT_BUF_MAX];
    size_t outlen;
    switch (o->kind) {
    case OPT_INT:
    case OPT_BYTES: {
        socklen_t hlen =
            (size_t)len < OPT_BUF_MAX ? (socklen_t)len : OPT_BUF_MAX;
        if (getsockopt(fd, o->hlevel, o->hname, out, &hlen) != 0) {
            return sys_errno();
        }
        outlen = hlen;
        break;
    }
    case OPT_LINGER: {
        struct linger h;
        socklen_t hlen = sizeof(h);
        if (getsockopt(fd, o->hlevel, o->hname, &h, &hlen) != 0) {
            return sys_errno();
        }
        target_linger t = {.l_onoff = h.l_onoff, .l_linger = h.l_linger};
        memcpy(out, &t, sizeof(t));
        outlen = sizeof(t);
        break;
    }
    case OPT_TIMEVAL: {
        struct timeval h;
        socklen_t hlen = sizeof(h);
        if (getsockopt(fd, o->hlevel, o->hname, &h, &hlen) != 0) {
            return sys_errno();
        }
        target_timeval t = {.tv_sec = h.tv_sec, .tv_usec = h.tv_usec};
        memcpy(out, &t, sizeof(t));
        outlen = sizeof(t);
        break;
    }
    case OPT_UCRED: {
        struct ucred h;
        socklen_t hlen = sizeof(h);
        if (getsockopt(fd, o->hlevel, o->hname, &h, &hlen) != 0) {
            return sys_errno();
        }
        target_ucred t = {.pid = h.pid, .uid = h.uid, .gid = h.gid};
        memcpy(out, &t, sizeof(t));
        outlen = sizeof(t);
        break;
    }
    case OPT_FPROG: {
        /* SO_GET_FILTER: len counts instructions, copied as they are. */
        if ((uint32_t)len > OPT_BUF_MAX / 8) {
            len = OPT_BUF_MAX / 8;
        }
        socklen_t hlen = (socklen_t)len;
        if (getsockopt(fd, o->hlevel, o->hname, out, &hlen) != 0) {
            return sys_errno();
        }
        int32_t t = (int32_t)hlen;
        if (len && guest_copy_to(addr, out, (size_t)hlen * 8) != 0) {
            return -EFAULT;
        }
        return guest_copy_to(lenp, &t, sizeof(t)) ? -EFAULT : 0;
    }
    default:
        return -ENOPROTOOPT;
    }
    /* As the kernel: the value truncated to the guest's length, and the
     * length written back. */
    if (outlen > (size_t)len) {
        outlen = (size_t)len;
    }
    if (outlen && guest_copy_to(addr, out, outlen) != 0) {
        return -EFAULT;
    }
    int32_t t = (int32_t)outlen;
    return guest_copy_to(lenp, &t, sizeof(t)) ? -EFAULT : 0;
}

/*
 * -strace decoding of the socket and event-descriptor argument kinds
 * (syscall/net.h): address families, socket types, sockaddrs (as strace
 * prints them: {sa_family=AF_INET,sin_port=htons(80),...}), option levels
 * and names, MSG_ flags, epoll operations and the fd-creation flags.
 * strace.c calls strace_net_arg for any kind from ARG_NET_FIRST on; guest
 * memory is read with guest_copy_from, so a bad pointer prints as a
 * number.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "syscall/internal.h"

typedef struct Buf {
    char *p;
    size_t size, len;
} Buf;

static void put(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(Buf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->size) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        b->len += (size_t)n;
        if (b->len >= b->size) {
            b->len = b->size - 1;
        }
    }
}

typedef struct Name {
    int64_t value;
    const char *name;
} Name;

static void put_named(Buf *b, const Name *t, int64_t v)
{
    for (; t->name; t++) {
        if (t->value == v) {
            put(b, "%s", t->name);
            return;
        }
    }
    put(b, "%" PRId64, v);
}

static void put_bits(Buf *b, const Name *t, uint64_t v, bool started)
{
    for (; t->name; t++) {
        if (t->value && (v & (uint64_t)t->value) == (uint64_t)t->value) {
            put(b, "%s%s", started ? "|" : "", t->name);
            started = true;
            v &= ~(uint64_t)t->value;
        }
    }
    if (v) {
        put(b, "%s%#" PRIx64, started ? "|" : "", v);
    } else if (!started) {
        put(b, "0");
    }
}

static const Name family_names[] = {
    {TARGET_AF_UNSPEC, "AF_UNSPEC"},
    {TARGET_AF_UNIX, "AF_UNIX"},
    {TARGET_AF_INET, "AF_INET"},
    {TARGET_AF_INET6, "AF_INET6"},
    {TARGET_AF_NETLINK, "AF_NETLINK"},
    {TARGET_AF_PACKET, "AF_PACKET"},
    {0, NULL},
};

static const Name type_names[] = {
    {TARGET_SOCK_STREAM, "SOCK_STREAM"},
    {TARGET_SOCK_DGRAM, "SOCK_DGRAM"},
    {TARGET_SOCK_RAW, "SOCK_RAW"},
    {TARGET_SOCK_RDM, "SOCK_RDM"},
    {TARGET_SOCK_SEQPACKET, "SOCK_SEQPACKET"},
    {TARGET_SOCK_DCCP, "SOCK_DCCP"},
    {TARGET_SOCK_PACKET, "SOCK_PACKET"},
    {0, NULL},
};

static const Name sockflag_names[] = {
    {TARGET_SOCK_NONBLOCK, "SOCK_NONBLOCK"},
    {TARGET_SOCK_CLOEXEC, "SOCK_CLOEXEC"},
    {0, NULL},
};

static const Name level_names[] = {
    {TARGET_SOL_SOCKET, "SOL_SOCKET"},
    {TARGET_SOL_IP, "SOL_IP"},
    {TARGET_SOL_TCP, "SOL_TCP"},
    {TARGET_SOL_UDP, "SOL_UDP"},
    {TARGET_SOL_IPV6, "SOL_IPV6"},
    {TARGET_SOL_NETLINK, "SOL_NETLINK"},
    {0, NULL},
};

static const Name msg_names[] = {
    {TARGET_MSG_OOB, "MSG_OOB"},
    {TARGET_MSG_PEEK, "MSG_PEEK"},
    {TARGET_MSG_DONTROUTE, "MSG_DONTROUTE"},
    {TARGET_MSG_CTRUNC, "MSG_CTRUNC"},
    {TARGET_MSG_TRUNC, "MSG_TRUNC"},
    {TARGET_MSG_DONTWAIT, "MSG_DONTWAIT"},
    {TARGET_MSG_EOR, "MSG_EOR"},
    {TARGET_MSG_WAITALL, "MSG_WAITALL"},
    {TARGET_MSG_CONFIRM, "MSG_CONFIRM"},
    {TARGET_MSG_ERRQUEUE, "MSG_ERRQUEUE"},
    {TARGET_MSG_NOSIGNAL, "MSG_NOSIGNAL"},
    {TARGET_MSG_MORE, "MSG_MORE"},
    {TARGET_MSG_WAITFORONE, "MSG_WAITFORONE"},
    {TARGET_MSG_ZEROCOPY, "MSG_ZEROCOPY"},
    {TARGET_MSG_FASTOPEN, "MSG_FASTOPEN"},
    {TARGET_MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"},
    {0, NULL},
};

static const Name shut_names[] = {
    {TARGET_SHUT_RD, "SHUT_RD"},
    {TARGET_SHUT_WR, "SHUT_WR"},
    {TARGET_SHUT_RDWR, "SHUT_RDWR"},
    {0, NULL},
};

static const Name epoll_op_names[] = {
    {TARGET_EPOLL_CTL_ADD, "EPOLL_CTL_ADD"},
    {TARGET_EPOLL_CTL_DEL, "EPOLL_CTL_DEL"},
    {TARGET_EPOLL_CTL_MOD, "EPOLL_CTL_MOD"},
    {0, NULL},
};

static const Name fdnew_names[] = {
    {TARGET_O_CLOEXEC, "O_CLOEXEC"},
    {TARGET_O_NONBLOCK, "O_NONBLOCK"},
    {0, NULL},
};

static const Name efd_names[] = {
    {TARGET_EFD_SEMAPHORE, "EFD_SEMAPHORE"},
    {TARGET_EFD_CLOEXEC, "EFD_CLOEXEC"},
    {TARGET_EFD_NONBLOCK, "EFD_NONBLOCK"},
    {0, NULL},
};

static const Name tfd_set_names[] = {
    {TARGET_TFD_TIMER_ABSTIME, "TFD_TIMER_ABSTIME"},
    {TARGET_TFD_TIMER_CANCEL_ON_SET, "TFD_TIMER_CANCEL_ON_SET"},
    {0, NULL},
};

static const Name splice_names[] = {
    {TARGET_SPLICE_F_MOVE, "SPLICE_F_MOVE"},
    {TARGET_SPLICE_F_NONBLOCK, "SPLICE_F_NONBLOCK"},
    {TARGET_SPLICE_F_MORE, "SPLICE_F_MORE"},
    {TARGET_SPLICE_F_GIFT, "SPLICE_F_GIFT"},
    {0, NULL},
};

static const Name mfd_names[] = {
    {TARGET_MFD_CLOEXEC, "MFD_CLOEXEC"},
    {TARGET_MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING"},
    {TARGET_MFD_HUGETLB, "MFD_HUGETLB"},
    {TARGET_MFD_NOEXEC_SEAL, "MFD_NOEXEC_SEAL"},
    {TARGET_MFD_EXEC, "MFD_EXEC"},
    {0, NULL},
};

/* linux/inotify.h. */
static const Name inotify_names[] = {
    {0x1, "IN_ACCESS"},
    {0x2, "IN_MODIFY"},
    {0x4, "IN_ATTRIB"},
    {0x8, "IN_CLOSE_WRITE"},
    {0x10, "IN_CLOSE_NOWRITE"},
    {0x20, "IN_OPEN"},
    {0x40, "IN_MOVED_FROM"},
    {0x80, "IN_MOVED_TO"},
    {0x100, "IN_CREATE"},
    {0x200, "IN_DELETE"},
    {0x400, "IN_DELETE_SELF"},
    {0x800, "IN_MOVE_SELF"},
    {0x1000000, "IN_ONLYDIR"},
    {0x2000000, "IN_DONT_FOLLOW"},
    {0x4000000, "IN_EXCL_UNLINK"},
    {0x10000000, "IN_MASK_CREATE"},
    {0x20000000, "IN_MASK_ADD"},
    {0x80000000, "IN_ONESHOT"},
    {0, NULL},
};

static const Name membarrier_names[] = {
    {0, "MEMBARRIER_CMD_QUERY"},
    {1, "MEMBARRIER_CMD_GLOBAL"},
    {2, "MEMBARRIER_CMD_GLOBAL_EXPEDITED"},
    {4, "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED"},
    {8, "MEMBARRIER_CMD_PRIVATE_EXPEDITED"},
    {16, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED"},
    {32, "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE"},
    {64, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE"},
    {0, NULL},
};

static void put_sockaddr(Buf *b, uint64_t addr, uint64_t len)
{
    uint8_t t[TARGET_SOCKADDR_MAX] = {0};
    size_t n = len < sizeof(t) ? (size_t)len : sizeof(t);
    if (!addr) {
        put(b, "NULL");
        return;
    }
    if (n < 2 || guest_copy_from(t, addr, n) != 0) {
        put(b, "%#" PRIx64, addr);
        return;
    }
    uint16_t family;
    memcpy(&family, t, sizeof(family));
    put(b, "{sa_family=");
    put_named(b, family_names, family);
    if (family == TARGET_AF_INET && n >= sizeof(target_sockaddr_in)) {
        target_sockaddr_in s;
        memcpy(&s, t, sizeof(s));
        const uint8_t *ip = (const uint8_t *)&s.sin_addr;
        put(b, ",sin_port=htons(%u),sin_addr=inet_addr(\"%u.%u.%u.%u\")",
            (unsigned)__builtin_bswap16(s.sin_port), ip[0], ip[1], ip[2],
            ip[3]);
    } else if (family == TARGET_AF_INET6 && n >= sizeof(target_sockaddr_in6)) {
        target_sockaddr_in6 s;
        memcpy(&s, t, sizeof(s));
        put(b, ",sin6_port=htons(%u),sin6_addr=",
            (unsigned)__builtin_bswap16(s.sin6_port));
        for (int i = 0; i < 16; i += 2) {
            put(b, "%s%x", i ? ":" : "",
                (unsigned)(s.sin6_addr[i] << 8 | s.sin6_addr[i + 1]));
        }
    } else if (family == TARGET_AF_UNIX) {
        /* Abstract names start with NUL: shown as "@name". */
        const char *p = (const char *)t + 2;
        size_t pl = n - 2;
        bool abstract = pl && p[0] == 0;
        size_t i = abstract ? 1 : 0;
        put(b, ",sun_path=\"%s", abstract ? "@" : "");
        for (; i < pl && (abstract || p[i]); i++) {
            unsigned char ch = (unsigned char)p[i];
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
                put(b, "%c", ch);
            } else {
                put(b, "\\%03o", ch);
            }
        }
        put(b, "\"");
    } else if (family == TARGET_AF_NETLINK && n >= sizeof(target_sockaddr_nl)) {
        target_sockaddr_nl s;
        memcpy(&s, t, sizeof(s));
        put(b, ",nl_pid=%u,nl_groups=%#x", s.nl_pid, s.nl_groups);
    } else {
        put(b, ",...");
    }
    put(b, "}");
}

void strace_net_arg(char *buf, size_t size, const SyscallArch *arch,
                    unsigned kind, const uint64_t *a, int i)
{
    Buf b = {.p = buf, .size = size, .len = 0};
    uint64_t v = a[i];
    buf[0] = 0;
    switch (ARG_KIND(kind)) {
    case ARG_SOCK_DOMAIN:
        put_named(&b, family_names, (int32_t)v);
        break;
    case ARG_SOCK_TYPE:
        put_named(&b, type_names, (uint32_t)v & TARGET_SOCK_TYPE_MASK);
        put_bits(&b, sockflag_names,
                 (uint32_t)v & ~(uint32_t)TARGET_SOCK_TYPE_MASK, true);
        break;
    case ARG_FLAGS_SOCK:
        put_bits(&b, sockflag_names, (uint32_t)v, false);
        break;
    case ARG_SOCKADDR_KIND:
        put_sockaddr(&b, v, (uint32_t)a[ARG_PARAM(kind)]);
        break;
    case ARG_SOCKOPT_LEVEL:
        put_named(&b, level_names, (int32_t)v);
        break;
    case ARG_SOCKOPT_NAME_KIND: {
        const char *n = sockopt_name((int32_t)a[ARG_PARAM(kind)], (int32_t)v);
        if (n) {
            put(&b, "%s", n);
        } else {
            put(&b, "%d", (int32_t)v);
        }
        break;
    }
    case ARG_MSG_FLAGS:
        put_bits(&b, msg_names, (uint32_t)v, false);
        break;
    case ARG_SHUT_HOW:
        put_named(&b, shut_names, (int32_t)v);
        break;
    case ARG_EPOLL_OP:
        put_named(&b, epoll_op_names, (int32_t)v);
        break;
    case ARG_FLAGS_FDNEW:
        put_bits(&b, fdnew_names, (uint32_t)v, false);
        break;
    case ARG_FLAGS_EFD:
        put_bits(&b, efd_names, (uint32_t)v, false);
        break;
    case ARG_FLAGS_TFD_SET:
        put_bits(&b, tfd_set_names, (uint32_t)v, false);
        break;
    case ARG_FLAGS_SPLICE:
        put_bits(&b, splice_names, (uint32_t)v, false);
        break;
    case ARG_FLAGS_MFD:
        put_bits(&b, mfd_names, (uint32_t)v, false);
        break;
    case ARG_INOTIFY_MASK:
        put_bits(&b, inotify_names, (uint32_t)v, false);
        break;
    case ARG_MEMBARRIER_CMD:
        put_named(&b, membarrier_names, (int32_t)v);
        break;
    default:
        put(&b, "%#" PRIx64, v);
        break;
    }
}

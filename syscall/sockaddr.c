/*
 * Socket addresses between guest and host. AF_INET, AF_INET6, AF_UNIX and
 * AF_NETLINK have the same layout on every Linux, but are still rebuilt
 * field by field from the target_* types, so that a host whose layout
 * differs would show here and not as corrupt guest memory. Other families
 * (AF_PACKET, ...) are fixed-width protocol structures too: their bytes
 * after the family pass unchanged. AF_UNIX paths are host paths, as the
 * kernel sees them: the sysroot (-L) is for files the guest opens, not
 * for socket names that the guest and host programs share.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "syscall/internal.h"
#include "syscall/net.h"

_Static_assert(sizeof(struct sockaddr_storage) == TARGET_SOCKADDR_MAX,
               "host sockaddr_storage is not 128 bytes");
_Static_assert(sizeof(struct sockaddr_in) == sizeof(target_sockaddr_in) &&
                   sizeof(struct sockaddr_in6) == sizeof(target_sockaddr_in6) &&
                   sizeof(struct sockaddr_un) == sizeof(target_sockaddr_un) &&
                   sizeof(struct sockaddr_nl) == sizeof(target_sockaddr_nl),
               "host sockaddr sizes differ: lengths would need mapping");
_Static_assert(AF_UNIX == TARGET_AF_UNIX && AF_INET == TARGET_AF_INET &&
                   AF_INET6 == TARGET_AF_INET6 &&
                   AF_NETLINK == TARGET_AF_NETLINK &&
                   AF_PACKET == TARGET_AF_PACKET,
               "address families are the same on every Linux");

int sock_get_addr(uint64_t addr, uint64_t len, struct sockaddr_storage *h,
                  socklen_t *hlen)
{
    /* The kernel's move_addr_to_kernel: 0..128 bytes, else EINVAL. */
    if ((int32_t)len < 0 || (uint32_t)len > TARGET_SOCKADDR_MAX) {
        return -EINVAL;
    }
    uint32_t n = (uint32_t)len;
    uint8_t t[TARGET_SOCKADDR_MAX] = {0};
    if (n && guest_copy_from(t, addr, n) != 0) {
        return -EFAULT;
    }
    memset(h, 0, sizeof(*h));
    *hlen = n;
    uint16_t family;
    memcpy(&family, t, sizeof(family));
    switch (family) {
    case TARGET_AF_INET: {
        target_sockaddr_in g;
        memcpy(&g, t, sizeof(g));
        struct sockaddr_in *s = (struct sockaddr_in *)h;
        s->sin_family = AF_INET;
        s->sin_port = g.sin_port;
        s->sin_addr.s_addr = g.sin_addr;
        memcpy(s->sin_zero, g.sin_zero, sizeof(s->sin_zero));
        break;
    }
    case TARGET_AF_INET6: {
        target_sockaddr_in6 g;
        memcpy(&g, t, sizeof(g));
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)h;
        s->sin6_family = AF_INET6;
        s->sin6_port = g.sin6_port;
        s->sin6_flowinfo = g.sin6_flowinfo;
        memcpy(&s->sin6_addr, g.sin6_addr, sizeof(s->sin6_addr));
        s->sin6_scope_id = g.sin6_scope_id;
        break;
    }
    case TARGET_AF_UNIX: {
        target_sockaddr_un g;
        memcpy(&g, t, sizeof(g));
        struct sockaddr_un *s = (struct sockaddr_un *)h;
        s->sun_family = AF_UNIX;
        memcpy(s->sun_path, g.sun_path, sizeof(s->sun_path));
        /* The kernel accepts up to 128 bytes here and NUL-terminates the
         * path itself: keep the bytes past sun_path too. */
        memcpy((uint8_t *)h + sizeof(g), t + sizeof(g),
               TARGET_SOCKADDR_MAX - sizeof(g));
        break;
    }
    case TARGET_AF_NETLINK: {
        target_sockaddr_nl g;
        memcpy(&g, t, sizeof(g));
        struct sockaddr_nl *s = (struct sockaddr_nl *)h;
        s->nl_family = AF_NETLINK;
        s->nl_pad = g.nl_pad;
        s->nl_pid = g.nl_pid;
        s->nl_groups = g.nl_groups;
        break;
    }
    default:
        memcpy(h, t, n);
        break;
    }
    if (n < sizeof(uint16_t)) {
        /* Too short to hold a family: the kernel sees the raw bytes. */
        memcpy(h, t, n);
    }
    return 0;
}

size_t sock_addr_to_target(uint8_t *out, const struct sockaddr_storage *h,
                           socklen_t hlen)
{
    size_t n = hlen < TARGET_SOCKADDR_MAX ? hlen : TARGET_SOCKADDR_MAX;
    memset(out, 0, TARGET_SOCKADDR_MAX);
    switch (h->ss_family) {
    case AF_INET: {
        const struct sockaddr_in *s = (const struct sockaddr_in *)h;
        target_sockaddr_in g = {.sin_family = TARGET_AF_INET,
                                .sin_port = s->sin_port,
                                .sin_addr = s->sin_addr.s_addr};
        memcpy(g.sin_zero, s->sin_zero, sizeof(g.sin_zero));
        memcpy(out, &g, sizeof(g));
        break;
    }
    case AF_INET6: {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)h;
        target_sockaddr_in6 g = {.sin6_family = TARGET_AF_INET6,
                                 .sin6_port = s->sin6_port,
                                 .sin6_flowinfo = s->sin6_flowinfo,
                                 .sin6_scope_id = s->sin6_scope_id};
        memcpy(g.sin6_addr, &s->sin6_addr, sizeof(g.sin6_addr));
        memcpy(out, &g, sizeof(g));
        break;
    }
    case AF_UNIX: {
        /* Unnamed sockets have only the family; abstract names are not
         * NUL-terminated: the length says where the name ends. */
        const struct sockaddr_un *s = (const struct sockaddr_un *)h;
        target_sockaddr_un g = {.sun_family = TARGET_AF_UNIX};
        memcpy(g.sun_path, s->sun_path, sizeof(g.sun_path));
        memcpy(out, &g, sizeof(g));
        break;
    }
    case AF_NETLINK: {
        const struct sockaddr_nl *s = (const struct sockaddr_nl *)h;
        target_sockaddr_nl g = {.nl_family = TARGET_AF_NETLINK,
                                .nl_pid = s->nl_pid,
                                .nl_groups = s->nl_groups};
        memcpy(out, &g, sizeof(g));
        break;
    }
    default:
        memcpy(out, h, n);
        break;
    }
    return n;
}

int sock_get_addrlen(uint64_t lenp, uint32_t *out)
{
    int32_t v;
    if (guest_copy_from(&v, lenp, sizeof(v)) != 0) {
        return -EFAULT;
    }
    if (v < 0) {
        return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

int sock_put_addr(uint64_t addr, uint64_t lenp, uint32_t cap,
                  const struct sockaddr_storage *h, socklen_t hlen)
{
    uint8_t t[TARGET_SOCKADDR_MAX];
    size_t n = sock_addr_to_target(t, h, hlen);
    size_t copy = n < cap ? n : cap;
    if (copy && guest_copy_to(addr, t, copy) != 0) {
        return -EFAULT;
    }
    int32_t full = (int32_t)n;
    return guest_copy_to(lenp, &full, sizeof(full)) ? -EFAULT : 0;
}

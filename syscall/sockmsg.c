/*
 * sendmsg, recvmsg, sendmmsg, recvmmsg: the guest's msghdr (address,
 * iovec array, control buffer) becomes a host msghdr over checked guest
 * memory, and the results go back field by field. Control messages are
 * rebuilt one by one: SCM_RIGHTS (an int array of fds, which are host
 * fds), SCM_CREDENTIALS (ucred) and the SOL_SOCKET timestamps (timeval,
 * timespec) by field; protocol-level messages (IP_PKTINFO, ...) are
 * fixed-width and arch-independent, so their data passes as bytes.
 *
 * Received fds that do not fit the guest's control buffer are closed and
 * MSG_CTRUNC set, as the kernel does when its own buffer is short.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "syscall/internal.h"
#include "syscall/net.h"

/* Linux's UIO_MAXIOV: the most iovecs and the most mmsghdrs. */
#define TARGET_UIO_MAXIOV 1024
/* The largest control buffer vemu allocates for a receive. */
#define CONTROL_MAX (1u << 20)

_Static_assert(sizeof(struct cmsghdr) == sizeof(target_cmsghdr) &&
                   CMSG_ALIGN(1) == TARGET_CMSG_ALIGN(1),
               "host cmsghdr differs: control buffer sizes need mapping");
_Static_assert(SCM_RIGHTS == TARGET_SCM_RIGHTS &&
                   SCM_CREDENTIALS == TARGET_SCM_CREDENTIALS,
               "SCM_ types are the same on every Linux");

typedef struct HostMsg {
    struct msghdr h;
    struct sockaddr_storage addr;
    uint64_t g_name;    /* guest name buffer (receive) */
    uint32_t g_namecap; /* its size */
    uint64_t g_control; /* guest control buffer (receive) */
    uint64_t g_controllen;
} HostMsg;

static void msg_free(HostMsg *m)
{
    free(m->h.msg_iov);
    free(m->h.msg_control);
    m->h.msg_iov = NULL;
    m->h.msg_control = NULL;
}

/* Payload size of a control message in the other side's layout. All
 * layouts used here are the same size on both sides (checked): the
 * conversion is per field, the length arithmetic is shared. */
static int cmsg_sol_socket_kind(int type)
{
    switch (type) {
    case TARGET_SCM_RIGHTS:
        return 1;
    case TARGET_SCM_CREDENTIALS:
        return 2;
    case TARGET_SO_TIMESTAMP_OLD:
        return 3;
    case TARGET_SO_TIMESTAMPNS_OLD:
        return 4;
    default:
        return 0;
    }
}

/* One control message payload, guest to host (to_host) or back; n bytes
 * (the same size on both sides). */
static void cmsg_convert(int level, int type, uint8_t *dst, const uint8_t *src,
                         size_t n, bool to_host)
{
    int kind = level == TARGET_SOL_SOCKET ? cmsg_sol_socket_kind(type) : 0;
    switch (kind) {
    case 1: /* SCM_RIGHTS: int32 fds, host ints */
        for (size_t i = 0; i < n; i += 4) {
            int32_t v = 0;
            memcpy(&v, src + i, n - i < 4 ? n - i : 4);
            int h = v;
            memcpy(dst + i, &h, n - i < 4 ? n - i : 4);
        }
        break;
    case 2: /* SCM_CREDENTIALS */
        if (n >= sizeof(target_ucred)) {
            struct ucred h;
            target_ucred t;
            if (to_host) {
                memcpy(&t, src, sizeof(t));
                h = (struct ucred){.pid = t.pid, .uid = t.uid, .gid = t.gid};
                memcpy(dst, &h, sizeof(h));
            } else {
                memcpy(&h, src, sizeof(h));
                t = (target_ucred){.pid = h.pid, .uid = h.uid, .gid = h.gid};
                memcpy(dst, &t, sizeof(t));
            }
            n -= sizeof(t);
            memcpy(dst + sizeof(t), src + sizeof(t), n);
        } else {
            memcpy(dst, src, n);
        }
        break;
    case 3: /* SCM_TIMESTAMP: struct timeval (received only) */
        if (!to_host && n >= sizeof(target_timeval)) {
            struct timeval h;
            memcpy(&h, src, sizeof(h));
            target_timeval t = {.tv_sec = h.tv_sec, .tv_usec = h.tv_usec};
            memcpy(dst, &t, sizeof(t));
        } else {
            memcpy(dst, src, n);
        }
        break;
    case 4: /* SCM_TIMESTAMPNS: struct timespec (received only) */
        if (!to_host && n >= sizeof(target_timespec)) {
            struct timespec h;
            memcpy(&h, src, sizeof(h));
            target_timespec t = {.tv_sec = h.tv_sec, .tv_nsec = h.tv_nsec};
            memcpy(dst, &t, sizeof(t));
        } else {
            memcpy(dst, src, n);
        }
        break;
    default:
        memcpy(dst, src, n);
        break;
    }
}

/* The guest's control buffer for a send -> m->h.msg_control. */
static int control_to_host(HostMsg *m, uint64_t addr, uint64_t len)
{
    if (len > INT_MAX) {
        return -ENOBUFS;
    }
    if (len < sizeof(target_cmsghdr)) {
        /* Too short for any message: the kernel sends none. */
        return 0;
    }
    uint8_t *g = malloc(len);
    uint8_t *h = calloc(1, len);
    if (!g || !h) {
        free(g);
        free(h);
        return -ENOMEM;
    }
    if (guest_copy_from(g, addr, len) != 0) {
        free(g);
        free(h);
        return -EFAULT;
    }
    uint64_t off = 0;
    while (len - off >= sizeof(target_cmsghdr)) {
        target_cmsghdr tc;
        memcpy(&tc, g + off, sizeof(tc));
        if (tc.cmsg_len < sizeof(tc) || tc.cmsg_len > len - off) {
            free(g);
            free(h);
            return -EINVAL;
        }
        size_t n = tc.cmsg_len - sizeof(tc);
        struct cmsghdr hc = {.cmsg_len = CMSG_LEN(n),
                             .cmsg_level = tc.cmsg_level,
                             .cmsg_type = tc.cmsg_type};
        memcpy(h + off, &hc, sizeof(hc));
        cmsg_convert(tc.cmsg_level, tc.cmsg_type, h + off + sizeof(hc),
                     g + off + sizeof(tc), n, true);
        off += TARGET_CMSG_ALIGN(tc.cmsg_len);
    }
    free(g);
    m->h.msg_control = h;
    m->h.msg_controllen = len;
    return 0;
}

/* Close the fds of an SCM_RIGHTS payload the guest will not see. */
static void close_fds(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + sizeof(int) <= n; i += sizeof(int)) {
        int fd;
        memcpy(&fd, p + i, sizeof(fd));
        close(fd);
    }
}

/* Received host control messages -> the guest's buffer; returns the
 * bytes used, and sets MSG_CTRUNC in *flags when some did not fit. */
static int64_t control_to_target(HostMsg *m, int *flags)
{
    uint64_t cap = m->g_controllen;
    uint64_t used = 0;
    if (!m->h.msg_control) {
        return 0;
    }
    uint8_t *out = calloc(1, cap ? cap : 1);
    if (!out) {
        return -ENOMEM;
    }
    for (struct cmsghdr *hc = CMSG_FIRSTHDR(&m->h); hc;
         hc = CMSG_NXTHDR(&m->h, hc)) {
        size_t n = hc->cmsg_len - CMSG_LEN(0);
        bool rights =
            hc->cmsg_level == SOL_SOCKET && hc->cmsg_type == SCM_RIGHTS;
        if (cap - used < sizeof(target_cmsghdr)) {
            *flags |= MSG_CTRUNC;
            if (rights) {
                close_fds(CMSG_DATA(hc), n);
            }
            continue;
        }
        size_t room = cap - used - sizeof(target_cmsghdr);
        size_t fit = n <= room ? n : room;
        if (rights) {
            fit -= fit % sizeof(int32_t);
            close_fds(CMSG_DATA(hc) + fit, n - fit);
        }
        if (fit < n) {
            *flags |= MSG_CTRUNC;
        }
        target_cmsghdr tc = {.cmsg_len = sizeof(tc) + fit,
                             .cmsg_level = hc->cmsg_level,
                             .cmsg_type = hc->cmsg_type};
        memcpy(out + used, &tc, sizeof(tc));
        uint8_t *tmp = malloc(n ? n : 1);
        if (!tmp) {
            free(out);
            return -ENOMEM;
        }
        cmsg_convert(hc->cmsg_level, hc->cmsg_type, tmp, CMSG_DATA(hc), n,
                     false);
        memcpy(out + used + sizeof(tc), tmp, fit);
        free(tmp);
        used += TARGET_CMSG_ALIGN(tc.cmsg_len);
        if (used > cap) {
            used = cap;
        }
    }
    int r = used && guest_copy_to(m->g_control, out, used) ? -EFAULT : 0;
    free(out);
    return r < 0 ? r : (int64_t)used;
}

/* Guest msghdr -> HostMsg, for a send or a receive. */
static int msg_to_host(HostMsg *m, const target_msghdr *t, bool recv)
{
    memset(m, 0, sizeof(*m));
    if (t->msg_namelen < 0) {
        return -EINVAL;
    }
    if (t->msg_iovlen > TARGET_UIO_MAXIOV) {
        return -EMSGSIZE;
    }
    if (recv) {
        if (t->msg_name) {
            m->g_name = t->msg_name;
            m->g_namecap = (uint32_t)t->msg_namelen;
            m->h.msg_name = &m->addr;
            m->h.msg_namelen = sizeof(m->addr);
        }
    } else if (t->msg_name && t->msg_namelen) {
        /* Longer names are cut to sockaddr_storage, not refused. */
        uint32_t len = (uint32_t)t->msg_namelen < TARGET_SOCKADDR_MAX
                           ? (uint32_t)t->msg_namelen
                           : TARGET_SOCKADDR_MAX;
        socklen_t hlen;
        int r = sock_get_addr(t->msg_name, len, &m->addr, &hlen);
        if (r < 0) {
            return r;
        }
        m->h.msg_name = &m->addr;
        m->h.msg_namelen = hlen;
    }
    if (t->msg_iovlen) {
        int n = sys_get_iovec(t->msg_iov, (int64_t)t->msg_iovlen, recv,
                              &m->h.msg_iov);
        if (n < 0) {
            return n;
        }
        m->h.msg_iovlen = (size_t)n;
    }
    if (recv) {
        if (t->msg_control && t->msg_controllen) {
            size_t n = t->msg_controllen < CONTROL_MAX ? t->msg_controllen
                                                       : CONTROL_MAX;
            if (!guest_range_ok(t->msg_control, n, PAGE_WRITE)) {
                msg_free(m);
                return -EFAULT;
            }
            m->h.msg_control = calloc(1, n);
            if (!m->h.msg_control) {
                msg_free(m);
                return -ENOMEM;
            }
            m->h.msg_controllen = n;
            m->g_control = t->msg_control;
            m->g_controllen = n;
        }
    } else if (t->msg_controllen) {
        int r = control_to_host(m, t->msg_control, t->msg_controllen);
        if (r < 0) {
            msg_free(m);
            return r;
        }
    }
    return 0;
}

/* After a receive: name, control messages, flags into the guest's
 * msghdr at addr. */
static int msg_to_target(HostMsg *m, uint64_t addr)
{
    int flags = m->h.msg_flags;
    if (m->g_name) {
        int r = sock_put_addr(m->g_name,
                              addr + offsetof(target_msghdr, msg_namelen),
                              m->g_namecap, &m->addr, m->h.msg_namelen);
        if (r < 0) {
            return r;
        }
    }
    int64_t used = control_to_target(m, &flags);
    if (used < 0) {
        return (int)used;
    }
    uint64_t tl = (uint64_t)used;
    uint32_t tf = (uint32_t)flags;
    if (guest_copy_to(addr + offsetof(target_msghdr, msg_controllen), &tl,
                      sizeof(tl)) != 0 ||
        guest_copy_to(addr + offsetof(target_msghdr, msg_flags), &tf,
                      sizeof(tf)) != 0) {
        return -EFAULT;
    }
    return 0;
}

int64_t sys_sendmsg(SyscallCtx *c, const uint64_t *a)
{
    target_msghdr t;
    if (guest_copy_from(&t, a[1], sizeof(t)) != 0) {
        return -EFAULT;
    }
    HostMsg m;
    int r = msg_to_host(&m, &t, false);
    if (r < 0) {
        return r;
    }
    int64_t ret = sys_ret(sendmsg((int)a[0], &m.h, (int)a[2]));
    msg_free(&m);
    return ret;
}

int64_t sys_recvmsg(SyscallCtx *c, const uint64_t *a)
{
    target_msghdr t;
    if (guest_copy_from(&t, a[1], sizeof(t)) != 0) {
        return -EFAULT;
    }
    HostMsg m;
    int r = msg_to_host(&m, &t, true);
    if (r < 0) {
        return r;
    }
    ssize_t n = recvmsg((int)a[0], &m.h, (int)a[2]);
    int64_t ret = n < 0 ? sys_errno() : n;
    if (n >= 0) {
        r = msg_to_target(&m, a[1]);
        if (r < 0) {
            ret = r;
        }
    }
    msg_free(&m);
    return ret;
}

/* The guest's mmsghdr array -> HostMsgs and host mmsghdrs. */
static int mmsg_to_host(uint64_t addr, unsigned vlen, bool recv, HostMsg **pm,
                        struct mmsghdr **ph)
{
    HostMsg *m = calloc(vlen ? vlen : 1, sizeof(*m));
    struct mmsghdr *h = calloc(vlen ? vlen : 1, sizeof(*h));
    if (!m || !h) {
        free(m);
        free(h);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < vlen; i++) {
        target_mmsghdr t;
        int r = guest_copy_from(&t, addr + (uint64_t)i * sizeof(t), sizeof(t))
                    ? -EFAULT
                    : msg_to_host(&m[i], &t.msg_hdr, recv);
        if (r < 0) {
            for (unsigned j = 0; j < i; j++) {
                msg_free(&m[j]);
            }
            free(m);
            free(h);
            return r;
        }
        h[i].msg_hdr = m[i].h;
    }
    *pm = m;
    *ph = h;
    return 0;
}

static int mmsg_put_len(uint64_t addr, unsigned i, unsigned len)
{
    uint32_t t = len;
    return guest_copy_to(addr + (uint64_t)i * sizeof(target_mmsghdr) +
                             offsetof(target_mmsghdr, msg_len),
                         &t, sizeof(t));
}

int64_t sys_sendmmsg(SyscallCtx *c, const uint64_t *a)
{
    unsigned vlen = (unsigned)a[2];
    if (vlen > TARGET_UIO_MAXIOV) {
        vlen = TARGET_UIO_MAXIOV;
    }
    HostMsg *m;
    struct mmsghdr *h;
    int r = mmsg_to_host(a[1], vlen, false, &m, &h);
    if (r < 0) {
        return r;
    }
    int n = sendmmsg((int)a[0], h, vlen, (int)a[3]);
    int64_t ret = n < 0 ? sys_errno() : n;
    for (int i = 0; i < n; i++) {
        mmsg_put_len(a[1], (unsigned)i, h[i].msg_len);
    }
    for (unsigned i = 0; i < vlen; i++) {
        msg_free(&m[i]);
    }
    free(m);
    free(h);
    return ret;
}

int64_t sys_recvmmsg(SyscallCtx *c, const uint64_t *a)
{
    unsigned vlen = (unsigned)a[2];
    if (vlen > TARGET_UIO_MAXIOV) {
        vlen = TARGET_UIO_MAXIOV;
    }
    struct timespec ts, *tsp = NULL;
    if (a[4]) {
        if (get_timespec(&ts, a[4]) < 0) {
            return -EFAULT;
        }
        tsp = &ts;
    }
    HostMsg *m;
    struct mmsghdr *h;
    int r = mmsg_to_host(a[1], vlen, true, &m, &h);
    if (r < 0) {
        return r;
    }
    int n = recvmmsg((int)a[0], h, vlen, (int)a[3], tsp);
    int64_t ret = n < 0 ? sys_errno() : n;
    for (int i = 0; i < n; i++) {
        m[i].h = h[i].msg_hdr;
        uint64_t ga = a[1] + (uint64_t)i * sizeof(target_mmsghdr);
        if (msg_to_target(&m[i], ga) != 0 ||
            mmsg_put_len(a[1], (unsigned)i, h[i].msg_len) != 0) {
            ret = i ? i : -EFAULT;
            break;
        }
    }
    for (unsigned i = 0; i < vlen; i++) {
        m[i].h.msg_control = h[i].msg_hdr.msg_control;
        msg_free(&m[i]);
    }
    if (tsp && n > 0 && put_timespec(a[4], tsp) < 0) {
        ret = -EFAULT;
    }
    free(m);
    free(h);
    return ret;
}

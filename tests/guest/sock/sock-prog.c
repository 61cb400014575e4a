/*
 * Sockets, event descriptors and the other descriptor calls, as a guest
 * program: built for riscv64 and aarch64 (static and dynamic) and
 * natively; test-glibc.py requires identical output. Everything printed
 * is independent of timing, port numbers, pids and temporary names (those
 * are compared, not printed), so the native run is the expectation.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("FAIL %s:%d: %s (errno %s)\n", __func__, __LINE__, #cond,  \
                   strerrorname_np(errno));                                    \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static const char *ename(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "?";
}

/* "result errno-name" of a call that returns -1 and sets errno; the call
 * is evaluated before errno is read (argument order is unspecified). */
static const char *res(long r)
{
    static char bufs[4][64];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, 64, "%ld %s", r, r < 0 ? ename(errno) : "ok");
    return b;
}

static char tmpdir[64];

/* --- TCP echo between a forked child and the parent --------------------- */

static void test_tcp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(ls >= 0);
    int one = 1;
    CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    CHECK(listen(ls, 4) == 0);
    struct sockaddr_in bound;
    socklen_t blen = sizeof(bound);
    CHECK(getsockname(ls, (struct sockaddr *)&bound, &blen) == 0);
    printf("tcp: bound len %u family %d addr %s port nonzero %d\n",
           (unsigned)blen, bound.sin_family, inet_ntoa(bound.sin_addr),
           bound.sin_port != 0);
    int v = -1;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0);
    printf("tcp: SO_ACCEPTCONN %d len %u\n", v, (unsigned)vl);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
    printf("tcp: SO_TYPE %d\n", v);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0);
    printf("tcp: SO_DOMAIN %d\n", v);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0);
    printf("tcp: SO_PROTOCOL %d\n", v);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&bound, sizeof(bound)) != 0) {
            _exit(10);
        }
        int nd = 1;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof(nd));
        const char msg[] = "hello over tcp";
        if (send(s, msg, sizeof(msg), 0) != sizeof(msg)) {
            _exit(11);
        }
        char buf[64];
        size_t got = 0;
        while (got < sizeof(msg)) {
            ssize_t n = recv(s, buf + got, sizeof(buf) - got, 0);
            if (n <= 0) {
                _exit(12);
            }
            got += (size_t)n;
        }
        if (memcmp(buf, "HELLO OVER TCP", sizeof(msg)) != 0) {
            _exit(13);
        }
        shutdown(s, SHUT_WR);
        _exit(recv(s, buf, sizeof(buf), 0) == 0 ? 0 : 14);
    }
    struct sockaddr_in peer;
    socklen_t plen = sizeof(peer);
    int c = accept4(ls, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    CHECK(c >= 0);
    printf("tcp: accept peer len %u family %d addr %s cloexec %d\n",
           (unsigned)plen, peer.sin_family, inet_ntoa(peer.sin_addr),
           (fcntl(c, F_GETFD) & FD_CLOEXEC) != 0);
    struct sockaddr_in gp;
    socklen_t gplen = sizeof(gp);
    CHECK(getpeername(c, (struct sockaddr *)&gp, &gplen) == 0);
    printf("tcp: getpeername same as accept %d\n",
           gplen == plen && gp.sin_port == peer.sin_port &&
               gp.sin_addr.s_addr == peer.sin_addr.s_addr);
    /* A short buffer: truncated, full length reported. */
    struct sockaddr_storage small = {.ss_family = 0xffff};
    socklen_t slen = 4;
    CHECK(getsockname(c, (struct sockaddr *)&small, &slen) == 0);
    printf("tcp: short getsockname len %u family %d\n", (unsigned)slen,
           small.ss_family);
    int nd = -1;
    socklen_t ndl = sizeof(nd);
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
    CHECK(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nd, &ndl) == 0);
    printf("tcp: TCP_NODELAY %d\n", nd != 0);
    char buf[64];
    size_t got = 0;
    while (got < 15) {
        ssize_t n = recv(c, buf + got, sizeof(buf) - got, 0);
        CHECK(n > 0);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    printf("tcp: server got \"%s\"\n", buf);
    int avail = -1;
    CHECK(ioctl(c, FIONREAD, &avail) == 0);
    printf("tcp: FIONREAD after reading all %d\n", avail);
    for (size_t i = 0; i < got; i++) {
        if (buf[i] >= 'a' && buf[i] <= 'z') {
            buf[i] -= 32;
        }
    }
    CHECK(send(c, buf, got, MSG_NOSIGNAL) == (ssize_t)got);
    ssize_t eof = recv(c, buf, sizeof(buf), 0);
    printf("tcp: eof after client shutdown %zd\n", eof);
    close(c);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("tcp: child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(ls);
}

/* --- UDP: sendto/recvfrom, sendmsg/recvmsg, sendmmsg/recvmmsg ------------ */

static void test_udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0);
    int b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECK(a >= 0 && b >= 0);
    printf("udp: nonblock flag %d\n", (fcntl(b, F_GETFL) & O_NONBLOCK) != 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(a, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    CHECK(bind(b, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    struct sockaddr_in aa, ba;
    socklen_t l = sizeof(aa);
    CHECK(getsockname(a, (struct sockaddr *)&aa, &l) == 0);
    l = sizeof(ba);
    CHECK(getsockname(b, (struct sockaddr *)&ba, &l) == 0);

    char buf[64];
    ssize_t n = recv(b, buf, sizeof(buf), 0);
    printf("udp: empty nonblocking recv %s\n", res(n));

    CHECK(sendto(a, "datagram one", 12, 0, (struct sockaddr *)&ba,
                 sizeof(ba)) == 12);
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    struct pollfd pfd = {.fd = b, .events = POLLIN};
    CHECK(poll(&pfd, 1, 5000) == 1);
    n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
    printf("udp: recvfrom %zd \"%.*s\" len %u from a %d\n", n, (int)n, buf,
           (unsigned)fl, from.sin_port == aa.sin_port &&
                             from.sin_addr.s_addr == aa.sin_addr.s_addr);

    /* Scatter/gather through msghdr, with a peek first. */
    struct iovec out[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    struct msghdr m = {.msg_name = &ba, .msg_namelen = sizeof(ba),
                       .msg_iov = out, .msg_iovlen = 3};
    /* Too long a name: sendto refuses it, sendmsg cuts it. */
    struct sockaddr_storage bigname[2];
    memset(bigname, 0, sizeof(bigname));
    memcpy(bigname, &ba, sizeof(ba));
    printf("udp: sendto with a 200-byte name %s\n",
           res(sendto(a, "x", 1, 0, (struct sockaddr *)bigname, 200)));
    struct msghdr big = {.msg_name = bigname, .msg_namelen = 200,
                         .msg_iov = out, .msg_iovlen = 1};
    printf("udp: sendmsg with a 200-byte name %s\n", res(sendmsg(a, &big, 0)));
    CHECK(poll(&pfd, 1, 5000) == 1);
    CHECK(recv(b, buf, sizeof(buf), 0) == 3);
    CHECK(sendmsg(a, &m, 0) == 8);
    CHECK(poll(&pfd, 1, 5000) == 1);
    char p1[2], p2[10];
    struct iovec in[2] = {{p1, sizeof(p1)}, {p2, sizeof(p2)}};
    struct sockaddr_in src;
    struct msghdr r = {.msg_name = &src, .msg_namelen = sizeof(src),
                       .msg_iov = in, .msg_iovlen = 2};
    n = recvmsg(b, &r, MSG_PEEK);
    printf("udp: peek %zd\n", n);
    n = recvmsg(b, &r, 0);
    printf("udp: recvmsg %zd \"%.2s|%.6s\" namelen %u from a %d flags %#x\n",
           n, p1, p2, (unsigned)r.msg_namelen, src.sin_port == aa.sin_port,
           r.msg_flags);
    /* Truncation: a 3-byte buffer for an 8-byte datagram. */
    CHECK(sendmsg(a, &m, 0) == 8);
    CHECK(poll(&pfd, 1, 5000) == 1);
    struct iovec tiny = {p2, 3};
    struct msghdr t = {.msg_iov = &tiny, .msg_iovlen = 1};
    n = recvmsg(b, &t, MSG_TRUNC);
    printf("udp: truncated %zd flags has MSG_TRUNC %d\n", n,
           (t.msg_flags & MSG_TRUNC) != 0);

    /* Several datagrams at once. */
    struct mmsghdr mm[3];
    struct iovec mv[3] = {{"one", 3}, {"two!", 4}, {"three", 5}};
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 3; i++) {
        mm[i].msg_hdr.msg_name = &ba;
        mm[i].msg_hdr.msg_namelen = sizeof(ba);
        mm[i].msg_hdr.msg_iov = &mv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    int k = sendmmsg(a, mm, 3, 0);
    printf("udp: sendmmsg %d lens %u %u %u\n", k, mm[0].msg_len,
           mm[1].msg_len, mm[2].msg_len);
    char rb[3][16];
    struct iovec rv[3];
    struct mmsghdr rm[3];
    memset(rm, 0, sizeof(rm));
    for (int i = 0; i < 3; i++) {
        rv[i] = (struct iovec){rb[i], sizeof(rb[i])};
        rm[i].msg_hdr.msg_iov = &rv[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(poll(&pfd, 1, 5000) == 1);
    usleep(20000); /* let all three arrive; the count is checked below */
    struct timespec to = {5, 0};
    k = recvmmsg(b, rm, 3, 0, &to);
    printf("udp: recvmmsg %d:", k);
    for (int i = 0; i < k; i++) {
        printf(" %.*s", (int)rm[i].msg_len, rb[i]);
    }
    printf("\n");
    close(a);
    close(b);
}

/* --- AF_UNIX: socketpair, SCM_RIGHTS, SCM_CREDENTIALS, paths ------------- */

static void test_unix(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct ucred cr;
    socklen_t crl = sizeof(cr);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0);
    printf("unix: SO_PEERCRED len %u pid ok %d uid ok %d gid ok %d\n",
           (unsigned)crl, cr.pid == getpid(), cr.uid == getuid(),
           cr.gid == getgid());

    /* Pass a pipe's read end. */
    int p[2];
    CHECK(pipe(p) == 0);
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = {"F", 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = ctl.buf,
                       .msg_controllen = CMSG_SPACE(sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    CHECK(sendmsg(sv[0], &m, 0) == 1);

    char ch;
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } rctl;
    struct iovec riov = {&ch, 1};
    struct msghdr r = {.msg_iov = &riov, .msg_iovlen = 1,
                       .msg_control = rctl.buf,
                       .msg_controllen = sizeof(rctl.buf)};
    CHECK(recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC) == 1);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&r);
    int got = -1;
    printf("unix: rights controllen %zu level %d type %d len %zu\n",
           (size_t)r.msg_controllen, rc ? rc->cmsg_level : -1,
           rc ? rc->cmsg_type : -1, rc ? (size_t)rc->cmsg_len : 0);
    if (rc) {
        memcpy(&got, CMSG_DATA(rc), sizeof(got));
    }
    CHECK(got >= 0 && got != p[0]);
    printf("unix: received fd cloexec %d\n",
           (fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(write(p[1], "through the pipe", 16) == 16);
    char buf[32] = {0};
    CHECK(read(got, buf, sizeof(buf)) == 16);
    printf("unix: read from passed fd \"%s\"\n", buf);
    close(got);

    /* Two fds into room for one: one arrives, MSG_CTRUNC. */
    m.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int two[2] = {p[0], p[1]};
    memcpy(CMSG_DATA(c), two, sizeof(two));
    CHECK(sendmsg(sv[0], &m, 0) == 1);
    r.msg_controllen = CMSG_LEN(sizeof(int));
    CHECK(recvmsg(sv[1], &r, 0) == 1);
    rc = CMSG_FIRSTHDR(&r);
    printf("unix: short control: ctrunc %d controllen %zu cmsg_len %zu\n",
           (r.msg_flags & MSG_CTRUNC) != 0, (size_t)r.msg_controllen,
           rc ? (size_t)rc->cmsg_len : 0);
    if (rc) {
        memcpy(&got, CMSG_DATA(rc), sizeof(got));
        CHECK(fcntl(got, F_GETFD) >= 0);
        close(got);
    }

    /* Credentials: SO_PASSCRED on the receiver, explicit ones sent. */
    int on = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0);
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } cctl;
    memset(&cctl, 0, sizeof(cctl));
    struct msghdr cm = {.msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = cctl.buf,
                        .msg_controllen = sizeof(cctl.buf)};
    c = CMSG_FIRSTHDR(&cm);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred mine = {getpid(), getuid(), getgid()};
    memcpy(CMSG_DATA(c), &mine, sizeof(mine));
    CHECK(sendmsg(sv[0], &cm, 0) == 1);
    r.msg_controllen = sizeof(rctl.buf);
    CHECK(recvmsg(sv[1], &r, 0) == 1);
    rc = CMSG_FIRSTHDR(&r);
    struct ucred theirs = {0, 0, 0};
    if (rc && rc->cmsg_type == SCM_CREDENTIALS) {
        memcpy(&theirs, CMSG_DATA(rc), sizeof(theirs));
    }
    printf("unix: credentials type %d len %zu pid ok %d uid ok %d gid ok %d\n",
           rc ? rc->cmsg_type : -1, rc ? (size_t)rc->cmsg_len : 0,
           theirs.pid == getpid(), theirs.uid == getuid(),
           theirs.gid == getgid());
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);

    /* A named socket: sun_path is a host path. */
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    snprintf(un.sun_path, sizeof(un.sun_path), "%s/sock", tmpdir);
    socklen_t unlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                  strlen(un.sun_path) + 1);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&un, unlen) == 0);
    CHECK(listen(ls, 1) == 0);
    struct stat st;
    printf("unix: socket file exists %d\n",
           stat(un.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
    int cs = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(cs, (struct sockaddr *)&un, unlen) == 0);
    struct sockaddr_un acc;
    socklen_t al = sizeof(acc);
    int as = accept(ls, (struct sockaddr *)&acc, &al);
    CHECK(as >= 0);
    printf("unix: accepted unnamed peer len %u\n", (unsigned)al);
    struct sockaddr_un pn;
    socklen_t pl = sizeof(pn);
    CHECK(getpeername(cs, (struct sockaddr *)&pn, &pl) == 0);
    printf("unix: getpeername len ok %d path ok %d\n", pl == unlen,
           strcmp(pn.sun_path, un.sun_path) == 0);
    close(as);
    close(cs);
    close(ls);
    unlink(un.sun_path);

    /* An abstract name: no file, the length delimits it. */
    struct sockaddr_un ab = {.sun_family = AF_UNIX};
    int len = snprintf(ab.sun_path + 1, sizeof(ab.sun_path) - 1,
                       "vemu-sock-test-%d", (int)getpid());
    socklen_t ablen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                  1 + (size_t)len);
    int ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(ds, (struct sockaddr *)&ab, ablen) == 0);
    struct sockaddr_un gn;
    socklen_t gl = sizeof(gn);
    CHECK(getsockname(ds, (struct sockaddr *)&gn, &gl) == 0);
    printf("unix: abstract name round trip %d\n",
           gl == ablen && memcmp(&gn, &ab, ablen) == 0);
    close(ds);
}

/* --- option round trips ---------------------------------------------------- */

static void test_sockopt(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int v = 65536, g = 0;
    socklen_t gl = sizeof(g);
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &g, &gl) == 0);
    printf("opt: SO_RCVBUF set %d got %d len %u\n", v, g, (unsigned)gl);

    struct linger li = {1, 7}, lg = {0, 0};
    socklen_t ll = sizeof(lg);
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &li, sizeof(li)) == 0);
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &ll) == 0);
    printf("opt: SO_LINGER %d %d len %u\n", lg.l_onoff, lg.l_linger,
           (unsigned)ll);
    int half = -1;
    ll = sizeof(half);
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &half, &ll) == 0);
    printf("opt: SO_LINGER into 4 bytes: len %u onoff %d\n", (unsigned)ll,
           half);
    errno = 0;
    printf("opt: SO_LINGER short set %s\n",
           res(setsockopt(s, SOL_SOCKET, SO_LINGER, &li, 4)));

    struct timeval tv = {0, 50000}, tg = {0, 0};
    socklen_t tl = sizeof(tg);
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tg, &tl) == 0);
    printf("opt: SO_RCVTIMEO %ld.%06ld len %u\n", (long)tg.tv_sec,
           (long)tg.tv_usec, (unsigned)tl);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    char b[4];
    errno = 0;
    ssize_t n = recv(s, b, sizeof(b), 0);
    printf("opt: recv with timeout %s\n", res(n));

    struct timeval sv = {3, 250000};
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &sv, sizeof(sv)) == 0);
    tl = sizeof(tg);
    CHECK(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tg, &tl) == 0);
    printf("opt: SO_SNDTIMEO %ld.%06ld\n", (long)tg.tv_sec, (long)tg.tv_usec);

    int ttl = 33;
    CHECK(setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == 0);
    ttl = 0;
    gl = sizeof(ttl);
    CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, &ttl, &gl) == 0);
    printf("opt: IP_TTL %d\n", ttl);
    unsigned char mttl = 0;
    gl = 1;
    CHECK(getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, &gl) == 0);
    printf("opt: IP_MULTICAST_TTL as a byte %u len %u\n", mttl,
           (unsigned)gl);
    errno = 0;
    gl = sizeof(g);
    printf("opt: unknown option %s\n",
           res(getsockopt(s, SOL_SOCKET, 9999, &g, &gl)));
    errno = 0;
    gl = (socklen_t)-1;
    printf("opt: negative length %s\n",
           res(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &g, &gl)));
    gl = (socklen_t)-1;
    printf("opt: unknown option, negative length %s\n",
           res(getsockopt(s, SOL_SOCKET, 9999, &g, &gl)));
    printf("opt: set unknown option, negative length %s\n",
           res(setsockopt(s, SOL_SOCKET, 9999, &g, (socklen_t)-1)));
    printf("opt: set unknown option %s\n",
           res(setsockopt(s, SOL_SOCKET, 9999, &g, sizeof(g))));
    close(s);

    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (s6 >= 0) {
        int on = 1, got6 = 0;
        gl = sizeof(got6);
        CHECK(setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) ==
              0);
        CHECK(getsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &got6, &gl) == 0);
        printf("opt: IPV6_V6ONLY %d\n", got6);
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
                                  .sin6_addr = IN6ADDR_LOOPBACK_INIT};
        int br = bind(s6, (struct sockaddr *)&a6, sizeof(a6));
        struct sockaddr_in6 g6;
        socklen_t l6 = sizeof(g6);
        if (br == 0 && getsockname(s6, (struct sockaddr *)&g6, &l6) == 0) {
            printf("opt: in6 name len %u loopback %d\n", (unsigned)l6,
                   memcmp(&g6.sin6_addr, &in6addr_loopback, 16) == 0);
        } else {
            printf("opt: in6 name len 28 loopback 1\n"); /* no IPv6 here */
        }
        close(s6);
    } else {
        printf("opt: IPV6_V6ONLY 1\nopt: in6 name len 28 loopback 1\n");
    }
}

/* --- epoll ------------------------------------------------------------------ */

static int cmp_ev(const void *a, const void *b)
{
    const struct epoll_event *x = a, *y = b;
    return x->data.u64 < y->data.u64 ? -1 : x->data.u64 > y->data.u64;
}

static void print_events(const char *what, struct epoll_event *ev, int n)
{
    qsort(ev, n > 0 ? (size_t)n : 0, sizeof(ev[0]), cmp_ev);
    printf("epoll: %s: %d", what, n);
    for (int i = 0; i < n; i++) {
        printf(" [%#llx %#x]", (unsigned long long)ev[i].data.u64,
               ev[i].events);
    }
    printf("\n");
}

static void test_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    printf("epoll: cloexec %d\n", (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
    int p1[2], p2[2];
    CHECK(pipe(p1) == 0 && pipe(p2) == 0);
    int ev = eventfd(0, EFD_NONBLOCK);
    struct epoll_event e = {.events = EPOLLIN | EPOLLET,
                            .data.u64 = 0x1122334455667788ull};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p1[0], &e) == 0);
    e = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x20};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p2[0], &e) == 0);
    e = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x30};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) == 0);
    errno = 0;
    printf("epoll: add twice %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e)));

    struct epoll_event out[8];
    int n = epoll_wait(ep, out, 8, 0);
    print_events("nothing ready", out, n);
    CHECK(write(p1[1], "x", 1) == 1);
    uint64_t one = 1;
    CHECK(write(ev, &one, 8) == 8);
    n = epoll_wait(ep, out, 8, 1000);
    print_events("pipe1 and eventfd", out, n);
    n = epoll_wait(ep, out, 8, 0);
    print_events("again: edge-triggered pipe1 quiet", out, n);
    CHECK(write(p1[1], "y", 1) == 1);
    n = epoll_wait(ep, out, 8, 0);
    print_events("new data on pipe1", out, n);
    n = epoll_wait(ep, out, 1, 0);
    printf("epoll: maxevents 1 gives %d\n", n);
    e = (struct epoll_event){.events = EPOLLOUT, .data.u64 = 0x31};
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, ev, &e) == 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p1[0], NULL) == 0);
    sigset_t ss;
    sigemptyset(&ss);
    n = epoll_pwait(ep, out, 8, 0, &ss);
    print_events("after MOD and DEL (pwait)", out, n);
    struct timespec zero = {0, 0};
    n = epoll_pwait2(ep, out, 8, &zero, NULL);
    print_events("epoll_pwait2", out, n);
    errno = 0;
    printf("epoll: maxevents 0 %s\n", res(epoll_wait(ep, out, 0, 0)));
    close(ep);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
    close(ev);
}

/* --- eventfd, timerfd, signalfd -------------------------------------------- */

static void test_eventfd(void)
{
    int fd = eventfd(3, EFD_CLOEXEC);
    uint64_t v = 4;
    CHECK(write(fd, &v, 8) == 8);
    CHECK(read(fd, &v, 8) == 8);
    printf("eventfd: counter %llu cloexec %d\n", (unsigned long long)v,
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    close(fd);
    fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t a = 0, b = 0;
    CHECK(read(fd, &a, 8) == 8);
    CHECK(read(fd, &b, 8) == 8);
    errno = 0;
    ssize_t r = read(fd, &v, 8);
    printf("eventfd: semaphore %llu %llu then %s\n",
           (unsigned long long)a, (unsigned long long)b, res(r));
    errno = 0;
    r = read(fd, &v, 4);
    printf("eventfd: short read %s\n", res(r));
    close(fd);
}

static void test_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(fd >= 0);
    struct itimerspec it = {.it_value = {0, 10 * 1000 * 1000}};
    CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
    uint64_t count = 0;
    CHECK(read(fd, &count, 8) == 8);
    printf("timerfd: one-shot expirations %llu\n", (unsigned long long)count);

    it = (struct itimerspec){.it_value = {0, 1000 * 1000},
                             .it_interval = {0, 1000 * 1000}};
    struct itimerspec old;
    CHECK(timerfd_settime(fd, 0, &it, &old) == 0);
    printf("timerfd: old setting %ld %ld\n", (long)old.it_value.tv_sec,
           (long)old.it_value.tv_nsec);
    struct timespec nap = {0, 60 * 1000 * 1000};
    nanosleep(&nap, NULL);
    CHECK(read(fd, &count, 8) == 8);
    printf("timerfd: periodic expirations >= 50: %d\n", count >= 50);

    it = (struct itimerspec){.it_value = {100, 0}, .it_interval = {7, 5}};
    CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
    struct itimerspec cur;
    CHECK(timerfd_gettime(fd, &cur) == 0);
    printf("timerfd: interval %ld.%09ld value in (99, 100]: %d\n",
           (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec,
           cur.it_value.tv_sec == 99 ||
               (cur.it_value.tv_sec == 100 && cur.it_value.tv_nsec == 0));
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    it = (struct itimerspec){.it_value = {now.tv_sec - 1, 0}};
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &it, NULL) == 0);
    CHECK(read(fd, &count, 8) == 8);
    printf("timerfd: absolute time in the past %llu\n",
           (unsigned long long)count);
    close(fd);
}

static void test_signalfd(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    CHECK(fd >= 0);
    struct signalfd_siginfo si;
    errno = 0;
    ssize_t r = read(fd, &si, sizeof(si));
    printf("signalfd: nothing pending %s\n", res(r));
    CHECK(kill(getpid(), SIGUSR1) == 0);
    memset(&si, 0, sizeof(si));
    r = read(fd, &si, sizeof(si));
    printf("signalfd: read %zd signo %u code %d pid ok %d uid ok %d\n", r,
           si.ssi_signo, si.ssi_code, si.ssi_pid == (uint32_t)getpid(),
           si.ssi_uid == (uint32_t)getuid());
    errno = 0;
    r = read(fd, &si, 10);
    printf("signalfd: short read %s\n", res(r));
    close(fd);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
}

/* --- pselect6 ---------------------------------------------------------------- */

static void test_select(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timespec ts = {0, 20 * 1000 * 1000};
    int n = pselect(p[0] + 1, &rs, NULL, NULL, &ts, NULL);
    printf("select: timeout %d isset %d\n", n, FD_ISSET(p[0], &rs));
    CHECK(write(p[1], "z", 1) == 1);
    /* A high fd: the sets span more than one word. */
    int hi = dup2(p[0], 100);
    CHECK(hi == 100);
    FD_ZERO(&rs);
    FD_SET(hi, &rs);
    fd_set ws;
    FD_ZERO(&ws);
    FD_SET(p[1], &ws);
    sigset_t none;
    sigemptyset(&none);
    ts = (struct timespec){1, 0};
    n = pselect(hi + 1, &rs, &ws, NULL, &ts, &none);
    printf("select: ready %d read %d write %d\n", n, FD_ISSET(hi, &rs),
           FD_ISSET(p[1], &ws));
    struct timeval tv = {0, 1000};
    FD_ZERO(&rs);
    FD_SET(p[1], &rs);
    n = select(p[1] + 1, &rs, NULL, NULL, &tv);
    printf("select: plain select timeout %d\n", n);
    errno = 0;
    printf("select: negative nfds %s\n",
           res(select(-1, NULL, NULL, NULL, &tv)));
    close(hi);
    close(p[0]);
    close(p[1]);
}

/* --- splice, tee, sendfile, copy_file_range --------------------------------- */

static void test_splice(void)
{
    char path[96];
    snprintf(path, sizeof(path), "%s/src", tmpdir);
    int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(f >= 0);
    const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    CHECK(write(f, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);

    int p[2];
    CHECK(pipe(p) == 0);
    off_t off = 10;
    ssize_t n = sendfile(p[1], f, &off, 6);
    char buf[64] = {0};
    CHECK(read(p[0], buf, sizeof(buf)) == n);
    printf("sendfile: %zd \"%s\" offset now %ld\n", n, buf, (long)off);

    int q[2];
    CHECK(pipe(q) == 0);
    CHECK(write(p[1], "tee-me", 6) == 6);
    n = tee(p[0], q[1], 100, 0);
    memset(buf, 0, sizeof(buf));
    CHECK(read(q[0], buf, sizeof(buf)) == n);
    printf("tee: %zd \"%s\"\n", n, buf);

    char dpath[96];
    snprintf(dpath, sizeof(dpath), "%s/dst", tmpdir);
    int d = open(dpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    loff_t doff = 4;
    n = splice(p[0], NULL, d, &doff, 6, SPLICE_F_MOVE);
    printf("splice: %zd offset now %lld\n", n, (long long)doff);
    memset(buf, 0, sizeof(buf));
    CHECK(pread(d, buf, sizeof(buf), 0) == 10);
    for (int i = 0; i < 10; i++) {
        if (!buf[i]) {
            buf[i] = '.';
        }
    }
    printf("splice: file \"%s\"\n", buf);

    loff_t in = 26, out = 2;
    n = copy_file_range(f, &in, d, &out, 5, 0);
    printf("copy_file_range: %zd in %lld out %lld\n", n, (long long)in,
           (long long)out);
    memset(buf, 0, sizeof(buf));
    CHECK(pread(d, buf, sizeof(buf), 0) == 10);
    for (int i = 0; i < 10; i++) {
        if (!buf[i]) {
            buf[i] = '.';
        }
    }
    printf("copy_file_range: file \"%s\"\n", buf);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    close(f);
    close(d);
    unlink(path);
    unlink(dpath);
}

/* --- memfd, close_range, inotify, ioctl ------------------------------------ */

static void test_memfd(void)
{
    int fd = memfd_create("vemu-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 8192) == 0);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    strcpy(m + 4096, "written through the map");
    char buf[32] = {0};
    CHECK(pread(fd, buf, 23, 4096) == 23);
    printf("memfd: \"%s\" cloexec %d\n", buf,
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0);
    errno = 0;
    const char *shrink = res(ftruncate(fd, 4096));
    printf("memfd: shrink after seal %s seals %#x\n", shrink,
           fcntl(fd, F_GET_SEALS));
    munmap(m, 8192);
    close(fd);
    char longname[300];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    errno = 0;
    printf("memfd: long name %s\n", res(memfd_create(longname, 0)));
}

static void test_close_range(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    for (int fd = 200; fd <= 205; fd++) {
        CHECK(dup2(p[0], fd) == fd);
    }
    CHECK(close_range(200, 202, 0) == 0);
    CHECK(close_range(203, 205, CLOSE_RANGE_CLOEXEC) == 0);
    printf("close_range:");
    for (int fd = 200; fd <= 205; fd++) {
        int r = fcntl(fd, F_GETFD);
        printf(" %d", r < 0 ? -errno : r);
    }
    printf("\n");
    CHECK(close_range(203, ~0u, 0) == 0);
    printf("close_range: 205 after closing to the end %d\n",
           fcntl(205, F_GETFD) < 0);
    close(p[0]);
    close(p[1]);
}

static void test_inotify(void)
{
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(in >= 0);
    int wd = inotify_add_watch(in, tmpdir, IN_CREATE | IN_DELETE);
    CHECK(wd >= 0);
    char path[96];
    snprintf(path, sizeof(path), "%s/newfile", tmpdir);
    int f = open(path, O_WRONLY | O_CREAT, 0600);
    close(f);
    unlink(path);
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n = read(in, buf, sizeof(buf));
    for (ssize_t off = 0; off < n;) {
        struct inotify_event *e = (struct inotify_event *)(buf + off);
        printf("inotify: wd ok %d mask %#x name \"%s\"\n", e->wd == wd,
               e->mask, e->len ? e->name : "");
        off += (ssize_t)sizeof(*e) + e->len;
    }
    CHECK(inotify_rm_watch(in, wd) == 0);
    errno = 0;
    printf("inotify: rm again %s\n", res(inotify_rm_watch(in, wd)));
    close(in);
}

static void test_ioctl(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "12345", 5) == 5);
    int n = -1;
    CHECK(ioctl(p[0], FIONREAD, &n) == 0);
    printf("ioctl: FIONREAD %d\n", n);
    int on = 1;
    CHECK(ioctl(p[0], FIONBIO, &on) == 0);
    char buf[8];
    CHECK(read(p[0], buf, sizeof(buf)) == 5);
    errno = 0;
    printf("ioctl: after FIONBIO %s\n", res(read(p[0], buf, sizeof(buf))));
    CHECK(ioctl(p[0], FIOCLEX) == 0);
    int a = fcntl(p[0], F_GETFD);
    CHECK(ioctl(p[0], FIONCLEX) == 0);
    printf("ioctl: FIOCLEX %d FIONCLEX %d\n", a, fcntl(p[0], F_GETFD));
    int off = 0;
    printf("ioctl: FIOASYNC %d\n", ioctl(p[0], FIOASYNC, &off));
    close(p[0]);
    close(p[1]);
}

/* --- prctl and scheduling ---------------------------------------------------- */

static void test_task(void)
{
    char name[32] = {0};
    CHECK(prctl(PR_SET_NAME, "sock-prog-with-a-long-name") == 0);
    CHECK(prctl(PR_GET_NAME, name) == 0);
    printf("prctl: name \"%s\"\n", name);
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    int sub = -1;
    CHECK(prctl(PR_GET_CHILD_SUBREAPER, &sub) == 0);
    printf("prctl: subreaper %d\n", sub);
    printf("prctl: no_new_privs before %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0,
                                                     0, 0, 0));
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    printf("prctl: no_new_privs after %d\n",
           prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("prctl: dumpable %d\n", prctl(PR_GET_DUMPABLE));
    errno = 0;
    printf("prctl: unknown option %s\n", res(prctl(9999, 0, 0, 0, 0)));

    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
    printf("sched: affinity count > 0: %d\n", CPU_COUNT(&set) > 0);
    CHECK(sched_setaffinity(0, sizeof(set), &set) == 0);
    unsigned cpu = ~0u, node = ~0u;
    CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
    printf("sched: getcpu in the mask %d\n",
           cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set));
    printf("sched: yield %d\n", sched_yield());
    long q = syscall(SYS_membarrier, 0, 0, 0);
    printf("membarrier: query has GLOBAL %d\n", q >= 0 && (q & 1));
    printf("membarrier: register private expedited %ld\n",
           syscall(SYS_membarrier, 16, 0, 0));
    printf("membarrier: private expedited %ld\n",
           syscall(SYS_membarrier, 8, 0, 0));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/vemu-sock-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_tcp();
    test_udp();
    test_unix();
    test_sockopt();
    test_epoll();
    test_eventfd();
    test_timerfd();
    test_signalfd();
    test_select();
    test_splice();
    test_memfd();
    test_close_range();
    test_inotify();
    test_ioctl();
    test_task();
    rmdir(tmpdir);
    printf("done, %d failures\n", failures);
    return failures != 0;
}

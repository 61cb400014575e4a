/*
 * Guest-visible socket and event-descriptor ABI of the asm-generic 64-bit
 * Linux guests (riscv64, aarch64): the constants the socket calls, epoll,
 * eventfd, timerfd, signalfd and friends take, and the structures they
 * exchange (sockaddrs, msghdr, cmsghdr, linger, ucred, epoll_event,
 * itimerspec, signalfd_siginfo), as explicit fixed-width layouts checked
 * against the kernel's uapi headers (linux/socket.h, asm-generic/socket.h,
 * linux/in.h, linux/in6.h, linux/un.h, linux/netlink.h, linux/eventpoll.h,
 * linux/signalfd.h). Kept apart from target-structs.h so that the
 * descriptor families can grow without touching the core structures.
 */
#ifndef VEMU_LINUX_USER_GENERIC_TARGET_SOCKET_H
#define VEMU_LINUX_USER_GENERIC_TARGET_SOCKET_H

#include "linux-user/generic/target-siginfo.h"
#include "linux-user/generic/target-structs.h"

/* Address families (linux/socket.h: the same on every architecture). */
#define TARGET_AF_UNSPEC 0
#define TARGET_AF_UNIX 1
#define TARGET_AF_INET 2
#define TARGET_AF_INET6 10
#define TARGET_AF_NETLINK 16
#define TARGET_AF_PACKET 17

/* Socket types (asm-generic; only MIPS differs) and the type flags, which
 * are O_NONBLOCK and O_CLOEXEC of asm-generic/fcntl.h. */
#define TARGET_SOCK_STREAM 1
#define TARGET_SOCK_DGRAM 2
#define TARGET_SOCK_RAW 3
#define TARGET_SOCK_RDM 4
#define TARGET_SOCK_SEQPACKET 5
#define TARGET_SOCK_DCCP 6
#define TARGET_SOCK_PACKET 10
#define TARGET_SOCK_TYPE_MASK 0xf
#define TARGET_SOCK_NONBLOCK 00004000
#define TARGET_SOCK_CLOEXEC 02000000

/* send/recv flags (linux/socket.h, arch-independent). */
#define TARGET_MSG_OOB 0x1
#define TARGET_MSG_PEEK 0x2
#define TARGET_MSG_DONTROUTE 0x4
#define TARGET_MSG_CTRUNC 0x8
#define TARGET_MSG_PROXY 0x10
#define TARGET_MSG_TRUNC 0x20
#define TARGET_MSG_DONTWAIT 0x40
#define TARGET_MSG_EOR 0x80
#define TARGET_MSG_WAITALL 0x100
#define TARGET_MSG_FIN 0x200
#define TARGET_MSG_SYN 0x400
#define TARGET_MSG_CONFIRM 0x800
#define TARGET_MSG_RST 0x1000
#define TARGET_MSG_ERRQUEUE 0x2000
#define TARGET_MSG_NOSIGNAL 0x4000
#define TARGET_MSG_MORE 0x8000
#define TARGET_MSG_WAITFORONE 0x10000
#define TARGET_MSG_BATCH 0x40000
#define TARGET_MSG_ZEROCOPY 0x4000000
#define TARGET_MSG_FASTOPEN 0x20000000
#define TARGET_MSG_CMSG_CLOEXEC 0x40000000

/* Option levels. SOL_SOCKET is 1 in asm-generic (0xffff on some others);
 * the protocol levels are protocol numbers. */
#define TARGET_SOL_SOCKET 1
#define TARGET_SOL_IP 0
#define TARGET_SOL_TCP 6
#define TARGET_SOL_UDP 17
#define TARGET_SOL_IPV6 41
#define TARGET_SOL_NETLINK 270

/* asm-generic/socket.h SOL_SOCKET options (64-bit: the _OLD timeval
 * options are the plain ones). */
#define TARGET_SO_DEBUG 1
#define TARGET_SO_REUSEADDR 2
#define TARGET_SO_TYPE 3
#define TARGET_SO_ERROR 4
#define TARGET_SO_DONTROUTE 5
#define TARGET_SO_BROADCAST 6
#define TARGET_SO_SNDBUF 7
#define TARGET_SO_RCVBUF 8
#define TARGET_SO_KEEPALIVE 9
#define TARGET_SO_OOBINLINE 10
#define TARGET_SO_NO_CHECK 11
#define TARGET_SO_PRIORITY 12
#define TARGET_SO_LINGER 13
#define TARGET_SO_BSDCOMPAT 14
#define TARGET_SO_REUSEPORT 15
#define TARGET_SO_PASSCRED 16
#define TARGET_SO_PEERCRED 17
#define TARGET_SO_RCVLOWAT 18
#define TARGET_SO_SNDLOWAT 19
#define TARGET_SO_RCVTIMEO_OLD 20
#define TARGET_SO_SNDTIMEO_OLD 21
#define TARGET_SO_BINDTODEVICE 25
#define TARGET_SO_ATTACH_FILTER 26
#define TARGET_SO_DETACH_FILTER 27
#define TARGET_SO_TIMESTAMP_OLD 29
#define TARGET_SO_ACCEPTCONN 30
#define TARGET_SO_SNDBUFFORCE 32
#define TARGET_SO_RCVBUFFORCE 33
#define TARGET_SO_PASSSEC 34
#define TARGET_SO_TIMESTAMPNS_OLD 35
#define TARGET_SO_MARK 36
#define TARGET_SO_PROTOCOL 38
#define TARGET_SO_DOMAIN 39
#define TARGET_SO_RXQ_OVFL 40
#define TARGET_SO_PEEK_OFF 42
#define TARGET_SO_BUSY_POLL 46
#define TARGET_SO_INCOMING_CPU 49
#define TARGET_SO_ZEROCOPY 60
#define TARGET_SO_BINDTOIFINDEX 62
#define TARGET_SO_TIMESTAMP_NEW 63
#define TARGET_SO_TIMESTAMPNS_NEW 64
#define TARGET_SO_RCVTIMEO_NEW 66
#define TARGET_SO_SNDTIMEO_NEW 67

/* Control message types at SOL_SOCKET (SCM_TIMESTAMP* are the SO_
 * numbers). */
#define TARGET_SCM_RIGHTS 1
#define TARGET_SCM_CREDENTIALS 2

/* shutdown. */
#define TARGET_SHUT_RD 0
#define TARGET_SHUT_WR 1
#define TARGET_SHUT_RDWR 2

/* Generic sockaddr: the family, then family-specific bytes. 128 is
 * sizeof(struct sockaddr_storage), the most any call accepts. */
#define TARGET_SOCKADDR_MAX 128

typedef struct target_sockaddr_in {
    uint16_t sin_family;
    uint16_t sin_port; /* network order, as is sin_addr */
    uint32_t sin_addr;
    uint8_t sin_zero[8];
} target_sockaddr_in;
TARGET_CHECK(target_sockaddr_in, sin_port, 2);
TARGET_CHECK(target_sockaddr_in, sin_addr, 4);
TARGET_SIZE(target_sockaddr_in, 16);

typedef struct target_sockaddr_in6 {
    uint16_t sin6_family;
    uint16_t sin6_port;
    uint32_t sin6_flowinfo;
    uint8_t sin6_addr[16];
    uint32_t sin6_scope_id;
} target_sockaddr_in6;
TARGET_CHECK(target_sockaddr_in6, sin6_flowinfo, 4);
TARGET_CHECK(target_sockaddr_in6, sin6_addr, 8);
TARGET_CHECK(target_sockaddr_in6, sin6_scope_id, 24);
TARGET_SIZE(target_sockaddr_in6, 28);

#define TARGET_UNIX_PATH_MAX 108
typedef struct target_sockaddr_un {
    uint16_t sun_family;
    char sun_path[TARGET_UNIX_PATH_MAX];
} target_sockaddr_un;
TARGET_SIZE(target_sockaddr_un, 110);

typedef struct target_sockaddr_nl {
    uint16_t nl_family;
    uint16_t nl_pad;
    uint32_t nl_pid;
    uint32_t nl_groups;
} target_sockaddr_nl;
TARGET_CHECK(target_sockaddr_nl, nl_pid, 4);
TARGET_SIZE(target_sockaddr_nl, 12);

/* struct user_msghdr with 64-bit pointers and sizes. */
typedef struct target_msghdr {
    uint64_t msg_name;
    int32_t msg_namelen;
    int32_t pad0;
    uint64_t msg_iov;
    uint64_t msg_iovlen;
    uint64_t msg_control;
    uint64_t msg_controllen;
    uint32_t msg_flags;
    uint32_t pad1;
} target_msghdr;
TARGET_CHECK(target_msghdr, msg_iov, 16);
TARGET_CHECK(target_msghdr, msg_iovlen, 24);
TARGET_CHECK(target_msghdr, msg_control, 32);
TARGET_CHECK(target_msghdr, msg_controllen, 40);
TARGET_CHECK(target_msghdr, msg_flags, 48);
TARGET_SIZE(target_msghdr, 56);

typedef struct target_mmsghdr {
    target_msghdr msg_hdr;
    uint32_t msg_len;
    uint32_t pad;
} target_mmsghdr;
TARGET_CHECK(target_mmsghdr, msg_len, 56);
TARGET_SIZE(target_mmsghdr, 64);

/* struct cmsghdr: a size_t length, then level and type; data follows,
 * and records are aligned to sizeof(long). */
typedef struct target_cmsghdr {
    uint64_t cmsg_len;
    int32_t cmsg_level;
    int32_t cmsg_type;
} target_cmsghdr;
TARGET_SIZE(target_cmsghdr, 16);
#define TARGET_CMSG_ALIGN(n) (((n) + 7) & ~(uint64_t)7)

typedef struct target_linger {
    int32_t l_onoff;
    int32_t l_linger;
} target_linger;
TARGET_SIZE(target_linger, 8);

typedef struct target_ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
} target_ucred;
TARGET_SIZE(target_ucred, 12);

/* struct sock_fprog (SO_ATTACH_FILTER); the filter's 8-byte sock_filter
 * instructions have the same layout everywhere. */
typedef struct target_sock_fprog {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;
} target_sock_fprog;
TARGET_CHECK(target_sock_fprog, filter, 8);
TARGET_SIZE(target_sock_fprog, 16);

/* epoll (linux/eventpoll.h). Only x86-64 packs struct epoll_event; the
 * guests' has a 4-byte hole before the 64-bit data. */
#define TARGET_EPOLL_CLOEXEC 02000000
#define TARGET_EPOLL_CTL_ADD 1
#define TARGET_EPOLL_CTL_DEL 2
#define TARGET_EPOLL_CTL_MOD 3
typedef struct target_epoll_event {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} target_epoll_event;
TARGET_CHECK(target_epoll_event, data, 8);
TARGET_SIZE(target_epoll_event, 16);

/* eventfd, timerfd, signalfd, inotify flags: O_CLOEXEC and O_NONBLOCK of
 * asm-generic/fcntl.h (plus EFD_SEMAPHORE). */
#define TARGET_EFD_SEMAPHORE 1
#define TARGET_EFD_CLOEXEC 02000000
#define TARGET_EFD_NONBLOCK 00004000
#define TARGET_TFD_CLOEXEC 02000000
#define TARGET_TFD_NONBLOCK 00004000
#define TARGET_TFD_TIMER_ABSTIME 1
#define TARGET_TFD_TIMER_CANCEL_ON_SET 2
#define TARGET_SFD_CLOEXEC 02000000
#define TARGET_SFD_NONBLOCK 00004000
#define TARGET_IN_CLOEXEC 02000000
#define TARGET_IN_NONBLOCK 00004000

/* target_itimerspec (timerfd) is in target-siginfo.h with the timers. */

/* linux/signalfd.h: fixed-width fields, 128 bytes on every
 * architecture. */
typedef struct target_signalfd_siginfo {
    uint32_t ssi_signo;
    int32_t ssi_errno;
    int32_t ssi_code;
    uint32_t ssi_pid;
    uint32_t ssi_uid;
    int32_t ssi_fd;
    uint32_t ssi_tid;
    uint32_t ssi_band;
    uint32_t ssi_overrun;
    uint32_t ssi_trapno;
    int32_t ssi_status;
    int32_t ssi_int;
    uint64_t ssi_ptr;
    uint64_t ssi_utime;
    uint64_t ssi_stime;
    uint64_t ssi_addr;
    uint16_t ssi_addr_lsb;
    uint16_t pad2;
    int32_t ssi_syscall;
    uint64_t ssi_call_addr;
    uint32_t ssi_arch;
    uint8_t pad[28];
} target_signalfd_siginfo;
TARGET_CHECK(target_signalfd_siginfo, ssi_ptr, 48);
TARGET_CHECK(target_signalfd_siginfo, ssi_addr, 72);
TARGET_CHECK(target_signalfd_siginfo, ssi_addr_lsb, 80);
TARGET_CHECK(target_signalfd_siginfo, ssi_syscall, 84);
TARGET_CHECK(target_signalfd_siginfo, ssi_call_addr, 88);
TARGET_CHECK(target_signalfd_siginfo, ssi_arch, 96);
TARGET_SIZE(target_signalfd_siginfo, 128);

/* splice family (linux/splice.h), memfd (linux/memfd.h), close_range
 * (linux/close_range.h), membarrier (linux/membarrier.h). */
#define TARGET_SPLICE_F_MOVE 1
#define TARGET_SPLICE_F_NONBLOCK 2
#define TARGET_SPLICE_F_MORE 4
#define TARGET_SPLICE_F_GIFT 8
#define TARGET_MFD_CLOEXEC 1
#define TARGET_MFD_ALLOW_SEALING 2
#define TARGET_MFD_HUGETLB 4
#define TARGET_MFD_NOEXEC_SEAL 8
#define TARGET_MFD_EXEC 0x10
#define TARGET_CLOSE_RANGE_UNSHARE 2
#define TARGET_CLOSE_RANGE_CLOEXEC 4
#define TARGET_MEMBARRIER_CMD_QUERY 0

/* FIOASYNC (asm-generic/ioctls.h); FIONREAD, FIONBIO and FIO[N]CLEX are
 * in target-consts.h. */
#define TARGET_FIOASYNC 0x5452

/* linux/prctl.h options beyond target-consts.h's. */
#define TARGET_PR_SET_CHILD_SUBREAPER 36
#define TARGET_PR_GET_CHILD_SUBREAPER 37
#define TARGET_PR_SET_NO_NEW_PRIVS 38
#define TARGET_PR_GET_NO_NEW_PRIVS 39

#endif

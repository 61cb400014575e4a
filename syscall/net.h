/*
 * Shared by the socket and event-descriptor topic files (socket.c,
 * sockaddr.c, sockopt.c, sockmsg.c, event.c, ...) and -strace: the
 * argument kinds they add, the sockaddr and iovec converters they share,
 * and the strace decoder for those kinds. The kinds start at 0x80 so that
 * they never collide with the core list in internal.h as it grows.
 */
#ifndef VEMU_SYSCALL_NET_H
#define VEMU_SYSCALL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "linux-user/generic/target-socket.h"
#include "syscall/syscall.h"

enum {
    ARG_NET_FIRST = 0x80,
    ARG_SOCK_DOMAIN = ARG_NET_FIRST, /* AF_INET, ... */
    ARG_SOCK_TYPE,                   /* SOCK_STREAM|SOCK_CLOEXEC */
    ARG_SOCKADDR_KIND,               /* guest sockaddr, length in PARAM */
    ARG_SOCKOPT_LEVEL,               /* SOL_SOCKET, SOL_TCP, ... */
    ARG_SOCKOPT_NAME_KIND,           /* SO_RCVBUF, ...: level in PARAM */
    ARG_MSG_FLAGS,                   /* MSG_DONTWAIT|... */
    ARG_SHUT_HOW,
    ARG_FLAGS_SOCK, /* accept4: SOCK_NONBLOCK|SOCK_CLOEXEC */
    ARG_EPOLL_OP,
    ARG_FLAGS_FDNEW, /* *_CLOEXEC|*_NONBLOCK of eventfd, timerfd, ... */
    ARG_FLAGS_EFD,   /* eventfd2: also EFD_SEMAPHORE */
    ARG_FLAGS_TFD_SET,
    ARG_FLAGS_SPLICE,
    ARG_FLAGS_MFD,
    ARG_INOTIFY_MASK,
    ARG_MEMBARRIER_CMD,
};
#define ARG_SOCKADDR(len_arg) (ARG_SOCKADDR_KIND | ((len_arg) << 8))
#define ARG_SOCKOPT_NAME(level_arg) (ARG_SOCKOPT_NAME_KIND | ((level_arg) << 8))

/* strace-net.c: the text for argument i of kind >= ARG_NET_FIRST. */
void strace_net_arg(char *buf, size_t size, const SyscallArch *arch,
                    unsigned kind, const uint64_t *a, int i);

/*
 * sockaddr.c. A guest address of len bytes into *h (len checked as the
 * kernel does: 0..128), giving its host length: 0 or -errno.
 */
int sock_get_addr(uint64_t addr, uint64_t len, struct sockaddr_storage *h,
                  socklen_t *hlen);
/* The guest's buffer length at lenp, checked before a call that returns
 * an address: 0 or -EFAULT/-EINVAL. */
int sock_get_addrlen(uint64_t lenp, uint32_t *out);
/* Host address *h of hlen bytes to a guest buffer of cap bytes
 * (truncated as the kernel does), its full length to lenp. */
int sock_put_addr(uint64_t addr, uint64_t lenp, uint32_t cap,
                  const struct sockaddr_storage *h, socklen_t hlen);
/* Host address to its guest bytes (out[TARGET_SOCKADDR_MAX]); returns
 * the guest length. */
size_t sock_addr_to_target(uint8_t *out, const struct sockaddr_storage *h,
                           socklen_t hlen);

/* socket.c: SOCK_NONBLOCK/SOCK_CLOEXEC between guest and host. */
extern const SyscallFlag sock_type_flags[];

/* files.c: guest iovec array -> host iovecs over checked guest memory
 * (count, or -EINVAL/-EFAULT/-ENOMEM; free *out after). */
struct iovec;
int sys_get_iovec(uint64_t addr, int64_t count, bool write, struct iovec **out);

/* event.c: a read of n bytes from a signalfd into guest memory at addr
 * (records converted), or -ENOTSUP when fd is no signalfd. */
int64_t signalfd_read(int fd, uint64_t addr, uint64_t n);

/* task.c: prctl options beyond process.c's (which calls this for the
 * rest); -EINVAL for unknown ones. */
typedef struct SyscallCtx SyscallCtx;
int64_t sys_prctl_more(SyscallCtx *c, const uint64_t *a);

/* sockopt.c: an option's name for -strace, or NULL. */
const char *sockopt_name(int level, int name);

#endif

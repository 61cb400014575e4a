/*
 * Files under /proc whose host contents would describe the host rather
 * than the guest, generated instead: /proc/cpuinfo (the guest
 * architecture's text, from SyscallArch.cpuinfo, so programs that parse
 * it for CPU features see the guest's, e.g. "Features" on arm64). The
 * generated file is a memfd reopened read-only, which reads, seeks, stats
 * and mmaps like the real thing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall/internal.h"

int sys_proc_open(const SyscallArch *arch, const char *guest_path, int flags)
{
    const char *text;
    size_t len, done = 0;
    char self[64];
    int fd;

    if (strcmp(guest_path, "/proc/cpuinfo") != 0 || !arch->cpuinfo) {
        return -ENOENT;
    }
    if ((flags & O_ACCMODE) != O_RDONLY) {
        return -EACCES;
    }
    text = arch->cpuinfo();
    len = strlen(text);
    fd = memfd_create("cpuinfo", MFD_CLOEXEC);
    if (fd < 0) {
        return sys_errno();
    }
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n <= 0) {
            close(fd);
            return -EIO;
        }
        done += (size_t)n;
    }
    /* Reopen read-only, at offset 0, with the guest's flags (O_CLOEXEC). */
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    int ro = open(self, O_RDONLY | (flags & O_CLOEXEC));
    close(fd);
    return ro < 0 ? sys_errno() : ro;
}

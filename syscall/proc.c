/*
 * Files under /proc whose host contents would describe vemu rather than
 * the guest, generated instead from a table of path -> generator:
 * - /proc/cpuinfo: the guest architecture's text (SyscallArch.cpuinfo), so
 *   programs that parse it for CPU features see the guest's;
 * - /proc/<self>/maps: the guest's mappings at guest addresses, in the
 *   kernel's exact line format;
 * - /proc/<self>/auxv, cmdline: what the guest's exec left on its stack;
 * - /proc/<self>/stat: the host's line with the fields that locate the
 *   program (stack, brk, argv and environment) at guest addresses.
 * <self> is "self", "thread-self", our pid or our pid's task/<tid>: the
 * same files of another process (another vemu, or not) are its host
 * files. A generated file is a memfd reopened read-only, which reads,
 * seeks, stats and mmaps like the real thing; it is a snapshot taken at
 * open, where the kernel generates on read, which no reader can tell
 * apart when it opens, reads and closes.
 *
 * maps is the guest page map (the truth about what the guest mapped and
 * with which protection, PROT_EXEC included) laid over the host's own
 * /proc/self/maps for the parts the host knows better: file offsets,
 * device and inode numbers, and the file name (shown as the guest sees it
 * through the sysroot, "(deleted)" and memfd names included). Host
 * mappings are split where vemu changes host protections behind the
 * guest's back (write-protected code pages, PROT_EXEC pages that are host
 * PROT_READ); consecutive pieces with equal guest protection and the same
 * object at contiguous offsets are merged back, as the kernel merges them.
 * The program and its interpreter are copied in by the loader, so the
 * host sees anonymous memory there: labels recorded at load time
 * (syscall_note_images, guest_mem_label) name those ranges after their
 * files, with the offsets and numbers the kernel's own mappings would
 * have.
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux-user/sysroot.h"
#include "loader/elf-load.h"
#include "syscall/internal.h"

/* ---- the guest's initial stack, recorded at start-up ---- */

static struct {
    bool ready;
    uint64_t start_stack;
    uint64_t arg_start, arg_end, env_start, env_end;
    uint8_t *auxv;
    size_t auxv_len;
} proc_info;

static bool read_word(uint64_t addr, uint64_t *out)
{
    return guest_copy_from(out, addr, sizeof(*out)) == 0;
}

/* End (one past the NUL) of the guest string at addr, or 0. */
static uint64_t string_end(uint64_t addr)
{
    char buf[4096];
    ssize_t n = guest_strncpy_from(buf, addr, sizeof(buf));
    if (n >= 0) {
        return addr + (uint64_t)n + 1;
    }
    /* Longer than the buffer: walk it a page at a time. */
    for (uint64_t at = addr; n == -ENAMETOOLONG;) {
        at += sizeof(buf) - 1;
        n = guest_strncpy_from(buf, at, sizeof(buf));
        if (n >= 0) {
            return at + (uint64_t)n + 1;
        }
    }
    return 0;
}

/* Bounds of the strings of a NULL-terminated pointer array at *at (which
 * moves past the NULL). The kernel lays them out in order, contiguous. */
static bool string_array(uint64_t *at, uint64_t *first, uint64_t *end)
{
    uint64_t p;
    *first = *end = 0;
    for (;; *at += 8) {
        if (!read_word(*at, &p)) {
            return false;
        }
        if (p == 0) {
            *at += 8;
            return true;
        }
        if (*first == 0) {
            *first = p;
        }
        uint64_t e = string_end(p);
        if (e == 0) {
            return false;
        }
        *end = e;
    }
}

void syscall_set_initial_stack(uint64_t sp, const char *comm)
{
    uint64_t at = sp + 8; /* argc, then argv[] */
    uint64_t argc;
    free(proc_info.auxv);
    memset(&proc_info, 0, sizeof(proc_info));
    proc_info.start_stack = sp;
    if (!read_word(sp, &argc) ||
        !string_array(&at, &proc_info.arg_start, &proc_info.arg_end) ||
        !string_array(&at, &proc_info.env_start, &proc_info.env_end)) {
        return;
    }
    if (proc_info.arg_start == 0) {
        proc_info.arg_start = proc_info.arg_end = proc_info.env_start;
    }
    if (proc_info.env_start == 0) {
        proc_info.env_start = proc_info.env_end = proc_info.arg_end;
    }
    /* auxv: pairs up to and including AT_NULL, kept as the bytes are. */
    uint64_t pair[2];
    size_t n = 0;
    do {
        if (guest_copy_from(pair, at + n * 16, 16) != 0 || n > 1024) {
            return;
        }
        n++;
    } while (pair[0] != 0);
    proc_info.auxv = malloc(n * 16);
    if (!proc_info.auxv || guest_copy_from(proc_info.auxv, at, n * 16)) {
        free(proc_info.auxv);
        proc_info.auxv = NULL;
        return;
    }
    proc_info.auxv_len = n * 16;
    proc_info.ready = true;
    /* What exec gives the kernel's comm: /proc/self/comm, status, stat's
     * second field and ps all name the guest program, not vemu. */
    if (comm) {
        const char *base = strrchr(comm, '/');
        prctl(PR_SET_NAME, (unsigned long)(base ? base + 1 : comm), 0, 0, 0);
    }
}

/* ---- the loaded images ---- */

/* Label the file-backed part of each PT_LOAD of the 64-bit ELF image at
 * host_path, loaded with bias, as the kernel would have mapped it. */
static void note_image(const char *host_path, uint64_t bias)
{
    int fd = open(host_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    Elf64_Ehdr eh;
    struct stat st;
    char real[PATH_MAX];
    if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256 ||
        fstat(fd, &st) != 0 || !sysroot_realpath(host_path, real)) {
        close(fd);
        return;
    }
    const char *name = sysroot_guest_view(real);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
            sizeof(ph)) {
            break;
        }
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0) {
            continue;
        }
        uint64_t start = (bias + ph.p_vaddr) & GUEST_PAGE_MASK;
        uint64_t end = (bias + ph.p_vaddr + ph.p_filesz + GUEST_PAGE_SIZE - 1) &
                       GUEST_PAGE_MASK;
        guest_mem_label(start, end, st.st_dev, st.st_ino,
                        ph.p_offset & GUEST_PAGE_MASK, name);
    }
    close(fd);
}

void syscall_note_images(const char *exe_host_path, const ImageInfo *info)
{
    note_image(exe_host_path, info->load_bias);
    if (info->interp_path[0]) {
        char host[PATH_MAX];
        if (sysroot_resolve(info->interp_path, host, sizeof(host)) == 0) {
            note_image(host, info->interp_bias);
        }
    }
}

/* ---- generators: append the file's contents to out, or -errno ---- */

static int gen_cpuinfo(const SyscallArch *arch, GString *out)
{
    g_string_append(out, arch->cpuinfo());
    return 0;
}

static int gen_auxv(const SyscallArch *arch, GString *out)
{
    if (!proc_info.ready) {
        return -ENOENT;
    }
    g_string_append_len(out, (const char *)proc_info.auxv,
                        (gssize)proc_info.auxv_len);
    return 0;
}

/* The argument area as it is now (programs may rewrite it, as
 * setproctitle does), like the kernel, which reads the process's memory. */
static int gen_cmdline(const SyscallArch *arch, GString *out)
{
    if (!proc_info.ready) {
        return -ENOENT;
    }
    size_t len = proc_info.arg_end - proc_info.arg_start;
    char *buf = malloc(len ? len : 1);
    if (!buf) {
        return -ENOMEM;
    }
    if (guest_copy_from(buf, proc_info.arg_start, len) == 0) {
        g_string_append_len(out, buf, (gssize)len);
    }
    free(buf);
    return 0;
}

/* Whole host file (of /proc: size 0 in stat, so read to the end). */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    GString *s = g_string_new(NULL);
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    close(fd);
    *len = s->len;
    return g_string_free(s, FALSE);
}

/* stat fields (1-based, as proc(5) numbers them) replaced by guest values
 * when the process looks at itself. */
static int gen_stat(const SyscallArch *arch, GString *out)
{
    size_t len;
    char *host = slurp("/proc/self/stat", &len);
    if (!host) {
        return -EIO;
    }
    /* The comm field may hold spaces and parentheses: it ends at the
     * last ')'. Fields from 3 on are space separated. */
    char *close_paren = strrchr(host, ')');
    if (!close_paren || !proc_info.ready) {
        g_string_append(out, host);
        g_free(host);
        return 0;
    }
    uint64_t brk_start, brk_cur;
    guest_brk_range(&brk_start, &brk_cur);
    g_string_append_len(out, host, close_paren + 1 - host);
    char *rest = close_paren + 1;
    char *save = NULL;
    int field = 3;
    for (char *tok = strtok_r(rest, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save), field++) {
        uint64_t v;
        bool replace = true;
        switch (field) {
        case 28:
            v = proc_info.start_stack;
            break;
        case 47:
            v = brk_start;
            break;
        case 48:
            v = proc_info.arg_start;
            break;
        case 49:
            v = proc_info.arg_end;
            break;
        case 50:
            v = proc_info.env_start;
            break;
        case 51:
            v = proc_info.env_end;
            break;
        default:
            replace = false;
            v = 0;
        }
        if (replace) {
            g_string_append_printf(out, " %" PRIu64, v);
        } else {
            g_string_append_c(out, ' ');
            g_string_append(out, tok);
        }
    }
    g_string_append_c(out, '\n');
    g_free(host);
    return 0;
}

/* ---- maps ---- */

typedef struct HostVma {
    uint64_t start, end, offset; /* host addresses */
    char dev[16];
    uint64_t inode;
    const char *name; /* into the slurped text; "" if none */
} HostVma;

typedef struct GuestRun {
    uint64_t start, end;
    int flags;
} GuestRun;

static void collect_run(void *opaque, uint64_t start, uint64_t end, int flags)
{
    GArray *runs = opaque;
    GuestRun r = {start, end, flags};
    g_array_append_val(runs, r);
}

/* Parse the host's maps text in place into vmas inside [lo, hi). */
static GArray *parse_host_maps(char *text, uint64_t lo, uint64_t hi)
{
    GArray *vmas = g_array_new(FALSE, FALSE, sizeof(HostVma));
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        HostVma v = {0};
        int name_at = 0;
        unsigned long long s, e, off, ino;
        if (sscanf(line, "%llx-%llx %*4s %llx %15s %llu %n", &s, &e, &off,
                   v.dev, &ino, &name_at) < 5) {
            continue;
        }
        if (e <= lo || s >= hi) {
            continue;
        }
        v.start = s;
        v.end = e;
        v.offset = off;
        v.inode = ino;
        v.name = name_at ? line + name_at : "";
        g_array_append_val(vmas, v);
    }
    return vmas;
}

/* One line being built: merged with the next piece when the kernel would
 * have one vma for both. */
typedef struct MapsLine {
    bool open;
    uint64_t start, end, offset, inode;
    int flags;
    const char *dev, *name;
    char dev_buf[16]; /* dev, when the line makes it */
} MapsLine;

static void line_flush(GString *out, MapsLine *l)
{
    if (!l->open) {
        return;
    }
    size_t at = out->len;
    g_string_append_printf(
        out,
        "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %s %" PRIu64 " ",
        l->start, l->end, l->flags & PAGE_READ ? 'r' : '-',
        l->flags & PAGE_WRITE ? 'w' : '-', l->flags & PAGE_EXEC ? 'x' : '-',
        l->flags & PAGE_SHARED ? 's' : 'p', l->offset, l->dev, l->inode);
    if (l->name[0]) {
        /* The kernel pads the header to 72 columns, then one space. */
        while (out->len - at < 72) {
            g_string_append_c(out, ' ');
        }
        g_string_append_c(out, ' ');
        g_string_append(out, l->name);
    }
    g_string_append_c(out, '\n');
    l->open = false;
}

/* The flag bits a maps line shows. PAGE_ANON is not one of them: the
 * loader maps an image's whole pages from its file and copies the partial
 * ones, and the kernel shows such a segment as one line. */
#define MAPS_SHOWN_FLAGS (PAGE_READ | PAGE_WRITE | PAGE_EXEC | PAGE_SHARED)

static void line_add(GString *out, MapsLine *l, const MapsLine *piece)
{
    if (l->open && l->end == piece->start &&
        (l->flags & MAPS_SHOWN_FLAGS) == (piece->flags & MAPS_SHOWN_FLAGS) &&
        l->inode == piece->inode && !strcmp(l->dev, piece->dev) &&
        !strcmp(l->name, piece->name) &&
        (piece->inode == 0 ||
         l->offset + (l->end - l->start) == piece->offset)) {
        l->end = piece->end;
        return;
    }
    line_flush(out, l);
    *l = *piece;
    if (piece->dev == piece->dev_buf) {
        l->dev = l->dev_buf;
    }
    l->open = true;
}

static const char *anon_name(uint64_t start, uint64_t end, uint64_t brk_start,
                             uint64_t brk_cur)
{
    /* The kernel's tests: the vma holding the start of the stack, and the
     * one(s) between start_brk and brk. */
    if (proc_info.ready && start <= proc_info.start_stack &&
        proc_info.start_stack < end) {
        return "[stack]";
    }
    if (brk_start && start <= brk_cur && end >= brk_start &&
        brk_cur > brk_start) {
        return "[heap]";
    }
    return "";
}

/* Name an anonymous piece: after the file the loader copied there (cut
 * at the label's ends), else [stack] or [heap] as the kernel would. */
static void label_piece(MapsLine *piece, const GuestMemLabel *labels, size_t n,
                        size_t *li, uint64_t brk_start, uint64_t brk_cur)
{
    while (*li < n && labels[*li].end <= piece->start) {
        (*li)++;
    }
    if (*li < n && labels[*li].start <= piece->start) {
        const GuestMemLabel *l = &labels[*li];
        if (l->end < piece->end) {
            piece->end = l->end;
        }
        snprintf(piece->dev_buf, sizeof(piece->dev_buf), "%02x:%02x",
                 major(l->dev), minor(l->dev));
        piece->dev = piece->dev_buf;
        piece->inode = l->ino;
        piece->offset = l->offset + (piece->start - l->start);
        piece->name = l->name;
        return;
    }
    if (*li < n && labels[*li].start < piece->end) {
        piece->end = labels[*li].start;
    }
    piece->name = anon_name(piece->start, piece->end, brk_start, brk_cur);
}

static int gen_maps(const SyscallArch *arch, GString *out)
{
    size_t len;
    char *text = slurp("/proc/self/maps", &len);
    if (!text) {
        return -EIO;
    }
    uint64_t base = (uint64_t)(uintptr_t)g2h(0);
    GArray *vmas = parse_host_maps(text, base, base + guest_mem_limit());
    GArray *runs = g_array_new(FALSE, FALSE, sizeof(GuestRun));
    guest_mem_walk(collect_run, runs);
    uint64_t brk_start, brk_cur;
    guest_brk_range(&brk_start, &brk_cur);
    GuestMemLabel *labels = NULL;
    size_t nlabels = guest_mem_labels(&labels), li = 0;
    /* Host names live until text is freed; guest views of them in here. */
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

    MapsLine line = {0};
    size_t vi = 0;
    for (size_t ri = 0; ri < runs->len; ri++) {
        const GuestRun *r = &g_array_index(runs, GuestRun, ri);
        uint64_t at = r->start;
        while (at < r->end) {
            /* The host vma holding guest address at (both are sorted). */
            while (vi < vmas->len &&
                   g_array_index(vmas, HostVma, vi).end - base <= at) {
                vi++;
            }
            MapsLine piece = {
                .start = at, .flags = r->flags, .dev = "00:00", .name = ""};
            if (vi < vmas->len &&
                g_array_index(vmas, HostVma, vi).start - base <= at) {
                const HostVma *v = &g_array_index(vmas, HostVma, vi);
                uint64_t vend = v->end - base;
                piece.end = vend < r->end ? vend : r->end;
                piece.inode = v->inode;
                piece.dev = v->dev;
                if (v->inode) {
                    piece.offset = v->offset + (at - (v->start - base));
                }
                if (v->name[0] == '/') {
                    char *view = g_strdup(sysroot_guest_view(v->name));
                    g_ptr_array_add(names, view);
                    piece.name = view;
                } else if (v->name[0] && v->name[0] != '[') {
                    piece.name = v->name; /* e.g. anon_inode:... */
                }
            } else {
                /* Not in the host's list (cannot happen while the
                 * reservation is whole): show it anonymous. */
                piece.end = r->end;
                if (vi < vmas->len) {
                    uint64_t next =
                        g_array_index(vmas, HostVma, vi).start - base;
                    if (next < piece.end) {
                        piece.end = next;
                    }
                }
            }
            if (!piece.name[0] && piece.inode == 0) {
                label_piece(&piece, labels, nlabels, &li, brk_start, brk_cur);
            }
            line_add(out, &line, &piece);
            at = piece.end;
        }
    }
    line_flush(out, &line);
    g_free(labels);
    g_ptr_array_free(names, TRUE);
    g_array_free(runs, TRUE);
    g_array_free(vmas, TRUE);
    g_free(text);
    return 0;
}

/* ---- the table and path matching ---- */

typedef struct ProcFile {
    const char *name; /* under /proc/<self>/, or under /proc for global */
    bool per_process;
    int (*gen)(const SyscallArch *arch, GString *out);
} ProcFile;

static const ProcFile proc_files[] = {
    {"cpuinfo", false, gen_cpuinfo}, {"maps", true, gen_maps},
    {"auxv", true, gen_auxv},        {"cmdline", true, gen_cmdline},
    {"stat", true, gen_stat},
};

/* Skip a run of '/' (the kernel takes "a//b" as "a/b"). */
static const char *skip_slashes(const char *p)
{
    while (*p == '/') {
        p++;
    }
    return p;
}

/* If p starts with the decimal number want followed by '/', the rest. */
static const char *match_number(const char *p, long want)
{
    char *end;
    if (!isdigit((unsigned char)*p)) {
        return NULL;
    }
    long v = strtol(p, &end, 10);
    return v == want && *end == '/' ? end : NULL;
}

/* For "/proc/<self>/name" return name, else NULL (absolute path). */
static const char *own_proc_entry(const char *path, bool *per_process)
{
    const char *p = skip_slashes(path);
    if (path[0] != '/' || strncmp(p, "proc/", 5) != 0) {
        return NULL;
    }
    p = skip_slashes(p + 5);
    const char *rest = NULL;
    if (!strncmp(p, "self/", 5)) {
        rest = p + 4;
    } else if (!strncmp(p, "thread-self/", 12)) {
        rest = p + 11;
    } else if ((rest = match_number(p, (long)getpid())) != NULL) {
        const char *t = skip_slashes(rest);
        if (!strncmp(t, "task/", 5)) {
            rest = match_number(skip_slashes(t + 5), (long)syscall(SYS_gettid));
        }
    }
    if (!rest) {
        *per_process = false;
        return p;
    }
    *per_process = true;
    return skip_slashes(rest);
}

/* Absolute form of a guest path relative to dirfd (a directory the guest
 * opened, so a host path): NULL if it cannot be one of ours. */
static char *absolute_path(int dirfd, const char *path)
{
    if (path[0] == '/') {
        return g_strdup(path);
    }
    char dir[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(dir, sizeof(dir))) {
            return NULL;
        }
    } else {
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, dir, sizeof(dir) - 1);
        if (n <= 0) {
            return NULL;
        }
        dir[n] = '\0';
    }
    if (strncmp(dir, "/proc", 5) != 0) {
        return NULL; /* the common case: not under /proc at all */
    }
    return g_strconcat(dir, "/", path, NULL);
}

static const ProcFile *find_proc_file(const SyscallArch *arch, int dirfd,
                                      const char *guest_path)
{
    /* Every open comes here: a generated file's name is its path's last
     * component, so anything else is refused before the path is made
     * absolute (which costs a getcwd or readlink for relative paths). */
    const char *slash = strrchr(guest_path, '/');
    const char *last = slash ? slash + 1 : guest_path;
    bool candidate = false;
    for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
        candidate = candidate || !strcmp(proc_files[i].name, last);
    }
    if (!candidate) {
        return NULL;
    }
    char *abs = absolute_path(dirfd, guest_path);
    if (!abs) {
        return NULL;
    }
    bool per_process = false;
    const char *name = own_proc_entry(abs, &per_process);
    const ProcFile *found = NULL;
    for (size_t i = 0; name && i < sizeof(proc_files) / sizeof(proc_files[0]);
         i++) {
        if (proc_files[i].per_process == per_process &&
            !strcmp(proc_files[i].name, name)) {
            found = &proc_files[i];
        }
    }
    g_free(abs);
    if (found && found->gen == gen_cpuinfo && !arch->cpuinfo) {
        return NULL;
    }
    return found;
}

int sys_proc_open(const SyscallArch *arch, int dirfd, const char *guest_path,
                  int flags)
{
    const ProcFile *f = find_proc_file(arch, dirfd, guest_path);
    if (!f) {
        return -ENOENT;
    }
    if ((flags & O_ACCMODE) != O_RDONLY) {
        return -EACCES;
    }
    GString *text = g_string_new(NULL);
    int r = f->gen(arch, text);
    if (r < 0) {
        g_string_free(text, TRUE);
        return r == -ENOENT ? -ENOENT : r;
    }
    int fd = memfd_create(f->name, MFD_CLOEXEC);
    if (fd < 0) {
        r = sys_errno();
        g_string_free(text, TRUE);
        return r;
    }
    size_t done = 0;
    while (done < text->len) {
        ssize_t n = write(fd, text->str + done, text->len - done);
        if (n <= 0) {
            close(fd);
            g_string_free(text, TRUE);
            return -EIO;
        }
        done += (size_t)n;
    }
    g_string_free(text, TRUE);
    /* Reopen read-only, at offset 0, with the guest's flags (O_CLOEXEC). */
    char self[64];
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    int ro = open(self, O_RDONLY | (flags & O_CLOEXEC));
    close(fd);
    return ro < 0 ? sys_errno() : ro;
}

/*
 * ELF file builder for the loader tests (see elfgen.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfgen.h"

void gen_init(ElfGen *g, uint16_t type, uint16_t machine, uint64_t entry)
{
    memset(g, 0, sizeof(*g));
    memcpy(g->eh.e_ident, ELFMAG, SELFMAG);
    g->eh.e_ident[EI_CLASS] = ELFCLASS64;
    g->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    g->eh.e_ident[EI_VERSION] = EV_CURRENT;
    g->eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    g->eh.e_type = type;
    g->eh.e_machine = machine;
    g->eh.e_version = EV_CURRENT;
    g->eh.e_entry = entry;
    g->eh.e_phoff = sizeof(Elf64_Ehdr);
    g->eh.e_ehsize = sizeof(Elf64_Ehdr);
    g->eh.e_phentsize = sizeof(Elf64_Phdr);
    g->eh.e_shentsize = sizeof(Elf64_Shdr);
    gen_size(g, sizeof(Elf64_Ehdr));
}

void gen_free(ElfGen *g)
{
    free(g->buf);
    g->buf = NULL;
}

Elf64_Phdr *gen_phdr(ElfGen *g, uint32_t type, uint32_t flags, uint64_t off,
                     uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                     uint64_t align)
{
    if (g->phnum >= GEN_MAX_PHDR) {
        abort();
    }
    Elf64_Phdr *p = &g->ph[g->phnum++];
    *p = (Elf64_Phdr){
        .p_type = type,
        .p_flags = flags,
        .p_offset = off,
        .p_vaddr = vaddr,
        .p_paddr = vaddr,
        .p_filesz = filesz,
        .p_memsz = memsz,
        .p_align = align,
    };
    return p;
}

void gen_size(ElfGen *g, size_t size)
{
    if (size <= g->size) {
        return;
    }
    g->buf = realloc(g->buf, size);
    if (!g->buf) {
        abort();
    }
    memset(g->buf + g->size, 0x5a, size - g->size);
    g->size = size;
}

void gen_bytes(ElfGen *g, uint64_t off, const void *data, size_t len)
{
    gen_size(g, off + len);
    memcpy(g->buf + off, data, len);
}

uint8_t gen_pattern_byte(uint8_t seed, uint64_t i)
{
    uint8_t b = (uint8_t)(seed + i * 37 + (i >> 8) * 11);
    return b ? b : 0x80;
}

void gen_pattern(ElfGen *g, uint64_t off, size_t len, uint8_t seed)
{
    gen_size(g, off + len);
    for (size_t i = 0; i < len; i++) {
        g->buf[off + i] = gen_pattern_byte(seed, i);
    }
}

void gen_finish(ElfGen *g)
{
    g->eh.e_phnum = (uint16_t)g->phnum;
    gen_bytes(g, 0, &g->eh, sizeof(g->eh));
    if (g->phnum) {
        gen_bytes(g, g->eh.e_phoff, g->ph,
                  (size_t)g->phnum * sizeof(Elf64_Phdr));
    }
}

static char dir[256];
static pid_t dir_owner;

/* Remove the directory and its files, from the process that made it. */
static void remove_tmpdir(void)
{
    if (getpid() != dir_owner) {
        return;
    }
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (unlink(path) < 0) {
                    rmdir(path);
                }
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

const char *gen_tmpdir(void)
{
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/vemu-loader-XXXXXX", t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            abort();
        }
        dir_owner = getpid();
        atexit(remove_tmpdir);
    }
    return dir;
}

char *gen_write_raw(const char *name, const void *data, size_t n)
{
    char *path = malloc(strlen(gen_tmpdir()) + strlen(name) + 2);
    sprintf(path, "%s/%s", gen_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

char *gen_write(ElfGen *g, const char *name, size_t n)
{
    if (n == (size_t)-1 || n > g->size) {
        n = g->size;
    }
    return gen_write_raw(name, g->buf, n);
}

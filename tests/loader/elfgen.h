/*
 * Builds ELF files for the loader tests byte by byte with <elf.h> structs:
 * an ELF64 header, program headers and contents at chosen offsets, then
 * written (whole or cut short) to a file in a private temporary directory.
 * Tests change fields of g->eh / the phdrs or the bytes to make bad files.
 */
#ifndef VEMU_TESTS_LOADER_ELFGEN_H
#define VEMU_TESTS_LOADER_ELFGEN_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_MAX_PHDR 16

typedef struct ElfGen {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[GEN_MAX_PHDR];
    int phnum;
    uint8_t *buf; /* file contents, header and phdrs written by gen_finish */
    size_t size;
} ElfGen;

/* Little-endian ELF64 of the given type and machine; phdrs at 0x40. */
void gen_init(ElfGen *g, uint16_t type, uint16_t machine, uint64_t entry);
void gen_free(ElfGen *g);

Elf64_Phdr *gen_phdr(ElfGen *g, uint32_t type, uint32_t flags, uint64_t off,
                     uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                     uint64_t align);

/* Make the file at least size bytes long (new bytes are 0x5a junk). */
void gen_size(ElfGen *g, size_t size);
void gen_bytes(ElfGen *g, uint64_t off, const void *data, size_t len);
/* A recognisable non-zero pattern: byte i of pattern seed. */
uint8_t gen_pattern_byte(uint8_t seed, uint64_t i);
void gen_pattern(ElfGen *g, uint64_t off, size_t len, uint8_t seed);

/* Write the header and phdrs into the contents (sets e_phnum). */
void gen_finish(ElfGen *g);

/* Write the first n bytes (all if n == (size_t)-1) to tmpdir/name after
 * gen_finish; returns the path (static storage per name slot, malloc'd). */
char *gen_write(ElfGen *g, const char *name, size_t n);
/* Write raw bytes to tmpdir/name. */
char *gen_write_raw(const char *name, const void *data, size_t n);

/* The private temporary directory (created on first use). */
const char *gen_tmpdir(void);

#endif /* VEMU_TESTS_LOADER_ELFGEN_H */

/*
 * Capstone reached through a table of entry points, loaded on first use.
 *
 * Why: libcapstone carries about 1.3 MiB of pointer tables that the host
 * dynamic linker relocates at start-up (some 330 page faults and a
 * noticeable share of a short run), yet only -d in_asm/out_asm need it.
 * Dynamic builds therefore dlopen it the first time a disassembler is
 * asked for; static builds (-Dstatic=true) link it and fill the table
 * directly.
 */
#ifndef VEMU_TCG_CAPSTONE_H
#define VEMU_TCG_CAPSTONE_H

#include <capstone/capstone.h>

typedef struct VemuCapstone {
    cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
    cs_insn *(*insn_alloc)(csh handle);
    bool (*disasm_iter)(csh handle, const uint8_t **code, size_t *size,
                        uint64_t *address, cs_insn *insn);
    void (*insn_free)(cs_insn *insn, size_t count);
    cs_err (*close)(csh *handle);
} VemuCapstone;

/* The entry points, or NULL when the library cannot be loaded (callers
 * then print a placeholder, as for an unsupported architecture).
 * Thread-safe. */
const VemuCapstone *vemu_capstone(void);

#endif

/*
 * Prints the riscv64 disassembler's view of instruction encodings, for
 * llvm-cross-check.py: each input line holds one encoding in hex, 4 digits
 * for a 16-bit instruction or 8 for a 32-bit one; each output line is the
 * text riscv_disas_insn gives, or "illegal". The disassembler accepts
 * exactly what the translator accepts (target/riscv/disas.c), so this is a
 * view of the decoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/riscv/cpu.h"

int main(void)
{
    char line[64];

    while (fgets(line, sizeof(line), stdin)) {
        char text[96];
        size_t n = strcspn(line, "\r\n");
        unsigned long insn;

        line[n] = '\0';
        if (n != 4 && n != 8) {
            fprintf(stderr, "rv-disas-dump: bad line '%s'\n", line);
            return 1;
        }
        insn = strtoul(line, NULL, 16);
        if (riscv_disas_insn(text, sizeof(text), 0, (uint32_t)insn,
                             n == 4 ? 2 : 4)) {
            puts(text);
        } else {
            puts("illegal");
        }
    }
    return 0;
}

/*
 * Unit tests of the toy ISA tables without running anything: encode with
 * the assembler, decode back, strict reserved-bit checks, the li64
 * sequence (evaluated by a C model of li/shori), label fixups, assembler
 * errors and the disassembler's text.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toy-asm.h"
#include "toy-isa.h"

/* Emit one instance of every instruction with distinct operands and check
 * the decoder returns them. */
START_TEST(test_roundtrip_all_opcodes)
{
    int checked = 0;

    for (unsigned op = 0; op < 256; op++) {
        const ToyInsnInfo *info = &toy_insn_info[op];
        ToyAsm as;
        ToyInsn d;
        uint32_t want_a = 0, want_b = 0, want_c = 0;
        int64_t want_imm = 0;

        if (!info->name) {
            ck_assert_msg(!toy_decode(op, &d),
                          "opcode 0x%02x undefined "
                          "but decodes",
                          op);
            continue;
        }
        toy_asm_init(&as, 0x1000);
        ToyLabel l = toy_label(&as);
        switch (info->fmt) {
        case TOY_FMT_R:
            toy_emit_r(&as, op, 3, 9, 15);
            want_a = 3, want_b = 9, want_c = 15;
            break;
        case TOY_FMT_I:
        case TOY_FMT_S:
            toy_emit_i(&as, op, 14, 2, -32768);
            want_a = 14, want_b = 2, want_imm = -32768;
            break;
        case TOY_FMT_B:
            toy_emit_b(&as, op, 5, 6, l);
            want_a = 5, want_b = 6, want_imm = 3;
            break;
        case TOY_FMT_J:
            toy_emit_j(&as, op, 7, -(1 << 19));
            want_a = 7, want_imm = -(1 << 19);
            break;
        case TOY_FMT_L:
            toy_emit_l(&as, op, 15, l);
            want_a = 15, want_imm = 3;
            break;
        case TOY_FMT_U:
            toy_emit_u(&as, op, 4, 0xfedc);
            want_a = 4, want_imm = 0xfedc;
            break;
        case TOY_FMT_A:
            toy_emit_r(&as, op, 11, 0, 0);
            want_a = 11;
            break;
        case TOY_FMT_P:
            toy_emit_r(&as, op, 12, 13, 0);
            want_a = 12, want_b = 13;
            break;
        case TOY_FMT_N:
            toy_emit(&as, op);
            break;
        }
        toy_nop(&as);
        toy_nop(&as);
        toy_bind(&as, l);
        ck_assert_int_eq(toy_asm_finish(&as), 0);
        ck_assert_msg(toy_decode(as.code[0], &d), "%s does not decode",
                      info->name);
        ck_assert_uint_eq(d.opcode, op);
        ck_assert_str_eq(d.info->name, info->name);
        ck_assert_uint_eq(d.a, want_a);
        ck_assert_uint_eq(d.b, want_b);
        ck_assert_uint_eq(d.c, want_c);
        ck_assert_int_eq(d.imm, want_imm);
        toy_asm_free(&as);
        checked++;
    }
    ck_assert_int_ge(checked, 60);
}
END_TEST

START_TEST(test_reserved_bits_are_illegal)
{
    ToyInsn d;

    ck_assert(!toy_decode(0x00000000, &d)); /* zeroed memory traps */
    ck_assert(!toy_decode(0xffffffff, &d));
    ck_assert(toy_decode(toy_enc_r(TOY_OP_add, 1, 2, 3), &d));
    ck_assert(!toy_decode(toy_enc_r(TOY_OP_add, 1, 2, 3) | 1u << 20, &d));
    ck_assert(!toy_decode(toy_enc_r(TOY_OP_add, 1, 2, 3) | 1u << 31, &d));
    ck_assert(toy_decode(TOY_OP_halt, &d));
    ck_assert(!toy_decode(TOY_OP_halt | 1u << 8, &d));
    ck_assert(!toy_decode(toy_enc_r(TOY_OP_out, 1, 2, 0), &d));
    ck_assert(!toy_decode(toy_enc_r(TOY_OP_fencei, 1, 2, 3), &d));
    ck_assert(!toy_decode(toy_enc_i(TOY_OP_shori, 1, 1, 5), &d));
    ck_assert(toy_decode(toy_enc_i(TOY_OP_shori, 1, 0, 5), &d));
}
END_TEST

/* A C model of li/shori over the emitted words. */
static uint64_t eval_li64(const ToyAsm *as)
{
    uint64_t r = 0;

    for (size_t i = 0; i < as->len; i++) {
        ToyInsn d;
        ck_assert(toy_decode(as->code[i], &d));
        if (d.opcode == TOY_OP_li) {
            r = (uint64_t)d.imm;
        } else {
            ck_assert_uint_eq(d.opcode, TOY_OP_shori);
            r = r << 16 | (uint64_t)d.imm;
        }
    }
    return r;
}

START_TEST(test_li64_sequences)
{
    static const uint64_t values[] = {
        0,
        1,
        0x7ffff,
        0x80000,
        (uint64_t)-1,
        (uint64_t)-524288,
        (uint64_t)-524289,
        0xffff,
        0x10000,
        0x7ffffffff,
        0x800000000,
        0x123456789abcdef0ull,
        0x8000000000000000ull,
        0x7fffffffffffffffull,
        0xffff0000ffff0000ull,
        0x00000000deadbeefull,
        0xffffffff80000000ull,
    };

    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        ToyAsm as;
        toy_asm_init(&as, 0);
        toy_li64(&as, 1, values[i]);
        ck_assert_int_eq(toy_asm_finish(&as), 0);
        ck_assert_uint_eq(as.len, toy_li64_len(values[i]));
        ck_assert_msg(eval_li64(&as) == values[i], "li64 0x%llx",
                      (unsigned long long)values[i]);
        toy_asm_free(&as);
    }
    /* Short forms are used when they fit. */
    ck_assert_uint_eq(toy_li64_len(5), 1);
    ck_assert_uint_eq(toy_li64_len((uint64_t)-5), 1);
    ck_assert_uint_eq(toy_li64_len(0x12345678), 2);
    ck_assert_uint_eq(toy_li64_len(0x8000000000000000ull), 4);
}
END_TEST

START_TEST(test_labels_and_data)
{
    ToyAsm as;
    ToyInsn d;

    toy_asm_init(&as, 0x2000);
    ToyLabel back = toy_label_here(&as); /* 0x2000 */
    ToyLabel fwd = toy_label(&as);
    toy_beq(&as, 1, 2, fwd);    /* 0x2000 -> 0x2010 */
    toy_j(&as, back);           /* 0x2004 -> 0x2000 */
    toy_la(&as, 3, fwd);        /* 0x2008, 0x200c */
    toy_bind(&as, fwd);         /* 0x2010 */
    toy_dword_label(&as, back); /* 0x2010 */
    ck_assert_int_eq(toy_asm_finish(&as), 0);
    ck_assert_uint_eq(toy_label_addr(&as, fwd), 0x2010);

    ck_assert(toy_decode(as.code[0], &d));
    ck_assert_int_eq(d.imm, 4);
    ck_assert(toy_decode(as.code[1], &d));
    ck_assert_uint_eq(d.opcode, TOY_OP_jal);
    ck_assert_uint_eq(d.a, 0);
    ck_assert_int_eq(d.imm, -1);
    ToyAsm la = as;
    la.code = &as.code[2];
    la.len = 2;
    ck_assert_uint_eq(eval_li64(&la), 0x2010);
    ck_assert_uint_eq(as.code[4], 0x2000);
    ck_assert_uint_eq(as.code[5], 0);
    toy_asm_free(&as);
}
END_TEST

START_TEST(test_asm_errors)
{
    ToyAsm as;

    toy_asm_init(&as, 0);
    toy_addi(&as, 1, 1, 40000);
    ck_assert_int_eq(toy_asm_finish(&as), -1);
    ck_assert_ptr_nonnull(strstr(as.err, "addi"));
    toy_asm_free(&as);

    toy_asm_init(&as, 0);
    toy_j(&as, toy_label(&as));
    ck_assert_int_eq(toy_asm_finish(&as), -1);
    ck_assert_ptr_nonnull(strstr(as.err, "never bound"));
    toy_asm_free(&as);

    toy_asm_init(&as, 0);
    toy_add(&as, 16, 1, 1);
    ck_assert_int_eq(toy_asm_finish(&as), -1);
    toy_asm_free(&as);

    toy_asm_init(&as, 0);
    toy_shori(&as, 1, -1);
    ck_assert_int_eq(toy_asm_finish(&as), -1);
    toy_asm_free(&as);
}
END_TEST

static void disas_to(char *buf, size_t n, uint64_t pc, uint32_t word)
{
    FILE *f = fmemopen(buf, n, "w");
    ck_assert_ptr_nonnull(f);
    toy_disas_insn(f, pc, word);
    fclose(f);
}

START_TEST(test_disas_text)
{
    char buf[128];

    disas_to(buf, sizeof(buf), 0, toy_enc_i(TOY_OP_addi, 1, 2, -3));
    ck_assert_str_eq(buf, "addi r1, r2, -3");
    disas_to(buf, sizeof(buf), 0, toy_enc_i(TOY_OP_ldws, 4, 5, 8));
    ck_assert_str_eq(buf, "ldws r4, 8(r5)");
    disas_to(buf, sizeof(buf), 0, toy_enc_i(TOY_OP_std, 6, 7, -16));
    ck_assert_str_eq(buf, "std r6, -16(r7)");
    disas_to(buf, sizeof(buf), 0x100, toy_enc_i(TOY_OP_bne, 1, 0, -2));
    ck_assert_str_eq(buf, "bne r1, r0, 0xf8");
    disas_to(buf, sizeof(buf), 0x100, toy_enc_j(TOY_OP_jal, 15, 4));
    ck_assert_str_eq(buf, "jal r15, 0x110");
    disas_to(buf, sizeof(buf), 0, TOY_OP_halt);
    ck_assert_str_eq(buf, "halt");
    disas_to(buf, sizeof(buf), 0, 0);
    ck_assert_str_eq(buf, ".word 0x00000000");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toy-isa");
    TCase *tc = tcase_create("isa");

    tcase_add_test(tc, test_roundtrip_all_opcodes);
    tcase_add_test(tc, test_reserved_bits_are_illegal);
    tcase_add_test(tc, test_li64_sequences);
    tcase_add_test(tc, test_labels_and_data);
    tcase_add_test(tc, test_asm_errors);
    tcase_add_test(tc, test_disas_text);
    suite_add_tcase(s, tc);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

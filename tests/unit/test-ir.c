/*
 * The IR container (tcg/tcg.c): ops emitted and inserted anywhere, across
 * blocks and array growth, must sit in the order a plain array model
 * says, blank apart from what the caller wrote. Insertion near the front
 * takes a different path (the head room before ops[0]) from insertion
 * further back; both are exercised at every position.
 */
#include <check.h>
#include <stdlib.h>

#include "tcg/tcg.h"

START_TEST(test_insert_matches_model)
{
    TCGContext ctx, *s = &ctx;
    tcg_context_init(s);
    unsigned seed = 1;
    uint64_t model[4096];
    for (int block = 0; block < 200; block++) {
        tcg_func_start(s);
        uint32_t n = 0;
        int steps = block < 100 ? 1 + block % 40 : 1 + (block * 37) % 1500;
        for (int i = 0; i < steps; i++) {
            seed = seed * 1103515245u + 12345u;
            uint64_t tag = ((uint64_t)block << 32) | (uint32_t)i;
            TCGOp *op;
            uint32_t pos;
            switch ((seed >> 16) % 4) {
            case 0:
                pos = n;
                op = tcg_emit_op(s, INDEX_op_mov, TCG_TYPE_I64);
                break;
            case 1:
                pos = 0;
                op = tcg_op_insert_before(s, pos, INDEX_op_mov, TCG_TYPE_I64);
                break;
            default:
                pos = n ? (seed >> 4) % (n + 1) : 0;
                op = tcg_op_insert_before(s, pos, INDEX_op_mov, TCG_TYPE_I64);
                break;
            }
            for (int k = 0; k < TCG_MAX_OP_ARGS; k++) {
                ck_assert_uint_eq(op->args[k], 0);
            }
            ck_assert_uint_eq(op->life, 0);
            op->args[0] = tag;
            for (uint32_t j = n; j > pos; j--) {
                model[j] = model[j - 1];
            }
            model[pos] = tag;
            n++;
            ck_assert_uint_eq(s->nb_ops, n);
        }
        for (uint32_t j = 0; j < n; j++) {
            ck_assert_uint_eq(s->ops[j].opc, INDEX_op_mov);
            ck_assert_uint_eq(s->ops[j].args[0], model[j]);
        }
    }
    tcg_context_free(s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("ir");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_insert_matches_model);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

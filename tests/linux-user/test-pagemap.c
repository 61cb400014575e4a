/*
 * The page map (linux-user/pagemap.c) against a plain array of per-page
 * flags: random sets and clears over a small space, after each of which
 * every query must agree with the array and the runs must be exactly the
 * array's maximal runs. Free-range searches are compared with a brute
 * force scan of the same array. Fixed seed: failures reproduce.
 */
#include <check.h>
#include <stdlib.h>

#include "linux-user/pagemap.h"
#include "testrand.h"

#define NPAGES 200
#define PG 4096ull

static int ref[NPAGES];

static void check_against_ref(const PageMap *pm)
{
    ck_assert(pagemap_valid(pm));
    /* Runs are the array's maximal runs of equal non-zero flags. */
    size_t k = 0;
    for (int p = 0; p < NPAGES;) {
        if (ref[p] == 0) {
            p++;
            continue;
        }
        int q = p;
        while (q < NPAGES && ref[q] == ref[p]) {
            q++;
        }
        ck_assert_uint_lt(k, pm->n);
        ck_assert_uint_eq(pm->runs[k].start, p * PG);
        ck_assert_uint_eq(pm->runs[k].end, q * PG);
        ck_assert_int_eq(pm->runs[k].flags, ref[p]);
        k++;
        p = q;
    }
    ck_assert_uint_eq(k, pm->n);
    for (int p = 0; p < NPAGES; p++) {
        ck_assert_int_eq(pagemap_flags(pm, p * PG + 123), ref[p]);
    }
    ck_assert_int_eq(pagemap_flags(pm, NPAGES * PG), 0);
}

/* Brute force free-range search with pagemap_find_free's contract. */
static bool ref_find_free(int lo, int hi, int below, int len, int *out)
{
    int cap = below < hi ? below : hi;
    for (int s = cap - len; s >= lo; s--) {
        bool ok = true;
        for (int i = s; i < s + len && ok; i++) {
            ok = ref[i] == 0;
        }
        if (ok) {
            *out = s;
            return true;
        }
    }
    for (int s = below > lo ? below : lo; s + len <= hi; s++) {
        bool ok = true;
        for (int i = s; i < s + len && ok; i++) {
            ok = ref[i] == 0;
        }
        if (ok) {
            *out = s;
            return true;
        }
    }
    return false;
}

START_TEST(test_pagemap_random)
{
    PageMap pm;
    pagemap_init(&pm);
    TestRng r;
    trng_seed(&r, 0x9a9e3a9);
    for (int i = 0; i < NPAGES; i++) {
        ref[i] = 0;
    }
    for (int iter = 0; iter < 20000; iter++) {
        int a = (int)trng_below(&r, NPAGES);
        int b = a + 1 + (int)trng_below(&r, iter % 7 == 0 ? NPAGES : 8);
        if (b > NPAGES) {
            b = NPAGES;
        }
        /* Few distinct flag values, so runs merge often. */
        int flags = (int)trng_below(&r, 4);
        pagemap_set(&pm, a * PG, b * PG, flags);
        for (int p = a; p < b; p++) {
            ref[p] = flags;
        }
        check_against_ref(&pm);

        /* Queries over a random range. */
        int c = (int)trng_below(&r, NPAGES);
        int d = c + 1 + (int)trng_below(&r, 16);
        if (d > NPAGES) {
            d = NPAGES;
        }
        bool free_ref = true, covered_ref = true;
        int uni = 0;
        for (int p = c; p < d; p++) {
            free_ref &= ref[p] == 0;
            covered_ref &= (ref[p] & 1) != 0;
            uni |= ref[p];
        }
        ck_assert_int_eq(pagemap_is_free(&pm, c * PG, d * PG), free_ref);
        int seen = -1;
        ck_assert_int_eq(pagemap_covered(&pm, c * PG, d * PG, 1, &seen),
                         covered_ref);
        if (covered_ref) {
            ck_assert_int_eq(seen, uni);
        }
        ck_assert_int_eq(pagemap_flags_union(&pm, c * PG, d * PG), uni);

        int lo = (int)trng_below(&r, 20);
        int hi = NPAGES - (int)trng_below(&r, 20);
        int below = (int)trng_below(&r, NPAGES + 1);
        int len = 1 + (int)trng_below(&r, 12);
        int want = -1;
        uint64_t got = 0;
        bool found_ref = ref_find_free(lo, hi, below, len, &want);
        bool found = pagemap_find_free(&pm, lo * PG, hi * PG, below * PG,
                                       len * PG, &got);
        ck_assert_msg(found == found_ref,
                      "find_free(lo %d hi %d below %d len %d): %d vs %d", lo,
                      hi, below, len, found, found_ref);
        if (found) {
            ck_assert_uint_eq(got, want * PG);
        }
    }
    pagemap_free(&pm);
}
END_TEST

START_TEST(test_pagemap_edges)
{
    PageMap pm;
    pagemap_init(&pm);
    uint64_t out;
    /* Empty map: top-down ends at `below`, bottom-up starts there. */
    ck_assert(pagemap_find_free(&pm, PG, 100 * PG, 50 * PG, 10 * PG, &out));
    ck_assert_uint_eq(out, 40 * PG);
    ck_assert(pagemap_find_free(&pm, PG, 100 * PG, 5 * PG, 10 * PG, &out));
    ck_assert_uint_eq(out, 5 * PG);
    ck_assert(!pagemap_find_free(&pm, PG, 10 * PG, 5 * PG, 10 * PG, &out));
    /* A run spanning the top of a 64-bit space. */
    pagemap_set(&pm, UINT64_MAX - 2 * PG + 1, UINT64_MAX, 1);
    ck_assert_int_eq(pagemap_flags(&pm, UINT64_MAX - 1), 1);
    /* Splitting a run into three and merging it back. */
    pagemap_set(&pm, 10 * PG, 20 * PG, 3);
    pagemap_set(&pm, 12 * PG, 13 * PG, 2);
    ck_assert_uint_eq(pm.n, 4);
    pagemap_set(&pm, 12 * PG, 13 * PG, 3);
    ck_assert_uint_eq(pm.n, 2);
    ck_assert(pagemap_valid(&pm));
    /* Clearing across several runs at once. */
    pagemap_set(&pm, 30 * PG, 31 * PG, 1);
    pagemap_set(&pm, 32 * PG, 33 * PG, 2);
    pagemap_set(&pm, 15 * PG, 32 * PG + 1, 0);
    ck_assert_uint_eq(pm.n, 3);
    ck_assert_uint_eq(pm.runs[0].end, 15 * PG);
    ck_assert_uint_eq(pm.runs[1].start, 32 * PG + 1);
    pagemap_free(&pm);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pagemap");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pagemap_random);
    tcase_add_test(tc, test_pagemap_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

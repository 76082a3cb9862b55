/*
 * test_pg15_layout.c -- the PostgreSQL 15 layout (built with -DAB_LAYOUT=15,
 * run as build/tests-pg15): the same algorithm, with PostgreSQL 15's sizes.
 *
 * Sizes in the derivations: context struct 224, block header 40, chunk
 * header 16 (capacity + owning set).
 */
#include "testing.h"

TEST(pg15_variant_names_itself)
{
    CHECK_EQ_STR(ab_variant(), "pg15");
}

TEST(pg15_fresh_default_context)
{
    AbContext *cxt = ab_aset_create(NULL, "fresh", 0, 8192, 8 << 20);

    REQUIRE(cxt != NULL);
    /* 224 + 40 used, as PostgreSQL 15 prints for ErrorContext and friends. */
    CHECK_STATS(cxt, 8192, 1, 7928, 0, 264);
    CHECK_EQ_U64(ab_chunk_space(ab_alloc(cxt, 1)), 8 + 16);
    ab_delete(cxt);
}

TEST(pg15_chunks_cost_sixteen_bytes_of_header)
{
    AbContext *cxt = ab_aset_create(NULL, "carve", 0, 8192, 8 << 20);
    void *p[3];

    REQUIRE(cxt != NULL);
    for (int i = 0; i < 3; i++)
        p[i] = ab_alloc(cxt, 100); /* 128-byte class: 144 bytes each */
    CHECK_STATS(cxt, 8192, 1, 7928 - 3 * 144, 0, 264 + 3 * 144);
    /* Freed: on the freelist with its header (144 bytes counted free), link in the header. */
    CHECK_EQ_I64(ab_free(p[1]), AB_OK);
    CHECK_STATS(cxt, 8192, 1, 7928 - 2 * 144, 1, 264 + 2 * 144);
    /* A double pfree finds a freelist link where the owner was: refused, not corrupted. */
    CHECK(ab_free(p[1]) != AB_OK);
    CHECK(strstr(ab_error_message(), "pfree called with invalid pointer") != NULL);
    CHECK_EQ_PTR(ab_alloc(cxt, 120), p[1]);
    CHECK_EQ_PTR(ab_chunk_context(p[1]), cxt);
    ab_delete(cxt);
}

TEST(pg15_shrunk_dedicated_chunk_keeps_more_than_the_limit)
{
    AbContext *cxt = ab_aset_create(NULL, "large", 0, 8192, 8 << 20);
    char *big;

    REQUIRE(cxt != NULL);
    big = ab_alloc(cxt, 20000); /* dedicated block: 20000 + 40 + 16 */
    REQUIRE(big != NULL);
    CHECK_STATS(cxt, 8192 + 20056, 2, 7928, 0, 264 + 20056);
    /*
     * Shrunk to 100 bytes it stays dedicated, with capacity limit + 1 = 8193,
     * MAXALIGNed to 8200: block 8200 + 56 = 8256 (PostgreSQL 16 would make it 160).
     */
    big = ab_realloc(big, 100);
    REQUIRE(big != NULL);
    CHECK_STATS(cxt, 8192 + 8256, 2, 7928, 0, 264 + 8256);
    CHECK_EQ_U64(ab_chunk_capacity(big), 8200);
    CHECK_EQ_I64(ab_free(big), AB_OK);
    CHECK_STATS(cxt, 8192, 1, 7928, 0, 264);
    ab_delete(cxt);
}

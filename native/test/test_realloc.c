/*
 * test_realloc.c -- repalloc: in place within the power-of-two capacity
 * (growing or shrinking), moved (old chunk to its freelist), small to large,
 * and large blocks realloc'd whole (grow and shrink, staying dedicated with
 * a block of MAXALIGN(new) + 48).  Contents are preserved throughout.
 */
#include "testing.h"

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char) (i * 31u + seed);
}

/* Number of bytes among the first n that differ from fill(..., seed). */
static size_t mismatches(const unsigned char *p, size_t n, unsigned seed)
{
    size_t bad = 0;

    for (size_t i = 0; i < n; i++)
        bad += p[i] != (unsigned char) (i * 31u + seed);
    return bad;
}

TEST(realloc_in_place)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *p;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 100);
    fill(p, 100, 1);
    /* capacity 128: growing up to it and shrinking both stay put */
    CHECK_EQ_PTR(ab_realloc(p, 128), p);
    CHECK_EQ_PTR(ab_realloc(p, 1), p);
    CHECK_EQ_PTR(ab_realloc(p, 65), p);
    CHECK_EQ_U64(ab_chunk_capacity(p), 128);
    CHECK_EQ_U64(mismatches(p, 65, 1), 0);
    CHECK_STATS(ctx, 8192, 1, 7816, 0, 376);   /* unchanged: 7952 - 136 */
    ab_delete(ctx);
}

TEST(realloc_moves_and_frees_old_chunk)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *p, *q;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 100);
    fill(p, 100, 2);
    q = ab_realloc(p, 200);
    REQUIRE(q != NULL);
    /* class 5 chunk carved right after p's 136 bytes */
    CHECK_EQ_PTR(q, p + 136);
    CHECK_EQ_U64(ab_chunk_capacity(q), 256);
    CHECK_EQ_U64(mismatches(q, 100, 2), 0);
    CHECK_EQ_I64(ab_freelist_length(ctx, 4), 1);
    /* carved 136 + 264; free 7952 - 400 + 136 = 7688; used 240 + 264 */
    CHECK_STATS(ctx, 8192, 1, 7688, 1, 504);
    CHECK_EQ_PTR(ab_alloc(ctx, 100), p);      /* the old chunk is reused */
    ab_delete(ctx);
}

TEST(realloc_small_to_large)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *p, *q;

    REQUIRE(ctx != NULL);
    p = ab_alloc(ctx, 1000);                   /* class 7: 1032 bytes */
    REQUIRE(p != NULL);
    fill(p, 1000, 3);
    q = ab_realloc(p, 20000);
    REQUIRE(q != NULL);
    CHECK(q != p);
    CHECK_EQ_U64(ab_chunk_capacity(q), 20000);
    CHECK_EQ_U64(mismatches(q, 1000, 3), 0);
    CHECK_EQ_I64(ab_freelist_length(ctx, 7), 1);
    /* block 20048: total 28240; free 6920 + 1032 = 7952 (1 chunk); used 240 + 20048 */
    CHECK_STATS(ctx, 28240, 2, 7952, 1, 20288);
    ab_delete(ctx);
}

TEST(realloc_large_grow_and_shrink)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx;
    unsigned char *p, *q, *r, *s;

    ab_counting_source_init(&source, &counters);
    ctx = ab_aset_create_with_source(NULL, "Top", 0, 8192, MB8, &source);
    REQUIRE(ctx != NULL);
    p = ab_alloc(ctx, 10000);                  /* block 10048 */
    REQUIRE(p != NULL);
    fill(p, 10000, 4);

    q = ab_realloc(p, 30001);
    REQUIRE(q != NULL);
    /* MAXALIGN(30001) = 30008, block 30056: total 8192 + 30056 */
    CHECK_EQ_U64(ab_chunk_capacity(q), 30008);
    CHECK_EQ_U64(mismatches(q, 10000, 4), 0);
    CHECK_STATS(ctx, 38248, 2, 7952, 0, 30296);
    CHECK_EQ_U64(counters.realloc_calls, 1);
    CHECK_EQ_I64(counters.bytes_outstanding, 38248);
    CHECK_EQ_I64(counters.blocks_outstanding, 2);

    r = ab_realloc(q, 9000);                   /* block 9048 */
    REQUIRE(r != NULL);
    CHECK_EQ_U64(ab_chunk_capacity(r), 9000);
    CHECK_EQ_U64(mismatches(r, 9000, 4), 0);
    CHECK_STATS(ctx, 17240, 2, 7952, 0, 9288);

    /* below the chunk limit, but it stays a dedicated block: MAXALIGN(100) + 48 = 152 */
    s = ab_realloc(r, 100);
    REQUIRE(s != NULL);
    CHECK_CHUNK(s, 104, 112);
    CHECK_EQ_U64(mismatches(s, 100, 4), 0);
    CHECK_EQ_PTR(ab_chunk_context(s), ctx);
    CHECK_STATS(ctx, 8344, 2, 7952, 0, 392);
    CHECK_EQ_U64(counters.realloc_calls, 3);
    CHECK_EQ_I64(counters.bytes_outstanding, 8344);

    ab_free(s);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    CHECK_FREELISTS_EMPTY(ctx);
    CHECK_EQ_I64(counters.blocks_outstanding, 1);
    ab_delete(ctx);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
    CHECK_EQ_U64(counters.bytes_allocated, counters.bytes_freed);
}

/* Several dedicated blocks: realloc of the one in the middle and the last one keeps the list linked. */
TEST(realloc_large_relinks_block_list)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *l1, *l2, *l3;

    REQUIRE(ctx != NULL);
    l1 = ab_alloc(ctx, 10000);                 /* 10048; list: keeper, l1 */
    l2 = ab_alloc(ctx, 20000);                 /* 20048; list: keeper, l2, l1 */
    l3 = ab_alloc(ctx, 30000);                 /* 30048; list: keeper, l3, l2, l1 */
    REQUIRE(l1 != NULL && l2 != NULL && l3 != NULL);
    fill(l1, 10000, 5);
    fill(l2, 20000, 6);
    fill(l3, 30000, 7);
    CHECK_STATS(ctx, 68336, 4, 7952, 0, 60384);

    l2 = ab_realloc(l2, 400000);               /* middle: 400048 */
    REQUIRE(l2 != NULL);
    CHECK_STATS(ctx, 448336, 4, 7952, 0, 440384);
    l1 = ab_realloc(l1, 500000);               /* last: 500048 */
    REQUIRE(l1 != NULL);
    CHECK_STATS(ctx, 938336, 4, 7952, 0, 930384);  /* 8192 + 500048 + 400048 + 30048 */
    CHECK_EQ_U64(mismatches(l1, 10000, 5), 0);
    CHECK_EQ_U64(mismatches(l2, 20000, 6), 0);
    CHECK_EQ_U64(mismatches(l3, 30000, 7), 0);

    ab_free(l2);
    CHECK_STATS(ctx, 538288, 3, 7952, 0, 530336);  /* - 400048 */
    ab_free(l3);
    CHECK_STATS(ctx, 508240, 2, 7952, 0, 500288);  /* - 30048 */
    ab_free(l1);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
}

/* A source without realloc: the block is moved by alloc + copy + free. */
TEST(realloc_large_without_source_realloc)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx;
    unsigned char *p;

    ab_counting_source_init(&source, &counters);
    source.realloc = NULL;
    ctx = ab_aset_create_with_source(NULL, "norealloc", 0, 8192, MB8, &source);
    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 10000);
    fill(p, 10000, 8);
    p = ab_realloc(p, 50000);                  /* block 50048 */
    REQUIRE(p != NULL);
    CHECK_EQ_U64(mismatches(p, 10000, 8), 0);
    CHECK_EQ_U64(counters.realloc_calls, 0);
    CHECK_EQ_U64(counters.alloc_calls, 3);     /* keeper, 10048, 50048 */
    CHECK_EQ_U64(counters.free_calls, 1);      /* the 10048 block */
    CHECK_EQ_I64(counters.bytes_outstanding, 58240);
    CHECK_STATS(ctx, 58240, 2, 7952, 0, 50288);
    p = ab_realloc(p, 20000);                  /* shrink: 20048 */
    REQUIRE(p != NULL);
    CHECK_EQ_U64(mismatches(p, 10000, 8), 0);
    CHECK_STATS(ctx, 28240, 2, 7952, 0, 20288);
    ab_delete(ctx);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
    CHECK_EQ_I64(counters.blocks_outstanding, 0);
}

TEST(realloc_invalid_size_keeps_chunk)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *small, *large;

    REQUIRE(ctx != NULL);
    small = ab_alloc(ctx, 100);
    large = ab_alloc(ctx, 10000);
    REQUIRE(small != NULL && large != NULL);
    fill(small, 100, 9);
    fill(large, 10000, 10);

    CHECK(ab_realloc(small, 0x40000000) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 1073741824");
    CHECK(ab_realloc(large, 0x40000000) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 1073741824");
    CHECK(ab_realloc_extended(large, SIZE_MAX, AB_ALLOC_HUGE) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);

    CHECK_EQ_U64(mismatches(small, 100, 9), 0);
    CHECK_EQ_U64(mismatches(large, 10000, 10), 0);
    CHECK_EQ_U64(ab_chunk_capacity(small), 128);
    CHECK_EQ_U64(ab_chunk_capacity(large), 10000);
    /* 8192 + 10048; free 7952 - 136 */
    CHECK_STATS(ctx, 18240, 2, 7816, 0, 10424);
    ab_delete(ctx);
}

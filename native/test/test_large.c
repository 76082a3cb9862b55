/*
 * test_large.c -- requests above allocChunkLimit: a dedicated ("external")
 * block of MAXALIGN(size) + 40 + 8, linked second so the head block keeps
 * serving small chunks, counted as a block, and given back on pfree.
 */
#include "testing.h"

TEST(large_chunk_dedicated_block)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    void *p;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 10001);
    /* MAXALIGN(10001) = 10008; block 10008 + 40 + 8 = 10056 */
    CHECK_CHUNK(p, 10008, 10016);
    CHECK_EQ_PTR(ab_chunk_context(p), ctx);
    /* the block has no free tail: free stays 7952; used 240 + 10056 */
    CHECK_STATS(ctx, 18248, 2, 7952, 0, 10296);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 0), 18248);
    memset(p, 0x5A, 10001);

    CHECK_EQ_I64(ab_free(p), AB_OK);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 0), 8192);
    CHECK_FREELISTS_EMPTY(ctx);   /* never onto a freelist */
    ab_delete(ctx);
}

TEST(large_blocks_leave_head_block_in_use)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    char *small1, *small2;
    void *l1, *l2;

    REQUIRE(ctx != NULL);
    small1 = ab_alloc(ctx, 8);
    l1 = ab_alloc(ctx, 10000);                 /* block 10048 */
    small2 = ab_alloc(ctx, 8);
    REQUIRE(small1 != NULL && l1 != NULL && small2 != NULL);
    /* still carving from the keeper, right after small1 */
    CHECK_EQ_PTR(small2, small1 + 16);
    /* 8192 + 10048; free 7952 - 2 * 16 = 7920; used 18240 - 7920 */
    CHECK_STATS(ctx, 18240, 2, 7920, 0, 10320);

    l2 = ab_alloc(ctx, 20000);                 /* block 20048 */
    REQUIRE(l2 != NULL);
    CHECK_STATS(ctx, 38288, 3, 7920, 0, 30368);

    ab_free(l1);                               /* the last block in the list */
    CHECK_STATS(ctx, 28240, 2, 7920, 0, 20320);
    ab_free(l2);
    CHECK_STATS(ctx, 8192, 1, 7920, 0, 272);
    ab_delete(ctx);
}

/* 8192 is still a chunk in a DEFAULT context; 8193 is not. */
TEST(large_boundary_default)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    void *p, *q;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 8192);
    CHECK_EQ_U64(ab_chunk_capacity(p), 8192);
    /*
     * 8200 > 7952: keeper cut into 4096, 2048, 1024, 512, 128, 64, 16 (+8 each = 7944, 8 waste);
     * block nextBlockSize 8192 doubled to 16384 for 8192 + 48.  total 24576;
     * free 7952 + (16384 - 40 - 8200 = 8144) = 16096 in 7 chunks; used 8480.
     */
    CHECK_STATS(ctx, 24576, 2, 16096, 7, 8480);

    REQUIRE_ALLOC(q, ctx, 8193);
    /* MAXALIGN(8193) = 8200, block 8248 */
    CHECK_EQ_U64(ab_chunk_capacity(q), 8200);
    CHECK_STATS(ctx, 32824, 3, 16096, 7, 16728);
    ab_free(q);
    CHECK_STATS(ctx, 24576, 2, 16096, 7, 8480);
    ab_free(p);                                /* a chunk: to freelist 10 */
    CHECK_EQ_I64(ab_freelist_length(ctx, 10), 1);
    CHECK_STATS(ctx, 24576, 2, 24296, 8, 280); /* 16096 + 8200; used 200 + 2 * 40 */
    ab_delete(ctx);
}

TEST(large_chunk_block_source_traffic)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx;
    void *p;

    ab_counting_source_init(&source, &counters);
    ctx = ab_aset_create_with_source(NULL, "counted", 0, 8192, MB8, &source);
    REQUIRE(ctx != NULL);
    CHECK_EQ_U64(counters.alloc_calls, 1);
    CHECK_EQ_I64(counters.bytes_outstanding, 8192);
    CHECK_EQ_I64(counters.blocks_outstanding, 1);

    p = ab_alloc(ctx, 100000);                 /* block 100000 + 48 */
    REQUIRE(p != NULL);
    CHECK_EQ_U64(counters.alloc_calls, 2);
    CHECK_EQ_I64(counters.bytes_outstanding, 108240);
    CHECK_EQ_I64(counters.blocks_outstanding, 2);

    ab_free(p);
    CHECK_EQ_U64(counters.free_calls, 1);
    CHECK_EQ_U64(counters.bytes_freed, 100048);
    CHECK_EQ_I64(counters.bytes_outstanding, 8192);
    CHECK_EQ_I64(counters.blocks_outstanding, 1);

    ab_delete(ctx);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
    CHECK_EQ_I64(counters.blocks_outstanding, 0);
    CHECK_EQ_U64(counters.bytes_allocated, 108240);
    CHECK_EQ_U64(counters.bytes_freed, 108240);
    CHECK_EQ_U64(counters.free_calls, 2);
}

/* AB_ALLOC_HUGE lets a request pass MaxAllocSize; 1 GiB really is allocated (only touched at its ends). */
TEST(huge_allocation)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx;
    unsigned char *p;
    const size_t huge = (size_t) 0x40000000;   /* MaxAllocSize + 1 */

    ab_counting_source_init(&source, &counters);
    ctx = ab_aset_create_with_source(NULL, "huge", 0, 8192, MB8, &source);
    REQUIRE(ctx != NULL);
    CHECK(ab_alloc(ctx, huge) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);

    p = ab_alloc_extended(ctx, huge, AB_ALLOC_HUGE);
    REQUIRE(p != NULL);
    p[0] = 1;
    p[huge - 1] = 2;
    CHECK_EQ_U64(ab_chunk_capacity(p), huge);
    /* block 2^30 + 48; total 8192 + 1073741872 */
    CHECK_STATS(ctx, 1073750064, 2, 7952, 0, 1073742112);
    CHECK_EQ_I64(counters.bytes_outstanding, 1073750064);
    ab_free(p);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
}

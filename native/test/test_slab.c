/*
 * test_slab.c -- the Slab context as PostgreSQL 16+ has it (the default
 * build: three buckets of blocks, ten empty blocks kept).  Figures worked
 * out by hand from src/slab.c: context struct 176, block header 48, chunk
 * header 8.  Slab(8192, 100): a chunk costs 8 + 104 = 112 bytes, a block
 * holds (8192 - 48) / 112 = 72, and the bucket of a block with nfree free
 * chunks is ceil(nfree / 64) (the shift is 6: 72 >> 6 is the first below 2).
 */
#include "kinds_testing.h"

#define CHUNK 100
#define PER_BLOCK 72

TEST(slab_fresh_and_first_block)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, CHUNK);
    void *p[64];

    REQUIRE(s != NULL);
    CHECK_EQ_STR(ab_context_type(s), "Slab");
    CHECK_STATS_LINE(s, "slab: 176 total in 0 blocks; 0 empty blocks; 0 free (0 chunks); 176 used");
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 0);
    for (int i = 0; i < 64; i++)
        REQUIRE_ALLOC(p[i], s, CHUNK);
    CHECK_CHUNK(p[0], 104, 112);
    CHECK_EQ_PTR(ab_chunk_context(p[0]), s);
    /* 8 chunks left in the block. */
    CHECK_STATS_LINE(s, "slab: 8368 total in 1 blocks; 0 empty blocks; 896 free (8 chunks); 7472 used");
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 8192);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_STATS(s, 8368, 1, 18 * 112, 18, 8368 - 18 * 112);
    /* The last freed slot is the first reused. */
    CHECK_EQ_PTR(ab_alloc(s, CHUNK), p[9]);
    CHECK(ab_check(s) == AB_OK);
    ab_delete(s);
}

TEST(slab_keeps_an_emptied_block)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, CHUNK);
    void *p[PER_BLOCK];

    REQUIRE(s != NULL);
    for (int i = 0; i < PER_BLOCK; i++)
        REQUIRE_ALLOC(p[i], s, CHUNK);
    CHECK_STATS(s, 8368, 1, 0, 0, 8368);
    for (int i = 0; i < PER_BLOCK; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    /* Kept, not freed: counted in the total and as used, but not as a block. */
    CHECK_STATS_LINE(s, "slab: 8368 total in 0 blocks; 1 empty blocks; 0 free (0 chunks); 8368 used");
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 8192);
    /* Reused by the next palloc: no new block. */
    REQUIRE(ab_alloc(s, CHUNK) != NULL);
    CHECK_STATS(s, 8368, 1, 71 * 112, 71, 8368 - 71 * 112);
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 8192);
    ab_reset(s);
    CHECK_STATS(s, 176, 0, 0, 0, 176);
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 0);
    ab_delete(s);
}

TEST(slab_keeps_at_most_ten_empty_blocks)
{
    enum { BLOCKS = 12 };
    AbContext *s = ab_slab_create(NULL, "slab", 8192, CHUNK);
    static void *p[BLOCKS * PER_BLOCK];

    REQUIRE(s != NULL);
    for (int i = 0; i < BLOCKS * PER_BLOCK; i++)
        REQUIRE_ALLOC(p[i], s, CHUNK);
    CHECK_EQ_U64(ab_mem_allocated(s, 0), BLOCKS * 8192);
    for (int i = 0; i < BLOCKS * PER_BLOCK; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_STATS_LINE(s, "slab: 82096 total in 0 blocks; 10 empty blocks; 0 free (0 chunks); 82096 used");
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 10 * 8192);
    CHECK(ab_check(s) == AB_OK);
    ab_delete(s);
}

/* Three full blocks; C loses 70 chunks (bucket 2), A one (bucket 1): the next chunk comes from A, the fuller. */
TEST(slab_allocates_from_the_fullest_bucket)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, CHUNK);
    static void *p[3 * PER_BLOCK];

    REQUIRE(s != NULL);
    for (int i = 0; i < 3 * PER_BLOCK; i++)
        REQUIRE_ALLOC(p[i], s, CHUNK);
    for (int i = 2 * PER_BLOCK; i < 2 * PER_BLOCK + 70; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_EQ_I64(ab_free(p[5]), AB_OK);
    CHECK_EQ_PTR(ab_alloc(s, CHUNK), p[5]);
    /* A is full again; C (bucket 2) is next. */
    CHECK_EQ_PTR(ab_alloc(s, CHUNK), p[2 * PER_BLOCK + 69]);
    CHECK(ab_check(s) == AB_OK);
    ab_delete(s);
}

TEST(slab_refuses_other_sizes_in_postgresql_words)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, CHUNK);
    void *p;

    REQUIRE(s != NULL);
    CHECK(ab_alloc(s, 99) == NULL);
    CHECK_EQ_STR(ab_error_message(), "unexpected alloc chunk size 99 (expected 100)");
    REQUIRE_ALLOC(p, s, CHUNK);
    CHECK_EQ_PTR(ab_realloc(p, CHUNK), p);
    CHECK(ab_realloc(p, 101) == NULL);
    CHECK_EQ_STR(ab_error_message(), "slab allocator does not support realloc()");
    CHECK(ab_slab_create(NULL, "tiny", 100, CHUNK) == NULL);
    CHECK_EQ_STR(ab_error_message(), "block size 100 for slab is too small for 100-byte chunks");
    ab_delete(s);
}

/* A request smaller than a pointer still gets room for the free list's link. */
TEST(slab_small_chunks_hold_a_link)
{
    AbContext *s = ab_slab_create(NULL, "slab", 1024, 1);
    void *p;

    REQUIRE(s != NULL);
    REQUIRE_ALLOC(p, s, 8); /* chunkSize became 8: (1024 - 48) / 16 = 61 per block */
    CHECK_CHUNK(p, 8, 16);
    CHECK_STATS(s, 176 + 1024, 1, 60 * 16, 60, 176 + 1024 - 60 * 16);
    ab_delete(s);
}

/*
 * test_sizeclass.c -- freelist index of a request size, chunk capacity per
 * class, and allocChunkLimit as a function of maxBlockSize.
 *
 * Class of size s: 0 for s <= 8, else ceil(log2(s)) - 3; capacity 8 << class.
 * allocChunkLimit: 8192 halved while limit + 8 > (maxBlockSize - 40) / 4.
 */
#include "testing.h"

static const struct
{
    size_t size;
    int    fidx;
} size_classes[] = {
    {0, 0}, {1, 0}, {8, 0},          /* everything up to 8 shares the smallest chunk */
    {9, 1}, {16, 1},
    {17, 2}, {32, 2},
    {33, 3}, {64, 3},
    {65, 4}, {128, 4},
    {129, 5}, {256, 5},
    {257, 6}, {512, 6},
    {513, 7}, {1024, 7},
    {1025, 8}, {2048, 8},
    {2049, 9}, {4096, 9},
    {4097, 10}, {8192, 10},
    {8193, -1},                      /* above ALLOC_CHUNK_LIMIT: no class */
    {(size_t) 1 << 20, -1},
    {SIZE_MAX, -1},
};

#define N_SIZE_CLASSES COUNT(size_classes)

TEST(size_class_boundaries)
{
    for (size_t i = 0; i < N_SIZE_CLASSES; i++)
    {
        int got = ab_size_class(size_classes[i].size);

        if (got != size_classes[i].fidx)
            test_fail(__FILE__, __LINE__, "ab_size_class(%zu) = %d, expected %d",
                      size_classes[i].size, got, size_classes[i].fidx);
    }
}

/* In a DEFAULT context (limit 8192) every size up to 8192 gets a power-of-two chunk. */
TEST(chunk_capacity_per_class)
{
    AbContext *ctx = ab_aset_create(NULL, "classes", 0, 8192, 8 * 1024 * 1024);

    REQUIRE(ctx != NULL);
    for (size_t i = 0; i < N_SIZE_CLASSES; i++)
    {
        size_t size = size_classes[i].size;
        void *p;

        if (size_classes[i].fidx < 0)
            continue;
        REQUIRE_ALLOC(p, ctx, size);
        if (ab_chunk_capacity(p) != ((size_t) 8 << size_classes[i].fidx)
            || ab_chunk_space(p) != ((size_t) 8 << size_classes[i].fidx) + 8)
            test_fail(__FILE__, __LINE__, "size %zu: capacity %zu space %zu, expected %zu and %zu",
                      size, ab_chunk_capacity(p), ab_chunk_space(p),
                      (size_t) 8 << size_classes[i].fidx, ((size_t) 8 << size_classes[i].fidx) + 8);
        ab_free(p);
        /* the freed chunk sits on exactly the list of its class */
        CHECK_EQ_I64(ab_freelist_length(ctx, size_classes[i].fidx), 1);
        CHECK_EQ_PTR(ab_alloc(ctx, size), p);
    }
    ab_delete(ctx);
}

static size_t limit_for(size_t maxBlockSize)
{
    AbContext *ctx = ab_aset_create(NULL, "limit", 0, 1024, maxBlockSize);
    size_t limit;

    if (ctx == NULL)
        return 0;
    limit = ab_alloc_chunk_limit(ctx);
    ab_delete(ctx);
    return limit;
}

TEST(alloc_chunk_limit_by_max_block_size)
{
    CHECK_EQ_U64(limit_for(8192), 1024);          /* (8192 - 40) / 4 = 2038: 1032 fits, 2056 not */
    CHECK_EQ_U64(limit_for(12288), 2048);         /* 3062: 2056 fits, 4104 not */
    CHECK_EQ_U64(limit_for(16384), 2048);         /* 4086: 2056 fits, 4104 not */
    CHECK_EQ_U64(limit_for(16448), 2048);         /* 4102: still short of 4104 */
    CHECK_EQ_U64(limit_for(16456), 4096);         /* 4104: exactly 4096 + 8 */
    CHECK_EQ_U64(limit_for(32768), 4096);         /* 8182: 4104 fits, 8200 not */
    CHECK_EQ_U64(limit_for(65536), 8192);         /* 16374 >= 8200 */
    CHECK_EQ_U64(limit_for(8 * 1024 * 1024), 8192);
    CHECK_EQ_U64(limit_for(0x3ffffff8), 8192);    /* the largest legal maxBlockSize */
}

/* Around the limit of a SMALL context (1024): 1024 is a chunk, 1025 a dedicated block. */
TEST(chunk_limit_boundary_small_context)
{
    AbContext *ctx = ab_aset_create(NULL, "small", 0, 1024, 8192);
    void *p, *q;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 1024);
    CHECK_EQ_U64(ab_chunk_capacity(p), 1024);
    /*
     * 1032 > 784 free in the keeper: the 784 is cut into 512+8 and 256+8, and a new
     * block is taken of nextBlockSize 1024 doubled until 1024 + 40 + 8 fits: 2048.
     * total 3072; free 784 + (2048 - 40 - 1032 = 976) = 1760; used 1312 = 200 + 80 + 1032.
     */
    CHECK_STATS(ctx, 3072, 2, 1760, 2, 1312);

    REQUIRE_ALLOC(q, ctx, 1025);
    /* dedicated: MAXALIGN(1025) = 1032, block 1032 + 40 + 8 = 1080; capacity 1032 */
    CHECK_CHUNK(q, 1032, 1040);
    CHECK_STATS(ctx, 4152, 3, 1760, 2, 2392);
    ab_delete(ctx);
}

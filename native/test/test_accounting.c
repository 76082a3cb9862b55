/*
 * test_accounting.c -- the counters of fresh contexts and of small chunks:
 * what ab_stats reports, chunk capacity/space, freelist reuse.
 *
 * total = 200 (context) + sum of (endptr - block) over blocks, which for the
 * keeper is firstBlockSize - 200, so a fresh context's total is its first
 * block size; free = unused block tails + (capacity + 8) per freelist chunk.
 */
#include "testing.h"

TEST(fresh_default_context)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    /* first block = max(200 + 40 + 8, initBlockSize 8192) = 8192; free = 8192 - 200 - 40 */
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    CHECK_TREE_STATS(ctx, 8192, 1, 7952, 0, 240);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 0), 8192);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 1), 8192);
    CHECK_EQ_U64(ab_alloc_chunk_limit(ctx), 8192);
    CHECK_EQ_STR(ab_name(ctx), "Top");
    CHECK_EQ_STR(ab_ident(ctx), NULL);
    CHECK_EQ_PTR(ab_parent(ctx), NULL);
    CHECK_EQ_PTR(ab_first_child(ctx), NULL);
    CHECK_EQ_PTR(ab_next_sibling(ctx), NULL);
    CHECK_FREELISTS_EMPTY(ctx);
    CHECK_EQ_I64(ab_freelist_length(ctx, -1), -1);
    CHECK_EQ_I64(ab_freelist_length(ctx, 11), -1);
    ab_delete(ctx);
}

TEST(fresh_small_context)
{
    AbContext *ctx = ab_aset_create(NULL, "small", AB_SMALL_MINSIZE, AB_SMALL_INITSIZE,
                                    AB_SMALL_MAXSIZE);

    REQUIRE(ctx != NULL);
    /* 1024 - 240 = 784 free */
    CHECK_STATS(ctx, 1024, 1, 784, 0, 240);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 0), 1024);
    /* maxBlockSize 8192: (8192 - 40) / 4 = 2038 >= 1024 + 8, while 2048 + 8 is not */
    CHECK_EQ_U64(ab_alloc_chunk_limit(ctx), 1024);
    ab_delete(ctx);
}

TEST(fresh_start_small_context)
{
    AbContext *ctx = ab_aset_create(NULL, "start small", 0, 1024, MB8);

    REQUIRE(ctx != NULL);
    CHECK_STATS(ctx, 1024, 1, 784, 0, 240);
    CHECK_EQ_U64(ab_alloc_chunk_limit(ctx), 8192);
    ab_delete(ctx);
}

/* The smallest legal context: 1024 bytes everywhere. */
TEST(fresh_minimal_context)
{
    AbContext *ctx = ab_aset_create(NULL, "tiny", 1024, 1024, 1024);

    REQUIRE(ctx != NULL);
    CHECK_STATS(ctx, 1024, 1, 784, 0, 240);
    /* (1024 - 40) / 4 = 246: 128 + 8 = 136 fits, 256 + 8 = 264 does not */
    CHECK_EQ_U64(ab_alloc_chunk_limit(ctx), 128);
    ab_delete(ctx);
}

/* minContextSize above initBlockSize sizes the keeper; later blocks still start at initBlockSize. */
TEST(min_context_size_above_init)
{
    AbContext *ctx = ab_aset_create(NULL, "min16k", 16384, 8192, MB8);
    void *p[4];

    REQUIRE(ctx != NULL);
    /* keeper = max(248, minContextSize 16384); free 16384 - 240 = 16144 */
    CHECK_STATS(ctx, 16384, 1, 16144, 0, 240);

    /* 4096-byte chunks take 4104: 16144 / 4104 = 3 fit (12312), 3832 left */
    for (int i = 0; i < 3; i++)
        p[i] = ab_alloc(ctx, 4096);
    CHECK_STATS(ctx, 16384, 1, 3832, 0, 12552); /* used 240 + 12312 */
    p[3] = ab_alloc(ctx, 4096);
    REQUIRE(p[3] != NULL);
    /*
     * New block of nextBlockSize = initBlockSize 8192 (not 16384): total 24576.
     * The 3832 left over is cut into 2048+8, 1024+8, 512+8, 128+8, 64+8, 8+8
     * (3832 - 2056 = 1776, -1032 = 744, -520 = 224, -136 = 88, -72 = 16, -16 = 0).
     * free = 3832 (6 chunks) + (8192 - 40 - 4104 = 4048) = 7880; used 24576 - 7880 = 16696
     * = 200 + 2 * 40 + 4 * 4104.
     */
    CHECK_STATS(ctx, 24576, 2, 7880, 6, 16696);
    CHECK_FREELISTS(ctx, [8] = 1, [7] = 1, [6] = 1, [4] = 1, [3] = 1, [0] = 1);
    ab_delete(ctx);
}

/* minContextSize below initBlockSize: a small keeper, then an initBlockSize block. */
TEST(min_context_size_below_init)
{
    AbContext *ctx = ab_aset_create(NULL, "min1k", 1024, 8192, MB8);

    REQUIRE(ctx != NULL);
    CHECK_STATS(ctx, 1024, 1, 784, 0, 240);
    REQUIRE(ab_alloc(ctx, 1024) != NULL);
    /*
     * 1032 > 784: the 784 left is cut into 512+8 and 256+8 (784 - 520 = 264 = 256 + 8),
     * then a block of 8192: total 9216; free 784 + (8192 - 40 - 1032 = 7120) = 7904;
     * used 9216 - 7904 = 1312 = 200 + 2 * 40 + 1032.
     */
    CHECK_STATS(ctx, 9216, 2, 7904, 2, 1312);
    CHECK_FREELISTS(ctx, [6] = 1, [5] = 1);
    ab_delete(ctx);
}

TEST(small_chunk_alloc_and_free)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    void *p, *q;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 100);
    /* 100 -> class 4 (65..128): capacity 128, space 128 + 8 */
    CHECK_CHUNK(p, 128, 136);
    CHECK_EQ_PTR(ab_chunk_context(p), ctx);
    /* carved from the keeper: free 7952 - 136 = 7816, used 240 + 136 = 376 */
    CHECK_STATS(ctx, 8192, 1, 7816, 0, 376);

    CHECK_EQ_I64(ab_free(p), AB_OK);
    /* onto freelist 4: one free chunk, free 7816 + 136 = 7952, used back to 240 */
    CHECK_STATS(ctx, 8192, 1, 7952, 1, 240);
    CHECK_EQ_I64(ab_freelist_length(ctx, 4), 1);

    q = ab_alloc(ctx, 128); /* same class: the freed chunk comes back */
    CHECK_EQ_PTR(q, p);
    CHECK_EQ_I64(ab_freelist_length(ctx, 4), 0);
    CHECK_STATS(ctx, 8192, 1, 7816, 0, 376);
    ab_delete(ctx);
}

TEST(freelist_is_lifo_and_carving_is_contiguous)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    char *a, *b, *c, *d;

    REQUIRE(ctx != NULL);
    /* 24 -> class 2: 32 + 8 = 40 bytes each, carved one after another */
    a = ab_alloc(ctx, 24);
    b = ab_alloc(ctx, 24);
    c = ab_alloc(ctx, 24);
    REQUIRE(a != NULL && b != NULL && c != NULL);
    CHECK_EQ_PTR(b, a + 40);
    CHECK_EQ_PTR(c, a + 80);
    CHECK_STATS(ctx, 8192, 1, 7832, 0, 360); /* 7952 - 3 * 40; 240 + 120 */

    ab_free(a);
    ab_free(b);
    ab_free(c);
    CHECK_EQ_I64(ab_freelist_length(ctx, 2), 3);
    CHECK_STATS(ctx, 8192, 1, 7952, 3, 240); /* 7832 + 3 * 40 */

    /* any size of class 2 (17..32) pops the most recently freed first */
    CHECK_EQ_PTR(ab_alloc(ctx, 17), c);
    CHECK_EQ_PTR(ab_alloc(ctx, 32), b);
    CHECK_EQ_PTR(ab_alloc(ctx, 20), a);
    d = ab_alloc(ctx, 24); /* freelist empty: carved after c */
    CHECK_EQ_PTR(d, a + 120);
    CHECK_STATS(ctx, 8192, 1, 7792, 0, 400); /* 7952 - 4 * 40 */
    ab_delete(ctx);
}

TEST(alloc_zero_bytes)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    void *p;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 0);
    /* palloc(0) is legal: smallest chunk, 8 + 8 */
    CHECK_CHUNK(p, 8, 16);
    CHECK_STATS(ctx, 8192, 1, 7936, 0, 256);
    ab_delete(ctx);
}

TEST(alloc0_zeroes)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    unsigned char *p, *q, *big;
    int nonzero = 0;

    REQUIRE(ctx != NULL);
    REQUIRE_ALLOC(p, ctx, 200);
    memset(p, 0xAB, 200);
    ab_free(p);
    q = ab_alloc0(ctx, 200); /* reuses the dirty chunk */
    REQUIRE(q == p);
    for (int i = 0; i < 200; i++)
        nonzero += q[i] != 0;
    CHECK_EQ_I64(nonzero, 0);

    big = ab_alloc_extended(ctx, 20000, AB_ALLOC_ZERO);
    REQUIRE(big != NULL);
    for (int i = 0; i < 20000; i++)
        nonzero += big[i] != 0;
    CHECK_EQ_I64(nonzero, 0);
    ab_delete(ctx);
}

TEST(mem_allocated_counts_blocks)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    AbContext *child;

    REQUIRE(top != NULL);
    child = ab_aset_create(top, "child", 0, 1024, 8192);
    REQUIRE(child != NULL);
    REQUIRE(ab_alloc(top, 10000) != NULL); /* dedicated block 10000 + 40 + 8 */
    CHECK_EQ_U64(ab_mem_allocated(top, 0), 18240);       /* 8192 + 10048 */
    CHECK_EQ_U64(ab_mem_allocated(top, 1), 19264);       /* + 1024 of the child */
    CHECK_EQ_U64(ab_mem_allocated(child, 1), 1024);
    CHECK_TREE_STATS(top, 19264, 3, 8736, 0, 10528);     /* free 7952 + 784; used 10288 + 240 */
    ab_delete(top);
}

TEST(struct_sizes_for_the_binding)
{
    CHECK_EQ_U64(ab_sizeof_counters(), 40);  /* 5 x uint64 */
    CHECK_EQ_U64(ab_sizeof_row(), 72);       /* 3 pointers + 2 int32 + 40 */
    CHECK_EQ_U64(sizeof(AbCounters), ab_sizeof_counters());
    CHECK_EQ_U64(sizeof(AbContextRow), ab_sizeof_row());
    CHECK_EQ_STR(ab_variant(), "pg16");
    ab_noop();
}

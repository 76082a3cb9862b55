/*
 * test_blocks.c -- carving chunks out of the head block, cutting a full
 * block's leftover into freelist chunks, and the block size sequence
 * (doubling from initBlockSize, capped at maxBlockSize, doubled further when
 * a chunk would not fit).
 *
 * Leftover carving: while at least 8 + 8 bytes remain, take the largest
 * power of two c with c + 8 <= remaining, push a chunk of capacity c.
 */
#include "testing.h"

/* Allocates size until the context gains a block; returns how many allocations that took. */
static int allocs_until_new_block(AbContext *ctx, size_t size, void **last)
{
    AbCounters before, after;
    int n = 0;

    ab_stats(ctx, 0, &before);
    do
    {
        *last = ab_alloc(ctx, size);
        if (*last == NULL)
            return -1;
        n++;
        ab_stats(ctx, 0, &after);
    } while (after.nblocks == before.nblocks && n < 100000);
    return n;
}

TEST(keeper_fills_then_leftover_is_carved)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    char *a[8];

    REQUIRE(ctx != NULL);
    /* 1024-byte requests take 1032: 7952 / 1032 = 7 fit (7224), 728 left */
    for (int i = 0; i < 7; i++)
    {
        a[i] = ab_alloc(ctx, 1024);
        REQUIRE(a[i] != NULL);
        if (i > 0)
            CHECK_EQ_PTR(a[i], a[i - 1] + 1032);
    }
    CHECK_STATS(ctx, 8192, 1, 728, 0, 7464);      /* used 240 + 7224 */

    a[7] = ab_alloc(ctx, 1024);
    REQUIRE(a[7] != NULL);
    /*
     * 728 left: 512+8 (208 left), 128+8 (72 left), 64+8 (0 left) -> lists 6, 4, 3.
     * New block 8192 (nextBlockSize starts at initBlockSize): total 16384;
     * free 728 + (8192 - 40 - 1032 = 7120) = 7848 in 3 chunks; used 8536 = 200 + 80 + 8 * 1032.
     */
    CHECK_STATS(ctx, 16384, 2, 7848, 3, 8536);
    CHECK_FREELISTS(ctx, [6] = 1, [4] = 1, [3] = 1);

    /* the leftover chunks sit where the keeper's free space began, in carving order */
    CHECK_EQ_PTR(ab_alloc(ctx, 500), a[6] + 1032);
    CHECK_EQ_PTR(ab_alloc(ctx, 100), a[6] + 1032 + 520);
    CHECK_EQ_PTR(ab_alloc(ctx, 60), a[6] + 1032 + 520 + 136);
    CHECK_STATS(ctx, 16384, 2, 7120, 0, 9264);    /* all three reused: 7848 - 728 */
    ab_delete(ctx);
}

/* DEFAULT: blocks of 8192, 16384, 32768, 65536 after the 8192 keeper. */
TEST(block_size_doubles_default)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    void *last;

    REQUIRE(ctx != NULL);
    /*
     * With 1032-byte chunks a block of B bytes holds (B - 40) / 1032 of them:
     * keeper 7 (of 7952), 8192 -> 7, 16384 -> 15, 32768 -> 31.  So the first
     * allocation in a new block is #8, #15, #30, #61.
     */
    CHECK_EQ_I64(allocs_until_new_block(ctx, 1024, &last), 8);
    CHECK_STATS(ctx, 16384, 2, 7848, 3, 8536);
    CHECK_EQ_I64(allocs_until_new_block(ctx, 1024, &last), 7);   /* #15 */
    /* 8192 * 2 + 16384; free 728 + 928 + (16384 - 40 - 1032) = 16968; used 200 + 3 * 40 + 15 * 1032 */
    CHECK_STATS(ctx, 32768, 3, 16968, 6, 15800);
    CHECK_EQ_I64(allocs_until_new_block(ctx, 1024, &last), 15);  /* #30 */
    CHECK_EQ_I64(ab_mem_allocated(ctx, 0), 65536);
    CHECK_EQ_I64(allocs_until_new_block(ctx, 1024, &last), 31);  /* #61 */
    /*
     * total 8192 + 8192 + 16384 + 32768 + 65536 = 131072.
     * Leftovers: keeper 728 = 520+136+72; 8192 block 8152 - 7224 = 928 = 520+264+136 (+8 waste);
     * 16384 block 16344 - 15480 = 864 = 520+264+72 (+8); 32768 block 32728 - 31992 = 736
     * = 520+136+72 (+8); head 65536 - 40 - 1032 = 64464.
     * free = 728 + 928 + 864 + 736 + 64464 = 67720 in 12 chunks;
     * used = 131072 - 67720 = 63352 = 200 + 5 * 40 + 61 * 1032.
     */
    CHECK_STATS(ctx, 131072, 5, 67720, 12, 63352);
    CHECK_FREELISTS(ctx, [6] = 4, [5] = 2, [4] = 3, [3] = 3);
    ab_delete(ctx);
}

/* SMALL: 1024 keeper, then 1024, 2048, 4096, 8192, and 8192 again (capped). */
TEST(block_size_capped_small)
{
    AbContext *ctx = ab_aset_create(NULL, "small", 0, 1024, 8192);
    void *last;
    static const int expected_allocs[] = {2, 1, 3, 7, 15, 15};
    static const uint64_t expected_total[] = {2048, 4096, 8192, 16384, 24576, 32768};

    REQUIRE(ctx != NULL);
    /*
     * 512-byte requests take 520: keeper 784 -> 1, 1024 -> 1 (984), 2048 -> 3 (2008),
     * 4096 -> 7 (4056), 8192 -> 15 (8152).  New blocks at #2, #3, #6, #13, #28, #43.
     */
    for (int i = 0; i < 6; i++)
    {
        CHECK_EQ_I64(allocs_until_new_block(ctx, 512, &last), expected_allocs[i]);
        CHECK_EQ_U64(ab_mem_allocated(ctx, 0), expected_total[i]);
    }
    /*
     * 43 chunks of 520: used = 200 + 7 * 40 + 43 * 520 = 22840; free = 32768 - 22840 = 9928.
     * Leftovers: keeper 264 = 256+8 (1 chunk); 1024 block 464 = 264+136+40+24 (4);
     * 2048 block 448 = 264+136+40 (+8 waste) (3); 4096 block 416 = 264+136+16 (3);
     * two 8192 blocks 352 = 264+72+16 (3 each); head 8192 - 40 - 520 = 7632.
     */
    CHECK_STATS(ctx, 32768, 7, 9928, 17, 22840);
    ab_delete(ctx);
}

/* A chunk bigger than nextBlockSize: the block is doubled until it fits, nextBlockSize is not. */
TEST(block_doubled_until_chunk_fits)
{
    AbContext *ctx = ab_aset_create(NULL, "start small", 0, 1024, MB8);

    REQUIRE(ctx != NULL);
    REQUIRE(ab_alloc(ctx, 8192) != NULL);
    /*
     * 8192 <= limit 8192: a chunk of 8200.  Keeper 784 -> 512+8, 256+8.  Block: nextBlockSize
     * 1024 (next becomes 2048), doubled to 16384 >= 8192 + 48.  total 1024 + 16384 = 17408;
     * free 784 + (16384 - 40 - 8200 = 8144) = 8928; used 8480 = 200 + 80 + 8200.
     */
    CHECK_STATS(ctx, 17408, 2, 8928, 2, 8480);

    REQUIRE(ab_alloc(ctx, 8192) != NULL);
    /*
     * 8144 < 8200: cut into 4096, 2048, 1024, 512, 256, 128, 16 (+8 each = 8136, 8 waste);
     * block: nextBlockSize 2048 (next 4096) doubled to 16384 again.  total 33792;
     * free 784 + 8144 + 8144 = 17072 in 9 chunks; used 16720 = 200 + 120 + 2 * 8200.
     */
    CHECK_STATS(ctx, 33792, 3, 17072, 9, 16720);
    CHECK_FREELISTS(ctx, [9] = 1, [8] = 1, [7] = 1, [6] = 2, [5] = 2, [4] = 1, [1] = 1);
    ab_delete(ctx);
}

/* The exact-fit case of leftover carving, and a tail too small for any chunk. */
TEST(leftover_exact_and_waste)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    /* Leave exactly 16 bytes in the keeper: 7952 - 16 = 7936 = 4104 + 2056 + 1032 + 520 + 136 + 72 + 16 */
    REQUIRE(ab_alloc(ctx, 4096) && ab_alloc(ctx, 2048) && ab_alloc(ctx, 1024) && ab_alloc(ctx, 512)
            && ab_alloc(ctx, 128) && ab_alloc(ctx, 64) && ab_alloc(ctx, 8));
    CHECK_STATS(ctx, 8192, 1, 16, 0, 8176);
    REQUIRE(ab_alloc(ctx, 16) != NULL);
    /* 16 left, the request needs 24: the 16 become one 8-byte chunk (8 + 8 exactly) */
    CHECK_EQ_I64(ab_freelist_length(ctx, 0), 1);
    /* new 8192 block: free 16 + (8192 - 40 - 24 = 8128) = 8144; used 16384 - 8144 = 8240 */
    CHECK_STATS(ctx, 16384, 2, 8144, 1, 8240);
    ab_delete(ctx);

    ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    REQUIRE(ctx != NULL);
    /* leave 8 bytes: 7952 - 8 = 7944 = 4104 + 2056 + 1032 + 520 + 136 + 72 + 24 */
    REQUIRE(ab_alloc(ctx, 4096) && ab_alloc(ctx, 2048) && ab_alloc(ctx, 1024) && ab_alloc(ctx, 512)
            && ab_alloc(ctx, 128) && ab_alloc(ctx, 64) && ab_alloc(ctx, 16));
    CHECK_STATS(ctx, 8192, 1, 8, 0, 8184);
    REQUIRE(ab_alloc(ctx, 1) != NULL);
    /* 8 < 8 + 8: no chunk; the 8 bytes stay as block tail, still counted free */
    CHECK_FREELISTS_EMPTY(ctx);
    /* free 8 + (8192 - 40 - 16 = 8136) = 8144; used 16384 - 8144 = 8240 */
    CHECK_STATS(ctx, 16384, 2, 8144, 0, 8240);
    ab_delete(ctx);
}

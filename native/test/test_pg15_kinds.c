/*
 * test_pg15_kinds.c -- Generation and Slab as PostgreSQL 15 has them (the
 * -DAB_LAYOUT=15 build).  The figures of the first tests were read from a
 * real PostgreSQL 15.20 backend (a throwaway C function calling the
 * contexts' own stats method); the others are worked out by hand from the
 * same rules.  Sizes: Generation struct 152, block header 48, chunk header
 * 24; Slab struct 128 + 16 per free count, block header 24, chunk header 16.
 */
#include "kinds_testing.h"

static const size_t sizes[] = {1, 8, 9, 100, 1000, 8192, 8193, 100000};

TEST(pg15_generation_matches_postgresql_15)
{
    static const size_t spaces[] = {32, 32, 40, 128, 1024, 8216, 8224, 100024};
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[COUNT(sizes)];

    REQUIRE(g != NULL);
    CHECK_STATS_LINE(g, "gen: 8192 total in 1 blocks (0 chunks); 7992 free (0 chunks); 200 used");
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 8040);
    for (size_t i = 0; i < COUNT(sizes); i++)
    {
        REQUIRE_ALLOC(p[i], g, sizes[i]);
        CHECK_EQ_U64(ab_chunk_space(p[i]), spaces[i]);
    }
    CHECK_STATS(g, 172032, 4, 53968, 0, 118064);
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 171880);
    CHECK_EQ_I64(ab_free(p[0]), AB_OK);
    CHECK_STATS(g, 172032, 4, 53968, 1, 118064);
    /* A freed chunk names no context any more: a second pfree is refused. */
    CHECK(ab_free(p[0]) != AB_OK);
    for (size_t i = 1; i < COUNT(sizes); i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    /* The keeper and the freeblock (the first 16384) stay; the current block went too. */
    CHECK_STATS(g, 24576, 2, 24576 - 248, 0, 248);
    ab_reset(g);
    CHECK_STATS(g, 8192, 1, 7992, 0, 200);
    CHECK(ab_check(g) == AB_OK);
    ab_delete(g);
}

/*
 * PostgreSQL 15 tries an emptied keeper before a new block, and forgets the
 * freeblock whenever it makes a new block: the forgotten block stays in the
 * list, empty, until reset.
 */
TEST(pg15_generation_keeper_reuse_and_forgotten_freeblock)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[5];

    REQUIRE(g != NULL);
    REQUIRE_ALLOC(p[0], g, 7000);   /* keeper: 7992 - 7024 = 968 left */
    REQUIRE_ALLOC(p[1], g, 7000);   /* new 8192 block: 1120 left */
    REQUIRE_ALLOC(p[2], g, 7000);   /* new 16384 block: 9312 left */
    CHECK_EQ_I64(ab_free(p[1]), AB_OK);   /* the 8192 block: the freeblock (8144 free) */
    REQUIRE_ALLOC(p[3], g, 7000);   /* fits the current block: 2288 left */
    REQUIRE_ALLOC(p[4], g, 9000);   /* 9024: not the freeblock (8144), not the keeper (in use): new 32768 */
    CHECK_STATS(g, 65536, 4, 968 + 8144 + 2288 + 23696, 0, 65536 - 35096);
    CHECK_EQ_I64(ab_free(p[2]), AB_OK);
    CHECK_EQ_I64(ab_free(p[3]), AB_OK);   /* the 16384 block empties: the freeblock now (the 8192 is forgotten) */
    CHECK_STATS(g, 65536, 4, 968 + 8144 + 16336 + 23696, 0, 65536 - 49144);
    CHECK_EQ_I64(ab_free(p[0]), AB_OK);   /* the keeper empties: rewound */
    REQUIRE_ALLOC(p[0], g, 20000);        /* 20024 fits the current block (23696) */
    REQUIRE_ALLOC(p[1], g, 7000);         /* 3672 left: the freeblock (16336) */
    REQUIRE_ALLOC(p[2], g, 9000);         /* 9312 left in it: fits */
    REQUIRE_ALLOC(p[3], g, 4000);         /* 288 left: no freeblock; the empty keeper (7992) fits */
    CHECK_STATS(g, 65536, 4, (7992 - 4024) + 8144 + 288 + 3672, 0, 65536 - 16072);
    ab_delete(g);
}

TEST(pg15_slab_matches_postgresql_15)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, 100);
    void *p[68];

    REQUIRE(s != NULL);
    /* 128 + 16 * (68 + 1): the list array has one entry per free count. */
    CHECK_STATS_LINE(s, "slab: 1232 total in 0 blocks; 0 free (0 chunks); 1232 used");
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 0);
    for (int i = 0; i < 64; i++)
        REQUIRE_ALLOC(p[i], s, 100);
    CHECK_EQ_U64(ab_chunk_space(p[0]), 120);
    CHECK_STATS(s, 9424, 1, 480, 4, 8944);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_STATS(s, 9424, 1, 1680, 14, 7744);
    /* The slot freed last is reused first. */
    CHECK_EQ_PTR(ab_alloc(s, 100), p[9]);
    CHECK_EQ_I64(ab_free(p[9]), AB_OK);
    /* Emptied, the block is freed at once: PostgreSQL 15 keeps no empty blocks. */
    for (int i = 10; i < 64; i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_STATS(s, 1232, 0, 0, 0, 1232);
    CHECK_EQ_U64(ab_mem_allocated(s, 0), 0);
    CHECK(ab_slab_create(NULL, "tiny", 100, 100) == NULL);
    CHECK_EQ_STR(ab_error_message(), "block size 100 for slab is too small for 100 chunks");
    ab_delete(s);
}

/*
 * Two full blocks; a chunk freed in the first leaves minFreeChunks at 0,
 * because the second is still on the list of full blocks: PostgreSQL 15's
 * next palloc makes a third block although the first has room.
 */
TEST(pg15_slab_full_blocks_hide_a_freed_slot)
{
    AbContext *s = ab_slab_create(NULL, "slab", 8192, 100);
    static void *p[2 * 68];

    REQUIRE(s != NULL);
    for (int i = 0; i < 2 * 68; i++)
        REQUIRE_ALLOC(p[i], s, 100);
    CHECK_EQ_I64(ab_free(p[0]), AB_OK);
    CHECK_STATS(s, 1232 + 2 * 8192, 2, 120, 1, 1232 + 2 * 8192 - 120);
    REQUIRE(ab_alloc(s, 100) != p[0]);
    CHECK_STATS(s, 1232 + 3 * 8192, 3, 120 + 67 * 120, 68, 1232 + 3 * 8192 - 68 * 120);
    CHECK(ab_check(s) == AB_OK);
    ab_delete(s);
}

/*
 * test_generation.c -- the Generation context as PostgreSQL 17 has it (the
 * default build).  Every figure is worked out by hand from the sizes in
 * src/generation.c: context struct 128, block header 56, chunk header 8;
 * Generation(0, 8192, 8 MiB) has a keeper of 8192 - 128 = 8064 bytes and an
 * allocChunkLimit of 512 KiB (halved until limit + 8 <= (8 MiB - 56) / 8).
 */
#include "kinds_testing.h"

static const size_t sizes[] = {1, 8, 9, 100, 1000, 8192, 8193, 100000};

TEST(generation_fresh_context)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);

    REQUIRE(g != NULL);
    CHECK_EQ_STR(ab_context_type(g), "Generation");
    /* 128 + 8064 total; used = the struct and the keeper's header (56). */
    CHECK_STATS(g, 8192, 1, 8008, 0, 184);
    CHECK_STATS_LINE(g, "gen: 8192 total in 1 blocks (0 chunks); 8008 free (0 chunks); 184 used");
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 8064); /* the keeper only: the struct is not a block */
    CHECK(ab_check(g) == AB_OK);
    ab_delete(g);
}

/*
 * The five small requests (chunks 8, 8, 16, 104, 1000 + 8 each = 1176) fit
 * the keeper (6832 left).  8192 (8200 with its header) does not: the next
 * block size is 8192, too small for 8200 + 56, so 16384.  8193 (8208) does
 * not fit that one's 8128: a block of the next size, 16384 (8120 left).
 * 100000 is below the limit: the next size, 32768, is too small for
 * 100008 + 56, so 131072 (31008 left).
 */
static void allocate_all(AbContext *g, void *p[])
{
    for (size_t i = 0; i < COUNT(sizes); i++)
        p[i] = ab_alloc(g, sizes[i]);
}

TEST(generation_blocks_grow_and_round_to_a_power_of_two)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[COUNT(sizes)];

    REQUIRE(g != NULL);
    allocate_all(g, p);
    for (size_t i = 0; i < COUNT(sizes); i++)
        REQUIRE(p[i] != NULL);
    /* 128 + 8064 + 16384 + 16384 + 131072; free 6832 + 8128 + 8120 + 31008. */
    CHECK_STATS(g, 172032, 4, 54088, 0, 117944);
    CHECK_STATS_LINE(g, "gen: 172032 total in 4 blocks (8 chunks); 54088 free (0 chunks); 117944 used");
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 172032 - 128);
    /* Chunks are MAXALIGNed requests, no power-of-two rounding. */
    CHECK_CHUNK(p[0], 8, 16);
    CHECK_CHUNK(p[2], 16, 24);
    CHECK_CHUNK(p[3], 104, 112);
    CHECK_CHUNK(p[6], 8200, 8208);
    CHECK_CHUNK(p[7], 100000, 100008);
    CHECK_EQ_PTR(ab_chunk_context(p[7]), g);
    CHECK(ab_check(g) == AB_OK);
    ab_delete(g);
}

TEST(generation_freed_chunks_are_counted_not_reused)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[COUNT(sizes)];
    void *again;

    REQUIRE(g != NULL);
    allocate_all(g, p);
    CHECK_EQ_I64(ab_free(p[3]), AB_OK);
    /* One free chunk; its 112 bytes are not free space (only a whole block's are). */
    CHECK_STATS(g, 172032, 4, 54088, 1, 117944);
    again = ab_alloc(g, 100);
    CHECK(again != p[3]);
    CHECK_STATS(g, 172032, 4, 54088 - 112, 1, 117944 + 112); /* carved from the current block */
    ab_delete(g);
}

/*
 * Freed in allocation order: the keeper empties (rewound, kept), then the
 * first 16384 block (kept as the freeblock), then the second (freed), then
 * the 131072 one, which is the current block: PostgreSQL 17 keeps it,
 * rewound.  Three blocks stay, each with only its header used.
 */
TEST(generation_empty_blocks_keeper_freeblock_current)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[COUNT(sizes)];

    REQUIRE(g != NULL);
    allocate_all(g, p);
    for (size_t i = 0; i < COUNT(sizes); i++)
        CHECK_EQ_I64(ab_free(p[i]), AB_OK);
    CHECK_STATS(g, 128 + 8064 + 16384 + 131072, 3, 155648 - 128 - 3 * 56, 0, 128 + 3 * 56);
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 8064 + 16384 + 131072);
    CHECK(ab_check(g) == AB_OK);

    /* The current block was rewound: the next chunk starts right after its header. */
    REQUIRE(ab_alloc(g, 100) != NULL);
    CHECK_STATS(g, 155648, 3, 155648 - 296 - 112, 0, 296 + 112);
    ab_reset(g);
    CHECK_STATS(g, 8192, 1, 8008, 0, 184);
    CHECK_EQ_U64(ab_mem_allocated(g, 0), 8064);
    ab_delete(g);
}

/*
 * The freeblock is reused before a new block is made; an emptied keeper is
 * not (PostgreSQL 17 reuses it only after a reset).  Four chunks of 8000
 * (8008 with the header): the keeper fits one exactly; the next block size
 * is 8192, which fits 8008 + 56 (128 left); then 16384, which fits two (8320,
 * then 312 left).
 */
TEST(generation_reuses_the_freeblock_not_the_keeper)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *p[4];

    REQUIRE(g != NULL);
    for (int i = 0; i < 4; i++)
        REQUIRE_ALLOC(p[i], g, 8000);
    CHECK_STATS(g, 32768, 3, 0 + 128 + 312, 0, 32768 - 440);
    CHECK_EQ_I64(ab_free(p[1]), AB_OK); /* the 8192 block empties: it becomes the freeblock, rewound */
    CHECK_EQ_I64(ab_free(p[0]), AB_OK); /* the keeper empties: rewound */
    CHECK_STATS(g, 32768, 3, 8008 + 8136 + 312, 0, 32768 - 16456);
    REQUIRE(ab_alloc(g, 8000) != NULL); /* into the freeblock */
    CHECK_STATS(g, 32768, 3, 8008 + 128 + 312, 0, 32768 - 8448);
    REQUIRE(ab_alloc(g, 8000) != NULL); /* no freeblock, and the keeper is passed over: a new 32768 */
    CHECK_STATS(g, 65536, 4, 8008 + 128 + 312 + 24704, 0, 65536 - 33152);
    CHECK(ab_check(g) == AB_OK);
    ab_delete(g);
}

TEST(generation_realloc_in_place_or_moved)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    char *p, *q;

    REQUIRE(g != NULL);
    REQUIRE_ALLOC(p, g, 10); /* a 16-byte chunk */
    memcpy(p, "0123456789", 10);
    CHECK_EQ_PTR(ab_realloc(p, 16), p);   /* fits its chunk */
    CHECK_EQ_PTR(ab_realloc(p, 3), p);    /* shrinks in place */
    q = ab_realloc(p, 17);                /* moved: alloc, copy, free */
    REQUIRE(q != NULL);
    CHECK(q != p);
    CHECK(memcmp(q, "0123456789", 10) == 0);
    /* Two chunks carved (16 and 24 bytes + headers), one of them freed. */
    CHECK_STATS(g, 8192, 1, 8008 - 24 - 32, 1, 184 + 24 + 32);
    ab_delete(g);
}

TEST(generation_large_chunks_get_a_block_of_their_own)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);
    void *big;

    REQUIRE(g != NULL);
    REQUIRE_ALLOC(big, g, 600000); /* above 524288: 600000 + 8 + 56 */
    CHECK_STATS(g, 8192 + 600064, 2, 8008, 0, 184 + 600064);
    CHECK_CHUNK(big, 600000, 600008);
    CHECK_EQ_PTR(ab_chunk_context(big), g);
    /* Emptied, it is kept as the freeblock (as any empty block that is not current). */
    CHECK_EQ_I64(ab_free(big), AB_OK);
    CHECK_STATS(g, 8192 + 600064, 2, 8008 + 600008, 0, 184 + 56);
    ab_delete(g);
}

TEST(generation_refuses_bad_sizes_in_postgresql_words)
{
    AbContext *g = ab_generation_create(NULL, "gen", 0, 8192, MB8);

    REQUIRE(g != NULL);
    CHECK(ab_alloc(g, (size_t) 0x40000000) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 1073741824");
    CHECK(ab_generation_create(NULL, "bad", 0, 1000, MB8) == NULL);
    CHECK(strstr(ab_error_message(), "invalid initBlockSize 1000") != NULL);
    CHECK_EQ_U64(ab_alloc_chunk_limit(g), 0);
    CHECK_EQ_STR(ab_error_message(),
                 "ab_alloc_chunk_limit: memory context \"gen\" is a Generation context, not an AllocSet");
    ab_delete(g);
}

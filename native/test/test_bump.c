/*
 * test_bump.c -- the Bump context (PostgreSQL 17).  Figures worked out by
 * hand from src/bump.c: context struct 112, block header 32, no chunk
 * header.  Bump(0, 8192, 8 MiB): one malloc of 8192 holds the struct and a
 * keeper of 8080; allocChunkLimit 512 KiB (halved until limit <= (8 MiB - 32) / 8).
 */
#include "kinds_testing.h"

TEST(bump_fresh_context)
{
    AbContext *b = ab_bump_create(NULL, "bump", 0, 8192, MB8);

    REQUIRE(b != NULL);
    CHECK_EQ_STR(ab_context_type(b), "Bump");
    /* The total counts blocks only; mem_allocated the whole malloc. */
    CHECK_STATS_LINE(b, "bump: 8080 total in 1 blocks; 8048 free; 32 used");
    CHECK_STATS(b, 8080, 1, 8048, 0, 32);
    CHECK_EQ_U64(ab_mem_allocated(b, 0), 8192);
    CHECK(ab_check(b) == AB_OK);
    ab_delete(b);
}

TEST(bump_chunks_have_no_header)
{
    AbContext *b = ab_bump_create(NULL, "bump", 0, 8192, MB8);
    char *p, *q, *r;

    REQUIRE(b != NULL);
    REQUIRE_ALLOC(p, b, 1);
    REQUIRE_ALLOC(q, b, 100);
    REQUIRE_ALLOC(r, b, 16);
    CHECK_EQ_PTR(q, p + 8);     /* MAXALIGN(1), nothing in between */
    CHECK_EQ_PTR(r, q + 104);
    CHECK_STATS(b, 8080, 1, 8048 - 128, 0, 32 + 128);
    ab_delete(b);
}

/*
 * 8000 does not fit the keeper's 7920 left: a block of the next size, 8192
 * (8000 + 32 fits), the keeper's tail abandoned (still counted free).  A
 * request above the limit gets its own block at the tail, so the next small
 * chunk still comes from the 8192 block.
 */
TEST(bump_blocks_and_large_chunks)
{
    AbContext *b = ab_bump_create(NULL, "bump", 0, 8192, MB8);
    char *p, *big, *after;

    REQUIRE(b != NULL);
    REQUIRE_ALLOC(p, b, 128);
    REQUIRE_ALLOC(p, b, 8000);
    CHECK_STATS(b, 8080 + 8192, 2, 7920 + 160, 0, 8080 + 8192 - 8080);
    CHECK_EQ_U64(ab_mem_allocated(b, 0), 8192 + 8192);
    REQUIRE_ALLOC(big, b, 600000);
    CHECK_STATS(b, 8080 + 8192 + 600032, 3, 8080, 0, 8080 + 8192 + 600032 - 8080);
    REQUIRE_ALLOC(after, b, 16);
    CHECK_EQ_PTR(after, p + 8000);
    CHECK(ab_check(b) == AB_OK);
    ab_reset(b);
    CHECK_STATS_LINE(b, "bump: 8080 total in 1 blocks; 8048 free; 32 used");
    CHECK_EQ_U64(ab_mem_allocated(b, 0), 8192);
    ab_delete(b);
}

TEST(bump_pointers_are_not_recognised)
{
    AbContext *b = ab_bump_create(NULL, "bump", 0, 8192, MB8);
    void *p;

    REQUIRE(b != NULL);
    /* The first chunk follows the keeper's header, whose last word is a pointer: never a chunk word. */
    REQUIRE_ALLOC(p, b, 64);
    CHECK(ab_free(p) != AB_OK);
    CHECK(strstr(ab_error_message(), "pfree called with invalid pointer") != NULL);
    ab_delete(b);
}

/* Contexts of every kind in one tree: reset deletes the children, the dump speaks each kind's words. */
TEST(kinds_share_the_tree_and_the_dump)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    char buf[2048];

    REQUIRE(top != NULL);
    REQUIRE(ab_bump_create(top, "B", 0, 8192, MB8) != NULL);
    REQUIRE(ab_slab_create(top, "S", 8192, 100) != NULL);
    REQUIRE(ab_generation_create(top, "G", 0, 8192, MB8) != NULL);
    REQUIRE(ab_stats_dump(top, 0, buf, sizeof(buf)) < sizeof(buf));
    CHECK_EQ_STR(buf,
                 "Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n"
                 "  G: 8192 total in 1 blocks (0 chunks); 8008 free (0 chunks); 184 used\n"
                 "  S: 176 total in 0 blocks; 0 empty blocks; 0 free (0 chunks); 176 used\n"
                 "  B: 8080 total in 1 blocks; 8048 free; 32 used\n"
                 "Grand total: 24640 bytes in 3 blocks; 24008 free (0 chunks); 632 used\n");
    CHECK_EQ_U64(ab_mem_allocated(top, 1), 8192 + 8064 + 0 + 8192);
    ab_reset(top);
    CHECK(ab_first_child(top) == NULL);
    ab_delete(top);
}

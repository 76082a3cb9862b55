/*
 * test_check_chunks.c -- the checking builds (liballocbench-pg16-check and
 * -pg15-check, -DAB_CHECKING), run as build/tests-variant-pg16-check and
 * build/tests-variant-pg15-check: sentinels, wipes, double pfree, realloc of
 * a freed chunk, invalid pointers, and the consistency check on reset.  The
 * tests hold for both layouts; where sizes differ, the layout is asked.
 */
#include <stdbool.h>
#include <stdint.h>

#include "testing.h"

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool pg15(void)
{
    return strncmp(ab_variant(), "pg15", 4) == 0;
}

/* Chunk header bytes: the layout's own, plus the requested size. */
static size_t header(void)
{
    return pg15() ? 24 : 16;
}

static AbContext *context(void)
{
    return ab_aset_create(NULL, "check", 0, 8192, 8 << 20);
}

TEST(check_build_says_so_and_keeps_the_context_size)
{
    AbContext *cxt = context();

    REQUIRE(cxt != NULL);
    CHECK_EQ_I64(ab_checking_enabled(), 1);
    CHECK(strstr(ab_variant(), "-check") != NULL);
    if (pg15())
        CHECK_STATS(cxt, 8192, 1, 7928, 0, 264);
    else
        CHECK_STATS(cxt, 8192, 1, 7952, 0, 240);
    CHECK_EQ_U64(ab_chunk_space(ab_alloc(cxt, 1)), 8 + header());
    CHECK_EQ_I64(ab_check(cxt), AB_OK);
    ab_delete(cxt);
}

TEST(check_write_past_chunk_end)
{
    AbContext *cxt = context();
    char *p;
    char expected[128];

    REQUIRE(cxt != NULL);
    p = ab_alloc(cxt, 10); /* 16-byte class: the sentinel sits at p[10] */
    REQUIRE(p != NULL);
    CHECK_EQ_U64((unsigned char) p[10], 0x7E);
    p[10] = 'x';
    CHECK_EQ_I64(ab_free(p), AB_ERR_MEMORY_CHECK);
    snprintf(expected, sizeof(expected), "detected write past chunk end in check %p", (void *) (p - header()));
    CHECK_EQ_STR(ab_error_message(), expected);
    CHECK_EQ_I64(ab_check(cxt), AB_ERR_MEMORY_CHECK);
    CHECK(starts_with(ab_error_message(), "problem in alloc set check: detected write past chunk end in block "));
    CHECK(ab_realloc(p, 12) == NULL);
    CHECK(starts_with(ab_error_message(), "detected write past chunk end in check"));
    /* Refused, not done: repaired, the chunk frees normally. */
    p[10] = 0x7E;
    CHECK_EQ_I64(ab_free(p), AB_OK);
    ab_delete(cxt);
}

TEST(check_freed_memory_is_wiped_and_a_second_pfree_is_detected)
{
    AbContext *cxt = context();
    unsigned char *p;

    REQUIRE(cxt != NULL);
    REQUIRE_ALLOC(p, cxt, 16);
    memset(p, 0x11, 16);
    CHECK_EQ_I64(ab_free(p), AB_OK);
    for (int i = 8; i < 16; i++)
        CHECK_EQ_U64(p[i], 0x7F); /* bytes 0..7 may hold the PostgreSQL 16 freelist link */
    CHECK_EQ_I64(ab_free(p), AB_ERR_MEMORY_CHECK);
    CHECK(starts_with(ab_error_message(), "detected double pfree in "));
    CHECK(ab_realloc(p, 100) == NULL);
    CHECK(starts_with(ab_error_message(), "detected realloc of freed chunk in "));
    CHECK_EQ_I64(ab_check(cxt), AB_OK);
    /* Reused from the freelist: allocated again, checks pass again. */
    CHECK_EQ_PTR(ab_alloc(cxt, 12), p);
    CHECK_EQ_I64(ab_free(p), AB_OK);
    ab_delete(cxt);
}

TEST(check_repalloc_moves_mark_and_wipe)
{
    AbContext *cxt = context();
    char *p;
    char *q;

    REQUIRE(cxt != NULL);
    REQUIRE_ALLOC(p, cxt, 20);
    q = ab_realloc(p, 30); /* 32-byte class: in place, new sentinel at 30 */
    CHECK_EQ_PTR(q, p);
    CHECK_EQ_U64((unsigned char) q[30], 0x7E);
    q = ab_realloc(p, 100); /* moves to the 128 class: the old chunk is freed and wiped */
    REQUIRE(q != NULL && q != p);
    CHECK_EQ_I64(ab_free(p), AB_ERR_MEMORY_CHECK);
    q = ab_realloc(q, 20000); /* to a dedicated block */
    REQUIRE(q != NULL);
    q = ab_realloc(q, 30000);
    REQUIRE(q != NULL);
    q[29999] = 1;
    CHECK_EQ_I64(ab_check(cxt), AB_OK);
    CHECK_EQ_I64(ab_free(q), AB_OK);
    ab_delete(cxt);
}

TEST(check_invalid_pointer)
{
    AbContext *cxt = context();
    uint64_t fake[8] = {0};

    REQUIRE(cxt != NULL);
    CHECK_EQ_I64(ab_free(&fake[4]), AB_ERR_INVALID_ARGUMENT);
    CHECK(starts_with(ab_error_message(), "pfree called with invalid pointer "));
    ab_delete(cxt);
}

TEST(check_reset_runs_the_consistency_check)
{
    AbContext *cxt = context();
    char *p;
    uint64_t before = ab_check_failures();

    REQUIRE(cxt != NULL);
    REQUIRE_ALLOC(p, cxt, 100);
    ab_reset(cxt);
    CHECK_EQ_U64(ab_check_failures(), before);
    p = ab_alloc(cxt, 100);
    p[100] = 0; /* past the end, where the sentinel was */
    ab_reset(cxt);
    CHECK_EQ_U64(ab_check_failures(), before + 1);
    CHECK(starts_with(ab_error_message(), "problem in alloc set check: detected write past chunk end"));
    /* The reset still happened: a clean context again. */
    CHECK_EQ_I64(ab_check(cxt), AB_OK);
    ab_delete(cxt);
}

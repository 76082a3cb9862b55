/*
 * test_errors.c -- every failure returns NULL or a code and leaves
 * PostgreSQL's message in the error slot: invalid sizes, out of memory (with
 * block sources that fail on purpose), invalid parameters, invalid pointers
 * and NULL or foreign contexts.  Also the chunk queries.
 */
#include <stdlib.h>

#include "testing.h"

/* Puts a different error (code 1) in the slot, so a later check proves the call set its own. */
static void prime_error_slot(AbContext *ctx)
{
    (void) ab_alloc(ctx, SIZE_MAX);
}

TEST(invalid_alloc_size)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    CHECK(ab_alloc(ctx, (size_t) 0x40000000) == NULL);  /* MaxAllocSize + 1 */
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 1073741824");
    CHECK_EQ_STR(ab_error_detail(), "");
    CHECK(ab_alloc0(ctx, SIZE_MAX) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 18446744073709551615");
    CHECK(ab_alloc_extended(ctx, (size_t) 0x40000000, AB_ALLOC_NO_OOM) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    /* HUGE allows up to SIZE_MAX / 2, not beyond */
    CHECK(ab_alloc_extended(ctx, SIZE_MAX / 2 + 1, AB_ALLOC_HUGE) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    CHECK_EQ_STR(ab_error_message(), "invalid memory alloc request size 9223372036854775808");
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);   /* nothing happened */

    /* a success does not clear the slot */
    REQUIRE(ab_alloc(ctx, 8) != NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_SIZE);
    ab_delete(ctx);
}

/* A malloc-backed source that refuses any request above limit and logs every request. */
typedef struct FailingSource
{
    size_t limit;
    int    nrequests;
    size_t requests[16];
    long   outstanding;
} FailingSource;

static void *failing_alloc(void *state, size_t size)
{
    FailingSource *fs = state;

    if (fs->nrequests < 16)
        fs->requests[fs->nrequests] = size;
    fs->nrequests++;
    if (size > fs->limit)
        return NULL;
    fs->outstanding++;
    return malloc(size);
}

static void *failing_realloc(void *state, void *block, size_t old_size, size_t new_size)
{
    FailingSource *fs = state;

    (void) old_size;
    if (new_size > fs->limit)
        return NULL;
    return realloc(block, new_size);
}

static void failing_free(void *state, void *block, size_t size)
{
    FailingSource *fs = state;

    (void) size;
    fs->outstanding--;
    free(block);
}

static AbBlockSource failing_source(FailingSource *fs, size_t limit)
{
    *fs = (FailingSource) {.limit = limit};
    return (AbBlockSource) {failing_alloc, failing_realloc, failing_free, fs};
}

TEST(out_of_memory_large_chunk)
{
    FailingSource fs;
    AbBlockSource source = failing_source(&fs, 65536);
    AbContext *ctx = ab_aset_create_with_source(NULL, "NAME", 0, 8192, MB8, &source);

    REQUIRE(ctx != NULL);
    CHECK(ab_alloc(ctx, 100000) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "out of memory");
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 100000 in memory context \"NAME\".");
    CHECK_EQ_U64(fs.requests[1], 100048);       /* MAXALIGN(100000) + 40 + 8 was asked for */
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);

    CHECK(ab_alloc_extended(ctx, 100000, AB_ALLOC_NO_OOM) == NULL);
    CHECK(ab_alloc0(ctx, 100000) == NULL);
    /* HUGE passes the size check; then the source says no */
    CHECK(ab_alloc_extended(ctx, (size_t) 0x40000000, AB_ALLOC_HUGE) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 1073741824 in memory context \"NAME\".");
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
    CHECK_EQ_I64(fs.outstanding, 0);
}

/*
 * A new block above 1 MB that fails is halved and retried, down to 1 MB.
 * minContextSize 1024 gives a 1024-byte keeper; initBlockSize 4 MB makes the
 * first new block 4 MB (nextBlockSize becomes 8 MB).
 */
TEST(out_of_memory_new_block_halving)
{
    FailingSource fs;
    AbBlockSource source = failing_source(&fs, 1024 * 1024);
    AbContext *ctx = ab_aset_create_with_source(NULL, "halving", 1024, 4194304, MB8, &source);

    REQUIRE(ctx != NULL);
    CHECK_STATS(ctx, 1024, 1, 784, 0, 240);
    REQUIRE(ab_alloc(ctx, 1024) != NULL);
    /* 4 MB refused, 2 MB refused, 1 MB given */
    CHECK_EQ_I64(fs.nrequests, 4);
    CHECK_EQ_U64(fs.requests[1], 4194304);
    CHECK_EQ_U64(fs.requests[2], 2097152);
    CHECK_EQ_U64(fs.requests[3], 1048576);
    /*
     * keeper 784 -> 512+8, 256+8; total 1024 + 1048576 = 1049600;
     * free 784 + (1048576 - 40 - 1032 = 1047504) = 1048288; used 1312 = 200 + 80 + 1032.
     */
    CHECK_STATS(ctx, 1049600, 2, 1048288, 2, 1312);
    ab_delete(ctx);
    CHECK_EQ_I64(fs.outstanding, 0);

    /* now even 1 MB fails: no retry below 1 MB, out of memory */
    source = failing_source(&fs, 512 * 1024);
    ctx = ab_aset_create_with_source(NULL, "halving", 1024, 4194304, MB8, &source);
    REQUIRE(ctx != NULL);
    CHECK(ab_alloc(ctx, 1024) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "out of memory");
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 1024 in memory context \"halving\".");
    CHECK_EQ_I64(fs.nrequests, 4);              /* keeper, 4 MB, 2 MB, 1 MB */
    CHECK_EQ_U64(fs.requests[3], 1048576);
    /* the keeper's tail was already cut into chunks (as in PostgreSQL): same free bytes, 2 chunks */
    CHECK_STATS(ctx, 1024, 1, 784, 2, 240);
    CHECK(ab_alloc_extended(ctx, 1024, AB_ALLOC_NO_OOM) == NULL);
    REQUIRE(ab_alloc(ctx, 500) != NULL);        /* the 512 chunk still serves */
    CHECK_STATS(ctx, 1024, 1, 264, 1, 760);
    ab_delete(ctx);
    CHECK_EQ_I64(fs.outstanding, 0);
}

TEST(out_of_memory_at_create)
{
    FailingSource fs;
    AbBlockSource source = failing_source(&fs, 0);

    CHECK(ab_aset_create_with_source(NULL, "X", 0, 8192, MB8, &source) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "out of memory");
    CHECK_EQ_STR(ab_error_detail(), "Failed while creating memory context \"X\".");
    CHECK_EQ_U64(fs.requests[0], 8192);
}

/* A failed repalloc leaves the old chunk as it was. */
TEST(out_of_memory_realloc_keeps_old_chunk)
{
    FailingSource fs;
    AbBlockSource source = failing_source(&fs, 65536);
    AbContext *ctx = ab_aset_create_with_source(NULL, "R", 0, 8192, MB8, &source);
    unsigned char *large, *small;
    size_t bad = 0;

    REQUIRE(ctx != NULL);
    large = ab_alloc(ctx, 10000);
    small = ab_alloc(ctx, 100);
    REQUIRE(large != NULL && small != NULL);
    memset(large, 0x11, 10000);
    memset(small, 0x22, 100);

    CHECK(ab_realloc(large, 500000) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 500000 in memory context \"R\".");
    CHECK(ab_realloc(small, 200000) == NULL);
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 200000 in memory context \"R\".");
    CHECK(ab_realloc_extended(small, 200000, AB_ALLOC_NO_OOM) == NULL);

    for (int i = 0; i < 10000; i++)
        bad += large[i] != 0x11;
    for (int i = 0; i < 100; i++)
        bad += small[i] != 0x22;
    CHECK_EQ_U64(bad, 0);
    CHECK_EQ_U64(ab_chunk_capacity(large), 10000);
    CHECK_EQ_U64(ab_chunk_capacity(small), 128);
    /* 8192 + 10048; free 7952 - 136 */
    CHECK_STATS(ctx, 18240, 2, 7816, 0, 10424);
    CHECK_EQ_I64(ab_free(large), AB_OK);
    CHECK_EQ_I64(ab_free(small), AB_OK);
    ab_delete(ctx);
    CHECK_EQ_I64(fs.outstanding, 0);
}

static void check_create_refused(size_t min, size_t init, size_t max)
{
    AbContext *ctx = ab_aset_create(NULL, "bad", min, init, max);

    if (ctx != NULL || ab_error_code() != AB_ERR_INVALID_ARGUMENT)
    {
        test_fail(__FILE__, __LINE__, "create(%zu, %zu, %zu) was not refused (code %d)",
                  min, init, max, ab_error_code());
        if (ctx != NULL)
            ab_delete(ctx);
    }
}

TEST(invalid_create_parameters)
{
    AbBlockSource no_alloc = {NULL, NULL, NULL, NULL};
    uint64_t not_a_context[32] = {0};
    AbContext *ctx;

    check_create_refused(0, 1016, 8192);        /* initBlockSize < 1024 */
    check_create_refused(0, 1028, 8192);        /* not MAXALIGNed */
    check_create_refused(0, 0, 0);
    check_create_refused(0, 8192, 4096);        /* maxBlockSize < initBlockSize */
    check_create_refused(0, 8192, 8196);        /* not MAXALIGNed */
    check_create_refused(0, 8192, 0x40000000);  /* 1 GiB: beyond the 30-bit block offset */
    check_create_refused(1016, 8192, MB8);      /* minContextSize below 1024 */
    check_create_refused(1028, 8192, MB8);      /* not MAXALIGNed */
    check_create_refused(16384, 1024, 8192);    /* above maxBlockSize */
    CHECK(ab_aset_create(NULL, "bad", 0, 1016, 8192) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid initBlockSize 1016: must be a multiple of 8 and at least 1024");

    CHECK(ab_aset_create(NULL, NULL, 0, 8192, MB8) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK(ab_aset_create_with_source(NULL, "x", 0, 8192, MB8, NULL) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK(ab_aset_create_with_source(NULL, "x", 0, 8192, MB8, &no_alloc) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    /* a parent that is not a live context */
    CHECK(ab_aset_create((AbContext *) not_a_context, "x", 0, 8192, MB8) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);

    /* the limits themselves are legal */
    ctx = ab_aset_create(NULL, "edge", 1024, 1024, 1024);
    CHECK(ctx != NULL);
    ab_delete(ctx);
    ctx = ab_aset_create(NULL, "edge", 8192, 8192, 0x3ffffff8);
    REQUIRE(ctx != NULL);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
}

TEST(free_invalid_pointers)
{
    uint64_t zeroed[2] = {0, 0};                /* 16 zero bytes: header word 0 at buf, "pointer" at buf + 8 */
    void *fake = (char *) zeroed + 8;
    const char *prefix = "pfree called with invalid pointer";

    CHECK_EQ_I64(ab_free(NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    /* NOTE: the brief expected the "invalid pointer" prefix here too; the code names NULL */
    CHECK_EQ_STR(ab_error_message(), "pfree called with NULL pointer");

    CHECK_EQ_I64(ab_free(fake), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK(strncmp(ab_error_message(), prefix, strlen(prefix)) == 0);
    CHECK(strstr(ab_error_message(), "(header 0x0000000000000000)") != NULL);

    CHECK(ab_realloc(fake, 10) == NULL);
    CHECK(strncmp(ab_error_message(), "repalloc called with invalid pointer", 36) == 0);
    CHECK(ab_realloc(NULL, 10) == NULL);
    CHECK_EQ_STR(ab_error_message(), "repalloc called with NULL pointer");
    CHECK(ab_chunk_context(fake) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U64(ab_chunk_space(fake), 0);
    CHECK_EQ_U64(ab_chunk_capacity(fake), 0);
    CHECK_EQ_U64(ab_chunk_space(NULL), 0);
    CHECK(ab_chunk_context(NULL) == NULL);
    CHECK_EQ_U64(zeroed[0], 0);                 /* nothing was written through it */
    CHECK_EQ_U64(zeroed[1], 0);
}

TEST(null_context_is_an_error_not_a_crash)
{
    AbContext *live = ab_aset_create(NULL, "live", 0, 8192, MB8);
    AbCounters st;
    AbContextRow row;
    char buf[64];
    uint64_t not_a_context[32] = {0};

    REQUIRE(live != NULL);
#define CHECK_NULL_CONTEXT_ERROR() \
    do { \
        CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT); \
        CHECK_EQ_STR(ab_error_message(), "memory context is NULL"); \
        prime_error_slot(live); \
    } while (0)

    prime_error_slot(live);
    CHECK(ab_alloc(NULL, 8) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_alloc0(NULL, 8) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_alloc_extended(NULL, 8, AB_ALLOC_NO_OOM) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    ab_reset(NULL);
    CHECK_NULL_CONTEXT_ERROR();
    ab_reset_only(NULL);
    CHECK_NULL_CONTEXT_ERROR();
    ab_delete(NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_I64(ab_set_parent(NULL, live), AB_ERR_INVALID_ARGUMENT);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_I64(ab_set_ident(NULL, "x"), AB_ERR_INVALID_ARGUMENT);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_I64(ab_register_reset_callback(NULL, free, NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_parent(NULL) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_first_child(NULL) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_next_sibling(NULL) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_name(NULL) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK(ab_ident(NULL) == NULL);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_U64(ab_mem_allocated(NULL, 1), 0);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_U64(ab_alloc_chunk_limit(NULL), 0);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_I64(ab_freelist_length(NULL, 0), -1);
    CHECK_NULL_CONTEXT_ERROR();
    memset(&st, 0xFF, sizeof(st));
    ab_stats(NULL, 1, &st);
    CHECK(st.totalspace == 0 && st.nblocks == 0 && st.freespace == 0 && st.usedspace == 0);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_U64(ab_stats_dump(NULL, 100, buf, sizeof(buf)), 0);
    CHECK_NULL_CONTEXT_ERROR();
    CHECK_EQ_U64(ab_context_rows(NULL, &row, 1), 0);
    CHECK_NULL_CONTEXT_ERROR();
    /* a live context cannot be given a parent that is not a context (no magic) */
    CHECK_EQ_I64(ab_set_parent(live, (AbContext *) not_a_context), AB_ERR_INVALID_ARGUMENT);
    CHECK(strstr(ab_error_message(), "is not a live memory context") != NULL);
    CHECK_EQ_PTR(ab_parent(live), NULL);
#undef CHECK_NULL_CONTEXT_ERROR

    CHECK_EQ_I64(ab_register_reset_callback(live, NULL, NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "reset callback function must not be NULL");
    CHECK_STATS(live, 8192, 1, 7952, 0, 240);
    ab_delete(live);
}

TEST(chunk_queries)
{
    AbContext *a = ab_aset_create(NULL, "a", 0, 8192, MB8);
    AbContext *b;
    void *p, *q, *r;

    REQUIRE(a != NULL);
    b = ab_aset_create(a, "b", 0, 1024, 8192);
    REQUIRE(b != NULL);
    p = ab_alloc(a, 33);                        /* class 3 */
    q = ab_alloc(b, 1000);                      /* class 7 */
    r = ab_alloc(b, 3000);                      /* dedicated in b (limit 1024) */
    REQUIRE(p != NULL && q != NULL && r != NULL);
    CHECK_EQ_PTR(ab_chunk_context(p), a);
    CHECK_EQ_PTR(ab_chunk_context(q), b);
    CHECK_EQ_PTR(ab_chunk_context(r), b);
    CHECK_CHUNK(p, 64, 72);
    CHECK_CHUNK(q, 1024, 1032);
    CHECK_CHUNK(r, 3000, 3008);
    /* a chunk freed into another context's freelist? no: b's chunk goes to b */
    ab_free(q);
    CHECK_EQ_I64(ab_freelist_length(b, 7), 1);
    CHECK_EQ_I64(ab_freelist_length(a, 7), 0);
    ab_delete(a);
}

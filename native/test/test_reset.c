/*
 * test_reset.c -- reset returns a context to its fresh numbers and deletes
 * its children; reset_only keeps them; delete gives every byte back to the
 * block source (checked with the counting source), also after a long mixed
 * workload whose counters are checked against an exact invariant at every step.
 */
#include "testing.h"

static int callback_runs;

static void count_callback(void *arg)
{
    (void) arg;
    callback_runs++;
}

TEST(reset_returns_to_fresh_numbers)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx;
    uintptr_t first_before, first_after;
    void *p = NULL;
    void *large;
    AbCounters st;

    ab_counting_source_init(&source, &counters);
    ctx = ab_aset_create_with_source(NULL, "Top", 0, 8192, MB8, &source);
    REQUIRE(ctx != NULL);
    first_before = (uintptr_t) ab_alloc(ctx, 100);
    for (int i = 0; i < 61; i++)               /* five blocks, nextBlockSize now 131072 */
        p = ab_alloc(ctx, 1024);
    large = ab_alloc(ctx, 10000);
    REQUIRE(p != NULL && large != NULL);
    REQUIRE(ab_realloc(p, 3000) != NULL);
    REQUIRE(ab_realloc(large, 70000) != NULL);
    ab_stats(ctx, 0, &st);
    CHECK(st.nblocks == 6 && st.freechunks > 0);

    ab_reset(ctx);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    CHECK_FREELISTS_EMPTY(ctx);
    CHECK_EQ_U64(ab_mem_allocated(ctx, 0), 8192);
    CHECK_EQ_I64(counters.bytes_outstanding, 8192);
    CHECK_EQ_I64(counters.blocks_outstanding, 1);

    /* the keeper is rewound: the first chunk lands where it did before */
    first_after = (uintptr_t) ab_alloc(ctx, 100);
    CHECK_EQ_U64(first_after, first_before);
    /* nextBlockSize is back at 8192: 7 more 1032-byte chunks fit (7816 / 1032), the 8th adds 8192 */
    for (int i = 0; i < 7; i++)
        REQUIRE(ab_alloc(ctx, 1024) != NULL);
    CHECK_STATS(ctx, 8192, 1, 592, 0, 7600);   /* 7952 - 136 - 7224 */
    REQUIRE(ab_alloc(ctx, 1024) != NULL);
    /* 592 -> 512+8, 64+8 (592 - 520 = 72); total 16384; free 592 + 7120 */
    CHECK_STATS(ctx, 16384, 2, 7712, 2, 8672);
    ab_delete(ctx);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
}

TEST(reset_of_fresh_context_changes_nothing)
{
    AbContext *ctx = ab_aset_create(NULL, "Top", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    ab_reset(ctx);
    ab_reset_only(ctx);
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
}

TEST(reset_deletes_children)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *top, *child, *grandchild;

    ab_counting_source_init(&source, &counters);
    top = ab_aset_create_with_source(NULL, "top", 0, 8192, MB8, &source);
    REQUIRE(top != NULL);
    child = ab_aset_create_with_source(top, "child", 0, 1024, 8192, &source);
    REQUIRE(child != NULL);
    grandchild = ab_aset_create_with_source(child, "grandchild", 0, 1024, 8192, &source);
    REQUIRE(grandchild != NULL);
    REQUIRE(ab_alloc(child, 5000) != NULL);    /* limit 1024: block 5000 + 48 */
    callback_runs = 0;
    CHECK_EQ_I64(ab_register_reset_callback(grandchild, count_callback, NULL), AB_OK);
    /* 8192 + 1024 + 1024 + 5048 */
    CHECK_EQ_I64(counters.bytes_outstanding, 15288);
    CHECK_EQ_I64(counters.blocks_outstanding, 4);
    CHECK_TREE_STATS(top, 15288, 4, 9480, 0, 5808); /* free 7952 + 784 + (784 - 40) */

    ab_reset(top);
    CHECK_EQ_PTR(ab_first_child(top), NULL);
    CHECK_EQ_I64(callback_runs, 1);
    CHECK_EQ_I64(counters.bytes_outstanding, 8192);
    CHECK_EQ_I64(counters.blocks_outstanding, 1);
    CHECK_TREE_STATS(top, 8192, 1, 7952, 0, 240);
    ab_delete(top);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
}

TEST(reset_only_keeps_children)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *child;

    REQUIRE(top != NULL);
    child = ab_aset_create(top, "child", 0, 1024, 8192);
    REQUIRE(child != NULL);
    REQUIRE(ab_alloc(child, 100) != NULL);     /* 136 in the child */
    REQUIRE(ab_alloc(top, 20000) != NULL);     /* block 20048 in top */
    REQUIRE(ab_alloc(top, 100) != NULL);
    CHECK_STATS(top, 28240, 2, 7816, 0, 20424);

    ab_reset_only(top);
    CHECK_STATS(top, 8192, 1, 7952, 0, 240);
    CHECK_EQ_PTR(ab_first_child(top), child);
    CHECK_EQ_PTR(ab_parent(child), top);
    CHECK_STATS(child, 1024, 1, 648, 0, 376);  /* 784 - 136 */
    ab_delete(top);
}

/* The brief's end-to-end check: a mixed workload over a tree, then delete, and nothing is left. */
TEST(delete_gives_back_every_byte)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *top, *c1, *c2, *g;
    void *p[8];

    ab_counting_source_init(&source, &counters);
    top = ab_aset_create_with_source(NULL, "top", 0, 8192, MB8, &source);
    REQUIRE(top != NULL);
    c1 = ab_aset_create_with_source(top, "c1", 0, 1024, 8192, &source);
    c2 = ab_aset_create_with_source(top, "c2", 4096, 8192, MB8, &source);
    REQUIRE(c1 != NULL && c2 != NULL);
    g = ab_aset_create_with_source(c1, "g", 0, 1024, 8192, &source);
    REQUIRE(g != NULL);
    CHECK_EQ_I64(ab_set_ident(c1, "ident of c1"), AB_OK);
    callback_runs = 0;
    CHECK_EQ_I64(ab_register_reset_callback(g, count_callback, NULL), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(top, count_callback, NULL), AB_OK);

    p[0] = ab_alloc(top, 100000);              /* dedicated */
    p[1] = ab_alloc(c1, 900);                  /* chunk of 1024 */
    p[2] = ab_alloc(c1, 3000);                 /* dedicated in c1 */
    p[3] = ab_alloc(g, 10);
    p[4] = ab_alloc(c2, 5000);
    for (int i = 0; i < 200; i++)              /* several blocks in top */
        REQUIRE(ab_alloc(top, 700) != NULL);
    for (int i = 0; i < 5; i++)
        REQUIRE(p[i] != NULL);
    p[0] = ab_realloc(p[0], 300000);           /* large grow */
    p[1] = ab_realloc(p[1], 50000);            /* small -> large */
    p[2] = ab_realloc(p[2], 2000);             /* large shrink */
    p[3] = ab_realloc(p[3], 400);              /* small move */
    for (int i = 0; i < 4; i++)
        REQUIRE(p[i] != NULL);
    ab_free(p[2]);
    ab_free(p[4]);
    ab_reset_only(c2);
    REQUIRE(ab_alloc(c2, 9000) != NULL);       /* dedicated, after the reset */
    CHECK(counters.realloc_calls == 2);        /* p[0] and p[2] */
    CHECK_EQ_I64(counters.bytes_outstanding, (int64_t) ab_mem_allocated(top, 1));

    ab_delete(top);
    CHECK_EQ_I64(callback_runs, 2);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
    CHECK_EQ_I64(counters.blocks_outstanding, 0);
    CHECK_EQ_U64(counters.bytes_allocated, counters.bytes_freed);
    CHECK_EQ_U64(counters.alloc_calls, counters.free_calls);
}

/* ---- randomised workload with an exact invariant ---- */

#define N_CTX   4
#define N_LIVE  600

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t) (rng_state >> 33);
}

static size_t random_size(void)
{
    uint32_t kind = rng() % 10;

    if (kind < 7)
        return rng() % 513;                     /* small classes */
    if (kind < 9)
        return 513 + rng() % (8192 - 512);      /* large classes (chunks in 8 MB contexts) */
    return 8193 + rng() % 40000;                /* dedicated everywhere */
}

/*
 * used = 200 per context + 40 per block + chunk space of every live chunk
 * (dedicated blocks: 40 + 8 + MAXALIGN(size) = 40 + chunk space); everything
 * else (block tails, freelist chunks) is free.  And total = what the source handed out.
 */
static int invariant_holds(AbContext *top, const AbBlockCounters *counters,
                           void *const *live, int nlive, int ncallbacks)
{
    AbCounters st;
    uint64_t chunks = 0;

    ab_stats(top, 1, &st);
    for (int i = 0; i < nlive; i++)
        chunks += ab_chunk_space(live[i]);
    chunks += (uint64_t) ncallbacks * 40;       /* a 24-byte node is a 32 + 8 chunk */
    if (st.totalspace != (uint64_t) counters->bytes_outstanding
        || st.totalspace != ab_mem_allocated(top, 1)
        || st.nblocks != (uint64_t) counters->blocks_outstanding
        || st.usedspace != 200 * N_CTX + 40 * st.nblocks + chunks
        || st.usedspace != st.totalspace - st.freespace)
    {
        test_fail(__FILE__, __LINE__,
                  "total %" PRIu64 " (source %" PRId64 "), blocks %" PRIu64 " (source %" PRId64
                  "), used %" PRIu64 " (expected %" PRIu64 ")",
                  st.totalspace, counters->bytes_outstanding, st.nblocks,
                  counters->blocks_outstanding, st.usedspace,
                  200 * N_CTX + 40 * st.nblocks + chunks);
        return 0;
    }
    return 1;
}

TEST(random_workload_invariant_and_delete)
{
    AbBlockSource source;
    AbBlockCounters counters;
    AbContext *ctx[N_CTX];
    void *live[N_LIVE];
    int owner[N_LIVE];
    int nlive = 0;

    rng_state = 12345;
    callback_runs = 0;
    ab_counting_source_init(&source, &counters);
    ctx[0] = ab_aset_create_with_source(NULL, "top", 0, 8192, MB8, &source);
    REQUIRE(ctx[0] != NULL);
    ctx[1] = ab_aset_create_with_source(ctx[0], "small", 0, 1024, 8192, &source);
    ctx[2] = ab_aset_create_with_source(ctx[0], "start small", 0, 1024, MB8, &source);
    REQUIRE(ctx[1] != NULL && ctx[2] != NULL);
    ctx[3] = ab_aset_create_with_source(ctx[1], "grandchild", 2048, 4096, 65536, &source);
    REQUIRE(ctx[3] != NULL);
    CHECK_EQ_I64(ab_register_reset_callback(ctx[3], count_callback, NULL), AB_OK);

    for (int step = 0; step < 4000; step++)
    {
        uint32_t op = rng() % 10;

        if (step % 1000 == 999)
        {
            /* reset_only the start-small child: its chunks are gone */
            ab_reset_only(ctx[2]);
            for (int i = 0; i < nlive;)
            {
                if (owner[i] == 2)
                {
                    live[i] = live[--nlive];
                    owner[i] = owner[nlive];
                }
                else
                    i++;
            }
        }
        else if ((op < 5 && nlive < N_LIVE) || nlive == 0)
        {
            int c = (int) (rng() % N_CTX);
            void *p = ab_alloc(ctx[c], random_size());

            REQUIRE(p != NULL);
            CHECK_EQ_PTR(ab_chunk_context(p), ctx[c]);
            live[nlive] = p;
            owner[nlive++] = c;
        }
        else if (op < 8)
        {
            int i = (int) (rng() % (uint32_t) nlive);

            CHECK_EQ_I64(ab_free(live[i]), AB_OK);
            live[i] = live[--nlive];
            owner[i] = owner[nlive];
        }
        else
        {
            int i = (int) (rng() % (uint32_t) nlive);
            size_t size = random_size();
            unsigned char *q;

            memset(live[i], 0xC3, size < ab_chunk_capacity(live[i]) ? size : ab_chunk_capacity(live[i]));
            q = ab_realloc(live[i], size);
            REQUIRE(q != NULL);
            CHECK(ab_chunk_capacity(q) >= size);
            CHECK(size == 0 || (q[0] == 0xC3 && q[(size < 8 ? size : 8) - 1] == 0xC3));
            CHECK_EQ_PTR(ab_chunk_context(q), ctx[owner[i]]);
            live[i] = q;
        }
        if (!invariant_holds(ctx[0], &counters, live, nlive, 1))
        {
            printf("  at step %d\n", step);
            break;
        }
    }
    CHECK(counters.realloc_calls > 0);          /* the workload did reach every path */
    CHECK(counters.free_calls > 0);

    ab_delete(ctx[0]);
    CHECK_EQ_I64(callback_runs, 1);
    CHECK_EQ_I64(counters.bytes_outstanding, 0);
    CHECK_EQ_I64(counters.blocks_outstanding, 0);
    CHECK_EQ_U64(counters.bytes_allocated, counters.bytes_freed);
    CHECK_EQ_U64(counters.alloc_calls, counters.free_calls);
}

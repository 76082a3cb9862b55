/*
 * test_replay.c -- ab_replay in the AllocSet and malloc lanes: the format
 * document's example trace with its statistics worked out by hand, the same
 * random traces replayed by ab_replay and op by op through the API (equal
 * statistics), and the latency mode.  Leaks in either lane show up under
 * make test-asan / test-valgrind.
 */
#include "replay_testing.h"

TEST(replay_example_trace_final_stats)
{
    uint64_t ns[3] = {0, 0, 0};
    AbCounters c;

    /*
     * DEFAULT context: one 8192-byte keeper block holding the 200-byte set
     * and its 40-byte header, 7952 free.  After all seven ops the dedicated
     * block is gone (R), the freelists are empty, and the keeper holds only
     * the 24-byte chunk of "a 0 16": 8192 total in 1 block; 7952 - 24 = 7928
     * free (0 chunks); 240 + 24 = 264 used.
     */
    CHECK_EQ_I64(replay_aset(example, EXAMPLE_OPS, 3, 3, ns, &c), AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7928, 0, 264);
    for (int i = 0; i < 3; i++)
        CHECK(ns[i] > 0);
}

TEST(replay_example_trace_prefixes)
{
    uint64_t ns;
    AbCounters c;

    /*
     * Cut before the 9000: keeper 7952 - 136 - 40 - 520 = 7256 free in the
     * block, plus the two freelist chunks 136 + 40: 7432 free (2 chunks);
     * used 240 + 520 (the 512 chunk, the only one live) = 760.
     */
    CHECK_EQ_I64(replay_aset(example, 4, 3, 1, &ns, &c), AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7432, 2, 760);

    /*
     * Cut before the R: the dedicated block adds 9048 to the total and to
     * used, nothing to free: 17240 total in 2 blocks; 7432 free (2 chunks);
     * 9808 used.
     */
    CHECK_EQ_I64(replay_aset(example, 5, 3, 1, &ns, &c), AB_OK);
    CHECK_COUNTERS(c, 17240, 2, 7432, 2, 9808);

    /* Right after the R: a fresh context's figures. */
    CHECK_EQ_I64(replay_aset(example, 6, 3, 1, &ns, &c), AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7952, 0, 240);

    /* No ops at all: create and delete. */
    CHECK_EQ_I64(replay_aset(NULL, 0, 1, 1, &ns, &c), AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7952, 0, 240);
}

TEST(replay_example_other_sizes)
{
    uint64_t ns;
    AbCounters c;

    /*
     * SMALL sizes (0, 1024, 8192): allocChunkLimit halves to 1024 (a chunk
     * may be at most a quarter of 8192 - 40), so after the final "a 0 16"
     * the keeper (1024 - 240 = 784 free) holds one 24-byte chunk.
     */
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, AB_SMALL_MINSIZE, AB_SMALL_INITSIZE,
                           AB_SMALL_MAXSIZE, NULL, 1, &ns, NULL, &c, NULL, NULL), AB_OK);
    CHECK_COUNTERS(c, 1024, 1, 760, 0, 264);
}

TEST(replay_malloc_lane)
{
    uint64_t ns[2] = {0, 0};
    AbCounters c;

    memset(&c, 0xff, sizeof(c));
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 2, ns, NULL, &c, NULL, NULL), AB_OK);
    /* malloc keeps no context statistics: all zero */
    CHECK_COUNTERS(c, 0, 0, 0, 0, 0);
    CHECK(ns[0] > 0 && ns[1] > 0);
    /* cut before the R: the slots 0 and 2 are live when the iteration ends, and freed (valgrind checks) */
    CHECK_EQ_I64(ab_replay(example, 5, 3, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 2, ns, NULL, NULL, NULL, NULL), AB_OK);
}


/* ---- random traces: ab_replay against the API, op by op ---- */

/* The same trace op by op through the public API; the counters just before delete. */
static void replay_by_hand(const uint64_t *ops, size_t nops, uint32_t nslots, AbCounters *out)
{
    AbContext *ctx = ab_aset_create(NULL, "by hand", 0, 8192, MB8);
    void **slots = calloc(nslots, sizeof(void *));

    for (size_t i = 0; i < nops; i++)
    {
        uint32_t s = AB_OP_SLOT(ops[i]);
        size_t size = AB_OP_SIZE(ops[i]);

        switch (AB_OP_KIND(ops[i]))
        {
            case AB_OP_ALLOC: slots[s] = ab_alloc(ctx, size); break;
            case AB_OP_ALLOC_ZEROED: slots[s] = ab_alloc0(ctx, size); break;
            case AB_OP_REALLOC: slots[s] = ab_realloc(slots[s], size); break;
            case AB_OP_FREE: ab_free(slots[s]); break;
            case AB_OP_RESET: ab_reset(ctx); break;
        }
    }
    ab_stats(ctx, 0, out);
    ab_delete(ctx);
    free(slots);
}

TEST(replay_random_traces_match_api)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
    {
        const size_t nops = 4000;
        const uint32_t nslots = seed % 2 ? 64 : 700;
        uint64_t *ops = random_trace(nops, nslots, seed);
        uint64_t ns[2];
        AbCounters by_hand, replayed;

        replay_by_hand(ops, nops, nslots, &by_hand);
        CHECK_EQ_I64(ab_replay_validate(ops, nops, nslots), AB_OK);
        CHECK_EQ_I64(replay_aset(ops, nops, nslots, 2, ns, &replayed), AB_OK);
        CHECK_COUNTERS(replayed, by_hand.totalspace, by_hand.nblocks, by_hand.freespace, by_hand.freechunks,
                       by_hand.usedspace);
        /* and the malloc lane runs it without leaking (valgrind/asan) */
        CHECK_EQ_I64(ab_replay(ops, nops, nslots, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 2, ns, NULL, NULL, NULL, NULL), AB_OK);
        free(ops);
    }
}

/* ---- latency mode ---- */

TEST(replay_latency_fills_every_entry)
{
    const size_t nops = 3000;
    uint64_t *ops = random_trace(nops, 100, 42);
    uint64_t *latency = malloc(nops * sizeof(uint64_t));
    uint64_t ns[3];
    uint64_t overhead = UINT64_MAX;
    AbCounters with_latency, without;
    int lanes[] = {AB_REPLAY_ASET, AB_REPLAY_MALLOC};

    for (int l = 0; l < 2; l++)
    {
        size_t unset = 0, zero = 0;

        for (size_t i = 0; i < nops; i++)
            latency[i] = UINT64_MAX;
        overhead = UINT64_MAX;
        CHECK_EQ_I64(ab_replay(ops, nops, 100, lanes[l], 0, 8192, MB8, NULL, 3, ns, NULL, &with_latency, latency, &overhead),
                     AB_OK);
        for (size_t i = 0; i < nops; i++)
        {
            unset += latency[i] == UINT64_MAX;
            zero += latency[i] == 0;
        }
        CHECK_EQ_U64(unset, 0);
        CHECK_EQ_U64(zero, 0);   /* an op plus a clock read takes at least a nanosecond */
        CHECK(overhead != UINT64_MAX && overhead < 1000000);
        /* timing each op changes nothing in what the allocator does */
        CHECK_EQ_I64(ab_replay(ops, nops, 100, lanes[l], 0, 8192, MB8, NULL, 1, ns, NULL, &without, NULL, NULL), AB_OK);
        CHECK(memcmp(&with_latency, &without, sizeof(AbCounters)) == 0);
    }
    free(latency);
    free(ops);
}

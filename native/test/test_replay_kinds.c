/*
 * test_replay_kinds.c -- the Generation, Slab and Bump replay lanes: the
 * AllocSet lane's loop with another kind of context, and the refusal, before
 * anything runs, of a trace the kind cannot replay.
 */
#include "kinds_testing.h"
#include "replay_testing.h"

static int replay_lane(int lane, const uint64_t *ops, size_t nops, uint32_t nslots, AbCounters *stats)
{
    uint64_t ns[2];

    return ab_replay(ops, nops, nslots, lane, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE, NULL,
                     2, ns, NULL, stats, NULL, NULL);
}

/*
 * The example through Generation: before the delete, only a(0, 16) after the
 * reset, a 16-byte chunk (24 with its header) in the rewound keeper.
 */
TEST(replay_generation_lane)
{
    AbCounters stats;

    CHECK_EQ_I64(replay_lane(AB_REPLAY_GENERATION, example, EXAMPLE_OPS, 3, &stats), AB_OK);
    CHECK_COUNTERS(stats, 8192, 1, 8008 - 24, 0, 184 + 24);
}

TEST(replay_bump_refuses_a_trace_that_frees)
{
    AbCounters stats;
    static const uint64_t no_frees[] = {A(0, 100), Z(1, 24), RESET, A(0, 16)};

    CHECK_EQ_I64(replay_lane(AB_REPLAY_BUMP, example, EXAMPLE_OPS, 3, &stats), AB_ERR_NOT_APPLICABLE);
    CHECK_EQ_STR(ab_error_message(), "not applicable to Bump: op 2 resizes a chunk, and realloc is not supported"
                                     " by the bump memory allocator");
    /* 16 bytes after the reset: 8048 - 16 free of the keeper's 8080. */
    CHECK_EQ_I64(replay_lane(AB_REPLAY_BUMP, no_frees, COUNT(no_frees), 2, &stats), AB_OK);
    CHECK_COUNTERS(stats, 8080, 1, 8048 - 16, 0, 32 + 16);
}

TEST(replay_slab_needs_one_size_per_context)
{
    AbCounters stats;
    static const uint64_t one_size[] = {A(0, 100), Z(1, 100), F(0), RE(1, 100), A(2, 100)};
    static const uint64_t too_big[] = {A(0, 9000)};

    CHECK_EQ_I64(replay_lane(AB_REPLAY_SLAB, example, EXAMPLE_OPS, 3, &stats), AB_ERR_NOT_APPLICABLE);
    CHECK_EQ_STR(ab_error_message(), "not applicable to Slab: op 1 asks for 24 bytes in context 0, whose first chunk"
                                     " was 100 bytes (unexpected alloc chunk size 24 (expected 100))");
    /* Two chunks of 112 bytes used of the 72 in the block. */
    CHECK_EQ_I64(replay_lane(AB_REPLAY_SLAB, one_size, COUNT(one_size), 3, &stats), AB_OK);
    CHECK_COUNTERS(stats, 176 + 8192, 1, 70 * 112, 70, 176 + 8192 - 70 * 112);
    CHECK_EQ_I64(replay_lane(AB_REPLAY_SLAB, too_big, COUNT(too_big), 1, &stats), AB_ERR_NOT_APPLICABLE);
    CHECK_EQ_STR(ab_error_message(), "not applicable to Slab: context 0: block size 8192 for slab is too small for"
                                     " 9000-byte chunks");
}

/* A version 2 trace: every c makes a context of the lane's kind, and counter points read it. */
TEST(replay_generation_lane_tree)
{
    static const uint64_t ops[] = {
        AB_OP_ENCODE(AB_OP_CREATE, 0, 0), A(0, 100), A(1, 100), AB_OP_ENCODE(AB_OP_DELETE, 0, 0),
    };
    static const uint32_t placement[] = {1, 1, 0, 1};
    AbContextSpec contexts[2] = {{0}, {.parent = 0, .min_ctx = 0, .init_block = 1024, .max_block = 8192,
                                      .name = "child"}};
    AbCounterPoint points[2] = {{.before_op = 3, .context = 1}, {.before_op = 4, .context = 0}};
    AbCounters counters[2];
    uint64_t ns;
    AbTrace *trace = ab_trace_create2(ops, placement, COUNT(ops), 2, contexts, 2, 1);

    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay2(trace, AB_REPLAY_GENERATION, 0, 8192, MB8, 1, &ns, NULL, NULL, points, 2,
                                  counters), AB_OK);
    /* The child: a 1024-byte Generation (keeper 896, 56 of it header) with one 104 + 8 chunk. */
    CHECK_COUNTERS(counters[0], 1024, 1, 896 - 56 - 112, 0, 128 + 56 + 112);
    CHECK_COUNTERS(counters[1], 8192, 1, 8008 - 112, 0, 184 + 112);
    ab_trace_free(trace);
}

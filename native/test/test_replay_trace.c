/*
 * test_replay_trace.c -- validated trace handles: ab_trace_replay replays a
 * private copy like ab_replay, and refuses what ab_replay refuses.
 */
#include "replay_testing.h"

TEST(trace_handle_replays_like_ab_replay)
{
    const size_t nops = 4000;
    uint64_t *ops = random_trace(nops, 300, 9);
    AbTrace *trace = ab_trace_create(ops, nops, 300);
    uint64_t ns[2], latency[4000], overhead = UINT64_MAX;
    AbCounters direct, handle;

    REQUIRE(trace != NULL);
    CHECK_EQ_U64(ab_trace_length(trace), nops);
    CHECK_EQ_I64(replay_aset(ops, nops, 300, 1, ns, &direct), AB_OK);
    /* the handle holds a copy: changing the caller's array afterwards changes nothing */
    memset(ops, 0xff, nops * sizeof(uint64_t));
    free(ops);
    for (int round = 0; round < 2; round++)
    {
        CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 2, ns, NULL, &handle, latency, &overhead),
                     AB_OK);
        CHECK(memcmp(&direct, &handle, sizeof(AbCounters)) == 0);
        CHECK(overhead != UINT64_MAX);
        CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 1, ns, NULL, &handle, NULL, NULL), AB_OK);
        CHECK_COUNTERS(handle, 0, 0, 0, 0, 0);
    }
    ab_trace_free(trace);
}

TEST(trace_handle_refuses_bad_traces_and_arguments)
{
    const uint64_t free_empty[] = {A(0, 8), F(0), F(0)};
    AbTrace *trace;
    uint64_t ns;

    CHECK(ab_trace_create(free_empty, 3, 3) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid trace at op 2: 'f' on slot 0, which is empty");
    CHECK(ab_trace_create(example, EXAMPLE_OPS, 0) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid trace: 0 slots (must be 1..16777216)");

    CHECK_EQ_I64(ab_trace_replay(NULL, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, &ns, NULL, NULL, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "(nil) is not a live trace (freed, or not from ab_trace_create)");
    CHECK_EQ_U64(ab_trace_length(NULL), 0);
    ab_trace_free(NULL);

    trace = ab_trace_create(example, EXAMPLE_OPS, 3);
    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay(trace, 8, 0, 8192, MB8, NULL, 1, &ns, NULL, NULL, NULL, NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "unknown replay allocator 8 (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3,"
                 " AB_REPLAY_FLOOR 4, AB_REPLAY_GENERATION 5, AB_REPLAY_SLAB 6 or AB_REPLAY_BUMP 7)");
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, 0, 8192, MB8, NULL, -1, &ns, NULL, NULL, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, 0, 8192, 4096, NULL, 1, &ns, NULL, NULL, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(),
                 "invalid maxBlockSize 4096: must be a multiple of 8, at least initBlockSize (8192) and below 1 GiB");
    ab_trace_free(trace);

    /* an empty trace is a valid one */
    trace = ab_trace_create(NULL, 0, 1);
    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 1, &ns, NULL, NULL, NULL, NULL), AB_OK);
    ab_trace_free(trace);
}

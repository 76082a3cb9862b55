/*
 * test_replay_failures.c -- allocations failing in the middle of a replay
 * (a block source that refuses from its n-th call on): the error names the
 * op and the iteration, and every block taken is given back.
 */
#include "replay_internal.h"
#include "replay_testing.h"

/* A counting source whose block allocations fail from the fail_at-th call on (1-based). */
typedef struct FailingSource
{
    AbBlockSource counting;
    AbBlockCounters counters;
    long calls;
    long fail_at;
} FailingSource;

static void *failing_alloc(void *state, size_t size)
{
    FailingSource *f = state;

    if (++f->calls >= f->fail_at)
        return NULL;
    return f->counting.alloc(f->counting.state, size);
}

static void *failing_realloc(void *state, void *block, size_t old_size, size_t new_size)
{
    FailingSource *f = state;

    if (++f->calls >= f->fail_at)
        return NULL;
    return f->counting.realloc(f->counting.state, block, old_size, new_size);
}

static void failing_free(void *state, void *block, size_t size)
{
    FailingSource *f = state;

    f->counting.free(f->counting.state, block, size);
}

static AbBlockSource failing_source(FailingSource *f, long fail_at)
{
    ab_counting_source_init(&f->counting, &f->counters);
    f->calls = 0;
    f->fail_at = fail_at;
    return (AbBlockSource) {failing_alloc, failing_realloc, failing_free, f};
}

TEST(replay_takes_and_returns_every_block)
{
    FailingSource f;
    AbBlockSource source = failing_source(&f, 1000000);
    uint64_t ns[4];
    AbCounters c;

    CHECK_EQ_I64(ab_replay_with_source(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, &source, 4, ns, NULL,
                                       &c, NULL, NULL), AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7928, 0, 264);
    /* per iteration: the keeper and the 9048-byte block for "a 2 9000" */
    CHECK_EQ_U64(f.counters.alloc_calls, 8);
    CHECK_EQ_U64(f.counters.bytes_allocated, 4 * (8192 + 9048));
    CHECK_EQ_I64(f.counters.bytes_outstanding, 0);
    CHECK_EQ_I64(f.counters.blocks_outstanding, 0);
}

TEST(replay_out_of_memory_names_the_op)
{
    FailingSource f;
    AbBlockSource source;
    uint64_t ns[3];
    uint64_t latency[EXAMPLE_OPS];
    AbCounters c;

    /* The second block of the first iteration is the 9048 of op 4. */
    source = failing_source(&f, 2);
    CHECK_EQ_I64(ab_replay_with_source(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, &source, 3, ns, NULL,
                                       &c, latency, NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "replay failed at op 4 (iteration 0): out of memory");
    CHECK_EQ_STR(ab_error_detail(), "Failed on request of size 9000 in memory context \"replay\".");
    CHECK_EQ_I64(f.counters.blocks_outstanding, 0);   /* the context was deleted */

    /* The fourth block is the 9048 of the second iteration. */
    source = failing_source(&f, 4);
    CHECK_EQ_I64(ab_replay_with_source(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, &source, 3, ns, NULL,
                                       &c, NULL, NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "replay failed at op 4 (iteration 1): out of memory");
    CHECK_EQ_I64(f.counters.blocks_outstanding, 0);

    /* The fifth is the keeper of the third iteration: creation fails, in ab_aset_create's words. */
    source = failing_source(&f, 5);
    CHECK_EQ_I64(ab_replay_with_source(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, &source, 3, ns, NULL,
                                       &c, NULL, NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "out of memory");
    CHECK_EQ_STR(ab_error_detail(), "Failed while creating memory context \"replay\".");
    CHECK_EQ_I64(f.counters.blocks_outstanding, 0);
}

TEST(replay_out_of_memory_mid_block_growth)
{
    /* 2000 chunks of 128 (136 each) outgrow the keeper and then the next block: fail the third block. */
    enum { N = 2000 };
    uint64_t *ops = malloc(N * sizeof(uint64_t));
    FailingSource f;
    AbBlockSource source = failing_source(&f, 3);
    uint64_t ns;

    for (uint32_t i = 0; i < N; i++)
        ops[i] = A(i, 128);
    /*
     * keeper: 7952 / 136 = 58 chunks (ops 0..57), its last 64 bytes cut into freelist chunks
     * of 32 and 16 (no use to a 128 request); the second block is initBlockSize again
     * (sizes double from the first block after the keeper): (8192 - 40) / 136 = 59 chunks
     * (ops 58..116); op 117 needs the third block, and the source refuses it.
     */
    CHECK_EQ_I64(ab_replay_with_source(ops, N, N, AB_REPLAY_ASET, 0, 8192, MB8, NULL, &source, 1, &ns, NULL, NULL, NULL,
                                       NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "replay failed at op 117 (iteration 0): out of memory");
    CHECK_EQ_I64(f.counters.blocks_outstanding, 0);
    free(ops);
}

/*
 * test_replay.c -- ab_replay and ab_replay_validate: the format document's
 * example trace with its statistics worked out by hand, the same random
 * traces replayed by ab_replay and op by op through the API (equal
 * statistics), both lanes, the latency mode, and every kind of bad trace
 * refused with its op index before anything runs.  Leaks in either lane show
 * up under make test-asan / test-valgrind.
 */
#include <stdlib.h>

#include "testing.h"

#define MB8 (8 * 1024 * 1024)

#define A(slot, size) AB_OP_ENCODE(AB_OP_ALLOC, slot, size)
#define Z(slot, size) AB_OP_ENCODE(AB_OP_ALLOC_ZEROED, slot, size)
#define RE(slot, size) AB_OP_ENCODE(AB_OP_REALLOC, slot, size)
#define F(slot) AB_OP_ENCODE(AB_OP_FREE, slot, 0)
#define RESET AB_OP_ENCODE(AB_OP_RESET, 0, 0)

/* shared/trace-format.md's example, "slots 3". */
static const uint64_t example[] = {
    A(0, 100),   /* 128-byte class (fidx 4): chunk 136 carved from the keeper */
    Z(1, 24),    /* 32-byte class: chunk 40 */
    RE(0, 300),  /* outgrows 128: a 512 chunk (520) is carved, the 128 goes to freelist 4 */
    F(1),        /* the 32 chunk goes to freelist 2 */
    A(2, 9000),  /* above allocChunkLimit 8192: dedicated block 9000 + 40 + 8 = 9048 */
    RESET,       /* freelists emptied, dedicated block freed, keeper rewound */
    A(0, 16),    /* 16-byte class: chunk 24 from the rewound keeper */
};
#define EXAMPLE_OPS (sizeof(example) / sizeof(example[0]))

static int replay_aset(const uint64_t *ops, size_t nops, uint32_t nslots, int iterations,
                       uint64_t *ns, AbCounters *stats)
{
    return ab_replay(ops, nops, nslots, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE,
                     AB_DEFAULT_MAXSIZE, NULL, iterations, ns, NULL, stats, NULL, NULL);
}

#define CHECK_COUNTERS(c, total_, nblocks_, free_, freechunks_, used_) \
    do { \
        CHECK_EQ_U64((c).totalspace, (total_)); \
        CHECK_EQ_U64((c).nblocks, (nblocks_)); \
        CHECK_EQ_U64((c).freespace, (free_)); \
        CHECK_EQ_U64((c).freechunks, (freechunks_)); \
        CHECK_EQ_U64((c).usedspace, (used_)); \
    } while (0)

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

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A valid trace over nslots slots: mostly small sizes, some large, the odd reset. */
static uint64_t *random_trace(size_t nops, uint32_t nslots, uint64_t seed)
{
    uint64_t *ops = malloc(nops * sizeof(uint64_t));
    unsigned char *full = calloc(nslots, 1);

    rng_state = seed;
    for (size_t i = 0; i < nops; i++)
    {
        uint32_t slot = (uint32_t) (rng_next() % nslots);
        uint64_t r = rng_next() % 1000;
        size_t size = r < 900 ? 1 + rng_next() % 512 : r < 980 ? 1 + rng_next() % 8192 : 8193 + rng_next() % 60000;

        if (r == 999)
        {
            ops[i] = RESET;
            memset(full, 0, nslots);
        }
        else if (!full[slot])
        {
            ops[i] = (r & 1) ? Z(slot, size) : A(slot, size);
            full[slot] = 1;
        }
        else if (r % 3 == 0)
            ops[i] = RE(slot, size);
        else
        {
            ops[i] = F(slot);
            full[slot] = 0;
        }
    }
    free(full);
    return ops;
}

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

/* ---- bad traces and arguments ---- */

/* The trace must be refused by both the validator and the replay, with exactly this message. */
static void check_refused(const uint64_t *ops, size_t nops, uint32_t nslots, const char *message)
{
    uint64_t ns = 12345;
    uint64_t latency[16];
    AbCounters c;

    CHECK_EQ_I64(ab_replay_validate(ops, nops, nslots), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), message);
    for (int lane = AB_REPLAY_ASET; lane <= AB_REPLAY_MALLOC; lane++)
    {
        CHECK_EQ_I64(ab_replay(ops, nops, nslots, lane, 0, 8192, MB8, NULL, 1, &ns, NULL, &c, latency, NULL),
                     AB_ERR_INVALID_ARGUMENT);
        CHECK_EQ_STR(ab_error_message(), message);
        CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    }
    CHECK_EQ_U64(ns, 12345);   /* nothing ran */
}

TEST(replay_rejects_bad_traces_with_op_index)
{
    const uint64_t alloc_into_full[] = {A(0, 8), A(1, 8), A(0, 16)};
    const uint64_t zero_into_full[] = {Z(2, 8), Z(2, 8)};
    const uint64_t free_empty[] = {A(0, 8), F(0), F(0)};
    const uint64_t realloc_empty[] = {RE(1, 8)};
    const uint64_t after_reset[] = {A(0, 8), RESET, RE(0, 16)};
    const uint64_t slot_range[] = {A(0, 8), A(3, 8)};
    const uint64_t size_zero[] = {A(0, 8), A(1, 0)};
    const uint64_t free_with_size[] = {A(0, 8), AB_OP_ENCODE(AB_OP_FREE, 0, 8)};
    const uint64_t reset_with_size[] = {AB_OP_ENCODE(AB_OP_RESET, 0, 1)};
    const uint64_t kind_zero[] = {A(0, 8), AB_OP_ENCODE(0, 0, 8)};
    const uint64_t kind_six[] = {AB_OP_ENCODE(6, 1, 0)};
    const uint64_t kind_seven[] = {AB_OP_ENCODE(7, 0, 0)};
    const uint64_t reserved_bits[] = {A(0, 8), A(1, 8) | (1ull << 60)};

    check_refused(alloc_into_full, 3, 3, "invalid trace at op 2: 'a' into slot 0, which is full");
    check_refused(zero_into_full, 2, 3, "invalid trace at op 1: 'z' into slot 2, which is full");
    check_refused(free_empty, 3, 3, "invalid trace at op 2: 'f' on slot 0, which is empty");
    check_refused(realloc_empty, 1, 3, "invalid trace at op 0: 'r' on slot 1, which is empty");
    check_refused(after_reset, 3, 3, "invalid trace at op 2: 'r' on slot 0, which is empty");
    check_refused(slot_range, 2, 3, "invalid trace at op 1: 'a' on slot 3, out of range (the trace has 3 slots)");
    check_refused(size_zero, 2, 3, "invalid trace at op 1: 'a' of size 0 (sizes are 1..1073741823)");
    check_refused(free_with_size, 2, 3, "invalid trace at op 1: 'f' carries size 8 (must be 0)");
    check_refused(reset_with_size, 1, 3, "invalid trace at op 0: 'R' carries size 1 (must be 0)");
    check_refused(kind_zero, 2, 3, "invalid trace at op 1: unknown op kind 0 (op word 0x0000000040000000)");
    check_refused(kind_six, 1, 3, "invalid trace at op 0: unknown op kind 6 (op word 0x000000000000000e)");
    check_refused(kind_seven, 1, 3, "invalid trace at op 0: unknown op kind 7 (op word 0x0000000000000007)");
    check_refused(reserved_bits, 2, 3,
                  "invalid trace at op 1: bits 57..63 must be zero (op word 0x1000000040000009)");
}

TEST(replay_largest_size_is_valid)
{
    /* 1073741823 is the last valid size; it fits the 30-bit field, so there is no "too large" encoding */
    const uint64_t ops[] = {A(0, AB_MAX_ALLOC_SIZE), F(0)};

    CHECK_EQ_I64(ab_replay_validate(ops, 2, 1), AB_OK);
    CHECK_EQ_U64(AB_OP_SIZE(ops[0]), AB_MAX_ALLOC_SIZE);
}

TEST(replay_rejects_bad_arguments)
{
    uint64_t ns[2];
    AbCounters c;

    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 0, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid trace: 0 slots (must be 1..16777216)");
    CHECK_EQ_I64(ab_replay_validate(example, EXAMPLE_OPS, AB_REPLAY_MAX_SLOTS + 1), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid trace: 16777217 slots (must be 1..16777216)");
    CHECK_EQ_I64(ab_replay(NULL, 3, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay called with NULL ops and 3 ops");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, 0, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "unknown replay allocator 0 (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3 or"
                 " AB_REPLAY_FLOOR 4)");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 0, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay iterations must be at least 1, not 0");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, NULL, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay called with NULL ns_per_iteration");
    /* refused context sizes come back in ab_aset_create's words */
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 1000, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid initBlockSize 1000: must be a multiple of 8 and at least 1024");
}

/* ---- allocation failures during the replay ---- */

/* Not exported: replay.c's ab_replay over a given block source (see its comment). */
int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                          const AbBlockSource *source, int iterations, uint64_t *ns_per_iteration,
                          uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns);

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

/* ---- validated traces ---- */

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
    CHECK_EQ_I64(ab_trace_replay(trace, 7, 0, 8192, MB8, NULL, 1, &ns, NULL, NULL, NULL, NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "unknown replay allocator 7 (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3 or"
                 " AB_REPLAY_FLOOR 4)");
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

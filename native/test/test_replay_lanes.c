/*
 * test_replay_lanes.c -- the replay's lanes beyond the AllocSet: the floor's
 * plan worked out by hand (size classes, LIFO reuse, resize in place, R
 * starting over), the floor lane itself (no page faults once its region is
 * touched), the heap lane over a test heap that counts what it is asked
 * (a fresh heap per iteration and per R, every heap destroyed, nothing
 * leaked), and the page-fault counts being filled in.  Leaks in any lane
 * show up under make test-asan / test-valgrind.
 */
#include "replay_testing.h"

TEST(floor_plan_of_the_example)
{
    uint64_t offsets[5];
    size_t handed = 0;
    uint64_t region = 0;

    /*
     * a 0 100   -> class 128: bump, offset 0 (top 128)
     * z 1 24    -> class 32: bump, offset 128 (top 160)
     * r 0 300   -> class 512, not 128: the 128 at 0 goes to its freelist; bump, offset 160 (top 672)
     * f 1       -> the 32 at 128 goes to its freelist
     * a 2 9000  -> class 16384: bump, offset 672 (top 17056, the high-water mark)
     * R         -> freelists emptied, top back to 0
     * a 0 16    -> class 16: bump, offset 0
     */
    CHECK_EQ_I64(ab_floor_plan(example, COUNT(example), 3, offsets, 5, &handed, &region), AB_OK);
    CHECK_EQ_U64(handed, 5);
    CHECK_EQ_U64(region, 17056);
    CHECK_EQ_U64(offsets[0], 0);
    CHECK_EQ_U64(offsets[1], 128);
    CHECK_EQ_U64(offsets[2], 160);
    CHECK_EQ_U64(offsets[3], 672);
    CHECK_EQ_U64(offsets[4], 0);
}

TEST(floor_plan_reuses_the_last_freed_chunk_of_a_class_first)
{
    /* two 64-byte chunks freed in order 0 then 1: the next 64-byte request gets 1's (LIFO, the hottest) */
    const uint64_t ops[] = {A(0, 50), A(1, 50), F(0), F(1), A(2, 60), A(3, 33), A(4, 64), A(5, 65)};
    uint64_t offsets[6];
    size_t handed = 0;
    uint64_t region = 0;

    CHECK_EQ_I64(ab_floor_plan(ops, COUNT(ops), 6, offsets, 6, &handed, &region), AB_OK);
    CHECK_EQ_U64(handed, 6);
    CHECK_EQ_U64(offsets[0], 0);
    CHECK_EQ_U64(offsets[1], 64);
    CHECK_EQ_U64(offsets[2], 64);   /* slot 1's chunk, freed last */
    CHECK_EQ_U64(offsets[3], 0);    /* then slot 0's */
    CHECK_EQ_U64(offsets[4], 128);  /* 64 is still class 64: bump */
    CHECK_EQ_U64(offsets[5], 192);  /* 65 is class 128 */
    CHECK_EQ_U64(region, 320);
}

TEST(floor_plan_resizes_within_a_class_in_place)
{
    /* 20 -> 30 -> 17 stay in class 32 (offset 0); 33 moves to class 64, and the 32 is reused by slot 1 */
    const uint64_t ops[] = {A(0, 20), RE(0, 30), RE(0, 17), RE(0, 33), A(1, 1)};
    uint64_t offsets[5];
    size_t handed = 0;
    uint64_t region = 0;

    CHECK_EQ_I64(ab_floor_plan(ops, COUNT(ops), 2, offsets, 5, &handed, &region), AB_OK);
    CHECK_EQ_U64(offsets[0], 0);
    CHECK_EQ_U64(offsets[1], 0);
    CHECK_EQ_U64(offsets[2], 0);
    CHECK_EQ_U64(offsets[3], 32);
    CHECK_EQ_U64(offsets[4], 96);   /* size 1 is class 16, a class of its own: bump after the 64 */
    CHECK_EQ_U64(region, 112);
}

TEST(floor_plan_refuses_bad_traces_and_short_buffers)
{
    const uint64_t bad[] = {A(0, 8), F(0), F(0)};
    uint64_t offsets[4];
    size_t handed = 99;
    uint64_t region = 99;

    CHECK_EQ_I64(ab_floor_plan(bad, COUNT(bad), 1, offsets, 4, &handed, &region), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid trace at op 2: 'f' on slot 0, which is empty");
    CHECK_EQ_I64(ab_floor_plan(example, COUNT(example), 3, offsets, 4, &handed, &region), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "the floor's plan has 5 entries; room was given for 4");
    CHECK_EQ_U64(handed, 5);
    CHECK_EQ_I64(ab_floor_plan(example, COUNT(example), 3, offsets, 4, NULL, &region), AB_ERR_INVALID_ARGUMENT);
}

/* A trace of n chunks of size bytes, then an R, then the same again. */
static uint64_t *twice_then_reset(uint32_t n, size_t size, size_t *nops)
{
    uint64_t *ops = malloc((2 * (size_t) n + 1) * sizeof(uint64_t));
    size_t k = 0;

    for (int round = 0; round < 2; round++)
    {
        for (uint32_t s = 0; s < n; s++)
            ops[k++] = A(s, size);
        if (round == 0)
            ops[k++] = RESET;
    }
    *nops = k;
    return ops;
}

TEST(floor_lane_never_faults_and_counts_faults)
{
    size_t nops;
    uint64_t *ops = twice_then_reset(256, 4096, &nops);
    uint64_t ns[3], minflt[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX};

    REQUIRE(ops != NULL);
    CHECK_EQ_I64(ab_replay(ops, nops, 256, AB_REPLAY_FLOOR, 0, 0, 0, NULL, 3, ns, minflt, NULL, NULL, NULL), AB_OK);
    for (int i = 0; i < 3; i++)
        CHECK(ns[i] > 0);
    /*
     * Its 1 MiB region was touched before the first iteration; that iteration may
     * still fault in the loop's own code pages, executed for the first time.
     * Under valgrind the thread's faults include valgrind's own, which fall
     * wherever its work does (a full run saw one in the last iteration).
     */
    if (under_valgrind())
        CHECK(minflt[1] != UINT64_MAX && minflt[2] != UINT64_MAX);
    else
    {
        CHECK_EQ_U64(minflt[1], 0);
        CHECK_EQ_U64(minflt[2], 0);
    }
    free(ops);
}

TEST(malloc_lane_counts_the_faults_of_fresh_memory)
{
    /* 64 chunks of 1 MiB: glibc maps each afresh (or grows the heap), so touching them faults */
    size_t nops;
    uint64_t *ops = twice_then_reset(64, 1u << 20, &nops);
    uint64_t ns[2], minflt[2] = {UINT64_MAX, UINT64_MAX};

    REQUIRE(ops != NULL);
    CHECK_EQ_I64(ab_replay(ops, nops, 64, AB_REPLAY_MALLOC, 0, 0, 0, NULL, 2, ns, minflt, NULL, NULL, NULL), AB_OK);
    CHECK(minflt[0] != UINT64_MAX && minflt[1] != UINT64_MAX);
    CHECK(minflt[0] + minflt[1] > 0);
    free(ops);
}

/* ---- the heap lane over a test heap ---- */

/* A heap: a doubly linked list of malloc'd blocks, so destroy can free them all. */
typedef struct TestBlock
{
    struct TestBlock *prev, *next;
    struct TestHeap *heap;
    long long align_payload; /* the payload follows, 16-aligned on LP64 */
} TestBlock;

typedef struct TestHeap
{
    TestBlock *blocks;
    long live;
} TestHeap;

static long heaps_created, heaps_destroyed, blocks_live;

static void *test_heap_new(void)
{
    TestHeap *heap = calloc(1, sizeof(TestHeap));

    heaps_created += heap != NULL;
    return heap;
}

static void link_block(TestHeap *heap, TestBlock *block)
{
    block->heap = heap;
    block->prev = NULL;
    block->next = heap->blocks;
    if (heap->blocks != NULL)
        heap->blocks->prev = block;
    heap->blocks = block;
    heap->live++;
    blocks_live++;
}

static void unlink_block(TestBlock *block)
{
    if (block->prev != NULL)
        block->prev->next = block->next;
    else
        block->heap->blocks = block->next;
    if (block->next != NULL)
        block->next->prev = block->prev;
    block->heap->live--;
    blocks_live--;
}

static void *payload(TestBlock *block)
{
    return &block->align_payload;
}

static TestBlock *block_of(void *pointer)
{
    return (TestBlock *) ((char *) pointer - offsetof(TestBlock, align_payload));
}

static void *test_heap_malloc(void *heap, size_t size)
{
    TestBlock *block = malloc(offsetof(TestBlock, align_payload) + size);

    if (block == NULL)
        return NULL;
    link_block(heap, block);
    return payload(block);
}

static void *test_heap_zalloc(void *heap, size_t size)
{
    void *p = test_heap_malloc(heap, size);

    if (p != NULL)
        memset(p, 0, size);
    return p;
}

static void *test_heap_realloc(void *heap, void *pointer, size_t size)
{
    TestBlock *block = block_of(pointer);
    TestBlock *moved;

    unlink_block(block);
    moved = realloc(block, offsetof(TestBlock, align_payload) + size);
    if (moved == NULL)
    {
        link_block(heap, block);
        return NULL;
    }
    link_block(heap, moved);
    return payload(moved);
}

static void test_free(void *pointer)
{
    TestBlock *block = block_of(pointer);

    unlink_block(block);
    free(block);
}

static void test_heap_destroy(void *opaque)
{
    TestHeap *heap = opaque;

    while (heap->blocks != NULL)
    {
        TestBlock *block = heap->blocks;

        unlink_block(block);
        free(block);
    }
    free(heap);
    heaps_destroyed++;
}

static const AbHeapApi test_heap = {test_heap_new, test_heap_malloc, test_heap_zalloc, test_heap_realloc,
                                    test_free, test_heap_destroy};

TEST(heap_lane_makes_a_heap_per_iteration_and_per_reset_and_destroys_them_all)
{
    uint64_t ns[3];
    AbCounters c;

    heaps_created = heaps_destroyed = blocks_live = 0;
    memset(&c, 0xff, sizeof(c));
    CHECK_EQ_I64(ab_replay(example, COUNT(example), 3, AB_REPLAY_HEAP, 0, 0, 0, &test_heap, 3, ns, NULL, &c, NULL,
                           NULL), AB_OK);
    /* one heap per iteration, one more per R (a fresh heap, the old one destroyed with its blocks) */
    CHECK_EQ_I64(heaps_created, 6);
    CHECK_EQ_I64(heaps_destroyed, 6);
    CHECK_EQ_I64(blocks_live, 0);
    CHECK_EQ_U64(c.totalspace, 0); /* no context statistics outside the AllocSet lane */

    /* cut before the R: slots 0 and 2 are live at the end, released by the heap's destroy, not by frees */
    heaps_created = heaps_destroyed = blocks_live = 0;
    CHECK_EQ_I64(ab_replay(example, 5, 3, AB_REPLAY_HEAP, 0, 0, 0, &test_heap, 1, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    CHECK_EQ_I64(heaps_created, 1);
    CHECK_EQ_I64(heaps_destroyed, 1);
    CHECK_EQ_I64(blocks_live, 0);
}

TEST(heap_lane_needs_the_whole_api)
{
    AbHeapApi partial = test_heap;
    uint64_t ns;

    partial.heap_destroy = NULL;
    CHECK_EQ_I64(ab_replay(example, COUNT(example), 3, AB_REPLAY_HEAP, 0, 0, 0, &partial, 1, &ns, NULL, NULL, NULL,
                           NULL), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "AB_REPLAY_HEAP needs a heap API with all six functions");
    CHECK_EQ_I64(ab_replay(example, COUNT(example), 3, AB_REPLAY_HEAP, 0, 0, 0, NULL, 1, &ns, NULL, NULL, NULL,
                           NULL), AB_ERR_INVALID_ARGUMENT);
}

/* A heap whose allocations fail from the fail_at-th on: the replay names the op and leaks nothing. */
static long heap_calls, heap_fail_at;

static void *failing_heap_malloc(void *heap, size_t size)
{
    if (++heap_calls >= heap_fail_at)
        return NULL;
    return test_heap_malloc(heap, size);
}

TEST(heap_lane_out_of_memory_names_the_op_and_releases_everything)
{
    AbHeapApi failing = test_heap;
    uint64_t ns[2];

    failing.heap_malloc = failing_heap_malloc;
    heaps_created = heaps_destroyed = blocks_live = 0;
    heap_calls = 0;
    heap_fail_at = 4; /* the fourth a: the example has three, so the first a of the second iteration */
    CHECK_EQ_I64(ab_replay(example, COUNT(example), 3, AB_REPLAY_HEAP, 0, 0, 0, &failing, 2, ns, NULL, NULL, NULL,
                           NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "replay failed at op 0 (iteration 1): out of memory");
    CHECK_EQ_STR(ab_error_detail(), "heap_malloc(100) returned NULL.");
    CHECK_EQ_I64(heaps_created, heaps_destroyed);
    CHECK_EQ_I64(blocks_live, 0);
}

TEST(every_lane_replays_a_random_trace_the_same_number_of_times)
{
    /* a trace with frees, resizes and resets through every lane: nothing leaks (asan, valgrind) */
    const uint64_t ops[] = {A(0, 10), A(1, 5000), RE(0, 20000), Z(2, 7), F(1), RESET, A(1, 3), RE(1, 70),
                            A(0, 9), F(1), A(1, 100000), A(2, 1)};
    int lanes[] = {AB_REPLAY_ASET, AB_REPLAY_MALLOC, AB_REPLAY_HEAP, AB_REPLAY_FLOOR};

    for (size_t l = 0; l < COUNT(lanes); l++)
    {
        uint64_t ns[4] = {0, 0, 0, 0}, minflt[4] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};

        CHECK_EQ_I64(ab_replay(ops, COUNT(ops), 3, lanes[l], 0, 8192, 8 << 20, &test_heap, 4, ns, minflt, NULL,
                               NULL, NULL), AB_OK);
        for (int i = 0; i < 4; i++)
        {
            CHECK(ns[i] > 0);
            CHECK(minflt[i] != UINT64_MAX);
        }
    }
}

TEST(trace_handle_keeps_its_floor_between_replays)
{
    size_t nops;
    uint64_t *ops = twice_then_reset(128, 2048, &nops);
    AbTrace *trace = ab_trace_create(ops, nops, 128);
    uint64_t ns[2], minflt[2];

    REQUIRE(trace != NULL);
    free(ops);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_FLOOR, 0, 0, 0, NULL, 2, ns, minflt, NULL, NULL, NULL), AB_OK);
    /* the plan and the touched region were kept with the trace: the next call's first iteration does not fault */
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_FLOOR, 0, 0, 0, NULL, 2, ns, minflt, NULL, NULL, NULL), AB_OK);
    CHECK_EQ_U64(minflt[0], 0);
    CHECK_EQ_U64(minflt[1], 0);
    ab_trace_free(trace); /* frees the floor's state too (asan, valgrind) */
}

/* A heap whose heap_new fails from the fail_at-th call on: an R then cannot make its fresh heap. */
static long new_calls, new_fail_at;

static void *failing_heap_new(void)
{
    if (++new_calls >= new_fail_at)
        return NULL;
    return test_heap_new();
}

TEST(heap_lane_reset_without_a_fresh_heap_names_the_op_and_releases_everything)
{
    AbHeapApi failing = test_heap;
    uint64_t ns;

    failing.heap_new = failing_heap_new;
    heaps_created = heaps_destroyed = blocks_live = 0;
    new_calls = 0;
    new_fail_at = 2; /* the iteration's heap is made; the R's fresh one is not */
    CHECK_EQ_I64(ab_replay(example, COUNT(example), 3, AB_REPLAY_HEAP, 0, 0, 0, &failing, 1, &ns, NULL, NULL, NULL,
                           NULL), AB_ERR_OUT_OF_MEMORY);
    CHECK_EQ_STR(ab_error_message(), "replay failed at op 5 (iteration 0): out of memory");
    CHECK_EQ_STR(ab_error_detail(), "heap_new() returned NULL.");
    CHECK_EQ_I64(heaps_created, heaps_destroyed);
    CHECK_EQ_I64(blocks_live, 0);
}

/* ---- version 2 in the heap and floor lanes ----------------------------------------------------------- */

#define V2_CREATE AB_OP_ENCODE(AB_OP_CREATE, 0, 0)
#define V2_DELETE AB_OP_ENCODE(AB_OP_DELETE, 0, 0)
#define V2_P(context, thread) AB_PLACEMENT_ENCODE(context, thread)

/* The docs' version 2 example on one thread: 0 root, 1 ExecutorState, 2 ExprContext (child of 1). */
static const AbContextSpec v2_contexts[] = {
    {.parent = 0, .name = "root"},
    {.parent = 0, .init_block = 8192, .max_block = 8388608, .name = "ExecutorState"},
    {.parent = 1, .init_block = 1024, .max_block = 8192, .name = "ExprContext"},
};
/* c1, a0 in 1, c2, a1 in 2, f0, R2, a2 in 2, r2 in 2, d1 (1 and 2), a3 in the root (live at the end) */
static const uint64_t v2_ops[] = {V2_CREATE, A(0, 100), V2_CREATE, A(1, 40), F(0), RESET, A(2, 64), RE(2, 5000),
                                  V2_DELETE, Z(3, 24)};
static const uint32_t v2_placement[] = {V2_P(1, 0), V2_P(1, 0), V2_P(2, 0), V2_P(2, 0), V2_P(1, 0), V2_P(2, 0),
                                        V2_P(2, 0), V2_P(2, 0), V2_P(1, 0), V2_P(0, 0)};

/* The heaps the heap lane allocated from, in order (a, z). */
static TestHeap *heaps_used[8];
static size_t nheaps_used;

static void *recording_heap_malloc(void *heap, size_t size)
{
    if (nheaps_used < COUNT(heaps_used))
        heaps_used[nheaps_used++] = heap;
    return test_heap_malloc(heap, size);
}

static void *recording_heap_zalloc(void *heap, size_t size)
{
    if (nheaps_used < COUNT(heaps_used))
        heaps_used[nheaps_used++] = heap;
    return test_heap_zalloc(heap, size);
}

TEST(heap_lane_replays_version2_in_one_heap_with_contexts_emulated)
{
    AbTrace *trace = ab_trace_create2(v2_ops, v2_placement, COUNT(v2_ops), 4, v2_contexts, 3, 1);
    uint64_t ns[3];

    REQUIRE(trace != NULL);
    heaps_created = heaps_destroyed = blocks_live = 0;
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_HEAP, 0, 8192, 8388608, &test_heap, 3, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    /* per iteration one heap, the root's: R 2 and d 1 free their chunks one by one (the per-op Java lane's
       work); the end destroys the heap with z3 still in it */
    CHECK_EQ_I64(heaps_created, 3);
    CHECK_EQ_I64(heaps_destroyed, 3);
    CHECK_EQ_I64(blocks_live, 0);

    /* every chunk of every context comes from that one heap */
    AbHeapApi recording = test_heap;

    recording.heap_malloc = recording_heap_malloc;
    recording.heap_zalloc = recording_heap_zalloc;
    nheaps_used = 0;
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_HEAP, 0, 8192, 8388608, &recording, 1, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    CHECK_EQ_U64(nheaps_used, 4); /* a0, a1, a2, z3 */
    CHECK(heaps_used[0] == heaps_used[1]);
    CHECK(heaps_used[0] == heaps_used[2]);
    CHECK(heaps_used[0] == heaps_used[3]);
    ab_trace_free(trace);
    CHECK_EQ_I64(heaps_created, heaps_destroyed);
}

TEST(heap_lane_refuses_a_version2_trace_of_several_threads)
{
    uint32_t two[COUNT(v2_placement)];
    uint64_t ns;

    memcpy(two, v2_placement, sizeof(two));
    two[4] = V2_P(1, 1); /* thread 1 frees slot 0 */
    AbTrace *trace = ab_trace_create2(v2_ops, two, COUNT(v2_ops), 4, v2_contexts, 3, 2);
    REQUIRE(trace != NULL);
    heaps_created = heaps_destroyed = 0;
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_HEAP, 0, 8192, 8388608, &test_heap, 1, &ns, NULL, NULL, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "the heap lane replays traces of one thread only: a mimalloc heap belongs to the"
                                     " thread that made it, and this trace has 2 threads");
    CHECK_EQ_I64(heaps_created, 0);
    /* the other lanes take it */
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_FLOOR, 0, 8192, 8388608, NULL, 1, &ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    ab_trace_free(trace);
}

/*
 * The floor's plan of a version 2 trace is the plan of the version 1 trace a
 * context-less allocator sees: R and d become frees of the chunks they
 * release, so the freed memory is handed out again, LIFO per class.
 */
TEST(floor_lane_plans_version2_as_frees_of_the_released_chunks)
{
    AbTrace *trace = ab_trace_create2(v2_ops, v2_placement, COUNT(v2_ops), 4, v2_contexts, 3, 1);
    /* the same trace as a context-less allocator sees it: R 2 frees slot 1, d 1 frees slot 2 */
    static const uint64_t flat[] = {A(0, 100), A(1, 40), F(0), F(1), A(2, 64), RE(2, 5000), F(2), Z(3, 24)};
    uint64_t want[5];
    size_t handed;
    uint64_t region;
    uint64_t ns[2];

    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_floor_plan(flat, COUNT(flat), 4, want, COUNT(want), &handed, &region), AB_OK);
    CHECK_EQ_U64(handed, 5);
    /* a2 (64 bytes) reuses a1's 64-byte class slot freed by R 2; z3 (32-byte class) is new */
    CHECK_EQ_U64(want[2], want[1]);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_FLOOR, 0, 8192, 8388608, NULL, 2, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    /* replay2 takes the floor too (counters are the AllocSet's only: zeros) */
    AbCounterPoint at_end = {.before_op = COUNT(v2_ops), .context = 0};
    AbCounters c;
    memset(&c, 0xff, sizeof(c));
    CHECK_EQ_I64(ab_trace_replay2(trace, AB_REPLAY_FLOOR, 0, 8192, 8388608, 1, ns, NULL, NULL, &at_end, 1, &c),
                 AB_OK);
    CHECK_EQ_U64(c.totalspace, 0);
    ab_trace_free(trace);
}

/* The v2 trace, then an R of the root (after z3): the heap lane's one bulk release. */
static const uint64_t v2_root_reset_ops[] = {V2_CREATE, A(0, 100), V2_CREATE, A(1, 40), F(0), RESET, A(2, 64),
                                             RE(2, 5000), V2_DELETE, Z(3, 24), RESET, A(0, 8)};
static const uint32_t v2_root_reset_placement[] = {V2_P(1, 0), V2_P(1, 0), V2_P(2, 0), V2_P(2, 0), V2_P(1, 0),
                                                   V2_P(2, 0), V2_P(2, 0), V2_P(2, 0), V2_P(1, 0), V2_P(0, 0),
                                                   V2_P(0, 0), V2_P(0, 0)};

/* A heap that cannot be made for the root's R: the op is named, and every heap and block is released. */
TEST(heap_lane_version2_without_a_new_heap_names_the_op_and_releases_everything)
{
    AbTrace *trace = ab_trace_create2(v2_root_reset_ops, v2_root_reset_placement, COUNT(v2_root_reset_ops), 4,
                                      v2_contexts, 3, 1);
    AbHeapApi failing = test_heap;
    uint64_t ns;

    REQUIRE(trace != NULL);
    failing.heap_new = failing_heap_new;
    /* heap_new calls: 1 the iteration's (the root's), 2 the root's R's fresh heap (op 10); c makes none */
    static const struct { long fail_at; const char *message; } cases[] = {
        {2, "replay failed at op 10 (iteration 0): out of memory (a new heap)"},
    };
    for (size_t k = 0; k < COUNT(cases); k++)
    {
        heaps_created = heaps_destroyed = blocks_live = 0;
        new_calls = 0;
        new_fail_at = cases[k].fail_at;
        CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_HEAP, 0, 8192, 8388608, &failing, 1, &ns, NULL, NULL, NULL,
                                     NULL), AB_ERR_OUT_OF_MEMORY);
        CHECK_EQ_STR(ab_error_message(), cases[k].message);
        CHECK_EQ_STR(ab_error_detail(), "heap_new() returned NULL.");
        CHECK_EQ_I64(heaps_created, heaps_destroyed);
        CHECK_EQ_I64(blocks_live, 0);
    }
    ab_trace_free(trace);
}

/*
 * test_replay_tree.c -- version 2 traces in C: each validation rule (with
 * the op index in the message), the docs example's tree replayed in the
 * AllocSet lane with every context's counters compared against the same
 * calls made by hand through the API, and the malloc lane's emulation
 * (leaks would show under make test-asan / test-valgrind).
 */
#include "replay_testing.h"

#define CREATE AB_OP_ENCODE(AB_OP_CREATE, 0, 0)
#define DELETE AB_OP_ENCODE(AB_OP_DELETE, 0, 0)
#define P(context, thread) AB_PLACEMENT_ENCODE(context, thread)

/* The docs example on one thread: contexts 0 root, 1 ExecutorState, 2 ExprContext. */
static const AbContextSpec tree_contexts[] = {
    {.parent = 0, .name = "root"},
    {.parent = 0, .min_ctx = 0, .init_block = 8192, .max_block = 8388608, .name = "ExecutorState"},
    {.parent = 1, .min_ctx = 0, .init_block = 1024, .max_block = 8192, .name = "ExprContext"},
};
static const uint64_t tree_ops[] = {CREATE, A(0, 100), CREATE, A(1, 40), F(0), RESET, A(2, 64), DELETE};
static const uint32_t tree_placement[] = {P(1, 0), P(1, 0), P(2, 0), P(2, 0), P(1, 0), P(2, 0), P(2, 0), P(1, 0)};

static void check_invalid(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                          uint32_t nthreads, const char *message)
{
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, nops, nslots, tree_contexts, 3, nthreads),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), message);
    CHECK(ab_trace_create2(ops, placement, nops, nslots, tree_contexts, 3, nthreads) == NULL);
}

TEST(tree_validate_accepts_docs_example)
{
    CHECK_EQ_I64(ab_replay_validate2(tree_ops, tree_placement, COUNT(tree_ops), 4, tree_contexts, 3, 1), AB_OK);
    /* zero ops, and a version 1 trace written as version 2 (everything in the root, thread 0) */
    CHECK_EQ_I64(ab_replay_validate2(NULL, NULL, 0, 1, tree_contexts, 1, 1), AB_OK);
    uint32_t root[EXAMPLE_OPS] = {0};
    CHECK_EQ_I64(ab_replay_validate2(example, root, EXAMPLE_OPS, 3, tree_contexts, 1, 1), AB_OK);
}

TEST(tree_validate_rules)
{
    /* c: once, under a live parent, not the root, sizes valid */
    check_invalid((uint64_t[]) {CREATE, CREATE}, (uint32_t[]) {P(1, 0), P(1, 0)}, 2, 1, 1,
                  "invalid trace at op 1: 'c' of context 1, which was created before");
    check_invalid((uint64_t[]) {CREATE}, (uint32_t[]) {P(0, 0)}, 1, 1, 1,
                  "invalid trace at op 0: 'c' of context 0, which is the root");
    check_invalid((uint64_t[]) {CREATE}, (uint32_t[]) {P(2, 0)}, 1, 1, 1,
                  "invalid trace at op 0: 'c' of context 2 under context 1, which is not live");
    check_invalid((uint64_t[]) {CREATE}, (uint32_t[]) {P(3, 0)}, 1, 1, 1,
                  "invalid trace at op 0: 'c' in context 3, out of range (the trace has 3 contexts)");
    /* a into a context not (yet, or any more) live; d of the root; d twice */
    check_invalid((uint64_t[]) {A(0, 8)}, (uint32_t[]) {P(1, 0)}, 1, 1, 1,
                  "invalid trace at op 0: 'a' into context 1, which is not live");
    check_invalid((uint64_t[]) {DELETE}, (uint32_t[]) {P(0, 0)}, 1, 1, 1,
                  "invalid trace at op 0: 'd' of context 0 (the root ends with the iteration)");
    check_invalid((uint64_t[]) {CREATE, CREATE, DELETE, Z(0, 8)}, (uint32_t[]) {P(1, 0), P(2, 0), P(1, 0), P(2, 0)},
                  4, 1, 1, "invalid trace at op 3: 'z' into context 2, which is not live");
    check_invalid((uint64_t[]) {CREATE, DELETE, DELETE}, (uint32_t[]) {P(1, 0), P(1, 0), P(1, 0)}, 3, 1, 1,
                  "invalid trace at op 2: 'd' of context 1, which is not live");
    /* R of the parent deletes the child: R of the child after it is an error */
    check_invalid((uint64_t[]) {CREATE, CREATE, RESET, RESET}, (uint32_t[]) {P(1, 0), P(2, 0), P(1, 0), P(2, 0)},
                  4, 1, 1, "invalid trace at op 3: 'R' of context 2, which is not live");
    /* a reset empties the slots of the context and of its descendants, not others */
    check_invalid((uint64_t[]) {CREATE, CREATE, A(0, 8), A(1, 8), RESET, F(1), F(0)},
                  (uint32_t[]) {P(1, 0), P(2, 0), P(2, 0), P(0, 0), P(1, 0), P(0, 0), P(2, 0)}, 7, 2, 1,
                  "invalid trace at op 6: 'f' on slot 0, which is empty");
    /* a delete empties the slots of its descendants */
    check_invalid((uint64_t[]) {CREATE, CREATE, A(0, 8), DELETE, F(0)},
                  (uint32_t[]) {P(1, 0), P(2, 0), P(2, 0), P(1, 0), P(2, 0)}, 5, 1, 1,
                  "invalid trace at op 4: 'f' on slot 0, which is empty");
    check_invalid((uint64_t[]) {CREATE, CREATE, A(0, 8), RESET, A(0, 8), F(0), F(0)},
                  (uint32_t[]) {P(1, 0), P(2, 0), P(2, 0), P(1, 0), P(1, 0), P(1, 0), P(1, 0)}, 7, 1, 1,
                  "invalid trace at op 6: 'f' on slot 0, which is empty");
    /* r and f name the chunk's context; threads in range; sizes */
    check_invalid((uint64_t[]) {CREATE, A(0, 8), F(0)}, (uint32_t[]) {P(1, 0), P(1, 0), P(0, 0)}, 3, 1, 1,
                  "invalid trace at op 2: 'f' on slot 0 names context 0, but its chunk is in context 1");
    check_invalid((uint64_t[]) {A(0, 8)}, (uint32_t[]) {P(0, 2)}, 1, 1, 2,
                  "invalid trace at op 0: 'a' on thread 2, out of range (the trace has 2 threads)");
    check_invalid((uint64_t[]) {A(0, 8), A(0, 8)}, (uint32_t[]) {P(0, 0), P(0, 1)}, 2, 1, 2,
                  "invalid trace at op 1: 'a' into slot 0, which is full");
    check_invalid((uint64_t[]) {AB_OP_ENCODE(AB_OP_CREATE, 1, 0)}, (uint32_t[]) {P(1, 0)}, 1, 2, 1,
                  "invalid trace at op 0: 'c' carries slot 1 and size 0 (must be 0)");
}

TEST(tree_validate_context_sizes)
{
    AbContextSpec bad[] = {{.name = "root"}, {.parent = 0, .init_block = 1000, .max_block = 8192, .name = "x"}};
    uint64_t ops[] = {CREATE};
    uint32_t placement[] = {P(1, 0)};

    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 1), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(),
                 "invalid trace at op 0: 'c' of context 1: INIT 1000 must be a multiple of 8 and at least 1024");
    bad[1].init_block = 8192;
    bad[1].max_block = 4096;
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 1), AB_ERR_INVALID_ARGUMENT);
    bad[1].max_block = 8192;
    bad[1].min_ctx = 512;
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 1), AB_ERR_INVALID_ARGUMENT);
    bad[1].min_ctx = 1024;
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 1), AB_OK);
    /* shape: contexts and threads counts */
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 0, 1), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 0), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_replay_validate2(ops, placement, 1, 1, bad, 2, 257), AB_ERR_INVALID_ARGUMENT);
}

/*
 * The docs example (one thread) in the AllocSet lane: the counters of
 * ExecutorState before its delete, of ExprContext after its reset, and of
 * the root at the end equal the same calls made through the API.
 */
TEST(tree_replay_aset_counters_match_api)
{
    AbTrace *trace = ab_trace_create2(tree_ops, tree_placement, COUNT(tree_ops), 4, tree_contexts, 3, 1);
    AbCounterPoint points[] = {{.before_op = 6, .context = 2}, {.before_op = 7, .context = 1},
                               {.before_op = 8, .context = 0}};
    AbCounters got[3], root, want[3];
    uint64_t ns[4];

    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay2(trace, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                                  4, ns, NULL, &root, points, COUNT(points), got),
                 AB_OK);

    AbContext *c0 = ab_aset_create(NULL, "replay", AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE);
    AbContext *c1 = ab_aset_create(c0, "ExecutorState", 0, 8192, 8388608);
    void *p0 = ab_alloc(c1, 100);
    AbContext *c2 = ab_aset_create(c1, "ExprContext", 0, 1024, 8192);
    REQUIRE(ab_alloc(c2, 40) != NULL);
    ab_free(p0);
    ab_reset(c2);
    ab_stats(c2, 0, &want[0]);
    REQUIRE(ab_alloc(c2, 64) != NULL);
    ab_stats(c1, 0, &want[1]);
    ab_delete(c1);
    ab_stats(c0, 0, &want[2]);
    ab_delete(c0);
    for (int k = 0; k < 3; k++)
        CHECK_COUNTERS(got[k], want[k].totalspace, want[k].nblocks, want[k].freespace, want[k].freechunks,
                       want[k].usedspace);
    CHECK_COUNTERS(root, want[2].totalspace, want[2].nblocks, want[2].freespace, want[2].freechunks,
                   want[2].usedspace);
    /* by hand: ExprContext after its reset is its keeper alone; the root never allocated */
    CHECK_COUNTERS(got[0], 1024, 1, 1024 - 200 - 40, 0, 240);
    CHECK_COUNTERS(root, 8192, 1, 7952, 0, 240);
    /* ExecutorState: keeper 8192, its 136-byte chunk freed (one freelist chunk) */
    CHECK_COUNTERS(got[1], 8192, 1, 7952, 1, 240);
    /* a point on a dead context is refused before anything runs */
    AbCounterPoint dead[] = {{.before_op = 8, .context = 1}};
    CHECK_EQ_I64(ab_trace_replay2(trace, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                                  1, ns, NULL, NULL, dead, 1, got),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "counter point 0: context 1 is not live before op 8");
    ab_trace_free(trace);
}

/* The malloc lane frees every chunk of the contexts a reset or delete empties, and the rest at the end. */
TEST(tree_replay_malloc_frees_everything)
{
    static const uint64_t ops[] = {CREATE, A(0, 100), CREATE, A(1, 40), Z(2, 7), RE(2, 5000), RESET, A(1, 64),
                                   A(3, 9), CREATE, A(4, 1), DELETE, A(0, 3)};
    static const uint32_t placement[] = {P(1, 0), P(1, 0), P(2, 0), P(2, 0), P(2, 0), P(2, 0), P(1, 0), P(1, 0),
                                         P(0, 0), P(2, 0), P(2, 0), P(1, 0), P(0, 0)};
    AbContextSpec contexts[] = {{.name = "root"},
                                {.parent = 0, .init_block = 8192, .max_block = 8388608, .name = "a"},
                                {.parent = 1, .init_block = 1024, .max_block = 8192, .name = "b"}};
    uint64_t ns[3];
    AbTrace *trace;

    /* context 2 is created twice: refused */
    CHECK(ab_trace_create2(ops, placement, COUNT(ops), 5, contexts, 3, 1) == NULL);
    CHECK_EQ_STR(ab_error_message(), "invalid trace at op 9: 'c' of context 2, which was created before");
    AbContextSpec four[] = {contexts[0], contexts[1], contexts[2], {.parent = 1, .init_block = 1024,
                                                                    .max_block = 8192, .name = "c"}};
    uint32_t fixed[COUNT(placement)];
    memcpy(fixed, placement, sizeof(fixed));
    fixed[9] = P(3, 0);
    fixed[10] = P(3, 0);
    trace = ab_trace_create2(ops, fixed, COUNT(ops), 5, four, 4, 1);
    REQUIRE(trace != NULL);
    CHECK_EQ_U64(ab_trace_length(trace), COUNT(ops));
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_MALLOC, 0, 8192, 8388608, NULL, 3, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, 0, 8192, 8388608, NULL, 3, ns, NULL, NULL, NULL, NULL),
                 AB_OK);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_FLOOR, 0, 8192, 8388608, NULL, 1, ns, NULL, NULL, NULL, NULL),
                 AB_OK); /* the floor: test_replay_lanes.c checks its plan */
    ab_trace_free(trace);
}

/*
 * Two threads: thread 0 allocates, thread 1 frees the chunk (and reallocs
 * some first), over many slots and iterations, with c, R and d between
 * rounds; under ASan and valgrind a free before its allocation or a double
 * free would show.  The AllocSet's counters at every point equal those of
 * the same ops on one thread (any allowed order gives the same counters).
 */
TEST(tree_replay_threads_cross_thread_free)
{
    enum { ROUNDS = 40, SLOTS = 16 };
    size_t cap = ROUNDS * (3 * SLOTS + 3);
    uint64_t *ops = malloc(cap * sizeof(uint64_t));
    uint32_t *two = malloc(cap * sizeof(uint32_t));
    uint32_t *one = malloc(cap * sizeof(uint32_t));
    AbContextSpec contexts[ROUNDS + 1];
    AbCounterPoint points[ROUNDS];
    AbCounters got[ROUNDS], want[ROUNDS], root_two, root_one;
    uint64_t ns[5];
    size_t n = 0, npoints = 0;

    REQUIRE(ops != NULL && two != NULL && one != NULL);
    contexts[0] = (AbContextSpec) {.name = "root"};
    for (uint32_t round = 0; round < ROUNDS; round++)
    {
        uint32_t id = round + 1;

        contexts[id] = (AbContextSpec) {.parent = 0, .init_block = 1024, .max_block = 8192, .name = "round"};
        ops[n] = CREATE, two[n++] = P(id, round % 2);
        for (uint32_t s = 0; s < SLOTS; s++)
            ops[n] = A(s, 8 + 24 * s + round), two[n++] = P(s % 2 ? id : 0, 0);
        for (uint32_t s = 0; s < SLOTS; s++)
            ops[n] = RE(s, 16 + 40 * s), two[n++] = P(s % 2 ? id : 0, 1);
        for (uint32_t s = 0; s < SLOTS; s += 2)
            ops[n] = F(s), two[n++] = P(0, 1 - s % 4 / 2);
        ops[n] = RESET, two[n++] = P(0, 1); /* deletes the round's context: its odd slots empty */
        points[npoints++] = (AbCounterPoint) {.before_op = n, .context = 0};
        ops[n] = A(0, 100), two[n++] = P(0, 0);
        ops[n] = F(0), two[n++] = P(0, 1);
    }
    /* the R of the root deleted every round's context: recreate none; all slots are empty here */
    for (size_t i = 0; i < n; i++)
        one[i] = AB_PLACEMENT_ENCODE(AB_PLACEMENT_CONTEXT(two[i]), 0);

    AbTrace *threaded = ab_trace_create2(ops, two, n, SLOTS, contexts, ROUNDS + 1, 2);
    AbTrace *single = ab_trace_create2(ops, one, n, SLOTS, contexts, ROUNDS + 1, 1);
    REQUIRE(threaded != NULL && single != NULL);
    CHECK_EQ_I64(ab_trace_replay2(threaded, AB_REPLAY_ASET, 0, 8192, 8388608, 5, ns, NULL, &root_two, NULL, 0,
                                  NULL),
                 AB_OK);
    CHECK_EQ_I64(ab_trace_replay2(single, AB_REPLAY_ASET, 0, 8192, 8388608, 1, ns, NULL, &root_one, NULL, 0, NULL),
                 AB_OK);
    CHECK_EQ_U64(root_two.totalspace, root_one.totalspace);
    CHECK_EQ_U64(root_two.freespace, root_one.freespace);
    CHECK_EQ_U64(root_two.freechunks, root_one.freechunks);
    /* points are read where the threads wait: before each R */
    for (size_t k = 0; k < npoints; k++)
        points[k].before_op--;
    CHECK_EQ_I64(ab_trace_replay2(threaded, AB_REPLAY_ASET, 0, 8192, 8388608, 2, ns, NULL, NULL, points, npoints,
                                  got),
                 AB_OK);
    CHECK_EQ_I64(ab_trace_replay2(single, AB_REPLAY_ASET, 0, 8192, 8388608, 1, ns, NULL, NULL, points, npoints, want),
                 AB_OK);
    for (size_t k = 0; k < npoints; k++)
    {
        CHECK_EQ_U64(got[k].totalspace, want[k].totalspace);
        CHECK_EQ_U64(got[k].freespace, want[k].freespace);
        CHECK_EQ_U64(got[k].freechunks, want[k].freechunks);
        CHECK(want[k].totalspace > 0);
    }
    /* a point before an a of a threaded trace cannot be read: its threads run there */
    AbCounterPoint running[] = {{.before_op = 1, .context = 0}};
    CHECK_EQ_I64(ab_trace_replay2(threaded, AB_REPLAY_ASET, 0, 8192, 8388608, 1, ns, NULL, NULL, running, 1, got),
                 AB_ERR_INVALID_ARGUMENT);
    /* the malloc lane: slot order and c/R/d alone; every chunk freed once (ASan, valgrind) */
    uint64_t minflt[5];
    CHECK_EQ_I64(ab_trace_replay(threaded, AB_REPLAY_MALLOC, 0, 8192, 8388608, NULL, 5, ns, minflt, NULL, NULL, NULL),
                 AB_OK);
    /* the floor on threads: each op's planned address (ASan: all inside the region) */
    CHECK_EQ_I64(ab_trace_replay(threaded, AB_REPLAY_FLOOR, 0, 8192, 8388608, NULL, 3, ns, minflt, NULL, NULL, NULL),
                 AB_OK);
    ab_trace_free(threaded);
    ab_trace_free(single);
    free(ops);
    free(two);
    free(one);
}

/* A version 1 trace given to ab_trace_create2 (all in the root, thread 0) replays exactly as version 1. */
TEST(tree_replay_version1_trace_unchanged)
{
    uint32_t root[EXAMPLE_OPS] = {0};
    AbTrace *trace = ab_trace_create2(example, root, EXAMPLE_OPS, 3, tree_contexts, 1, 1);
    AbCounters c;
    uint64_t ns[2];

    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                                 NULL, 2, ns, NULL, &c, NULL, NULL),
                 AB_OK);
    CHECK_COUNTERS(c, 8192, 1, 7928, 0, 264); /* the docs' version 1 example figures */
    uint64_t latency[EXAMPLE_OPS];
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                                 NULL, 1, ns, NULL, NULL, latency, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    ab_trace_free(trace);
}

/*
 * Ping-pong over many iterations: thread 0 allocates each slot, thread 1
 * frees it, both lanes.  A free running before its allocation would free a
 * stale pointer of the previous iteration (ASan/valgrind: double free).
 */
TEST(tree_replay_threads_ping_pong_many_iterations)
{
    enum { SLOTS = 64, ROUNDS = 4, ITERATIONS = 100 };
    uint64_t ops[2 * SLOTS * ROUNDS];
    uint32_t placement[2 * SLOTS * ROUNDS];
    uint64_t ns[ITERATIONS];
    size_t n = 0;

    for (uint32_t round = 0; round < ROUNDS; round++)
        for (uint32_t s = 0; s < SLOTS; s++)
        {
            ops[n] = A(s, 16 + 8 * s), placement[n++] = P(0, 0);
            ops[n] = F(s), placement[n++] = P(0, 1);
        }
    AbTrace *trace = ab_trace_create2(ops, placement, n, SLOTS, tree_contexts, 1, 2);
    REQUIRE(trace != NULL);
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_MALLOC, 0, 8192, 8388608, NULL, ITERATIONS, ns, NULL, NULL, NULL,
                                 NULL),
                 AB_OK);
    AbCounters c;
    CHECK_EQ_I64(ab_trace_replay(trace, AB_REPLAY_ASET, 0, 8192, 8388608, NULL, ITERATIONS, ns, NULL, &c, NULL, NULL),
                 AB_OK);
    CHECK_EQ_U64(c.totalspace - c.freespace, 240); /* everything freed: only the context header and block header */
    for (int i = 0; i < ITERATIONS; i++)
        CHECK(ns[i] > 0);
    ab_trace_free(trace);
}

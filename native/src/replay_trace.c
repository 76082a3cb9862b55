/*
 * replay_trace.c -- validated trace handles (ab_trace_create, _replay,
 * _length, _free): a private copy of a trace, validated once, for callers
 * that replay the same trace many times and time each call from outside
 * (JMH).  There, validating on every call was measured at about 5 ns per op,
 * as much as a third of what was being measured.  The handle also keeps the
 * floor lane's state, made on first use.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay_tree.h"

#define AB_TRACE_MAGIC 0x7ACE7ACEu

struct AbTrace
{
    uint32_t magic;     /* AB_TRACE_MAGIC while alive: catches NULL and most foreign pointers */
    uint32_t nslots;
    size_t   nops;
    FloorState *_Atomic floor; /* made by the first floor replay, kept until ab_trace_free */
    TreeTrace  *tree;   /* a version 2 trace (ab_trace_create2): its placement, contexts and plan; else NULL */
    uint64_t ops[];     /* a private copy: nobody can change it after validation */
};

/*
 * The trace's floor state, made on first use.  Replays may run concurrently,
 * so two may make one at once: the first to publish it wins, the other frees
 * its own.  The region is then shared by concurrent floor replays of the
 * trace; they only write, and nothing reads it.
 */
static const FloorState *floor_of_trace(const AbTrace *trace)
{
    AbTrace *mutable_trace = (AbTrace *) trace;
    FloorState *floor = atomic_load(&mutable_trace->floor);
    FloorState *expected = NULL;

    if (floor != NULL)
        return floor;
    floor = trace->tree != NULL ? ab_floor_make_tree(trace->tree) : ab_floor_make(trace->ops, trace->nops, trace->nslots);
    if (floor == NULL)
        return NULL;
    if (!atomic_compare_exchange_strong(&mutable_trace->floor, &expected, floor))
    {
        ab_floor_free(floor);
        return expected;
    }
    return floor;
}

AbTrace *ab_trace_create(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    AbTrace *trace;

    if (ab_replay_check_shape(ops, nops, nslots) != AB_OK)
        return NULL;
    if (nops > (SIZE_MAX - sizeof(AbTrace)) / sizeof(uint64_t))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "trace of %zu ops is too long", nops);
    if (ab_replay_validate_trace(ops, nops, nslots) != AB_OK)
        return NULL;
    trace = malloc(sizeof(AbTrace) + nops * sizeof(uint64_t));
    if (trace == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (copy of a trace of %zu ops)", nops);
    trace->magic = AB_TRACE_MAGIC;
    trace->tree = NULL;
    atomic_init(&trace->floor, NULL);
    trace->nslots = nslots;
    trace->nops = nops;
    if (nops != 0)
        memcpy(trace->ops, ops, nops * sizeof(uint64_t));
    return trace;
}

/*
 * The version 2 parts of a trace, in one allocation with the ops' copy
 * beside them: placement, context table and the names it points at.
 */
static void tree_free(TreeTrace *tree)
{
    if (tree == NULL)
        return;
    ab_tree_plan_free((TreePlan *) tree->plan);
    free(tree);
}

static TreeTrace *tree_copy(const uint32_t *placement, size_t nops, uint32_t nslots, const AbContextSpec *contexts,
                            uint32_t ncontexts, uint32_t nthreads, TreePlan *plan)
{
    size_t names = 0;
    size_t fixed = sizeof(TreeTrace) + sizeof(TreePlan) + ncontexts * sizeof(AbContextSpec)
                   + nops * sizeof(uint32_t);
    TreeTrace *tree;
    char *cursor;

    for (uint32_t id = 0; id < ncontexts; id++)
        names += strlen(contexts[id].name != NULL ? contexts[id].name : "context") + 1;
    if ((tree = malloc(fixed + names)) == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (copy of a trace of %zu ops)", nops);
    TreePlan *own_plan = (TreePlan *) (tree + 1);
    AbContextSpec *table = (AbContextSpec *) (own_plan + 1);
    uint32_t *own_placement = (uint32_t *) (table + ncontexts);

    *own_plan = *plan;
    memcpy(table, contexts, ncontexts * sizeof(AbContextSpec));
    if (nops != 0)
        memcpy(own_placement, placement, nops * sizeof(uint32_t));
    cursor = (char *) (own_placement + nops);
    for (uint32_t id = 0; id < ncontexts; id++)
    {
        const char *name = contexts[id].name != NULL ? contexts[id].name : "context";
        size_t length = strlen(name) + 1;

        memcpy(cursor, name, length);
        table[id].name = cursor;
        cursor += length;
    }
    *tree = (TreeTrace) {.placement = own_placement, .nops = nops, .nslots = nslots, .ncontexts = ncontexts,
                         .nthreads = nthreads, .contexts = table, .plan = own_plan};
    return tree;
}

AbTrace *ab_trace_create2(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                          const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads)
{
    TreePlan plan;
    AbTrace *trace;

    if (nops > (SIZE_MAX / 2 - sizeof(AbTrace)) / sizeof(uint64_t))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "trace of %zu ops is too long", nops);
    if (ab_tree_validate(ops, placement, nops, nslots, contexts, ncontexts, nthreads, &plan) != AB_OK)
        return NULL;
    trace = malloc(sizeof(AbTrace) + nops * sizeof(uint64_t));
    if (trace == NULL)
    {
        ab_tree_plan_free(&plan);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (copy of a trace of %zu ops)", nops);
    }
    if ((trace->tree = tree_copy(placement, nops, nslots, contexts, ncontexts, nthreads, &plan)) == NULL)
    {
        ab_tree_plan_free(&plan);
        free(trace);
        return NULL;
    }
    trace->magic = AB_TRACE_MAGIC;
    atomic_init(&trace->floor, NULL);
    trace->nslots = nslots;
    trace->nops = nops;
    if (nops != 0)
        memcpy(trace->ops, ops, nops * sizeof(uint64_t));
    trace->tree->ops = trace->ops;
    return trace;
}

static bool trace_is_valid(const AbTrace *trace)
{
    if (trace != NULL && trace->magic == AB_TRACE_MAGIC)
        return true;
    ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "%p is not a live trace (freed, or not from ab_trace_create)",
                 (const void *) trace);
    return false;
}

int ab_trace_replay(const AbTrace *trace, int allocator,
                    size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                    int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                    AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    const FloorState *floor = NULL;
    int rc;

    if (!trace_is_valid(trace))
        return AB_ERR_INVALID_ARGUMENT;
    if ((rc = ab_replay_check_run_arguments(allocator, heap, iterations, ns_per_iteration)) != AB_OK)
        return rc;
    if (trace->tree != NULL)
    {
        if (latency_ns != NULL)
        {
            ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "per-op latencies of a version 2 trace are not supported");
            return AB_ERR_INVALID_ARGUMENT;
        }
        if (timer_overhead_ns != NULL)
            *timer_overhead_ns = 0; /* no per-op clock reads, so nothing to subtract */
        if (allocator == AB_REPLAY_FLOOR && (floor = floor_of_trace(trace)) == NULL)
            return ab_error_code();
        return ab_tree_replay(trace->tree, allocator, min_ctx, init_block, max_block, heap, floor, iterations,
                              ns_per_iteration, minflt_per_iteration, stats_before_delete, NULL, 0, NULL);
    }
    if (allocator == AB_REPLAY_FLOOR && (floor = floor_of_trace(trace)) == NULL)
        return ab_error_code();
    return ab_replay_run_validated(trace->ops, trace->nops, trace->nslots, allocator, min_ctx, init_block, max_block,
                                   heap, NULL, floor, iterations, ns_per_iteration, minflt_per_iteration,
                                   stats_before_delete, latency_ns, timer_overhead_ns);
}

int ab_trace_replay2(const AbTrace *trace, int allocator, size_t min_ctx, size_t init_block, size_t max_block,
                     int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                     AbCounters *stats_before_delete, const AbCounterPoint *points, size_t npoints,
                     AbCounters *counters)
{
    const FloorState *floor = NULL;
    int rc;

    if (!trace_is_valid(trace))
        return AB_ERR_INVALID_ARGUMENT;
    /* no heap API here: AB_REPLAY_HEAP is refused (ab_trace_replay takes one) */
    if ((rc = ab_replay_check_run_arguments(allocator, NULL, iterations, ns_per_iteration)) != AB_OK)
        return rc;
    if (trace->tree == NULL)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "ab_trace_replay2 needs a version 2 trace (ab_trace_create2)");
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (allocator == AB_REPLAY_FLOOR && (floor = floor_of_trace(trace)) == NULL)
        return ab_error_code();
    return ab_tree_replay(trace->tree, allocator, min_ctx, init_block, max_block, NULL, floor, iterations,
                          ns_per_iteration, minflt_per_iteration, stats_before_delete, points, npoints, counters);
}

size_t ab_trace_length(const AbTrace *trace)
{
    return trace_is_valid(trace) ? trace->nops : 0;
}

void ab_trace_free(AbTrace *trace)
{
    if (trace == NULL)
        return;
    if (!trace_is_valid(trace))
        return;
    trace->magic = 0;
    ab_floor_free(atomic_load(&trace->floor));
    tree_free(trace->tree);
    free(trace);
}

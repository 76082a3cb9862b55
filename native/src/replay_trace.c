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

#include "replay_internal.h"

#define AB_TRACE_MAGIC 0x7ACE7ACEu

struct AbTrace
{
    uint32_t magic;     /* AB_TRACE_MAGIC while alive: catches NULL and most foreign pointers */
    uint32_t nslots;
    size_t   nops;
    FloorState *_Atomic floor; /* made by the first floor replay, kept until ab_trace_free */
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
    if ((floor = ab_floor_make(trace->ops, trace->nops, trace->nslots)) == NULL)
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
    atomic_init(&trace->floor, NULL);
    trace->nslots = nslots;
    trace->nops = nops;
    if (nops != 0)
        memcpy(trace->ops, ops, nops * sizeof(uint64_t));
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
    if (allocator == AB_REPLAY_FLOOR && (floor = floor_of_trace(trace)) == NULL)
        return ab_error_code();
    return ab_replay_run_validated(trace->ops, trace->nops, trace->nslots, allocator, min_ctx, init_block, max_block,
                                   heap, NULL, floor, iterations, ns_per_iteration, minflt_per_iteration,
                                   stats_before_delete, latency_ns, timer_overhead_ns);
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
    free(trace);
}

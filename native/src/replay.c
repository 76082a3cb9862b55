/*
 * replay.c -- whole-trace replay in C (see the replay section of allocbench.h):
 * its entry points ab_replay and ab_replay_with_source, the argument checks
 * every entry point makes, and this overview of the replay files:
 *
 *   replay_validate.c  the trace checked once, before anything is timed
 *   replay_floor.c     the floor lane's plan (ab_floor_plan) and region
 *   replay_loop.c      the timed loop, one per lane
 *   replay_trace.c     validated trace handles (ab_trace_*), for callers that replay one trace many times
 *
 * Why it exists.  Replaying a trace from Java costs one FFM downcall per op,
 * a few nanoseconds each, on ops that themselves cost ten or twenty.  Running
 * the whole trace in one downcall removes the binding from the figure, so
 * "per-op FFM" and "native" can be compared on the very same work, and so
 * allocators can be compared with no binding at all (the runner program,
 * native/runner, calls this in a fresh process per allocator).
 *
 * The same work for every allocator.  Each iteration does what
 * org.allocbench.replay.ReplayLoop does through the allocator interface, op
 * for op: create a fresh context; a = alloc, z = zeroed alloc, r = realloc,
 * f = free, R = reset; after every a, z and r one byte is written at offset
 * 0 and one at SIZE-1; then the context ends.  The loop keeps the live set
 * itself, for every lane alike: the chunk pointer of each slot, and the live
 * slots as a dense list (slot -> position, position -> slot; a free swaps
 * the last entry into the hole).  A lane whose allocator has a bulk release
 * (AllocSet's reset and delete, a mimalloc heap's destroy) uses it; a lane
 * without one (malloc) is given a free for each live chunk, walking the dense
 * list: O(live), never a scan of every slot, and timed like any op.
 *
 * The floor lane is the loop with no allocator: each a/z/r takes the address
 * a parse-time plan gives it (replay_floor.c: an ideal allocator with no
 * headers, reusing freed memory LIFO per size class as a freelist would), so
 * the floor pays the decoding, the dispatch, the live-set bookkeeping and the
 * touches on memory that is reused the way an allocator reuses it, and
 * nothing else.  Its region is touched before the first iteration, so it
 * never faults.  Every allocator does at least this work; a table whose floor
 * is not below every allocator says so loudly.
 *
 * Validation happens once, before anything is timed, so the replay loop has
 * nothing to check: a bad trace is refused with the index of its first bad
 * op and never reaches an allocator.  ab_replay validates on every call;
 * ab_trace_create validates once into a private copy (replay_trace.c says
 * why).  What can still fail during the replay is an allocation (out of
 * memory); then everything allocated so far is released and the error names
 * the op.
 *
 * Page faults.  With minflt_per_iteration the calling thread's minor faults
 * are read (getrusage(RUSAGE_THREAD)) before each iteration's clock starts
 * and after it stops: a figure beside ns/op that says how much of it was the
 * kernel handing out fresh pages, which depends on the allocator's policy and
 * on glibc's mmap and trim thresholds (pinned by the suite, see
 * org.allocbench.nativecore.GlibcMalloc).
 */
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

int ab_replay_check_run_arguments(int allocator, const AbHeapApi *heap, int iterations,
                                  const uint64_t *ns_per_iteration)
{
    if (allocator < AB_REPLAY_ASET || allocator > AB_REPLAY_BUMP)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                     "unknown replay allocator %d (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3,"
                     " AB_REPLAY_FLOOR 4, AB_REPLAY_GENERATION 5, AB_REPLAY_SLAB 6 or AB_REPLAY_BUMP 7)", allocator);
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (allocator == AB_REPLAY_HEAP
        && (heap == NULL || heap->heap_new == NULL || heap->heap_malloc == NULL || heap->heap_zalloc == NULL
            || heap->heap_realloc == NULL || heap->free == NULL || heap->heap_destroy == NULL))
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "AB_REPLAY_HEAP needs a heap API with all six functions");
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (iterations < 1)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "replay iterations must be at least 1, not %d", iterations);
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (ns_per_iteration == NULL)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "replay called with NULL ns_per_iteration");
        return AB_ERR_INVALID_ARGUMENT;
    }
    return AB_OK;
}

/*
 * An array of count zeroed entries.  Zeroed by memset rather than calloc: calloc
 * skips the writes on fresh pages, which would then fault during the first
 * timed iteration and be counted against the allocator.
 */
void *ab_replay_zeroed_array(size_t count, size_t size, const char *what)
{
    void *array = malloc(count * size > 0 ? count * size : 1);

    if (array == NULL)
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay %s of %zu entries)", what, count);
    else
        memset(array, 0, count * size);
    return array;
}

/* ab_replay over a given block source: a seam for the tests (see replay_internal.h). */
int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                          const AbBlockSource *source, int iterations, uint64_t *ns_per_iteration,
                          uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    int rc;

    if ((rc = ab_replay_check_shape(ops, nops, nslots)) != AB_OK
        || (rc = ab_replay_check_run_arguments(allocator, heap, iterations, ns_per_iteration)) != AB_OK
        || (rc = ab_replay_validate_trace(ops, nops, nslots)) != AB_OK)
        return rc;
    return ab_replay_run_validated(ops, nops, nslots, allocator, min_ctx, init_block, max_block, heap, source, NULL,
                                   iterations, ns_per_iteration, minflt_per_iteration, stats_before_delete, latency_ns,
                                   timer_overhead_ns);
}

int ab_replay(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
              size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
              int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
              AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    return ab_replay_with_source(ops, nops, nslots, allocator, min_ctx, init_block, max_block, heap, NULL,
                                 iterations, ns_per_iteration, minflt_per_iteration, stats_before_delete,
                                 latency_ns, timer_overhead_ns);
}

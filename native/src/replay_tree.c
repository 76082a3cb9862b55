/*
 * replay_tree.c -- the timed replay of a validated version 2 trace on one
 * thread (docs/trace-format.md, "Version 2"): a context tree per iteration.
 * Kept apart from replay_loop.c so version 1's loop is untouched.
 *
 * AB_REPLAY_ASET: the root is an AllocSet with the caller's sizes, each c a
 * real child (ab_aset_create with its parent), R = ab_reset (which deletes
 * the descendants, as MemoryContextReset does), d = ab_delete, the end
 * deletes the root.  AB_REPLAY_MALLOC: each context is its live slots; R, d
 * and the end free each live chunk of the contexts they empty (the plan's
 * sweep lists, made by the validator, so no tree is walked here).
 *
 * AB_REPLAY_HEAP (mimalloc's heap API): one heap, the root's, as in version
 * 1, and each other context emulated by its live slots as the malloc lane
 * does: an R of the root is the heap's bulk release (mi_heap_destroy and a
 * fresh heap, version 1's R), an R of another context and every d free each
 * live chunk of the subtree (mi_free), and the end destroys the heap.  This
 * is exactly what the per-op Java lane of mimalloc-heap does with a version
 * 2 trace (TreeReplayLoop: an allocator without a tree but with a bulk
 * reset), so the two lanes do the same work and the binding price, per-op
 * minus C, means what it says.  (A heap per context would let every reset
 * be a bulk release; mimalloc-heap is a malloc peer with a heap, not a
 * context tree, and the rule for malloc peers is "each context
 * emulated by its live slots".)  A heap belongs to the thread that made it,
 * so this lane takes traces of one thread only (ab_tree_replay refuses
 * others).
 *
 * AB_REPLAY_FLOOR: no allocator; each a, z, r takes the address its op's
 * entry of the floor's plan gives (replay_tree_floor.c), f and the sweeps
 * release nothing.  It keeps the same live lists as the other lanes, so
 * what the floor measures is the loop's own bookkeeping.
 *
 * Every lane keeps the same live set: per context a doubly linked list of
 * slots.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "replay_tree.h"

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t thread_minflt(void)
{
    struct rusage usage;

    return getrusage(RUSAGE_THREAD, &usage) == 0 ? (uint64_t) usage.ru_minflt : 0;
}

static inline void touch(void *pointer, size_t size)
{
    volatile unsigned char *bytes = pointer;

    bytes[0] = 1;
    bytes[size - 1] = 1;
}

typedef struct TreeSlot
{
    void    *chunk;
    uint32_t prev, next;
} TreeSlot;

typedef struct TreeRun
{
    const TreeTrace *t;
    int              lane;   /* AB_REPLAY_ASET for every context lane: contexts says which kind */
    ContextLane      contexts;
    TreeSlot        *slot;   /* [nslots] */
    uint32_t        *head;   /* [ncontexts]: first live slot of each context */
    AbContext      **ctx;    /* [ncontexts]: the AllocSet lane's contexts */
    void           **heaps;  /* [ncontexts]: the heap lane's heaps, NULL where none is alive */
    const AbHeapApi *heap;
    const uint64_t  *plan;   /* the floor's: [nops] offsets into region */
    unsigned char   *region;
    size_t           sweep_at;
} TreeRun;

static inline void live_add(TreeRun *r, uint32_t id, uint32_t slot)
{
    uint32_t first = r->head[id];

    r->slot[slot].prev = AB_NO_CONTEXT;
    r->slot[slot].next = first;
    if (first != AB_NO_CONTEXT)
        r->slot[first].prev = slot;
    r->head[id] = slot;
}

static inline void live_remove(TreeRun *r, uint32_t id, uint32_t slot)
{
    TreeSlot *s = &r->slot[slot];

    if (s->prev != AB_NO_CONTEXT)
        r->slot[s->prev].next = s->next;
    else
        r->head[id] = s->next;
    if (s->next != AB_NO_CONTEXT)
        r->slot[s->next].prev = s->prev;
}

/* Empties context id's live list, freeing each chunk in the malloc and heap lanes. */
static inline void empty_context(TreeRun *r, uint32_t id)
{
    if (r->lane == AB_REPLAY_MALLOC)
        for (uint32_t s = r->head[id]; s != AB_NO_CONTEXT; s = r->slot[s].next)
            free(r->slot[s].chunk);
    else if (r->lane == AB_REPLAY_HEAP)
        for (uint32_t s = r->head[id]; s != AB_NO_CONTEXT; s = r->slot[s].next)
            r->heap->free(r->slot[s].chunk);
    r->head[id] = AB_NO_CONTEXT;
}

/*
 * An R or d: the next sweep list of the plan says which contexts it empties
 * (the context itself first, then the descendants deleted with it).  The
 * heap lane's R of the root releases the whole heap at once and starts a
 * fresh one (made first, so a failure leaves the old heap and its chunks
 * intact); false if that heap cannot be made.
 */
static inline bool sweep(TreeRun *r, bool reset)
{
    const uint32_t *list = r->t->plan->sweep + r->sweep_at;
    uint32_t count = list[0];

    if (r->lane == AB_REPLAY_HEAP && reset && list[1] == 0)
    {
        void *fresh = r->heap->heap_new();

        if (fresh == NULL)
            return false;
        r->heap->heap_destroy(r->heaps[0]);
        r->heaps[0] = fresh;
        for (uint32_t k = 1; k <= count; k++)
            r->head[list[k]] = AB_NO_CONTEXT;
    }
    else
        for (uint32_t k = 1; k <= count; k++)
            empty_context(r, list[k]);
    r->sweep_at += 1 + count;
    return true;
}

static int call_failed(const TreeRun *r, size_t index, int iteration)
{
    char message[256];
    char detail[512];

    if (r->lane == AB_REPLAY_ASET)
    {
        snprintf(message, sizeof(message), "%s", ab_error_message());
        snprintf(detail, sizeof(detail), "%s", ab_error_detail());
        ab_error_set(ab_error_code(), detail, "replay failed at op %zu (iteration %d): %s", index, iteration,
                     message);
        return ab_error_code();
    }
    if (r->lane == AB_REPLAY_HEAP && AB_OP_KIND(r->t->ops[index]) == AB_OP_RESET) /* the root's R: a new heap */
        ab_error_set(AB_ERR_OUT_OF_MEMORY, "heap_new() returned NULL.",
                     "replay failed at op %zu (iteration %d): out of memory (a new heap)", index, iteration);
    else
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "replay failed at op %zu (iteration %d): out of memory (%zu bytes)",
                     index, iteration, AB_OP_SIZE(r->t->ops[index]));
    return AB_ERR_OUT_OF_MEMORY;
}

/* Ops [from, to) of one iteration; *failed gets the index of an op that failed. */
static inline __attribute__((always_inline)) int run_ops(TreeRun *r, const int lane, size_t from, size_t to,
                                                         size_t *failed)
{
    const uint64_t *ops = r->t->ops;
    const uint32_t *placement = r->t->placement;
    TreeSlot *slots = r->slot;

    for (size_t i = from; i < to; i++)
    {
        uint64_t op = ops[i];
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);
        uint32_t id = AB_PLACEMENT_CONTEXT(placement[i]);
        void *p;

        switch (AB_OP_KIND(op))
        {
            case AB_OP_ALLOC:
                p = lane == AB_REPLAY_ASET ? ab_alloc(r->ctx[id], size)
                    : lane == AB_REPLAY_MALLOC ? malloc(size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_malloc(r->heaps[0], size)
                    : r->region + r->plan[i];
                goto added;
            case AB_OP_ALLOC_ZEROED:
                p = lane == AB_REPLAY_ASET ? ab_alloc0(r->ctx[id], size)
                    : lane == AB_REPLAY_MALLOC ? calloc(1, size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_zalloc(r->heaps[0], size)
                    : r->region + r->plan[i];
        added:
                if (unlikely(p == NULL))
                    goto fail;
                touch(p, size);
                slots[slot].chunk = p;
                live_add(r, id, slot);
                break;
            case AB_OP_REALLOC:
                p = lane == AB_REPLAY_ASET ? ab_realloc(slots[slot].chunk, size)
                    : lane == AB_REPLAY_MALLOC ? realloc(slots[slot].chunk, size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_realloc(r->heaps[0], slots[slot].chunk, size)
                    : r->region + r->plan[i];
                if (unlikely(p == NULL))
                    goto fail;
                touch(p, size);
                slots[slot].chunk = p;
                break;
            case AB_OP_FREE:
                if (lane == AB_REPLAY_ASET)
                {
                    if (unlikely(ab_free(slots[slot].chunk) != AB_OK))
                        goto fail;
                }
                else if (lane == AB_REPLAY_MALLOC)
                    free(slots[slot].chunk);
                else if (lane == AB_REPLAY_HEAP)
                    r->heap->free(slots[slot].chunk);
                live_remove(r, id, slot);
                break;
            case AB_OP_RESET:
                if (lane == AB_REPLAY_ASET)
                    ab_reset(r->ctx[id]);
                if (unlikely(!sweep(r, true)))
                    goto fail;
                break;
            case AB_OP_DELETE:
                if (lane == AB_REPLAY_ASET)
                    ab_delete(r->ctx[id]);
                sweep(r, false);
                break;
            default: /* AB_OP_CREATE */
                if (lane == AB_REPLAY_ASET)
                {
                    const AbContextSpec *spec = &r->t->contexts[id];

                    r->ctx[id] = ab_context_lane_create(&r->contexts, id, r->ctx[spec->parent], spec->name,
                                                        spec->min_ctx, spec->init_block, spec->max_block);
                    if (unlikely(r->ctx[id] == NULL))
                        goto fail;
                }
                r->head[id] = AB_NO_CONTEXT;
                break;
        }
        continue;
fail:
        *failed = i;
        return AB_ERR_OUT_OF_MEMORY;
    }
    return AB_OK;
}

/* lane is a constant at each call (always_inline): each lane gets a loop of its own. */
static int run_range(TreeRun *r, size_t from, size_t to, size_t *failed)
{
    switch (r->lane)
    {
        case AB_REPLAY_ASET:
            return run_ops(r, AB_REPLAY_ASET, from, to, failed);
        case AB_REPLAY_MALLOC:
            return run_ops(r, AB_REPLAY_MALLOC, from, to, failed);
        case AB_REPLAY_HEAP:
            return run_ops(r, AB_REPLAY_HEAP, from, to, failed);
        default:
            return run_ops(r, AB_REPLAY_FLOOR, from, to, failed);
    }
}

/*
 * The end of an iteration: the root deleted (AllocSet), every live chunk
 * freed (malloc), the heap destroyed with its chunks (heap), the live lists
 * emptied.
 */
static void end_iteration(TreeRun *r)
{
    if (r->lane == AB_REPLAY_ASET)
        ab_delete(r->ctx[0]);
    for (uint32_t id = 0; id < r->t->ncontexts; id++)
        if (r->head[id] != AB_NO_CONTEXT)
        {
            if (r->lane == AB_REPLAY_HEAP)
                r->head[id] = AB_NO_CONTEXT; /* released with the heap below */
            else
                empty_context(r, id);
        }
    if (r->lane == AB_REPLAY_HEAP && r->heaps[0] != NULL)
    {
        r->heap->heap_destroy(r->heaps[0]);
        r->heaps[0] = NULL;
    }
}

static int begin_iteration(TreeRun *r, size_t min_ctx, size_t init_block, size_t max_block)
{
    r->sweep_at = 0;
    r->head[0] = AB_NO_CONTEXT;
    if (r->lane == AB_REPLAY_ASET
        && (r->ctx[0] = ab_context_lane_create(&r->contexts, 0, NULL, "replay", min_ctx, init_block, max_block)) == NULL)
        return ab_error_code();
    if (r->lane == AB_REPLAY_HEAP && (r->heaps[0] = r->heap->heap_new()) == NULL)
    {
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (the root's heap)");
        return AB_ERR_OUT_OF_MEMORY;
    }
    return AB_OK;
}

static int check_points(const TreeTrace *t, const AbCounterPoint *points, size_t npoints, AbCounters *counters)
{
    if (npoints != 0 && (points == NULL || counters == NULL))
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "%zu counter points without the arrays", npoints);
        return AB_ERR_INVALID_ARGUMENT;
    }
    for (size_t k = 0; k < npoints; k++)
    {
        uint64_t at = points[k].before_op;
        uint32_t id = points[k].context;

        if (at > t->nops || (k > 0 && at < points[k - 1].before_op))
        {
            ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                         "counter point %zu: before op %llu (points must be sorted, at most %zu)", k,
                         (unsigned long long) at, t->nops);
            return AB_ERR_INVALID_ARGUMENT;
        }
        if (id >= t->ncontexts || !(t->plan->born[id] <= at && at <= t->plan->died[id]))
        {
            ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "counter point %zu: context %u is not live before op %llu",
                         k, id, (unsigned long long) at);
            return AB_ERR_INVALID_ARGUMENT;
        }
        memset(&counters[k], 0, sizeof(counters[k]));
    }
    return AB_OK;
}

/* One iteration; in the last one, the counter points and the root's stats, their time excluded. */
static int run_iteration(TreeRun *r, int it, bool last, const size_t sizes[3], const AbCounterPoint *points,
                         size_t npoints, AbCounters *counters, AbCounters *stats, uint64_t *ns)
{
    uint64_t excluded = 0;
    uint64_t start = now_ns();
    size_t failed = 0, from = 0, k = 0;
    int rc;

    if ((rc = begin_iteration(r, sizes[0], sizes[1], sizes[2])) != AB_OK)
        return rc;
    if (!last)
        npoints = 0;
    for (;;)
    {
        size_t to = k < npoints ? (size_t) points[k].before_op : r->t->nops;

        if ((rc = run_range(r, from, to, &failed)) != AB_OK)
        {
            rc = call_failed(r, failed, it);
            end_iteration(r);
            return rc;
        }
        from = to;
        if (k >= npoints)
            break;
        uint64_t pause = now_ns();

        for (; k < npoints && points[k].before_op == to; k++)
            if (r->lane == AB_REPLAY_ASET)
                ab_stats(r->ctx[points[k].context], 0, &counters[k]);
        excluded += now_ns() - pause;
    }
    if (last && stats != NULL && r->lane == AB_REPLAY_ASET)
    {
        uint64_t pause = now_ns();

        ab_stats(r->ctx[0], 0, stats);
        excluded += now_ns() - pause;
    }
    end_iteration(r);
    *ns = now_ns() - start - excluded;
    return AB_OK;
}

int ab_tree_replay(const TreeTrace *trace, int allocator, size_t min_ctx, size_t init_block, size_t max_block,
                   const AbHeapApi *heap, const FloorState *floor, int iterations, uint64_t *ns_per_iteration,
                   uint64_t *minflt_per_iteration, AbCounters *stats_before_delete, const AbCounterPoint *points,
                   size_t npoints, AbCounters *counters)
{
    TreeRun r = {.t = trace, .lane = allocator, .heap = heap};
    const size_t sizes[3] = {min_ctx, init_block, max_block};
    int rc;

    if ((allocator == AB_REPLAY_HEAP && heap == NULL) || (allocator == AB_REPLAY_FLOOR && floor == NULL))
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "lane %d of a version 2 trace needs its %s", allocator,
                     allocator == AB_REPLAY_HEAP ? "heap API" : "floor state");
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (allocator == AB_REPLAY_HEAP && trace->nthreads > 1)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                     "the heap lane replays traces of one thread only: a mimalloc heap belongs to the thread that"
                     " made it, and this trace has %u threads", trace->nthreads);
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (floor != NULL)
    {
        r.plan = floor->plan;
        r.region = floor->region;
    }
    if ((rc = check_points(trace, points, npoints, counters)) != AB_OK)
        return rc;
    if (stats_before_delete != NULL)
        memset(stats_before_delete, 0, sizeof(*stats_before_delete));
    if (ab_replay_is_context_lane(allocator))
    {
        r.lane = AB_REPLAY_ASET;
        if ((rc = ab_context_lane_init(&r.contexts, allocator, trace->ops, trace->placement, trace->nops,
                                       trace->ncontexts, trace->contexts, init_block, NULL)) != AB_OK)
            return rc;
    }
    if (trace->nthreads > 1)
    {
        rc = ab_tree_replay_threads(trace, r.lane, &r.contexts, sizes, floor, iterations, ns_per_iteration,
                                    minflt_per_iteration, stats_before_delete, points, npoints, counters);
        ab_context_lane_free(&r.contexts);
        return rc;
    }
    rc = AB_ERR_OUT_OF_MEMORY;
    r.slot = ab_replay_zeroed_array(trace->nslots, sizeof(TreeSlot), "slots array");
    r.head = r.slot ? ab_replay_zeroed_array(trace->ncontexts, sizeof(uint32_t), "context live lists") : NULL;
    r.ctx = r.head ? ab_replay_zeroed_array(trace->ncontexts, sizeof(AbContext *), "contexts") : NULL;
    r.heaps = r.ctx ? ab_replay_zeroed_array(trace->ncontexts, sizeof(void *), "heaps") : NULL;
    if (r.heaps == NULL)
        goto done;
    for (uint32_t id = 0; id < trace->ncontexts; id++)
        r.head[id] = AB_NO_CONTEXT;
    for (int it = 0; it < iterations; it++)
    {
        uint64_t faults = minflt_per_iteration != NULL ? thread_minflt() : 0;

        rc = run_iteration(&r, it, it == iterations - 1, sizes, points, npoints, counters, stats_before_delete,
                           &ns_per_iteration[it]);
        if (rc != AB_OK)
            goto done;
        if (minflt_per_iteration != NULL)
            minflt_per_iteration[it] = thread_minflt() - faults;
    }
done:
    ab_context_lane_free(&r.contexts);
    free(r.heaps);
    free(r.ctx);
    free(r.head);
    free(r.slot);
    return rc;
}

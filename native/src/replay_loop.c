/*
 * replay_loop.c -- the timed part of a whole-trace replay: each iteration's
 * context, the pass over the ops with the live set kept alike for every lane,
 * the clock and page-fault reads around it, and the errors of an allocation
 * that failed mid-run.  It is one file because the pass is written once and
 * specialised per lane by inlining (run_ops): every helper it calls lives
 * here, so nothing in the timed loop is a call into another file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "replay_contexts.h"

/* Back-to-back clock_gettime pairs whose median is reported as the timer's cost. */
#define TIMER_SAMPLES 255

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* The calling thread's minor page faults so far. */
static uint64_t thread_minflt(void)
{
    struct rusage usage;

    if (getrusage(RUSAGE_THREAD, &usage) != 0)
        return 0;
    return (uint64_t) usage.ru_minflt;
}

/*
 * The touch rule: one byte at each end of what the op handed out.  Through a
 * volatile pointer, so the stores are made even though nothing reads them.
 */
static inline void touch(void *pointer, size_t size)
{
    volatile unsigned char *bytes = pointer;

    bytes[0] = 1;
    bytes[size - 1] = 1;
}

/* What the loop knows of a slot: its chunk, and where it is in the live list while it is live. */
typedef struct SlotState
{
    void    *chunk;
    uint32_t position;
} SlotState;

/*
 * One replay call's working state: the trace, the lane, the live set and,
 * for the floor, its plan and region.  Everything here is allocated before
 * the first iteration, outside every timed region.
 */
typedef struct Replay
{
    const uint64_t  *ops;
    size_t           nops;
    uint32_t         nslots;
    int              lane;       /* AB_REPLAY_ASET for every context lane: contexts says which kind */
    ContextLane      contexts;
    size_t           min_ctx, init_block, max_block;
    const AbHeapApi *heap;
    /* the live set: each slot's chunk and place in the dense list of live slots (16 bytes a slot, so a
       slot's state never straddles two cache lines) */
    SlotState       *slot;       /* [nslots] */
    uint32_t        *live;       /* [nslots]: live[0..nlive) are the live slots */
    uint32_t         nlive;
    /* the floor */
    const uint64_t  *plan;       /* [handed-out ops]: offsets into region */
    unsigned char   *region;
} Replay;

static inline void live_add(Replay *r, uint32_t slot)
{
    r->slot[slot].position = r->nlive;
    r->live[r->nlive++] = slot;
}

static inline void live_remove(Replay *r, uint32_t slot)
{
    uint32_t hole = r->slot[slot].position;
    uint32_t last = r->live[--r->nlive];

    r->live[hole] = last;
    r->slot[last].position = hole;
}

/* A lane without a bulk release: a free for each live chunk (on R and at the end of an iteration). */
static void free_each_live(Replay *r)
{
    for (uint32_t i = 0; i < r->nlive; i++)
        free(r->slot[r->live[i]].chunk);
    r->nlive = 0;
}

/*
 * An allocation failed at op index of iteration: keep the allocator's
 * message, say where.  The message is copied out of the slot first, because
 * ab_error_set formats into that same slot.
 */
static int replay_failed(size_t index, int iteration, int code)
{
    char message[256];
    char detail[512];

    snprintf(message, sizeof(message), "%s", ab_error_message());
    snprintf(detail, sizeof(detail), "%s", ab_error_detail());
    ab_error_set(code, detail, "replay failed at op %zu (iteration %d): %s", index, iteration, message);
    return code;
}

/*
 * A call of the malloc or heap lane returned NULL at op index: which call (an
 * R of the heap lane is the fresh heap_new()), with the size it was asked for.
 */
static int call_failed(const Replay *r, size_t index, int iteration)
{
    static const char *const malloc_names[] = {"?", "malloc", "calloc", "realloc"};
    static const char *const heap_names[] = {"?", "heap_malloc", "heap_zalloc", "heap_realloc"};
    unsigned kind = AB_OP_KIND(r->ops[index]);
    char detail[128];

    if (kind == AB_OP_RESET)
        snprintf(detail, sizeof(detail), "heap_new() returned NULL.");
    else
        snprintf(detail, sizeof(detail), "%s(%zu) returned NULL.",
                 r->lane == AB_REPLAY_HEAP ? heap_names[kind] : malloc_names[kind], AB_OP_SIZE(r->ops[index]));
    ab_error_set(AB_ERR_OUT_OF_MEMORY, detail, "replay failed at op %zu (iteration %d): out of memory",
                 index, iteration);
    return AB_ERR_OUT_OF_MEMORY;
}

/*
 * One pass over the ops into *context (the AllocSet, or the heap; NULL for
 * malloc and the floor).  lane and timed are constants at each call site
 * (always_inline), so each lane gets a loop of its own with no lane or
 * latency-mode branch left in it.  Returns AB_OK, or an error code with
 * *failed set to the op's index (for AB_REPLAY_ASET the allocator's message
 * is in the slot; the others fail only with out of memory).
 */
static inline __attribute__((always_inline)) int
run_ops(Replay *r, const int lane, void **context, uint64_t *latency, const bool timed, size_t *failed)
{
    SlotState *slots = r->slot;
    const uint64_t *plan = r->plan;
    size_t handed = 0;

    for (size_t i = 0; i < r->nops; i++)
    {
        uint64_t op = r->ops[i];
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);
        unsigned kind = AB_OP_KIND(op);
        uint64_t start = timed ? now_ns() : 0;
        void *p;

        switch (kind)
        {
            case AB_OP_ALLOC:
                p = lane == AB_REPLAY_ASET ? ab_alloc(*context, size)
                    : lane == AB_REPLAY_MALLOC ? malloc(size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_malloc(*context, size)
                    : r->region + plan[handed++];
                goto added;
            case AB_OP_ALLOC_ZEROED:
                p = lane == AB_REPLAY_ASET ? ab_alloc0(*context, size)
                    : lane == AB_REPLAY_MALLOC ? calloc(1, size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_zalloc(*context, size)
                    : r->region + plan[handed++];
        added:
                if (unlikely(p == NULL))
                    goto fail;
                touch(p, size);
                slots[slot].chunk = p;
                live_add(r, slot);
                break;
            case AB_OP_REALLOC:
                /* on failure the old chunk stays in the slot, live, and is released with the rest */
                p = lane == AB_REPLAY_ASET ? ab_realloc(slots[slot].chunk, size)
                    : lane == AB_REPLAY_MALLOC ? realloc(slots[slot].chunk, size)
                    : lane == AB_REPLAY_HEAP ? r->heap->heap_realloc(*context, slots[slot].chunk, size)
                    : r->region + plan[handed++];
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
                live_remove(r, slot);
                break;
            default: /* AB_OP_RESET: validation let nothing else through */
                if (lane == AB_REPLAY_ASET)
                    ab_reset(*context);
                else if (lane == AB_REPLAY_MALLOC)
                    free_each_live(r);
                else if (lane == AB_REPLAY_HEAP)
                {
                    /* a fresh heap first, so a failure leaves the old one (and its chunks) intact */
                    void *fresh = r->heap->heap_new();

                    if (unlikely(fresh == NULL))
                        goto fail;
                    r->heap->heap_destroy(*context);
                    *context = fresh;
                }
                r->nlive = 0;
                break;
        }
        if (timed)
            latency[i] = now_ns() - start;
        continue;
fail:
        *failed = i;
        return lane == AB_REPLAY_ASET ? ab_error_code() : AB_ERR_OUT_OF_MEMORY;
    }
    return AB_OK;
}

/* One pass in lane, with or without per-op latencies (a loop of its own for each). */
static int run_pass(Replay *r, void **context, uint64_t *latency, size_t *failed)
{
    switch (r->lane)
    {
        case AB_REPLAY_ASET:
            return latency ? run_ops(r, AB_REPLAY_ASET, context, latency, true, failed)
                           : run_ops(r, AB_REPLAY_ASET, context, NULL, false, failed);
        case AB_REPLAY_MALLOC:
            return latency ? run_ops(r, AB_REPLAY_MALLOC, context, latency, true, failed)
                           : run_ops(r, AB_REPLAY_MALLOC, context, NULL, false, failed);
        case AB_REPLAY_HEAP:
            return latency ? run_ops(r, AB_REPLAY_HEAP, context, latency, true, failed)
                           : run_ops(r, AB_REPLAY_HEAP, context, NULL, false, failed);
        default:
            return latency ? run_ops(r, AB_REPLAY_FLOOR, context, latency, true, failed)
                           : run_ops(r, AB_REPLAY_FLOOR, context, NULL, false, failed);
    }
}

/* A fresh context for an iteration: the AllocSet, the heap, or nothing (malloc, floor). */
static int begin_context(Replay *r, void **context)
{
    *context = NULL;
    if (r->lane == AB_REPLAY_ASET)
    {
        *context = ab_context_lane_create(&r->contexts, 0, NULL, "replay", r->min_ctx, r->init_block, r->max_block);
        if (*context == NULL)
            return ab_error_code(); /* the create's own message: refused sizes or out of memory */
    }
    else if (r->lane == AB_REPLAY_HEAP)
    {
        *context = r->heap->heap_new();
        if (*context == NULL)
        {
            ab_error_set(AB_ERR_OUT_OF_MEMORY, "heap_new() returned NULL.", "out of memory (creating a heap)");
            return AB_ERR_OUT_OF_MEMORY;
        }
    }
    r->nlive = 0;
    return AB_OK;
}

/* The end of an iteration's context: its bulk release, or a free for each live chunk. */
static void end_context(Replay *r, void *context)
{
    if (r->lane == AB_REPLAY_ASET)
        ab_delete(context); /* also every chunk the slots point at */
    else if (r->lane == AB_REPLAY_MALLOC)
        free_each_live(r);
    else if (r->lane == AB_REPLAY_HEAP)
        r->heap->heap_destroy(context);
    r->nlive = 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a;
    uint64_t y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}

/* Median cost of reading the clock twice in a row: what a per-op latency includes. */
static uint64_t timer_overhead(void)
{
    uint64_t samples[TIMER_SAMPLES];

    for (int warm = 0; warm < 16; warm++)
        (void) now_ns();
    for (int i = 0; i < TIMER_SAMPLES; i++)
    {
        uint64_t t0 = now_ns();
        uint64_t t1 = now_ns();

        samples[i] = t1 - t0;
    }
    qsort(samples, TIMER_SAMPLES, sizeof(samples[0]), compare_u64);
    return samples[TIMER_SAMPLES / 2];
}

/*
 * The iterations.  The AllocSet's statistics snapshot is taken in the last
 * iteration, just before ab_delete, as the format says; walking the
 * freelists is not replay work, so its time (two extra clock reads around
 * ab_stats) is subtracted from that iteration's figure.  Page faults are
 * read outside the clock.
 */
static int run_iterations(Replay *r, int iterations, uint64_t *ns, uint64_t *minflt, AbCounters *stats,
                          uint64_t *latency)
{
    for (int it = 0; it < iterations; it++)
    {
        bool last = it == iterations - 1;
        uint64_t faults = minflt != NULL ? thread_minflt() : 0;
        uint64_t excluded = 0;
        uint64_t start = now_ns();
        void *context;
        size_t failed = 0;
        int rc;

        if ((rc = begin_context(r, &context)) != AB_OK)
            return rc;
        rc = run_pass(r, &context, last ? latency : NULL, &failed);
        if (unlikely(rc != AB_OK))
        {
            if (r->lane == AB_REPLAY_ASET)
            {
                ab_delete(context);
                return replay_failed(failed, it, rc);
            }
            end_context(r, context);
            return call_failed(r, failed, it);
        }
        if (last && stats != NULL && r->lane == AB_REPLAY_ASET)
        {
            uint64_t pause = now_ns();

            ab_stats(context, 0, stats);
            excluded = now_ns() - pause;
        }
        end_context(r, context);
        ns[it] = now_ns() - start - excluded;
        if (minflt != NULL)
            minflt[it] = thread_minflt() - faults;
    }
    return AB_OK;
}

/*
 * Replays validated ops: allocates the live set (and the floor's plan),
 * runs, releases.
 */
int ab_replay_run_validated(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                            size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                            const AbBlockSource *source, const FloorState *floor, int iterations,
                            uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                            AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    Replay r = {.ops = ops, .nops = nops, .nslots = nslots, .lane = allocator, .min_ctx = min_ctx,
                .init_block = init_block, .max_block = max_block, .heap = heap};
    FloorState *own_floor = NULL;
    int rc = AB_ERR_OUT_OF_MEMORY;

    if (ab_replay_is_context_lane(allocator))
    {
        r.lane = AB_REPLAY_ASET;
        if ((rc = ab_context_lane_init(&r.contexts, allocator, ops, NULL, nops, 1, NULL, init_block, source)) != AB_OK)
            return rc;
        rc = AB_ERR_OUT_OF_MEMORY;
    }

    if (stats_before_delete != NULL)
        memset(stats_before_delete, 0, sizeof(*stats_before_delete));
    r.slot = ab_replay_zeroed_array(nslots, sizeof(SlotState), "slots array");
    r.live = r.slot == NULL ? NULL : ab_replay_zeroed_array(nslots, sizeof(uint32_t), "live set");
    if (r.live == NULL)
        goto done;
    if (allocator == AB_REPLAY_FLOOR)
    {
        if (floor == NULL && (floor = own_floor = ab_floor_make(ops, nops, nslots)) == NULL)
        {
            rc = ab_error_code();
            goto done;
        }
        r.plan = floor->plan;
        r.region = floor->region;
    }
    if (timer_overhead_ns != NULL)
        *timer_overhead_ns = timer_overhead();
    rc = run_iterations(&r, iterations, ns_per_iteration, minflt_per_iteration, stats_before_delete, latency_ns);
done:
    ab_context_lane_free(&r.contexts);
    ab_floor_free(own_floor);
    free(r.live);
    free(r.slot);
    return rc;
}

/*
 * replay.c -- whole-trace replay in C (see the replay section of allocbench.h).
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
 * a parse-time plan gives it (plan_floor below: an ideal allocator with no
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
 * ab_trace_create validates once into a private copy, for callers that replay
 * the same trace many times and time each call from outside (JMH): there,
 * validating every call was measured at about 5 ns per op, as much as a
 * third of what was being measured.  What can still fail during the replay
 * is an allocation (out of memory); then everything allocated so far is
 * released and the error names the op.
 *
 * Page faults.  With minflt_per_iteration the calling thread's minor faults
 * are read (getrusage(RUSAGE_THREAD)) before each iteration's clock starts
 * and after it stops: a figure beside ns/op that says how much of it was the
 * kernel handing out fresh pages, which depends on the allocator's policy and
 * on glibc's mmap and trim thresholds (pinned by the suite, see
 * org.allocbench.nativecore.GlibcMalloc).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aset_internal.h"

/* Back-to-back clock_gettime pairs whose median is reported as the timer's cost. */
#define TIMER_SAMPLES 255

/* The floor's smallest size class (2^4 = 16 bytes) and its largest (2^30, MaxAllocSize rounded up). */
#define FLOOR_MIN_CLASS 4
#define FLOOR_MAX_CLASS 30

static const char *const op_letter[] = {"?", "a", "z", "r", "f", "R"};

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

/* ---- validation ---- */

static int invalid_op(size_t index, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int invalid_op(size_t index, const char *fmt, ...)
{
    char problem[192];
    va_list args;

    va_start(args, fmt);
    vsnprintf(problem, sizeof(problem), fmt, args);
    va_end(args);
    ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "invalid trace at op %zu: %s", index, problem);
    return AB_ERR_INVALID_ARGUMENT;
}

/*
 * Checks the whole trace; epochs holds nslots zeroed entries, used as
 * scratch.  A slot is full if its epoch is the current one, so an R empties
 * every slot by bumping the epoch instead of clearing nslots entries.
 */
static int validate(const uint64_t *ops, size_t nops, uint32_t nslots, uint32_t *epochs)
{
    uint32_t epoch = 1;

    for (size_t i = 0; i < nops; i++)
    {
        uint64_t op = ops[i];
        unsigned kind = AB_OP_KIND(op);
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);

        if ((op >> 57) != 0)
            return invalid_op(i, "bits 57..63 must be zero (op word 0x%016llx)", (unsigned long long) op);
        if (kind < AB_OP_ALLOC || kind > AB_OP_RESET)
            return invalid_op(i, "unknown op kind %u (op word 0x%016llx)", kind, (unsigned long long) op);
        if (kind == AB_OP_RESET)
        {
            if (size != 0)
                return invalid_op(i, "'R' carries size %zu (must be 0)", size);
            epoch++;
            continue;
        }
        if (slot >= nslots)
            return invalid_op(i, "'%s' on slot %u, out of range (the trace has %u slots)",
                              op_letter[kind], slot, nslots);
        if (kind == AB_OP_FREE)
        {
            if (size != 0)
                return invalid_op(i, "'f' carries size %zu (must be 0)", size);
        }
        else if (size < 1 || size > AB_MAX_ALLOC_SIZE)
            return invalid_op(i, "'%s' of size %zu (sizes are 1..%zu)", op_letter[kind], size,
                              AB_MAX_ALLOC_SIZE);

        if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED)
        {
            if (epochs[slot] == epoch)
                return invalid_op(i, "'%s' into slot %u, which is full", op_letter[kind], slot);
            epochs[slot] = epoch;
        }
        else
        {
            if (epochs[slot] != epoch)
                return invalid_op(i, "'%s' on slot %u, which is empty", op_letter[kind], slot);
            if (kind == AB_OP_FREE)
                epochs[slot] = 0;
        }
    }
    return AB_OK;
}

static int check_shape(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    if (ops == NULL && nops != 0)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "replay called with NULL ops and %zu ops", nops);
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (nslots < 1 || nslots > AB_REPLAY_MAX_SLOTS)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "invalid trace: %u slots (must be 1..%u)", nslots,
                     AB_REPLAY_MAX_SLOTS);
        return AB_ERR_INVALID_ARGUMENT;
    }
    return AB_OK;
}

/*
 * An array of count zeroed entries.  Zeroed by memset rather than calloc: calloc
 * skips the writes on fresh pages, which would then fault during the first
 * timed iteration and be counted against the allocator.
 */
static void *zeroed_array(size_t count, size_t size, const char *what)
{
    void *array = malloc(count * size > 0 ? count * size : 1);

    if (array == NULL)
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay %s of %zu entries)", what, count);
    else
        memset(array, 0, count * size);
    return array;
}

/* check_shape and validate, with the scratch array they need. */
static int validate_trace(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    uint32_t *epochs;
    int rc;

    if ((rc = check_shape(ops, nops, nslots)) != AB_OK)
        return rc;
    if ((epochs = zeroed_array(nslots, sizeof(uint32_t), "slots array")) == NULL)
        return AB_ERR_OUT_OF_MEMORY;
    rc = validate(ops, nops, nslots, epochs);
    free(epochs);
    return rc;
}

int ab_replay_validate(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    return validate_trace(ops, nops, nslots);
}

/* ---- the floor's plan ---- */

/* The floor's size class of a request: log2 of the power of two it rounds up to, at least 16 bytes. */
static inline unsigned floor_class(size_t size)
{
    if (size <= ((size_t) 1 << FLOOR_MIN_CLASS))
        return FLOOR_MIN_CLASS;
    return (unsigned) (64 - __builtin_clzll((unsigned long long) (size - 1)));
}

/* A LIFO stack of free offsets of one size class. */
typedef struct OffsetStack
{
    uint64_t *items;
    size_t    count;
    size_t    capacity;
} OffsetStack;

static bool push_offset(OffsetStack *stack, uint64_t offset)
{
    if (stack->count == stack->capacity)
    {
        size_t capacity = stack->capacity == 0 ? 64 : stack->capacity * 2;
        uint64_t *items = realloc(stack->items, capacity * sizeof(uint64_t));

        if (items == NULL)
            return false;
        stack->items = items;
        stack->capacity = capacity;
    }
    stack->items[stack->count++] = offset;
    return true;
}

/*
 * Computes the plan of a validated trace (see ab_floor_plan): offsets[k] for
 * the k-th a/z/r op; offsets may be NULL to count only.  Returns AB_OK or
 * AB_ERR_OUT_OF_MEMORY.
 */
static int plan_floor(const uint64_t *ops, size_t nops, uint32_t nslots, uint64_t *offsets,
                      size_t *handed_out, uint64_t *region_bytes)
{
    OffsetStack free_offsets[FLOOR_MAX_CLASS + 1];
    uint64_t *slot_offset = zeroed_array(nslots, sizeof(uint64_t), "floor plan");
    unsigned char *slot_class = zeroed_array(nslots, 1, "floor plan");
    uint64_t top = 0, high = 0;
    size_t handed = 0;
    int rc = AB_OK;

    memset(free_offsets, 0, sizeof(free_offsets));
    if (slot_offset == NULL || slot_class == NULL)
    {
        rc = AB_ERR_OUT_OF_MEMORY;
        goto done;
    }
    for (size_t i = 0; i < nops && rc == AB_OK; i++)
    {
        uint64_t op = ops[i];
        unsigned kind = AB_OP_KIND(op);
        uint32_t slot = AB_OP_SLOT(op);
        unsigned cls;
        uint64_t offset;

        switch (kind)
        {
            case AB_OP_FREE:
                if (!push_offset(&free_offsets[slot_class[slot]], slot_offset[slot]))
                    rc = AB_ERR_OUT_OF_MEMORY;
                continue;
            case AB_OP_RESET:
                /* the region starts over, as a reset context carves its keeper block again */
                for (unsigned c = 0; c <= FLOOR_MAX_CLASS; c++)
                    free_offsets[c].count = 0;
                top = 0;
                continue;
            case AB_OP_REALLOC:
                cls = floor_class(AB_OP_SIZE(op));
                if (cls == slot_class[slot])
                {
                    offset = slot_offset[slot]; /* fits its chunk: resized in place */
                    break;
                }
                if (!push_offset(&free_offsets[slot_class[slot]], slot_offset[slot]))
                {
                    rc = AB_ERR_OUT_OF_MEMORY;
                    continue;
                }
                goto take;
            default: /* a, z */
                cls = floor_class(AB_OP_SIZE(op));
        take:
                if (free_offsets[cls].count > 0)
                    offset = free_offsets[cls].items[--free_offsets[cls].count];
                else
                {
                    offset = top;
                    top += (uint64_t) 1 << cls;
                    if (top > high)
                        high = top;
                }
                break;
        }
        slot_offset[slot] = offset;
        slot_class[slot] = (unsigned char) cls;
        if (offsets != NULL)
            offsets[handed] = offset;
        handed++;
    }
    if (rc != AB_OK)
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (the floor's plan of a trace of %zu ops)", nops);
    *handed_out = handed;
    *region_bytes = high;
done:
    if (rc == AB_ERR_OUT_OF_MEMORY && (slot_offset == NULL || slot_class == NULL))
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (the floor's plan of %u slots)", nslots);
    for (unsigned c = 0; c <= FLOOR_MAX_CLASS; c++)
        free(free_offsets[c].items);
    free(slot_offset);
    free(slot_class);
    return rc;
}

static size_t count_handed_out(const uint64_t *ops, size_t nops)
{
    size_t n = 0;

    for (size_t i = 0; i < nops; i++)
    {
        unsigned kind = AB_OP_KIND(ops[i]);

        n += kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED || kind == AB_OP_REALLOC;
    }
    return n;
}

int ab_floor_plan(const uint64_t *ops, size_t nops, uint32_t nslots, uint64_t *offsets, size_t capacity,
                  size_t *handed_out, uint64_t *region_bytes)
{
    size_t needed;
    int rc;

    if (handed_out == NULL || region_bytes == NULL)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "ab_floor_plan needs handed_out and region_bytes");
        return AB_ERR_INVALID_ARGUMENT;
    }
    if ((rc = validate_trace(ops, nops, nslots)) != AB_OK)
        return rc;
    needed = count_handed_out(ops, nops);
    *handed_out = needed;
    *region_bytes = 0;
    if (offsets == NULL || capacity < needed)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "the floor's plan has %zu entries; room was given for %zu",
                     needed, offsets == NULL ? 0 : capacity);
        return AB_ERR_INVALID_ARGUMENT;
    }
    return plan_floor(ops, nops, nslots, offsets, handed_out, region_bytes);
}

/* ---- the replay loop ---- */

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
    int              lane;
    size_t           min_ctx, init_block, max_block;
    const AbHeapApi *heap;
    const AbBlockSource *source; /* the AllocSet's blocks: NULL for malloc (only tests give another) */
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
        *context = r->source == NULL
            ? ab_aset_create(NULL, "replay", r->min_ctx, r->init_block, r->max_block)
            : ab_aset_create_with_source(NULL, "replay", r->min_ctx, r->init_block, r->max_block, r->source);
        if (*context == NULL)
            return ab_error_code(); /* ab_aset_create's own message: refused sizes or out of memory */
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

/* ---- entry points ---- */

static int check_run_arguments(int allocator, const AbHeapApi *heap, int iterations,
                               const uint64_t *ns_per_iteration)
{
    if (allocator < AB_REPLAY_ASET || allocator > AB_REPLAY_FLOOR)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                     "unknown replay allocator %d (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3 or"
                     " AB_REPLAY_FLOOR 4)", allocator);
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
 * The floor's plan and its region, touched in full so that the floor never
 * faults.  Made before anything is timed: once per ab_replay call, and once
 * per validated trace (kept with it, see floor_of_trace), so a caller timing
 * whole calls from outside (JMH) does not time the plan.
 */
typedef struct FloorState
{
    uint64_t      *plan;
    unsigned char *region;
} FloorState;

static void free_floor(FloorState *floor)
{
    if (floor == NULL)
        return;
    free(floor->region);
    free(floor->plan);
    free(floor);
}

static FloorState *make_floor(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    size_t handed = count_handed_out(ops, nops);
    uint64_t region_bytes = 0;
    FloorState *floor = calloc(1, sizeof(FloorState));

    if (floor == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's state)");
    floor->plan = malloc((handed > 0 ? handed : 1) * sizeof(uint64_t));
    if (floor->plan == NULL)
    {
        free_floor(floor);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's plan of %zu chunks)", handed);
    }
    if (plan_floor(ops, nops, nslots, floor->plan, &handed, &region_bytes) != AB_OK)
    {
        free_floor(floor);
        return NULL;
    }
    floor->region = malloc(region_bytes > 0 ? region_bytes : 1);
    if (floor->region == NULL)
    {
        free_floor(floor);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's region of %llu bytes)",
                             (unsigned long long) region_bytes);
    }
    memset(floor->region, 0, region_bytes > 0 ? region_bytes : 1);
    return floor;
}

/*
 * Replays validated ops: allocates the live set (and the floor's plan),
 * runs, releases.
 */
static int run_validated(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                         size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                         const AbBlockSource *source, const FloorState *floor, int iterations,
                         uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                         AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    Replay r = {.ops = ops, .nops = nops, .nslots = nslots, .lane = allocator, .min_ctx = min_ctx,
                .init_block = init_block, .max_block = max_block, .heap = heap, .source = source};
    FloorState *own_floor = NULL;
    int rc = AB_ERR_OUT_OF_MEMORY;

    if (stats_before_delete != NULL)
        memset(stats_before_delete, 0, sizeof(*stats_before_delete));
    r.slot = zeroed_array(nslots, sizeof(SlotState), "slots array");
    r.live = r.slot == NULL ? NULL : zeroed_array(nslots, sizeof(uint32_t), "live set");
    if (r.live == NULL)
        goto done;
    if (allocator == AB_REPLAY_FLOOR)
    {
        if (floor == NULL && (floor = own_floor = make_floor(ops, nops, nslots)) == NULL)
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
    free_floor(own_floor);
    free(r.live);
    free(r.slot);
    return rc;
}

/*
 * ab_replay with the AllocSet's blocks taken from source (NULL: malloc).  Not
 * exported (no AB_API, so hidden in the .so): test_replay.c, which links the
 * sources statically, declares it itself to count the blocks a replay takes
 * and to make them fail.  Keep the two prototypes in step.
 */
int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                          const AbBlockSource *source, int iterations, uint64_t *ns_per_iteration,
                          uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns);

int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                          const AbBlockSource *source, int iterations, uint64_t *ns_per_iteration,
                          uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    int rc;

    if ((rc = check_shape(ops, nops, nslots)) != AB_OK
        || (rc = check_run_arguments(allocator, heap, iterations, ns_per_iteration)) != AB_OK
        || (rc = validate_trace(ops, nops, nslots)) != AB_OK)
        return rc;
    return run_validated(ops, nops, nslots, allocator, min_ctx, init_block, max_block, heap, source, NULL,
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

/* ---- validated traces ---- */

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
    if ((floor = make_floor(trace->ops, trace->nops, trace->nslots)) == NULL)
        return NULL;
    if (!atomic_compare_exchange_strong(&mutable_trace->floor, &expected, floor))
    {
        free_floor(floor);
        return expected;
    }
    return floor;
}

AbTrace *ab_trace_create(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    AbTrace *trace;

    if (check_shape(ops, nops, nslots) != AB_OK)
        return NULL;
    if (nops > (SIZE_MAX - sizeof(AbTrace)) / sizeof(uint64_t))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "trace of %zu ops is too long", nops);
    if (validate_trace(ops, nops, nslots) != AB_OK)
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
    if ((rc = check_run_arguments(allocator, heap, iterations, ns_per_iteration)) != AB_OK)
        return rc;
    if (allocator == AB_REPLAY_FLOOR && (floor = floor_of_trace(trace)) == NULL)
        return ab_error_code();
    return run_validated(trace->ops, trace->nops, trace->nslots, allocator, min_ctx, init_block, max_block, heap,
                         NULL, floor, iterations, ns_per_iteration, minflt_per_iteration, stats_before_delete,
                         latency_ns, timer_overhead_ns);
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
    free_floor(atomic_load(&trace->floor));
    free(trace);
}

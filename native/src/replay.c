/*
 * replay.c -- whole-trace replay in C (see the replay section of allocbench.h).
 *
 * Why it exists.  Replaying a trace from Java costs one FFM downcall per op,
 * a few nanoseconds each, on ops that themselves cost ten or twenty.  Running
 * the whole trace in one downcall removes the binding from the figure, so
 * "per-op FFM" and "native" can be compared on the very same work.
 *
 * The same work.  Each iteration does what org.allocbench.bench.AllocatorReplay
 * does through the allocator interface, op for op: create a fresh context;
 * a = ab_alloc, z = ab_alloc0 (the Java side allocates then zeroes: the
 * same chunk and the same statistics), r = ab_realloc, f = ab_free,
 * R = ab_reset; after every a, z and r one byte is written at offset 0 and
 * one at SIZE-1; then ab_delete.  The calls go through the public entry
 * points, as any C caller of the library would make them, so the argument
 * checks a Java caller gets are paid here too.
 *
 * The malloc lane is the same loop over malloc, calloc, realloc and free.  A
 * context's bulk release is played by the slots array: R, and the deletion
 * at the end of an iteration, free every non-empty slot (a scan over all
 * nslots, so its cost is the trace's slot count, not the live count).
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
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aset_internal.h"

/* Back-to-back clock_gettime pairs whose median is reported as the timer's cost. */
#define TIMER_SAMPLES 255

/*
 * One slot of the trace.  Validation keeps an epoch number in it (the slot
 * is full if its epoch is the current one, so an R empties every slot by
 * bumping the epoch instead of clearing nslots entries); the replay keeps
 * the chunk pointer.  The array is zeroed between the two uses.
 */
typedef union Slot
{
    void     *ptr;
    uintptr_t epoch;
} Slot;

static const char *const op_letter[] = {"?", "a", "z", "r", "f", "R"};

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
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

/* Checks the whole trace; slots holds nslots zeroed entries, used as scratch. */
static int validate(const uint64_t *ops, size_t nops, uint32_t nslots, Slot *slots)
{
    uintptr_t epoch = 1;

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
            if (slots[slot].epoch == epoch)
                return invalid_op(i, "'%s' into slot %u, which is full", op_letter[kind], slot);
            slots[slot].epoch = epoch;
        }
        else
        {
            if (slots[slot].epoch != epoch)
                return invalid_op(i, "'%s' on slot %u, which is empty", op_letter[kind], slot);
            if (kind == AB_OP_FREE)
                slots[slot].epoch = 0;
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

static Slot *alloc_slots(uint32_t nslots)
{
    Slot *slots = calloc(nslots, sizeof(Slot));

    if (slots == NULL)
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay slots array of %u entries)", nslots);
    return slots;
}

int ab_replay_validate(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    Slot *slots;
    int rc;

    if ((rc = check_shape(ops, nops, nslots)) != AB_OK)
        return rc;
    if ((slots = alloc_slots(nslots)) == NULL)
        return AB_ERR_OUT_OF_MEMORY;
    rc = validate(ops, nops, nslots, slots);
    free(slots);
    return rc;
}

/* ---- the replay loops ---- */

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

static int malloc_failed(size_t index, int iteration, const char *function, size_t size)
{
    char detail[128];

    snprintf(detail, sizeof(detail), "%s(%zu) returned NULL.", function, size);
    ab_error_set(AB_ERR_OUT_OF_MEMORY, detail, "replay failed at op %zu (iteration %d): out of memory",
                 index, iteration);
    return AB_ERR_OUT_OF_MEMORY;
}

/*
 * One pass over the ops into ctx.  timed is a constant at each call site
 * (always_inline), so the plain loop carries no latency-mode branch.
 * Returns AB_OK, or the code of the failed op with *failed set to its index.
 */
static inline __attribute__((always_inline)) int
run_aset(AbContext *ctx, const uint64_t *ops, size_t nops, Slot *slots, uint64_t *latency,
         const bool timed, size_t *failed)
{
    for (size_t i = 0; i < nops; i++)
    {
        uint64_t op = ops[i];
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);
        uint64_t start = timed ? now_ns() : 0;
        void *p;

        switch (AB_OP_KIND(op))
        {
            case AB_OP_ALLOC:
                p = ab_alloc(ctx, size);
                goto handed_out;
            case AB_OP_ALLOC_ZEROED:
                p = ab_alloc0(ctx, size);
                goto handed_out;
            case AB_OP_REALLOC:
                p = ab_realloc(slots[slot].ptr, size);
        handed_out:
                if (unlikely(p == NULL))
                {
                    *failed = i;
                    return ab_error_code();
                }
                touch(p, size);
                slots[slot].ptr = p;
                break;
            case AB_OP_FREE:
                if (unlikely(ab_free(slots[slot].ptr) != AB_OK))
                {
                    *failed = i;
                    return ab_error_code();
                }
                break;
            default: /* AB_OP_RESET: validation let nothing else through */
                ab_reset(ctx);
                break;
        }
        if (timed)
            latency[i] = now_ns() - start;
    }
    return AB_OK;
}

static void free_live(Slot *slots, uint32_t nslots)
{
    for (uint32_t s = 0; s < nslots; s++)
    {
        if (slots[s].ptr != NULL)
        {
            free(slots[s].ptr);
            slots[s].ptr = NULL;
        }
    }
}

/* The malloc lane's pass: as run_aset; on failure *function names the call. */
static inline __attribute__((always_inline)) int
run_malloc(const uint64_t *ops, size_t nops, uint32_t nslots, Slot *slots, uint64_t *latency,
           const bool timed, size_t *failed, const char **function)
{
    for (size_t i = 0; i < nops; i++)
    {
        uint64_t op = ops[i];
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);
        uint64_t start = timed ? now_ns() : 0;
        void *p;

        switch (AB_OP_KIND(op))
        {
            case AB_OP_ALLOC:
                p = malloc(size);
                *function = "malloc";
                goto handed_out;
            case AB_OP_ALLOC_ZEROED:
                p = calloc(1, size);
                *function = "calloc";
                goto handed_out;
            case AB_OP_REALLOC:
                /* on failure the old block stays in the slot, freed with the rest */
                p = realloc(slots[slot].ptr, size);
                *function = "realloc";
        handed_out:
                if (unlikely(p == NULL))
                {
                    *failed = i;
                    return AB_ERR_OUT_OF_MEMORY;
                }
                touch(p, size);
                slots[slot].ptr = p;
                break;
            case AB_OP_FREE:
                free(slots[slot].ptr);
                slots[slot].ptr = NULL;
                break;
            default: /* AB_OP_RESET */
                free_live(slots, nslots);
                break;
        }
        if (timed)
            latency[i] = now_ns() - start;
    }
    return AB_OK;
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
 * The AllocSet lane.  The statistics snapshot is taken in the last
 * iteration, just before ab_delete, as the format says; walking the
 * freelists is not replay work, so its time (two extra clock reads around
 * ab_stats) is subtracted from that iteration's figure.
 */
static int replay_aset(const uint64_t *ops, size_t nops, Slot *slots, size_t min_ctx,
                       size_t init_block, size_t max_block, const AbBlockSource *source,
                       int iterations, uint64_t *ns, AbCounters *stats, uint64_t *latency)
{
    for (int it = 0; it < iterations; it++)
    {
        bool last = it == iterations - 1;
        uint64_t excluded = 0;
        uint64_t start = now_ns();
        AbContext *ctx = source == NULL
            ? ab_aset_create(NULL, "replay", min_ctx, init_block, max_block)
            : ab_aset_create_with_source(NULL, "replay", min_ctx, init_block, max_block, source);
        size_t failed = 0;
        int rc;

        if (ctx == NULL)
            return ab_error_code(); /* ab_aset_create's own message: refused sizes or out of memory */
        if (last && latency != NULL)
            rc = run_aset(ctx, ops, nops, slots, latency, true, &failed);
        else
            rc = run_aset(ctx, ops, nops, slots, NULL, false, &failed);
        if (unlikely(rc != AB_OK))
        {
            ab_delete(ctx); /* releases every chunk the slots point at */
            return replay_failed(failed, it, rc);
        }
        if (last && stats != NULL)
        {
            uint64_t pause = now_ns();

            memset(stats, 0, sizeof(*stats));
            ab_stats(ctx, 0, stats);
            excluded = now_ns() - pause;
        }
        ab_delete(ctx);
        ns[it] = now_ns() - start - excluded;
    }
    return AB_OK;
}

/* The malloc lane: deletion is freeing every live slot, inside the timed region. */
static int replay_malloc(const uint64_t *ops, size_t nops, uint32_t nslots, Slot *slots,
                         int iterations, uint64_t *ns, uint64_t *latency)
{
    for (int it = 0; it < iterations; it++)
    {
        uint64_t start = now_ns();
        size_t failed = 0;
        const char *function = "malloc";
        int rc;

        if (it == iterations - 1 && latency != NULL)
            rc = run_malloc(ops, nops, nslots, slots, latency, true, &failed, &function);
        else
            rc = run_malloc(ops, nops, nslots, slots, NULL, false, &failed, &function);
        free_live(slots, nslots);
        if (unlikely(rc != AB_OK))
            return malloc_failed(failed, it, function, AB_OP_SIZE(ops[failed]));
        ns[it] = now_ns() - start;
    }
    return AB_OK;
}

/* ---- entry points ---- */

static int check_run_arguments(int allocator, int iterations, const uint64_t *ns_per_iteration)
{
    if (allocator != AB_REPLAY_ASET && allocator != AB_REPLAY_MALLOC)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                     "unknown replay allocator %d (AB_REPLAY_ASET 1 or AB_REPLAY_MALLOC 2)", allocator);
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
 * Replays validated ops.  slots holds nslots entries in any state (validation
 * leaves epochs there) and is zeroed here: the replay starts from all empty.
 */
static int run_validated(const uint64_t *ops, size_t nops, uint32_t nslots, Slot *slots, int allocator,
                         size_t min_ctx, size_t init_block, size_t max_block, const AbBlockSource *source,
                         int iterations, uint64_t *ns_per_iteration, AbCounters *stats_before_delete,
                         uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    memset(slots, 0, (size_t) nslots * sizeof(Slot));
    if (stats_before_delete != NULL)
        memset(stats_before_delete, 0, sizeof(*stats_before_delete));
    if (timer_overhead_ns != NULL)
        *timer_overhead_ns = timer_overhead();
    if (allocator == AB_REPLAY_ASET)
        return replay_aset(ops, nops, slots, min_ctx, init_block, max_block, source, iterations,
                           ns_per_iteration, stats_before_delete, latency_ns);
    return replay_malloc(ops, nops, nslots, slots, iterations, ns_per_iteration, latency_ns);
}

/*
 * ab_replay with the AllocSet's blocks taken from source (NULL: malloc).  Not
 * exported (no AB_API, so hidden in the .so): test_replay.c, which links the
 * sources statically, declares it itself to count the blocks a replay takes
 * and to make them fail.  Keep the two prototypes in step.
 */
int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block,
                          const AbBlockSource *source, int iterations,
                          uint64_t *ns_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns);

int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block,
                          const AbBlockSource *source, int iterations,
                          uint64_t *ns_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    Slot *slots;
    int rc;

    if ((rc = check_shape(ops, nops, nslots)) != AB_OK
        || (rc = check_run_arguments(allocator, iterations, ns_per_iteration)) != AB_OK)
        return rc;
    if ((slots = alloc_slots(nslots)) == NULL)
        return AB_ERR_OUT_OF_MEMORY;
    rc = validate(ops, nops, nslots, slots);
    if (rc == AB_OK)
        rc = run_validated(ops, nops, nslots, slots, allocator, min_ctx, init_block, max_block, source,
                           iterations, ns_per_iteration, stats_before_delete, latency_ns, timer_overhead_ns);
    free(slots);
    return rc;
}

int ab_replay(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
              size_t min_ctx, size_t init_block, size_t max_block, int iterations,
              uint64_t *ns_per_iteration, AbCounters *stats_before_delete,
              uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    return ab_replay_with_source(ops, nops, nslots, allocator, min_ctx, init_block, max_block, NULL,
                                 iterations, ns_per_iteration, stats_before_delete, latency_ns,
                                 timer_overhead_ns);
}

/* ---- validated traces ---- */

#define AB_TRACE_MAGIC 0x7ACE7ACEu

struct AbTrace
{
    uint32_t magic;     /* AB_TRACE_MAGIC while alive: catches NULL and most foreign pointers */
    uint32_t nslots;
    size_t   nops;
    uint64_t ops[];     /* a private copy: nobody can change it after validation */
};

AbTrace *ab_trace_create(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    AbTrace *trace;
    Slot *slots;
    int rc;

    if (check_shape(ops, nops, nslots) != AB_OK)
        return NULL;
    if (nops > (SIZE_MAX - sizeof(AbTrace)) / sizeof(uint64_t))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "trace of %zu ops is too long", nops);
    if ((slots = alloc_slots(nslots)) == NULL)
        return NULL;
    rc = validate(ops, nops, nslots, slots);
    free(slots);
    if (rc != AB_OK)
        return NULL;
    trace = malloc(sizeof(AbTrace) + nops * sizeof(uint64_t));
    if (trace == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (copy of a trace of %zu ops)", nops);
    trace->magic = AB_TRACE_MAGIC;
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
                    size_t min_ctx, size_t init_block, size_t max_block, int iterations,
                    uint64_t *ns_per_iteration, AbCounters *stats_before_delete,
                    uint64_t *latency_ns, uint64_t *timer_overhead_ns)
{
    Slot *slots;
    int rc;

    if (!trace_is_valid(trace))
        return AB_ERR_INVALID_ARGUMENT;
    if ((rc = check_run_arguments(allocator, iterations, ns_per_iteration)) != AB_OK)
        return rc;
    if ((slots = alloc_slots(trace->nslots)) == NULL)
        return AB_ERR_OUT_OF_MEMORY;
    rc = run_validated(trace->ops, trace->nops, trace->nslots, slots, allocator, min_ctx, init_block,
                       max_block, NULL, iterations, ns_per_iteration, stats_before_delete, latency_ns,
                       timer_overhead_ns);
    free(slots);
    return rc;
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
    free(trace);
}

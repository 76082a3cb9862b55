/*
 * allocbench.h -- the one public header of allocbench's native core.
 *
 * A re-implementation of PostgreSQL's AllocSet memory context (the allocator
 * behind palloc/pfree), written to the semantics described in
 * docs/postgres-memory.md, and meant to be called from Java through the
 * Foreign Function & Memory API.
 *
 * Error convention.  PostgreSQL reports errors with ereport(ERROR), which
 * longjmps.  A longjmp must never cross the FFM boundary, so every function
 * here returns NULL or a non-zero AbErrorCode instead, and leaves the message
 * (in PostgreSQL's wording) and an optional detail line in a thread-local
 * slot read with ab_error_message() / ab_error_detail().  A successful call
 * does not clear the slot; check the return value first.
 *
 * Threads.  Like PostgreSQL's contexts, a context tree belongs to one thread
 * at a time; nothing here locks.  Different trees may be used by different
 * threads concurrently.
 */
#ifndef ALLOCBENCH_H
#define ALLOCBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AB_API __attribute__((visibility("default")))

/* ---- limits and presets (PostgreSQL's values) ---------------------------- */

/* Largest request without AB_ALLOC_HUGE: PostgreSQL's MaxAllocSize. */
#define AB_MAX_ALLOC_SIZE       ((size_t) 0x3fffffff)
/* Largest request with AB_ALLOC_HUGE: PostgreSQL's MaxAllocHugeSize. */
#define AB_MAX_ALLOC_HUGE_SIZE  (SIZE_MAX / 2)

/* Flags of ab_alloc_extended / ab_realloc_extended, as MCXT_ALLOC_*. */
#define AB_ALLOC_HUGE    0x01   /* allow sizes up to AB_MAX_ALLOC_HUGE_SIZE */
#define AB_ALLOC_NO_OOM  0x02   /* return NULL on out-of-memory, no error */
#define AB_ALLOC_ZERO    0x04   /* zero the returned memory */

/* ALLOCSET_DEFAULT_SIZES, ALLOCSET_SMALL_SIZES, ALLOCSET_START_SMALL_SIZES */
#define AB_DEFAULT_MINSIZE      0
#define AB_DEFAULT_INITSIZE     (8 * 1024)
#define AB_DEFAULT_MAXSIZE      (8 * 1024 * 1024)
#define AB_SMALL_MINSIZE        0
#define AB_SMALL_INITSIZE       (1 * 1024)
#define AB_SMALL_MAXSIZE        (8 * 1024)

typedef enum AbErrorCode
{
    AB_OK = 0,
    AB_ERR_INVALID_SIZE = 1,     /* "invalid memory alloc request size %zu" */
    AB_ERR_OUT_OF_MEMORY = 2,    /* "out of memory" + "Failed on request ..." */
    AB_ERR_INVALID_ARGUMENT = 3, /* bad parameters, NULL or foreign pointer */
    AB_ERR_MEMORY_CHECK = 4,     /* checking builds: a corrupted or freed chunk (PostgreSQL's wording) */
    AB_ERR_NOT_APPLICABLE = 5    /* a replay lane cannot do what the trace does (a pfree on Bump): nothing was run */
} AbErrorCode;

/* ---- opaque context, block sources ---------------------------------------- */

typedef struct AbContext AbContext;

/*
 * Where a context gets its blocks from.  The default is malloc/realloc/free.
 * A source lets a test count every byte taken and returned, and lets a later
 * caller place a context on other memory (a shared segment, huge pages).
 * realloc may be NULL: then the context never grows blocks in place.
 */
typedef struct AbBlockSource
{
    void *(*alloc)(void *state, size_t size);
    void *(*realloc)(void *state, void *block, size_t old_size, size_t new_size);
    void  (*free)(void *state, void *block, size_t size);
    void  *state;
} AbBlockSource;

/* Counters kept by the counting block source. */
typedef struct AbBlockCounters
{
    uint64_t alloc_calls;
    uint64_t free_calls;
    uint64_t realloc_calls;
    uint64_t bytes_allocated;   /* sum of every size handed out */
    uint64_t bytes_freed;       /* sum of every size given back */
    int64_t  bytes_outstanding; /* allocated - freed, tracked through reallocs */
    int64_t  blocks_outstanding;
} AbBlockCounters;

/* A malloc-backed source that counts into *counters (caller owns both). */
AB_API void ab_counting_source_init(AbBlockSource *source, AbBlockCounters *counters);

/* ---- contexts (aset.c + mcxt.c) --------------------------------------------- */

/*
 * AllocSetContextCreate.  parent may be NULL (a root context).  name is
 * copied.  Sizes as in PostgreSQL: initBlockSize MAXALIGNed and >= 1024,
 * maxBlockSize >= initBlockSize, minContextSize 0 or MAXALIGNed within
 * [1024, maxBlockSize].  Returns NULL with AB_ERR_INVALID_ARGUMENT or
 * AB_ERR_OUT_OF_MEMORY in the error slot.
 */
AB_API AbContext *ab_aset_create(AbContext *parent, const char *name,
                                 size_t minContextSize, size_t initBlockSize,
                                 size_t maxBlockSize);
/* Same, with blocks taken from source (not copied: it must outlive the context). */
AB_API AbContext *ab_aset_create_with_source(AbContext *parent, const char *name,
                                             size_t minContextSize, size_t initBlockSize,
                                             size_t maxBlockSize,
                                             const AbBlockSource *source);

/*
 * The other kinds of context (docs/postgres-memory.md, "Other context
 * kinds"), in the same tree and behind the same calls: ab_alloc, ab_free,
 * ab_realloc, ab_reset, ab_delete, the statistics.  Each takes the
 * arguments of its PostgreSQL create function; each returns NULL with
 * AB_ERR_INVALID_ARGUMENT or AB_ERR_OUT_OF_MEMORY in the error slot.
 *
 * Generation (GenerationContextCreate): sizes as ab_aset_create's.  Chunks
 * are MAXALIGNed requests, never reused once freed; a block is freed (or kept
 * as the one spare "freeblock", or rewound if it is the keeper) when its last
 * chunk is.
 */
AB_API AbContext *ab_generation_create(AbContext *parent, const char *name,
                                       size_t minContextSize, size_t initBlockSize, size_t maxBlockSize);
/*
 * Slab (SlabContextCreate): every chunk is chunkSize bytes (1 .. blockSize
 * minus headers); ab_alloc of any other size and ab_realloc to any other size
 * are refused with PostgreSQL's words.
 */
AB_API AbContext *ab_slab_create(AbContext *parent, const char *name, size_t blockSize, size_t chunkSize);
/*
 * Bump (BumpContextCreate, PostgreSQL 17): sizes as ab_aset_create's.  No
 * chunk header, so no ab_free, ab_realloc, ab_chunk_context or
 * ab_chunk_space on its chunks: PostgreSQL leaves those undefined for Bump
 * chunks in production builds, and so does this library (the pointer cannot
 * be recognised).  Only ab_reset and ab_delete release memory.
 */
AB_API AbContext *ab_bump_create(AbContext *parent, const char *name,
                                 size_t minContextSize, size_t initBlockSize, size_t maxBlockSize);
/* "AllocSet", "Generation", "Slab" or "Bump": pg_backend_memory_contexts' type column (PostgreSQL 17+). */
AB_API const char *ab_context_type(AbContext *context);

/*
 * palloc, palloc0, palloc_extended.  NULL means an error (see the slot); with
 * AB_ALLOC_NO_OOM an out-of-memory failure also returns NULL, and the slot
 * still says why.
 */
AB_API void *ab_alloc(AbContext *context, size_t size);
AB_API void *ab_alloc0(AbContext *context, size_t size);
AB_API void *ab_alloc_extended(AbContext *context, size_t size, int flags);

/* repalloc, repalloc_extended.  On failure the old chunk is untouched. */
AB_API void *ab_realloc(void *pointer, size_t size);
AB_API void *ab_realloc_extended(void *pointer, size_t size, int flags);

/* pfree.  Returns AB_OK, or AB_ERR_INVALID_ARGUMENT for a NULL pointer. */
AB_API int ab_free(void *pointer);

/* GetMemoryChunkContext and GetMemoryChunkSpace (capacity + chunk header). */
AB_API AbContext *ab_chunk_context(void *pointer);
AB_API size_t ab_chunk_space(void *pointer);
/* Usable bytes of the chunk (its capacity): what repalloc can grow into in place. */
AB_API size_t ab_chunk_capacity(void *pointer);

/* MemoryContextReset: deletes all descendants, then releases everything but the keeper block. */
AB_API void ab_reset(AbContext *context);
/* MemoryContextResetOnly: this context's memory only; children stay. */
AB_API void ab_reset_only(AbContext *context);
/* MemoryContextDelete: descendants first (leaves first), then this context. */
AB_API void ab_delete(AbContext *context);
/* MemoryContextSetParent; new_parent NULL makes it a root.  Refuses cycles. */
AB_API int ab_set_parent(AbContext *context, AbContext *new_parent);
/* MemoryContextSetIdentifier (copied; NULL clears). */
AB_API int ab_set_ident(AbContext *context, const char *ident);

/* Reset callbacks (MemoryContextRegisterResetCallback): run LIFO on reset and delete. */
typedef void (*AbResetCallbackFn)(void *arg);
AB_API int ab_register_reset_callback(AbContext *context, AbResetCallbackFn fn, void *arg);

/* Tree navigation and identity. */
AB_API AbContext *ab_parent(AbContext *context);
AB_API AbContext *ab_first_child(AbContext *context);
AB_API AbContext *ab_next_sibling(AbContext *context);
AB_API const char *ab_name(AbContext *context);
AB_API const char *ab_ident(AbContext *context);
/* MemoryContextMemAllocated: bytes held from the block source (recursive if asked). */
AB_API size_t ab_mem_allocated(AbContext *context, int recurse);
/* An AllocSet's effective allocChunkLimit (chunks above it get their own block); 0 and an error for other kinds. */
AB_API size_t ab_alloc_chunk_limit(AbContext *context);
/* Freelist contents: number of chunks on freelist fidx (0..10), or -1 if out of range. */
AB_API long ab_freelist_length(AbContext *context, int fidx);
/* Freelist index of a request size (0..10), or -1 above the chunk limit of 8192. */
AB_API int ab_size_class(size_t size);

/* ---- statistics (stats.c) --------------------------------------------------- */

/* MemoryContextCounters.  used = totalspace - freespace. */
typedef struct AbCounters
{
    uint64_t nblocks;
    uint64_t freechunks;
    uint64_t totalspace;
    uint64_t freespace;
    uint64_t usedspace;
} AbCounters;

/* Own counters (recurse = 0) or the sum over the context and all descendants. */
AB_API void ab_stats(AbContext *context, int recurse, AbCounters *out);

/*
 * MemoryContextStats-style text dump: one line per context, two spaces of
 * indentation per level, at most max_children children listed per parent
 * (the rest summarised in one line), and a final "Grand total:" line.
 * Writes a NUL-terminated string into buf if it fits and returns its length
 * (without the NUL); if it does not fit, writes nothing usable and still
 * returns the length needed, so callers can retry with a larger buffer.
 */
AB_API size_t ab_stats_dump(AbContext *context, int max_children, char *buf, size_t buflen);

/* One pg_backend_memory_contexts row.  Strings point into the contexts (valid until changed). */
typedef struct AbContextRow
{
    const char *name;
    const char *ident;   /* may be NULL */
    const char *parent;  /* parent's name (also for the first row); NULL for a root context */
    int32_t     level;   /* 0 for the context the listing starts at */
    int32_t     reserved;
    AbCounters  counters;
} AbContextRow;

/*
 * Rows for the context and all its descendants, depth first, parent before
 * children, children in list order (newest first, as PostgreSQL walks them).
 * Returns the number of rows in the tree; writes at most max_rows of them.
 */
AB_API size_t ab_context_rows(AbContext *context, AbContextRow *rows, size_t max_rows);

/* ---- errors (error.c) ----------------------------------------------------- */

/* The last error of this thread: its code, message and detail ("" if none). */
AB_API int ab_error_code(void);
AB_API const char *ab_error_message(void);
AB_API const char *ab_error_detail(void);

/* ---- binding diagnostics (bench.c) ------------------------------------------ */

/* Does nothing: the cost of a downcall itself. */
AB_API void ab_noop(void);
/* sizeof of the structs above, so the Java side can check its layouts at load time. */
AB_API size_t ab_sizeof_counters(void);
AB_API size_t ab_sizeof_row(void);
/* Which build this is: "pg16" layout today; later variants name themselves. */
AB_API const char *ab_variant(void);

/*
 * The consistency check of a context (PostgreSQL's AllocSetCheck): block
 * bounds, chunk sizes, freelists, and in checking builds requested sizes and
 * sentinels.  AB_OK, or AB_ERR_MEMORY_CHECK with "problem in alloc set ...".
 * Checking builds run it before every reset and delete, and count failures.
 */
AB_API int ab_check(AbContext *context);
AB_API uint64_t ab_check_failures(void);
/* 1 in checking builds (requested sizes, sentinels, wipe on free), else 0. */
AB_API int ab_checking_enabled(void);

/* ==== whole-trace replay (replay*.c) =========================================
 *
 * Replays an allocation trace (docs/trace-format.md) entirely in C: one
 * call runs every iteration, so a caller from Java pays one downcall per
 * call instead of one per op.  The work per op is the same as the Java
 * replay loop's (org.allocbench.replay.ReplayLoop), for every allocator:
 * each iteration creates a fresh context, runs every op in order, writes one
 * byte at offset 0 and one at SIZE-1 after every a, z and r, and ends the
 * context.  The loop itself keeps the live set (which slots hold a chunk) as
 * a dense list, for every allocator alike; an allocator without a bulk
 * release (malloc) gets a free for each live chunk on R and at the end of
 * the iteration, timed like any op.
 *
 * Ops are encoded as org.allocbench.trace.OpSequence encodes them, one
 * uint64 each:
 *
 *   bits  0..2   kind: AB_OP_ALLOC 1, AB_OP_ALLOC_ZEROED 2, AB_OP_REALLOC 3,
 *                AB_OP_FREE 4, AB_OP_RESET 5
 *   bits  3..26  slot (the format allows at most 2^24 slots)
 *   bits 27..56  size, 1..AB_MAX_ALLOC_SIZE for a/z/r, 0 for f and R
 *   bits 57..63  zero
 *
 * The slot of an R is ignored.
 */

#define AB_OP_ALLOC        1
#define AB_OP_ALLOC_ZEROED 2
#define AB_OP_REALLOC      3
#define AB_OP_FREE         4
#define AB_OP_RESET        5

#define AB_OP_KIND(op)  ((unsigned) ((op) & 0x7u))
#define AB_OP_SLOT(op)  ((uint32_t) (((op) >> 3) & 0xffffffu))
#define AB_OP_SIZE(op)  ((size_t) (((op) >> 27) & 0x3fffffffu))
#define AB_OP_ENCODE(kind, slot, size) \
    ((uint64_t) (kind) | ((uint64_t) (slot) << 3) | ((uint64_t) (size) << 27))

/* The most slots a trace may declare. */
#define AB_REPLAY_MAX_SLOTS (1u << 24)

/* Which allocator ab_replay drives. */
#define AB_REPLAY_ASET   1   /* an AllocSet context with the given sizes; R = ab_reset, end = ab_delete */
#define AB_REPLAY_MALLOC 2   /* the process's malloc/calloc/realloc/free (glibc, or a preloaded peer);
                                R and the end of an iteration free each live chunk */
#define AB_REPLAY_HEAP   3   /* a heap API (AbHeapApi: mimalloc's mi_heap_*); R = a new heap and the old
                                one destroyed, end = destroy */
#define AB_REPLAY_FLOOR  4   /* the floor: no allocator at all; each a/z/r hands out the address a
                                parse-time plan gives it (ab_floor_plan), frees and resets do nothing */
/*
 * The other context kinds, replayed as the AllocSet lane is (the root and
 * each c a context of that kind, R = ab_reset, d and the end = ab_delete).
 * Before anything runs, a trace a kind cannot replay is refused with
 * AB_ERR_NOT_APPLICABLE and the reason: Bump with any f or r ("pfree is not
 * supported by the bump memory allocator"); Slab unless every a and z of a
 * context asks for one size, every r keeps it, and that size fits a block.
 * A Slab context's chunk size is the size of its first a or z (8 for a
 * context that never allocates); its block size is its initBlockSize (the
 * root's: init_block).
 */
#define AB_REPLAY_GENERATION 5
#define AB_REPLAY_SLAB       6
#define AB_REPLAY_BUMP       7

/*
 * A heap allocator's entry points (AB_REPLAY_HEAP), as mimalloc's heap API
 * has them: mi_heap_new, mi_heap_malloc, mi_heap_zalloc, mi_heap_realloc,
 * mi_free, mi_heap_destroy.  heap_destroy releases every block of the heap.
 */
typedef struct AbHeapApi
{
    void *(*heap_new)(void);
    void *(*heap_malloc)(void *heap, size_t size);
    void *(*heap_zalloc)(void *heap, size_t size);
    void *(*heap_realloc)(void *heap, void *pointer, size_t size);
    void  (*free)(void *pointer);
    void  (*heap_destroy)(void *heap);
} AbHeapApi;

/*
 * Checks a trace without running it: kinds, reserved bits, slot < nslots,
 * a/z only into an empty slot, r/f only on a full one, sizes 1..AB_MAX_ALLOC_SIZE
 * for a/z/r and 0 for f/R, 1 <= nslots <= AB_REPLAY_MAX_SLOTS.  Returns AB_OK,
 * or AB_ERR_INVALID_ARGUMENT with a message naming the first bad op by its
 * 0-based index, e.g. "invalid trace at op 3: 'f' on slot 1, which is empty".
 * AB_ERR_OUT_OF_MEMORY if the slot scratch array cannot be allocated.
 */
AB_API int ab_replay_validate(const uint64_t *ops, size_t nops, uint32_t nslots);

/*
 * The floor's plan (AB_REPLAY_FLOOR, and the Java floor allocator): for each
 * a, z and r of the trace in order, the offset into one region where the
 * floor puts that op's memory.  It is what an ideal allocator with no
 * headers and no bookkeeping would hand out: sizes rounded up to a power of
 * two (at least 16), a freed chunk reused first by the next request of its
 * class (LIFO, so reused memory is as hot as an allocator's freelist makes
 * it), new chunks bump-allocated, a resize within its class kept in place,
 * and R starting the region over.  Validates the trace first (as
 * ab_replay_validate).  offsets has room for capacity entries; *handed_out
 * gets the number of a/z/r ops and *region_bytes the region's size; if
 * capacity < *handed_out nothing is written to offsets and the call fails
 * with AB_ERR_INVALID_ARGUMENT.
 */
AB_API int ab_floor_plan(const uint64_t *ops, size_t nops, uint32_t nslots, uint64_t *offsets, size_t capacity,
                         size_t *handed_out, uint64_t *region_bytes);

/*
 * Validates the trace (as above, before anything is timed), then replays it
 * iterations times through allocator (AB_REPLAY_*).  min_ctx, init_block and
 * max_block are the AllocSet's sizes (as ab_aset_create takes them; ignored
 * by the other lanes); heap is required for AB_REPLAY_HEAP and ignored
 * otherwise.
 *
 *   ns_per_iteration     out[iterations], required: CLOCK_MONOTONIC time of
 *                        each iteration, context creation and end included
 *   minflt_per_iteration out[iterations], may be NULL: the calling thread's
 *                        minor page faults during each iteration
 *                        (getrusage(RUSAGE_THREAD), read outside the time)
 *   stats_before_delete  out, may be NULL: the AllocSet's own counters just
 *                        before the last iteration deletes its context (the
 *                        snapshot's own time is subtracted from that
 *                        iteration's figure); all zero for the other lanes
 *   latency_ns           NULL, or out[nops]: the time of each op of the last
 *                        iteration (the touch writes included), measured with
 *                        one clock_gettime before and one after the op, so
 *                        each entry includes about one timer_overhead_ns; the
 *                        last iteration's ns_per_iteration then includes the
 *                        per-op timer calls too
 *   timer_overhead_ns    out, may be NULL: median of 255 back-to-back
 *                        clock_gettime pairs, measured in this call before the
 *                        first iteration
 *
 * Returns AB_OK, or an AbErrorCode with the message in the error slot: a bad
 * trace or argument (AB_ERR_INVALID_ARGUMENT, nothing is run), a refused
 * context size (ab_aset_create's message), or an allocation that failed
 * during the replay ("replay failed at op N (iteration K): ...", with the
 * allocator's detail).  Everything allocated is released on every path; the
 * out arrays are unspecified after an error.  Runs as long as the trace
 * takes (seconds for long traces): not a call for Linker.Option.critical.
 */
AB_API int ab_replay(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                     size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                     int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                     AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns);

/*
 * A validated trace, for replaying the same ops many times (a benchmark that
 * times each call from outside must not time validation again and again:
 * it costs a few nanoseconds per op, a third of a replay).  ab_trace_create
 * copies the ops and validates them once; the copy is private, so it stays
 * valid.  The handle is read-only afterwards: several threads may replay the
 * same trace at once (each call has its own slots array).
 */
typedef struct AbTrace AbTrace;

/* Copies and validates; NULL with ab_replay_validate's error (or out of memory) in the slot. */
AB_API AbTrace *ab_trace_create(const uint64_t *ops, size_t nops, uint32_t nslots);
/* ab_replay over a validated trace: the same arguments, outputs and errors, no validation. */
AB_API int ab_trace_replay(const AbTrace *trace, int allocator,
                           size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                           int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                           AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns);
AB_API size_t ab_trace_length(const AbTrace *trace);
/* Frees the copy; NULL does nothing.  No replay of it may be running. */
AB_API void ab_trace_free(AbTrace *trace);

/* ---- version 2: contexts and threads (replay_tree*.c) ------------------------
 *
 * docs/trace-format.md, "Version 2".  Two more op kinds, with slot 0 and size
 * 0 in the word (their context is in the placement): AB_OP_CREATE ('c') and
 * AB_OP_DELETE ('d').  Beside the ops, one uint32 placement word per op:
 * bits 0..23 the op's context (a, z: where it allocates; r, f: the chunk's
 * context; R, c, d: the context reset, created or deleted), bits 24..31 its
 * thread.  And a context table, one AbContextSpec per context id.
 */
#define AB_OP_CREATE 6
#define AB_OP_DELETE 7

#define AB_PLACEMENT_CONTEXT(word) ((uint32_t) ((word) & 0xffffffu))
#define AB_PLACEMENT_THREAD(word)  ((uint32_t) ((word) >> 24))
#define AB_PLACEMENT_ENCODE(context, thread) ((uint32_t) (context) | ((uint32_t) (thread) << 24))

/* The most contexts and threads a version 2 trace may declare. */
#define AB_REPLAY_MAX_CONTEXTS (1u << 24)
#define AB_REPLAY_MAX_THREADS  256u

/*
 * One context of the table.  Entry 0 is the root: the replay creates it with
 * the sizes given to ab_trace_replay, so its fields are ignored.  An entry
 * for an id the trace never creates is ignored too.  name may be NULL
 * ("context"); it is copied.
 */
typedef struct AbContextSpec
{
    uint32_t    parent;
    uint32_t    reserved;
    size_t      min_ctx, init_block, max_block;
    const char *name;
} AbContextSpec;

/*
 * Checks a version 2 trace as the text reader does, in trace order: the op
 * words (kinds 1..7, c and d with slot 0 and size 0), each placement's
 * context < ncontexts and thread < nthreads, the slot rules of version 1,
 * r and f naming the context their chunk was allocated in, a and z and R
 * and d only on a live context (d never on 0), c at most once per id in
 * 1..ncontexts-1 under a live parent with valid AllocSet sizes; a reset
 * deletes every descendant and empties the slots of the context and of its
 * descendants, a delete empties and kills the context and its descendants.
 * 1 <= ncontexts <= AB_REPLAY_MAX_CONTEXTS, 1 <= nthreads <= AB_REPLAY_MAX_THREADS.
 * Errors as ab_replay_validate's: "invalid trace at op 3: ...".
 */
AB_API int ab_replay_validate2(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                               const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads);

/*
 * A validated version 2 trace (copies everything, names included).  Replayed
 * by ab_trace_replay (min_ctx, init_block and max_block are the root's sizes)
 * or ab_trace_replay2.  Lanes: AB_REPLAY_ASET (a real child AllocSet per c,
 * ab_reset for R, ab_delete for d), AB_REPLAY_MALLOC (each context
 * emulated by its live slots: R and d free each live chunk of the context
 * and its descendants, timed like any op), AB_REPLAY_HEAP (ab_trace_replay
 * only, it takes the heap API: a heap per context; R destroys the heaps of
 * the context and its descendants and makes the context a fresh one, d
 * destroys them, the end destroys every live heap; traces of one thread
 * only, as a heap belongs to the thread that made it: others are refused
 * with AB_ERR_INVALID_ARGUMENT) and AB_REPLAY_FLOOR (the planned address of
 * each a/z/r, the plan made as for the version 1 trace where R and d are
 * frees of the chunks they release; the same live-set bookkeeping as the
 * other lanes).  latency_ns is refused (AB_ERR_INVALID_ARGUMENT);
 * *timer_overhead_ns, if asked, is 0 (no per-op clock reads).
 *
 * nthreads == 1: the ops run in trace order on the calling thread, with no
 * thread machinery.  nthreads > 1: each trace thread runs on a pthread of
 * its own, created before the first iteration and released together for
 * each; the order the format demands (ops on a slot in trace order; c, R, d
 * alone; for the AllocSet, ops on a context in trace order) is kept by
 * precomputed wait targets on per-thread atomic progress counters (spin,
 * then sched_yield).  An iteration's time runs from the release to the
 * last thread's end; minflt_per_iteration then counts the whole process's
 * minor faults.  If an allocation fails on a thread, the malloc lane leaks
 * what was live (the threads stopped at unknown points); the AllocSet lane
 * releases everything with the root.
 */
AB_API AbTrace *ab_trace_create2(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                                 const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads);

/* A point to read a context's counters at: before op before_op (nops: at the end), of context. */
typedef struct AbCounterPoint
{
    uint64_t before_op;
    uint32_t context;
    uint32_t reserved;
} AbCounterPoint;

/*
 * ab_trace_replay, plus: in the last iteration, before running op
 * points[k].before_op (points sorted by before_op, ties in any order), the
 * AllocSet lane reads the own counters (ab_stats, recurse 0) of context
 * points[k].context into counters[k], outside the timed figure; the context
 * must be live there (AB_ERR_INVALID_ARGUMENT otherwise, before anything
 * runs).  So do the other context lanes (Generation, Slab, Bump); the
 * lanes without contexts write zeros.  npoints 0 with NULL arrays is fine.  In
 * a trace of several threads a point can be read only before a c, R or d
 * (where every other thread waits) or at the end (before_op == nops);
 * others are refused.  An expectation line `e` of the text format is the
 * point (the index of the op it precedes, its context).
 */
AB_API int ab_trace_replay2(const AbTrace *trace, int allocator, size_t min_ctx, size_t init_block,
                            size_t max_block, int iterations, uint64_t *ns_per_iteration,
                            uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                            const AbCounterPoint *points, size_t npoints, AbCounters *counters);

/* ==== end of whole-trace replay ============================================= */

#ifdef __cplusplus
}
#endif
#endif /* ALLOCBENCH_H */

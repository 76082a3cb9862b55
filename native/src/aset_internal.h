/*
 * aset_internal.h -- the data structures of the AllocSet re-implementation.
 *
 * Everything that decides a statistic lives here, so the byte counts can be
 * checked against PostgreSQL's by reading one file:
 *
 *   total = MAXALIGN(sizeof(AllocSetData)) + sum over blocks of (endptr - block)
 *   free  = sum over blocks of (endptr - freeptr)
 *         + sum over freelist chunks of (capacity + chunk header)
 *   used  = total - free
 *
 * The struct sizes below are not an accident: AbContextData is 80 bytes and
 * AllocSetData 200 bytes on LP64 (224 in the PostgreSQL 15 build), the sizes
 * of PostgreSQL 17's (15's) MemoryContextData and AllocSetContext, and a block header is 40 bytes like
 * AllocBlockData.  With the same sizes, a fresh DEFAULT context reports what
 * PostgreSQL reports ("8192 total in 1 blocks; 7952 free (0 chunks); 240
 * used": 200 bytes of context + 40 of keeper block header), and every later
 * statistic can be compared with a real server's byte for byte.  The fields
 * differ where our needs differ (see AbContextData), never the sizes; static
 * assertions keep it that way.
 */
#ifndef ALLOCBENCH_ASET_INTERNAL_H
#define ALLOCBENCH_ASET_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allocbench.h"

/* Which PostgreSQL's chunk layout this build reproduces: 16 (16 and later) or 15 (see chunk_layout.h). */
#ifndef AB_LAYOUT
#define AB_LAYOUT 16
#endif

#define MAXIMUM_ALIGNOF 8
#define MAXALIGN(len) (((size_t) (len) + (MAXIMUM_ALIGNOF - 1)) & ~((size_t) (MAXIMUM_ALIGNOF - 1)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Size classes: 11 power-of-two freelists, 8 (1 << ALLOC_MINBITS) .. 8192 bytes. */
#define ALLOC_MINBITS        3
#define ALLOCSET_NUM_FREELISTS 11
#define ALLOC_CHUNK_LIMIT    (1 << (ALLOCSET_NUM_FREELISTS - 1 + ALLOC_MINBITS))
/* A chunk must not be more than this fraction of a block (see allocChunkLimit). */
#define ALLOC_CHUNK_FRACTION 4

typedef struct AllocSetData *AllocSet;
typedef struct AllocBlockData *AllocBlock;

/*
 * The part every kind of context shares (PostgreSQL's MemoryContextData).
 * Where PostgreSQL keeps a method-table pointer we keep the block source:
 * there is one kind of context in this library, and the source is what a
 * caller may vary (counting in tests, shared segments later).
 */
typedef struct AbResetCallback
{
    AbResetCallbackFn fn;
    void *arg;
    struct AbResetCallback *next;
} AbResetCallback;

typedef struct AbContextData
{
    uint8_t     kind;           /* AB_CONTEXT_KIND_* below */
    bool        isReset;        /* nothing allocated since the last reset */
    uint16_t    unused_flags;
    uint32_t    magic;          /* AB_CONTEXT_MAGIC while alive: catches foreign pointers */
    size_t      mem_allocated;  /* bytes held from the block source */
    const AbBlockSource *source;
    struct AbContext *parent;
    struct AbContext *firstchild;
    struct AbContext *prevchild;
    struct AbContext *nextchild;
    char       *name;           /* malloc'd copy: outside the accounting, like a C literal */
    char       *ident;          /* malloc'd copy or NULL */
    AbResetCallback *reset_cbs; /* LIFO; the nodes live in the context's own memory */
} AbContextData;

#define AB_CONTEXT_KIND_ASET 3     /* the other kinds: context_kinds.h */
#define AB_CONTEXT_MAGIC     0xA11C5E7Eu

/* The public opaque type is the shared header. */
struct AbContext
{
    AbContextData d;
};

/* A block: header, then chunks from (block + ALLOC_BLOCKHDRSZ) to freeptr. */
typedef struct AllocBlockData
{
    AllocSet    aset;           /* owning set: how pfree finds the context */
    AllocBlock  prev;
    AllocBlock  next;
    char       *freeptr;        /* start of free space in this block */
    char       *endptr;         /* end of this block */
} AllocBlockData;

#define ALLOC_BLOCKHDRSZ MAXALIGN(sizeof(AllocBlockData))

/*
 * The AllocSet.  It is the head of its own first ("keeper") block: one
 * malloc holds this struct, then the keeper block header at
 * MAXALIGN(sizeof(AllocSetData)), then chunks.  The keeper is never freed
 * before the context is, so a reset context costs no malloc to reuse.
 */
typedef struct AllocSetData
{
    struct AbContext header;
    AllocBlock  blocks;         /* head block: the only one chunks are carved from */
    void       *freelist[ALLOCSET_NUM_FREELISTS]; /* chunk pointers, LIFO */
    uint32_t    initBlockSize;
    uint32_t    maxBlockSize;
    uint32_t    nextBlockSize;  /* doubles per new block, capped at maxBlockSize */
    uint32_t    allocChunkLimit;
    uint32_t    keeperOffset;   /* MAXALIGN(sizeof(AllocSetData)): where the keeper starts */
#if AB_LAYOUT == 15
    /*
     * PostgreSQL 15's AllocSetContext is 224 bytes: its four block sizes are
     * Size (8 bytes, 16 made them uint32), and it keeps a keeper pointer and a
     * context-freelist index.  Only the size shows in the statistics (a fresh
     * DEFAULT context is "8192 total in 1 blocks; 7928 free (0 chunks); 264
     * used" there), so only the size is reproduced.
     */
    char        pg15_size_padding[24];
#endif
} AllocSetData;

_Static_assert(sizeof(AbContextData) == 80, "context header must match MemoryContextData (80 bytes on LP64)");
#if AB_LAYOUT == 15
_Static_assert(sizeof(AllocSetData) == 224, "AllocSet must match PostgreSQL 15's AllocSetContext (224 bytes on LP64)");
#else
_Static_assert(sizeof(AllocSetData) == 200, "AllocSet must match PostgreSQL 17's AllocSetContext (200 bytes on LP64)");
#endif
_Static_assert(ALLOC_BLOCKHDRSZ == 40, "block header must match AllocBlockData (40 bytes on LP64)");

#define KEEPER_BLOCK(set) ((AllocBlock) ((char *) (set) + MAXALIGN(sizeof(AllocSetData))))
#define IS_KEEPER_BLOCK(set, block) ((block) == KEEPER_BLOCK(set))

static inline bool context_is_valid(const struct AbContext *context)
{
    return context != NULL && context->d.magic == AB_CONTEXT_MAGIC;
}

/* ---- size classes ---- */

/* Freelist index for a request of size bytes (size <= ALLOC_CHUNK_LIMIT). */
static inline int aset_free_index(size_t size)
{
    if (size <= (1u << ALLOC_MINBITS))
        return 0;
    /* ceil(log2(size)) - ALLOC_MINBITS, via the highest set bit of size - 1 */
    return (int) (64 - __builtin_clzll((unsigned long long) (size - 1))) - ALLOC_MINBITS;
}

static inline size_t aset_chunk_size(int fidx)
{
    return (size_t) 1 << (ALLOC_MINBITS + fidx);
}

/* ---- functions shared between the .c files ---- */

/* error.c */
void ab_error_set(int code, const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *ab_error_null(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the slot and returns code: `return ab_error_fail(...)` from int-returning calls. */
int ab_error_fail(int code, const char *detail, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Sets the slot to "<where>: <what fmt and args say>" and returns code: the
 * va_list core of a caller's own printf-like error helper that names the
 * thing in trouble first (the trace op, the alloc set).
 */
int ab_error_vfail_in(int code, const char *where, const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));
/* "out of memory" with "Failed on request of size N in memory context \"NAME\"."; returns NULL. */
void *ab_error_out_of_memory(const struct AbContext *context, size_t size) __attribute__((cold, noinline));
/* "invalid memory alloc request size N" (AB_ERR_INVALID_SIZE); returns NULL. */
void *ab_error_invalid_size(size_t size) __attribute__((cold, noinline));
/* "out of memory" with "Failed while creating memory context \"NAME\"."; returns NULL. */
void *ab_error_create_failed(const char *name) __attribute__((cold, noinline));
/*
 * The block sizes every kind with growing blocks takes (AllocSet, Generation,
 * Bump): AB_OK, or AB_ERR_INVALID_ARGUMENT with the reason in the slot.
 */
int ab_check_block_sizes(size_t minContextSize, size_t initBlockSize, size_t maxBlockSize);
/*
 * The largest block: a PostgreSQL 16 chunk header's 30-bit offset field (1 GiB
 * - 1).  PostgreSQL 15's header has no such field; its build keeps the same
 * limit, so both builds accept the same sizes.
 */
#define AB_MAX_BLOCK_SIZE (((size_t) 1 << 30) - 1)

/*
 * Generation's and Bump's block growth (PostgreSQL's rule, AllocSet has its
 * own): the new block is nextBlockSize bytes, or the power of two that holds
 * required if that is more; the one after is twice as large, up to max.
 */
static inline size_t ab_new_block_size(size_t next, size_t required)
{
    return next >= required ? next : (size_t) 1 << (64 - __builtin_clzll((unsigned long long) (required - 1)));
}

static inline size_t ab_next_block_size(size_t next, size_t max)
{
    return next * 2 < max ? next * 2 : max;
}

/* AllocSizeIsValid / AllocHugeSizeIsValid, by the request's flags. */
static inline bool ab_alloc_size_is_valid(size_t size, int flags)
{
    return size <= ((flags & AB_ALLOC_HUGE) ? AB_MAX_ALLOC_HUGE_SIZE : AB_MAX_ALLOC_SIZE);
}

/* Cold: only reached on misuse, so callers keep frame-free fast paths. */
int ab_error_invalid_context(const struct AbContext *context) __attribute__((cold, noinline));

/* text_out.c: text into buf[cap]; len counts every byte written or not (cut text stays terminated). */
typedef struct AbTextOut
{
    char  *buf;   /* may be NULL (cap then counts as 0) */
    size_t cap;
    size_t len;
} AbTextOut;

void ab_text_printf(AbTextOut *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* block_source.c */
extern const AbBlockSource ab_malloc_source;

/* A context's block source calls, kept in one place so every kind's accounting stays in step. */
static inline void *ab_source_alloc(const struct AbContext *context, size_t size)
{
    const AbBlockSource *src = context->d.source;
    return src->alloc(src->state, size);
}

static inline void ab_source_free(const struct AbContext *context, void *block, size_t size)
{
    const AbBlockSource *src = context->d.source;
    src->free(src->state, block, size);
}

/* mcxt.c */
AbContext *ab_traverse_next(AbContext *curr, AbContext *top);
/*
 * The start every kind's create shares: name copied, size bytes from source
 * in one call (the context struct and, where the kind has a keeper, its first
 * block), the first struct_size bytes zeroed, and the shared header filled
 * in (kind, fresh, alive, source, name; mem_allocated is the caller's).  NULL
 * with PostgreSQL's "out of memory" / "Failed while creating memory context".
 */
AbContext *ab_context_new(const char *name, int kind, size_t size, size_t struct_size, const AbBlockSource *source);
/* A keeper's first malloc: at least least bytes, else minContextSize (if not 0) or initBlockSize. */
size_t ab_first_block_size(size_t least, size_t minContextSize, size_t initBlockSize);

/* aset_check.c */
#define AB_FREED_MARK SIZE_MAX   /* requested_size of a freed chunk (checking builds) */
int aset_check(AllocSet set);
void aset_check_before_reset(AllocSet set);
#ifdef AB_CHECKING
struct AbChunk;
void aset_mark_allocated(void *pointer, size_t requested);
/* AB_OK, AB_ERR_MEMORY_CHECK (freed, or sentinel overwritten), or AB_ERR_INVALID_ARGUMENT (not a chunk). */
int aset_check_chunk(const char *op, void *pointer);
void aset_mark_freed(struct AbChunk *chunk, size_t capacity);
#endif

/* aset.c: the allocator proper (no tree logic) */
AbContext *aset_create(const char *name, size_t minContextSize, size_t initBlockSize,
                       size_t maxBlockSize, const AbBlockSource *source);
void *aset_alloc(AllocSet set, size_t size, int flags);
void *aset_realloc(void *pointer, size_t size, int flags);
int aset_free(void *pointer);
void aset_reset(AllocSet set);
void aset_delete(AllocSet set);
AllocSet aset_owner(void *pointer);
size_t aset_chunk_capacity(void *pointer);
uint64_t aset_chunk_header_word(void *pointer);
size_t aset_chunk_header_size(void);
long aset_freelist_length(AllocSet set, int fidx);
/* Adds this set's own counters to *totals (MemoryContextCounters semantics). */
void aset_stats(AllocSet set, AbCounters *totals);

#endif /* ALLOCBENCH_ASET_INTERNAL_H */

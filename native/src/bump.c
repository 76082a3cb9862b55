/*
 * bump.c -- the Bump context: PostgreSQL 17's allocator for memory that is
 * only ever released all at once (tuplesort's tuples, vacuum's TID store),
 * re-implemented from its documented behaviour (docs/postgres-memory.md,
 * "Bump").
 *
 * The idea.  If no chunk is ever freed or resized on its own, a chunk needs
 * no header at all: nothing will ever ask which context or block it belongs
 * to, or how big it is.  So a Bump context hands out MAXALIGN(size) bytes
 * straight from the head block's bump pointer, and that is all it does.
 * For the 16-32 byte objects of a sort, dropping an 8-byte header (16 in
 * PostgreSQL 15) is a third of the memory and of the cache misses.
 *
 * The price.  pfree, repalloc, GetMemoryChunkContext and GetMemoryChunkSpace
 * cannot work; PostgreSQL refuses them with "%s is not supported by the bump
 * memory allocator" where it can tell (checking builds, which keep a header),
 * and production builds cannot even tell: the bytes before a Bump chunk are
 * the end of the previous chunk.  Here too a Bump pointer is not recognised
 * by ab_free and friends (context_kinds.h), and the replay refuses, before it
 * runs anything, a trace that frees or resizes in a Bump context, in
 * PostgreSQL's words (replay_contexts.c).
 *
 * Blocks.  As in an AllocSet: the first ("keeper") block shares the
 * context's malloc and is only rewound by reset; later blocks double from
 * initBlockSize to maxBlockSize and are pushed at the head of the list,
 * which is the block chunks come from; a request above allocChunkLimit (an
 * eighth of a maximum block) gets a dedicated block, pushed at the tail so
 * the head stays the current block.  The tail of a block that could not fit
 * the next request is abandoned: nothing is ever carved from a block that is
 * not the head.
 *
 * Accounting (as in PostgreSQL 17, and unlike Generation and Slab): the
 * context's malloc counts whole in mem_allocated, the context struct
 * included, but the statistics' total counts blocks only.
 *
 * Bump is the same in both builds (it has no chunk header to differ in);
 * its sizes are PostgreSQL 17's: a 112-byte context, 32-byte blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "aset_internal.h"
#include "block_list.h"
#include "context_kinds.h"

#define BUMP_CHUNK_FRACTION 8

typedef struct BumpData *Bump;
typedef struct BumpBlockData *BumpBlock;

struct BumpBlockData
{
    AbListNode  node;
    char       *freeptr;
    char       *endptr;
};

#define BUMP_BLOCKHDRSZ MAXALIGN(sizeof(struct BumpBlockData))

struct BumpData
{
    struct AbContext header;
    uint32_t    initBlockSize;
    uint32_t    maxBlockSize;
    uint32_t    nextBlockSize;
    uint32_t    allocChunkLimit;
    AbList      blocks;         /* head: the block chunks are carved from */
};

_Static_assert(sizeof(struct BumpData) == 112, "Bump must match PostgreSQL 17's BumpContext");
_Static_assert(BUMP_BLOCKHDRSZ == 32, "block header must match PostgreSQL 17's BumpBlock");

#define BUMP_KEEPER(set) ((BumpBlock) ((char *) (set) + MAXALIGN(sizeof(struct BumpData))))

static inline BumpBlock block_of(AbListNode *node)
{
    return AB_LIST_ENTRY(struct BumpBlockData, node, node);
}

static inline size_t block_size(const BumpBlock block)
{
    return (size_t) (block->endptr - (const char *) block);
}

static void block_init(BumpBlock block, size_t blksize)
{
    block->freeptr = (char *) block + BUMP_BLOCKHDRSZ;
    block->endptr = (char *) block + blksize;
}

static AbContext *bump_make(const char *name, size_t minContextSize, size_t initBlockSize,
                            size_t maxBlockSize, const AbBlockSource *source)
{
    size_t headersize = MAXALIGN(sizeof(struct BumpData));
    size_t allocSize;
    Bump set;

    if (ab_check_block_sizes(minContextSize, initBlockSize, maxBlockSize) != AB_OK)
        return NULL;
    allocSize = ab_first_block_size(headersize + BUMP_BLOCKHDRSZ, minContextSize, initBlockSize);
    set = (Bump) ab_context_new(name, AB_CONTEXT_KIND_BUMP, allocSize, sizeof(*set), source);
    if (set == NULL)
        return NULL;
    ab_list_init(&set->blocks);
    block_init(BUMP_KEEPER(set), allocSize - headersize);
    ab_list_push_head(&set->blocks, &BUMP_KEEPER(set)->node);
    set->initBlockSize = (uint32_t) initBlockSize;
    set->maxBlockSize = (uint32_t) maxBlockSize;
    set->nextBlockSize = (uint32_t) initBlockSize;
    set->allocChunkLimit = (uint32_t) maxBlockSize;
    while ((size_t) set->allocChunkLimit > (maxBlockSize - BUMP_BLOCKHDRSZ) / BUMP_CHUNK_FRACTION)
        set->allocChunkLimit >>= 1;

    set->header.d.mem_allocated = allocSize;
    return &set->header;
}

AbContext *ab_bump_create(AbContext *parent, const char *name, size_t minContextSize,
                          size_t initBlockSize, size_t maxBlockSize)
{
    AbContext *context;

    if (ab_create_checks(parent, name, &ab_malloc_source) != AB_OK)
        return NULL;
    context = bump_make(name, minContextSize, initBlockSize, maxBlockSize, &ab_malloc_source);
    ab_link_new_context(context, parent);
    return context;
}

static __attribute__((noinline, cold)) void *alloc_large(Bump set, size_t size, size_t chunk_size, int flags)
{
    size_t blksize = chunk_size + BUMP_BLOCKHDRSZ;
    BumpBlock block;

    if (!ab_alloc_size_is_valid(size, flags))
        return ab_error_invalid_size(size);
    block = ab_source_alloc(&set->header, blksize);
    if (block == NULL)
        return ab_error_out_of_memory(&set->header, size);
    set->header.d.mem_allocated += blksize;
    block_init(block, blksize);
    block->freeptr = block->endptr;
    ab_list_push_tail(&set->blocks, &block->node);
    return (char *) block + BUMP_BLOCKHDRSZ;
}

static __attribute__((noinline, cold)) void *alloc_from_new_block(Bump set, size_t size, size_t chunk_size)
{
    size_t blksize = ab_new_block_size(set->nextBlockSize, chunk_size + BUMP_BLOCKHDRSZ);
    BumpBlock block;

    set->nextBlockSize = (uint32_t) ab_next_block_size(set->nextBlockSize, set->maxBlockSize);
    block = ab_source_alloc(&set->header, blksize);
    if (block == NULL)
        return ab_error_out_of_memory(&set->header, size);
    set->header.d.mem_allocated += blksize;
    block_init(block, blksize);
    ab_list_push_head(&set->blocks, &block->node);
    block->freeptr += chunk_size;
    return (char *) block + BUMP_BLOCKHDRSZ;
}

void *bump_alloc(AbContext *context, size_t size, int flags)
{
    Bump set = (Bump) context;
    size_t chunk_size = MAXALIGN(size);
    BumpBlock block = block_of(set->blocks.head.next);
    void *pointer;

    if (unlikely(chunk_size > set->allocChunkLimit))
        return alloc_large(set, size, chunk_size, flags);
    if (unlikely((size_t) (block->endptr - block->freeptr) < chunk_size))
        return alloc_from_new_block(set, size, chunk_size);
    pointer = block->freeptr;
    block->freeptr += chunk_size;
    return pointer;
}

static void bump_reset(AbContext *context)
{
    Bump set = (Bump) context;
    AbListNode *node, *next;

    AB_LIST_FOREACH_SAFE(node, next, &set->blocks)
    {
        BumpBlock block = block_of(node);

        if (block == BUMP_KEEPER(set))
        {
            block->freeptr = (char *) block + BUMP_BLOCKHDRSZ;
            continue;
        }
        ab_list_delete(node);
        set->header.d.mem_allocated -= block_size(block);
        ab_source_free(context, block, block_size(block));
    }
    set->nextBlockSize = set->initBlockSize;
}

static void bump_destroy(AbContext *context)
{
    size_t allocSize = (size_t) (BUMP_KEEPER(context)->endptr - (char *) context);

    bump_reset(context);
    context->d.magic = 0;
    ab_source_free(context, context, allocSize);
}

/* total = the blocks only (the context struct is not counted, unlike mem_allocated); no chunk counts. */
static void bump_stats(AbContext *context, AbCounters *totals, AbTextOut *line)
{
    Bump set = (Bump) context;
    uint64_t nblocks = 0, totalspace = 0, freespace = 0;

    for (AbListNode *node = ab_list_first(&set->blocks); node != NULL; node = ab_list_next(&set->blocks, node))
    {
        BumpBlock block = block_of(node);

        nblocks++;
        totalspace += block_size(block);
        freespace += (uint64_t) (block->endptr - block->freeptr);
    }
    if (line != NULL)
        ab_text_printf(line, "%llu total in %llu blocks; %llu free; %llu used",
                       (unsigned long long) totalspace, (unsigned long long) nblocks,
                       (unsigned long long) freespace, (unsigned long long) (totalspace - freespace));
    ab_counters_add(totals, &(AbCounters) {.nblocks = nblocks, .totalspace = totalspace, .freespace = freespace,
                                           .usedspace = totalspace - freespace});
}

/* BumpCheck: every block's bounds, the links, and mem_allocated equal to what the blocks add up to. */
static int bump_check(AbContext *context)
{
    Bump set = (Bump) context;
    size_t held = MAXALIGN(sizeof(struct BumpData));

    for (AbListNode *node = ab_list_first(&set->blocks); node != NULL; node = ab_list_next(&set->blocks, node))
    {
        BumpBlock block = block_of(node);

        if (node->next->prev != node || block->freeptr < (char *) block + BUMP_BLOCKHDRSZ
            || block->freeptr > block->endptr)
            return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in Bump %s: bad block %p",
                                 context->d.name, (void *) block);
        held += block_size(block);
    }
    if (held != context->d.mem_allocated)
        return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in Bump %s: blocks add up to %zu bytes, not %zu",
                             context->d.name, held, context->d.mem_allocated);
    return AB_OK;
}

const AbKindMethods ab_bump_methods = {
    .type_name = "Bump",
    .reset = bump_reset,
    .destroy = bump_destroy,
    .owner = NULL,              /* never asked: a Bump pointer is not recognised (context_kinds.h) */
    .chunk_capacity = NULL,
    .chunk_header_size = NULL,
    .stats = bump_stats,
    .check = bump_check,
};

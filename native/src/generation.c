/*
 * generation.c -- the Generation context: PostgreSQL's allocator for chunks
 * that die roughly in the order they were born (logical decoding's tuples,
 * tuplesort's runs), re-implemented from its documented behaviour
 * (docs/postgres-memory.md, "Generation").
 *
 * The idea.  When objects are freed in about the order they were allocated,
 * a freelist buys nothing: by the time a chunk is freed, everything around
 * it is on its way out too.  So a Generation context never reuses a freed
 * chunk.  It carves chunks of exactly MAXALIGN(size) (no power-of-two
 * rounding, so no waste inside a chunk) from the current block with a bump
 * pointer, and each block only counts its chunks and its freed chunks.  When
 * the two counts meet, the block is empty and can go back to malloc whole:
 * memory returns to the system while the context lives, which an AllocSet
 * never does for small chunks.
 *
 * Recycling.  Freeing a block and mallocing the next one at once would be
 * wasted work for a queue that empties and refills, so one empty block is
 * kept aside as the "freeblock" and tried first when the current block is
 * full; the first block (the "keeper", allocated with the context, as in an
 * AllocSet) is never freed, only rewound, and is tried next.  Blocks grow
 * from initBlockSize, doubling to maxBlockSize; a request larger than
 * allocChunkLimit (at most an eighth of a maximum block) gets a dedicated
 * block of its own size.
 *
 * repalloc stays in place when the request fits the chunk; otherwise it is
 * palloc + copy + pfree (the old chunk is not reused, as any freed chunk).
 *
 * Versions.  The default build reproduces PostgreSQL 17 (read from 18's
 * sources, unchanged there), the PostgreSQL 15 build (-DAB_LAYOUT=15) 15:
 * they differ in where an emptied block goes (see switch_block and
 * generation_free) besides the sizes.  PostgreSQL 15's chunk header is three words (block, size, owning
 * context: 24 bytes), 16's one word (chunk_pg16.h's bit layout with kind 4,
 * the capacity as value); 16 moved the context pointer into the block
 * header.  The structs below keep each version's sizes, so the statistics
 * match a real server's byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "aset_internal.h"
#include "block_list.h"
#include "chunk_word.h"
#include "context_kinds.h"

/* A chunk above an eighth of a maximum block gets a block of its own. */
#define GENERATION_CHUNK_FRACTION 8

#if AB_LAYOUT == 15
typedef size_t gen_size_t;      /* PostgreSQL 15 keeps these as Size */
#else
typedef uint32_t gen_size_t;    /* 16 made them uint32 */
#endif

typedef struct GenerationData *Generation;
typedef struct GenerationBlockData *GenerationBlock;

struct GenerationBlockData
{
    AbListNode  node;           /* in the context's list of blocks */
#if AB_LAYOUT == 16
    Generation  context;        /* 16+: a one-word chunk header cannot name it, so the block does */
#endif
    size_t      blksize;        /* bytes from the block source, header included */
    int32_t     nchunks;        /* chunks carved since the block was (re)started */
    int32_t     nfree;          /* of those, how many are freed */
    char       *freeptr;        /* start of the space not carved yet */
    char       *endptr;
};

#define GEN_BLOCKHDRSZ MAXALIGN(sizeof(struct GenerationBlockData))

struct GenerationData
{
    struct AbContext header;
    gen_size_t  initBlockSize;
    gen_size_t  maxBlockSize;
    gen_size_t  nextBlockSize;
    gen_size_t  allocChunkLimit;
    GenerationBlock block;      /* current: chunks are carved from it (NULL after it was freed) */
    GenerationBlock freeblock;  /* the one empty block kept for reuse, or NULL */
#if AB_LAYOUT == 15
    void       *pg15_keeper;    /* 15 keeps a keeper pointer; ours is computed (GEN_KEEPER): size only */
#endif
    AbList      blocks;
};

#if AB_LAYOUT == 15
/* The three words in front of every chunk; context is NULL once the chunk is freed. */
typedef struct GenChunk
{
    GenerationBlock block;
    size_t      size;           /* capacity: MAXALIGN of the request */
    Generation  context;
} GenChunk;

_Static_assert(sizeof(struct GenerationData) == 152, "Generation must match PostgreSQL 15's GenerationContext");
_Static_assert(GEN_BLOCKHDRSZ == 48, "block header must match PostgreSQL 15's GenerationBlock");
_Static_assert(sizeof(GenChunk) == 24, "chunk header must match PostgreSQL 15's GenerationChunk");
#else
typedef struct GenChunk
{
    uint64_t    hdrmask;        /* chunk_pg16.h's word: kind 4, value = capacity, offset to the block */
} GenChunk;

_Static_assert(sizeof(struct GenerationData) == 128, "Generation must match PostgreSQL 16+'s GenerationContext");
_Static_assert(GEN_BLOCKHDRSZ == 56, "block header must match PostgreSQL 16+'s GenerationBlock");
#endif

#define GEN_CHUNKHDRSZ sizeof(GenChunk)
#define GEN_KEEPER(set) ((GenerationBlock) ((char *) (set) + MAXALIGN(sizeof(struct GenerationData))))

/* ---- the chunk header, per layout ---- */

static inline GenChunk *gen_chunk_of(void *pointer)
{
    return (GenChunk *) ((char *) pointer - GEN_CHUNKHDRSZ);
}

static inline void gen_chunk_init(GenChunk *chunk, GenerationBlock block, Generation set, size_t capacity,
                                  bool external)
{
#if AB_LAYOUT == 15
    (void) external;
    chunk->block = block;
    chunk->size = capacity;
    chunk->context = set;
#else
    (void) set;
    chunk->hdrmask = chunk_word((uint64_t) ((char *) chunk - (char *) block), external ? 0 : capacity, external,
                                AB_CONTEXT_KIND_GENERATION);
#endif
}

static inline GenerationBlock gen_chunk_block(const GenChunk *chunk)
{
#if AB_LAYOUT == 15
    return chunk->block;
#else
    return (GenerationBlock) ((char *) chunk - chunk_word_offset(chunk->hdrmask));
#endif
}

static inline Generation gen_chunk_owner(const GenChunk *chunk)
{
#if AB_LAYOUT == 15
    return chunk->context;
#else
    return gen_chunk_block(chunk)->context;
#endif
}

static inline size_t gen_chunk_capacity(const GenChunk *chunk)
{
#if AB_LAYOUT == 15
    return chunk->size;
#else
    if (chunk->hdrmask & CHUNK_EXTERNAL_BIT)
        return (size_t) (gen_chunk_block(chunk)->endptr - ((char *) chunk + GEN_CHUNKHDRSZ));
    return (size_t) chunk_word_value(chunk->hdrmask);
#endif
}

/* ---- blocks ---- */

/* Rewound for reuse: nothing carved, nothing freed. */
static inline void block_mark_empty(GenerationBlock block)
{
    block->nchunks = 0;
    block->nfree = 0;
    block->freeptr = (char *) block + GEN_BLOCKHDRSZ;
}

static void block_init(Generation set, GenerationBlock block, size_t blksize)
{
#if AB_LAYOUT == 16
    block->context = set;
#else
    (void) set;
#endif
    block->blksize = blksize;
    block->endptr = (char *) block + blksize;
    block_mark_empty(block);
}

static inline bool block_is_empty(const GenerationBlock block)
{
    return block->nchunks == 0;
}

static inline size_t block_free_bytes(const GenerationBlock block)
{
    return (size_t) (block->endptr - block->freeptr);
}

static void block_release(Generation set, GenerationBlock block)
{
    ab_list_delete(&block->node);
    set->header.d.mem_allocated -= block->blksize;
    ab_source_free(&set->header, block, block->blksize);
}

static GenerationBlock block_new(Generation set, size_t blksize)
{
    GenerationBlock block = ab_source_alloc(&set->header, blksize);

    if (block == NULL)
        return NULL;
    set->header.d.mem_allocated += blksize;
    block_init(set, block, blksize);
    ab_list_push_head(&set->blocks, &block->node);
    return block;
}

/* ---- create ---- */

static AbContext *generation_make(const char *name, size_t minContextSize, size_t initBlockSize,
                                  size_t maxBlockSize, const AbBlockSource *source)
{
    size_t headersize = MAXALIGN(sizeof(struct GenerationData));
    size_t firstBlockSize;
    Generation set;
    GenerationBlock keeper;

    if (ab_check_block_sizes(minContextSize, initBlockSize, maxBlockSize) != AB_OK)
        return NULL;
    firstBlockSize = ab_first_block_size(headersize + GEN_BLOCKHDRSZ + GEN_CHUNKHDRSZ, minContextSize,
                                         initBlockSize);
    set = (Generation) ab_context_new(name, AB_CONTEXT_KIND_GENERATION, firstBlockSize, sizeof(*set), source);
    if (set == NULL)
        return NULL;
    ab_list_init(&set->blocks);
    keeper = GEN_KEEPER(set);
    block_init(set, keeper, firstBlockSize - headersize);
    ab_list_push_head(&set->blocks, &keeper->node);
    set->block = keeper;
    set->freeblock = NULL;
    set->initBlockSize = (gen_size_t) initBlockSize;
    set->maxBlockSize = (gen_size_t) maxBlockSize;
    set->nextBlockSize = (gen_size_t) initBlockSize;

    /* Halve the limit until a chunk and its header are at most an eighth of a maximum block. */
    set->allocChunkLimit = (gen_size_t) maxBlockSize;
    while ((size_t) set->allocChunkLimit + GEN_CHUNKHDRSZ > (maxBlockSize - GEN_BLOCKHDRSZ) / GENERATION_CHUNK_FRACTION)
        set->allocChunkLimit >>= 1;

    /* The keeper's bytes: the context struct in front of it counts in the statistics' total only. */
    set->header.d.mem_allocated = keeper->blksize;
    return &set->header;
}

AbContext *ab_generation_create(AbContext *parent, const char *name, size_t minContextSize,
                                size_t initBlockSize, size_t maxBlockSize)
{
    AbContext *context;

    if (ab_create_checks(parent, name, &ab_malloc_source) != AB_OK)
        return NULL;
    context = generation_make(name, minContextSize, initBlockSize, maxBlockSize, &ab_malloc_source);
    ab_link_new_context(context, parent);
    return context;
}

/* ---- alloc ---- */

static __attribute__((noinline, cold)) void *alloc_dedicated(Generation set, size_t size, size_t chunk_size,
                                                            int flags)
{
    size_t blksize = chunk_size + GEN_BLOCKHDRSZ + GEN_CHUNKHDRSZ;
    GenerationBlock block;
    GenChunk *chunk;

    if (!ab_alloc_size_is_valid(size, flags))
        return ab_error_invalid_size(size);
    block = block_new(set, blksize);
    if (block == NULL)
        return ab_error_out_of_memory(&set->header, size);
    /* One chunk, and the block is full: it goes when that chunk does. */
    block->nchunks = 1;
    block->freeptr = block->endptr;
    chunk = (GenChunk *) ((char *) block + GEN_BLOCKHDRSZ);
    gen_chunk_init(chunk, block, set, chunk_size, true);
    return (char *) chunk + GEN_CHUNKHDRSZ;
}

/*
 * The current block is full (or gone): the freeblock if it fits, else (15
 * only) the keeper if it is empty and fits, else a new block of the next
 * size (or the power of two that fits the request, if that is larger).
 * PostgreSQL 17 stopped trying the keeper: an emptied keeper waits for the
 * next reset.  15 forgets the freeblock when it makes a new block (in case
 * it filled up); the forgotten block stays in the list, empty, until reset.
 */
static __attribute__((noinline, cold)) GenerationBlock switch_block(Generation set, size_t required)
{
    GenerationBlock block = set->freeblock;

    if (block != NULL && block_is_empty(block) && block_free_bytes(block) >= required)
        set->freeblock = NULL;
#if AB_LAYOUT == 15
    else if (block_is_empty(GEN_KEEPER(set)) && block_free_bytes(GEN_KEEPER(set)) >= required)
        block = GEN_KEEPER(set);
#endif
    else
    {
        size_t blksize = ab_new_block_size(set->nextBlockSize, required + GEN_BLOCKHDRSZ);

        set->nextBlockSize = (gen_size_t) ab_next_block_size(set->nextBlockSize, set->maxBlockSize);
        block = block_new(set, blksize);
        if (block == NULL)
            return NULL;
#if AB_LAYOUT == 15
        set->freeblock = NULL;
#endif
    }
    set->block = block;
    return block;
}

void *generation_alloc(AbContext *context, size_t size, int flags)
{
    Generation set = (Generation) context;
    size_t chunk_size = MAXALIGN(size);
    size_t required = chunk_size + GEN_CHUNKHDRSZ;
    GenerationBlock block = set->block;
    GenChunk *chunk;

    if (unlikely(chunk_size > set->allocChunkLimit))
        return alloc_dedicated(set, size, chunk_size, flags);
    if (unlikely(block == NULL || block_free_bytes(block) < required))
    {
        block = switch_block(set, required);
        if (block == NULL)
            return ab_error_out_of_memory(context, size);
    }
    chunk = (GenChunk *) block->freeptr;
    block->freeptr += required;
    block->nchunks++;
    gen_chunk_init(chunk, block, set, chunk_size, false);
    return (char *) chunk + GEN_CHUNKHDRSZ;
}

/* ---- free, realloc ---- */

int generation_free(void *pointer)
{
    GenChunk *chunk = gen_chunk_of(pointer);
    GenerationBlock block = gen_chunk_block(chunk);
    Generation set = gen_chunk_owner(chunk);

#if AB_LAYOUT == 15
    chunk->context = NULL; /* a freed chunk names no context: a second pfree is refused */
#endif
    block->nfree++;
    if (block->nfree < block->nchunks)
        return AB_OK;

    /*
     * The block is empty: rewind the keeper, keep one spare, free the rest.
     * 15 keeps the current block only if it becomes the spare; 17 always
     * keeps it (rewound), so set->block is never NULL there.
     */
#if AB_LAYOUT == 15
    if (block == GEN_KEEPER(set))
    {
        block_mark_empty(block);
        return AB_OK;
    }
    /*
     * A block larger than maxBlockSize (a dedicated one) is never kept: so a
     * real PostgreSQL 15.20 behaves (measured: verify-pg --context
     * Generation, malloc-large), though the 15.8 and 18.4 sources we read
     * keep any block.
     */
    if ((set->freeblock == NULL || set->freeblock == block) && block->blksize <= set->maxBlockSize)
    {
        set->freeblock = block;
        block_mark_empty(block);
        return AB_OK;
    }
    if (set->block == block)
        set->block = NULL;
#else
    if (block == GEN_KEEPER(set) || block == set->block)
    {
        block_mark_empty(block);
        return AB_OK;
    }
    if (set->freeblock == NULL)
    {
        set->freeblock = block;
        block_mark_empty(block);
        return AB_OK;
    }
#endif
    block_release(set, block);
    return AB_OK;
}

void *generation_realloc(void *pointer, size_t size, int flags)
{
    GenChunk *chunk = gen_chunk_of(pointer);
    size_t oldsize = gen_chunk_capacity(chunk);
    void *moved;

    if (size <= oldsize)
        return pointer;
    moved = generation_alloc(&gen_chunk_owner(chunk)->header, size, flags);
    if (moved == NULL)
        return NULL;
    memcpy(moved, pointer, oldsize);
    generation_free(pointer);
    return moved;
}

/* ---- reset, delete ---- */

static void generation_reset(AbContext *context)
{
    Generation set = (Generation) context;
    GenerationBlock keeper = GEN_KEEPER(set);
    AbListNode *node, *next;

    AB_LIST_FOREACH_SAFE(node, next, &set->blocks)
    {
        GenerationBlock block = AB_LIST_ENTRY(struct GenerationBlockData, node, node);

        if (block == keeper)
            block_mark_empty(block);
        else
            block_release(set, block);
    }
    set->block = keeper;
    set->freeblock = NULL;
    set->nextBlockSize = set->initBlockSize;
}

static void generation_destroy(AbContext *context)
{
    Generation set = (Generation) context;
    size_t firstBlockSize = (size_t) (GEN_KEEPER(set)->endptr - (char *) set);

    generation_reset(context);
    set->header.d.magic = 0;
    ab_source_free(context, set, firstBlockSize);
}

/* ---- queries ---- */

static AbContext *generation_owner(void *pointer)
{
    return &gen_chunk_owner(gen_chunk_of(pointer))->header;
}

static size_t generation_chunk_capacity(void *pointer)
{
    return gen_chunk_capacity(gen_chunk_of(pointer));
}

static size_t generation_chunk_header_size(void)
{
    return GEN_CHUNKHDRSZ;
}

/*
 * total = the context struct + every block's size; free = the uncarved tail
 * of each block (a freed chunk is counted, not free: its bytes are not
 * reusable until its whole block is).
 */
static void generation_stats(AbContext *context, AbCounters *totals, AbTextOut *line)
{
    Generation set = (Generation) context;
    uint64_t nblocks = 0, nchunks = 0, nfreechunks = 0, freespace = 0;
    uint64_t totalspace = MAXALIGN(sizeof(struct GenerationData));
    AbListNode *node;

    for (node = ab_list_first(&set->blocks); node != NULL; node = ab_list_next(&set->blocks, node))
    {
        GenerationBlock block = AB_LIST_ENTRY(struct GenerationBlockData, node, node);

        nblocks++;
        nchunks += (uint64_t) block->nchunks;
        nfreechunks += (uint64_t) block->nfree;
        totalspace += block->blksize;
        freespace += block_free_bytes(block);
    }
    if (line != NULL)
        ab_text_printf(line, "%llu total in %llu blocks (%llu chunks); %llu free (%llu chunks); %llu used",
                       (unsigned long long) totalspace, (unsigned long long) nblocks,
                       (unsigned long long) nchunks, (unsigned long long) freespace,
                       (unsigned long long) nfreechunks, (unsigned long long) (totalspace - freespace));
    ab_counters_add(totals, &(AbCounters) {.nblocks = nblocks, .freechunks = nfreechunks, .totalspace = totalspace,
                                           .freespace = freespace, .usedspace = totalspace - freespace});
}

static int gen_problem(Generation set, const char *what, const void *block)
{
    return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in Generation %s: %s in block %p",
                         set->header.d.name, what, block);
}

/* GenerationCheck's structural part: counts, bounds, and the keeper, current and free blocks in the list. */
static int generation_check(AbContext *context)
{
    Generation set = (Generation) context;
    bool seen_keeper = false, seen_current = set->block == NULL, seen_free = set->freeblock == NULL;
    AbListNode *node;

    for (node = ab_list_first(&set->blocks); node != NULL; node = ab_list_next(&set->blocks, node))
    {
        GenerationBlock block = AB_LIST_ENTRY(struct GenerationBlockData, node, node);

        if (node->next->prev != node)
            return gen_problem(set, "bad link", block);
        if (block->nfree < 0 || block->nfree > block->nchunks)
            return gen_problem(set, "more chunks freed than allocated", block);
        if (block->endptr != (char *) block + block->blksize
            || block->freeptr < (char *) block + GEN_BLOCKHDRSZ || block->freeptr > block->endptr)
            return gen_problem(set, "bad block bounds", block);
        if (block->nchunks == 0 && block->freeptr != (char *) block + GEN_BLOCKHDRSZ)
            return gen_problem(set, "empty block not rewound", block);
        seen_keeper |= block == GEN_KEEPER(set);
        seen_current |= block == set->block;
        seen_free |= block == set->freeblock;
    }
    if (!seen_keeper || !seen_current || !seen_free)
        return gen_problem(set, "keeper, current or free block missing from the list", set->block);
    return AB_OK;
}

const AbKindMethods ab_generation_methods = {
    .type_name = "Generation",
    .reset = generation_reset,
    .destroy = generation_destroy,
    .owner = generation_owner,
    .chunk_capacity = generation_chunk_capacity,
    .chunk_header_size = generation_chunk_header_size,
    .stats = generation_stats,
    .check = generation_check,
};

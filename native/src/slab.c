/*
 * slab.c -- the Slab context: PostgreSQL's allocator for many objects of one
 * fixed size (logical decoding's change records, for one), re-implemented
 * from its documented behaviour (docs/postgres-memory.md, "Slab").
 *
 * The idea.  When every chunk has the same size, a block is an array of
 * equal slots: a freed slot can be reused by any later request, there is no
 * size class to pick and no rounding waste, and a block whose slots are all
 * free can go back to malloc.  What is left to decide is which block the
 * next chunk comes from, and Slab's answer is the fullest one that still has
 * room: allocations concentrate on a few blocks, so the emptiest blocks get
 * a chance to drain completely and be released.  That is the whole point of
 * the context, and the two versions do it differently:
 *
 *   PostgreSQL 15 keeps one list of blocks per free-chunk count (0 ..
 *   chunksPerBlock) and the lowest non-zero count in minFreeChunks; a block
 *   is freed the moment its last chunk is; free slots are chained by index
 *   (an int32 in the free slot), built eagerly when a block is made.
 *
 *   PostgreSQL 16 (and 17, the default build) keeps only three lists: full
 *   blocks, and two buckets of free-chunk counts (ceil(nfree / 2^shift),
 *   the shift chosen so chunksPerBlock lands in bucket 2), and
 *   curBlocklistIndex, the fullest non-empty bucket.  Moving a block between
 *   lists then happens only when it crosses a bucket boundary.  Up to ten
 *   empty blocks are kept for reuse instead of freed, so a context that
 *   breathes does not thrash malloc.  Free slots are a linked list through
 *   the slots (the "freehead"); slots never used yet are handed out in order
 *   from "unused", so a new block costs no initialisation.
 *
 * Sizes.  Every chunk costs its header plus MAXALIGN(chunkSize): 16 + ... in
 * PostgreSQL 15 (block and context pointers), 8 + ... in 16+ (chunk_pg16.h's
 * word, kind 5).  The context struct is a malloc of its own, counted in the
 * statistics' total but not in mem_allocated (15's includes its per-count
 * list array, 16 bytes per count).
 */
#include <stdlib.h>
#include <string.h>

#include "aset_internal.h"
#include "block_list.h"
#include "chunk_word.h"
#include "context_kinds.h"

typedef struct SlabData *Slab;
typedef struct SlabBlockData *SlabBlock;

#if AB_LAYOUT == 15

struct SlabBlockData
{
    AbListNode  node;           /* in freelist[nfree] */
    int32_t     nfree;
    int32_t     firstFreeChunk; /* index of the first free slot; each free slot holds the next index */
};

struct SlabData
{
    struct AbContext header;
    size_t      chunkSize;
    size_t      fullChunkSize;
    size_t      blockSize;
    size_t      headerSize;     /* this struct with its list array: what the statistics count */
    int32_t     chunksPerBlock;
    int32_t     minFreeChunks;  /* the lowest non-zero free count of a block; 0: no block has room */
    int32_t     nblocks;
    AbList      freelist[];     /* [chunksPerBlock + 1]: blocks by their number of free chunks */
};

typedef struct SlabChunk
{
    SlabBlock   block;
    Slab        slab;           /* last, as every PostgreSQL 15 chunk header: how pfree finds the context */
} SlabChunk;

_Static_assert(offsetof(struct SlabData, freelist) == 128, "Slab must match PostgreSQL 15's SlabContext");
_Static_assert(sizeof(struct SlabBlockData) == 24, "block header must match PostgreSQL 15's SlabBlock");
_Static_assert(sizeof(SlabChunk) == 16, "chunk header must match PostgreSQL 15's SlabChunk");

#define SLAB_MIN_CHUNK_SIZE sizeof(int32_t)

#else

#define SLAB_BLOCKLIST_COUNT 3
#define SLAB_MAXIMUM_EMPTY_BLOCKS 10

struct SlabBlockData
{
    Slab        slab;
    int32_t     nfree;
    int32_t     nunused;        /* slots never handed out yet, from unused on */
    void       *freehead;       /* first freed slot; each holds a pointer to the next */
    char       *unused;
    AbListNode  node;
};

struct SlabData
{
    struct AbContext header;
    uint32_t    chunkSize;
    uint32_t    fullChunkSize;
    uint32_t    blockSize;
    int32_t     chunksPerBlock;
    int32_t     curBlocklistIndex;  /* the fullest bucket that has a block with room; 0: none */
    int32_t     blocklist_shift;
    AbList      emptyblocks;        /* up to SLAB_MAXIMUM_EMPTY_BLOCKS kept for reuse */
    uint32_t    nemptyblocks;
    AbList      blocklist[SLAB_BLOCKLIST_COUNT];
};

typedef struct SlabChunk
{
    uint64_t    hdrmask;        /* chunk_pg16.h's word: kind 5, value = MAXALIGN(chunkSize) */
} SlabChunk;

_Static_assert(sizeof(struct SlabData) == 176, "Slab must match PostgreSQL 17's SlabContext");
_Static_assert(sizeof(struct SlabBlockData) == 48, "block header must match PostgreSQL 16+'s SlabBlock");

#define SLAB_MIN_CHUNK_SIZE sizeof(void *)

#endif

#define SLAB_BLOCKHDRSZ MAXALIGN(sizeof(struct SlabBlockData))
#define SLAB_CHUNKHDRSZ sizeof(SlabChunk)

static inline SlabBlock block_of(AbListNode *node)
{
    return AB_LIST_ENTRY(struct SlabBlockData, node, node);
}

static inline SlabChunk *slot_chunk(const Slab slab, SlabBlock block, int index)
{
    return (SlabChunk *) ((char *) block + SLAB_BLOCKHDRSZ + (size_t) index * slab->fullChunkSize);
}

static inline void *chunk_pointer(SlabChunk *chunk)
{
    return (char *) chunk + SLAB_CHUNKHDRSZ;
}

static inline SlabChunk *chunk_of(void *pointer)
{
    return (SlabChunk *) ((char *) pointer - SLAB_CHUNKHDRSZ);
}

static inline SlabBlock chunk_block(const SlabChunk *chunk)
{
#if AB_LAYOUT == 15
    return chunk->block;
#else
    return (SlabBlock) ((char *) chunk - chunk_word_offset(chunk->hdrmask));
#endif
}

static inline Slab chunk_owner(const SlabChunk *chunk)
{
#if AB_LAYOUT == 15
    return chunk->slab;
#else
    return chunk_block(chunk)->slab;
#endif
}

static void chunk_init(Slab slab, SlabBlock block, SlabChunk *chunk)
{
#if AB_LAYOUT == 15
    chunk->block = block;
    chunk->slab = slab;
#else
    chunk->hdrmask = chunk_word((uint64_t) ((char *) chunk - (char *) block), MAXALIGN(slab->chunkSize), false,
                                AB_CONTEXT_KIND_SLAB);
#endif
}

static __attribute__((cold)) void *wrong_size(Slab slab, size_t size)
{
    return ab_error_null(AB_ERR_INVALID_ARGUMENT, "unexpected alloc chunk size %zu (expected %zu)", size,
                         (size_t) slab->chunkSize);
}

/* ---- create ---- */

static AbContext *slab_make(const char *name, size_t blockSize, size_t chunkSize, const AbBlockSource *source)
{
    size_t fullChunkSize;
    size_t chunksPerBlock;
    size_t headerSize;
    Slab slab;

    if (chunkSize == 0 || chunkSize > AB_MAX_ALLOC_SIZE)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "invalid chunkSize %zu for slab: must be 1 .. %zu", chunkSize,
                             (size_t) AB_MAX_ALLOC_SIZE);
    if (blockSize > AB_MAX_BLOCK_SIZE)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "invalid blockSize %zu for slab: must be below 1 GiB",
                             blockSize);
    /* A free slot holds the free list's link. */
    if (chunkSize < SLAB_MIN_CHUNK_SIZE)
        chunkSize = SLAB_MIN_CHUNK_SIZE;
    fullChunkSize = SLAB_CHUNKHDRSZ + MAXALIGN(chunkSize);
    chunksPerBlock = blockSize >= SLAB_BLOCKHDRSZ ? (blockSize - SLAB_BLOCKHDRSZ) / fullChunkSize : 0;
    if (chunksPerBlock == 0)
#if AB_LAYOUT == 15
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "block size %zu for slab is too small for %zu chunks",
                             blockSize, chunkSize);
    headerSize = offsetof(struct SlabData, freelist) + sizeof(AbList) * (chunksPerBlock + 1);
#else
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "block size %zu for slab is too small for %zu-byte chunks",
                             blockSize, chunkSize);
    headerSize = sizeof(struct SlabData);
#endif

    slab = (Slab) ab_context_new(name, AB_CONTEXT_KIND_SLAB, headerSize, headerSize, source);
    if (slab == NULL)
        return NULL;
    slab->chunkSize = chunkSize;
    slab->fullChunkSize = fullChunkSize;
    slab->blockSize = blockSize;
    slab->chunksPerBlock = (int32_t) chunksPerBlock;
#if AB_LAYOUT == 15
    slab->headerSize = headerSize;
    for (size_t i = 0; i <= chunksPerBlock; i++)
        ab_list_init(&slab->freelist[i]);
#else
    /* The smallest shift that puts a block with every slot free into the last bucket. */
    while ((chunksPerBlock >> slab->blocklist_shift) >= SLAB_BLOCKLIST_COUNT - 1)
        slab->blocklist_shift++;
    ab_list_init(&slab->emptyblocks);
    for (int i = 0; i < SLAB_BLOCKLIST_COUNT; i++)
        ab_list_init(&slab->blocklist[i]);
#endif
    /* mem_allocated stays 0: it counts blocks only, the header is not counted */
    return &slab->header;
}

AbContext *ab_slab_create(AbContext *parent, const char *name, size_t blockSize, size_t chunkSize)
{
    AbContext *context;

    if (ab_create_checks(parent, name, &ab_malloc_source) != AB_OK)
        return NULL;
    context = slab_make(name, blockSize, chunkSize, &ab_malloc_source);
    ab_link_new_context(context, parent);
    return context;
}

static size_t slab_header_size(const Slab slab)
{
#if AB_LAYOUT == 15
    return slab->headerSize;
#else
    (void) slab;
    return sizeof(struct SlabData);
#endif
}

static void block_release(Slab slab, SlabBlock block)
{
    slab->header.d.mem_allocated -= slab->blockSize;
    ab_source_free(&slab->header, block, slab->blockSize);
}

#if AB_LAYOUT == 15

/* ---- PostgreSQL 15: lists by free count ---- */

static inline int32_t *slot_link(void *pointer)
{
    return (int32_t *) pointer;
}

void *slab_alloc(AbContext *context, size_t size, int flags)
{
    Slab slab = (Slab) context;
    SlabBlock block;
    SlabChunk *chunk;
    int32_t index;

    (void) flags;
    if (unlikely(size != slab->chunkSize))
        return wrong_size(slab, size);

    /* No block has room: a new one, every slot chained to the next. */
    if (slab->minFreeChunks == 0)
    {
        block = ab_source_alloc(context, slab->blockSize);
        if (block == NULL)
            return ab_error_out_of_memory(context, size);
        block->nfree = slab->chunksPerBlock;
        block->firstFreeChunk = 0;
        for (int i = 0; i < slab->chunksPerBlock; i++)
            *slot_link(chunk_pointer(slot_chunk(slab, block, i))) = i + 1;
        ab_list_push_head(&slab->freelist[slab->chunksPerBlock], &block->node);
        slab->minFreeChunks = slab->chunksPerBlock;
        slab->nblocks++;
        context->d.mem_allocated += slab->blockSize;
    }

    /* The fullest block with room, at the head of its list. */
    block = block_of(slab->freelist[slab->minFreeChunks].head.next);
    index = block->firstFreeChunk;
    chunk = slot_chunk(slab, block, index);
    block->nfree--;
    slab->minFreeChunks = block->nfree;
    block->firstFreeChunk = *slot_link(chunk_pointer(chunk));
    ab_list_delete(&block->node);
    ab_list_push_head(&slab->freelist[block->nfree], &block->node);

    /* The block filled up: the next fullest block with room, if any. */
    if (slab->minFreeChunks == 0)
    {
        for (int i = 1; i <= slab->chunksPerBlock; i++)
        {
            if (!ab_list_is_empty(&slab->freelist[i]))
            {
                slab->minFreeChunks = i;
                break;
            }
        }
    }
    if (slab->minFreeChunks == slab->chunksPerBlock)
        slab->minFreeChunks = 0;

    chunk_init(slab, block, chunk);
    return chunk_pointer(chunk);
}

int slab_free(void *pointer)
{
    SlabChunk *chunk = chunk_of(pointer);
    SlabBlock block = chunk_block(chunk);
    Slab slab = chunk_owner(chunk);
    int32_t index = (int32_t) (((char *) chunk - ((char *) block + SLAB_BLOCKHDRSZ)) / slab->fullChunkSize);

    *slot_link(pointer) = block->firstFreeChunk;
    block->firstFreeChunk = index;
    block->nfree++;
    ab_list_delete(&block->node);

    /*
     * The block was the fullest with room: if it was the last of its count,
     * the minimum moves up with it (or to "none" if it is about to be freed).
     * A block that was full (count 0) leaves minFreeChunks at 0 while other
     * full blocks remain, as in PostgreSQL 15: the next palloc then makes a
     * new block although this one has room.
     */
    if (slab->minFreeChunks == block->nfree - 1 && ab_list_is_empty(&slab->freelist[slab->minFreeChunks]))
        slab->minFreeChunks = block->nfree == slab->chunksPerBlock ? 0 : slab->minFreeChunks + 1;

    if (block->nfree == slab->chunksPerBlock)
    {
        slab->nblocks--;
        block_release(slab, block);
    }
    else
        ab_list_push_head(&slab->freelist[block->nfree], &block->node);
    return AB_OK;
}

static void slab_reset(AbContext *context)
{
    Slab slab = (Slab) context;

    for (int i = 0; i <= slab->chunksPerBlock; i++)
    {
        AbListNode *node, *next;

        AB_LIST_FOREACH_SAFE(node, next, &slab->freelist[i])
        {
            ab_list_delete(node);
            block_release(slab, block_of(node));
        }
    }
    slab->minFreeChunks = 0;
    slab->nblocks = 0;
}

static void slab_stats(AbContext *context, AbCounters *totals, AbTextOut *line)
{
    Slab slab = (Slab) context;
    uint64_t nblocks = 0, freechunks = 0, freespace = 0, totalspace;
    AbCounters own;

    for (int i = 0; i <= slab->chunksPerBlock; i++)
    {
        for (AbListNode *node = ab_list_first(&slab->freelist[i]); node != NULL;
             node = ab_list_next(&slab->freelist[i], node))
        {
            nblocks++;
            freechunks += (uint64_t) block_of(node)->nfree;
            freespace += (uint64_t) block_of(node)->nfree * slab->fullChunkSize;
        }
    }
    totalspace = slab->headerSize + nblocks * slab->blockSize;
    own = (AbCounters) {.nblocks = nblocks, .freechunks = freechunks, .totalspace = totalspace,
                        .freespace = freespace, .usedspace = totalspace - freespace};
    if (line != NULL)
        ab_stats_line_counters(line, &own);
    ab_counters_add(totals, &own);
}

/* Every block is on the list of its free count, and the counts add up to nblocks. */
static int slab_check(AbContext *context)
{
    Slab slab = (Slab) context;
    int32_t nblocks = 0;

    for (int i = 0; i <= slab->chunksPerBlock; i++)
    {
        for (AbListNode *node = ab_list_first(&slab->freelist[i]); node != NULL;
             node = ab_list_next(&slab->freelist[i], node))
        {
            if (block_of(node)->nfree != i || node->next->prev != node)
                return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in slab %s: block %p on the wrong list",
                                     context->d.name, (void *) block_of(node));
            nblocks++;
        }
    }
    if (nblocks != slab->nblocks)
        return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in slab %s: %d blocks listed, %d counted",
                             context->d.name, nblocks, slab->nblocks);
    return AB_OK;
}

#else

/* ---- PostgreSQL 16+: three buckets, ten empty blocks kept ---- */

/* 0 for a full block, else ceil(nfree / 2^shift): 1 or 2; the lower, the fuller. */
static inline int blocklist_index(const Slab slab, int32_t nfree)
{
    return (int) ((nfree + (1 << slab->blocklist_shift) - 1) >> slab->blocklist_shift);
}

/* The fullest bucket with a block in it (1 or 2), or 0 if every block is full. */
static int next_blocklist_index(const Slab slab)
{
    for (int i = 1; i < SLAB_BLOCKLIST_COUNT; i++)
    {
        if (!ab_list_is_empty(&slab->blocklist[i]))
            return i;
    }
    return 0;
}

/* The next slot of a block with room: a freed one (LIFO) first, else the next never-used one. */
static SlabChunk *take_slot(Slab slab, SlabBlock block)
{
    SlabChunk *chunk;

    if (block->freehead != NULL)
    {
        chunk = chunk_of(block->freehead);
        block->freehead = *(void **) block->freehead;
    }
    else
    {
        chunk = (SlabChunk *) block->unused;
        block->unused += slab->fullChunkSize;
        block->nunused--;
    }
    block->nfree--;
    return chunk;
}

void *slab_alloc(AbContext *context, size_t size, int flags)
{
    Slab slab = (Slab) context;
    SlabBlock block;
    SlabChunk *chunk;

    (void) flags;
    if (unlikely(size != slab->chunkSize))
        return wrong_size(slab, size);

    if (unlikely(slab->curBlocklistIndex == 0))
    {
        int index;

        /* No block has room: a kept empty block, else a new one. */
        if (slab->nemptyblocks > 0)
        {
            AbListNode *node = slab->emptyblocks.head.next;

            ab_list_delete(node);
            slab->nemptyblocks--;
            block = block_of(node);
            chunk = take_slot(slab, block);
        }
        else
        {
            block = ab_source_alloc(context, slab->blockSize);
            if (block == NULL)
                return ab_error_out_of_memory(context, size);
            context->d.mem_allocated += slab->blockSize;
            block->slab = slab;
            chunk = slot_chunk(slab, block, 0);
            block->nfree = slab->chunksPerBlock - 1;
            block->nunused = slab->chunksPerBlock - 1;
            block->unused = (char *) slot_chunk(slab, block, 1);
            block->freehead = NULL;
        }
        index = blocklist_index(slab, block->nfree);
        ab_list_push_head(&slab->blocklist[index], &block->node);
        slab->curBlocklistIndex = index;
    }
    else
    {
        AbList *list = &slab->blocklist[slab->curBlocklistIndex];
        int index;

        block = block_of(list->head.next);
        chunk = take_slot(slab, block);
        index = blocklist_index(slab, block->nfree);
        if (index != slab->curBlocklistIndex)
        {
            ab_list_delete(&block->node);
            ab_list_push_head(&slab->blocklist[index], &block->node);
            if (ab_list_is_empty(list))
                slab->curBlocklistIndex = next_blocklist_index(slab);
        }
    }
    chunk_init(slab, block, chunk);
    return chunk_pointer(chunk);
}

int slab_free(void *pointer)
{
    SlabChunk *chunk = chunk_of(pointer);
    SlabBlock block = chunk_block(chunk);
    Slab slab = block->slab;
    int old_index, new_index;

    *(void **) pointer = block->freehead;
    block->freehead = pointer;
    block->nfree++;

    old_index = blocklist_index(slab, block->nfree - 1);
    new_index = blocklist_index(slab, block->nfree);
    if (old_index != new_index)
    {
        ab_list_delete(&block->node);
        ab_list_push_head(&slab->blocklist[new_index], &block->node);
        if (slab->curBlocklistIndex >= old_index)
            slab->curBlocklistIndex = next_blocklist_index(slab);
    }

    /* Empty: kept for reuse while fewer than ten are, else freed. */
    if (unlikely(block->nfree == slab->chunksPerBlock))
    {
        ab_list_delete(&block->node);
        if (slab->nemptyblocks < SLAB_MAXIMUM_EMPTY_BLOCKS)
        {
            ab_list_push_head(&slab->emptyblocks, &block->node);
            slab->nemptyblocks++;
        }
        else
            block_release(slab, block);
        if (slab->curBlocklistIndex == new_index && ab_list_is_empty(&slab->blocklist[new_index]))
            slab->curBlocklistIndex = next_blocklist_index(slab);
    }
    return AB_OK;
}

static void release_list(Slab slab, AbList *list)
{
    AbListNode *node, *next;

    AB_LIST_FOREACH_SAFE(node, next, list)
    {
        ab_list_delete(node);
        block_release(slab, block_of(node));
    }
}

static void slab_reset(AbContext *context)
{
    Slab slab = (Slab) context;

    release_list(slab, &slab->emptyblocks);
    slab->nemptyblocks = 0;
    for (int i = 0; i < SLAB_BLOCKLIST_COUNT; i++)
        release_list(slab, &slab->blocklist[i]);
    slab->curBlocklistIndex = 0;
}

/*
 * total = the header + every block, kept empty ones included; but the
 * block count and the free figures cover the listed blocks only, so a kept
 * empty block shows as used bytes (as in PostgreSQL 16+).
 */
static void slab_stats(AbContext *context, AbCounters *totals, AbTextOut *line)
{
    Slab slab = (Slab) context;
    uint64_t nblocks = 0, freechunks = 0, freespace = 0, totalspace;

    for (int i = 0; i < SLAB_BLOCKLIST_COUNT; i++)
    {
        for (AbListNode *node = ab_list_first(&slab->blocklist[i]); node != NULL;
             node = ab_list_next(&slab->blocklist[i], node))
        {
            nblocks++;
            freechunks += (uint64_t) block_of(node)->nfree;
            freespace += (uint64_t) block_of(node)->nfree * slab->fullChunkSize;
        }
    }
    totalspace = sizeof(struct SlabData) + ((uint64_t) slab->nemptyblocks + nblocks) * slab->blockSize;
    if (line != NULL)
        ab_text_printf(line, "%llu total in %llu blocks; %u empty blocks; %llu free (%llu chunks); %llu used",
                       (unsigned long long) totalspace, (unsigned long long) nblocks, slab->nemptyblocks,
                       (unsigned long long) freespace, (unsigned long long) freechunks,
                       (unsigned long long) (totalspace - freespace));
    ab_counters_add(totals, &(AbCounters) {.nblocks = nblocks, .freechunks = freechunks, .totalspace = totalspace,
                                           .freespace = freespace, .usedspace = totalspace - freespace});
}

/* Every listed block is in its bucket, its free slots add up to nfree, and curBlocklistIndex is right. */
static int slab_check(AbContext *context)
{
    Slab slab = (Slab) context;

    for (int i = 0; i < SLAB_BLOCKLIST_COUNT; i++)
    {
        for (AbListNode *node = ab_list_first(&slab->blocklist[i]); node != NULL;
             node = ab_list_next(&slab->blocklist[i], node))
        {
            SlabBlock block = block_of(node);
            int32_t nfree = block->nunused;

            for (void *p = block->freehead; p != NULL && nfree <= slab->chunksPerBlock; p = *(void **) p)
                nfree++;
            if (blocklist_index(slab, block->nfree) != i || nfree != block->nfree || block->slab != slab)
                return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in slab %s: block %p is inconsistent",
                                     context->d.name, (void *) block);
        }
    }
    if (slab->curBlocklistIndex != next_blocklist_index(slab))
        return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "problem in slab %s: curBlocklistIndex %d, expected %d",
                             context->d.name, slab->curBlocklistIndex, next_blocklist_index(slab));
    return AB_OK;
}

#endif

void *slab_realloc(void *pointer, size_t size, int flags)
{
    (void) flags;
    if (size == chunk_owner(chunk_of(pointer))->chunkSize)
        return pointer;
    return ab_error_null(AB_ERR_INVALID_ARGUMENT, "slab allocator does not support realloc()");
}

static void slab_destroy(AbContext *context)
{
    slab_reset(context);
    context->d.magic = 0;
    ab_source_free(context, context, slab_header_size((Slab) context));
}

static AbContext *slab_owner(void *pointer)
{
    return &chunk_owner(chunk_of(pointer))->header;
}

static size_t slab_chunk_capacity(void *pointer)
{
    return MAXALIGN(chunk_owner(chunk_of(pointer))->chunkSize);
}

static size_t slab_chunk_header_size(void)
{
    return SLAB_CHUNKHDRSZ;
}

const AbKindMethods ab_slab_methods = {
    .type_name = "Slab",
    .reset = slab_reset,
    .destroy = slab_destroy,
    .owner = slab_owner,
    .chunk_capacity = slab_chunk_capacity,
    .chunk_header_size = slab_chunk_header_size,
    .stats = slab_stats,
    .check = slab_check,
};

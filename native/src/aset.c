/*
 * aset.c -- the AllocSet allocator: PostgreSQL's general-purpose memory
 * context, re-implemented from its documented behaviour.
 *
 * The idea.  Backends allocate many small objects whose lifetime is a
 * query, a tuple, a transaction: freeing them one by one is wasted work.  So
 * an AllocSet takes memory from malloc in blocks, carves chunks out of the
 * head block with a bump pointer, and releases everything at once on reset
 * or delete.  pfree is still supported, cheaply: a freed chunk goes onto one
 * of 11 freelists by power-of-two size class (8 .. 8192 bytes) and is reused
 * LIFO by the next request of that class.  Memory of small chunks is never
 * returned to malloc before reset; rounding every request up to a power of
 * two wastes up to half of it, which is the price of O(1) reuse without
 * fragmentation bookkeeping.
 *
 * Large requests.  A request above allocChunkLimit gets a dedicated
 * ("external") block of its own, linked second in the block list so the head
 * block stays the one we carve from.  pfree returns such a block to malloc at
 * once, and repalloc reallocs the block, so large objects do not pin memory
 * and do not pollute the freelists.  allocChunkLimit is 8192 but is halved
 * until a chunk is at most a quarter of a maximum-sized block, so that the
 * tail of a block wasted at a block switch stays small.
 *
 * Block growth.  Blocks double from initBlockSize up to maxBlockSize, so a
 * context that stays small stays cheap and one that grows needs few
 * mallocs.  When the head block cannot fit a request, its leftover space is
 * cut into freelist chunks (largest power of two first) before a new head is
 * pushed, because nothing is ever carved from a non-head block again.
 *
 * The keeper block.  The set struct lives at the start of its first block,
 * which is kept (only rewound) by reset: a context that is reset per tuple
 * costs no malloc at all in steady state.
 *
 * Errors never longjmp (see allocbench.h): failures return NULL and fill the
 * thread's error slot with PostgreSQL's messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset_internal.h"
#include "chunk_layout.h"
#include "context_kinds.h"

static inline void *source_alloc(AllocSet set, size_t size)
{
    return ab_source_alloc(&set->header, size);
}

static inline void source_free(AllocSet set, void *block, size_t size)
{
    ab_source_free(&set->header, block, size);
}

static void *source_realloc(AllocSet set, void *block, size_t old_size, size_t new_size)
{
    const AbBlockSource *src = set->header.d.source;
    void *moved;

    if (src->realloc != NULL)
        return src->realloc(src->state, block, old_size, new_size);
    moved = src->alloc(src->state, new_size);
    if (moved != NULL)
    {
        memcpy(moved, block, old_size < new_size ? old_size : new_size);
        src->free(src->state, block, old_size);
    }
    return moved;
}

/*
 * The slow paths are kept out of line (as PostgreSQL does): inlined, their
 * stack frames and saved registers would be paid by every fast-path palloc.
 */
#define SLOW_PATH __attribute__((noinline, cold))

AbContext *aset_create(const char *name, size_t minContextSize, size_t initBlockSize,
                       size_t maxBlockSize, const AbBlockSource *source)
{
    size_t firstBlockSize;
    AllocSet set;
    AllocBlock block;

    if (ab_check_block_sizes(minContextSize, initBlockSize, maxBlockSize) != AB_OK)
        return NULL;
    /* The keeper block must hold the set, a block header and at least one chunk header. */
    firstBlockSize = ab_first_block_size(MAXALIGN(sizeof(AllocSetData)) + ALLOC_BLOCKHDRSZ + ALLOC_CHUNKHDRSZ,
                                         minContextSize, initBlockSize);
    set = (AllocSet) ab_context_new(name, AB_CONTEXT_KIND_ASET, firstBlockSize, sizeof(AllocSetData), source);
    if (set == NULL)
        return NULL;
    block = KEEPER_BLOCK(set);
    block->aset = set;
    block->freeptr = (char *) block + ALLOC_BLOCKHDRSZ;
    block->endptr = (char *) set + firstBlockSize;
    block->prev = NULL;
    block->next = NULL;

    set->blocks = block;
    set->initBlockSize = (uint32_t) initBlockSize;
    set->maxBlockSize = (uint32_t) maxBlockSize;
    set->nextBlockSize = (uint32_t) initBlockSize;
    set->keeperOffset = (uint32_t) MAXALIGN(sizeof(AllocSetData));

    /* Halve the chunk limit until a chunk is at most a quarter of a max-sized block. */
    set->allocChunkLimit = ALLOC_CHUNK_LIMIT;
    while ((size_t) set->allocChunkLimit + ALLOC_CHUNKHDRSZ
           > (maxBlockSize - ALLOC_BLOCKHDRSZ) / ALLOC_CHUNK_FRACTION)
        set->allocChunkLimit >>= 1;

    set->header.d.mem_allocated = firstBlockSize;
    return &set->header;
}

/* A request above allocChunkLimit: a dedicated block, linked second. */
static SLOW_PATH void *alloc_large(AllocSet set, size_t size, int flags)
{
    size_t chunk_size;
    size_t blksize;
    AllocBlock block;
    AbChunk *chunk;

    if (unlikely(!ab_alloc_size_is_valid(size, flags)))
        return ab_error_invalid_size(size);

    chunk_size = MAXALIGN(size);
    blksize = chunk_size + ALLOC_BLOCKHDRSZ + ALLOC_CHUNKHDRSZ;
    block = source_alloc(set, blksize);
    if (block == NULL)
        return ab_error_out_of_memory(&set->header, size);

    set->header.d.mem_allocated += blksize;
    block->aset = set;
    block->freeptr = block->endptr = (char *) block + blksize;

    chunk = (AbChunk *) ((char *) block + ALLOC_BLOCKHDRSZ);
    chunk_set_external(chunk, block, chunk_size);

    /* Second in the list: the head block stays the one chunks are carved from. */
    block->prev = set->blocks;
    block->next = set->blocks->next;
    if (block->next != NULL)
        block->next->prev = block;
    set->blocks->next = block;

    return chunk_pointer(chunk);
}

static inline void *carve_chunk(AllocBlock block, size_t chk_size, int fidx)
{
    AbChunk *chunk = (AbChunk *) block->freeptr;

    block->freeptr += chk_size + ALLOC_CHUNKHDRSZ;
    chunk_set_small(chunk, block, fidx);
    return chunk_pointer(chunk);
}

static inline void push_free_chunk(AllocSet set, AbChunk *chunk, int fidx)
{
    chunk_set_next_free(chunk, (AbChunk *) set->freelist[fidx]);
    set->freelist[fidx] = chunk;
}

/*
 * The head block is full for this request: cut its leftover into freelist
 * chunks (it will never be carved again), then push a new head block.
 */
static SLOW_PATH void *alloc_from_new_block(AllocSet set, size_t size, int fidx)
{
    AllocBlock block = set->blocks;
    size_t availspace = (size_t) (block->endptr - block->freeptr);
    size_t blksize;
    size_t required_size;
    size_t chk_size;

    while (availspace >= ((1u << ALLOC_MINBITS) + ALLOC_CHUNKHDRSZ))
    {
        size_t availchunk = availspace - ALLOC_CHUNKHDRSZ;
        int a_fidx = aset_free_index(availchunk);
        AbChunk *chunk;

        /* free_index rounds up; take the class below unless it fits exactly */
        if (availchunk != aset_chunk_size(a_fidx))
        {
            a_fidx--;
            availchunk = aset_chunk_size(a_fidx);
        }
        chunk = (AbChunk *) block->freeptr;
        block->freeptr += availchunk + ALLOC_CHUNKHDRSZ;
        availspace -= availchunk + ALLOC_CHUNKHDRSZ;
        chunk_set_small(chunk, block, a_fidx);
        push_free_chunk(set, chunk, a_fidx);
    }

    blksize = set->nextBlockSize;
    set->nextBlockSize <<= 1;
    if (set->nextBlockSize > set->maxBlockSize)
        set->nextBlockSize = set->maxBlockSize;

    chk_size = aset_chunk_size(fidx);
    required_size = chk_size + ALLOC_BLOCKHDRSZ + ALLOC_CHUNKHDRSZ;
    while (blksize < required_size)
        blksize <<= 1;

    /* Under memory pressure a smaller block may still succeed: halve down to 1 MB. */
    block = source_alloc(set, blksize);
    while (unlikely(block == NULL) && blksize > 1024 * 1024)
    {
        blksize >>= 1;
        if (blksize < required_size)
            break;
        block = source_alloc(set, blksize);
    }
    if (block == NULL)
        return ab_error_out_of_memory(&set->header, size);

    set->header.d.mem_allocated += blksize;
    block->aset = set;
    block->freeptr = (char *) block + ALLOC_BLOCKHDRSZ;
    block->endptr = (char *) block + blksize;
    block->prev = NULL;
    block->next = set->blocks;
    block->next->prev = block;
    set->blocks = block;

    return carve_chunk(block, chk_size, fidx);
}

void *aset_alloc(AllocSet set, size_t size, int flags)
{
    int fidx;
    AbChunk *chunk;
    AllocBlock block;
    size_t chk_size;

    if (size > set->allocChunkLimit)
        return alloc_large(set, size, flags);

    fidx = aset_free_index(size);
    chunk = (AbChunk *) set->freelist[fidx];
    if (chunk != NULL)
    {
        set->freelist[fidx] = chunk_next_free(chunk);
        chunk_set_allocated(chunk, set);
        return chunk_pointer(chunk);
    }

    chk_size = aset_chunk_size(fidx);
    block = set->blocks;
    if (unlikely((size_t) (block->endptr - block->freeptr) < chk_size + ALLOC_CHUNKHDRSZ))
        return alloc_from_new_block(set, size, fidx);
    return carve_chunk(block, chk_size, fidx);
}

/* An external chunk's block, if the header and block agree; NULL if corrupt. */
static AllocBlock external_block_checked(AbChunk *chunk)
{
    AllocBlock block = chunk_external_block(chunk);

    if (block->aset == NULL || block->aset->header.d.magic != AB_CONTEXT_MAGIC
        || block->freeptr != block->endptr)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "could not find block containing chunk %p",
                     (void *) chunk);
        return NULL;
    }
    return block;
}

static void unlink_block(AllocSet set, AllocBlock block)
{
    if (block->prev != NULL)
        block->prev->next = block->next;
    else
        set->blocks = block->next;
    if (block->next != NULL)
        block->next->prev = block->prev;
}

int aset_free(void *pointer)
{
    AbChunk *chunk = chunk_of(pointer);

    if (chunk_is_external(chunk))
    {
        AllocBlock block = external_block_checked(chunk);
        AllocSet set;
        size_t blksize;

        if (block == NULL)
            return AB_ERR_INVALID_ARGUMENT;
        set = block->aset;
        blksize = (size_t) (block->endptr - (char *) block);
        unlink_block(set, block);
        set->header.d.mem_allocated -= blksize;
        source_free(set, block, blksize);
    }
    else
    {
        push_free_chunk(chunk_owner(chunk), chunk, chunk_fidx(chunk));
    }
    return AB_OK;
}

void *aset_realloc(void *pointer, size_t size, int flags)
{
    AbChunk *chunk = chunk_of(pointer);

    if (chunk_is_external(chunk))
    {
        /* A dedicated block stays dedicated: realloc the whole block, grow or shrink. */
        AllocBlock block = external_block_checked(chunk);
        AllocBlock moved;
        AllocSet set;
        size_t capacity;
        size_t blksize;
        size_t oldblksize;

        if (block == NULL)
            return NULL;
        set = block->aset;
        if (unlikely(!ab_alloc_size_is_valid(size, flags)))
            return ab_error_invalid_size(size);

        capacity = chunk_external_capacity(set, size);
        blksize = capacity + ALLOC_BLOCKHDRSZ + ALLOC_CHUNKHDRSZ;
        oldblksize = (size_t) (block->endptr - (char *) block);
        moved = source_realloc(set, block, oldblksize, blksize);
        if (moved == NULL)
            return ab_error_out_of_memory(&set->header, size);

        set->header.d.mem_allocated -= oldblksize;
        set->header.d.mem_allocated += blksize;
        moved->freeptr = moved->endptr = (char *) moved + blksize;
        if (moved->prev != NULL)
            moved->prev->next = moved;
        else
            set->blocks = moved;
        if (moved->next != NULL)
            moved->next->prev = moved;
        chunk_set_external((AbChunk *) ((char *) moved + ALLOC_BLOCKHDRSZ), moved, capacity);
        return (char *) moved + ALLOC_BLOCKHDRSZ + ALLOC_CHUNKHDRSZ;
    }
    else
    {
        int fidx = chunk_fidx(chunk);
        size_t oldchksize = aset_chunk_size(fidx);
        void *newpointer;

        /* Fits the power-of-two capacity it already has: nothing to do (shrinks too). */
        if (size <= oldchksize)
            return pointer;

        newpointer = aset_alloc(chunk_owner(chunk), size, flags);
        if (newpointer == NULL)
            return NULL;
        memcpy(newpointer, pointer, oldchksize);
        push_free_chunk(chunk_owner(chunk), chunk, fidx);
        return newpointer;
    }
}

void aset_reset(AllocSet set)
{
    AllocBlock block = set->blocks;

#ifdef AB_CHECKING
    aset_check_before_reset(set);
#endif
    memset(set->freelist, 0, sizeof(set->freelist));
    set->blocks = KEEPER_BLOCK(set);

    while (block != NULL)
    {
        AllocBlock next = block->next;

        if (IS_KEEPER_BLOCK(set, block))
        {
            block->freeptr = (char *) block + ALLOC_BLOCKHDRSZ;
            block->prev = NULL;
            block->next = NULL;
        }
        else
        {
            size_t blksize = (size_t) (block->endptr - (char *) block);

            set->header.d.mem_allocated -= blksize;
            source_free(set, block, blksize);
        }
        block = next;
    }
    set->nextBlockSize = set->initBlockSize;
}

void aset_delete(AllocSet set)
{
    size_t keeper_alloc;

    aset_reset(set);
    /* The keeper block's malloc started at the set itself. */
    keeper_alloc = (size_t) (KEEPER_BLOCK(set)->endptr - (char *) set);
    set->header.d.magic = 0;
    source_free(set, set, keeper_alloc);
}

AllocSet aset_owner(void *pointer)
{
    return chunk_owner(chunk_of(pointer));
}

size_t aset_chunk_capacity(void *pointer)
{
    AbChunk *chunk = chunk_of(pointer);

    if (chunk_is_external(chunk))
    {
        AllocBlock block = chunk_external_block(chunk);
        return (size_t) (block->endptr - (char *) pointer);
    }
    return aset_chunk_size(chunk_fidx(chunk));
}

uint64_t aset_chunk_header_word(void *pointer)
{
    uint64_t word;

    memcpy(&word, chunk_of(pointer), sizeof(word));
    return word;
}

size_t aset_chunk_header_size(void)
{
    return ALLOC_CHUNKHDRSZ;
}

void aset_stats(AllocSet set, AbCounters *totals)
{
    uint64_t nblocks = 0;
    uint64_t freechunks = 0;
    uint64_t totalspace = MAXALIGN(sizeof(AllocSetData));
    uint64_t freespace = 0;

    for (AllocBlock block = set->blocks; block != NULL; block = block->next)
    {
        nblocks++;
        totalspace += (uint64_t) (block->endptr - (char *) block);
        freespace += (uint64_t) (block->endptr - block->freeptr);
    }
    for (int fidx = 0; fidx < ALLOCSET_NUM_FREELISTS; fidx++)
    {
        for (AbChunk *chunk = set->freelist[fidx]; chunk != NULL; chunk = chunk_next_free(chunk))
        {
            freechunks++;
            freespace += aset_chunk_size(fidx) + ALLOC_CHUNKHDRSZ;
        }
    }
    ab_counters_add(totals, &(AbCounters) {.nblocks = nblocks, .freechunks = freechunks, .totalspace = totalspace,
                                           .freespace = freespace, .usedspace = totalspace - freespace});
}

long aset_freelist_length(AllocSet set, int fidx)
{
    long n = 0;

    if (fidx < 0 || fidx >= ALLOCSET_NUM_FREELISTS)
        return -1;
    for (AbChunk *chunk = set->freelist[fidx]; chunk != NULL; chunk = chunk_next_free(chunk))
        n++;
    return n;
}

/* ---- the AllocSet's entries in the kinds' table (context_kinds.h) ---- */

static void aset_reset_method(AbContext *context)
{
    aset_reset((AllocSet) context);
}

static void aset_destroy_method(AbContext *context)
{
    aset_delete((AllocSet) context);
}

static AbContext *aset_owner_method(void *pointer)
{
    return &aset_owner(pointer)->header;
}

static void aset_stats_method(AbContext *context, AbCounters *totals, AbTextOut *line)
{
    AbCounters own = {0};

    aset_stats((AllocSet) context, &own);
    if (line != NULL)
        ab_stats_line_counters(line, &own);
    ab_counters_add(totals, &own);
}

static int aset_check_method(AbContext *context)
{
    return aset_check((AllocSet) context);
}

const AbKindMethods ab_aset_methods = {
    .type_name = "AllocSet",
    .reset = aset_reset_method,
    .destroy = aset_destroy_method,
    .owner = aset_owner_method,
    .chunk_capacity = aset_chunk_capacity,
    .chunk_header_size = aset_chunk_header_size,
    .stats = aset_stats_method,
    .check = aset_check_method,
};

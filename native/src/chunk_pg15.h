/*
 * chunk_pg15.h -- PostgreSQL 15's chunk header: two words, 16 bytes.
 *
 *   size   the chunk's capacity: the power of two of its size class, or for
 *          a chunk with a dedicated block MAXALIGN of the request
 *   aset   the owning AllocSet while the chunk is allocated; while it is on
 *          a freelist, the link to the next free chunk (PostgreSQL 15 reuses
 *          the field, so a free chunk no longer says whose it is)
 *
 * Whether a chunk has a dedicated block is not stored: it is "size >
 * allocChunkLimit", read through the owner.  That is why PostgreSQL 15's
 * repalloc never lets a dedicated chunk's size drop to the limit or below
 * (see chunk_external_capacity), and why pfree needs the owning set's
 * header in a cache line of its own: two dependent loads where 16's
 * one-word header needs one.  With the header 8 bytes larger, every small
 * chunk costs 8 more bytes: the price PostgreSQL 16 took back.
 */
#ifndef ALLOCBENCH_CHUNK_PG15_H
#define ALLOCBENCH_CHUNK_PG15_H

#include "aset_internal.h"

typedef struct AbChunk
{
#ifdef AB_CHECKING
    size_t requested_size; /* checking builds only: 24 bytes, as PostgreSQL 15's */
#endif
    size_t size;
    void  *aset;
} AbChunk;

/* The freelist link is in the header: a free chunk's whole payload can be wiped. */
#define CHUNK_LINK_BYTES        0

#define ALLOC_CHUNKHDRSZ        sizeof(AbChunk)

static inline AbChunk *chunk_of(void *pointer)
{
    return (AbChunk *) ((char *) pointer - ALLOC_CHUNKHDRSZ);
}

static inline void *chunk_pointer(AbChunk *chunk)
{
    return (char *) chunk + ALLOC_CHUNKHDRSZ;
}

static inline void chunk_set_small(AbChunk *chunk, AllocBlock block, int fidx)
{
    chunk->size = aset_chunk_size(fidx);
    chunk->aset = block->aset;
}

static inline void chunk_set_external(AbChunk *chunk, AllocBlock block, size_t capacity)
{
    chunk->size = capacity;
    chunk->aset = block->aset;
}

/* Taken off a freelist: the link field becomes the owner again. */
static inline void chunk_set_allocated(AbChunk *chunk, AllocSet set)
{
    chunk->aset = set;
}

static inline AllocSet chunk_owner(const AbChunk *chunk)
{
    return (AllocSet) chunk->aset;
}

static inline bool chunk_kind_valid(const AbChunk *chunk)
{
    const struct AbContext *owner = chunk->aset;
    return owner != NULL && owner->d.magic == AB_CONTEXT_MAGIC;
}

static inline bool chunk_is_external(const AbChunk *chunk)
{
    return chunk->size > chunk_owner(chunk)->allocChunkLimit;
}

static inline int chunk_fidx(const AbChunk *chunk)
{
    return aset_free_index(chunk->size);
}

static inline AllocBlock chunk_external_block(const AbChunk *chunk)
{
    return (AllocBlock) ((char *) chunk - ALLOC_BLOCKHDRSZ);
}

/*
 * The capacity repalloc gives a dedicated chunk: never at or below the
 * limit, or the chunk would later be taken for a small one (PostgreSQL 15
 * keeps the dedicated block even when shrinking, sized limit + 1 at least).
 */
static inline size_t chunk_external_capacity(AllocSet set, size_t size)
{
    return MAXALIGN(size > set->allocChunkLimit ? size : (size_t) set->allocChunkLimit + 1);
}

static inline AbChunk *chunk_next_free(const AbChunk *chunk)
{
    return (AbChunk *) chunk->aset;
}

static inline void chunk_set_next_free(AbChunk *chunk, AbChunk *next)
{
    chunk->aset = next;
}

/* Walking a block: the size survives freeing (only aset becomes the link). */
static inline bool chunk_walk_is_external(AllocSet set, const AbChunk *chunk)
{
    return chunk->size > set->allocChunkLimit;
}

static inline int chunk_walk_fidx(const AbChunk *chunk)
{
    return aset_free_index(chunk->size);
}

#endif /* ALLOCBENCH_CHUNK_PG15_H */

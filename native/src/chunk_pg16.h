/*
 * chunk_pg16.h -- PostgreSQL 16+'s chunk header: one 64-bit word.
 *
 *   bits  0..2   context kind (AllocSet = 3; 0 and 7 are never used, so
 *                zeroed memory and 0x7F-wiped memory are recognised as
 *                not-a-chunk, as PostgreSQL does with its unused IDs)
 *   bit   3      external: the chunk has a dedicated block of its own
 *   bits  4..33  value: the freelist index (30 bits)
 *   bits 34..63  offset back from the chunk to the start of its block (30 bits)
 *
 * (Checking builds put the requested size in front: 16 bytes, as PostgreSQL's.)
 *
 * One word is enough for pfree to find the block (chunk - offset) and from
 * the block header the owning set, which is what let PostgreSQL 16 halve the
 * header of PostgreSQL 15.  The offset limit is why maxBlockSize may not
 * exceed 1 GiB - 1.  A free chunk keeps its freelist link in the first 8
 * bytes of its payload (every chunk has at least 8).
 */
#ifndef ALLOCBENCH_CHUNK_PG16_H
#define ALLOCBENCH_CHUNK_PG16_H

#include "aset_internal.h"
#include "chunk_word.h"

typedef struct AbChunk
{
#ifdef AB_CHECKING
    size_t   requested_size; /* checking builds only, as PostgreSQL's MemoryChunk */
#endif
    uint64_t hdrmask;
} AbChunk;

/* Payload bytes a free chunk uses for its freelist link (a checking build's wipe spares them). */
#define CHUNK_LINK_BYTES        sizeof(void *)

#define ALLOC_CHUNKHDRSZ        sizeof(AbChunk)
#define CHUNK_KIND_ASET         UINT64_C(3)

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
    uint64_t offset = (uint64_t) ((char *) chunk - (char *) block);

    chunk->hdrmask = (offset << CHUNK_OFFSET_SHIFT)
        | ((uint64_t) fidx << CHUNK_VALUE_SHIFT) | CHUNK_KIND_ASET;
}

static inline void chunk_set_external(AbChunk *chunk, AllocBlock block, size_t capacity)
{
    (void) capacity; /* the block's end says it */
    uint64_t offset = (uint64_t) ((char *) chunk - (char *) block);

    chunk->hdrmask = (offset << CHUNK_OFFSET_SHIFT) | CHUNK_EXTERNAL_BIT | CHUNK_KIND_ASET;
}

/* Taken off a freelist: the header never changed (the link lives in the payload). */
static inline void chunk_set_allocated(AbChunk *chunk, AllocSet set)
{
    (void) chunk;
    (void) set;
}

/* A dedicated chunk's capacity after repalloc: what was asked, whatever the limit. */
static inline size_t chunk_external_capacity(AllocSet set, size_t size)
{
    (void) set;
    return MAXALIGN(size);
}

static inline bool chunk_kind_valid(const AbChunk *chunk)
{
    return (chunk->hdrmask & CHUNK_KIND_MASK) == CHUNK_KIND_ASET;
}

static inline bool chunk_is_external(const AbChunk *chunk)
{
    return (chunk->hdrmask & CHUNK_EXTERNAL_BIT) != 0;
}

static inline int chunk_fidx(const AbChunk *chunk)
{
    return (int) ((chunk->hdrmask >> CHUNK_VALUE_SHIFT) & CHUNK_VALUE_MASK);
}

static inline AllocBlock chunk_small_block(const AbChunk *chunk)
{
    return (AllocBlock) ((char *) chunk - (chunk->hdrmask >> CHUNK_OFFSET_SHIFT));
}

static inline AllocBlock chunk_external_block(const AbChunk *chunk)
{
    return (AllocBlock) ((char *) chunk - ALLOC_BLOCKHDRSZ);
}

static inline AllocSet chunk_owner(const AbChunk *chunk)
{
    return chunk_small_block(chunk)->aset; /* the offset is right for external chunks too */
}

static inline AbChunk *chunk_next_free(const AbChunk *chunk)
{
    return *(AbChunk *const *) ((const char *) chunk + ALLOC_CHUNKHDRSZ);
}

static inline void chunk_set_next_free(AbChunk *chunk, AbChunk *next)
{
    *(AbChunk **) ((char *) chunk + ALLOC_CHUNKHDRSZ) = next;
}

/* Walking a block (free chunks included): the header is intact either way. */
static inline bool chunk_walk_is_external(AllocSet set, const AbChunk *chunk)
{
    (void) set;
    return chunk_is_external(chunk);
}

static inline int chunk_walk_fidx(const AbChunk *chunk)
{
    return chunk_fidx(chunk);
}

#endif /* ALLOCBENCH_CHUNK_PG16_H */

/*
 * chunk_word.h -- the bits of PostgreSQL 16+'s one-word chunk header
 * (MemoryChunk), shared by every kind that uses it in the default build
 * (AllocSet: chunk_pg16.h; Generation; Slab):
 *
 *   bits  0..2   context kind (context_kinds.h: 3 AllocSet, 4 Generation,
 *                5 Slab; 0 and 7 never, so zeroed and 0x7F-wiped memory is
 *                recognised as not-a-chunk)
 *   bit   3      external: the chunk has a dedicated block of its own
 *   bits  4..33  value: what the kind keeps there (a freelist index, a size)
 *   bits 34..63  offset back from the chunk to the start of its block
 */
#ifndef ALLOCBENCH_CHUNK_WORD_H
#define ALLOCBENCH_CHUNK_WORD_H

#include <stdbool.h>
#include <stdint.h>

#define CHUNK_KIND_BITS         3
#define CHUNK_KIND_MASK         ((UINT64_C(1) << CHUNK_KIND_BITS) - 1)
#define CHUNK_EXTERNAL_BIT      (UINT64_C(1) << CHUNK_KIND_BITS)
#define CHUNK_VALUE_SHIFT       (CHUNK_KIND_BITS + 1)
#define CHUNK_VALUE_MASK        ((UINT64_C(1) << 30) - 1)
#define CHUNK_OFFSET_SHIFT      (CHUNK_VALUE_SHIFT + 30)

/* The word of a chunk offset bytes into its block. */
static inline uint64_t chunk_word(uint64_t offset, uint64_t value, bool external, unsigned kind)
{
    return (offset << CHUNK_OFFSET_SHIFT) | (external ? CHUNK_EXTERNAL_BIT : 0)
        | ((value & CHUNK_VALUE_MASK) << CHUNK_VALUE_SHIFT) | kind;
}

static inline uint64_t chunk_word_value(uint64_t word)
{
    return (word >> CHUNK_VALUE_SHIFT) & CHUNK_VALUE_MASK;
}

static inline uint64_t chunk_word_offset(uint64_t word)
{
    return word >> CHUNK_OFFSET_SHIFT;
}

#endif /* ALLOCBENCH_CHUNK_WORD_H */

/*
 * shm_block_source.c -- an AllocSet on segment memory: a block source that
 * carves a region of a segment (huge pages or not) into blocks.
 *
 * AllocSet asks for power-of-two blocks (initBlockSize doubling up to
 * maxBlockSize) and, for chunks above its limit, dedicated blocks of
 * chunk + headers.  So blocks are rounded up to a power of two (at least
 * 1 KiB) and kept, when freed, on one free list per power: a freed block is
 * reused whole by the next request of its size class, with no splitting or
 * coalescing, and a bump pointer serves requests no list can.  The waste is
 * bounded by 2x for dedicated blocks and zero for regular ones, and every
 * operation is O(1), which is what a benchmark wants from the layer under
 * the allocator it measures.  Running out of the region returns NULL, which
 * AllocSet reports as PostgreSQL's "out of memory".
 *
 * The free-list link is kept in the first 8 bytes of a freed block; the
 * arena struct itself is process-local (malloc), since a context belongs to
 * one process.
 */
#include <stdlib.h>
#include <string.h>

#include "shm_internal.h"

#define MIN_CLASS_BITS 10   /* 1 KiB: AllocSet's smallest block */
#define NUM_CLASSES    54   /* up to 2^63 */

struct AbSegArena
{
    AbBlockSource source;
    char         *base;
    uint64_t      size;
    uint64_t      bump;       /* offset of the first never-used byte */
    uint64_t      in_use;     /* bytes of blocks handed out */
    void         *free_lists[NUM_CLASSES];
};

static int class_of(size_t size)
{
    if (size <= ((size_t) 1 << MIN_CLASS_BITS))
        return 0;
    return 64 - __builtin_clzll((unsigned long long) (size - 1)) - MIN_CLASS_BITS;
}

static uint64_t class_size(int cls)
{
    return (uint64_t) 1 << (cls + MIN_CLASS_BITS);
}

static void *arena_alloc(void *state, size_t size)
{
    AbSegArena *arena = state;
    int cls = class_of(size);
    uint64_t bytes;
    void *block;

    if (cls >= NUM_CLASSES)
        return NULL;
    bytes = class_size(cls);
    block = arena->free_lists[cls];
    if (block != NULL)
        arena->free_lists[cls] = *(void **) block;
    else
    {
        if (bytes > arena->size - arena->bump)
            return NULL;
        block = arena->base + arena->bump;
        arena->bump += bytes;
    }
    arena->in_use += bytes;
    return block;
}

static void arena_free(void *state, void *block, size_t size)
{
    AbSegArena *arena = state;
    int cls = class_of(size);

    *(void **) block = arena->free_lists[cls];
    arena->free_lists[cls] = block;
    arena->in_use -= class_size(cls);
}

static void *arena_realloc(void *state, void *block, size_t old_size, size_t new_size)
{
    AbSegArena *arena = state;
    void *moved;

    /* Same size class: the block already has the room. */
    if (class_of(old_size) == class_of(new_size))
        return block;
    moved = arena_alloc(arena, new_size);
    if (moved != NULL)
    {
        memcpy(moved, block, old_size < new_size ? old_size : new_size);
        arena_free(arena, block, old_size);
    }
    return moved;
}

AbSegArena *ab_seg_arena_create(void *base, uint64_t size)
{
    AbSegArena *arena;

    if (base == NULL || size < ((uint64_t) 1 << MIN_CLASS_BITS))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "segment arena needs a region of at least 1024 bytes");
    if (((uintptr_t) base & 15) != 0)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "segment arena region must be 16-byte aligned");
    arena = calloc(1, sizeof(AbSegArena));
    if (arena == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory");
    arena->base = base;
    arena->size = size;
    arena->source.alloc = arena_alloc;
    arena->source.realloc = arena_realloc;
    arena->source.free = arena_free;
    arena->source.state = arena;
    return arena;
}

const AbBlockSource *ab_seg_arena_source(AbSegArena *arena)
{
    return arena == NULL ? NULL : &arena->source;
}

uint64_t ab_seg_arena_in_use(const AbSegArena *arena)
{
    return arena == NULL ? 0 : arena->in_use;
}

void ab_seg_arena_destroy(AbSegArena *arena)
{
    free(arena);
}

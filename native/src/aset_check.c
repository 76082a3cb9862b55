/*
 * aset_check.c -- MEMORY_CONTEXT_CHECKING, and the consistency check.
 *
 * In a checking build (-DAB_CHECKING, libraries liballocbench-pg16-check.so
 * and liballocbench-pg15-check.so) every chunk header carries the requested
 * size in front of the layout's own fields (8 bytes more per chunk, as in
 * PostgreSQL's checking builds), and:
 *
 * - a sentinel byte 0x7E is written just past the requested size when the
 *   chunk has room for it, and checked on pfree and repalloc;
 * - a freed chunk is wiped with 0x7F (all but a PostgreSQL 16 freelist link,
 *   which lives in the first payload bytes) and its requested size set to
 *   FREED_MARK, so a second pfree or a repalloc of it is recognised;
 * - reset and delete first run ab_check() over the whole context.
 *
 * Where PostgreSQL logs a WARNING and carries on, we refuse the operation
 * with an error (AB_ERR_MEMORY_CHECK, PostgreSQL's message): across FFM there
 * is no log to warn into, and a benchmark must not go on measuring a
 * corrupted context.  Reset and delete still happen after a failed check
 * (there is no way to refuse them); the failure is left in the error slot
 * and counted by ab_check_failures().
 *
 * ab_check() itself is in every build: block bounds, chunk sizes, freelist
 * membership, and (checking builds) requested sizes and sentinels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aset_internal.h"
#include "context_kinds.h"
#include "chunk_layout.h"

#define SENTINEL 0x7E
#define WIPE     0x7F

static _Thread_local uint64_t check_failures;

uint64_t ab_check_failures(void)
{
    return check_failures;
}

int ab_checking_enabled(void)
{
#ifdef AB_CHECKING
    return 1;
#else
    return 0;
#endif
}

static int problem(AllocSet set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int problem(AllocSet set, const char *fmt, ...)
{
    char where[256];   /* the size of the error slot's message: a long name is cut where it was before */
    va_list args;
    int rc;

    snprintf(where, sizeof(where), "problem in alloc set %s", set->header.d.name);
    va_start(args, fmt);
    rc = ab_error_vfail_in(AB_ERR_MEMORY_CHECK, where, fmt, args);
    va_end(args);
    return rc;
}

/* The capacity of a chunk met while walking a block (free or not). */
static size_t walk_capacity(AllocSet set, AllocBlock block, AbChunk *chunk)
{
    if (chunk_walk_is_external(set, chunk))
        return (size_t) (block->endptr - (char *) chunk_pointer(chunk));
    return aset_chunk_size(chunk_walk_fidx(chunk));
}

static int check_block(AllocSet set, AllocBlock block)
{
    char *start = (char *) block + ALLOC_BLOCKHDRSZ;
    char *p = start;

    if (block->aset != set || block->freeptr < start || block->freeptr > block->endptr)
        return problem(set, "corrupt header in block %p", (void *) block);
    while (p < block->freeptr)
    {
        AbChunk *chunk = (AbChunk *) p;
        size_t capacity;

        if ((size_t) (block->freeptr - p) < ALLOC_CHUNKHDRSZ + (1u << ALLOC_MINBITS))
            return problem(set, "truncated chunk %p in block %p", (void *) chunk, (void *) block);
        capacity = walk_capacity(set, block, chunk);
        if (capacity > (size_t) (block->freeptr - p) - ALLOC_CHUNKHDRSZ)
            return problem(set, "bad chunk size for chunk %p in block %p", (void *) chunk, (void *) block);
#ifdef AB_CHECKING
        if (chunk->requested_size != AB_FREED_MARK)
        {
            if (chunk->requested_size > capacity)
                return problem(set, "req size > alloc size for chunk %p in block %p", (void *) chunk,
                               (void *) block);
            if (chunk->requested_size < capacity
                && ((unsigned char *) chunk_pointer(chunk))[chunk->requested_size] != SENTINEL)
                return problem(set, "detected write past chunk end in block %p, chunk %p", (void *) block,
                               (void *) chunk);
        }
#endif
        p += ALLOC_CHUNKHDRSZ + capacity;
    }
    return AB_OK;
}

int aset_check(AllocSet set)
{
    int rc;

    for (AllocBlock block = set->blocks; block != NULL; block = block->next)
    {
        if (block->next != NULL && block->next->prev != block)
            return problem(set, "bad prev link in block %p", (void *) block->next);
        if ((rc = check_block(set, block)) != AB_OK)
            return rc;
    }
    for (int fidx = 0; fidx < ALLOCSET_NUM_FREELISTS; fidx++)
    {
        for (AbChunk *chunk = set->freelist[fidx]; chunk != NULL; chunk = chunk_next_free(chunk))
        {
            if (chunk_walk_fidx(chunk) != fidx)
                return problem(set, "chunk %p on freelist %d has another size class", (void *) chunk, fidx);
#ifdef AB_CHECKING
            if (chunk->requested_size != AB_FREED_MARK)
                return problem(set, "chunk %p on freelist %d is not marked free", (void *) chunk, fidx);
#endif
        }
    }
    return AB_OK;
}

int ab_check(AbContext *context)
{
    if (!context_is_valid(context))
        return ab_error_invalid_context(context);
    return context_methods(context)->check(context);
}

void aset_check_before_reset(AllocSet set)
{
    if (aset_check(set) != AB_OK)
        check_failures++;
}

#ifdef AB_CHECKING

static const char *owner_name(AbChunk *chunk)
{
    return chunk_kind_valid(chunk) ? chunk_owner(chunk)->header.d.name : "(unknown: the chunk is free)";
}

void aset_mark_allocated(void *pointer, size_t requested)
{
    AbChunk *chunk = chunk_of(pointer);

    chunk->requested_size = requested;
    if (requested < aset_chunk_capacity(pointer))
        ((unsigned char *) pointer)[requested] = SENTINEL;
}

int aset_check_chunk(const char *op, void *pointer)
{
    AbChunk *chunk = chunk_of(pointer);

    if (chunk->requested_size == AB_FREED_MARK)
        return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, strcmp(op, "pfree") == 0
                             ? "detected double pfree in %s %p" : "detected realloc of freed chunk in %s %p",
                             owner_name(chunk), (void *) chunk);
    if (!chunk_kind_valid(chunk))
        return AB_ERR_INVALID_ARGUMENT; /* the caller reports the invalid pointer */
    if (chunk->requested_size < aset_chunk_capacity(pointer)
        && ((unsigned char *) pointer)[chunk->requested_size] != SENTINEL)
        return ab_error_fail(AB_ERR_MEMORY_CHECK, NULL, "detected write past chunk end in %s %p",
                             owner_name(chunk), (void *) chunk);
    return AB_OK;
}

void aset_mark_freed(AbChunk *chunk, size_t capacity)
{
    /* A PostgreSQL 16 freelist link is in the payload's first bytes: keep it. */
    memset((char *) chunk_pointer(chunk) + CHUNK_LINK_BYTES, WIPE, capacity - CHUNK_LINK_BYTES);
    chunk->requested_size = AB_FREED_MARK;
}

#endif /* AB_CHECKING */

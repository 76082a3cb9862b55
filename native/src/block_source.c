/*
 * block_source.c -- where contexts get their blocks: malloc by default, or a
 * counting wrapper around malloc that lets tests prove every byte taken is
 * given back.
 */
#include <stdlib.h>

#include "aset_internal.h"

static void *malloc_alloc(void *state, size_t size)
{
    (void) state;
    return malloc(size);
}

static void *malloc_realloc(void *state, void *block, size_t old_size, size_t new_size)
{
    (void) state;
    (void) old_size;
    return realloc(block, new_size);
}

static void malloc_free(void *state, void *block, size_t size)
{
    (void) state;
    (void) size;
    free(block);
}

const AbBlockSource ab_malloc_source = {malloc_alloc, malloc_realloc, malloc_free, NULL};

/* Counting: plain (non-atomic) counters, like the single-owner contexts using them. */
static void *counting_alloc(void *state, size_t size)
{
    AbBlockCounters *c = state;
    void *block = malloc(size);

    if (block != NULL)
    {
        c->alloc_calls++;
        c->bytes_allocated += size;
        c->bytes_outstanding += (int64_t) size;
        c->blocks_outstanding++;
    }
    return block;
}

static void *counting_realloc(void *state, void *block, size_t old_size, size_t new_size)
{
    AbBlockCounters *c = state;
    void *moved = realloc(block, new_size);

    if (moved != NULL)
    {
        /* A realloc gives back old_size and takes new_size. */
        c->realloc_calls++;
        c->bytes_freed += old_size;
        c->bytes_allocated += new_size;
        c->bytes_outstanding += (int64_t) new_size - (int64_t) old_size;
    }
    return moved;
}

static void counting_free(void *state, void *block, size_t size)
{
    AbBlockCounters *c = state;

    free(block);
    c->free_calls++;
    c->bytes_freed += size;
    c->bytes_outstanding -= (int64_t) size;
    c->blocks_outstanding--;
}

void ab_counting_source_init(AbBlockSource *source, AbBlockCounters *counters)
{
    *counters = (AbBlockCounters) {0};
    source->alloc = counting_alloc;
    source->realloc = counting_realloc;
    source->free = counting_free;
    source->state = counters;
}

/*
 * replay_floor.c -- the floor lane's plan: the address each a/z/r of a
 * validated trace is given when there is no allocator at all (an ideal one
 * with no headers, reusing freed memory LIFO per size class as a freelist
 * would), and the region those addresses point into.  Computed at parse time,
 * outside every timed region, so the floor lane pays only for the replay
 * loop itself; also exported (ab_floor_plan) for the Java floor allocator.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

/* The floor's smallest size class (2^4 = 16 bytes) and its largest (2^30, MaxAllocSize rounded up). */
#define FLOOR_MIN_CLASS 4
#define FLOOR_MAX_CLASS 30

/* The floor's size class of a request: log2 of the power of two it rounds up to, at least 16 bytes. */
static inline unsigned floor_class(size_t size)
{
    if (size <= ((size_t) 1 << FLOOR_MIN_CLASS))
        return FLOOR_MIN_CLASS;
    return (unsigned) (64 - __builtin_clzll((unsigned long long) (size - 1)));
}

/* A LIFO stack of free offsets of one size class. */
typedef struct OffsetStack
{
    uint64_t *items;
    size_t    count;
    size_t    capacity;
} OffsetStack;

static bool push_offset(OffsetStack *stack, uint64_t offset)
{
    if (stack->count == stack->capacity)
    {
        size_t capacity = stack->capacity == 0 ? 64 : stack->capacity * 2;
        uint64_t *items = realloc(stack->items, capacity * sizeof(uint64_t));

        if (items == NULL)
            return false;
        stack->items = items;
        stack->capacity = capacity;
    }
    stack->items[stack->count++] = offset;
    return true;
}

/*
 * Computes the plan of a validated trace (see ab_floor_plan): offsets[k] for
 * the k-th a/z/r op; offsets may be NULL to count only.  Returns AB_OK or
 * AB_ERR_OUT_OF_MEMORY.
 */
static int plan_floor(const uint64_t *ops, size_t nops, uint32_t nslots, uint64_t *offsets,
                      size_t *handed_out, uint64_t *region_bytes)
{
    OffsetStack free_offsets[FLOOR_MAX_CLASS + 1];
    uint64_t *slot_offset = ab_replay_zeroed_array(nslots, sizeof(uint64_t), "floor plan");
    unsigned char *slot_class = ab_replay_zeroed_array(nslots, 1, "floor plan");
    uint64_t top = 0, high = 0;
    size_t handed = 0;
    int rc = AB_OK;

    memset(free_offsets, 0, sizeof(free_offsets));
    if (slot_offset == NULL || slot_class == NULL)
    {
        rc = AB_ERR_OUT_OF_MEMORY;
        goto done;
    }
    for (size_t i = 0; i < nops && rc == AB_OK; i++)
    {
        uint64_t op = ops[i];
        unsigned kind = AB_OP_KIND(op);
        uint32_t slot = AB_OP_SLOT(op);
        unsigned cls;
        uint64_t offset;

        switch (kind)
        {
            case AB_OP_FREE:
                if (!push_offset(&free_offsets[slot_class[slot]], slot_offset[slot]))
                    rc = AB_ERR_OUT_OF_MEMORY;
                continue;
            case AB_OP_RESET:
                /* the region starts over, as a reset context carves its keeper block again */
                for (unsigned c = 0; c <= FLOOR_MAX_CLASS; c++)
                    free_offsets[c].count = 0;
                top = 0;
                continue;
            case AB_OP_REALLOC:
                cls = floor_class(AB_OP_SIZE(op));
                if (cls == slot_class[slot])
                {
                    offset = slot_offset[slot]; /* fits its chunk: resized in place */
                    break;
                }
                if (!push_offset(&free_offsets[slot_class[slot]], slot_offset[slot]))
                {
                    rc = AB_ERR_OUT_OF_MEMORY;
                    continue;
                }
                goto take;
            default: /* a, z */
                cls = floor_class(AB_OP_SIZE(op));
        take:
                if (free_offsets[cls].count > 0)
                    offset = free_offsets[cls].items[--free_offsets[cls].count];
                else
                {
                    offset = top;
                    top += (uint64_t) 1 << cls;
                    if (top > high)
                        high = top;
                }
                break;
        }
        slot_offset[slot] = offset;
        slot_class[slot] = (unsigned char) cls;
        if (offsets != NULL)
            offsets[handed] = offset;
        handed++;
    }
    if (rc != AB_OK)
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (the floor's plan of a trace of %zu ops)", nops);
    *handed_out = handed;
    *region_bytes = high;
done:
    if (rc == AB_ERR_OUT_OF_MEMORY && (slot_offset == NULL || slot_class == NULL))
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (the floor's plan of %u slots)", nslots);
    for (unsigned c = 0; c <= FLOOR_MAX_CLASS; c++)
        free(free_offsets[c].items);
    free(slot_offset);
    free(slot_class);
    return rc;
}

static size_t count_handed_out(const uint64_t *ops, size_t nops)
{
    size_t n = 0;

    for (size_t i = 0; i < nops; i++)
    {
        unsigned kind = AB_OP_KIND(ops[i]);

        n += kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED || kind == AB_OP_REALLOC;
    }
    return n;
}

int ab_floor_plan(const uint64_t *ops, size_t nops, uint32_t nslots, uint64_t *offsets, size_t capacity,
                  size_t *handed_out, uint64_t *region_bytes)
{
    size_t needed;
    int rc;

    if (handed_out == NULL || region_bytes == NULL)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "ab_floor_plan needs handed_out and region_bytes");
        return AB_ERR_INVALID_ARGUMENT;
    }
    if ((rc = ab_replay_validate_trace(ops, nops, nslots)) != AB_OK)
        return rc;
    needed = count_handed_out(ops, nops);
    *handed_out = needed;
    *region_bytes = 0;
    if (offsets == NULL || capacity < needed)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "the floor's plan has %zu entries; room was given for %zu",
                     needed, offsets == NULL ? 0 : capacity);
        return AB_ERR_INVALID_ARGUMENT;
    }
    return plan_floor(ops, nops, nslots, offsets, handed_out, region_bytes);
}

void ab_floor_free(FloorState *floor)
{
    if (floor == NULL)
        return;
    free(floor->region);
    free(floor->plan);
    free(floor);
}

FloorState *ab_floor_make(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    size_t handed = count_handed_out(ops, nops);
    uint64_t region_bytes = 0;
    FloorState *floor = calloc(1, sizeof(FloorState));

    if (floor == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's state)");
    floor->plan = malloc((handed > 0 ? handed : 1) * sizeof(uint64_t));
    if (floor->plan == NULL)
    {
        ab_floor_free(floor);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's plan of %zu chunks)", handed);
    }
    if (plan_floor(ops, nops, nslots, floor->plan, &handed, &region_bytes) != AB_OK)
    {
        ab_floor_free(floor);
        return NULL;
    }
    floor->region = malloc(region_bytes > 0 ? region_bytes : 1);
    if (floor->region == NULL)
    {
        ab_floor_free(floor);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's region of %llu bytes)",
                             (unsigned long long) region_bytes);
    }
    memset(floor->region, 0, region_bytes > 0 ? region_bytes : 1);
    return floor;
}

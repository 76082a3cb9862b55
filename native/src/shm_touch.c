/*
 * shm_touch.c -- the two access patterns of the huge-pages benchmark, in C so
 * that the loop costs the same whatever calls it:
 *
 * - first touch: one write per page (every `stride` bytes), which is what
 *   faults a fresh mapping in; the minor faults it caused are counted with
 *   getrusage(RUSAGE_THREAD) around the loop (software counters work on these
 *   machines; hardware TLB counters do not).
 * - random access: a pointer chase through one slot per 4 KiB page in a
 *   random cyclic order (Sattolo's shuffle, so the cycle visits every page).
 *   Each load depends on the previous one, so neither the CPU nor the
 *   compiler can overlap them: the time per step is the latency of a load
 *   that misses the TLB (unless the pages are huge) and the caches.  Slots
 *   sit at a different cache line in each page so they do not all map to the
 *   same cache sets.
 */
#include <stdlib.h>
#include <sys/resource.h>

#include "shm_internal.h"

static uint64_t minor_faults(void)
{
    struct rusage usage;

    return getrusage(RUSAGE_THREAD, &usage) == 0 ? (uint64_t) usage.ru_minflt : 0;
}

uint64_t ab_touch_pages(void *base, uint64_t size, uint64_t stride)
{
    volatile char *bytes = base;
    uint64_t before = minor_faults();

    if (stride == 0)
        stride = AB_SMALL_PAGE;
    for (uint64_t off = 0; off < size; off += stride)
        bytes[off] = 1;
    return minor_faults() - before;
}

static uint64_t next_random(uint64_t *state)
{
    /* splitmix64: deterministic by seed, good enough for a shuffle. */
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static char *slot(char *base, uint64_t page)
{
    return base + page * AB_SMALL_PAGE + (page % (AB_SMALL_PAGE / 64)) * 64;
}

void *ab_chase_build(void *base, uint64_t size, uint64_t seed)
{
    uint64_t pages = size / AB_SMALL_PAGE;
    uint64_t *order;
    uint64_t state = seed;

    if (base == NULL || pages < 2)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "pointer chase needs at least two 4 KiB pages");
    order = malloc(pages * sizeof(uint64_t));
    if (order == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory");
    for (uint64_t i = 0; i < pages; i++)
        order[i] = i;
    /* Sattolo: a uniformly random single cycle through all pages. */
    for (uint64_t i = pages - 1; i > 0; i--)
    {
        uint64_t j = next_random(&state) % i;
        uint64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint64_t i = 0; i < pages; i++)
        *(char **) slot(base, order[i]) = slot(base, order[(i + 1) % pages]);
    free(order);
    return slot(base, 0);
}

void *ab_chase(void *start, uint64_t steps)
{
    void *p = start;

    while (steps-- > 0)
        p = *(void **) p;
    return p;
}

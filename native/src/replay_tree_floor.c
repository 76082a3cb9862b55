/*
 * replay_tree_floor.c -- the floor lane's state for a version 2 trace.
 *
 * The floor has no contexts, so a version 2 trace is planned as the version
 * 1 trace a context-less allocator sees: every a, z, r and f as it is, and
 * each R or d as a free of every chunk it releases (the live chunks of the
 * contexts in its sweep list); c hands out nothing.  Those frees give their
 * memory back to the floor's per-class LIFO lists, as malloc's lane gives
 * it back to malloc, so the floor's memory reuse follows the same live set.
 * The plan is then indexed by op (not by handed-out order) so the threaded
 * replay, where ops run in no single order, finds each op's offset directly.
 * Everything here runs once per trace, before anything is timed.
 */
#include <stdlib.h>
#include <string.h>

#include "replay_tree.h"

/* The version 1 ops a context-less allocator replays; *count gets their number.  NULL when out of memory. */
static uint64_t *flatten(const TreeTrace *t, size_t *count)
{
    uint64_t *flat = malloc((2 * t->nops + 1) * sizeof(uint64_t)); /* each chunk is freed at most once */
    TreeReleases releases;
    size_t n = 0;

    if (flat == NULL || ab_tree_releases(t, &releases) != AB_OK)
    {
        free(flat);
        return NULL;
    }
    for (size_t i = 0; i < t->nops; i++)
    {
        uint64_t op = t->ops[i];

        switch (AB_OP_KIND(op))
        {
            case AB_OP_ALLOC:
            case AB_OP_ALLOC_ZEROED:
            case AB_OP_REALLOC:
            case AB_OP_FREE:
                flat[n++] = op;
                break;
            case AB_OP_RESET:
            case AB_OP_DELETE:
                for (uint32_t k = releases.first[i]; k < releases.first[i + 1]; k++)
                    flat[n++] = AB_OP_ENCODE(AB_OP_FREE, releases.release[k], 0);
                break;
            default: /* AB_OP_CREATE: nothing handed out */
                break;
        }
    }
    *count = n;
    ab_tree_releases_free(&releases);
    return flat;
}

FloorState *ab_floor_make_tree(const TreeTrace *t)
{
    size_t nflat = 0, handed = 0;
    uint64_t *flat = flatten(t, &nflat);
    uint64_t *by_op;
    FloorState *floor;

    if (flat == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's plan of a trace of %zu ops)", t->nops);
    floor = ab_floor_make(flat, nflat, t->nslots);
    free(flat);
    if (floor == NULL)
        return NULL;
    if ((by_op = calloc(t->nops > 0 ? t->nops : 1, sizeof(uint64_t))) == NULL)
    {
        ab_floor_free(floor);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory (the floor's plan of a trace of %zu ops)", t->nops);
    }
    /* the flat trace hands out in the same order as the trace's a, z and r */
    for (size_t i = 0; i < t->nops; i++)
    {
        unsigned kind = AB_OP_KIND(t->ops[i]);

        if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED || kind == AB_OP_REALLOC)
            by_op[i] = floor->plan[handed++];
    }
    free(floor->plan);
    floor->plan = by_op;
    return floor;
}

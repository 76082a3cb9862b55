/*
 * replay_tree_releases.c -- which chunks each R and d of a version 2 trace
 * releases, for the allocators that have no contexts (the malloc lane, the
 * floor): the live set simulated once, before anything is timed, as per-
 * context doubly linked lists of live slots (a and z add a slot to its
 * context's list, f removes it, R and d empty the lists of the contexts in
 * their sweep list).  The slots still live at the end are what the end of an
 * iteration frees.
 */
#include <stdlib.h>

#include "replay_tree.h"

int ab_tree_releases(const TreeTrace *t, TreeReleases *out)
{
    uint32_t *head = malloc(t->ncontexts * sizeof(uint32_t));
    uint32_t *next = malloc(t->nslots * sizeof(uint32_t));
    uint32_t *prev = malloc(t->nslots * sizeof(uint32_t));
    size_t nrelease = 0, sweep_at = 0;
    int rc = AB_ERR_OUT_OF_MEMORY;

    out->first = malloc((t->nops + 1) * sizeof(uint32_t));
    out->release = malloc((t->nops + 1) * sizeof(uint32_t)); /* each chunk is released once */
    out->end_live = malloc((t->nslots > 0 ? t->nslots : 1) * sizeof(uint32_t));
    out->nend = 0;
    if (head == NULL || next == NULL || prev == NULL || out->first == NULL || out->release == NULL
        || out->end_live == NULL)
        goto done;
    for (uint32_t c = 0; c < t->ncontexts; c++)
        head[c] = AB_NO_CONTEXT;
    for (size_t i = 0; i < t->nops; i++)
    {
        uint32_t id = AB_PLACEMENT_CONTEXT(t->placement[i]);
        uint32_t s = AB_OP_SLOT(t->ops[i]);

        out->first[i] = (uint32_t) nrelease;
        switch (AB_OP_KIND(t->ops[i]))
        {
            case AB_OP_ALLOC:
            case AB_OP_ALLOC_ZEROED:
                prev[s] = AB_NO_CONTEXT;
                next[s] = head[id];
                if (head[id] != AB_NO_CONTEXT)
                    prev[head[id]] = s;
                head[id] = s;
                break;
            case AB_OP_FREE:
                if (prev[s] != AB_NO_CONTEXT)
                    next[prev[s]] = next[s];
                else
                    head[id] = next[s];
                if (next[s] != AB_NO_CONTEXT)
                    prev[next[s]] = prev[s];
                break;
            case AB_OP_RESET:
            case AB_OP_DELETE:
            {
                const uint32_t *list = t->plan->sweep + sweep_at;

                for (uint32_t k = 1; k <= list[0]; k++)
                {
                    for (uint32_t live = head[list[k]]; live != AB_NO_CONTEXT; live = next[live])
                        out->release[nrelease++] = live;
                    head[list[k]] = AB_NO_CONTEXT;
                }
                sweep_at += 1 + list[0];
                break;
            }
            default: /* r keeps its slot's context; c releases nothing */
                break;
        }
    }
    out->first[t->nops] = (uint32_t) nrelease;
    for (uint32_t c = 0; c < t->ncontexts; c++)
        for (uint32_t live = head[c]; live != AB_NO_CONTEXT; live = next[live])
            out->end_live[out->nend++] = live;
    rc = AB_OK;
done:
    free(head);
    free(next);
    free(prev);
    if (rc != AB_OK)
    {
        ab_tree_releases_free(out);
        ab_error_set(rc, NULL, "out of memory (the release plan of a trace of %zu ops)", t->nops);
    }
    return rc;
}

void ab_tree_releases_free(TreeReleases *releases)
{
    free(releases->first);
    free(releases->release);
    free(releases->end_live);
    releases->first = releases->release = releases->end_live = NULL;
    releases->nend = 0;
}

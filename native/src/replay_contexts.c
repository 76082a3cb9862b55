/*
 * replay_contexts.c -- the context lanes of a replay: which kind of context
 * each lane makes (AllocSet, Generation, Slab, Bump), whether the kind can
 * replay the trace at all, and Slab's chunk size per context.
 *
 * All four lanes run the same loop (the AllocSet lane's): ab_alloc, ab_free,
 * ab_realloc, ab_reset and ab_delete dispatch on the context's kind, so only
 * the making of a context differs.  What a kind cannot do is found out here,
 * by one pass over the ops before anything is timed, so a lane either runs
 * the whole trace or refuses it with the reason (AB_ERR_NOT_APPLICABLE):
 * never a replay that fails half-way, or one that silently skips the ops it
 * cannot do.
 */
#include <stdlib.h>

#include "replay_contexts.h"

/* What a Slab context with no allocation gets: any size would do; this one is documented. */
#define SLAB_IDLE_CHUNK 8

bool ab_replay_is_context_lane(int allocator)
{
    return allocator == AB_REPLAY_ASET || allocator == AB_REPLAY_GENERATION || allocator == AB_REPLAY_SLAB
        || allocator == AB_REPLAY_BUMP;
}

static __attribute__((format(printf, 2, 3))) int not_applicable(const char *kind, const char *fmt, ...)
{
    va_list args;
    char where[64];
    int rc;

    snprintf(where, sizeof(where), "not applicable to %s", kind);
    va_start(args, fmt);
    rc = ab_error_vfail_in(AB_ERR_NOT_APPLICABLE, where, fmt, args);
    va_end(args);
    return rc;
}

static int bump_applicable(const uint64_t *ops, size_t nops)
{
    for (size_t i = 0; i < nops; i++)
    {
        if (AB_OP_KIND(ops[i]) == AB_OP_FREE)
            return not_applicable("Bump", "op %zu frees a chunk, and pfree is not supported by the bump memory"
                                  " allocator", i);
        if (AB_OP_KIND(ops[i]) == AB_OP_REALLOC)
            return not_applicable("Bump", "op %zu resizes a chunk, and realloc is not supported by the bump memory"
                                  " allocator", i);
    }
    return AB_OK;
}

/* Each context's one chunk size into chunk[ncontexts]; then a trial context of each size, to see it fits a block. */
static int slab_applicable(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t ncontexts,
                           const AbContextSpec *contexts, size_t root_init_block, size_t *chunk)
{
    for (size_t i = 0; i < nops; i++)
    {
        unsigned kind = AB_OP_KIND(ops[i]);
        uint32_t id = placement != NULL ? AB_PLACEMENT_CONTEXT(placement[i]) : 0;
        size_t size = AB_OP_SIZE(ops[i]);

        if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED)
        {
            if (chunk[id] == 0)
                chunk[id] = size;
            else if (size != chunk[id])
                return not_applicable("Slab", "op %zu asks for %zu bytes in context %u, whose first chunk was %zu"
                                      " bytes (unexpected alloc chunk size %zu (expected %zu))", i, size, id,
                                      chunk[id], size, chunk[id]);
        }
        else if (kind == AB_OP_REALLOC && size != chunk[id])
            return not_applicable("Slab", "op %zu resizes a chunk of context %u from %zu to %zu bytes (slab allocator"
                                  " does not support realloc())", i, id, chunk[id], size);
    }
    for (uint32_t id = 0; id < ncontexts; id++)
    {
        size_t block = id == 0 || contexts == NULL ? root_init_block : contexts[id].init_block;
        AbContext *trial;

        if (chunk[id] == 0)
            chunk[id] = SLAB_IDLE_CHUNK;
        if ((trial = ab_slab_create(NULL, "trial", block, chunk[id])) == NULL)
            return not_applicable("Slab", "context %u: %s", id, ab_error_message());
        ab_delete(trial);
    }
    return AB_OK;
}

int ab_context_lane_init(ContextLane *lane, int allocator, const uint64_t *ops, const uint32_t *placement,
                         size_t nops, uint32_t ncontexts, const AbContextSpec *contexts, size_t root_init_block,
                         const AbBlockSource *source)
{
    int rc;

    *lane = (ContextLane) {.allocator = allocator, .source = source};
    switch (allocator)
    {
        case AB_REPLAY_BUMP:
            return bump_applicable(ops, nops);
        case AB_REPLAY_SLAB:
            lane->slab_chunk = ab_replay_zeroed_array(ncontexts, sizeof(size_t), "Slab chunk sizes");
            if (lane->slab_chunk == NULL)
                return AB_ERR_OUT_OF_MEMORY;
            if ((rc = slab_applicable(ops, placement, nops, ncontexts, contexts, root_init_block,
                                      lane->slab_chunk)) != AB_OK)
                ab_context_lane_free(lane);
            return rc;
        default:
            return AB_OK;
    }
}

void ab_context_lane_free(ContextLane *lane)
{
    free(lane->slab_chunk);
    lane->slab_chunk = NULL;
}

AbContext *ab_context_lane_create(const ContextLane *lane, uint32_t id, AbContext *parent, const char *name,
                                  size_t min_ctx, size_t init_block, size_t max_block)
{
    switch (lane->allocator)
    {
        case AB_REPLAY_GENERATION:
            return ab_generation_create(parent, name, min_ctx, init_block, max_block);
        case AB_REPLAY_SLAB:
            return ab_slab_create(parent, name, init_block, lane->slab_chunk[id]);
        case AB_REPLAY_BUMP:
            return ab_bump_create(parent, name, min_ctx, init_block, max_block);
        default:
            return lane->source == NULL
                ? ab_aset_create(parent, name, min_ctx, init_block, max_block)
                : ab_aset_create_with_source(parent, name, min_ctx, init_block, max_block, lane->source);
    }
}

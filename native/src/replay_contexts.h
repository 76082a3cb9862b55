/*
 * replay_contexts.h -- the context lanes of a replay (replay_contexts.c):
 * what kind of context each makes, and whether it can replay a trace.
 */
#ifndef AB_REPLAY_CONTEXTS_H
#define AB_REPLAY_CONTEXTS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "replay_internal.h"

typedef struct ContextLane
{
    int      allocator;                 /* AB_REPLAY_ASET, _GENERATION, _SLAB or _BUMP */
    size_t  *slab_chunk;                /* Slab: [ncontexts], each context's one chunk size; else NULL */
    const AbBlockSource *source;        /* the AllocSet's blocks (NULL: malloc; only tests give another) */
} ContextLane;

/* AB_REPLAY_ASET, _GENERATION, _SLAB or _BUMP: the lanes that run the AllocSet lane's loop. */
bool ab_replay_is_context_lane(int allocator);

/*
 * Prepares the lane of allocator for a trace (placement and contexts NULL for
 * version 1: one context): AB_OK, AB_ERR_NOT_APPLICABLE with the reason, or
 * AB_ERR_OUT_OF_MEMORY.  Free with ab_context_lane_free (after AB_OK).
 */
int ab_context_lane_init(ContextLane *lane, int allocator, const uint64_t *ops, const uint32_t *placement,
                         size_t nops, uint32_t ncontexts, const AbContextSpec *contexts, size_t root_init_block,
                         const AbBlockSource *source);
void ab_context_lane_free(ContextLane *lane);

/* Context id of the trace (0: the root), of the lane's kind, with the given sizes; NULL with the error set. */
AbContext *ab_context_lane_create(const ContextLane *lane, uint32_t id, AbContext *parent, const char *name,
                                  size_t min_ctx, size_t init_block, size_t max_block);

#endif /* AB_REPLAY_CONTEXTS_H */

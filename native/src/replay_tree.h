/*
 * replay_tree.h -- what the version 2 replay files share: the validator's
 * result (replay_tree_validate.c) and the replay over it (replay_tree.c).
 */
#ifndef AB_REPLAY_TREE_H
#define AB_REPLAY_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "replay_contexts.h"

#define AB_NO_CONTEXT UINT32_MAX

/*
 * What validation learns and the replay needs, so that the timed loop walks
 * no tree: for each R and d, in trace order, the contexts whose live chunks
 * it releases (the context, then every descendant deleted with it), as
 * sweep = [n, id1 .. idn, n, ...]; and each context's lifetime, to check
 * counter points before a run: live before op p iff born <= p <= died.
 */
typedef struct TreePlan
{
    uint32_t *sweep;
    size_t    nsweep;
    uint64_t *born;   /* [ncontexts]: index of its c + 1 (0 for the root); UINT64_MAX if never created */
    uint64_t *died;   /* [ncontexts]: index of the R or d that deleted it; UINT64_MAX if never */
} TreePlan;

/* Validates; with plan non-NULL also fills it (free with ab_tree_plan_free).  AB_OK or the first error. */
int ab_tree_validate(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                     const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads, TreePlan *plan);
void ab_tree_plan_free(TreePlan *plan);

/* replay_tree.c: one version 2 trace's replay, everything validated. */
typedef struct TreeTrace
{
    const uint64_t      *ops;
    const uint32_t      *placement;
    size_t               nops;
    uint32_t             nslots, ncontexts, nthreads;
    const AbContextSpec *contexts; /* names owned by the trace */
    const TreePlan      *plan;
} TreeTrace;

/*
 * Lanes: AB_REPLAY_ASET, AB_REPLAY_MALLOC, AB_REPLAY_HEAP (heap required; one trace thread only) and
 * AB_REPLAY_FLOOR (floor required: ab_floor_make_tree's state of this trace).
 */
int ab_tree_replay(const TreeTrace *trace, int allocator, size_t min_ctx, size_t init_block, size_t max_block,
                   const AbHeapApi *heap, const FloorState *floor, int iterations, uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                   AbCounters *stats_before_delete, const AbCounterPoint *points, size_t npoints,
                   AbCounters *counters);

/* replay_threads.c: nthreads > 1, one pthread per trace thread (points already checked against lifetimes). */
int ab_tree_replay_threads(const TreeTrace *trace, int allocator, const ContextLane *contexts, const size_t sizes[3],
                           const FloorState *floor,
                           int iterations,
                           uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                           const AbCounterPoint *points, size_t npoints, AbCounters *counters);

/*
 * replay_tree_releases.c: what the allocators without contexts (the malloc lane, the floor) free for each R
 * and d, and at the end, from the live set simulated once.  release[first[i] .. first[i + 1]) are the slots
 * op i releases (none but for R and d); end_live[0 .. nend) the slots live after the last op.
 */
typedef struct TreeReleases
{
    uint32_t *first;    /* [nops + 1] */
    uint32_t *release;  /* each slot released at most once per live period */
    uint32_t *end_live;
    uint32_t  nend;
} TreeReleases;

/* AB_OK, or AB_ERR_OUT_OF_MEMORY with the error set and nothing held. */
int ab_tree_releases(const TreeTrace *trace, TreeReleases *out);
void ab_tree_releases_free(TreeReleases *releases);

/*
 * replay_tree_floor.c: the floor's state of a version 2 trace; its plan is indexed by op (the offset of
 * each a, z, r; 0 for the others).  NULL with the error set.
 */
FloorState *ab_floor_make_tree(const TreeTrace *trace);

#endif /* AB_REPLAY_TREE_H */

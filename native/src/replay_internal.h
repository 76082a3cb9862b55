/*
 * replay_internal.h -- what the whole-trace replay files share (replay.c
 * gives the overview): the checks every entry point makes, the floor's
 * state, and the loop over validated ops.
 */
#ifndef AB_REPLAY_INTERNAL_H
#define AB_REPLAY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aset_internal.h"

/* replay.c: what every entry point checks and uses. */

/* allocator is a lane, heap complete for AB_REPLAY_HEAP, iterations >= 1, ns_per_iteration given. */
int ab_replay_check_run_arguments(int allocator, const AbHeapApi *heap, int iterations,
                                  const uint64_t *ns_per_iteration);
/* count zeroed entries (written, not calloc'd: see there); NULL with the error set, naming what. */
void *ab_replay_zeroed_array(size_t count, size_t size, const char *what);
/*
 * ab_replay with the AllocSet's blocks taken from source (NULL: malloc).  Not
 * exported (no AB_API, so hidden in the .so): test_replay_failures.c, which
 * links the sources statically, uses it to count the blocks a replay takes
 * and to make them fail.
 */
int ab_replay_with_source(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                          size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                          const AbBlockSource *source, int iterations, uint64_t *ns_per_iteration,
                          uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                          uint64_t *latency_ns, uint64_t *timer_overhead_ns);

/* replay_validate.c: ops may be NULL only for an empty trace; 1 <= nslots <= AB_REPLAY_MAX_SLOTS. */
int ab_replay_check_shape(const uint64_t *ops, size_t nops, uint32_t nslots);
/* ab_replay_check_shape, then every op checked: AB_OK, or the first bad op's error. */
int ab_replay_validate_trace(const uint64_t *ops, size_t nops, uint32_t nslots);

/*
 * replay_floor.c: the floor's plan and its region, touched in full so that
 * the floor never faults.  Made before anything is timed: once per ab_replay
 * call, and once per validated trace (kept with it, see replay_trace.c), so
 * a caller timing whole calls from outside (JMH) does not time the plan.
 */
typedef struct FloorState
{
    uint64_t      *plan;    /* [handed-out ops]: offsets into region */
    unsigned char *region;
} FloorState;

/* The state of validated ops; NULL with the error set (out of memory). */
FloorState *ab_floor_make(const uint64_t *ops, size_t nops, uint32_t nslots);
void ab_floor_free(FloorState *floor);

/*
 * replay_loop.c: replays validated ops (the arguments checked) iterations
 * times; floor is the trace's own floor state, or NULL to make one for this
 * call if the lane needs it.
 */
int ab_replay_run_validated(const uint64_t *ops, size_t nops, uint32_t nslots, int allocator,
                            size_t min_ctx, size_t init_block, size_t max_block, const AbHeapApi *heap,
                            const AbBlockSource *source, const FloorState *floor, int iterations,
                            uint64_t *ns_per_iteration, uint64_t *minflt_per_iteration,
                            AbCounters *stats_before_delete, uint64_t *latency_ns, uint64_t *timer_overhead_ns);

/* Fails with AB_ERR_INVALID_ARGUMENT: "invalid trace at op INDEX: <fmt>" (replay_validate.c). */
int ab_invalid_op(size_t index, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* AB_REPLAY_INTERNAL_H */

/*
 * scaled_replay.h -- thread scaling for the whole-trace runner: one trace
 * replayed by N threads at once, each with its own context (an AllocSet, a
 * mimalloc heap) or the process's malloc, as a server's worker threads would.
 */
#ifndef SCALED_REPLAY_H
#define SCALED_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "allocbench.h"

typedef int (*TraceReplayFn)(const AbTrace *, int, size_t, size_t, size_t, const AbHeapApi *, int, uint64_t *,
                             uint64_t *, AbCounters *, uint64_t *, uint64_t *);
typedef const char *(*ErrorMessageFn)(void);

/* What a scaled replay gave, per iteration, and the proof that making the threads was not timed. */
typedef struct ScaledOutcome
{
    uint64_t  *wall_ns;        /* [iterations]: first thread's start to last thread's end */
    uint64_t  *minflt;         /* [iterations]: every thread's minor faults, summed */
    uint64_t  *thread_ns;      /* [iterations * threads]: each thread's own time, iteration-major */
    AbCounters stats;          /* the threads' counters before the last delete, summed */
    uint64_t   last_created;   /* CLOCK_MONOTONIC when the last thread began to run */
    uint64_t   first_start;    /* CLOCK_MONOTONIC when the first timed iteration began on any thread */
} ScaledOutcome;

/*
 * Makes `threads` threads, lets each replay `trace` through `lane` for
 * `iterations` iterations (each iteration behind a barrier all of them pass
 * together, so an iteration's wall time is N replays at once), and joins
 * them.  Returns AB_OK, or an error code with the first failing thread's
 * message in `error`.  The out arrays in `outcome` are the caller's.
 */
int scaled_replay(TraceReplayFn replay, ErrorMessageFn error_message, const AbTrace *trace, int lane,
                  const AbHeapApi *heap, int threads, int iterations, ScaledOutcome *outcome, char *error,
                  size_t errlen);

#endif /* SCALED_REPLAY_H */

/*
 * scaled_replay.c -- N threads replaying one trace at once, for the scale
 * campaign's whole-trace C lanes.
 *
 * Why barriers around every iteration.  Creating a thread costs tens of
 * microseconds and a first touch of its stack; a scaling figure must not
 * carry it.  The threads are made once per cell (per trace in this process)
 * and each waits at a barrier before every iteration, so all N start an
 * iteration together and the iteration's wall time is N replays running at
 * once, not a straggler's tail.  Each thread records when it began to run
 * and when it started its first timed iteration: the caller can check (and
 * a test does) that every thread existed before any timing began.
 *
 * Each thread calls the library's ab_trace_replay for one iteration at a
 * time: the same loop, context creation and end as the one-thread lane.
 * The trace is read-only (ab_trace_create's copy), so the threads share it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scaled_replay.h"

typedef struct Worker
{
    pthread_t        thread;
    int              index;
    TraceReplayFn    replay;
    ErrorMessageFn   error_message;
    const AbTrace   *trace;
    int              lane;
    const AbHeapApi *heap;
    int              iterations;
    pthread_barrier_t *start, *end;
    uint64_t        *begin_ns, *end_ns, *minflt; /* [iterations] */
    uint64_t         created_ns;
    AbCounters       stats;
    int              rc;
    char             error[512];
} Worker;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void *work(void *argument)
{
    Worker *w = argument;

    w->created_ns = now_ns();
    for (int i = 0; i < w->iterations; i++)
    {
        uint64_t ns = 0;

        pthread_barrier_wait(w->start);
        w->begin_ns[i] = now_ns();
        if (w->rc == AB_OK)
        {
            memset(&w->stats, 0, sizeof(w->stats));
            w->rc = w->replay(w->trace, w->lane, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                              w->heap, 1, &ns, &w->minflt[i], &w->stats, NULL, NULL);
            if (w->rc != AB_OK)
                snprintf(w->error, sizeof(w->error), "thread %d, iteration %d: %s", w->index, i,
                         w->error_message());
        }
        w->end_ns[i] = now_ns();
        pthread_barrier_wait(w->end); /* a failed thread keeps passing the barriers, so no one waits forever */
    }
    return NULL;
}

int scaled_replay(TraceReplayFn replay, ErrorMessageFn error_message, const AbTrace *trace, int lane,
                  const AbHeapApi *heap, int threads, int iterations, ScaledOutcome *outcome, char *error,
                  size_t errlen)
{
    pthread_barrier_t start, end;
    Worker *workers = calloc((size_t) threads, sizeof(Worker));
    uint64_t *times = calloc((size_t) threads * (size_t) iterations * 3, sizeof(uint64_t));
    int created = 0, rc = AB_OK;

    if (workers == NULL || times == NULL)
    {
        free(workers);
        free(times);
        snprintf(error, errlen, "out of memory for %d threads", threads);
        return AB_ERR_OUT_OF_MEMORY;
    }
    pthread_barrier_init(&start, NULL, (unsigned) threads + 1);
    pthread_barrier_init(&end, NULL, (unsigned) threads + 1);
    for (; created < threads; created++)
    {
        Worker *w = &workers[created];

        w->index = created;
        w->replay = replay;
        w->error_message = error_message;
        w->trace = trace;
        w->lane = lane;
        w->heap = heap;
        w->iterations = iterations;
        w->start = &start;
        w->end = &end;
        w->begin_ns = times + (size_t) created * (size_t) iterations * 3;
        w->end_ns = w->begin_ns + iterations;
        w->minflt = w->end_ns + iterations;
        if (pthread_create(&w->thread, NULL, work, w) != 0)
            break;
    }
    if (created < threads)
    {
        /* the ones made are waiting at the first barrier, which needs threads + 1: they cannot be released */
        snprintf(error, errlen, "could not create thread %d of %d", created + 1, threads);
        fprintf(stderr, "allocbench-replay: %s\n", error);
        fflush(stdout);
        _exit(3);
    }
    for (int i = 0; i < iterations; i++)
    {
        uint64_t first = UINT64_MAX, last = 0, faults = 0;

        pthread_barrier_wait(&start);
        pthread_barrier_wait(&end);
        for (int t = 0; t < threads; t++)
        {
            Worker *w = &workers[t];

            first = w->begin_ns[i] < first ? w->begin_ns[i] : first;
            last = w->end_ns[i] > last ? w->end_ns[i] : last;
            faults += w->minflt[i];
            outcome->thread_ns[(size_t) i * (size_t) threads + (size_t) t] = w->end_ns[i] - w->begin_ns[i];
        }
        outcome->wall_ns[i] = last - first;
        outcome->minflt[i] = faults;
    }
    memset(&outcome->stats, 0, sizeof(outcome->stats));
    outcome->last_created = 0;
    outcome->first_start = UINT64_MAX;
    for (int t = 0; t < threads; t++)
    {
        Worker *w = &workers[t];

        pthread_join(w->thread, NULL);
        outcome->last_created = w->created_ns > outcome->last_created ? w->created_ns : outcome->last_created;
        outcome->first_start = w->begin_ns[0] < outcome->first_start ? w->begin_ns[0] : outcome->first_start;
        outcome->stats.nblocks += w->stats.nblocks;
        outcome->stats.freechunks += w->stats.freechunks;
        outcome->stats.totalspace += w->stats.totalspace;
        outcome->stats.freespace += w->stats.freespace;
        outcome->stats.usedspace += w->stats.usedspace;
        if (w->rc != AB_OK && rc == AB_OK)
        {
            rc = w->rc;
            snprintf(error, errlen, "%s", w->error);
        }
    }
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&end);
    free(workers);
    free(times);
    return rc;
}

/*
 * replay_threads.c -- a version 2 trace of several threads, each trace
 * thread on a pthread of its own (docs/trace-format.md, "Threads and
 * order").  The order the format demands is precomputed as wait targets:
 * every thread publishes how many of its ops it has finished (an atomic
 * counter, release), and before an op a thread waits (acquire; spin, then
 * sched_yield) until the threads it depends on have finished enough:
 *
 *   - the previous op on the same slot (another thread's);
 *   - for the AllocSet lane (not thread-safe), the previous op on the same
 *     context;
 *   - c, R, d run alone: they wait for every op before them on every thread,
 *     and the first op of each other thread after them waits for them.
 *
 * The floor lane (no allocator) hands out the addresses of its plan, which
 * is indexed by op, so it needs no order of its own; it keeps no live set
 * here (nor do the other lanes: the releases are planned), so it does the
 * same bookkeeping as they do: the waits, the slots, the touches.
 *
 * Ops of one thread are in program order, so one target per other thread
 * is enough and most ops have none.  The malloc lane's live chunks at each
 * R, d and at the end are computed before the run (a simulation of the
 * live set), so no thread touches a shared live list during the run.
 *
 * Threads are created before the first iteration and started together per
 * iteration; an iteration's time runs from their release to the last one's
 * end.  Counter points are read by the thread of the c, R or d they precede
 * (every other thread is waiting then) or at the end; other points are
 * refused.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "replay_tree.h"

typedef struct Wait
{
    uint32_t thread;
    uint32_t count;
} Wait;

typedef struct Lane
{
    uint32_t *ops;        /* op indices of this thread, in order */
    uint32_t *first_wait; /* [n + 1] */
    Wait     *waits;
    uint32_t  n, cap, nwaits, wait_cap;
} Lane;

typedef struct ThreadRun ThreadRun;

typedef struct Worker
{
    ThreadRun *run;
    uint32_t   id;
    pthread_t  thread;
    int        rc;
    size_t     failed;
    uint64_t   excluded;
    char       message[256]; /* the error slot is per thread: the failed call's message, copied for the caller */
} Worker;

struct ThreadRun
{
    const TreeTrace *t;
    int              lane;
    const ContextLane *contexts;  /* the context lanes' kind */
    Lane            *lanes;       /* [nthreads] */
    TreeReleases     releases;    /* the malloc lane's chunks each R/d frees, and those live at the end */
    void           **chunk;       /* [nslots] */
    const uint64_t  *plan;        /* the floor's: [nops] offsets into region */
    unsigned char   *region;
    AbContext      **ctx;         /* [ncontexts] */
    const AbCounterPoint *points;
    size_t           npoints;
    size_t           next_point;  /* advanced only by c, R, d, which run alone and in trace order */
    AbCounters      *counters;
    bool             last;
    Worker          *workers;
    _Atomic uint32_t *done;       /* [nthreads] */
    _Atomic int      go;          /* iteration + 1 to start, -1 to exit */
    _Atomic uint32_t finished;
    _Atomic int      stop;        /* a thread failed: everybody leaves */
};

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline void touch(void *pointer, size_t size)
{
    volatile unsigned char *bytes = pointer;

    bytes[0] = 1;
    bytes[size - 1] = 1;
}

/* Spin a little, then yield: the host may have fewer cores than the trace has threads. */
static inline void pause_a_while(unsigned *spins)
{
    if (++*spins < 256)
    {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    else
        sched_yield();
}

static void *grow(void *array, uint32_t *cap, size_t size)
{
    uint32_t bigger = *cap < 16 ? 16 : *cap * 2;
    void *grown = realloc(array, (size_t) bigger * size);

    if (grown != NULL)
        *cap = bigger;
    return grown;
}

static int add_wait(Lane *lane, uint32_t thread, uint32_t count)
{
    for (uint32_t k = lane->first_wait[lane->n]; k < lane->nwaits; k++)
        if (lane->waits[k].thread == thread)
        {
            if (lane->waits[k].count < count)
                lane->waits[k].count = count;
            return AB_OK;
        }
    if (lane->nwaits == lane->wait_cap)
    {
        Wait *grown = grow(lane->waits, &lane->wait_cap, sizeof(Wait));

        if (grown == NULL)
            return AB_ERR_OUT_OF_MEMORY;
        lane->waits = grown;
    }
    lane->waits[lane->nwaits++] = (Wait) {thread, count};
    return AB_OK;
}

typedef struct Last
{
    uint32_t thread; /* UINT32_MAX: none */
    uint32_t count;
} Last;

/* The wait targets of every op, per thread. */
static int plan_waits(ThreadRun *r)
{
    const TreeTrace *t = r->t;
    Last *slot = malloc(t->nslots * sizeof(Last));
    Last *context = malloc(t->ncontexts * sizeof(Last));
    uint32_t *fence_seen = calloc(t->nthreads, sizeof(uint32_t));
    Last fence = {UINT32_MAX, 0};
    uint32_t fences = 0;
    int rc = AB_ERR_OUT_OF_MEMORY;

    if (slot == NULL || context == NULL || fence_seen == NULL)
        goto done;
    for (uint32_t s = 0; s < t->nslots; s++)
        slot[s].thread = UINT32_MAX;
    for (uint32_t c = 0; c < t->ncontexts; c++)
        context[c].thread = UINT32_MAX;
    for (size_t i = 0; i < t->nops; i++)
    {
        uint32_t th = AB_PLACEMENT_THREAD(t->placement[i]);
        uint32_t id = AB_PLACEMENT_CONTEXT(t->placement[i]);
        unsigned kind = AB_OP_KIND(t->ops[i]);
        Lane *lane = &r->lanes[th];

        if (lane->n + 1 >= lane->cap)
        {
            uint32_t cap = lane->cap;
            uint32_t *ops = grow(lane->ops, &cap, sizeof(uint32_t));

            if (ops == NULL)
                goto done;
            lane->ops = ops;
            cap = lane->cap;
            if ((ops = grow(lane->first_wait, &cap, sizeof(uint32_t))) == NULL)
                goto done;
            lane->first_wait = ops;
            lane->cap = cap;
        }
        lane->first_wait[lane->n] = lane->nwaits;
        if (kind >= AB_OP_RESET)
        {
            for (uint32_t u = 0; u < t->nthreads; u++)
                if (u != th && r->lanes[u].n > 0 && add_wait(lane, u, r->lanes[u].n) != AB_OK)
                    goto done;
            fence = (Last) {th, lane->n + 1};
            fences++;
            fence_seen[th] = fences;
        }
        else
        {
            Last *s = &slot[AB_OP_SLOT(t->ops[i])];

            if (fence_seen[th] != fences)
            {
                fence_seen[th] = fences;
                if (fence.thread != th && add_wait(lane, fence.thread, fence.count) != AB_OK)
                    goto done;
            }
            if (s->thread != UINT32_MAX && s->thread != th && add_wait(lane, s->thread, s->count) != AB_OK)
                goto done;
            *s = (Last) {th, lane->n + 1};
            if (r->lane == AB_REPLAY_ASET)
            {
                Last *c = &context[id];

                if (c->thread != UINT32_MAX && c->thread != th && add_wait(lane, c->thread, c->count) != AB_OK)
                    goto done;
                *c = (Last) {th, lane->n + 1};
            }
        }
        lane->ops[lane->n++] = (uint32_t) i;
        lane->first_wait[lane->n] = lane->nwaits;
    }
    rc = AB_OK;
done:
    free(slot);
    free(context);
    free(fence_seen);
    if (rc != AB_OK)
        ab_error_set(rc, NULL, "out of memory (the thread plan of a trace of %zu ops)", t->nops);
    return rc;
}

/*
 * Reads the counter points that precede op index, a c, R or d: every other
 * thread waits then, and these ops run one at a time in trace order, so a
 * shared cursor into the sorted points is enough.
 */
static uint64_t read_points(ThreadRun *r, size_t index)
{
    uint64_t start = now_ns();

    while (r->next_point < r->npoints && r->points[r->next_point].before_op <= index)
    {
        const AbCounterPoint *point = &r->points[r->next_point];

        if (point->before_op == index && r->lane == AB_REPLAY_ASET)
            ab_stats(r->ctx[point->context], 0, &r->counters[r->next_point]);
        r->next_point++;
    }
    return now_ns() - start;
}

/* One op; AB_OK or the code of a failed call. */
static int run_op(ThreadRun *r, Worker *w, size_t i)
{
    uint64_t op = r->t->ops[i];
    uint32_t s = AB_OP_SLOT(op);
    size_t size = AB_OP_SIZE(op);
    uint32_t id = AB_PLACEMENT_CONTEXT(r->t->placement[i]);
    bool aset = r->lane == AB_REPLAY_ASET;
    bool floor = r->lane == AB_REPLAY_FLOOR;
    void *p;

    switch (AB_OP_KIND(op))
    {
        case AB_OP_ALLOC:
            p = aset ? ab_alloc(r->ctx[id], size) : floor ? r->region + r->plan[i] : malloc(size);
            goto added;
        case AB_OP_ALLOC_ZEROED:
            p = aset ? ab_alloc0(r->ctx[id], size) : floor ? r->region + r->plan[i] : calloc(1, size);
            goto added;
        case AB_OP_REALLOC:
            p = aset ? ab_realloc(r->chunk[s], size) : floor ? r->region + r->plan[i] : realloc(r->chunk[s], size);
        added:
            if (p == NULL)
                return aset ? ab_error_code() : AB_ERR_OUT_OF_MEMORY;
            touch(p, size);
            r->chunk[s] = p;
            return AB_OK;
        case AB_OP_FREE:
            if (aset)
                return ab_free(r->chunk[s]);
            if (!floor)
                free(r->chunk[s]);
            return AB_OK;
        default:
            break;
    }
    if (r->last && r->npoints != 0)
        w->excluded += read_points(r, i);
    switch (AB_OP_KIND(op))
    {
        case AB_OP_CREATE:
            if (aset)
            {
                const AbContextSpec *spec = &r->t->contexts[id];

                r->ctx[id] = ab_context_lane_create(r->contexts, id, r->ctx[spec->parent], spec->name,
                                                    spec->min_ctx, spec->init_block, spec->max_block);
                if (r->ctx[id] == NULL)
                    return ab_error_code();
            }
            return AB_OK;
        case AB_OP_RESET:
        case AB_OP_DELETE:
            if (aset)
            {
                if (AB_OP_KIND(op) == AB_OP_RESET)
                    ab_reset(r->ctx[id]);
                else
                    ab_delete(r->ctx[id]);
            }
            else if (!floor)
                for (uint32_t k = r->releases.first[i]; k < r->releases.first[i + 1]; k++)
                    free(r->chunk[r->releases.release[k]]);
            return AB_OK;
        default:
            return AB_OK;
    }
}

/* One iteration of one thread: wait for each op's targets, run it, publish. */
static void run_lane(ThreadRun *r, Worker *w)
{
    const Lane *lane = &r->lanes[w->id];

    for (uint32_t k = 0; k < lane->n; k++)
    {
        for (uint32_t x = lane->first_wait[k]; x < lane->first_wait[k + 1]; x++)
        {
            unsigned spins = 0;

            while (atomic_load_explicit(&r->done[lane->waits[x].thread], memory_order_acquire)
                   < lane->waits[x].count)
            {
                if (atomic_load_explicit(&r->stop, memory_order_relaxed))
                    return;
                pause_a_while(&spins);
            }
        }
        if ((w->rc = run_op(r, w, lane->ops[k])) != AB_OK)
        {
            snprintf(w->message, sizeof(w->message), "%s",
                     r->lane == AB_REPLAY_ASET ? ab_error_message() : "out of memory");
            w->failed = lane->ops[k];
            atomic_store(&r->stop, 1);
            return;
        }
        atomic_store_explicit(&r->done[w->id], k + 1, memory_order_release);
    }
}

static void *worker_main(void *arg)
{
    Worker *w = arg;
    ThreadRun *r = w->run;
    int seen = 0;

    for (;;)
    {
        unsigned spins = 0;
        int go;

        while ((go = atomic_load_explicit(&r->go, memory_order_acquire)) == seen)
            pause_a_while(&spins);
        if (go < 0)
            return NULL;
        seen = go;
        w->rc = AB_OK;
        w->excluded = 0;
        run_lane(r, w);
        atomic_fetch_add_explicit(&r->finished, 1, memory_order_acq_rel);
    }
}

static void free_run(ThreadRun *r)
{
    if (r->lanes != NULL)
        for (uint32_t u = 0; u < r->t->nthreads; u++)
        {
            free(r->lanes[u].ops);
            free(r->lanes[u].first_wait);
            free(r->lanes[u].waits);
        }
    free(r->lanes);
    ab_tree_releases_free(&r->releases);
    free(r->chunk);
    free(r->ctx);
    free((void *) r->done);
    free(r->workers);
}

/* One iteration, all threads; the caller holds the threads started. */
static uint64_t process_minflt(void)
{
    struct rusage usage;

    return getrusage(RUSAGE_SELF, &usage) == 0 ? (uint64_t) usage.ru_minflt : 0;
}

static int run_iteration(ThreadRun *r, int it, const size_t sizes[3], AbCounters *stats, uint64_t *ns)
{
    uint64_t start, excluded = 0;
    unsigned spins = 0;
    int rc = AB_OK;

    if (r->lane == AB_REPLAY_ASET
        && (r->ctx[0] = ab_context_lane_create(r->contexts, 0, NULL, "replay", sizes[0], sizes[1], sizes[2])) == NULL)
        return ab_error_code();
    for (uint32_t u = 0; u < r->t->nthreads; u++)
        atomic_store(&r->done[u], 0);
    atomic_store(&r->finished, 0);
    r->next_point = 0;
    start = now_ns();
    atomic_store_explicit(&r->go, it + 1, memory_order_release);
    while (atomic_load_explicit(&r->finished, memory_order_acquire) < r->t->nthreads)
        pause_a_while(&spins);
    for (uint32_t u = 0; u < r->t->nthreads; u++)
    {
        excluded += r->workers[u].excluded;
        if (r->workers[u].rc != AB_OK && rc == AB_OK)
        {
            ab_error_set(r->workers[u].rc, NULL, "replay failed at op %zu (iteration %d, thread %u): %s",
                         r->workers[u].failed, it, u, r->workers[u].message);
            rc = r->workers[u].rc;
        }
    }
    if (rc == AB_OK && r->last)
    {
        uint64_t pause = now_ns();

        for (size_t k = 0; k < r->npoints; k++)
            if (r->points[k].before_op == r->t->nops && r->lane == AB_REPLAY_ASET)
                ab_stats(r->ctx[r->points[k].context], 0, &r->counters[k]);
        if (stats != NULL && r->lane == AB_REPLAY_ASET)
            ab_stats(r->ctx[0], 0, stats);
        excluded += now_ns() - pause;
    }
    if (r->lane == AB_REPLAY_ASET)
        ab_delete(r->ctx[0]);
    else if (rc == AB_OK && r->lane == AB_REPLAY_MALLOC)
        for (uint32_t k = 0; k < r->releases.nend; k++)
            free(r->chunk[r->releases.end_live[k]]);
    /* a failed malloc-lane iteration leaks what was live: the threads stopped at unknown points */
    *ns = now_ns() - start - excluded;
    return rc;
}

int ab_tree_replay_threads(const TreeTrace *trace, int allocator, const ContextLane *contexts, const size_t sizes[3],
                           const FloorState *floor, int iterations, uint64_t *ns_per_iteration,
                           uint64_t *minflt_per_iteration, AbCounters *stats_before_delete,
                           const AbCounterPoint *points, size_t npoints, AbCounters *counters)
{
    ThreadRun r = {.t = trace, .lane = allocator, .contexts = contexts, .points = points, .npoints = npoints,
                   .counters = counters};
    uint32_t started = 0;
    int rc = AB_ERR_OUT_OF_MEMORY;

    if (trace->nops > UINT32_MAX)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "a trace of several threads has at most %u ops, not %zu",
                     UINT32_MAX, trace->nops);
        return AB_ERR_INVALID_ARGUMENT;
    }
    for (size_t k = 0; k < npoints; k++)
    {
        uint64_t at = points[k].before_op;

        if (at < trace->nops && AB_OP_KIND(trace->ops[at]) < AB_OP_RESET)
        {
            ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                         "counter point %zu: before op %llu, which is not c, R or d (a trace of %u threads can be"
                         " read only where its threads wait)", k, (unsigned long long) at, trace->nthreads);
            return AB_ERR_INVALID_ARGUMENT;
        }
    }
    if (floor != NULL)
    {
        r.plan = floor->plan;
        r.region = floor->region;
    }
    atomic_init(&r.go, 0);
    atomic_init(&r.finished, 0);
    atomic_init(&r.stop, 0);
    r.lanes = calloc(trace->nthreads, sizeof(Lane));
    r.chunk = calloc(trace->nslots, sizeof(void *));
    r.ctx = calloc(trace->ncontexts, sizeof(AbContext *));
    r.done = calloc(trace->nthreads, sizeof(*r.done));
    r.workers = calloc(trace->nthreads, sizeof(Worker));
    if (r.lanes == NULL || r.chunk == NULL || r.ctx == NULL || r.done == NULL || r.workers == NULL)
    {
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay threads)");
        goto done;
    }
    if ((rc = plan_waits(&r)) != AB_OK || (rc = ab_tree_releases(r.t, &r.releases)) != AB_OK)
        goto done;
    for (; started < trace->nthreads; started++)
    {
        r.workers[started] = (Worker) {.run = &r, .id = started};
        if (pthread_create(&r.workers[started].thread, NULL, worker_main, &r.workers[started]) != 0)
        {
            ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "cannot start replay thread %u", started);
            rc = AB_ERR_OUT_OF_MEMORY;
            goto done;
        }
    }
    for (int it = 0; it < iterations && rc == AB_OK; it++)
    {
        uint64_t faults = minflt_per_iteration != NULL ? process_minflt() : 0;

        r.last = it == iterations - 1;
        rc = run_iteration(&r, it, sizes, stats_before_delete, &ns_per_iteration[it]);
        if (minflt_per_iteration != NULL)
            minflt_per_iteration[it] = process_minflt() - faults; /* the whole process's: every replay thread */
    }
done:
    atomic_store_explicit(&r.go, -1, memory_order_release);
    for (uint32_t u = 0; u < started; u++)
        pthread_join(r.workers[u].thread, NULL);
    free_run(&r);
    return rc;
}

/*
 * allocbench_replay.c -- the runner of the whole-trace C lanes: replays
 * traces through one allocator, entirely in C, in a process of its own.
 *
 * Why a process per allocator.  An allocator's speed on a trace depends on
 * the heap it starts from: which pages are mapped already, where glibc's
 * dynamic mmap threshold stands, what an earlier allocator left in the same
 * process.  So every allocator gets a fresh process (the campaign starts one
 * per allocator and fork), with glibc's mmap and trim thresholds pinned by
 * the parent through GLIBC_TUNABLES, and no allocator inherits another's
 * heap.
 *
 * Why it loads liballocbench.so instead of linking the sources.  The replay
 * loop is ab_trace_replay of the very library the JVM loads (the main one, or
 * the pg15 variant), so the C lanes here and the in-JVM NativeReplay run the
 * same machine code; the runner only reads the traces, loads, and reports.
 *
 *   allocbench-replay [--threads N] LIBRARY LANE ITERATIONS OPS_FILE:NSLOTS [OPS_FILE:NSLOTS ...]
 *
 * LIBRARY is the path of liballocbench.so (or a variant).  LANE is one of
 *   aset           the library's AllocSet (ALLOCSET_DEFAULT_SIZES)
 *   malloc         the process's malloc, calloc, realloc and free: glibc's, or
 *                  a peer's that the parent preloads (LD_PRELOAD=libjemalloc.so.2)
 *   mimalloc-heap  mimalloc's heap API (mi_heap_new ... mi_heap_destroy),
 *                  from libmimalloc.so.2 (preloaded, or loaded here)
 *   floor          no allocator: the loop, the dispatch and the touches only
 *   generation, slab, bump   the library's other context kinds, as aset (allocbench.h's
 *                  AB_REPLAY_GENERATION ...): a trace the kind cannot replay is
 *                  "notapplicable", not an error
 * Each OPS_FILE holds a trace already parsed and validated by the parent:
 * little-endian 64-bit words in OpSequence's encoding (see allocbench.h).
 * --threads N (the scale campaign): N threads replay each trace at once, each
 * with its own context, made once per trace and released together for every
 * iteration (scaled_replay.c); an iteration's time is the wall time of the N
 * replays, its faults and counters the sum over threads.
 *
 * Protocol on stdout, one line each, flushed:
 *   "ready PID" once everything is loaded and every trace copied into memory
 *     (the parent may then delete the files), after which the runner reads
 *     one byte from stdin before it starts (EOF: the parent is gone, exit 4);
 *     from then on a thread watches stdin, and its end (the parent closed it,
 *     or died) ends the runner at once (exit 4): no runner outlives its parent;
 *   per trace, in the order given: "result K ns N1,N2,... minflt F1,F2,...
 *     stats TOTAL,BLOCKS,FREECHUNKS,FREE,USED rss R hwm H base B" (per-iteration
 *     nanoseconds and minor faults; the AllocSet's counters before the last
 *     delete, zeros for the other lanes; VmRSS after the trace's iterations,
 *     its peak VmHWM during them and VmRSS just before them, bytes, from
 *     /proc/self/status), and with
 *     --threads also " threadns T1,T2,... created C start S" (each thread's own
 *     time per iteration, iteration-major; when the last thread began to run
 *     and when the first timed iteration began, CLOCK_MONOTONIC ns);
 *   "done" at the end (exit 0), or "error K MESSAGE" (exit 3), or
 *   "notapplicable K MESSAGE" (exit 5: the lane cannot replay trace K by design, and
 *   said so before running it).
 * Usage errors go to stderr, exit 2.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocbench.h"
#include "ab_trace_file.h"
#include "scaled_replay.h"

#define MIMALLOC_LIBRARY "libmimalloc.so.2"

typedef AbTrace *(*TraceCreateFn)(const uint64_t *, size_t, uint32_t);
typedef AbTrace *(*TraceCreate2Fn)(const uint64_t *, const uint32_t *, size_t, uint32_t, const AbContextSpec *,
                                   uint32_t, uint32_t);
/* ab_trace_create2, looked up only when a version 2 file comes (a library older than version 2 still runs v1) */
static TraceCreate2Fn trace_create2;
static void *loaded_library;

static int usage(const char *fmt, const char *what) __attribute__((format(printf, 1, 0)));

static int usage(const char *fmt, const char *what)
{
    fprintf(stderr, "allocbench-replay: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\nusage: allocbench-replay [--threads N] LIBRARY aset|malloc|mimalloc-heap|floor|generation|slab|bump ITERATIONS"
                    " OPS_FILE:NSLOTS [OPS_FILE:NSLOTS ...]\n");
    return 2;
}

static void *symbol(void *library, const char *name, const char *from)
{
    void *address = dlsym(library, name);

    if (address == NULL)
        fprintf(stderr, "allocbench-replay: %s has no %s: %s\n", from, name, dlerror());
    return address;
}

/* mimalloc's heap API: from a preloaded libmimalloc, else loaded here. */
static int load_heap_api(AbHeapApi *api)
{
    void *library = dlopen(MIMALLOC_LIBRARY, RTLD_NOW | RTLD_GLOBAL);

    if (library == NULL)
    {
        fprintf(stderr, "allocbench-replay: cannot load %s (Debian package libmimalloc2.0): %s\n", MIMALLOC_LIBRARY,
                dlerror());
        return 0;
    }
    *(void **) &api->heap_new = symbol(library, "mi_heap_new", MIMALLOC_LIBRARY);
    *(void **) &api->heap_malloc = symbol(library, "mi_heap_malloc", MIMALLOC_LIBRARY);
    *(void **) &api->heap_zalloc = symbol(library, "mi_heap_zalloc", MIMALLOC_LIBRARY);
    *(void **) &api->heap_realloc = symbol(library, "mi_heap_realloc", MIMALLOC_LIBRARY);
    *(void **) &api->free = symbol(library, "mi_free", MIMALLOC_LIBRARY);
    *(void **) &api->heap_destroy = symbol(library, "mi_heap_destroy", MIMALLOC_LIBRARY);
    return api->heap_new && api->heap_malloc && api->heap_zalloc && api->heap_realloc && api->free
           && api->heap_destroy;
}

/* Reads "OPS_FILE:NSLOTS" into a validated trace; NULL after a message on stderr. */
static AbTrace *load_trace(const char *argument, TraceCreateFn create, ErrorMessageFn error_message)
{
    char path[4096];
    const char *colon = strrchr(argument, ':');
    char *end;
    unsigned long nslots;
    struct stat st;
    const uint64_t *ops;
    AbTrace *trace;
    int fd;

    if (colon == NULL || (size_t) (colon - argument) >= sizeof(path))
    {
        usage("expected OPS_FILE:NSLOTS, not \"%s\"", argument);
        return NULL;
    }
    memcpy(path, argument, (size_t) (colon - argument));
    path[colon - argument] = '\0';
    errno = 0;
    nslots = strtoul(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || nslots == 0 || nslots > AB_REPLAY_MAX_SLOTS)
    {
        usage("NSLOTS must be 1..16777216 in \"%s\"", argument);
        return NULL;
    }
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0)
    {
        fprintf(stderr, "allocbench-replay: cannot read %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (st.st_size == 0)
    {
        close(fd);
        trace = create(NULL, 0, (uint32_t) nslots);
    }
    else
    {
        AbTraceFile file;
        const char *problem;

        ops = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        close(fd);
        if (ops == MAP_FAILED)
        {
            fprintf(stderr, "allocbench-replay: cannot map %s: %s\n", path, strerror(errno));
            return NULL;
        }
        if ((problem = ab_trace_file_parse(ops, (uint64_t) st.st_size, &file)) != NULL)
        {
            munmap((void *) ops, (size_t) st.st_size);
            fprintf(stderr, "allocbench-replay: %s: %s\n", path, problem);
            return NULL;
        }
        if (file.version == 1)
            trace = create(file.ops, (size_t) file.nops, (uint32_t) nslots);
        else
        {
            if (trace_create2 == NULL)
                *(void **) &trace_create2 = dlsym(loaded_library, "ab_trace_create2");
            if (trace_create2 == NULL)
            {
                ab_trace_file_free(&file);
                munmap((void *) ops, (size_t) st.st_size);
                fprintf(stderr, "allocbench-replay: %s is a version 2 trace; this library cannot replay it\n", path);
                return NULL;
            }
            trace = trace_create2(file.ops, file.placement, (size_t) file.nops, (uint32_t) nslots, file.contexts,
                                  file.ncontexts, file.nthreads);
            ab_trace_file_free(&file);
        }
        munmap((void *) ops, (size_t) st.st_size);
    }
    if (trace == NULL)
        fprintf(stderr, "allocbench-replay: %s: %s\n", path, error_message());
    return trace;
}

/* The parent watch: stdin's end means the parent closed it or died; nobody is left to read the results. */
static void *watch_parent(void *unused)
{
    char byte;

    (void) unused;
    while (read(STDIN_FILENO, &byte, 1) > 0)
        ;
    _exit(4);
    return NULL;
}

/* A "Key:" of /proc/self/status in bytes (the file gives kB), 0 if absent. */
static uint64_t status_bytes(const char *key)
{
    char line[256];
    size_t keylen = strlen(key);
    uint64_t value = 0;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, key, keylen) == 0 && line[keylen] == ':')
        {
            value = strtoull(line + keylen + 1, NULL, 10) * 1024;
            break;
        }
    fclose(f);
    return value;
}

/* Starts a new peak for VmHWM (a write of 5 to clear_refs, Linux 4.0+), so each trace gets its own. */
static void reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);

    if (fd >= 0)
    {
        if (write(fd, "5", 1) != 1)
        {
            /* an older kernel: the peak then spans the earlier traces too */
        }
        close(fd);
    }
}

static void print_list(const char *label, const uint64_t *values, int count)
{
    printf(" %s ", label);
    for (int i = 0; i < count; i++)
        printf("%s%" PRIu64, i == 0 ? "" : ",", values[i]);
}

int main(int argc, char **argv)
{
    AbHeapApi heap;
    const AbHeapApi *heap_api = NULL;
    void *library;
    TraceCreateFn trace_create;
    TraceReplayFn trace_replay;
    ErrorMessageFn error_message;
    int lane, iterations, ntraces, threads = 1;
    long parsed;
    uint64_t *thread_ns = NULL;
    AbTrace **traces;
    uint64_t *ns, *minflt;
    pthread_t watcher;
    char *end;
    char go;

    if (argc > 2 && strcmp(argv[1], "--threads") == 0)
    {
        errno = 0;
        parsed = strtol(argv[2], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[2] || parsed < 1 || parsed > 4096)
            return usage("--threads must be 1..4096, not \"%s\"", argv[2]);
        threads = (int) parsed;
        argc -= 2;
        argv += 2;
    }
    if (argc < 5)
        return usage("%s", "too few arguments");
    if (strcmp(argv[2], "aset") == 0)
        lane = AB_REPLAY_ASET;
    else if (strcmp(argv[2], "malloc") == 0)
        lane = AB_REPLAY_MALLOC;
    else if (strcmp(argv[2], "mimalloc-heap") == 0)
        lane = AB_REPLAY_HEAP;
    else if (strcmp(argv[2], "floor") == 0)
        lane = AB_REPLAY_FLOOR;
    else if (strcmp(argv[2], "generation") == 0)
        lane = AB_REPLAY_GENERATION;
    else if (strcmp(argv[2], "slab") == 0)
        lane = AB_REPLAY_SLAB;
    else if (strcmp(argv[2], "bump") == 0)
        lane = AB_REPLAY_BUMP;
    else
        return usage("unknown lane \"%s\"", argv[2]);
    errno = 0;
    parsed = strtol(argv[3], &end, 10);
    if (errno != 0 || *end != '\0' || end == argv[3] || parsed < 1 || parsed > 1000000)
        return usage("ITERATIONS must be 1..1000000, not \"%s\"", argv[3]);
    iterations = (int) parsed;

    library = loaded_library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL)
    {
        fprintf(stderr, "allocbench-replay: cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    *(void **) &trace_create = symbol(library, "ab_trace_create", argv[1]);
    *(void **) &trace_replay = symbol(library, "ab_trace_replay", argv[1]);
    *(void **) &error_message = symbol(library, "ab_error_message", argv[1]);
    if (trace_create == NULL || trace_replay == NULL || error_message == NULL)
        return 2;
    if (lane == AB_REPLAY_HEAP)
    {
        if (!load_heap_api(&heap))
            return 2;
        heap_api = &heap;
    }

    ntraces = argc - 4;
    traces = calloc((size_t) ntraces, sizeof(AbTrace *));
    ns = calloc((size_t) iterations, sizeof(uint64_t));
    minflt = calloc((size_t) iterations, sizeof(uint64_t));
    thread_ns = calloc((size_t) iterations * (size_t) threads, sizeof(uint64_t));
    if (traces == NULL || ns == NULL || minflt == NULL || thread_ns == NULL)
        return usage("%s", "out of memory");
    for (int k = 0; k < ntraces; k++)
        if ((traces[k] = load_trace(argv[4 + k], trace_create, error_message)) == NULL)
            return 2;

    printf("ready %ld\n", (long) getpid());
    fflush(stdout);
    if (read(STDIN_FILENO, &go, 1) != 1)
        return 4; /* the parent went away before the start */
    if (pthread_create(&watcher, NULL, watch_parent, NULL) != 0)
    {
        fprintf(stderr, "allocbench-replay: cannot start the thread that watches the parent\n");
        return 2;
    }
    pthread_detach(watcher);

    for (int k = 0; k < ntraces; k++)
    {
        AbCounters stats;

        ScaledOutcome scaled = {.wall_ns = ns, .minflt = minflt, .thread_ns = thread_ns};
        char error[600];

        uint64_t base_rss;

        memset(&stats, 0, sizeof(stats));
        reset_peak_rss();
        base_rss = status_bytes("VmRSS");
        if (threads == 1)
        {
            int rc = trace_replay(traces[k], lane, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE,
                                  heap_api, iterations, ns, minflt, &stats, NULL, NULL);

            if (rc != AB_OK)
            {
                printf("%s %d %s\n", rc == AB_ERR_NOT_APPLICABLE ? "notapplicable" : "error", k, error_message());
                fflush(stdout);
                return rc == AB_ERR_NOT_APPLICABLE ? 5 : 3;
            }
        }
        else
        {
            if (scaled_replay(trace_replay, error_message, traces[k], lane, heap_api, threads, iterations, &scaled,
                              error, sizeof(error)) != AB_OK)
            {
                printf("error %d %s\n", k, error);
                fflush(stdout);
                return 3;
            }
            stats = scaled.stats;
        }
        printf("result %d", k);
        print_list("ns", ns, iterations);
        print_list("minflt", minflt, iterations);
        printf(" stats %" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, (uint64_t) stats.totalspace,
               (uint64_t) stats.nblocks, (uint64_t) stats.freechunks, (uint64_t) stats.freespace,
               (uint64_t) stats.usedspace);
        printf(" rss %" PRIu64 " hwm %" PRIu64 " base %" PRIu64, status_bytes("VmRSS"), status_bytes("VmHWM"),
               base_rss);
        if (threads > 1)
        {
            print_list("threadns", thread_ns, iterations * threads);
            printf(" created %" PRIu64 " start %" PRIu64, scaled.last_created, scaled.first_start);
        }
        printf("\n");
        fflush(stdout);
    }
    printf("done\n");
    fflush(stdout);
    {
        void (*trace_free)(AbTrace *);

        *(void **) &trace_free = dlsym(library, "ab_trace_free");
        for (int k = 0; k < ntraces && trace_free != NULL; k++)
            trace_free(traces[k]);
    }
    free(traces);
    free(ns);
    free(minflt);
    free(thread_ns);
    return 0;
}

/*
 * allocbench_trial.c -- the child process of a memory-limit trial
 * (`allocbench limit`): replays one trace through one native allocator and
 * reports its progress, so that when the kernel kills it the parent knows how
 * far it got and how much the allocator held.
 *
 * Why a C program and not a JVM: a JVM reserves gigabytes of address space
 * and tens of MiB of its own memory before the first op, which would blur
 * "the smallest limit this allocator survives" and make RLIMIT_AS (the
 * fallback where no cgroup can be created) useless.  This process holds the
 * trace and the allocator's memory and little else.
 *
 *   allocbench-trial OPS_FILE NSLOTS LANE [RLIMIT_AS_BYTES]
 *
 * OPS_FILE holds the trace already parsed and validated by the parent:
 * little-endian 64-bit words in OpSequence's encoding (see allocbench.h), or
 * a version 2 file (native/include/ab_trace_file.h: contexts and threads),
 * validated again here and replayed in trace order on this one thread (an
 * order the format allows; a memory trial needs no concurrency): the
 * AllocSet lane creates, resets and deletes real child contexts, the malloc
 * lane frees the live chunks of the contexts a reset or delete empties.  LANE is
 * "aset" (this build's AllocSet: PostgreSQL 16+ layout, or 15 in
 * allocbench-trial-pg15) or "malloc" (whatever malloc the dynamic linker
 * gives: the parent selects jemalloc, mimalloc or tcmalloc with LD_PRELOAD).
 *
 * Protocol on stdin/stdout, one line each:
 *   the child reads one byte from stdin before the first op: the parent moves
 *     it into the trial's cgroup first, so no allocation escapes the limit;
 *   "ready PID" when loaded, "sample OPS LIVE HELD" every SAMPLE_EVERY ops
 *     (LIVE = requested bytes live, HELD = bytes the allocator holds from the
 *     system, -1 where the allocator does not say), "done OPS LIVE HELD" at
 *     the end (exit 0), "error OP MESSAGE" when an allocation fails (exit 3,
 *     e.g. under RLIMIT_AS), usage errors exit 2.
 * Stdout is flushed after every line: a killed child's last sample is the
 * parent's best knowledge of where it died.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "allocbench.h"
#include "ab_trace_file.h"
#include "replay_tree.h"

#define SAMPLE_EVERY 4096u

enum { OP_ALLOC = 1, OP_ZERO = 2, OP_REALLOC = 3, OP_FREE = 4, OP_RESET = 5, OP_CREATE = 6, OP_DELETE = 7 };

typedef struct Slot
{
    void    *ptr;
    uint64_t size;
    uint32_t context; /* version 2: the context its chunk is in */
} Slot;

static int usage(const char *why)
{
    fprintf(stderr, "allocbench-trial: %s\nusage: allocbench-trial OPS_FILE NSLOTS aset|malloc [RLIMIT_AS_BYTES]\n",
            why);
    return 2;
}

static void touch(void *p, uint64_t size)
{
    volatile unsigned char *bytes = p;

    bytes[0] = 1;
    bytes[size - 1] = 1;
}

int main(int argc, char **argv)
{
    const uint64_t *ops;
    AbTraceFile file;
    TreePlan plan = {0};
    AbContext **contexts = NULL;
    unsigned char *swept = NULL;
    size_t sweep_at = 0;
    const char *problem;
    uint64_t nops, live = 0;
    uint32_t nslots;
    Slot *slots;
    AbContext *ctx = NULL;
    int aset, fd;
    struct stat st;
    char go;

    if (argc < 4 || argc > 5)
        return usage("wrong number of arguments");
    aset = strcmp(argv[3], "aset") == 0;
    if (!aset && strcmp(argv[3], "malloc") != 0)
        return usage("LANE must be aset or malloc");
    nslots = (uint32_t) strtoul(argv[2], NULL, 10);
    if (nslots == 0)
        return usage("NSLOTS must be a positive number");
    fd = open(argv[1], O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % 8 != 0)
        return usage("cannot read OPS_FILE (a non-empty file of 64-bit words)");
    ops = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (ops == MAP_FAILED)
        return usage("cannot map OPS_FILE");
    if ((problem = ab_trace_file_parse(ops, (uint64_t) st.st_size, &file)) != NULL)
        return usage(problem);
    ops = file.ops;
    nops = file.nops;
    if (file.version == 2)
    {
        if (ab_tree_validate(file.ops, file.placement, (size_t) nops, nslots, file.contexts, file.ncontexts,
                             file.nthreads, &plan) != AB_OK)
            return usage(ab_error_message());
        contexts = calloc(file.ncontexts, sizeof(AbContext *));
        swept = calloc(file.ncontexts, 1);
        if (contexts == NULL || swept == NULL)
            return usage("cannot allocate the context table");
    }
    slots = calloc(nslots, sizeof(Slot));
    if (slots == NULL)
        return usage("cannot allocate the slot table");
    if (argc == 5)
    {
        struct rlimit limit;
        limit.rlim_cur = limit.rlim_max = (rlim_t) strtoull(argv[4], NULL, 10);
        if (setrlimit(RLIMIT_AS, &limit) != 0)
            return usage("setrlimit(RLIMIT_AS) failed");
    }
    if (aset)
    {
        ctx = ab_aset_create(NULL, "trial", AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE);
        if (ctx == NULL)
            return usage(ab_error_message());
    }
    if (contexts != NULL)
        contexts[0] = ctx;
    printf("ready %ld\n", (long) getpid());
    fflush(stdout);
    if (read(STDIN_FILENO, &go, 1) != 1)
        return usage("the parent closed stdin before the start");

    for (uint64_t i = 0; i < nops; i++)
    {
        uint64_t op = ops[i];
        int kind = (int) (op & 7);
        uint32_t s = (uint32_t) ((op >> 3) & 0xFFFFFF);
        uint64_t size = (op >> 27) & ((UINT64_C(1) << 30) - 1);
        void *p = NULL;
        uint32_t id = file.placement != NULL ? AB_PLACEMENT_CONTEXT(file.placement[i]) : 0;
        AbContext *into = contexts != NULL ? contexts[id] : ctx;

        if (s >= nslots && kind < OP_RESET)
        {
            printf("error %" PRIu64 " slot %u out of range\n", i, s);
            return 2;
        }
        switch (kind)
        {
            case OP_ALLOC:
            case OP_ZERO:
                p = aset ? (kind == OP_ZERO ? ab_alloc0(into, size) : ab_alloc(into, size))
                         : (kind == OP_ZERO ? calloc(1, size ? size : 1) : malloc(size ? size : 1));
                break;
            case OP_REALLOC:
                p = aset ? ab_realloc(slots[s].ptr, size) : realloc(slots[s].ptr, size ? size : 1);
                if (p != NULL)
                    live -= slots[s].size;
                break;
            case OP_FREE:
                if (aset)
                    ab_free(slots[s].ptr);
                else
                    free(slots[s].ptr);
                live -= slots[s].size;
                slots[s].ptr = NULL;
                slots[s].size = 0;
                break;
            case OP_CREATE:
                if (aset)
                {
                    const AbContextSpec *spec = &file.contexts[id];

                    if ((contexts[id] = ab_aset_create(contexts[spec->parent], spec->name, spec->min_ctx,
                                                       spec->init_block, spec->max_block)) == NULL)
                    {
                        printf("error %" PRIu64 " %s\n", i, ab_error_message());
                        fflush(stdout);
                        return 3;
                    }
                }
                break;
            case OP_DELETE:
            case OP_RESET:
                if (contexts != NULL)
                {
                    /* the contexts this R or d empties: the plan's next sweep list */
                    const uint32_t *list = plan.sweep + sweep_at;

                    if (aset)
                        (kind == OP_RESET ? ab_reset : ab_delete)(into);
                    for (uint32_t k = 1; k <= list[0]; k++)
                        swept[list[k]] = 1;
                    for (uint32_t k = 0; k < nslots; k++)
                        if (slots[k].ptr != NULL && swept[slots[k].context])
                        {
                            if (!aset)
                                free(slots[k].ptr);
                            live -= slots[k].size;
                            slots[k].ptr = NULL;
                            slots[k].size = 0;
                        }
                    for (uint32_t k = 1; k <= list[0]; k++)
                        swept[list[k]] = 0;
                    sweep_at += 1 + list[0];
                    break;
                }
                if (aset)
                    ab_reset(ctx);
                for (uint32_t k = 0; k < nslots; k++)
                {
                    if (!aset && slots[k].ptr != NULL)
                        free(slots[k].ptr);
                    slots[k].ptr = NULL;
                    slots[k].size = 0;
                }
                live = 0;
                break;
            default:
                printf("error %" PRIu64 " unknown op kind %d\n", i, kind);
                return 2;
        }
        if (kind == OP_ALLOC || kind == OP_ZERO || kind == OP_REALLOC)
        {
            if (p == NULL)
            {
                printf("error %" PRIu64 " %s (%" PRIu64 " bytes requested, %" PRIu64 " live)\n", i,
                       aset ? ab_error_message() : strerror(ENOMEM), size, live);
                fflush(stdout);
                return 3;
            }
            if (size > 0)
                touch(p, size);
            if (kind != OP_REALLOC)
                slots[s].context = id;
            slots[s].ptr = p;
            slots[s].size = size;
            live += size;
        }
        if ((i + 1) % SAMPLE_EVERY == 0)
        {
            printf("sample %" PRIu64 " %" PRIu64 " %lld\n", i + 1, live,
                   aset ? (long long) ab_mem_allocated(ctx, 1) : -1LL);
            fflush(stdout);
        }
    }
    printf("done %" PRIu64 " %" PRIu64 " %lld\n", nops, live, aset ? (long long) ab_mem_allocated(ctx, 1) : -1LL);
    fflush(stdout);
    if (aset)
        ab_delete(ctx);
    else
        for (uint32_t k = 0; k < nslots; k++)
            free(slots[k].ptr);
    free(slots);
    free(contexts);
    free(swept);
    ab_tree_plan_free(&plan);
    ab_trace_file_free(&file);
    return 0;
}

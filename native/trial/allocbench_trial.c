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
 * little-endian 64-bit words in OpSequence's encoding (see allocbench.h).  LANE is
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

#define SAMPLE_EVERY 4096u

enum { OP_ALLOC = 1, OP_ZERO = 2, OP_REALLOC = 3, OP_FREE = 4, OP_RESET = 5 };

typedef struct Slot
{
    void    *ptr;
    uint64_t size;
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
    nops = (uint64_t) st.st_size / 8;
    ops = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (ops == MAP_FAILED)
        return usage("cannot map OPS_FILE");
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

        if (s >= nslots && kind != OP_RESET)
        {
            printf("error %" PRIu64 " slot %u out of range\n", i, s);
            return 2;
        }
        switch (kind)
        {
            case OP_ALLOC:
            case OP_ZERO:
                p = aset ? (kind == OP_ZERO ? ab_alloc0(ctx, size) : ab_alloc(ctx, size))
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
            case OP_RESET:
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
    return 0;
}

/*
 * replay_testing.h -- what the replay tests share: op words written as the
 * trace format's letters, the format document's example trace, the
 * AllocSet lane with PostgreSQL's default sizes, and random valid traces.
 */
#ifndef ALLOCBENCH_REPLAY_TESTING_H
#define ALLOCBENCH_REPLAY_TESTING_H

#include <stdlib.h>

#include "testing.h"

#define A(slot, size) AB_OP_ENCODE(AB_OP_ALLOC, slot, size)
#define Z(slot, size) AB_OP_ENCODE(AB_OP_ALLOC_ZEROED, slot, size)
#define RE(slot, size) AB_OP_ENCODE(AB_OP_REALLOC, slot, size)
#define F(slot) AB_OP_ENCODE(AB_OP_FREE, slot, 0)
#define RESET AB_OP_ENCODE(AB_OP_RESET, 0, 0)

/* docs/trace-format.md's example, "slots 3". */
static const uint64_t example[] = {
    A(0, 100),   /* 128-byte class (fidx 4): chunk 136 carved from the keeper */
    Z(1, 24),    /* 32-byte class: chunk 40 */
    RE(0, 300),  /* outgrows 128: a 512 chunk (520) is carved, the 128 goes to freelist 4 */
    F(1),        /* the 32 chunk goes to freelist 2 */
    A(2, 9000),  /* above allocChunkLimit 8192: dedicated block 9000 + 40 + 8 = 9048 */
    RESET,       /* freelists emptied, dedicated block freed, keeper rewound */
    A(0, 16),    /* 16-byte class: chunk 24 from the rewound keeper */
};
#define EXAMPLE_OPS COUNT(example)

/* The AllocSet lane with PostgreSQL's DEFAULT sizes, without latencies or fault counts. */
static inline int replay_aset(const uint64_t *ops, size_t nops, uint32_t nslots, int iterations,
                              uint64_t *ns, AbCounters *stats)
{
    return ab_replay(ops, nops, nslots, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE,
                     AB_DEFAULT_MAXSIZE, NULL, iterations, ns, NULL, stats, NULL, NULL);
}

/* splitmix64 */
static inline uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A valid trace over nslots slots (malloc'd): mostly small sizes, some large, the odd reset. */
static inline uint64_t *random_trace(size_t nops, uint32_t nslots, uint64_t seed)
{
    uint64_t *ops = malloc(nops * sizeof(uint64_t));
    unsigned char *full = calloc(nslots, 1);
    uint64_t rng = seed;

    for (size_t i = 0; i < nops; i++)
    {
        uint32_t slot = (uint32_t) (rng_next(&rng) % nslots);
        uint64_t r = rng_next(&rng) % 1000;
        size_t size = r < 900 ? 1 + rng_next(&rng) % 512
                    : r < 980 ? 1 + rng_next(&rng) % 8192 : 8193 + rng_next(&rng) % 60000;

        if (r == 999)
        {
            ops[i] = RESET;
            memset(full, 0, nslots);
        }
        else if (!full[slot])
        {
            ops[i] = (r & 1) ? Z(slot, size) : A(slot, size);
            full[slot] = 1;
        }
        else if (r % 3 == 0)
            ops[i] = RE(slot, size);
        else
        {
            ops[i] = F(slot);
            full[slot] = 0;
        }
    }
    free(full);
    return ops;
}

#endif /* ALLOCBENCH_REPLAY_TESTING_H */

/*
 * replay_validate.c -- a trace checked in full before it is replayed, so
 * that the timed loop has nothing to check (see replay.c): every op word,
 * slot, size and the fullness of each slot, with the index of the first bad
 * op in the error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "replay_internal.h"

static const char *const op_letter[] = {"?", "a", "z", "r", "f", "R"};

/* Fails naming op `index` as every replayer does: "invalid trace at op N: ...". */
int ab_invalid_op(size_t index, const char *fmt, ...)
{
    char where[48];
    va_list args;
    int rc;

    snprintf(where, sizeof(where), "invalid trace at op %zu", index);
    va_start(args, fmt);
    rc = ab_error_vfail_in(AB_ERR_INVALID_ARGUMENT, where, fmt, args);
    va_end(args);
    return rc;
}

/*
 * Checks the whole trace; epochs holds nslots zeroed entries, used as
 * scratch.  A slot is full if its epoch is the current one, so an R empties
 * every slot by bumping the epoch instead of clearing nslots entries.
 */
static int validate(const uint64_t *ops, size_t nops, uint32_t nslots, uint32_t *epochs)
{
    uint32_t epoch = 1;

    for (size_t i = 0; i < nops; i++)
    {
        uint64_t op = ops[i];
        unsigned kind = AB_OP_KIND(op);
        uint32_t slot = AB_OP_SLOT(op);
        size_t size = AB_OP_SIZE(op);

        if ((op >> 57) != 0)
            return ab_invalid_op(i, "bits 57..63 must be zero (op word 0x%016llx)", (unsigned long long) op);
        if (kind < AB_OP_ALLOC || kind > AB_OP_RESET)
            return ab_invalid_op(i, "unknown op kind %u (op word 0x%016llx)", kind, (unsigned long long) op);
        if (kind == AB_OP_RESET)
        {
            if (size != 0)
                return ab_invalid_op(i, "'R' carries size %zu (must be 0)", size);
            epoch++;
            continue;
        }
        if (slot >= nslots)
            return ab_invalid_op(i, "'%s' on slot %u, out of range (the trace has %u slots)",
                              op_letter[kind], slot, nslots);
        if (kind == AB_OP_FREE)
        {
            if (size != 0)
                return ab_invalid_op(i, "'f' carries size %zu (must be 0)", size);
        }
        else if (size < 1 || size > AB_MAX_ALLOC_SIZE)
            return ab_invalid_op(i, "'%s' of size %zu (sizes are 1..%zu)", op_letter[kind], size,
                              AB_MAX_ALLOC_SIZE);

        if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED)
        {
            if (epochs[slot] == epoch)
                return ab_invalid_op(i, "'%s' into slot %u, which is full", op_letter[kind], slot);
            epochs[slot] = epoch;
        }
        else
        {
            if (epochs[slot] != epoch)
                return ab_invalid_op(i, "'%s' on slot %u, which is empty", op_letter[kind], slot);
            if (kind == AB_OP_FREE)
                epochs[slot] = 0;
        }
    }
    return AB_OK;
}

int ab_replay_check_shape(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    if (ops == NULL && nops != 0)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "replay called with NULL ops and %zu ops", nops);
        return AB_ERR_INVALID_ARGUMENT;
    }
    if (nslots < 1 || nslots > AB_REPLAY_MAX_SLOTS)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "invalid trace: %u slots (must be 1..%u)", nslots,
                     AB_REPLAY_MAX_SLOTS);
        return AB_ERR_INVALID_ARGUMENT;
    }
    return AB_OK;
}

/* ab_replay_check_shape and validate, with the scratch array they need. */
int ab_replay_validate_trace(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    uint32_t *epochs;
    int rc;

    if ((rc = ab_replay_check_shape(ops, nops, nslots)) != AB_OK)
        return rc;
    if ((epochs = ab_replay_zeroed_array(nslots, sizeof(uint32_t), "slots array")) == NULL)
        return AB_ERR_OUT_OF_MEMORY;
    rc = validate(ops, nops, nslots, epochs);
    free(epochs);
    return rc;
}

int ab_replay_validate(const uint64_t *ops, size_t nops, uint32_t nslots)
{
    return ab_replay_validate_trace(ops, nops, nslots);
}

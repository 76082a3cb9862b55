/*
 * replay_tree_validate.c -- a version 2 trace (contexts and threads, see
 * docs/trace-format.md) checked in full before anything is timed, with the
 * same rules the text reader applies, and the plan the replay needs (which
 * contexts each R and d empties, each context's lifetime).
 *
 * A slot is full iff its generation equals its context's: a reset or delete
 * bumps the generation of every context it empties, so it empties their
 * slots without visiting them.  Ids are never reused, so each context dies
 * at most once and the deletions cost O(contexts) over the whole trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_tree.h"

enum { NEVER = 0, LIVE = 1, DEAD = 2 };

static const char *const op_letter[] = {"?", "a", "z", "r", "f", "R", "c", "d"};

typedef struct Check
{
    uint32_t ncontexts;
    uint8_t  *state;       /* [ncontexts] NEVER, LIVE, DEAD */
    uint32_t *gen;         /* [ncontexts] */
    uint32_t *first_child; /* [ncontexts] */
    uint32_t *next_sib;    /* [ncontexts] */
    uint32_t *prev_sib;    /* [ncontexts] */
    uint32_t *stack;       /* [ncontexts] */
    uint32_t *slot_ctx;    /* [nslots] */
    uint32_t *slot_gen;    /* [nslots]: 0 = empty */
    TreePlan *plan;
    size_t    sweep_cap;
} Check;


static int sweep_push(Check *c, uint32_t value)
{
    TreePlan *plan = c->plan;

    if (plan == NULL)
        return AB_OK;
    if (plan->nsweep == c->sweep_cap)
    {
        size_t cap = c->sweep_cap < 64 ? 64 : c->sweep_cap * 2;
        uint32_t *grown = realloc(plan->sweep, cap * sizeof(uint32_t));

        if (grown == NULL)
        {
            ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay plan of %zu entries)", cap);
            return AB_ERR_OUT_OF_MEMORY;
        }
        plan->sweep = grown;
        c->sweep_cap = cap;
    }
    plan->sweep[plan->nsweep++] = value;
    return AB_OK;
}

static void unlink_child(Check *c, uint32_t id, uint32_t parent)
{
    if (c->prev_sib[id] != AB_NO_CONTEXT)
        c->next_sib[c->prev_sib[id]] = c->next_sib[id];
    else
        c->first_child[parent] = c->next_sib[id];
    if (c->next_sib[id] != AB_NO_CONTEXT)
        c->prev_sib[c->next_sib[id]] = c->prev_sib[id];
}

/*
 * Op index empties context id (its generation bumped) and deletes every
 * descendant, and id itself if kill; appends the sweep entry.
 */
static int empty_tree(Check *c, const AbContextSpec *contexts, uint32_t id, int kill, size_t index)
{
    size_t count_at = c->plan != NULL ? c->plan->nsweep : 0;
    uint32_t count = 1, depth = 0;
    int rc;

    if ((rc = sweep_push(c, 0)) != AB_OK || (rc = sweep_push(c, id)) != AB_OK)
        return rc;
    c->gen[id]++;
    for (uint32_t child = c->first_child[id]; child != AB_NO_CONTEXT; child = c->next_sib[child])
        c->stack[depth++] = child;
    c->first_child[id] = AB_NO_CONTEXT;
    while (depth > 0)
    {
        uint32_t dying = c->stack[--depth];

        for (uint32_t child = c->first_child[dying]; child != AB_NO_CONTEXT; child = c->next_sib[child])
            c->stack[depth++] = child;
        c->state[dying] = DEAD;
        c->gen[dying]++;
        if (c->plan != NULL)
            c->plan->died[dying] = index;
        if ((rc = sweep_push(c, dying)) != AB_OK)
            return rc;
        count++;
    }
    if (kill)
    {
        unlink_child(c, id, contexts[id].parent);
        c->state[id] = DEAD;
        if (c->plan != NULL)
            c->plan->died[id] = index;
    }
    if (c->plan != NULL)
        c->plan->sweep[count_at] = count;
    return AB_OK;
}

/* PostgreSQL's AllocSet parameter rules (docs/postgres-memory.md), as the reader checks them. */
static int check_sizes(size_t index, uint32_t id, const AbContextSpec *spec)
{
    if (spec->init_block % 8 != 0 || spec->init_block < 1024)
        return ab_invalid_op(index, "'c' of context %u: INIT %zu must be a multiple of 8 and at least 1024", id,
                          spec->init_block);
    if (spec->max_block % 8 != 0 || spec->max_block < spec->init_block || spec->max_block >= (1u << 30))
        return ab_invalid_op(index, "'c' of context %u: MAX %zu must be a multiple of 8, at least INIT and below 1 GiB",
                          id, spec->max_block);
    if (spec->min_ctx != 0
        && (spec->min_ctx % 8 != 0 || spec->min_ctx < 1024 || spec->min_ctx > spec->max_block))
        return ab_invalid_op(index, "'c' of context %u: MINCTX %zu must be 0 or a multiple of 8 from 1024 to MAX", id,
                          spec->min_ctx);
    return AB_OK;
}

static int check_op(Check *c, const AbContextSpec *contexts, uint32_t nslots, uint32_t nthreads, size_t i,
                    uint64_t op, uint32_t where)
{
    unsigned kind = AB_OP_KIND(op);
    uint32_t slot = AB_OP_SLOT(op);
    size_t size = AB_OP_SIZE(op);
    uint32_t id = AB_PLACEMENT_CONTEXT(where);
    uint32_t thread = AB_PLACEMENT_THREAD(where);

    if ((op >> 57) != 0)
        return ab_invalid_op(i, "bits 57..63 must be zero (op word 0x%016llx)", (unsigned long long) op);
    if (kind < AB_OP_ALLOC)
        return ab_invalid_op(i, "unknown op kind %u (op word 0x%016llx)", kind, (unsigned long long) op);
    if (thread >= nthreads)
        return ab_invalid_op(i, "'%s' on thread %u, out of range (the trace has %u threads)", op_letter[kind], thread,
                          nthreads);
    if (id >= c->ncontexts)
        return ab_invalid_op(i, "'%s' in context %u, out of range (the trace has %u contexts)", op_letter[kind], id,
                          c->ncontexts);
    if (kind >= AB_OP_RESET)
    {
        if (size != 0 || (kind != AB_OP_RESET && slot != 0))
            return ab_invalid_op(i, "'%s' carries slot %u and size %zu (must be 0)", op_letter[kind], slot, size);
        if (kind == AB_OP_CREATE)
        {
            uint32_t parent = contexts[id].parent;
            int rc;

            if (id == 0 || c->state[id] != NEVER)
                return ab_invalid_op(i, "'c' of context %u, which %s", id,
                                  id == 0 ? "is the root" : "was created before");
            if (parent >= c->ncontexts || c->state[parent] != LIVE)
                return ab_invalid_op(i, "'c' of context %u under context %u, which is not live", id, parent);
            if ((rc = check_sizes(i, id, &contexts[id])) != AB_OK)
                return rc;
            c->state[id] = LIVE;
            c->next_sib[id] = c->first_child[parent];
            c->prev_sib[id] = AB_NO_CONTEXT;
            if (c->first_child[parent] != AB_NO_CONTEXT)
                c->prev_sib[c->first_child[parent]] = id;
            c->first_child[parent] = id;
            if (c->plan != NULL)
                c->plan->born[id] = i + 1;
            return AB_OK;
        }
        if (c->state[id] != LIVE)
            return ab_invalid_op(i, "'%s' of context %u, which is not live", op_letter[kind], id);
        if (kind == AB_OP_DELETE && id == 0)
            return ab_invalid_op(i, "'d' of context 0 (the root ends with the iteration)");
        return empty_tree(c, contexts, id, kind == AB_OP_DELETE, i);
    }
    if (slot >= nslots)
        return ab_invalid_op(i, "'%s' on slot %u, out of range (the trace has %u slots)", op_letter[kind], slot, nslots);
    if (kind == AB_OP_FREE)
    {
        if (size != 0)
            return ab_invalid_op(i, "'f' carries size %zu (must be 0)", size);
    }
    else if (size < 1 || size > AB_MAX_ALLOC_SIZE)
        return ab_invalid_op(i, "'%s' of size %zu (sizes are 1..%zu)", op_letter[kind], size, AB_MAX_ALLOC_SIZE);

    if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED)
    {
        if (c->state[id] != LIVE)
            return ab_invalid_op(i, "'%s' into context %u, which is not live", op_letter[kind], id);
        if (c->slot_gen[slot] != 0 && c->slot_gen[slot] == c->gen[c->slot_ctx[slot]])
            return ab_invalid_op(i, "'%s' into slot %u, which is full", op_letter[kind], slot);
        c->slot_ctx[slot] = id;
        c->slot_gen[slot] = c->gen[id];
        return AB_OK;
    }
    if (c->slot_gen[slot] == 0 || c->slot_gen[slot] != c->gen[c->slot_ctx[slot]])
        return ab_invalid_op(i, "'%s' on slot %u, which is empty", op_letter[kind], slot);
    if (c->slot_ctx[slot] != id)
        return ab_invalid_op(i, "'%s' on slot %u names context %u, but its chunk is in context %u", op_letter[kind],
                          slot, id, c->slot_ctx[slot]);
    if (kind == AB_OP_FREE)
        c->slot_gen[slot] = 0;
    return AB_OK;
}

static int check_shape(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                       const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads)
{
    int rc;

    if ((rc = ab_replay_check_shape(ops, nops, nslots)) != AB_OK)
        return rc;
    if (placement == NULL && nops != 0)
        return ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "replay called with NULL placement and %zu ops", nops),
               AB_ERR_INVALID_ARGUMENT;
    if (contexts == NULL || ncontexts < 1 || ncontexts > AB_REPLAY_MAX_CONTEXTS)
        return ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "invalid trace: %u contexts (must be 1..%u, table given)",
                            ncontexts, AB_REPLAY_MAX_CONTEXTS),
               AB_ERR_INVALID_ARGUMENT;
    if (nthreads < 1 || nthreads > AB_REPLAY_MAX_THREADS)
        return ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "invalid trace: %u threads (must be 1..%u)", nthreads,
                            AB_REPLAY_MAX_THREADS),
               AB_ERR_INVALID_ARGUMENT;
    return AB_OK;
}

void ab_tree_plan_free(TreePlan *plan)
{
    if (plan == NULL)
        return;
    free(plan->sweep);
    free(plan->born);
    free(plan->died);
    memset(plan, 0, sizeof(*plan));
}

int ab_tree_validate(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                     const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads, TreePlan *plan)
{
    Check c = {.ncontexts = ncontexts, .plan = plan};
    int rc;

    if (plan != NULL)
        memset(plan, 0, sizeof(*plan));
    if ((rc = check_shape(ops, placement, nops, nslots, contexts, ncontexts, nthreads)) != AB_OK)
        return rc;
    rc = AB_ERR_OUT_OF_MEMORY;
    c.state = ab_replay_zeroed_array(ncontexts, 1, "context states");
    c.gen = c.state ? ab_replay_zeroed_array(ncontexts, 4, "context generations") : NULL;
    c.first_child = c.gen ? malloc(ncontexts * sizeof(uint32_t)) : NULL;
    c.next_sib = c.first_child ? malloc(ncontexts * sizeof(uint32_t)) : NULL;
    c.prev_sib = c.next_sib ? malloc(ncontexts * sizeof(uint32_t)) : NULL;
    c.stack = c.prev_sib ? malloc(ncontexts * sizeof(uint32_t)) : NULL;
    c.slot_ctx = c.stack ? ab_replay_zeroed_array(nslots, 4, "slot contexts") : NULL;
    c.slot_gen = c.slot_ctx ? ab_replay_zeroed_array(nslots, 4, "slot generations") : NULL;
    if (plan != NULL && c.slot_gen != NULL)
    {
        plan->born = malloc(ncontexts * sizeof(uint64_t));
        plan->died = plan->born ? malloc(ncontexts * sizeof(uint64_t)) : NULL;
    }
    if (c.slot_gen == NULL || (plan != NULL && plan->died == NULL))
    {
        if (c.slot_gen != NULL)
            ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory (replay plan of %u contexts)", ncontexts);
        goto done;
    }
    for (uint32_t id = 0; id < ncontexts; id++)
    {
        c.gen[id] = 1;
        c.first_child[id] = c.next_sib[id] = c.prev_sib[id] = AB_NO_CONTEXT;
        if (plan != NULL)
            plan->born[id] = plan->died[id] = UINT64_MAX;
    }
    c.state[0] = LIVE;
    if (plan != NULL)
        plan->born[0] = 0;
    rc = AB_OK;
    for (size_t i = 0; i < nops && rc == AB_OK; i++)
        rc = check_op(&c, contexts, nslots, nthreads, i, ops[i], placement[i]);
done:
    free(c.state);
    free(c.gen);
    free(c.first_child);
    free(c.next_sib);
    free(c.prev_sib);
    free(c.stack);
    free(c.slot_ctx);
    free(c.slot_gen);
    if (rc != AB_OK)
        ab_tree_plan_free(plan);
    return rc;
}

int ab_replay_validate2(const uint64_t *ops, const uint32_t *placement, size_t nops, uint32_t nslots,
                        const AbContextSpec *contexts, uint32_t ncontexts, uint32_t nthreads)
{
    return ab_tree_validate(ops, placement, nops, nslots, contexts, ncontexts, nthreads, NULL);
}

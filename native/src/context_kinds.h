/*
 * context_kinds.h -- the kinds of memory context and how the public entry
 * points reach the right one (PostgreSQL's MemoryContextMethods).
 *
 * Four kinds share the tree, the statistics and the API of allocbench.h:
 *
 *   AllocSet    (aset.c)        general purpose: power-of-two freelists
 *   Generation  (generation.c)  FIFO-ish lifetimes: no reuse of freed chunks,
 *                               a block goes when its last chunk does
 *   Slab        (slab.c)        one fixed chunk size: per-block free lists
 *   Bump        (bump.c)        no chunk header, no pfree: only reset/delete
 *
 * A context names its kind in its header (d.kind), so ab_alloc and ab_reset
 * dispatch on that (the hot calls by a switch with direct calls, the rest
 * through the table below).  pfree and repalloc get only a pointer: how they find
 * the kind is the chunk layout's business (see context_kind_of_pointer):
 * PostgreSQL 16+'s one-word header carries the kind in its low 3 bits,
 * PostgreSQL 15's headers end with the owning context.  A Bump chunk has no
 * header in either, so a pointer from a Bump context cannot be recognised:
 * pfree of one is undefined, as in PostgreSQL 17.
 *
 * The kind values are the method IDs of PostgreSQL 16's one-word header (3
 * AllocSet, 4 Generation, 5 Slab), so that header can be read directly; Bump
 * gets 6, a value no header of ours ever carries.  The entry points test for
 * AllocSet first, then switch over the others, every call direct: the kinds
 * cost AllocSet one predictable branch, and the others one or two more.
 */
#ifndef ALLOCBENCH_CONTEXT_KINDS_H
#define ALLOCBENCH_CONTEXT_KINDS_H

#include <string.h>

#include "aset_internal.h"

#define AB_CONTEXT_KIND_GENERATION 4
#define AB_CONTEXT_KIND_SLAB       5
#define AB_CONTEXT_KIND_BUMP       6
#define AB_CONTEXT_KIND_COUNT      8

typedef struct AbKindMethods
{
    const char *type_name;  /* pg_backend_memory_contexts' type: "AllocSet", "Generation", ... */
    void   (*reset)(AbContext *context);
    void   (*destroy)(AbContext *context);      /* frees everything, the context struct included */
    /* The chunk queries; NULL for Bump, whose pointers are never recognised (no header). */
    AbContext *(*owner)(void *pointer);
    size_t (*chunk_capacity)(void *pointer);
    size_t (*chunk_header_size)(void);
    /*
     * Adds the context's own counters to *totals; if line is not NULL, also
     * writes its MemoryContextStats text after "NAME: " (each kind has its
     * own wording, as in PostgreSQL).
     */
    void   (*stats)(AbContext *context, AbCounters *totals, AbTextOut *line);
    int    (*check)(AbContext *context);         /* the kind's consistency check */
} AbKindMethods;

/*
 * The hot calls of the other kinds, called directly (a switch on the kind in
 * mcxt.c, not through the table), so that with -flto they inline as
 * AllocSet's do: a time compared across kinds (allocbench fit) must not
 * charge one kind an indirect call that another does not pay.
 */
void *generation_alloc(AbContext *context, size_t size, int flags);
int generation_free(void *pointer);
void *generation_realloc(void *pointer, size_t size, int flags);
void *slab_alloc(AbContext *context, size_t size, int flags);
int slab_free(void *pointer);
void *slab_realloc(void *pointer, size_t size, int flags);
void *bump_alloc(AbContext *context, size_t size, int flags);

extern const AbKindMethods ab_aset_methods;
extern const AbKindMethods ab_generation_methods;
extern const AbKindMethods ab_slab_methods;
extern const AbKindMethods ab_bump_methods;

/* Indexed by d.kind; NULL where no kind has that value. */
extern const AbKindMethods *const ab_kind_methods[AB_CONTEXT_KIND_COUNT];

static inline const AbKindMethods *context_methods(const AbContext *context)
{
    return ab_kind_methods[context->d.kind];
}

/* The kind of context pointer came from, or 0 if it does not look like one of our chunks (pointer != NULL). */
static inline int context_kind_of_pointer(const void *pointer)
{
#if AB_LAYOUT == 16
    uint64_t word;
    unsigned id;

    memcpy(&word, (const char *) pointer - sizeof(word), sizeof(word));
    id = (unsigned) (word & 7u);
    return id >= AB_CONTEXT_KIND_ASET && id <= AB_CONTEXT_KIND_SLAB ? (int) id : 0;
#else
    const AbContext *owner;

    memcpy(&owner, (const char *) pointer - sizeof(owner), sizeof(owner));
    return owner != NULL && owner->d.magic == AB_CONTEXT_MAGIC ? owner->d.kind : 0;
#endif
}

/* sum += c, field by field (stats.c). */
void ab_counters_add(AbCounters *sum, const AbCounters *c);

/* The generic MemoryContextStats wording (AllocSet's, and the "Grand total" line's). */
void ab_stats_line_counters(AbTextOut *out, const AbCounters *counters);

/* Shared by the kinds' create functions: the checks and the tree link every kind needs (mcxt.c). */
int ab_create_checks(AbContext *parent, const char *name, const AbBlockSource *source);
void ab_link_new_context(AbContext *context, AbContext *parent);

#endif /* ALLOCBENCH_CONTEXT_KINDS_H */

/*
 * mcxt.c -- the public entry points: argument checks, the context tree
 * (PostgreSQL's mcxt.c), reset callbacks, chunk queries.
 *
 * The tree.  Every context may have a parent; children form a doubly linked
 * sibling list headed by parent->firstchild, newest first.  Resetting a
 * context deletes all its descendants (their memory belongs to the work the
 * reset ends); deleting one deletes leaves first, without recursion, so a
 * deep tree cannot overflow the C stack.
 *
 * The hot entry points (ab_alloc, ab_free, ab_realloc) check only what is
 * cheap: that the context's magic is alive, that the chunk header names an
 * AllocSet.  Deeper checks belong to the checking build.
 */
#include <stdlib.h>
#include <string.h>

#include "aset_internal.h"
#include "chunk_layout.h"
#include "context_kinds.h"

static void invalid_pointer(const char *what, void *pointer)
{
    if (pointer == NULL)
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "%s called with NULL pointer", what);
    else
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "%s called with invalid pointer %p (header 0x%016llx)",
                     what, pointer, (unsigned long long) aset_chunk_header_word(pointer));
}

/* The kind of context the pointer's chunk belongs to, or 0 (with the error set) if it is not one of ours. */
static inline int chunk_kind(const char *what, void *pointer)
{
    int kind = pointer != NULL ? context_kind_of_pointer(pointer) : 0;

    if (likely(kind != 0))
        return kind;
    invalid_pointer(what, pointer);
    return 0;
}

#ifdef AB_CHECKING
/* What a checking build must know of a chunk before pfree or repalloc lets it go, to wipe it after. */
typedef struct CheckedChunk
{
    size_t capacity;
    bool   external;   /* a dedicated block: it goes back to its source, nothing is left to wipe */
} CheckedChunk;

/*
 * The checks of pfree and repalloc (op): a freed chunk or an overwritten
 * sentinel (AB_ERR_MEMORY_CHECK), or not a chunk at all (AB_ERR_INVALID_ARGUMENT);
 * AB_OK with *out filled.
 */
static int check_before_release(const char *op, void *pointer, CheckedChunk *out)
{
    if (pointer != NULL && aset_check_chunk(op, pointer) == AB_ERR_MEMORY_CHECK)
        return AB_ERR_MEMORY_CHECK;
    if (unlikely(chunk_kind(op, pointer) == 0))
        return AB_ERR_INVALID_ARGUMENT;
    out->capacity = aset_chunk_capacity(pointer);
    out->external = chunk_is_external(chunk_of(pointer));
    return AB_OK;
}
#endif

/*
 * Test-only slowdown, never in a shipped library: built only with
 * -DAB_TEST_SLOWDOWN_ITERS=N (make -C native slow SLOW_ITERS=N, used by
 * scripts/make-slow-jar to validate the performance gate against a build with
 * a known regression).  Each ab_alloc / ab_free then runs a dependent chain of
 * N additions (ab_free: M with -DAB_TEST_SLOWDOWN_FREE_ITERS=M, for steps
 * between two values of N) that the compiler cannot fold (the empty asm makes
 * x opaque), about one cycle each, and adds its result (always 0) to the
 * argument, so the call's real work waits for the chain.  The effect is not
 * linear in N: a short chain still overlaps the caller's work (validated:
 * N=5 about 3%, N=6 about 15%, N=8 about 21% on the gate campaign).
 */
#ifdef AB_TEST_SLOWDOWN_ITERS
#ifndef AB_TEST_SLOWDOWN_FREE_ITERS
#define AB_TEST_SLOWDOWN_FREE_ITERS AB_TEST_SLOWDOWN_ITERS
#endif
static inline uintptr_t test_slowdown(uintptr_t iters)
{
    uintptr_t x = 0;

    for (uintptr_t i = 0; i < iters; i++)
    {
        x += i;
        __asm__ volatile("" : "+r"(x));
    }
    /* 0 at run time; opaque to the compiler */
    return x - iters * (iters - 1) / 2;
}
#define TEST_SLOWDOWN(arg, iters) ((arg) = (void *) ((uintptr_t) (arg) + test_slowdown(iters)))
#else
#define TEST_SLOWDOWN(arg, iters) ((void) 0)
#endif

/* ---- the other kinds' hot calls: direct, by kind (context_kinds.h says why) ---- */

static inline void *other_kind_alloc(AbContext *context, size_t size, int flags)
{
    switch (context->d.kind)
    {
        case AB_CONTEXT_KIND_GENERATION:
            return generation_alloc(context, size, flags);
        case AB_CONTEXT_KIND_SLAB:
            return slab_alloc(context, size, flags);
        default:
            return bump_alloc(context, size, flags);
    }
}

/* kind: a pointer's, as context_kind_of_pointer says (never Bump: its chunks have no header). */
static inline int other_kind_free(int kind, void *pointer)
{
    return kind == AB_CONTEXT_KIND_GENERATION ? generation_free(pointer) : slab_free(pointer);
}

static inline void *other_kind_realloc(int kind, void *pointer, size_t size, int flags)
{
    return kind == AB_CONTEXT_KIND_GENERATION ? generation_realloc(pointer, size, flags)
                                              : slab_realloc(pointer, size, flags);
}

/* ---- creation ---- */

static void link_child(AbContext *context, AbContext *parent)
{
    context->d.parent = parent;
    context->d.prevchild = NULL;
    context->d.nextchild = parent->d.firstchild;
    if (parent->d.firstchild != NULL)
        parent->d.firstchild->d.prevchild = context;
    parent->d.firstchild = context;
}

static void unlink_from_parent(AbContext *context)
{
    AbContext *parent = context->d.parent;

    if (parent == NULL)
        return;
    if (context->d.prevchild != NULL)
        context->d.prevchild->d.nextchild = context->d.nextchild;
    else
        parent->d.firstchild = context->d.nextchild;
    if (context->d.nextchild != NULL)
        context->d.nextchild->d.prevchild = context->d.prevchild;
    context->d.parent = context->d.prevchild = context->d.nextchild = NULL;
}

AbContext *ab_context_new(const char *name, int kind, size_t size, size_t struct_size, const AbBlockSource *source)
{
    char *name_copy = strdup(name);
    AbContext *context = name_copy != NULL ? source->alloc(source->state, size) : NULL;

    if (context == NULL)
    {
        free(name_copy);
        return ab_error_create_failed(name);
    }
    memset(context, 0, struct_size);
    context->d.kind = (uint8_t) kind;
    context->d.isReset = true;
    context->d.magic = AB_CONTEXT_MAGIC;
    context->d.source = source;
    context->d.name = name_copy;
    return context;
}

size_t ab_first_block_size(size_t least, size_t minContextSize, size_t initBlockSize)
{
    size_t wanted = minContextSize != 0 ? minContextSize : initBlockSize;

    return wanted > least ? wanted : least;
}

void ab_link_new_context(AbContext *context, AbContext *parent)
{
    if (context != NULL && parent != NULL)
        link_child(context, parent);
}

int ab_create_checks(AbContext *parent, const char *name, const AbBlockSource *source)
{
    if (parent != NULL && !context_is_valid(parent))
        return ab_error_invalid_context(parent);
    if (name == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "memory context name must not be NULL");
    if (source == NULL || source->alloc == NULL || source->free == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "block source must have alloc and free functions");
    return AB_OK;
}

AbContext *ab_aset_create_with_source(AbContext *parent, const char *name,
                                      size_t minContextSize, size_t initBlockSize,
                                      size_t maxBlockSize, const AbBlockSource *source)
{
    AbContext *context;

    if (ab_create_checks(parent, name, source) != AB_OK)
        return NULL;
    context = aset_create(name, minContextSize, initBlockSize, maxBlockSize, source);
    ab_link_new_context(context, parent);
    return context;
}

AbContext *ab_aset_create(AbContext *parent, const char *name, size_t minContextSize,
                          size_t initBlockSize, size_t maxBlockSize)
{
    return ab_aset_create_with_source(parent, name, minContextSize, initBlockSize,
                                      maxBlockSize, &ab_malloc_source);
}

/* ---- allocation ---- */

void *ab_alloc_extended(AbContext *context, size_t size, int flags)
{
    void *pointer;

    if (unlikely(!context_is_valid(context)))
    {
        ab_error_invalid_context(context);
        return NULL;
    }
    context->d.isReset = false;
    pointer = likely(context->d.kind == AB_CONTEXT_KIND_ASET) ? aset_alloc((AllocSet) context, size, flags)
                                                              : other_kind_alloc(context, size, flags);
    if (pointer != NULL && (flags & AB_ALLOC_ZERO))
        memset(pointer, 0, size);
#ifdef AB_CHECKING
    /* the checking build checks AllocSet chunks only */
    if (pointer != NULL && context->d.kind == AB_CONTEXT_KIND_ASET)
        aset_mark_allocated(pointer, size);
#endif
    return pointer;
}

void *ab_alloc(AbContext *context, size_t size)
{
    TEST_SLOWDOWN(context, AB_TEST_SLOWDOWN_ITERS);
    if (unlikely(!context_is_valid(context)))
    {
        ab_error_invalid_context(context);
        return NULL;
    }
    context->d.isReset = false;
#ifdef AB_CHECKING
    return ab_alloc_extended(context, size, 0);
#else
    if (likely(context->d.kind == AB_CONTEXT_KIND_ASET))
        return aset_alloc((AllocSet) context, size, 0);
    return other_kind_alloc(context, size, 0);
#endif
}

void *ab_alloc0(AbContext *context, size_t size)
{
    return ab_alloc_extended(context, size, AB_ALLOC_ZERO);
}

void *ab_realloc_extended(void *pointer, size_t size, int flags)
{
    int kind = pointer != NULL ? context_kind_of_pointer(pointer) : 0;

    if (unlikely(kind != AB_CONTEXT_KIND_ASET) && kind != 0)
        return other_kind_realloc(kind, pointer, size, flags);
#ifdef AB_CHECKING
    void *moved;
    CheckedChunk old;

    if (check_before_release("repalloc", pointer, &old) != AB_OK)
        return NULL;
    moved = aset_realloc(pointer, size, flags);
    if (moved == NULL)
        return NULL;
    if (moved != pointer && !old.external)
        aset_mark_freed(chunk_of(pointer), old.capacity);
    aset_mark_allocated(moved, size);
    return moved;
#else
    if (unlikely(kind == 0))
    {
        invalid_pointer("repalloc", pointer);
        return NULL;
    }
    return aset_realloc(pointer, size, flags);
#endif
}

void *ab_realloc(void *pointer, size_t size)
{
    return ab_realloc_extended(pointer, size, 0);
}

int ab_free(void *pointer)
{
    TEST_SLOWDOWN(pointer, AB_TEST_SLOWDOWN_FREE_ITERS);
    int kind = pointer != NULL ? context_kind_of_pointer(pointer) : 0;

    /* Kind 0 goes on: a checking build may still recognise a freed AllocSet chunk. */
    if (unlikely(kind != AB_CONTEXT_KIND_ASET) && kind != 0)
        return other_kind_free(kind, pointer);
#ifdef AB_CHECKING
    CheckedChunk old;
    int rc;

    if ((rc = check_before_release("pfree", pointer, &old)) != AB_OK)
        return rc;
    rc = aset_free(pointer);
    /* A dedicated block went back to its source: nothing left to wipe. */
    if (rc == AB_OK && !old.external)
        aset_mark_freed(chunk_of(pointer), old.capacity);
    return rc;
#else
    if (unlikely(kind == 0))
    {
        invalid_pointer("pfree", pointer);
        return AB_ERR_INVALID_ARGUMENT;
    }
    return aset_free(pointer);
#endif
}

AbContext *ab_chunk_context(void *pointer)
{
    int kind = chunk_kind("GetMemoryChunkContext", pointer);

    return kind == 0 ? NULL : ab_kind_methods[kind]->owner(pointer);
}

size_t ab_chunk_capacity(void *pointer)
{
    int kind = chunk_kind("GetMemoryChunkSpace", pointer);

    return kind == 0 ? 0 : ab_kind_methods[kind]->chunk_capacity(pointer);
}

size_t ab_chunk_space(void *pointer)
{
    int kind = chunk_kind("GetMemoryChunkSpace", pointer);

    if (kind == 0)
        return 0;
    return ab_kind_methods[kind]->chunk_capacity(pointer) + ab_kind_methods[kind]->chunk_header_size();
}

/* ---- reset, delete, reparent ---- */

static void call_reset_callbacks(AbContext *context)
{
    AbResetCallback *cb;

    /* Pop before calling, so a callback that fails to return cannot run twice. */
    while ((cb = context->d.reset_cbs) != NULL)
    {
        context->d.reset_cbs = cb->next;
        cb->fn(cb->arg);
    }
}

static void reset_only(AbContext *context)
{
    if (!context->d.isReset)
    {
        call_reset_callbacks(context);
        context_methods(context)->reset(context);
        context->d.isReset = true;
    }
}

static void delete_only(AbContext *context)
{
    char *name = context->d.name;
    char *ident = context->d.ident;

    call_reset_callbacks(context);
    unlink_from_parent(context);
    context_methods(context)->destroy(context);
    free(name);
    free(ident);
}

/* Deletes context and its descendants, leaves first, without recursion. */
static void delete_tree(AbContext *context)
{
    AbContext *curr = context;

    for (;;)
    {
        AbContext *parent;

        while (curr->d.firstchild != NULL)
            curr = curr->d.firstchild;
        parent = curr->d.parent;
        delete_only(curr);
        if (curr == context)
            break;
        curr = parent;
    }
}

void ab_reset(AbContext *context)
{
    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return;
    }
    while (context->d.firstchild != NULL)
        delete_tree(context->d.firstchild);
    reset_only(context);
}

void ab_reset_only(AbContext *context)
{
    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return;
    }
    reset_only(context);
}

void ab_delete(AbContext *context)
{
    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return;
    }
    delete_tree(context);
}

int ab_set_parent(AbContext *context, AbContext *new_parent)
{
    if (!context_is_valid(context))
        return ab_error_invalid_context(context);
    if (new_parent != NULL && !context_is_valid(new_parent))
        return ab_error_invalid_context(new_parent);
    if (new_parent == context->d.parent)
        return AB_OK;
    for (AbContext *up = new_parent; up != NULL; up = up->d.parent)
    {
        if (up == context)
        {
            ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                         "cannot make memory context \"%s\" a child of itself or of its descendant \"%s\"",
                         context->d.name, new_parent->d.name);
            return AB_ERR_INVALID_ARGUMENT;
        }
    }
    unlink_from_parent(context);
    if (new_parent != NULL)
        link_child(context, new_parent);
    return AB_OK;
}

int ab_set_ident(AbContext *context, const char *ident)
{
    char *copy = NULL;

    if (!context_is_valid(context))
        return ab_error_invalid_context(context);
    if (ident != NULL && (copy = strdup(ident)) == NULL)
    {
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory");
        return AB_ERR_OUT_OF_MEMORY;
    }
    free(context->d.ident);
    context->d.ident = copy;
    return AB_OK;
}

int ab_register_reset_callback(AbContext *context, AbResetCallbackFn fn, void *arg)
{
    AbResetCallback *cb;

    if (!context_is_valid(context))
        return ab_error_invalid_context(context);
    if (fn == NULL)
    {
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "reset callback function must not be NULL");
        return AB_ERR_INVALID_ARGUMENT;
    }
    /* Like PostgreSQL's callers, keep the node in the context itself: it dies with it. */
    cb = ab_alloc(context, sizeof(AbResetCallback));
    if (cb == NULL)
        return ab_error_code();
    cb->fn = fn;
    cb->arg = arg;
    cb->next = context->d.reset_cbs;
    context->d.reset_cbs = cb;
    return AB_OK;
}

/* ---- navigation and queries ---- */

#define CONTEXT_FIELD(expr, fallback) \
    do { \
        if (!context_is_valid(context)) \
        { \
            ab_error_invalid_context(context); \
            return fallback; \
        } \
        return expr; \
    } while (0)

AbContext *ab_parent(AbContext *context) { CONTEXT_FIELD(context->d.parent, NULL); }
AbContext *ab_first_child(AbContext *context) { CONTEXT_FIELD(context->d.firstchild, NULL); }
AbContext *ab_next_sibling(AbContext *context) { CONTEXT_FIELD(context->d.nextchild, NULL); }
const char *ab_name(AbContext *context) { CONTEXT_FIELD(context->d.name, NULL); }
const char *ab_ident(AbContext *context) { CONTEXT_FIELD(context->d.ident, NULL); }
const char *ab_context_type(AbContext *context) { CONTEXT_FIELD(context_methods(context)->type_name, NULL); }

/* The AllocSet-only queries refuse other kinds (they have no such limit or freelists). */
static bool is_aset(AbContext *context, const char *what)
{
    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return false;
    }
    if (context->d.kind == AB_CONTEXT_KIND_ASET)
        return true;
    ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "%s: memory context \"%s\" is a %s context, not an AllocSet",
                 what, context->d.name, context_methods(context)->type_name);
    return false;
}

size_t ab_alloc_chunk_limit(AbContext *context)
{
    return is_aset(context, "ab_alloc_chunk_limit") ? ((AllocSet) context)->allocChunkLimit : 0;
}

long ab_freelist_length(AbContext *context, int fidx)
{
    return is_aset(context, "ab_freelist_length") ? aset_freelist_length((AllocSet) context, fidx) : -1;
}

int ab_size_class(size_t size)
{
    return size <= ALLOC_CHUNK_LIMIT ? aset_free_index(size) : -1;
}

/* Next context after curr in a depth-first walk of top's subtree, or NULL. */
AbContext *ab_traverse_next(AbContext *curr, AbContext *top)
{
    if (curr->d.firstchild != NULL)
        return curr->d.firstchild;
    while (curr != top && curr->d.nextchild == NULL)
        curr = curr->d.parent;
    return curr == top ? NULL : curr->d.nextchild;
}

size_t ab_mem_allocated(AbContext *context, int recurse)
{
    size_t total = 0;

    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return 0;
    }
    for (AbContext *c = context; c != NULL; c = recurse ? ab_traverse_next(c, context) : NULL)
        total += c->d.mem_allocated;
    return total;
}

/*
 * context_kinds.c -- the table the entry points dispatch through, indexed
 * by a context's kind (context_kinds.h).
 */
#include "context_kinds.h"

const AbKindMethods *const ab_kind_methods[AB_CONTEXT_KIND_COUNT] = {
    [AB_CONTEXT_KIND_ASET] = &ab_aset_methods,
    [AB_CONTEXT_KIND_GENERATION] = &ab_generation_methods,
    [AB_CONTEXT_KIND_SLAB] = &ab_slab_methods,
    [AB_CONTEXT_KIND_BUMP] = &ab_bump_methods,
};

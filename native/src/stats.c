/*
 * stats.c -- what a context holds, in PostgreSQL's terms: counters
 * (MemoryContextCounters), the MemoryContextStats text dump, and rows shaped
 * like the pg_backend_memory_contexts view.
 *
 * The dump follows PostgreSQL 17: one line per context indented two spaces
 * per level, "NAME: <stats>" with ": IDENT" appended (control characters
 * turned to spaces, cut at 100 bytes with "..."); at most max_children
 * children are printed per parent and at most 100 levels deep, and the rest
 * of a parent's subtree is summed into one "K more child contexts containing
 * ..." line (K counts every context summed, descendants included); then
 * "Grand total: T bytes in N blocks; ...".
 */
#include <stdio.h>
#include <string.h>

#include "aset_internal.h"
#include "context_kinds.h"

#define STATS_MAX_LEVEL 100
#define STATS_DEFAULT_MAX_CHILDREN 100
#define IDENT_DUMP_LIMIT 100

void ab_stats_line_counters(AbTextOut *out, const AbCounters *c)
{
    ab_text_printf(out, "%llu total in %llu blocks; %llu free (%llu chunks); %llu used",
                   (unsigned long long) c->totalspace, (unsigned long long) c->nblocks,
                   (unsigned long long) c->freespace, (unsigned long long) c->freechunks,
                   (unsigned long long) (c->totalspace - c->freespace));
}

static void out_indent(AbTextOut *out, int level)
{
    for (int i = 0; i < level; i++)
        ab_text_printf(out, "  ");
}

void ab_counters_add(AbCounters *sum, const AbCounters *c)
{
    sum->nblocks += c->nblocks;
    sum->freechunks += c->freechunks;
    sum->totalspace += c->totalspace;
    sum->freespace += c->freespace;
    sum->usedspace += c->usedspace;
}

/* The identifier as PostgreSQL prints it: control chars as spaces, cut at 100 bytes. */
static void out_ident(AbTextOut *out, const char *ident)
{
    size_t len = strlen(ident);
    bool truncated = len > IDENT_DUMP_LIMIT;
    char clean[IDENT_DUMP_LIMIT + 1];

    if (truncated)
    {
        len = IDENT_DUMP_LIMIT;
        /* never cut a UTF-8 sequence in half: back off its continuation bytes */
        while (len > 0 && ((unsigned char) ident[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++)
        clean[i] = (unsigned char) ident[i] < ' ' ? ' ' : ident[i];
    clean[len] = '\0';
    ab_text_printf(out, ": %s%s", clean, truncated ? "..." : "");
}

static void own_counters(AbContext *context, AbCounters *out)
{
    *out = (AbCounters) {0};
    context_methods(context)->stats(context, out, NULL);
}

void ab_stats(AbContext *context, int recurse, AbCounters *out)
{
    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        *out = (AbCounters) {0};
        return;
    }
    *out = (AbCounters) {0};
    for (AbContext *c = context; c != NULL; c = recurse ? ab_traverse_next(c, context) : NULL)
        context_methods(c)->stats(c, out, NULL);
}

static void dump_context(AbTextOut *out, AbContext *context, int level, int max_children,
                         AbCounters *totals)
{
    AbCounters own = {0};
    AbContext *child;
    const char *name = context->d.name;
    const char *ident = context->d.ident;
    int ichild = 0;

    /* A dynahash context is better known by its table's name (as PostgreSQL prints it). */
    if (ident != NULL && strcmp(name, "dynahash") == 0)
    {
        name = ident;
        ident = NULL;
    }
    out_indent(out, level);
    ab_text_printf(out, "%s: ", name);
    context_methods(context)->stats(context, &own, out);
    ab_counters_add(totals, &own);
    if (ident != NULL)
        out_ident(out, ident);
    ab_text_printf(out, "\n");

    child = context->d.firstchild;
    if (level < STATS_MAX_LEVEL)
    {
        for (; child != NULL && ichild < max_children; child = child->d.nextchild, ichild++)
            dump_context(out, child, level + 1, max_children, totals);
    }
    if (child != NULL)
    {
        AbCounters rest = {0};
        int summarised = 0;

        for (; child != NULL; child = ab_traverse_next(child, context))
        {
            context_methods(child)->stats(child, &rest, NULL);
            summarised++;
        }
        out_indent(out, level + 1);
        ab_text_printf(out, "%d more child contexts containing ", summarised);
        ab_stats_line_counters(out, &rest);
        ab_text_printf(out, "\n");
        ab_counters_add(totals, &rest);
    }
}

size_t ab_stats_dump(AbContext *context, int max_children, char *buf, size_t buflen)
{
    AbTextOut out = {.buf = buf, .cap = buf != NULL ? buflen : 0, .len = 0};
    AbCounters totals = {0};

    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return 0;
    }
    if (max_children <= 0)
        max_children = STATS_DEFAULT_MAX_CHILDREN;
    dump_context(&out, context, 0, max_children, &totals);
    ab_text_printf(&out, "Grand total: %llu bytes in %llu blocks; %llu free (%llu chunks); %llu used\n",
                   (unsigned long long) totals.totalspace, (unsigned long long) totals.nblocks,
                   (unsigned long long) totals.freespace, (unsigned long long) totals.freechunks,
                   (unsigned long long) (totals.totalspace - totals.freespace));
    if (out.len >= out.cap && out.cap > 0)
        buf[0] = '\0'; /* did not fit: leave no half-written text behind */
    return out.len;
}

size_t ab_context_rows(AbContext *context, AbContextRow *rows, size_t max_rows)
{
    size_t n = 0;
    int level = 0;

    if (!context_is_valid(context))
    {
        ab_error_invalid_context(context);
        return 0;
    }
    for (AbContext *c = context; c != NULL;)
    {
        if (n < max_rows)
        {
            AbContextRow *row = &rows[n];

            row->name = c->d.name;
            row->ident = c->d.ident;
            row->parent = c->d.parent != NULL ? c->d.parent->d.name : NULL;
            row->level = level;
            row->reserved = 0;
            own_counters(c, &row->counters);
        }
        n++;

        /* depth-first step, tracking the level as we go down and up */
        if (c->d.firstchild != NULL)
        {
            c = c->d.firstchild;
            level++;
            continue;
        }
        while (c != context && c->d.nextchild == NULL)
        {
            c = c->d.parent;
            level--;
        }
        c = c == context ? NULL : c->d.nextchild;
    }
    return n;
}

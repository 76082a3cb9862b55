/*
 * kinds_testing.h -- checks shared by the tests of the Generation, Slab and
 * Bump contexts: a context's own MemoryContextStats line, as ab_stats_dump
 * prints it for a context without children.
 */
#ifndef ALLOCBENCH_KINDS_TESTING_H
#define ALLOCBENCH_KINDS_TESTING_H

#include "testing.h"

/* The first line of ab_stats_dump(ctx): "NAME: <the kind's own wording>". */
static inline void check_stats_line_(const char *file, int line, AbContext *ctx, const char *expected)
{
    char buf[4096];
    char *end;

    if (ab_stats_dump(ctx, 0, buf, sizeof(buf)) >= sizeof(buf))
    {
        test_fail(file, line, "stats dump does not fit %zu bytes", sizeof(buf));
        return;
    }
    end = strchr(buf, '\n');
    if (end != NULL)
        *end = '\0';
    if (strcmp(buf, expected) != 0)
        test_fail(file, line, "stats line:\n  got      \"%s\"\n  expected \"%s\"", buf, expected);
}

#define CHECK_STATS_LINE(ctx, expected) check_stats_line_(__FILE__, __LINE__, (ctx), (expected))

#endif /* ALLOCBENCH_KINDS_TESTING_H */

/*
 * testing.h -- the whole test harness of the native core: macros and a
 * few inline checks, no library.
 *
 *   TEST(name) { ... }        defines a test; it registers itself before main()
 *                             (a constructor), so a new test_*.c file needs no list
 *   test_skip(fmt, ...)       marks the test skipped with a reason (then return):
 *                             for what needs root or reserved huge pages
 *   CHECK(cond)               records a failure and carries on
 *   REQUIRE(cond)             records a failure and leaves the test (use before
 *                             dereferencing something that may be NULL)
 *   CHECK_EQ_U64/I64/PTR/STR(actual, expected)   print both values on failure
 *   REQUIRE_ALLOC(p, ctx, size)   p = ab_alloc(ctx, size), leaving the test if NULL
 *   CHECK_CHUNK(p, capacity, space)   ab_chunk_capacity and ab_chunk_space of p
 *   CHECK_COUNTERS(counters, total, nblocks, free, freechunks, used)   an AbCounters
 *   CHECK_STATS(ctx, total, nblocks, free, freechunks, used)   ab_stats(ctx, 0)
 *   CHECK_TREE_STATS(...)     the same with recurse = 1
 *   CHECK_CHILDREN(parent, c, b, a)   parent's children, newest first, and no
 *                             others (CHECK_CHILDREN(parent, NULL): none)
 *   CHECK_FREELISTS(ctx, [fidx] = n, ...)   the length of every freelist: those
 *                             not named must be empty (CHECK_FREELISTS_EMPTY(ctx))
 *   MB8, COUNT(array)         PostgreSQL's ALLOCSET_DEFAULT_MAXSIZE; an array's length
 *   under_valgrind()          for what the kernel sees differently under valgrind
 *
 * test_main.c runs every test (or those whose name contains argv[1]) and ends
 * with the line "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
 *
 * Sizes used in the derivations (LP64, see src/aset_internal.h): context
 * struct 200, block header 40, chunk header 8, MAXALIGN 8.
 */
#ifndef ALLOCBENCH_TESTING_H
#define ALLOCBENCH_TESTING_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"

#define MB8 (8 * 1024 * 1024)
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

typedef void (*TestFn)(void);

void test_register(const char *file, const char *name, TestFn fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks the running test skipped, with the reason printed; the test should return next. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST(name) \
    static void name(void); \
    __attribute__((constructor)) static void register_##name(void) \
    { \
        test_register(__FILE__, #name, name); \
    } \
    static void name(void)

#define CHECK(cond) \
    do { \
        if (!(cond)) \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
    } while (0)

#define REQUIRE(cond) \
    do { \
        if (!(cond)) \
        { \
            test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); \
            return; \
        } \
    } while (0)

/* One comparison of actual and expected as type, both printed with fmt on failure. */
#define CHECK_EQ_AS_(type, fmt, actual, expected) \
    do { \
        type check_a_ = (type) (actual); \
        type check_e_ = (type) (expected); \
        if (check_a_ != check_e_) \
            test_fail(__FILE__, __LINE__, "%s == %s: got %" fmt ", expected %" fmt, \
                      #actual, #expected, check_a_, check_e_); \
    } while (0)

#define CHECK_EQ_U64(actual, expected) CHECK_EQ_AS_(uint64_t, PRIu64, actual, expected)
#define CHECK_EQ_I64(actual, expected) CHECK_EQ_AS_(int64_t, PRId64, actual, expected)
#define CHECK_EQ_PTR(actual, expected) CHECK_EQ_AS_(const void *, "p", actual, expected)

/* NULL is a value here: NULL equals only NULL. */
#define CHECK_EQ_STR(actual, expected) \
    do { \
        const char *check_a_ = (actual), *check_e_ = (expected); \
        if (check_a_ == NULL || check_e_ == NULL ? check_a_ != check_e_ \
                                                 : strcmp(check_a_, check_e_) != 0) \
            test_fail(__FILE__, __LINE__, "%s == %s:\n  got      \"%s\"\n  expected \"%s\"", \
                      #actual, #expected, check_a_ ? check_a_ : "(null)", \
                      check_e_ ? check_e_ : "(null)"); \
    } while (0)

#define REQUIRE_ALLOC(p, ctx, size) \
    do { \
        (p) = ab_alloc((ctx), (size)); \
        REQUIRE((p) != NULL); \
    } while (0)

#define CHECK_CHUNK(p, capacity, space) \
    do { \
        CHECK_EQ_U64(ab_chunk_capacity(p), (capacity)); \
        CHECK_EQ_U64(ab_chunk_space(p), (space)); \
    } while (0)

#define CHECK_COUNTERS(c, total_, nblocks_, free_, freechunks_, used_) \
    do { \
        CHECK_EQ_U64((c).totalspace, (total_)); \
        CHECK_EQ_U64((c).nblocks, (nblocks_)); \
        CHECK_EQ_U64((c).freespace, (free_)); \
        CHECK_EQ_U64((c).freechunks, (freechunks_)); \
        CHECK_EQ_U64((c).usedspace, (used_)); \
    } while (0)

#define CHECK_STATS_(ctx, recurse, total_, nblocks_, free_, freechunks_, used_) \
    do { \
        AbCounters stats_c_; \
        ab_stats((ctx), (recurse), &stats_c_); \
        CHECK_COUNTERS(stats_c_, total_, nblocks_, free_, freechunks_, used_); \
    } while (0)

#define CHECK_STATS(ctx, total_, nblocks_, free_, freechunks_, used_) \
    CHECK_STATS_(ctx, 0, total_, nblocks_, free_, freechunks_, used_)
#define CHECK_TREE_STATS(ctx, total_, nblocks_, free_, freechunks_, used_) \
    CHECK_STATS_(ctx, 1, total_, nblocks_, free_, freechunks_, used_)

static inline void check_children_(const char *file, int line, AbContext *parent, AbContext *const expected[])
{
    AbContext *child = ab_first_child(parent);

    for (int i = 0; expected[i] != NULL; i++, child = ab_next_sibling(child))
    {
        if (child != expected[i])
        {
            test_fail(file, line, "child %d of \"%s\": got \"%s\", expected \"%s\"", i, ab_name(parent),
                      child != NULL ? ab_name(child) : "(none)", ab_name(expected[i]));
            return;
        }
        if (ab_parent(child) != parent)
            test_fail(file, line, "child %d of \"%s\" names another parent", i, ab_name(parent));
    }
    if (child != NULL)
        test_fail(file, line, "\"%s\" has a child more than expected: \"%s\"", ab_name(parent), ab_name(child));
}

#define CHECK_CHILDREN(parent, ...) \
    check_children_(__FILE__, __LINE__, (parent), (AbContext *const[]) {__VA_ARGS__, NULL})

#define AB_TEST_NUM_FREELISTS 11   /* ALLOCSET_NUM_FREELISTS */

static inline void check_freelists_(const char *file, int line, AbContext *ctx,
                                    const long expected[AB_TEST_NUM_FREELISTS])
{
    for (int i = 0; i < AB_TEST_NUM_FREELISTS; i++)
    {
        long got = ab_freelist_length(ctx, i);

        if (got != expected[i])
            test_fail(file, line, "ab_freelist_length(%d): got %ld, expected %ld", i, got, expected[i]);
    }
}

/* The lengths as designated initializers, so a list left out is expected empty. */
#define CHECK_FREELISTS(ctx, ...) \
    check_freelists_(__FILE__, __LINE__, (ctx), (const long[AB_TEST_NUM_FREELISTS]) {__VA_ARGS__})
#define CHECK_FREELISTS_EMPTY(ctx) CHECK_FREELISTS(ctx, 0)

/*
 * valgrind preloads its own libraries.  Some kernel views differ under it:
 * the smaps of shmat, and the page faults of a thread, which then include
 * valgrind's own (its translation cache, its shadow memory).
 */
static inline bool under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

#endif /* ALLOCBENCH_TESTING_H */

/*
 * testing.h -- the whole test harness of the native core: a handful of
 * macros, no library.
 *
 *   TEST(name) { ... }        defines a test; it registers itself before main()
 *                             (a constructor), so a new test_*.c file needs no list
 *   test_skip(fmt, ...)       marks the test skipped with a reason (then return):
 *                             for what needs root or reserved huge pages
 *   CHECK(cond)               records a failure and carries on
 *   REQUIRE(cond)             records a failure and leaves the test (use before
 *                             dereferencing something that may be NULL)
 *   CHECK_EQ_U64/I64/PTR/STR(actual, expected)   print both values on failure
 *   CHECK_COUNTERS(counters, total, nblocks, free, freechunks, used)   an AbCounters
 *   CHECK_STATS(ctx, total, nblocks, free, freechunks, used)   ab_stats(ctx, 0)
 *   CHECK_TREE_STATS(...)     the same with recurse = 1
 *   MB8, COUNT(array)         PostgreSQL's ALLOCSET_DEFAULT_MAXSIZE; an array's length
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
#include <stdint.h>
#include <stdio.h>
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

#define CHECK_EQ_U64(actual, expected) \
    do { \
        uint64_t check_a_ = (uint64_t) (actual), check_e_ = (uint64_t) (expected); \
        if (check_a_ != check_e_) \
            test_fail(__FILE__, __LINE__, "%s == %s: got %" PRIu64 ", expected %" PRIu64, \
                      #actual, #expected, check_a_, check_e_); \
    } while (0)

#define CHECK_EQ_I64(actual, expected) \
    do { \
        int64_t check_a_ = (int64_t) (actual), check_e_ = (int64_t) (expected); \
        if (check_a_ != check_e_) \
            test_fail(__FILE__, __LINE__, "%s == %s: got %" PRId64 ", expected %" PRId64, \
                      #actual, #expected, check_a_, check_e_); \
    } while (0)

#define CHECK_EQ_PTR(actual, expected) \
    do { \
        const void *check_a_ = (actual), *check_e_ = (expected); \
        if (check_a_ != check_e_) \
            test_fail(__FILE__, __LINE__, "%s == %s: got %p, expected %p", \
                      #actual, #expected, check_a_, check_e_); \
    } while (0)

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

#endif /* ALLOCBENCH_TESTING_H */

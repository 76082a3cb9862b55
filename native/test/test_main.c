/*
 * test_main.c -- runs every registered test (see testing.h).
 *
 *   build/tests            all tests
 *   build/tests realloc    only tests whose name contains "realloc"
 *
 * Failures and skips (with their reason) are printed as they happen; the
 * last line is "N passed, N failed, N skipped".
 */
#include <stdarg.h>
#include <stdlib.h>

#include "testing.h"

#define MAX_TESTS 512

typedef struct TestCase
{
    const char *file;
    const char *name;
    TestFn      fn;
} TestCase;

static TestCase tests[MAX_TESTS];
static int ntests;
static const char *current_test;
static int current_failures;
static int current_skipped;

void test_register(const char *file, const char *name, TestFn fn)
{
    if (ntests == MAX_TESTS)
    {
        fprintf(stderr, "too many tests: raise MAX_TESTS in test_main.c\n");
        exit(2);
    }
    tests[ntests++] = (TestCase) {file, name, fn};
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;

    current_failures++;
    printf("FAIL %s (%s:%d): ", current_test, file, line);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

void test_skip(const char *fmt, ...)
{
    va_list args;

    current_skipped = 1;
    printf("SKIP %s: ", current_test);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0;
    int failed = 0;
    int skipped = 0;

    for (int i = 0; i < ntests; i++)
    {
        if (filter != NULL && strstr(tests[i].name, filter) == NULL)
            continue;
        current_test = tests[i].name;
        current_failures = 0;
        current_skipped = 0;
        tests[i].fn();
        if (current_failures == 0 && current_skipped)
            skipped++;
        else if (current_failures == 0)
            passed++;
        else
            failed++;
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
}

/*
 * record_marks.h -- the sizes record_workload.c allocates and test_record.c
 * looks for: odd sizes no library call of the workload's would use.
 */
#ifndef RECORD_MARKS_H
#define RECORD_MARKS_H

#define MARK_MALLOC 100003u
#define MARK_CALLOC_N 7u
#define MARK_CALLOC_M 1003u
#define MARK_REALLOC 200003u
#define MARK_POSIX_MEMALIGN 30007u
#define MARK_ALIGNED_ALLOC 1280u
#define MARK_MEMALIGN 4001u
#define MARK_VALLOC 5003u
#define MARK_REALLOC_NULL 50009u
#define MARK_REALLOC_ZERO 60013u
#define MARK_HANDED 70001u
#define MARK_CHILD 80021u
#define MARK_LATE 90001u
#define LATE_COUNT 5

/* Each churn thread: CHURN_OPS mallocs of CHURN_SIZE .. CHURN_SIZE + CHURN_SPREAD - 1 bytes, as many frees. */
#define CHURN_THREADS 4u
#define CHURN_OPS 10000u
#define CHURN_SIZE 20000u
#define CHURN_SPREAD 97u

#endif

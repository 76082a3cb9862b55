/*
 * allocbench_pg.h -- what the extension's files share.
 */
#ifndef ALLOCBENCH_PG_H
#define ALLOCBENCH_PG_H

#include "postgres.h"

#include <sys/resource.h>
#include <time.h>

#include "access/tupdesc.h"
#include "nodes/memnodes.h"

/* record.c: defines allocbench.record_dir and, if it is set, starts recording this backend. */
void		allocbench_record_init(void);

/* allocbench_pg.c: the OUT row of a timed replay (median ns/op, counters, per-iteration ns and faults). */
Datum		allocbench_timed_result(TupleDesc tupdesc, int64 *ns, int64 *faults, int32 iterations, Size nops,
									const MemoryContextCounters *counters);

/* The monotonic clock in ns, as every replay in the suite reads it. */
static inline uint64
allocbench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64) ts.tv_sec * UINT64CONST(1000000000) + (uint64) ts.tv_nsec;
}

/* The backend's minor page faults so far (a backend is one thread); -1 if unknown. */
static inline int64
allocbench_minor_faults(void)
{
	struct rusage usage;

	if (getrusage(RUSAGE_SELF, &usage) != 0)
		return -1;
	return (int64) usage.ru_minflt;
}

/*
 * The touch rule of every replay (one byte written at offset 0 and at SIZE-1
 * after every a, z and r), through a volatile pointer so the stores are made.
 */
static inline void
allocbench_touch(void *pointer, Size size)
{
	volatile unsigned char *bytes = pointer;

	bytes[0] = 1;
	bytes[size - 1] = 1;
}

#endif

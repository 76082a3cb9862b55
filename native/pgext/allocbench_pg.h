/*
 * allocbench_pg.h -- what the extension's files share.
 */
#ifndef ALLOCBENCH_PG_H
#define ALLOCBENCH_PG_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "nodes/memnodes.h"

/* record.c: defines allocbench.record_dir and, if it is set, starts recording this backend. */
void		allocbench_record_init(void);

/* allocbench_pg.c: the OUT row of a timed replay (median ns/op, counters, per-iteration ns and faults). */
Datum		allocbench_timed_result(TupleDesc tupdesc, int64 *ns, int64 *faults, int32 iterations, Size nops,
									const MemoryContextCounters *counters);

/* allocbench_pg.c: the backend's minor page faults so far, and the monotonic clock in ns. */
int64		allocbench_minor_faults(void);
uint64		allocbench_now_ns(void);

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

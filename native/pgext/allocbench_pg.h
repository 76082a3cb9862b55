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

#endif

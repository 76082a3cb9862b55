/*
 * allocbench_pg.c -- replay an allocbench trace through PostgreSQL's own
 * AllocSet, inside a real backend.
 *
 * Why it exists.  allocbench re-implements AllocSet (native/src/aset.c); this
 * is the reference it is checked against and a timed lane of its own: the
 * same trace, replayed by the server's palloc, pfree, repalloc and
 * MemoryContextReset, gives the statistics the real thing keeps and the time
 * it takes.
 *
 *   allocbench_replay(ops bytea, nslots int4, iterations int4)
 *     -> (median_ns_per_op float8, total_bytes int8, total_nblocks int8,
 *         free_bytes int8, free_chunks int8, used_bytes int8,
 *         ns_per_iteration int8[], minflt_per_iteration int8[])
 *
 * The ops.  The trace arrives parsed by Java (org.allocbench.trace.OpSequence):
 * one little-endian 64-bit word per op, kind in bits 0..2 (1 a, 2 z, 3 r,
 * 4 f, 5 R), slot in bits 3..26, size in bits 27..56, bits 57..63 zero.  The
 * trace format (docs/trace-format.md) caps sizes at MaxAllocSize, so plain
 * palloc/repalloc take every size it can carry; nothing needs MCXT_ALLOC_HUGE.
 *
 * Validation first.  The whole trace is checked before anything is timed
 * (kinds, slot range, sizes, a/z only into an empty slot, r/f only on a full
 * one, R empties every slot); a bad op is an ERROR naming its 0-based index
 * in the wording of allocbench's own native replayer.  The replay loop then
 * has nothing to check.
 *
 * The timed work, per iteration (docs/trace-format.md, "Replay
 * semantics"): AllocSetContextCreate(CurrentMemoryContext, ...,
 * ALLOCSET_DEFAULT_SIZES); every op in order (a palloc, z palloc0,
 * r repalloc, f pfree, R MemoryContextReset), writing one byte at offset 0 and
 * one at SIZE-1 after every a, z and r; MemoryContextDelete.  Creation and
 * deletion are inside the timed region, measured with
 * clock_gettime(CLOCK_MONOTONIC) as allocbench's replayer does.  In the last
 * iteration the context's counters are read through its stats method just
 * before the delete (MemoryContextMemConsumed is PostgreSQL 17+; the method
 * with a NULL print function is there in 15), with the clock paused, so the
 * snapshot is not in that iteration's time.  The backend's minor page faults
 * (getrusage; a backend is one thread) are read before each iteration's
 * clock starts and after it stops: allocbench's own lanes count theirs the
 * same way, so both sides of the comparison say how much was fresh pages.
 * The server is started with glibc's malloc thresholds pinned as the suite
 * pins them everywhere (GLIBC_TUNABLES), and the suite makes a first,
 * untimed call before timing one, so the backend is warm like its own lanes.
 *
 * The slot table (with the live set every allocbench replay loop keeps) and
 * the decoded ops live in the caller's context, allocated before timing; only
 * the chunks the trace asks for are in the timed context.
 * Interrupts are checked between iterations, not inside the timed loop.
 */
#include "postgres.h"


#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "access/htup_details.h"
#include "nodes/memnodes.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

#include "allocbench_pg.h"

void		_PG_init(void);

/*
 * Loading the library defines the allocbench.record_dir setting; a session
 * started with it set records its AllocSet operations (record.c).
 */
void
_PG_init(void)
{
	allocbench_record_init();
}

PG_FUNCTION_INFO_V1(allocbench_replay);

/* The op encoding of org.allocbench.trace.OpSequence. */
#define AB_OP_ALLOC 1
#define AB_OP_ALLOC_ZEROED 2
#define AB_OP_REALLOC 3
#define AB_OP_FREE 4
#define AB_OP_RESET 5
#define AB_OP_KIND(op) ((unsigned) ((op) & 0x7))
#define AB_OP_SLOT(op) ((uint32) (((op) >> 3) & 0xffffff))
#define AB_OP_SIZE(op) ((Size) ((op) >> 27))
#define AB_MAX_SLOTS (1 << 24)

static const char *const op_letter[] = {"?", "a", "z", "r", "f", "R"};

/*
 * What the loop knows of a slot: its chunk, and where it is in the dense list
 * of live slots.  allocbench's own replay loops keep this live set for every
 * allocator (native/src/replay_loop.c), so this one keeps it too: the same
 * bookkeeping on both sides of the comparison, even though MemoryContextReset
 * and MemoryContextDelete never need it.
 */
typedef struct SlotState
{
	void	   *chunk;
	uint32		position;
} SlotState;

static void validate(const uint64 *ops, Size nops, uint32 nslots);
static int	compare_int64(const void *a, const void *b);

/*
 * Checks the whole trace.  A slot is full if its epoch is the current one;
 * R bumps the epoch, emptying every slot at once.
 */
static void
validate(const uint64 *ops, Size nops, uint32 nslots)
{
	uint32	   *epochs = palloc0(sizeof(uint32) * nslots);
	uint32		epoch = 1;
	Size		i;

	for (i = 0; i < nops; i++)
	{
		uint64		op = ops[i];
		unsigned	kind = AB_OP_KIND(op);
		uint32		slot = AB_OP_SLOT(op);
		Size		size = AB_OP_SIZE(op);

		if ((op >> 57) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid trace at op %zu: bits 57..63 must be zero (op word 0x%016llx)",
							i, (unsigned long long) op)));
		if (kind < AB_OP_ALLOC || kind > AB_OP_RESET)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid trace at op %zu: unknown op kind %u (op word 0x%016llx)",
							i, kind, (unsigned long long) op)));
		if (kind == AB_OP_RESET)
		{
			if (size != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid trace at op %zu: 'R' carries size %zu (must be 0)", i, size)));
			epoch++;
			continue;
		}
		if (slot >= nslots)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid trace at op %zu: '%s' on slot %u, out of range (the trace has %u slots)",
							i, op_letter[kind], slot, nslots)));
		if (kind == AB_OP_FREE)
		{
			if (size != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid trace at op %zu: 'f' carries size %zu (must be 0)", i, size)));
		}
		else if (size < 1 || size > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid trace at op %zu: '%s' of size %zu (sizes are 1..%zu)",
							i, op_letter[kind], size, (Size) MaxAllocSize)));

		if (kind == AB_OP_ALLOC || kind == AB_OP_ALLOC_ZEROED)
		{
			if (epochs[slot] == epoch)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid trace at op %zu: '%s' into slot %u, which is full",
								i, op_letter[kind], slot)));
			epochs[slot] = epoch;
		}
		else
		{
			if (epochs[slot] != epoch)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid trace at op %zu: '%s' on slot %u, which is empty",
								i, op_letter[kind], slot)));
			if (kind == AB_OP_FREE)
				epochs[slot] = 0;
		}
	}
	pfree(epochs);
}

static int
compare_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

Datum
allocbench_replay(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);
	int32		nslots = PG_GETARG_INT32(1);
	int32		iterations = PG_GETARG_INT32(2);
	Size		nbytes = VARSIZE_ANY_EXHDR(raw);
	Size		nops;
	uint64	   *ops;
	SlotState  *slots;
	uint32	   *live;
	uint32		nlive;
	int64	   *ns;
	int64	   *faults;
	MemoryContextCounters counters;
	TupleDesc	tupdesc;
	Size		i;
	int32		iteration;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("allocbench_replay must be declared with its eight OUT parameters")));
	if (nslots < 1 || nslots > AB_MAX_SLOTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("nslots must be 1..%d, not %d", AB_MAX_SLOTS, nslots)));
	if (iterations < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("iterations must be at least 1, not %d", iterations)));
	if (nbytes % sizeof(uint64) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ops must be a whole number of 8-byte words, not %zu bytes", nbytes)));
	nops = nbytes / sizeof(uint64);
	if (nops == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the trace has no ops")));

	/* Decode into an aligned array (the bytea's data need not be aligned). */
	ops = palloc(nbytes);
	memcpy(ops, VARDATA_ANY(raw), nbytes);
#ifdef WORDS_BIGENDIAN
	for (i = 0; i < nops; i++)
		ops[i] = pg_bswap64(ops[i]);
#endif
	validate(ops, nops, (uint32) nslots);

	slots = palloc0(sizeof(SlotState) * (Size) nslots);
	live = palloc0(sizeof(uint32) * (Size) nslots);
	ns = palloc(sizeof(int64) * (Size) iterations);
	faults = palloc(sizeof(int64) * (Size) iterations);
	memset(&counters, 0, sizeof(counters));

	for (iteration = 0; iteration < iterations; iteration++)
	{
		MemoryContext context;
		uint64		start;
		uint64		elapsed;
		int64		faults_before;

		CHECK_FOR_INTERRUPTS();
		faults_before = allocbench_minor_faults();
		start = allocbench_now_ns();
		context = AllocSetContextCreate(CurrentMemoryContext, "allocbench replay",
										ALLOCSET_DEFAULT_SIZES);
		nlive = 0;
		for (i = 0; i < nops; i++)
		{
			uint64		op = ops[i];
			uint32		slot = AB_OP_SLOT(op);
			Size		size = AB_OP_SIZE(op);

			switch (AB_OP_KIND(op))
			{
				case AB_OP_ALLOC:
					slots[slot].chunk = MemoryContextAlloc(context, size);
					allocbench_touch(slots[slot].chunk, size);
					slots[slot].position = nlive;
					live[nlive++] = slot;
					break;
				case AB_OP_ALLOC_ZEROED:
					slots[slot].chunk = MemoryContextAllocZero(context, size);
					allocbench_touch(slots[slot].chunk, size);
					slots[slot].position = nlive;
					live[nlive++] = slot;
					break;
				case AB_OP_REALLOC:
					slots[slot].chunk = repalloc(slots[slot].chunk, size);
					allocbench_touch(slots[slot].chunk, size);
					break;
				case AB_OP_FREE:
					{
						uint32		hole = slots[slot].position;
						uint32		last = live[--nlive];

						pfree(slots[slot].chunk);
						live[hole] = last;
						slots[last].position = hole;
					}
					break;
				default:		/* AB_OP_RESET: validated */
					MemoryContextReset(context);
					nlive = 0;
					break;
			}
		}
		if (iteration == iterations - 1)
		{
			/* The snapshot is not timed: the clock's start moves by its time. */
			uint64		paused = allocbench_now_ns();

			context->methods->stats(context, NULL, NULL, &counters, false);
			start += allocbench_now_ns() - paused;
		}
		MemoryContextDelete(context);
		elapsed = allocbench_now_ns() - start;
		ns[iteration] = (int64) elapsed;
		faults[iteration] = allocbench_minor_faults() - faults_before;
	}
	pfree(live);
	pfree(slots);
	pfree(ops);
	return allocbench_timed_result(tupdesc, ns, faults, iterations, nops, &counters);
}

/*
 * The eight OUT values of a timed replay (allocbench_replay and
 * allocbench_replay_tree_timed): the median ns/op, the counters read before
 * the last delete, and each iteration's nanoseconds and minor faults.
 */
Datum
allocbench_timed_result(TupleDesc tupdesc, int64 *ns, int64 *faults, int32 iterations, Size nops,
						const MemoryContextCounters *counters)
{
	Datum	   *ns_datums = palloc(sizeof(Datum) * (Size) iterations);
	Datum	   *fault_datums = palloc(sizeof(Datum) * (Size) iterations);
	Datum		values[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	double		median;

	for (int32 iteration = 0; iteration < iterations; iteration++)
	{
		ns_datums[iteration] = Int64GetDatum(ns[iteration]);
		fault_datums[iteration] = Int64GetDatum(faults[iteration]);
	}
	values[6] = PointerGetDatum(construct_array(ns_datums, iterations, INT8OID, sizeof(int64),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[7] = PointerGetDatum(construct_array(fault_datums, iterations, INT8OID, sizeof(int64),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	qsort(ns, iterations, sizeof(int64), compare_int64);
	if (iterations % 2 == 1)
		median = (double) ns[iterations / 2];
	else
		median = ((double) ns[iterations / 2 - 1] + (double) ns[iterations / 2]) / 2.0;

	values[0] = Float8GetDatum(median / (double) nops);
	values[1] = Int64GetDatum((int64) counters->totalspace);
	values[2] = Int64GetDatum((int64) counters->nblocks);
	values[3] = Int64GetDatum((int64) counters->freespace);
	values[4] = Int64GetDatum((int64) counters->freechunks);
	values[5] = Int64GetDatum((int64) (counters->totalspace - counters->freespace));
	pfree(ns);
	pfree(faults);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

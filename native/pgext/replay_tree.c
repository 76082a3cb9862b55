/*
 * replay_tree.c -- replay a version 2 trace (a tree of contexts) through the
 * backend's own memory contexts (docs/trace-format.md, "Version 2"), three
 * ways:
 *
 *   allocbench_replay_tree(ops bytea, placement bytea, nslots int4,
 *                          parents int4[], min_sizes int8[], init_sizes int8[],
 *                          max_sizes int8[], names text[])
 *     -> SETOF (before_op int4, context int4, total_bytes int8,
 *               total_nblocks int8, free_chunks int8, free_bytes int8)
 *   once, untimed: PostgreSQL's counters of every context just before each
 *   delete, and at the end for those still alive (the root included), which
 *   verify-pg compares with our AllocSet's at the same points;
 *
 *   allocbench_replay_tree_kind(kind text, every int4, the same eight,
 *                               chunk_sizes int8[])
 *     -> the same rows
 *   allocbench_replay_tree for the other kinds PostgreSQL 15 has, so that
 *   verify-pg can hold our Generation and Slab to the real ones as it holds
 *   our AllocSet: kind 'AllocSet', 'Generation' or 'Slab' is the type of the
 *   root and of every create (allocbench_replay_tree is kind 'AllocSet',
 *   every 0).  Deletes are few and the root is read only at the end, so
 *   every > 0 also reads, before each op i > 0 with i % every == 0, the
 *   counters of the context that op names (unless it is that context's
 *   create): the states in between, where a kind's bookkeeping of free
 *   chunks and blocks shows.  Rows stay in trace order; at one before_op a
 *   periodic row comes before the delete rows;
 *
 *   allocbench_replay_tree_timed(the same eight, iterations int4)
 *     -> allocbench_replay's eight OUT values
 *   the pg15-real lane of a campaign: timed as allocbench_replay times
 *   version 1 (create the root, every op, delete the root; the root's
 *   counters read before the last delete with the clock paused; the
 *   backend's minor faults per iteration), doing what the suite's own C lane
 *   of version 2 does per op (replay_tree.c in native/src): the touch rule
 *   after a, z and r, and a live list per context (a slot joins its
 *   context's list at a or z and leaves it at f; a reset or delete empties
 *   the lists of the contexts the plan's sweep names), so both sides of the
 *   comparison do the same bookkeeping.
 *
 * The ops are version 1's words plus kinds 6 (create) and 7 (delete); the
 * placement is one little-endian 32-bit word per op (context in bits 0..23,
 * thread in 24..31); the context table has one entry per id (entry 0, the
 * root, and ids never created are ignored).  A backend is one thread, so the
 * ops run in trace order, which the format allows and which gives every
 * context the same counters as any other allowed order.
 *
 * The root is an AllocSet with ALLOCSET_DEFAULT_SIZES under the caller's
 * context, as allocbench_replay's; each create is AllocSetContextCreate with
 * the trace's parent, sizes and name; a/z are MemoryContextAlloc(Zero) in the
 * op's context, r repalloc, f pfree, R MemoryContextReset (which deletes the
 * children first, as the format says), d MemoryContextDelete.  Of another
 * kind, the root is what PostgreSQL's own callers use by default (Generation
 * with ALLOCSET_DEFAULT_SIZES, Slab with SLAB_DEFAULT_BLOCK_SIZE and
 * chunk_sizes[0]) and a create is GenerationContextCreate(min, init, max) or
 * SlabContextCreate(init as the block size, chunk_sizes[c]); the ops are the
 * same calls, so what a kind refuses (a Slab alloc of another size, a Slab
 * realloc) is PostgreSQL's own ERROR, and the caller sends only traces the
 * kind can run.  The contexts hang under the caller's context, and an error
 * deletes the root before it goes on, so none outlives the call.
 *
 * Validation first, as in allocbench_replay: the whole trace is checked before
 * anything is allocated (kinds, ranges, a live context for every op, a
 * create's sizes within its kind's rules, slots full or empty as the op
 * needs, the chunk's own context for r and f), with errors naming the op's
 * 0-based index; whether a Slab block holds a chunk is left to
 * SlabContextCreate, which alone knows its headers' sizes.  A slot is full
 * while its context is alive and has not been reset since the slot was
 * filled: each context keeps a reset count, each slot the count it was filled
 * under, so a reset empties a context's slots in O(1); a reset or delete
 * kills the subtree below it, walked through child lists.  Nothing is timed
 * here.
 */
#include "postgres.h"

#include "allocbench_pg.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(allocbench_replay_tree);
PG_FUNCTION_INFO_V1(allocbench_replay_tree_kind);
PG_FUNCTION_INFO_V1(allocbench_replay_tree_timed);

#define OP_KIND(op) ((unsigned) ((op) & 0x7))
#define OP_SLOT(op) ((uint32) (((op) >> 3) & 0xffffff))
#define OP_SIZE(op) ((Size) ((op) >> 27))
#define OP_ALLOC 1
#define OP_ZEROED 2
#define OP_REALLOC 3
#define OP_FREE 4
#define OP_RESET 5
#define OP_CREATE 6
#define OP_DELETE 7
#define PLACE_CONTEXT(w) ((int) ((w) & 0xffffff))

enum
{
	NEVER = 0, LIVE = 1, DEAD = 2
};

/* The context types a replay can create; the names are PostgreSQL's (pg_backend_memory_contexts' type). */
typedef enum ContextKind
{
	KIND_ALLOCSET, KIND_GENERATION, KIND_SLAB
} ContextKind;

static const char *const kind_names[] = {"AllocSet", "Generation", "Slab"};

/* The tree as validation and replay see it. */
typedef struct Tree
{
	int			count;
	char	   *state;
	uint32	   *resets;			/* per context: how often it was reset */
	int		   *first_child;
	int		   *next_sibling;
	int		   *prev_sibling;
	const int32 *parents;
} Tree;

static void
tree_init(Tree *t, int count, const int32 *parents)
{
	t->count = count;
	t->state = palloc0(count);
	t->resets = palloc0(sizeof(uint32) * count);
	t->first_child = palloc(sizeof(int) * count);
	t->next_sibling = palloc(sizeof(int) * count);
	t->prev_sibling = palloc(sizeof(int) * count);
	for (int i = 0; i < count; i++)
		t->first_child[i] = t->next_sibling[i] = t->prev_sibling[i] = -1;
	t->parents = parents;
	t->state[0] = LIVE;
}

static void
tree_link(Tree *t, int c)
{
	int			p = t->parents[c];

	t->state[c] = LIVE;
	t->next_sibling[c] = t->first_child[p];
	if (t->first_child[p] >= 0)
		t->prev_sibling[t->first_child[p]] = c;
	t->first_child[p] = c;
}

/* Every context below top dies (top too if deleting); top's own slots empty by its reset count. */
static void
tree_release(Tree *t, int top, bool delete, int *stack)
{
	int			depth = 0;

	t->resets[top]++;
	for (int k = t->first_child[top]; k >= 0; k = t->next_sibling[k])
		stack[depth++] = k;
	while (depth > 0)
	{
		int			c = stack[--depth];

		t->state[c] = DEAD;
		for (int k = t->first_child[c]; k >= 0; k = t->next_sibling[k])
			stack[depth++] = k;
		t->first_child[c] = -1;
	}
	t->first_child[top] = -1;
	if (delete)
	{
		int			p = t->parents[top];

		t->state[top] = DEAD;
		if (t->prev_sibling[top] >= 0)
			t->next_sibling[t->prev_sibling[top]] = t->next_sibling[top];
		else if (t->first_child[p] == top)
			t->first_child[p] = t->next_sibling[top];
		if (t->next_sibling[top] >= 0)
			t->prev_sibling[t->next_sibling[top]] = t->prev_sibling[top];
	}
}

static void
bad_op(Size i, const char *what)
{
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid trace at op %zu: %s", i, what)));
}

/* A trace as the SQL functions receive it, decoded, with the plan validation makes. */
typedef struct TreeInput
{
	uint64	   *ops;
	uint32	   *where;
	Size		nops;
	uint32		nslots;
	int			ncontexts;
	const int32 *parents;
	const int64 *mins;
	const int64 *inits;
	const int64 *maxes;
	Datum	   *names;
	bool	   *name_nulls;
	ContextKind kind;			/* of the root and of every create */
	const int64 *chunk_sizes;	/* per context, for Slab; NULL for the other kinds */
	/* per R and d, in trace order: a count, then the contexts whose live lists it empties */
	uint32	   *sweep;
	Size		nsweep;
	/* per context, after the last op: LIVE, DEAD or NEVER (validation's final tree) */
	char	   *state_at_end;
} TreeInput;

static void
sweep_add(TreeInput *in, Size *capacity, uint32 value)
{
	if (in->nsweep == *capacity)
	{
		*capacity *= 2;
		in->sweep = repalloc_huge(in->sweep, sizeof(uint32) * *capacity);
	}
	in->sweep[in->nsweep++] = value;
}

/*
 * Whether context c's sizes are ones its kind's create accepts.  AllocSet's
 * and Generation's rules are the same in PostgreSQL 15 (its Asserts; a
 * production build would not check them); for Slab, the block size
 * (init_sizes) and the chunk size only in range, the rest SlabContextCreate's
 * own ERROR.  The root takes fixed sizes, but a Slab root's chunk size is the
 * trace's.
 */
static bool
sizes_ok(const TreeInput *in, int c)
{
	int64		min = in->mins[c];
	int64		init = in->inits[c];
	int64		max = in->maxes[c];

	if (in->kind == KIND_SLAB)
		return in->chunk_sizes[c] >= 1 && in->chunk_sizes[c] <= (int64) MaxAllocSize
			&& (c == 0 || (init >= 1 && init < (INT64CONST(1) << 30)));
	return c == 0
		|| (init >= 1024 && init % 8 == 0 && max >= init && max % 8 == 0 && max < (INT64CONST(1) << 30)
			&& (min == 0 || (min >= 1024 && min % 8 == 0 && min <= max)));
}

/*
 * The whole trace against the format's rules, before anything is allocated;
 * makes the sweep plan (which contexts each R and d empties: the context,
 * then its descendants).
 */
static void
validate_tree(TreeInput *in)
{
	const uint64 *ops = in->ops;
	const uint32 *where = in->where;
	Size		nops = in->nops;
	uint32		nslots = in->nslots;
	int			ncontexts = in->ncontexts;
	const int32 *parents = in->parents;
	Tree		t;
	int		   *slot_context = palloc(sizeof(int) * nslots);
	uint32	   *slot_epoch = palloc(sizeof(uint32) * nslots);
	int		   *stack = palloc(sizeof(int) * ncontexts);
	Size		capacity = 1024;

	if (!sizes_ok(in, 0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("the root's chunk size (chunk_sizes[0]) must be 1 to %zu", (Size) MaxAllocSize)));
	in->sweep = palloc(sizeof(uint32) * capacity);
	in->nsweep = 0;
	tree_init(&t, ncontexts, parents);
	for (uint32 s = 0; s < nslots; s++)
		slot_context[s] = -1;
	for (Size i = 0; i < nops; i++)
	{
		unsigned	kind = OP_KIND(ops[i]);
		int			c = PLACE_CONTEXT(where[i]);
		uint32		s = OP_SLOT(ops[i]);
		bool		full;

		if (kind == 0 || ops[i] >> 57 != 0)
			bad_op(i, "not an op");
		if (c >= ncontexts)
			bad_op(i, "context out of range");
		if (kind == OP_CREATE)
		{
			if (c == 0 || t.state[c] != NEVER || parents[c] < 0 || parents[c] >= ncontexts
				|| t.state[parents[c]] != LIVE)
				bad_op(i, "create of a context created before, or under a parent that is not live");
			if (!sizes_ok(in, c))
				bad_op(i, psprintf("%s sizes out of their rules", kind_names[in->kind]));
			tree_link(&t, c);
			continue;
		}
		if (t.state[c] != LIVE)
			bad_op(i, "its context is not live");
		if (kind == OP_RESET || kind == OP_DELETE)
		{
			Size		count_at;
			uint32		count = 1;
			int			depth = 0;

			if (kind == OP_DELETE && c == 0)
				bad_op(i, "the root cannot be deleted");
			/* the sweep: c, then every live descendant */
			count_at = in->nsweep;
			sweep_add(in, &capacity, 0);
			sweep_add(in, &capacity, (uint32) c);
			for (int k = t.first_child[c]; k >= 0; k = t.next_sibling[k])
				stack[depth++] = k;
			while (depth > 0)
			{
				int			d = stack[--depth];

				sweep_add(in, &capacity, (uint32) d);
				count++;
				for (int k = t.first_child[d]; k >= 0; k = t.next_sibling[k])
					stack[depth++] = k;
			}
			in->sweep[count_at] = count;
			tree_release(&t, c, kind == OP_DELETE, stack);
			continue;
		}
		if (s >= nslots)
			bad_op(i, "slot out of range");
		full = slot_context[s] >= 0 && t.state[slot_context[s]] == LIVE
			&& slot_epoch[s] == t.resets[slot_context[s]];
		if ((kind == OP_ALLOC || kind == OP_ZEROED) == full)
			bad_op(i, full ? "alloc into a full slot" : "free or realloc of an empty slot");
		if ((kind == OP_REALLOC || kind == OP_FREE) && slot_context[s] != c)
			bad_op(i, "the chunk is in another context");
		if ((kind != OP_FREE && (OP_SIZE(ops[i]) < 1 || OP_SIZE(ops[i]) > MaxAllocSize))
			|| (kind == OP_FREE && OP_SIZE(ops[i]) != 0))
			bad_op(i, "size out of range");
		if (kind == OP_FREE)
			slot_context[s] = -1;
		else
		{
			slot_context[s] = c;
			slot_epoch[s] = t.resets[c];
		}
	}
	pfree(slot_context);
	pfree(slot_epoch);
	pfree(stack);
	in->state_at_end = t.state;
}

typedef struct Emitter
{
	Tuplestorestate *store;
	TupleDesc	desc;
	int32		every;			/* > 0: also a row before every op i > 0 with i % every == 0 */
} Emitter;

static void
emit_counters(Emitter *e, int32 before_op, int32 id, MemoryContext context)
{
	MemoryContextCounters counters;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	memset(&counters, 0, sizeof(counters));
	context->methods->stats(context, NULL, NULL, &counters, false);
	values[0] = Int32GetDatum(before_op);
	values[1] = Int32GetDatum(id);
	values[2] = Int64GetDatum((int64) counters.totalspace);
	values[3] = Int64GetDatum((int64) counters.nblocks);
	values[4] = Int64GetDatum((int64) counters.freechunks);
	values[5] = Int64GetDatum((int64) counters.freespace);
	tuplestore_putvalues(e->store, e->desc, values, nulls);
}

/* The elements of a one-dimensional array of a fixed-width type, which has no NULLs. */
static void *
array_values(ArrayType *a, Oid type, int expected, const char *what)
{
	if (ARR_ELEMTYPE(a) != type || ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != expected || ARR_HASNULL(a))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s must be a one-dimensional array of %d values without NULLs", what, expected)));
	/* no NULLs: the data follows the fixed overhead (ARR_DATA_PTR's ?: trips -Wsign-compare) */
	return (char *) a + ARR_OVERHEAD_NONULLS(1);
}

/*
 * The eight arguments every function takes (ops .. names), from argument
 * first on, and, if chunk_arg >= 0, chunk_sizes from that argument; decoded
 * and validated for contexts of the given kind.
 */
static void
decode_tree_args(FunctionCallInfo fcinfo, int first, int chunk_arg, ContextKind kind, TreeInput *in)
{
	bytea	   *raw_ops = PG_GETARG_BYTEA_PP(first);
	bytea	   *raw_where = PG_GETARG_BYTEA_PP(first + 1);
	int32		nslots = PG_GETARG_INT32(first + 2);
	ArrayType  *parents_array = PG_GETARG_ARRAYTYPE_P(first + 3);
	int			ncontexts = ARR_NDIM(parents_array) == 1 ? ARR_DIMS(parents_array)[0] : 0;
	Size		nops = VARSIZE_ANY_EXHDR(raw_ops) / sizeof(uint64);
	int			nnames;

	if (VARSIZE_ANY_EXHDR(raw_ops) % sizeof(uint64) != 0
		|| VARSIZE_ANY_EXHDR(raw_where) != nops * sizeof(uint32))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("ops must be 8 bytes per op and placement 4 bytes per op")));
	if (nslots < 1 || nslots > (1 << 24) || ncontexts < 1 || ncontexts > (1 << 24))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("nslots and the context table must hold 1 to 16777216 entries")));
	in->nops = nops;
	in->nslots = (uint32) nslots;
	in->ncontexts = ncontexts;
	in->parents = array_values(parents_array, INT4OID, ncontexts, "parents");
	in->mins = array_values(PG_GETARG_ARRAYTYPE_P(first + 4), INT8OID, ncontexts, "min_sizes");
	in->inits = array_values(PG_GETARG_ARRAYTYPE_P(first + 5), INT8OID, ncontexts, "init_sizes");
	in->maxes = array_values(PG_GETARG_ARRAYTYPE_P(first + 6), INT8OID, ncontexts, "max_sizes");
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(first + 7), TEXTOID, -1, false, TYPALIGN_INT, &in->names,
					  &in->name_nulls, &nnames);
	if (nnames != ncontexts)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("names must have %d values", ncontexts)));
	/* checked whatever the kind, as the other arrays are: one shape for every call */
	in->chunk_sizes = chunk_arg >= 0
		? array_values(PG_GETARG_ARRAYTYPE_P(chunk_arg), INT8OID, ncontexts, "chunk_sizes") : NULL;
	Assert(kind != KIND_SLAB || in->chunk_sizes != NULL);
	in->kind = kind;
	/* aligned copies: a bytea's data need not be */
	in->ops = palloc(nops * sizeof(uint64) + 1);
	in->where = palloc(nops * sizeof(uint32) + 1);
	for (Size i = 0; i < nops; i++)
	{
		uint64		w;
		uint32		p;

		memcpy(&w, VARDATA_ANY(raw_ops) + i * sizeof(uint64), sizeof(w));
		memcpy(&p, VARDATA_ANY(raw_where) + i * sizeof(uint32), sizeof(p));
#ifdef WORDS_BIGENDIAN
		w = pg_bswap64(w);
		p = pg_bswap32(p);
#endif
		in->ops[i] = w;
		in->where[i] = p;
	}
	validate_tree(in);
}

/* What one replay keeps: chunks, live lists, contexts, names. */
typedef struct TreeRun
{
	void	  **chunk;
	uint32	   *prev;
	uint32	   *next;
	uint32	   *head;
	MemoryContext *contexts;
	char	  **names;
} TreeRun;

#define NO_SLOT UINT32_MAX

static void
tree_run_init(TreeRun *r, const TreeInput *in)
{
	r->chunk = palloc0(sizeof(void *) * in->nslots);
	r->prev = palloc(sizeof(uint32) * in->nslots);
	r->next = palloc(sizeof(uint32) * in->nslots);
	r->head = palloc(sizeof(uint32) * in->ncontexts);
	r->contexts = palloc0(sizeof(MemoryContext) * in->ncontexts);
	/* the names live as long as their contexts: made here, outside any timed region */
	r->names = palloc0(sizeof(char *) * in->ncontexts);
	for (int c = 1; c < in->ncontexts; c++)
		if (in->parents[c] >= 0)
			r->names[c] = in->name_nulls[c] ? pstrdup("?") : TextDatumGetCString(in->names[c]);
}

/*
 * Context c of the replay's kind under parent: the root (c 0) with the sizes
 * PostgreSQL's own callers use by default, any other with the trace's.
 */
static MemoryContext
create_context(const TreeInput *in, const TreeRun *r, int c, MemoryContext parent)
{
	const char *name = c == 0 ? "allocbench replay" : r->names[c];
	Size		min = c == 0 ? ALLOCSET_DEFAULT_MINSIZE : (Size) in->mins[c];
	Size		init = c == 0 ? ALLOCSET_DEFAULT_INITSIZE : (Size) in->inits[c];
	Size		max = c == 0 ? ALLOCSET_DEFAULT_MAXSIZE : (Size) in->maxes[c];

	switch (in->kind)
	{
		case KIND_GENERATION:
			return GenerationContextCreate(parent, name, min, init, max);
		case KIND_SLAB:
			return SlabContextCreate(parent, name, c == 0 ? SLAB_DEFAULT_BLOCK_SIZE : init,
									 (Size) in->chunk_sizes[c]);
		default:
			return AllocSetContextCreateInternal(parent, name, min, init, max);
	}
}

/*
 * Every op once, under the root (already created); with an emitter, the
 * counters of each context just before its delete and, if the emitter says
 * every, before every every-th op.  The caller deletes the root, which takes
 * every context still alive with it.
 */
static inline void
replay_tree_ops(const TreeInput *in, TreeRun *r, Emitter *emitter)
{
	Size		sweep_at = 0;

	for (int c = 0; c < in->ncontexts; c++)
		r->head[c] = NO_SLOT;
	for (Size i = 0; i < in->nops; i++)
	{
		uint64		op = in->ops[i];
		int			c = PLACE_CONTEXT(in->where[i]);
		uint32		s = OP_SLOT(op);
		Size		size = OP_SIZE(op);

		/*
		 * The periodic row, before the op's own rows: of the op's context,
		 * alive here unless the op creates it (validation made every other
		 * op's context live).
		 */
		if (emitter != NULL && emitter->every > 0 && i > 0 && i % (Size) emitter->every == 0
			&& OP_KIND(op) != OP_CREATE)
			emit_counters(emitter, (int32) i, c, r->contexts[c]);
		switch (OP_KIND(op))
		{
			case OP_ALLOC:
			case OP_ZEROED:
				r->chunk[s] = OP_KIND(op) == OP_ALLOC ? MemoryContextAlloc(r->contexts[c], size)
					: MemoryContextAllocZero(r->contexts[c], size);
				allocbench_touch(r->chunk[s], size);
				r->prev[s] = NO_SLOT;
				r->next[s] = r->head[c];
				if (r->head[c] != NO_SLOT)
					r->prev[r->head[c]] = s;
				r->head[c] = s;
				break;
			case OP_REALLOC:
				r->chunk[s] = repalloc(r->chunk[s], size);
				allocbench_touch(r->chunk[s], size);
				break;
			case OP_FREE:
				pfree(r->chunk[s]);
				if (r->prev[s] != NO_SLOT)
					r->next[r->prev[s]] = r->next[s];
				else
					r->head[c] = r->next[s];
				if (r->next[s] != NO_SLOT)
					r->prev[r->next[s]] = r->prev[s];
				break;
			case OP_CREATE:
				r->contexts[c] = create_context(in, r, c, r->contexts[in->parents[c]]);
				break;
			default:			/* R and d: validated */
				{
					uint32		count = in->sweep[sweep_at];

					/*
					 * The sweep is c, then its live descendants: a delete
					 * deletes them all, a reset every one but c.  Each deleted
					 * context's counters are read first, so that a context
					 * that dies with an ancestor is compared as well.
					 */
					if (emitter != NULL)
						for (uint32 k = OP_KIND(op) == OP_RESET ? 2 : 1; k <= count; k++)
							emit_counters(emitter, (int32) i, (int32) in->sweep[sweep_at + k],
										  r->contexts[in->sweep[sweep_at + k]]);
					if (OP_KIND(op) == OP_RESET)
						MemoryContextReset(r->contexts[c]);
					else
						MemoryContextDelete(r->contexts[c]);
					for (uint32 k = 1; k <= count; k++)
						r->head[in->sweep[sweep_at + k]] = NO_SLOT;
					sweep_at += 1 + count;
				}
				break;
		}
	}
}

/*
 * The rows of allocbench_replay_tree and allocbench_replay_tree_kind: the
 * trace's arguments from argument first on (chunk_sizes at chunk_arg, or
 * none if it is -1), replayed once through contexts of the given kind.
 */
static Datum
replay_tree_rows(FunctionCallInfo fcinfo, int first, int chunk_arg, ContextKind kind, int32 every)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TreeInput	in;
	TreeRun		run;
	Emitter		emitter;

	decode_tree_args(fcinfo, first, chunk_arg, kind, &in);
	InitMaterializedSRF(fcinfo, 0);
	emitter.store = rsinfo->setResult;
	emitter.desc = rsinfo->setDesc;
	emitter.every = every;
	tree_run_init(&run, &in);
	run.contexts[0] = create_context(&in, &run, 0, CurrentMemoryContext);

	/*
	 * A kind may refuse an op with an ERROR (Slab's alloc of another size);
	 * the caller's context would take the tree with it at the abort, but
	 * deleting the root here frees its malloc'd blocks now, whatever the
	 * caller's context is.
	 */
	PG_TRY();
	{
		replay_tree_ops(&in, &run, &emitter);
		for (int c = 0; c < in.ncontexts; c++)
			if (in.state_at_end[c] == LIVE)
				emit_counters(&emitter, (int32) in.nops, c, run.contexts[c]);
	}
	PG_CATCH();
	{
		MemoryContextDelete(run.contexts[0]);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextDelete(run.contexts[0]);
	return (Datum) 0;
}

Datum
allocbench_replay_tree(PG_FUNCTION_ARGS)
{
	return replay_tree_rows(fcinfo, 0, -1, KIND_ALLOCSET, 0);
}

Datum
allocbench_replay_tree_kind(PG_FUNCTION_ARGS)
{
	char	   *kind_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		every = PG_GETARG_INT32(1);
	int			kind = 0;

	while (kind < (int) lengthof(kind_names) && strcmp(kind_name, kind_names[kind]) != 0)
		kind++;
	if (kind == (int) lengthof(kind_names))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("unknown context kind \"%s\": AllocSet, Generation or Slab", kind_name)));
	if (every < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("every must be 0 or more")));
	return replay_tree_rows(fcinfo, 2, 10, (ContextKind) kind, every);
}

Datum
allocbench_replay_tree_timed(PG_FUNCTION_ARGS)
{
	int32		iterations = PG_GETARG_INT32(8);
	TupleDesc	tupdesc;
	TreeInput	in;
	TreeRun		run;
	int64	   *ns;
	int64	   *faults;
	MemoryContextCounters counters;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						errmsg("allocbench_replay_tree_timed must be declared with its eight OUT parameters")));
	if (iterations < 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("iterations must be at least 1, not %d", iterations)));
	decode_tree_args(fcinfo, 0, -1, KIND_ALLOCSET, &in);
	if (in.nops == 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("the trace has no ops")));
	tree_run_init(&run, &in);
	ns = palloc(sizeof(int64) * (Size) iterations);
	faults = palloc(sizeof(int64) * (Size) iterations);
	memset(&counters, 0, sizeof(counters));
	for (int32 iteration = 0; iteration < iterations; iteration++)
	{
		uint64		start;
		int64		faults_before;

		CHECK_FOR_INTERRUPTS();
		faults_before = allocbench_minor_faults();
		start = allocbench_now_ns();
		run.contexts[0] = create_context(&in, &run, 0, CurrentMemoryContext);
		replay_tree_ops(&in, &run, NULL);
		if (iteration == iterations - 1)
		{
			/* the snapshot is not timed: the clock's start moves by its time */
			uint64		paused = allocbench_now_ns();

			run.contexts[0]->methods->stats(run.contexts[0], NULL, NULL, &counters, false);
			start += allocbench_now_ns() - paused;
		}
		MemoryContextDelete(run.contexts[0]);
		ns[iteration] = (int64) (allocbench_now_ns() - start);
		faults[iteration] = allocbench_minor_faults() - faults_before;
	}
	return allocbench_timed_result(tupdesc, ns, faults, iterations, in.nops, &counters);
}

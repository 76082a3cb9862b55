/*
 * record.c -- record every AllocSet operation of a PostgreSQL 15 backend, for
 * `allocbench record-pg` (docs/recording.md, "Recording a PostgreSQL backend").
 *
 * How it is switched on.  The session starts with
 *   PGOPTIONS='-c session_preload_libraries=/path/allocbench_pg.so
 *              -c allocbench.record_dir=/dir'
 * so the library is loaded as the backend starts, after its startup options
 * (the GUC) are in place.  With allocbench.record_dir empty (the default, and
 * how verify-pg loads the library) nothing here runs.
 *
 * How every operation is seen.  In PostgreSQL 15 every palloc, pfree,
 * repalloc, reset and delete of an AllocSet context calls through
 * context->methods, which for every AllocSet points at one method table in
 * the server's read-only data (pfree and repalloc find the context from the
 * chunk's header first).  Recording makes that table's page writable for a
 * moment and puts wrappers in its alloc, free_p, realloc, reset and
 * delete_context entries; each wrapper writes a record and calls the saved
 * original.  So old contexts and new ones, created however, all pass through
 * the wrappers, with no hook in PostgreSQL needed.  Generation and Slab
 * contexts have tables of their own and are not recorded.
 *
 * Which contexts.  Those created after recording started.  The contexts that
 * exist when it starts (TopMemoryContext, CacheMemoryContext, ...: the whole
 * tree is walked once) hold chunks allocated earlier, which a trace could not
 * replay; their operations are counted and left out.  A context is "new" the
 * first time an operation on it is seen: its creation record (parent, the
 * AllocSet's three sizes, name) is written then, before that operation.  An
 * address forgets its context when the context is deleted, since AllocSet
 * reuses the memory of deleted contexts.
 *
 * The sizes of a context are read from the AllocSet itself, whose layout in
 * PostgreSQL 15 (LP64) is: the 80-byte context header, the head block, 11
 * freelist heads, then initBlockSize, maxBlockSize, nextBlockSize,
 * allocChunkLimit (each a Size), the keeper block and the context-freelist
 * index; 224 bytes.  The keeper block follows the context in one malloc, so
 * the size of that malloc (keeper's end minus the context) is the first
 * block's size: initBlockSize when the context was created with a minimum
 * context size of 0 (PostgreSQL takes the larger of the two), the minimum
 * otherwise.  Recording checks the layout on TopMemoryContext before it
 * starts and refuses, saying so, if it does not hold.
 *
 * Expectations.  Just before a recorded context is deleted, and when the
 * backend exits for those still alive, PostgreSQL's own counters of it
 * (its stats method, as MemoryContextStats reads them) are written: the trace's
 * `e` lines, which verify-pg compares with our AllocSet's.
 *
 * The records.  Fixed-size binary records (record_pg_format.h) in a malloc'd
 * buffer, written to /dir/pg-<pid>.raw when full and at exit; nothing here
 * uses palloc, so recording never records itself.  allocbench converts them
 * into a version 2 trace (org.allocbench.capture.PgRecording).
 */
#include "postgres.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "miscadmin.h"
#include "nodes/memnodes.h"
#include "storage/ipc.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "record_pg_format.h"

void		allocbench_record_init(void);

/* PostgreSQL 15's AllocSetContext, as far as recording reads it (see above). */
typedef struct Pg15AllocSet
{
	MemoryContextData header;
	void	   *blocks;
	void	   *freelist[11];
	Size		initBlockSize;
	Size		maxBlockSize;
	Size		nextBlockSize;
	Size		allocChunkLimit;
	char	   *keeper;
	int			freeListIndex;
} Pg15AllocSet;

/* The block header: owning set, prev, next, freeptr, endptr. */
typedef struct Pg15AllocBlock
{
	void	   *aset;
	void	   *prev;
	void	   *next;
	char	   *freeptr;
	char	   *endptr;
} Pg15AllocBlock;

StaticAssertDecl(sizeof(Pg15AllocSet) == 224, "PostgreSQL 15's AllocSetContext is 224 bytes on LP64");

/* What recording knows of a context address. */
#define CTX_EMPTY 0
#define CTX_OLD 1				/* existed when recording started: not recorded */
#define CTX_RECORDED 2			/* its creation record is written */
#define CTX_TOMBSTONE 3			/* a deleted entry, for open addressing */

typedef struct ContextEntry
{
	MemoryContext context;
	int			state;
} ContextEntry;

static char *record_dir = NULL;
static bool recording = false;
static MemoryContextMethods *aset_methods;	/* the server's table, written once */
static MemoryContextMethods saved;	/* the originals */

static ContextEntry *table;
static Size table_size;			/* a power of two */
static Size table_used;			/* live and tombstone entries */

static int	out_fd = -1;
static unsigned char *buffer;
static Size buffered;
static uint64 ignored_ops;		/* operations on contexts older than the recording */
static bool failed;

#define BUFFER_BYTES (1 << 20)

static void flush_buffer(void);

/* Appends bytes (a record, a name) to the buffer, flushing it when full. */
static void
emit_bytes(const void *bytes, Size n)
{
	if (failed)
		return;
	if (buffered + n > BUFFER_BYTES)
		flush_buffer();
	memcpy(buffer + buffered, bytes, n);
	buffered += n;
}

static void
emit(const AbPgRecord *r)
{
	emit_bytes(r, sizeof(*r));
}

static void
flush_buffer(void)
{
	Size		done = 0;

	while (done < buffered && !failed)
	{
		ssize_t		n = write(out_fd, buffer + done, buffered - done);

		if (n < 0)
		{
			/* no ereport here: we may be inside palloc; the converter sees the missing trailer */
			failed = true;
			break;
		}
		done += (Size) n;
	}
	buffered = 0;
}

/* ---- the context table: open addressing on the address ---- */

static Size
slot_of(MemoryContext context)
{
	uint64		h = (uint64) (uintptr_t) context;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (Size) h & (table_size - 1);
}

static ContextEntry *
find(MemoryContext context)
{
	for (Size i = slot_of(context);; i = (i + 1) & (table_size - 1))
	{
		if (table[i].state == CTX_EMPTY)
			return NULL;
		if (table[i].state != CTX_TOMBSTONE && table[i].context == context)
			return &table[i];
	}
}

static void insert(MemoryContext context, int state);

static void
grow(void)
{
	ContextEntry *old = table;
	Size		old_size = table_size;

	table_size *= 2;
	table = calloc(table_size, sizeof(ContextEntry));
	if (table == NULL)
	{
		failed = true;
		table = old;
		table_size = old_size;
		return;
	}
	table_used = 0;
	for (Size i = 0; i < old_size; i++)
		if (old[i].state == CTX_OLD || old[i].state == CTX_RECORDED)
			insert(old[i].context, old[i].state);
	free(old);
}

static void
insert(MemoryContext context, int state)
{
	if ((table_used + 1) * 2 > table_size)
		grow();
	for (Size i = slot_of(context);; i = (i + 1) & (table_size - 1))
	{
		if (table[i].state == CTX_EMPTY || table[i].state == CTX_TOMBSTONE)
		{
			if (table[i].state == CTX_EMPTY)
				table_used++;
			table[i].context = context;
			table[i].state = state;
			return;
		}
	}
}

/* ---- records ---- */

static void
emit_simple(uint32 kind, MemoryContext context, uint64 a, uint64 b, uint64 c, uint64 d)
{
	AbPgRecord	r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.context = (uint64) (uintptr_t) context;
	r.v[0] = a;
	r.v[1] = b;
	r.v[2] = c;
	r.v[3] = d;
	emit(&r);
}

/* The nearest ancestor that is recorded, or NULL (the trace's root). */
static MemoryContext
recorded_parent(MemoryContext context)
{
	for (MemoryContext p = context->parent; p != NULL; p = p->parent)
	{
		ContextEntry *e = find(p);

		if (e != NULL && e->state == CTX_RECORDED)
			return p;
		if (e != NULL && e->state == CTX_OLD)
			return NULL;
	}
	return NULL;
}

static void
emit_create(MemoryContext context)
{
	const Pg15AllocSet *set = (const Pg15AllocSet *) context;
	const Pg15AllocBlock *keeper = (const Pg15AllocBlock *) set->keeper;
	Size		first = (Size) (keeper->endptr - (const char *) set);
	const char *name = context->name != NULL ? context->name : "?";
	char		padded[AB_PG_MAX_NAME];
	AbPgRecord	r;

	memset(&r, 0, sizeof(r));
	memset(padded, 0, sizeof(padded));
	r.kind = AB_PG_CREATE;
	r.len = (uint32) strnlen(name, AB_PG_MAX_NAME);
	memcpy(padded, name, r.len);
	r.context = (uint64) (uintptr_t) context;
	r.v[0] = (uint64) (uintptr_t) recorded_parent(context);
	r.v[1] = first == set->initBlockSize ? 0 : first;	/* the minimum context size */
	r.v[2] = set->initBlockSize;
	r.v[3] = set->maxBlockSize;
	emit(&r);
	emit_bytes(padded, (r.len + 7) & ~7u);
}

/*
 * Whether operations on this context are recorded; writes its creation record
 * the first time.  False for contexts older than the recording.
 */
static bool
recorded(MemoryContext context)
{
	ContextEntry *e;

	if (!recording)
		return false;
	e = find(context);
	if (e != NULL && e->state == CTX_OLD)
	{
		ignored_ops++;
		return false;
	}
	if (e == NULL)
	{
		insert(context, CTX_RECORDED);
		emit_create(context);
	}
	return true;
}

static void
emit_expectation(MemoryContext context)
{
	MemoryContextCounters counters;

	memset(&counters, 0, sizeof(counters));
	saved.stats(context, NULL, NULL, &counters, false);
	emit_simple(AB_PG_EXPECT, context, counters.totalspace, counters.nblocks, counters.freechunks,
				counters.freespace);
}

/* ---- the wrappers ---- */

static void *
wrap_alloc(MemoryContext context, Size size)
{
	void	   *p = saved.alloc(context, size);

	if (p != NULL && recorded(context))
		emit_simple(AB_PG_ALLOC, context, (uint64) (uintptr_t) p, size, 0, 0);
	return p;
}

static void
wrap_free(MemoryContext context, void *pointer)
{
	if (recorded(context))
		emit_simple(AB_PG_FREE, context, (uint64) (uintptr_t) pointer, 0, 0, 0);
	saved.free_p(context, pointer);
}

static void *
wrap_realloc(MemoryContext context, void *pointer, Size size)
{
	void	   *p = saved.realloc(context, pointer, size);

	if (p != NULL && recorded(context))
		emit_simple(AB_PG_REALLOC, context, (uint64) (uintptr_t) pointer, (uint64) (uintptr_t) p, size, 0);
	return p;
}

static void
wrap_reset(MemoryContext context)
{
	if (recorded(context))
		emit_simple(AB_PG_RESET, context, 0, 0, 0, 0);
	saved.reset(context);
}

static void
wrap_delete(MemoryContext context)
{
	if (recorded(context))
	{
		emit_expectation(context);
		emit_simple(AB_PG_DELETE, context, 0, 0, 0, 0);
	}
	if (recording)
	{
		ContextEntry *e = find(context);

		if (e != NULL)
			e->state = CTX_TOMBSTONE;	/* the address may come back as another context */
	}
	saved.delete_context(context);
}

/* ---- start and end ---- */

static void
remember_old(MemoryContext context)
{
	insert(context, CTX_OLD);
	for (MemoryContext child = context->firstchild; child != NULL; child = child->nextchild)
		remember_old(child);
}

/* At backend exit: the counters of every recorded context still alive, then the trailer. */
static void
finish_recording(int code, Datum arg)
{
	if (!recording)
		return;
	for (Size i = 0; i < table_size; i++)
		if (table[i].state == CTX_RECORDED)
			emit_expectation(table[i].context);
	emit_simple(AB_PG_END, NULL, ignored_ops, failed ? 1 : 0, 0, 0);
	recording = false;
	flush_buffer();
	close(out_fd);
	out_fd = -1;
}

/* Makes the page(s) of the method table writable, swaps the entries, and protects them again. */
static bool
install_wrappers(MemoryContextMethods *methods)
{
	long		page = sysconf(_SC_PAGESIZE);
	uintptr_t	start = (uintptr_t) methods & ~((uintptr_t) page - 1);
	uintptr_t	end = ((uintptr_t) (methods + 1) + page - 1) & ~((uintptr_t) page - 1);

	if (mprotect((void *) start, end - start, PROT_READ | PROT_WRITE) != 0)
		return false;
	saved = *methods;
	methods->alloc = wrap_alloc;
	methods->free_p = wrap_free;
	methods->realloc = wrap_realloc;
	methods->reset = wrap_reset;
	methods->delete_context = wrap_delete;
	mprotect((void *) start, end - start, PROT_READ);
	return true;
}

static void
start_recording(void)
{
	char		path[MAXPGPATH];
	const Pg15AllocSet *top = (const Pg15AllocSet *) TopMemoryContext;
	AbPgRecord	header;

	if (!IsA(TopMemoryContext, AllocSetContext) || top->keeper != (const char *) top + sizeof(Pg15AllocSet)
		|| top->initBlockSize < 1024 || top->initBlockSize % 8 != 0)
		ereport(ERROR, (errmsg("allocbench: cannot record: this server's AllocSet does not have PostgreSQL 15's"
							   " layout")));
	snprintf(path, sizeof(path), "%s/pg-%d.raw", record_dir, MyProcPid);
	out_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out_fd < 0)
		ereport(ERROR, (errcode_for_file_access(), errmsg("allocbench: cannot create \"%s\": %m", path)));
	buffer = malloc(BUFFER_BYTES);
	table_size = 1024;
	table = calloc(table_size, sizeof(ContextEntry));
	if (buffer == NULL || table == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("allocbench: out of memory for recording")));
	remember_old(TopMemoryContext);
	memset(&header, 0, sizeof(header));
	header.kind = AB_PG_HEADER;
	header.v[0] = AB_PG_MAGIC;
	header.v[1] = (uint64) MyProcPid;
	emit(&header);
	aset_methods = (MemoryContextMethods *) TopMemoryContext->methods;
	if (!install_wrappers(aset_methods))
		ereport(ERROR, (errmsg("allocbench: cannot record: mprotect of AllocSet's method table failed: %m")));
	on_proc_exit(finish_recording, (Datum) 0);
	recording = true;
}

void
allocbench_record_init(void)
{
	DefineCustomStringVariable("allocbench.record_dir",
							   "Directory into which this backend records its AllocSet operations.",
							   "Set at session start (PGOPTIONS) with session_preload_libraries; empty: no recording.",
							   &record_dir, "", PGC_SUSET, 0, NULL, NULL, NULL);
	if (record_dir != NULL && record_dir[0] != '\0' && !recording)
		start_recording();
}

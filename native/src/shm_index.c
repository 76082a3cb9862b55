/*
 * shm_index.c -- named allocations inside a segment, like PostgreSQL's
 * ShmemInitStruct / ShmemAlloc and the pg_shmem_allocations view.
 *
 * The index lives in the segment itself, at offset 0, so every process that
 * attaches sees the same names and offsets (pointers would differ between
 * processes; offsets do not).  It is a fixed array of AB_SHMEM_MAX_ENTRIES
 * entries searched linearly: PostgreSQL uses a hash table because a server
 * has a few hundred structures looked up at startup only; a linear scan of
 * 256 entries is as fast here and needs no shared-memory hash code.  The
 * index lists itself as "ShmemIndex", as PostgreSQL's does.
 *
 * Allocation is a bump pointer, each allocation rounded up to a cache line
 * (128 bytes, PostgreSQL's PG_CACHE_LINE_SIZE) so that structures used by
 * different processes never share a line.  Nothing is ever freed, as in
 * PostgreSQL's main segment.  Memory handed out is zero because a new
 * segment is zero and offsets are never reused.
 *
 * Concurrency between processes: a state word moves 0 -> 1 (formatting)
 * -> 2 (ready) with compare-and-swap, so two processes that race to
 * initialise a new segment format it once; lookups and allocations take a
 * spinlock word.  Both are lock-free C11 atomics, which are address-free and
 * so valid across processes mapping the same memory.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "shm_internal.h"

#define INDEX_MAGIC     UINT64_C(0x314d454853424141)  /* "AABSHEM1" little-endian */
#define INDEX_VERSION   1
#define STATE_NEW       0u
#define STATE_FORMATTING 1u
#define STATE_READY     2u
#define INDEX_NAME      "ShmemIndex"

typedef struct ShmemEntry
{
    char     name[AB_SHMEM_NAME_LEN];
    uint64_t offset;
    uint64_t size;
    uint64_t allocated_size;
} ShmemEntry;

typedef struct ShmemIndex
{
    _Atomic uint32_t state;
    _Atomic uint32_t lock;
    uint32_t   version;
    uint32_t   nentries;
    uint64_t   magic;
    uint64_t   total_size;
    uint64_t   free_offset;
    uint64_t   anonymous_bytes;
    ShmemEntry entries[AB_SHMEM_MAX_ENTRIES];
} ShmemIndex;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "cross-process atomics must be lock-free");

static uint64_t cacheline_align(uint64_t size)
{
    return (size + AB_SHMEM_ALIGN - 1) & ~(uint64_t) (AB_SHMEM_ALIGN - 1);
}

static void lock_index(ShmemIndex *index)
{
    uint32_t expected = 0;

    while (!atomic_compare_exchange_weak_explicit(&index->lock, &expected, 1, memory_order_acquire,
                                                  memory_order_relaxed))
    {
        expected = 0;
        sched_yield();
    }
}

static void unlock_index(ShmemIndex *index)
{
    atomic_store_explicit(&index->lock, 0, memory_order_release);
}

static ShmemIndex *index_of(AbSegment *segment)
{
    if (segment == NULL || segment->info.base == NULL)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "segment is NULL or detached");
    return segment->info.base;
}

static void format_index(ShmemIndex *index, uint64_t total)
{
    uint64_t own = cacheline_align(sizeof(ShmemIndex));

    index->version = INDEX_VERSION;
    index->magic = INDEX_MAGIC;
    index->total_size = total;
    index->free_offset = own;
    index->anonymous_bytes = 0;
    index->nentries = 1;
    memset(index->entries, 0, sizeof(index->entries));
    strcpy(index->entries[0].name, INDEX_NAME);
    index->entries[0].offset = 0;
    index->entries[0].size = sizeof(ShmemIndex);
    index->entries[0].allocated_size = own;
}

int ab_shmem_init(AbSegment *segment)
{
    ShmemIndex *index = index_of(segment);
    uint32_t expected = STATE_NEW;

    if (index == NULL)
        return ab_error_code();
    if (segment->info.size < cacheline_align(sizeof(ShmemIndex)))
        return ab_error_fail(AB_ERR_SHMEM_INDEX, NULL, "segment of %" PRIu64 " bytes is too small for the"
                             " named-allocation index (%" PRIu64 " bytes)", segment->info.size,
                             cacheline_align(sizeof(ShmemIndex)));
    if (atomic_compare_exchange_strong(&index->state, &expected, STATE_FORMATTING))
    {
        format_index(index, segment->info.size);
        atomic_store_explicit(&index->state, STATE_READY, memory_order_release);
        return AB_OK;
    }
    while (atomic_load_explicit(&index->state, memory_order_acquire) == STATE_FORMATTING)
        sched_yield();
    if (atomic_load(&index->state) != STATE_READY || index->magic != INDEX_MAGIC
        || index->version != INDEX_VERSION)
        return ab_error_fail(AB_ERR_SHMEM_INDEX, NULL, "segment does not start with an allocbench"
                             " named-allocation index (state %u, version %u)", atomic_load(&index->state),
                             index->version);
    if (index->total_size > segment->info.size)
        return ab_error_fail(AB_ERR_SHMEM_INDEX, NULL, "named-allocation index covers %" PRIu64 " bytes but"
                             " the segment maps only %" PRIu64, index->total_size, segment->info.size);
    return AB_OK;
}

static ShmemIndex *ready_index(AbSegment *segment)
{
    ShmemIndex *index = index_of(segment);

    if (index != NULL && atomic_load_explicit(&index->state, memory_order_acquire) != STATE_READY)
        return ab_error_null(AB_ERR_SHMEM_INDEX,
                             "segment has no named-allocation index (ab_shmem_init was never called on it)");
    return index;
}

/* Bump allocation under the lock; 0 = out of shared memory (offset 0 is the index itself). */
static uint64_t bump(ShmemIndex *index, uint64_t size)
{
    uint64_t aligned = cacheline_align(size);
    uint64_t offset = index->free_offset;

    if (aligned < size || aligned > index->total_size - offset)
        return 0;
    index->free_offset = offset + aligned;
    return offset;
}

void *ab_shmem_init_struct(AbSegment *segment, const char *name, uint64_t size, int32_t *found)
{
    ShmemIndex *index = ready_index(segment);
    ShmemEntry *entry;
    uint64_t offset;

    if (index == NULL)
        return NULL;
    if (name == NULL || name[0] == '\0' || strlen(name) >= AB_SHMEM_NAME_LEN)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "shared memory structure name must be 1..%d bytes",
                             AB_SHMEM_NAME_LEN - 1);
    lock_index(index);
    for (uint32_t i = 0; i < index->nentries; i++)
    {
        entry = &index->entries[i];
        if (strcmp(entry->name, name) != 0)
            continue;
        unlock_index(index);
        if (entry->size != size)
            return ab_error_null(AB_ERR_SHMEM_INDEX, "ShmemIndex entry size is wrong for data structure"
                                 " \"%s\": expected %" PRIu64 ", actual %" PRIu64, name, size, entry->size);
        if (found != NULL)
            *found = 1;
        return (char *) segment->info.base + entry->offset;
    }
    if (index->nentries == AB_SHMEM_MAX_ENTRIES)
    {
        unlock_index(index);
        return ab_error_null(AB_ERR_SHMEM_INDEX, "could not create ShmemIndex entry for data structure \"%s\""
                             " (the index holds %d entries)", name, AB_SHMEM_MAX_ENTRIES);
    }
    offset = bump(index, size);
    if (offset == 0)
    {
        unlock_index(index);
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of shared memory (%" PRIu64 " bytes requested)", size);
    }
    entry = &index->entries[index->nentries++];
    strcpy(entry->name, name);
    entry->offset = offset;
    entry->size = size;
    entry->allocated_size = cacheline_align(size);
    unlock_index(index);
    if (found != NULL)
        *found = 0;
    return (char *) segment->info.base + offset;
}

void *ab_shmem_alloc(AbSegment *segment, uint64_t size)
{
    ShmemIndex *index = ready_index(segment);
    uint64_t offset;

    if (index == NULL)
        return NULL;
    lock_index(index);
    offset = bump(index, size);
    if (offset != 0)
        index->anonymous_bytes += cacheline_align(size);
    unlock_index(index);
    if (offset == 0)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of shared memory (%" PRIu64 " bytes requested)", size);
    return (char *) segment->info.base + offset;
}

static int by_offset(const void *a, const void *b)
{
    const AbShmemRow *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

int64_t ab_shmem_allocations(AbSegment *segment, AbShmemRow *rows, size_t max_rows)
{
    ShmemIndex *index = ready_index(segment);
    AbShmemRow *all;
    uint32_t n;

    if (index == NULL)
        return -1;
    all = calloc(AB_SHMEM_MAX_ENTRIES + 2, sizeof(AbShmemRow));
    if (all == NULL)
    {
        ab_error_set(AB_ERR_OUT_OF_MEMORY, NULL, "out of memory");
        return -1;
    }
    lock_index(index);
    n = index->nentries;
    for (uint32_t i = 0; i < n; i++)
    {
        memcpy(all[i].name, index->entries[i].name, AB_SHMEM_NAME_LEN);
        all[i].off = (int64_t) index->entries[i].offset;
        all[i].size = (int64_t) index->entries[i].size;
        all[i].allocated_size = (int64_t) index->entries[i].allocated_size;
    }
    strcpy(all[n].name, "<anonymous>");
    all[n].off = -1;
    all[n].size = all[n].allocated_size = (int64_t) index->anonymous_bytes;
    all[n + 1].name[0] = '\0';
    all[n + 1].off = (int64_t) index->free_offset;
    all[n + 1].size = all[n + 1].allocated_size = (int64_t) (index->total_size - index->free_offset);
    unlock_index(index);
    qsort(all, n, sizeof(AbShmemRow), by_offset);
    if (rows != NULL)
        memcpy(rows, all, (max_rows < n + 2 ? max_rows : n + 2) * sizeof(AbShmemRow));
    free(all);
    return (int64_t) n + 2;
}

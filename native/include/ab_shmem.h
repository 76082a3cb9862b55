/*
 * ab_shmem.h -- shared-memory segments, huge pages, and named allocations
 * inside a segment: the second half of allocbench's native core.
 *
 * Semantics follow PostgreSQL (sysv_shmem.c, dsm_impl.c, shmem.c) as
 * described in docs/postgres-memory.md:
 *
 *   - Kinds: anonymous shared mmap, file-backed mmap (a path; a hugetlbfs
 *     mount gives huge pages), POSIX shm_open (name), SysV shmget (key).
 *   - Huge pages off / try / on, plus THP (madvise(MADV_HUGEPAGE) on an aligned
 *     anonymous mapping).  The size is rounded up to the page size.  Under
 *     try, a failed huge mapping falls back to normal pages and the segment's
 *     info says why; under on it fails with PostgreSQL's wording and a hint
 *     naming the request size and the reserved and free huge pages.
 *   - Creation is exclusive (O_CREAT|O_EXCL, IPC_CREAT|IPC_EXCL, mode 0600);
 *     POSIX segments are sized with posix_fallocate, so a full tmpfs fails
 *     here rather than with SIGBUS later.  A failed create leaves nothing
 *     behind (no file, no name, no SysV id).
 *   - What was obtained is read back from the kernel (/proc/self/smaps), not
 *     assumed: ab_seg_pages().
 *
 * Owning only what it created: every POSIX, file and SysV segment this
 * library creates gets an owner record (the creator's PID, its start time,
 * the boot, a run id; see shm_owner.c) in a registry directory private to
 * the user, and ab_seg_cleanup() removes only segments with such a record
 * whose creator has ended and that no process has attached.  A name or key
 * alone proves nothing: AB_SEG_POSIX_PREFIX and the key range
 * [AB_SEG_SYSV_KEY_MIN, AB_SEG_SYSV_KEY_MAX] are only conventions, and
 * segments there without a record (made by hand, by another user, by an
 * older version) are reported and kept.  AB_SEG_SYSV_KEY_CHOOSE asks for a
 * free key in that range; a key of 0 is a private segment (IPC_PRIVATE),
 * which cannot be attached by key but is recorded by its id, so cleanup can
 * still remove it.
 *
 * Errors as in allocbench.h: NULL or an AbErrorCode, message and detail (the
 * hint) in the thread-local slot.
 */
#ifndef AB_SHMEM_H
#define AB_SHMEM_H

#include <stddef.h>
#include <stdint.h>

#include "allocbench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AB_SEG_POSIX_PREFIX   "/allocbench."
#define AB_SEG_SYSV_KEY_MIN   0x41420000L   /* 'A' 'B' 0000 */
#define AB_SEG_SYSV_KEY_MAX   0x4142FFFFL
#define AB_SEG_SYSV_KEY_CHOOSE (-1L)        /* request: the first free key of the range above */
#define AB_SEG_RUN_ID_LEN     64            /* including the terminator */

/* Errors of this half (the codes of allocbench.h apply too). */
#define AB_ERR_SEGMENT_EXISTS      10   /* the name or key is in use */
#define AB_ERR_SEGMENT_NOT_FOUND   11   /* attach: no such name or key */
#define AB_ERR_PERMISSION          12   /* EACCES / EPERM */
#define AB_ERR_HUGE_PAGES          13   /* huge pages requested (on) but not obtained */
#define AB_ERR_SYSTEM              14   /* any other failing system call */
#define AB_ERR_SHMEM_INDEX         15   /* named allocations: size mismatch, index full, bad header */

typedef enum AbSegKind
{
    AB_SEG_ANONYMOUS = 0,   /* mmap(MAP_SHARED | MAP_ANONYMOUS) */
    AB_SEG_FILE = 1,        /* mmap of a file at a path (hugetlbfs or not) */
    AB_SEG_POSIX = 2,       /* shm_open */
    AB_SEG_SYSV = 3         /* shmget */
} AbSegKind;

typedef enum AbHugeMode
{
    AB_HUGE_OFF = 0,
    AB_HUGE_TRY = 1,
    AB_HUGE_ON = 2,
    AB_HUGE_TRANSPARENT = 3 /* THP: madvise(MADV_HUGEPAGE), anonymous only */
} AbHugeMode;

/* PostgreSQL 17's huge_pages_status. */
typedef enum AbHugeStatus
{
    AB_HUGE_STATUS_OFF = 0,
    AB_HUGE_STATUS_ON = 1,
    AB_HUGE_STATUS_UNKNOWN = 2  /* THP: decided by the kernel page by page, see ab_seg_pages */
} AbHugeStatus;

typedef struct AbSegment AbSegment;

/* What to create.  Fields not used by the kind are ignored. */
typedef struct AbSegRequest
{
    int32_t     kind;            /* AbSegKind */
    int32_t     huge_mode;       /* AbHugeMode */
    uint64_t    size;            /* bytes requested, > 0 */
    uint64_t    huge_page_size;  /* 0 = the system default (Hugepagesize), 2 MiB or 1 GiB */
    const char *name;            /* POSIX: the shm name ("/x"); FILE: the path */
    int64_t     key;             /* SysV: the key; 0 = IPC_PRIVATE; AB_SEG_SYSV_KEY_CHOOSE = a free one */
} AbSegRequest;

/* What a segment is; a fixed layout, read from Java. */
typedef struct AbSegInfo
{
    void    *base;
    uint64_t size;            /* mapped bytes: the request rounded up to page_size */
    uint64_t requested;       /* bytes asked for (on attach: the size read back) */
    uint64_t page_size;       /* the page size asked of the kernel: 4096 or a huge page size */
    int32_t  kind;            /* AbSegKind */
    int32_t  huge_mode;       /* as requested */
    int32_t  huge_status;     /* AbHugeStatus as decided at creation */
    int32_t  owner;           /* 1: created here (destroy removes it); 0: attached */
    int64_t  key;             /* SysV key (0 = private; the chosen one under AB_SEG_SYSV_KEY_CHOOSE) */
    int32_t  shmid;           /* SysV id, else -1 */
    int32_t  reserved;
    char     name[256];       /* POSIX name or file path, else "" */
    char     fallback[256];   /* under try: why huge pages were not used, else "" */
} AbSegInfo;

/* Pages as the kernel reports them for the segment's mapping (/proc/self/smaps). */
typedef struct AbPageReport
{
    uint64_t kernel_page_size;   /* KernelPageSize, bytes */
    uint64_t mmu_page_size;      /* MMUPageSize, bytes */
    uint64_t rss;                /* Rss (0 for hugetlb mappings), bytes */
    uint64_t anon_huge_pages;    /* AnonHugePages (THP), bytes */
    uint64_t shmem_pmd_mapped;   /* ShmemPmdMapped (THP on shmem), bytes */
    uint64_t hugetlb;            /* Shared_Hugetlb + Private_Hugetlb, bytes */
    int32_t  huge_status;        /* on if hugetlb pages or THP are in use, else off */
    int32_t  found;              /* 1 if the mapping was found in smaps */
} AbPageReport;

/* Huge pages of one size as /sys/kernel/mm/hugepages reports them. */
typedef struct AbHugePool
{
    uint64_t page_size;
    int64_t  total;     /* nr_hugepages; -1 if this size is not supported */
    int64_t  free;      /* free_hugepages */
    int64_t  reserved;  /* resv_hugepages */
} AbHugePool;

/* ---- segments (shm_segment.c, shm_anonymous.c, shm_file.c, shm_sysv.c) ----- */

AB_API AbSegment *ab_seg_create(const AbSegRequest *request);
/*
 * Attaches an existing POSIX (name), FILE (path) or SysV (key) segment, its
 * size read back with fstat / IPC_STAT; the page size comes from the mapping
 * (smaps), so hugetlb-backed segments are recognised.  Anonymous segments
 * cannot be attached by name (only inherited across fork).
 */
AB_API AbSegment *ab_seg_attach(int kind, const char *name, int64_t key);
AB_API const AbSegInfo *ab_seg_info(const AbSegment *segment);
AB_API int ab_seg_pages(const AbSegment *segment, AbPageReport *out);
/* Unmaps; the segment itself stays (other processes may use it). Frees the handle. */
AB_API int ab_seg_detach(AbSegment *segment);
/* Unmaps and removes the name / key / file and its owner record (owner or not). Frees the handle. */
AB_API int ab_seg_destroy(AbSegment *segment);
/*
 * Removes a segment by kind and name (POSIX, FILE) or key (SysV, > 0)
 * without mapping it, and its owner record: for a reaper that registered a
 * transient segment and outlived its creator.
 */
AB_API int ab_seg_remove(int kind, const char *name, int64_t key);
/*
 * Marks a segment this process created as made to outlive its creator
 * (`allocbench shm create`): ab_seg_cleanup() then keeps it unless asked
 * with AB_CLEANUP_EXPLICIT.  Needs the creating handle.
 */
AB_API int ab_seg_keep(AbSegment *segment);

/*
 * The run id written into owner records: ALLOCBENCH_RUN_ID from the
 * environment if it is set and valid, else "pid<PID>.<start time>" (this
 * process).  Set it before creating segments; forked children inherit it.
 * A run id is 1..63 characters of [A-Za-z0-9._:-].
 */
AB_API const char *ab_seg_run_id(void);
AB_API int ab_seg_set_run_id(const char *run_id);

/* ---- huge pages (shm_hugepages.c) ------------------------------------------ */

/* Hugepagesize from /proc/meminfo, bytes; 0 if the kernel has no hugetlb. */
AB_API uint64_t ab_huge_default_size(void);
/* The pool of page_size (0 = default); total = -1 when that size is not supported. */
AB_API int ab_huge_pool(uint64_t page_size, AbHugePool *out);
/* Sets nr_hugepages of page_size (root only); the kernel may give fewer, see ab_huge_pool. */
AB_API int ab_huge_reserve(uint64_t page_size, int64_t pages);

/* ---- stale segments (shm_cleanup.c) ----------------------------------------- */

#define AB_CLEANUP_EXPLICIT   1   /* also segments marked with ab_seg_keep */

/*
 * Removes the segments this user's owner records name whose creator has
 * ended and that no process has attached (or holds open); with run_id not
 * NULL, only those recorded under that run id.  Segments kept on purpose
 * (ab_seg_keep) are removed only with AB_CLEANUP_EXPLICIT.  A record whose
 * segment is gone, or was replaced by another under the same name, is
 * dropped and the segment is left alone.  Without run_id, the tool's names
 * and keys that have no record are listed as kept.  Writes up to buflen
 * bytes of lines to buf (may be NULL): "removed <what>: <why>", "kept
 * <what>: <why>", "dropped <record>: <why>", "could not remove <what>:
 * <error>".  Returns the number of segments removed, or -1 on error.
 */
AB_API int ab_seg_cleanup(const char *run_id, int flags, char *buf, size_t buflen);

/* ---- named allocations inside a segment (shm_index.c) ------------------------ */

#define AB_SHMEM_NAME_LEN     48    /* SHMEM_INDEX_KEYSIZE, including the terminator */
#define AB_SHMEM_ALIGN        128   /* PG_CACHE_LINE_SIZE */
#define AB_SHMEM_MAX_ENTRIES  256

/* One row of the pg_shmem_allocations-like listing. */
typedef struct AbShmemRow
{
    char    name[AB_SHMEM_NAME_LEN];  /* "<anonymous>", or "" for the unused tail (NULL in PG) */
    int64_t off;                       /* -1 for the anonymous row (NULL in PG) */
    int64_t size;
    int64_t allocated_size;
} AbShmemRow;

/*
 * Formats the segment's index if it has none yet (the first process), or
 * checks the one that is there (later ones).  Needs a created or attached
 * segment of at least the index's own size.
 */
AB_API int ab_shmem_init(AbSegment *segment);
/*
 * ShmemInitStruct: the named structure, allocated (zeroed) on first use,
 * found by later callers in any process.  *found is set to 1 if it existed.
 * Errors: "out of shared memory (%zu bytes requested)", "ShmemIndex entry
 * size is wrong for data structure \"%s\": expected %zu, actual %zu".
 */
AB_API void *ab_shmem_init_struct(AbSegment *segment, const char *name, uint64_t size, int32_t *found);
/* ShmemAlloc: anonymous (unnamed) memory from the same bump allocator. */
AB_API void *ab_shmem_alloc(AbSegment *segment, uint64_t size);
/*
 * pg_shmem_allocations: the named entries by offset, then the <anonymous>
 * row and the unused row.  Returns how many rows there are (may exceed
 * max_rows: then only max_rows were written), or -1 on error.
 */
AB_API int64_t ab_shmem_allocations(AbSegment *segment, AbShmemRow *rows, size_t max_rows);

/* ---- an AllocSet on segment memory (shm_block_source.c) ---------------------- */

typedef struct AbSegArena AbSegArena;

/*
 * A block source carving [base, base + size) into power-of-two blocks with a
 * free list per size: AllocSet blocks then live on the segment's pages (huge
 * or not).  Pass ab_seg_arena_source() to ab_aset_create_with_source; the
 * arena must outlive the context.  Not thread-safe, like a context.
 */
AB_API AbSegArena *ab_seg_arena_create(void *base, uint64_t size);
AB_API const AbBlockSource *ab_seg_arena_source(AbSegArena *arena);
/* Bytes of the region handed out as blocks right now (power-of-two sizes). */
AB_API uint64_t ab_seg_arena_in_use(const AbSegArena *arena);
AB_API void ab_seg_arena_destroy(AbSegArena *arena);

/* ---- the huge-pages benchmark's access patterns (shm_touch.c) ------------------ */

/* Writes one byte every stride bytes (0 = 4096); returns the minor faults this thread took. */
AB_API uint64_t ab_touch_pages(void *base, uint64_t size, uint64_t stride);
/* Links one slot per 4 KiB page into a random cycle; returns the slot of page 0. */
AB_API void *ab_chase_build(void *base, uint64_t size, uint64_t seed);
/* Follows the cycle for steps loads; returns where it stopped (the next start). */
AB_API void *ab_chase(void *start, uint64_t steps);

#ifdef __cplusplus
}
#endif

#endif /* AB_SHMEM_H */

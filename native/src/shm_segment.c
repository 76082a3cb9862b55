/*
 * shm_segment.c -- creating, attaching, detaching and destroying shared
 * memory segments of four kinds, with huge pages off / try / on / THP.
 *
 * Why each choice (PostgreSQL's, see shared/reference/postgres-memory.md):
 *
 * - Exclusive creation, mode 0600.  A name or key in use is an error, never
 *   silently shared: a benchmark that attached to someone else's segment
 *   would measure (and overwrite) the wrong memory.
 * - posix_fallocate, not ftruncate, for POSIX (tmpfs) and file segments:
 *   ftruncate leaves a hole, and touching it when the file system is full
 *   is a SIGBUS in the middle of a run instead of an error here.
 * - Rounding: hugetlb mappings must be a whole number of huge pages, so the
 *   request is rounded up to the page size (4 KiB pages too, so that `size`
 *   is always what is mapped).
 * - try falls back to normal pages with the rounded size recomputed, and
 *   records PostgreSQL's debug line in info.fallback; on fails with
 *   PostgreSQL's "could not map anonymous shared memory" and a hint that
 *   names the request and the pool (reserved/free pages of that size).
 * - THP: shared anonymous memory is shmem, whose THP policy is
 *   /sys/kernel/mm/transparent_hugepage/shmem_enabled (never by default),
 *   not `enabled`.  When shmem THP is off, a THP segment is mapped private
 *   (THP then follows `enabled`, madvise by default) and info.fallback says
 *   that it is not shared with other processes.  The mapping is aligned to
 *   2 MiB so whole PMDs fit.
 * - Every failure after a create undoes it (munmap, close, shm_unlink /
 *   unlink / IPC_RMID) before returning, so nothing is left behind.
 * - Every POSIX, file and SysV segment created here is recorded with its
 *   creator (shm_owner.c) before ab_seg_create returns, and a segment that
 *   cannot be recorded is removed again: cleanup must be able to tell ours
 *   from everyone else's.  Destroying or removing a segment drops its record.
 * - AB_SEG_SYSV_KEY_CHOOSE probes the tool's key range from a point that
 *   depends on the process, with IPC_EXCL, so the first free key is taken
 *   atomically and concurrent runs rarely probe the same keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "shm_internal.h"

#define HUGETLBFS_MAGIC   0x958458f6
#define THP_PMD_SIZE      ((uint64_t) 2 * 1024 * 1024)
/* Above any address space a process can map (47 bits of user space). */
#define MAX_SEGMENT_SIZE  ((uint64_t) 1 << 47)

static uint64_t round_up(uint64_t size, uint64_t page)
{
    return (size + page - 1) / page * page;
}

static int errno_code(int err)
{
    switch (err)
    {
        case EEXIST:
            return AB_ERR_SEGMENT_EXISTS;
        case ENOENT:
            return AB_ERR_SEGMENT_NOT_FOUND;
        case EACCES:
        case EPERM:
            return AB_ERR_PERMISSION;
        default:
            return AB_ERR_SYSTEM;
    }
}

void ab_seg_fail_hint(int code, int err, uint64_t size, uint64_t page_size, const char *what, const char *first)
{
    char pool[200] = "";
    char hint[512];

    if (page_size > AB_SMALL_PAGE)
        ab_huge_describe(page_size, pool, sizeof(pool));
    snprintf(hint, sizeof(hint),
             "%s%sThis error usually means that the request for a shared memory segment exceeded available"
             " memory, swap space, or huge pages. The request size was %" PRIu64 " bytes (rounded up to"
             " %" PRIu64 "-byte pages)%s%s.", first ? first : "", first ? " " : "", size, page_size, pool[0] ? "; " : "", pool);
    ab_error_set(code, hint, "%s: %s", what, strerror(err));
}

static AbSegment *new_segment(const AbSegRequest *req, uint64_t page_size)
{
    AbSegment *seg = calloc(1, sizeof(AbSegment));

    if (seg == NULL)
        return ab_error_null(AB_ERR_OUT_OF_MEMORY, "out of memory");
    seg->fd = -1;
    seg->info.kind = req->kind;
    seg->info.huge_mode = req->huge_mode;
    seg->info.requested = req->size;
    seg->info.page_size = page_size;
    seg->info.size = round_up(req->size, page_size);
    seg->info.shmid = -1;
    seg->info.key = req->key;
    seg->info.owner = 1;
    if (req->name != NULL)
        snprintf(seg->info.name, sizeof(seg->info.name), "%s", req->name);
    return seg;
}

/* Under try: remember why, and go on with normal pages. */
static void fall_back(AbSegment *seg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fall_back(AbSegment *seg, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(seg->info.fallback, sizeof(seg->info.fallback), fmt, args);
    va_end(args);
    seg->info.page_size = AB_SMALL_PAGE;
    seg->info.size = round_up(seg->info.requested, AB_SMALL_PAGE);
    seg->info.huge_status = AB_HUGE_STATUS_OFF;
}

static bool shmem_thp_enabled(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/shmem_enabled", "r");
    char line[160] = "";
    bool enabled;

    if (f == NULL)
        return false;
    if (fgets(line, sizeof(line), f) == NULL)
        line[0] = '\0';
    fclose(f);
    /* The selected policy is the one in brackets. */
    enabled = strstr(line, "[always]") || strstr(line, "[within_size]") || strstr(line, "[advise]")
        || strstr(line, "[force]");
    return enabled;
}

static void *map_or_null(uint64_t size, int prot_flags, int fd)
{
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, prot_flags, fd, 0);
    return base == MAP_FAILED ? NULL : base;
}

/* An anonymous mapping aligned to 2 MiB for THP: over-map, then trim both ends. */
static void *map_thp(uint64_t size, int share_flag)
{
    uint64_t span = size + THP_PMD_SIZE;
    char *raw = map_or_null(span, share_flag | MAP_ANONYMOUS, -1);
    char *aligned;

    if (raw == NULL)
        return NULL;
    aligned = (char *) round_up((uint64_t) (uintptr_t) raw, THP_PMD_SIZE);
    if (aligned > raw)
        munmap(raw, (size_t) (aligned - raw));
    if (raw + span > aligned + size)
        munmap(aligned + size, (size_t) (raw + span - (aligned + size)));
    if (madvise(aligned, size, MADV_HUGEPAGE) != 0)
    {
        int err = errno;
        munmap(aligned, size);
        errno = err;
        return NULL;
    }
    return aligned;
}

static AbSegment *create_anonymous(AbSegment *seg)
{
    AbSegInfo *info = &seg->info;

    if (info->huge_mode == AB_HUGE_TRANSPARENT)
    {
        bool shared = shmem_thp_enabled();

        info->size = round_up(info->requested, THP_PMD_SIZE);
        info->huge_status = AB_HUGE_STATUS_UNKNOWN;
        if (!shared)
            snprintf(info->fallback, sizeof(info->fallback),
                     "shmem_enabled does not allow THP for shared memory: mapped MAP_PRIVATE"
                     " (transparent huge pages, not shared with other processes)");
        info->base = map_thp(info->size, shared ? MAP_SHARED : MAP_PRIVATE);
    }
    else if (info->page_size > AB_SMALL_PAGE)
    {
        info->base = map_or_null(info->size, MAP_SHARED | MAP_ANONYMOUS | ab_huge_mmap_flags(info->page_size), -1);
        if (info->base == NULL && info->huge_mode == AB_HUGE_TRY)
        {
            fall_back(seg, "mmap(%" PRIu64 ") with MAP_HUGETLB failed, huge pages disabled: %s",
                      info->size, strerror(errno));
            info->base = map_or_null(info->size, MAP_SHARED | MAP_ANONYMOUS, -1);
        }
        else if (info->base != NULL)
            info->huge_status = AB_HUGE_STATUS_ON;
    }
    else
        info->base = map_or_null(info->size, MAP_SHARED | MAP_ANONYMOUS, -1);

    if (info->base == NULL)
    {
        ab_seg_fail_hint(info->page_size > AB_SMALL_PAGE ? AB_ERR_HUGE_PAGES : AB_ERR_OUT_OF_MEMORY, errno,
                         info->requested, info->page_size, "could not map anonymous shared memory", NULL);
        return NULL;
    }
    return seg;
}

/* Sizes an open file (tmpfs, disk or hugetlbfs) to size bytes without leaving holes. */
static int size_file(int fd, uint64_t size, bool hugetlbfs)
{
    int rc;

    /* hugetlbfs reserves its pages on mmap; ftruncate is how it is sized. */
    if (hugetlbfs)
        return ftruncate(fd, (off_t) size) == 0 ? 0 : errno;
    do
        rc = posix_fallocate(fd, 0, (off_t) size);
    while (rc == EINTR);
    return rc;
}

static bool on_hugetlbfs(const char *path, uint64_t *page_size)
{
    char dir[PATH_MAX];
    struct statfs fs;
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (statfs(dir, &fs) != 0 || (uint32_t) fs.f_type != HUGETLBFS_MAGIC)
        return false;
    *page_size = (uint64_t) fs.f_bsize;
    return true;
}

/* POSIX and FILE: open exclusively, size, map; any failure removes the name again. */
static AbSegment *create_file_backed(AbSegment *seg, bool hugetlbfs)
{
    AbSegInfo *info = &seg->info;
    bool posix = info->kind == AB_SEG_POSIX;
    const char *what = posix ? "shared memory segment" : "file";
    int err;

    seg->fd = posix ? shm_open(info->name, O_RDWR | O_CREAT | O_EXCL, 0600)
                    : open(info->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (seg->fd < 0)
    {
        err = errno;
        ab_error_set(errno_code(err), err == EEXIST ? "The name is in use; pick another, or destroy it"
                     " (allocbench shm cleanup removes stale ones of this tool)." : NULL,
                     "could not open %s \"%s\": %s", what, info->name, strerror(err));
        return NULL;
    }
    err = size_file(seg->fd, info->size, hugetlbfs);
    if (err != 0)
    {
        char message[400];
        snprintf(message, sizeof(message), "could not resize %s \"%s\" to %" PRIu64 " bytes", what, info->name,
                 info->size);
        ab_seg_fail_hint(errno_code(err), err, info->requested, info->page_size, message, NULL);
        goto undo;
    }
    info->base = map_or_null(info->size, MAP_SHARED, seg->fd);
    if (info->base == NULL)
    {
        err = errno;
        ab_seg_fail_hint(hugetlbfs ? AB_ERR_HUGE_PAGES : errno_code(err), err, info->requested,
                         info->page_size, "could not map shared memory segment", NULL);
        goto undo;
    }
    info->huge_status = hugetlbfs ? AB_HUGE_STATUS_ON : AB_HUGE_STATUS_OFF;
    return seg;

undo:
    close(seg->fd);
    seg->fd = -1;
    if (posix)
        shm_unlink(info->name);
    else
        unlink(info->name);
    return NULL;
}

static bool posix_name_ok(const char *name)
{
    size_t len = strlen(name);
    return name[0] == '/' && len > 1 && len < NAME_MAX && strchr(name + 1, '/') == NULL;
}

static AbSegment *create_posix(AbSegment *seg)
{
    if (!posix_name_ok(seg->info.name))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT,
                             "invalid POSIX shared memory name \"%s\": it must be \"/\" followed by up to %d"
                             " characters and no further \"/\"", seg->info.name, NAME_MAX - 2);
    if (seg->info.huge_mode == AB_HUGE_ON || seg->info.huge_mode == AB_HUGE_TRANSPARENT)
        return ab_error_null(AB_ERR_HUGE_PAGES, "huge pages are not available for POSIX shared memory"
                             " (shm_open lives on tmpfs); use a file segment on a hugetlbfs mount,"
                             " or huge_pages=try");
    if (seg->info.huge_mode == AB_HUGE_TRY)
        fall_back(seg, "shm_open segments live on tmpfs, which has no hugetlb pages: huge pages disabled");
    return create_file_backed(seg, false);
}

static AbSegment *create_file(AbSegment *seg)
{
    uint64_t fs_page = 0;
    bool hugetlbfs = on_hugetlbfs(seg->info.name, &fs_page);

    if (seg->info.huge_mode == AB_HUGE_TRANSPARENT)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "transparent huge pages apply to anonymous segments only");
    if (!hugetlbfs && seg->info.huge_mode == AB_HUGE_ON)
        return ab_error_null(AB_ERR_HUGE_PAGES, "\"%s\" is not on a hugetlbfs mount, so it cannot give huge"
                             " pages (mount one with: mount -t hugetlbfs -o pagesize=2M none /mnt/huge)",
                             seg->info.name);
    if (hugetlbfs && seg->info.huge_mode == AB_HUGE_OFF)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "\"%s\" is on a hugetlbfs mount, which only has huge"
                             " pages: use huge_pages=try or on", seg->info.name);
    if (hugetlbfs)
    {
        seg->info.page_size = fs_page;
        seg->info.size = round_up(seg->info.requested, fs_page);
    }
    else if (seg->info.huge_mode == AB_HUGE_TRY)
        fall_back(seg, "\"%s\" is not on a hugetlbfs mount: huge pages disabled", seg->info.name);
    return create_file_backed(seg, hugetlbfs);
}

/* shmget(IPC_CREAT | IPC_EXCL | flags); under AB_SEG_SYSV_KEY_CHOOSE, the first free key of the range. */
static int create_shm_id(AbSegInfo *info, int flags)
{
    uint32_t span = (uint32_t) (AB_SEG_SYSV_KEY_MAX - AB_SEG_SYSV_KEY_MIN + 1);
    uint32_t start = ((uint32_t) getpid() * 2654435761u) ^ (uint32_t) time(NULL);

    if (info->key != AB_SEG_SYSV_KEY_CHOOSE)
        return shmget(info->key == 0 ? IPC_PRIVATE : (key_t) info->key, info->size, flags);
    for (uint32_t i = 0; i < span; i++)
    {
        key_t key = (key_t) (AB_SEG_SYSV_KEY_MIN + (start + i) % span);
        int id = shmget(key, info->size, flags);

        if (id >= 0)
        {
            info->key = key;
            return id;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

static AbSegment *create_sysv(AbSegment *seg)
{
    AbSegInfo *info = &seg->info;
    int base_flags = IPC_CREAT | IPC_EXCL | 0600;
    int err;

    if (info->huge_mode == AB_HUGE_TRANSPARENT)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "transparent huge pages apply to anonymous segments only");
    if (info->page_size > AB_SMALL_PAGE)
    {
        info->shmid = create_shm_id(info, base_flags | ab_huge_shmget_flags(info->page_size));
        if (info->shmid < 0 && errno != EEXIST && info->huge_mode == AB_HUGE_TRY)
            fall_back(seg, "shmget(%" PRIu64 ") with SHM_HUGETLB failed, huge pages disabled: %s",
                      info->size, strerror(errno));
        else if (info->shmid >= 0)
            info->huge_status = AB_HUGE_STATUS_ON;
    }
    if (info->page_size == AB_SMALL_PAGE)
        info->shmid = create_shm_id(info, base_flags);
    if (info->shmid < 0)
    {
        char detail[160];
        err = errno;
        if (err == EEXIST && info->key == AB_SEG_SYSV_KEY_CHOOSE)
        {
            ab_error_set(AB_ERR_SEGMENT_EXISTS, "allocbench shm cleanup removes stale ones of this tool.",
                         "every SysV key from 0x%lx to 0x%lx is in use", AB_SEG_SYSV_KEY_MIN, AB_SEG_SYSV_KEY_MAX);
            return NULL;
        }
        if (err == EEXIST)
        {
            ab_error_set(AB_ERR_SEGMENT_EXISTS, "Attach to it, or destroy it (allocbench shm cleanup removes"
                         " stale ones of this tool).", "shared memory key %" PRId64 " (0x%" PRIx64 ") is in use",
                         info->key, (uint64_t) info->key);
            return NULL;
        }
        snprintf(detail, sizeof(detail), "Failed system call was shmget(key=%" PRId64 ", size=%" PRIu64 ", 0%o).",
                 info->key, info->size, base_flags);
        ab_seg_fail_hint(info->page_size > AB_SMALL_PAGE ? AB_ERR_HUGE_PAGES : errno_code(err), err,
                         info->requested, info->page_size, "could not create shared memory segment", detail);
        return NULL;
    }
    info->base = shmat(info->shmid, NULL, 0);
    if (info->base == (void *) -1)
    {
        err = errno;
        info->base = NULL;
        shmctl(info->shmid, IPC_RMID, NULL);
        ab_error_set(errno_code(err), NULL, "could not attach shared memory segment %d: %s", info->shmid,
                     strerror(err));
        return NULL;
    }
    return seg;
}

AbSegment *ab_seg_create(const AbSegRequest *req)
{
    AbSegment *seg;
    AbSegment *made;
    uint64_t page_size = AB_SMALL_PAGE;
    bool wants_huge;

    if (req == NULL)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "segment request is NULL");
    if (req->kind < AB_SEG_ANONYMOUS || req->kind > AB_SEG_SYSV)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "unknown segment kind %d", req->kind);
    if (req->huge_mode < AB_HUGE_OFF || req->huge_mode > AB_HUGE_TRANSPARENT)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "unknown huge pages mode %d", req->huge_mode);
    if (req->size == 0 || req->size > MAX_SEGMENT_SIZE)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "invalid shared memory segment size %" PRIu64
                             " (must be between 1 byte and %" PRIu64 " bytes)", req->size, MAX_SEGMENT_SIZE);
    if ((req->kind == AB_SEG_POSIX || req->kind == AB_SEG_FILE) && (req->name == NULL || req->name[0] == '\0'))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "a %s segment needs a %s",
                             req->kind == AB_SEG_POSIX ? "POSIX" : "file", req->kind == AB_SEG_POSIX ? "name" : "path");
    if (req->name != NULL && strlen(req->name) >= sizeof(((AbSegInfo *) 0)->name))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "segment name or path is too long (at most 255 bytes)");
    if (req->kind == AB_SEG_SYSV && (req->key < AB_SEG_SYSV_KEY_CHOOSE || req->key > INT32_MAX))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "invalid SysV key %" PRId64, req->key);

    /* The huge page size is checked for anonymous and SysV kinds (files take their mount's). */
    wants_huge = (req->huge_mode == AB_HUGE_TRY || req->huge_mode == AB_HUGE_ON)
        && (req->kind == AB_SEG_ANONYMOUS || req->kind == AB_SEG_SYSV);
    if (wants_huge)
    {
        uint64_t asked = req->huge_page_size == 0 ? ab_huge_default_size() : req->huge_page_size;
        if (ab_huge_size_supported(asked))
            page_size = asked;
        else if (req->huge_mode == AB_HUGE_ON)
            return ab_error_null(AB_ERR_HUGE_PAGES, "huge_page_size %" PRIu64 " kB is not supported by this"
                                 " kernel (see /sys/kernel/mm/hugepages)", asked / 1024);
    }
    seg = new_segment(req, page_size);
    if (seg == NULL)
        return NULL;
    if (wants_huge && page_size == AB_SMALL_PAGE)
        fall_back(seg, "huge_page_size %" PRIu64 " kB is not supported by this kernel, huge pages disabled",
                  (req->huge_page_size == 0 ? ab_huge_default_size() : req->huge_page_size) / 1024);

    switch (req->kind)
    {
        case AB_SEG_ANONYMOUS:
            made = create_anonymous(seg);
            break;
        case AB_SEG_FILE:
            made = create_file(seg);
            break;
        case AB_SEG_POSIX:
            made = create_posix(seg);
            break;
        default:
            made = create_sysv(seg);
            break;
    }
    if (made == NULL)
    {
        free(seg);
        return NULL;
    }
    if (made->info.kind != AB_SEG_ANONYMOUS && ab_owner_record(made) != AB_OK)
    {
        char message[512];
        char detail[512];
        int code = ab_error_code();

        /* Keep the recording error: undoing the create must not overwrite it. */
        snprintf(message, sizeof(message), "%s", ab_error_message());
        snprintf(detail, sizeof(detail), "%s", ab_error_detail() ? ab_error_detail() : "");
        ab_seg_destroy(made);
        ab_error_set(code, detail[0] ? detail : NULL, "%s", message);
        return NULL;
    }
    return made;
}

/*
 * Test-only seam: attach's fstat, called through this pointer so that
 * test_shmem_faults.c can make it fail.  An fstat of the descriptor open() has
 * just returned does not fail on demand, and its failure path once read
 * st_size from the buffer the failed call had not filled.  Nothing in the
 * library assigns it.
 */
int (*ab_seg_fstat)(int fd, struct stat *st) = fstat;

static AbSegment *attach_file_backed(AbSegment *seg, bool posix)
{
    struct stat st;
    int err;

    seg->fd = posix ? shm_open(seg->info.name, O_RDWR, 0) : open(seg->info.name, O_RDWR | O_CLOEXEC);
    if (seg->fd < 0)
    {
        err = errno;
        ab_error_set(errno_code(err), NULL, "could not open %s \"%s\": %s",
                     posix ? "shared memory segment" : "file", seg->info.name, strerror(err));
        return NULL;
    }
    /* st is read only once fstat has filled it: a failed fstat leaves it undefined. */
    if (ab_seg_fstat(seg->fd, &st) != 0)
    {
        err = errno;
        ab_error_set(errno_code(err), NULL, "could not stat shared memory segment \"%s\": %s", seg->info.name,
                     strerror(err));
        goto fail;
    }
    if (st.st_size <= 0)
    {
        ab_error_set(errno_code(EINVAL), NULL, "could not stat shared memory segment \"%s\": it is empty",
                     seg->info.name);
        goto fail;
    }
    seg->info.requested = seg->info.size = (uint64_t) st.st_size;
    seg->info.base = map_or_null(seg->info.size, MAP_SHARED, seg->fd);
    if (seg->info.base == NULL)
    {
        err = errno;
        ab_error_set(errno_code(err), NULL, "could not map shared memory segment \"%s\": %s", seg->info.name,
                     strerror(err));
        goto fail;
    }
    return seg;
fail:
    close(seg->fd);
    seg->fd = -1;
    return NULL;
}

static AbSegment *attach_sysv(AbSegment *seg)
{
    struct shmid_ds ds;

    seg->info.shmid = shmget((key_t) seg->info.key, 0, 0);
    if (seg->info.shmid < 0)
    {
        ab_error_set(errno_code(errno), NULL, "could not find shared memory segment with key %" PRId64 ": %s",
                     seg->info.key, strerror(errno));
        return NULL;
    }
    if (shmctl(seg->info.shmid, IPC_STAT, &ds) != 0)
    {
        ab_error_set(errno_code(errno), NULL, "could not stat shared memory segment %d: %s", seg->info.shmid,
                     strerror(errno));
        return NULL;
    }
    seg->info.requested = seg->info.size = (uint64_t) ds.shm_segsz;
    seg->info.base = shmat(seg->info.shmid, NULL, 0);
    if (seg->info.base == (void *) -1)
    {
        seg->info.base = NULL;
        ab_error_set(errno_code(errno), NULL, "could not attach shared memory segment %d: %s", seg->info.shmid,
                     strerror(errno));
        return NULL;
    }
    return seg;
}

AbSegment *ab_seg_attach(int kind, const char *name, int64_t key)
{
    AbSegRequest req = {.kind = kind, .name = name, .key = key, .size = 1};
    AbSegment *seg;
    AbSegment *made;
    AbPageReport pages;

    if (kind == AB_SEG_ANONYMOUS)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "an anonymous segment has no name to attach by"
                             " (it is shared with child processes only)");
    if (kind != AB_SEG_FILE && kind != AB_SEG_POSIX && kind != AB_SEG_SYSV)
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "unknown segment kind %d", kind);
    if (kind != AB_SEG_SYSV && (name == NULL || name[0] == '\0' || strlen(name) >= sizeof(((AbSegInfo *) 0)->name)))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "attach needs a name or path (at most 255 bytes)");
    if (kind == AB_SEG_SYSV && (key <= 0 || key > INT32_MAX))
        return ab_error_null(AB_ERR_INVALID_ARGUMENT, "attach needs a SysV key > 0 (a private segment has none)");
    seg = new_segment(&req, AB_SMALL_PAGE);
    if (seg == NULL)
        return NULL;
    seg->info.owner = 0;
    made = kind == AB_SEG_SYSV ? attach_sysv(seg) : attach_file_backed(seg, kind == AB_SEG_POSIX);
    if (made == NULL)
    {
        free(seg);
        return NULL;
    }
    /* What the creator chose is not stored anywhere but the kernel: read the page size back. */
    if (ab_smaps_query(seg->info.base, &pages) == AB_OK && pages.kernel_page_size > 0)
        seg->info.page_size = pages.kernel_page_size;
    seg->info.huge_status = seg->info.page_size > AB_SMALL_PAGE ? AB_HUGE_STATUS_ON : AB_HUGE_STATUS_OFF;
    return seg;
}

const AbSegInfo *ab_seg_info(const AbSegment *segment)
{
    return segment == NULL ? NULL : &segment->info;
}

int ab_seg_pages(const AbSegment *segment, AbPageReport *out)
{
    if (segment == NULL || out == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "ab_seg_pages: segment or out is NULL");
    return ab_smaps_query(segment->info.base, out);
}

static int unmap(AbSegment *seg)
{
    int rc = 0;
    int err = 0;

    if (seg->info.base != NULL)
    {
        rc = seg->info.kind == AB_SEG_SYSV ? shmdt(seg->info.base) : munmap(seg->info.base, seg->info.size);
        /* taken now: the close below may fail too and overwrite errno */
        err = rc != 0 ? errno : 0;
    }
    if (seg->fd >= 0)
        close(seg->fd);
    seg->info.base = NULL;
    seg->fd = -1;
    return rc == 0 ? AB_OK : ab_error_fail(AB_ERR_SYSTEM, NULL, "could not unmap shared memory segment: %s",
                                           strerror(err));
}

int ab_seg_detach(AbSegment *segment)
{
    int rc;

    if (segment == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "segment is NULL");
    rc = unmap(segment);
    free(segment);
    return rc;
}

int ab_seg_destroy(AbSegment *segment)
{
    int rc;
    int removed = 0;
    int err = 0;

    if (segment == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "segment is NULL");
    rc = unmap(segment);
    switch (segment->info.kind)
    {
        case AB_SEG_POSIX:
            removed = shm_unlink(segment->info.name);
            break;
        case AB_SEG_FILE:
            removed = unlink(segment->info.name);
            break;
        case AB_SEG_SYSV:
            removed = shmctl(segment->info.shmid, IPC_RMID, NULL);
            break;
        default:
            break;
    }
    err = errno;
    if (removed == 0 || err == ENOENT || err == EINVAL || err == EIDRM)
        ab_owner_forget(segment->info.kind, segment->info.name, segment->info.shmid);
    if (removed != 0 && rc == AB_OK)
        rc = ab_error_fail(errno_code(err), NULL, "could not remove shared memory segment \"%s\": %s",
                           segment->info.name[0] ? segment->info.name : "(SysV)", strerror(err));
    free(segment);
    return rc;
}

int ab_seg_remove(int kind, const char *name, int64_t key)
{
    int shmid = -1;
    int rc;

    if (kind == AB_SEG_SYSV)
    {
        if (key <= 0 || key > INT32_MAX)
            return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "remove needs a SysV key > 0 (a private segment has"
                                 " none: allocbench shm cleanup removes it once its creator has ended)");
        shmid = shmget((key_t) key, 0, 0);
        rc = shmid < 0 ? -1 : shmctl(shmid, IPC_RMID, NULL);
    }
    else if (kind == AB_SEG_POSIX || kind == AB_SEG_FILE)
    {
        if (name == NULL || name[0] == '\0')
            return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "remove needs a name or path");
        rc = kind == AB_SEG_POSIX ? shm_unlink(name) : unlink(name);
    }
    else
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "only POSIX, file and SysV segments can be removed by"
                             " name or key (an anonymous one ends with its processes)");
    if (rc != 0)
    {
        int err = errno;
        if (kind == AB_SEG_SYSV)
            return ab_error_fail(errno_code(err), NULL, "could not remove shared memory segment with key %" PRId64
                                 " (0x%" PRIx64 "): %s", key, (uint64_t) key, strerror(err));
        return ab_error_fail(errno_code(err), NULL, "could not remove shared memory segment \"%s\": %s", name,
                             strerror(err));
    }
    ab_owner_forget(kind, name, shmid);
    return AB_OK;
}

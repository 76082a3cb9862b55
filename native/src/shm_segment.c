/*
 * shm_segment.c -- the life of a shared memory segment of any kind: the
 * request checked, the kind's own create or attach called (shm_anonymous.c,
 * shm_file.c for POSIX and FILE, shm_sysv.c), its owner record written, and
 * detach, destroy and remove; plus what the kinds share.
 *
 * Why each choice (PostgreSQL's, see docs/postgres-memory.md):
 *
 * - Exclusive creation, mode 0600.  A name or key in use is an error, never
 *   silently shared: a benchmark that attached to someone else's segment
 *   would measure (and overwrite) the wrong memory.
 * - Rounding: hugetlb mappings must be a whole number of huge pages, so the
 *   request is rounded up to the page size (4 KiB pages too, so that `size`
 *   is always what is mapped).
 * - try falls back to normal pages with the rounded size recomputed, and
 *   records PostgreSQL's debug line in info.fallback; on fails with
 *   PostgreSQL's "could not map anonymous shared memory" and a hint that
 *   names the request and the pool (reserved/free pages of that size).
 * - Every failure after a create undoes it (munmap, close, shm_unlink /
 *   unlink / IPC_RMID) before returning, so nothing is left behind.
 * - Every POSIX, file and SysV segment created here is recorded with its
 *   creator (shm_owner.c) before ab_seg_create returns, and a segment that
 *   cannot be recorded is removed again: cleanup must be able to tell ours
 *   from everyone else's.  Destroying or removing a segment drops its record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shm_internal.h"

/* Above any address space a process can map (47 bits of user space). */
#define MAX_SEGMENT_SIZE  ((uint64_t) 1 << 47)

uint64_t ab_seg_round_up(uint64_t size, uint64_t page)
{
    return (size + page - 1) / page * page;
}

int ab_seg_errno_code(int err)
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
    seg->info.size = ab_seg_round_up(req->size, page_size);
    seg->info.shmid = -1;
    seg->info.key = req->key;
    seg->info.owner = 1;
    if (req->name != NULL)
        snprintf(seg->info.name, sizeof(seg->info.name), "%s", req->name);
    return seg;
}

void ab_seg_fall_back(AbSegment *seg, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(seg->info.fallback, sizeof(seg->info.fallback), fmt, args);
    va_end(args);
    seg->info.page_size = AB_SMALL_PAGE;
    seg->info.size = ab_seg_round_up(seg->info.requested, AB_SMALL_PAGE);
    seg->info.huge_status = AB_HUGE_STATUS_OFF;
}

void *ab_seg_map(uint64_t size, int flags, int fd)
{
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, 0);

    return base == MAP_FAILED ? NULL : base;
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
        ab_seg_fall_back(seg, "huge_page_size %" PRIu64 " kB is not supported by this kernel, huge pages disabled",
                         (req->huge_page_size == 0 ? ab_huge_default_size() : req->huge_page_size) / 1024);

    switch (req->kind)
    {
        case AB_SEG_ANONYMOUS:
            made = ab_anon_create(seg);
            break;
        case AB_SEG_FILE:
            made = ab_file_create(seg);
            break;
        case AB_SEG_POSIX:
            made = ab_posix_create(seg);
            break;
        default:
            made = ab_sysv_create(seg);
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
    made = kind == AB_SEG_SYSV ? ab_sysv_attach(seg) : ab_file_attach(seg, kind == AB_SEG_POSIX);
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
        rc = ab_error_fail(ab_seg_errno_code(err), NULL, "could not remove shared memory segment \"%s\": %s",
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
            return ab_error_fail(ab_seg_errno_code(err), NULL, "could not remove shared memory segment with key"
                                 " %" PRId64 " (0x%" PRIx64 "): %s", key, (uint64_t) key, strerror(err));
        return ab_error_fail(ab_seg_errno_code(err), NULL, "could not remove shared memory segment \"%s\": %s", name,
                             strerror(err));
    }
    ab_owner_forget(kind, name, shmid);
    return AB_OK;
}

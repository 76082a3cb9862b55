/*
 * shm_file.c -- segments that are files: POSIX shm_open names (files on the
 * tmpfs at /dev/shm) and mapped files at a path (on disk, tmpfs or a
 * hugetlbfs mount, which gives huge pages).  Both open a file exclusively,
 * size it and map it, and attach by opening it again, so they share one
 * file.
 *
 * Why posix_fallocate, not ftruncate (except on hugetlbfs, which reserves its
 * pages on mmap): ftruncate leaves a hole, and touching it when the file
 * system is full is a SIGBUS in the middle of a run instead of an error here.
 * A failed create unlinks the name again, so nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "shm_internal.h"

#define HUGETLBFS_MAGIC   0x958458f6

/* ---- create ---- */

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
        ab_error_set(ab_seg_errno_code(err), err == EEXIST ? "The name is in use; pick another, or destroy it"
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
        ab_seg_fail_hint(ab_seg_errno_code(err), err, info->requested, info->page_size, message, NULL);
        goto undo;
    }
    info->base = ab_seg_map(info->size, MAP_SHARED, seg->fd);
    if (info->base == NULL)
    {
        err = errno;
        ab_seg_fail_hint(hugetlbfs ? AB_ERR_HUGE_PAGES : ab_seg_errno_code(err), err, info->requested,
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

AbSegment *ab_posix_create(AbSegment *seg)
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
        ab_seg_fall_back(seg, "shm_open segments live on tmpfs, which has no hugetlb pages: huge pages disabled");
    return create_file_backed(seg, false);
}

AbSegment *ab_file_create(AbSegment *seg)
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
        seg->info.size = ab_seg_round_up(seg->info.requested, fs_page);
    }
    else if (seg->info.huge_mode == AB_HUGE_TRY)
        ab_seg_fall_back(seg, "\"%s\" is not on a hugetlbfs mount: huge pages disabled", seg->info.name);
    return create_file_backed(seg, hugetlbfs);
}

/* ---- attach ---- */

/*
 * Test-only seam: attach's fstat, called through this pointer so that
 * test_shmem_faults.c can make it fail.  An fstat of the descriptor open() has
 * just returned does not fail on demand, and its failure path once read
 * st_size from the buffer the failed call had not filled.  Nothing in the
 * library assigns it.
 */
int (*ab_seg_fstat)(int fd, struct stat *st) = fstat;

AbSegment *ab_file_attach(AbSegment *seg, bool posix)
{
    struct stat st;
    int err;

    seg->fd = posix ? shm_open(seg->info.name, O_RDWR, 0) : open(seg->info.name, O_RDWR | O_CLOEXEC);
    if (seg->fd < 0)
    {
        err = errno;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not open %s \"%s\": %s",
                     posix ? "shared memory segment" : "file", seg->info.name, strerror(err));
        return NULL;
    }
    /* st is read only once fstat has filled it: a failed fstat leaves it undefined. */
    if (ab_seg_fstat(seg->fd, &st) != 0)
    {
        err = errno;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not stat shared memory segment \"%s\": %s", seg->info.name,
                     strerror(err));
        goto fail;
    }
    if (st.st_size <= 0)
    {
        ab_error_set(ab_seg_errno_code(EINVAL), NULL, "could not stat shared memory segment \"%s\": it is empty",
                     seg->info.name);
        goto fail;
    }
    seg->info.requested = seg->info.size = (uint64_t) st.st_size;
    seg->info.base = ab_seg_map(seg->info.size, MAP_SHARED, seg->fd);
    if (seg->info.base == NULL)
    {
        err = errno;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not map shared memory segment \"%s\": %s", seg->info.name,
                     strerror(err));
        goto fail;
    }
    return seg;
fail:
    close(seg->fd);
    seg->fd = -1;
    return NULL;
}

/*
 * shm_sysv.c -- System V segments (shmget, shmat): PostgreSQL's main segment
 * before 9.3 and its small interlock segment since, attached by key.
 *
 * Why AB_SEG_SYSV_KEY_CHOOSE probes as it does: the tool's key range is
 * probed from a point that depends on the process, with IPC_EXCL, so the
 * first free key is taken atomically and concurrent runs rarely probe the
 * same keys.  A key in use is never shared (see shm_segment.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shm_internal.h"

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

AbSegment *ab_sysv_create(AbSegment *seg)
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
            ab_seg_fall_back(seg, "shmget(%" PRIu64 ") with SHM_HUGETLB failed, huge pages disabled: %s",
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
        ab_seg_fail_hint(info->page_size > AB_SMALL_PAGE ? AB_ERR_HUGE_PAGES : ab_seg_errno_code(err), err,
                         info->requested, info->page_size, "could not create shared memory segment", detail);
        return NULL;
    }
    info->base = shmat(info->shmid, NULL, 0);
    if (info->base == (void *) -1)
    {
        err = errno;
        info->base = NULL;
        shmctl(info->shmid, IPC_RMID, NULL);
        ab_error_set(ab_seg_errno_code(err), NULL, "could not attach shared memory segment %d: %s", info->shmid,
                     strerror(err));
        return NULL;
    }
    return seg;
}

AbSegment *ab_sysv_attach(AbSegment *seg)
{
    struct shmid_ds ds;
    int err;

    seg->info.shmid = shmget((key_t) seg->info.key, 0, 0);
    if (seg->info.shmid < 0)
    {
        err = errno;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not find shared memory segment with key %" PRId64 ": %s",
                     seg->info.key, strerror(err));
        return NULL;
    }
    if (shmctl(seg->info.shmid, IPC_STAT, &ds) != 0)
    {
        err = errno;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not stat shared memory segment %d: %s", seg->info.shmid,
                     strerror(err));
        return NULL;
    }
    seg->info.requested = seg->info.size = (uint64_t) ds.shm_segsz;
    seg->info.base = shmat(seg->info.shmid, NULL, 0);
    if (seg->info.base == (void *) -1)
    {
        err = errno;
        seg->info.base = NULL;
        ab_error_set(ab_seg_errno_code(err), NULL, "could not attach shared memory segment %d: %s", seg->info.shmid,
                     strerror(err));
        return NULL;
    }
    return seg;
}

/*
 * shm_anonymous.c -- anonymous shared segments (mmap MAP_SHARED |
 * MAP_ANONYMOUS), with hugetlb pages or transparent huge pages: the kind a
 * PostgreSQL postmaster maps for its main segment, shared with the children
 * it forks and with no name to attach by.
 *
 * Why THP is handled as it is: shared anonymous memory is shmem, whose THP
 * policy is /sys/kernel/mm/transparent_hugepage/shmem_enabled (never by
 * default), not `enabled`.  When shmem THP is off, a THP segment is mapped
 * private (THP then follows `enabled`, madvise by default) and info.fallback
 * says that it is not shared with other processes.  The mapping is aligned to
 * 2 MiB so that whole PMDs fit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "shm_internal.h"

#define THP_PMD_SIZE      ((uint64_t) 2 * 1024 * 1024)

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

/* An anonymous mapping aligned to 2 MiB for THP: over-map, then trim both ends. */
static void *map_thp(uint64_t size, int share_flag)
{
    uint64_t span = size + THP_PMD_SIZE;
    char *raw = ab_seg_map(span, share_flag | MAP_ANONYMOUS, -1);
    char *aligned;

    if (raw == NULL)
        return NULL;
    aligned = (char *) ab_seg_round_up((uint64_t) (uintptr_t) raw, THP_PMD_SIZE);
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

AbSegment *ab_anon_create(AbSegment *seg)
{
    AbSegInfo *info = &seg->info;

    if (info->huge_mode == AB_HUGE_TRANSPARENT)
    {
        bool shared = shmem_thp_enabled();

        info->size = ab_seg_round_up(info->requested, THP_PMD_SIZE);
        info->huge_status = AB_HUGE_STATUS_UNKNOWN;
        if (!shared)
            snprintf(info->fallback, sizeof(info->fallback),
                     "shmem_enabled does not allow THP for shared memory: mapped MAP_PRIVATE"
                     " (transparent huge pages, not shared with other processes)");
        info->base = map_thp(info->size, shared ? MAP_SHARED : MAP_PRIVATE);
    }
    else if (info->page_size > AB_SMALL_PAGE)
    {
        info->base = ab_seg_map(info->size, MAP_SHARED | MAP_ANONYMOUS | ab_huge_mmap_flags(info->page_size), -1);
        if (info->base == NULL && info->huge_mode == AB_HUGE_TRY)
        {
            ab_seg_fall_back(seg, "mmap(%" PRIu64 ") with MAP_HUGETLB failed, huge pages disabled: %s",
                             info->size, strerror(errno));
            info->base = ab_seg_map(info->size, MAP_SHARED | MAP_ANONYMOUS, -1);
        }
        else if (info->base != NULL)
            info->huge_status = AB_HUGE_STATUS_ON;
    }
    else
        info->base = ab_seg_map(info->size, MAP_SHARED | MAP_ANONYMOUS, -1);

    if (info->base == NULL)
    {
        ab_seg_fail_hint(info->page_size > AB_SMALL_PAGE ? AB_ERR_HUGE_PAGES : AB_ERR_OUT_OF_MEMORY, errno,
                         info->requested, info->page_size, "could not map anonymous shared memory", NULL);
        return NULL;
    }
    return seg;
}

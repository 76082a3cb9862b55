/*
 * shm_internal.h -- what the shared-memory files share: the segment handle
 * and the helpers that read the kernel's view of huge pages and mappings.
 */
#ifndef AB_SHM_INTERNAL_H
#define AB_SHM_INTERNAL_H

#include <stdbool.h>

#include "ab_shmem.h"
#include "aset_internal.h"

#define AB_SMALL_PAGE ((uint64_t) 4096)

struct AbSegment
{
    AbSegInfo info;
    int       fd;     /* POSIX / FILE: kept open while mapped, else -1 */
};

/* shm_hugepages.c */
bool ab_huge_size_supported(uint64_t page_size);
/* "N reserved, N free" for the hint of a failed huge mapping. */
void ab_huge_describe(uint64_t page_size, char *buf, size_t buflen);
/* MAP_HUGETLB | size bits (mmap) or SHM_HUGETLB | size bits (shmget). */
int ab_huge_mmap_flags(uint64_t page_size);
int ab_huge_shmget_flags(uint64_t page_size);
/* Reads the smaps entry of the mapping starting at base. */
int ab_smaps_query(const void *base, AbPageReport *out);

/*
 * shm_segment.c: sets the error "<what>: <strerror(err)>" with PostgreSQL's
 * out-of-memory hint as detail (after `first`, if not NULL), naming the
 * request and, for huge pages, the pool of that size.
 */
void ab_seg_fail_hint(int code, int err, uint64_t size, uint64_t page_size, const char *what, const char *first);

#endif /* AB_SHM_INTERNAL_H */

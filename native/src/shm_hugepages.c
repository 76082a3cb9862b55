/*
 * shm_hugepages.c -- the kernel's view of huge pages: the default size, the
 * per-size pools under /sys/kernel/mm/hugepages, the mmap/shmget flags that
 * select a size, and what a mapping actually got (/proc/self/smaps).
 *
 * Everything is read from the kernel at the moment it is asked: a pool can be
 * resized by root at any time, and a THP mapping's page size is only known
 * after its pages were touched.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "shm_internal.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef SHM_HUGE_SHIFT
#define SHM_HUGE_SHIFT 26
#endif
#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif

uint64_t ab_huge_default_size(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    uint64_t kb = 0;

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
    {
        if (sscanf(line, "Hugepagesize: %" SCNu64 " kB", &kb) == 1)
            break;
    }
    fclose(f);
    return kb * 1024;
}

static uint64_t resolve_size(uint64_t page_size)
{
    return page_size == 0 ? ab_huge_default_size() : page_size;
}

static void pool_path(char *buf, size_t buflen, uint64_t page_size, const char *file)
{
    snprintf(buf, buflen, "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/%s", page_size / 1024, file);
}

static int64_t read_pool_number(uint64_t page_size, const char *file)
{
    char path[160];
    FILE *f;
    long long value = -1;

    pool_path(path, sizeof(path), page_size, file);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%lld", &value) != 1)
        value = -1;
    fclose(f);
    return value;
}

bool ab_huge_size_supported(uint64_t page_size)
{
    page_size = resolve_size(page_size);
    return page_size > AB_SMALL_PAGE && (page_size & (page_size - 1)) == 0
        && read_pool_number(page_size, "nr_hugepages") >= 0;
}

int ab_huge_pool(uint64_t page_size, AbHugePool *out)
{
    if (out == NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "ab_huge_pool: out is NULL");
    page_size = resolve_size(page_size);
    out->page_size = page_size;
    out->total = ab_huge_size_supported(page_size) ? read_pool_number(page_size, "nr_hugepages") : -1;
    out->free = out->total < 0 ? -1 : read_pool_number(page_size, "free_hugepages");
    out->reserved = out->total < 0 ? -1 : read_pool_number(page_size, "resv_hugepages");
    return AB_OK;
}

int ab_huge_reserve(uint64_t page_size, int64_t pages)
{
    char path[160];
    FILE *f;
    int failed;

    page_size = resolve_size(page_size);
    if (!ab_huge_size_supported(page_size) || pages < 0)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "huge page size %" PRIu64 " kB is not supported by this kernel"
                                         " (or a negative count)", page_size / 1024);
    pool_path(path, sizeof(path), page_size, "nr_hugepages");
    f = fopen(path, "w");
    if (f == NULL)
    {
        int err = errno;
        return ab_error_fail(err == EACCES || err == EPERM || err == EROFS ? AB_ERR_PERMISSION : AB_ERR_SYSTEM,
                             "reserving huge pages needs root (write access to /sys/kernel/mm/hugepages)",
                             "could not open \"%s\": %s", path, strerror(err));
    }
    failed = fprintf(f, "%lld\n", (long long) pages) < 0;
    failed |= fclose(f) != 0;
    if (failed)
        return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not write \"%s\": %s", path, strerror(errno));
    return AB_OK;
}

void ab_huge_describe(uint64_t page_size, char *buf, size_t buflen)
{
    AbHugePool pool;

    ab_huge_pool(page_size, &pool);
    if (pool.total < 0)
        snprintf(buf, buflen, "huge pages of %" PRIu64 " kB are not supported by this kernel",
                 pool.page_size / 1024);
    else
        snprintf(buf, buflen, "huge pages of %" PRIu64 " kB: %" PRId64 " reserved (nr_hugepages), %"
                 PRId64 " free, %" PRId64 " promised to other mappings (resv_hugepages)",
                 pool.page_size / 1024, pool.total, pool.free, pool.reserved);
}

static int log2_of(uint64_t value)
{
    return 63 - __builtin_clzll(value);
}

int ab_huge_mmap_flags(uint64_t page_size)
{
    return MAP_HUGETLB | (log2_of(resolve_size(page_size)) << MAP_HUGE_SHIFT);
}

int ab_huge_shmget_flags(uint64_t page_size)
{
    return SHM_HUGETLB | (log2_of(resolve_size(page_size)) << SHM_HUGE_SHIFT);
}

static bool field(const char *line, const char *name, uint64_t *bytes)
{
    size_t len = strlen(name);
    uint64_t kb;

    if (strncmp(line, name, len) != 0 || line[len] != ':')
        return false;
    if (sscanf(line + len + 1, " %" SCNu64 " kB", &kb) != 1)
        return false;
    *bytes = kb * 1024;
    return true;
}

int ab_smaps_query(const void *base, AbPageReport *out)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    bool in_mapping = false;
    uint64_t shared_hugetlb = 0, private_hugetlb = 0;

    memset(out, 0, sizeof(*out));
    if (f == NULL)
        return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not open /proc/self/smaps: %s", strerror(errno));
    while (fgets(line, sizeof(line), f) != NULL)
    {
        uintptr_t start, end;

        /* A mapping's first line is "start-end perms ..."; field lines start with a capital. */
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' '))
        {
            if (in_mapping)
                break;
            in_mapping = start == (uintptr_t) base;
            out->found |= in_mapping;
            continue;
        }
        if (!in_mapping)
            continue;
        (void) (field(line, "KernelPageSize", &out->kernel_page_size)
                || field(line, "MMUPageSize", &out->mmu_page_size)
                || field(line, "Rss", &out->rss)
                || field(line, "AnonHugePages", &out->anon_huge_pages)
                || field(line, "ShmemPmdMapped", &out->shmem_pmd_mapped)
                || field(line, "Shared_Hugetlb", &shared_hugetlb)
                || field(line, "Private_Hugetlb", &private_hugetlb));
    }
    fclose(f);
    out->hugetlb = shared_hugetlb + private_hugetlb;
    out->huge_status = out->kernel_page_size > AB_SMALL_PAGE || out->anon_huge_pages > 0
        || out->shmem_pmd_mapped > 0 ? AB_HUGE_STATUS_ON : AB_HUGE_STATUS_OFF;
    if (!out->found)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "no mapping starts at %p in /proc/self/smaps", base);
    return AB_OK;
}

/*
 * test_shmem_huge.c -- huge pages: try falls back and says why, on fails with
 * PostgreSQL's wording and a hint naming the pool, and with pages reserved
 * (root) every kind really gets them, as smaps reports.  Tests that need
 * reserved pages reserve them themselves and give them back; without root
 * they skip and say so.
 */
#include <string.h>
#include <sys/mount.h>

#include "shm_testing.h"

#define MB2 ((uint64_t) 2 * 1024 * 1024)
#define GB1 ((uint64_t) 1024 * 1024 * 1024)

/* Sets the pool of page_size to pages, remembering the old size; false (skipped) if it cannot. */
static bool reserve(uint64_t page_size, int64_t pages, int64_t *previous)
{
    AbHugePool pool;

    ab_huge_pool(page_size, &pool);
    if (pool.total < 0)
    {
        test_skip("huge pages of %llu kB are not supported by this kernel", (unsigned long long) (page_size / 1024));
        return false;
    }
    *previous = pool.total;
    if (ab_huge_reserve(page_size, pages) != AB_OK)
    {
        test_skip("cannot reserve huge pages: %s (%s)", ab_error_message(), ab_error_detail());
        return false;
    }
    ab_huge_pool(page_size, &pool);
    if (pool.free < pages)
    {
        ab_huge_reserve(page_size, *previous);
        test_skip("asked for %lld huge pages of %llu kB, the kernel gave %lld free", (long long) pages,
                  (unsigned long long) (page_size / 1024), (long long) pool.free);
        return false;
    }
    return true;
}

/* Empties the pool of page_size for an "on" failure test; false (skipped) if it cannot. */
static bool empty_pool(uint64_t page_size, int64_t *previous)
{
    AbHugePool pool;

    ab_huge_pool(page_size, &pool);
    *previous = pool.total;
    if (pool.total <= 0)
        return true;
    if (ab_huge_reserve(page_size, 0) != AB_OK)
    {
        test_skip("huge pages of this size are reserved and cannot be released: %s", ab_error_message());
        return false;
    }
    return true;
}

TEST(shm_huge_try_falls_back_and_says_why)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .huge_mode = AB_HUGE_TRY, .size = 3000000, .huge_page_size = MB2};
    int64_t previous;
    AbSegment *seg;
    const AbSegInfo *info;

    if (!empty_pool(MB2, &previous))
        return;
    seg = ab_seg_create(&req);
    ab_huge_reserve(MB2, previous);
    REQUIRE(seg != NULL);
    info = ab_seg_info(seg);
    CHECK_EQ_U64(info->page_size, 4096);
    CHECK_EQ_U64(info->size, 3002368); /* 733 pages of 4 KiB */
    CHECK_EQ_I64(info->huge_status, AB_HUGE_STATUS_OFF);
    CHECK_EQ_STR(info->fallback, "mmap(4194304) with MAP_HUGETLB failed, huge pages disabled: Cannot allocate memory");
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_huge_on_fails_with_postgres_wording_and_pool_hint)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .huge_mode = AB_HUGE_ON, .size = 3000000, .huge_page_size = MB2};
    int64_t previous;

    if (!empty_pool(MB2, &previous))
        return;
    CHECK(ab_seg_create(&req) == NULL);
    ab_huge_reserve(MB2, previous);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_HUGE_PAGES);
    CHECK_EQ_STR(ab_error_message(), "could not map anonymous shared memory: Cannot allocate memory");
    CHECK(strstr(ab_error_detail(), "The request size was 3000000 bytes (rounded up to 2097152-byte pages)")
          != NULL);
    CHECK(strstr(ab_error_detail(), "huge pages of 2048 kB: 0 reserved (nr_hugepages), 0 free") != NULL);
}

TEST(shm_huge_unsupported_size)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .huge_mode = AB_HUGE_ON, .size = 4096,
                        .huge_page_size = 4 * MB2};
    AbSegment *seg;

    CHECK(ab_seg_create(&req) == NULL);
    CHECK_EQ_STR(ab_error_message(), "huge_page_size 8192 kB is not supported by this kernel"
                 " (see /sys/kernel/mm/hugepages)");
    req.huge_mode = AB_HUGE_TRY;
    seg = ab_seg_create(&req);
    REQUIRE(seg != NULL);
    CHECK(strstr(ab_seg_info(seg)->fallback, "8192 kB is not supported") != NULL);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_posix_and_file_refuse_huge_on_without_hugetlbfs)
{
    AbSegRequest req = {.kind = AB_SEG_POSIX, .huge_mode = AB_HUGE_ON, .size = 4096,
                        .name = shm_test_name("huge")};
    char path[96];

    CHECK(ab_seg_create(&req) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_HUGE_PAGES);
    CHECK(!posix_name_exists(req.name));
    snprintf(path, sizeof(path), "/tmp/allocbench-test-%d.huge", (int) getpid());
    req.kind = AB_SEG_FILE;
    req.name = path;
    CHECK(ab_seg_create(&req) == NULL);
    CHECK(strstr(ab_error_message(), "is not on a hugetlbfs mount") != NULL);
    CHECK(access(path, F_OK) != 0);
}

/* Creates a segment of kind with huge pages on, touches it, and checks smaps. */
static void check_huge_kind(AbSegRequest *req, uint64_t page_size)
{
    AbSegment *seg = ab_seg_create(req);
    const AbSegInfo *info;
    AbPageReport pages;

    if (seg == NULL)
        test_fail(__FILE__, __LINE__, "kind %d: %s (%s)", req->kind, ab_error_message(), ab_error_detail());
    REQUIRE(seg != NULL);
    info = ab_seg_info(seg);
    CHECK_EQ_U64(info->page_size, page_size);
    CHECK_EQ_U64(info->size, (req->size + page_size - 1) / page_size * page_size);
    CHECK_EQ_I64(info->huge_status, AB_HUGE_STATUS_ON);
    for (uint64_t off = 0; off < info->size; off += page_size)
        ((volatile char *) info->base)[off] = 1;
    CHECK_EQ_I64(ab_seg_pages(seg, &pages), AB_OK);
    if (req->kind == AB_SEG_SYSV && under_valgrind())
    {
        /* valgrind places shmat itself, and its smaps entry then shows 4 KiB pages. */
        printf("  (SysV huge pages: smaps not checked under valgrind)\n");
        ab_seg_destroy(seg);
        return;
    }
    CHECK_EQ_U64(pages.kernel_page_size, page_size);
    CHECK_EQ_U64(pages.hugetlb, info->size);
    CHECK_EQ_I64(pages.huge_status, AB_HUGE_STATUS_ON);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_huge_2mb_every_kind_gets_huge_pages)
{
    int64_t previous;
    char dir[] = "/tmp/allocbench-hugetlbfs-XXXXXX";
    char path[128];
    AbSegRequest req = {.huge_mode = AB_HUGE_ON, .size = 3 * 1024 * 1024, .huge_page_size = MB2};

    if (!reserve(MB2, 2, &previous))
        return;
    req.kind = AB_SEG_ANONYMOUS;
    check_huge_kind(&req, MB2);
    req.kind = AB_SEG_SYSV;
    req.key = AB_SEG_SYSV_KEY_CHOOSE;
    check_huge_kind(&req, MB2);
    /* hugetlbfs: a private mount for the test, removed again. */
    if (mkdtemp(dir) != NULL && mount("none", dir, "hugetlbfs", 0, "pagesize=2M") == 0)
    {
        snprintf(path, sizeof(path), "%s/seg", dir);
        req.kind = AB_SEG_FILE;
        req.name = path;
        check_huge_kind(&req, MB2);
        umount(dir);
    }
    else
        printf("  (shm_huge_2mb_every_kind_gets_huge_pages: file kind not checked: cannot mount hugetlbfs)\n");
    rmdir(dir);
    ab_huge_reserve(MB2, previous);
}

TEST(shm_huge_1gb_anonymous)
{
    int64_t previous;
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .huge_mode = AB_HUGE_ON, .size = 5000, .huge_page_size = GB1};

    if (!reserve(GB1, 1, &previous))
        return;
    check_huge_kind(&req, GB1);
    ab_huge_reserve(GB1, previous);
}

TEST(shm_transparent_huge_pages_are_aligned_and_reported)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .huge_mode = AB_HUGE_TRANSPARENT, .size = 3 * MB2};
    AbSegment *seg = ab_seg_create(&req);
    const AbSegInfo *info;
    AbPageReport pages;

    REQUIRE(seg != NULL);
    info = ab_seg_info(seg);
    CHECK_EQ_U64((uintptr_t) info->base % MB2, 0);
    CHECK_EQ_U64(info->size, 3 * MB2);
    CHECK_EQ_I64(info->huge_status, AB_HUGE_STATUS_UNKNOWN);
    memset(info->base, 1, info->size);
    CHECK_EQ_I64(ab_seg_pages(seg, &pages), AB_OK);
    /* Whether the kernel gave THP is its decision (fragmentation, policy): report, do not assume. */
    CHECK_EQ_I64(pages.huge_status, pages.anon_huge_pages + pages.shmem_pmd_mapped > 0
                 ? AB_HUGE_STATUS_ON : AB_HUGE_STATUS_OFF);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

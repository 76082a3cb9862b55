/*
 * test_shmem_segments.c -- the segment life cycle for every kind: exclusive
 * create, rounding, attach from another process with the size read back,
 * detach, destroy, the errors, and that a failed create leaves nothing.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "shm_testing.h"

static AbSegment *create(int kind, uint64_t size, const char *name, int64_t key)
{
    AbSegRequest req = {.kind = kind, .huge_mode = AB_HUGE_OFF, .size = size, .name = name, .key = key};
    return ab_seg_create(&req);
}

TEST(shm_anonymous_is_rounded_to_pages_and_reports_4k)
{
    AbSegment *seg = create(AB_SEG_ANONYMOUS, 10000, NULL, 0);
    const AbSegInfo *info;
    AbPageReport pages;

    REQUIRE(seg != NULL);
    info = ab_seg_info(seg);
    CHECK_EQ_U64(info->requested, 10000);
    CHECK_EQ_U64(info->size, 12288);
    CHECK_EQ_U64(info->page_size, 4096);
    CHECK_EQ_I64(info->huge_status, AB_HUGE_STATUS_OFF);
    CHECK_EQ_I64(info->owner, 1);
    CHECK_EQ_STR(info->fallback, "");
    memset(info->base, 0xAB, info->size);
    CHECK_EQ_I64(ab_seg_pages(seg, &pages), AB_OK);
    CHECK_EQ_I64(pages.found, 1);
    CHECK_EQ_U64(pages.kernel_page_size, 4096);
    CHECK_EQ_U64(pages.hugetlb, 0);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_invalid_sizes_and_kinds_are_refused)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .size = 0};

    CHECK(ab_seg_create(&req) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK(strstr(ab_error_message(), "invalid shared memory segment size 0") != NULL);
    req.size = (uint64_t) 1 << 50;
    CHECK(ab_seg_create(&req) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    req.size = 4096;
    req.kind = 7;
    CHECK(ab_seg_create(&req) == NULL);
    CHECK_EQ_STR(ab_error_message(), "unknown segment kind 7");
    req.kind = AB_SEG_POSIX;
    req.name = "no-slash";
    CHECK(ab_seg_create(&req) == NULL);
    CHECK(strstr(ab_error_message(), "invalid POSIX shared memory name \"no-slash\"") != NULL);
    CHECK(ab_seg_attach(AB_SEG_ANONYMOUS, "x", 0) == NULL);
    CHECK(strstr(ab_error_message(), "anonymous segment has no name") != NULL);
}

typedef struct AttachArgs
{
    int         kind;
    const char *name;
    int64_t     key;
    uint64_t    expected_size;
} AttachArgs;

/* In the child: attach, check size and content, write an answer, detach. */
static int attach_and_answer(void *p)
{
    AttachArgs *args = p;
    AbSegment *seg = ab_seg_attach(args->kind, args->name, args->key);
    const AbSegInfo *info;
    int rc = 0;

    if (seg == NULL)
        return 10;
    info = ab_seg_info(seg);
    if (info->size != args->expected_size || info->owner != 0)
        rc = 11;
    else if (strcmp((char *) info->base, "hello from the creator") != 0)
        rc = 12;
    else
        strcpy((char *) info->base + 4096, "hello from the child");
    if (ab_seg_detach(seg) != AB_OK)
        rc = 13;
    return rc;
}

static void check_life_cycle(AbSegment *seg, AttachArgs *args)
{
    const AbSegInfo *info = ab_seg_info(seg);

    strcpy((char *) info->base, "hello from the creator");
    CHECK_EQ_I64(in_child(attach_and_answer, args), 0);
    CHECK_EQ_STR((char *) info->base + 4096, "hello from the child");
}

TEST(shm_posix_create_attach_destroy)
{
    const char *name = shm_test_name("life");
    AbSegment *seg = create(AB_SEG_POSIX, 100000, name, 0);
    AttachArgs args = {AB_SEG_POSIX, name, 0, 102400};
    struct stat st;
    char path[128];

    REQUIRE(seg != NULL);
    CHECK_EQ_U64(ab_seg_info(seg)->size, 102400);
    snprintf(path, sizeof(path), "/dev/shm%s", name);
    REQUIRE(stat(path, &st) == 0);
    CHECK_EQ_U64(st.st_mode & 0777, 0600);
    CHECK_EQ_I64(st.st_size, 102400);
    /* posix_fallocate, not ftruncate: every block is allocated (no hole). */
    CHECK(st.st_blocks * 512 >= 102400);
    check_life_cycle(seg, &args);

    CHECK(create(AB_SEG_POSIX, 4096, name, 0) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_EXISTS);
    CHECK(strstr(ab_error_message(), "File exists") != NULL);

    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(!posix_name_exists(name));
    CHECK(ab_seg_attach(AB_SEG_POSIX, name, 0) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_NOT_FOUND);
}

TEST(shm_sysv_create_attach_destroy)
{
    AbSegment *seg = create(AB_SEG_SYSV, 50000, NULL, AB_SEG_SYSV_KEY_CHOOSE);
    int64_t key;
    AttachArgs args = {AB_SEG_SYSV, NULL, 0, 53248};
    struct shmid_ds ds;

    REQUIRE(seg != NULL);
    key = args.key = ab_seg_info(seg)->key;
    CHECK(key >= AB_SEG_SYSV_KEY_MIN && key <= AB_SEG_SYSV_KEY_MAX);
    CHECK_EQ_U64(ab_seg_info(seg)->size, 53248);
    REQUIRE(shmctl(ab_seg_info(seg)->shmid, IPC_STAT, &ds) == 0);
    CHECK_EQ_U64(ds.shm_perm.mode & 0777, 0600);
    check_life_cycle(seg, &args);

    CHECK(create(AB_SEG_SYSV, 4096, NULL, key) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_EXISTS);
    CHECK(strstr(ab_error_message(), "is in use") != NULL);

    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(!sysv_key_exists(key));
    CHECK(ab_seg_attach(AB_SEG_SYSV, NULL, key) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_NOT_FOUND);
}

TEST(shm_sysv_private_key)
{
    AbSegment *seg = create(AB_SEG_SYSV, 4096, NULL, 0);

    REQUIRE(seg != NULL);
    CHECK(ab_seg_info(seg)->shmid >= 0);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_file_create_attach_destroy)
{
    char path[96];
    AbSegment *seg;
    AttachArgs args = {AB_SEG_FILE, path, 0, 8192};

    snprintf(path, sizeof(path), "/tmp/allocbench-test-%d.seg", (int) getpid());
    seg = create(AB_SEG_FILE, 5000, path, 0);
    REQUIRE(seg != NULL);
    CHECK_EQ_U64(ab_seg_info(seg)->size, 8192);
    check_life_cycle(seg, &args);
    CHECK(create(AB_SEG_FILE, 4096, path, 0) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_EXISTS);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(access(path, F_OK) != 0);
}

TEST(shm_failed_posix_create_leaves_no_name)
{
    const char *name = shm_test_name("toolarge");
    /* 64 TiB: larger than tmpfs, so posix_fallocate fails after the name was created. */
    AbSegment *seg = create(AB_SEG_POSIX, (uint64_t) 1 << 46, name, 0);

    CHECK(seg == NULL);
    CHECK(strstr(ab_error_message(), "could not resize shared memory segment") != NULL);
    CHECK(strstr(ab_error_detail(), "The request size was 70368744177664 bytes") != NULL);
    CHECK(!posix_name_exists(name));
}

TEST(shm_failed_file_create_leaves_no_file)
{
    char path[96];
    AbSegment *seg;

    snprintf(path, sizeof(path), "/tmp/allocbench-test-%d.big", (int) getpid());
    seg = create(AB_SEG_FILE, (uint64_t) 1 << 46, path, 0);
    if (seg != NULL)
    {
        /* A file system that takes 64 TiB: nothing to test here. */
        ab_seg_destroy(seg);
        test_skip("/tmp accepted a 64 TiB file");
        return;
    }
    CHECK(access(path, F_OK) != 0);
}

TEST(shm_failed_sysv_create_leaves_no_key)
{
    int64_t key = shm_test_key();
    AbSegment *seg = create(AB_SEG_SYSV, (uint64_t) 1 << 46, NULL, key);

    CHECK(seg == NULL);
    CHECK(strstr(ab_error_message(), "could not create shared memory segment") != NULL);
    CHECK(strstr(ab_error_detail(), "Failed system call was shmget(key=") != NULL);
    CHECK(!sysv_key_exists(key));
}

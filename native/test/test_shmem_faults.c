/*
 * test_shmem_faults.c -- failure paths of attach and detach that the kernel
 * does not produce on demand: a failing fstat (through the ab_seg_fstat
 * seam) and a failing munmap (a handle whose mapping address was bent).
 * Each must report the call that failed, with that call's errno, and leave
 * nothing behind.
 */
#include <fcntl.h>

#include "shm_internal.h"
#include "shm_testing.h"

static int failing_fstat_fd = -1;

static int failing_fstat(int fd, struct stat *st)
{
    /* What a failed fstat leaves in the buffer is unspecified: zeros here, which read as an empty file. */
    memset(st, 0, sizeof(*st));
    failing_fstat_fd = fd;
    errno = EIO;
    return -1;
}

TEST(shm_attach_reports_a_failed_fstat_and_closes_the_file)
{
    const char *name = shm_test_name("fstat");
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = 8192, .name = name};
    AbSegment *seg = ab_seg_create(&req);
    AbSegment *attached;
    char expected[200];

    REQUIRE(seg != NULL);
    failing_fstat_fd = -1;
    ab_seg_fstat = failing_fstat;
    attached = ab_seg_attach(AB_SEG_POSIX, name, 0);
    ab_seg_fstat = fstat;
    CHECK(attached == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SYSTEM);
    snprintf(expected, sizeof(expected), "could not stat shared memory segment \"%s\": Input/output error", name);
    CHECK_EQ_STR(ab_error_message(), expected);
    /* nothing left behind: the descriptor attach opened is closed; the segment stays its creator's */
    REQUIRE(failing_fstat_fd >= 0);
    CHECK(fcntl(failing_fstat_fd, F_GETFD) == -1 && errno == EBADF);
    CHECK(posix_name_exists(name));
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(!posix_name_exists(name));
}

TEST(shm_attach_refuses_an_empty_file)
{
    char path[64];
    int fd;
    char expected[200];

    snprintf(path, sizeof(path), "/tmp/allocbench-test-%d-%08x.empty", (int) getpid(), shm_test_nonce());
    fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK(ab_seg_attach(AB_SEG_FILE, path, 0) == NULL);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SYSTEM);
    snprintf(expected, sizeof(expected), "could not stat shared memory segment \"%s\": it is empty", path);
    CHECK_EQ_STR(ab_error_message(), expected);
    CHECK_EQ_I64(unlink(path), 0);
}

TEST(shm_detach_reports_the_munmap_errno_not_the_close_after_it)
{
    const char *name = shm_test_name("munmap");
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = 8192, .name = name};
    AbSegment *seg = ab_seg_create(&req);
    AbSegInfo *info;
    void *base;
    uint64_t size;

    REQUIRE(seg != NULL);
    info = (AbSegInfo *) ab_seg_info(seg);
    base = info->base;
    size = info->size;
    /*
     * munmap of an address that is not page-aligned fails with EINVAL; the
     * close that follows it fails too (EBADF), its descriptor having been
     * closed behind the handle's back.  The error must be munmap's.
     */
    info->base = (char *) base + 1;
    CHECK_EQ_I64(close(seg->fd), 0);
    CHECK_EQ_I64(ab_seg_detach(seg), AB_ERR_SYSTEM);
    CHECK_EQ_STR(ab_error_message(), "could not unmap shared memory segment: Invalid argument");
    CHECK_EQ_I64(munmap(base, size), 0);
    CHECK_EQ_I64(ab_seg_remove(AB_SEG_POSIX, name, 0), AB_OK);
}

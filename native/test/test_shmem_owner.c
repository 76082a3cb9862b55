/*
 * test_shmem_owner.c -- owner records: every named segment created here is
 * recorded with its creator (PID, start time, boot, run id) and loses its
 * record when destroyed or removed; a creator is alive only while that very
 * process runs (a recycled PID is not it); SysV keys are chosen free.
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "shm_internal.h"
#include "shm_testing.h"

static bool read_record(int kind, const char *name, int32_t shmid, AbOwnerRecord *out)
{
    char path[300];

    return ab_owner_record_path(kind, name, shmid, path, sizeof(path)) && ab_owner_read(path, out);
}

TEST(shm_owner_record_names_the_creator_and_goes_with_the_segment)
{
    const char *name = shm_test_name("owner");
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = 4096, .name = name};
    AbSegment *seg = ab_seg_create(&req);
    AbOwnerRecord rec;
    AbCreator self;
    struct stat st;
    char path[128];

    REQUIRE(seg != NULL);
    REQUIRE(read_record(AB_SEG_POSIX, name, -1, &rec));
    ab_creator_self(&self);
    CHECK_EQ_I64(rec.kind, AB_SEG_POSIX);
    CHECK_EQ_STR(rec.name, name);
    CHECK_EQ_I64(rec.creator.pid, getpid());
    CHECK(self.start_time > 0);
    CHECK_EQ_U64(rec.creator.start_time, self.start_time);
    CHECK_EQ_STR(rec.creator.boot_id, self.boot_id);
    CHECK_EQ_STR(rec.run_id, ab_seg_run_id());
    CHECK_EQ_I64(rec.outlives_creator, 0);
    snprintf(path, sizeof(path), "/dev/shm%s", name);
    REQUIRE(stat(path, &st) == 0);
    CHECK_EQ_U64(rec.ino, st.st_ino);
    CHECK(ab_creator_alive(&rec.creator));
    {
        char record[300];

        REQUIRE(ab_owner_record_path(AB_SEG_POSIX, name, -1, record, sizeof(record)));
        REQUIRE(stat(record, &st) == 0);
        CHECK_EQ_U64(st.st_mode & 0777, 0600);
    }

    CHECK_EQ_I64(ab_seg_keep(seg), AB_OK);
    REQUIRE(read_record(AB_SEG_POSIX, name, -1, &rec));
    CHECK_EQ_I64(rec.outlives_creator, 1);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(!read_record(AB_SEG_POSIX, name, -1, &rec));
}

TEST(shm_owner_registry_is_private_to_the_user)
{
    char dir[200];
    struct stat st;

    REQUIRE(ab_owner_dir(dir, sizeof(dir), true) == AB_OK);
    REQUIRE(lstat(dir, &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ_U64(st.st_mode & 0777, 0700);
    CHECK_EQ_U64(st.st_uid, geteuid());
    /* A dot name without the tool's prefix: never taken for a segment. */
    CHECK(strstr(dir, "/.allocbench-owners-") != NULL);
}

TEST(shm_sysv_segments_are_recorded_by_id_and_removed_by_key)
{
    AbSegRequest req = {.kind = AB_SEG_SYSV, .size = 4096, .key = AB_SEG_SYSV_KEY_CHOOSE};
    AbSegment *seg = ab_seg_create(&req);
    AbOwnerRecord rec;
    int64_t key;
    int32_t shmid;

    REQUIRE(seg != NULL);
    key = ab_seg_info(seg)->key;
    shmid = ab_seg_info(seg)->shmid;
    REQUIRE(read_record(AB_SEG_SYSV, NULL, shmid, &rec));
    CHECK_EQ_I64(rec.key, key);
    CHECK_EQ_I64(rec.shmid, shmid);
    CHECK_EQ_I64(ab_seg_detach(seg), AB_OK);
    CHECK(read_record(AB_SEG_SYSV, NULL, shmid, &rec)); /* detaching is not destroying */

    /* What a reaper does: remove by kind and key, without mapping it. */
    CHECK_EQ_I64(ab_seg_remove(AB_SEG_SYSV, NULL, key), AB_OK);
    CHECK(!sysv_key_exists(key));
    CHECK(!read_record(AB_SEG_SYSV, NULL, shmid, &rec));
    CHECK(ab_seg_remove(AB_SEG_SYSV, NULL, key) != AB_OK);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_SEGMENT_NOT_FOUND);
}

TEST(shm_private_sysv_segment_is_recorded_too)
{
    AbSegRequest req = {.kind = AB_SEG_SYSV, .size = 4096, .key = 0};
    AbSegment *seg = ab_seg_create(&req);
    AbOwnerRecord rec;
    int32_t shmid;

    REQUIRE(seg != NULL);
    shmid = ab_seg_info(seg)->shmid;
    REQUIRE(read_record(AB_SEG_SYSV, NULL, shmid, &rec));
    CHECK_EQ_I64(rec.key, 0);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
    CHECK(!read_record(AB_SEG_SYSV, NULL, shmid, &rec));
}

TEST(shm_posix_remove_by_name_drops_the_record)
{
    const char *name = shm_test_name("remove");
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = 4096, .name = name};
    AbSegment *seg = ab_seg_create(&req);
    AbOwnerRecord rec;

    REQUIRE(seg != NULL);
    CHECK_EQ_I64(ab_seg_detach(seg), AB_OK);
    CHECK_EQ_I64(ab_seg_remove(AB_SEG_POSIX, name, 0), AB_OK);
    CHECK(!posix_name_exists(name));
    CHECK(!read_record(AB_SEG_POSIX, name, -1, &rec));
    CHECK(ab_seg_remove(AB_SEG_ANONYMOUS, NULL, 0) != AB_OK);
}

TEST(shm_failed_create_leaves_no_record)
{
    const char *name = shm_test_name("norecord");
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = (uint64_t) 1 << 46, .name = name};
    AbOwnerRecord rec;

    CHECK(ab_seg_create(&req) == NULL);
    CHECK(!read_record(AB_SEG_POSIX, name, -1, &rec));
}

TEST(shm_run_id_is_validated)
{
    char saved[AB_SEG_RUN_ID_LEN];

    snprintf(saved, sizeof(saved), "%s", ab_seg_run_id());
    CHECK(ab_seg_set_run_id("has space") != AB_OK);
    CHECK(ab_seg_set_run_id("") != AB_OK);
    CHECK(ab_seg_set_run_id(NULL) != AB_OK);
    CHECK_EQ_STR(ab_seg_run_id(), saved);
    CHECK_EQ_I64(ab_seg_set_run_id("ci-job:42.a_b"), AB_OK);
    CHECK_EQ_STR(ab_seg_run_id(), "ci-job:42.a_b");
    CHECK_EQ_I64(ab_seg_set_run_id(saved), AB_OK);
}

/* A child whose name has spaces and parentheses (comm in /proc/PID/stat), that waits to be killed. */
static int named_oddly_and_waiting(void *unused)
{
    (void) unused;
    prctl(PR_SET_NAME, "a) (b c", 0, 0, 0);
    pause();
    return 0;
}

TEST(shm_creator_is_alive_only_while_that_process_runs)
{
    AbCreator self;
    AbCreator recycled;
    AbCreator child = {0};
    AbCreator other_boot;
    pid_t pid;
    int status;

    ab_creator_self(&self);
    CHECK(ab_creator_alive(&self));
    /* The same PID with another start time is a later process that reused it. */
    recycled = self;
    recycled.start_time = self.start_time + 1;
    CHECK(!ab_creator_alive(&recycled));
    other_boot = self;
    snprintf(other_boot.boot_id, sizeof(other_boot.boot_id), "00000000-0000-0000-0000-000000000000");
    CHECK(!ab_creator_alive(&other_boot));

    fflush(stdout);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
    {
        named_oddly_and_waiting(NULL);
        _exit(0);
    }
    child.pid = pid;
    snprintf(child.boot_id, sizeof(child.boot_id), "%s", self.boot_id);
    for (int i = 0; i < 200; i++) /* until the child has renamed itself */
    {
        char path[64];
        char line[256] = "";
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        f = fopen(path, "r");
        if (f != NULL && fgets(line, sizeof(line), f) != NULL && strstr(line, "(a) (b c)") != NULL)
            i = 200;
        if (f != NULL)
            fclose(f);
        if (i < 200)
            usleep(10000);
    }
    CHECK(ab_process_start_time(pid, &child.start_time));
    CHECK(child.start_time >= self.start_time);
    CHECK(ab_creator_alive(&child));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    CHECK(!ab_creator_alive(&child));
}

/*
 * test_shmem_cleanup.c -- cleanup removes exactly the segments this run
 * created whose creator died and nobody uses, and keeps everything else:
 * a live creator's, one in use, one kept on purpose, one whose name was
 * re-created by someone else, one of another run, and one of the tool's
 * prefix with no owner record at all.  Only this run's records are looked
 * at (a run id unique to the test): the test never cleans up the host.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>

#include "shm_internal.h"
#include "shm_testing.h"

typedef struct Made
{
    int         kind;
    const char *name;
    int64_t     key;
    const char *run_id;   /* NULL: the parent's */
    bool        keep;     /* ab_seg_keep, as `allocbench shm create` does */
} Made;

/* In a child: create, and die by SIGKILL before destroying it (a killed run). */
static int create_and_get_killed(void *p)
{
    Made *made = p;
    AbSegRequest req = {.kind = made->kind, .size = 8192, .name = made->name, .key = made->key};
    AbSegment *seg;

    if (made->run_id != NULL && ab_seg_set_run_id(made->run_id) != AB_OK)
        return 19;
    seg = ab_seg_create(&req);
    if (seg == NULL)
        return 20;
    if (made->keep && ab_seg_keep(seg) != AB_OK)
        return 21;
    raise(SIGKILL);
    return 22;
}

static bool has_line(const char *report, const char *start, const char *what, const char *reason)
{
    char line[600];

    snprintf(line, sizeof(line), "%s %s: %s", start, what, reason);
    return strstr(report, line) != NULL;
}

static bool record_exists(int kind, const char *name)
{
    char path[300];

    return ab_owner_record_path(kind, name, -1, path, sizeof(path)) && access(path, F_OK) == 0;
}

TEST(shm_cleanup_removes_exactly_this_runs_stale_segments)
{
    char run[AB_SEG_RUN_ID_LEN];
    char other_run[AB_SEG_RUN_ID_LEN];
    char saved_run[AB_SEG_RUN_ID_LEN];
    char report[8192];
    char what[128];
    Made stale_posix = {AB_SEG_POSIX, shm_test_name("stale"), 0, NULL, false};
    Made stale_sysv = {AB_SEG_SYSV, NULL, shm_test_key(), NULL, false};
    Made kept = {AB_SEG_POSIX, shm_test_name("kept"), 0, NULL, true};
    Made replaced = {AB_SEG_POSIX, shm_test_name("replaced"), 0, NULL, false};
    Made in_use = {AB_SEG_POSIX, shm_test_name("inuse"), 0, NULL, false};
    Made other = {AB_SEG_POSIX, shm_test_name("otherrun"), 0, other_run, false};
    const char *foreign = shm_test_name("foreign");
    const char *live = shm_test_name("live");
    AbSegRequest live_req = {.kind = AB_SEG_POSIX, .size = 4096, .name = live};
    AbSegment *live_seg;
    AbSegment *holder;
    int fd;

    snprintf(saved_run, sizeof(saved_run), "%s", ab_seg_run_id());
    snprintf(run, sizeof(run), "ctest-%d-%08x", (int) getpid(), shm_test_nonce());
    snprintf(other_run, sizeof(other_run), "ctest-%d-%08x-other", (int) getpid(), shm_test_nonce());
    REQUIRE(ab_seg_set_run_id(run) == AB_OK);

    CHECK_EQ_I64(in_child(create_and_get_killed, &stale_posix), 128 + SIGKILL);
    CHECK_EQ_I64(in_child(create_and_get_killed, &stale_sysv), 128 + SIGKILL);
    CHECK_EQ_I64(in_child(create_and_get_killed, &kept), 128 + SIGKILL);
    CHECK_EQ_I64(in_child(create_and_get_killed, &replaced), 128 + SIGKILL);
    CHECK_EQ_I64(in_child(create_and_get_killed, &in_use), 128 + SIGKILL);
    CHECK_EQ_I64(in_child(create_and_get_killed, &other), 128 + SIGKILL);
    /* Someone else removes the stale name and makes a segment of their own under it. */
    REQUIRE(shm_unlink(replaced.name) == 0);
    fd = shm_open(replaced.name, O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    /* The tool's prefix, no owner record: made by hand, by another tool, or by an older version. */
    fd = shm_open(foreign, O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    close(fd);
    live_seg = ab_seg_create(&live_req);
    REQUIRE(live_seg != NULL);
    holder = ab_seg_attach(AB_SEG_POSIX, in_use.name, 0);
    REQUIRE(holder != NULL);

    CHECK_EQ_I64(ab_seg_cleanup(run, 0, report, sizeof(report)), 2);
    snprintf(what, sizeof(what), "POSIX segment %s", stale_posix.name);
    CHECK(has_line(report, "removed", what, "its creator (PID "));
    CHECK(!posix_name_exists(stale_posix.name));
    CHECK(!record_exists(AB_SEG_POSIX, stale_posix.name));
    snprintf(what, sizeof(what), "SysV segment key 0x%" PRIx64 " (id ", (uint64_t) stale_sysv.key);
    CHECK(strstr(report, what) != NULL && strstr(strstr(report, what), "has ended and no process uses it") != NULL);
    CHECK(!sysv_key_exists(stale_sysv.key));

    snprintf(what, sizeof(what), "POSIX segment %s", kept.name);
    CHECK(has_line(report, "kept", what, "made by allocbench shm create to outlive its creator"));
    CHECK(posix_name_exists(kept.name));
    snprintf(what, sizeof(what), "POSIX segment %s", replaced.name);
    CHECK(has_line(report, "kept", what, "not the segment allocbench recorded"));
    CHECK(posix_name_exists(replaced.name));
    CHECK(!record_exists(AB_SEG_POSIX, replaced.name)); /* the stale record is dropped */
    snprintf(what, sizeof(what), "POSIX segment %s", in_use.name);
    CHECK(has_line(report, "kept", what, "in use by a process"));
    CHECK(posix_name_exists(in_use.name));
    snprintf(what, sizeof(what), "POSIX segment %s", live);
    CHECK(has_line(report, "kept", what, "its creator (PID "));
    CHECK(strstr(report, "is still running") != NULL);
    CHECK(posix_name_exists(live));
    /* Out of this run's scope: not even looked at. */
    CHECK(strstr(report, other.name) == NULL);
    CHECK(posix_name_exists(other.name));
    CHECK(strstr(report, foreign) == NULL);
    CHECK(posix_name_exists(foreign));

    /* Asked explicitly, the kept one goes too; the one in use goes once it is let go. */
    CHECK_EQ_I64(ab_seg_detach(holder), AB_OK);
    CHECK_EQ_I64(ab_seg_cleanup(run, AB_CLEANUP_EXPLICIT, report, sizeof(report)), 2);
    CHECK(!posix_name_exists(kept.name));
    CHECK(!posix_name_exists(in_use.name));
    CHECK(posix_name_exists(live));
    CHECK(posix_name_exists(foreign));
    CHECK(posix_name_exists(replaced.name));
    /* The other run's stale segment is that run's to clean up. */
    CHECK_EQ_I64(ab_seg_cleanup(other_run, 0, report, sizeof(report)), 1);
    CHECK(!posix_name_exists(other.name));

    CHECK_EQ_I64(ab_seg_destroy(live_seg), AB_OK);
    CHECK_EQ_I64(ab_seg_cleanup(run, AB_CLEANUP_EXPLICIT, report, sizeof(report)), 0);
    CHECK_EQ_STR(report, "");
    shm_unlink(foreign);
    shm_unlink(replaced.name);
    CHECK_EQ_I64(ab_seg_set_run_id(saved_run), AB_OK);
}

TEST(shm_cleanup_cuts_its_report_to_the_buffer)
{
    char run[AB_SEG_RUN_ID_LEN];
    char saved_run[AB_SEG_RUN_ID_LEN];
    char report[16];
    Made stale = {AB_SEG_POSIX, shm_test_name("cut"), 0, NULL, false};

    snprintf(saved_run, sizeof(saved_run), "%s", ab_seg_run_id());
    snprintf(run, sizeof(run), "ctest-%d-%08x-cut", (int) getpid(), shm_test_nonce());
    REQUIRE(ab_seg_set_run_id(run) == AB_OK);
    CHECK_EQ_I64(in_child(create_and_get_killed, &stale), 128 + SIGKILL);
    memset(report, 'x', sizeof(report));
    /* the segment is removed all the same; the report keeps its first 15 bytes, terminated */
    CHECK_EQ_I64(ab_seg_cleanup(run, 0, report, sizeof(report)), 1);
    CHECK_EQ_STR(report, "removed POSIX s");
    CHECK(!posix_name_exists(stale.name));
    CHECK_EQ_I64(ab_seg_set_run_id(saved_run), AB_OK);
}

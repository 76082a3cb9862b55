/*
 * shm_cleanup.c -- removing stale segments this tool created: what a run
 * killed before it could destroy its segments leaves behind, and nothing
 * else.
 *
 * "Ours" is decided by the owner records of shm_owner.c, never by a name:
 * a segment is a candidate only if this user's registry has a record for
 * it, and the record still describes it (the same inode for POSIX and file
 * segments; the same id, key and kernel creator PID for SysV), so a name
 * that someone re-created after ours is left alone.  "Stale" needs three
 * things: the recorded creator has ended (PID and start time, see
 * shm_creator.c), the segment was not kept on purpose to outlive its
 * creator (ab_seg_keep, i.e. `allocbench shm create`; removed only when
 * asked), and no process uses it, as the kernel says, like PostgreSQL does
 * for its SysV segments: a SysV segment with shm_nattch == 0, a POSIX or
 * file segment that no process maps (/proc/PID/maps) or holds open
 * (/proc/PID/fd).  Processes whose /proc entries cannot be read (another
 * user's, without root) could only hold our 0600 segments if they were
 * root, so they are skipped, not counted as holders.
 *
 * A run id narrows cleanup to one run's records (a test cleans up what it
 * made, and only that).  Without one, the tool's names and keys that have
 * no record are listed as kept, so a user sees what was left alone and why.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shm_internal.h"

#define NO_RECORD "no owner record (not created by allocbench as this user, or by a version before owner records)"

static bool is_pid(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name; name++)
        if (*name < '0' || *name > '9')
            return false;
    return true;
}

static bool maps_mention(const char *pid, const char *path)
{
    char file[300];
    char line[PATH_MAX + 128];
    FILE *f;
    bool found = false;

    snprintf(file, sizeof(file), "/proc/%s/maps", pid);
    f = fopen(file, "r");
    if (f == NULL)
        return false;
    while (!found && fgets(line, sizeof(line), f) != NULL)
    {
        char *hit = strstr(line, path);
        /* The path ends the line, possibly followed by " (deleted)". */
        found = hit != NULL && (hit[strlen(path)] == '\n' || hit[strlen(path)] == ' ');
    }
    fclose(f);
    return found;
}

static bool fds_mention(const char *pid, const char *path)
{
    char dir_path[300];
    DIR *dir;
    struct dirent *entry;
    bool found = false;

    snprintf(dir_path, sizeof(dir_path), "/proc/%s/fd", pid);
    dir = opendir(dir_path);
    if (dir == NULL)
        return false;
    while (!found && (entry = readdir(dir)) != NULL)
    {
        char link[PATH_MAX];
        char target[PATH_MAX];
        ssize_t n;

        if (!is_pid(entry->d_name))
            continue;
        snprintf(link, sizeof(link), "%s/%s", dir_path, entry->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        found = strcmp(target, path) == 0;
    }
    closedir(dir);
    return found;
}

/* Whether any process maps or holds open path (one of /dev/shm's files). */
static bool in_use(const char *path)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    bool used = false;

    if (proc == NULL)
        return true; /* cannot tell: keep it */
    while (!used && (entry = readdir(proc)) != NULL)
        used = is_pid(entry->d_name) && (maps_mention(entry->d_name, path) || fds_mention(entry->d_name, path));
    closedir(proc);
    return used;
}

static void describe(const AbOwnerRecord *rec, char *buf, size_t len)
{
    if (rec->kind == AB_SEG_POSIX)
        snprintf(buf, len, "POSIX segment %s", rec->name);
    else if (rec->kind == AB_SEG_FILE)
        snprintf(buf, len, "file segment %s", rec->name);
    else if (rec->key != 0)
        snprintf(buf, len, "SysV segment key 0x%" PRIx64 " (id %" PRId32 ")", (uint64_t) rec->key, rec->shmid);
    else
        snprintf(buf, len, "SysV segment id %" PRId32 " (private key)", rec->shmid);
}

/* How to remove it by hand, for the lines about segments kept on purpose. */
static void destroy_command(const AbOwnerRecord *rec, char *buf, size_t len)
{
    if (rec->kind == AB_SEG_SYSV)
        snprintf(buf, len, "allocbench shm destroy --kind sysv --key 0x%" PRIx64, (uint64_t) rec->key);
    else
        snprintf(buf, len, "allocbench shm destroy --kind %s --name %s", rec->kind == AB_SEG_POSIX ? "posix" : "file",
                 rec->name);
}

static void file_path(const AbOwnerRecord *rec, char *buf, size_t len)
{
    /* A POSIX name "/x" is the file /dev/shm/x. */
    snprintf(buf, len, "%s%s", rec->kind == AB_SEG_POSIX ? "/dev/shm" : "", rec->name);
}

typedef enum Presence
{
    SEGMENT_PRESENT,
    SEGMENT_GONE,
    SEGMENT_REPLACED  /* the name or id is there, but it is not the segment the record describes */
} Presence;

static Presence presence(const AbOwnerRecord *rec, unsigned long *attached)
{
    *attached = 0;
    if (rec->kind == AB_SEG_SYSV)
    {
        struct shmid_ds ds;

        if (shmctl(rec->shmid, IPC_STAT, &ds) != 0)
            return SEGMENT_GONE;
        if ((int64_t) ds.shm_perm.__key != rec->key || (int64_t) ds.shm_cpid != rec->creator.pid)
            return SEGMENT_REPLACED;
        *attached = (unsigned long) ds.shm_nattch;
        return SEGMENT_PRESENT;
    }
    else
    {
        char path[PATH_MAX];
        struct stat st;

        file_path(rec, path, sizeof(path));
        if (stat(path, &st) != 0)
            return SEGMENT_GONE;
        if ((uint64_t) st.st_dev != rec->dev || (uint64_t) st.st_ino != rec->ino)
            return SEGMENT_REPLACED;
        *attached = in_use(path) ? 1 : 0;
        return SEGMENT_PRESENT;
    }
}

static int remove_recorded(const AbOwnerRecord *rec)
{
    switch (rec->kind)
    {
        case AB_SEG_POSIX:
            return shm_unlink(rec->name);
        case AB_SEG_FILE:
            return unlink(rec->name);
        default:
            return shmctl(rec->shmid, IPC_RMID, NULL);
    }
}

/* Decides one record; returns 1 if its segment was removed. */
static int clean_record(AbTextOut *r, const char *record_file, const AbOwnerRecord *rec, int flags)
{
    char what[400];
    char creator[200];
    char how[400];
    unsigned long attached;
    Presence state = presence(rec, &attached);

    describe(rec, what, sizeof(what));
    snprintf(creator, sizeof(creator), "its creator (PID %" PRId64 ", run %s)", rec->creator.pid, rec->run_id);
    if (state == SEGMENT_GONE)
    {
        unlink(record_file);
        ab_text_printf(r, "dropped the owner record of %s: the segment no longer exists\n", what);
        return 0;
    }
    if (state == SEGMENT_REPLACED)
    {
        unlink(record_file);
        ab_text_printf(r, "kept %s: not the segment allocbench recorded (made again since by someone else); dropped the"
                       " stale owner record\n", what);
        return 0;
    }
    if (ab_creator_alive(&rec->creator))
    {
        ab_text_printf(r, "kept %s: %s is still running\n", what, creator);
        return 0;
    }
    if (rec->outlives_creator && !(flags & AB_CLEANUP_EXPLICIT))
    {
        destroy_command(rec, how, sizeof(how));
        ab_text_printf(r, "kept %s: made by allocbench shm create to outlive its creator; remove it with `%s` or"
                       " `allocbench shm cleanup --explicit`\n", what, how);
        return 0;
    }
    if (attached > 0)
    {
        if (rec->kind == AB_SEG_SYSV)
            ab_text_printf(r, "kept %s: %lu process(es) attached\n", what, attached);
        else
            ab_text_printf(r, "kept %s: in use by a process\n", what);
        return 0;
    }
    if (remove_recorded(rec) != 0)
    {
        ab_text_printf(r, "could not remove %s: %s\n", what, strerror(errno));
        return 0;
    }
    unlink(record_file);
    ab_text_printf(r, "removed %s: %s has ended and no process uses it\n", what, creator);
    return 1;
}

static int clean_recorded(AbTextOut *r, const char *run_id, int flags)
{
    char dir_path[200];
    DIR *dir;
    struct dirent *entry;
    int removed = 0;

    if (ab_owner_dir(dir_path, sizeof(dir_path), false) != AB_OK)
        return 0; /* no registry: this user has no records, so nothing is ours */
    dir = opendir(dir_path);
    if (dir == NULL)
        return 0;
    while ((entry = readdir(dir)) != NULL)
    {
        char path[PATH_MAX];
        AbOwnerRecord rec;

        if (entry->d_name[0] == '.')
            continue; /* ".", "..", and records being written */
        snprintf(path, sizeof(path), "%s/%s", dir_path, entry->d_name);
        if (!ab_owner_read(path, &rec))
        {
            if (run_id == NULL)
                ab_text_printf(r, "kept owner record %s: not a well-formed record\n", path);
            continue;
        }
        if (run_id != NULL && strcmp(rec.run_id, run_id) != 0)
            continue;
        removed += clean_record(r, path, &rec, flags);
    }
    closedir(dir);
    return removed;
}

static bool has_record(int kind, const char *name, int32_t shmid)
{
    char path[300];

    return ab_owner_record_path(kind, name, shmid, path, sizeof(path)) && access(path, F_OK) == 0;
}

/* The tool's POSIX names and SysV keys that no record claims: listed, never removed. */
static void list_unrecorded(AbTextOut *r)
{
    const char *prefix = AB_SEG_POSIX_PREFIX + 1; /* the file name has no leading "/" */
    DIR *dir = opendir("/dev/shm");
    struct dirent *entry;
    struct shm_info info;
    int max_index;

    while (dir != NULL && (entry = readdir(dir)) != NULL)
    {
        char name[NAME_MAX + 2];

        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(name, sizeof(name), "/%s", entry->d_name);
        if (!has_record(AB_SEG_POSIX, name, -1))
            ab_text_printf(r, "kept POSIX segment %s: " NO_RECORD "\n", name);
    }
    if (dir != NULL)
        closedir(dir);
    max_index = shmctl(0, SHM_INFO, (struct shmid_ds *) (void *) &info);
    for (int i = 0; i <= max_index; i++)
    {
        struct shmid_ds ds;
        int id = shmctl(i, SHM_STAT, &ds);
        long key = id < 0 ? 0 : (long) ds.shm_perm.__key;

        if (key >= AB_SEG_SYSV_KEY_MIN && key <= AB_SEG_SYSV_KEY_MAX && !has_record(AB_SEG_SYSV, NULL, id))
            ab_text_printf(r, "kept SysV segment key 0x%lx (id %d): " NO_RECORD "\n", key, id);
    }
}

int ab_seg_cleanup(const char *run_id, int flags, char *buf, size_t buflen)
{
    AbTextOut r = {.buf = buf, .cap = buflen, .len = 0};

    if (buf != NULL && buflen > 0)
        buf[0] = '\0';
    if (run_id == NULL)
        list_unrecorded(&r); /* first: a record dropped below would otherwise be listed twice */
    return clean_recorded(&r, run_id, flags);
}

/*
 * shm_owner.c -- owner records: which segments this library created, by
 * which process, in which run.  Cleanup reads them to remove only what the
 * suite made and nobody is using, never whatever matches a name pattern.
 *
 * Why a registry of small files, not a header in the segment or the
 * kernel's own creator fields:
 *
 * - A header inside the segment would change what a segment is (its first
 *   bytes belong to the named-allocation index, and to other processes that
 *   attach), and cleanup would have to map a segment of someone else's to
 *   read whose it is.
 * - SysV keeps shm_cpid (the creator's PID) but no start time, so a
 *   recycled PID looks alive, and nothing in the kernel says "made by
 *   allocbench" at all; POSIX and file segments keep only their owner uid.
 *
 * So each segment created here gets one record file in a directory private
 * to the user: /dev/shm/.allocbench-owners-<uid>/ (or under /tmp where there
 * is no /dev/shm).  /dev/shm is tmpfs, so the records live exactly as long
 * as POSIX and SysV segments do (until reboot); the name starts with a dot
 * and has no "allocbench." prefix, so it is never taken for a segment.  The
 * directory must be a real directory owned by this user with mode 0700: a
 * registry someone else planted could name their segments as ours.
 *
 * A record is a few "field value" lines, readable with cat:
 * the kind, name or key and SysV id, the device and inode of a POSIX or file
 * segment (a name re-created by someone else is then not ours), the
 * creator (PID, start time, boot id: see shm_creator.c), the run id, and
 * whether the segment was kept on purpose to outlive its creator.  Records
 * are written to a temporary file and renamed, so a reader never sees half
 * of one.  File names hash the name (FNV-1a): a POSIX name or a path may be
 * as long as a file name can be, and may hold "/".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shm_internal.h"

#define RECORD_MAGIC "allocbench-segment-owner 1"

static char run_id[AB_SEG_RUN_ID_LEN];

static bool run_id_ok(const char *id)
{
    size_t len = id == NULL ? 0 : strlen(id);

    if (len == 0 || len >= AB_SEG_RUN_ID_LEN)
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._:-", *c)))
            return false;
    return true;
}

const char *ab_seg_run_id(void)
{
    if (run_id[0] == '\0')
    {
        const char *env = getenv("ALLOCBENCH_RUN_ID");
        AbCreator self;

        if (run_id_ok(env))
            snprintf(run_id, sizeof(run_id), "%s", env);
        else
        {
            ab_creator_self(&self);
            snprintf(run_id, sizeof(run_id), "pid%" PRId64 ".%" PRIu64, self.pid, self.start_time);
        }
    }
    return run_id;
}

int ab_seg_set_run_id(const char *id)
{
    if (!run_id_ok(id))
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "invalid run id \"%s\": 1 to %d characters of"
                             " A-Z a-z 0-9 . _ : -", id == NULL ? "(null)" : id, AB_SEG_RUN_ID_LEN - 1);
    snprintf(run_id, sizeof(run_id), "%s", id);
    return AB_OK;
}

static bool private_dir(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 077) == 0;
}

int ab_owner_dir(char *buf, size_t buflen, bool create)
{
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";

    snprintf(buf, buflen, "%s/.allocbench-owners-%lu", base, (unsigned long) geteuid());
    if (create && mkdir(buf, 0700) != 0 && errno != EEXIST)
        return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not create the segment owner registry \"%s\": %s", buf,
                             strerror(errno));
    if (lstat(buf, &st) != 0)
        return create ? ab_error_fail(AB_ERR_SYSTEM, NULL, "could not stat the segment owner registry \"%s\": %s",
                                      buf, strerror(errno))
                      : AB_ERR_SEGMENT_NOT_FOUND; /* nothing recorded yet: not an error for readers */
    if (!private_dir(buf))
        return ab_error_fail(AB_ERR_PERMISSION, "Remove it; allocbench makes it again as a directory of this user"
                             " with mode 0700.", "the segment owner registry \"%s\" is not a private directory of"
                             " this user", buf);
    return AB_OK;
}

static uint64_t fnv1a(const char *text)
{
    uint64_t hash = UINT64_C(0xcbf29ce484222325);

    for (; *text; text++)
        hash = (hash ^ (uint8_t) *text) * UINT64_C(0x100000001b3);
    return hash;
}

void ab_owner_file_name(int kind, const char *name, int32_t shmid, char *buf, size_t buflen)
{
    if (kind == AB_SEG_SYSV)
        snprintf(buf, buflen, "sysv.%" PRId32, shmid);
    else
        snprintf(buf, buflen, "%s.%016" PRIx64, kind == AB_SEG_POSIX ? "posix" : "file", fnv1a(name));
}

static int write_record(const AbOwnerRecord *rec)
{
    char dir[200];
    char file[64];
    char path[300];
    char tmp[300];
    FILE *f;
    int fd;
    int rc = ab_owner_dir(dir, sizeof(dir), true);

    if (rc != AB_OK)
        return rc;
    ab_owner_file_name(rec->kind, rec->name, rec->shmid, file, sizeof(file));
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    snprintf(tmp, sizeof(tmp), "%s/.tmp.%" PRId64 ".%s", dir, rec->creator.pid, file);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    f = fd < 0 ? NULL : fdopen(fd, "w");
    if (f == NULL)
    {
        int err = errno;
        if (fd >= 0)
        {
            close(fd);
            unlink(tmp);
        }
        return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not write owner record \"%s\": %s", tmp, strerror(err));
    }
    fprintf(f, RECORD_MAGIC "\nkind %d\nname %s\nkey %" PRId64 "\nshmid %" PRId32 "\ndev %" PRIu64 "\nino %" PRIu64
            "\npid %" PRId64 "\nstart_time %" PRIu64 "\nboot_id %s\nrun_id %s\noutlives_creator %d\ncreated %" PRId64
            "\n", rec->kind, rec->name, rec->key, rec->shmid, rec->dev, rec->ino, rec->creator.pid,
            rec->creator.start_time, rec->creator.boot_id, rec->run_id, rec->outlives_creator, rec->created);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
    {
        int err = errno;
        unlink(tmp);
        return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not write owner record \"%s\": %s", path, strerror(err));
    }
    return AB_OK;
}

int ab_owner_record(const AbSegment *seg)
{
    const AbSegInfo *info = &seg->info;
    AbOwnerRecord rec;
    struct stat st;

    memset(&rec, 0, sizeof(rec));
    rec.kind = info->kind;
    rec.key = info->key;
    rec.shmid = info->shmid;
    snprintf(rec.name, sizeof(rec.name), "%s", info->name);
    if (strchr(rec.name, '\n') != NULL)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "a segment name or path with a newline cannot be recorded");
    if (info->kind != AB_SEG_SYSV)
    {
        if (fstat(seg->fd, &st) != 0)
            return ab_error_fail(AB_ERR_SYSTEM, NULL, "could not stat \"%s\": %s", info->name, strerror(errno));
        rec.dev = (uint64_t) st.st_dev;
        rec.ino = (uint64_t) st.st_ino;
    }
    ab_creator_self(&rec.creator);
    snprintf(rec.run_id, sizeof(rec.run_id), "%s", ab_seg_run_id());
    rec.created = (int64_t) time(NULL);
    return write_record(&rec);
}

bool ab_owner_record_path(int kind, const char *name, int32_t shmid, char *path, size_t len)
{
    char dir[200];
    char file[64];

    if (ab_owner_dir(dir, sizeof(dir), false) != AB_OK)
        return false;
    ab_owner_file_name(kind, name, shmid, file, sizeof(file));
    snprintf(path, len, "%s/%s", dir, file);
    return true;
}

void ab_owner_forget(int kind, const char *name, int32_t shmid)
{
    char path[300];

    if (kind != AB_SEG_ANONYMOUS && ab_owner_record_path(kind, name, shmid, path, sizeof(path)))
        unlink(path);
}

/* strlcpy: a value longer than its field is cut (the record was written from fields of these sizes). */
static void copy_value(char *dst, size_t cap, const char *src)
{
    size_t len = strnlen(src, cap - 1);

    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* "field value" -> value, or NULL if the line is another field. */
static const char *field(const char *line, const char *name)
{
    size_t len = strlen(name);
    return strncmp(line, name, len) == 0 && line[len] == ' ' ? line + len + 1 : NULL;
}

bool ab_owner_read(const char *path, AbOwnerRecord *out)
{
    FILE *f = fopen(path, "r");
    char line[512];
    const char *v;
    int seen = 0;

    if (f == NULL)
        return false;
    memset(out, 0, sizeof(*out));
    out->shmid = -1;
    if (fgets(line, sizeof(line), f) == NULL || strncmp(line, RECORD_MAGIC "\n", sizeof(RECORD_MAGIC)) != 0)
    {
        fclose(f);
        return false;
    }
    while (fgets(line, sizeof(line), f) != NULL)
    {
        line[strcspn(line, "\n")] = '\0';
        seen++;
        if ((v = field(line, "kind")) != NULL)
            out->kind = (int32_t) strtol(v, NULL, 10);
        else if ((v = field(line, "name")) != NULL)
            copy_value(out->name, sizeof(out->name), v);
        else if ((v = field(line, "key")) != NULL)
            out->key = strtoll(v, NULL, 10);
        else if ((v = field(line, "shmid")) != NULL)
            out->shmid = (int32_t) strtol(v, NULL, 10);
        else if ((v = field(line, "dev")) != NULL)
            out->dev = strtoull(v, NULL, 10);
        else if ((v = field(line, "ino")) != NULL)
            out->ino = strtoull(v, NULL, 10);
        else if ((v = field(line, "pid")) != NULL)
            out->creator.pid = strtoll(v, NULL, 10);
        else if ((v = field(line, "start_time")) != NULL)
            out->creator.start_time = strtoull(v, NULL, 10);
        else if ((v = field(line, "boot_id")) != NULL)
            copy_value(out->creator.boot_id, sizeof(out->creator.boot_id), v);
        else if ((v = field(line, "run_id")) != NULL)
            copy_value(out->run_id, sizeof(out->run_id), v);
        else if ((v = field(line, "outlives_creator")) != NULL)
            out->outlives_creator = (int32_t) strtol(v, NULL, 10);
        else if ((v = field(line, "created")) != NULL)
            out->created = strtoll(v, NULL, 10);
        else
            seen--;
    }
    fclose(f);
    return seen == 12 && out->creator.pid > 0
        && (out->kind == AB_SEG_SYSV ? out->shmid >= 0
                                     : (out->kind == AB_SEG_POSIX || out->kind == AB_SEG_FILE) && out->name[0] != '\0');
}

int ab_seg_keep(AbSegment *segment)
{
    AbOwnerRecord rec;
    char path[300];

    if (segment == NULL || segment->info.kind == AB_SEG_ANONYMOUS || !segment->info.owner)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL, "only a POSIX, file or SysV segment this process created"
                             " can be kept after it exits");
    if (!ab_owner_record_path(segment->info.kind, segment->info.name, segment->info.shmid, path, sizeof(path))
        || !ab_owner_read(path, &rec))
        return ab_error_fail(AB_ERR_SEGMENT_NOT_FOUND, NULL, "the segment has no owner record to mark as kept");
    rec.outlives_creator = 1;
    return write_record(&rec);
}

/*
 * shm_cleanup.c -- removing stale segments this tool created: what a run
 * killed before it could destroy its segments leaves behind.
 *
 * "Ours" is decided by name, never by guess: POSIX names starting with
 * AB_SEG_POSIX_PREFIX and SysV keys in [AB_SEG_SYSV_KEY_MIN,
 * AB_SEG_SYSV_KEY_MAX].  "Stale" is decided by the kernel, as PostgreSQL
 * does for its SysV segments: a SysV segment with no attached process
 * (shm_nattch == 0), a POSIX segment that no process maps (/proc/PID/maps)
 * or holds open (/proc/PID/fd).  Processes whose /proc entries cannot be
 * read (another user's, without root) could only hold our 0600 segments if
 * they were root, so they are skipped, not counted as holders.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shm_internal.h"

typedef struct Report
{
    char  *buf;
    size_t len;
    size_t cap;
} Report;

static void report(Report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(Report *r, const char *fmt, ...)
{
    va_list args;
    int n;

    if (r->buf == NULL || r->len + 1 >= r->cap)
        return;
    va_start(args, fmt);
    n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, args);
    va_end(args);
    if (n > 0)
        r->len = r->len + (size_t) n < r->cap ? r->len + (size_t) n : r->cap - 1;
}

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

static int clean_posix(Report *r)
{
    const char *prefix = AB_SEG_POSIX_PREFIX + 1; /* the file name has no leading "/" */
    DIR *dir = opendir("/dev/shm");
    struct dirent *entry;
    int removed = 0;

    if (dir == NULL)
        return 0; /* no POSIX shared memory on this system: nothing of ours either */
    while ((entry = readdir(dir)) != NULL)
    {
        char path[PATH_MAX];
        char name[NAME_MAX + 2];

        if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof(path), "/dev/shm/%s", entry->d_name);
        snprintf(name, sizeof(name), "/%s", entry->d_name);
        if (in_use(path))
        {
            report(r, "kept POSIX segment %s: in use by a process\n", name);
            continue;
        }
        if (shm_unlink(name) == 0)
        {
            removed++;
            report(r, "removed POSIX segment %s\n", name);
        }
        else
            report(r, "could not remove POSIX segment %s: %s\n", name, strerror(errno));
    }
    closedir(dir);
    return removed;
}

static int clean_sysv(Report *r)
{
    struct shm_info info;
    int max_index = shmctl(0, SHM_INFO, (struct shmid_ds *) (void *) &info);
    int removed = 0;

    for (int i = 0; i <= max_index; i++)
    {
        struct shmid_ds ds;
        int id = shmctl(i, SHM_STAT, &ds);
        long key;

        if (id < 0)
            continue;
        key = (long) ds.shm_perm.__key;
        if (key < AB_SEG_SYSV_KEY_MIN || key > AB_SEG_SYSV_KEY_MAX)
            continue;
        if (ds.shm_nattch != 0)
        {
            report(r, "kept SysV segment key 0x%lx (id %d): %lu process(es) attached\n", key, id,
                   (unsigned long) ds.shm_nattch);
            continue;
        }
        if (shmctl(id, IPC_RMID, NULL) == 0)
        {
            removed++;
            report(r, "removed SysV segment key 0x%lx (id %d, %zu bytes)\n", key, id, (size_t) ds.shm_segsz);
        }
        else
            report(r, "could not remove SysV segment key 0x%lx (id %d): %s\n", key, id, strerror(errno));
    }
    return removed;
}

int ab_seg_cleanup(char *buf, size_t buflen)
{
    Report r = {buf, 0, buflen};

    if (buf != NULL && buflen > 0)
        buf[0] = '\0';
    return clean_posix(&r) + clean_sysv(&r);
}

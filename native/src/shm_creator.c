/*
 * shm_creator.c -- who a process is, in a form that survives PID reuse: the
 * identity an owner record stores for a segment's creator, and the test of
 * whether that creator is still running.
 *
 * A PID alone is not an identity: PIDs are recycled (quickly, on a busy
 * host with a small pid_max), so "PID 1234 is alive" may be someone else's
 * process.  The kernel's start time of a process (/proc/<pid>/stat field
 * 22, clock ticks since boot) never changes while the process lives, and a
 * recycled PID gets a later one, so (PID, start time) names one process of
 * one boot.  The boot id (/proc/sys/kernel/random/boot_id) names the boot:
 * after a reboot every recorded creator is gone, whatever its numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm_internal.h"

bool ab_process_start_time(int64_t pid, uint64_t *start_time)
{
    char path[64];
    char line[1024];
    FILE *f;
    char *after_comm;
    unsigned long long value = 0;
    int field = 2; /* comm; each space after it starts the next field */
    bool found = false;

    snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return false;
    if (fgets(line, sizeof(line), f) == NULL)
        line[0] = '\0';
    fclose(f);
    /* comm (field 2) may hold spaces and parentheses: the fields proper start after the last ')'. */
    after_comm = strrchr(line, ')');
    if (after_comm == NULL)
        return false;
    for (char *p = after_comm + 1; *p != '\0' && !found; p++)
    {
        if (*p == ' ' && ++field == 22)
        {
            value = strtoull(p + 1, NULL, 10);
            found = true;
        }
    }
    if (!found)
        return false;
    *start_time = (uint64_t) value;
    return true;
}

void ab_boot_id(char *buf, size_t buflen)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

    buf[0] = '\0';
    if (f == NULL)
        return;
    if (fgets(buf, (int) buflen, f) == NULL)
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

void ab_creator_self(AbCreator *out)
{
    memset(out, 0, sizeof(*out));
    out->pid = (int64_t) getpid();
    if (!ab_process_start_time(out->pid, &out->start_time))
        out->start_time = 0;
    ab_boot_id(out->boot_id, sizeof(out->boot_id));
}

bool ab_creator_alive(const AbCreator *creator)
{
    char boot[sizeof(creator->boot_id)];
    uint64_t start_time;

    ab_boot_id(boot, sizeof(boot));
    if (boot[0] != '\0' && creator->boot_id[0] != '\0' && strcmp(boot, creator->boot_id) != 0)
        return false; /* recorded in an earlier boot */
    if (creator->pid <= 0 || (kill((pid_t) creator->pid, 0) != 0 && errno == ESRCH))
        return false;
    if (!ab_process_start_time(creator->pid, &start_time))
        /* /proc hidden (hidepid) but the PID exists: cannot tell, so assume it is the creator. */
        return true;
    return start_time == creator->start_time;
}

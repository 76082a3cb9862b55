/*
 * shm_testing.h -- helpers for the shared-memory tests: unique names and
 * keys per test process, checks on what the kernel still holds, and running
 * a function in a second process (a fork: a real other process, with its own
 * mappings, that attaches by name or key).
 */
#ifndef ALLOCBENCH_SHM_TESTING_H
#define ALLOCBENCH_SHM_TESTING_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ab_shmem.h"
#include "testing.h"

/* "/allocbench.test.<pid>.<tag>": ours (cleanup's prefix), and unique per test run. */
static inline const char *shm_test_name(const char *tag)
{
    static char names[8][96];
    static int next;
    char *name = names[next++ % 8];

    snprintf(name, 96, AB_SEG_POSIX_PREFIX "test.%d.%s", (int) getpid(), tag);
    return name;
}

/* A key in this tool's range, unique per process and tag number. */
static inline int64_t shm_test_key(int tag)
{
    return AB_SEG_SYSV_KEY_MIN + ((getpid() * 16 + tag) & 0xFFFF);
}

static inline bool posix_name_exists(const char *name)
{
    char path[128];
    struct stat st;

    snprintf(path, sizeof(path), "/dev/shm%s", name);
    return stat(path, &st) == 0;
}

static inline bool sysv_key_exists(int64_t key)
{
    return shmget((key_t) key, 0, 0) >= 0;
}

/* valgrind preloads its own libraries; some kernel views (smaps of shmat) differ under it. */
static inline bool under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

/*
 * Runs fn(arg) in a child process and returns fn's result (0 = all checks
 * passed there), or 128 + the signal if the child was killed before it
 * returned.  The child hands its result over in a shared page and ends with
 * SIGKILL, not exit: it inherited the parent's allocations, which valgrind
 * would otherwise report as the child's leaks.
 */
static inline int in_child(int (*fn)(void *), void *arg)
{
    volatile int *result = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid;
    int status = 0;
    int rc;

    if (result == MAP_FAILED)
        return -1;
    *result = -1;
    fflush(stdout);
    pid = fork();
    if (pid == 0)
    {
        *result = fn(arg);
        fflush(stdout);
        raise(SIGKILL);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        rc = -1;
    else if (*result >= 0)
        rc = *result;
    else
        rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    munmap((void *) result, 4096);
    return rc;
}

#endif /* ALLOCBENCH_SHM_TESTING_H */

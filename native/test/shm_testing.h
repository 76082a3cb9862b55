/*
 * shm_testing.h -- helpers for the shared-memory tests: names and keys
 * unique to the test run, checks on what the kernel still holds, and running
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
#include <time.h>
#include <unistd.h>

#include "ab_shmem.h"
#include "testing.h"

/*
 * A random number fixed for this test process (and inherited by its forks):
 * with the PID it makes names unique to this test run, even where PIDs
 * repeat (containers, concurrent jobs on one host).
 */
static inline unsigned shm_test_nonce(void)
{
    static unsigned nonce;

    if (nonce == 0)
    {
        FILE *f = fopen("/dev/urandom", "rb");
        if (f == NULL || fread(&nonce, sizeof(nonce), 1, f) != 1)
            nonce = (unsigned) time(NULL) ^ ((unsigned) getpid() << 16);
        if (f != NULL)
            fclose(f);
        nonce |= 1;
    }
    return nonce;
}

/* "/allocbench.test.<pid>.<nonce>.<tag>": the tool's prefix, unique to this test run. */
static inline const char *shm_test_name(const char *tag)
{
    static char names[16][96];
    static int next;
    char *name = names[next++ % 16];

    snprintf(name, 96, AB_SEG_POSIX_PREFIX "test.%d.%08x.%s", (int) getpid(), shm_test_nonce(), tag);
    return name;
}

static inline bool sysv_key_exists(int64_t key)
{
    return shmget((key_t) key, 0, 0) >= 0;
}

/*
 * A key in this tool's range that nobody uses right now, drawn at random:
 * for the tests that need to know a key before a create (a failing one, or
 * one in a child).  Others ask for AB_SEG_SYSV_KEY_CHOOSE, which is atomic.
 */
static inline int64_t shm_test_key(void)
{
    static unsigned state;
    int64_t key;

    if (state == 0)
        state = shm_test_nonce();
    do
    {
        state = state * 1103515245u + 12345u;
        key = AB_SEG_SYSV_KEY_MIN + ((state >> 8) & 0xFFFF);
    } while (sysv_key_exists(key));
    return key;
}

static inline bool posix_name_exists(const char *name)
{
    char path[128];
    struct stat st;

    snprintf(path, sizeof(path), "/dev/shm%s", name);
    return stat(path, &st) == 0;
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

/*
 * record_workload.c -- what test_record.c records: a program that does, with
 * sizes nobody else uses (the MARK_* constants, shared through
 * record_marks.h), every kind of call liballocbench-record.so interposes,
 * on several threads, with a chunk freed by another thread than the one
 * that allocated it, a fork whose child allocates (and must not be
 * recorded), and a thread still running when main returns (its buffered
 * records must reach the file through the exit-time copy).
 *
 * Built without sanitizers: it runs with the recording library preloaded,
 * which must be the first malloc in the process.
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record_marks.h"

static void *handed_over;

static void *churn(void *arg)
{
    unsigned id = (unsigned)(size_t)arg;
    void *live[64] = {0};
    for (unsigned i = 0; i < CHURN_OPS; i++) {
        unsigned k = (i * 7u + id) % 64u;
        free(live[k]); /* NULL the first time round: not recorded */
        live[k] = malloc(CHURN_SIZE + i % CHURN_SPREAD);
        if (live[k] == NULL) {
            abort();
        }
        memset(live[k], 1, 1);
    }
    for (unsigned k = 0; k < 64; k++) {
        free(live[k]);
    }
    return NULL;
}

static void *allocator_thread(void *arg)
{
    (void)arg;
    handed_over = malloc(MARK_HANDED);
    return NULL;
}

static void *freeing_thread(void *arg)
{
    (void)arg;
    free(handed_over);
    return NULL;
}

static pthread_mutex_t late_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t late_cond = PTHREAD_COND_INITIALIZER;
static int late_ready;

/* Allocates a few chunks, says so, and blocks for good: main exits under it. */
static void *late_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < LATE_COUNT; i++) {
        if (malloc(MARK_LATE) == NULL) {
            abort();
        }
    }
    pthread_mutex_lock(&late_lock);
    late_ready = 1;
    pthread_cond_broadcast(&late_cond);
    pthread_mutex_unlock(&late_lock);
    for (;;) {
        pause();
    }
    return NULL;
}

static void run(pthread_t *t, void *(*fn)(void *), void *arg)
{
    if (pthread_create(t, NULL, fn, arg) != 0) {
        fprintf(stderr, "record_workload: pthread_create failed\n");
        exit(3);
    }
}

/*
 * "record-workload close-fds FILE": what a daemon does at start: closes every descriptor above stderr, then
 * opens FILE and puts it on the recorder's favourite number (the worst case), allocates enough to fill a
 * buffer, and writes "ok" into FILE.  FILE must hold exactly that afterwards: never a record.
 */
static int close_fds(const char *file)
{
    for (int d = 3; d < 1024; d++) {
        close(d);
    }
    int f = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (f < 0 || dup2(f, 700) != 700) {
        return 3;
    }
    close(f);
    for (unsigned i = 0; i < 3 * CHURN_OPS; i++) {
        free(malloc(CHURN_SIZE));
    }
    if (write(700, "ok", 2) != 2) {
        return 3;
    }
    close(700);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "close-fds") == 0) {
        return close_fds(argv[2]);
    }
    char *a = malloc(MARK_MALLOC);
    char *z = calloc(MARK_CALLOC_N, MARK_CALLOC_M);
    char *r = realloc(a, MARK_REALLOC);
    void *pm = NULL;
    if (r == NULL || z == NULL || posix_memalign(&pm, 64, MARK_POSIX_MEMALIGN) != 0) {
        return 3;
    }
    void *aa = aligned_alloc(128, MARK_ALIGNED_ALLOC);
    void *ma = memalign(256, MARK_MEMALIGN);
    void *va = valloc(MARK_VALLOC);
    void *rn = realloc(NULL, MARK_REALLOC_NULL);
    void *r0 = malloc(MARK_REALLOC_ZERO);
    if (aa == NULL || ma == NULL || va == NULL || rn == NULL || r0 == NULL) {
        return 3;
    }
    if (realloc(r0, 0) != NULL) {
        return 3; /* glibc frees and returns NULL */
    }
    free(NULL);
    free(z);
    free(r);
    free(pm);
    free(aa);
    free(ma);
    free(va);
    free(rn);

    pthread_t t[CHURN_THREADS];
    for (unsigned i = 0; i < CHURN_THREADS; i++) {
        run(&t[i], churn, (void *)(size_t)i);
    }
    for (unsigned i = 0; i < CHURN_THREADS; i++) {
        pthread_join(t[i], NULL);
    }

    pthread_t giver, taker;
    run(&giver, allocator_thread, NULL);
    pthread_join(giver, NULL);
    run(&taker, freeing_thread, NULL);
    pthread_join(taker, NULL);

    pid_t child = fork();
    if (child == 0) {
        void *c = malloc(MARK_CHILD);
        free(c);
        exit(0); /* exit handlers run in the child: they must write nothing */
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return 3;
    }

    pthread_t late;
    run(&late, late_thread, NULL);
    pthread_mutex_lock(&late_lock);
    while (!late_ready) {
        pthread_cond_wait(&late_cond, &late_lock);
    }
    pthread_mutex_unlock(&late_lock);
    return 0; /* exit() with the late thread still running */
}

/*
 * threads.c -- what RecorderTest records (compiled by the test with gcc): a
 * few threads that allocate and free, a chunk allocated on one thread and
 * freed on another, calloc, realloc, posix_memalign, with sizes the test
 * looks for; prints a line and exits with status 3, which allocbench record
 * must pass on.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 1000

static void *handed;

static void *churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        char *volatile p = malloc(777);
        p[0] = 1;
        free(p);
    }
    return NULL;
}

static void *give(void *arg)
{
    (void)arg;
    handed = malloc(4242);
    return NULL;
}

static void *take(void *arg)
{
    (void)arg;
    free(handed);
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&t[i], NULL, churn, NULL);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    pthread_t a, b;
    pthread_create(&a, NULL, give, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, take, NULL);
    pthread_join(b, NULL);

    char *volatile z = calloc(3, 1111);
    char *volatile r = realloc(z, 5555);
    void *m = NULL;
    if (r == NULL || posix_memalign(&m, 64, 6666) != 0) {
        return 1;
    }
    memset(m, 0, 1);
    free(m);
    free(r);
    printf("hello from the recorded program\n");
    return 3;
}

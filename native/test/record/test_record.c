/*
 * test_record.c -- the C test of liballocbench-record.so (make test runs it;
 * test-asan and test-valgrind run this driver under the sanitizers: the
 * workload itself runs plain, with the library preloaded first).
 *
 *   test-record LIBRARY WORKLOAD
 *
 * Runs WORKLOAD (record_workload.c) as a direct child with LIBRARY preloaded
 * and the recorder's variables set, then reads the raw file it wrote
 * (ab_record_format.h) and checks that every call the workload made is
 * there as the right record: kinds, sizes, alignments, the realloc pairs,
 * the order of a chunk freed by another thread, the fork (counted, the child
 * not recorded), the records of a thread still running at exit, the exit
 * mark, and that sequence numbers are unique and increase per thread.  Then
 * runs the workload again with a parent that is not its own, which must
 * record nothing.  Leaves nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../record/ab_record_format.h"
#include "record_marks.h"

static int failures;
static int checks;

#define CHECK(cond, ...) \
    do { \
        checks++; \
        if (!(cond)) { \
            failures++; \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
        } \
    } while (0)

typedef struct {
    AbRecord rec;
    uint32_t thread;
} Event;

typedef struct {
    AbRecFileHeader header;
    Event *events;
    size_t count;
    size_t capacity;
    uint64_t last_seq[1024]; /* per thread index, +1 (0: none yet) */
    size_t duplicates;
    size_t outside; /* records whose sequence number is outside their chunk header's range */
} Recording;

static void add(Recording *r, const AbRecord *rec, uint32_t thread)
{
    if (r->count == r->capacity) {
        r->capacity = r->capacity ? r->capacity * 2 : 4096;
        r->events = realloc(r->events, r->capacity * sizeof(Event));
        if (r->events == NULL) {
            perror("test-record");
            exit(2);
        }
    }
    r->events[r->count].rec = *rec;
    r->events[r->count].thread = thread;
    r->count++;
}

/* Reads a raw file: every chunk checked, records deduplicated per thread as the Java reader does. */
static bool read_recording(const char *path, Recording *r)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fread(&r->header, sizeof r->header, 1, f) == 1;
    CHECK(ok, "header of %s", path);
    CHECK(ok && memcmp(r->header.magic, AB_REC_MAGIC, 8) == 0, "magic");
    CHECK(r->header.version == AB_REC_VERSION, "version %u", r->header.version);
    CHECK(r->header.record_size == sizeof(AbRecord), "record size %u", r->header.record_size);
    AbRecChunk c;
    while (ok && fread(&c, sizeof c, 1, f) == 1) {
        CHECK(c.magic == AB_REC_CHUNK_MAGIC, "chunk magic %#x", c.magic);
        CHECK(c.thread < 1024 && c.count >= 1 && c.count <= 4096, "chunk thread %u count %u", c.thread, c.count);
        if (c.magic != AB_REC_CHUNK_MAGIC || c.thread >= 1024 || c.count == 0 || c.count > 4096) {
            ok = false;
            break;
        }
        for (uint32_t i = 0; i < c.count; i++) {
            AbRecord rec;
            if (fread(&rec, sizeof rec, 1, f) != 1) {
                CHECK(false, "chunk cut short");
                ok = false;
                break;
            }
            if (rec.seq < c.first_seq || rec.seq > c.last_seq) {
                r->outside++;
            }
            if (rec.seq + 1 <= r->last_seq[c.thread]) {
                r->duplicates++; /* an exit-time copy and the owner's own write of the same records */
                continue;
            }
            r->last_seq[c.thread] = rec.seq + 1;
            add(r, &rec, c.thread);
        }
    }
    fclose(f);
    CHECK(r->outside == 0, "%zu records outside their chunk's sequence range", r->outside);
    return ok;
}

static const Event *find(const Recording *r, uint32_t op, uint64_t size, size_t from)
{
    for (size_t i = from; i < r->count; i++) {
        if (r->events[i].rec.op == op && r->events[i].rec.size == size) {
            return &r->events[i];
        }
    }
    return NULL;
}

static size_t count_ops(const Recording *r, uint32_t op, uint64_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        n += r->events[i].rec.op == op && r->events[i].rec.size == size;
    }
    return n;
}

static const Event *free_of(const Recording *r, uint64_t ptr, uint64_t after_seq)
{
    for (size_t i = 0; i < r->count; i++) {
        const AbRecord *x = &r->events[i].rec;
        if (x->op == AB_REC_FREE && x->ptr == ptr && x->seq > after_seq) {
            return &r->events[i];
        }
    }
    return NULL;
}

/* The record that follows e in its own thread. */
static const Event *next_in_thread(const Recording *r, const Event *e)
{
    for (const Event *x = e + 1; x < r->events + r->count; x++) {
        if (x->thread == e->thread) {
            return x;
        }
    }
    return NULL;
}

static int by_seq(const void *a, const void *b)
{
    uint64_t x = ((const Event *)a)->rec.seq;
    uint64_t y = ((const Event *)b)->rec.seq;
    return x < y ? -1 : x > y;
}

/*
 * Runs WORKLOAD as a child that records for parent; through /usr/bin/env (an exec chain) if via_env; with
 * "close-fds FILE" as its arguments if close_fds_file is not NULL (stderr then goes to /dev/null).
 */
static pid_t start_with(const char *library, const char *workload, const char *dir, pid_t parent, bool via_env,
                        const char *close_fds_file)
{
    pid_t child = fork();
    if (child == 0) {
        char pid[32];
        snprintf(pid, sizeof pid, "%ld", (long)parent);
        setenv(AB_REC_ENV_DIR, dir, 1);
        setenv(AB_REC_ENV_PARENT, pid, 1);
        setenv("LD_PRELOAD", library, 1);
        if (close_fds_file != NULL) {
            if (freopen("/dev/null", "w", stderr) == NULL) {
                _exit(126);
            }
            execl(workload, workload, "close-fds", close_fds_file, (char *)NULL);
        } else if (via_env) {
            execl("/usr/bin/env", "env", workload, (char *)NULL);
        } else {
            execl(workload, workload, (char *)NULL);
        }
        perror(workload);
        _exit(127);
    }
    return child;
}

static pid_t start(const char *library, const char *workload, const char *dir, pid_t parent, bool via_env)
{
    return start_with(library, workload, dir, parent, via_env, NULL);
}

static int wait_exit(pid_t child)
{
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child) {
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Names of the files in dir (at most max); returns how many. */
static int list_dir(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] != '.' && n < max) {
            snprintf(names[n++], 256, "%s", e->d_name);
        }
    }
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    char names[16][256];
    int n = list_dir(dir, names, 16);
    for (int i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void check_recording(Recording *r, pid_t child)
{
    CHECK(r->header.pid == (uint32_t)child, "pid %u, child %ld", r->header.pid, (long)child);
    CHECK(strstr(r->header.exe, "record-workload") != NULL, "exe %s", r->header.exe);
    qsort(r->events, r->count, sizeof(Event), by_seq);
    for (size_t i = 1; i < r->count; i++) {
        if (r->events[i].rec.seq == r->events[i - 1].rec.seq) {
            CHECK(false, "sequence number %" PRIu64 " twice", r->events[i].rec.seq);
            break;
        }
    }

    const Event *m = find(r, AB_REC_MALLOC, MARK_MALLOC, 0);
    CHECK(m != NULL, "malloc(%u)", MARK_MALLOC);
    uint32_t main_thread = m != NULL ? m->thread : 0;
    CHECK(find(r, AB_REC_CALLOC, (uint64_t)MARK_CALLOC_N * MARK_CALLOC_M, 0) != NULL, "calloc as n*m");
    if (m != NULL) {
        /* realloc(a, MARK_REALLOC): the release of a, then in the same thread the new pointer */
        const Event *rel = NULL;
        for (size_t i = 0; i < r->count; i++) {
            if (r->events[i].rec.op == AB_REC_REALLOC_RELEASE && r->events[i].rec.ptr == m->rec.ptr) {
                rel = &r->events[i];
            }
        }
        CHECK(rel != NULL, "realloc's release of the malloc'd pointer");
        const Event *acq = rel != NULL ? next_in_thread(r, rel) : NULL;
        CHECK(acq != NULL && acq->rec.op == AB_REC_REALLOC_ACQUIRE && acq->rec.size == MARK_REALLOC
                  && acq->rec.seq > rel->rec.seq, "realloc's acquire right after its release");
        CHECK(acq != NULL && free_of(r, acq->rec.ptr, acq->rec.seq) != NULL, "the realloc'd chunk freed");
    }
    const Event *pm = find(r, AB_REC_ALIGNED, MARK_POSIX_MEMALIGN, 0);
    CHECK(pm != NULL && pm->rec.aux == 64, "posix_memalign(64) with its alignment");
    const Event *aa = find(r, AB_REC_ALIGNED, MARK_ALIGNED_ALLOC, 0);
    CHECK(aa != NULL && aa->rec.aux == 128, "aligned_alloc(128)");
    const Event *ma = find(r, AB_REC_ALIGNED, MARK_MEMALIGN, 0);
    CHECK(ma != NULL && ma->rec.aux == 256, "memalign(256)");
    const Event *va = find(r, AB_REC_ALIGNED, MARK_VALLOC, 0);
    CHECK(va != NULL && va->rec.aux == (uint32_t)getpagesize(), "valloc: page alignment");
    CHECK(find(r, AB_REC_MALLOC, MARK_REALLOC_NULL, 0) != NULL, "realloc(NULL, n) as a malloc");
    const Event *r0 = find(r, AB_REC_MALLOC, MARK_REALLOC_ZERO, 0);
    CHECK(r0 != NULL, "malloc(%u)", MARK_REALLOC_ZERO);
    if (r0 != NULL) {
        const Event *rel = NULL;
        for (size_t i = 0; i < r->count; i++) {
            if (r->events[i].rec.op == AB_REC_REALLOC_RELEASE && r->events[i].rec.ptr == r0->rec.ptr) {
                rel = &r->events[i];
            }
        }
        const Event *acq = rel != NULL ? next_in_thread(r, rel) : NULL;
        CHECK(acq != NULL && acq->rec.op == AB_REC_REALLOC_ACQUIRE && acq->rec.ptr == 0 && acq->rec.size == 0,
              "realloc(p, 0): a release and an acquire of nothing");
    }
    size_t null_frees = 0;
    for (size_t i = 0; i < r->count; i++) {
        null_frees += r->events[i].rec.op == AB_REC_FREE && r->events[i].rec.ptr == 0;
    }
    CHECK(null_frees == 0, "free(NULL) is not recorded (%zu are)", null_frees);

    /* churn: per thread exactly CHURN_OPS mallocs in the range, each freed, on that thread */
    size_t per_thread[1024] = {0};
    size_t churn_frees = 0;
    for (size_t i = 0; i < r->count; i++) {
        const AbRecord *x = &r->events[i].rec;
        if (x->op == AB_REC_MALLOC && x->size >= CHURN_SIZE && x->size < CHURN_SIZE + CHURN_SPREAD) {
            per_thread[r->events[i].thread]++;
            const Event *f = free_of(r, x->ptr, x->seq);
            churn_frees += f != NULL && f->thread == r->events[i].thread;
        }
    }
    unsigned churn_threads = 0;
    for (unsigned t = 0; t < 1024; t++) {
        if (per_thread[t] != 0) {
            churn_threads++;
            CHECK(per_thread[t] == CHURN_OPS, "thread %u: %zu churn mallocs, expected %u", t, per_thread[t],
                  CHURN_OPS);
            CHECK(t != main_thread, "churn on the main thread's index");
        }
    }
    CHECK(churn_threads == CHURN_THREADS, "%u churn threads", churn_threads);
    CHECK(churn_frees == (size_t)CHURN_THREADS * CHURN_OPS, "%zu churn chunks freed", churn_frees);

    const Event *h = find(r, AB_REC_MALLOC, MARK_HANDED, 0);
    const Event *hf = h != NULL ? free_of(r, h->rec.ptr, h->rec.seq) : NULL;
    CHECK(h != NULL && hf != NULL && hf->thread != h->thread && hf->rec.seq > h->rec.seq,
          "a chunk freed by another thread, after its malloc");

    size_t forks = 0;
    size_t exits = 0;
    for (size_t i = 0; i < r->count; i++) {
        forks += r->events[i].rec.op == AB_REC_FORK;
        exits += r->events[i].rec.op == AB_REC_EXIT;
    }
    CHECK(forks == 1, "%zu fork records", forks);
    CHECK(count_ops(r, AB_REC_MALLOC, MARK_CHILD) == 0, "the fork child was recorded");
    CHECK(exits == 1, "%zu exit records", exits);
    CHECK(r->count > 0 && r->events[r->count - 1].rec.op == AB_REC_EXIT, "the exit mark comes last");
    CHECK(count_ops(r, AB_REC_MALLOC, MARK_LATE) == LATE_COUNT, "%zu of %d records of the thread still running",
          count_ops(r, AB_REC_MALLOC, MARK_LATE), LATE_COUNT);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test-record LIBRARY WORKLOAD\n");
        return 2;
    }
    char library[4096];
    if (realpath(argv[1], library) == NULL) {
        fprintf(stderr, "test-record: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    char dir[] = "/tmp/ab-record-test-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("test-record: mkdtemp");
        return 2;
    }

    pid_t child = start(library, argv[2], dir, getpid(), false);
    CHECK(wait_exit(child) == 0, "the workload failed");
    char names[16][256];
    int n = list_dir(dir, names, 16);
    char expected[64];
    snprintf(expected, sizeof expected, "rec-%ld-0.raw", (long)child);
    CHECK(n == 1 && strcmp(names[0], expected) == 0, "%d files, expected only %s", n, expected);
    if (n == 1) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, names[0]);
        Recording r;
        memset(&r, 0, sizeof r);
        if (read_recording(path, &r)) {
            CHECK(r.header.generation == 0, "generation %u", r.header.generation);
            check_recording(&r, child);
        }
        free(r.events);
        unlink(path);
    }

    /* not our child's parent: the library only forwards */
    child = start(library, argv[2], dir, getppid(), false);
    CHECK(wait_exit(child) == 0, "the workload failed without recording");
    n = list_dir(dir, names, 16);
    CHECK(n == 0, "%d files written by a process that was not to record", n);

    /* an exec chain: env records as generation 0, then the workload it execs in its place as 1 */
    if (access("/usr/bin/env", X_OK) == 0) {
        child = start(library, argv[2], dir, getpid(), true);
        CHECK(wait_exit(child) == 0, "the workload failed under env");
        n = list_dir(dir, names, 16);
        CHECK(n == 2, "%d files for an exec chain of two images", n);
        for (unsigned gen = 0; gen < 2; gen++) {
            char path[4400];
            snprintf(path, sizeof path, "%s/rec-%ld-%u.raw", dir, (long)child, gen);
            Recording r;
            memset(&r, 0, sizeof r);
            if (read_recording(path, &r)) {
                CHECK(r.header.generation == gen, "generation %u in %s", r.header.generation, path);
                CHECK(strstr(r.header.exe, gen == 0 ? "env" : "record-workload") != NULL, "image %u is %s", gen,
                      r.header.exe);
                if (gen == 1) {
                    check_recording(&r, child);
                }
            }
            free(r.events);
        }
    }

    /* a program that closes every descriptor and reuses the recorder's number: it gets its own data only */
    char data[4400];
    snprintf(data, sizeof data, "%s/data", dir);
    child = start_with(library, argv[2], dir, getpid(), false, data);
    CHECK(wait_exit(child) == 0, "the close-fds workload failed");
    FILE *df = fopen(data, "rb");
    char content[64] = {0};
    size_t got = df != NULL ? fread(content, 1, sizeof content - 1, df) : 0;
    if (df != NULL) {
        fclose(df);
    }
    CHECK(got == 2 && memcmp(content, "ok", 2) == 0, "the program's own file holds %zu bytes, not just \"ok\"", got);
    {
        char path[4400];
        snprintf(path, sizeof path, "%s/rec-%ld-0.raw", dir, (long)child);
        Recording r;
        memset(&r, 0, sizeof r);
        if (read_recording(path, &r)) {
            size_t exits = 0;
            for (size_t i = 0; i < r.count; i++) {
                exits += r.events[i].rec.op == AB_REC_EXIT;
            }
            CHECK(exits == 0, "recording went on after its file was closed");
        }
        free(r.events);
    }

    remove_dir(dir);
    printf("test-record: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

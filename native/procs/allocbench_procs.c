/*
 * allocbench_procs.c -- `allocbench-procs`: the PostgreSQL process model.
 * N backend-like processes, each with its own AllocSet replaying a trace,
 * all mapping one shared segment that each touches in full, as backends
 * touch shared_buffers.  What it measures is what huge pages are chosen
 * for: page-table memory, which every process pays for every page it maps.
 *
 *   allocbench-procs KIND MAPPING SIZE PROCESSES ITERATIONS OPS_FILE:NSLOTS [NAME|KEY]
 *
 * KIND is anonymous (MAP_SHARED|MAP_ANONYMOUS, inherited across fork, as
 * PostgreSQL's main segment), posix (shm_open) or sysv (shmget); MAPPING is
 * 4k, thp (anonymous only, and only where shmem_enabled lets shared memory
 * have transparent huge pages: a private THP mapping would be copied by
 * every writer after fork), 2m or 1g (hugetlb pages, huge_pages=on: they
 * must be reserved).  SIZE in bytes.  NAME (posix) or KEY (sysv, decimal) is
 * the segment's, chosen by the caller so that it can record the segment as
 * its own before it exists (a kill of both then still finds it); without
 * it, a name with this process's PID or the first free key is taken.
 *
 * Why the processes run one after another.  They stay alive together (their
 * page tables are what is measured), but each attaches, touches and replays
 * while the others wait, as most backends of a server wait most of the time;
 * so a 2-core machine gives each process's time without 63 others competing
 * for the cores, and the figures of process 1 and process 64 differ only by
 * what the earlier ones left: mapped pages to fault in rather than to
 * allocate.
 *
 * Every figure of memory is read from the kernel, never computed: each
 * process's VmPTE from /proc/PID/status (by the process itself before it
 * attaches, by this parent once all are attached and touched), the system's
 * PageTables from /proc/meminfo (before the first process, with all of them
 * alive, after they ended), minor faults from getrusage, the page size the
 * mapping got from /proc/self/smaps (ab_seg_pages).
 *
 * Protocol on stdout, one line each, flushed:
 *   "ready PID" once the trace is loaded (the parent may delete the file);
 *     then one byte on stdin starts the run, and from then on stdin's end (the
 *     parent closed it or died) ends the run at once: the processes are
 *     killed, the segment removed, exit 4;
 *   "created KIND NAME KEY" as soon as the segment exists (NAME "-" for
 *     anonymous; KEY 0 but for sysv);
 *   "segment bytes=B page=P huge=on|off|unknown smaps_page=K huge_bytes=H"
 *     (smaps_page and huge_bytes as the first process's mapping showed them
 *     after its touch);
 *   "pagetables-before KB";
 *   per process, in order: "process I pid=P vmpte_before=B attach_ns=N
 *     touch_ns=N touch_faults=F replay_ns=N1,N2,... replay_faults=F1,...
 *     stats=TOTAL,BLOCKS,FREECHUNKS,FREE,USED" (replay_ns per iteration;
 *     stats: the AllocSet's counters before the last iteration's delete);
 *   per process, with all of them alive: "held I vmpte=B vmrss=B";
 *   "pagetables-held KB"; "pagetables-after KB" (all ended); "done" (exit 0).
 *   A failure: "error MESSAGE" (exit 3); "error exists: MESSAGE" when the
 *   NAME or KEY given is in use (nothing was made).  Usage errors on stderr, exit 2.
 *
 * Leaves nothing behind: the processes die with this one (PR_SET_PDEATHSIG)
 * and see the end of a pipe only this one holds; the segment is removed on
 * every path this process controls, and its owner record (shm_owner.c) lets
 * `allocbench cleanup` remove it after a SIGKILL.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "allocbench.h"
#include "ab_shmem.h"
#include "ab_trace_file.h"

#define MAX_PROCESSES 4096
#define SMALL_PAGE 4096u

typedef struct Child
{
    pid_t pid;
    int   result_fd;   /* read end of the child's own result pipe */
} Child;

static AbSegment *segment;
static Child *children;
static int nchildren;
static int release_pipe[2] = {-1, -1};
/*
 * Held by the main thread while it creates the segment or forks and records a
 * process, and by the watcher while it ends everything: so the watcher never
 * runs between a segment's creation (or a fork) and its recording, which
 * would leave that one behind.
 */
static pthread_mutex_t state_lock; /* recursive: fail() may be reached with it held */

static int usage(const char *message)
{
    fprintf(stderr, "allocbench-procs: %s\nusage: allocbench-procs anonymous|posix|sysv 4k|thp|2m|1g SIZE"
                    " PROCESSES ITERATIONS OPS_FILE:NSLOTS [NAME|KEY]\n", message);
    return 2;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t minor_faults(void)
{
    struct rusage usage;

    getrusage(RUSAGE_SELF, &usage);
    return (uint64_t) usage.ru_minflt;
}

/* The value of "Key:" in a /proc file, in kB (both files give kB), or -1 if absent. */
static int64_t proc_kb(const char *path, const char *key)
{
    char line[256];
    size_t keylen = strlen(key);
    int64_t value = -1;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, key, keylen) == 0 && line[keylen] == ':')
        {
            value = strtoll(line + keylen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return value;
}

static int64_t status_kb(pid_t pid, const char *key)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%ld/status", (long) pid);
    return proc_kb(path, key);
}

/*
 * PageTables of /proc/meminfo, exact: the kernel keeps it in per-CPU deltas
 * folded into the total about once a second (vm.stat_interval), so a reading
 * lags by up to a second's changes.  Root can fold them now (a write to
 * vm/stat_refresh); anyone else waits for the next fold.
 */
static int64_t page_tables_kb(void)
{
    int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

    if (fd < 0 || write(fd, "1\n", 2) != 2)
    {
        struct timespec wait = {1, 500000000};
        nanosleep(&wait, NULL);
    }
    if (fd >= 0)
        close(fd);
    return proc_kb("/proc/meminfo", "PageTables");
}

/* Kills the processes and removes the segment: every way out of a started run goes through here. */
static void end_everything(void)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid > 0)
            kill(children[i].pid, SIGKILL);
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid > 0)
            waitpid(children[i].pid, NULL, 0);
    nchildren = 0;
    if (segment != NULL)
        ab_seg_destroy(segment);
    segment = NULL;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
    va_list args;

    printf("error ");
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    pthread_mutex_lock(&state_lock);
    end_everything();
    pthread_mutex_unlock(&state_lock);
    return 3;
}

/* The parent (the JVM) closed stdin or died: end at once, leaving nothing. */
static void *watch_parent(void *unused)
{
    char byte;

    (void) unused;
    while (read(STDIN_FILENO, &byte, 1) > 0)
        ;
    pthread_mutex_lock(&state_lock); /* never released: this process ends here */
    end_everything();
    _exit(4);
    return NULL;
}

/* One write per 4 KiB page, as a backend dirties buffers; the loop itself is warmed before it is timed. */
static void touch(volatile char *base, uint64_t size)
{
    for (uint64_t offset = 0; offset < size; offset += SMALL_PAGE)
        base[offset] = (char) (offset >> 12);
}

static void write_list(FILE *out, const char *label, const uint64_t *values, int count)
{
    fprintf(out, " %s=", label);
    for (int i = 0; i < count; i++)
        fprintf(out, "%s%" PRIu64, i == 0 ? "" : ",", values[i]);
}

/*
 * A backend's life: attach, touch everything, replay, report, then hold the
 * mapping until the parent releases it (the end of the release pipe).
 */
static void backend(int index, int kind, const AbTrace *trace, int iterations, int result_fd, pid_t parent)
{
    AbSegment *mine = segment;
    const AbSegInfo *info;
    AbCounters stats;
    AbPageReport pages;
    uint64_t t0, t1, f0, f1, attach_ns = 0, touch_ns;
    uint64_t *ns = calloc((size_t) iterations, sizeof(uint64_t));
    uint64_t *faults = calloc((size_t) iterations, sizeof(uint64_t));
    int64_t vmpte_before = status_kb(getpid(), "VmPTE");
    FILE *out = fdopen(result_fd, "w");
    char drain;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent || out == NULL || ns == NULL || faults == NULL)
        _exit(5);
    if (kind != AB_SEG_ANONYMOUS)
    {
        const AbSegInfo *created = ab_seg_info(segment);

        t0 = now_ns();
        mine = ab_seg_attach(kind, created->name, created->key);
        attach_ns = now_ns() - t0;
        if (mine == NULL)
        {
            fprintf(out, "failed process %d could not attach: %s\n", index, ab_error_message());
            fclose(out);
            _exit(6);
        }
    }
    info = ab_seg_info(mine);
    /*
     * The same calls twice over nothing first: after fork, the first write to
     * each private page of this process (its stack, the clock's data) is a
     * copy-on-write fault, which must not be counted as the segment's.
     */
    for (int warm = 0; warm < 2; warm++)
    {
        f0 = minor_faults();
        t0 = now_ns();
        touch(info->base, 0);
        t1 = now_ns();
        f1 = minor_faults();
    }
    f0 = minor_faults();
    t0 = now_ns();
    touch(info->base, info->size);
    t1 = now_ns();
    f1 = minor_faults();
    touch_ns = t1 - t0;
    memset(&pages, 0, sizeof(pages));
    ab_seg_pages(mine, &pages);
    memset(&stats, 0, sizeof(stats));
    if (ab_trace_replay(trace, AB_REPLAY_ASET, AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE, AB_DEFAULT_MAXSIZE, NULL,
                        iterations, ns, faults, &stats, NULL, NULL) != AB_OK)
    {
        fprintf(out, "failed process %d could not replay: %s\n", index, ab_error_message());
        fclose(out);
        _exit(7);
    }
    fprintf(out, "process %d pid=%ld vmpte_before=%" PRId64 " attach_ns=%" PRIu64 " touch_ns=%" PRIu64
            " touch_faults=%" PRIu64, index, (long) getpid(), vmpte_before * 1024, attach_ns, touch_ns, f1 - f0);
    write_list(out, "replay_ns", ns, iterations);
    write_list(out, "replay_faults", faults, iterations);
    fprintf(out, " stats=%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 " smaps_page=%" PRIu64
            " huge_bytes=%" PRIu64 "\n", stats.totalspace, stats.nblocks, stats.freechunks, stats.freespace,
            stats.usedspace, pages.kernel_page_size, pages.hugetlb + pages.shmem_pmd_mapped + pages.anon_huge_pages);
    fclose(out);
    free(ns);
    free(faults);
    while (read(release_pipe[0], &drain, 1) > 0) /* held until the parent closes its end (or dies) */
        ;
    if (mine != segment)
        ab_seg_detach(mine);
    _exit(0);
}

/* Forks process `index` and reads its report; the line is passed through to stdout. */
static int start_backend(int index, int kind, const AbTrace *trace, int iterations, char *line, size_t linelen)
{
    int result[2];
    pid_t pid;
    FILE *in;
    int status;

    if (pipe(result) != 0)
        return fail("pipe: %s", strerror(errno));
    fflush(stdout);
    pthread_mutex_lock(&state_lock);
    pid = fork();
    if (pid < 0)
    {
        pthread_mutex_unlock(&state_lock);
        close(result[0]);
        close(result[1]);
        return fail("fork of process %d: %s", index, strerror(errno));
    }
    if (pid == 0)
    {
        close(result[0]);
        close(release_pipe[1]);
        for (int i = 0; i < nchildren; i++)
            close(children[i].result_fd);
        backend(index, kind, trace, iterations, result[1], getppid());
    }
    close(result[1]);
    children[nchildren].pid = pid;
    children[nchildren].result_fd = result[0];
    nchildren++;
    pthread_mutex_unlock(&state_lock);
    in = fdopen(dup(result[0]), "r");
    if (in == NULL || fgets(line, (int) linelen, in) == NULL)
    {
        if (in != NULL)
            fclose(in);
        if (waitpid(pid, &status, 0) == pid)
        {
            children[nchildren - 1].pid = 0;
            if (WIFSIGNALED(status))
                return fail("process %d was killed by signal %d (%s)%s", index, WTERMSIG(status),
                            strsignal(WTERMSIG(status)), WTERMSIG(status) == SIGBUS
                            ? ": the segment's memory ran out (hugetlb pages not reserved, or /dev/shm full)" : "");
            return fail("process %d exited with status %d before it reported", index, WEXITSTATUS(status));
        }
        return fail("process %d did not report", index);
    }
    fclose(in);
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "failed ", 7) == 0)
        return fail("%s", line + 7);
    return 0;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *out >= min && *out <= max;
}

static AbTrace *load_trace(const char *argument, char *problem, size_t problemlen)
{
    char path[4096];
    const char *colon = strrchr(argument, ':');
    long nslots;
    struct stat st;
    void *data;
    int fd;
    AbTraceFile file;
    const char *why;
    AbTrace *trace;

    if (colon == NULL || (size_t) (colon - argument) >= sizeof(path) || !parse_long(colon + 1, 1, UINT32_MAX, &nslots))
        return snprintf(problem, problemlen, "OPS_FILE:NSLOTS expected, not \"%s\"", argument), NULL;
    memcpy(path, argument, (size_t) (colon - argument));
    path[colon - argument] = '\0';
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0)
    {
        if (fd >= 0)
            close(fd);
        return snprintf(problem, problemlen, "cannot read %s", path), NULL;
    }
    data = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return snprintf(problem, problemlen, "cannot map %s: %s", path, strerror(errno)), NULL;
    if ((why = ab_trace_file_parse(data, (uint64_t) st.st_size, &file)) != NULL)
        trace = NULL;
    else if (file.version == 2 && file.nthreads != 1)
        why = "a trace of several threads: a backend is one thread";
    else
        trace = file.version == 1 ? ab_trace_create(file.ops, (size_t) file.nops, (uint32_t) nslots)
                : ab_trace_create2(file.ops, file.placement, (size_t) file.nops, (uint32_t) nslots, file.contexts,
                                   file.ncontexts, file.nthreads);
    if (why == NULL && trace == NULL)
        why = ab_error_message();
    if (why != NULL)
        snprintf(problem, problemlen, "%s: %s", path, why);
    if (file.version == 2)
        ab_trace_file_free(&file);
    munmap(data, (size_t) st.st_size);
    return why == NULL ? trace : NULL;
}

int main(int argc, char **argv)
{
    AbSegRequest request;
    const AbSegInfo *info;
    AbTrace *trace;
    pthread_t watcher;
    long size, processes, iterations;
    char problem[8192], line[65536], first[65536] = "";
    int kind;
    char go;

    if (argc != 7 && argc != 8)
        return usage("wrong number of arguments");
    {
        pthread_mutexattr_t recursive;

        pthread_mutexattr_init(&recursive);
        pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&state_lock, &recursive);
        pthread_mutexattr_destroy(&recursive);
    }
    memset(&request, 0, sizeof(request));
    if (strcmp(argv[1], "anonymous") == 0)
        kind = AB_SEG_ANONYMOUS;
    else if (strcmp(argv[1], "posix") == 0)
        kind = AB_SEG_POSIX;
    else if (strcmp(argv[1], "sysv") == 0)
        kind = AB_SEG_SYSV;
    else
        return usage("KIND must be anonymous, posix or sysv");
    if (strcmp(argv[2], "4k") == 0)
        request.huge_mode = AB_HUGE_OFF;
    else if (strcmp(argv[2], "thp") == 0 && kind == AB_SEG_ANONYMOUS)
        request.huge_mode = AB_HUGE_TRANSPARENT;
    else if (strcmp(argv[2], "2m") == 0 || strcmp(argv[2], "1g") == 0)
    {
        request.huge_mode = AB_HUGE_ON;
        request.huge_page_size = argv[2][0] == '2' ? 2u << 20 : 1u << 30;
    }
    else
        return usage("MAPPING must be 4k, 2m, 1g, or thp (anonymous only)");
    if (!parse_long(argv[3], 1, 1L << 46, &size))
        return usage("SIZE must be a positive number of bytes");
    if (!parse_long(argv[4], 1, MAX_PROCESSES, &processes))
        return usage("PROCESSES must be 1..4096");
    if (!parse_long(argv[5], 1, 1000000, &iterations))
        return usage("ITERATIONS must be 1..1000000");
    if ((trace = load_trace(argv[6], problem, sizeof(problem))) == NULL)
        return usage(problem);
    children = calloc((size_t) processes, sizeof(Child));
    if (children == NULL)
        return usage("out of memory");

    printf("ready %ld\n", (long) getpid());
    fflush(stdout);
    if (read(STDIN_FILENO, &go, 1) != 1)
        return 4;
    if (pipe(release_pipe) != 0)
        return fail("pipe: %s", strerror(errno));
    if (pthread_create(&watcher, NULL, watch_parent, NULL) != 0)
        return fail("cannot start the thread that watches the parent");
    pthread_detach(watcher);

    printf("pagetables-before %" PRId64 "\n", page_tables_kb());
    request.kind = kind;
    request.size = (uint64_t) size;
    if (kind == AB_SEG_POSIX)
    {
        if (argc == 8)
            snprintf(problem, sizeof(problem), "%s", argv[7]);
        else
            snprintf(problem, sizeof(problem), AB_SEG_POSIX_PREFIX "procs.%ld", (long) getpid());
        request.name = problem;
    }
    else if (kind == AB_SEG_SYSV)
    {
        long key;

        request.key = AB_SEG_SYSV_KEY_CHOOSE;
        if (argc == 8)
        {
            if (!parse_long(argv[7], AB_SEG_SYSV_KEY_MIN, AB_SEG_SYSV_KEY_MAX, &key))
                return fail("KEY must be a decimal key of the suite's range, not \"%s\"", argv[7]);
            request.key = key;
        }
    }
    pthread_mutex_lock(&state_lock);
    segment = ab_seg_create(&request);
    pthread_mutex_unlock(&state_lock);
    if (segment == NULL && ab_error_code() == AB_ERR_SEGMENT_EXISTS)
        return fail("exists: %s", ab_error_message()); /* the caller's name or key is taken: it may pick another */
    if (segment == NULL)
        return fail("%s%s%s", ab_error_message(), *ab_error_detail() ? " " : "", ab_error_detail());
    info = ab_seg_info(segment);
    printf("created %s %s %" PRId64 "\n", argv[1], info->name[0] != '\0' ? info->name : "-", info->key);
    fflush(stdout);
    if (request.huge_mode == AB_HUGE_TRANSPARENT && info->fallback[0] != '\0')
        return fail("thp: %s; /sys/kernel/mm/transparent_hugepage/shmem_enabled must be advise or always for"
                    " shared memory to get transparent huge pages", info->fallback);

    for (int i = 0; i < processes; i++)
    {
        if (start_backend(i, kind, trace, (int) iterations, line, sizeof(line)) != 0)
            return 3;
        if (i == 0)
            snprintf(first, sizeof(first), "%s", line);
        printf("%s\n", line);
        fflush(stdout);
    }
    {
        const char *page = strstr(first, " smaps_page=");
        const char *huge = strstr(first, " huge_bytes=");

        printf("segment bytes=%" PRIu64 " page=%" PRIu64 " huge=%s smaps_page=%llu huge_bytes=%llu\n", info->size,
               info->page_size, info->huge_status == AB_HUGE_STATUS_ON ? "on"
               : info->huge_status == AB_HUGE_STATUS_OFF ? "off" : "unknown",
               page != NULL ? strtoull(page + 12, NULL, 10) : 0ull, huge != NULL ? strtoull(huge + 12, NULL, 10) : 0ull);
    }
    for (int i = 0; i < nchildren; i++)
        printf("held %d vmpte=%" PRId64 " vmrss=%" PRId64 "\n", i, status_kb(children[i].pid, "VmPTE") * 1024,
               status_kb(children[i].pid, "VmRSS") * 1024);
    printf("pagetables-held %" PRId64 "\n", page_tables_kb());
    fflush(stdout);

    pthread_mutex_lock(&state_lock);
    close(release_pipe[1]);
    for (int i = 0; i < nchildren; i++)
    {
        int status;

        if (waitpid(children[i].pid, &status, 0) == children[i].pid)
            children[i].pid = 0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return fail("process %d ended badly after its report (status %d)", i, status);
        close(children[i].result_fd);
    }
    nchildren = 0;
    ab_seg_destroy(segment);
    segment = NULL;
    pthread_mutex_unlock(&state_lock);
    printf("pagetables-after %" PRId64 "\n", page_tables_kb());
    printf("done\n");
    fflush(stdout);
    ab_trace_free(trace);
    free(children);
    return 0;
}

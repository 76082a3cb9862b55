/*
 * ab_record.c -- liballocbench-record.so: records a program's heap
 * operations (allocbench record).  LD_PRELOADed into the command, it
 * interposes malloc, calloc, realloc, free, posix_memalign, aligned_alloc,
 * memalign, valloc and pvalloc in every thread, forwards each call to the
 * next definition (glibc's, or a preloaded peer's: dlsym RTLD_NEXT), and
 * writes one fixed-size record per call into a raw file the parent converts
 * into a trace (ab_record_format.h; org.allocbench.capture).
 *
 * Cost per call.  One relaxed atomic add (the global sequence number, so
 * the order across threads is known), a 32-byte store into a per-thread
 * buffer and a release store of its count (a plain store on x86).  A full
 * buffer (AB_REC_CAPACITY records) is written by its own thread with one
 * pwrite at an offset reserved by an atomic add, so threads never wait for
 * each other; the getpid() of the flush costs once per buffer.
 *
 * When the order of two records matters (a pointer freed by thread A and
 * handed to thread B), the sequence number must say so: it is taken before
 * the real call for what gives memory back (free, realloc's release) and
 * after it for what hands memory out, so B's number is above A's.  realloc
 * therefore writes two records: the release of the old pointer (number
 * taken before) and the new pointer (number taken after).
 *
 * Who records.  Only a direct child of the process named by
 * ALLOCBENCH_RECORD_PARENT (the allocbench JVM) records, into a new file
 * ALLOCBENCH_RECORD_DIR/rec-PID-GEN.raw.  So:
 *   - fork children do not record: the fork handler turns recording off in
 *     the child (the parent writes an AB_REC_FORK record to count them), and
 *     what they exec has another parent, so it loads this library and only
 *     forwards;
 *   - a program the command execs in its own place (same pid, same parent)
 *     records into the next generation's file; the converter takes the last
 *     one (what the command ended as) and names the others.  What the
 *     replaced image had not flushed when it exec'd is lost.
 * Anything else that loads the library (no variables, another parent) only
 * forwards calls.
 *
 * Thread and process ends.  A thread's buffer is written by a pthread key
 * destructor when it exits; its later calls (other destructors freeing
 * things) are written one by one.  At process exit (the library destructor,
 * which runs after the program's atexit handlers, and an atexit handler
 * registered before the program's, which runs after that) the exiting thread
 * writes its buffer, switches every thread to writing one record at a time,
 * and copies out the buffers of threads still running (a seqlock on each
 * buffer: a copy the owner disturbed is retried, and duplicates are dropped
 * by sequence number when read), then writes AB_REC_EXIT.  A process that
 * ends without its exit handlers (killed, _exit, quick_exit, exec) loses
 * what its threads had not flushed: at most AB_REC_CAPACITY records each;
 * the missing AB_REC_EXIT record tells the converter.
 *
 * Recursion.  A thread-local guard is set while the recorder itself runs
 * code that may allocate (pthread_setspecific, atexit, dlsym, strerror):
 * those calls are forwarded and not recorded.  dlsym itself may call calloc
 * before the real one is known: such calls are served from a small static
 * buffer whose blocks are never freed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ab_record_format.h"

#define EXPORT __attribute__((visibility("default")))
/* Initial-exec: the library is preloaded, so its TLS is in the static block and a first access in a new
 * thread never calls __tls_get_addr (which may malloc). */
#define THREAD_LOCAL __thread __attribute__((tls_model("initial-exec")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Records per thread buffer: 128 KiB, one pwrite per 4096 calls. */
#define AB_REC_CAPACITY 4096u

enum { MODE_OFF = 0, MODE_BUFFERED = 1, MODE_DIRECT = 2 };

/* ---------------------------------------------------------------- the real functions */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);

static atomic_int resolved;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static THREAD_LOCAL int tls_resolving;

/* dlsym's own allocations, before the real calloc is known: bump-allocated, never given back. */
#define BOOT_SIZE (64u * 1024u)
static _Alignas(16) unsigned char boot_heap[BOOT_SIZE];
static atomic_size_t boot_used;

static void *boot_alloc(size_t n)
{
    size_t need = (n + 16u + 15u) & ~(size_t)15u;
    if (n > BOOT_SIZE) {
        return NULL;
    }
    size_t at = atomic_fetch_add_explicit(&boot_used, need, memory_order_relaxed);
    if (at + need > BOOT_SIZE) {
        return NULL;
    }
    memcpy(boot_heap + at, &n, sizeof n); /* the block's size, for realloc */
    return boot_heap + at + 16u;          /* zeroed: static storage, never reused */
}

static bool is_boot(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return a >= (uintptr_t)boot_heap && a < (uintptr_t)boot_heap + BOOT_SIZE;
}

static void say(const char *a, const char *b, const char *c, const char *d)
{
    /* write(2), not stdio: stdio allocates */
    const char *parts[] = {"allocbench record: ", a, b, c, d, "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i] != NULL && write(2, parts[i], strlen(parts[i])) < 0) {
            return;
        }
    }
}

static void *next_symbol(const char *name, bool required)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL && required) {
        say("no next definition of ", name, " (is the library preloaded into a static program?)", "");
        abort();
    }
    return f;
}

static void resolve_all(void)
{
    tls_resolving = 1;
    real_malloc = (void *(*)(size_t))next_symbol("malloc", true);
    real_calloc = (void *(*)(size_t, size_t))next_symbol("calloc", true);
    real_realloc = (void *(*)(void *, size_t))next_symbol("realloc", true);
    real_free = (void (*)(void *))next_symbol("free", true);
    real_posix_memalign = (int (*)(void **, size_t, size_t))next_symbol("posix_memalign", false);
    real_aligned_alloc = (void *(*)(size_t, size_t))next_symbol("aligned_alloc", false);
    real_memalign = (void *(*)(size_t, size_t))next_symbol("memalign", false);
    real_valloc = (void *(*)(size_t))next_symbol("valloc", false);
    real_pvalloc = (void *(*)(size_t))next_symbol("pvalloc", false);
    tls_resolving = 0;
    atomic_store_explicit(&resolved, 1, memory_order_release);
}

/* False while this thread is inside dlsym (serve from the static buffer); otherwise the pointers are set. */
static inline bool ready(void)
{
    if (LIKELY(atomic_load_explicit(&resolved, memory_order_acquire))) {
        return true;
    }
    if (tls_resolving) {
        return false;
    }
    pthread_once(&resolve_once, resolve_all);
    return true;
}

/* ---------------------------------------------------------------- recorder state */

/* One thread's buffer.  The chunk header sits right before the records, so one pwrite writes both. */
typedef struct ThreadBuf {
    atomic_uint count;            /* records in recs; stored with release by the owner */
    atomic_uint gen;              /* seqlock: odd while the owner empties or recycles the buffer */
    atomic_uint index;            /* the thread's index in this process */
    atomic_int live;              /* 1 while a running thread owns it */
    struct ThreadBuf *next_all;   /* every buffer ever made (append-only, read at exit without a lock) */
    struct ThreadBuf *next_free;  /* buffers of exited threads, for reuse (under buffers_lock) */
    AbRecChunk chunk;
    AbRecord recs[AB_REC_CAPACITY];
} ThreadBuf;

_Static_assert(offsetof(ThreadBuf, recs) == offsetof(ThreadBuf, chunk) + sizeof(AbRecChunk), "chunk before records");

static atomic_int mode;            /* MODE_*; read once per call */
static atomic_uint_fast64_t seq;   /* the global sequence number */
static atomic_uint_fast64_t offset; /* the raw file's next free byte */
static atomic_uint threads;         /* thread indexes handed out */
static _Atomic(ThreadBuf *) all_buffers;
static ThreadBuf *free_buffers;
static pthread_mutex_t buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t thread_key;
static int fd = -1;
static dev_t file_dev; /* the raw file's identity: the fd must still name it before each write */
static ino_t file_ino;
static pid_t recording_pid;
static atomic_int exit_written;

static THREAD_LOCAL int tls_guard;      /* >0: the recorder itself is running; forward, do not record */
static THREAD_LOCAL ThreadBuf *tls_buf; /* NULL until the thread's first record, and after it exited */
static THREAD_LOCAL unsigned tls_index;
static THREAD_LOCAL int tls_exited;     /* the key destructor ran: write records one by one */

static inline uint64_t next_seq(void)
{
    return atomic_fetch_add_explicit(&seq, 1, memory_order_relaxed);
}

/* Recording stops for good, with a line on stderr saying why (and the system's reason if err is not 0). */
static void stop(const char *why, int err)
{
    atomic_store(&mode, MODE_OFF);
    tls_guard++; /* strerror may allocate */
    say("recording stopped: ", why, err != 0 ? ": " : "", err != 0 ? strerror(err) : "");
    tls_guard--;
}

/*
 * Writes bytes at a reserved offset; false (and recording off) if the file cannot take them.  Before
 * writing, the descriptor must still be the raw file: a program that closes every descriptor (a daemon
 * does) and opens its own files may have been given the same number, and must never receive records.
 */
static bool write_at(const void *data, size_t len)
{
    if (getpid() != recording_pid) {
        return false; /* a child made without fork's handlers (a raw clone): never write into the parent's file */
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != file_dev || st.st_ino != file_ino) {
        stop("the program closed the recording's file", 0);
        return false;
    }
    uint64_t at = atomic_fetch_add_explicit(&offset, len, memory_order_relaxed);
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)at);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            stop(n < 0 ? "cannot write the recording" : "cannot write the recording: no space", n < 0 ? errno : 0);
            return false;
        }
        p += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return true;
}

static void fill_chunk(AbRecChunk *c, unsigned thread, const AbRecord *recs, uint32_t n)
{
    c->magic = AB_REC_CHUNK_MAGIC;
    c->thread = thread;
    c->count = n;
    c->zero = 0;
    c->first_seq = recs[0].seq;
    c->last_seq = recs[n - 1].seq;
}

/*
 * The owner writes its buffer and empties it (the seqlock tells an exit-time copier it moved).  Guarded:
 * a signal handler that allocates meanwhile (undefined, but done) must not append to a full buffer.
 */
static void flush(ThreadBuf *b)
{
    uint32_t n = atomic_load_explicit(&b->count, memory_order_relaxed);
    if (n == 0) {
        return;
    }
    tls_guard++;
    fill_chunk(&b->chunk, atomic_load_explicit(&b->index, memory_order_relaxed), b->recs, n);
    write_at(&b->chunk, sizeof(AbRecChunk) + (size_t)n * sizeof(AbRecord));
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&b->count, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_release);
    /* the next records overwrite the buffer: not before a copier can see the generation moved (once per
     * buffer, so a full fence costs nothing that shows) */
    atomic_thread_fence(memory_order_seq_cst);
    tls_guard--;
}

static void write_one(unsigned thread, const AbRecord *r)
{
    struct {
        AbRecChunk chunk;
        AbRecord rec;
    } one;
    one.rec = *r;
    fill_chunk(&one.chunk, thread, &one.rec, 1);
    write_at(&one, sizeof one);
}

static void thread_end(void *arg);

/* The calling thread's buffer, made or reused at its first record; NULL if no memory could be mapped. */
static ThreadBuf *thread_start(void)
{
    tls_guard++;
    pthread_mutex_lock(&buffers_lock);
    ThreadBuf *b = free_buffers;
    if (b != NULL) {
        free_buffers = b->next_free;
    }
    pthread_mutex_unlock(&buffers_lock);
    if (b == NULL) {
        void *m = mmap(NULL, sizeof(ThreadBuf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            tls_guard--;
            return NULL;
        }
        b = m;
        ThreadBuf *head = atomic_load_explicit(&all_buffers, memory_order_relaxed);
        do {
            b->next_all = head;
        } while (!atomic_compare_exchange_weak_explicit(&all_buffers, &head, b, memory_order_release,
                                                        memory_order_relaxed));
    }
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    tls_index = atomic_fetch_add_explicit(&threads, 1, memory_order_relaxed);
    atomic_store_explicit(&b->index, tls_index, memory_order_relaxed);
    atomic_store_explicit(&b->count, 0, memory_order_relaxed);
    atomic_store_explicit(&b->live, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_release);
    tls_buf = b;
    pthread_setspecific(thread_key, b); /* may calloc: guarded */
    tls_guard--;
    return b;
}

/* pthread key destructor: the thread is exiting. */
static void thread_end(void *arg)
{
    ThreadBuf *b = arg;
    if (atomic_load(&mode) == MODE_OFF) {
        /* a fork child (or a failed file): nothing to write, and the lock may be held by a parent thread */
        tls_buf = NULL;
        tls_exited = 1;
        return;
    }
    tls_guard++;
    flush(b);
    tls_buf = NULL;
    tls_exited = 1;
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&b->live, 0, memory_order_relaxed);
    atomic_store_explicit(&b->count, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&b->gen, 1, memory_order_release);
    pthread_mutex_lock(&buffers_lock);
    b->next_free = free_buffers;
    free_buffers = b;
    pthread_mutex_unlock(&buffers_lock);
    tls_guard--;
}

static void put_slow(int m, const AbRecord *r);

/* Records one call.  m is the mode the caller read (not MODE_OFF). */
static inline void put(int m, uint32_t op, uint64_t s, const void *ptr, uint64_t size, uint32_t aux)
{
    AbRecord r = {.seq = s, .ptr = (uint64_t)(uintptr_t)ptr, .size = size, .op = op, .aux = aux};
    ThreadBuf *b = tls_buf;
    if (UNLIKELY(b == NULL || m != MODE_BUFFERED)) {
        put_slow(m, &r);
        return;
    }
    uint32_t n = atomic_load_explicit(&b->count, memory_order_relaxed);
    b->recs[n] = r;
    atomic_store_explicit(&b->count, n + 1, memory_order_release);
    if (UNLIKELY(n + 1 == AB_REC_CAPACITY)) {
        flush(b);
    }
}

/* The first record of a thread, and every record once it exited or the process is exiting. */
static void put_slow(int m, const AbRecord *r)
{
    ThreadBuf *b = tls_buf;
    if (b == NULL && !tls_exited) {
        b = thread_start();
        if (b == NULL) {
            return; /* no memory for a buffer: this thread goes unrecorded */
        }
    }
    if (m == MODE_BUFFERED && b != NULL) {
        uint32_t n = atomic_load_explicit(&b->count, memory_order_relaxed);
        b->recs[n] = *r;
        atomic_store_explicit(&b->count, n + 1, memory_order_release);
        if (n + 1 == AB_REC_CAPACITY) {
            flush(b);
        }
        return;
    }
    write_one(tls_index, r);
}

/* Whether this call is to be recorded, and in which mode (MODE_OFF: not). */
static inline int recording(void)
{
    int m = atomic_load_explicit(&mode, memory_order_relaxed);
    return LIKELY(m != MODE_OFF) && !tls_guard ? m : MODE_OFF;
}

/* ---------------------------------------------------------------- exit and fork */

/*
 * Copies the buffer of a thread still running and writes the copy.  The owner may append meanwhile (the
 * copy takes what was published) or empty it (the generation changes: try again, a few times).
 */
static void snapshot(ThreadBuf *b, AbRecord *scratch)
{
    for (int attempt = 0; attempt < 1000; attempt++) {
        unsigned g1 = atomic_load_explicit(&b->gen, memory_order_acquire);
        if (g1 & 1u) {
            sched_yield();
            continue;
        }
        if (!atomic_load_explicit(&b->live, memory_order_relaxed)) {
            return;
        }
        uint32_t n = atomic_load_explicit(&b->count, memory_order_acquire);
        unsigned index = atomic_load_explicit(&b->index, memory_order_relaxed);
        if (n > AB_REC_CAPACITY) {
            n = AB_REC_CAPACITY;
        }
        memcpy(scratch, b->recs, (size_t)n * sizeof(AbRecord));
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&b->gen, memory_order_relaxed) != g1) {
            continue;
        }
        if (n > 0) {
            AbRecChunk *c = (AbRecChunk *)(void *)((char *)scratch - sizeof(AbRecChunk));
            fill_chunk(c, index, scratch, n);
            write_at(c, sizeof(AbRecChunk) + (size_t)n * sizeof(AbRecord));
        }
        return;
    }
}

static void process_end(void)
{
    if (atomic_load(&mode) == MODE_OFF || getpid() != recording_pid) {
        return;
    }
    tls_guard++;
    int expected = MODE_BUFFERED;
    if (atomic_compare_exchange_strong(&mode, &expected, MODE_DIRECT)) {
        /* from now on every thread writes its records one by one; what they buffered is written here */
        if (tls_buf != NULL) {
            flush(tls_buf);
        }
        size_t scratch_size = sizeof(AbRecChunk) + AB_REC_CAPACITY * sizeof(AbRecord);
        void *m = mmap(NULL, scratch_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            AbRecord *scratch = (AbRecord *)(void *)((char *)m + sizeof(AbRecChunk));
            for (ThreadBuf *b = atomic_load_explicit(&all_buffers, memory_order_acquire); b != NULL; b = b->next_all) {
                if (b != tls_buf) {
                    snapshot(b, scratch);
                }
            }
            munmap(m, scratch_size);
        }
    }
    int no = 0;
    if (atomic_compare_exchange_strong(&exit_written, &no, 1) && atomic_load(&mode) != MODE_OFF) {
        AbRecord r = {.seq = next_seq(), .op = AB_REC_EXIT};
        put_slow(MODE_DIRECT, &r);
    }
    tls_guard--;
}

static void process_end_atexit(void)
{
    process_end();
}

__attribute__((destructor)) static void library_end(void)
{
    process_end();
}

static void fork_parent(void)
{
    int m = recording();
    if (m != MODE_OFF) {
        put(m, AB_REC_FORK, next_seq(), NULL, 0, 0);
    }
}

static void fork_child(void)
{
    /* the child is not recorded; the buffers it inherited are the parent's to write */
    atomic_store(&mode, MODE_OFF);
}

/* ---------------------------------------------------------------- start */

static unsigned long parse_pid(const char *s)
{
    unsigned long v = 0;
    if (s == NULL || *s == '\0') {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000ul) {
            return 0;
        }
        v = v * 10 + (unsigned long)(*s - '0');
    }
    return v;
}

/* Appends the decimal digits of v at p; returns the end. */
static char *put_decimal(char *p, unsigned long v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        *p++ = digits[--n];
    }
    return p;
}

/* Creates DIR/rec-PID-GEN.raw for the first free GEN; -1 on failure (said on stderr). */
static int create_file(const char *dir, pid_t pid, unsigned *generation)
{
    char path[4096];
    size_t len = strlen(dir);
    if (len > sizeof path - 64) {
        say("directory name too long: ", dir, "", "");
        return -1;
    }
    for (unsigned gen = 0; gen < 10000; gen++) {
        char *p = path;
        memcpy(p, dir, len);
        p += len;
        memcpy(p, "/rec-", 5);
        p = put_decimal(p + 5, (unsigned long)pid);
        *p++ = '-';
        p = put_decimal(p, gen);
        memcpy(p, ".raw", 5);
        int f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (f >= 0) {
            *generation = gen;
            return f;
        }
        if (errno != EEXIST) {
            say("cannot create ", path, ": ", strerror(errno));
            return -1;
        }
    }
    say("too many recordings of one process in ", dir, "", "");
    return -1;
}

__attribute__((constructor)) static void library_start(void)
{
    tls_guard++;
    ready();
    const char *dir = getenv(AB_REC_ENV_DIR);
    unsigned long parent = parse_pid(getenv(AB_REC_ENV_PARENT));
    if (dir == NULL || parent == 0 || parent != (unsigned long)getppid()) {
        tls_guard--;
        return; /* not the recorded command: forward only */
    }
    recording_pid = getpid();
    unsigned generation = 0;
    fd = create_file(dir, recording_pid, &generation);
    if (fd < 0) {
        tls_guard--;
        return;
    }
    /* out of the way of the low numbers a program opens and closes itself (it may close 3..N at start) */
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 700);
    if (high >= 0) {
        close(fd);
        fd = high;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        tls_guard--;
        return;
    }
    file_dev = st.st_dev;
    file_ino = st.st_ino;
    AbRecFileHeader h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, AB_REC_MAGIC, sizeof h.magic);
    h.version = AB_REC_VERSION;
    h.record_size = sizeof(AbRecord);
    h.pid = (uint32_t)recording_pid;
    h.generation = generation;
    ssize_t exe = readlink("/proc/self/exe", h.exe, sizeof h.exe - 1);
    h.exe[exe > 0 ? exe : 0] = '\0';
    atomic_store(&offset, 0);
    if (pthread_key_create(&thread_key, thread_end) != 0 || !write_at(&h, sizeof h)) {
        say("cannot start recording", "", "", "");
        tls_guard--;
        return;
    }
    pthread_atfork(NULL, fork_parent, fork_child);
    atexit(process_end_atexit);
    atomic_store(&mode, MODE_BUFFERED);
    tls_guard--;
}

/* ---------------------------------------------------------------- the interposed functions */

EXPORT void *malloc(size_t n)
{
    if (UNLIKELY(!ready())) {
        return boot_alloc(n);
    }
    void *p = real_malloc(n);
    int m = recording();
    if (m != MODE_OFF && p != NULL) {
        put(m, AB_REC_MALLOC, next_seq(), p, n, 0);
    }
    return p;
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (UNLIKELY(!ready())) {
        size_t total;
        return __builtin_mul_overflow(n, size, &total) ? NULL : boot_alloc(total);
    }
    void *p = real_calloc(n, size);
    int m = recording();
    if (m != MODE_OFF && p != NULL) {
        put(m, AB_REC_CALLOC, next_seq(), p, (uint64_t)n * size, 0); /* no overflow: calloc succeeded */
    }
    return p;
}

EXPORT void free(void *p)
{
    if (p == NULL || is_boot(p)) {
        return; /* free(NULL) does nothing and is not recorded; static blocks are never given back */
    }
    if (UNLIKELY(!ready())) {
        return; /* cannot happen: only boot blocks exist before the real functions are known */
    }
    int m = recording();
    if (m != MODE_OFF) {
        put(m, AB_REC_FREE, next_seq(), p, 0, 0);
    }
    real_free(p);
}

EXPORT void *realloc(void *p, size_t n)
{
    if (p == NULL) {
        return malloc(n);
    }
    if (is_boot(p)) {
        size_t old;
        memcpy(&old, (unsigned char *)p - 16, sizeof old);
        void *q = malloc(n); /* recorded as a malloc: the static block never was */
        if (q != NULL) {
            memcpy(q, p, old < n ? old : n);
        }
        return q;
    }
    if (UNLIKELY(!ready())) {
        return NULL;
    }
    int m = recording();
    if (m == MODE_OFF) {
        return real_realloc(p, n);
    }
    uint64_t release = next_seq();
    void *q = real_realloc(p, n);
    if (q == NULL && n != 0) {
        return NULL; /* failed: p is still the caller's, nothing happened */
    }
    uint64_t acquire = next_seq();
    m = recording(); /* the mode may have changed meanwhile (exit) */
    if (m != MODE_OFF) {
        put(m, AB_REC_REALLOC_RELEASE, release, p, 0, 0);
        put(m, AB_REC_REALLOC_ACQUIRE, acquire, q, n, 0);
    }
    return q;
}

static inline void *record_aligned(void *p, size_t alignment, size_t n)
{
    int m = recording();
    if (m != MODE_OFF && p != NULL) {
        put(m, AB_REC_ALIGNED, next_seq(), p, n, alignment > UINT32_MAX ? UINT32_MAX : (uint32_t)alignment);
    }
    return p;
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t n)
{
    if (UNLIKELY(!ready()) || real_posix_memalign == NULL) {
        return ENOMEM;
    }
    int rc = real_posix_memalign(out, alignment, n);
    if (rc == 0) {
        record_aligned(*out, alignment, n);
    }
    return rc;
}

EXPORT void *aligned_alloc(size_t alignment, size_t n)
{
    if (UNLIKELY(!ready()) || real_aligned_alloc == NULL) {
        return NULL;
    }
    return record_aligned(real_aligned_alloc(alignment, n), alignment, n);
}

EXPORT void *memalign(size_t alignment, size_t n)
{
    if (UNLIKELY(!ready()) || real_memalign == NULL) {
        return NULL;
    }
    return record_aligned(real_memalign(alignment, n), alignment, n);
}

EXPORT void *valloc(size_t n)
{
    if (UNLIKELY(!ready()) || real_valloc == NULL) {
        return NULL;
    }
    return record_aligned(real_valloc(n), (size_t)getpagesize(), n);
}

EXPORT void *pvalloc(size_t n)
{
    if (UNLIKELY(!ready()) || real_pvalloc == NULL) {
        return NULL;
    }
    return record_aligned(real_pvalloc(n), (size_t)getpagesize(), n);
}

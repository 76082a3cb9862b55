/*
 * ab_record_format.h -- the raw file liballocbench-record.so writes: what one
 * recorded process did to its heap, in the order its threads flushed it.
 * The capture library (ab_record.c), its C test and the Java reader
 * (org.allocbench.capture.RawRecording) agree on this layout; change all
 * three together and bump AB_REC_VERSION.
 *
 * All fields little-endian (x86_64's own order: the writer stores structs).
 *
 *   file header (AB_REC_HEADER_SIZE bytes, at offset 0)
 *     magic "ABRECRAW", version, record size, pid, generation (how many
 *     images of this pid loaded the library before: an exec chain), the
 *     executable's path (/proc/self/exe, NUL-terminated, cut to fit)
 *   then chunks, back to back, each:
 *     chunk header (32 bytes): magic, thread index, record count, zero,
 *       first and last sequence number of its records
 *     count records (32 bytes each)
 *
 * One thread's chunks hold its records in its own order (sequence numbers
 * increasing); chunks of different threads interleave in the file. A chunk
 * may repeat records of an earlier one of the same thread (the exit-time
 * snapshot of a thread still running, see ab_record.c): readers skip any
 * record whose sequence number is not above the last one they took from
 * that thread.
 */
#ifndef AB_RECORD_FORMAT_H
#define AB_RECORD_FORMAT_H

#include <stdint.h>

#define AB_REC_MAGIC "ABRECRAW"
#define AB_REC_VERSION 1u
#define AB_REC_HEADER_SIZE 512u
#define AB_REC_EXE_SIZE 256u
#define AB_REC_CHUNK_MAGIC 0x4b484341u /* "ACHK" read as little-endian bytes */

/* What a record says happened. The sequence number is taken before the
 * call for what gives memory back (free, the release half of realloc) and
 * after it for what hands memory out, so a pointer freed by one thread and
 * handed to another is always released before it is acquired. */
enum AbRecOp {
    AB_REC_MALLOC = 1,          /* ptr = result, size = bytes (also realloc(NULL, n)) */
    AB_REC_CALLOC = 2,          /* ptr = result, size = n * m */
    AB_REC_ALIGNED = 3,         /* posix_memalign, aligned_alloc, memalign, valloc, pvalloc: aux = alignment */
    AB_REC_FREE = 4,            /* ptr = the pointer freed (never NULL: free(NULL) is not recorded) */
    AB_REC_REALLOC_RELEASE = 5, /* realloc(p, n) gave p up: ptr = p; always followed by the next one */
    AB_REC_REALLOC_ACQUIRE = 6, /* ... and returned ptr (0: realloc(p, 0) freed p) of size bytes */
    AB_REC_FORK = 7,            /* the thread forked; the child is not recorded */
    AB_REC_EXIT = 8             /* the process ran its exit handlers: nothing of its was lost at exit */
};

typedef struct AbRecFileHeader {
    char magic[8];
    uint32_t version;
    uint32_t record_size;
    uint32_t pid;
    uint32_t generation;
    uint64_t reserved;
    char exe[AB_REC_EXE_SIZE];
    char padding[AB_REC_HEADER_SIZE - 32 - AB_REC_EXE_SIZE];
} AbRecFileHeader;

typedef struct AbRecChunk {
    uint32_t magic;
    uint32_t thread;
    uint32_t count;
    uint32_t zero;
    uint64_t first_seq;
    uint64_t last_seq;
} AbRecChunk;

typedef struct AbRecord {
    uint64_t seq;
    uint64_t ptr;
    uint64_t size;
    uint32_t op;
    uint32_t aux;
} AbRecord;

_Static_assert(sizeof(AbRecFileHeader) == AB_REC_HEADER_SIZE, "file header size");
_Static_assert(sizeof(AbRecChunk) == 32, "chunk header size");
_Static_assert(sizeof(AbRecord) == 32, "record size");

/* The environment the recorder reads: where to write, and whose child records. */
#define AB_REC_ENV_DIR "ALLOCBENCH_RECORD_DIR"
#define AB_REC_ENV_PARENT "ALLOCBENCH_RECORD_PARENT"

#endif

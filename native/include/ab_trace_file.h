/*
 * ab_trace_file.h -- the encoded trace file the JVM hands to its native child
 * programs (the whole-trace runner, native/runner): header-only, so the
 * runner, which loads liballocbench.so with dlopen, and the library's users
 * parse it alike.  Written by org.allocbench.trace.OpSequence.writeEncoded.
 *
 * Version 1: the ops' 64-bit words, little-endian, nothing else (the slot
 * count travels beside the file).
 *
 * Version 2 (a trace with contexts and threads), all little-endian:
 *
 *   u64 magic AB_TRACE_FILE_MAGIC2   (bits 57..63 set: never a valid version 1 op)
 *   u64 nops
 *   u32 ncontexts, u32 nthreads
 *   u64 ops[nops]
 *   u32 placement[nops], then a u32 0 if nops is odd
 *   per context id 0 .. ncontexts-1:
 *     u32 parent (0xffffffff for the root and for ids never created), u32 name length L,
 *     u64 min_ctx, u64 init_block, u64 max_block, L name bytes, zero bytes up to a multiple of 8
 */
#ifndef AB_TRACE_FILE_H
#define AB_TRACE_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"

#define AB_TRACE_FILE_MAGIC2 0xAB7ACE0000000002ull

/* A parsed file: pointers into the caller's buffer, the table and its names malloc'd (ab_trace_file_free). */
typedef struct AbTraceFile
{
    int             version;   /* 1 or 2 */
    const uint64_t *ops;
    uint64_t        nops;
    const uint32_t *placement; /* version 2 */
    AbContextSpec  *contexts;  /* version 2, [ncontexts] */
    uint32_t        ncontexts, nthreads;
} AbTraceFile;

static inline void ab_trace_file_free(AbTraceFile *file)
{
    if (file->contexts != NULL)
        for (uint32_t id = 0; id < file->ncontexts; id++)
            free((void *) file->contexts[id].name);
    free(file->contexts);
    file->contexts = NULL;
}

/* Parses size bytes at data (8-byte aligned); NULL on success, else what is wrong (a constant string). */
static inline const char *ab_trace_file_parse(const void *data, uint64_t size, AbTraceFile *out)
{
    const unsigned char *bytes = data;
    uint64_t at;

    memset(out, 0, sizeof(*out));
    if (size % 8 != 0)
        return "not a file of 64-bit words";
    out->version = 1;
    out->ops = data;
    out->nops = size / 8;
    if (size < 8 || ((const uint64_t *) data)[0] != AB_TRACE_FILE_MAGIC2)
        return NULL;
    if (size < 24)
        return "version 2 header cut short";
    out->version = 2;
    out->nops = ((const uint64_t *) data)[1];
    memcpy(&out->ncontexts, bytes + 16, 4);
    memcpy(&out->nthreads, bytes + 20, 4);
    if (out->nops > (size - 24) / 12)
        return "version 2 op count larger than the file";
    out->ops = (const uint64_t *) (bytes + 24);
    out->placement = (const uint32_t *) (bytes + 24 + 8 * out->nops);
    at = 24 + 8 * out->nops + 4 * out->nops + (out->nops % 2 ? 4 : 0);
    if (out->ncontexts < 1 || out->ncontexts > AB_REPLAY_MAX_CONTEXTS || out->ncontexts > (size - at) / 32)
        return "version 2 context count out of range or larger than the file";
    if ((out->contexts = calloc(out->ncontexts, sizeof(AbContextSpec))) == NULL)
        return "out of memory (context table)";
    for (uint32_t id = 0; id < out->ncontexts; id++)
    {
        uint32_t length;
        uint64_t sizes[3];
        char *name;

        if (size - at < 32)
            return ab_trace_file_free(out), "version 2 context table cut short";
        memcpy(&out->contexts[id].parent, bytes + at, 4);
        memcpy(&length, bytes + at + 4, 4);
        memcpy(sizes, bytes + at + 8, 24);
        at += 32;
        if (length > size - at)
            return ab_trace_file_free(out), "version 2 context name cut short";
        out->contexts[id].min_ctx = (size_t) sizes[0];
        out->contexts[id].init_block = (size_t) sizes[1];
        out->contexts[id].max_block = (size_t) sizes[2];
        if ((name = malloc(length + 1)) == NULL)
            return ab_trace_file_free(out), "out of memory (context name)";
        memcpy(name, bytes + at, length);
        name[length] = '\0';
        out->contexts[id].name = name;
        at += (length + 7) / 8 * 8;
    }
    if (at != size)
        return ab_trace_file_free(out), "version 2 file has bytes after its context table";
    return NULL;
}

#endif /* AB_TRACE_FILE_H */

/*
 * error.c -- the thread-local error slot.
 *
 * PostgreSQL's ereport(ERROR) longjmps to the nearest handler; from a
 * foreign-function call that would unwind through the JVM's frames.  So
 * failing calls return NULL or an error code, and the message waits here for
 * the caller, per thread, until the next failure on that thread overwrites it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aset_internal.h"

typedef struct ErrorSlot
{
    int  code;
    char message[256];
    char detail[512];
} ErrorSlot;

static _Thread_local ErrorSlot slot;

static void set_message(int code, const char *detail, const char *fmt, va_list args)
{
    slot.code = code;
    vsnprintf(slot.message, sizeof(slot.message), fmt, args);
    snprintf(slot.detail, sizeof(slot.detail), "%s", detail != NULL ? detail : "");
}

void ab_error_set(int code, const char *detail, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    set_message(code, detail, fmt, args);
    va_end(args);
}

void *ab_error_null(int code, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    set_message(code, NULL, fmt, args);
    va_end(args);
    return NULL;
}

int ab_error_fail(int code, const char *detail, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    set_message(code, detail, fmt, args);
    va_end(args);
    return code;
}

int ab_error_vfail_in(int code, const char *where, const char *fmt, va_list args)
{
    char problem[200];

    vsnprintf(problem, sizeof(problem), fmt, args);
    return ab_error_fail(code, NULL, "%s: %s", where, problem);
}

int ab_error_invalid_context(const struct AbContext *context)
{
    if (context == NULL)
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL, "memory context is NULL");
    else
        ab_error_set(AB_ERR_INVALID_ARGUMENT, NULL,
                     "%p is not a live memory context (deleted, or not a context)",
                     (const void *) context);
    return AB_ERR_INVALID_ARGUMENT;
}

int ab_error_code(void)
{
    return slot.code;
}

const char *ab_error_message(void)
{
    return slot.message;
}

const char *ab_error_detail(void)
{
    return slot.detail;
}

/* MemoryContextAllocationFailure's error (the caller returns NULL, with NO_OOM too: the slot says why). */
void *ab_error_out_of_memory(const struct AbContext *context, size_t size)
{
    char detail[512]; /* as large as the error slot's detail */

    snprintf(detail, sizeof(detail), "Failed on request of size %zu in memory context \"%s\".",
             size, context->d.name);
    ab_error_set(AB_ERR_OUT_OF_MEMORY, detail, "out of memory");
    return NULL;
}

void *ab_error_invalid_size(size_t size)
{
    return ab_error_null(AB_ERR_INVALID_SIZE, "invalid memory alloc request size %zu", size);
}

void *ab_error_create_failed(const char *name)
{
    char detail[512]; /* as large as the error slot's detail */

    snprintf(detail, sizeof(detail), "Failed while creating memory context \"%s\".", name);
    ab_error_set(AB_ERR_OUT_OF_MEMORY, detail, "out of memory");
    return NULL;
}

int ab_check_block_sizes(size_t minContextSize, size_t initBlockSize, size_t maxBlockSize)
{
    /*
     * PostgreSQL only Asserts these; we are called from another language
     * with run-time values, so they are checked.  1024 is an arbitrary floor
     * (as in PostgreSQL); the offset field of a chunk header caps the block size.
     */
    if (initBlockSize != MAXALIGN(initBlockSize) || initBlockSize < 1024)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL,
                             "invalid initBlockSize %zu: must be a multiple of 8 and at least 1024",
                             initBlockSize);
    if (maxBlockSize != MAXALIGN(maxBlockSize) || maxBlockSize < initBlockSize
        || maxBlockSize > AB_MAX_BLOCK_SIZE)
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL,
                             "invalid maxBlockSize %zu: must be a multiple of 8, at least initBlockSize (%zu) and below 1 GiB",
                             maxBlockSize, initBlockSize);
    if (minContextSize != 0
        && (minContextSize != MAXALIGN(minContextSize) || minContextSize < 1024
            || minContextSize > maxBlockSize))
        return ab_error_fail(AB_ERR_INVALID_ARGUMENT, NULL,
                             "invalid minContextSize %zu: must be 0, or a multiple of 8 between 1024 and maxBlockSize (%zu)",
                             minContextSize, maxBlockSize);
    return AB_OK;
}

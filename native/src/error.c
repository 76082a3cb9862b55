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

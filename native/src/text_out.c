/*
 * text_out.c -- text formatted into a caller's buffer, the one way the core
 * writes reports (ab_stats_dump's MemoryContextStats text, ab_seg_cleanup's
 * lines): snprintf's contract over many calls, so a buffer too small holds
 * the text's first bytes, terminated, and len still counts every byte (what
 * a caller needs to size the next try).
 */
#include <stdarg.h>
#include <stdio.h>

#include "aset_internal.h"

void ab_text_printf(AbTextOut *out, const char *fmt, ...)
{
    va_list args;
    size_t room = out->buf != NULL && out->len < out->cap ? out->cap - out->len : 0;
    int n;

    va_start(args, fmt);
    n = vsnprintf(room > 0 ? out->buf + out->len : NULL, room, fmt, args);
    va_end(args);
    if (n > 0)
        out->len += (size_t) n;
}

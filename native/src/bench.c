/*
 * bench.c -- small entry points for the Java binding to measure and check
 * itself: a downcall that does nothing, and the sizes of the structs it reads.
 */
#include "aset_internal.h"

void ab_noop(void)
{
}

size_t ab_sizeof_counters(void)
{
    return sizeof(AbCounters);
}

size_t ab_sizeof_row(void)
{
    return sizeof(AbContextRow);
}

const char *ab_variant(void)
{
#if AB_LAYOUT == 15 && defined(AB_CHECKING)
    return "pg15-check";
#elif AB_LAYOUT == 15
    return "pg15";
#elif defined(AB_CHECKING)
    return "pg16-check";
#else
    return "pg16";
#endif
}

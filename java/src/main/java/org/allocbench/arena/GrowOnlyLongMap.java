package org.allocbench.arena;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;

/**
 * A fastutil long-to-long map that keeps the capacity it grew to. fastutil halves
 * a table whose entries fall under a quarter of it; a context whose dedicated
 * blocks come and go in tens (large-chunks, git log) then rehashed back and
 * forth, a new pair of arrays each time: garbage (8 KB per large-chunks replay,
 * which shows as page faults on fresh eden pages) and time, where the C AllocSet
 * makes none. Its users are per thread and reused (a block source by its
 * thread's next sets, a block cache for the thread's life), so the table is paid
 * for once. Absent keys map to 0.
 */
final class GrowOnlyLongMap extends Long2LongOpenHashMap {

    private static final long serialVersionUID = 1L;

    GrowOnlyLongMap(int expected) {
        super(expected);
    }

    @Override
    protected void rehash(int newN) {
        if (newN > n) {
            super.rehash(newN);
        }
    }
}

package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Exact-accounting assertions shared by the tests (the arena tests use them too). */
public final class Counters {

    private Counters() {
    }

    /** Asserts all five counters, in PostgreSQL's printed order. */
    public static void assertCounters(MemoryContextCounters actual, long total, long blocks, long free, long chunks,
            long used) {
        assertEquals(new MemoryContextCounters(blocks, chunks, total, free, used), actual,
                "expected " + total + " total in " + blocks + " blocks; " + free + " free (" + chunks + " chunks); "
                        + used + " used");
    }

    /** A fresh DEFAULT context, as PostgreSQL 17 prints it. */
    static void assertFreshDefault(NativeMemoryContext context) {
        assertCounters(context.stats(), 8192, 1, 7952, 0, 240);
    }
}
